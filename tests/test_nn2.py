"""Activations, losses, LayerNorm/BatchNorm1d, Unflatten, normalize and cosine_similarity:
finite differences in float64, independent NumPy formulas, edge values. (PyTorch's
values are compared in test_torch_oracle_nn2.py.)"""

import math
import warnings

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn
from minigrad.nn.erf import erf

# away from the kinks (0, ±1, 6), where finite differences straddle two pieces
_POINTS = [-7.0, -2.5, -1.3, -0.4, 0.3, 0.9, 1.7, 4.0, 6.5]

ACTIVATIONS = {
    "leaky_relu": lambda x: F.leaky_relu(x, 0.2),
    "elu": lambda x: F.elu(x, 0.7),
    "selu": F.selu,
    "gelu": F.gelu,
    "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
    "silu": F.silu,
    "softplus": lambda x: F.softplus(x, beta=1.5, threshold=5.0),
    "logsigmoid": F.logsigmoid,
    "hardtanh": lambda x: F.hardtanh(x, -2.0, 3.0),
    "relu6": F.relu6,
    "mish": F.mish,
    "softsign": F.softsign,
}


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_gradcheck(name):
    x = mg.tensor([_POINTS, [p / 3 for p in _POINTS]], dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(ACTIVATIONS[name], [x])


def _gelu(x):
    return x * 0.5 * (1 + np.array([math.erf(v / math.sqrt(2)) for v in x]))


def _log1pexp(x):
    return np.logaddexp(0, x)


# independent formulas: NumPy's own, written without PyTorch's rearrangements
FORMULAS = {
    "leaky_relu": lambda x: np.where(x > 0, x, 0.2 * x),
    "elu": lambda x: np.where(x > 0, x, 0.7 * (np.exp(x) - 1)),
    "selu": lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x)),
    "gelu": _gelu,
    "gelu_tanh": lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3))),
    "silu": lambda x: x / (1 + np.exp(-x)),
    "softplus": lambda x: np.where(1.5 * x > 5, x, _log1pexp(1.5 * x) / 1.5),
    "logsigmoid": lambda x: -_log1pexp(-x),
    "hardtanh": lambda x: np.clip(x, -2, 3),
    "relu6": lambda x: np.clip(x, 0, 6),
    "mish": lambda x: x * np.tanh(_log1pexp(x)),
    "softsign": lambda x: x / (1 + np.abs(x)),
}


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_values_by_formula(name):
    x = np.array(_POINTS + [0.0, -1.0, 1.0, 6.0, 20.0])
    got = ACTIVATIONS[name](mg.tensor(x, dtype=mg.float64)).data
    np.testing.assert_allclose(got, FORMULAS[name](x), rtol=1e-14, atol=1e-300)


@pytest.mark.parametrize("name", ACTIVATIONS)
@pytest.mark.parametrize("dtype", [mg.float32, mg.float64])
def test_activation_large_inputs_are_finite_and_quiet(name, dtype):
    x = mg.tensor([-1e4, -800.0, 800.0, 1e4], dtype=dtype, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow or invalid-value warnings
        with np.errstate(all="raise", under="ignore"):  # underflow to 0 is right
            y = ACTIVATIONS[name](x)
            y.sum().backward()
    assert y.dtype == dtype and x.grad.dtype == dtype
    assert np.isfinite(y.data).all() and np.isfinite(x.grad.data).all()
    with np.errstate(over="ignore"):  # the plain formulas overflow where they are not used
        want = FORMULAS[name](x.data.astype(np.float64))
    np.testing.assert_allclose(y.data, want, rtol=1e-6)


def test_erf_matches_math_erf_to_the_last_bit_or_so():
    x = np.concatenate([np.linspace(-7, 7, 20001), [1e-300, 5e-324, -1e-20, 0.999999, 1.0]])
    want = np.array([math.erf(v) for v in x])
    ulps = np.abs(erf(x) - want) / np.spacing(np.abs(want))
    assert ulps.max() <= 1.5


def test_erf_of_float32_is_float32_erf_to_one_ulp():
    """float32 input takes the shorter polynomial; its error stays below float32's rounding,
    also relative to 1 - |erf x| in the tails (where GELU takes 1 + erf x)."""
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(-6, 6, 20000), 10.0 ** rng.uniform(-40, 0, 2000)])
    x = x.astype(np.float32)
    got = erf(x)
    want = np.array([math.erf(v) for v in x.astype(np.float64)])
    ulps = np.abs(got.astype(np.float32) - want.astype(np.float32)) / np.spacing(
        np.abs(want.astype(np.float32))
    )
    assert ulps.max() <= 1
    tail = np.abs(x) > 1  # 1 - |erf x| to within float32's rounding, and float64's
    erfc = np.array([math.erfc(v) for v in np.abs(x[tail]).astype(np.float64)])
    assert (np.abs(1 - np.abs(got[tail]) - erfc) <= 6e-8 * erfc + 2.3e-16).all()


