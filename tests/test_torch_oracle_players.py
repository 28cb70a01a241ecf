"""Layers as a PyTorch user composes them, against PyTorch from the same weights and inputs:
the cases the other oracle files leave out. Runs only where torch is installed."""

import warnings

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


# -- MultiheadAttention's add_bias_kv and add_zero_attn --

EXTRA_KEYS = [
    ({"add_bias_kv": True}, {}, None),
    ({"add_zero_attn": True}, {}, None),
    ({"add_bias_kv": True, "add_zero_attn": True}, {"average_attn_weights": False}, None),
    ({"add_bias_kv": True}, {}, "attn_bool"),
    ({"add_zero_attn": True}, {}, "attn_3d"),
    ({"add_bias_kv": True, "add_zero_attn": True}, {}, "padding"),
    ({"add_bias_kv": True, "batch_first": True}, {}, "both"),
    ({"add_bias_kv": True, "kdim": 3, "vdim": 5, "bias": False}, {}, "padding"),
    ({"add_zero_attn": True}, {"need_weights": False}, "padding_all"),
    ({"add_bias_kv": True}, {}, "unbatched"),
]


def _mha_run(M, ctor, fwd, masks, state):
    rng = np.random.default_rng(5)
    E, H, L, S, N = 8, 2, 4, 5, 3
    mha = M.nn.MultiheadAttention(E, H, dtype=M.float64, **ctor)
    mha.load_state_dict({k: M.tensor(v) for k, v in state.items()})
    first, batched = ctor.get("batch_first", False), masks != "unbatched"

    def shaped(n, d):
        if not batched:
            return (n, d)
        return (N, n, d) if first else (n, N, d)

    dims = ((L, E), (S, ctor.get("kdim", E)), (S, ctor.get("vdim", E)))
    q, k, v = (M.tensor(rng.standard_normal(shaped(n, d)), requires_grad=True) for n, d in dims)
    kwargs = dict(fwd)
    if masks in ("attn_bool", "both"):
        kwargs["attn_mask"] = M.tensor(rng.random((L, S)) < 0.4)
    if masks == "attn_3d":
        kwargs["attn_mask"] = M.tensor(rng.standard_normal((N * H, L, S)))
    if masks in ("padding", "both", "padding_all"):
        pad = rng.random((N, S)) < 0.4
        if masks == "padding_all":
            pad[1] = True  # only the added zero key is left to attend to
        kwargs["key_padding_mask"] = M.tensor(pad)
    out, weights = mha(q, k, v, **kwargs)
    g = rng.standard_normal(tuple(out.shape))
    loss = (out * M.tensor(g)).sum()
    if weights is not None:
        loss = loss + (weights * M.tensor(rng.standard_normal(tuple(weights.shape)))).sum()
    loss.backward()
    grads = {"q": q.grad, "k": k.grad, "v": v.grad}
    grads.update({n: p.grad for n, p in mha.named_parameters()})
    return out, weights, grads


@pytest.mark.parametrize("ctor, fwd, masks", EXTRA_KEYS)
def test_mha_extra_keys_as_pytorch(ctor, fwd, masks):
    torch.manual_seed(0)
    t_mha = torch.nn.MultiheadAttention(8, 2, dtype=torch.float64, **ctor)
    state = {k: v.detach().numpy() for k, v in t_mha.state_dict().items()}
    t_out, t_w, t_grads = _mha_run(torch, ctor, fwd, masks, state)
    m_out, m_w, m_grads = _mha_run(mg, ctor, fwd, masks, state)
    _close(m_out, t_out)
    assert (m_w is None) == (t_w is None)
    if t_w is not None:
        assert tuple(m_w.shape) == tuple(t_w.shape)
        _close(m_w, t_w)
    assert list(m_grads) == list(t_grads)
    for name, t_g in t_grads.items():
        _close(m_grads[name], t_g)


@pytest.mark.parametrize("ctor", [{"add_bias_kv": True}, {"add_bias_kv": True, "kdim": 3,
                                                          "add_zero_attn": True}])  # fmt: skip
