"""The families added to minigrad.distributions without torch: finite-difference gradients
(mg.gradcheck, float64) of log_prob, cdf, icdf, entropy and the moments; densities that
integrate to one with cdf and icdf inverse to each other; the textbook formulas; sampling
statistics within CLT bounds; ExponentialFamily's Bregman entropy against the closed forms."""

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import distributions as D
from minigrad.special import i0, i1

RNG = np.random.default_rng(77)


def _t(a, grad=True):
    return mg.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


# name -> (parameter arrays, constructor, values inside the support)
FAMILIES = {
    "half_normal": ([[0.5, 1.0, 2.0]], D.HalfNormal, [0.3, 1.2, 2.5]),
    "half_cauchy": ([[0.5, 1.0, 2.0]], D.HalfCauchy, [0.3, 1.2, 2.5]),
    "chi2": ([[1.5, 3.0, 6.0]], D.Chi2, [0.3, 1.2, 5.5]),
    "weibull": ([[0.5, 1.0, 2.0], [0.8, 1.5, 3.0]], D.Weibull, [0.3, 1.2, 2.5]),
    "pareto": ([[0.5, 1.0, 2.0], [2.5, 3.5, 5.0]], D.Pareto, [0.7, 1.2, 2.5]),
    "inverse_gamma": ([[2.5, 3.5, 5.0], [0.5, 1.0, 2.0]], D.InverseGamma, [0.3, 1.2, 2.5]),
    "kumaraswamy": ([[0.7, 2.0, 5.0], [1.5, 0.8, 3.0]], D.Kumaraswamy, [0.3, 0.6, 0.9]),
    "fisher_snedecor": ([[3.0, 5.0, 9.0], [9.0, 6.0, 12.0]], D.FisherSnedecor, [0.3, 1.2, 2.5]),
    "gpd": (
        [[0.1, -0.5, 0.0], [0.5, 1.0, 2.0], [0.3, 0.1, -0.2]],
        D.GeneralizedPareto,
        [0.4, 0.2, 3.0],
    ),
    "continuous_bernoulli": ([[0.2, 0.45, 0.8]], D.ContinuousBernoulli, [0.3, 0.6, 0.9]),
    "von_mises": ([[0.1, -1.0, 2.0], [0.5, 3.0, 8.0]], D.VonMises, [0.3, -1.2, 2.5]),
}
HAS_CDF = ["half_normal", "half_cauchy", "weibull", "pareto", "kumaraswamy", "gpd",
           "continuous_bernoulli"]  # fmt: skip


@pytest.mark.parametrize("name", FAMILIES)
def test_log_prob_and_moments_gradcheck(name):
    params, cls, x = FAMILIES[name]
    ps = [_t(p) for p in params]
    xt = _t(x)
    assert mg.gradcheck(lambda *a: cls(*a[:-1]).log_prob(a[-1]), (*ps, xt))
    quantities = ["mean", "variance"] if name != "half_cauchy" else []
    for q in quantities:
        assert mg.gradcheck(lambda *a, q=q: getattr(cls(*a), q), tuple(ps))
    if name not in ("von_mises", "fisher_snedecor"):  # as PyTorch's, they have no entropy
        assert mg.gradcheck(lambda *a: cls(*a).entropy(), tuple(ps))


@pytest.mark.parametrize("name", HAS_CDF)
def test_cdf_icdf_gradcheck_and_inverse(name):
    params, cls, x = FAMILIES[name]
    ps = [_t(p) for p in params]
    assert mg.gradcheck(lambda *a: cls(*a[:-1]).cdf(a[-1]), (*ps, _t(x)))
    u = _t(RNG.uniform(0.1, 0.9, (2, 3)))
    assert mg.gradcheck(lambda *a: cls(*a[:-1]).icdf(a[-1]), (*ps, u))
    d = cls(*[_t(p, False) for p in params])
    u = np.linspace(0.02, 0.98, 25)[:, None] * np.ones(3)
    np.testing.assert_allclose(d.cdf(d.icdf(_t(u, False))).numpy(), u, rtol=1e-9, atol=1e-12)


