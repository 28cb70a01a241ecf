# ruff: noqa: E501 - the programs are data, one per line
"""nn.functional, the nn layers and losses against PyTorch where a random search over their
arguments found them to differ (the harness of test_torch_oracle_autograd: equal results,
or the same class of exception), with the torch-free checks of the same fixes."""

import numpy as np
import pytest
from test_torch_oracle_autograd import test_program_matches_pytorch as _matches_pytorch
from torch_oracle import import_torch

torch = import_torch()

import minigrad as mg  # noqa: E402
import minigrad.nn.functional as F  # noqa: E402

_F = "F = M.nn.functional\n"
_X3 = "x = M.linspace(-2., 3., 24, dtype=M.float64).reshape(2, 3, 4).requires_grad_()"
_X4 = "x = M.linspace(-2., 3., 48, dtype=M.float64).reshape(2, 3, 4, 2).requires_grad_()"
_X1 = "x = M.tensor([0.5, -1., 2.], dtype=M.float64, requires_grad=True)"
_E3 = "x = M.zeros(0, 3, 2, dtype=M.float64, requires_grad=True)"

PROGRAMS = [
    # an N-d input takes Long targets only (Byte is for (N, C) and (C,) inputs) ...
    *(
        f"{_F}{x}; t = M.zeros({s}, dtype=M.uint8); L = {call}; L.sum().backward(); R = (L, x.grad)"
        for x, s in ((_X3, "2, 4"), (_X4, "2, 4, 2"))
        for call in (
            "F.nll_loss(x, t)",
            "F.nll_loss(x, t, reduction='none')",
            "F.cross_entropy(x, t, reduction='sum')",
            "F.cross_entropy(x, t, label_smoothing=0.2)",
            "M.nn.CrossEntropyLoss()(x, t)",
        )
    ),
    # ... but of an empty one, the forward takes them and the backward raises
    *(
        f"{_F}{_E3}; t = M.zeros(0, 2, dtype=M.uint8); L = {call}; R = L; L.backward(); R = (L, x.grad)"
        for call in (
            "F.nll_loss(x, t)",
            "F.nll_loss(x, t, reduction='sum')",
            "F.cross_entropy(x, t)",
            "F.cross_entropy(x, t, reduction='sum', label_smoothing=0.3)",
        )
    ),
    *(
        f"{_F}{_E3}; t = M.zeros(0, 2, dtype=M.uint8); R = {call}"
        for call in (
            "F.nll_loss(x, t, reduction='none')",
            "F.cross_entropy(x, t, reduction='none')",
        )
    ),
    # the class weights are checked before the targets' range
    *(
        f"{_F}{x}; t = M.tensor({t}); w = {w}; R = {call}"
        for x, t in (
            ("x = M.randn(2, 3, dtype=M.float64)", "[1, 7]"),
            ("x = M.randn(2, 3, dtype=M.float64)", "[-1, 0]"),
            ("x = M.randn(2, 3, 2, dtype=M.float64)", "[[1, 5], [0, 0]]"),
            ("x = M.randn(3, dtype=M.float64)", "9"),
        )
        for w in (
            "M.ones(4, dtype=M.float64)",
            "M.ones(3, dtype=M.float32)",
            "M.ones(3, dtype=M.float64, requires_grad=True)",
        )
        for call in (
            "F.nll_loss(x, t, weight=w)",
            "F.cross_entropy(x, t, weight=w, ignore_index=1)",
            "F.cross_entropy(x, t, weight=w, label_smoothing=0.1)",
            "M.nn.NLLLoss(w)(x, t)",
        )
    ),
    # one sample (C,) with a target of shape (1,): the forward takes it, the backward raises
    *(
        f"{_F}{_X1}; t = M.tensor([1]); L = {call}; R = L; L.sum().backward(); R = (L, x.grad)"
        for call in (
            "F.nll_loss(x, t)",
            "F.nll_loss(x, t, reduction='none')",
            "F.nll_loss(x, t, weight=M.ones(3, dtype=M.float64), ignore_index=1)",
            "F.cross_entropy(x, t)",
            "F.cross_entropy(x, t, reduction='sum', weight=M.ones(3, dtype=M.float64))",
            "M.nn.CrossEntropyLoss(reduction='none')(x, t)",
        )
    ),
    # ... and a forward with label smoothing raises; a (1,) target of a (1,) input is its class
    f"{_F}{_X1}; t = M.tensor([1]); R = F.cross_entropy(x, t, label_smoothing=0.1)",
    f"{_F}{_X1}; t = M.tensor([1]); R = F.cross_entropy(x, t, reduction='none', label_smoothing=0.5)",
    f"{_F}x = M.tensor([0.5], dtype=M.float64, requires_grad=True); t = M.tensor([0]); L = F.nll_loss(x, t); L.backward(); R = (L, x.grad)",
]

