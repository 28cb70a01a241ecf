"""view(dtype) without PyTorch: the bytes are the input's (as NumPy's ndarray.view reads
them), shared, and the errors name the op and the sizes."""

import numpy as np
import pytest

import minigrad as mg


def test_bytes_are_shared_both_ways():
    x = mg.tensor([1.0, 2.0, 3.0, 4.0])
    y = x.view(mg.int16)
    assert y.shape == (8,)
    np.testing.assert_array_equal(y.numpy(), np.array([1, 2, 3, 4], np.float32).view(np.int16))
    y[0:2] = mg.tensor(np.array([7.5], np.float32).view(np.int16))
    assert x[0].item() == 7.5


def test_wider_dtype_needs_a_divisible_last_size():
    with pytest.raises(RuntimeError, match=r"view: self.size\(-1\) must be divisible by 2"):
        mg.ones(2, 3).view(mg.float64)


def test_narrower_dtype_needs_a_contiguous_last_dim():
    with pytest.raises(RuntimeError, match=r"view: self.stride\(-1\) must be 1"):
        mg.ones(3, 3).t().view(mg.int16)


def test_no_gradient_flows():
    x = mg.ones(2, 2, requires_grad=True)
    y = x.view(mg.float32)
    assert not y.requires_grad and y.grad_fn is None
