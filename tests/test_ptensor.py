"""Torch-free checks of the Tensor's surface: construction from Python ints beyond int64."""

import numpy as np
import pytest

import minigrad as mg


@pytest.mark.parametrize("data", [2**63, -(2**63) - 1, 2**64, [2**63], [[1], [2**70]]])
def test_ints_beyond_int64_are_refused(data):
    with pytest.raises(ValueError, match="Overflow"):
        mg.tensor(data)
    with pytest.raises(ValueError, match="Overflow"):
        mg.tensor(data, dtype=mg.int64)


@pytest.mark.parametrize("dtype", [mg.float32, mg.float64])
@pytest.mark.parametrize("data", [2**63, 2**70, [2**63, 1], [[2**64], [-(2**70)]]])
def test_ints_beyond_int64_read_as_floats_for_a_float_dtype(data, dtype):
    t = mg.tensor(data, dtype=dtype)
    assert t.dtype == dtype
    np.testing.assert_array_equal(t.numpy(), np.array(data, dtype=np.float64).astype(dtype))


def test_ints_beyond_int64_beside_floats_are_floats_of_the_default_dtype():
    t = mg.tensor([2**70, 1.5])
    assert t.dtype == mg.float32
    np.testing.assert_array_equal(t.numpy(), np.array([2.0**70, 1.5], np.float32))
    mg.set_default_dtype(mg.float64)
    try:
        assert mg.tensor([[1.5], [2**70]]).dtype == mg.float64
    finally:
        mg.set_default_dtype(mg.float32)


def test_ints_within_int64_stay_int64():
    assert mg.tensor(2**63 - 1).item() == 2**63 - 1
    assert mg.tensor([-(2**63), 0]).dtype == mg.int64
