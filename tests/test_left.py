"""Gradients of the ops changed for the fuzzer's corners, against central differences
(float64), and topk's order of ties."""

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F


def _x(*shape, seed=0):
    rng = np.random.RandomState(seed)
    return mg.tensor(rng.randn(*shape), dtype=mg.float64, requires_grad=True)


def test_cumsum_gradient_matches_finite_differences():
    x = _x(3, 4)
    assert mg.gradcheck(lambda a: a.cumsum(0), [x])
    assert mg.gradcheck(lambda a: a.cumsum(-1), [x])
    assert mg.gradcheck(lambda a: a.cumsum(1, dtype=mg.float64), [x])


def test_cumsum_has_no_negative_zero_in_value_or_gradient():
    x = mg.tensor([[-0.0, -0.0], [-0.0, 1.0]], dtype=mg.float64, requires_grad=True)
    y = x.cumsum(1)
    y.backward(mg.tensor([[-0.0, -0.0], [-0.0, -0.0]], dtype=mg.float64))
    assert not np.signbit(y.data).any() and not np.signbit(x.grad.data).any()


@pytest.mark.parametrize("p", [2, "fro", 3, 0.5, 1.5])
def test_norm_over_one_element_gradient_matches_finite_differences(p):
    x = _x(3, 1)
    assert mg.gradcheck(lambda a: a.norm(p, dim=1), [x])
    assert mg.gradcheck(lambda a: a[0].norm(p), [x])


@pytest.mark.parametrize("v", [1e300, -1e300, 1e-300, -5e-324])
def test_norm_over_one_element_is_abs_and_its_gradient_the_sign(v):
    x = mg.tensor([v], dtype=mg.float64, requires_grad=True)
    y = x.norm()
    y.backward()
    assert y.item() == abs(v) and x.grad.item() == np.sign(v)


@pytest.mark.parametrize("alpha", [-1.0, -2.5, 0.5])
def test_elu_gradient_matches_finite_differences(alpha):
    x = mg.tensor([[-1.5, -0.3, 0.4], [2.0, -0.01, 0.2]], dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(lambda a: F.elu(a, alpha=alpha), [x])


def test_elu_keeps_the_sign_of_zero_and_its_gradient_at_zero_is_alpha():
    x = mg.tensor([0.0, -0.0], dtype=mg.float64, requires_grad=True)
    y = F.elu(x, alpha=-2.0)
    y.sum().backward()
    assert np.signbit(y.data).tolist() == [False, True]
    assert x.grad.tolist() == [-2.0, -2.0]


@pytest.mark.parametrize("beta,alpha,k", [(0, -1.5, 3), (0.5, 0, 3), (2.0, 1.0, 0), (0, 2.0, 0)])
def test_addmm_gradient_matches_finite_differences(beta, alpha, k):
    c, a, b = _x(2, 4, seed=1), _x(2, k, seed=2), _x(k, 4, seed=3)
    assert mg.gradcheck(lambda c, a, b: mg.addmm(c, a, b, beta=beta, alpha=alpha), [c, a, b])


@pytest.mark.parametrize(
    "fn", [lambda y: F.elu(y, -1.0, True), lambda y: F.leaky_relu(y, -0.2, True)]
)
def test_in_place_activation_with_negative_slope_refuses_backward(fn):
    x = mg.tensor([0.5, -2.0], requires_grad=True)
    y = x * 1
    fn(y)
    assert y.tolist()[0] == 0.5  # the forward ran
    with pytest.raises(RuntimeError, match="negative slope"):
        y.sum().backward()


@pytest.mark.parametrize("largest", [True, False])
def test_topk_puts_ties_in_index_order_as_a_stable_sort(largest):
    rng = np.random.RandomState(0)
    x = mg.tensor(rng.randint(-2, 3, size=(4, 30)))
    for dim in (0, 1):
        n = x.shape[dim]
        top = x.topk(n, dim=dim, largest=largest)
        s = x.sort(dim, descending=largest, stable=True)
        assert top.indices.tolist() == s.indices.tolist()
        assert top.values.tolist() == s.values.tolist()
    assert mg.tensor([3, 4, 3, 4]).topk(3).indices.tolist() == [1, 3, 0]
    assert mg.tensor([3, 4, 3, 4]).topk(3, largest=False).indices.tolist() == [0, 2, 1]
