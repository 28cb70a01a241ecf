"""Torch-free checks of the Tensor's surface: construction from Python ints beyond int64,
numpy(force=True)."""

import numpy as np
import pytest

import minigrad as mg


def test_numpy_force_gives_the_array_of_a_tensor_that_requires_grad():
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="requires grad"):
        w.numpy()
    a = w.numpy(force=True)
    assert np.shares_memory(a, w.detach().numpy())  # on the CPU force=True is detach().numpy()
    np.testing.assert_array_equal(a, [1.0, 2.0])
    with pytest.raises(TypeError):
        w.numpy(True)  # keyword-only, as PyTorch's numpy(*, force=False)


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
