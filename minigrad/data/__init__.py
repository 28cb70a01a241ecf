"""``minigrad.data``: datasets and mini-batch loading (``torch.utils.data``)."""

from .dataloader import DataLoader, default_collate, default_convert
from .dataset import Dataset, TensorDataset

__all__ = ["DataLoader", "Dataset", "TensorDataset", "default_collate", "default_convert"]
