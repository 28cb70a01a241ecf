"""kl_divergence between different families without torch: each closed form against
E_p[log p - log q] by quadrature (or a sum) of minigrad's own log_prob, infinite where p
has mass outside q's support, and finite-difference gradients (mg.gradcheck, float64)
w.r.t. every parameter."""

import numpy as np
import pytest

import minigrad as mg
import minigrad.distributions as D


def _t(*v):
    return mg.tensor(np.array(v, dtype=np.float64), requires_grad=True)


# (p, q) constructors over float64 parameter tensors, the parameters, and the interval
# that holds all but a negligible part of p's mass (None: p is discrete, summed over 0..K).
PAIRS = {
    "beta_exponential": (
        lambda a, b, r: (D.Beta(a, b), D.Exponential(r)),
        (_t(1.5, 3.0), _t(2.5, 1.7), _t(0.7, 2.0)),
        (0, 1),
    ),
    "beta_gamma": (
        lambda a, b, k, r: (D.Beta(a, b), D.Gamma(k, r)),
        (_t(1.5, 3.0), _t(2.5, 1.7), _t(0.8, 2.2), _t(1.3, 0.6)),
        (0, 1),
    ),
    "beta_normal": (
        lambda a, b, m, s: (D.Beta(a, b), D.Normal(m, s)),
        (_t(1.5, 3.0), _t(2.5, 1.7), _t(-0.3, 0.8), _t(0.5, 1.4)),
        (0, 1),
    ),
    "beta_uniform": (
        lambda a, b, lo, w: (D.Beta(a, b), D.Uniform(lo, lo + w)),
        (_t(1.5, 3.0), _t(2.5, 1.7), _t(-0.2, -0.6), _t(1.5, 2.0)),
        (0, 1),
    ),
    "exponential_gamma": (
        lambda r, k, s: (D.Exponential(r), D.Gamma(k, s)),
        (_t(1.5, 0.7), _t(0.8, 2.2), _t(1.3, 0.6)),
        (0, 80),
    ),
    "exponential_gumbel": (
        lambda r, m, s: (D.Exponential(r), D.Gumbel(m, s)),
        (_t(1.5, 0.7), _t(0.3, -0.4), _t(1.3, 2.6)),
        (0, 80),
    ),
    "gamma_exponential": (
        lambda k, r, s: (D.Gamma(k, r), D.Exponential(s)),
        (_t(1.5, 3.0), _t(1.3, 0.8), _t(0.7, 2.0)),
        (0, 80),
    ),
    "gamma_gumbel": (
        lambda k, r, m, s: (D.Gamma(k, r), D.Gumbel(m, s)),
        (_t(1.5, 3.0), _t(1.3, 0.8), _t(0.3, -0.4), _t(1.3, 2.6)),
        (0, 80),
    ),
    "gamma_normal": (
        lambda k, r, m, s: (D.Gamma(k, r), D.Normal(m, s)),
        (_t(1.5, 3.0), _t(1.3, 0.8), _t(0.3, -0.4), _t(1.3, 2.6)),
        (0, 80),
    ),
    "gumbel_normal": (
        lambda m, s, n, t: (D.Gumbel(m, s), D.Normal(n, t)),
        (_t(0.2, -1.0), _t(0.6, 1.2), _t(0.3, -0.4), _t(1.3, 2.6)),
        (-25, 120),
    ),
    "normal_gumbel": (
        lambda m, s, n, t: (D.Normal(m, s), D.Gumbel(n, t)),
        (_t(0.2, -1.0), _t(0.6, 1.2), _t(0.3, -0.4), _t(1.3, 2.6)),
        (-20, 20),
    ),
    "uniform_beta": (
        lambda lo, w, a, b: (D.Uniform(lo, lo + w), D.Beta(a, b)),
        (_t(0.1, 0.3), _t(0.5, 0.6), _t(1.5, 3.0), _t(2.5, 1.7)),
        None,
    ),
    "uniform_gamma": (
        lambda lo, w, k, r: (D.Uniform(lo, lo + w), D.Gamma(k, r)),
        (_t(0.1, 0.3), _t(0.5, 2.6), _t(1.5, 3.0), _t(2.5, 1.7)),
        None,
    ),
    "uniform_gumbel": (
        lambda lo, w, m, s: (D.Uniform(lo, lo + w), D.Gumbel(m, s)),
        (_t(-1.0, 0.3), _t(0.5, 2.6), _t(0.3, -0.4), _t(1.3, 2.6)),
        None,
    ),
}


