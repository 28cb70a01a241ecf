"""More of PyTorch's surface: the ``torch.*`` forms of in-place methods, bit shifts,
matrix-vector products with scaling, covariance, quantiles, scatters, windows, and the
dtype and thread queries.

As in ``extra_ops.py``, an op that is a composition of ops minigrad has is one here too,
so its graph is made of their nodes; the others record a node of their own, its forward
beside its vector-Jacobian products (``g`` the output's gradient).
"""

from __future__ import annotations

import builtins
import inspect
import warnings
from collections import namedtuple
from collections.abc import Callable
from typing import Any

import numpy as np

from . import dtypes, inplace, ops
from .engine import record
from .tensor import Tensor, check_tensor

# ---- torch.* forms of in-place methods: torch.exp_(x) is x.exp_() ---------------------

_INPLACE_FUNCTIONS = (
    "abs_ acos_ acosh_ addmv_ arccos_ arccosh_ arcsin_ arcsinh_ arctan_ arctanh_ asin_ asinh_ atan_ "
    "atanh_ ceil_ clamp_ clamp_max_ clamp_min_ clip_ cos_ cosh_ deg2rad_ detach_ erf_ erfc_ "
    "exp2_ exp_ expm1_ fill_ fix_ floor_ frac_ log10_ log1p_ log2_ log_ logit_ nan_to_num_ "
    "neg_ negative_ rad2deg_ reciprocal_ relu_ round_ rsqrt_ sigmoid_ sin_ sinc_ sinh_ sqrt_ "
    "square_ tan_ tanh_ trunc_ xlogy_ zero_"
).split()


def _function(name: str) -> Callable:
    """``torch.name(input, ...)``: the method ``input.name(...)``."""
    method = getattr(Tensor, name)

    def function(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        return method(input, *args, **kwargs)

    sig = inspect.signature(method)
    params = list(sig.parameters.values())
    function.__signature__ = sig.replace(parameters=[params[0].replace(name="input"), *params[1:]])  # type: ignore[attr-defined]
    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``input.{name}(...)``: input changed in place."
    return function


# ---- bit shifts (integer tensors, no gradient) ------------------------------------------


def _shift(name: str, fn: Callable, input: Any, other: Any) -> Tensor:
    for V in (input, other):
        if np.asarray(V.data if isinstance(V, Tensor) else V).dtype.kind == "b":
            raise NotImplementedError(f"\"{name}_cpu\" not implemented for 'Bool'")
    return ops._bitwise(name, fn, input, other)


def bitwise_left_shift(input: Any, other: Any) -> Tensor:
    """input * 2**other, in input's integer dtype (shifted out bits are lost)."""
    return _shift("lshift", np.left_shift, input, other)


def bitwise_right_shift(input: Any, other: Any) -> Tensor:
    """input // 2**other (an arithmetic shift: the sign is kept)."""
    return _shift("rshift", np.right_shift, input, other)


# ---- products added to a scaled input ---------------------------------------------------


def _add_product(name: str, input: Tensor, product: Tensor, beta: Any, alpha: Any) -> Tensor:
    """beta * input + alpha * product, input broadcast to the product's shape (not beyond)
    and ignored, NaN and inf included, when beta is 0.   dinput = beta g,   dproduct = alpha g."""
    check_tensor(name, "input", input)
    P = product.data
    if input.data.dtype != P.dtype:
        raise RuntimeError(f"{name}: expected input and the product to have the same dtype, "
                           f"but got {input.data.dtype} and {P.dtype}")  # fmt: skip
    try:
        C = np.broadcast_to(input.data, P.shape)
    except ValueError:
        raise RuntimeError(f"{name}: the input of shape {input.data.shape} cannot be expanded to "
                           f"the product's shape {P.shape}") from None  # fmt: skip
    if P.dtype.kind in "biu":  # PyTorch casts the scalars to the integer dtype
        alpha, beta = builtins.int(alpha), builtins.int(beta)
    out = alpha * P + 0 if beta == 0 else beta * C + alpha * P
    return record(np.asarray(out, P.dtype), name.capitalize(), (input, product),
                  (lambda g: beta * g, lambda g: alpha * g))  # fmt: skip


def _dims(name: str, arg: str, t: Any, ndim: int) -> None:
    check_tensor(name, arg, t)
    if t.data.ndim != ndim:
        raise RuntimeError(f"{name}: expected {arg} to be {ndim}-D, but got {t.data.ndim}-D")


def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """beta * input + alpha * (mat @ vec): (n,) from (n, m) and (m,)."""
    _dims("addmv", "mat", mat, 2)
    _dims("addmv", "vec", vec, 1)
    return _add_product("addmv", input, mat.mv(vec), beta, alpha)


def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """beta * input + alpha * outer(vec1, vec2): (n, m) from (n,) and (m,)."""
    _dims("addr", "vec1", vec1, 1)
    _dims("addr", "vec2", vec2, 1)
    return _add_product("addr", input, vec1.outer(vec2), beta, alpha)


def addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1,
           alpha: Any = 1) -> Tensor:  # fmt: skip
    """beta * input + alpha * Σ_b batch1[b] @ batch2[b]: (n, p) from (B, n, m), (B, m, p)."""
    _dims("addbmm", "batch1", batch1, 3)
    _dims("addbmm", "batch2", batch2, 3)
    return _add_product("addbmm", input, batch1.bmm(batch2).sum(0), beta, alpha)


