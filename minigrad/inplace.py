"""In-place operations (``add_``, ``+=``, ...): they change a tensor's array itself.

Outside the graph (grad mode off, or nothing requires grad) they are one NumPy call
with ``out=``. Inside it, the tensor is rebased: the op is recorded out of place on
a copy of the old value, the result is written into the array, and the tensor
takes the new node as its ``grad_fn``. A change through a view rebases the view's
base instead, as PyTorch's CopySlices, and re-derives every live view from it.
Each change stamps the (shared) version with a fresh sequence number, so a backward
that saved the old array raises instead of using the new one.
"""

from __future__ import annotations

import builtins
import inspect
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from . import dtypes, ops
from .device import is_dense
from .dtypes import check_fits
from .engine import COPY_SLICES, next_seq, record, shared_places_error, shares_places
from .errors import OpError
from .grad_mode import _mode, enable_grad
from .tensor import FunctionOutputViews, Tensor

# outside the graph PyTorch writes these, with a number, into an expanded tensor: every
# element of it gets the same value, whatever place it shares
_SAME_EVERYWHERE = ("fill_", "zero_")


def _check_leaf(t: Tensor, name: str) -> None:
    if t._requires_grad and t._node is None and _mode.enabled:
        raise RuntimeError(
            f"{name}: a leaf Variable that requires grad is being used in an in-place operation."
        )


def _check_writable(
    t: Tensor, name: str, a: np.ndarray | None = None, shared_ok: bool = False
) -> None:
    """Refuse to write into t (or its part ``a``) where several of its elements share one
    place (a dim of stride 0, from expand), as PyTorch, unless ``shared_ok``; or into
    read-only memory."""
    a = t.data if a is None else a
    if not a.flags.writeable or (not shared_ok and 0 in a.strides and shares_places(a)):
        if a.flags.writeable or shares_places(a):
            raise shared_places_error(name)
        raise RuntimeError(f"{name}: the tensor's memory is read-only (from_numpy or frombuffer "
                           "of memory that is not writable); clone() it first")  # fmt: skip


def _check_overlap(name: str, a: np.ndarray, others: tuple, full: bool = False) -> None:
    """PyTorch refuses to write into ``a`` from a Tensor in ``others`` that shares part of its
    memory (and, if ``full``, as the index ops, all of it): the result would depend on
    the order the elements are written in. As PyTorch, only dense layouts are compared."""
    for o in others:
        if not isinstance(o, Tensor):
            continue
        b = o.data
        if a.base is None and b.base is None and a is not b:
            continue  # two arrays that own their memory
        if not (a.size and b.size and is_dense(a) and is_dense(b) and np.may_share_memory(a, b)):
            continue
        same = a.ctypes.data == b.ctypes.data and a.nbytes == b.nbytes and a.strides == b.strides
        if full or not same:
            raise RuntimeError(
                f"{name}: unsupported operation: some elements of the input tensor and the "
                "written-to tensor refer to a single memory location. Please clone() the "
                "tensor before performing the operation."
            )


def _in_graph(t: Tensor, other: Any) -> bool:
    """Whether changing t in place records a node: an integer or bool t cannot carry a
    gradient, so writing a value that requires grad into it is a plain cast."""
    return _mode.enabled and (
        t._requires_grad
        or (isinstance(other, Tensor) and other._requires_grad and t.data.dtype.kind in "fc")
    )


