# ruff: noqa: E501 - the programs are data, one per line
"""RMSprop, Adagrad and the learning-rate schedulers against PyTorch.

Optimizers run step by step beside PyTorch's on the same starting values and the same
gradient rule, with several groups, every option, a parameter whose gradient is None on
some steps and one that never gets one. float64 agrees to 1e-12. float32 is held to a
relative 1e-6 (and an absolute 1e-6 for elements near 0): PyTorch fuses the
multiply-adds of ``addcmul`` into one rounding (an FMA), NumPy rounds twice, so the last
bit may differ. Schedulers compute on Python floats in PyTorch's order and must agree
exactly. Runs only where torch is installed.
"""

import copy

import numpy as np
import pytest
from test_torch_oracle_autograd import test_program_matches_pytorch as _matches_pytorch
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

OPTIMIZERS = {
    "rmsprop": lambda L, ps: L.optim.RMSprop(ps),
    "rmsprop_centered": lambda L, ps: L.optim.RMSprop(ps, lr=0.02, centered=True),
    "rmsprop_momentum": lambda L, ps: L.optim.RMSprop(ps, lr=0.01, momentum=0.9, weight_decay=0.1),
    "rmsprop_every_option": lambda L, ps: L.optim.RMSprop(
        [{"params": ps[:2]}, {"params": ps[2:], "lr": 0.1, "centered": False, "momentum": 0}],
        lr=0.03, alpha=0.9, eps=1e-6, weight_decay=0.1, momentum=0.8, centered=True, maximize=True,
    ),
    "adagrad": lambda L, ps: L.optim.Adagrad(ps),
    "adagrad_every_option": lambda L, ps: L.optim.Adagrad(
        [{"params": ps[:2]}, {"params": ps[2:], "lr": 0.1, "lr_decay": 0.5, "weight_decay": 0}],
        lr=0.3, lr_decay=0.1, weight_decay=0.2, initial_accumulator_value=0.5, eps=1e-3, maximize=True,
    ),
}  # fmt: skip
TOLERANCES = {"float64": dict(rtol=1e-12, atol=1e-14), "float32": dict(rtol=1e-6, atol=1e-6)}

# the gradient rule ∇ = a (θ - c) + noise_k, each framework from its own parameters
SHAPES = [(3, 4), (4,), (2,), (2,)]


def _as_numpy(t):
    return t.detach().numpy() if isinstance(t, torch.Tensor) else t.data


