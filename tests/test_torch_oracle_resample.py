"""interpolate (all modes), the upsampling modules, pixel and channel shuffles, unfold and
fold against PyTorch: values, gradients, node names, exception types and reprs.

float64 is compared to 1e-10, float32 to rtol 1e-5 (nearest indices exactly: a value
picked from a wrong source pixel would be off by far more).
"""

import math
import warnings

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F

torch = import_torch()
TF = torch.nn.functional

TOL = {np.float64: 1e-10, np.float32: 1e-5}


def _both(fn_mg, fn_torch, x, g_seed=0):
    """Run both on x (an array), backward with the same random cotangent; return the
    outputs and the input gradients (or the exceptions)."""
    a = mg.tensor(x, requires_grad=True)
    b = torch.tensor(x, requires_grad=True)
    ya, yb = fn_mg(a), fn_torch(b)
    g = np.random.default_rng(g_seed).standard_normal(ya.shape).astype(x.dtype)
    ya.backward(mg.tensor(g))
    yb.backward(torch.tensor(g))
    return ya, yb, a.grad.data, b.grad.numpy()


def _close(a, b, dt):
    np.testing.assert_allclose(a, b, rtol=TOL[dt], atol=TOL[dt])


def _factors(kw):
    """The scale factor of each of the two spatial dims (1 when a size is given)."""
    f = kw.get("scale_factor", 1)
    return f if isinstance(f, tuple) else (f, f)


# ---- interpolate: values and gradients -----------------------------------------------

SHAPES = {1: (2, 3, 5), 2: (2, 2, 5, 4), 3: (1, 2, 3, 4, 5)}
MODES = [
    ("nearest", (1, 2, 3)), ("nearest-exact", (1, 2, 3)), ("area", (1, 2, 3)),
    ("linear", (1,)), ("bilinear", (2,)), ("bicubic", (2,)), ("trilinear", (3,)),
]  # fmt: skip


def _cases():
    for mode, dims in MODES:
        corners = [None] if mode in ("nearest", "nearest-exact", "area") else [False, True]
        for nd in dims:
            for ac in corners:
                for size in [1, 2, 3, 7, 10, 13]:
                    yield nd, dict(size=size, mode=mode, align_corners=ac)
                yield nd, dict(size=(6, 2, 9)[:nd], mode=mode, align_corners=ac)
                for sf in [0.5, 0.7, 1.0, 1.3, 1.5, 2, 2.5, 3, 1 / 3]:
                    for rc in [None, True]:
                        yield nd, dict(scale_factor=sf, mode=mode, align_corners=ac,
                                       recompute_scale_factor=rc)  # fmt: skip
                yield nd, dict(scale_factor=(1.7, 0.6, 2.2)[:nd], mode=mode, align_corners=ac)


CASES = list(_cases())


def _torch_nearest_grad_differs(nd, kw):
    """PyTorch's 1-D and 3-D nearest kernels read floor(i / scale) along an axis whose size
    a scale factor keeps (n = floor(n * scale)), but their backward copies that axis
    (nearest_idx's shortcut): its gradient is not the transpose of its own forward there.
    minigrad's is (see test_resample.py); these cases compare values only."""
    if kw["mode"] != "nearest" or nd == 2 or kw.get("scale_factor") is None:
        return False
    if kw.get("recompute_scale_factor"):
        return False
    sfs = (
        kw["scale_factor"] if isinstance(kw["scale_factor"], tuple) else (kw["scale_factor"],) * nd
    )
    return any(int(n * f) == n and f != 1 for n, f in zip(SHAPES[nd][2:], sfs))