# parameters whose densities stay bounded at the support's ends (for the trapezoid rule)
BOUNDED = {
    "chi2": [[2.0, 3.0, 6.0]],
    "weibull": [[0.5, 1.0, 2.0], [1.0, 1.5, 3.0]],
    "kumaraswamy": [[1.0, 2.0, 5.0], [1.5, 1.0, 3.0]],
    "gpd": [[0.1, -0.5, 0.0], [0.5, 1.0, 2.0], [0.3, 0.1, 0.0]],
}


@pytest.mark.parametrize("name", [n for n in FAMILIES if n != "von_mises"])
def test_density_integrates_to_one(name):
    params, cls, _ = FAMILIES[name]
    params = BOUNDED.get(name, params)
    d = cls(*[_t(p, False) for p in params])
    lo = np.zeros(3) + 1e-12
    hi = {"kumaraswamy": np.ones(3) - 1e-12, "continuous_bernoulli": np.ones(3)}.get(name)
    if name in ("pareto", "gpd"):
        lo = np.asarray(params[0])
    if hi is None:  # an unbounded support: integrate in u = 1/(1 + x - lo)
        u = np.linspace(1e-7, 1 - 1e-12, 400001)[:, None] * np.ones(3)
        xs = lo + 1 / u - 1
        dens = np.exp(d.log_prob(_t(xs, False)).numpy()) / u**2
        total = np.trapezoid(dens, u, axis=0)
        tail = 1 - d.cdf(_t(xs[0], False)).numpy() if name in HAS_CDF else 0.0
        if name in ("half_cauchy", "pareto", "gpd"):
            total = total + tail
        np.testing.assert_allclose(total, 1.0, atol=2e-4)
        return
    grid = np.linspace(lo, hi, 400001)
    dens = np.exp(d.log_prob(_t(grid, False)).numpy())
    np.testing.assert_allclose(np.trapezoid(dens, grid, axis=0), 1.0, atol=2e-4)


def test_von_mises_density_integrates_to_one_and_matches_the_bessel_form():
    """PyTorch's I₀ is Abramowitz & Stegun's polynomial (relative error < 2e-7): the log
    density is within 1e-6 of κ cos(x - loc) - log(2π I₀(κ)) with the true I₀."""
    loc, kappa = np.array([0.1, -1.0, 2.0, 0.5]), np.array([0.5, 3.0, 8.0, 3.75])
    d = D.VonMises(_t(loc, False), _t(kappa, False))
    grid = np.linspace(-math.pi, math.pi, 200001)[:, None] * np.ones(4)
    lp = d.log_prob(_t(grid, False)).numpy()
    exact = kappa * np.cos(grid - loc) - np.log(2 * math.pi * i0(_t(kappa, False)).numpy())
    np.testing.assert_allclose(lp, exact, atol=1e-6)
    np.testing.assert_allclose(np.trapezoid(np.exp(lp), grid, axis=0), 1.0, atol=1e-6)
    ratio = (i1(_t(kappa, False)) / i0(_t(kappa, False))).numpy()
    np.testing.assert_allclose(d.variance.numpy(), 1 - ratio, atol=1e-6)


