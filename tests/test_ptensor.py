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


def test_inplace_numpy_operator_on_data_changes_the_array():
    """``p.data -= lr * p.grad`` (PyTorch's idiom; here .data is the ndarray) writes into p's
    array; Python's fallback for a deferred ``ndarray -= Tensor`` made p.data a Tensor."""
    p = mg.tensor([1.0, 2.0], requires_grad=True)
    (p * p).sum().backward()
    array = p.data
    p.data -= 0.5 * p.grad
    assert p.data is array and type(p.data) is np.ndarray
    np.testing.assert_array_equal(p.detach().numpy(), np.array([0.0, 0.0], np.float32))
    a = np.ones(3)
    b = a
    b *= mg.arange(3.0)
    b += mg.tensor(1.0)
    assert b is a
    np.testing.assert_array_equal(a, [1.0, 2.0, 3.0])
    out = np.zeros(2, np.float32)
    np.add(mg.tensor([1.0, 2.0]), mg.tensor([3.0, 4.0]), out=out)
    np.testing.assert_array_equal(out, [4.0, 6.0])


@pytest.mark.parametrize(
    "expr, expected",
    [
        ("a + t", [4.0, 6.0]), ("a - t", [2.0, 2.0]), ("a * t", [3.0, 8.0]),
        ("a / t", [3.0, 2.0]), ("a ** t", [3.0, 16.0]), ("a // t", [3.0, 2.0]),
        ("a % t", [0.0, 0.0]), ("np.float64(2) * t", [2.0, 4.0]),
        ("np.float32(1) - t", [0.0, -1.0]), ("a < t", [False, False]),
        ("a >= t", [True, True]), ("a == t", [False, False]), ("ai & ti", [1, 0]),
        ("ai << ti", [6, 16]),
    ],
)  # fmt: skip
def test_numpy_operand_with_a_tensor_gives_a_tensor(expr, expected):
    """An array or NumPy number <op> a Tensor is the Tensor's reflected operator."""
    env = {"a": np.array([3.0, 4.0], np.float32), "t": mg.tensor([1.0, 2.0]), "np": np,
           "ai": np.array([3, 4]), "ti": mg.tensor([1, 2])}  # fmt: skip
    r = eval(expr, env)
    assert isinstance(r, mg.Tensor)
    np.testing.assert_array_equal(r.numpy(), expected)


def test_numpy_ufuncs_of_a_tensor_are_tensors():
    """NumPy's ufuncs on a Tensor give Tensors (PyTorch's __array_wrap__), computed on the
    array; a tensor that requires grad is refused, as by t.numpy()."""
    t = mg.tensor([0.0, 1.0])
    r = np.exp(t)
    assert isinstance(r, mg.Tensor) and not r.requires_grad
    np.testing.assert_allclose(r.numpy(), np.exp(np.array([0.0, 1.0], np.float32)))
    assert isinstance(np.add.reduce(t), mg.Tensor) and np.add.reduce(t).shape == ()
    frac, whole = np.modf(mg.tensor([1.5]))
    assert isinstance(frac, mg.Tensor) and frac.item() == 0.5 and whole.item() == 1.0
    assert type(np.asarray(t)) is np.ndarray
    with pytest.raises(RuntimeError, match="requires grad"):
        np.exp(mg.tensor([1.0], requires_grad=True))
