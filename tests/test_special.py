"""minigrad.special without torch: finite-difference gradients, and the identities and
definitions the functions must satisfy (recurrences, reflection, inverses, integral
representations summed in plain NumPy)."""

import math

import numpy as np
import pytest

import minigrad as mg
import minigrad.special as S

RNG = np.random.default_rng(1)


def t64(x, grad=False):
    return mg.tensor(np.asarray(x, np.float64), requires_grad=grad)


# name: (function of one tensor, domain where it is smooth)
DIFFERENTIABLE = {
    "gammaln": (S.gammaln, (-3.8, 12)),
    "digamma": (S.digamma, (-3.8, 12)),
    "psi": (S.psi, (0.2, 12)),
    "polygamma0": (lambda x: S.polygamma(0, x), (0.2, 12)),
    "polygamma1": (lambda x: S.polygamma(1, x), (-2.7, 12)),
    "polygamma2": (lambda x: S.polygamma(2, x), (0.2, 12)),
    "polygamma3": (lambda x: S.polygamma(3, x), (0.2, 12)),
    "multigammaln3": (lambda x: S.multigammaln(x, 3), (1.2, 12)),
    "erfcx": (S.erfcx, (-4, 30)),
    "entr": (S.entr, (0.05, 5)),
    "ndtr": (S.ndtr, (-6, 6)),
    "ndtri": (S.ndtri, (0.001, 0.999)),
    "log_ndtr": (S.log_ndtr, (-40, 6)),
    "i0": (S.i0, (-25, 25)),
    "i0e": (S.i0e, (-40, 40)),
    "i1": (S.i1, (-25, 25)),
    "i1e": (S.i1e, (-40, 40)),
    "erfinv": (S.erfinv, (-0.95, 0.95)),
    "gammainc_x": (lambda x: S.gammainc(t64([[0.3], [2.5], [7.0]]), x), (0.05, 12)),
    "gammaincc_x": (lambda x: S.gammaincc(t64([[0.3], [2.5], [7.0]]), x), (0.05, 12)),
    "xlog1py_a": (lambda x: S.xlog1py(x, t64(0.7)), (-3, 3)),
    "xlog1py_b": (lambda x: S.xlog1py(t64(1.3), x), (-0.9, 3)),
    "lgamma": (mg.lgamma, (0.1, 9)),
    "mvlgamma": (lambda x: x.mvlgamma(2), (0.6, 9)),
}


@pytest.mark.parametrize("name", sorted(DIFFERENTIABLE))
def test_gradcheck(name):
    fn, (lo, hi) = DIFFERENTIABLE[name]
    x = t64(RNG.uniform(lo, hi, 12), grad=True)
    assert mg.gradcheck(fn, (x,))


@pytest.mark.parametrize("name", ["i1", "i1e"])
def test_i1_gradient_at_zero_is_its_limit(name):
    x = t64([0.0, 1e-20], grad=True)
    getattr(S, name)(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.5, 0.5], rtol=1e-15)


def x_positive():
    return np.r_[np.linspace(0.01, 40, 997), np.logspace(-8, 8, 101)]


def test_lgamma_recurrence_and_factorials():
    x = x_positive()
    lhs = S.gammaln(t64(x + 1)).numpy()
    rhs = S.gammaln(t64(x)).numpy() + np.log(x)
    np.testing.assert_allclose(lhs, rhs, rtol=1e-13, atol=1e-13)
    n = np.arange(1, 171)
    want = [math.log(math.factorial(k - 1)) for k in n]
    np.testing.assert_allclose(S.gammaln(t64(n)).numpy(), want, rtol=1e-14, atol=1e-300)
    assert S.gammaln(t64([1.0, 2.0])).tolist() == [0.0, 0.0]


def test_lgamma_reflection_and_poles():
    x = np.linspace(-9.95, -0.05, 199)
    x = x[x != np.round(x)]
    # Γ(x) Γ(1 - x) = π / sin(πx)
    lhs = S.gammaln(t64(x)).numpy() + S.gammaln(t64(1 - x)).numpy()
    np.testing.assert_allclose(
        lhs, np.log(np.pi / np.abs(np.sin(np.pi * x))), rtol=1e-12, atol=1e-12
    )
    out = S.gammaln(t64([0.0, -0.0, -1.0, -7.0, np.inf, -np.inf, np.nan])).numpy()
    assert np.isposinf(out[:6]).all() and np.isnan(out[6])


