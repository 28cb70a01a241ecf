"""``torch.accelerator`` as far as a CPU-only program asks: there is no accelerator here,
so ``device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available()
else "cpu"`` picks the CPU."""

from __future__ import annotations

from .device import device


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0


def current_accelerator(check_available: bool = False) -> device | None:
    """The accelerator in use: None, as PyTorch's on a machine without one."""
    return None
