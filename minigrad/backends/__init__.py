"""``torch.backends`` as far as a CPU-only program asks which devices exist."""

from . import cudnn, mps

__all__ = ["cudnn", "mps"]
