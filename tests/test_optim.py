"""Optimizers against PyTorch's documented update rules, state dicts, schedules, memory.

The reference trajectories below are PyTorch's documented pseudo-code for SGD, Adam
and AdamW, written out on plain Python floats, one parameter element at a time.
"""

import copy
import gc
import math
import warnings

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn, optim
from minigrad.engine import Node

# f(θ) = ½ Σ a (θ - c)², so ∇f = a (θ - c)
A = [1.0, 2.0, 0.5]
C = [1.0, -1.0, 2.0]
THETA0 = [0.5, 0.5, -0.5]


def quadratic_grad(theta):
    return [a * (t - c) for a, t, c in zip(A, theta, C)]


def run_minigrad(make_optimizer, steps):
    """The parameter after each of ``steps`` optimizer steps on the quadratic."""
    theta = nn.Parameter(mg.tensor(THETA0, dtype=mg.float64))
    a, c = mg.tensor(A, dtype=mg.float64), mg.tensor(C, dtype=mg.float64)
    opt = make_optimizer([theta])
    trajectory = []
    for _ in range(steps):
        opt.zero_grad()
        loss = 0.5 * (a * (theta - c) ** 2).sum()
        loss.backward()
        opt.step()
        trajectory.append(theta.data.copy())
    return np.array(trajectory)


def sgd_reference(steps, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    theta, b, trajectory = list(THETA0), [0.0] * 3, []
    for t in range(1, steps + 1):
        grads = quadratic_grad(theta)
        for i in range(3):
            g = grads[i]
            if weight_decay != 0:
                g = g + weight_decay * theta[i]
            if momentum != 0:
                b[i] = g if t == 1 else momentum * b[i] + (1 - dampening) * g
                g = g + momentum * b[i] if nesterov else b[i]
            theta[i] = theta[i] - lr * g
        trajectory.append(list(theta))
    return np.array(trajectory)


def adam_reference(steps, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False,
                   decoupled=False):  # fmt: skip
    beta1, beta2 = betas
    theta, m, v, v_max, trajectory = list(THETA0), [0.0] * 3, [0.0] * 3, [0.0] * 3, []
    for t in range(1, steps + 1):
        grads = quadratic_grad(theta)
        for i in range(3):
            g = grads[i]
            if decoupled:
                theta[i] = theta[i] - lr * weight_decay * theta[i]
            elif weight_decay != 0:
                g = g + weight_decay * theta[i]
            m[i] = beta1 * m[i] + (1 - beta1) * g
            v[i] = beta2 * v[i] + (1 - beta2) * g * g
            m_hat = m[i] / (1 - beta1**t)
            if amsgrad:
                v_max[i] = max(v_max[i], v[i])
                v_hat = v_max[i] / (1 - beta2**t)
            else:
                v_hat = v[i] / (1 - beta2**t)
            theta[i] = theta[i] - lr * m_hat / (math.sqrt(v_hat) + eps)
        trajectory.append(list(theta))
    return np.array(trajectory)


# ---- SGD -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        dict(),
        dict(momentum=0.9),
        dict(momentum=0.9, dampening=0.5),
        dict(momentum=0.9, nesterov=True),
        dict(weight_decay=0.3),
        dict(momentum=0.8, dampening=0.1, weight_decay=0.2),
        dict(momentum=0.7, nesterov=True, weight_decay=0.1),
    ],
    ids=str,
)
def test_sgd_follows_pytorchs_pseudo_code(options):
    got = run_minigrad(lambda p: optim.SGD(p, lr=0.1, **options), steps=8)
    np.testing.assert_allclose(got, sgd_reference(8, lr=0.1, **options), rtol=1e-13)


def _two_steps_on_theta_squared(opt_class, **options):
    """θ after each of two steps on f(θ) = θ² from θ = 1 (∇f = 2θ)."""
    theta = nn.Parameter(mg.tensor([1.0], dtype=mg.float64))
    opt = opt_class([theta], **options)
    out = []
    for _ in range(2):
        opt.zero_grad()
        (theta * theta).sum().backward()
        opt.step()
        out.append(theta.item())
    return out


