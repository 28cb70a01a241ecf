"""PyTorch's ops that select, index and scatter (masked_select, take, index_add,
scatter, nonzero, repeat_interleave, diff, cross, cummax, kthvalue, median, unique, ...)
and tests of values without gradients (logical_and, isclose, ...).

As in ``ops.py``, each forward sits beside its vector-Jacobian products; ``X`` names
the input array, ``out`` the result array, ``g`` the output's gradient. Ops that PyTorch
composes of others (take_along_dim, repeat_interleave, diff) are composed the same way
here, so that their graphs have PyTorch's nodes.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from . import dtypes
from .engine import NOT_IMPLEMENTED, no_derivative, record
from .errors import IndexOutOfRangeError, OpError, warn_once
from .more_ops import index_select, narrow
from .ops import (
    _axes,
    _binary,
    _contiguous,
    _dim_or_all,
    _no_barebones,
    _no_vjp,
    _one_axis,
    _refuse,
    _select,
    _tensors_only,
    _unsafe_view,
    as_tensor,
    cat,
    clone,
    expand,
    flatten,
    gather,
    identity,
    reshape,
    sort_order,
    sub,
    unsqueeze,
    wrapped_int,
)
from .return_types import return_type
from .tensor import NOT_GIVEN, Tensor, check_bool, check_tensor, size_arg

_new = Tensor._new


# ---- selecting, indexing and scattering ------------------------------------------------


def masked_select(input: Tensor, mask: Tensor) -> Tensor:
    """The elements of x where ``mask`` (bool, broadcast with x), as a 1-D tensor.
    dx = zeros with g put back where mask (summed over broadcast dims by the engine)."""
    check_tensor("masked_select", "mask", mask)
    X, M = input.data, mask.data
    if M.dtype != np.bool_:
        raise RuntimeError(f"masked_select: expected BoolTensor for mask, got {M.dtype}")
    try:
        shape = np.broadcast_shapes(X.shape, M.shape)
    except ValueError:
        raise OpError(
            f"masked_select: mask of shape {M.shape} does not broadcast with {X.shape}"
        ) from None
    Mb = np.broadcast_to(M, shape)
    out = np.broadcast_to(X, shape)[Mb]

    def vjp(g: np.ndarray) -> np.ndarray:
        dx = np.zeros(shape, g.dtype)
        dx[Mb] = g
        return dx

    return record(
        out, "MaskedSelect", (input,), (vjp,), saved=(input, mask)
    )  # x: as PyTorch saves it


INT32_OR_64 = dtypes.INDEX_INTS  # scatter, scatter_add and index_add (take, index_copy: int64)


def _check_index(
    name: str, index: Any, ints: tuple = (np.int64,), error: type = RuntimeError
) -> np.ndarray:
    """An index tensor's array, which must hold int64 (or ``ints``), as PyTorch's."""
    check_tensor(name, "index", index)
    if index.data.dtype not in ints:
        want = " or ".join(np.dtype(t).name for t in ints)
        raise error(f"{name}(): Expected dtype {want} for index, got {index.data.dtype}")
    return index.data


def take_along_dim(input: Tensor, indices: Tensor, dim: Any = None) -> Tensor:
    """The values of x at ``indices`` along ``dim`` (x and indices broadcast, but for dim),
    or of the flattened x without dim: PyTorch's gather of an expand (of a view)."""
    I = _check_index("take_along_dim", indices)
    if dim is None:
        return gather(reshape(input, -1), 0, reshape(indices, -1))
    X = input.data
    d = _one_axis("take_along_dim", "dim", dim, X.ndim)
    if I.ndim != X.ndim:
        raise RuntimeError(
            "torch.take_along_dim(): input and indices should have the same number of "
            f"dimensions, but got {X.ndim} dimensions for input, and {I.ndim} dimensions for "
            "indices"
        )
    try:
        shape = list(np.broadcast_shapes(X.shape[:d] + (1,) + X.shape[d + 1 :],
                                         I.shape[:d] + (1,) + I.shape[d + 1 :]))  # fmt: skip
    except ValueError:
        raise OpError(f"take_along_dim: shapes {X.shape} and {I.shape} do not broadcast") from None
    xs, is_ = list(shape), list(shape)
    xs[d], is_[d] = X.shape[d], I.shape[d]
    n = X.shape[d]
    if n and I.size and (I.min() < 0 or I.max() >= n):  # PyTorch wraps them around dim
        indices = _new(I % n)
    return gather(expand(input, *xs), d, expand(indices, *is_))


