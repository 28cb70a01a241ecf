"""``torch.compile``: there is no compiler here, so a compiled model computes exactly what
its Python does, as PyTorch's compiled code must. A Module comes back wrapped as PyTorch
wraps it (``OptimizedModule``, the original as ``_orig_mod``: its state_dict keys start
with ``_orig_mod.``); a function comes back as it is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .nn.module import Module


class OptimizedModule(Module):
    """A compiled Module: calls the original, whose attributes it also shows."""

    def __init__(self, mod: Module) -> None:
        super().__init__()
        self._orig_mod = mod

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        return self._orig_mod(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        try:
            return super().__getattr__(name)
        except AttributeError:
            return getattr(self.__dict__["_modules"]["_orig_mod"], name)

    # attribute writes and deletions go to the original too, as PyTorch's (but its own)
    def __setattr__(self, name: str, value: Any) -> None:
        if name in _OWN or "_modules" not in self.__dict__:
            super().__setattr__(name, value)
        else:
            setattr(self._orig_mod, name, value)

    def __delattr__(self, name: str) -> None:
        if name in _OWN:
            super().__delattr__(name)
        else:
            delattr(self._orig_mod, name)

    def __len__(self) -> int:
        return len(self._orig_mod)


_OWN = frozenset({"_orig_mod", "forward", "training"})  # the wrapper's own attributes


def compile(
    model: Callable | None = None,
    *,
    fullgraph: bool = False,
    dynamic: bool | None = None,
    backend: Any = None,
    mode: str | None = None,
    options: dict | None = None,
    name: str | None = None,
    disable: bool = False,
    **kwargs: Any,
) -> Any:
    """``model`` as PyTorch's compile returns it (see the module docstring); without a
    model, a decorator that compiles the function it gets."""
    if mode is not None and options is not None:
        raise RuntimeError(
            "Either mode or options can be specified, but both can't be specified at the same time."
        )
    if model is None:
        return lambda fn: compile(fn, disable=disable)
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    if disable or not isinstance(model, Module):
        return model
    return OptimizedModule(model)
