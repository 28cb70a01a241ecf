"""Bessel Y, modified Bessel I and K, Airy Ai and the classical orthogonal polynomials of
minigrad.special without torch: integral representations (by quadratures that converge
geometrically), Wronskians, the differential equations, explicit polynomials, the
trigonometric forms of the Chebyshev kinds, orthogonality, and the errors."""

import math

import numpy as np
import pytest

import minigrad as mg
import minigrad.special as S


def t64(x):
    return mg.tensor(np.asarray(x, np.float64))


def trapezoid_to_infinity(f, upper, h=0.02):
    """∫_0^upper f(t) dt by the trapezoid rule, exact to rounding for the integrands below
    (analytic, decaying double-exponentially, even in t: the end at 0 carries half)."""
    t = np.arange(0, upper + h, h)
    w = np.full(t.shape, h)
    w[0] = h / 2
    return f(t[None, :]) @ w


def test_k_and_scaled_k_against_their_integrals():
    # K_ν(x) = ∫_0^∞ exp(-x cosh t) cosh(νt) dt
    x = np.r_[np.linspace(0.05, 60, 120), 1e-3, 0.5, 2.0]
    for nu, f, scaled in ((0, S.modified_bessel_k0, S.scaled_modified_bessel_k0),
                          (1, S.modified_bessel_k1, S.scaled_modified_bessel_k1)):  # fmt: skip
        e = trapezoid_to_infinity(
            lambda t, nu=nu: np.exp(-x[:, None] * (np.cosh(t) - 1)) * np.cosh(nu * t), 12
        )
        np.testing.assert_allclose(scaled(t64(x)).numpy(), e, rtol=2e-15)
        np.testing.assert_allclose(f(t64(x)).numpy(), e * np.exp(-x), rtol=2e-15)


def test_i_against_its_integral_and_the_wronskian_with_k():
    # I_ν(x) = (1/π) ∫_0^π exp(x cos θ) cos(νθ) dθ (periodic: the trapezoid is exact)
    x = np.r_[np.linspace(-30, 30, 121), 1e-8]
    th = np.linspace(0, 2 * np.pi, 401)[:-1]
    for nu, f in ((0, S.modified_bessel_i0), (1, S.modified_bessel_i1)):
        want = (np.exp(x[:, None] * np.cos(th)) * np.cos(nu * th)).mean(1)
        # the mean's rounding is 1e-16 of its largest term, e^|x|
        err = np.abs(f(t64(x)).numpy() - want)
        assert (err <= 1e-14 * np.abs(want) + 4e-16 * np.exp(np.abs(x))).all()
    # I₀ K₁ + I₁ K₀ = 1/x
    x = np.r_[np.linspace(0.01, 30, 300)]
    w = (S.modified_bessel_i0(t64(x)) * S.modified_bessel_k1(t64(x))
         + S.modified_bessel_i1(t64(x)) * S.modified_bessel_k0(t64(x))).numpy()  # fmt: skip
    np.testing.assert_allclose(w * x, 1.0, rtol=1e-14)


def test_y_wronskian_with_j_and_y1_is_minus_y0_prime():
    x = np.r_[np.linspace(0.02, 60, 3000), 1e-5, 4.99, 5.0, 5.01]
    j0, j1 = S.bessel_j0(t64(x)).numpy(), S.bessel_j1(t64(x)).numpy()
    y0, y1 = S.bessel_y0(t64(x)).numpy(), S.bessel_y1(t64(x)).numpy()
    # J₁ Y₀ - J₀ Y₁ = 2 / (πx), to rounding of the larger terms
    scale = np.abs(j1 * y0) + np.abs(j0 * y1)
    np.testing.assert_allclose((j1 * y0 - j0 * y1 - 2 / (np.pi * x)) / scale, 0, atol=1e-14)
    h = 1e-5
    deriv = (
        S.bessel_y0(t64(x[x > 0.1] + h)).numpy() - S.bessel_y0(t64(x[x > 0.1] - h)).numpy()
    ) / (2 * h)
    np.testing.assert_allclose(-deriv, y1[x > 0.1], rtol=1e-7, atol=1e-9)


