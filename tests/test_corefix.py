"""Torch-free regression tests for review findings in linalg, special and surface ops."""

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad.special_functions import _igam_series, _igamc_fraction, gammainc


def leaf(a):
    return mg.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)


# 1. eigh / svd: d(Σ w λ)/dA = V diag(w) Vᵀ, finite at repeated eigenvalues


@pytest.mark.parametrize("a", [np.eye(3), np.diag([1.0, 1.0, 2.0]), np.diag([3.0, 1.0, 1.0])])
def test_eigvalsh_gradient_is_v_diag_w_vt(a):
    A = leaf(a)
    w = np.array([1.0, 2.0, 3.0])
    (mg.linalg.eigvalsh(A) * mg.tensor(w)).sum().backward()
    lam, V = np.linalg.eigh(a)
    np.testing.assert_allclose(A.grad.numpy(), V @ np.diag(w) @ V.T, atol=1e-12)


def test_sum_of_eigenvalues_is_the_trace():
    A = leaf(np.eye(4))
    mg.linalg.eigh(A)[0].sum().backward()
    np.testing.assert_allclose(A.grad.numpy(), np.eye(4), atol=1e-12)


@pytest.mark.parametrize("full", [True, False])
def test_svd_sum_of_singular_values_at_identity(full):
    A = leaf(np.eye(3))
    mg.linalg.svd(A, full_matrices=full)[1].sum().backward()
    np.testing.assert_allclose(A.grad.numpy(), np.eye(3), atol=1e-12)


@pytest.mark.parametrize("shape", [(4, 3), (3, 4)])
def test_svd_values_gradcheck(shape):
    a = np.random.default_rng(0).standard_normal(shape)
    assert mg.gradcheck(lambda x: mg.linalg.svd(x)[1], (leaf(a),))
    assert mg.gradcheck(lambda x: mg.linalg.eigh(x @ x.mT)[0], (leaf(a),))


def test_spectral_function_gradient_at_repeated_eigenvalues():
    """d tr(A²)/dA = 2A for symmetric A, with eigenvalues 0, 0, 3 of ones(3, 3)."""
    A = leaf(np.ones((3, 3)))
    lam = mg.linalg.eigvalsh(A)
    (lam * lam).sum().backward()
    np.testing.assert_allclose(A.grad.numpy(), 2 * np.ones((3, 3)), atol=1e-12)


# 2. zeta: dζ(x, q)/dq = -x ζ(x + 1, q)


@pytest.mark.parametrize("x", [1.5, 2.0, 3.5])
def test_zeta_gradcheck_in_q(x):
    q = leaf([0.4, 1.0, 2.5, 6.0])
    assert mg.gradcheck(lambda q: mg.special.zeta(x, q), (q,))


def test_zeta_q_derivative_of_riemann_zeta_via_shift():
    """ζ(s, q) - ζ(s, q + 1) = q^-s, so their q-derivatives differ by -s q^-(s+1)."""
    q0 = np.array([0.7, 1.3, 2.0])
    q1, q2 = leaf(q0), leaf(q0 + 1)
    mg.special.zeta(3.0, q1).sum().backward()
    mg.special.zeta(3.0, q2).sum().backward()
    np.testing.assert_allclose(q1.grad.numpy() - q2.grad.numpy(), -3 * q0**-4, rtol=1e-12)


# 3. renorm with p = inf scales each slice's max |x| down to maxnorm


def test_renorm_inf_caps_max_abs_of_each_slice():
    x = np.random.default_rng(0).standard_normal((5, 3)) * 3
    out = mg.renorm(mg.tensor(x), float("inf"), 1, 1.0).numpy()
    peak = np.abs(x).max(0)
    expect = np.where(peak > 1.0, x / (peak + 1e-7), x)
    np.testing.assert_allclose(out, expect, rtol=1e-14)
    assert (np.abs(out).max(0) <= 1.0).all()


