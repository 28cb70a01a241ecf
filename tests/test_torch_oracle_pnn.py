# ruff: noqa: E501 - the programs are data, one per line
"""nn's surface against PyTorch, program by program, where a probe found minigrad
diverging: container keywords, F.linear with a bias broadcast to the output, the
class losses when the weights of the counted targets sum to zero. Each program binds
its result to ``R``; both frameworks must give the same result or raise the same class
of exception. Then the PyTorch 2.13 names added in a later pnn round: optim.Adafactor, Muon,
SparseAdam, swap_in_optimizer_params_and_state; nn.DataParallel, nn.parallel,
SyncBatchNorm, Container, NLLLoss2d, CrossMapLRN2d, LinearCrossEntropyLoss; the torch.* ATen
forms of the losses, embedding_bag, the RNN cells and layers; linalg.ldl_*."""

import inspect

import numpy as np
import pytest
from test_torch_oracle_autograd import test_program_matches_pytorch as _matches_pytorch
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

PROGRAMS = [
    # keyword names and arguments of the containers' methods, as PyTorch's
    "l = M.nn.Linear(1, 1); s = M.nn.Sequential(l, M.nn.ReLU(), l); R = ([type(m).__name__ for m in s.modules(remove_duplicate=False)], [type(m).__name__ for m in s.modules()], [type(m).__name__ for m in s.modules(remove_duplicate=True)])",
    "s = M.nn.Sequential(M.nn.ReLU(), M.nn.Tanh()); m = s.pop(key=0); R = (repr(m), repr(s))",
    "s = M.nn.Sequential(M.nn.ReLU()); s.extend(sequential=[M.nn.Tanh()]); R = repr(s)",
    "l = M.nn.ModuleList([M.nn.ReLU(), M.nn.Tanh()]); m = l.pop(key=-1); R = (repr(m), repr(l))",
    "l = M.nn.ModuleList([M.nn.ReLU()]); l.__iadd__(modules=[M.nn.Tanh()]); R = repr(l)",
]

# F.linear with a bias that broadcasts to the output other than along its last dim
_LINEAR = "x = M.tensor([[1., 2., 3.], [-1., 0., 2.]], requires_grad=True); w = M.tensor([[1., 0., -1.], [2., 1., 0.], [0., 1., 1.], [1., 1., 1.]], requires_grad=True); b = M.tensor({b}, requires_grad=True); y = M.nn.functional.linear({x}, w, b); y.backward(M.arange(float(y.numel())).reshape(y.shape)); R = (y, x.grad, w.grad, b.grad)"
LINEAR_BIASES = [
    ("x", "[[1., 2., 3., 4.], [5., 6., 7., 8.]]"),  # the output's shape
    ("x", "[[1.], [2.]]"),  # (N, 1)
    ("x", "[[1., 2., 3., 4.]]"),  # (1, out)
    ("x", "[[[1., 2., 3., 4.]], [[0., 1., 0., 1.]], [[2., 2., 2., 2.]]]"),  # (3, 1, out)
    ("x * M.ones(5, 1, 1)", "[[1., 2., 3., 4.], [5., 6., 7., 8.]]"),  # N-d input
    ("x * M.ones(5, 1, 1)", "[[[1.]]]"),
    ("x", "2."),  # 0-d
    ("x", "[[[1., 2., 3., 4.], [5., 6., 7., 8.]]] * 3"),  # would grow the output: refused
]
PROGRAMS += [_LINEAR.format(x=x, b=b) for x, b in LINEAR_BIASES]


# a loss's weight that is not a Tensor: PyTorch's TypeError (or AttributeError, reading
# weight.size()), never a silent conversion
_X = "x = M.tensor([[0.2, 0.7, 0.1], [0.5, 0.5, 0.5]]); "
PROGRAMS += [
    _X + "R = M.nn.functional.cross_entropy(x, M.tensor([0, 1]), weight=[1., 2., 3.])",
    _X + "R = M.nn.functional.cross_entropy(x.double(), M.tensor([0, 1]), weight=[1., 2., 3.])",
    _X + "R = M.nn.functional.cross_entropy(x, M.tensor([0, 1]), weight=np.ones(3, np.float32))",
    _X + "R = M.nn.functional.cross_entropy(x, x, weight=[1., 2., 3.])",
    _X + "R = M.nn.functional.nll_loss(x.double(), M.tensor([0, 1]), weight=[1., 2., 3.])",
    _X + "R = M.nn.functional.binary_cross_entropy(x, x, weight=[1., 2., 3.])",
    _X + "R = M.nn.functional.binary_cross_entropy(x, x, weight=2.)",
    _X + "R = M.nn.functional.binary_cross_entropy_with_logits(x, x, weight=[1., 2., 3.])",
    _X + "R = M.nn.functional.binary_cross_entropy_with_logits(x, x, pos_weight=[1., 2., 3.])",
    _X + "R = M.nn.functional.binary_cross_entropy_with_logits(x, x, pos_weight=2.)",
    _X + "R = M.nn.functional.mse_loss(x, x, weight=[[1., 2., 3.], [1., 1., 1.]])",
    _X + "R = M.nn.functional.l1_loss(x, x, weight=[[1., 2., 3.], [1., 1., 1.]])",
    _X + "R = M.nn.functional.huber_loss(x, x, weight=[[1., 2., 3.], [1., 1., 1.]])",
]


# 'mean' of the class losses when the weights of the counted targets sum to 0: the loss is
# 0 / 0 (NaN), each counted sample's gradient too; an ignored sample's stays 0
_ZW = "x = M.tensor([[1., 2., .5], [.1, -1., 2.]], requires_grad=True); loss = M.nn.functional.{f}; loss.backward(); R = (loss, x.grad)"
PROGRAMS += [
    _ZW.format(f=f)
    for f in [
        "cross_entropy(x, M.tensor([0, 1]), weight=M.tensor([0., 0., 1.]))",
        "cross_entropy(x, M.tensor([0, 2]), weight=M.tensor([0., 1., 1.]), ignore_index=2)",
        "cross_entropy(x, M.tensor([0, 1]), weight=M.tensor([0., 0., 1.]), label_smoothing=0.2)",
        "cross_entropy(x, M.tensor([0, 2]), weight=M.tensor([0., 1., 1.]), ignore_index=2, label_smoothing=0.2)",
        "cross_entropy(x, M.tensor([2, 2]), ignore_index=2)",  # all ignored: NaN, no gradient
        "cross_entropy(x, M.tensor([2, 2]), ignore_index=2, label_smoothing=0.3)",
        "nll_loss(x, M.tensor([0, 1]), weight=M.tensor([0., 0., 1.]))",
        "nll_loss(x, M.tensor([0, 2]), weight=M.tensor([0., 1., 1.]), ignore_index=2)",
        "nll_loss(x, M.tensor([2, 2]), ignore_index=2)",
        "cross_entropy(x.reshape(1, 3, 2), M.tensor([[0, 1]]), weight=M.tensor([0., 0., 1.]))",
        "nll_loss(x.reshape(1, 3, 2), M.tensor([[0, 2]]), weight=M.tensor([0., 1., 1.]), ignore_index=2)",
    ]
]


# a label_smoothing that is not > 0 (negative, NaN) smooths nothing, as PyTorch's
PROGRAMS += [
    "x = M.tensor([[1., 2., .5], [.1, -1., 2.]], dtype=M.float64, requires_grad=True); loss = M.nn.functional.cross_entropy(x, M.tensor([0, 2]), label_smoothing=float('nan')); loss.backward(); R = (loss, x.grad)",
    "x = M.tensor([[1., 2., .5], [.1, -1., 2.]], dtype=M.float64, requires_grad=True); loss = M.nn.CrossEntropyLoss(label_smoothing=float('nan'), weight=M.tensor([1., 2., 3.], dtype=M.float64))(x, M.tensor([0, 2])); loss.backward(); R = (loss, x.grad)",
]


@pytest.mark.parametrize("program", PROGRAMS)
def test_pnn_program_matches_pytorch(program):
    _matches_pytorch("from collections import OrderedDict\n" + program)


# ========================================================================================
# the PyTorch 2.13 names of the later pnn round