_XY = "x = M.tensor([[0.5, -1., 2.], [3., 0.25, -2.]], dtype=M.float64, requires_grad=True); y = M.tensor([[1., -1., 0.], [2.5, 1., -1.]], dtype=M.float64, requires_grad=True)"
_P = "x = M.tensor([[0.5, 0.1, 0.9], [0.3, 0.7, 0.2]], dtype=M.float64, requires_grad=True); y = M.tensor([[1., 0., 0.5], [0., 1., 1.]], dtype=M.float64)"
_BAD_REDUCTION = [
    # the reduction is checked before the kernel runs (ValueError) ...
    f"{_F}{_XY}; R = F.huber_loss(x, y, reduction='batchmean', delta=-1.)",
    f"{_F}{_XY}; R = F.smooth_l1_loss(x, y, reduction='bad', beta=-1.)",
    f"{_F}{_XY}; R = F.smooth_l1_loss(x, y, reduction='bad', beta=0.)",
    f"{_F}{_XY}; R = F.kl_div(x, y.long(), reduction='bad')",
    f"{_F}{_XY}; R = F.l1_loss(x, y.bool(), reduction='bad')",
    f"{_F}{_XY}; R = F.mse_loss(x, y.bool(), reduction='bad')",
    f"{_F}{_XY}; R = F.binary_cross_entropy(x, y, reduction='bad')",
    f"{_F}{_P}; R = F.binary_cross_entropy(x, y.float(), reduction='bad')",
    f"{_F}{_XY}; R = F.binary_cross_entropy_with_logits(x, y.long(), reduction='bad')",
    f"{_F}x = M.randn(2, 3); R = F.cross_entropy(x, M.tensor([0, 7]), reduction='bad')",
    f"{_F}x = M.randn(2, 3); R = F.cross_entropy(x, M.tensor([0, 1]), reduction='bad', label_smoothing=2.)",
    f"{_F}x = M.randn(2, 3); R = F.nll_loss(x, M.tensor([0, 7]), reduction='bad')",
    f"{_F}x = M.randn(2, 3); R = F.nll_loss(x, M.tensor([0, 1]), weight=M.ones(4), reduction='bad')",
    # ... and the deprecated 'elementwise_mean' is 'mean' where PyTorch's enum reads it
    *(
        f"{_F}{x}; L = {call}; L.backward(); R = (L, x.grad)"
        for x, call in (
            (_XY, "F.mse_loss(x, y, reduction='elementwise_mean')"),
            (_XY, "F.l1_loss(x, y, reduction='elementwise_mean')"),
            (_XY, "F.smooth_l1_loss(x, y, reduction='elementwise_mean', beta=0.5)"),
            (_XY, "F.huber_loss(x, y, reduction='elementwise_mean')"),
            (_XY, "F.kl_div(x, y, reduction='elementwise_mean')"),
            (_XY, "F.soft_margin_loss(x, y, reduction='elementwise_mean')"),
            (_XY, "F.hinge_embedding_loss(x, y, reduction='elementwise_mean')"),
            (
                _XY,
                "F.margin_ranking_loss(x, y, M.ones(2, 3, dtype=M.float64), reduction='elementwise_mean')",
            ),
            (
                _XY,
                "F.binary_cross_entropy_with_logits(x, y.clamp(0, 1), reduction='elementwise_mean')",
            ),
            (_P, "F.binary_cross_entropy(x, y, reduction='elementwise_mean')"),
            (_XY, "F.cross_entropy(x, M.tensor([0, 2]), reduction='elementwise_mean')"),
            (_XY, "F.nll_loss(x, M.tensor([0, 2]), reduction='elementwise_mean')"),
            (_XY, "M.nn.MSELoss(reduction='elementwise_mean')(x, y)"),
            # not where PyTorch's Python code reads the reduction itself
            (
                _XY,
                "F.l1_loss(x, y, reduction='elementwise_mean', weight=M.ones(2, 3, dtype=M.float64))",
            ),
            (
                _XY,
                "F.huber_loss(x, y, reduction='elementwise_mean', weight=M.ones(2, 3, dtype=M.float64))",
            ),
            (_XY, "F.poisson_nll_loss(x, y, reduction='elementwise_mean')"),
            (_XY, "F.multilabel_soft_margin_loss(x, y, reduction='elementwise_mean')"),
        )
    ),
]
# mse_loss takes a weight of the input's shape, as l1_loss: its 'mean' is Σ w (x - y)² / Σ w
_MSE_WEIGHTED = [
    f"{_F}{_XY}; w = M.tensor([[1., 2., 0.5], [0., 3., 1.]], dtype=M.float64, requires_grad=True); L = F.mse_loss({a}, weight=w, {r}); L.sum().backward(); R = (L, x.grad, y.grad, w.grad)"
    for a in ("x, y", "x, y[0]", "x[0], y")
    for r in (
        "reduction='mean'",
        "reduction='sum'",
        "reduction='none'",
        "reduction='bad'",
        "size_average=False",
    )
]
PROGRAMS += [
    *_BAD_REDUCTION,
    *_MSE_WEIGHTED,
    f"{_F}{_XY}; R = F.l1_loss(x, y[0], weight=M.ones(3, dtype=M.float64))",
    # nll_loss's gradient is +0 away from the targets and at the ignored samples
    f"{_F}{_XY}; L = F.nll_loss(x, M.tensor([0, 2])); L.backward(); R = (L, x.grad)",
    f"{_F}{_XY}; L = F.nll_loss(x, M.tensor([0, 2]), ignore_index=2, reduction='none'); L.sum().backward(); R = (L, x.grad)",
    f"{_F}x = M.linspace(-2., 3., 24, dtype=M.float64).reshape(2, 3, 4).requires_grad_(); L = F.nll_loss(x, M.tensor([[0, 2, 1, 1], [2, 2, 0, 1]]), weight=M.tensor([1., 2., 0.5], dtype=M.float64), ignore_index=1, reduction='sum'); L.backward(); R = (L, x.grad)",
    # soft_margin_loss negates its target, which cannot be bool
    f"{_F}{_XY}; L = F.soft_margin_loss(x, y > 0); R = L; L.backward(); R = (L, x.grad)",
    # multi_margin_loss: w[y] weighs only the classes that count (a NaN weight of none is not read)
    f"{_F}x = M.tensor([[0.5], [2.]], dtype=M.float64, requires_grad=True); L = F.multi_margin_loss(x, M.tensor([0, 0]), weight=M.tensor([float('nan')], dtype=M.float64)); L.backward(); R = (L, x.grad)",
    f"{_F}x = M.tensor([[0.5, 3., -1.], [2., 0., 2.5]], dtype=M.float64, requires_grad=True); L = F.multi_margin_loss(x, M.tensor([1, 0]), p=2, weight=M.tensor([float('nan'), 2., 1.], dtype=M.float64), reduction='none'); L.sum().backward(); R = (L, x.grad)",
]

