"""Losses: values by hand, every reduction, finite differences, extreme logits, modules."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn

REDUCTIONS = ["mean", "sum", "none"]


def _reduce(per_element, reduction, count=None):
    """The expected reduction of hand-computed per-element losses."""
    per_element = np.asarray(per_element, dtype=np.float64)
    if reduction == "none":
        return per_element
    if reduction == "sum":
        return per_element.sum()
    return per_element.sum() / (per_element.size if count is None else count)


def _t(values, requires_grad=False):
    return mg.tensor(values, dtype=mg.float64, requires_grad=requires_grad)


def _log_softmax(x, axis=1):
    """Log-softmax computed the plain way (fine for the small logits used here)."""
    x = np.asarray(x, dtype=np.float64)
    return x - np.log(np.exp(x).sum(axis, keepdims=True))


# ---- MSELoss ---------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_by_hand(reduction):
    x, y = _t([[1.0, 2.0], [3.0, 4.0]], True), _t([[0.0, 2.0], [5.0, 1.0]])
    loss = F.mse_loss(x, y, reduction=reduction)
    np.testing.assert_array_equal(loss.data, _reduce([[1, 0], [4, 9]], reduction))
    loss.backward(mg.ones(loss.shape, dtype=loss.dtype))
    scale = 1 / 4 if reduction == "mean" else 1
    np.testing.assert_array_equal(x.grad.data, np.array([[2, 0], [-4, 6]]) * scale)
    assert loss.grad_fn.name() == "MseLossBackward"


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_gradcheck_input_and_target(reduction):
    x, y = _t([[0.3, -1.2, 2.0]], True), _t([[0.1, 0.5, -0.7]], True)
    assert mg.gradcheck(lambda a, b: F.mse_loss(a, b, reduction=reduction), [x, y])


def test_mse_warns_when_shapes_broadcast():
    with pytest.warns(UserWarning, match="target size"):
        F.mse_loss(mg.zeros(3, 1), mg.zeros(3))


# ---- BCELoss ---------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_by_hand(reduction):
    x, y = _t([0.9, 0.2, 0.5], True), _t([1.0, 0.0, 1.0])
    loss = F.binary_cross_entropy(x, y, reduction=reduction)
    expected = [-math.log(0.9), -math.log(0.8), -math.log(0.5)]
    np.testing.assert_allclose(loss.data, _reduce(expected, reduction), rtol=1e-14)
    assert loss.grad_fn.name() == "BinaryCrossEntropyBackward"


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_weight_by_hand_and_gradcheck(reduction):
    # targets inside (0, 1): gradcheck moves them by 1e-6, and PyTorch refuses targets > 1
    x, y, w = _t([0.9, 0.2, 0.5], True), _t([0.75, 0.1, 0.25], True), _t([1.0, 2.0, 3.0])
    loss = F.binary_cross_entropy(x, y, weight=w, reduction=reduction)
    expected = [
        -(0.75 * math.log(0.9) + 0.25 * math.log(0.1)),
        -2 * (0.1 * math.log(0.2) + 0.9 * math.log(0.8)),
        -3 * (0.25 * math.log(0.5) + 0.75 * math.log(0.5)),
    ]
    np.testing.assert_allclose(loss.data, _reduce(expected, reduction), rtol=1e-14)
    fn = lambda a, b: F.binary_cross_entropy(a, b, weight=w, reduction=reduction)
    assert mg.gradcheck(fn, [x, y])


def test_bce_clamps_the_log_at_minus_100_as_pytorch():
    x, y = _t([0.0, 1.0, 0.0], True), _t([1.0, 0.0, 0.0])
    loss = F.binary_cross_entropy(x, y, reduction="none")
    np.testing.assert_array_equal(loss.data, [100.0, 100.0, 0.0])
    loss.sum().backward()
    # PyTorch's gradient (x - y) / max(x (1 - x), 1e-12): large but finite
    np.testing.assert_allclose(x.grad.data, [-1e12, 1e12, 0.0])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("bad", [1.5, -0.5, math.nan])
def test_bce_checks_its_input_and_target_as_pytorch(reduction, bad):
    # PyTorch: "all elements of input/target should be between 0 and 1", NaN included
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        F.binary_cross_entropy(_t([0.5, bad]), _t([1.0, 0.0]), reduction=reduction)
    with pytest.raises(RuntimeError, match="all elements of target should be between 0 and 1"):
        F.binary_cross_entropy(_t([0.5, 0.5]), _t([bad, 0.0]), reduction=reduction)
    weight = _t([0.0, 1.0])  # a zero weight does not hide a bad input
    with pytest.raises(RuntimeError, match="input should be between 0 and 1"):
        F.binary_cross_entropy(_t([bad, 0.5]), _t([1.0, 0.0]), weight, reduction=reduction)


def test_bce_checks_its_input():
    with pytest.raises(ValueError, match="same size"):
        F.binary_cross_entropy(_t([0.5, 0.5]), _t([[1.0, 0.0]]))


# ---- BCEWithLogitsLoss -----------------------------------------------------------------


def _bce_of_sigmoid(x, y, pos_weight=1.0):
    s = 1 / (1 + np.exp(-np.asarray(x, dtype=np.float64)))
    return -(pos_weight * np.asarray(y) * np.log(s) + (1 - np.asarray(y)) * np.log(1 - s))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits_by_hand_and_gradcheck(reduction):
    x, y = _t([[2.0, -1.0, 0.0], [0.5, 3.0, -2.5]], True), _t([[1.0, 0.0, 0.5], [0, 1, 0.2]], True)
    loss = F.binary_cross_entropy_with_logits(x, y, reduction=reduction)
    np.testing.assert_allclose(loss.data, _reduce(_bce_of_sigmoid(x.data, y.data), reduction))
    assert loss.grad_fn.name() == "BinaryCrossEntropyWithLogitsBackward"
    fn = lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction=reduction)
    assert mg.gradcheck(fn, [x, y])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits_weight_and_pos_weight(reduction):
    x, y = _t([[2.0, -1.0, 0.0], [0.5, 3.0, -2.5]], True), _t([[1.0, 0.0, 0.5], [0, 1, 0.2]], True)
    w, pw = _t([[1.0], [2.0]]), _t([3.0, 0.5, 2.0])  # weight per row, pos_weight per class
    loss = F.binary_cross_entropy_with_logits(x, y, w, reduction=reduction, pos_weight=pw)
    expected = w.data * _bce_of_sigmoid(x.data, y.data, pw.data)
    np.testing.assert_allclose(loss.data, _reduce(expected, reduction), rtol=1e-12)
    fn = lambda a, b: F.binary_cross_entropy_with_logits(
        a, b, w, reduction=reduction, pos_weight=pw
    )
    assert mg.gradcheck(fn, [x, y])


@pytest.mark.parametrize("dtype", [mg.float32, mg.float64])
def test_bce_with_logits_is_finite_with_exact_gradients_at_1e4(dtype):
    x = mg.tensor([1e4, -1e4, 1e4, -1e4], dtype=dtype, requires_grad=True)
    y = mg.tensor([1.0, 0.0, 0.0, 1.0], dtype=dtype)
    loss = F.binary_cross_entropy_with_logits(x, y, reduction="none")
    np.testing.assert_array_equal(loss.data, [0.0, 0.0, 1e4, 1e4])
    loss.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0, 1.0, -1.0])  # sigmoid(x) - y


def test_bce_with_logits_equals_bce_of_sigmoid():
    x = _t([[0.3, -2.0], [4.0, -0.1]], True)
    y = _t([[1.0, 0.0], [0.0, 1.0]])
    np.testing.assert_allclose(
        F.binary_cross_entropy_with_logits(x, y).data,
        F.binary_cross_entropy(F.sigmoid(x), y).data,
        rtol=1e-12,
    )


# ---- CrossEntropyLoss ------------------------------------------------------------------

LOGITS = [[1.0, 2.0, 3.0], [1.0, 1.0, 1.0], [0.5, -1.0, 2.0], [0.0, 0.3, -0.2]]
TARGETS = [2, 0, 1, 2]


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_by_hand(reduction):
    x = _t(LOGITS, True)
    loss = F.cross_entropy(x, mg.tensor(TARGETS), reduction=reduction)
    expected = [
        -math.log(math.exp(3) / (math.exp(1) + math.exp(2) + math.exp(3))),
        math.log(3),
        -_log_softmax(LOGITS)[2, 1],
        -_log_softmax(LOGITS)[3, 2],
    ]
    np.testing.assert_allclose(loss.data, _reduce(expected, reduction), rtol=1e-14)
    assert loss.grad_fn.name() == "CrossEntropyLossBackward"
    assert loss.grad_fn.next_functions[0][0].variable is x  # one fused node to the logits


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_backward_is_softmax_minus_onehot(reduction):
    x = _t(LOGITS, True)
    loss = F.cross_entropy(x, mg.tensor(TARGETS), reduction=reduction)
    loss.backward(mg.ones(loss.shape, dtype=loss.dtype))
    softmax = np.exp(_log_softmax(LOGITS))
    onehot = np.eye(3)[TARGETS]
    scale = 1 / 4 if reduction == "mean" else 1
    np.testing.assert_allclose(x.grad.data, (softmax - onehot) * scale, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_class_weights_and_ignore_index(reduction):
    w = _t([0.5, 2.0, 1.0])
    targets = [2, -100, 1, 0]
    x = _t(LOGITS, True)
    loss = F.cross_entropy(x, mg.tensor(targets), weight=w, reduction=reduction)
    logp = _log_softmax(LOGITS)
    expected = [-1.0 * logp[0, 2], 0.0, -2.0 * logp[2, 1], -0.5 * logp[3, 0]]
    # 'mean' divides by the weights of the counted targets: 1 + 2 + 0.5
    np.testing.assert_allclose(loss.data, _reduce(expected, reduction, 3.5), rtol=1e-14)
    fn = lambda a: F.cross_entropy(a, mg.tensor(targets), weight=w, reduction=reduction)
    assert mg.gradcheck(fn, [x])


def test_cross_entropy_with_every_target_ignored_is_nan_with_zero_gradient():
    x = _t(LOGITS, True)
    loss = F.cross_entropy(x, mg.full((4,), -100))
    assert math.isnan(loss.item())
    loss.backward()
    np.testing.assert_array_equal(x.grad.data, np.zeros((4, 3)))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_label_smoothing(reduction, weighted):
    eps, C = 0.2, 3
    w = np.array([0.5, 2.0, 1.0]) if weighted else np.ones(3)
    targets = [2, 0, -100, 1]
    x = _t(LOGITS, True)
    loss = F.cross_entropy(
        x, mg.tensor(targets), weight=_t(w) if weighted else None,
        reduction=reduction, label_smoothing=eps,
    )  # fmt: skip
    logp = _log_softmax(LOGITS)
    # PyTorch: (1 - ε) * nll + ε / C * Σ_c -w_c log p_c, ignored samples 0, 'mean' by Σ w[y]
    expected = [
        0.0 if t == -100 else (1 - eps) * -w[t] * logp[n, t] - eps / C * (w * logp[n]).sum()
        for n, t in enumerate(targets)
    ]
    count = sum(w[t] for t in targets if t != -100)
    np.testing.assert_allclose(loss.data, _reduce(expected, reduction, count), rtol=1e-13)
    fn = lambda a: F.cross_entropy(
        a, mg.tensor(targets), weight=_t(w), reduction=reduction, label_smoothing=eps
    )
    assert mg.gradcheck(fn, [x])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("eps", [0.0, 0.1])
def test_cross_entropy_probability_targets(reduction, eps):
    probs = np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4]])
    w = np.array([0.5, 2.0, 1.0])
    x, y = _t(LOGITS, True), _t(probs, True)
    loss = F.cross_entropy(x, y, weight=_t(w), reduction=reduction, label_smoothing=eps)
    smoothed = probs * (1 - eps) + eps / 3
    expected = -(w * smoothed * _log_softmax(LOGITS)).sum(1)
    # 'mean' divides by the number of samples, whatever the weights
    np.testing.assert_allclose(loss.data, _reduce(expected, reduction, 4), rtol=1e-13)
    fn = lambda a, b: F.cross_entropy(a, b, weight=_t(w), reduction=reduction, label_smoothing=eps)
    assert mg.gradcheck(fn, [x, y])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_extra_dimensions_matches_the_flattened_loss(reduction):
    mg.manual_seed(0)
    x = mg.randn(2, 3, 4, dtype=mg.float64, requires_grad=True)  # (N, C, d)
    t = mg.randint(0, 3, (2, 4))
    loss = F.cross_entropy(x, t, reduction=reduction)
    flat_x = x.data.transpose(0, 2, 1).reshape(8, 3)
    flat_loss = -_log_softmax(flat_x)[np.arange(8), t.data.reshape(8)]
    expected = _reduce(flat_loss, reduction)
    np.testing.assert_allclose(
        loss.data, expected.reshape(2, 4) if reduction == "none" else expected, rtol=1e-13
    )
    assert mg.gradcheck(lambda a: F.cross_entropy(a, t, reduction=reduction), [x])


@pytest.mark.parametrize("dtype", [mg.float32, mg.float64])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_is_finite_with_exact_gradients_at_1e4(dtype, reduction):
    x = mg.tensor([[1e4, 0.0, -1e4], [0.0, 1e4, -1e4]], dtype=dtype, requires_grad=True)
    loss = F.cross_entropy(x, mg.tensor([0, 2]), reduction=reduction)
    np.testing.assert_array_equal(loss.data, _reduce([0.0, 2e4], reduction))
    loss.backward(mg.ones(loss.shape, dtype=dtype))
    scale = 0.5 if reduction == "mean" else 1.0
    np.testing.assert_array_equal(x.grad.data, np.array([[0, 0, 0], [0, 1, -1]]) * scale)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 6),
    c=st.integers(1, 5),
    magnitude=st.sampled_from([1.0, 30.0, 1e4]),
    seed=st.integers(0, 2**16),
)
def test_cross_entropy_gradient_property(n, c, magnitude, seed):
    rng = np.random.default_rng(seed)
    logits = rng.standard_normal((n, c)) * magnitude
    targets = rng.integers(0, c, n)
    x = _t(logits, True)
    loss = F.cross_entropy(x, mg.tensor(targets))
    loss.backward()
    shifted = logits - logits.max(1, keepdims=True)
    softmax = np.exp(shifted) / np.exp(shifted).sum(1, keepdims=True)
    assert np.isfinite(loss.item())
    np.testing.assert_allclose(x.grad.data, (softmax - np.eye(c)[targets]) / n, atol=1e-15)


def test_cross_entropy_argument_errors():
    x = _t(LOGITS)
    with pytest.raises(IndexError, match="out of bounds"):
        F.cross_entropy(x, mg.tensor([0, 1, 3, 0]))
    with pytest.raises(
        ValueError, match=r"input batch_size \(4\) to match target batch_size \(2\)"
    ):
        F.cross_entropy(x, mg.tensor([0, 1]))
    with pytest.raises(RuntimeError, match="label_smoothing"):
        F.cross_entropy(x, mg.tensor(TARGETS), label_smoothing=1.5)
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        F.cross_entropy(x, mg.tensor(TARGETS), reduction="average")


# ---- NLLLoss ---------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_by_hand_and_gradcheck(reduction):
    logp = _t(_log_softmax(LOGITS), True)
    loss = F.nll_loss(logp, mg.tensor(TARGETS), reduction=reduction)
    expected = [-logp.data[n, t] for n, t in enumerate(TARGETS)]
    np.testing.assert_array_equal(loss.data, _reduce(expected, reduction))
    assert loss.grad_fn.name() == "NllLossBackward"
    loss.backward(mg.ones(loss.shape, dtype=loss.dtype))
    scale = 1 / 4 if reduction == "mean" else 1
    np.testing.assert_array_equal(logp.grad.data, -np.eye(3)[TARGETS] * scale)
    assert mg.gradcheck(lambda a: F.nll_loss(a, mg.tensor(TARGETS), reduction=reduction), [logp])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_weight_and_ignore_index(reduction):
    x = _t([[-1.0, -2.0], [-0.5, -3.0], [-4.0, -0.1]], True)
    loss = F.nll_loss(x, mg.tensor([1, 0, 1]), weight=_t([3.0, 0.5]), ignore_index=0,
                      reduction=reduction)  # fmt: skip
    np.testing.assert_allclose(loss.data, _reduce([1.0, 0.0, 0.05], reduction, 1.0), rtol=1e-14)


def test_nll_of_log_softmax_is_cross_entropy():
    a, b = _t(LOGITS, True), _t(LOGITS, True)
    ce = F.cross_entropy(a, mg.tensor(TARGETS))
    nll = F.nll_loss(F.log_softmax(b, dim=1), mg.tensor(TARGETS))
    np.testing.assert_allclose(ce.data, nll.data, rtol=1e-14)
    ce.backward()
    nll.backward()
    np.testing.assert_allclose(a.grad.data, b.grad.data, rtol=1e-12, atol=1e-16)


def test_nll_wants_int64_or_uint8_targets():
    with pytest.raises(
        RuntimeError, match="expected target dtype to be Long or Byte, but got Double"
    ):
        F.nll_loss(_t(LOGITS), _t([0.0, 1.0, 2.0, 0.0]))
    with pytest.raises(RuntimeError, match="but got Int"):
        F.nll_loss(_t(LOGITS), mg.tensor([0, 1, 2, 0], dtype=mg.int32))


# ---- modules ---------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_loss_modules_match_the_functions(reduction):
    x = _t([[0.2, -0.3, 1.0], [0.6, 0.1, -1.5]])
    probs = _t([[0.9, 0.05, 0.05], [0.1, 0.2, 0.7]])
    idx = mg.tensor([2, 0])
    w = _t([1.0, 2.0, 0.5])
    pairs = [
        (nn.MSELoss(reduction=reduction)(x, probs), F.mse_loss(x, probs, reduction=reduction)),
        (
            nn.BCELoss(w, reduction=reduction)(probs, probs),
            F.binary_cross_entropy(probs, probs, w, reduction=reduction),
        ),
        (
            nn.BCEWithLogitsLoss(w, reduction=reduction, pos_weight=w)(x, probs),
            F.binary_cross_entropy_with_logits(x, probs, w, reduction=reduction, pos_weight=w),
        ),
        (
            nn.CrossEntropyLoss(w, ignore_index=0, reduction=reduction, label_smoothing=0.1)(
                x, idx
            ),
            F.cross_entropy(x, idx, w, None, 0, None, reduction, 0.1),
        ),
        (nn.NLLLoss(w, reduction=reduction)(x, idx), F.nll_loss(x, idx, w, reduction=reduction)),
    ]
    for module_loss, functional_loss in pairs:
        np.testing.assert_array_equal(module_loss.data, functional_loss.data)


def test_loss_weights_are_buffers_in_the_state_dict():
    w = mg.tensor([1.0, 2.0])
    assert list(nn.CrossEntropyLoss(weight=w).state_dict()) == ["weight"]
    assert list(nn.BCEWithLogitsLoss(pos_weight=w).state_dict()) == ["pos_weight"]
    assert list(nn.MSELoss().state_dict()) == []


def test_an_invalid_reduction_is_refused_by_every_loss():
    x = _t([0.5, 0.5])
    for loss in [
        nn.MSELoss(reduction="avg"),
        nn.BCELoss(reduction="avg"),
        nn.BCEWithLogitsLoss(reduction="avg"),
    ]:
        with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
            loss(x, x)
    with pytest.raises(ValueError, match="not a valid value"):
        nn.NLLLoss(reduction="avg")(_t([[0.5, 0.5]]), mg.tensor([0]))


def test_cross_entropy_fast_path_matches_the_general_path():
    rng = np.random.default_rng(5)
    logits = rng.normal(size=(7, 4)) * 3
    target = mg.tensor(rng.integers(0, 4, size=7))
    fast_x = mg.tensor(logits, requires_grad=True)
    general_x = mg.tensor(logits, requires_grad=True)
    fast = F.cross_entropy(fast_x, target)  # no weights, smoothing or ignored targets
    general = F.cross_entropy(general_x, target, weight=mg.ones(4, dtype=mg.float64))
    fast.backward()
    general.backward()
    np.testing.assert_allclose(fast.item(), general.item(), rtol=1e-14)
    np.testing.assert_allclose(fast_x.grad.data, general_x.grad.data, rtol=1e-13, atol=1e-15)
    assert mg.gradcheck(lambda x: F.cross_entropy(x, target), [fast_x])
    with pytest.raises(IndexError, match="out of bounds"):
        F.cross_entropy(fast_x, mg.tensor([0, 1, 2, 3, 4, 0, 0]))


@pytest.mark.parametrize("row", [[np.inf, 0.0, 1.0], [-np.inf] * 3, [np.nan, 1.0, 2.0]])
def test_softmax_of_a_non_finite_row_is_nan_without_numpy_warnings(row):
    """As PyTorch: NaN everywhere in the row, and no warning (inf - inf in the shift)."""
    x = mg.tensor(np.array([row, [0.0, 1.0, 2.0]], np.float32))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        outs = [
            mg.softmax(x, 1),
            F.log_softmax(x, 1),
            F.cross_entropy(x, mg.tensor([1, 1]), reduction="none"),
        ]
    for out in outs:
        assert np.isnan(out.numpy()[0]).all()
        assert np.isfinite(out.numpy()[1]).all()


def test_softmax_of_a_row_spanning_the_float32_range_is_quiet():
    """x - max overflows to -inf for [-3e38, 3e38]: softmax [0, 1], log_softmax [-inf, 0]."""
    x = mg.tensor(np.array([[-3e38, 3e38]], np.float32))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert mg.softmax(x, 1).tolist() == [[0.0, 1.0]]
        assert F.log_softmax(x, 1).tolist() == [[-np.inf, 0.0]]
