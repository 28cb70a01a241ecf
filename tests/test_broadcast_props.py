"""Hypothesis draws broadcast-compatible shape pairs for every binary op."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad as mg

BINARY = {
    "add": (lambda a, b: a + b, lambda a, b, g: (g, g)),
    "sub": (lambda a, b: a - b, lambda a, b, g: (g, -g)),
    "mul": (lambda a, b: a * b, lambda a, b, g: (g * b, g * a)),
    "div": (lambda a, b: a / b, lambda a, b, g: (g / b, -g * a / b**2)),
    "pow": (lambda a, b: a**b, lambda a, b, g: (g * b * a ** (b - 1), g * a**b * np.log(a))),
    "maximum": (mg.maximum, lambda a, b, g: (g * (a > b), g * (b > a))),
    "minimum": (mg.minimum, lambda a, b, g: (g * (a < b), g * (b < a))),
}


def _sum_to(g, shape):
    """Reference unbroadcast, written independently of the engine's."""
    while g.ndim > len(shape):
        g = g.sum(0)
    for i, n in enumerate(shape):
        if n == 1 and g.shape[i] != 1:
            g = g.sum(i, keepdims=True)
    return g


shape_pairs = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=3)


@settings(max_examples=40, deadline=None)
@given(pair=shape_pairs, op=st.sampled_from(sorted(BINARY)), seed=st.integers(0, 2**16))
def test_binary_ops_broadcast_forward_and_backward(pair, op, seed):
    fn, vjp = BINARY[op]
    sa, sb = pair.input_shapes
    rng = np.random.default_rng(seed)
    a = rng.uniform(0.5, 2.0, sa)
    b = rng.uniform(0.5, 2.0, sb) + 0.01  # avoid exact ties for maximum/minimum
    ta, tb = mg.tensor(a, requires_grad=True), mg.tensor(b, requires_grad=True)
    out = fn(ta, tb)
    expected = fn(a, b) if op not in ("maximum", "minimum") else getattr(np, op)(a, b)
    np.testing.assert_allclose(out.data, expected, rtol=1e-12)
    g = rng.normal(size=out.shape)
    out.backward(mg.tensor(g))
    ga, gb = vjp(np.broadcast_to(a, out.shape), np.broadcast_to(b, out.shape), g)
    np.testing.assert_allclose(ta.grad.data, _sum_to(ga, sa), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(tb.grad.data, _sum_to(gb, sb), rtol=1e-10, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(pair=shape_pairs, seed=st.integers(0, 2**16))
def test_broadcast_gradcheck_mul_add(pair, seed):
    sa, sb = pair.input_shapes
    rng = np.random.default_rng(seed)
    a = mg.tensor(rng.normal(size=sa), requires_grad=True)
    b = mg.tensor(rng.normal(size=sb), requires_grad=True)
    assert mg.gradcheck(lambda x, y: x * y + x - y, [a, b])
