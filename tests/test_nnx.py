"""The activations, layers and losses added after test_nn2: finite differences in float64
away from the kinks, independent NumPy formulas, reprs and errors. (PyTorch's values are
compared in test_torch_oracle_nnx.py.)"""

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn

# away from every kink (0, ±0.5, ±1, ±3, and the thresholds 0.7, -2)
_POINTS = [-7.0, -3.4, -2.6, -1.3, -0.8, -0.4, -0.2, 0.3, 0.6, 0.9, 1.7, 2.4, 4.0, 6.5]

ACTIVATIONS = {
    "hardswish": F.hardswish,
    "hardsigmoid": F.hardsigmoid,
    "celu": lambda x: F.celu(x, 0.7),
    "celu_negative_alpha": lambda x: F.celu(x, -1.5),
    "threshold": lambda x: F.threshold(x, 0.7, -4.0),
    "softshrink": lambda x: F.softshrink(x, 1.0),
    "hardshrink": F.hardshrink,
    "tanhshrink": F.tanhshrink,
    "softmin": lambda x: F.softmin(x, 1),
    "softmin_dim0": lambda x: F.softmin(x, 0),
    "glu": F.glu,
    "glu_dim0": lambda x: F.glu(x, 0),
    "prelu": lambda x: F.prelu(x, mg.tensor([0.3], dtype=mg.float64)),
}

# independent formulas, elementwise ones on the array
FORMULAS = {
    "hardswish": lambda x: x * np.clip(x + 3, 0, 6) / 6,
    "hardsigmoid": lambda x: np.clip(x + 3, 0, 6) / 6,
    "celu": lambda x: np.maximum(x, 0) + np.minimum(0, 0.7 * (np.exp(x / 0.7) - 1)),
    "threshold": lambda x: np.where(x > 0.7, x, -4.0),
    "softshrink": lambda x: np.sign(x) * np.maximum(np.abs(x) - 1.0, 0),
    "hardshrink": lambda x: np.where(np.abs(x) > 0.5, x, 0),
    "tanhshrink": lambda x: x - np.tanh(x),
    "softmin": lambda x: np.exp(-x) / np.exp(-x).sum(1, keepdims=True),
    "glu": lambda x: x[:, :7] / (1 + np.exp(-x[:, 7:])),
    "prelu": lambda x: np.where(x > 0, x, 0.3 * x),
}


def _x():
    return mg.tensor([_POINTS, [p / 3 for p in _POINTS]], dtype=mg.float64, requires_grad=True)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_gradcheck(name):
    assert mg.gradcheck(ACTIVATIONS[name], [_x()])


@pytest.mark.parametrize("name", FORMULAS)
def test_activation_formula(name):
    x = _x()
    np.testing.assert_allclose(ACTIVATIONS[name](x).data, FORMULAS[name](x.data), rtol=1e-12)


@pytest.mark.parametrize(
    "f, x, grad",
    [
        (F.hardswish, [-3.0, 3.0], [0.0, 1.0]),  # 0 up to -3, 1 from 3 on
        (F.hardsigmoid, [-3.0, 3.0], [0.0, 0.0]),
        (F.softshrink, [-0.5, 0.5], [0.0, 0.0]),
        (F.hardshrink, [-0.5, 0.5], [0.0, 0.0]),
        (lambda x: F.threshold(x, 1.0, 0.0), [1.0], [0.0]),
        (F.celu, [0.0], [1.0]),
    ],
)
def test_gradient_at_the_kinks(f, x, grad):
    t = mg.tensor(x, dtype=mg.float64, requires_grad=True)
    f(t).sum().backward()
    assert t.grad.tolist() == grad


def test_hardsigmoid_gradient_is_a_float_sixth_as_pytorch():
    t = mg.tensor([0.0], dtype=mg.float64, requires_grad=True)
    F.hardsigmoid(t).backward(mg.ones(1, dtype=mg.float64))
    assert t.grad.item() == float(np.float32(1) / np.float32(6))


