"""Adamax, as ``torch.optim.Adamax``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

import numpy as np

from ..grad_mode import no_grad
from .adam import _check_adam_arguments, _lerp, _zeros
from .optimizer import Optimizer

_BUFFERS = ("exp_avg", "exp_inf")


class Adamax(Optimizer):
    """PyTorch's Adamax (Adam with the infinity norm), step for step. At step t:

    g ← -g;  g ← g + λ θ              (maximize; weight_decay λ)
    m ← β1 m + (1 - β1) g             (``exp_avg``)
    u ← max(β2 u, |g| + ε)            (``exp_inf``)
    θ ← θ - γ / (1 - β1^t) · m / u    (lr γ)
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        _check_adam_arguments(lr, betas, eps, weight_decay)
        defaults = dict(
            lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach,
            maximize=maximize, differentiable=self._no_differentiable(differentiable),
            capturable=capturable,
        )  # fmt: skip
        super().__init__(params, defaults)

    _step_is_tensor = True
    _option_defaults = dict(foreach=None, maximize=False, differentiable=False, capturable=False)

    @no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = self._begin_step(closure)
        for group in self.param_groups:
            (beta1, beta2), wd = map(float, group["betas"]), group["weight_decay"]
            for p, g, state, t in self._with_grads(group, partial(_zeros, names=_BUFFERS)):
                if wd != 0:
                    g = g + wd * p.data
                m, u = state["exp_avg"].data, state["exp_inf"].data
                _lerp(m, g, 1 - beta1)
                u *= beta2
                np.maximum(u, np.abs(g) + group["eps"], out=u)
                clr = group["lr"] / (1 - beta1**t)
                self._descend(p, clr * m / u)
        return loss
