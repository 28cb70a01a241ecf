"""More of PyTorch's differentiable ops: elementwise math, products and scans, sorting,
shape and selection, and products of vectors and matrices.

As in ``ops.py``, each forward sits beside its vector-Jacobian products; ``X`` names
the input array, ``out`` the result array, ``g`` the output's gradient.
"""

from __future__ import annotations

import builtins
import math
import operator
from typing import Any

import numpy as np

from . import dtypes, special_functions
from .engine import PASS, Node, record, set_outputs, take
from .errors import IndexOutOfRangeError, OpError
from .grad_mode import _mode
from .ops import (
    NOT_GIVEN,
    _add_rows,
    _as_view,
    _axes,
    _binary,
    _check_int_divisor,
    _contiguous,
    _is_int,
    _matmul,
    _no_barebones,
    _one_axis,
    _quiet,
    _read_by,
    _reduce_dtype,
    _refuse,
    _reshape,
    _same_dtype,
    _saved_for_product,
    _select,
    _tensors,
    _tensors_only,
    _unary_float,
    _unsafe_view,
    _view,
    clamp_op,
    contiguous,
    identity,
    mm,
    mul,
    permute,
    pow,
    refuse_complex,
    reshape,
    sort_order,
    view,
)
from .ops import sgn as _sign_array
from .ops import to as _to
from .return_types import return_type
from .tensor import Tensor, check_bool, check_tensor, size_arg

_new = Tensor._new


# ---- elementwise ---------------------------------------------------------------------


def _float_op(name: str, fn: Any, x: Tensor, vjp: Any, reads: str = "x") -> Tensor:
    """fn(x) for a float function (integers and bools computed in the default dtype),
    quietly at the edges of its domain (inf, NaN), as PyTorch. ``vjp(g, X, out)`` is the
    input's gradient; ``reads`` says what it reads, "x", "out" or "both" (saved: an
    in-place change to them before backward raises)."""
    X = x.data
    out = _unary_float(_quiet(fn), X)
    return record(out, name, (x,), (_quiet(lambda g: vjp(g, X, out)),),
                  saved=(x,) if reads != "out" else (), saves_out=reads != "x")  # fmt: skip


def square(input: Tensor) -> Tensor:
    """x * x, as PyTorch's pow(x, 2) (integers stay integers, bools become int64)."""
    _no_barebones("pow", input)
    return pow(input.long() if input.data.dtype == np.bool_ else input, 2)


def rsqrt(input: Tensor) -> Tensor:
    """1 / sqrt(x).   dx = -g * out³ / 2."""
    return _float_op("Rsqrt", lambda X: 1 / np.sqrt(X), input,
                     lambda g, X, out: -0.5 * g * out**3, reads="out")  # fmt: skip


def log1p(input: Tensor) -> Tensor:
    """log(1 + x), exact for small x.   dx = g / (x + 1)."""
    return _float_op("Log1P", np.log1p, input, lambda g, X, out: g / (X + 1))


def expm1(input: Tensor) -> Tensor:
    """exp(x) - 1, exact for small x.   dx = g * (out + 1)."""
    return _float_op("Expm1", np.expm1, input, lambda g, X, out: g * (out + 1), reads="out")


def log2(input: Tensor) -> Tensor:
    """log₂ x.   dx = g / (x ln 2)."""
    return _float_op("Log2", np.log2, input, lambda g, X, out: g / (X * math.log(2)))


def log10(input: Tensor) -> Tensor:
    """log₁₀ x.   dx = g / (x ln 10)."""
    return _float_op("Log10", np.log10, input, lambda g, X, out: g / (X * math.log(10)))


def exp2(input: Tensor) -> Tensor:
    """2 ** x.   dx = g * out * ln 2."""
    return _float_op("Exp2", np.exp2, input, lambda g, X, out: g * out * math.log(2), reads="out")


def sinh(input: Tensor) -> Tensor:
    """sinh x.   dx = g * cosh x."""
    return _float_op("Sinh", np.sinh, input, lambda g, X, out: g * np.cosh(X))


def cosh(input: Tensor) -> Tensor:
    """cosh x.   dx = g * sinh x."""
    return _float_op("Cosh", np.cosh, input, lambda g, X, out: g * np.sinh(X))


def tan(input: Tensor) -> Tensor:
    """tan x.   dx = g * (1 + out²)."""
    return _float_op("Tan", np.tan, input, lambda g, X, out: g * (1 + out * out), reads="out")


def asin(input: Tensor) -> Tensor:
    """arcsin x.   dx = g / sqrt(1 - x²)."""
    return _float_op("Asin", np.arcsin, input, lambda g, X, out: g / np.sqrt(1 - X * X))


def acos(input: Tensor) -> Tensor:
    """arccos x.   dx = -g / sqrt(1 - x²)."""
    return _float_op("Acos", np.arccos, input, lambda g, X, out: -g / np.sqrt(1 - X * X))


def atan(input: Tensor) -> Tensor:
    """arctan x.   dx = g / (1 + x²)."""
    return _float_op("Atan", np.arctan, input, lambda g, X, out: g / (X * X + 1))


def atan2(input: Tensor, other: Tensor) -> Tensor:
    """The angle of the point (b, a), broadcast.   da = g b / (a² + b²),  db = -g a / (a² + b²)
    (both 0 where a² + b² is 0, also where it underflows, as PyTorch)."""
    check_tensor("atan2", "other", other)
    A, B, out = _binary("atan2", np.arctan2, input, other)

    @_quiet
    def r() -> np.ndarray:
        d = A * A + B * B
        return np.where(d == 0, 0, 1 / d)

    return record(out, "Atan2", (input, other), (lambda g: g * B * r(), lambda g: g * -A * r()),
                  saved=(input, other))  # fmt: skip


def sign(input: Tensor) -> Tensor:
    """-1, 0 or 1 by the sign of x (0 for NaN, as PyTorch; bools stay bools).   dx = 0."""
    _no_barebones("sign_cpu", input)
    X = input.data
    _refuse("sign", X, "c", NotImplementedError, hint="; for z / |z|, use sgn()")
    out = X.copy() if X.dtype.kind == "b" else _sign_array(X, X.dtype)
    return record(out, "Sign", (input,), (np.zeros_like,))


def _rounding(name: str, fn: Any, x: Tensor) -> Tensor:
    """floor, ceil and trunc: integers are copied, bools refused (as PyTorch).   dx = 0."""
    X = x.data
    _refuse(name, X, "bc", NotImplementedError)
    out = X.copy() if X.dtype.kind in "iu" else fn(X)
    return record(out, name.capitalize(), (x,), (np.zeros_like,))


def floor(input: Tensor) -> Tensor:
    """The largest integer <= x.   dx = 0."""
    return _rounding("floor", np.floor, input)


def ceil(input: Tensor) -> Tensor:
    """The smallest integer >= x.   dx = 0."""
    return _rounding("ceil", np.ceil, input)


def trunc(input: Tensor) -> Tensor:
    """x rounded toward zero.   dx = 0."""
    return _rounding("trunc", np.trunc, input)


def frac(input: Tensor) -> Tensor:
    """x - trunc(x) (the sign of x); floats only, as PyTorch.   dx = g."""
    X = input.data
    _refuse("frac", X, "biuc", NotImplementedError)
    return record(_quiet(lambda: X - np.trunc(X))(), "Frac", (input,), (identity,))