def take(input: Tensor, index: Tensor) -> Tensor:
    """The elements of the flattened x at ``index`` (int64; negative counts from the end),
    in index's shape.   dx = zeros with g added at the taken places."""
    _no_barebones("take_cpu", input)
    I = _check_index("take", index)
    X = input.data
    n = X.size
    bad = (I < -n) | (I >= n)
    if bad.any():
        raise IndexError(
            f"take(): tried to access index {I[bad].flat[0]} on a tensor of {n} elements"
        )
    flat = np.where(I < 0, I + n, I)
    out = X.reshape(-1)[flat]

    def vjp(g: np.ndarray) -> np.ndarray:
        dx = np.zeros(n, g.dtype)
        np.add.at(dx, flat, g)
        return dx.reshape(X.shape)

    return record(out, "Take", (input,), (vjp,), saved=(input, index))  # x: as PyTorch saves it


def _index_along(name: str, x: Tensor, dim: int, index: Tensor, ints: tuple = (np.int64,),
                 error: type = RuntimeError) -> tuple:  # fmt: skip
    """dim as an axis and ``at``, the index of the slices of x at ``index`` along it, after
    PyTorch's checks (a vector of ``ints`` within the dim's size; ``error`` for another dtype)."""
    X = x.data
    I = _check_index(name, index, ints, error)
    if I.ndim > 1:  # PyTorch's index_select raises an IndexError, the others a RuntimeError
        raise IndexOutOfRangeError(f"{name}(): Index is supposed to be a vector")
    d = _one_axis(name, "dim", dim, X.ndim)
    n = X.shape[d] if X.ndim else 1
    I = I.reshape(-1)
    bad = (I < -n) | (I >= n)
    if bad.any():
        raise IndexOutOfRangeError(
            f"{name}(): index {I[bad][0]} is out of bounds for dimension {d} with size {n}"
        )
    return d, (slice(None),) * d + (np.where(I < 0, I + n, I),)


def _source(name: str, x: Tensor, source: Tensor, d: int, at: tuple) -> np.ndarray:
    """index_add's and index_copy's source: x's dtype, and the shape of x[at]."""
    check_tensor(name, "source", source)
    X, S = x.data, source.data
    if S.dtype != X.dtype:
        raise RuntimeError(
            f"{name}(): self ({dtypes.torch_name(X.dtype)}) and source "
            f"({dtypes.torch_name(S.dtype)}) must have the same scalar type"
        )
    want = X.reshape(X.shape or (1,))[at].shape
    if name == "index_add" and S.ndim != X.ndim:  # index_copy takes a 0-d source for a vector
        raise RuntimeError(
            f"index_add(): source tensor shape must match self tensor shape, excluding the "
            f"specified dimension. Got self.shape = {list(X.shape)} source.shape = {list(S.shape)}"
        )
    if S.reshape(S.shape or (1,)).shape != want:
        raise RuntimeError(f"{name}(): source of shape {S.shape} does not match {want}")
    return S.reshape(want)


def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha: Any = 1) -> Tensor:
    """x with alpha * source's slices added at ``index`` along ``dim`` (repeats add up).
    dx = g,   dsource = alpha g[index]."""
    d, at = _index_along("index_add", input, dim, index, INT32_OR_64)
    S = _source("index_add", input, source, d, at)
    X = input.data
    a = X.dtype.type(wrapped_int(alpha, X.dtype))  # in x's dtype, as PyTorch casts it (0.5
    # is 0 for integers, -1 is 255 for uint8)
    out = X.reshape(X.shape or (1,)).copy()
    np.add.at(out, at, a * S)
    out = out.reshape(X.shape)
    vjp_s = lambda g: a * g.reshape(g.shape or (1,))[at].reshape(source.data.shape)  # noqa: E731
    # source is saved as PyTorch saves it (for its shape): a change to it makes backward raise
    return record(out, "IndexAdd", (input, source), (identity, vjp_s), saved=(index, *_own(source)))


def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    """x with source's slices put at ``index`` along ``dim``.
    dx = g with the slices at index zeroed,   dsource = g[index]."""
    d, at = _index_along("index_copy", input, dim, index)
    S = _source("index_copy", input, source, d, at)
    X = input.data
    out = X.reshape(X.shape or (1,)).copy()
    out[at] = S
    vjp_s = lambda g: g.reshape(g.shape or (1,))[at].reshape(source.data.shape)  # noqa: E731
    return record(out.reshape(X.shape), "IndexCopy", (input, source), (_zeroed_at(at), vjp_s),
                  saved=(index, *_own(source)))  # fmt: skip


def _own(x: Tensor) -> tuple:
    """(x,) if its own VJP is needed (it requires grad), else (): what reads x's shape saves."""
    return (x,) if x._requires_grad else ()


def _zeroed_at(at: tuple) -> Any:
    """The VJP that zeroes g at ``at`` (the places an op overwrote)."""

    def vjp(g: np.ndarray) -> np.ndarray:
        g = g.copy()
        g.reshape(g.shape or (1,))[at] = 0
        return g

    return vjp


