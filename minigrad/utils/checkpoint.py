"""``torch.utils.checkpoint`` for programs that use it: activation checkpointing trades
compute for memory by running a segment again in backward instead of keeping its
activations. minigrad runs the segment once and keeps them, as an unchecked call would:
the results and gradients are the same, only the memory saving is not there."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable
from typing import Any

from ..grad_mode import no_grad
from ..tensor import Tensor


def noop_context_fn() -> tuple:
    return contextlib.nullcontext(), contextlib.nullcontext()


def _check_reentrant(name: str, use_reentrant: bool | None, kwargs: dict) -> None:
    if use_reentrant is None:
        warnings.warn(f"{name}: the use_reentrant parameter should be passed explicitly. "
                      "use_reentrant=False is recommended.", UserWarning,
                      stacklevel=3)  # fmt: skip
    if use_reentrant and kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))


def checkpoint(function: Callable, *args: Any, use_reentrant: bool | None = None,
               context_fn: Callable = noop_context_fn, determinism_check: str = "default",
               debug: bool = False, early_stop: bool = True, **kwargs: Any) -> Any:  # fmt: skip
    """``function(*args, **kwargs)`` (keyword arguments only with ``use_reentrant=False``),
    run inside ``context_fn()``'s forward context. Reentrant (the default), with no input
    that requires grad, PyTorch's output requires none either (it warns): so here, it runs
    under no_grad."""
    _check_reentrant("torch.utils.checkpoint", use_reentrant, kwargs)
    if use_reentrant is not False and not any(
        isinstance(a, Tensor) and a.requires_grad for a in args
    ):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None",
                      UserWarning, stacklevel=2)  # fmt: skip
        with no_grad(), context_fn()[0]:
            return function(*args, **kwargs)
    with context_fn()[0]:
        return function(*args, **kwargs)


def checkpoint_sequential(functions: Any, segments: int, input: Any,
                          use_reentrant: bool | None = None, **kwargs: Any) -> Any:  # fmt: skip
    """``functions`` (a Sequential or a list of modules) applied to ``input`` in turn, in
    ``segments`` groups as PyTorch's: each group but the last through ``checkpoint`` (so,
    reentrant, a group whose input requires no grad runs under no_grad)."""
    _check_reentrant("torch.utils.checkpoint.checkpoint_sequential", use_reentrant, kwargs)
    functions = list(functions.children()) if hasattr(functions, "children") else functions
    size = len(functions) // segments
    end = -1
    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        group = functions[start : end + 1]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # the warning was given above
            input = checkpoint(_run(group), input, use_reentrant=use_reentrant is not False)
    return _run(functions[end + 1 :])(input)


def _run(functions: list) -> Callable:
    def run(x: Any) -> Any:
        for f in functions:
            x = f(x)
        return x

    return run


__all__ = ["checkpoint", "checkpoint_sequential", "noop_context_fn"]
