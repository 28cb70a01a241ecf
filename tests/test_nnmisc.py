"""Lazy modules, AdaptiveLogSoftmaxWithLoss, fractional max pooling, nn.init additions,
Module.half/type/to_empty/register_backward_hook and anomaly detection, without PyTorch."""

import copy
import math

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
from minigrad.nn.parameter import UninitializedBuffer, UninitializedParameter

# ---- lazy modules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, x_shape, weight_shape",
    [
        (lambda: nn.LazyLinear(5), (2, 3), (5, 3)),
        (lambda: nn.LazyLinear(2), (4, 6, 7), (2, 7)),
        (lambda: nn.LazyConv1d(4, 3, groups=2), (2, 6, 9), (4, 3, 3)),
        (lambda: nn.LazyConv2d(4, (2, 3)), (5, 6, 6), (4, 5, 2, 3)),
        (lambda: nn.LazyConv3d(2, 1), (1, 3, 2, 2, 2), (2, 3, 1, 1, 1)),
        (lambda: nn.LazyConvTranspose1d(4, 3, groups=2), (2, 6, 9), (6, 2, 3)),
        (lambda: nn.LazyConvTranspose2d(3, 2), (1, 5, 3, 3), (5, 3, 2, 2)),
        (lambda: nn.LazyConvTranspose3d(3, 2), (5, 3, 3, 3), (5, 3, 2, 2, 2)),
    ],
)
def test_lazy_weight_shape_and_init_bounds(make, x_shape, weight_shape):
    m = make()
    assert isinstance(m.weight, UninitializedParameter) and m.has_uninitialized_params()
    y = m(mg.randn(*x_shape))
    assert type(m.weight) is nn.Parameter and m.weight.shape == weight_shape
    assert not isinstance(m, nn.lazy.LazyModuleMixin)
    fan_in = math.prod(weight_shape[1:])
    assert np.abs(m.weight.data).max() <= 1 / math.sqrt(fan_in)  # kaiming_uniform_(a=sqrt(5))
    assert np.abs(m.bias.data).max() <= 1 / math.sqrt(fan_in)
    assert np.abs(m.weight.data).max() > 0.2 / math.sqrt(fan_in)  # drawn, not left empty
    y.sum().backward()
    assert m.weight.grad.shape == weight_shape


@pytest.mark.parametrize("cls", ["BatchNorm1d", "BatchNorm2d", "InstanceNorm1d", "InstanceNorm3d"])
def test_lazy_norm_materializes_ones_zeros(cls):
    shape = {"BatchNorm1d": (4, 3), "BatchNorm2d": (2, 3, 2, 2), "InstanceNorm1d": (2, 3, 4),
             "InstanceNorm3d": (2, 3, 2, 2, 2)}[cls]  # fmt: skip
    m = getattr(nn, "Lazy" + cls)()
    assert isinstance(m.running_mean, UninitializedBuffer)
    assert m.num_batches_tracked.item() == 0
    m(mg.randn(*shape))
    assert type(m) is getattr(nn, cls) and m.num_features == 3
    assert m.weight.tolist() == [1.0] * 3 and m.bias.tolist() == [0.0] * 3
    assert type(m.running_mean) is mg.Tensor and m.running_mean.shape == (3,)
    assert m.running_var.shape == (3,)


def test_uninitialized_parameter_refuses_use_until_materialized():
    p = UninitializedParameter(dtype=mg.float64)
    with pytest.raises(ValueError):
        p * 2
    with pytest.raises(RuntimeError):
        _ = p.shape
    q = copy.deepcopy(p)
    assert type(q) is UninitializedParameter and q.dtype == mg.float64
    p.materialize((2, 3))
    assert type(p) is nn.Parameter and p.shape == (2, 3) and p.dtype == mg.float64
    assert type(q) is UninitializedParameter  # the copy is its own


