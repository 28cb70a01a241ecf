"""The reparametrised gradients of Gamma and Dirichlet draws, as PyTorch computes them.

A draw x ~ Gamma(α, 1) held at a fixed cdf value u = P(α, x) moves with α as
dx/dα = -(∂P/∂α)(α, x) / p(x; α). PyTorch does not evaluate this exactly: it uses
series, saddle-point expansions and fitted rational functions, each in its own region
(Jankowiak & Obermeyer, "Pathwise derivatives beyond the reparameterization trick",
2018), good to about 1e-3 relative. minigrad uses the same approximations in the same
regions, so a sample's gradient is PyTorch's, not only unbiased like it. Each Dirichlet
coordinate x_k is Beta(α_k, α₀ - α_k), and its gradient is built from that Beta's.

These are PyTorch's CPU kernels: the Gamma one and the Dirichlet one's expansions for
large α run in float64; the Dirichlet series near 0 and 1 run in the tensor's dtype
(here, NumPy arithmetic in that dtype)."""

from __future__ import annotations

import numpy as np

_PSI_10 = 2.25175258906672110764  # ψ(10)
_DIGAMMA_ASYMPTOTIC = (8.33333333333333333333e-2, -2.10927960927960927961e-2,
                       7.57575757575757575758e-3, -4.16666666666666666667e-3,
                       3.96825396825396825397e-3, -8.33333333333333333333e-3,
                       8.33333333333333333333e-2)  # fmt: skip


def _log(x: np.ndarray) -> np.ndarray:
    """log x in x's dtype, rounded from float64 (as C's logf rounds; NumPy's float32 log is
    its own, off by an ulp in about one case in twenty)."""
    return np.log(x, dtype=np.float64).astype(x.dtype, copy=False)


def _digamma(x: np.ndarray) -> np.ndarray:
    """ψ(x) in x's dtype, as these kernels take it: ψ(x) = ψ(1 - x) - π / tan(πx) for
    x < 0, ψ(x) = ψ(x + 1) - 1/x up to x ≥ 10, then log x - 1/(2x) - Σ B₂ₖ / (2k x²ᵏ).
    x steps in its own dtype; the sums are float64."""
    s = x.dtype.type
    x = x.copy()
    result = np.zeros(x.shape)
    extra = np.zeros(x.shape)
    pole = (x == 0) | ((x < 0) & (x == np.floor(x)))
    with np.errstate(all="ignore"):
        neg = x < 0
        extra[neg] = -s(np.pi) / np.tan(s(np.pi) * x[neg])
        x[neg] = 1 - x[neg]
        low = x < 10
        while low.any():
            result[low] -= 1 / x[low]
            x[low] += 1
            low = x < 10
        z = 1.0 / (x * x).astype(np.float64)
        y = np.zeros(x.shape)
        for c in _DIGAMMA_ASYMPTOTIC:
            y = y * z + c
        y = np.where(x < s(1e17), z * y, 0.0)
        out = result + _log(x) - 0.5 / x - y + extra
    out[x == 10] = result[x == 10] + _PSI_10 + extra[x == 10]
    out[pole] = np.inf
    return out.astype(s)


def standard_gamma_grad(alpha: np.ndarray, x: np.ndarray) -> np.ndarray:
    """dx/dα of draws x ~ Gamma(α, 1), float64: for x < 0.8 a Taylor series of P(α, x)
    and its α-derivative; for α > 8 Rice's saddle-point expansion (a polynomial where x
    is within 10% of α, away from its singularity at x = α); elsewhere exp(p/q), p and q
    polynomials in u = log(x/α) and v = log α fitted by PyTorch."""
    a, x = np.broadcast_arrays(np.asarray(alpha, np.float64), np.asarray(x, np.float64))
    out = np.empty(a.shape)
    small = x < float(np.float32(0.8))
    large = ~small & (a > 8)
    near = large & (float(np.float32(0.9)) * a <= x) & (x <= float(np.float32(1.1)) * a)
    far = large & ~near
    rest = ~small & ~large
    with np.errstate(all="ignore"):
        if small.any():  # P = x^α Σₙ (-x)ⁿ / (n! (α + n)), six terms
            aa, xx = a[small], x[small]
            numer, denom = np.ones(aa.shape), aa.copy()
            s1, s2 = 1 / denom, 1 / (denom * denom)
            for i in range(1, 6):
                numer = numer * (-xx / i)
                denom = denom + 1
                s1 = s1 + numer / denom
                s2 = s2 + numer / (denom * denom)
            pow_xa = xx**aa
            pdf = xx ** (aa - 1) * np.exp(-xx)
            cdf_da = (np.log(xx) - _digamma(aa)) * (pow_xa * s1) - pow_xa * s2
            r = -cdf_da / pdf
            out[small] = np.where(np.isnan(r), 0.0, r)
        if near.any():
            aa, xx = a[near], x[near]
            n1 = 1 + 24 * aa * (1 + 12 * aa)
            n2 = (1440 * (aa * aa) + 6 * xx * (53 - 120 * xx) - 65 * xx * xx / aa
                  + aa * (107 + 3600 * xx))  # fmt: skip
            out[near] = n1 * n2 / (1244160 * (aa * aa) * (aa * aa))
        if far.any():
            aa, xx = a[far], x[far]
            denom = np.sqrt(8 * aa)
            t2 = denom / (aa - xx)
            t3 = (xx - aa - aa * np.log(xx / aa)) ** -1.5
            t23 = np.where(xx < aa, t2 - t3, t2 + t3)
            t1 = np.log(xx / aa) * t23 - np.sqrt(2 / aa) * (aa + xx) / ((aa - xx) * (aa - xx))
            stirling = 1 + 1 / (12 * aa) * (1 + 1 / (24 * aa))
            out[far] = -stirling * (xx * t1) / denom
        if rest.any():
            u, v = np.log(x[rest] / a[rest]), np.log(a[rest])
            c = [c0 + u * (c1 + u * c2) for c0, c1, c2 in zip(*_GAMMA_UV)]
            p = c[0] + v * (c[1] + v * (c[2] + v * c[3]))
            q = c[4] + v * (c[5] + v * (c[6] + v * c[7]))
            out[rest] = np.exp(p / q)
    return out


