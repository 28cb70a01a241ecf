"""float16 softmax and log_softmax are computed in float32 and rounded (PyTorch's opmath)."""

import numpy as np

import minigrad as mg


def test_float16_log_softmax_across_an_inner_dim_is_float32_rounded_once():
    x = (np.random.default_rng(0).standard_normal((6, 5)) * 20).astype(np.float16)
    x32 = x.astype(np.float32)
    want = x32 - x32.max(0) - np.log(np.exp(x32 - x32.max(0)).sum(0))
    got = mg.log_softmax(mg.tensor(x), 0)
    np.testing.assert_array_equal(got.numpy(), want.astype(np.float16))


def test_float16_softmax_gradient_is_float32_rounded_once():
    rng = np.random.default_rng(1)
    x = (rng.standard_normal((4, 6)) * 5).astype(np.float16)
    g = rng.standard_normal((4, 6)).astype(np.float16)
    t = mg.tensor(x, requires_grad=True)
    out = mg.softmax(t, 1)
    out.backward(mg.tensor(g))
    o, g32 = out.detach().numpy().astype(np.float32), g.astype(np.float32)
    want = o * (g32 - (g32 * o).sum(1, keepdims=True))
    np.testing.assert_array_equal(t.grad.numpy(), want.astype(np.float16))