def test_gamma_half_integers():
    # Γ(1/2) = √π
    assert S.gammaln(t64(0.5)).item() == pytest.approx(0.5 * math.log(math.pi), rel=1e-15)


def test_digamma_recurrence_integers_and_special_values():
    x = x_positive()
    x = x[x > 1e-2]  # below, ψ(x) + 1/x cancels in the test itself
    lhs = S.digamma(t64(x + 1)).numpy()
    np.testing.assert_allclose(lhs, S.digamma(t64(x)).numpy() + 1 / x, rtol=1e-12, atol=1e-13)
    euler = 0.57721566490153286061
    n = np.arange(1, 60)
    harmonic = np.cumsum(np.r_[0, 1 / n[:-1]])
    np.testing.assert_allclose(S.digamma(t64(n)).numpy(), harmonic - euler, rtol=1e-14)
    out = S.digamma(t64([0.0, -0.0, -1.0, -3.0, np.inf])).numpy()
    assert out[0] == -np.inf and out[1] == np.inf and np.isnan(out[2:4]).all() and out[4] == np.inf
    # reflection: ψ(1 - x) - ψ(x) = π cot(πx)
    x = np.linspace(-4.9, -0.1, 49)
    x = x[np.abs(x - np.round(x)) > 1e-9]
    lhs = S.digamma(t64(1 - x)).numpy() - S.digamma(t64(x)).numpy()
    np.testing.assert_allclose(lhs, np.pi / np.tan(np.pi * x), rtol=1e-11, atol=1e-12)


def zeta_by_sum(s, q, terms=200000):
    """Σ (k + q)^-s summed directly, with the integral of the tail."""
    k = np.arange(terms, dtype=np.float64)
    n = terms + q
    return math.fsum((k + q) ** -s) + n ** (1 - s) / (s - 1) + 0.5 * n**-s


@pytest.mark.parametrize("s, q", [(2, 1), (3, 1), (2.5, 0.3), (4, 7.5), (1.5, 2.0), (10, 0.5)])
def test_zeta_against_its_sum(s, q):
    assert S.zeta(t64(s), t64(q)).item() == pytest.approx(zeta_by_sum(s, q), rel=1e-12)


def test_zeta_known_values_and_recurrence():
    assert S.zeta(t64(2.0), t64(1.0)).item() == pytest.approx(math.pi**2 / 6, rel=1e-15)
    assert S.zeta(t64(4.0), t64(1.0)).item() == pytest.approx(math.pi**4 / 90, rel=1e-15)
    q = np.linspace(0.1, 30, 300)
    lhs = S.zeta(t64(3.0), t64(q)).numpy()
    np.testing.assert_allclose(lhs, S.zeta(t64(3.0), t64(q + 1)).numpy() + q**-3.0, rtol=1e-13)
    assert S.zeta(t64(1.0), t64(2.0)).item() == np.inf
    assert np.isnan(S.zeta(t64(0.5), t64(2.0)).item())


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_polygamma_is_a_zeta_and_differentiates_the_one_below(n):
    x = np.linspace(0.3, 20, 100)
    want = (-1) ** (n + 1) * math.factorial(n) * S.zeta(t64(n + 1.0), t64(x)).numpy()
    rtol = 1e-12 if n > 1 else 1e-9  # ψ' by its own short series (PyTorch's), good to 1e-9
    np.testing.assert_allclose(S.polygamma(n, t64(x)).numpy(), want, rtol=rtol)
    # ψ⁽ⁿ⁻¹⁾(x + 1) - ψ⁽ⁿ⁻¹⁾(x) = (-1)^(n-1) (n-1)! / x^n
    lhs = S.polygamma(n - 1, t64(x + 1)).numpy() - S.polygamma(n - 1, t64(x)).numpy()
    np.testing.assert_allclose(lhs, (-1) ** (n - 1) * math.factorial(n - 1) / x**n, rtol=1e-8)


def test_trigamma_at_one_and_polygamma_refuses_negative_n():
    assert S.polygamma(1, t64(1.0)).item() == pytest.approx(math.pi**2 / 6, rel=1e-9)
    with pytest.raises(RuntimeError, match="polygamma"):
        S.polygamma(-1, t64(1.0))
    with pytest.raises(TypeError, match="polygamma"):
        S.polygamma(1.0, t64(1.0))