def index_fill(input: Tensor, dim: int, index: Tensor, value: Any) -> Tensor:
    """x with ``value`` (a number or a 0-d tensor) in the slices at ``index`` along ``dim``.
    dx = g with those slices zeroed,   dvalue = Σ g over them."""
    d, at = _index_along("index_fill", input, dim, index, error=IndexError)
    if isinstance(value, Tensor) and value.data.ndim:
        raise RuntimeError(
            "index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
            f"{value.data.ndim} dimension(s)."
        )
    X = input.data
    out = X.reshape(X.shape or (1,)).copy()
    out[at] = value.data if isinstance(value, Tensor) else dtypes.check_fits(value, X.dtype)
    out = out.reshape(X.shape)
    if not isinstance(value, Tensor):  # a number is not an input of the graph
        return record(out, "IndexFill", (input,), (_zeroed_at(at),), saved=(index,))
    filled = np.zeros(X.shape or (1,), bool)
    filled[at] = True  # each place once, however often index names it
    vjp_v = lambda g: np.asarray(g.reshape(filled.shape)[filled].sum())  # noqa: E731
    return record(out, "IndexFill", (input, value), (_zeroed_at(at), vjp_v), saved=(index,))


def _scatter_at(name: str, x: Tensor, dim: int, index: Tensor, src: Any) -> tuple:
    """dim as an axis, ``at`` (the places of x that ``index`` names: index[i][j] along dim,
    i, j elsewhere) and ``pick`` (src's elements for them), after PyTorch's checks."""
    X = x.data
    check_tensor(name, "index", index)
    d = _one_axis(name, "dim", dim, X.ndim)
    S = src.data if isinstance(src, Tensor) else None
    if index.data.size == 0:  # PyTorch checks neither the dtype nor the shapes of an empty index
        none = np.empty(0, np.intp)
        return (none,) * max(X.ndim, 1), (none,) * (1 if S is None else max(S.ndim, 1))
    I = _check_index(name, index, INT32_OR_64)
    Xv, Iv = X.reshape(X.shape or (1,)), I.reshape(I.shape or (1,))
    if Iv.ndim != Xv.ndim:
        raise RuntimeError(
            "Index tensor must have the same number of dimensions as self tensor "
            f"({name}: index {I.shape}, self {X.shape})"
        )
    if S is not None and S.reshape(S.shape or (1,)).ndim != Iv.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    for k, m in enumerate(Iv.shape):
        if (k != d and m > Xv.shape[k]) or (
            S is not None and m > S.reshape(S.shape or (1,)).shape[k]
        ):
            raise RuntimeError(
                f"Expected index {list(I.shape)} to be no larger than self {list(X.shape)} apart "
                f"from dimension {d} and to be no larger size than src"
            )
    bad = (Iv < 0) | (Iv >= Xv.shape[d])
    if bad.any():
        raise RuntimeError(
            f"{name}(): index {Iv[bad][0]} is out of bounds for dimension {d} with size "
            f"{Xv.shape[d]}"
        )
    at = list(np.indices(Iv.shape, sparse=True))
    at[d] = Iv
    pick = tuple(slice(0, m) for m in Iv.shape)
    return tuple(at), pick


def scatter(
    input: Tensor,
    dim: int,
    index: Tensor,
    src: Any = None,
    *,
    value: Any = None,
    reduce: str | None = None,
) -> Tensor:
    """x with src[i][j] (or ``value``) put at index[i][j] along ``dim`` (for dim 1).
    dx = g with those places zeroed,   dsrc = g at them (0 where src is not used).
    With ``reduce`` ("add" or "multiply") src is added to (multiplied into) those places,
    repeats accumulating; PyTorch has no derivative for that form, so backward raises."""
    if src is None:
        src = value
    if src is None:
        raise TypeError("scatter() missing 1 required argument: 'src' or 'value'")
    if reduce is not None and reduce not in _SCATTER_REDUCE:
        raise RuntimeError(
            f"scatter(): reduce argument must be either add or multiply, got {reduce!r}"
        )
    at, pick = _scatter_at("scatter", input, dim, index, src)
    X = input.data
    if isinstance(src, Tensor) and src.data.dtype != X.dtype:
        raise RuntimeError(
            f"scatter(): Expected self.dtype to be equal to src.dtype ({X.dtype} and "
            f"{src.data.dtype})"
        )
    out = X.reshape(X.shape or (1,)).copy()
    if reduce is not None:
        return _scatter_reduced(input, src, out, at, pick, reduce)
    if not isinstance(src, Tensor):  # a number is not an input of the graph
        out[at] = dtypes.check_fits(src, X.dtype)
        return record(out.reshape(X.shape), "Scatter", (input,), (_zeroed_at(at),), saved=(index,))
    S = src.data
    out[at] = S.reshape(S.shape or (1,))[pick]
    return record(out.reshape(X.shape), "Scatter", (input, src),
                  (_zeroed_at(at), _picked_back(at, pick, S.shape)), saved=(index,))  # fmt: skip


