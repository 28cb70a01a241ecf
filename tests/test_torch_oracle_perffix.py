"""Regressions of the review's performance fixes against PyTorch: grid_sample at NaN and
infinite grid points (the input's gradient stays 0 there), interpolate's VJP on axes
too long for its dense tap matrix, embedding_bag's bag sums and pdist's row loop.

float64 is compared to 1e-10, float32 to rtol 1e-5; NaN must be NaN in both.
"""

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.nn import resample

torch = import_torch()
TF = torch.nn.functional

TOL = {np.float64: 1e-10, np.float32: 1e-5}
NAN, INF = float("nan"), float("inf")


def _close(a, b, dt):
    np.testing.assert_allclose(a, b, rtol=TOL[dt], atol=TOL[dt], equal_nan=True)


# ---- grid_sample: NaN and infinite grid points ---------------------------------------

GRIDS = {
    2: [
        [[[[NAN, 0.0], [0.0, INF]]]],
        [[[[0.5, 0.0], [0.0, INF]]]],
        [[[[NAN, NAN], [-INF, 0.3]], [[0.2, 0.1], [INF, -INF]]]],
        [[[[0.2, NAN], [-0.4, 0.3]], [[1e30, 0.1], [0.7, -0.9]]]],
    ],
    3: [[[[[[NAN, 0.0, 0.1], [0.3, -INF, 0.2], [0.1, 0.2, -0.5]]]]]],
}


def _grid_cases():
    for nd, grids in GRIDS.items():
        for i in range(len(grids)):
            modes = ("bilinear", "nearest", "bicubic") if nd == 2 else ("bilinear", "nearest")
            for mode in modes:
                for ac in (False, True):
                    for dt in (np.float64, np.float32):
                        yield nd, i, mode, ac, dt


@pytest.mark.parametrize("nd, i, mode, ac, dt", list(_grid_cases()))
def test_grid_sample_at_nan_and_inf_points_matches_pytorch(nd, i, mode, ac, dt):
    """Padding 'zeros' only: PyTorch's 'border' and 'reflection' at NaN points read out
    of bounds (it segfaults)."""
    G = np.array(GRIDS[nd][i], dt)
    X = np.random.default_rng(i).random((G.shape[0], 2) + (3,) * (nd - 1) + (4,)).astype(dt)
    cot = np.random.default_rng(7).standard_normal((G.shape[0], 2) + G.shape[1:-1]).astype(dt)
    res = []
    for lib, fn in ((mg, F), (torch, TF)):
        x, g = lib.tensor(X, requires_grad=True), lib.tensor(G, requires_grad=True)
        with np.errstate(invalid="ignore"):
            y = fn.grid_sample(x, g, mode=mode, align_corners=ac)
            y.backward(lib.tensor(cot))
        res.append([np.asarray(t.detach()) for t in (y, x.grad, g.grad)])
    for a, b in zip(*res):
        _close(a, b, dt)
    assert not np.isnan(res[0][1]).any()  # the input's gradient: 0 at unreadable points


@pytest.mark.parametrize("pm", ["zeros", "border", "reflection"])
def test_grid_sample_nan_point_leaves_input_gradient_zero(pm):
    x = mg.rand(1, 1, 2, 2, requires_grad=True)
    g = mg.tensor([[[[NAN, 0.0], [0.0, INF]]]])
    with np.errstate(invalid="ignore"):
        F.grid_sample(x, g, padding_mode=pm, align_corners=False).sum().backward()
    expected = np.zeros((1, 1, 2, 2))  # (0, inf): 'border' reads between the last row's pixels
    if pm == "border":
        expected[0, 0, 1, 0] = expected[0, 0, 1, 1] = 0.5
    np.testing.assert_array_equal(x.grad.data, expected)


# ---- interpolate's VJP: dense tap matrices and sorted runs ---------------------------

INTERP = [
    ("nearest", {}), ("nearest-exact", {}), ("area", {}), ("linear", {"align_corners": False}),
]  # fmt: skip
RESIZES = [{"size": 11}, {"size": 4}, {"scale_factor": 2.5}, {"scale_factor": 0.37}]


@pytest.mark.parametrize("dense", [True, False])
@pytest.mark.parametrize("mode, kw", INTERP)
@pytest.mark.parametrize("resize", RESIZES)
@pytest.mark.parametrize("dt", [np.float64, np.float32])
def test_interpolate_vjp_both_paths_match_pytorch(monkeypatch, dense, mode, kw, resize, dt):
    """Both ways of _scatter: the dense tap matrix and, forced by a zero budget, the sums
    over the sorted runs of indices (used for long axes)."""
    if not dense:
        monkeypatch.setattr(resample, "_DENSE", 0)
    X = np.random.default_rng(3).standard_normal((2, 3, 7)).astype(dt)
    res = []
    for lib, fn in ((mg, F), (torch, TF)):
        x = lib.tensor(X, requires_grad=True)
        y = fn.interpolate(x, mode=mode, **kw, **resize)
        y.backward(lib.tensor(np.random.default_rng(5).standard_normal(tuple(y.shape)).astype(dt)))
        res.append([np.asarray(y.detach()), np.asarray(x.grad)])
    for a, b in zip(*res):
        _close(a, b, dt)