@pytest.mark.parametrize("p", [1, 2, 4])
def test_multigammaln_definition(p):
    x = np.linspace((p - 1) / 2 + 0.05, 20, 50)
    want = p * (p - 1) / 4 * math.log(math.pi) + sum(
        np.array([math.lgamma(v - j / 2) for v in x]) for j in range(p)
    )
    np.testing.assert_allclose(S.multigammaln(t64(x), p).numpy(), want, rtol=1e-13)
    with pytest.raises(RuntimeError, match="p"):
        S.multigammaln(t64(x), 0)


def test_incomplete_gamma_closed_forms():
    x = np.r_[np.linspace(0.01, 40, 400), np.logspace(-10, 2.5, 60)]
    P1 = S.gammainc(t64(1.0), t64(x)).numpy()
    np.testing.assert_allclose(P1, -np.expm1(-x), rtol=1e-13)
    Q1 = S.gammaincc(t64(1.0), t64(x)).numpy()
    np.testing.assert_allclose(Q1, np.exp(-x), rtol=1e-12)
    # P(1/2, x) = erf(√x), Q(1/2, x) = erfc(√x)
    P_half = S.gammainc(t64(0.5), t64(x)).numpy()
    np.testing.assert_allclose(P_half, [math.erf(math.sqrt(v)) for v in x], rtol=1e-13)
    Q_half = S.gammaincc(t64(0.5), t64(x)).numpy()
    np.testing.assert_allclose(Q_half, [math.erfc(math.sqrt(v)) for v in x], rtol=1e-11)
    # Q(n, x) = e^-x Σ_{k<n} x^k / k! for integer n
    Q4 = S.gammaincc(t64(4.0), t64(x)).numpy()
    np.testing.assert_allclose(Q4, np.exp(-x) * (1 + x + x**2 / 2 + x**3 / 6), rtol=1e-12)


def test_incomplete_gamma_halves_add_to_one_and_special_values():
    A, X = np.meshgrid(np.r_[0.1, 1, 3.5, 20, 150], np.r_[np.logspace(-3, 3, 50)])
    total = S.gammainc(t64(A), t64(X)).numpy() + S.gammaincc(t64(A), t64(X)).numpy()
    np.testing.assert_allclose(total, 1, rtol=1e-14)
    a = t64([0.0, 0.0, 2.0, 2.0, -1.0])
    x = t64([1.0, 0.0, 0.0, np.inf, 1.0])
    np.testing.assert_array_equal(S.gammainc(a, x).numpy(), [1.0, np.nan, 0.0, 1.0, np.nan])


def test_incomplete_gamma_has_no_gradient_in_a_and_zeta_none_in_x():
    a = t64([2.0], grad=True)
    with pytest.raises(NotImplementedError, match="igamma"):
        S.gammainc(a, t64([1.0])).sum().backward()
    with pytest.raises(NotImplementedError, match="zeta"):
        S.zeta(a, t64([1.5])).sum().backward()
    with pytest.raises(NotImplementedError, match="igamma"):
        S.gammainc(t64([2]).long(), t64([1]).long())


def test_erfinv_inverts_erf_to_the_last_bits():
    y = np.r_[np.linspace(-0.999, 0.999, 2001), np.logspace(-300, -1, 100)]
    back = np.array([math.erf(v) for v in S.erfinv(t64(y)).numpy()])
    np.testing.assert_allclose(back, y, rtol=2e-16 * 4)
    # far in the tails, erfc of the inverse gives back 1 - y
    rest = np.logspace(-16, -2, 50)
    z = S.erfinv(t64(1 - rest)).numpy()
    np.testing.assert_allclose([math.erfc(v) for v in z], 1 - (1 - rest), rtol=1e-13)
    assert S.erfinv(t64([1.0, -1.0, 1.5])).numpy().tolist()[:2] == [np.inf, -np.inf]


