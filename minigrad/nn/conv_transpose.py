"""Transposed convolutions ``conv_transpose1d/2d/3d``.

A transposed convolution is the adjoint of a convolution with the same weight: with
A_W the conv g -> conv(g, W) (stride s, padding p, dilation d, groups), y = A_Wᵀ x.
So its forward is the conv's input-VJP (the columns Wᵀx summed back by col2im), its
input-VJP is the conv itself, dx = A_W g, and its weight-VJP is the conv's weight-VJP
with x as the upstream gradient. Shapes are PyTorch's: input (N, C_in, *spatial) or
(C_in, *spatial), weight (C_in, C_out / groups, *k), output (N, C_out, *out) with
out = (n - 1) s - 2 p + d (k - 1) + output_padding + 1 along each spatial dim.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import OpError
from ..tensor import Tensor, check_tensor
from .conv import _bias, _col2im, _conv_node, _convnd, _ints

__all__ = ["conv_transpose1d", "conv_transpose2d", "conv_transpose3d"]


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
    """conv_transpose2d along one spatial dim: input (N, C_in, L) or (C_in, L), weight
    (C_in, C_out/groups, k)."""
    return _transposed("conv_transpose1d", 1, input, weight, bias, stride, padding,
                       output_padding, groups, dilation)  # fmt: skip


def conv_transpose3d(
    input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
    padding: Any = 0, output_padding: Any = 0, groups: int = 1, dilation: Any = 1,
) -> Tensor:  # fmt: skip
    """conv_transpose2d over 3 spatial dims: input (N, C_in, D, H, W) or (C_in, D, H, W),
    weight (C_in, C_out/groups, kD, kH, kW)."""
    return _transposed("conv_transpose3d", 3, input, weight, bias, stride, padding,
                       output_padding, groups, dilation)  # fmt: skip


def _transposed(
    op: str, nd: int, input: Tensor, weight: Tensor, bias: Tensor | None, stride: Any,
    padding: Any, output_padding: Any, groups: int, dilation: Any,
) -> Tensor:  # fmt: skip
    """Check the arguments as PyTorch does, lift the input to (N, C, *spatial), convolve."""
    check_tensor(op, "input", input)
    check_tensor(op, "weight", weight)
    if bias is not None:
        check_tensor(op, "bias", bias)
    X, W = input.data, weight.data
    s, p, out_pad, d = (_ints(op, name, v, nd) for name, v in (
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
                         ("output_padding", out_pad, 0)):  # fmt: skip
        if min(v) < low:
            raise OpError(f"{op}: {'non-positive' if low else 'negative'} {name} is not "
                          f"supported (got {name}={list(v)})")  # fmt: skip
    if any(o >= max(si, di) for o, si, di in zip(out_pad, s, d)):
        raise OpError(f"{op}: output padding must be smaller than either stride or dilation, "
                      f"but got output_padding={list(out_pad)}, stride={list(s)}, "
                      f"dilation={list(d)}")  # fmt: skip
    if groups <= 0:
        raise OpError(f"{op}: non-positive groups is not supported")
    batched = X.ndim == nd + 2
    C = X.shape[1 if batched else 0]
    if W.shape[0] % groups or W.shape[0] < groups:
        raise OpError(
            f"{op}: Given groups={groups}, expected weight to be a positive multiple of "
            f"{groups} at dimension 0, but got weight of size {list(W.shape)}"
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
    B = _bias(op, bias, O, X, W, "Given transposed=1, ")
    k = W.shape[2:]
    size = tuple((n - 1) * si - 2 * pi + di * (ki - 1) + oi + 1
                 for n, si, pi, di, ki, oi in zip(X.shape[-nd:], s, p, d, k, out_pad))  # fmt: skip
    # an empty output of a non-empty batch is refused, as by PyTorch's reference kernel (its
    # oneDNN kernel, for float32 batches of two or more, returns it)
    if min(size) < 0 or (min(size) == 0 and (X.shape[0] if batched else 1)):
        raise OpError(
            f"{op}: Given input size per channel: ({' x '.join(map(str, X.shape[-nd:]))}). "
            f"Calculated output size per channel: ({' x '.join(map(str, size))}). Output size "
            f"is too small (weight {list(W.shape)}, padding {list(p)})"
        )
    if X.dtype.kind == "b":
        raise NotImplementedError(f"{op}: \"slow_conv_transpose2d_out_cpu\" not implemented "
                                  "for 'Bool'")  # fmt: skip
    conv = _conv_transposend(X if batched else X[None], W, s, p, out_pad, d, groups, size)
    return _conv_node(input, weight, bias, B, conv)


def _conv_transposend(
    X: np.ndarray, W: np.ndarray, s: tuple, p: tuple, out_pad: tuple, d: tuple, G: int,
    size: tuple,
) -> tuple:  # fmt: skip
    """The transposed convolution of arrays X (N, C, *spatial) and W (C, O/G, *k): the
    output (N, O, *size) and the VJPs for X and W."""
    N, C, *spatial = X.shape
    _, Og, *k = W.shape
    P = math.prod(spatial)
    Wm = W.reshape(G, C // G, Og * math.prod(k))
    rows = X.reshape(N, G, C // G, P).transpose(1, 2, 0, 3).reshape(G, C // G, N * P)
    cols = np.matmul(Wm.transpose(0, 2, 1), rows).reshape(G, Og, *k, N, *spatial)
    pads = tuple((pi, pi) for pi in p)
    out = _col2im(cols, tuple(n + 2 * pi for n, pi in zip(size, p)), s, d, pads)
    # the conv back reads the rows of g its windows reach, (n - 1) s + d (k - 1) + 1 of the
    # padded g: the last output_padding - p of g are beyond them, or p - output_padding of
    # the padding after g are, so that the conv of g has X's shape again
    reach = (..., *(slice(0, n + pi - oi) for n, pi, oi in zip(size, p, out_pad)))
    back_pads = tuple((pi, max(pi - oi, 0)) for pi, oi in zip(p, out_pad))

    last: list = [None, None]  # (g, its conv): both VJPs of one backward step share it

    def conv_of(g: np.ndarray) -> tuple:  # A_W g and its weight-VJP
        if last[0] is not g:
            last[:] = g, _convnd(g[reach], W, s, back_pads, d, G)
        return last[1]

    return (
        np.ascontiguousarray(out),
        lambda g: conv_of(g)[0],
        lambda g: conv_of(g)[2](X),
    )
