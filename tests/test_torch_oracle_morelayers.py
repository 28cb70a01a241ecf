# ruff: noqa: E501 - the cases are data, one per line
"""Adaptive max pooling, padding modules, channel and alpha dropout, rrelu, lp pooling,
max unpooling, local response norm, Softmax2d and pdist against PyTorch.

Each case runs one function of (M, inputs) in both frameworks on the same random inputs,
backpropagates sum(y * t) for a non-uniform t, and compares the outputs (values, dtype,
shape) and the inputs' gradients: float64 to rtol 1e-10, float32 to rtol 1e-5. The random
ops run with PyTorch's own draws: its mask (or slopes) is read off its gradient and given
to minigrad's generator, so both compute the same formula on the same draws.
"""

import math
import warnings

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

TOL = {np.float64: dict(rtol=1e-10, atol=1e-12), np.float32: dict(rtol=1e-5, atol=1e-6)}


def _arrays(shapes, dtype, seed, kind):
    rng = np.random.default_rng(seed)
    if kind == "normal":
        return [rng.standard_normal(s).astype(dtype) for s in shapes]
    if kind == "positive":
        return [rng.uniform(0.5, 2.0, s).astype(dtype) for s in shapes]
    return [rng.integers(-2, 3, s).astype(dtype) for s in shapes]  # "ties": few values


def _run(M, fn, arrays):
    xs = [M.tensor(a.copy(), requires_grad=True) for a in arrays]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = fn(M, *xs)
    outs = out if isinstance(out, tuple) else (out,)
    y = outs[0]
    t = (np.arange(y.numel()).reshape(tuple(y.shape)) % 5 + 1).astype(arrays[0].dtype)
    (y * M.tensor(t)).sum().backward()
    got = [(o.detach().numpy().copy(), str(o.dtype).split(".")[-1]) for o in outs]
    grads = [None if x.grad is None else x.grad.numpy().copy() for x in xs]
    return got, grads, t


def _compare(fn, shapes, dtype=np.float64, seed=0, kind="normal", arrays=None):
    arrays = arrays if arrays is not None else _arrays(shapes, dtype, seed, kind)
    (t_out, t_grads, _), (m_out, m_grads, _) = (_run(M, fn, arrays) for M in (torch, mg))
    tol = TOL[np.dtype(arrays[0].dtype).type]
    assert len(t_out) == len(m_out)
    for (a, da), (b, db) in zip(t_out, m_out):
        assert da == db and a.shape == b.shape, (da, db, a.shape, b.shape)
        np.testing.assert_allclose(b, a, equal_nan=True, **tol)
    for a, b in zip(t_grads, m_grads):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(b, a, equal_nan=True, **tol)


DTYPES = [np.float64, np.float32]


# ---- adaptive max pooling ------------------------------------------------------------

AMP2 = [
    ((2, 3, 7, 5), (3, 2)), ((2, 3, 7, 5), (2, 4)), ((2, 3, 7, 5), (7, 5)),
    ((2, 3, 7, 5), (10, 9)), ((2, 3, 7, 5), (None, 3)), ((2, 3, 7, 5), (4, None)),
    ((2, 3, 7, 5), 1), ((2, 3, 7, 5), 5), ((3, 6, 6), (4, 4)), ((3, 6, 6), [5, 2]),
    ((1, 2, 1, 9), (1, 4)), ((0, 2, 5, 5), 2),
]  # fmt: skip


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", ["normal", "ties"])
@pytest.mark.parametrize("shape, size", AMP2)
def test_adaptive_max_pool2d(shape, size, kind, dtype):
    fn = lambda M, x: M.nn.functional.adaptive_max_pool2d(x, size, return_indices=True)  # noqa: E731
    _compare(fn, [shape], dtype, kind=kind)
    _compare(lambda M, x: M.nn.AdaptiveMaxPool2d(size)(x), [shape], dtype, kind=kind)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", ["normal", "ties"])
@pytest.mark.parametrize(
    "shape, size", [((2, 3, 9), 4), ((2, 3, 9), 1), ((2, 3, 9), 12), ((3, 9), (5,)), ((3, 7), [7])]
)
def test_adaptive_max_pool1d(shape, size, kind, dtype):
    fn = lambda M, x: M.nn.functional.adaptive_max_pool1d(x, size, True)  # noqa: E731
    _compare(fn, [shape], dtype, kind=kind)
    _compare(lambda M, x: M.nn.AdaptiveMaxPool1d(size, True)(x), [shape], dtype, kind=kind)


