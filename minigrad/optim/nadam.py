"""NAdam, as ``torch.optim.NAdam``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ..dtypes import get_default_dtype
from ..factories import tensor
from ..grad_mode import no_grad
from ..tensor import Tensor
from .adam import _check_adam_arguments, _moments, _weight_decay, _zeros
from .optimizer import Optimizer


def _buffers(p: Tensor) -> dict:
    """A new state's buffers, in PyTorch's order: the product of the μ's so far, and the moments."""
    return {
        "mu_product": tensor(1.0, dtype=get_default_dtype()),
        **_zeros(p, ("exp_avg", "exp_avg_sq")),
    }


class NAdam(Optimizer):
    """PyTorch's NAdam (Adam with Nesterov momentum), step for step. At step t:

    g ← -g;  g ← g + λ θ  (or θ ← θ(1 - γλ) with decoupled_weight_decay)
    μ_t = β1 (1 - 0.96^(t ψ) / 2)             (momentum_decay ψ; ``mu_product`` = Π μ_i)
    m ← β1 m + (1 - β1) g,   v ← β2 v + (1 - β2) g²
    θ ← θ - γ (1 - μ_t) / (1 - Π_t μ) · g / d - γ μ_{t+1} / (1 - Π_{t+1} μ) · m / d,
    d = sqrt(v / (1 - β2^t)) + ε
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_adam_arguments(lr, betas, eps, weight_decay)
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        defaults = dict(
            lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
            momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
            maximize=maximize, foreach=foreach, capturable=capturable,
            differentiable=self._no_differentiable(differentiable),
        )  # fmt: skip
        super().__init__(params, defaults)

    _step_is_tensor = True
    _option_defaults = dict(
        maximize=False, foreach=None, capturable=False, differentiable=False,
        decoupled_weight_decay=False,
    )  # fmt: skip

    def _upgrade(self) -> None:
        super()._upgrade()
        for state in self.state.values():
            if "mu_product" in state and not isinstance(state["mu_product"], Tensor):
                state["mu_product"] = tensor(state["mu_product"], dtype=get_default_dtype())

    @no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = self._begin_step(closure)
        for group in self.param_groups:
            lr, (beta1, beta2), wd = group["lr"], map(float, group["betas"]), group["weight_decay"]
            psi = group["momentum_decay"]
            for p, g, state, t in self._with_grads(group, _buffers):
                g = _weight_decay(p, g, lr, wd, group["decoupled_weight_decay"])
                mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * psi))
                mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
                state["mu_product"].data *= mu  # rounded to its (float32) dtype, as PyTorch's
                mu_product = state["mu_product"].item()
                m, v = _moments(state, g, beta1, beta2)
                denom = np.sqrt(v / (1 - beta2**t))
                denom += group["eps"]
                self._descend(p, lr * (1.0 - mu) / (1.0 - mu_product) * g / denom)
                self._descend(p, lr * mu_next / (1.0 - mu_product * mu_next) * m / denom)
        return loss
