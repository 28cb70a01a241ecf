"""The one device minigrad computes on: the CPU, through NumPy.

PyTorch programs name devices (``model.to(device)``, ``torch.zeros(3, device=device)``,
``torch.cuda.is_available()``). minigrad accepts the CPU wherever PyTorch takes a
device, so such a program moves over unchanged, and refuses any other device with an
error that says why.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class device:
    """A device name, as ``torch.device``: ``device("cpu")``, ``device("cuda:0")``.

    Any name can be held (PyTorch programs build ``device("cuda")`` before asking for
    it); only the CPU can be used, and the others raise where a tensor would go to them.
    """

    __slots__ = ("type", "index")

    def __init__(self, type: Any = "cpu", index: int | None = None) -> None:
        if isinstance(type, device):
            type, index = type.type, type.index
        kind, _, number = str(type).partition(":")
        self.type = kind
        self.index = int(number) if number else index

    def __repr__(self) -> str:
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))


CPU = device("cpu")


class _Named:
    """A constant that prints as ``minigrad.<name>``."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"minigrad.{self.name}"


class memory_format(_Named):
    """A memory layout, as ``torch.memory_format``: C order (``contiguous_format``), the
    channels last (``channels_last``: N, H, W, C in memory for an (N, C, H, W) tensor;
    ``channels_last_3d`` for 5-D), or a result's laid out as its input (``preserve_format``)."""

    __slots__ = ()


contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
_CHANNELS_LAST = {channels_last: (0, 2, 3, 1), channels_last_3d: (0, 2, 3, 4, 1)}


def memory_order(fmt: memory_format, ndim: int) -> tuple | None:
    """The dims of a channels-last format in memory order, outermost first ((0, 2, 3, 1) for
    channels_last), or None for another format. Raises for a tensor of the wrong rank."""
    order = _CHANNELS_LAST.get(fmt)
    if order is not None and ndim != len(order):
        raise RuntimeError(f"required rank {len(order)} tensor to use {fmt.name} format")
    return order


def is_dense(X: np.ndarray) -> bool:
    """Whether X's elements fill its span of memory with no gap or repeat (its dims in some
    order are in C order): PyTorch's is_non_overlapping_and_dense."""
    step = X.itemsize
    for stride, n in sorted((s, n) for s, n in zip(X.strides, X.shape) if n != 1):
        if stride != step:
            return False
        step *= n
    return True


def in_memory_order(X: np.ndarray, order: tuple) -> np.ndarray:
    """A copy of X whose memory holds its dims in ``order`` (outermost first)."""
    return X.transpose(order).copy().transpose(np.argsort(order))


def dense_order(X: np.ndarray) -> tuple:
    """X's dims outermost first by their strides, as PyTorch lays out a copy of a tensor that
    is not dense (``infer_dense_strides``): a stable sort from C order, in which a dim of
    stride 0 is not moved past and of equal strides the larger dim goes outside."""

    def outside(a: int, b: int) -> int:  # 1: dim a belongs outside dim b, -1: inside, 0: either
        sa, sb = X.strides[a], X.strides[b]
        if sa == 0 or sb == 0:
            return 0
        if sa != sb:
            return 1 if sa > sb else -1
        return 1 if X.shape[a] > X.shape[b] else 0

    inner = list(range(X.ndim))[::-1]  # innermost first
    for i in range(1, X.ndim):
        k = i
        for j in range(i - 1, -1, -1):
            c = outside(inner[j], inner[k])
            if c < 0:
                break
            if c > 0:
                inner[j], inner[k] = inner[k], inner[j]
                k = j
    return tuple(inner[::-1])


def preserved(X: np.ndarray, dtype: Any = None) -> np.ndarray:
    """A copy of X (cast to ``dtype``) laid out as PyTorch's ``preserve_format`` lays it out:
    as X where X is dense, else by ``dense_order``."""
    if X.flags.c_contiguous or is_dense(X):
        return X.astype(dtype or X.dtype, order="K")
    order = dense_order(X)
    return X.transpose(order).astype(dtype or X.dtype, order="C").transpose(np.argsort(order))


