"""F.scaled_dot_product_attention without torch: central differences in float64, and
what a causal mask means (position i's output does not depend on later keys and values)."""

import numpy as np

import minigrad as mg
import minigrad.nn.functional as F


def test_gradcheck_with_a_float_mask():
    rng = np.random.default_rng(0)
    q, k, v = (mg.tensor(rng.standard_normal(s), requires_grad=True)
               for s in ((2, 3, 4), (2, 5, 4), (2, 5, 2)))  # fmt: skip
    mask = mg.tensor(rng.standard_normal((3, 5)))
    assert mg.gradcheck(
        lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=0.7),
        [q, k, v],
    )


def test_a_causal_output_ignores_later_positions():
    rng = np.random.default_rng(1)
    q, k, v = (mg.tensor(rng.standard_normal((4, 3)), dtype=mg.float64) for _ in range(3))
    out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    k2, v2 = k.clone(), v.clone()
    k2[2:] = 100.0  # change the keys and values after position 1
    v2[2:] = -100.0
    out2 = F.scaled_dot_product_attention(q, k2, v2, is_causal=True)
    np.testing.assert_array_equal(out.numpy()[:2], out2.numpy()[:2])
    assert not np.allclose(out.numpy()[2:], out2.numpy()[2:])
    np.testing.assert_allclose(out.numpy()[0], v.numpy()[0], rtol=1e-12)  # key 0 alone


def test_multihead_attention_gradcheck_and_shapes():
    mg.manual_seed(0)
    mha = mg.nn.MultiheadAttention(4, 2, dtype=mg.float64, batch_first=True)
    rng = np.random.default_rng(2)
    q = mg.tensor(rng.standard_normal((2, 3, 4)), requires_grad=True)
    kv = mg.tensor(rng.standard_normal((2, 5, 4)), requires_grad=True)
    out, weights = mha(q, kv, kv)
    assert out.shape == (2, 3, 4) and weights.shape == (2, 3, 5)
    np.testing.assert_allclose(weights.sum(-1).detach().numpy(), np.ones((2, 3)), rtol=1e-12)
    assert mg.gradcheck(lambda q, kv: mha(q, kv, kv)[0], [q, kv])
