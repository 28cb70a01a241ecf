"""Generators, samplers and the full DataLoader: reproducible streams from a seeded
``mg.Generator``, independent of the default generator, and PyTorch's argument checks."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.data import (
    BatchSampler,
    DataLoader,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
    random_split,
)


def _draws(g):
    return (
        mg.randn(3, generator=g).tolist(),
        mg.rand(2, 2, generator=g).tolist(),
        mg.randint(0, 100, (5,), generator=g).tolist(),
        mg.randperm(7, generator=g).tolist(),
        mg.rand_like(mg.zeros(2), generator=g).tolist(),
        mg.randn_like(mg.zeros(2), generator=g).tolist(),
    )


def test_a_seeded_generator_repeats_its_stream():
    g = mg.Generator()
    assert g.manual_seed(42) is g
    first = _draws(g)
    assert _draws(mg.Generator().manual_seed(42)) == first
    assert _draws(g) != first  # the stream goes on
    assert _draws(mg.Generator().manual_seed(43)) != first
    assert g.initial_seed() == 42


def test_a_generator_leaves_the_default_stream_alone():
    mg.manual_seed(0)
    plain = mg.randn(4).tolist()
    mg.manual_seed(0)
    _draws(mg.Generator().manual_seed(1))
    random_split(range(10), [5, 5], generator=mg.Generator().manual_seed(1))
    assert mg.randn(4).tolist() == plain
    # and the default stream does not move the generator's
    mg.manual_seed(5)
    a = mg.randn(3, generator=mg.Generator().manual_seed(7)).tolist()
    mg.randn(10)
    assert mg.randn(3, generator=mg.Generator().manual_seed(7)).tolist() == a


def test_the_default_stream_is_cpps_mt19937():
    # C++ requires std::mt19937 seeded with 5489 to give 3499211612 first and 4123659995
    # as its 10,000th word; random_() of int32 keeps a word's low 31 bits
    mg.manual_seed(5489)
    words = mg.empty(10000, dtype=mg.int32).random_()
    assert words[0].item() == 3499211612 % 2**31 and words[-1].item() == 4123659995 % 2**31
    assert mg.manual_seed(3) is mg.default_generator and mg.initial_seed() == 3


def test_get_state_and_set_state_reproduce_the_stream():
    g = mg.Generator().manual_seed(5)
    mg.rand(3, generator=g)
    state = g.get_state()
    assert state.dtype == mg.uint8 and state.ndim == 1
    after = _draws(g)
    g.manual_seed(99)
    assert g.set_state(state) is g
    assert g.initial_seed() == 5 and _draws(g) == after
    mg.manual_seed(1)
    saved = mg.get_rng_state()
    a = mg.randn(5).tolist()
    mg.set_rng_state(saved)
    assert mg.randn(5).tolist() == a


def test_a_generator_state_after_an_odd_number_of_words_and_half_a_normal_pair():
    g = mg.Generator().manual_seed(2)
    mg.randint(0, 10, (1,), generator=g)  # one 32-bit word
    mg.randn(1, generator=g)  # keeps the pair's second sample for the next draw
    state = g.get_state()
    a = mg.randn(3, generator=g).tolist() + mg.randint(0, 2**31, (4,), generator=g).tolist()
    g.set_state(state)
    assert mg.randn(3, generator=g).tolist() + mg.randint(0, 2**31, (4,), generator=g).tolist() == a


def test_seed_draws_a_new_seed_and_returns_it():
    g = mg.Generator()
    assert g.initial_seed() == 67280421310721
    s = g.seed()
    assert g.initial_seed() == s and 0 <= s < 2**64
    assert (
        mg.rand(3, generator=g).tolist()
        == mg.rand(3, generator=mg.Generator().manual_seed(s)).tolist()
    )


def test_generator_errors():
    g = mg.Generator(device="cpu")
    with pytest.raises(RuntimeError, match="manual_seed expected a long, but got float"):
        g.manual_seed(1.5)
    with pytest.raises(ValueError, match="seed"):
        g.manual_seed(2**64)
    assert g.manual_seed(-1).initial_seed() == 2**64 - 1
    with pytest.raises(TypeError, match="ByteTensor"):
        g.set_state(mg.zeros(48))
    with pytest.raises(TypeError, match="ByteTensor"):
        g.set_state([0] * 48)
    with pytest.raises(RuntimeError, match="size to be 3"):
        g.set_state(mg.zeros(3, dtype=mg.uint8))
    with pytest.raises(RuntimeError, match="cpu"):
        mg.Generator(device="cuda")
    with pytest.raises(TypeError, match="randn\\(\\): argument 'generator' must be Generator"):
        mg.randn(2, generator=object())
    with pytest.raises(TypeError, match="generator"):
        mg.randperm(2, generator=np.random.default_rng(0))


def test_random_split_and_init_draw_from_the_generator():
    parts = random_split(range(20), [0.5, 0.5], generator=mg.Generator().manual_seed(4))
    again = random_split(range(20), [10, 10], generator=mg.Generator().manual_seed(4))
    assert [p.indices for p in parts] == [p.indices for p in again]
    assert sorted(parts[0].indices + parts[1].indices) == list(range(20))
    w1 = mg.nn.init.normal_(mg.zeros(3, 4), generator=mg.Generator().manual_seed(8))
    w2 = mg.nn.init.kaiming_uniform_(mg.zeros(3, 4), generator=mg.Generator().manual_seed(8))
    w3 = mg.nn.init.normal_(mg.zeros(3, 4), generator=mg.Generator().manual_seed(8))
    assert w1.tolist() == w3.tolist() and w1.tolist() != w2.tolist()


def test_sequential_and_batch_samplers():
    assert list(SequentialSampler(range(4))) == [0, 1, 2, 3] and len(SequentialSampler("abc")) == 3
    batches = BatchSampler(SequentialSampler(range(7)), 3, False)
    assert list(batches) == [[0, 1, 2], [3, 4, 5], [6]] and len(batches) == 3
    batches = BatchSampler(SequentialSampler(range(7)), 3, drop_last=True)
    assert list(batches) == [[0, 1, 2], [3, 4, 5]] and len(batches) == 2
    assert list(BatchSampler(iter([5, 6]), 4, False)) == [[5, 6]]  # any iterable
    with pytest.raises(ValueError, match="batch_size should be a positive integer value"):
        BatchSampler(range(3), 0, False)
    with pytest.raises(ValueError, match="drop_last should be a boolean value"):
        BatchSampler(range(3), 2, 1)


def test_random_sampler_permutes_and_repeats_with_its_generator():
    s = RandomSampler(range(10), generator=mg.Generator().manual_seed(3))
    first, second = list(s), list(s)
    assert sorted(first) == sorted(second) == list(range(10)) and first != second
    again = RandomSampler(range(10), generator=mg.Generator().manual_seed(3))
    assert list(again) == first and len(again) == 10
    more = list(RandomSampler(range(4), num_samples=10, generator=mg.Generator()))
    assert len(more) == 10 and sorted(more[:8]) == [0, 0, 1, 1, 2, 2, 3, 3]
    assert len(set(more[8:])) == 2
    drawn = list(RandomSampler(range(3), replacement=True, num_samples=50))
    assert len(drawn) == 50 and set(drawn) == {0, 1, 2}
    # without a generator, as PyTorch's: one of its own, seeded with an int64 drawn from the
    # default generator
    mg.manual_seed(6)
    seed = mg.empty((), dtype=mg.int64).random_().item()
    expected = mg.randperm(9, generator=mg.Generator().manual_seed(seed)).tolist()
    mg.manual_seed(6)
    assert list(RandomSampler(range(9))) == expected


def test_random_sampler_errors():
    with pytest.raises(TypeError, match="replacement should be a boolean value"):
        RandomSampler(range(3), replacement=1)
    with pytest.raises(ValueError, match="num_samples should be a positive integer value"):
        RandomSampler(range(3), num_samples=0)
    with pytest.raises(ValueError, match="num_samples=0"):
        RandomSampler([])
    with pytest.raises(TypeError, match="generator"):
        list(RandomSampler(range(3), generator=object()))


def test_subset_random_sampler_shuffles_the_given_indices():
    s = SubsetRandomSampler([10, 20, 30, 40], generator=mg.Generator().manual_seed(1))
    a = list(s)
    assert sorted(a) == [10, 20, 30, 40] and len(s) == 4
    assert list(SubsetRandomSampler([10, 20, 30, 40], mg.Generator().manual_seed(1))) == a


def test_weighted_random_sampler_follows_the_weights():
    g = mg.Generator().manual_seed(0)
    drawn = list(WeightedRandomSampler([1.0, 0.0, 3.0], 4000, generator=g))
    assert len(drawn) == 4000 and set(drawn) == {0, 2}
    assert abs(drawn.count(2) / 4000 - 0.75) < 0.03
    s = WeightedRandomSampler(mg.tensor([5.0, 1.0, 0.0, 2.0]), 4, replacement=False, generator=g)
    assert sorted(list(s)) == [0, 1, 2, 3] and len(s) == 4
    assert list(s)[-1] == 2  # a zero weight comes only after every positive one
    firsts = [list(WeightedRandomSampler([9.0, 1.0], 1, False, g))[0] for _ in range(500)]
    assert 0.85 < firsts.count(0) / 500 < 0.95
    assert s.weights.dtype == mg.float64
    a = list(WeightedRandomSampler([1, 2, 3], 20, generator=mg.Generator().manual_seed(4)))
    assert list(WeightedRandomSampler([1, 2, 3], 20, generator=mg.Generator().manual_seed(4))) == a


def test_weighted_random_sampler_errors():
    with pytest.raises(ValueError, match="num_samples should be a positive integer value"):
        WeightedRandomSampler([1.0], True)
    with pytest.raises(ValueError, match="replacement should be a boolean value"):
        WeightedRandomSampler([1.0], 1, replacement=None)
    with pytest.raises(ValueError, match=r"weights should be a 1d sequence .* shape \(1, 2\)"):
        WeightedRandomSampler([[1.0, 2.0]], 1)
    with pytest.raises(RuntimeError, match="without replacement"):
        list(WeightedRandomSampler([1.0, 2.0], 3, replacement=False))
    with pytest.raises(RuntimeError, match="element < 0"):
        list(WeightedRandomSampler([-1.0, 2.0], 1))
    with pytest.raises(RuntimeError, match="sum of probabilities <= 0"):
        list(WeightedRandomSampler([0.0, 0.0], 1))


def test_a_custom_sampler_subclasses_sampler():
    class Evens(Sampler[int]):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            return iter(range(0, self.n, 2))

    assert list(BatchSampler(Evens(9), 2, False)) == [[0, 2], [4, 6], [8]]
    with pytest.raises(NotImplementedError):
        iter(Sampler())
    with pytest.raises(TypeError):
        len(Sampler())


def _rows(n=10):
    return TensorDataset(mg.arange(n), mg.arange(n) * 10)


def _firsts(loader):
    return [b[0].tolist() for b in loader]


def test_shuffle_draws_as_pytorchs_loader():
    # each pass: the base seed PyTorch's iterator draws, then the sampler's seed, then the
    # permutation from a generator of that seed
    mg.manual_seed(5)
    orders = [_firsts(DataLoader(_rows(11), batch_size=11, shuffle=True)) for _ in range(2)]
    mg.manual_seed(5)
    expected = []
    for _ in range(2):
        mg.empty((), dtype=mg.int64).random_()
        seed = mg.empty((), dtype=mg.int64).random_().item()
        expected.append([mg.randperm(11, generator=mg.Generator().manual_seed(seed)).tolist()])
    assert orders == expected and orders[0] != orders[1]


def test_a_loader_shuffles_with_its_generator():
    loader = DataLoader(
        _rows(), batch_size=3, shuffle=True, generator=mg.Generator().manual_seed(1)
    )
    mg.manual_seed(0)
    first, second = _firsts(loader), _firsts(loader)
    assert first != second  # a new order every epoch
    assert sorted(sum(first, [])) == list(range(10)) and [len(b) for b in first] == [3, 3, 3, 1]
    mg.manual_seed(123)  # the default generator plays no part
    again = DataLoader(_rows(), 3, True, generator=mg.Generator().manual_seed(1))
    assert [_firsts(again), _firsts(again)] == [first, second]
    assert (
        isinstance(loader.sampler, RandomSampler) and loader.sampler.generator is loader.generator
    )


def test_loader_takes_pytorchs_positional_order_and_samplers():
    ds = _rows(7)
    loader = DataLoader(ds, 2, False, SubsetRandomSampler([6, 0, 3]), None, 0, None, False, True)
    assert loader.drop_last is True and len(loader) == 1 and len(_firsts(loader)[0]) == 2
    batches = BatchSampler(SequentialSampler(ds), 3, False)
    loader = DataLoader(ds, batch_sampler=batches)
    assert (
        loader.batch_size is None and loader.batch_sampler is batches and loader.drop_last is False
    )
    assert _firsts(loader) == [[0, 1, 2], [3, 4, 5], [6]] and len(loader) == 3
    assert _firsts(DataLoader(ds, batch_sampler=[[4, 1], [2]])) == [[4, 1], [2]]
    loader = DataLoader(ds, batch_size=None, sampler=[5, 2])
    assert [x.tolist() for x, _ in loader] == [5, 2] and len(loader) == 2
    assert isinstance(DataLoader(ds).sampler, SequentialSampler)
    assert DataLoader(ds).collate_fn is mg.data.default_collate
    assert DataLoader(ds, batch_size=None).collate_fn is mg.data.default_convert


def test_a_dataset_with_getitems_fetches_a_batch_at_once():
    class Batched(mg.data.Dataset):
        calls = []

        def __getitems__(self, indices):
            self.calls.append(indices)
            return [i * 2 for i in indices]

        def __len__(self):
            return 5

    loader = DataLoader(Batched(), batch_size=2)
    assert [b.tolist() for b in loader] == [[0, 2], [4, 6], [8]]
    assert Batched.calls == [[0, 1], [2, 3], [4]]


def test_loader_argument_errors():
    ds = _rows(4)
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        DataLoader(ds, shuffle=True, sampler=[0, 1])
    for kwargs in ({"batch_size": 2}, {"shuffle": True}, {"sampler": [0]}, {"drop_last": True}):
        with pytest.raises(ValueError, match="batch_sampler option is mutually exclusive"):
            DataLoader(ds, batch_sampler=[[0]], **kwargs)
    with pytest.raises(ValueError, match="timeout option should be non-negative"):
        DataLoader(ds, timeout=-1)
    with pytest.raises(ValueError, match="prefetch_factor option could only be specified"):
        DataLoader(ds, prefetch_factor=2)
    with pytest.raises(ValueError, match="persistent_workers option needs num_workers > 0"):
        DataLoader(ds, persistent_workers=True)
    with pytest.raises(ValueError, match="multiprocessing_context can only be used"):
        DataLoader(ds, multiprocessing_context="spawn")
    with pytest.raises(ValueError, match="valid start method"):
        DataLoader(ds, num_workers=1, multiprocessing_context="nope")
    with pytest.raises(TypeError, match="valid context object"):
        DataLoader(ds, num_workers=1, multiprocessing_context=3)
    loader = DataLoader(ds, num_workers=2, persistent_workers=True, multiprocessing_context="spawn")
    assert loader.prefetch_factor == 2 and len(_firsts(loader)) == 4  # loaded in this process
    with pytest.raises(ValueError, match="batch_size attribute should not be set after"):
        loader.batch_size = 3
    loader.num_workers = 0  # not one of the frozen attributes


class _Count(mg.data.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))


class _Sized(_Count):
    def __len__(self):
        return self.n


def test_iterable_datasets_are_batched_in_order():
    assert [b.tolist() for b in DataLoader(_Count(7), batch_size=3)] == [[0, 1, 2], [3, 4, 5], [6]]
    loader = DataLoader(_Count(7), batch_size=3, drop_last=True)
    assert [b.tolist() for b in loader] == [[0, 1, 2], [3, 4, 5]]
    assert list(DataLoader(_Count(3), batch_size=None)) == [0, 1, 2]
    assert [b.tolist() for b in DataLoader(_Count(2))] == [[0], [1]]
    with pytest.raises(TypeError):
        len(DataLoader(_Count(3)))
    assert len(DataLoader(_Sized(7), batch_size=3)) == 3
    assert len(DataLoader(_Sized(7), batch_size=3, drop_last=True)) == 2
    with pytest.raises(ValueError, match="expected unspecified shuffle option"):
        DataLoader(_Count(3), shuffle=True)
    with pytest.raises(ValueError, match="expected unspecified sampler option"):
        DataLoader(_Count(3), sampler=[0])
    with pytest.raises(TypeError, match="abstract"):
        mg.data.IterableDataset()
    assert mg.data.get_worker_info() is None


def test_chain_concat_and_stack_datasets():
    chain = _Count(2) + _Sized(3)
    assert isinstance(chain, mg.data.ChainDataset) and list(chain) == [0, 1, 0, 1, 2]
    with pytest.raises(TypeError):
        len(chain)
    assert len(mg.data.ChainDataset([_Sized(2), _Sized(3)])) == 5
    with pytest.raises(AssertionError, match="ChainDataset only supports IterableDataset"):
        list(mg.data.ChainDataset([_Sized(1), [1]]))
    concat = _rows(3) + _rows(2)
    assert isinstance(concat, mg.data.ConcatDataset) and concat.cumulative_sizes == [3, 5]
    assert [int(concat[i][1]) for i in range(-5, 5)] == [0, 10, 20, 0, 10] * 2
    with pytest.raises(ValueError, match="absolute value of index"):
        concat[-6]
    with pytest.raises(AssertionError, match="does not support IterableDataset"):
        mg.data.ConcatDataset([_rows(2), _Sized(2)])
    assert _firsts(DataLoader(concat, batch_size=4)) == [[0, 1, 2, 0], [1]]
    stack = mg.data.StackDataset(_rows(3), range(3))
    assert len(stack) == 3 and stack[1][1] == 1 and int(stack[1][0][1]) == 10
    named = mg.data.StackDataset(x=range(3), y=range(10, 13))
    assert named[2] == {"x": 2, "y": 12}
    assert [b["y"].tolist() for b in DataLoader(named, batch_size=2)] == [[10, 11], [12]]
    with pytest.raises(ValueError, match="Size mismatch between datasets"):
        mg.data.StackDataset(range(2), range(3))
