"""Resampling: interpolate (upsample), pixel and channel shuffles, unfold and fold,
affine_grid and grid_sample; their modules.

Every interpolation mode is separable: along each spatial axis an output point i reads a
few input points, ``out[i] = Σ_t w[t, i] x[idx[t, i]]`` (nearest: 1 tap, linear: 2, cubic:
4, area: the window). ``interpolate`` is one graph node that applies the taps axis by axis;
its VJP scatters ``w[t, i] g[i]`` back to ``idx[t, i]``, the transpose of the same map.
The coordinates are PyTorch's (``area_pixel_compute_source_index``), computed in the
input's dtype as PyTorch's CPU kernels do.

unfold (im2col) and fold (col2im) are each other's transpose: one's forward is the
other's VJP. The shuffles are a reshape, a permute and a reshape, views as in PyTorch.
grid_sample reads each grid point through per-axis taps too (position, weight and the
weight's derivative by the grid), their product over the axes.
"""

from __future__ import annotations

import itertools
import math
import warnings
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .. import dtypes
from ..engine import record
from ..errors import OpError
from ..factories import from_numpy
from ..tensor import Tensor, check_tensor
from .conv import _col2im as _conv_col2im
from .conv import refuse_empty_output
from .module import Module

__all__ = [
    "affine_grid", "channel_shuffle", "fold", "grid_sample", "interpolate",
    "native_channel_shuffle", "pixel_shuffle",
    "pixel_unshuffle", "unfold", "upsample", "upsample_bilinear", "upsample_nearest",
]  # fmt: skip

_MODES = "nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact"
_LINEAR = {"linear": 1, "bilinear": 2, "bicubic": 2, "lanczos": 2, "trilinear": 3}
_NODE = {"nearest": "UpsampleNearest", "nearest-exact": "UpsampleNearestExact",
         "linear": "UpsampleLinear", "bilinear": "UpsampleBilinear",
         "bicubic": "UpsampleBicubic", "trilinear": "UpsampleTrilinear",
         "lanczos": "UpsampleLanczos", "area": "AdaptiveAvgPool"}  # fmt: skip


def _is_int(v: Any) -> bool:
    """An int as PyTorch's int arguments take it: a Python or NumPy integer, not a bool."""
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


# ---- interpolate ---------------------------------------------------------------------


def interpolate(
    input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
    align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
    antialias: bool = False,
) -> Tensor:  # fmt: skip
    """Resample the spatial dims of (N, C, d1[, d2[, d3]]) to ``size`` or to
    floor(d · scale_factor), each axis separately (see the module docstring).

    Source coordinate of output i: s·i with align_corners, else s·(i + 0.5) - 0.5, with
    s = (in - 1) / (out - 1), resp. 1 / scale_factor when given (and not recomputed) or
    in / out. nearest reads x[floor(s·i)], nearest-exact x[floor(s·(i + 0.5))], linear
    interpolates its two neighbours, bicubic its four (Keys, A = -0.75, borders
    clamped), area averages the adaptive-pooling window. antialias (bilinear, bicubic and
    lanczos, which needs it, of 4-D input) widens the filter by s when downsampling, as
    Pillow.
    """
    check_tensor("interpolate", "input", input)
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError(
                "interpolate: align_corners option can only be set with the interpolating "
                f"modes: linear | bilinear | bicubic | trilinear (got mode {mode!r})"
            )
    elif align_corners is None:
        align_corners = False
    X = input.data
    nd = X.ndim - 2
    spatial = list(X.shape[2:])
    if size is not None and scale_factor is not None:
        raise ValueError("interpolate: only one of size or scale_factor should be defined")
    scales = None
    if size is not None:
        sizes = list(size) if isinstance(size, (list, tuple)) else [size] * nd
        if isinstance(size, (list, tuple)) and len(size) != nd:
            raise ValueError(f"interpolate: Input and output must have the same number of "
                             f"spatial dimensions, but got input with spatial dimensions of "
                             f"{spatial} and output size of {size}")  # fmt: skip
        if not all(_is_int(v) for v in sizes):
            raise TypeError(f"interpolate: expected size to be one of int or Tuple[int] or "
                            f"Tuple[int, int] or Tuple[int, int, int], but got size with types "
                            f"{[type(v) for v in sizes]}")  # fmt: skip
        sizes = [int(v) for v in sizes]
    elif scale_factor is not None:
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != nd:
                raise ValueError(f"interpolate: Input and scale_factor must have the same "
                                 f"number of spatial dimensions, but got input with spatial "
                                 f"dimensions of {spatial} and scale_factor of shape "
                                 f"{scale_factor}")  # fmt: skip
            scales = [float(v) for v in scale_factor]
        else:
            scales = [float(scale_factor)] * nd
        sizes = [math.floor(n * f) for n, f in zip(spatial, scales)]
    else:
        raise ValueError("interpolate: either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("interpolate: recompute_scale_factor is not meaningful with an "
                         "explicit size.")  # fmt: skip
    if mode == "area" or recompute_scale_factor:
        scales = None  # the kernel sees only the (floored) output size
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and X.ndim == 4):
        raise ValueError("interpolate: Anti-alias option is restricted to bilinear, bicubic, "
                         f"and lanczos modes and requires a 4-D tensor as input (got mode "
                         f"{mode!r} and a {X.ndim}-D input)")  # fmt: skip
    if mode == "lanczos" and X.ndim == 4:
        if align_corners:
            raise ValueError("interpolate: Lanczos mode does not support align_corners=True")
        if not antialias:
            raise ValueError("interpolate: Lanczos mode requires antialias=True")
    if mode in _LINEAR and nd != _LINEAR[mode] and nd in (1, 2, 3):
        need = _LINEAR[mode] + 2
        raise NotImplementedError(f"interpolate: Got {X.ndim}D input, but {mode} mode needs "
                                  f"{need}D input")  # fmt: skip
    if nd not in (1, 2, 3) or mode not in _NODE:
        raise NotImplementedError(f"interpolate: Input Error: Only 3D, 4D and 5D input Tensors "
                                  f"supported (got {X.ndim}D) for the modes: {_MODES} "
                                  f"(got {mode})")  # fmt: skip
    return _resample(input, sizes, scales, mode, bool(align_corners), antialias)