PROGRAMS += [
    # one_hot of an empty tensor needs num_classes > 0
    *(
        f"{_F}R = F.one_hot(M.zeros({s}, dtype=M.int64), {c})"
        for s in ("0", "(2, 0)")
        for c in (-1, 0, -2, 3)
    ),
    f"{_F}R = F.one_hot(M.tensor([0, 2]), 0)",
    # dropout with p = 1 multiplies x of any dtype by a zero of its dtype; 0 < p < 1 needs a float
    *(
        f"{_F}x = M.tensor([1, 2, 3], dtype=M.{dt}); R = {call}"
        for dt in ("int64", "bool")
        for call in (
            "F.dropout(x, 1.)",
            "F.dropout(x.clone(), 1., inplace=True)",
            "F.dropout(x, 0.5)",
            "M.nn.Dropout(1.)(x)",
        )
    ),
    # a constant pad crops at most the whole dim
    *(
        f"{_F}x = M.ones({s}, dtype=M.float64, requires_grad=True); y = F.pad(x, {p}); y.sum().backward(); R = (y, x.grad)"
        for s, p in (
            ("3, 0", "(2, -1, 2, -1)"),
            ("3, 0", "(1, -1)"),
            ("3, 1", "(-2, 1)"),
            ("3, 1", "(1, -2)"),
            ("3, 2", "(-3, 2)"),
            ("3, 2", "(-2, 1)"),
            ("3, 2", "(-1, -1)"),
        )
    ),
    # reflect and replicate take an empty batch, no other empty dim
    *(
        f"{_F}x = M.ones({s}, dtype=M.float64, requires_grad=True); y = F.pad(x, {p}, mode='{m}'); y.sum().backward(); R = (y, x.grad)"
        for m in ("reflect", "replicate")
        for s, p in (
            ("0, 3", "(1, 1)"),
            ("0, 2, 3", "(1, 1)"),
            ("2, 0, 3", "(1, 1)"),
            ("0, 2, 3", "(1, 1, 1, 1)"),
            ("0, 1, 2, 3", "(1, 1, 1, 1)"),
            ("1, 0, 2, 3", "(1, 1, 1, 1)"),
            ("0, 3", "(1, 1, 1, 1)"),
        )
    ),
    # cosine_similarity's dim is an int
    f"{_F}x = M.ones(3, dtype=M.float64); R = F.cosine_similarity(x, x, dim=None)",
    f"{_F}x = M.ones((), dtype=M.float64); R = M.nn.CosineSimilarity(dim=None)(x, x)",
]

