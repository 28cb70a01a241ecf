"""RMSprop, Adagrad, Adamax, NAdam, RAdam and the learning-rate schedulers against
PyTorch's documented rules.

The references are PyTorch's pseudo-code written out in NumPy (float64), and the
schedules' closed forms on Python floats; tests/test_torch_oracle_optim2.py holds the
same classes against PyTorch itself.
"""

import gc
import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim
from minigrad.engine import Node

THETA0 = np.array([0.5, -1.5, 2.0])


def _grad(theta):  # ∇ of ½ Σ a (θ - c)²
    return np.array([1.0, 2.0, 0.5]) * (theta - np.array([1.0, -1.0, 2.5]))


def _run(make, steps):
    p = nn.Parameter(mg.tensor(THETA0, dtype=mg.float64))
    opt = make([p])
    for _ in range(steps):
        p.grad = mg.tensor(_grad(p.data), dtype=mg.float64)
        opt.step()
    return p.data


def rmsprop_reference(steps, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                      centered=False, maximize=False):  # fmt: skip
    theta, v, b, g_avg = THETA0.copy(), np.zeros(3), np.zeros(3), np.zeros(3)
    for _ in range(steps):
        g = _grad(theta)
        g = -g if maximize else g
        g = g + weight_decay * theta
        v = alpha * v + (1 - alpha) * g**2
        v_tilde = v
        if centered:
            g_avg = alpha * g_avg + (1 - alpha) * g
            v_tilde = v - g_avg**2
        if momentum > 0:
            b = momentum * b + g / (np.sqrt(v_tilde) + eps)
            theta = theta - lr * b
        else:
            theta = theta - lr * g / (np.sqrt(v_tilde) + eps)
    return theta


def adagrad_reference(steps, lr=1e-2, lr_decay=0.0, weight_decay=0.0,
                      initial_accumulator_value=0.0, eps=1e-10, maximize=False):  # fmt: skip
    theta, s = THETA0.copy(), np.full(3, initial_accumulator_value)
    for t in range(1, steps + 1):
        g = _grad(theta)
        g = -g if maximize else g
        g = g + weight_decay * theta
        clr = lr / (1 + (t - 1) * lr_decay)
        s = s + g**2
        theta = theta - clr * g / (np.sqrt(s) + eps)
    return theta


RMSPROP_OPTIONS = [
    {},
    dict(lr=0.05, alpha=0.9),
    dict(lr=0.01, momentum=0.9),
    dict(lr=0.01, centered=True),
    dict(lr=0.02, momentum=0.5, centered=True, weight_decay=0.1, eps=1e-4),
    dict(lr=0.01, maximize=True),
]
ADAGRAD_OPTIONS = [
    {},
    dict(lr=0.5, lr_decay=0.1),
    dict(lr=0.1, weight_decay=0.2),
    dict(lr=0.1, initial_accumulator_value=1.0, eps=1e-3),
    dict(lr=0.1, maximize=True),
]


@pytest.mark.parametrize("options", RMSPROP_OPTIONS)
def test_rmsprop_follows_pytorchs_pseudo_code(options):
    got = _run(lambda ps: optim.RMSprop(ps, **options), 12)
    np.testing.assert_allclose(got, rmsprop_reference(12, **options), rtol=1e-12)
    assert not np.allclose(got, THETA0)


@pytest.mark.parametrize("options", ADAGRAD_OPTIONS)
def test_adagrad_follows_pytorchs_pseudo_code(options):
    got = _run(lambda ps: optim.Adagrad(ps, **options), 12)
    np.testing.assert_allclose(got, adagrad_reference(12, **options), rtol=1e-12)
    assert not np.allclose(got, THETA0)


