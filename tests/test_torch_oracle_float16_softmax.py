"""float16 softmax, log_softmax and logsumexp against PyTorch, forward and backward.

PyTorch computes these in float32 and rounds, but its kernels keep some intermediates in
float16 (the sum and its log along the last dim for log_softmax; exp(x - max) across an
inner dim for softmax). Where they differ from minigrad at all, it is by one ulp of
float32's exp, which rarely reaches a float16 result: at most a few of 7,000 elements."""

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "logsumexp"])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_float16_softmaxes_as_torch(name, dim):
    rng = np.random.default_rng(0)
    differ, total = [0, 0], 0
    for _ in range(200):
        a = (rng.standard_normal((5, 7)) * rng.choice([1, 5, 20])).astype(np.float16)
        t, m = torch.tensor(a, requires_grad=True), mg.tensor(a, requires_grad=True)
        want, got = getattr(torch, name)(t, dim), getattr(mg, name)(m, dim)
        assert got.dtype == mg.float16
        g = rng.standard_normal(tuple(want.shape)).astype(np.float16)
        want.backward(torch.tensor(g))
        got.backward(mg.tensor(g))
        for i, (w, v) in enumerate(((want.detach(), got.detach()), (t.grad, m.grad))):
            w, v = w.numpy(), v.numpy()
            np.testing.assert_array_max_ulp(w, v, maxulp=1)
            differ[i] += int((w != v).sum())
        total += a.size
    assert differ[0] <= 3 and differ[1] <= 3, (differ, total)


@pytest.mark.parametrize(
    "shape",
    [(2, 8, 16), (4, 64, 16), (1, 64, 32), (4, 64, 64), (2, 3, 5), (3, 20, 15), (8, 16, 4, 4)],
)
def test_float16_softmax_across_an_inner_dim_as_torch(shape):
    """PyTorch holds exp(x - max) in float16 when fewer than 16 elements follow the dim, and
    in float32 (for these shapes) when more do."""
    a = (np.random.default_rng(1).standard_normal(shape) * 4).astype(np.float16)
    want = torch.softmax(torch.tensor(a), 1).numpy()
    got = mg.softmax(mg.tensor(a), 1).numpy()
    assert (got != want).sum() <= 2


@pytest.mark.parametrize(
    "kw", [{}, {"label_smoothing": 0.1}, {"reduction": "sum"}, {"ignore_index": 2}]
)
def test_float16_cross_entropy_gradient_as_torch(kw):
    """The gradient of log p rounded to float16 (nll_loss's), then log_softmax's in float32."""
    rng = np.random.default_rng(2)
    differ = 0
    for _ in range(10):
        x = (rng.standard_normal((64, 10)) * 3).astype(np.float16)
        y = rng.integers(0, 10, 64)
        a, b = torch.tensor(x, requires_grad=True), mg.tensor(x, requires_grad=True)
        torch.nn.functional.cross_entropy(a, torch.tensor(y), **kw).backward()
        mg.nn.functional.cross_entropy(b, mg.tensor(y), **kw).backward()
        np.testing.assert_array_max_ulp(a.grad.numpy(), b.grad.numpy(), maxulp=1)
        differ += int((a.grad.numpy() != b.grad.numpy()).sum())
    assert differ <= 10  # of 6,400 (it was 300 to 2,300 computed in float16)
