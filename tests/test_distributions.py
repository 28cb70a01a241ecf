"""minigrad.distributions without torch: finite-difference gradients (mg.gradcheck, float64)
of log_prob, cdf, icdf, entropy, rsample and kl_divergence; the densities against their
textbook formulas; normalisation; KL(p, p) = 0; sampling statistics within CLT bounds."""

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import distributions as D
from minigrad.special import digamma
from minigrad.special import gammaln as lgamma

RNG = np.random.default_rng(2024)


def _t(a, grad=True):
    return mg.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def _spd(n, *batch):
    a = RNG.standard_normal(batch + (n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def _sym(a):
    return (a + a.transpose(-2, -1)) / 2


# name -> (params as arrays, fn(*param tensors) -> distribution, value array or None)
CONTINUOUS = {
    "normal": ([RNG.standard_normal(3), np.exp(RNG.standard_normal(3))], D.Normal),
    "laplace": ([RNG.standard_normal(3), np.exp(RNG.standard_normal(3))], D.Laplace),
    "exponential": ([np.exp(RNG.standard_normal(3))], D.Exponential),
    "uniform": ([np.array([-1.0, 0.0, 0.5]), np.array([0.5, 2.0, 3.0])], D.Uniform),
}
VALUES = {
    "normal": RNG.standard_normal((2, 3)),
    "laplace": RNG.standard_normal((2, 3)) + 0.01,
    "exponential": np.exp(RNG.standard_normal((2, 3))),
    "uniform": np.array([0.1, 1.5, 2.0]),
}


@pytest.mark.parametrize("name", CONTINUOUS)
def test_log_prob_cdf_entropy_gradcheck(name):
    params, cls = CONTINUOUS[name]
    ps = [_t(p) for p in params]
    x = _t(VALUES[name])
    assert mg.gradcheck(lambda *a: cls(*a[:-1]).log_prob(a[-1]), (*ps, x))
    assert mg.gradcheck(lambda *a: cls(*a[:-1]).cdf(a[-1]), (*ps, x))
    assert mg.gradcheck(lambda *a: cls(*a).entropy(), tuple(ps))
    assert mg.gradcheck(lambda *a: cls(*a).variance, tuple(ps))
    u = _t(RNG.uniform(0.1, 0.9, (2, 3)))
    assert mg.gradcheck(lambda *a: cls(*a[:-1]).icdf(a[-1]), (*ps, u))


@pytest.mark.parametrize("name", CONTINUOUS)
def test_rsample_gradcheck_for_fixed_noise(name):
    params, cls = CONTINUOUS[name]
    ps = [_t(p) for p in params]

    def draw(*a):
        mg.manual_seed(3)
        return cls(*a).rsample((4,))

    assert mg.gradcheck(draw, tuple(ps))


@pytest.mark.parametrize("name", CONTINUOUS)
def test_icdf_inverts_cdf_and_density_integrates_to_one(name):
    params, cls = CONTINUOUS[name]
    d = cls(*[_t(p, False) for p in params])
    u = np.linspace(0.02, 0.98, 25)[:, None] * np.ones(3)
    x = d.icdf(_t(u, False))
    np.testing.assert_allclose(d.cdf(x).numpy(), u, rtol=1e-12, atol=1e-12)
    # the density integrates, by the trapezoid rule on a fine grid, to one
    lo, hi = d.icdf(_t([1e-9] * 3, False)).numpy(), d.icdf(_t([1 - 1e-9] * 3, False)).numpy()
    if name == "uniform":
        lo, hi = params[0], params[1] - 1e-12
    grid = np.linspace(lo, hi, 200001)
    dens = np.exp(d.log_prob(_t(grid, False)).numpy())
    np.testing.assert_allclose(np.trapezoid(dens, grid, axis=0), 1.0, atol=1e-6)
    # and the cdf is its running integral
    mid = grid[100000]
    partial = np.trapezoid(dens[:100001], grid[:100001], axis=0)
    np.testing.assert_allclose(d.cdf(_t(mid, False)).numpy() - d.cdf(_t(lo, False)).numpy(),
                               partial, atol=1e-6)  # fmt: skip


def test_normal_matches_the_textbook_formulas():
    loc, scale, x = 0.3, 1.7, np.array([-2.0, 0.1, 4.0])
    d = D.Normal(_t(loc, False), _t(scale, False))
    pdf = [
        math.exp(-((v - loc) ** 2) / (2 * scale**2)) / (scale * math.sqrt(2 * math.pi)) for v in x
    ]
    cdf = [0.5 * (1 + math.erf((v - loc) / (scale * math.sqrt(2)))) for v in x]
    np.testing.assert_allclose(np.exp(d.log_prob(_t(x, False)).numpy()), pdf, rtol=1e-13)
    np.testing.assert_allclose(d.cdf(_t(x, False)).numpy(), cdf, rtol=1e-13)
    np.testing.assert_allclose(d.entropy().item(), 0.5 * math.log(2 * math.pi * math.e * scale**2))


def test_laplace_and_exponential_match_the_textbook_formulas():
    x = np.array([-1.5, 0.2, 3.0])
    d = D.Laplace(_t(0.5, False), _t(2.0, False))
    expected = [math.exp(-abs(v - 0.5) / 2.0) / 4.0 for v in x]
    np.testing.assert_allclose(np.exp(d.log_prob(_t(x, False)).numpy()), expected, rtol=1e-13)
    e = D.Exponential(_t(1.5, False))
    xs = np.abs(x)
    expected = [1.5 * math.exp(-1.5 * v) for v in xs]
    np.testing.assert_allclose(np.exp(e.log_prob(_t(xs, False)).numpy()), expected, rtol=1e-13)
    np.testing.assert_allclose(e.cdf(_t(xs, False)).numpy(), [1 - math.exp(-1.5 * v) for v in xs])


def _mvn_log_pdf(x, mu, cov):
    """The multivariate normal log density by the definition, one vector at a time."""
    n = len(mu)
    d = x - mu
    return -0.5 * (n * math.log(2 * math.pi) + math.log(np.linalg.det(cov))
                   + d @ np.linalg.inv(cov) @ d)  # fmt: skip


@pytest.mark.parametrize("form", ["covariance_matrix", "precision_matrix", "scale_tril"])
def test_multivariate_normal_log_prob_matches_the_definition(form):
    mu, cov = RNG.standard_normal(3), _spd(3)
    arg = {
        "covariance_matrix": cov,
        "precision_matrix": np.linalg.inv(cov),
        "scale_tril": np.linalg.cholesky(cov),
    }[form]
    d = D.MultivariateNormal(_t(mu, False), **{form: _t(arg, False)})
    x = RNG.standard_normal((4, 3))
    got = d.log_prob(_t(x, False)).numpy()
    np.testing.assert_allclose(got, [_mvn_log_pdf(v, mu, cov) for v in x], rtol=1e-12)
    np.testing.assert_allclose(d.covariance_matrix.numpy(), cov, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(d.precision_matrix.numpy(), np.linalg.inv(cov), atol=1e-12)
    np.testing.assert_allclose(d.scale_tril.numpy(), np.linalg.cholesky(cov), atol=1e-12)
    ent = 0.5 * (3 * (1 + math.log(2 * math.pi)) + math.log(np.linalg.det(cov)))
    np.testing.assert_allclose(d.entropy().item(), ent, rtol=1e-12)


@pytest.mark.parametrize("form", ["covariance_matrix", "precision_matrix", "scale_tril"])
def test_multivariate_normal_gradcheck(form):
    mu, x = _t(RNG.standard_normal((2, 3))), _t(RNG.standard_normal((4, 2, 3)))
    if form == "scale_tril":
        m = _t(np.linalg.cholesky(_spd(3, 2)))

        def make(loc, a):
            return D.MultivariateNormal(loc, scale_tril=a.tril())
    else:
        m = _t(_spd(3, 2))

        def make(loc, a):
            return D.MultivariateNormal(loc, **{form: _sym(a)})

    assert mg.gradcheck(lambda loc, a, v: make(loc, a).log_prob(v), (mu, m, x))
    assert mg.gradcheck(lambda loc, a: make(loc, a).entropy(), (mu, m))
    assert mg.gradcheck(lambda loc, a: make(loc, a).covariance_matrix, (mu, m))
    assert mg.gradcheck(lambda loc, a: make(loc, a).precision_matrix, (mu, m))

    def draw(loc, a):
        mg.manual_seed(5)
        return make(loc, a).rsample((3,))

    assert mg.gradcheck(draw, (mu, m))


def test_discrete_log_prob_gradcheck():
    p, logits = _t(RNG.uniform(0.1, 0.9, 4)), _t(RNG.standard_normal((3, 4)))
    bits = _t(RNG.integers(0, 2, 4), False)
    k = mg.tensor(RNG.integers(0, 4, (2, 3)))
    assert mg.gradcheck(lambda q: D.Bernoulli(probs=q).log_prob(bits), (p,))
    assert mg.gradcheck(lambda q: D.Bernoulli(logits=q).log_prob(bits), (p,))
    assert mg.gradcheck(lambda q: D.Bernoulli(probs=q).entropy(), (p,))
    assert mg.gradcheck(lambda z: D.Categorical(logits=z).log_prob(k), (logits,))
    assert mg.gradcheck(lambda z: D.Categorical(probs=z.exp()).log_prob(k), (logits,))
    assert mg.gradcheck(lambda z: D.Categorical(logits=z).entropy(), (logits,))
    hot = mg.tensor(np.eye(4)[RNG.integers(0, 4, 3)])
    assert mg.gradcheck(lambda z: D.OneHotCategorical(logits=z).log_prob(hot), (logits,))


def test_discrete_pmfs_sum_to_one():
    b = D.Bernoulli(logits=_t(RNG.standard_normal((2, 3)), False))
    support = b.enumerate_support()
    assert support.shape == (2, 2, 3)
    np.testing.assert_allclose(b.log_prob(support).exp().sum(0).numpy(), 1.0, rtol=1e-14)
    c = D.Categorical(probs=_t(RNG.uniform(0.1, 1, (2, 5)), False))
    support = c.enumerate_support()
    assert support.shape == (5, 2)
    np.testing.assert_allclose(c.log_prob(support).exp().sum(0).numpy(), 1.0, rtol=1e-14)
    h = D.OneHotCategorical(logits=_t(RNG.standard_normal(4), False))
    np.testing.assert_allclose(h.log_prob(h.enumerate_support()).exp().sum().item(), 1.0)
    # Categorical's entropy by its definition
    p = c.probs.numpy()
    np.testing.assert_allclose(c.entropy().numpy(), -(p * np.log(p)).sum(-1), rtol=1e-13)


def _pairs():
    m = RNG.standard_normal(3)
    s = np.exp(RNG.standard_normal(3))
    cov = _spd(3)
    return {
        "normal": lambda: D.Normal(_t(m, False), _t(s, False)),
        "laplace": lambda: D.Laplace(_t(m, False), _t(s, False)),
        "exponential": lambda: D.Exponential(_t(s, False)),
        "uniform": lambda: D.Uniform(_t(m, False), _t(m + s, False)),
        "bernoulli": lambda: D.Bernoulli(logits=_t(m, False)),
        "categorical": lambda: D.Categorical(logits=_t(np.outer(s, m), False)),
        "onehot": lambda: D.OneHotCategorical(probs=_t(np.outer(s, s), False)),
        "mvn": lambda: D.MultivariateNormal(_t(m, False), _t(cov, False)),
        "independent": lambda: D.Independent(D.Normal(_t(m, False), _t(s, False)), 1),
    }


@pytest.mark.parametrize("name", _pairs())
def test_kl_of_a_distribution_with_itself_is_zero(name):
    make = _pairs()[name]
    p, q = make(), make()
    np.testing.assert_allclose(D.kl_divergence(p, q).numpy(), 0.0, atol=1e-12)


def _monte_carlo_kl(p, q, n=200000):
    x = p.sample((n,))
    r = (p.log_prob(x) - q.log_prob(x)).numpy()
    return r.mean(0), r.std(0) / math.sqrt(n)


@pytest.mark.parametrize(
    "make",
    [
        lambda: (D.Normal(_t([0.0, 1.0], False), 1.5), D.Normal(_t([0.5, -1.0], False), 2.0)),
        lambda: (D.Laplace(_t([0.0, 1.0], False), 1.0), D.Normal(_t([0.5, -1.0], False), 2.0)),
        lambda: (D.Normal(_t([0.0, 1.0], False), 1.0), D.Laplace(_t([0.5, -1.0], False), 2.0)),
        lambda: (D.Exponential(_t([1.0, 3.0], False)), D.Normal(_t([0.5, -1.0], False), 2.0)),
        lambda: (D.Laplace(_t([0.0, 1.0], False), 1.0), D.Laplace(_t([0.5, -1.0], False), 2.0)),
        lambda: (D.Uniform(_t([0.0, 1.0], False), 2.0), D.Normal(_t([0.5, -1.0], False), 2.0)),
        lambda: (D.Uniform(_t([0.5, 1.0], False), 2.0), D.Exponential(_t([0.5, 2.0], False))),
        lambda: (
            D.MultivariateNormal(_t([0.0, 1.0], False), _t([[2.0, 0.5], [0.5, 1.0]], False)),
            D.MultivariateNormal(
                _t([1.0, 0.0], False), scale_tril=_t([[1.0, 0.0], [0.3, 0.8]], False)
            ),
        ),
    ],
)
def test_kl_matches_a_monte_carlo_estimate(make):
    mg.manual_seed(11)
    p, q = make()
    est, se = _monte_carlo_kl(p, q)
    kl = D.kl_divergence(p, q).numpy()
    assert np.all(np.abs(kl - est) < 5 * se + 1e-12), (kl, est, se)


def test_kl_gradcheck():
    a, b, c, d = (_t(np.exp(RNG.standard_normal(3))) for _ in range(4))
    assert mg.gradcheck(
        lambda a, b, c, d: D.kl_divergence(D.Normal(a, b), D.Laplace(c, d)), (a, b, c, d)
    )
    assert mg.gradcheck(
        lambda a, b, c, d: D.kl_divergence(D.Laplace(a, b), D.Laplace(c, d)), (a, b, c, d)
    )
    m1, m2 = _t(_spd(3)), _t(_spd(3))
    assert mg.gradcheck(
        lambda a, m1, m2: D.kl_divergence(
            D.MultivariateNormal(a, _sym(m1)),
            D.MultivariateNormal(a.flip(0), precision_matrix=_sym(m2)),
        ),
        (a, m1, m2),
    )


def test_infinite_and_unregistered_kl():
    n = D.Normal(_t([0.0, 1.0], False), 1.0)
    assert np.isinf(D.kl_divergence(n, D.Exponential(_t([1.0, 1.0], False))).numpy()).all()
    u = D.Uniform(_t([0.0, -1.0], False), 1.0)
    kl = D.kl_divergence(u, D.Uniform(_t([-0.5, -0.5], False), 2.0)).numpy()
    assert math.isinf(kl[1]) and kl[0] == pytest.approx(math.log(2.5))
    with pytest.raises(NotImplementedError, match="Bernoulli"):
        D.kl_divergence(D.Bernoulli(0.5), n)


def test_register_kl_dispatches_to_the_most_specific_pair():
    class MyNormal(D.Normal):
        pass

    p, q = MyNormal(0.0, 1.0), D.Normal(1.0, 1.0)
    assert D.kl_divergence(p, q).item() == pytest.approx(0.5)

    @D.register_kl(MyNormal, D.Normal)
    def _kl(p, q):
        return mg.tensor(-1.0)

    try:
        assert D.kl_divergence(p, q).item() == -1.0
        assert D.kl_divergence(q, q).item() == 0.0
    finally:
        from minigrad.distributions import kl

        del kl._KL_REGISTRY[MyNormal, D.Normal]
        kl._KL_MEMOIZE.clear()
    with pytest.raises(TypeError):
        D.register_kl(int, D.Normal)


N = 100000

# sampling statistics: the sample mean within 5 standard errors of the mean, the sample
# variance within 5 standard errors of the variance (its variance (m4 - var²)/n, m4 the
# sample's fourth central moment)
SAMPLERS = {
    "normal": lambda: D.Normal(_t([0.0, 3.0], False), _t([1.0, 0.5], False)),
    "laplace": lambda: D.Laplace(_t([0.0, -2.0], False), _t([1.0, 2.0], False)),
    "exponential": lambda: D.Exponential(_t([0.5, 4.0], False)),
    "uniform": lambda: D.Uniform(_t([0.0, -2.0], False), _t([1.0, 5.0], False)),
    "bernoulli": lambda: D.Bernoulli(_t([0.1, 0.7], False)),
    "categorical": lambda: D.Categorical(_t([0.2, 0.5, 0.3], False)),
    "onehot": lambda: D.OneHotCategorical(_t([0.2, 0.5, 0.3], False)),
    "independent": lambda: D.Independent(D.Laplace(_t([0.0, -2.0], False), 1.0), 1),
}


@pytest.mark.parametrize("method", ["sample", "rsample"])
@pytest.mark.parametrize("name", SAMPLERS)
def test_sample_mean_and_variance_within_clt_bounds(name, method):
    d = SAMPLERS[name]()
    if method == "rsample" and not d.has_rsample:
        with pytest.raises(NotImplementedError):
            d.rsample()
        return
    mg.manual_seed(0)
    x = getattr(d, method)((N,))
    assert x.shape == (N,) + d.batch_shape + d.event_shape
    assert d.support.check(x).numpy().all()
    a = x.detach().numpy().astype(np.float64)
    if name == "categorical":  # class frequencies against the probabilities
        freq = np.stack([(a == k).mean(0) for k in range(3)])
        p = d.probs.numpy()
        assert np.all(np.abs(freq - p) < 5 * np.sqrt(p * (1 - p) / N))
        return
    mean, var = d.mean.numpy(), d.variance.numpy()
    assert np.all(np.abs(a.mean(0) - mean) < 5 * np.sqrt(var / N))
    m4 = ((a - a.mean(0)) ** 4).mean(0)
    assert np.all(np.abs(a.var(0) - var) < 5 * np.sqrt((m4 - var**2) / N))


def test_multivariate_normal_sample_covariance_within_clt_bounds():
    cov = np.array([[2.0, 0.6, 0.0], [0.6, 1.0, -0.3], [0.0, -0.3, 0.5]])
    d = D.MultivariateNormal(
        _t([1.0, 0.0, -1.0], False), precision_matrix=_t(np.linalg.inv(cov), False)
    )
    mg.manual_seed(1)
    x = d.rsample((N,)).detach().numpy()
    assert np.all(np.abs(x.mean(0) - [1.0, 0.0, -1.0]) < 5 * np.sqrt(np.diag(cov) / N))
    c = x - x.mean(0)
    prods = c[:, :, None] * c[:, None, :]
    se = prods.std(0) / math.sqrt(N)
    assert np.all(np.abs(prods.mean(0) - cov) < 5 * se)


def test_samples_repeat_with_the_seed_and_carry_no_gradient():
    loc = _t([0.0, 1.0])
    d = D.Normal(loc, 1.0)
    mg.manual_seed(4)
    a = d.sample((3,))
    mg.manual_seed(4)
    b = d.sample((3,))
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert not a.requires_grad and d.rsample().requires_grad
    assert D.Categorical(logits=_t([0.0, 1.0], False)).sample((5,)).dtype == mg.int64
    assert D.Bernoulli(_t([0.5], False)).sample().dtype == mg.float64


def test_independent_sums_the_base_log_prob():
    base = D.Normal(_t(RNG.standard_normal((2, 3)), False), 2.0)
    ind = D.Independent(base, 1)
    x = _t(RNG.standard_normal((4, 2, 3)), False)
    assert (ind.batch_shape, ind.event_shape) == ((2,), (3,))
    np.testing.assert_allclose(ind.log_prob(x).numpy(), base.log_prob(x).numpy().sum(-1))
    np.testing.assert_allclose(ind.entropy().numpy(), base.entropy().numpy().sum(-1))


def test_expand_broadcasts_the_parameters():
    d = D.Laplace(_t([0.0, 1.0], False), 2.0).expand((3, 2))
    assert d.batch_shape == (3, 2)
    x = _t(RNG.standard_normal((3, 2)), False)
    np.testing.assert_allclose(
        d.log_prob(x).numpy(), D.Laplace(_t([0.0, 1.0], False), 2.0).log_prob(x).numpy()
    )
    mvn = D.MultivariateNormal(_t([0.0, 1.0], False), _t(np.eye(2), False)).expand((4,))
    assert (mvn.batch_shape, mvn.event_shape, mvn.sample((2,)).shape) == ((4,), (2,), (2, 4, 2))


@pytest.mark.parametrize(
    "make",
    [
        lambda: D.Normal(0.0, -1.0),
        lambda: D.Normal(_t([0.0, float("nan")], False), 1.0),
        lambda: D.Exponential(0.0),
        lambda: D.Laplace(0.0, 0.0),
        lambda: D.Uniform(2.0, 1.0),
        lambda: D.Bernoulli(probs=-0.1),
        lambda: D.Bernoulli(),
        lambda: D.Categorical(probs=_t([0.5, -0.1], False)),
        lambda: D.MultivariateNormal(_t([0.0, 0.0], False), _t([[1.0, 2.0], [2.0, 1.0]], False)),
        lambda: D.MultivariateNormal(
            _t([0.0, 0.0], False), scale_tril=_t([[1.0, 1.0], [0.0, 1.0]], False)
        ),
        lambda: D.Normal(0.0, 1.0).log_prob(_t([float("nan")], False)),
        lambda: D.Exponential(1.0).log_prob(_t([-0.5], False)),
        lambda: D.Uniform(0.0, 1.0).log_prob(_t([1.5], False)),
        lambda: D.Bernoulli(0.5).log_prob(_t([2.0], False)),
        lambda: D.Categorical(probs=_t([0.5, 0.5], False)).log_prob(mg.tensor([2])),
        lambda: D.Normal(_t([0.0, 0.0], False), 1.0).log_prob(_t([0.0, 0.0, 0.0], False)),
        lambda: D.MultivariateNormal(_t([0.0, 0.0], False), _t(np.eye(2), False)).log_prob(
            _t([0.0], False)
        ),
    ],
)
def test_bad_parameters_and_values_raise_value_error(make):
    with pytest.raises(ValueError):
        make()


def test_validation_can_be_turned_off():
    d = D.Exponential(1.0, validate_args=False)
    assert d.log_prob(_t([-1.0], False)).item() == pytest.approx(1.0)
    assert D.Normal(0.0, -1.0, validate_args=False).scale.item() == -1.0


def test_repr_and_constraints():
    assert repr(D.Normal(0.0, 1.0)) == "Normal(loc: 0.0, scale: 1.0)"
    assert repr(D.Bernoulli(logits=_t([0.0, 1.0], False))) == "Bernoulli(logits: torch.Size([2]))"
    assert repr(D.constraints.interval(0, 2)) == "Interval(lower_bound=0, upper_bound=2)"
    assert D.constraints.simplex.check(_t([[0.5, 0.5], [0.5, 0.6]], False)).tolist() == [
        True,
        False,
    ]
    assert D.constraints.is_dependent(D.Categorical.support)
    assert D.Categorical(probs=_t([0.2, 0.8], False)).support.upper_bound == 1


# ---- the second group: special functions, gamma family, counts, transforms ----


def test_lgamma_and_digamma_against_their_definitions():
    x = np.array([0.1, 0.5, 1.0, 1.5, 2.0, 3.7, 10.0, 25.5, -0.5, -2.3])
    np.testing.assert_allclose(
        lgamma(_t(x, False)).numpy(), [math.lgamma(v) for v in x], rtol=1e-14
    )
    # ψ at known points: ψ(1) = -γ, ψ(1/2) = -γ - 2 log 2, ψ(n + 1) = ψ(n) + 1/n
    gamma_e = 0.57721566490153286060
    np.testing.assert_allclose(
        digamma(_t([1.0, 0.5], False)).numpy(), [-gamma_e, -gamma_e - 2 * math.log(2)], rtol=1e-14
    )
    v = RNG.uniform(-4.5, 30, 50)
    v = v[np.abs(v - np.round(v)) > 1e-3]
    np.testing.assert_allclose(
        digamma(_t(v + 1, False)).numpy(),
        digamma(_t(v, False)).numpy() + 1 / v,
        rtol=1e-12,
        atol=1e-12,
    )
    # ψ is the derivative of log Γ (central differences of math.lgamma)
    h = 1e-5
    fd = [(math.lgamma(a + h) - math.lgamma(a - h)) / (2 * h) for a in x[:8]]
    np.testing.assert_allclose(digamma(_t(x[:8], False)).numpy(), fd, rtol=1e-7, atol=1e-7)
    assert np.isneginf(digamma(_t([0.0], False)).numpy()).all()
    assert np.isnan(digamma(_t([-1.0, -2.0], False)).numpy()).all()


def test_gammainc_against_its_integral_and_gamma_cdf_gradcheck():
    # P(a, x) = ∫_0^x t^(a-1) e^(-t) dt / Γ(a) by the trapezoid rule; for a < 1 in u = t^a,
    # where the integrand e^(-t)/Γ(a+1) is smooth at 0
    from minigrad.special import gammainc

    for a, x in [
        (0.5, 0.3),
        (0.2, 4.0),
        (1.0, 2.0),
        (2.5, 1.0),
        (4.0, 9.0),
        (12.0, 10.0),
        (30.0, 31.0),
    ]:
        if a < 1:
            u = np.linspace(0, x**a, 200001)
            expected = np.trapezoid(np.exp(-(u ** (1 / a)) - math.lgamma(a + 1)), u)
        else:
            t = np.linspace(0, x, 200001)
            expected = np.trapezoid(t ** (a - 1) * np.exp(-t - math.lgamma(a)), t)
        got = gammainc(_t([a], False), _t([x], False)).item()
        assert abs(got - expected) < 1e-8, (a, x, got, expected)
    np.testing.assert_allclose(
        gammainc(_t([1.0, 3.0], False), _t([2.0, 0.0], False)).numpy(),
        [1 - math.exp(-2.0), 0.0],
        rtol=1e-15,
    )
    rate, x = _t([0.5, 2.0, 1.0]), _t([0.3, 1.7, 25.0])
    conc = _t([0.7, 3.0, 20.0], False)
    assert mg.gradcheck(lambda r, v: D.Gamma(conc, r).cdf(v), (rate, x))
    d = D.Gamma(conc, rate)
    with pytest.raises(NotImplementedError):
        D.Gamma(_t([2.0]), 1.0).cdf(_t([1.0], False)).sum().backward()
    assert d.cdf(_t([0.0, 0.0, 0.0], False)).tolist() == [0.0, 0.0, 0.0]


def test_lgamma_and_digamma_gradcheck():
    x = _t(np.array([0.3, 1.0, 2.5, 7.0, -0.4, -1.7]))
    assert mg.gradcheck(lgamma, (x,))
    assert mg.gradcheck(digamma, (x,))
    assert lgamma(x).grad_fn.name().startswith("Lgamma")
    assert lgamma(mg.tensor([1.5, 2.5])).dtype == mg.float32


SECOND = {
    "gamma": (
        lambda a, b: D.Gamma(a, b),
        [np.array([0.5, 1.0, 3.0]), np.array([0.5, 2.0, 1.0])],
        np.array([0.3, 1.2, 4.0]),
    ),
    "beta": (
        lambda a, b: D.Beta(a, b),
        [np.array([0.5, 1.0, 3.0]), np.array([2.0, 0.7, 1.0])],
        np.array([0.3, 0.6, 0.9]),
    ),
    "dirichlet": (
        lambda a: D.Dirichlet(a),
        [np.array([[0.5, 1.0, 3.0], [2.0, 2.0, 0.7]])],
        np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]]),
    ),
    "lognormal": (
        lambda a, b: D.LogNormal(a, b),
        [RNG.standard_normal(3), np.array([0.5, 1.0, 2.0])],
        np.array([0.3, 1.2, 4.0]),
    ),
    "gumbel": (
        lambda a, b: D.Gumbel(a, b),
        [RNG.standard_normal(3), np.array([0.5, 1.0, 2.0])],
        RNG.standard_normal(3),
    ),
    "cauchy": (
        lambda a, b: D.Cauchy(a, b),
        [RNG.standard_normal(3), np.array([0.5, 1.0, 2.0])],
        3 * RNG.standard_normal(3),
    ),
    "student_t": (
        lambda a, b, c: D.StudentT(a, b, c),
        [np.array([0.8, 2.5, 9.0]), RNG.standard_normal(3), np.array([0.5, 1.0, 2.0])],
        3 * RNG.standard_normal(3),
    ),
    "poisson": (lambda a: D.Poisson(a), [np.array([0.5, 2.0, 7.0])], np.array([0.0, 3.0, 5.0])),
    "binomial": (
        lambda a: D.Binomial(mg.tensor([9.0, 9.0, 9.0], dtype=mg.float64), logits=a),
        [RNG.standard_normal(3)],
        np.array([0.0, 3.0, 5.0]),
    ),
    "geometric": (
        lambda a: D.Geometric(probs=a),
        [np.array([0.2, 0.5, 0.9])],
        np.array([0.0, 3.0, 5.0]),
    ),
}


