"""The op table against PyTorch, values and gradients (runs only where torch is installed).

The finite-difference tests check the calculus; this checks that each op means
what its PyTorch namesake means (ties, conventions, dtypes).
"""

from types import SimpleNamespace

import numpy as np
import op_table
import pytest
from op_table import CASES
from torch_oracle import import_torch

torch = import_torch()

TORCH_MG = SimpleNamespace(
    **{
        name: getattr(torch, name)
        for name in (
            "maximum",
            "minimum",
            "add",
            "where",
            "exp",
            "log",
            "sqrt",
            "abs",
            "sin",
            "cos",
            "relu",
            "sigmoid",
            "tanh",
            "cat",
            "stack",
            "tensor",
            "round",
            "logsumexp",
            "mm",
            "tril",
            "triu",
            "gather",
            "norm",
            "topk",
        )  # fmt: skip
    },
    ops=SimpleNamespace(linear=torch.nn.functional.linear),
    nn=SimpleNamespace(functional=torch.nn.functional),
)

PARAMS = [
    pytest.param(case, shapes, id=f"{case.name}-{'-'.join(map(str, shapes))}")
    for case in CASES
    for shapes in case.shapes
]


@pytest.mark.parametrize("case,shapes", PARAMS)
def test_matches_pytorch(case, shapes, monkeypatch):
    import minigrad as mg

    arrays = case.inputs(shapes, seed=7)
    ours = [mg.tensor(a, requires_grad=True) for a in arrays]
    out = case.fn(*ours)
    g = np.random.default_rng(1).normal(size=out.shape)
    out.backward(mg.tensor(g))

    monkeypatch.setattr(op_table, "mg", TORCH_MG)
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    tout = case.fn(*theirs)
    tout.backward(torch.tensor(g))

    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-10, atol=1e-12)
    for mine, ref in zip(ours, theirs):
        np.testing.assert_allclose(mine.grad.data, ref.grad.numpy(), rtol=1e-10, atol=1e-12)