def test_prelu_per_channel_gradcheck_and_weight_gradient():
    x = mg.tensor(np.linspace(-2, 2, 24).reshape(2, 3, 4) + 0.05, requires_grad=True)
    w = mg.tensor([0.2, -0.5, 1.5], dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(F.prelu, [x, w])
    w1 = mg.tensor([0.25], dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(F.prelu, [x, w1])
    F.prelu(x, w).sum().backward()
    X = x.data
    np.testing.assert_allclose(w.grad.data, np.where(X > 0, 0, X).sum((0, 2)))


def test_prelu_module():
    m = nn.PReLU(3, init=0.1)
    assert repr(m) == "PReLU(num_parameters=3)"
    assert m.weight.shape == (3,) and m.weight.dtype == mg.float32
    assert m.weight.tolist() == pytest.approx([0.1] * 3)
    assert list(m.state_dict()) == ["weight"]
    y = m(mg.tensor([[-1.0, 2.0, -3.0]]))
    assert y[0].tolist() == pytest.approx([-0.1, 2.0, -0.3])


def test_in_place_activations_overwrite_the_input():
    x = mg.tensor([-4.0, -1.0, 0.5, 4.0], dtype=mg.float64, requires_grad=True)
    h = x * 1
    y = F.hardswish(h, inplace=True)
    assert y is h
    y.sum().backward()
    assert x.grad.tolist() == pytest.approx([0.0, 1 / 6, 0.5 / 3 + 0.5, 1.0])
    h = mg.tensor([-1.0, 2.0])
    assert F.threshold_(h, 0.0, 5.0) is h and h.tolist() == [5.0, 2.0]


def test_threshold_keeps_integers():
    y = F.threshold(mg.tensor([-3, 0, 2]), 0, 7)
    assert y.dtype == mg.int64 and y.tolist() == [7, 7, 2]


def test_reprs():
    got = [
        repr(m)
        for m in (
            nn.Hardswish(), nn.Hardsigmoid(), nn.GLU(), nn.CELU(0.5, True), nn.Softmin(1),
            nn.Threshold(0.1, 20.0), nn.Softshrink(), nn.Hardshrink(2.0), nn.Tanhshrink(),
        )
    ]  # fmt: skip
    assert got == [
        "Hardswish()", "Hardsigmoid()", "GLU(dim=-1)", "CELU(alpha=0.5, inplace=True)",
        "Softmin(dim=1)", "Threshold(threshold=0.1, value=20.0)", "Softshrink(0.5)",
        "Hardshrink(2.0)", "Tanhshrink()",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: F.celu(mg.ones(2), 0.0), RuntimeError, "alpha cannot be 0"),
        (lambda: F.softshrink(mg.ones(2), -1.0), RuntimeError, "lambda must be in range"),
        (lambda: F.glu(mg.ones(2, 3)), RuntimeError, "Halving dimension must be even"),
        (lambda: F.glu(mg.tensor(1.0)), RuntimeError, "does not support scalars"),
        (lambda: F.glu(mg.ones(2, 4), 2), IndexError, "Dimension out of range"),
        (lambda: F.hardswish(mg.tensor([1, 2])), NotImplementedError, "hardswish_cpu"),
        (lambda: F.threshold(mg.tensor([True]), 0, 1), NotImplementedError, "threshold_cpu"),
        (lambda: F.threshold(mg.tensor([1]), 0, float("nan")), RuntimeError, "overflow"),
        (lambda: F.prelu(mg.ones(2, 3), mg.ones(2)), RuntimeError, "channel size = 3"),
        (lambda: F.prelu(mg.ones(2, 3), mg.ones(3, dtype=mg.float64)), RuntimeError, "promoting"),
        (lambda: F.prelu(mg.tensor(1.0), mg.ones(2)), RuntimeError, "zero-dim"),
        (lambda: F.prelu(mg.ones(2, 1), mg.ones(1, 1)), RuntimeError, "scalar or 1D"),
        (lambda: nn.PReLU(3)(mg.ones(2, 4)), RuntimeError, "Mismatch of parameter numbers"),
    ],
)
def test_activation_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---- containers and layers -------------------------------------------------------------


def _t(shape, seed, scale=1.0):
    return mg.tensor(np.random.default_rng(seed).normal(size=shape) * scale, requires_grad=True)