def suggested_order(X: np.ndarray) -> tuple | None:
    """The channels-last order that X's strides suggest, or None (C order): PyTorch's
    ``suggest_memory_format``, which takes ambiguous strides (dims of size 1) as C order."""
    order = {4: _CHANNELS_LAST[channels_last], 5: _CHANNELS_LAST[channels_last_3d]}.get(X.ndim)
    if order is None or X.strides[1] == 0:
        return None
    low = 0
    for d in reversed(order):  # C, then the spatial dims innermost first, then N
        n, stride = X.shape[d], X.strides[d]
        if n == 0 or stride < low or (d == 0 and low == X.strides[1]):
            return None
        low = stride * n if n > 1 else stride
    return order


def is_in_memory_order(X: np.ndarray, order: tuple) -> bool:
    """Whether X's memory holds its dims in ``order``, dims of size 1 placed anywhere (PyTorch's
    test, so an empty tensor's is that of its strides)."""
    expected = X.itemsize
    for d in reversed(order):
        if X.shape[d] != 1:
            if X.strides[d] != expected:
                return False
            expected *= X.shape[d]
    return True


class layout(_Named):
    """How a tensor's elements are laid out, as ``torch.layout``: minigrad's are all
    strided (dense arrays)."""

    __slots__ = ()


strided = layout("strided")


def check_memory_format(op: str, layout: Any, optional: bool = True) -> None:
    """PyTorch's TypeError for a ``memory_format=`` that is not a memory format (or None, where
    it is ``optional``)."""
    if not isinstance(layout, memory_format) and not (optional and layout is None):
        raise TypeError(
            f"{op}(): argument 'memory_format' must be memory_format, not {type(layout).__name__}"
        )


def check(d: Any) -> None:
    """Accept None or the CPU (a ``device`` or its name); raise for any other device."""
    if d is not None and device(d).type != "cpu":
        raise RuntimeError(
            f"minigrad computes on the CPU only (with NumPy): device '{device(d)}' is not "
            "available; use 'cpu'"
        )


def dtype_of_to(args: tuple, kwargs: dict) -> Any:
    """The dtype that ``.to(...)`` asks for (None: keep it), after checking the device.

    PyTorch's forms: ``to(dtype)``, ``to(device)``, ``to(device, dtype)``, with
    ``dtype=``, ``device=`` and ``non_blocking=`` as keywords. (``to(tensor)`` is
    handled by the Tensor, which knows its own type.)
    """
    unknown = set(kwargs) - {"dtype", "device", "non_blocking", "copy", "memory_format"}
    if unknown:
        raise TypeError(f"to() got an unexpected keyword argument {sorted(unknown)[0]!r}")
    check_memory_format("to", kwargs.get("memory_format"))
    dtype = kwargs.get("dtype")
    check(kwargs.get("device"))
    for a in args:
        if isinstance(a, (str, device)):
            check(a)
        elif isinstance(a, int) and not isinstance(a, bool):  # an accelerator's index
            check(f"cuda:{a}")
        elif dtype is None:
            dtype = a
        else:
            raise TypeError(f"to() received an invalid combination of arguments: {args!r}")
    return dtype


def laid_out_like(arr: np.ndarray, X: np.ndarray, fmt: Any, op: str) -> np.ndarray:
    """``arr`` (a new C-order array of X's shape) laid out in ``fmt`` for a ``*_like``
    factory: ``preserve_format`` (or None) takes X's layout where X is dense, as PyTorch."""
    check_memory_format(op, fmt)
    if fmt is None or fmt is preserve_format:
        if X.flags.c_contiguous:
            return arr
        order = dense_order(X)  # X's own order where X is dense
    else:
        order = memory_order(fmt, X.ndim)
    return arr if order is None else in_memory_order(arr, order)