def _run_optimizer(name, kw, shapes, dtype, steps=4, seed=0):
    """Both optimizers over ``steps`` steps on the same random gradients; returns the
    final parameters (torch's, minigrad's) and both state_dicts."""
    rng = np.random.default_rng(seed)
    init = [rng.standard_normal(s).astype(dtype) for s in shapes]
    grads = [[rng.standard_normal(s).astype(dtype) for s in shapes] for _ in range(steps)]
    tp = [torch.tensor(a, requires_grad=True) for a in init]
    mp = [mg.tensor(a, requires_grad=True) for a in init]
    topt, mopt = getattr(torch.optim, name)(tp, **kw), getattr(mg.optim, name)(mp, **kw)
    for gs in grads:
        for p, g in zip(tp, gs):
            p.grad = torch.tensor(g)
        for p, g in zip(mp, gs):
            p.grad = mg.tensor(g)
        topt.step()
        mopt.step()
    return tp, mp, topt.state_dict(), mopt.state_dict()


def _check_optimizer(name, kw, shapes, dtype, rtol, atol):
    tp, mp, tsd, msd = _run_optimizer(name, kw, shapes, dtype)
    for a, b in zip(tp, mp):
        assert b.dtype == dtype
        np.testing.assert_allclose(b.detach().numpy(), a.detach().numpy(), rtol=rtol, atol=atol)
    assert tsd["param_groups"] == msd["param_groups"]
    assert tsd["state"].keys() == msd["state"].keys()
    for i in tsd["state"]:
        assert tsd["state"][i].keys() == msd["state"][i].keys()
        for k, tv in tsd["state"][i].items():
            mv = msd["state"][i][k]
            assert tuple(tv.shape) == mv.shape
            assert str(tv.dtype).removeprefix("torch.") == str(mv.dtype)
            np.testing.assert_allclose(mv.numpy(), tv.numpy(), rtol=rtol, atol=atol)


