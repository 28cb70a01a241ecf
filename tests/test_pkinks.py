"""Values and gradients at special points, against PyTorch's documented formulas written
in NumPy (no PyTorch needed)."""

import numpy as np

import minigrad as mg

NAN, INF = float("nan"), float("inf")


def test_nextafter_gradient_passes_only_where_input_differs_from_other():
    # PyTorch's derivative: self: at::where(self != other, grad, 0), other: 0
    X = np.array([0.0, 1.0, 3.0, NAN, -2.0], np.float64)
    Y = np.array([0.0, 2.0, 3.0, 1.0, -2.0], np.float64)
    x, y = mg.tensor(X, requires_grad=True), mg.tensor(Y, requires_grad=True)
    g = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    mg.nextafter(x, y).backward(mg.tensor(g))
    np.testing.assert_array_equal(x.grad.numpy(), np.where(X != Y, g, 0))
    np.testing.assert_array_equal(y.grad.numpy(), np.zeros(5))
