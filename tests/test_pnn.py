"""Regression tests (torch-free) for divergences from PyTorch found in nn by a probe:
the containers' keyword arguments, F.linear's bias broadcast to the output, the class
losses when the counted targets' weights sum to zero."""

import inspect

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F


def test_modules_keeps_duplicates_on_request():
    lin = nn.Linear(1, 1)
    seq = nn.Sequential(lin, nn.ReLU(), lin)
    assert [type(m).__name__ for m in seq.modules()] == ["Sequential", "Linear", "ReLU"]
    every = list(seq.modules(remove_duplicate=False))
    assert [type(m).__name__ for m in every] == ["Sequential", "Linear", "ReLU", "Linear"]
    assert every[1] is every[3] is lin


@pytest.mark.parametrize(
    "method, params",
    [
        (nn.Sequential.pop, ["self", "key"]),
        (nn.Sequential.extend, ["self", "sequential"]),
        (nn.ModuleList.pop, ["self", "key"]),
        (nn.ModuleList.__iadd__, ["self", "modules"]),
        (nn.Module.modules, ["self", "remove_duplicate"]),
    ],
)
def test_container_methods_take_pytorchs_keywords(method, params):
    assert list(inspect.signature(method).parameters) == params


def test_container_keywords_work():
    seq = nn.Sequential(nn.ReLU(), nn.Tanh())
    assert isinstance(seq.pop(key=0), nn.ReLU)
    seq.extend(sequential=[nn.Sigmoid()])
    assert [type(m) for m in seq] == [nn.Tanh, nn.Sigmoid]
    ml = nn.ModuleList([nn.ReLU(), nn.Tanh()])
    assert isinstance(ml.pop(key=-1), nn.Tanh) and len(ml) == 1


@pytest.mark.parametrize(
    "x_shape, b_shape",
    [((2, 3), (2, 4)), ((2, 3), (2, 1)), ((2, 3), (1, 4)), ((5, 2, 3), (2, 4)),
     ((5, 2, 3), (5, 1, 4)), ((5, 2, 3), ()), ((2, 3), (4,))],
)  # fmt: skip
def test_linear_bias_broadcast_to_the_output_has_its_gradient(x_shape, b_shape):
    rng = np.random.default_rng(0)
    x, w, b = (
        mg.tensor(rng.standard_normal(s), dtype=mg.float64, requires_grad=True)
        for s in (x_shape, (4, 3), b_shape)
    )
    assert mg.gradcheck(F.linear, (x, w, b))
    y = F.linear(x, w, b)
    g = rng.standard_normal(y.shape)
    y.backward(mg.tensor(g))
    expected = g.sum(tuple(range(g.ndim - len(b_shape)))) if b_shape else g.sum()
    keep = tuple(i for i, n in enumerate(b_shape) if n == 1)
    np.testing.assert_allclose(b.grad.numpy(), expected.sum(keep, keepdims=True), rtol=1e-12)


@pytest.mark.parametrize(
    "call",
    [
        lambda x: F.cross_entropy(x, mg.tensor([0, 1]), weight=[1.0, 2.0, 3.0]),
        lambda x: F.cross_entropy(x, x, weight=np.ones(3, np.float32)),
        lambda x: F.nll_loss(x, mg.tensor([0, 1]), weight=np.ones(3, np.float32)),
        lambda x: F.binary_cross_entropy(x, x, weight=2.0),
        lambda x: F.binary_cross_entropy_with_logits(x, x, weight=[1.0, 2.0, 3.0]),
        lambda x: F.binary_cross_entropy_with_logits(x, x, pos_weight=2.0),
        lambda x: F.mse_loss(x, x, weight=np.ones((2, 3), np.float32)),
    ],
)
def test_loss_weights_must_be_tensors(call):
    x = mg.tensor([[0.2, 0.7, 0.1], [0.5, 0.5, 0.5]])
    with pytest.raises(TypeError, match="weight' must be Tensor"):
        call(x)


@pytest.mark.parametrize("loss", [F.cross_entropy, F.nll_loss])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
def test_mean_over_zero_total_weight_is_nan_for_the_counted_samples(loss, label_smoothing):
    """PyTorch's mean is Σ w[y] l / Σ w[y] and its gradient g w[y] / Σ w[y]: with the
    counted weights all 0, 0 / 0 in the loss and in each counted sample's gradient; an
    ignored sample gets no gradient."""
    if loss is F.nll_loss and label_smoothing:
        return
    kw = {"label_smoothing": label_smoothing} if label_smoothing else {}
    x = mg.tensor([[1.0, 2.0, 0.5], [0.1, -1.0, 2.0], [0.3, 0.3, 0.3]], requires_grad=True)
    out = loss(x, mg.tensor([0, 2, 1]), weight=mg.tensor([0.0, 0.0, 1.0]), ignore_index=2, **kw)
    out.backward()
    assert np.isnan(out.item())
    # nll_loss: NaN at each counted target; cross_entropy: through the softmax, whole rows
    nan = np.array([[1, 0, 0], [0, 0, 0], [0, 1, 0]], bool)
    nan = nan if loss is F.nll_loss else nan.any(1, keepdims=True) | nan
    np.testing.assert_array_equal(np.isnan(x.grad.numpy()), nan)
    np.testing.assert_array_equal(x.grad.numpy()[~nan], 0.0)
    all_ignored = loss(x, mg.tensor([2, 2, 2]), ignore_index=2, **kw)
    x.grad = None
    all_ignored.backward()
    assert np.isnan(all_ignored.item())
    np.testing.assert_array_equal(x.grad.numpy(), 0.0)
