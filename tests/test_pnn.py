"""Regression tests (torch-free) for divergences from PyTorch found in nn by a probe:
the containers' keyword arguments, F.linear's bias broadcast to the output, the class
losses when the counted targets' weights sum to zero. Then, torch-free, the PyTorch 2.13
names of a later pnn round: optim.Adafactor, Muon, SparseAdam by their formulas in NumPy;
nn.DataParallel, SyncBatchNorm, Container, NLLLoss2d, CrossMapLRN2d, linear_cross_entropy;
the torch.* ATen forms of the losses, RNN cells and layers by gradcheck; linalg.ldl_*."""

import inspect
import math

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.optim.muon import _bfloat16, _newton_schulz


def test_modules_keeps_duplicates_on_request():
    lin = nn.Linear(1, 1)
    seq = nn.Sequential(lin, nn.ReLU(), lin)
    assert [type(m).__name__ for m in seq.modules()] == ["Sequential", "Linear", "ReLU"]
    every = list(seq.modules(remove_duplicate=False))
    assert [type(m).__name__ for m in every] == ["Sequential", "Linear", "ReLU", "Linear"]
    assert every[1] is every[3] is lin


@pytest.mark.parametrize(
    "method, params",
    [
        (nn.Sequential.pop, ["self", "key"]),
        (nn.Sequential.extend, ["self", "sequential"]),
        (nn.ModuleList.pop, ["self", "key"]),
        (nn.ModuleList.__iadd__, ["self", "modules"]),
        (nn.Module.modules, ["self", "remove_duplicate"]),
    ],
)
def test_container_methods_take_pytorchs_keywords(method, params):
    assert list(inspect.signature(method).parameters) == params


def test_container_keywords_work():
    seq = nn.Sequential(nn.ReLU(), nn.Tanh())
    assert isinstance(seq.pop(key=0), nn.ReLU)
    seq.extend(sequential=[nn.Sigmoid()])
    assert [type(m) for m in seq] == [nn.Tanh, nn.Sigmoid]
    ml = nn.ModuleList([nn.ReLU(), nn.Tanh()])
    assert isinstance(ml.pop(key=-1), nn.Tanh) and len(ml) == 1


@pytest.mark.parametrize(
    "x_shape, b_shape",
    [((2, 3), (2, 4)), ((2, 3), (2, 1)), ((2, 3), (1, 4)), ((5, 2, 3), (2, 4)),
     ((5, 2, 3), (5, 1, 4)), ((5, 2, 3), ()), ((2, 3), (4,))],
)  # fmt: skip
def test_linear_bias_broadcast_to_the_output_has_its_gradient(x_shape, b_shape):
    rng = np.random.default_rng(0)
    x, w, b = (
        mg.tensor(rng.standard_normal(s), dtype=mg.float64, requires_grad=True)
        for s in (x_shape, (4, 3), b_shape)
    )
    assert mg.gradcheck(F.linear, (x, w, b))
    y = F.linear(x, w, b)
    g = rng.standard_normal(y.shape)
    y.backward(mg.tensor(g))
    expected = g.sum(tuple(range(g.ndim - len(b_shape)))) if b_shape else g.sum()
    keep = tuple(i for i, n in enumerate(b_shape) if n == 1)
    np.testing.assert_allclose(b.grad.numpy(), expected.sum(keep, keepdims=True), rtol=1e-12)


@pytest.mark.parametrize(
    "call",
    [
        lambda x: F.cross_entropy(x, mg.tensor([0, 1]), weight=[1.0, 2.0, 3.0]),
        lambda x: F.cross_entropy(x, x, weight=np.ones(3, np.float32)),
        lambda x: F.nll_loss(x, mg.tensor([0, 1]), weight=np.ones(3, np.float32)),
        lambda x: F.binary_cross_entropy(x, x, weight=2.0),
        lambda x: F.binary_cross_entropy_with_logits(x, x, weight=[1.0, 2.0, 3.0]),
        lambda x: F.binary_cross_entropy_with_logits(x, x, pos_weight=2.0),
        lambda x: F.mse_loss(x, x, weight=np.ones((2, 3), np.float32)),
    ],
)
def test_loss_weights_must_be_tensors(call):
    x = mg.tensor([[0.2, 0.7, 0.1], [0.5, 0.5, 0.5]])
    with pytest.raises(TypeError, match="weight' must be Tensor"):
        call(x)


