"""interpolate, the shuffles, unfold and fold without PyTorch: finite-difference gradients
(``mg.gradcheck`` in float64) and the definitions written out in plain NumPy loops."""

import itertools
import math

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F


def _x(*shape, seed=0):
    return mg.tensor(np.random.default_rng(seed).standard_normal(shape), requires_grad=True)


# ---- gradients -----------------------------------------------------------------------

GRAD_CASES = [
    ((2, 2, 5), dict(size=7, mode="linear")),
    ((2, 2, 5), dict(size=3, mode="linear", align_corners=True)),
    ((2, 2, 5), dict(scale_factor=1.7, mode="nearest")),
    ((2, 2, 5), dict(scale_factor=1.3, mode="nearest")),  # an axis kept by the scale
    ((2, 2, 5), dict(size=8, mode="nearest-exact")),
    ((2, 2, 5), dict(size=3, mode="area")),
    ((1, 2, 4, 5), dict(size=(6, 3), mode="bilinear")),
    ((1, 2, 4, 5), dict(scale_factor=(0.6, 1.5), mode="bilinear", align_corners=True)),
    ((1, 2, 4, 5), dict(size=(7, 4), mode="bicubic")),
    ((1, 2, 4, 5), dict(size=(3, 8), mode="bicubic", align_corners=True)),
    ((1, 2, 4, 5), dict(size=(3, 7), mode="nearest")),
    ((1, 2, 4, 5), dict(size=(3, 7), mode="nearest-exact")),
    ((1, 2, 4, 5), dict(size=(3, 2), mode="area")),
    ((1, 2, 4, 5), dict(scale_factor=1.5, mode="area")),
    ((1, 1, 3, 4, 5), dict(size=(4, 2, 6), mode="trilinear")),
    ((1, 1, 3, 4, 5), dict(scale_factor=1.3, mode="trilinear", align_corners=True)),
    ((1, 1, 3, 4, 5), dict(size=(5, 3, 2), mode="nearest")),
    ((1, 1, 3, 4, 5), dict(size=(2, 3, 2), mode="area")),
    ((1, 2, 7, 5), dict(size=(3, 2), mode="bilinear", antialias=True)),
    ((1, 2, 7, 5), dict(size=(3, 8), mode="bicubic", antialias=True, align_corners=True)),
    ((1, 2, 7, 5), dict(size=(4, 9), mode="lanczos", antialias=True)),
]


@pytest.mark.parametrize("shape, kw", GRAD_CASES, ids=[f"{s}-{k}" for s, k in GRAD_CASES])
def test_interpolate_gradcheck(shape, kw):
    assert mg.gradcheck(lambda t: F.interpolate(t, **kw), (_x(*shape),))


@pytest.mark.parametrize("fn", [
    lambda t: F.pixel_shuffle(t, 2),
    lambda t: F.pixel_unshuffle(t.reshape(2, 2, 6, 4)[:, :, :4], 2),
    lambda t: F.channel_shuffle(t, 2),
    lambda t: F.unfold(t, (2, 3), dilation=(2, 1), padding=1, stride=(1, 2)),
    lambda t: F.fold(t.reshape(2, 12, 4), (3, 3), 2),
    lambda t: F.fold(t.reshape(2, 4, 12), (5, 6), (2, 1), padding=1, stride=2),
])  # fmt: skip
def test_shuffle_unfold_fold_gradcheck(fn):
    assert mg.gradcheck(fn, (_x(2, 4, 3, 4),))


# ---- interpolate: definitions --------------------------------------------------------


def _bilinear_loops(x, OH, OW, align_corners):
    """The textbook definition: each output pixel a weighted mean of its 4 neighbours."""
    H, W = x.shape

    def src(o, n, m):
        if align_corners:
            return o * (n - 1) / (m - 1) if m > 1 else 0.0
        return max((o + 0.5) * n / m - 0.5, 0.0)

    out = np.zeros((OH, OW))
    for i in range(OH):
        for j in range(OW):
            r, c = src(i, H, OH), src(j, W, OW)
            r0, c0 = min(int(r), H - 1), min(int(c), W - 1)
            r1, c1 = min(r0 + 1, H - 1), min(c0 + 1, W - 1)
            a, b = r - r0, c - c0
            out[i, j] = ((1 - a) * (1 - b) * x[r0, c0] + (1 - a) * b * x[r0, c1]
                         + a * (1 - b) * x[r1, c0] + a * b * x[r1, c1])  # fmt: skip
    return out


