"""Special functions on float64 arrays, which NumPy lacks: the kernels of ``minigrad.special``.

Each takes and returns float64 arrays (NaN in, NaN out). Where PyTorch's own algorithm
bounds its accuracy (digamma's and trigamma's recurrences, Cephes' Hurwitz zeta) the
same algorithm is used, so that the two agree to rounding; elsewhere the series are
summed to full double precision.
"""

from __future__ import annotations

import functools
import math

import numpy as np

_SQRT_PI = math.sqrt(math.pi)
_erfc = np.frompyfunc(math.erfc, 1, 1)


def erfc(X: np.ndarray) -> np.ndarray:
    """1 - erf x, accurate relative to itself for large x (libm's)."""
    return np.asarray(_erfc(X), np.float64)


def erf(X: np.ndarray) -> np.ndarray:
    from .nn.erf import erf as erf_array  # nn imports more_ops, which imports this module

    return erf_array(X)


def _sinpi(X: np.ndarray) -> np.ndarray:
    """sin(πx), exact zeros at the integers (x - round(x) is exact)."""
    R = X - np.round(X)
    return np.where(np.round(X) % 2 == 0, 1.0, -1.0) * np.sin(np.pi * R)


# ---- Hurwitz zeta (Cephes, as PyTorch) ------------------------------------------------

# (2k)! / B_2k for k = 1..12, the Euler–Maclaurin coefficients of Cephes' zeta
_EM = [12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9, 7.47242496e10,
       -2.950130727918164224e12, 1.1646782814350067249e14, -4.5979787224074726105e15,
       1.8152105401943546773e17, -7.1661652561756670113e18]  # fmt: skip
_MACHEP = 1.11022302462515654042e-16


def zeta(X: np.ndarray, Q: np.ndarray) -> np.ndarray:
    """Hurwitz ζ(x, q) = Σ_{k≥0} (k + q)^-x: the first terms summed directly until
    k + q > 9, the rest by Euler–Maclaurin. inf at x = 1 or at q a non-positive integer,
    NaN for x < 1 (or q < 0 with x not an integer)."""
    X, Q = np.broadcast_arrays(np.asarray(X, np.float64), np.asarray(Q, np.float64))
    shape = X.shape
    X, Q = X.ravel(), Q.ravel()
    out = np.full(X.shape, np.nan)
    pole = (X == 1) | (~(X < 1) & (Q <= 0) & (Q == np.floor(Q)))
    out[pole] = np.inf
    live = ~pole & (X > 1) & ~((Q <= 0) & (X != np.floor(X))) & ~np.isnan(Q)
    x, a = X[live], Q[live]
    s = a**-x
    b = np.zeros_like(s)
    done = np.zeros(s.shape, bool)
    i = 0
    while True:
        more = ~done & ((i < 9) | (a <= 9))
        if not more.any():
            break
        i += 1
        a = np.where(more, a + 1, a)
        b = np.where(more, a**-x, b)
        s = np.where(more, s + b, s)
        done |= more & (np.abs(b) < _MACHEP * s)
    w = a
    s = np.where(done, s, s + b * w / (x - 1) - 0.5 * b)
    c, k = np.ones_like(s), 0.0
    for coef in _EM:
        c = c * (x + k)
        b = b / w
        t = c * b / coef
        s = np.where(done, s, s + t)
        done |= np.abs(t / s) < _MACHEP
        k += 1
        c = c * (x + k)
        b = b / w
        k += 1
    out[live] = s
    return out.reshape(shape)


# ---- gamma function and its derivatives ------------------------------------------------

# Lanczos' approximation with g = 7, n = 9: Γ(x + 1) = √(2π) t^(x + ½) e^-t A(x), t = x + 7.5
_LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012,
            9.9843695780195716e-6, 1.5056327351493116e-7]  # fmt: skip
# lgamma(2 + z) = (1 - γ) z + Σ_{k≥2} (-1)^k (ζ(k) - 1) z^k / k, for |z| <= 1/2
_EULER_GAMMA = 0.57721566490153286061
_LGAMMA2 = [0.0, 1 - _EULER_GAMMA] + [
    (-1) ** k * float(zeta(np.float64(k), np.float64(2))) / k for k in range(2, 40)
]


