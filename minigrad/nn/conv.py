"""Convolution, pooling and padding: each forward beside its vector-Jacobian products.

Shapes are PyTorch's: input (N, C, H, W) or unbatched (C, H, W); a 2-D conv weight is
(O, C / groups, kH, kW). conv1d (and conv3d, in conv_transpose.py) are the same
convolution over 1 (or 3) spatial dims, and the pooling is over 2 or 3. A convolution is
one graph node (ConvolutionBackward): its forward gathers the windows of the padded input
with ``sliding_window_view`` (im2col) and does one matmul per group batch; its input VJP
puts the column gradients back with one add per kernel point, a shift in the flat padded
image (col2im). Max pooling's VJP adds each window's gradient at its maximum, in order.

Notation: s stride, p padding, d dilation, k kernel size, OH x OW the output size,
``cols`` the (G, C/G*kH*kW, N*OH*OW) matrix of windows.
"""

from __future__ import annotations

import functools
import math
import operator
import warnings
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .. import dtypes
from ..engine import COPY_SLICES, record
from ..errors import OpError, warn_once
from ..ops import _refuse
from ..random import generator
from ..random_kernels import keep_mask, scaled_keep
from ..tensor import Tensor, check_bool, check_tensor

__all__ = [
    "adaptive_avg_pool2d", "adaptive_avg_pool3d", "avg_pool2d", "avg_pool3d", "conv1d", "conv2d",
    "conv3d", "conv_tbc", "dropout2d", "max_pool2d", "max_pool3d", "pad",
]  # fmt: skip


def _ints(op: str, name: str, value: Any, n: int) -> tuple:
    """An int or a sequence of n ints (or 1, repeated) as a tuple of n ints, as PyTorch
    reads stride, padding and dilation (a float or a bool is a TypeError)."""
    items = value if isinstance(value, (tuple, list)) else (value,)
    for v in items:
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise TypeError(f"{op}(): argument '{name}' must be tuple of ints, not "
                            f"{type(v).__name__}")  # fmt: skip
    items = tuple(operator.index(v) for v in items)
    if len(items) == 1:
        return items * n
    if len(items) != n:
        raise OpError(
            f"{op}: expected {name} to be a single integer value or a list of {n} values to "
            f"match the convolution dimensions, but got {name}={list(items)}"
        )
    return items


# ---- convolution ---------------------------------------------------------------------


