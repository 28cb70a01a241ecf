"""``torch.backends`` as far as a CPU-only program asks which devices exist."""

from . import mps

__all__ = ["mps"]
