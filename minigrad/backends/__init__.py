"""``torch.backends`` as far as a CPU-only program asks: the GPU libraries' switches,
which programs set for speed or reproducibility (``torch.backends.cudnn.benchmark = True``),
are held and change nothing here, and no GPU backend is available."""

from . import cudnn, mps

__all__ = ["cudnn", "mps"]