def test_adaptive_max_pool2d_nan_and_inf():
    a = np.full((1, 2, 4, 5), -np.inf)
    a[0, 1, 1, 2] = a[0, 1, 2, 1] = a[0, 1, 3, 3] = np.nan
    a[0, 0, 0, 0] = 1.0
    fn = lambda M, x: M.nn.functional.adaptive_max_pool2d(x, (3, 2), True)  # noqa: E731
    _compare(fn, None, arrays=[a])


# ---- padding modules -----------------------------------------------------------------

PADS = [
    ("ReflectionPad1d", 2, (2, 3, 5)), ("ReflectionPad1d", (3, 1), (3, 5)),
    ("ReflectionPad1d", (-1, 2), (2, 3, 5)),
    ("ReflectionPad2d", 1, (2, 3, 4, 5)), ("ReflectionPad2d", (1, 0, 2, 3), (3, 4, 5)),
    ("ReflectionPad3d", 1, (1, 2, 3, 4, 3)), ("ReflectionPad3d", (1, 2, 0, 1, 2, 0), (2, 3, 4, 3)),
    ("ReplicationPad1d", 3, (2, 3, 4)), ("ReplicationPad1d", (0, 5), (3, 4)),
    ("ReplicationPad2d", (2, 1, 0, 3), (2, 3, 4, 5)), ("ReplicationPad2d", 2, (3, 2, 2)),
    ("ReplicationPad3d", 2, (1, 2, 3, 2, 3)),
    ("ReplicationPad3d", (1, 0, 2, 1, 0, 3), (2, 2, 3, 2)),
    ("CircularPad1d", 2, (2, 3, 5)), ("CircularPad1d", (1, 4), (3, 5)),
    ("CircularPad2d", (1, 2, 3, 0), (2, 3, 4, 5)), ("CircularPad2d", 1, (3, 4, 5)),
    ("CircularPad3d", 1, (1, 2, 3, 4, 3)), ("CircularPad3d", (2, 0, 1, 1, 0, 2), (2, 3, 4, 3)),
    ("ZeroPad1d", 2, (2, 3, 4)), ("ZeroPad1d", (1, -1), (2, 3, 4, 5)),
    ("ZeroPad3d", 1, (2, 3, 2, 2)), ("ZeroPad3d", (1, 2, 0, 0, 3, 1), (1, 2, 3, 2, 2)),
]  # fmt: skip


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name, padding, shape", PADS)
def test_padding_modules(name, padding, shape, dtype):
    _compare(lambda M, x: getattr(M.nn, name)(padding)(x), [shape], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "padding, value, shape", [(1, 2.5, (2, 3, 4, 5)), ((1, 0, 2, 1, 0, 2), -1.0, (2, 3, 2, 2))]
)
def test_constant_pad3d(padding, value, shape, dtype):
    _compare(lambda M, x: M.nn.ConstantPad3d(padding, value)(x), [shape], dtype)


# ---- pooling: lp, unpooling ----------------------------------------------------------

LP2 = [
    (2, 2, None, False), (1, 2, None, False), (3, (2, 3), None, False), (1.5, 2, 1, False),
    (2.5, 3, (2, 1), True), (2, (3, 2), 2, True), (math.inf, 2, None, False),
    (-math.inf, (2, 3), 1, False), (0.5, 2, None, True),
]  # fmt: skip


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(2, 3, 7, 6), (3, 6, 5)])
@pytest.mark.parametrize("p, k, s, ceil", LP2)
def test_lp_pool2d(p, k, s, ceil, shape, dtype):
    integer = float(p).is_integer() or math.isinf(p)
    kind = "normal" if integer else "positive"
    fn = lambda M, x: M.nn.functional.lp_pool2d(x, p, k, s, ceil)  # noqa: E731
    _compare(fn, [shape], dtype, kind=kind)
    _compare(lambda M, x: M.nn.LPPool2d(p, k, s, ceil)(x), [shape], dtype, kind=kind)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(2, 3, 9), (3, 8)])
