"""BatchNorm2d/3d, GroupNorm and InstanceNorm1d/2d: finite differences in float64,
independent NumPy formulas, running stats by hand, errors. (PyTorch's values are
compared in test_torch_oracle_norm2.py.)"""

import warnings

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn
from minigrad.nn.normalization import _BatchNorm, _InstanceNorm

_RNG = np.random.default_rng(7)


def _t(a, grad=True):
    return mg.tensor(np.asarray(a, np.float64), dtype=mg.float64, requires_grad=grad)


def _randomize(m):
    with mg.no_grad():
        for p in m.parameters():
            p.copy_(_t(_RNG.normal(size=p.shape), False))


def _parameter_gradients_match_differences(m, x, eps=1e-6):
    """The module's own weight and bias: backward's gradient of Σ y r against central
    differences of it, perturbing the parameters in place (gradcheck perturbs copies)."""
    r = _t(_RNG.normal(size=m(x).shape), False)
    m.zero_grad()
    (m(x) * r).sum().backward()
    for name, p in m.named_parameters():
        numeric = np.zeros(p.shape)
        for i in np.ndindex(*p.shape):
            old = p.data[i]
            with mg.no_grad():
                p.data[i] = old + eps
                up = (m(x) * r).sum().item()
                p.data[i] = old - eps
                down = (m(x) * r).sum().item()
                p.data[i] = old
            numeric[i] = (up - down) / (2 * eps)
        np.testing.assert_allclose(p.grad.data, numeric, rtol=1e-6, atol=1e-8, err_msg=name)
        assert np.abs(numeric).max() > 1e-3  # the loss does depend on it


LAYERS = {
    "BatchNorm2d": (lambda: nn.BatchNorm2d(3, eps=1e-3, dtype=mg.float64), (4, 3, 2, 3)),
    "BatchNorm3d": (lambda: nn.BatchNorm3d(2, momentum=None, dtype=mg.float64), (2, 2, 3, 2, 2)),
    "GroupNorm": (lambda: nn.GroupNorm(2, 4, eps=1e-3, dtype=mg.float64), (3, 4, 5)),
    "GroupNorm1": (lambda: nn.GroupNorm(1, 3, dtype=mg.float64), (2, 3, 2, 2)),
    "GroupNormC": (lambda: nn.GroupNorm(3, 3, dtype=mg.float64), (2, 3, 4)),
    "InstanceNorm1d": (
        lambda: nn.InstanceNorm1d(3, affine=True, track_running_stats=True, dtype=mg.float64),
        (2, 3, 5),
    ),
    "InstanceNorm2d": (
        lambda: nn.InstanceNorm2d(2, affine=True, track_running_stats=True, dtype=mg.float64),
        (3, 2, 2, 3),
    ),
    "InstanceNorm3d": (
        lambda: nn.InstanceNorm3d(2, affine=True, track_running_stats=True, dtype=mg.float64),
        (2, 2, 2, 3, 2),
    ),
}


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("name", LAYERS)
def test_layer_gradients_match_finite_differences(name, training):
    make, shape = LAYERS[name]
    m = make()
    _randomize(m)
    x = _t(_RNG.normal(size=shape) * 2 + 1)
    m(x * 1.5 - 0.5)  # running stats away from (0, 1) for eval
    m.train(training)
    assert mg.gradcheck(m, [x])
    _parameter_gradients_match_differences(m, x)


def test_group_norm_gradcheck_and_formula():
    x, w, b = _t(_RNG.normal(size=(3, 6, 2, 2))), _t(_RNG.normal(size=6)), _t(_RNG.normal(size=6))
    assert mg.gradcheck(lambda a, c, d: F.group_norm(a, 3, c, d, eps=1e-3), [x, w, b])
    assert mg.gradcheck(lambda a: F.group_norm(a, 2), [x])
    g = x.data.reshape(3, 3, -1)
    want = (g - g.mean(2, keepdims=True)) / np.sqrt(g.var(2, keepdims=True) + 1e-3)
    want = want.reshape(x.shape) * w.data[:, None, None] + b.data[:, None, None]
    np.testing.assert_allclose(F.group_norm(x, 3, w, b, 1e-3).data, want, rtol=1e-12)


@pytest.mark.parametrize("use_input_stats", [True, False])
def test_instance_norm_gradcheck_and_formula(use_input_stats):
    x, w, b = _t(_RNG.normal(size=(2, 3, 5))), _t(_RNG.normal(size=3)), _t(_RNG.normal(size=3))
    rm, rv = _RNG.normal(size=3), _RNG.uniform(0.5, 2, size=3)

    def fn(a, c, d):
        stats = (_t(rm, False), _t(rv, False))
        return F.instance_norm(a, *stats, c, d, use_input_stats=use_input_stats, eps=1e-3)

    assert mg.gradcheck(fn, [x, w, b])
    X = x.data
    mean = X.mean(2, keepdims=True) if use_input_stats else rm[:, None]
    var = X.var(2, keepdims=True) if use_input_stats else rv[:, None]
    want = (X - mean) / np.sqrt(var + 1e-3) * w.data[:, None] + b.data[:, None]
    np.testing.assert_allclose(fn(x, w, b).data, want, rtol=1e-12)