def logit(input: Tensor, eps: float | None = None) -> Tensor:
    """log(z / (1 - z)), z = x clamped to [eps, 1 - eps] (eps where x < eps first, as
    PyTorch for eps > 0.5; x itself without eps).
    dx = g / (x (1 - x)); outside [eps, 1 - eps] 0, or NaN outside [0, 1] without eps."""
    X = input.data
    _refuse("logit", X, "c", NotImplementedError)
    if X.dtype.kind in "biu":
        X = X.astype(dtypes.get_default_dtype())
    lo, hi = (0, 1) if eps is None else (eps, 1 - eps)
    Z = X if eps is None else np.where(X < lo, lo, np.where(X > hi, hi, X)).astype(X.dtype)
    out = _quiet(lambda: np.log(Z / (1 - Z)))()
    outside = np.nan if eps is None else 0

    @_quiet
    def vjp(g: np.ndarray) -> np.ndarray:
        # |x (1 - x)|: at x = -0 the slope is +inf, as at 0 (PyTorch's)
        return np.where((X < lo) | (X > hi), outside, g / np.abs(X * (1 - X)))

    return record(out, "Logit", (input,), (vjp,), saved=(input,))


def nan_to_num(
    input: Tensor, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None
) -> Tensor:
    """x with NaN, inf and -inf replaced (by default with 0 and the dtype's largest and
    smallest finite values).   dx = g where x is finite, 0 elsewhere."""
    X = input.data
    nan = 0.0 if nan is None else nan
    out = np.nan_to_num(X, copy=True, nan=nan, posinf=posinf, neginf=neginf)
    return record(out, "NanToNum", (input,), (lambda g: g * np.isfinite(X),), saved=(input,))


def clamp_min(input: Tensor, min: Any) -> Tensor:
    """max(x, min), as clamp(x, min=min)."""
    return clamp_op(input, min, None, "ClampMin")


def clamp_max(input: Tensor, max: Any) -> Tensor:
    """min(x, max), as clamp(x, max=max)."""
    return clamp_op(input, None, max, "ClampMax")


def _renamed(t: Tensor, name: str) -> Tensor:
    """t with its node named as PyTorch names it (an op that reuses another's forward)."""
    if t._node is not None:
        t._node._name = name
    return t


# ---- products and scans --------------------------------------------------------------


def _int_to_long(x: Tensor, dtype: Any, name: str) -> np.dtype:
    """The dtype a product or scan computes in: ``dtype`` if given, int64 for integers
    and bools (as PyTorch), else x's."""
    if dtype is not None:
        return _reduce_dtype(name, x, dtype)
    return np.dtype(np.int64) if x.data.dtype.kind in "biu" else x.data.dtype


def _scan_dtype(x: Tensor, dtype: Any, name: str) -> np.dtype:
    """``_int_to_long`` for a running sum or product, which PyTorch has no bool kernel for."""
    if isinstance(dtype, np.dtype) and dtype.kind == "b":
        raise NotImplementedError(f"\"{name}_out_cpu\" not implemented for 'Bool'")
    return _int_to_long(x, dtype, name)


def _exclusive_products(X: np.ndarray, d: int) -> np.ndarray:
    """Π_{j≠i} x_j along axis d for every i, without dividing (exact where x has zeros)."""

    def before(A: np.ndarray) -> np.ndarray:  # Π_{j<i} a_j: the running product, shifted
        ones = np.ones_like(np.take(A, [0], axis=d))
        return np.cumprod(np.concatenate([ones, np.take(A, range(A.shape[d] - 1), d)], d), d)

    return before(X) * np.flip(before(np.flip(X, d)), d)


def prod(
    input: Tensor, dim: Any = NOT_GIVEN, keepdim: bool = False, *, dtype: Any = None
) -> Tensor:
    """Π x over ``dim`` (one dim, or all).   dx = g * out / x where x has no zero (as
    PyTorch: NaN at an inf), else, as PyTorch decides for the whole tensor, g * Π of the
    other elements in the slice (one zero gets the product of the rest, the rest get 0),
    and for the product of all elements with two zeros or more, 0; g for a 0-d x."""
    X = input.data
    check_bool("prod", "keepdim", keepdim)
    if dim is None:  # PyTorch has no overload for it: not the whole tensor
        raise TypeError("prod(): argument 'dim' must be int, not NoneType")
    dim = None if dim is NOT_GIVEN else dim
    if dim is None and keepdim:
        raise TypeError("prod(): keepdim needs a dim (prod(dim, keepdim)), as in PyTorch")
    d = None if dim is None else _one_axis("prod", "dim", dim, X.ndim)
    X = X.astype(_int_to_long(input, dtype, "prod"), copy=False)
    flat = X.reshape(-1) if d is None or not X.ndim else X
    axis = 0 if d is None or not X.ndim else d
    with np.errstate(invalid="ignore"):  # 0 * inf is NaN, as PyTorch's
        kept = np.prod(flat, axis=axis, keepdims=True, dtype=X.dtype)  # NumPy widens small ints
    dropped = () if d is None or not X.ndim else kept.shape[:d] + kept.shape[d + 1 :]
    out = _contiguous(kept.reshape(kept.shape if keepdim and X.ndim else dropped))
    shape = X.shape

    @_quiet
    def vjp(g: np.ndarray) -> np.ndarray:
        if flat.size == 0:
            return np.zeros(shape, g.dtype)
        g = g.reshape(kept.shape)
        zeros = np.count_nonzero(flat == 0)
        if not shape:
            dx = np.ones_like(flat)
        elif not zeros:
            dx = kept / flat
        elif d is None and zeros > 1:
            dx = np.zeros_like(flat)
        else:
            dx = _exclusive_products(flat, axis)
        return (g * dx).reshape(shape)

    return record(out, "Prod", (input,), (vjp,), saved=(input,), saves_out=True)


def _running_sum(X: np.ndarray, d: int) -> np.ndarray:
    """np.cumsum along d, whose sums start from +0 as PyTorch's, so none is -0 (NumPy starts
    from the first element: a leading -0, and the running sums of -0s after it, stay -0).
    float16 accumulates in float32 and float32 in float64, as PyTorch's."""
    wide = dtypes.scan_math(X)
    out = np.cumsum(wide, axis=d, dtype=wide.dtype).astype(X.dtype, copy=False)
    if out.dtype.kind == "f":
        out += 0.0  # -0 + 0 = +0, every other value unchanged
    return out


