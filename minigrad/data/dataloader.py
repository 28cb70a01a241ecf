"""``DataLoader``: iterate over a dataset in (shuffled) mini-batches."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from .. import dtypes, ops
from ..factories import tensor
from ..random import generator
from ..tensor import Tensor
from .dataset import Dataset, TensorDataset


def default_collate(samples: Sequence) -> Any:
    """Stack a list of samples into one batch, field by field, as PyTorch's default.

    Tensors and NumPy arrays or scalars are stacked along a new first dimension, Python
    numbers become a 1-D Tensor (floats in float64), strings stay a sequence, dicts and
    namedtuples are collated per field, other tuples and lists become a list of batches.
    """
    first = samples[0]
    if isinstance(first, Tensor):
        return ops.stack(samples)
    if isinstance(first, (np.ndarray, np.generic)):
        return tensor(np.stack(samples))
    if isinstance(first, float):
        return tensor(samples, dtype=dtypes.float64)
    if isinstance(first, int):
        return tensor(samples)
    if isinstance(first, (str, bytes)):
        return samples
    if isinstance(first, Mapping):
        return {key: default_collate([s[key] for s in samples]) for key in first}
    if isinstance(first, tuple) and hasattr(first, "_fields"):  # a namedtuple
        return type(first)(*(default_collate(field) for field in zip(*samples)))
    if isinstance(first, Sequence):
        if any(len(s) != len(first) for s in samples):
            raise RuntimeError("each element in list of batch should be of equal size")
        return [default_collate(field) for field in zip(*samples)]
    raise TypeError(
        "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
        f"found {type(first)}"
    )


class DataLoader:
    """Iterate over ``dataset`` in batches of ``batch_size`` samples, each a list of Tensors.

    With ``shuffle`` every epoch draws a new order from minigrad's seeded generator
    (``mg.manual_seed`` makes it repeat); ``drop_last`` skips a final short batch;
    ``collate_fn`` turns a list of samples into a batch (``default_collate`` if None).
    ``num_workers`` and ``pin_memory`` are accepted for PyTorch programs: batches are
    loaded in this process, on the CPU, either way.
    """

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        *,
        num_workers: int = 0,
        collate_fn: Callable[[list], Any] | None = None,
        pin_memory: bool = False,
    ) -> None:
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size}"
            )
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        if num_workers < 0:
            raise ValueError(
                "num_workers option should be non-negative; use num_workers=0 to disable "
                "multiprocessing."
            )
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.num_workers = num_workers
        self.collate_fn = collate_fn
        self.pin_memory = pin_memory

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self) -> Iterator[Any]:
        n = len(self.dataset)
        order = generator().permutation(n) if self.shuffle else np.arange(n)
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            yield self._fetch(order[start : start + self.batch_size])

    def _fetch(self, indices: np.ndarray) -> Any:
        if self.collate_fn is not None:
            return self.collate_fn([self.dataset[int(i)] for i in indices])
        if isinstance(self.dataset, TensorDataset):
            # one indexing op per tensor instead of stacking single rows: same batch, faster
            return [t[indices] for t in self.dataset.tensors]
        return default_collate([self.dataset[int(i)] for i in indices])
