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
        return _same_mapping(
            first, {key: default_collate([s[key] for s in samples]) for key in first}
        )
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


def default_convert(sample: Any) -> Any:
    """One sample as ``batch_size=None`` yields it: NumPy arrays become Tensors (sharing
    memory), sequences lists, field by field; nothing is stacked."""
    if isinstance(sample, np.ndarray) and sample.dtype.kind in "biufc":
        return Tensor._new(sample)
    if isinstance(sample, Mapping):
        return _same_mapping(sample, {key: default_convert(v) for key, v in sample.items()})
    if isinstance(sample, tuple) and hasattr(sample, "_fields"):  # a namedtuple
        return type(sample)(*(default_convert(v) for v in sample))
    if isinstance(sample, Sequence) and not isinstance(sample, (str, bytes)):
        return [default_convert(v) for v in sample]
    return sample


def _same_mapping(like: Mapping, fields: dict) -> Mapping:
    """``fields`` in the mapping type of ``like`` (an OrderedDict stays one), else a dict."""
    try:
        return type(like)(fields)
    except TypeError:
        return fields


class DataLoader:
    """Iterate over ``dataset`` in batches of ``batch_size`` samples, each a list of Tensors
    (with ``batch_size=None``, sample by sample, converted by ``default_convert``).

    With ``shuffle`` every epoch draws a new order from minigrad's seeded generator
    (``mg.manual_seed`` makes it repeat); ``drop_last`` skips a final short batch;
    ``collate_fn`` turns a list of samples into a batch (``default_collate`` if None).
    ``num_workers`` and ``pin_memory`` are accepted for PyTorch programs: batches are
    loaded in this process, on the CPU, either way.
    """

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int | None = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        *,
        num_workers: int = 0,
        collate_fn: Callable[[list], Any] | None = None,
        pin_memory: bool = False,
    ) -> None:
        if batch_size is None and drop_last:
            raise ValueError(
                "batch_size=None option disables auto-batching and is mutually exclusive with "
                "drop_last"
            )
        if batch_size is not None and (
            not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0
        ):
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
        if self.batch_size is None:
            return n
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self) -> Iterator[Any]:
        n = len(self.dataset)
        order = generator().permutation(n) if self.shuffle else np.arange(n)
        if self.batch_size is None:
            convert = self.collate_fn or default_convert
            for i in order:
                yield convert(self.dataset[int(i)])
            return
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            yield self._fetch(order[start : start + self.batch_size])

    def _fetch(self, indices: np.ndarray) -> Any:
        if self.collate_fn is not None:
            return self.collate_fn([self.dataset[int(i)] for i in indices])
        if type(self.dataset).__getitem__ is TensorDataset.__getitem__:
            # one indexing op per tensor instead of stacking single rows: same batch, faster
            return [t[indices] for t in self.dataset.tensors]
        return default_collate([self.dataset[int(i)] for i in indices])