TOL = {np.float32: (1e-5, 1e-6), np.float64: (1e-11, 1e-13)}
ADAFACTOR = [
    {},
    dict(lr=0.1, weight_decay=0.1, maximize=True, d=2.0, eps=(1e-4, 1e-2), beta2_decay=-0.5),
    dict(lr=1e-3, eps=(0.0, 1e-3), weight_decay=0.5),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kw", ADAFACTOR)
def test_adafactor_step_for_step(kw, dtype):
    _check_optimizer("Adafactor", kw, [(4, 3), (5,), (2, 3, 4), (), (1, 1)], dtype, *TOL[dtype])


def test_adafactor_param_groups_and_large_lr():
    """ρ = min(lr, 1/√t): a large lr is capped by the step count."""
    _check_optimizer("Adafactor", dict(lr=5.0), [(3, 2), (7,)], np.float64, *TOL[np.float64])


MUON = [
    {},
    dict(lr=0.02, nesterov=False, adjust_lr_fn="match_rms_adamw", momentum=0.9),
    dict(lr=0.02, adjust_lr_fn="original", ns_steps=2, weight_decay=0.0),
    dict(lr=0.05, ns_coefficients=(2.0, -1.5, 0.5), eps=1e-3),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kw", MUON)
def test_muon_step_for_step(kw, dtype):
    # the Newton-Schulz iteration runs in bfloat16 in both; for these small matrices the
    # float32 sums behind each rounding are exact enough to round alike
    tol = (1e-6, 1e-7) if dtype == np.float32 else (1e-13, 1e-14)
    _check_optimizer("Muon", kw, [(4, 3), (3, 5), (8, 8), (1, 6)], dtype, *tol)


@pytest.mark.parametrize(
    "make",
    [
        lambda M, p: M.optim.Muon([p(3)]),
        lambda M, p: M.optim.Muon([p(2, 3, 4)]),
        lambda M, p: M.optim.Muon([p(2, 2)], lr=-1.0),
        lambda M, p: M.optim.Muon([p(2, 2)], momentum=-0.1),
        lambda M, p: M.optim.Muon([p(2, 2)], weight_decay=-0.1),
        lambda M, p: M.optim.Muon([p(2, 2)], adjust_lr_fn="other"),
        lambda M, p: M.optim.Adafactor([p(2)], lr=-1.0),
        lambda M, p: M.optim.Adafactor([p(2)], beta2_decay=0.5),
        lambda M, p: M.optim.Adafactor([p(2)], eps=(-1.0, 1e-3)),
        lambda M, p: M.optim.Adafactor([p(2)], eps=(None, -1e-3)),
        lambda M, p: M.optim.Adafactor([p(2)], d=0.5),
        lambda M, p: M.optim.Adafactor([p(2)], weight_decay=-1.0),
        lambda M, p: M.optim.Adafactor([p(2)], lr=M.ones(2)),
        lambda M, p: M.optim.SparseAdam([p(2)], lr=0.0),
        lambda M, p: M.optim.SparseAdam([p(2)], eps=0.0),
        lambda M, p: M.optim.SparseAdam([p(2)], betas=(1.0, 0.9)),
        lambda M, p: M.optim.SparseAdam([p(2)], betas=(0.9, -0.1)),
        lambda M, p: M.optim.SparseAdam([]),
    ],
)
def test_optimizer_argument_errors(make):
    def param(M):
        return lambda *s: M.zeros(*s, requires_grad=True)

    with pytest.raises(Exception) as expected:
        make(torch, param(torch))
    with pytest.raises(expected.type):
        make(mg, param(mg))


@pytest.mark.parametrize("M", ["torch", "mg"])
def test_muon_ns_steps_error_at_step(M):
    M = torch if M == "torch" else mg
    p = M.ones(2, 2, requires_grad=True)
    opt = M.optim.Muon([p], ns_steps=100)
    p.grad = M.ones(2, 2)
    with pytest.raises(ValueError):
        opt.step()


def test_sparse_adam_dense_gradient_raises_and_keeps_no_state():
    ps = {M: M.ones(3, requires_grad=True) for M in (torch, mg)}
    for M, p in ps.items():
        opt = M.optim.SparseAdam([p], lr=0.1)
        assert opt.step() is None  # no gradient yet: nothing to do
        p.grad = M.ones(3)
        with pytest.raises(RuntimeError, match="dense gradients"):
            opt.step()
        assert len(opt.state) == 0
        assert opt.param_groups[0].keys() == {"params", "lr", "betas", "eps", "maximize"}


@pytest.mark.parametrize("name", ["Adafactor", "Muon", "SparseAdam"])
def test_optimizer_signatures(name):
    tp = inspect.signature(getattr(torch.optim, name)).parameters
    mp = inspect.signature(getattr(mg.optim, name)).parameters
    assert list(tp) == list(mp)
    for k in tp:
        assert tp[k].kind == mp[k].kind, k
        if k != "params":
            assert tp[k].default == mp[k].default, k


def test_optimizer_reprs_match():
    t = torch.optim.Adafactor([torch.ones(2, requires_grad=True)])
    m = mg.optim.Adafactor([mg.ones(2, requires_grad=True)])
    assert repr(t) == repr(m)
    t = torch.optim.Muon([torch.ones(2, 2, requires_grad=True)])
    m = mg.optim.Muon([mg.ones(2, 2, requires_grad=True)])
    assert repr(t) == repr(m)


def test_adafactor_load_state_dict_continues_like_torch():
    tp, mp, tsd, _ = _run_optimizer("Adafactor", {}, [(3, 4), (4,)], np.float64)
    # load torch's state (as arrays) into a fresh minigrad optimizer and continue both
    params = [mg.tensor(p.detach().numpy(), requires_grad=True) for p in tp]
    opt = mg.optim.Adafactor(params)
    state = {i: {k: mg.tensor(v.numpy()) for k, v in s.items()} for i, s in tsd["state"].items()}
    opt.load_state_dict({"state": state, "param_groups": tsd["param_groups"]})
    topt = torch.optim.Adafactor(tp)
    topt.load_state_dict(tsd)
    g = [np.full((3, 4), 0.5), np.linspace(-1, 1, 4)]
    for p, gi in zip(tp, g):
        p.grad = torch.tensor(gi)
    for p, gi in zip(params, g):
        p.grad = mg.tensor(gi)
    topt.step()
    opt.step()
    for a, b in zip(tp, params):
        np.testing.assert_allclose(b.detach().numpy(), a.detach().numpy(), rtol=1e-12)


# ---- torch.* aten forms of the losses ----------------------------------------------------
_rng = np.random.default_rng(0)
_LX, _LZ = _rng.standard_normal((4, 5)), _rng.standard_normal((4, 5))
_LY, _LS = _rng.random((4, 5)), np.sign(_rng.standard_normal(4))


def _t(M, a, grad=False):
    return M.tensor(a, requires_grad=bool(grad))


# (name, call(M, extra args), extra args lists); the left-out reduction is 0 (none) in
# torch's bindings, whatever its schema says
LOSSES = [
    ("kl_div", lambda M, r: M.kl_div(_t(M, _LX, 1), _t(M, _LY, 1), *r),
     [(), (0,), (1,), (2,), (3,), (-1,)]),
    ("kl_div_log_target",
     lambda M, r: M.kl_div(_t(M, _LX, 1), _t(M, np.log(_LY), 1), *r, log_target=True),
     [(), (1,), (2,)]),
    ("bce_logits", lambda M, r: M.binary_cross_entropy_with_logits(_t(M, _LX, 1), _t(M, _LY), *r),
     [(), (None, None, 1), (None, None, 2)]),
    ("bce_logits_weights",
     lambda M, r: M.binary_cross_entropy_with_logits(
         _t(M, _LX, 1), _t(M, _LY), _t(M, _LY[0]), _t(M, _LZ[0] ** 2), *r),
     [(), (1,), (2,)]),
    ("cosine_embedding",
     lambda M, r: M.cosine_embedding_loss(_t(M, _LX, 1), _t(M, _LZ, 1), _t(M, _LS), *r),
     [(), (0.2,), (0.2, 1), (0.1, 2)]),
    ("hinge_embedding",
     lambda M, r: M.hinge_embedding_loss(_t(M, _LX, 1), _t(M, np.sign(_LZ)), *r),
     [(), (0.5,), (2.0, 1), (1.0, 2)]),
    ("margin_ranking",
     lambda M, r: M.margin_ranking_loss(_t(M, _LX[:, 0], 1), _t(M, _LZ[:, 0], 1), _t(M, _LS), *r),
     [(), (0.3,), (0.3, 1), (0.1, 2)]),
    ("triplet_margin",
     lambda M, r: M.triplet_margin_loss(_t(M, _LX, 1), _t(M, _LZ, 1), _t(M, _LY, 1), *r),
     [(), (0.5,), (0.5, 1.0), (1.0, 3.0, 1e-3, True), (1.0, 2.0, 1e-6, False, 1),
      (1.0, 2.0, 1e-6, True, 2)]),
    ("poisson_nll",
     lambda M, r: M.poisson_nll_loss(_t(M, _LX, 1), _t(M, _LY * 3), *r),
     [(True, False, 1e-8, 1), (False, True, 1e-8, 0), (True, True, 1e-3, 2),
      (False, False, 0.1, 1)]),
]  # fmt: skip
LOSS_CASES = [(name, f, r) for name, f, rs in LOSSES for r in rs]


@pytest.mark.parametrize(
    "name, call, extra", LOSS_CASES, ids=[f"{n}-{r}" for n, _, r in LOSS_CASES]
)
def test_loss_aten_forms(name, call, extra):
    outs, grads = {}, {}
    for M in (torch, mg):
        created = []
        orig = M.tensor

        def tracking(*a, _orig=orig, created=created, **k):
            t = _orig(*a, **k)
            created.append(t)
            return t

        M.tensor = tracking
        try:
            out = call(M, extra)
        finally:
            M.tensor = orig
        weights = M.tensor(np.arange(1.0, out.numel() + 1).reshape(tuple(out.shape)))
        (out * weights).sum().backward()
        outs[M] = out
        grads[M] = [None if t.grad is None else t.grad.numpy() for t in created if t.requires_grad]
    t, m = outs[torch], outs[mg]
    assert tuple(t.shape) == m.shape
    assert str(t.dtype).removeprefix("torch.") == str(m.dtype)
    np.testing.assert_allclose(m.detach().numpy(), t.detach().numpy(), rtol=1e-12, atol=1e-14)
    assert len(grads[torch]) == len(grads[mg])
    for a, b in zip(grads[torch], grads[mg]):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(b, a, rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize("bad", [True, "mean", 1.0, None])
def test_loss_aten_reduction_must_be_int(bad):
    for M in (torch, mg):
        with pytest.raises(TypeError):
            M.kl_div(M.zeros(2), M.ones(2), bad)
        with pytest.raises(TypeError):
            M.margin_ranking_loss(M.zeros(2), M.ones(2), M.ones(2), 0.0, bad)


@pytest.mark.parametrize("lengths", ["list", "tensor"])
@pytest.mark.parametrize("extra", [(), (0,), (0, 1), (0, 2), (3, 1, True)])
def test_ctc_loss_aten_form(lengths, extra):
    rng = np.random.default_rng(3)
    lp = rng.standard_normal((6, 2, 5))
    lp = lp - np.log(np.exp(lp).sum(-1, keepdims=True))
    targets, il, tl = np.array([[1, 2], [4, 4]]), [6, 5], [2, 2]
    res = {}
    for M in (torch, mg):
        x = M.tensor(lp, requires_grad=True)
        ls = (il, tl) if lengths == "list" else (M.tensor(il), M.tensor(tl))
        out = M.ctc_loss(x, M.tensor(targets), *ls, *extra)
        (out * M.tensor(np.arange(1.0, out.numel() + 1).reshape(tuple(out.shape)))).sum().backward()
        res[M] = out.detach().numpy(), x.grad.numpy()
    np.testing.assert_allclose(res[mg][0], res[torch][0], rtol=1e-10)
    np.testing.assert_allclose(res[mg][1], res[torch][1], rtol=1e-9, atol=1e-12)


# ---- torch.* RNN cells -------------------------------------------------------------------
CELLS = [("rnn_tanh_cell", 1), ("rnn_relu_cell", 1), ("gru_cell", 3), ("lstm_cell", 4)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("bias", ["both", "none", "ih"])
@pytest.mark.parametrize("name, gates", CELLS)
def test_rnn_cells(name, gates, bias, dtype):
    B, n_in, H = 3, 4, 5
    rng = np.random.default_rng(4)
    shapes = [(B, n_in), (B, H), (B, H), (gates * H, n_in), (gates * H, H), (gates * H,)]
    arrays = [rng.standard_normal(s).astype(dtype) for s in shapes + [(gates * H,)]]
    res = {}
    for M in (torch, mg):
        ts = [M.tensor(a, requires_grad=True) for a in arrays]
        x, h, c, wi, wh, bi, bh = ts
        hx = (h, c) if name == "lstm_cell" else h
        biases = {"both": (bi, bh), "none": (), "ih": (bi,)}[bias]
        out = getattr(M, name)(x, hx, wi, wh, *biases)
        outs = out if isinstance(out, tuple) else (out,)
        sum((o**2).sum() * (k + 1) for k, o in enumerate(outs)).backward()
        res[M] = [o.detach().numpy() for o in outs], [None if t.grad is None else t.grad.numpy()
                                                       for t in ts]  # fmt: skip
    tol = 2e-5 if dtype == np.float32 else 1e-12
    for a, b in zip(*(res[M][0] for M in (torch, mg))):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(b, a, rtol=tol, atol=tol)
    for a, b in zip(*(res[M][1] for M in (torch, mg))):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(b, a, rtol=tol, atol=tol)


@pytest.mark.parametrize(
    "call",
    [
        lambda M: M.rnn_tanh_cell(M.ones(4), M.ones(5), M.ones(5, 4), M.ones(5, 5)),
        lambda M: M.gru_cell(M.ones(3, 4), M.ones(2, 5), M.ones(15, 4), M.ones(15, 5)),
        lambda M: M.rnn_relu_cell(M.ones(3, 4), M.ones(3, 5), M.ones(5, 3), M.ones(5, 5)),
        lambda M: M.rnn_relu_cell(M.ones(3, 4), M.ones(3, 4), M.ones(5, 4), M.ones(5, 5)),
        lambda M: M.lstm_cell(M.ones(3, 4), (M.ones(3, 5),), M.ones(20, 4), M.ones(20, 5)),
        lambda M: M.lstm_cell(M.ones(3, 4), M.ones(3, 5), M.ones(20, 4), M.ones(20, 5)),
        lambda M: M.gru_cell(M.ones(2, 3), None, M.ones(12, 3), M.ones(12, 4)),
        lambda M: M.rnn_tanh_cell(
            M.ones(2, 3).double(), M.ones(2, 4).double(), M.ones(4, 3), M.ones(4, 4)
        ),
        lambda M: M.rnn_tanh_cell(
            M.ones(2, 3), M.ones(2, 4), M.ones(4, 3), M.ones(4, 4), M.ones(5)
        ),
    ],
)
def test_rnn_cell_errors(call):
    with pytest.raises(Exception) as expected:
        call(torch)
    with pytest.raises(expected.type):
        call(mg)


# ---- nn: DataParallel, SyncBatchNorm, Container, NLLLoss2d, CrossMapLRN2d ----------------
def _copy_params(src, dst):
    """dst's parameters and buffers set to torch module src's, by name."""
    state = {k: mg.tensor(v.detach().numpy()) for k, v in src.state_dict().items()}
    dst.load_state_dict(state)


def test_data_parallel_wraps_and_trains_like_torch():
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    mm = mg.nn.Sequential(mg.nn.Linear(3, 4), mg.nn.ReLU(), mg.nn.Linear(4, 2))
    _copy_params(tm, mm)
    tdp, mdp = torch.nn.DataParallel(tm, device_ids=[0, 1]), mg.nn.DataParallel(mm, [0, 1])
    assert repr(tdp) == repr(mdp)
    assert list(tdp.state_dict()) == list(mdp.state_dict())
    assert tdp.device_ids == mdp.device_ids == []
    assert mdp.module is mm
    assert [n for n, _ in tdp.named_parameters()] == [n for n, _ in mdp.named_parameters()]
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    topt = torch.optim.SGD(tdp.parameters(), lr=0.1)
    mopt = mg.optim.SGD(mdp.parameters(), lr=0.1)
    for _ in range(3):
        for dp, opt, M in ((tdp, topt, torch), (mdp, mopt, mg)):
            opt.zero_grad()
            dp(M.tensor(x)).pow(2).mean().backward()
            opt.step()
    for (_, a), (_, b) in zip(tdp.named_parameters(), mdp.named_parameters()):
        np.testing.assert_allclose(b.detach().numpy(), a.detach().numpy(), rtol=1e-5, atol=1e-6)
    # a DataParallel's state_dict loads into another DataParallel, keys prefixed "module."
    fresh = mg.nn.DataParallel(mg.nn.Sequential(mg.nn.Linear(3, 4), mg.nn.ReLU(),
                                                mg.nn.Linear(4, 2)))  # fmt: skip
    fresh.load_state_dict(mdp.state_dict())
    np.testing.assert_array_equal(fresh.module[0].weight.detach().numpy(),
                                  mm[0].weight.detach().numpy())  # fmt: skip


def test_data_parallel_passes_keywords_and_signature():
    assert list(inspect.signature(torch.nn.DataParallel).parameters) == list(
        inspect.signature(mg.nn.DataParallel).parameters
    )
    assert list(inspect.signature(torch.nn.parallel.data_parallel).parameters) == list(
        inspect.signature(mg.nn.parallel.data_parallel).parameters
    )
    for M in (torch, mg):
        dp = M.nn.DataParallel(M.nn.Softmax(dim=0))
        assert dp(input=M.tensor([0.0, 0.0])).tolist() == [0.5, 0.5]
        assert M.nn.parallel.DataParallel is M.nn.DataParallel


def test_functional_data_parallel_raises_without_accelerator():
    for M in (torch, mg):
        with pytest.raises(RuntimeError):
            M.nn.parallel.data_parallel(M.nn.Linear(2, 2), M.ones(1, 2))


@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5), (2, 3, 2, 2), (2, 3, 1, 2, 2)])
@pytest.mark.parametrize("momentum", [0.1, None])
@pytest.mark.parametrize("affine, track", [(True, True), (False, True), (True, False)])
def test_sync_batch_norm_train_and_eval(shape, momentum, affine, track):
    rng = np.random.default_rng(1)
    tb = torch.nn.SyncBatchNorm(3, momentum=momentum, affine=affine, track_running_stats=track)
    mb = mg.nn.SyncBatchNorm(3, momentum=momentum, affine=affine, track_running_stats=track)
    if affine:
        with torch.no_grad():
            tb.weight.copy_(torch.tensor([0.5, 2.0, -1.0]))
            tb.bias.copy_(torch.tensor([0.1, 0.0, 0.3]))
    _copy_params(tb, mb)
    for training in (True, True, False):
        tb.train(training)
        mb.train(training)
        x = rng.standard_normal(shape).astype(np.float32)
        tx, mx = torch.tensor(x, requires_grad=True), mg.tensor(x, requires_grad=True)
        ty, my = tb(tx), mb(mx)
        np.testing.assert_allclose(my.detach().numpy(), ty.detach().numpy(), rtol=1e-5, atol=1e-5)
        g = rng.standard_normal(shape).astype(np.float32)
        ty.backward(torch.tensor(g))
        my.backward(mg.tensor(g))
        np.testing.assert_allclose(mx.grad.numpy(), tx.grad.numpy(), rtol=1e-4, atol=1e-5)
    for k, v in tb.state_dict().items():
        np.testing.assert_allclose(mb.state_dict()[k].numpy(), v.numpy(), rtol=1e-5, atol=1e-6)
    if affine:
        np.testing.assert_allclose(mb.weight.grad.numpy(), tb.weight.grad.numpy(), rtol=1e-4,
                                   atol=1e-5)  # fmt: skip


@pytest.mark.parametrize("shape", [(3,), (), (4, 0, 2)])
def test_sync_batch_norm_input_errors(shape):
    for M in (torch, mg):
        with pytest.raises(ValueError):
            M.nn.SyncBatchNorm(shape[1] if len(shape) > 1 else 3)(M.tensor(np.ones(shape)))


def test_convert_sync_batchnorm_like_torch():
    def build(M):
        M.manual_seed(0)
        inner = M.nn.Sequential(M.nn.BatchNorm1d(2, affine=False), M.nn.ReLU())
        return M.nn.Sequential(M.nn.Conv2d(3, 4, 1), M.nn.BatchNorm2d(4, momentum=None, eps=1e-3),
                               inner, M.nn.BatchNorm3d(2, track_running_stats=False))  # fmt: skip

    results = {}
    for M in (torch, mg):
        model = build(M)
        model[1].eval()
        bn = model[1]
        converted = M.nn.SyncBatchNorm.convert_sync_batchnorm(model)
        assert converted is model
        assert type(model[1]) is M.nn.SyncBatchNorm and model[1] is not bn
        assert model[1].weight is bn.weight and model[1].running_mean is bn.running_mean
        assert model[1].training is False and model[2][0].training is True
        single = M.nn.SyncBatchNorm.convert_sync_batchnorm(M.nn.BatchNorm1d(5), process_group=None)
        results[M] = repr(model), repr(single), list(model.state_dict())
    assert results[torch] == results[mg]


def test_container_and_nllloss2d_warn_and_work():
    x = np.log(np.random.default_rng(2).dirichlet(np.ones(3), size=(2, 2, 2))).transpose(0, 3, 1, 2)
    y = np.array([[[0, 1], [2, 1]], [[1, 1], [0, 2]]])
    out = {}
    for M in (torch, mg):
        with pytest.warns(FutureWarning):
            c = M.nn.Container(relu=M.nn.ReLU(), lin=M.nn.Linear(2, 2))
        with pytest.warns(FutureWarning):
            loss = M.nn.NLLLoss2d(weight=M.tensor([1.0, 2.0, 0.5], dtype=M.float64))
        out[M] = repr(c), [n for n, _ in c.named_modules()], repr(loss), \
            loss(M.tensor(x), M.tensor(y)).item()  # fmt: skip
        assert isinstance(loss, M.nn.NLLLoss)
    assert out[torch][:3] == out[mg][:3]
    assert out[mg][3] == pytest.approx(out[torch][3], rel=1e-12)


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5])
def test_cross_map_lrn2d_is_local_response_norm(size):
    """Against torch's LocalResponseNorm: torch's own CrossMapLRN2d keeps channel 0 in
    every window (see the class's docstring), which minigrad does not copy."""
    x = np.random.default_rng(3).standard_normal((2, 6, 3, 3))
    tx, mx = torch.tensor(x, requires_grad=True), mg.tensor(x, requires_grad=True)
    ty = torch.nn.LocalResponseNorm(size, alpha=0.5, beta=0.6, k=1.5)(tx)
    my = mg.nn.CrossMapLRN2d(size, alpha=0.5, beta=0.6, k=1.5)(mx)
    np.testing.assert_allclose(my.detach().numpy(), ty.detach().numpy(), rtol=1e-12)
    g = np.cos(np.arange(x.size)).reshape(x.shape)
    ty.backward(torch.tensor(g))
    my.backward(mg.tensor(g))
    np.testing.assert_allclose(mx.grad.numpy(), tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    # where torch's running sum is right (channel 0's window), the two agree
    t0 = torch.nn.CrossMapLRN2d(size, alpha=0.5, beta=0.6, k=1.5)(torch.tensor(x))
    np.testing.assert_allclose(my.detach().numpy()[:, 0], t0.numpy()[:, 0], rtol=1e-12)


def test_cross_map_lrn2d_repr_signature_and_errors():
    assert repr(torch.nn.CrossMapLRN2d(3)) == repr(mg.nn.CrossMapLRN2d(3))
    ts, ms = (inspect.signature(M.nn.CrossMapLRN2d).parameters for M in (torch, mg))
    assert [(p.name, p.default) for p in ts.values()] == [(p.name, p.default) for p in ms.values()]
    for M in (torch, mg):
        with pytest.raises(ValueError):
            M.nn.CrossMapLRN2d(3)(M.ones(2, 3, 4))


# ---- linear_cross_entropy ----------------------------------------------------------------
def _lce_case(M, rng_seed, in_shape, w_shape, target, bias, **kw):
    rng = np.random.default_rng(rng_seed)
    x = M.tensor(rng.standard_normal(in_shape), requires_grad=True)
    w = M.tensor(rng.standard_normal(w_shape), requires_grad=True)
    b = M.tensor(rng.standard_normal(w_shape[:-1]), requires_grad=True) if bias else None
    if "weight" in kw:
        kw["weight"] = M.tensor(kw["weight"])
    if "options" in kw:
        kw["options"] = M.nn.LinearCrossEntropyOptions(**kw["options"])
    t = M.tensor(target)
    out = M.nn.functional.linear_cross_entropy(x, w, t, linear_bias=b, **kw)
    (out * M.tensor(np.arange(1.0, out.numel() + 1).reshape(tuple(out.shape)))).sum().backward()
    return out, [v.grad.numpy() for v in (x, w, b) if v is not None]


_W4 = np.array([1.0, 2, 3, 4])
_probs = np.random.default_rng(9).dirichlet(np.ones(4), size=3)
LCE = [
    ((3, 5), (4, 5), np.array([0, 3, 1]), False, {}),
    ((3, 5), (4, 5), np.array([0, 3, 1]), True, dict(reduction="sum")),
    ((3, 5), (4, 5), np.array([0, -100, 1]), True, dict(reduction="none")),
    ((3, 5), (4, 5), np.array([0, 2, 1]), True, dict(ignore_index=2, weight=_W4)),
    ((3, 5), (4, 5), np.array([0, 2, 1]), False, dict(label_smoothing=0.2)),
    ((3, 5), (4, 5), _probs, True, dict(label_smoothing=0.1)),
    ((5,), (4, 5), np.array(2), True, {}),
    ((3, 5), (4, 2, 5), np.array([[0, 1], [3, 3], [2, 0]]), True, dict(reduction="none")),
    ((3, 5), (4, 2, 5), np.array([[0, 1], [3, 3], [2, 0]]), False, {}),
    ((3, 5), (4, 5), np.array([0, 3, 1]), True, dict(options={})),
    ((3, 5), (4, 5), np.array([0, 3, 1]), False,
     dict(options=dict(batch_chunk_size=2, chunking_method=None), reduction="none")),
]  # fmt: skip


@pytest.mark.parametrize("case", LCE, ids=[str(i) for i in range(len(LCE))])
def test_linear_cross_entropy(case):
    in_shape, w_shape, target, bias, kw = case
    (to, tg), (mo, mgr) = (_lce_case(M, 0, in_shape, w_shape, target, bias, **dict(kw))
                           for M in (torch, mg))  # fmt: skip
    assert tuple(to.shape) == mo.shape
    np.testing.assert_allclose(mo.detach().numpy(), to.detach().numpy(), rtol=1e-10, atol=1e-12)
    for a, b in zip(tg, mgr):
        np.testing.assert_allclose(b, a, rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize(
    "call",
    [
        lambda F, M: F.linear_cross_entropy(M.ones(2, 2, 3), M.ones(4, 3), M.zeros(2, 2).long()),
        lambda F, M: F.linear_cross_entropy(M.ones(2, 3), M.ones(4), M.zeros(2, dtype=M.long)),
        lambda F, M: F.linear_cross_entropy(M.ones(2, 3), M.ones(4, 2), M.zeros(2, dtype=M.long)),
        lambda F, M: F.linear_cross_entropy(M.ones(2, 3), M.ones(4, 3), M.zeros(2, dtype=M.long),
                                            linear_bias=M.ones(3)),
        lambda F, M: F.linear_cross_entropy(M.ones(3), M.ones(4, 2, 3), M.zeros(2, dtype=M.long)),
        lambda F, M: F.linear_cross_entropy(M.ones(2, 3), M.ones(4, 3), M.ones(2, 4) / 4,
                                            ignore_index=1),
        lambda F, M: M.nn.LinearCrossEntropyLoss(3, 4, weight=M.ones(3)),
        lambda F, M: M.nn.LinearCrossEntropyLoss(3, 4, label_smoothing=1.5),
        lambda F, M: M.nn.LinearCrossEntropyOptions(acc_policy="fast"),
        lambda F, M: M.nn.LinearCrossEntropyOptions(chunking_method="aspect_ratio:0"),
        lambda F, M: M.nn.LinearCrossEntropyOptions(batch_chunk_size=0),
    ],
)  # fmt: skip
def test_linear_cross_entropy_errors(call):
    with pytest.raises(Exception) as expected:
        call(torch.nn.functional, torch)
    with pytest.raises(expected.type):
        call(mg.nn.functional, mg)


@pytest.mark.parametrize("out_features, bias", [((), False), ((2, 3), True), ((), True)])
def test_linear_cross_entropy_loss_module(out_features, bias):
    mods = {}
    for M in (torch, mg):
        M.manual_seed(0)
        mods[M] = M.nn.LinearCrossEntropyLoss(5, 4, out_features=out_features, bias=bias,
                                              dtype=M.float64, reduction="sum")  # fmt: skip
    _copy_params(mods[torch], mods[mg])
    assert repr(mods[torch]) == repr(mods[mg])
    assert list(mods[torch].state_dict()) == list(mods[mg].state_dict())
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3, 5))
    y = rng.integers(0, 4, size=(3, *out_features))
    res = {}
    for M, mod in mods.items():
        out = mod(M.tensor(x), M.tensor(y))
        out.backward()
        res[M] = out.item(), mod.linear.weight.grad.numpy()
    assert res[mg][0] == pytest.approx(res[torch][0], rel=1e-12)
    np.testing.assert_allclose(res[mg][1], res[torch][1], rtol=1e-10, atol=1e-12)


