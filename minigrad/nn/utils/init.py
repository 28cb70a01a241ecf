"""``nn.utils.skip_init``: build a module without (observably) initialising it."""

from __future__ import annotations

import inspect
from typing import Any

from ...random import get_rng_state, set_rng_state
from ..module import Module

__all__ = ["skip_init"]


def skip_init(module_cls: type, *args: Any, **kwargs: Any) -> Module:
    """``module_cls(*args, **kwargs)`` whose parameters and buffers hold unspecified values
    (PyTorch's are ``torch.empty``'s). PyTorch builds it on the "meta" device, drawing no
    random numbers; minigrad has no meta device, so it runs the initialisation and then
    restores the random state: the values are the initialisation's, but the draws that
    follow are those that would have followed without it. As PyTorch, the class must take
    a ``device`` argument."""
    if not (isinstance(module_cls, type) and issubclass(module_cls, Module)):
        raise RuntimeError(f"Expected a Module; got {module_cls}")
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    state = get_rng_state()
    try:
        return module_cls(*args, **kwargs)
    finally:
        set_rng_state(state)