def test_renorm_inf_gradcheck():
    x = leaf(np.random.default_rng(1).standard_normal((3, 4)) * 2)
    assert mg.gradcheck(lambda t: mg.renorm(t, float("inf"), 0, 0.9), (x,))


# 4. linalg.norm with a string ord and no dim refuses inputs that are not 1-D or 2-D


@pytest.mark.parametrize("ord", ["fro", "nuc", 2])
@pytest.mark.parametrize("shape", [(2, 2, 2), ()])
def test_norm_ord_without_dim_needs_1d_or_2d(ord, shape):
    with pytest.raises(RuntimeError, match="1D or 2D"):
        mg.linalg.norm(mg.ones(shape), ord)
    assert mg.linalg.norm(mg.ones(2, 2), "fro").item() == 2.0


# 5. logdet: NaN where det A < 0, and no gradient flows from there


def test_logdet_of_negative_determinant_is_nan_with_zero_gradient():
    A = leaf([[0.0, 1.0], [1.0, 0.0]])
    y = mg.logdet(A)
    y.backward()
    assert np.isnan(y.item())
    np.testing.assert_array_equal(A.grad.numpy(), np.zeros((2, 2)))


def test_logdet_gradient_is_inverse_transpose_where_det_positive():
    a = np.array([[2.0, 0.5], [0.3, 1.0]])
    A = leaf(a)
    mg.logdet(A).backward()
    np.testing.assert_allclose(A.grad.numpy(), np.linalg.inv(a).T, rtol=1e-13)
    assert mg.gradcheck(mg.logdet, (leaf(a),))


# 6. triangular_solve's second output has the solution's batch shape


def test_triangular_solve_coefficient_is_a_per_batch_copy():
    a = np.tril(np.random.default_rng(0).standard_normal((3, 3))) + 3 * np.eye(3)
    b = np.random.default_rng(1).standard_normal((2, 5, 3, 2))
    X, M = mg.triangular_solve(mg.tensor(b), mg.tensor(a), upper=False)
    assert X.shape == (2, 5, 3, 2) and M.shape == (2, 5, 3, 3)
    np.testing.assert_array_equal(M.numpy(), np.broadcast_to(a, (2, 5, 3, 3)))
    np.testing.assert_allclose(np.tril(a) @ X.numpy(), b, atol=1e-12)


# 7. incomplete gamma for large a near x (Temme's uniform expansion)


@pytest.mark.parametrize("a", [21.0, 35.5, 80.0, 150.0, 199.0])
@pytest.mark.parametrize("ratio", [0.75, 0.9, 1.0, 1.1, 1.25])
def test_temme_region_agrees_with_series_and_fraction(a, ratio):
    """Below a = 200 the series (x < a + 1) and continued fraction are still accurate, so
    Temme's expansion, used there for |x - a| < 0.3 a, must agree with them."""
    A, X = np.array([a]), np.array([a * ratio])
    if X[0] < a + 1:
        direct = _igam_series(A, X)
        np.testing.assert_allclose(gammainc(A, X), direct, rtol=2e-13)
    else:
        direct = _igamc_fraction(A, X)
        np.testing.assert_allclose(gammainc(A, X, upper=True), direct, rtol=2e-13)


@pytest.mark.parametrize("a", [1e6, 1e8, 1e10, 1e14, 1e16, 1e20])
def test_incomplete_gamma_at_x_equals_a(a):
    """P(a, a) = 1/2 + 1/(3 √(2π a)) + O(a^-3/2) (DLMF 8.12.12 at η = 0: c_0 = -1/3)."""
    p = gammainc(np.array([a]), np.array([a]))[0]
    q = gammainc(np.array([a]), np.array([a]), upper=True)[0]
    assert abs(p - (0.5 + 1 / (3 * np.sqrt(2 * np.pi * a)))) < 1 / a
    assert abs(p + q - 1) < 1e-15


