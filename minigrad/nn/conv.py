"""Convolution, pooling and padding: each forward beside its vector-Jacobian products.

Shapes are PyTorch's: input (N, C, H, W) or unbatched (C, H, W); a 2-D conv weight is
(O, C / groups, kH, kW). conv1d is conv2d on a height of 1. A convolution is one graph
node (ConvolutionBackward): its forward gathers the windows of the padded input with
``sliding_window_view`` (im2col) and does one matmul per group batch; its input VJP puts
the column gradients back with one strided add per kernel offset (col2im).

Notation: s stride, p padding, d dilation, k kernel size, OH x OW the output size,
``cols`` the (G, N*OH*OW, C/G*kH*kW) matrix of windows.
"""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..engine import record
from ..errors import OpError
from ..tensor import Tensor, check_bool, check_tensor


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
        raise OpError(f"{op}: expected {name} to be a single integer value or a list of {n} "
                      f"values to match the convolution dimensions, but got {name}={list(items)}")  # fmt: skip
    return items


# ---- convolution ---------------------------------------------------------------------


def conv2d(
    input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
    padding: Any = 0, dilation: Any = 1, groups: int = 1,
) -> Tensor:  # fmt: skip
    """out[n, o] = b[o] + Σ_{c in o's group, i, j} W[o, c, i, j] x_pad[n, c, s·oh + d·i, s·ow + d·j].

    input (N, C, H, W) or (C, H, W), weight (O, C/groups, kH, kW), bias (O,); padding an
    int, a pair, 'valid' (0) or 'same' (output size = input size, stride 1 only).
    dx = col2im(g Wᵀ),   dW = gᵀ cols,   db = Σ_{n, oh, ow} g.
    """
    return _convolution("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv1d(
    input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
    padding: Any = 0, dilation: Any = 1, groups: int = 1,
) -> Tensor:  # fmt: skip
    """conv2d on a height of 1: input (N, C, L) or (C, L), weight (O, C/groups, k)."""
    return _convolution("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def _convolution(
    op: str, nd: int, input: Tensor, weight: Tensor, bias: Tensor | None, stride: Any,
    padding: Any, dilation: Any, groups: int,
) -> Tensor:  # fmt: skip
    """Check the arguments as PyTorch does, lift the input to (N, C, H, W), convolve."""
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
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0),) * nd
        elif padding == "same":
            if max(s) != 1:
                raise OpError(f"{op}: padding='same' is not supported for strided convolutions")
            # as PyTorch: the odd one of an uneven total goes on the right
            pads = tuple((di * (ki - 1) // 2, di * (ki - 1) - di * (ki - 1) // 2)
                         for di, ki in zip(d, k))  # fmt: skip
        else:
            raise OpError(f"{op}: Invalid padding string: {padding!r}")
    else:
        p = _ints(op, "padding", padding, nd)
        if min(p) < 0:
            raise OpError(f"{op}: negative padding is not supported")
        pads = tuple((pi, pi) for pi in p)
    if groups <= 0:
        raise OpError(f"{op}: non-positive groups is not supported")
    batched = X.ndim == nd + 2
    C = X.shape[1 if batched else 0]
    if C != W.shape[1] * groups:
        raise OpError(
            f"{op}: Given groups={groups}, weight of size {list(W.shape)}, expected "
            f"input{list(X.shape)} to have {W.shape[1] * groups} channels, but got {C} "
            "channels instead"
        )
    if W.shape[0] % groups:
        raise OpError(f"{op}: Given groups={groups}, expected weight to be divisible by "
                      f"{groups} at dimension 0, but got weight of size {list(W.shape)}")  # fmt: skip
    if X.dtype != W.dtype:
        raise OpError(f"{op}: Input type ({X.dtype}) and weight type ({W.dtype}) should be "
                      "the same")  # fmt: skip
    B = None
    if bias is not None:
        B = bias.data
        if B.shape != (W.shape[0],):
            raise OpError(f"{op}: Given weight of size {list(W.shape)}, expected bias to be "
                          f"1-dimensional with {W.shape[0]} elements, but got bias of size "
                          f"{list(B.shape)} instead")  # fmt: skip
        if B.dtype != X.dtype:
            raise OpError(f"{op}: Input type ({X.dtype}) and bias type ({B.dtype}) should be "
                          "the same")  # fmt: skip
    spatial = X.shape[-nd:]
    padded = tuple(n + lo + hi for n, (lo, hi) in zip(spatial, pads))
    span = tuple(di * (ki - 1) + 1 for di, ki in zip(d, k))
    if any(sp > n for sp, n in zip(span, padded)):
        raise OpError(
            f"{op}: Calculated padded input size per channel: ({' x '.join(map(str, padded))}). "
            f"Kernel size: ({' x '.join(map(str, span))}). Kernel size can't be greater than "
            f"actual input size (input {list(X.shape)}, weight {list(W.shape)})"
        )
    X4 = X if batched else X[None]
    W4 = W
    if nd == 1:  # a height of 1
        X4, W4 = X4[:, :, None, :], W[:, :, None, :]
        s, d, pads = (1, *s), (1, *d), ((0, 0), *pads)
    out, vjp_x, vjp_w = _conv2d(X4, W4, s, pads, d, groups)
    if B is not None:
        out += B[:, None, None]
    if nd == 1:
        out = out[:, :, 0]
    if not batched:
        out = out[0]

    def lift(g: np.ndarray) -> np.ndarray:  # the output's gradient as (N, O, OH, OW)
        g = g if batched else g[None]
        return g[:, :, None, :] if nd == 1 else g

    vjps = (
        lambda g: vjp_x(lift(g)).reshape(X.shape),
        lambda g: vjp_w(lift(g)).reshape(W.shape),
        lambda g: np.add.reduce(lift(g), (0, 2, 3)),
    )
    saved = tuple(t for t, other in ((input, weight), (weight, input)) if other._requires_grad)
    if bias is None:
        return record(out, "Convolution", (input, weight), vjps[:2], saved=saved)
    return record(out, "Convolution", (input, weight, bias), vjps, saved=saved)


def _conv2d(X: np.ndarray, W: np.ndarray, s: tuple, pads: tuple, d: tuple, G: int) -> tuple:
    """The convolution of arrays X (N, C, H, W) and W (O, C/G, kH, kW): the output
    (N, O, OH, OW) and the VJPs for X and W (from g of that shape)."""
    N, C, H, Wd = X.shape
    O, Cg, kH, kW = W.shape
    Og = O // G
    if any(lo or hi for lo, hi in pads):
        X = np.pad(X, ((0, 0), (0, 0), *pads))
    Hp, Wp = X.shape[2:]
    win = sliding_window_view(X, (d[0] * (kH - 1) + 1, d[1] * (kW - 1) + 1), axis=(2, 3))
    win = win[:, :, :: s[0], :: s[1], :: d[0], :: d[1]]  # (N, C, OH, OW, kH, kW)
    OH, OW = win.shape[2:4]
    K = Cg * kH * kW
    # (G, N*OH*OW, K): the one copy of the forward pass
    cols = win.reshape(N, G, Cg, OH, OW, kH, kW).transpose(1, 0, 3, 4, 2, 5, 6)
    cols = cols.reshape(G, N * OH * OW, K)
    Wm = W.reshape(G, Og, K)
    out = np.matmul(cols, Wm.transpose(0, 2, 1))  # (G, N*OH*OW, Og)
    out = np.ascontiguousarray(out.reshape(G, N, OH * OW, Og).transpose(1, 0, 3, 2))

    def g_rows(g: np.ndarray) -> np.ndarray:  # (N, O, OH, OW) -> (G, Og, N*OH*OW)
        return g.reshape(N, G, Og, OH * OW).transpose(1, 2, 0, 3).reshape(G, Og, N * OH * OW)

    def vjp_w(g: np.ndarray) -> np.ndarray:
        return np.matmul(g_rows(g), cols)  # (G, Og, K)

    def vjp_x(g: np.ndarray) -> np.ndarray:
        dcols = np.matmul(Wm.transpose(0, 2, 1), g_rows(g))  # (G, K, N*OH*OW)
        dcols = dcols.reshape(G, Cg, kH, kW, N, OH, OW)
        dX = np.zeros((G, Cg, N, Hp, Wp), dcols.dtype)
        for i in range(kH):
            rows = slice(i * d[0], i * d[0] + s[0] * (OH - 1) + 1, s[0])
            for j in range(kW):
                dX[..., rows, j * d[1] : j * d[1] + s[1] * (OW - 1) + 1 : s[1]] += dcols[:, :, i, j]
        dX = dX.reshape(C, N, Hp, Wp).transpose(1, 0, 2, 3)
        return dX[:, :, pads[0][0] : pads[0][0] + H, pads[1][0] : pads[1][0] + Wd]

    return out.reshape(N, O, OH, OW), vjp_x, vjp_w