@pytest.mark.parametrize(
    "p, k, s, ceil",
    [
        (2, 2, None, False),
        (1, 3, 2, True),
        (3, 3, 1, False),
        (1.5, 2, 3, True),
        (math.inf, 2, 1, False),
    ],
)
def test_lp_pool1d(p, k, s, ceil, shape, dtype):
    kind = "normal" if float(p).is_integer() or math.isinf(p) else "positive"
    fn = lambda M, x: M.nn.functional.lp_pool1d(x, p, k, s, ceil)  # noqa: E731
    _compare(fn, [shape], dtype, kind=kind)
    _compare(lambda M, x: M.nn.LPPool1d(p, k, s, ceil)(x), [shape], dtype, kind=kind)


@pytest.mark.parametrize("p", [1, 2, 3, 1.5])
def test_lp_pool_gradient_at_a_zero_window(p):
    a = np.ones((1, 2, 4, 4))
    a[0, 0, :2, :2] = 0.0  # a window of zeros: its gradient is 0, not NaN
    _compare(lambda M, x: M.nn.functional.lp_pool2d(x, p, 2), None, arrays=[a])
    _compare(lambda M, x: M.nn.functional.lp_pool1d(x[0], p, 2), None, arrays=[a])


UNPOOL2 = [
    ((2, 3, 6, 6), 2, None, 0, None), ((2, 3, 7, 6), (3, 2), (2, 1), 1, None),
    ((2, 3, 6, 5), 2, None, 0, (7, 5)), ((2, 3, 6, 5), 2, None, 0, (2, 3, 6, 5)),
    ((3, 7, 7), 3, 2, 1, None), ((3, 7, 7), 3, 2, 1, [8, 7]), ((2, 2, 5, 5), 3, 1, 1, None),
]  # fmt: skip


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", ["normal", "ties"])
@pytest.mark.parametrize("shape, k, s, pad, size", UNPOOL2)
def test_max_unpool2d_after_max_pool2d(shape, k, s, pad, size, kind, dtype):
    def fn(M, x):
        y, i = M.nn.functional.max_pool2d(x, k, s, pad, return_indices=True)
        return M.nn.functional.max_unpool2d(y, i, k, s, pad, size), i

    def module(M, x):
        y, i = M.nn.MaxPool2d(k, s, pad, return_indices=True)(x)
        return M.nn.MaxUnpool2d(k, s, pad)(y, i, size)

    _compare(fn, [shape], dtype, kind=kind)
    _compare(module, [shape], dtype, kind=kind)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "shape, k, s, pad, size",
    [((2, 3, 9), 2, None, 0, None), ((3, 9), 3, 2, 1, None), ((2, 3, 8), 2, None, 0, [9])],
)
def test_max_unpool1d_after_max_pool1d(shape, k, s, pad, size, dtype):
    def fn(M, x):
        y, i = M.nn.functional.max_pool1d(x, k, s, pad, return_indices=True)
        return M.nn.functional.max_unpool1d(y, i, k, s, pad, size)

    def module(M, x):
        y, i = M.nn.MaxPool1d(k, s, pad, return_indices=True)(x)
        return M.nn.MaxUnpool1d(k, s, pad)(y, i, size)

    _compare(fn, [shape], dtype)
    _compare(module, [shape], dtype)


def test_max_unpool2d_of_given_indices():
    idx = np.array([[[[0, 3], [11, 12]], [[1, 1], [2, 15]]]])

    def fn(M, x):
        i = M.tensor(idx)
        return M.nn.functional.max_unpool2d(x, i, 2), M.nn.functional.max_unpool2d(x * 2, i, 2)

    _compare(fn, [(1, 2, 2, 2)])


# ---- local response norm, Softmax2d, pdist -------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(2, 5, 4), (2, 6, 3, 4), (1, 4, 2, 3, 2), (3, 1, 2)])
@pytest.mark.parametrize(
    "size, alpha, beta, k", [(1, 1e-4, 0.75, 1.0), (2, 0.5, 0.75, 1.0), (3, 1e-4, 0.75, 1.0),
                             (5, 2.0, 0.5, 2.0), (8, 0.1, 1.5, 0.5)],
)  # fmt: skip
def test_local_response_norm(shape, size, alpha, beta, k, dtype):
    fn = lambda M, x: M.nn.functional.local_response_norm(x, size, alpha, beta, k)  # noqa: E731
    _compare(fn, [shape], dtype)
    _compare(lambda M, x: M.nn.LocalResponseNorm(size, alpha, beta, k)(x), [shape], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (4, 2, 3)])