def _quadrature(p, q, interval):
    """∫ p (log p - log q) dx per batch element, by the trapezoid rule after the
    double-exponential substitution x = lo + (hi - lo) (1 + tanh(π/2 sinh u)) / 2, which
    makes the integrand decay doubly exponentially at both ends (endpoint singularities
    such as log x at 0 included)."""
    if interval is None:  # Uniform p: its own support
        lo, hi = p.low.detach().numpy(), p.high.detach().numpy()
    else:
        lo, hi = np.broadcast_arrays(*(np.full(p.batch_shape, float(v)) for v in interval))
    u = np.linspace(-4.0, 4.0, 8001)[:, None]
    s = (1 + np.tanh(np.pi / 2 * np.sinh(u))) / 2
    ds = np.pi / 4 * np.cosh(u) / np.cosh(np.pi / 2 * np.sinh(u)) ** 2
    x = lo + s * (hi - lo)
    keep = ((x > lo) & (x < hi)).all(1)  # points that round onto an endpoint weigh ~0
    x = mg.tensor(x[keep])
    lp, lq = p.log_prob(x).detach().numpy(), q.log_prob(x).detach().numpy()
    f = np.exp(lp) * (lp - lq) * (ds * (hi - lo))[keep]
    return f.sum(0) * (u[1, 0] - u[0, 0])


@pytest.mark.parametrize("name", PAIRS)
def test_kl_is_expected_log_ratio(name):
    ctor, params, interval = PAIRS[name]
    p, q = ctor(*params)
    kl = D.kl_divergence(p, q).detach().numpy()
    np.testing.assert_allclose(kl, _quadrature(p, q, interval), rtol=1e-9, atol=1e-12)
    assert (kl >= 0).all()


@pytest.mark.parametrize("name", PAIRS)
def test_kl_gradcheck(name):
    ctor, params, _ = PAIRS[name]
    assert mg.gradcheck(lambda *a: D.kl_divergence(*ctor(*a)), params)


def test_bernoulli_poisson_is_sum_over_support():
    pi, lam = _t(0.2, 0.7), _t(0.5, 3.0)
    p, q = D.Bernoulli(pi), D.Poisson(lam)
    x = mg.tensor(np.array([[0.0], [1.0]]))
    lp, lq = p.log_prob(x).detach().numpy(), q.log_prob(x).detach().numpy()
    expected = (np.exp(lp) * (lp - lq)).sum(0)
    np.testing.assert_allclose(D.kl_divergence(p, q).detach().numpy(), expected, rtol=1e-12)
    assert mg.gradcheck(lambda a, b: D.kl_divergence(D.Bernoulli(a), D.Poisson(b)), (pi, lam))


INFINITE = [
    lambda: (D.Exponential(_t(1.0, 2.0)), D.Beta(_t(2.0, 1.0), _t(1.0, 3.0))),
    lambda: (D.Gamma(_t(1.0, 2.0), _t(1.0, 2.0)), D.Beta(_t(2.0, 1.0), _t(1.0, 3.0))),
    lambda: (D.Gamma(_t(1.0, 2.0), _t(1.0, 2.0)), D.Uniform(_t(0.0, 0.0), _t(5.0, 9.0))),
    lambda: (D.Gumbel(_t(1.0, 2.0), _t(1.0, 2.0)), D.Beta(_t(2.0, 1.0), _t(1.0, 3.0))),
    lambda: (D.Gumbel(_t(1.0, 2.0), _t(1.0, 2.0)), D.Exponential(_t(2.0, 1.0))),
    lambda: (D.Gumbel(_t(1.0, 2.0), _t(1.0, 2.0)), D.Gamma(_t(2.0, 1.0), _t(1.0, 3.0))),
    lambda: (D.Gumbel(_t(1.0, 2.0), _t(1.0, 2.0)), D.Uniform(_t(-5.0, 0.0), _t(5.0, 9.0))),
    lambda: (D.Laplace(_t(1.0, 2.0), _t(1.0, 2.0)), D.Beta(_t(2.0, 1.0), _t(1.0, 3.0))),
    lambda: (D.Laplace(_t(1.0, 2.0), _t(1.0, 2.0)), D.Gamma(_t(2.0, 1.0), _t(1.0, 3.0))),
    lambda: (D.Normal(_t(1.0, 2.0), _t(1.0, 2.0)), D.Beta(_t(2.0, 1.0), _t(1.0, 3.0))),
    lambda: (D.Normal(_t(1.0, 2.0), _t(1.0, 2.0)), D.Gamma(_t(2.0, 1.0), _t(1.0, 3.0))),
    lambda: (D.Poisson(_t(1.0, 2.0)), D.Bernoulli(_t(0.5, 0.2))),
    lambda: (D.Poisson(_t(1.0, 2.0)), D.Binomial(10, _t(0.5, 0.2))),
]


@pytest.mark.parametrize("pair", INFINITE)
def test_kl_infinite_where_p_leaves_q_support(pair):
    p, q = pair()
    kl = D.kl_divergence(p, q)
    assert kl.shape == p.batch_shape and np.isposinf(kl.numpy()).all()