# ---- linalg.ldl_factor, ldl_factor_ex, ldl_solve -----------------------------------------
def _symmetric(n, kind, seed):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, n))
    if kind == "sym":
        return A + A.T
    if kind == "spd":
        return A @ A.T + n * np.eye(n)
    if kind == "small_diagonal":  # Bunch-Kaufman takes 2x2 pivots
        A = A + A.T
        A[np.diag_indices(n)] *= 0.01
        return A
    if kind == "lower_only":  # the upper triangle is never read
        return np.tril(A) + np.triu(rng.standard_normal((n, n)) * 100, 1)
    return (rng.integers(-2, 3, (n, n)) + rng.integers(-2, 3, (n, n)).T).astype(float)  # ties


LDL_CASES = [(n, kind) for n in (1, 2, 3, 5, 8, 13, 40, 70)
             for kind in ("sym", "spd", "small_diagonal", "lower_only", "integers")]  # fmt: skip


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n, kind", LDL_CASES)
def test_ldl_factor_ex_pivots_and_factors(n, kind, dtype):
    A = _symmetric(n, kind, seed=n).astype(dtype)
    tLD, tp, ti = torch.linalg.ldl_factor_ex(torch.tensor(A))
    mLD, mp, mi = mg.linalg.ldl_factor_ex(mg.tensor(A))
    np.testing.assert_array_equal(mp.numpy(), tp.numpy())
    assert mp.dtype == mg.int32 and mi.dtype == mg.int32 and mi.shape == ()
    assert mi.item() == ti.item()
    assert mLD.dtype == dtype
    tol = dict(rtol=1e-10, atol=1e-12) if dtype == np.float64 else dict(rtol=2e-3, atol=2e-4)
    np.testing.assert_allclose(mLD.numpy(), tLD.numpy(), **tol)
    if ti.item() == 0:  # minigrad's solve from torch's own factors
        B = np.random.default_rng(0).standard_normal((n, 3)).astype(dtype)
        X = mg.linalg.ldl_solve(mg.tensor(tLD.numpy()), mg.tensor(tp.numpy()), mg.tensor(B))
        tX = torch.linalg.ldl_solve(tLD, tp, torch.tensor(B))
        scale = np.abs(tX.numpy()).max()
        np.testing.assert_allclose(X.numpy() / scale, tX.numpy() / scale, **tol)