def test_erf_edges():
    got = erf(np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 6.0, -1e4]))
    np.testing.assert_array_equal(got[[0, 2, 3, 5, 6]], [0.0, 1.0, -1.0, 1.0, -1.0])
    assert math.copysign(1, got[1]) == -1 and np.isnan(got[4])
    assert erf(np.float32(0.5)) == math.erf(0.5)  # a scalar, computed in float64


def test_in_place_activation_overwrites_and_differentiates():
    x = mg.tensor([-1.0, 2.0], dtype=mg.float64, requires_grad=True)
    h = x * 1
    y = F.elu(h, inplace=True)
    assert y is h
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, [math.exp(-1), 1.0])
    with pytest.raises(RuntimeError, match="leaf"):
        F.silu(x, inplace=True)


def test_activation_errors_name_the_op_and_dtype():
    with pytest.raises(NotImplementedError, match="gelu.*Long"):
        F.gelu(mg.tensor([1, 2]))
    with pytest.raises(TypeError, match="mish.*list"):
        F.mish([1.0])
    with pytest.raises(RuntimeError, match="approximate"):
        F.gelu(mg.ones(1), approximate="erf")
    with pytest.raises(ValueError, match=r"hardtanh.*2\.0 > 1\.0"):
        F.hardtanh(mg.ones(1), 2.0, 1.0)


def test_activation_modules_keep_arguments():
    m = nn.Softplus(beta=2.0, threshold=3.0)
    x = mg.tensor([0.5, 4.0], dtype=mg.float64)
    np.testing.assert_array_equal(m(x).data, F.softplus(x, 2.0, 3.0).data)
    assert repr(nn.Sequential(nn.GELU("tanh"), nn.ReLU6())) == (
        "Sequential(\n  (0): GELU(approximate='tanh')\n  (1): ReLU6()\n)"
    )


# ---- losses ----------------------------------------------------------------------------

_REDUCTIONS = ["mean", "sum", "none"]
# differences away from every kink (0, β = 1 or 0.5, δ = 1 or 2)
_X = [[-2.0, 0.3, 1.2, 3.5], [0.5, 2.2, -1.1, 0.05]]
_Y = [[-1.2, 0.1, 0.1, 1.0], [1.3, 0.0, 0.0, -0.3]]

LOSSES = {
    "l1": lambda x, y, r: F.l1_loss(x, y, reduction=r),
    "smooth_l1": lambda x, y, r: F.smooth_l1_loss(x, y, reduction=r, beta=0.5),
    "huber": lambda x, y, r: F.huber_loss(x, y, reduction=r, delta=2.0),
}


def _smooth_l1(d, beta):
    return np.where(np.abs(d) < beta, d * d / (2 * beta), np.abs(d) - beta / 2)


LOSS_FORMULAS = {
    "l1": np.abs,
    "smooth_l1": lambda d: _smooth_l1(d, 0.5),
    "huber": lambda d: 2.0 * _smooth_l1(d, 2.0),  # Huber(δ) = δ SmoothL1(β = δ)
}


def _reduced(loss, reduction):
    return {"none": loss, "sum": loss.sum(), "mean": loss.mean()}[reduction]


