"""Adafactor, as ``torch.optim.Adafactor``."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ..factories import zeros
from ..grad_mode import no_grad
from ..tensor import Tensor
from .adam import _lerp
from .optimizer import Optimizer, check_tensor_lr, scalar_lr


class Adafactor(Optimizer):
    """PyTorch's Adafactor, step for step. For θ with gradient g (negated with maximize),
    at step t, with β̂ = t^beta2_decay, ρ = min(γ, 1/√t) and α = max(ε2, RMS(θ)) ρ:

    θ ← θ (1 - γ λ)                                   (weight_decay λ)
    θ of 2 or more dims, factored over its last two (R, C):
      r ← r + β̂ (mean_C g² - r),   c ← c + β̂ (mean_R g² - c)   (``row_var`` (…, R, 1),
      v̂ = r c / max(mean_R r, ε1)                                  ``col_var`` (…, 1, C))
    θ of 0 or 1 dim: v ← v + β̂ (g² - v),  v̂ = v      (``variance``)
    u = g / √max(v̂, ε1²);   θ ← θ - α u / max(1, RMS(u) / d)

    ε1 = None means the machine epsilon of the (first) parameter's dtype.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        beta2_decay: float = -0.8,
        eps: tuple[float | None, float] = (None, 1e-3),
        d: float = 1.0,
        weight_decay: float = 0.0,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
    ) -> None:
        check_tensor_lr(lr)
        if not 0.0 <= lr:  # written so that NaN fails, as PyTorch's checks
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        defaults = dict(
            lr=lr, beta2_decay=beta2_decay, eps=eps, d=d, weight_decay=weight_decay,
            foreach=foreach, maximize=maximize,
        )  # fmt: skip
        super().__init__(params, defaults)

    _step_is_tensor = True
    _option_defaults = dict(foreach=None)
    _state_matches_params = False  # the row and column factors have their own shapes

    @no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = self._begin_step(closure)
        for group in self.param_groups:
            lr, wd, d = scalar_lr(group["lr"]), group["weight_decay"], group["d"]
            eps1, eps2 = group["eps"]
            for p, g, state, t in self._with_grads(group, _factored_zeros):
                if eps1 is None:  # PyTorch takes the first parameter's for the whole group
                    eps1 = float(np.finfo(p.dtype).eps)
                beta2_t = t ** group["beta2_decay"]
                rho = min(lr, 1 / t**0.5)
                alpha = max(eps2, _norm(p.data) / p.data.size**0.5) * rho
                if wd != 0:
                    p.mul_(1 - lr * wd)
                if g.ndim > 1:
                    r, c = state["row_var"].data, state["col_var"].data
                    _lerp(r, _norm(g, -1) ** 2 / g.shape[-1], beta2_t)
                    _lerp(c, _norm(g, -2) ** 2 / g.shape[-2], beta2_t)
                    v = r @ c / np.maximum(r.mean(axis=-2, keepdims=True), eps1)
                else:
                    v = state["variance"].data
                    _lerp(v, g * g, beta2_t)
                update = g / np.sqrt(np.maximum(v, eps1 * eps1))
                denom = max(1.0, _norm(update) / (update.size**0.5 * d))
                self._descend(p, update * (alpha / denom))
        return loss


def _factored_zeros(p: Tensor) -> dict:
    """Adafactor's second moments: row and column factors for a p of 2 or more dims,
    else one of p's shape."""
    if p.ndim < 2:
        return {"variance": zeros(p.shape, dtype=p.dtype)}
    rows, cols = list(p.shape), list(p.shape)
    rows[-1], cols[-2] = 1, 1
    return {"row_var": zeros(rows, dtype=p.dtype), "col_var": zeros(cols, dtype=p.dtype)}


def _norm(a: np.ndarray, axis: int | None = None) -> Any:
    """The 2-norm (of all of ``a``, a float, or along ``axis``, kept)."""
    if axis is None:
        return math.sqrt(float(np.vdot(a, a)))
    return np.sqrt(np.sum(a * a, axis=axis, keepdims=True))
