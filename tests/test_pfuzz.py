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