def test_pairwise_distance_gradcheck_with_broadcasting():
    for p in (2.0, 1.0, 3.0, float("inf")):
        assert mg.gradcheck(
            lambda a, b, p=p: F.pairwise_distance(a, b, p), [_t((3, 4), 0), _t((4,), 1)]
        )
    assert mg.gradcheck(
        lambda a, b: F.pairwise_distance(a, b, keepdim=True), [_t((2, 1, 4), 2), _t((3, 4), 3)]
    )


def test_pairwise_distance_formula():
    a, b = _t((3, 4), 0), _t((3, 4), 1)
    want = np.linalg.norm(a.data - b.data + 1e-6, axis=-1)
    np.testing.assert_allclose(nn.PairwiseDistance()(a, b).data, want, rtol=1e-12)
    assert nn.PairwiseDistance(keepdim=True)(a, b).shape == (3, 1)


def test_cosine_similarity_module():
    a, b = _t((3, 4), 0), _t((3, 4), 1)
    want = (
        (a.data * b.data).sum(1) / np.linalg.norm(a.data, axis=1) / np.linalg.norm(b.data, axis=1)
    )
    np.testing.assert_allclose(nn.CosineSimilarity()(a, b).data, want, rtol=1e-12)
    assert repr(nn.CosineSimilarity()) == "CosineSimilarity()"


POOLS_1D = {
    "max_pool1d": lambda x: F.max_pool1d(x, 3, 2, 1),
    "max_pool1d_dilated": lambda x: F.max_pool1d(x, 2, 1, 1, dilation=2, ceil_mode=True),
    "avg_pool1d": lambda x: F.avg_pool1d(x, 3, 2, 1),
    "avg_pool1d_no_pad_count": lambda x: F.avg_pool1d(x, 3, 2, 1, True, False),
    "adaptive_avg_pool1d": lambda x: F.adaptive_avg_pool1d(x, 3),
    "adaptive_avg_pool1d_up": lambda x: F.adaptive_avg_pool1d(x, 9),
    "constant_pad1d": nn.ConstantPad1d((2, -1), 1.5),
    "zero_pad2d": nn.ZeroPad2d((1, 2, 0, 1)),
}


@pytest.mark.parametrize("name", POOLS_1D)
@pytest.mark.parametrize("shape", [(2, 3, 7), (3, 7)])
def test_pool1d_and_pad_gradcheck(name, shape):
    # distinct values: no ties for the maximum
    x = mg.tensor(
        np.random.default_rng(0).permutation(np.prod(shape)).reshape(shape) / 7.0,
        requires_grad=True,
    )
    assert mg.gradcheck(POOLS_1D[name], [x])


def test_pool1d_is_the_2d_pool_over_a_unit_height():
    x = _t((2, 3, 7), 4)
    y, i = F.max_pool1d(x, 3, 2, 1, return_indices=True)
    y2, i2 = F.max_pool2d(x.unsqueeze(-2), (1, 3), (1, 2), (0, 1), return_indices=True)
    assert y.shape == i.shape == (2, 3, 4)
    np.testing.assert_array_equal(y.data, y2.data[:, :, 0])
    np.testing.assert_array_equal(i.data, i2.data[:, :, 0])
    windows = np.lib.stride_tricks.sliding_window_view(x.data, 2, axis=-1)[..., ::2, :]
    np.testing.assert_allclose(F.avg_pool1d(x, 2).data, windows.mean(-1), rtol=1e-12)
    np.testing.assert_allclose(F.adaptive_avg_pool1d(x, 1).data, x.data.mean(-1, keepdims=True))


def test_rms_norm_gradcheck_and_formula():
    x, w = _t((2, 3, 4), 5), _t((4,), 6)
    assert mg.gradcheck(lambda a, b: F.rms_norm(a, (4,), b), [x, w])
    assert mg.gradcheck(lambda a: F.rms_norm(a, (3, 4), eps=0.1), [x])
    X = x.data
    want = X / np.sqrt((X * X).mean(-1, keepdims=True) + np.finfo(np.float64).eps) * w.data
    np.testing.assert_allclose(F.rms_norm(x, (4,), w).data, want, rtol=1e-12)


