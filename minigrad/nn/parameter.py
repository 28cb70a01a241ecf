"""``nn.Parameter``: a Tensor that a Module registers as one of its parameters."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes
from ..device import check as check_device
from ..device import dtype_of_to
from ..dtypes import get_default_dtype
from ..errors import NotATensorError
from ..tensor import Tensor, as_array, check_bool


class Parameter(Tensor):
    """A leaf Tensor with ``requires_grad=True`` that ``Module.__setattr__`` registers.

    ``Parameter(t)`` shares ``t``'s array and version counter, as in PyTorch; an ndarray
    is taken as ``mg.from_numpy`` takes it, other data refused (as PyTorch refuses it).
    ``Parameter()`` is an empty float tensor.
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        check_bool("Parameter", "requires_grad", requires_grad)
        if data is None:
            data = np.empty(0, get_default_dtype())
        elif not isinstance(data, (Tensor, np.ndarray)):  # PyTorch calls data.detach()
            raise NotATensorError(
                f"Parameter: data must be a Tensor, not {type(data).__name__} "
                "(wrap it: nn.Parameter(mg.tensor(data)))"
            )
        _share(self, data)
        self.requires_grad = requires_grad  # checks that the dtype can require grad

    def __deepcopy__(self, memo: dict) -> Parameter:
        """A Parameter (of this one's class) over a copy of the array, without .grad (as
        PyTorch's)."""
        p = type(self)(self.data.copy(), self.requires_grad)
        memo[id(self)] = p
        return p

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


def _share(t: Tensor, data: Tensor | np.ndarray) -> None:
    """Make t a leaf over data's array, sharing its version counter."""
    t.data = as_array(data, copy=False)
    t._grad = t._node = t._views = t._hooks = None
    t._version = data._version if isinstance(data, Tensor) else [0]
    t._requires_grad = False


class Buffer(Tensor):
    """A Tensor that a Module registers as a buffer when it is assigned as an attribute
    (``self.count = nn.Buffer(t, persistent=False)``), in ``state_dict`` if ``persistent``.

    ``Buffer(t)`` is ``t`` detached (sharing its array and version counter) with ``t``'s
    ``requires_grad``, as PyTorch's; ``Buffer()`` is an empty float tensor.
    """

    __slots__ = ("persistent",)

    def __init__(self, data: Tensor | None = None, *, persistent: bool = True) -> None:
        if data is None:
            data = Tensor._new(np.empty(0, get_default_dtype()))
        elif not isinstance(data, Tensor):  # PyTorch calls data.detach()
            raise NotATensorError(f"Buffer: data must be a Tensor, not {type(data).__name__}")
        _share(self, data)
        self._requires_grad = data._requires_grad
        self.persistent = persistent

    def __reduce_ex__(self, protocol: Any) -> tuple:
        """Pickle and copy: the values, requires_grad and ``persistent``."""
        return _buffer, (self.data, self._requires_grad, self.persistent)

    def __deepcopy__(self, memo: dict) -> Buffer:
        copy = super().__deepcopy__(memo)
        copy.persistent = self.persistent
        return copy


def _buffer(data: np.ndarray, requires_grad: bool, persistent: bool) -> Buffer:
    buffer = Buffer(Tensor._new(data), persistent=persistent)
    buffer._requires_grad = requires_grad
    return buffer


_DATA = Tensor.__dict__["data"]  # the array slot, read past the Uninitialized* property


class UninitializedTensorMixin:
    """A tensor whose shape is not known yet (a lazy module's parameter or buffer): it has
    a dtype and ``requires_grad``, but any use of its values raises ``ValueError`` (its
    shape ``RuntimeError``) until ``materialize(shape)`` gives it an array (uninitialized,
    as ``torch.empty``'s) and makes it a ``cls_to_become``."""

    __slots__ = ()
    cls_to_become: type = Tensor

    def _start(self, requires_grad: bool, device: Any, dtype: Any) -> None:
        check_device(device)
        _DATA.__set__(self, np.empty(0, dtypes.or_default(dtype)))
        self._grad = self._node = self._views = self._hooks = None
        self._version = [0]
        self._requires_grad = requires_grad

    @property
    def data(self) -> np.ndarray:
        raise ValueError(
            f"Attempted to use an uninitialized parameter. This error happens when you are "
            f"using a `LazyModule` or explicitly manipulating `nn.parameter.{type(self).__name__}`"
            " objects. When using LazyModules Call `forward` with a dummy batch to initialize "
            "the parameters before calling minigrad functions"
        )

    @data.setter
    def data(self, value: np.ndarray) -> None:
        _DATA.__set__(self, value)

    @property
    def dtype(self) -> np.dtype:
        return _DATA.__get__(self).dtype

    @property
    def shape(self) -> Any:
        raise RuntimeError(
            "Can't access the shape of an uninitialized parameter or buffer. This error "
            "usually happens in `load_state_dict` when trying to load an uninitialized "
            "parameter into an initialized one. Call `forward` to initialize the parameters "
            "before accessing their attributes."
        )

    def materialize(self, shape: Any, device: Any = None, dtype: Any = None) -> None:
        """Give the tensor an (uninitialized) array of ``shape`` and become a
        ``cls_to_become``; ``dtype`` defaults to the tensor's own."""
        check_device(device)
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        _DATA.__set__(self, np.empty(shape, self.dtype if dtype is None else dtype))
        self.__class__ = self.cls_to_become

    def to(self, *args: Any, **kwargs: Any) -> Any:
        """A new uninitialized tensor of the dtype asked for (``to(dtype)``, ``to(device,
        dtype)``), as PyTorch allows before materializing."""
        dtype = dtype_of_to(args, kwargs)
        return type(self)(self._requires_grad, None, self.dtype if dtype is None else dtype)

    def detach(self) -> Any:
        return self  # what a lazy module's state_dict holds, as PyTorch's

    def __deepcopy__(self, memo: dict) -> Any:
        copy = type(self)(self._requires_grad, None, self.dtype)
        memo[id(self)] = copy
        return copy

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A parameter of a lazy module before its first forward; a Parameter once
    materialized."""

    __slots__ = ()
    cls_to_become = Parameter

    def __init__(self, requires_grad: bool = True, device: Any = None, dtype: Any = None) -> None:
        check_bool("UninitializedParameter", "requires_grad", requires_grad)
        self._start(requires_grad, device, dtype)


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """A buffer of a lazy module before its first forward; a Tensor once materialized.
    (``persistent`` is accepted for PyTorch's signature; ``register_buffer`` decides it.)"""

    __slots__ = ()
    cls_to_become = Tensor

    def __init__(
        self, requires_grad: bool = False, device: Any = None, dtype: Any = None,
        persistent: bool = True,
    ) -> None:  # fmt: skip
        check_bool("UninitializedBuffer", "requires_grad", requires_grad)
        self._start(requires_grad, device, dtype)


def is_lazy(param: Any) -> bool:
    """True for an uninitialized parameter or buffer."""
    return isinstance(param, UninitializedTensorMixin)