def dirichlet_grad(x: np.ndarray, alpha: np.ndarray, total: np.ndarray) -> np.ndarray:
    """For x ~ Beta(α, total - α) (a Dirichlet coordinate, total = α₀), -(∂F/∂α) / p / (1 - x),
    F the Beta cdf and p its density, in x's dtype: series in x near 0 or 1 (where
    total·x(1-x) is small), a saddle-point expansion where α and total - α both exceed 6,
    elsewhere x (ψ(total) - ψ(α)) / (total - α) times a fitted rational function."""
    s = x.dtype.type
    x, alpha, total = np.broadcast_arrays(x, alpha, total)
    beta = total - alpha
    boundary = total * x * (1 - x)
    at0 = (x <= 0.5) & (boundary < 2.5)
    at1 = ~at0 & (x >= 0.5) & (boundary < 0.75)
    mid = ~at0 & ~at1 & (alpha > 6) & (beta > 6)
    rest = ~(at0 | at1 | mid)
    out = np.empty(x.shape, x.dtype)
    with np.errstate(all="ignore"):
        if at0.any():
            out[at0] = _beta_grad_alpha_small(x[at0], alpha[at0], beta[at0])
        if at1.any():
            out[at1] = -_beta_grad_beta_small(1 - x[at1], beta[at1], alpha[at1])
        if mid.any():
            t = total[mid].astype(np.float64)
            a = alpha[mid].astype(np.float64)
            out[mid] = _beta_grad_alpha_mid(x[mid].astype(np.float64), a, t - a)
        if rest.any():
            xr, ar, tr = x[rest], alpha[rest], total[rest]
            x64, a64, t64 = xr.astype(np.float64), ar.astype(np.float64), tr.astype(np.float64)
            u = np.log(x64)
            a = np.log(a64) - u
            b = np.log(t64) - a
            p = q = 0.0
            for i, ui in enumerate((1.0, u, u * u)):
                for j, aj in enumerate((1.0, a, a * a)):
                    cp, cq = _DIRICHLET_P[i][j], _DIRICHLET_Q[i][j]
                    p = p + ui * aj * (cp[0] + b * (cp[1] + b * (cp[2] + b * cp[3])))
                    q = q + ui * aj * (cq[0] + b * (cq[1] + b * (cq[2] + b * cq[3])))
            approx = x64 * (_digamma(tr) - _digamma(ar)) / (t64 - a64)
            out[rest] = p / q * approx
    return out.astype(s)