@pytest.mark.parametrize("name", SECOND)
def test_second_group_log_prob_and_entropy_gradcheck(name):
    make, params, value = SECOND[name]
    ps = tuple(_t(p) for p in params)
    discrete = name in ("poisson", "binomial", "geometric")
    x = _t(value, not discrete and name != "dirichlet")
    assert mg.gradcheck(lambda *a: make(*a).log_prob(x), ps)
    if not discrete and name != "dirichlet":
        assert mg.gradcheck(lambda v: make(*ps).log_prob(v), (x,))
    if name != "poisson":  # as PyTorch, Poisson has no entropy
        assert mg.gradcheck(lambda *a: make(*a).entropy(), ps)


def _integrate(d, lo, hi, n=400001):
    grid = np.linspace(lo, hi, n)
    dens = np.exp(d.log_prob(_t(grid, False)).numpy())
    return np.trapezoid(dens, grid, axis=0)


@pytest.mark.parametrize(
    "make, lo, hi, atol",
    [
        (lambda: D.Gamma(_t([2.0, 5.0], False), _t([1.0, 3.0], False)), 1e-12, 60.0, 1e-6),
        (lambda: D.Beta(_t([2.0, 3.5], False), _t([1.5, 4.0], False)), 0.0, 1.0, 1e-6),
        (lambda: D.LogNormal(_t([0.0, 0.5], False), _t([0.5, 0.3], False)), 1e-9, 40.0, 1e-6),
        (lambda: D.Gumbel(_t([0.0, 1.0], False), _t([1.0, 0.5], False)), -10.0, 40.0, 1e-6),
        (lambda: D.StudentT(_t([3.0, 30.0], False)), -2000.0, 2000.0, 1e-6),
        (lambda: D.Cauchy(_t([0.0, 1.0], False), _t([1.0, 0.5], False)), -1e4, 1e4, 1e-4),
        (
            lambda: D.TransformedDistribution(
                D.Normal(_t([0.0, 1.0], False), 1.0), [D.SigmoidTransform()]
            ),
            1e-12,
            1 - 1e-12,
            1e-6,
        ),
    ],
)
def test_second_group_densities_integrate_to_one(make, lo, hi, atol):
    d = make()
    lo = np.full(d.batch_shape, lo)
    hi = np.full(d.batch_shape, hi)
    # Cauchy's tails beyond ±1e4 hold 2·scale/(π·1e4) of its mass
    expected = 1.0 if not isinstance(d, D.Cauchy) else 1 - 2 * d.scale.numpy() / (math.pi * 1e4)
    np.testing.assert_allclose(_integrate(d, lo, hi), expected, atol=atol)


