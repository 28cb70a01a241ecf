"""Special functions on float64 arrays, which NumPy lacks: the kernels of ``minigrad.special``.

Each takes and returns float64 arrays (NaN in, NaN out). Where PyTorch's own algorithm
bounds its accuracy (digamma's and trigamma's recurrences, Cephes' Hurwitz zeta) the
same algorithm is used, so that the two agree to rounding; elsewhere the series are
summed to full double precision.
"""

from __future__ import annotations

import functools
import math
from typing import Any

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
        if i == 64:  # a q far below 9: the rest of its terms a block at a time
            for j in np.flatnonzero(more):
                a[j], b[j], s[j], done[j] = _zeta_terms(x[j], a[j], s[j])
            continue
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


def _zeta_terms(x: float, a: float, s: float, block: int = 65536) -> tuple:
    """zeta's direct terms for one element, from a: a += 1, b = a^-x, s += b until b is
    below s's last bit or a passes 9, each step as the loop takes it (a + k is exact, and a
    cumulative sum adds in the loop's order), ``block`` steps per NumPy call.
    Returns (a, b, s, done)."""
    steps = np.arange(1, block + 1, dtype=np.float64)
    while True:
        av = a + steps
        bv = av**-x
        sv = np.cumsum(np.concatenate(([s], bv)))[1:]
        converged = np.abs(bv) < _MACHEP * sv
        stop = np.flatnonzero(converged | (av > 9))
        if stop.size:
            k = stop[0]
            return av[k], bv[k], sv[k], converged[k]
        a, s = av[-1], sv[-1]


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
    """x^a e^-x / Γ(a); for a > 20 and x within 0.4 a of a (Cephes' region for it) as
    e^(a log1pmx((x - a) / a)) √(a / 2π) / Γ*(a), with log Γ*(a) = 1/(12a) - 1/(360a³) + ...
    (Stirling), so that no large logarithms cancel."""
    big = (A > 20) & (np.abs(A - X) <= 0.4 * A)
    a, x = A[big], X[big]
    out = np.exp(A * np.log(X) - X - lgamma(A))
    t = 1 / (a * a)
    stirling = (1 / 12 - t * (1 / 360 - t * (1 / 1260 - t * (1 / 1680 - t / 1188)))) / a
    out[big] = np.exp(a * _log1pmx((x - a) / a) - stirling) * np.sqrt(a / (2 * np.pi))
    return out


def gammainc(A: np.ndarray, X: np.ndarray, upper: bool = False) -> np.ndarray:
    """The regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a) (or the upper
    Q = 1 - P): Temme's uniform expansion where a is large and x near a (Cephes' regions,
    as PyTorch), else, in Cephes' regions as PyTorch: the series Σ x^k / (a (a+1) ... (a+k))
    of P, Lentz's continued fraction of Q (x > 1.1), or the series of Q for small x (no
    cancellation in 1 - P for a small a); each gives the other as one minus it. NaN for
    a < 0 or x < 0 and at a = x = 0, as PyTorch."""
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
    rest = live & ~asy
    if upper:  # Q where PyTorch's calc_igammac computes it itself
        frac = rest & (X > 1.1) & (X >= A)
        with np.errstate(divide="ignore"):
            small = rest & (X <= 1.1) & np.where(X <= 0.5, -0.4 / np.log(X) >= A, X * 1.1 >= A)
    else:  # P is 1 - Q (calc_igammac's) for x > 1 and x > a
        frac = rest & (X > 1.1) & (X > A)
        small = rest & (X > 1) & (X <= 1.1) & (X > A)
    series = rest & ~frac & ~small
    Q = np.asarray(1 - P)  # (NumPy gives a scalar for 0-d)
    P[asy], Q[asy] = _igam_temme(A[asy], X[asy])
    P[series] = _igam_series(A[series], X[series])
    Q[series] = 1 - P[series]
    Q[frac] = _igamc_fraction(A[frac], X[frac])
    Q[small] = _igamc_series(A[small], X[small])
    P[frac | small] = 1 - Q[frac | small]
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

    ones = np.ones_like(a)  # the sum times a: 1 / a would overflow for a subnormal a
    total = _until_converged((a, x, ones, ones), step, np.empty_like(a), 2000)
    return total * _igam_prefactor(a, x) / a