def test_sgd_first_steps_by_hand():
    # momentum: b1 = g1 = 2, θ1 = 0.8; g2 = 1.6, b2 = 0.9 * 2 + 1.6 = 3.4, θ2 = 0.8 - 0.34
    assert _two_steps_on_theta_squared(optim.SGD, lr=0.1, momentum=0.9) == pytest.approx(
        [0.8, 0.46], rel=1e-14
    )
    # dampening acts from the second step: b2 = 0.9 * 2 + 0.5 * 1.6 = 2.6
    assert _two_steps_on_theta_squared(
        optim.SGD, lr=0.1, momentum=0.9, dampening=0.5
    ) == pytest.approx([0.8, 0.54], rel=1e-14)
    # nesterov: g1 = 2 + 0.9 * b1 = 3.8, θ1 = 1 - 0.38
    assert _two_steps_on_theta_squared(optim.SGD, lr=0.1, momentum=0.9, nesterov=True)[
        0
    ] == pytest.approx(0.62, rel=1e-14)
    # weight decay: g1 = 2 + 0.5 * 1, θ1 = 1 - 0.25
    assert _two_steps_on_theta_squared(optim.SGD, lr=0.1, weight_decay=0.5)[0] == pytest.approx(
        0.75, rel=1e-14
    )


def test_sgd_argument_checks():
    p = [nn.Parameter(mg.zeros(1))]
    with pytest.raises(ValueError, match="Nesterov momentum requires"):
        optim.SGD(p, lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="Nesterov momentum requires"):
        optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True)
    with pytest.raises(ValueError, match="Invalid learning rate"):
        optim.SGD(p, lr=-1)
    with pytest.raises(ValueError, match="Invalid momentum"):
        optim.SGD(p, lr=0.1, momentum=-0.5)
    with pytest.raises(ValueError, match="Invalid weight_decay"):
        optim.SGD(p, lr=0.1, weight_decay=-1)


# ---- Adam and AdamW --------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        dict(),
        dict(betas=(0.5, 0.9), eps=1e-3),
        dict(weight_decay=0.2),
        dict(amsgrad=True),
        dict(weight_decay=0.1, amsgrad=True, betas=(0.8, 0.95)),
    ],
    ids=str,
)
def test_adam_follows_pytorchs_pseudo_code(options):
    got = run_minigrad(lambda p: optim.Adam(p, lr=0.05, **options), steps=10)
    np.testing.assert_allclose(got, adam_reference(10, lr=0.05, **options), rtol=1e-12)


@pytest.mark.parametrize(
    "options", [dict(), dict(weight_decay=0.3), dict(weight_decay=0.1, amsgrad=True)], ids=str
)
def test_adamw_follows_pytorchs_pseudo_code(options):
    got = run_minigrad(lambda p: optim.AdamW(p, lr=0.05, **options), steps=10)
    options.setdefault("weight_decay", 1e-2)
    expected = adam_reference(10, lr=0.05, decoupled=True, **options)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_adam_first_step_by_hand():
    # m̂1 = g1 and v̂1 = g1², so the first step is lr * g / (|g| + eps) with g = 2
    first = _two_steps_on_theta_squared(optim.Adam, lr=0.1)[0]
    assert first == pytest.approx(1 - 0.1 * 2 / (2 + 1e-8), rel=1e-15)
    # AdamW decays θ by lr * λ first: 1 * (1 - 0.1 * 0.1), then the same Adam step
    first = _two_steps_on_theta_squared(optim.AdamW, lr=0.1, weight_decay=0.1)[0]
    assert first == pytest.approx(0.99 - 0.1 * 2 / (2 + 1e-8), rel=1e-15)