def test_dirichlet_density_integrates_to_one_on_the_triangle():
    d = D.Dirichlet(_t([2.0, 3.0, 1.5], False))
    n = 800
    u = (np.arange(n) + 0.5) / n
    a, b = np.meshgrid(u, u, indexing="ij")
    inside = a + b < 1
    pts = np.stack([a[inside], b[inside], 1 - a[inside] - b[inside]], -1)
    total = np.exp(d.log_prob(_t(pts, False)).numpy()).sum() / n**2
    assert abs(total - 1.0) < 2e-3  # midpoint rule on a grid of 1/800


@pytest.mark.parametrize(
    "make, top",
    [
        (lambda: D.Poisson(_t([0.5, 3.0, 12.0], False)), 200),
        (lambda: D.Geometric(probs=_t([0.1, 0.5, 0.9], False)), 2000),
        (lambda: D.Binomial(7, probs=_t([0.1, 0.5, 0.9], False)), 7),
    ],
)
def test_count_pmfs_sum_to_one_with_their_mean(make, top):
    d = make()
    k = np.arange(top + 1, dtype=np.float64)[:, None] * np.ones(3)
    pmf = np.exp(d.log_prob(_t(k, False)).numpy())
    np.testing.assert_allclose(pmf.sum(0), 1.0, rtol=1e-12)
    np.testing.assert_allclose((k * pmf).sum(0), d.mean.numpy(), rtol=1e-10)
    np.testing.assert_allclose(
        ((k - d.mean.numpy()) ** 2 * pmf).sum(0), d.variance.numpy(), rtol=1e-9
    )


