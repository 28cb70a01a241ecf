"""The activations, layers and losses added after test_nn2: finite differences in float64
away from the kinks, independent NumPy formulas, reprs and errors. (PyTorch's values are
compared in test_torch_oracle_nnx.py.)"""

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn

# away from every kink (0, ±0.5, ±1, ±3, and the thresholds 0.7, -2)
_POINTS = [-7.0, -3.4, -2.6, -1.3, -0.8, -0.4, -0.2, 0.3, 0.6, 0.9, 1.7, 2.4, 4.0, 6.5]

ACTIVATIONS = {
    "hardswish": F.hardswish,
    "hardsigmoid": F.hardsigmoid,
    "celu": lambda x: F.celu(x, 0.7),
    "celu_negative_alpha": lambda x: F.celu(x, -1.5),
    "threshold": lambda x: F.threshold(x, 0.7, -4.0),
    "softshrink": lambda x: F.softshrink(x, 1.0),
    "hardshrink": F.hardshrink,
    "tanhshrink": F.tanhshrink,
    "softmin": lambda x: F.softmin(x, 1),
    "softmin_dim0": lambda x: F.softmin(x, 0),
    "glu": F.glu,
    "glu_dim0": lambda x: F.glu(x, 0),
    "prelu": lambda x: F.prelu(x, mg.tensor([0.3], dtype=mg.float64)),
}

# independent formulas, elementwise ones on the array
FORMULAS = {
    "hardswish": lambda x: x * np.clip(x + 3, 0, 6) / 6,
    "hardsigmoid": lambda x: np.clip(x + 3, 0, 6) / 6,
    "celu": lambda x: np.maximum(x, 0) + np.minimum(0, 0.7 * (np.exp(x / 0.7) - 1)),
    "threshold": lambda x: np.where(x > 0.7, x, -4.0),
    "softshrink": lambda x: np.sign(x) * np.maximum(np.abs(x) - 1.0, 0),
    "hardshrink": lambda x: np.where(np.abs(x) > 0.5, x, 0),
    "tanhshrink": lambda x: x - np.tanh(x),
    "softmin": lambda x: np.exp(-x) / np.exp(-x).sum(1, keepdims=True),
    "glu": lambda x: x[:, :7] / (1 + np.exp(-x[:, 7:])),
    "prelu": lambda x: np.where(x > 0, x, 0.3 * x),
}


def _x():
    return mg.tensor([_POINTS, [p / 3 for p in _POINTS]], dtype=mg.float64, requires_grad=True)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_gradcheck(name):
    assert mg.gradcheck(ACTIVATIONS[name], [_x()])


@pytest.mark.parametrize("name", FORMULAS)
def test_activation_formula(name):
    x = _x()
    np.testing.assert_allclose(ACTIVATIONS[name](x).data, FORMULAS[name](x.data), rtol=1e-12)


@pytest.mark.parametrize(
    "f, x, grad",
    [
        (F.hardswish, [-3.0, 3.0], [0.0, 1.0]),  # 0 up to -3, 1 from 3 on
        (F.hardsigmoid, [-3.0, 3.0], [0.0, 0.0]),
        (F.softshrink, [-0.5, 0.5], [0.0, 0.0]),
        (F.hardshrink, [-0.5, 0.5], [0.0, 0.0]),
        (lambda x: F.threshold(x, 1.0, 0.0), [1.0], [0.0]),
        (F.celu, [0.0], [1.0]),
    ],
)
def test_gradient_at_the_kinks(f, x, grad):
    t = mg.tensor(x, dtype=mg.float64, requires_grad=True)
    f(t).sum().backward()
    assert t.grad.tolist() == grad


def test_hardsigmoid_gradient_is_a_float_sixth_as_pytorch():
    t = mg.tensor([0.0], dtype=mg.float64, requires_grad=True)
    F.hardsigmoid(t).backward(mg.ones(1, dtype=mg.float64))
    assert t.grad.item() == float(np.float32(1) / np.float32(6))