def test_textbook_formulas():
    x = np.array([0.3, 1.2, 2.5])
    s = np.array([0.5, 1.0, 2.0])
    lp = D.HalfNormal(_t(s, False)).log_prob(_t(x, False)).numpy()
    np.testing.assert_allclose(lp, np.log(2 / (s * np.sqrt(2 * np.pi))) - x**2 / (2 * s**2))
    lp = D.HalfCauchy(_t(s, False)).log_prob(_t(x, False)).numpy()
    np.testing.assert_allclose(lp, np.log(2 / (np.pi * s * (1 + (x / s) ** 2))))
    k = np.array([0.8, 1.5, 3.0])
    lp = D.Weibull(_t(s, False), _t(k, False)).log_prob(_t(x, False)).numpy()
    np.testing.assert_allclose(lp, np.log(k / s * (x / s) ** (k - 1)) - (x / s) ** k)
    a = np.array([1.5, 2.5, 5.0])
    xp = s + x
    lp = D.Pareto(_t(s, False), _t(a, False)).log_prob(_t(xp, False)).numpy()
    np.testing.assert_allclose(lp, np.log(a * s**a / xp ** (a + 1)))
    lg = np.vectorize(math.lgamma)
    lp = D.InverseGamma(_t(a, False), _t(s, False)).log_prob(_t(x, False)).numpy()
    np.testing.assert_allclose(lp, a * np.log(s) - lg(a) - (a + 1) * np.log(x) - s / x)
    u = np.array([0.3, 0.6, 0.9])
    lp = D.Kumaraswamy(_t(k, False), _t(a, False)).log_prob(_t(u, False)).numpy()
    np.testing.assert_allclose(lp, np.log(k * a * u ** (k - 1) * (1 - u**k) ** (a - 1)))
    d1, d2 = np.array([3.0, 5.0, 9.0]), np.array([9.0, 6.0, 12.0])
    lp = D.FisherSnedecor(_t(d1, False), _t(d2, False)).log_prob(_t(x, False)).numpy()
    lbeta = lg(d1 / 2) + lg(d2 / 2) - lg((d1 + d2) / 2)
    ref = 0.5 * (d1 * np.log(d1 * x) + d2 * np.log(d2) - (d1 + d2) * np.log(d1 * x + d2))
    np.testing.assert_allclose(lp, ref - np.log(x) - lbeta)
    lp = D.Chi2(_t(d1, False)).log_prob(_t(x, False)).numpy()
    ref = (d1 / 2 - 1) * np.log(x) - x / 2 - d1 / 2 * np.log(2) - lg(d1 / 2)
    np.testing.assert_allclose(lp, ref)


def test_generalized_pareto_float64_matches_the_formula():
    """(PyTorch 2.13 raises RuntimeError here: isclose of a float64 concentration with a
    float32 zero.)"""
    loc, scale = np.array([0.1, -0.5, 0.0, 1.0]), np.array([0.5, 1.0, 2.0, 1.5])
    xi = np.array([0.3, 1e-12, -0.2, 0.0])
    x = loc + np.array([0.4, 0.2, 3.0, 1.1])
    d = D.GeneralizedPareto(_t(loc, False), _t(scale, False), _t(xi, False))
    z = (x - loc) / scale
    safe = np.where(np.abs(xi) < 1e-8, 1.0, xi)
    expected = np.where(
        np.abs(xi) < 1e-8, -np.log(scale) - z, -np.log(scale) - (1 / safe + 1) * np.log1p(safe * z)
    )
    np.testing.assert_allclose(d.log_prob(_t(x, False)).numpy(), expected, rtol=1e-13)
    sf = np.where(np.abs(xi) < 1e-8, np.exp(-z), (1 + safe * z) ** (-1 / safe))
    np.testing.assert_allclose(d.cdf(_t(x, False)).numpy(), 1 - sf, rtol=1e-12)


def test_continuous_bernoulli_normaliser_and_moments_by_quadrature():
    lam = np.array([0.1, 0.3, 0.4999, 0.5, 0.7, 0.95])
    d = D.ContinuousBernoulli(_t(lam, False))
    grid = np.linspace(0, 1, 200001)[:, None] * np.ones(6)
    dens = np.exp(d.log_prob(_t(grid, False)).numpy())
    np.testing.assert_allclose(np.trapezoid(dens, grid, axis=0), 1.0, atol=1e-8)
    mean = np.trapezoid(dens * grid, grid, axis=0)
    np.testing.assert_allclose(d.mean.numpy(), mean, atol=1e-7)
    var = np.trapezoid(dens * (grid - mean) ** 2, grid, axis=0)
    np.testing.assert_allclose(d.variance.numpy(), var, atol=1e-7)
    ent = -np.trapezoid(dens * np.log(dens), grid, axis=0)
    np.testing.assert_allclose(d.entropy().numpy(), ent, atol=1e-7)


EXP_FAMILIES = {
    "normal": lambda: D.Normal(_t([0.3, -1.0]), _t([0.5, 2.0])),
    "exponential": lambda: D.Exponential(_t([0.5, 3.0])),
    "gamma": lambda: D.Gamma(_t([0.7, 3.0]), _t([0.5, 2.0])),
    "bernoulli": lambda: D.Bernoulli(_t([0.2, 0.9])),
    "continuous_bernoulli": lambda: D.ContinuousBernoulli(_t([0.2, 0.9])),
    "chi2": lambda: D.Chi2(_t([1.5, 4.0])),
}