_SCATTER_REDUCE = {"add": np.add, "multiply": np.multiply}


def _scatter_reduced(
    input: Tensor, src: Any, out: np.ndarray, at: tuple, pick: tuple, reduce: str
) -> Tensor:
    """scatter(..., reduce=): src (a Tensor or a number) combined into ``out`` at ``at``."""
    if isinstance(src, Tensor):
        warn_once(
            "The reduce argument of torch.scatter with Tensor src is deprecated and will be "
            "removed in a future PyTorch release. Use torch.scatter_reduce instead for more "
            "reduction options."
        )
        S = src.data.reshape(src.data.shape or (1,))[pick]
    else:
        S = np.asarray(src).astype(out.dtype)  # as PyTorch: 2.5 added to an int tensor adds 2
    _SCATTER_REDUCE[reduce].at(out, at, S)
    inputs = (input, src) if isinstance(src, Tensor) else (input,)
    no_vjp = _no_vjp("aten::scatter")
    return record(out.reshape(input.data.shape), NOT_IMPLEMENTED, inputs, (no_vjp,) * len(inputs))


def _picked_back(at: tuple, pick: tuple, shape: tuple) -> Any:
    """The VJP of src in scatter and scatter_add: g at ``at``, in src's places ``pick``."""

    def vjp(g: np.ndarray) -> np.ndarray:
        ds = np.zeros(shape or (1,), g.dtype)
        ds[pick] = g.reshape(g.shape or (1,))[at]
        return ds.reshape(shape)

    return vjp


def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """x with src[i][j] added at index[i][j] along ``dim`` (for dim 1; repeats add up).
    dx = g,   dsrc = g at those places (0 where src is not used)."""
    check_tensor("scatter_add", "src", src)
    at, pick = _scatter_at("scatter_add", input, dim, index, src)
    X, S = input.data, src.data
    if S.dtype != X.dtype:
        raise RuntimeError(
            f"scatter_add(): Expected self.dtype to be equal to src.dtype ({X.dtype} and {S.dtype})"
        )
    out = X.reshape(X.shape or (1,)).copy()
    np.add.at(out, at, S.reshape(S.shape or (1,))[pick])
    return record(out.reshape(X.shape), "ScatterAdd", (input, src),
                  (identity, _picked_back(at, pick, S.shape)), saved=(index,))  # fmt: skip


def nonzero(input: Tensor, *, as_tuple: bool = False) -> Any:
    """The indices of x's nonzero elements: an (n, x.ndim) int64 tensor, or one vector per
    dim (``as_tuple``; a 0-d x counts as 1-d there)."""
    _no_barebones("nonzero_cpu", input)
    X = input.data
    if as_tuple:
        return tuple(_new(i.astype(np.int64)) for i in np.nonzero(X.reshape(X.shape or (1,))))
    return _new(np.argwhere(X).astype(np.int64))


def argwhere(input: Tensor) -> Tensor:
    """nonzero(x): the (n, x.ndim) indices of x's nonzero elements."""
    return nonzero(input)


def repeat_interleave(input: Tensor, repeats: Any = None, dim: Any = None, *,
                      output_size: Any = None) -> Tensor:  # fmt: skip
    """Each element (or slice along ``dim``; of the flattened x without dim) repeated
    ``repeats`` times (an int, or a tensor of one count per element). As PyTorch: an int
    is an expand and a copy (Clone, View nodes), a tensor an index_select.
    repeat_interleave(counts) alone is arange(n) repeated by the counts."""
    counts = input if repeats is None else repeats
    if isinstance(counts, Tensor) and counts.data.dtype not in INT32_OR_64:  # PyTorch's kernel
        raise NotImplementedError(f'"repeat_interleave_cpu" not implemented for '
                                  f"'{dtypes.torch_name(counts.data.dtype)}'")  # fmt: skip
    if repeats is None:
        R = _check_index("repeat_interleave", input, INT32_OR_64)
        if R.ndim != 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        if (R < 0).any():
            raise RuntimeError("repeat_interleave: repeats can not be negative")
        _check_output_size(output_size, R.sum())
        return _new(np.repeat(np.arange(R.size), R.reshape(-1)).astype(R.dtype))
    if dim is None:
        input, d = flatten(input), 0
    elif not input.data.ndim:  # PyTorch: a 0-d tensor has no dim to repeat along
        raise IndexError(f"repeat_interleave: a 0-d tensor has no dim {dim}")
    else:
        d = _one_axis("repeat_interleave", "dim", dim, input.data.ndim)
    n = input.data.shape[d] if input.data.ndim else 1
    if isinstance(repeats, Tensor) and repeats.data.size != 1:
        R = repeats.data
        if R.ndim > 1 or R.size != n:
            raise RuntimeError(
                f"repeat_interleave: repeats must have the same size as input along dim, but "
                f"got repeats.size(0) = {R.size} and input.size({d}) = {n}"
            )
        if (R < 0).any():
            raise RuntimeError("repeat_interleave: repeats can not be negative")
        _check_output_size(output_size, R.sum())
        return index_select(input, d, _new(np.repeat(np.arange(n), R).astype(np.int64)))
    k = builtins.int(repeats.data.reshape(())) if isinstance(repeats, Tensor) else repeats
    if k < 0:
        raise RuntimeError("repeat_interleave: repeats can not be negative")
    if not input.data.ndim:
        input = reshape(input, 1)
    shape = input.data.shape
    _check_output_size(output_size, shape[d] * k)
    grown = expand(unsqueeze(input, d + 1), *shape[: d + 1], k, *shape[d + 1 :])
    return _unsafe_view(clone(grown), (*shape[:d], shape[d] * k, *shape[d + 1 :]), "View")


