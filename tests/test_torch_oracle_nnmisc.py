"""Lazy modules, AdaptiveLogSoftmaxWithLoss, fractional max pooling, the nn.init additions,
Module.half/type/to_empty/register_backward_hook and anomaly detection, against PyTorch."""

import inspect
import warnings

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


@pytest.mark.parametrize("name, shape", [("LazyLinear", (2, 3)), ("LazyConv1d", (2, 3, 4)),
                                         ("LazyBatchNorm1d", (4, 3))])  # fmt: skip
@pytest.mark.parametrize("cast", ["double", "half"])
def test_lazy_module_dtype_cast_before_the_first_call(name, shape, cast):
    args = {"LazyLinear": (2,), "LazyConv1d": (2, 1), "LazyBatchNorm1d": ()}[name]
    summary = []
    for lib in (torch, mg):
        m = getattr(getattr(lib.nn, name)(*args), cast)()
        before = [str(v.dtype).replace("torch.", "") for v in m.state_dict().values()]
        dtype = lib.float64 if cast == "double" else lib.float16
        if cast == "double":
            m(lib.zeros(*shape, dtype=dtype))
        else:  # PyTorch's CPU kernels may lack float16: materialize only
            m.initialize_parameters(lib.zeros(*shape, dtype=dtype))
        after = [str(v.dtype).replace("torch.", "") for v in m.state_dict().values()]
        summary.append((before, after))
    assert summary[0] == summary[1]


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
     ((3, 4), [[0, 1, 2]]), ((2, 4), 1), ((3, 2, 4), [0, 1, 2]), ((2, 4), [0.0, 5.0])],
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


# ---- fractional max pooling --------------------------------------------------------------
FRAC = [
    (2, (2, 3, 9, 11), 3, {"output_size": (4, 5)}),
    (2, (3, 7, 7), (2, 3), {"output_size": 3}),
    (2, (1, 1, 10, 10), 2, {"output_size": 9}),
    (2, (2, 2, 8, 6), 2, {"output_ratio": (0.5, 0.7)}),
    (2, (2, 4, 5, 5), 1, {"output_size": 5}),
    (2, (1, 2, 6, 9), (3, 1), {"output_size": (1, 2)}),
    (3, (2, 2, 6, 7, 8), 2, {"output_size": (3, 4, 5)}),
    (3, (2, 5, 5, 6), (1, 2, 3), {"output_size": (2, 3, 3)}),
    (3, (1, 3, 6, 6, 6), 2, {"output_ratio": 0.5}),
    (3, (1, 1, 5, 5, 6), (2, 2, 2), {"output_size": (3, 1, 4)}),
    (2, (0, 3, 6, 6), 2, {"output_size": 3}),
    (2, (2, 3, 6, 6), 2, {"output_size": (0, 2)}),
    (3, (1, 2, 6, 5, 4), 2, {"output_size": (0, 3, 2)}),
]


@pytest.mark.parametrize("n, shape, kernel, kwargs", FRAC)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("values", ["random", "ties", "nan"])
def test_fractional_max_pool_matches_pytorch(n, shape, kernel, kwargs, dtype, values):
    rng = np.random.default_rng(len(shape) * 100 + sum(shape))
    if values == "ties":
        x = rng.integers(-2, 3, shape).astype(dtype)
    else:
        x = rng.standard_normal(shape).astype(dtype)
    if values == "nan":
        x[rng.random(shape) < 0.1] = np.nan
    batch = shape[0] if len(shape) == n + 2 else 1
    S = rng.random((batch, shape[-n - 1], n)).astype(dtype)
    ft = getattr(torch.nn.functional, f"fractional_max_pool{n}d")
    fm = getattr(mg.nn.functional, f"fractional_max_pool{n}d")
    xt, xm = torch.tensor(x, requires_grad=True), mg.tensor(x, requires_grad=True)
    yt, it = ft(xt, kernel, return_indices=True, _random_samples=torch.tensor(S), **kwargs)
    ym, im = fm(xm, kernel, return_indices=True, _random_samples=mg.tensor(S), **kwargs)
    assert ym.shape == tuple(yt.shape) and ym.dtype == getattr(mg, dtype)
    assert im.dtype == mg.int64
    np.testing.assert_array_equal(im.data, it.numpy())
    np.testing.assert_array_equal(ym.data, _np(yt))  # NaNs in the same places too
    g = rng.standard_normal(ym.shape).astype(dtype)
    yt.backward(torch.tensor(g))
    ym.backward(mg.tensor(g))
    np.testing.assert_allclose(xm.grad.data, xt.grad.numpy(), rtol=1e-6, atol=1e-6)
    assert ym.grad_fn.name() == yt.grad_fn.name().rstrip("0123456789")
    y_only = fm(mg.tensor(x), kernel, _random_samples=mg.tensor(S), **kwargs)
    np.testing.assert_array_equal(y_only.data, _np(yt))


