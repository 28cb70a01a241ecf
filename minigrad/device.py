"""The one device minigrad computes on: the CPU, through NumPy.

PyTorch programs name devices (``model.to(device)``, ``torch.zeros(3, device=device)``,
``torch.cuda.is_available()``). minigrad accepts the CPU wherever PyTorch takes a
device, so such a program moves over unchanged, and refuses any other device with an
error that says why.
"""

from __future__ import annotations

from typing import Any


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


class memory_format:
    """A memory layout, as ``torch.memory_format``. minigrad's results are in C order (or
    views of an array), so a layout is taken where PyTorch takes one and changes nothing."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"minigrad.{self.name}"


contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")


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


def get_default_device() -> device:
    """The device factories put tensors on: the CPU."""
    return CPU


def set_default_device(device: Any) -> None:
    """Accept None or the CPU as the default device; any other device raises."""
    check(device)