def test_adagrads_first_step_moves_each_element_by_lr():
    # s = g², so the step is lr * g / |g| (eps aside): every element moves by lr
    got = _run(lambda ps: optim.Adagrad(ps, lr=0.1), 1)
    np.testing.assert_allclose(np.abs(got - THETA0), 0.1, rtol=1e-9)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda ps: optim.RMSprop(ps, lr=-1.0), "Invalid learning rate: -1.0"),
        (lambda ps: optim.RMSprop(ps, eps=-1.0), "Invalid epsilon value: -1.0"),
        (lambda ps: optim.RMSprop(ps, momentum=-1.0), "Invalid momentum value: -1.0"),
        (lambda ps: optim.RMSprop(ps, weight_decay=-1.0), "Invalid weight_decay value: -1.0"),
        (lambda ps: optim.RMSprop(ps, alpha=-1.0), "Invalid alpha value: -1.0"),
        (lambda ps: optim.Adagrad(ps, lr=-1.0), "Invalid learning rate: -1.0"),
        (lambda ps: optim.Adagrad(ps, lr_decay=-1.0), "Invalid lr_decay value: -1.0"),
        (lambda ps: optim.Adagrad(ps, weight_decay=-1.0), "Invalid weight_decay value: -1.0"),
        (
            lambda ps: optim.Adagrad(ps, initial_accumulator_value=-1.0),
            "Invalid initial_accumulator_value value: -1.0",
        ),
        (lambda ps: optim.Adagrad(ps, eps=-1.0), "Invalid epsilon value: -1.0"),
    ],
)
def test_bad_hyper_parameters_raise_pytorchs_messages(make, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        make([nn.Parameter(mg.ones(1))])


@pytest.mark.parametrize(
    ("cls", "lr", "eps"),
    [
        (optim.RMSprop, 1e-2, 1e-8),
        (optim.Adagrad, 1e-2, 1e-10),
        (optim.Adamax, 2e-3, 1e-8),
        (optim.NAdam, 2e-3, 1e-8),
        (optim.RAdam, 1e-3, 1e-8),
    ],
)
def test_differentiable_is_refused_and_defaults_are_pytorchs(cls, lr, eps):
    with pytest.raises(NotImplementedError, match="differentiable"):
        cls([nn.Parameter(mg.ones(1))], differentiable=True)
    group = cls([nn.Parameter(mg.ones(1))]).param_groups[0]
    assert (group["lr"], group["eps"], group["weight_decay"]) == (lr, eps, 0)


def test_adagrad_makes_every_parameters_state_at_construction():
    w, b = nn.Parameter(mg.ones(2, 2)), nn.Parameter(mg.ones(3, dtype=mg.float64))
    opt = optim.Adagrad([w, b], initial_accumulator_value=0.5)
    for p in (w, b):
        assert opt.state[p]["step"].item() == 0.0 and opt.state[p]["step"].dtype == mg.float32
        assert opt.state[p]["sum"].dtype == p.dtype
        np.testing.assert_array_equal(opt.state[p]["sum"].data, np.full(p.shape, 0.5))
    b.grad = mg.ones(3, dtype=mg.float64)
    opt.step()  # w has no gradient: untouched, its step stays 0
    assert opt.state[w]["step"].item() == 0.0 and opt.state[b]["step"].item() == 1.0
    np.testing.assert_array_equal(w.data, np.ones((2, 2)))


def test_rmsprop_keeps_only_the_buffers_its_options_use():
    p = nn.Parameter(mg.ones(2))
    for options, keys in [
        ({}, ["step", "square_avg"]),
        (dict(momentum=0.9), ["step", "square_avg", "momentum_buffer"]),
        (dict(centered=True), ["step", "square_avg", "grad_avg"]),
    ]:
        opt = optim.RMSprop([p], **options)
        p.grad = mg.ones(2)
        opt.step()
        assert list(opt.state[p]) == keys


def _live(cls):
    gc.collect()
    return sum(1 for o in gc.get_objects() if issubclass(type(o), cls))


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: optim.RMSprop(ps, momentum=0.9, centered=True, weight_decay=0.1),
        lambda ps: optim.Adagrad(ps, weight_decay=0.1, lr_decay=0.1),
        lambda ps: optim.Adamax(ps, weight_decay=0.1),
        lambda ps: optim.NAdam(ps, weight_decay=0.1, decoupled_weight_decay=True),
        lambda ps: optim.RAdam(ps, betas=(0.5, 0.5), weight_decay=0.1),
    ],
    ids=["RMSprop", "Adagrad", "Adamax", "NAdam", "RAdam"],
)
def test_a_step_builds_no_graph_and_creates_no_tensors(make):
    model = nn.Linear(4, 3)
    opt = make(model.parameters())
    for p in model.parameters():
        p.grad = mg.ones(*p.shape)
    opt.step()  # the first step creates the state buffers
    tensors, nodes = _live(mg.Tensor), _live(Node)
    opt.step()
    assert (_live(mg.Tensor), _live(Node)) == (tensors, nodes)
    assert all(p.is_leaf and p.grad_fn is None for p in model.parameters())