def _check_no_grad_view(t: Tensor, other: Any, name: str) -> None:
    """PyTorch forbids changing, with grad mode on, a view taken under no_grad from a
    base that requires grad (or with an operand that does): which history is meant?
    Nor may a view that split, chunk or unbind returned be changed inside the graph, nor
    an input that an autograd.Function returned as it is (or a view of it)."""
    views = t._views
    if views is None or not _mode.enabled:
        return
    if type(views) is FunctionOutputViews and _in_graph(t, other):
        what = (
            "is being modified inplace" if views.base() is t
            else "its base or another view of its base has been modified inplace"
        )  # fmt: skip
        raise RuntimeError(
            f"{name}: {views.name} is a view and {what}. This view was created "
            "inside a custom Function (or because an input was returned as-is) and the "
            "autograd logic to handle view+inplace would override the custom backward "
            "associated with the custom Function, leading to incorrect gradients. This "
            "behavior is forbidden. You can fix this by cloning the output of the custom "
            "Function."
        )
    if views.from_multi_output(t) and _in_graph(t, other):
        raise RuntimeError(
            f"{name}: a view returned by a function that returns multiple views (split, "
            "chunk, unbind), or a view of one, is being modified inplace. Such functions do "
            "not allow the output views to be modified inplace. You should replace the "
            "inplace operation by an out-of-place one."
        )
    if not views.taken_under_no_grad(t):
        return
    base = views.base()
    if (base is not None and base._requires_grad) or _in_graph(t, other):
        raise RuntimeError(
            f"{name}: A view was created in no_grad mode and is being modified inplace with "
            "grad mode enabled. Given that this use case is ambiguous and error-prone, it is "
            "forbidden. You can clarify your code by moving both the view and the inplace "
            "either both inside the no_grad block (if you don't want the inplace to be "
            "tracked) or both outside (if you want the inplace to be tracked)."
        )


def _apply(t: Tensor, name: str, ufunc: Callable, other: Any, op: Callable) -> Tensor:
    _check_leaf(t, name)
    in_graph = _in_graph(t, other)
    shared_ok = not in_graph and name in _SAME_EVERYWHERE and not isinstance(other, Tensor)
    _check_writable(t, name, shared_ok=shared_ok)
    _check_no_grad_view(t, other, name)
    if in_graph:
        # the op may save its input (mul_ and div_ for the other's gradient, clamp_
        # for its mask): it gets the old values, since t's array is about to change
        _rebase(t, name, op(_prior(t, t.data.copy()), other))
        return t
    o = None if other is None else ops._operand(other)  # refuses lists, strings, ...
    if type(o) is np.ndarray and o.dtype is not t.data.dtype and ufunc is not _assign:
        o = _in_result_dtype(t.data, o)  # (copy_ casts any dtype, even ones that do not promote)
    try:
        _ufunc_into(t.data, ufunc, o, name)
    except ValueError:  # from either write, so also when the retry below broadcasts
        raise OpError(
            f"{name}: shape {np.shape(o)} cannot be broadcast to the tensor's shape {t.data.shape}"
        ) from None
    t._version[0] = next_seq()
    return t


def _ufunc_into(a: np.ndarray, ufunc: Callable, o: Any, name: str) -> None:
    """``a = ufunc(a, o)`` in place, casting the result into ``a``'s dtype as PyTorch does."""
    try:
        try:
            ufunc(a, o, out=a)
        except OverflowError:  # a Python int a's dtype cannot hold wraps into it, as PyTorch
            ufunc(a, ops.wrapped_int(o, a.dtype), out=a)
    except TypeError as e:  # NumPy's UFuncTypeError: the result cannot be cast to a's dtype
        wide = getattr(e, "from_", None)  # the ufunc's result dtype, which out= could not take
        if a.dtype.kind not in "iu" or wide is None or wide.kind not in "iu":
            raise RuntimeError(f"{name}: result type cannot be cast to {a.dtype}: {e}") from None
        # PyTorch writes an integer result into any integer dtype (int64 into uint8 wraps),
        # where NumPy's same_kind rule refuses signed into unsigned
        result = np.empty(a.shape, wide)
        ufunc(a, o, out=result)
        np.copyto(a, result, casting="unsafe")


def _in_result_dtype(a: np.ndarray, o: np.ndarray) -> np.ndarray:
    """``o`` cast to PyTorch's result dtype for ``a`` and ``o`` when that is ``a``'s dtype and
    NumPy would compute wider (a 0-d float64 operand, an int array): PyTorch computes in it."""
    dt = dtypes.result_dtype(np.result_type(a, o), (a, o))
    return o.astype(dt) if dt == a.dtype else o


def _prior(t: Tensor, data: np.ndarray) -> Tensor:
    """A stand-in for t before the change: t's place in the graph, over ``data``."""
    old = Tensor._new(data)
    old._node, old._requires_grad = t._node, t._requires_grad
    return old