def _beta_grad_alpha_small(x: np.ndarray, alpha: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """-(∂F/∂α) / p / (1 - x) for x near 0: eleven terms of F's series in x (x's dtype)."""
    factor = _digamma(alpha) - _digamma(alpha + beta) - _log(x)
    numer = np.ones_like(x)
    series = numer / alpha * (factor + 1 / alpha)
    for i in range(1, 11):
        numer = numer * ((i - beta) * x / i)
        denom = alpha + i
        series = series + numer / denom * (factor + 1 / denom)
    r = x * (1 - x) ** -beta * series
    return np.where(np.isnan(r), 0, r)


def _beta_grad_beta_small(x: np.ndarray, alpha: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """-(∂F/∂β) / p / (1 - x) of Beta(α, β) for x near 0 (x's dtype); with α and β swapped
    and x -> 1 - x, minus the α-gradient near 1."""
    factor = _digamma(alpha + beta) - _digamma(beta)
    numer, betas, dbetas = np.ones_like(x), np.ones_like(x), np.zeros_like(x)
    series = factor / alpha
    for i in range(1, 9):
        numer = numer * (-x / i)
        dbetas = dbetas * (beta - i) + betas
        betas = betas * (beta - i)
        series = series + numer / (alpha + i) * (dbetas + factor * betas)
    r = -((1 - x) ** (1 - beta)) * series
    return np.where(np.isnan(r), 0, r)


def _beta_grad_alpha_mid(x: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """-(∂F/∂α) / p / (1 - x) for α, β > 6 (float64): Rice's saddle-point expansion, and a
    polynomial within a tenth of a standard deviation of the mean, its singularity."""
    t = a + b
    mean = a / t
    std = np.sqrt(a * b / (t + 1)) / t
    near = (mean - 0.1 * std <= x) & (x <= mean + 0.1 * std)
    bb = b * b
    poly = 47 * x * bb * bb + a * (
        (43 + 20 * (16 + 27 * b) * x) * bb * b + a * (
            3 * (59 + 180 * b - 90 * x) * bb + a * (
                (453 + 1620 * b * (1 - x) - 455 * x) * b
                + a * (8 * (1 - x) * (135 * b - 11)))))  # fmt: skip
    pre_num = (1 + 12 * a) * (1 + 12 * b) / (t * t)
    pre_den = 12960 * a * a * a * b * b * (1 + 12 * t)
    at_mean = pre_num / (1 - x) * poly / pre_den
    prefactor = -x / np.sqrt(2 * a * b / t)
    stirling = ((1 + 1 / (12 * a) + 1 / (288 * a * a)) * (1 + 1 / (12 * b) + 1 / (288 * b * b))
                / (1 + 1 / (12 * t) + 1 / (288 * t * t)))  # fmt: skip
    axbx = a * (x - 1) + b * x
    term1 = (2 * (a * a) * (x - 1) + a * b * (x - 1) - x * bb) / (
        np.sqrt(2 * a / b) * t**1.5 * axbx * axbx
    )
    term2 = 0.5 * np.log(a / (t * x))
    term3 = np.sqrt(8 * a * b / t) / (b * x + a * (x - 1))
    term4 = (b * np.log(b / (t * (1 - x))) + a * np.log(a / (t * x))) ** -1.5
    away = stirling * prefactor * (term1 + term2 * (term3 + np.where(x < mean, term4, -term4)))
    return np.where(near, at_mean, away)


# PyTorch's fitted coefficients (Distributions.h). Gamma: rows are the u⁰, u¹, u² parts of
# the eight coefficients of p (four, in v) and q (four).
_GAMMA_UV = (
    (0.16009398, -0.094634809, 0.025146376, -0.0030648343,
     1, 0.32668115, 0.10406089, 0.0014179084),
    (0.53487893, 0.1298071, 0.065735949, -0.0015649758,
     0.16639465, 0.020070113, -0.0035938915, -0.00058392623),
    (0.040121004, -0.0065914022, -0.0026286047, -0.0013441777,
     0.017050642, -0.0021309326, 0.00085092367, -1.5247877e-07),
)  # fmt: skip
# Dirichlet: [i][j] is the cubic in b of the uⁱ aʲ term of p, and of q.
_DIRICHLET_P = (
    ((1.003668233, -0.01061107488, -0.0657888334, 0.01201642863),
     (0.6336835991, -0.3557432599, 0.05486251648, -0.001465281033),
     (-0.03276231906, 0.004474107445, 0.002429354597, -0.0001557569013)),
    ((0.221950385, -0.3187676331, 0.01799915743, 0.01074823814),
     (-0.2951249643, 0.06219954479, 0.01535556598, 0.001550077057),
     (0.02155310298, 0.004170831599, 0.001292462449, 6.976601077e-05)),
    ((-0.05980841433, 0.008441916499, 0.01085618172, 0.002319392565),
     (0.02911413504, 0.01400243777, -0.002721828457, 0.000751041181),
     (0.005900514878, -0.001936558688, -9.495446725e-06, 5.385558597e-05)),
)  # fmt: skip
_DIRICHLET_Q = (
    ((1, -0.02924021934, -0.04438342661, 0.007285809825),
     (0.6357567472, -0.3473456711, 0.05454656494, -0.002407477521),
     (-0.03301322327, 0.004845219414, 0.00231480583, -0.0002307248149)),
    ((0.5925320577, -0.1757678135, 0.01505928619, 0.000564515273),
     (0.1014815858, -0.06589186703, 0.01272886114, -0.0007316646956),
     (-0.007258481865, 0.001096195486, 0.0003934994223, -4.12701925e-05)),
    ((0.06469649321, -0.0236701437, 0.002902096474, -5.896963079e-05),
     (0.001925008108, -0.002869809258, 0.0008000589141, -6.063713228e-05),
     (-0.0003477407336, 6.959756487e-05, 1.097287507e-05, -1.650964693e-06)),
)  # fmt: skip