@pytest.mark.parametrize("name", EXP_FAMILIES)
def test_exponential_family_bregman_entropy_equals_the_closed_form(name):
    d = EXP_FAMILIES[name]()
    assert isinstance(d, D.ExponentialFamily)
    bregman = D.ExponentialFamily.entropy(d)
    closed = d.entropy().detach().numpy()
    np.testing.assert_allclose(bregman.detach().numpy(), closed, rtol=1e-10)
    assert bregman.shape == d.batch_shape


N = 100000


def _clt(a, mean, var):
    assert np.all(np.abs(a.mean(0) - mean) < 5 * np.sqrt(var / N))
    m4 = ((a - a.mean(0)) ** 4).mean(0)
    assert np.all(np.abs(a.var(0) - var) < 5 * np.sqrt((m4 - var**2) / N))


SAMPLERS = {
    "half_normal": lambda: D.HalfNormal(_t([0.5, 2.0], False)),
    "chi2": lambda: D.Chi2(_t([1.5, 6.0], False)),
    "weibull": lambda: D.Weibull(_t([0.5, 2.0], False), _t([0.8, 3.0], False)),
    "pareto": lambda: D.Pareto(_t([0.5, 2.0], False), _t([9.0, 12.0], False)),
    "inverse_gamma": lambda: D.InverseGamma(_t([9.0, 12.0], False), _t([0.5, 2.0], False)),
    "kumaraswamy": lambda: D.Kumaraswamy(_t([0.7, 3.0], False), _t([1.5, 0.8], False)),
    "fisher_snedecor": lambda: D.FisherSnedecor(_t([3.0, 9.0], False), _t([12.0, 20.0], False)),
    "gpd": lambda: D.GeneralizedPareto(
        _t([0.1, -1.0], False), _t([0.5, 2.0], False), _t([0.1, -0.3], False)
    ),  # fmt: skip
    "continuous_bernoulli": lambda: D.ContinuousBernoulli(_t([0.2, 0.5], False)),
}


@pytest.mark.parametrize("method", ["sample", "rsample"])
@pytest.mark.parametrize("name", SAMPLERS)
def test_sample_mean_and_variance_within_clt_bounds(name, method):
    d = SAMPLERS[name]()
    mg.manual_seed(0)
    x = getattr(d, method)((N,))
    assert x.shape == (N,) + d.batch_shape
    assert d.support.check(x).numpy().all()
    _clt(x.detach().numpy(), d.mean.numpy(), d.variance.numpy())


def test_half_cauchy_sample_median_and_quartiles():
    mg.manual_seed(0)
    s = np.array([0.5, 2.0])
    x = D.HalfCauchy(_t(s, False)).sample((N,)).numpy()
    for q in (
        0.25,
        0.5,
        0.75,
    ):  # the q-quantile s tan(πq/2); its sample version's sd √(q(1-q)/N)/p(x)
        xq = s * np.tan(np.pi * q / 2)
        dens = 2 / (np.pi * s * (1 + (xq / s) ** 2))
        assert np.all(np.abs(np.quantile(x, q, axis=0) - xq) < 5 * np.sqrt(q * (1 - q) / N) / dens)


def test_von_mises_samples_circular_moments():
    mg.manual_seed(0)
    loc, kappa = np.array([0.3, -2.5, 3.0]), np.array([0.5, 2.0, 1e-6])
    d = D.VonMises(_t(loc, False), _t(kappa, False))
    x = d.sample((N,)).numpy()
    assert x.dtype == np.float64 and (x >= -math.pi).all() and (x < math.pi).all()
    c = np.cos(x - loc)  # E cos(x - loc) = I₁(κ)/I₀(κ) = 1 - variance; E sin(x - loc) = 0
    r = 1 - d.variance.numpy()
    var_c = 0.5 * (1 + i0(_t(kappa, False)).numpy() ** -1 * _i2(kappa)) - r**2
    assert np.all(np.abs(c.mean(0) - r) < 5 * np.sqrt(var_c / N))
    assert np.all(np.abs(np.sin(x - loc).mean(0)) < 5 * np.sqrt(0.5 / N))


def _i2(k):
    """I₂(κ) = I₀(κ) - 2 I₁(κ)/κ."""
    k_t = _t(k, False)
    return i0(k_t).numpy() - 2 * i1(k_t).numpy() / k


