"""PyTorch's deprecated names, kept for the programs that still call them: ``torch.range``
(an arange that includes its end, in the default float dtype), ``trapz`` (trapezoid) and
``row_stack`` (vstack)."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from . import dtypes, surface_ops
from .device import check as check_device
from .extra_ops import vstack as row_stack
from .tensor import Tensor


def trapz(y: Tensor, x: Tensor | None = None, *, dx: float = 1.0, dim: int = -1) -> Tensor:
    """trapezoid's older name: at the points x, or spaced dx apart."""
    return surface_ops._trapezoid("trapz", y, x, None if x is not None else dx, dim)


def range(  # noqa: A001 - PyTorch's name
    start: Any, end: Any, step: Any = 1, *, dtype: Any = None, layout: Any = None,
    device: Any = None, requires_grad: bool = False,
) -> Tensor:  # fmt: skip
    """start, start + step, ... up to and including ``end``, in the default float dtype
    (deprecated in PyTorch, with its warning, for arange)."""
    warnings.warn("torch.range is deprecated and will be removed in a future release because its "
                  "behavior is inconsistent with Python's range builtin. Instead, use "
                  "torch.arange, which produces values in [start, end).", UserWarning,
                  stacklevel=2)  # fmt: skip
    if step == 0 or (end - start) * step < 0:
        raise RuntimeError(f"range: upper bound and larger bound inconsistent with step sign "
                           f"(start {start}, end {end}, step {step})")  # fmt: skip
    check_device(device)
    dt = dtypes.or_default(dtype)
    if dt.kind == "c":
        raise NotImplementedError(f"\"range_cpu\" not implemented for '{dt}'")
    n = int(math.floor((end - start) / step)) + 1
    out = (start + np.arange(n, dtype=np.float64) * step).astype(dt)
    return Tensor._new(out).requires_grad_(requires_grad)


__all__ = ["range", "row_stack", "trapz"]
