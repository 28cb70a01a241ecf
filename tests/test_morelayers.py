"""Adaptive max pooling, padding modules, channel and alpha dropout, rrelu, lp pooling,
max unpooling, local response norm, Softmax2d and pdist without PyTorch: finite-difference
gradient checks in float64, the definitions written as plain NumPy loops, and the
statistics of the random ops."""

import math

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F


def _x(*shape, seed=0, low=None):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape) if low is None else rng.uniform(low, 2.0, shape)
    return mg.tensor(a, requires_grad=True)


def _windows(n, out):
    return [(i * n // out, -(-(i + 1) * n // out)) for i in range(out)]


# ---- gradient checks -----------------------------------------------------------------

GRADCHECKS = [
    (lambda x: F.adaptive_max_pool2d(x, (3, 2)), (2, 2, 7, 5), None),
    (lambda x: F.adaptive_max_pool2d(x, (9, 6)), (1, 2, 7, 5), None),
    (lambda x: F.adaptive_max_pool2d(x, (None, 3))[0], (2, 5, 4), None),
    (lambda x: F.adaptive_max_pool1d(x, 4), (2, 3, 9), None),
    (lambda x: F.lp_pool2d(x, 2, 2), (2, 2, 5, 4), None),
    (lambda x: F.lp_pool2d(x, 1.5, (2, 3), 1, True), (1, 2, 5, 6), 0.5),
    (lambda x: F.lp_pool2d(x, 3, 2, ceil_mode=True), (2, 5, 5), 0.5),
    (lambda x: F.lp_pool1d(x, 2.5, 3, 2), (2, 3, 8), 0.5),
    (lambda x: F.max_unpool2d(*F.max_pool2d(x, 2, return_indices=True), 2), (2, 2, 4, 6), None),
    (lambda x: F.max_unpool2d(*F.max_pool2d(x, 2, 2, 1, return_indices=True), 2, 2, 1, (6, 5)),
     (2, 6, 5), None),
    (lambda x: F.max_unpool1d(*F.max_pool1d(x, 2, return_indices=True), 2), (2, 3, 8), None),
    (lambda x: F.local_response_norm(x, 3, 0.5, 0.75, 1.0), (2, 5, 4), None),
    (lambda x: F.local_response_norm(x, 2, 1.0, 1.5, 2.0), (2, 4, 3, 2), None),
    (lambda x: F.pdist(x), (5, 3), None),
    (lambda x: F.pdist(x, 1.5), (4, 3), None),
    (lambda x: F.pdist(x, 3), (4, 3), None),
    (lambda x: F.pdist(x, 1), (4, 3), None),
    (lambda x: F.pdist(x, math.inf), (4, 3), None),
    (lambda x: nn.Softmax2d()(x), (2, 3, 2, 2), None),
    (lambda x: nn.ReflectionPad3d((1, 2, 0, 1, 2, 0))(x), (2, 3, 4, 3), None),
    (lambda x: nn.ReplicationPad3d(2)(x), (1, 2, 2, 3, 2), None),
    (lambda x: nn.CircularPad1d((2, 1))(x), (2, 3, 4), None),
    (lambda x: nn.ZeroPad3d(1)(x), (2, 2, 2, 2), None),
    (lambda x: F.rrelu(x, 0.1, 0.3), (3, 4), None),
]  # fmt: skip


@pytest.mark.parametrize("i", range(len(GRADCHECKS)))
def test_gradcheck(i):
    fn, shape, low = GRADCHECKS[i]
    assert mg.gradcheck(fn, (_x(*shape, seed=i, low=low),))


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: F.dropout1d(x, 0.4),
        lambda x: F.dropout3d(x.reshape(2, 3, 2, 2, 1), 0.4),
        lambda x: F.alpha_dropout(x, 0.3, True),
        lambda x: F.feature_alpha_dropout(x, 0.6, True),
        lambda x: F.rrelu(x, 0.1, 0.5, True),
    ],
)
def test_gradcheck_of_the_random_ops_on_a_fixed_draw(fn):
    def seeded(x):
        mg.manual_seed(11)  # the same mask (or slopes) at every evaluation
        return fn(x)

    assert mg.gradcheck(seeded, (_x(2, 3, 4, seed=3),))