def test_adam_defaults_and_argument_checks():
    p = [nn.Parameter(mg.zeros(1))]
    group = optim.Adam(p).param_groups[0]
    assert (group["lr"], group["betas"], group["eps"], group["weight_decay"]) == (
        1e-3, (0.9, 0.999), 1e-8, 0,
    )  # fmt: skip
    assert optim.AdamW(p).param_groups[0]["weight_decay"] == 1e-2
    with pytest.raises(ValueError, match="Invalid beta parameter at index 1"):
        optim.Adam(p, betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="Invalid epsilon"):
        optim.Adam(p, eps=-1e-8)


def test_adam_state_holds_pytorchs_buffers():
    theta = nn.Parameter(mg.tensor([1.0, -2.0]))
    opt = optim.Adam([theta], amsgrad=True)
    theta.grad = mg.tensor([0.5, 1.0])
    opt.step()
    opt.step()
    state = opt.state[theta]
    assert list(state) == ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"]
    assert state["step"].item() == 2
    np.testing.assert_allclose(state["exp_avg"].data, [0.5 * 0.19, 0.19], rtol=1e-6)


# ---- groups, zero_grad, closure ----------------------------------------------------------


def test_param_groups_have_their_own_options_and_defaults_fill_the_rest():
    w, b = nn.Parameter(mg.ones(2)), nn.Parameter(mg.ones(1))
    opt = optim.SGD([{"params": [w]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert [g["momentum"] for g in opt.param_groups] == [0.9, 0.9]
    w.grad, b.grad = mg.ones(2), mg.ones(1)
    opt.step()
    np.testing.assert_allclose(w.data, [0.9, 0.9])
    np.testing.assert_allclose(b.data, [0.5])


def test_editing_a_groups_lr_changes_the_next_step():
    theta = nn.Parameter(mg.tensor([1.0], dtype=mg.float64))
    opt = optim.SGD([theta], lr=0.1)
    theta.grad = mg.tensor([1.0], dtype=mg.float64)
    opt.step()
    opt.param_groups[0]["lr"] = 0.01
    opt.step()
    assert theta.item() == pytest.approx(1 - 0.1 - 0.01, rel=1e-15)


def test_add_param_group_and_duplicates():
    w, b = nn.Parameter(mg.ones(1)), nn.Parameter(mg.ones(1))
    opt = optim.Adam([w], lr=0.1)
    opt.add_param_group({"params": [b], "lr": 0.2})
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.2]
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [w]})
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([w * 2], lr=0.1)


def test_zero_grad_and_parameters_without_gradients():
    w, unused = nn.Parameter(mg.ones(2)), nn.Parameter(mg.ones(2))
    opt = optim.SGD([w, unused], lr=0.1, momentum=0.9)
    w.grad = mg.ones(2)
    opt.step()
    np.testing.assert_array_equal(unused.data, [1.0, 1.0])
    assert unused not in opt.state
    grad = w.grad
    opt.zero_grad(set_to_none=False)
    assert w.grad is grad and not grad.data.any()
    opt.zero_grad()
    assert w.grad is None