def test_binomial_matches_the_textbook_pmf():
    d = D.Binomial(_t([6.0], False), probs=_t([0.3], False))
    pmf = [math.comb(6, k) * 0.3**k * 0.7 ** (6 - k) for k in range(7)]
    np.testing.assert_allclose(
        np.exp(d.log_prob(d.enumerate_support()).numpy()[:, 0]), pmf, rtol=1e-12
    )
    np.testing.assert_allclose(d.entropy().item(), -sum(p * math.log(p) for p in pmf), rtol=1e-12)


SECOND_SAMPLERS = {
    "gamma": lambda: D.Gamma(_t([0.5, 4.0], False), _t([2.0, 1.0], False)),
    "beta": lambda: D.Beta(_t([0.5, 4.0], False), _t([2.0, 1.0], False)),
    "dirichlet": lambda: D.Dirichlet(_t([0.5, 4.0, 2.0], False)),
    "poisson": lambda: D.Poisson(_t([0.5, 9.0], False)),
    "binomial": lambda: D.Binomial(_t([3.0, 20.0], False), probs=_t([0.2, 0.6], False)),
    "geometric": lambda: D.Geometric(_t([0.3, 0.8], False)),
    "lognormal": lambda: D.LogNormal(_t([0.0, -1.0], False), _t([0.5, 0.25], False)),
    "gumbel": lambda: D.Gumbel(_t([0.0, 3.0], False), _t([1.0, 0.5], False)),
    "student_t": lambda: D.StudentT(_t([5.0, 12.0], False), 1.0, 2.0),
    "sigmoid_normal": lambda: D.TransformedDistribution(
        D.Normal(_t([0.0, 1.0], False), 1.0), D.SigmoidTransform()
    ),
}