def test_rms_norm_module():
    m = nn.RMSNorm([3, 4])
    assert repr(m) == "RMSNorm((3, 4), eps=None, elementwise_affine=True)"
    assert m.weight.shape == (3, 4) and np.all(m.weight.data == 1)
    assert list(m.state_dict()) == ["weight"]
    assert nn.RMSNorm(4, elementwise_affine=False).weight is None


def test_bilinear_gradcheck_and_formula():
    a, b, W, c = _t((2, 3, 3), 7), _t((2, 3, 4), 8), _t((5, 3, 4), 9), _t((5,), 10)
    assert mg.gradcheck(F.bilinear, [a, b, W, c])
    assert mg.gradcheck(F.bilinear, [a[0, 0], b[0, 0], W])
    want = np.einsum("nki,oij,nkj->nko", a.data, W.data, b.data) + c.data
    np.testing.assert_allclose(F.bilinear(a, b, W, c).data, want, rtol=1e-12)


def test_bilinear_module_init_and_repr():
    mg.manual_seed(0)
    m = nn.Bilinear(4, 3, 2)
    assert repr(m) == "Bilinear(in1_features=4, in2_features=3, out_features=2, bias=True)"
    assert m.weight.shape == (2, 4, 3) and m.bias.shape == (2,)
    assert 0.25 < np.abs(m.weight.data).max() <= 0.5  # U(±1/sqrt(4))
    assert np.abs(m.bias.data).max() <= 0.5
    assert m(mg.ones(5, 4), mg.ones(5, 3)).shape == (5, 2)
    assert nn.Bilinear(2, 2, 1, bias=False).bias is None


def test_parameter_list():
    p = nn.ParameterList([mg.ones(2), nn.Parameter(mg.zeros(3))])
    p.append(mg.ones(1)).extend([mg.ones(4)])
    p += [mg.zeros(1)]
    assert len(p) == 5 and all(isinstance(q, nn.Parameter) for q in p)
    assert list(p.state_dict()) == ["0", "1", "2", "3", "4"]
    assert p[-1] is p[4] and len(p[1:3]) == 2 and p[1:3][0] is p[1]
    p[0] = mg.full((2,), 3.0)
    assert isinstance(p[0], nn.Parameter) and p[0].tolist() == [3.0, 3.0]
    assert repr(nn.ParameterList([mg.ones(2, 3), 5])) == (
        "ParameterList(\n    (0): Parameter containing: [torch.float32 of size 2x3]\n"
        "    (1): Object of type: int\n)"
    )


def test_parameter_dict():
    d = nn.ParameterDict({"b": mg.ones(2), "a": mg.zeros(1)})
    assert list(d) == ["a", "b"]  # a plain dict in sorted order, as PyTorch
    d["c"] = mg.ones(3)
    d.update([("z", mg.ones(1))])
    assert list(d.keys()) == ["a", "b", "c", "z"] and len(d) == 4 and "c" in d
    assert list(d.state_dict()) == ["a", "b", "c", "z"]
    assert isinstance(d["c"], nn.Parameter)
    assert d.pop("c").shape == (3,) and d.popitem()[0] == "z" and list(d) == ["a", "b"]
    e = d | nn.ParameterDict({"y": mg.ones(1)})
    assert list(e) == ["a", "b", "y"] and e["a"] is d["a"]
    assert repr(nn.ParameterDict({"w": mg.ones(2, dtype=mg.float64)})) == (
        "ParameterDict(  (w): Parameter containing: [torch.DoubleTensor of size 2])"
    )  # one line inline, as PyTorch's Module repr