# ---- definitions as loops ------------------------------------------------------------


@pytest.mark.parametrize("size", [(3, 2), (2, 4), (7, 5), (10, 9), (1, 1)])
@pytest.mark.parametrize("ties", [False, True])
def test_adaptive_max_pool2d_is_the_max_of_each_window(size, ties):
    rng = np.random.default_rng(1)
    a = (
        rng.integers(0, 3, (2, 3, 7, 5)).astype(float)
        if ties
        else rng.standard_normal((2, 3, 7, 5))
    )
    x = mg.tensor(a, requires_grad=True)
    y, idx = F.adaptive_max_pool2d(x, size, return_indices=True)
    t = np.arange(y.numel(), dtype=float).reshape(y.shape)
    (y * mg.tensor(t)).sum().backward()
    grad = np.zeros_like(a)
    for n in range(2):
        for c in range(3):
            for i, (h0, h1) in enumerate(_windows(7, size[0])):
                for j, (w0, w1) in enumerate(_windows(5, size[1])):
                    win = a[n, c, h0:h1, w0:w1]
                    r, q = divmod(int(np.argmax(win)), w1 - w0)  # the first in row-major order
                    assert y.data[n, c, i, j] == win.max()
                    assert idx.data[n, c, i, j] == (h0 + r) * 5 + w0 + q
                    grad[n, c, h0 + r, w0 + q] += t[n, c, i, j]
    np.testing.assert_array_equal(x.grad.data, grad)


def test_adaptive_max_pool1d_is_the_2d_one_on_a_unit_height():
    x = _x(2, 3, 9)
    y, i = F.adaptive_max_pool1d(x, 4, return_indices=True)
    y2, i2 = F.adaptive_max_pool2d(x.unsqueeze(-2), (1, 4), return_indices=True)
    assert y.shape == (2, 3, 4)
    np.testing.assert_array_equal(y.data, y2.data[:, :, 0])
    np.testing.assert_array_equal(i.data, i2.data[:, :, 0])
    for k, (lo, hi) in enumerate(_windows(9, 4)):
        np.testing.assert_array_equal(y.data[..., k], x.data[..., lo:hi].max(-1))


@pytest.mark.parametrize("p, k, s", [(2, 2, None), (3, (2, 3), 1), (1.5, 3, (2, 1))])
def test_lp_pool2d_is_the_p_norm_of_each_window(p, k, s):
    x = _x(2, 3, 7, 6, low=0.1)
    y = F.lp_pool2d(x, p, k, s)
    kh, kw = (k, k) if isinstance(k, int) else k
    sh, sw = (kh, kw) if s is None else ((s, s) if isinstance(s, int) else s)
    a = x.data
    for i in range(y.shape[2]):
        for j in range(y.shape[3]):
            win = a[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw]
            want = (win**p).sum((2, 3)) ** (1 / p)
            np.testing.assert_allclose(y.data[:, :, i, j], want, rtol=1e-12)


def test_lp_pool_of_a_zero_window_has_a_zero_gradient():
    a = np.ones((1, 1, 4, 4))
    a[0, 0, :2, :2] = 0.0
    x = mg.tensor(a, requires_grad=True)
    F.lp_pool2d(x, 2, 2).sum().backward()
    assert np.all(x.grad.data[0, 0, :2, :2] == 0) and np.all(np.isfinite(x.grad.data))
    np.testing.assert_allclose(x.grad.data[0, 0, 2:, 2:], 0.5)  # x / ‖window‖ = 1 / 2


def test_lp_pool_inf_is_the_max_of_abs():
    x = _x(2, 3, 6, 6)
    np.testing.assert_array_equal(F.lp_pool2d(x, math.inf, 2).data,
                                  F.max_pool2d(x.abs(), 2).data)  # fmt: skip
    np.testing.assert_array_equal(F.lp_pool1d(x[0], -math.inf, 3).data,
                                  -F.max_pool1d(-x[0].abs(), 3).data)  # fmt: skip


