"""``torch.cuda`` as far as a CPU-only program asks: there is no GPU here."""


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0
