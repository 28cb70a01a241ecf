"""Grad mode: whether operations are recorded for backward (thread-local, as PyTorch)."""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable, Generator
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _Mode(threading.local):
    grad = True  # grad mode, as is_grad_enabled() reports it
    inference = False
    enabled = True  # whether ops record: grad mode outside inference mode


_mode = _Mode()


def _set(grad: bool, inference: bool = False) -> None:
    _mode.grad, _mode.inference = grad, inference
    _mode.enabled = grad and not inference


def is_grad_enabled() -> bool:
    """True when grad mode is on (per thread): new operations are recorded in the graph,
    unless inference mode is on too."""
    return _mode.grad


class _GradModeContext:
    """Context manager and decorator that sets grad mode and restores it on exit.

    As a decorator, with or without parentheses (``@mg.no_grad`` or ``@mg.no_grad()``),
    it sets the mode for each call; for a generator function, for each step of the
    generator (as PyTorch), so that code around the generator keeps its own mode.
    """

    _target = True

    def __new__(cls, fn: Any = None) -> Any:
        if fn is None:
            return super().__new__(cls)
        return cls()(fn)  # the bare decorator: @mg.no_grad

    def __init__(self, fn: Any = None) -> None:
        self._prev: list[bool] = []

    def __enter__(self) -> None:
        self._prev.append(_mode.grad)
        _set(self._target, _mode.inference)

    def __exit__(self, *exc: object) -> None:
        _set(self._prev.pop(), _mode.inference)

    def _clone(self) -> _GradModeContext:
        return self.__class__()

    def __call__(self, fn: F) -> F:
        clone = self._clone
        if inspect.isgeneratorfunction(fn):

            @functools.wraps(fn)
            def generator(*args: Any, **kwargs: Any) -> Any:
                return _stepped(clone, fn(*args, **kwargs))

            return generator  # type: ignore[return-value]

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with clone():
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


def _stepped(context: Callable[[], Any], gen: Generator) -> Generator:
    """Run ``gen`` with each of its steps (send, throw, close) inside ``context()``."""
    with context():
        try:
            value = gen.send(None)
        except StopIteration as stop:
            return stop.value
    while True:
        try:
            request = yield value
        except GeneratorExit:
            with context():
                gen.close()
            raise
        except BaseException as e:
            step: Callable[[], Any] = functools.partial(gen.throw, e)
        else:
            step = functools.partial(gen.send, request)
        with context():
            try:
                value = step()
            except StopIteration as stop:
                return stop.value


class no_grad(_GradModeContext):
    """Record nothing inside: ``with mg.no_grad(): ...``, ``@mg.no_grad()`` or ``@mg.no_grad``."""

    _target = False


class enable_grad(_GradModeContext):
    """Record operations again inside a ``no_grad`` region."""

    _target = True


class set_grad_enabled(_GradModeContext):
    """Set grad mode to ``mode`` now (PyTorch's semantics: the call itself sets it); as a
    context manager, set it on entry and restore the mode found at the call on exit."""

    def __new__(cls, mode: bool) -> Any:
        return object.__new__(cls)

    def __init__(self, mode: bool) -> None:
        if not isinstance(mode, bool):
            raise TypeError(
                f"set_grad_enabled(): argument 'enabled' must be bool, not {type(mode).__name__}"
            )
        self._target = mode
        self._before = _mode.grad
        _set(mode, _mode.inference)

    def __enter__(self) -> None:
        _set(self._target, _mode.inference)

    def __exit__(self, *exc: object) -> None:
        _set(self._before, _mode.inference)

    def _clone(self) -> _GradModeContext:
        return set_grad_enabled(self._target)

    def __call__(self, fn: F) -> F:
        _set(self._before, _mode.inference)  # as a decorator it sets the mode only inside calls
        return super().__call__(fn)


class inference_mode(_GradModeContext):
    """Record nothing inside, not even under ``enable_grad()``; grad mode is off inside.
    ``inference_mode(False)`` turns grad mode back on, as PyTorch's does, even inside
    ``no_grad``.

    Divergence: PyTorch also marks the tensors made inside as inference tensors, which
    autograd then refuses to save; here they are plain tensors that require no grad.
    """

    def __new__(cls, mode: Any = True) -> Any:
        if callable(mode):  # the bare decorator: @mg.inference_mode
            return cls()(mode)
        return object.__new__(cls)

    def __init__(self, mode: Any = True) -> None:
        super().__init__()
        self._mode = bool(mode)

    def __enter__(self) -> None:
        self._prev.append((_mode.grad, _mode.inference))
        _set(not self._mode, self._mode)

    def __exit__(self, *exc: object) -> None:
        _set(*self._prev.pop())

    def _clone(self) -> _GradModeContext:
        return inference_mode(self._mode)


def is_inference_mode_enabled() -> bool:
    """True inside ``inference_mode()``."""
    return _mode.inference