def _rebase(t: Tensor, name: str, new: Tensor) -> None:
    """Write ``new`` (t's new value, recorded out of place) into t's memory, and make the
    graph say so: t's ``grad_fn`` becomes new's.

    When views share the memory (t is a view, or the base of live ones), the change
    belongs to the base, as PyTorch's CopySlices: base' = base with t's region
    replaced by ``new``; then every live view is re-derived from base' (AsStrided), so
    each one's gradient reaches the values it now holds.
    """
    views = list(t._views.live) if t._views else []
    base = t._views.base() if views else None
    if base is None and all(v is t for v in views):  # no other tensor sees t's memory
        _write(t, name, new.data, new)
        _set_grad_fn(t, new._node)
        return
    if base is None or not (t is base or any(v is t for v in views)):
        raise RuntimeError(
            f"{name}: in-place change inside the graph of memory that other tensors share, "
            "whose base tensor is gone, is not supported; .clone() it first"
        )
    if t is base:
        _write(t, name, new.data, new)
        _set_grad_fn(base, new._node)
    else:
        if _of_a_leaf(t, base):
            raise RuntimeError(
                f"{name}: a view of a leaf Variable that requires grad is being used in an "
                "in-place operation."
            )
        region = _region(base.data, t.data)
        prior = _prior(base, base.data)  # CopySlices reads none of the old values
        op = new._node
        if t._node is not None and op is not None and op.next[0] is t._node:
            # as PyTorch's CopySlices, the changed view's old node is bypassed (its hooks
            # and retained grad see nothing): the op reads the view off the base directly
            op.next[0] = _view_node(prior, t.data.copy(), region)._node
        _write(t, name, new.data, new)
        _set_grad_fn(base, _copy_slices(prior, new, region)._node)
    for v in views:
        if t._views.taken_under_no_grad(v):
            _forbid(v, base)
        else:
            _as_view(v, base)


def _of_a_leaf(t: Tensor, base: Tensor) -> bool:
    """Whether the view t is of a leaf that requires grad: its base, or a view between."""
    leaf = getattr(t, "_base", base)
    return (base._requires_grad and base._node is None) or (
        leaf._requires_grad and leaf._node is None
    )


def _set_grad_fn(t: Tensor, node: Any) -> None:
    """t's history is now ``node``; a gradient t asked to retain stays asked for."""
    old = t._node
    if old is not None and old.retained is not None and old.retained() is t:
        node.retained, old.retained = old.retained, None
        if node._hooks is None:
            node._hooks = {}  # so that backward looks
    node.dtype = t.data.dtype  # the op's result was cast into t: its gradient has t's dtype
    t._node, t._requires_grad = node, True


def _copy_slices(base: Tensor, src: Tensor, region: np.ndarray) -> Tensor:
    """base with its elements at ``region`` (flat positions) taken from src.

    dbase = g with the region zeroed,   dsrc = g at the region.
    """

    def vjp_base(g: np.ndarray) -> np.ndarray:
        g = g.copy()  # C order, so reshape(-1) is a view
        g.reshape(-1)[region] = 0
        return g

    def vjp_src(g: np.ndarray) -> np.ndarray:
        return np.asarray(np.take(g, region))  # asarray: a 0-d region gives a scalar

    return record(base.data, COPY_SLICES, (base, src), (vjp_base, vjp_src))


def _as_view(v: Tensor, base: Tensor) -> None:
    """Make the view v's grad_fn read it off ``base`` as it now is."""
    _set_grad_fn(v, _view_node(base, v.data, _region(base.data, v.data))._node)


def _forbid(v: Tensor, base: Tensor) -> None:
    """A view taken under no_grad whose base changed in place in the graph: which history
    does it have? PyTorch refuses to say; a gradient that reaches v raises."""

    def vjp(g: np.ndarray) -> np.ndarray:
        raise RuntimeError(
            "A view was created in no_grad mode and its base or another view of its base has "
            "been modified inplace with grad mode enabled. Given that this use case is "
            "ambiguous and error-prone, it is forbidden. You can clarify your code by moving "
            "both the view and the inplace either both inside the no_grad block (if you don't "
            "want the inplace to be tracked) or both outside (if you want the inplace to be "
            "tracked)."
        )

    _set_grad_fn(v, record(v.data, "AsStrided", (base,), (vjp,))._node)


