"""What the docs promise and a first check caught short: gradcheck's error message."""

import re

import numpy as np
import pytest

import minigrad as mg


def test_gradcheck_error_names_index_and_values_as_plain_numbers():
    """The tutorial: a wrong derivative raises a GradcheckError naming the input and the
    element. The index reads as a tuple of ints and the values as floats (no np.int64(...)
    or np.float64(...) wrappers from NumPy 2's repr)."""
    x = mg.tensor([[0.5, -1.0], [2.0, 0.25]], dtype=mg.float64, requires_grad=True)

    class WrongSquare(mg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * x  # should be 2 x

    with pytest.raises(mg.GradcheckError) as info:
        mg.gradcheck(WrongSquare.apply, (x,))
    message = str(info.value)
    assert "np." not in message
    assert "input 0 at index (0, 0)" in message
    analytical, numerical = (
        float(v) for v in re.findall(r"(?:analytical|numerical) ([-+.\deE]+)", message)
    )
    value = x.data[0, 0]
    assert analytical == pytest.approx(value)  # the wrong derivative, x
    assert numerical == pytest.approx(2 * value, rel=1e-6)  # the true one, 2 x
    assert isinstance(info.value, RuntimeError)
    assert np.isfinite([analytical, numerical]).all()