_BN = "x = M.linspace(-2., 3., 24, dtype=M.float64).reshape(2, 4, 3).requires_grad_(); w = M.linspace(0.5, 2., 4, dtype=M.float64).requires_grad_(); b = M.linspace(-1., 1., 4, dtype=M.float64).requires_grad_()"
_EMPTY = "x = M.zeros({}, dtype=M.float64, requires_grad=True); w = M.linspace(0.5, 2., {}, dtype=M.float64).requires_grad_(); b = M.linspace(-1., 1., {}, dtype=M.float64).requires_grad_(); rm = M.zeros({}, dtype=M.float64); rv = M.ones({}, dtype=M.float64)"
PROGRAMS += [
    # batch_norm's eps: positive in training, non-negative otherwise
    *(
        f"{_F}{_BN}; rm = M.zeros(4, dtype=M.float64); rv = M.ones(4, dtype=M.float64); y = F.batch_norm(x, rm, rv, w, b, training={t}, eps={e}); y.sum().backward(); R = (y, x.grad, rm, rv)"
        for t in (True, False)
        for e in (0.0, -1.0, 1e-5)
    ),
    f"{_F}{_BN}; R = M.nn.BatchNorm1d(4, eps=0., dtype=M.float64)(x)",
    # one value per channel is refused first, the running stats' sizes before their pairing
    f"{_F}x = M.ones(1, 4, dtype=M.float64); R = F.batch_norm(x, M.zeros(5, dtype=M.float64), M.ones(4, dtype=M.float64), training=True)",
    f"{_F}{_BN}; R = F.batch_norm(x, None, M.ones(4, dtype=M.float64), training=True)",
    f"{_F}{_BN}; R = F.batch_norm(x, M.zeros(4, dtype=M.float64), None, training=True)",
    f"{_F}{_BN}; R = F.batch_norm(x, M.zeros(5, dtype=M.float64), None, training=True)",
    # an empty input: a copy times w[0] plus b[0], nothing else checked (and no division by C = 0)
    *(
        f"{_F}{_EMPTY.format(s, c, c, c, c)}; y = F.batch_norm(x, {a}, training={t}); y.sum().backward(); R = (y, x.grad, rm, rv, w.grad, b.grad)"
        for s, c in (("0, 4", 4), ("0, 4, 3", 5), ("2, 4, 0", 4), ("2, 0", 0), ("0, 0", 1))
        for t in (True, False)
        for a in ("rm, rv, w, b", "None, None, w, b", "None, rv, None, b", "rm, None")
    ),
    # instance_norm of an empty input: no samples make w[0] raise and the running stats NaN
    *(
        f"{_F}{_EMPTY.format(s, c, c, c, c)}; y = F.instance_norm(x, {a}, use_input_stats={u}); y.sum().backward(); R = (y, x.grad, rm, rv)"
        for s, c in (("0, 4, 3", 4), ("2, 4, 0", 4), ("0, 4, 3", 5), ("2, 4, 0", 5), ("0, 1, 3", 2))
        for u in (True, False)
        for a in ("rm, rv", "rm, rv, w, b", "None, None, None, b", "rm, None", "None, None")
    ),
    f"{_F}x = M.ones(2, 4, 3); R = F.instance_norm(x, M.zeros(4), None, use_input_stats=False)",
]

PROGRAMS += [
    # max pooling of an empty batch has a backward
    *(
        f"{_F}x = M.zeros({s}, dtype=M.float64, requires_grad=True); y = {call}; y.sum().backward(); R = (y, x.grad)"
        for s, call in (
            ("0, 2, 4, 5", "F.max_pool2d(x, 2)"),
            ("0, 2, 4, 5", "F.max_pool2d(x, 3, 1, 1, ceil_mode=True)"),
            ("0, 1, 7", "F.max_pool1d(x, 2, 3)"),
            ("0, 1, 7", "M.nn.MaxPool1d(3, padding=1)(x)"),
        )
    ),
]

PROGRAMS += [
    # embedding checks padding_idx first (an AssertionError), then the indices' dtype
    *(
        f"{_F}w = M.ones(3, 2, dtype=M.float64, requires_grad=True); R = F.embedding(M.tensor({i}), w, padding_idx={p})"
        for i in ("[0., 1.]", "[0, 1]", "[0, 5]")
        for p in (3, -4, 2, None)
    ),
]

PROGRAMS += [
    # Byte targets with class weights and label smoothing: PyTorch's mean gathers their weights
    *(
        f"{_F}x = M.linspace(-2., 3., {n}, dtype=M.float64).reshape({s}).requires_grad_(); t = M.tensor({t}, dtype=M.uint8); L = F.cross_entropy(x, t, weight=M.tensor([1., 2., 0.5], dtype=M.float64), label_smoothing={e}, reduction='{r}'); L.sum().backward(); R = (L, x.grad)"
        for n, s, t in ((6, "2, 3", "[0, 2]"), (3, "3", "1"))
        for e in (0.0, 0.1)
        for r in ("mean", "sum", "none")
    ),
]

