"""Lazy modules, AdaptiveLogSoftmaxWithLoss, fractional max pooling, the nn.init additions,
Module.half/type/to_empty/register_backward_hook and anomaly detection, against PyTorch."""

import inspect

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg
import minigrad.nn as nn

torch = import_torch()


def _np(t):
    return t.detach().numpy() if hasattr(t, "detach") else np.asarray(t)


def _params(fn):
    """Names, kinds and defaults of ``fn``'s parameters."""
    return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()]


# ---- lazy modules ------------------------------------------------------------------------
LAZY = [
    ("LazyLinear", (5,), {}, (2, 3)),
    ("LazyLinear", (4,), {"bias": False}, (2, 7, 3)),
    ("LazyConv1d", (4, 3), {}, (2, 3, 8)),
    ("LazyConv1d", (4, 3), {"groups": 2, "padding": 1}, (6, 8)),
    ("LazyConv2d", (4, 3), {"stride": 2}, (2, 3, 7, 7)),
    ("LazyConv2d", (6, 2), {"groups": 3, "bias": False}, (3, 5, 5)),
    ("LazyConv3d", (2, 2), {}, (1, 3, 4, 4, 4)),
    ("LazyConvTranspose1d", (4, 3), {"output_padding": 1, "stride": 2}, (2, 3, 5)),
    ("LazyConvTranspose2d", (4, 3), {"groups": 2}, (2, 6, 4, 4)),
    ("LazyConvTranspose3d", (2, 2), {}, (3, 3, 3, 3)),
    ("LazyBatchNorm1d", (), {}, (4, 3)),
    ("LazyBatchNorm1d", (), {"affine": False}, (4, 3, 5)),
    ("LazyBatchNorm2d", (), {"momentum": None}, (2, 3, 4, 4)),
    ("LazyBatchNorm3d", (), {"track_running_stats": False, "bias": False}, (2, 3, 2, 2, 2)),
    ("LazyInstanceNorm1d", (), {}, (2, 3, 5)),
    ("LazyInstanceNorm2d", (), {"affine": False, "track_running_stats": False}, (2, 3, 4, 4)),
    ("LazyInstanceNorm3d", (), {"eps": 1e-3}, (2, 3, 2, 3, 2)),
]


def _state_summary(module):
    return [(k, type(v).__name__) for k, v in module.state_dict().items()]


@pytest.mark.parametrize("name, args, kwargs, shape", LAZY)
def test_lazy_module_matches_pytorch(name, args, kwargs, shape):
    m, t = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(m) == repr(t)
    assert m.has_uninitialized_params() == t.has_uninitialized_params()
    kinds = {"UninitializedParameter", "UninitializedBuffer", "Tensor"}
    assert [k for k, _ in _state_summary(m)] == [k for k, _ in _state_summary(t)]
    assert [c for _, c in _state_summary(m)] == [c for _, c in _state_summary(t)]
    assert {c for _, c in _state_summary(m)} <= kinds
    x = np.random.default_rng(0).standard_normal(shape)
    ym, yt = m(mg.tensor(x, dtype=mg.float64).float()), t(torch.tensor(x).float())
    assert type(m).__name__ == type(t).__name__ == name[4:]
    assert repr(m) == repr(t)
    assert [(k, tuple(v.shape)) for k, v in m.state_dict().items()] == [
        (k, tuple(v.shape)) for k, v in t.state_dict().items()
    ]
    assert all(type(p) is nn.Parameter for p in m.parameters())
    assert ym.shape == tuple(yt.shape)
    # the same weights give the same output
    m.load_state_dict({k: mg.tensor(_np(v)) for k, v in t.state_dict().items()})
    np.testing.assert_allclose(_np(m(mg.tensor(x).float())), _np(t(torch.tensor(x).float())),
                               rtol=1e-5, atol=1e-6)  # fmt: skip


@pytest.mark.parametrize("name", sorted({n for n, *_ in LAZY}))
def test_lazy_signatures(name):
    assert _params(getattr(nn, name)) == _params(getattr(torch.nn, name))
    assert (
        getattr(nn, name).cls_to_become.__name__ == getattr(torch.nn, name).cls_to_become.__name__
    )