def test_relaxed_samples_follow_the_gumbel_max_probabilities():
    """P(RelaxedBernoulli > 1/2) = p and P(argmax RelaxedOneHotCategorical = k) = p_k, for
    every temperature."""
    mg.manual_seed(0)
    p = np.array([0.1, 0.6])
    x = D.RelaxedBernoulli(_t(0.3, False), probs=_t(p, False)).sample((N,)).numpy()
    assert ((x >= 0) & (x <= 1)).all()
    assert np.all(np.abs((x > 0.5).mean(0) - p) < 5 * np.sqrt(p * (1 - p) / N))
    probs = np.array([0.2, 0.5, 0.3])
    y = D.RelaxedOneHotCategorical(_t(2.0, False), probs=_t(probs, False)).rsample((N,)).numpy()
    np.testing.assert_allclose(y.sum(-1), 1.0, rtol=1e-12)
    freq = np.bincount(y.argmax(-1), minlength=3) / N
    assert np.all(np.abs(freq - probs) < 5 * np.sqrt(probs * (1 - probs) / N))


def test_logistic_normal_samples_break_back_to_the_normal():
    mg.manual_seed(0)
    loc, scale = np.array([0.3, -1.0]), np.array([0.5, 2.0])
    d = D.LogisticNormal(_t(loc, False), _t(scale, False))
    y = d.sample((N,))
    assert y.shape == (N, 3) and d.support.check(y).numpy().all()
    x = d.transforms[0].inv(y).numpy()
    _clt(x, loc, scale**2)


def test_straight_through_rsample_gradient_is_identity_on_probs():
    probs = _t([0.2, 0.5, 0.3])
    d = D.OneHotCategoricalStraightThrough(probs=probs)
    mg.manual_seed(0)
    s = d.rsample((4,))
    w = RNG.standard_normal((4, 3))
    (s * mg.tensor(w)).sum().backward()
    # through the normalisation q = p / Σp (Σp = 1): ∂L/∂p_j = Σ_n (w_nj - Σ_i w_ni p_i)
    p = probs.detach().numpy()
    np.testing.assert_allclose(probs.grad.numpy(), (w - (w @ p)[:, None]).sum(0), rtol=1e-12)
    np.testing.assert_array_equal(s.detach().numpy().sum(-1), 1.0)


def test_chi2_expand_keeps_the_gamma_parameters():
    d = D.Chi2(_t([1.5, 4.0], False)).expand((3, 2))
    assert d.batch_shape == (3, 2) and d.concentration.shape == (3, 2)
    np.testing.assert_allclose(d.df.numpy(), [[1.5, 4.0]] * 3)
    np.testing.assert_allclose(d.mean.numpy(), [[1.5, 4.0]] * 3)


# name -> (parameter arrays, fn(*parameter tensors) -> (p, q), integration domain);
# KL(p ‖ q) = ∫ p (log p - log q) by the trapezoid rule, on [0, 1] directly or on [lo, inf)
# in u = 1/(1 + x - lo)
KL_QUADRATURE = {
    "pareto_pareto": (
        [[1.0, 2.0], [2.5, 4.0], [0.5, 1.5], [1.5, 3.0]],
        lambda a, b, c, d: (D.Pareto(a, b), D.Pareto(c, d)),
        "pareto",
    ),
    "pareto_exponential": (
        [[1.0, 2.0], [2.5, 4.0], [0.5, 1.5]],
        lambda a, b, c: (D.Pareto(a, b), D.Exponential(c)),
        "pareto",
    ),
    "pareto_gamma": (
        [[1.0, 2.0], [2.5, 4.0], [0.5, 1.5], [2.0, 0.7]],
        lambda a, b, c, d: (D.Pareto(a, b), D.Gamma(c, d)),
        "pareto",
    ),
    "pareto_normal": (
        [[1.0, 2.0], [4.5, 5.0], [0.5, 1.5], [2.0, 3.0]],
        lambda a, b, c, d: (D.Pareto(a, b), D.Normal(c, d)),
        "pareto",
    ),
    "halfnormal_halfnormal": (
        [[1.0, 2.0], [0.5, 3.0]],
        lambda a, b: (D.HalfNormal(a), D.HalfNormal(b)),
        "half",
    ),
    "cb_cb": (
        [[0.2, 0.4999], [1.0, -0.3]],
        lambda a, b: (D.ContinuousBernoulli(a), D.ContinuousBernoulli(logits=b)),
        "unit",
    ),
    "beta_cb": (
        [[2.0, 3.5], [1.5, 2.0], [0.2, 0.7]],
        lambda a, b, c: (D.Beta(a, b), D.ContinuousBernoulli(c)),
        "unit",
    ),
    "cb_normal": (
        [[0.2, 0.7], [0.1, 1.0], [0.5, 2.0]],
        lambda a, b, c: (D.ContinuousBernoulli(a), D.Normal(b, c)),
        "unit",
    ),
    "cb_exponential": (
        [[0.2, 0.7], [0.5, 2.0]],
        lambda a, b: (D.ContinuousBernoulli(a), D.Exponential(b)),
        "unit",
    ),
}


