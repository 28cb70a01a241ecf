"""``DataLoader``: iterate over a dataset in (shuffled) mini-batches."""

from __future__ import annotations

import copy
import itertools
import math
import multiprocessing
import random
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from typing import Any

import numpy as np

from .. import dtypes, ops
from .. import random as _random
from ..factories import tensor
from ..random import generator
from ..random_kernels import full_range
from ..tensor import Tensor
from .dataset import Dataset, IterableDataset, TensorDataset, fetch_samples
from .sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    _InfiniteConstantSampler,
)

_COLLATE_ERROR = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
)


def default_collate(batch: Sequence) -> Any:
    """Stack a list of samples into one batch, field by field, as PyTorch's default.

    Tensors and NumPy arrays or scalars are stacked along a new first dimension (arrays of
    strings or objects are a TypeError), Python numbers become a 1-D Tensor (floats in
    float64), strings (NumPy's too) stay a sequence, dicts and namedtuples are collated
    per field, other tuples and lists become a list of batches.
    """
    first = batch[0]
    if isinstance(first, Tensor):
        return ops.stack(batch)
    if isinstance(first, (str, bytes)):
        return batch
    if isinstance(first, (np.ndarray, np.generic)):
        arrays = [np.asarray(s) for s in batch]
        kinds = {a.dtype for a in arrays}
        for dtype in kinds:
            if dtype.kind not in "biufc":  # strings, objects, dates, records
                raise TypeError(_COLLATE_ERROR.format(dtype))
        try:  # mixed dtypes promote as PyTorch's (int64 and float32 give float32)
            return Tensor._new(np.stack(arrays, dtype=dtypes.promote(list(kinds))))
        except ValueError:  # ragged: PyTorch's RuntimeError, from stack
            return ops.stack([Tensor._new(a) for a in arrays])
    if isinstance(first, float):
        return tensor(batch, dtype=dtypes.float64)
    if isinstance(first, int):
        return tensor(batch)
    if isinstance(first, Mapping):
        return _same_mapping(
            first, {key: default_collate([s[key] for s in batch]) for key in first}
        )
    if isinstance(first, tuple) and hasattr(first, "_fields"):  # a namedtuple
        return type(first)(*(default_collate(field) for field in zip(*batch)))
    if isinstance(first, Sequence):
        if any(len(s) != len(first) for s in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        return [default_collate(field) for field in zip(*batch)]
    raise TypeError(_COLLATE_ERROR.format(type(first)))


def default_convert(data: Any) -> Any:
    """One sample as ``batch_size=None`` yields it: NumPy arrays become Tensors (sharing
    memory), sequences lists, field by field; nothing is stacked."""
    if isinstance(data, np.ndarray) and data.dtype.kind in "biufc":
        return Tensor._new(data)
    if isinstance(data, Mapping):
        return _same_mapping(data, {key: default_convert(v) for key, v in data.items()})
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # a namedtuple
        return type(data)(*(default_convert(v) for v in data))
    if isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        return [default_convert(v) for v in data]
    return data


def _same_mapping(like: Mapping, fields: dict) -> Mapping:
    """``fields`` in the mapping type of ``like``, as PyTorch: a copy of ``like`` updated
    with them if it is mutable (a defaultdict keeps its factory), else ``type(like)(fields)``;
    a plain dict where that fails."""
    try:
        if isinstance(like, MutableMapping):
            clone = copy.copy(like)
            clone.update(fields)
            return clone
        return type(like)(fields)
    except TypeError:
        return fields


class WorkerInfo:
    """A loader's worker, as :func:`get_worker_info` gives it inside the worker: ``id``,
    ``num_workers``, ``seed`` and ``dataset`` (the worker's copy)."""

    def __init__(self, id: int, num_workers: int, seed: int, dataset: Any) -> None:
        self.id, self.num_workers, self.seed, self.dataset = id, num_workers, seed, dataset

    def __repr__(self) -> str:
        return (f"WorkerInfo(id={self.id}, num_workers={self.num_workers}, seed={self.seed}, "
                f"dataset={self.dataset!r})")  # fmt: skip


_running: list = [None]  # the WorkerInfo of the worker whose code runs now


def get_worker_info() -> WorkerInfo | None:
    """The worker this code runs in (in a dataset's ``__iter__`` or ``__getitem__``, or in
    ``worker_init_fn``), or None in the main process."""
    return _running[0]


class _Worker:
    """One of PyTorch's worker processes, played in this process. It has its own shallow
    copy of the dataset (so ``worker_init_fn`` may set its attributes), and its own random
    state: minigrad's default generator and Python's ``random`` seeded with base + id, as
    PyTorch seeds a worker's (NumPy's global state is not switched). Its code runs inside
    ``with worker:``, which swaps that state in and the main process's back out."""

    def __init__(self, loader: DataLoader, id: int, base_seed: int) -> None:
        try:
            dataset = copy.copy(loader.dataset)
        except Exception:  # an object that cannot be copied is shared
            dataset = loader.dataset
        self.info = WorkerInfo(id, loader.num_workers, base_seed + id, dataset)
        self.state: tuple | None = None
        with self:
            if loader.worker_init_fn is not None:
                loader.worker_init_fn(id)

    def __enter__(self) -> _Worker:
        self.outside = (_running[0], _random.get_rng_state(), random.getstate())
        _running[0] = self.info
        if self.state is None:
            _random.manual_seed(self.info.seed)
            random.seed(self.info.seed)
        else:
            _random.set_rng_state(self.state[0])
            random.setstate(self.state[1])
        return self

    def __exit__(self, *exc: Any) -> None:
        self.state = (_random.get_rng_state(), random.getstate())
        _running[0], rng, py = self.outside
        _random.set_rng_state(rng)
        random.setstate(py)


class DataLoader:
    """Iterate over ``dataset`` in batches of ``batch_size`` samples, each a list of Tensors
    (with ``batch_size=None``, sample by sample, converted by ``default_convert``).

    PyTorch's arguments, defaults and checks. The indices come from ``sampler`` (default: in
    order, or with ``shuffle`` a :class:`RandomSampler` drawing a new order every epoch from
    ``generator``, or from minigrad's default generator, ``mg.manual_seed``), grouped by a
    :class:`BatchSampler` (``drop_last`` skips a final short batch) unless ``batch_sampler``
    gives the batches. An :class:`IterableDataset` is batched in the order it yields its items.
    ``collate_fn`` turns a list of samples into a batch (``default_collate`` if None).
    With ``num_workers`` > 0 the batches come from PyTorch's workers in turn, played in this
    process (:class:`_Worker`): worker i loads batches i, i + n, ... of a dataset, and each
    worker iterates over its own copy of an :class:`IterableDataset` (which gives every item
    n times unless ``worker_init_fn`` or the dataset splits the work by
    :func:`get_worker_info`). ``persistent_workers`` keeps the workers, and their random
    state, from one epoch to the next. ``pin_memory``, ``timeout``,
    ``multiprocessing_context``, ``prefetch_factor``, ``pin_memory_device`` and ``in_order``
    are checked and kept for PyTorch programs; batches are loaded on the CPU, in order.
    """

    _FROZEN = (
        "batch_size",
        "batch_sampler",
        "sampler",
        "drop_last",
        "dataset",
        "persistent_workers",
    )

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler: Sampler | Iterable | None = None,
        batch_sampler: Sampler[list] | Iterable[list] | None = None,
        num_workers: int = 0,
        collate_fn: Callable[[list], Any] | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable[[int], None] | None = None,
        multiprocessing_context: Any = None,
        generator: Any = None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        pin_memory_device: str = "",
        in_order: bool = True,
    ) -> None:
        if num_workers < 0:
            raise ValueError(
                "num_workers option should be non-negative; use num_workers=0 to disable "
                "multiprocessing."
            )
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError(
                "prefetch_factor option could only be specified in multiprocessing."
                "let num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor "
                "to None."
            )
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = _context(multiprocessing_context, num_workers)
        self.in_order = in_order

        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in {False, None}:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified shuffle option, "
                    f"but got shuffle={shuffle}"
                )
            if sampler is not None:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified sampler option, "
                    f"but got sampler={sampler}"
                )
            if batch_sampler is not None:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified batch_sampler "
                    f"option, but got batch_sampler={batch_sampler}"
                )
        else:
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, "
                    "sampler, and drop_last"
                )
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError(
                "batch_size=None option disables auto-batching and is mutually exclusive with "
                "drop_last"
            )
        if sampler is None:
            if self._iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if batch_sampler is not None else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self._iterator: _LoaderIter | None = None
        self._initialized = True

    def __setattr__(self, attr: str, value: Any) -> None:
        if attr in self._FROZEN and getattr(self, "_initialized", False):
            raise ValueError(
                f"{attr} attribute should not be set after {type(self).__name__} is initialized"
            )
        super().__setattr__(attr, value)

    def __len__(self) -> int:
        if not self._iterable:
            return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)
        n = len(self.dataset)
        if self.batch_size is None:
            return n
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self) -> _LoaderIter:
        if self.persistent_workers and self.num_workers > 0:  # one iterator for all epochs,
            if self._iterator is None:  # as PyTorch's (its workers' seed is drawn once)
                self._iterator = _LoaderIter(self)
            else:
                self._iterator._reset()
            return self._iterator
        return _LoaderIter(self)

    def _batches(self, workers: list) -> Iterator[Any]:
        if not self._iterable:
            if not workers:
                return map(self._fetch, self._indices())
            turns = itertools.cycle(workers)  # batch k from worker k mod n
            return (_in(next(turns), self._fetch, i) for i in self._indices())
        if not workers:
            return self._iterable_batches(iter(self.dataset))
        return _round_robin([(w, self._iterable_batches(_in(w, iter, w.info.dataset)))
                             for w in workers])  # fmt: skip

    def _indices(self) -> Iterable:
        return self.sampler if self.batch_sampler is None else self.batch_sampler

    def _iterable_batches(self, items: Iterator) -> Iterator[Any]:
        if self.batch_sampler is None:
            yield from map(self.collate_fn, items)
            return
        for indices in self.batch_sampler:  # lists of None: only their lengths count
            batch = list(itertools.islice(items, len(indices)))
            if not batch or (self.drop_last and len(batch) < len(indices)):
                return
            yield self.collate_fn(batch)

    def _fetch(self, indices: Any) -> Any:
        dataset = self.dataset if _running[0] is None else _running[0].dataset
        if self.batch_sampler is None:
            return self.collate_fn(dataset[indices])
        if (
            self.collate_fn is default_collate
            and type(dataset).__getitem__ is TensorDataset.__getitem__
            and not hasattr(dataset, "__getitems__")
        ):
            # one indexing op per tensor instead of stacking single rows: same batch, faster
            rows = np.asarray(indices, dtype=np.int64)
            return [t[rows] for t in dataset.tensors]
        return self.collate_fn(fetch_samples(dataset, indices))


