"""Multinomial, NegativeBinomial, MixtureSameFamily, LowRankMultivariateNormal, Wishart and
LKJCholesky without torch: finite-difference gradients (mg.gradcheck, float64), the
densities against textbook formulas and special cases of other families, normalisation,
KL identities, and sampling statistics within CLT bounds (fixed seeds)."""

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import distributions as D

RNG = np.random.default_rng(77)


def _t(a, grad=True):
    return mg.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def _spd(n, *batch):
    a = RNG.standard_normal(batch + (n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def _within_clt(samples, mean, var, z=5.0):
    """The sample mean within z standard errors of ``mean`` (elementwise)."""
    n = samples.shape[0]
    err = np.abs(samples.mean(0) - mean)
    assert np.all(err <= z * np.sqrt(var / n) + 1e-12), (samples.mean(0), mean)


# ---- Multinomial --------------------------------------------------------------------------


def test_multinomial_log_prob_is_the_textbook_pmf():
    probs = np.array([0.2, 0.5, 0.3])
    x = np.array([[1.0, 3.0, 2.0], [0.0, 0.0, 6.0]])
    got = D.Multinomial(6, probs=_t(probs * 4, False)).log_prob(_t(x, False)).numpy()
    for row, g in zip(x, got):
        ref = math.lgamma(7) - sum(math.lgamma(k + 1) for k in row) + (row * np.log(probs)).sum()
        assert abs(g - ref) < 1e-12


def test_multinomial_pmf_sums_to_one_and_entropy_is_minus_expected_log_prob():
    n, probs = 4, np.array([0.1, 0.6, 0.3])
    support = [(a, b, n - a - b) for a in range(n + 1) for b in range(n + 1 - a)]
    d = D.Multinomial(n, probs=_t(probs, False))
    lp = d.log_prob(_t(support, False)).numpy()
    assert abs(np.exp(lp).sum() - 1) < 1e-12
    assert abs(d.entropy().item() + (np.exp(lp) * lp).sum()) < 1e-12


def test_multinomial_zero_probability_category_with_zero_count():
    d = D.Multinomial(3, logits=_t([-math.inf, 0.0, 0.0], False))
    assert abs(d.log_prob(_t([0.0, 1.0, 2.0], False)).item() - math.log(3 / 8)) < 1e-12


def test_multinomial_gradcheck():
    x = _t([[2.0, 1.0, 0.0, 1.0]], False)
    assert mg.gradcheck(
        lambda lg: D.Multinomial(4, logits=lg).log_prob(x), (_t(RNG.standard_normal(4)),)
    )
    assert mg.gradcheck(lambda p: D.Multinomial(4, probs=p).entropy(), (_t([0.2, 0.3, 0.1, 0.4]),))


def test_multinomial_sample_statistics_and_zero_count():
    mg.manual_seed(0)
    probs = np.array([[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]])
    s = D.Multinomial(10, probs=_t(probs, False)).sample((4000,)).numpy()
    assert s.shape == (4000, 2, 3) and s.dtype == np.float64
    assert np.all(s.sum(-1) == 10)
    _within_clt(s, 10 * probs, 10 * probs * (1 - probs))
    zero = D.Multinomial(0, probs=_t(probs, False)).sample((5,))
    assert zero.shape == (5, 2, 3) and not zero.numpy().any()


def test_multinomial_float32_sample_of_unnormalised_probs():
    s = D.Multinomial(50, probs=mg.tensor([1e-3, 3.0, 7.0])).sample((3,))
    assert s.dtype == mg.float32 and np.all(s.numpy().sum(-1) == 50)


# ---- NegativeBinomial -----------------------------------------------------------------------


def test_negative_binomial_log_prob_is_the_textbook_pmf_and_sums_to_one():
    r, p = 2.5, 0.4
    k = np.arange(200.0)
    lp = D.NegativeBinomial(r, probs=_t(p, False)).log_prob(_t(k, False)).numpy()
    ref = [
        math.lgamma(r + j)
        - math.lgamma(j + 1)
        - math.lgamma(r)
        + j * math.log(p)
        + r * math.log(1 - p)
        for j in k
    ]
    np.testing.assert_allclose(lp, ref, rtol=1e-12, atol=1e-12)
    assert abs(np.exp(lp).sum() - 1) < 1e-12
    d = D.NegativeBinomial(r, probs=_t(p, False))
    assert abs(d.mean.item() - (np.exp(lp) * k).sum()) < 1e-10
    assert abs(d.variance.item() - (np.exp(lp) * (k - d.mean.item()) ** 2).sum()) < 1e-9


def test_negative_binomial_gradcheck():
    k = _t([0.0, 3.0, 7.0], False)
    assert mg.gradcheck(
        lambda r, lg: D.NegativeBinomial(r, logits=lg).log_prob(k),
        (_t([0.7, 2.0, 5.5]), _t(RNG.standard_normal(3))),
    )


def test_negative_binomial_sample_statistics():
    mg.manual_seed(1)
    r, p = np.array([0.5, 3.0]), np.array([0.3, 0.7])
    d = D.NegativeBinomial(_t(r, False), probs=_t(p, False))
    s = d.sample((6000,)).numpy()
    assert s.shape == (6000, 2) and np.all(s == np.floor(s)) and np.all(s >= 0)
    _within_clt(s, r * p / (1 - p), r * p / (1 - p) ** 2)


# ---- MixtureSameFamily ----------------------------------------------------------------------


def _gmm():
    w = _t([0.2, 0.5, 0.3])
    loc, scale = _t([-2.0, 0.0, 3.0]), _t([0.5, 1.0, 2.0])
    return w, loc, scale


def test_mixture_log_prob_cdf_mean_variance_are_the_weighted_sums():
    w, loc, scale = _gmm()
    m = D.MixtureSameFamily(D.Categorical(probs=w), D.Normal(loc, scale))
    x = np.array([-1.5, 0.2, 4.0])
    comps = [D.Normal(loc[i], scale[i]) for i in range(3)]
    wv = w.detach().numpy()
    pdf = sum(wv[i] * np.exp(comps[i].log_prob(_t(x, False)).detach().numpy()) for i in range(3))
    cdf = sum(wv[i] * comps[i].cdf(_t(x, False)).detach().numpy() for i in range(3))
    np.testing.assert_allclose(m.log_prob(_t(x, False)).detach().numpy(), np.log(pdf), rtol=1e-12)
    np.testing.assert_allclose(m.cdf(_t(x, False)).detach().numpy(), cdf, rtol=1e-12)
    mu, sd = loc.detach().numpy(), scale.detach().numpy()
    mean = (wv * mu).sum()
    assert abs(m.mean.item() - mean) < 1e-12
    assert abs(m.variance.item() - ((wv * (sd**2 + mu**2)).sum() - mean**2)) < 1e-12


def test_mixture_gradcheck():
    x = _t([-1.0, 0.5, 2.0], False)
    assert mg.gradcheck(
        lambda lg, loc, s: D.MixtureSameFamily(D.Categorical(logits=lg), D.Normal(loc, s)).log_prob(
            x
        ),
        (_t(RNG.standard_normal(3)), _t(RNG.standard_normal(3)), _t([0.5, 1.0, 2.0])),
    )


def test_mixture_sample_statistics_with_a_scalar_mixing_batch():
    """One component choice per batch member even when the mixing Categorical is unbatched."""
    mg.manual_seed(2)
    loc = np.array([[-3.0, 3.0], [10.0, 20.0]])
    m = D.MixtureSameFamily(
        D.Categorical(probs=_t([0.25, 0.75], False)), D.Normal(_t(loc, False), 0.1)
    )
    s = m.sample((8000,)).numpy()
    assert s.shape == (8000, 2)
    _within_clt(s, m.mean.numpy(), m.variance.numpy())
    frac_high = (s[:, 0] > 0).mean(), (s[:, 1] > 15).mean()
    assert abs(frac_high[0] - 0.75) < 5 * math.sqrt(0.75 * 0.25 / 8000)
    assert abs(frac_high[1] - 0.75) < 5 * math.sqrt(0.75 * 0.25 / 8000)
    assert abs(np.corrcoef(s[:, 0] > 0, s[:, 1] > 15)[0, 1]) < 5 / math.sqrt(8000)


def test_mixture_of_independent_normals_samples_whole_events():
    mg.manual_seed(3)
    loc = np.array([[-5.0, -5.0], [5.0, 5.0]])
    m = D.MixtureSameFamily(
        D.Categorical(probs=_t([0.5, 0.5], False)), D.Independent(D.Normal(_t(loc, False), 0.1), 1)
    )
    s = m.sample((500,)).numpy()
    assert s.shape == (500, 2)
    assert np.all(np.sign(s[:, 0]) == np.sign(s[:, 1]))  # both coordinates from one component


# ---- LowRankMultivariateNormal --------------------------------------------------------------


def _lowrank(batch=(2,), n=4, rank=2):
    loc = RNG.standard_normal(batch + (n,))
    W = RNG.standard_normal((n, rank))
    diag = np.exp(RNG.standard_normal(batch + (n,)))
    return loc, W, diag


def test_lowrank_agrees_with_the_full_covariance_mvn():
    loc, W, diag = _lowrank()
    d = D.LowRankMultivariateNormal(_t(loc, False), _t(W, False), _t(diag, False))
    cov = W @ W.T + np.stack([np.diag(v) for v in diag])
    full = D.MultivariateNormal(_t(loc, False), covariance_matrix=_t(cov, False))
    x = _t(RNG.standard_normal((3, 2, 4)), False)
    np.testing.assert_allclose(d.log_prob(x).numpy(), full.log_prob(x).numpy(), rtol=1e-12)
    np.testing.assert_allclose(d.entropy().numpy(), full.entropy().numpy(), rtol=1e-12)
    np.testing.assert_allclose(d.covariance_matrix.numpy(), cov, rtol=1e-12)
    np.testing.assert_allclose(
        d.precision_matrix.numpy(), np.linalg.inv(cov), rtol=1e-10, atol=1e-12
    )
    np.testing.assert_allclose(
        d.scale_tril.numpy(), np.linalg.cholesky(cov), rtol=1e-10, atol=1e-12
    )
    np.testing.assert_allclose(d.variance.numpy(), np.diagonal(cov, axis1=-2, axis2=-1), rtol=1e-12)


def test_lowrank_gradcheck():
    loc, W, diag = _lowrank()
    x = _t(RNG.standard_normal((3, 2, 4)), False)
    args = (_t(loc), _t(W), _t(diag))
    assert mg.gradcheck(lambda a, b, c: D.LowRankMultivariateNormal(a, b, c).log_prob(x), args)
    assert mg.gradcheck(lambda a, b, c: D.LowRankMultivariateNormal(a, b, c).entropy(), args)
    assert mg.gradcheck(lambda a, b, c: D.LowRankMultivariateNormal(a, b, c).precision_matrix, args)


def test_lowrank_rsample_statistics_and_gradient():
    mg.manual_seed(4)
    loc, W, diag = _lowrank(batch=(), n=3, rank=1)
    d = D.LowRankMultivariateNormal(_t(loc, False), _t(W, False), _t(diag, False))
    s = d.rsample((20000,)).numpy()
    cov = W @ W.T + np.diag(diag)
    _within_clt(s, loc, np.diag(cov))
    emp = np.cov(s.T)
    assert np.all(
        np.abs(emp - cov) <= 5 * np.sqrt((cov**2 + np.outer(np.diag(cov), np.diag(cov))) / 20000)
    )
    args = (_t(loc), _t(W), _t(diag))

    def draw(a, b, c):
        mg.manual_seed(9)
        return D.LowRankMultivariateNormal(a, b, c).rsample((2,))

    assert mg.gradcheck(draw, args)


def test_kl_lowrank_pairs_are_zero_on_themselves_and_match_the_mvn_formula():
    loc, W, diag = _lowrank()
    p = D.LowRankMultivariateNormal(_t(loc, False), _t(W, False), _t(diag, False))
    assert np.all(np.abs(D.kl_divergence(p, p).numpy()) < 1e-12)
    full = D.MultivariateNormal(p.loc, covariance_matrix=p.covariance_matrix)
    assert np.all(np.abs(D.kl_divergence(p, full).numpy()) < 1e-10)
    assert np.all(np.abs(D.kl_divergence(full, p).numpy()) < 1e-10)
    loc2, W2, diag2 = _lowrank(batch=(3, 1))
    q = D.LowRankMultivariateNormal(_t(loc2, False), _t(W2, False), _t(diag2, False))
    q_full = D.MultivariateNormal(q.loc, covariance_matrix=q.covariance_matrix)
    ref = D.kl_divergence(full, q_full).numpy()
    assert ref.shape == (3, 2)
    np.testing.assert_allclose(D.kl_divergence(p, q).numpy(), ref, rtol=1e-10)
    np.testing.assert_allclose(D.kl_divergence(full, q).numpy(), ref, rtol=1e-10)
    np.testing.assert_allclose(D.kl_divergence(p, q_full).numpy(), ref, rtol=1e-10)


def test_kl_lowrank_gradcheck():
    loc, W, diag = _lowrank()
    loc2, W2, diag2 = _lowrank(batch=())
    args = (_t(loc), _t(W), _t(diag), _t(loc2), _t(W2), _t(diag2))

    def kl(a, b, c, d, e, f):
        return D.kl_divergence(
            D.LowRankMultivariateNormal(a, b, c), D.LowRankMultivariateNormal(d, e, f)
        )

    assert mg.gradcheck(kl, args)


# ---- Wishart --------------------------------------------------------------------------------


def test_wishart_one_dimensional_is_a_gamma():
    """W_1(ν, σ²) is Gamma(ν/2, rate 1/(2σ²))."""
    df, var = np.array([0.5, 3.0]), np.array([[[2.0]], [[0.3]]])
    w = D.Wishart(_t(df, False), covariance_matrix=_t(var, False))
    x = np.exp(RNG.standard_normal((4, 2)))
    g = D.Gamma(_t(df / 2, False), _t(1 / (2 * var[:, 0, 0]), False))
    np.testing.assert_allclose(
        w.log_prob(_t(x[..., None, None], False)).numpy(),
        g.log_prob(_t(x, False)).numpy(),
        rtol=1e-12,
    )
    np.testing.assert_allclose(w.entropy().numpy(), g.entropy().numpy(), rtol=1e-12)


def test_wishart_log_prob_is_the_textbook_density():
    p, df = 3, 5.5
    S = _spd(p)
    X = _spd(p)
    ref = (
        (df - p - 1) / 2 * np.linalg.slogdet(X)[1]
        - np.trace(np.linalg.solve(S, X)) / 2
        - df * p / 2 * math.log(2)
        - df / 2 * np.linalg.slogdet(S)[1]
        - p * (p - 1) / 4 * math.log(math.pi)
        - sum(math.lgamma(df / 2 - j / 2) for j in range(p))
    )
    got = D.Wishart(df, covariance_matrix=_t(S, False)).log_prob(_t(X, False)).item()
    assert abs(got - ref) < 1e-10


def test_wishart_gradcheck():
    S, X = _spd(3), _spd(3, 2)
    sym = lambda a: (a + a.transpose(-2, -1)) / 2  # noqa: E731
    args = (_t([4.0, 6.5]), _t(S))
    assert mg.gradcheck(
        lambda df, s: D.Wishart(df, covariance_matrix=sym(s)).log_prob(_t(X, False)), args
    )
    assert mg.gradcheck(lambda df, s: D.Wishart(df, covariance_matrix=sym(s)).entropy(), args)
    assert mg.gradcheck(
        lambda x: D.Wishart(5.0, covariance_matrix=_t(S, False)).log_prob(sym(x)), (_t(X),)
    )


def test_wishart_rsample_statistics_symmetry_and_gradient():
    mg.manual_seed(5)
    S, df = _spd(3), 6.0
    w = D.Wishart(df, covariance_matrix=_t(S, False))
    s = w.rsample((8000,)).numpy()
    assert np.array_equal(s, np.swapaxes(s, -1, -2))
    assert np.all(np.linalg.eigvalsh(s) > 0)
    _within_clt(s, df * S, df * (S**2 + np.outer(np.diag(S), np.diag(S))))
    L = np.linalg.cholesky(S)

    def draw(tril):
        mg.manual_seed(11)
        return D.Wishart(df, scale_tril=tril.tril()).rsample((2,))

    assert mg.gradcheck(draw, (_t(L),))


def test_wishart_float32_samples_pass_the_support_check():
    mg.manual_seed(6)
    w = D.Wishart(
        mg.tensor([4.0, 9.0]), covariance_matrix=mg.tensor(_spd(3) * 10, dtype=mg.float32)
    )
    s = w.sample((50,))
    assert s.dtype == mg.float32
    assert w.support.check(s).numpy().all()
    assert np.isfinite(w.log_prob(s).numpy()).all()


def test_wishart_mode_is_nan_where_df_is_small():
    S = _spd(2)
    m = D.Wishart(_t([2.5, 3.0, 4.5], False), covariance_matrix=_t(S, False)).mode.numpy()
    assert np.isnan(m[:2]).all()
    np.testing.assert_allclose(m[2], 1.5 * S, rtol=1e-12)


# ---- LKJCholesky ----------------------------------------------------------------------------


@pytest.mark.parametrize("eta", [0.5, 1.0, 2.5])
def test_lkj_dim2_density_integrates_to_one(eta):
    """For dim 2, L = [[1, 0], [r, √(1 - r²)]]: the density in r must integrate to 1."""
    edges = np.linspace(-1, 1, 400001)
    r = (edges[1:] + edges[:-1]) / 2  # the midpoint rule
    L = np.zeros(r.shape + (2, 2))
    L[:, 0, 0], L[:, 1, 0], L[:, 1, 1] = 1.0, r, np.sqrt(1 - r**2)
    lp = D.LKJCholesky(2, _t(eta, False), validate_args=False).log_prob(_t(L, False)).numpy()
    density = np.exp(lp)
    # eta < 1: the density ∝ (1 - r²)^(η - 1) is singular at ±1, where the midpoint rule
    # misses about 0.6·√h of the mass per end (h = 5e-6): 2e-3; else its error is O(h²)
    tol = 2e-3 if eta < 1 else 1e-8
    assert abs((density * np.diff(edges)).sum() - 1) < tol


def test_lkj_log_prob_gradcheck():
    a = np.tril(RNG.standard_normal((3, 3)))
    a[np.arange(3), np.arange(3)] = np.abs(a[np.arange(3), np.arange(3)]) + 0.5
    L = a / np.linalg.norm(a, axis=-1, keepdims=True)
    assert mg.gradcheck(lambda c: D.LKJCholesky(3, c).log_prob(_t(L, False)), (_t([0.7, 2.0]),))


@pytest.mark.parametrize("eta, dim", [(1.0, 3), (0.5, 4), (3.0, 2)])
def test_lkj_samples_are_correlation_choleskys_with_the_beta_marginal(eta, dim):
    """Each off-diagonal correlation r of LKJ(η) has (r + 1)/2 ~ Beta(a, a), a = η - 1 + dim/2,
    so r has mean 0 and variance 1/(2η + dim - 1), and r² ~ Beta(1/2, a)."""
    mg.manual_seed(8)
    d = D.LKJCholesky(dim, eta)
    L = d.sample((6000,))
    assert L.shape == (6000, dim, dim) and L.dtype == mg.float32
    assert d.support.check(L).numpy().all()
    Ln = L.numpy().astype(np.float64)
    C = Ln @ np.swapaxes(Ln, -1, -2)
    r = C[:, np.tril_indices(dim, -1)[0], np.tril_indices(dim, -1)[1]]
    var = 1 / (2 * eta + dim - 1)
    _within_clt(r, 0.0, var)
    a = eta - 1 + dim / 2  # r² ~ Beta(1/2, a)
    var_r2 = (0.5 * a) / ((0.5 + a) ** 2 * (1.5 + a))
    _within_clt(r**2, var, var_r2)


def test_wishart_log_normalizer_is_the_log_prob_normaliser():
    """log p(X) = <-Σ⁻¹/2, X> + (df - p - 1)/2 log|X| - F(θ), for any X."""
    S, X = _spd(3), _spd(3)
    w = D.Wishart(_t([4.0, 7.5], False), covariance_matrix=_t(S, False))
    x, y = w._natural_params
    F = w._log_normalizer(x, y).numpy()
    inner = (x.numpy() * X).sum((-2, -1)) + y.numpy() * np.linalg.slogdet(X)[1]
    np.testing.assert_allclose(inner - F, w.log_prob(_t(X, False)).numpy(), rtol=1e-12)
    assert w._mean_carrier_measure == 0


def test_one_element_parameter_reprs():
    assert repr(D.Normal(mg.tensor([1.0]), mg.tensor([[2.0]]))) == (
        "Normal(loc: tensor([[1.]]), scale: tensor([[2.]]))"  # the parameters broadcast
    )
    assert repr(D.Bernoulli(mg.tensor([0.5]))) == "Bernoulli(probs: tensor([0.5000]))"
    assert repr(D.Normal(mg.tensor(1.0), 2)) == "Normal(loc: 1.0, scale: 2.0)"


def test_solve_triangular_casts_b_to_the_dtype_of_a():
    A = mg.tensor([[2.0, 0.0], [1.0, 4.0]])
    B = _t([[2.0], [5.0]])
    X = mg.linalg.solve_triangular(A, B, upper=False)
    assert X.dtype == mg.float32
    np.testing.assert_allclose(X.detach().numpy(), [[1.0], [1.0]], rtol=1e-6)
    X.sum().backward()
    assert B.grad.dtype == mg.float64
    np.testing.assert_allclose(B.grad.numpy(), [[0.375], [0.25]], rtol=1e-6)  # A⁻ᵀ 1


def test_float32_multivariate_normal_takes_a_float64_value():
    d = D.MultivariateNormal(mg.zeros(2), covariance_matrix=mg.tensor([[2.0, 0.3], [0.3, 1.0]]))
    x = _t([0.3, 0.1])
    lp = d.log_prob(x)
    assert lp.dtype == mg.float32
    cov = np.array([[2.0, 0.3], [0.3, 1.0]])
    xv = np.array([0.3, 0.1])
    ref = -0.5 * (
        2 * math.log(2 * math.pi) + np.linalg.slogdet(cov)[1] + xv @ np.linalg.solve(cov, xv)
    )
    assert abs(lp.item() - ref) < 1e-6


def test_cholesky_reports_a_nan_pivot():
    _, info = mg.linalg.cholesky_ex(
        mg.tensor([[[4.0, 0.0], [1.0, float("nan")]], [[4.0, 0.0], [1.0, 2.0]]])
    )
    assert info.numpy().tolist() == [2, 0]
    with pytest.raises(RuntimeError, match="order 1"):
        mg.linalg.cholesky(mg.tensor([[float("nan"), 0.0], [0.0, 1.0]]))


def test_wishart_kl_to_itself_is_zero():
    p = mg.distributions.Wishart(
        mg.tensor([4.0, 9.0], dtype=mg.float64), mg.eye(3, dtype=mg.float64)
    )
    np.testing.assert_allclose(
        mg.distributions.kl_divergence(p, p).detach().numpy(), 0.0, atol=1e-12
    )
