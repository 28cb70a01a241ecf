"""Transposed convolution without PyTorch: gradcheck in float64, the definition as plain
NumPy loops, the adjoint identity with conv2d, and the modules' shapes, init and output_size."""

import itertools
import math

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn


def _reference(x, w, b, s, p, op, d, groups):
    """The definition, one input point and kernel point at a time: x (N, C, *spatial) adds
    W[c, o', *i] x[n, c, *h] to out[n, g·O/G + o', *(s·h + d·i - p)], any number of dims."""
    N, C, *spatial = x.shape
    _, Og, *k = w.shape
    Cg = C // groups
    size = [(n - 1) * si - 2 * pi + di * (ki - 1) + oi + 1
            for n, si, pi, di, ki, oi in zip(spatial, s, p, d, k, op)]  # fmt: skip
    out = np.zeros((N, Og * groups, *size))
    for n, c, h, i in itertools.product(range(N), range(C), np.ndindex(*spatial), np.ndindex(*k)):
        at = tuple(si * hj + di * ij - pi for si, hj, di, ij, pi in zip(s, h, d, i, p))
        if all(0 <= a < m for a, m in zip(at, size)):
            g = c // Cg
            out[(n, slice(g * Og, (g + 1) * Og), *at)] += w[(c, slice(None), *i)] * x[(n, c, *h)]
    if b is not None:
        out += b.reshape(-1, *(1,) * len(spatial))
    return out


def _conv_reference(x, w, b, s, p, d, groups):
    """conv3d by its definition, xp the zero-padded x:
    out[n, o, *j] = b[o] + Σ_{c, i} W[o, c, *i] xp[n, g·C/G + c, *(s·j + d·i)]."""
    N, C, *spatial = x.shape
    O, Cg, *k = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), *((pi, pi) for pi in p)))
    size = [
        (n + 2 * pi - di * (ki - 1) - 1) // si + 1 for n, pi, di, ki, si in zip(spatial, p, d, k, s)
    ]
    out = np.zeros((N, O, *size))
    for n, o, j, i in itertools.product(range(N), range(O), np.ndindex(*size), np.ndindex(*k)):
        g = o // (O // groups)
        at = tuple(si * jj + di * ii for si, jj, di, ii in zip(s, j, d, i))
        out[(n, o, *j)] += w[(o, slice(None), *i)] @ xp[(n, slice(g * Cg, (g + 1) * Cg), *at)]
    return out + b.reshape(-1, 1, 1, 1)


CASES = [  # stride, padding, output_padding, dilation, groups
    ((1, 1), (0, 0), (0, 0), (1, 1), 1),
    ((2, 2), (1, 1), (1, 1), (1, 1), 1),
    ((2, 3), (0, 2), (1, 2), (1, 1), 2),
    ((1, 2), (1, 0), (1, 0), (2, 1), 1),
    ((3, 1), (2, 1), (0, 1), (1, 2), 2),
    ((2, 2), (0, 0), (2, 1), (3, 2), 1),  # output_padding >= stride, below dilation
]


