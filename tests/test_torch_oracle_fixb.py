"""Oracle checks for review findings (fixb): minigrad against PyTorch."""

import inspect

import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()


def test_gradgradcheck_takes_every_pytorch_keyword():
    ours = inspect.signature(mg.autograd.gradgradcheck).parameters
    theirs = inspect.signature(torch.autograd.gradgradcheck).parameters
    assert [(p.name, p.kind, p.default) for p in ours.values()] == [
        (p.name, p.kind, p.default) for p in theirs.values()
    ]
    x = mg.tensor([1.0, 2.0], dtype=mg.float64, requires_grad=True)
    with pytest.raises(NotImplementedError, match="gradgradcheck"):
        mg.autograd.gradgradcheck(lambda a: a.exp(), x, check_batched_grad=True)
