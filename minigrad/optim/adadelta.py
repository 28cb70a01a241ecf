"""Adadelta, as ``torch.optim.Adadelta``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

import numpy as np

from ..grad_mode import no_grad
from .adam import _zeros
from .optimizer import Optimizer, check_tensor_lr


class Adadelta(Optimizer):
    """PyTorch's Adadelta, step for step. For each parameter θ with gradient g:

    g ← -g                                  (only with maximize)
    g ← g + λ θ                             (weight_decay λ)
    v ← ρ v + (1 - ρ) g²                    (``square_avg``)
    Δ ← sqrt(u + ε) / sqrt(v + ε) · g       (u: ``acc_delta``)
    u ← ρ u + (1 - ρ) Δ²
    θ ← θ - γ Δ                             (lr γ)
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        capturable: bool = False,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_tensor_lr(lr)
        if not 0.0 <= lr:  # written so that NaN fails, as PyTorch's checks
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(
            lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
            capturable=capturable, foreach=foreach,
            differentiable=self._no_differentiable(differentiable),
        )  # fmt: skip
        super().__init__(params, defaults)

    _step_is_tensor = True
    _option_defaults = dict(foreach=None, maximize=False, differentiable=False, capturable=False)

    @no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = self._begin_step(closure)
        for group in self.param_groups:
            rho, eps, wd = group["rho"], group["eps"], group["weight_decay"]
            buffers = partial(_zeros, names=("square_avg", "acc_delta"))
            for p, g, state, _ in self._with_grads(group, buffers):
                if wd != 0:
                    g = g + wd * p.data
                v, u = state["square_avg"].data, state["acc_delta"].data
                v *= rho
                v += (1 - rho) * g * g
                delta = np.sqrt(u + eps)
                delta /= np.sqrt(v + eps)
                delta *= g
                u *= rho
                u += (1 - rho) * delta * delta
                self._descend(p, group["lr"] * delta)
        return loss
