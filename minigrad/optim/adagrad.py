"""Adagrad, as ``torch.optim.Adagrad``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ..dtypes import get_default_dtype
from ..factories import full_like, tensor
from ..grad_mode import no_grad
from ..tensor import Tensor
from .optimizer import Optimizer, check_tensor_lr


class Adagrad(Optimizer):
    """PyTorch's Adagrad, step for step. For each parameter θ with gradient g, at step t:

    g ← -g                                  (only with maximize)
    g ← g + λ θ                             (weight_decay λ)
    s ← s + g²                              (``sum``, starting at initial_accumulator_value)
    θ ← θ - γ' g / (sqrt(s) + ε),   γ' = γ / (1 + (t - 1) η)    (lr γ, lr_decay η)

    As PyTorch's, the state of every parameter is made at construction (step 0).
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        check_tensor_lr(lr)
        for name, value in (("learning rate", lr), ("lr_decay value", lr_decay),
                            ("weight_decay value", weight_decay),
                            ("initial_accumulator_value value", initial_accumulator_value),
                            ("epsilon value", eps)):  # fmt: skip
            if not 0.0 <= value:  # NaN fails too, as PyTorch's checks
                raise ValueError(f"Invalid {name}: {value}")
        defaults = dict(
            lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value, foreach=foreach,
            maximize=maximize, differentiable=self._no_differentiable(differentiable),
            fused=fused,
        )  # fmt: skip
        super().__init__(params, defaults)
        self._one_implementation(fused, foreach)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p)

    _step_is_tensor = True
    _option_defaults = dict(foreach=None, maximize=False, differentiable=False, fused=None)

    def _init_state(self, p: Tensor) -> None:
        # PyTorch takes the accumulator's start from the defaults, not from p's group
        start = self.defaults["initial_accumulator_value"]
        self.state[p] = {"step": tensor(0.0, dtype=get_default_dtype()), "sum": full_like(p, start)}

    @no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = self._begin_step(closure)
        for group in self.param_groups:
            wd = group["weight_decay"]
            for p in group["params"]:
                if p._grad is None:
                    continue
                if not self.state[p]:
                    self._init_state(p)  # a group added after construction
                state = self.state[p]
                state["step"].data += 1
                t = state["step"].item()
                g = -p._grad.data if group["maximize"] else p._grad.data
                if wd != 0:
                    g = g + wd * p.data
                clr = group["lr"] / (1 + (t - 1) * group["lr_decay"])
                s = state["sum"].data
                s += g * g
                std = np.sqrt(s)
                std += group["eps"]
                self._descend(p, clr * g / std)
        return loss