def _check_output_size(output_size: Any, total: int) -> None:
    """repeat_interleave's ``output_size`` (a hint of the result's length) must be right."""
    if output_size is not None and output_size != total:
        raise RuntimeError(
            f"repeat_interleave: Invalid output_size, expected {total} but got {output_size}"
        )


def broadcast_to(input: Tensor, size: Any) -> Tensor:
    """x expanded to ``size`` (an Expand view)."""
    return expand(input, *size_arg((size,)))


def diff(
    input: Tensor, n: int = 1, dim: int = -1, prepend: Any = None, append: Any = None
) -> Tensor:
    """The n-th forward difference along ``dim``: out[i] = x[i + 1] - x[i], n times, of
    prepend, x and append joined along dim (PyTorch's Slice and Sub nodes)."""
    X = input.data
    if not X.ndim:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = _one_axis("diff", "dim", dim, X.ndim)
    if n == 0:  # a copy of x (without prepend and append), as PyTorch's CopyBackwards
        return clone(input)
    parts = [p for p in (prepend, input, append) if p is not None]
    if len(parts) > 1:
        input = cat([p if isinstance(p, Tensor) else as_tensor(p) for p in parts], d)
    for _ in range(n):
        m = input.data.shape[d]
        if m == 0:
            break
        later, earlier = narrow(input, d, 1, m - 1), narrow(input, d, 0, m - 1)
        if input.data.dtype == np.bool_:  # PyTorch's difference of bools is their xor
            input = _new(np.logical_xor(later.data, earlier.data))
        else:
            input = sub(later, earlier)
    return input


def cross(input: Tensor, other: Tensor, dim: Any = None) -> Tensor:
    """The cross product of 3-vectors along ``dim`` (of the same number of dims, broadcast;
    without dim, the first dim
    of size 3, as torch.cross).   da = b × g,   db = g × a."""
    check_tensor("cross", "other", other)
    if input.data.ndim != other.data.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    A, B, out = _binary("cross", lambda P, Q: np.broadcast_arrays(P, Q)[0] * 1, input, other)
    if dim is None:
        warn_once("Using torch.cross without specifying the dim arg is deprecated.\nPlease "
                  "either pass the dim explicitly or simply use torch.linalg.cross.\nThe default "
                  "value of dim will change to agree with that of linalg.cross in a future "
                  "release.")  # fmt: skip
        sizes = [i for i, s in enumerate(out.shape) if s == 3]
        if not sizes:
            raise RuntimeError("no dimension of size 3 in input")
        d = sizes[0]
    else:
        d = _one_axis("cross", "dim", dim, out.ndim)
    if out.shape[d] != 3:
        raise RuntimeError(
            f"linalg.cross: inputs dimension {d} must have length 3. Got shapes {A.shape} "
            f"and {B.shape}"
        )
    if input.data.dtype.kind == "b":
        raise NotImplementedError("cross: not implemented for bool tensors")
    if input.data.dtype != other.data.dtype:  # PyTorch does not promote here
        raise RuntimeError(f"linalg.cross: expected both inputs to have the same dtype, got "
                           f"{input.data.dtype} and {other.data.dtype}")  # fmt: skip
    A, B = np.broadcast_arrays(A, B)
    out = _contiguous(np.cross(A, B, axis=d))
    saved = tuple(s for s, t in ((other, input), (input, other)) if t._requires_grad)
    return record(out, "LinalgCross", (input, other),
                  (lambda g: np.cross(B, g, axis=d), lambda g: np.cross(g, A, axis=d)),
                  saved=saved)  # fmt: skip


linalg_cross = cross


Cum = return_type("cummax", ["values", "indices"])
CumMin = return_type("cummin", ["values", "indices"])