@pytest.mark.parametrize("loss", [F.cross_entropy, F.nll_loss])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
def test_mean_over_zero_total_weight_is_nan_for_the_counted_samples(loss, label_smoothing):
    """PyTorch's mean is Σ w[y] l / Σ w[y] and its gradient g w[y] / Σ w[y]: with the
    counted weights all 0, 0 / 0 in the loss and in each counted sample's gradient; an
    ignored sample gets no gradient."""
    if loss is F.nll_loss and label_smoothing:
        return
    kw = {"label_smoothing": label_smoothing} if label_smoothing else {}
    x = mg.tensor([[1.0, 2.0, 0.5], [0.1, -1.0, 2.0], [0.3, 0.3, 0.3]], requires_grad=True)
    out = loss(x, mg.tensor([0, 2, 1]), weight=mg.tensor([0.0, 0.0, 1.0]), ignore_index=2, **kw)
    out.backward()
    assert np.isnan(out.item())
    # nll_loss: NaN at each counted target; cross_entropy: through the softmax, whole rows
    nan = np.array([[1, 0, 0], [0, 0, 0], [0, 1, 0]], bool)
    nan = nan if loss is F.nll_loss else nan.any(1, keepdims=True) | nan
    np.testing.assert_array_equal(np.isnan(x.grad.numpy()), nan)
    np.testing.assert_array_equal(x.grad.numpy()[~nan], 0.0)
    all_ignored = loss(x, mg.tensor([2, 2, 2]), ignore_index=2, **kw)
    x.grad = None
    all_ignored.backward()
    assert np.isnan(all_ignored.item())
    np.testing.assert_array_equal(x.grad.numpy(), 0.0)


# ========================================================================================
# the PyTorch 2.13 names of the later pnn round


