"""PyTorch's runtime switches and queries, so that a program that sets them runs unchanged.

minigrad computes with NumPy on the CPU: one device, NumPy's BLAS threads and
deterministic kernels. So the switches record what they are told (checked as PyTorch
checks it), which the queries read back; none of them changes how minigrad computes.
"""

from __future__ import annotations

import numbers
import os
import warnings
from typing import Any

from .device import CPU
from .device import check as check_device
from .dtypes import set_default_dtype

_state = {
    # NumPy's BLAS sets its thread count when it loads; set_num_threads cannot change it
    "threads": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
    else os.cpu_count() or 1,
    "matmul_precision": "highest",
    "deterministic": False,
    "warn_only": False,
    "interop_threads": 1,
    "warn_always": False,
}  # fmt: skip


def get_num_threads() -> int:
    """The number of threads set_num_threads last recorded (at first, the CPUs available)."""
    return _state["threads"]


def set_num_threads(int: int) -> None:  # noqa: A002 - PyTorch's name for it
    """Record a thread count (a positive integer); NumPy's own threads stay as they are."""
    _state["threads"] = _positive(int, "set_num_threads")


def get_num_interop_threads() -> int:
    return _state["interop_threads"]


def set_num_interop_threads(int: int) -> None:  # noqa: A002 - PyTorch's name for it
    _state["interop_threads"] = _positive(int, "set_num_interop_threads")


def _positive(n: Any, name: str) -> int:
    """n as a positive int (a NumPy integer too; not a bool or a Tensor), with ``name``'s
    RuntimeErrors, as PyTorch's."""
    if not isinstance(n, numbers.Integral) or isinstance(n, bool):
        raise RuntimeError(f"{name} expects an int, but got {type(n).__name__}")
    if n <= 0:
        raise RuntimeError(f"{name} expects a positive integer")
    return int(n)


def set_flush_denormal(mode: bool) -> bool:
    """False: NumPy cannot be told to flush denormal numbers to zero (PyTorch returns whether
    the CPU supports it, and then does)."""
    return False


def set_warn_always(b: bool) -> None:
    _state["warn_always"] = bool(b)


def is_warn_always_enabled() -> bool:
    return _state["warn_always"]


def set_default_tensor_type(t: Any) -> None:
    """The default dtype from a floating tensor type (``mg.DoubleTensor`` or its name
    ``'torch.DoubleTensor'``); deprecated in PyTorch for set_default_dtype, with its warning."""
    from .tensor import _TYPE_DTYPES

    warnings.warn("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
                  "torch.set_default_dtype() and torch.set_default_device() as alternatives.",
                  UserWarning, stacklevel=2)  # fmt: skip
    if isinstance(t, str) and t not in _TYPE_DTYPES:
        raise AttributeError(f"set_default_tensor_type: no tensor type named {t!r}")
    dtype = _TYPE_DTYPES[t] if isinstance(t, str) else getattr(t, "dtype", None)
    if dtype is None or dtype.kind != "f":
        raise TypeError("only floating-point types are supported as the default type")
    set_default_dtype(dtype)


def get_default_device() -> Any:
    return CPU


def set_default_device(device: Any) -> None:
    """Only the CPU (or None): any other device raises."""
    check_device(device)


def get_float32_matmul_precision() -> str:
    return _state["matmul_precision"]


def set_float32_matmul_precision(precision: str) -> None:
    """'highest', 'high' or 'medium' (NumPy's float32 matmul is 'highest' whatever is set);
    another string warns and changes nothing, as PyTorch."""
    if not isinstance(precision, str):
        raise RuntimeError(
            f"set_float32_matmul_precision expects a str, but got {type(precision).__name__}"
        )
    if precision not in ("highest", "high", "medium"):
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current "
                      "set_float32_matmul_precision call has no effect.", UserWarning,
                      stacklevel=2)  # fmt: skip
        return
    _state["matmul_precision"] = precision


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Record the switch (minigrad's kernels are deterministic whatever it says)."""
    for name, value in (("mode", mode), ("warn_only", warn_only)):
        if not isinstance(value, bool):
            raise TypeError(f"use_deterministic_algorithms(): argument '{name}' must be bool, "
                            f"not {type(value).__name__}")  # fmt: skip
    _state["deterministic"], _state["warn_only"] = mode, warn_only


def are_deterministic_algorithms_enabled() -> bool:
    return _state["deterministic"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    return _state["warn_only"]


__all__ = ["get_num_threads", "set_num_threads", "get_default_device",
           "set_default_device", "get_float32_matmul_precision", "set_float32_matmul_precision",
           "use_deterministic_algorithms", "are_deterministic_algorithms_enabled",
           "is_deterministic_algorithms_warn_only_enabled", "get_num_interop_threads",
           "set_num_interop_threads", "set_flush_denormal", "set_warn_always",
           "is_warn_always_enabled", "set_default_tensor_type"]  # fmt: skip
