"""``torch.cuda.amp``: PyTorch's older names for the CUDA loss scaler and autocast. Without a
GPU both disable themselves (see ``minigrad.amp``)."""

from __future__ import annotations

import warnings
from typing import Any

from .. import amp


def _deprecated(name: str) -> None:
    warnings.warn(f"`torch.cuda.amp.{name}(args...)` is deprecated. Please use "
                  f"`torch.amp.{name}('cuda', args...)` instead.", FutureWarning,
                  stacklevel=3)  # fmt: skip


class GradScaler(amp.GradScaler):
    """``amp.GradScaler("cuda", ...)``: disabled here, as PyTorch's without CUDA."""

    def __init__(
        self,
        init_scale: float = 2.0**16,
        growth_factor: float = 2.0,
        backoff_factor: float = 0.5,
        growth_interval: int = 2000,
        enabled: bool = True,
    ) -> None:
        _deprecated("GradScaler")
        super().__init__(
            "cuda", init_scale, growth_factor, backoff_factor, growth_interval, enabled
        )


class autocast(amp.autocast):
    """``amp.autocast("cuda", ...)``: disabled here, as PyTorch's without CUDA."""

    def __init__(self, enabled: bool = True, dtype: Any = None, cache_enabled: bool = True) -> None:
        _deprecated("autocast")
        super().__init__("cuda", dtype, enabled, cache_enabled)