def test_ldl_batched_and_broadcast_solve():
    rng = np.random.default_rng(1)
    A = rng.standard_normal((2, 3, 4, 4))
    A = A + np.swapaxes(A, -1, -2)
    B = rng.standard_normal((3, 4, 2))
    res = {}
    for M in (torch, mg):
        LD, p = M.linalg.ldl_factor(M.tensor(A))
        X = M.linalg.ldl_solve(LD, p, M.tensor(B))
        X64 = M.linalg.ldl_solve(LD[0], p[0].long(), M.tensor(B), hermitian=True)
        res[M] = LD.numpy(), p.numpy(), X.numpy(), X64.numpy(), type(M.linalg.ldl_factor(
            M.tensor(A))).__name__  # fmt: skip
    np.testing.assert_array_equal(res[mg][1], res[torch][1])
    for i in (0, 2, 3):
        np.testing.assert_allclose(res[mg][i], res[torch][i], rtol=1e-10, atol=1e-12)
    assert res[mg][4] == res[torch][4] == "linalg_ldl_factor"


@pytest.mark.parametrize(
    "A",
    [[[0.0, 1.0], [1.0, 0.0]], [[1.0, 1.0], [1.0, 1.0]], [[float("nan"), 1.0], [1.0, 2.0]],
     [[0.0, 0.0], [0.0, 0.0]], [[2.0, 5.0], [1.0, 3.0]]],
)  # fmt: skip
def test_ldl_factor_ex_edge_matrices(A):
    t = torch.linalg.ldl_factor_ex(torch.tensor(A, dtype=torch.float64))
    m = mg.linalg.ldl_factor_ex(mg.tensor(A, dtype=mg.float64))
    np.testing.assert_array_equal(m.pivots.numpy(), t.pivots.numpy())
    np.testing.assert_array_equal(m.LD.numpy(), t.LD.numpy())
    assert m.info.item() == t.info.item()


