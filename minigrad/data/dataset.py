"""Datasets: indexable collections of samples (``torch.utils.data``)."""

from __future__ import annotations

import bisect
import itertools
import math
import warnings
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar

from ..random import generator as _generator
from ..random_kernels import permutation
from ..tensor import Tensor

T_co = TypeVar("T_co", covariant=True)


class Dataset(Generic[T_co]):
    """A map-style dataset: ``dataset[i]`` is sample i and ``len(dataset)`` their number.

    Subclasses define ``__getitem__`` and ``__len__`` (without it ``len()`` is a TypeError).
    ``a + b`` is their :class:`ConcatDataset`.
    """

    def __getitem__(self, index: int) -> T_co:
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


class IterableDataset(Dataset[T_co], Iterable[T_co]):
    """A dataset that is a stream of samples: subclasses define ``__iter__`` (it is abstract,
    so the class itself cannot be instantiated) and may define ``__len__``.

    A ``DataLoader`` batches the items in the order ``__iter__`` yields them; with
    ``num_workers`` > 0 each worker iterates over its own copy (split the stream by
    :func:`get_worker_info`, as in PyTorch). ``a + b`` chains them.
    """

    def __add__(self, other: Dataset) -> ChainDataset:
        return ChainDataset([self, other])


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


class StackDataset(Dataset):
    """Datasets of equal length side by side: sample i is the tuple of their samples i
    (``StackDataset(a, b)``) or a dict of them by name (``StackDataset(x=a, y=b)``)."""

    def __init__(self, *args: Dataset, **kwargs: Dataset) -> None:
        if args and kwargs:
            raise ValueError(
                "Supported either ``tuple``- (via ``args``) or"
                "``dict``- (via ``kwargs``) like input/output, but both types are given."
            )
        if not args and not kwargs:
            raise ValueError("At least one dataset should be passed")
        datasets = list(args or kwargs.values())
        self._length = len(datasets[0])
        if any(self._length != len(dataset) for dataset in datasets):
            raise ValueError("Size mismatch between datasets")
        self.datasets = args or kwargs

    def __getitem__(self, index: Any) -> tuple | dict:
        if isinstance(self.datasets, dict):
            return {key: dataset[index] for key, dataset in self.datasets.items()}
        return tuple(dataset[index] for dataset in self.datasets)

    def __getitems__(self, indices: list) -> list:
        """The samples at ``indices``, each dataset's fetched in one call where it can."""
        named = isinstance(self.datasets, dict)
        columns = {}
        for key, dataset in self.datasets.items() if named else enumerate(self.datasets):
            columns[key] = fetch_samples(dataset, indices)
            if len(columns[key]) != len(indices):
                raise ValueError(
                    "Nested dataset's output size mismatch. Expected "
                    f"{len(indices)}, got {len(columns[key])}"
                )
        rows = [dict(zip(columns, row)) for row in zip(*columns.values())]
        return rows if named else [tuple(row.values()) for row in rows]

    def __len__(self) -> int:
        return self._length


class ConcatDataset(Dataset):
    """Map-style datasets one after the other: indices run through the first, then the
    second, ... (``cumulative_sizes`` are the running totals of their lengths)."""

    @staticmethod
    def cumsum(sequence: Iterable[Dataset]) -> list[int]:
        return list(itertools.accumulate(len(d) for d in sequence))

    def __init__(self, datasets: Iterable[Dataset]) -> None:
        self.datasets = list(datasets)
        if len(self.datasets) == 0:
            raise AssertionError("datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise AssertionError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = self.cumsum(self.datasets)

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int) -> Any:
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        dataset_idx = bisect.bisect_right(self.cumulative_sizes, idx)
        start = self.cumulative_sizes[dataset_idx - 1] if dataset_idx else 0
        return self.datasets[dataset_idx][idx - start]


class ChainDataset(IterableDataset):
    """Iterable datasets one after the other, chained as they are iterated."""

    def __init__(self, datasets: Iterable[Dataset]) -> None:
        self.datasets = datasets

    def __iter__(self) -> Iterator:
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            yield from d

    def __len__(self) -> int:
        total = 0
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            total += len(d)
        return total


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order: ``subset[i]`` is
    ``dataset[indices[i]]``."""

    def __init__(self, dataset: Any, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices: list) -> list:
        """The samples at ``indices``, fetched in one call where the dataset can."""
        return fetch_samples(self.dataset, [self.indices[i] for i in indices])

    def __len__(self) -> int:
        return len(self.indices)


def fetch_samples(dataset: Any, indices: list) -> list:
    """``[dataset[i] for i in indices]``, or ``dataset.__getitems__(indices)`` (a batch in
    one call) where the dataset defines it, as PyTorch's loader fetches."""
    getitems = getattr(dataset, "__getitems__", None)
    if getitems:
        return getitems(indices)
    return [dataset[i] for i in indices]


def random_split(dataset: Any, lengths: Sequence[int | float], generator: Any = None) -> list:
    """Split ``dataset`` into non-overlapping Subsets of ``lengths``, in a random order.

    ``lengths`` are ints summing to len(dataset), or fractions summing to 1: each split
    gets floor(n * fraction), and the remainder goes one by one to the splits from the
    first, as PyTorch. The order is drawn from ``generator`` (a ``mg.Generator``), or
    from minigrad's default generator (``mg.manual_seed``) if None, so it differs from
    PyTorch's numbers.
    """
    n = len(dataset)
    total = sum(lengths)
    if math.isclose(total, 1) and total <= 1:
        sizes = []
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            sizes.append(int(math.floor(n * frac)))
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
        for i, size in enumerate(sizes):
            if size == 0:
                warnings.warn(
                    f"Length of split at index {i} is 0. This might result in an empty dataset.",
                    stacklevel=2,
                )
        lengths = sizes
    if sum(lengths) != n:
        raise ValueError(
            "Sum of input lengths does not equal the length of the input dataset! "
            f"(lengths {list(lengths)}, {n} samples)"
        )
    order = permutation(_generator(generator, "randperm"), n).tolist()
    return [
        Subset(dataset, order[end - size : end])
        for end, size in zip(itertools.accumulate(lengths), lengths)
    ]
