"""The exceptions for arguments that do not fit an op, and PyTorch's once-a-process warnings."""

import warnings

_warned: set = set()


def warn_once(message: str, stacklevel: int = 3) -> None:
    """A UserWarning the first time ``message`` is given in this process (PyTorch's
    TORCH_WARN_ONCE)."""
    if message not in _warned:
        _warned.add(message)
        warnings.warn(message, UserWarning, stacklevel=stacklevel + 1)


class OpError(ValueError, RuntimeError):
    """An op's arguments do not fit: shapes that do not broadcast or multiply, bad dims.

    PyTorch raises RuntimeError here and NumPy ValueError; this is both, so code written
    for either catches it.
    """


class NotATensorError(TypeError, AttributeError):
    """A list, array or number where an op takes only a Tensor.

    The argument's type is wrong (TypeError); PyTorch, which calls one of the Tensor's
    methods on it there (``target.size()``, ``input.softmax(dim)``), raises AttributeError.
    This is both.
    """


class IndexOutOfRangeError(IndexError, RuntimeError):
    """An index past the end of a dim in a gathering op (``index_select``).

    PyTorch raises IndexError or RuntimeError depending on the dim and its kernel's path;
    this is both.
    """
