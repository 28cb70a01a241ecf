"""``torch.backends.cudnn``: NVIDIA's library, which minigrad does not use. Programs set
``deterministic`` and ``benchmark`` for reproducible runs; the flags are kept and change
nothing (minigrad's results never depend on an algorithm choice)."""

deterministic = False
benchmark = False
enabled = True
allow_tf32 = True


def is_available() -> bool:
    return False


def version() -> None:
    return None
