"""LBFGS, the optimizers' and modules' hooks, swa_utils and nn.utils' parametrizations
against PyTorch: the same starting values and closures, the same trajectories (float64
to 1e-10), state_dict layouts, call orders and exception types. Runs only where torch
is installed."""

import importlib

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()


def _rosenbrock(x):
    return ((1 - x[:-1]) ** 2 + 100 * (x[1:] - x[:-1] ** 2) ** 2).sum()


def _mlp_params(L, seed=0):
    rng = np.random.default_rng(seed)
    arrays = [rng.normal(size=s) * 0.5 for s in [(5, 3), (5,), (2, 5), (2,)]]
    return [L.tensor(a, requires_grad=True) for a in arrays]


def _mlp_loss(L, ps):
    rng = np.random.default_rng(1)
    dtype = ps[0].detach().numpy().dtype
    x, y = (L.tensor(rng.normal(size=shape).astype(dtype)) for shape in [(8, 3), (8, 2)])
    h = L.tanh(x @ ps[0].T + ps[1])
    return ((h @ ps[2].T + ps[3] - y) ** 2).mean()


LBFGS_OPTIONS = [
    {},
    {"lr": 0.5},
    {"lr": 0.1, "history_size": 3},
    {"max_iter": 3},
    {"max_iter": 4, "max_eval": 6},
    {"tolerance_grad": 1e-3},
    {"tolerance_change": 1e-4},
    {"history_size": 1, "max_iter": 7},
]


def _run_lbfgs(L, problem, options, line_search_fn, steps, dtype=np.float64):
    if problem == "rosenbrock":
        ps = [L.tensor(np.array([-1.5, 2.0, 0.5, -0.3, 1.2], dtype), requires_grad=True)]
        loss_of = lambda: _rosenbrock(ps[0])  # noqa: E731
    else:
        ps = [
            L.tensor(p.detach().numpy().astype(dtype), requires_grad=True) for p in _mlp_params(mg)
        ]
        loss_of = lambda: _mlp_loss(L, ps)  # noqa: E731
    opt = L.optim.LBFGS(ps, line_search_fn=line_search_fn, **options)

    def closure():
        opt.zero_grad()
        loss = loss_of()
        loss.backward()
        return loss

    losses = [float(opt.step(closure).detach()) for _ in range(steps)]
    return [p.detach().numpy().copy() for p in ps], losses, opt