@pytest.mark.parametrize("s, p, op, d, groups", CASES)
def test_conv_transpose2d_is_its_definition(s, p, op, d, groups):
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((2, 4, 4, 3)), rng.standard_normal((4, 3, 3, 2))
    b = rng.standard_normal(3 * groups)
    want = _reference(x, w, b, s, p, op, d, groups)
    got = F.conv_transpose2d(mg.tensor(x), mg.tensor(w), mg.tensor(b), s, p, op, groups, d)
    assert got.shape == want.shape
    np.testing.assert_allclose(got.data, want, rtol=1e-12, atol=1e-12)
    # unbatched, and 1-d as a height of 1
    one = F.conv_transpose2d(mg.tensor(x[0]), mg.tensor(w), mg.tensor(b), s, p, op, groups, d)
    np.testing.assert_allclose(one.data, want[0], rtol=1e-12, atol=1e-12)
    line = F.conv_transpose1d(mg.tensor(x[:, :, 0]), mg.tensor(w[:, :, 0]), mg.tensor(b),
                              s[1], p[1], op[1], groups, d[1])  # fmt: skip
    want1 = _reference(x[:, :, :1], w[:, :, :1], b, (1, s[1]), (0, p[1]), (0, op[1]),
                       (1, d[1]), groups)  # fmt: skip
    np.testing.assert_allclose(line.data, want1[:, :, 0], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("s, p, op, d, groups", CASES)
def test_conv_transpose2d_is_the_adjoint_of_conv2d(s, p, op, d, groups):
    """<conv2d(g, W), x> = <g, conv_transpose2d(x, W)> for every g of the output's shape."""
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal((2, 4, 4, 3)), rng.standard_normal((4, 3, 3, 2))
    y = F.conv_transpose2d(mg.tensor(x), mg.tensor(w), None, s, p, op, groups, d)
    g = rng.standard_normal(y.shape)
    back = F.conv2d(mg.tensor(g), mg.tensor(w), None, s, p, d, groups).data
    back = back[:, :, : x.shape[2], : x.shape[3]]  # output_padding >= stride: rows past x
    np.testing.assert_allclose((back * x).sum(), (g * y.data).sum(), rtol=1e-12)


@pytest.mark.parametrize("s, p, op, d, groups", CASES)
@pytest.mark.parametrize("batched", [True, False])
def test_conv_transpose2d_gradcheck(s, p, op, d, groups, batched):
    rng = np.random.default_rng(3)
    xs = (2, 4, 3, 3) if batched else (4, 3, 3)
    x, w, b = (mg.tensor(rng.standard_normal(shape), requires_grad=True)
               for shape in (xs, (4, 2, 2, 3), (2 * groups,)))  # fmt: skip
    assert mg.gradcheck(lambda x, w, b: F.conv_transpose2d(x, w, b, s, p, op, groups, d),
                        (x, w, b))  # fmt: skip


@pytest.mark.parametrize("s, p, op, d, groups", [(1, 0, 0, 1, 1), (2, 1, 1, 1, 2), (3, 2, 2, 2, 1),
                                                 (1, 1, 1, 2, 2)])  # fmt: skip
def test_conv_transpose1d_gradcheck(s, p, op, d, groups):
    rng = np.random.default_rng(4)
    x, w, b = (mg.tensor(rng.standard_normal(shape), requires_grad=True)
               for shape in ((2, 4, 5), (4, 3, 3), (3 * groups,)))  # fmt: skip
    assert mg.gradcheck(lambda x, w, b: F.conv_transpose1d(x, w, b, s, p, op, groups, d),
                        (x, w, b))  # fmt: skip
    assert mg.gradcheck(lambda x, w: F.conv_transpose1d(x, w, None, s, p, op, groups, d),
                        (x[0].detach().requires_grad_(), w))  # fmt: skip


CASES_3D = [  # stride, padding, output_padding, dilation, groups
    ((1, 1, 1), (0, 0, 0), (0, 0, 0), (1, 1, 1), 1),
    ((2, 1, 3), (1, 0, 1), (1, 0, 2), (1, 2, 1), 2),
    ((1, 2, 2), (0, 1, 0), (1, 1, 0), (2, 1, 1), 1),
]


@pytest.mark.parametrize("s, p, op, d, groups", CASES_3D)
def test_conv_transpose3d_is_its_definition_and_gradchecks(s, p, op, d, groups):
    rng = np.random.default_rng(5)
    x, w = rng.standard_normal((2, 4, 2, 3, 2)), rng.standard_normal((4, 2, 2, 1, 2))
    b = rng.standard_normal(2 * groups)
    want = _reference(x, w, b, s, p, op, d, groups)
    got = F.conv_transpose3d(mg.tensor(x), mg.tensor(w), mg.tensor(b), s, p, op, groups, d)
    np.testing.assert_allclose(got.data, want, rtol=1e-12, atol=1e-12)
    one = F.conv_transpose3d(mg.tensor(x[1]), mg.tensor(w), mg.tensor(b), s, p, op, groups, d)
    np.testing.assert_allclose(one.data, want[1], rtol=1e-12, atol=1e-12)
    x, w, b = (mg.tensor(a, requires_grad=True) for a in (x, w, b))
    assert mg.gradcheck(lambda x, w, b: F.conv_transpose3d(x, w, b, s, p, op, groups, d),
                        (x, w, b))  # fmt: skip


@pytest.mark.parametrize("s, p, d, groups", [(1, 0, 1, 1), ((2, 1, 2), (1, 0, 1), (1, 2, 1), 2)])
def test_conv3d_is_its_definition_and_gradchecks(s, p, d, groups):
    rng = np.random.default_rng(6)
    x, w, b = (
        rng.standard_normal(shape) for shape in ((2, 4, 4, 5, 3), (4, 4 // groups, 2, 2, 2), (4,))
    )
    s3, p3, d3 = ((v,) * 3 if isinstance(v, int) else v for v in (s, p, d))
    want = _conv_reference(x, w, b, s3, p3, d3, groups)
    got = F.conv3d(mg.tensor(x), mg.tensor(w), mg.tensor(b), s, p, d, groups)
    np.testing.assert_allclose(got.data, want, rtol=1e-12, atol=1e-12)
    x, w, b = (mg.tensor(a, requires_grad=True) for a in (x[:1, :, :3, :3], w, b))
    assert mg.gradcheck(lambda x, w, b: F.conv3d(x, w, b, s, p, d, groups), (x, w, b))
    assert mg.gradcheck(lambda x, w: F.conv3d(x, w, None, s, p, d, groups), (x[0], w))


def test_conv3d_with_a_kernel_of_depth_1_is_conv2d_per_slice():
    rng = np.random.default_rng(7)
    x, w = (
        mg.tensor(rng.standard_normal((2, 3, 4, 5, 5))),
        mg.tensor(rng.standard_normal((4, 3, 1, 3, 2))),
    )
    y = F.conv3d(x, w, stride=(1, 2, 1), padding=(0, 1, 1))
    for i in range(4):
        per = F.conv2d(x[:, :, i], w[:, :, 0], stride=(2, 1), padding=1)
        np.testing.assert_allclose(y.data[:, :, i], per.data, rtol=1e-12, atol=1e-12)


def test_a_stride_spreads_the_input_and_output_padding_adds_zeros_at_the_end():
    x = mg.tensor([[[1.0, 2.0, 3.0]]], dtype=mg.float64)
    w = mg.tensor([[[1.0]]], dtype=mg.float64)
    y = F.conv_transpose1d(x, w, stride=3, output_padding=2)
    assert y.data.tolist() == [[[1.0, 0, 0, 2.0, 0, 0, 3.0, 0, 0]]]
    y = F.conv_transpose1d(x, mg.tensor([[[1.0, 10.0]]], dtype=mg.float64), padding=1)
    assert y.data.tolist() == [[[12.0, 23.0]]]


@pytest.mark.parametrize(
    "kwargs, error",
    [
        (dict(output_padding=1), RuntimeError),  # not below stride 1 or dilation 1
        (dict(stride=2, output_padding=2), RuntimeError),
        (dict(output_padding=-1), RuntimeError),
        (dict(padding=-1), RuntimeError),
        (dict(padding=4), RuntimeError),  # a negative output size
        (dict(stride=0), RuntimeError),
        (dict(groups=2), RuntimeError),  # 3 input channels
        (dict(padding="same"), TypeError),
        (dict(stride=2.0), TypeError),
    ],
)
def test_bad_arguments(kwargs, error):
    with pytest.raises(error, match="conv_transpose2d"):
        F.conv_transpose2d(mg.ones(1, 3, 3, 3), mg.ones(3, 2, 3, 3), **kwargs)


def test_bad_shapes():
    with pytest.raises(RuntimeError, match=r"conv_transpose2d.*\[2, 2, 5, 5\].*3 channels"):
        F.conv_transpose2d(mg.ones(2, 2, 5, 5), mg.ones(3, 4, 3, 3))
    with pytest.raises(RuntimeError, match=r"3D \(unbatched\) or 4D"):
        F.conv_transpose2d(mg.ones(5, 5), mg.ones(3, 4, 3, 3))
    with pytest.raises(RuntimeError, match="bias"):
        F.conv_transpose2d(mg.ones(2, 3, 5, 5), mg.ones(3, 4, 3, 3), mg.ones(3))


# ---- modules -------------------------------------------------------------------------


def test_module_parameters_init_and_repr():
    m = nn.ConvTranspose2d(6, 8, (3, 2), stride=2, padding=1, output_padding=1, groups=2)
    assert m.weight.shape == (6, 4, 3, 2) and m.bias.shape == (8,)
    assert list(m.state_dict()) == ["weight", "bias"] and m.transposed
    assert (m.output_padding, m.padding, m.dilation) == ((1, 1), (1, 1), (1, 1))
    bound = 1 / math.sqrt(4 * 3 * 2)  # fan_in from W's dim 1: out_channels / groups
    for p in (m.weight, m.bias):
        assert np.abs(p.data).max() <= bound and p.dtype == mg.get_default_dtype()
    assert repr(m) == (
        "ConvTranspose2d(6, 8, kernel_size=(3, 2), stride=(2, 2), padding=(1, 1), "
        "output_padding=(1, 1), groups=2)"
    )
    m = nn.ConvTranspose1d(2, 3, 4, bias=False, dilation=2, dtype=mg.float64)
    assert m.bias is None and m.weight.shape == (2, 3, 4) and m.weight.dtype == mg.float64
    assert (
        repr(m) == "ConvTranspose1d(2, 3, kernel_size=(4,), stride=(1,), dilation=(2,), bias=False)"
    )
    with pytest.raises(ValueError, match="zeros"):
        nn.ConvTranspose2d(2, 3, 3, padding_mode="reflect")


def test_3d_modules():
    m = nn.Conv3d(4, 6, (3, 2, 2), stride=2, padding=1, groups=2, padding_mode="reflect")
    assert m.weight.shape == (6, 2, 3, 2, 2) and not m.transposed
    assert repr(m) == ("Conv3d(4, 6, kernel_size=(3, 2, 2), stride=(2, 2, 2), padding=(1, 1, 1), "
                       "groups=2, padding_mode=reflect)")  # fmt: skip
    assert m(mg.randn(2, 4, 5, 4, 4)).shape == (2, 6, 3, 3, 3)
    t = nn.ConvTranspose3d(4, 6, 2, stride=(2, 1, 3), groups=2, bias=False)
    assert t.weight.shape == (4, 3, 2, 2, 2) and t.transposed and t.output_padding == (0, 0, 0)
    assert t(mg.randn(4, 3, 3, 3)).shape == (6, 6, 4, 8)
    assert t(mg.randn(4, 3, 3, 3), output_size=(7, 4, 9)).shape == (6, 7, 4, 9)
    bound = 1 / math.sqrt(3 * 8)
    assert 0.9 * bound < np.abs(t.weight.data).max() <= bound


def test_module_is_the_functional_with_its_parameters():
    mg.manual_seed(0)
    m = nn.ConvTranspose2d(4, 6, 3, stride=(2, 1), padding=(1, 0), groups=2, dtype=mg.float64)
    x = mg.randn(2, 4, 3, 5, dtype=mg.float64)
    want = F.conv_transpose2d(x, m.weight, m.bias, (2, 1), (1, 0), 0, 2)
    np.testing.assert_array_equal(m(x).data, want.data)


@pytest.mark.parametrize("size", [(5,), (6,), (1, 2, 6), [2, 5]])
def test_module_output_size_picks_the_output_padding(size):
    m = nn.ConvTranspose1d(2, 3, 3, stride=2, padding=1)  # sizes 5 and 6 from a length of 3
    x = mg.ones(*((1, 2, 3) if len(size) == 3 else (2, 3)))
    y = m(x, output_size=size)
    assert y.shape[-1] == size[-1]
    with pytest.raises(ValueError, match="output size"):
        m(x, output_size=(7,))
    with pytest.raises(ValueError, match="output_size must have"):
        m(x, output_size=(1, 1, 1, 5))


# ---- 3-d pooling ---------------------------------------------------------------------


def _windows(n, k, s, p, d=1):
    """The input positions of each window along one dim (no ceil mode), those inside the
    input and the count of those inside the padded input."""
    out = (n + 2 * p - d * (k - 1) - 1) // s + 1
    for o in range(out):
        pts = [o * s - p + i * d for i in range(k)]
        yield [q for q in pts if 0 <= q < n], sum(1 for q in pts if -p <= q < n + p)


@pytest.mark.parametrize("k, s, p, d", [(2, 2, 0, 1), ((3, 2, 2), (1, 2, 1), (1, 0, 1), (1, 1, 2))])
def test_max_and_avg_pool3d_are_their_definitions(k, s, p, d):
    rng = np.random.default_rng(9)
    x = rng.standard_normal((2, 3, 5, 4, 6))
    k3, s3, p3, d3 = ((v,) * 3 if isinstance(v, int) else v for v in (k, s, p, d))
    y, idx = F.max_pool3d(mg.tensor(x), k, s, p, d, return_indices=True)
    a = F.avg_pool3d(mg.tensor(x), k, s, p, count_include_pad=True) if d3 == (1, 1, 1) else None
    per = [list(_windows(n, *args)) for n, args in zip(x.shape[2:], zip(k3, s3, p3, d3))]
    for i, j, m in itertools.product(*map(range, y.shape[2:])):
        (ws_d, cd), (ws_h, ch), (ws_w, cw) = per[0][i], per[1][j], per[2][m]
        box = x[:, :, ws_d][:, :, :, ws_h][:, :, :, :, ws_w].reshape(2, 3, -1)
        np.testing.assert_array_equal(y.data[:, :, i, j, m], box.max(-1))
        at = [
            np.unravel_index(b, (len(ws_d), len(ws_h), len(ws_w))) for b in box.argmax(-1).ravel()
        ]
        flat = [ws_d[u] * 24 + ws_h[v] * 6 + ws_w[w] for u, v, w in at]
        assert idx.data[:, :, i, j, m].ravel().tolist() == flat
        if a is not None:
            np.testing.assert_allclose(
                a.data[:, :, i, j, m], box.sum(-1) / (cd * ch * cw), rtol=1e-12
            )


def test_adaptive_avg_pool3d_is_its_definition():
    rng = np.random.default_rng(10)
    x = rng.standard_normal((2, 5, 7, 4))
    y = F.adaptive_avg_pool3d(mg.tensor(x), (3, None, 3))
    assert y.shape == (2, 3, 7, 3)
    for i, j, m in itertools.product(range(3), range(7), range(3)):
        d0, d1 = i * 5 // 3, -(-(i + 1) * 5 // 3)
        w0, w1 = m * 4 // 3, -(-(m + 1) * 4 // 3)
        np.testing.assert_allclose(
            y.data[:, i, j, m], x[:, d0:d1, j, w0:w1].mean((1, 2)), rtol=1e-12
        )


def test_pool3d_with_a_kernel_of_depth_1_is_the_2d_pool_per_slice():
    rng = np.random.default_rng(11)
    x = mg.tensor(rng.standard_normal((2, 3, 4, 6, 5)))
    y = F.max_pool3d(x, (1, 3, 2), (1, 2, 1), (0, 1, 1), ceil_mode=True)
    a = F.avg_pool3d(x, (1, 3, 2), (1, 2, 1), (0, 1, 1), count_include_pad=False)
    for i in range(4):
        plane = x[:, :, i]
        want = F.max_pool2d(plane, (3, 2), (2, 1), (1, 1), ceil_mode=True)
        np.testing.assert_array_equal(y.data[:, :, i], want.data)
        want = F.avg_pool2d(plane, (3, 2), (2, 1), (1, 1), count_include_pad=False)
        np.testing.assert_allclose(a.data[:, :, i], want.data, rtol=1e-12)


@pytest.mark.parametrize(
    "f",
    [
        lambda x: F.max_pool3d(x, 2),
        lambda x: F.max_pool3d(x, (3, 2, 2), (1, 2, 1), (1, 0, 1), (1, 1, 2), ceil_mode=True),
        lambda x: F.avg_pool3d(x, 2, ceil_mode=True),
        lambda x: F.avg_pool3d(x, (3, 2, 2), 1, (1, 1, 0), count_include_pad=False),
        lambda x: F.avg_pool3d(x, 2, 1, divisor_override=3),
        lambda x: F.adaptive_avg_pool3d(x, (2, 3, 2)),
        lambda x: F.adaptive_avg_pool3d(x, (None, 1, 4)),
        lambda x: F.adaptive_avg_pool3d(x, 1),
    ],
)
@pytest.mark.parametrize("batched", [True, False])
def test_pool3d_gradcheck(f, batched):
    rng = np.random.default_rng(12)
    x = mg.tensor(rng.standard_normal(((2,) if batched else ()) + (2, 4, 5, 4)), requires_grad=True)
    assert mg.gradcheck(f, (x,))


def test_pool3d_modules():
    x = mg.randn(2, 3, 4, 6, 5)
    m = nn.MaxPool3d(2, return_indices=True)
    y, i = m(x)
    assert y.shape == (2, 3, 2, 3, 2) and i.dtype == mg.int64
    np.testing.assert_array_equal(y.data, F.max_pool3d(x, 2).data)
    assert repr(m) == "MaxPool3d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"
    a = nn.AvgPool3d((2, 3, 1), 1, divisor_override=2)
    np.testing.assert_array_equal(a(x).data, F.avg_pool3d(x, (2, 3, 1), 1, divisor_override=2).data)
    assert repr(a) == "AvgPool3d(kernel_size=(2, 3, 1), stride=1, padding=0)"
    p = nn.AdaptiveAvgPool3d((2, None, 1))
    assert (
        p(x).shape == (2, 3, 2, 6, 1) and repr(p) == "AdaptiveAvgPool3d(output_size=(2, None, 1))"
    )
    with pytest.raises(RuntimeError, match="max_pool3d"):
        m(mg.ones(5, 5))
    with pytest.raises(RuntimeError, match="avg_pool3d.*half"):
        F.avg_pool3d(x, 2, padding=2)