def test_uninitialized_errors_match_pytorch():
    for lib in (mg, torch):
        m = lib.nn.LazyLinear(3)
        with pytest.raises(ValueError):
            m.weight + 1
        with pytest.raises(RuntimeError):
            _ = m.weight.shape
        assert repr(m.weight) == "<UninitializedParameter>"
        assert m.weight.requires_grad and str(m.weight.dtype).endswith("float32")
        b = lib.nn.parameter.UninitializedBuffer()
        assert repr(b) == "<UninitializedBuffer>" and not b.requires_grad
        b.materialize((2, 3))
        assert type(b).__name__ == "Tensor" and tuple(b.shape) == (2, 3)
        p = lib.nn.parameter.UninitializedParameter(dtype=lib.float64)
        p.materialize(4)
        assert type(p).__name__ == "Parameter" and str(p.dtype).endswith("float64")
        with pytest.raises(RuntimeError):  # a conv input of the wrong rank
            lib.nn.LazyConv2d(3, 2)(lib.zeros(3, 4))
        with pytest.raises(ValueError):  # in_channels not divisible by groups
            lib.nn.LazyConv1d(4, 2, groups=2)(lib.zeros(1, 3, 4))
    for cls in ("UninitializedParameter", "UninitializedBuffer"):
        assert _params(getattr(nn.parameter, cls)) == _params(getattr(torch.nn.parameter, cls))


def test_lazy_load_state_dict_materializes_as_pytorch():
    t_src = torch.nn.Linear(3, 4)
    m, t = nn.LazyLinear(4), torch.nn.LazyLinear(4)
    m.load_state_dict({k: mg.tensor(_np(v)) for k, v in t_src.state_dict().items()})
    t.load_state_dict(t_src.state_dict())
    assert repr(m) == repr(t) and type(m).__name__ == type(t).__name__ == "LazyLinear"
    np.testing.assert_array_equal(_np(m.weight), _np(t.weight))
    x = np.ones((2, 3), np.float32)
    np.testing.assert_allclose(_np(m(mg.tensor(x))), _np(t(torch.tensor(x))), rtol=1e-6)
    assert repr(m) == repr(t)  # in_features read from the input
    for lib in (mg, torch):
        with pytest.raises(RuntimeError):
            lib.nn.LazyLinear(4).load_state_dict({})


# ---- AdaptiveLogSoftmaxWithLoss ----------------------------------------------------------
ASM = [
    ((16, 20, [5, 10, 15]), {}),
    ((8, 10, [3]), {"div_value": 2.0, "head_bias": True}),
    ((12, 30, [2, 4, 8, 16]), {"div_value": 1.5}),
    ((6, 5, [1, 2, 3, 4]), {"div_value": 1.0, "head_bias": True}),
]


def _copy_weights(m, t):
    m.load_state_dict({k: mg.tensor(_np(v)) for k, v in t.state_dict().items()})


