"""Torch-free checks of the long-tail op fixes found by the psurface fuzzer: finite
differences in float64 (mg.gradcheck) and the documented formulas in plain NumPy."""

import numpy as np

import minigrad as mg

X = np.array([[0.5, -1.5, 2.0], [1.0, 3.0, -2.5]])


def test_softmax_function_form_takes_dtype():
    x = mg.tensor(X.astype(np.float32), requires_grad=True)
    for f in (mg.softmax, mg.log_softmax):
        out = f(x, 1, dtype=mg.float64)
        assert out.dtype == mg.float64
        ref = X - np.log(np.exp(X).sum(1, keepdims=True))
        np.testing.assert_allclose(out.data, np.exp(ref) if f is mg.softmax else ref, rtol=1e-6)
        out.sum().backward()
        assert x.grad.dtype == mg.float32
        x.grad = None
    assert mg.gradcheck(lambda t: mg.softmax(t, 0, mg.float64), [mg.tensor(X, requires_grad=True)])

