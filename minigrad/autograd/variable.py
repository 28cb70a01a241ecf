"""``Variable``: PyTorch's legacy wrapper, now a Tensor. ``Variable(t, requires_grad)``
is a new leaf over ``t``'s array (as ``t.detach().requires_grad_(requires_grad)``), and
every Tensor is an instance of ``Variable``."""

from __future__ import annotations

import warnings
from typing import Any

from ..errors import NotATensorError
from ..tensor import Tensor


class _VariableMeta(type):
    def __instancecheck__(cls, other: Any) -> bool:
        return isinstance(other, Tensor)


class Variable(metaclass=_VariableMeta):
    """Variable(data=None, requires_grad=False): a Tensor over ``data``'s array (an empty
    float tensor without data); ``volatile`` is ignored with PyTorch's warning."""

    def __new__(cls, data: Any = None, requires_grad: bool = False, volatile: Any = None) -> Any:
        if volatile is not None:
            warnings.warn(
                "volatile was removed and now has no effect. Use `with mg.no_grad():` instead.",
                stacklevel=2,
            )
        if data is None:
            data = Tensor()
        if not isinstance(data, Tensor):
            raise NotATensorError(
                f"Variable data has to be a tensor, but got {type(data).__name__}"
            )
        return data.detach().requires_grad_(requires_grad)