def test_step_with_a_closure_returns_its_loss():
    theta = nn.Parameter(mg.tensor([3.0]))
    opt = optim.SGD([theta], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (theta * theta).sum()
        loss.backward()
        return loss

    with mg.no_grad():
        loss = opt.step(closure)  # the closure runs with grad enabled all the same
    assert loss.item() == 9.0
    assert theta.item() == pytest.approx(3 - 0.25 * 6)


@pytest.mark.parametrize(
    ("make", "keys"),
    [
        (
            lambda ps: optim.SGD(ps, lr=0.1),
            "lr momentum dampening weight_decay nesterov maximize foreach differentiable fused",
        ),
        (
            optim.Adam,
            "lr betas eps weight_decay amsgrad maximize foreach capturable differentiable fused "
            "decoupled_weight_decay",
        ),
        (
            optim.AdamW,
            "lr betas eps weight_decay amsgrad maximize foreach capturable differentiable fused "
            "decoupled_weight_decay",
        ),
    ],
)
def test_param_groups_have_pytorchs_keys_in_its_order(make, keys):
    opt = make([nn.Parameter(mg.ones(1))])
    assert list(opt.param_groups[0]) == ["params"] + keys.split()
    with pytest.raises(NotImplementedError, match="differentiable"):
        type(opt)([nn.Parameter(mg.ones(1))], lr=0.1, differentiable=True)


def test_optimizer_repr_is_pytorchs():
    opt = optim.SGD([nn.Parameter(mg.ones(1))], lr=0.1, momentum=0.9)
    assert repr(opt) == (
        "SGD (\nParameter Group 0\n    dampening: 0\n    differentiable: False\n"
        "    foreach: None\n    fused: None\n    lr: 0.1\n    maximize: False\n"
        "    momentum: 0.9\n    nesterov: False\n    weight_decay: 0\n)"
    )


# ---- state_dict ------------------------------------------------------------------------


def test_state_dict_has_pytorchs_structure():
    w, b, c = (nn.Parameter(mg.ones(2)) for _ in range(3))
    opt = optim.SGD([{"params": [w, b]}, {"params": [c], "lr": 0.5}], lr=0.1, momentum=0.9)
    for p in (w, c):
        p.grad = mg.ones(2)
    opt.step()
    sd = opt.state_dict()
    assert list(sd) == ["state", "param_groups"]
    assert sd["param_groups"] == [
        dict(
            lr=0.1,
            momentum=0.9,
            dampening=0,
            weight_decay=0,
            nesterov=False,
            maximize=False,
            foreach=None,
            differentiable=False,
            fused=None,
            params=[0, 1],
        ),
        dict(
            lr=0.5,
            momentum=0.9,
            dampening=0,
            weight_decay=0,
            nesterov=False,
            maximize=False,
            foreach=None,
            differentiable=False,
            fused=None,
            params=[2],
        ),
    ]
    assert list(sd["state"]) == [0, 2]
    np.testing.assert_array_equal(sd["state"][2]["momentum_buffer"].data, [1.0, 1.0])


@pytest.mark.parametrize(
    "make",
    [
        lambda p: optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
        lambda p: optim.Adam(p, lr=0.05, amsgrad=True, weight_decay=0.1),
        lambda p: optim.AdamW(p, lr=0.05),
    ],
    ids=["SGD", "Adam", "AdamW"],
)
def test_load_state_dict_resumes_the_same_trajectory(make):
    mg.manual_seed(0)
    model = nn.Linear(3, 2)
    x, y = mg.randn(8, 3), mg.randn(8, 2)

    def train(model, opt, steps):
        for _ in range(steps):
            opt.zero_grad()
            F.mse_loss(model(x), y).backward()
            opt.step()

    opt = make(model.parameters())
    train(model, opt, 3)
    # a snapshot, as saving to a file would be: the live state_dict shares the buffers
    saved_model, saved_opt = model.state_dict(), copy.deepcopy(opt.state_dict())
    clone = nn.Linear(3, 2)
    clone.load_state_dict(saved_model)
    clone_opt = make(clone.parameters())
    clone_opt.load_state_dict(saved_opt)
    train(model, opt, 4)
    train(clone, clone_opt, 4)
    for (name, a), (_, b) in zip(model.state_dict().items(), clone.state_dict().items()):
        np.testing.assert_array_equal(a.data, b.data, err_msg=name)


def test_load_state_dict_checks_the_groups():
    p = [nn.Parameter(mg.ones(1)), nn.Parameter(mg.ones(1))]
    sd = optim.SGD(p, lr=0.1).state_dict()
    with pytest.raises(ValueError, match="size of optimizer's group"):
        optim.SGD(p[:1], lr=0.1).load_state_dict(sd)
    with pytest.raises(ValueError, match="number of parameter groups"):
        optim.SGD([{"params": p[:1]}, {"params": p[1:]}], lr=0.1).load_state_dict(sd)


# ---- no graph, no growth ---------------------------------------------------------------


def _live(cls):
    gc.collect()
    return sum(1 for o in gc.get_objects() if issubclass(type(o), cls))


def test_a_step_builds_no_graph_and_creates_no_tensors():
    model = nn.Linear(4, 3)
    opt = optim.Adam(model.parameters(), lr=0.01, weight_decay=0.1)
    F.mse_loss(model(mg.randn(5, 4)), mg.zeros(5, 3)).backward()
    opt.step()  # the first step creates the state buffers
    tensors, nodes = _live(mg.Tensor), _live(Node)
    opt.step()
    assert (_live(mg.Tensor), _live(Node)) == (tensors, nodes)
    assert all(p.is_leaf and p.grad_fn is None for p in model.parameters())
    assert mg.is_grad_enabled()


@pytest.mark.parametrize(
    "make",
    [
        lambda p: optim.SGD(p, lr=0.01, momentum=0.9, weight_decay=1e-4),
        lambda p: optim.Adam(p, lr=0.001, amsgrad=True),
    ],
    ids=["SGD", "Adam"],
)
def test_a_thousand_steps_leave_no_growing_graph(make):
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
    opt = make(model.parameters())
    x, y = mg.randn(16, 4), mg.randn(16, 1)

    def step():
        opt.zero_grad()
        F.mse_loss(model(x), y).backward()
        opt.step()

    for _ in range(100):
        step()
    after_100 = (_live(mg.Tensor), _live(Node))
    for _ in range(900):
        step()
    assert (_live(mg.Tensor), _live(Node)) == after_100


# ---- StepLR ----------------------------------------------------------------------------


def test_steplr_multiplies_by_gamma_every_step_size_epochs():
    opt = optim.SGD([nn.Parameter(mg.ones(1))], lr=1.0)
    sched = optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
    assert opt.param_groups[0]["initial_lr"] == 1.0
    seen = []
    for _ in range(9):
        seen.append(opt.param_groups[0]["lr"])
        assert sched.get_last_lr() == [seen[-1]]
        opt.step()
        sched.step()
    assert seen == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25]