@pytest.mark.parametrize("a", [1e6, 1e12, 1e18])
@pytest.mark.parametrize("z", [-3.0, -1.0, 0.5, 2.0])
def test_incomplete_gamma_tends_to_the_normal(a, z):
    """Γ(a) is a sum of a unit exponentials: P(a, a + z √a) → Φ(z), error O(a^-1/2)."""
    p = gammainc(np.array([a]), np.array([a + z * np.sqrt(a)]))[0]
    phi = 0.5 * (1 + math.erf(z / math.sqrt(2)))
    assert abs(p - phi) < 1 / np.sqrt(a)
    assert np.isfinite(p)


def test_incomplete_gamma_elements_converge_independently():
    """A slow element (a = 1e5, x = 0.97 a, ~2000 series terms) among fast ones: each
    element's value is what it gets alone."""
    A = np.array([2.0, 1e5, 0.5, 3.0, 40.0])
    X = np.array([1.5, 0.97e5, 2.0, 9.0, 70.0])
    together = gammainc(A, X)
    alone = [gammainc(A[i : i + 1], X[i : i + 1])[0] for i in range(A.size)]
    np.testing.assert_array_equal(together, alone)
    assert 0 < together[1] < 1e-3


# 8. lstsq: residuals ‖A X - B‖² per column and σ(A), by driver


@pytest.mark.parametrize("driver", ["gels", "gelsd", "gelss"])
def test_lstsq_residuals_are_the_squared_misfit(driver):
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((6, 3)), rng.standard_normal((6, 2))
    out = mg.linalg.lstsq(mg.tensor(a), mg.tensor(b), driver=driver)
    x = np.linalg.lstsq(a, b, rcond=None)[0]
    np.testing.assert_allclose(out.solution.numpy(), x, rtol=1e-12)
    np.testing.assert_allclose(out.residuals.numpy(), ((a @ x - b) ** 2).sum(0), rtol=1e-12)
    if driver == "gels":
        assert out.singular_values.shape == (0,) and out.rank.shape == (0,)
    else:
        np.testing.assert_allclose(out.singular_values.numpy(), np.linalg.svd(a)[1], rtol=1e-12)


def test_lstsq_no_residuals_for_gelsy_square_wide_or_rank_deficient():
    a = np.random.default_rng(1).standard_normal((5, 3))
    b = np.ones((5, 2))
    assert mg.linalg.lstsq(mg.tensor(a), mg.tensor(b)).residuals.shape == (0,)
    assert mg.linalg.lstsq(mg.tensor(a.T), mg.tensor(b[:3]), driver="gels").residuals.shape == (0,)
    deficient = np.c_[a[:, :2], a[:, :1]]
    out = mg.linalg.lstsq(mg.tensor(deficient), mg.tensor(b), driver="gelsd")
    assert out.residuals.shape == (0,) and out.rank.item() == 2


def test_lstsq_residuals_gradcheck():
    rng = np.random.default_rng(2)
    A, B = leaf(rng.standard_normal((5, 2))), leaf(rng.standard_normal((5, 2)))
    assert mg.gradcheck(lambda a, b: mg.linalg.lstsq(a, b, driver="gelsd").residuals, (A, B))


# 9. minor linalg fixes


def test_householder_product_with_empty_tau_is_the_identity_in_the_graph():
    A = leaf(np.arange(6.0).reshape(3, 2))
    H = mg.linalg.householder_product(A, mg.zeros(0, dtype=mg.float64))
    np.testing.assert_array_equal(H.detach().numpy(), np.eye(3, 2))
    H.sum().backward()
    assert A.grad is None  # as PyTorch 2.13: no gradient at all for an empty tau


def test_vander_of_a_number_is_one_row():
    v = mg.linalg.vander(mg.tensor(3.0), N=4)
    np.testing.assert_array_equal(v.numpy(), [[1.0, 3.0, 9.0, 27.0]])