def test_y_special_values():
    y = S.bessel_y0(t64([0.0, -0.0, -1.0, np.inf, -np.inf, np.nan])).numpy()
    np.testing.assert_array_equal(y, [-np.inf, -np.inf, np.nan, np.nan, np.nan, np.nan])
    # Y₀(x) ~ (2/π)(log(x/2) + γ), Y₁(x) ~ -2/(πx) near 0
    np.testing.assert_allclose(
        S.bessel_y0(t64(1e-200)).item(),
        2 / np.pi * (np.log(0.5e-200) + 0.5772156649015329),
        rtol=1e-15,
    )
    np.testing.assert_allclose(S.bessel_y1(t64(1e-200)).item(), -2 / np.pi * 1e200, rtol=1e-15)


def test_airy_ai_against_its_integrals_and_its_equation():
    # x > 0: Ai(x) = (1/π) √(x/3) K_⅓(ζ), ζ = 2x^(3/2)/3, K_ν by its integral
    x = np.linspace(0.2, 12, 60)
    z = 2 * x**1.5 / 3
    k13 = trapezoid_to_infinity(lambda t: np.exp(-z[:, None] * np.cosh(t)) * np.cosh(t / 3), 12)
    np.testing.assert_allclose(S.airy_ai(t64(x)).numpy(), np.sqrt(x / 3) * k13 / np.pi, rtol=1e-13)
    # x < 0: Ai(-x) = (√x/3)(J_⅓(ζ) + J_-⅓(ζ)), J_ν(z) = (1/π)∫_0^π cos(νθ - z sin θ) dθ
    # - sin(νπ)/π ∫_0^U exp(-z sinh t - νt) dt, U = asinh(40/z) + 1 (Gauss-Legendre)
    x = np.linspace(0.5, 14, 55)
    z = 2 * x**1.5 / 3
    nodes, weights = np.polynomial.legendre.leggauss(300)
    th = (nodes + 1) * np.pi / 2
    upper = np.arcsinh(40 / z)[:, None] + 1
    t = (nodes + 1) / 2 * upper
    total = 0
    for nu in (1 / 3, -1 / 3):
        first = np.cos(nu * th - z[:, None] * np.sin(th)) @ weights / 2
        second = (np.exp(-z[:, None] * np.sinh(t) - nu * t) * upper / 2) @ weights
        total = total + first - np.sin(nu * np.pi) / np.pi * second
    np.testing.assert_allclose(S.airy_ai(t64(-x)).numpy(), np.sqrt(x) / 3 * total, atol=1e-12)
    # Ai(0) = 1 / (3^(2/3) Γ(2/3)); Ai'' = x Ai
    np.testing.assert_allclose(
        S.airy_ai(t64(0.0)).item(), 1 / (3 ** (2 / 3) * math.gamma(2 / 3)), rtol=1e-15
    )
    x, h = np.linspace(-8, 8, 161), 1e-3
    a = lambda v: S.airy_ai(t64(v)).numpy()  # noqa: E731
    second = (a(x + h) - 2 * a(x) + a(x - h)) / h**2
    # the difference's error h²/12 |Ai⁗| = h²/12 |x² Ai + 2 Ai'| <= 1e-7 (1 + x²)
    assert (np.abs(second - x * a(x)) <= 1e-7 * (1 + x * x)).all()


def test_airy_ai_edges():
    got = S.airy_ai(t64([np.inf, -np.inf, np.nan, 103.9, 1e300])).numpy()
    np.testing.assert_array_equal(got, [np.nan, np.nan, np.nan, 0.0, 0.0])
    assert 0 < S.airy_ai(t64(103.8)).item() < 1e-300


@pytest.mark.parametrize("name", ["bessel_y0", "bessel_y1", "modified_bessel_i0",
                                  "modified_bessel_k0", "scaled_modified_bessel_k1", "airy_ai",
                                  "bessel_j0"])  # fmt: skip
