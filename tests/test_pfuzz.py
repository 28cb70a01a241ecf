"""Torch-free checks of the programs the differential fuzzer (test_torch_oracle_pfuzz) found."""

import warnings

import numpy as np

import minigrad as mg


def test_0d_conjugate_transposes_are_the_tensor_itself():
    x = mg.tensor(2.0, dtype=mg.float64, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for y in (x.mT, x.mH, x.H, x.adjoint()):
            assert y is x and y.is_leaf and y.grad_fn is None
        z = x * 3
        assert z.mT is z
        assert mg.gradcheck(lambda t: (t * 3).mT.exp(), [x])
    np.testing.assert_allclose(x.mT.detach().numpy(), 2.0)


def test_relu_gradient_is_a_select():
    """d relu = g where x > 0, else 0, even where g is inf or NaN (sqrt(relu(x)) at x <= 0)."""
    X = np.array([-1.0, 0.0, 2.0, -3.0, 0.25])
    x = mg.tensor(X, dtype=mg.float64, requires_grad=True)
    x.relu().sqrt().sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.where(X > 0, 0.5 / np.sqrt(np.abs(X)), 0.0))
    x.grad = None
    y = x.relu()
    y.register_hook(lambda g: g * np.nan)
    y.sum().backward()
    assert np.array_equal(np.isnan(x.grad.numpy()), X > 0)
    assert not x.grad.numpy()[X <= 0].any()
    assert mg.gradcheck(lambda t: t.relu().sqrt(), [mg.tensor([0.5, 2.0, 3.0], dtype=mg.float64,
                                                              requires_grad=True)])  # fmt: skip
    for dtype in (mg.float32, mg.float64):
        z = mg.tensor([-1.0, 1.0], dtype=dtype, requires_grad=True)
        z.relu().sum().backward()
        assert z.grad.dtype == dtype
        np.testing.assert_array_equal(z.grad.numpy(), [0.0, 1.0])


def test_std_gradient_is_zero_over_a_constant_slice():
    """d std = g (x - mean) / ((n - 1) std), and 0 where std = 0 even for g = inf (1 / std)."""
    X = np.array([[1.0, 1.0, 1.0], [2.0, 0.5, -3.0]])
    x = mg.tensor(X, dtype=mg.float64, requires_grad=True)
    (1 / x.std(1)).sum().backward()
    s = X[1].std(ddof=1)
    np.testing.assert_allclose(x.grad.numpy()[1], -(X[1] - X[1].mean()) / (2 * s) / s**2)
    np.testing.assert_array_equal(x.grad.numpy()[0], 0.0)
    y = mg.tensor(X[1:] * [[1.0, 2.0, 3.0]], dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(lambda t: 1 / t.std(1), [y])


def test_stride_of_a_dim_none_inserted():
    """x[None] is x.unsqueeze(0): a new dim of size 1 has stride size(d + 1) * stride(d + 1)
    (1 at the end), as PyTorch's unsqueeze, not NumPy's 0; view(dtype) accepts it last."""
    x = mg.ones(2, 3)
    assert x[None].stride() == x.unsqueeze(0).stride() == (6, 3, 1)
    assert x[:, None].stride() == x.unsqueeze(1).stride() == (3, 3, 1)
    assert x[..., None].stride() == x.unsqueeze(2).stride() == (3, 1, 1)
    assert x.t()[None].stride() == (3, 1, 3)
    assert mg.tensor(2.0)[None, None].stride() == (1, 1)
    assert x[..., None].view(mg.int32).shape == (2, 3, 1)
    assert x[:1].expand(2, 3).stride() == (0, 1)  # a broadcast dim keeps its 0
