"""``torch.amp``: mixed precision, as far as it goes without a GPU.

``GradScaler`` is PyTorch's loss scaler, step for step: the loss is multiplied by the scale,
the gradients divided by it before the optimizer's step, a step with an inf or NaN
gradient skipped and the scale backed off, and grown after ``growth_interval`` clean steps.
A scaler for "cuda" disables itself, as PyTorch's does where CUDA is not available, and a
disabled scaler passes everything through, so a program written for either device runs.
``autocast`` on "cuda" disables itself in the same way; on the CPU it would compute in
bfloat16, which minigrad does not have, so it is refused unless ``enabled=False``.
"""

from __future__ import annotations

import functools
import math
import warnings
from typing import Any

import numpy as np

from ..tensor import Tensor

__all__ = ["GradScaler", "autocast", "is_autocast_available", "is_autocast_enabled"]


def is_autocast_enabled(device_type: str | None = None) -> bool:
    """Whether autocast is on: never (it is refused, or disabled, on every device)."""
    return False


def is_autocast_available(device_type: str) -> bool:
    """Whether autocast can run on ``device_type``: minigrad computes in the tensors' own
    dtypes, so on none."""
    return False


class autocast:
    """PyTorch's autocast context manager (and decorator); see the module docstring."""

    def __init__(
        self,
        device_type: str,
        dtype: Any = None,
        enabled: bool = True,
        cache_enabled: bool | None = None,
    ) -> None:
        if not isinstance(device_type, str):
            raise ValueError(
                f"Expected `device_type` of type `str`, got: `{type(device_type).__name__}`"
            )
        if enabled and device_type == "cuda":
            warnings.warn(
                "CUDA is not available or torch_xla is imported. Disabling autocast.",
                UserWarning,
                stacklevel=2,
            )
            enabled = False
        if enabled:
            raise NotImplementedError(
                f"autocast(device_type={device_type!r}): minigrad computes in the tensors' own "
                "dtypes (it has no bfloat16); pass enabled=False or cast with .to(dtype)"
            )
        self.device, self.fast_dtype, self._enabled = device_type, dtype, enabled

    def __enter__(self) -> autocast:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def __call__(self, func: Any) -> Any:
        @functools.wraps(func)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return wrapped


_READY, _UNSCALED, _STEPPED = 0, 1, 2