def test_a_scheduler_stepped_before_its_optimizer_warns_once_as_pytorch():
    opt = optim.SGD([nn.Parameter(mg.ones(1))], lr=0.1)
    sched = optim.lr_scheduler.StepLR(opt, step_size=1)
    with pytest.warns(UserWarning, match=r"lr_scheduler.step\(\)` before `optimizer.step\(\)"):
        sched.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sched.step()  # only the first step is checked
        fresh = optim.SGD([nn.Parameter(mg.ones(1))], lr=0.1)
        in_order = optim.lr_scheduler.StepLR(fresh, step_size=1)
        fresh.step()
        in_order.step()
    assert list(sched.state_dict()) == [
        "step_size", "gamma", "base_lrs", "last_epoch", "_step_count", "_is_initial",
        "_get_lr_called_within_step", "_last_lr",
    ]  # fmt: skip


def test_steplr_updates_every_group_and_resumes_from_its_state_dict():
    w, b = nn.Parameter(mg.ones(1)), nn.Parameter(mg.ones(1))
    opt = optim.SGD([{"params": [w]}, {"params": [b], "lr": 0.4}], lr=0.1)
    sched = optim.lr_scheduler.StepLR(opt, step_size=2)
    for _ in range(2):
        opt.step()
        sched.step()
    assert sched.get_last_lr() == pytest.approx([0.01, 0.04])
    state = sched.state_dict()
    assert "optimizer" not in state and state["last_epoch"] == 2
    resumed_opt = optim.SGD([{"params": [w]}, {"params": [b], "lr": 0.4}], lr=0.1)
    resumed_opt.load_state_dict(opt.state_dict())
    resumed = optim.lr_scheduler.StepLR(resumed_opt, step_size=2)
    resumed.load_state_dict(state)
    for _ in range(2):
        sched.step()
        resumed.step()
    assert resumed.get_last_lr() == sched.get_last_lr() == pytest.approx([0.001, 0.004])


