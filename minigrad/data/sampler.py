"""Samplers: the order in which a ``DataLoader`` visits a dataset's indices
(``torch.utils.data.sampler``)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence, Sized
from typing import Any, Generic, TypeVar

import numpy as np

from ..factories import tensor
from ..random import Generator
from ..random import generator as _generator
from ..random_kernels import full_range, integers, multinomial, permutation

T_co = TypeVar("T_co", covariant=True)


class Sampler(Generic[T_co]):
    """Base class of samplers: ``__iter__`` yields indices (or lists of indices, for a batch
    sampler); ``__len__``, if defined, says how many."""

    def __iter__(self) -> Iterator[T_co]:
        raise NotImplementedError


class SequentialSampler(Sampler[int]):
    """0, 1, ..., len(data_source) - 1, in order."""

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler[int]):
    """The indices of ``data_source`` in a random order: a new permutation per pass (as many
    as ``num_samples`` needs), or, with ``replacement``, ``num_samples`` independent draws.

    Draws from ``generator`` (a ``mg.Generator``), or from minigrad's default generator
    (``mg.manual_seed``) if None; the numbers differ from PyTorch's.
    """

    def __init__(
        self,
        data_source: Sized,
        replacement: bool = False,
        num_samples: int | None = None,
        generator: Any = None,
    ) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError(
                f"replacement should be a boolean value, but got replacement={self.replacement}"
            )
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(
                "num_samples should be a positive integer value, but got "
                f"num_samples={self.num_samples}"
            )

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        n = len(self.data_source)
        gen = _generator(self.generator, "randperm")
        # as PyTorch, without a generator: one of its own, seeded from the default one
        if self.generator is None:
            seed = int(full_range(gen, 1, np.dtype(np.int64))[0])
            gen = Generator().manual_seed(seed)
        if self.replacement:
            yield from integers(gen, self.num_samples, 0, n).tolist()
            return
        for _ in range(self.num_samples // n):
            yield from permutation(gen, n).tolist()
        yield from permutation(gen, n)[: self.num_samples % n].tolist()

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler[int]):
    """The given ``indices`` in a random order (a new one per pass)."""

    def __init__(self, indices: Sequence[int], generator: Any = None) -> None:
        self.indices = indices
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        for i in permutation(_generator(self.generator, "randperm"), len(self.indices)).tolist():
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler[int]):
    """``num_samples`` indices of ``weights`` drawn with probabilities proportional to the
    weights (which need not sum to one); without ``replacement`` each index at most once."""

    def __init__(
        self,
        weights: Sequence[float],
        num_samples: int,
        replacement: bool = True,
        generator: Any = None,
    ) -> None:
        if not isinstance(num_samples, int) or isinstance(num_samples, bool) or num_samples <= 0:
            raise ValueError(
                f"num_samples should be a positive integer value, but got num_samples={num_samples}"
            )
        if not isinstance(replacement, bool):
            raise ValueError(
                f"replacement should be a boolean value, but got replacement={replacement}"
            )
        weights_tensor = tensor(np.asarray(weights, dtype=np.float64))
        if weights_tensor.ndim != 1:
            raise ValueError(
                "weights should be a 1d sequence but given "
                f"weights have shape {tuple(weights_tensor.shape)}"
            )
        self.weights = weights_tensor
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        yield from _multinomial(
            self.weights.data, self.num_samples, self.replacement, self.generator
        ).tolist()

    def __len__(self) -> int:
        return self.num_samples


def _multinomial(w: np.ndarray, k: int, replacement: bool, generator: Any) -> np.ndarray:
    """k indices drawn with probabilities proportional to ``w``, as ``torch.multinomial``."""
    gen = _generator(generator, "multinomial")
    if w.size == 0:
        raise RuntimeError("cannot sample from an empty probability distribution")
    if not replacement and k > w.size:
        raise RuntimeError(
            "cannot sample n_sample > prob_dist.size(-1) samples without replacement"
        )
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if w.sum() <= 0:
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    return multinomial(gen, w.reshape(1, -1), k, replacement)[0]


class BatchSampler(Sampler[list]):
    """Lists of ``batch_size`` indices from ``sampler``; ``drop_last`` drops a short last one."""

    def __init__(
        self, sampler: Sampler[int] | Iterable[int], batch_size: int, drop_last: bool
    ) -> None:
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size}"
            )
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        indices = iter(self.sampler)
        while batch := list(itertools.islice(indices, self.batch_size)):
            if len(batch) < self.batch_size and self.drop_last:
                return
            yield batch

    def __len__(self) -> int:
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size


class _InfiniteConstantSampler(Sampler[None]):
    """None forever: the index sampler of an iterable dataset, whose items need no index."""

    def __iter__(self) -> Iterator[None]:
        while True:
            yield None
