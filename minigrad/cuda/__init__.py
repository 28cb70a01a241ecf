"""``torch.cuda`` as far as a CPU-only program asks: there is no GPU here, so seeding it and
emptying its cache do nothing, as in a PyTorch built without CUDA."""

from typing import Any

from . import amp


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0


def is_initialized() -> bool:
    return False


def manual_seed(seed: Any) -> None:
    """Seed the GPU's generator: there is none (``mg.manual_seed`` seeds minigrad's)."""
    int(seed)  # PyTorch's TypeError for a seed that is not a number


def manual_seed_all(seed: Any) -> None:
    """Seed every GPU's generator: there are none."""
    int(seed)


def seed() -> None:
    """Seed the GPU's generator randomly: there is none."""


def seed_all() -> None:
    """Seed every GPU's generator randomly: there are none."""


def empty_cache() -> None:
    """Free the GPU's cached memory: there is none."""
