"""Anomaly detection, as PyTorch's ``torch.autograd.detect_anomaly``: while it is on, a
backward node whose VJP fails is named in a warning, and one whose gradient has a NaN
raises ``RuntimeError`` ("Function 'DivBackward' returned nan values in its 1th
output."). Off (the default), the backward pass pays one test per call."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any

from .. import engine

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled",
           "is_anomaly_check_nan_enabled", "set_anomaly_enabled"]  # fmt: skip


def is_anomaly_enabled() -> bool:
    return engine.anomaly[0]


def is_anomaly_check_nan_enabled() -> bool:
    return engine.anomaly[1]


def set_anomaly_enabled(enabled: bool, check_nan: bool = True) -> None:
    engine.anomaly[:] = [bool(enabled), bool(check_nan)]


class detect_anomaly:
    """Context manager and decorator: anomaly detection on inside (NaN checks with
    ``check_nan``), the previous setting back on exit."""

    def __init__(self, check_nan: bool = True) -> None:
        self.prev = is_anomaly_enabled()
        self.check_nan = check_nan
        self.prev_check_nan = is_anomaly_check_nan_enabled()
        warnings.warn(
            "Anomaly Detection has been enabled. This mode will increase the runtime and "
            "should only be enabled for debugging.",
            stacklevel=2,
        )

    def __enter__(self) -> None:
        set_anomaly_enabled(True, self.check_nan)

    def __exit__(self, *args: object) -> None:
        set_anomaly_enabled(self.prev, self.prev_check_nan)

    def __call__(self, fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return fn(*args, **kwargs)

        return wrapper


class set_detect_anomaly:
    """Set anomaly detection on or off (``mode``) now; as a context manager, the previous
    setting comes back on exit."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev = is_anomaly_enabled()
        self.prev_check_nan = is_anomaly_check_nan_enabled()
        set_anomaly_enabled(mode, check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *args: object) -> None:
        set_anomaly_enabled(self.prev, self.prev_check_nan)