@pytest.mark.parametrize("name", SECOND_SAMPLERS)
def test_second_group_sample_statistics_within_clt_bounds(name):
    d = SECOND_SAMPLERS[name]()
    mg.manual_seed(0)
    x = d.sample((N,))
    assert x.shape == (N,) + d.batch_shape + d.event_shape
    assert not x.requires_grad
    assert d.support.check(x).numpy().all()
    a = x.numpy().astype(np.float64)
    if name == "sigmoid_normal":  # its mean has no closed form: compare E[logit(X)] instead
        z = np.log(a) - np.log1p(-a)
        assert np.all(np.abs(z.mean(0) - [0.0, 1.0]) < 5 * z.std(0) / math.sqrt(N))
        return
    mean, var = d.mean.numpy(), d.variance.numpy()
    assert np.all(np.abs(a.mean(0) - mean) < 5 * np.sqrt(var / N))
    m4 = ((a - a.mean(0)) ** 4).mean(0)
    assert np.all(np.abs(a.var(0) - var) < 5 * np.sqrt((m4 - var**2) / N))


def test_cauchy_sample_quartiles_within_clt_bounds():
    d = D.Cauchy(_t([1.0], False), _t([2.0], False))
    mg.manual_seed(3)
    x = d.rsample((N,)).detach().numpy()[:, 0]
    # the empirical cdf at the quartiles icdf(1/4), icdf(3/4) has sd √(p(1-p)/n)
    q = d.icdf(_t([[0.25], [0.75]], False)).numpy()[:, 0]
    frac = np.array([(x <= q[0]).mean(), (x <= q[1]).mean()])
    assert np.all(np.abs(frac - [0.25, 0.75]) < 5 * math.sqrt(0.25 * 0.75 / N))