@pytest.mark.parametrize("name", KL_QUADRATURE)
def test_kl_matches_quadrature_and_gradcheck(name):
    params, make, kind = KL_QUADRATURE[name]
    p, q = make(*[_t(a, False) for a in params])
    kl = D.kl_divergence(p, q).numpy()
    if kind == "unit":
        x = np.linspace(1e-9, 1 - 1e-9, 400001)[:, None] * np.ones(2)
        w, grid = np.ones_like(x), x
    else:
        lo = np.asarray(params[0]) if kind == "pareto" else np.zeros(2)
        u = np.linspace(1e-6, 1, 800001)[:, None] * np.ones(2)
        x, w, grid = lo + 1 / u - 1, 1 / u**2, u
    lp = p.log_prob(_t(x, False)).numpy()
    lq = q.log_prob(_t(x, False)).numpy()
    expected = np.trapezoid(np.exp(lp) * (lp - lq) * w, grid, axis=0)
    np.testing.assert_allclose(kl, expected, rtol=1e-4, atol=1e-6)
    leaves = tuple(_t(a) for a in params)
    assert mg.gradcheck(lambda *a: D.kl_divergence(*make(*a)), leaves)


def test_kl_infinite_where_the_supports_disagree():
    inf = math.inf
    kl = D.kl_divergence(D.Pareto(_t([1.0, 2.0]), 2.0), D.Pareto(_t([1.5, 1.5]), 2.0)).detach()
    assert kl.numpy()[0] == inf and np.isfinite(kl.numpy()[1])
    kl = D.kl_divergence(D.Pareto(1.0, _t([0.5, 3.0])), D.Normal(0.0, 1.0)).detach().numpy()
    assert kl[0] == inf and np.isfinite(kl[1])
    u = D.Uniform(_t([0.0, -0.1, 0.2], False), _t([1.0, 0.5, 1.1], False))
    kl = D.kl_divergence(u, D.ContinuousBernoulli(0.3)).numpy()
    assert np.isfinite(kl[0]) and kl[1] == inf and kl[2] == inf
    assert (D.kl_divergence(D.Normal(_t([0.0, 1.0]), 1.0), D.Pareto(1.0, 2.0)).numpy() == inf).all()


def test_exponential_family_kl_is_the_bregman_divergence():
    """For two members of one family the generic Bregman form equals the closed forms."""
    from minigrad.distributions.kl import _kl_expfamily_expfamily

    families = [
        (D.Normal, [[0.3, -1.0], [0.5, 2.0]], [[1.0, 0.0], [1.5, 0.7]]),
        (D.Gamma, [[0.7, 3.0], [0.5, 2.0]], [[1.5, 2.0], [1.0, 0.3]]),
        (D.Beta, [[0.7, 3.0], [0.5, 2.0]], [[1.5, 2.0], [1.0, 0.3]]),
        (D.Dirichlet, [[[0.7, 3.0, 1.0]]], [[[1.5, 2.0, 0.4]]]),
        (D.Poisson, [[0.7, 3.0]], [[1.5, 2.0]]),
        (D.ContinuousBernoulli, [[0.2, 0.9]], [[0.6, 0.3]]),
    ]
    for cls, p_params, q_params in families:
        p = cls(*[_t(a, False) for a in p_params])
        q_leaves = [_t(a) for a in q_params]
        bregman = _kl_expfamily_expfamily(p, cls(*q_leaves))
        closed = D.kl_divergence(p, cls(*q_leaves))
        np.testing.assert_allclose(bregman.detach().numpy(), closed.detach().numpy(), rtol=1e-9)
        # the gradient reaches q's parameters (p's natural parameters are detached)
        g = mg.autograd.grad(bregman.sum(), q_leaves)
        g_ref = mg.autograd.grad(closed.sum(), q_leaves)
        for a, b in zip(g, g_ref):
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-8)
    with pytest.raises(NotImplementedError):
        _kl_expfamily_expfamily(D.Normal(0.0, 1.0), D.Exponential(1.0))