@pytest.mark.parametrize("dt", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("nd, kw", CASES, ids=[f"{nd}d-{kw}" for nd, kw in CASES])
def test_interpolate_matches_pytorch(nd, kw, dt):
    x = np.random.default_rng(nd).standard_normal(SHAPES[nd]).astype(dt)
    ya, yb, ga, gb = _both(lambda t: F.interpolate(t, **kw), lambda t: TF.interpolate(t, **kw), x)
    assert ya.shape == tuple(yb.shape) and ya.dtype == dt
    _close(ya.data, yb.detach().numpy(), dt)
    if not _torch_nearest_grad_differs(nd, kw):
        _close(ga, gb, dt)
    if kw["mode"] != "area" or nd == 2:  # PyTorch's 1-D and 3-D adaptive pools add views
        assert ya.grad_fn.name() == yb.grad_fn.name().rstrip("0123456789")


SWEEP = [(m, nd) for m, dims in MODES for nd in dims]


@pytest.mark.parametrize("dt", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("mode, nd", SWEEP)
def test_interpolate_source_indices_match_pytorch(mode, nd, dt):
    """Every pair of sizes n -> out (n < 30, out < 70, and 2n): the values of a ramp show
    which source pixels were read, including where float32 rounding decides."""
    corners = [None] if mode in ("nearest", "nearest-exact", "area") else [False, True]
    for ac in corners:
        for n in range(1, 30, 2):
            for out in [*range(1, 70, 3), n, 2 * n]:
                x = (np.arange(n, dtype=dt) * 1.7 + 0.3).reshape((1, 1, n) + (1,) * (nd - 1))
                size = (out,) + (1,) * (nd - 1)
                a = F.interpolate(mg.tensor(x), size=size, mode=mode, align_corners=ac)
                b = TF.interpolate(torch.tensor(x), size=size, mode=mode, align_corners=ac)
                _close(a.data, b.numpy(), dt)


@pytest.mark.parametrize("sf", [1.1, 1.3, 2.1, 0.9])
def test_interpolate_2d_nearest_keeps_and_doubles_axes_as_pytorch(sf):
    """PyTorch's 2-D nearest kernel copies an axis whose size is kept and halves one that
    doubles, whatever the scale factor; forward and gradient agree there."""
    for shape in [(1, 2, 3, 5), (1, 2, 5, 3), (2, 1, 10, 4)]:
        x = np.random.default_rng(3).standard_normal(shape)
        ya, yb, ga, gb = _both(
            lambda t: F.interpolate(t, scale_factor=sf),
            lambda t: TF.interpolate(t, scale_factor=sf),
            x,
        )
        _close(ya.data, yb.detach().numpy(), np.float64)
        _close(ga, gb, np.float64)


def test_interpolate_non_contiguous_and_empty_batch():
    x = np.random.default_rng(0).standard_normal((2, 5, 4, 3))
    for mode in ["bilinear", "bicubic", "nearest", "area"]:
        kw = dict(size=(7, 3), mode=mode)
        ya, yb, ga, gb = _both(
            lambda t, kw=kw: F.interpolate(t.permute(0, 3, 1, 2), **kw),
            lambda t, kw=kw: TF.interpolate(t.permute(0, 3, 1, 2), **kw),
            x,
        )
        _close(ya.data, yb.detach().numpy(), np.float64)
        _close(ga, gb, np.float64)
    e = np.zeros((0, 2, 3, 4))
    assert F.interpolate(mg.tensor(e), size=5).shape == tuple(
        TF.interpolate(torch.tensor(e), size=5).shape
    )


# ---- interpolate: errors -------------------------------------------------------------

ERROR_CALLS = [
    ((2, 3, 4, 5), dict(size=3, mode="nearest", align_corners=True)),
    ((2, 3, 4, 5), dict(size=3, mode="area", align_corners=False)),
    ((2, 3, 4, 5), dict(size=3, mode="nearest-exact", align_corners=False)),
    ((2, 3, 4, 5), dict(size=3, scale_factor=2)),
    ((2, 3, 4, 5), dict()),
    ((2, 3, 4, 5), dict(size=(3, 3, 3))),
    ((2, 3, 4, 5), dict(size=(3, 3.0))),
    ((2, 3, 4, 5), dict(size=3.0)),
    ((2, 3, 4, 5), dict(scale_factor=(2, 2, 2))),
    ((2, 3, 4, 5), dict(size=3, recompute_scale_factor=True)),
    ((2, 3, 4, 5), dict(size=0)),
    ((2, 3, 4, 5), dict(size=-1)),
    ((2, 3, 4, 5), dict(scale_factor=0.1)),
    ((2, 3, 4, 5), dict(scale_factor=-1.0)),
    ((2, 3, 4, 5), dict(size=3, mode="foo")),
    ((2, 3, 4, 5), dict(size=3, mode="linear")),
    ((2, 3, 4, 5), dict(size=3, mode="trilinear")),
    ((2, 3, 4), dict(size=3, mode="bilinear")),
    ((2, 3, 4), dict(size=3, mode="bicubic")),
    ((2, 3, 4), dict(size=3, mode="trilinear")),
    ((2, 3, 4, 5, 6), dict(size=3, mode="linear")),
    ((2, 3, 4, 5, 6), dict(size=3, mode="bilinear")),
    ((3, 4), dict(size=3)),
    ((2, 3, 4, 5, 6, 7), dict(size=3)),
    ((2, 3, 4, 5), dict(size=3, mode="nearest", antialias=True)),
    ((2, 3, 4), dict(size=3, mode="linear", antialias=True)),
    ((2, 3, 4, 5), dict(size=3, mode="lanczos")),
    ((2, 3, 4, 5), dict(size=3, mode="lanczos", align_corners=True, antialias=True)),
    ((2, 3, 4), dict(size=3, mode="lanczos", antialias=True)),
    ((2, 3, 4), dict(size=3, mode="lanczos")),
    ((2, 0, 4, 5), dict(size=3)),
    ((2, 3, 0, 5), dict(size=3, mode="bilinear")),
]


@pytest.mark.parametrize("shape, kw", ERROR_CALLS, ids=[f"{s}-{k}" for s, k in ERROR_CALLS])
def test_interpolate_errors_match_pytorch(shape, kw):
    x = np.zeros(shape)
    with pytest.raises(Exception) as expected:
        TF.interpolate(torch.tensor(x), **kw)
    with pytest.raises(type(expected.value)) as got:
        F.interpolate(mg.tensor(x), **kw)
    assert "interpolate" in str(got.value)


def test_interpolate_of_integers_is_not_implemented_as_pytorch():
    x = np.arange(20).reshape(1, 1, 4, 5)
    for mode in ["nearest", "bilinear"]:
        with pytest.raises(NotImplementedError):
            TF.interpolate(torch.tensor(x), size=3, mode=mode)
        with pytest.raises(NotImplementedError, match="Long"):
            F.interpolate(mg.tensor(x), size=3, mode=mode)


AA_SHAPES = [(2, 2, 9, 7), (1, 1, 30, 3), (1, 1, 4, 17), (1, 2, 1, 5)]
AA_SIZES = [
    *(dict(size=s) for s in [(1, 1), (2, 3), (3, 5), (5, 2), (8, 9), (15, 4), (31, 40)]),
    *(dict(scale_factor=f) for f in (0.3, 0.5, 0.61, 1.7, 2.0, 1 / 3, (0.4, 1.5))),
    *(dict(scale_factor=f, recompute_scale_factor=True) for f in (0.3, 0.61)),
]
AA_CASES = [
    (shape, dict(kw, mode=mode, align_corners=ac, antialias=True))
    for mode in ("bilinear", "bicubic", "lanczos")
    for ac in (False, True)[: 1 if mode == "lanczos" else 2]  # lanczos refuses align_corners
    for shape in AA_SHAPES
    for kw in AA_SIZES
    if min(math.floor(n * f) for n, f in zip(shape[2:], _factors(kw))) > 0
]


@pytest.mark.parametrize("dt", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("shape, kw", AA_CASES, ids=[f"{s}-{k}" for s, k in AA_CASES])
def test_antialiased_interpolate_matches_pytorch(shape, kw, dt):
    x = np.random.default_rng(7).standard_normal(shape).astype(dt)
    ya, yb, ga, gb = _both(lambda t: F.interpolate(t, **kw), lambda t: TF.interpolate(t, **kw), x)
    assert ya.shape == tuple(yb.shape) and ya.grad_fn.name() == yb.grad_fn.name()[:-1]
    _close(ga, gb, dt)
    if ya.shape[-1] == 1 and ya.shape[-2] > 1:
        # PyTorch 2.13's antialiased CPU forward writes its first output row into every row
        # when the output is one column wide; its gradient (compared above) is the
        # transpose of the correct map, which minigrad's forward is
        assert np.allclose(yb.detach().numpy(), yb.detach().numpy()[..., :1, :])
        _close(ya.data[..., :1, :], yb.detach().numpy()[..., :1, :], dt)
        return
    _close(ya.data, yb.detach().numpy(), dt)


# ---- deprecated spellings and modules ------------------------------------------------


@pytest.mark.parametrize("name, kw", [
    ("upsample", dict(size=(3, 7), mode="bilinear")),
    ("upsample", dict(scale_factor=2)),
    ("upsample_nearest", dict(scale_factor=1.5)),
    ("upsample_bilinear", dict(size=(6, 3))),
    ("upsample_bilinear", dict(scale_factor=2)),
])  # fmt: skip
def test_deprecated_upsample_functions_warn_and_match(name, kw):
    x = np.random.default_rng(1).standard_normal((2, 3, 4, 5))
    with warnings.catch_warnings(record=True) as caught_torch:
        warnings.simplefilter("always")
        yb = getattr(TF, name)(torch.tensor(x), **kw)
    with pytest.warns(type(caught_torch[0].message), match=f"{name}` is deprecated"):
        ya = getattr(F, name)(mg.tensor(x), **kw)
    _close(ya.data, yb.numpy(), np.float64)


MODULES = [
    ("Upsample", dict(scale_factor=2)),
    ("Upsample", dict(scale_factor=2, mode="bilinear")),
    ("Upsample", dict(scale_factor=(1.5, 2), mode="bicubic", align_corners=True)),
    ("Upsample", dict(size=(7, 3), mode="nearest-exact")),
    ("Upsample", dict(size=5, mode="area")),
    ("Upsample", dict(scale_factor=0.5, mode="bilinear", recompute_scale_factor=True)),
    ("UpsamplingNearest2d", dict(scale_factor=3)),
    ("UpsamplingNearest2d", dict(size=(2, 9))),
    ("UpsamplingBilinear2d", dict(scale_factor=2)),
    ("UpsamplingBilinear2d", dict(size=(5, 5))),
    ("PixelShuffle", dict(upscale_factor=2)),
    ("PixelUnshuffle", dict(downscale_factor=2)),
    ("ChannelShuffle", dict(groups=2)),
    ("Unfold", dict(kernel_size=2)),
    ("Unfold", dict(kernel_size=(2, 3), dilation=(1, 2), padding=1, stride=2)),
    ("Fold", dict(output_size=(4, 4), kernel_size=2, stride=2)),
    ("Fold", dict(output_size=5, kernel_size=(2, 3), padding=(1, 0), dilation=1)),
]


@pytest.mark.parametrize("name, kw", MODULES, ids=[f"{n}-{k}" for n, k in MODULES])
def test_modules_match_pytorch(name, kw):
    ma, mb = getattr(nn, name)(**kw), getattr(torch.nn, name)(**kw)
    assert repr(ma) == repr(mb)
    assert list(ma.state_dict()) == list(mb.state_dict()) == []
    shape = {"Fold": (2, 4 * 6, 4 if kw.get("stride") == 2 else 12)}.get(name, (2, 4, 4, 6))
    if name == "Fold" and kw["output_size"] == 5:
        shape = (2, 4 * 6, (5 + 2 - 1) * (5 - 2))
    x = np.random.default_rng(2).standard_normal(shape)
    ya, yb, ga, gb = _both(ma, mb, x)
    _close(ya.data, yb.detach().numpy(), np.float64)
    _close(ga, gb, np.float64)


# ---- pixel and channel shuffles ------------------------------------------------------

SHUFFLES = [
    ("pixel_shuffle", (2, 8, 3, 3), 2), ("pixel_shuffle", (8, 3, 2), 2),
    ("pixel_shuffle", (1, 2, 18, 2, 3), 3), ("pixel_shuffle", (3, 3, 4), 1),
    ("pixel_unshuffle", (2, 3, 4, 6), 2), ("pixel_unshuffle", (1, 9, 6), 3),
    ("pixel_unshuffle", (2, 1, 2, 4, 4), 2),
    ("channel_shuffle", (2, 6, 3, 3), 3), ("channel_shuffle", (2, 6, 3), 2),
    ("channel_shuffle", (2, 6, 3, 2, 2), 2), ("channel_shuffle", (6, 4, 3), 2),
    ("channel_shuffle", (2, 6, 3), 1), ("channel_shuffle", (2, 6, 3), 6),
]  # fmt: skip


@pytest.mark.parametrize("dt", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("name, shape, r", SHUFFLES)
def test_shuffles_match_pytorch(name, shape, r, dt):
    x = np.random.default_rng(4).standard_normal(shape).astype(dt)
    ya, yb, ga, gb = _both(lambda t: getattr(F, name)(t, r), lambda t: getattr(TF, name)(t, r), x)
    assert ya.shape == tuple(yb.shape)
    np.testing.assert_array_equal(ya.data, yb.detach().numpy())
    np.testing.assert_array_equal(ga, gb)


SHUFFLE_ERRORS = [
    ("pixel_shuffle", (2, 3, 4, 5), 2), ("pixel_shuffle", (8, 3), 2),
    ("pixel_shuffle", (8, 3, 3), 0), ("pixel_shuffle", (8, 3, 3), -2),
    ("pixel_shuffle", (8, 3, 3), 2.0), ("pixel_unshuffle", (8, 3, 4), 2),
    ("pixel_unshuffle", (8, 4, 3), 2), ("pixel_unshuffle", (8, 4, 4), 0),
    ("pixel_unshuffle", (4, 4), 2), ("pixel_unshuffle", (8, 4, 4), 1.0),
    ("channel_shuffle", (2, 6, 3, 3), 4), ("channel_shuffle", (2, 6, 3, 3), 0),
    ("channel_shuffle", (2, 6, 3, 3), -2), ("channel_shuffle", (2, 6), 2),
    ("channel_shuffle", (6,), 2), ("channel_shuffle", (2, 6, 3), 2.0),
]  # fmt: skip


@pytest.mark.parametrize("name, shape, r", SHUFFLE_ERRORS)
def test_shuffle_errors_match_pytorch(name, shape, r):
    x = np.zeros(shape)
    with pytest.raises(Exception) as expected:
        getattr(TF, name)(torch.tensor(x), r)
    with pytest.raises(type(expected.value)) as got:
        getattr(F, name)(mg.tensor(x), r)
    assert name in str(got.value)


# ---- unfold and fold -----------------------------------------------------------------

UNFOLDS = [
    ((2, 3, 6, 5), dict(kernel_size=2)),
    ((2, 3, 6, 5), dict(kernel_size=(2, 3), stride=2)),
    ((3, 6, 5), dict(kernel_size=3, padding=1, dilation=(1, 2))),
    ((1, 2, 7, 6), dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 0), dilation=2)),
    ((2, 2, 4, 4), dict(kernel_size=4)),
    ((2, 2, 4, 4), dict(kernel_size=1, stride=3, padding=2)),
    ((0, 2, 4, 4), dict(kernel_size=2)),
]


@pytest.mark.parametrize("dt", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("shape, kw", UNFOLDS, ids=[f"{s}-{k}" for s, k in UNFOLDS])
def test_unfold_and_fold_match_pytorch(shape, kw, dt):
    x = np.random.default_rng(5).standard_normal(shape).astype(dt)
    ya, yb, ga, gb = _both(lambda t: F.unfold(t, **kw), lambda t: TF.unfold(t, **kw), x)
    assert ya.shape == tuple(yb.shape) and ya.grad_fn.name() == "Im2ColBackward"
    _close(ya.data, yb.detach().numpy(), dt)
    _close(ga, gb, dt)
    size = shape[-2:]
    cols = np.random.default_rng(6).standard_normal(ya.shape).astype(dt)
    za, zb, ha, hb = _both(lambda t: F.fold(t, size, **kw), lambda t: TF.fold(t, size, **kw), cols)
    assert za.shape == tuple(zb.shape) == shape and za.grad_fn.name() == "Col2ImBackward"
    _close(za.data, zb.detach().numpy(), dt)
    _close(ha, hb, dt)


UNFOLD_ERRORS = [
    ((2, 3, 4, 5), dict(kernel_size=5)), ((2, 3, 4, 5), dict(kernel_size=0)),
    ((2, 3, 4, 5), dict(kernel_size=2, stride=0)), ((2, 3, 4, 5), dict(kernel_size=2, padding=-1)),
    ((2, 3, 4, 5), dict(kernel_size=2, dilation=0)), ((2, 3, 4, 5), dict(kernel_size=(2, 3, 4))),
    ((2, 3, 4, 5), dict(kernel_size=2.0)), ((2, 3, 4, 5), dict(kernel_size=2, stride=(1.0, 1))),
    ((2, 0, 4, 5), dict(kernel_size=2)), ((4, 5), dict(kernel_size=2)),
    ((2, 3, 4, 5, 6), dict(kernel_size=2)),
]  # fmt: skip


@pytest.mark.parametrize("shape, kw", UNFOLD_ERRORS, ids=[f"{s}-{k}" for s, k in UNFOLD_ERRORS])
def test_unfold_errors_match_pytorch(shape, kw):
    x = np.zeros(shape)
    with pytest.raises(Exception) as expected:
        TF.unfold(torch.tensor(x), **kw)
    with pytest.raises(type(expected.value)):
        F.unfold(mg.tensor(x), **kw)


FOLD_ERRORS = [
    ((2, 12, 7), (3, 4), dict(kernel_size=2)), ((2, 11, 6), (3, 4), dict(kernel_size=2)),
    ((2, 12, 6, 1), (3, 4), dict(kernel_size=2)), ((2, 12, 6), (3, 4), dict(kernel_size=0)),
    ((2, 12, 6), (1, 1), dict(kernel_size=2)), ((2, 12, 0), (1, 1), dict(kernel_size=2)),
    ((2, 12, 6), (3, 4, 5), dict(kernel_size=2)), ((2, 12, 6), (3.0, 4), dict(kernel_size=2)),
    ((2, 12, 6), (0, 4), dict(kernel_size=2)), ((12,), (3, 4), dict(kernel_size=2)),
    ((2, 0, 6), (3, 4), dict(kernel_size=2)), ((2, 12, 6), (3, 4), dict(kernel_size=2, stride=0)),
]  # fmt: skip


@pytest.mark.parametrize(
    "shape, size, kw", FOLD_ERRORS, ids=[f"{s}-{o}-{k}" for s, o, k in FOLD_ERRORS]
)
def test_fold_errors_match_pytorch(shape, size, kw):
    x = np.zeros(shape)
    with pytest.raises(Exception) as expected:
        TF.fold(torch.tensor(x), size, **kw)
    with pytest.raises(type(expected.value)):
        F.fold(mg.tensor(x), size, **kw)


# ---- affine_grid and grid_sample -----------------------------------------------------

GRID_SHAPES = {
    2: [((2, 3, 4, 5), (2, 3, 6)), ((1, 2, 1, 4), (1, 5, 2)), ((2, 1, 3, 1), (2, 2, 2))],
    3: [((2, 2, 3, 4, 5), (2, 3, 2, 4)), ((1, 1, 2, 1, 3), (1, 2, 2, 2))],
}
GRID_CASES = [
    (nd, i, mode, pm, ac)
    for nd in (2, 3)
    for i in range(len(GRID_SHAPES[nd]))
    for mode in ("bilinear", "nearest", "bicubic")[: 5 - nd]
    for pm in ("zeros", "border", "reflection")
    for ac in (False, True)
]


@pytest.mark.parametrize("dt", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("nd, i, mode, pm, ac", GRID_CASES)
def test_grid_sample_matches_pytorch(nd, i, mode, pm, ac, dt):
    ishape, oshape = GRID_SHAPES[nd][i]
    rng = np.random.default_rng(i)
    x = rng.standard_normal(ishape).astype(dt)
    grid = (rng.standard_normal(oshape + (nd,)) * 1.5).astype(dt)  # many points outside
    a, ga = mg.tensor(x, requires_grad=True), mg.tensor(grid, requires_grad=True)
    b, gb = torch.tensor(x, requires_grad=True), torch.tensor(grid, requires_grad=True)
    ya = F.grid_sample(a, ga, mode=mode, padding_mode=pm, align_corners=ac)
    yb = TF.grid_sample(b, gb, mode=mode, padding_mode=pm, align_corners=ac)
    assert ya.grad_fn.name() == yb.grad_fn.name().rstrip("0123456789")
    g = rng.standard_normal(ya.shape).astype(dt)
    ya.backward(mg.tensor(g))
    yb.backward(torch.tensor(g))
    _close(ya.data, yb.detach().numpy(), dt)
    _close(a.grad.data, b.grad.numpy(), dt)
    _close(ga.grad.data, gb.grad.numpy(), dt)


AFFINE_SIZES = [(2, 3, 4, 5), (1, 1, 1, 3), (2, 1, 3, 1), (2, 2, 3, 4, 5), (1, 1, 1, 1, 2)]


@pytest.mark.parametrize("dt", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("ac", [False, True])
@pytest.mark.parametrize("size", AFFINE_SIZES)
def test_affine_grid_matches_pytorch(size, ac, dt):
    nd = len(size) - 2
    theta = np.random.default_rng(len(size)).standard_normal((size[0], nd, nd + 1)).astype(dt)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unit-size grids with align_corners warn, as PyTorch
        ya, yb, ga, gb = _both(
            lambda t: F.affine_grid(t, size, ac), lambda t: TF.affine_grid(t, size, ac), theta
        )
    assert ya.shape == tuple(yb.shape)
    _close(ya.data, yb.detach().numpy(), dt)
    _close(ga, gb, dt)


def test_grid_functions_warn_without_align_corners_as_pytorch():
    theta = np.eye(2, 3)[None]
    with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
        grid = F.affine_grid(mg.tensor(theta), (1, 1, 3, 4))
    with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
        F.grid_sample(mg.ones(1, 1, 3, 4, dtype=mg.float64), grid)
    with pytest.warns(UserWarning, match="unit-size"):
        F.affine_grid(mg.tensor(theta), (1, 1, 1, 4), align_corners=True)


GRID_ERRORS = [
    ((2, 3, 4, 5), (2, 3, 6, 2), dict(mode="foo")),
    ((2, 3, 4, 5), (2, 3, 6, 2), dict(padding_mode="foo")),
    ((3, 4, 5), (3, 6, 2), dict()),
    ((2, 3, 4, 5), (2, 3, 6, 1), dict()),
    ((2, 3, 4, 5), (1, 3, 6, 2), dict()),
    ((2, 3, 4, 5), (1, 2, 3, 6, 2), dict()),
    ((2, 3, 0, 5), (2, 3, 6, 2), dict()),
    ((2, 3, 4, 5), (2, 3, 6, 3), dict()),
    ((1, 1, 2, 2, 2), (1, 1, 1, 1, 3), dict(mode="bicubic")),
]


@pytest.mark.parametrize("ishape, gshape, kw", GRID_ERRORS)
def test_grid_sample_errors_match_pytorch(ishape, gshape, kw):
    x, g = np.zeros(ishape), np.zeros(gshape)
    with pytest.raises(Exception) as expected:
        TF.grid_sample(torch.tensor(x), torch.tensor(g), align_corners=False, **kw)
    with pytest.raises(type(expected.value), match="grid_sample"):
        F.grid_sample(mg.tensor(x), mg.tensor(g), align_corners=False, **kw)


def test_grid_sample_mixed_dtypes_and_integers_raise_as_pytorch():
    x, g = np.zeros((1, 1, 2, 2)), np.zeros((1, 1, 1, 2), np.float32)
    with pytest.raises(RuntimeError):
        TF.grid_sample(torch.tensor(x), torch.tensor(g), align_corners=False)
    with pytest.raises(RuntimeError, match="grid_sample"):
        F.grid_sample(mg.tensor(x), mg.tensor(g), align_corners=False)
    i = np.zeros((1, 1, 2, 2), np.int64)
    with pytest.raises(NotImplementedError):
        TF.grid_sample(torch.tensor(i), torch.tensor(i[..., :1, :]), align_corners=False)
    with pytest.raises(NotImplementedError, match="Long"):
        F.grid_sample(mg.tensor(i), mg.tensor(i[..., :1, :]), align_corners=False)


AFFINE_ERRORS = [
    ((2, 2, 3), (3, 3, 4, 5), np.float64),
    ((2, 2, 3), (2, 3, 4, 5), np.int64),
    ((2, 2, 3), (2, 3, 4), np.float64),
    ((2, 3, 4), (2, 3, 4, 5), np.float64),
    ((2, 2, 3), (2, 3, 0, 5), np.float64),
    ((2, 2, 3), (2, 0, 3, 5), np.float64),
    ((2, 2, 3), (2, 3, 4, 5, 6), np.float64),
    ((2, 2, 3), (2, 3, -1, 5), np.float64),
]


@pytest.mark.parametrize("tshape, size, dt", AFFINE_ERRORS)
def test_affine_grid_errors_match_pytorch(tshape, size, dt):
    theta = np.zeros(tshape, dt)
    with pytest.raises(Exception) as expected:
        TF.affine_grid(torch.tensor(theta), size, align_corners=False)
    with pytest.raises(type(expected.value), match="affine_grid"):
        F.affine_grid(mg.tensor(theta), size, align_corners=False)


# ---- signatures ----------------------------------------------------------------------


@pytest.mark.parametrize("name", [
    "interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "unfold", "fold",
    "affine_grid", "grid_sample",
])  # fmt: skip
def test_function_signatures_match_pytorch(name):
    import inspect

    ours, theirs = (inspect.signature(getattr(m, name)).parameters for m in (F, TF))
    assert [(p.name, p.default) for p in ours.values()] == [
        (p.name, p.default) for p in theirs.values()
    ]


@pytest.mark.parametrize("name", [
    "Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d", "PixelShuffle",
    "PixelUnshuffle", "ChannelShuffle", "Unfold", "Fold",
])  # fmt: skip
def test_module_signatures_match_pytorch(name):
    import inspect

    ours, theirs = (inspect.signature(getattr(m, name)).parameters for m in (nn, torch.nn))
    assert [(p.name, p.default) for p in ours.values()] == [
        (p.name, p.default) for p in theirs.values()
    ]