@pytest.mark.parametrize("ac", [False, True])
@pytest.mark.parametrize("size", [(7, 3), (2, 9), (4, 5), (1, 1), (11, 12)])
def test_bilinear_is_the_textbook_definition(size, ac):
    x = np.random.default_rng(1).standard_normal((4, 5))
    y = F.interpolate(mg.tensor(x[None, None]), size=size, mode="bilinear", align_corners=ac)
    np.testing.assert_allclose(y.data[0, 0], _bilinear_loops(x, *size, ac), atol=1e-12)


def _keys(t, A=-0.75):
    """Keys' cubic convolution kernel, the weight of a neighbour at distance |t|."""
    t = abs(t)
    if t <= 1:
        return (A + 2) * t**3 - (A + 3) * t**2 + 1
    if t < 2:
        return A * t**3 - 5 * A * t**2 + 8 * A * t - 4 * A
    return 0.0


@pytest.mark.parametrize("ac", [False, True])
@pytest.mark.parametrize("size", [(7, 3), (2, 9), (8, 10)])
def test_bicubic_is_keys_convolution_with_clamped_borders(size, ac):
    x = np.random.default_rng(2).standard_normal((4, 5))
    H, W = x.shape
    out = np.zeros(size)
    for i, j in itertools.product(range(size[0]), range(size[1])):
        r, c = ((o * (n - 1) / (m - 1) if ac else (o + 0.5) * n / m - 0.5)
                for o, n, m in ((i, H, size[0]), (j, W, size[1])))  # fmt: skip
        r0, c0 = math.floor(r), math.floor(c)
        for di, dj in itertools.product(range(-1, 3), range(-1, 3)):
            v = x[min(max(r0 + di, 0), H - 1), min(max(c0 + dj, 0), W - 1)]
            out[i, j] += _keys(r - r0 - di) * _keys(c - c0 - dj) * v
    y = F.interpolate(mg.tensor(x[None, None]), size=size, mode="bicubic", align_corners=ac)
    np.testing.assert_allclose(y.data[0, 0], out, atol=1e-12)


def test_linear_reproduces_a_ramp_and_bicubic_constants_and_its_samples():
    """Linear interpolation is exact on affine functions; Keys' weights sum to 1 (a constant
    stays constant) and, with align_corners, the output at an input pixel is that pixel."""
    x = 3.0 * np.arange(6) - 2.0
    y = F.interpolate(mg.tensor(x[None, None]), size=11, mode="linear", align_corners=True)
    np.testing.assert_allclose(y.data[0, 0], np.linspace(x[0], x[-1], 11), atol=1e-12)
    c = F.interpolate(mg.full((1, 1, 4, 5), 2.5, dtype=mg.float64), size=(9, 3), mode="bicubic")
    np.testing.assert_allclose(c.data, 2.5, atol=1e-12)
    z = np.random.default_rng(8).standard_normal((1, 1, 4, 6))
    b = F.interpolate(mg.tensor(z), size=(7, 11), mode="bicubic", align_corners=True)
    np.testing.assert_allclose(b.data[..., ::2, ::2], z, atol=1e-12)


def test_antialiased_filters():
    """Halving with antialias: output i averages input 2i - 1 .. 2i + 2 with the triangle
    filter stretched by 2, weights (1, 3, 3, 1) / 8 (renormalized at the borders); the
    weights sum to 1; Lanczos-3 stretched by 4 weighs sinc(d) sinc(d / 3)."""
    x = np.random.default_rng(9).standard_normal(12)
    y = F.interpolate(mg.tensor(x[None, None, None]), size=(1, 6), mode="bilinear",
                      antialias=True).data.ravel()  # fmt: skip
    for i in range(1, 5):
        np.testing.assert_allclose(y[i], x[2 * i - 1 : 2 * i + 3] @ [1, 3, 3, 1] / 8, atol=1e-12)
    np.testing.assert_allclose(y[0], x[:3] @ [3, 3, 1] / 7, atol=1e-12)
    c = F.interpolate(mg.full((1, 1, 9, 7), 1.5, dtype=mg.float64), size=(4, 3), mode="bicubic",
                      antialias=True)  # fmt: skip
    np.testing.assert_allclose(c.data, 1.5, atol=1e-12)
    z = np.random.default_rng(10).standard_normal(20)
    lz = F.interpolate(mg.tensor(z[None, None, None]), size=(1, 5), mode="lanczos",
                       antialias=True).data.ravel()  # fmt: skip
    d = (np.arange(20) + 0.5 - 4 * 2.5) / 4  # distances to output 2's centre, in its scale
    w = np.where(np.abs(d) < 3, np.sinc(d) * np.sinc(d / 3), 0)
    np.testing.assert_allclose(lz[2], z @ w / w.sum(), atol=1e-12)


