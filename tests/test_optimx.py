"""LBFGS, optimizer and module hooks, swa_utils and nn.utils' parametrizations, without
torch: convergence, call orders, reparametrisation identities and gradchecks."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.optim.lbfgs import _cubic_interpolate


def _lbfgs_minimise(x, loss_of, steps=10, **options):
    opt = mg.optim.LBFGS([x], **options)

    def closure():
        opt.zero_grad()
        loss = loss_of(x)
        loss.backward()
        return loss

    for _ in range(steps):
        opt.step(closure)
    return opt


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_lbfgs_reaches_rosenbrocks_minimum(line_search_fn):
    x = mg.tensor(np.array([-1.2, 1.0]), requires_grad=True)
    _lbfgs_minimise(
        x, lambda x: (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2, steps=20,
        line_search_fn=line_search_fn, lr=1 if line_search_fn else 0.1, max_iter=50,
        tolerance_grad=1e-12, tolerance_change=1e-15,
    )  # fmt: skip
    np.testing.assert_allclose(x.detach().numpy(), [1.0, 1.0], atol=1e-6)


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_lbfgs_solves_a_quadratic(line_search_fn):
    """½ xᵀAx - bᵀx is least at A⁻¹b."""
    rng = np.random.default_rng(0)
    m = rng.normal(size=(4, 4))
    a, b = m @ m.T + 4 * np.eye(4), rng.normal(size=4)
    x = mg.tensor(np.zeros(4), requires_grad=True)
    A, B = mg.tensor(a), mg.tensor(b)
    opt = _lbfgs_minimise(
        x, lambda x: 0.5 * (x @ (A @ x)) - B @ x, steps=1, line_search_fn=line_search_fn,
        max_iter=100, max_eval=200, tolerance_grad=1e-11, tolerance_change=1e-15,
    )  # fmt: skip
    np.testing.assert_allclose(x.detach().numpy(), np.linalg.solve(a, b), atol=1e-9)
    assert opt.state[x]["n_iter"] < 100  # it stopped on the gradient's tolerance


def test_lbfgs_first_iteration_is_a_scaled_gradient_step():
    """x₁ = x₀ - lr min(1, 1/|g|₁) g, and the state counts one evaluation per iteration."""
    x0 = np.array([0.3, -0.7, 2.0])
    x = mg.tensor(x0.copy(), requires_grad=True)
    opt = _lbfgs_minimise(x, lambda x: (x**4).sum(), steps=1, lr=0.5, max_iter=1)
    g = 4 * x0**3
    np.testing.assert_allclose(x.detach().numpy(), x0 - 0.5 * min(1, 1 / np.abs(g).sum()) * g)
    state = opt.state[x]
    assert (state["func_evals"], state["n_iter"]) == (1, 1)
    np.testing.assert_allclose(state["d"].numpy(), -g)


def test_lbfgs_stops_at_once_where_the_gradient_is_small():
    x = mg.tensor(np.array([1.0, 1.0]), requires_grad=True)
    opt = _lbfgs_minimise(x, lambda x: ((x - 1) ** 2).sum(), steps=1)
    np.testing.assert_array_equal(x.detach().numpy(), [1.0, 1.0])
    assert opt.state[x] == {"func_evals": 1, "n_iter": 0}


def test_lbfgs_keeps_at_most_history_size_pairs():
    x = mg.tensor(np.linspace(-1, 1, 6), requires_grad=True)
    opt = _lbfgs_minimise(x, lambda x: (mg.cosh(x) * (1 + x**2)).sum(), steps=3,
                          history_size=2, lr=0.2)  # fmt: skip
    state = opt.state[x]
    assert len(state["old_dirs"]) == len(state["old_stps"]) == len(state["ro"]) == 2
    for y, s, ro in zip(state["old_dirs"], state["old_stps"], state["ro"]):
        np.testing.assert_allclose(ro, 1 / y.numpy().dot(s.numpy()))


def test_lbfgs_rejects_groups_and_a_negative_lr():
    p = mg.tensor(np.ones(2), requires_grad=True)
    with pytest.raises(ValueError, match="parameter groups"):
        mg.optim.LBFGS([{"params": [p]}, {"params": [mg.tensor(np.ones(1), requires_grad=True)]}])
    with pytest.raises(ValueError, match="learning rate"):
        mg.optim.LBFGS([p], lr=-0.1)


@pytest.mark.parametrize("x1, x2", [(0.0, 1.0), (2.0, -1.0), (-0.5, 3.0)])
def test_cubic_interpolate_finds_a_cubics_minimiser(x1, x2):
    """The cubic through two points with their slopes is recovered exactly: its local
    minimiser (inside the bounds) is returned."""
    f = lambda x: x**3 - 2 * x**2 - x + 1  # noqa: E731 - local minimiser (2 + √7) / 3
    df = lambda x: 3 * x**2 - 4 * x - 1  # noqa: E731
    lo, hi = min(x1, x2), max(x1, x2)
    x_min = (2 + np.sqrt(7)) / 3
    expected = min(max(x_min, lo), hi)
    assert _cubic_interpolate(x1, f(x1), df(x1), x2, f(x2), df(x2)) == pytest.approx(expected)
    assert _cubic_interpolate(x1, f(x1), df(x1), x2, f(x2), df(x2), bounds=(5, 6)) == 5
