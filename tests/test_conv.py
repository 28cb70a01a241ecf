"""Convolution, pooling and padding: gradients against central finite differences in
float64 (``mg.gradcheck``), the layers' initialization, and the error messages."""

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import functional as F


def _rand(*shape, seed=0, requires_grad=True):
    rng = np.random.default_rng(seed)
    return mg.tensor(rng.standard_normal(shape), dtype=mg.float64, requires_grad=requires_grad)


def _distinct(*shape, seed=0):
    """Values at least 0.1 apart: no ties in a max, so finite differences are smooth."""
    rng = np.random.default_rng(seed)
    values = rng.permutation(int(np.prod(shape))) * 0.1
    return mg.tensor(values.reshape(shape), dtype=mg.float64, requires_grad=True)


CONV2D_CASES = [
    ((2, 3, 5, 4), (4, 3, 3, 2), {}),
    ((1, 2, 6, 5), (3, 2, 2, 3), dict(stride=(2, 1), padding=(1, 2))),
    ((2, 4, 6, 6), (4, 2, 3, 3), dict(dilation=(2, 1), groups=2, padding=1)),
    ((2, 3, 5, 5), (3, 1, 2, 2), dict(groups=3, stride=2)),
    ((3, 5, 4), (2, 3, 2, 3), dict(padding="same")),
    ((1, 2, 5, 5), (2, 2, 3, 3), dict(padding="same", dilation=2)),
    ((1, 2, 4, 4), (2, 2, 4, 4), dict(padding="valid")),
]


@pytest.mark.parametrize("xs, ws, kwargs", CONV2D_CASES)
@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths")
def test_conv2d_gradients_match_finite_differences(xs, ws, kwargs):
    x, w, b = _rand(*xs), _rand(*ws, seed=1), _rand(ws[0], seed=2)
    assert mg.gradcheck(lambda x, w, b: F.conv2d(x, w, b, **kwargs), (x, w, b))
    assert mg.gradcheck(lambda x, w: F.conv2d(x, w, **kwargs), (x, w))


def test_conv2d_gradient_of_a_non_contiguous_input():
    base = _rand(2, 5, 3, 4)
    w = _rand(2, 3, 2, 2, seed=1)
    assert mg.gradcheck(lambda t: F.conv2d(t.permute(0, 2, 3, 1), w, stride=(1, 2)), (base,))


@pytest.mark.parametrize(
    "xs, ws, kwargs",
    [
        ((2, 3, 7), (4, 3, 3), dict(stride=2, padding=1)),
        ((4, 6), (4, 2, 2), dict(groups=2, dilation=2, padding="same")),
    ],
)
def test_conv1d_gradients_match_finite_differences(xs, ws, kwargs):
    x, w, b = _rand(*xs), _rand(*ws, seed=1), _rand(ws[0], seed=2)
    assert mg.gradcheck(lambda x, w, b: F.conv1d(x, w, b, **kwargs), (x, w, b))


@pytest.mark.parametrize(
    "shape, kwargs",
    [
        ((2, 2, 5, 4), dict(kernel_size=2)),
        ((1, 2, 6, 5), dict(kernel_size=(3, 2), stride=(2, 1), padding=1)),
        ((2, 5, 6), dict(kernel_size=2, stride=2, padding=1, dilation=2, ceil_mode=True)),
        ((1, 1, 7, 7), dict(kernel_size=3, stride=2, ceil_mode=True)),
    ],
)
def test_max_pool2d_gradients_match_finite_differences(shape, kwargs):
    x = _distinct(*shape)
    assert mg.gradcheck(lambda x: F.max_pool2d(x, **kwargs), (x,))


@pytest.mark.parametrize(
    "shape, kwargs",
    [
        ((2, 2, 5, 4), dict(kernel_size=2)),
        ((1, 2, 6, 5), dict(kernel_size=(3, 2), stride=(2, 1), padding=1)),
        (
            (1, 2, 6, 5),
            dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
        ),
        ((2, 5, 6), dict(kernel_size=2, stride=1, ceil_mode=True, divisor_override=3)),
    ],
)
def test_avg_pool2d_gradients_match_finite_differences(shape, kwargs):
    assert mg.gradcheck(lambda x: F.avg_pool2d(x, **kwargs), (_rand(*shape),))


