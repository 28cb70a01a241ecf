"""Datasets: indexable collections of samples (``torch.utils.data``)."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor


class Dataset:
    """A map-style dataset: ``dataset[i]`` is sample i and ``len(dataset)`` their number.

    Subclasses define ``__getitem__`` and ``__len__`` (without it ``len()`` is a TypeError).
    """

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__")


class TensorDataset(Dataset):
    """Samples are rows of tensors of equal length: ``dataset[i] == (t[i] for t in tensors)``."""

    def __init__(self, *tensors: Tensor) -> None:
        if any(t.shape[0] != tensors[0].shape[0] for t in tensors):  # IndexError for 0-d
            raise AssertionError("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]