def test_nearest_with_integer_scale_repeats_and_area_with_integer_factor_block_averages():
    x = np.random.default_rng(3).standard_normal((2, 3, 4, 6))
    y = F.interpolate(mg.tensor(x), scale_factor=(2, 3))
    np.testing.assert_array_equal(y.data, x.repeat(2, 2).repeat(3, 3))
    z = F.interpolate(mg.tensor(x), size=(2, 3), mode="area")
    np.testing.assert_allclose(z.data, x.reshape(2, 3, 2, 2, 3, 2).mean((3, 5)), atol=1e-12)
    m = F.interpolate(mg.tensor(x), size=(1, 1), mode="area")
    np.testing.assert_allclose(m.data, x.mean((2, 3), keepdims=True), atol=1e-12)


def test_nearest_and_nearest_exact_index_rules():
    """nearest reads floor(i in / out), nearest-exact floor((i + 0.5) in / out)."""
    x = np.arange(5.0)[None, None]
    n = F.interpolate(mg.tensor(x), size=3).data[0, 0]
    e = F.interpolate(mg.tensor(x), size=3, mode="nearest-exact").data[0, 0]
    assert n.tolist() == [math.floor(i * 5 / 3) for i in range(3)]
    assert e.tolist() == [math.floor((i + 0.5) * 5 / 3) for i in range(3)]


def test_scale_factor_sets_the_coordinate_scale_unless_recomputed():
    """With scale_factor 1.5 on 5 pixels (output 7), linear interpolation uses 1 / 1.5 for
    the coordinates; recompute_scale_factor uses 5 / 7, as size=7 does."""
    x = mg.tensor(np.arange(5.0)[None, None] ** 2)
    a = F.interpolate(x, scale_factor=1.5, mode="linear")
    b = F.interpolate(x, scale_factor=1.5, mode="linear", recompute_scale_factor=True)
    c = F.interpolate(x, size=7, mode="linear")
    np.testing.assert_array_equal(b.data, c.data)
    assert not np.allclose(a.data, c.data)
    src = np.maximum((np.arange(7) + 0.5) / 1.5 - 0.5, 0)
    np.testing.assert_allclose(a.data[0, 0], np.interp(src, np.arange(5.0), x.data[0, 0]))


def test_interpolate_gradient_is_the_transpose_of_the_forward():
    """<interpolate(x), g> = <x, dx> for each mode: the VJP is the adjoint map."""
    rng = np.random.default_rng(4)
    for mode, nd in [("nearest", 1), ("nearest", 2), ("nearest-exact", 3), ("linear", 1),
                     ("bilinear", 2), ("bicubic", 2), ("trilinear", 3), ("area", 2)]:  # fmt: skip
        x = mg.tensor(rng.standard_normal((2, 2) + (5,) * nd), requires_grad=True)
        y = F.interpolate(x, scale_factor=1.3, mode=mode)
        g = rng.standard_normal(y.shape)
        y.backward(mg.tensor(g))
        assert np.isclose((y.data * g).sum(), (x.data * x.grad.data).sum(), rtol=1e-12)


def test_interpolate_keeps_float32():
    x = mg.randn(1, 2, 3, 4)
    for mode in ["nearest", "bilinear", "bicubic", "area", "nearest-exact"]:
        assert F.interpolate(x, size=(5, 2), mode=mode).dtype == mg.float32


@pytest.mark.parametrize("call, exc", [
    (lambda x: F.interpolate(x, size=3, align_corners=True), ValueError),
    (lambda x: F.interpolate(x, size=3, scale_factor=2.0), ValueError),
    (lambda x: F.interpolate(x), ValueError),
    (lambda x: F.interpolate(x, size=(2, 2, 2)), ValueError),
    (lambda x: F.interpolate(x, size=(2, 2.5)), TypeError),
    (lambda x: F.interpolate(x, size=2, recompute_scale_factor=True), ValueError),
    (lambda x: F.interpolate(x, size=0), RuntimeError),
    (lambda x: F.interpolate(x, size=2, mode="linear"), NotImplementedError),
    (lambda x: F.interpolate(x, size=2, mode="cubic"), NotImplementedError),
    (lambda x: F.interpolate(x, size=2, mode="nearest", antialias=True), ValueError),
    (lambda x: F.interpolate(x[0, 0], size=2), NotImplementedError),
])  # fmt: skip
def test_interpolate_errors(call, exc):
    with pytest.raises(exc, match="interpolate"):
        call(mg.zeros(1, 2, 3, 4))