def _cumulative_extreme(name: str, better: Any, x: Tensor, dim: int) -> tuple:
    """cummax/cummin: the running extreme along dim and the index it was last reached at
    (a NaN wins and stays).   dx = g added at those indices."""
    X = x.data
    d = _one_axis(name, "dim", dim, X.ndim)
    if X.ndim and X.size:  # (PyTorch's kernel is not called for 0-d or empty x)
        _refuse(name, X, "c", NotImplementedError)
    Xm = np.moveaxis(X.reshape(X.shape or (1,)), d if X.ndim else 0, -1)
    values, idx = np.empty_like(Xm), np.zeros(Xm.shape, np.int64)
    if Xm.shape[-1] and Xm.size:
        cur, at = Xm[..., 0].copy(), np.zeros(Xm.shape[:-1], np.int64)
        isnan = np.isnan(cur) if X.dtype.kind == "f" else np.zeros(cur.shape, bool)
        for k in range(Xm.shape[-1]):
            v = Xm[..., k]
            vnan = np.isnan(v) if X.dtype.kind == "f" else np.zeros(v.shape, bool)
            take_ = (~isnan & (better(v, cur) | (v == cur))) | vnan
            cur, at = np.where(take_, v, cur), np.where(take_, k, at)
            isnan |= vnan
            values[..., k], idx[..., k] = cur, at
    values = _contiguous(np.moveaxis(values, -1, d if X.ndim else 0).reshape(X.shape))
    idx = _contiguous(np.moveaxis(idx, -1, d if X.ndim else 0).reshape(X.shape))
    indices = _new(idx)
    shape = X.shape

    def vjp(g: np.ndarray) -> np.ndarray:
        dx = np.zeros(shape or (1,), g.dtype)
        pos = list(np.indices(idx.reshape(shape or (1,)).shape, sparse=True))
        pos[d if shape else 0] = idx.reshape(shape or (1,))
        np.add.at(dx, tuple(pos), g.reshape(shape or (1,)))
        return dx.reshape(shape)

    tup = Cum if name == "cummax" else CumMin
    out = record(values, name.capitalize(), (x,), (vjp,), saved=(x, indices))  # x: as PyTorch
    return tup(out, indices)


def cummax(input: Tensor, dim: int) -> tuple:
    """(values, indices): the running maximum along ``dim`` and where it was last reached."""
    _no_barebones("cummax_cpu", input)
    return _cumulative_extreme("cummax", np.greater, input, dim)


def cummin(input: Tensor, dim: int) -> tuple:
    """(values, indices): the running minimum along ``dim`` and where it was last reached."""
    _no_barebones("cummin_cpu", input)
    return _cumulative_extreme("cummin", np.less, input, dim)


KthValue = return_type("kthvalue", ["values", "indices"])
Median = return_type("median", ["values", "indices"])


def _kth(name: str, x: Tensor, k: Any, dim: int, keepdim: bool, tup: Any) -> tuple:
    """The k-th smallest (1-based) along dim and its index (NaN sorts last); dx = g there."""
    X = x.data
    check_bool(name, "keepdim", keepdim)
    d = _one_axis(name, "dim", dim, X.ndim)
    n = X.shape[d] if X.ndim else 1
    if n == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    if not 1 <= k <= n:
        raise RuntimeError(f"{name}(): selected number k out of range for dimension {d}")
    if not X.ndim:
        return tup(
            record(X.copy(), name.capitalize(), (x,), (identity,)), _new(np.zeros((), np.int64))
        )
    _refuse(name, X, "bc", NotImplementedError)  # past PyTorch's shortcuts for 0-d and empty
    idx = np.take(sort_order(X, d, False), [k - 1], axis=d)
    if name == "kthvalue":
        idx = _tied_kth(X, d, k - 1, idx)
    if name == "median" and X.dtype.kind == "f":  # a NaN makes the median NaN: the first one
        nan = np.isnan(X)
        if nan.any():
            idx = np.where(nan.any(d, keepdims=True), np.argmax(nan, d, keepdims=True), idx)
    indices = _new(idx if keepdim else np.squeeze(idx, d))
    return tup(_select(name, x, idx, d, keepdim, indices), indices)


def _tied_kth(X: np.ndarray, d: int, k: int, idx: np.ndarray) -> np.ndarray:
    """``idx`` (the k-th of a stable sort along d, keepdims), but where the k-th value is
    tied, the index PyTorch's kthvalue returns: its quickselect's pick."""
    rows = np.moveaxis(X, d, -1).reshape(-1, X.shape[d])
    shape = np.moveaxis(idx, d, -1).shape
    at = np.moveaxis(idx, d, -1).reshape(-1).copy()
    kth = rows[np.arange(len(rows)), at][:, None]
    tied = (rows == kth) | ((rows != rows) & (kth != kth))  # NaN ties NaN
    for r in np.flatnonzero(tied.sum(1) > 1):
        at[r] = _quickselect(rows[r].tolist(), k)
    return np.moveaxis(at.reshape(shape), -1, d)