def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1,
            alpha: Any = 1) -> Tensor:  # fmt: skip
    """beta * input + alpha * (batch1 @ batch2): (B, n, p) from (B, n, m), (B, m, p)."""
    _dims("baddbmm", "batch1", batch1, 3)
    _dims("baddbmm", "batch2", batch2, 3)
    return _add_product("baddbmm", input, batch1.bmm(batch2), beta, alpha)


# ---- reductions: min and max together, covariance, cumulative log-sum-exp ---------------

Aminmax = namedtuple("aminmax", ["min", "max"])


def aminmax(input: Tensor, *, dim: Any = None, keepdim: bool = False) -> Aminmax:
    """(amin, amax) over ``dim`` (an int, or None for all elements)."""
    check_tensor("aminmax", "input", input)
    if dim is not None and not ops._is_int(dim):
        raise TypeError(f"aminmax(): argument 'dim' must be int, not {type(dim).__name__}")
    if dim is None and not input.data.size:
        raise RuntimeError(f"aminmax(): cannot compute aminmax over an empty tensor of shape "
                           f"{input.data.shape}")  # fmt: skip
    if dim is None and keepdim:  # every dim kept as 1
        return Aminmax(*(f(input.reshape(-1), 0, True).reshape((1,) * input.data.ndim)
                         for f in (ops.amin, ops.amax)))  # fmt: skip
    return Aminmax(ops.amin(input, dim, keepdim), ops.amax(input, dim, keepdim))


def cov(input: Tensor, *, correction: int = 1, fweights: Tensor | None = None,
        aweights: Tensor | None = None) -> Tensor:  # fmt: skip
    """The covariance of the rows (variables) of a 2-D input over its columns (observations),
    weighted by fweights (integer counts) and aweights: with w = fweights * aweights,
    avg = Σ w x / Σ w and c = (x - avg) w (x - avg)ᵀ / (Σ w - correction Σ w aweights / Σ w)."""
    check_tensor("cov", "input", input)
    if input.data.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an "
                           f"input with {input.data.ndim} dimensions")  # fmt: skip
    x = input.reshape(1, -1) if input.data.ndim < 2 else input
    n = x.data.shape[1]
    w = None
    for arg, weights, kinds in (("fweights", fweights, "iu"), ("aweights", aweights, "f")):
        if weights is None:
            continue
        check_tensor("cov", arg, weights)
        W = weights.data
        if W.ndim > 1 or W.size != n:
            raise RuntimeError(f"cov(): expected {arg} to have one or fewer dimensions and "
                               f"{n} elements, but got shape {W.shape}")  # fmt: skip
        if W.dtype.kind not in kinds:
            kind = "integral" if kinds == "iu" else "floating point"
            raise RuntimeError(f"cov(): expected {arg} to have {kind} dtype but got {W.dtype}")
        if (W < 0).any():
            raise RuntimeError(f"cov(): {arg} cannot be negative")
        w = weights if w is None else w * weights
    w_sum = n if w is None else w.sum()
    avg = (x if w is None else x * w).sum(1) / w_sum
    if w is not None and aweights is not None and correction != 0:
        norm = w_sum - correction * (w * aweights).sum() / w_sum
    else:
        norm = w_sum - correction
    if float(norm.data if isinstance(norm, Tensor) else norm) <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less "
                      "than the number of observations.", UserWarning, stacklevel=2)  # fmt: skip
        norm = norm * 0
    xm = x - avg.unsqueeze(1)
    return (xm.mm((xm if w is None else xm * w).t()) / norm).squeeze()


