"""nn.TransformerEncoderLayer and nn.TransformerEncoder against PyTorch's, from the same
weights (dropout 0): outputs and the gradients of the input and of every parameter; repr
and state_dict keys. Runs only where torch is installed."""

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

CONFIGS = [  # (layer options, masks, layers in an encoder (0: the layer alone))
    ({}, None, 0),
    ({"norm_first": True}, None, 0),
    ({"activation": "gelu", "batch_first": True}, None, 0),
    ({"activation": "GELU"}, None, 0),
    ({"bias": False, "layer_norm_eps": 1e-3}, None, 0),
    ({}, "causal", 0),
    ({}, "padding", 0),
    ({"batch_first": True}, "both", 0),
    ({}, None, 2),
    ({"norm_first": True}, "padding", 3),
]


def _run(M, options, masks, layers, seed=0):
    rng = np.random.default_rng(seed)
    E, L, N = 8, 5, 3
    opts = dict(options)
    if opts.get("activation") == "GELU":
        opts["activation"] = M.nn.GELU()
    layer = M.nn.TransformerEncoderLayer(E, 2, 16, 0.0, dtype=M.float64, **opts)
    model = (
        layer
        if not layers
        else M.nn.TransformerEncoder(
            layer, layers, norm=M.nn.LayerNorm(E, dtype=M.float64), enable_nested_tensor=False
        )
    )
    with M.no_grad():
        for p in model.parameters():
            p.copy_(M.tensor(rng.standard_normal(tuple(p.shape)) * 0.4))
    shape = (N, L, E) if opts.get("batch_first") else (L, N, E)
    x = M.tensor(rng.standard_normal(shape), requires_grad=True)
    kwargs = {}
    if masks in ("causal", "both"):
        kwargs["src_mask"] = M.tensor(np.triu(np.full((L, L), -np.inf), 1))
    if masks in ("padding", "both"):
        pad = rng.random((N, L)) < 0.3
        pad[:, 0] = False
        kwargs["src_key_padding_mask"] = M.tensor(pad)
    if layers and "src_mask" in kwargs:
        kwargs["mask"] = kwargs.pop("src_mask")
    out = model(x, **kwargs)
    (out * M.tensor(rng.standard_normal(tuple(out.shape)))).sum().backward()
    grads = [x.grad.numpy()] + [p.grad.numpy() for p in model.parameters()]
    names = [n for n, _ in model.named_parameters()]
    return out.detach().numpy(), grads, names, repr(model)


@pytest.mark.filterwarnings("ignore:enable_nested_tensor")
@pytest.mark.filterwarnings("ignore:Support for mismatched")  # tested below
@pytest.mark.parametrize("options, masks, layers", CONFIGS)
def test_transformer_encoder_as_pytorch(options, masks, layers):
    ours, theirs = _run(mg, options, masks, layers), _run(torch, options, masks, layers)
    assert ours[2] == theirs[2] and ours[3] == theirs[3]  # parameter names, repr
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-9, atol=1e-11)
    for a, b in zip(ours[1], theirs[1]):
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10)


def test_unknown_activation_raises_as_pytorch():
    for M in (mg, torch):
        with pytest.raises(RuntimeError, match="relu/gelu"):
            M.nn.TransformerEncoderLayer(8, 2, activation="tanh")


def test_masks_of_two_types_warn_as_pytorch():
    for M in (mg, torch):
        mha = M.nn.MultiheadAttention(4, 2)
        x = M.ones(3, 2, 4)
        with pytest.warns(UserWarning, match="Support for mismatched key_padding_mask"):
            mha(x, x, x, attn_mask=M.zeros(3, 3), key_padding_mask=M.zeros(2, 3, dtype=M.bool))


DECODER_CONFIGS = [  # (options, masks, what: "layer", "decoder" or "transformer")
    ({}, None, "layer"),
    ({"norm_first": True, "activation": "gelu"}, "masks", "layer"),
    ({"batch_first": True}, "masks", "decoder"),
    ({}, None, "transformer"),
    ({"batch_first": True, "norm_first": True}, "masks", "transformer"),
]


def _run_decoder(M, options, masks, what, seed=0):
    rng = np.random.default_rng(seed)
    E, T, S, N = 8, 4, 5, 2
    kw = dict(options, dtype=M.float64)
    if what == "layer":
        model = M.nn.TransformerDecoderLayer(E, 2, 16, 0.0, **kw)
    elif what == "decoder":
        model = M.nn.TransformerDecoder(M.nn.TransformerDecoderLayer(E, 2, 16, 0.0, **kw), 2)
    else:
        model = M.nn.Transformer(E, 2, 2, 2, 16, 0.0, **kw)
    with M.no_grad():
        for p in model.parameters():
            p.copy_(M.tensor(rng.standard_normal(tuple(p.shape)) * 0.4))
    first = options.get("batch_first")
    src = M.tensor(rng.standard_normal((N, S, E) if first else (S, N, E)), requires_grad=True)
    tgt = M.tensor(rng.standard_normal((N, T, E) if first else (T, N, E)), requires_grad=True)
    kwargs = {}
    if masks:
        kwargs["tgt_mask"] = M.nn.Transformer.generate_square_subsequent_mask(T, dtype=M.float64)
        pad = rng.random((N, S)) < 0.3
        pad[:, 0] = False
        kwargs["memory_key_padding_mask"] = M.tensor(pad)
        kwargs["tgt_is_causal"] = True
    out = model(src, tgt, **kwargs) if what == "transformer" else model(tgt, src, **kwargs)
    (out * M.tensor(rng.standard_normal(tuple(out.shape)))).sum().backward()
    grads = [src.grad.numpy(), tgt.grad.numpy()] + [p.grad.numpy() for p in model.parameters()]
    return out.detach().numpy(), grads, [n for n, _ in model.named_parameters()], repr(model)


@pytest.mark.filterwarnings("ignore:enable_nested_tensor")
@pytest.mark.filterwarnings("ignore:Support for mismatched")
@pytest.mark.parametrize("options, masks, what", DECODER_CONFIGS)
def test_transformer_decoder_as_pytorch(options, masks, what):
    ours, theirs = _run_decoder(mg, options, masks, what), _run_decoder(torch, options, masks, what)
    assert ours[2] == theirs[2] and ours[3] == theirs[3]
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-9, atol=1e-11)
    for a, b in zip(ours[1], theirs[1]):
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10)


@pytest.mark.filterwarnings("ignore:enable_nested_tensor")
def test_transformer_initial_matrices_are_xavier_uniform():
    model = mg.nn.Transformer(16, 2, 1, 1, 32)
    for name, p in model.named_parameters():
        if p.ndim > 1:
            fan_out, fan_in = p.shape
            bound = np.sqrt(6 / (fan_in + fan_out))
            assert np.abs(p.detach().numpy()).max() <= bound, name