@pytest.mark.parametrize("args, kwargs", ASM)
@pytest.mark.parametrize("batch", [7, 1, None])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_adaptive_log_softmax_matches_pytorch(args, kwargs, batch, dtype):
    t = torch.nn.AdaptiveLogSoftmaxWithLoss(*args, **kwargs).to(getattr(torch, dtype))
    m = nn.AdaptiveLogSoftmaxWithLoss(*args, **kwargs).to(getattr(mg, dtype))
    assert repr(m) == repr(t)
    assert [(k, tuple(v.shape)) for k, v in m.named_parameters()] == [
        (k, tuple(v.shape)) for k, v in t.named_parameters()
    ]
    _copy_weights(m, t)
    rng = np.random.default_rng(batch or 0)
    shape = (args[0],) if batch is None else (batch, args[0])
    x = rng.standard_normal(shape).astype(dtype)
    y = rng.integers(0, args[1], () if batch is None else (batch,))
    if batch == 7:
        y[:3] = [0, args[1] - 1, args[2][0]]  # the shortlist, the last cluster, a cutoff
    xt, xm = torch.tensor(x, requires_grad=True), mg.tensor(x, requires_grad=True)
    ot, om = t(xt, torch.tensor(y)), m(xm, mg.tensor(y))
    assert type(om).__name__ == "_ASMoutput" and om._fields == ot._fields
    assert om.output.shape == tuple(ot.output.shape) and om.loss.shape == ()
    tol = {"rtol": 1e-10, "atol": 1e-12} if dtype == "float64" else {"rtol": 1e-5, "atol": 1e-6}
    np.testing.assert_allclose(om.output.data, _np(ot.output), **tol)
    np.testing.assert_allclose(om.loss.data, _np(ot.loss), **tol)
    assert om.output.dtype == getattr(mg, dtype)
    g = rng.standard_normal(om.output.shape).astype(dtype)
    ((om.output * mg.tensor(g)).sum() + om.loss).backward()
    ((ot.output * torch.tensor(g)).sum() + ot.loss).backward()
    np.testing.assert_allclose(xm.grad.data, _np(xt.grad), **tol)
    for (name, p), q in zip(m.named_parameters(), t.parameters()):
        assert (p.grad is None) == (q.grad is None), name  # a cluster no target is in
        if q.grad is not None:
            np.testing.assert_allclose(p.grad.data, _np(q.grad), err_msg=name, **tol)
    if batch is not None:
        lp_t, lp_m = t.log_prob(xt), m.log_prob(xm)
        np.testing.assert_allclose(lp_m.data, _np(lp_t), **tol)
        np.testing.assert_array_equal(m.predict(xm).data, _np(t.predict(xt)))
        assert m.predict(xm).dtype == mg.int64


def test_adaptive_log_softmax_predict_all_branches():
    t = torch.nn.AdaptiveLogSoftmaxWithLoss(4, 9, [2, 5], head_bias=True).double()
    m = nn.AdaptiveLogSoftmaxWithLoss(4, 9, [2, 5], head_bias=True).double()
    x = np.random.default_rng(3).standard_normal((6, 4))
    for bias in ([9.0, 9.0, 0.0, 0.0], [0.0, 0.0, 9.0, 9.0], [0.0, 0.0, 0.0, 0.0]):
        with torch.no_grad():
            t.head.bias.copy_(torch.tensor(bias))
        _copy_weights(m, t)
        np.testing.assert_array_equal(m.predict(mg.tensor(x)).data, _np(t.predict(torch.tensor(x))))


@pytest.mark.parametrize(
    "args",
    [(8, 10, []), (8, 10, [3, 2]), (8, 10, [0, 3]), (8, 10, [3, 10]), (8, 10, [3, 3]),
     (8, 10, [2.5])],
)  # fmt: skip
def test_adaptive_log_softmax_bad_cutoffs_raise_as_pytorch(args):
    with pytest.raises(ValueError):
        torch.nn.AdaptiveLogSoftmaxWithLoss(*args)
    with pytest.raises(ValueError):
        nn.AdaptiveLogSoftmaxWithLoss(*args)


@pytest.mark.parametrize(
    "x_shape, y",
    [((3, 4), [0, 1, 10]), ((3, 4), [0, -1, 2]), ((3, 4), [0, 1]), ((4,), [1]),
     ((3, 4), [[0, 1, 2]]), ((2, 4), 1), ((3, 2, 4), [0, 1, 2])],
)  # fmt: skip
def test_adaptive_log_softmax_bad_input_raises_as_pytorch(x_shape, y):
    x = np.zeros(x_shape)
    errors = []
    for lib in (torch, mg):
        m = lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3, 6]).double()
        with pytest.raises(Exception) as info:
            m(lib.tensor(x), lib.tensor(y))
        errors.append(info.type)
    assert errors[0] is errors[1] is RuntimeError


def test_adaptive_log_softmax_signature():
    assert _params(nn.AdaptiveLogSoftmaxWithLoss) == _params(torch.nn.AdaptiveLogSoftmaxWithLoss)