def _params(lib, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return [lib.tensor(rng.normal(size=s), dtype=getattr(lib, dtype), requires_grad=True)
            for s in SHAPES]  # fmt: skip


def _train(lib, opt, params, steps, start=0):
    """``steps`` steps from step ``start``; parameter 2 has no gradient on even steps,
    parameter 3 never has one. Returns the parameters' values after each step."""
    trajectory = []
    for k in range(start, start + steps):
        rng = np.random.default_rng(100 + k)
        for i, p in enumerate(params[:3]):
            theta = _as_numpy(p).astype(np.float64)
            grad = 1.5 * (theta - 0.3) + rng.normal(size=p.shape)
            p.grad = None if i == 2 and k % 2 == 0 else lib.tensor(grad, dtype=p.dtype)
        opt.step()
        trajectory.append([_as_numpy(p).copy() for p in params])
    return trajectory


def _assert_close(ours, theirs, dtype):
    for step, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert x.dtype == y.dtype
            np.testing.assert_allclose(x, y, **TOLERANCES[dtype], err_msg=f"step {step}, param {i}")


def _assert_same_state(opt, theirs, params, their_params, dtype):
    for p, q in zip(params, their_params, strict=True):
        ours, expected = opt.state.get(p, {}), theirs.state.get(q, {})
        assert list(ours) == list(expected)
        for key, value in expected.items():
            assert str(ours[key].dtype) == str(value.dtype).replace("torch.", "")
            np.testing.assert_allclose(ours[key].data, value.numpy(), **TOLERANCES[dtype])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_optimizer_matches_pytorch_step_by_step(name, dtype):
    ours, theirs = _params(mg, dtype), _params(torch, dtype)
    opt, their_opt = OPTIMIZERS[name](mg, ours), OPTIMIZERS[name](torch, theirs)
    _assert_close(_train(mg, opt, ours, 8), _train(torch, their_opt, theirs, 8), dtype)
    _assert_same_state(opt, their_opt, ours, theirs, dtype)
    assert opt.state_dict()["param_groups"] == their_opt.state_dict()["param_groups"]


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_state_dict_round_trip_resumes_the_same_trajectory(name):
    params = _params(mg, "float64")
    opt = OPTIMIZERS[name](mg, params)
    _train(mg, opt, params, 3)
    saved = copy.deepcopy(opt.state_dict())  # as a file would hold it
    clones = [mg.tensor(p.data.copy(), requires_grad=True) for p in params]
    resumed = OPTIMIZERS[name](mg, clones)
    resumed.load_state_dict(saved)
    uninterrupted = _train(mg, opt, params, 4, start=3)
    for a, b in zip(uninterrupted, _train(mg, resumed, clones, 4, start=3), strict=True):
        for x, y in zip(a, b, strict=True):
            np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_loading_pytorchs_state_dict_continues_pytorchs_trajectory(name):
    theirs = _params(torch, "float64")
    their_opt = OPTIMIZERS[name](torch, theirs)
    _train(torch, their_opt, theirs, 3)
    sd = their_opt.state_dict()
    state = {i: {k: mg.tensor(v.numpy().copy(), dtype=getattr(mg, str(v.dtype)[6:]))
                 for k, v in s.items()} for i, s in sd["state"].items()}  # fmt: skip
    ours = [mg.tensor(_as_numpy(q).copy(), requires_grad=True) for q in theirs]
    opt = OPTIMIZERS[name](mg, ours)
    opt.load_state_dict({"state": state, "param_groups": copy.deepcopy(sd["param_groups"])})
    expected = _train(torch, their_opt, theirs, 4, start=3)
    _assert_close(_train(mg, opt, ours, 4, start=3), expected, "float64")


_P = "p = M.tensor([1., -2.], dtype=M.float64, requires_grad=True); q = M.tensor([3.], dtype=M.float64, requires_grad=True); "
_G = "p.grad = M.tensor([.5, -1.], dtype=M.float64); q.grad = M.tensor([2.], dtype=M.float64); "
OPTIM_PROGRAMS = [
    # bad hyper-parameters, NaN included
    *[
        _P + f"R = M.optim.RMSprop([p], {arg})"
        for arg in (
            "lr=-1.",
            "eps=-1e-3",
            "momentum=-.5",
            "weight_decay=-1.",
            "alpha=-.1",
            "alpha=float('nan')",
            "lr=float('nan')",
        )
    ],
    *[
        _P + f"R = M.optim.Adagrad([p], {arg})"
        for arg in (
            "lr=-1.",
            "lr_decay=-1.",
            "weight_decay=-1.",
            "initial_accumulator_value=-1.",
            "eps=-1.",
            "eps=float('nan')",
            "foreach=True, fused=True",
        )
    ],
    _P
    + "R = M.optim.RMSprop([p], 0.1, 0.9, 1e-6, 0.1, 0.5, True, False, None, True).param_groups[0]['maximize']",
    _P + "R = M.optim.Adagrad([p], 0.1, 0.1, 0.1, 0.1, 1e-6, None, True)",
    # the groups' options, in PyTorch's order; repr
    _P
    + "R = [list(M.optim.RMSprop([p]).param_groups[0]), list(M.optim.Adagrad([p]).param_groups[0])]",
    _P + "R = repr(M.optim.RMSprop([{'params': [p]}, {'params': [q], 'lr': .5}], momentum=.9))",
    _P + "R = repr(M.optim.Adagrad([p], lr_decay=.1))",
    # the state: which buffers, their dtypes, and when they appear
    _P
    + _G
    + "opt = M.optim.RMSprop([p], momentum=.9, centered=True); opt.step(); s = opt.state[p]; R = (list(s), s['step'], s['square_avg'], s['grad_avg'], s['momentum_buffer'], p)",
    _P
    + _G
    + "opt = M.optim.RMSprop([{'params': [p]}, {'params': [q], 'momentum': .5}]); opt.step(); R = (list(opt.state[p]), list(opt.state[q]))",
    _P
    + "opt = M.optim.Adagrad([p, q], initial_accumulator_value=.25); sd = opt.state_dict(); R = (list(sd['state']), list(sd['state'][1]), sd['state'][1]['step'], sd['state'][1]['sum'])",
    _P
    + "p32 = M.tensor([1.], requires_grad=True); opt = M.optim.Adagrad([p32, p]); p.grad = M.ones(2, dtype=M.float64); opt.step(); R = (opt.state[p32]['step'], opt.state[p]['step'], opt.state[p]['sum'], p32)",
    # a group added later starts from the *defaults'* initial_accumulator_value, as PyTorch
    _P
    + _G
    + "opt = M.optim.Adagrad([p], initial_accumulator_value=.5); opt.add_param_group({'params': [q], 'initial_accumulator_value': 4.}); R1 = len(opt.state); opt.step(); R = (R1, opt.state[q]['sum'], q)",
    # loading: missing options get fixed defaults; a step saved as a number becomes a tensor
    _P
    + _G
    + "a = M.optim.RMSprop([p], momentum=.9); a.step(); sd = a.state_dict(); del sd['param_groups'][0]['centered']; sd['state'][0]['step'] = 1.0; b = M.optim.RMSprop([p], centered=True); b.load_state_dict(sd); b.step(); R = (b.param_groups[0]['centered'], b.state[p]['step'], p)",
    _P
    + _G
    + "a = M.optim.Adagrad([p]); a.step(); sd = a.state_dict(); del sd['param_groups'][0]['maximize']; sd['state'][0]['step'] = 1; b = M.optim.Adagrad([p], maximize=True); b.load_state_dict(sd); b.step(); R = (b.param_groups[0]['maximize'], b.state[p]['step'], p)",
    _P
    + "R = M.optim.RMSprop([p]).load_state_dict(M.optim.RMSprop([{'params': [p]}, {'params': [q]}]).state_dict())",
]


@pytest.mark.parametrize("program", OPTIM_PROGRAMS)
def test_optimizer_program_matches_pytorch(program):
    _matches_pytorch(program)
