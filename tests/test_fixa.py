"""Review fixes without PyTorch: NumPy operands on the left, fill_diagonal_ errors, quiet div."""

import warnings

import numpy as np
import pytest

import minigrad as mg


@pytest.mark.parametrize(
    "f",
    [
        lambda a, t: a + t,
        lambda a, t: a * t,
        lambda a, t: np.float64(2) - t,
        lambda a, t: a < t,
        lambda a, t: a.astype(np.float32) @ t,
    ],
)
def test_numpy_left_operand_gives_a_tensor(f):
    t = mg.tensor([1.0, 2.0, 3.0])
    assert isinstance(f(np.array([3.0, 2.0, 1.0]), t), mg.Tensor)


def test_numpy_inplace_on_an_array_stays_an_array():
    d = np.ones(3)
    d -= mg.tensor([1.0, 2.0, 3.0])
    assert type(d) is np.ndarray and d.tolist() == [0.0, -1.0, -2.0]


@pytest.mark.parametrize(
    "f",
    [
        lambda: mg.zeros(2, 2, requires_grad=True).fill_diagonal_(1),
        lambda: mg.zeros(2, 2).fill_diagonal_("a"),
    ],
)
def test_fill_diagonal_errors_name_it(f):
    with pytest.raises((RuntimeError, TypeError), match="^fill_diagonal_") as info:
        f()
    assert "masked_fill" not in str(info.value)


def test_div_backward_by_zero_is_quiet():
    a = mg.tensor([1.0, 0.0, -1.0], requires_grad=True)
    b = mg.tensor([0.0, 0.0, 2.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (a / b).sum().backward()
    assert b.grad.tolist()[2] == 0.25 and np.isnan(b.grad.tolist()[1])
