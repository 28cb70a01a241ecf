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
