"""Regressions from a probe of the differentiable ops (torch-free checks)."""

import warnings

import numpy as np
import pytest

import minigrad as mg


@pytest.mark.parametrize("dtype", [mg.float32, mg.float64])
@pytest.mark.parametrize(
    "fn, x, value, grad",
    [
        # log'(0) = 1/0 = inf, sqrt'(0) = 1/(2*0) = inf, as PyTorch gives them: no warning
        (lambda x: x.log(), [0.0, 1.0], [-np.inf, 0.0], [np.inf, 1.0]),
        (lambda x: x.sqrt(), [0.0, 4.0], [0.0, 2.0], [np.inf, 0.25]),
        # d(x / y)/dx = 1 / y with y = 0: x / 0 and its gradient are inf
        (lambda x: x / mg.zeros(2, dtype=x.dtype), [1.0, -2.0], [np.inf, -np.inf], [np.inf] * 2),
        # exp overflows to inf (float32 above ~88.7, float64 above ~709.8)
        (lambda x: x.exp(), [1000.0, 0.0], [np.inf, 1.0], [np.inf, 1.0]),
        # amax of a NaN slice: nothing equals it, so the shared gradient is 0 / 0 = NaN
        (lambda x: x.amax(0), [1.0, np.nan], np.nan, [np.nan, np.nan]),
    ],
)
def test_inf_and_nan_come_quietly(dtype, fn, x, value, grad):
    """Forward and backward give inf / NaN where PyTorch does, with no NumPy RuntimeWarning."""
    t = mg.tensor(x, dtype=dtype, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = fn(t)
        y.backward(mg.ones_like(y))
    np.testing.assert_array_equal(y.detach().numpy(), np.asarray(value, y.dtype))
    if grad is not None:
        np.testing.assert_array_equal(t.grad.numpy(), np.asarray(grad, t.grad.dtype))


def test_division_gradients_at_a_zero_divisor_come_quietly():
    """d(a / b)/da = 1 / b and d(a / b)/db = -a / b², inf or NaN at b = 0, no warning."""
    a = mg.tensor([1.0, 0.0], dtype=mg.float64, requires_grad=True)
    b = mg.tensor([0.0, 0.0], dtype=mg.float64, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (a / b).sum().backward()
    assert a.grad.tolist() == [np.inf, np.inf]
    assert b.grad.numpy()[0] == -np.inf and np.isnan(b.grad.numpy()[1])


@pytest.mark.parametrize("shape", [(), (3,), (2, 3, 4)])
def test_dot_T_on_other_than_a_matrix_warns_as_pytorch(shape):
    """PyTorch deprecates ``x.T`` but on 2-D tensors with a UserWarning (the result is
    still the reversed dims)."""
    x = mg.ones(shape)
    with pytest.warns(UserWarning, match="deprecated"):
        y = x.T
    assert y.shape == shape[::-1]


def test_dot_T_on_a_matrix_is_quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert mg.ones(2, 3).T.shape == (3, 2)
