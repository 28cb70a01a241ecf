"""Stochastic gradient descent with momentum, as ``torch.optim.SGD``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..factories import tensor
from .optimizer import Optimizer, check_tensor_lr


class SGD(Optimizer):
    """PyTorch's SGD, step for step. For each parameter θ with gradient g:

        g ← -g                                            (only with maximize)
        g ← g + λ θ                                       (weight_decay λ)
        b ← g at the first step, else b ← μ b + (1 - τ) g   (momentum μ, dampening τ)
        g ← g + μ b if nesterov, else g ← b                (only when μ ≠ 0)
        θ ← θ - γ g                                       (lr γ)

    ``b`` is ``state[θ]["momentum_buffer"]``. ``foreach``, ``differentiable`` and
    ``fused`` choose among PyTorch's implementations; minigrad has one, and keeps them in
    the groups only so that ``state_dict()`` reads as PyTorch's (see ``Optimizer``).
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        check_tensor_lr(lr)
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = dict(
            lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
            nesterov=nesterov, maximize=maximize, foreach=foreach,
            differentiable=self._no_differentiable(differentiable), fused=fused,
        )  # fmt: skip
        super().__init__(params, defaults)
        self._one_implementation(fused, foreach)

    _option_defaults = dict(
        nesterov=False, maximize=False, foreach=None, differentiable=False, fused=False
    )

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = self._begin_step(closure)
        for group in self.param_groups:
            lr, mu, tau = group["lr"], group["momentum"], group["dampening"]
            wd, nesterov, maximize = group["weight_decay"], group["nesterov"], group["maximize"]
            params, buffers = group["params"], ()
            if mu != 0:  # as PyTorch: every buffer is read before any is written (so that a
                # parameter listed twice starts from the same buffer both times)
                params = [p for p in params if p._grad is not None]
                buffers = [self.state[p].get("momentum_buffer") for p in params]
            for i, p in enumerate(params):
                if p._grad is None:
                    continue
                g = -p._grad.data if maximize else p._grad.data
                if wd != 0:
                    g = g + float(wd) * p.data  # a number, also from a Tensor
                if mu != 0:
                    if buffers[i] is None:
                        buffers[i] = tensor(g)  # a copy
                    else:
                        b = buffers[i].data
                        b *= mu
                        b += (1 - tau) * g
                    b = buffers[i].data
                    g = g + mu * b if nesterov else b
                self._descend(p, lr * g)
            for p, b in zip(params, buffers):
                self.state[p]["momentum_buffer"] = b
        return loss
