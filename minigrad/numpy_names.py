"""NumPy's ``axis=`` and ``keepdims=`` for ``dim=`` and ``keepdim=``, as PyTorch's argument
parser takes them (``x.sum(axis=0, keepdims=True)``): one wrapper, put on every Tensor method
and ``minigrad`` function that has a ``dim`` or ``keepdim`` parameter when the package is
imported. Calls that do not use the NumPy names pass straight through."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

_ALIASES = (("axis", "dim"), ("keepdims", "keepdim"))


def _takes_dim(f: Any) -> bool:
    try:
        params = inspect.signature(f).parameters
    except (TypeError, ValueError):
        return False
    return "dim" in params or "keepdim" in params


def accept(f: Callable) -> Callable:
    """f, also taking ``axis=`` for ``dim=`` and ``keepdims=`` for ``keepdim=``."""

    @functools.wraps(f)
    def call(*args: Any, **kwargs: Any) -> Any:
        if kwargs:
            for numpy_name, name in _ALIASES:
                if numpy_name in kwargs:
                    if name in kwargs:
                        raise TypeError(
                            f"{f.__name__}() got both '{name}' and its alias '{numpy_name}'"
                        )
                    kwargs[name] = kwargs.pop(numpy_name)
        return f(*args, **kwargs)

    return call


def accept_in_class(cls: type) -> None:
    """Wrap every method of ``cls`` that has a ``dim`` or ``keepdim`` parameter."""
    for name, attr in list(vars(cls).items()):
        if inspect.isfunction(attr) and not name.startswith("_") and _takes_dim(attr):
            setattr(cls, name, accept(attr))


def accept_in_namespace(namespace: dict) -> None:
    """Wrap every public function in ``namespace`` that has a ``dim`` or ``keepdim``
    parameter (a module's globals)."""
    for name, attr in list(namespace.items()):
        if inspect.isfunction(attr) and not name.startswith("_") and _takes_dim(attr):
            namespace[name] = accept(attr)
