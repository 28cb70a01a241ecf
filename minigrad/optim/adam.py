"""Adam and AdamW, as ``torch.optim.Adam`` and ``torch.optim.AdamW``."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

import numpy as np

from ..factories import zeros_like
from ..grad_mode import no_grad
from ..tensor import Tensor
from .optimizer import Optimizer, check_tensor_lr


class Adam(Optimizer):
    """PyTorch's Adam, step for step. For each parameter θ with gradient g, at step t:

    g ← -g                 (only with maximize)
    g ← g + λ θ            (weight_decay λ; AdamW instead decays θ ← θ - γ λ θ first)
    m ← β1 m + (1 - β1) g                  (first moment, ``exp_avg``)
    v ← β2 v + (1 - β2) g²                 (second moment, ``exp_avg_sq``)
    θ ← θ - γ m̂ / (sqrt(v̂) + ε),   m̂ = m / (1 - β1^t),  v̂ = v / (1 - β2^t)   (lr γ)
    (with amsgrad, v_max ← max(v_max, v) takes v's place in v̂).

    The arithmetic runs in PyTorch's order, so that the rounding is the same: m moves
    toward g by (1 - β1) (``lerp``), and θ ← θ - (γ / (1 - β1^t)) m / (sqrt(v) /
    sqrt(1 - β2^t) + ε).
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        if isinstance(lr, Tensor) and foreach and not capturable:
            raise ValueError(
                "lr as a Tensor is not supported for capturable=False and foreach=True"
            )
        _check_adam_arguments(lr, betas, eps, weight_decay)
        betas = _adam_betas(betas, foreach, capturable)
        defaults = dict(
            lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
            maximize=maximize, foreach=foreach, capturable=capturable,
            differentiable=self._no_differentiable(differentiable), fused=fused,
            decoupled_weight_decay=decoupled_weight_decay,
        )  # fmt: skip
        super().__init__(params, defaults)
        self._one_implementation(fused, foreach)

    _step_is_tensor = True
    _option_defaults = dict(
        amsgrad=False, maximize=False, foreach=None, capturable=False, differentiable=False,
        decoupled_weight_decay=False, fused=None,
    )  # fmt: skip

    @no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = self._begin_step(closure)
        for group in self.param_groups:
            lr, wd = group["lr"], group["weight_decay"]
            beta1, beta2 = map(float, group["betas"])  # numbers, also from Tensor betas
            names = ("exp_avg", "exp_avg_sq") + (("max_exp_avg_sq",) if group["amsgrad"] else ())
            for p, g, state, t in self._with_grads(group, partial(_zeros, names=names)):
                g = _weight_decay(p, g, lr, wd, group["decoupled_weight_decay"])
                m, v = _moments(state, g, beta1, beta2)
                if group["amsgrad"]:
                    v_max = state["max_exp_avg_sq"].data
                    np.maximum(v_max, v, out=v_max)
                    v = v_max
                step = np.asarray(np.sqrt(v))  # one buffer for what follows (0-d included)
                step /= math.sqrt(1 - beta2**t)
                step += group["eps"]  # the denominator
                np.divide(m, step, out=step)
                self._descend(p, lr / (1 - beta1**t) * step)  # (lr may be a Tensor)
        return loss


def _zeros(p: Tensor, names: tuple) -> dict:
    """A buffer of zeros like p under each of ``names``."""
    return {name: zeros_like(p) for name in names}


def _check_adam_arguments(
    lr: float, betas: tuple[float, float], eps: float, weight_decay: float
) -> None:
    """PyTorch's checks of the arguments the Adam family shares, with its messages."""
    check_tensor_lr(lr)
    if not 0.0 <= lr:  # written so that NaN fails, as PyTorch's checks
        raise ValueError(f"Invalid learning rate: {lr}")
    if not 0.0 <= eps:
        raise ValueError(f"Invalid epsilon value: {eps}")
    for i in range(2):  # betas[1] is an IndexError for one beta, as in PyTorch
        beta = betas[i]
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta}")
    if not 0.0 <= weight_decay:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")


def _adam_betas(betas: Any, foreach: bool | None, capturable: bool) -> tuple:
    """Adam's own checks of ``betas`` (both floats, or both Tensors: one-element ones, as
    the range check has made sure), kept as a tuple (a Tensor made 0-d), as PyTorch's."""
    if not (all(isinstance(b, float) for b in betas[:2])
            or all(isinstance(b, Tensor) for b in betas[:2])):  # fmt: skip
        raise ValueError("betas must be either both floats or both Tensors")
    if isinstance(betas[0], Tensor) and foreach and not capturable:
        raise ValueError(
            "betas[0] as a Tensor is not supported for capturable=False and foreach=True"
        )
    return tuple(b.squeeze() if isinstance(b, Tensor) and b.ndim else b for b in betas)


def _weight_decay(p: Any, g: np.ndarray, lr: float, wd: float, decoupled: bool) -> np.ndarray:
    """L2 decay g + λθ, or (decoupled, AdamW's) θ ← θ (1 - γλ) in place and g as it is."""
    if wd == 0:
        return g
    if decoupled:
        p.mul_(1 - lr * wd)
        return g
    return g + wd * p.data


def _moments(state: dict, g: np.ndarray, beta1: float, beta2: float) -> tuple:
    """m ← β1 m + (1 - β1) g,  v ← β2 v + (1 - β2) g², in place, in PyTorch's order."""
    m, v = state["exp_avg"].data, state["exp_avg_sq"].data
    if m.dtype != g.dtype:  # a model cast after a step: PyTorch's lerp_ refuses it
        raise RuntimeError(
            f"Adam: lerp_: expected dtype {m.dtype} for `end` but got dtype {g.dtype} (the "
            "optimizer's state has the parameter's old dtype)"
        )
    _lerp(m, g, 1 - beta1)
    v *= beta2
    g2 = g * (1 - beta2)
    g2 *= g
    v += g2
    return m, v


def _lerp(start: np.ndarray, end: np.ndarray, w: float) -> None:
    """start ← start + w (end - start), in place, in PyTorch's two forms (each is exact at
    its own end of [0, 1])."""
    t = end - start
    if w < 0.5:
        t *= w
        start += t
    else:
        t *= 1 - w
        np.subtract(end, t, out=start)


class AdamW(Adam):
    """Adam with decoupled weight decay: θ ← θ - γ λ θ, then the Adam step without λ in g."""

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         foreach=foreach, capturable=capturable, differentiable=differentiable,
                         fused=fused, decoupled_weight_decay=True)  # fmt: skip

    def _upgrade(self) -> None:
        super()._upgrade()
        for group in self.param_groups:  # AdamW's decay is decoupled, whatever was saved
            group["decoupled_weight_decay"] = True