def test_bessel_dtypes_no_gradient_and_errors(name):
    f = getattr(S, name)
    assert f(mg.tensor([1, 2])).dtype == mg.float32
    assert f(mg.tensor([1.0, 2.0], dtype=mg.float64)).dtype == mg.float64
    assert not f(mg.tensor([1.0], requires_grad=True)).requires_grad
    with pytest.raises(TypeError, match=name):
        f(1.0)
    with pytest.raises(NotImplementedError, match=name):
        f(mg.tensor([1.0], dtype=mg.float16))


# ---- orthogonal polynomials --------------------------------------------------------------

CHEBYSHEV_TRIG = {  # kind: f(n, θ) = p_n(cos θ)
    "t": lambda n, t: np.cos(n * t),
    "u": lambda n, t: np.sin((n + 1) * t) / np.sin(t),
    "v": lambda n, t: np.cos((n + 0.5) * t) / np.cos(t / 2),
    "w": lambda n, t: np.sin((n + 0.5) * t) / np.sin(t / 2),
}


@pytest.mark.parametrize("kind", sorted(CHEBYSHEV_TRIG))
def test_chebyshev_trigonometric_forms_and_the_shifted_kinds(kind):
    theta = np.linspace(0.05, np.pi - 0.05, 41)
    n = np.arange(0, 25)[:, None]
    want = CHEBYSHEV_TRIG[kind](n, theta)
    f = getattr(S, f"chebyshev_polynomial_{kind}")
    got = f(t64(np.cos(theta)), t64(n)).numpy()
    np.testing.assert_allclose(got, want, atol=1e-12 * n.max() ** 2)
    shifted = getattr(S, f"shifted_chebyshev_polynomial_{kind}")(
        t64((np.cos(theta) + 1) / 2), t64(n)
    )
    np.testing.assert_allclose(shifted.numpy(), want, atol=1e-12 * n.max() ** 2)


def test_chebyshev_values_at_the_ends_and_outside():
    n = t64(np.arange(6))
    ends = [("t", [1] * 6, [1, -1] * 3), ("u", [1, 2, 3, 4, 5, 6], [1, -2, 3, -4, 5, -6]),
            ("v", [1] * 6, [1, -3, 5, -7, 9, -11]),
            ("w", [1, 3, 5, 7, 9, 11], [1, -1] * 3)]  # fmt: skip
    for kind, top, bottom in ends:
        f = getattr(S, f"chebyshev_polynomial_{kind}")
        np.testing.assert_array_equal(f(t64(1.0), n).numpy(), top)
        np.testing.assert_array_equal(f(t64(-1.0), n).numpy(), bottom)
    # T_n(cosh s) = cosh(ns) outside [-1, 1]
    s = np.linspace(0.1, 2, 20)
    got = S.chebyshev_polynomial_t(t64(np.cosh(s)), 5).numpy()
    np.testing.assert_allclose(got, np.cosh(5 * s), rtol=1e-13)


def test_hermite_laguerre_legendre_explicit_forms():
    x = np.linspace(-3, 3, 61)
    H = lambda n: S.hermite_polynomial_h(t64(x), n).numpy()  # noqa: E731
    He = lambda n: S.hermite_polynomial_he(t64(x), n).numpy()  # noqa: E731
    L = lambda n: S.laguerre_polynomial_l(t64(x), n).numpy()  # noqa: E731
    P = lambda n: S.legendre_polynomial_p(t64(x), n).numpy()  # noqa: E731
    np.testing.assert_allclose(H(3), 8 * x**3 - 12 * x, atol=1e-12)
    np.testing.assert_allclose(H(4), 16 * x**4 - 48 * x**2 + 12, atol=1e-12)
    np.testing.assert_allclose(He(4), x**4 - 6 * x**2 + 3, atol=1e-12)
    np.testing.assert_allclose(L(2), (x * x - 4 * x + 2) / 2, atol=1e-13)
    np.testing.assert_allclose(L(3), (-(x**3) + 9 * x * x - 18 * x + 6) / 6, atol=1e-13)
    np.testing.assert_allclose(P(2), (3 * x * x - 1) / 2, atol=1e-13)
    np.testing.assert_allclose(P(5), (63 * x**5 - 70 * x**3 + 15 * x) / 8, atol=1e-11)
    # H_n(x) = 2^(n/2) He_n(√2 x)
    for n in (5, 10, 17):
        he = S.hermite_polynomial_he(t64(np.sqrt(2) * x), n).numpy()
        np.testing.assert_allclose(H(n), 2 ** (n / 2) * he, rtol=1e-12, atol=1e-9 * 2**n)