T = D.transforms
C = D.constraints


def _jacobian(f, x, eps=1e-6):
    """The finite-difference Jacobian of a flattened f at a flat x."""
    cols = []
    for i in range(x.size):
        dx = np.zeros_like(x)
        dx[i] = eps
        cols.append((f(x + dx) - f(x - dx)) / (2 * eps))
    return np.stack(cols, -1)


# name -> (transform, event shape of x, y's flattening to the square Jacobian's rows)
BIJECTIONS = {
    "softplus": (T.SoftplusTransform(), (4,), None),
    "reshape": (T.ReshapeTransform((2, 3), (3, 2)), (2, 3), None),
    "independent": (T.IndependentTransform(T.SoftplusTransform(), 1), (4,), None),
    "cat": (T.CatTransform([T.ExpTransform(), T.SigmoidTransform()], 0, [2, 2]), (4,), None),
    "stack": (T.StackTransform([T.ExpTransform(), T.AffineTransform(1.0, -3.0)], 0), (2,), None),
    "cdf": (
        T.CumulativeDistributionTransform(D.Normal(_t([0.0, 1.0, -1.0], False), 2.0)),
        (3,),
        None,
    ),  # fmt: skip
    "corr_cholesky": (T.CorrCholeskyTransform(), (6,), np.tril_indices(4, -1)),
    "interval": (D.biject_to(C.interval(-1.0, 3.0)), (3,), None),
}


@pytest.mark.parametrize("name", BIJECTIONS)
def test_log_abs_det_jacobian_is_the_log_determinant_and_inverse_inverts(name):
    t, shape, rows = BIJECTIONS[name]
    x = RNG.standard_normal(shape)

    def f(flat):
        y = t(mg.tensor(flat.reshape(shape))).numpy()
        return y[..., rows[0], rows[1]] if rows is not None else y.reshape(-1)

    J = _jacobian(f, x.reshape(-1))
    xt = _t(x, False)
    y = t(xt)
    logdet = t.log_abs_det_jacobian(xt, y).numpy()
    if name in ("cdf", "softplus", "cat", "stack", "interval"):  # elementwise: a diagonal J
        np.testing.assert_allclose(logdet.reshape(-1), np.log(np.abs(np.diag(J))), atol=1e-7)
    else:
        np.testing.assert_allclose(logdet.sum(), np.linalg.slogdet(J)[1], atol=1e-7)
    np.testing.assert_allclose(t.inv(y).numpy(), x, atol=1e-10)
    assert mg.gradcheck(lambda a: t.log_abs_det_jacobian(a, t(a)), (_t(x),))
    assert mg.gradcheck(lambda a: t(a), (_t(x),))


@pytest.mark.parametrize(
    "constraint",
    [C.real, C.positive, C.nonnegative, C.unit_interval, C.greater_than(2.0), C.less_than(-1.0),
     C.interval(-1.0, 3.0), C.half_open_interval(0.5, 0.7), C.simplex, C.real_vector,
     C.independent(C.positive, 2), C.corr_cholesky,
     C.cat([C.positive, C.unit_interval], -1, [1, 2]), C.stack([C.real, C.less_than(0.0)], 1)],
    ids=repr,
)  # fmt: skip
def test_biject_to_and_transform_to_reach_the_constraint_and_invert(constraint):
    for registry in (D.biject_to, D.transform_to):
        t = registry(constraint)
        shape = (3, 6) if constraint is C.corr_cholesky else (4, 2, 3)
        x = _t(3 * RNG.standard_normal(shape), False)
        y = t(x)
        assert constraint.check(y).numpy().all()
        assert t.codomain.event_dim == constraint.event_dim or constraint is C.unit_interval
        if t.bijective:
            np.testing.assert_allclose(t(t.inv(y)).numpy(), y.numpy(), rtol=1e-9, atol=1e-12)


