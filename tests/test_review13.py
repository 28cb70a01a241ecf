"""Fixes from this session's review, torch-free: a batched Bregman KL is the KL of each
member, and a failed Cholesky factorization's partial factor still reproduces A's leading
block."""

import numpy as np

import minigrad as mg
from minigrad.distributions import Wishart, kl_divergence


def test_batched_wishart_kl_is_each_members():
    dfs = [3.0, 4.0, 5.0]
    eye = mg.eye(2, dtype=mg.float64)
    p = Wishart(mg.tensor(dfs, dtype=mg.float64), eye.expand(3, 2, 2))
    q = Wishart(mg.tensor([4.0] * 3, dtype=mg.float64), 2 * eye.expand(3, 2, 2))
    batched = kl_divergence(p, q).detach().numpy()
    single = [
        kl_divergence(
            Wishart(mg.tensor(d, dtype=mg.float64), eye),
            Wishart(mg.tensor(4.0, dtype=mg.float64), 2 * eye),
        ).item()
        for d in dfs
    ]
    np.testing.assert_allclose(batched, single, rtol=1e-12)


def test_failed_cholesky_keeps_the_factor_of_the_leading_block():
    M = np.random.default_rng(1).standard_normal((6, 6))
    A = M @ M.T
    A[3, 3] = -50.0
    L, info = mg.linalg.cholesky_ex(mg.tensor(A))
    assert info.item() == 4
    L = L.numpy()
    np.testing.assert_allclose(L[:3, :3] @ L[:3, :3].T, A[:3, :3], rtol=1e-12)
    np.testing.assert_array_equal(np.tril(L[4:, 4:]), np.tril(A[4:, 4:]))  # untouched


def test_relu_gradient_is_a_select_on_small_and_large_arrays():
    """g where x > 0 (or NaN), else +0 even for an inf or NaN g, as PyTorch: np.where on small
    arrays, a bitwise mask on large ones (the two paths of ops._pass_where)."""
    rng = np.random.default_rng(3)
    for shape in [(8, 4), (128, 128)]:
        for dtype in (mg.float32, mg.float64):
            X = rng.standard_normal(shape)
            X[0, 0] = np.nan
            G = rng.standard_normal(shape)
            G[X < 0] = np.where(rng.random((X < 0).sum()) < 0.5, np.inf, np.nan)
            x = mg.tensor(X, dtype=dtype, requires_grad=True)
            x.relu().backward(mg.tensor(G, dtype=dtype))
            want = np.where(np.isnan(X) | (X > 0), G, 0.0).astype(x.grad.numpy().dtype)
            np.testing.assert_array_equal(x.grad.numpy(), want)
            assert not np.signbit(x.grad.numpy()[X < 0]).any()