@pytest.mark.parametrize("problem", ["rosenbrock", "mlp"])
@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
@pytest.mark.parametrize("options", LBFGS_OPTIONS, ids=str)
@pytest.mark.parametrize("steps", [1, 2])
def test_lbfgs_trajectory_matches_pytorch(problem, line_search_fn, options, steps):
    ours, our_losses, opt = _run_lbfgs(mg, problem, options, line_search_fn, steps)
    theirs, their_losses, topt = _run_lbfgs(torch, problem, options, line_search_fn, steps)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(our_losses, their_losses, rtol=1e-10, atol=1e-12)
    ours_sd, theirs_sd = opt.state_dict(), topt.state_dict()
    assert ours_sd["param_groups"] == theirs_sd["param_groups"]
    assert sorted(ours_sd["state"]) == sorted(theirs_sd["state"])
    ours_state, theirs_state = ours_sd["state"][0], theirs_sd["state"][0]
    assert sorted(ours_state) == sorted(theirs_state)
    for key in ("func_evals", "n_iter"):
        assert ours_state[key] == theirs_state[key]
    for key in ("d", "prev_flat_grad"):  # gradients: x's last bits times the Hessian (~1e3)
        np.testing.assert_allclose(
            ours_state[key].numpy(), theirs_state[key].numpy(), rtol=1e-7, atol=1e-7
        )
    assert len(ours_state["old_dirs"]) == len(theirs_state["old_dirs"])


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_lbfgs_float32_matches_pytorch(line_search_fn):
    ours, _, _ = _run_lbfgs(mg, "mlp", {"max_iter": 3}, line_search_fn, 1, np.float32)
    theirs, _, _ = _run_lbfgs(torch, "mlp", {"max_iter": 3}, line_search_fn, 1, np.float32)
    for a, b in zip(ours, theirs):
        assert a.dtype == b.dtype == np.float32
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_lbfgs_load_state_dict_resumes_as_pytorch(line_search_fn):
    def resumed(L):
        ps, _, opt = _run_lbfgs(L, "rosenbrock", {"max_iter": 4}, line_search_fn, 2)
        x = L.tensor(ps[0], requires_grad=True)
        fresh = L.optim.LBFGS([x], max_iter=4, line_search_fn=line_search_fn)
        fresh.load_state_dict(opt.state_dict())

        def closure():
            fresh.zero_grad()
            loss = _rosenbrock(x)
            loss.backward()
            return loss

        fresh.step(closure)
        return x.detach().numpy()

    np.testing.assert_allclose(resumed(mg), resumed(torch), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize(
    "build",
    [
        lambda L, p: L.optim.LBFGS([p], lr=-1.0),
        lambda L, p: L.optim.LBFGS([{"params": [p]}, {"params": [p * 1]}]),
        lambda L, p: L.optim.LBFGS(p),
    ],
)
def test_lbfgs_bad_arguments_raise_as_pytorch(build):
    def error(L):
        p = L.tensor(np.ones(3), requires_grad=True)
        with pytest.raises(Exception) as info:
            build(L, p)
        return info.type

    assert error(mg) is error(torch)


def test_lbfgs_unknown_line_search_raises_as_pytorch():
    def error(L):
        x = L.tensor(np.array([0.5, 0.5]), requires_grad=True)
        opt = L.optim.LBFGS([x], line_search_fn="armijo")

        def closure():
            opt.zero_grad()
            loss = _rosenbrock(x)
            loss.backward()
            return loss

        with pytest.raises(Exception) as info:
            opt.step(closure)
        return info.type

    assert error(mg) is error(torch) is RuntimeError


def test_lbfgs_repr_and_defaults_match_pytorch():
    ours = mg.optim.LBFGS([mg.tensor(np.ones(2), requires_grad=True)])
    theirs = torch.optim.LBFGS([torch.ones(2, dtype=torch.float64, requires_grad=True)])
    assert repr(ours) == repr(theirs)
    assert ours.defaults == theirs.defaults


# ---- optimizer hooks -------------------------------------------------------------------


def _optimizer_hook_log(L):
    """Every optimizer hook registered, some removed, some replacing arguments or
    state dicts: the calls they see, in order, and the values they leave."""
    log = []
    p = L.tensor(np.array([1.0, -2.0]), requires_grad=True)
    opt = L.optim.SGD([p], lr=0.1)
    other = L.optim.Adam([L.tensor(np.array([0.5]), requires_grad=True)])
    optimizer = importlib.import_module(L.__name__ + ".optim.optimizer")
    handles = [
        optimizer.register_optimizer_step_pre_hook(
            lambda o, a, k: log.append(("gpre", type(o).__name__, len(a), sorted(k)))
        ),
        optimizer.register_optimizer_step_post_hook(
            lambda o, a, k: log.append(("gpost", type(o).__name__))
        ),
    ]
    try:
        h1 = opt.register_step_pre_hook(lambda o, a, k: log.append(("pre1", len(a), sorted(k))))

        def closure():
            log.append("closure")
            opt.zero_grad()
            loss = (p * p).sum()
            loss.backward()
            return loss

        opt.register_step_pre_hook(lambda o, a, k: ((o,), {"closure": closure}))
        opt.register_step_pre_hook(lambda o, a, k: log.append(("pre3", len(a), sorted(k))))
        opt.register_step_post_hook(lambda o, a, k: log.append(("post", len(a), sorted(k))))
        loss = opt.step()
        log.append(("loss", float(loss.detach())))
        h1.remove()
        opt.step(closure)
        other.step()
        for h in handles:
            h.remove()
        opt.step()
        other.step()

        opt.register_state_dict_pre_hook(lambda o: log.append("sd_pre1"))
        opt.register_state_dict_pre_hook(lambda o: log.append("sd_pre0"), prepend=True)
        opt.register_state_dict_post_hook(lambda o, sd: log.append(("sd_post", sorted(sd))))
        opt.register_state_dict_post_hook(lambda o, sd: {**sd, "extra": 1})
        sd = opt.state_dict()
        log.append(("sd", sorted(sd)))
        opt.register_load_state_dict_pre_hook(lambda o, sd: log.append(("load_pre", sorted(sd))))
        opt.register_load_state_dict_pre_hook(
            lambda o, sd: {
                "state": sd["state"],
                "param_groups": [{**sd["param_groups"][0], "lr": 0.5}],
            }
        )
        h = opt.register_load_state_dict_post_hook(
            lambda o: log.append(("load_post", o.param_groups[0]["lr"]))
        )
        opt.register_load_state_dict_post_hook(lambda o: log.append("load_post0"), prepend=True)
        opt.load_state_dict(sd)
        h.remove()
        opt.load_state_dict(sd)
        log.append(("lr", opt.param_groups[0]["lr"], sorted(sd)))
        log.append(("p", p.detach().numpy().tolist()))
    finally:
        for h in handles:
            h.remove()
    return log


def test_optimizer_hooks_match_pytorch():
    assert _optimizer_hook_log(mg) == _optimizer_hook_log(torch)


def test_optimizer_step_pre_hook_bad_return_raises_as_pytorch():
    def error(L):
        opt = L.optim.SGD([L.tensor(np.ones(2), requires_grad=True)])
        opt.register_step_pre_hook(lambda o, a, k: 3)
        with pytest.raises(Exception) as info:
            opt.step()
        return info.type

    assert error(mg) is error(torch) is RuntimeError


def test_lbfgs_step_hooks_see_the_closure_as_pytorch():
    def log(L):
        seen = []
        x = L.tensor(np.array([0.5, 0.2]), requires_grad=True)
        opt = L.optim.LBFGS([x], max_iter=2)
        opt.register_step_pre_hook(lambda o, a, k: seen.append(("pre", len(a), sorted(k))))
        opt.register_step_post_hook(lambda o, a, k: seen.append(("post", len(a), sorted(k))))

        def closure():
            opt.zero_grad()
            loss = _rosenbrock(x)
            loss.backward()
            return loss

        opt.step(closure)
        opt.step(closure=closure)
        return seen, x.detach().numpy().tolist()

    assert log(mg) == log(torch)


# ---- module state-dict hooks -----------------------------------------------------------


def _module_hook_log(L):
    """State-dict hooks on a parent and its children: their calls in order, the prefixes
    and keys they see, what changing the dicts and the keys' lists does."""
    log = []
    with L.no_grad():
        L.manual_seed(0)
        model = L.nn.Sequential(L.nn.Linear(2, 3), L.nn.Sequential(L.nn.Linear(3, 1), L.nn.ReLU()))
        for p in model.parameters():
            p.copy_(L.ones_like(p) * 0.5)
    for name, m in [("root", model), ("lin", model[0]), ("inner", model[1]), ("relu", model[1][1])]:
        m.register_state_dict_pre_hook(
            lambda mod, prefix, keep, name=name: log.append(("sd_pre", name, prefix, keep))
        )
        m.register_state_dict_post_hook(
            lambda mod, sd, prefix, meta, name=name: log.append(("sd_post", name, prefix, len(sd)))
        )
        m.register_load_state_dict_pre_hook(
            lambda mod, sd, prefix, meta, strict, missing, unexpected, errors, name=name: (
                log.append(
                    (
                        "load_pre",
                        name,
                        prefix,
                        strict,
                        list(missing),
                        list(unexpected),
                        len(errors),
                        sorted(sd),
                    )
                )
            )
        )
        m.register_load_state_dict_post_hook(
            lambda mod, keys, name=name: log.append(
                ("load_post", name, list(keys.missing_keys), list(keys.unexpected_keys))
            )
        )
    sd = model.state_dict(prefix="m.", keep_vars=True)
    log.append(sorted(sd))
    sd = model.state_dict()
    sd["extra"] = L.ones(1)
    del sd["1.0.bias"]
    result = model.load_state_dict(sd, strict=False)
    log.append((list(result.missing_keys), list(result.unexpected_keys)))
    log.append(sorted(sd))  # the loader works on a copy

    # a pre hook renames keys (as old checkpoints are upgraded); a post hook clears the keys
    child = model[0]
    child.register_load_state_dict_pre_hook(
        lambda mod, sd, prefix, *rest: (
            sd.__setitem__(prefix + "weight", sd.pop(prefix + "old_weight"))
            if prefix + "old_weight" in sd
            else None
        )
    )
    renamed = {
        ("0.old_weight" if k == "0.weight" else k): v * 2 for k, v in model.state_dict().items()
    }
    model.load_state_dict(renamed)
    log.append(model[0].weight.detach().numpy().tolist())
    model[1][0].register_load_state_dict_post_hook(lambda mod, keys: keys.unexpected_keys.clear())
    log.append(tuple(model.load_state_dict({**model.state_dict(), "1.0.junk": L.ones(1)})))
    return log


def test_module_state_dict_hooks_match_pytorch():
    assert _module_hook_log(mg) == _module_hook_log(torch)


@pytest.mark.parametrize("kind", ["state_dict", "load"])
def test_module_post_hook_returning_a_value_raises_as_pytorch(kind):
    def error(L):
        m = L.nn.Linear(2, 2)
        if kind == "state_dict":
            m.register_state_dict_post_hook(lambda *a: {})
            call = m.state_dict
        else:
            m.register_load_state_dict_post_hook(lambda *a: 1)
            call = lambda: m.load_state_dict(m.state_dict())  # noqa: E731
        with pytest.raises(Exception) as info:
            call()
        return info.type

    assert error(mg) is error(torch)


def test_removed_module_hooks_are_not_called_as_pytorch():
    def calls(L):
        seen = []
        m = L.nn.Linear(2, 2)
        handles = [
            m.register_state_dict_pre_hook(lambda *a: seen.append("pre")),
            m.register_state_dict_post_hook(lambda *a: seen.append("post")),
            m.register_load_state_dict_pre_hook(lambda *a: seen.append("load_pre")),
            m.register_load_state_dict_post_hook(lambda *a: seen.append("load_post")),
        ]
        m.load_state_dict(m.state_dict())
        for h in handles:
            h.remove()
        m.load_state_dict(m.state_dict())
        return seen

    assert calls(mg) == calls(torch)


# ---- swa_utils -------------------------------------------------------------------------


def _swa_net(L, dtype):
    with L.no_grad():
        net = L.nn.Sequential(
            L.nn.Linear(3, 4), L.nn.BatchNorm1d(4), L.nn.Tanh(), L.nn.Linear(4, 2)
        )
        rng = np.random.default_rng(3)
        for p in net.parameters():
            p.copy_(L.tensor(rng.normal(size=tuple(p.shape)) * 0.5))
        return net.to(L.float64 if dtype == np.float64 else L.float32)


AVERAGERS = {
    "swa": lambda sw: {},
    "ema_avg_fn": lambda sw: {"avg_fn": sw.get_ema_avg_fn(0.9)},
    "ema_multi": lambda sw: {"multi_avg_fn": sw.get_ema_multi_avg_fn(0.8)},
    "swa_multi": lambda sw: {"multi_avg_fn": sw.get_swa_multi_avg_fn()},
    "swa_avg_fn": lambda sw: {"avg_fn": sw.get_swa_avg_fn()},
    "ema_buffers": lambda sw: {"multi_avg_fn": sw.get_ema_multi_avg_fn(0.5), "use_buffers": True},
    "swa_buffers": lambda sw: {"use_buffers": True},
}


def _swa_run(L, averager, dtype):
    """Train with SGD under SWALR, averaging every step; then update_bn."""
    net = _swa_net(L, dtype)
    sw = importlib.import_module(L.__name__ + ".optim.swa_utils")
    averaged = sw.AveragedModel(net, **AVERAGERS[averager](sw))
    opt = L.optim.SGD(
        [{"params": net[0].parameters()}, {"params": net[3].parameters(), "lr": 0.2}],
        lr=0.1,
        momentum=0.5,
    )
    sched = sw.SWALR(opt, swa_lr=[0.05, 0.01], anneal_epochs=3, anneal_strategy="linear")
    rng = np.random.default_rng(4)
    xs = [L.tensor(rng.normal(size=(6, 3)).astype(dtype)) for _ in range(5)]
    lrs, trajectory = [], []
    for x in xs:
        opt.zero_grad()
        (net(x) ** 2).mean().backward()
        opt.step()
        sched.step()
        averaged.update_parameters(net)
        lrs.append(sched.get_last_lr())
        trajectory.append({k: v.detach().numpy().copy() for k, v in averaged.state_dict().items()})
    sw.update_bn([(x, 0) for x in xs], averaged)
    out = averaged(xs[0]).detach().numpy()
    return lrs, trajectory, averaged.state_dict(), out, averaged.training


@pytest.mark.parametrize("averager", list(AVERAGERS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_averaged_model_and_swalr_match_pytorch(averager, dtype):
    ours, theirs = _swa_run(mg, averager, dtype), _swa_run(torch, averager, dtype)
    tol = dict(rtol=1e-10, atol=1e-12) if dtype == np.float64 else dict(rtol=1e-5, atol=1e-6)
    assert ours[0] == theirs[0]  # Python floats in PyTorch's order: exactly
    for a, b in zip(ours[1], theirs[1]):
        assert list(a) == list(b)
        for k in a:
            assert a[k].dtype == b[k].dtype, k
            np.testing.assert_allclose(a[k], b[k], **tol, err_msg=k)
    assert list(ours[2]) == list(theirs[2])
    for k in ours[2]:
        np.testing.assert_allclose(ours[2][k].numpy(), theirs[2][k].numpy(), **tol, err_msg=k)
    np.testing.assert_allclose(ours[3], theirs[3], **tol)
    assert ours[4] == theirs[4]


@pytest.mark.parametrize("strategy", ["cos", "linear"])
@pytest.mark.parametrize("anneal_epochs", [0, 1, 4])
def test_swalr_rates_match_pytorch(strategy, anneal_epochs):
    def rates(L):
        sw = importlib.import_module(L.__name__ + ".optim.swa_utils")
        ps = [L.tensor(np.ones(2), requires_grad=True) for _ in range(2)]
        opt = L.optim.SGD([{"params": ps[:1]}, {"params": ps[1:], "lr": 0.3}], lr=1.0)
        sched = sw.SWALR(opt, swa_lr=0.05, anneal_epochs=anneal_epochs, anneal_strategy=strategy)
        out = [sched.get_last_lr()]
        for _ in range(7):
            opt.step()
            sched.step()
            out.append(sched.get_last_lr())
        state = sched.state_dict()
        return out, sorted(state), [g["swa_lr"] for g in opt.param_groups]

    assert rates(mg) == rates(torch)


@pytest.mark.parametrize(
    "build",
    [
        lambda sw, opt, m: sw.SWALR(opt, swa_lr=0.1, anneal_strategy="exp"),
        lambda sw, opt, m: sw.SWALR(opt, swa_lr=0.1, anneal_epochs=-1),
        lambda sw, opt, m: sw.SWALR(opt, swa_lr=0.1, anneal_epochs=1.5),
        lambda sw, opt, m: sw.SWALR(opt, swa_lr=[0.1, 0.2]),
        lambda sw, opt, m: sw.get_ema_avg_fn(1.5),
        lambda sw, opt, m: sw.get_ema_multi_avg_fn(-0.1),
        lambda sw, opt, m: sw.AveragedModel(
            m, avg_fn=sw.get_swa_avg_fn(), multi_avg_fn=sw.get_swa_multi_avg_fn()
        ),
    ],
)
def test_swa_bad_arguments_raise_as_pytorch(build):
    def error(L):
        sw = importlib.import_module(L.__name__ + ".optim.swa_utils")
        m = L.nn.Linear(2, 2)
        opt = L.optim.SGD(m.parameters(), lr=0.1)
        with pytest.raises(Exception) as info:
            build(sw, opt, m)
        return info.type

    assert error(mg) is error(torch)


def test_averaged_model_repr_and_keys_match_pytorch():
    def describe(L):
        sw = importlib.import_module(L.__name__ + ".optim.swa_utils")
        m = sw.AveragedModel(L.nn.Sequential(L.nn.Linear(2, 3), L.nn.BatchNorm1d(3)))
        return (
            repr(m),
            list(m.state_dict()),
            [n for n, _ in m.named_parameters()],
            m.n_averaged.dtype.__str__(),
        )

    ours, theirs = describe(mg), describe(torch)
    assert ours[:3] == theirs[:3]
    assert ours[3] in ("int64", "torch.int64") and theirs[3] == "torch.int64"


# ---- nn.utils: parametrize, weight and spectral norms, fusion ---------------------------


def _set_params(L, m, seed=0):
    rng = np.random.default_rng(seed)
    with L.no_grad():
        for p in m.parameters():
            p.copy_(L.tensor(rng.normal(size=tuple(p.shape))))
    return m


def _layer(L, kind):
    if kind == "linear":
        m = L.nn.Linear(4, 3).double()
    elif kind == "linear_nobias":
        m = L.nn.Linear(4, 3, bias=False).double()
    else:
        m = L.nn.Conv2d(2, 3, 2).double()
    return _set_params(L, m)


def _input(L, kind, seed=1):
    shape = (5, 4) if kind.startswith("linear") else (2, 2, 4, 4)
    return L.tensor(np.random.default_rng(seed).normal(size=shape))


def _grads_and_output(L, m, x):
    out = m(x)
    (out * out).sum().backward()
    return out.detach().numpy(), {n: p.grad.numpy().copy() for n, p in m.named_parameters()}


def _same(ours, theirs, **tol):
    tol = tol or dict(rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours[0], theirs[0], **tol)
    assert list(ours[1]) == list(theirs[1])
    for k in ours[1]:
        np.testing.assert_allclose(ours[1][k], theirs[1][k], **tol, err_msg=k)


class _Symmetric:
    """X ↦ triu(X) + triu(X, 1)ᵀ, as in PyTorch's parametrization tutorial."""

    @staticmethod
    def make(L):
        class Symmetric(L.nn.Module):
            def forward(self, X):
                return X.triu() + X.triu(1).transpose(-1, -2)

        return Symmetric()


def _scale(L, with_inverse=True):
    class Scale(L.nn.Module):
        def forward(self, X):
            return 2 * X

        if with_inverse:

            def right_inverse(self, X):
                return X / 2

    return Scale()


def _split(L):
    class Split(L.nn.Module):
        def forward(self, A, B):
            return A + B

        def right_inverse(self, X):
            return (X * 0.25, X * 0.75)

    return Split()


PARAMETRIZATIONS = {
    "scale": lambda L, m: L.nn.utils.parametrize.register_parametrization(m, "weight", _scale(L)),
    "scale_no_inverse": lambda L, m: L.nn.utils.parametrize.register_parametrization(
        m, "weight", _scale(L, False)
    ),
    "scale_twice": lambda L, m: [
        L.nn.utils.parametrize.register_parametrization(m, "weight", _scale(L)) for _ in range(2)
    ],
    "split": lambda L, m: L.nn.utils.parametrize.register_parametrization(m, "weight", _split(L)),
    "split_then_scale": lambda L, m: [
        L.nn.utils.parametrize.register_parametrization(m, "weight", _split(L)),
        L.nn.utils.parametrize.register_parametrization(m, "weight", _scale(L)),
    ],
    "bias_and_weight": lambda L, m: [
        L.nn.utils.parametrize.register_parametrization(m, "bias", _scale(L)),
        L.nn.utils.parametrize.register_parametrization(m, "weight", _scale(L, False)),
    ],
    "weight_norm": lambda L, m: L.nn.utils.parametrizations.weight_norm(m),
    "weight_norm_dim1": lambda L, m: L.nn.utils.parametrizations.weight_norm(m, dim=1),
    "weight_norm_none": lambda L, m: L.nn.utils.parametrizations.weight_norm(m, dim=None),
}


@pytest.mark.parametrize("kind", ["linear", "conv"])
@pytest.mark.parametrize("name", list(PARAMETRIZATIONS))
def test_parametrizations_match_pytorch(name, kind):
    def run(L):
        m = _layer(L, kind)
        PARAMETRIZATIONS[name](L, m)
        out = _grads_and_output(L, m, _input(L, kind))
        sd = {k: v.numpy().copy() for k, v in m.state_dict().items()}
        return (
            out,
            sd,
            type(m).__name__,
            repr(m),
            L.nn.utils.parametrize.is_parametrized(m),
            m.weight.detach().numpy(),
        )

    ours, theirs = run(mg), run(torch)
    _same(ours[0], theirs[0])
    assert list(ours[1]) == list(theirs[1])
    for k in ours[1]:
        np.testing.assert_allclose(ours[1][k], theirs[1][k], rtol=1e-12, err_msg=k)
    assert ours[2:5] == theirs[2:5]
    np.testing.assert_allclose(ours[5], theirs[5], rtol=1e-12)


def test_symmetric_parametrization_and_its_assignment_match_pytorch():
    def run(L):
        m = _set_params(L, L.nn.Linear(3, 3).double())
        L.nn.utils.parametrize.register_parametrization(m, "weight", _Symmetric.make(L))
        w0 = m.weight.detach().numpy().copy()
        m.weight = L.tensor(np.arange(9.0).reshape(3, 3))  # no right_inverse: raises in both
        return w0

    with pytest.raises(RuntimeError):
        run(mg)
    with pytest.raises(RuntimeError):
        run(torch)

    def assign(L):
        m = _set_params(L, L.nn.Linear(3, 3).double())
        L.nn.utils.parametrize.register_parametrization(m, "weight", _scale(L))
        m.weight = L.tensor(np.arange(9.0).reshape(3, 3))
        return m.weight.detach().numpy(), m.parametrizations.weight.original.detach().numpy()

    for a, b in zip(assign(mg), assign(torch)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("leave_parametrized", [True, False])
@pytest.mark.parametrize(
    "name", ["scale", "scale_twice", "bias_and_weight", "weight_norm", "split"]
)
def test_remove_parametrizations_matches_pytorch(name, leave_parametrized):
    def run(L):
        m = _layer(L, "linear")
        PARAMETRIZATIONS[name](L, m)
        try:
            L.nn.utils.parametrize.remove_parametrizations(
                m, "weight", leave_parametrized=leave_parametrized
            )
        except Exception as e:
            return type(e)
        after = (
            type(m).__name__,
            L.nn.utils.parametrize.is_parametrized(m),
            L.nn.utils.parametrize.type_before_parametrizations(m).__name__,
        )
        if L.nn.utils.parametrize.is_parametrized(m):
            L.nn.utils.parametrize.remove_parametrizations(
                m, "bias", leave_parametrized=leave_parametrized
            )
        out = _grads_and_output(L, m, _input(L, "linear"))
        return (
            after,
            out,
            type(m).__name__,
            list(m.state_dict()),
            [type(p).__name__ for p in m.parameters()],
        )

    ours, theirs = run(mg), run(torch)
    if isinstance(theirs, type):
        assert ours is theirs
        return
    assert ours[0] == theirs[0] and ours[2:] == theirs[2:]
    _same(ours[1], theirs[1])


def test_cached_parametrization_is_computed_once_as_pytorch():
    def run(L):
        calls = []

        class Counting(L.nn.Module):
            def forward(self, X):
                calls.append(1)
                return X * 3

        m = _layer(L, "linear")
        L.nn.utils.parametrize.register_parametrization(m, "weight", Counting())
        calls.clear()
        with L.nn.utils.parametrize.cached():
            a = m.weight
            b = m.weight
            same = a is b
        m.weight  # noqa: B018 - a read outside the cache computes again
        return len(calls), same

    assert run(mg) == run(torch) == (2, True)


@pytest.mark.parametrize(
    "build",
    [
        lambda L, m: L.nn.utils.parametrize.register_parametrization(m, "nope", _scale(L)),
        lambda L, m: L.nn.utils.parametrize.remove_parametrizations(m, "weight"),
        lambda L, m: L.nn.utils.parametrize.register_parametrization(
            m, "weight", _Bad.make(L, "shape")
        ),
        lambda L, m: L.nn.utils.parametrize.register_parametrization(
            m, "weight", _Bad.make(L, "dtype")
        ),
        lambda L, m: L.nn.utils.parametrize.register_parametrization(
            m, "weight", _Bad.make(L, "none")
        ),
        lambda L, m: [
            L.nn.utils.parametrize.register_parametrization(m, "weight", _scale(L)),
            L.nn.utils.parametrize.register_parametrization(m, "weight", _Bad.make(L, "shape")),
        ],
        lambda L, m: L.nn.utils.parametrizations.spectral_norm(m, dim=5),
        lambda L, m: L.nn.utils.parametrizations.spectral_norm(m, n_power_iterations=0),
        lambda L, m: L.nn.utils.parametrizations.spectral_norm(m, name="nope"),
        lambda L, m: [L.nn.utils.spectral_norm(m), L.nn.utils.spectral_norm(m)],
        lambda L, m: L.nn.utils.remove_spectral_norm(m),
        lambda L, m: L.nn.utils.remove_weight_norm(m),
        lambda L, m: L.nn.utils.fuse_linear_bn_eval(m, L.nn.BatchNorm1d(3).double()),
        lambda L, m: L.nn.utils.fuse_linear_bn_eval(m.eval(), L.nn.BatchNorm1d(2).double().eval()),
        lambda L, m: L.nn.utils.skip_init(int),
    ],
)
def test_nn_utils_errors_match_pytorch(build):
    def error(L):
        m = _layer(L, "linear")
        try:
            build(L, m)
        except Exception as e:
            return type(e)
        return None

    assert error(mg) is error(torch) is not None


class _Bad:
    @staticmethod
    def make(L, how):
        class Bad(L.nn.Module):
            def forward(self, X):
                if how == "shape":
                    return X[:1]
                if how == "dtype":
                    return X.float()
                return None

        return Bad()


@pytest.mark.parametrize("kind", ["linear", "conv"])
@pytest.mark.parametrize("dim", [0, 1, None])
def test_old_weight_norm_matches_pytorch(kind, dim):
    def run(L):
        m = _layer(L, kind)
        with pytest.warns(FutureWarning):
            L.nn.utils.weight_norm(m, dim=dim)
        keys = list(m.state_dict())
        names = [n for n, _ in m.named_parameters()]
        out = _grads_and_output(L, m, _input(L, kind))
        sd = m.state_dict()
        L.nn.utils.remove_weight_norm(m)
        return out, keys, names, list(m.state_dict()), m.weight.detach().numpy(), sd

    ours, theirs = run(mg), run(torch)
    _same(ours[0], theirs[0])
    assert ours[1:4] == theirs[1:4]
    np.testing.assert_allclose(ours[4], theirs[4], rtol=1e-12)

    # the old layout's state_dict loads into the parametrization, as PyTorch's compat hook does
    def load(L, sd):
        m = _layer(L, kind)
        L.nn.utils.parametrizations.weight_norm(m, dim=dim)
        m.load_state_dict({k: L.tensor(v.numpy()) for k, v in sd.items()})
        return m.weight.detach().numpy()

    np.testing.assert_allclose(load(mg, ours[5]), load(torch, theirs[5]), rtol=1e-12)


def _copy_buffers(src, dst):
    """The random starting vectors of PyTorch's power iteration, into minigrad's."""
    with mg.no_grad():
        for (n, a), (m, b) in zip(src.named_buffers(), dst.named_buffers()):
            assert n == m
            b.copy_(mg.tensor(a.numpy()))


@pytest.mark.parametrize("kind", ["linear", "conv"])
@pytest.mark.parametrize(
    "options", [{}, {"n_power_iterations": 3}, {"dim": 1}, {"eps": 1e-3}], ids=str
)
@pytest.mark.parametrize("old", [False, True])
def test_spectral_norm_matches_pytorch_from_the_same_vectors(kind, options, old):
    spectral = (
        (lambda L: L.nn.utils.spectral_norm)
        if old
        else (lambda L: L.nn.utils.parametrizations.spectral_norm)
    )
    ours, theirs = _layer(mg, kind), _layer(torch, kind)
    spectral(mg)(ours, **options)
    spectral(torch)(theirs, **options)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    _copy_buffers(theirs, ours)
    for step in range(3):  # training mode: a power iteration per call; then eval
        if step == 2:
            ours.eval(), theirs.eval()
        for m in (ours, theirs):
            m.zero_grad()
        _same(
            _grads_and_output(mg, ours, _input(mg, kind, step)),
            _grads_and_output(torch, theirs, _input(torch, kind, step)),
        )
        for (n, a), (_, b) in zip(ours.named_buffers(), theirs.named_buffers()):
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-10, atol=1e-12, err_msg=n)
    if old:
        mg.nn.utils.remove_spectral_norm(ours)
        torch.nn.utils.remove_spectral_norm(theirs)
        assert list(ours.state_dict()) == list(theirs.state_dict())
        np.testing.assert_allclose(
            ours.weight.detach().numpy(), theirs.weight.detach().numpy(), rtol=1e-10
        )


def test_parametrized_spectral_norm_init_iterations_match_pytorch():
    """The 15 power iterations at creation, from the same random vectors."""
    w = np.random.default_rng(5).normal(size=(4, 6))
    u0 = np.random.default_rng(6).normal(size=4)
    v0 = np.random.default_rng(7).normal(size=6)

    def init(L):
        sn = importlib.import_module(L.__name__ + ".nn.utils.parametrizations")
        L.manual_seed(0)
        weight = L.tensor(w)
        module = sn._SpectralNorm(weight)
        with L.no_grad():  # restart from known vectors
            module._u.copy_(L.nn.functional.normalize(L.tensor(u0), dim=0))
            module._v.copy_(L.nn.functional.normalize(L.tensor(v0), dim=0))
            module._power_method(weight, 15) if hasattr(module, "_power_method") else _mg_power(
                module, weight
            )
        return module._u.numpy(), module._v.numpy(), module(weight).detach().numpy()

    for a, b in zip(init(mg), init(torch)):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def _mg_power(module, weight):
    from minigrad.nn.utils.spectral_norm import _power_iterate

    _power_iterate(weight, module._u, module._v, 15, module.eps, v_first=False)


@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("kind", ["conv", "linear"])
def test_fusion_matches_pytorch(kind, bias, affine):
    def run(L):
        layer = L.nn.Conv2d(2, 3, 2, bias=bias) if kind == "conv" else L.nn.Linear(4, 3, bias=bias)
        bn = (L.nn.BatchNorm2d if kind == "conv" else L.nn.BatchNorm1d)(3, affine=affine)
        layer, bn = _set_params(L, layer.double()), _set_params(L, bn.double(), 2)
        with L.no_grad():
            bn.running_mean.copy_(L.tensor([0.1, -0.3, 0.5]))
            bn.running_var.copy_(L.tensor([0.5, 2.0, 1.5]))
        layer.eval(), bn.eval()
        try:  # PyTorch's fuse_linear_bn_weights takes no missing affine parameters
            fused = (
                L.nn.utils.fuse_conv_bn_eval if kind == "conv" else L.nn.utils.fuse_linear_bn_eval
            )(layer, bn)
        except TypeError:
            return TypeError
        x = _input(L, kind)
        return (
            fused(x).detach().numpy(),
            bn(layer(x)).detach().numpy(),
            [(n, p.requires_grad, str(p.dtype)[-7:]) for n, p in fused.named_parameters()],
        )

    ours, theirs = run(mg), run(torch)
    if theirs is TypeError:
        assert ours is TypeError and kind == "linear" and not affine
        return
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours[0], ours[1], rtol=1e-12, atol=1e-12)
    assert ours[2] == theirs[2]


@pytest.mark.parametrize("transpose", [False, True])
def test_fuse_conv_bn_weights_matches_pytorch(transpose):
    rng = np.random.default_rng(9)
    arrays = [rng.normal(size=s) for s in [(3, 2, 2, 2), (3,), (3,), (3,), (3,), (3,)]]
    arrays[3] = np.abs(arrays[3]) + 0.1
    if transpose:
        arrays[0] = rng.normal(size=(2, 3, 2, 2))

    def run(L):
        w, b, rm, rv, g, beta = (
            L.tensor(a, requires_grad=i in (0, 4)) for i, a in enumerate(arrays)
        )
        fw, fb = L.nn.utils.fuse_conv_bn_weights(w, b, rm, rv, 1e-5, g, beta, transpose)
        return fw.detach().numpy(), fb.detach().numpy(), fw.requires_grad, fb.requires_grad

    ours, theirs = run(mg), run(torch)
    for a, b in zip(ours[:2], theirs[:2]):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    assert ours[2:] == theirs[2:]


def test_skip_init_matches_pytorchs_shapes_and_random_state():
    def run(L):
        L.manual_seed(0)
        m = L.nn.utils.skip_init(L.nn.Linear, 5, 2, bias=True)
        return type(m).__name__, [tuple(p.shape) for p in m.parameters()], str(m.weight.dtype)[-7:]

    assert run(mg) == run(torch)
    mg.manual_seed(0)
    expected = mg.randn(3).numpy()
    mg.manual_seed(0)
    mg.nn.utils.skip_init(mg.nn.Linear, 5, 2)
    np.testing.assert_array_equal(mg.randn(3).numpy(), expected)


def test_clip_grad_module_and_alias_match_pytorch():
    def run(L):
        p = L.tensor(np.array([3.0, 4.0]), requires_grad=True)
        p.grad = L.tensor(np.array([3.0, 4.0]))
        with pytest.warns(FutureWarning):
            total = L.nn.utils.clip_grad_norm([p], 1.0)
        return (
            float(total),
            p.grad.numpy().tolist(),
            L.nn.utils.clip_grad.clip_grad_norm_ is L.nn.utils.clip_grad_norm_,
        )

    assert run(mg) == run(torch)


# ---- signatures ------------------------------------------------------------------------

NEW_NAMES = [
    "optim.LBFGS", "optim.LBFGS.step", "optim.Optimizer.register_step_pre_hook",
    "optim.Optimizer.register_step_post_hook", "optim.Optimizer.register_state_dict_pre_hook",
    "optim.Optimizer.register_state_dict_post_hook",
    "optim.Optimizer.register_load_state_dict_pre_hook",
    "optim.Optimizer.register_load_state_dict_post_hook",
    "optim.optimizer.register_optimizer_step_pre_hook",
    "optim.optimizer.register_optimizer_step_post_hook",
    "nn.Module.register_state_dict_pre_hook", "nn.Module.register_state_dict_post_hook",
    "nn.Module.register_load_state_dict_pre_hook", "nn.Module.register_load_state_dict_post_hook",
    "optim.swa_utils.AveragedModel", "optim.swa_utils.AveragedModel.update_parameters",
    "optim.swa_utils.update_bn", "optim.swa_utils.SWALR", "optim.swa_utils.get_ema_multi_avg_fn",
    "optim.swa_utils.get_swa_multi_avg_fn", "optim.swa_utils.get_ema_avg_fn",
    "optim.swa_utils.get_swa_avg_fn",
    "nn.utils.parametrize.register_parametrization", "nn.utils.parametrize.remove_parametrizations",
    "nn.utils.parametrize.is_parametrized", "nn.utils.parametrize.cached",
    "nn.utils.parametrize.type_before_parametrizations",
    "nn.utils.parametrize.transfer_parametrizations_and_params",
    "nn.utils.parametrize.ParametrizationList",
    "nn.utils.parametrizations.weight_norm", "nn.utils.parametrizations.spectral_norm",
    "nn.utils.parametrizations.orthogonal",
    "nn.utils.weight_norm", "nn.utils.remove_weight_norm", "nn.utils.spectral_norm",
    "nn.utils.remove_spectral_norm", "nn.utils.fuse_conv_bn_eval", "nn.utils.fuse_conv_bn_weights",
    "nn.utils.fuse_linear_bn_eval", "nn.utils.fuse_linear_bn_weights", "nn.utils.skip_init",
    "nn.utils.clip_grad.clip_grad_norm_", "nn.utils.clip_grad_norm",
    "nn.utils.convert_parameters.parameters_to_vector",
]  # fmt: skip


def _resolve(root, dotted):
    obj = root
    parts = dotted.split(".")
    for i, part in enumerate(parts):
        if not hasattr(obj, part):
            obj = importlib.import_module(".".join([root.__name__, *parts[: i + 1]]))
        else:
            obj = getattr(obj, part)
    return obj


@pytest.mark.parametrize("name", NEW_NAMES)
def test_new_names_have_pytorchs_parameters(name):
    import inspect

    def params(root):
        sig = inspect.signature(_resolve(root, name))
        return [
            (p.name, p.kind, "f" if callable(p.default) else p.default)
            for p in sig.parameters.values()
        ]

    assert params(mg) == params(torch)


# ---- parametrizations.orthogonal -------------------------------------------------------


def _orthogonal_run(L, shape, orthogonal_map, use_trivialization, base=None):
    m = L.nn.Linear(shape[1], shape[0]).double()
    rng = np.random.default_rng(0)
    with L.no_grad():
        m.weight.copy_(L.tensor(rng.normal(size=shape)))
        m.bias.copy_(L.tensor(rng.normal(size=shape[0])))
    L.nn.utils.parametrizations.orthogonal(
        m, orthogonal_map=orthogonal_map, use_trivialization=use_trivialization
    )
    if base is not None:  # a non-square base is completed with random columns: take PyTorch's
        with L.no_grad():
            m.parametrizations.weight[0].base.copy_(L.tensor(base))
    w = m.weight.detach().numpy().copy()
    out = _grads_and_output(L, m, L.tensor(rng.normal(size=(2, shape[1]))))
    return w, out, list(m.state_dict()), repr(m), m


@pytest.mark.parametrize("shape", [(3, 3), (5, 3), (3, 5)])
@pytest.mark.parametrize("orthogonal_map", [None, "matrix_exp", "cayley", "householder"])
@pytest.mark.parametrize("use_trivialization", [True, False])
def test_orthogonal_matches_pytorch(shape, orthogonal_map, use_trivialization):
    theirs = _orthogonal_run(torch, shape, orthogonal_map, use_trivialization)
    base = None
    if use_trivialization and shape[0] != shape[1]:
        base = theirs[4].parametrizations.weight[0].base.numpy()
    ours = _orthogonal_run(mg, shape, orthogonal_map, use_trivialization, base)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12, atol=1e-14)
    _same(ours[1], theirs[1], rtol=1e-10, atol=1e-12)
    assert ours[2:4] == theirs[2:4]


@pytest.mark.parametrize("orthogonal_map", ["matrix_exp", "cayley", "householder"])
@pytest.mark.parametrize("use_trivialization", [True, False])
def test_orthogonal_assignment_matches_pytorch(orthogonal_map, use_trivialization):
    q = np.linalg.qr(np.random.default_rng(3).normal(size=(4, 4)))[0]

    def assign(L):
        m = _orthogonal_run(L, (4, 4), orthogonal_map, use_trivialization)[4]
        try:
            m.weight = L.tensor(q)
        except Exception as e:
            return type(e)
        return m.weight.detach().numpy()

    ours, theirs = assign(mg), assign(torch)
    if isinstance(theirs, type):
        assert ours is theirs
    else:
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(ours, q, atol=1e-12)


@pytest.mark.parametrize(
    "build",
    [
        lambda L: L.nn.utils.parametrizations.orthogonal(L.nn.Linear(3, 3), orthogonal_map="qr"),
        lambda L: L.nn.utils.parametrizations.orthogonal(L.nn.Linear(3, 3), name="bias"),
        lambda L: L.nn.utils.parametrizations.orthogonal(L.nn.Linear(3, 3), name="nope"),
    ],
)
def test_orthogonal_errors_match_pytorch(build):
    def error(L):
        with pytest.raises(Exception) as info:
            build(L)
        return info.type

    assert error(mg) is error(torch)


@pytest.mark.parametrize("leave_parametrized", [True, False])
def test_parametrized_buffer_matches_pytorch(leave_parametrized):
    def run(L):
        bn = L.nn.BatchNorm1d(3).double().eval()
        with L.no_grad():
            bn.running_mean.copy_(L.tensor([1.0, -2.0, 0.5]))
        L.nn.utils.parametrize.register_parametrization(bn, "running_mean", _scale(L))
        keys = list(bn.state_dict())
        buffers = [n for n, _ in bn.named_buffers()]
        out = bn(L.tensor(np.ones((2, 3)))).detach().numpy().copy()
        L.nn.utils.parametrize.remove_parametrizations(bn, "running_mean", leave_parametrized)
        return keys, buffers, out, list(bn.state_dict()), bn.running_mean.numpy().tolist()

    ours, theirs = run(mg), run(torch)
    assert ours[:2] == theirs[:2] and ours[3:] == theirs[3:]
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-12)


def test_transfer_parametrizations_matches_pytorch():
    def run(L):
        a, b = _layer(L, "linear"), _set_params(L, L.nn.Linear(4, 3).double(), 5)
        L.nn.utils.parametrizations.weight_norm(a)
        L.nn.utils.parametrize.transfer_parametrizations_and_params(a, b)
        shared = b.parametrizations.weight.original0 is a.parametrizations.weight.original0
        return list(b.state_dict()), shared, b.weight.detach().numpy()

    ours, theirs = run(mg), run(torch)
    assert ours[:2] == theirs[:2]
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-12)