def test_softmax2d(shape, dtype):
    _compare(lambda M, x: M.nn.Softmax2d()(x), [shape], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(5, 3), (4, 1), (1, 3), (6, 4), (3, 0)])
@pytest.mark.parametrize("p", [0, 0.5, 1, 1.5, 2, 3, 4.5, math.inf])
def test_pdist(shape, p, dtype):
    _compare(lambda M, x: M.nn.functional.pdist(x, p), [shape], dtype)


def test_pdist_of_no_rows():  # PyTorch's backward of it crashes: the forward only
    t, m = (M.nn.functional.pdist(M.ones(0, 3)) for M in (torch, mg))
    assert tuple(t.shape) == m.shape == (0,) and str(t.dtype) == "torch." + str(m.dtype)


@pytest.mark.parametrize("p", [0, 0.5, 1, 1.5, 2, 3, math.inf])
def test_pdist_with_equal_rows_and_ties(p):
    a = np.array([[1.0, -2.0, 3.0], [1.0, -2.0, 3.0], [0.0, 1.0, 3.0], [2.0, -1.0, 4.0]])
    _compare(lambda M, x: M.nn.functional.pdist(x, p=p), None, arrays=[a])


# ---- random ops on PyTorch's own draws -----------------------------------------------


def _seed_both(seed):
    """Seed PyTorch and minigrad alike: their generators give the same numbers."""
    torch.manual_seed(seed)
    mg.manual_seed(seed)


DROPOUTS = [
    ("dropout1d", (4, 6, 5), 0.5), ("dropout1d", (6, 5), 0.3),
    ("dropout3d", (3, 4, 2, 3, 2), 0.4), ("dropout3d", (5, 2, 3, 2), 0.6),
    ("dropout3d", (4, 5, 3), 0.5),
    ("alpha_dropout", (4, 5, 6), 0.5), ("alpha_dropout", (30,), 0.2), ("alpha_dropout", (), 0.5),
    ("feature_alpha_dropout", (4, 6, 5), 0.5), ("feature_alpha_dropout", (5, 7), 0.25),
    ("feature_alpha_dropout", (3, 4, 2, 2, 2), 0.7),
]  # fmt: skip


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name, shape, p", DROPOUTS)
def test_dropouts_on_pytorchs_mask(name, shape, p, dtype):
    a = np.random.default_rng(1).standard_normal(shape).astype(dtype)
    torch.manual_seed(3)
    fn = lambda M, x: getattr(M.nn.functional, name)(x, p, training=True)  # noqa: E731
    _, (t_grad,), t = _run(torch, fn, [a])
    keep = t_grad != 0
    if a.size >= 20:  # a mask with both kinds of places
        assert keep.any() and not keep.all()
    _seed_both(3)  # the same seed draws the same mask
    _compare(fn, None, arrays=[a])
    in_place = lambda M, x: getattr(M.nn.functional, name)(x * 1, p, True, True)  # noqa: E731
    _seed_both(3)
    _compare(in_place, None, arrays=[a])


@pytest.mark.parametrize("name", ["Dropout1d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"])
def test_dropout_modules_on_pytorchs_mask(name):
    shape = (4, 3, 2, 2, 3) if name == "Dropout3d" else (4, 3, 5)
    a = np.random.default_rng(2).standard_normal(shape)
    fn = lambda M, x: getattr(M.nn, name)(0.4)(x)  # noqa: E731
    _seed_both(5)
    _compare(fn, None, arrays=[a])
    evaluated = lambda M, x: getattr(M.nn, name)(0.4).eval()(x)  # noqa: E731
    _compare(evaluated, None, arrays=[a])