def test_mha_extra_keys_structure_and_init(ctor):
    ours, theirs = (
        mg.nn.MultiheadAttention(64, 4, **ctor),
        torch.nn.MultiheadAttention(64, 4, **ctor),
    )
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for (name, p), (t_name, t) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert name == t_name and tuple(p.shape) == tuple(t.shape)
    assert ours.add_zero_attn == theirs.add_zero_attn
    both = np.concatenate([ours.bias_k.detach().numpy(), ours.bias_v.detach().numpy()])
    std = np.sqrt(2 / (64 + 64))  # xavier_normal_ of a (1, 1, E) tensor: fan_in = fan_out = E
    assert 0.8 * std < both.std() < 1.2 * std


# -- the in-place functional activations selu_ and rrelu_ --

INPLACE = [
    ("selu_", {}),
    ("rrelu_", {}),
    ("rrelu_", {"lower": 0.2, "upper": 0.4}),
    ("rrelu_", {"lower": 0.25, "upper": 0.25, "training": True}),  # a fixed slope
]


@pytest.mark.parametrize("name, kwargs", INPLACE)
def test_inplace_functional_activation_as_pytorch(name, kwargs):
    x = np.random.default_rng(6).standard_normal((3, 4)) * 2
    t_leaf, m_leaf = _pair(x)
    t_mid, m_mid = t_leaf * 1.5, m_leaf * 1.5
    t_out = getattr(torch.nn.functional, name)(t_mid, **kwargs)
    m_out = getattr(mg.nn.functional, name)(m_mid, **kwargs)
    assert t_out is t_mid and m_out is m_mid
    _close(m_out, t_out)
    g = np.random.default_rng(7).standard_normal(x.shape)
    (t_out * torch.tensor(g)).sum().backward()
    (m_out * mg.tensor(g)).sum().backward()
    _close(m_leaf.grad, t_leaf.grad)


# -- the 3-D pooling layers AdaptiveMaxPool3d, LPPool3d and MaxUnpool3d --


def _module_as_pytorch(ctor, x, extra=(), atol=1e-10):
    """ctor(M) built in both, applied to x: outputs (and indices), gradient of x, repr."""
    results = []
    for M in (torch, mg):
        xt = M.tensor(x, requires_grad=True)
        module = ctor(M)
        out = module(xt, *(M.tensor(e) for e in extra))
        value = out[0] if isinstance(out, tuple) else out
        g = np.random.default_rng(8).standard_normal(tuple(value.shape))
        (value * M.tensor(g)).sum().backward()
        results.append((out, xt.grad, repr(module)))
    (t_out, t_grad, t_repr), (m_out, m_grad, m_repr) = results
    assert m_repr == t_repr
    if isinstance(t_out, tuple):
        assert m_out[1].dtype == mg.int64
        np.testing.assert_array_equal(m_out[1].numpy(), t_out[1].numpy())
        t_out, m_out = t_out[0], m_out[0]
    _close(m_out, t_out, atol)
    _close(m_grad, t_grad, atol)


AMP3 = [(2, (2, 3, 4, 5, 6)), ((2, 3, 1), (2, 3, 4, 5, 6)), ((None, 2, 3), (3, 4, 5, 6)),
        ((5, 4, 7), (1, 2, 4, 5, 6)), (1, (2, 2, 3, 3, 3))]  # fmt: skip


@pytest.mark.parametrize("kind", ["normal", "ties"])
@pytest.mark.parametrize("size, shape", AMP3)
@pytest.mark.parametrize("return_indices", [False, True])
def test_adaptive_max_pool3d_as_pytorch(size, shape, kind, return_indices):
    x = np.random.default_rng(9).standard_normal(shape)
    if kind == "ties":
        x = np.round(x)
    _module_as_pytorch(lambda M: M.nn.AdaptiveMaxPool3d(size, return_indices), x)


