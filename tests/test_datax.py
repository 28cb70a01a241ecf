"""Generators, samplers and the full DataLoader: reproducible streams from a seeded
``mg.Generator``, independent of the default generator, and PyTorch's argument checks."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.data import random_split


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


def test_the_default_stream_is_unchanged_by_the_generator_argument():
    mg.manual_seed(11)
    expected = np.random.default_rng(11)
    assert np.allclose(mg.randn(3, dtype=mg.float64).data, expected.standard_normal(3))
    assert mg.randperm(5).tolist() == expected.permutation(5).tolist()
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


def test_a_generator_state_after_an_odd_number_of_32_bit_draws():
    g = mg.Generator().manual_seed(2)
    g._rng.integers(0, 10, dtype=np.int32)  # NumPy caches half of a 64-bit draw
    state = g.get_state()
    a = g._rng.integers(0, 2**31, 4, dtype=np.int32).tolist()
    g.set_state(state)
    assert g._rng.integers(0, 2**31, 4, dtype=np.int32).tolist() == a


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