def test_pads_and_pools_reprs():
    got = [
        repr(m)
        for m in (
            nn.ZeroPad2d(1), nn.ConstantPad1d(2, 3.5), nn.ConstantPad2d((1, 2, 3, 4), 1),
            nn.MaxPool1d(3), nn.AvgPool1d(3), nn.AdaptiveAvgPool1d(2), nn.PairwiseDistance(),
        )
    ]  # fmt: skip
    assert got == [
        "ZeroPad2d((1, 1, 1, 1))", "ConstantPad1d(padding=(2, 2), value=3.5)",
        "ConstantPad2d(padding=(1, 2, 3, 4), value=1)",
        "MaxPool1d(kernel_size=3, stride=3, padding=0, dilation=1, ceil_mode=False)",
        "AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))",
        "AdaptiveAvgPool1d(output_size=2)", "PairwiseDistance()",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: nn.ParameterList([mg.ones(1)])[1], IndexError, "out of range"),
        (lambda: nn.ParameterList().extend(mg.ones(2)), TypeError, "iterable"),
        (lambda: nn.ParameterList()(mg.ones(1)), RuntimeError, "should not be called"),
        (lambda: nn.ParameterDict()[1], TypeError, "not a string"),
        (lambda: nn.ParameterDict().update(3), TypeError, "iterable of key/value pairs"),
        (lambda: nn.ParameterDict().update([(1,)]), ValueError, "has length 1"),
        (lambda: nn.ParameterDict()(1), RuntimeError, "should not be called"),
        (lambda: F.max_pool1d(mg.ones(2, 3, 7), (2, 2)), RuntimeError, "kernel_size"),
        (lambda: F.max_pool1d(mg.ones(1, 2, 3, 7), 2), RuntimeError, "2D or 3D"),
        (lambda: F.avg_pool1d(mg.ones(2, 3, 7), 2, padding=2), RuntimeError, "half"),
        (lambda: F.rms_norm(mg.ones(2, 7), (3,)), RuntimeError, "normalized_shape"),
        (lambda: F.rms_norm(mg.ones(2, 7), 7), TypeError, "tuple of ints"),
        (lambda: F.rms_norm(mg.ones(2, 7), (7,), mg.ones(3)), RuntimeError, "weight"),
        (
            lambda: F.bilinear(mg.ones(2, 3), mg.ones(2, 4), mg.ones(5, 4, 4)),
            RuntimeError,
            "input1 size",
        ),
        (
            lambda: F.bilinear(mg.ones(2, 3), mg.ones(4), mg.ones(5, 3, 4)),
            RuntimeError,
            "dimensions",
        ),
        (lambda: nn.Bilinear(0, 2, 3), ValueError, "in1_features must be > 0"),
    ],
)
def test_layer_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---- losses ------------------------------------------------------------------------------

_RNG = np.random.default_rng(1)
_A = _RNG.normal(size=(4, 5))
_B = _RNG.normal(size=(4, 5))
_SIGNS = np.where(_RNG.random((4, 5)) < 0.5, -1.0, 1.0)
_ROW_SIGNS = np.array([1.0, -1.0, -1.0, 1.0])


def _f64(a, grad=True):
    return mg.tensor(a, dtype=mg.float64, requires_grad=grad)


# away from the kinks: margins never hit exactly
LOSSES = {
    "margin_ranking": (
        lambda a, b, r: F.margin_ranking_loss(a, b, _f64(_SIGNS, False), 0.3, reduction=r),
        2,
    ),
    "hinge_embedding": (
        lambda a, r: F.hinge_embedding_loss(a, _f64(_SIGNS, False), 0.7, reduction=r),
        1,
    ),
    "soft_margin": (lambda a, r: F.soft_margin_loss(a, _f64(_SIGNS, False), reduction=r), 1),
    "cosine_embedding": (
        lambda a, b, r: F.cosine_embedding_loss(a, b, _f64(_ROW_SIGNS, False), -0.2, reduction=r),
        2,
    ),
    "triplet_margin": (
        lambda a, b, r: F.triplet_margin_loss(a, b, a.flip(0) * 2, 2.0, reduction=r),
        2,
    ),
    "triplet_margin_swap": (
        lambda a, b, r: F.triplet_margin_loss(a, b, b * 0.5 + 1, 1.5, 1, swap=True, reduction=r),
        2,
    ),
    "poisson_nll": (lambda a, b, r: F.poisson_nll_loss(a, b.abs() * 3, reduction=r), 2),
    "poisson_nll_rates": (
        lambda a, b, r: F.poisson_nll_loss(a.abs(), b.abs() * 3, False, True, reduction=r),
        2,
    ),
    "gaussian_nll": (
        lambda a, b, r: F.gaussian_nll_loss(a, b, _f64(np.abs(_A) + 0.1, False), reduction=r),
        2,
    ),
    "gaussian_nll_var": (
        lambda a, b, r: F.gaussian_nll_loss(a, a * 0.5, b.abs() + 0.1, full=True, reduction=r),
        2,
    ),
    "multilabel_soft_margin": (
        lambda a, r: F.multilabel_soft_margin_loss(a, _f64((_SIGNS + 1) / 2, False), reduction=r),
        1,
    ),
    "multi_margin": (lambda a, r: F.multi_margin_loss(a, mg.tensor([0, 3, 4, 1]), reduction=r), 1),
    "multi_margin_p2": (
        lambda a, r: F.multi_margin_loss(
            a, mg.tensor([0, 3, 4, 1]), 2, 0.5, _f64([1.0, 2, 0.5, 1, 3], False), reduction=r
        ),
        1,
    ),
}


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name", LOSSES)
def test_loss_gradcheck(name, reduction):
    f, n = LOSSES[name]
    inputs = [_f64(_A), _f64(_B)][:n]
    assert mg.gradcheck(lambda *xs: f(*xs, reduction), inputs)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