def test_max_unpool2d_places_each_value_at_its_index():
    x = _x(2, 3, 6, 6)
    y, i = F.max_pool2d(x, 2, return_indices=True)
    z = F.max_unpool2d(y, i, 2)
    want = np.zeros((2, 3, 36))
    for n in range(2):
        for c in range(3):
            for v, k in zip(y.data[n, c].ravel(), i.data[n, c].ravel()):
                want[n, c, k] = v
    np.testing.assert_array_equal(z.data, want.reshape(2, 3, 6, 6))
    z.backward(mg.arange(216, dtype=mg.float64).reshape(2, 3, 6, 6))
    np.testing.assert_array_equal(
        x.grad.data.reshape(2, 3, 36), np.where(want != 0, np.arange(216).reshape(2, 3, 36), 0)
    )


def test_max_unpool_output_size():
    y = mg.ones(1, 1, 3, 3)
    i = mg.zeros(1, 1, 3, 3, dtype=mg.long)
    assert F.max_unpool2d(y, i, 2).shape == (1, 1, 6, 6)
    assert F.max_unpool2d(y, i, 3, 2, 1).shape == (1, 1, 5, 5)
    assert F.max_unpool2d(y, i, 2, output_size=(7, 5)).shape == (1, 1, 7, 5)
    assert nn.MaxUnpool2d(2)(y, i, (1, 1, 7, 7)).shape == (1, 1, 7, 7)
    with pytest.raises(ValueError, match="output_size"):
        F.max_unpool2d(y, i, 2, output_size=(8, 6))
    assert F.max_unpool1d(y[0], i[0], 2).shape == (1, 3, 6)