def test_adaptive_max_pool3d_nan_and_inf():
    x = np.full((1, 2, 4, 5, 6), -np.inf)
    x[0, 1, 1, 2, 3] = x[0, 1, 2, 1, 0] = x[0, 1, 3, 3, 5] = np.nan
    x[0, 0, 0, 0, 0] = 1.0
    t_out, t_idx = torch.nn.functional.adaptive_max_pool3d(torch.tensor(x), (2, 3, 2), True)
    m_out, m_idx = mg.nn.functional.adaptive_max_pool3d(mg.tensor(x), (2, 3, 2), True)
    np.testing.assert_array_equal(m_out.numpy(), t_out.numpy())
    np.testing.assert_array_equal(m_idx.numpy(), t_idx.numpy())


@pytest.mark.parametrize(
    "code",
    [
        "F.adaptive_max_pool3d(M.randn(2, 3, 4), 2)",
        "F.adaptive_max_pool3d(M.randn(1, 2, 3, 4), (2, 2))",
        "F.adaptive_max_pool3d(M.randn(1, 0, 3, 4), 2)",
        "F.adaptive_max_pool3d(M.randn(1, 2, 3, 4), 2.5)",
        "F.max_unpool3d(M.randn(2, 3, 4), M.zeros(2, 3, 4, dtype=M.long), 2)",
        "F.max_unpool3d(*F.max_pool3d(M.randn(1, 1, 5, 6, 7), 2, return_indices=True), 2)",
    ],
)
def test_3d_pooling_bad_arguments_raise_as_pytorch(code):
    caught = []
    for M in (torch, mg):
        with pytest.raises(Exception) as info:
            eval(code, {"M": M, "F": M.nn.functional})
        caught.append(info.type)
    assert issubclass(caught[1], caught[0]), caught


LP3 = [
    (2, 2, None, False, (2, 2, 4, 5, 6)),
    (3, (2, 1, 3), 1, False, (2, 4, 5, 6)),
    (1.5, 2, (1, 2, 1), True, (1, 2, 5, 5, 5)),
    (float("inf"), 2, None, False, (1, 2, 4, 4, 4)),
]


@pytest.mark.parametrize("p, k, s, ceil, shape", LP3)
def test_lp_pool3d_as_pytorch(p, k, s, ceil, shape):
    x = np.abs(np.random.default_rng(10).standard_normal(shape)) + 0.1
    _module_as_pytorch(lambda M: M.nn.LPPool3d(p, k, s, ceil), x)


@pytest.mark.parametrize("k, s, p", [(2, None, 0), ((1, 2, 3), (1, 2, 3), 0), (3, 3, 0),
                                     (2, 2, (1, 0, 1))])  # fmt: skip
def test_max_unpool3d_as_pytorch(k, s, p):
    x = np.random.default_rng(11).standard_normal((2, 2, 6, 6, 6))

    def ctor(M):
        pool = M.nn.MaxPool3d(k, s, p, return_indices=True)
        unpool = M.nn.MaxUnpool3d(k, s, p)

        class PoolUnpool(M.nn.Module):
            def __init__(self):
                super().__init__()
                self.pool, self.unpool = pool, unpool

            def forward(self, x):
                return self.unpool(*self.pool(x))

        return PoolUnpool()

    _module_as_pytorch(ctor, x)


def test_max_unpool3d_output_size_and_unbatched_as_pytorch():
    x = np.random.default_rng(12).standard_normal((2, 5, 5, 6))
    outs = []
    for M in (torch, mg):
        F = M.nn.functional
        out, idx = F.max_pool3d(M.tensor(x), 2, return_indices=True)
        outs.append(F.max_unpool3d(out, idx, 2, output_size=(5, 5, 6)))
    assert tuple(outs[1].shape) == tuple(outs[0].shape) == (2, 5, 5, 6)
    _close(outs[1], outs[0])


# -- BatchNorm's state_dict without num_batches_tracked (older, or written by hand) --


@pytest.mark.parametrize("cls, shape", [("BatchNorm1d", (4, 3)), ("BatchNorm2d", (4, 3, 2, 2)),
                                        ("InstanceNorm1d", (4, 3, 5))])  # fmt: skip
