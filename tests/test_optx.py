"""nn.utils' clipping and flattening, the schedulers OneCycleLR and after, and the
optimizers Adadelta, Rprop and ASGD: behaviour worked out by hand (no PyTorch here;
tests/test_torch_oracle_optx.py holds them against it)."""

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad.nn import utils

# ---- nn.utils ---------------------------------------------------------------------


def _with_grad(values, grad, dtype=mg.float64):
    p = mg.tensor(values, dtype=dtype, requires_grad=True)
    p.grad = mg.tensor(grad, dtype=dtype)
    return p


def test_clip_grad_value_clamps_each_gradient_in_place_and_skips_missing_ones():
    p = _with_grad([0.0, 0.0, 0.0], [-3.0, 0.5, float("nan")])
    q = mg.zeros(2, requires_grad=True)  # no gradient
    grad = p.grad
    assert utils.clip_grad_value_([p, q], 1) is None
    assert p.grad is grad
    np.testing.assert_array_equal(p.grad.data, [-1.0, 0.5, np.nan])
    assert q.grad is None
    utils.clip_grad_value_(p, 0.25)  # one tensor
    np.testing.assert_array_equal(p.grad.data, [-0.25, 0.25, np.nan])


def test_clip_grad_value_with_a_negative_bound_sets_every_element_to_it():
    p = _with_grad([0.0, 0.0], [-3.0, 3.0])
    utils.clip_grad_value_([p], -1.0)
    np.testing.assert_array_equal(p.grad.data, [-1.0, -1.0])
    with pytest.raises(RuntimeError, match="at least one parameter with a gradient"):
        utils.clip_grad_value_([mg.zeros(1, requires_grad=True)], 1.0)  # as PyTorch
    with pytest.raises(ValueError, match="could not convert"):
        utils.clip_grad_value_([p], "x")


def test_get_total_norm_is_the_norm_of_the_norms():
    a, b = mg.tensor([3.0, 4.0]), mg.tensor([12.0], dtype=mg.float64)
    total = utils.get_total_norm([a, b])
    assert total.item() == 13.0 and total.dtype == mg.float64 and not total.requires_grad
    assert utils.get_total_norm([a, b], 1).item() == 19.0
    assert utils.get_total_norm([a, b], math.inf).item() == 12.0
    assert utils.get_total_norm(a).item() == 5.0
    assert utils.get_total_norm([]).item() == 0.0
    with pytest.raises(RuntimeError, match="non-finite"):
        utils.get_total_norm([mg.tensor([math.inf])], error_if_nonfinite=True)
    with pytest.raises(RuntimeError, match="infinity norm on an empty tensor"):
        utils.get_total_norm([mg.zeros(0)], math.inf)


def test_clip_grads_with_norm_scales_by_the_given_norm():
    p = _with_grad([0.0, 0.0], [3.0, 4.0])
    assert utils.clip_grads_with_norm_([p], 1.0, mg.tensor(10.0, dtype=mg.float64)) is None
    np.testing.assert_allclose(p.grad.data, [3.0 / (10 + 1e-6), 4.0 / (10 + 1e-6)], rtol=1e-15)
    utils.clip_grads_with_norm_(p, 1.0, mg.tensor(0.5))  # a norm below max_norm: factor 1
    np.testing.assert_allclose(p.grad.data, [3.0 / (10 + 1e-6), 4.0 / (10 + 1e-6)], rtol=1e-15)


def test_clip_grad_norm_is_get_total_norm_then_clip_grads_with_norm():
    p, q = _with_grad([0.0, 0.0], [3.0, 4.0]), _with_grad([0.0], [12.0])
    p2, q2 = _with_grad([0.0, 0.0], [3.0, 4.0]), _with_grad([0.0], [12.0])
    total = utils.clip_grad_norm_([p, q], 2.0)
    total2 = utils.get_total_norm([p2.grad, q2.grad])
    utils.clip_grads_with_norm_([p2, q2], 2.0, total2)
    assert total.item() == total2.item() == 13.0
    np.testing.assert_array_equal(p.grad.data, p2.grad.data)
    np.testing.assert_array_equal(q.grad.data, q2.grad.data)


def test_parameters_to_vector_joins_copies_and_is_differentiable():
    a = mg.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=mg.float64, requires_grad=True)
    b = mg.tensor([5.0], dtype=mg.float64, requires_grad=True)
    vec = utils.parameters_to_vector(p for p in (a, b))
    np.testing.assert_array_equal(vec.data, [1.0, 2.0, 3.0, 4.0, 5.0])
    (vec * mg.arange(5.0, dtype=mg.float64)).sum().backward()
    np.testing.assert_array_equal(a.grad.data, [[0.0, 1.0], [2.0, 3.0]])
    np.testing.assert_array_equal(b.grad.data, [4.0])
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        utils.parameters_to_vector([a.t()])
    with pytest.raises(RuntimeError, match="non-empty"):
        utils.parameters_to_vector([])


def test_vector_to_parameters_points_the_parameters_at_the_vector():
    a = mg.zeros(2, 2, requires_grad=True)
    b = mg.zeros(1, requires_grad=True)
    vec = mg.arange(6.0, dtype=mg.float64)  # one element to spare: ignored
    utils.vector_to_parameters(vec, [a, b])
    np.testing.assert_array_equal(a.data, [[0.0, 1.0], [2.0, 3.0]])
    assert a.dtype == mg.float64 and a.requires_grad and a.is_leaf  # vec's dtype
    vec.data[0] = 10.0  # shared memory
    assert a.data[0, 0] == 10.0 and b.data[0] == 4.0
    with pytest.raises(RuntimeError, match="invalid"):
        utils.vector_to_parameters(mg.arange(3.0), [a])
    with pytest.raises(TypeError, match="expected torch.Tensor, but got: list"):
        utils.vector_to_parameters([1.0], [a])


def test_vector_round_trip():
    a, b = mg.randn(3, 2), mg.randn(4)
    vec = utils.parameters_to_vector([a, b]) * 2
    utils.vector_to_parameters(vec, [a, b])
    np.testing.assert_array_equal(utils.parameters_to_vector([a, b]).data, vec.data)