def test_adafactor_one_factored_step_by_formula():
    rng = np.random.default_rng(0)
    theta, g = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    p = mg.tensor(theta, requires_grad=True)
    opt = mg.optim.Adafactor([p], lr=0.5, weight_decay=0.1)
    p.grad = mg.tensor(g)
    opt.step()
    # step 1: β̂ = 1, ρ = min(0.5, 1) = 0.5, α = max(1e-3, RMS(θ)) ρ
    alpha = max(1e-3, np.sqrt(np.mean(theta**2))) * 0.5
    r, c = np.mean(g**2, axis=1, keepdims=True), np.mean(g**2, axis=0, keepdims=True)
    v = r @ c / max(np.mean(r), np.finfo(np.float64).eps)
    u = g / np.sqrt(v)
    expected = theta * (1 - 0.5 * 0.1) - alpha * u / max(1.0, np.sqrt(np.mean(u**2)))
    np.testing.assert_allclose(p.detach().numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(opt.state[p]["row_var"].numpy(), r, rtol=1e-12)
    assert opt.state[p]["col_var"].shape == (1, 4)
    assert "variance" not in opt.state[p]


def test_adafactor_vector_steps_by_formula():
    theta = np.array([1.0, -2.0, 0.5])
    grads = [np.array([0.3, -0.1, 2.0]), np.array([-1.0, 0.2, 0.4])]
    p = mg.tensor(theta, requires_grad=True)
    opt = mg.optim.Adafactor([p], lr=0.3, d=1.5, maximize=True)
    v = np.zeros(3)
    for t, g in enumerate(grads, 1):
        p.grad = mg.tensor(g)
        opt.step()
        g = -g
        beta = t**-0.8
        alpha = max(1e-3, np.sqrt(np.mean(theta**2))) * min(0.3, 1 / math.sqrt(t))
        v = v + beta * (g * g - v)
        u = g / np.sqrt(np.maximum(v, np.finfo(np.float64).eps ** 2))
        theta = theta - alpha * u / max(1.0, np.sqrt(np.mean(u**2)) / 1.5)
        np.testing.assert_allclose(p.detach().numpy(), theta, rtol=1e-12)
    assert opt.state[p]["step"].item() == 2.0


def test_adafactor_state_dict_round_trip_with_factored_state():
    p = mg.ones(2, 3, requires_grad=True)
    opt = mg.optim.Adafactor([p])
    p.grad = mg.ones(2, 3)
    opt.step()
    q = mg.ones(2, 3, requires_grad=True)
    other = mg.optim.Adafactor([q])
    other.load_state_dict(opt.state_dict())
    assert other.state[q]["row_var"].shape == (2, 1)


def test_bfloat16_rounding_ties_to_even():
    one_ulp = 2.0**-7  # bfloat16 keeps 8 significant bits
    x = np.array([1.0 + one_ulp / 2, 1.0 + 3 * one_ulp / 2, 1.0 + one_ulp / 4, -3.0])
    np.testing.assert_array_equal(
        _bfloat16(x), np.array([1.0, 1.0 + 2 * one_ulp, 1.0, -3.0], np.float32)
    )


@pytest.mark.parametrize("shape", [(4, 7), (9, 3), (5, 5)])
def test_newton_schulz_nearly_orthogonalises(shape):
    """Muon's iteration leaves the singular values of the result near 1 (its quintic
    lands them in roughly [0.7, 1.2]), whatever those of g are."""
    g = np.random.default_rng(1).standard_normal(shape) * np.linspace(0.1, 10, shape[1])
    s = np.linalg.svd(_newton_schulz(g, (3.4445, -4.7750, 2.0315), 5, 1e-7), compute_uv=False)
    assert s.min() > 0.6 and s.max() < 1.3


def test_muon_step_by_formula():
    rng = np.random.default_rng(2)
    theta, g = rng.standard_normal((6, 3)), rng.standard_normal((6, 3))
    p = mg.tensor(theta, requires_grad=True)
    opt = mg.optim.Muon([p], lr=0.1, weight_decay=0.2, momentum=0.9)
    p.grad = mg.tensor(g)
    opt.step()
    buf = 0.1 * g  # b ← b + (1 - μ)(g - b) from b = 0
    update = g + 0.9 * (buf - g)  # nesterov
    ortho = _newton_schulz(update, (3.4445, -4.7750, 2.0315), 5, 1e-7).astype(np.float64)
    expected = theta * (1 - 0.1 * 0.2) - 0.1 * math.sqrt(6 / 3) * ortho
    np.testing.assert_allclose(p.detach().numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(opt.state[p]["momentum_buffer"].numpy(), buf, rtol=1e-12)


def test_muon_match_rms_adamw_scales_by_largest_side():
    p = mg.zeros(2, 8, requires_grad=True)
    opt = mg.optim.Muon([p], lr=1.0, weight_decay=0.0, adjust_lr_fn="match_rms_adamw")
    p.grad = mg.ones(2, 8)
    opt.step()
    ortho = _newton_schulz(np.ones((2, 8)) * 0.05 + 0.95 * 0.05, (3.4445, -4.7750, 2.0315), 5, 1e-7)
    np.testing.assert_allclose(p.detach().numpy(), -0.2 * math.sqrt(8) * ortho, rtol=1e-6)


def test_muon_refuses_non_matrices():
    with pytest.raises(ValueError, match="2D"):
        mg.optim.Muon([mg.zeros(3, requires_grad=True)])


def test_sparse_adam_refuses_dense_gradients():
    p = mg.zeros(2, requires_grad=True)
    opt = mg.optim.SparseAdam([p])
    p.grad = mg.ones(2)
    with pytest.raises(RuntimeError, match="SparseAdam does not support dense gradients"):
        opt.step()
    np.testing.assert_array_equal(p.detach().numpy(), [0.0, 0.0])


# ---- torch.* aten forms of the losses ----------------------------------------------------
_rng = np.random.default_rng(5)
_LX, _LZ, _LY = _rng.standard_normal((3, 4)), _rng.standard_normal((3, 4)), _rng.random((3, 4))


@pytest.mark.parametrize("code, name", [(0, "none"), (1, "mean"), (2, "sum"), (7, "none")])
def test_loss_aten_reduction_codes_as_functional(code, name):
    x, z, y = mg.tensor(_LX), mg.tensor(_LZ), mg.tensor(_LY)
    s = mg.tensor(np.array([1.0, -1.0, 1.0]))
    pairs = [
        (mg.hinge_embedding_loss(x, mg.sign(z), 1.0, code),
         F.hinge_embedding_loss(x, mg.sign(z), reduction=name)),
        (mg.margin_ranking_loss(x[:, 0], z[:, 0], s, 0.1, code),
         F.margin_ranking_loss(x[:, 0], z[:, 0], s, 0.1, reduction=name)),
        (mg.cosine_embedding_loss(x, z, s, 0.0, code),
         F.cosine_embedding_loss(x, z, s, reduction=name)),
        (mg.triplet_margin_loss(x, z, y, 1.0, 2.0, 1e-6, False, code),
         F.triplet_margin_loss(x, z, y, reduction=name)),
        (mg.poisson_nll_loss(x, y, True, False, 1e-8, code),
         F.poisson_nll_loss(x, y, reduction=name)),
        (mg.binary_cross_entropy_with_logits(x, y, None, None, code),
         F.binary_cross_entropy_with_logits(x, y, reduction=name)),
    ]  # fmt: skip
    for aten, functional in pairs:
        np.testing.assert_array_equal(aten.numpy(), functional.numpy())


def test_kl_div_aten_form_by_formula():
    x, y = np.log(_LY / _LY.sum(1, keepdims=True)), _rng.random((3, 4))
    pointwise = y * np.log(y) - y * x
    np.testing.assert_allclose(mg.kl_div(mg.tensor(x), mg.tensor(y)).numpy(), pointwise)
    np.testing.assert_allclose(mg.kl_div(mg.tensor(x), mg.tensor(y), 1).item(), pointwise.mean())
    np.testing.assert_allclose(mg.kl_div(mg.tensor(x), mg.tensor(y), 2).item(), pointwise.sum())


def test_kl_div_aten_mean_does_not_warn(recwarn):
    mg.kl_div(mg.zeros(2, 3), mg.ones(2, 3), 1)
    assert not recwarn.list


@pytest.mark.parametrize("code", [0, 1, 2])
def test_loss_aten_forms_gradcheck(code):
    x = mg.tensor(_LX, requires_grad=True)
    z = mg.tensor(_LZ, requires_grad=True)
    y = mg.tensor(_LY, requires_grad=True)
    assert mg.gradcheck(lambda a, b: mg.kl_div(a, b, code), (x, y))
    assert mg.gradcheck(lambda a, b, c: mg.triplet_margin_loss(a, b, c, 1.0, 2.0, 1e-6, True, code),
                        (x, z, y))  # fmt: skip
    assert mg.gradcheck(lambda a: mg.poisson_nll_loss(a, y.detach(), False, True, 1e-8, code),
                        (mg.tensor(_LY + 0.5, requires_grad=True),))  # fmt: skip


def test_loss_aten_reduction_rejects_bool():
    with pytest.raises(TypeError, match="reduction"):
        mg.hinge_embedding_loss(mg.ones(2), mg.ones(2), 1.0, True)


# ---- torch.* RNN cells -------------------------------------------------------------------
@pytest.mark.parametrize("name, gates", [("rnn_tanh_cell", 1), ("rnn_relu_cell", 1),
                                         ("gru_cell", 3), ("lstm_cell", 4)])  # fmt: skip
def test_rnn_cells_gradcheck(name, gates):
    B, n_in, H = 2, 3, 4
    rng = np.random.default_rng(6)
    shapes = [
        (B, n_in),
        (B, H),
        (B, H),
        (gates * H, n_in),
        (gates * H, H),
        (gates * H,),
        (gates * H,),
    ]
    ts = [mg.tensor(rng.standard_normal(s), requires_grad=True) for s in shapes]

    def f(x, h, c, wi, wh, bi, bh):
        out = getattr(mg, name)(x, (h, c) if name == "lstm_cell" else h, wi, wh, bi, bh)
        return mg.cat(out, 1) if isinstance(out, tuple) else out + 0 * c

    assert mg.gradcheck(f, ts)


def test_rnn_cells_match_modules():
    mg.manual_seed(0)
    x, h, c = mg.randn(2, 3), mg.randn(2, 4), mg.randn(2, 4)
    cell = mg.nn.GRUCell(3, 4)
    np.testing.assert_array_equal(
        mg.gru_cell(x, h, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
        .detach()
        .numpy(),
        cell(x, h).detach().numpy(),
    )
    lstm = mg.nn.LSTMCell(3, 4, bias=False)
    for a, b in zip(mg.lstm_cell(x, [h, c], lstm.weight_ih, lstm.weight_hh), lstm(x, (h, c))):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    rnn = mg.nn.RNNCell(3, 4, nonlinearity="relu")
    np.testing.assert_array_equal(
        mg.rnn_relu_cell(x, h, rnn.weight_ih, rnn.weight_hh, rnn.bias_ih, rnn.bias_hh)
        .detach()
        .numpy(),
        rnn(x, h).detach().numpy(),
    )


def test_rnn_cell_errors_name_the_op():
    with pytest.raises(RuntimeError, match="gru_cell.*input_size: got 3 expected 2"):
        mg.gru_cell(mg.ones(2, 3), mg.ones(2, 4), mg.ones(12, 2), mg.ones(12, 4))
    with pytest.raises(RuntimeError, match="lstm_cell expects two hidden states"):
        mg.lstm_cell(mg.ones(2, 3), (mg.ones(2, 4),), mg.ones(16, 3), mg.ones(16, 4))


# ---- nn: DataParallel, SyncBatchNorm, Container, NLLLoss2d, CrossMapLRN2d, linear CE -----


def test_data_parallel_is_its_module():
    mg.manual_seed(0)
    lin = nn.Linear(3, 2)
    dp = nn.DataParallel(lin, device_ids=[0, 1], output_device=0, dim=1)
    x = mg.randn(4, 3)
    np.testing.assert_array_equal(dp(x).detach().numpy(), lin(x).detach().numpy())
    assert dp.device_ids == [] and dp.module is lin
    assert list(dp.state_dict()) == ["module.weight", "module.bias"]
    assert repr(dp).startswith("DataParallel(\n  (module): Linear(")
    assert nn.parallel.DataParallel is nn.DataParallel
    with pytest.raises(RuntimeError, match="data_parallel"):
        nn.parallel.data_parallel(lin, x)


def test_sync_batch_norm_is_batch_norm_without_a_process_group():
    mg.manual_seed(1)
    x = mg.randn(4, 3, 2, 2)
    sync, plain = nn.SyncBatchNorm(3, momentum=None), nn.BatchNorm2d(3, momentum=None)
    for _ in range(2):
        np.testing.assert_array_equal(sync(x).detach().numpy(), plain(x).detach().numpy())
    np.testing.assert_array_equal(sync.running_var.numpy(), plain.running_var.numpy())
    assert sync.num_batches_tracked.item() == 2
    sync.eval()
    plain.eval()
    np.testing.assert_array_equal(sync(x * 2).detach().numpy(), plain(x * 2).detach().numpy())
    # any rank from 2 up, unlike BatchNorm2d
    y = sync(mg.randn(2, 3, 1, 1, 5))
    assert y.shape == (2, 3, 1, 1, 5)
    assert sync.process_group is None


def test_sync_batch_norm_gradcheck():
    bn = nn.SyncBatchNorm(2, dtype=mg.float64)
    x = mg.tensor(np.random.default_rng(0).standard_normal((5, 2, 3)), requires_grad=True)
    assert mg.gradcheck(lambda t: bn(t) * mg.tensor([[[1.0, 2.0, 3.0]]]), (x,))


def test_convert_sync_batchnorm_shares_parameters_and_buffers():
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3), nn.Sequential(nn.BatchNorm2d(3)))
    bn = model[1]
    bn.running_mean.fill_(0.5)
    out = nn.SyncBatchNorm.convert_sync_batchnorm(model, process_group="group")
    assert out is model and isinstance(model[1], nn.SyncBatchNorm)
    assert isinstance(model[2][0], nn.SyncBatchNorm)
    assert model[1].weight is bn.weight and model[1].num_batches_tracked is bn.num_batches_tracked
    assert model[1].running_mean.tolist() == [0.5, 0.5, 0.5]
    assert model[1].process_group == "group"
    lone = nn.BatchNorm1d(4, affine=False, eps=1e-3)
    converted = nn.SyncBatchNorm.convert_sync_batchnorm(lone)
    assert converted is not lone and converted.eps == 1e-3 and converted.weight is None


def test_container_and_nllloss2d():
    with pytest.warns(FutureWarning, match="Container"):
        c = nn.Container(a=nn.ReLU(), b=nn.Tanh())
    assert [name for name, _ in c.named_children()] == ["a", "b"]
    with pytest.warns(FutureWarning, match="NLLLoss2d"):
        loss = nn.NLLLoss2d(reduction="sum")
    x = mg.tensor(np.log(np.full((1, 2, 2, 2), 0.5)))
    assert loss(x, mg.tensor(np.zeros((1, 2, 2), np.int64))).item() == pytest.approx(4 * np.log(2))


def test_cross_map_lrn2d_by_formula():
    x = np.random.default_rng(2).standard_normal((1, 5, 2, 2))
    size, alpha, beta, k = 3, 0.4, 0.75, 2.0
    sq = np.pad(x**2, ((0, 0), (1, 1), (0, 0), (0, 0)))
    window = sq[:, :-2] + sq[:, 1:-1] + sq[:, 2:]
    expected = x / (k + alpha / size * window) ** beta
    out = nn.CrossMapLRN2d(size, alpha, beta, k)(mg.tensor(x))
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12)
    with pytest.raises(ValueError, match="4D"):
        nn.CrossMapLRN2d(3)(mg.ones(1, 3, 2))