def corrcoef(input: Tensor) -> Tensor:
    """Pearson's correlation of the rows: cov / (σ_i σ_j), clipped to [-1, 1]."""
    c = cov(input)
    if not c.data.ndim:
        return c / c
    stddev = c.diagonal().sqrt()
    return (c / stddev.reshape(-1, 1) / stddev.reshape(1, -1)).clip(-1, 1)


def logcumsumexp(input: Tensor, dim: int) -> Tensor:
    """out_i = log Σ_{j<=i} exp(x_j) along ``dim``, without overflow.
    dx_j = Σ_{i>=j} g_i exp(x_j - out_i), summed in log space by the sign of g."""
    check_tensor("logcumsumexp", "input", input)
    X = input.data
    d = ops._one_axis("logcumsumexp", "dim", dim, X.ndim)
    if X.dtype.kind not in "fc":
        raise NotImplementedError(f'"logcumsumexp_out_cpu" not implemented for '
                           f"'{dtypes.torch_name(X.dtype)}'")  # fmt: skip
    out = np.logaddexp.accumulate(X, axis=d) if X.ndim else X.copy()

    def vjp(g: np.ndarray) -> np.ndarray:
        if not X.ndim:
            return g
        with np.errstate(divide="ignore", invalid="ignore"):
            total = np.zeros_like(X)
            for sign in (1, -1):
                logs = np.log(np.maximum(sign * g, 0)) - out  # -inf where g has the other sign
                back = np.flip(np.logaddexp.accumulate(np.flip(logs, d), axis=d), d)
                total += sign * np.exp(back + X)
        return total

    return record(out, "Logcumsumexp", (input,), (vjp,), saved=(input,), saves_out=True)


# ---- quantiles and medians ----------------------------------------------------------------

_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def quantile(input: Tensor, q: Any, dim: Any = None, keepdim: bool = False, *,
             interpolation: str = "linear") -> Tensor:  # fmt: skip
    """The q-th quantiles along ``dim`` (all elements if None), from the sorted values at
    rank q (n - 1), between neighbours by ``interpolation``; NaN where a slice has a NaN.
    A 1-D q puts its dim first. The gradient reaches the sorted neighbours (by weight)."""
    return _quantile("quantile", input, q, dim, keepdim, interpolation, ignore_nan=False)


def nanquantile(input: Tensor, q: Any, dim: Any = None, keepdim: bool = False, *,
                interpolation: str = "linear") -> Tensor:  # fmt: skip
    """quantile of the values that are not NaN (NaN where a slice has no other)."""
    return _quantile("nanquantile", input, q, dim, keepdim, interpolation, ignore_nan=True)