@pytest.mark.parametrize(
    "name", ["dropout1d", "dropout3d", "alpha_dropout", "feature_alpha_dropout"]
)
@pytest.mark.parametrize("p, training", [(0.0, True), (1.0, True), (0.5, False), (1.0, False)])
def test_dropouts_deterministic_modes(name, p, training):
    shape = (2, 3, 2, 3, 2) if name == "dropout3d" else (2, 3, 4)
    _compare(lambda M, x: getattr(M.nn.functional, name)(x, p, training), [shape])
    _compare(lambda M, x: getattr(M.nn.functional, name)(x * 1, p, training, True), [shape])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "shape, lower, upper",
    [((4, 5, 6), 0.125, 1 / 3), ((30,), 0.1, 0.9), ((), 0.2, 0.3), ((3, 4), 0.5, 0.5)],
)
def test_rrelu_on_pytorchs_slopes(shape, lower, upper, dtype):
    a = np.random.default_rng(4).standard_normal(shape).astype(dtype)
    fn = lambda M, x: M.nn.functional.rrelu(x, lower, upper, training=True)  # noqa: E731
    torch.manual_seed(7)
    _, (t_grad,), t = _run(torch, fn, [a])
    slopes = t_grad / t
    assert np.all((slopes[a <= 0] >= lower - 1e-6) & (slopes[a <= 0] <= upper + 1e-6))
    _seed_both(7)  # the same seed draws the same slopes
    _compare(fn, None, arrays=[a])
    module = lambda M, x: M.nn.RReLU(lower, upper)(x)  # noqa: E731
    _seed_both(7)
    _compare(module, None, arrays=[a])
    in_place = lambda M, x: M.nn.functional.rrelu(x * 1, lower, upper, True, True)  # noqa: E731
    _seed_both(7)
    _compare(in_place, None, arrays=[a])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lower, upper", [(0.125, 1 / 3), (0.0, 1.0), (0.3, 0.3)])
def test_rrelu_evaluation(lower, upper, dtype):
    _compare(lambda M, x: M.nn.functional.rrelu(x, lower, upper), [(3, 4, 5)], dtype)
    _compare(lambda M, x: M.nn.RReLU(lower, upper).eval()(x), [(3, 4, 5)], dtype)
    a = np.array([-1.0, 0.0, 2.0], dtype)  # the slope at 0 is a's
    _compare(lambda M, x: M.nn.functional.rrelu(x, lower, upper), None, arrays=[a])


# ---- errors and reprs ----------------------------------------------------------------

