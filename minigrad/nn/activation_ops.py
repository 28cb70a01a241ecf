"""More activations of ``nn.functional``: the hard ones (hardswish, hardsigmoid), the
shrinks, threshold, celu, glu, prelu, softmin and tanhshrink.

As in ``functional``: each op records PyTorch's node, its forward and VJP side by side in
PyTorch's formulas. The piecewise-linear ones compute in the input's dtype with the
constants cast to it (as PyTorch's kernels), so float32 results are PyTorch's bit for
bit; celu and glu compute in float64 and round once. The gradient at a kink is the one
PyTorch's backward formula gives there: it is named in each docstring.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .. import dtypes, ops
from ..engine import record
from ..factories import zeros_like
from ..tensor import Tensor, check_tensor
from .functional import (
    _NEGATIVE_SLOPE,
    _activation,
    _check_tensors,
    _float_array,
    _float_input,
    _in_place,
    _softmax_dim,
)

__all__ = [
    "celu", "celu_", "glu", "hardshrink", "hardsigmoid", "hardswish", "prelu", "softmin",
    "softshrink", "tanhshrink", "threshold", "threshold_", "gumbel_softmax",
]  # fmt: skip


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x relu6(x + 3) / 6.   dx = 0 for x <= -3, g (x / 3 + 1/2) for -3 < x < 3, g from 3 on."""
    X = _float_array("hardswish", input, "hardswish_cpu")
    if inplace:
        return _in_place(hardswish, input, name="hardswish_")
    three = X.dtype.type(3)
    out = ops._unary_float(lambda W: W * np.minimum(np.maximum(W + 3, 0), 6) / 6, X)

    def vjp(g: np.ndarray) -> np.ndarray:
        return np.where(X <= -three, 0, np.where(X < three, g * (X / three + X.dtype.type(0.5)), g))

    return record(out, "Hardswish", (input,), (vjp,), saved=(input,))