def adamax_reference(steps, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    (b1, b2), theta, m, u = betas, THETA0.copy(), np.zeros(3), np.zeros(3)
    for t in range(1, steps + 1):
        g = _grad(theta) + weight_decay * theta
        m = b1 * m + (1 - b1) * g
        u = np.maximum(b2 * u, np.abs(g) + eps)
        theta = theta - lr / (1 - b1**t) * m / u
    return theta


def nadam_reference(steps, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                    momentum_decay=4e-3, decoupled_weight_decay=False):  # fmt: skip
    (b1, b2), theta, m, v = betas, THETA0.copy(), np.zeros(3), np.zeros(3)
    mu_product = np.float32(1.0)  # PyTorch keeps it in a float32 tensor
    for t in range(1, steps + 1):
        g = _grad(theta)
        if decoupled_weight_decay:
            theta = theta * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * theta
        mu = b1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))
        mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
        mu_product = np.float32(mu_product * np.float32(mu))
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        denom = np.sqrt(v / (1 - b2**t)) + eps
        theta = theta - lr * (1 - mu) / (1 - float(mu_product)) * g / denom
        theta = theta - lr * mu_next / (1 - float(mu_product) * mu_next) * m / denom
    return theta


def radam_reference(steps, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                    decoupled_weight_decay=False):  # fmt: skip
    (b1, b2), theta, m, v = betas, THETA0.copy(), np.zeros(3), np.zeros(3)
    rho_inf = 2 / (1 - b2) - 1
    for t in range(1, steps + 1):
        g = _grad(theta)
        if decoupled_weight_decay:
            theta = theta * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * theta
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        m_hat = m / (1 - b1**t)
        rho_t = rho_inf - 2 * t * b2**t / (1 - b2**t)
        if rho_t > 5:
            rect = math.sqrt(
                (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
            )
            theta = theta - lr * m_hat * math.sqrt(1 - b2**t) / (np.sqrt(v) + eps) * rect
        else:
            theta = theta - lr * m_hat
    return theta


@pytest.mark.parametrize(
    ("cls", "reference", "options"),
    [
        (optim.Adamax, adamax_reference, {}),
        (
            optim.Adamax,
            adamax_reference,
            dict(lr=0.1, betas=(0.5, 0.9), eps=1e-3, weight_decay=0.1),
        ),
        (optim.NAdam, nadam_reference, {}),
        (optim.NAdam, nadam_reference, dict(lr=0.1, momentum_decay=0.05, weight_decay=0.1)),
        (optim.NAdam, nadam_reference, dict(lr=0.1, weight_decay=0.1, decoupled_weight_decay=True)),
        (optim.RAdam, radam_reference, {}),  # ρ_t ≤ 5 for the first steps: the plain update
        (optim.RAdam, radam_reference, dict(lr=0.1, betas=(0.8, 0.9), weight_decay=0.1)),
        (optim.RAdam, radam_reference, dict(lr=0.1, weight_decay=0.1, decoupled_weight_decay=True)),
    ],
)
def test_adam_variants_follow_pytorchs_pseudo_code(cls, reference, options):
    got = _run(lambda ps: cls(ps, **options), 12)
    np.testing.assert_allclose(got, reference(12, **options), rtol=1e-12)
    assert not np.allclose(got, THETA0)


# ---- schedulers ------------------------------------------------------------------------

S = optim.lr_scheduler


def _rates(make, epochs, lrs=(1.0, 0.4)):
    """The rate of each group at epochs 0 .. epochs - 1."""
    opt = optim.SGD([{"params": [nn.Parameter(mg.ones(1))], "lr": lr} for lr in lrs])
    sched = make(opt)
    seen = []
    for _ in range(epochs):
        assert sched.get_last_lr() == [g["lr"] for g in opt.param_groups]
        seen.append(sched.get_last_lr())
        opt.step()
        sched.step()
    return seen


def _assert_rates(seen, factor, lrs=(1.0, 0.4)):
    for e, rates in enumerate(seen):
        assert rates == pytest.approx([lr * factor(e) for lr in lrs], rel=1e-12), f"epoch {e}"


def test_multisteplr_multiplies_at_each_milestone_twice_at_a_repeated_one():
    seen = _rates(lambda opt: S.MultiStepLR(opt, [2, 5, 5], gamma=0.5), 8)
    _assert_rates(seen, lambda e: 0.5 ** sum(m <= e for m in (2, 5, 5)))


def test_exponentiallr_multiplies_every_epoch():
    _assert_rates(_rates(lambda opt: S.ExponentialLR(opt, 0.9), 10), lambda e: 0.9**e)


@pytest.mark.parametrize("eta_min", [0.0, 0.05])
def test_cosine_annealing_follows_the_closed_form_down_and_back_up(eta_min):
    T = 5
    seen = _rates(lambda opt: S.CosineAnnealingLR(opt, T, eta_min), 3 * T)  # past T_max
    for e, rates in enumerate(seen):
        expected = [eta_min + (lr - eta_min) * (1 + math.cos(math.pi * e / T)) / 2
                    for lr in (1.0, 0.4)]  # fmt: skip
        assert rates == pytest.approx(expected, rel=1e-9, abs=1e-15), f"epoch {e}"
    assert seen[T] == pytest.approx([eta_min] * 2) and seen[2 * T] == pytest.approx([1.0, 0.4])


def test_lambdalr_takes_one_function_or_one_per_group():
    _assert_rates(
        _rates(lambda opt: S.LambdaLR(opt, lambda e: 1 / (e + 1)), 6), lambda e: 1 / (e + 1)
    )
    seen = _rates(lambda opt: S.LambdaLR(opt, [lambda e: 2.0**e, lambda e: e]), 4)
    assert seen == [[2.0**e, 0.4 * e] for e in range(4)]
    with pytest.raises(ValueError, match="^Expected 2 lr_lambdas, but got 1$"):
        _rates(lambda opt: S.LambdaLR(opt, [lambda e: 1.0]), 1)


def test_lambdalr_state_dict_keeps_a_callable_objects_attributes_only():
    class Scale:
        def __init__(self, k):
            self.k = k

        def __call__(self, e):
            return self.k

    opt = optim.SGD([nn.Parameter(mg.ones(1))], lr=1.0)
    sched = S.LambdaLR(opt, [Scale(0.5)])
    state = sched.state_dict()
    assert state["lr_lambdas"] == [{"k": 0.5}] and list(state)[-1] == "lr_lambdas"
    other = S.LambdaLR(optim.SGD([nn.Parameter(mg.ones(1))], lr=1.0), [Scale(3.0)])
    other.load_state_dict(state)
    assert other.lr_lambdas[0].k == 0.5
    assert S.LambdaLR(opt, lambda e: 1.0).state_dict()["lr_lambdas"] == [None]


def test_linearlr_moves_the_factor_linearly_then_holds_it():
    s, f, n = 0.25, 0.75, 4
    seen = _rates(lambda opt: S.LinearLR(opt, s, f, n), 8)
    _assert_rates(seen, lambda e: s + (f - s) * min(e, n) / n)
    with pytest.raises(ValueError, match="^Ending multiplicative factor"):
        _rates(lambda opt: S.LinearLR(opt, end_factor=1.5), 1)


def _plateau(metrics, **options):
    opt = optim.SGD([nn.Parameter(mg.ones(1))], lr=1.0)
    sched = S.ReduceLROnPlateau(opt, **options)
    rates = []
    for m in metrics:
        sched.step(m)
        rates.append(sched.get_last_lr()[0])
    return rates


def test_reduce_lr_on_plateau_waits_patience_epochs_then_cools_down():
    flat = [1.0] * 9  # the first epoch improves on inf, every later one is bad
    assert _plateau(flat, patience=2, factor=0.5) == [
        1.0,
        1.0,
        1.0,
        0.5,
        0.5,
        0.5,
        0.25,
        0.25,
        0.25,
    ]
    assert _plateau(flat, patience=0, cooldown=2, factor=0.5) == [
        1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125, 0.125,
    ]  # fmt: skip
    assert _plateau(flat, patience=0, factor=0.5, min_lr=0.3) == [
        1.0,
        0.5,
        0.3,
        0.3,
        0.3,
        0.3,
        0.3,
        0.3,
        0.3,
    ]


def test_reduce_lr_on_plateau_measures_improvement_by_its_threshold():
    # 1.0 → 0.9999 improves by 1e-4 relative: not more than the default threshold 1e-4
    assert _plateau([1.0, 0.9999], patience=0) == [1.0, 0.1]
    assert _plateau([1.0, 0.9998], patience=0) == [1.0, 1.0]
    assert _plateau([1.0, 0.96], patience=0, threshold=0.05, threshold_mode="abs") == [1.0, 0.1]
    assert _plateau([1.0, 1.2, 1.1], patience=0, mode="max") == [1.0, 1.0, 0.1]
    with pytest.raises(ValueError, match="^Factor should be < 1.0.$"):
        _plateau([], factor=1.0)


# ---- nn.init: trunc_normal_, orthogonal_, eye_ --------------------------------------------


def _phi(x):
    return math.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


def _Phi(x):
    return (1 + math.erf(x / math.sqrt(2))) / 2


@pytest.mark.parametrize(
    ("mean", "std", "a", "b"),
    [(0.0, 1.0, -2.0, 2.0), (0.5, 2.0, -1.0, 0.0), (0.0, 1.0, 1.0, 3.0), (0.0, 1.0, -0.1, 0.1)],
    ids=["default", "one-sided", "tail", "narrow"],  # the last two take the uniform proposals
)
def test_trunc_normal_draws_the_truncated_normal(mean, std, a, b):
    mg.manual_seed(0)
    n = 200_000
    x = nn.init.trunc_normal_(mg.zeros(n), mean, std, a, b).data.astype(np.float64)
    assert a <= x.min() and x.max() <= b
    alpha, beta = (a - mean) / std, (b - mean) / std
    Z = _Phi(beta) - _Phi(alpha)
    mu = mean + std * (_phi(alpha) - _phi(beta)) / Z
    var = std**2 * (1 + (alpha * _phi(alpha) - beta * _phi(beta)) / Z
                    - ((_phi(alpha) - _phi(beta)) / Z) ** 2)  # fmt: skip
    assert abs(x.mean() - mu) < 5 * math.sqrt(var / n)
    assert x.std() == pytest.approx(math.sqrt(var), rel=0.01)
    for q in np.linspace(a, b, 7)[1:-1]:  # the CDF, within a Kolmogorov-Smirnov bound
        assert abs((x <= q).mean() - (_Phi((q - mean) / std) - _Phi(alpha)) / Z) < 2 / math.sqrt(n)


def test_trunc_normal_warns_when_the_mean_is_far_from_the_interval():
    with pytest.warns(UserWarning, match="^mean is more than 2 std from"):
        nn.init.trunc_normal_(mg.zeros(10), mean=5.0, a=-1.0, b=1.0)


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 4), (6, 2, 2), (2, 3, 2)])
def test_orthogonal_fills_a_semi_orthogonal_matrix_times_gain(shape):
    mg.manual_seed(0)
    w = nn.init.orthogonal_(mg.zeros(*shape, dtype=mg.float64), gain=2.0).data
    w = w.reshape(shape[0], -1)
    small = w @ w.T if w.shape[0] <= w.shape[1] else w.T @ w
    np.testing.assert_allclose(small, 4.0 * np.eye(min(w.shape)), atol=1e-12)


def test_orthogonal_is_uniform_over_rotations():
    # Haar: each entry of a random n×n orthogonal matrix has mean 0 and variance 1/n
    mg.manual_seed(1)
    draws = np.stack([nn.init.orthogonal_(mg.zeros(4, 4)).data for _ in range(4000)])
    np.testing.assert_allclose(draws.mean(axis=0), 0.0, atol=0.05)
    np.testing.assert_allclose(draws.var(axis=0), 0.25, atol=0.03)


def test_eye_fills_the_identity_and_checks_dimensions():
    w = nn.Parameter(mg.full((2, 3), 7.0))
    assert nn.init.eye_(w) is w and w.requires_grad
    np.testing.assert_array_equal(w.data, np.eye(2, 3))
    with pytest.raises(ValueError, match="^Only tensors with 2 dimensions are supported$"):
        nn.init.eye_(mg.zeros(2, 2, 2))
