"""Oracle checks of the Tensor's surface against PyTorch: layouts (is_contiguous, stride and
whether view works) of results, operators, keyword arguments, indexing forms."""

import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

NONCONTIGUOUS = [
    "T.arange(6.).reshape(2, 3).t()",
    "T.arange(24.).reshape(2, 3, 4).permute(2, 1, 0)",
    "T.arange(24.).reshape(2, 3, 4).transpose(0, 1)",
    "T.arange(24.).reshape(4, 6)[:, ::2]",
]
C_ORDER_OPS = [
    "x.cumsum(0)", "x.cumsum(-1)", "x.cumprod(1)", "x.roll(1, 0)", "x.roll(2)",
    "x.repeat(*[1] * x.dim())", "x.tile((1, 1))", "x.tril()", "x.triu(1)", "x.cummax(0)[0]",
    "x.cummin(-1)[1]", "x.logcumsumexp(1)", "T.rot90(x, 1, (0, 1))", "T.rot90(x, -1, (1, 0))",
    "T.rot90(x, 2, (0, 1))", "T.rot90(x, 0, (0, 1))",
    "T.nn.functional.layer_norm(x, x.shape[-1:])", "T.nn.functional.one_hot(x.long(), 30)",
    "T.nn.functional.group_norm(x.unsqueeze(0), 1) if x.dim() == 2 else x.contiguous()",
    "T.cross(x[:3], x[:3], dim=0)",
]  # fmt: skip


@pytest.mark.parametrize("make", NONCONTIGUOUS)
@pytest.mark.parametrize("op", C_ORDER_OPS)
def test_layout_of_results_on_noncontiguous_input(make, op):
    """Where PyTorch's result is contiguous (so .view works on it), minigrad's is too."""
    out = {}
    for T in (torch, mg):
        x = eval(make, {"T": T})
        r = eval(op, {"x": x, "T": T})
        out[T] = (tuple(r.shape), r.is_contiguous(), r.stride() if r.is_contiguous() else None)
        if r.is_contiguous():
            r.view(-1)  # raises if the layout is not C order
    assert out[mg] == out[torch]
