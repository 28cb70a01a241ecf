"""The twenty-third session's fixes against PyTorch. Programs leave ``R`` and run with
``M`` bound to torch and to minigrad (the autograd harness: same values and gradients, or
both raise the same class of error). Runs only where torch is installed."""

import pytest
from test_torch_oracle_autograd import test_program_matches_pytorch as _program_matches
from torch_oracle import import_torch

torch = import_torch()

_X = "x = M.tensor([[1., 2.], [3., 4.]], dtype=M.float64, requires_grad=True)"
LOGSUMEXP_NO_DIMS = [
    f"{_X}; y = x.logsumexp((), keepdim=True); y.sum().backward(); R = (y, x.grad)",
    f"{_X}; y = M.logsumexp(x, [], True); y.backward(M.ones(1, 1, dtype=M.float64)); "
    "R = (y, x.grad)",
    f"{_X}; R = x.logsumexp(())",
    "x = M.tensor(2.5, requires_grad=True); y = x.logsumexp((), keepdim=True); y.backward(); "
    "R = (y, x.grad)",
]


@pytest.mark.parametrize("program", LOGSUMEXP_NO_DIMS)
def test_logsumexp_over_no_dims_reduces_all_with_keepdim_as_pytorch(program):
    _program_matches(program)
