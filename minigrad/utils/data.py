"""``minigrad.utils.data`` is ``minigrad.data`` under PyTorch's path (``torch.utils.data``),
its submodules too: ``from minigrad.utils.data.dataloader import default_collate``."""

import sys

from .. import data as _data
from ..data import *  # noqa: F403
from ..data import __all__, dataloader, dataset, sampler  # noqa: F401

for _name in ("dataloader", "dataset", "sampler"):
    sys.modules[f"{__name__}.{_name}"] = getattr(_data, _name)
