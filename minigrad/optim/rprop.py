"""Rprop, as ``torch.optim.Rprop``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ..factories import full_like, zeros_like
from ..grad_mode import no_grad
from ..ops import sgn as _sign
from ..tensor import Tensor
from .optimizer import Optimizer, check_tensor_lr


class Rprop(Optimizer):
    """PyTorch's Rprop, step for step: the sign of the gradient, with a step size of its
    own per element. For each parameter θ with gradient g (-g with maximize), and the
    previous step's gradient g' (``prev``):

    s ← clamp(s · η₊, s_min, s_max) where g g' > 0, clamp(s · η₋, ...) where g g' < 0,
        clamp(s, ...) where g g' = 0            (``step_size``, starting at lr; etas (η₋, η₊))
    g ← 0 where g g' < 0                        (the sign flipped: no step, and no
                                                 comparison at the next one)
    θ ← θ - sign(g) s,   g' ← g

    The rate enters only as the first step size: changing ``lr`` later does not change
    the steps of parameters that already have a state.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        etas: tuple[float, float] = (0.5, 1.2),
        step_sizes: tuple[float, float] = (1e-6, 50),
        *,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_tensor_lr(lr)
        if not 0.0 <= lr:  # NaN fails too, as PyTorch's checks
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = dict(
            lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach, maximize=maximize,
            differentiable=self._no_differentiable(differentiable), capturable=capturable,
        )  # fmt: skip
        super().__init__(params, defaults)

    _step_is_tensor = True
    _option_defaults = dict(foreach=None, maximize=False, differentiable=False, capturable=False)

    @no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = self._begin_step(closure)
        for group in self.param_groups:
            eta_minus, eta_plus = group["etas"]
            smallest, largest = group["step_sizes"]

            def buffers(p: Tensor, lr: float = group["lr"]) -> dict:
                return {"prev": zeros_like(p), "step_size": full_like(p._grad, float(lr))}

            for p, g, state, _ in self._with_grads(group, buffers):
                prev, s = state["prev"].data, state["step_size"].data
                sign = _sign(g * prev, g.dtype)
                factor = np.where(sign > 0, eta_plus, np.where(sign < 0, eta_minus, 1.0))
                s *= factor.astype(s.dtype)  # rounded to s's dtype first, as PyTorch's
                np.clip(s, smallest, largest, out=s)
                g = np.where(sign < 0, 0, g)
                self._descend(p, _sign(g, g.dtype) * s)
                prev[...] = g
        return loss
