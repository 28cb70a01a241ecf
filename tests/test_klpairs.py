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