def test_norm_loads_state_dict_without_num_batches_tracked(cls, shape):
    """PyTorch fills the missing count in with the module's own (a dict without version
    metadata); training with momentum=None then averages from that count."""
    rng = np.random.default_rng(13)
    sd = {"running_mean": rng.standard_normal(3), "running_var": rng.random(3) + 0.5}
    if cls.startswith("Batch"):
        sd.update(weight=rng.standard_normal(3), bias=rng.standard_normal(3))
    kw = {"momentum": None, "dtype": None}
    if cls.startswith("Instance"):
        kw["track_running_stats"] = True
    x = rng.standard_normal(shape)
    outs = []
    for M in (torch, mg):
        module = getattr(M.nn, cls)(3, **dict(kw, dtype=M.float64))
        module.num_batches_tracked.fill_(4)
        result = module.load_state_dict({k: M.tensor(v) for k, v in sd.items()})
        assert list(result.missing_keys) == [] and list(result.unexpected_keys) == []
        module(M.tensor(x))
        outs.append(module.state_dict())
    t_sd, m_sd = outs
    assert list(m_sd) == list(t_sd)
    counted = 5 if cls.startswith("Batch") else 4  # instance norms do not count batches
    assert int(m_sd["num_batches_tracked"].item()) == int(t_sd["num_batches_tracked"]) == counted
    for k in t_sd:
        _close(m_sd[k], t_sd[k])


# -- TransformerEncoder in inference: PyTorch's nested-tensor path zeroes the padding --

PADS = {
    "left_aligned": [[False, False, True, True], [False] * 4, [False, True, True, True]],
    "not_left_aligned": [[False, True, False, True], [False] * 4, [False] * 4],
}


@pytest.mark.parametrize("pad", list(PADS))
@pytest.mark.parametrize("norm", [False, True])
@pytest.mark.parametrize(
    "batch_first, grad, train, mask",
    [(True, False, False, False), (True, True, False, False), (True, False, True, False),
     (True, False, False, True), (False, False, False, False)],
)  # fmt: skip
def test_transformer_encoder_padding_in_inference(pad, norm, batch_first, grad, train, mask):
    """Eval, no gradient to record, batch_first, a left-aligned padding mask and no mask:
    PyTorch runs the layers on a nested tensor and pads it back with zeros (then norm)."""
    x = np.random.default_rng(14).standard_normal((3, 4, 8) if batch_first else (4, 3, 8))
    torch.manual_seed(0)

    def build(M):
        layer = M.nn.TransformerEncoderLayer(8, 2, 16, 0.0, batch_first=batch_first,
                                             dtype=M.float64)  # fmt: skip
        norm_layer = M.nn.LayerNorm(8, dtype=M.float64) if norm else None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # batch_first=False: "use_nested_tensor is False"
            return M.nn.TransformerEncoder(layer, 2, norm=norm_layer)

    t_enc, m_enc = build(torch), build(mg)
    m_enc.load_state_dict({k: mg.tensor(v.detach().numpy()) for k, v in t_enc.state_dict().items()})
    outs = []
    for M, enc in ((torch, t_enc), (mg, m_enc)):
        enc.train(train)
        kw = {"src_key_padding_mask": M.tensor(np.array(PADS[pad]))}
        if mask:
            kw["mask"] = M.tensor(np.zeros((4, 4)))
        with M.set_grad_enabled(grad):
            outs.append(enc(M.tensor(x), **kw))
    _close(outs[1], outs[0])


@pytest.mark.parametrize("use_memory_mask", [False, True])
def test_transformer_inference_with_source_padding(use_memory_mask):
    """nn.Transformer (batch_first) in eval under no_grad: the decoder reads the encoder's
    memory as PyTorch's nested-tensor path leaves it (zeros at the padding, then norm)."""
    rng = np.random.default_rng(15)
    src, tgt = rng.standard_normal((3, 4, 8)), rng.standard_normal((3, 5, 8))
    pad = np.array([[False, False, True, True], [False] * 4, [False, True, True, True]])
    torch.manual_seed(0)
    t_model = torch.nn.Transformer(8, 2, 2, 1, 16, 0.0, batch_first=True, dtype=torch.float64)
    m_model = mg.nn.Transformer(8, 2, 2, 1, 16, 0.0, batch_first=True, dtype=mg.float64)
    m_model.load_state_dict({k: mg.tensor(v.numpy()) for k, v in t_model.state_dict().items()})
    outs = []
    for M, model in ((torch, t_model), (mg, m_model)):
        model.eval()
        kw = {"src_key_padding_mask": M.tensor(pad)}
        if use_memory_mask:
            kw["memory_key_padding_mask"] = M.tensor(pad)
        with M.no_grad():
            outs.append(model(M.tensor(src), M.tensor(tgt), **kw))
    _close(outs[1], outs[0])