def test_upsample_spellings_warn_and_modules_forward():
    x = _x(1, 2, 3, 4)
    with pytest.warns(UserWarning, match="deprecated"):
        a = F.upsample_bilinear(x, scale_factor=2)
    b = nn.UpsamplingBilinear2d(scale_factor=2)(x)
    c = F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=True)
    np.testing.assert_array_equal(a.data, c.data)
    np.testing.assert_array_equal(b.data, c.data)
    with pytest.warns(UserWarning, match="deprecated"):
        d = F.upsample_nearest(x, size=(6, 8))
    np.testing.assert_array_equal(d.data, nn.UpsamplingNearest2d(size=(6, 8))(x).data)
    assert repr(nn.Upsample(scale_factor=2, mode="bilinear")) == (
        "Upsample(scale_factor=2.0, mode='bilinear')"
    )
    assert repr(nn.UpsamplingNearest2d(size=3)) == "UpsamplingNearest2d(size=3, mode='nearest')"


# ---- shuffles: definitions -----------------------------------------------------------


def test_pixel_shuffle_definition_and_inverse():
    r = 3
    x = np.random.default_rng(5).standard_normal((2, 2 * r * r, 3, 4))
    y = F.pixel_shuffle(mg.tensor(x), r).data
    for c, h, w, i, j in itertools.product(range(2), range(3), range(4), range(r), range(r)):
        assert y[:, c, h * r + i, w * r + j].tolist() == x[:, c * r * r + i * r + j, h, w].tolist()
    back = F.pixel_unshuffle(mg.tensor(y), r).data
    np.testing.assert_array_equal(back, x)
    assert nn.PixelShuffle(r)(mg.tensor(x)).shape == (2, 2, 9, 12)
    assert repr(nn.PixelUnshuffle(2)) == "PixelUnshuffle(downscale_factor=2)"


def test_channel_shuffle_definition():
    g, C = 3, 6
    x = np.random.default_rng(6).standard_normal((2, C, 4))
    y = F.channel_shuffle(mg.tensor(x), g).data
    for k in range(g):
        for j in range(C // g):
            np.testing.assert_array_equal(y[:, j * g + k], x[:, k * (C // g) + j])
    assert repr(nn.ChannelShuffle(3)) == "ChannelShuffle(groups=3)"


@pytest.mark.parametrize("call, exc", [
    (lambda: F.pixel_shuffle(mg.zeros(3, 2, 2), 2), RuntimeError),
    (lambda: F.pixel_shuffle(mg.zeros(4, 2), 2), RuntimeError),
    (lambda: F.pixel_shuffle(mg.zeros(4, 2, 2), 0), RuntimeError),
    (lambda: F.pixel_shuffle(mg.zeros(4, 2, 2), 2.0), TypeError),
    (lambda: F.pixel_unshuffle(mg.zeros(4, 3, 2), 2), RuntimeError),
    (lambda: F.channel_shuffle(mg.zeros(2, 6, 2), 4), RuntimeError),
    (lambda: F.channel_shuffle(mg.zeros(2, 6), 2), RuntimeError),
    (lambda: F.channel_shuffle(mg.zeros(2, 6, 2), 0), RuntimeError),
])  # fmt: skip
def test_shuffle_errors(call, exc):
    with pytest.raises(exc, match="shuffle"):
        call()


# ---- unfold and fold: definitions ----------------------------------------------------


def _unfold_loops(x, k, d, p, s):
    N, C, H, W = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])))
    OH = (H + 2 * p[0] - d[0] * (k[0] - 1) - 1) // s[0] + 1
    OW = (W + 2 * p[1] - d[1] * (k[1] - 1) - 1) // s[1] + 1
    out = np.zeros((N, C * k[0] * k[1], OH * OW))
    for c, i, j, oh, ow in itertools.product(range(C), range(k[0]), range(k[1]), range(OH),
                                             range(OW)):  # fmt: skip
        out[:, (c * k[0] + i) * k[1] + j, oh * OW + ow] = xp[:, c, oh * s[0] + i * d[0],
                                                             ow * s[1] + j * d[1]]  # fmt: skip
    return out