@pytest.mark.parametrize("n", [2, 3])
def test_fractional_max_pool_module_matches_pytorch(n):
    rng = np.random.default_rng(n)
    shape = (2, 3) + (7,) * n
    x = rng.standard_normal(shape)
    S = rng.random((2, 3, n))
    name = f"FractionalMaxPool{n}d"
    for kwargs in ({"output_size": 4}, {"output_ratio": 0.6}):
        t = getattr(torch.nn, name)(
            3, return_indices=True, _random_samples=torch.tensor(S), **kwargs
        )
        m = getattr(nn, name)(3, return_indices=True, _random_samples=mg.tensor(S), **kwargs)
        assert repr(m) == repr(t) and list(m.state_dict()) == list(t.state_dict())
        (yt, it), (ym, im) = t(torch.tensor(x)), m(mg.tensor(x))
        np.testing.assert_array_equal(ym.data, _np(yt))
        np.testing.assert_array_equal(im.data, it.numpy())
        assert m.kernel_size == t.kernel_size and m.output_size == t.output_size
        assert m.output_ratio == t.output_ratio
    # without samples: fresh offsets each call, the windows still of PyTorch's sizes
    m = getattr(nn, name)(2, output_ratio=0.5)
    assert m(mg.tensor(x)).shape == tuple(getattr(torch.nn, name)(2, output_ratio=0.5)(
        torch.tensor(x)).shape)  # fmt: skip
    assert _params(getattr(nn, name)) == _params(getattr(torch.nn, name))


FRAC_BAD = [
    "F.fractional_max_pool2d(x4, 3, output_size=5)",
    "F.fractional_max_pool2d(x4, 2)",
    "F.fractional_max_pool2d(x4, 2, output_ratio=0.5)",
    "F.fractional_max_pool2d(x4[0, 0], 2, output_size=3)",
    "F.fractional_max_pool2d(x4, 2, output_size=3, _random_samples=L.rand(2, 3, 3).double())",
    "F.fractional_max_pool2d(x4, 2, output_size=3, _random_samples=L.rand(1, 3, 2).double())",
    "F.fractional_max_pool2d(x4, 2, output_size=3, _random_samples=L.rand(2, 3, 2))",
    "F.fractional_max_pool2d(x4, (2, 2, 2), output_size=3)",
    "F.fractional_max_pool2d(x4, 2, output_size=(3, 3, 3))",
    "F.fractional_max_pool2d(L.zeros(2, 0, 6, 6, dtype=L.float64), 2, output_size=3)",
    "F.fractional_max_pool3d(x4, 2, output_size=2)",
    "F.fractional_max_pool3d(L.zeros(4, 4, 4), 2, output_size=2)",
    "F.fractional_max_pool3d(L.zeros(2, 3, 4, 4, 4), 2, output_size=4)",
    "F.fractional_max_pool3d(L.zeros(1, 1, 4, 5, 6), 2, output_size=(3, 1, 4))",
    "L.nn.FractionalMaxPool2d(2, output_ratio=1.0)",
    "L.nn.FractionalMaxPool3d(0, output_ratio=0.5)",
    "L.nn.FractionalMaxPool3d((2, 0, 2), output_ratio=0.5)",
    "L.nn.FractionalMaxPool2d(2, output_size=2, output_ratio=0.5)",
    "L.nn.FractionalMaxPool3d(2)",
]


