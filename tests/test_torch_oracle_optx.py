# ruff: noqa: E501 - the programs are data, one per line
"""nn.utils' clipping and flattening, the schedulers OneCycleLR and after, and the
optimizers Adadelta, Rprop and ASGD against PyTorch.

Optimizers run beside PyTorch's with the helpers of test_torch_oracle_optim2 (the same
starting values and gradient rule, several groups, a parameter whose gradient is None on
some steps and one that never has one), compared after every step. Schedulers compute
on Python floats in PyTorch's order and must agree exactly. Runs only where torch is
installed.
"""

import copy
import math

import numpy as np
import pytest
from test_torch_oracle_autograd import test_program_matches_pytorch as _matches_pytorch
from test_torch_oracle_optim2 import (
    TOLERANCES,
    _as_numpy,
    _assert_close,
    _assert_same_state,
    _comparable,
    _optimizer,
    _params,
    _train,
)
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

# ---- nn.utils ---------------------------------------------------------------------

_U = "M.nn.utils."
_A = "a = M.tensor([[1., -2.], [3., 4.]], dtype=M.float64, requires_grad=True); b = M.tensor([5.], requires_grad=True); "
_GA = "a.grad = M.tensor([[-3., .5], [2., float('nan')]], dtype=M.float64); b.grad = M.tensor([.25]); "
UTILS_PROGRAMS = [
    _A + _GA + f"R = ({_U}clip_grad_value_([a, b], 1.), a.grad, b.grad)",
    _A + _GA + f"R = ({_U}clip_grad_value_(a, -.5), a.grad)",
    _A + _GA + f"R = ({_U}clip_grad_value_((p for p in (a, b)), 0), a.grad, b.grad)",
    _A + _GA + f"R = {_U}clip_grad_value_([a], 'x')",
    _A + f"R = ({_U}clip_grad_value_([a, b], 1.), a.grad)",
    f"R = {_U}clip_grad_value_([], 1.)",
    f"R = {_U}get_total_norm([])",
    _A
    + f"R = [{_U}get_total_norm([a, a * 2], n) for n in (2, 1, 3.5, 0, .5, float('inf'), -float('inf'))]",
    _A + f"R = [{_U}get_total_norm([a, b], n) for n in (2, 1, 0, float('inf'))]",
    _A + f"R = {_U}get_total_norm(a)",
    _A + f"R = {_U}get_total_norm([b])",
    f"R = {_U}get_total_norm([M.tensor([1., float('inf')])])",
    f"R = {_U}get_total_norm([M.tensor([1., float('inf')])], error_if_nonfinite=True)",
    f"R = {_U}get_total_norm([M.tensor([1., float('nan')])], 1, True)",
    f"R = {_U}get_total_norm([M.zeros(0)], float('inf'))",
    f"R = {_U}get_total_norm([M.zeros(0), M.ones(2)])",
    _A
    + _GA
    + f"R = ({_U}clip_grads_with_norm_([a, b], 2., M.tensor(10., dtype=M.float64)), a.grad, b.grad)",
    _A + _GA + f"R = ({_U}clip_grads_with_norm_(b, 2., M.tensor(.1)), b.grad)",
    _A
    + f"b.grad = M.tensor([4.]); n = {_U}get_total_norm([b.grad]); {_U}clip_grads_with_norm_([b], 1, n); R = (n, b.grad)",
    _A + f"R = {_U}clip_grads_with_norm_([a], 1., M.tensor(3.))",
    _A + f"v = {_U}parameters_to_vector([a, b]); R = (v, v.requires_grad, v.grad_fn is not None)",
    _A
    + f"v = {_U}parameters_to_vector(p for p in [b, a]); v.sum().backward(); R = (v, a.grad, b.grad)",
    _A + f"R = {_U}parameters_to_vector([a.t()])",
    f"R = {_U}parameters_to_vector([])",
    _A
    + f"v = M.arange(6., dtype=M.float64); R = ({_U}vector_to_parameters(v, [b, a]), a, b, a.is_leaf)",
    _A + f"v = M.arange(5.); {_U}vector_to_parameters(v, [a, b]); v.mul_(2); R = (a, b)",
    _A + f"R = {_U}vector_to_parameters(M.arange(3.), [a])",
    _A + f"R = {_U}vector_to_parameters([1., 2.], [b])",
    _A + f"R = {_U}vector_to_parameters(np.ones(4), [a])",
]


@pytest.mark.parametrize("program", UTILS_PROGRAMS)
def test_utils_program_matches_pytorch(program):
    _matches_pytorch(program)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_clipping_random_gradients_matches_pytorch(dtype):
    rng = np.random.default_rng(7)
    for trial in range(20):
        shapes = [tuple(rng.integers(1, 5, size=rng.integers(1, 3))) for _ in range(3)]
        grads = [rng.normal(scale=3.0, size=s) for s in shapes]
        norm_type = [2.0, 1.0, 3.0, math.inf, 0.5][trial % 5]
        max_norm, clip = rng.uniform(0.5, 8.0), rng.uniform(0.1, 2.0)
        results = []
        for lib in (mg, torch):
            ps = [lib.zeros(*s, dtype=getattr(lib, dtype), requires_grad=True) for s in shapes]
            for p, g in zip(ps, grads, strict=True):
                p.grad = lib.tensor(g, dtype=getattr(lib, dtype))
            total = lib.nn.utils.get_total_norm([p.grad for p in ps], norm_type)
            lib.nn.utils.clip_grads_with_norm_(ps, max_norm, total)
            clipped = [_as_numpy(p.grad).copy() for p in ps]
            lib.nn.utils.clip_grad_value_(ps, clip)
            results.append((float(total), clipped, [_as_numpy(p.grad).copy() for p in ps]))
        rtol = 1e-12 if dtype == "float64" else 1e-6
        np.testing.assert_allclose(results[0][0], results[1][0], rtol=rtol)
        for ours, theirs in zip(
            results[0][1] + results[0][2], results[1][1] + results[1][2], strict=True
        ):
            assert ours.dtype == theirs.dtype
            np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=1e-14)


# ---- schedulers ---------------------------------------------------------------------


class _Halving:  # a callable object: its attributes are saved in the state_dict
    def __init__(self, every):
        self.every = every

    def __call__(self, x):
        return 0.5 ** (x // self.every)


def _adam(lib):
    return lib.optim.Adam([{"params": [lib.zeros(1, requires_grad=True)], "lr": lr} for lr in (0.1, 0.35)],
                          betas=(0.9, 0.99))  # fmt: skip


def _rmsprop(lib):
    return lib.optim.RMSprop([lib.zeros(1, requires_grad=True)], lr=0.1, momentum=0.5)


# name: (optimizer factory, scheduler factory); the per-batch ones run more steps
SCHEDULERS = {
    "constant": (_optimizer, lambda S, o: S.ConstantLR(o)),
    "constant_half": (_optimizer, lambda S, o: S.ConstantLR(o, factor=0.5, total_iters=4)),
    "constant_zero_iters": (_optimizer, lambda S, o: S.ConstantLR(o, factor=0.25, total_iters=0)),
    "multiplicative": (_optimizer, lambda S, o: S.MultiplicativeLR(o, lambda e: 0.95)),
    "multiplicative_per_group": (_optimizer, lambda S, o: S.MultiplicativeLR(o, [lambda e: 1 - e / 100, _Halving(3)])),
    "polynomial": (_optimizer, lambda S, o: S.PolynomialLR(o)),
    "polynomial_power": (_optimizer, lambda S, o: S.PolynomialLR(o, total_iters=12, power=2.5)),
    "warm_restarts": (_optimizer, lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=4)),
    "warm_restarts_mult": (_optimizer, lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=2, eta_min=0.01)),
    "cyclic": (_optimizer, lambda S, o: S.CyclicLR(o, 0.01, 0.1, step_size_up=4)),
    "cyclic_triangular2": (_optimizer, lambda S, o: S.CyclicLR(o, [0.01, 0.02], [0.1, 0.5], 3, 5, mode="triangular2", base_momentum=[0.7, 0.8], max_momentum=0.95)),
    "cyclic_exp_range": (_optimizer, lambda S, o: S.CyclicLR(o, 0.01, 0.1, 2, mode="exp_range", gamma=0.9, cycle_momentum=False)),
    "cyclic_scale_fn": (_optimizer, lambda S, o: S.CyclicLR(o, 0.01, 0.1, 3, scale_fn=lambda x: 1 / (1 + x))),
    "cyclic_scale_fn_iterations": (_optimizer, lambda S, o: S.CyclicLR(o, 0.01, 0.1, 3, scale_fn=_Halving(5), scale_mode="iterations")),
    "cyclic_adam": (_adam, lambda S, o: S.CyclicLR(o, 0.001, 0.01, 3)),
    "cyclic_rmsprop": (_rmsprop, lambda S, o: S.CyclicLR(o, 0.001, 0.01, 3, 2)),
    "one_cycle": (_optimizer, lambda S, o: S.OneCycleLR(o, max_lr=1.0, total_steps=30)),
    "one_cycle_linear": (_optimizer, lambda S, o: S.OneCycleLR(o, [1.0, 2.0], epochs=5, steps_per_epoch=6, anneal_strategy="linear", pct_start=0.25)),
    "one_cycle_three_phase": (_optimizer, lambda S, o: S.OneCycleLR(o, 0.5, 30, three_phase=True, div_factor=10.0, final_div_factor=100.0, base_momentum=[0.8, 0.7], max_momentum=[0.9, 0.99])),
    "one_cycle_adam": (_adam, lambda S, o: S.OneCycleLR(o, 0.01, 30, cycle_momentum=True)),
    "one_cycle_no_momentum": (_adam, lambda S, o: S.OneCycleLR(o, 0.01, 30, cycle_momentum=False, pct_start=0.5)),
    "sequential": (_optimizer, lambda S, o: S.SequentialLR(o, [S.LinearLR(o, 0.1, total_iters=4), S.CosineAnnealingLR(o, 10)], milestones=[4])),
    "sequential_three": (_optimizer, lambda S, o: S.SequentialLR(o, [S.ConstantLR(o, 0.5, 3), S.ExponentialLR(o, 0.9), S.StepLR(o, 2, 0.5)], [3, 9])),
    "sequential_restarts": (_optimizer, lambda S, o: S.SequentialLR(o, [S.ExponentialLR(o, 0.8), S.CosineAnnealingWarmRestarts(o, 3)], [5])),
    "chained": (_optimizer, lambda S, o: S.ChainedScheduler([S.ConstantLR(o, 0.1, 4), S.ExponentialLR(o, 0.9)])),
    "chained_three": (_optimizer, lambda S, o: S.ChainedScheduler([S.PolynomialLR(o, 8), S.MultiplicativeLR(o, lambda e: 0.99), S.StepLR(o, 3, 0.5)], o)),
}  # fmt: skip


def _run(lib, name, steps, set_by_hand=False):
    """The scheduler after construction and after each of ``steps`` steps: its epoch,
    get_last_lr() and the optimizer's groups (momentum and betas included)."""
    make_opt, make = SCHEDULERS[name]
    opt = make_opt(lib)
    sched = make(lib.optim.lr_scheduler, opt)
    return opt, sched, _trace(sched, opt, steps, set_by_hand)


def _trace(sched, opt, steps, set_by_hand=False):
    seen = [
        (getattr(sched, "last_epoch", None), sched.get_last_lr(), opt.state_dict()["param_groups"])
    ]
    for k in range(steps):
        if set_by_hand and k == 3:
            opt.param_groups[-1]["lr"] = 0.2
        opt.step()
        sched.step()
        seen.append(
            (
                getattr(sched, "last_epoch", None),
                sched.get_last_lr(),
                opt.state_dict()["param_groups"],
            )
        )
    return seen


def _state(sched):
    state = _comparable(sched.state_dict())
    if "_schedulers" in state:
        state["_schedulers"] = [_comparable(s) for s in state["_schedulers"]]
    return state


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_new_scheduler_matches_pytorch_exactly_step_by_step(name):
    steps = 30 if "one_cycle" in name else 40
    opt, sched, ours = _run(mg, name, steps)
    their_opt, their_sched, theirs = _run(torch, name, steps)
    assert ours == theirs
    state, their_state = _state(sched), _state(their_sched)
    assert list(state) == list(their_state) and state == their_state


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_new_scheduler_follows_a_rate_set_by_hand_as_pytorch(name):
    assert _run(mg, name, 20, set_by_hand=True)[2] == _run(torch, name, 20, set_by_hand=True)[2]


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_new_scheduler_resumes_from_its_state_dict(name):
    resumed = []
    for lib in (mg, torch):
        opt, sched, _ = _run(lib, name, 7)
        saved_opt, saved = copy.deepcopy(opt.state_dict()), copy.deepcopy(sched.state_dict())
        fresh_opt, fresh, _ = _run(lib, name, 0)
        fresh_opt.load_state_dict(saved_opt)
        fresh.load_state_dict(saved)
        resumed.append(_trace(fresh, fresh_opt, 15))
        if lib is mg:
            assert resumed[0] == _trace(sched, opt, 15)
    assert resumed[0] == resumed[1]


def _outcome(fn):
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 - the exception is what is compared
        return type(e).__name__


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_new_scheduler_resumed_with_last_epoch_matches_pytorch(name):
    runs = []
    for lib in (mg, torch):
        make_opt, make = SCHEDULERS[name]
        opt = make_opt(lib)
        for group in opt.param_groups:
            group["initial_lr"] = group["lr"] * 2

        def resumed(lib=lib, opt=opt, make=make):
            S = lib.optim.lr_scheduler
            sched = _with_last_epoch(make, S, opt, 6)
            return _trace(sched, opt, 10)

        runs.append(_outcome(resumed))
    assert runs[0] == runs[1]


def _with_last_epoch(make, S, opt, last_epoch):
    """``make`` with every scheduler class it calls given ``last_epoch``."""

    class _Resuming:
        def __getattr__(self, cls_name):
            cls = getattr(S, cls_name)
            if cls_name in ("SequentialLR", "ChainedScheduler"):
                return cls
            return lambda *a, **kw: cls(*a, **kw, last_epoch=last_epoch)

    return make(_Resuming(), opt)


@pytest.mark.parametrize(
    "name", ["constant_half", "polynomial_power", "multiplicative_per_group", "cyclic", "one_cycle"]
)
def test_new_scheduler_step_with_an_epoch_matches_pytorch(name):
    runs = []
    for lib in (mg, torch):
        make_opt, make = SCHEDULERS[name]
        opt = make_opt(lib)
        sched = make(lib.optim.lr_scheduler, opt)
        with pytest.warns(UserWarning, match="epoch parameter in `scheduler.step\\(\\)`"):
            for epoch in (4, 9, 2, 13, 13, 0):
                opt.step()
                sched.step(epoch)
        runs.append(_trace(sched, opt, 5))
    assert runs[0] == runs[1]


@pytest.mark.parametrize("T_mult", [1, 2, 3])
def test_warm_restarts_step_with_float_epochs_matches_pytorch(T_mult):
    # a step per batch: epoch + i / iters, in order and then jumping about
    epochs = [e + i / 5 for e in range(12) for i in range(5)] + [30.5, 2.25, 0, 7, 100.75]
    runs = []
    for lib in (mg, torch):
        opt = _optimizer(lib)
        sched = lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(
            opt, T_0=3, T_mult=T_mult, eta_min=0.001
        )
        seen = []
        for epoch in epochs:
            opt.step()
            sched.step(epoch)
            seen.append((sched.last_epoch, sched.T_cur, sched.T_i, sched.get_last_lr()))
        runs.append((seen, _trace(sched, opt, 8)))
    assert runs[0] == runs[1]


def test_one_cycle_past_its_last_step_raises_as_pytorch():
    runs = []
    for lib in (mg, torch):
        opt = _optimizer(lib)
        sched = lib.optim.lr_scheduler.OneCycleLR(opt, 1.0, epochs=2, steps_per_epoch=3)
        seen = _trace(sched, opt, 6)  # the last rate of the schedule is taken at step 6
        opt.step()
        with pytest.raises(
            ValueError, match="Tried to step 7 times. The specified number of total steps is 6"
        ):
            sched.step()
        runs.append((seen, sched.last_epoch, sched.get_last_lr()))
    assert runs[0] == runs[1]


_O = "opt = M.optim.SGD([M.zeros(1, requires_grad=True)], lr=.1); "
_O2 = "opt = M.optim.SGD([{'params': [M.zeros(1, requires_grad=True)]}, {'params': [M.ones(1, requires_grad=True)]}], lr=.1); "
_S = "M.optim.lr_scheduler."
SCHEDULER_PROGRAMS = [
    _O + f"R = {_S}ConstantLR(opt, factor=1.5)",
    _O + f"R = {_S}ConstantLR(opt, factor=-.5)",
    _O
    + f"s = {_S}ConstantLR(opt, factor=0.); opt.step(); R = [s.step() or s.get_last_lr() for _ in range(6)]",
    _O + f"R = {_S}MultiplicativeLR(opt, [lambda e: 1., lambda e: 2.])",
    _O + f"R = {_S}MultiplicativeLR(opt, 0.5)",
    _O + f"R = {_S}MultiplicativeLR(opt, [0.5])",
    _O
    + f"s = {_S}MultiplicativeLR(opt, lambda e: 2.); R = (list(s.state_dict()), s.state_dict()['lr_lambdas'])",
    _O + f"R = {_S}PolynomialLR(opt, total_iters=0).get_last_lr()",
    _O + f"s = {_S}PolynomialLR(opt, total_iters=0); opt.step(); R = s.step()",
    _O
    + f"s = {_S}PolynomialLR(opt, 4, power=.5); opt.step(); R = [s.step() or s.get_last_lr() for _ in range(6)]",
    *[
        _O + f"R = {_S}CosineAnnealingWarmRestarts(opt, {args})"
        for args in ("0", "2.", "-1", "2, 0", "2, 1.5", "2, eta_min='a'", "2, eta_min=None")
    ],
    _O + f"s = {_S}CosineAnnealingWarmRestarts(opt, 2); R = s.step(-1)",
    _O
    + f"s = {_S}CosineAnnealingWarmRestarts(opt, 2, 2); R = [s.step(e) or (s.T_cur, s.T_i, s.get_last_lr()) for e in (1.5, 2, 5.9, 6, 13.999, 14.)]",
    _O
    + f"s = {_S}CosineAnnealingWarmRestarts(opt, 3); R = (s.last_epoch, s.T_cur, s._step_count, list(s.state_dict()))",
    _O + f"R = {_S}CyclicLR(opt, .01, .1, mode='triangle')",
    _O + f"R = {_S}CyclicLR(opt, .01, .1, mode='triangle', scale_fn=lambda x: 1.).mode",
    _O + f"R = {_S}CyclicLR(opt, [.01, .02], .1)",
    _O + f"R = {_S}CyclicLR(opt, .01, [.1, .2])",
    _O + f"R = {_S}CyclicLR(opt, .01, .1, base_momentum=[.8, .9])",
    "opt = M.optim.Adagrad([M.zeros(1, requires_grad=True)]); " + f"R = {_S}CyclicLR(opt, .01, .1)",
    "opt = M.optim.Adagrad([M.zeros(1, requires_grad=True)]); "
    + f"s = {_S}CyclicLR(opt, .01, .1, 2, cycle_momentum=False); opt.step(); s.step(); R = s.get_last_lr()",
    _O
    + f"s = {_S}CyclicLR(opt, .01, .1, 2, mode='exp_range', gamma=.5); R = (list(s.state_dict()), s.state_dict()['_scale_fn_custom'], s.scale_mode)",
    _O
    + f"s = {_S}CyclicLR(opt, .01, .1, 2, mode='triangular', scale_mode='iterations'); R = s.scale_mode",
    _O
    + f"s = {_S}CyclicLR(opt, .01, .1, 2); R = (s.base_lrs, opt.param_groups[0]['lr'], opt.param_groups[0]['initial_lr'], opt.param_groups[0]['momentum'])",
    _O + f"R = {_S}OneCycleLR(opt, 1.)",
    _O + f"R = {_S}OneCycleLR(opt, 1., epochs=2)",
    *[
        _O + f"R = {_S}OneCycleLR(opt, 1., {args})"
        for args in (
            "total_steps=0",
            "total_steps=2.",
            "epochs=0, steps_per_epoch=2",
            "epochs=2, steps_per_epoch=1.5",
            "10, pct_start=1",
            "10, pct_start=1.5",
            "10, pct_start=-.1",
            "10, anneal_strategy='cosine'",
            "[1., 2.]",
            "10, max_momentum=[.9, .9]",
        )
    ],
    _O + f"R = {_S}OneCycleLR(opt, 1., 10, epochs=0).total_steps",
    _O + f"s = {_S}OneCycleLR(opt, 1., 2); R = [s.step() or s.get_last_lr() for _ in range(2)]",
    _O + f"s = {_S}OneCycleLR(opt, 1., 1); R = s.get_last_lr()",
    _O
    + f"s = {_S}OneCycleLR(opt, 1., 4, pct_start=.0); R = [s.step() or s.get_last_lr() for _ in range(3)]",
    _O
    + f"s = {_S}OneCycleLR(opt, 1., 10, three_phase=True, pct_start=.5); R = [s.step() or s.get_last_lr() for _ in range(3)]",
    "opt = M.optim.Adagrad([M.zeros(1, requires_grad=True)]); "
    + f"R = {_S}OneCycleLR(opt, 1., 10)",
    _O
    + f"s = {_S}OneCycleLR(opt, 1., 10); R = (sorted(opt.param_groups[0]), opt.param_groups[0]['initial_lr'], opt.param_groups[0]['min_lr'], s.base_lrs)",
    _O + f"R = {_S}SequentialLR(opt, [], [])",
    _O + f"R = {_S}SequentialLR(opt, [{_S}ExponentialLR(opt, .9)], [2])",
    _O + f"R = {_S}SequentialLR(opt, [{_S}ExponentialLR(opt, .9), 3], [2])",
    _O
    + f"R = {_S}SequentialLR(opt, [{_S}ExponentialLR(opt, .9), {_S}ReduceLROnPlateau(opt)], [2])",
    _O
    + f"o2 = M.optim.SGD([M.zeros(1, requires_grad=True)], lr=.1); R = {_S}SequentialLR(opt, [{_S}ExponentialLR(opt, .9), {_S}ExponentialLR(o2, .9)], [2])",
    _O
    + f"s = {_S}SequentialLR(opt, [{_S}ExponentialLR(opt, .9)], []); opt.step(); R = [s.step() or s.get_last_lr() for _ in range(3)]",
    _O
    + f"s = {_S}SequentialLR(opt, [{_S}ConstantLR(opt, .5, 2), {_S}ExponentialLR(opt, .9)], [3]); R = s.step(2)",
    _O
    + f"s = {_S}SequentialLR(opt, [{_S}ConstantLR(opt, .5, 2), {_S}ExponentialLR(opt, .9)], [0, ]); R = [s.step() or s.get_last_lr() for _ in range(3)]",
    _O
    + f"s = {_S}SequentialLR(opt, [{_S}ConstantLR(opt, .5, 2), {_S}ExponentialLR(opt, .9)], [3], last_epoch=4); R = (s.last_epoch, [s.step() or s.get_last_lr() for _ in range(3)])",
    _O + f"R = {_S}ChainedScheduler([])",
    _O + f"R = {_S}ChainedScheduler([{_S}ExponentialLR(opt, .9), {_S}ReduceLROnPlateau(opt)])",
    _O + f"R = {_S}ChainedScheduler([{_S}ExponentialLR(opt, .9), 'x'])",
    _O
    + f"o2 = M.optim.SGD([M.zeros(1, requires_grad=True)], lr=.1); R = {_S}ChainedScheduler([{_S}ExponentialLR(opt, .9)], o2)",
    _O
    + f"s = {_S}ChainedScheduler([{_S}ExponentialLR(opt, .9), {_S}StepLR(opt, 2)]); R = (s.get_last_lr(), hasattr(s, 'last_epoch'), s.step(4))",
    _O2
    + f"s = {_S}ChainedScheduler([{_S}ConstantLR(opt, .5), {_S}ChainedScheduler([{_S}ExponentialLR(opt, .9)])]); opt.step(); R = [s.step() or s.get_last_lr() for _ in range(7)]",
    _O2
    + f"s = {_S}SequentialLR(opt, [{_S}ChainedScheduler([{_S}ConstantLR(opt, .5), {_S}ExponentialLR(opt, .9)]), {_S}StepLR(opt, 2)], [3]); opt.step(); R = [s.step() or s.get_last_lr() for _ in range(7)]",
]


@pytest.mark.parametrize("program", SCHEDULER_PROGRAMS)
def test_new_scheduler_program_matches_pytorch(program):
    _matches_pytorch(program)


# ---- optimizers ---------------------------------------------------------------------

# name: (optimizer, scheduler or None); ps are the four parameters of test_torch_oracle_optim2
OPTIMIZERS = {
    "adadelta": (lambda L, ps: L.optim.Adadelta(ps), None),
    "adadelta_every_option": (lambda L, ps: L.optim.Adadelta(
        [{"params": ps[:2]}, {"params": ps[2:], "rho": 0.95, "weight_decay": 0, "lr": 0.2}],
        lr=0.5, rho=0.8, eps=1e-4, weight_decay=0.1, maximize=True), None),
    "adadelta_scheduled": (lambda L, ps: L.optim.Adadelta(ps, lr=2.0), lambda S, o: S.OneCycleLR(o, 3.0, 40, cycle_momentum=False)),
    "rprop": (lambda L, ps: L.optim.Rprop(ps), None),
    "rprop_every_option": (lambda L, ps: L.optim.Rprop(
        [{"params": ps[:2]}, {"params": ps[2:], "etas": (0.6, 1.1), "step_sizes": (0.01, 1.0)}],
        lr=0.05, etas=(0.3, 1.5), step_sizes=(1e-3, 0.2), maximize=True), None),
    "rprop_scheduled": (lambda L, ps: L.optim.Rprop(ps, lr=0.1), lambda S, o: S.ExponentialLR(o, 0.5)),
    "asgd": (lambda L, ps: L.optim.ASGD(ps), None),
    "asgd_averaging": (lambda L, ps: L.optim.ASGD(ps, lr=0.05, lambd=0.01, alpha=0.5, t0=5, weight_decay=0.1), None),
    "asgd_every_option": (lambda L, ps: L.optim.ASGD(
        [{"params": ps[:2]}, {"params": ps[2:], "lr": 0.1, "t0": 2, "lambd": 0.1}],
        lr=0.02, lambd=1e-3, alpha=0.9, t0=10, weight_decay=0.05, maximize=True), None),
    "asgd_scheduled": (lambda L, ps: L.optim.ASGD(ps, lr=0.05, t0=3), lambda S, o: S.CyclicLR(o, 0.01, 0.1, 4, cycle_momentum=False)),
}  # fmt: skip


def _make(lib, name, params):
    make_opt, make_sched = OPTIMIZERS[name]
    opt = make_opt(lib, params)
    return opt, make_sched and make_sched(lib.optim.lr_scheduler, opt)


def _steps(lib, opt, sched, params, steps, start):
    """Each step's parameters, state (numbers) and rates."""
    for k in range(start, start + steps):
        values = _train(lib, opt, params, 1, start=k)[0]
        if sched is not None:
            sched.step()
        state = {i: {key: _as_numpy(v).copy() for key, v in s.items()}
                 for i, s in opt.state_dict()["state"].items()}  # fmt: skip
        yield values, state, sched and sched.get_last_lr(), opt.state_dict()["param_groups"]


def _assert_steps_agree(ours, theirs, dtype):
    count = 0
    for (values, state, lrs, groups), (t_values, t_state, t_lrs, t_groups) in zip(
        ours, theirs, strict=True
    ):
        _assert_close([values], [t_values], dtype)
        assert list(state) == list(t_state)
        for i in state:
            assert list(state[i]) == list(t_state[i])
            for key, value in state[i].items():
                assert value.dtype == t_state[i][key].dtype, (i, key)
                np.testing.assert_allclose(
                    value, t_state[i][key], **TOLERANCES[dtype], err_msg=f"{i} {key}"
                )
        assert lrs == t_lrs and groups == t_groups
        count += 1
    return count


@pytest.mark.parametrize(
    ("name", "dtype"),
    [(name, "float64") for name in sorted(OPTIMIZERS)]
    + [(name, "float32") for name in sorted(OPTIMIZERS) if not name.endswith("_scheduled")],
)
def test_new_optimizer_matches_pytorch_step_by_step(name, dtype):
    ours, theirs = _params(mg, dtype), _params(torch, dtype)
    (opt, sched), (their_opt, their_sched) = _make(mg, name, ours), _make(torch, name, theirs)
    steps = _assert_steps_agree(
        _steps(mg, opt, sched, ours, 25, 0),
        _steps(torch, their_opt, their_sched, theirs, 25, 0),
        dtype,
    )
    assert steps == 25
    _assert_same_state(opt, their_opt, ours, theirs, dtype)


def _resume(lib, name, values, state, start):
    """A fresh optimizer (and scheduler) on parameters of ``values`` loads ``state`` (its
    state_dicts) and takes 12 steps from step ``start``."""
    params = [lib.tensor(v.copy(), requires_grad=True) for v in values]
    opt, sched = _make(lib, name, params)
    opt.load_state_dict(state[0])
    if sched is not None:
        sched.load_state_dict(state[1])
    return list(_steps(lib, opt, sched, params, 12, start))


def _midway(lib, name, dtype):
    """10 steps; then the parameters' values, the state_dicts (copied, as a file holds
    them), and the 12 steps after them; and the values and state_dicts after those."""
    params = _params(lib, dtype)
    opt, sched = _make(lib, name, params)
    list(_steps(lib, opt, sched, params, 10, 0))
    saved = (
        [_as_numpy(p).copy() for p in params],
        copy.deepcopy((opt.state_dict(), sched and sched.state_dict())),
    )
    uninterrupted = list(_steps(lib, opt, sched, params, 12, 10))
    end = (
        [_as_numpy(p).copy() for p in params],
        copy.deepcopy((opt.state_dict(), sched and sched.state_dict())),
    )
    return saved, uninterrupted, end


def _to_minigrad(state_dict):
    """PyTorch's optimizer state_dict with minigrad Tensors in its state."""
    state = {i: {k: mg.tensor(v.numpy(), dtype=getattr(mg, str(v.dtype)[6:])) for k, v in s.items()}
             for i, s in state_dict["state"].items()}  # fmt: skip
    return {"state": state, "param_groups": copy.deepcopy(state_dict["param_groups"])}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_new_optimizer_state_dict_round_trip_mid_run_matches_pytorch(name, dtype):
    (values, state), uninterrupted, _ = _midway(mg, name, dtype)
    (their_values, their_state), their_uninterrupted, (their_end, their_end_state) = _midway(
        torch, name, dtype
    )
    resumed = _resume(mg, name, values, state, 10)
    assert (
        _assert_steps_agree(resumed, _resume(torch, name, their_values, their_state, 10), dtype)
        == 12
    )
    assert _assert_steps_agree(uninterrupted, their_uninterrupted, dtype) == 12
    for a, b in zip(resumed, uninterrupted, strict=True):  # resumed, the run is the same
        for x, y in zip(a[0], b[0], strict=True):
            np.testing.assert_array_equal(x, y)
    # and from PyTorch's own state_dicts, saved after 22 steps, both go on as PyTorch
    ours = _resume(
        mg,
        name,
        their_end,
        (_to_minigrad(their_end_state[0]), copy.deepcopy(their_end_state[1])),
        22,
    )
    assert (
        _assert_steps_agree(ours, _resume(torch, name, their_end, their_end_state, 22), dtype) == 12
    )


_P = "p = M.tensor([1., -2.], dtype=M.float64, requires_grad=True); q = M.tensor([3.], dtype=M.float64, requires_grad=True); "
_G = "p.grad = M.tensor([.5, -1.], dtype=M.float64); q.grad = M.tensor([2.], dtype=M.float64); "
OPTIM_PROGRAMS = [
    *[
        _P + f"R = M.optim.Adadelta([p], {arg})"
        for arg in (
            "lr=-1.",
            "rho=1.5",
            "rho=-.1",
            "rho=float('nan')",
            "eps=-1.",
            "weight_decay=-1.",
            "lr=float('nan')",
        )
    ],
    *[
        _P + f"R = M.optim.Rprop([p], {arg})"
        for arg in (
            "lr=-1.",
            "etas=(1., 1.2)",
            "etas=(.5, 1.)",
            "etas=(0., 2.)",
            "etas=(.5,)",
            "lr=float('nan')",
        )
    ],
    *[
        _P + f"R = M.optim.ASGD([p], {arg})"
        for arg in ("lr=-1.", "weight_decay=-1.", "lr=float('nan')")
    ],
    _P + "R = M.optim.Adadelta([p], .5, .8, 1e-3, .1, None, True)",
    _P
    + "R = M.optim.Adadelta([p], .5, .8, 1e-3, .1, None, capturable=True, maximize=True).param_groups[0]['maximize']",
    _P + "R = M.optim.Rprop([p], .5, (.4, 1.3), (1e-3, 1.), True)",
    _P + "R = M.optim.ASGD([p], .5, 1e-3, .5, 10., .1, None, True).param_groups[0]['maximize']",
    _P
    + "R = [list(M.optim.Adadelta([p]).param_groups[0]), list(M.optim.Rprop([p]).param_groups[0]), list(M.optim.ASGD([p]).param_groups[0])]",
    _P
    + "R = [repr(M.optim.Adadelta([p])), repr(M.optim.Rprop([{'params': [p]}, {'params': [q], 'lr': .5}])), repr(M.optim.ASGD([p]))]",
    _P
    + _G
    + "opts = [M.optim.Adadelta([p, q]), M.optim.Rprop([p, q]), M.optim.ASGD([p, q])]\nfor o in opts: o.step()\nR = [(list(o.state[p]), [o.state[p][k] for k in o.state[p]]) for o in opts] + [p, q]",
    # the state begins with a parameter's first gradient; Rprop's step size from the group's lr then
    _P
    + _G
    + "o = M.optim.Rprop([p, q], lr=.1); q.grad = None; o.step(); o.param_groups[0]['lr'] = 5.; q.grad = M.tensor([1.], dtype=M.float64); o.step(); R = (len(o.state), o.state[q]['step_size'], o.state[p]['step_size'], p, q)",
    _P
    + _G
    + "o = M.optim.ASGD([p], lr=.1); o.param_groups[0]['lr'] = .3; o.step(); R = (o.state[p]['eta'], p)",
    _P + "o = M.optim.Adadelta([p]); R = (o.step(), len(o.state), o.step(lambda: 3.))",
    # Rprop: the sign flips (no step where it did), zero gradients, NaN, the step size clamped
    _P
    + "o = M.optim.Rprop([p], lr=.3, step_sizes=(.1, .5))\nfor g in ([1., 1.], [1., -1.], [1., 2.], [0., 3.], [-1., float('nan')], [2., 1.]):\n    p.grad = M.tensor(g, dtype=M.float64); o.step()\nR = (p, o.state[p]['step_size'], o.state[p]['prev'])",
    _P
    + "o = M.optim.Rprop([p], step_sizes=(1., .5)); p.grad = M.ones(2, dtype=M.float64); o.step(); o.step(); R = (p, o.state[p]['step_size'])",
    # loading: missing options get fixed defaults; numbers saved as step, eta, mu become tensors
    _P
    + _G
    + "a = M.optim.ASGD([p], t0=1.); a.step(); a.step(); sd = a.state_dict(); del sd['param_groups'][0]['maximize']; s = sd['state'][0]; s['step'] = 2.; s['eta'] = s['eta'].item(); s['mu'] = s['mu'].item(); b = M.optim.ASGD([p], maximize=True); b.load_state_dict(sd); b.step(); R = (b.param_groups[0]['maximize'], b.state[p]['step'], b.state[p]['eta'], b.state[p]['mu'], b.state[p]['ax'], p)",
    _P
    + _G
    + "a = M.optim.Rprop([p]); a.step(); sd = a.state_dict(); del sd['param_groups'][0]['foreach']; sd['state'][0]['step'] = 1; b = M.optim.Rprop([p]); b.load_state_dict(sd); b.step(); R = (b.param_groups[0]['foreach'], b.state[p]['step'], p)",
    _P
    + _G
    + "a = M.optim.Adadelta([p]); a.step(); b = M.optim.Adadelta([p]); b.load_state_dict(a.state_dict()); b.step(); R = (b.state[p]['square_avg'], b.state[p]['acc_delta'], p)",
    # float32 parameters under a float64 default dtype: ASGD's eta and mu in float64
    "M.set_default_dtype(M.float64)\ntry:\n    p = M.tensor([1., 2.], dtype=M.float32, requires_grad=True); o = M.optim.ASGD([p], lr=.1, t0=0.); p.grad = M.tensor([1., -1.], dtype=M.float32)\n    for _ in range(3): o.step()\n    R = (o.state[p]['eta'], o.state[p]['mu'], o.state[p]['ax'], p)\nfinally:\n    M.set_default_dtype(M.float32)",
]


@pytest.mark.parametrize("program", OPTIM_PROGRAMS)
def test_new_optimizer_program_matches_pytorch(program):
    _matches_pytorch(program)
