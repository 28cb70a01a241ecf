"""Fixes from this session's review, against PyTorch: cholesky_ex's partial factor where
the factorization fails, solve_triangular of an integer or float16 B, Gamma's log_prob of a
value of another dtype, poisson of a 0-d rate."""

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()
nan = float("nan")


@pytest.mark.parametrize(
    "A",
    [
        [[4.0, 2.0, 1.0], [2.0, -3.0, 0.5], [1.0, 0.5, 2.0]],
        [[4.0, 2.0, 1.0], [2.0, 5.0, 0.5], [1.0, 0.5, nan]],
        [[nan, 0.0], [0.0, 1.0]],
        [[4.0, nan], [nan, 5.0]],
        [[1.0, 2.0], [2.0, 1.0]],
        [[0.0, 0.0], [0.0, 0.0]],
        [[-1.0, 3.0], [7.0, 2.0]],
        [[[4.0, 2.0], [2.0, 5.0]], [[1.0, 2.0], [2.0, 1.0]]],
    ],
)
def test_cholesky_ex_where_it_fails_as_torch(A):
    got = mg.linalg.cholesky_ex(mg.tensor(A, dtype=mg.float64))
    want = torch.linalg.cholesky_ex(torch.tensor(A, dtype=torch.float64))
    np.testing.assert_array_equal(got.L.numpy(), want.L.numpy())
    assert got.info.tolist() == want.info.tolist()


def test_cholesky_ex_partial_factor_of_a_larger_matrix_as_torch():
    M = np.random.default_rng(0).standard_normal((40, 40))
    A = M @ M.T
    A[20, 20] -= 1e4
    got, want = mg.linalg.cholesky_ex(mg.tensor(A)), torch.linalg.cholesky_ex(torch.tensor(A))
    assert got.info.item() == want.info.item() == 21
    np.testing.assert_allclose(got.L.numpy(), want.L.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", ["int64", "float16", "float64"])
def test_solve_triangular_casts_b_to_as_dtype_as_torch(dtype):
    A, B = [[2.0, 0.0], [1.0, 3.0]], [[1], [2]]
    got = mg.linalg.solve_triangular(
        mg.tensor(A), mg.tensor(B, dtype=getattr(mg, dtype)), upper=False
    )
    want = torch.linalg.solve_triangular(
        torch.tensor(A), torch.tensor(B, dtype=getattr(torch, dtype)), upper=False
    )
    assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1]
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)


def test_gamma_log_prob_casts_the_value_to_its_dtype_as_torch():
    for lib in (mg, torch):
        g = lib.distributions.Gamma(lib.tensor([1.0, 2.0]), 1.0)
        out = g.log_prob(lib.tensor([1.0, 2.0], dtype=lib.float64))
        assert str(out.dtype).endswith("float32")
        chi = lib.distributions.Chi2(lib.tensor([1.0, 2.0]))
        assert str(chi.log_prob(lib.tensor([1.0, 2.0], dtype=lib.float64)).dtype).endswith(
            "float32"
        )


def test_poisson_of_a_0d_rate_as_torch():
    got, want = mg.poisson(mg.tensor(3.0)), torch.poisson(torch.tensor(3.0))
    assert got.shape == tuple(want.shape) == () and got.dtype == mg.float32
    sample = mg.distributions.NegativeBinomial(3.0, probs=0.5).sample()
    assert sample.shape == () and sample.item() >= 0