def test_lazy_state_dict_round_trip():
    m = nn.Sequential(nn.LazyLinear(4), nn.ReLU(), nn.LazyLinear(2))
    sd = m.state_dict()
    assert list(sd) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert all(isinstance(v, UninitializedParameter) for v in sd.values())
    m(mg.ones(1, 3))
    fresh = nn.Sequential(nn.LazyLinear(4), nn.ReLU(), nn.LazyLinear(2))
    fresh.load_state_dict(m.state_dict())
    assert fresh[0].weight.shape == (4, 3)
    x = mg.randn(5, 3)
    np.testing.assert_array_equal(fresh(x).data, m(x).data)
    assert type(fresh[0]) is nn.Linear and fresh[0].in_features == 3


def test_lazy_parameters_are_the_same_objects_after_materializing():
    m = nn.LazyLinear(3)
    params = list(m.parameters())
    opt = mg.optim.SGD(m.parameters(), lr=0.1)
    m(mg.ones(2, 4)).sum().backward()
    assert [id(p) for p in m.parameters()] == [id(p) for p in params]
    before = m.weight.data.copy()
    opt.step()
    np.testing.assert_allclose(m.weight.data, before - 0.1 * m.weight.grad.data)


def _install(module, names, tensors):
    """Make ``tensors`` the parameters ``names`` of ``module`` (as a functional call would),
    so that gradcheck's copies of them are what the forward uses."""
    for name, t in zip(names, tensors):
        path, _, leaf = name.rpartition(".")
        module.get_submodule(path)._parameters[leaf] = t


# ---- AdaptiveLogSoftmaxWithLoss ----------------------------------------------------------
@pytest.mark.parametrize(
    "args, kwargs", [((6, 9, [2, 5]), {"head_bias": True}), ((8, 12, [3]), {"div_value": 2.0})]
)
def test_adaptive_log_softmax_gradcheck(args, kwargs):
    mg.manual_seed(0)
    m = nn.AdaptiveLogSoftmaxWithLoss(*args, **kwargs).double()
    x = mg.randn(5, args[0], dtype=mg.float64, requires_grad=True)
    y = mg.tensor(np.array([0, args[1] - 1, args[2][0], 1, args[1] - 2]))
    names = [name for name, _ in m.named_parameters()]
    params = [p.detach().requires_grad_() for p in m.parameters()]

    def f(x, *ps):
        _install(m, names, ps)
        out = m(x, y)
        return out.output.sum() * 0.3 + out.loss

    assert mg.gradcheck(f, [x] + params)


def test_adaptive_log_softmax_is_a_distribution():
    mg.manual_seed(1)
    m = nn.AdaptiveLogSoftmaxWithLoss(5, 11, [3, 7], div_value=2.0).double()
    x = mg.randn(6, 5, dtype=mg.float64)
    log_prob = m.log_prob(x)
    assert log_prob.shape == (6, 11)
    np.testing.assert_allclose(np.exp(log_prob.data).sum(1), 1.0, rtol=1e-12)
    y = np.array([0, 2, 3, 6, 7, 10])
    out = m(x, mg.tensor(y))
    np.testing.assert_allclose(out.output.data, log_prob.data[np.arange(6), y], rtol=1e-12)
    np.testing.assert_allclose(out.loss.item(), -log_prob.data[np.arange(6), y].mean())
    np.testing.assert_array_equal(m.predict(x).data, log_prob.data.argmax(1))
    # the head has shortlist + clusters outputs; tail i projects to in_features // 2**(i+1)
    assert m.head.weight.shape == (5, 5)
    shapes = [tuple(lin.weight.shape) for seq in m.tail for lin in seq]
    assert shapes == [(2, 5), (4, 2), (1, 5), (4, 1)]


