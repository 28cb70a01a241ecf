"""ravel, split_with_sizes, tensor_split, hsplit/vsplit/dsplit, the in-place functional
activations and Tensor.type without torch: float64 gradients against finite differences,
and the pieces' shapes and memory."""

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F


def _leaf(*shape) -> mg.Tensor:
    values = np.random.default_rng(sum(shape)).standard_normal(shape)
    return mg.tensor(values, dtype=mg.float64, requires_grad=True)


def _weighted(pieces) -> mg.Tensor:
    """Every piece flattened and scaled by its own factor, in one tensor: a wrong
    placement of any piece's gradient changes the Jacobian."""
    return mg.cat([p.reshape(-1) * (k + 1.0) for k, p in enumerate(pieces)])


@pytest.mark.parametrize(
    "fn",
    [
        lambda a: a.ravel(),
        lambda a: mg.ravel(a.t()),
        lambda a: a[:, ::2].ravel() * 2,
        lambda a: _weighted(a.split_with_sizes([1, 0, 2])),
        lambda a: _weighted(mg.split_with_sizes(a, [3, 1], dim=1)),
        lambda a: _weighted(a.tensor_split(3, 1)),
        lambda a: _weighted(mg.tensor_split(a, [1, 1, 3], dim=-1)),
        lambda a: _weighted(a.tensor_split(mg.tensor([2]))),
        lambda a: _weighted(a.tensor_split([-1])),
        lambda a: _weighted(a.hsplit([1, 3])),
        lambda a: _weighted(mg.vsplit(a, 3)),
        lambda a: _weighted(a.unsqueeze(0).reshape(1, 3, 2, 2).dsplit(2)),
        lambda a: a.type(mg.float64) * a,
        lambda a: a.type("torch.DoubleTensor").ravel(),
    ],
)
def test_gradient_matches_finite_differences(fn):
    assert mg.gradcheck(fn, [_leaf(3, 4)])


@pytest.mark.parametrize(
    "fn",
    [
        lambda y: F.relu_(y),
        lambda y: F.elu_(y),
        lambda y: F.elu_(y, 0.3),
        lambda y: F.leaky_relu_(y),
        lambda y: F.leaky_relu_(y, 0.25),
        lambda y: F.hardtanh_(y),
        lambda y: F.hardtanh_(y, -0.5, 0.75),
    ],
)
def test_in_place_activation_gradient_matches_finite_differences(fn):
    x = _leaf(3, 5)
    assert mg.gradcheck(lambda a: fn(a * 1.5) * a, [x])


@pytest.mark.parametrize(
    ("f", "inplace"),
    [
        (lambda t: F.relu_(t), lambda t: F.relu(t, inplace=True)),
        (lambda t: F.elu_(t, 0.5), lambda t: F.elu(t, 0.5, inplace=True)),
        (lambda t: F.leaky_relu_(t, 0.1), lambda t: F.leaky_relu(t, 0.1, inplace=True)),
        (lambda t: F.hardtanh_(t, -0.2, 0.3), lambda t: F.hardtanh(t, -0.2, 0.3, True)),
    ],
)
def test_in_place_activation_overwrites_its_input_as_inplace_true(f, inplace):
    values = np.linspace(-2, 2, 9)
    a, b = mg.tensor(values), mg.tensor(values)
    assert f(a) is a
    inplace(b)
    np.testing.assert_array_equal(a.data, b.data)
    assert not np.array_equal(a.data, values)


def test_hardtanh_in_place_takes_bounds_in_either_order_where_hardtanh_refuses():
    t = mg.tensor([-2.0, 0.0, 2.0])
    F.hardtanh_(t, 1.0, 0.0)
    assert t.tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(ValueError):
        F.hardtanh(mg.tensor([1.0]), 1.0, 0.0)


def test_tensor_split_sizes_and_views():
    x = mg.arange(10.0)
    assert [p.shape[0] for p in x.tensor_split(4)] == [3, 3, 2, 2]
    assert [p.tolist() for p in x.tensor_split([2, 5, 5, 20])] == [
        [0.0, 1.0], [2.0, 3.0, 4.0], [], [5.0, 6.0, 7.0, 8.0, 9.0], [],
    ]  # fmt: skip
    pieces = x.tensor_split(2)
    pieces[1][0] = -1.0
    assert x[5].item() == -1.0
    assert all(np.shares_memory(p.data, x.data) for p in pieces)


def test_ravel_is_a_view_only_of_a_contiguous_tensor():
    x = mg.arange(6.0).reshape(2, 3)
    assert np.shares_memory(x.ravel().data, x.data)
    assert not np.shares_memory(x.t().ravel().data, x.data)
    assert x.t().ravel().tolist() == [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]


def test_type_round_trip():
    x = mg.tensor([1.7, -2.2])
    assert x.type() == "torch.FloatTensor"
    assert x.type(mg.int64).tolist() == [1, -2]
    assert x.type("torch.ShortTensor").dtype == mg.int16
    assert x.type(mg.float32) is x
    with pytest.raises(ValueError):
        x.type("torch.float64")
