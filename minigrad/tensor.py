"""The Tensor: an ``np.ndarray`` plus what autograd needs to know about it."""

from __future__ import annotations

import math
import operator
import warnings
import weakref
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Union

import numpy as np

from . import device as _device
from . import dtypes
from .grad_mode import _mode
from .printing import tensor_repr

Number = Union[int, float, bool]
_object_new = object.__new__


def _rebuild(cls: type, data: np.ndarray, requires_grad: bool) -> Tensor:
    """A leaf of class ``cls`` over ``data`` (unpickling, copy and deepcopy)."""
    t = _object_new(cls)
    t.data, t._grad, t._node, t._version, t._views, t._hooks = data, None, None, [0], None, None
    t._requires_grad = requires_grad
    return t


Shape = tuple


class Size(tuple):
    """A shape, as ``torch.Size``: a tuple of ints with ``numel()``. (``.shape`` and ``.size()``
    are plain tuples; whatever takes a shape takes either.)"""

    def __new__(cls, sizes: Iterable = ()) -> Size:
        return super().__new__(cls, size_arg((tuple(sizes),), "Size"))

    def numel(self) -> int:
        """The number of elements of a tensor of this shape."""
        return math.prod(self)

    def __repr__(self) -> str:
        return f"minigrad.Size({list(self)})"


class _NotGiven:
    """The default of an argument whose absence means something else than None."""

    def __repr__(self) -> str:
        return "<not given>"


NOT_GIVEN: Any = _NotGiven()

# PyTorch's warnings for .T on a 0-d tensor and on one of other than 2 dims
_T_DEPRECATED = (
    "Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases.",
    "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
    "deprecated and it will throw an error in a future release. Consider `x.mT` to transpose "
    "batches of matrices or `x.permute(*range(x.ndim - 1, -1, -1))` to reverse the "
    "dimensions of a tensor.",
)


def _check_grad_dtype(dtype: np.dtype) -> None:
    if dtype.kind != "f":
        if dtype.kind == "c":
            raise complex_autograd_error("requires_grad", dtype)
        raise RuntimeError(
            f"Only Tensors of floating point dtype can require gradients, got dtype {dtype}"
        )


def size_arg(size: tuple, op: str = "") -> tuple:
    """``f(2, 3)`` or ``f((2, 3))``: the sizes (or dims) as one tuple of ints (the error
    names ``op`` when given)."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    try:
        if any(isinstance(n, (bool, np.bool_)) for n in size):
            raise TypeError
        return tuple(operator.index(n) for n in size)  # ints only: 2.5 is refused, not cut
    except TypeError:
        raise TypeError(
            f"{op}{': ' if op else ''}expected a sequence of ints, "
            f"but got {tuple(type(n).__name__ for n in size)}"
        ) from None


def check_bool(op: str, name: str, value: Any) -> None:
    """PyTorch takes only a Python bool for a flag: ``keepdim='a'`` is a TypeError."""
    if value is not True and value is not False:
        raise TypeError(f"{op}(): argument '{name}' must be bool, not {type(value).__name__}")


def check_tensor(op: str, name: str, value: Any) -> None:
    """Refuse a non-Tensor where PyTorch takes only a Tensor (TypeError, as PyTorch)."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(value).__name__}")


def check_numpy_dtype(op: str, arr: np.ndarray) -> None:
    """PyTorch's TypeError for an array of a dtype no tensor has (objects, long double, ...)."""
    if arr.dtype.kind not in "biufc" or arr.dtype.itemsize > (16 if arr.dtype.kind == "c" else 8):
        raise TypeError(
            f"{op}: can't convert np.ndarray of type numpy.{arr.dtype.type.__name__}. The only "
            "supported types are: float64, float32, float16, complex64, complex128, int64, "
            "int32, int16, int8, uint64, uint32, uint16, uint8, and bool."
        )


def refuse_negative_strides(arr: Any) -> None:
    """PyTorch's ValueError for an array read backwards (``a[::-1]``): a tensor's strides
    are never negative. (As operands of ops, such arrays are taken.)"""
    if isinstance(arr, np.ndarray) and any(s < 0 for s in arr.strides):
        raise ValueError(
            "At least one stride in the given numpy array is negative, and tensors with "
            "negative strides are not currently supported. (You can probably work around "
            f"this by making a copy of your array with array.copy().) Strides: {arr.strides}"
        )


def as_array(data: Any, dtype: Any = None, copy: bool = True) -> np.ndarray:
    """Convert ``data`` to an ndarray as ``mg.tensor`` does (Python floats -> default dtype)."""
    if isinstance(data, Tensor):
        arr = data.data
    elif isinstance(data, np.ndarray):
        arr = data
        check_numpy_dtype("tensor", arr)
        if not arr.dtype.isnative:
            raise ValueError(
                "given numpy array has byte order different from the native byte order. "
                "Conversion between byte orders is currently not supported."
            )
    else:
        if isinstance(data, (list, tuple)) and isinstance(_first(data), Tensor):
            data = _scalars(data)
        try:
            arr = np.array(data)
        except ValueError as e:  # ragged, or a Tensor among numbers: try them as numbers
            given, data = data, _scalars(data)
            try:
                arr = np.array(data)
            except ValueError:
                raise _ragged_error(given) or ValueError(
                    f"tensor: cannot build a tensor from ragged or mixed data: {e}"
                ) from None
        if arr.dtype.kind == "c" and dtype is not None and dtypes.as_dtype(dtype).kind not in "bc":
            _refuse_for(dtype, "complex")  # (a bool dtype takes a complex number's truth)
        if dtype is None and arr.dtype.kind in "fc" and not _has_numpy_wide(data, arr.dtype):
            arr = arr.astype(_default_like(arr.dtype))
        elif (arr.dtype.kind == "f" and dtype is not None
              and dtypes.as_dtype(dtype) == dtypes.uint64
              and any(type(v) is float for v in np.array(data, object).flat)):  # fmt: skip
            raise TypeError("tensor: an integer is required (PyTorch reads the numbers of a "
                            "uint64 tensor as unsigned C integers, not Python floats)")  # fmt: skip
    # Python ints beyond int64, which NumPy widened to uint64, float64 or objects: PyTorch
    # refuses them where it reads them as integers (for an integer dtype, or among ints alone)
    wide = arr.dtype.kind in "fuO" and arr.size and isinstance(data, (list, tuple, int))
    if wide and (arr.dtype.kind != "f" or (np.abs(arr) >= 2**63).any()):
        if _beyond_int64(data, None if dtype is None else dtypes.as_dtype(dtype).kind):
            raise ValueError("tensor: Overflow when unpacking long long (an int beyond int64)")
    if arr.dtype.kind == "O":
        odd = [v for v in arr.reshape(-1) if not isinstance(v, (int, float))]
        if odd:  # an element that is not a number (None, a dict, ...)
            _refuse_for(dtype, type(odd[0]).__name__)
            raise RuntimeError(f"tensor: Could not infer dtype of {type(odd[0]).__name__}")
        arr = arr.astype(np.float64 if dtype is not None else dtypes.get_default_dtype())
    if arr.dtype.kind not in "biufc":
        raise TypeError(f"tensor: unsupported data of dtype {arr.dtype} ({type(data).__name__})")
    if dtype is not None:
        dt = dtypes.as_dtype(dtype)
        return np.array(dtypes.via_float32(arr, dt), dtype=dt, copy=True if copy else None)
    return arr.copy() if copy else arr


def _refuse_for(dtype: Any, what: str) -> None:
    """PyTorch's TypeError for a Python object that is not a number of ``dtype``."""
    if dtype is None:
        return
    if dtypes.as_dtype(dtype).kind == "f":
        raise TypeError(f"tensor: must be real number, not {what}")
    raise TypeError(f"tensor: '{what}' object cannot be interpreted as an integer")


def _has_numpy_wide(data: Any, dtype: np.dtype) -> bool:
    """True if nested data holds a NumPy number, array or Tensor of ``dtype`` (float64 or
    complex128): then, as in PyTorch, the result keeps it (Python floats alone give the
    default dtype, Python complex numbers the matching complex dtype)."""
    if isinstance(data, (list, tuple)):
        return any(_has_numpy_wide(v, dtype) for v in data)
    if isinstance(data, (np.ndarray, Tensor)):
        return data.dtype == dtype
    return isinstance(data, np.generic) and data.dtype == dtype


def _default_like(dtype: np.dtype) -> np.dtype:
    """The default float dtype, or the complex dtype made of it, for a float or complex dtype."""
    default = dtypes.get_default_dtype()
    return default if dtype.kind == "f" else dtypes.complex_dtype(default)


def _beyond_int64(data: Any, kind: str | None) -> bool:
    """True if ``data`` holds a Python int outside int64 that is read as an integer: for a
    dtype of ``kind`` "i" or "u", or with no dtype (``kind`` None) when all are ints or bools."""
    items = np.array(data, dtype=object).reshape(-1)
    as_ints = kind in ("i", "u") if kind else all(type(v) in (int, bool) for v in items)
    return as_ints and any(type(v) is int and not -(2**63) <= v < 2**63 for v in items)


def _first(data: Any) -> Any:
    """The first element of nested lists (NumPy infers the dtype from the elements)."""
    while isinstance(data, (list, tuple)) and data:
        data = data[0]
    return data


def _ragged_error(data: Any) -> Exception | None:
    """PyTorch's error for nested sequences that are not a box: the shape is read from the
    first element at each depth; a sequence of another length is a ValueError, a number
    where a sequence belongs or a sequence where a number belongs a TypeError."""

    def is_seq(x: Any) -> bool:
        return isinstance(x, (list, tuple)) or (isinstance(x, (np.ndarray, Tensor)) and x.ndim > 0)

    shape: list = []
    x = data
    while is_seq(x):
        shape.append(len(x))
        if not len(x):
            break
        x = x[0]
    numbers = [v for v in _flat_items(data) if not is_seq(v)]
    integral = all(isinstance(v, (bool, int, np.integer, np.bool_)) for v in numbers)

    def walk(x: Any, dim: int) -> Exception | None:
        if dim == len(shape):
            if not is_seq(x):
                return None
            name = type(x).__name__
            return TypeError(
                f"tensor: '{name}' object cannot be interpreted as an integer" if integral
                else f"tensor: must be real number, not {name}"
            )  # fmt: skip
        if not is_seq(x):
            return TypeError(f"tensor: not a sequence (a {type(x).__name__} at dim {dim})")
        if len(x) != shape[dim]:
            return ValueError(f"tensor: ragged data: expected sequence of length {shape[dim]} "
                              f"at dim {dim} (got {len(x)})")  # fmt: skip
        return next((e for e in (walk(y, dim + 1) for y in x) if e is not None), None)

    return walk(data, 0)


def _flat_items(data: Any) -> Iterator:
    """The items of nested lists and tuples, depth first."""
    for v in data if isinstance(data, (list, tuple)) else (data,):
        if isinstance(v, (list, tuple)):
            yield from _flat_items(v)
        else:
            yield v


def _scalars(data: Any) -> Any:
    """Nested lists with the one-element Tensors in them read as numbers of their dtype,
    as PyTorch reads them (``mg.tensor([loss1, loss2])`` has shape (2,))."""
    if isinstance(data, Tensor):
        return data._scalar()
    if isinstance(data, (list, tuple)):
        return [_scalars(v) for v in data]
    return data


# the arrays whose memory share_memory_() marked as shared, by id (an ndarray is not hashable)
_shared_memory: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


def memory_owner(X: np.ndarray) -> np.ndarray:
    """The array that owns X's memory: X's base, followed through the stand-in objects that
    NumPy's as_strided puts between a view and its array."""
    while True:
        base = X.base
        if not isinstance(base, np.ndarray):
            base = getattr(base, "base", None)
            if not isinstance(base, np.ndarray):
                return X
        X = base


def _broadcast_values(op: str, t: Tensor, shape: tuple) -> list:
    """t's elements broadcast to ``shape``, as a flat list of Python numbers."""
    try:
        return np.broadcast_to(t.data, shape).reshape(-1).tolist()
    except ValueError:
        raise RuntimeError(
            f"{op}: the tensor of size {list(t.data.shape)} cannot be expanded "
            f"to size {list(shape)}"
        ) from None


def _memory(X: np.ndarray, size: int) -> np.ndarray:
    """The memory X lies in, 1-D in X's dtype from its first element, if it holds ``size``
    elements; else new memory of that size holding its elements first (then zeros)."""
    owner = memory_owner(X)
    memory = owner.reshape(-1, order="A").view(X.dtype)  # a view: the owner is one block
    if size <= memory.size:
        return memory
    grown = np.zeros(size, X.dtype)
    grown[: memory.size] = memory
    return grown