@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.parametrize("reduction", _REDUCTIONS)
def test_loss_gradcheck_and_formula(name, reduction):
    x = mg.tensor(_X, dtype=mg.float64, requires_grad=True)
    y = mg.tensor(_Y, dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(lambda a, b: LOSSES[name](a, b, reduction), [x, y])
    want = _reduced(LOSS_FORMULAS[name](np.array(_X) - np.array(_Y)), reduction)
    np.testing.assert_allclose(LOSSES[name](x, y, reduction).data, want, rtol=1e-15)


@pytest.mark.parametrize("reduction", [*_REDUCTIONS, "batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div_gradcheck_and_formula(reduction, log_target):
    x = mg.tensor([[-2.0, -0.5, -1.2], [-0.1, -3.0, -0.7]], dtype=mg.float64, requires_grad=True)
    p = np.array([[0.2, 0.3, 0.5], [0.5, 0.25, 0.25]])
    y = mg.tensor(np.log(p) if log_target else p, dtype=mg.float64, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 'mean' warns
        fn = lambda a, b: F.kl_div(a, b, reduction=reduction, log_target=log_target)  # noqa: E731
        assert mg.gradcheck(fn, [x, y])
        loss = p * (np.log(p) - x.data)
        want = loss.sum() / 2 if reduction == "batchmean" else _reduced(loss, reduction)
        np.testing.assert_allclose(fn(x, y).data, want, rtol=1e-14)


def test_kl_div_zero_target_counts_zero():
    loss = F.kl_div(mg.tensor([-1.0, -2.0]), mg.tensor([0.0, 1.0]), reduction="none")
    np.testing.assert_array_equal(loss.data, [0.0, 2.0])


def test_loss_warnings_are_pytorchs():
    with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
        F.kl_div(mg.zeros(2), mg.ones(2))
    with pytest.warns(UserWarning, match="target size"):
        F.smooth_l1_loss(mg.zeros(3, 1), mg.zeros(3))
    with pytest.warns(UserWarning, match="reduction='sum'"):
        nn.SmoothL1Loss(size_average=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # batchmean, sum and none do not warn
        F.kl_div(mg.zeros(2), mg.ones(2), reduction="batchmean")


def test_loss_modules_pass_their_options():
    x, y = mg.tensor(_X, dtype=mg.float64), mg.tensor(_Y, dtype=mg.float64)
    cases = [
        (nn.L1Loss(reduction="sum"), F.l1_loss(x, y, reduction="sum")),
        (nn.SmoothL1Loss(beta=0.5), F.smooth_l1_loss(x, y, beta=0.5)),
        (nn.HuberLoss("none", 2.0), F.huber_loss(x, y, "none", 2.0)),
    ]
    for module, want in cases:
        np.testing.assert_array_equal(module(x, y).data, want.data)
    m = nn.KLDivLoss(reduction="batchmean", log_target=True)
    np.testing.assert_array_equal(
        m(x, y).data, F.kl_div(x, y, reduction="batchmean", log_target=True).data
    )


def test_loss_errors_name_the_op():
    with pytest.raises(RuntimeError, match="beta"):
        F.smooth_l1_loss(mg.ones(2), mg.ones(2), beta=-1.0)
    with pytest.raises(RuntimeError, match="delta"):
        F.huber_loss(mg.ones(2), mg.ones(2), delta=0.0)
    with pytest.raises(NotImplementedError, match="smooth_l1_loss.*Long"):
        F.smooth_l1_loss(mg.tensor([1]), mg.tensor([2]))
    with pytest.raises(RuntimeError, match="kl_div.*Integral"):
        F.kl_div(mg.ones(2), mg.tensor([1, 0]), reduction="sum")


# ---- normalization ---------------------------------------------------------------------

_RNG = np.random.default_rng(7)
_X3 = _RNG.normal(size=(4, 3, 5))


def _t(a, requires_grad=True):
    return mg.tensor(a, dtype=mg.float64, requires_grad=requires_grad)


def test_layer_norm_gradcheck_and_formula():
    x, w, b = _t(_X3), _t(_RNG.normal(size=(3, 5))), _t(_RNG.normal(size=(3, 5)))
    assert mg.gradcheck(lambda a, c, d: F.layer_norm(a, (3, 5), c, d, eps=1e-3), [x, w, b])
    assert mg.gradcheck(lambda a: F.layer_norm(a, (5,)), [x])
    mean = _X3.mean((1, 2), keepdims=True)
    want = (_X3 - mean) / np.sqrt(_X3.var((1, 2), keepdims=True) + 1e-3) * w.data + b.data
    np.testing.assert_allclose(F.layer_norm(x, (3, 5), w, b, 1e-3).data, want, rtol=1e-13)


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_gradcheck_and_formula(training):
    x, w, b = _t(_X3), _t(_RNG.normal(size=3)), _t(_RNG.normal(size=3))
    rm, rv = _RNG.normal(size=3), _RNG.uniform(0.5, 2, size=3)

    def fn(a, c, d):
        stats = (None, None) if training else (_t(rm, False), _t(rv, False))
        return F.batch_norm(a, *stats, c, d, training=training, eps=1e-3)

    assert mg.gradcheck(fn, [x, w, b])
    assert mg.gradcheck(fn, [x[:, :, 0], w, b])  # (N, C)
    mean = _X3.mean((0, 2), keepdims=True) if training else rm[:, None]
    var = _X3.var((0, 2), keepdims=True) if training else rv[:, None]
    want = (_X3 - mean) / np.sqrt(var + 1e-3) * w.data[:, None] + b.data[:, None]
    np.testing.assert_allclose(fn(x, w, b).data, want, rtol=1e-13)


def test_batch_norm_running_stats_by_hand():
    m = nn.BatchNorm1d(3, momentum=0.25, dtype=mg.float64)
    m(_t(_X3, False))
    n = 4 * 5
    np.testing.assert_allclose(m.running_mean.data, 0.25 * _X3.mean((0, 2)), rtol=1e-14)
    unbiased = _X3.var((0, 2)) * n / (n - 1)
    np.testing.assert_allclose(m.running_var.data, 0.75 + 0.25 * unbiased, rtol=1e-14)
    assert m.num_batches_tracked.item() == 1 and m.num_batches_tracked.dtype == mg.int64
    cumulative = nn.BatchNorm1d(3, momentum=None, dtype=mg.float64)
    for k in range(3):
        cumulative(_t(_X3 * (k + 1), False))
    means = [(_X3 * (k + 1)).mean((0, 2)) for k in range(3)]
    np.testing.assert_allclose(cumulative.running_mean.data, np.mean(means, 0), rtol=1e-13)
    m.eval()
    before = m.running_mean.data.copy()
    m(_t(_X3, False))
    np.testing.assert_array_equal(m.running_mean.data, before)
    assert list(m.state_dict()) == [
        "weight", "bias", "running_mean", "running_var", "num_batches_tracked"
    ]  # fmt: skip


def _norm_modules(M, dtype):
    ln, bn = M.nn.LayerNorm(5, dtype=dtype), M.nn.BatchNorm1d(3, dtype=dtype)
    with M.no_grad():
        ln.weight.copy_(M.tensor(np.linspace(-1, 2, 5), dtype=dtype))
        bn.weight.copy_(M.tensor([0.5, -1.5, 2.0], dtype=dtype))
    return ln, bn


@pytest.mark.parametrize("which", [0, 1])
def test_float32_normalization_is_as_accurate_as_pytorch(which):
    from torch_oracle import import_torch

    torch = import_torch()
    results = []
    for M, dtype in ((mg, mg.float32), (torch, torch.float32), (torch, torch.float64)):
        x = M.tensor(_X3.astype(np.float32), dtype=dtype, requires_grad=True)
        y = _norm_modules(M, dtype)[which](x)
        # a linear loss: its gradient, x's upstream one, is the same in every precision
        (y * M.tensor(_X3.astype(np.float32) ** 2, dtype=dtype)).sum().backward()
        results.append(
            [np.asarray(a.detach().numpy() if M is torch else a.data) for a in (y, x.grad)]
        )
    for got, want, exact in zip(*results):
        assert got.dtype == want.dtype == np.float32
        ulp = np.spacing(np.abs(exact).astype(np.float32))
        assert np.all(np.abs(got - exact) <= np.abs(want - exact) + 2 * ulp)


def test_normalization_errors():
    with pytest.raises(RuntimeError, match=r"layer_norm.*normalized_shape=\[3\].*\[2, 4\]"):
        F.layer_norm(mg.ones(2, 4), (3,))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nn.BatchNorm1d(3)(mg.ones(1, 3))
    with pytest.raises(ValueError, match="got 4D input"):
        nn.BatchNorm1d(3)(mg.ones(2, 3, 1, 1))
    with pytest.raises(RuntimeError, match="batch_norm: running_mean should contain 4 elements"):
        nn.BatchNorm1d(3)(mg.ones(2, 4))


# ---- Unflatten, normalize, cosine_similarity -------------------------------------------


@pytest.mark.parametrize("p", [1.0, 2.0, 3.0])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_normalize_gradcheck_and_formula(p, dim):
    x = _t(_X3[:, :, 0])
    assert mg.gradcheck(lambda a: F.normalize(a, p, dim), [x])
    norm = (np.abs(_X3[:, :, 0]) ** p).sum(dim, keepdims=True) ** (1 / p)
    np.testing.assert_allclose(F.normalize(x, p, dim).data, _X3[:, :, 0] / norm, rtol=1e-14)


def test_normalize_floors_the_norm_at_eps():
    y = F.normalize(_t([[0.0, 0.0], [3e-13, 4e-13]]), eps=1e-12)
    np.testing.assert_allclose(y.data, [[0.0, 0.0], [0.3, 0.4]], rtol=1e-14)


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cosine_similarity_gradcheck_and_formula(dim):
    a, b = _X3[:, :, 0], _X3[:1, :, 1]  # (4, 3) and (1, 3): broadcast
    x, y = _t(a), _t(b)
    assert mg.gradcheck(lambda u, v: F.cosine_similarity(u, v, dim), [x, y])
    b = np.broadcast_to(b, a.shape)
    want = (a * b).sum(dim) / (np.linalg.norm(a, axis=dim) * np.linalg.norm(b, axis=dim))
    np.testing.assert_allclose(F.cosine_similarity(x, y, dim).data, want, rtol=1e-14)


def test_cosine_similarity_of_a_zero_vector_is_zero():
    c = F.cosine_similarity(_t([[0.0, 0.0], [1.0, 1.0]]), _t([[1.0, 2.0], [-1.0, -1.0]]))
    np.testing.assert_allclose(c.data, [0.0, -1.0], rtol=1e-15)
    with pytest.raises(RuntimeError, match="cosine_similarity.*floating point.*Long"):
        F.cosine_similarity(mg.tensor([[1, 2]]), mg.tensor([[2, 1]]))


def test_unflatten_shapes_and_gradient():
    x = _t(np.arange(24.0).reshape(2, 12))
    y = nn.Unflatten(1, (3, -1))(x)
    assert y.shape == (2, 3, 4)
    np.testing.assert_array_equal(y.data, np.arange(24.0).reshape(2, 3, 4))
    (y * y).sum().backward()
    np.testing.assert_array_equal(x.grad.data, 2 * x.data)
    assert nn.Unflatten(-1, [2, 2, 3])(x).shape == (2, 2, 2, 3)
    with pytest.raises(RuntimeError, match=r"unflatten: Provided sizes \[5, 2\]"):
        nn.Unflatten(1, (5, 2))(x)
    with pytest.raises(TypeError, match="pos 1"):
        nn.Unflatten(1, (2, 3.0))


@pytest.mark.parametrize("reduction", _REDUCTIONS)
def test_weighted_l1_and_huber_gradcheck_and_formula(reduction):
    x, y = _t(_X), _t(_Y)
    v = _t([[0.5, 2.0, 1.0, 0.1], [3.0, 1.0, 0.25, 1.0]])
    l1 = lambda a, b, w: F.l1_loss(a, b, reduction=reduction, weight=w)  # noqa: E731
    huber = lambda a, b, w: F.huber_loss(a, b, reduction, 2.0, w)  # noqa: E731
    assert mg.gradcheck(l1, [x, y, v])
    assert mg.gradcheck(huber, [x, y, v])
    d, w = np.array(_X) - np.array(_Y), v.data
    want = w * np.abs(d)
    want = want.sum() / w.sum() if reduction == "mean" else _reduced(want, reduction)
    np.testing.assert_allclose(l1(x, y, v).data, want, rtol=1e-15)
    want = _reduced(w * LOSS_FORMULAS["huber"](d), reduction)
    np.testing.assert_allclose(huber(x, y, v).data, want, rtol=1e-15)


def test_embedding_sparse_gradient_is_refused_at_the_lookup():
    # PyTorch makes a sparse weight gradient; minigrad has dense tensors only. The module
    # keeps the flag (repr, state) but its lookup raises.
    m = nn.Embedding(3, 2, sparse=True)
    assert repr(m) == "Embedding(3, 2, sparse=True)" and m.sparse is True
    with pytest.raises(NotImplementedError, match="sparse=True"):
        m(mg.tensor([0, 1]))
    with pytest.raises(NotImplementedError, match="sparse=True"):
        F.embedding(mg.tensor([0]), mg.ones(3, 2), sparse=True)