def _view_node(base: Tensor, values: np.ndarray, region: np.ndarray) -> Tensor:
    """``values``, the elements of ``base`` at ``region``, as an AsStrided op of base.
    dbase = g scattered into zeros at the region, summed where the region repeats a
    place (an expand)."""
    shape = base.data.shape
    repeats = np.unique(region).size != region.size

    def vjp(g: np.ndarray) -> np.ndarray:
        out = np.zeros(shape, g.dtype)
        if repeats:
            np.add.at(out.reshape(-1), region, g)
        else:
            out.reshape(-1)[region] = g
        return out

    return record(values, "AsStrided", (base,), (vjp,))


def _region(B: np.ndarray, V: np.ndarray) -> np.ndarray:
    """Where each element of V, a view of B's memory, sits in B: flat (C-order)
    positions in B, shaped as V. Found from the arrays' addresses and strides."""
    item = B.itemsize

    def offsets(A: np.ndarray) -> np.ndarray:  # each element's address, in items from B's
        start = A.__array_interface__["data"][0] - B.__array_interface__["data"][0]
        if start % item or any(s % item for s in A.strides):
            raise RuntimeError("in-place change through a view of an unaligned layout")
        o = np.full(A.shape, start // item, np.intp)
        for k, (n, s) in enumerate(zip(A.shape, A.strides)):
            o += (np.arange(n) * (s // item)).reshape((n,) + (1,) * (A.ndim - k - 1))
        return o

    wanted = offsets(V)
    if B.flags.c_contiguous:  # an element's address is its position
        where = wanted
        found = V.size == 0 or (where.min() >= 0 and where.max() < B.size)
    else:
        spots = offsets(B).reshape(-1)
        order = np.argsort(spots)
        where = order[np.searchsorted(spots[order], wanted).clip(0, max(B.size - 1, 0))]
        found = np.array_equal(spots[where], wanted)
    if not found:
        raise RuntimeError("in-place change through a view that is not inside its base")
    return where


def _write(t: Tensor, name: str, value: np.ndarray, new: Tensor | None = None) -> None:
    """t's array becomes ``value``. If ``new`` (value, recorded out of place) is an op's
    output that its backward reads (exp_, tanh_, ...), the op now saves t itself, as
    PyTorch's in-place op: a later change to t makes that backward raise."""
    if np.shape(value) != t.data.shape:
        raise OpError(
            f"{name}: result of shape {np.shape(value)} does not fit the tensor's shape "
            f"{t.data.shape}"
        )
    if not _can_cast(np.asarray(value).dtype, t.data.dtype):
        raise TypeError(f"{name}: cannot cast {np.asarray(value).dtype} to {t.data.dtype}")
    np.copyto(t.data, value, casting="unsafe")
    t._version[0] = next_seq()
    node = None if new is None else new._node
    if node is not None and node.out_version is new._version:
        node.out_version = t._version
        # recorded after this write, which it must not count, unless it saved t as an
        # input too (t.hypot_(t)): that input changed, as in PyTorch
        if all(s._version is not t._version for s in node.saved):
            node.seq = next_seq()


def _can_cast(src: np.dtype, dst: np.dtype) -> bool:
    """PyTorch's rule for writing a result into a tensor: not floats into integers, nor
    anything else into bools; integers of any width and sign into integers."""
    kinds = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}
    return kinds[src.kind] <= kinds[dst.kind] and (dst.kind != "b" or src.kind == "b")


def _scaled(name: str, t: Tensor, other: Any, alpha: Any) -> Any:
    """alpha * other (to be added to t): a graph op when other is in the graph, else plain
    NumPy."""
    if type(alpha) is builtins.int and alpha == 1:
        return other
    ops.check_alpha(name, alpha, t.data.dtype.kind, np.asarray(ops._operand(other)).dtype.kind)
    if isinstance(other, Tensor):
        return other * alpha if _mode.enabled and other._requires_grad else other.data * alpha
    return np.multiply(other, alpha)


def add_(t: Tensor, other: Any, alpha: Any = 1) -> Tensor:
    _check_overlap("add_", t.data, (other,))
    return _apply(t, "add_", np.add, _scaled("add_", t, other, alpha), ops.add)


def sub_(t: Tensor, other: Any, alpha: Any = 1) -> Tensor:
    ops.refuse_bool_sub(t, other)
    _check_overlap("sub_", t.data, (other,))
    return _apply(t, "sub_", np.subtract, _scaled("sub_", t, other, alpha), ops.sub)


def _scalar_in_float32(ufunc: Callable) -> Callable:
    """ufunc(a, o, out=out), but a float16 ``a`` takes a number or 0-d ``o`` as a float32, as
    PyTorch's mul_ and div_ do (x.mul_(1e5) is not x * inf), rounding the result once."""

    def apply(a: np.ndarray, o: Any, out: np.ndarray) -> Any:
        if ops.half_number(a.dtype, o):
            o = np.float32(o)
        return ufunc(a, o, out=out)

    return apply


def mul_(t: Tensor, other: Any) -> Tensor:
    _check_overlap("mul_", t.data, (other,))
    return _apply(t, "mul_", _scalar_in_float32(np.multiply), other, ops.mul)


def div_(t: Tensor, other: Any) -> Tensor:
    _check_overlap("div_", t.data, (other,))
    return _apply(t, "div_", _scalar_in_float32(ops._true_divide), other, ops.div)


def clamp_(t: Tensor, min: Any = None, max: Any = None) -> Tensor:
    if min is None and max is None:
        raise OpError("clamp_: at least one of 'min' or 'max' must not be None")
    ops.check_bounds("clamp_", min, max)
    if t.data.dtype.kind == "b" and (isinstance(min, bool) or isinstance(max, bool)):
        raise NotImplementedError("clamp_: no kernel for bool tensors with Python bool bounds")
    _check_overlap("clamp_", t.data, (min, max))
    # a bound that requires grad puts t in the graph, as another operand would
    bound = min if isinstance(min, Tensor) and min._requires_grad else max

    _, lo, hi = ops.clamp_operands(t.data, min, max)

    def clamped(a: np.ndarray, _: Any, out: np.ndarray) -> None:
        np.copyto(out, ops.clip_array(a, lo, hi), "same_kind")  # float into int raises

    return _apply(t, "clamp_", clamped, bound, lambda old, _: ops.clamp(old, min, max))


def masked_fill_(t: Tensor, mask: Any, value: Any, name: str = "masked_fill_") -> Tensor:
    """``value`` where ``mask``; ``name``: the op to name in errors (fill_diagonal_ is one)."""
    M = ops.fill_mask(name, t, mask, value, inplace=True)
    return _apply(t, name, lambda a, v, out: np.copyto(out, v, "unsafe", M), value,
                  lambda old, v: ops.masked_fill(old, mask, v))  # fmt: skip


def relu_(t: Tensor) -> Tensor:
    if t.data.dtype.kind == "c":  # checked inline, as relu's
        ops._refuse("relu_", t.data, "c", NotImplementedError)
    return _apply(t, "relu_", lambda a, _, out: np.maximum(a, 0, out=out), None,
                  lambda old, _: ops.relu(old))  # fmt: skip


# in-place ops that refuse a source sharing any of t's memory (the others: a part of it)
_INDEX_OPS = frozenset({"index_add_", "index_copy_", "scatter_", "scatter_add_"})


def op_(t: Tensor, name: str, fn: Callable, *others: Any) -> Tensor:
    """t = fn(t, *others) in t's memory: the in-place form of an out-of-place op
    (``exp_``, ``pow_``, ``lerp_``, ...). The result must fit t's shape and dtype. In the
    graph it is fn's node, recorded on t's old value, as in PyTorch."""
    _check_leaf(t, name)
    _check_writable(t, name)
    if name != "index_fill_":  # which reads its value as a number
        _check_overlap(name, t.data, others, full=name in _INDEX_OPS)
    grad = next((o for o in others if isinstance(o, Tensor) and o._requires_grad), None)
    _check_no_grad_view(t, grad, name)
    if _in_graph(t, grad):
        _rebase(t, name, fn(_prior(t, t.data.copy()), *others))
        return t
    new = fn(Tensor._new(t.data), *others).data  # a stand-in for t: no graph, no views
    try:
        _write(t, name, new)
    except TypeError:  # NumPy's cast error: a float result cannot go into an integer t
        raise RuntimeError(
            f"{name}: result type {dtypes.torch_name(new.dtype)} can't be cast to the desired "
            f"output type {dtypes.torch_name(t.data.dtype)}"
        ) from None
    return t


def _assign(a: np.ndarray, value: Any, out: np.ndarray) -> None:
    np.copyto(out, dtypes.discard_imag(value, out.dtype), casting="unsafe")


def _replace(name: str) -> Callable:
    """The op that puts ``value`` in old's place (in old's dtype), named as PyTorch's node
    for it: zeros for the old contents' gradient; a Tensor value (an input, as PyTorch's)
    gets g, summed to its shape."""

    def replace(old: Tensor, value: Any) -> Tensor:
        out = np.empty_like(old.data)
        np.copyto(out, value.data if isinstance(value, Tensor) else value, casting="unsafe")
        if isinstance(value, Tensor):
            return record(out, name, (old, value), (np.zeros_like, lambda g: g))
        return record(out, name, (old,), (np.zeros_like,))

    return replace


def zero_(t: Tensor) -> Tensor:
    return _apply(t, "zero_", _assign, 0, _replace("Zero"))


def fill_(t: Tensor, value: Any) -> Tensor:
    """Every element becomes ``value``: a number or a 0-d tensor."""
    if isinstance(value, Tensor) and value.data.ndim:
        raise RuntimeError(
            "fill_ only supports 0-dimension value tensor but got tensor with "
            f"{value.data.ndim} dimensions"
        )
    if not isinstance(value, Tensor):
        value = check_fits(value, t.data.dtype)
    return _apply(t, "fill_", _assign, value, _replace("Fill"))


def copy_(t: Tensor, src: Any) -> Tensor:
    """t's elements become ``src``'s, which broadcasts to t's shape (not beyond it)."""
    if not isinstance(src, (Tensor, numbers.Number)):  # PyTorch takes a Tensor or a number
        raise TypeError(f"copy_(): argument 'src' must be Tensor, not {type(src).__name__}")
    shape = np.shape(src.data if isinstance(src, Tensor) else src)
    try:
        if np.broadcast_shapes(shape, t.data.shape) != t.data.shape:
            raise ValueError
    except ValueError:
        raise OpError(
            f"copy_: src of shape {shape} does not broadcast to shape {t.data.shape}"
        ) from None
    _check_overlap("copy_", t.data, (src,))
    return _apply(t, "copy_", _assign, src, _replace("torch::autograd::CopyBackwards"))


def _expanded(V: np.ndarray, shape: tuple) -> Tensor | None:
    """V as PyTorch's setitem expands the value to the part's ``shape``: leading dims of size
    1 dropped, then expanded with its strides (a new dim: its natural stride; a dim of
    size 1 spread: 0). None where it does not fit (the assignment raises)."""
    if V.shape == tuple(shape):  # copied as it is
        return Tensor._new(_torch_strides(V))
    lead = next((i for i, n in enumerate(V.shape) if n != 1), V.ndim)
    sizes, strides = V.shape[lead:], V.strides[lead:]
    if len(sizes) > len(shape):
        return None
    out = [0] * len(shape)
    k = len(shape) - len(sizes)
    for i in range(len(shape) - 1, -1, -1):
        if i >= k:
            n, st = sizes[i - k], strides[i - k]
        else:
            n, st = 1, shape[i + 1] * out[i + 1] if i + 1 < len(shape) else V.itemsize
        if n != shape[i]:
            if n != 1:
                return None
            st = 0
        out[i] = st
    return Tensor._new(np.lib.stride_tricks.as_strided(V, shape, out, writeable=False))


def _torch_strides(A: np.ndarray) -> np.ndarray:
    """A with the strides PyTorch gives a dim of size 1 that None inserted (NumPy: 0; PyTorch:
    the next dim's size times its stride), for comparing layouts."""
    strides = list(A.strides)
    for i in range(A.ndim - 1, -1, -1):
        if A.shape[i] == 1 and strides[i] == 0:
            strides[i] = A.shape[i + 1] * strides[i + 1] if i + 1 < A.ndim else A.itemsize
    return np.lib.stride_tricks.as_strided(A, A.shape, strides, writeable=False)


def _sliced(X: np.ndarray, at: Any) -> np.ndarray:
    """X with an index's ints, slices and None applied and its arrays not (PyTorch applies
    those first; index_put_ writes into that)."""
    parts = at if isinstance(at, tuple) else (at,)
    basic: list = []
    for p in parts:
        if isinstance(p, np.ndarray):
            basic += [slice(None)] * (p.ndim if p.dtype == np.bool_ else 1)
        else:
            basic.append(p)
    return X[tuple(basic)]


def _part(X: np.ndarray, at: Any) -> np.ndarray:
    """X[at] for a basic index, as a view even where it is one element (a 0-d view)."""
    parts = at if isinstance(at, tuple) else (at,)
    return X[parts if any(p is Ellipsis for p in parts) else (*parts, Ellipsis)]


def setitem_(t: Tensor, index: Any, value: Any) -> None:
    """``t[index] = value``. In the graph it records ``ops.index_put`` and rebases t."""
    if isinstance(value, (str, bytes, list, tuple)) or value is None:
        raise TypeError(f"can't assign a {type(value).__name__} to a Tensor")
    _check_leaf(t, "setitem")
    at = ops._index(index, t.data.ndim)
    basic = ops._is_basic(at)
    # PyTorch's copy_ into t[at] needs only that part free of repeats; in the graph all of t
    # is rewritten, so all of it must be (where PyTorch would write the part alone)
    try:
        part = _part(t.data, at) if basic else None
        sliced = None if basic else _sliced(t.data, at)
    except IndexError:  # out of range: the assignment raises, naming the shapes
        basic, part, sliced = False, None, None
    _check_writable(t, "setitem", part if not _in_graph(t, value) else None)
    if isinstance(value, Tensor):
        if part is not None:  # PyTorch's fill_ from a 0-d value, else the value expanded
            if value.data.ndim:  # to the part first: an element it repeats is not compared
                target = _torch_strides(part)
                _check_overlap("setitem", target, (_expanded(value.data, target.shape),))
        elif sliced is not None and (value.data.size != 1 or not ops._is_mask(at)):
            _check_overlap("setitem", sliced, (value,), full=True)  # index_put_, not masked_fill_
    _check_no_grad_view(t, value, "setitem")
    if _in_graph(t, value):
        _rebase(t, "setitem", ops.index_put(_prior(t, t.data), index, value))
        return
    ops.assign_at(t.data, index, value)
    t._version[0] = next_seq()


# ---- in-place forms of out-of-place methods, made from one table ------------------------

# Each out-of-place method whose in-place form is made here, and how its result goes into t:
# "value" (op_), "exact" (op_, the result's dtype already t's, as float_power_'s),
# "own_dtype" (computed in t's dtype), "logical" (written outside the graph: PyTorch records
# nothing and t keeps its grad_fn), "view" (t becomes a view of its own memory in another
# shape), or a comparison's node name (0/1 in t's dtype, zero gradients). surface_ops.py
# installs them once its own functions are methods too.
DERIVED = {
    **dict.fromkeys(
        "acos arccos arccosh arcsin arcsinh arctan arctanh asin atan cosh sinh tan exp2 frac "
        "log2 log10 logit nan_to_num arctan2 atan2 copysign heaviside floor_divide remainder "
        "addmm tril triu bitwise_and bitwise_or bitwise_xor bitwise_not "
        "bitwise_left_shift bitwise_right_shift addmv addr addbmm baddbmm masked_scatter "
        "index_put scatter_reduce renorm gcd lcm ldexp nextafter i0 lgamma digamma polygamma "
        "mvlgamma index_reduce igamma igammac".split(),
        "value",
    ),
    "float_power": "exact",
    **dict.fromkeys(("cumsum", "cumprod"), "own_dtype"),
    **dict.fromkeys("logical_and logical_or logical_xor logical_not".split(), "logical"),
    **dict.fromkeys("squeeze unsqueeze transpose swapaxes swapdims t".split(), "view"),
    **{name: "Ge" for name in ("ge", "greater_equal")},
    **{name: "Gt" for name in ("gt", "greater")},
    **{name: "Le" for name in ("le", "less_equal")},
    **{name: "Lt" for name in ("lt", "less")},
    **{name: "Ne" for name in ("ne", "not_equal")},
    "eq": "Eq",
}


def derived(name: str, kind: str) -> Callable:
    """The method ``name_``: t becomes ``t.name(*args, **kwargs)``, in t's memory."""
    op = getattr(Tensor, name)
    write = {"value": op_, "exact": _exact, "own_dtype": _own_dtype, "logical": _logical,
             "view": _view}.get(kind)  # fmt: skip
    write = write or _comparison(kind)

    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        n, keys = len(args), tuple(kwargs)

        def fn(t: Tensor, *values: Any) -> Tensor:
            return op(t, *values[:n], **dict(zip(keys, values[n:])))

        return write(self, name + "_", fn, *args, *kwargs.values())

    method.__name__ = method.__qualname__ = name + "_"
    method.__doc__ = f"In-place ``{name}``: this tensor becomes ``self.{name}(...)``."
    method.__signature__ = inspect.signature(op)  # type: ignore[attr-defined]
    return method


def install(cls: type) -> None:
    """Give ``cls`` (Tensor) the in-place method of each out-of-place method in DERIVED."""
    for name, kind in DERIVED.items():
        setattr(cls, name + "_", derived(name, kind))


def _exact(t: Tensor, name: str, fn: Callable, *others: Any) -> Tensor:
    """As op_, refusing a result of another dtype than t's (not cast into it)."""

    def checked(old: Tensor, *o: Any) -> Tensor:
        new = fn(old, *o)
        if new.data.dtype != old.data.dtype:
            raise RuntimeError(
                f"{name}: the base given has dtype {dtypes.torch_name(old.data.dtype)} but the "
                f"operation's result requires dtype {dtypes.torch_name(new.data.dtype)}"
            )
        return new

    return op_(t, name, checked, *others)


def _own_dtype(t: Tensor, name: str, fn: Callable, *others: Any) -> Tensor:
    """As op_, computing in t's dtype (cumsum_ of uint8 wraps), which may not be bool."""
    if t.data.dtype.kind == "b":
        raise NotImplementedError(f"\"{name[:-1]}_out_cpu\" not implemented for 'Bool'")
    return op_(t, name, lambda old, *o: fn(old, *o).to(old.data.dtype), *others)


def _comparison(node: str) -> Callable:
    """A comparison in place: 0/1 in t's dtype; in the graph a node whose gradients are 0."""

    def compare(t: Tensor, name: str, fn: Callable, *others: Any) -> Tensor:
        def zero_grad(old: Tensor, *o: Any) -> Tensor:
            out = fn(old, *o).data.astype(old.data.dtype)
            return record(out, node, (old, *o), tuple(np.zeros_like for _ in (old, *o)))

        return op_(t, name, zero_grad, *others)

    return compare


def _logical(t: Tensor, name: str, fn: Callable, *others: Any) -> Tensor:
    """fn's result written into t outside the graph: PyTorch allows it even on a leaf that
    requires grad (the op has no derivative to record)."""
    _check_writable(t, name)
    _check_overlap(name, t.data, others)
    _write(t, name, fn(Tensor._new(t.data), *others).data)
    return t


def _view(t: Tensor, name: str, fn: Callable, *others: Any) -> Tensor:
    """t becomes fn(t), a view of its own memory in another shape (``t_``, ``squeeze_``);
    in the graph its grad_fn becomes the view op's node."""
    _check_leaf(t, name)
    base = t._views.base() if t._views is not None else None
    if _mode.enabled and base is not None and base is not t and _of_a_leaf(t, base):
        raise RuntimeError(
            f"{name}: a view of a leaf Variable that requires grad is being used in an in-place "
            "operation."
        )
    new = fn(t, *others)
    t.data = new.data
    if new._node is not None:
        _set_grad_fn(t, new._node)
    elif t._requires_grad and t._node is None and t._views is not None:
        # a leaf changed shape (under no_grad): as PyTorch, its views in the graph now
        # read it in its new one, so their gradients reach the elements they hold
        with enable_grad():
            for v in list(t._views.live):
                if v is not t and v._node is not None:
                    _as_view(v, t)
    t._version[0] = next_seq()
    return t


def detach_(t: Tensor) -> Tensor:
    """t leaves the graph: a leaf that does not require grad (a view cannot, as PyTorch)."""
    if t._views is not None and t._views.base() is not t and any(v is t for v in t._views.live):
        raise RuntimeError("detach_: Can't detach views in-place. Use detach() instead.")
    t._node, t._requires_grad = None, False
    return t