@pytest.mark.parametrize("program", FRAC_BAD)
def test_fractional_max_pool_errors_match_pytorch(program):
    types = []
    for lib in (torch, mg):
        env = {"L": lib, "F": lib.nn.functional, "x4": lib.zeros(2, 3, 6, 6, dtype=lib.float64)}
        with pytest.raises(Exception) as info:
            exec(program, env)
        types.append(info.type)
    assert issubclass(types[1], types[0]), types


# ---- nn.init: dirac_, sparse_ and the deprecated names -----------------------------------
@pytest.mark.parametrize(
    "shape, groups",
    [((4, 3, 3), 1), ((6, 4, 3, 3), 2), ((6, 4, 3, 3), 3), ((3, 5, 2, 3, 3), 1),
     ((6, 3, 5), 3), ((2, 6, 4, 4), 2), ((8, 2, 1, 2), 4)],
)  # fmt: skip
def test_dirac_matches_pytorch(shape, groups):
    a = nn.init.dirac_(mg.full(shape, 7.0), groups)
    b = torch.nn.init.dirac_(torch.full(shape, 7.0), groups)
    np.testing.assert_array_equal(a.data, b.numpy())


@pytest.mark.parametrize("shape, groups", [((4, 3), 1), ((2, 2, 2, 2, 2, 2), 1), ((6, 4, 3), 4)])
def test_dirac_errors_match_pytorch(shape, groups):
    for lib in (torch, mg):
        with pytest.raises(ValueError):
            lib.nn.init.dirac_(lib.zeros(*shape), groups)


@pytest.mark.parametrize(
    "shape, sparsity", [((10, 6), 0.3), ((7, 3), 0.0), ((5, 4), 1.0), ((9, 2), 0.5)]
)
def test_sparse_zeros_per_column_match_pytorch(shape, sparsity):
    a = nn.init.sparse_(mg.empty(*shape), sparsity, std=0.5)
    b = torch.nn.init.sparse_(torch.empty(*shape), sparsity, std=0.5)
    np.testing.assert_array_equal((a.data == 0).sum(0), (b.numpy() == 0).sum(0))
    for lib in (torch, mg):
        with pytest.raises(ValueError):
            lib.nn.init.sparse_(lib.empty(2, 3, 4), 0.1)
    assert _params(nn.init.sparse_) == _params(torch.nn.init.sparse_)
    assert _params(nn.init.dirac_) == _params(torch.nn.init.dirac_)


DEPRECATED = [
    ("uniform", (-1.0, 1.0)), ("normal", (0.0, 2.0)), ("constant", (0.25,)), ("eye", ()),
    ("dirac", ()), ("xavier_uniform", ()), ("xavier_normal", ()), ("kaiming_uniform", ()),
    ("kaiming_normal", ()), ("orthogonal", ()), ("sparse", (0.5,)),
]  # fmt: skip


@pytest.mark.parametrize("name, args", DEPRECATED)
def test_deprecated_init_names_warn_as_pytorch(name, args):
    shape = (4, 3, 3) if name == "dirac" else (4, 3)
    caught = []
    for lib in (torch, mg):
        t = lib.zeros(*shape)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            out = getattr(lib.nn.init, name)(t, *args)
        assert out is t
        caught.append([(x.category, str(x.message)) for x in w])
        assert w and w[0].filename == __file__  # the caller's line, as PyTorch's stacklevel
        if name in ("constant", "eye", "dirac"):  # deterministic: the same values
            caught[-1].append(_np(t).tolist())
        else:
            assert np.abs(_np(t)).max() > 0
    assert caught[0] == caught[1]
    assert caught[0][0][0] is FutureWarning


# ---- Module.half, type, to_empty and the deprecated register_backward_hook --------------
def _model(lib):
    lib.manual_seed(0)
    return lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.BatchNorm1d(3), lib.nn.Conv1d(3, 2, 1))