def _legacy_array(args: tuple, dtype: Any) -> np.ndarray:
    """The array of ``Tensor(*args)`` (see ``Tensor.__init__``)."""
    dt = dtypes.or_default(dtype)
    if not args:
        return np.empty(0, dt)
    if all(map(_ops._is_int, args)):
        return np.zeros(args, dt)  # sizes (PyTorch leaves the values uninitialized)
    if len(args) != 1 or isinstance(args[0], (float, bool, np.generic)):
        raise TypeError(
            "Tensor(): expected data (a sequence, an array or a Tensor) or sizes (ints), "
            f"got {', '.join(type(a).__name__ for a in args)}"
        )
    data = args[0]
    if isinstance(data, Tensor) and dtype is None:
        return data.data
    refuse_negative_strides(data)
    return as_array(data, dt)


class Views:
    """A base tensor and the views of its memory that are alive, for in-place changes
    (inplace.py); ``no_grad`` holds the views taken with grad mode off, ``multi_output``
    those of ops that return several views (split, unbind), or views of these (None if none)."""

    __slots__ = ("base", "live", "no_grad", "multi_output")

    def __init__(self, base: Tensor) -> None:
        self.base = weakref.ref(base)
        self.live: weakref.WeakSet = weakref.WeakSet()
        self.no_grad: weakref.WeakSet | None = None
        self.multi_output: weakref.WeakSet | None = None

    def taken_under_no_grad(self, t: Tensor) -> bool:
        return self.no_grad is not None and any(v is t for v in self.no_grad)

    def add_no_grad(self, t: Tensor) -> None:
        if self.no_grad is None:
            self.no_grad = weakref.WeakSet()
        self.no_grad.add(t)

    def from_multi_output(self, t: Tensor) -> bool:
        return self.multi_output is not None and any(v is t for v in self.multi_output)

    def add_multi_output(self, t: Tensor) -> None:
        if self.multi_output is None:
            self.multi_output = weakref.WeakSet()
        self.multi_output.add(t)


class FunctionOutputViews(Views):
    """The Views of an ``autograd.Function``'s output that is one of its inputs returned as
    it is (the base): ``name`` says which output ("Output 0 of MyFn"). Changing it, or a
    view of it, in place inside the graph raises, as in PyTorch."""

    __slots__ = ("name",)

    def __init__(self, base: Tensor, name: str) -> None:
        super().__init__(base)
        self.name = name


