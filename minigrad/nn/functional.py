"""Functional forms of the layers and losses (``torch.nn.functional``, imported as ``F``).

``relu``, ``sigmoid`` and ``tanh`` are the engine's ops. The other activations, dropout,
the losses and the normalizations are ops of their own: each computes its value with
NumPy and records, right beside it, the VJP of the whole expression (see ``ops.py``), so
a loss is one graph node. Where PyTorch composes a function of other ops (``l1_loss``,
``kl_div``, ``softsign``, ``normalize``, ``cosine_similarity``), so does minigrad.
``cross_entropy``'s backward is the textbook (softmax - onehot) * g / N, finite for
logits of any size.

Loss shapes: ``input`` (N, C) or (N, C, d1, ...) or (C,) for the class losses, any
shape for the elementwise ones. In every loss docstring, g' is the upstream gradient
per element of the unreduced loss: g for 'none' and 'sum', g / N for 'mean'.
"""

from __future__ import annotations

import functools
import inspect
import math
import warnings
from typing import Any

import numpy as np

from .. import dtypes, functions, more_ops, ops
from .. import inplace as _inplace
from .. import random_kernels as _rk
from ..engine import next_seq, record
from ..errors import NotATensorError, OpError
from ..grad_mode import _mode, no_grad
from ..random import generator
from ..tensor import Tensor, check_bool, check_tensor
from .erf import erf

sigmoid = ops.sigmoid
tanh = ops.tanh
linear = ops.linear


def one_hot(input: Tensor, num_classes: int = -1) -> Tensor:
    """int64 indices of shape s -> (s..., num_classes), 1 at each index (no gradient);
    num_classes -1 means the largest index + 1."""
    check_tensor("one_hot", "input", input)
    T = input.data
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)):
        raise TypeError(
            f"one_hot(): argument 'num_classes' must be int, not {type(num_classes).__name__}"
        )
    if T.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if T.size == 0 and num_classes <= 0:
        raise RuntimeError(
            f"one_hot: Can not infer total number of classes from empty tensor (num_classes="
            f"{num_classes}, input of shape {T.shape})."
        )
    if num_classes == -1:
        num_classes = int(T.max()) + 1
    if T.size and T.min() < 0:
        raise RuntimeError(f"one_hot: Class values must be non-negative, got {T.min()}.")
    if T.size and T.max() >= num_classes:
        raise RuntimeError(
            f"one_hot: Class values must be smaller than num_classes ({num_classes}), "
            f"got {T.max()}."
        )
    return Tensor._new(ops._contiguous((T[..., None] == np.arange(num_classes)).astype(np.int64)))


def embedding(
    input: Tensor, weight: Tensor, padding_idx: int | None = None, max_norm: float | None = None,
    norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False,
) -> Tensor:  # fmt: skip
    """Rows of ``weight`` (num_embeddings, embedding_dim) picked by an int64/int32 index
    tensor of any shape: out = weight[input], of shape (*input.shape, embedding_dim).
    dweight = g's rows added into zeros at the indices (repeats accumulate), each divided
    by its index's count in ``input`` if ``scale_grad_by_freq``; the ``padding_idx`` row
    (negative counts from the end) gets none. With ``max_norm``, first each row that
    ``input`` picks whose ``norm_type``-norm exceeds it is scaled in place, unrecorded,
    to norm max_norm: row *= max_norm / (norm + 1e-7) (PyTorch's embedding_renorm_)."""
    check_tensor("embedding", "input", input)
    check_tensor("embedding", "weight", weight)
    I, W = input.data, weight.data
    if padding_idx is not None and W.ndim:  # checked first, as PyTorch's
        padding_index(padding_idx, W.shape[0])
    if I.dtype not in (np.int64, np.int32):
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar "
            f"types: Long, Int; but got {I.dtype} instead (while checking arguments for embedding)"
        )
    if W.ndim != 2:
        raise RuntimeError(f"embedding: 'weight' must be 2-D, got shape {W.shape}")
    n = W.shape[0]
    pad = padding_index(padding_idx, n)
    if sparse:
        raise NotImplementedError(
            "embedding: sparse=True (a sparse gradient for the weight) is not supported: "
            "minigrad has dense tensors only; use sparse=False"
        )
    if max_norm is not None:
        _embedding_renorm(weight, I, max_norm, norm_type)
    if I.size and (I.min() < 0 or I.max() >= n):
        bad = I[(I < 0) | (I >= n)].flat[0]
        if W.shape[1] == 0:  # PyTorch's empty-row kernel checks its indices itself
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} axis_dim={n}")
        raise IndexError(
            f"embedding: index out of range in self: index {bad} for a weight of {n} rows"
        )

    def vjp(g: np.ndarray) -> np.ndarray:
        if scale_grad_by_freq:
            counts = np.bincount(I.ravel(), minlength=n)
            g = g * (1.0 / counts[I]).astype(g.dtype)[..., None]
        dw = np.zeros(W.shape, g.dtype)
        ops._add_rows(dw, I.reshape(-1), g.reshape(I.size, *W.shape[1:]))  # repeats accumulate
        if pad is not None:
            dw[pad] = 0
        return dw

    return record(W[I], "Embedding", (weight,), (vjp,), saved=(input,))


def _embedding_renorm(weight: Tensor, I: np.ndarray, max_norm: float, norm_type: float) -> None:
    """Scale in place, unrecorded, the rows of ``weight`` that ``I`` picks whose norm
    exceeds ``max_norm``, in PyTorch's order: the distinct indices sorted, a negative one
    counting from the end (so a row named both ways is visited twice) until one is out
    of range, which raises. The weight's version moves once."""
    W = weight.data
    n = W.shape[0]
    rows = np.unique(I)
    bad = (rows < -n) | (rows >= n)
    valid = rows[: np.argmax(bad)] if bad.any() else rows
    for group in (valid[valid < 0] + n, valid[valid >= 0]):
        if not group.size:
            continue
        norms = ops.norm(Tensor._new(W[group]), norm_type, 1).data.astype(np.float64)
        big = norms > max_norm
        scale = max_norm / (norms[big] + 1e-7)
        W[group[big]] *= scale.astype(W.dtype)[:, None]
    if bad.any():  # the rows before it stay scaled, and the version stays, as PyTorch's
        k, shape = rows[np.argmax(bad)], list(W.shape)
        raise IndexError(
            f"select(): index {k} out of range for tensor of size {shape} at dimension 0"
        )
    weight._version[0] = next_seq()


