"""``minigrad.utils.data`` is ``minigrad.data`` under PyTorch's path (``torch.utils.data``),
its submodules too: ``from minigrad.utils.data.dataloader import default_collate``."""

import sys

from ..data import *  # noqa: F403
from ..data import __all__, dataloader, dataset, distributed, sampler  # noqa: F401

for _module in (dataloader, dataset, distributed, sampler):
    sys.modules[f"{__name__}.{_module.__name__.rsplit('.', 1)[1]}"] = _module