def _lanczos(X: np.ndarray) -> np.ndarray:
    x = X - 1
    a = _LANCZOS[0] + sum(c / (x + i) for i, c in enumerate(_LANCZOS[1:], 1))
    t = x + 7.5
    return 0.5 * math.log(2 * math.pi) + (x + 0.5) * np.log(t) - t + np.log(a)


def _lgamma2(Z: np.ndarray) -> np.ndarray:
    """lgamma(2 + z) for |z| <= 1/2, exact near the zero at z = 0."""
    p = np.zeros_like(Z)
    for c in reversed(_LGAMMA2):
        p = p * Z + c
    return p


def lgamma(X: np.ndarray) -> np.ndarray:
    """log |Γ(x)|: the series about 2 on (0, 2.5) (exact near the zeros at 1 and 2),
    Lanczos beyond, and log |Γ(x)| = log(π / |sin πx|) - log Γ(1 - x) below 0;
    +inf at the non-positive integers and at ±inf."""
    X = np.asarray(X, np.float64)
    out = np.full(X.shape, np.inf)
    out[np.isnan(X)] = np.nan
    big = (X >= 2.5) & (X < np.inf)
    out[big] = _lanczos(X[big])
    for lo, hi, shift in ((0, 0.5, 0), (0.5, 1.5, 1), (1.5, 2.5, 2)):
        m = (X > lo) & (X < hi) if lo == 0 else (X >= lo) & (X < hi)
        z = X[m] - shift  # exact
        v = _lgamma2(z)
        if shift < 2:
            v = v - np.log1p(z)
        if shift == 0:
            v = v - np.log(z)
        out[m] = v
    neg = (X < 0) & (X != np.floor(X))
    if neg.any():
        x = X[neg]
        out[neg] = np.log(np.pi / np.abs(_sinpi(x))) - lgamma(1 - x)
    return out


_PSI_10 = 2.25175258906672110764
_DIGAMMA_A = [8.33333333333333333333e-2, -2.10927960927960927961e-2, 7.57575757575757575758e-3,
              -4.16666666666666666667e-3, 3.96825396825396825397e-3, -8.33333333333333333333e-3,
              8.33333333333333333333e-2]  # fmt: skip


def digamma(X: np.ndarray) -> np.ndarray:
    """ψ(x) = Γ'(x) / Γ(x), as PyTorch (Cephes): ψ(x) = ψ(x + n) - Σ 1/(x + k) up to
    x + n >= 10, then the asymptotic series; ψ(x) = ψ(1 - x) - π / tan(π frac x) below 0.
    ψ(±0) = ∓inf, NaN at the negative integers."""
    X = np.asarray(X, np.float64)
    out = np.full(X.shape, np.nan)
    zero = X == 0
    out[zero] = np.copysign(np.inf, -X[zero])
    pos = X > 0
    out[pos] = _digamma_pos(X[pos])
    neg = (X < 0) & (X != np.trunc(X))
    x = X[neg]
    out[neg] = _digamma_pos(1 - x) - np.pi / np.tan(np.pi * (x - np.trunc(x)))
    return out


def _digamma_pos(X: np.ndarray) -> np.ndarray:
    x, result = X.copy(), np.zeros_like(X)
    while (low := x < 10).any():
        result[low] -= 1 / x[low]
        x[low] += 1
    z = 1 / (x * x)
    y = np.zeros_like(x)
    for c in _DIGAMMA_A:
        y = y * z + c
    y = np.where(x < 1e17, z * y, 0)
    return np.where(x == 10, result + _PSI_10, result + np.log(x) - 0.5 / x - y)


