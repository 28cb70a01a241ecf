"""The error function erf(x) = 2/√π ∫₀ˣ exp(-t²) dt on arrays (NumPy has none), to within
about one unit in the last place of float64, as PyTorch's (GELU needs it).

|x| is rounded to the nearest point c of a grid of step 1/128 on [0, 6], and erf(c + h),
|h| <= 1/256, is a Taylor polynomial of degree 6 about c from a table:
erf(c + h) = erf(c) + h + h q(h),  q(h) = (erf'(c) - 1) + Σ_{k>=2} erf^(k)(c) h^(k-1) / k!.
erf(c) is kept as a sum of two doubles, and h is added on its own, so that neither the
rounding of erf(c) nor that of erf'(c) ≈ 2/√π reaches the result. From 6 on erf(x) rounds to 1.
Each pass of the evaluation runs over a block of elements that stays in the cache.
"""

from __future__ import annotations

import functools
import math

import numpy as np

_STEP = 128  # grid points per unit
_DEGREE = 6
_BLOCK = 1 << 16  # elements per block


def erf(X: np.ndarray, single: bool | None = None) -> np.ndarray:
    """erf of each element, in float64 (NaN stays NaN, ±inf gives ±1). ``single`` (by
    default, for float16 and float32 x) for a result to be rounded to float32: the
    polynomial then stops at degree 3 and erf(c) is not split (error below 5e-11, but up
    to 5e-8 relative to 1 - |erf x| in the tails: a caller that takes 1 + erf x, as GELU
    does, asks for ``single=False``)."""
    X = np.asarray(X)
    out = np.empty(X.shape, np.float64)
    x_flat, out_flat = X.reshape(-1), out.reshape(-1)
    if single is None:
        single = X.dtype.kind == "f" and X.dtype.itemsize <= 4
    for start in range(0, x_flat.size, _BLOCK):
        x = x_flat[start : start + _BLOCK]
        A = _erf_abs(np.abs(x, dtype=np.float64), single)
        np.copysign(A, x, out=out_flat[start : start + _BLOCK])
    return out


def _erf_abs(A: np.ndarray, single: bool) -> np.ndarray:
    """erf of A >= 0 (or NaN), from the table; A is overwritten."""
    q, hi, lo = _table()
    np.minimum(A, 6, out=A)
    A *= _STEP
    c = np.rint(A)
    h = np.subtract(A, c, out=A)
    h *= 1 / _STEP  # exact, as are the two steps before
    with np.errstate(invalid="ignore"):  # a NaN's index is out of range: the takes clip it
        j = c.astype(np.intp)  # (and h keeps the NaN)
    p = q[2 if single else -1].take(j, mode="clip")
    for coefficient in q[1::-1] if single else q[-2::-1]:
        p *= h
        p += coefficient.take(j, mode="clip")
    p *= h
    if not single:
        p += lo.take(j, mode="clip")
    p += h
    p += hi.take(j, mode="clip")
    return p


@functools.cache
def _table() -> tuple:
    """Per grid point c: q's coefficients (erf'(c) - 1, erf''(c)/2!, ..., erf^(6)(c)/6!) as
    rows of an array, and erf(c) as hi + lo. erf^(k+1)(c) = 2/√π (-1)^k H_k(c) exp(-c²) with
    H_k the Hermite polynomials. Below 1/2, where erf(c) and erf'(c) - 1 are small, both
    come from decimal arithmetic; above, lo from erfc (1 - hi is exact there)."""
    centers = [i / _STEP for i in range(6 * _STEP + 1)]
    q = np.array([_derivatives(c) for c in centers]).T
    hi = np.array([math.erf(c) for c in centers])
    lo = np.array([(1.0 - h) - math.erfc(c) for c, h in zip(centers, hi)])
    small = _STEP // 2
    lo[:small], q[0, :small] = _decimal_erf(centers[:small], hi[:small])
    return q, hi, lo


def _derivatives(c: float) -> list:
    """erf'(c) - 1 and erf^(k)(c) / k! for k = 2 .. 6."""
    slope = 2 / math.sqrt(math.pi) * math.exp(-c * c)
    out, H_prev, H, factorial = [], 0.0, 1.0, 1
    for k in range(_DEGREE):
        if k:
            H_prev, H = H, 2 * c * H - 2 * (k - 1) * H_prev
        factorial *= k + 1
        out.append((-1) ** k * H * slope / factorial)
    out[0] -= 1
    return out


def _decimal_erf(centers: list, hi: np.ndarray) -> tuple:
    """For small c: erf(c) - hi and erf'(c) - 1, from erf's Maclaurin series
    2/√π Σ (-1)ⁿ c^(2n+1) / (n! (2n+1)) in 40 decimal digits."""
    # imported here, once: importing decimal with the package made every training step
    # slower (1.5% more instructions per step of a small MLP)
    from decimal import Decimal, localcontext

    lo, slope = [], []
    with localcontext() as context:
        context.prec = 40
        two_over_sqrt_pi = 2 / Decimal("3.141592653589793238462643383279502884197169399375").sqrt()
        for c, h in zip(map(Decimal, centers), hi):
            total, term, n = Decimal(0), c, 0
            while abs(term) > Decimal(10) ** -45:
                total += term / (2 * n + 1)
                n += 1
                term = -term * c * c / n
            lo.append(float(two_over_sqrt_pi * total - Decimal(h)))
            slope.append(float(two_over_sqrt_pi * (-c * c).exp() - 1))
    return lo, slope