@pytest.mark.parametrize(
    "kwargs",
    [{"batch_first": False}, {"batch_first": True}, {"batch_first": True, "norm_first": True},
     {"batch_first": True, "bias": False}, {"batch_first": True, "activation": "gelu"}],
)  # fmt: skip
def test_transformer_encoder_nested_tensor_attributes(kwargs):
    seen = []
    for M in (torch, mg):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            enc = M.nn.TransformerEncoder(M.nn.TransformerEncoderLayer(8, 2, 16, **kwargs), 2)
        messages = [str(w.message) for w in caught if "nested" in str(w.message)]
        seen.append((enc.enable_nested_tensor, enc.use_nested_tensor, enc.mask_check,
                     enc.layers[0].activation_relu_or_gelu, messages))  # fmt: skip
    assert seen[1] == seen[0]


# -- nn.functional's *_with_indices forms: the pooling and its indices, always --

WITH_INDICES = [
    ("max_pool1d_with_indices", (2, 6), {"kernel_size": 2, "stride": 1}),
    ("max_pool2d_with_indices", (2, 6, 6), {"kernel_size": 3, "padding": 1, "ceil_mode": True}),
    ("max_pool3d_with_indices", (1, 2, 4, 4, 4), {"kernel_size": 2, "return_indices": False}),
    ("adaptive_max_pool1d_with_indices", (2, 7), {"output_size": 3}),
    ("adaptive_max_pool2d_with_indices", (2, 5, 6), {"output_size": (2, 4)}),
    ("adaptive_max_pool3d_with_indices", (1, 2, 4, 5, 6), {"output_size": 2}),
]


@pytest.mark.parametrize("name, shape, kwargs", WITH_INDICES)
def test_pooling_with_indices_as_pytorch(name, shape, kwargs):
    import inspect

    x = np.random.default_rng(16).standard_normal(shape)
    t_out, t_idx = getattr(torch.nn.functional, name)(torch.tensor(x), **kwargs)
    m_out, m_idx = getattr(mg.nn.functional, name)(mg.tensor(x), **kwargs)
    _close(m_out, t_out)
    np.testing.assert_array_equal(m_idx.numpy(), t_idx.numpy())
    t_sig = inspect.signature(getattr(torch.nn.functional, name)).parameters
    m_sig = inspect.signature(getattr(mg.nn.functional, name)).parameters
    assert list(m_sig) == list(t_sig)
    assert [p.default for p in m_sig.values()] == [p.default for p in t_sig.values()]


@pytest.mark.parametrize("n", [2, 3])
def test_fractional_max_pool_with_indices_returns_both(n):
    x = mg.tensor(np.random.default_rng(17).standard_normal((1, 2) + (6,) * n))
    f = getattr(mg.nn.functional, f"fractional_max_pool{n}d_with_indices")
    out, idx = f(x, 2, output_size=3)
    assert out.shape == idx.shape == (1, 2) + (3,) * n and idx.dtype == mg.int64
    flat = x.numpy().reshape(1, 2, -1)
    np.testing.assert_array_equal(np.take_along_axis(flat, idx.numpy().reshape(1, 2, -1), -1),
                                  out.numpy().reshape(1, 2, -1))  # fmt: skip


# -- F.pad reflect/replicate cropping every padded dim to nothing --

EMPTY_PADS = [
    ((2, 2), (-2, 0), True),
    ((1, 2, 3), (-1, -2), True),
    ((1, 2, 3, 3), (-3, 0, -3, 0), True),
    ((1, 1, 2, 3, 3), (-3, 0, -3, 0, -2, 0), True),
    ((1, 2, 3, 3), (0, 0, -3, 0), False),  # one padded dim left non-empty: allowed
    ((1, 1, 2, 3, 3), (-3, 0, 0, 0, 0, 0), False),
]