def _resample(input: Tensor, sizes: list, scales: list | None, mode: str, corners: bool,
              antialias: bool) -> Tensor:  # fmt: skip
    """Check the sizes as PyTorch's kernels do; apply the taps of every axis (one node)."""
    X = input.data
    nd = X.ndim - 2
    spatial = X.shape[2:]
    if mode != "area" and (min(spatial) <= 0 or min(sizes) <= 0):
        raise OpError(f"interpolate: Input and output sizes should be greater than 0, but got "
                      f"input {list(spatial)} output {sizes} (mode {mode!r})")  # fmt: skip
    if mode == "area" and min(sizes) < 0:
        raise OpError(f"interpolate: elements of output_size must be greater than or equal to "
                      f"0 but received {sizes} (mode 'area')")  # fmt: skip
    if 0 in X.shape[1:]:
        raise OpError(f"interpolate: Non-empty {X.ndim}D data tensor expected but got a tensor "
                      f"with sizes {list(X.shape)}")  # fmt: skip
    if X.dtype.kind != "f" and not (X.dtype == np.uint8 and mode.startswith("nearest")):
        # (PyTorch's nearest kernels also take uint8 images; its fixed-point uint8 bilinear
        # and bicubic are not here)
        raise NotImplementedError(f'interpolate: "{_NODE[mode].lower()}{nd}d" not implemented '
                                  f"for '{dtypes.torch_name(X.dtype)}'")  # fmt: skip
    if mode == "area" and all(s == 1 for s in sizes):  # PyTorch's shortcut: a mean
        return input.mean(tuple(range(2, X.ndim)), keepdim=True)
    calc = X.dtype.type if X.dtype.kind == "f" else np.float32  # (a uint8 image's positions)
    taps = [
        _taps(
            mode, n, o, None if scales is None else scales[i], corners, calc, nd, antialias
        )  # fmt: skip
        for i, (n, o) in enumerate(zip(spatial, sizes))
    ]
    taps = [(idx, w.astype(X.dtype)) for idx, w in taps]
    out = X
    for axis, (idx, w) in enumerate(taps, 2):
        out = _gather(out, idx, w, axis)

    def vjp(g: np.ndarray) -> np.ndarray:
        for axis, (idx, w) in reversed(list(enumerate(taps, 2))):
            g = _scatter(g, idx, w, axis, X.shape[axis])
        return g

    if mode == "area":  # PyTorch's adaptive average pool
        vjp = refuse_empty_output(f"adaptive_avg_pool{nd}d", nd, out.shape, vjp)

    return record(out, f"{_NODE[mode]}{nd}D{'Aa' if antialias else ''}", (input,), (vjp,))


def _gather(x: np.ndarray, idx: np.ndarray, w: np.ndarray, axis: int) -> np.ndarray:
    """out[..., i, ...] = Σ_t w[t, i] x[..., idx[t, i], ...] along ``axis``."""
    shape = (-1,) + (1,) * (x.ndim - axis - 1)
    out = np.take(x, idx[0], axis) * w[0].reshape(shape)
    for t in range(1, len(idx)):
        out += np.take(x, idx[t], axis) * w[t].reshape(shape)
    return out


def _scatter(g: np.ndarray, idx: np.ndarray, w: np.ndarray, axis: int, n: int) -> np.ndarray:
    """The transpose of ``_gather`` onto an axis of ``n`` points:
    dx[..., j, ...] = Σ over (t, i) with idx[t, i] = j of w[t, i] g[..., i, ...].

    A matrix product with the (n, out) matrix of the taps while that is small (and g
    finite: its zeros would spread an inf or NaN over the axis), else per tap a sum over
    the runs of equal j after a stable sort of the indices."""
    T, out = idx.shape
    if n * out <= _DENSE and np.isfinite(g).all():
        A = np.zeros((n, out), g.dtype)
        np.add.at(A, (idx, np.arange(out)), w)
        pre, post = g.shape[:axis], g.shape[axis + 1 :]
        if not post:
            return g @ A.T
        return (A @ g.reshape(-1, out, math.prod(post))).reshape(pre + (n,) + post)
    gm = np.moveaxis(g, axis, 0)
    dx = np.zeros((n,) + gm.shape[1:], g.dtype)
    shape = (-1,) + (1,) * (gm.ndim - 1)
    for t in range(T):
        order = np.argsort(idx[t], kind="stable")
        j = idx[t][order]
        first = np.flatnonzero(np.r_[True, j[1:] != j[:-1]])
        dx[j[first]] += np.add.reduceat(gm[order] * w[t][order].reshape(shape), first, 0)
    return np.moveaxis(dx, 0, axis)


