"""``minigrad.utils``: PyTorch's ``torch.utils`` path, so ``torch.utils.data`` ports as is."""

from . import checkpoint, data, hooks

__all__ = ["checkpoint", "data", "hooks"]