def test_det_overflows_to_inf_quietly():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert mg.linalg.det(mg.tensor(np.eye(400) * 10.0)).item() == np.inf
        assert mg.linalg.det(mg.tensor(np.diag([-1.0] + [10.0] * 399))).item() == -np.inf


def test_slogdet_gradient_at_a_singular_matrix_is_infinite_not_nan():
    A = leaf([[1.0, 2.0], [2.0, 4.0]])
    mg.linalg.slogdet(A)[1].backward()
    g = A.grad.numpy()
    assert np.isinf(g).all()
    np.testing.assert_array_equal(np.sign(g), [[-1.0, 1.0], [1.0, -1.0]])


# 10. large matrices by NumPy's LAPACK, singular ones by getrf, with the same results


@pytest.mark.parametrize("n", [20, 50])
def test_large_solve_inv_det_agree_with_getrf(n):
    from minigrad.linalg_ops import getrf, getrs, lu_slogdet, swap_sign

    a = np.random.default_rng(n).standard_normal((2, n, n)) + 3 * np.eye(n)
    b = np.random.default_rng(1).standard_normal((n, 2))
    LU, piv, info = getrf(a)
    assert not info.any()
    np.testing.assert_allclose(mg.linalg.solve(mg.tensor(a), mg.tensor(b)).numpy(),
                               getrs(LU, piv, b, adjoint=False), rtol=1e-10)  # fmt: skip
    eye = np.broadcast_to(np.eye(n), a.shape)
    np.testing.assert_allclose(mg.linalg.inv(mg.tensor(a)).numpy() @ a, eye, atol=1e-11)
    det = swap_sign(piv, a.dtype) * np.prod(np.diagonal(LU, 0, -2, -1), -1)
    np.testing.assert_allclose(mg.linalg.det(mg.tensor(a)).numpy(), det, rtol=1e-10)
    logabs = mg.linalg.slogdet(mg.tensor(a))[1].numpy()
    np.testing.assert_allclose(logabs, lu_slogdet(LU, piv)[1], rtol=1e-12)
    A = leaf(a[0, :20, :20])
    assert mg.gradcheck(lambda x: mg.linalg.slogdet(x)[1], (A,))
    assert mg.gradcheck(lambda x: mg.linalg.solve(x, mg.tensor(b[:20])), (A,))


def test_large_singular_solve_falls_back_to_getrf():
    n = 30
    a = np.random.default_rng(0).standard_normal((n, n))
    a[:, 5] = 0
    with pytest.raises(mg.linalg.LinAlgError, match="singular"):
        mg.linalg.solve(mg.tensor(a), mg.tensor(np.ones((n, 1))))
    out, info = mg.linalg.solve_ex(mg.tensor(a), mg.tensor(np.ones((n, 1))))
    assert info.item() > 0 and not np.isfinite(out.numpy()).all()
    assert mg.linalg.inv_ex(mg.tensor(a)).info.item() > 0
    assert mg.linalg.slogdet(mg.tensor(a))[1].item() == -np.inf
    assert mg.linalg.det(mg.tensor(a)).item() == 0


def test_large_determinants_and_solves_take_lapacks_path(monkeypatch):
    """n = 1000 and non-singular: NumPy's LAPACK computes det, slogdet, inv and solve (the
    Python getrf, ~30x slower there, is not called), with NumPy's values."""
    from minigrad import linalg_ops

    def refuse(*args):
        raise AssertionError("getrf called for a non-singular matrix above SMALL")

    monkeypatch.setattr(linalg_ops, "getrf", refuse)
    a = np.random.default_rng(0).standard_normal((1000, 1000))
    A, B = mg.tensor(a), mg.tensor(np.ones((1000, 2)))
    np.testing.assert_allclose(mg.linalg.det(A).item(), np.linalg.det(a), rtol=1e-9)
    np.testing.assert_allclose(mg.linalg.slogdet(A)[1].item(), np.linalg.slogdet(a)[1])
    np.testing.assert_allclose(mg.linalg.inv(A).numpy(), np.linalg.inv(a), rtol=1e-7, atol=1e-9)
    want = np.linalg.solve(a, np.ones((1000, 2)))
    np.testing.assert_allclose(mg.linalg.solve(A, B).numpy(), want, rtol=1e-7, atol=1e-9)