_DENSE = 1 << 22  # the most entries of a dense tap matrix in _scatter


def _taps(mode: str, n: int, out: int, scale: float | None, corners: bool, dt: type, nd: int,
          antialias: bool = False) -> tuple:  # fmt: skip
    """The (T, out) input indices and weights of one axis of ``n`` points resampled to
    ``out``: PyTorch's ``compute_indices_weights``, the coordinates in the input's dtype
    ``dt`` (float32 with a fused multiply-add, as its compiled kernels) and floored in
    float32 (its ``floorf``). Its 2-D nearest kernels differ: they compute in float32,
    'nearest' copies an axis whose size is kept and halves one that doubles, and
    'nearest-exact' floors s·(i + 0.5) directly."""
    i = np.arange(out)
    ones = np.ones((1, out), dt)
    if mode == "area":  # the adaptive window [floor(i n / out), ceil((i + 1) n / out))
        start, end = i * n // out, -(-(i + 1) * n // out)
        T = int((end - start).max(initial=1))
        idx = np.minimum(start + np.arange(T)[:, None], end - 1)
        w = np.where(start + np.arange(T)[:, None] < end, 1 / (end - start), 0).astype(dt)
        return idx, w
    kernel2d = mode.startswith("nearest") and nd == 2
    if kernel2d:
        if mode == "nearest" and out in (n, 2 * n):
            return (i * n // out)[None], ones
        dt = np.float32
    if corners:
        s = dt((n - 1) / (out - 1)) if out > 1 else dt(0)
    elif scale is not None and scale > 0:
        s = dt(1.0 / scale)
    else:
        s = dt(n) / dt(out)
    if antialias:  # PyTorch's separable kernel leaves an axis of unchanged size as it is
        return (i[None], ones) if out == n else _taps_antialiased(mode, n, out, float(s), dt)
    if mode == "nearest":  # floor(s i), as OpenCV's INTER_NEAREST
        return np.minimum(_floorf(s * i.astype(dt)), n - 1)[None], ones
    if kernel2d:  # nearest-exact
        return np.minimum(_floorf(s * (i.astype(dt) + dt(0.5))), n - 1)[None], ones
    if corners:
        src = s * i.astype(dt)
    else:  # s (i + 0.5) - 0.5, rounded once (float32 products are exact in float64)
        src = (np.float64(s) * (i + 0.5) - 0.5).astype(dt)
    if mode != "bicubic":
        src = np.maximum(src, dt(0))
    if mode == "nearest-exact":  # round the pixel centre, as Pillow and scipy's zoom
        return np.minimum(_floorf(src + dt(0.5)), n - 1)[None], ones
    i0 = np.minimum(_floorf(src), n - 1)
    t = np.clip(src - i0.astype(dt), dt(0), dt(1)).astype(dt)
    if mode == "bicubic":
        idx = np.clip(i0 + np.arange(-1, 3)[:, None], 0, n - 1)
        return idx, np.stack(_keys(t)[0]).astype(dt)
    if out == n:  # PyTorch copies when the size does not change, whatever the scale
        return i[None], ones
    i1 = i0 + (i0 < n - 1)
    return np.stack([i0, i1]), np.stack([1 - t, t])


def _keys(t: np.ndarray, A: float = -0.75) -> tuple:
    """Keys' cubic convolution weights of the 4 points at distances 1 + t, t, 1 - t, 2 - t
    (0 <= t < 1), and their derivatives by t."""
    near = lambda x: ((A + 2) * x - (A + 3)) * x * x + 1  # noqa: E731 - |x| <= 1
    far = lambda x: ((A * x - 5 * A) * x + 8 * A) * x - 4 * A  # noqa: E731 - 1 < |x| < 2
    dnear = lambda x: (3 * (A + 2) * x - 2 * (A + 3)) * x  # noqa: E731
    dfar = lambda x: (3 * A * x - 10 * A) * x + 8 * A  # noqa: E731
    w = [far(t + 1), near(t), near(1 - t), far(2 - t)]
    return w, [dfar(t + 1), dnear(t), -dnear(1 - t), -dfar(2 - t)]


def _taps_antialiased(mode: str, n: int, out: int, s: float, dt: type) -> tuple:
    """PyTorch's (and Pillow's) antialiased taps: output i reads the input points within
    the filter's support around its centre s (i + 0.5), the filter (triangle, cubic with
    A = -0.5, or Lanczos-3) stretched by s when downsampling; the weights normalized to
    sum to 1."""
    half = {"bilinear": 1.0, "bicubic": 2.0, "lanczos": 3.0}[mode]
    support, stretch = (half * s, s) if s >= 1 else (half, 1.0)
    T = math.ceil(support) * 2 + 1
    centre = (s * (np.arange(out) + 0.5)).astype(dt).astype(np.float64)
    lo = np.maximum((centre - support + 0.5).astype(np.int64), 0)
    count = np.clip(np.minimum((centre + support + 0.5).astype(np.int64), n) - lo, 0, T)
    j = np.arange(T)[:, None]
    x = np.abs((j + lo - centre + 0.5) / stretch).astype(dt).astype(np.float64)
    if mode == "bilinear":
        w = np.maximum(1 - x, 0)
    elif mode == "lanczos":
        w = np.where(x < 3, np.sinc(x) * np.sinc(x / 3), 0)
    else:
        A = -0.5
        w = np.where(x < 1, ((A + 2) * x - (A + 3)) * x * x + 1,
                     np.where(x < 2, ((A * x - 5 * A) * x + 8 * A) * x - 4 * A, 0))  # fmt: skip
    w = np.where(j < count, w, 0)
    total = w.sum(0)
    w = w / np.where(total == 0, 1, total)
    return np.minimum(lo + j, n - 1), w.astype(dt)


def _floorf(v: np.ndarray) -> np.ndarray:
    """C's floorf, as PyTorch's kernels floor a coordinate: through float32."""
    return np.floor(v.astype(np.float32)).astype(np.int64)


def upsample(
    input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
    align_corners: bool | None = None,
) -> Tensor:  # fmt: skip
    """Deprecated spelling of ``interpolate`` (warns, as PyTorch)."""
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` "
                  "instead.", stacklevel=2)  # fmt: skip
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size: Any = None, scale_factor: Any = None) -> Tensor:
    """Deprecated: ``interpolate(input, size, scale_factor, mode='nearest')``."""
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)  # fmt: skip
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size: Any = None, scale_factor: Any = None) -> Tensor:
    """Deprecated: ``interpolate(input, size, scale_factor, 'bilinear', align_corners=True)``."""
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)  # fmt: skip
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# ---- pixel and channel shuffles ------------------------------------------------------


def _factor(op: str, name: str, value: Any) -> int:
    if not _is_int(value):
        raise TypeError(f"{op}(): argument '{name}' (position 2) must be int, not "
                        f"{type(value).__name__}")  # fmt: skip
    if value <= 0:
        raise OpError(f"{op} expects a positive {name}, but got {value}")
    return int(value)


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """(*, C r², H, W) -> (*, C, H r, W r): out[c, h r + i, w r + j] = x[c r² + i r + j, h, w]."""
    check_tensor("pixel_shuffle", "input", input)
    r = _factor("pixel_shuffle", "upscale_factor", upscale_factor)
    shape = input.shape
    if len(shape) < 3:
        raise OpError(f"pixel_shuffle expects input to have at least 3 dimensions, but got "
                      f"input with {len(shape)} dimension(s)")  # fmt: skip
    *lead, C, H, W = shape
    if C % (r * r):
        raise OpError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible "
                      f"by the square of upscale_factor, but input.size(-3)={C} is not "
                      f"divisible by {r * r}")  # fmt: skip
    k = len(lead)
    x = input.reshape(*lead, C // (r * r), r, r, H, W)
    x = x.permute(*range(k), k, k + 3, k + 1, k + 4, k + 2)
    return x.reshape(*lead, C // (r * r), H * r, W * r)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """(*, C, H r, W r) -> (*, C r², H, W), the inverse of ``pixel_shuffle``."""
    check_tensor("pixel_unshuffle", "input", input)
    r = _factor("pixel_unshuffle", "downscale_factor", downscale_factor)
    shape = input.shape
    if len(shape) < 3:
        raise OpError(f"pixel_unshuffle expects input to have at least 3 dimensions, but got "
                      f"input with {len(shape)} dimension(s)")  # fmt: skip
    *lead, C, H, W = shape
    for name, n, d in (("height", H, -2), ("width", W, -1)):
        if n % r:
            raise OpError(f"pixel_unshuffle expects {name} to be divisible by "
                          f"downscale_factor, but input.size({d})={n} is not divisible by "
                          f"{r}")  # fmt: skip
    k = len(lead)
    x = input.reshape(*lead, C, H // r, r, W // r, r)
    x = x.permute(*range(k), k, k + 2, k + 4, k + 1, k + 3)
    return x.reshape(*lead, C * r * r, H // r, W // r)


def channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """(N, C, *) -> (N, C, *) with channel g·(C/groups) + j moved to j·groups + g: the
    channels viewed as (groups, C/groups) and transposed."""
    check_tensor("channel_shuffle", "input", input)
    if not _is_int(groups):
        raise TypeError(f"channel_shuffle(): argument 'groups' (position 2) must be int, not "
                        f"{type(groups).__name__}")  # fmt: skip
    shape = input.shape
    if len(shape) <= 2:
        raise OpError(f"channel_shuffle expects input with > 2 dims, but got input with sizes "
                      f"{list(shape)}")  # fmt: skip
    if groups <= 0:
        raise OpError(f"channel_shuffle: Number of groups to divide channels in must be "
                      f"positive. Value of groups:{groups}")  # fmt: skip
    N, C, *rest = shape
    if C % groups:
        raise OpError(f"channel_shuffle: Number of channels must be divisible by groups. Got "
                      f"{C} channels and {groups} groups.")  # fmt: skip
    x = input.reshape(N, groups, C // groups, *rest).transpose(1, 2)
    return x.reshape(*shape)


native_channel_shuffle = channel_shuffle


# ---- unfold and fold -----------------------------------------------------------------


def _pairs(op: str, **values: Any) -> list:
    """PyTorch's _pair of each argument, checked as im2col / col2im check them."""
    out = []
    for name, v in values.items():
        items = tuple(v) if isinstance(v, (tuple, list)) else (v, v)
        for j, x in enumerate(items):
            if not _is_int(x):
                raise TypeError(f"{op}(): argument '{name}' must be tuple of ints, but found "
                                f"element of type {type(x).__name__} at pos {j}")  # fmt: skip
        if len(items) != 2:
            raise OpError(f"{op}: It is expected {name} equals to 2, but got size {len(items)}")
        out.append(tuple(int(x) for x in items))
    return out


def _check_blocks(op: str, k: tuple, d: tuple, p: tuple, s: tuple) -> None:
    for name, v, least in (("kernel size", k, 1), ("dilation", d, 1), ("stride", s, 1),
                           ("padding", p, 0)):  # fmt: skip
        if min(v) < least:
            bound = "greater than zero" if least else "non-negative"
            raise OpError(f"{op}: {name} should be {bound}, but got {name}={v}")


def _blocks(size: tuple, k: tuple, d: tuple, p: tuple, s: tuple) -> tuple:
    """The number of sliding blocks along H and W: (n + 2p - d (k - 1) - 1) // s + 1."""
    return tuple((n + 2 * pi - di * (ki - 1) - 1) // si + 1
                 for n, ki, di, pi, si in zip(size, k, d, p, s))  # fmt: skip


def _im2col(x: np.ndarray, k: tuple, d: tuple, p: tuple, s: tuple) -> np.ndarray:
    """(N, C, H, W) -> (N, C kH kW, OH OW): column (oh, ow) is the block at
    (s oh - p, s ow - p), its rows (c, i, j) the points d apart."""
    N, C = x.shape[:2]
    xp = np.pad(x, ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])))
    span = (d[0] * (k[0] - 1) + 1, d[1] * (k[1] - 1) + 1)
    win = sliding_window_view(xp, span, axis=(2, 3))[:, :, :: s[0], :: s[1], :: d[0], :: d[1]]
    OH, OW = win.shape[2:4]
    return win.transpose(0, 1, 4, 5, 2, 3).reshape(N, C * k[0] * k[1], OH * OW)


def _col2im(cols: np.ndarray, size: tuple, k: tuple, d: tuple, p: tuple, s: tuple,
            OH: int, OW: int) -> np.ndarray:  # fmt: skip
    """The transpose of ``_im2col``: (N, C kH kW, OH OW) -> (N, C, H, W), the values of
    overlapping blocks summed (conv's col2im, on one group)."""
    N = cols.shape[0]
    cols = cols.reshape(N, 1, cols.shape[1] // (k[0] * k[1]), *k, OH, OW)
    cols = cols.transpose(1, 2, 3, 4, 0, 5, 6)  # (1, C, kH, kW, N, OH, OW)
    padded = (size[0] + 2 * p[0], size[1] + 2 * p[1])
    return _conv_col2im(cols, padded, s, d, ((p[0], p[0]), (p[1], p[1])))


def unfold(input: Tensor, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
           stride: Any = 1) -> Tensor:  # fmt: skip
    """im2col: (N, C, H, W) or (C, H, W) -> (N, C kH kW, L) or (C kH kW, L), the L sliding
    blocks of the zero-padded input as columns.   dx = fold(g)."""
    check_tensor("unfold", "input", input)
    k, d, p, s = _pairs("im2col", kernel_size=kernel_size, dilation=dilation,
                        padding=padding, stride=stride)  # fmt: skip
    _check_blocks("unfold", k, d, p, s)
    X = input.data
    if X.ndim < 3:
        raise IndexError(f"unfold: Dimension out of range: a {X.ndim}-D input "
                         f"{list(X.shape)} has no channel and spatial dims")  # fmt: skip
    if X.ndim > 4 or 0 in X.shape[-3:]:
        raise OpError(f"unfold: Expected 3D or 4D (batch mode) tensor with possibly 0 batch "
                      f"size and other non-zero dimensions for input, but got: "
                      f"{list(X.shape)}")  # fmt: skip
    size = X.shape[-2:]
    OH, OW = _blocks(size, k, d, p, s)
    if OH < 1 or OW < 1:
        raise OpError(f"unfold: Given input with spatial size {tuple(size)}, kernel_size={k}, "
                      f"dilation={d}, padding={p}, calculated shape of the array of sliding "
                      f"blocks as ({OH}, {OW}), but its components must be at least "
                      "one.")  # fmt: skip
    batched = X.ndim == 4
    X4 = X if batched else X[None]
    out = _im2col(X4, k, d, p, s)

    def vjp(g: np.ndarray) -> np.ndarray:
        return _col2im(g if batched else g[None], size, k, d, p, s, OH, OW).reshape(X.shape)

    return record(out if batched else out[0], "Im2Col", (input,), (vjp,))


def fold(input: Tensor, output_size: Any, kernel_size: Any, dilation: Any = 1,
         padding: Any = 0, stride: Any = 1) -> Tensor:  # fmt: skip
    """col2im: (N, C kH kW, L) or (C kH kW, L) -> (N, C, H, W) or (C, H, W), each column
    added into its sliding block of the (padded, then cropped) output.   dx = unfold(g)."""
    check_tensor("fold", "input", input)
    size, k, d, p, s = _pairs("col2im", output_size=output_size, kernel_size=kernel_size,
                              dilation=dilation, padding=padding, stride=stride)  # fmt: skip
    if min(size) < 1:
        raise OpError(f"fold: output_size should be greater than zero, but got {size}")
    _check_blocks("fold", k, d, p, s)
    X = input.data
    if X.ndim not in (2, 3) or 0 in X.shape[-2:]:
        raise OpError(f"fold: Expected 2D or 3D (batch mode) tensor for input with possibly 0 "
                      f"batch size and non-zero dimensions for input, but got: "
                      f"{list(X.shape)}")  # fmt: skip
    K, L = X.shape[-2:]
    if K % (k[0] * k[1]):
        raise OpError(f"fold: Expected size of input's dimension 1 to be divisible by the "
                      f"product of kernel_size, but got input.size(1)={K} and "
                      f"kernel_size={k}.")  # fmt: skip
    OH, OW = _blocks(size, k, d, p, s)
    if OH < 1 or OW < 1 or OH * OW != L:
        raise OpError(f"fold: Given output_size={size}, kernel_size={k}, dilation={d}, "
                      f"padding={p}, stride={s}, expected size of input's dimension 2 to match "
                      f"the calculated number of sliding blocks {OH} * {OW} = {OH * OW}, but "
                      f"got input.size(2)={L}.")  # fmt: skip
    batched = X.ndim == 3
    out = _col2im(X if batched else X[None], size, k, d, p, s, OH, OW)

    def vjp(g: np.ndarray) -> np.ndarray:
        return _im2col(g if batched else g[None], k, d, p, s).reshape(X.shape)

    return record(np.ascontiguousarray(out if batched else out[0]), "Col2Im", (input,), (vjp,))


# ---- affine_grid and grid_sample -----------------------------------------------------

_GRID_WARNING = (
    "Default grid_sample and affine_grid behavior has changed to align_corners=False since "
    "1.3.0. Please specify align_corners=True if the old behavior is desired. See the "
    "documentation of grid_sample for details."
)


def affine_grid(theta: Tensor, size: Any, align_corners: bool | None = None) -> Tensor:
    """The sampling grid of a batch of affine maps: grid[n, h, w] = θ[n] (x_w, y_h, 1), with
    x_w, y_h the normalized pixel centres in [-1, 1] (the corner pixels' centres at ±1
    with align_corners, else (2w + 1) / W - 1).

    theta (N, 2, 3) and size (N, C, H, W) -> (N, H, W, 2); theta (N, 3, 4) and a 5-D size
    -> (N, D, H, W, 3). A matmul of a constant base grid with θᵀ.
    """
    check_tensor("affine_grid", "theta", theta)
    if align_corners is None:
        warnings.warn(_GRID_WARNING, stacklevel=2)
        align_corners = False
    if theta.dtype.kind != "f":
        raise ValueError(f"affine_grid: Expected theta to have floating point type, but got "
                         f"{dtypes.torch_name(theta.dtype)}")  # fmt: skip
    size = list(size)
    if len(size) not in (4, 5):
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D "
                                  f"affine transforms, respectively. Got size {size}.")  # fmt: skip
    nd = len(size) - 2
    if theta.ndim != 3 or theta.shape[1:] != (nd, nd + 1):
        raise ValueError(f"affine_grid: Expected a batch of {nd}D affine matrices of shape "
                         f"Nx{nd}x{nd + 1} for size {size}. Got {list(theta.shape)}.")  # fmt: skip
    spatial = size[2:]
    if align_corners and min(spatial) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size "
                      "grids when align_corners=True. This is not an intended use case of "
                      "affine_grid. See the documentation of affine_grid for details.",
                      stacklevel=2)  # fmt: skip
    elif min(size) <= 0:
        raise ValueError(f"affine_grid: Expected non-zero, positive output size. Got {size}")
    if theta.shape[0] != size[0]:
        raise OpError(f"affine_grid: Expected theta of batch size {size[0]} for size {size}, "
                      f"but got theta of shape {list(theta.shape)}")  # fmt: skip
    dt = theta.dtype

    def steps(n: int) -> np.ndarray:
        if n <= 1:
            return np.zeros(n, dt)
        r = np.linspace(-1, 1, n, dtype=dt)
        return r if align_corners else r * dt.type((n - 1) / n)

    axes = np.meshgrid(*(steps(n) for n in spatial), indexing="ij")  # (D,) H, W
    base = np.stack([*reversed(axes), np.ones(spatial, dt)], -1).reshape(1, -1, nd + 1)
    grid = from_numpy(base) @ theta.transpose(1, 2)
    return grid.reshape(size[0], *spatial, nd)


def grid_sample(
    input: Tensor, grid: Tensor, mode: str = "bilinear", padding_mode: str = "zeros",
    align_corners: bool | None = None,
) -> Tensor:  # fmt: skip
    """out[n, c, h, w] = input[n, c] read at the point grid[n, h, w] = (x, y) in [-1, 1]
    (x along W, y along H; a 5-D input reads (x, y, z) points of a (N, D, H, W, 3) grid).

    'bilinear' weighs the 2^d neighbours, 'nearest' reads the nearest pixel (ties to
    even), 'bicubic' (4-D only) weighs 4 x 4 with Keys' kernel (A = -0.75). Points outside
    read zeros ('zeros'), the border ('border') or the input reflected at its border
    ('reflection'). dinput scatters the weights back; dgrid = Σ_c g · ∂(read value)/∂grid.
    """
    check_tensor("grid_sample", "input", input)
    check_tensor("grid_sample", "grid", grid)
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', "
                         f"'nearest' or 'bicubic', but got: '{mode}'")  # fmt: skip
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
                         f"'border', or 'reflection', but got: '{padding_mode}'")  # fmt: skip
    if align_corners is None:
        warnings.warn(_GRID_WARNING, stacklevel=2)
        align_corners = False
    X, G = input.data, grid.data
    if X.dtype != G.dtype:
        raise OpError(f"grid_sample: expected input and grid to have the same dtype, but input "
                      f"has {X.dtype} and grid has {G.dtype}")  # fmt: skip
    if X.ndim not in (4, 5) or G.ndim != X.ndim:
        raise OpError(f"grid_sample: expected 4D or 5D input and grid with same number of "
                      f"dimensions, but got input with sizes {list(X.shape)} and grid with "
                      f"sizes {list(G.shape)}")  # fmt: skip
    nd = X.ndim - 2
    if G.shape[0] != X.shape[0] or G.shape[-1] != nd:
        raise OpError(f"grid_sample: expected grid of shape (N, *, {nd}) for an input of batch "
                      f"size N = {X.shape[0]}, but got input with sizes {list(X.shape)} and "
                      f"grid with sizes {list(G.shape)}")  # fmt: skip
    if 0 in X.shape[2:]:
        raise OpError(f"grid_sample: expected input to have non-empty spatial dimensions, but "
                      f"input has sizes {list(X.shape)}")  # fmt: skip
    if mode == "bicubic" and nd != 2:
        raise OpError(f"grid_sample: bicubic interpolation only supports 4D input, but got "
                      f"input with sizes {list(X.shape)}")  # fmt: skip
    if X.dtype.kind != "f":
        raise NotImplementedError(f'grid_sample: "grid_sampler" not implemented for '
                                  f"'{dtypes.torch_name(X.dtype)}'")  # fmt: skip
    N, C, *sizes = X.shape
    Xc = np.moveaxis(X, 1, -1)  # (N, *sizes, C): a gather reads channel vectors
    n = np.arange(N).reshape((N,) + (1,) * (G.ndim - 2))
    # axis k of the input is read by the grid's coordinate nd - 1 - k
    axes = [_grid_taps(G[..., nd - 1 - k], m, mode, padding_mode, align_corners)
            for k, m in enumerate(sizes)]  # fmt: skip

    def skip(inside: np.ndarray, a: np.ndarray) -> np.ndarray:
        """a, 0 at the taps outside in 3-D: PyTorch's 3-D kernels skip them, its 2-D ones
        weigh their zero reads (so that a NaN grid point reads NaN in 2-D, 0 in 3-D)."""
        return np.where(inside, a, 0) if nd == 3 else a

    reads = []  # per tap of the product: index, in-bounds mask, value, weights, derivatives
    for taps in itertools.product(*axes):
        pos, w, dw = zip(*taps)
        inside = np.logical_and.reduce([(p >= 0) & (p <= m - 1) for p, m in zip(pos, sizes)])
        idx = tuple(np.where(inside, p, 0).astype(np.int64) for p in pos)
        reads.append((idx, inside, Xc[(n, *idx)] * inside[..., None], w, dw))
    out = sum(v * skip(inside, np.prod(w, 0))[..., None] for _, inside, v, w, _ in reads)
    out = np.ascontiguousarray(np.moveaxis(out, -1, 1))

    def vjp_input(g: np.ndarray) -> np.ndarray:  # per channel a bincount over flat (n, *idx)
        S = math.prod(sizes)
        at = np.concatenate([(n * S + np.ravel_multi_index(idx, sizes)).ravel()
                             for idx, *_ in reads])  # fmt: skip
        w = np.concatenate([np.where(inside, np.prod(w, 0), 0).ravel()  # 0 outside, not NaN
                            for _, inside, _, w, _ in reads])  # fmt: skip
        gc = np.tile(np.moveaxis(g, 1, 0).reshape(C, -1), len(reads)) * w
        dX = np.stack([np.bincount(at, gc[c], N * S) for c in range(C)])
        return np.moveaxis(dX.astype(g.dtype, copy=False).reshape(C, N, *sizes), 0, 1)

    def vjp_grid(g: np.ndarray) -> np.ndarray:
        gc = np.moveaxis(g, 1, -1)
        dG = np.zeros_like(G)
        for _, inside, v, w, dw in reads:  # ∂(Π_j w_j)/∂g_k = dw_k Π_{j≠k} w_j
            gv = (gc * v).sum(-1)
            for k in range(nd):
                dG[..., nd - 1 - k] += skip(inside, gv * np.prod([dw[k], *w[:k], *w[k + 1 :]], 0))
        return dG

    return record(out, "GridSampler2D" if nd == 2 else "GridSampler3D", (input, grid),
                  (vjp_input, vjp_grid), saved=(input, grid))  # fmt: skip


def _grid_taps(g: np.ndarray, m: int, mode: str, padding_mode: str, corners: bool) -> list:
    """The points of an axis of m pixels that grid coordinates g in [-1, 1] read: per tap,
    its (padded) pixel position, its weight and the weight's derivative by g.

    -1 and 1 are the centres of the corner pixels with align_corners, else their outer
    edges. Bilinear and nearest pad the coordinate, bicubic (as PyTorch) the position of
    each of its 4 taps."""
    dt = g.dtype.type
    if corners:
        x, dx = (g + dt(1)) / dt(2) * dt(m - 1), (m - 1) / 2
    else:
        x, dx = ((g + dt(1)) * dt(m) - dt(1)) / dt(2), m / 2
    if mode == "bicubic":
        lo = np.floor(x)
        w, dw = _keys(x - lo)
        return [(_padded(lo + j - 1, m, padding_mode, corners)[0], w[j], dw[j] * dx)
                for j in range(4)]  # fmt: skip
    x, dpad = _padded(x, m, padding_mode, corners)
    if mode == "nearest":  # the nearest pixel, ties to even
        return [(np.rint(x), np.ones_like(x), np.zeros_like(x))]
    lo = np.floor(x)
    t, dt_dg = x - lo, dx * dpad
    return [(lo, 1 - t, -dt_dg), (lo + 1, t, dt_dg)]


def _padded(x: np.ndarray, m: int, padding_mode: str, corners: bool) -> tuple:
    """A pixel coordinate moved into the input as ``padding_mode`` says ('zeros' leaves it,
    'border' clamps it to the end pixels' centres, 'reflection' reflects it at the input's
    border first), and the derivative of the move."""
    if padding_mode == "zeros":
        return x, np.ones_like(x)
    d = np.ones_like(x)
    if padding_mode == "reflection":
        lo, hi = (0, 2 * (m - 1)) if corners else (-1, 2 * m - 1)
        x, d = _reflect(x, lo, hi)
    inside = (x > 0) & (x < m - 1)
    return np.clip(x, x.dtype.type(0), x.dtype.type(m - 1)), d * inside


def _reflect(x: np.ndarray, twice_low: int, twice_high: int) -> tuple:
    """x reflected into [twice_low / 2, twice_high / 2] by its bounds, as often as needed,
    and the derivative (±1)."""
    if twice_low == twice_high:
        return np.zeros_like(x), np.zeros_like(x)
    dt = x.dtype.type
    low, span = dt(twice_low / 2), dt((twice_high - twice_low) / 2)
    d = x - low
    sign = np.where(d < 0, -1, 1)
    d = np.abs(d)
    extra = np.fmod(d, span)
    even = np.floor(d / span) % 2 == 0
    return np.where(even, extra + low, span - extra + low), np.where(even, sign, -sign)


# ---- modules -------------------------------------------------------------------------


class Upsample(Module):
    """``F.interpolate`` with fixed settings: Upsample(size=None, scale_factor=None,
    mode='nearest', align_corners=None, recompute_scale_factor=None)."""

    def __init__(
        self, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
        align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
    ) -> None:  # fmt: skip
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor = tuple(float(f) for f in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input: Tensor) -> Tensor:
        return interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                           recompute_scale_factor=self.recompute_scale_factor)  # fmt: skip

    def extra_repr(self) -> str:
        if self.scale_factor is not None:
            info = f"scale_factor={self.scale_factor!r}"
        else:
            info = f"size={self.size!r}"
        return f"{info}, mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Upsample(size, scale_factor, mode='nearest') of (N, C, H, W)."""

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Upsample(size, scale_factor, mode='bilinear', align_corners=True) of (N, C, H, W)."""

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)


class PixelShuffle(Module):
    """``F.pixel_shuffle``: (*, C r², H, W) -> (*, C, H r, W r)."""

    def __init__(self, upscale_factor: int) -> None:
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input: Tensor) -> Tensor:
        return pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self) -> str:
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """``F.pixel_unshuffle``: (*, C, H r, W r) -> (*, C r², H, W)."""

    def __init__(self, downscale_factor: int) -> None:
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input: Tensor) -> Tensor:
        return pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self) -> str:
        return f"downscale_factor={self.downscale_factor}"


class ChannelShuffle(Module):
    """``F.channel_shuffle``: the channels of (N, C, *) viewed as (groups, C/groups), transposed."""

    def __init__(self, groups: int) -> None:
        super().__init__()
        self.groups = groups

    def forward(self, input: Tensor) -> Tensor:
        return channel_shuffle(input, self.groups)

    def extra_repr(self) -> str:
        return f"groups={self.groups}"


class Unfold(Module):
    """``F.unfold`` (im2col) with fixed kernel_size, dilation, padding and stride."""

    def __init__(self, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
                 stride: Any = 1) -> None:  # fmt: skip
        super().__init__()
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input: Tensor) -> Tensor:
        return unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")  # fmt: skip


class Fold(Module):
    """``F.fold`` (col2im) with fixed output_size, kernel_size, dilation, padding, stride."""

    def __init__(self, output_size: Any, kernel_size: Any, dilation: Any = 1,
                 padding: Any = 0, stride: Any = 1) -> None:  # fmt: skip
        super().__init__()
        self.output_size = output_size
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input: Tensor) -> Tensor:
        return fold(input, self.output_size, self.kernel_size, self.dilation, self.padding,
                    self.stride)  # fmt: skip

    def extra_repr(self) -> str:
        return (
            f"output_size={self.output_size}, kernel_size={self.kernel_size}, "
            f"dilation={self.dilation}, padding={self.padding}, stride={self.stride}"
        )