def _quantile(name: str, input: Tensor, q: Any, dim: Any, keepdim: bool, interpolation: str,
              ignore_nan: bool) -> Tensor:  # fmt: skip
    check_tensor(name, "input", input)
    X = input.data
    if X.dtype.kind != "f":
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype, "
                           f"got {X.dtype}")  # fmt: skip
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"{name}() interpolation must be one of {', '.join(_INTERPOLATIONS)}. "
                           f"Got '{interpolation}'")  # fmt: skip
    Q = q.data if isinstance(q, Tensor) else np.asarray(q, np.float64)
    if Q.ndim > 1:
        raise RuntimeError(f"{name}() q must be a scalar or 1D tensor, got {Q.ndim}-D")
    if isinstance(q, Tensor) and Q.dtype != X.dtype:
        raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor, got "
                           f"{Q.dtype} and {X.dtype}")  # fmt: skip
    if not X.size:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    if not ((Q >= 0) & (Q <= 1)).all():
        raise RuntimeError(f"{name}() q values must be in the range [0, 1]")
    if dim is None:
        x, d = input.reshape(-1), 0
    else:
        d = ops._one_axis(name, "dim", dim, X.ndim)
        x = input if X.ndim else input.reshape(1)
    s = x.movedim(d, -1).sort(-1).values  # (..., n)
    n = s.data.shape[-1]
    nan = np.isnan(s.data)
    qs = Q.reshape(-1).astype(X.dtype)
    if ignore_nan:
        ranks = qs * ((~nan).sum(-1, keepdims=True) - 1)
        ranks = np.where(ranks < 0, 0, ranks)
    else:
        ranks = np.where(nan.any(-1, keepdims=True), n - 1, qs * (n - 1))  # (..., k)
    ranks = ranks.astype(X.dtype)
    if interpolation == "lower":
        ranks = np.floor(ranks)
    elif interpolation == "higher":
        ranks = np.ceil(ranks)
    elif interpolation == "nearest":
        ranks = np.round(ranks)
    below = np.floor(ranks).astype(np.int64)
    above = np.ceil(ranks).astype(np.int64)
    low = s.gather(-1, Tensor._new(below))
    out = low
    if interpolation in ("linear", "midpoint"):
        high = s.gather(-1, Tensor._new(above))
        w = np.full_like(ranks, 0.5) if interpolation == "midpoint" else ranks - below
        out = low.lerp(high, Tensor._new(w.astype(X.dtype)))
    out = out.movedim(-1, 0)  # (k, ...)
    if keepdim:
        out = out.unsqueeze(d + 1) if dim is not None else out.reshape(-1, *(1,) * X.ndim)
        if dim is not None and not X.ndim:
            out = out.squeeze(d + 1)
    return out if Q.ndim else out.squeeze(0)


Median = namedtuple("nanmedian", ["values", "indices"])


