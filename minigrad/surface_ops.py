"""More of PyTorch's surface: the ``torch.*`` forms of in-place methods, bit shifts,
matrix-vector products with scaling, covariance, quantiles, scatters, windows, and the
dtype queries.

As in ``extra_ops.py``, an op that is a composition of ops minigrad has is one here too,
so its graph is made of their nodes; the others record a node of their own, its forward
beside its vector-Jacobian products (``g`` the output's gradient).
"""

from __future__ import annotations

import builtins
import functools
import inspect
import itertools
import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from . import (
    dtypes,
    factories,
    inplace,
    linalg,
    more_ops,
    ops,
    printing,
    select_ops,
)
from .device import check as check_device
from .engine import no_derivative, record
from .errors import warn_once
from .nn import activation_ops
from .return_types import return_type
from .special_functions import bessel_i
from .tensor import NOT_GIVEN, Tensor, _sizes_or_keyword, check_tensor, memory_owner, size_arg

# ---- torch.* forms of in-place methods: torch.exp_(x) is x.exp_() ---------------------

_INPLACE_FUNCTIONS = (
    "abs_ acos_ acosh_ addmv_ arccos_ arccosh_ arcsin_ arcsinh_ arctan_ arctanh_ as_strided_ asin_ "
    "asinh_ atan_ atanh_ ceil_ clamp_ clamp_max_ clamp_min_ clip_ cos_ cosh_ deg2rad_ "
    "detach_ erf_ erfc_ exp2_ exp_ expm1_ fill_ fix_ floor_ frac_ gcd_ i0_ index_put_ lcm_ "
    "ldexp_ log10_ log1p_ log2_ log_ logit_ nan_to_num_ neg_ negative_ rad2deg_ "
    "reciprocal_ relu_ resize_as_ round_ rsqrt_ sigmoid_ sin_ sinc_ sinh_ sqrt_ square_ tan_ tanh_ "
    "trunc_ xlogy_ zero_"
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
    """A shift of integers; a bool beside an integer is promoted to it (as PyTorch), two
    bools are refused."""
    kinds = [np.asarray(V.data if isinstance(V, Tensor) else V).dtype.kind for V in (input, other)]
    if kinds == ["b", "b"]:
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
    products = batch1.bmm(batch2)  # summed in their dtype (sum would widen integers)
    return _add_product("addbmm", input, products.sum(0, dtype=products.dtype), beta, alpha)


def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1,
            alpha: Any = 1) -> Tensor:  # fmt: skip
    """beta * input + alpha * (batch1 @ batch2): (B, n, p) from (B, n, m), (B, m, p)."""
    _dims("baddbmm", "batch1", batch1, 3)
    _dims("baddbmm", "batch2", batch2, 3)
    return _add_product("baddbmm", input, batch1.bmm(batch2), beta, alpha)


# ---- reductions: min and max together, covariance, cumulative log-sum-exp ---------------

Aminmax = return_type("aminmax", ["min", "max"])


def aminmax(input: Tensor, *, dim: Any = None, keepdim: bool = False) -> Aminmax:
    """(amin, amax) over ``dim`` (an int, or None for all elements)."""
    check_tensor("aminmax", "input", input)
    ops._refuse("aminmax", input.data, "c", NotImplementedError)
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
    return (xm.mm((xm if w is None else xm * w).t().conj()) / norm).squeeze()


def corrcoef(input: Tensor) -> Tensor:
    """Pearson's correlation of the rows: cov / (σ_i σ_j), clipped to [-1, 1]."""
    c = cov(input)
    if not c.data.ndim:
        return c / c
    stddev = c.diagonal().sqrt()
    r = c / stddev.reshape(-1, 1) / stddev.reshape(1, -1)
    if r.data.dtype.kind == "c":  # each part clipped (a complex tensor has no order)
        return Tensor._new(r.data.real.clip(-1, 1) + 1j * r.data.imag.clip(-1, 1))
    return r.clip(-1, 1)


def logcumsumexp(input: Tensor, dim: int) -> Tensor:
    """out_i = log Σ_{j<=i} exp(x_j) along ``dim``, without overflow.
    dx_j = Σ_{i>=j} g_i exp(x_j - out_i), summed in log space by the sign of g."""
    check_tensor("logcumsumexp", "input", input)
    X = input.data
    d = ops._one_axis("logcumsumexp", "dim", dim, X.ndim)
    if X.dtype.kind not in "fc":
        raise NotImplementedError(f'"logcumsumexp_out_cpu" not implemented for '
                                  f"'{dtypes.torch_name(X.dtype)}'")  # fmt: skip
    wide = dtypes.scan_math(X)  # a float32 scan accumulates in float64, as PyTorch's forward
    if X.ndim:
        out = ops._contiguous(np.logaddexp.accumulate(wide, axis=d).astype(X.dtype, copy=False))
    else:
        out = X.copy()

    def vjp(g: np.ndarray) -> np.ndarray:
        if not X.ndim:
            return g
        with np.errstate(divide="ignore", invalid="ignore"):  # in x's dtype, as PyTorch's
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
    if X.dtype not in (np.float32, np.float64):  # not float16 either, as PyTorch
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
        scale = ((~nan).sum(-1, keepdims=True) - 1).astype(X.dtype)
        ranks = qs * scale
        fixed = ranks < 0  # the ranks that are not q's
        ranks = np.where(fixed, 0, ranks)
    else:
        scale = np.asarray(n - 1, X.dtype)
        fixed = nan.any(-1, keepdims=True)
        ranks = np.where(fixed, n - 1, qs * scale)  # (..., k)
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
        if interpolation == "midpoint":
            w = Tensor._new(np.full_like(ranks, 0.5))
        elif isinstance(q, Tensor):  # w = q scale - below, so that dq = g (high - low) scale
            by_q = q.reshape(-1) * Tensor._new(scale) - Tensor._new(below.astype(X.dtype))
            w = ops.where(Tensor._new(fixed), Tensor._new((ranks - below).astype(X.dtype)), by_q)
        else:
            w = Tensor._new((ranks - below).astype(X.dtype))
        out = low.lerp(high, w)
    out = out.movedim(-1, 0)  # (k, ...)
    if keepdim:
        out = out.unsqueeze(d + 1) if dim is not None else out.reshape(-1, *(1,) * X.ndim)
        if dim is not None and not X.ndim:
            out = out.squeeze(d + 1)
    return out if Q.ndim else out.squeeze(0)


Median = return_type("nanmedian", ["values", "indices"])


def nanmedian(input: Tensor, dim: Any = NOT_GIVEN, keepdim: Any = NOT_GIVEN) -> Any:
    """The lower median of the values that are not NaN (NaN if all are). Of all of x: one
    value, the gradient shared by the elements equal to it; along ``dim``: (values,
    indices), the gradient going to the index."""
    check_tensor("nanmedian", "input", input)
    dim, keepdim = ops._dim_or_all("nanmedian", dim, keepdim, none_ok=False)
    X = input.data
    if X.dtype.kind == "b":
        raise NotImplementedError("\"nanmedian_cpu\" not implemented for 'Bool'")
    if X.size:  # (of no elements NaN, as PyTorch)
        ops._refuse("nanmedian", X, "c", NotImplementedError)
    if dim is None:
        if X.size:
            at = _nanmedian_along(Tensor._new(X.reshape(-1)), 0).indices.data
            out = np.take(X.reshape(-1), at).reshape(())
        else:
            out = np.asarray(np.nan, X.dtype)

        def vjp(g: np.ndarray) -> np.ndarray:
            hit = np.isnan(X) if np.isnan(out) else X == out
            return np.where(hit, g / builtins.max(np.count_nonzero(hit), 1), 0)

        return record(out, "Nanmedian", (input,), (vjp,), saved=(input,), saves_out=True)
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


def sum_to_size(input: Tensor, *sizes: Any, size: Any = NOT_GIVEN) -> Tensor:
    """input summed to ``size`` (given as ints, one sequence or ``size=``), to which it must
    expand (a dim kept where size has it)."""
    shape = size_arg(_sizes_or_keyword("sum_to_size", "size", sizes, size), "sum_to_size")
    X = input.data
    try:
        ok = np.broadcast_shapes(shape, X.shape) == X.shape
    except ValueError:
        ok = False
    if not ok:
        raise RuntimeError(f"sum_to_size: size {list(shape)} is not expandable to size "
                           f"{list(X.shape)}")  # fmt: skip
    if not shape:  # PyTorch's sum() of it all, even of a 0-d tensor (integers in int64)
        return input.sum()
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
        for j in range(size):  # window element j of every window: a strided slice
            moved[..., j : j + step * (count - 1) + 1 : step] += windows[..., j]
        return dx

    return ops._view(out, input, "Unfold", vjp)


def as_strided(input: Tensor, size: Any, stride: Any, storage_offset: int | None = None) -> Tensor:
    """A view of input's memory (the array that owns it): element i is the one at position
    storage_offset + Σ_k i_k stride_k (input's own offset if none is given).
    dx = g added up at each memory position, read back at input's elements (shared evenly
    where several of input's elements are one position, as an expand's)."""
    check_tensor("as_strided", "input", input)
    size, stride = tuple(size), tuple(stride)
    if len(size) != len(stride):
        raise RuntimeError(f"as_strided: mismatch in length of strides and shape ({list(size)} "
                           f"and {list(stride)})")  # fmt: skip
    if any(s < 0 for s in stride):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got "
                           f"strides: {list(stride)}")  # fmt: skip
    X = input.data
    owner = memory_owner(X)
    if not owner.flags.c_contiguous:
        raise RuntimeError("as_strided: the tensor's memory is not one contiguous array")
    start = input.storage_offset() if storage_offset is None else storage_offset
    item, memory = X.itemsize, owner.reshape(-1).view(X.dtype)
    need = start + sum((n - 1) * s for n, s in zip(size, stride)) + 1 if all(size) else 0
    if need > memory.size:
        raise RuntimeError(f"as_strided: sizes {list(size)}, strides {list(stride)}, storage "
                           f"offset {start}, and itemsize {item} requiring a storage size of "
                           f"{need * item} are out of bounds for storage of size "
                           f"{memory.size * item}")  # fmt: skip
    out = np.lib.stride_tricks.as_strided(memory[min(start, memory.size):], size,
                                          tuple(s * item for s in stride),
                                          writeable=X.flags.writeable)  # fmt: skip

    def positions(shape: tuple, strides: tuple, offset: int) -> np.ndarray:
        """Each element's memory position, in elements."""
        at = np.full(shape, offset, np.intp)
        for k, (n, s) in enumerate(zip(shape, strides)):
            at += (np.arange(n) * s).reshape((n,) + (1,) * (len(shape) - k - 1))
        return at

    def vjp(g: np.ndarray) -> np.ndarray:
        inside = positions(X.shape, input.stride(), input.storage_offset())
        outside = positions(out.shape, stride, start)
        n = memory.size
        total = np.bincount(outside.reshape(-1), g.reshape(-1), n).astype(g.dtype)
        count = np.bincount(inside.reshape(-1), minlength=n)
        return (total / np.maximum(count, 1).astype(g.dtype))[inside]

    return ops._view(out, input, "AsStrided", vjp)


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


