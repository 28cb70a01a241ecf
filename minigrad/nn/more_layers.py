"""More of ``nn.functional``: adaptive max pooling, power-average pooling, max unpooling,
local response norm, pdist, channel and alpha dropout, and rrelu.

lp_pool and local_response_norm are composed of existing ops as PyTorch composes them, so
their gradients (zeros included) are PyTorch's. Adaptive max pooling, max unpooling,
pdist, the dropouts and rrelu are one node each, the VJPs beside the forward.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .. import dtypes, ops
from ..engine import record
from ..errors import OpError
from ..random import generator
from ..random_kernels import calc_type, keep_mask, scaled_keep, uniform01
from ..tensor import Tensor, check_bool, check_tensor
from . import conv, layer_ops
from .conv_layers import _ntuple
from .functional import _float_array, leaky_relu

__all__ = [
    "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool3d", "alpha_dropout",
    "dropout1d", "dropout3d", "feature_alpha_dropout", "local_response_norm", "lp_pool1d",
    "lp_pool2d", "lp_pool3d", "max_unpool1d", "max_unpool2d", "max_unpool3d", "pdist", "rrelu",
    "rrelu_",
]  # fmt: skip


# ---- adaptive max pooling ------------------------------------------------------------


def _adaptive_argmax(X: np.ndarray, out: int) -> np.ndarray:
    """The index along the last axis of X (size n) of the maximum of each adaptive window
    [floor(i n / out), ceil((i + 1) n / out)): the first of tied maxima, the last NaN if
    any (PyTorch's scan). Shape X.shape[:-1] + (out,)."""
    n = X.shape[-1]
    i = np.arange(out)
    start, end = i * n // out, -(-(i + 1) * n // out)
    K = int((end - start).max(initial=1))
    pos = start[:, None] + np.arange(K)  # (out, K), padded with -inf past each window's end
    V = np.where(pos < end[:, None], X[..., np.minimum(pos, n - 1)], -np.inf)
    arg = V.argmax(-1)
    nan = np.isnan(V)
    if nan.any():
        arg = np.where(nan.any(-1), K - 1 - nan[..., ::-1].argmax(-1), arg)
    return start + arg


def adaptive_max_pool2d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """out[n, c, i, j] = max of x over the windows [floor(i H / OH), ceil((i+1) H / OH)) x
    the same along W; ``output_size`` an int or a pair (None keeps that dim).

    Reduced along W, then H: the first maximum in row-major order at ties, the last NaN.
    dx = g sent to each window's maximum; ``return_indices`` adds its int64 flat index
    h * W + w in its plane.
    """
    return _adaptive_max_pool("adaptive_max_pool2d", 2, input, output_size, return_indices)


def adaptive_max_pool3d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """adaptive_max_pool2d over (D, H, W) of (N, C, D, H, W) or (C, D, H, W), reduced along
    W, H, then D; the indices are flat in each volume, d·H·W + h·W + w."""
    return _adaptive_max_pool("adaptive_max_pool3d", 3, input, output_size, return_indices)


def _adaptive_max_pool(op: str, n: int, input: Tensor, output_size: Any,
                       return_indices: bool) -> Any:  # fmt: skip
    """Adaptive max pooling over the last n dims: each dim reduced in turn, the last first."""
    check_tensor(op, "input", input)
    X = input.data
    sizes = output_size if isinstance(output_size, (tuple, list)) else (output_size,) * n
    for v in sizes:
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, np.integer))):
            raise TypeError(f"{op}(): argument 'output_size' must be tuple of ints, not "
                            f"{type(v).__name__}")  # fmt: skip
    if output_size is None:
        raise TypeError(f"{op}(): argument 'output_size' must be tuple of ints, not NoneType")
    if len(sizes) != n:
        raise OpError(f"{op}(): output_size must have {n} elements, got {sizes}")
    if X.ndim not in (n + 1, n + 2):
        raise OpError(f"{op}(): Expected {n + 1}D or {n + 2}D tensor, but got: {list(X.shape)}")
    if 0 in X.shape[-n - 1 :]:
        raise OpError(f"{op}(): Expected input to have non-zero size for non-batch dimensions, "
                      f"but input has sizes {list(X.shape)}")  # fmt: skip
    out_size = tuple(X.shape[i - n] if v is None else int(v) for i, v in enumerate(sizes))
    if min(out_size) < 0:
        raise OpError(f"{op}(): negative output size {out_size} for input {list(X.shape)}")
    if X.dtype.kind != "f":
        raise NotImplementedError(f"\"{op}\" not implemented for '{dtypes.torch_name(X.dtype)}'")
    best, index, block = X, None, 1  # index: flat within the dims reduced so far
    for axis in range(-1, -n - 1, -1):
        arg = _adaptive_argmax(np.moveaxis(best, axis, -1), out_size[axis])
        arg = np.moveaxis(arg, -1, axis)
        best = np.take_along_axis(best, arg, axis)
        index = arg if index is None else arg * block + np.take_along_axis(index, arg, axis)
        block *= X.shape[axis]
    planes = X.reshape(*X.shape[:-n], block)
    flat = index.reshape(*index.shape[:-n], math.prod(out_size))
    out = np.take_along_axis(planes, flat, -1).reshape(index.shape)

    def vjp(g: np.ndarray) -> np.ndarray:
        m = planes.size // block  # the number of planes (volumes)
        at = (np.arange(m)[:, None] * block + flat.reshape(m, math.prod(out_size))).ravel()
        return np.bincount(at, g.ravel(), m * block).astype(g.dtype, copy=False).reshape(X.shape)

    vjp = conv.refuse_empty_output(f"adaptive_max_pool{n}d", n, out.shape, vjp)
    result = record(out, f"AdaptiveMaxPool{n}D", (input,), (vjp,))
    if return_indices:
        return result, Tensor._new(index.astype(np.int64))
    return result