@pytest.mark.parametrize(
    "ctor, params, finite",
    [
        (
            lambda a, b, lo, hi: (D.Beta(a, b), D.Uniform(lo, hi)),
            (_t(2.0, 2.0, 2.0), _t(3.0, 3.0, 3.0), _t(-0.5, 0.1, 0.0), _t(1.0, 2.0, 0.9)),
            [True, False, False],
        ),
        (
            lambda lo, hi, a, b: (D.Uniform(lo, hi), D.Beta(a, b)),
            (_t(-0.5, 0.1, 0.2), _t(0.5, 0.9, 1.2), _t(2.0, 2.0, 2.0), _t(3.0, 3.0, 3.0)),
            [False, True, False],
        ),
        (
            lambda lo, hi, k, r: (D.Uniform(lo, hi), D.Gamma(k, r)),
            (_t(-0.5, 0.1, 0.0), _t(0.5, 0.9, 1.2), _t(2.0, 2.0, 2.0), _t(3.0, 3.0, 3.0)),
            [False, True, True],
        ),
    ],
)
def test_kl_infinite_exactly_where_supports_do_not_nest(ctor, params, finite):
    kl = D.kl_divergence(*ctor(*params)).detach().numpy()
    np.testing.assert_array_equal(np.isfinite(kl), finite)
    assert np.isposinf(kl[~np.array(finite)]).all()


T = D.transforms
BIJECTIONS = {
    "tanh": (lambda e: T.TanhTransform(), (3,)),
    "power": (lambda e: T.PowerTransform(e), (3,)),
    "stick_breaking": (lambda e: T.StickBreakingTransform(), (3,)),
    "compose": (lambda e: T.ComposeTransform([T.AffineTransform(0.3, e), T.TanhTransform()]), (3,)),
    "compose_vector": (
        lambda e: T.ComposeTransform(
            [T.ExpTransform(), T.PowerTransform(e), T.AffineTransform(0.1, 2.0)]
        ),
        (3,),
    ),
}
RNG = np.random.default_rng(7)
X = {"power": np.exp(RNG.standard_normal(3)), "compose_vector": RNG.standard_normal(3)}
E = _t(0.7, 1.6, 2.3)


def _x(name):
    return X.get(name, 0.8 * RNG.standard_normal(BIJECTIONS[name][1]))


def _jacobian(f, x, h=1e-6):
    """∂f/∂x by central differences, for f: R^n → R^m on NumPy arrays."""
    cols = [(f(x + h * u) - f(x - h * u)) / (2 * h) for u in np.eye(x.size)]
    return np.stack(cols, -1)


