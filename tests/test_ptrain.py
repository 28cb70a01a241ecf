"""Training-loop pieces checked without PyTorch: the documented formulas written out in
NumPy."""

import itertools

import numpy as np
import pytest

import minigrad as mg


def _model_with_grads():
    mg.manual_seed(0)
    model = mg.nn.Sequential(mg.nn.Linear(3, 4), mg.nn.Tanh(), mg.nn.Linear(4, 2)).double()
    x = mg.tensor(np.random.default_rng(0).normal(size=(5, 3)))
    (model(x) ** 2).sum().mul(50).backward()
    return model


# one-shot iterables other than generators: each yields the parameters only once
ITERABLES = {
    "filter": lambda m: filter(lambda p: p.requires_grad, m.parameters()),
    "chain": lambda m: itertools.chain(m[0].parameters(), m[2].parameters()),
    "iter": lambda m: iter(list(m.parameters())),
    "map": lambda m: map(lambda p: p, m.parameters()),
}


@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf")])
@pytest.mark.parametrize("kind", sorted(ITERABLES))
def test_clip_grad_norm_clips_the_gradients_of_a_one_shot_iterable(kind, norm_type):
    model = _model_with_grads()
    before = [p.grad.data.copy() for p in model.parameters()]
    flat = np.concatenate([g.ravel() for g in before])
    expected_norm = np.linalg.norm(flat, norm_type)
    total = mg.nn.utils.clip_grad_norm_(ITERABLES[kind](model), 0.5, norm_type=norm_type)
    np.testing.assert_allclose(total.item(), expected_norm, rtol=1e-12)
    scale = min(1.0, 0.5 / (expected_norm + 1e-6))
    assert scale < 1.0
    for g, p in zip(before, model.parameters(), strict=True):
        np.testing.assert_allclose(p.grad.data, g * scale, rtol=1e-12)


# ---- update rules written out in NumPy, a few steps each, against the optimizers ----

C = np.array([0.3, 1.0, 2.0, 0.7])


def _loss(p):
    """sum(p sin p + c p²); its gradient is sin p + p cos p + 2 c p."""
    return (p * p.sin() + mg.tensor(C) * p * p).sum()


def _grad(p):
    return np.sin(p) + p * np.cos(p) + 2 * C * p


def _trajectory(opt_cls, steps, **options):
    p = mg.nn.Parameter(mg.tensor(np.array([0.5, -1.0, 0.25, 2.0])))
    opt = opt_cls([p], **options)
    out = []
    for _ in range(steps):
        opt.zero_grad()
        _loss(p).backward()
        opt.step()
        out.append(p.data.copy())
    return out


def test_nadam_with_decoupled_weight_decay_follows_its_update_rule():
    lr, (b1, b2), eps, wd, psi = 0.05, (0.9, 0.99), 1e-8, 0.1, 0.004
    got = _trajectory(mg.optim.NAdam, 5, lr=lr, betas=(b1, b2), weight_decay=wd,
                      decoupled_weight_decay=True)  # fmt: skip
    p = np.array([0.5, -1.0, 0.25, 2.0])
    m, v, mu_product = np.zeros(4), np.zeros(4), 1.0
    for t in range(1, 6):
        g = _grad(p)
        mu = b1 * (1 - 0.5 * 0.96 ** (t * psi))
        mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
        # kept in the default dtype (float32), as PyTorch: a float32 product of float32s
        mu_product = float(np.float32(mu_product) * np.float32(mu))
        p = p * (1 - lr * wd)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        denom = np.sqrt(v / (1 - b2**t)) + eps
        p = p - lr * (1 - mu) / (1 - mu_product) * g / denom
        p = p - lr * mu_next / (1 - mu_product * mu_next) * m / denom
        np.testing.assert_allclose(got[t - 1], p, rtol=1e-12, err_msg=f"step {t}")


@pytest.mark.parametrize("decoupled", [False, True])
def test_radam_follows_its_update_rule_before_and_after_rectification(decoupled):
    lr, (b1, b2), eps, wd = 0.02, (0.9, 0.9), 1e-8, 0.05
    got = _trajectory(mg.optim.RAdam, 8, lr=lr, betas=(b1, b2), weight_decay=wd,
                      decoupled_weight_decay=decoupled)  # fmt: skip
    p = np.array([0.5, -1.0, 0.25, 2.0])
    m, v = np.zeros(4), np.zeros(4)
    rho_inf = 2 / (1 - b2) - 1
    rectified = []
    for t in range(1, 9):
        g = _grad(p)
        if decoupled:
            p = p * (1 - lr * wd)
        else:
            g = g + wd * p
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat = m / (1 - b1**t)
        rho_t = rho_inf - 2 * t * b2**t / (1 - b2**t)
        rectified.append(rho_t > 5)
        if rho_t > 5:
            rect = np.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf
                           / ((rho_inf - 4) * (rho_inf - 2) * rho_t))  # fmt: skip
            p = p - lr * m_hat * rect * np.sqrt(1 - b2**t) / (np.sqrt(v) + eps)
        else:
            p = p - lr * m_hat
        np.testing.assert_allclose(got[t - 1], p, rtol=1e-12, err_msg=f"step {t}")
    assert any(rectified) and not all(rectified)  # both branches ran


def test_adagrad_with_lr_decay_follows_its_update_rule():
    lr, decay, wd, init, eps = 0.1, 0.5, 0.05, 0.2, 1e-10
    got = _trajectory(mg.optim.Adagrad, 4, lr=lr, lr_decay=decay, weight_decay=wd,
                      initial_accumulator_value=init)  # fmt: skip
    p = np.array([0.5, -1.0, 0.25, 2.0])
    total = np.full(4, init)
    for t in range(1, 5):
        g = _grad(p) + wd * p
        total = total + g * g
        p = p - lr / (1 + (t - 1) * decay) * g / (np.sqrt(total) + eps)
        np.testing.assert_allclose(got[t - 1], p, rtol=1e-12, err_msg=f"step {t}")