def trigamma(X: np.ndarray) -> np.ndarray:
    """ψ'(x), as PyTorch: reflection below 1/2, six steps of ψ'(x) = ψ'(x + 1) + 1/x²,
    then the asymptotic series."""
    X = np.asarray(X, np.float64)
    refl = X < 0.5
    s = np.sin(np.pi * X)
    with np.errstate(divide="ignore"):
        result = np.where(refl, -(np.pi * np.pi) / (s * s), 0.0)
    x = np.where(refl, 1 - X, X)
    for _ in range(6):
        result = result + 1 / (x * x)
        x = x + 1
    ixx = 1 / (x * x)
    result = result + (1 + 1 / (2 * x) + ixx * (1 / 6 - ixx * (1 / 30 - ixx * (1 / 42)))) / x
    return np.where(refl, -result, result)


def polygamma(n: int, X: np.ndarray) -> np.ndarray:
    """ψ⁽ⁿ⁾(x) = (-1)^(n+1) n! ζ(n + 1, x) for n >= 2 (ψ and ψ' for n = 0, 1)."""
    if n == 0:
        return digamma(X)
    if n == 1:
        return trigamma(X)
    return (1.0 if n % 2 else -1.0) * float(math.factorial(n)) * zeta(np.float64(n + 1), X)


# ---- incomplete gamma ------------------------------------------------------------------


def _igam_prefactor(A: np.ndarray, X: np.ndarray) -> np.ndarray:
    """x^a e^-x / Γ(a); for a > 20 as e^(a log1pmx((x - a) / a)) √(a / 2π) / Γ*(a), with
    log Γ*(a) = 1/(12a) - 1/(360a³) + ... (Stirling), so that no large logarithms cancel."""
    big = A > 20
    a, x = A[big], X[big]
    out = np.exp(A * np.log(X) - X - lgamma(A))
    t = 1 / (a * a)
    stirling = (1 / 12 - t * (1 / 360 - t * (1 / 1260 - t * (1 / 1680 - t / 1188)))) / a
    out[big] = np.exp(a * _log1pmx((x - a) / a) - stirling) * np.sqrt(a / (2 * np.pi))
    return out


def gammainc(A: np.ndarray, X: np.ndarray, upper: bool = False) -> np.ndarray:
    """The regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a) (or the upper
    Q = 1 - P): Temme's uniform expansion where a is large and x near a (Cephes' regions,
    as PyTorch), else the series Σ x^k / (a (a+1) ... (a+k)) for x < a + 1, else Lentz's
    continued fraction of Q; each gives the other as one minus it. NaN for a < 0 or
    x < 0 and at a = x = 0, as PyTorch."""
    A, X = np.broadcast_arrays(np.asarray(A, np.float64), np.asarray(X, np.float64))
    P = np.full(A.shape, np.nan)
    undecided = ~((X < 0) | (A < 0))
    # Cephes' special cases, in its order (which decides the NaN cases)
    for case, value in (
        (A == 0, np.where(X > 0, 1.0, np.nan)),
        (X == 0, 0.0),
        (np.isinf(A), np.where(np.isinf(X), np.nan, 0.0)),
        (np.isinf(X), 1.0),
    ):
        hit = undecided & case
        P[hit] = np.broadcast_to(value, P.shape)[hit]
        undecided &= ~case
    live = undecided & ~np.isnan(A) & ~np.isnan(X)
    with np.errstate(divide="ignore", invalid="ignore"):
        near = np.abs(X - A) / A
    asy = live & (((A > 20) & (A < 200) & (near < 0.3)) | ((A > 200) & (near < 4.5 / np.sqrt(A))))
    series = live & ~asy & (X < A + 1)
    frac = live & ~asy & ~series
    Q = 1 - P
    P[asy], Q[asy] = _igam_temme(A[asy], X[asy])
    P[series] = _igam_series(A[series], X[series])
    Q[series] = 1 - P[series]
    Q[frac] = _igamc_fraction(A[frac], X[frac])
    P[frac] = 1 - Q[frac]
    return Q if upper else P


def _until_converged(state: tuple, step, out: np.ndarray, steps: int) -> np.ndarray:
    """Run ``step(i, *state) -> (done, value, *state)`` on 1-D arrays for i = 1 .. steps;
    each element leaves (its value into ``out``) once done, or is taken after ``steps``."""
    where = np.arange(out.size)
    for i in range(1, steps + 1):
        done, value, *state = step(i, *state)
        if i == steps:
            done = np.ones_like(done)
        if done.any():
            out[where[done]] = value[done]
            keep = ~done
            where, state = where[keep], [s[keep] for s in state]
            if not where.size:
                break
    return out


