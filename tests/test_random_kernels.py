"""minigrad's draws from their definitions, without PyTorch: the Mersenne Twister's words,
the formulas that turn them into numbers (test_torch_oracle_random.py holds them against
PyTorch's), the generator's state, and the float arithmetic the kernels need."""

from fractions import Fraction

import numpy as np
import pytest

import minigrad as mg
from minigrad import random_kernels as rk


def test_uniforms_are_words_scaled():
    mg.manual_seed(1)
    words = mg.empty(8, dtype=mg.int64).random_(0, 2**24).numpy()  # w mod 2^24: low 24 bits
    mg.manual_seed(1)
    u = mg.rand(8).numpy()
    np.testing.assert_array_equal(u, (words * 2.0**-24).astype(np.float32))
    mg.manual_seed(1)
    u64 = mg.rand(4, dtype=mg.float64).numpy()
    mg.manual_seed(1)
    w = mg.empty(8, dtype=mg.int64).random_(0, 2**27).numpy()  # w mod 2^27 of each word
    # a double takes the low 53 bits of (first << 32 | second): the low 21 bits of the first
    # word above all 32 of the second
    top, low = u64 * 2.0**53 // 2**32, u64 * 2.0**53 % 2**27
    np.testing.assert_array_equal(top, w[0::2] % 2**21)
    np.testing.assert_array_equal(low, w[1::2])


def test_small_ranges_take_one_word_and_large_ones_two():
    mg.manual_seed(2)
    words = mg.empty(6, dtype=mg.int32).random_().numpy()  # each word's low 31 bits
    mg.manual_seed(2)
    small = mg.randint(0, 2**27, (6,)).numpy()
    np.testing.assert_array_equal(small, words % 2**27)
    mg.manual_seed(2)
    large = mg.randint(0, 2**28, (3,)).numpy()  # from 2^28 on: a 64-bit word per number
    np.testing.assert_array_equal(large, words[1::2] % 2**28)


@pytest.mark.parametrize("dtype", [mg.float32, mg.float64])
def test_a_few_normals_are_box_muller_pairs_of_doubles(dtype):
    mg.manual_seed(3)
    u1, u2, u3, u4 = mg.rand(4, dtype=mg.float64).tolist()
    mg.manual_seed(3)
    z = mg.randn(3, dtype=dtype).numpy()
    r, theta = np.sqrt(-2 * np.log1p(-u2)), 2 * np.pi * u1
    expected = [r * np.cos(theta), r * np.sin(theta), np.sqrt(-2 * np.log1p(-u4)) * np.cos(
        2 * np.pi * u3)]  # fmt: skip
    np.testing.assert_allclose(z, np.array(expected, dtype), rtol=1e-15 if dtype == mg.float64
                               else 1e-7)  # fmt: skip
    # the third pair's sine waits in the generator for the next small draw, and in its state
    state = mg.get_rng_state()
    following = mg.randn(1, dtype=mg.float64).item()
    assert following == pytest.approx(np.sqrt(-2 * np.log1p(-u4)) * np.sin(2 * np.pi * u3))
    mg.set_rng_state(state)
    assert mg.randn(1, dtype=mg.float64).item() == following


def test_sixteen_or_more_normals_are_filled_sixteen_at_a_time():
    mg.manual_seed(4)
    u = mg.rand(40, dtype=mg.float64).numpy()
    mg.manual_seed(4)
    z = mg.randn(40, dtype=mg.float64).numpy()

    def sixteen(v):
        r, theta = np.sqrt(-2 * np.log(1 - v[:8])), 2 * np.pi * v[8:]
        return np.concatenate([r * np.cos(theta), r * np.sin(theta)])

    # two whole groups; the tail's redraw below then overwrites the last 16 places
    np.testing.assert_allclose(z[:24], np.concatenate([sixteen(u[:16]), sixteen(u[16:32])])[:24],
                               rtol=1e-14)  # fmt: skip
    mg.manual_seed(4)
    mg.rand(40, dtype=mg.float64)
    tail = mg.rand(16, dtype=mg.float64).numpy()  # 40 is no multiple of 16: a redrawn tail
    np.testing.assert_allclose(z[24:], sixteen(tail), rtol=1e-14)


def test_float32_log_sin_cos_are_within_two_ulps():
    x = np.random.default_rng(0).random(200_000).astype(np.float32)
    x = np.concatenate([x, np.float32(1) - x, np.array([1.0, 2**-24, 0.5], np.float32)])
    ulp = np.spacing(np.abs(np.log(x.astype(np.float64))).astype(np.float32))
    log_err = np.abs(rk._log_ps(x).astype(np.float64) - np.log(x.astype(np.float64)))
    assert np.all(log_err <= 2 * np.maximum(ulp, np.spacing(np.float32(1e-7))))
    theta = (np.float32(2 * np.pi) * x).astype(np.float32)
    sin, cos = rk._sincos_ps(theta)
    t64 = theta.astype(np.float64)
    assert np.max(np.abs(sin - np.sin(t64))) < 2.5e-7
    assert np.max(np.abs(cos - np.cos(t64))) < 2.5e-7


