"""PyTorch 2.13 names added in the pnn round, against torch: optim.Adafactor, Muon and
SparseAdam; nn.DataParallel, SyncBatchNorm, Container, NLLLoss2d, CrossMapLRN2d; the torch.*
aten forms of the losses and RNN cells."""

import inspect

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()


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
    _check_optimizer("Muon", kw, [(4, 3), (3, 5), (8, 8), (1, 6)], dtype, 1e-6, 1e-7)


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
