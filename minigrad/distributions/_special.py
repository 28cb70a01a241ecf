"""lgamma and digamma as differentiable ops, elementwise (minigrad has no torch.special yet).

lgamma:    log|Γ(x)|,  d/dx = ψ(x)
digamma:   ψ(x) = Γ'(x)/Γ(x),  d/dx = ψ₁(x) (trigamma)
gammainc:  P(a, x) = γ(a, x)/Γ(a),  ∂/∂x = x^(a-1) e^(-x)/Γ(a)  (∂/∂a: not implemented, as PyTorch)

ψ comes from the recurrence ψ(x) = ψ(x+1) - 1/x, which moves x past 10, then the
asymptotic series (Bernoulli numbers); x < 1/2 by reflection. ψ₁ likewise, as PyTorch
computes it.
"""

from __future__ import annotations

import math

import numpy as np

from ..engine import record
from ..tensor import Tensor

_lgamma_ufunc = np.frompyfunc(
    lambda v: math.lgamma(v) if v > 0 or v != math.floor(v) else math.inf, 1, 1
)

# ψ(x) ~ log x - 1/(2x) - Σ B_2k / (2k x^2k)
_PSI = (1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12)


def _shift(x: np.ndarray) -> tuple:
    """x moved to ≥ 10 by steps of 1, and Σ 1/x over the points stepped past."""
    x = x.copy()
    acc = np.zeros_like(x)
    small = x < 10
    while small.any():
        acc[small] += 1 / x[small]
        x[small] += 1
        small = x < 10
    return x, acc


def _psi(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    neg = x < 0.5
    xr = np.where(neg, 1 - x, x)  # reflection: ψ(x) = ψ(1 - x) - π cot(πx)
    z, acc = _shift(xr)
    z2 = 1 / (z * z)
    series = sum(c * z2 ** (k + 1) for k, c in enumerate(_PSI))
    out = np.log(z) - 0.5 / z - series - acc
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(neg, out - math.pi / np.tan(math.pi * x), out)
    out = np.where((x <= 0) & (x == np.floor(x)), np.nan, out)
    return np.where(x == 0, -np.inf, out)  # PyTorch's value at 0


def _psi1(x: np.ndarray) -> np.ndarray:
    """Trigamma by PyTorch's own scheme (six recurrence steps, then four series terms), so
    that gradients through digamma agree with PyTorch's to the last digits (~1e-10 relative
    to the exact value)."""
    x = np.asarray(x, dtype=np.float64)
    neg = x < 0.5
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.where(neg, -((math.pi / np.sin(math.pi * x)) ** 2), 0.0)
    z = np.where(neg, 1 - x, x)
    for _ in range(6):
        result = result + 1 / (z * z)
        z = z + 1
    ixx = 1 / (z * z)
    result = result + (1 + 1 / (2 * z) + ixx * (1 / 6 - ixx * (1 / 30 - ixx / 42))) / z
    return np.where(neg, -result, result)


def _lgamma(x: np.ndarray) -> np.ndarray:
    return np.asarray(_lgamma_ufunc(x), dtype=np.float64)


def lgamma(input: Tensor) -> Tensor:
    """log|Γ(x)| elementwise; its VJP is g·ψ(x)."""
    x = input.data
    out = _lgamma(x).astype(x.dtype)
    return record(out, "Lgamma", (input,), (lambda g: g * _psi(x).astype(x.dtype),), saved=(input,))


def digamma(input: Tensor) -> Tensor:
    """ψ(x) = d/dx log Γ(x) elementwise; its VJP is g·ψ₁(x)."""
    x = input.data
    out = _psi(x).astype(x.dtype)
    return record(
        out, "Digamma", (input,), (lambda g: g * _psi1(x).astype(x.dtype),), saved=(input,)
    )


def _gammainc(a: np.ndarray, x: np.ndarray) -> tuple:
    """P(a, x) and ∂P/∂a: P by its power series where x < a + 1, else 1 - Q(a, x) by Q's
    continued fraction (modified Lentz), both to machine precision; ∂P/∂a by carrying each
    recurrence's derivative in a alongside it (forward mode), so the upper tail's ∂P/∂a =
    -∂Q/∂a keeps its relative precision."""
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    out, dout = np.zeros(a.shape), np.zeros(a.shape)
    pos = x > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        logx = np.log(np.where(pos, x, 1.0))
        log_front = np.where(pos, -x + a * logx - _lgamma(a), -np.inf)  # log(x^a e^-x / Γ(a))
        dlog_front = logx - _psi(a)
    series = pos & (x < a + 1)
    if series.any():  # P = front · Σ_n x^n / (a (a+1) ... (a+n))
        aa, xx = a[series], x[series]
        term, dterm = 1 / aa, -1 / aa**2
        total, dtotal = term.copy(), dterm.copy()
        n = 0
        while (np.abs(term) > np.abs(total) * 1e-17).any() and n < 10000:
            n += 1
            term = term * xx / (aa + n)
            dterm = dterm * xx / (aa + n) - term / (aa + n)
            total, dtotal = total + term, dtotal + dterm
        front = np.exp(log_front[series])
        out[series] = total * front
        dout[series] = front * (total * dlog_front[series] + dtotal)
    frac = pos & ~series
    if frac.any():  # Q = front · h, h the continued fraction 1/(x+1-a- 1(1-a)/(x+3-a- ...))
        aa, xx = a[frac], x[frac]
        tiny = 1e-300
        b, db = xx + 1 - aa, -np.ones(aa.shape)
        c, dc = np.full(aa.shape, 1 / tiny), np.zeros(aa.shape)
        d = 1 / b
        dd = -db * d * d
        h, dh = d.copy(), dd.copy()
        for i in range(1, 10000):
            an, dan = -i * (i - aa), i
            b = b + 2
            d, dd = an * d + b, dan * d + an * dd + db
            d = np.where(np.abs(d) < tiny, tiny, d)
            c, dc = b + an / c, db + dan / c - (an / c) * (dc / c)
            c = np.where(np.abs(c) < tiny, tiny, c)
            d = 1 / d
            dd = -dd * d * d
            step, dstep = d * c, dd * c + d * dc
            h, dh = h * step, dh * step + h * dstep
            if (np.abs(step - 1) < 1e-16).all() and (np.abs(dstep) <= 1e-16 * np.abs(dh)).all():
                break
        front = np.exp(log_front[frac])
        out[frac] = 1 - front * h
        dout[frac] = -front * (h * dlog_front[frac] + dh)
    return out, dout


def gammainc(input: Tensor, other: Tensor) -> Tensor:
    """The regularised lower incomplete gamma function P(a, x) = γ(a, x)/Γ(a), broadcast."""
    a, x = input.data, other.data
    dtype = np.result_type(a, x)
    out = _gammainc(a, x)[0].astype(dtype)

    def vjp_a(g: np.ndarray) -> np.ndarray:
        raise NotImplementedError("the derivative for 'igamma: input' is not implemented.")

    def vjp_x(g: np.ndarray) -> np.ndarray:
        with np.errstate(
            divide="ignore", invalid="ignore"
        ):  # at x = 0 as PyTorch: inf/nan for a ≤ 1
            return g * np.exp(-x + (a - 1) * np.log(x) - _lgamma(a)).astype(dtype)

    return record(out, "Igamma", (input, other), (vjp_a, vjp_x), saved=(input, other))