def test_fused_multiply_add_rounds_once():
    rng = np.random.default_rng(5)
    a, b, c = (rng.standard_normal(3000) * 10.0 ** rng.integers(-8, 8, 3000) for _ in range(3))
    got = rk.fma(a, b, c, np.dtype(np.float64))
    exact = [float(Fraction(x) * Fraction(y) + Fraction(z)) for x, y, z in zip(a, b, c)]
    np.testing.assert_array_equal(got, exact)  # float() of a Fraction rounds to nearest
    a32, b32, c32 = (v.astype(np.float32) for v in (a, b, c))
    got32 = rk.fma(a32, b32, c32, np.dtype(np.float32))
    exact32 = [np.float32(Fraction(float(x)) * Fraction(float(y)) + Fraction(float(z)))
               for x, y, z in zip(a32, b32, c32)]  # fmt: skip
    assert np.mean(got32 == np.array(exact32, np.float32)) > 0.999  # double rounding, rarely


def test_a_view_is_filled_in_the_order_of_its_memory():
    mg.manual_seed(6)
    flat = mg.rand(12, dtype=mg.float64).numpy()
    mg.manual_seed(6)
    base = mg.zeros(3, 4, dtype=mg.float64)
    base.t().uniform_()  # its memory is base's: row after row of base
    np.testing.assert_array_equal(base.numpy().reshape(-1), flat)


def test_permutations_and_samplers_are_permutations():
    mg.manual_seed(7)
    for n in (0, 1, 2, 50):
        assert sorted(mg.randperm(n).tolist()) == list(range(n))
    counts = np.bincount(mg.multinomial(mg.tensor([1.0, 2.0, 0.0, 5.0]), 8000, True).numpy(),
                         minlength=4)  # fmt: skip
    assert counts[2] == 0 and abs(counts[3] / 8000 - 5 / 8) < 0.03
    picked = mg.multinomial(mg.tensor([0.0, 1.0, 3.0, 0.0]), 2).tolist()
    assert sorted(picked) == [1, 2]


def test_states_round_trip_and_have_pytorchs_size():
    g = mg.Generator().manual_seed(9)
    state = g.get_state()
    assert state.dtype == mg.uint8 and state.numel() == 5056
    first = mg.randn(21, generator=g).tolist() + mg.randn(3, generator=g).tolist()
    g.set_state(state)
    assert mg.randn(21, generator=g).tolist() + mg.randn(3, generator=g).tolist() == first
    assert g.initial_seed() == 9
    with pytest.raises(RuntimeError, match="5056"):
        g.set_state(mg.zeros(48, dtype=mg.uint8))
    with pytest.raises(TypeError, match="ByteTensor"):
        g.set_state(mg.zeros(5056))


def test_seeds_wrap_to_64_bits_and_use_the_low_32():
    assert mg.manual_seed(-1).initial_seed() == 2**64 - 1
    a = mg.randn(5).tolist()
    mg.manual_seed(2**64 - 1)
    assert mg.randn(5).tolist() == a
    mg.manual_seed(2**32 + 5)  # the twister takes the seed's low 32 bits
    b = mg.rand(4).tolist()
    mg.manual_seed(5)
    assert mg.rand(4).tolist() == b


def test_fork_rng_restores_the_default_generator():
    mg.manual_seed(13)
    with mg.random.fork_rng():
        inside = mg.randn(4).tolist()
    assert mg.randn(4).tolist() == inside
    with mg.random.fork_rng(enabled=False):
        mg.randn(4)
    assert mg.randn(4).tolist() != inside


def test_poisson_refuses_rates_it_cannot_count_to():
    with pytest.raises(RuntimeError, match="too large to draw from"):
        mg.poisson(mg.tensor([1.0, float("inf")]))
    with pytest.raises(RuntimeError, match="too large to draw from"):
        mg.poisson(mg.tensor([1e6], dtype=mg.float16))  # inf in float16


def test_rejection_samplers_leave_the_twister_after_the_words_they_read():
    # a sampler reads its doubles ahead in blocks; what it did not read is drawn again
    mg.manual_seed(14)
    a = mg.poisson(mg.full((5,), 3.0))
    after = mg.rand(4, dtype=mg.float64).tolist()
    mg.manual_seed(14)
    assert mg.poisson(mg.full((5,), 3.0)).tolist() == a.tolist()
    assert mg.rand(4, dtype=mg.float64).tolist() == after
    # the counts are those of multiplying uniforms until the product falls to e^-3
    mg.manual_seed(14)
    u = mg.rand(200, dtype=mg.float64).tolist()
    counts, prod, k = [], 1.0, 0
    for v in u:
        prod *= v
        if prod <= np.exp(-3.0):
            counts.append(float(k))
            prod, k = 1.0, 0
        else:
            k += 1
    assert a.tolist() == counts[:5]
