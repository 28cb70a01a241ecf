"""``minigrad.utils.data`` is ``minigrad.data`` under PyTorch's path (``torch.utils.data``)."""

from ..data import *  # noqa: F403
from ..data import __all__  # noqa: F401