def test_cross_map_lrn2d_gradcheck():
    x = mg.tensor(np.random.default_rng(3).standard_normal((2, 4, 2, 2)), requires_grad=True)
    assert mg.gradcheck(nn.CrossMapLRN2d(2, 0.7, 0.6, 1.0), (x,))


def test_linear_cross_entropy_by_formula():
    rng = np.random.default_rng(4)
    x, w, b = rng.standard_normal((3, 5)), rng.standard_normal((4, 5)), rng.standard_normal(4)
    y = np.array([1, 0, 3])
    logits = x @ w.T + b
    logp = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    out = nn.functional.linear_cross_entropy(
        mg.tensor(x), mg.tensor(w), mg.tensor(y), linear_bias=mg.tensor(b), reduction="none"
    )
    np.testing.assert_allclose(out.numpy(), -logp[np.arange(3), y], rtol=1e-12)


def test_linear_cross_entropy_gradcheck_k_dimensional():
    rng = np.random.default_rng(5)
    x = mg.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    w = mg.tensor(rng.standard_normal((5, 2, 4)), requires_grad=True)
    b = mg.tensor(rng.standard_normal((5, 2)), requires_grad=True)
    y = mg.tensor(rng.integers(0, 5, size=(3, 2)))
    assert mg.gradcheck(
        lambda x, w, b: nn.functional.linear_cross_entropy(x, w, y, linear_bias=b,
                                                           label_smoothing=0.1), (x, w, b)
    )  # fmt: skip