# ---- scatters: a copy of input with a part replaced, added to or reduced into ------------


def _scatter_part(name: str, input: Tensor, src: Tensor, part: Callable) -> Tensor:
    """A copy of input whose elements at ``part`` (a view op on an array, as PyTorch's
    select, slice or diagonal) are src's, which must have that part's shape.
    dinput = g with the part zeroed,   dsrc = g at the part."""
    check_tensor(name, "input", input)
    check_tensor(name, "src", src)
    X = input.data
    at = part(np.arange(X.size).reshape(X.shape))  # flat positions of the part's elements
    if src.data.shape != at.shape:
        raise RuntimeError(f"{name}: expected src to have a size equal to the slice of self. "
                           f"src size = {list(src.data.shape)}, slice size = "
                           f"{list(at.shape)}")  # fmt: skip
    out = X.copy()
    np.put(out, at, src.data)

    def vjp_input(g: np.ndarray) -> np.ndarray:
        g = g.copy()
        np.put(g, at, 0)
        return g

    return record(out, name.title().replace("_", ""), (input, src),
                  (vjp_input, lambda g: np.take(g, at).astype(src.data.dtype)))  # fmt: skip


def select_scatter(input: Tensor, src: Tensor, dim: int, index: int) -> Tensor:
    """input with input.select(dim, index) replaced by src."""
    check_tensor("select_scatter", "input", input)
    return _scatter_part(
        "select_scatter", input, src, lambda P: select(Tensor._new(P), dim, index).data
    )


def slice_scatter(input: Tensor, src: Tensor, dim: int = 0, start: int | None = None,
                  end: int | None = None, step: int = 1) -> Tensor:  # fmt: skip
    """input with its slice start:end:step along dim replaced by src."""
    check_tensor("slice_scatter", "input", input)
    d = ops._one_axis("slice_scatter", "dim", dim, input.data.ndim)
    if step <= 0:
        raise RuntimeError("slice_scatter: slice step must be positive")
    return _scatter_part("slice_scatter", input, src,
                         lambda P: P[(slice(None),) * d + (slice(start, end, step),)])  # fmt: skip


def diagonal_scatter(input: Tensor, src: Tensor, offset: int = 0, dim1: int = 0,
                     dim2: int = 1) -> Tensor:  # fmt: skip
    """input with its diagonal (as input.diagonal(offset, dim1, dim2)) replaced by src."""
    check_tensor("diagonal_scatter", "input", input)
    n = input.data.ndim
    d1 = ops._one_axis("diagonal_scatter", "dim1", dim1, n)
    d2 = ops._one_axis("diagonal_scatter", "dim2", dim2, n)
    if d1 == d2:
        raise RuntimeError(
            f"diagonal_scatter: diagonal dimensions cannot be identical {dim1}, {dim2}"
        )
    return _scatter_part("diagonal_scatter", input, src, lambda P: P.diagonal(offset, d1, d2))


def as_strided_scatter(input: Tensor, src: Tensor, size: Any, stride: Any,
                       storage_offset: int | None = None) -> Tensor:  # fmt: skip
    """input with the elements as_strided(size, stride, storage_offset) picks out of a
    C-contiguous copy of it replaced by src."""
    check_tensor("as_strided_scatter", "input", input)
    return _scatter_part(
        "as_strided_scatter", input, src,
        lambda P: as_strided(Tensor._new(P), size, stride, storage_offset).data,
    )  # fmt: skip


def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """input (broadcast with mask) with the places where mask is True filled, in order, by
    source's first elements.   dinput = g where not mask,   dsource = g at the mask, in order."""
    check_tensor("masked_scatter", "input", input)
    check_tensor("masked_scatter", "mask", mask)
    check_tensor("masked_scatter", "source", source)
    if mask.data.dtype != np.bool_:
        raise RuntimeError(f"masked_scatter: only supports boolean masks, but got mask with "
                           f"dtype {dtypes.torch_name(mask.data.dtype)}")  # fmt: skip
    if source.data.dtype != input.data.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but "
                           f"got {input.data.dtype} and {source.data.dtype}")  # fmt: skip
    try:
        X, M = np.broadcast_arrays(input.data, mask.data)
    except ValueError:
        raise RuntimeError(f"masked_scatter: shapes {input.data.shape} and {mask.data.shape} "
                           "cannot be broadcast together") from None  # fmt: skip
    k = int(M.sum())
    S = source.data.reshape(-1)
    if k > S.size:
        raise RuntimeError(f"masked_scatter: number of elements of source ({S.size}) < number "
                           f"of ones in mask ({k})")  # fmt: skip
    out = X.copy()
    out[M] = S[:k]
    source_shape = source.data.shape  # (source may change shape in place before backward)

    def vjp_source(g: np.ndarray) -> np.ndarray:
        ds = np.zeros(S.size, g.dtype)
        ds[:k] = g[M]
        return ds.reshape(source_shape)

    return record(out, "MaskedScatter", (input, source),
                  (lambda g: np.where(M, 0, g), vjp_source))  # fmt: skip


def index_put(input: Tensor, indices: Any, values: Tensor, accumulate: bool = False) -> Tensor:
    """A copy of input with input[indices] = values (indices a tuple of integer or bool
    Tensors), or += values at each index, repeats adding up, if ``accumulate``."""
    check_tensor("index_put", "input", input)
    check_tensor("index_put", "values", values)
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"index_put(): argument 'indices' must be tuple of Tensors, not "
                        f"{type(indices).__name__}")  # fmt: skip
    for i in indices:
        if not isinstance(i, Tensor) or i.data.dtype not in dtypes.MASK_OR_INDEX:
            raise IndexError(
                "index_put: tensors used as indices must be long, int, byte or bool tensors"
            )
    if values.data.dtype != input.data.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{dtypes.torch_name(input.data.dtype)} for the destination and "
                           f"{dtypes.torch_name(values.data.dtype)} for the source.")  # fmt: skip
    if not accumulate:
        return ops.index_put(input, tuple(indices), values)
    at = tuple(np.nonzero(i.data) if i.data.dtype == np.bool_ else (i.data,) for i in indices)
    at = tuple(a for part in at for a in part)
    out = input.data.copy()
    try:
        np.add.at(out, at, np.broadcast_to(values.data, out[at].shape))
    except (IndexError, ValueError) as e:
        raise IndexError(f"index_put: {e} (input of shape {out.shape})") from None
    return record(out, "IndexPut", (input, values), (lambda g: g, lambda g: g[at]))


_REDUCTIONS = {"sum": np.add, "prod": np.multiply, "mean": np.add, "amax": np.maximum,
               "amin": np.minimum}  # fmt: skip
_REDUCE_ALIASES = {"max": "amax", "min": "amin"}  # PyTorch takes these too


