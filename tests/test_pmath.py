"""Torch-free checks for linalg norms and cond on empty inputs."""

import math

import pytest

import minigrad as mg


def test_vector_norm_inf_over_nonempty_dim_of_empty_tensor():
    out = mg.linalg.vector_norm(mg.zeros(0, 3, 3), math.inf, dim=1)
    assert out.shape == (0, 3)
    with pytest.raises(RuntimeError):
        mg.linalg.vector_norm(mg.zeros(0, 3, 3), math.inf, dim=0)