def _igam_series(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """P(a, x) = x^a e^-x / Γ(a) Σ_k x^k / (a (a+1) ... (a+k))."""

    def step(i, a, x, term, total):
        term = term * x / (a + i)
        total = total + term
        return np.abs(term) < np.abs(total) * 1e-17, total, a, x, term, total

    total = _until_converged((a, x, 1 / a, 1 / a), step, np.empty_like(a), 2000)
    return total * _igam_prefactor(a, x)


def _igamc_fraction(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Q(a, x) = x^a e^-x / Γ(a) / (x + 1 - a - 1 (1 - a) / (x + 3 - a - ...)), by Lentz."""
    tiny = 1e-300

    def step(i, a, b, c, d, h):
        an = -i * (i - a)
        b = b + 2
        d = an * d + b
        d = np.where(np.abs(d) < tiny, tiny, d)
        c = b + an / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        d = 1 / d
        delta = d * c
        h = h * delta
        return np.abs(delta - 1) < 3e-16, h, a, b, c, d, h  # within an ulp of 1

    b = x + 1 - a
    state = (a, b, np.full_like(x, 1 / tiny), 1 / b, 1 / b)
    return _until_converged(state, step, np.empty_like(a), 1999) * _igam_prefactor(a, x)


def _igam_temme(a: np.ndarray, x: np.ndarray) -> tuple:
    """(P, Q) by Temme's uniform expansion (DLMF 8.12.3-8.12.8) with η²/2 = λ - 1 - ln λ,
    λ = x / a, sign(η) = sign(λ - 1):
    Q = erfc(η √(a/2)) / 2 + R,  P = erfc(-η √(a/2)) / 2 - R,
    R = e^(-aη²/2) / √(2πa) Σ_k c_k(η) a^-k, summed while the terms decrease."""
    sigma = (x - a) / a
    eta = np.sign(sigma) * np.sqrt(-2 * _log1pmx(sigma))
    coef = _temme_coefficients()
    total, prev = np.zeros_like(a), np.full_like(a, np.inf)
    live = np.ones(a.shape, bool)
    for k in range(coef.shape[0]):
        term = np.polynomial.polynomial.polyval(eta, coef[k]) * a**-k
        live &= np.abs(term) <= prev  # the asymptotic series has started to diverge
        total = np.where(live, total + term, total)
        live &= np.abs(term) >= 1e-16 * np.abs(total)
        prev = np.abs(term)
    R = np.exp(-0.5 * a * eta * eta) * total / np.sqrt(2 * np.pi * a)
    z = eta * np.sqrt(a / 2)
    return erfc(-z) / 2 - R, erfc(z) / 2 + R


def _log1pmx(X: np.ndarray) -> np.ndarray:
    """log(1 + x) - x, by its series -x²/2 + x³/3 - ... for |x| < 1/2 (60 terms)."""
    series = np.zeros_like(X)
    for n in range(60, 1, -1):
        series = X * (series + (-1) ** (n + 1) / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.abs(X) < 0.5, series * X, np.log1p(X) - X)


@functools.cache
def _temme_coefficients(K: int = 25, N: int = 25) -> np.ndarray:
    """(K, N): the Taylor coefficients in η of Temme's c_k(η), exact in rationals
    (DLMF 8.12.9-8.12.11): c_0 = 1/μ - 1/η and c_k = c_(k-1)'/η + (-1)^k g_k / μ, with
    μ = λ - 1 from μ μ' = η (1 + μ) and g_k Stirling's Γ*(a) ~ Σ g_k a^-k."""
    from fractions import Fraction  # here, not at import: only large-a gammainc needs it

    M = N + 2 * K  # each step of the recursion uses two more terms of c_(k-1)
    mu = [Fraction(0), Fraction(1)]  # μ = η + η²/3 + η³/36 - ...
    for n in range(2, M + 2):
        cross = sum(mu[i] * (n - i + 1) * mu[n - i + 1] for i in range(2, n))
        mu.append((mu[n - 1] - cross) / (n + 1))
    # r = η / μ, so 1/μ = r / η
    r = [Fraction(1)]
    for n in range(1, M + 1):
        r.append(-sum(mu[i + 1] * r[n - i] for i in range(1, n + 1)))
    bern = [Fraction(1)]
    for m in range(1, 2 * K + 2):
        bern.append(-sum(math.comb(m + 1, j) * bern[j] for j in range(m)) / (m + 1))
    # log Γ*(a) = Σ_j B_2j / (2j (2j - 1)) a^(1-2j); g = exp of it, by n g_n = Σ m f_m g_(n-m)
    f = [Fraction(0)] * (K + 1)
    for j in range(1, K // 2 + 2):
        if 2 * j - 1 <= K:
            f[2 * j - 1] = bern[2 * j] / (2 * j * (2 * j - 1))
    g = [Fraction(1)]
    for n in range(1, K + 1):
        g.append(sum(m * f[m] * g[n - m] for m in range(1, n + 1)) / n)
    c = r[1:]
    rows = [c[:N]]
    for k in range(1, K):
        sign = -1 if k % 2 else 1
        assert c[1] + sign * g[k] * r[0] == 0  # the 1/η terms cancel
        c = [(j + 2) * c[j + 2] + sign * g[k] * r[j + 1] for j in range(len(c) - 2)]
        rows.append(c[:N])
    return np.array([[float(v) for v in row] for row in rows])


# ---- error function relatives ------------------------------------------------------------


def _exp_square(X: np.ndarray) -> np.ndarray:
    """exp(x²), x² split into an exact part and a small rest so the rounding of x² does
    not reach the result."""
    hi = np.round(X * 2.0**12) / 2.0**12  # 12 fractional bits: hi² is exact for |x| < 2^20
    lo = X - hi
    return np.exp(hi * hi) * np.exp(lo * (X + hi))


def erfcx(X: np.ndarray) -> np.ndarray:
    """exp(x²) erfc(x): the product up to x = 5, the continued fraction
    1/√π / (x + ½/(x + 1/(x + 3/2/(x + ...)))) beyond; 2 exp(x²) - erfcx(-x) below 0."""
    X = np.asarray(X, np.float64)
    A = np.abs(X)
    out = np.empty_like(A)
    small = A < 5
    out[small] = _exp_square(A[small]) * erfc(A[small])
    a = A[~small]
    f = a.copy()
    for k in range(60, 0, -1):
        f = a + (k / 2) / f
    out[~small] = 1 / (_SQRT_PI * f)
    neg = X < 0
    with np.errstate(over="ignore"):
        out[neg] = 2 * _exp_square(X[neg]) - out[neg]
    out[X == -np.inf] = np.inf
    out[np.isnan(X)] = np.nan
    return out


def log_ndtr(X: np.ndarray) -> np.ndarray:
    """log Φ(x), as PyTorch: log(erfcx(-x/√2) / 2) - x²/2 below -1, else
    log1p(-erfc(x/√2) / 2)."""
    X = np.asarray(X, np.float64)
    t = X * math.sqrt(0.5)
    low = X < -1
    out = np.empty_like(X)
    out[low] = np.log(erfcx(-t[low]) / 2) - t[low] * t[low]
    out[~low] = np.log1p(-erfc(t[~low]) / 2)
    return out


def erfinv(Y: np.ndarray) -> np.ndarray:
    """The inverse of erf on [-1, 1] (±inf at ±1, NaN outside): Giles' single-precision
    approximation, then Newton steps on erf, or on log erfc for |y| > 1/2 (where 1 - |y|
    is exact, so the tails keep their relative accuracy)."""
    y = np.asarray(Y, np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = -np.log((1 - y) * (1 + y))
        small = w < 5
        ws, wb = w - 2.5, np.sqrt(np.where(small, 5, w)) - 3
        ps = [2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
              -0.00125372503, -0.00417768164, 0.246640727, 1.50140941]  # fmt: skip
        pb = [-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
              -0.0076224613, 0.00943887047, 1.00167406, 2.83297682]  # fmt: skip
        p = np.zeros_like(y)
        for c_small, c_big in zip(ps, pb):
            p = np.where(small, p * ws + c_small, p * wb + c_big)
        a = np.abs(y)
        z = np.abs(p * y)
        tail = a > 0.5
        log_rest = np.log(1 - a)  # 1 - a exact for a > 1/2
        for _ in range(5):  # Giles' start is poor far out in the tails (w > 17)
            # Newton on erf z = a, or on log erfc z = log(1 - a) in the tail, where
            # log erfc z = log erfcx z - z² and (log erfc)'(z) = -2/√π / erfcx z
            zt = np.where(tail, z, 1)
            cx = erfcx(zt)
            step_tail = (np.log(cx) - zt * zt - log_rest) * cx * (_SQRT_PI / 2)
            step_mid = (erf(z) - a) / ((2 / _SQRT_PI) * np.exp(-z * z))
            z = np.where(tail, z + step_tail, z - step_mid)
        z = np.where(a == 1, np.inf, z)
        return np.where(a > 1, np.nan, np.copysign(z, y))


def ndtri(P: np.ndarray) -> np.ndarray:
    """Φ⁻¹(p), the standard normal quantile: √2 erfinv(2p - 1) for p >= 1/4 (2p - 1 is
    exact there); below, Newton steps on log Φ: two from √2 erfinv(2p - 1) (already
    close) down to p = 1e-3, six from the tail's asymptotic start below."""
    P = np.asarray(P, np.float64)
    out = np.full(P.shape, np.nan)
    mid = P >= 0.25
    out[mid] = math.sqrt(2) * erfinv(2 * P[mid] - 1)
    low = (P < 0.25) & (P > 0)
    out[P == 0] = -np.inf
    p = P[low]
    log_p = np.log(p)
    t = np.sqrt(-2 * log_p)
    z = -(t - (np.log(t * t) + math.log(2 * math.pi)) / (2 * t))  # Φ(z) ≈ φ(z) / -z
    near = p > 1e-3
    z[near] = math.sqrt(2) * erfinv(2 * p[near] - 1)
    for steps, at in ((2, near), (6, ~near)):
        zs, log_ps = z[at], log_p[at]
        for _ in range(steps):
            # Newton on f(z) = log Φ(z) - log p: f'(z) = φ(z) / Φ(z) = √(2/π) / erfcx(-z/√2)
            zs = zs - (log_ndtr(zs) - log_ps) * erfcx(-zs * math.sqrt(0.5)) * _SQRT_PI_2
        z[at] = zs
    out[low] = z
    return out


_SQRT_PI_2 = math.sqrt(math.pi / 2)


# ---- Bessel functions -----------------------------------------------------------------


def _bessel_i_series(X: np.ndarray, nu: int) -> np.ndarray:
    """I_ν(x) = (x/2)^ν Σ (x²/4)^k / (k! (k + ν)!) (all terms positive: no cancellation)."""
    q = X * X / 4
    term = (X / 2) ** nu / math.factorial(nu)
    total = term.copy()
    for k in range(1, 90):
        term = term * q / (k * (k + nu))
        total += term
    return total


def _bessel_i_asymptotic(X: np.ndarray, nu: int) -> np.ndarray:
    """e^-x I_ν(x) ~ Σ (-1)^k Π_{j≤k} (4ν² - (2j - 1)²) / (8 j x) / √(2πx) for large x."""
    term = np.ones_like(X)
    total = term.copy()
    for j in range(1, 40):  # x > 20: the terms shrink up to j = 2x
        term = term * -(4 * nu * nu - (2 * j - 1) ** 2) / (8 * j * X)
        total += term
    return total / np.sqrt(2 * np.pi * X)


def bessel_ie(X: np.ndarray, nu: int) -> np.ndarray:
    """e^-|x| I_ν(x) for ν = 0, 1 (the series below 20, the asymptotic series above;
    I₁ is odd)."""
    X = np.asarray(X, np.float64)
    A = np.abs(X)
    out = np.empty_like(A)
    small = A <= 20
    out[small] = _bessel_i_series(A[small], nu) * np.exp(-A[small])
    with np.errstate(divide="ignore", invalid="ignore"):
        out[~small] = _bessel_i_asymptotic(A[~small], nu)
    out[np.isinf(X)] = 0.0
    out[np.isnan(X)] = np.nan
    return np.copysign(out, X) if nu else out


def bessel_i(X: np.ndarray, nu: int) -> np.ndarray:
    """I_ν(x) = e^|x| (e^-|x| I_ν(x)): inf past overflow, NaN at ±inf (as PyTorch)."""
    X = np.asarray(X, np.float64)
    A = np.abs(X)
    small = A <= 20
    with np.errstate(over="ignore", invalid="ignore"):
        out = np.where(small, 0.0, bessel_ie(X, nu) * np.exp(A))
    out[small] = _bessel_i_series(A[small], nu)
    out[np.isinf(X)] = np.nan  # as PyTorch's
    return np.copysign(out, X) if nu else out


def bessel_j(X: np.ndarray, nu: int) -> np.ndarray:
    """J_ν(x) for ν = 0, 1: the power series for |x| < 2, Miller's backward recurrence
    J_(k-1) = (2k/x) J_k - J_(k+1), normalised by J₀ + 2 Σ J_2k = 1, up to 25, and
    Hankel's asymptotic expansion beyond (J₁ is odd)."""
    X = np.asarray(X, np.float64)
    A = np.abs(X)
    out = np.empty_like(A)
    small = A < 2
    q = -(A[small] ** 2) / 4
    term = (A[small] / 2) ** nu
    total = term.copy()
    for k in range(1, 30):
        term = term * q / (k * (k + nu))
        total += term
    out[small] = total
    mid = (A >= 2) & (A <= 25)
    x = A[mid]
    j_next, j_k = np.zeros_like(x), np.full_like(x, 1e-30)
    norm = np.zeros_like(x)
    j0 = j1 = None
    for k in range(80, 0, -1):  # j_k holds J_k (unnormalised); step down to J_(k-1)
        if k % 2 == 0:
            norm += 2 * j_k
        j_next, j_k = j_k, (2 * k / x) * j_k - j_next
        if k == 1:
            j0, j1 = j_k, j_next
    norm += j0
    out[mid] = (j1 if nu else j0) / norm
    big = A > 25
    x = A[big]
    mu = 4 * nu * nu
    p, qq = np.ones_like(x), np.zeros_like(x)
    term = np.ones_like(x)
    for k in range(1, 50):  # x > 25: the terms shrink up to k = 2x
        term = term * (mu - (2 * k - 1) ** 2) / (k * 8 * x)
        if k % 2:
            qq += term * (-1) ** (k // 2)
        else:
            p += term * (-1) ** (k // 2)
    chi = x - (2 * nu + 1) * np.pi / 4
    with np.errstate(invalid="ignore"):
        out[big] = np.sqrt(2 / (np.pi * x)) * (p * np.cos(chi) - qq * np.sin(chi))
    out[np.isinf(A) | np.isnan(A)] = np.nan  # as PyTorch's
    return np.where(np.signbit(X), -out, out) if nu else out


def spherical_bessel_j0(X: np.ndarray) -> np.ndarray:
    """sin(x) / x, as PyTorch: its Taylor polynomial below 1/2, 0 at ±inf."""
    X = np.asarray(X, np.float64)
    small = np.abs(X) < 0.5
    x2 = X * X
    poly = 1 + x2 * (-1 / 6 + x2 * (1 / 120 + x2 * (-1 / 5040 + x2 * (1 / 362880 + x2 * (
        -1 / 39916800 + x2 * (1 / 6227020800))))))  # fmt: skip
    with np.errstate(invalid="ignore"):
        out = np.where(small, poly, np.sin(X) / np.where(small, 1, X))
    return np.where(np.isinf(X), 0.0, out)