ERRORS = [
    "F.adaptive_max_pool2d(x4, (1, 2, 3))", "F.adaptive_max_pool2d(M.ones(3, 4), 2)",
    "F.adaptive_max_pool2d(M.ones(1, 2, 3, 4, 5), 2)", "F.adaptive_max_pool2d(x4, -1)",
    "F.adaptive_max_pool2d(x4, 2.5)", "F.adaptive_max_pool2d(x4, None)",
    "F.adaptive_max_pool2d(x4.long(), 2)", "F.adaptive_max_pool2d(M.ones(2, 3, 0, 4), 2)",
    "F.adaptive_max_pool1d(x3, (2, 2))", "F.adaptive_max_pool1d(x3, None)",
    "F.adaptive_max_pool1d(x4, 2)", "F.adaptive_max_pool1d(M.ones(5), 2)",
    "F.max_unpool2d(x4, M.zeros(2, 3, 5, 6, dtype=M.int32), 2)",
    "F.max_unpool2d(x4, M.zeros(2, 3, 5, 5, dtype=M.long), 2)",
    "F.max_unpool2d(x4, M.full((2, 3, 5, 6), 200, dtype=M.long), 2)",
    "F.max_unpool2d(x4, M.full((2, 3, 5, 6), -1, dtype=M.long), 2)",
    "F.max_unpool2d(M.ones(3, 4), M.zeros(3, 4, dtype=M.long), 2)",
    "F.max_unpool2d(x4, M.zeros(2, 3, 5, 6, dtype=M.long), 2, output_size=(20, 12))",
    "F.max_unpool2d(x4, M.zeros(2, 3, 5, 6, dtype=M.long), 2, output_size=(3, 11, 12))",
    "F.max_unpool2d(x4.long(), M.zeros(2, 3, 5, 6, dtype=M.long), 2)",
    "F.max_unpool2d(M.ones(1, 1, 1, 1), M.zeros(1, 1, 1, 1, dtype=M.long), 1, 1, 1)",
    "F.max_unpool1d(x4, M.zeros(2, 3, 5, 6, dtype=M.long), 2)",
    "F.max_unpool1d(x3, M.zeros(2, 3, 5, dtype=M.long), 2, output_size=[30])",
    "F.pdist(x3)", "F.pdist(M.ones(3))", "F.pdist(M.ones(3, 2), -1)",
    "F.pdist(M.ones(3, 4, dtype=M.long))",
    "F.local_response_norm(M.ones(3, 4), 2)", "F.local_response_norm(x3, 0)",
    "F.lp_pool1d(x4, 2, 2)", "F.lp_pool1d(x3, 2, (2,))", "F.lp_pool2d(x4, 0, 2)",
    "F.lp_pool2d(x4, 2, 7)",
    "F.rrelu(x4, 0.5, 0.2, True)", "F.rrelu(x4, 0.5, 0.2)",
    "F.rrelu(M.ones(3, dtype=M.long), training=True)", "F.rrelu(M.ones(3, dtype=M.long))",
    "F.alpha_dropout(x4, 1.5, True)", "F.alpha_dropout(x4, -0.1)",
    "F.alpha_dropout(x4, float('nan'), True)", "F.alpha_dropout(x4, 0.5, 'a')",
    "F.alpha_dropout(M.ones(3, dtype=M.long), 0.5, True)",
    "F.feature_alpha_dropout(M.ones(3), 0.5, True)",
    "F.dropout1d(x4)", "F.dropout1d(M.ones(3))", "F.dropout1d(x3, 2.0)",
    "F.dropout1d(M.ones(2, 3, dtype=M.long))", "F.dropout1d(x3, float('nan'))",
    "F.dropout3d(M.ones(2, 3, 2, 2), float('nan'))", "F.feature_alpha_dropout(x3, 1.01, True)",
    "F.dropout3d(x4, -1.0)",
    "M.nn.Softmax2d()(M.ones(3, 4))", "M.nn.Softmax2d()(M.ones(1, 3, 4, 2, 2))",
    "M.nn.CircularPad1d(1)(x4)", "M.nn.CircularPad2d(1)(M.ones(3, 4))",
    "M.nn.CircularPad3d(1)(x3)", "M.nn.ReflectionPad1d(1)(x4)", "M.nn.ReplicationPad1d(1)(x4)",
    "M.nn.ReflectionPad1d(6)(x3)", "M.nn.ReflectionPad2d((1, 2))(x4)",
    "M.nn.ReplicationPad3d(1)(x3)", "M.nn.Dropout1d(1.5)", "M.nn.AlphaDropout(-0.5)",
    "M.nn.FeatureAlphaDropout(2)", "M.nn.Dropout3d(-1)",
]  # fmt: skip


