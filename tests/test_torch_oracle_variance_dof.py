"""var and std with no degrees of freedom left (correction >= the number of elements
reduced): PyTorch's inf and NaN values and gradients, and its warning, never NumPy's."""

import warnings

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

CASES = [
    (0.5, 2, None),
    ([0.5, 1.5], 2, None),
    ([0.5, 1.5], 3, None),
    ([[0.5, 1.5], [1.0, 2.0]], 2, 1),
    ([[0.5, 1.5], [1.0, 2.0]], 3, 0),
    ([[0.5, 0.5], [1.0, 2.0]], 2, 1),
]


def _run(M, op, data, correction, dim):
    x = M.tensor(data, dtype=M.float64, requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        kwargs = (
            {"correction": correction} if dim is None else {"dim": dim, "correction": correction}
        )
        out = getattr(M, op)(x, **kwargs)
        out.sum().backward()
    messages = [str(w.message) for w in caught]
    return out.detach().numpy(), x.grad.numpy(), messages


@pytest.mark.parametrize("op", ["var", "std"])
@pytest.mark.parametrize("data, correction, dim", CASES)
def test_no_degrees_of_freedom_as_pytorch(op, data, correction, dim):
    ours, our_grad, our_warnings = _run(mg, op, data, correction, dim)
    theirs, their_grad, their_warnings = _run(torch, op, data, correction, dim)
    np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(our_grad, their_grad)
    assert len(our_warnings) == 1 and our_warnings[0].startswith(f"{op}(): degrees of freedom")
    assert their_warnings and their_warnings[0].startswith(our_warnings[0])