def test_lower_cholesky_and_positive_definite_transforms():
    x = _t(RNG.standard_normal((2, 3, 3)), False)
    L = T.LowerCholeskyTransform()(x).numpy()
    np.testing.assert_allclose(np.tril(L, -1), np.tril(x.numpy(), -1))
    np.testing.assert_allclose(np.diagonal(L, 0, -2, -1), np.exp(np.diagonal(x.numpy(), 0, -2, -1)))
    P = T.PositiveDefiniteTransform()(x)
    np.testing.assert_allclose(P.numpy(), L @ np.swapaxes(L, -1, -2), rtol=1e-12)
    assert C.positive_definite.check(P).numpy().all()
    # the inverse picks the representative whose strict upper triangle is zero
    expected = np.tril(x.numpy())
    np.testing.assert_allclose(T.PositiveDefiniteTransform().inv(P).numpy(), expected, atol=1e-10)
    assert mg.gradcheck(lambda a: T.PositiveDefiniteTransform()(a), (_t(x.numpy()),))


def test_new_constraints_by_definition():
    a = np.array([[[1.0, 0.0], [0.5, 2.0]], [[1.0, 1.0], [0.0, 1.0]]])
    np.testing.assert_array_equal(C.lower_triangular.check(mg.tensor(a)).numpy(), [True, False])
    np.testing.assert_array_equal(C.square.check(mg.zeros(3, 2, 2)).numpy(), [True] * 3)
    np.testing.assert_array_equal(C.square.check(mg.zeros(3, 2, 3)).numpy(), [False] * 3)
    s = np.array([[[2.0, 1.0], [1.0, 2.0]], [[1.0, 2.0], [2.0, 1.0]], [[1.0, 0.0], [0.5, 1.0]]])
    np.testing.assert_array_equal(C.symmetric.check(mg.tensor(s)).numpy(), [True, True, False])
    psd = C.positive_semidefinite.check(mg.tensor(s[:2])).numpy()
    np.testing.assert_array_equal(psd, [True, False])  # eigenvalues 3, 1 and 3, -1
    corr = np.array([[[1.0, 0.0], [0.6, 0.8]], [[1.0, 0.0], [0.6, 0.7]]])
    np.testing.assert_array_equal(C.corr_cholesky.check(mg.tensor(corr)).numpy(), [True, False])
    c = C.cat([C.positive, C.unit_interval], 0, [1, 2])
    v = mg.tensor([[1.0, -1.0], [0.5, 0.5], [0.2, 1.5]])
    np.testing.assert_array_equal(c.check(v).numpy(), [[True, False], [True, True], [True, False]])
    st = C.stack([C.positive, C.unit_interval], 1)
    np.testing.assert_array_equal(
        st.check(v[:, :2]).numpy(), [[True, False], [True, True], [True, False]]
    )


def test_von_mises_gradient_is_finite_for_tiny_and_huge_concentration():
    """log I₀ takes x clamped to each branch's side of 3.75: the branch not taken cannot
    overflow to inf and turn the gradient into NaN (PyTorch 2.13's does, at κ = 1e-6 in
    float32); d/dκ [κ cos x - log I₀(κ)] + d/dκ (1 - I₁/I₀) → cos x - 1/2 as κ → 0."""
    import warnings

    k = mg.tensor([1e-6, 1e-3, 1e4, 50.0, 3.75], requires_grad=True)
    x = mg.tensor([0.1, 0.2, 0.3, 0.4, 0.5])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        d = D.VonMises(mg.zeros(5), k)
        (d.log_prob(x).sum() + d.variance.sum()).backward()
    g = k.grad.numpy()
    assert np.isfinite(g).all()
    np.testing.assert_allclose(g[0], math.cos(0.1) - 0.5, rtol=1e-5)
    k64 = _t([1e-4, 1e-3, 1e4, 50.0, 3.7])  # (A & S's two branches differ a little at 3.75)
    assert mg.gradcheck(
        lambda a: D.VonMises(mg.zeros(5, dtype=mg.float64), a).log_prob(x.double()), (k64,)
    )