def test_linear_cross_entropy_loss_module_layout():
    mod = nn.LinearCrossEntropyLoss(4, 3, out_features=(2,), bias=True)
    assert mod.linear.weight.shape == (6, 4) and mod.linear.bias.shape == (6,)
    x, y = mg.randn(5, 4), mg.zeros(5, 2, dtype=mg.long)
    logits = mod.linear(x).reshape(5, 3, 2)
    np.testing.assert_allclose(mod(x, y).item(), nn.functional.cross_entropy(logits, y).item(),
                               rtol=1e-6)  # fmt: skip
    with pytest.raises(ValueError, match="acc_policy"):
        nn.LinearCrossEntropyOptions(acc_policy="fast")


# ---- linalg.ldl_factor, ldl_factor_ex, ldl_solve -----------------------------------------
def test_ldl_factor_of_positive_definite_is_cholesky_rescaled():
    """No pivoting for a diagonally dominant SPD A: A = L D Lᵀ with L = C / diag(C) and
    D = diag(C)², C the Cholesky factor."""
    rng = np.random.default_rng(7)
    R = rng.standard_normal((5, 5))
    A = R @ R.T + 5 * np.eye(5)
    LD, piv = mg.linalg.ldl_factor(mg.tensor(A))
    C = np.linalg.cholesky(A)
    expected = np.tril(C / np.diag(C), -1) + np.diag(np.diag(C) ** 2)
    np.testing.assert_allclose(LD.numpy(), expected, rtol=1e-12, atol=1e-14)
    assert piv.tolist() == [1, 2, 3, 4, 5] and piv.dtype == mg.int32