PROGRAMS += [
    # dropout2d: p = 1 zeroes an input of any shape, an empty one is returned as it is
    *(
        f"{_F}x = M.ones({s}, dtype=M.float64, requires_grad=True); y = F.dropout2d(x * 1, {p}); y.sum().backward(); R = (y, x.grad)"
        for s in ("()", "3", "0", "0, 3", "2, 3", "2, 3, 2")
        for p in (1.0, 0.0)
    ),
    *(f"{_F}R = F.dropout2d(M.ones({s}, dtype=M.int64), 0.5)" for s in ("0", "0, 3", "2, 3")),
]

PROGRAMS += [
    # adaptive_avg_pool2d to (1, 1) is a mean over the last two dims of any input of 2 or more
    *(
        f"{_F}x = M.linspace(-2., 3., {n}, dtype=M.float64).reshape({s}).requires_grad_(); y = F.adaptive_avg_pool2d(x, {o}); y.sum().backward(); R = (y, x.grad, y.grad_fn.name().rstrip('0123456789'))"
        for n, s in ((6, "2, 3"), (3, "3"), (120, "1, 2, 3, 4, 5"), (24, "2, 3, 4"))
        for o in ("1", "(1, 1)", "(None, 1)", "2")
    ),
    # gelu's approximate is a keyword-only str
    f"{_F}R = F.gelu(M.ones(2), approximate=None)",
    f"{_F}R = F.gelu(M.ones(2), 'tanh')",
]

PROGRAMS += [
    # one_hot's argument is named input, as PyTorch's
    f"{_F}R = F.one_hot(input=M.tensor([1, 0]), num_classes=3)",
    f"{_F}R = F.one_hot(tensor=M.tensor([1, 0]), num_classes=3)",
]

_IY = "y = M.tensor([[1., -1., 1.], [-1., 1., 0.]])"
PROGRAMS += [
    # hinge_embedding_loss of an integer input stays in its dtype (the margin truncated)
    *(
        f"{_F}x = M.tensor([[1, 0, 2], [-1, 3, 0]], dtype=M.{d}); {_IY}; R = F.hinge_embedding_loss(x, y, margin={m}, reduction='{r}')"
        for d in ("int64", "int32", "bool")
        for m in (1.5, -0.5)
        for r in ("none", "sum", "mean")
    ),
    # soft_margin_loss needs a float input
    *(
        f"{_F}x = M.tensor([[1, 0, 2], [-1, 3, 0]], dtype=M.{d}); {_IY}; R = F.soft_margin_loss(x, y)"
        for d in ("int64", "bool")
    ),
    # multi_margin_loss checks the input's dtype before the target's
    *(
        f"{_F}x = M.tensor([[1, 0, 2], [-1, 3, 0]], dtype=M.{d}); R = F.multi_margin_loss(x, M.tensor([0, 1], dtype=M.{t}))"
        for d in ("int64", "bool", "float64")
        for t in ("int32", "uint8", "int64")
    ),
]

PROGRAMS += [
    # the dtypes PyTorch's kernels refuse
    *(
        f"{_F}x = M.tensor([[1, 0], [2, 3]], dtype=M.{d}); R = {c}"
        for c in (
            "F.hardtanh(x)",
            "F.hardtanh(x, 0, 2)",
            "F.relu6(x)",
            "M.nn.Hardtanh()(x)",
            "F.pad(x[None], (1, 1), mode='reflect')",
            "F.pad(x[None], (1, 1), mode='replicate')",
            "F.pad(x[None], (1, 1), mode='circular')",
            "F.max_pool1d(x[None], 2)",
            "F.max_pool2d(x[None, None], 2)",
            "F.avg_pool1d(x[None], 2)",
            "F.avg_pool2d(x[None, None], 2)",
            "F.conv1d(x[None], M.ones(1, 2, 1, dtype=x.dtype))",
        )
        for d in ("int64", "int32", "uint8", "bool", "float64")
    ),
]


@pytest.mark.parametrize("program", PROGRAMS)
def test_fz_fn_program_matches_pytorch(program):
    _matches_pytorch(program)


def _probability_loss(M, dx, dt, dw, smoothing, reduction):
    rng = np.random.default_rng(5)
    x = M.tensor(rng.standard_normal((3, 4)) * 30, dtype=getattr(M, dx), requires_grad=True)
    t = M.tensor(rng.random((3, 4)), dtype=getattr(M, dt), requires_grad=True)
    w = M.tensor(rng.random(4), dtype=getattr(M, dw))
    L = M.nn.functional.cross_entropy(
        x, t, weight=w, reduction=reduction, label_smoothing=smoothing
    )
    L.sum().backward()
    return [np.asarray(a.detach().numpy()) for a in (L, x.grad, t.grad)]