@pytest.mark.parametrize(
    "make",
    [
        lambda ps, **kw: mg.optim.SGD(
            ps, lr=0.1, momentum=0.9, weight_decay=0.1, nesterov=True, **kw
        ),
        lambda ps, **kw: mg.optim.Adam(ps, lr=0.1, weight_decay=0.1, **kw),
        lambda ps, **kw: mg.optim.AdamW(ps, lr=0.1, amsgrad=True, **kw),
    ],
)
def test_maximize_climbs_as_descending_the_negated_loss(make):
    # PyTorch's maximize negates the gradient first: the same steps as minimizing -loss
    def run(maximize):
        p = mg.nn.Parameter(mg.tensor([1.0, -2.0, 3.0], dtype=mg.float64))
        opt = make([p], maximize=True) if maximize else make([p])
        for _ in range(4):
            opt.zero_grad()
            loss = (p * p * mg.tensor([1.0, 2.0, 3.0], dtype=mg.float64)).sum()
            (loss if maximize else -loss).backward()
            opt.step()
        return p.data

    np.testing.assert_array_equal(run(True), run(False))
    assert run(False).tolist() != [1.0, -2.0, 3.0]


def test_loading_a_live_state_dict_shares_its_buffers_as_pytorch():
    # PyTorch's load_state_dict keeps the state's tensors (casting only another dtype), so
    # an optimizer loaded from another's live state_dict updates the same buffers
    p = nn.Parameter(mg.tensor([1.0, 2.0]))
    opt = optim.Adam([p], lr=0.1)
    (p * p).sum().backward()
    opt.step()
    q = nn.Parameter(mg.tensor([1.0, 2.0]))
    other = optim.Adam([q], lr=0.1)
    other.load_state_dict(opt.state_dict())
    assert other.state[q]["exp_avg"] is opt.state[p]["exp_avg"]
    assert other.state[q]["step"] is opt.state[p]["step"]
    wide = optim.Adam([nn.Parameter(mg.tensor([1.0, 2.0], dtype=mg.float64))], lr=0.1)
    wide.load_state_dict(opt.state_dict())  # float32 buffers for a float64 parameter: cast
    (buffers,) = wide.state.values()
    assert buffers["exp_avg"].dtype == mg.float64 and buffers["step"] is opt.state[p]["step"]


@pytest.mark.parametrize("first, then", [("float", "double"), ("double", "float")])
def test_adam_refuses_a_gradient_of_another_dtype_than_its_state(first, then):
    # as PyTorch's lerp_ of exp_avg: a model cast after a step would mix the two dtypes
    m = mg.nn.Linear(2, 1)
    getattr(m, first)()
    opt = mg.optim.Adam(m.parameters(), lr=0.1)
    m(mg.ones(1, 2, dtype=m.weight.dtype)).sum().backward()
    opt.step()
    opt.zero_grad()
    getattr(m, then)()
    m(mg.ones(1, 2, dtype=m.weight.dtype)).sum().backward()
    before = m.weight.detach().clone()
    with pytest.raises(RuntimeError, match="expected dtype"):
        opt.step()
    assert mg.equal(m.weight, before)


@pytest.mark.parametrize("norm_type", [2.0, 3.0])
def test_clip_grad_norm_of_an_overflowing_norm_is_quiet(norm_type):
    # float32 squares of 1e30 overflow: the norm is inf and the gradients 0, without
    # NumPy's RuntimeWarning (PyTorch prints nothing)
    p = mg.zeros(2, requires_grad=True)
    p.grad = mg.tensor([1e30, 1e30])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        total = nn.utils.clip_grad_norm_([p], 1.0, norm_type=norm_type)
    assert total.item() == math.inf and p.grad.tolist() == [0.0, 0.0]