def _quickselect(vals: list, k: int) -> int:
    """The original index of the k-th smallest of ``vals`` (NaN largest) as PyTorch's CPU
    quick_select_template leaves it: median-of-three pivots, Hoare partitions."""
    pos = list(range(len(vals)))

    def gt(a: Any, b: Any) -> bool:
        return (a != a and b == b) or a > b

    def swap(i: int, j: int) -> None:
        vals[i], vals[j], pos[i], pos[j] = vals[j], vals[i], pos[j], pos[i]

    lo, hi = 0, len(vals) - 1
    while hi > lo:
        if hi == lo + 1:
            if gt(vals[lo], vals[hi]):
                swap(lo, hi)
            break
        swap(lo + (hi - lo) // 2, lo + 1)
        for a, b in ((lo + 1, hi), (lo, hi), (lo + 1, lo)):
            if gt(vals[a], vals[b]):
                swap(a, b)
        i, j, pivot = lo + 1, hi, vals[lo]
        while True:
            i += 1
            while gt(pivot, vals[i]):
                i += 1
            j -= 1
            while gt(vals[j], pivot):
                j -= 1
            if j < i:
                break
            swap(i, j)
        swap(lo, j)
        if j <= k:
            lo = i
        if j >= k:
            hi = j - 1
    return pos[k]


def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False) -> tuple:
    """(values, indices) of the k-th smallest elements along ``dim``."""
    _no_barebones("kthvalue_cpu", input)
    return _kth("kthvalue", input, k, dim, keepdim, KthValue)