LOSS_FORMULAS = {
    "margin_ranking": lambda: np.maximum(0, -_SIGNS * (_A - _B) + 0.3),
    "hinge_embedding": lambda: np.where(_SIGNS == 1, _A, np.maximum(0, 0.7 - _A)),
    "soft_margin": lambda: np.log1p(np.exp(-_SIGNS * _A)),
    "cosine_embedding": lambda: np.where(
        _ROW_SIGNS == 1,
        1 - (cos := (_A * _B).sum(1) / np.linalg.norm(_A, axis=1) / np.linalg.norm(_B, axis=1)),
        np.maximum(0, cos + 0.2),
    ),
    "poisson_nll": lambda: np.exp(_A) - np.abs(_B) * 3 * _A,
    "gaussian_nll": lambda: 0.5 * (np.log(np.abs(_A) + 0.1) + (_A - _B) ** 2 / (np.abs(_A) + 0.1)),
    "multilabel_soft_margin": lambda: (
        -((y := (_SIGNS + 1) / 2) * np.log(_sigmoid(_A)) + (1 - y) * np.log(_sigmoid(-_A))).mean(1)
    ),
    "multi_margin": lambda: np.array(
        [
            sum(max(0, 1 - _A[i, y] + _A[i, j]) for j in range(5) if j != y) / 5
            for i, y in enumerate([0, 3, 4, 1])
        ]
    ),
}


@pytest.mark.parametrize("name", LOSS_FORMULAS)
def test_loss_formula(name):
    f, n = LOSSES[name]
    got = f(*[_f64(_A), _f64(_B)][:n], "none")
    np.testing.assert_allclose(got.data, LOSS_FORMULAS[name](), rtol=1e-12, atol=1e-15)


def test_multi_margin_gradient_skips_classes_on_the_margin():
    x = _f64([[0.5, 1.5, 0.5, -1.0]])  # z = 0 for classes 0 and 2: not counted
    F.multi_margin_loss(x, mg.tensor([1])).backward()
    assert x.grad.tolist() == [[0.0, 0.0, 0.0, 0.0]]


def test_margin_ranking_gradient_at_the_margin_as_clamp():
    a, b = _f64([1.0]), _f64([1.0])  # -y (a - b) + 0 = 0: the clamp passes the gradient
    F.margin_ranking_loss(a, b, _f64([1.0], False)).backward()
    assert a.grad.tolist() == [-1.0] and b.grad.tolist() == [1.0]


def test_gaussian_nll_variance_shapes():
    x, y = _f64(_A), _f64(_B)
    full = F.gaussian_nll_loss(x, y, mg.ones(4, 5, dtype=mg.float64), reduction="none")
    for var in (
        mg.ones(4, dtype=mg.float64),
        mg.ones(4, 1, dtype=mg.float64),
        mg.ones(1, 5, dtype=mg.float64),
        1.0,
    ):
        np.testing.assert_array_equal(
            F.gaussian_nll_loss(x, y, var, reduction="none").data, full.data
        )