def test_ndtri_inverts_ndtr_and_log_ndtr_is_its_log():
    p = np.r_[np.linspace(0.001, 0.999, 999), np.logspace(-300, -3, 100)]
    z = S.ndtri(t64(p)).numpy()
    # Φ(z) = erfc(-z/√2) / 2, exact in the lower tail
    back = np.array([0.5 * math.erfc(-v / math.sqrt(2)) for v in z])
    # one ulp of z moves Φ(z) by about z² ε relatively: the inverse is as good as that
    assert (np.abs(back - p) <= 4 * 2.2e-16 * (1 + z * z) * p).all()
    x = np.linspace(-37, 8, 500)
    want = [  # log Φ(x), or log(1 - Φ(-x)) above 0 where Φ(x) rounds near 1
        math.log(0.5 * math.erfc(-v / math.sqrt(2)))
        if v <= 0
        else math.log1p(-0.5 * math.erfc(v / math.sqrt(2)))
        for v in x
    ]
    np.testing.assert_allclose(S.log_ndtr(t64(x)).numpy(), want, rtol=1e-13)
    assert S.ndtri(t64([0.0, 1.0])).numpy().tolist() == [-np.inf, np.inf]
    # far below, log Φ(x) ~ -x²/2 - log(-x √(2π)) (a finite value where Φ underflows)
    big = S.log_ndtr(t64(-1e5)).item()
    assert big == pytest.approx(-5e9 - math.log(1e5 * math.sqrt(2 * math.pi)), rel=1e-15)


def test_ndtr_is_the_normal_cdf():
    x = np.linspace(-8, 8, 321)
    want = [0.5 * math.erfc(-v / math.sqrt(2)) for v in x]
    np.testing.assert_allclose(S.ndtr(t64(x)).numpy(), want, rtol=1e-12, atol=2e-16)


def test_erfcx_is_exp_square_times_erfc():
    x = np.linspace(-5, 25, 601)
    want = [math.exp(v * v) * math.erfc(v) for v in x]
    np.testing.assert_allclose(S.erfcx(t64(x)).numpy(), want, rtol=2e-13)
    # beyond, erfcx(x) ~ 1/(x√π) (1 - 1/(2x²) + 3/(4x⁴))
    big = np.logspace(4, 150, 20)
    asym = 1 / (big * math.sqrt(math.pi)) * (1 - 1 / (2 * big**2))
    np.testing.assert_allclose(S.erfcx(t64(big)).numpy(), asym, rtol=1e-15)


def trapezoid_over_half_turn(f, n=2000):
    """(1/π) ∫₀^π f(t) dt by the trapezoid rule (spectrally accurate for these
    periodic, even integrands)."""
    t = np.linspace(0, np.pi, n + 1)
    w = np.full(n + 1, 1.0)
    w[0] = w[-1] = 0.5
    return (f(t) * w).sum(axis=-1) / n


def test_bessel_functions_against_their_integrals():
    x = np.r_[np.linspace(-30, 30, 241), 1e-3, 0.0]
    # J_n(x) = (1/π) ∫₀^π cos(nt - x sin t) dt, I_n(x) = (1/π) ∫₀^π e^(x cos t) cos(nt) dt
    for n, j in ((0, S.bessel_j0), (1, S.bessel_j1)):
        want = trapezoid_over_half_turn(lambda t, n=n: np.cos(n * t - x[:, None] * np.sin(t)))
        np.testing.assert_allclose(j(t64(x)).numpy(), want, rtol=0, atol=1e-15)
    xi = np.r_[np.linspace(-30, 30, 241)]
    for n, i, ie in ((0, S.i0, S.i0e), (1, S.i1, S.i1e)):
        want = trapezoid_over_half_turn(
            lambda t, n=n: np.exp(np.abs(xi)[:, None] * (np.cos(t) - 1)) * np.cos(n * t)
        ) * np.where(xi < 0, (-1) ** n, 1)
        np.testing.assert_allclose(ie(t64(xi)).numpy(), want, rtol=1e-13, atol=1e-300)
        np.testing.assert_allclose(i(t64(xi)).numpy(), want * np.exp(np.abs(xi)), rtol=1e-13)
    np.testing.assert_allclose(S.i0(t64(xi)).numpy(), np.i0(xi), rtol=1e-14)