def _error(M, program):
    env = {"M": M, "F": M.nn.functional, "x4": M.ones(2, 3, 5, 6), "x3": M.ones(2, 3, 5)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            eval(program, env)
        except Exception as e:  # noqa: BLE001 - the exception is what is compared
            return e
    return None


@pytest.mark.parametrize("program", ERRORS)
def test_errors_match_pytorch(program):
    t_err, m_err = _error(torch, program), _error(mg, program)
    assert t_err is not None, program
    assert isinstance(m_err, type(t_err)), f"{m_err!r} is not a {type(t_err)}"


REPRS = [
    "M.nn.AdaptiveMaxPool2d((None, 3))", "M.nn.AdaptiveMaxPool2d(2, True)",
    "M.nn.AdaptiveMaxPool1d(3)", "M.nn.ReflectionPad1d([1, 2])", "M.nn.ReflectionPad2d(1)",
    "M.nn.ReflectionPad2d((1, 1, 2, 0))", "M.nn.ReflectionPad3d(2)", "M.nn.ReplicationPad1d(3)",
    "M.nn.ReplicationPad2d((1, 2, 3, 4))", "M.nn.ReplicationPad3d((1, 2, 3, 4, 5, 6))",
    "M.nn.ZeroPad1d(2)", "M.nn.ZeroPad1d((1, 3))", "M.nn.ZeroPad3d(1)",
    "M.nn.ConstantPad3d(1, 2.0)", "M.nn.ConstantPad3d((1, 2, 3, 4, 5, 6), -1)",
    "M.nn.CircularPad1d(1)", "M.nn.CircularPad2d((1, 2, 3, 4))", "M.nn.CircularPad3d(2)",
    "M.nn.Dropout1d()", "M.nn.Dropout3d(0.2, True)", "M.nn.AlphaDropout(0.2)",
    "M.nn.FeatureAlphaDropout()", "M.nn.RReLU()", "M.nn.RReLU(0.1, 0.3, True)",
    "M.nn.LPPool1d(2, 3)", "M.nn.LPPool2d(2.5, (2, 3), 1, True)", "M.nn.LPPool2d(1, 2, (1, 2))",
    "M.nn.MaxUnpool1d(2)", "M.nn.MaxUnpool2d((2, 3), 1, 1)", "M.nn.MaxUnpool2d(2, padding=(0, 1))",
    "M.nn.LocalResponseNorm(3)", "M.nn.LocalResponseNorm(2, 0.1, 0.5, 2)", "M.nn.Softmax2d()",
    "M.nn.Sequential(M.nn.ReflectionPad2d(1), M.nn.AdaptiveMaxPool2d(1), M.nn.Softmax2d())",
]  # fmt: skip

ATTRIBUTES = {
    "AdaptiveMaxPool2d((None, 3), True)": ("output_size", "return_indices"),
    "ReflectionPad2d(2)": ("padding",),
    "ConstantPad3d(1, 2.0)": ("padding", "value"),
    "ZeroPad1d(3)": ("padding", "value"),
    "RReLU(0.1, 0.2)": ("lower", "upper", "inplace"),
    "LPPool2d(2, 3)": ("norm_type", "kernel_size", "stride", "ceil_mode"),
    "MaxUnpool2d(2, padding=1)": ("kernel_size", "stride", "padding"),
    "MaxUnpool1d(3, 2)": ("kernel_size", "stride", "padding"),
    "LocalResponseNorm(3)": ("size", "alpha", "beta", "k"),
    "FeatureAlphaDropout(0.3)": ("p", "inplace"),
}


@pytest.mark.parametrize("program", REPRS)
def test_module_repr_matches_pytorch(program):
    assert repr(eval(program, {"M": mg})) == repr(eval(program, {"M": torch}))


@pytest.mark.parametrize("program, names", list(ATTRIBUTES.items()))
def test_module_attributes_match_pytorch(program, names):
    m, t = (eval("M.nn." + program, {"M": M}) for M in (mg, torch))
    assert [getattr(m, n) for n in names] == [getattr(t, n) for n in names]
    assert list(m.state_dict()) == list(t.state_dict()) == []


KEYWORD_CALLS = [
    lambda M, x: M.nn.functional.adaptive_max_pool2d(input=x, output_size=2, return_indices=True),
    lambda M, x: M.nn.functional.adaptive_max_pool1d(input=x[0], output_size=3),
    lambda M, x: M.nn.functional.lp_pool2d(input=x, norm_type=2, kernel_size=2, stride=1, ceil_mode=True),
    lambda M, x: M.nn.functional.lp_pool1d(input=x[0], norm_type=1, kernel_size=2, stride=None),
    lambda M, x: M.nn.functional.local_response_norm(input=x, size=2, alpha=0.1, beta=0.5, k=2.0),
    lambda M, x: M.nn.functional.pdist(input=x[0, 0], p=3),
    lambda M, x: M.nn.functional.rrelu(input=x, lower=0.1, upper=0.2, training=False, inplace=False),
    lambda M, x: M.nn.functional.alpha_dropout(input=x, p=0.3, training=False, inplace=False),
    lambda M, x: M.nn.functional.feature_alpha_dropout(input=x, p=0.3, training=False),
    lambda M, x: M.nn.functional.dropout1d(input=x[0], p=0.3, training=False),
    lambda M, x: M.nn.functional.dropout3d(input=x, p=0.3, training=False),
    lambda M, x: M.nn.functional.max_unpool2d(
        *M.nn.functional.max_pool2d(x, 2, return_indices=True), kernel_size=2, stride=None,
        padding=0, output_size=(4, 5),
    ),
    lambda M, x: M.nn.MaxUnpool1d(kernel_size=2, stride=2, padding=0)(
        *M.nn.functional.max_pool1d(x[0], 2, return_indices=True), output_size=[5]
    ),
]  # fmt: skip


@pytest.mark.parametrize("i", range(len(KEYWORD_CALLS)))
def test_keyword_calls_match_pytorch(i):
    _compare(KEYWORD_CALLS[i], [(2, 3, 4, 5)])