def conv2d(
    input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
    padding: Any = 0, dilation: Any = 1, groups: int = 1,
) -> Tensor:  # fmt: skip
    """out[n, o, oh, ow] = b[o] + Σ_{c in o's group, i, j} W[o, c, i, j] xp[n, c, hi, wj],
    with xp the zero-padded input, hi = s·oh + d·i and wj = s·ow + d·j.

    input (N, C, H, W) or (C, H, W), weight (O, C/groups, kH, kW), bias (O,); padding an
    int, a pair, 'valid' (0) or 'same' (output size = input size, stride 1 only).
    dx = col2im(g Wᵀ),   dW = gᵀ cols,   db = Σ_{n, oh, ow} g.
    """
    return _convolution("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv1d(
    input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
    padding: Any = 0, dilation: Any = 1, groups: int = 1,
) -> Tensor:  # fmt: skip
    """conv2d along one spatial dim: input (N, C, L) or (C, L), weight (O, C/groups, k)."""
    return _convolution("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv_tbc(input: Tensor, weight: Tensor, bias: Tensor, pad: int = 0) -> Tensor:
    """conv1d in the (time, batch, channels) layout: input (T, B, C), weight (k, C, O), bias
    (O,), ``pad`` steps of zeros at both ends of time (a negative pad crops); out (T', B, O)."""
    for name, t in (("input", input), ("weight", weight), ("bias", bias)):
        check_tensor("conv_tbc", name, t)
    if input.ndim != 3:
        raise OpError("conv_tbc: Input must have 3 dims: time, batch, in_channel")
    if weight.ndim != 3:
        raise OpError("conv_tbc: Weight tensor must have 3 dims: kernel_width, in_channels, "
                      "out_channels.")  # fmt: skip
    if bias.ndim != 1:
        raise OpError("conv_tbc: Bias must be 1-D")
    if input.shape[2] != weight.shape[1]:
        raise OpError("conv_tbc: Input dim 2 (input channels) is not == dim 1 in the weight tensor")
    if weight.shape[2] != bias.shape[0]:
        raise OpError(
            "conv_tbc: Bias size must equal dim 2 in the weight tensor (output channels)."
        )
    steps = input.shape[0] + 2 * pad - weight.shape[0] + 1
    if steps < 0:
        raise OpError(f"conv_tbc: Trying to create tensor with negative dimension {steps}: "
                      f"[{steps}, {input.shape[1]}, {weight.shape[2]}]")  # fmt: skip
    x = input[-pad : input.shape[0] + pad] if pad < 0 else input
    out = conv1d(x.permute(1, 2, 0), weight.permute(2, 1, 0), bias, padding=max(pad, 0))
    return out.permute(2, 0, 1)


def conv3d(
    input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
    padding: Any = 0, dilation: Any = 1, groups: int = 1,
) -> Tensor:  # fmt: skip
    """conv2d over 3 spatial dims: input (N, C, D, H, W) or (C, D, H, W), weight
    (O, C/groups, kD, kH, kW), bias (O,); padding an int, a triple, 'valid' or 'same'."""
    return _convolution("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


def _convolution(
    op: str, nd: int, input: Tensor, weight: Tensor, bias: Tensor | None, stride: Any,
    padding: Any, dilation: Any, groups: int,
) -> Tensor:  # fmt: skip
    """Check the arguments as PyTorch does, lift the input to (N, C, *spatial), convolve."""
    check_tensor(op, "input", input)
    check_tensor(op, "weight", weight)
    if bias is not None:
        check_tensor(op, "bias", bias)
    X, W = input.data, weight.data
    if X.ndim not in (nd + 1, nd + 2):
        raise OpError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {op}, "
                      f"but got input of size: {list(X.shape)}")  # fmt: skip
    if W.ndim != nd + 2:
        raise OpError(f"{op}: expected a {nd + 2}-D weight (out_channels, in_channels / "
                      f"groups, *kernel_size), but got weight of size {list(W.shape)}")  # fmt: skip
    s = _ints(op, "stride", stride, nd)
    d = _ints(op, "dilation", dilation, nd)
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)):
        raise TypeError(f"{op}(): argument 'groups' must be int, not {type(groups).__name__}")
    if min(s) <= 0:
        raise OpError(f"{op}: non-positive stride is not supported")
    if min(d) <= 0:
        raise OpError(f"{op}: non-positive dilation is not supported")
    k = W.shape[2:]
    pads = _conv_padding(op, padding, s, d, k)
    if groups <= 0:
        raise OpError(f"{op}: non-positive groups is not supported")
    if W.shape[0] < groups:
        raise OpError(f"{op}: Given groups={groups}, expected weight to be at least {groups} at "
                      f"dimension 0, but got weight of size {list(W.shape)} instead")  # fmt: skip
    batched = X.ndim == nd + 2
    C = X.shape[1 if batched else 0]
    if C != W.shape[1] * groups:
        raise OpError(
            f"{op}: Given groups={groups}, weight of size {list(W.shape)}, expected "
            f"input{list(X.shape)} to have {W.shape[1] * groups} channels, but got {C} "
            "channels instead"
        )
    if W.shape[0] % groups:
        raise OpError(
            f"{op}: Given groups={groups}, expected weight to be divisible by {groups} at "
            f"dimension 0, but got weight of size {list(W.shape)}"
        )
    if X.dtype != W.dtype:
        raise OpError(f"{op}: Input type ({X.dtype}) and weight type ({W.dtype}) should be "
                      "the same")  # fmt: skip
    B = _bias(op, bias, W.shape[0], X, W, "")
    spatial = X.shape[-nd:]
    padded = tuple(n + lo + hi for n, (lo, hi) in zip(spatial, pads))
    span = tuple(di * (ki - 1) + 1 for di, ki in zip(d, k))
    if any(sp > n for sp, n in zip(span, padded)):
        raise OpError(
            f"{op}: Calculated padded input size per channel: ({' x '.join(map(str, padded))}). "
            f"Kernel size: ({' x '.join(map(str, span))}). Kernel size can't be greater than "
            f"actual input size (input {list(X.shape)}, weight {list(W.shape)})"
        )
    if C == 0:  # as PyTorch's (its empty backend): no input channels give no output channels
        size = tuple((n - sp) // si + 1 for n, sp, si in zip(padded, span, s))
        out = input.reshape(-1) * weight.reshape(-1)
        return (out if bias is None else out + bias[0]).reshape(*X.shape[: -nd - 1], 0, *size)
    if X.dtype.kind == "b":
        raise NotImplementedError(f"{op}: \"slow_conv2d_cpu\" not implemented for 'Bool'")
    return _conv_node(input, weight, bias, B, _convnd(X if batched else X[None], W, s, pads, d,
                                                      groups))  # fmt: skip


def _bias(op: str, bias: Tensor | None, O: int, X: np.ndarray, W: np.ndarray, how: str) -> Any:
    """The bias's array (None without one), checked as PyTorch checks it: (O,), X's dtype.
    ``how`` is "Given transposed=1, " for a transposed convolution's message."""
    if bias is None:
        return None
    B = bias.data
    if B.shape != (O,):
        raise OpError(f"{op}: {how}{'w' if how else 'Given w'}eight of size {list(W.shape)}, "
                      f"expected bias to be 1-dimensional with {O} elements, but got bias of "
                      f"size {list(B.shape)} instead")  # fmt: skip
    if B.dtype != X.dtype:
        raise OpError(f"{op}: Input type ({X.dtype}) and bias type ({B.dtype}) should be "
                      "the same")  # fmt: skip
    return B


def _conv_node(input: Tensor, weight: Tensor, bias: Tensor | None, B: Any, conv: tuple) -> Tensor:
    """Record a convolution (plain or transposed): ``conv`` is the (N, O, *out) result of
    the batched input and its VJPs for X and W; add the bias B, drop the batch dim of an
    unbatched input. db = g summed over the batch and the spatial dims."""
    X, W = input.data, weight.data
    out, vjp_x, vjp_w = conv
    nd = W.ndim - 2
    if B is not None:
        out += B.reshape(-1, *(1,) * nd)
    batched = X.ndim == nd + 2
    if not batched:
        out = out[0]

    def lift(g: np.ndarray) -> np.ndarray:  # the output's gradient as (N, O, *out)
        return g if batched else g[None]

    vjps = (
        lambda g: vjp_x(lift(g)).reshape(X.shape),
        lambda g: vjp_w(lift(g)).reshape(W.shape),
        lambda g: np.add.reduce(lift(g), (0, *range(2, nd + 2))),
    )
    saved = (input, weight)  # as PyTorch, both: a later in-place change to either is an error
    # a missing bias is an input all the same, as PyTorch's: next_functions has (None, 0)
    return record(out, "Convolution", (input, weight, bias), vjps, saved=saved)


def _conv_padding(op: str, padding: Any, s: tuple, d: tuple, k: tuple) -> tuple:
    """A conv's padding as (before, after) per spatial dim: an int or ints, 'valid' (none)
    or 'same' (a total of d (k - 1) per dim, the odd one after, as PyTorch)."""
    nd = len(k)
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0),) * nd
        elif padding == "same":
            if max(s) != 1:
                raise OpError(f"{op}: padding='same' is not supported for strided convolutions")
            pads = tuple((di * (ki - 1) // 2, di * (ki - 1) - di * (ki - 1) // 2)
                         for di, ki in zip(d, k))  # fmt: skip
            if any(lo != hi for lo, hi in pads):
                warn_once(
                    "Using padding='same' with even kernel lengths and odd dilation may require "
                    "a zero-padded copy of the input be created",
                    stacklevel=4,
                )
        else:
            raise OpError(f"{op}: Invalid padding string: {padding!r}")
    else:
        p = _ints(op, "padding", padding, nd)
        if min(p) < 0:
            raise OpError(f"{op}: negative padding is not supported")
        pads = tuple((pi, pi) for pi in p)
    return pads


def _convnd(X: np.ndarray, W: np.ndarray, s: tuple, pads: tuple, d: tuple, G: int) -> tuple:
    """The convolution of arrays X (N, C, *spatial) and W (O, C/G, *k), of 1, 2 or 3
    spatial dims: the output (N, O, *out) and the VJPs for X and W (from g of that shape)."""
    N = X.shape[0]
    O, Cg, *k = W.shape
    nd, Og = len(k), O // G
    if any(lo or hi for lo, hi in pads):
        X = _padded(X, pads)
    padded = X.shape[2:]
    span = tuple(di * (ki - 1) + 1 for di, ki in zip(d, k))
    win = sliding_window_view(X, span, axis=tuple(range(2, 2 + nd)))
    win = win[(..., *(slice(None, None, si) for si in s), *(slice(None, None, di) for di in d))]
    out_size = win.shape[2 : 2 + nd]  # win is (N, C, *out, *k)
    K, P = Cg * math.prod(k), math.prod(out_size)
    # (G, K, N*P), the one copy of the forward pass: its rows are long runs of output
    # pixels, which copy and multiply several times faster than (N*P, K)
    cols = win.reshape(N, G, Cg, *out_size, *k)
    cols = cols.transpose(1, 2, *range(3 + nd, 3 + 2 * nd), 0, *range(3, 3 + nd))
    cols = np.ascontiguousarray(cols).reshape(G, K, N * P)
    Wm = W.reshape(G, Og, K)
    out = np.matmul(Wm, cols).reshape(G, Og, N, P)
    out = np.ascontiguousarray(out.transpose(2, 0, 1, 3))

    def g_rows(g: np.ndarray) -> np.ndarray:  # (N, O, *out) -> (G, Og, N*P)
        return g.reshape(N, G, Og, P).transpose(1, 2, 0, 3).reshape(G, Og, N * P)

    def vjp_w(g: np.ndarray) -> np.ndarray:
        return np.matmul(g_rows(g), cols.transpose(0, 2, 1))  # (G, Og, K)

    def vjp_x(g: np.ndarray) -> np.ndarray:
        dcols = np.matmul(Wm.transpose(0, 2, 1), g_rows(g))  # (G, K, N*P)
        return _col2im(dcols.reshape(G, Cg, *k, N, *out_size), padded, s, d, pads)

    return out.reshape(N, O, *out_size), vjp_x, vjp_w


def _padded(X: np.ndarray, pads: list, value: Any = 0) -> np.ndarray:
    """X (N, C, *spatial) padded by ``pads`` ((before, after) per spatial dim) with ``value``:
    np.pad's result, made as one filled array and one copy (np.pad takes about 1.8x as long)."""
    spatial = X.shape[2:]
    shape = (*X.shape[:2], *(n + lo + hi for n, (lo, hi) in zip(spatial, pads)))
    out = np.zeros(shape, X.dtype) if value == 0 else np.full(shape, value, X.dtype)
    out[(..., *(slice(lo, lo + n) for n, (lo, _) in zip(spatial, pads)))] = X
    return out


def _col2im(cols: np.ndarray, padded: tuple, s: tuple, d: tuple, pads: tuple) -> np.ndarray:
    """Add the windows cols (G, Cg, *k, N, *out) back into the padded image of size
    ``padded`` they were taken from; return the image (N, G*Cg, *spatial) inside the padding.

    One add per kernel point, over the whole image as one flat run: the point's columns are
    first spread to where its windows start (zeros elsewhere), and the point is a constant
    shift of that in the flat image. (An add through a strided view is several times slower
    in NumPy than one over contiguous memory; a copy into one is not.)"""
    nd = len(padded)
    G, Cg = cols.shape[:2]
    k, N, out_size = cols.shape[2 : 2 + nd], cols.shape[2 + nd], cols.shape[3 + nd :]
    flat_strides = [math.prod(padded[i + 1 :]) for i in range(nd)]
    size = G * Cg * N * math.prod(padded)
    dX = np.zeros(size + math.prod(padded), cols.dtype)  # a point's shift is less than an image
    spread = np.zeros((G, Cg, N, *padded), cols.dtype)
    starts = (..., *(slice(0, si * (o - 1) + 1, si) for si, o in zip(s, out_size)))
    for point in np.ndindex(*k):  # row-major, as the kernel
        shift = sum(i * di * st for i, di, st in zip(point, d, flat_strides))
        spread[starts] = cols[(slice(None), slice(None), *point)]
        dX[shift : shift + size] += spread.reshape(-1)
    dX = dX[:size].reshape(G * Cg, N, *padded).swapaxes(0, 1)
    return dX[(..., *(slice(lo, n - hi) for n, (lo, hi) in zip(padded, pads)))]


# ---- pooling -------------------------------------------------------------------------


def _pool_args(op: str, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
               nd: int = 2) -> tuple:  # fmt: skip
    """kernel, stride (the kernel when None or empty), padding and dilation as nd-tuples,
    checked as PyTorch checks them."""

    def ints(name: str, v: Any) -> tuple:
        items = v if isinstance(v, (tuple, list)) else (v,)
        for x in items:
            if isinstance(x, bool) or not isinstance(x, (int, np.integer)):
                raise TypeError(f"{op}(): argument '{name}' must be tuple of ints, not "
                                f"{type(x).__name__}")  # fmt: skip
        if len(items) not in (1, nd):
            raise OpError(f"{op}: {name} must either be a single int, or a tuple of "
                          f"{('two', 'three')[nd - 2]} ints")  # fmt: skip
        return tuple(int(x) for x in items) * (nd + 1 - len(items))

    k = ints("kernel_size", kernel_size)
    s = (
        k
        if stride is None or (isinstance(stride, (tuple, list)) and not stride)
        else ints("stride", stride)
    )
    p, d = ints("padding", padding), ints("dilation", dilation)
    if min(k) <= 0:
        raise OpError(f"{op}: kernel size should be greater than zero, but got kernel_size={k}")
    if min(s) <= 0:
        raise OpError(f"{op}: stride should be greater than zero, but got stride={s}")
    if min(d) <= 0:
        raise OpError(f"{op}: dilation should be greater than zero, but got dilation={d}")
    if min(p) < 0:
        raise OpError(f"{op}: pad must be non-negative, but got pad: {p}")
    if any(pi > ki // 2 for pi, ki in zip(p, k)):
        raise OpError(f"{op}: pad should be at most half of effective kernel size, but got "
                      f"pad={p}, kernel_size={k} and dilation={d}")  # fmt: skip
    return k, s, p, d


def _pool_size(n: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    """PyTorch's pooling output size along one dim: in ceil mode a last window may start in
    the right padding, never beyond it."""
    out = (n + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    return out


def _pool_input(op: str, input: Tensor, k: tuple, s: tuple, p: tuple, d: tuple,
                ceil_mode: bool) -> tuple:  # fmt: skip
    """The input as (N, C, *spatial), whether it was batched, and the output size."""
    check_tensor(op, "input", input)
    check_bool(op, "ceil_mode", ceil_mode)
    X = input.data
    nd = len(k)
    if X.ndim not in (nd + 1, nd + 2) or 0 in X.shape[-nd - 1 :]:
        raise OpError(f"{op}: Expected {nd + 1}D or {nd + 2}D (batch mode) tensor with optional "
                      f"0 dim batch size for input, but got: {list(X.shape)}")  # fmt: skip
    batched = X.ndim == nd + 2
    Xb = X if batched else X[None]
    out = tuple(_pool_size(n, *a, ceil_mode) for n, a in zip(Xb.shape[2:], zip(k, s, p, d)))
    if min(out) < 1:
        raise OpError(f"{op}: Given input size: ({'x'.join(map(str, Xb.shape[1:]))}). "
                      f"Calculated output size: ({'x'.join(map(str, (Xb.shape[1], *out)))}). "
                      "Output size is too small")  # fmt: skip
    return Xb, batched, out


def _offsets(Xp: np.ndarray, k: tuple, s: tuple, d: tuple, out: tuple) -> Any:
    """For each kernel point in row-major order, the (N, C, *out) view of the padded input
    at that point of every window. A loop over the kernel, not the pixels: a few large
    strided NumPy ops are faster than reducing windows of 4 or 9 elements."""
    for point in np.ndindex(*k):
        yield Xp[(..., *(slice(i * di, i * di + si * (o - 1) + 1, si)
                         for i, di, si, o in zip(point, d, s, out)))]  # fmt: skip


def _padding_right(n: int, out: int, k: int, s: int, p: int, d: int) -> int:
    """The padding after the input so that the last window fits (ceil mode may need more)."""
    return max(p, (out - 1) * s + d * (k - 1) + 1 - n - p)


def max_pool2d(
    input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
    ceil_mode: bool = False, return_indices: bool = False,
) -> Any:  # fmt: skip
    """out[n, c, oh, ow] = max over the window at (s·oh - p, s·ow - p), of k points d apart.

    dx = g sent to the input element that is each window's maximum: the first in row-major
    order at ties, the last NaN if any (PyTorch's scan). ``return_indices`` adds the int64
    flat index (h * W + w) of each maximum in its input plane.
    """
    return _max_pool("max_pool2d", 2, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)  # fmt: skip


def _max_pool(
    op: str, nd: int, input: Tensor, kernel_size: Any, stride: Any, padding: Any,
    dilation: Any, ceil_mode: bool, return_indices: bool,
) -> Any:  # fmt: skip
    """max_pool2d over nd spatial dims (2 or 3); the index is flat in the input's volume."""
    k, s, p, d = _pool_args(op, kernel_size, stride, padding, dilation, nd)
    check_bool(op, "return_indices", return_indices)
    X, batched, out_size = _pool_input(op, input, k, s, p, d, ceil_mode)
    if X.dtype.kind == "b":
        raise NotImplementedError(f"{op}: \"{op}\" not implemented for 'Bool'")
    _refuse(op, X, "c", NotImplementedError)
    spatial = X.shape[2:]
    low = -np.inf if X.dtype.kind == "f" else np.iinfo(X.dtype).min if X.dtype.kind in "iu" else 0
    right = [_padding_right(n, o, *a) for n, o, a in zip(spatial, out_size, zip(k, s, p, d))]
    has_padding = any(p) or any(right)
    Xp = _padded(X, list(zip(p, right)), low) if has_padding else X
    # one strided slice per kernel point; arg (the kernel point of each maximum) is PyTorch's
    # scan: the first of tied maxima, but the last NaN (a NaN replaces anything, and a later
    # NaN an earlier one)
    points = list(_offsets(Xp, k, s, d, out_size))
    out = points[0].copy()
    for v in points[1:]:
        np.maximum(out, v, out=out)  # NaN wins
    differ = points[0] != out  # the first maximum's point: how many points before it differ
    arg = differ.astype(np.min_scalar_type(len(points) - 1))
    for v in points[1:-1]:
        differ &= v != out
        arg += differ
    if X.dtype.kind == "f" and np.isnan(out).any():
        for t, v in enumerate(points):
            np.copyto(arg, t, where=np.isnan(v))
    if has_padding and (out == low).any():
        # a window of only the lowest value: its first maximum may be padding, where PyTorch
        # takes the window's first point inside the input
        at = zip(np.unravel_index(arg, k), _starts(out_size, s, p), d, spatial)
        at = [_first_inside(a, st, di, n) for a, st, di, n in at]
        arg = np.ravel_multi_index(at, k).astype(arg.dtype)

    in_shape = input.data.shape  # (input may change shape in place before backward)

    def vjp(g: np.ndarray) -> np.ndarray:
        # each window's g added at its maximum in the padded input, flat: np.add.at adds
        # in the windows' order, as PyTorch's kernel (the same float32 sums where they overlap)
        dx = np.zeros(Xp.size, g.dtype)
        np.add.at(dx, _flat_maxima(arg, Xp.shape, k, s, d).reshape(-1), g.reshape(-1))
        inside = (..., *(slice(pi, pi + n) for pi, n in zip(p, spatial)))
        return np.ascontiguousarray(dx.reshape(Xp.shape)[inside]).reshape(in_shape)

    if not batched:
        out = out[0]
    result = record(np.ascontiguousarray(out), f"MaxPool{nd}DWithIndices", (input,), (vjp,),
                    saved=(input,))  # fmt: skip
    if not return_indices:
        return result
    index = np.zeros(arg.shape, np.int64)  # flat in the input's plane (or volume)
    for a, st, di, n in zip(np.unravel_index(arg, k), _starts(out_size, s, p), d, spatial):
        index = index * n + (st + a * di)
    return result, Tensor._new(np.ascontiguousarray(index if batched else index[0]))


def _flat_maxima(arg: np.ndarray, padded_shape: tuple, k: tuple, s: tuple, d: tuple) -> np.ndarray:
    """Where each window's maximum is in the flat padded input (N, C, *padded): the offset
    of its kernel point ``arg``, plus its window's start in the plane, plus its plane's."""
    N, C, *padded = padded_shape
    strides = [math.prod(padded[i + 1 :]) for i in range(len(padded))]
    offsets = [sum(i * di * st for i, di, st in zip(point, d, strides)) for point in np.ndindex(*k)]
    flat = np.asarray(offsets, np.intp)[arg]  # (indexing is faster than take here)
    flat += sum(st * w for st, w in zip(strides, _starts(arg.shape[2:], s, (0,) * len(s))))
    flat += (np.arange(N * C) * math.prod(padded)).reshape(N, C, *(1,) * len(s))
    return flat


def _starts(out_size: tuple, s: tuple, p: tuple) -> list:
    """Per spatial dim, where each window starts in the input (negative in the padding),
    shaped to broadcast against the (N, C, *out) output."""
    nd = len(out_size)
    return [(np.arange(o) * si - pi).reshape(-1, *(1,) * (nd - 1 - j))
            for j, (o, si, pi) in enumerate(zip(out_size, s, p))]  # fmt: skip


def _first_inside(a: np.ndarray, start: np.ndarray, d: int, n: int) -> np.ndarray:
    """The kernel offsets ``a`` along one dim, moved to the window's first point inside the
    input (0 <= start + a d < n) where they point into the padding."""
    q = start + a * d
    return np.where((q < 0) | (q >= n), -(start // d) * (start < 0), a)


def avg_pool2d(
    input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
    ceil_mode: bool = False, count_include_pad: bool = True, divisor_override: int | None = None,
) -> Tensor:  # fmt: skip
    """out = Σ window / divisor; the window of x zero-padded by p, the divisor its number of
    points inside the padded input (count_include_pad) or inside the input, or
    ``divisor_override``. Integer inputs divide with truncation, as PyTorch.
    dx = g / divisor added to every point of each window."""
    return _avg_pool("avg_pool2d", 2, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, divisor_override)  # fmt: skip


def _avg_pool(
    op: str, nd: int, input: Tensor, kernel_size: Any, stride: Any, padding: Any,
    ceil_mode: bool, count_include_pad: bool, divisor_override: int | None,
) -> Tensor:  # fmt: skip
    """avg_pool2d over nd spatial dims (2 or 3): the divisor is the product of the
    window's extents along each dim."""
    k, s, p, d = _pool_args(op, kernel_size, stride, padding, 1, nd)
    check_bool(op, "count_include_pad", count_include_pad)
    X, batched, out_size = _pool_input(op, input, k, s, p, d, ceil_mode)
    if nd == 3 and any(n < kk for n, kk in zip(X.shape[-3:], k)):  # padding or not, as ATen's
        T, H, W = X.shape[-3:]
        raise RuntimeError(f"{op}: input image (T: {T} H: {H} W: {W}) smaller than kernel size "
                           f"(kT: {k[0]} kH: {k[1]} kW: {k[2]})")  # fmt: skip
    if divisor_override is not None and divisor_override == 0:
        raise OpError(f"{op}: divisor must be not zero")
    if X.dtype.kind != "f" and X.dtype != np.int64:  # PyTorch's kernels: floats and Long
        raise NotImplementedError(
            f"{op}: \"{op}\" not implemented for '{dtypes.torch_name(X.dtype)}'"
        )
    N, C, *spatial = X.shape
    right = [_padding_right(n, o, *a) for n, o, a in zip(spatial, out_size, zip(k, s, p, d))]
    Xp = _padded(X, list(zip(p, right)))
    sums = np.zeros((N, C, *out_size), X.dtype)
    for v in _offsets(Xp, k, s, d, out_size):  # in PyTorch's order of summation
        sums += v
    if divisor_override is not None:
        div = np.asarray(divisor_override)
    else:
        per_dim = []
        for n, o, kk, ss, pp in zip(spatial, out_size, k, s, p):
            start = np.arange(o) * ss - pp
            end = np.minimum(start + kk, n + pp)
            if not count_include_pad:
                start, end = np.maximum(start, 0), np.minimum(end, n)
            per_dim.append(end - start)
        div = functools.reduce(np.multiply.outer, per_dim)
    if X.dtype.kind in "biu":
        out = (np.sign(sums) * np.sign(div) * (np.abs(sums) // np.abs(div))).astype(X.dtype)
    else:
        out = (sums / div).astype(X.dtype, copy=False)

    def vjp(g: np.ndarray) -> np.ndarray:
        g = (g if batched else g[None]) / div
        dx = np.zeros(Xp.shape, g.dtype)
        for view in _offsets(dx, k, s, d, out_size):
            view += g
        return dx[(..., *(slice(pi, pi + n) for pi, n in zip(p, spatial)))].reshape(
            input.data.shape
        )

    return record(out if batched else out[0], f"AvgPool{nd}D", (input,), (vjp,))


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Average over the windows [floor(i·H/OH), ceil((i+1)·H/OH)) x the same along W.

    With P (OH, H) and Q (OW, W) the 0/1 window matrices and n the window sizes:
    out = P x Qᵀ / n,   dx = Pᵀ (g / n) Q  (window by window where a value is not finite).
    An output of (1, 1) is the mean over H and W, as in PyTorch (its node is MeanBackward).
    """
    return _adaptive_avg_pool("adaptive_avg_pool2d", 2, input, output_size)


def _adaptive_avg_pool(op: str, nd: int, input: Tensor, output_size: Any) -> Tensor:
    """adaptive_avg_pool2d over nd spatial dims (2 or 3): a window matrix along each."""
    check_tensor(op, "input", input)
    X = input.data
    sizes = output_size if isinstance(output_size, (tuple, list)) else (output_size,) * nd
    if len(sizes) != nd:
        raise OpError(f"{op}: output_size must be {nd}")
    for v in sizes:
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, np.integer))):
            raise TypeError(f"{op}(): argument 'output_size' must be tuple of ints, not "
                            f"{type(v).__name__}")  # fmt: skip
    if isinstance(output_size, (tuple, list)) and X.ndim <= nd:  # PyTorch's Python checks it
        raise ValueError(f"{op}: Input dimension should be at least {nd + 1}, got "
                         f"{list(X.shape)}")  # fmt: skip
    axes = tuple(range(-nd, 0))
    if tuple(sizes) == (1,) * nd:  # of any input of nd dims or more, as PyTorch's shortcut
        return input.mean(axes, keepdim=True)
    if X.ndim not in (nd + 1, nd + 2):
        raise OpError(f"{op}(): Expected {nd + 1}D or {nd + 2}D tensor, but got "
                      f"{list(X.shape)}")  # fmt: skip
    out_size = tuple(X.shape[a] if v is None else int(v) for a, v in zip(axes, sizes))
    if min(out_size) < 0:
        raise OpError(f"{op}: elements of output_size must be greater than or equal to 0 but "
                      f"received {{{', '.join(map(str, out_size))}}}")  # fmt: skip
    if out_size == (1,) * nd:
        return input.mean(axes, keepdim=True)
    if X.dtype.kind != "f":
        raise NotImplementedError(f'"{op}" not implemented for {X.dtype}')
    windows = [_windows(n, o) for n, o in zip(X.shape[-nd:], out_size)]
    n = functools.reduce(np.multiply.outer, [end - start for start, end in windows])
    n = n.astype(X.dtype)

    # a product with the 0/1 window matrix, but window by window where a value is not
    # finite: 0 * inf would put NaN into windows that do not hold the inf
    finite = np.isfinite(X).all()

    def sums(A: np.ndarray, axis: int, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        if finite:
            M = _window_matrix(start, end, A.shape[axis], A.dtype)
            return np.moveaxis(np.matmul(M, np.moveaxis(A, axis, -2)), -2, axis)
        A = np.moveaxis(A, axis, -1)
        out = np.empty((*A.shape[:-1], len(start)), A.dtype)
        for i, (a, b) in enumerate(zip(start, end)):
            out[..., i] = A[..., a:b].sum(-1)
        return np.moveaxis(out, -1, axis)

    def spread(G: np.ndarray, axis: int, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        if np.isfinite(G).all():
            M = _window_matrix(start, end, X.shape[axis], G.dtype)
            return np.moveaxis(np.matmul(M.T, np.moveaxis(G, axis, -2)), -2, axis)
        G = np.moveaxis(G, axis, -1)
        dx = np.zeros((*G.shape[:-1], X.shape[axis]), G.dtype)
        for i, (a, b) in enumerate(zip(start, end)):
            dx[..., a:b] += G[..., i : i + 1]
        return np.moveaxis(dx, -1, axis)

    out = X
    for axis, (start, end) in zip(axes, windows):
        out = sums(out, axis, start, end)

    def vjp(g: np.ndarray) -> np.ndarray:
        g = g / n
        for axis, (start, end) in zip(axes, windows):
            g = spread(g, axis, start, end)
        return g

    out = np.ascontiguousarray(out / n)
    vjp = refuse_empty_output(f"adaptive_avg_pool{nd}d", nd, out.shape, vjp)
    return record(out, f"AdaptiveAvgPool{nd}D", (input,), (vjp,))


def refuse_empty_output(op: str, nd: int, shape: tuple, vjp: Any) -> Any:
    """An adaptive pool's VJP, or, for an output empty in one of its last nd dims (a
    forward PyTorch gives), one that raises PyTorch's backward error."""
    empty = [d for d in range(len(shape) - nd, len(shape)) if shape[d] == 0]
    if not empty:
        return vjp

    def refuse(g: np.ndarray) -> np.ndarray:
        raise RuntimeError(f"{op}_backward(): Expected grad_output to have non-zero size for "
                           f"non-batch dimensions, but grad_output has sizes {list(shape)} "
                           f"with dimension {empty[0]} being empty")  # fmt: skip

    return refuse


def _window_matrix(start: np.ndarray, end: np.ndarray, n: int, dtype: np.dtype) -> np.ndarray:
    """(out, n): row i is 1 on the window [start_i, end_i)."""
    j = np.arange(n)
    return ((j >= start[:, None]) & (j < end[:, None])).astype(dtype)


def _windows(n: int, out: int) -> tuple:
    """The adaptive windows [floor(i n / out), ceil((i+1) n / out)) of i < out: (starts, ends)."""
    i = np.arange(out)
    return i * n // out, -(-(i + 1) * n // out)


# ---- padding -------------------------------------------------------------------------


def max_pool3d(
    input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
    ceil_mode: bool = False, return_indices: bool = False,
) -> Any:  # fmt: skip
    """max_pool2d over (D, H, W): input (N, C, D, H, W) or (C, D, H, W); the indices are
    flat in each (D, H, W) volume, d·H·W + h·W + w."""
    return _max_pool("max_pool3d", 3, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)  # fmt: skip


def avg_pool3d(
    input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
    ceil_mode: bool = False, count_include_pad: bool = True, divisor_override: int | None = None,
) -> Tensor:  # fmt: skip
    """avg_pool2d over (D, H, W): input (N, C, D, H, W) or (C, D, H, W)."""
    return _avg_pool("avg_pool3d", 3, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, divisor_override)  # fmt: skip


def adaptive_avg_pool3d(input: Tensor, output_size: Any) -> Tensor:
    """adaptive_avg_pool2d over (D, H, W): with window matrices P, Q, R along D, H and W,
    out = x ×_D P ×_H Q ×_W R / n and dx = (g / n) ×_D Pᵀ ×_H Qᵀ ×_W Rᵀ."""
    return _adaptive_avg_pool("adaptive_avg_pool3d", 3, input, output_size)


def pad(input: Tensor, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    """``_pad``, for a real ``value`` (PyTorch's F.pad takes a float; constant_pad_nd any
    number)."""
    if isinstance(value, complex):
        raise TypeError("pad(): argument 'value' (position 4) must be float, not complex")
    return _pad(input, pad, mode, value)


def _pad(input: Tensor, pad: Any, mode: str = "constant", value: Any = None) -> Tensor:
    """Pad (or, with negative amounts, crop) the last len(pad) / 2 dims: pad = (left of the
    last dim, right of it, left of the one before, ...).

    'constant' fills the new places with ``value`` (any number of dims): dx = g at the
    places of x. 'reflect', 'replicate' and 'circular' (the last 1, 2 or 3 dims of a
    batched or unbatched input) copy places of x: see ``_pad_by_index``.
    """
    check_tensor("pad", "input", input)
    if not isinstance(pad, (tuple, list)):
        raise TypeError(f"pad(): argument 'pad' (position 2) must be tuple of ints, not "
                        f"{type(pad).__name__}")  # fmt: skip
    for i, v in enumerate(pad):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise TypeError(f"pad(): argument 'pad' (position 2) must be tuple of ints, but "
                            f"found element of type {type(v).__name__} at pos {i}")  # fmt: skip
    if mode != "constant" and mode not in _INDEX_PADS:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    X = input.data
    if len(pad) % 2:
        raise OpError("pad: Padding length must be divisible by 2")
    if mode != "constant":
        return _pad_by_index(input, tuple(int(v) for v in pad), mode, value)
    if len(pad) > 2 * X.ndim:
        raise OpError(f"pad: Padding length should be less than or equal to two times the "
                      f"input dimension but got padding length {len(pad)} and input of "
                      f"dimension {X.ndim}")  # fmt: skip
    lead = X.ndim - len(pad) // 2
    pairs = [(0, 0)] * lead + [(int(pad[2 * i]), int(pad[2 * i + 1]))
                               for i in reversed(range(len(pad) // 2))]  # fmt: skip
    shape = tuple(n + lo + hi for n, (lo, hi) in zip(X.shape, pairs))
    if any(n + min(lo, 0) + min(hi, 0) < 0 for n, (lo, hi) in zip(X.shape, pairs)):
        raise OpError(f"pad: the padding {tuple(pad)} crops more than the input {X.shape} has "
                      "(narrow(): length must be non-negative)")  # fmt: skip
    if min(shape, default=0) < 0:
        raise OpError(f"pad: the padding {tuple(pad)} leaves a negative size {shape} of the "
                      f"input {X.shape}")  # fmt: skip
    src = tuple(slice(max(-lo, 0), n - max(-hi, 0)) for n, (lo, hi) in zip(X.shape, pairs))
    dst = tuple(slice(max(lo, 0), m - max(hi, 0)) for m, (lo, hi) in zip(shape, pairs))
    out = np.full(shape, 0 if value is None else value, X.dtype)
    out[dst] = X[src]

    def vjp(g: np.ndarray) -> np.ndarray:
        dx = np.zeros(X.shape, g.dtype)
        dx[src] = g[dst]
        return dx

    return record(out, "ConstantPadNd", (input,), (vjp,))


# the node names: PyTorch's circular pad is an assignment into slices
_INDEX_PADS = {"reflect": "ReflectionPad", "replicate": "ReplicationPad", "circular": COPY_SLICES}


def _pad_by_index(input: Tensor, pad: tuple, mode: str, value: Any) -> Tensor:
    """out = x[idx] along each padded dim, idx mapping an output place j to the input
    place of t = j - left: |t| mirrored at the ends (reflect), t clipped (replicate), or
    t wrapped around the (cropped) dim (circular). dx = Sᵀ g along each dim, S the 0/1
    matrix of idx: a place gets the gradients of all its copies."""
    X = input.data
    k = len(pad) // 2
    if value is not None and value != 0:
        raise OpError(f'pad: Padding mode "{mode}" doesn\'t take in value argument')
    if X.ndim not in (k + 1, k + 2) or not 1 <= k <= 3:
        raise NotImplementedError(
            f"pad: Padding size {len(pad)} is not supported for {X.ndim}D input tensor "
            f"(mode '{mode}' pads the last 1, 2 or 3 dims of an input with 1 or 2 more)"
        )
    if mode != "circular" and 0 in X.shape[X.ndim - k - 1 :]:
        raise OpError(  # PyTorch's kernels take an empty batch, no other empty dim
            f"pad: Expected {k + 1}D or {k + 2}D (batch mode) tensor with possibly 0 batch size "
            f"and other non-zero dimensions for input, but got: {list(X.shape)} (mode '{mode}')"
        )
    if mode != "circular" and X.dtype.kind == "b":
        kernel = f"{'reflection' if mode == 'reflect' else 'replication'}_pad{k}d"
        raise NotImplementedError(f"pad: \"{kernel}\" not implemented for 'Bool'")
    sizes = [X.shape[X.ndim - 1 - i] + pad[2 * i] + pad[2 * i + 1] for i in range(k)]
    if mode != "circular" and max(sizes) < 1:  # PyTorch's kernels want one non-empty dim
        raise OpError(f"pad: input {list(X.shape)} is too small for the padding {pad} "
                      f"(mode '{mode}'): the padded dims would all be empty")  # fmt: skip
    maps = []
    for i in range(k):
        axis, (lo, hi) = X.ndim - 1 - i, pad[2 * i : 2 * i + 2]
        n = X.shape[axis]
        if n + lo + hi < 0:
            raise OpError(f"pad: the padding {pad} leaves a negative size of the input "
                          f"{list(X.shape)}")  # fmt: skip
        t = np.arange(n + lo + hi) - lo
        if mode == "reflect":
            if lo >= n or hi >= n:
                raise OpError(f"pad: Padding size should be less than the corresponding input "
                              f"dimension, but got: padding ({lo}, {hi}) at dimension {axis} "
                              f"of input {list(X.shape)}")  # fmt: skip
            t = np.abs(t)
            idx = np.where(t >= n, 2 * (n - 1) - t, t)
        elif mode == "replicate":
            idx = np.clip(t, 0, n - 1)
        else:  # PyTorch crops first, then wraps around what is left, at most once (it
            # refuses more without grad, and with grad gets the gradient wrong)
            start = max(-lo, 0)
            m = n - start - max(-hi, 0)
            if max(lo, 0) > m or max(hi, 0) > m:
                raise OpError(f"pad: Padding value causes wrapping around more than once "
                              f"(padding {pad}, input {list(X.shape)})")  # fmt: skip
            idx = start + (np.arange(m + max(lo, 0) + max(hi, 0)) - max(lo, 0)) % m
        maps.append((axis, n, idx))
    out = X
    for axis, _, idx in maps:
        out = np.take(out, idx, axis)

    def vjp(g: np.ndarray) -> np.ndarray:
        for axis, n, idx in reversed(maps):
            S = (idx[:, None] == np.arange(n)).astype(g.dtype)
            g = np.moveaxis(np.moveaxis(g, axis, -1) @ S, -1, axis)
        return g

    name = _INDEX_PADS[mode]
    name = name if mode == "circular" else f"{name}{k}D"
    return record(np.ascontiguousarray(out), name, (input,), (vjp,))


# ---- channel dropout -----------------------------------------------------------------


def dropout2d(
    input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
) -> Tensor:
    """Zero whole feature maps: each (n, c) channel with probability p, the rest scaled by
    1 / (1 - p).   dx = g * mask, the mask of shape (N, C, 1, 1).

    Input (N, C, H, W); a 3-D input is read as (N, C, L), as PyTorch reads it (with its
    warning). The identity when not training or when p is 0.
    """
    if p < 0 or p > 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if p != p:  # NaN: PyTorch's Python check lets it through, its kernel raises
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {p}")
    check_tensor("dropout2d", "input", input)
    X = input.data
    if X.ndim not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {X.ndim}-D input to dropout2d, which is deprecated and will "
            "result in an error in a future release. To retain the behavior and silence this "
            "warning, please use dropout instead.",
            stacklevel=2,
        )
    if X.ndim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
            "dropout behavior is desired - input is interpreted as shape (N, C, L), where C is "
            "the channel dim.",
            stacklevel=2,
        )
    check_bool("feature_dropout", "train", training)
    if not training or p == 0 or X.size == 0:
        return input
    if X.ndim < 2 and p != 1:  # p = 1 zeroes x of any shape, as PyTorch's
        raise OpError(f"dropout2d: Feature dropout requires at least 2 dimensions in the input, "
                      f"got {list(X.shape)}")  # fmt: skip
    shape = X.shape[:2] + (1,) * (X.ndim - 2)
    if p == 1:
        mask = np.zeros(shape, X.dtype)
    elif X.dtype.kind not in "f":
        _refuse("dropout2d", X, "c", NotImplementedError)  # PyTorch has no complex Bernoulli noise
        raise OpError(f"dropout2d: result type Float can't be cast to the desired output type "
                      f"{X.dtype}")  # fmt: skip
    else:
        mask = scaled_keep(keep_mask(generator(), shape, p, X.dtype), p)
    if inplace:
        return input.mul_(mask)
    return record(X * mask, "Mul", (input,), (lambda g: g * mask,))