@pytest.mark.parametrize("size", [1, 2, 3, 6])
@pytest.mark.parametrize("shape", [(2, 5, 4), (2, 5, 3, 2)])
def test_local_response_norm_is_its_definition(size, shape):
    x = _x(*shape)
    alpha, beta, k = 0.3, 0.75, 1.5
    y = F.local_response_norm(x, size, alpha, beta, k)
    a = x.data
    for c in range(shape[1]):
        lo, hi = max(c - size // 2, 0), min(c + (size - 1) // 2, shape[1] - 1)
        s = (a[:, lo : hi + 1] ** 2).sum(1)
        want = a[:, c] / (k + alpha / size * s) ** beta
        np.testing.assert_allclose(y.data[:, c], want, rtol=1e-12)
    m = nn.LocalResponseNorm(size, alpha, beta, k)
    np.testing.assert_array_equal(m(x).data, y.data)


@pytest.mark.parametrize("p", [0, 0.5, 1, 2, 3.5, math.inf])
def test_pdist_is_the_distance_of_each_pair(p):
    x = _x(5, 3)
    x.data[3] = x.data[1]  # a zero distance
    y = F.pdist(x, p)
    a = x.data
    want = []
    for i in range(5):
        for j in range(i + 1, 5):
            d = np.abs(a[i] - a[j])
            if p == 0:
                want.append((d != 0).sum())
            elif p == math.inf:
                want.append(d.max())
            else:
                want.append((d**p).sum() ** (1 / p))
    np.testing.assert_allclose(y.data, want, rtol=1e-12)
    y.sum().backward()
    assert np.all(np.isfinite(x.grad.data))


def test_softmax2d_is_a_softmax_over_channels():
    x = _x(2, 3, 4, 5)
    y = nn.Softmax2d()(x).data
    e = np.exp(x.data)
    np.testing.assert_allclose(y, e / e.sum(1, keepdims=True), rtol=1e-12)


@pytest.mark.parametrize("mode, np_mode, cls", [
    ("reflect", "reflect", "ReflectionPad"), ("replicate", "edge", "ReplicationPad"),
    ("circular", "wrap", "CircularPad"), ("constant", "constant", "ZeroPad"),
])  # fmt: skip
@pytest.mark.parametrize("n", [1, 2, 3])
def test_padding_modules_are_numpys_pad(mode, np_mode, cls, n):
    x = _x(2, 3, *[4] * n)
    pads = (1, 2, 2, 0, 0, 3)[: 2 * n]
    y = getattr(nn, f"{cls}{n}d")(pads)(x)
    width = [(0, 0)] * 2 + [(pads[2 * i], pads[2 * i + 1]) for i in reversed(range(n))]
    np.testing.assert_array_equal(y.data, np.pad(x.data, width, mode=np_mode))
    assert repr(getattr(nn, f"{cls}{n}d")(1)) == f"{cls}{n}d({(1,) * 2 * n})"


def test_constant_pad3d():
    x = _x(1, 2, 2, 3, 2)
    y = nn.ConstantPad3d((1, 0, 0, 2, 1, 1), 3.5)(x)
    want = np.pad(x.data, [(0, 0), (0, 0), (1, 1), (0, 2), (1, 0)], constant_values=3.5)
    np.testing.assert_array_equal(y.data, want)


# ---- the random ops ------------------------------------------------------------------

ALPHA = 1.7580993408473766  # SELU's scale * alpha


@pytest.mark.parametrize(
    "fn", [F.dropout1d, F.dropout3d, F.alpha_dropout, F.feature_alpha_dropout, F.rrelu]
)
def test_random_ops_in_evaluation_and_at_p_0(fn):
    x = _x(2, 3, 4, 2) if fn is not F.dropout1d else _x(2, 3, 4)
    if fn is F.rrelu:
        np.testing.assert_array_equal(
            fn(x).data, np.where(x.data > 0, x.data, x.data * ((1 / 8 + 1 / 3) / 2))
        )
        return
    assert fn(x, 0.5, False) is x
    assert fn(x, 0.0, True) is x
    np.testing.assert_array_equal(fn(x, 1.0, True).data, np.zeros(x.shape))


@pytest.mark.parametrize("fn, shape, lead", [
    (F.dropout1d, (40, 50, 3), 2), (F.dropout1d, (50, 3), 1), (F.dropout3d, (20, 30, 2, 2, 2), 2),
    (F.dropout3d, (50, 2, 2, 2), 1),
])  # fmt: skip
@pytest.mark.parametrize("p", [0.2, 0.7])
def test_channel_dropout_zeroes_whole_channels(fn, shape, lead, p):
    mg.manual_seed(0)
    x = mg.ones(*shape, dtype=mg.float64, requires_grad=True)
    y = fn(x, p)
    per_channel = y.data.reshape(*shape[:lead], -1)
    assert np.all(per_channel == per_channel[..., :1])  # one factor per channel
    assert set(np.unique(per_channel)) <= {0.0, 1 / (1 - p)}
    dropped = (per_channel[..., 0] == 0).mean()
    assert abs(dropped - p) < 4 * math.sqrt(p * (1 - p) / per_channel[..., 0].size) + 1e-9
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, y.data)


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_alpha_dropout_is_affine_on_the_mask_and_keeps_mean_and_variance(p):
    mg.manual_seed(1)
    x = _x(200_000, seed=2)
    y = F.alpha_dropout(x, p, True)
    a = 1 / math.sqrt((ALPHA**2 * p + 1) * (1 - p))
    dropped_value = -ALPHA * a * (1 - p)
    kept = np.abs(y.data - a * (x.data + ALPHA * p)) < 1e-12
    dropped = np.abs(y.data - dropped_value) < 1e-12
    assert np.all(kept | dropped)
    assert abs(dropped.mean() - p) < 0.01
    assert abs(y.data.mean()) < 0.02 and abs(y.data.var() - 1) < 0.03
    y.backward(mg.ones(*y.shape, dtype=mg.float64))
    np.testing.assert_allclose(x.grad.data, np.where(kept, a, 0.0))


def test_feature_alpha_dropout_masks_whole_channels():
    mg.manual_seed(2)
    x = _x(30, 40, 5)
    p = 0.4
    y = F.feature_alpha_dropout(x, p, True)
    a = 1 / math.sqrt((ALPHA**2 * p + 1) * (1 - p))
    dropped = np.abs(y.data - (-ALPHA * a * (1 - p))) < 1e-12
    kept = np.abs(y.data - a * (x.data + ALPHA * p)) < 1e-12
    assert np.all(dropped | kept)
    assert np.all(dropped == dropped[..., :1])
    assert abs(dropped[..., 0].mean() - p) < 0.06


