"""``minigrad.linalg``: PyTorch's torch.linalg functions that minigrad has."""

from __future__ import annotations

from . import select_ops
from .tensor import Tensor


def cross(input: Tensor, other: Tensor, *, dim: int = -1) -> Tensor:
    """The cross product of 3-vectors along ``dim`` (broadcast), as torch.linalg.cross."""
    if not isinstance(input, Tensor):
        raise TypeError(
            f"linalg_cross(): argument 'input' (position 1) must be Tensor, not "
            f"{type(input).__name__}"
        )
    return select_ops.cross(input, other, dim)


__all__ = ["cross"]
