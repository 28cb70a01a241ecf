"""Tensor factories: ``tensor``, ``zeros``, ``randn``, ... (PyTorch's names and defaults)."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes
from .device import check as check_device
from .errors import OpError
from .random import generator
from .tensor import Tensor, size_arg


def _shape(size: tuple) -> tuple:
    shape = size_arg(size)
    if any(n < 0 for n in shape):
        raise OpError(f"negative dimension in size {shape}")
    return shape


def _float(dtype: Any) -> np.dtype:
    return dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)


def _wrap(arr: np.ndarray, requires_grad: bool, device: Any = None) -> Tensor:
    check_device(device)  # the CPU, the only device (device.py)
    t = Tensor._new(arr)
    if requires_grad:
        t.requires_grad = True
    return t


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """A new tensor holding a copy of ``data`` (Python floats become the default dtype)."""
    check_device(device)
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def from_numpy(arr: np.ndarray) -> Tensor:
    """A tensor sharing ``arr``'s memory (changes to one show in the other)."""
    if not isinstance(arr, np.ndarray):
        raise TypeError(f"from_numpy: expected np.ndarray (got {type(arr).__name__})")
    return Tensor._new(arr)


def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    return _wrap(np.zeros(_shape(size), _float(dtype)), requires_grad, device)


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    return _wrap(np.ones(_shape(size), _float(dtype)), requires_grad, device)


def full(
    size: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """A tensor of ``fill_value``; its dtype follows the value (bool, int64, default float)."""
    if dtype is None:
        dtype = (
            dtypes.bool_ if isinstance(fill_value, (bool, np.bool_))
            else dtypes.int64 if isinstance(fill_value, (int, np.integer))
            else dtypes.get_default_dtype()
        )  # fmt: skip
    size = (size,) if isinstance(size, int) else tuple(size)
    return _wrap(np.full(_shape(size), fill_value, np.dtype(dtype)), requires_grad, device)


def zeros_like(
    t: Tensor, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    return _wrap(np.zeros(t.shape, dtype or t.dtype), requires_grad, device)


def ones_like(
    t: Tensor, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    return _wrap(np.ones(t.shape, dtype or t.dtype), requires_grad, device)


def full_like(
    t: Tensor, fill_value: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    return _wrap(np.full(t.shape, fill_value, dtype or t.dtype), requires_grad, device)


def randn(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """Standard normal samples."""
    dt = _float(dtype)
    return _wrap(
        generator().standard_normal(_shape(size)).astype(dt, copy=False), requires_grad, device
    )


def rand(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """Uniform samples in [0, 1)."""
    dt = _float(dtype)
    return _wrap(generator().random(_shape(size)).astype(dt, copy=False), requires_grad, device)


def randn_like(
    t: Tensor, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    return randn(*t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad, device=device)


def rand_like(
    t: Tensor, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    return rand(*t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad, device=device)


def randint(low: int, high: Any = None, size: Any = None, dtype: Any = None,
            requires_grad: bool = False, device: Any = None) -> Tensor:  # fmt: skip
    """Integers in [low, high); ``randint(high, size)`` draws from [0, high)."""
    if size is None:
        if high is None or not isinstance(high, (tuple, list)):
            raise TypeError("randint: size must be given, e.g. randint(0, 10, (3,))")
        low, high, size = 0, low, high
    arr = generator().integers(low, high, size=_shape(tuple(size)), dtype=np.int64)
    return _wrap(arr.astype(dtype) if dtype is not None else arr, requires_grad, device)


def randperm(n: int, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """A random permutation of 0..n-1 (int64)."""
    arr = generator().permutation(int(n)).astype(np.int64)
    return _wrap(arr.astype(dtype) if dtype is not None else arr, requires_grad, device)


def arange(start: Any, end: Any = None, step: Any = 1, dtype: Any = None,
           requires_grad: bool = False, device: Any = None) -> Tensor:  # fmt: skip
    """Values from start (default 0) to end (excluded); int64 for ints, else the default float."""
    if end is None:
        start, end = 0, start
    if dtype is None:
        ints = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = dtypes.int64 if ints else dtypes.get_default_dtype()
    return _wrap(np.arange(start, end, step).astype(dtype), requires_grad, device)


def linspace(start: float, end: float, steps: int, dtype: Any = None,
             requires_grad: bool = False, device: Any = None) -> Tensor:  # fmt: skip
    return _wrap(np.linspace(start, end, int(steps)).astype(_float(dtype)), requires_grad, device)


def eye(
    n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    return _wrap(np.eye(n, m, dtype=_float(dtype)), requires_grad, device)
