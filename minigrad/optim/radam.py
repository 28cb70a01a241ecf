"""RAdam, as ``torch.optim.RAdam``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

import numpy as np

from ..grad_mode import no_grad
from .adam import _check_adam_arguments, _moments, _weight_decay, _zeros
from .optimizer import Optimizer

_BUFFERS = ("exp_avg", "exp_avg_sq")


class RAdam(Optimizer):
    """PyTorch's RAdam (Adam with the variance of its adaptive rate rectified). At step t:

    g ← -g;  g ← g + λ θ  (or θ ← θ(1 - γλ) with decoupled_weight_decay)
    m ← β1 m + (1 - β1) g,   v ← β2 v + (1 - β2) g²,   m̂ = m / (1 - β1^t)
    ρ∞ = 2 / (1 - β2) - 1,   ρ_t = ρ∞ - 2 t β2^t / (1 - β2^t)
    θ ← θ - γ m̂ · sqrt(1 - β2^t) / (sqrt(v) + ε) · r_t   when ρ_t > 5, with
        r_t = sqrt((ρ_t - 4)(ρ_t - 2) ρ∞ / ((ρ∞ - 4)(ρ∞ - 2) ρ_t));   θ ← θ - γ m̂ otherwise
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_adam_arguments(lr, betas, eps, weight_decay)
        defaults = dict(
            lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize,
            foreach=foreach, capturable=capturable,
            decoupled_weight_decay=decoupled_weight_decay,
            differentiable=self._no_differentiable(differentiable),
        )  # fmt: skip
        super().__init__(params, defaults)

    _step_is_tensor = True
    _option_defaults = dict(
        foreach=None, maximize=False, differentiable=False, decoupled_weight_decay=False,
        capturable=False,
    )  # fmt: skip

    @no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = self._begin_step(closure)
        for group in self.param_groups:
            lr, (beta1, beta2), wd = group["lr"], map(float, group["betas"]), group["weight_decay"]
            for p, g, state, t in self._with_grads(group, partial(_zeros, names=_BUFFERS)):
                g = _weight_decay(p, g, lr, wd, group["decoupled_weight_decay"])
                m, v = _moments(state, g, beta1, beta2)
                bias_correction2 = 1 - beta2**t
                update = m / (1 - beta1**t) * lr
                rho_inf = 2 / (1 - beta2) - 1
                rho_t = rho_inf - 2 * t * (beta2**t) / bias_correction2
                if rho_t > 5.0:
                    rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                            / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5  # fmt: skip
                    # PyTorch's scalar / tensor is a reciprocal times the scalar
                    adaptive = np.reciprocal(np.sqrt(v) + group["eps"]) * bias_correction2**0.5
                    update = update * adaptive * rect
                self._descend(p, update)
        return loss