def _in(worker: _Worker, fn: Callable, *args: Any) -> Any:
    with worker:
        return fn(*args)


def _round_robin(streams: list) -> Iterator[Any]:
    """The next batch of each worker's stream in turn; a worker whose stream ends drops out
    (PyTorch's order for an IterableDataset)."""
    while streams:
        for pair in list(streams):
            worker, batches = pair
            with worker:
                batch = next(batches, _END)
            if batch is _END:
                streams.remove(pair)
            else:
                yield batch


_END = object()


class _LoaderIter:
    """One pass over a loader's batches; ``len()`` is the loader's, as PyTorch's iterators."""

    def __init__(self, loader: DataLoader) -> None:
        self._loader = loader
        # the base seed PyTorch's iterator draws for its workers (also with none)
        base = int(full_range(generator(loader.generator, "DataLoader"), 1, np.dtype(np.int64))[0])
        self._workers = [_Worker(loader, i, base) for i in range(loader.num_workers)]
        self._batches = loader._batches(self._workers)

    def _reset(self) -> None:
        """The next epoch of a loader with persistent workers."""
        self._batches = self._loader._batches(self._workers)

    def __iter__(self) -> _LoaderIter:
        return self

    def __next__(self) -> Any:
        return next(self._batches)

    def __len__(self) -> int:
        return len(self._loader)


def _context(context: Any, num_workers: int) -> Any:
    """PyTorch's check of ``multiprocessing_context`` (a start method's name, or a context)."""
    if context is None:
        return None
    if num_workers <= 0:
        raise ValueError(
            "multiprocessing_context can only be used with multi-process loading "
            f"(num_workers > 0), but got num_workers={num_workers}"
        )
    if isinstance(context, str):
        methods = multiprocessing.get_all_start_methods()
        if context not in methods:
            raise ValueError(
                "multiprocessing_context option should specify a valid start method in "
                f"{methods!r}, but got multiprocessing_context={context!r}"
            )
        context = multiprocessing.get_context(context)
    if not isinstance(context, multiprocessing.context.BaseContext):
        raise TypeError(
            "multiprocessing_context option should be a valid context object or a string "
            f"specifying the start method, but got multiprocessing_context={context}"
        )
    return context
