"""∂P/∂a of the incomplete gamma function, which Gamma's reparametrised samples need
(minigrad.special's gammainc, as PyTorch's, has no derivative in a)."""

from __future__ import annotations

import numpy as np

from ..special_functions import digamma, lgamma


def gammainc_da(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """∂P/∂a of the regularised lower incomplete gamma function P(a, x): P's power series
    where x < a + 1, else Q(a, x) = 1 - P's continued fraction (modified Lentz), each
    recurrence's derivative in a carried alongside it (forward mode), so the upper tail's
    ∂P/∂a = -∂Q/∂a keeps its relative precision."""
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    dout = np.zeros(a.shape)
    pos = x > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        logx = np.log(np.where(pos, x, 1.0))
        log_front = np.where(pos, -x + a * logx - lgamma(a), -np.inf)  # log(x^a e^-x / Γ(a))
        dlog_front = logx - digamma(a)
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
        dout[frac] = -front * (h * dlog_front[frac] + dh)
    return dout