def test_batch_norm_2d_running_stats_by_hand():
    X = _RNG.normal(size=(4, 3, 2, 5))
    m = nn.BatchNorm2d(3, momentum=0.25, dtype=mg.float64)
    m(_t(X, False))
    n = 4 * 2 * 5
    np.testing.assert_allclose(m.running_mean.data, 0.25 * X.mean((0, 2, 3)), rtol=1e-14)
    unbiased = X.var((0, 2, 3)) * n / (n - 1)
    np.testing.assert_allclose(m.running_var.data, 0.75 + 0.25 * unbiased, rtol=1e-14)
    assert m.num_batches_tracked.item() == 1
    cumulative = nn.BatchNorm3d(3, momentum=None, dtype=mg.float64)
    for k in range(3):
        cumulative(_t(X[..., None] * (k + 1) - k, False))
    means = [(X * (k + 1) - k).mean((0, 2, 3)) for k in range(3)]
    np.testing.assert_allclose(cumulative.running_mean.data, np.mean(means, 0), rtol=1e-13)
    assert cumulative.num_batches_tracked.item() == 3
    m.eval()
    y = m(_t(X, False))
    want = (X - m.running_mean.data[:, None, None]) / np.sqrt(
        m.running_var.data[:, None, None] + 1e-5
    )
    np.testing.assert_allclose(y.data, want, rtol=1e-13)
    assert m.num_batches_tracked.item() == 1


def test_instance_norm_running_stats_by_hand():
    X = _RNG.normal(size=(2, 3, 4))
    m = nn.InstanceNorm1d(3, momentum=0.5, track_running_stats=True, dtype=mg.float64)
    m(_t(X, False))
    np.testing.assert_allclose(m.running_mean.data, 0.5 * X.mean(2).mean(0), rtol=1e-14)
    unbiased = X.var(2, ddof=1).mean(0)
    np.testing.assert_allclose(m.running_var.data, 0.5 + 0.5 * unbiased, rtol=1e-14)
    assert m.num_batches_tracked.item() == 0  # as PyTorch: instance norm does not count
    assert nn.InstanceNorm1d(3).running_mean is None
    assert list(nn.InstanceNorm1d(3).state_dict()) == []


def test_the_norms_share_one_base():
    for cls in (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d):
        assert issubclass(cls, _BatchNorm) and "forward" not in cls.__dict__
    for cls in (nn.InstanceNorm1d, nn.InstanceNorm2d):
        assert issubclass(cls, _InstanceNorm) and "forward" not in cls.__dict__


def test_unbatched_instance_norm_is_a_batch_of_one():
    x = _t(_RNG.normal(size=(3, 4, 5)))
    m = nn.InstanceNorm2d(3, affine=True, dtype=mg.float64)
    _randomize(m)
    np.testing.assert_array_equal(m(x).data, m(x.unsqueeze(0)).data[0])
    assert m(x).shape == (3, 4, 5)


def test_float32_stays_float32():
    x = mg.tensor(_RNG.normal(size=(2, 4, 3, 3)).astype(np.float32), requires_grad=True)
    for m in (nn.BatchNorm2d(4), nn.GroupNorm(2, 4), nn.InstanceNorm2d(4, affine=True)):
        y = m(x)
        y.sum().backward()
        assert y.dtype == x.grad.dtype == m.weight.grad.dtype == mg.float32


def test_errors():
    with pytest.raises(ValueError, match=r"BatchNorm2d: expected 4D input \(got 3D input\)"):
        nn.BatchNorm2d(3)(mg.ones(2, 3, 4))
    with pytest.raises(ValueError, match=r"BatchNorm3d: expected 5D input \(got 4D input\)"):
        nn.BatchNorm3d(3)(mg.ones(2, 3, 4, 4))
    with pytest.raises(ValueError, match=r"InstanceNorm2d: expected 3D or 4D input \(got 5D"):
        nn.InstanceNorm2d(3)(mg.ones(2, 3, 4, 4, 4))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nn.BatchNorm2d(3)(mg.ones(1, 3, 1, 1))
    assert nn.BatchNorm2d(3)(mg.ones(1, 3, 2, 1)).shape == (1, 3, 2, 1)
    with pytest.raises(
        ValueError, match=r"num_channels \(6\) must be divisible by num_groups \(4\)"
    ):
        nn.GroupNorm(4, 6)
    with pytest.raises(RuntimeError, match=r"divisible by num_groups.*\[2, 6, 4\].*=4"):
        F.group_norm(mg.ones(2, 6, 4), 4)
    with pytest.raises(ValueError, match="more than 1 spatial element"):
        F.instance_norm(mg.ones(2, 3, 1))
    with pytest.raises(ValueError, match=r"dim=1 to match num_features \(3\), but got: 4"):
        nn.InstanceNorm1d(3, affine=True)(mg.ones(2, 4, 5))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert nn.InstanceNorm1d(3)(mg.ones(2, 4, 5)).shape == (2, 4, 5)
    assert any("does not match num_features" in str(w.message) for w in caught)


@pytest.mark.parametrize(
    "m",
    [nn.BatchNorm2d(3), nn.GroupNorm(3, 3), nn.InstanceNorm1d(3, True, 0.1, True, True)],
    ids=type,
)
def test_reset_parameters_restores_ones_zeros_and_the_running_stats(m):
    shape = (2, 3, 4) if isinstance(m, _InstanceNorm) else (2, 3, 4, 5)
    m(mg.tensor(_RNG.normal(size=shape), dtype=mg.float32))
    _randomize(m)
    m.reset_parameters()
    assert m.weight.tolist() == [1.0] * 3 and m.bias.tolist() == [0.0] * 3
    if hasattr(m, "running_mean"):
        assert m.running_mean.tolist() == [0.0] * 3 and m.running_var.tolist() == [1.0] * 3
        assert m.num_batches_tracked.item() == 0
