"""``torch.cuda`` as far as a CPU-only program asks: there is no GPU here."""


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0


def manual_seed(seed: int) -> None:
    """Seed the GPUs' generators: there are none, so nothing is seeded (as PyTorch on a
    machine without one); ``mg.manual_seed`` seeds minigrad's."""
    int(seed)


def manual_seed_all(seed: int) -> None:
    """As ``manual_seed``, for every GPU."""
    int(seed)


def empty_cache() -> None:
    """Release the GPU's cached memory: there is none."""
