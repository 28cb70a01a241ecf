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
from test_torch_oracle_optim2 import _as_numpy, _comparable, _optimizer
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
