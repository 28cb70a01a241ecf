"""Muon, as ``torch.optim.Muon``."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ..factories import zeros_like
from ..grad_mode import no_grad
from .adam import _lerp
from .optimizer import Optimizer, check_tensor_lr, scalar_lr

_NS_COEFFICIENTS = (3.4445, -4.7750, 2.0315)


class Muon(Optimizer):
    """PyTorch's Muon, for 2-D parameters (A, B), step for step. With gradient g:

    b ← b + (1 - μ) (g - b)                   (``momentum_buffer``)
    u = g + μ (b - g) with nesterov, else b
    O = NS(u): X ← u / max(‖u‖, ε) (transposed when A > B), then ``ns_steps`` times
        X ← a X + (b' X Xᵀ + c (X Xᵀ)²) X        (ns_coefficients (a, b', c)),
        in bfloat16, as PyTorch
    θ ← θ (1 - γ λ) - γ' O,  γ' = γ √max(1, A/B) ("original") or 0.2 γ √max(A, B)
    ("match_rms_adamw").
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        weight_decay: float = 0.1,
        momentum: float = 0.95,
        nesterov: bool = True,
        ns_coefficients: tuple[float, float, float] = _NS_COEFFICIENTS,
        eps: float = 1e-7,
        ns_steps: int = 5,
        adjust_lr_fn: str | None = None,
    ) -> None:
        check_tensor_lr(lr)
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 <= momentum:
            raise ValueError(f"momentum should be >= 0 but is: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight decay should be >= 0 but is: {weight_decay}")
        if adjust_lr_fn not in (None, "original", "match_rms_adamw"):
            raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
        defaults = dict(
            lr=lr, weight_decay=weight_decay, momentum=momentum, nesterov=nesterov,
            ns_coefficients=ns_coefficients, eps=eps, ns_steps=ns_steps,
            adjust_lr_fn=adjust_lr_fn,
        )  # fmt: skip
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                if p.ndim != 2:
                    raise ValueError(
                        "Muon only supports 2D parameters whereas we found a parameter with "
                        f"size: {p.size()}"
                    )

    @no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = self._begin_step(closure)
        for group in self.param_groups:
            lr, wd, mu = scalar_lr(group["lr"]), group["weight_decay"], group["momentum"]
            for p in group["params"]:
                if p._grad is None:
                    continue
                g = p._grad.data
                state = self.state[p]
                if "momentum_buffer" not in state:
                    state["momentum_buffer"] = zeros_like(p._grad)
                if g.ndim != 2:
                    raise ValueError("Param gradient must be a 2D matrix")
                buf = state["momentum_buffer"].data
                _lerp(buf, g, 1 - mu)
                update = buf
                if group["nesterov"]:
                    update = g.copy()
                    _lerp(update, buf, mu)
                ortho = _newton_schulz(
                    update, group["ns_coefficients"], group["ns_steps"], group["eps"]
                ).astype(p.dtype)  # the step in the parameter's precision, as PyTorch's add_
                p.mul_(1 - lr * wd)
                self._descend(p, _adjust_lr(lr, group["adjust_lr_fn"], p.shape) * ortho)
        return loss


def _newton_schulz(g: np.ndarray, coefficients: tuple, steps: int, eps: float) -> np.ndarray:
    """Muon's quintic Newton-Schulz iteration toward the orthogonal factor U Vᵀ of g = U S Vᵀ,
    each result rounded to bfloat16 as in PyTorch (which runs it in bfloat16)."""
    if steps >= 100:
        raise ValueError("Number of steps must be less than 100 for computational efficiency")
    if g.ndim != 2:
        raise ValueError("Input tensor gradient must be a 2D matrix")
    if len(coefficients) != 3:
        raise ValueError("Coefficients must be a tuple of exactly 3 values")
    a, b, c = coefficients
    x = _bfloat16(g.astype(np.float32))
    tall = g.shape[0] > g.shape[1]
    if tall:
        x = x.T
    x = _bfloat16(x / _bfloat16(max(_bfloat16(np.linalg.norm(x)), eps)))
    for _ in range(steps):
        gram = _bfloat16(x @ x.T)
        gram = _bfloat16(b * gram + c * (gram @ gram))
        x = _bfloat16(a * x + gram @ x)
    return x.T if tall else x


def _bfloat16(x: Any) -> np.ndarray:
    """float32 values rounded to the nearest bfloat16 (ties to even), kept as float32."""
    bits = np.asarray(x, dtype=np.float32).view(np.uint32)
    rounded = (bits + np.uint32(0x7FFF) + ((bits >> 16) & np.uint32(1))) & np.uint32(0xFFFF0000)
    return rounded.view(np.float32)


def _adjust_lr(lr: float, adjust_lr_fn: str | None, shape: tuple) -> float:
    """Muon's learning rate for a parameter of shape (A, B)."""
    rows, cols = shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        return lr * math.sqrt(max(1, rows / cols))
    return lr * 0.2 * math.sqrt(max(rows, cols))