def test_bessel_asymptotics_far_out():
    x = np.array([100.0, 1e4, 1e8])
    # e^-x I₀(x) ~ (1 + 1/(8x) + 9/(128x²)) / √(2πx)
    want = (1 + 1 / (8 * x) + 9 / (128 * x**2)) / np.sqrt(2 * np.pi * x)
    err = np.abs(S.i0e(t64(x)).numpy() / want - 1)
    assert (err <= 0.3 / x**3 + 1e-15).all()  # the next term is 225/(3072 x³)
    # J₀(x) ~ √(2/(πx)) cos(x - π/4) to 1/x
    j = S.bessel_j0(t64(x[1:])).numpy()
    np.testing.assert_allclose(
        j, np.sqrt(2 / (np.pi * x[1:])) * np.cos(x[1:] - np.pi / 4), atol=1e-6
    )


def test_bessel_j_has_no_graph_and_spherical_j0_is_sinc():
    x = t64(np.linspace(-20, 20, 401), grad=True)
    for f in (S.bessel_j0, S.bessel_j1, S.spherical_bessel_j0):
        assert f(x).grad_fn is None and not f(x).requires_grad
    v = x.detach().numpy()
    want = np.where(v == 0, 1, np.sin(v) / np.where(v == 0, 1, v))
    np.testing.assert_allclose(S.spherical_bessel_j0(x).numpy(), want, rtol=1e-15)


def test_entr_and_xlog1py_definitions():
    x = np.r_[np.linspace(0.001, 10, 100)]
    np.testing.assert_allclose(S.entr(t64(x)).numpy(), -x * np.log(x), rtol=1e-15)
    out = S.entr(t64([0.0, -1.0, np.nan])).numpy()
    assert out[0] == 0 and out[1] == -np.inf and np.isnan(out[2])
    b = np.logspace(-20, 2, 50)
    np.testing.assert_allclose(S.xlog1py(t64(3.0), t64(b)).numpy(), 3 * np.log1p(b), rtol=1e-15)
    assert S.xlog1py(t64([0.0]), t64([-5.0])).item() == 0.0


def test_integers_are_computed_in_the_default_dtype():
    for f in (S.gammaln, S.digamma, S.i0, S.erfcx, S.entr, S.ndtr, S.bessel_j0):
        out = f(mg.tensor([1, 2, 3]))
        assert out.dtype == mg.get_default_dtype()
    assert S.polygamma(1, mg.tensor([1, 2])).dtype == mg.float32


def test_float32_in_float32_out_near_the_float64_result():
    x = np.linspace(0.1, 20, 200)
    for f in (S.gammaln, S.digamma, S.i0e, S.erfcx, S.log_ndtr):
        got = f(mg.tensor(x.astype(np.float32)))
        assert got.dtype == mg.float32
        want = f(t64(x.astype(np.float32))).numpy()
        np.testing.assert_allclose(got.numpy(), want.astype(np.float32), rtol=0, atol=0)


def test_torch_namespace_and_methods():
    x = t64([0.6, 2.5, 7.0])
    np.testing.assert_array_equal(mg.lgamma(x).numpy(), S.gammaln(x).numpy())
    np.testing.assert_array_equal(x.lgamma().numpy(), S.gammaln(x).numpy())
    np.testing.assert_array_equal(mg.digamma(x).numpy(), x.digamma().numpy())
    np.testing.assert_array_equal(mg.polygamma(2, x).numpy(), x.polygamma(2).numpy())
    np.testing.assert_array_equal(mg.mvlgamma(x + 1, p=2).numpy(), (x + 1).mvlgamma(2).numpy())
    np.testing.assert_array_equal(mg.i0(x).numpy(), x.i0().numpy())
    for method, args, fn in (("lgamma_", (), S.gammaln), ("digamma_", (), S.digamma),
                             ("i0_", (), S.i0), ("polygamma_", (3,), lambda v: S.polygamma(3, v)),
                             ("mvlgamma_", (2,), lambda v: S.multigammaln(v, 2))):  # fmt: skip
        y = x.clone() + 1
        assert getattr(y, method)(*args) is y
        np.testing.assert_array_equal(y.numpy(), fn(x + 1).numpy())


def test_in_place_lgamma_is_differentiable():
    a = t64([0.7, 3.0], grad=True)
    y = a * 2
    y.lgamma_()
    y.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), 2 * S.digamma(t64([1.4, 6.0])).numpy(), rtol=1e-15)
    with pytest.raises(RuntimeError):
        a.lgamma_()  # a leaf that requires grad