def test_lu_factor_is_blocked(monkeypatch):
    """getrf factors BLOCK columns at a time and updates the rest by one triangular solve
    and one matrix product per panel (LAPACK's blocking), not column by column."""
    from minigrad import linalg_ops

    calls = []
    trisolve = linalg_ops.trisolve
    monkeypatch.setattr(
        linalg_ops, "trisolve", lambda *a, **k: calls.append(1) or trisolve(*a, **k)
    )
    a = np.random.default_rng(1).standard_normal((100, 100))
    LU, piv = mg.linalg.lu_factor(mg.tensor(a))
    P, L, U = mg.lu_unpack(LU, piv)
    np.testing.assert_allclose((P @ L @ U).numpy(), a, atol=1e-12)
    assert len(calls) == -(-100 // linalg_ops.BLOCK) - 1  # one per panel but the last


# 11. unfold's gradient: each window element adds back to its strided source positions


@pytest.mark.parametrize("size, step", [(3, 1), (3, 2), (2, 5), (6, 6), (1, 1)])
def test_unfold_gradient_is_the_overlap_count_weighted_sum(size, step):
    x = np.random.default_rng(0).standard_normal((3, 13))
    X = leaf(x)
    w = np.random.default_rng(1).standard_normal((3, (13 - size) // step + 1, size))
    (X.unfold(1, size, step) * mg.tensor(w)).sum().backward()
    expect = np.zeros_like(x)
    for k in range(w.shape[1]):  # window k covers x[:, k*step : k*step + size]
        expect[:, k * step : k * step + size] += w[:, k]
    np.testing.assert_allclose(X.grad.numpy(), expect, rtol=1e-15)
    assert mg.gradcheck(lambda t: t.unfold(1, size, step), (leaf(x),))


def test_unfold_backward_of_a_long_row():
    """(8, 200000) in windows of 32: each position gets one gradient per window over it."""
    X = mg.tensor(np.ones((8, 200000)), requires_grad=True)
    X.unfold(1, 32, 1).sum().backward()
    np.testing.assert_array_equal(X.grad.numpy()[0, 30:34], [31.0, 32.0, 32.0, 32.0])
    np.testing.assert_array_equal(X.grad.numpy()[:, -1], 1.0)


def test_ndtri_inverts_the_normal_cdf():
    from minigrad.special_functions import log_ndtr, ndtri

    p = np.concatenate([np.linspace(1e-4, 0.999, 4001), 10.0 ** -np.arange(1, 300, 7)])
    z = ndtri(p)
    np.testing.assert_allclose(log_ndtr(z), np.log(p), rtol=1e-14)


@pytest.mark.parametrize("shape", [(100, 100), (3, 65, 65), (97, 40), (40, 97)])
def test_blocked_getrf_factors_a(shape):
    """P L U = A with |L| <= 1 (partial pivoting), across several 32-column panels."""
    from minigrad.linalg_ops import getrf, permutation

    a = np.random.default_rng(0).standard_normal(shape)
    LU, piv, info = getrf(a)
    m, n = shape[-2:]
    k = min(m, n)
    L = np.tril(LU[..., :, :k], -1) + np.eye(m, k)
    U = np.triu(LU[..., :k, :])
    P = permutation(piv, m, a.dtype)
    np.testing.assert_allclose(P @ L @ U, a, atol=1e-12)
    assert np.abs(L).max() <= 1 and not info.any()


def test_blocked_getrf_reports_the_first_zero_pivot():
    from minigrad.linalg_ops import getrf

    a = np.random.default_rng(0).standard_normal((80, 80))
    a[:, 50] = 0
    assert getrf(a)[2] == 51
