"""Grad mode: whether operations are recorded for backward (thread-local, as PyTorch)."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _Mode(threading.local):
    enabled = True


_mode = _Mode()


def is_grad_enabled() -> bool:
    """True when new operations are recorded in the graph (per thread)."""
    return _mode.enabled


class _GradModeContext:
    """Context manager and decorator that sets grad mode and restores it on exit."""

    _target = True

    def __init__(self) -> None:
        self._prev: list[bool] = []

    def __enter__(self) -> None:
        self._prev.append(_mode.enabled)
        _mode.enabled = self._target

    def __exit__(self, *exc: object) -> None:
        _mode.enabled = self._prev.pop()

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.__class__():
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(_GradModeContext):
    """Record nothing inside: ``with mg.no_grad(): ...`` or ``@mg.no_grad()``."""

    _target = False


class enable_grad(_GradModeContext):
    """Record operations again inside a ``no_grad`` region."""

    _target = True


class set_grad_enabled:
    """Set grad mode now; used as a context manager, restore the previous mode on exit."""

    def __init__(self, mode: bool) -> None:
        self._prev = _mode.enabled
        _mode.enabled = bool(mode)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        _mode.enabled = self._prev