UNFOLDS = [
    ((2, 3, 5, 6), (2, 2), (1, 1), (0, 0), (1, 1)),
    ((1, 2, 7, 6), (3, 2), (2, 1), (1, 0), (2, 1)),
    ((2, 1, 4, 4), (1, 3), (1, 1), (2, 1), (3, 2)),
]


@pytest.mark.parametrize("shape, k, d, p, s", UNFOLDS)
def test_unfold_definition_and_fold_is_its_adjoint(shape, k, d, p, s):
    rng = np.random.default_rng(7)
    x = rng.standard_normal(shape)
    cols = F.unfold(mg.tensor(x), k, dilation=d, padding=p, stride=s)
    np.testing.assert_array_equal(cols.data, _unfold_loops(x, k, d, p, s))
    y = rng.standard_normal(cols.shape)
    folded = F.fold(mg.tensor(y), shape[2:], k, dilation=d, padding=p, stride=s)
    assert folded.shape == shape
    assert np.isclose((cols.data * y).sum(), (x * folded.data).sum(), rtol=1e-12)
    assert repr(nn.Unfold(k, d, p, s)) == (
        f"Unfold(kernel_size={k}, dilation={d}, padding={p}, stride={s})"
    )


def test_fold_of_unfold_counts_the_blocks_covering_each_pixel():
    ones = mg.ones(1, 1, 4, 5, dtype=mg.float64)
    counts = F.fold(F.unfold(ones, 2), (4, 5), 2).data[0, 0]
    rows = np.array([1, 2, 2, 1])[:, None]
    cols = np.array([1, 2, 2, 2, 1])
    np.testing.assert_array_equal(counts, rows * cols)


def test_unbatched_unfold_and_fold():
    x = _x(2, 4, 5)
    cols = F.unfold(x, 2)
    np.testing.assert_array_equal(cols.data, F.unfold(x[None], 2).data[0])
    assert F.fold(cols, (4, 5), 2).shape == (2, 4, 5)
    assert nn.Fold((4, 5), 2)(cols).shape == (2, 4, 5)


@pytest.mark.parametrize("call, exc", [
    (lambda: F.unfold(mg.zeros(1, 1, 3, 3), 4), RuntimeError),
    (lambda: F.unfold(mg.zeros(1, 1, 3, 3), 0), RuntimeError),
    (lambda: F.unfold(mg.zeros(1, 1, 3, 3), 2.0), TypeError),
    (lambda: F.unfold(mg.zeros(3, 3), 2), IndexError),
    (lambda: F.fold(mg.zeros(1, 4, 5), (3, 3), 2), RuntimeError),
    (lambda: F.fold(mg.zeros(1, 5, 4), (3, 3), 2), RuntimeError),
    (lambda: F.fold(mg.zeros(1, 4, 4, 1), (3, 3), 2), RuntimeError),
])  # fmt: skip
def test_unfold_fold_errors(call, exc):
    with pytest.raises(exc):
        call()


# ---- affine_grid and grid_sample -----------------------------------------------------


@pytest.mark.parametrize("mode, pm, ac", [
    ("bilinear", "zeros", False), ("bilinear", "zeros", True), ("bilinear", "border", False),
    ("bilinear", "reflection", False), ("bilinear", "reflection", True),
    ("nearest", "zeros", False), ("nearest", "reflection", True),
    ("bicubic", "zeros", False), ("bicubic", "border", True), ("bicubic", "reflection", False),
])  # fmt: skip
def test_grid_sample_gradcheck(mode, pm, ac):
    x = _x(2, 2, 3, 4)
    grid = mg.tensor(np.random.default_rng(9).uniform(-1.4, 1.4, (2, 3, 5, 2)),
                     requires_grad=mode != "nearest")  # fmt: skip
    assert mg.gradcheck(lambda a, g: F.grid_sample(a, g, mode, pm, ac), (x, grid))


def test_grid_sample_3d_and_affine_grid_gradcheck():
    x = _x(1, 2, 3, 4, 2)
    grid = mg.tensor(np.random.default_rng(10).uniform(-1.2, 1.2, (1, 2, 3, 2, 3)),
                     requires_grad=True)  # fmt: skip
    assert mg.gradcheck(lambda a, g: F.grid_sample(a, g, "bilinear", "border", False), (x, grid))
    theta = _x(2, 3, 4)
    assert mg.gradcheck(lambda t: F.affine_grid(t, (2, 1, 2, 3, 4), False), (theta,))


