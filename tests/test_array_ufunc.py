"""NumPy's ufuncs given Tensors (Tensor.__array_ufunc__): the operators stay Tensor ops in
the graph, an in-place operator on an array writes that array (``p.data -= lr * p.grad``),
and other ufuncs compute on arrays as they did through ``np.asarray``."""

import numpy as np
import pytest

import minigrad as mg


def test_manual_sgd_on_data_updates_the_parameter_in_place():
    lin = mg.nn.Linear(3, 2)
    w = lin.weight.data
    before = w.copy()
    lin(mg.ones(4, 3)).sum().backward()
    for p in lin.parameters():
        p.data -= 0.1 * p.grad
    assert lin.weight.data is w  # the same array, changed in place
    assert isinstance(lin.bias.data, np.ndarray)
    np.testing.assert_allclose(w, before - 0.1 * lin.weight.grad.numpy(), rtol=1e-6)


@pytest.mark.parametrize(
    "op", ["__add__", "__sub__", "__mul__", "__truediv__", "__pow__", "__lt__", "__eq__"]
)
def test_an_array_left_of_a_tensor_gives_the_tensor_op(op):
    a = np.array([1.5, 2.0, 3.0])
    x = mg.tensor([1.0, 2.0, 4.0], dtype=mg.float64, requires_grad=True)
    out = getattr(a, op)(x)
    assert isinstance(out, mg.Tensor)
    want = getattr(a, op)(x.detach().numpy())
    np.testing.assert_allclose(out.detach().numpy(), want)
    if op not in ("__lt__", "__eq__"):
        out.sum().backward()
        eps = 1e-6
        numeric = [
            (
                getattr(a, op)(x.detach().numpy() + eps * e)
                - getattr(a, op)(x.detach().numpy() - eps * e)
            ).sum()
            / (2 * eps)
            for e in np.eye(3)
        ]
        np.testing.assert_allclose(x.grad.numpy(), numeric, rtol=1e-6)


def test_numpy_scalar_times_tensor_is_in_the_graph():
    x = mg.ones(2, requires_grad=True)
    (np.float32(3) * x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3, 3])


def test_other_ufuncs_give_constant_tensors_and_refuse_tensors_that_require_grad():
    e = np.exp(mg.tensor([0.0, 1.0]))
    assert isinstance(e, mg.Tensor) and e.grad_fn is None
    np.testing.assert_allclose(e.numpy(), np.exp([0.0, 1.0]), rtol=1e-6)
    with pytest.raises(RuntimeError, match="requires grad"):
        np.exp(mg.ones(2, requires_grad=True))
    s = np.zeros(2)
    s += mg.tensor([1.0, 2.0], requires_grad=True)  # the values, into the array
    assert type(s) is np.ndarray
    np.testing.assert_array_equal(s, [1.0, 2.0])


def test_a_tensor_as_out_is_refused():
    with pytest.raises(TypeError, match="out="):
        np.add(np.ones(2), 1, out=mg.zeros(2))