def test_prelu_per_channel_gradcheck_and_weight_gradient():
    x = mg.tensor(np.linspace(-2, 2, 24).reshape(2, 3, 4) + 0.05, requires_grad=True)
    w = mg.tensor([0.2, -0.5, 1.5], dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(F.prelu, [x, w])
    w1 = mg.tensor([0.25], dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(F.prelu, [x, w1])
    F.prelu(x, w).sum().backward()
    X = x.data
    np.testing.assert_allclose(w.grad.data, np.where(X > 0, 0, X).sum((0, 2)))


def test_prelu_module():
    m = nn.PReLU(3, init=0.1)
    assert repr(m) == "PReLU(num_parameters=3)"
    assert m.weight.shape == (3,) and m.weight.dtype == mg.float32
    assert m.weight.tolist() == pytest.approx([0.1] * 3)
    assert list(m.state_dict()) == ["weight"]
    y = m(mg.tensor([[-1.0, 2.0, -3.0]]))
    assert y[0].tolist() == pytest.approx([-0.1, 2.0, -0.3])


def test_in_place_activations_overwrite_the_input():
    x = mg.tensor([-4.0, -1.0, 0.5, 4.0], dtype=mg.float64, requires_grad=True)
    h = x * 1
    y = F.hardswish(h, inplace=True)
    assert y is h
    y.sum().backward()
    assert x.grad.tolist() == pytest.approx([0.0, 1 / 6, 0.5 / 3 + 0.5, 1.0])
    h = mg.tensor([-1.0, 2.0])
    assert F.threshold_(h, 0.0, 5.0) is h and h.tolist() == [5.0, 2.0]


def test_threshold_keeps_integers():
    y = F.threshold(mg.tensor([-3, 0, 2]), 0, 7)
    assert y.dtype == mg.int64 and y.tolist() == [7, 7, 2]


def test_reprs():
    got = [
        repr(m)
        for m in (
            nn.Hardswish(), nn.Hardsigmoid(), nn.GLU(), nn.CELU(0.5, True), nn.Softmin(1),
            nn.Threshold(0.1, 20.0), nn.Softshrink(), nn.Hardshrink(2.0), nn.Tanhshrink(),
        )
    ]  # fmt: skip
    assert got == [
        "Hardswish()", "Hardsigmoid()", "GLU(dim=-1)", "CELU(alpha=0.5, inplace=True)",
        "Softmin(dim=1)", "Threshold(threshold=0.1, value=20.0)", "Softshrink(0.5)",
        "Hardshrink(2.0)", "Tanhshrink()",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: F.celu(mg.ones(2), 0.0), RuntimeError, "alpha cannot be 0"),
        (lambda: F.softshrink(mg.ones(2), -1.0), RuntimeError, "lambda must be in range"),
        (lambda: F.glu(mg.ones(2, 3)), RuntimeError, "Halving dimension must be even"),
        (lambda: F.glu(mg.tensor(1.0)), RuntimeError, "does not support scalars"),
        (lambda: F.glu(mg.ones(2, 4), 2), IndexError, "Dimension out of range"),
        (lambda: F.hardswish(mg.tensor([1, 2])), NotImplementedError, "hardswish_cpu"),
        (lambda: F.threshold(mg.tensor([True]), 0, 1), NotImplementedError, "threshold_cpu"),
        (lambda: F.threshold(mg.tensor([1]), 0, float("nan")), RuntimeError, "overflow"),
        (lambda: F.prelu(mg.ones(2, 3), mg.ones(2)), RuntimeError, "channel size = 3"),
        (lambda: F.prelu(mg.ones(2, 3), mg.ones(3, dtype=mg.float64)), RuntimeError, "promoting"),
        (lambda: F.prelu(mg.tensor(1.0), mg.ones(2)), RuntimeError, "zero-dim"),
        (lambda: F.prelu(mg.ones(2, 1), mg.ones(1, 1)), RuntimeError, "scalar or 1D"),
        (lambda: nn.PReLU(3)(mg.ones(2, 4)), RuntimeError, "Mismatch of parameter numbers"),
    ],
)
def test_activation_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
