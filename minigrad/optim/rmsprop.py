"""RMSprop, as ``torch.optim.RMSprop``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

import numpy as np

from ..grad_mode import no_grad
from .adam import _lerp, _zeros
from .optimizer import Optimizer, check_tensor_lr


class RMSprop(Optimizer):
    """PyTorch's RMSprop, step for step. For each parameter θ with gradient g:

    g ← -g                       (only with maximize)
    g ← g + λ θ                  (weight_decay λ)
    v ← α v + (1 - α) g²         (``square_avg``)
    ḡ ← α ḡ + (1 - α) g,  v' ← v - ḡ²    (only when centered; ḡ is ``grad_avg``)
    b ← μ b + g / (sqrt(v') + ε),  θ ← θ - γ b    (momentum μ > 0, ``momentum_buffer``)
    θ ← θ - γ g / (sqrt(v') + ε)                  (otherwise; lr γ)
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_tensor_lr(lr)
        for name, value in (("learning rate", lr), ("epsilon value", eps),
                            ("momentum value", momentum), ("weight_decay value", weight_decay),
                            ("alpha value", alpha)):  # fmt: skip
            if not 0.0 <= value:  # NaN fails too, as PyTorch's checks
                raise ValueError(f"Invalid {name}: {value}")
        defaults = dict(
            lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
            weight_decay=weight_decay, capturable=capturable, foreach=foreach,
            maximize=maximize, differentiable=self._no_differentiable(differentiable),
        )  # fmt: skip
        super().__init__(params, defaults)

    _step_is_tensor = True
    _option_defaults = dict(
        momentum=0, centered=False, foreach=None, maximize=False, differentiable=False,
        capturable=False,
    )  # fmt: skip

    @no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = self._begin_step(closure)
        for group in self.param_groups:
            lr, alpha, mu = group["lr"], group["alpha"], group["momentum"]
            wd = group["weight_decay"]
            names = (("square_avg",) + (("momentum_buffer",) if mu > 0 else ())
                     + (("grad_avg",) if group["centered"] else ()))  # fmt: skip
            for p, g, state, _ in self._with_grads(group, partial(_zeros, names=names)):
                if wd != 0:
                    g = g + wd * p.data
                v = state["square_avg"].data
                v *= alpha
                v += (1 - alpha) * g * g
                if group["centered"]:
                    g_avg = state["grad_avg"].data
                    _lerp(g_avg, g, 1 - alpha)
                    avg = v - g_avg * g_avg
                    if np.isinf(v).any():  # PyTorch's fused v - ḡ ḡ stays inf where ḡ² overflows
                        np.copyto(avg, v, where=np.isposinf(v) & np.isfinite(g_avg))
                    avg = np.sqrt(avg, out=avg)
                else:
                    avg = np.sqrt(v)
                avg += group["eps"]
                if mu > 0:
                    b = state["momentum_buffer"].data
                    b *= mu
                    b += g / avg
                    self._descend(p, lr * b)
                else:
                    self._descend(p, lr * g / avg)
        return loss
