"""The in-place random fills draw from minigrad's generator: their range and moments, and
the same numbers under the same seed."""

import numpy as np
import pytest

import minigrad as mg


def test_uniform_is_in_its_range_and_seeded():
    mg.manual_seed(3)
    a = mg.zeros(20000, dtype=mg.float64).uniform_(-2.0, 3.0).numpy()
    mg.manual_seed(3)
    b = mg.zeros(20000, dtype=mg.float64).uniform_(-2.0, 3.0).numpy()
    np.testing.assert_array_equal(a, b)
    assert a.min() >= -2.0 and a.max() < 3.0
    assert a.mean() == pytest.approx(0.5, abs=0.05)


def test_normal_and_exponential_moments():
    g = mg.Generator().manual_seed(7)
    x = mg.zeros(40000, dtype=mg.float64).normal_(1.5, 2.0, generator=g).numpy()
    assert x.mean() == pytest.approx(1.5, abs=0.05) and x.std() == pytest.approx(2.0, abs=0.05)
    e = mg.zeros(40000, dtype=mg.float64).exponential_(4.0, generator=g).numpy()
    assert e.min() > 0 and e.mean() == pytest.approx(0.25, abs=0.01)


def test_bernoulli_frequency_and_dtype():
    mg.manual_seed(0)
    b = mg.zeros(20000, dtype=mg.int64).bernoulli_(0.3)
    assert b.dtype == mg.int64 and set(np.unique(b.numpy())) <= {0, 1}
    assert b.numpy().mean() == pytest.approx(0.3, abs=0.02)


def test_fills_move_the_version_so_a_saved_tensor_refuses_backward():
    x = mg.ones(3, requires_grad=True)
    y = x * 1
    z = y.exp()  # saves its output, z
    z.uniform_()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()