@pytest.mark.parametrize("ac", [False, True])
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
def test_identity_affine_grid_samples_the_input_itself(mode, ac):
    x = np.random.default_rng(11).standard_normal((2, 3, 4, 5))
    grid = F.affine_grid(mg.tensor(np.tile(np.eye(2, 3), (2, 1, 1))), (2, 3, 4, 5), ac)
    y = F.grid_sample(mg.tensor(x), grid, mode, "zeros", ac)
    np.testing.assert_allclose(y.data, x, atol=1e-12)


def test_affine_grid_is_theta_applied_to_pixel_centres():
    theta = np.random.default_rng(12).standard_normal((1, 2, 3))
    H, W = 3, 4
    grid = F.affine_grid(mg.tensor(theta), (1, 1, H, W), align_corners=False).data[0]
    for h, w in itertools.product(range(H), range(W)):
        p = np.array([(2 * w + 1) / W - 1, (2 * h + 1) / H - 1, 1.0])
        np.testing.assert_allclose(grid[h, w], theta[0] @ p, atol=1e-12)


def test_grid_sample_bicubic_is_keys_convolution_of_the_padded_input():
    """Bicubic reads the 4 x 4 pixels around floor(x), floor(y), each position padded by
    itself (border: clamped), weighted by Keys' kernel of its distance."""
    x = np.random.default_rng(13).standard_normal((3, 4))
    pts = np.array([[0.3, -0.8], [-1.2, 0.9], [1.0, 1.0]])
    y = F.grid_sample(mg.tensor(x[None, None]), mg.tensor(pts.reshape(1, 1, 3, 2)), "bicubic",
                      "border", True).data.ravel()  # fmt: skip
    for (gx, gy), got in zip(pts, y):
        px, py = (gx + 1) / 2 * 3, (gy + 1) / 2 * 2
        want = sum(_keys(px - c) * _keys(py - r) * x[min(max(r, 0), 2), min(max(c, 0), 3)]
                   for r in range(math.floor(py) - 1, math.floor(py) + 3)
                   for c in range(math.floor(px) - 1, math.floor(px) + 3))  # fmt: skip
        assert np.isclose(got, want, atol=1e-12)


def test_grid_sample_padding_modes_outside_the_input():
    """A row [a, b, c] read at pixel coordinates -0.5 .. 4 (align_corners=True): zeros fades
    to 0, border repeats the end pixels, reflection mirrors about the end pixels' centres."""
    row = np.array([1.0, 2.0, 4.0])
    x = mg.tensor(row.reshape(1, 1, 1, 3))
    pix = np.array([-0.5, 2.5, 3.0, 4.0])
    g = np.stack([pix - 1, np.zeros(4)], -1).reshape(1, 1, 4, 2)  # x = pixel / 1 - 1
    read = {m: F.grid_sample(x, mg.tensor(g), "bilinear", m, True).data.ravel()
            for m in ("zeros", "border", "reflection")}  # fmt: skip
    np.testing.assert_allclose(read["zeros"], [0.5, 2.0, 0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(read["border"], [1.0, 4.0, 4.0, 4.0], atol=1e-12)
    # reflected: -0.5 -> 0.5, 2.5 -> 2.5, 3 -> 1, 4 -> 0
    np.testing.assert_allclose(read["reflection"], [1.5, 3.0, 2.0, 1.0], atol=1e-12)


_IMG, _PTS, _PTS2 = (1, 1, 2, 2), (1, 1, 1, 2), (2, 1, 1, 2)


@pytest.mark.parametrize("call, exc", [
    (lambda: F.grid_sample(mg.zeros(*_IMG), mg.zeros(*_PTS), "cubic", "zeros", False), ValueError),
    (lambda: F.grid_sample(mg.zeros(*_IMG), mg.zeros(*_PTS), "bilinear", "pad", False), ValueError),
    (lambda: F.grid_sample(mg.zeros(*_IMG), mg.zeros(*_PTS2), "nearest", "zeros", 0), RuntimeError),
    (lambda: F.grid_sample(mg.zeros(1, 1, 2, 2, 2), mg.zeros(1, 1, 1, 1, 3), "bicubic", "zeros", 0),
     RuntimeError),
    (lambda: F.affine_grid(mg.zeros(1, 2, 3), (1, 1, 2), False), NotImplementedError),
    (lambda: F.affine_grid(mg.zeros(1, 3, 4), (1, 1, 2, 2), False), ValueError),
])  # fmt: skip
def test_grid_errors(call, exc):
    with pytest.raises(exc, match="grid"):
        call()
