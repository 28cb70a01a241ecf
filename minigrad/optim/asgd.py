"""Averaged SGD, as ``torch.optim.ASGD``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..dtypes import get_default_dtype
from ..factories import tensor, zeros_like
from ..grad_mode import no_grad
from ..tensor import Tensor
from .optimizer import Optimizer, check_tensor_lr


class ASGD(Optimizer):
    """PyTorch's averaged SGD, step for step. For each parameter θ with gradient g, at
    step t:

    g ← -g                                  (only with maximize)
    g ← g + λ' θ                            (weight_decay λ')
    θ ← θ (1 - λ η) - η g                   (lambd λ; η: ``eta``, starting at lr)
    a ← θ if μ = 1, else a ← a + μ (θ - a)  (the average, ``ax``)
    η ← γ / (1 + λ γ t)^α,   μ ← 1 / max(1, t - t0)     (lr γ, alpha α)

    As in PyTorch, η and μ are kept in the default dtype (float32 unless changed), and
    rounded to it at every step.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        lambd: float = 1e-4,
        alpha: float = 0.75,
        t0: float = 1e6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        check_tensor_lr(lr)
        if not 0.0 <= lr:  # NaN fails too, as PyTorch's checks
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(
            lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
            foreach=foreach, maximize=maximize,
            differentiable=self._no_differentiable(differentiable), capturable=capturable,
        )  # fmt: skip
        super().__init__(params, defaults)

    _step_is_tensor = True
    _option_defaults = dict(foreach=None, maximize=False, differentiable=False, capturable=False)

    @no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = self._begin_step(closure)
        for group in self.param_groups:
            lr, lambd, wd = group["lr"], group["lambd"], group["weight_decay"]

            def buffers(p: Tensor, lr: float = lr) -> dict:
                return {"eta": _scalar(lr), "mu": _scalar(1.0), "ax": zeros_like(p)}

            for p, g, state, t in self._with_grads(group, buffers):
                if wd != 0:
                    g = g + wd * p.data
                eta = state["eta"].item()
                p.data *= 1 - lambd * eta
                self._descend(p, eta * g)
                ax, mu = state["ax"].data, state["mu"]
                if mu.item() != 1:
                    ax += (p.data - ax) * ax.dtype.type(mu.item())  # μ in a's dtype, as PyTorch
                else:
                    ax[...] = p.data
                # new values rounded to the default dtype, even in a buffer loaded as
                # float64, as PyTorch's copy_ of a tensor made from a Python float
                state["eta"].data[...] = _scalar(lr / ((1 + lambd * lr * t) ** group["alpha"])).data
                mu.data[...] = _scalar(1 / max(1, t - group["t0"])).data
        return loss

    def _upgrade(self) -> None:
        super()._upgrade()
        for state in self.state.values():  # numbers saved for eta and mu become Tensors
            for key in ("eta", "mu"):
                if key in state and not isinstance(state[key], Tensor):
                    state[key] = _scalar(float(state[key]))


def _scalar(value: Any) -> Tensor:
    """A 0-d tensor of ``value`` (a number, or a Tensor lr's value) in the default dtype."""
    return tensor(value.data if isinstance(value, Tensor) else value, dtype=get_default_dtype())
