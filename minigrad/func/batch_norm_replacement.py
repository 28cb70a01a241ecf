"""``replace_all_batch_norm_modules_``: BatchNorm layers without running statistics, so that
``vmap`` over a model with them needs no in-place update of shared buffers."""

from __future__ import annotations

from ..nn.module import Module
from ..nn.normalization import _BatchNorm


def replace_all_batch_norm_modules_(root: Module) -> Module:
    """In place: every BatchNorm in ``root`` (itself included) that tracks running statistics
    stops (``running_mean``, ``running_var``, ``num_batches_tracked`` None,
    ``track_running_stats`` False), so it normalizes with the batch's statistics in eval mode
    too. Returns ``root``."""
    for m in root.modules():
        if isinstance(m, _BatchNorm) and m.track_running_stats:
            m.running_mean = m.running_var = m.num_batches_tracked = None
            m.track_running_stats = False
    return root