def test_ldl_factor_two_by_two_pivot_layout():
    """[[0, 1], [1, 0]] has no usable 1x1 pivot: one 2x2 block D = A, pivots -2, -2 (its
    second row swapped with row 2: itself), D's off-diagonal kept below the diagonal."""
    LD, piv, info = mg.linalg.ldl_factor_ex(mg.tensor([[0.0, 1.0], [1.0, 0.0]]))
    assert LD.tolist() == [[0.0, 0.0], [1.0, 0.0]] and piv.tolist() == [-2, -2]
    assert info.item() == 0


def test_ldl_factor_ex_reports_the_zero_pivot():
    LD, piv, info = mg.linalg.ldl_factor_ex(mg.tensor([[1.0, 1.0], [1.0, 1.0]]))
    assert info.item() == 2 and LD.tolist() == [[1.0, 0.0], [1.0, 0.0]]
    with pytest.raises(mg.linalg.LinAlgError, match=r"ldl_factor.*D\[2,2\]"):
        mg.linalg.ldl_factor(mg.tensor([[1.0, 1.0], [1.0, 1.0]]))


@pytest.mark.parametrize("n", [1, 2, 4, 7, 12])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ldl_solve_solves(n, seed):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((3, n, n))
    A = A + np.swapaxes(A, -1, -2)
    A[:, np.arange(n), np.arange(n)] *= 0.05  # indefinite, with 2x2 pivots
    B = rng.standard_normal((n, 2))
    LD, piv = mg.linalg.ldl_factor(mg.tensor(A))
    X = mg.linalg.ldl_solve(LD, piv, mg.tensor(B)).numpy()
    np.testing.assert_allclose(A @ X, np.broadcast_to(B, (3, n, 2)), atol=1e-9)