@pytest.mark.parametrize("smoothing", [0.0, 0.2])
@pytest.mark.parametrize("reduction", ["sum", "none"])
@pytest.mark.parametrize("dx", ["float64", "float32"])
def test_probability_targets_weighted_in_the_promoted_dtype_as_pytorch(dx, smoothing, reduction):
    # a float32 target and float32 weights of a float64 loss: PyTorch multiplies them into
    # the float64 log-softmax one at a time, in float64 (minigrad multiplied them in float32)
    got = _probability_loss(mg, dx, "float32", "float32", smoothing, reduction)
    want = _probability_loss(torch, dx, "float32", "float32", smoothing, reduction)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype
        tol = 1e-12 if dx == "float64" else 1e-6
        np.testing.assert_allclose(g, w, rtol=tol, atol=tol)


# ---- without torch -------------------------------------------------------------------


def test_probability_targets_weighted_in_float64():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((3, 4)) * 30
    T, W = rng.random((3, 4)).astype(np.float32), rng.random(4).astype(np.float32)
    L = F.cross_entropy(mg.tensor(X), mg.tensor(T), weight=mg.tensor(W), reduction="sum")
    logp = X - X.max(1, keepdims=True)
    logp -= np.log(np.exp(logp).sum(1, keepdims=True))
    expected = -(T.astype(np.float64) * W.astype(np.float64) * logp).sum()
    assert L.dtype == mg.float64
    assert abs(L.item() - expected) <= 1e-12 * abs(expected)


@pytest.mark.parametrize("loss", [F.nll_loss, F.cross_entropy])
def test_byte_targets_of_an_nd_input_raise(loss):
    x = mg.randn(2, 3, 4, requires_grad=True)
    with pytest.raises(RuntimeError, match="Long"):
        loss(x, mg.zeros(2, 4, dtype=mg.uint8))
    empty = mg.zeros(0, 3, 4, requires_grad=True)
    L = loss(empty, mg.zeros(0, 4, dtype=mg.uint8))
    with pytest.raises(RuntimeError, match="Long"):
        L.backward()
    # a Long target of the same input, and a Byte one of an (N, C) input, work
    loss(x, mg.zeros(2, 4, dtype=mg.int64)).backward()
    loss(mg.randn(2, 3), mg.zeros(2, dtype=mg.uint8))


@pytest.mark.parametrize("loss", [F.nll_loss, F.cross_entropy])
def test_weight_is_checked_before_the_targets(loss):
    x = mg.randn(2, 3)
    with pytest.raises(RuntimeError, match="weight"):
        loss(x, mg.tensor([0, 9]), weight=mg.ones(4))
    with pytest.raises(IndexError):
        loss(x, mg.tensor([0, 9]), weight=mg.ones(3))


@pytest.mark.parametrize("loss", [F.nll_loss, F.cross_entropy])
def test_one_sample_with_a_target_of_size_one_has_no_backward(loss):
    x = mg.tensor([0.5, -1.0, 2.0], requires_grad=True)
    L = loss(x, mg.tensor([1]))
    assert L.item() == loss(x, mg.tensor(1)).item()
    with pytest.raises(RuntimeError, match="size mismatch"):
        L.backward()


def test_weighted_mse_loss_is_the_weighted_mean_of_squares():
    x = mg.tensor([[0.5, -1.0, 2.0], [3.0, 0.25, -2.0]], dtype=mg.float64, requires_grad=True)
    y = mg.tensor([1.0, -1.0, 0.0], dtype=mg.float64)
    w = mg.tensor([[1.0, 2.0, 0.5], [0.0, 3.0, 1.0]], dtype=mg.float64)
    D2 = (x.data - y.data) ** 2
    with pytest.warns(UserWarning, match="target size"):  # y broadcasts, as PyTorch warns
        L = F.mse_loss(x, y, weight=w)
        none = F.mse_loss(x, y, weight=w, reduction="none")
        assert mg.gradcheck(lambda a: F.mse_loss(a, y, weight=w), [x])
        with pytest.raises(ValueError):
            F.mse_loss(x, y, weight=w[0])
    assert L.item() == pytest.approx((w.data * D2).sum() / w.data.sum(), rel=1e-14)
    np.testing.assert_allclose(none.data, w.data * D2)


@pytest.mark.parametrize("reduction", ["bad", "batchmean"])
def test_a_bad_reduction_is_a_value_error_before_the_arguments_are_read(reduction):
    x = mg.tensor([0.5, 2.0])
    with pytest.raises(ValueError, match="reduction"):
        F.huber_loss(x, x, reduction=reduction, delta=-1.0)
    with pytest.raises(ValueError, match="reduction"):
        F.binary_cross_entropy(x, x, reduction=reduction)  # x > 1 is not a probability
    with pytest.raises(ValueError, match="reduction"):
        F.cross_entropy(x.reshape(1, 2), mg.tensor([5]), reduction=reduction)


