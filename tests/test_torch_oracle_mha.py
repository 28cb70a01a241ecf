"""nn.MultiheadAttention against PyTorch's, from the same weights: outputs, attention
weights, and the gradients of the inputs and of every parameter; state_dict keys, repr and
the initial weights' statistics. Runs only where torch is installed."""

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

CONFIGS = [  # (constructor options, forward options, masks, batched)
    ({}, {}, None, True),
    ({"batch_first": True}, {}, None, True),
    ({"bias": False}, {"average_attn_weights": False}, None, True),
    ({"kdim": 3, "vdim": 5}, {}, None, True),
    ({}, {}, "attn_bool", True),
    ({}, {}, "attn_float", True),
    ({}, {}, "attn_3d", True),
    ({}, {}, "padding_bool", True),
    ({"batch_first": True}, {}, "both", True),
    ({}, {"need_weights": False}, "padding_bool", True),
    ({}, {}, "causal", True),
    ({}, {}, None, False),
    ({}, {}, "padding_bool", False),
]


def _run(M, ctor, fwd, masks, batched, seed=0):
    rng = np.random.default_rng(seed)
    E, H, L, S, N = 8, 2, 4, 5, 3
    kdim, vdim = ctor.get("kdim", E), ctor.get("vdim", E)
    M.manual_seed(0)
    mha = M.nn.MultiheadAttention(E, H, dtype=M.float64, **ctor)
    with M.no_grad():  # the same weights in both
        for p in mha.parameters():
            p.copy_(M.tensor(rng.standard_normal(tuple(p.shape)) * 0.5))
    first = ctor.get("batch_first", False)

    def shaped(n, d):
        if not batched:
            return (n, d)
        return (N, n, d) if first else (n, N, d)

    q, k, v = (M.tensor(rng.standard_normal(shaped(n, d)), requires_grad=True)
               for n, d in ((L, E), (S, kdim), (S, vdim)))  # fmt: skip
    kwargs = dict(fwd)
    if masks in ("attn_bool", "both"):
        m = rng.random((L, S)) < 0.3
        m[:, 0] = False
        kwargs["attn_mask"] = M.tensor(m)
    if masks == "attn_float":
        kwargs["attn_mask"] = M.tensor(rng.standard_normal((L, S)))
    if masks == "attn_3d":
        kwargs["attn_mask"] = M.tensor(rng.standard_normal((N * H, L, S)))
    if masks in ("padding_bool", "both"):
        pad = rng.random((N, S) if batched else (S,)) < 0.3
        pad[..., 0] = False
        kwargs["key_padding_mask"] = M.tensor(pad)
    if masks == "causal":
        kwargs["attn_mask"] = M.tensor(np.triu(np.ones((L, S), bool), 1))
        kwargs["is_causal"] = True
    out, weights = mha(q, k, v, **kwargs)
    (out * M.tensor(rng.standard_normal(tuple(out.shape)))).sum().backward()
    grads = [t.grad.numpy() for t in (q, k, v)]
    grads += [p.grad.numpy() for _, p in mha.named_parameters()]
    w = None if weights is None else weights.detach().numpy()
    return out.detach().numpy(), w, grads, [n for n, _ in mha.named_parameters()]


@pytest.mark.parametrize("ctor, fwd, masks, batched", CONFIGS)
def test_multihead_attention_as_pytorch(ctor, fwd, masks, batched):
    ours = _run(mg, ctor, fwd, masks, batched)
    theirs = _run(torch, ctor, fwd, masks, batched)
    assert ours[3] == theirs[3]  # parameter names, in order
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-10, atol=1e-12)
    if theirs[1] is None:
        assert ours[1] is None
    else:
        np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-10, atol=1e-12)
    for a, b in zip(ours[2], theirs[2]):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("ctor", [{}, {"kdim": 3, "vdim": 5, "bias": False}])
def test_structure_and_initial_weights_as_pytorch(ctor):
    ours, theirs = mg.nn.MultiheadAttention(8, 2, **ctor), torch.nn.MultiheadAttention(8, 2, **ctor)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for (name, p), (_, t) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert tuple(p.shape) == tuple(t.shape), name
        if name.endswith("bias"):
            assert not p.detach().numpy().any() and not t.detach().numpy().any(), name
    w = mg.nn.MultiheadAttention(64, 4).in_proj_weight.detach().numpy()
    bound = np.sqrt(6 / (64 + 3 * 64))  # xavier_uniform_ over (3E, E)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound


@pytest.mark.parametrize(
    "code",
    [
        "M.nn.MultiheadAttention(6, 4)",
        "M.nn.MultiheadAttention(8, 2)(Q, KV, KV, attn_mask=M.ones(4, 4))",
        "M.nn.MultiheadAttention(8, 2)(Q, KV, KV, is_causal=True)",
        "M.nn.MultiheadAttention(8, 2)(M.ones(4, 3, 7), KV, KV)",
    ],
)
def test_bad_arguments_raise_as_pytorch(code):
    for M in (mg, torch):
        with pytest.raises((AssertionError, RuntimeError)) as caught:
            eval(code, {"M": M, "Q": M.ones(4, 3, 8), "KV": M.ones(5, 3, 8)})
        if M is mg:
            ours = caught.type
        else:
            assert issubclass(ours, caught.type) or issubclass(caught.type, ours)
