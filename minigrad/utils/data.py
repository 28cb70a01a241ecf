"""``minigrad.utils.data`` is ``minigrad.data`` under PyTorch's path (``torch.utils.data``)."""

from ..data import DataLoader, Dataset, TensorDataset, default_collate, default_convert

__all__ = ["DataLoader", "Dataset", "TensorDataset", "default_collate", "default_convert"]