def test_elementwise_mean_is_mean_with_a_warning():
    x = mg.tensor([0.5, -1.0, 2.0])
    y = mg.tensor([1.0, 1.0, 0.0])
    with pytest.warns(UserWarning, match="elementwise_mean"):
        L = F.smooth_l1_loss(x, y, reduction="elementwise_mean")
    assert L.item() == F.smooth_l1_loss(x, y).item()


def test_multi_margin_weight_weighs_only_the_classes_that_count():
    x = mg.tensor([[0.5, 3.0, -1.0], [2.0, 0.0, 2.5]], dtype=mg.float64, requires_grad=True)
    t = mg.tensor([1, 0])
    w = mg.tensor([float("nan"), 2.0, 1.0], dtype=mg.float64)  # row 0 has no active class
    L = F.multi_margin_loss(x, t, weight=w, reduction="none")
    assert L.data[0] == 0 and np.isnan(L.data[1])
    L[0].backward()
    assert np.all(x.grad.data[0] == 0)


def test_soft_margin_loss_of_bool_targets_has_no_backward():
    x = mg.tensor([0.5, -1.0], requires_grad=True)
    L = F.soft_margin_loss(x, mg.tensor([True, False]))
    assert L.item() == pytest.approx((np.log1p(np.exp(-0.5)) + np.log(2)) / 2)
    with pytest.raises(RuntimeError, match="bool"):
        L.backward()


def test_nll_loss_gradient_is_positive_zero_off_the_targets():
    x = mg.tensor([[0.5, -1.0, 2.0], [3.0, 0.25, -2.0]], requires_grad=True)
    F.nll_loss(x, mg.tensor([0, 2]), ignore_index=2).backward()
    zeros = np.ones(x.shape, bool)
    zeros[0, 0] = False
    assert x.grad.data[0, 0] == -1.0
    assert np.all(x.grad.data[zeros] == 0) and not np.any(np.signbit(x.grad.data[zeros]))


def test_one_hot_of_an_empty_tensor_needs_the_number_of_classes():
    assert F.one_hot(mg.zeros(0, dtype=mg.int64), 3).shape == (0, 3)
    for c in (-1, 0):
        with pytest.raises(RuntimeError, match="empty"):
            F.one_hot(mg.zeros(0, dtype=mg.int64), c)


def test_dropout_of_everything_keeps_the_dtype():
    x = mg.tensor([1, 2, 3])
    y = F.dropout(x, 1.0)
    assert y.dtype == mg.int64 and y.tolist() == [0, 0, 0]
    with pytest.raises(RuntimeError):
        F.dropout(x, 0.5)


def test_pad_crops_at_most_the_whole_dim():
    x = mg.ones(3, 2)
    assert F.pad(x, (-1, -1)).shape == (3, 0)
    assert F.pad(x, (-2, 3)).shape == (3, 3)
    with pytest.raises(RuntimeError, match="crops"):
        F.pad(x, (-3, 2))


@pytest.mark.parametrize("mode", ["reflect", "replicate"])
def test_pad_by_copies_refuses_empty_dims_but_the_batch(mode):
    assert F.pad(mg.ones(0, 2, 3), (1, 1), mode=mode).shape == (0, 2, 5)
    for shape in ((0, 3), (2, 0, 3)):
        with pytest.raises(RuntimeError, match="non-zero"):
            F.pad(mg.ones(*shape), (1, 1), mode=mode)
    assert F.pad(mg.ones(0, 3), (1, 1), mode="circular").shape == (0, 5)


def test_batch_norm_eps_and_empty_inputs():
    x = mg.randn(2, 4)
    with pytest.raises(ValueError, match="positive"):
        F.batch_norm(x, None, None, training=True, eps=0.0)
    with pytest.raises(ValueError, match="non-negative"):
        F.batch_norm(x, mg.zeros(4), mg.ones(4), eps=-1.0)
    empty = mg.zeros(0, 4, requires_grad=True)
    w = mg.ones(5, requires_grad=True)
    y = F.batch_norm(empty, None, None, w, training=False)  # no stats, w of another size
    y.sum().backward()
    assert y.shape == (0, 4) and w.grad.tolist() == [0.0] * 5
    assert F.batch_norm(mg.zeros(2, 0), None, None, training=True).shape == (2, 0)


def test_instance_norm_of_no_samples():
    x = mg.zeros(0, 4, 3)
    rm, rv = mg.zeros(4), mg.ones(4)
    F.instance_norm(x, rm, rv)
    assert np.isnan(rm.data).all() and np.isnan(rv.data).all()
    with pytest.raises(IndexError):
        F.instance_norm(x, weight=mg.ones(4))
    rm, rv = mg.zeros(4), mg.ones(4)
    F.instance_norm(mg.zeros(2, 4, 0), rm, rv)  # samples without elements: stats stay
    assert rm.tolist() == [0.0] * 4 and rv.tolist() == [1.0] * 4


