"""``minigrad.utils``: PyTorch's ``torch.utils`` path, so ``torch.utils.data`` ports as is."""

from . import data, hooks

__all__ = ["data", "hooks"]
