"""In-place operations (``add_``, ``+=``, ...): they change a tensor's array itself.

Outside the graph (grad mode off, or nothing requires grad) they are one NumPy call
with ``out=``. Inside it, the tensor is rebased: the op is recorded out of place on
a copy of the old value, the result is written into the array, and the tensor
takes the new node as its ``grad_fn``. Each change stamps the tensor's version with
a fresh sequence number, so a backward that saved the old array raises instead of
using the new one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import ops
from .engine import next_seq
from .errors import OpError
from .grad_mode import _mode
from .tensor import Tensor


def _check_leaf(t: Tensor, name: str) -> None:
    if t._requires_grad and t.grad_fn is None and _mode.enabled:
        raise RuntimeError(
            f"{name}: a leaf Variable that requires grad is being used in an in-place operation."
        )


def _check_not_shared(t: Tensor, name: str) -> None:
    """Refuse to rebase a tensor whose memory a view shares.

    The change would reach the other tensor's values but not its ``grad_fn`` (PyTorch
    rewrites the base's graph; minigrad does not), so its gradients would be wrong.
    """
    if len(t._version) > 1 and t._version[1]:  # a view of t's memory is alive
        raise RuntimeError(
            f"{name}: in-place change of a tensor that shares memory with another (a view "
            "such as a slice, reshape or transpose, or the base of one) while it is part of "
            "the graph is not supported; use the out-of-place op (y = y * 2) or .clone() first"
        )


def _apply(t: Tensor, name: str, ufunc: Callable, other: Any, op: Callable) -> Tensor:
    if _mode.enabled:
        _check_leaf(t, name)
        if t._requires_grad or (isinstance(other, Tensor) and other._requires_grad):
            _check_not_shared(t, name)
            # the op may save its input (mul_ and div_ for the other's gradient, clamp_
            # for its mask): it gets the old values, since t's array is about to change
            old = Tensor._new(t.data.copy())
            old.grad_fn, old._requires_grad = t.grad_fn, t._requires_grad
            new = op(old, other)
            _write(t, name, new.data)
            t.grad_fn, t._requires_grad = new.grad_fn, True
            return t
    o = other.data if isinstance(other, Tensor) else other
    try:
        ufunc(t.data, o, out=t.data)
    except TypeError as e:  # NumPy's UFuncTypeError: the result cannot be cast to t's dtype
        raise RuntimeError(f"{name}: result type cannot be cast to {t.data.dtype}: {e}") from None
    except ValueError:
        raise OpError(
            f"{name}: shape {np.shape(o)} cannot be broadcast to the tensor's shape {t.data.shape}"
        ) from None
    t._version[0] = next_seq()
    return t


def _write(t: Tensor, name: str, value: np.ndarray) -> None:
    if np.shape(value) != t.data.shape:
        raise OpError(
            f"{name}: result of shape {np.shape(value)} does not fit the tensor's shape "
            f"{t.data.shape}"
        )
    np.copyto(t.data, value, casting="same_kind")
    t._version[0] = next_seq()


def _scaled(other: Any, alpha: Any) -> Any:
    """alpha * other: a graph op when other is in the graph, else plain NumPy."""
    if alpha == 1:
        return other
    if isinstance(other, Tensor):
        return other * alpha if _mode.enabled and other._requires_grad else other.data * alpha
    return np.multiply(other, alpha)


def add_(t: Tensor, other: Any, alpha: Any = 1) -> Tensor:
    return _apply(t, "add_", np.add, _scaled(other, alpha), ops.add)


def sub_(t: Tensor, other: Any, alpha: Any = 1) -> Tensor:
    ops.refuse_bool_sub(t, other)
    return _apply(t, "sub_", np.subtract, _scaled(other, alpha), ops.sub)


def mul_(t: Tensor, other: Any) -> Tensor:
    return _apply(t, "mul_", np.multiply, other, ops.mul)


def div_(t: Tensor, other: Any) -> Tensor:
    return _apply(t, "div_", np.true_divide, other, ops.div)


def clamp_(t: Tensor, min: Any = None, max: Any = None) -> Tensor:
    return _apply(t, "clamp_", lambda a, _, out: np.clip(a, min, max, out=out), None,
                  lambda old, _: ops.clamp(old, min, max))  # fmt: skip


def _assign(a: np.ndarray, value: Any, out: np.ndarray) -> None:
    np.copyto(out, value, casting="unsafe")


def _replace(old: Tensor, value: Any) -> Tensor:
    """``value`` in old's place: gradient to value, none to the old contents."""
    return ops.where(np.zeros(old.data.shape, bool), old, value)


def fill_(t: Tensor, value: Any) -> Tensor:
    return _apply(t, "fill_", _assign, value, _replace)


def copy_(t: Tensor, src: Any) -> Tensor:
    return _apply(t, "copy_", _assign, src, _replace)


def setitem_(t: Tensor, index: Any, value: Any) -> None:
    """``t[index] = value``: allowed outside the graph (no_grad, or nothing requires grad)."""
    _check_leaf(t, "setitem")
    if _mode.enabled and (t._requires_grad or (isinstance(value, Tensor) and value._requires_grad)):
        raise RuntimeError(
            "setitem: assigning into a tensor that is part of the graph is not supported; "
            "build the result with mg.where or mg.cat instead"
        )
    index = ops._index(index)
    target = t.data
    split = ops._split_index(index)  # PyTorch's dim order
    if split is not None:
        target, index = target[split[0]], split[1]  # a view: writing into it writes into t
    target[index] = value.data if isinstance(value, Tensor) else value
    t._version[0] = next_seq()