def test_max_pool_of_an_empty_batch_has_a_gradient():
    x = mg.zeros(0, 2, 4, 5, requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    assert x.grad.shape == (0, 2, 4, 5)


def test_embedding_checks_padding_idx_before_the_indices():
    with pytest.raises(AssertionError):
        F.embedding(mg.tensor([0.0, 1.0]), mg.ones(3, 2), padding_idx=3)
    with pytest.raises(RuntimeError):
        F.embedding(mg.tensor([0.0, 1.0]), mg.ones(3, 2), padding_idx=2)


def test_dropout2d_of_everything_takes_any_shape():
    x = mg.ones(3, requires_grad=True)
    with pytest.warns(UserWarning, match="1-D input"):  # deprecated, as PyTorch warns
        y = F.dropout2d(x, 1.0)
        empty = F.dropout2d(mg.ones(0), 0.5)
        with pytest.raises(RuntimeError):
            F.dropout2d(mg.ones(3), 0.5)
    y.sum().backward()
    assert y.tolist() == [0.0] * 3 and x.grad.tolist() == [0.0] * 3
    assert empty.shape == (0,)


def test_cosine_similarity_dim_must_be_an_int():
    x = mg.ones(2, 3)
    with pytest.raises(TypeError, match="dim"):
        F.cosine_similarity(x, x, dim=None)
    assert F.cosine_similarity(x, x, dim=1).tolist() == pytest.approx([1.0, 1.0])


def test_byte_targets_with_weights_and_smoothing_have_no_mean():
    x, t, w = mg.randn(2, 3), mg.tensor([0, 2], dtype=mg.uint8), mg.ones(3)
    with pytest.raises(RuntimeError, match="gather"):
        F.cross_entropy(x, t, weight=w, label_smoothing=0.1)
    total = F.cross_entropy(x, t, weight=w, label_smoothing=0.1, reduction="sum")
    mean = F.cross_entropy(x, t.long(), weight=w, label_smoothing=0.1)
    assert total.item() == pytest.approx(2 * mean.item())


def test_adaptive_avg_pool2d_to_one_is_a_mean_of_any_input():
    x = mg.arange(6.0).reshape(2, 3)
    assert F.adaptive_avg_pool2d(x, 1).tolist() == [[2.5]]
    with pytest.raises(RuntimeError):
        F.adaptive_avg_pool2d(x, 2)


def test_gelu_approximate_is_a_keyword_str():
    with pytest.raises(TypeError):
        F.gelu(mg.ones(2), "tanh")
    with pytest.raises(TypeError):
        F.gelu(mg.ones(2), approximate=None)


def test_one_hot_takes_input_by_name():
    assert F.one_hot(input=mg.tensor([1, 0]), num_classes=2).tolist() == [[0, 1], [1, 0]]


def test_integer_inputs_of_the_margin_losses():
    x = mg.tensor([[1, 0, 2], [-1, 3, 0]])
    y = mg.tensor([[1.0, -1.0, 1.0], [-1.0, 1.0, 0.0]])
    L = F.hinge_embedding_loss(x, y, margin=1.5, reduction="none")
    assert L.dtype == mg.int64 and L.tolist() == [[1, 1, 2], [2, 3, 1]]
    with pytest.raises(RuntimeError):
        F.hinge_embedding_loss(x, y)  # the mean of integers
    with pytest.raises(RuntimeError):
        F.soft_margin_loss(x, y)
    with pytest.raises(NotImplementedError):
        F.multi_margin_loss(x, mg.tensor([0, 1], dtype=mg.int32))


def test_kernels_refuse_the_dtypes_pytorch_has_none_for():
    x = mg.tensor([[1, 0], [2, 3]], dtype=mg.uint8)
    with pytest.raises(RuntimeError, match="unsigned"):
        F.hardtanh(x)
    assert F.hardtanh(x, 0, 2).tolist() == [[1, 0], [2, 2]]
    b = x.bool()
    for call in (
        lambda: F.pad(b[None], (1, 1), mode="reflect"),
        lambda: F.max_pool1d(x.long()[None], 2),
        lambda: F.max_pool2d(b[None, None], 2),
        lambda: F.avg_pool2d(x[None, None], 2),
        lambda: F.conv1d(b[None], mg.ones(1, 2, 1, dtype=mg.bool)),
    ):
        with pytest.raises(NotImplementedError):
            call()
    assert F.max_pool2d(x.long()[None, None], 2).tolist() == [[[[3]]]]
    assert F.avg_pool2d(x.long()[None, None], 2).tolist() == [[[[1]]]]