def scatter_reduce(input: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *,
                   include_self: bool = True) -> Tensor:  # fmt: skip
    """input with src[i] reduced into out[index[i]] along dim (``reduce``: sum, prod, mean,
    amax, amin), input's own value taking part if ``include_self``.
    Gradients as PyTorch's: sum and mean pass g (divided by the count); prod the product of
    the others; amax and amin share g evenly among the elements equal to the result (NaN
    where the result is NaN, none being equal to it)."""
    check_tensor("scatter_reduce", "input", input)
    check_tensor("scatter_reduce", "index", index)
    check_tensor("scatter_reduce", "src", src)
    reduce = _REDUCE_ALIASES.get(reduce, reduce)
    if reduce not in _REDUCTIONS:
        raise RuntimeError(
            f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}"
        )
    X, I, S = input.data, index.data, src.data
    if I.dtype not in dtypes.INDEX_INTS:  # as scatter's
        raise RuntimeError(
            f"scatter_reduce(): Expected dtype int64 or int32 for index, got {I.dtype}"
        )
    if S.dtype != X.dtype:
        raise RuntimeError(f"scatter_reduce(): Expected self.dtype to be equal to src.dtype, got "
                           f"{X.dtype} and {S.dtype}")  # fmt: skip
    d = ops._one_axis("scatter_reduce", "dim", dim, X.ndim)
    if I.ndim != X.ndim or I.ndim != S.ndim and I.size:
        raise RuntimeError("scatter_reduce(): Index tensor must have the same number of "
                           "dimensions as self and src tensors")  # fmt: skip
    if any(n > m for n, m in zip(I.shape, S.shape)) or any(
        n > m for k, (n, m) in enumerate(zip(I.shape, X.shape)) if k != d
    ):
        raise RuntimeError(f"scatter_reduce(): Expected index {I.shape} to be smaller than self "
                           f"{X.shape} apart from dimension {d} and to be smaller size than src "
                           f"{S.shape}")  # fmt: skip
    n = X.shape[d] if X.ndim else 1
    if I.size and reduce in ("amax", "amin"):  # complex numbers have no order
        ops._refuse(f"scatter_reduce ({reduce})", X, "c", NotImplementedError)
    if I.size and (I.min() < 0 or I.max() >= n):
        raise RuntimeError(f"scatter_reduce(): index out of range for dimension {d} of size {n}")
    at = list(np.indices(I.shape, sparse=True)) if I.ndim else []
    if I.ndim:
        at[d] = I
    at = tuple(at)
    Sp = S[tuple(slice(0, n) for n in I.shape)]  # the part of src the index covers
    hit = np.zeros(X.shape, bool)
    hit[at] = True
    count = np.zeros(X.shape, np.int64)
    np.add.at(count, at, 1)
    ufunc = _REDUCTIONS[reduce]
    out = X.copy()
    if not include_self:
        identity = {"sum": 0, "mean": 0, "prod": 1}.get(reduce)
        if identity is None:  # amax and amin start from the first value scattered
            identity = np.inf if reduce == "amin" else -np.inf
            if X.dtype.kind != "f":
                info = np.iinfo(X.dtype) if X.dtype.kind in "iu" else None
                identity = (
                    (info.max if reduce == "amin" else info.min) if info else not (reduce == "amax")
                )
        out[hit] = identity
    with np.errstate(invalid="ignore"):  # a NaN (or inf * 0) gives NaN quietly, as PyTorch
        ufunc.at(out, at, Sp)
    if reduce == "mean":
        n = count + (1 if include_self else 0)
        n = np.where(n == 0, 1, n)
        out = out / n if X.dtype.kind == "f" else np.floor_divide(out, n)
        out = out.astype(X.dtype)
    own = ~hit | include_self  # where input's value took part

    def split(g: np.ndarray) -> tuple:
        """(dinput, dsrc) of g."""
        if reduce == "sum":
            return np.where(own, g, 0), g[at]
        if reduce == "mean":
            share = g / np.where(count + include_self == 0, 1, count + include_self)
            return np.where(own, np.where(hit, share, g), 0), share[at]
        if reduce == "prod":
            factors_x = np.where(own, X, 1)
            nonzero = np.where(factors_x == 0, 1, factors_x)
            zeros = (factors_x == 0).astype(np.int64)
            np.multiply.at(nonzero, at, np.where(Sp == 0, 1, Sp))
            np.add.at(zeros, at, (Sp == 0).astype(np.int64))

            def others(v: np.ndarray, where: Any) -> np.ndarray:
                """The product of the other factors of v's place."""
                p, z = nonzero[where], zeros[where]
                return np.where(
                    v == 0, np.where(z == 1, p, 0), np.where(z == 0, p / np.where(v == 0, 1, v), 0)
                )

            return np.where(own, g * others(X, ...), 0), g[at] * others(Sp, at)
        is_x = X == out  # counted in the share even where it took no part, as PyTorch
        n = is_x.astype(g.dtype)
        is_s = Sp == out[at]
        np.add.at(n, at, is_s)
        with np.errstate(divide="ignore", invalid="ignore"):  # n = 0 where out is NaN: there,
            share = g / n  # as PyTorch's (x == out) * g / n, 0 * inf gives NaN gradients
            return np.where(own, is_x * share, 0), is_s * share[at]

    def vjp_src(g: np.ndarray) -> np.ndarray:
        ds = np.zeros(S.shape, g.dtype)
        ds[tuple(slice(0, n) for n in I.shape)] = split(g)[1]
        return ds

    return record(out, "ScatterReduce", (input, src), (lambda g: split(g)[0], vjp_src),
                  saved=(input, src), saves_out=True)  # fmt: skip


def _put_at(name: str, input: Tensor, index: Tensor, source: Tensor) -> tuple:
    """(positions as a tuple of index tensors, source flat): ``index`` is into input read
    flat in C order, negative counting from the end, as ``take``."""
    check_tensor(name, "index", index)
    check_tensor(name, "source", source)
    if index.data.dtype != np.int64:
        raise RuntimeError(f"{name}(): Expected a long tensor for index, but got "
                           f"{dtypes.torch_name(index.data.dtype)}")  # fmt: skip
    if source.data.dtype != input.data.dtype:
        raise RuntimeError(f"{name}(): self and source expected to have the same dtype, but got "
                           f"self.dtype = {dtypes.torch_name(input.data.dtype)} and source.dtype "
                           f"= {dtypes.torch_name(source.data.dtype)}")  # fmt: skip
    if source.data.size != index.data.size:
        raise IndexError(f"{name}(): Expected source and index to have the same number of "
                         f"elements, but got source.numel() = {source.data.size}, index.numel() "
                         f"= {index.data.size}")  # fmt: skip
    n, flat = input.data.size, index.data.reshape(-1)
    bad = flat[(flat < -n) | (flat >= n)]
    if bad.size:
        raise IndexError(f"{name}(): out of range: tried to access index {bad[0]} on a tensor of "
                         f"{n} elements.")  # fmt: skip
    at = np.unravel_index(flat % max(n, 1), input.data.shape)
    return tuple(Tensor._new(np.asarray(a, np.int64)) for a in at), source.reshape(-1)


def put(input: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
    """A copy of input with its elements at the flat (C-order) positions ``index`` set to
    source's (or, with ``accumulate``, source's added): an index_put."""
    check_tensor("put", "input", input)
    if not input.data.ndim:  # as its one element
        return put(input.reshape(1), index, source, accumulate).reshape(())
    at, values = _put_at("put", input, index, source)
    return index_put(input, at, values, accumulate)


def put_(input: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
    """put, in place."""
    check_tensor("put_", "input", input)
    if not input.data.ndim:  # through a view of its one element
        put_(input.view(1), index, source, accumulate)
        return input
    at, values = _put_at("put_", input, index, source)
    return input.index_put_(at, values, accumulate)


def index_reduce(input: Tensor, dim: int, index: Tensor, source: Tensor, reduce: str, *,
                 include_self: bool = True) -> Tensor:  # fmt: skip
    """input with source's slice i along dim reduced into slice index[i] (``reduce``: prod,
    mean, amax, amin): a scatter_reduce with index spread over source's shape."""
    check_tensor("index_reduce", "index", index)
    check_tensor("index_reduce", "source", source)
    warn_once("index_reduce() is in beta and the API may change at any time.")
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or "
                           f"amin but got {reduce}.")  # fmt: skip
    if index.data.ndim > 1:
        raise IndexError("index_reduce(): Index is supposed to be a vector")
    d = ops._one_axis("index_reduce", "dim", dim, source.data.ndim)
    if index.data.size != (source.data.shape[d] if source.data.ndim else 1):
        raise IndexError(f"index_reduce(): Number of indices ({index.data.size}) should be equal "
                         f"to source.size(dim) ({source.data.shape[d]})")  # fmt: skip
    n = input.data.shape[d] if input.data.ndim else 1
    if index.data.size and (index.data.min() < 0 or index.data.max() >= n):
        raise IndexError(f"index_reduce(): index out of range in self (indices {index.tolist()} "
                         f"for a dim of size {n})")  # fmt: skip
    shape = [1] * source.data.ndim
    if shape:
        shape[d] = -1
    spread = index.reshape(tuple(shape)).expand(source.data.shape)
    return scatter_reduce(input, d, spread, source, reduce, include_self=include_self)


# ---- norms, histograms, membership, runs -----------------------------------------------------


def renorm(input: Tensor, p: Any, dim: int, maxnorm: Any) -> Tensor:
    """Each slice along ``dim`` whose p-norm (over the other dims) is over maxnorm, scaled to
    norm maxnorm: x * maxnorm / (norm + 1e-7) there."""
    check_tensor("renorm", "input", input)
    X = input.data
    if not p > 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    if X.dtype.kind not in "fc":
        raise RuntimeError(
            f"renorm: expected a floating point tensor, got {dtypes.torch_name(X.dtype)}"
        )
    if X.ndim < 2:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {X.ndim} dimensions")
    d = ops._one_axis("renorm", "dim", dim, X.ndim)
    others = tuple(k for k in range(X.ndim) if k != d)
    norm = linalg.vector_norm(input, p, dim=others, keepdim=True)
    factor = ops.where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0).to(X.dtype)
    return input * factor


def histc(input: Tensor, bins: int = 100, min: Any = 0, max: Any = 0) -> Tensor:
    """The counts of input's elements in ``bins`` equal bins over [min, max] (the data's range
    if both are 0), in input's dtype; elements outside are not counted. No gradient."""
    check_tensor("histc", "input", input)
    X = input.data
    if X.dtype.kind != "f":
        raise NotImplementedError(
            f"\"histogram_cpu\" not implemented for '{dtypes.torch_name(X.dtype)}'"
        )
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    lo, hi = X.dtype.type(min), X.dtype.type(max)
    if lo == hi and X.size:
        lo, hi = X.min(), X.max()
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{lo}, {hi}] is not finite")
    flat = X.reshape(-1)
    inside = flat[(flat >= lo) & (flat <= hi)]
    pos = ((inside - lo) * X.dtype.type(bins) / (hi - lo)).astype(np.int64)
    pos = np.clip(pos, 0, bins - 1)  # max falls into the last bin
    return Tensor._new(np.bincount(pos, minlength=bins).astype(X.dtype))


def histogram(input: Tensor, bins: Any = 100, *, range: Any = None, weight: Tensor | None = None,
              density: bool = False) -> Any:  # fmt: skip  # noqa: A002 - PyTorch's name
    """(hist, bin_edges): the (weighted) counts of input's elements in ``bins`` equal bins over
    ``range`` (the data's, if None) or between the edges of a 1-D Tensor ``bins``; each bin
    holds [left, right) but the last one both ends; with ``density``, divided by the total
    times the bin's width. In input's dtype, which must be floating; no gradient."""
    check_tensor("histogram", "input", input)
    X = input.data
    if X.dtype.kind != "f" or (X.dtype == np.float16 and X.size):  # (PyTorch: no float16 kernel)
        raise NotImplementedError(
            f"\"histogramdd\" not implemented for '{dtypes.torch_name(X.dtype)}'"
        )
    if isinstance(bins, Tensor):
        _check_edges(bins, X.dtype, 0)
        edges = bins.data
    else:
        if bins <= 0:
            raise RuntimeError(f"histogram(): bins must be > 0, but got {bins} for dimension 0")
        lo, hi = (X.min(), X.max()) if range is None and X.size else (range or (0.0, 1.0))
        if lo == hi:  # as PyTorch (and NumPy): a bin of width 1 around the value
            lo, hi = lo - 0.5, hi + 0.5
        if not lo <= hi:
            raise RuntimeError(f"histogram(): min should not exceed max, but got min {lo} max "
                               f"{hi}")  # fmt: skip
        edges = factories.linspace(float(lo), float(hi), bins + 1, dtype=X.dtype).data  # PyTorch's
    W = None if weight is None else weight.data.reshape(-1)
    hist = _counts([_bin_positions(X.reshape(-1), edges)], [len(edges) - 1], W)
    if density:
        with np.errstate(divide="ignore", invalid="ignore"):  # no counts: NaN, quietly
            hist = hist / (hist.sum() * np.diff(edges))
    return _HISTOGRAM(Tensor._new(hist.astype(X.dtype)), Tensor._new(edges))


