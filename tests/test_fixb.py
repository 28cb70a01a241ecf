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


def test_pool_with_indices_reads_its_pools_signature_once(monkeypatch):
    import inspect

    import numpy as np

    F = mg.nn.functional
    x = mg.tensor(np.arange(16, dtype=np.float32).reshape(1, 4, 4))
    monkeypatch.setattr(inspect, "signature", None)  # a call per use would fail
    out, idx = F.max_pool2d_with_indices(x, 2)
    assert idx.tolist() == [[[5, 7], [13, 15]]] and out.tolist() == [[[5.0, 7.0], [13.0, 15.0]]]
    # return_indices=False, positional or keyword, still gives the indices
    assert len(F.max_pool2d_with_indices(x, 2, None, 0, 1, False, False)) == 2
    assert len(F.adaptive_max_pool1d_with_indices(x[0], 2, return_indices=False)) == 2


def test_sdpa_without_a_minus_inf_score_skips_the_per_row_mask_check(monkeypatch):
    import numpy as np

    def refuse(*args, **kwargs):
        raise AssertionError("per-row pass on scores with no -inf")

    q = mg.tensor(np.random.RandomState(0).randn(2, 3, 4).astype(np.float32))
    monkeypatch.setattr(np, "all", refuse)
    out = mg.nn.functional.scaled_dot_product_attention(q, q, q)
    assert out.shape == (2, 3, 4) and np.isfinite(out.numpy()).all()


def test_cross_entropy_index_route_masks_its_gradient_only_when_a_sample_is_ignored(monkeypatch):
    import numpy as np

    x = mg.tensor(np.random.RandomState(0).randn(4, 3).astype(np.float32), requires_grad=True)
    t = mg.tensor([0, 1, 2, 1])
    loss = mg.nn.functional.cross_entropy(x, t, label_smoothing=0.1, ignore_index=-5)
    where = np.where

    def refuse(*args, **kwargs):
        raise AssertionError("np.where over the gradient with nothing ignored")

    monkeypatch.setattr(np, "where", refuse)
    loss.backward()
    monkeypatch.setattr(np, "where", where)
    ref = mg.tensor(x.detach().numpy(), requires_grad=True)
    mg.nn.functional.cross_entropy(ref, t, label_smoothing=0.1).backward()
    np.testing.assert_allclose(x.grad.numpy(), ref.grad.numpy(), rtol=1e-6)
    # an ignored sample still gets 0
    x.grad = None
    mg.nn.functional.cross_entropy(x, t, label_smoothing=0.1, ignore_index=1).backward()
    assert (x.grad.numpy()[[1, 3]] == 0).all() and (x.grad.numpy()[[0, 2]] != 0).all()


def test_batched_grad_count_errors_are_grads_own():
    import pytest

    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y, z = x * 2, x * 3
    for outs, go, counts in [((y, z), (mg.ones(3, 2),), "2 tensors and 1"),
                             ((y,), (), "1 tensors and 0")]:  # fmt: skip
        with pytest.raises(RuntimeError, match=f"grad: got {counts} gradients"):
            mg.autograd.grad(outs, x, go, is_grads_batched=True, retain_graph=True)
    # an extra gradient goes unused, as PyTorch's zip of outputs and gradients leaves it
    (extra,) = mg.autograd.grad((y,), x, (mg.ones(3, 2),) * 2, is_grads_batched=True,
                                retain_graph=True)  # fmt: skip
    assert extra.tolist() == [[2.0, 2.0]] * 3
    u = mg.tensor([1.0], requires_grad=True)
    got = mg.autograd.grad(y, (x, u), mg.ones(4, 2), is_grads_batched=True,
                           allow_unused=True, materialize_grads=True)  # fmt: skip
    assert got[1].shape == (4, 1) and (got[1].numpy() == 0).all()  # PyTorch's: (1,)
