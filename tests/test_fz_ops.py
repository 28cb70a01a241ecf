"""Awkward inputs to tensor ops (0-d, empty, dim=(), bool, correction >= n), checked by
formula and without PyTorch: the torch-free half of test_torch_oracle_fz_ops.py."""

import numpy as np
import pytest

import minigrad as mg


def test_mT_of_a_0d_tensor_is_the_identity_and_differentiable():
    x = mg.tensor(1.5, dtype=mg.float64, requires_grad=True)
    y = x.mT * 3
    y.backward()
    assert y.shape == () and y.item() == 4.5 and x.grad.item() == 3.0


def test_logit_slope_at_signed_zero_is_plus_inf():
    """d/dx log(x / (1 - x)) = 1 / (x (1 - x)) -> +inf as x -> 0 from inside [0, 1]."""
    x = mg.tensor([-0.0, 0.0, 0.25], dtype=mg.float64, requires_grad=True)
    x.logit().backward(mg.tensor([1.0, 1.0, 1.0], dtype=mg.float64))
    np.testing.assert_array_equal(x.grad.numpy(), [np.inf, np.inf, 1 / (0.25 * 0.75)])


@pytest.mark.parametrize("dim", [(), []])
def test_all_and_any_over_no_dims_are_elementwise(dim):
    a = np.array([[0.0, 2.0], [-1.0, 0.0]])
    np.testing.assert_array_equal(mg.tensor(a).any(dim).numpy(), a != 0)
    np.testing.assert_array_equal(mg.tensor(a).all(dim, keepdim=True).numpy(), a != 0)


def test_squeeze_of_no_dims_keeps_the_shape():
    assert mg.zeros(2, 1, 3).squeeze(()).shape == (2, 1, 3)


def test_median_of_an_empty_tensor_has_a_zero_gradient_of_its_shape():
    x = mg.zeros(0, 3, 1, requires_grad=True)
    m = x.median()
    m.backward()
    assert np.isnan(m.item()) and x.grad.shape == (0, 3, 1)


def test_kthvalue_and_median_refuse_bools_and_empty_dims():
    with pytest.raises(NotImplementedError, match="kthvalue"):
        mg.tensor([True, False]).kthvalue(1)
    with pytest.raises(NotImplementedError, match="median"):
        mg.tensor([True, False]).median()
    with pytest.raises(IndexError, match="kthvalue"):
        mg.zeros(2, 0).kthvalue(1)
    assert mg.zeros(2, 0).kthvalue(1, 0).values.shape == (0,)


def test_repeat_interleave_along_a_dim_of_a_0d_tensor_is_an_index_error():
    with pytest.raises(IndexError, match="repeat_interleave"):
        mg.tensor(1.5).repeat_interleave(2, dim=0)
    assert mg.tensor(1.5).repeat_interleave(2).shape == (2,)


def test_var_and_std_of_all_elements_with_no_degrees_of_freedom():
    """2 / (n - c) is inf for n <= c: the gradient is inf, NaN where x equals its mean
    (inf * 0); std's is var's times g / (2 std) = 0, so NaN."""
    x = mg.tensor([1.5, 2.0, 2.5], dtype=mg.float64, requires_grad=True)
    with np.errstate(all="ignore"):
        x.var(correction=4).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [np.inf, np.nan, np.inf])
    x.grad = None
    x.std(correction=3).backward()
    assert np.isnan(x.grad.numpy()).all()
    x.grad = None  # along a dim, 2 / (n - c) is finite for n < c
    x.var(0, correction=4).backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * (x.data - x.data.mean()) / (3 - 4))