def test_legendre_and_laguerre_orthogonality():
    nodes, weights = np.polynomial.legendre.leggauss(60)
    P = S.legendre_polynomial_p(t64(nodes[:, None]), t64(np.arange(20))).numpy()
    np.testing.assert_allclose(
        (P * weights[:, None]).T @ P, np.diag(2 / (2 * np.arange(20) + 1)), atol=1e-13
    )
    nodes, weights = np.polynomial.laguerre.laggauss(40)
    L = S.laguerre_polynomial_l(t64(nodes[:, None]), t64(np.arange(15))).numpy()
    np.testing.assert_allclose((L * weights[:, None]).T @ L, np.eye(15), atol=1e-11)


def test_degree_rules():
    x = t64([0.3, 2.0])
    for name in ("chebyshev_polynomial_t", "hermite_polynomial_h", "laguerre_polynomial_l"):
        f = getattr(S, name)
        np.testing.assert_array_equal(f(x, 3.9).numpy(), f(x, 3).numpy())  # truncated
        np.testing.assert_array_equal(f(x, -1).numpy(), [0, 0])
        np.testing.assert_array_equal(f(x, t64([np.nan, np.inf])).numpy(), [0, 0])
        np.testing.assert_array_equal(f(x, -0.5).numpy(), [1, 1])
    # Hermite: NaN above degree 512 (128 in float32), as PyTorch
    assert np.isnan(S.hermite_polynomial_h(t64(0.1), 513).item())
    assert np.isfinite(S.hermite_polynomial_h(t64(0.1), 40).item())
    assert np.isnan(S.hermite_polynomial_he(mg.tensor(0.1), 129).item())
    # NaN x gives NaN (p₀ = 1 whatever x)
    got = S.legendre_polynomial_p(t64(np.nan), t64([0, 1, 2, 7])).numpy()
    np.testing.assert_array_equal(got, [1, np.nan, np.nan, np.nan])


def test_polynomial_shapes_dtypes_and_errors():
    f = S.chebyshev_polynomial_u
    assert f(mg.tensor([[0.1], [0.2]]), mg.tensor([1, 2, 3])).shape == (2, 3)
    assert f(0.5, mg.tensor([1, 2])).dtype == mg.float32
    assert f(mg.tensor([1, 2]), 2).dtype == mg.float32
    assert (
        f(mg.tensor([0.5], dtype=mg.float32), mg.tensor(2.0, dtype=mg.float64)).dtype == mg.float32
    )
    assert (
        f(mg.tensor([0.5], dtype=mg.float32), mg.tensor([2.0], dtype=mg.float64)).dtype
        == mg.float64
    )
    assert not f(mg.tensor([0.5], requires_grad=True), 2).requires_grad
    with pytest.raises(TypeError, match="chebyshev_polynomial_u"):
        f(0.5, 2)
    with pytest.raises(TypeError, match="chebyshev_polynomial_u"):
        f(mg.tensor([0.5]), None)
    with pytest.raises(RuntimeError, match="chebyshev_polynomial_u"):
        f(mg.tensor([0.5, 0.2]), mg.tensor([1, 2, 3]))
    with pytest.raises(NotImplementedError, match="chebyshev_polynomial_u"):
        f(mg.tensor([0.5], dtype=mg.float16), 2)