@pytest.mark.parametrize("name", BIJECTIONS)
def test_log_abs_det_jacobian_is_log_det_of_jacobian(name):
    """log|det ∂y/∂x| against slogdet of a finite-difference Jacobian (the elementwise
    transforms' is diagonal; StickBreaking's is y's first K coordinates w.r.t. x)."""
    t = BIJECTIONS[name][0](E.detach())
    x = _x(name)
    y = t(mg.tensor(x))
    ladj = t.log_abs_det_jacobian(mg.tensor(x), y).numpy()
    k = x.size
    J = _jacobian(lambda v: t(mg.tensor(v)).numpy()[:k], x)
    if t.domain.event_dim == 0:
        np.testing.assert_allclose(ladj, np.log(np.abs(np.diag(J))), rtol=1e-7, atol=1e-8)
    else:
        np.testing.assert_allclose(ladj, np.linalg.slogdet(J)[1], rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("name", BIJECTIONS)
def test_inverse_round_trips_and_inverse_log_det_negates(name):
    t = BIJECTIONS[name][0](E.detach())
    x = mg.tensor(_x(name))
    y = t(x)
    np.testing.assert_allclose(t.inv(y).numpy(), x.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(
        t.inv.log_abs_det_jacobian(y, x).numpy(), -t.log_abs_det_jacobian(x, y).numpy(), rtol=1e-12
    )
    assert tuple(y.shape) == t.forward_shape(tuple(x.shape))
    assert tuple(x.shape) == t.inverse_shape(tuple(y.shape))
    assert t.codomain.check(y).numpy().all() and t.domain.check(x).numpy().all()


@pytest.mark.parametrize("name", BIJECTIONS)
@pytest.mark.parametrize("what", ["call", "inv", "log_abs_det_jacobian"])
def test_transform_gradcheck(name, what):
    ctor = BIJECTIONS[name][0]
    x0 = mg.tensor(_x(name), requires_grad=True)

    def f(x, e):
        t = ctor(e)
        y = t(x)
        return {"call": y, "inv": t.inv(y), "log_abs_det_jacobian": t.log_abs_det_jacobian(x, y)}[
            what
        ]

    assert mg.gradcheck(f, (x0, E))


def test_softmax_and_stick_breaking_land_on_the_simplex():
    x = mg.tensor(RNG.standard_normal((4, 3)))
    for t in (T.SoftmaxTransform(), T.StickBreakingTransform()):
        y = t(x).numpy()
        np.testing.assert_allclose(y.sum(-1), 1.0, rtol=1e-14)
        assert (y > 0).all()
    s = T.SoftmaxTransform()
    np.testing.assert_allclose(s(s.inv(s(x))).numpy(), s(x).numpy(), rtol=1e-14)
    y = T.StickBreakingTransform()(
        x
    ).numpy()  # y_i = z_i Π_{j<i}(1 - z_j), z_i = σ(x_i - log(K+1-i))
    z = 1 / (1 + np.exp(-(x.numpy() - np.log([3.0, 2.0, 1.0]))))
    rest = np.cumprod(np.concatenate([np.ones((4, 1)), 1 - z], -1), -1)
    np.testing.assert_allclose(y, np.concatenate([z, np.ones((4, 1))], -1) * rest, rtol=1e-14)
    np.testing.assert_allclose(T.StickBreakingTransform()(mg.zeros(3)).numpy(), np.full(4, 0.25))


def test_abs_transform():
    x = mg.tensor(RNG.standard_normal(5))
    t = T.AbsTransform()
    np.testing.assert_array_equal(t(x).numpy(), np.abs(x.numpy()))
    np.testing.assert_array_equal(t.inv(t(x)).numpy(), np.abs(x.numpy()))
    assert not t.bijective
    assert mg.gradcheck(lambda v: t(v), (mg.tensor(x.numpy(), requires_grad=True),))


def test_compose_log_det_is_sum_of_parts():
    parts = [T.AffineTransform(0.3, 1.7), T.TanhTransform(), T.AffineTransform(-1.0, 0.5)]
    t = T.ComposeTransform(parts)
    x = mg.tensor(RNG.standard_normal(4))
    xs = [x]
    for p in parts:
        xs.append(p(xs[-1]))
    expected = sum(p.log_abs_det_jacobian(a, b).numpy() for p, a, b in zip(parts, xs, xs[1:]))
    np.testing.assert_allclose(t.log_abs_det_jacobian(x, xs[-1]).numpy(), expected, rtol=1e-14)
    np.testing.assert_allclose(t(x).numpy(), xs[-1].numpy(), rtol=1e-15)
    assert t.inv.inv is t and t.inv.parts[0] == parts[-1].inv


def test_tanh_normal_log_prob_is_change_of_variables():
    """log p(y) = log N(atanh y; μ, σ) - log(1 - y²), and its gradients by finite differences."""
    loc, scale = _t(0.3, -0.5), _t(0.8, 1.4)
    y = mg.tensor(RNG.uniform(-0.9, 0.9, (3, 2)), requires_grad=True)
    d = D.TransformedDistribution(D.Normal(loc, scale), [T.TanhTransform()])
    x = np.arctanh(y.detach().numpy())
    mu, s = loc.detach().numpy(), scale.detach().numpy()
    expected = (
        -0.5 * ((x - mu) / s) ** 2
        - np.log(s * np.sqrt(2 * np.pi))
        - np.log1p(-(y.detach().numpy() ** 2))
    )
    np.testing.assert_allclose(d.log_prob(y).detach().numpy(), expected, rtol=1e-12)

    def lp(m, s, v):
        return D.TransformedDistribution(D.Normal(m, s), [T.TanhTransform()]).log_prob(v)

    assert mg.gradcheck(lp, (loc, scale, y))


def test_stick_breaking_normal_log_prob_gradcheck():
    loc, scale = _t(0.3, -0.5, 0.1), _t(0.8, 1.4, 1.1)
    v = mg.tensor(np.array([[0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.4, 0.1]]), requires_grad=True)
    d = D.TransformedDistribution(D.Normal(loc, scale), T.StickBreakingTransform())
    assert d.event_shape == (4,) and d.batch_shape == ()
    x = T.StickBreakingTransform().inv(v)
    ladj = T.StickBreakingTransform().log_abs_det_jacobian(x, v)
    np.testing.assert_allclose(
        d.log_prob(v).detach().numpy(),
        (D.Normal(loc, scale).log_prob(x).sum(-1) - ladj).detach().numpy(),
        rtol=1e-12,
    )

    def lp(m, s, y):
        t = T.StickBreakingTransform()  # the perturbed value leaves the simplex: no validation
        return D.TransformedDistribution(D.Normal(m, s), t, validate_args=False).log_prob(y)

    assert mg.gradcheck(lp, (loc, scale, v))