@pytest.mark.parametrize("alpha", [0.02, 0.4, 1.0, 3.0, 25.0, 300.0])
def test_gamma_rsample_gradient_is_the_implicit_one_by_finite_differences(alpha):
    """Holding the cdf P(α, x) fixed: dx/dα = -(∂P/∂α) / p(x; α), ∂P/∂α by central differences
    of P (itself checked against quadrature above). minigrad evaluates it by PyTorch's
    approximations, good to 1e-3 relative (worst here 3e-4)."""
    from minigrad.special_functions import gammainc as P

    mg.manual_seed(8)
    a = _t(np.full(300, alpha))
    x = D.Gamma(a, 1.0).rsample()
    x.sum().backward()
    xs, h = x.detach().numpy(), 1e-6 * alpha
    dP = (P(np.full(300, alpha + h), xs) - P(np.full(300, alpha - h), xs)) / (2 * h)
    density = np.exp((alpha - 1) * np.log(xs) - xs - math.lgamma(alpha))
    np.testing.assert_allclose(a.grad.numpy(), -dP / density, rtol=1e-3, atol=1e-300)


@pytest.mark.parametrize(
    "make, grads",
    [
        # E[Gamma(α, r)] = α / r: ∂/∂α = 1/r, ∂/∂r = -α/r²
        (lambda a, b: D.Gamma(a, b), lambda a, b: (1 / b, -a / b**2)),
        # E[Beta(α, β)] = α / (α + β)
        (lambda a, b: D.Beta(a, b), lambda a, b: (b / (a + b) ** 2, -a / (a + b) ** 2)),
        # E[StudentT(df, loc, 1)] = loc (df > 1): ∂/∂df = 0, ∂/∂loc = 1
        (lambda a, b: D.StudentT(a + 1, b), lambda a, b: (0 * a, 1 + 0 * b)),
    ],
)
def test_reparametrised_gradients_are_unbiased_for_the_mean(make, grads):
    """The mean over draws of the pathwise gradient of x matches the gradient of E[x],
    within 5 standard errors (each draw has its own parameter copies)."""
    n = 40000
    a0, b0 = 1.7, 2.3
    a, b = _t(np.full(n, a0)), _t(np.full(n, b0))
    mg.manual_seed(9)
    make(a, b).rsample().sum().backward()
    for g, expected in zip((a.grad.numpy(), b.grad.numpy()), grads(a0, b0)):
        assert abs(g.mean() - expected) < 5 * g.std() / math.sqrt(n) + 1e-12, (g.mean(), expected)