class GradScaler:
    """Loss scaling: ``scaler.scale(loss).backward(); scaler.step(opt); scaler.update()``.

    The scale is a float32 number, as PyTorch's; ``found_inf`` is checked per optimizer
    when its gradients are unscaled (by ``unscale_`` or ``step``).
    """

    def __init__(
        self,
        device: str = "cuda",
        init_scale: float = 2.0**16,
        growth_factor: float = 2.0,
        backoff_factor: float = 0.5,
        growth_interval: int = 2000,
        enabled: bool = True,
    ) -> None:
        self._device = device
        if enabled and device == "cuda":
            warnings.warn(
                "torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.",
                UserWarning,
                stacklevel=2,
            )
            enabled = False
        self._enabled = enabled
        if enabled:
            if not growth_factor > 1.0:
                raise AssertionError("The growth factor must be > 1.0.")
            if not backoff_factor < 1.0:
                raise AssertionError("The backoff factor must be < 1.0.")
            self._init_scale = init_scale
            self._scale: np.float32 | None = None  # set by the first scale()
            self._growth_factor = growth_factor
            self._backoff_factor = backoff_factor
            self._growth_interval = growth_interval
            self._growth_tracker = 0
            self._per_optimizer: dict = {}  # id(optimizer) -> [stage, found_inf or None]

    def scale(self, outputs: Any) -> Any:
        """outputs (a Tensor, or nested lists and tuples of them) times the scale."""
        if not self._enabled:
            return outputs
        if self._scale is None:
            self._scale = np.float32(self._init_scale)
        factor = Tensor._new(np.asarray(self._scale))

        def scaled(v: Any) -> Any:
            if isinstance(v, Tensor):
                return v * factor
            if isinstance(v, (list, tuple)):
                return type(v)(scaled(x) for x in v)
            raise ValueError("outputs must be a Tensor or an iterable of Tensors")

        return scaled(outputs)

    def _state(self, optimizer: Any) -> list:
        return self._per_optimizer.setdefault(id(optimizer), [_READY, False])

    def unscale_(self, optimizer: Any) -> None:
        """Divide the optimizer's gradients by the scale, in place, and note any inf or NaN."""
        if not self._enabled:
            return
        state = self._state(optimizer)
        if state[0] == _UNSCALED:
            raise RuntimeError(
                "unscale_() has already been called on this optimizer since the last update()."
            )
        if state[0] == _STEPPED:
            raise RuntimeError("unscale_() is being called after step().")
        if self._scale is None:
            raise AssertionError(
                "Attempted unscale_ but _scale is None.  This may indicate your script did not "
                "use scaler.scale(loss or outputs) earlier in the iteration."
            )
        inv_scale = np.float32(1.0 / np.float64(self._scale))  # PyTorch's: in double, then float
        found_inf = None  # no gradient, no check (step and update then refuse, as PyTorch)
        for group in optimizer.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad.data
                if g.dtype == np.float16:
                    raise ValueError("Attempting to unscale FP16 gradients.")
                found_inf = bool(found_inf) or not bool(np.isfinite(g).all())
                g *= inv_scale.astype(g.dtype)
        state[:] = [_UNSCALED, found_inf]

    def step(self, optimizer: Any, *args: Any, **kwargs: Any) -> Any:
        """``optimizer.step()`` on the unscaled gradients, skipped if any is inf or NaN;
        returns what the step returned (None if skipped)."""
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if "closure" in kwargs:
            raise RuntimeError("Closure use is not currently supported if GradScaler is enabled.")
        if self._scale is None:
            raise AssertionError(
                "Attempted step but _scale is None.  This may indicate your script did not use "
                "scaler.scale(loss or outputs) earlier in the iteration."
            )
        state = self._state(optimizer)
        if state[0] == _STEPPED:
            raise RuntimeError("step() has already been called since the last update().")
        if state[0] == _READY:
            self.unscale_(optimizer)
        if state[1] is None:
            raise AssertionError("No inf checks were recorded for this optimizer.")
        result = None if state[1] else optimizer.step(*args, **kwargs)
        state[0] = _STEPPED
        return result

    def update(self, new_scale: Any = None) -> None:
        """Back the scale off if a step found inf or NaN, else grow it after
        ``growth_interval`` clean steps (or set it to ``new_scale``)."""
        if not self._enabled:
            return
        if self._scale is None:
            raise AssertionError(
                "Attempted update but _scale is None.  This may indicate your script did not use "
                "scaler.scale(loss or outputs) earlier in the iteration."
            )
        if new_scale is not None:
            value = new_scale.item() if isinstance(new_scale, Tensor) else new_scale
            if not isinstance(new_scale, (Tensor, float)):
                raise ValueError("new_scale should be a float or a 1-element Tensor")
            self._scale = np.float32(value)
        else:
            if all(found is None for _, found in self._per_optimizer.values()):
                raise AssertionError("No inf checks were recorded prior to update.")
            if any(found for _, found in self._per_optimizer.values()):
                self._scale = np.float32(np.float64(self._scale) * self._backoff_factor)
                self._growth_tracker = 0
            else:
                self._growth_tracker += 1
                if self._growth_tracker == self._growth_interval:
                    grown = np.float32(np.float64(self._scale) * self._growth_factor)
                    if math.isfinite(grown):
                        self._scale = grown
                    self._growth_tracker = 0
        self._per_optimizer = {}

    def get_scale(self) -> float:
        """The scale as a Python float (1.0 when disabled)."""
        if not self._enabled:
            return 1.0
        return float(self._init_scale if self._scale is None else self._scale)

    def get_growth_factor(self) -> float:
        return self._growth_factor

    def set_growth_factor(self, new_factor: float) -> None:
        self._growth_factor = new_factor

    def get_backoff_factor(self) -> float:
        return self._backoff_factor

    def set_backoff_factor(self, new_factor: float) -> None:
        self._backoff_factor = new_factor

    def get_growth_interval(self) -> int:
        return self._growth_interval

    def set_growth_interval(self, new_interval: int) -> None:
        self._growth_interval = new_interval

    def is_enabled(self) -> bool:
        return self._enabled

    def state_dict(self) -> dict:
        """The scale and its settings (empty when disabled), as PyTorch's."""
        if not self._enabled:
            return {}
        return {
            "scale": self.get_scale(),
            "growth_factor": self._growth_factor,
            "backoff_factor": self._backoff_factor,
            "growth_interval": self._growth_interval,
            "_growth_tracker": self._growth_tracker,
        }

    def load_state_dict(self, state_dict: dict) -> None:
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError(
                "The source state dict is empty, possibly because it was saved from a disabled "
                "instance of GradScaler."
            )
        self._init_scale = state_dict["scale"]
        if self._scale is not None:
            self._scale = np.float32(state_dict["scale"])
        self._growth_factor = state_dict["growth_factor"]
        self._backoff_factor = state_dict["backoff_factor"]
        self._growth_interval = state_dict["growth_interval"]
        self._growth_tracker = state_dict["_growth_tracker"]
