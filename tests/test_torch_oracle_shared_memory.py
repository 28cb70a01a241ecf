"""share_memory_() / is_shared() against PyTorch: which tensors count as shared after it."""

from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()


def run(lib):
    x = lib.randn(3, 4)
    before = x.is_shared()
    view = x[1:]
    assert x.share_memory_() is x
    seen = [before, x.is_shared(), view.is_shared(), x[0].is_shared(), x.clone().is_shared(),
            x.detach().is_shared(), x.t().is_shared(), lib.randn(2).is_shared()]  # fmt: skip
    z = lib.randn(3, requires_grad=True)
    seen += [z.share_memory_() is z, z.is_shared()]
    m = lib.nn.Linear(2, 2)
    m.weight.grad = lib.ones(2, 2)
    bn = lib.nn.BatchNorm1d(2)
    assert m.share_memory() is m and bn.share_memory() is bn
    seen += [m.weight.is_shared(), m.weight.grad.is_shared(), m.bias.is_shared()]
    seen += [bn.running_mean.is_shared(), bn.num_batches_tracked.is_shared()]
    return seen


def test_share_memory_as_torch():
    assert run(mg) == run(torch)