def median(input: Tensor, dim: Any = NOT_GIVEN, keepdim: Any = NOT_GIVEN) -> Any:
    """The lower median (the ((n - 1) // 2)-th smallest; NaN if there is a NaN). Of all of x:
    one value, the gradient shared by the elements equal to it; along ``dim``:
    (values, indices), the gradient going to the index (a row's first NaN, if it has one)."""
    _no_barebones("median_cpu", input)
    dim, keepdim = _dim_or_all("median", dim, keepdim, none_ok=False)
    X = input.data
    if dim is not None:
        n = X.shape[_one_axis("median", "dim", dim, X.ndim)] if X.ndim else 1
        if not X.ndim:  # kthvalue's shortcut for a 0-d tensor, which median has not
            _refuse("median", X, "bc", NotImplementedError)
        return _kth("median", input, (n - 1) // 2 + 1 if n else 1, dim, keepdim, Median)
    if not X.size:  # NaN, or for integers what PyTorch's cast of NaN gives, the least value
        nan = np.iinfo(X.dtype).min if X.dtype.kind in "iu" else np.nan
        return record(
            np.asarray(nan, X.dtype), "Median", (input,), (lambda g: np.zeros(X.shape, g.dtype),)
        )
    _refuse("median", X, "bc", NotImplementedError)
    flat = np.sort(X.reshape(-1), kind="stable")
    out = np.asarray(flat[(X.size - 1) // 2] if not np.isnan(flat[-1:]).any() else flat[-1])

    def vjp(g: np.ndarray) -> np.ndarray:
        hit = np.isnan(X) if np.isnan(out) else X == out
        return np.where(hit, g / np.count_nonzero(hit), 0)

    return record(out, "Median", (input,), (vjp,), saved=(input,), saves_out=True)


Mode = return_type("mode", ["values", "indices"])


def mode(input: Tensor, dim: int = -1, keepdim: bool = False) -> tuple:
    """(values, indices): the most frequent value along ``dim`` (the smallest of equally
    frequent ones; NaNs are all different) and the last index it is at, as PyTorch's.
    dx = g at that index."""
    _no_barebones("mode_cpu", input)
    X = input.data
    check_bool("mode", "keepdim", keepdim)
    d = _one_axis("mode", "dim", dim, X.ndim)
    if not X.ndim:
        return Mode(record(X.copy(), "Mode", (input,), (identity,)), _new(np.zeros((), np.int64)))
    if X.shape[d] == 0:
        raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size.")
    _refuse("mode", X, "c", NotImplementedError)
    rows = np.moveaxis(X, d, -1).reshape(-1, X.shape[d])
    idx = np.zeros(rows.shape[0], np.int64)
    for r, row in enumerate(rows):
        ordered = np.sort(row, kind="stable")
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        counts = np.diff(np.r_[starts, row.size])
        value = ordered[starts[np.argmax(counts)]]  # the first of the most frequent: smallest
        idx[r] = np.flatnonzero(row == value)[-1] if value == value else np.argmax(np.isnan(row))
    idx = np.expand_dims(idx.reshape(np.moveaxis(X, d, -1).shape[:-1]), d)
    indices = _new(idx if keepdim else np.squeeze(idx, d))
    return Mode(_select("mode", input, idx, d, keepdim, indices), indices)


def _check_unselected_sizes(name: str, shape: tuple, d: int) -> None:
    """unique along dim d needs every other dim nonempty (PyTorch's RuntimeError)."""
    if 0 in shape[:d] + shape[d + 1 :]:
        raise RuntimeError(f"{name}: There are 0 sized dimensions, and they aren't selected, "
                           f"so unique cannot be applied (shape {shape}, dim {d})")  # fmt: skip


def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False,
           return_counts: bool = False, dim: Any = None) -> Any:  # fmt: skip
    """The distinct elements of x (or, along ``dim``, its distinct slices), sorted (always,
    as PyTorch on the CPU), and if asked the index of each element (slice) of x among them
    and their counts. PyTorch records the node but has no derivative for it: backward
    raises."""
    X = input.data
    _refuse("unique", X, "c", NotImplementedError)
    if dim is None:  # NaNs are all different, as PyTorch's (NumPy merges them by default)
        values, inverse, counts = np.unique(
            X.reshape(-1), return_inverse=True, return_counts=True, equal_nan=False
        )
        out = record(values, "Unique2", (input,), (no_derivative("_unique2"),))
        inverse = inverse.reshape(X.shape)
    else:
        d = _one_axis("unique", "dim", dim, X.ndim)
        _check_unselected_sizes("unique", X.shape, d)
        values, inverse, counts = np.unique(
            X, return_inverse=True, return_counts=True, axis=d, equal_nan=False
        )
        out = record(values, "UniqueDim", (input,), (no_derivative("unique_dim"),))
        inverse = inverse.reshape(-1)
    extra = ((_new(inverse.astype(np.int64)),) if return_inverse else ()) + (
        (_new(counts.astype(np.int64)),) if return_counts else ()
    )
    return (out, *extra) if extra else out


# ---- tests of values (no gradient) -----------------------------------------------------


def count_nonzero(input: Tensor, dim: Any = None) -> Tensor:
    """How many elements (over ``dim``: an int or a tuple) are nonzero, as int64."""
    _no_barebones("count_nonzero_cpu", input)
    axes = _axes("count_nonzero", dim, input.data.ndim)
    return _new(np.asarray(np.count_nonzero(input.data, axis=axes), np.int64))


def _logical(name: str, fn: Any, a: Tensor, b: Tensor) -> Tensor:
    _tensors_only(name, a, b)
    try:
        return _new(np.asarray(fn(a.data.astype(bool), b.data.astype(bool))))
    except ValueError:
        raise OpError(
            f"{name}: shapes {a.data.shape} and {b.data.shape} cannot be broadcast"
        ) from None


def logical_and(input: Tensor, other: Tensor) -> Tensor:
    """a and b elementwise (nonzero is true), a bool tensor."""
    return _logical("logical_and", np.logical_and, input, other)


def logical_or(input: Tensor, other: Tensor) -> Tensor:
    """a or b elementwise (nonzero is true), a bool tensor."""
    return _logical("logical_or", np.logical_or, input, other)


def logical_xor(input: Tensor, other: Tensor) -> Tensor:
    """a xor b elementwise (nonzero is true), a bool tensor."""
    return _logical("logical_xor", np.logical_xor, input, other)


def logical_not(input: Tensor) -> Tensor:
    """not a elementwise (zero is false), a bool tensor."""
    return _new(np.logical_not(input.data))


def isclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:  # fmt: skip
    """|a - b| <= atol + rtol |b| elementwise (broadcast); a and b of the same dtype."""
    check_tensor("isclose", "other", other)
    if input.data.dtype != other.data.dtype:
        names = dtypes.torch_name(input.data.dtype), dtypes.torch_name(other.data.dtype)
        raise RuntimeError(f"isclose: {names[0]} did not match {names[1]}")
    rtol, atol = builtins.float(rtol), builtins.float(atol)
    for name, tol in (("rtol", rtol), ("atol", atol)):
        if not tol >= 0:  # NaN too
            raise RuntimeError(
                f"isclose: {name} must be greater than or equal to zero, but got {tol}"
            )
    try:
        return _new(np.asarray(np.isclose(input.data, other.data, rtol, atol, equal_nan)))
    except ValueError:
        raise OpError(
            f"isclose: shapes {input.data.shape} and {other.data.shape} cannot be broadcast"
        ) from None


def equal(input: Tensor, other: Tensor) -> builtins.bool:
    """Whether a and b have the same shape and elements (NaN is not equal to itself)."""
    check_tensor("equal", "other", other)
    return input.data.shape == other.data.shape and builtins.bool(
        np.array_equal(input.data, other.data)
    )


def isneginf(input: Tensor) -> Tensor:
    _refuse("isneginf", input.data, "c")
    return _new(np.isneginf(input.data))


def isposinf(input: Tensor) -> Tensor:
    _refuse("isposinf", input.data, "c")
    return _new(np.isposinf(input.data))


def signbit(input: Tensor) -> Tensor:
    """Whether the sign bit is set (True for -0.0)."""
    _refuse("signbit", input.data, "c", NotImplementedError)
    return _new(np.signbit(input.data))