# PyTorch's backward multiplies by this float constant, also for double
_SIXTH = np.float32(1) / np.float32(6)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """relu6(x + 3) / 6.   dx = g / 6 for -3 < x < 3, else 0 (0 at ±3)."""
    X = _float_array("hardsigmoid", input, "hardsigmoid_cpu")
    if inplace:
        return _in_place(hardsigmoid, input, name="hardsigmoid_")
    three = X.dtype.type(3)
    out = ops._unary_float(lambda W: np.minimum(np.maximum(W + 3, 0), 6) / 6, X)

    def vjp(g: np.ndarray) -> np.ndarray:
        return np.where((X > -three) & (X < three), g * g.dtype.type(_SIXTH), 0)

    return record(out, "Hardsigmoid", (input,), (vjp,), saved=(input,))


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x for x > 0, else α (exp(x / α) - 1): PyTorch's elu with input scale 1 / α.
    dx = g for x > 0, else g exp(x / α) (g at 0)."""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    if inplace:
        error = None if alpha >= 0 else _NEGATIVE_SLOPE.format("elu")
        return _in_place(celu, input, alpha, backward_error=error, name="celu_")
    X = _float_input("celu", input, "elu_cpu")
    inv = 1.0 / alpha
    with np.errstate(over="ignore"):  # exp(x / α) of a large x > 0 is not used
        out = np.where(X < 0, np.expm1(X * inv) * alpha, X)

    @np.errstate(over="ignore")
    def vjp(g: np.ndarray) -> np.ndarray:
        return np.where(X <= 0, g * inv * alpha * np.exp(X * inv), g)

    return _activation(out, "Celu", input, vjp)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """In-place celu: ``celu(input, alpha, inplace=True)``."""
    check_tensor("celu_", "input", input)
    return celu(input, alpha, inplace=True)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """x where x > threshold, else ``value`` (integer inputs too, in their dtype).
    dx = g where x > threshold (and where x is NaN), else 0."""
    _check_threshold("threshold", input)
    if inplace:
        return _in_place(_threshold, input, threshold, value, name="threshold_")
    return _threshold(input, threshold, value)


def _check_threshold(name: str, input: Any) -> None:
    check_tensor(name, "input", input)
    if input.data.dtype.kind == "b":
        raise NotImplementedError(f"{name}: \"threshold_cpu\" not implemented for 'Bool'")
    ops._refuse(name, input.data, "c", NotImplementedError)


def _threshold(input: Tensor, threshold: float, value: float) -> Tensor:
    X = input.data
    below = X <= _scalar(X.dtype, threshold)  # compared in x's dtype, as PyTorch's kernel
    out = np.where(below, _scalar(X.dtype, value), X)
    return record(out, "Threshold", (input,), (lambda g: np.where(below, 0, g),), saved=(input,))


def _scalar(dtype: np.dtype, v: float) -> Any:
    """A Python number as a scalar of ``dtype`` (an integer one truncates), or PyTorch's
    error for a value that does not fit (an unsigned one wraps a negative integer)."""
    return dtype.type(dtypes.check_fits(v, dtype))


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    """In-place threshold: ``threshold(input, threshold, value, inplace=True)``."""
    _check_threshold("threshold_", input)
    return _in_place(_threshold, input, threshold, value, name="threshold_")


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x - λ for x > λ, x + λ for x < -λ, else 0 (λ >= 0; +0, as PyTorch's vectorized
    loop, where its scalar loop for a few elements gives x·0).
    dx = g where |x| > λ, else 0 (0 at ±λ)."""
    X = _float_array("softshrink", input, "softshrink_check")
    if not lambd >= 0:
        raise RuntimeError(
            f"lambda must be in range [0, {np.finfo(X.dtype).max:.6g}] for input dtype "
            f"{dtypes.torch_name(X.dtype).capitalize()}, but found {lambd}"
        )
    lam = X.dtype.type(lambd)
    out = np.where(X > lam, X - lam, np.where(X < -lam, X + lam, X * 0 + 0))
    inside = (X >= -lam) & (X <= lam)
    return record(out, "Softshrink", (input,), (lambda g: np.where(inside, 0, g),), saved=(input,))


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x where |x| > λ, else 0.   dx = g where |x| > λ, else 0 (0 at ±λ)."""
    X = _float_array("hardshrink", input, "hardshrink_cpu")
    lam = X.dtype.type(lambd)
    inside = (X >= -lam) & (X <= lam)
    out = np.where(inside, X.dtype.type(0), X)
    return record(out, "Hardshrink", (input,), (lambda g: np.where(inside, 0, g),), saved=(input,))


def tanhshrink(input: Tensor) -> Tensor:
    """x - tanh(x), composed of tanh and sub as PyTorch's (its node is a SubBackward).
    dx = g tanh(x)²."""
    _check_tensors("tanhshrink", input)
    return input - input.tanh()


def softmin(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None
) -> Tensor:
    """softmax(-x) along ``dim``, composed of neg and softmax as PyTorch's; with ``dtype``,
    -x is cast to it first."""
    _check_tensors("softmin", input)
    dim = _softmax_dim("softmin", input, dim)
    neg = -input
    return ops.softmax(neg if dtype is None else neg.to(dtype), dim)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """a σ(b), a and b the two halves of x along ``dim``.
    da = g σ(b),   db = g a σ(b) (1 - σ(b))."""
    _check_tensors("glu", input)
    X = input.data
    if X.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    axis = ops._one_axis("glu", "dim", dim, X.ndim)
    if X.shape[axis] % 2:
        raise RuntimeError(
            f"Halving dimension must be even, but dimension {axis} is size {X.shape[axis]}"
        )
    X = _float_input("glu", input, "glu_cpu")
    A, B = np.split(X, 2, axis)
    sig = ops.expit(B)

    def vjp(g: np.ndarray) -> np.ndarray:
        return np.concatenate((g * sig, g * A * sig * (1 - sig)), axis)

    return _activation(A * sig, "Glu", input, vjp)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """x for x > 0, else w x, with w of one element, or one per channel (dim 1 of x).
    dx = g for x > 0, else w g (w g at 0);   dw = Σ x g over the x <= 0 of w's channel."""
    check_tensor("prelu", "input", input)
    check_tensor("prelu", "weight", weight)
    X, W = input.data, weight.data
    if X.dtype.kind != "f":
        raise NotImplementedError(
            f"\"prelu_cpu\" not implemented for '{dtypes.torch_name(X.dtype)}'"
        )
    if W.dtype != X.dtype:
        raise RuntimeError(f"prelu: Type promoting not supported. Got {dtypes.torch_name(X.dtype)} "
                           f"and {dtypes.torch_name(W.dtype)}")  # fmt: skip
    if W.size != 1:
        if X.ndim == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        channels = X.shape[1] if X.ndim > 1 else 1
        if W.size != channels:
            raise RuntimeError(
                "Mismatch of parameter numbers and input channel size. Found parameter "
                f"numbers = {W.size} and channel size = {channels}."
            )
    if W.ndim > 1:
        raise RuntimeError(
            f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {W.ndim}"
        )
    # one per channel: (C, 1, ...) against x (N, C, ...); one weight: a scalar
    Wb = W.reshape((-1,) + (1,) * (X.ndim - 2)) if W.size != 1 else W.reshape(())
    pos = X > 0
    out = np.where(pos, X, Wb * X)

    def vjp_weight(g: np.ndarray) -> np.ndarray:
        d = np.where(pos, 0, X * g)
        if W.size == 1:
            return d.sum().reshape(W.shape)
        return d.sum(tuple(i for i in range(X.ndim) if i != 1)).reshape(W.shape)

    vjps = (lambda g: np.where(pos, g, Wb * g), vjp_weight)
    return record(out, "PreluKernel", (input, weight), vjps, saved=(input, weight))


def gumbel_softmax(
    logits: Tensor, tau: float = 1, hard: bool = False, eps: float = 1e-10, dim: int = -1
) -> Tensor:
    """softmax((logits + g) / tau) along ``dim``, g drawn from Gumbel(0, 1) (-log of an
    Exponential(1) draw). With ``hard`` the one-hot vector of its argmax, y_hard - y.detach()
    + y: its value is one-hot, its gradient that of y (straight through). ``eps`` is
    deprecated and unused, as PyTorch's."""
    check_tensor("gumbel_softmax", "logits", logits)
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    gumbels = -zeros_like(logits).exponential_().log()
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft
