# ruff: noqa: E501 - the programs are data, one per line
"""RMSprop, Adagrad, Adamax, NAdam, RAdam and the learning-rate schedulers against PyTorch.

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
    "adamax": lambda L, ps: L.optim.Adamax(ps),
    "adamax_every_option": lambda L, ps: L.optim.Adamax(
        [{"params": ps[:2]}, {"params": ps[2:], "lr": 0.1, "betas": (0.5, 0.9)}],
        lr=0.05, betas=(0.8, 0.99), eps=1e-3, weight_decay=0.1, maximize=True,
    ),
    "nadam": lambda L, ps: L.optim.NAdam(ps),
    "nadam_every_option": lambda L, ps: L.optim.NAdam(
        [{"params": ps[:2]}, {"params": ps[2:], "lr": 0.1, "decoupled_weight_decay": False}],
        lr=0.05, betas=(0.8, 0.99), eps=1e-3, weight_decay=0.1, momentum_decay=0.01,
        decoupled_weight_decay=True, maximize=True,
    ),
    "nadam_weight_decay": lambda L, ps: L.optim.NAdam(ps, weight_decay=0.1),
    "radam": lambda L, ps: L.optim.RAdam(ps),
    "radam_every_option": lambda L, ps: L.optim.RAdam(
        [{"params": ps[:2]}, {"params": ps[2:], "lr": 0.1, "decoupled_weight_decay": False}],
        lr=0.05, betas=(0.8, 0.9), eps=1e-3, weight_decay=0.1, decoupled_weight_decay=True,
        maximize=True,
    ),
    "radam_weight_decay": lambda L, ps: L.optim.RAdam(ps, betas=(0.9, 0.8), weight_decay=0.1),
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
    # float32: PyTorch casts a loaded buffer to its parameter's dtype, NAdam's float32
    # mu_product included, so a float64 NAdam resumed drifts from an uninterrupted one
    # in the last bits, in PyTorch as in minigrad (the next test holds that against it)
    params = _params(mg, "float32")
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
def test_loading_pytorchs_state_dict_resumes_as_pytorch(name):
    theirs = _params(torch, "float64")
    their_opt = OPTIMIZERS[name](torch, theirs)
    _train(torch, their_opt, theirs, 3)
    sd = copy.deepcopy(their_opt.state_dict())
    state = {i: {k: mg.tensor(v.numpy(), dtype=getattr(mg, str(v.dtype)[6:])) for k, v in s.items()}
             for i, s in sd["state"].items()}  # fmt: skip
    ours = [mg.tensor(_as_numpy(q).copy(), requires_grad=True) for q in theirs]
    opt = OPTIMIZERS[name](mg, ours)
    opt.load_state_dict({"state": state, "param_groups": copy.deepcopy(sd["param_groups"])})
    their_clones = [q.detach().clone().requires_grad_() for q in theirs]
    resumed = OPTIMIZERS[name](torch, their_clones)
    resumed.load_state_dict(sd)
    _assert_same_state(opt, resumed, ours, their_clones, "float64")
    expected = _train(torch, resumed, their_clones, 4, start=3)
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
    # Adamax, NAdam, RAdam: checks, options, buffers; NAdam's mu_product is cast on loading
    *[
        _P + f"R = M.optim.{cls}([p], {arg})"
        for cls in ("Adamax", "NAdam", "RAdam")
        for arg in (
            "lr=-1.",
            "betas=(1., .9)",
            "betas=(.9, -1.)",
            "betas=(.9,)",
            "eps=-1.",
            "weight_decay=float('nan')",
        )
    ],
    _P + "R = M.optim.NAdam([p], momentum_decay=-1.)",
    _P + "R = M.optim.Adamax([p], 1., (.9, .9), 1e-8, 0., None, True)",
    _P + "R = M.optim.RAdam([p], 1., (.9, .9), 1e-8, 0., False, None)",
    _P
    + "R = [list(M.optim.Adamax([p]).param_groups[0]), list(M.optim.NAdam([p]).param_groups[0]), list(M.optim.RAdam([p]).param_groups[0])]",
    _P + "R = [repr(M.optim.Adamax([p])), repr(M.optim.NAdam([p])), repr(M.optim.RAdam([p]))]",
    _P
    + _G
    + "opts = [M.optim.Adamax([p]), M.optim.NAdam([p]), M.optim.RAdam([p])]\nfor o in opts: o.step()\nR = [(list(o.state[p]), o.state[p]['step']) for o in opts] + [opts[1].state[p]['mu_product'], p]",
    _P
    + _G
    + "a = M.optim.NAdam([p]); a.step(); sd = a.state_dict(); sd['state'][0]['mu_product'] = sd['state'][0]['mu_product'].item(); b = M.optim.NAdam([p]); b.load_state_dict(sd); R = (b.state[p]['mu_product'], b.state[p]['step'])",
    _P
    + _G
    + "a = M.optim.NAdam([p]); a.step(); b = M.optim.NAdam([p]); b.load_state_dict(a.state_dict()); b.step(); R = (b.state[p]['mu_product'], p)",
]


@pytest.mark.parametrize("program", OPTIM_PROGRAMS)
def test_optimizer_program_matches_pytorch(program):
    _matches_pytorch(program)


# ---- schedulers --------------------------------------------------------------------------


class _Warmup:  # a callable object: LambdaLR's state_dict keeps its attributes
    def __init__(self, epochs):
        self.epochs = epochs

    def __call__(self, epoch):
        return min(1.0, (epoch + 1) / self.epochs)


SCHEDULERS = {
    "multistep": lambda S, opt, **kw: S.MultiStepLR(opt, milestones=[2, 5, 5, 9], gamma=0.5, **kw),
    "multistep_default": lambda S, opt, **kw: S.MultiStepLR(opt, [3], **kw),
    "exponential": lambda S, opt, **kw: S.ExponentialLR(opt, gamma=0.9, **kw),
    "cosine": lambda S, opt, **kw: S.CosineAnnealingLR(opt, T_max=7, **kw),
    "cosine_eta_min": lambda S, opt, **kw: S.CosineAnnealingLR(opt, T_max=4, eta_min=0.01, **kw),
    "lambda": lambda S, opt, **kw: S.LambdaLR(opt, lambda e: 0.95**e, **kw),
    "lambda_per_group": lambda S, opt, **kw: S.LambdaLR(
        opt, [lambda e: 1 / (e + 1), _Warmup(4)], **kw
    ),
    "linear": lambda S, opt, **kw: S.LinearLR(opt, **kw),
    "linear_down": lambda S, opt, **kw: S.LinearLR(
        opt, start_factor=1.0, end_factor=0.1, total_iters=6, **kw
    ),
    "step": lambda S, opt, **kw: S.StepLR(opt, 3, 0.5, **kw),
}


def _optimizer(lib, lrs=(0.1, 0.35)):
    return lib.optim.SGD([{"params": [lib.zeros(1, requires_grad=True)], "lr": lr} for lr in lrs])


def _schedule(sched, opt, epochs):
    seen = []
    for _ in range(epochs):
        opt.step()
        sched.step()
        seen.append((sched.last_epoch, sched.get_last_lr(), [g["lr"] for g in opt.param_groups]))
    return seen


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_scheduler_matches_pytorch_exactly_step_by_step(name):
    ours, theirs = _optimizer(mg), _optimizer(torch)
    sched = SCHEDULERS[name](mg.optim.lr_scheduler, ours)
    their_sched = SCHEDULERS[name](torch.optim.lr_scheduler, theirs)
    assert (sched.last_epoch, sched.get_last_lr()) == (
        their_sched.last_epoch,
        their_sched.get_last_lr(),
    )
    assert sched.base_lrs == their_sched.base_lrs
    assert _schedule(sched, ours, 25) == _schedule(their_sched, theirs, 25)


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_scheduler_follows_a_rate_set_by_hand_as_pytorch(name):
    # the recursive forms start from the group's current rate
    runs = []
    for lib in (mg, torch):
        opt = _optimizer(lib)
        sched = SCHEDULERS[name](lib.optim.lr_scheduler, opt)
        seen = _schedule(sched, opt, 3)
        opt.param_groups[1]["lr"] = 0.2
        runs.append(seen + _schedule(sched, opt, 10))
    assert runs[0] == runs[1]


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_scheduler_step_with_an_epoch_takes_pytorchs_closed_form(name):
    runs = []
    for lib in (mg, torch):
        opt = _optimizer(lib)
        sched = SCHEDULERS[name](lib.optim.lr_scheduler, opt)
        with pytest.warns(UserWarning, match="epoch parameter in `scheduler.step\\(\\)`"):
            for epoch in (4, 9, 2, 13, 13):
                opt.step()
                sched.step(epoch)
        runs.append((sched.last_epoch, sched.get_last_lr(), _schedule(sched, opt, 3)))
    assert runs[0] == runs[1]


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_scheduler_resumed_with_last_epoch_matches_pytorch(name):
    runs = []
    for lib in (mg, torch):
        opt = _optimizer(lib)
        for group in opt.param_groups:
            group["initial_lr"] = group["lr"] * 2
        sched = SCHEDULERS[name](lib.optim.lr_scheduler, opt, last_epoch=6)
        runs.append((sched.last_epoch, sched.get_last_lr(), _schedule(sched, opt, 8)))
    assert runs[0] == runs[1]


def _comparable(state):
    """A scheduler's state_dict, MultiStepLR's ``Counter`` of milestones made a plain dict
    (a Counter of one framework is no instance of the other's class)."""
    return {k: dict(v) if k == "milestones" else v for k, v in state.items()}


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_scheduler_state_dict_is_pytorchs_and_resumes(name):
    states = []
    for lib in (mg, torch):
        opt = _optimizer(lib)
        sched = SCHEDULERS[name](lib.optim.lr_scheduler, opt)
        _schedule(sched, opt, 5)
        states.append(copy.deepcopy(_comparable(sched.state_dict())))
    assert list(states[0]) == list(states[1])
    assert states[0] == states[1]
    opt = _optimizer(mg)
    sched = SCHEDULERS[name](mg.optim.lr_scheduler, opt)
    _schedule(sched, opt, 5)
    saved_opt, saved = copy.deepcopy(opt.state_dict()), copy.deepcopy(sched.state_dict())
    fresh_opt = _optimizer(mg)
    fresh = SCHEDULERS[name](mg.optim.lr_scheduler, fresh_opt)
    fresh_opt.load_state_dict(saved_opt)
    fresh.load_state_dict(saved)
    assert _schedule(fresh, fresh_opt, 12) == _schedule(sched, opt, 12)


PLATEAUS = {
    "default": dict(),
    "patience": dict(patience=2, factor=0.5),
    "cooldown": dict(patience=1, cooldown=2, factor=0.5),
    "abs": dict(patience=0, threshold=0.05, threshold_mode="abs"),
    "max_rel": dict(mode="max", patience=1, threshold=0.01),
    "max_abs": dict(mode="max", patience=1, threshold=0.1, threshold_mode="abs"),
    "min_lrs": dict(patience=0, factor=0.5, min_lr=[0.02, 0.1]),
    "eps": dict(patience=0, factor=0.9, min_lr=0.09, eps=1e-3),
}
METRICS = [1.0, 0.9, 0.95, 0.9, 0.8999, 0.91, 0.92, 0.93, 0.7, 0.7, 0.71, 0.75] * 3


@pytest.mark.parametrize("name", sorted(PLATEAUS))
def test_reduce_lr_on_plateau_matches_pytorch_exactly(name):
    runs = []
    for lib in (mg, torch):
        opt = _optimizer(lib)
        sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, **PLATEAUS[name])
        seen = [sched.get_last_lr()]
        for i, metric in enumerate(METRICS):
            sched.step(lib.tensor(metric) if i % 3 == 0 else metric)  # a one-element tensor too
            seen.append(
                (
                    sched.get_last_lr(),
                    sched.best,
                    sched.num_bad_epochs,
                    sched.cooldown_counter,
                    sched.last_epoch,
                )
            )
        runs.append((seen, copy.deepcopy(sched.state_dict())))
    assert runs[0][0] == runs[1][0]
    assert list(runs[0][1]) == list(runs[1][1]) and runs[0][1] == runs[1][1]


def test_reduce_lr_on_plateau_resumes_from_its_state_dict():
    opt = _optimizer(mg)
    sched = mg.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="max", patience=1, cooldown=1)
    for metric in METRICS[:7]:
        sched.step(metric)
    saved_opt, saved = copy.deepcopy(opt.state_dict()), copy.deepcopy(sched.state_dict())
    fresh_opt = _optimizer(mg)
    fresh = mg.optim.lr_scheduler.ReduceLROnPlateau(
        fresh_opt
    )  # mode and the rest come from the state
    fresh_opt.load_state_dict(saved_opt)
    fresh.load_state_dict(saved)
    for metric in METRICS[7:]:
        sched.step(metric)
        fresh.step(metric)
        assert fresh.get_last_lr() == sched.get_last_lr()
    assert fresh.get_last_lr() != saved["_last_lr"]


_O = "opt = M.optim.SGD([M.zeros(1, requires_grad=True)], lr=.1); "
_S = "M.optim.lr_scheduler."
SCHEDULER_PROGRAMS = [
    _O + f"R = {_S}LinearLR(opt, start_factor=0)",
    _O + f"R = {_S}LinearLR(opt, start_factor=1.5)",
    _O + f"R = {_S}LinearLR(opt, end_factor=-.1)",
    _O + f"R = {_S}LambdaLR(opt, [lambda e: 1., lambda e: 2.])",
    _O + f"R = {_S}LambdaLR(opt, (lambda e: .5,)).get_last_lr()",
    _O + f"R = {_S}ExponentialLR(opt)",
    _O + f"R = {_S}MultiStepLR(opt, [2, 2], 0.5).milestones[2]",
    _O + f"s = {_S}CosineAnnealingLR(opt, T_max=0); R = s.step()",
    _O + f"R = {_S}ReduceLROnPlateau(opt, factor=1.0)",
    _O + f"R = {_S}ReduceLROnPlateau(opt, mode='mean')",
    _O + f"R = {_S}ReduceLROnPlateau(opt, threshold_mode='relative')",
    _O + f"R = {_S}ReduceLROnPlateau(opt, min_lr=[0., 0.])",
    f"R = {_S}ReduceLROnPlateau(None)",
    f"R = {_S}ExponentialLR(None, .5)",
    _O
    + f"s = {_S}ReduceLROnPlateau(opt, patience=0, min_lr=[0.])\nopt.add_param_group({{'params': [M.ones(1, requires_grad=True)]}}); s.step(1.); R = s.step(2.)",
    _O
    + f"s = {_S}ReduceLROnPlateau(opt, patience=0)\nopt.add_param_group({{'params': [M.ones(1, requires_grad=True)], 'lr': 1.}}); s.step(1.); s.step(2.); R = (s.get_last_lr(), s.min_lrs)",
    _O
    + f"s = {_S}ReduceLROnPlateau(opt); R = (list(s.state_dict()), s.last_epoch, s.best, s.get_last_lr(), 'initial_lr' in opt.param_groups[0])",
    _O + f"s = {_S}ReduceLROnPlateau(opt); R = s.step('a')",
    _O
    + f"s = {_S}ReduceLROnPlateau(opt, patience=0)\nfor m in (3., 4., float('nan'), 5.): s.step(m)\nR = (s.get_last_lr(), s.best, s.num_bad_epochs)",
    _O
    + f"s = {_S}LambdaLR(opt, lambda e: 2. ** e); R = (list(s.state_dict()), s.state_dict()['lr_lambdas'])",
    _O
    + f"s = {_S}CosineAnnealingLR(opt, 3); R = (list(s.state_dict()), [s.step() or s.get_last_lr()[0] for _ in range(8)])",
    _O + f"s = {_S}MultiStepLR(opt, [1]); R = s.get_lr()",
    _O + f"s = {_S}LinearLR(opt, total_iters=0); opt.step(); s.step(); R = s.get_last_lr()",
    _O + f"s = {_S}LinearLR(opt, total_iters=0); R = s.step(3)",
]


@pytest.mark.parametrize("program", SCHEDULER_PROGRAMS)
def test_scheduler_program_matches_pytorch(program):
    _matches_pytorch(program)


# ---- nn.init: the draws cannot match PyTorch's generator; everything around them can ----

_I = "M.nn.init."
INIT_PROGRAMS = [
    f"x = M.zeros(50, dtype=M.float64); t = {_I}trunc_normal_(x, a=-.5, b=.5); R = (t is x, str(t.dtype).split('.')[-1], bool((t >= -.5).all()), bool((t <= .5).all()), bool((t != 0).all()))",
    f"x = M.zeros(4, 3, requires_grad=True); t = {_I}trunc_normal_(x, 1., .01, 0., 10.); R = (t is x, x.requires_grad, x.is_leaf, bool((x > .9).all() and (x < 1.1).all()))",
    f"x = M.zeros(200); {_I}trunc_normal_(x, 0., 1., 3., 4.); R = bool((x >= 3.).all() and (x <= 4.).all())",
    f"R = {_I}trunc_normal_(M.zeros(3, dtype=M.int64))",
    f"R = {_I}trunc_normal_(M.zeros(3, dtype=M.int64), a=5., b=6.)",
    "import warnings\nwith warnings.catch_warnings(record=True) as caught:\n    warnings.simplefilter('always')\n"
    + f"    {_I}trunc_normal_(M.zeros(3), mean=10.)\nR = [str(w.message) for w in caught]",
    f"R = {_I}orthogonal_(M.zeros(3))",
    f"x = M.zeros(0, 3); R = ({_I}orthogonal_(x) is x, tuple(x.shape))",
    f"R = {_I}orthogonal_(M.zeros(2, 2, dtype=M.int64))",
    f"x = M.zeros(3, 5, dtype=M.float64, requires_grad=True); w = {_I}orthogonal_(x, gain=3.); R = (w is x, x.requires_grad, bool(((x @ x.T) - 9 * M.eye(3, dtype=M.float64)).abs().max() < 1e-12))",
    f"x = M.zeros(6, 2, 2); {_I}orthogonal_(x); y = x.reshape(6, 4); R = bool(((y.T @ y) - M.eye(4)).abs().max() < 1e-5)",
    f"R = ({_I}eye_(M.zeros(2, 3)), {_I}eye_(M.zeros(3, 2, dtype=M.float64)), {_I}eye_(M.zeros(2, 2, dtype=M.int64)), {_I}eye_(M.zeros(2, 2, dtype=M.bool)))",
    f"x = M.full((2, 2), 5., requires_grad=True); y = {_I}eye_(x); R = (y is x, x, x.is_leaf)",
    f"R = {_I}eye_(M.zeros(2))",
    f"R = {_I}eye_(M.zeros(2, 2, 2))",
    f"R = {_I}eye_(M.zeros(0, 3))",
]


@pytest.mark.parametrize("program", INIT_PROGRAMS)
def test_init_program_matches_pytorch(program):
    _matches_pytorch(program)