@pytest.mark.parametrize(
    "call",
    [
        lambda M: M.linalg.ldl_factor(M.zeros(3, 3, dtype=M.float64)),
        lambda M: M.linalg.ldl_factor_ex(M.tensor([[1.0, 1], [1, 1]]), check_errors=True),
        lambda M: M.linalg.ldl_factor(M.ones(2, 3)),
        lambda M: M.linalg.ldl_factor(M.ones(3)),
        lambda M: M.linalg.ldl_factor(M.ones(2, 2, dtype=M.long)),
        lambda M: M.linalg.ldl_factor(M.eye(2, requires_grad=True))[0].sum().backward(),
        lambda M: M.linalg.ldl_solve(*M.linalg.ldl_factor(M.eye(2)),
                                     M.ones(2, 1, requires_grad=True)).sum().backward(),
        lambda M: M.linalg.ldl_solve(*M.linalg.ldl_factor(M.eye(2, dtype=M.float64)),
                                     M.ones(2, 1)),
        lambda M: M.linalg.ldl_solve(*M.linalg.ldl_factor(M.eye(2)), M.ones(3, 1)),
        lambda M: M.linalg.ldl_solve(*M.linalg.ldl_factor(M.eye(2)), M.ones(2)),
        lambda M: M.linalg.ldl_solve(M.eye(2), M.ones(3, dtype=M.int32), M.ones(2, 1)),
        lambda M: M.linalg.ldl_solve(M.eye(2), M.ones(2), M.ones(2, 1)),
    ],
)  # fmt: skip
def test_ldl_errors(call):
    with pytest.raises(Exception) as expected:
        call(torch)
    with pytest.raises(expected.type):
        call(mg)


def test_ldl_empty_out_and_grad_flags():
    for M in (torch, mg):
        LD, p = M.linalg.ldl_factor(M.ones(0, 0))
        assert tuple(LD.shape) == (0, 0) and tuple(p.shape) == (0,)
        assert tuple(M.linalg.ldl_solve(LD, p, M.ones(0, 2)).shape) == (0, 2)
        assert [tuple(t.shape) for t in M.linalg.ldl_factor_ex(M.ones(0, 3, 3))] == [
            (0, 3, 3), (0, 3), (0,)]  # fmt: skip
        out = (M.empty(2, 2), M.empty(2, dtype=M.int32))
        M.linalg.ldl_factor(M.eye(2) * 2, out=out)
        assert out[0].tolist() == [[2.0, 0.0], [0.0, 2.0]] and out[1].tolist() == [1, 2]
        LD = M.linalg.ldl_factor(M.eye(2, requires_grad=True))[0]
        assert LD.requires_grad and LD.grad_fn is not None


@pytest.mark.parametrize("name", ["ldl_factor", "ldl_factor_ex", "ldl_solve"])
def test_ldl_signatures(name):
    doc = getattr(torch.linalg, name).__doc__.strip().splitlines()[0]
    params = inspect.signature(getattr(mg.linalg, name)).parameters
    text = ", ".join(("*, " if p.kind == p.KEYWORD_ONLY and i and
                      list(params.values())[i - 1].kind != p.KEYWORD_ONLY else "") +
                     (p.name if p.default is p.empty else f"{p.name}={p.default}")
                     for i, p in enumerate(params.values()))  # fmt: skip
    assert doc.startswith(f"linalg.{name}({text})"), (doc, text)


# ---- torch.lstm / gru / rnn_tanh / rnn_relu (ATen's flat-weight forms) --------------------
FLAT = [
    (fn, cls, layers, bidir, bias, bf, proj)
    for fn, cls in (("lstm", "LSTM"), ("gru", "GRU"), ("rnn_tanh", "RNN"), ("rnn_relu", "RNN"))
    for layers, bidir, bias, bf, proj in ((1, False, True, False, 0), (2, True, True, False, 0),
                                          (2, False, False, True, 0), (1, True, True, True, 2))
    if not (proj and fn != "lstm")
]  # fmt: skip