@pytest.mark.parametrize("mode", ["reflect", "replicate"])
@pytest.mark.parametrize("shape, pad, raises", EMPTY_PADS)
def test_pad_cropping_every_padded_dim_away(mode, shape, pad, raises):
    x = np.ones(shape)
    if raises:
        with pytest.raises(RuntimeError):
            torch.nn.functional.pad(torch.tensor(x), pad, mode=mode)
        with pytest.raises(RuntimeError, match="pad"):
            mg.nn.functional.pad(mg.tensor(x), pad, mode=mode)
    else:
        t = torch.nn.functional.pad(torch.tensor(x), pad, mode=mode)
        m = mg.nn.functional.pad(mg.tensor(x), pad, mode=mode)
        assert tuple(m.shape) == tuple(t.shape)


# -- F.multi_head_attention_forward, the functional form MultiheadAttention runs on --

MHA_FORWARD = [  # (separate projections, batched, bias_kv, zero_attn, static k/v, masks, weights)
    (False, True, False, False, False, False, True),
    (True, True, False, False, False, True, True),
    (False, False, True, True, False, True, False),
    (False, True, False, True, True, False, True),
    (True, False, True, False, False, False, True),
]


def _mha_forward(M, sep, batched, bias_kv, zero, static, masks, need_weights):
    rng = np.random.default_rng(18)
    E, H, L, S, N = 8, 2, 3, 4, 2

    def T(*shape):
        return M.tensor(rng.standard_normal(shape), requires_grad=True)

    def seq(n, d):
        return T(n, N, d) if batched else T(n, d)

    q, k, v = seq(L, E), seq(S, 5 if sep else E), seq(S, 6 if sep else E)
    packed, in_bias, out_w, out_b = T(3 * E, E), T(3 * E), T(E, E), T(E)
    bias_k, bias_v = (T(1, 1, E), T(1, 1, E)) if bias_kv else (None, None)
    q_w, k_w, v_w = (T(E, E), T(E, 5), T(E, 6)) if sep else (None, None, None)
    nb = N if batched else 1
    static_k, static_v = (T(nb * H, 5, E // H), T(nb * H, 5, E // H)) if static else (None, None)
    kw = {}
    if masks:
        pad = np.array([[False, True, False, False], [False, False, False, True]])
        kw = {"key_padding_mask": M.tensor(pad if batched else pad[0]),
              "attn_mask": M.tensor(rng.standard_normal((L, S)))}  # fmt: skip
    out, weights = M.nn.functional.multi_head_attention_forward(
        q, k, v, E, H, None if sep else packed, in_bias, bias_k, bias_v, zero, 0.0, out_w,
        out_b, need_weights=need_weights, use_separate_proj_weight=sep, q_proj_weight=q_w,
        k_proj_weight=k_w, v_proj_weight=v_w, static_k=static_k, static_v=static_v,
        average_attn_weights=False, **kw,
    )  # fmt: skip
    loss = (out * out).sum() + (0 if weights is None else (weights * weights).sum())
    loss.backward()
    leaves = [q, k, v, in_bias, out_w, out_b, packed, bias_k, bias_v, q_w, k_w, v_w]
    leaves += [static_k, static_v]
    grads = [None if t is None or t.grad is None else t.grad.numpy() for t in leaves]
    return out, weights, grads


@pytest.mark.parametrize("case", MHA_FORWARD)
def test_multi_head_attention_forward_as_pytorch(case):
    t_out, t_w, t_grads = _mha_forward(torch, *case)
    m_out, m_w, m_grads = _mha_forward(mg, *case)
    _close(m_out, t_out)
    assert (m_w is None) == (t_w is None)
    if t_w is not None:
        _close(m_w, t_w)
    for m_g, t_g in zip(m_grads, t_grads):
        if t_g is None:  # an unused input: PyTorch leaves no gradient, minigrad may give 0
            assert m_g is None or not m_g.any()
        else:
            np.testing.assert_allclose(m_g, t_g, atol=1e-9, rtol=1e-7)