# ---- fractional max pooling --------------------------------------------------------------
def _fractional_reference(x, kernel, out, samples):
    """Fractional max pooling by loops over planes and output cells (PyTorch's kernel):
    window starts int((i + u) a) - int(u a), a = (I - k) / (O - 1), the last at I - k."""
    n = len(kernel)
    spatial = x.shape[2:]
    y = np.empty(x.shape[:2] + tuple(out), x.dtype)
    idx = np.empty(y.shape, np.int64)
    for b in range(x.shape[0]):
        for c in range(x.shape[1]):
            u = samples[b, c][::-1] if n == 2 else samples[b, c]  # 2-D samples are (w, h)
            starts = []
            for d in range(n):
                a = x.dtype.type(spatial[d] - kernel[d]) / x.dtype.type(max(out[d] - 1, 1))
                seq = [int((x.dtype.type(i) + u[d]) * a) - int(u[d] * a) for i in range(out[d] - 1)]
                starts.append(seq + [spatial[d] - kernel[d]])
            for o in np.ndindex(*out):
                best, at = -np.inf, None
                for w in np.ndindex(*kernel):
                    p = tuple(starts[d][o[d]] + w[d] for d in range(n))
                    if x[(b, c) + p] > best or np.isnan(x[(b, c) + p]) or at is None:
                        best, at = x[(b, c) + p], p
                y[(b, c) + o] = best
                idx[(b, c) + o] = np.ravel_multi_index(at, spatial)
    return y, idx


