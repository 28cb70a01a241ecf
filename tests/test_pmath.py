"""Torch-free checks for linalg norms and cond on empty inputs."""

import math

import numpy as np
import pytest

import minigrad as mg


def test_vector_norm_inf_over_nonempty_dim_of_empty_tensor():
    out = mg.linalg.vector_norm(mg.zeros(0, 3, 3), math.inf, dim=1)
    assert out.shape == (0, 3)
    with pytest.raises(RuntimeError):
        mg.linalg.vector_norm(mg.zeros(0, 3, 3), math.inf, dim=0)


@pytest.mark.parametrize("ord", [2, 1, math.inf])
def test_matrix_norm_max_ords_of_empty_matrix_are_zero(ord):
    out = mg.linalg.matrix_norm(mg.zeros(2, 0, 0, dtype=mg.float64), ord)
    np.testing.assert_array_equal(out.numpy(), np.zeros(2))


@pytest.mark.parametrize("p", [None, 2, -2, 1, math.inf])
def test_cond_of_empty_matrix_is_zero(p):
    out = mg.linalg.cond(mg.zeros(2, 0, 0, dtype=mg.float64), p)
    np.testing.assert_array_equal(out.numpy(), np.zeros(2))


@pytest.mark.parametrize("x", [1e-300, -1e-200, 1e-170])
def test_sinc_grad_is_finite_and_near_zero_for_tiny_x(x):
    """sinc'(x) = -π²x/3 + O(x³) near 0, so it is ~0 where x² underflows."""
    m = mg.tensor([x], dtype=mg.float64, requires_grad=True)
    mg.sinc(m).sum().backward()
    np.testing.assert_allclose(m.grad.numpy(), [-(math.pi**2) * x / 3], atol=1e-150)