def test_loss_reprs_and_defaults():
    got = [
        repr(m)
        for m in (
            nn.MarginRankingLoss(),
            nn.TripletMarginLoss(),
            nn.GaussianNLLLoss(),
            nn.MultiMarginLoss(),
        )
    ]
    assert got == [
        "MarginRankingLoss()",
        "TripletMarginLoss()",
        "GaussianNLLLoss()",
        "MultiMarginLoss()",
    ]
    m = nn.PoissonNLLLoss()
    assert (m.log_input, m.full, m.eps, m.reduction) == (True, False, 1e-8, "mean")
    assert list(nn.MultiMarginLoss(weight=mg.ones(3)).state_dict()) == ["weight"]
    with pytest.raises(TypeError):
        nn.GaussianNLLLoss(True)  # keyword-only, as PyTorch's


@pytest.mark.parametrize(
    "call, error, match",
    [
        (
            lambda: F.margin_ranking_loss(mg.ones(2, 3), mg.ones(2, 3), mg.ones(3)),
            RuntimeError,
            "same dimension",
        ),
        (
            lambda: F.hinge_embedding_loss(mg.ones(2), mg.ones(2), reduction="avg"),
            ValueError,
            "not a valid value",
        ),
        (
            lambda: F.soft_margin_loss(mg.ones(2), mg.ones(2, requires_grad=True)),
            RuntimeError,
            "not differentiable",
        ),
        (
            lambda: F.cosine_embedding_loss(mg.ones(2, 3), mg.ones(2, 3), mg.ones(2, 1)),
            RuntimeError,
            "multi-target",
        ),
        (
            lambda: F.cosine_embedding_loss(mg.ones(3), mg.ones(3), mg.ones(2)),
            RuntimeError,
            "expects 2D input",
        ),
        (
            lambda: F.triplet_margin_loss(mg.ones(2), mg.ones(2), mg.ones(2), margin=0),
            ValueError,
            "greater than 0",
        ),
        (
            lambda: F.triplet_margin_loss(mg.ones(2, 2), mg.ones(2, 2), mg.ones(2)),
            RuntimeError,
            "number of dimensions",
        ),
        (lambda: nn.TripletMarginLoss(margin=-1.0), ValueError, "greater than 0"),
        (
            lambda: F.poisson_nll_loss(mg.ones(2), mg.ones(2), reduction="avg"),
            ValueError,
            "not a valid value",
        ),
        (
            lambda: F.gaussian_nll_loss(mg.ones(2, 4), mg.ones(2, 4), mg.ones(3)),
            ValueError,
            "incorrect size",
        ),
        (lambda: F.gaussian_nll_loss(mg.ones(2), mg.ones(2), -1.0), ValueError, "negative"),
        (
            lambda: F.gaussian_nll_loss(mg.ones(2), mg.ones(2), mg.ones(2), reduction="avg"),
            ValueError,
            "not valid",
        ),
        (
            lambda: F.multilabel_soft_margin_loss(mg.ones(2, 2), mg.ones(2, 2), reduction="avg"),
            ValueError,
            "not valid",
        ),
        (
            lambda: F.multi_margin_loss(mg.ones(2, 3), mg.tensor([0, 3])),
            RuntimeError,
            "target out of range",
        ),
        (
            lambda: F.multi_margin_loss(mg.ones(2, 3), mg.tensor([0])),
            RuntimeError,
            "Expected target size",
        ),
        (lambda: F.multi_margin_loss(mg.ones(2, 3), mg.tensor([0.0, 1.0])), RuntimeError, "Long"),
        (
            lambda: F.multi_margin_loss(mg.ones(2, 3), mg.tensor([0, 1]), p=3),
            ValueError,
            "p == 1 and p == 2",
        ),
        (
            lambda: F.multi_margin_loss(mg.ones(2, 3), mg.tensor([0, 1]), weight=mg.ones(2)),
            RuntimeError,
            "inconsistent weight",
        ),
        (lambda: nn.MultiMarginLoss(weight=mg.ones(2, 2)), ValueError, "1D tensor"),
    ],
)
def test_loss_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