def adaptive_max_pool1d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """The maxima of ``output_size`` windows [floor(i L / n), ceil((i + 1) L / n)) along L
    of (N, C, L) or (C, L): ``adaptive_max_pool2d`` over a unit height (indices along L)."""
    op = "adaptive_max_pool1d"
    check_tensor(op, "input", input)
    items = output_size if isinstance(output_size, (tuple, list)) else (output_size,)
    for v in items:
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise TypeError(f"{op}(): argument 'output_size' must be tuple of ints, not "
                            f"{type(v).__name__}")  # fmt: skip
    if len(items) != 1:
        raise OpError(f"{op}() argument 'output_size' should contain one int (got {len(items)})")
    if input.ndim not in (2, 3):
        raise OpError(f"{op}: Expected 2 to 3 dimensions, but got {input.ndim}-dimensional "
                      f"tensor {list(input.shape)}")  # fmt: skip
    out = adaptive_max_pool2d(input.unsqueeze(-2), (1, items[0]), return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


# ---- power-average pooling -----------------------------------------------------------


def _lp_root(u: Tensor, n: int, p: float) -> Tensor:
    """(n u)^(1/p) for the window means u of x^p: PyTorch's (sign(u) relu(|u|) n)^(1/p).
    du = g n (n u)^(1/p - 1) / p, and 0 where u = 0 (PyTorch's relu and sign backward
    drop the infinite slope of the root there)."""
    U = u.data
    v = U * n
    out = v ** (1.0 / p)

    def vjp(g: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(U == 0, 0, g * (1.0 / p) * v ** (1.0 / p - 1) * n).astype(U.dtype)

    return record(out, "Pow", (u,), (vjp,))


def lp_pool2d(
    input: Tensor, norm_type: float, kernel_size: Any, stride: Any = None, ceil_mode: bool = False
) -> Tensor:
    """(Σ_window x^p)^(1/p): u = avg_pool2d(x^p), then (kH kW u)^(1/p) as PyTorch (see
    ``_lp_root``: a window whose sum is 0 gets a zero gradient); p = ±inf is the max
    (min) of |x|."""
    return _lp_pool(2, conv.avg_pool2d, conv.max_pool2d, input, norm_type, kernel_size, stride,
                    ceil_mode)  # fmt: skip


def lp_pool3d(
    input: Tensor, norm_type: float, kernel_size: Any, stride: Any = None, ceil_mode: bool = False
) -> Tensor:
    """(Σ_window x^p)^(1/p) over (D, H, W) windows, composed of avg_pool3d as ``lp_pool2d``."""
    return _lp_pool(3, conv.avg_pool3d, conv.max_pool3d, input, norm_type, kernel_size, stride,
                    ceil_mode)  # fmt: skip


def _lp_pool(n: int, avg_pool: Any, max_pool: Any, input: Tensor, norm_type: float,
             kernel_size: Any, stride: Any, ceil_mode: bool) -> Tensor:  # fmt: skip
    if norm_type == math.inf:
        return max_pool(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if norm_type == -math.inf:
        return -max_pool(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    u = avg_pool(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return _lp_root(u, math.prod(_ntuple(kernel_size, n)), norm_type)


def lp_pool1d(
    input: Tensor, norm_type: float, kernel_size: int, stride: Any = None, ceil_mode: bool = False
) -> Tensor:
    """(Σ_window x^p)^(1/p) along L, composed of avg_pool1d as ``lp_pool2d``."""
    if isinstance(kernel_size, (tuple, list)):  # PyTorch multiplies by it: a TypeError
        raise TypeError(f"lp_pool1d(): kernel_size must be an int, not {kernel_size!r}")
    if norm_type == math.inf:
        return layer_ops.max_pool1d(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if norm_type == -math.inf:
        return -layer_ops.max_pool1d(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    u = layer_ops.avg_pool1d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return _lp_root(u, kernel_size, norm_type)


# ---- max unpooling -------------------------------------------------------------------


def _unpool_output_size(input: Tensor, k: tuple, s: tuple, p: tuple, output_size: Any) -> tuple:
    """PyTorch's: (in - 1) s + k - 2 p per spatial dim, or ``output_size`` (its last dims)
    if it lies strictly within a stride of that."""
    n = len(k)
    default = [(input.shape[d - n] - 1) * s[d] + k[d] - 2 * p[d] for d in range(n)]
    if output_size is None:
        size = default
    else:
        size = list(output_size)
        if len(size) == n + 2:
            size = size[2:]
        if len(size) != n:
            raise ValueError(f"output_size should be a sequence containing {n} or {n + 2} "
                             f"elements, but it has a length of '{len(size)}'")  # fmt: skip
        for d in range(n):
            lo, hi = default[d] - s[d], default[d] + s[d]
            if not lo < size[d] < hi:
                raise ValueError(f'invalid output_size "{output_size}" (dim {d} must be between '
                                 f"{lo} and {hi})")  # fmt: skip
    for d, v in enumerate(size):
        if v < 0:
            raise ValueError("max_unpooling: output_size must contain non-negative spatial "
                             f"dimensions, but got output_size[{d}]={v}")  # fmt: skip
    return tuple(size)


def _max_unpool(input: Tensor, indices: Tensor, size: tuple) -> Tensor:
    """out = 0 of shape (..., *size) with out.flat_plane[indices] = x (the last write of a
    repeated index), over the last n = len(size) dims.   dx = g.flat_plane[indices]."""
    n = len(size)
    op = f"max_unpool{n}d"
    check_tensor(op, "input", input)
    check_tensor(op, "indices", indices)
    X, I = input.data, indices.data
    if I.dtype != np.int64:
        raise OpError(f"{op}: elements in indices should be type int64 but got: "
                      f"{dtypes.torch_name(I.dtype)}")  # fmt: skip
    if X.shape != I.shape:
        raise OpError(f"{op}: Expected shape of indices to be same as that of the input tensor "
                      f"({list(X.shape)}) but got indices tensor with shape: "
                      f"{list(I.shape)}")  # fmt: skip
    if X.ndim not in (n + 1, n + 2):
        raise OpError(f"Input to max_unpooling{n}d should be a {n + 1}d or {n + 2}d Tensor, but "
                      f"got a tensor with {X.ndim} dimensions.")  # fmt: skip
    if X.dtype.kind != "f":
        raise NotImplementedError(f"\"{op}\" not implemented for '{dtypes.torch_name(X.dtype)}'")
    volume = math.prod(size)
    flat = I.reshape(*I.shape[:-n], math.prod(I.shape[-n:]))
    bad = (flat < 0) | (flat >= volume)
    if bad.any():
        raise OpError(f"{op}: Found an invalid max index: {flat[bad][0]} (output volumes are of "
                      f"size {'x'.join(map(str, size))})")  # fmt: skip
    out = np.zeros((*X.shape[:-n], volume), X.dtype)
    np.put_along_axis(out, flat, X.reshape(flat.shape), -1)

    def vjp(g: np.ndarray) -> np.ndarray:
        return np.take_along_axis(g.reshape(out.shape), flat, -1).reshape(X.shape)

    return record(out.reshape(*X.shape[:-n], *size), f"MaxUnpool{n}D", (input, indices),
                  (vjp, None))  # fmt: skip


def max_unpool2d(
    input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
    output_size: Any = None,
) -> Tensor:  # fmt: skip
    """The partial inverse of max_pool2d: each x placed at its index (from max_pool2d's
    ``return_indices``) in a zero (N, C, OH, OW), OH = (H - 1) s + k - 2 p unless
    ``output_size`` is given."""
    k = _ntuple(kernel_size, 2)
    s = k if stride is None else _ntuple(stride, 2)
    size = _unpool_output_size(input, k, s, _ntuple(padding, 2), output_size)
    return _max_unpool(input, indices, size)


def max_unpool3d(
    input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
    output_size: Any = None,
) -> Tensor:  # fmt: skip
    """The partial inverse of max_pool3d: ``max_unpool2d`` over (D, H, W), the indices flat
    in each volume."""
    k = _ntuple(kernel_size, 3)
    s = k if stride is None else _ntuple(stride, 3)
    size = _unpool_output_size(input, k, s, _ntuple(padding, 3), output_size)
    return _max_unpool(input, indices, size)


def max_unpool1d(
    input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
    output_size: Any = None,
) -> Tensor:  # fmt: skip
    """The partial inverse of max_pool1d along L: ``max_unpool2d`` over a unit width."""
    k = _ntuple(kernel_size, 1)
    s = k if stride is None else _ntuple(stride, 1)
    size = _unpool_output_size(input, k, s, _ntuple(padding, 1), output_size)
    return _max_unpool(input.unsqueeze(-1), indices.unsqueeze(-1), (*size, 1)).squeeze(-1)


# ---- local response norm and pdist ---------------------------------------------------


def local_response_norm(
    input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0
) -> Tensor:
    """x / (k + α mean(x²))^β, the mean over ``size`` neighbouring channels (zero-padded:
    size // 2 before, (size - 1) // 2 after), composed of pad and avg_pool2d as PyTorch's
    (its avg_pool3d over (N, 1, C, H, rest) pools the channels of each place alike)."""
    check_tensor("local_response_norm", "input", input)
    if input.ndim < 3:
        raise ValueError(f"local_response_norm: Expected 3D or higher dimensionality input "
                         f"(got {input.ndim} dimensions)")  # fmt: skip
    if input.numel() == 0:
        return input
    div = input.mul(input)
    N, C = input.shape[:2]
    div = div.reshape(N, 1, C, -1)
    div = conv.pad(div, (0, 0, size // 2, (size - 1) // 2))
    div = conv.avg_pool2d(div, (size, 1), stride=1).reshape(input.shape)
    return input / div.mul(alpha).add(k).pow(beta)


def pdist(input: Tensor, p: float = 2) -> Tensor:
    """‖x_i - x_j‖_p for the rows i < j of x (N, M), in row-major order: N (N - 1) / 2.

    With d = x_i - x_j and D the distance (the VJP 0 where D = 0), as PyTorch's:
    p = 0: 0;  p = 1: sgn d;  p < 2: sgn d |d|^(p-1) / D^(p-1) (0 at d = 0 if p < 1);
    p = 2: d / D;  p = inf: sgn d where |d| = D;  else d |d|^(p-2) / D^(p-1);
    times g, added to row i and taken from row j."""
    check_tensor("pdist", "input", input)
    X = input.data
    if X.ndim != 2:
        raise OpError(f"pdist only supports 2D tensors, got: {X.ndim}D")
    if X.dtype.kind != "f":
        raise OpError(f"pdist only supports floating-point dtypes, got {X.dtype}")
    if X.dtype == np.float16:
        raise NotImplementedError("\"pdist\" not implemented for 'Half'")
    if not p >= 0:
        raise OpError(f"pdist only supports non-negative p values, got {p}")
    N = X.shape[0]

    def rows():  # per row i: its distances' slice of the output and d = x_i - x_j, j > i
        start = 0
        for i in range(N - 1):
            yield i, slice(start, start + N - 1 - i), X[i] - X[i + 1 :]
            start += N - 1 - i

    def norm(d: np.ndarray) -> np.ndarray:
        a = np.abs(d)
        if p == 0:  # PyTorch's Σ min(ceil|d|, 1): NaN for a NaN component
            return np.minimum(np.ceil(a), 1).sum(-1)
        if p == 1:
            return a.sum(-1)
        if p == 2:
            return np.sqrt((a * a).sum(-1))
        if p == math.inf:
            return a.max(-1, initial=0)
        return (a**p).sum(-1) ** (1 / p)

    def slope(d: np.ndarray, D: np.ndarray) -> np.ndarray:  # ∂D/∂d
        a = np.abs(d)
        with np.errstate(divide="ignore", invalid="ignore"):
            if p == 0:
                return np.zeros_like(d)
            if p == 1:
                return np.sign(d)
            if p < 2:
                r = np.sign(d) * a ** (p - 1) / D ** (p - 1)
                return np.where((D == 0) | ((d == 0) & (p < 1)), 0, r)
            if p == 2:
                return np.where(D == 0, 0, d / D)
            if p == math.inf:
                return np.sign(d) * (a == D)
            return np.where(D == 0, 0, d * a ** (p - 2) / D ** (p - 1))

    out = np.empty(N * (N - 1) // 2, X.dtype)
    for _, s, d in rows():
        out[s] = norm(d)

    def vjp(g: np.ndarray) -> np.ndarray:  # row by row: O(N M) memory
        dx = np.zeros(X.shape, X.dtype)
        for i, s, d in rows():
            r = (g[s, None] * slope(d, out[s, None])).astype(X.dtype, copy=False)
            dx[i] += r.sum(0)
            dx[i + 1 :] -= r
        return dx

    return record(out, "Pdist", (input,), (vjp,), saved=(input,))


# ---- dropout of channels, alpha dropout and rrelu ------------------------------------

_SELU_ALPHA_SCALED = 1.7580993408473766  # SELU's scale * alpha: its negative saturation


def _dropout(op: str, input: Tensor, p: float, training: bool, inplace: bool, lead: int | None,
             alpha: bool) -> Tensor:  # fmt: skip
    """Dropout with one keep mask m per index of the first ``lead`` dims (None: per element),
    kept with probability 1 - p, as PyTorch's _dropout_impl.

    Plain: out = x m / (1 - p).  Alpha (SELU's α' = 1.7581, a = 1 / sqrt((α'² p + 1)(1 - p))):
    out = a m x + b, b = a α' (p + m - 1), so a dropped place is -a α' (1 - p) and the mean
    and variance of a SELU-normalised x are kept.   dx = g m / (1 - p) or g a m."""
    if p < 0 or p > 1:
        raise ValueError(f"{op}: dropout probability has to be between 0 and 1, but got {p}")
    if p != p:  # NaN: PyTorch's Python check lets it through, its kernel raises
        raise RuntimeError(f"{op}: dropout probability has to be between 0 and 1, but got {p}")
    check_tensor(op, "input", input)
    check_bool(op, "train", training)
    X = input.data
    if not training or p == 0 or X.size == 0:
        return input
    if p == 1:  # x times a zero of its dtype, as PyTorch (of any shape and dtype)
        scale, shift = np.zeros((), X.dtype), None
    else:
        lead = X.ndim if lead is None else lead
        if X.ndim < lead:
            raise OpError(f"{op}: Feature dropout requires at least 2 dimensions in the input, "
                          f"got {list(X.shape)}")  # fmt: skip
        ops._refuse(op, X, "c", NotImplementedError)  # PyTorch has no complex Bernoulli noise
        if X.dtype.kind != "f":
            raise OpError(f"{op}: result type Float can't be cast to the desired output type "
                          f"{dtypes.torch_name(X.dtype)}")  # fmt: skip
        shape = X.shape[:lead] + (1,) * (X.ndim - lead)
        # the whole input's noise is empty_like it (its memory order), a feature noise not
        like = X if shape == X.shape else None
        keep, dt = keep_mask(generator(), shape, p, X.dtype, like), X.dtype.type
        if alpha:  # in the dtype, one rounding per step, as PyTorch
            a = 1 / math.sqrt((_SELU_ALPHA_SCALED**2 * p + 1) * (1 - p))
            shift = (keep - dt(1)) * dt(_SELU_ALPHA_SCALED * a) + dt(_SELU_ALPHA_SCALED * a * p)
            scale = keep * dt(a)
        else:
            scale, shift = scaled_keep(keep, p), None
    if inplace:
        input.mul_(scale)
        return input if shift is None else input.add_(shift)
    out = X * scale if shift is None else X * scale + shift
    return record(out, "Mul" if shift is None else "Add", (input,), (lambda g: g * scale,))


def dropout1d(
    input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
) -> Tensor:
    """Zero each channel of (N, C, L) or (C, L) with probability p, scale the rest by
    1 / (1 - p); the identity when not training."""
    check_tensor("dropout1d", "input", input)
    if p < 0 or p > 1:  # PyTorch's Python check: NaN goes on to _dropout's
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if input.ndim not in (2, 3):
        raise OpError(f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input "
                      f"{list(input.shape)}")  # fmt: skip
    return _dropout("dropout1d", input, p, training, inplace, input.ndim - 1, False)


def dropout3d(
    input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
) -> Tensor:
    """Zero each channel of (N, C, D, H, W) or (C, D, H, W) with probability p, scale the
    rest by 1 / (1 - p); any other input is read as unbatched, as PyTorch (with its
    warning). The identity when not training."""
    check_tensor("dropout3d", "input", input)
    if p < 0 or p > 1:  # PyTorch's Python check: NaN goes on to _dropout's
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if input.ndim not in (4, 5):
        warnings.warn(
            f"dropout3d: Received a {input.ndim}-D input to dropout3d, which is deprecated and "
            "will result in an error in a future release. To retain the behavior and silence "
            "this warning, please use dropout instead.",
            stacklevel=2,
        )
    return _dropout("dropout3d", input, p, training, inplace, 2 if input.ndim == 5 else 1, False)


def alpha_dropout(
    input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False
) -> Tensor:
    """Alpha dropout of each element: a dropped one becomes SELU's negative saturation, and
    all are scaled and shifted to keep zero mean and unit variance (see ``_dropout``)."""
    return _dropout("alpha_dropout", input, p, training, inplace, None, True)


def feature_alpha_dropout(
    input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False
) -> Tensor:
    """Alpha dropout of whole channels (the first two dims of x, at least 2-D)."""
    return _dropout("feature_alpha_dropout", input, p, training, inplace, 2, True)


def rrelu(
    input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
    inplace: bool = False,
) -> Tensor:  # fmt: skip
    """x for x > 0, else a x: in training a drawn from U(lower, upper) per element, else
    a = (lower + upper) / 2 (leaky_relu).   dx = g for x > 0, else a g (the drawn a)."""
    if lower > upper:
        raise OpError(f"rrelu: Lower bound should be less than or equal to the upper bound "
                      f"(lower={lower}, upper={upper})")  # fmt: skip
    if not training:
        return leaky_relu(input, (lower + upper) / 2, inplace)
    X = _float_array("rrelu", input, "rrelu_with_noise_out_cpu")
    # a drawn for each x <= 0, in order: u (upper - lower) + lower in double, the bounds
    # first rounded to x's dtype (float32 for float16), as PyTorch's kernel
    negative = X <= 0
    slope = np.ones(X.shape, X.dtype)
    bound = calc_type(X.dtype)
    lo, hi = float(bound(lower)), float(bound(upper))
    slope[negative] = (
        uniform01(generator(), int(negative.sum()), np.dtype(np.float64)) * (hi - lo) + lo
    )
    if inplace:
        return input.mul_(slope)
    return record(X * slope, "RreluWithNoise", (input,), (lambda g: g * slope,))


def rrelu_(
    input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False
) -> Tensor:
    """In-place rrelu: ``rrelu(input, lower, upper, training, inplace=True)``."""
    check_tensor("rrelu_", "input", input)
    return rrelu(input, lower, upper, training, inplace=True)