def test_ldl_reads_only_the_lower_triangle():
    rng = np.random.default_rng(3)
    S = rng.standard_normal((4, 4))
    S = S + S.T
    junk = np.tril(S) + np.triu(rng.standard_normal((4, 4)), 1)
    for a, b in zip(mg.linalg.ldl_factor(mg.tensor(S)), mg.linalg.ldl_factor(mg.tensor(junk))):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_ldl_has_no_derivative():
    A = mg.tensor([[2.0, 1.0], [1.0, 3.0]], requires_grad=True)
    LD, piv = mg.linalg.ldl_factor(A)
    with pytest.raises(RuntimeError, match="linalg_ldl_factor_ex"):
        LD.sum().backward()
    B = mg.ones(2, 1, requires_grad=True)
    with pytest.raises(RuntimeError, match="linalg_ldl_solve"):
        mg.linalg.ldl_solve(LD.detach(), piv, B).sum().backward()


# ---- torch.lstm / gru / rnn_tanh / rnn_relu ----------------------------------------------
@pytest.mark.parametrize("fn, cls", [("lstm", "LSTM"), ("gru", "GRU"), ("rnn_tanh", "RNN")])
def test_flat_rnn_forms_match_the_modules(fn, cls):
    mg.manual_seed(0)
    mod = getattr(nn, cls)(3, 4, num_layers=2, bidirectional=True, batch_first=True)
    x, h = mg.randn(2, 5, 3), mg.randn(4, 2, 4)
    hx = (h, mg.randn(4, 2, 4)) if fn == "lstm" else h
    out = getattr(mg, fn)(x, hx, mod._flat_weights, True, 2, 0.0, False, True, True)
    ref = mod(x, hx)
    refs = (ref[0], *ref[1]) if fn == "lstm" else ref
    assert len(out) == len(refs)
    for a, b in zip(out, refs):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def test_flat_gru_gradcheck():
    mg.manual_seed(1)
    gru = nn.GRU(2, 3, dtype=mg.float64)
    x = mg.tensor(np.random.default_rng(0).standard_normal((4, 1, 2)), requires_grad=True)
    h = mg.zeros(1, 1, 3, dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(
        lambda x, h, *w: mg.gru(x, h, list(w), True, 1, 0.0, False, False, False)[0],
        (x, h, *gru._flat_weights),
    )


def test_flat_rnn_dropout_between_layers_only_when_training():
    mg.manual_seed(2)
    rnn = nn.RNN(3, 4, num_layers=2)
    x, h = mg.randn(5, 2, 3), mg.zeros(2, 2, 4)
    a = mg.rnn_tanh(x, h, rnn._flat_weights, True, 2, 0.9, False, False, False)[0]
    b = mg.rnn_tanh(x, h, rnn._flat_weights, True, 2, 0.0, False, False, False)[0]
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    c = mg.rnn_tanh(x, h, rnn._flat_weights, True, 2, 0.9, True, False, False)[0]
    assert not np.allclose(c.detach().numpy(), b.detach().numpy())


# ---- torch.embedding_bag (ATen's form) ---------------------------------------------------
def test_embedding_bag_aten_bookkeeping():
    W = mg.tensor(np.array([[1.0, 0.0], [3.0, -1.0], [2.0, 5.0], [0.0, 0.0]]))
    idx, off = mg.tensor([1, 2, 0, 3, 1]), mg.tensor([0, 2, 2])
    out, offset2bag, bag_size, max_indices = mg.embedding_bag(W, idx, off, False, 2)
    assert out.tolist() == [[3.0, 5.0], [0.0, 0.0], [3.0, 0.0]]
    assert offset2bag.tolist() == [0, 0, 2, 2, 2] and bag_size.tolist() == [2, 0, 3]
    assert max_indices.tolist() == [[1, 2], [0, 0], [1, 0]]  # the first row at each maximum
    out, offset2bag, bag_size, max_indices = mg.embedding_bag(W, idx, off, False, 1, False,
                                                              None, False, 3)  # fmt: skip
    np.testing.assert_allclose(out.numpy()[2], [2.0, -0.5])  # (W[0] + W[1]) / 2: row 3 pads
    assert bag_size.tolist() == [2, 0, 2] and max_indices.tolist() == [2, 0, 2]
    out, offset2bag, bag_size, max_indices = mg.embedding_bag(W.float(), idx, off)
    assert offset2bag.numel() == 0 and bag_size.tolist() == [0, 0, 0]  # float32 sum: fast path
    assert out.tolist() == [[5.0, 4.0], [0.0, 0.0], [4.0, -1.0]]


def test_embedding_bag_aten_gradcheck():
    W = mg.tensor(np.random.default_rng(8).standard_normal((6, 3)), requires_grad=True)
    psw = mg.tensor(np.linspace(0.5, 2.0, 5), requires_grad=True)
    idx, off = mg.tensor([1, 2, 0, 5, 1]), mg.tensor([0, 3])
    assert mg.gradcheck(lambda w, p: mg.embedding_bag(w, idx, off, False, 0, False, p)[0], (W, psw))
    assert mg.gradcheck(lambda w: mg.embedding_bag(w, idx, off, False, 1)[0], (W,))


def test_distributed_data_parallel_is_importable_and_refuses():
    from minigrad.nn.parallel import DistributedDataParallel

    with pytest.raises(ValueError, match="init_process_group"):
        DistributedDataParallel(nn.Linear(2, 2), device_ids=[0])
    with pytest.raises(NotImplementedError, match="distributed"):
        DistributedDataParallel(nn.Linear(2, 2), process_group=object())


def test_swap_in_optimizer_params_and_state_restores_the_optimizer():
    p = mg.tensor([1.0, 2.0], requires_grad=True)
    opt = mg.optim.SGD([p], lr=0.5, momentum=0.9)
    p.grad = mg.tensor([1.0, 1.0])
    opt.step()
    saved = opt.state_dict()
    saved = {"state": {0: {"momentum_buffer": mg.tensor([10.0, 0.0])}},
             "param_groups": [dict(saved["param_groups"][0], lr=1.0)]}  # fmt: skip
    q = mg.tensor([0.0, 0.0], requires_grad=True)
    q.grad = mg.tensor([0.0, 0.0])
    with mg.optim.swap_in_optimizer_params_and_state(opt, {"p": q}, saved):
        opt.step()  # b ← 0.9 b + g, q ← q - lr b
    assert q.tolist() == [-9.0, 0.0]
    assert saved["state"][0]["momentum_buffer"].tolist() == [9.0, 0.0]  # changed in place
    assert opt.param_groups[0]["lr"] == 0.5 and opt.param_groups[0]["params"][0] is p
    assert opt.state[p]["momentum_buffer"].tolist() == [1.0, 1.0]