def cumsum(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """Running sums along ``dim``.   dx = running sums of g from the end."""
    X = input.data
    d = _one_axis("cumsum", "dim", dim, X.ndim)
    X = X.astype(_scan_dtype(input, dtype, "cumsum"), copy=False)
    if not X.ndim:
        return record(X.copy(), "Cumsum", (input,), (identity,))
    out = _contiguous(_running_sum(X, d))  # C order, as PyTorch's (NumPy keeps x's layout)
    return record(out, "Cumsum", (input,), (lambda g: np.flip(_running_sum(np.flip(g, d), d), d),))


def cumprod(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """Running products along ``dim``: out_k = Π_{j<=k} x_j.
    dx_i = Σ_{k>=i} g_k Π_{j<=k, j≠i} x_j, exact where x has zeros: before the first zero
    z it is Σ_{k>=i} g_k out_k / x_i; at z the products skip x_z; after z it is 0."""
    X = input.data
    d = _one_axis("cumprod", "dim", dim, X.ndim)
    X = X.astype(_scan_dtype(input, dtype, "cumprod"), copy=False)
    if not X.ndim:
        return record(X.copy(), "Cumprod", (input,), (identity,))
    wide = dtypes.scan_math(X)  # float16 accumulates in float32, float32 in float64, as PyTorch's
    out = _contiguous(np.cumprod(wide, axis=d, dtype=wide.dtype).astype(X.dtype, copy=False))

    @_quiet
    def vjp(g: np.ndarray) -> np.ndarray:
        if not X.size:
            return np.zeros(X.shape, g.dtype)
        Xm, Gm, Om = (np.moveaxis(a, d, -1) for a in (X, g, out))
        n = Xm.shape[-1]
        k = np.arange(n)
        zero = Xm == 0
        z = np.where(zero.any(-1), zero.argmax(-1), n)[..., None]  # the first zero
        tail = np.flip(np.cumsum(np.flip(Gm * Om, -1), -1), -1)
        dx = np.where(k < z, tail / np.where(k < z, Xm, 1), 0)
        # at z: (Π_{j<z} x_j) Σ_{k>=z} g_k Π_{z<j<=k} x_j
        before = np.take_along_axis(Om, np.maximum(z - 1, 0), -1)
        before = np.where(z > 0, before, 1)
        rest = np.cumprod(np.where(k <= z, 1, Xm), -1)
        at_z = before * np.sum(np.where(k >= z, Gm * rest, 0), -1, keepdims=True)
        dx = np.where(k == z, at_z, dx)
        return np.moveaxis(dx, -1, d)

    return record(out, "Cumprod", (input,), (vjp,), saved=(input,), saves_out=True)


# ---- sorting -------------------------------------------------------------------------

Sort = return_type("sort", ["values", "indices"])


def sort(input: Tensor, dim: int = -1, descending: bool = False, *, stable: bool = False) -> Sort:
    """(values, indices) of x sorted along ``dim`` (ties keep their order: always stable).
    dx = g scattered back to the indices."""
    X = input.data
    _refuse("sort", X, "c")
    d = _one_axis("sort", "dim", dim, X.ndim)
    check_bool("sort", "descending", descending)
    check_bool("sort", "stable", stable)
    if not X.ndim:
        return Sort(record(X.copy(), "Sort", (input,), (identity,)), _new(np.zeros((), np.int64)))
    indices = _new(sort_order(X, d, descending))
    return Sort(_select("sort", input, indices.data, d, True, indices), indices)


def argsort(
    input: Tensor, dim: int = -1, descending: bool = False, *, stable: bool = False
) -> Tensor:
    """The indices that sort x along ``dim`` (int64, no gradient): sort(...).indices."""
    return sort(input, dim, descending, stable=stable).indices


# ---- shape and selection -------------------------------------------------------------


def _required(op: str, name: str, args: tuple) -> None:
    """PyTorch's TypeError for a method called without its sizes or dims."""
    if not args:
        raise TypeError(f'{op}() missing 1 required positional arguments: "{name}"')


def flip(x: Tensor, *dims: Any) -> Tensor:
    """x reversed along ``dims`` (a copy, as PyTorch's).   dx = g reversed back."""
    _no_barebones("flip_cpu", x)
    _required("flip", "dims", dims)
    dims = size_arg(dims, "flip")
    axes = _axes("flip", dims, x.data.ndim) if dims else ()  # flip(()) is a copy
    out = np.flip(x.data, axes).copy(order="K")  # x's layout, as PyTorch
    return record(out, "Flip", (x,), (lambda g: np.flip(g, axes),))


def roll(input: Tensor, shifts: Any, dims: Any = None) -> Tensor:
    """x shifted circularly by ``shifts`` along ``dims`` (the flattened x without dims).
    dx = g shifted back."""
    shifts = (shifts,) if _is_int(shifts) else size_arg((shifts,), "roll")
    dims = () if dims is None else (dims,) if _is_int(dims) else size_arg((dims,), "roll")
    if not shifts:
        raise RuntimeError("roll: `shifts` required")
    if dims and not input.data.ndim:
        raise IndexError(f"roll: Dimension specified as {dims[0]} but tensor has no dimensions")
    if len(shifts) != len(dims) and not (len(shifts) == 1 and not dims):
        raise RuntimeError(
            f"roll: shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}"
        )
    axes = tuple(_one_axis("roll", "dims", a, input.data.ndim) for a in dims) if dims else None
    back = tuple(-s for s in shifts)
    out = _contiguous(np.roll(input.data, shifts, axes))
    return record(out, "Roll", (input,), (lambda g: np.roll(g, back, axes),))


def repeat(x: Tensor, *sizes: Any) -> Tensor:
    """x tiled ``sizes[i]`` times along dim i (sizes may add leading dims).
    dx = g summed over the copies."""
    _required("repeat", "repeats", sizes)
    return _repeat(x, size_arg(sizes, "repeat"))


def _repeat(x: Tensor, sizes: tuple, name: str = "repeat") -> Tensor:
    X = x.data
    if len(sizes) < X.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions "
            f"of tensor (repeat {sizes} of a tensor of shape {X.shape})"
        )
    if builtins.any(n < 0 for n in sizes):
        raise RuntimeError(f"{name}: negative repeat count in {sizes}")
    shape = (1,) * (len(sizes) - X.ndim) + X.shape
    out = _contiguous(np.tile(X.reshape(shape), sizes))  # all-ones sizes: a copy in x's layout

    def vjp(g: np.ndarray) -> np.ndarray:
        pairs = [n for pair in zip(sizes, shape) for n in pair]  # (s0, n0, s1, n1, ...)
        return g.reshape(pairs).sum(axis=tuple(range(0, len(pairs), 2))).reshape(X.shape)

    return record(out, "Repeat", (x,), (vjp,))


def tile(input: Tensor, *dims: Any) -> Tensor:
    """repeat, with ones put before ``dims`` when they are fewer than x's dims."""
    _required("tile", "dims", dims)
    dims = size_arg(dims, "tile")
    return _repeat(input, (1,) * (input.data.ndim - len(dims)) + dims, "tile")


def _piece(x: Tensor, d: int, start: int, length: int, name: str) -> Tensor:
    """x[start:start+length] along d, a view.   dx = g put in its place in zeros."""
    at = (slice(None),) * d + (slice(start, start + length),)
    shape = x.data.shape

    def vjp(g: np.ndarray) -> np.ndarray:
        dx = np.zeros(shape, g.dtype)
        dx[at] = g
        return dx

    return _view(x.data[at], x, name, vjp)


def _pieces(x: Tensor, ats: list, name: str) -> tuple:
    """The views ``x.data[at]`` for each ``at`` in ``ats``, outputs of one node (as
    PyTorch's split and unbind).   dx = each piece's g put in its place in zeros, once:
    the backward is linear in the number of pieces."""
    X = x.data
    pieces = tuple(_as_view(Tensor._new(X[at]), x, multi_output=True) for at in ats)
    if not (pieces and _mode.enabled and x._requires_grad):
        return pieces
    slots: list = [None] * len(pieces)
    shape, dtype = X.shape, X.dtype  # not X: the node keeps its VJP after backward

    def vjp(_: np.ndarray) -> np.ndarray:
        dx = np.zeros(shape, dtype)
        for at, gk in zip(ats, take(slots)):
            if gk is not None:
                dx[at] = gk
        return dx

    node = Node(name, [x._node or x], (vjp,), (), None, PASS.shape, PASS.dtype)
    set_outputs(node, pieces, slots)
    return pieces


def unflatten(input: Tensor, dim: int, sizes: Any) -> Tensor:
    """x with dim ``dim`` split into dims of ``sizes`` (one may be -1: the rest of it).
    A reshape: dx = g reshaped back."""
    shape = input.data.shape
    sizes = tuple(sizes)
    if not sizes:  # PyTorch's order: the sizes, the dim's range, then the 0-d tensor
        raise RuntimeError("unflatten: sizes must be non-empty")
    d = _one_axis("unflatten", "dim", dim, len(shape))
    if not shape:
        raise RuntimeError(f"unflatten: a 0-d tensor has no dim {dim} to unflatten")
    known = math.prod(n for n in sizes if n != -1)
    if (
        sizes.count(-1) > 1
        or (-1 not in sizes and known != shape[d])
        or (-1 in sizes and (known == 0 or shape[d] % known))
    ):
        raise RuntimeError(
            f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim "
            f"{dim} ({shape[d]}) in the input tensor"
        )
    # the -1 from the dim's size, not the total: a tensor with no elements has one too
    sizes = tuple(shape[d] // known if n == -1 else n for n in sizes)
    return _reshape(input, (*shape[:d], *sizes, *shape[d + 1 :]), "View")


def narrow(input: Tensor, dim: int, start: Any, length: int) -> Tensor:
    """The ``length`` elements from ``start`` along ``dim`` (a view)."""
    X = input.data
    if not X.ndim:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = _one_axis("narrow", "dim", dim, X.ndim)
    start, n = operator.index(start.item() if isinstance(start, Tensor) else start), X.shape[d]
    if length < 0:
        raise RuntimeError(f"narrow(): length must be non-negative, got {length}")
    if not -n <= start <= n:
        raise IndexError(
            f"narrow(): start out of range (expected to be in range of [{-n}, {n}], but got "
            f"{start}) for dim {d} of a tensor of shape {X.shape}"
        )
    if start < 0:
        start += n
    if start + length > n:
        raise RuntimeError(
            f"narrow(): start ({start}) + length ({length}) exceeds dimension size ({n}) of "
            f"dim {d} of a tensor of shape {X.shape}."
        )
    return _piece(input, d, start, length, "Slice")


def split(tensor: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple:
    """x cut along ``dim`` into pieces of a size (the last may be smaller) or of the
    given sizes, as views. Changing a piece in place inside the graph raises, as in
    PyTorch; but after an in-place change of x, PyTorch refuses to use the pieces at all,
    where minigrad re-derives them from x (as chunk's and unbind's)."""
    X = tensor.data
    if not X.ndim:
        raise RuntimeError("split: a 0-dim tensor cannot be split (it has no dim to split)")
    d = _one_axis("split", "dim", dim, X.ndim)
    n = X.shape[d]
    if _is_int(split_size_or_sections):
        size = operator.index(split_size_or_sections)
        if size < 0:
            raise RuntimeError(
                f"split expects split_size be non-negative, but got split_size={size}"
            )
        if size == 0 and n:
            raise RuntimeError(
                f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}"
            )
        sizes = [builtins.min(size, n - s) for s in range(0, n, size)] if n else [0]
        name = "Split"
    else:
        sizes = list(size_arg((split_size_or_sections,), "split"))
        if builtins.any(s < 0 for s in sizes):
            raise RuntimeError(
                f"split_with_sizes expects split_sizes have only non-negative entries, but got "
                f"split_sizes={sizes}"
            )
        if builtins.sum(sizes) != n:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's "
                f"size at dimension {d}), but got split_sizes={sizes}"
            )
        name = "SplitWithSizes"
    starts = np.cumsum([0] + sizes[:-1]).tolist()
    lead = (slice(None),) * d
    return _pieces(tensor, [lead + (slice(s, s + k),) for s, k in zip(starts, sizes)], name)


def split_with_sizes(input: Tensor, split_sizes: Any, dim: int = 0) -> tuple:
    """x cut along ``dim`` into pieces of the given sizes (a sequence of ints summing to
    the dim's size), views that are outputs of one node, as ``split`` with a list."""
    if not isinstance(split_sizes, (tuple, list)):
        raise TypeError(
            "split_with_sizes(): argument 'split_sizes' (position 1) must be tuple of ints, "
            f"not {type(split_sizes).__name__}"
        )
    if not input.data.ndim:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    return split(input, list(split_sizes), dim)


def _tensor_split_arg(arg: Any) -> Any:
    """tensor_split's ``indices_or_sections`` as an int (sections) or a tuple of indices;
    a Tensor must hold int64, 0-d for sections, 1-d for indices (as PyTorch)."""
    if isinstance(arg, Tensor):
        A = arg.data
        if A.ndim > 1:
            raise RuntimeError(
                "tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                f"one-dimensional tensor, but got a tensor with {A.ndim} dims"
            )
        if A.dtype != dtypes.int64:
            raise RuntimeError(
                "tensor_split expected tensor_indices_or_sections to have dtype of long, but "
                f"got {dtypes.torch_name(A.dtype)}"
            )
        return builtins.int(A) if A.ndim == 0 else tuple(A.tolist())
    if _is_int(arg):
        return operator.index(arg)
    if isinstance(arg, (tuple, list)):
        try:
            return size_arg((arg,), "tensor_split")
        except TypeError:
            pass
    raise TypeError(
        f"tensor_split() received an invalid combination of arguments - got "
        f"({type(arg).__name__}), but expected one of: (tuple of ints indices, int dim = 0), "
        "(Tensor tensor_indices_or_sections, int dim = 0), (int sections, int dim = 0)"
    )


def tensor_split(input: Tensor, indices_or_sections: Any = NOT_GIVEN, dim: int = 0, *,
                 sections: Any = NOT_GIVEN, indices: Any = NOT_GIVEN) -> tuple:  # fmt: skip
    """x cut along ``dim`` into ``sections`` pieces (the first n % sections of them one
    longer), or at the given ``indices`` (as Python slices: x[:i0], x[i0:i1], ..., x[ik:]).
    Each piece is a view with its own Slice node, as in PyTorch. One of the three: the
    keywords as PyTorch's overloads take them (sections= an int or a one-element integer
    Tensor, indices= a sequence)."""
    given = [a for a in (indices_or_sections, sections, indices) if a is not NOT_GIVEN]
    if (
        len(given) != 1
        or (sections is not NOT_GIVEN and not _is_int(sections))
        or (indices is not NOT_GIVEN and not isinstance(indices, (list, tuple)))
    ):
        raise TypeError("tensor_split(): give one of indices_or_sections, sections= (an int) "
                        "and indices= (a sequence)")  # fmt: skip
    arg = operator.index(sections) if given[0] is sections else _tensor_split_arg(given[0])
    X = input.data
    if not X.ndim:
        raise RuntimeError(
            "tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims"
        )
    d = _one_axis("tensor_split", "dim", dim, X.ndim)
    n = X.shape[d]
    if isinstance(arg, builtins.int):
        if arg <= 0:
            raise RuntimeError(f"tensor_split: number of sections must be larger than 0, got {arg}")
        size, extra = divmod(n, arg)
        bounds = [k * size + builtins.min(k, extra) for k in range(arg + 1)]
    else:
        # each index as a slice bound: negative ones count from the end, then clamped
        bounds = [0, *(builtins.min(builtins.max(i + n if i < 0 else i, 0), n) for i in arg), n]
    return tuple(
        _piece(input, d, start, builtins.max(stop - start, 0), "Slice")
        for start, stop in zip(bounds, bounds[1:])
    )


def _split_by(name: str, x: Tensor, indices_or_sections: Any, dim: int, ndim: int) -> tuple:
    """hsplit, vsplit, dsplit: tensor_split along ``dim``, for at least ``ndim`` dims; an
    int must divide the dim's size."""
    X = x.data
    if X.ndim < ndim:
        raise RuntimeError(
            f"torch.{name} requires a tensor with at least {ndim} dimension, but got a tensor "
            f"with {X.ndim} dimensions!"
        )
    if _is_int(indices_or_sections) and not isinstance(indices_or_sections, Tensor):
        k = operator.index(indices_or_sections)
        if k == 0 or X.shape[dim] % k:
            raise RuntimeError(
                f"torch.{name} attempted to split along dimension {dim}, but the size of the "
                f"dimension {X.shape[dim]} is not divisible by the split_size {k}!"
            )
    elif not isinstance(indices_or_sections, (tuple, list, Tensor)):
        raise TypeError(
            f"{name}() received an invalid combination of arguments - got "
            f"({type(indices_or_sections).__name__}), but expected (int sections) or "
            "(tuple of ints indices)"
        )
    return tensor_split(x, indices_or_sections, dim)


def hsplit(input: Tensor, indices_or_sections: Any) -> tuple:
    """tensor_split along dim 1 (dim 0 of a 1-d tensor)."""
    return _split_by("hsplit", input, indices_or_sections, 1 if input.data.ndim > 1 else 0, 1)


def vsplit(input: Tensor, indices_or_sections: Any) -> tuple:
    """tensor_split along dim 0 of a tensor of at least 2 dims."""
    return _split_by("vsplit", input, indices_or_sections, 0, 2)


def dsplit(input: Tensor, indices_or_sections: Any) -> tuple:
    """tensor_split along dim 2 of a tensor of at least 3 dims."""
    return _split_by("dsplit", input, indices_or_sections, 2, 3)


def ravel(input: Tensor) -> Tensor:
    """x as 1-d: a view if x is contiguous, else a view of a contiguous copy (PyTorch's
    View node after a Clone, where reshape would record an UnsafeView)."""
    return view(contiguous(input), -1)


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    """x split into ``chunks`` pieces of ceil(n / chunks) elements (fewer if n runs out)."""
    if not _is_int(chunks) or isinstance(chunks, Tensor):
        raise TypeError(f"chunk(): argument 'chunks' must be int, not {type(chunks).__name__}")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    if not input.data.ndim:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    n = input.data.shape[_one_axis("chunk", "dim", dim, input.data.ndim)]
    if n == 0:  # as many empty pieces as asked for, as PyTorch
        return split(input, [0] * chunks, dim)
    return split(input, -(-n // chunks), dim)


def unbind(input: Tensor, dim: int = 0) -> tuple:
    """The slices of x along ``dim``, each without that dim (views)."""
    X = input.data
    if not X.ndim:
        raise IndexError("unbind: Dimension specified as 0 but tensor has no dimensions")
    d = _one_axis("unbind", "dim", dim, X.ndim)
    lead = (slice(None),) * d
    return _pieces(input, [lead + (i, Ellipsis) for i in range(X.shape[d])], "Unbind")


def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """The slices of x at ``index`` (a vector of int64 or int32) along ``dim``.
    dx = zeros with g added at the indexed slices (repeated indices accumulate)."""
    _no_barebones("index_select_out_cpu_", input)
    check_tensor("index_select", "index", index)
    X, I = input.data, index.data
    d = _one_axis("index_select", "dim", dim, X.ndim)
    if I.dtype not in dtypes.INDEX_INTS:
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    if I.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if not X.ndim and I.size != 1:
        raise RuntimeError(
            f"index_select(): Index to scalar can have only 1 value, got {I.size} value(s)"
        )
    Xv, I = X.reshape(X.shape or (1,)), I.reshape(-1)
    bad = (I < 0) | (I >= Xv.shape[d])
    if bad.any():
        raise IndexOutOfRangeError(
            f"index_select(): index {I[bad][0]} is out of bounds for dimension {d} with size "
            f"{Xv.shape[d]}"
        )
    picked = np.take(Xv, I, axis=d)

    def vjp(g: np.ndarray) -> np.ndarray:  # repeated indices accumulate, in order
        dx = np.zeros(Xv.shape, g.dtype)
        _add_rows(np.moveaxis(dx, d, 0), I, np.moveaxis(g.reshape(picked.shape), d, 0))
        return dx.reshape(X.shape)

    out = picked if X.ndim else picked.reshape(())
    return record(out, "IndexSelect", (input,), (vjp,), saved=(index,))


def t(input: Tensor) -> Tensor:
    """The transpose of a matrix (a vector or a 0-d tensor as it is), a view.
    dx = gᵀ."""
    if input.data.ndim > 2:
        raise RuntimeError(
            f"t() expects a tensor with <= 2 dimensions, but self is {input.data.ndim}D"
        )
    return _renamed(permute(input, tuple(range(input.data.ndim - 1, -1, -1))), "T")


def movedim(input: Tensor, source: Any, destination: Any) -> Tensor:
    """x with dims ``source`` moved to positions ``destination`` (the rest keep their
    order): a permute."""
    n = input.data.ndim
    src = (source,) if _is_int(source) else size_arg((source,), "movedim")
    dst = (destination,) if _is_int(destination) else size_arg((destination,), "movedim")
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({list(src)} dims) should "
            f"contain the same number of dims as destination ({list(dst)} dims)"
        )
    axes = {}
    for arg, dims in (("source", src), ("destination", dst)):
        axes[arg] = [_one_axis("movedim", arg, a, n) for a in dims]
        if len(set(axes[arg])) != len(dims):
            raise RuntimeError(f"movedim: repeated dim in `{arg}` ({list(dims)})")
    order = [i for i in range(n) if i not in axes["source"]]
    for to, frm in sorted(zip(axes["destination"], axes["source"])):
        order.insert(to, frm)
    return permute(input, *order) if n else _view(input.data.view(), input, "Alias", identity)


def _diagonal_view(A: np.ndarray, offset: int, d1: int, d2: int) -> np.ndarray:
    """np.diagonal's view, writable where A is (NumPy gives it read-only)."""
    out = np.diagonal(A, offset, d1, d2)
    if A.flags.writeable:
        out.flags.writeable = True
    return out


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The elements x[..., i, ..., i + offset, ...] of dims dim1, dim2, as the last dim
    (a view).   dx = zeros with g on that diagonal."""
    X = input.data
    d1 = _one_axis("diagonal", "dim1", dim1, X.ndim)
    d2 = _one_axis("diagonal", "dim2", dim2, X.ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    offset = operator.index(offset)

    def vjp(g: np.ndarray) -> np.ndarray:
        dx = np.zeros(X.shape, g.dtype)
        _diagonal_view(dx, offset, d1, d2)[...] = g
        return dx

    return _view(_diagonal_view(X, offset, d1, d2), input, "Diagonal", vjp)


def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """A 1-D x as the ``diagonal``-th diagonal of a square matrix (dx = that diagonal of
    g), or a 2-D x's diagonal as a new vector (dx = g put on the diagonal)."""
    X = input.data
    k = operator.index(diagonal)
    if X.ndim == 1:
        return record(np.diag(X, k), "DiagEmbed", (input,), (lambda g: np.diagonal(g, k).copy(),))
    if X.ndim != 2:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {X.ndim}D")
    out = np.diagonal(X, k).copy()

    def vjp(g: np.ndarray) -> np.ndarray:
        dx = np.zeros(X.shape, g.dtype)
        _diagonal_view(dx, k, 0, 1)[...] = g
        return dx

    return record(out, "DiagonalBackward_copy", (input,), (vjp,))  # PyTorch's diagonal_copy


def trace(input: Tensor) -> Tensor:
    """Σ_i x[i, i] of a matrix (integers summed in int64).   dx = g on the diagonal."""
    X = input.data
    _refuse("trace", X, "b", NotImplementedError)
    if X.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {X.ndim}")
    out = np.asarray(np.trace(X, dtype=np.int64 if X.dtype.kind in "biu" else X.dtype))
    return record(out, "Trace", (input,), (lambda g: g * np.eye(*X.shape, dtype=g.dtype),))


# ---- products of vectors and matrices ------------------------------------------------


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """a[i] * b[j] of two vectors, as PyTorch's a.reshape(n, 1) * b (a Mul node)."""
    check_tensor("outer", "vec2", vec2)
    for arg, t in (("self", input), ("vec2", vec2)):
        if t.data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {arg}, but got {t.data.ndim}-D")
    return mul(reshape(input, -1, 1), vec2)


def dot(input: Tensor, tensor: Tensor) -> Tensor:
    """Σ a_i b_i of two vectors of one size and dtype.   da = g b,   db = g a."""
    check_tensor("dot", "tensor", tensor)
    A, B = input.data, tensor.data
    if A.ndim != 1 or B.ndim != 1:
        raise RuntimeError(f"dot: 1D tensors expected, but got {A.ndim}D and {B.ndim}D tensors")
    if A.size != B.size:
        raise RuntimeError(
            f"dot: inconsistent tensor size, expected tensor [{A.size}] and src [{B.size}] to have "
            f"the same number of elements, but got {A.size} and {B.size} elements respectively"
        )
    _same_dtype("dot", A, B)
    _refuse("dot", A, "b", NotImplementedError)
    return record(np.asarray(np.dot(A, B)), "Dot", (input, tensor),
                  (lambda g: g * B, lambda g: g * A),
                  saved=_saved_for_product(input, tensor))  # fmt: skip


def mv(input: Tensor, vec: Tensor) -> Tensor:
    """A matrix times a vector, (n, m) @ (m,).   da = g vᵀ,   dv = aᵀ g."""
    check_tensor("mv", "vec", vec)
    if input.data.ndim != 2 or vec.data.ndim != 1:
        raise RuntimeError(
            f"mv: vector + matrix @ vector expected, got 1, {input.data.ndim}, {vec.data.ndim}"
        )
    if input.data.shape[1] != vec.data.shape[0]:
        n, m = input.data.shape
        raise RuntimeError(
            f"mv: size mismatch, got input ({n}), mat ({n}x{m}), vec ({vec.data.shape[0]})"
        )
    return _matmul(input, vec, "mv")


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """beta * input + alpha * (mat1 @ mat2), input broadcast to the product's shape
    (and ignored, NaN included, when beta is 0; the product likewise when alpha is 0).
    dinput = beta g,   dmat1 = alpha g @ mat2ᵀ,   dmat2 = alpha mat1ᵀ @ g."""
    for arg, t in (("mat1", mat1), ("mat2", mat2)):
        check_tensor("addmm", arg, t)
        if t.data.ndim != 2:
            raise RuntimeError(f"addmm: {arg} must be a matrix, got {t.data.ndim}-D tensor")
    C, A, B = input.data, mat1.data, mat2.data
    if A.shape[1] != B.shape[0]:
        raise RuntimeError(
            f"addmm: mat1 and mat2 shapes cannot be multiplied ({A.shape[0]}x{A.shape[1]} and "
            f"{B.shape[0]}x{B.shape[1]})"
        )
    _same_dtype("addmm", A, B)
    _same_dtype("addmm", C, A)
    target = (A.shape[0], B.shape[1])
    try:
        C = np.broadcast_to(C, target)
    except ValueError:
        raise RuntimeError(
            f"addmm: the input of shape {input.data.shape} cannot be expanded to the product's "
            f"shape {target}"
        ) from None
    if A.dtype.kind in "biu":  # PyTorch casts the scalars to the integer dtype
        alpha, beta = builtins.int(alpha), builtins.int(beta)
    if alpha == 0 or not A.shape[1]:  # PyTorch's gemm skips the product: no NaN or ±0 from it
        out = np.zeros(target, A.dtype) if beta == 0 else beta * C
    elif beta == 0:  # the sums start from +0, as PyTorch's: alpha < 0 times a 0 is +0
        out = alpha * (A @ B) + 0
    elif A.dtype == np.float16:  # PyTorch sums in float32 and rounds once
        F = np.float32
        out = beta * C.astype(F) + alpha * (A.astype(F) @ B.astype(F))
    else:
        out = beta * C + alpha * (A @ B)
    out = np.asarray(out, dtype=A.dtype)
    return record(out, "Addmm", (input, mat1, mat2),
                  (lambda g: beta * g, lambda g: alpha * (g @ B.T), lambda g: alpha * (A.T @ g)),
                  saved=_saved_for_product(mat1, mat2))  # fmt: skip


# ---- blends of several tensors: lerp, addcmul, addcdiv ------------------------------------


def _operands(name: str, *xs: Any, floating: bool = False) -> tuple:
    """The arrays of ``xs`` (Tensors; numbers stay numbers), cast to PyTorch's result dtype
    of them all, and that dtype; with ``floating`` (a float function), the default float
    dtype in place of an integer one (each cast to it directly, as PyTorch casts them)."""
    arrays = tuple(x.data if isinstance(x, Tensor) else x for x in xs)
    dt = dtypes.result_dtype(np.result_type(*arrays), arrays)
    if floating and dt.kind in "biu":
        dt = dtypes.get_default_dtype()
    try:
        np.broadcast_shapes(*(np.shape(a) for a in arrays))
    except ValueError:
        shapes = ", ".join(str(np.shape(a)) for a in arrays)
        raise OpError(f"{name}: shapes {shapes} cannot be broadcast together") from None
    return tuple(np.asarray(a, dt) if isinstance(a, np.ndarray) else a for a in arrays), dt


def lerp(input: Tensor, end: Tensor, weight: Any) -> Tensor:
    """x + w (end - x), as PyTorch computes it: end - (end - x)(1 - w) where |w| >= 0.5,
    so that w = 1 gives end exactly.   dx = g (1 - w),   dend = g w,   dw = g (end - x)."""
    check_tensor("lerp", "end", end)
    X = input.data
    for arg, t in (("end", end), ("weight", weight)):  # a 0-d weight is a number to PyTorch
        if isinstance(t, Tensor) and t.data.dtype != X.dtype and (arg == "end" or t.data.ndim):
            raise RuntimeError(
                f"lerp: expected dtype {X.dtype} for `{arg}` but got dtype {t.data.dtype}"
            )
    if X.dtype.kind not in "fc":
        raise NotImplementedError(f"lerp: not implemented for dtype {X.dtype}")
    if not isinstance(weight, Tensor):
        weight = _opmath_fits(weight, X.dtype)
    (X, E, W), _ = _operands("lerp", input, end, weight)
    with np.errstate(invalid="ignore", over="ignore"):
        out = np.where(np.abs(W) < 0.5, X + W * (E - X), E - (E - X) * (1 - W))
    vjps = (lambda g: g * (1 - W), lambda g: g * W, lambda g: g * (E - X))
    if not isinstance(weight, Tensor):  # a number weight is not an input of the graph
        return record(out, "Lerp", (input, end), vjps[:2])
    saved = _read_by((input, (weight,)), (end, (weight,)), (weight, (input, end)))
    return record(out, "Lerp", (input, end, weight), vjps, saved=saved)


def _opmath_fits(v: Any, dtype: np.dtype) -> Any:
    """A number as PyTorch checks it for a kernel that computes float16 in float32."""
    return dtypes.check_fits(v, dtypes.float32 if dtype == dtypes.float16 else dtype)


def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """x + value * t1 * t2, broadcast.   dx = g,   dt1 = g (t2 value),   dt2 = g (t1 value)."""
    check_tensor("addcmul", "tensor1", tensor1)
    check_tensor("addcmul", "tensor2", tensor2)
    (X, A, B), dt = _operands("addcmul", input, tensor1, tensor2)
    if dt.kind == "b":
        raise NotImplementedError("\"addcmul_cpu_out\" not implemented for 'Bool'")
    v = dt.type(_opmath_fits(value, dt))  # in the result's dtype (0.5 is 0 for integers)
    out = X + v * A * B
    return record(out, "Addcmul", (input, tensor1, tensor2),
                  (identity, lambda g: g * (B * v), lambda g: g * (A * v)),
                  saved=_saved_for_product(tensor1, tensor2))  # fmt: skip


def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """x + value * t1 / t2, broadcast (floats only).   dx = g,   dt1 = g (value / t2),
    dt2 = -g (value t1 / t2²)."""
    check_tensor("addcdiv", "tensor1", tensor1)
    check_tensor("addcdiv", "tensor2", tensor2)
    if tensor1.data.dtype.kind in "biu" and tensor2.data.dtype.kind in "biu":
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future release "
            "addcdiv will perform a true division of tensor1 and tensor2. Use "
            "(input + value * tensor1 / tensor2) instead."
        )
    (X, A, B), dt = _operands("addcdiv", input, tensor1, tensor2)
    v = dt.type(_opmath_fits(value, dt))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = X + v * A / B
    vjps = (identity, _quiet(lambda g: g * (v / B)), _quiet(lambda g: -g * (v * A / (B * B))))
    saved = _read_by((tensor1, (tensor2,)), (tensor2, (tensor1, tensor2)))
    return record(out, "Addcdiv", (input, tensor1, tensor2), vjps, saved=saved)


# ---- special functions and more elementwise math ---------------------------------------

_SQRT_PI = math.sqrt(math.pi)


def erf(input: Tensor) -> Tensor:
    """erf x = 2/√π ∫₀ˣ exp(-t²) dt.   dx = g 2/√π exp(-x²)."""
    from .nn.erf import erf as erf_array  # nn imports this module: import on use

    _refuse("erf", input.data, "c", NotImplementedError)
    return _float_op("Erf", lambda X: erf_array(X).astype(X.dtype), input,
                     lambda g, X, out: g * (2 / _SQRT_PI) * np.exp(-X * X))  # fmt: skip


def erfc(input: Tensor) -> Tensor:
    """1 - erf x, without the cancellation for large x.   dx = -g 2/√π exp(-x²)."""
    _refuse("erfc", input.data, "c", NotImplementedError)
    return _float_op("Erfc", lambda X: special_functions.erfc(X).astype(X.dtype), input,
                     lambda g, X, out: g * (-2 / _SQRT_PI) * np.exp(-X * X))  # fmt: skip


def _erfinv_array(Y: np.ndarray) -> np.ndarray:
    """The inverse of erf on [-1, 1], in Y's dtype (special_functions.erfinv)."""
    return special_functions.erfinv(Y).astype(Y.dtype)


def erfinv(input: Tensor) -> Tensor:
    """The y with erf y = x (for x in [-1, 1]).   dx = g √π/2 exp(erfinv(x)²) (from x, as
    PyTorch: it saves x, not the result)."""
    _refuse("erfinv", input.data, "c", NotImplementedError)
    vjp = lambda g, X, out: g * (_SQRT_PI / 2) * np.exp(np.square(_erfinv_array(X)))  # noqa: E731
    return _float_op("Erfinv", _erfinv_array, input, vjp)


def _float_pair(name: str, fn: Any, a: Tensor, b: Tensor) -> tuple:
    """fn(a, b) for two Tensors, promoted as PyTorch; floats only (NotImplementedError)."""
    _tensors_only(name, a, b)
    if a.data.dtype.kind in "biu" and b.data.dtype.kind in "biu":
        raise NotImplementedError(
            f"\"{name}_cpu\" not implemented for '{dtypes.torch_name(a.data.dtype)}'"
        )
    return _binary(name, _quiet(fn), a, b)


def logaddexp(input: Tensor, other: Tensor) -> Tensor:
    """log(exp a + exp b), without overflow.   da = g / (1 + exp(b - a)),
    db = g / (1 + exp(a - b))."""
    A, B, out = _float_pair("logaddexp", np.logaddexp, input, other)
    vjps = (_quiet(lambda g: g / (1 + np.exp(B - A))), _quiet(lambda g: g / (1 + np.exp(A - B))))
    return record(out, "Logaddexp", (input, other), vjps, saved=(input, other))


def logaddexp2(input: Tensor, other: Tensor) -> Tensor:
    """log₂(2^a + 2^b), without overflow.   da = g / (1 + 2^(b - a)),   db = g / (1 + 2^(a - b))."""
    A, B, out = _float_pair("logaddexp2", np.logaddexp2, input, other)
    vjps = (_quiet(lambda g: g / (1 + np.exp2(B - A))), _quiet(lambda g: g / (1 + np.exp2(A - B))))
    return record(out, "Logaddexp2", (input, other), vjps, saved=(input, other))


def hypot(input: Tensor, other: Tensor) -> Tensor:
    """sqrt(a² + b²), without overflow.   da = g a / out,   db = g b / out."""
    A, B, out = _float_pair("hypot", np.hypot, input, other)
    vjps = (_quiet(lambda g: g * A / out), _quiet(lambda g: g * B / out))
    saved = _read_by((input, (input,)), (other, (other,)))
    return record(out, "Hypot", (input, other), vjps, saved=saved, saves_out=True)


def xlogy(input: Any, other: Any) -> Tensor:
    """a log b, 0 where a = 0 (NaN where b is NaN); integers in the default float dtype.
    Either may be a number (not an input of the graph then).
    da = xlogy(g, b), 0 where a = 0 and b <= 0 (as PyTorch),   db = g a / b."""
    return _x_log("xlogy", "Xlogy", np.log, 0, input, other)


def _x_log(name: str, node: str, log: Any, pole: float, input: Any, other: Any) -> Tensor:
    """a log(b) for a logarithm ``log`` (np.log, or np.log1p for xlog1py) singular at b =
    ``pole``, as xlogy: 0 where a = 0 (NaN where b is NaN); either may be a number.
    da = g log(b), 0 where a = 0 and b <= pole,   db = g a / (b - pole)."""
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError(
            f"{name}(): expected a Tensor, got {type(input).__name__} and {type(other).__name__}"
        )
    (A, B), dt = _operands(name, input, other, floating=True)
    refuse_complex(name, A, B)
    with np.errstate(over="ignore"):  # a number is cast to dt first, as PyTorch's: 1e-50 is 0
        A, B = (np.asarray(v, dt) for v in (A, B))  # in float32 (and log1p(True) not float16)

    @_quiet
    def log_b_unless_a_is_0() -> np.ndarray:
        return np.where(np.isnan(B), np.nan, np.where(A == 0, 0, log(B)))

    with np.errstate(invalid="ignore"):  # inf log 1 = NaN, as PyTorch's
        out = np.asarray(log_b_unless_a_is_0() * np.where(A == 0, 1, A), dt)

    @_quiet
    def vjp_a(g: np.ndarray) -> np.ndarray:
        g_log_b = np.where(np.isnan(B), np.nan, np.where(g == 0, 0, g * log(B)))
        return np.where((A == 0) & (B <= pole), 0, g_log_b)

    vjp_b = _quiet(lambda g: g * A / (B - pole))
    inputs, vjps = zip(
        *((t, v) for t, v in ((input, vjp_a), (other, vjp_b)) if isinstance(t, Tensor))
    )
    return record(out, node, inputs, vjps, saved=_tensors(input, other))


def sinc(input: Tensor) -> Tensor:
    """sin(πx) / (πx), 1 at x = 0.   dx = g (πx cos πx - sin πx) / (πx²), 0 where πx² is 0."""

    @_quiet
    def vjp(g: np.ndarray, X: np.ndarray, out: np.ndarray) -> np.ndarray:
        px = math.pi * X
        den = px * X  # 0 at x = 0 and where x² underflows
        return g * np.where(den == 0, 0, (px * np.cos(px) - np.sin(px)) / den)

    return _float_op("Sinc", np.sinc, input, vjp)


def asinh(input: Tensor) -> Tensor:
    """arsinh x.   dx = g / sqrt(x² + 1)."""
    return _float_op("Asinh", np.arcsinh, input, lambda g, X, out: g / np.sqrt(X * X + 1))


def acosh(input: Tensor) -> Tensor:
    """arcosh x (x >= 1).   dx = g / sqrt(x² - 1)."""
    return _float_op("Acosh", np.arccosh, input, lambda g, X, out: g / np.sqrt(X * X - 1))


def atanh(input: Tensor) -> Tensor:
    """artanh x (|x| <= 1).   dx = g / (1 - x²)."""
    return _float_op("Atanh", np.arctanh, input, lambda g, X, out: g / (1 - X * X))


def deg2rad(input: Tensor) -> Tensor:
    """x π/180.   dx = g π/180."""
    _refuse("deg2rad", input.data, "c")
    out = _unary_float(lambda X: X * (math.pi / 180), input.data)
    return record(out, "Deg2Rad", (input,), (lambda g: g * (math.pi / 180),))


def rad2deg(input: Tensor) -> Tensor:
    """x 180/π.   dx = g 180/π."""
    _refuse("rad2deg", input.data, "c")
    out = _unary_float(lambda X: X * (180 / math.pi), input.data)
    return record(out, "Rad2Deg", (input,), (lambda g: g * (180 / math.pi),))


def float_power(input: Any, exponent: Any) -> Tensor:
    """a ** b in float64 (complex128 if either is complex), as PyTorch's: pow of the operands
    cast to that dtype (ToCopy nodes)."""
    if not isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        raise TypeError("float_power(): expected a Tensor as the base or the exponent")
    kinds = [
        np.asarray(v.data if isinstance(v, Tensor) else v).dtype.kind for v in (input, exponent)
    ]
    wide = np.dtype(np.complex128 if "c" in kinds else np.float64)
    input, exponent = (
        _to(v, wide) if isinstance(v, Tensor) else (complex(v) if wide.kind == "c" else float(v))
        for v in (input, exponent)
    )
    return pow(input, exponent)


def sgn(input: Tensor) -> Tensor:
    """The sign of x (for real x, as sign).   dx = 0, though PyTorch's formula (for complex
    x) saves x and the result, so a change to either makes backward raise."""
    X = input.data
    out = X.copy() if X.dtype.kind == "b" else _sign_array(X, X.dtype)
    return record(out, "Sgn", (input,), (np.zeros_like,), saved=(input,), saves_out=True)


def fmod(input: Tensor, other: Any) -> Tensor:
    """a - trunc(a / b) * b (the sign of a, as C's fmod).   da = g,   db = -g trunc(a / b)."""
    A, B, out = _binary("fmod", _quiet(np.fmod), input, other)
    _check_int_divisor("fmod", A, B)
    if not isinstance(other, Tensor):  # a number divisor is not an input of the graph
        return record(out, "Fmod", (input,), (identity,))
    return record(out, "Fmod", (input, other), (identity, _quiet(lambda g: -g * np.trunc(A / B))),
                  saved=_read_by((other, (input, other))))  # fmt: skip


def _nan_ignoring(name: str, fn: Any, a: Tensor, b: Tensor, wins: Any) -> Tensor:
    """fmax and fmin: a gets g where it wins (ties included) or b is NaN, b the rest."""
    _tensors_only(name, a, b)
    A, B, out = _binary(name, fn, a, b)
    _refuse(name, out, "c")
    first = lambda: wins(A, B) | np.isnan(B)  # noqa: E731
    return record(out, name.capitalize(), (a, b),
                  (lambda g: np.where(first(), g, 0), lambda g: np.where(first(), 0, g)),
                  saved=(a, b))  # fmt: skip


def fmax(input: Tensor, other: Tensor) -> Tensor:
    """max(a, b) elementwise, a NaN losing to a number.   da = g where a >= b or b is NaN,
    db = g elsewhere."""
    return _nan_ignoring("fmax", np.fmax, input, other, np.greater_equal)


def fmin(input: Tensor, other: Tensor) -> Tensor:
    """min(a, b) elementwise, a NaN losing to a number.   da = g where a <= b or b is NaN,
    db = g elsewhere."""
    return _nan_ignoring("fmin", np.fmin, input, other, np.less_equal)


# ---- flips, rotations and products PyTorch programs use ---------------------------------


def fliplr(input: Tensor) -> Tensor:
    """x reversed along dim 1 (x of at least 2 dims)."""
    if input.data.ndim < 2:
        raise RuntimeError("fliplr: Input must be >= 2-d.")
    return flip(input, 1)


def flipud(input: Tensor) -> Tensor:
    """x reversed along dim 0 (x of at least 1 dim)."""
    if input.data.ndim < 1:
        raise RuntimeError("flipud: Input must be >= 1-d.")
    return flip(input, 0)


def rot90(input: Tensor, k: int = 1, dims: Any = (0, 1)) -> Tensor:
    """x turned k quarter turns in the plane of ``dims``, from dims[0] toward dims[1]
    (a flip and a transpose, as PyTorch: the result is a copy, transposed for odd k).
    dx = g turned back."""
    X = input.data
    dims = size_arg((dims,))
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if X.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {X.ndim}")
    d0, d1 = (_one_axis("rot90", "dims", d, X.ndim) for d in dims)
    if d0 == d1:
        raise RuntimeError(
            f"expected rotation dims to be different, but got dim0 = {dims[0]} and dim1 = {dims[1]}"
        )
    k %= 4
    # the flip is copied in x's layout, as PyTorch's flip: the transpose then decides the strides
    if k == 1:
        out = np.swapaxes(np.flip(X, d1).copy(order="K"), d0, d1)
    elif k == 2:
        out = np.flip(X, (d0, d1)).copy(order="K")
    elif k == 3:
        out = np.swapaxes(np.flip(X, d0).copy(order="K"), d0, d1)
    else:
        out = X.copy()
    return record(out, "Rot90", (input,), (lambda g: np.rot90(g, -k, axes=(d0, d1)),))


def inner(input: Tensor, other: Tensor) -> Tensor:
    """Σ over the last dims of a and b: out[i..., j...] = Σ_k a[i..., k] b[j..., k]
    (a product with a 0-d tensor), as PyTorch's tensordot: views around an mm or a dot."""
    check_tensor("inner", "other", other)
    A, B = input.data, other.data
    if not A.ndim or not B.ndim:
        return mul(input, other)
    if A.shape[-1] != B.shape[-1]:
        raise RuntimeError(
            "inner() the last dimension must match on both input tensors but got shapes "
            f"{list(A.shape)} and {list(B.shape)}"
        )
    n = A.shape[-1]
    last_first = permute(other, B.ndim - 1, *range(B.ndim - 1))
    if A.ndim == 1 and B.ndim == 1:
        return _unsafe_view(dot(input, last_first), (), "View")
    product = mm(reshape(input, -1, n), reshape(last_first, n, -1))
    return _unsafe_view(product, A.shape[:-1] + B.shape[:-1], "View")


def vdot(input: Tensor, other: Tensor) -> Tensor:
    """Σ conj(a_i) b_i of two vectors (for real tensors, dot).   da = g b,   db = g a."""
    check_tensor("vdot", "other", other)
    if input.data.dtype.kind == "c":  # (no gradient: complex tensors do not require grad)
        input = Tensor._new(np.conj(input.data))
    return _renamed(dot(input, other), "Vdot")


def kron(input: Tensor, other: Tensor) -> Tensor:
    """The Kronecker product: out[i·m + k] = a[i] b[k] in every dim (the fewer dims
    padded with leading 1s); as PyTorch, a product of two reshapes, reshaped."""
    check_tensor("kron", "other", other)
    n = builtins.max(input.data.ndim, other.data.ndim)
    sa = (1,) * (n - input.data.ndim) + input.data.shape
    sb = (1,) * (n - other.data.ndim) + other.data.shape
    spread_a = _unsafe_view(input, tuple(v for s in sa for v in (s, 1)))
    spread_b = _unsafe_view(other, tuple(v for s in sb for v in (1, s)))
    return _unsafe_view(mul(spread_a, spread_b), tuple(p * q for p, q in zip(sa, sb)))
