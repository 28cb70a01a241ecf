"""``DistributedSampler``: the share of a dataset's indices that one of ``num_replicas``
processes visits (``torch.utils.data.distributed``). minigrad has no process group, so
``num_replicas`` and ``rank`` must be given."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sized

from ..random import Generator
from ..random_kernels import permutation
from .sampler import Sampler, T_co


class DistributedSampler(Sampler[T_co]):
    """Indices ``rank, rank + num_replicas, ...`` of the dataset's order (a permutation
    seeded with ``seed + epoch`` if ``shuffle``), padded by repeating its start so that
    every replica gets ``ceil(n / num_replicas)`` of them, or cut to ``floor(n /
    num_replicas)`` each with ``drop_last``. The shuffled orders differ from PyTorch's
    (minigrad's generator); the unshuffled ones are PyTorch's."""

    def __init__(
        self,
        dataset: Sized,
        num_replicas: int | None = None,
        rank: int | None = None,
        shuffle: bool = True,
        seed: int = 0,
        drop_last: bool = False,
    ) -> None:
        if num_replicas is None or rank is None:
            raise ValueError(
                "DistributedSampler: no default process group (minigrad has no distributed "
                "package): pass num_replicas and rank"
            )
        if rank >= num_replicas or rank < 0:
            raise ValueError(
                f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]"
            )
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        n = len(dataset)
        if drop_last and n % num_replicas:
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self) -> Iterator[int]:
        n = len(self.dataset)
        if self.shuffle:
            indices = permutation(Generator().manual_seed(self.seed + self.epoch), n).tolist()
        else:
            indices = list(range(n))
        if self.drop_last:
            indices = indices[: self.total_size]
        elif indices:
            missing = self.total_size - len(indices)
            indices += (indices * math.ceil(missing / len(indices)))[:missing]
        return iter(indices[self.rank : self.total_size : self.num_replicas])

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Use a new order for the next pass (all replicas must set the same epoch)."""
        self.epoch = epoch
