"""F.scaled_dot_product_attention against PyTorch: values and the gradients of query, key
and value (float64), with batch and head dims, bool and float masks, is_causal, scale and
grouped-query heads; and the shape checks. Runs only where torch is installed."""

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg
import minigrad.nn.functional as F

torch = import_torch()

CASES = [
    ((5, 4), (6, 4), (6, 3), {}),
    ((2, 5, 4), (2, 6, 4), (2, 6, 3), {}),
    ((2, 3, 5, 4), (2, 3, 6, 4), (2, 3, 6, 2), {"scale": 0.3}),
    ((2, 3, 5, 4), (2, 3, 5, 4), (2, 3, 5, 4), {"is_causal": True}),
    ((2, 5, 4), (2, 6, 4), (2, 6, 3), {"mask": "bool"}),
    ((2, 5, 4), (2, 6, 4), (2, 6, 3), {"mask": "float"}),
    ((1, 4, 5, 4), (1, 2, 6, 4), (1, 2, 6, 3), {"enable_gqa": True}),
    ((3, 1, 5, 4), (1, 2, 6, 4), (1, 2, 6, 3), {}),  # batch dims broadcast
]


def _run(M, q, k, v, options, rng_seed):
    rng = np.random.default_rng(rng_seed)
    arrays = [rng.standard_normal(s) for s in (q, k, v)]
    Q, K, V = (M.tensor(a, requires_grad=True) for a in arrays)
    kwargs = {key: val for key, val in options.items() if key != "mask"}
    if options.get("mask") == "bool":
        keep = rng.random((q[-2], k[-2])) < 0.7
        keep[:, 0] = True  # no row masked out entirely
        kwargs["attn_mask"] = M.tensor(keep)
    elif options.get("mask") == "float":
        kwargs["attn_mask"] = M.tensor(rng.standard_normal((q[-2], k[-2])))
    out = (
        F.scaled_dot_product_attention(Q, K, V, **kwargs)
        if M is mg
        else (torch.nn.functional.scaled_dot_product_attention(Q, K, V, **kwargs))
    )
    weights = M.tensor(rng.standard_normal(tuple(out.shape)))
    (out * weights).sum().backward()
    return out.detach().numpy(), [t.grad.numpy() for t in (Q, K, V)]


@pytest.mark.parametrize("q, k, v, options", CASES)
def test_attention_as_pytorch(q, k, v, options):
    ours, our_grads = _run(mg, q, k, v, options, 0)
    theirs, their_grads = _run(torch, q, k, v, options, 0)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)
    for a, b in zip(our_grads, their_grads):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(
    "code",
    [
        "f(M.ones(2, 4), M.ones(3, 5), M.ones(3, 2))",  # E differs
        "f(M.ones(2, 4), M.ones(3, 4), M.ones(2, 2))",  # S differs
        "f(M.ones(2, 4), M.ones(3, 4), M.ones(3, 2), attn_mask=M.ones(2, 3), is_causal=True)",
    ],
)
def test_bad_shapes_raise_as_pytorch(code):
    for M, f in ((mg, F.scaled_dot_product_attention),
                 (torch, torch.nn.functional.scaled_dot_product_attention)):  # fmt: skip
        with pytest.raises(RuntimeError):
            eval(code, {"M": M, "f": f})


def test_dropout_keeps_the_shape_and_is_seeded():
    q = mg.ones(2, 5, 4)
    mg.manual_seed(1)
    a = F.scaled_dot_product_attention(q, q, q, dropout_p=0.5)
    mg.manual_seed(1)
    b = F.scaled_dot_product_attention(q, q, q, dropout_p=0.5)
    assert a.shape == (2, 5, 4) and a.tolist() == b.tolist()