_HISTOGRAM = return_type("histogram", ["hist", "bin_edges"])


def _bin_positions(x: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Each x's bin as PyTorch finds it: only for edges[0] <= x <= edges[-1], by std::upper_bound's
    binary search (whose answer for edges that do not increase is PyTorch's, not NumPy's), the
    last bin closed on the right; -1 for an x in no bin."""
    n = len(edges)
    first, count = np.zeros(x.shape, np.intp), np.full(x.shape, n, np.intp)
    while count.any():  # the search halves every count: about log2(n) rounds
        step = count // 2
        right = (count > 0) & ~(x < edges[np.minimum(first + step, n - 1)])
        first = np.where(right, first + step + 1, first)
        count = np.where(right, count - step - 1, step)
    pos = np.minimum(first - 1, n - 2)
    return np.where((x >= edges[0]) & (x <= edges[-1]) & (pos >= 0), pos, -1)


def _counts(positions: list, sizes: list, weights: np.ndarray | None) -> np.ndarray:
    """The histogram of shape ``sizes`` of points at ``positions`` (one array per dim; -1 in
    any of them: in no bin), each counting 1 or its weight."""
    kept = np.logical_and.reduce([p >= 0 for p in positions])
    flat = np.ravel_multi_index([p[kept] for p in positions], sizes) if kept.any() else []
    w = None if weights is None else weights[kept]
    return np.bincount(flat, w, minlength=math.prod(sizes)).reshape(sizes)


def _check_edges(bins: Tensor, dtype: np.dtype, k: int) -> None:
    if bins.data.size < 2:
        if not bins.data.size:
            raise RuntimeError(
                "torch.histogramdd: bins tensor should have at least 1 element, but got 0 "
                f"elements in the bins tensor for dimension {k}"
            )
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got 0 for dimension {k}")
    if bins.dtype != dtype:
        raise RuntimeError(f"torch.histogramdd: input tensor and bins tensors should have the "
                           f"same dtype, but got input with dtype {dtype} and bins for "
                           f"dimension {k} with dtype {bins.dtype}")  # fmt: skip


def histogramdd(input: Tensor, bins: Any, *, range: Any = None, weight: Tensor | None = None,
                density: bool = False) -> Any:  # fmt: skip  # noqa: A002 - PyTorch's name
    """(hist, bin_edges): input (..., N) read as points in N dims, counted (or their weights
    summed) in the N-dimensional bins whose edges along dim k are ``bins[k]`` (a 1-D Tensor)
    or that many equal bins over range[2k:2k+2] (the data's if None); bins as histogram's.
    With ``density``, divided by the total times the bin's volume. No gradient."""
    check_tensor("histogramdd", "input", input)
    X = input.data
    if X.dtype.kind != "f":
        raise NotImplementedError(
            f"\"histogramdd\" not implemented for '{dtypes.torch_name(X.dtype)}'"
        )
    if X.ndim < 2:
        raise RuntimeError(f"torch.histogramdd: input tensor should have at least 2 dimensions, "
                           f"got {list(X.shape)}")  # fmt: skip
    N = X.shape[-1]
    bins = [bins] * N if isinstance(bins, int) else list(bins)
    if len(bins) != N:
        raise RuntimeError(f"histogramdd: The size of bins ({len(bins)}) must be equal to the "
                           f"innermost dimension of the input ({N}).")  # fmt: skip
    if range is not None and len(range) != 2 * N:
        raise RuntimeError(f"torch.histogramdd: for a {N}-dimensional histogram range should "
                           f"have {2 * N} elements, but got {len(range)}")  # fmt: skip
    points = X.reshape(-1, N)
    for k, b in enumerate(bins):
        if isinstance(b, Tensor):
            _check_edges(b, X.dtype, k)
    edges = [histogram(Tensor._new(points[:, k]), b,
                       range=None if range is None else tuple(range[2 * k : 2 * k + 2])).bin_edges
             for k, b in enumerate(bins)]  # fmt: skip
    if weight is not None and (weight.dtype != X.dtype or weight.shape != X.shape[:-1]):
        raise RuntimeError(f"torch.histogramdd: if weight tensor is provided, it should have the "
                           f"input's dtype ({X.dtype}) and shape but the last dim "
                           f"{list(X.shape[:-1])}, got {weight.dtype} "
                           f"{list(weight.shape)}")  # fmt: skip
    W = None if weight is None else weight.data.reshape(-1)
    positions = [_bin_positions(points[:, k], e.data) for k, e in enumerate(edges)]
    hist = _counts(positions, [e.data.size - 1 for e in edges], W)
    if density:
        volume = functools.reduce(np.multiply.outer, [np.diff(e.data) for e in edges])
        with np.errstate(divide="ignore", invalid="ignore"):
            hist = hist / (hist.sum() * volume)
    return _HISTOGRAMDD(Tensor._new(hist.astype(X.dtype)), tuple(edges))


_HISTOGRAMDD = return_type("histogramdd", ["hist", "bin_edges"])


# ---- segment_reduce: a reduction over consecutive runs along one dim ----------------------

# (the ufunc, the reduction of an empty run)
_SEGMENT_REDUCTIONS = {"sum": (np.add, 0.0), "prod": (np.multiply, 1.0), "mean": (np.add, 0.0),
                       "max": (np.maximum, -np.inf), "amax": (np.maximum, -np.inf),
                       "min": (np.minimum, np.inf), "amin": (np.minimum, np.inf)}  # fmt: skip


def segment_reduce(data: Tensor, reduce: str, *, lengths: Tensor | None = None,
                   indices: Tensor | None = None, offsets: Tensor | None = None, axis: int = 0,
                   unsafe: bool = False, initial: Any = None) -> Tensor:  # fmt: skip
    """out[..., s, ...] = the ``reduce`` (sum, prod, mean, max, min) of data's run s along
    ``axis``, the runs consecutive, of ``lengths`` (or between ``offsets``), one row of them
    per index of data's dims before ``axis``; ``initial`` joins every run (mean: (initial +
    Σ) / length); an empty run is ``initial``, else 0, 1, NaN, -inf, inf.
    dx = g (sum), g / length (mean), g Π of the run's others (prod), g shared among the run's
    elements equal to its max (min)."""
    check_tensor("segment_reduce", "data", data)
    if reduce not in _SEGMENT_REDUCTIONS:
        raise RuntimeError(f"segment_reduce: reduce argument must be either sum, prod, mean, "
                           f"amax or amin, got {reduce}")  # fmt: skip
    if indices is not None:
        raise RuntimeError("segment_reduce(): indices based reduction is not supported yet.")
    if lengths is None and offsets is None:
        raise RuntimeError("segment_reduce(): Either lengths or offsets must be defined.")
    X = data.data
    if X.dtype.kind != "f":
        raise NotImplementedError(
            f"\"_segment_reduce_cpu\" not implemented for '{dtypes.torch_name(X.dtype)}'"
        )
    runs = lengths if lengths is not None else offsets
    check_tensor("segment_reduce", "lengths" if lengths is not None else "offsets", runs)
    R = runs.data
    if R.dtype.kind not in "iu":
        raise NotImplementedError(f"\"_segment_reduce_lengths_cpu_kernel1\" not implemented for "
                                  f"'{dtypes.torch_name(R.dtype)}'")  # fmt: skip
    if R.ndim > X.ndim:
        raise RuntimeError(f"segment_reduce: Expected data.dim() >= lengths.dim(), got data of "
                           f"size {list(X.shape)} and lengths of size {list(R.shape)}")  # fmt: skip
    d = ops._one_axis("segment_reduce", "axis", axis, X.ndim)
    if R.ndim - 1 != d or R.shape[:-1] != X.shape[:d]:
        raise RuntimeError(f"segment_reduce(): Expected axis to be the last dimension of lengths "
                           f"(or offsets) of shape {list(X.shape[:d])} + [segments], but got "
                           f"axis {axis} and shape {list(R.shape)}")  # fmt: skip
    ends = np.cumsum(R, -1) if lengths is not None else R[..., 1:]
    starts = ends - R if lengths is not None else R[..., :-1]
    if np.any(starts > ends):
        raise RuntimeError("segment_reduce: lengths contains negative value!")
    if not unsafe and np.any(ends[..., -1:] != X.shape[d] if ends.shape[-1] else False):
        raise RuntimeError(f"segment_reduce(): Expected all rows of lengths along axis to sum to "
                           f"data.size({d}) = {X.shape[d]} when !unsafe.")  # fmt: skip
    ufunc, empty = _SEGMENT_REDUCTIONS[reduce]
    start = empty if initial is None else initial
    out = np.empty(X.shape[:d] + (R.shape[-1] - (offsets is not None and lengths is None),)
                   + X.shape[d + 1 :], X.dtype)  # fmt: skip
    runs_at = [(i + (s,), i + (slice(starts[i + (s,)], ends[i + (s,)]),))
               for i in np.ndindex(X.shape[:d]) for s in builtins.range(out.shape[d])]  # fmt: skip
    for at, run in runs_at:
        total = ufunc.reduce(X[run], 0, initial=start)
        n = X[run].shape[0]
        if reduce == "mean":
            total = total / n if n else (np.full_like(total, np.nan) if initial is None else total)
        out[at] = total

    def vjp(g: np.ndarray) -> np.ndarray:
        dx = np.zeros(X.shape, g.dtype)
        for at, run in runs_at:
            x, y, gs = X[run], out[at], g[at]
            if not x.shape[0]:
                continue
            if reduce == "sum":
                dx[run] = gs
            elif reduce == "mean":
                dx[run] = gs / x.shape[0]
            elif reduce == "prod":  # the product of the others, exactly (x may hold 0 or NaN)
                left = np.cumprod(np.concatenate([np.full_like(x[:1], start), x[:-1]]), 0)
                right = np.cumprod(np.concatenate([x[1:], np.ones_like(x[:1])])[::-1], 0)[::-1]
                dx[run] = gs * left * right
            else:
                hit = (x == y) | (np.isnan(x) & np.isnan(y))
                dx[run] = gs * hit / np.maximum(hit.sum(0), 1)
        return dx

    return record(out, "SegmentReduce", (data,), (vjp,))


def isin(elements: Any, test_elements: Any, *, assume_unique: bool = False,
         invert: bool = False) -> Tensor:  # fmt: skip
    """Whether each of elements is in test_elements (either may be a number), as bools."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError("isin() received an invalid combination of arguments: elements or "
                        "test_elements must be a Tensor")  # fmt: skip
    E = elements.data if isinstance(elements, Tensor) else np.asarray(elements)
    T = test_elements.data if isinstance(test_elements, Tensor) else np.asarray(test_elements)
    if E.dtype.kind == "b" or T.dtype.kind == "b":  # PyTorch has no isin kernel for bools
        raise RuntimeError("Unsupported input type encountered for isin(): Bool")
    ops.refuse_complex("isin", E, T, error=RuntimeError)
    return Tensor._new(np.asarray(np.isin(E, T, invert=invert)))


def unique_consecutive(input: Tensor, return_inverse: bool = False, return_counts: bool = False,
                       dim: int | None = None) -> Any:  # fmt: skip
    """The first of each run of equal elements (slices along ``dim``, if given), and, if asked,
    where each element's run is in the result and how long each run is. No gradient (its
    backward raises, as PyTorch's)."""
    check_tensor("unique_consecutive", "input", input)
    X = input.data
    ops._refuse("unique_consecutive", X, "c", NotImplementedError)
    if dim is None:
        flat = X.reshape(-1)
        starts = np.concatenate(([True], flat[1:] != flat[:-1])) if flat.size else np.zeros(0, bool)
        out = flat[starts]
        shape = X.shape
    else:
        d = ops._one_axis("unique_consecutive", "dim", dim, X.ndim)
        select_ops._check_unselected_sizes("unique_consecutive", X.shape, d)
        if X.ndim and not X.shape[d]:
            starts = np.zeros(0, bool)
        else:
            moved = np.moveaxis(X, d, 0).reshape(X.shape[d] if X.ndim else 1, -1)
            starts = np.concatenate(([True], (moved[1:] != moved[:-1]).any(1)))
        out = np.take(X, np.nonzero(starts)[0], axis=d) if X.ndim else X.copy()
        shape = (X.shape[d],) if X.ndim else (1,)
    runs = np.cumsum(starts) - 1
    extra = []
    if return_inverse:
        extra.append(Tensor._new(runs.reshape(shape).astype(np.int64)))
    if return_counts:
        extra.append(
            Tensor._new(np.diff(np.append(np.nonzero(starts)[0], starts.size)).astype(np.int64))
        )
    # PyTorch records the node but has no derivative for it: backward raises
    result = record(
        np.ascontiguousarray(out),
        "UniqueConsecutive",
        (input,),
        (no_derivative("unique_consecutive"),),
    )
    return (result, *extra) if extra else result


# ---- tests of tensors ---------------------------------------------------------------------


def is_same_size(input: Tensor, other: Tensor) -> bool:
    """Whether the two tensors have the same shape."""
    check_tensor("is_same_size", "input", input)
    check_tensor("is_same_size", "other", other)
    return input.data.shape == other.data.shape


def is_nonzero(input: Tensor) -> bool:
    """Whether a one-element tensor is not zero (more or fewer elements are ambiguous)."""
    check_tensor("is_nonzero", "input", input)
    if input.data.size != 1:
        what = "no values" if not input.data.size else "more than one value"
        raise RuntimeError(f"Boolean value of Tensor with {what} is ambiguous")
    return bool(input.data.reshape(-1)[0])


def is_inference(input: Tensor) -> bool:
    """False: minigrad's inference mode records no graph but does not mark the tensors it
    makes (PyTorch's inference tensors), so none is one."""
    check_tensor("is_inference", "input", input)
    return False


# ---- integer and floating-point arithmetic ------------------------------------------------


def _integers(name: str, fn: Callable, input: Tensor, other: Tensor) -> Tensor:
    check_tensor(name, "input", input)
    check_tensor(name, "other", other)
    dt = result_type(input, other)  # PyTorch checks the promoted dtype: bool with int is int
    if dt.kind not in "iu":
        raise NotImplementedError(f'"{name}_cpu" not implemented for '
                                  f"'{dtypes.torch_name(dt)}'")  # fmt: skip
    return Tensor._new(np.asarray(ops._binary(name, fn, input, other)[2]))


def gcd(input: Tensor, other: Tensor) -> Tensor:
    """The greatest common divisor, elementwise (integers; gcd(0, 0) = 0)."""
    return _integers("gcd", np.gcd, input, other)


def lcm(input: Tensor, other: Tensor) -> Tensor:
    """The least common multiple, elementwise (integers)."""
    return _integers("lcm", np.lcm, input, other)


def ldexp(input: Tensor, other: Tensor) -> Tensor:
    """input * 2**other (composed, as PyTorch's), in the two's promoted dtype, or the default
    float dtype if that is integral (0-d float64 with int64 of shape (n,) is float64)."""
    check_tensor("ldexp", "input", input)
    check_tensor("ldexp", "other", other)
    dt = result_type(input, other)
    if dt.kind != "f":
        dt = dtypes.get_default_dtype()
    return ops.to(input, dt) * ops.rpow(ops.to(other, dt), 2.0)


Frexp = return_type("frexp", ["mantissa", "exponent"])


def frexp(input: Tensor) -> Frexp:
    """(mantissa, exponent) with input = mantissa * 2**exponent, |mantissa| in [0.5, 1) (0 for
    0), exponent int32.   dinput = g / 2**exponent (through the mantissa)."""
    check_tensor("frexp", "input", input)
    if input.data.dtype.kind != "f":
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    m, e = np.frexp(input.data)
    scale = np.ldexp(np.ones_like(m), -e)
    mantissa = record(m, "Frexp", (input,), (lambda g: g * scale,))
    return Frexp(mantissa, Tensor._new(e.astype(np.int32)))


def nextafter(input: Tensor, other: Tensor) -> Tensor:
    """The next floating-point value after input towards other, in the promoted float dtype.
    dinput = g where input != other (the step is below the dtype's resolution), 0 where they
    are equal (no step);   dother = 0, as PyTorch's."""
    check_tensor("nextafter", "input", input)
    check_tensor("nextafter", "other", other)
    if input.data.dtype.kind != "f" and other.data.dtype.kind != "f":
        dt = np.result_type(input.data, other.data)
        raise NotImplementedError(
            f"\"nextafter_cpu\" not implemented for '{dtypes.torch_name(dt)}'"
        )
    A, B, out = ops._binary("nextafter", np.nextafter, input, other)
    moved = A != B
    return record(
        np.asarray(out), "Nextafter", (input, other), (lambda g: g * moved, np.zeros_like)
    )


def i0(input: Tensor) -> Tensor:
    """The modified Bessel function of the first kind of order 0, I0(x) = Σ (x/2)^2k / (k!)²
    (integers computed in the default float dtype).   dx = g I1(x)."""
    check_tensor("i0", "input", input)
    X = input.data
    ops._refuse("i0", X, "c", NotImplementedError)
    if X.dtype.kind in "biu":
        X = X.astype(dtypes.get_default_dtype())
    with np.errstate(over="ignore", invalid="ignore"):  # inf beyond x = 713, quietly
        out = ops._unary_float(np.i0, X)
    return record(
        out, "I0", (input,), (lambda g: g * bessel_i(X, 1).astype(g.dtype),), saved=(input,)
    )


# ---- matrices, products of sets, integrals -------------------------------------------------


def _vectors(name: str, tensors: Any) -> None:
    for t in tensors:
        check_tensor(name, "tensors", t)
        if t.data.ndim != 1:
            raise RuntimeError(f"{name}: Expect a 1D vector, but got shape {list(t.data.shape)}")


def cartesian_prod(*tensors: Tensor) -> Tensor:
    """All tuples of one element of each 1-D tensor, in order: (Π n_i, k) (one tensor: itself)."""
    _vectors("cartesian_prod", tensors)
    if len(tensors) == 1:
        return tensors[0]
    from .extra_ops import meshgrid

    return ops.stack([g.reshape(-1) for g in meshgrid(*tensors, indexing="ij")], 1)


def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:
    """All r-element combinations of the 1-D input's elements, in order (as itertools')."""
    _vectors("combinations", (input,))
    if r < 0:
        raise RuntimeError(f"combinations: Expect a non-negative number, but got {r}")
    if r == 0:
        return Tensor._new(np.zeros(0, input.data.dtype))
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    at = np.array(list(pick(range(input.data.shape[0]), r)), np.int64).reshape(-1, r)
    return input[Tensor._new(at)]


def trapezoid(y: Tensor, x: Tensor | None = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """∫ y along dim by the trapezoid rule, at the points x (1-D, or broadcast with y) or
    spaced dx apart (1 if neither), as PyTorch computes it."""
    return _trapezoid("trapezoid", y, x, dx, dim)


def cumulative_trapezoid(y: Tensor, x: Tensor | None = None, *, dx: Any = None,
                         dim: int = -1) -> Tensor:  # fmt: skip
    """The running trapezoid integrals along dim: one fewer than y has."""
    return _trapezoid("cumulative_trapezoid", y, x, dx, dim)


def gradient(input: Tensor, *, spacing: Any = 1, dim: Any = None, edge_order: int = 1) -> tuple:
    """The derivative of the samples ``input`` along each dim of ``dim`` (all if None), one
    Tensor per dim: central differences inside, one-sided ones (first or second order, as
    ``edge_order``) at the ends. ``spacing``: the step (a number, or one per dim), or each
    dim's sample coordinates (1-D Tensors). With steps h1 = x_i - x_{i-1}, h2 = x_{i+1} - x_i:
    f'(x_i) = [h1² f_{i+1} - h2² f_{i-1} + (h2² - h1²) f_i] / (h1 h2 (h1 + h2)).
    Integers give the default float dtype. Differentiable (a composition of slices)."""
    check_tensor("gradient", "input", input)
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    X = input.data
    if X.dtype == np.uint8:
        raise RuntimeError("torch.gradient does not support uint8 input.")
    if dim is None:
        dims = tuple(builtins.range(X.ndim))
    else:
        dims = tuple(ops._one_axis("gradient", "dim", d, X.ndim)
                     for d in (dim if isinstance(dim, (tuple, list)) else (dim,)))  # fmt: skip
    spacing = 1 if spacing is None else spacing  # (PyTorch's None: unit steps)
    steps = spacing if isinstance(spacing, (tuple, list)) else (spacing,) * len(dims)
    if len(steps) != len(dims):
        raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar or it's "
                           f"spacing and dim arguments to have the same length, but got a "
                           f"spacing argument of length {len(steps)} and a dim argument of "
                           f"length {len(dims)}.")  # fmt: skip
    f = input if X.dtype.kind == "f" else input.to(dtypes.get_default_dtype())
    out = []
    for d, step in zip(dims, steps):
        n = X.shape[d]
        if n < edge_order + 1:
            raise RuntimeError("torch.gradient expected each dimension size to be at least "
                               f"edge_order+1 (dim {d} has size {n})")  # fmt: skip
        if X.dtype == np.bool_:
            raise RuntimeError(
                "gradient: Subtraction, the `-` operator, with two bool tensors is not supported. "
                "Use the `^` or `logical_xor()` operator instead."
            )

        def at(start: int, stop: int | None = None, d: int = d, n: int = n) -> Tensor:
            """f[start:stop] along d (negative ends count from the end)."""
            start = start + n if start < 0 else start
            stop = n if stop is None else stop + n if stop < 0 else stop
            return f.narrow(d, start, stop - start)

        if isinstance(step, Tensor):
            out.append(_gradient_at_points(f, at, step.data, d, edge_order))
            continue
        center = (at(2) - at(0, -2)) / (2 * step)
        if edge_order == 1:
            first, last = (at(1, 2) - at(0, 1)) / step, (at(-1) - at(-2, -1)) / step
        else:
            first = (at(0, 1) * -1.5 + at(1, 2) * 2.0 - at(2, 3) * 0.5) / step
            last = (at(-3, -2) * 0.5 - at(-2, -1) * 2.0 + at(-1) * 1.5) / step
        out.append(ops.cat([first, center, last], d))
    return tuple(out)


def _gradient_at_points(f: Tensor, at: Callable, x: np.ndarray, d: int, edge_order: int) -> Tensor:
    """gradient along d at the sample coordinates x (NumPy's three-point weights, in x's
    dtype: float64 coordinates make a float32 input's gradient float64, as PyTorch's; integer
    ones divide into the default float dtype)."""
    if x.dtype.kind in "biu":
        x = x.astype(dtypes.get_default_dtype())
    h = np.diff(x)

    def along(v: np.ndarray) -> Tensor:  # weights shaped to broadcast along d
        return Tensor._new(v.reshape((-1,) + (1,) * (f.data.ndim - d - 1)))

    h1, h2 = h[:-1], h[1:]
    center = (along(-h2 / (h1 * (h1 + h2))) * at(0, -2) + along((h2 - h1) / (h1 * h2)) * at(1, -1)
              + along(h1 / (h2 * (h1 + h2))) * at(2))  # fmt: skip
    if edge_order == 1:
        first, last = (at(1, 2) - at(0, 1)) / h[0], (at(-1) - at(-2, -1)) / h[-1]
    else:
        a, b = h[0], h[1]
        first = (at(0, 1) * (-(2 * a + b) / (a * (a + b))) + at(1, 2) * ((a + b) / (a * b))
                 + at(2, 3) * (-a / (b * (a + b))))  # fmt: skip
        a, b = h[-2], h[-1]
        last = (at(-3, -2) * (b / (a * (a + b))) + at(-2, -1) * (-(a + b) / (a * b))
                + at(-1) * ((2 * b + a) / (b * (a + b))))  # fmt: skip
    return ops.cat([first, center, last], d)


def _trapezoid(name: str, y: Tensor, x: Any, dx: Any, dim: int) -> Tensor:
    check_tensor(name, "y", y)
    if x is not None and dx is not None:
        raise TypeError(f"{name}() received an invalid combination of arguments: x and dx")
    d = ops._one_axis(name, "dim", dim, y.data.ndim)
    if y.data.dtype == np.bool_ or (isinstance(x, Tensor) and x.data.dtype == np.bool_):
        raise RuntimeError(f"{name}: received a bool input, but bool is not supported")
    n = y.data.shape[d]
    cumulative = name == "cumulative_trapezoid"
    if n == 0 and not cumulative:
        shape = y.data.shape[:d] + y.data.shape[d + 1 :]
        return Tensor._new(np.zeros(shape, y.data.dtype))
    left = y.narrow(d, 0, builtins.max(n - 1, 0))
    right = y.narrow(d, builtins.min(1, n), builtins.max(n - 1, 0))
    if x is None:
        step = 1.0 if dx is None else float(dx)
        if cumulative:
            return (step / 2.0 * (left + right)).cumsum(d)
        return (y.sum(d) - (y.select(d, 0) + y.select(d, -1)) * 0.5) * step
    check_tensor(name, "x", x)
    if x.data.ndim == 1:
        if x.data.shape[0] != n:
            raise RuntimeError(f"{name}: There must be one `x` value for each sample point")
        xv = x.reshape(*(x.data.shape[0] if k == d else 1 for k in range(y.data.ndim)))
    else:
        xv = x.reshape(*(1,) * (y.data.ndim - x.data.ndim), *x.data.shape)
    m = xv.data.shape[d]
    step = xv.narrow(d, 1, m - 1) - xv.narrow(d, 0, m - 1)
    if cumulative:
        return (step * (left + right) / 2.0).cumsum(d)
    return ((left + right) * step).sum(d) / 2.0


def vander(x: Tensor, N: int | None = None, increasing: bool = False) -> Tensor:
    """The Vandermonde matrix of the 1-D x: columns x^(N-1), ..., x, 1 (increasing: reversed),
    linalg.vander's columns (integers in int64)."""
    check_tensor("vander", "x", x)
    if x.data.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.data.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    dt = dtypes.promote([x.data.dtype, np.dtype(np.int64)])
    if n > 1:
        out = linalg.vander(x.to(dt), N=n)
    else:  # no column, or the column of ones (linalg.vander wants N > 1)
        out = Tensor._new(np.ones((x.data.shape[0], n), dt))
    return out if increasing else out.flip(1)


def unravel_index(indices: Tensor, shape: Any) -> tuple:
    """The coordinates in an array of ``shape`` of each flat (C-order) index, one int64
    tensor per dim: index mod n_last, then the quotient mod the next, and so on."""
    check_tensor("unravel_index", "indices", indices)
    I = indices.data  # noqa: E741
    if I.dtype.kind not in "iu":
        raise TypeError(
            f"expected 'indices' to be integer dtype, but got {dtypes.torch_name(I.dtype)}"
        )
    shape = (shape,) if ops._is_int(shape) else tuple(shape)
    if any(n < 0 for n in shape):
        raise ValueError(f"'shape' cannot have negative values, but got {shape}")
    if 0 in shape:
        raise RuntimeError(f"unravel_index: shape {shape} has no elements (ZeroDivisionError)")
    flat = I.astype(np.int64)  # as PyTorch, an index out of range wraps around (floor modulo)
    out = []
    for n in reversed(shape):
        out.append(flat % n)
        flat = flat // n
    return tuple(Tensor._new(np.asarray(c, np.int64)) for c in reversed(out))


def rsub(input: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
    """other - alpha * input."""
    check_tensor("rsub", "input", input)
    ops.refuse_bool_sub(input, other)
    if isinstance(other, Tensor):
        return ops.sub(other, input, alpha)
    return ops.rsub(input if alpha == 1 else input * alpha, other)


# ---- dtypes ---------------------------------------------------------------------------------


def _dtype_of(value: Any) -> Any:
    return value.data if isinstance(value, Tensor) else value


def result_type(tensor1: Any, tensor2: Any) -> np.dtype:
    """The dtype an elementwise op of the two (Tensors or numbers) computes in."""
    a, b = _dtype_of(tensor1), _dtype_of(tensor2)
    return dtypes.result_dtype(np.result_type(a, b), (a, b))


def promote_types(type1: Any, type2: Any) -> np.dtype:
    """The smallest dtype both cast to, as PyTorch (int64 and float16: float16)."""
    return dtypes.promote([dtypes.as_dtype(type1), dtypes.as_dtype(type2)])


def can_cast(from_: Any, to: Any) -> bool:
    """Whether PyTorch's casting rule allows from_ into to (not floats into integers, nor
    anything but bools into bools)."""
    return inplace._can_cast(dtypes.as_dtype(from_), dtypes.as_dtype(to))


# ---- threshold, windows, threads, printing ----------------------------------------------------


def threshold(input: Tensor, threshold: Any, value: Any) -> Tensor:
    """torch.threshold: ``F.threshold`` (value where input <= threshold, else input)."""
    return activation_ops.threshold(input, threshold, value)


threshold_ = activation_ops.threshold_


def _window(name: str, window_length: int, periodic: bool, dtype: Any, device: Any,
            requires_grad: bool, values: Callable) -> Tensor:  # fmt: skip
    """A window of window_length values(n, dt) computed at n = N points (N + 1 and the last
    dropped if ``periodic``), in dtype (a float; the default if None)."""
    check_device(device)
    dt = dtypes.or_default(dtype, name)
    if dt.kind != "f":
        raise RuntimeError(f"{name} expects floating point dtypes, got {dtypes.torch_name(dt)}")
    if window_length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got "
                           f"window_length={window_length}")  # fmt: skip
    if window_length <= 1:
        out = np.ones(window_length, dt)
    else:
        n = window_length + 1 if periodic else window_length
        out = np.asarray(values(n, dt), dt)[:window_length]
    t = Tensor._new(out)
    return t.requires_grad_() if requires_grad else t


def _cosines(alpha: float, beta: float) -> Callable:
    return lambda n, dt: (
        np.cos(np.arange(n, dtype=dt) * dt.type(2 * math.pi / (n - 1))) * dt.type(-beta)
        + dt.type(alpha)
    )


def hann_window(window_length: int, periodic: bool = True, *, dtype: Any = None, layout: Any = None,
                device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """0.5 - 0.5 cos(2πn / (N - 1))."""
    return _window("hann_window", window_length, periodic, dtype, device, requires_grad,
                   _cosines(0.5, 0.5))  # fmt: skip


def hamming_window(window_length: int, periodic: bool = True, alpha: float = 0.54,
                   beta: float = 0.46, *, dtype: Any = None, layout: Any = None,
                   device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """alpha - beta cos(2πn / (N - 1))."""
    return _window("hamming_window", window_length, periodic, dtype, device, requires_grad,
                   _cosines(alpha, beta))  # fmt: skip


def blackman_window(window_length: int, periodic: bool = True, *, dtype: Any = None,
                    layout: Any = None, device: Any = None,
                    requires_grad: bool = False) -> Tensor:  # fmt: skip
    """0.42 - 0.5 cos(2πn / (N - 1)) + 0.08 cos(4πn / (N - 1))."""

    def values(n: int, dt: np.dtype) -> np.ndarray:
        w = np.arange(n, dtype=dt) * dt.type(math.pi / (n - 1))
        return np.cos(w * 4) * dt.type(0.08) - np.cos(w * 2) * dt.type(0.5) + dt.type(0.42)

    return _window("blackman_window", window_length, periodic, dtype, device, requires_grad, values)


def bartlett_window(window_length: int, periodic: bool = True, *, dtype: Any = None,
                    layout: Any = None, device: Any = None,
                    requires_grad: bool = False) -> Tensor:  # fmt: skip
    """The triangle 1 - |2n / (N - 1) - 1|."""

    def values(n: int, dt: np.dtype) -> np.ndarray:
        w = np.arange(n, dtype=dt) * dt.type(2.0 / (n - 1))
        half = ((n - 1) >> 1) + 1
        w[half:] = 2 - w[half:]
        return w

    return _window("bartlett_window", window_length, periodic, dtype, device, requires_grad, values)


def kaiser_window(window_length: int, periodic: bool = True, beta: float = 12.0, *,
                  dtype: Any = None, layout: Any = None, device: Any = None,
                  requires_grad: bool = False) -> Tensor:  # fmt: skip
    """I0(beta sqrt(1 - ((n - a) / a)²)) / I0(beta), a = (N - 1) / 2."""

    def values(n: int, dt: np.dtype) -> np.ndarray:
        a = (n - 1) / 2.0
        return np.i0(beta * np.sqrt(1 - ((np.arange(n) - a) / a) ** 2)) / np.i0(beta)

    return _window("kaiser_window", window_length, periodic, dtype, device, requires_grad, values)


# ---- PyTorch's other names for ops above, and what its complex-number functions give on
# real tensors (minigrad has no complex dtype) --------------------------------------------

unsafe_split, unsafe_chunk = more_ops.split, more_ops.chunk
unsafe_split_with_sizes = more_ops.split_with_sizes


def narrow_copy(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    """narrow, copied: not a view."""
    return more_ops.narrow(input, dim, start, length).clone()


def adjoint(input: Tensor) -> Tensor:
    return input.adjoint()


# ---- the *_copy forms of the view ops: the view's values in a new C-contiguous tensor ------


def _copied(view: Any) -> Any:
    """A view (or a tuple of views) copied into new memory, C-contiguous.   dx = g."""
    if isinstance(view, tuple):
        return tuple(_copied(v) for v in view)
    return ops.clone(view) if view.data.flags.c_contiguous else ops.contiguous(view)


def alias_copy(input: Tensor) -> Tensor:
    return _copied(input[...])


def detach_copy(input: Tensor) -> Tensor:
    return _copied(input.detach())


def as_strided_copy(
    input: Tensor, size: Any, stride: Any, storage_offset: int | None = None
) -> Tensor:
    return _copied(as_strided(input, size, stride, storage_offset))


def diagonal_copy(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    return _copied(input.diagonal(offset, dim1, dim2))


def expand_copy(input: Tensor, size: Any, *, implicit: bool = False) -> Tensor:
    return _copied(input.expand(size))


def permute_copy(input: Tensor, dims: Any) -> Tensor:
    return _copied(input.permute(dims))


def select_copy(input: Tensor, dim: int, index: int) -> Tensor:
    return _copied(select(input, dim, index))


def slice_copy(input: Tensor, dim: int = 0, start: int | None = None, end: int | None = None,
               step: int = 1) -> Tensor:  # fmt: skip
    """input[start:end:step] along dim, copied."""
    check_tensor("slice_copy", "input", input)
    d = ops._one_axis("slice_copy", "dim", dim, input.data.ndim)
    if step <= 0:
        raise RuntimeError(f"slice_copy: slice step must be positive, got {step}")
    return _copied(input[(slice(None),) * d + (slice(start, end, step),)])


def split_copy(input: Tensor, split_size: int, dim: int = 0) -> tuple:
    if not isinstance(split_size, int):
        raise TypeError(f"split_copy(): argument 'split_size' must be int, not "
                        f"{type(split_size).__name__}")  # fmt: skip
    return _copied(more_ops.split(input, split_size, dim))


def split_with_sizes_copy(input: Tensor, split_sizes: Any, dim: int = 0) -> tuple:
    return _copied(more_ops.split_with_sizes(input, split_sizes, dim))


def squeeze_copy(input: Tensor, dim: Any = None) -> Tensor:
    return _copied(input.squeeze() if dim is None else input.squeeze(dim))


def t_copy(input: Tensor) -> Tensor:
    return _copied(input.t())


def transpose_copy(input: Tensor, dim0: int, dim1: int) -> Tensor:
    return _copied(input.transpose(dim0, dim1))


def unbind_copy(input: Tensor, dim: int = 0) -> tuple:
    return _copied(input.unbind(dim))


def unfold_copy(input: Tensor, dimension: int, size: int, step: int) -> Tensor:
    return _copied(unfold(input, dimension, size, step))


def unsqueeze_copy(input: Tensor, dim: int) -> Tensor:
    return _copied(input.unsqueeze(dim))


def view_copy(input: Tensor, size: Any = None, dtype: Any = None) -> Tensor:
    """input.reshape(size) (a copy even where a view could not be taken), or, given a dtype
    (as ``dtype`` or in place of ``size``), input.view(dtype), copied."""
    check_tensor("view_copy", "input", input)
    if isinstance(size, (np.dtype, type)):
        size, dtype = None, size
    if (size is None) == (dtype is None):
        raise TypeError("view_copy() takes either a size or a dtype")
    return _copied(input.reshape(size) if dtype is None else input.view(dtype))


def get_device(input: Tensor) -> int:
    return input.get_device()


def frobenius_norm(input: Tensor, dim: Any, keepdim: bool = False) -> Tensor:
    """The 2-norm over ``dim`` (deprecated in PyTorch for linalg.vector_norm, with its
    warning)."""
    warnings.warn(
        "at::frobenius_norm is deprecated and it is just left for JIT compatibility. "
        "Please use `linalg.vector_norm(A, 2., dim, keepdim)` instead",
        UserWarning,
        stacklevel=3,
    )  # fmt: skip  (3: past numpy_names' wrapper)
    return linalg.vector_norm(input, 2, dim, keepdim)


def nuclear_norm(input: Tensor, dim: Any = (-2, -1), keepdim: bool = False) -> Tensor:
    """The sum of the singular values over the two dims ``dim`` (deprecated in PyTorch for
    linalg.matrix_norm(A, 'nuc'), with its warning); ``nuclear_norm(A, True)`` keeps them."""
    warnings.warn("at::nuclear_norm is deprecated and it is just left for JIT compatibility. "
                  "Please use `linalg.matrix_norm(A, 'nuc', dim, keepdim)` instead", UserWarning,
                  stacklevel=3)  # fmt: skip
    if isinstance(dim, bool):  # the overload nuclear_norm(input, keepdim)
        dim, keepdim = (-2, -1), dim
    return linalg.matrix_norm(input, "nuc", dim, keepdim)


def from_dlpack(ext_tensor: Any) -> Tensor:
    """A Tensor sharing the memory of any object with ``__dlpack__`` (a NumPy array, a PyTorch
    tensor on the CPU, ...), read through NumPy's from_dlpack."""
    return factories.from_numpy(np.from_dlpack(ext_tensor))


def to_dlpack(tensor: Tensor) -> Any:
    """The DLPack capsule of the tensor's memory (``Tensor.__dlpack__``)."""
    return tensor.__dlpack__()


def nonzero_static(input: Tensor, *, size: int, fill_value: int = -1) -> Tensor:
    """nonzero's (n, ndim) indices cut or padded with ``fill_value`` to ``size`` rows."""
    found = select_ops.nonzero(input).data[:size]
    pad = np.full((size - len(found), found.shape[1]), fill_value, np.int64)
    return Tensor._new(np.concatenate([found, pad]))


def real(input: Tensor) -> Tensor:
    """The real part of a complex tensor, a view of its memory; a real tensor is its own."""
    check_tensor("real", "input", input)
    X = input.data
    return ops._view(X.real, input, "Real", None) if X.dtype.kind == "c" else input


def imag(input: Tensor) -> Tensor:
    """The imaginary part of a complex tensor, a view of its memory."""
    check_tensor("imag", "input", input)
    if input.data.dtype.kind != "c":
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return ops._view(input.data.imag, input, "Imag", None)


def conj(input: Tensor) -> Tensor:
    """The complex conjugate, in new memory (PyTorch's is a lazy view: minigrad has no conj
    bit, so is_conj() is False); a real tensor is its own conjugate (so are resolve_conj and
    resolve_neg of any tensor)."""
    check_tensor("conj", "input", input)
    X = input.data
    return Tensor._new(np.conj(X)) if X.dtype.kind == "c" else input


conj_physical = conj


def resolve_conj(input: Tensor) -> Tensor:
    """input itself: minigrad's conj is already in memory (no lazy conjugate or negation)."""
    check_tensor("resolve_conj", "input", input)
    return input


resolve_neg = resolve_conj


def conj_physical_(input: Tensor) -> Tensor:
    """input, unchanged in place: a real tensor is its own conjugate."""
    return inplace.op_(input, "conj_physical_", conj)


def is_conj(input: Tensor) -> bool:
    """False: a real tensor has no lazy conjugate (nor negation: is_neg)."""
    check_tensor("is_conj", "input", input)
    return False


is_neg = is_conj


def view_as_real(input: Tensor) -> Tensor:
    """A complex tensor's memory seen as real numbers: a view of shape (..., 2), [re, im]."""
    check_tensor("view_as_real", "input", input)
    X = input.data
    if X.dtype.kind != "c":
        raise RuntimeError("view_as_real is only supported for complex tensors")
    parts = X.real  # (a view with X's strides, at the real parts)
    view = np.lib.stride_tricks.as_strided(
        parts, X.shape + (2,), parts.strides + (parts.itemsize,), writeable=X.flags.writeable
    )
    return ops._view(view, input, "ViewAsReal", None)


def view_as_complex(input: Tensor) -> Tensor:
    """A float tensor of shape (..., 2) seen as complex numbers re + i im: a view, (...)."""
    check_tensor("view_as_complex", "input", input)
    X = input.data
    if X.dtype not in (dtypes.float32, dtypes.float64):  # (NumPy has no complex32)
        raise RuntimeError(
            "view_as_complex is only supported for float and double tensors, but got a tensor "
            f"of scalar type: {dtypes.torch_name(X.dtype)}"
        )
    if not X.ndim or X.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    if X.strides[-1] != X.itemsize:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    if any(s % (2 * X.itemsize) for s in X.strides[:-1]):
        raise RuntimeError("Tensor must have a stride divisible by 2 for all but last dimension")
    view = X.view(dtypes.complex_dtype(X.dtype))[..., 0]  # (..., 1) -> (...)
    return ops._view(view, input, "ViewAsComplex", None)


def _complex_of(name: str, a: Tensor, b: Tensor, parts: Callable) -> Tensor:
    """complex and polar: a complex tensor from two real ones of one float dtype (recorded
    without VJPs: the engine refuses it if an input requires grad, as for any complex
    result)."""
    check_tensor(name, "a", a)
    check_tensor(name, "b", b)
    A, B = a.data, b.data
    ta, tb = dtypes.torch_name(A.dtype), dtypes.torch_name(B.dtype)
    if A.dtype.kind != "f" or B.dtype.kind != "f":
        raise RuntimeError(
            f"{name}: expected both inputs to be Float or Double tensors but got {ta} and {tb}"
        )
    if A.dtype != B.dtype:
        raise RuntimeError(
            f"{name}: expected object of scalar type {ta} but got scalar type {tb} for second "
            "argument"
        )
    try:
        re, im = parts(A, B)
    except ValueError:
        raise ops.OpError(
            f"{name}: shapes {A.shape} and {B.shape} cannot be broadcast together"
        ) from None
    out = np.empty(re.shape, dtypes.complex_dtype(A.dtype))
    out.real, out.imag = re, im
    return record(out, name.capitalize(), (a, b), (None, None))


def complex(real: Tensor, imag: Tensor) -> Tensor:  # noqa: A001 (PyTorch's name)
    """real + i imag, broadcast, of the complex dtype of their float dtype."""
    return _complex_of("complex", real, imag, np.broadcast_arrays)


def polar(abs: Tensor, angle: Tensor) -> Tensor:  # noqa: A002 (PyTorch's names)
    """abs (cos angle + i sin angle), broadcast."""
    return _complex_of("polar", abs, angle, lambda r, t: (r * np.cos(t), r * np.sin(t)))


def isreal(input: Tensor) -> Tensor:
    """Whether each element's imaginary part is 0 (True everywhere for a real tensor)."""
    check_tensor("isreal", "input", input)
    X = input.data
    return Tensor._new(X.imag == 0 if X.dtype.kind == "c" else np.ones(X.shape, bool))


def angle(input: Tensor) -> Tensor:
    """The argument of each element: atan2(Im z, Re z) for complex z; for real x π where
    x < 0, 0 where x >= 0, NaN at NaN; integers give the default float dtype.   dx = 0."""
    check_tensor("angle", "input", input)
    X = input.data
    if X.dtype.kind == "c":  # (no gradient: complex tensors do not require grad)
        return Tensor._new(np.angle(X))
    dt = X.dtype if X.dtype.kind == "f" else dtypes.get_default_dtype()
    out = np.where(X < 0, dt.type(math.pi), dt.type(0)).astype(dt)
    out[np.isnan(X)] = np.nan
    return record(out, "Angle", (input,), (np.zeros_like,))


def asarray(obj: Any, *, dtype: Any = None, device: Any = None, copy: bool | None = None,
            requires_grad: bool | None = None) -> Tensor:  # fmt: skip
    """obj as a Tensor, sharing its memory where it can (a Tensor of that dtype is returned
    itself, an ndarray is shared as by from_numpy), copying where ``copy`` or it must (a
    ValueError if ``copy=False`` and it must). ``requires_grad`` None keeps obj's graph;
    False takes the result out of it, as PyTorch: a leaf returned as it is stops requiring
    grad, anything else is detached."""
    check_device(device)
    dt = None if dtype is None else dtypes.as_dtype(dtype)
    if isinstance(obj, np.generic) and copy is False:
        raise RuntimeError("can't alias NumPy scalars. Either remove copy=False or transform it "
                           "in a ndarray.")  # fmt: skip
    if isinstance(obj, np.ndarray) and obj.dtype.kind in "biuf":
        obj = factories.from_numpy(obj)
    if isinstance(obj, Tensor):
        same = dt is None or dt == obj.data.dtype
        if copy is False and not same:
            raise ValueError(f"can't alias tensor with dtype '{dtypes.torch_name(obj.dtype)}' "
                             f"into dtype '{dtypes.torch_name(dt)}'.")  # fmt: skip
        out = (obj.clone() if copy else obj) if same else obj.to(dt)
    elif copy is False:
        raise ValueError("can't alias arbitrary sequence into a tensor.")
    else:
        out = factories.tensor(obj, dtype=dt)
    if requires_grad is False and out._requires_grad:
        out = out.requires_grad_(False) if out.is_leaf else out.detach()
    elif requires_grad and not out._requires_grad:
        out.requires_grad_()
    return out


_PROFILES = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80), "full": (4, math.inf, 3, 80)}


def set_printoptions(precision: int | None = None, threshold: float | None = None,
                     edgeitems: int | None = None, linewidth: int | None = None,
                     profile: str | None = None, sci_mode: bool | None = None) -> None:  # fmt: skip
    """Set repr's options: digits after the point, the element count above which a tensor is
    summarized, the entries shown at each end when it is, and the line width; ``profile``
    ('default', 'short', 'full') sets all four first. ``sci_mode`` True or False forces
    scientific notation on or off for float tensors with a nonzero finite value; None (also
    what any call without it sets, as PyTorch) lets repr choose."""
    printing.SCI_MODE = sci_mode
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"set_printoptions: unknown profile {profile!r}")
        printing.PRECISION, printing.THRESHOLD, printing.EDGEITEMS, printing.LINEWIDTH = _PROFILES[
            profile
        ]
    for name, value in (("PRECISION", precision), ("THRESHOLD", threshold),
                        ("EDGEITEMS", edgeitems), ("LINEWIDTH", linewidth)):  # fmt: skip
        if value is not None:
            setattr(printing, name, value)


# the Tensor methods that are functions of this module
METHODS = (
    "addmv addr addbmm baddbmm aminmax cov corrcoef logcumsumexp quantile nanquantile "
    "nanmedian msort sum_to_size unfold as_strided put put_ index_reduce histogram narrow_copy "
    "unsafe_split unsafe_chunk unsafe_split_with_sizes nonzero_static conj resolve_conj "
    "resolve_neg conj_physical conj_physical_ is_conj is_neg isreal angle select select_scatter "
    "slice_scatter diagonal_scatter as_strided_scatter "
    "masked_scatter index_put scatter_reduce renorm histc unique_consecutive bitwise_left_shift "
    "bitwise_right_shift is_same_size is_nonzero is_inference gcd lcm ldexp frexp nextafter i0 "
).split()
for _name in METHODS:
    setattr(Tensor, _name, globals()[_name])
Tensor.real, Tensor.imag = property(real), property(imag)
inplace.install(Tensor)  # exp2_, ge_, t_, addmv_, ...: from their out-of-place methods
# the shift operators: t << n, n << t, t <<= n (and >>)
Tensor.__lshift__, Tensor.__rshift__ = bitwise_left_shift, bitwise_right_shift
Tensor.__rlshift__ = lambda self, other: bitwise_left_shift(other, self)
Tensor.__rrshift__ = lambda self, other: bitwise_right_shift(other, self)
Tensor.__ilshift__ = Tensor.bitwise_left_shift_
Tensor.__irshift__ = Tensor.bitwise_right_shift_
globals().update({name: _function(name) for name in _INPLACE_FUNCTIONS})

__all__ = [*_INPLACE_FUNCTIONS, "isin", "cartesian_prod", "combinations", "trapezoid",
           "cumulative_trapezoid", "vander", "unravel_index", "rsub", "result_type",
           "promote_types", "can_cast", "threshold", "threshold_", "hann_window", "hamming_window",
           "blackman_window", "bartlett_window", "kaiser_window", "set_printoptions",
           "real", "imag", "view_as_real", "view_as_complex", "complex", "polar",
           "asarray", "gradient", "adjoint", "histogramdd", "segment_reduce",
           "get_device", "alias_copy", "detach_copy", "as_strided_copy", "diagonal_copy",
           "expand_copy", "permute_copy", "select_copy", "slice_copy", "split_copy",
           "split_with_sizes_copy", "squeeze_copy", "t_copy", "transpose_copy", "unbind_copy",
           "unfold_copy", "unsqueeze_copy", "view_copy", "frobenius_norm", "nuclear_norm",
           "from_dlpack", "to_dlpack",
           *(n for n in METHODS if n not in ("sum_to_size", "unfold", "put_"))]  # fmt: skip
