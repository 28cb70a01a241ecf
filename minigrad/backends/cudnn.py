"""``torch.backends.cudnn``: cuDNN's switches, with PyTorch's defaults. minigrad computes
on the CPU with NumPy, deterministically, so setting them changes nothing."""

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available() -> bool:
    return False


def version() -> None:
    """cuDNN's version: None, as PyTorch's where cuDNN is not available."""
    return None