def _dtypes(m):
    return [(k, str(v.dtype).replace("torch.", "")) for k, v in m.state_dict().items()]


@pytest.mark.parametrize(
    "call", ["half()", "type(L.float64)", "type(L.float16)", "half().float()",
             "to_empty(device='cpu')", "to_empty(device='cpu', recurse=False)"],
)  # fmt: skip
def test_module_conversions_match_pytorch(call):
    summaries = []
    for lib in (torch, mg):
        m = _model(lib)
        weight = m[0].weight
        m[0].weight.grad = lib.ones(3, 2)
        out = eval(f"m.{call}", {"m": m, "L": lib})
        assert out is m and m[0].weight is weight  # the same Parameter objects
        assert type(m[0].weight).__name__ == "Parameter" and m[0].weight.requires_grad
        summaries.append((_dtypes(m), str(m[0].weight.grad.dtype).replace("torch.", ""),
                          [(k, tuple(v.shape)) for k, v in m.state_dict().items()]))  # fmt: skip
    assert summaries[0] == summaries[1]
    for name in ("half", "type", "to_empty", "register_backward_hook"):
        assert [p for p, *_ in _params(getattr(nn.Module, name))] == [
            p for p, *_ in _params(getattr(torch.nn.Module, name))
        ]


def test_module_type_to_integers_raises_as_pytorch():
    for lib in (torch, mg):
        with pytest.raises(RuntimeError):
            _model(lib).type(lib.int64)


def test_half_model_runs_in_float16():
    m = nn.Linear(3, 2).half()
    t = torch.nn.Linear(3, 2).half()
    t.load_state_dict({k: torch.tensor(v.numpy()) for k, v in m.state_dict().items()})
    x = np.arange(6, dtype=np.float16).reshape(2, 3) / 4
    ym, yt = m(mg.tensor(x)), t(torch.tensor(x))
    assert ym.dtype == mg.float16
    np.testing.assert_allclose(ym.data, yt.detach().numpy(), rtol=2e-3)


def _hook_modules(lib):
    class Mul(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = lib.nn.Parameter(lib.tensor([1.5, -2.0, 0.5], dtype=lib.float64))

        def forward(self, x):
            return x * self.w

    class MulExp(Mul):
        def forward(self, x):
            return (x * self.w).exp()

    class MulSum(Mul):
        def forward(self, x):
            return (x * self.w).sum()

    class Pair(Mul):
        def forward(self, x):
            return x * self.w, x + self.w

    class Plain(lib.nn.Module):
        def forward(self, x):
            return x * 2.0

    return {"Mul": Mul, "MulExp": MulExp, "MulSum": MulSum, "Pair": Pair, "Plain": Plain}


@pytest.mark.parametrize("name", ["Mul", "MulExp", "MulSum", "Pair", "Plain"])
@pytest.mark.parametrize("input_leaf", [True, False])
def test_register_backward_hook_matches_pytorch(name, input_leaf):
    results = []
    for lib in (torch, mg):
        m = _hook_modules(lib)[name]()
        seen = []

        def hook(module, grad_input, grad_output, m=m, seen=seen):
            assert module is m
            seen.append(
                [
                    [None if g is None else _np(g).tolist() for g in grads]
                    for grads in (grad_input, grad_output)
                ]  # fmt: skip
            )

        m.register_backward_hook(hook)
        x = lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64, requires_grad=True)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            y = m(x if input_leaf else x * 1.0)
        y = y[0] + y[1] if isinstance(y, tuple) else y
        (y.sum() * 3.0).backward()
        results.append((seen, [(c.category, str(c.message)[:50]) for c in w], _np(x.grad).tolist()))
        with pytest.raises(RuntimeError):
            m.register_full_backward_hook(lambda *a: None)
    np.testing.assert_equal(results[1], results[0])


def test_full_then_regular_backward_hook_raises_as_pytorch():
    for lib in (torch, mg):
        m = lib.nn.Linear(2, 2)
        m.register_full_backward_hook(lambda *a: None)
        with pytest.raises(RuntimeError):
            m.register_backward_hook(lambda *a: None)


