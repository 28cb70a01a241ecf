"""``nn.Parameter``: a Tensor that a Module registers as one of its parameters."""

from __future__ import annotations

from typing import Any

import numpy as np

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
        self.data = as_array(data, copy=False)
        self._grad = None
        self._node = None
        self._version = data._version if isinstance(data, Tensor) else [0]
        self._views = None
        self._hooks = None
        self._requires_grad = False
        self.requires_grad = requires_grad  # checks that the dtype can require grad

    def __deepcopy__(self, memo: dict) -> Parameter:
        """A Parameter (of this one's class) over a copy of the array, without .grad (as
        PyTorch's)."""
        p = type(self)(self.data.copy(), self.requires_grad)
        memo[id(self)] = p
        return p

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
