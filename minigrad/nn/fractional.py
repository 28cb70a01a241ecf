"""Fractional max pooling (Graham, 2014), ``F.fractional_max_pool2d/3d`` and
``nn.FractionalMaxPool2d/3d``, as PyTorch's.

Each plane (sample, channel) pools k-sized windows whose starts step by the fraction
alpha = (I - k) / (O - 1) from a random offset u in [0, 1) (one per plane and dim, the
``_random_samples``): start_i = int((i + u) alpha) - int(u alpha) for i < O - 1, and the
last window ends at the input's end, I - k. The pooling is one node, its VJP beside it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..engine import record
from ..factories import rand
from ..grad_mode import _mode
from ..tensor import Tensor, check_tensor
from .conv_layers import _ntuple
from .module import Module

__all__ = ["fractional_max_pool2d", "fractional_max_pool3d"]  # the functional.py names

_DIM_NAMES = {2: ("height", "width"), 3: ("time", "height", "width")}


def _intervals(u: np.ndarray, size: int, out: int, k: int) -> np.ndarray:
    """The window starts (..., out) along a dim of ``size`` for offsets u (...), in u's
    dtype as PyTorch computes them (float32 rounding included)."""
    dt = u.dtype.type
    starts = np.full(u.shape + (out,), size - k, np.int64)
    if out > 1:
        alpha = dt(size - k) / dt(out - 1)
        i = np.arange(out - 1).astype(u.dtype)
        starts[..., :-1] = ((i + u[..., None]) * alpha).astype(np.int64) - (
            (u * alpha).astype(np.int64)[..., None]
        )
    return starts


def _fractional_max_pool(
    n: int, input: Tensor, kernel_size: Any, output_size: Any, output_ratio: Any,
    return_indices: bool, _random_samples: Any,
) -> Any:  # fmt: skip
    """out[b, c, o] = the maximum of x[b, c] over the window of its planes' starts (the
    first maximum in row-major order, the last NaN); dx = g sent to each maximum. With
    ``return_indices``, also its flat index in its plane (int64)."""
    op = f"fractional_max_pool{n}d"
    check_tensor(op, "input", input)
    if output_size is None and output_ratio is None:
        raise ValueError(f"{op} requires specifying either an output_size or an output_ratio")
    if output_size is None:
        if n == 2 and len(output_ratio) > 2:
            raise ValueError(
                f"{op} requires output_ratio to either be a single Int or tuple of Ints."
            )
        ratio = _ntuple(output_ratio, n)
        if input.ndim < n:
            raise IndexError(f"{op}: input of {input.ndim} dims has no {n} spatial dims")
        output_size = [int(input.shape[d - n] * r) for d, r in enumerate(ratio)]
    if input.ndim < n + 1:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-input.ndim}, "
            f"{input.ndim - 1}], but got {-n - 1})"
        )
    X = input.data
    batched = X.ndim == n + 2
    if _random_samples is None:
        _random_samples = rand(X.shape[0] if batched else 1, X.shape[-n - 1], n, dtype=X.dtype)
    kernel, out_size = _ntuple(kernel_size, n), _ntuple(output_size, n)
    for name, v in (("kernel_size", kernel), ("output_size", out_size)):
        if len(v) != n:
            raise RuntimeError(f"{op}: {name} must either be a single Int or tuple of Ints")
    if X.ndim != n + 1 and not batched:
        raise RuntimeError(
            f"{op}(): Expected {n + 1}D or {n + 2}D tensor, but got: {list(X.shape)}"
        )
    if 0 in X.shape[-n - 1 :]:
        raise RuntimeError(
            f"{op}(): Expected input to have non-zero size for non-batch dimensions, but got "
            f"{list(X.shape)}"
        )
    spatial = X.shape[-n:]
    for name, k, o, size in zip(_DIM_NAMES[n], kernel, out_size, spatial):
        if k <= 0:
            raise RuntimeError(f"{op}(): kernel_size must be positive, got {kernel}")
        if o + k - 1 > size - (n == 3):  # PyTorch's 3-D check is strict, its 2-D one not
            raise RuntimeError(
                f"{op}(): pool {name} {k} too large relative to input {name} {size} "
                f"(output {name} {o})"
            )
    if _random_samples.requires_grad and _mode.enabled:
        raise RuntimeError(f"{op}: the derivative for 'random_samples' is not implemented "
                           "(it is not differentiable)")  # fmt: skip
    S = np.asarray(_random_samples.data)
    if S.dtype != X.dtype:
        raise RuntimeError(
            f"{op}: expect _random_samples ({S.dtype}) to have the same dtype as input ({X.dtype})"
        )
    planes = X if batched else X[None]
    B, C = planes.shape[:2]
    if S.ndim != 3 or S.shape[2] != n or S.shape[1] != C or S.shape[0] < B:
        raise RuntimeError(
            f"{op}: expect _random_samples of shape (>= {B}, {C}, {n}), got {list(S.shape)}"
        )
    # the flat in-plane index of every window element: (B, C, *out, *kernel)
    flat = np.zeros((B, C) + (1,) * 2 * n, np.int64)
    for d, (k, o, size) in enumerate(zip(kernel, out_size, spatial)):
        u = S[:B, :, n - 1 - d if n == 2 else d]  # 2-D samples are (w, h); 3-D (t, h, w)
        pos = _intervals(u, size, o, k)[..., None] + np.arange(k)  # (B, C, o, k)
        if pos.size and (pos.min() < 0 or pos.max() >= size):
            raise RuntimeError(f"{op}: _random_samples put a window outside the input")
        shape = [B, C] + [1] * 2 * n
        shape[2 + d], shape[2 + n + d] = o, k
        flat = flat * size + pos.reshape(shape)
    windows = flat.reshape(B, C, *out_size, int(np.prod(kernel)))
    plane_size = int(np.prod(spatial))
    V = np.take_along_axis(
        planes.reshape(B, C, plane_size), windows.reshape(B, C, int(np.prod(windows.shape[2:]))), -1
    ).reshape(windows.shape)
    arg = V.argmax(-1)
    nan = np.isnan(V)
    if nan.any():  # the last NaN of the scan, as PyTorch's
        arg = np.where(nan.any(-1), V.shape[-1] - 1 - nan[..., ::-1].argmax(-1), arg)
    index = np.take_along_axis(windows, arg[..., None], -1)[..., 0]
    out = np.take_along_axis(V, arg[..., None], -1)[..., 0]

    def vjp(g: np.ndarray) -> np.ndarray:
        at = (np.arange(B * C).reshape(B, C, *(1,) * n) * plane_size + index).ravel()
        dx = np.bincount(at, g.ravel(), B * C * plane_size).astype(g.dtype, copy=False)
        return dx.reshape(X.shape)

    if not batched:
        out, index = out[0], index[0]
    result = record(out, f"FractionalMaxPool{n}D", (input,), (vjp,))
    if return_indices:
        return result, Tensor._new(index)
    return result


def fractional_max_pool2d(
    input: Tensor, kernel_size: Any, output_size: Any = None, output_ratio: Any = None,
    return_indices: bool = False, _random_samples: Any = None,
) -> Any:  # fmt: skip
    """Fractional max pooling of (N, C, H, W) or (C, H, W) input with k_H x k_W windows to
    ``output_size`` (or ``output_ratio`` times the input's H, W); ``_random_samples``
    (N, C, 2) of offsets in [0, 1), for W then H (drawn if None)."""
    return _fractional_max_pool(2, input, kernel_size, output_size, output_ratio,
                                return_indices, _random_samples)  # fmt: skip


def fractional_max_pool3d(
    input: Tensor, kernel_size: Any, output_size: Any = None, output_ratio: Any = None,
    return_indices: bool = False, _random_samples: Any = None,
) -> Any:  # fmt: skip
    """Fractional max pooling of (N, C, T, H, W) or (C, T, H, W) input with k_T x k_H x k_W
    windows; ``_random_samples`` (N, C, 3) of offsets for T, H, W (drawn if None)."""
    return _fractional_max_pool(3, input, kernel_size, output_size, output_ratio,
                                return_indices, _random_samples)  # fmt: skip


class _FractionalMaxPoolNd(Module):
    """The settings (kernel_size, and output_size or output_ratio in (0, 1)) and the
    ``_random_samples`` buffer (None: fresh offsets at each call)."""

    _nd = 0

    def __init__(
        self, kernel_size: Any, output_size: Any = None, output_ratio: Any = None,
        return_indices: bool = False, _random_samples: Any = None,
    ) -> None:  # fmt: skip
        super().__init__()
        n, name = self._nd, type(self).__name__
        if n == 3 and (  # as PyTorch's: only the 3-D module checks here
            (isinstance(kernel_size, int) and kernel_size <= 0)
            or (isinstance(kernel_size, (tuple, list)) and not all(k > 0 for k in kernel_size))
        ):
            raise ValueError(f"kernel_size must be greater than 0, but got {kernel_size}")
        self.kernel_size = _ntuple(kernel_size, n)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = None if output_size is None else _ntuple(output_size, n)
        self.output_ratio = None if output_ratio is None else _ntuple(output_ratio, n)
        if output_size is None and output_ratio is None:
            raise ValueError(
                f"{name} requires specifying either an output size, or a pooling ratio"
            )
        if output_size is not None and output_ratio is not None:
            raise ValueError("only one of output_size and output_ratio may be specified")
        if self.output_ratio is not None and not all(0 < r < 1 for r in self.output_ratio):
            raise ValueError(f"output_ratio must be between 0 and 1 (got {output_ratio})")

    def forward(self, input: Tensor) -> Any:
        return _fractional_max_pool(self._nd, input, self.kernel_size, self.output_size,
                                    self.output_ratio, self.return_indices,
                                    self._random_samples)  # fmt: skip


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    """2-D fractional max pooling (``F.fractional_max_pool2d``)."""

    _nd = 2


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    """3-D fractional max pooling (``F.fractional_max_pool3d``)."""

    _nd = 3
