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
    "abs_ acos_ acosh_ addmv_ index_put_ arccos_ arccosh_ arcsin_ arcsinh_ arctan_ arctanh_ asin_ "
    "asinh_ atan_ "
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

    def vjp_source(g: np.ndarray) -> np.ndarray:
        ds = np.zeros(S.size, g.dtype)
        ds[:k] = g[M]
        return ds.reshape(source.data.shape)

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
        if not isinstance(i, Tensor) or i.data.dtype.kind not in "biu":
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
    the others; amax and amin share g evenly among the elements equal to the result."""
    check_tensor("scatter_reduce", "input", input)
    check_tensor("scatter_reduce", "index", index)
    check_tensor("scatter_reduce", "src", src)
    reduce = _REDUCE_ALIASES.get(reduce, reduce)
    if reduce not in _REDUCTIONS:
        raise RuntimeError(
            f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}"
        )
    X, I, S = input.data, index.data, src.data
    if I.dtype.kind not in "iu":
        raise RuntimeError(f"scatter_reduce(): Expected an integer dtype for index, got {I.dtype}")
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
    if I.size and (I.min() < 0 or I.max() >= X.shape[d]):
        raise RuntimeError(
            f"scatter_reduce(): index out of range for dimension {d} of size {X.shape[d]}"
        )
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
        share = g / np.where(n == 0, 1, n)
        return np.where(is_x & own, share, 0), np.where(is_s, share[at], 0)

    def vjp_src(g: np.ndarray) -> np.ndarray:
        ds = np.zeros(S.shape, g.dtype)
        ds[tuple(slice(0, n) for n in I.shape)] = split(g)[1]
        return ds

    return record(out, "ScatterReduce", (input, src), (lambda g: split(g)[0], vjp_src),
                  saved=(input, src))  # fmt: skip


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
    norm = input.abs().pow(p).sum(others, keepdim=True).pow(1 / p) if others else input.abs()
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


def isin(elements: Any, test_elements: Any, *, assume_unique: bool = False,
         invert: bool = False) -> Tensor:  # fmt: skip
    """Whether each of elements is in test_elements (either may be a number), as bools."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError("isin() received an invalid combination of arguments: elements or "
                        "test_elements must be a Tensor")  # fmt: skip
    E = elements.data if isinstance(elements, Tensor) else np.asarray(elements)
    T = test_elements.data if isinstance(test_elements, Tensor) else np.asarray(test_elements)
    return Tensor._new(np.asarray(np.isin(E, T, invert=invert)))


def unique_consecutive(input: Tensor, return_inverse: bool = False, return_counts: bool = False,
                       dim: int | None = None) -> Any:  # fmt: skip
    """The first of each run of equal elements (slices along ``dim``, if given), and, if asked,
    where each element's run is in the result and how long each run is."""
    check_tensor("unique_consecutive", "input", input)
    X = input.data
    if dim is None:
        flat = X.reshape(-1)
        starts = np.concatenate(([True], flat[1:] != flat[:-1])) if flat.size else np.zeros(0, bool)
        out = flat[starts]
        shape = X.shape
    else:
        d = ops._one_axis("unique_consecutive", "dim", dim, X.ndim)
        moved = np.moveaxis(X, d, 0).reshape(X.shape[d] if X.ndim else 1, -1)
        if X.ndim and not X.shape[d]:
            starts = np.zeros(0, bool)
        else:
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
    result = Tensor._new(np.ascontiguousarray(out))
    return (result, *extra) if extra else result


# the Tensor methods that are functions of this module
METHODS = (
    "addmv addr addbmm baddbmm aminmax cov corrcoef logcumsumexp quantile nanquantile "
    "nanmedian msort sum_to_size unfold select select_scatter slice_scatter diagonal_scatter "
    "masked_scatter index_put scatter_reduce renorm histc unique_consecutive bitwise_left_shift "
    "bitwise_right_shift"
).split()
for _name in METHODS:
    setattr(Tensor, _name, globals()[_name])
inplace.DERIVED.update(dict.fromkeys(
    "addmv addr addbmm baddbmm masked_scatter index_put scatter_reduce renorm".split(), "value"
))  # fmt: skip
inplace.install(Tensor)  # exp2_, ge_, t_, addmv_, ...: from their out-of-place methods
globals().update({name: _function(name) for name in _INPLACE_FUNCTIONS})

__all__ = [*_INPLACE_FUNCTIONS, "isin",
           *(n for n in METHODS if n not in ("sum_to_size", "unfold"))]  # fmt: skip
