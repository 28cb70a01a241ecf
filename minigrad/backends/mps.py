"""``torch.backends.mps``: Apple's GPU, which minigrad does not use."""


def is_available() -> bool:
    return False


def is_built() -> bool:
    return False