def _igamc_series(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Q(a, x) = 1 - x^a / Γ(a + 1) - x^a / Γ(a) Σ_{n>=1} (-x)^n / (n! (a + n)) (DLMF 8.7.3),
    its first part as -expm1(a log x - lgamma(a + 1)): exact for small a, where 1 - P
    cancels."""

    def step(n, a, x, fac, total):
        fac = fac * -x / n
        term = fac / (a + n)
        total = total + term
        return np.abs(term) <= 1.1102230246251565e-16 * np.abs(total), total, a, x, fac, total

    zeros = np.zeros_like(a)
    total = _until_converged((a, x, zeros + 1, zeros), step, np.empty_like(a), 1999)
    log_x = np.log(x)
    return -np.expm1(a * log_x - lgamma(1 + a)) - np.exp(a * log_x - lgamma(a)) * total


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
    not reach the result (inf beyond |x| = 27, where it overflows: x 2^12 would too)."""
    X = np.clip(X, -27.0, 27.0)
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
    shape = np.shape(Y)
    y = np.asarray(Y, np.float64).reshape(-1)  # 1-D: a 0-d y would make z a NumPy scalar
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
        # Newton on erf z = a, or on log erfc z = log(1 - a) in the tail (1 - a exact for
        # a > 1/2), where log erfc z = log erfcx z - z² and (log erfc)'(z) = -2/√π / erfcx z;
        # five steps (Giles' start is poor far out in the tails, w > 17), each on the
        # elements whose last step moved them
        tail = np.flatnonzero(a > 0.5)
        mid = np.flatnonzero(~(a > 0.5))
        log_rest = np.log(1 - a[tail])
        for _ in range(5):
            zt = z[tail]
            cx = erfcx(zt)
            step = (np.log(cx) - zt * zt - log_rest) * cx * (_SQRT_PI / 2)
            z[tail] = zt + step
            tail, log_rest = tail[step != 0], log_rest[step != 0]
            zm = z[mid]
            step = (erf(zm) - a[mid]) / ((2 / _SQRT_PI) * np.exp(-zm * zm))
            z[mid] = zm - step
            mid = mid[step != 0]
        z = np.where(a == 1, np.inf, z)
        return np.where(a > 1, np.nan, np.copysign(z, y)).reshape(shape)


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
    return total / (np.sqrt(2 * np.pi) * np.sqrt(X))  # (2πx overflows for x > 2.8e307)


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


# ---- Y, K and Ai: Cephes' published approximations where they hold to float64 (K, large-x
# Y and Ai), J's Miller recurrence for small-x Y and a series for Ai near 0; accurate to
# float64, so PyTorch's kernels (which lose some digits) may differ in the last ones -------


def _horner(X: np.ndarray, coefs: list) -> np.ndarray:
    """Σ c_i x^(d-i), coefficients highest power first."""
    out = np.zeros_like(X)
    for c in coefs:
        out = out * X + c
    return out


def _clenshaw(Y: np.ndarray, coefs: list) -> np.ndarray:
    """Σ' c_k T_k(y/2) by Clenshaw's recurrence (Cephes' chbevl, coefficients from the
    highest order down; the last one halved)."""
    b0, b1, b2 = np.full_like(Y, coefs[0]), np.zeros_like(Y), np.zeros_like(Y)
    for c in coefs[1:]:
        b2, b1 = b1, b0
        b0 = Y * b1 - b2 + c
    return 0.5 * (b0 - b2)


# Chebyshev coefficients of K₀ and K₁ (Cephes k0.c, k1.c): on (0, 2] in x² - 2, of
# K + log(x/2) I; on (2, inf) in 8/x - 2, of e^x √x K
_K0_A = [1.37446543561352307156e-16, 4.25981614279661018399e-14, 1.03496952576338420167e-11,
         1.90451637722020886025e-09, 2.53479107902614945675e-07, 2.28621210311945178607e-05,
         1.26461541144692592338e-03, 3.59799365153615016266e-02, 3.44289899924628486886e-01,
         -5.35327393233902768720e-01]  # fmt: skip
_K0_B = [5.30043377268626276149e-18, -1.64758043015242134646e-17, 5.21039150503902756861e-17,
         -1.67823109680541210385e-16, 5.51205597852431940784e-16, -1.84859337734377901440e-15,
         6.34007647740507060557e-15, -2.22751332699166985548e-14, 8.03289077536357521100e-14,
         -2.98009692317273043925e-13, 1.14034058820847496303e-12, -4.51459788337394416547e-12,
         1.85594911495471785253e-11, -7.95748924447710747776e-11, 3.57739728140030116597e-10,
         -1.69753450938905987466e-09, 8.57403401741422608519e-09, -4.66048989768794782956e-08,
         2.76681363944501510342e-07, -1.83175552271911948767e-06, 1.39498137188764993662e-05,
         -1.28495495816278026384e-04, 1.56988388573005337491e-03, -3.14481013119645005427e-02,
         2.44030308206595545468e+00]  # fmt: skip
_K1_A = [-7.02386347938628759343e-18, -2.42744985051936593393e-15, -6.66690169419932900609e-13,
         -1.41148839263352776110e-10, -2.21338763073472585583e-08, -2.43340614156596823496e-06,
         -1.73028895751305206302e-04, -6.97572385963986435018e-03, -1.22611180822657148235e-01,
         -3.53155960776544875667e-01, 1.52530022733894777053e+00]  # fmt: skip
_K1_B = [-5.75674448366501715755e-18, 1.79405087314755922667e-17, -5.68946255844285935196e-17,
         1.83809354436663880070e-16, -6.05704724837331885336e-16, 2.03870316562433424052e-15,
         -7.01983709041831346144e-15, 2.47715442448130437068e-14, -8.97670518232499435011e-14,
         3.34841966607842919884e-13, -1.28917396095102890680e-12, 5.13963967348173025100e-12,
         -2.12996783842756842877e-11, 9.21831518760500529508e-11, -4.19035475934189648750e-10,
         2.01504975519703286596e-09, -1.03457624656780970260e-08, 5.74108412545004946722e-08,
         -3.50196060308781257119e-07, 2.40648494783721712015e-06, -1.93619797416608296024e-05,
         1.95215518471351631108e-04, -2.85781685962277938680e-03, 1.03923736576817238437e-01,
         2.72062619048444266945e+00]  # fmt: skip


def bessel_k(X: np.ndarray, nu: int, scaled: bool = False) -> np.ndarray:
    """K_ν(x) for ν = 0, 1 (e^x K_ν(x) if ``scaled``), as Cephes: on (0, 2]
    K₀ = c(x² - 2) - log(x/2) I₀(x) and K₁ = log(x/2) I₁(x) + c(x² - 2)/x, beyond
    K_ν = e^-x c(8/x - 2)/√x, c Chebyshev series. inf at 0, NaN below."""
    X = np.asarray(X, np.float64)
    out = np.full(X.shape, np.nan)
    out[X == 0] = np.inf
    small = (X > 0) & (X <= 2)
    x = X[small]
    c = _clenshaw(x * x - 2, _K1_A if nu else _K0_A)
    v = np.log(0.5 * x) * bessel_i(x, 1) + c / x if nu else c - np.log(0.5 * x) * bessel_i(x, 0)
    out[small] = v * np.exp(x) if scaled else v
    big = X > 2
    x = X[big]
    v = _clenshaw(8 / x - 2, _K1_B if nu else _K0_B) / np.sqrt(x)
    out[big] = v if scaled else np.exp(-x) * v
    return out


# Cephes j0.c, j1.c: Y = P(x²)/Q(x²) + (2/π) J log x on (0, 5] (x P/Q and -2/(πx) for
# Y₁); beyond, the modulus and phase √(2/(πx)) (p sin χ + (5/x) q cos χ), χ = x - π/4
# (3π/4 for Y₁), p and q rational in 25/x². The denominators Cephes evaluates with p1evl
# have a leading coefficient 1 it does not store (PyTorch's kernels omit it, and are off
# by up to 1e-6)
_Y0_P = [1.55924367855235737965e+04, -1.46639295903971606143e+07, 5.43526477051876500413e+09,
         -9.82136065717911466409e+11, 8.75906394395366999549e+13, -3.46628303384729719441e+15,
         4.42733268572569800351e+16, -1.84950800436986690637e+16]  # fmt: skip
_Y0_Q = [1.0, 1.04128353664259848412e+03, 6.26107330137134956842e+05, 2.68919633393814121987e+08,
         8.64002487103935000337e+10, 2.02979612750105546709e+13, 3.17157752842975028269e+15,
         2.50596256172653059228e+17]  # fmt: skip
_Y1_P = [1.26320474790178026440e+09, -6.47355876379160291031e+11, 1.14509511541823727583e+14,
         -8.12770255501325109621e+15, 2.02439475713594898196e+17,
         -7.78877196265950026825e+17]  # fmt: skip
_Y1_Q = [1.0, 5.94301592346128195359e+02, 2.35564092943068577943e+05, 7.34811944459721705660e+07,
         1.87601316108706159478e+10, 3.88231277496238566008e+12, 6.20557727146953693363e+14,
         6.87141087355300489866e+16, 3.97270608116560655612e+18]  # fmt: skip
_PHASE = {  # (pp, pq, qp, qq) of J₀/Y₀ and J₁/Y₁
    0: ([7.96936729297347051624e-04, 8.28352392107440799803e-02, 1.23953371646414299388e+00,
         5.44725003058768775090e+00, 8.74716500199817011941e+00, 5.30324038235394892183e+00,
         9.99999999999999997821e-01],
        [9.24408810558863637013e-04, 8.56288474354474431428e-02, 1.25352743901058953537e+00,
         5.47097740330417105182e+00, 8.76190883237069594232e+00, 5.30605288235394617618e+00,
         1.00000000000000000218e+00],
        [-1.13663838898469149931e-02, -1.28252718670509318512e+00, -1.95539544257735972385e+01,
         -9.32060152123768231369e+01, -1.77681167980488050595e+02, -1.47077505154951170175e+02,
         -5.14105326766599330220e+01, -6.05014350600728481186e+00],
        [1.0, 6.43178256118178023184e+01, 8.56430025976980587198e+02, 3.88240183605401609683e+03,
         7.24046774195652478189e+03, 5.93072701187316984827e+03, 2.06209331660327847417e+03,
         2.42005740240291393179e+02]),
    1: ([7.62125616208173112003e-04, 7.31397056940917570436e-02, 1.12719608129684925192e+00,
         5.11207951146807644818e+00, 8.42404590141772420927e+00, 5.21451598682361504063e+00,
         1.00000000000000000254e+00],
        [5.71323128072548699714e-04, 6.88455908754495404082e-02, 1.10514232634061696926e+00,
         5.07386386128601488557e+00, 8.39985554327604159757e+00, 5.20982848682361821619e+00,
         9.99999999999999997461e-01],
        [5.10862594750176621635e-02, 4.98213872951233449420e+00, 7.58238284132545283818e+01,
         3.66779609360150777800e+02, 7.10856304998926107277e+02, 5.97489612400613639965e+02,
         2.11688757100572135698e+02, 2.52070205858023719784e+01],
        [1.0, 7.42373277035675149943e+01, 1.05644886038262816351e+03, 4.98641058337653607651e+03,
         9.56231892404756170795e+03, 7.99704160447350683650e+03, 2.82619278517639096600e+03,
         3.36093607810698293419e+02]),
}  # fmt: skip


def bessel_y(X: np.ndarray, nu: int) -> np.ndarray:
    """Y_ν(x) for ν = 0, 1 (Cephes' forms above): -inf at 0, NaN below 0 and at inf."""
    X = np.asarray(X, np.float64)
    out = np.full(X.shape, np.nan)
    out[X == 0] = -np.inf
    small = (X > 0) & (X <= 5)
    x = X[small]
    z = x * x
    if nu:
        v = x * (_horner(z, _Y1_P) / _horner(z, _Y1_Q)) + (
            2 / np.pi * (bessel_j(x, 1) * np.log(x) - 1 / x)
        )
    else:
        v = _horner(z, _Y0_P) / _horner(z, _Y0_Q) + 2 / np.pi * np.log(x) * bessel_j(x, 0)
    out[small] = v
    big = X > 5
    x = X[big]
    w = 25 / (x * x)
    pp, pq, qp, qq = _PHASE[nu]
    chi = x - (3 if nu else 1) * np.pi / 4
    with np.errstate(invalid="ignore"):
        out[big] = (
            (
                _horner(w, pp) / _horner(w, pq) * np.sin(chi)
                + 5 / x * (_horner(w, qp) / _horner(w, qq)) * np.cos(chi)
            )
            * math.sqrt(2 / math.pi)
            / np.sqrt(x)
        )
    return out


# Cephes airy.c: Ai = e^-ζ (AN/AD)(1/ζ) / (2√π x^¼) for x >= 2.09, ζ = 2x^(3/2)/3; below
# -2.09 the modulus and phase (sin θ (1 + z² AFN/AFD) - cos θ z AGN/AGD) / (√π |x|^¼),
# θ = ζ + π/4, z = 1/ζ, the rational functions in z² (AFD and AGD with Cephes' implicit
# leading 1, which PyTorch's kernel omits)
_AI_N = [3.46538101525629032477e-01, 1.20075952739645805542e+01, 7.62796053615234516538e+01,
         1.68089224934630576269e+02, 1.59756391350164413639e+02, 7.05360906840444183113e+01,
         1.40264691163389668864e+01, 9.99999999999999995305e-01]  # fmt: skip
_AI_D = [5.67594532638770212846e-01, 1.47562562584847203173e+01, 8.45138970141474626562e+01,
         1.77318088145400459522e+02, 1.64234692871529701831e+02, 7.14778400825575695274e+01,
         1.40959135607834029598e+01, 1.00000000000000000470e+00]  # fmt: skip
_AI_FN = [-1.31696323418331795333e-01, -6.26456544431912369773e-01, -6.93158036036933542233e-01,
          -2.79779981545119124951e-01, -4.91900132609500318020e-02, -4.06265923594885404393e-03,
          -1.59276496239262096340e-04, -2.77649108155232920844e-06,
          -1.67787698489114633780e-08]  # fmt: skip
_AI_FD = [1.0, 1.33560420706553243746e+01, 3.26825032795224613948e+01, 2.67367040941499554804e+01,
          9.18707402907259625840e+00, 1.47529146771666414581e+00, 1.15687173795188044134e-01,
          4.40291641615211203805e-03, 7.54720348287414296618e-05,
          4.51850092970580378464e-07]  # fmt: skip
_AI_GN = [1.97339932091685679179e-02, 3.91103029615688277255e-01, 1.06579897599595591108e+00,
          9.39169229816650230044e-01, 3.51465656105547619242e-01, 6.33888919628925490927e-02,
          5.85804113048388458567e-03, 2.82851600836737019778e-04, 6.98793669997260967291e-06,
          8.11789239554389293311e-08, 3.41551784765923618484e-10]  # fmt: skip
_AI_GD = [1.0, 9.30892908077441974853e+00, 1.98352928718312140417e+01, 1.55646628932864612953e+01,
          5.47686069422975497931e+00, 9.54293611618961883998e-01, 8.64580826352392193095e-02,
          4.12656523824222607191e-03, 1.01259085116509135510e-04, 1.17166733214413521882e-06,
          4.91834570062930015649e-09]  # fmt: skip
# Ai(0) and -Ai'(0)
_AI_C1, _AI_C2 = 0.355028053887817239260, 0.258819403792806798405


def airy_ai(X: np.ndarray) -> np.ndarray:
    """Ai(x): Cephes' asymptotic forms beyond ±2.09, between them the Maclaurin series
    Ai = c₁ f - c₂ g, f = Σ 3^k (1/3)_k x^3k / (3k)!, g = Σ 3^k (2/3)_k x^(3k+1) / (3k+1)!;
    0 above 103.892 (underflow), NaN at ±inf, as PyTorch."""
    X = np.asarray(X, np.float64)
    out = np.full(X.shape, np.nan)
    out[(X > 103.892) & (X < np.inf)] = 0.0
    neg = X < -2.09
    x = -X[neg & (X > -np.inf)]
    zeta = 2 * x * np.sqrt(x) / 3
    z = 1 / zeta
    z2 = z * z
    theta = zeta + np.pi / 4
    out[neg & (X > -np.inf)] = (_SQRT_PI_INV / np.sqrt(np.sqrt(x))) * (
        np.sin(theta) * (1 + z2 * _horner(z2, _AI_FN) / _horner(z2, _AI_FD))
        - np.cos(theta) * (z * _horner(z2, _AI_GN) / _horner(z2, _AI_GD))
    )
    pos = (X >= 2.09) & (X <= 103.892)
    x = X[pos]
    zeta = 2 * x * np.sqrt(x) / 3
    ratio = _horner(1 / zeta, _AI_N) / _horner(1 / zeta, _AI_D)
    out[pos] = _SQRT_PI_INV * ratio / (2 * np.sqrt(np.sqrt(x)) * np.exp(zeta))
    mid = (X >= -2.09) & (X < 2.09)
    x = X[mid]
    z = x * x * x
    f, g = np.ones_like(x), x.copy()
    m, n = np.ones_like(x), x.copy()
    for k in range(1, 40):  # |x³| < 9.2: the terms fall below eps by k = 12
        m = m * z / ((3 * k - 1) * (3 * k))
        n = n * z / ((3 * k) * (3 * k + 1))
        f, g = f + m, g + n
    out[mid] = _AI_C1 * f - _AI_C2 * g
    return out


_SQRT_PI_INV = 1 / math.sqrt(math.pi)

# ---- classical orthogonal polynomials (as PyTorch's kernels) --------------------------


def _parity(N: np.ndarray, even: object, odd: object) -> np.ndarray:
    return np.where(N % 2 == 0, even, odd)


def _chebyshev_closed(kind: str, Y: np.ndarray, N: np.ndarray, shifted: bool) -> np.ndarray:
    """T, U, V, W of degree n at y = cos θ in (-1, 1): cos nθ, sin (n+1)θ / sin θ,
    cos (n+½)θ / cos(θ/2), sin (n+½)θ / sin(θ/2), with PyTorch's values where the
    denominator rounds to 0 (θ at 0 or π). In float32 as glibc's functions round: acos
    as NumPy's, cos and sin rounded once from float64."""
    dt = Y.dtype

    def f(fn: Any, a: np.ndarray) -> np.ndarray:
        return fn(a.astype(np.float64)).astype(dt)

    t = np.arccos(Y)
    n, n1, n2 = N.astype(dt), (N + 1).astype(dt), (2 * N + 1).astype(dt)
    half = dt.type(0.5)
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "t":
            return f(np.cos, n * t)
        if kind == "u":
            s = f(np.sin, t)
            return np.where(s != 0, f(np.sin, n1 * t) / s, n1 * f(np.cos, n1 * t) / Y)
        if kind == "v":
            at_pi = f(np.sin, t / 2) == 1
            return np.where(
                at_pi, _parity(N, n2, -n2), f(np.cos, (n + half) * t) / f(np.cos, t / 2)
            )
        at_0 = f(np.cos, t / 2) == 1
        fallback = _parity(N, 1, -1) if shifted else np.where(Y > 0, n2, _parity(N, 1, -1))
        return np.where(at_0, fallback, f(np.sin, (n + half) * t) / f(np.sin, t / 2))


def _fma(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """a b + c rounded once, as the fused multiply-adds PyTorch's kernels are compiled to:
    in float64 for float32 (the product is exact there); for float64, the product's
    rounding error recovered by Dekker's splitting and added back."""
    if a.dtype == np.float32:
        return (a.astype(np.float64) * b + c).astype(np.float32)
    # powers of two keep the splitting from overflowing (exact but for c's lowest bits)
    a_scale = np.where(np.abs(a) > 2.0**500, 2.0**-600, 1.0)
    b_scale = np.where(np.abs(b) > 2.0**500, 2.0**-600, 1.0)
    a, b, c = a * a_scale, b * b_scale, c * a_scale * b_scale
    p = a * b
    split = 134217729.0 * a  # 2^27 + 1: a = hi + lo, 26 bits each
    a_hi = split - (split - a)
    split = 134217729.0 * b
    b_hi = split - (split - b)
    a_lo, b_lo = a - a_hi, b - b_hi
    p_err = ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
    s = p + c
    v = s - p
    s_err = (p - (s - v)) + (c - v)
    out = s + (p_err + s_err)
    return np.where(np.isfinite(out), out, s) / a_scale / b_scale


def polynomial(kind: str, X: np.ndarray, N: np.ndarray) -> np.ndarray:
    """The degree-n polynomial ``kind`` at x, as PyTorch computes it, in X's dtype and
    rounded as its fused multiply-adds round: n truncated to an integer (0 for n < 0,
    NaN or out of int64's range), PyTorch's exact values at the ends of the interval,
    the closed forms in cos θ for the Chebyshev kinds inside (-1, 1) above small
    degrees, else the three-term recurrence from p₀ = 1 and p₁, stopped at NaN.
    kind: "t" "u" "v" "w" (Chebyshev), "st" ... "sw" (shifted, of 2x - 1), "h" "he"
    (Hermite), "l" (Laguerre), "p" (Legendre)."""
    X, N = np.broadcast_arrays(X, N)
    dt = X.dtype
    if N.dtype.kind == "f":
        with np.errstate(invalid="ignore"):
            inside = np.isfinite(N) & (np.abs(N) < 2.0**63)
            N = np.where(inside, np.trunc(np.where(inside, N, 0)), -1).astype(np.int64)
    N = N.astype(np.int64)
    one = dt.type(1)
    shifted = kind.startswith("s")
    base = kind[1:] if shifted else kind
    Y = X + X - one if shifted else X  # the Chebyshev kinds' argument
    out = np.full(X.shape, np.nan, dt)
    todo = N >= 0
    out[~todo] = 0
    # exact values at the ends of the interval (x = ±1; 1 and 0 shifted), from cos θ forms
    if base in ("t", "u", "v", "w", "p"):
        n1, n2 = N + 1, 2 * N + 1
        top_value = {"t": 1, "p": 1, "u": n1, "v": 1, "w": n2}[base]
        bottom_value = {"t": _parity(N, 1, -1), "p": _parity(N, 1, -1), "u": _parity(N, n1, -n1),
                        "v": _parity(N, n2, -n2), "w": _parity(N, 1, -1)}[base]  # fmt: skip
        for at, value in ((X == 1, top_value), (X == (0 if shifted else -1), bottom_value)):
            hit = todo & at
            out[hit] = np.broadcast_to(np.asarray(value, dt), out.shape)[hit]
            todo &= ~at
    if base == "l":
        zero = todo & (X == 0)
        out[zero] = 1
        todo &= ~zero
    if base in ("t", "u", "v", "w"):
        degree = 4 if kind == "sw" else 6 if shifted or base == "t" else 8
        closed = todo & (N > degree) & (np.abs(Y) < 1)
        out[closed] = _chebyshev_closed(base, Y[closed], N[closed], shifted)
        todo &= ~closed
    if base in ("h", "he"):
        limit = 128 if dt == np.float32 else 512
        over = todo & (N > limit)
        out[over] = np.nan
        todo &= ~over
    zero = todo & (N == 0)
    out[zero] = 1
    todo &= ~zero
    x, y, nn = X[todo], Y[todo], N[todo]
    two_y = y + y
    q = {"t": y, "u": two_y, "v": two_y - one, "w": two_y + one, "h": x + x, "he": x,
         "l": one - x, "p": x}[base]  # fmt: skip
    p = np.ones_like(q)
    live = nn >= 2
    k = 1  # step k makes p_(k+1) from p_k = q and p_(k-1) = p
    while live.any():
        K = dt.type(k)
        with np.errstate(over="ignore", invalid="ignore"):
            if base in ("t", "u", "v", "w"):
                r = _fma(two_y, q, -p)
            elif base in ("h", "he"):
                r = _fma(x + x if base == "h" else x, q, -((K + K if base == "h" else K) * p))
            elif base == "l":
                r = _fma(K + K + (one - x), q, -(K * p)) / (K + one)
            else:
                r = _fma((K + K + one) * x, q, -(K * p)) / (K + one)
        p, q = np.where(live, q, p), np.where(live, r, q)
        k += 1
        live &= (nn > k) & ~np.isnan(q)
    out[todo] = q
    return out
