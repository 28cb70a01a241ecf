"""Regression tests for review findings (fixb)."""

import minigrad as mg


def test_utils_data_distributed_submodule_imports():
    from minigrad.utils.data.distributed import DistributedSampler

    assert DistributedSampler is mg.data.DistributedSampler


def test_mha_forward_embed_dim_not_divisible_by_heads_asserts_first():
    import numpy as np
    import pytest

    rs = np.random.RandomState(0)
    q, W, Wo = (mg.tensor(rs.randn(*s).astype(np.float32)) for s in ((3, 2, 6), (18, 6), (6, 6)))
    with pytest.raises(AssertionError, match="embed_dim 6 not divisible by num_heads 4"):
        mg.nn.functional.multi_head_attention_forward(
            q, q, q, 6, 4, W, None, None, None, False, 0.0, Wo, None
        )