def padding_index(padding_idx: int | None, n: int) -> int | None:
    """``padding_idx`` as a row of a table of ``n`` rows (-1 is the last), or None."""
    if padding_idx is None:
        return None
    if not -n <= padding_idx < n:
        raise AssertionError("Padding_idx must be within num_embeddings")
    return padding_idx % n


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(x, 0); with ``inplace`` it overwrites x (``x.relu_()``)."""
    check_tensor("relu", "input", input)
    return input.relu_() if inplace else ops.relu(input)


# ---- activations -------------------------------------------------------------------
# Each records PyTorch's node and computes its forward and VJP with PyTorch's formulas, in
# its order, so float64 results agree to the last bit or two. Narrower floats are computed
# in float64 and rounded once: NumPy's float32 exp, log1p and tanh are off by a few units
# in the last place, more than PyTorch's. ``inplace=True`` overwrites x, recorded as the
# op on x's old values (as ``relu_``).


def _float_input(name: str, input: Any, kernel: str) -> np.ndarray:
    """An activation's input as a float64 array: it must be a float Tensor (PyTorch has
    no integer kernel)."""
    return _float_array(name, input, kernel).astype(np.float64, copy=False)


def _float_array(name: str, input: Any, kernel: str) -> np.ndarray:
    """The array of a float Tensor in its own dtype (PyTorch has no integer kernel)."""
    check_tensor(name, "input", input)
    X = input.data
    if X.dtype.kind != "f":
        raise NotImplementedError(f"{name}: \"{kernel}\" not implemented for "
                                  f"'{dtypes.torch_name(X.dtype)}'")  # fmt: skip
    return X


def _activation(out: np.ndarray, name: str, input: Tensor, vjp: Any) -> Tensor:
    """Record an activation's float64 result in the input's dtype (the engine casts the
    VJP's result likewise)."""
    out = out.astype(input.data.dtype, copy=False)
    return record(out, name, (input,), (vjp,), saved=(input,))


def _in_place(
    op: Any, input: Tensor, *args: Any, backward_error: str | None = None, name: str = ""
) -> Tensor:
    """``op(input, *args)`` written into ``input`` (an activation's ``inplace=True``); with
    ``backward_error``, the recorded node raises it as its backward runs (PyTorch's in-place
    ELU and LeakyReLU with a negative slope, whose gradient it takes from the result)."""
    name = name or op.__name__ + "_"

    def write(a: np.ndarray, _: Any, out: np.ndarray) -> None:
        np.copyto(out, op(Tensor._new(a), *args).data)

    def recorded(old: Tensor, _: Any) -> Tensor:
        out = op(old, *args)
        if backward_error is not None and out.grad_fn is not None:

            def refuse(g: np.ndarray) -> np.ndarray:
                raise RuntimeError(backward_error)

            out.grad_fn.vjps = (refuse,)
        return out

    return _inplace._apply(input, name, write, None, recorded)


_NEGATIVE_SLOPE = (
    "In-place {} backward calculation is triggered with a negative slope which is not "
    "supported. This is caused by calling in-place forward function with a negative slope, "
    "please call out-of-place version instead."
)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x for x > 0, else s x (s = ``negative_slope``).   dx = g for x > 0, else s g (at 0 too)."""
    X = _float_input("leaky_relu", input, "leaky_relu_cpu")
    if inplace:
        error = (
            None
            if negative_slope >= 0
            else _NEGATIVE_SLOPE.format("leakyReLu")
            + (
                " File an issue at https://github.com/pytorch/pytorch if you do require supporting "
                "in-place leakRelu backward calculation with negative slope"
            )
        )
        return _in_place(leaky_relu, input, negative_slope, backward_error=error)
    pos = X > 0
    try:
        out = np.where(pos, X, X * negative_slope)
    except TypeError:  # NumPy's ufunc error for a slope that is not a number
        raise TypeError(
            "leaky_relu(): argument 'negative_slope' must be a number, "
            f"not {type(negative_slope).__name__}"
        ) from None
    vjp = lambda g: np.where(pos, g, g * negative_slope)  # noqa: E731
    return _activation(out, "LeakyRelu", input, vjp)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x for x > 0, else α (exp(x) - 1).   dx = g for x > 0, else α exp(x) g."""
    if inplace:
        error = None if alpha >= 0 else _NEGATIVE_SLOPE.format("elu")
        return _in_place(elu, input, alpha, backward_error=error)
    return _elu("elu", input, alpha, 1.0)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """λ x for x > 0, else λ α (exp(x) - 1), with PyTorch's constants α ≈ 1.6733, λ ≈ 1.0507
    (an ELU, as PyTorch records it).   dx = λ g for x > 0, else λ α exp(x) g."""
    if inplace:
        return _in_place(selu, input)
    return _elu("selu", input, _SELU_ALPHA, _SELU_SCALE)


@np.errstate(over="ignore")  # exp(x) of a large x > 0 is not used
def _elu(name: str, input: Tensor, alpha: float, scale: float) -> Tensor:
    X = _float_input(name, input, "elu_cpu")
    # ±0 gives ±0 (x λ), as PyTorch, also for α < 0; the gradient at 0 is α λ g, as PyTorch's
    out = np.where(X < 0, np.expm1(X) * (alpha * scale), X * scale)

    @np.errstate(over="ignore")
    def vjp(g: np.ndarray) -> np.ndarray:
        return np.where(X <= 0, g * (alpha * scale) * np.exp(X), g * scale)

    return _activation(out, "Elu", input, vjp)


_SQRT1_2 = math.sqrt(0.5)
_GELU_PDF = 1 / math.sqrt(2 * math.pi)
_GELU_BETA = math.sqrt(2 / math.pi)  # the tanh form's constants, PyTorch's
_GELU_KAPPA = 0.044715


# erf as PyTorch's vectorized GELU computes it in float32 (not as torch.erf does): Abramowitz
# and Stegun's 7.1.26, erf z = 1 - t (a1 + a2 t + ... + a5 t⁴) exp(-z²), t = 1 / (1 + p z)
# for z >= 0, to within 1.5e-7
_AS_P = 0.3275911
_AS_A = (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592)  # a5 .. a1
_GELU_BLOCK = 1 << 15  # elements per block: each step runs over a block in cache


@np.errstate(over="ignore", invalid="ignore")  # exp(-z²) underflows to 0; inf * 0 is NaN
def _gelu32(X: np.ndarray) -> tuple:
    """GELU of float32 x, and erf(x / √2), in float32 as PyTorch's vectorized kernel on
    the CPU computes them: erf by the approximation above (so it differs from torch.erf
    by up to 1.5e-7), and x/2 + x/2 erf as a fused multiply-add (which makes GELU of -0
    and of large negative x +0, not -0)."""
    out, erf = np.empty(X.shape, np.float32), np.empty(X.shape, np.float32)
    x_flat, out_flat, erf_flat = X.reshape(-1), out.reshape(-1), erf.reshape(-1)
    for i in range(0, x_flat.size, _GELU_BLOCK):
        block = slice(i, i + _GELU_BLOCK)
        x = x_flat[block]
        z = x * np.float32(_SQRT1_2)
        t = np.abs(z)
        t *= np.float32(_AS_P)
        t += 1
        np.reciprocal(t, out=t)
        r = t * np.float32(_AS_A[0])
        for a in _AS_A[1:-1]:
            r += np.float32(a)
            r *= t
        r += np.float32(_AS_A[-1])
        e = np.square(z)
        np.negative(e, out=e)
        e = np.exp(e, out=e)
        e *= t
        # fused multiply-adds, emulated in float64 (exact products, one rounding to float32
        # but for rare double roundings): where erf z is near ±1 the rounding shows
        q = np.multiply(e, r, dtype=np.float64)
        np.subtract(1, q, out=q)
        r[...] = q  # erf |z|
        np.copysign(r, z, out=erf_flat[block])
        half = x * np.float32(0.5)  # rounded to float32 (a subnormal x's last bit goes)
        np.multiply(half, erf_flat[block], out=q, dtype=np.float64)
        q += half
        out_flat[block] = q
    return out, erf


@np.errstate(over="ignore", invalid="ignore")  # x³ of a huge x is inf; tanh(inf) is 1
def gelu(input: Tensor, *, approximate: str = "none") -> Tensor:
    """x Φ(x), Φ the standard normal CDF: Φ(x) = (1 + erf(x / √2)) / 2, or with
    ``approximate='tanh'`` (1 + tanh(√(2/π) (x + 0.044715 x³))) / 2.
    dx = g (Φ(x) + x φ(x)), φ(x) = exp(-x²/2) / √(2π)  (for 'tanh', the derivative of its form).
    float16 and float32 compute in float32 with PyTorch's approximate erf (``_gelu32``),
    float64 with erf to within an ulp."""
    if not isinstance(approximate, str):
        raise TypeError(
            f"gelu(): argument 'approximate' must be str, not {type(approximate).__name__}"
        )
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"gelu: approximate argument must be either none or tanh, "
                           f"not {approximate!r}")  # fmt: skip
    if approximate == "none" and _float_array("gelu", input, "GeluKernelImpl").itemsize <= 4:
        X = input.data.astype(np.float32, copy=False)  # float16 too, rounded at the end
        single = X.size == 1  # PyTorch's kernel takes its scalar path: erf within an ulp
        if single:
            erf_z = erf(X * np.float32(_SQRT1_2)).astype(np.float32)
        else:
            out, erf_z = _gelu32(X)
        if single or input.data.dtype == np.float16:  # x/2 (1 + erf), no fused multiply-add
            out = (X * np.float32(0.5)) * (erf_z + np.float32(1))

        @np.errstate(over="ignore", invalid="ignore")  # inf * 0 is NaN at x = ±inf, as PyTorch
        def vjp(g: np.ndarray) -> np.ndarray:
            dx = np.empty(X.shape, np.float32)
            flat = X.reshape(-1), erf_z.reshape(-1), g.reshape(-1), dx.reshape(-1)
            for i in range(0, X.size, _GELU_BLOCK):
                x, erf_, g_, out = (a[i : i + _GELU_BLOCK] for a in flat)
                pdf = np.square(x)
                pdf *= np.float32(-0.5)
                pdf = np.exp(pdf, out=pdf)
                pdf *= np.float32(_GELU_PDF)
                pdf *= x
                if single:  # Φ + x φ
                    pdf += (erf_ + np.float32(1)) * np.float32(0.5)
                else:  # the vector kernel's order: (1/2 + x φ) + erf / 2
                    pdf += np.float32(0.5)
                    pdf += erf_ * np.float32(0.5)
                np.multiply(g_, pdf, out=out)
            return dx

        return _activation(out, "Gelu", input, vjp)
    X = _float_input("gelu", input, "GeluKernelImpl")
    if approximate == "none":
        cdf = erf(X * _SQRT1_2, single=False)  # 1 + erf x needs erf's last bits where x < 0
        cdf += 1
        cdf *= 0.5
        out = X * cdf

        def vjp(g: np.ndarray) -> np.ndarray:
            return g * (cdf + X * (np.exp(-0.5 * X * X) * _GELU_PDF))

    else:
        t = np.tanh(_GELU_BETA * (X + _GELU_KAPPA * (X * X * X)))
        out = 0.5 * X * (1 + t)

        @np.errstate(over="ignore", invalid="ignore")
        def vjp(g: np.ndarray) -> np.ndarray:
            slope = _GELU_BETA * (1 + 3 * _GELU_KAPPA * (X * X))
            return g * (0.5 * (1 + t) + 0.5 * X * (1 - t * t) * slope)

    return _activation(out, "Gelu", input, vjp)


@np.errstate(over="ignore")  # exp(-x) of x < -710 is inf: the result is -0, as PyTorch's
def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x σ(x), σ the sigmoid.   dx = g σ(x) (1 + x (1 - σ(x)))."""
    X = _float_input("silu", input, "silu_cpu")
    if inplace:
        return _in_place(silu, input)
    out = X / (1 + np.exp(-X))

    def vjp(g: np.ndarray) -> np.ndarray:
        s = ops.expit(X)
        return g * s * (1 + X * (1 - s))

    return _activation(out, "Silu", input, vjp)


@np.errstate(over="ignore")  # exp(βx) overflows only where x is returned as it is
def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(βx)) / β, and x itself where βx > ``threshold``.
    dx = g exp(βx) / (exp(βx) + 1), and g where βx > threshold."""
    X = _float_input("softplus", input, "softplus_cpu")
    try:
        bx = X * beta
        linear = bx > threshold
    except TypeError:  # NumPy's ufunc error for an argument that is not a number
        raise TypeError(
            f"softplus(): beta and threshold must be numbers, got {beta!r} and {threshold!r}"
        ) from None
    out = np.where(linear, X, np.log1p(np.exp(bx)) / beta)

    @np.errstate(over="ignore", invalid="ignore")
    def vjp(g: np.ndarray) -> np.ndarray:
        z = np.exp(bx)
        return np.where(linear, g, g * z / (z + 1))

    return _activation(out, "Softplus", input, vjp)


def logsigmoid(input: Tensor) -> Tensor:
    """log σ(x) = min(x, 0) - log(1 + exp(-|x|)), finite for every finite x.
    dx = g ([x < 0] - s z / (1 + z)),  z = exp(-|x|), s = 1 for x < 0 else -1  (= g σ(-x))."""
    X = _float_input("logsigmoid", input, "log_sigmoid_cpu")

    def vjp(g: np.ndarray) -> np.ndarray:
        neg = X < 0
        z = np.exp(-np.abs(X))
        return g * (neg - np.where(neg, 1, -1) * (z / (1 + z)))

    return _activation(_log_sigmoid(X), "LogSigmoid", input, vjp)


def hardtanh(
    input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False
) -> Tensor:
    """x clamped to [min_val, max_val].   dx = g strictly inside, 0 at and beyond the bounds."""
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val cannot be greater than max_val (got {min_val} > "
                         f"{max_val})")  # fmt: skip
    return _hardtanh(input, min_val, max_val, inplace)


def _hardtanh(input: Tensor, min_val: float, max_val: float, inplace: bool = False) -> Tensor:
    """hardtanh without its check of the bounds (PyTorch's ``hardtanh_`` has none: with
    min_val > max_val every element is max_val)."""
    check_tensor("hardtanh", "input", input)
    X = input.data
    if X.dtype.kind == "b":
        raise RuntimeError("hardtanh: Bool inputs not supported for hardtanh")
    ops._refuse("hardtanh", X, "c", NotImplementedError)  # a clamp
    if X.dtype.kind == "u" and (min_val < 0 or max_val < 0):
        raise RuntimeError(f"hardtanh: cannot do hardtanh on an unsigned type with negative "
                           f"limits ({min_val}, {max_val})")  # fmt: skip
    for v in (min_val, max_val):  # PyTorch's checks of its numbers (NaN for integers, ...)
        dtypes.check_fits(v, X.dtype)
    if inplace:
        return _in_place(_hardtanh, input, min_val, max_val, name="hardtanh_")
    out = ops.clip_array(X, min_val, max_val).astype(X.dtype, copy=False)

    def vjp(g: np.ndarray) -> np.ndarray:
        return np.where((X <= min_val) | (X >= max_val), 0, g)

    return record(out, "Hardtanh", (input,), (vjp,), saved=(input,))


def relu_(input: Tensor) -> Tensor:
    """In-place relu: ``relu(input, inplace=True)``."""
    check_tensor("relu_", "input", input)
    return input.relu_()


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """In-place elu: ``elu(input, alpha, inplace=True)``."""
    check_tensor("elu_", "input", input)
    return elu(input, alpha, inplace=True)


def selu_(input: Tensor) -> Tensor:
    """In-place selu: ``selu(input, inplace=True)``."""
    check_tensor("selu_", "input", input)
    return selu(input, inplace=True)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """In-place leaky_relu: ``leaky_relu(input, negative_slope, inplace=True)``."""
    check_tensor("leaky_relu_", "input", input)
    return leaky_relu(input, negative_slope, inplace=True)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """In-place hardtanh, without hardtanh's check that min_val <= max_val (as PyTorch)."""
    check_tensor("hardtanh_", "input", input)
    return _hardtanh(input, min_val, max_val, inplace=True)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(x, 0), 6): ``hardtanh(x, 0, 6)``, as PyTorch records it."""
    return hardtanh(input, 0.0, 6.0, inplace)


@np.errstate(over="ignore")  # exp(x) is inf only where tanh(log1p(inf)) = 1 is right
def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x tanh(softplus(x)).   dx = g (t + x σ(x) (1 - t²)),  t = tanh(softplus(x))."""
    X = _float_input("mish", input, "mish_cpu")
    if inplace:
        return _in_place(mish, input)
    t = np.tanh(np.log1p(np.exp(X)))

    def vjp(g: np.ndarray) -> np.ndarray:
        return g * (t + X * ops.expit(X) * (1 - t * t))

    return _activation(X * t, "Mish", input, vjp)


def softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|), composed of abs, add and div as PyTorch's (its node is a DivBackward)."""
    _check_tensors("softsign", input)
    return input / (input.abs() + 1)


def softmax(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None
) -> Tensor:
    """exp(x) / Σ exp(x) along ``dim``, of x cast to ``dtype`` first if given."""
    _check_tensors("softmax", input)
    return ops.softmax(input, _softmax_dim("softmax", input, dim), dtype)


def log_softmax(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None
) -> Tensor:
    """x - log Σ exp(x) along ``dim``, of x cast to ``dtype`` first if given."""
    _check_tensors("log_softmax", input)
    return ops.log_softmax(input, _softmax_dim("log_softmax", input, dim), dtype)


def _softmax_dim(name: str, input: Tensor, dim: int | None) -> int:
    """``dim``, or PyTorch's deprecated implicit choice when it is None."""
    if dim is not None:
        return dim
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. "
        "Change the call to include dim=X as an argument.",
        stacklevel=3,
    )
    return 0 if input.ndim in (0, 1, 3) else 1


def scaled_dot_product_attention(
    query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None = None,
    dropout_p: float = 0.0, is_causal: bool = False, scale: float | None = None,
    enable_gqa: bool = False,
) -> Tensor:  # fmt: skip
    """softmax(Q Kᵀ · scale + B) V, scale = 1/√E by default, for Q (..., L, E), K (..., S, E),
    V (..., S, Ev): out (..., L, Ev). B is 0, or -inf where a bool ``attn_mask`` is False
    (or above the diagonal with ``is_causal``), or a float ``attn_mask`` added as it is.
    A query whose scores are all -inf attends to nothing: its weights and output are 0.
    With ``enable_gqa``, K and V's heads (dim -3) repeat to Q's. Composed of matmul, mul,
    add or masked_fill, softmax and dropout, so the gradient flows through those nodes
    (PyTorch's CPU kernel is one node)."""
    for name, t in (("query", query), ("key", key), ("value", value)):
        check_tensor("scaled_dot_product_attention", name, t)
    if query.ndim < 2 or key.ndim < 2 or value.ndim < 2:
        raise RuntimeError(
            f"scaled_dot_product_attention: query, key and value need at least 2 dims, got "
            f"{query.shape}, {key.shape} and {value.shape}"
        )
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise RuntimeError(
            f"scaled_dot_product_attention: query {query.shape}, key {key.shape} and value "
            f"{value.shape} do not fit (query and key share E, key and value share S)"
        )
    if is_causal and attn_mask is not None:
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set "
                           "when is_causal=True")  # fmt: skip
    if enable_gqa and query.ndim >= 3 and key.shape[-3] != query.shape[-3]:
        key = key.repeat_interleave(query.shape[-3] // key.shape[-3], -3)
        value = value.repeat_interleave(query.shape[-3] // value.shape[-3], -3)
    E = query.shape[-1]
    factor = scale if scale is not None else 1 / math.sqrt(E) if E else 1.0  # E = 0: scores 0
    scores = ops.matmul(query, key.transpose(-2, -1)) * factor
    L, S = query.shape[-2], key.shape[-2]
    if is_causal:
        attn_mask = Tensor._new(np.tril(np.ones((L, S), bool)))
    if attn_mask is not None:
        check_tensor("scaled_dot_product_attention", "attn_mask", attn_mask)
        if attn_mask.dtype not in (np.bool_, np.float32, query.dtype):
            raise RuntimeError(
                f"scaled_dot_product_attention: expected attn_mask dtype to be bool or float or "
                f"to match query dtype, but got attn_mask.dtype: {attn_mask.dtype} and "
                f"query.dtype: {query.dtype}"
            )
        if attn_mask.data.dtype == np.bool_:
            scores = scores.masked_fill(attn_mask.logical_not(), -math.inf)
        else:
            scores = scores + attn_mask
    weights = _safe_softmax(scores)
    if dropout_p > 0:
        weights = dropout(weights, dropout_p)
    return ops.matmul(weights, value)


def _safe_softmax(scores: Tensor) -> Tensor:
    """softmax along the last dim, but 0 on a row that is all -inf (PyTorch's _safe_softmax,
    which attention uses: a fully masked query gets no weights, rather than 0/0 = NaN). The
    row's scores are replaced by 0 before the softmax, so its gradient is 0 too."""
    S = scores.data
    # a row all -inf needs a -inf score: one flat min (fast, unlike a per-row pass) rules
    # that out on most calls (np.min is NaN if a score is: then the rows are checked too)
    if S.size and not np.min(S) > -np.inf:
        dead = np.all(S == -np.inf, axis=-1, keepdims=True)
        if dead.any():
            dead = Tensor._new(dead)
            return ops.softmax(scores.masked_fill(dead, 0.0), -1).masked_fill(dead, 0.0)
    return ops.softmax(scores, -1)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Inverted dropout: zero each element with probability p, scale the rest by 1 / (1 - p).

    dx = g * mask / (1 - p). The identity when not training, so the expected value
    of every element is the same in both modes. ``inplace`` overwrites x (``x.mul_(mask)``).
    """
    if isinstance(p, Tensor):  # a 0-d tensor, as PyTorch takes it
        p = p.item()
    try:
        if p < 0 or p > 1:
            raise ValueError(f"dropout: probability has to be between 0 and 1, but got {p}")
    except TypeError:  # not a number
        raise TypeError(
            f"dropout(): argument 'p' must be a number, not {type(p).__name__}"
        ) from None
    if p != p:  # NaN: PyTorch's Python check lets it through, its kernel raises
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {p}")
    check_tensor("dropout", "input", input)
    check_bool("dropout", "train", training)
    if not training or p == 0:
        return input
    X = input.data
    if p == 1:  # x times a zero of its dtype, as PyTorch (of any dtype)
        mask = np.zeros(X.shape, X.dtype)
    elif X.dtype.kind not in "fc":
        raise RuntimeError(
            f"dropout: result type Float can't be cast to the desired output type {X.dtype}"
        )
    else:
        if X.size:  # PyTorch draws no Bernoulli noise in a complex dtype (none for no elements)
            ops._refuse("dropout", X, "c", NotImplementedError)
        mask = _rk.dropout_noise(generator(), X, p)
    if inplace:
        return input.mul_(mask)
    return record(X * mask, "Dropout", (input,), (lambda g: g * mask,))


# ---- losses ------------------------------------------------------------------------


def _reduce(name: str, loss: np.ndarray, reduction: str, count: Any = None) -> tuple:
    """Reduce an elementwise loss; also return g -> g', the gradient of each element.

    'mean' divides by ``count`` (the number of elements unless given). g' has the
    loss's shape for 'none' and is 0-d otherwise (NumPy broadcasts it).
    """
    if reduction == "none":
        return loss, ops.identity
    if reduction == "sum":
        return np.asarray(np.add.reduce(loss, None), loss.dtype), ops.identity
    if reduction != "mean":
        raise ValueError(f"{name}: {reduction} is not a valid value for reduction")
    n = loss.size if count is None else count
    if n == 0:  # nothing counts (targets all ignored, or of weight 0): 0 / 0, as PyTorch
        return np.asarray(np.nan, loss.dtype), _nan_like
    return np.asarray(np.add.reduce(loss, None) / n, loss.dtype), lambda g: g / n


def _nan_like(g: np.ndarray) -> np.ndarray:
    """g / 0 for the mean of nothing, NaN whatever g (a sample counted with weight 0 gets
    0 * (g / 0); the losses give the ignored samples 0)."""
    return np.full_like(g, np.nan)


def _weight(name: str, arg: str, weight: Any, shape: tuple, dtype: np.dtype) -> Any:
    """The array of an optional per-element weight, which must broadcast to ``shape``,
    in the loss's ``dtype`` (PyTorch computes the loss in it)."""
    _no_grad_weight(name, arg, weight)
    W = _array(name, arg, weight)
    if W is not None and W.dtype != dtype:
        W = W.astype(dtype)
    if W is not None and np.shape(W) != shape:
        try:
            fits = np.broadcast_shapes(np.shape(W), shape) == shape
        except ValueError:
            fits = False
        if not fits:
            raise OpError(
                f"{name}: {arg} of shape {np.shape(W)} cannot be broadcast to the input's "
                f"shape {shape}"
            )
    return W


def _no_grad_weight(name: str, arg: str, weight: Any) -> None:
    """PyTorch's loss kernels give their weights no gradient: it refuses one that asks."""
    if isinstance(weight, Tensor) and weight._requires_grad and _mode.enabled:
        raise RuntimeError(
            f"The function '{name}' is not differentiable with respect to argument '{arg}'. "
            "This input cannot have requires_grad True."
        )


def _array(name: str, arg: str, x: Any) -> Any:
    """The array of an optional weight (None stays None), which must be a Tensor, as
    PyTorch's losses require (a list, an array or a number is refused)."""
    if x is None:
        return None
    if not isinstance(x, Tensor):
        raise NotATensorError(f"{name}(): argument '{arg}' must be Tensor, not {type(x).__name__}")
    return x.data


_INDEX_DTYPES = (np.dtype(np.int64), np.dtype(np.uint8))  # PyTorch's Long and Byte targets


def _check_tensors(name: str, *tensors: Any) -> None:
    """PyTorch's error for an argument that is not a Tensor: NotATensorError, both the
    TypeError of its class losses and the AttributeError of the ops where it calls a
    method of the argument (``target.size()``, ``input.softmax(dim)``)."""
    for arg, t in zip(("input", "target"), tensors):
        if not isinstance(t, Tensor):
            raise NotATensorError(
                f"{name}(): argument '{arg}' must be Tensor, not {type(t).__name__}"
            )


def _same_size(name: str, X: np.ndarray, Y: np.ndarray) -> None:
    if X.shape != Y.shape:
        raise ValueError(
            f"{name}: Using a target size ({Y.shape}) that is different to the input size "
            f"({X.shape}) is not supported. Please ensure they have the same size."
        )


def _check_probabilities(name: str, P: np.ndarray) -> None:
    """PyTorch's check that BCE's input and target are in [0, 1] (NaN is not)."""
    if P.size and not (np.minimum.reduce(P, None) >= 0 and np.maximum.reduce(P, None) <= 1):
        _refuse_integers("binary_cross_entropy", P)
        raise RuntimeError(
            f"binary_cross_entropy: all elements of {name} should be between 0 and 1 "
            f"(of shape {P.shape}, from {np.min(P)} to {np.max(P)})"
        )


def _refuse_integers(name: str, X: np.ndarray) -> None:
    """PyTorch has no kernel of the float losses for integer or bool tensors."""
    if X.dtype.kind in "biu":
        raise NotImplementedError(
            f"{name}: \"{name}\" not implemented for '{dtypes.torch_name(X.dtype)}'"
        )


def _legacy_reduction(size_average: bool | None, reduce: bool | None) -> str:
    """PyTorch's deprecated ``size_average``/``reduce`` flags as a ``reduction`` (with its
    warning): both true (or None) is 'mean', reduce alone 'sum', no reduce 'none'."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    reduction = "mean" if size_average and reduce else "sum" if reduce else "none"
    warnings.warn(
        "size_average and reduce args will be deprecated, please use "
        f"reduction='{reduction}' instead.",
        UserWarning,
        stacklevel=3,
    )
    return reduction


def _reduction(name: str, size_average: bool | None, reduce: bool | None, reduction: str) -> str:
    """The reduction the deprecated flags name, or ``reduction`` checked as PyTorch's
    ``_Reduction.get_enum`` does before its kernel runs (ValueError), its deprecated
    'elementwise_mean' read as 'mean' with a warning."""
    if size_average is not None or reduce is not None:
        return _legacy_reduction(size_average, reduce)
    if reduction in ("mean", "sum", "none"):
        return reduction
    if reduction == "elementwise_mean":
        warnings.warn(
            "reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.",
            stacklevel=3,
        )
        return "mean"
    raise ValueError(f"{name}: {reduction} is not a valid value for reduction")


def _warn_if_broadcast(X: np.ndarray, Y: np.ndarray) -> None:
    """PyTorch's warning for an elementwise loss whose target has another shape."""
    if X.shape != Y.shape:
        warnings.warn(
            f"Using a target size ({Y.shape}) that is different to the input size ({X.shape}). "
            "This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.",
            stacklevel=3,
        )


def mse_loss(
    input: Tensor, target: Any, size_average: bool | None = None, reduce: bool | None = None,
    reduction: str = "mean", weight: Tensor | None = None,
) -> Tensor:  # fmt: skip
    """(x - y)² (times ``weight``, whose 'mean' is Σ w (x - y)² / Σ w, composed of ops as
    PyTorch's).   dx = 2 (x - y) g',   dy = -2 (x - y) g'."""
    _check_tensors("mse_loss", input, target)
    X, Y = input.data, target.data
    _warn_if_broadcast(X, Y)
    if weight is not None:
        if size_average is not None or reduce is not None:
            reduction = _legacy_reduction(size_average, reduce)
        loss = ops.sub(*_broadcast("mse_loss", input, target)) ** 2
        return _weighted_reduced("mse_loss", _weighted("mse_loss", loss, weight, input), weight,
                                 reduction)  # fmt: skip
    if X.dtype.kind != "f":
        if Y.dtype.kind != "f":
            raise NotImplementedError(
                f"mse_loss: \"mse_cpu\" not implemented for '{dtypes.torch_name(X.dtype)}'"
            )
        X = X.astype(Y.dtype)  # an int or bool input counts in the target's dtype (PyTorch's)
    elif Y.dtype.kind != "f":
        Y = Y.astype(X.dtype)  # an int or bool target counts in the input's dtype (PyTorch's)
    try:
        diff = X - Y
    except ValueError:
        raise OpError(
            f"mse_loss: the size of input {X.shape} and of target {Y.shape} cannot be broadcast"
        ) from None
    reduction = _reduction("mse_loss", size_average, reduce, reduction)
    out, per_element = _reduce("mse_loss", diff * diff, reduction)

    def vjp_input(g: np.ndarray) -> np.ndarray:
        return 2 * diff * per_element(g)

    # saved only for the version check: PyTorch saves both, so changing either raises
    return record(out, "MseLoss", (input, target), (vjp_input, lambda g: -vjp_input(g)),
                  saved=(input, target))  # fmt: skip


def _reduced(name: str, loss: Tensor, reduction: str) -> Tensor:
    """A loss composed of ops, reduced with ops as PyTorch's composite losses are."""
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return loss.mean()
    raise ValueError(f"{name}: {reduction} is not a valid value for reduction")


def _weighted_reduced(name: str, loss: Tensor, weight: Tensor, reduction: str) -> Tensor:
    """A weighted loss reduced as PyTorch's: its 'mean' is Σ w loss / Σ w."""
    if reduction == "mean":
        return loss.sum() / weight.sum()
    if reduction in ("sum", "none"):
        return _reduced(name, loss, reduction)
    raise ValueError(f"{name}: Invalid reduction mode: {reduction}. Expected one of 'none', "
                     "'mean', 'sum'.")  # fmt: skip


def _weighted(name: str, loss: Tensor, weight: Tensor, input: Tensor) -> Tensor:
    """An elementwise loss times its ``weight``, which must be a Tensor of the input's shape
    (PyTorch reads ``weight.size()``: anything else is its AttributeError)."""
    if not isinstance(weight, Tensor):
        raise NotATensorError(
            f"{name}(): argument 'weight' must be Tensor, not {type(weight).__name__}"
        )
    if weight.shape != input.shape:
        raise ValueError(f"{name}: Weights and input must have the same size (got weight of shape "
                         f"{weight.shape} for input of shape {input.shape}).")  # fmt: skip
    return loss * weight


def l1_loss(
    input: Tensor, target: Any, size_average: bool | None = None, reduce: bool | None = None,
    reduction: str = "mean", weight: Tensor | None = None,
) -> Tensor:  # fmt: skip
    """|x - y| (times ``weight``, whose 'mean' is Σ w |x - y| / Σ w), composed of sub, abs
    and mean or sum as PyTorch's (so its nodes are theirs).
    dx = sign(x - y) g'  (0 where x = y),   dy = -dx."""
    _check_tensors("l1_loss", input, target)
    _warn_if_broadcast(input.data, target.data)
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    expanded = _broadcast("l1_loss", input, target)
    if weight is None:
        reduction = _reduction("l1_loss", None, None, reduction)  # before the kernel, as PyTorch
        return _reduced("l1_loss", ops.abs(ops.sub(*expanded)), reduction)
    loss = _weighted("l1_loss", ops.abs(ops.sub(*expanded)), weight, input)
    return _weighted_reduced("l1_loss", loss, weight, reduction)


def _broadcast(name: str, input: Tensor, target: Tensor) -> tuple:
    """input and target expanded to their common shape, as PyTorch's elementwise losses
    and cosine_similarity do first (``torch.broadcast_tensors``): so a 0-d operand
    promotes as a dimensioned one, and a broadcast operand's gradient is cast to its dtype
    before it is summed."""
    X, Y = input.data, target.data
    if X.shape == Y.shape:
        return input, target
    try:
        shape = np.broadcast_shapes(X.shape, Y.shape)
    except ValueError:
        raise OpError(
            f"{name}: the size of input {X.shape} and of target {Y.shape} cannot be broadcast"
        ) from None
    return tuple(t if t.shape == shape else ops.expand(t, shape) for t in (input, target))


def _difference(name: str, kernel: str, input: Tensor, target: Tensor) -> np.ndarray:
    """x - y of operands of one shape, in PyTorch's promoted dtype, a float one."""
    X, Y = input.data, target.data
    dt = dtypes.result_dtype(np.result_type(X, Y), (X, Y))
    if dt.kind != "f":
        raise NotImplementedError(
            f"{name}: \"{kernel}\" not implemented for '{dtypes.torch_name(dt)}'"
        )
    return np.subtract(X, Y, dtype=dt)


def _fused_loss(
    name: str, out: np.ndarray, slope: Any, D: np.ndarray, per_element: Any, input: Tensor,
    target: Tensor, one_dtype: bool = False,
) -> Tensor:  # fmt: skip
    """Record a loss of d = x - y as one node, given its derivative ``slope(d)``:
    dx = slope(d) g',   dy = slope(y - x) g'  (as PyTorch: 0, not -0, where x = y).
    ``one_dtype``: the backward raises, as PyTorch's kernel, if x and y differ in dtype."""
    vjps = (lambda g: slope(D) * per_element(g), lambda g: slope(0 - D) * per_element(g))
    X, Y = input.data, target.data
    if one_dtype and X.dtype != Y.dtype:
        vjps = (_refuse_dtype(Y.dtype, X.dtype), _refuse_dtype(X.dtype, Y.dtype))
    return record(out, name, (input, target), vjps, saved=(input, target))


def _refuse_dtype(found: np.dtype, expected: np.dtype) -> Any:
    """A VJP that raises PyTorch's error for an operand of another dtype."""

    def vjp(g: np.ndarray) -> np.ndarray:
        raise RuntimeError(
            f"Found dtype {dtypes.torch_name(found)} but expected {dtypes.torch_name(expected)}"
        )

    return vjp


def smooth_l1_loss(
    input: Tensor, target: Any, size_average: bool | None = None, reduce: bool | None = None,
    reduction: str = "mean", beta: float = 1.0,
) -> Tensor:  # fmt: skip
    """0.5 d² / β where |d| < β, else |d| - 0.5 β, for d = x - y (``l1_loss`` for β = 0).
    dx = clip(d / β, -1, 1) g',   dy = -dx."""
    _check_tensors("smooth_l1_loss", input, target)
    _warn_if_broadcast(input.data, target.data)
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    input, target = _broadcast("smooth_l1_loss", input, target)
    reduction = _reduction("smooth_l1_loss", None, None, reduction)
    if beta == 0:
        return l1_loss(input, target, reduction=reduction)
    if beta < 0:
        raise RuntimeError(
            f"smooth_l1_loss does not support negative values for beta (got {beta})."
        )
    D = _difference("smooth_l1_loss", "smooth_l1_cpu", input, target)
    A = np.abs(D)
    out, per_element = _reduce(
        "smooth_l1_loss", np.where(A < beta, 0.5 * D * D / beta, A - 0.5 * beta), reduction
    )
    slope = lambda d: np.clip(d / beta, -1, 1)  # noqa: E731
    return _fused_loss("SmoothL1Loss", out, slope, D, per_element, input, target)


def huber_loss(
    input: Tensor, target: Any, reduction: str = "mean", delta: float = 1.0,
    weight: Tensor | None = None,
) -> Tensor:  # fmt: skip
    """0.5 d² where |d| < δ, else δ (|d| - 0.5 δ), for d = x - y, computed in the promoted
    dtype and stored in the input's (times ``weight``, with the reduction composed of ops
    as PyTorch's). As PyTorch's, the backward refuses an input and target of two dtypes.
    dx = clip(d, -δ, δ) g',   dy = -dx."""
    _check_tensors("huber_loss", input, target)
    X, Y = input.data, target.data
    _warn_if_broadcast(X, Y)
    if weight is not None:
        loss = huber_loss(input, target, "none", delta)
        return _reduced("huber_loss", _weighted("huber_loss", loss, weight, input), reduction)
    input, target = _broadcast("huber_loss", input, target)
    reduction = _reduction("huber_loss", None, None, reduction)
    if delta <= 0:
        raise RuntimeError(
            f"huber_loss does not support non-positive values for delta (got {delta})."
        )
    X, Y = input.data, target.data
    dt = dtypes.result_dtype(np.result_type(X, Y), (X, Y))
    if dt.kind != X.dtype.kind and X.dtype.kind != "f":
        raise RuntimeError(f"huber_loss: result type {dtypes.torch_name(dt)} can't be cast to the "
                           f"desired output type {dtypes.torch_name(X.dtype)}")  # fmt: skip
    D = _difference("huber_loss", "huber_cpu", input, target)
    A = np.abs(D)
    loss = np.where(A < delta, 0.5 * D * D, delta * (A - 0.5 * delta))
    out, per_element = _reduce("huber_loss", loss.astype(X.dtype, copy=False), reduction)
    slope = lambda d: np.clip(d, -delta, delta)  # noqa: E731
    return _fused_loss("HuberLoss", out, slope, D, per_element, input, target, True)


def kl_div(
    input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,
    reduction: str = "mean", log_target: bool = False,
) -> Tensor:  # fmt: skip
    """KL(target ‖ exp(input)) per element, for log-probabilities x and probabilities y:
    y log y - y x  (0 where y = 0), or exp(y) (y - x) for log-probabilities y (``log_target``).
    Composed of ops as PyTorch's. 'batchmean' divides the sum by the batch size x.shape[0];
    'mean' (by the number of elements) warns, as PyTorch.
    dx = -y g',   dy = (log y + 1 - x) g'  (with ``log_target``: dx = -exp(y) g',
    dy = exp(y) (y - x + 1) g')."""
    check_tensor("kl_div", "input", input)
    check_tensor("kl_div", "target", target)
    check_bool("kl_div", "log_target", log_target)
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    else:
        if reduction == "mean":
            warnings.warn(
                "reduction: 'mean' divides the total loss by both the batch size and the support "
                "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
                "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
                "major release.",
                stacklevel=2,
            )
        if reduction != "batchmean":
            reduction = _reduction("kl_div", None, None, reduction)
    if input.data.dtype.kind != "f" or target.data.dtype.kind != "f":
        raise RuntimeError(
            f"kl_div: Integral inputs not supported (input {input.dtype}, target {target.dtype})."
        )
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = _xlogx(target) - target * input
    if reduction != "batchmean":
        return _reduced("kl_div", loss, reduction)
    return loss.sum() / input.shape[0] if input.ndim else loss.sum()


def _xlogx(y: Tensor) -> Tensor:
    """y log y, 0 at y = 0: PyTorch's xlogy(y, y), a node with y as both of its inputs."""
    return more_ops.xlogy(y, y)


_BCE_EPS = float(np.float32(1e-12))  # PyTorch's clamp of x (1 - x), a float constant


def binary_cross_entropy(
    input: Tensor, target: Any, weight: Any = None, size_average: bool | None = None,
    reduce: bool | None = None, reduction: str = "mean",
) -> Tensor:  # fmt: skip
    """-w [y log x + (1 - y) log(1 - x)] for probabilities x, each log clamped at -100.

    The clamp (PyTorch's) keeps x = 0 and x = 1 finite.
    dx = w (x - y) / max(x (1 - x), 1e-12) g',   dy = -w logit(x) g'  (unclamped, as PyTorch).
    """
    reduction = _reduction("binary_cross_entropy", size_average, reduce, reduction)
    _check_tensors("binary_cross_entropy", input, target)
    X, Y = input.data, target.data
    _same_size("binary_cross_entropy", X, Y)
    if Y.dtype != X.dtype:
        raise RuntimeError(
            f"binary_cross_entropy: Found dtype {dtypes.torch_name(Y.dtype)} but expected "
            f"{dtypes.torch_name(X.dtype)}"
        )
    _check_probabilities("target", Y)
    W = _weight("binary_cross_entropy", "weight", weight, X.shape, X.dtype)
    try:
        log_x, log_1mx = _clamped_logs(X)
    except TypeError:  # an integer or bool input, which only PyTorch's dtype check refuses
        _refuse_integers("binary_cross_entropy", X)
        raise
    loss = (Y - 1) * log_1mx - Y * log_x  # in PyTorch's order: exact where y = 1, x ≈ 1
    out, per_element = _reduce("binary_cross_entropy", loss if W is None else W * loss, reduction)
    if math.isnan(out if out.ndim == 0 else np.add.reduce(out, None)):
        _check_probabilities("input", X)  # an input outside [0, 1] (or NaN) made a log NaN

    def vjp_input(g: np.ndarray) -> np.ndarray:
        d = (X - Y) / np.maximum(X * (1 - X), _BCE_EPS)
        return (d if W is None else W * d) * per_element(g)

    def vjp_target(g: np.ndarray) -> np.ndarray:
        d = _neg_logit(X)
        return (d if W is None else W * d) * per_element(g)

    saved = (input, target) if W is None else ops._tensors(input, target, weight)
    return record(out, "BinaryCrossEntropy", (input, target), (vjp_input, vjp_target), saved=saved)


@np.errstate(divide="ignore", invalid="ignore")  # log 0 = -inf, clamped
def _clamped_logs(X: np.ndarray) -> tuple:
    """max(log x, -100) and max(log(1 - x), -100), as PyTorch's BCE. An integer or bool
    x raises TypeError (casting 'no': NumPy would take the log of an int in float64)."""
    return np.maximum(np.log(X, casting="no"), -100), np.maximum(np.log1p(-X), -100)


@np.errstate(divide="ignore", invalid="ignore")  # ±inf at 0 and 1
def _neg_logit(X: np.ndarray) -> np.ndarray:
    """-log(x / (1 - x)) = log(1 - x) - log x."""
    return np.log1p(-X) - np.log(X)


@np.errstate(invalid="ignore")  # inf - inf = NaN at x = -inf, as PyTorch, without a warning
def _logits_loss(X: np.ndarray, Y: np.ndarray, q: Any, log_sig: np.ndarray) -> np.ndarray:
    return (1 - Y) * X - q * log_sig


def _log_sigmoid(X: np.ndarray) -> np.ndarray:
    """log sigmoid(x) = min(x, 0) - log(1 + exp(-|x|)), finite for every finite x."""
    return np.minimum(X, 0) - np.log1p(np.exp(-np.abs(X)))


def binary_cross_entropy_with_logits(
    input: Tensor, target: Any, weight: Any = None, size_average: bool | None = None,
    reduce: bool | None = None, reduction: str = "mean", pos_weight: Any = None,
) -> Tensor:  # fmt: skip
    """BCE of sigmoid(x) from the logits x, in PyTorch's stable form
    (1 - y) x - q log sigmoid(x),  with q = 1 + (p - 1) y for ``pos_weight`` p (per class,
    the last dimension; p = 1 without it: the positive term counts p times).
    dx = w (q sigmoid(x) - p y) g',   dy = w (log sigmoid(-x) - p log sigmoid(x)) g'.
    """
    reduction = _reduction("binary_cross_entropy_with_logits", size_average, reduce, reduction)
    _check_tensors("binary_cross_entropy_with_logits", input, target)
    X, Y = input.data, target.data
    _same_size("binary_cross_entropy_with_logits", X, Y)
    if X.dtype.kind != "f":
        raise NotImplementedError(
            f'binary_cross_entropy_with_logits: "log_sigmoid" not implemented for {X.dtype}'
        )
    if Y.dtype.kind != "f":
        raise RuntimeError(
            f"binary_cross_entropy_with_logits: result type {dtypes.torch_name(X.dtype)} can't be "
            f"cast to the desired output type {dtypes.torch_name(Y.dtype)}"
        )
    name = "binary_cross_entropy_with_logits"
    W = 1 if weight is None else _weight(name, "weight", weight, X.shape, Y.dtype)
    P = _weight(name, "pos_weight", pos_weight, X.shape, Y.dtype)
    log_sig = _log_sigmoid(X)
    q = 1 if P is None else (P - 1) * Y + 1
    loss = W * _logits_loss(X, Y, q, log_sig)  # in the target's dtype, as PyTorch's
    out, per_element = _reduce(
        "binary_cross_entropy_with_logits", loss.astype(Y.dtype, copy=False), reduction
    )

    def vjp_input(g: np.ndarray) -> np.ndarray:
        s = ops.expit(X)
        d = s - Y if P is None else q * s - P * Y
        return W * d * per_element(g)

    def vjp_target(g: np.ndarray) -> np.ndarray:
        d = -X if P is None else _log_sigmoid(-X) - P * log_sig
        return W * d * per_element(g)

    return record(
        out, "BinaryCrossEntropyWithLogits", (input, target), (vjp_input, vjp_target),
        saved=ops._tensors(input, target, weight, pos_weight),
    )  # fmt: skip


def _class_axis(name: str, X: np.ndarray) -> int:
    if X.ndim == 0:
        raise OpError(
            f"{name}: the input must have at least 1 dimension (the classes), got a 0-d tensor"
        )
    return 0 if X.ndim == 1 else 1


def _index_targets(
    name: str, X: np.ndarray, target: Tensor, weight: Any, ignore_index: int, axis: int,
    reduction: str,
) -> tuple:  # fmt: skip
    """Check class-index targets; return (index, keep, w_y, w).

    ``index`` is the target class (0 where ignored), ``keep`` marks the samples not
    ignored, ``w_y`` the weight of each sample's class (0 where ignored) and ``w``
    the class weights shaped to broadcast along the class axis.
    """
    T = target.data
    if not isinstance(ignore_index, (int, np.integer)):
        raise TypeError(
            f"{name}(): argument 'ignore_index' must be int, not {type(ignore_index).__name__}"
        )
    if X.ndim >= 2 and (T.ndim == 0 or T.shape[0] != X.shape[0]):  # PyTorch checks it first
        raise ValueError(
            f"{name}: Expected input batch_size ({X.shape[0]}) to match target batch_size "
            f"({T.shape[0] if T.ndim else 0}) (input of shape {X.shape}, target {T.shape})."
        )
    if T.dtype not in _INDEX_DTYPES:
        if T.ndim == X.ndim and T.dtype.kind == "f":  # probabilities of the wrong shape
            raise RuntimeError(
                f"{name}: 0D or 1D target tensor expected, multi-target not supported "
                f"(input of shape {X.shape}, target {T.shape})"
            )
        raise RuntimeError(
            f"{name}: expected target dtype to be Long or Byte, "
            f"but got {dtypes.torch_name(T.dtype)} (the targets are class indices)"
        )
    expected = X.shape[:axis] + X.shape[axis + 1 :]
    if X.ndim == 1 and T.ndim == 1:  # one sample: a target of size 1 is its class
        if T.shape != (1,):
            raise ValueError(
                f"{name}: For 1D input, 1D target must have size 1, but got target size: "
                f"{T.shape[0]}"
            )
        T = T.reshape(())
    if T.shape != expected:  # PyTorch's messages (and classes) for it
        if X.ndim <= 2:
            raise RuntimeError(
                f"{name}: 0D or 1D target tensor expected, multi-target not supported "
                f"(input of shape {X.shape}, target {T.shape})"
            )
        raise RuntimeError(
            f"{name}: Expected target size {list(expected)}, got {list(T.shape)} "
            f"(input of shape {X.shape})"
        )
    if X.ndim > 2 and T.dtype != np.int64 and (X.size or reduction == "none"):
        raise RuntimeError(  # PyTorch's kernel for N-d inputs takes Long targets only (see
            # _refused_backward for an empty one)
            f"{name}: expected scalar type Long but found {dtypes.torch_name(T.dtype)} "
            f"(the target of an input of shape {X.shape})"
        )
    C = X.shape[axis]
    w = _class_weights(name, weight, C, X.dtype)  # checked before the targets, as PyTorch
    keep = T != ignore_index
    bad = keep & ((T < 0) | (T >= C))
    if bad.any():
        raise IndexError(
            f"{name}: Target {T[bad][0]} is out of bounds (the input has {C} classes)."
        )
    index = np.where(keep, T, 0)
    w_y = w[index] * keep
    return index, keep, w_y, w.reshape((C,) + (1,) * (X.ndim - axis - 1))


def _along_classes(g: np.ndarray, axis: int) -> np.ndarray:
    """A per-sample gradient (or a 0-d one) made to broadcast against the input (N, C, ...)."""
    return np.expand_dims(g, axis) if g.ndim else g


def _gather(A: np.ndarray, index: np.ndarray, axis: int) -> np.ndarray:
    """A[n, index[n]] along the class axis."""
    return np.take_along_axis(A, np.expand_dims(index, axis), axis).squeeze(axis)


def _scatter(shape: tuple, index: np.ndarray, values: np.ndarray, axis: int) -> np.ndarray:
    """Zeros of ``shape`` with ``values[n]`` at [n, index[n]] along the class axis."""
    out = np.zeros(shape, values.dtype)
    np.put_along_axis(out, np.expand_dims(index, axis), np.expand_dims(values, axis), axis)
    return out


def nll_loss(
    input: Tensor, target: Tensor, weight: Any = None, size_average: bool | None = None,
    ignore_index: int = -100, reduce: bool | None = None, reduction: str = "mean",
) -> Tensor:  # fmt: skip
    """-w[y] x[y] per sample, for log-probabilities x and class indices y.

    'mean' divides by Σ w[y] over the samples whose target is not ``ignore_index``.
    dx = -w[y] g' at the target class, 0 elsewhere.
    """
    reduction = _reduction("nll_loss", size_average, reduce, reduction)
    name = "nll_loss"
    _check_tensors(name, input, target)
    X = input.data
    ops._refuse("nll_loss", X, "biuc", NotImplementedError)
    axis = _class_axis(name, X)
    index, keep, w_y, _ = _index_targets(name, X, target, weight, ignore_index, axis, reduction)
    loss = np.where(keep, -w_y * _gather(X, index, axis), 0).astype(X.dtype)
    out, per_element = _reduce("nll_loss", loss, reduction, w_y.sum())
    w_y = w_y.astype(X.dtype)

    def vjp(g: np.ndarray) -> np.ndarray:
        # -w[y] g' at [n, y_n], +0 elsewhere and at the ignored samples, as PyTorch's
        d = np.where(keep, -w_y * per_element(g), 0).astype(X.dtype, copy=False)
        return _scatter(X.shape, index, d, axis)

    vjp = _refused_backward(X, target.data) or vjp
    # saved only for the version check: PyTorch saves them, so changing either raises
    return record(out, "NllLoss", (input,), (vjp,), saved=ops._tensors(input, target, weight))


def _refused_backward(X: np.ndarray, T: np.ndarray) -> Any:
    """A VJP raising PyTorch's error where its class losses' forward takes the class-index
    targets but their backward does not: a target of shape (1,) for one sample x (C,), and
    a Byte target of an empty N-d x; else None."""
    if X.ndim == 1 and T.ndim == 1 and T.shape != X.shape:
        error = f"size mismatch (got input: {list(X.shape)}, target: {list(T.shape)})"
    elif X.ndim > 2 and T.dtype != np.int64:
        error = f"expected scalar type Long but found {dtypes.torch_name(T.dtype)}"
    else:
        return None

    def vjp(g: np.ndarray) -> np.ndarray:
        raise RuntimeError(f"nll_loss_backward: {error} (input of shape {X.shape})")

    return vjp


def _class_weights(
    name: str, weight: Any, C: int, dtype: np.dtype, strict: bool = True
) -> np.ndarray:
    """The class losses' per-class weights (ones without them), one per class; with
    ``strict`` (PyTorch's fused kernels) they must have the input's dtype and need no
    gradient."""
    w = np.ones(C, dtype) if weight is None else _array(name, "weight", weight)
    if strict:
        _no_grad_weight(name, "weight", weight)
    if strict and w.dtype != dtype:
        raise RuntimeError(
            f"{name}: expected scalar type {dtypes.torch_name(dtype)} but found "
            f"{dtypes.torch_name(w.dtype)} (the class weights must have the input's dtype)"
        )
    if w.shape != (C,):
        raise RuntimeError(
            f"{name}: weight tensor should be defined either for all {C} classes or no classes but "
            f"got weight tensor of shape: {w.shape}"
        )
    return w


def _plain_indices(
    X: np.ndarray, T: np.ndarray, weight: Any, ignore_index: int, reduction: str, eps: float
) -> bool:
    """The common case: (N, C) logits, N valid class indices, no weights or smoothing."""
    return (
        weight is None and not eps and reduction == "mean" and X.ndim == 2
        and T.dtype in _INDEX_DTYPES and T.shape == X.shape[:1] and T.size > 0
        and ignore_index < 0 and T.min() >= 0 and T.max() < X.shape[1]
    )  # fmt: skip


def _half_log_softmax_grad(G: np.ndarray, logp: np.ndarray, axis: int) -> np.ndarray:
    """PyTorch's float16 cross-entropy gradient: G, the loss's gradient of log p, rounded to
    float16 (as its nll_loss gives it), then log_softmax's backward in float32, rounded once.
    dx = G - p Σ G."""
    return ops.log_softmax_vjp(logp, axis)(G.astype(np.float16))


def _cross_entropy_mean(input: Tensor, target: Tensor, logp: np.ndarray) -> Tensor:
    """-mean_n log softmax(x)[n, y_n].   dx = (softmax(x) - onehot(y)) g / N."""
    T = target.data
    rows = np.arange(len(T))
    N = len(T)

    def vjp(g: np.ndarray) -> np.ndarray:
        d = np.exp(logp)
        d[rows, T] -= 1
        d *= g / N
        return d

    if logp.dtype == np.float16:

        def vjp(g: np.ndarray) -> np.ndarray:
            G = np.zeros(logp.shape, np.float32)
            G[rows, T] = -g / N
            return _half_log_softmax_grad(G, logp, 1)

    out = np.asarray(-logp[rows, T].sum() / N, logp.dtype)
    # class indices are not an input of the graph, as in PyTorch (no gradient goes there)
    return record(out, "CrossEntropyLoss", (input,), (vjp,), saved=(target,))


def cross_entropy(
    input: Tensor, target: Any, weight: Any = None, size_average: bool | None = None,
    ignore_index: int = -100, reduce: bool | None = None, reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:  # fmt: skip
    """-Σ_c q[c] log softmax(x)[c] per sample, for logits x, in one fused op.

    q is the target distribution times the class weights w: w[y] at class y for
    class-index targets (integer dtype), w * y for class probabilities (float dtype,
    the shape of x). Label smoothing ε mixes it with the uniform distribution:
    (1 - ε) q + ε w / C. The log-softmax subtracts the row maximum first.
    'mean' divides by Σ w[y] over non-ignored samples (index targets), or by the
    number of samples (probability targets), as PyTorch.
    dx = (Σ_c q[c] * softmax(x) - q) g'  (= (softmax - onehot) g' without weights),
    dy = -(1 - ε) w log softmax(x) g'  (probability targets).
    """
    reduction = _reduction("cross_entropy", size_average, reduce, reduction)
    if label_smoothing > 1:
        raise RuntimeError(
            f"cross_entropy: label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}"
        )
    if not label_smoothing > 0:  # PyTorch smooths only for ε > 0: not for NaN either
        label_smoothing = 0.0
    name = "cross_entropy"
    _check_tensors(name, input, target)
    X, T = input.data, target.data
    ops._refuse("cross_entropy", X, "biu", NotImplementedError)
    axis = _class_axis(name, X)
    C = X.shape[axis]
    logp = ops.log_softmax_array(X, axis)
    if _plain_indices(X, T, weight, ignore_index, reduction, label_smoothing):
        return _cross_entropy_mean(input, target, logp)
    eps = label_smoothing
    if T.shape == X.shape:  # class probabilities
        if T.dtype.kind != "f":
            raise RuntimeError(
                "cross_entropy: Expected floating point type for target with class "
                f"probabilities, got {dtypes.torch_name(T.dtype)}"
            )
        if ignore_index >= 0:
            raise RuntimeError(
                "cross_entropy: ignore_index is not supported for floating point target"
            )
        # computed with weights, not a fused kernel, in PyTorch: they may be of another
        # dtype (the loss promotes) and get a gradient, dw = -Σ_samples p log softmax(x) g'
        w = _class_weights(name, weight, C, X.dtype, strict=False)
        w = w.reshape((C,) + (1,) * (X.ndim - axis - 1)).astype(np.result_type(X, T, w))
        p = T * (1 - eps) + eps / max(C, 1)  # in the target's dtype, as PyTorch smooths it
        q = w * p  # in the loss's dtype
        read = target if eps == 0 else None  # PyTorch's VJPs read the smoothed copy of it
        keep = None  # no sample is ignored
        loss = -(q * logp).sum(axis)
        count = X.size // max(C, 1)  # no classes: no samples, the mean is NaN

        def vjp_target(g: np.ndarray) -> np.ndarray:
            d = -w * logp * _along_classes(per_element(g), axis)
            return d if eps == 0 else d.astype(T.dtype) * (1 - eps)  # through the smoothed y

        def vjp_weight(g: np.ndarray) -> np.ndarray:
            d = -p * logp * _along_classes(per_element(g), axis)
            return d.sum(tuple(i for i in range(X.ndim) if i != axis))

    else:
        index, keep, w_y, w = _index_targets(name, X, target, weight, ignore_index, axis, reduction)
        loss = -w_y * _gather(logp, index, axis)
        q = _scatter(X.shape, index, w_y.astype(X.dtype), axis)
        if eps and weight is not None and reduction == "mean" and T.dtype == np.uint8:
            raise RuntimeError(  # PyTorch gathers the targets' weights for the mean
                "cross_entropy: gather(): Expected dtype int32/int64 for index (Byte targets "
                "with weights and label smoothing)"
            )
        if eps and X.ndim == 1 and T.ndim == 1:
            raise RuntimeError(
                "cross_entropy: output with shape [] doesn't match the broadcast shape [1] (an "
                f"input of shape {X.shape} with label_smoothing and a target of shape {T.shape})"
            )
        if eps:
            loss = (1 - eps) * loss - eps / C * (w * logp).sum(axis)
            q = (1 - eps) * q + eps / C * w * np.expand_dims(keep, axis)
        loss = np.where(keep, loss, 0).astype(X.dtype)
        keep = None if keep.all() else np.expand_dims(keep, axis)  # the VJP's mask, if any
        count = w_y.sum()
        vjp_target = vjp_weight = None
        read = target
    out, per_element = _reduce("cross_entropy", loss, reduction, count)

    def vjp_input(g: np.ndarray) -> np.ndarray:
        weights = _along_classes(per_element(g), axis)
        if logp.dtype == np.float16:
            d = _half_log_softmax_grad(-q * weights, logp, axis)
        else:
            d = (q.sum(axis, keepdims=True) * np.exp(logp) - q) * weights
        # an ignored sample gets 0, even from a mean over nothing (NaN)
        return d if keep is None else np.where(keep, d, 0)

    if not T.dtype.kind == "f":
        vjp_input = _refused_backward(X, T) or vjp_input
    saved = ops._tensors(read, weight)
    if vjp_target is None:  # class indices: as above, only the logits are an input
        return record(out, "CrossEntropyLoss", (input,), (vjp_input,), saved=saved)
    vjps = (vjp_input, vjp_target, vjp_weight)
    return record(out, "CrossEntropyLoss", (input, target, weight), vjps, saved=saved)


# ---- normalization ---------------------------------------------------------------------


def layer_norm(
    input: Tensor, normalized_shape: Any, weight: Tensor | None = None,
    bias: Tensor | None = None, eps: float = 1e-5,
) -> Tensor:  # fmt: skip
    """(x - μ) / sqrt(σ² + eps) w + b, μ and σ² (biased) over the last dims, which must
    be ``normalized_shape``; w and b have that shape."""
    check_tensor("layer_norm", "input", input)
    if not isinstance(normalized_shape, (tuple, list)):
        raise TypeError("layer_norm(): argument 'normalized_shape' must be tuple of ints, not "
                        f"{type(normalized_shape).__name__}")  # fmt: skip
    shape = tuple(normalized_shape)
    X = input.data
    k = len(shape)
    if k == 0 or X.shape[X.ndim - k :] != shape or k > X.ndim:
        raise RuntimeError(
            f"layer_norm: Given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {', '.join(map(str, shape))}], but got input of size{list(X.shape)}"
        )
    for arg, p in (("weight", weight), ("bias", bias)):
        if p is not None and p.data.shape != shape:
            raise RuntimeError(
                f"layer_norm: Expected {arg} to be of same shape as normalized_shape, but got "
                f"{arg} of shape {list(p.data.shape)} and normalized_shape = {list(shape)}"
            )
    _check_norm_dtypes("layer_norm", "LayerNormKernelImpl", X, weight, bias)
    view = (math.prod(X.shape[: X.ndim - k]), *shape)  # the leading dims as one, in slabs
    axes = tuple(range(1, k + 1))
    return _normalized("NativeLayerNorm", input, weight, bias, eps, shape, axes, view)[0]


def batch_norm(
    input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
    weight: Tensor | None = None, bias: Tensor | None = None, training: bool = False,
    momentum: float = 0.1, eps: float = 1e-5,
) -> Tensor:  # fmt: skip
    """(x - μ) / sqrt(σ² + eps) w + b per channel (dim 1) of x (N, C, *).

    Training: μ and σ² (biased) of the batch, over every dim but 1; the running stats,
    if given, move toward them in place: r = (1 - momentum) r + momentum s, with the
    unbiased variance for ``running_var``. Otherwise μ and σ² are the running stats.
    """
    check_tensor("batch_norm", "input", input)
    X = input.data
    if training and X.ndim == 0:  # PyTorch counts the values per channel along dims 0 and 2+
        raise IndexError("batch_norm: expected an input with a batch dim 0, got shape ()")
    if training and X.shape[0] * math.prod(X.shape[2:]) == 1:
        raise ValueError(
            f"batch_norm: Expected more than 1 value per channel when training, got input size "
            f"{X.shape}"
        )
    if eps <= 0 and (training or eps < 0):
        bound = "positive during training" if training else "non-negative"
        raise ValueError(f"batch_norm eps must be {bound}, but got {eps}")
    if X.size == 0:
        return _empty_norm(input, weight, bias)
    C = X.shape[1] if X.ndim > 1 else 0  # as PyTorch, which counts no channels in (), (N,)
    for arg, t in (("running_mean", running_mean), ("running_var", running_var),
                   ("weight", weight), ("bias", bias)):  # fmt: skip
        if t is not None and t.data.size != C:
            raise RuntimeError(f"batch_norm: {arg} should contain {C} elements not "
                               f"{t.data.size} (input of shape {X.shape})")  # fmt: skip
    for arg, t in (("running_mean", running_mean), ("running_var", running_var)):
        if not training and t is None:
            raise RuntimeError(f"batch_norm: {arg} must be defined in evaluation mode")
    if X.ndim < 2:
        raise IndexError(f"batch_norm: expected an input with a channel dim 1, got shape {X.shape}")
    if training and (running_mean is None) != (running_var is None):
        raise ValueError("batch_norm: running_mean and running_var must either both be None or "
                         "neither be None")  # fmt: skip
    _check_norm_dtypes("batch_norm", "batch_norm", X, weight, bias, running_mean, running_var)
    axes = (0, *range(2, X.ndim))
    shape = (C,) + (1,) * (X.ndim - 2)  # a per-channel vector, broadcast along dim 1
    if not training:
        stats = (running_mean, running_var)
        return _normalized("NativeBatchNorm", input, weight, bias, eps, shape, axes, stats=stats)[0]
    n = X.size // C
    out, mean, var = _normalized("NativeBatchNorm", input, weight, bias, eps, shape, axes)
    _update_running(running_mean, running_var, mean.reshape(C), var.reshape(C) * (n / (n - 1)),
                    momentum)  # fmt: skip
    return out


def _empty_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None) -> Tensor:
    """PyTorch's batch norm of an empty input: a copy of it, times w[0], plus b[0], composed
    of those ops; the running stats stay and the other arguments are not checked."""
    out = input.clone()
    if weight is not None:
        out = out * weight[0]
    if bias is not None:
        out = out + bias[0]
    return out


def _update_running(
    running_mean: Tensor | None, running_var: Tensor | None, mean: np.ndarray,
    unbiased_var: np.ndarray, momentum: float,
) -> None:  # fmt: skip
    """r = (1 - momentum) r + momentum s, in place, for each running stat that is given."""
    for r, s in ((running_mean, mean), (running_var, unbiased_var)):
        if r is not None:  # written as PyTorch's kernel does: the version does not move
            r.data[...] = momentum * s + (1 - momentum) * r.data


def group_norm(
    input: Tensor, num_groups: int, weight: Tensor | None = None, bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:  # fmt: skip
    """(x - μ) / sqrt(σ² + eps) w + b for x (N, C, *): μ and σ² (biased) of each sample's
    ``num_groups`` groups of C / num_groups consecutive channels (with all of dims 2+);
    w and b (C,) per channel."""
    check_tensor("group_norm", "input", input)
    X = input.data
    if X.ndim < 2:
        raise RuntimeError(
            f"group_norm: Expected at least 2 dimensions for input tensor but received {X.ndim}"
        )
    N, C = X.shape[:2]
    # PyTorch's check, N C / num_groups values per group (and its ZeroDivisionError for 0)
    if N * C // num_groups * math.prod(X.shape[2:]) == 1:
        raise ValueError(
            "group_norm: Expected more than 1 value per channel when training, got input size "
            f"{[N * C // num_groups, num_groups, *X.shape[2:]]}"
        )
    if num_groups <= 0:
        raise RuntimeError(
            f"group_norm: Expected num groups to be greater than 0, got {num_groups}"
        )
    if C % num_groups:
        raise RuntimeError(
            "group_norm: Expected number of channels in input to be divisible by num_groups, "
            f"but got input of shape {list(X.shape)} and num_groups={num_groups}"
        )
    for arg, p in (("weight", weight), ("bias", bias)):
        if p is not None and p.data.shape != (C,):
            raise RuntimeError(
                f"group_norm: Expected {arg} to be a vector of size equal to the number of "
                f"channels in input, but got {arg} of shape {list(p.data.shape)} and input of "
                f"shape {list(X.shape)}"
            )
    _check_norm_dtypes("group_norm", "GroupNormKernelImpl", X, weight, bias)
    return _grouped("NativeGroupNorm", input, num_groups, weight, bias, eps)[0]


def instance_norm(
    input: Tensor, running_mean: Tensor | None = None, running_var: Tensor | None = None,
    weight: Tensor | None = None, bias: Tensor | None = None, use_input_stats: bool = True,
    momentum: float = 0.1, eps: float = 1e-5,
) -> Tensor:  # fmt: skip
    """(x - μ) / sqrt(σ² + eps) w + b for x (N, C, *), w and b (C,) per channel.

    With ``use_input_stats``, μ and σ² (biased) are each sample's own, per channel over
    dims 2+ (a group norm of C groups), and the running stats, if given, move toward their
    mean over the batch (the unbiased variances') as in ``batch_norm``; otherwise μ and σ²
    are the running stats, as ``batch_norm`` in eval.
    """
    check_tensor("instance_norm", "input", input)
    if not use_input_stats and (running_mean is None or running_var is None):
        raise RuntimeError("instance_norm: Expected running_mean and running_var to be defined "
                           "when use_input_stats is false")  # fmt: skip
    X = input.data
    n = math.prod(X.shape[2:])
    if use_input_stats and n == 1:
        raise ValueError(
            f"instance_norm: Expected more than 1 spatial element when training, got input size "
            f"{X.shape}"
        )
    if X.size == 0 and X.ndim >= 2:
        return _empty_instance_norm(input, running_mean, running_var, weight, bias, use_input_stats)
    if (running_mean is None) != (running_var is None):
        raise ValueError(
            "instance_norm: running_mean and running_var must either both be None or neither "
            "be None"
        )
    if not use_input_stats:
        return batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    N, C = X.shape[:2]
    for arg, t in (("running_mean", running_mean), ("running_var", running_var),
                   ("weight", weight), ("bias", bias)):  # fmt: skip
        if t is not None and t.data.size != C:
            raise RuntimeError(
                f"instance_norm: {arg} should contain {C} elements not {t.data.size}"
            )
    _check_norm_dtypes("instance_norm", "batch_norm", X, weight, bias, running_mean, running_var)
    # PyTorch's node is a batch norm of x viewed as (1, N C, *)
    out, mean, var = _grouped("NativeBatchNorm", input, C, weight, bias, eps)
    if N and running_mean is not None:
        _update_running(running_mean, running_var, mean.reshape(N, C).mean(0),
                        (var.reshape(N, C) * (n / (n - 1))).mean(0), momentum)  # fmt: skip
    return out


def _empty_instance_norm(
    input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
    weight: Tensor | None, bias: Tensor | None, use_input_stats: bool,
) -> Tensor:  # fmt: skip
    """PyTorch's instance norm of an empty x (N, C, *): the batch norm of an empty input
    (``_empty_norm``) of x viewed as (1, N C, *), w and b repeated N times; with N = 0, w[0]
    of none raises, and the running stats become the mean of none, NaN."""
    N, C = input.shape[:2]
    if N == 0 and (weight is not None or bias is not None):
        raise IndexError("instance_norm: select(): index 0 out of range for tensor of size [0] "
                         "at dimension 0 (the weight repeated for no samples)")  # fmt: skip
    for arg, r in (("running_mean", running_mean), ("running_var", running_var)):
        # as their update, by the mean over the samples of shape (C,), broadcast when N = 0
        if use_input_stats and r is not None and r.data.size != C and (N or C != 1):
            raise RuntimeError(f"instance_norm: {arg} should contain {C} elements not "
                               f"{r.data.size}")  # fmt: skip
    if N == 0 and use_input_stats:
        with no_grad():
            for r in (running_mean, running_var):
                if r is not None:
                    r.fill_(math.nan)
    return _empty_norm(input, weight, bias)


def _grouped(
    name: str, input: Tensor, groups: int, weight: Tensor | None, bias: Tensor | None,
    eps: float,
) -> tuple:  # fmt: skip
    """Group norm: x (N, C, *) viewed as (N, groups, C / groups, *), normalized over the
    dims from 2 on; w and b (C,) viewed as (groups, C / groups, 1, ...). Returns the output
    with the groups' μ and σ² (N, groups, 1, ...)."""
    X = input.data
    view = (X.shape[0], groups, X.shape[1] // groups, *X.shape[2:])
    axes = tuple(range(2, len(view)))
    shape = view[1:3] + (1,) * (X.ndim - 2)
    return _normalized(name, input, weight, bias, eps, shape, axes, view)


def _check_norm_dtypes(name: str, kernel: str, X: np.ndarray, *params: Any) -> None:
    """A float input, and parameters and stats of its dtype (PyTorch's CPU kernels)."""
    if X.dtype.kind != "f":
        raise NotImplementedError(f"{name}: \"{kernel}\" not implemented for "
                                  f"'{dtypes.torch_name(X.dtype)}'")  # fmt: skip
    for p in params:
        if p is not None and p.data.dtype != X.dtype:
            raise RuntimeError(
                f"{name}: mixed dtype (CPU): expect parameter to have scalar type of "
                f"{dtypes.torch_name(X.dtype)}, got {dtypes.torch_name(p.data.dtype)}"
            )


_SLAB = 1 << 16  # elements a norm works on at a time: 512 KB in float64, within L2 cache


def _slabs(shape: tuple, axes: tuple) -> list:
    """Index tuples cutting an array of ``shape`` along its first dim outside ``axes`` into
    slabs of about _SLAB elements. The norms take all their steps on one slab while it is
    in cache, then go to the next: on the whole array, each step would be a pass through
    memory. Reductions over ``axes`` stay within a slab."""
    ax = next((i for i in range(len(shape)) if i not in axes), None)
    if ax is None:
        return [(...,)]
    step = max(1, _SLAB * shape[ax] // max(math.prod(shape), 1))
    return [(slice(None),) * ax + (slice(i, i + step),) for i in range(0, shape[ax], step)]


def _mean_over(a: np.ndarray, axes: tuple) -> np.ndarray:
    """The mean over ``axes`` (kept as dims of size 1; NaN over none), each a pairwise sum
    of one contiguous row, so it does not depend on how the array was cut into slabs."""
    kept = tuple(1 if i in axes else n for i, n in enumerate(a.shape))
    n = math.prod(a.shape[i] for i in axes)
    rows = np.moveaxis(a, axes, range(-len(axes), 0)).reshape(math.prod(kept), n)
    return ops._mean(rows, 1, True).reshape(kept)


def _cut(a: np.ndarray, idx: tuple) -> np.ndarray:
    """``a``'s part of the slab ``idx`` (all of ``a`` if it is broadcast along the cut)."""
    return a if idx[-1] is Ellipsis or a.shape[len(idx) - 1] == 1 else a[idx]


@np.errstate(invalid="ignore", divide="ignore", over="ignore")  # NaN, inf as PyTorch, quietly
def _normalized(
    name: str, input: Tensor, weight: Tensor | None, bias: Tensor | None, eps: float,
    shape: tuple, axes: tuple, view: tuple | None = None, stats: tuple | None = None,
) -> tuple:  # fmt: skip
    """x̂ w + b with x̂ = (x - μ) r, r = 1 / sqrt(σ² + eps), w and b reshaped to ``shape``;
    computed in float64 and rounded once to x's dtype (float32 sums lose too much).

    μ and σ² (biased) are x's moments over ``axes`` of x viewed as ``view`` (GroupNorm's
    groups, LayerNorm's rows), or the constants ``stats`` (BatchNorm's running stats, as
    Tensors: saved, and read again by backward, as PyTorch). Returns the output, μ and σ²
    (kept as dims of size 1; NaN over none).
    Backward computes x̂ again from x, μ and r, as PyTorch, rather than keep it. With ĝ = g w:
    dx = r (ĝ - mean(ĝ) - x̂ mean(ĝ x̂)) (means over ``axes``),  or dx = r ĝ for constants;
    dw = Σ g x̂,   db = Σ g  (sums over the dims w is broadcast along).
    """
    X = input.data if view is None else input.data.reshape(view)
    padded = (1,) * (X.ndim - len(shape)) + shape  # w's shape among x's dims
    W = None if weight is None else weight.data.reshape(padded).astype(np.float64, copy=False)
    B = None if bias is None else bias.data.reshape(padded).astype(np.float64, copy=False)
    if stats is None:
        mean, var = np.empty((2, *(1 if i in axes else n for i, n in enumerate(X.shape))))
        r = np.empty(mean.shape)
    else:
        mean, var, r = _constant_stats(stats, padded, eps)
    out = np.empty(X.shape, X.dtype)  # the result, rounded once
    slabs = _slabs(X.shape, axes)

    def xhat(idx: tuple, mean: np.ndarray, r: np.ndarray) -> np.ndarray:
        d = X[idx].astype(np.float64)
        np.subtract(d, _cut(mean, idx), out=d)
        d *= _cut(r, idx)
        return d

    def stats_now() -> tuple:  # μ and r for backward: the running stats as they are now
        if stats is None:
            return mean, r
        mean_now, _, r_now = _constant_stats(stats, padded, eps)
        return mean_now, r_now

    for idx in slabs:
        if stats is None:  # the moments, in float64
            d = X[idx].astype(np.float64)
            m = _cut(mean, idx)
            m[...] = _mean_over(d, axes)
            d -= m
            v = _cut(var, idx)
            v[...] = _mean_over(np.square(d), axes)
            _cut(r, idx)[...] = 1 / np.sqrt(v + eps)
        xh = xhat(idx, mean, r)  # (the same bits as d * r, for backward to match)
        # one dtype per NumPy call: mixing float32 and float64 in one costs about twice
        if W is not None:
            xh *= _cut(W, idx)
        if B is not None:
            xh += _cut(B, idx)
        out[idx] = xh

    @np.errstate(invalid="ignore", over="ignore")
    def vjp_input(g: np.ndarray) -> np.ndarray:
        mean, r = stats_now()
        g = g.reshape(X.shape)
        dx_out = np.empty(input.data.shape, X.dtype)  # returned whole: a leaf keeps it as is
        dx = dx_out.reshape(X.shape)
        for idx in slabs:
            gh = g[idx].astype(np.float64)
            if W is not None:
                gh *= _cut(W, idx)
            if stats is None:
                xh = xhat(idx, mean, r)
                mean_gx = _mean_over(np.multiply(gh, xh), axes)
                gh -= _mean_over(gh, axes)
                gh -= np.multiply(xh, mean_gx, out=xh)
            np.multiply(gh, _cut(r, idx), out=dx[idx])
        return dx_out

    param_axes = tuple(i for i, n in enumerate(padded) if n == 1)

    @np.errstate(invalid="ignore", over="ignore")
    def param_sum(g: np.ndarray, times_xhat: bool) -> np.ndarray:
        mean, r = stats_now()
        g = g.reshape(X.shape)
        total = np.zeros(padded)
        for idx in slabs:
            part = g[idx].astype(np.float64)
            if times_xhat:
                part *= xhat(idx, mean, r)
            t = _cut(total, idx)
            t += np.sum(part, axis=param_axes, keepdims=True)
        return total

    vjps = (
        vjp_input,
        lambda g: param_sum(g, True).reshape(weight.data.shape),
        lambda g: param_sum(g, False).reshape(bias.data.shape),
    )
    saved = ops._tensors(input, weight, *(stats or ()))
    out = record(out.reshape(input.data.shape), name, (input, weight, bias), vjps, saved=saved)
    return out, mean, var


def _constant_stats(stats: tuple, shape: tuple, eps: float) -> tuple:
    """μ, σ² and r = 1 / sqrt(σ² + eps) from the running stats as they are now, shaped to
    ``shape``; r in float32 for float16 and float32 stats, as PyTorch's kernel."""
    mean, var = (t.data.reshape(shape) for t in stats)
    return mean, var, 1 / np.sqrt(dtypes.opmath(var) + eps)


def normalize(
    input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Tensor | None = None
) -> Tensor:
    """x / max(‖x‖_p, eps), the norm along ``dim``: composed of norm, clamp_min, expand
    and div as PyTorch's, so its gradients (and graph) are theirs; ``out`` as div's."""
    _check_tensors("normalize", input)
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    return input / denom if out is None else functions.div(input, denom, out=out)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """Σ (x1 / max(‖x1‖, eps)) (x2 / max(‖x2‖, eps)) along ``dim``, x1 and x2 broadcast
    together; integer inputs count in the common float dtype. As PyTorch, the clamp at eps
    changes the norms in place outside the graph: the gradient ignores it."""
    check_tensor("cosine_similarity", "x1", x1)
    check_tensor("cosine_similarity", "x2", x2)
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
        raise TypeError(
            f"cosine_similarity(): argument 'dim' must be int, not {type(dim).__name__}"
        )
    if eps < 0:
        raise RuntimeError(f"cosine_similarity: eps must be non-negative, got: {eps}")
    A, B = x1.data, x2.data
    dt = dtypes.result_dtype(np.result_type(A, B), (A, B))
    if dt.kind != "f":
        raise RuntimeError("cosine_similarity: expected common dtype to be floating point, yet "
                           f"common dtype is {dtypes.torch_name(dt)}")  # fmt: skip
    floats = (x if x.data.dtype.kind == "f" else x.to(dt) for x in (x1, x2))
    x1, x2 = _broadcast("cosine_similarity", *floats)
    n1, n2 = (x.norm(2, dim, keepdim=True).clone() for x in (x1, x2))
    with no_grad():
        n1.clamp_(min=eps)
        n2.clamp_(min=eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


from .activation_ops import *  # noqa: E402, F403 - hardswish, glu, prelu, the shrinks...
from .bag_ctc import *  # noqa: E402, F403 - embedding_bag, ctc_loss
from .conv import *  # noqa: E402, F403 - conv1d, conv2d, pooling and pad
from .conv_transpose import *  # noqa: E402, F403 - conv_transpose1d/2d/3d, 3-d conv and pooling
from .fractional import *  # noqa: E402, F403 - fractional_max_pool2d/3d
from .layer_ops import *  # noqa: E402, F403 - pairwise_distance, 1-d pooling, rms_norm...
from .loss_ops import *  # noqa: E402, F403 - margin, embedding, NLL and multi-label losses
from .more_layers import *  # noqa: E402, F403 - adaptive max and lp pooling, unpooling, pdist
from .resample import *  # noqa: E402, F403 - interpolate, shuffles, fold, grid_sample


def _with_indices(pool: Any) -> Any:
    """PyTorch's ``<pool>_with_indices``: ``pool``'s output and indices, whatever
    ``return_indices`` says (its signature is ``pool``'s)."""

    position = list(inspect.signature(pool).parameters).index("return_indices")

    @functools.wraps(pool)
    def with_indices(*args: Any, **kwargs: Any) -> tuple:
        if len(args) > position:
            args = (*args[:position], True, *args[position + 1 :])
        else:
            kwargs["return_indices"] = True
        return pool(*args, **kwargs)

    with_indices.__name__ = with_indices.__qualname__ = f"{pool.__name__}_with_indices"
    with_indices.__doc__ = f"``{pool.__name__}`` and its indices, whatever ``return_indices`` says."
    return with_indices


max_pool1d_with_indices = _with_indices(max_pool1d)  # noqa: F405
max_pool2d_with_indices = _with_indices(max_pool2d)  # noqa: F405
max_pool3d_with_indices = _with_indices(max_pool3d)  # noqa: F405
adaptive_max_pool1d_with_indices = _with_indices(adaptive_max_pool1d)  # noqa: F405
adaptive_max_pool2d_with_indices = _with_indices(adaptive_max_pool2d)  # noqa: F405
adaptive_max_pool3d_with_indices = _with_indices(adaptive_max_pool3d)  # noqa: F405
fractional_max_pool2d_with_indices = _with_indices(fractional_max_pool2d)  # noqa: F405
fractional_max_pool3d_with_indices = _with_indices(fractional_max_pool3d)  # noqa: F405


from .attention import multi_head_attention_forward  # noqa: E402, F401 - the module's math