@pytest.mark.parametrize(
    "shape, kernel, out",
    [
        ((2, 3, 9, 11), (3, 2), (4, 5)),
        ((1, 2, 6, 6), (2, 2), (5, 3)),
        ((1, 2, 5, 6, 7), (2, 3, 2), (3, 2, 4)),
    ],
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fractional_max_pool_matches_loops(shape, kernel, out, dtype):
    rng = np.random.default_rng(sum(shape))
    x = rng.integers(-3, 4, shape).astype(dtype)  # ties
    x[rng.random(shape) < 0.05] = np.nan
    n = len(kernel)
    S = rng.random((shape[0], shape[1], n)).astype(dtype)
    f = getattr(nn.functional, f"fractional_max_pool{n}d")
    y, idx = f(mg.tensor(x), kernel, out, return_indices=True, _random_samples=mg.tensor(S))
    y_ref, idx_ref = _fractional_reference(x, kernel, out, S)
    np.testing.assert_array_equal(y.data, y_ref)
    np.testing.assert_array_equal(idx.data, idx_ref)


@pytest.mark.parametrize("n", [2, 3])
def test_fractional_max_pool_gradcheck(n):
    rng = np.random.default_rng(n)
    shape = (2, 2) + (5,) * n
    x = mg.tensor(rng.permutation(np.prod(shape)).reshape(shape) / 7.0, requires_grad=True)
    S = mg.tensor(rng.random((2, 2, n)))
    f = getattr(nn.functional, f"fractional_max_pool{n}d")
    assert mg.gradcheck(lambda x: f(x, 2, output_size=3, _random_samples=S), [x])
    xu = mg.tensor(x.data[0], requires_grad=True)  # unbatched
    assert mg.gradcheck(lambda x: f(x, 2, output_ratio=(0.7,) * n, _random_samples=S), [xu])


def test_fractional_max_pool_without_samples_draws_them_from_the_seed():
    x = mg.randn(2, 3, 10, 10)
    mg.manual_seed(5)
    a = nn.FractionalMaxPool2d(3, output_size=5)(x)
    mg.manual_seed(5)
    b = nn.FractionalMaxPool2d(3, output_size=5)(x)
    np.testing.assert_array_equal(a.data, b.data)
    assert a.shape == (2, 3, 5, 5)
    # every output is the maximum of a 3x3 window of its plane
    windows = np.lib.stride_tricks.sliding_window_view(x.data, (3, 3), axis=(2, 3)).max((-1, -2))
    for b_, c in np.ndindex(2, 3):
        assert np.isin(a.data[b_, c], windows[b_, c]).all()


# ---- nn.init: dirac_, sparse_ and the deprecated names -----------------------------------
@pytest.mark.parametrize("shape, groups", [((4, 4, 3, 3), 1), ((6, 3, 5), 2), ((4, 2, 3, 3, 3), 2)])
def test_dirac_weight_makes_the_conv_an_identity(shape, groups):
    w = nn.init.dirac_(mg.empty(*shape), groups)
    n = len(shape) - 2
    x = mg.randn(2, shape[1] * groups, *(5,) * n)
    conv = getattr(nn.functional, f"conv{n}d")
    y = conv(x, w, padding=tuple(k // 2 for k in shape[2:]), groups=groups)
    per_group = shape[0] // groups
    for g in range(groups):
        for d in range(min(per_group, shape[1])):
            np.testing.assert_allclose(y.data[:, g * per_group + d], x.data[:, g * shape[1] + d])
    assert w.data.sum() == groups * min(per_group, shape[1])


def test_sparse_zeros_each_column_and_draws_normals():
    mg.manual_seed(0)
    w = nn.init.sparse_(mg.empty(200, 50), sparsity=0.25, std=2.0)
    assert ((w.data == 0).sum(0) == 50).all()  # ceil(0.25 * 200)
    nonzero = w.data[w.data != 0]
    assert abs(nonzero.std() - 2.0) < 0.1 and abs(nonzero.mean()) < 0.1
    mg.manual_seed(0)
    again = nn.init.sparse_(mg.empty(200, 50), sparsity=0.25, std=2.0)
    np.testing.assert_array_equal(w.data, again.data)
    with pytest.raises(ValueError):
        nn.init.sparse_(mg.empty(3), 0.5)


@pytest.mark.parametrize("old", ["uniform", "normal", "constant", "eye", "dirac", "xavier_uniform",
                                 "xavier_normal", "kaiming_uniform", "kaiming_normal",
                                 "orthogonal", "sparse"])  # fmt: skip
def test_deprecated_init_names_call_the_in_place_form(old):
    args = {"constant": (3.0,), "sparse": (0.5,)}.get(old, ())
    shape = (3, 2, 3) if old == "dirac" else (5, 4)
    a, b = mg.zeros(*shape), mg.zeros(*shape)
    mg.manual_seed(1)
    with pytest.warns(FutureWarning, match=f"nn.init.{old}_"):
        assert getattr(nn.init, old)(a, *args) is a
    mg.manual_seed(1)
    getattr(nn.init, old + "_")(b, *args)
    np.testing.assert_array_equal(a.data, b.data)
    assert getattr(nn.init, old).__name__ == old


# ---- Module.half, type, to_empty and the deprecated register_backward_hook --------------
def test_half_type_to_empty():
    m = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    weight = m[0].weight
    m.half()
    assert m[0].weight is weight and weight.dtype == mg.float16
    assert m[1].running_var.dtype == mg.float16 and m[1].num_batches_tracked.dtype == mg.int64
    assert m(mg.ones(4, 2, dtype=mg.float16)).dtype == mg.float16
    m.type(mg.float64)
    assert weight.dtype == mg.float64 and m[1].num_batches_tracked.dtype == mg.float64
    m.type("torch.FloatTensor")
    assert weight.dtype == mg.float32
    with pytest.raises(RuntimeError):
        m.type(mg.int32)
    before = m[1].running_var
    assert m.to_empty(device="cpu", recurse=False) is m and m[1].running_var is before
    m.to_empty(device="cpu")
    assert m[1].running_var is not before and m[1].running_var.shape == (3,)
    assert m[0].weight is weight and weight.shape == (3, 2) and weight.requires_grad


def test_register_backward_hook_sees_the_output_node_gradients():
    class Mul(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(mg.tensor([2.0, -1.0], dtype=mg.float64))

        def forward(self, x):
            return x * self.w

    m, calls = Mul(), []
    m.register_backward_hook(lambda mod, gi, go: calls.append((mod, gi, go)))
    x = mg.tensor([3.0, 5.0], dtype=mg.float64, requires_grad=True)
    with pytest.warns(FutureWarning, match="non-full backward hook"):
        y = m(x)  # the Mul node's inputs include a leaf parameter: PyTorch warns too
    (y * mg.tensor([1.0, 10.0], dtype=mg.float64)).sum().backward()
    (mod, (gx, gw), (go,)), = calls  # fmt: skip
    assert mod is m
    np.testing.assert_array_equal(go.data, [1.0, 10.0])
    np.testing.assert_array_equal(gx.data, [2.0, -10.0])  # g * w
    np.testing.assert_array_equal(gw.data, [3.0, 50.0])  # g * x
    # a hook that returns new grad_input replaces it
    m2 = Mul()
    m2.register_backward_hook(lambda mod, gi, go: (gi[0] * 0, gi[1]))
    x2 = mg.tensor([3.0, 5.0], dtype=mg.float64, requires_grad=True)
    with pytest.warns(FutureWarning):
        m2(x2).sum().backward()
    np.testing.assert_array_equal(x2.grad.data, [0.0, 0.0])
    with pytest.raises(RuntimeError):
        m2.register_full_backward_hook(lambda *a: None)


# ---- autograd namespace and anomaly detection --------------------------------------------
def test_anomaly_detection_names_the_node_that_made_nan():
    x = mg.tensor([0.0, 4.0], dtype=mg.float64, requires_grad=True)
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        mode = mg.autograd.detect_anomaly()
    with mode, np.errstate(all="ignore"):
        y = x.sqrt() * mg.tensor([0.0, 1.0], dtype=mg.float64)  # d sqrt at 0: inf * 0
        with pytest.warns(UserWarning, match="Error detected in SqrtBackward"):
            with pytest.raises(RuntimeError, match="Function 'SqrtBackward' returned nan "
                                                   "values in its 0th output"):  # fmt: skip
                y.sum().backward()
    assert not mg.is_anomaly_enabled()
    with np.errstate(all="ignore"):  # off: the NaN goes through, as without detection
        x.grad = None
        (x.sqrt() * mg.tensor([0.0, 1.0], dtype=mg.float64)).sum().backward()
    assert np.isnan(x.grad.data[0]) and x.grad.data[1] == 0.25


def test_anomaly_detection_without_nan_check_and_as_decorator():
    with pytest.warns(UserWarning):

        @mg.autograd.detect_anomaly(check_nan=False)
        def run(x):
            assert mg.is_anomaly_enabled() and not mg.is_anomaly_check_nan_enabled()
            (x / x).sum().backward()
            return x.grad

    x = mg.tensor([0.0, 1.0], dtype=mg.float64, requires_grad=True)
    with np.errstate(all="ignore"):
        g = run(x)
    assert np.isnan(g.data[0]) and g.data[1] == 0.0
    assert not mg.is_anomaly_enabled() and mg.is_anomaly_check_nan_enabled()
    mg.autograd.set_detect_anomaly(True)
    try:
        y = mg.tensor([1.0, 2.0], requires_grad=True)
        (y * y).sum().backward()  # no NaN: nothing raised, the gradients as ever
        assert y.grad.tolist() == [2.0, 4.0]
    finally:
        mg.autograd.set_detect_anomaly(False)
    assert not mg.is_anomaly_enabled()


def test_variable_is_a_detached_tensor():
    t = mg.ones(3)
    v = mg.autograd.Variable(t, requires_grad=True)
    assert type(v) is mg.Tensor and v.requires_grad and v.is_leaf and v is not t
    assert not t.requires_grad and np.shares_memory(v.data, t.data)
    assert isinstance(t, mg.autograd.Variable) and not isinstance(1.0, mg.autograd.Variable)
    assert mg.autograd.Variable().shape == (0,)
    with pytest.raises(TypeError):
        mg.autograd.Variable(np.ones(3))
    assert mg.autograd.no_grad is mg.no_grad and mg.autograd.inference_mode is mg.inference_mode