@pytest.mark.parametrize("size", [1, (1, 1), (2, 3), (3, 2), (None, 4), 5])
def test_adaptive_avg_pool2d_gradients_match_finite_differences(size):
    assert mg.gradcheck(lambda x: F.adaptive_avg_pool2d(x, size), (_rand(2, 2, 5, 4),))


@pytest.mark.parametrize("pad", [(1, 2), (0, 1, 2, 0), (-1, 1, 1, -2, 1, 0), (-1, -1)])
def test_pad_gradients_match_finite_differences(pad):
    assert mg.gradcheck(lambda x: F.pad(x, pad, value=0.5), (_rand(2, 3, 4),))


def test_max_pool2d_sends_the_gradient_of_a_tie_to_the_first_maximum():
    x = mg.tensor([[[1.0, 3.0], [3.0, 3.0]]], requires_grad=True)
    y, i = F.max_pool2d(x, 2, return_indices=True)
    y.sum().backward()
    assert i.tolist() == [[[1]]]
    assert x.grad.tolist() == [[[0.0, 1.0], [0.0, 0.0]]]


def test_max_pool2d_of_overlapping_windows_adds_the_gradients():
    x = mg.tensor([[[0.0, 1.0, 0.0], [0.0, 5.0, 0.0], [0.0, 0.0, 0.0]]], requires_grad=True)
    F.max_pool2d(x, 2, stride=1).sum().backward()
    assert x.grad.tolist() == [[[0.0, 0.0, 0.0], [0.0, 4.0, 0.0], [0.0, 0.0, 0.0]]]