class Tensor:
    """An n-dimensional array that records the operations applied to it.

    ``data`` is the underlying ``np.ndarray``; ``grad`` the accumulated gradient
    (a Tensor, for leaves that require grad); ``grad_fn`` the backward node of the op
    that produced it (None for leaves).
    """

    # _node: the engine's node for this tensor: its grad_fn or, for one output of an op
    # with several (split's pieces), that output's engine.Output (grad_fn is the op's node);
    # _version: [counter], shared by every tensor over the same memory (views, detach());
    # _views: the Views shared by a base and the views taken of it, or None;
    # _hooks: a leaf's gradient hooks (register_hook), or None;
    # _grad_acc: a leaf's engine.AccumulateGrad, unset until next_functions asks for it;
    # _base: a view's base, which the view keeps alive (as PyTorch's), or a view between
    # that is a leaf requiring grad (ops._as_view); unset on tensors that are not views
    __slots__ = ("data", "_grad", "_node", "_requires_grad", "_version", "_views", "_hooks",
                 "_grad_acc", "_base", "__weakref__")  # fmt: skip

    def __init__(self, *args: Any, requires_grad: bool = False, dtype: Any = None) -> None:
        """PyTorch's legacy constructor: ``Tensor(data)`` in the default float dtype (a
        Tensor keeps its dtype and shares its array), ``Tensor(2, 3)`` zeros of that shape,
        ``Tensor()`` empty. ``requires_grad`` and ``dtype`` are minigrad's additions;
        ``mg.tensor`` keeps the data's dtype."""
        self.data = _legacy_array(args, dtype)
        self._grad: Tensor | None = None
        self._node = None
        shared = len(args) == 1 and isinstance(args[0], Tensor) and args[0].data is self.data
        self._version = args[0]._version if shared else [0]
        self._views = None
        self._hooks = None
        self._requires_grad = False
        check_bool("Tensor", "requires_grad", requires_grad)
        if requires_grad:
            _check_grad_dtype(self.data.dtype)
            self._requires_grad = True

    @staticmethod
    def _new(data: np.ndarray, version: list | None = None) -> Tensor:
        """Wrap an array without copying or checking (the engine's fast path)."""
        t = _object_new(Tensor)
        t.data = data
        t._grad = None
        t._node = None
        t._requires_grad = False
        t._version = [0] if version is None else version
        t._views = None
        t._hooks = None
        return t

    # ---- attributes -------------------------------------------------------------
    @property
    def grad(self) -> Tensor | None:
        """The gradient accumulated by ``backward()`` (leaves), or None. Reading a non-leaf's
        None warns, as in PyTorch (one assigned to it, or kept by retain_grad, does not)."""
        if self._node is not None and self._grad is None and not self.retains_grad:
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. "
                "Its .grad attribute won't be populated during autograd.backward(). If you "
                "indeed want the .grad field to be populated for a non-leaf Tensor, use "
                ".retain_grad() on the non-leaf Tensor.",
                UserWarning,
                stacklevel=2,
            )
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    "assigned grad expected to be a Tensor or None but got grad of type "
                    f"{type(value).__name__}"
                )
            if value is self:
                raise RuntimeError("can't assign Variable as its own grad")
            if value.data.shape != self.data.shape or value.data.dtype != self.data.dtype:
                raise RuntimeError(
                    f"attempting to assign a gradient of shape {value.data.shape} and dtype "
                    f"{value.data.dtype} to a tensor of shape {self.data.shape} and dtype "
                    f"{self.data.dtype}"
                )
        self._grad = value

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if value is not True and value is not False:
            raise RuntimeError(f"requires_grad must be a bool, got {type(value).__name__}")
        if self._node is not None:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables."
                if value
                else "you can only change requires_grad flags of leaf variables. If you want "
                "to use a computed variable in a subgraph that doesn't require differentiation "
                "use var_no_grad = var.detach()."
            )
        if value:
            _check_grad_dtype(self.data.dtype)
        self._requires_grad = value

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        check_bool("requires_grad_", "requires_grad", requires_grad)
        if not (requires_grad and self._node is not None):  # a non-leaf already requires it
            self.requires_grad = requires_grad
        return self

    def retain_grad(self) -> None:
        """Keep this non-leaf tensor's gradient in ``.grad`` after ``backward()``."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._node is not None:
            self._node.retained = weakref.ref(self)
            if self._node._hooks is None:
                self._node._hooks = {}  # so that backward looks

    def register_hook(self, hook: Callable) -> Any:
        """Call ``hook(grad)`` with this tensor's gradient in every backward pass; a Tensor
        it returns replaces the gradient (for a leaf, before it is added to ``.grad``).

        As in PyTorch, a non-leaf's hook belongs to the op that made it: after an
        in-place change it still sees the gradient of the value before the change.
        Returns a handle whose ``remove()`` unregisters the hook.
        """
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        owner = self if self._node is None else self._node
        if owner._hooks is None:
            owner._hooks = {}
        from .utils.hooks import RemovableHandle  # minigrad.utils imports the data package

        handle = RemovableHandle(owner._hooks)
        owner._hooks[handle.id] = hook
        return handle

    def register_post_accumulate_grad_hook(self, hook: Callable) -> Any:
        """Call ``hook(tensor)`` on this leaf each time a backward pass has added to its
        ``.grad`` (not in ``autograd.grad``). Returns a handle whose ``remove()``
        unregisters the hook."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._node is not None:
            raise RuntimeError(
                "post accumulate grad hooks cannot be registered on non-leaf tensors"
            )
        from .utils.hooks import RemovableHandle

        hooks = grad_accumulator(self)._post_accumulate
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        if self._hooks is None:
            self._hooks = {}  # so that backward hands the gradient to engine.accumulate
        return handle

    @property
    def retains_grad(self) -> bool:
        """True for a non-leaf tensor whose ``.grad`` is kept (see ``retain_grad``)."""
        n = self._node
        return n is not None and n.retained is not None and n.retained() is self

    @property
    def is_leaf(self) -> bool:
        return self._node is None

    @property
    def grad_fn(self) -> Any:
        """The backward node of the op that made this tensor (None for leaves)."""
        n = self._node
        return n.node if type(n) is Output else n

    @property
    def shape(self) -> Shape:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def T(self) -> Tensor:
        n = self.data.ndim
        if n != 2:  # PyTorch deprecates .T on anything but a matrix, with a UserWarning
            warnings.warn(_T_DEPRECATED[n > 0], UserWarning, stacklevel=2)
        if not n:  # a 0-d tensor is its own transpose (a view of it)
            return _ops.permute(self, ())
        return _ops.permute(self, *range(n - 1, -1, -1))

    @property
    def mT(self) -> Tensor:
        if not self.data.ndim:  # PyTorch: the identity on a 0-d tensor (self itself), deprecated
            warnings.warn("Tensor.mT is deprecated on 0-D tensors. This function is the identity "
                          "in these cases.", UserWarning, stacklevel=2)  # fmt: skip
            return self
        if self.data.ndim < 2:
            raise RuntimeError(
                "tensor.mT is only supported on matrices or batches of matrices. Got "
                f"{self.data.ndim}-D tensor."
            )
        return _ops.transpose(self, -2, -1)

    def dim(self) -> int:
        return self.data.ndim

    def numel(self) -> int:
        return int(self.data.size)

    def size(self, dim: int | None = None) -> Shape | int:
        shape = self.data.shape
        if dim is None:
            return shape
        if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
            raise TypeError(f"size(): argument 'dim' must be int, not {type(dim).__name__}")
        n = len(shape)
        if not -n <= dim < n:
            raise IndexError(
                f"size: Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                f"but got {dim})"
            )
        return shape[dim]

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    def __iter__(self) -> Iterator[Tensor]:
        if self.data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(_more.unbind(self, 0))  # as PyTorch: views that refuse in-place changes

    # ---- copying and pickling: the values, the dtype and requires_grad, as PyTorch -------
    def __reduce_ex__(self, protocol: Any) -> tuple:
        """Pickle and copy.copy: no graph and no .grad (a non-leaf comes back as a leaf)."""
        return _rebuild, (type(self), self.data, self._requires_grad)

    def __deepcopy__(self, memo: dict) -> Tensor:
        """A leaf with a copy of the array and of .grad; non-leaves raise, as in PyTorch."""
        if self._node is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the "
                "deepcopy protocol at the moment."
            )
        t = _rebuild(type(self), self.data.copy(), self._requires_grad)
        memo[id(self)] = t
        if self._grad is not None:
            t._grad = self._grad.__deepcopy__(memo)
        return t

    # ---- conversion ---------------------------------------------------------------
    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The underlying array (no copy). Raises if the tensor requires grad and grad mode
        is on, as PyTorch, unless ``force`` (then it is ``t.detach().numpy()``)."""
        if self._requires_grad and _mode.grad and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead."
            )
        return self.data

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        """``np.asarray(t)``: as ``t.numpy()`` (so not for a tensor that requires grad)."""
        self.numpy()  # PyTorch's check
        if dtype is not None and np.dtype(dtype) != self.data.dtype:
            return self.data.astype(dtype)
        return self.data.copy() if copy else self.data

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        """A NumPy ufunc with Tensors among its operands. Into arrays (``a -= t``, ``out=``):
        computed on the Tensors' arrays, so ``p.data -= lr * p.grad`` changes p's array in
        place (Python's fallback made p.data a Tensor); an operator of an array or NumPy
        number and a Tensor (``a + t``, ``np.float64(2) * t``): the Tensor's reflected operator,
        a Tensor, as PyTorch; anything else (``np.exp(t)``): NumPy on ``np.asarray`` of them,
        its arrays returned as Tensors (PyTorch's __array_wrap__)."""
        if kwargs.get("out") is not None:
            if any(isinstance(o, Tensor) for o in kwargs["out"]):
                raise TypeError(f"{ufunc.__name__}: out= takes arrays, not Tensors (use t.data)")
            arrays = [x.data if isinstance(x, Tensor) else x for x in inputs]
            return getattr(ufunc, method)(*arrays, **kwargs)
        reflected = _REFLECTED.get(ufunc) if method == "__call__" and len(inputs) == 2 else None
        if reflected is not None and inputs[1] is self and not isinstance(inputs[0], Tensor):
            return getattr(self, reflected)(inputs[0])
        arrays = [np.asarray(x) if isinstance(x, Tensor) else x for x in inputs]
        out = getattr(ufunc, method)(*arrays, **kwargs)
        if isinstance(out, tuple):  # np.modf, np.divmod
            return tuple(Tensor._new(np.asarray(o)) for o in out)
        return Tensor._new(np.asarray(out)) if isinstance(out, (np.ndarray, np.generic)) else out

    def item(self) -> Number:
        if self.data.size != 1:
            raise RuntimeError(
                f"item: a Tensor with {self.data.size} elements cannot be converted to Scalar "
                f"(shape {self.data.shape})"
            )
        return self.data.item()

    def tolist(self) -> Any:
        return self.data.tolist()

    def __float__(self) -> float:
        return float(self._real_scalar("double"))

    def __int__(self) -> int:
        return int(self._real_scalar("int64_t"))

    def __complex__(self) -> complex:
        return complex(self._scalar())

    def _real_scalar(self, ctype: str) -> np.generic:
        """The one element; of a complex tensor, its real part if its imaginary part is 0."""
        v = self._scalar()
        if isinstance(v, np.complexfloating):
            if v.imag:
                raise RuntimeError(f"value cannot be converted to type {ctype} without overflow")
            v = v.real
        return v

    def _scalar(self) -> np.generic:
        """The one element, as a NumPy scalar of this tensor's dtype."""
        if self.data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self.data.reshape(())[()]

    def __format__(self, spec: str) -> str:
        """A 0-d tensor formats as its number (``f"{loss:.4f}"``), as in PyTorch."""
        if self.data.ndim == 0 and type(self) is Tensor:
            return format(self.data.item(), spec)
        return object.__format__(self, spec)

    def __contains__(self, element: Any) -> bool:
        """``v in t``: whether some element of ``t`` equals ``v`` (broadcast)."""
        if not isinstance(element, _ops.OPERANDS) or isinstance(element, np.ndarray):
            raise RuntimeError(
                "Tensor.__contains__ only supports Tensor or scalar, but you passed in a "
                f"{type(element).__name__}"
            )
        return bool(_ops.eq(self, element).data.any())

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with {self.data.size} values is ambiguous")
        return bool(self.data.item())

    def __index__(self) -> int:
        if self.data.dtype.kind not in "biu" or self.data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.data.item())

    __hash__ = object.__hash__

    def detach(self) -> Tensor:
        """A new leaf sharing this tensor's array (and version counter)."""
        return Tensor._new(self.data, self._version)

    def detach_(self) -> Tensor:
        return _inplace.detach_(self)

    def clone(self, *, memory_format: Any = _device.preserve_format) -> Tensor:
        """A copy, laid out as this tensor (``preserve_format``) or in ``memory_format``."""
        _device.check_memory_format("clone", memory_format)
        if memory_format is None or memory_format is _device.preserve_format:
            return _ops.clone(self)
        return _ops.clone(self, _device.memory_order(memory_format, self.ndim) or ())

    def contiguous(self, *, memory_format: Any = _device.contiguous_format) -> Tensor:
        """This tensor if its array is laid out in ``memory_format`` (C order by default),
        else such a copy."""
        _device.check_memory_format("contiguous", memory_format, optional=False)
        if memory_format is _device.preserve_format and not self.data.flags.c_contiguous:
            raise RuntimeError("preserve memory format is unsupported by the contiguous operator")
        return _ops.contiguous(self, _device.memory_order(memory_format, self.ndim))

    def is_contiguous(self, *, memory_format: Any = _device.contiguous_format) -> bool:
        _device.check_memory_format("is_contiguous", memory_format, optional=False)
        try:
            order = _device.memory_order(memory_format, self.ndim)
        except RuntimeError:  # a channels-last format of another rank: not so laid out
            return False
        if order is None:
            return self.data.flags.c_contiguous
        return _device.is_in_memory_order(self.data, order)

    def _laid_out(self, memory_format: Any) -> Tensor:
        """``to(memory_format=)``: this tensor if its strides suggest that format already
        (PyTorch's test), else a copy so laid out (a ToCopy node, as PyTorch's)."""
        if memory_format is None or memory_format is _device.preserve_format:
            return self
        order = _device.memory_order(memory_format, self.ndim)
        if order == _device.suggested_order(self.data):
            return self
        return _more._renamed(_ops.clone(self, order or ()), "ToCopy")

    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """``to(dtype)``, ``to(device)``, ``to(device, dtype)`` or ``to(other)`` (its dtype):
        this tensor if nothing changes (a copy with ``copy=True``), as PyTorch."""
        if args and isinstance(args[0], Tensor):
            args = (args[0].data.dtype,) + args[1:]
        flags = [a for a in args if type(a) is bool]  # non_blocking and copy, positionally
        if flags and len(flags) <= 2:
            args = tuple(a for a in args if type(a) is not bool)
            kwargs = {**dict(zip(("non_blocking", "copy"), flags)), **kwargs}
        dtype = _device.dtype_of_to(args, kwargs)
        out = self if dtype is None else _ops.to(self, dtype)
        out = out._laid_out(kwargs.get("memory_format"))
        if out is self and kwargs.get("copy"):  # PyTorch's node is a ToCopy all the same
            return _more._renamed(_ops.clone(self), "ToCopy")
        return out

    def type(self, dtype: Any = None, non_blocking: bool = False) -> Any:
        """With no dtype, PyTorch's name of this tensor's type ('torch.FloatTensor', ...);
        with one (a dtype or such a name), this tensor converted as by ``.to(dtype)``."""
        if dtype is None:
            return _TYPE_NAMES[self.data.dtype.name]
        if isinstance(dtype, TensorType):
            dtype = dtype.dtype
        if isinstance(dtype, str):
            if dtype.startswith("torch.cuda."):
                _device.check("cuda")
            name = dtype
            dtype = _TYPE_DTYPES.get(dtype)
        else:
            name = getattr(dtype, "__name__", str(dtype))
        if not isinstance(dtype, np.dtype) or dtype.name not in _TYPE_NAMES:
            raise ValueError(f"invalid type: {name!r}")
        return self if dtype == self.data.dtype else _ops.to(self, dtype)

    @property
    def device(self) -> _device.device:
        return _device.CPU

    def cpu(self, *, memory_format: Any = _device.preserve_format) -> Tensor:
        _device.check_memory_format("cpu", memory_format)
        return self

    def cuda(self, device: Any = "cuda") -> Tensor:
        _device.check(device)
        return self

    def _as(self, op: str, dtype: np.dtype, memory_format: Any) -> Tensor:
        """``float()``, ``long()``, ...: ``to(dtype)``."""
        if memory_format is not _device.preserve_format:
            _device.check_memory_format(op, memory_format)
        return _ops.to(self, dtype)._laid_out(memory_format)

    def float(self, *, memory_format: Any = _device.preserve_format) -> Tensor:
        return self._as("float", dtypes.float32, memory_format)

    def double(self, *, memory_format: Any = _device.preserve_format) -> Tensor:
        return self._as("double", dtypes.float64, memory_format)

    def long(self, *, memory_format: Any = _device.preserve_format) -> Tensor:
        return self._as("long", dtypes.int64, memory_format)

    def int(self, *, memory_format: Any = _device.preserve_format) -> Tensor:
        return self._as("int", dtypes.int32, memory_format)

    def bool(self, *, memory_format: Any = _device.preserve_format) -> Tensor:
        return self._as("bool", dtypes.bool_, memory_format)

    def short(self, *, memory_format: Any = _device.preserve_format) -> Tensor:
        return self._as("short", dtypes.int16, memory_format)

    def half(self, *, memory_format: Any = _device.preserve_format) -> Tensor:
        return self._as("half", dtypes.float16, memory_format)

    def cfloat(self, *, memory_format: Any = _device.preserve_format) -> Tensor:
        return self._as("cfloat", dtypes.complex64, memory_format)

    def cdouble(self, *, memory_format: Any = _device.preserve_format) -> Tensor:
        return self._as("cdouble", dtypes.complex128, memory_format)

    def char(self, *, memory_format: Any = _device.preserve_format) -> Tensor:
        return self._as("char", dtypes.int8, memory_format)

    def byte(self, *, memory_format: Any = _device.preserve_format) -> Tensor:
        return self._as("byte", dtypes.uint8, memory_format)

    def __repr__(self) -> str:
        d = self.data
        suffixes = []
        if d.size == 0 and d.ndim != 1:
            suffixes.append(f"size={d.shape}")
        if d.size == 0:  # no values to tell an int64 tensor from a float one
            shown = d.dtype != dtypes.get_default_dtype()
        else:
            default = dtypes.get_default_dtype()  # (and the complex dtype made of it)
            shown = d.dtype not in (default, _default_like(np.dtype(np.complex64)), dtypes.int64,
                                    dtypes.bool_)  # fmt: skip
        if shown:
            suffixes.append(f"dtype=minigrad.{d.dtype}")
        if self._node is not None:
            suffixes.append(f"grad_fn=<{short_name(self._node)}>")
        elif self._requires_grad:
            suffixes.append("requires_grad=True")
        return tensor_repr(d, suffixes)

    # ---- autograd ----------------------------------------------------------------
    def backward(
        self,
        gradient: Any = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
        inputs: Any = None,
    ) -> None:
        """Accumulate d(self)/d(leaf) into the ``.grad`` of every leaf that requires grad
        (with ``inputs``, of those tensors only).

        ``gradient`` is the vector in the vector-Jacobian product (shape of ``self``);
        it may be omitted only for a one-element tensor.
        """
        _autograd.backward(self, gradient, retain_graph, create_graph, None, inputs)

    # ---- arithmetic operators ----------------------------------------------------
    def __add__(self, other: Any) -> Tensor:
        return _ops.add(self, other)

    def __radd__(self, other: Any) -> Tensor:
        return _ops.add(self, other)

    def __sub__(self, other: Any) -> Tensor:
        return _ops.sub(self, other)

    def __rsub__(self, other: Any) -> Tensor:
        return _ops.rsub(self, other)

    def __mul__(self, other: Any) -> Tensor:
        return _ops.mul(self, other)

    def __rmul__(self, other: Any) -> Tensor:
        return _ops.mul(self, other)

    def __truediv__(self, other: Any) -> Tensor:
        return _ops.div(self, other)

    def __rtruediv__(self, other: Any) -> Tensor:
        return _ops.rdiv(self, other)

    def __pow__(self, other: Any) -> Tensor:
        return _ops.pow(self, other)

    def __rpow__(self, other: Any) -> Tensor:
        return _ops.rpow(self, other)

    def __matmul__(self, other: Any) -> Tensor:
        return _ops.matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return _ops.matmul(other, self)

    def __floordiv__(self, other: Any) -> Tensor:
        return _ops.floor_divide(self, other)

    def __rfloordiv__(self, other: Any) -> Tensor:
        return _ops.floor_divide(other, self)

    def __mod__(self, other: Any) -> Tensor:
        return _ops.remainder(self, other)

    def __rmod__(self, other: Any) -> Tensor:
        return _ops.remainder(other, self)

    def __neg__(self) -> Tensor:
        return _ops.neg(self)

    def __pos__(self) -> Tensor:
        if self.data.dtype.kind == "b":
            raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
        return self

    def __abs__(self) -> Tensor:
        return _ops.abs(self)

    def __getitem__(self, index: Any) -> Tensor:
        if isinstance(index, list):  # only a list may be read as a tuple: no call otherwise
            index = _ops.legacy_tuple(index)
        return _ops.getitem(self, index)

    def __setitem__(self, index: Any, value: Any) -> None:
        if isinstance(index, list):
            index = _ops.legacy_tuple(index)
        _inplace.setitem_(self, index, value)

    # comparisons: bool tensors, no gradient
    def __lt__(self, other: Any) -> Tensor:
        return _ops.lt(self, other)

    def __le__(self, other: Any) -> Tensor:
        return _ops.le(self, other)

    def __gt__(self, other: Any) -> Tensor:
        return _ops.gt(self, other)

    def __ge__(self, other: Any) -> Tensor:
        return _ops.ge(self, other)

    # t == None is False and t != None True, as in PyTorch (Python's identity fallback)
    def __eq__(self, other: Any) -> Any:
        return _ops.eq(self, other) if isinstance(other, _ops.OPERANDS) else NotImplemented

    def __ne__(self, other: Any) -> Any:
        return _ops.ne(self, other) if isinstance(other, _ops.OPERANDS) else NotImplemented

    lt, le, gt, ge = __lt__, __le__, __gt__, __ge__  # method forms

    def eq(self, other: Any) -> Tensor:
        return _ops.eq(self, other)

    def ne(self, other: Any) -> Tensor:
        return _ops.ne(self, other)

    # bitwise and logical: bool and integer tensors, no gradient
    def __and__(self, other: Any) -> Tensor:
        return _ops.bitwise_and(self, other)

    def __or__(self, other: Any) -> Tensor:
        return _ops.bitwise_or(self, other)

    def __xor__(self, other: Any) -> Tensor:
        return _ops.bitwise_xor(self, other)

    def __rand__(self, other: Any) -> Tensor:
        return _ops.bitwise_and(self, other)

    def __ror__(self, other: Any) -> Tensor:
        return _ops.bitwise_or(self, other)

    def __rxor__(self, other: Any) -> Tensor:
        return _ops.bitwise_xor(self, other)

    def bitwise_and(self, other: Any) -> Tensor:
        return _ops.bitwise_and(self, other)

    def bitwise_or(self, other: Any) -> Tensor:
        return _ops.bitwise_or(self, other)

    def bitwise_xor(self, other: Any) -> Tensor:
        return _ops.bitwise_xor(self, other)

    def bitwise_not(self) -> Tensor:
        return _ops.bitwise_not(self)

    def __invert__(self) -> Tensor:
        if self.data.dtype.kind not in "biu":  # the operator's error is a TypeError
            raise TypeError(
                f"~ (operator.invert) is only implemented on integer and Boolean-type tensors, "
                f"not {self.data.dtype}"
            )
        return _ops.bitwise_not(self)

    def all(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        return _ops.all(self, dim, keepdim)

    def any(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        return _ops.any(self, dim, keepdim)

    def isnan(self) -> Tensor:
        return _ops.isnan(self)

    def isinf(self) -> Tensor:
        return _ops.isinf(self)

    def isfinite(self) -> Tensor:
        return _ops.isfinite(self)

    def allclose(self, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
                 equal_nan: bool = False) -> bool:  # fmt: skip
        return _ops.allclose(self, other, rtol, atol, equal_nan)

    def is_floating_point(self) -> bool:
        return self.data.dtype.kind == "f"

    def is_complex(self) -> bool:
        return self.data.dtype.kind == "c"

    def is_signed(self) -> bool:
        return self.data.dtype.kind in "ifc"

    is_cuda = False  # minigrad computes on the CPU only
    is_cpu = True
    # nor has it sparse, quantized, meta, MKL-DNN or nested tensors, only dense ones
    is_sparse = is_sparse_csr = is_quantized = is_meta = is_mkldnn = is_nested = False
    layout = _device.strided

    def __dlpack__(self, *args: Any, **kwargs: Any) -> Any:
        """The DLPack capsule of the array (``np.from_dlpack(t)``, ``torch.from_dlpack(t)``)."""
        return self.data.__dlpack__(*args, **kwargs)

    def __dlpack_device__(self) -> tuple:
        return self.data.__dlpack_device__()

    def get_device(self) -> int:
        """-1, PyTorch's number for the CPU."""
        return -1

    def is_pinned(self) -> bool:
        return False

    def pin_memory(self) -> Tensor:
        raise RuntimeError("pin_memory: pinned memory is for copies to an accelerator, and "
                           "minigrad has none")  # fmt: skip

    def share_memory_(self) -> Tensor:
        """self, its memory marked as shared (``is_shared()``, also of its views). minigrad
        has no worker processes to share memory with, so the array stays where it is."""
        owner = memory_owner(self.data)
        _shared_memory[id(owner)] = owner
        return self

    def is_shared(self) -> bool:
        """Whether ``share_memory_()`` was called on a tensor over this memory."""
        owner = memory_owner(self.data)
        return _shared_memory.get(id(owner)) is owner

    @property
    def H(self) -> Tensor:
        """The conjugate transpose of a matrix (of a real one, its transpose)."""
        return self._conj_transpose("Tensor.H", (2,), "matrices (2-D tensors)")

    @property
    def mH(self) -> Tensor:
        """The conjugate transpose of the last two dims (of a real tensor, mT)."""
        return self._conj_transpose("Tensor.mH", None, "matrices or batches of matrices")

    def adjoint(self) -> Tensor:
        """mH."""
        return self._conj_transpose("adjoint()", None, "matrices or batches of matrices")

    def _conj_transpose(self, name: str, ndims: tuple | None, kind: str) -> Tensor:
        """mT for the dims ``ndims`` allows (None: 2 or more); the identity (self itself), with
        PyTorch's deprecation warning, on a 0-d tensor."""
        n = self.data.ndim
        if not n:
            warnings.warn(f"{name} is deprecated on 0-D tensors. Consider using x.conj().",
                          UserWarning, stacklevel=3)  # fmt: skip
            return self
        if (n not in ndims) if ndims else n < 2:
            label = name.removesuffix("()") if name.startswith("Tensor.") else "tensor.adjoint()"
            label = label.replace("Tensor.", "tensor.")
            raise RuntimeError(f"{label} is only supported on {kind}. Got {n}-D tensor.")
        return self.mT.conj()

    # ---- the memory behind the tensor, in PyTorch's units (elements, not bytes) ---------
    def nelement(self) -> int:
        return int(self.data.size)

    def element_size(self) -> int:
        return self.data.itemsize

    @property
    def itemsize(self) -> int:
        return self.data.itemsize

    @property
    def nbytes(self) -> int:
        return self.data.nbytes

    def stride(self, dim: int | None = None) -> Any:
        """How many elements apart consecutive entries of each dim are (a tuple, or dim's)."""
        X = self.data
        strides = [s // X.itemsize for s in X.strides]
        if X.size == 0 and not any(strides):
            # A fresh empty NumPy array has zero strides; PyTorch gives C-order ones of sizes >= 1
            strides = [math.prod(max(n, 1) for n in X.shape[d + 1 :]) for d in range(X.ndim)]
        for d in range(X.ndim - 1, -1, -1):
            if X.shape[d] == 1 and strides[d] == 0:
                # a dim of size 1 that None inserted (NumPy: stride 0); PyTorch's unsqueeze
                # gives it the next dim's size times its stride (1 if it is the last)
                strides[d] = X.shape[d + 1] * strides[d + 1] if d + 1 < X.ndim else 1
        strides = tuple(strides)
        return strides if dim is None else strides[_ops._one_axis("stride", "dim", dim, self.ndim)]

    def data_ptr(self) -> int:
        """The address of the first element."""
        return self.data.__array_interface__["data"][0]

    def storage_offset(self) -> int:
        """How many elements into its memory (the array owning it) the tensor begins."""
        start = memory_owner(self.data).__array_interface__["data"][0]
        return (self.data_ptr() - start) // self.data.itemsize

    def is_distributed(self) -> bool:
        return False

    def const_data_ptr(self) -> int:
        return self.data_ptr()

    def is_set_to(self, tensor: Tensor) -> bool:
        """Whether both tensors view the same memory alike: same start, dtype, shape, strides."""
        X, Y = self.data, tensor.data
        return (memory_owner(X) is memory_owner(Y) and self.data_ptr() == tensor.data_ptr()
                and X.dtype == Y.dtype and X.shape == Y.shape
                and self.stride() == tensor.stride())  # fmt: skip

    def dim_order(self, *, ambiguity_check: Any = False) -> tuple:
        """The dims from outermost to innermost in memory (larger stride first; a tie goes to
        the larger size, dims of stride 0 stay in place), as PyTorch orders them.
        ``ambiguity_check`` (True, or a list of memory formats exactly one of which must fit)
        refuses a tensor with a dim of size 1, two neighbouring dims of equal stride, or two
        dims this order cannot tell apart (a stride 0)."""
        shape, strides, n = self.data.shape, self.stride(), self.data.ndim
        if not isinstance(ambiguity_check, bool) and not (
            isinstance(ambiguity_check, list)
            and all(isinstance(f, _device.memory_format) for f in ambiguity_check)
        ):
            raise TypeError("The ambiguity_check argument must be a bool or a list of memory "
                            "formats.")  # fmt: skip
        formats = ambiguity_check if isinstance(ambiguity_check, list) else []
        check = ambiguity_check if isinstance(ambiguity_check, bool) else True
        ambiguous = 1 in shape or any(a == b for a, b in zip(strides, strides[1:]))
        fits = sum(self.is_contiguous(memory_format=f) for f in formats)
        if check and ambiguous and fits != 1:
            raise RuntimeError("dim_order: The tensor does not have unique dim order, or cannot "
                               f"map to exact one of the given memory formats (shape "
                               f"{list(shape)}, strides {list(strides)}).")  # fmt: skip
        if n < 2 or self.data.flags.c_contiguous and n != 4:
            return tuple(range(n))

        def ge(a: int, b: int) -> bool:
            return b == 0 or (a != 0 and (a >= b or a % b == 0))

        def order(a: int, b: int) -> int:
            """-1 if dim a is inside dim b in memory, 1 if outside, 0 if either will do."""
            sa, sb = strides[a], strides[b]
            if sa == 0 or sb == 0 or (sa == sb and ge(shape[b], shape[a])):
                return 0
            return 1 if sa == sb else -1 if ge(sb, sa) else 1

        perm = list(reversed(range(n)))  # innermost first; an insertion sort
        for i in range(1, n):
            j = i
            for k in reversed(range(i)):
                c = order(perm[k], perm[j])
                if c > 0:
                    perm[k], perm[j] = perm[j], perm[k]
                    j = k
                elif c < 0:
                    break
        if ambiguity_check and any(order(a, b) != -1 for a, b in zip(perm, perm[1:])):
            raise RuntimeError(f"dim_order: The tensor does not have unique dim order (shape "
                               f"{list(shape)}, strides {list(strides)}).")  # fmt: skip
        return tuple(reversed(perm))

    @property
    def output_nr(self) -> int:
        """Which output of its grad_fn this tensor is (0 for leaves and one-output ops)."""
        n = self._node
        return n.output_nr if type(n) is Output else 0

    @property
    def name(self) -> None:
        """A named tensor's name in PyTorch; minigrad has no named tensors, so None."""
        return None

    def to_dense(self, dtype: Any = None, *, masked_grad: bool | None = None) -> Tensor:
        """This tensor (every minigrad tensor is dense), cast to ``dtype`` if given."""
        return self if dtype is None else self.to(dtype)

    def new_empty_strided(self, size: Any, stride: Any, *, dtype: Any = None, device: Any = None,
                          requires_grad: bool = False, layout: Any = None,
                          pin_memory: bool = False) -> Tensor:  # fmt: skip
        """empty_strided in this tensor's dtype (or ``dtype``)."""
        return _extra.empty_strided(size, stride, dtype=_own(self, dtype), device=device,
                                    requires_grad=requires_grad)  # fmt: skip

    def module_load(self, other: Tensor, assign: bool = False) -> Tensor:
        """What load_state_dict puts in place of this parameter or buffer: ``other.detach()``
        if ``assign``, else this tensor with other's values copied in, detached."""
        return other.detach() if assign else self.copy_(other).detach()

    def resize_(self, *sizes: Any, size: Any = NOT_GIVEN, memory_format: Any = None) -> Tensor:
        """This tensor given shape ``sizes``, C-contiguous over its memory from where it
        starts (its shape and strides kept if the shape is the same). Growing past the end of
        that memory moves the tensor to new memory holding the old memory's elements first
        (the rest zeros here; PyTorch leaves them unspecified): other views of the old memory
        then no longer share this tensor's."""
        _device.check_memory_format("resize_", memory_format)
        shape = size_arg(_sizes_or_keyword("resize_", "size", sizes, size), "resize_")
        if any(n < 0 for n in shape):
            raise RuntimeError(f"resize_: Trying to create tensor with negative dimension: "
                               f"{list(shape)}")  # fmt: skip
        if self._requires_grad:
            raise RuntimeError("cannot resize variables that require grad")
        if shape == self.data.shape:
            return self
        start = self.storage_offset()
        need = start + math.prod(shape)
        self.data = _memory(self.data, need)[start:need].reshape(shape)
        self._version[0] += 1
        return self

    def resize_as_(self, the_template: Tensor, *, memory_format: Any = None) -> Tensor:
        return self.resize_(the_template.shape, memory_format=memory_format)

    def set_(self, source: Tensor | None = None, storage_offset: int = 0, size: Any = None,
             stride: Any = None) -> Tensor:  # fmt: skip
        """Make this tensor view ``source``'s memory: as source (shape, strides, start), or
        with ``size``, ``stride`` (C-contiguous if None) and ``storage_offset`` given; with no
        source, an empty tensor. Refused, with grad mode on, on a tensor that requires grad
        (PyTorch records a node whose backward raises for a non-leaf)."""
        if self._requires_grad and _mode.enabled:
            what = "a leaf Variable" if self._node is None else "a tensor in the graph"
            raise RuntimeError(f"set_: {what} that requires grad is being used in an in-place "
                               f"operation.")  # fmt: skip
        if source is None:
            self.data = np.empty(0, self.data.dtype)
        else:
            check_tensor("set_", "source", source)
            if source.data.dtype != self.data.dtype:
                raise RuntimeError(f"set_: Could not set tensor of type {source.data.dtype} to a "
                                   f"tensor of type {self.data.dtype}")  # fmt: skip
            if size is None:
                self.data = source.data
            else:
                size = tuple(size)
                if stride is None:
                    stride = [math.prod(size[d + 1 :]) for d in range(len(size))]
                need = storage_offset + 1 + sum((n - 1) * s for n, s in zip(size, stride))
                memory = _memory(source.data, need if all(size) else 0)
                self.data = np.lib.stride_tricks.as_strided(
                    memory[storage_offset:], size, [s * memory.itemsize for s in stride]
                )
        self._version[0] += 1
        return self

    def as_strided_(self, size: Any, stride: Any, storage_offset: int | None = None) -> Tensor:
        """This tensor made the view ``as_strided(size, stride, storage_offset)`` of its
        memory, in place (inside the graph, it takes that view's node)."""
        if self._requires_grad and self._node is None and _mode.enabled:
            raise RuntimeError("as_strided_: a leaf Variable that requires grad is being used in "
                               "an in-place operation.")  # fmt: skip
        out = _inplace._prior(self, self.data).as_strided(size, stride, storage_offset)
        self.data = out.data
        if out._node is not None:
            _inplace._set_grad_fn(self, out._node)
        self._version[0] += 1
        return self

    def map2_(self, x: Tensor, y: Tensor, callable: Callable) -> Tensor:
        """Each element replaced in place by ``callable(element, x's, y's)``, x and y
        broadcast to this tensor's shape (and of its dtype)."""
        X = self.data
        for name, t in (("x", x), ("y", y)):
            if t.data.dtype != X.dtype:
                raise TypeError(f"map2_: expected a tensor of dtype {X.dtype} for argument "
                                f"'{name}' (got {t.data.dtype})")  # fmt: skip
        xs, ys = (_broadcast_values("map2_", t, X.shape) for t in (x, y))
        return self._map(
            "map2_",
            lambda X: [callable(a, b, c) for a, b, c in zip(X.reshape(-1).tolist(), xs, ys)],
        )

    def masked_fill(self, mask: Any, value: Any) -> Tensor:
        return _ops.masked_fill(self, mask, value)

    def masked_fill_(self, mask: Any, value: Any) -> Tensor:
        return _inplace.masked_fill_(self, mask, value)

    def where(self, condition: Any, other: Any) -> Tensor:
        """``mg.where(condition, self, other)``."""
        return _ops.where(condition, self, other)

    # ---- in-place ----------------------------------------------------------------
    def __iadd__(self, other: Any) -> Tensor:
        return _inplace.add_(self, other)

    def __isub__(self, other: Any) -> Tensor:
        return _inplace.sub_(self, other)

    def __imul__(self, other: Any) -> Tensor:
        return _inplace.mul_(self, other)

    def __itruediv__(self, other: Any) -> Tensor:
        return _inplace.div_(self, other)

    # without these Python would fall back to t = t // n: a new tensor, not a change of t's
    def __ifloordiv__(self, other: Any) -> Tensor:
        return self.floor_divide_(other)

    def __imod__(self, other: Any) -> Tensor:
        return self.remainder_(other)

    def __ipow__(self, other: Any) -> Tensor:
        return self.pow_(other)

    def __iand__(self, other: Any) -> Tensor:
        return self.bitwise_and_(other)

    def __ior__(self, other: Any) -> Tensor:
        return self.bitwise_or_(other)

    def __ixor__(self, other: Any) -> Tensor:
        return self.bitwise_xor_(other)

    def add_(self, other: Any, alpha: Number = 1) -> Tensor:
        return _inplace.add_(self, other, alpha)

    def sub_(self, other: Any, alpha: Number = 1) -> Tensor:
        return _inplace.sub_(self, other, alpha)

    def mul_(self, other: Any) -> Tensor:
        return _inplace.mul_(self, other)

    def div_(self, other: Any, *, rounding_mode: str | None = None) -> Tensor:
        if rounding_mode is None:
            return _inplace.div_(self, other)
        return self.divide_(other, rounding_mode=rounding_mode)

    def clamp_(self, min: Number | None = None, max: Number | None = None) -> Tensor:
        return _inplace.clamp_(self, min, max)

    def relu_(self) -> Tensor:
        return _inplace.relu_(self)

    # in-place forms of elementwise ops: x.exp_() makes x its own exp, in its memory
    def abs_(self) -> Tensor:
        _ops._refuse("abs_", self.data, "c", hint=" (|z| is real: use abs())")
        return _inplace.op_(self, "abs_", Tensor.abs)

    def neg_(self) -> Tensor:
        return _inplace.op_(self, "neg_", Tensor.neg)

    def exp_(self) -> Tensor:
        return _inplace.op_(self, "exp_", Tensor.exp)

    def log_(self) -> Tensor:
        return _inplace.op_(self, "log_", Tensor.log)

    def sqrt_(self) -> Tensor:
        return _inplace.op_(self, "sqrt_", Tensor.sqrt)

    def rsqrt_(self) -> Tensor:
        return _inplace.op_(self, "rsqrt_", Tensor.rsqrt)

    def sigmoid_(self) -> Tensor:
        return _inplace.op_(self, "sigmoid_", Tensor.sigmoid)

    def tanh_(self) -> Tensor:
        return _inplace.op_(self, "tanh_", Tensor.tanh)

    def sin_(self) -> Tensor:
        return _inplace.op_(self, "sin_", Tensor.sin)

    def cos_(self) -> Tensor:
        return _inplace.op_(self, "cos_", Tensor.cos)

    def reciprocal_(self) -> Tensor:
        return _inplace.op_(self, "reciprocal_", Tensor.reciprocal)

    def square_(self) -> Tensor:
        return _inplace.op_(self, "square_", Tensor.square)

    def floor_(self) -> Tensor:
        return _inplace.op_(self, "floor_", Tensor.floor)

    def ceil_(self) -> Tensor:
        return _inplace.op_(self, "ceil_", Tensor.ceil)

    def trunc_(self) -> Tensor:
        return _inplace.op_(self, "trunc_", Tensor.trunc)

    def sign_(self) -> Tensor:
        return _inplace.op_(self, "sign_", Tensor.sign)

    def log1p_(self) -> Tensor:
        return _inplace.op_(self, "log1p_", Tensor.log1p)

    def expm1_(self) -> Tensor:
        return _inplace.op_(self, "expm1_", Tensor.expm1)

    def round_(self, *, decimals: int = 0) -> Tensor:
        return _inplace.op_(self, "round_", lambda x: x.round(decimals=decimals))

    def pow_(self, exponent: Any) -> Tensor:
        return _inplace.op_(self, "pow_", Tensor.pow, exponent)

    def clamp_min_(self, min: Any) -> Tensor:
        return _inplace.op_(self, "clamp_min_", Tensor.clamp_min, min)

    def clamp_max_(self, max: Any) -> Tensor:
        return _inplace.op_(self, "clamp_max_", Tensor.clamp_max, max)

    def zero_(self) -> Tensor:
        return _inplace.zero_(self)

    def fill_(self, value: Number) -> Tensor:
        return _inplace.fill_(self, value)

    def copy_(self, src: Any, non_blocking: bool = False) -> Tensor:
        return _inplace.copy_(self, src)  # non_blocking: nothing to overlap on the CPU

    # ---- differentiable methods (forward and VJP live in ops.py) -------------------
    def add(self, other: Any, alpha: Number = 1) -> Tensor:
        return _ops.add(self, other, alpha=alpha)

    def sub(self, other: Any, alpha: Number = 1) -> Tensor:
        return _ops.sub(self, other, alpha=alpha)

    def mul(self, other: Any) -> Tensor:
        return _ops.mul(self, other)

    def div(self, other: Any, *, rounding_mode: str | None = None) -> Tensor:
        return _ops.div(self, other, rounding_mode=rounding_mode)

    def pow(self, exponent: Any) -> Tensor:
        return _ops.pow(self, exponent)

    def matmul(self, other: Any) -> Tensor:
        return _ops.matmul(self, other)

    def mm(self, mat2: Tensor) -> Tensor:
        return _ops.mm(self, mat2)

    def bmm(self, mat2: Tensor) -> Tensor:
        return _ops.bmm(self, mat2)

    def neg(self) -> Tensor:
        return _ops.neg(self)

    def exp(self) -> Tensor:
        return _ops.exp(self)

    def log(self) -> Tensor:
        return _ops.log(self)

    def sqrt(self) -> Tensor:
        return _ops.sqrt(self)

    def abs(self) -> Tensor:
        return _ops.abs(self)

    def sin(self) -> Tensor:
        return _ops.sin(self)

    def cos(self) -> Tensor:
        return _ops.cos(self)

    def relu(self) -> Tensor:
        return _ops.relu(self)

    def sigmoid(self) -> Tensor:
        return _ops.sigmoid(self)

    def tanh(self) -> Tensor:
        return _ops.tanh(self)

    def clamp(self, min: Number | None = None, max: Number | None = None) -> Tensor:
        return _ops.clamp(self, min, max)

    clip = clamp

    def round(self, *, decimals: int = 0) -> Tensor:
        return _ops.round(self, decimals=decimals)

    def maximum(self, other: Any) -> Tensor:
        return _ops.maximum(self, other)

    def minimum(self, other: Any) -> Tensor:
        return _ops.minimum(self, other)

    def softmax(self, dim: int, dtype: Any = None) -> Tensor:
        return _ops.softmax(self, dim, dtype)

    def log_softmax(self, dim: int, dtype: Any = None) -> Tensor:
        return _ops.log_softmax(self, dim, dtype)

    def logsumexp(self, dim: Any, keepdim: bool = False) -> Tensor:
        return _ops.logsumexp(self, dim, keepdim)

    def sum(self, dim: Any = NOT_GIVEN, keepdim: Any = NOT_GIVEN, *, dtype: Any = None) -> Tensor:
        return _ops.sum(self, dim, keepdim, dtype=dtype)

    def mean(self, dim: Any = NOT_GIVEN, keepdim: Any = NOT_GIVEN, *, dtype: Any = None) -> Tensor:
        return _ops.mean(self, dim, keepdim, dtype=dtype)

    def var(self, dim: Any = NOT_GIVEN, unbiased: Any = NOT_GIVEN, keepdim: Any = NOT_GIVEN, *,
            correction: int | None = None) -> Tensor:  # fmt: skip
        return _ops.var(self, dim, unbiased, keepdim, correction=correction)

    def std(self, dim: Any = NOT_GIVEN, unbiased: Any = NOT_GIVEN, keepdim: Any = NOT_GIVEN, *,
            correction: int | None = None) -> Tensor:  # fmt: skip
        return _ops.std(self, dim, unbiased, keepdim, correction=correction)

    def amax(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        return _ops.amax(self, dim, keepdim)

    def amin(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        return _ops.amin(self, dim, keepdim)

    def max(self, dim: Any = NOT_GIVEN, keepdim: Any = NOT_GIVEN, *, other: Any = NOT_GIVEN) -> Any:
        return _ops.max(self, dim, keepdim, other=other)

    def min(self, dim: Any = NOT_GIVEN, keepdim: Any = NOT_GIVEN, *, other: Any = NOT_GIVEN) -> Any:
        return _ops.min(self, dim, keepdim, other=other)

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> Any:
        return _ops.topk(self, k, dim, largest, sorted)

    def norm(
        self, p: Any = "fro", dim: Any = None, keepdim: bool = False, dtype: Any = None
    ) -> Tensor:
        return _lt.norm(self, p, dim, keepdim, dtype=dtype)

    def gather(self, dim: int, index: Tensor, *, sparse_grad: bool = False) -> Tensor:
        return _ops.gather(self, dim, index, sparse_grad=sparse_grad)

    def argmax(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        return _ops.argmax(self, dim, keepdim)

    def argmin(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        return _ops.argmin(self, dim, keepdim)

    def reshape(self, *sizes: Any, shape: Any = NOT_GIVEN) -> Tensor:
        sizes = _sizes_or_keyword("reshape", "shape", sizes, shape)
        return _ops.reshape(self, *sizes)

    def view(self, *sizes: Any, size: Any = NOT_GIVEN, dtype: Any = NOT_GIVEN) -> Tensor:
        """``view(*shape)``, or ``view(dtype)``: the memory read as another dtype."""
        if dtype is NOT_GIVEN and len(sizes) == 1 and isinstance(sizes[0], (np.dtype, type)):
            sizes, dtype = (), sizes[0]
        if dtype is not NOT_GIVEN:
            if sizes or size is not NOT_GIVEN:
                raise TypeError("view() takes either sizes or a dtype, not both")
            return _ops.view_dtype(self, dtypes.as_dtype(dtype, "view"))
        sizes = _sizes_or_keyword("view", "size", sizes, size)
        return _ops.view(self, *sizes)

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        return _ops.transpose(self, dim0, dim1)

    def t(self) -> Tensor:
        return _more.t(self)

    def tril(self, diagonal: int = 0) -> Tensor:
        return _ops.tril(self, diagonal)

    def triu(self, diagonal: int = 0) -> Tensor:
        return _ops.triu(self, diagonal)

    def permute(self, *order: Any, dims: Any = NOT_GIVEN) -> Tensor:
        if dims is not NOT_GIVEN:
            order = _sizes_or_keyword("permute", "dims", order, dims)
        return _ops.permute(self, *order)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        return _ops.flatten(self, start_dim, end_dim)

    def squeeze(self, *dims: Any, dim: Any = NOT_GIVEN) -> Tensor:
        if dim is NOT_GIVEN:  # as PyTorch's method: squeeze(), squeeze(d), squeeze(d0, d1, ...)
            dim = dims[0] if len(dims) == 1 else (dims or None)
        elif dims:
            raise TypeError("squeeze(): takes its dims one by one or as dim=, not both")
        return _ops.squeeze(self, dim)

    def unsqueeze(self, dim: int) -> Tensor:
        return _ops.unsqueeze(self, dim)

    def expand(self, *sizes: Any, size: Any = NOT_GIVEN) -> Tensor:
        sizes = _sizes_or_keyword("expand", "size", sizes, size)
        return _ops.expand(self, *sizes)

    def expand_as(self, other: Tensor) -> Tensor:
        return _ops.expand(self, *other.shape)

    def view_as(self, other: Tensor) -> Tensor:
        return _ops.view(self, *other.shape)

    def reshape_as(self, other: Tensor) -> Tensor:
        return _ops.reshape(self, *other.shape)

    # ---- more ops (forward and VJP live in more_ops.py) ----------------------------
    def square(self) -> Tensor:
        return _more.square(self)

    def reciprocal(self) -> Tensor:
        return _ops.reciprocal(self)

    def rsqrt(self) -> Tensor:
        return _more.rsqrt(self)

    def log1p(self) -> Tensor:
        return _more.log1p(self)

    def expm1(self) -> Tensor:
        return _more.expm1(self)

    def log2(self) -> Tensor:
        return _more.log2(self)

    def log10(self) -> Tensor:
        return _more.log10(self)

    def exp2(self) -> Tensor:
        return _more.exp2(self)

    def sign(self) -> Tensor:
        return _more.sign(self)

    def floor(self) -> Tensor:
        return _more.floor(self)

    def ceil(self) -> Tensor:
        return _more.ceil(self)

    def trunc(self) -> Tensor:
        return _more.trunc(self)

    def frac(self) -> Tensor:
        return _more.frac(self)

    def sinh(self) -> Tensor:
        return _more.sinh(self)

    def cosh(self) -> Tensor:
        return _more.cosh(self)

    def tan(self) -> Tensor:
        return _more.tan(self)

    def asin(self) -> Tensor:
        return _more.asin(self)

    def acos(self) -> Tensor:
        return _more.acos(self)

    def atan(self) -> Tensor:
        return _more.atan(self)

    def atan2(self, other: Tensor) -> Tensor:
        return _more.atan2(self, other)

    def lerp(self, end: Tensor, weight: Any) -> Tensor:
        return _more.lerp(self, end, weight)

    def lerp_(self, end: Tensor, weight: Any) -> Tensor:
        return _inplace.op_(self, "lerp_", _more.lerp, end, weight)

    def addcmul(self, tensor1: Tensor, tensor2: Tensor, *, value: Number = 1) -> Tensor:
        return _more.addcmul(self, tensor1, tensor2, value=value)

    def addcmul_(self, tensor1: Tensor, tensor2: Tensor, *, value: Number = 1) -> Tensor:
        return _inplace.op_(self, "addcmul_", lambda x, a, b: _more.addcmul(x, a, b, value=value),
                            tensor1, tensor2)  # fmt: skip

    def addcdiv(self, tensor1: Tensor, tensor2: Tensor, *, value: Number = 1) -> Tensor:
        return _more.addcdiv(self, tensor1, tensor2, value=value)

    def addcdiv_(self, tensor1: Tensor, tensor2: Tensor, *, value: Number = 1) -> Tensor:
        return _inplace.op_(self, "addcdiv_", lambda x, a, b: _more.addcdiv(x, a, b, value=value),
                            tensor1, tensor2)  # fmt: skip

    def logit(self, eps: float | None = None) -> Tensor:
        return _more.logit(self, eps)

    def clamp_min(self, min: Any) -> Tensor:
        return _more.clamp_min(self, min)

    def clamp_max(self, max: Any) -> Tensor:
        return _more.clamp_max(self, max)

    def nan_to_num(self, nan: float = 0.0, posinf: float | None = None,
                   neginf: float | None = None) -> Tensor:  # fmt: skip
        return _more.nan_to_num(self, nan, posinf, neginf)

    def prod(self, dim: Any = NOT_GIVEN, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
        return _more.prod(self, dim, keepdim, dtype=dtype)

    def cumsum(self, dim: int, *, dtype: Any = None) -> Tensor:
        return _more.cumsum(self, dim, dtype=dtype)

    def cumprod(self, dim: int, *, dtype: Any = None) -> Tensor:
        return _more.cumprod(self, dim, dtype=dtype)

    def sort(self, dim: int = -1, descending: bool = False, *, stable: bool = False) -> Any:
        return _more.sort(self, dim, descending, stable=stable)

    def argsort(self, dim: int = -1, descending: bool = False, *, stable: bool = False) -> Tensor:
        return _more.argsort(self, dim, descending, stable=stable)

    def flip(self, *order: Any, dims: Any = NOT_GIVEN) -> Tensor:
        return _more.flip(self, *_sizes_or_keyword("flip", "dims", order, dims))

    def roll(self, shifts: Any, dims: Any = None) -> Tensor:
        return _more.roll(self, shifts, dims)

    def repeat(self, *sizes: Any, repeats: Any = NOT_GIVEN) -> Tensor:
        return _more.repeat(self, *_sizes_or_keyword("repeat", "repeats", sizes, repeats))

    def tile(self, *sizes: Any, dims: Any = NOT_GIVEN) -> Tensor:
        return _more.tile(self, *_sizes_or_keyword("tile", "dims", sizes, dims))

    def split(self, split_size: Any, dim: int = 0) -> tuple:
        return _more.split(self, split_size, dim)

    def split_with_sizes(self, split_sizes: Any, dim: int = 0) -> tuple:
        return _more.split_with_sizes(self, split_sizes, dim)

    def tensor_split(self, indices_or_sections: Any = NOT_GIVEN, dim: int = 0, *,
                     sections: Any = NOT_GIVEN, indices: Any = NOT_GIVEN) -> tuple:  # fmt: skip
        return _more.tensor_split(
            self, indices_or_sections, dim, sections=sections, indices=indices
        )

    def hsplit(self, indices_or_sections: Any) -> tuple:
        return _more.hsplit(self, indices_or_sections)

    def vsplit(self, indices_or_sections: Any) -> tuple:
        return _more.vsplit(self, indices_or_sections)

    def dsplit(self, indices_or_sections: Any) -> tuple:
        return _more.dsplit(self, indices_or_sections)

    def ravel(self) -> Tensor:
        return _more.ravel(self)

    def chunk(self, chunks: int, dim: int = 0) -> tuple:
        return _more.chunk(self, chunks, dim)

    def unbind(self, dim: int = 0) -> tuple:
        return _more.unbind(self, dim)

    def unflatten(self, dim: int, sizes: Any) -> Tensor:
        return _more.unflatten(self, dim, sizes)

    def narrow(self, dim: int, start: Any, length: int) -> Tensor:
        return _more.narrow(self, dim, start, length)

    def index_select(self, dim: int, index: Tensor) -> Tensor:
        return _more.index_select(self, dim, index)

    def movedim(self, source: Any, destination: Any) -> Tensor:
        return _more.movedim(self, source, destination)

    moveaxis = movedim

    def swapaxes(self, axis0: int, axis1: int) -> Tensor:
        return _ops.transpose(self, axis0, axis1)

    def swapdims(self, dim0: int, dim1: int) -> Tensor:
        return _ops.transpose(self, dim0, dim1)

    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
        return _more.diagonal(self, offset, dim1, dim2)

    def diag(self, diagonal: int = 0) -> Tensor:
        return _more.diag(self, diagonal)

    def trace(self) -> Tensor:
        return _more.trace(self)

    def outer(self, vec2: Tensor) -> Tensor:
        return _more.outer(self, vec2)

    def dot(self, tensor: Tensor) -> Tensor:
        return _more.dot(self, tensor)

    def mv(self, vec: Tensor) -> Tensor:
        return _more.mv(self, vec)

    def addmm(self, mat1: Tensor, mat2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        return _more.addmm(self, mat1, mat2, beta=beta, alpha=alpha)

    # ---- special functions and more elementwise math (more_ops.py) ----------------------
    def erf(self) -> Tensor:
        return _more.erf(self)

    def erf_(self) -> Tensor:
        return _inplace.op_(self, "erf_", Tensor.erf)

    def erfc(self) -> Tensor:
        return _more.erfc(self)

    def erfc_(self) -> Tensor:
        return _inplace.op_(self, "erfc_", Tensor.erfc)

    def erfinv(self) -> Tensor:
        return _more.erfinv(self)

    def erfinv_(self) -> Tensor:
        return _inplace.op_(self, "erfinv_", Tensor.erfinv)

    def lgamma(self) -> Tensor:
        return _special.gammaln(self)

    def digamma(self) -> Tensor:
        return _special.digamma(self)

    def polygamma(self, n: int) -> Tensor:
        return _special.polygamma(n, self)

    def mvlgamma(self, p: int) -> Tensor:
        return _special.multigammaln(self, p)

    def hardshrink(self, lambd: float = 0.5) -> Tensor:
        return _activation.hardshrink(self, lambd)

    def prelu(self, weight: Tensor) -> Tensor:
        return _activation.prelu(self, weight)

    def new(self, *args: Any) -> Tensor:
        """The legacy constructor (``Tensor(*args)``) in this tensor's dtype: ``x.new(2, 3)``
        a new tensor of that shape, ``x.new(data)`` one of that data."""
        return Tensor._new(_legacy_array(args, self.data.dtype))

    def igamma(self, other: Tensor) -> Tensor:
        return _special.gammainc(self, other)

    def igammac(self, other: Tensor) -> Tensor:
        return _special.gammaincc(self, other)

    def sinc(self) -> Tensor:
        return _more.sinc(self)

    def sinc_(self) -> Tensor:
        return _inplace.op_(self, "sinc_", Tensor.sinc)

    def asinh(self) -> Tensor:
        return _more.asinh(self)

    def asinh_(self) -> Tensor:
        return _inplace.op_(self, "asinh_", Tensor.asinh)

    def acosh(self) -> Tensor:
        return _more.acosh(self)

    def acosh_(self) -> Tensor:
        return _inplace.op_(self, "acosh_", Tensor.acosh)

    def atanh(self) -> Tensor:
        return _more.atanh(self)

    def atanh_(self) -> Tensor:
        return _inplace.op_(self, "atanh_", Tensor.atanh)

    def deg2rad(self) -> Tensor:
        return _more.deg2rad(self)

    def deg2rad_(self) -> Tensor:
        return _inplace.op_(self, "deg2rad_", Tensor.deg2rad)

    def rad2deg(self) -> Tensor:
        return _more.rad2deg(self)

    def rad2deg_(self) -> Tensor:
        return _inplace.op_(self, "rad2deg_", Tensor.rad2deg)

    def sgn(self) -> Tensor:
        return _more.sgn(self)

    def sgn_(self) -> Tensor:
        return _inplace.op_(self, "sgn_", Tensor.sgn)

    def logaddexp(self, other: Any) -> Tensor:
        return _more.logaddexp(self, other)

    def logaddexp2(self, other: Any) -> Tensor:
        return _more.logaddexp2(self, other)

    def hypot(self, other: Any) -> Tensor:
        return _more.hypot(self, other)

    def hypot_(self, other: Any) -> Tensor:
        return _inplace.op_(self, "hypot_", Tensor.hypot, other)

    def xlogy(self, other: Any) -> Tensor:
        return _more.xlogy(self, other)

    def xlogy_(self, other: Any) -> Tensor:
        return _inplace.op_(self, "xlogy_", Tensor.xlogy, other)

    def float_power(self, exponent: Any) -> Tensor:
        return _more.float_power(self, exponent)

    def fmod(self, other: Any) -> Tensor:
        return _more.fmod(self, other)

    def fmod_(self, other: Any) -> Tensor:
        return _inplace.op_(self, "fmod_", Tensor.fmod, other)

    def remainder(self, other: Any) -> Tensor:
        return _ops.remainder(self, other)

    def floor_divide(self, other: Any) -> Tensor:
        return _ops.floor_divide(self, other)

    def fmax(self, other: Any) -> Tensor:
        return _more.fmax(self, other)

    def fmin(self, other: Any) -> Tensor:
        return _more.fmin(self, other)

    # ---- selecting, indexing and scattering (select_ops.py) ------------------------------
    def masked_select(self, mask: Tensor) -> Tensor:
        return _sel.masked_select(self, mask)

    def take_along_dim(self, indices: Tensor, dim: Any = None) -> Tensor:
        return _sel.take_along_dim(self, indices, dim)

    def take(self, index: Tensor) -> Tensor:
        return _sel.take(self, index)

    def index_add(self, dim: int, index: Tensor, source: Tensor, *, alpha: Any = 1) -> Tensor:
        return _sel.index_add(self, dim, index, source, alpha=alpha)

    def index_add_(self, dim: int, index: Tensor, source: Tensor, *, alpha: Any = 1) -> Tensor:
        add = lambda t, s: _sel.index_add(t, dim, index, s, alpha=alpha)  # noqa: E731
        return _inplace.op_(self, "index_add_", add, source)

    def index_copy(self, dim: int, index: Tensor, source: Tensor) -> Tensor:
        return _sel.index_copy(self, dim, index, source)

    def index_copy_(self, dim: int, index: Tensor, source: Tensor) -> Tensor:
        return _inplace.op_(self, "index_copy_", lambda t, s: _sel.index_copy(t, dim, index, s),
                            source)  # fmt: skip

    def index_fill(self, dim: int, index: Tensor, value: Any) -> Tensor:
        return _sel.index_fill(self, dim, index, value)

    def index_fill_(self, dim: int, index: Tensor, value: Any) -> Tensor:
        return _inplace.op_(self, "index_fill_", lambda t, v: _sel.index_fill(t, dim, index, v),
                            value)  # fmt: skip

    def scatter(self, dim: int, index: Tensor, src: Any = None, *, value: Any = None,
                reduce: str | None = None) -> Tensor:  # fmt: skip
        return _sel.scatter(self, dim, index, src, value=value, reduce=reduce)

    def scatter_(self, dim: int, index: Tensor, src: Any = None, *, value: Any = None,
                 reduce: str | None = None) -> Tensor:  # fmt: skip
        return _inplace.op_(self, "scatter_",
                            lambda t, s: _sel.scatter(t, dim, index, s, reduce=reduce),
                            value if src is None else src)  # fmt: skip

    def scatter_add(self, dim: int, index: Tensor, src: Tensor) -> Tensor:
        return _sel.scatter_add(self, dim, index, src)

    def scatter_add_(self, dim: int, index: Tensor, src: Tensor) -> Tensor:
        return _inplace.op_(self, "scatter_add_", lambda t, s: _sel.scatter_add(t, dim, index, s),
                            src)  # fmt: skip

    def nonzero(self, *, as_tuple: bool = False) -> Any:
        return _sel.nonzero(self, as_tuple=as_tuple)

    def argwhere(self) -> Tensor:
        return _sel.argwhere(self)

    def repeat_interleave(self, repeats: Any = None, dim: Any = None, *,
                          output_size: Any = None) -> Tensor:  # fmt: skip
        return _sel.repeat_interleave(self, repeats, dim, output_size=output_size)

    def broadcast_to(self, size: Any) -> Tensor:
        return _sel.broadcast_to(self, size)

    def diff(self, n: int = 1, dim: int = -1, prepend: Any = None, append: Any = None) -> Tensor:
        return _sel.diff(self, n, dim, prepend, append)

    def cross(self, other: Tensor, dim: Any = None) -> Tensor:
        return _sel.cross(self, other, dim)

    def cummax(self, dim: int) -> Any:
        return _sel.cummax(self, dim)

    def cummin(self, dim: int) -> Any:
        return _sel.cummin(self, dim)

    def kthvalue(self, k: int, dim: int = -1, keepdim: bool = False) -> Any:
        return _sel.kthvalue(self, k, dim, keepdim)

    def median(self, dim: Any = NOT_GIVEN, keepdim: Any = NOT_GIVEN) -> Any:
        return _sel.median(self, dim, keepdim)

    def mode(self, dim: int = -1, keepdim: bool = False) -> Any:
        return _sel.mode(self, dim, keepdim)

    def unique(self, sorted: bool = True, return_inverse: bool = False,
               return_counts: bool = False, dim: Any = None) -> Any:  # fmt: skip
        return _sel.unique(self, sorted, return_inverse, return_counts, dim)

    def count_nonzero(self, dim: Any = None) -> Tensor:
        return _sel.count_nonzero(self, dim)

    def logical_and(self, other: Tensor) -> Tensor:
        return _sel.logical_and(self, other)

    def logical_or(self, other: Tensor) -> Tensor:
        return _sel.logical_or(self, other)

    def logical_xor(self, other: Tensor) -> Tensor:
        return _sel.logical_xor(self, other)

    def logical_not(self) -> Tensor:
        return _sel.logical_not(self)

    def isclose(self, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
                equal_nan: bool = False) -> Tensor:  # fmt: skip
        return _sel.isclose(self, other, rtol, atol, equal_nan)

    def equal(self, other: Tensor) -> bool:
        return _sel.equal(self, other)

    def isneginf(self) -> Tensor:
        return _sel.isneginf(self)

    def isposinf(self) -> Tensor:
        return _sel.isposinf(self)

    def signbit(self) -> Tensor:
        return _sel.signbit(self)

    # ---- PyTorch's other names for ops above, and flips, rotations, products ----------
    absolute = abs
    absolute_ = abs_
    negative = neg
    negative_ = neg_
    multiply = mul
    multiply_ = mul_
    subtract = sub
    subtract_ = sub_
    divide = div
    true_divide = div
    fix = trunc
    fix_ = trunc_
    clip_ = clamp_
    ndimension = dim

    def divide_(self, other: Any, *, rounding_mode: str | None = None) -> Tensor:
        return _inplace.op_(self, "div_", lambda t, o: t.div(o, rounding_mode=rounding_mode), other)

    def true_divide_(self, other: Any) -> Tensor:
        return self.div_(other)

    def greater(self, other: Any) -> Tensor:
        return _ops.gt(self, other)

    def greater_equal(self, other: Any) -> Tensor:
        return _ops.ge(self, other)

    def less(self, other: Any) -> Tensor:
        return _ops.lt(self, other)

    def less_equal(self, other: Any) -> Tensor:
        return _ops.le(self, other)

    def not_equal(self, other: Any) -> Tensor:
        return _ops.ne(self, other)

    def fliplr(self) -> Tensor:
        return _more.fliplr(self)

    def flipud(self) -> Tensor:
        return _more.flipud(self)

    def rot90(self, k: int = 1, dims: Any = (0, 1)) -> Tensor:
        return _more.rot90(self, k, dims)

    def inner(self, other: Tensor) -> Tensor:
        return _more.inner(self, other)

    def ger(self, vec2: Tensor) -> Tensor:
        return _more.outer(self, vec2)

    def vdot(self, other: Tensor) -> Tensor:
        return _more.vdot(self, other)

    def kron(self, other: Tensor) -> Tensor:
        return _more.kron(self, other)

    # ---- method forms of extra_ops.py's functions -------------------------------------
    def arccos(self) -> Tensor:
        return _more.acos(self)

    def arccosh(self) -> Tensor:
        return _more.acosh(self)

    def arcsin(self) -> Tensor:
        return _more.asin(self)

    def arcsinh(self) -> Tensor:
        return _more.asinh(self)

    def arctan(self) -> Tensor:
        return _more.atan(self)

    def arctanh(self) -> Tensor:
        return _more.atanh(self)

    def arctan2(self, other: Tensor) -> Tensor:
        return _more.atan2(self, other)

    def positive(self) -> Tensor:
        return _extra.positive(self)

    def bernoulli(self, p: Any = None, *, generator: Any = None) -> Tensor:
        return _extra.bernoulli(self, p, generator=generator)

    def multinomial(self, num_samples: int, replacement: bool = False, *,
                    generator: Any = None) -> Tensor:  # fmt: skip
        return _extra.multinomial(self, num_samples, replacement, generator=generator)

    def bincount(self, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
        return _extra.bincount(self, weights, minlength)

    # ---- method forms of linalg_torch.py's functions ----------------------------------
    def det(self) -> Tensor:
        return _lt.det(self)

    def inverse(self) -> Tensor:
        return _lt.inverse(self)

    def logdet(self) -> Tensor:
        return _lt.logdet(self)

    def slogdet(self) -> tuple:
        return _lt.slogdet(self)

    def cholesky(self, upper: bool = False) -> Tensor:
        return _lt.cholesky(self, upper)

    def cholesky_solve(self, input2: Tensor, upper: bool = False) -> Tensor:
        return _lt.cholesky_solve(self, input2, upper)

    def cholesky_inverse(self, upper: bool = False) -> Tensor:
        return _lt.cholesky_inverse(self, upper)

    def qr(self, some: bool = True) -> tuple:
        return _lt.qr(self, some)

    def svd(self, some: bool = True, compute_uv: bool = True) -> tuple:
        return _lt.svd(self, some, compute_uv)

    def pinverse(self, rcond: float = 1e-15) -> Tensor:
        return _lt.pinverse(self, rcond)

    def matrix_power(self, n: int) -> Tensor:
        return _lt.matrix_power(self, n)

    def matrix_exp(self) -> Tensor:
        return _lt.matrix_exp(self)

    def triangular_solve(self, A: Tensor, upper: bool = True, transpose: bool = False,
                         unitriangular: bool = False) -> tuple:  # fmt: skip
        return _lt.triangular_solve(self, A, upper, transpose, unitriangular)

    def lu_solve(self, LU_data: Tensor, LU_pivots: Tensor) -> Tensor:
        return _lt.lu_solve(self, LU_data, LU_pivots)

    def lu(self, pivot: bool = True, get_infos: bool = False) -> tuple:
        return _lt.lu(self, pivot, get_infos)

    def geqrf(self) -> tuple:
        return _lt.geqrf(self)

    def orgqr(self, input2: Tensor) -> Tensor:
        return _lt.orgqr(self, input2)

    def ormqr(self, input2: Tensor, input3: Tensor, left: bool = True,
              transpose: bool = False) -> Tensor:  # fmt: skip
        return _lt.ormqr(self, input2, input3, left, transpose)

    def copysign(self, other: Any) -> Tensor:
        return _extra.copysign(self, other)

    def heaviside(self, values: Tensor) -> Tensor:
        return _extra.heaviside(self, values)

    def diag_embed(self, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
        return _extra.diag_embed(self, offset, dim1, dim2)

    def diagflat(self, offset: int = 0) -> Tensor:
        return _extra.diagflat(self, offset)

    def nansum(self, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
        return _extra.nansum(self, dim, keepdim, dtype=dtype)

    def nanmean(self, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
        return _extra.nanmean(self, dim, keepdim, dtype=dtype)

    def dist(self, other: Any, p: Any = 2) -> Tensor:
        return _extra.dist(self, other, p)

    # ---- filled in place with random numbers, or a diagonal (as nn.init does) ---------
    def uniform_(self, from_: float = 0.0, to: float = 1.0, *, generator: Any = None) -> Tensor:
        """Each element drawn from U[from, to)."""
        if from_ > to:
            raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found "
                               f"from={from_} > to={to}")  # fmt: skip
        gen = _random.generator(generator, "uniform_")
        return self._refill("uniform_", "check_uniform_bounds",
                            lambda n, dt: _rk.uniform(gen, n, dt, from_, to))  # fmt: skip

    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator: Any = None) -> Tensor:
        """Each element drawn from N(mean, std²)."""
        if not std >= 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        gen = _random.generator(generator, "normal_")
        contiguous = self.data.flags.c_contiguous
        fill = lambda n, dt: _rk.normal(gen, n, dt, mean, std, contiguous)  # noqa: E731
        return self._refill("normal_", "normal_kernel_cpu", fill)

    def exponential_(self, lambd: float = 1.0, *, generator: Any = None) -> Tensor:
        """Each element drawn from Exp(lambd) (mean 1 / lambd)."""
        if not lambd > 0:
            raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
        gen = _random.generator(generator, "exponential_")
        return self._refill("exponential_", "exponential",
                            lambda n, dt: _rk.exponential(gen, n, lambd))  # fmt: skip

    def cauchy_(self, median: float = 0.0, sigma: float = 1.0, *, generator: Any = None) -> Tensor:
        """Each element drawn from Cauchy(median, sigma): median + sigma tan(π (u - 1/2))."""
        if not sigma > 0:
            raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma}")
        gen = _random.generator(generator, "cauchy_")
        return self._refill("cauchy_", "cauchy", lambda n, dt: _rk.cauchy(gen, n, median, sigma))

    def log_normal_(self, mean: float = 1.0, std: float = 2.0, *,
                    generator: Any = None) -> Tensor:  # fmt: skip
        """Each element exp(y), y drawn from N(mean, std²)."""
        if not std > 0:
            raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std}")
        gen = _random.generator(generator, "log_normal_")
        return self._refill("log_normal_", "log_normal",
                            lambda n, dt: _rk.log_normal(gen, n, mean, std))  # fmt: skip

    def geometric_(self, p: float, *, generator: Any = None) -> Tensor:
        """Each element the number of Bernoulli(p) trials up to the first success (>= 1)."""
        if not 0 < p < 1:
            raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p}")
        gen = _random.generator(generator, "geometric_")
        return self._refill("geometric_", None, lambda n, dt: _rk.geometric(gen, n, p))

    def apply_(self, callable: Callable) -> Tensor:
        """Each element replaced in place by ``callable(element)`` (a Python number)."""
        return self._map("apply_", lambda X: [callable(v) for v in X.reshape(-1).tolist()])

    def map_(self, tensor: Tensor, callable: Callable) -> Tensor:
        """Each element replaced in place by ``callable(element, tensor's element)``, tensor
        broadcast to this one's shape."""
        other = _broadcast_values("map_", _ops.as_tensor(tensor), self.data.shape)
        return self._map(
            "map_", lambda X: [callable(a, b) for a, b in zip(X.reshape(-1).tolist(), other)]
        )

    def _map(self, name: str, values: Callable) -> Tensor:
        """apply_ and map_: Python functions, so outside the graph (PyTorch's refusal)."""
        if self._requires_grad:
            raise RuntimeError(f"Can't call {name}() on Variable that requires grad. Use "
                               f"var.detach().{name}() instead.")  # fmt: skip
        new = np.array(values(self.data), self.data.dtype).reshape(self.data.shape)
        return self.copy_(Tensor._new(new))

    def bernoulli_(self, p: Any = 0.5, *, generator: Any = None) -> Tensor:
        """Each element 1 with probability p (a number, or a Tensor broadcast to this one's
        shape), else 0, in this tensor's dtype."""
        P = p.data if isinstance(p, Tensor) else p
        if not np.all((np.asarray(P) >= 0) & (np.asarray(P) <= 1)):
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
        gen = _random.generator(generator, "bernoulli_")
        if isinstance(P, np.ndarray):  # p's elements in the order this tensor's are filled
            P = _rk.in_fill_order(np.broadcast_to(P, self.shape), self.data)
        return self._refill("bernoulli_", None, lambda n, dt: _rk.bernoulli(gen, n, P))

    def random_(self, *bounds: Any, to: Any = None, generator: Any = None) -> Tensor:
        """Each element drawn uniformly from the integers in [from, to): ``random_(to)``,
        ``random_(from, to)``; without ``to``, from 0 up to the largest integer the dtype
        holds exactly (2^mantissa for a float dtype), as PyTorch."""
        if len(bounds) > 2 or (len(bounds) == 2 and to is not None):
            raise TypeError("random_(): expected random_(), random_(to) or random_(from, to)")
        if len(bounds) == 2:
            low, high = bounds
        elif len(bounds) == 1:
            low, high = (0, bounds[0]) if to is None else (bounds[0], to)
        else:
            low, high = 0, to
        for name, v in (("from", low), ("to", high)):
            if v is not None and (not isinstance(v, (int, np.integer)) or isinstance(v, bool)):
                raise TypeError(f"random_(): argument '{name}' must be int, not {type(v).__name__}")
        dt = self.data.dtype
        if dt.kind == "b":
            top = 1
        elif dt.kind == "f":
            top = 2 ** (np.finfo(dt).nmant + 1)
        else:
            top = int(np.iinfo(dt).max)
        last = top if high is None else high - 1  # the largest value drawn
        if low > last:
            raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} "
                               f">= to={high}")  # fmt: skip
        if dt.kind in "iub":
            if low < (0 if dt.kind == "b" else np.iinfo(dt).min):
                raise RuntimeError(f"random_: from is out of bounds for {dtypes.torch_name(dt)}")
            if last > top:
                raise RuntimeError(f"random_: to - 1 is out of bounds for {dtypes.torch_name(dt)}")
        gen = _random.generator(generator, "random_")
        if not bounds and to is None:
            return self._refill("random_", None, lambda n, dt: _rk.full_range(gen, n, dt))
        return self._refill("random_", None, lambda n, dt: _rk.integers(gen, n, low, last + 1))

    def fill_diagonal_(self, fill_value: Any, wrap: bool = False) -> Tensor:
        """``fill_value`` on the main diagonal (all dims of equal length beyond 2-d; a tall
        matrix with ``wrap`` starts again after a row's gap, as NumPy's fill_diagonal)."""
        if self.ndim < 2:
            raise RuntimeError("fill_diagonal_: dimensions must larger than 1")
        if self.ndim > 2 and len(set(self.shape)) > 1:
            raise RuntimeError(f"fill_diagonal_: all dimensions of input must be of equal length, "
                               f"got {self.shape}")  # fmt: skip

        diagonal = np.zeros(self.shape, bool)
        np.fill_diagonal(diagonal, True, wrap=wrap)
        # a masked fill: the gradient of the old values off the diagonal survives, as PyTorch's
        return _inplace.masked_fill_(self, Tensor._new(diagonal), fill_value, "fill_diagonal_")

    def _refill(self, name: str, kernel: str | None, values: Callable) -> Tensor:
        """The tensor's elements replaced in place by ``values(n, dtype)`` (n of them, in the
        order of the tensor's memory, as PyTorch's kernels fill it), as ``copy_`` does (a leaf
        that requires grad refuses outside no_grad; in a graph, the old values get no
        gradient). ``kernel``: PyTorch's, which takes floating dtypes only."""
        kind = self.data.dtype.kind
        if (
            kernel is not None
            and kind != "f"
            and not (kind == "c" and kernel in _factories.COMPLEX_KERNELS)
        ):
            if name == "exponential_":
                raise RuntimeError("Exponential distribution is a continuous probability "
                                   f"distribution. dtype must be a floating point but you "
                                   f"specified {self.data.dtype}")  # fmt: skip
            dtype = dtypes.torch_name(self.data.dtype)
            raise NotImplementedError(f"\"{kernel}\" not implemented for '{dtype}' ({name})")
        _inplace._check_leaf(self, name)
        _inplace._check_writable(self, name)  # before drawing, so a refusal draws nothing
        X = self.data
        new = _rk.place(_rk.via_float(np.asarray(values(X.size, X.dtype)), X.dtype), X)
        return self.copy_(Tensor._new(new))

    # ---- new tensors like this one: its dtype unless told ----------------------------
    def new_zeros(self, *sizes: Any, size: Any = None, dtype: Any = None, device: Any = None,
                  requires_grad: bool = False) -> Tensor:  # fmt: skip
        return _factories.zeros(size=_new_size("new_zeros", sizes, size), dtype=_own(self, dtype),
                                device=device, requires_grad=requires_grad)  # fmt: skip

    def new_empty(self, *sizes: Any, size: Any = None, dtype: Any = None, device: Any = None,
                  requires_grad: bool = False) -> Tensor:  # fmt: skip
        """As new_zeros (PyTorch leaves the values unspecified; here they are 0)."""
        return _factories.zeros(size=_new_size("new_empty", sizes, size), dtype=_own(self, dtype),
                                device=device, requires_grad=requires_grad)  # fmt: skip

    def new_ones(self, *sizes: Any, size: Any = None, dtype: Any = None, device: Any = None,
                 requires_grad: bool = False) -> Tensor:  # fmt: skip
        return _factories.ones(size=_new_size("new_ones", sizes, size), dtype=_own(self, dtype),
                               device=device, requires_grad=requires_grad)  # fmt: skip

    def new_full(self, size: Any, fill_value: Any, *, dtype: Any = None, device: Any = None,
                 requires_grad: bool = False) -> Tensor:  # fmt: skip
        return _factories.full(size, fill_value, dtype=_own(self, dtype), device=device,
                               requires_grad=requires_grad)  # fmt: skip

    def new_tensor(self, data: Any, dtype: Any = None, device: Any = None,
                   requires_grad: bool = False) -> Tensor:  # fmt: skip
        """A copy of ``data`` in this tensor's dtype (or ``dtype``): a new leaf."""
        if isinstance(data, Tensor):
            _factories.warn_copy_construct("tensor.new_tensor")
            data = data.data  # (tensor() would warn again, naming itself)
        return _factories.tensor(data, dtype=_own(self, dtype), device=device,
                                 requires_grad=requires_grad)  # fmt: skip

    def type_as(self, other: Tensor) -> Tensor:
        """This tensor cast to ``other``'s dtype (itself if it has it already). ``other`` may be
        a tensor's ``.data``, its array here, as in ``ones(1, 1).type_as(src.data)``."""
        if isinstance(other, np.ndarray):
            return _ops.to(self, other.dtype)
        check_tensor("type_as", "other", other)
        return _ops.to(self, other.data.dtype)


def _own(t: Tensor, dtype: Any) -> Any:
    """The dtype of a ``new_*`` tensor: t's unless given."""
    return t.data.dtype if dtype is None else dtype


def zero_grads(params: Iterable[Tensor], set_to_none: bool) -> None:
    """What Module.zero_grad and Optimizer.zero_grad do: each parameter's ``.grad`` to None,
    or to zeros in place (a gradient in a graph is detached in place first, as in PyTorch:
    it stays the same tensor)."""
    for p in params:
        if p._grad is None:
            continue
        if set_to_none:
            p._grad = None
            continue
        if p._grad._requires_grad:
            if p._grad._node is None:
                p._grad.requires_grad_(False)
            else:
                p._grad.detach_()
        p._grad.zero_()


def _sizes_or_keyword(op: str, name: str, sizes: tuple, keyword: Any) -> tuple:
    """A shape given as arguments (``x.view(2, 3)``, ``x.view((2, 3))``) or by keyword
    (``x.view(size=(2, 3))``, as PyTorch takes it), not both and not neither."""
    if keyword is NOT_GIVEN:
        if not sizes:  # x.view(()) is a 0-d tensor; x.view() is a mistake
            raise TypeError(f'{op}() missing 1 required positional argument: "{name}"')
        return sizes
    if sizes:
        raise TypeError(f"{op}() got multiple values for argument '{name}'")
    return (keyword,)


def _new_size(op: str, sizes: tuple, size: Any) -> tuple:
    """new_zeros' and new_ones' size: required, as ints, one sequence or ``size=``."""
    if size is not None:
        return size_arg((size,), op)
    _more._required(op, "size", sizes)
    return size_arg(sizes, op)


# the ufunc of ``a <op> t`` and the method of t that computes it
_REFLECTED = {np.add: "__radd__", np.subtract: "__rsub__", np.multiply: "__rmul__",
              np.true_divide: "__rtruediv__", np.floor_divide: "__rfloordiv__",
              np.remainder: "__rmod__", np.power: "__rpow__", np.matmul: "__rmatmul__",
              np.bitwise_and: "__rand__", np.bitwise_or: "__ror__", np.bitwise_xor: "__rxor__",
              np.left_shift: "__rlshift__", np.right_shift: "__rrshift__", np.less: "__gt__",
              np.greater: "__lt__", np.less_equal: "__ge__", np.greater_equal: "__le__",
              np.equal: "__eq__", np.not_equal: "__ne__"}  # fmt: skip

# PyTorch's (CPU) tensor type names, which ``Tensor.type()`` returns and takes
_TYPE_NAMES = {k: f"torch.{dtypes.torch_name(k)}Tensor"
               for k in (*dtypes.TORCH_NAMES, "uint16", "uint32", "uint64")}  # fmt: skip
_TYPE_DTYPES = {v: np.dtype(k) for k, v in _TYPE_NAMES.items()}


class TensorType(type):
    """The type of ``mg.FloatTensor``, ``mg.LongTensor``, ...: PyTorch's legacy tensor types.
    Calling one is ``Tensor(...)`` in its dtype (``LongTensor([1.5])`` is ``tensor([1])``);
    a Tensor of that dtype is an instance of it; ``t.type(FloatTensor)`` converts to it.
    A Tensor argument must already have the dtype (PyTorch's TypeError otherwise)."""

    dtype: np.dtype

    def __call__(cls, *args: Any) -> Tensor:
        if len(args) == 1 and isinstance(args[0], Tensor) and args[0].data.dtype != cls.dtype:
            raise TypeError(
                f"{cls.__name__}(): expected dtype {dtypes.torch_name(cls.dtype)} "
                f"(got {dtypes.torch_name(args[0].data.dtype)})"
            )
        return Tensor(*args, dtype=cls.dtype)

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, Tensor) and obj.data.dtype == cls.dtype

    def __repr__(cls) -> str:
        return f"<class 'minigrad.{cls.__name__}'>"


# (PyTorch has no ComplexFloatTensor)
(BoolTensor, ByteTensor, CharTensor, ShortTensor, IntTensor, LongTensor, HalfTensor, FloatTensor,
 DoubleTensor) = (TensorType(f"{name}Tensor", (), {"dtype": np.dtype(numpy_name)})
                  for numpy_name, name in dtypes.TORCH_NAMES.items()
                  if "complex" not in numpy_name)  # fmt: skip

from . import autograd as _autograd  # noqa: E402
from . import extra_ops as _extra  # noqa: E402
from . import factories as _factories  # noqa: E402
from . import inplace as _inplace  # noqa: E402
from . import linalg_torch as _lt  # noqa: E402
from . import more_ops as _more  # noqa: E402
from . import ops as _ops  # noqa: E402
from . import random as _random  # noqa: E402
from . import random_kernels as _rk  # noqa: E402
from . import select_ops as _sel  # noqa: E402
from . import special as _special  # noqa: E402
from .engine import (  # noqa: E402
    Output,
    _late_imports,
    complex_autograd_error,
    grad_accumulator,
    short_name,
)
from .nn import activation_ops as _activation  # noqa: E402
from .numpy_names import accept_in_class  # noqa: E402

_late_imports()
accept_in_class(Tensor)  # x.sum(axis=0, keepdims=True), as PyTorch takes it