def _twin_rnns(cls, fn, **kw):
    if fn == "rnn_relu":
        kw["nonlinearity"] = "relu"
    torch.manual_seed(0)
    tm = getattr(torch.nn, cls)(3, 4, dtype=torch.float64, **kw)
    mm = getattr(mg.nn, cls)(3, 4, dtype=mg.float64, **kw)
    _copy_params(tm, mm)
    return tm, mm


@pytest.mark.parametrize("fn, cls, layers, bidir, bias, bf, proj", FLAT)
def test_flat_rnn_forms(fn, cls, layers, bidir, bias, bf, proj):
    kw = dict(num_layers=layers, bidirectional=bidir, bias=bias, batch_first=bf)
    tm, mm = _twin_rnns(cls, fn, **kw, **(dict(proj_size=proj) if proj else {}))
    rng = np.random.default_rng(0)
    D = 2 if bidir else 1
    x = rng.standard_normal((2, 5, 3) if bf else (5, 2, 3))
    h, c = rng.standard_normal((layers * D, 2, proj or 4)), rng.standard_normal((layers * D, 2, 4))
    res = {}
    for M, mod in ((torch, tm), (mg, mm)):
        X, H, C = (M.tensor(a, requires_grad=True) for a in (x, h, c))
        hx = (H, C) if fn == "lstm" else H
        out = getattr(M, fn)(X, hx, mod._flat_weights, bias, layers, 0.0, False, bidir, bf)
        assert isinstance(out, tuple) and len(out) == (3 if fn == "lstm" else 2)
        sum((o**2).sum() * (i + 1) for i, o in enumerate(out)).backward()
        grads = [X.grad, H.grad] + [w.grad for w in mod._flat_weights]
        res[M] = [o.detach().numpy() for o in out] + [g.numpy() for g in grads]
    assert len(res[torch]) == len(res[mg])
    for a, b in zip(res[torch], res[mg]):
        np.testing.assert_allclose(b, a, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("fn, cls", [("gru", "GRU"), ("lstm", "LSTM"), ("rnn_tanh", "RNN")])
def test_flat_rnn_packed_form(fn, cls):
    tm, mm = _twin_rnns(cls, fn, num_layers=2, bidirectional=True)
    rng = np.random.default_rng(1)
    x, h, c = (rng.standard_normal(s) for s in ((5, 3, 3), (4, 3, 4), (4, 3, 4)))
    res = {}
    for M, mod in ((torch, tm), (mg, mm)):
        X = M.tensor(x, requires_grad=True)
        pk = M.nn.utils.rnn.pack_padded_sequence(X, [5, 3, 2])
        hx = [M.tensor(h), M.tensor(c)] if fn == "lstm" else M.tensor(h)
        out = getattr(M, fn)(pk.data, pk.batch_sizes, hx, mod._flat_weights, True, 2, 0.0, False,
                             True)  # fmt: skip
        sum((o**2).sum() for o in out).backward()
        res[M] = [o.detach().numpy() for o in out] + [X.grad.numpy()]
    for a, b in zip(res[torch], res[mg]):
        np.testing.assert_allclose(b, a, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    "call",
    [
        lambda M, w: M.gru(M.zeros(5, 2, 3), M.zeros(1, 2, 4), w, True, 2, 0.0, *(False,) * 3),
        lambda M, w: M.gru(M.zeros(5, 2, 3), M.zeros(3, 2, 4), w, True, 2, 0.0, *(False,) * 3),
        lambda M, w: M.gru(M.zeros(5, 2, 3), M.zeros(2, 3, 4), w, True, 2, 0.0, *(False,) * 3),
        lambda M, w: M.gru(M.zeros(5, 2, 3), M.zeros(2, 2, 5), w, True, 2, 0.0, *(False,) * 3),
        lambda M, w: M.gru(M.zeros(5, 2, 3).double(), M.zeros(2, 2, 4), w, True, 2, 0.0, False,
                           False, False),
        lambda M, w: M.gru(M.zeros(5, 3), M.zeros(2, 4), w, True, 2, 0.0, False, False, False),
        lambda M, w: M.gru(M.zeros(5, 2, 3), M.zeros(2, 2, 4), w[:-1], True, 2, 0.0, False, False,
                           False),
        lambda M, w: M.lstm(M.zeros(5, 2, 3), (M.zeros(2, 2, 4),), w, True, 2, 0.0, False, False,
                            False),
        lambda M, w: M.gru(M.zeros(5, 2, 3), (M.zeros(2, 2, 4),), w, True, 2, 0.0, *(False,) * 3),
        lambda M, w: M.gru(M.zeros(5, 2, 3), M.zeros(2, 2, 4), w[:-1] + [None], True, 2, 0.0,
                           *(False,) * 3),
        lambda M, w: M.lstm(M.zeros(5, 2, 3), M.zeros(2, 2, 4), w, True, 2, 0.0, *(False,) * 3),
    ],
)  # fmt: skip
def test_flat_rnn_errors(call):
    tm, mm = (M.nn.GRU(3, 4, num_layers=2) for M in (torch, mg))
    with pytest.raises(Exception) as expected:
        call(torch, tm._flat_weights)
    with pytest.raises(expected.type):
        call(mg, mm._flat_weights)


def test_flat_weights_names_and_order():
    tm, mm = _twin_rnns("LSTM", "lstm", num_layers=2, bidirectional=True, proj_size=2)
    assert [tuple(w.shape) for w in tm._flat_weights] == [w.shape for w in mm._flat_weights]
    assert tm._flat_weights_names == mm._flat_weights_names


# ---- torch.embedding_bag (ATen's form, four outputs) -------------------------------------
_IDX = np.array([1, 2, 4, 5, 4, 3, 2, 9])
EMBEDDING_BAG = [
    (_IDX, np.array([0, 4, 4]), {}),
    (_IDX, np.array([0, 4, 8]), dict(include_last_offset=True)),
    (_IDX, np.array([0, 3, 4]), dict(padding_idx=4)),
    (_IDX, np.array([0, 3, 4]), dict(padding_idx=-1)),
    (_IDX, np.array([0, 3, 4]), dict(padding_idx=-2)),
    (np.zeros(0, np.int64), np.array([0, 0]), {}),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("mode, psw", [(0, False), (0, True), (1, False), (2, False)])
@pytest.mark.parametrize("idx, off, kw", EMBEDDING_BAG)
def test_embedding_bag_aten_form(idx, off, kw, mode, psw, dtype):
    W = np.random.default_rng(0).integers(-3, 4, (10, 3)).astype(dtype)  # ties for max
    res = {}
    for M in (torch, mg):
        w = M.tensor(W, requires_grad=True)
        p = M.tensor(np.linspace(0.5, 1.5, idx.size).astype(dtype), requires_grad=True)
        args = (w, M.tensor(idx), M.tensor(off), False, mode, False, p if psw else None,
                kw.get("include_last_offset", False), kw.get("padding_idx"))  # fmt: skip
        out = M.embedding_bag(*args)
        assert isinstance(out, tuple) and len(out) == 4
        g = M.tensor(np.arange(1.0, out[0].numel() + 1).reshape(tuple(out[0].shape)).astype(dtype))
        (out[0] * g).sum().backward()
        res[M] = [o.detach().numpy() for o in out] + [w.grad.numpy()] + ([p.grad.numpy()] if psw
                                                                          else [])  # fmt: skip
    for a, b in zip(res[torch], res[mg]):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_allclose(b, a, rtol=1e-6, atol=1e-6)


def test_embedding_bag_aten_max_ignores_scale_grad_by_freq():
    W = np.random.default_rng(1).standard_normal((10, 3))
    grads = {}
    for M in (torch, mg):
        w = M.tensor(W, requires_grad=True)
        out = M.embedding_bag(w, M.tensor(_IDX), M.tensor(np.array([0, 2])), True, 2)
        out[0].sum().backward()
        grads[M] = w.grad.numpy()
    np.testing.assert_array_equal(grads[mg], grads[torch])


@pytest.mark.parametrize(
    "call",
    [
        lambda M: M.embedding_bag(M.ones(4, 2), M.tensor([0, 1]), M.tensor([0]), False, 3),
        lambda M: M.embedding_bag(M.ones(4, 2), M.tensor([0, 1]), M.tensor([0]), False, 1, False,
                                  M.ones(2)),
    ],
)  # fmt: skip
def test_embedding_bag_aten_errors(call):
    with pytest.raises(Exception) as expected:
        call(torch)
    with pytest.raises(expected.type):
        call(mg)


@pytest.mark.parametrize("name, kw", [("Adafactor", dict(lr=0.05)),
                                      ("Adafactor", dict(lr=0.05, weight_decay=0.1)),
                                      ("Adafactor", dict(lr=2.0)),
                                      ("Muon", dict(lr=0.05, weight_decay=0.2))])  # fmt: skip
def test_tensor_lr_rounds_as_torch(name, kw):
    """A float32 Tensor lr makes PyTorch's scalar arithmetic float32 (its 0-d Tensor), also
    for a float64 parameter; the eps of the group's first parameter serves them all."""
    rng = np.random.default_rng(6)
    arrays = [rng.standard_normal((4, 3)), rng.standard_normal((3, 4)).astype(np.float32)]
    grads = [[rng.standard_normal(a.shape).astype(a.dtype) for a in arrays] for _ in range(3)]
    res = {}
    for M in (torch, mg):
        ps = [M.tensor(a, requires_grad=True) for a in arrays]
        opt = getattr(M.optim, name)(ps, **dict(kw, lr=M.tensor(kw["lr"])))
        for gs in grads:
            for p, g in zip(ps, gs):
                p.grad = M.tensor(g)
            opt.step()
        res[M] = [p.detach().numpy() for p in ps]
    np.testing.assert_allclose(res[mg][0], res[torch][0], rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(res[mg][1], res[torch][1], rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("code", ["np2", "t2", "t2f", "t2v", "true", "float"])
def test_loss_aten_reduction_accepts_what_has_index(code):
    outs = []
    for M in (torch, mg):
        r = {"np2": np.int64(2), "t2": M.tensor(2), "t2f": M.tensor(2.0), "t2v": M.tensor([2]),
             "true": True, "float": 2.0}[code]  # fmt: skip
        try:
            outs.append(M.kl_div(M.zeros(2), M.ones(2), r).item())
        except TypeError:
            outs.append("TypeError")
    assert outs[0] == outs[1]


def test_distributed_data_parallel_without_a_process_group():
    tp = inspect.signature(torch.nn.parallel.DistributedDataParallel).parameters
    mp = inspect.signature(mg.nn.parallel.DistributedDataParallel).parameters
    assert [(p.name, p.default) for p in tp.values()] == [(p.name, p.default) for p in mp.values()]
    for M in (torch, mg):
        with pytest.raises(ValueError, match="process group"):
            M.nn.parallel.DistributedDataParallel(M.nn.Linear(2, 2))
        with pytest.raises(ValueError, match="same time"):
            M.nn.parallel.DistributedDataParallel(M.nn.Linear(2, 2), param_to_hook_all_reduce=1)


def test_training_program_with_the_new_names():
    """A PyTorch program: a SyncBatchNorm-converted model in DataParallel, Muon on the
    matrices and Adafactor on the rest, a LinearCrossEntropyLoss head; step for step."""

    def build(M):
        M.manual_seed(0)
        f64 = dict(dtype=M.float64)  # float64, so that bfloat16 roundings in Muon agree
        # no bias before the batch norm: its gradient is rounding noise, which Adafactor's
        # RMS normalisation would blow up to full steps of either sign
        body = M.nn.Sequential(M.nn.Linear(4, 8, bias=False, **f64), M.nn.BatchNorm1d(8, **f64),
                               M.nn.ReLU(), M.nn.Linear(8, 6, **f64))  # fmt: skip
        body = M.nn.DataParallel(M.nn.SyncBatchNorm.convert_sync_batchnorm(body))
        head = M.nn.LinearCrossEntropyLoss(6, 3, bias=True, **f64)
        return body, head

    (tb, th), (mb, mh) = build(torch), build(mg)
    _copy_params(tb, mb)
    _copy_params(th, mh)
    rng = np.random.default_rng(0)
    data = [(rng.standard_normal((10, 4)), rng.integers(0, 3, 10)) for _ in range(5)]
    losses = {}
    for M, body, head in ((torch, tb, th), (mg, mb, mh)):
        params = list(body.parameters()) + list(head.parameters())
        matrices = [p for p in params if p.ndim == 2]
        others = [p for p in params if p.ndim != 2]
        opts = [M.optim.Muon(matrices, lr=0.02), M.optim.Adafactor(others, lr=0.01)]
        losses[M] = []
        for x, y in data:
            for opt in opts:
                opt.zero_grad()
            loss = head(body(M.tensor(x)), M.tensor(y))
            loss.backward()
            for opt in opts:
                opt.step()
            losses[M].append(loss.item())
    np.testing.assert_allclose(losses[mg], losses[torch], rtol=1e-10)
    for (n, a), (_, b) in zip(tb.state_dict().items(), mb.state_dict().items()):
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-10, atol=1e-12, err_msg=n)


# ---- optim.swap_in_optimizer_params_and_state --------------------------------------------
def _swap_setup(M):
    rng = np.random.default_rng(0)
    a, b, g1, g2 = (rng.standard_normal(s) for s in [(3, 2), (2,), (3, 2), (2,)])
    w, bias = M.tensor(a, requires_grad=True), M.tensor(b, requires_grad=True)
    opt = M.optim.AdamW([{"params": [w]}, {"params": [bias], "lr": 0.1}], lr=0.01)
    w.grad, bias.grad = M.tensor(g1), M.tensor(g2)
    opt.step()
    sd = opt.state_dict()
    saved = {
        "state": {i: {k: v.clone() for k, v in s.items()} for i, s in sd["state"].items()},
        "param_groups": [dict(g) for g in sd["param_groups"]],
    }
    saved["param_groups"][0]["lr"] = 0.5
    new = {"w": M.tensor(a * 2, requires_grad=True), "b": M.tensor(b * 2, requires_grad=True)}
    new["w"].grad, new["b"].grad = M.tensor(g1), M.tensor(g2)
    return opt, w, saved, new


def test_swap_in_optimizer_params_and_state():
    res = {}
    for M in (torch, mg):
        opt, w, saved, new = _swap_setup(M)
        groups_before = [g["params"] for g in opt.param_groups]
        with M.optim.swap_in_optimizer_params_and_state(opt, new, saved):
            inside = (opt.param_groups[0]["lr"], opt.param_groups[0]["params"][0] is new["w"])
            opt.step()
        assert [g["params"] for g in opt.param_groups] == groups_before
        assert opt.param_groups[0]["params"] is groups_before[0]
        res[M] = [w.detach().numpy(), new["w"].detach().numpy(), new["b"].detach().numpy(),
                  saved["state"][0]["exp_avg"].numpy(), saved["state"][1]["step"].item(),
                  opt.state[w]["step"].item(), opt.param_groups[0]["lr"], *inside]  # fmt: skip
    for a, b in zip(res[torch], res[mg]):
        np.testing.assert_allclose(np.asarray(b), np.asarray(a), rtol=1e-12)


@pytest.mark.parametrize(
    "spoil",
    [
        lambda s, n: s.update(state=[]),
        lambda s, n: s["param_groups"].pop(),
        lambda s, n: s["param_groups"][0].update(extra=1),
        lambda s, n: s["param_groups"][0].update(params=[0, 1]),
        lambda s, n: s["state"].update({7: {}}),
        lambda s, n: s["state"].update({0: 3}),
        lambda s, n: n.pop("b"),
        lambda s, n: s["param_groups"].__setitem__(0, 5),
    ],
)
def test_swap_in_optimizer_params_and_state_errors(spoil):
    for M in (torch, mg):
        opt, w, saved, new = _swap_setup(M)
        spoil(saved, new)
        with pytest.raises(RuntimeError):
            with M.optim.swap_in_optimizer_params_and_state(opt, new, saved):
                pass
        fresh = M.optim.SGD([M.ones(2, requires_grad=True)], lr=0.1)
        with pytest.raises(RuntimeError, match="initialized optimizer state"):
            with M.optim.swap_in_optimizer_params_and_state(fresh, {}, fresh.state_dict()):
                pass
