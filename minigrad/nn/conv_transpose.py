"""Transposed convolution: ``conv_transpose1d`` and ``conv_transpose2d``.

A transposed convolution is the adjoint of a convolution with the same weight: with
A_W the conv g -> conv2d(g, W) (stride s, padding p, dilation d, groups), y = A_Wᵀ x.
So its forward is the conv's input-VJP (the columns Wᵀx summed back by col2im), its
input-VJP is the conv itself, dx = A_W g, and its weight-VJP is the conv's weight-VJP
with x as the upstream gradient. Shapes are PyTorch's: input (N, C_in, H, W) or
(C_in, H, W), weight (C_in, C_out / groups, kH, kW), output (N, C_out, OH, OW) with
OH = (H - 1) s - 2 p + d (kH - 1) + output_padding + 1.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..engine import record
from ..errors import OpError
from ..tensor import Tensor, check_tensor
from .conv import _col2im, _conv2d, _ints

__all__ = ["conv_transpose1d", "conv_transpose2d"]


def conv_transpose2d(
    input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
    padding: Any = 0, output_padding: Any = 0, groups: int = 1, dilation: Any = 1,
) -> Tensor:  # fmt: skip
    """out[n, o, s·h + d·i - p, s·w + d·j - p] += Σ_{c in o's group} W[c, o', i, j] x[n, c, h, w]
    (o' = o mod C_out/groups), plus b[o]; output_padding adds rows and columns at the end.

    input (N, C_in, H, W) or (C_in, H, W), weight (C_in, C_out/groups, kH, kW), bias (C_out,).
    dx = conv2d(g, W),   dW = the conv's weight-VJP of (g, x),   db = Σ_{n, oh, ow} g.
    """
    return _transposed("conv_transpose2d", 2, input, weight, bias, stride, padding,
                       output_padding, groups, dilation)  # fmt: skip


def conv_transpose1d(
    input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
    padding: Any = 0, output_padding: Any = 0, groups: int = 1, dilation: Any = 1,
) -> Tensor:  # fmt: skip
    """conv_transpose2d on a height of 1: input (N, C_in, L) or (C_in, L), weight
    (C_in, C_out/groups, k)."""
    return _transposed("conv_transpose1d", 1, input, weight, bias, stride, padding,
                       output_padding, groups, dilation)  # fmt: skip


def _transposed(
    op: str, nd: int, input: Tensor, weight: Tensor, bias: Tensor | None, stride: Any,
    padding: Any, output_padding: Any, groups: int, dilation: Any,
) -> Tensor:  # fmt: skip
    """Check the arguments as PyTorch does, lift the input to (N, C, H, W), convolve."""
    check_tensor(op, "input", input)
    check_tensor(op, "weight", weight)
    if bias is not None:
        check_tensor(op, "bias", bias)
    X, W = input.data, weight.data
    s, p, op_, d = (_ints(op, name, v, nd) for name, v in (
        ("stride", stride), ("padding", padding), ("output_padding", output_padding),
        ("dilation", dilation)))  # fmt: skip
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)):
        raise TypeError(f"{op}(): argument 'groups' must be int, not {type(groups).__name__}")
    if X.ndim not in (nd + 1, nd + 2):
        raise OpError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {op}, "
                      f"but got input of size: {list(X.shape)}")  # fmt: skip
    if W.ndim != nd + 2:
        raise OpError(f"{op}: expected a {nd + 2}-D weight (in_channels, out_channels / "
                      f"groups, *kernel_size), but got weight of size {list(W.shape)}")  # fmt: skip
    for name, v, low in (("stride", s, 1), ("dilation", d, 1), ("padding", p, 0),
                         ("output_padding", op_, 0)):  # fmt: skip
        if min(v) < low:
            raise OpError(f"{op}: {'non-positive' if low else 'negative'} {name} is not "
                          f"supported (got {name}={list(v)})")  # fmt: skip
    if any(o >= max(si, di) for o, si, di in zip(op_, s, d)):
        raise OpError(f"{op}: output padding must be smaller than either stride or dilation, "
                      f"but got output_padding={list(op_)}, stride={list(s)}, "
                      f"dilation={list(d)}")  # fmt: skip
    if groups <= 0:
        raise OpError(f"{op}: non-positive groups is not supported")
    batched = X.ndim == nd + 2
    C = X.shape[1 if batched else 0]
    if W.shape[0] % groups:
        raise OpError(
            f"{op}: Given groups={groups}, expected weight to be divisible by {groups} at "
            f"dimension 0, but got weight of size {list(W.shape)}"
        )
    if C != W.shape[0]:
        raise OpError(f"{op}: Given transposed=1, weight of size {list(W.shape)}, expected "
                      f"input{list(X.shape)} to have {W.shape[0]} channels, but got {C} "
                      "channels instead")  # fmt: skip
    if 0 in X.shape[-nd:] or 0 in W.shape[1:]:
        raise OpError(
            f"{op}: Only zero batch or zero channel inputs are supported, but got input of "
            f"size {list(X.shape)} and weight of size {list(W.shape)}"
        )
    if X.dtype != W.dtype:
        raise OpError(f"{op}: Input type ({X.dtype}) and weight type ({W.dtype}) should be "
                      "the same")  # fmt: skip
    O = W.shape[1] * groups
    B = None
    if bias is not None:
        B = bias.data
        if B.shape != (O,):
            raise OpError(f"{op}: Given transposed=1, weight of size {list(W.shape)}, expected "
                          f"bias to be 1-dimensional with {O} elements, but got bias of size "
                          f"{list(B.shape)} instead")  # fmt: skip
        if B.dtype != X.dtype:
            raise OpError(f"{op}: Input type ({X.dtype}) and bias type ({B.dtype}) should be "
                          "the same")  # fmt: skip
    k = W.shape[2:]
    size = tuple((n - 1) * si - 2 * pi + di * (ki - 1) + oi + 1
                 for n, si, pi, di, ki, oi in zip(X.shape[-nd:], s, p, d, k, op_))  # fmt: skip
    if min(size) < 0:
        raise OpError(f"{op}: the output size {list(size)} is negative (input {list(X.shape)}, "
                      f"weight {list(W.shape)}, padding {list(p)})")  # fmt: skip
    if X.dtype.kind == "b":
        raise NotImplementedError(f"{op}: \"slow_conv_transpose2d_out_cpu\" not implemented "
                                  "for 'Bool'")  # fmt: skip
    X4 = X if batched else X[None]
    W4 = W
    if nd == 1:  # a height of 1
        X4, W4 = X4[:, :, None, :], W[:, :, None, :]
        s, p, op_, d, size = (1, *s), (0, *p), (0, *op_), (1, *d), (1, *size)
    out, vjp_x, vjp_w = _conv_transpose2d(X4, W4, s, p, op_, d, groups, size)
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
    return record(out, "Convolution", (input, weight, bias), vjps, saved=(input, weight))


def _conv_transpose2d(
    X: np.ndarray, W: np.ndarray, s: tuple, p: tuple, op: tuple, d: tuple, G: int, size: tuple
) -> tuple:
    """The transposed convolution of arrays X (N, C, H, W) and W (C, O/G, kH, kW): the
    output (N, O, OH, OW) of ``size`` (OH, OW) and the VJPs for X and W."""
    N, C, H, Wd = X.shape
    _, Og, kH, kW = W.shape
    Wm = W.reshape(G, C // G, Og * kH * kW)
    rows = X.reshape(N, G, C // G, H * Wd).transpose(1, 2, 0, 3).reshape(G, C // G, N * H * Wd)
    cols = np.matmul(Wm.transpose(0, 2, 1), rows).reshape(G, Og, kH, kW, N, H, Wd)
    pads = tuple((pi, pi) for pi in p)
    out = _col2im(cols, tuple(n + 2 * pi for n, pi in zip(size, p)), s, d, pads)
    # the conv back reads the rows of g its windows reach, (H - 1) s + d (k - 1) + 1 of the
    # padded g: the last output_padding - p of g are beyond them, or p - output_padding of
    # the padding after g are, so that the conv of g is (N, C, H, W) again
    reach = tuple(slice(0, n + pi - oi) for n, pi, oi in zip(size, p, op))
    back_pads = tuple((pi, max(pi - oi, 0)) for pi, oi in zip(p, op))

    def conv_of(g: np.ndarray) -> tuple:  # A_W g and its weight-VJP
        return _conv2d(g[:, :, reach[0], reach[1]], W, s, back_pads, d, G)

    return (
        np.ascontiguousarray(out),
        lambda g: conv_of(g)[0],
        lambda g: conv_of(g)[2](X),
    )