def nanmedian(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:
    """The lower median of the values that are not NaN (NaN if all are). Of all of x: one
    value, the gradient going to the element it is; along ``dim``: (values, indices)."""
    check_tensor("nanmedian", "input", input)
    X = input.data
    if X.dtype.kind == "b":
        raise NotImplementedError("\"nanmedian_cpu\" not implemented for 'Bool'")
    if dim is None:
        if not X.size:
            return Tensor._new(np.asarray(np.nan, X.dtype))
        flat = input.reshape(-1)
        return _nanmedian_along(flat, 0).values.squeeze()
    d = ops._one_axis("nanmedian", "dim", dim, X.ndim)
    if X.ndim and not X.shape[d]:
        raise IndexError(f"nanmedian(): Expected reduction dim {d} to have non-zero size.")
    out = _nanmedian_along(input if X.ndim else input.reshape(1), d if X.ndim else 0)
    if keepdim or not X.ndim:
        return Median(*(t.reshape(X.shape) if not X.ndim else t for t in out))
    return Median(out.values.squeeze(d), out.indices.squeeze(d))


def _nanmedian_along(x: Tensor, d: int) -> Median:
    """(values, indices) with dim d kept: the ((k - 1) // 2)-th of a slice's k non-NaN values."""
    order = np.argsort(x.data, axis=d, kind="stable")  # NaN sorts last
    k = (~np.isnan(x.data) if x.data.dtype.kind == "f" else np.ones(x.data.shape, bool)).sum(
        d, keepdims=True
    )
    at = np.where(k > 0, (k - 1) // 2, 0)
    idx = np.take_along_axis(order, at, d)
    return Median(x.gather(d, Tensor._new(idx)), Tensor._new(idx))


def msort(input: Tensor) -> Tensor:
    """input sorted along dim 0."""
    check_tensor("msort", "input", input)
    return input.sort(0).values


# ---- views and selections ---------------------------------------------------------------------


def sum_to_size(input: Tensor, *size: Any) -> Tensor:
    """input summed to ``size``, to which it must expand (a dim kept where size has it)."""
    shape = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else size
    X = input.data
    try:
        ok = np.broadcast_shapes(shape, X.shape) == X.shape
    except ValueError:
        ok = False
    if not ok:
        raise RuntimeError(f"sum_to_size: size {list(shape)} is not expandable to size "
                           f"{list(X.shape)}")  # fmt: skip
    lead = X.ndim - len(shape)
    out = input.sum(tuple(range(lead))) if lead else input
    kept = tuple(i for i, n in enumerate(shape) if n == 1 and out.data.shape[i] != 1)
    return out.sum(kept, keepdim=True) if kept else out


def unfold(input: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """A view of all slices of length ``size`` along ``dimension``, ``step`` apart: that dim
    becomes their count and a last dim of ``size`` is added.
    dx = each window's gradient added back at its place."""
    X = input.data
    d = ops._one_axis("unfold", "dimension", dimension, X.ndim)
    n = X.shape[d] if X.ndim else 1
    if step <= 0:
        raise RuntimeError(f"unfold: step is {step} but must be > 0")
    if not 0 <= size <= n:
        raise RuntimeError(f"unfold: maximum size for tensor at dimension {d} is {n} but size "
                           f"is {size}")  # fmt: skip
    if not X.ndim:
        return ops._view(X.reshape(1), input, "Unfold", lambda g: g.reshape(()))
    count = (n - size) // step + 1
    shape = X.shape[:d] + (count,) + X.shape[d + 1 :] + (size,)
    strides = X.strides[:d] + (X.strides[d] * step,) + X.strides[d + 1 :] + (X.strides[d],)
    out = np.lib.stride_tricks.as_strided(
        X, shape, strides, writeable=step >= size and X.flags.writeable
    )

    def vjp(g: np.ndarray) -> np.ndarray:
        dx = np.zeros(X.shape, g.dtype)
        moved = np.moveaxis(dx, d, -1)  # a view: (..., n)
        windows = np.moveaxis(g, d, -2)  # (..., count, size)
        for j in range(size):
            np.add.at(moved, (..., j + step * np.arange(count)), windows[..., j])
        return dx

    return ops._view(out, input, "Unfold", vjp)


def select(input: Tensor, dim: int, index: int) -> Tensor:
    """The slice at ``index`` along ``dim`` (that dim removed): a view."""
    check_tensor("select", "input", input)
    X = input.data
    if not X.ndim:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = ops._one_axis("select", "dim", dim, X.ndim)
    if not -X.shape[d] <= index < X.shape[d]:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(X.shape)} at dimension {d}")  # fmt: skip
    return input[(slice(None),) * d + (index,)]


# the Tensor methods that are functions of this module
METHODS = (
    "addmv addr addbmm baddbmm aminmax cov corrcoef logcumsumexp quantile nanquantile "
    "nanmedian msort sum_to_size unfold select bitwise_left_shift bitwise_right_shift"
).split()
for _name in METHODS:
    setattr(Tensor, _name, globals()[_name])
inplace.DERIVED.update(dict.fromkeys("addmv addr addbmm baddbmm".split(), "value"))
inplace.install(Tensor)  # exp2_, ge_, t_, addmv_, ...: from their out-of-place methods
globals().update({name: _function(name) for name in _INPLACE_FUNCTIONS})

__all__ = [*_INPLACE_FUNCTIONS, *(n for n in METHODS if n not in ("sum_to_size", "unfold"))]