def test_rrelu_draws_a_slope_per_negative_element():
    mg.manual_seed(3)
    lower, upper = 0.1, 0.4
    x = _x(100_000, seed=4)
    y = F.rrelu(x, lower, upper, training=True)
    neg = x.data <= 0
    np.testing.assert_array_equal(y.data[~neg], x.data[~neg])
    slope = y.data[neg] / x.data[neg]
    assert slope.min() >= lower and slope.max() <= upper
    assert abs(slope.mean() - (lower + upper) / 2) < 0.005
    assert abs(slope.var() - (upper - lower) ** 2 / 12) < 0.001
    y.backward(mg.ones(*y.shape, dtype=mg.float64))
    np.testing.assert_allclose(x.grad.data[neg], slope)
    np.testing.assert_array_equal(x.grad.data[~neg], 1.0)


def test_modules_follow_training_mode():
    x = _x(4, 3, 5)
    for m in (nn.Dropout1d(0.5), nn.AlphaDropout(0.5), nn.FeatureAlphaDropout(0.5), nn.RReLU()):
        m.eval()
        want = (
            x.data
            if not isinstance(m, nn.RReLU)
            else np.where(x.data > 0, x.data, x.data * ((1 / 8 + 1 / 3) / 2))
        )
        np.testing.assert_array_equal(m(x).data, want)
        m.train()
        assert not np.array_equal(m(x).data, want)


def test_inplace_random_ops_change_the_input():
    mg.manual_seed(5)
    x = _x(3, 4, 5).detach()
    before = x.data.copy()
    y = F.alpha_dropout(x, 0.5, True, inplace=True)
    assert y is x and not np.array_equal(x.data, before)
    x = _x(3, 4, 5).detach()
    before = x.data.copy()
    assert F.rrelu(x, 0.2, 0.3, training=True, inplace=True) is x
    pos = before > 0
    np.testing.assert_array_equal(x.data[pos], before[pos])
    slope = x.data[~pos] / before[~pos]
    assert np.all((slope >= 0.2) & (slope <= 0.3))


def test_avg_pool3d_refuses_an_input_smaller_than_its_kernel():
    # ATen's 3-d average pool checks the unpadded input (its 2-d one does not)
    with pytest.raises(RuntimeError, match=r"input image \(T: 2 H: 2 W: 3\) smaller than kernel"):
        F.avg_pool3d(mg.ones(1, 1, 2, 2, 3), 3, padding=1)
    assert F.avg_pool3d(mg.ones(1, 1, 3, 3, 3), 3).shape == (1, 1, 1, 1, 1)


@pytest.mark.parametrize(
    "pool, op",
    [
        (lambda x: F.adaptive_avg_pool2d(x, (0, 8)), "adaptive_avg_pool2d"),
        (lambda x: F.adaptive_max_pool2d(x, (0, 8)), "adaptive_max_pool2d"),
        (lambda x: F.interpolate(x, size=(0, 3), mode="area"), "adaptive_avg_pool2d"),
    ],
)
def test_adaptive_pools_backward_refuses_an_empty_output_as_pytorch(pool, op):
    x = mg.ones(1, 1, 1, 4, requires_grad=True)
    y = pool(x)
    assert y.shape[2] == 0  # the forward gives the empty tensor
    with pytest.raises(RuntimeError, match=f"{op}_backward.*dimension 2 being empty"):
        y.sum().backward()


def test_multihead_attention_checks_key_and_value_widths_against_kdim_vdim():
    m = nn.MultiheadAttention(4, 2, kdim=3, vdim=3)
    q = mg.randn(5, 1, 4)
    with pytest.raises(AssertionError, match=r"key weights shape of \(4, 4\)"):
        m(q, mg.randn(6, 1, 4), mg.randn(6, 1, 3))
    assert m(q, mg.randn(6, 1, 3), mg.randn(6, 1, 3))[0].shape == (5, 1, 4)
