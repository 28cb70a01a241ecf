"""Torch-free dtype checks: PyTorch's promotion table written out for a handful of ops,
and the dtype rules the dtype-matrix probe found broken (see test_torch_oracle_pdtype.py).
"""

import numpy as np
import pytest

import minigrad as mg

INTS = [mg.uint8, mg.int8, mg.int16, mg.int32, mg.int64]


@pytest.mark.parametrize("dtype", [mg.bool, *INTS])
@pytest.mark.parametrize("values", [[3, 200], []])
def test_integer_tensor_to_negative_python_int_power_raises(dtype, values):
    """PyTorch refuses int ** -n for any int dtype, even empty (uint8 used to wrap -2 to 254)."""
    x = mg.tensor(np.array(values).astype(dtype))
    with pytest.raises(RuntimeError, match="negative integer powers"):
        x**-2
    with pytest.raises(RuntimeError, match="negative integer powers"):
        mg.pow(x, -1)
    with pytest.raises(RuntimeError, match="negative integer powers"):
        x.clone().pow_(-3)


def test_integer_power_of_float_or_tensor_exponent_stays_allowed():
    x = mg.tensor(np.array([2, 4], dtype=np.uint8))
    assert (x**-1.0).tolist() == [0.5, 0.25]
    assert (x ** mg.tensor([-1, 0])).tolist() == [0, 1]  # int ** negative int tensor: 0 or ±1
    assert (x**2).tolist() == [4, 16]
