"""The exception for arguments that do not fit an op."""


class OpError(ValueError, RuntimeError):
    """An op's arguments do not fit: shapes that do not broadcast or multiply, bad dims.

    PyTorch raises RuntimeError here and NumPy ValueError; this is both, so code written
    for either catches it.
    """
