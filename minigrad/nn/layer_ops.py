"""More of ``nn.functional``: pairwise_distance, the 1-d poolings, rms_norm and bilinear.

Most are composed of existing ops as PyTorch composes them, so their nodes and gradients
are PyTorch's: pairwise_distance is a norm of x1 - x2 + eps; a 1-d pooling is the 2-d one
over a unit height (x.unsqueeze(-2), pooled, squeezed back). rms_norm and bilinear's
product are one node each, with their VJPs beside the forward.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from .. import dtypes, ops
from ..engine import record
from ..errors import OpError
from ..tensor import Tensor, check_tensor
from . import conv

__all__ = [
    "adaptive_avg_pool1d", "avg_pool1d", "bilinear", "max_pool1d", "pairwise_distance",
    "rms_norm",
]  # fmt: skip


def pairwise_distance(
    x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False
) -> Tensor:
    """‖x1 - x2 + eps‖_p along the last dim of x1 and x2 broadcast together (PyTorch's
    composition, its eps included: the distance of x to itself is ‖eps‖_p, not 0)."""
    check_tensor("pairwise_distance", "x1", x1)
    check_tensor("pairwise_distance", "x2", x2)
    return (x1 - x2 + eps).norm(p, max(x1.ndim, x2.ndim) - 1, keepdim)


def _single(op: str, name: str, value: Any) -> int:
    """An int or a sequence of one int (PyTorch's 1-d pooling arguments)."""
    items = value if isinstance(value, (tuple, list)) else (value,)
    if len(items) != 1:
        raise OpError(f"{op}: {name} must be a single int, or a tuple of one int, got {value}")
    v = items[0]
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
        raise TypeError(f"{op}(): argument '{name}' must be tuple of ints, not {type(v).__name__}")
    return operator.index(v)


def _pool1d_input(op: str, input: Any) -> Tensor:
    """The (N, C, L) or (C, L) input as (N, C, 1, L) or (C, 1, L)."""
    check_tensor(op, "input", input)
    if input.ndim not in (2, 3):
        raise OpError(f"{op}: Expected 2D or 3D (batch mode) tensor for input, but got: "
                      f"{list(input.shape)}")  # fmt: skip
    return input.unsqueeze(-2)


def max_pool1d(
    input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
    ceil_mode: bool = False, return_indices: bool = False,
) -> Any:  # fmt: skip
    """The maximum of each window of k points d apart, every s, of x (-inf)-padded by p:
    ``max_pool2d`` over a unit height (the indices are positions along L)."""
    op = "max_pool1d"
    k = _single(op, "kernel_size", kernel_size)
    s = (
        k
        if stride is None or (isinstance(stride, (tuple, list)) and not stride)
        else _single(op, "stride", stride)
    )
    p, d = _single(op, "padding", padding), _single(op, "dilation", dilation)
    x = _pool1d_input(op, input)
    if x.data.dtype.kind != "f":  # PyTorch's 1-d kernel has floats only (the 2-d one more)
        raise NotImplementedError(
            f'max_pool1d: "max_pool1d_impl" not implemented for '
            f"'{dtypes.torch_name(x.data.dtype)}'"
        )
    out = conv.max_pool2d(x, (1, k), (1, s), (0, p), (1, d), ceil_mode, return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


def avg_pool1d(
    input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
    ceil_mode: bool = False, count_include_pad: bool = True,
) -> Tensor:  # fmt: skip
    """The mean of each window of k points, every s, of x zero-padded by p: ``avg_pool2d``
    over a unit height."""
    op = "avg_pool1d"
    k = _single(op, "kernel_size", kernel_size)
    s = (
        k
        if stride is None or (isinstance(stride, (tuple, list)) and not stride)
        else _single(op, "stride", stride)
    )
    p = _single(op, "padding", padding)
    x = _pool1d_input(op, input)
    return conv.avg_pool2d(x, (1, k), (1, s), (0, p), ceil_mode, count_include_pad).squeeze(-2)


def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:
    """The means of ``output_size`` windows [floor(i L / n), ceil((i + 1) L / n)) along L:
    ``adaptive_avg_pool2d`` over a unit height."""
    n = _single("adaptive_avg_pool1d", "output_size", output_size)
    x = _pool1d_input("adaptive_avg_pool1d", input)
    return conv.adaptive_avg_pool2d(x, (1, n)).squeeze(-2)


def rms_norm(
    input: Tensor, normalized_shape: Any, weight: Tensor | None = None, eps: float | None = None
) -> Tensor:
    """x̂ w with x̂ = x r, r = 1 / sqrt(mean(x²) + eps), the mean over the last dims
    (``normalized_shape``, which w has); eps None is the machine epsilon of x's dtype.
    One node computed in float64 and rounded once (PyTorch composes it of pow, mean, add,
    rsqrt and mul, whose float32 gradient loses more to cancellation). With ĝ = g w:
    dx = r ĝ - x r³ mean(ĝ x),   dw = Σ g x̂ over the leading dims."""
    check_tensor("rms_norm", "input", input)
    if not isinstance(normalized_shape, (tuple, list)):
        raise TypeError("rms_norm(): argument 'normalized_shape' (position 2) must be tuple of "
                        f"ints, not {type(normalized_shape).__name__}")  # fmt: skip
    shape = tuple(normalized_shape)
    X = input.data
    k = len(shape)
    if k > X.ndim:
        raise ValueError(f"Input tensor must have at least {k} dimensions, but got {X.ndim}")
    if k == 0 or X.shape[X.ndim - k :] != shape:
        raise RuntimeError(
            f"rms_norm: Given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {', '.join(map(str, shape))}], but got input of size{list(X.shape)}"
        )
    if weight is not None and weight.shape != shape:
        raise RuntimeError(
            f"rms_norm: Expected weight to be of same shape as normalized_shape, but got weight "
            f"of shape {list(weight.shape)} and normalized_shape = {list(shape)}"
        )
    if X.dtype.kind != "f":
        raise NotImplementedError(
            f"\"rms_norm\" not implemented for '{dtypes.torch_name(X.dtype)}'"
        )
    if eps is None:
        eps = float(np.finfo(X.dtype).eps)
    eps = float(X.dtype.type(eps))  # x's dtype's number, as PyTorch's kernel adds it
    dims = tuple(range(X.ndim - k, X.ndim))
    X64 = X.astype(np.float64, copy=False)
    r = 1 / np.sqrt(ops._mean(X64 * X64, dims, True) + eps)  # (quiet over no elements)
    xhat = X64 * r
    W = None if weight is None else weight.data.astype(np.float64, copy=False)

    def vjp_input(g: np.ndarray) -> np.ndarray:
        gh = g if W is None else g * W
        return r * gh - X64 * r**3 * ops._mean(gh * X64, dims, True)

    def vjp_weight(g: np.ndarray) -> np.ndarray:
        return (g * xhat).sum(tuple(range(X.ndim - k)))

    out = (xhat if W is None else xhat * W).astype(X.dtype, copy=False)
    return record(out, "RmsNorm", (input, weight), (vjp_input, vjp_weight),
                  saved=ops._tensors(input, weight))  # fmt: skip


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y[..., o] = Σ_ij x1[..., i] W[o, i, j] x2[..., j] (+ b[o]), x1 (*, in1), x2 (*, in2),
    W (out, in1, in2).   dx1 = Σ_o g W x2,   dx2 = Σ_o g Wᵀ x1,   dW = Σ_batch g ⊗ x1 ⊗ x2;
    the bias is added by an add, as PyTorch."""
    for name, t in (("input1", input1), ("input2", input2), ("weight", weight)):
        check_tensor("bilinear", name, t)
    A, B, W = input1.data, input2.data, weight.data
    if A.ndim != B.ndim:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {A.ndim} and {B.ndim}")
    if A.shape[:-1] != B.shape[:-1]:
        raise RuntimeError(f"bilinear(): input batch dimensions do not match: got "
                           f"{list(A.shape[:-1])} and {list(B.shape[:-1])}")  # fmt: skip
    if not A.dtype == B.dtype == W.dtype:
        names = ", ".join(f"{n}: {dtypes.torch_name(X.dtype).lower()}"
                          for n, X in (("input1", A), ("input2", B), ("weight", W)))  # fmt: skip
        raise RuntimeError(f"All tensors must have the same dtype, got {names}")
    if W.ndim != 3:
        raise RuntimeError(f"bilinear(): weight must be 3-D, got {W.ndim}-D")
    for i, (X, n) in enumerate(((A, W.shape[1]), (B, W.shape[2])), 1):
        if X.ndim == 0 or X.shape[-1] != n:
            raise RuntimeError(f"bilinear(): input{i} size does not match weight size: got "
                               f"{X.shape[-1] if X.ndim else 0} but expected {n}")  # fmt: skip
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != W.shape[0]):
        got = bias.shape[-1] if bias.ndim else 0
        raise RuntimeError(
            f"bilinear(): bias size does not match weight size: got {got} but expected {W.shape[0]}"
        )
    out = np.einsum("...i,oij,...j->...o", A, W, B, optimize=True)

    def vjp_input1(g: np.ndarray) -> np.ndarray:
        return np.einsum("...o,oij,...j->...i", g, W, B, optimize=True)

    def vjp_input2(g: np.ndarray) -> np.ndarray:
        return np.einsum("...o,oij,...i->...j", g, W, A, optimize=True)

    def vjp_weight(g: np.ndarray) -> np.ndarray:
        return np.einsum("...o,...i,...j->oij", g, A, B, optimize=True)

    y = record(np.asarray(out, np.result_type(A, W, B)), "Trilinear", (input1, input2, weight),
               (vjp_input1, vjp_input2, vjp_weight), saved=(input1, input2, weight))  # fmt: skip
    return y if bias is None else y + bias