def test_dirichlet_rsample_gradient_is_unbiased_for_the_mean():
    """E[x_i] = α_i / α₀; the pathwise gradient of Σ w_i x_i averages to its gradient."""
    n, alpha, w = 40000, np.array([0.6, 2.0, 3.5]), np.array([1.0, -2.0, 0.5])
    a = _t(np.tile(alpha, (n, 1)))
    mg.manual_seed(10)
    x = D.Dirichlet(a).rsample()
    assert D.constraints.simplex.check(x.detach()).numpy().all()
    (x * _t(w, False)).sum().backward()
    a0 = alpha.sum()
    expected = (w * a0 - (w * alpha).sum()) / a0**2
    g = a.grad.numpy()
    assert np.all(np.abs(g.mean(0) - expected) < 5 * g.std(0) / math.sqrt(n)), (g.mean(0), expected)


@pytest.mark.parametrize(
    "make",
    [
        lambda: (D.Gamma(_t([2.0, 0.7], False), 1.5), D.Gamma(_t([1.0, 2.0], False), 0.5)),
        lambda: (D.Beta(_t([2.0, 0.7], False), 1.5), D.Beta(_t([1.0, 2.0], False), 0.5)),
        lambda: (D.Dirichlet(_t([2.0, 0.7, 3.0], False)), D.Dirichlet(_t([1.0, 2.0, 1.0], False))),
        lambda: (D.Poisson(_t([2.0, 0.7], False)), D.Poisson(_t([1.0, 2.0], False))),
        lambda: (D.Geometric(_t([0.2, 0.7], False)), D.Geometric(_t([0.5, 0.4], False))),
        lambda: (D.Binomial(8, _t([0.2, 0.7], False)), D.Binomial(8, _t([0.5, 0.4], False))),
        lambda: (D.Gumbel(_t([0.0, 1.0], False), 1.5), D.Gumbel(_t([1.0, 0.0], False), 0.5)),
        lambda: (D.Cauchy(_t([0.0, 1.0], False), 1.5), D.Cauchy(_t([1.0, 0.0], False), 0.5)),
        lambda: (D.LogNormal(_t([0.0, 1.0], False), 1.5), D.LogNormal(_t([1.0, 0.0], False), 0.5)),
    ],
)
def test_second_group_kl_matches_a_monte_carlo_estimate_and_vanishes_on_itself(make):
    mg.manual_seed(12)
    p, q = make()
    est, se = _monte_carlo_kl(p, q)
    kl = D.kl_divergence(p, q).numpy()
    assert np.all(np.abs(kl - est) < 5 * se + 1e-12), (kl, est, se)
    np.testing.assert_allclose(D.kl_divergence(p, p).numpy(), 0.0, atol=1e-12)