# ---- autograd namespace and anomaly detection --------------------------------------------
def test_autograd_grad_mode_aliases():
    assert mg.autograd.no_grad is mg.no_grad and torch.autograd.no_grad is torch.no_grad
    assert mg.autograd.enable_grad is mg.enable_grad
    assert mg.autograd.set_grad_enabled is mg.set_grad_enabled
    assert mg.autograd.inference_mode is mg.inference_mode


@pytest.mark.parametrize("requires_grad", [False, True])
def test_variable_matches_pytorch(requires_grad):
    got = []
    for lib in (torch, mg):
        t = lib.ones(2, 3)
        v = lib.autograd.Variable(t, requires_grad=requires_grad)
        v2 = lib.autograd.Variable(t, requires_grad)
        got.append((type(v).__name__, v is t, v.requires_grad, v2.requires_grad, v.is_leaf,
                    tuple(v.shape), isinstance(t, lib.autograd.Variable),
                    t.requires_grad, tuple(lib.autograd.Variable().shape)))  # fmt: skip
        with torch.no_grad():
            v.data[0, 0] = 5.0  # shares t's memory
        assert float(t[0, 0]) == 5.0
        with pytest.raises(TypeError):
            lib.autograd.Variable([1.0])
        with pytest.raises(RuntimeError):
            lib.autograd.Variable(lib.ones(2, dtype=lib.int64), requires_grad=True)
        with pytest.warns(UserWarning, match="volatile"):
            lib.autograd.Variable(t, volatile=True)
    assert got[0] == got[1]


ANOMALY = [
    ("x / x", [0.0, 1.0]),
    ("(x * 0).sqrt() * 0 + x", [0.0, 1.0]),
    ("x.log() * 0", [0.0, 2.0]),
    ("x * 2", [0.0, 2.0]),
    ("(x - x).sqrt()", [1.0, 2.0]),
    ("x.pow(0.5).sum() * x[0]", [0.0, 4.0]),
]


@pytest.mark.parametrize("program, values", ANOMALY)
@pytest.mark.parametrize("check_nan", [True, False])
def test_detect_anomaly_raises_as_pytorch(program, values, check_nan):
    outcomes = []
    for lib in (torch, mg):
        x = lib.tensor(values, dtype=lib.float64, requires_grad=True)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            with lib.autograd.detect_anomaly(check_nan=check_nan):
                assert lib.is_anomaly_enabled() and lib.is_anomaly_check_nan_enabled() == check_nan
                y = eval(program, {"x": x})
                try:
                    y.sum().backward()
                    error = None
                except RuntimeError as e:
                    error = str(e).replace("Backward0", "Backward").replace("Backward1", "Backward")
        assert not lib.is_anomaly_enabled() and lib.is_anomaly_check_nan_enabled()
        messages = [str(c.message) for c in w if c.category is UserWarning]
        assert any("Anomaly Detection has been enabled" in m for m in messages)
        detected = [m.split(".")[0].replace("Backward0", "Backward") for m in messages
                    if m.startswith("Error detected in")]  # fmt: skip
        outcomes.append((error, detected, None if error else _np(x.grad).tolist()))
    np.testing.assert_equal(outcomes[1], outcomes[0])


def test_set_detect_anomaly_matches_pytorch():
    for lib in (torch, mg):
        lib.autograd.set_detect_anomaly(True, check_nan=False)
        assert lib.is_anomaly_enabled() and not lib.is_anomaly_check_nan_enabled()
        with lib.autograd.set_detect_anomaly(False):
            assert not lib.is_anomaly_enabled() and lib.is_anomaly_check_nan_enabled()
        assert lib.is_anomaly_enabled() and not lib.is_anomaly_check_nan_enabled()
        lib.autograd.set_detect_anomaly(False)
        assert not lib.is_anomaly_enabled()
    for name in ("detect_anomaly", "set_detect_anomaly"):
        assert _params(getattr(mg.autograd, name)) == _params(getattr(torch.autograd, name))
