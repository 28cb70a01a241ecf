"""Layers as a PyTorch user composes them, against PyTorch from the same weights and inputs:
the cases the other oracle files leave out. Runs only where torch is installed."""

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()


def _pair(a, requires_grad=True):
    return (torch.tensor(a, requires_grad=requires_grad),
            mg.tensor(a, requires_grad=requires_grad))  # fmt: skip


def _close(m, t, atol=1e-10):
    np.testing.assert_allclose(m.detach().numpy(), t.detach().numpy(), atol=atol, rtol=1e-7)


# -- attention: a query whose every key is masked out attends to nothing (0, not NaN) --

MASKS = ["bool_row", "float_row", "bool_3d", "causal_bool_all_false"]


def _mask(kind, L, S):
    rng = np.random.default_rng(1)
    if kind == "bool_row":
        m = rng.random((L, S)) > 0.3
        m[:, 0], m[1] = True, False
    elif kind == "float_row":
        m = rng.standard_normal((L, S))
        m[2] = -np.inf
    elif kind == "bool_3d":
        m = rng.random((3, L, S)) > 0.3
        m[..., 0], m[0, 0], m[2, 3] = True, False, False
    else:
        m = np.zeros((L, S), bool)
    return m


@pytest.mark.parametrize("kind", MASKS)
def test_sdpa_fully_masked_query_is_zero_with_zero_gradient(kind):
    rng = np.random.default_rng(0)
    L, S = 4, 5
    arrays = [rng.standard_normal((2, 3, n, 6)) for n in (L, S, S)]
    (tq, mq), (tk, mk), (tv, mv) = (_pair(a) for a in arrays)
    m = _mask(kind, L, S)
    t_out = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, torch.tensor(m))
    m_out = mg.nn.functional.scaled_dot_product_attention(mq, mk, mv, mg.tensor(m))
    assert not np.isnan(m_out.detach().numpy()).any()
    _close(m_out, t_out)
    g = rng.standard_normal(t_out.shape)
    (t_out * torch.tensor(g)).sum().backward()
    (m_out * mg.tensor(g)).sum().backward()
    for m_in, t_in in ((mq, tq), (mk, tk), (mv, tv)):
        _close(m_in.grad, t_in.grad)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("which", ["key_padding_mask", "attn_mask"])
def test_mha_without_weights_fully_masked_query(which, batch_first):
    """need_weights=False: PyTorch attends through scaled_dot_product_attention (0 for a query
    with no key); with the weights returned its softmax gives NaN there, as minigrad's."""
    rng = np.random.default_rng(0)
    E, H, N, L = 4, 2, 2, 3
    torch.manual_seed(0)
    t_mha = torch.nn.MultiheadAttention(E, H, batch_first=batch_first, dtype=torch.float64)
    m_mha = mg.nn.MultiheadAttention(E, H, batch_first=batch_first, dtype=mg.float64)
    m_mha.load_state_dict({k: mg.tensor(v.detach().numpy()) for k, v in t_mha.state_dict().items()})
    tx, mx = _pair(rng.standard_normal((N, L, E) if batch_first else (L, N, E)))
    if which == "key_padding_mask":
        mask = np.array([[True, True, True], [False, True, False]])
    else:
        mask = np.zeros((L, L), bool)
        mask[1] = True
    t_out, t_w = t_mha(tx, tx, tx, need_weights=False, **{which: torch.tensor(mask)})
    m_out, m_w = m_mha(mx, mx, mx, need_weights=False, **{which: mg.tensor(mask)})
    assert t_w is None and m_w is None
    _close(m_out, t_out)
    g = rng.standard_normal(t_out.shape)
    (t_out * torch.tensor(g)).sum().backward()
    (m_out * mg.tensor(g)).sum().backward()
    _close(mx.grad, tx.grad)
    m_params = dict(m_mha.named_parameters())
    for name, p in t_mha.named_parameters():
        _close(m_params[name].grad, p.grad)


def test_encoder_layer_fully_padded_sequence_trains():
    """A batch with a sequence that is all padding: PyTorch's training path gives it finite
    outputs and gradients (no NaN reaching the weights)."""
    rng = np.random.default_rng(0)
    torch.manual_seed(0)
    kw = {"dim_feedforward": 8, "dropout": 0.0, "batch_first": True}
    t_layer = torch.nn.TransformerEncoderLayer(4, 2, dtype=torch.float64, **kw)
    m_layer = mg.nn.TransformerEncoderLayer(4, 2, dtype=mg.float64, **kw)
    m_layer.load_state_dict(
        {k: mg.tensor(v.detach().numpy()) for k, v in t_layer.state_dict().items()}
    )
    tx, mx = _pair(rng.standard_normal((2, 3, 4)))
    pad = np.array([[True, True, True], [False, False, True]])
    t_out = t_layer(tx, src_key_padding_mask=torch.tensor(pad))
    m_out = m_layer(mx, src_key_padding_mask=mg.tensor(pad))
    _close(m_out, t_out)
    t_out.square().sum().backward()
    m_out.square().sum().backward()
    _close(mx.grad, tx.grad)
    m_params = dict(m_layer.named_parameters())
    for name, p in t_layer.named_parameters():
        assert np.isfinite(m_params[name].grad.numpy()).all()
        _close(m_params[name].grad, p.grad)


@pytest.mark.parametrize(
    "q_dtype, mask_dtype",
    [("float32", "float64"), ("float32", "int64"), ("float64", "int32"), ("float32", "uint8")],
)
def test_sdpa_attn_mask_of_another_dtype_raises(q_dtype, mask_dtype):
    """The mask must be bool, float32 or the query's dtype (PyTorch's check)."""
    args = [np.ones((1, 3, 4), q_dtype)] * 3
    mask = np.zeros((3, 3), mask_dtype)
    with pytest.raises(RuntimeError):
        torch.nn.functional.scaled_dot_product_attention(
            *map(torch.tensor, args), attn_mask=torch.tensor(mask)
        )
    with pytest.raises(RuntimeError, match="attn_mask"):
        mg.nn.functional.scaled_dot_product_attention(
            *map(mg.tensor, args), attn_mask=mg.tensor(mask)
        )


@pytest.mark.parametrize("q_dtype, mask_dtype", [("float64", "float32"), ("float32", "float32"),
                                                 ("float64", "bool")])  # fmt: skip
def test_sdpa_attn_mask_dtypes_accepted(q_dtype, mask_dtype):
    rng = np.random.default_rng(3)
    args = [rng.standard_normal((1, 3, 4)).astype(q_dtype) for _ in range(3)]
    mask = (rng.standard_normal((3, 3)) > -0.5).astype(mask_dtype)
    t_out = torch.nn.functional.scaled_dot_product_attention(
        *map(torch.tensor, args), attn_mask=torch.tensor(mask)
    )
    m_out = mg.nn.functional.scaled_dot_product_attention(
        *map(mg.tensor, args), attn_mask=mg.tensor(mask)
    )
    assert str(m_out.dtype) == str(t_out.dtype).replace("torch.", "")
    _close(m_out, t_out, atol=1e-6)