@pytest.mark.parametrize("dense", [True, False])
@pytest.mark.parametrize("mode", ["bilinear", "bicubic", "nearest", "area"])
def test_interpolate_2d_vjp_both_paths_match_pytorch(monkeypatch, dense, mode):
    if not dense:
        monkeypatch.setattr(resample, "_DENSE", 0)
    X = np.random.default_rng(4).standard_normal((2, 2, 5, 6))
    kw = {} if mode in ("nearest", "area") else {"align_corners": False}
    res = []
    for lib, fn in ((mg, F), (torch, TF)):
        x = lib.tensor(X, requires_grad=True)
        y = fn.interpolate(x, size=(9, 4), mode=mode, **kw)
        y.backward(lib.tensor(np.random.default_rng(6).standard_normal(tuple(y.shape))))
        res.append(np.asarray(x.grad))
    _close(*res, np.float64)


def test_interpolate_long_axis_vjp_matches_pytorch():
    """3000 -> 2000 points: past the dense budget, so the sorted-runs path."""
    assert 3000 * 2000 > resample._DENSE
    X = np.random.default_rng(8).standard_normal((1, 2, 3000))
    res = []
    for lib, fn in ((mg, F), (torch, TF)):
        x = lib.tensor(X, requires_grad=True)
        y = fn.interpolate(x, size=2000, mode="linear", align_corners=False)
        y.backward(lib.tensor(np.random.default_rng(9).standard_normal(tuple(y.shape))))
        res.append(np.asarray(x.grad))
    _close(*res, np.float64)


# ---- embedding_bag: sums over runs ---------------------------------------------------


def _offsets(rng, n, bags):
    """Sorted offsets starting at 0, with repeats (empty bags) and some at n."""
    return np.sort(np.r_[0, rng.integers(0, n + 1, bags - 1)])


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(
    "mode, psw", [("sum", False), ("sum", True), ("mean", False), ("max", False)]
)
@pytest.mark.parametrize("padding_idx", [None, 3])
@pytest.mark.parametrize("dt", [np.float64, np.float32])
def test_embedding_bag_many_bags_match_pytorch(seed, mode, psw, padding_idx, dt):
    rng = np.random.default_rng(seed)
    n, rows, D = 300, 20, 5
    I = rng.integers(0, rows, n)
    O = _offsets(rng, n, 40)
    W = rng.standard_normal((rows, D)).astype(dt)
    P = rng.standard_normal(n).astype(dt)
    cot = rng.standard_normal((O.size, D)).astype(dt)
    res = []
    for lib, fn in ((mg, F), (torch, TF)):
        w = lib.tensor(W, requires_grad=True)
        p = lib.tensor(P, requires_grad=True) if psw else None
        y = fn.embedding_bag(lib.tensor(I), w, lib.tensor(O), mode=mode, per_sample_weights=p,
                             padding_idx=padding_idx)  # fmt: skip
        y.backward(lib.tensor(cot))
        res.append(
            [np.asarray(y.detach()), np.asarray(w.grad)] + ([np.asarray(p.grad)] if psw else [])
        )
    for a, b in zip(*res):
        _close(a, b, dt)


# ---- pdist: row by row ---------------------------------------------------------------


@pytest.mark.parametrize("p", [0, 0.5, 1, 1.5, 2, 3, float("inf")])
@pytest.mark.parametrize("N, M", [(1, 3), (2, 1), (9, 4), (40, 3)])
@pytest.mark.parametrize("dt", [np.float64, np.float32])
def test_pdist_matches_pytorch(p, N, M, dt):
    rng = np.random.default_rng(N * M)
    X = rng.integers(-2, 3, (N, M)).astype(dt)  # repeated rows and equal coordinates
    X[: N // 2] += rng.standard_normal((N // 2, M)).astype(dt)
    cot = rng.standard_normal(N * (N - 1) // 2).astype(dt)
    res = []
    for lib, fn in ((mg, F), (torch, TF)):
        x = lib.tensor(X, requires_grad=True)
        y = fn.pdist(x, p)
        y.backward(lib.tensor(cot))
        res.append([np.asarray(y.detach()), np.asarray(x.grad)])
    for a, b in zip(*res):
        _close(a, b, dt)


@pytest.mark.parametrize("N", [0, 1])
def test_pdist_of_fewer_than_two_rows_is_empty(N):
    """(PyTorch crashes on the backward of 0 rows, so no oracle here.)"""
    x = mg.tensor(np.ones((N, 3)), requires_grad=True)
    y = F.pdist(x, 1.5)
    assert y.shape == (0,)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.zeros((N, 3)))


@pytest.mark.parametrize("mode", ["bilinear", "bicubic", "nearest"])
def test_interpolate_vjp_keeps_inf_and_nan_cotangents_local(mode):
    """An inf or NaN in the cotangent reaches only the pixels it taps, as in PyTorch.
    ('area' is left out: its zero-weight filler taps turn an inf into NaN, as before.)"""
    X = np.random.default_rng(4).standard_normal((1, 2, 5, 6))
    kw = {} if mode in ("nearest", "area") else {"align_corners": False}
    res = []
    for lib, fn in ((mg, F), (torch, TF)):
        x = lib.tensor(X, requires_grad=True)
        y = fn.interpolate(x, size=(9, 4), mode=mode, **kw)
        cot = np.random.default_rng(6).standard_normal(tuple(y.shape))
        cot[0, 0, 2, 1], cot[0, 1, 7, 3] = INF, NAN
        y.backward(lib.tensor(cot))
        res.append(np.asarray(x.grad))
    _close(*res, np.float64)
    assert np.isfinite(res[0]).any()