def test_conv_keeps_float32_and_the_output_shape():
    x = mg.ones(2, 3, 9, 8)
    y = F.conv2d(x, mg.ones(4, 3, 3, 2), mg.ones(4), stride=(2, 3), padding=(1, 0), dilation=(1, 2))
    assert y.dtype == mg.float32
    assert tuple(y.shape) == (2, 4, (9 + 2 - 2 - 1) // 2 + 1, (8 - 2 - 1) // 3 + 1)
    assert F.conv2d(x[0], mg.ones(4, 3, 3, 3)).shape == (4, 7, 6)


@pytest.mark.parametrize(
    "cls, args, fan_in",
    [
        (nn.Conv2d, (6, 8, (3, 2)), 36),
        (nn.Conv2d, (6, 9, 3, 1, 0, 1, 3), 18),
        (nn.Conv1d, (4, 8, 5), 20),
    ],
)
def test_conv_layers_initialize_as_pytorch(cls, args, fan_in):
    """kaiming_uniform_(a=sqrt(5)) gives W uniform in ±1/sqrt(fan_in); b has the same bound."""
    mg.manual_seed(0)
    bound = 1 / math.sqrt(fan_in)
    draws = [cls(*args) for _ in range(50)]
    w = np.concatenate([m.weight.data.ravel() for m in draws])
    b = np.concatenate([m.bias.data.ravel() for m in draws])
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    assert np.abs(w).max() > 0.95 * bound and np.abs(b).max() > 0.9 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.05 * bound


def test_conv_layer_arguments():
    m = nn.Conv2d(4, 6, 3, groups=2, bias=False, dtype=mg.float64)
    assert m.weight.shape == (6, 2, 3, 3) and m.bias is None and m.weight.dtype == mg.float64
    assert [n for n, _ in m.named_parameters()] == ["weight"]
    y = m(_rand(1, 4, 5, 5))
    assert y.shape == (1, 6, 3, 3) and y.grad_fn.name() == "ConvolutionBackward"


@pytest.mark.parametrize(
    "shape, pad, mode",
    [
        ((2, 3, 5), (2, 1), "reflect"),
        ((2, 4, 5), (-1, 3, 2, -1), "reflect"),
        ((3, 4), (3, 4), "replicate"),
        ((1, 2, 3, 4), (1, 2, 0, 3), "replicate"),
        ((2, 3, 3, 2, 2), (1, 0, 1, 1, 0, 1), "replicate"),
        ((2, 3, 5), (2, 3), "circular"),
        ((2, 4, 5), (-1, 2, 3, 0), "circular"),
    ],
)
def test_index_pad_gradients_match_finite_differences(shape, pad, mode):
    assert mg.gradcheck(lambda x: F.pad(x, pad, mode=mode), (_rand(*shape),))


@pytest.mark.parametrize("pad", [(-2, 3), (3, -2), (-3, 3)])
def test_circular_pad_refuses_to_wrap_a_cropped_dim_more_than_once(pad):
    """A divergence: PyTorch gives garbage here (uninitialized memory for (3, -2), a wrong
    gradient for (-2, 3), or an error on overlapping memory); minigrad refuses."""
    with pytest.raises(RuntimeError, match="wrapping around more than once"):
        F.pad(mg.ones(2, 3, 4), pad, mode="circular")


def test_conv_padding_modes_pad_the_input_first():
    x, w = _rand(1, 2, 5, 4), _rand(3, 2, 3, 2, seed=1)
    for mode in ("reflect", "replicate", "circular"):
        m = nn.Conv2d(2, 3, (3, 2), padding=(2, 1), padding_mode=mode, dtype=mg.float64)
        with mg.no_grad():
            m.weight.copy_(w)
        want = F.conv2d(F.pad(x, (1, 1, 2, 2), mode=mode), w, m.bias)
        np.testing.assert_array_equal(m(x).data, want.data)
        assert mg.gradcheck(lambda x, m=m: m(x), (x,))


@pytest.mark.parametrize(
    "call, words",
    [
        (
            lambda: F.conv2d(mg.ones(2, 3, 5, 5), mg.ones(4, 2, 3, 3)),
            ["conv2d", "[4, 2, 3, 3]", "[2, 3, 5, 5]"],
        ),
        (
            lambda: F.conv2d(mg.ones(2, 3, 5, 5), mg.ones(4, 3, 7, 3)),
            ["conv2d", "(7 x 3)", "(5 x 5)"],
        ),
        (lambda: F.conv2d(mg.ones(5, 5), mg.ones(4, 3, 3, 3)), ["conv2d", "[5, 5]"]),
        (lambda: F.conv1d(mg.ones(2, 3, 5, 5), mg.ones(4, 3, 3)), ["conv1d", "[2, 3, 5, 5]"]),
        (lambda: F.max_pool2d(mg.ones(2, 3, 5, 5), 6), ["max_pool2d", "(3x5x5)"]),
        (lambda: F.avg_pool2d(mg.ones(5, 5), 2), ["avg_pool2d", "[5, 5]"]),
        (lambda: F.pad(mg.ones(2, 3), (-2, -2)), ["pad", "(2, 3)"]),
    ],
)
def test_errors_name_the_op_and_the_shapes(call, words):
    with pytest.raises(RuntimeError) as info:
        call()
    for word in words:
        assert word in str(info.value)


def test_dropout2d_zeros_whole_channels_and_scales_the_rest():
    mg.manual_seed(0)
    x = mg.tensor(np.arange(1.0, 1 + 200 * 8 * 9).reshape(200, 8, 3, 3), requires_grad=True)
    y = F.dropout2d(x, 0.25)
    (y * y).sum().backward()
    kept = (y.data != 0).reshape(200, 8, 9)
    assert np.all(kept == kept[..., :1])  # one decision per (n, c) channel
    assert abs(1 - kept[..., 0].mean() - 0.25) < 0.03  # 1600 channels: sd of the rate 0.011
    scale = 1 / 0.75
    np.testing.assert_array_equal(y.data, np.where(y.data != 0, x.data * scale, 0))
    np.testing.assert_array_equal(x.grad.data, 2 * y.data * np.where(y.data != 0, scale, 0))


def test_dropout2d_of_a_3d_input_drops_channels_of_n_c_l_with_pytorch_warning():
    mg.manual_seed(1)
    with pytest.warns(UserWarning, match="3D input to dropout2d"):
        y = F.dropout2d(mg.ones(50, 6, 4), 0.5)
    assert np.all(y.data == y.data[..., :1])
    assert 0 < (y.data == 0).mean() < 1


def test_dropout2d_in_place_changes_the_input():
    mg.manual_seed(2)
    x = mg.ones(3, 4, 2, 2, requires_grad=True)
    h = x * 1
    y = F.dropout2d(h, 0.5, inplace=True)
    assert y is h
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, h.data)


def test_same_padding_of_an_even_kernel_warns_as_pytorch():
    with pytest.warns(UserWarning, match="even kernel lengths"):
        y = F.conv2d(mg.ones(1, 1, 5, 5), mg.ones(1, 1, 2, 3), padding="same")
    assert y.shape == (1, 1, 5, 5)
    assert y.tolist()[0][0][4] == [2.0, 3.0, 3.0, 3.0, 2.0]  # the odd row of padding is below