def test_transforms_invert_and_have_the_log_jacobian_of_their_derivative():
    x = _t(RNG.standard_normal(5), False)
    for t in [
        D.ExpTransform(),
        D.SigmoidTransform(),
        D.AffineTransform(0.5, -2.0),
        D.AffineTransform(_t([1.0], False), _t([3.0], False)),
        D.ExpTransform().inv,
    ]:
        xx = x.abs() + 0.1 if t == D.ExpTransform().inv else x
        y = t(xx)
        np.testing.assert_allclose(t.inv(y).numpy(), xx.numpy(), rtol=1e-12, atol=1e-12)
        h = 1e-6
        fd = (t(xx + h).numpy() - t(xx - h).numpy()) / (2 * h)
        np.testing.assert_allclose(
            t.log_abs_det_jacobian(xx, y).numpy(), np.log(np.abs(fd)), atol=1e-7
        )
    cached = D.ExpTransform(cache_size=1)
    y = cached(x)
    assert cached(x) is y and cached.inv(y) is x
    assert D.ExpTransform() == D.ExpTransform() and D.ExpTransform() != D.SigmoidTransform()


def test_transformed_distribution_log_prob_is_the_change_of_variables():
    base = D.Normal(_t([0.3, -0.2], False), _t([1.2, 0.7], False))
    d = D.TransformedDistribution(base, [D.AffineTransform(1.0, -2.0), D.ExpTransform()])
    y = _t([[0.5, 2.0], [3.0, 0.1]], False)
    x = (np.log(y.numpy()) - 1.0) / -2.0
    expected = base.log_prob(_t(x, False)).numpy() - np.log(2.0) - np.log(y.numpy())
    np.testing.assert_allclose(d.log_prob(y).numpy(), expected, rtol=1e-13)
    # a decreasing chain flips the cdf: P(Y ≤ y) = P(X ≥ x)
    np.testing.assert_allclose(d.cdf(y).numpy(), 1 - base.cdf(_t(x, False)).numpy(), rtol=1e-13)
    np.testing.assert_allclose(d.icdf(d.cdf(y)).numpy(), y.numpy(), rtol=1e-12)
    assert mg.gradcheck(
        lambda loc: D.TransformedDistribution(D.Normal(loc, 1.0), D.SigmoidTransform()).log_prob(
            _t([0.2, 0.9], False)
        ),
        (_t([0.1, -0.4]),),
    )


def test_positive_definite_checks_each_matrix_of_a_stack():
    """Each matrix by Cholesky, once all are symmetric; with one that is not, PyTorch's check
    (as its positive_semidefinite's) gives the symmetry check alone."""
    good = np.array([[2.0, 0.5], [0.5, 1.0]])
    indefinite = np.array([[1.0, 2.0], [2.0, 1.0]])
    asymmetric = np.array([[2.0, 0.0], [1.0, 2.0]])
    stack = _t(np.stack([good, indefinite, good]), False)
    assert D.constraints.positive_definite.check(stack).tolist() == [True, False, True]
    stack = _t(np.stack([good, indefinite, good, asymmetric]), False)
    assert D.constraints.positive_definite.check(stack).tolist() == [True, True, True, False]
    assert D.constraints.positive_definite.check(_t(np.stack([good, good]), False)).tolist() == [
        True,
        True,
    ]


def test_a_subclass_without_constraints_or_support_warns_and_still_works():
    class Flat(D.Distribution):
        def log_prob(self, value):
            if self._validate_args:
                self._validate_sample(value)
            return value * 0

    with pytest.warns(UserWarning, match="arg_constraints"):
        d = Flat((2,))
    with pytest.warns(UserWarning, match="support"):
        assert d.log_prob(_t([1.0, 2.0], False)).tolist() == [0.0, 0.0]
    with pytest.raises(ValueError, match="event_shape|broadcastable"):
        d.log_prob(_t([1.0, 2.0, 3.0], False))
    assert Flat((2,), validate_args=False).batch_shape == (2,)
