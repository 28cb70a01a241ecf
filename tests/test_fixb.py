"""Regression tests for review findings (fixb)."""

import minigrad as mg


def test_utils_data_distributed_submodule_imports():
    from minigrad.utils.data.distributed import DistributedSampler

    assert DistributedSampler is mg.data.DistributedSampler
