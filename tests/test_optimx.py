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


# ---- optimizer and module hooks --------------------------------------------------------


def _sgd():
    p = mg.tensor(np.array([1.0, 2.0]), requires_grad=True)
    p.grad = mg.tensor(np.array([1.0, 1.0]))
    return p, mg.optim.SGD([p], lr=0.5)


def test_step_hooks_run_global_then_own_before_and_own_then_global_after():
    from minigrad.optim import optimizer

    order = []
    p, opt = _sgd()
    handles = [
        opt.register_step_post_hook(lambda o, a, k: order.append(("post", p.tolist()))),
        optimizer.register_optimizer_step_post_hook(lambda o, a, k: order.append("gpost")),
        opt.register_step_pre_hook(lambda o, a, k: order.append(("pre", p.tolist()))),
        optimizer.register_optimizer_step_pre_hook(lambda o, a, k: order.append("gpre")),
    ]
    try:
        opt.step()
    finally:
        for h in handles:
            h.remove()
    opt.step()
    assert order == ["gpre", ("pre", [1.0, 2.0]), ("post", [0.5, 1.5]), "gpost"]
    assert p.tolist() == [0.0, 1.0]


def test_step_pre_hook_replaces_the_arguments():
    p, opt = _sgd()
    calls = []

    def closure():
        calls.append(1)
        return mg.tensor(3.0)

    opt.register_step_pre_hook(lambda o, a, k: ((o,), {"closure": closure}))
    assert opt.step().item() == 3.0 and calls == [1]
    opt.register_step_pre_hook(lambda o, a, k: "no")
    with pytest.raises(RuntimeError, match="must return None or a tuple"):
        opt.step()


def test_hooked_step_keeps_its_signature():
    import inspect

    assert list(inspect.signature(mg.optim.SGD.step).parameters) == ["self", "closure"]
    assert list(inspect.signature(mg.optim.LBFGS.step).parameters) == ["self", "closure"]


def test_optimizer_state_dict_hooks_replace_and_prepend():
    p, opt = _sgd()
    order = []
    opt.register_state_dict_pre_hook(lambda o: order.append("pre"))
    opt.register_state_dict_pre_hook(lambda o: order.append("pre0"), prepend=True)
    opt.register_state_dict_post_hook(lambda o, sd: {"replaced": sd})
    assert list(opt.state_dict()) == ["replaced"] and order == ["pre0", "pre"]
    opt2 = mg.optim.SGD([p], lr=0.1)
    opt2.register_load_state_dict_pre_hook(lambda o, sd: sd["replaced"])
    opt2.register_load_state_dict_post_hook(lambda o: order.append(o.param_groups[0]["lr"]))
    opt2.load_state_dict(opt.state_dict())
    assert order[-1] == 0.5


def test_hooks_survive_deepcopy_as_empty_dicts():
    import copy

    p, opt = _sgd()
    opt.register_step_pre_hook(lambda *a: None)
    clone = copy.deepcopy(opt)  # hooks are not pickled, as PyTorch's
    assert not clone._optimizer_step_pre_hooks
    clone.step()


def test_module_state_dict_hooks_run_pre_in_pre_order_and_post_in_post_order():
    model = mg.nn.Sequential(mg.nn.Linear(2, 2), mg.nn.Sequential(mg.nn.Tanh()))
    order = []
    for m in model.modules():
        m.register_state_dict_pre_hook(lambda mod, prefix, keep: order.append(("pre", prefix)))
        m.register_state_dict_post_hook(
            lambda mod, sd, prefix, meta: order.append(("post", prefix))
        )
        m.register_load_state_dict_post_hook(
            lambda mod, keys: order.append(("load", type(mod).__name__))
        )
    model.load_state_dict(model.state_dict(prefix=""))
    assert order == [
        ("pre", ""), ("pre", "0."), ("post", "0."), ("pre", "1."), ("pre", "1.0."),
        ("post", "1.0."), ("post", "1."), ("post", ""),
        ("load", "Linear"), ("load", "Tanh"), ("load", "Sequential"), ("load", "Sequential"),
    ]  # fmt: skip


def test_module_load_pre_hook_may_rename_keys():
    m = mg.nn.Linear(2, 1)
    m.register_load_state_dict_pre_hook(
        lambda mod, sd, prefix, *rest: sd.update(weight=sd.pop("w")) if "w" in sd else None
    )
    sd = {"w": mg.ones(1, 2), "bias": mg.zeros(1)}
    m.load_state_dict(sd)
    assert m.weight.tolist() == [[1.0, 1.0]] and "w" in sd  # the caller's dict is not changed


# ---- swa_utils ---------------------------------------------------------------------------

from minigrad.optim import swa_utils  # noqa: E402


def _snapshots(n, seed=0):
    """n models of one shape with random weights, and their weights."""
    rng = np.random.default_rng(seed)
    models = []
    for _ in range(n):
        m = mg.nn.Linear(3, 2).double()
        with mg.no_grad():
            for p in m.parameters():
                p.copy_(mg.tensor(rng.normal(size=p.shape)))
        models.append(m)
    return models


@pytest.mark.parametrize(
    "kwargs, rtol",
    [
        ({}, 1e-13),
        ({"avg_fn": swa_utils.get_swa_avg_fn()}, 1e-13),
        # as PyTorch's, its lerp weight 1 / (n + 1) is a float32 (the int count's quotient)
        ({"multi_avg_fn": swa_utils.get_swa_multi_avg_fn()}, 1e-6),
    ],
)
def test_averaged_model_is_the_mean_of_the_models(kwargs, rtol):
    models = _snapshots(5)
    averaged = swa_utils.AveragedModel(models[0], **kwargs)
    for m in models:
        averaged.update_parameters(m)
    assert averaged.n_averaged.item() == 5
    for name, p in averaged.module.named_parameters():
        mean = np.mean([dict(m.named_parameters())[name].detach().numpy() for m in models], axis=0)
        np.testing.assert_allclose(p.detach().numpy(), mean, rtol=rtol)


@pytest.mark.parametrize("multi", [False, True])
def test_ema_is_the_geometric_weighting(multi):
    """a_n = d a_{n-1} + (1 - d) x_n, a_1 = x_1: a_n = d^{n-1} x_1 + Σ_{k>=2} (1-d) d^{n-k} x_k."""
    d = 0.7
    models = _snapshots(4, seed=1)
    fn = (
        {"multi_avg_fn": swa_utils.get_ema_multi_avg_fn(d)}
        if multi
        else {"avg_fn": swa_utils.get_ema_avg_fn(d)}
    )
    averaged = swa_utils.AveragedModel(models[0], **fn)
    for m in models:
        averaged.update_parameters(m)
    w = models[0].weight.detach().numpy() * d**3 + sum(
        (1 - d) * d ** (3 - k) * models[k].weight.detach().numpy() for k in range(1, 4)
    )
    np.testing.assert_allclose(averaged.module.weight.detach().numpy(), w, rtol=1e-13)


def test_averaged_model_copies_buffers_unless_it_averages_them():
    bn_a, bn_b = mg.nn.BatchNorm1d(2), mg.nn.BatchNorm1d(2)
    bn_b.running_mean.fill_(4.0)
    copied = swa_utils.AveragedModel(bn_a)
    averaged = swa_utils.AveragedModel(bn_a, use_buffers=True)
    for m in (bn_a, bn_b):
        copied.update_parameters(m)
        averaged.update_parameters(m)
    assert copied.module.running_mean.tolist() == [4.0, 4.0]
    assert averaged.module.running_mean.tolist() == [2.0, 2.0]


def test_update_bn_sets_the_plain_batch_statistics():
    rng = np.random.default_rng(2)
    data = [mg.tensor(rng.normal(size=(8, 3)) * 2 + 1) for _ in range(3)]
    model = mg.nn.Sequential(mg.nn.BatchNorm1d(3, momentum=0.3).double()).eval()
    swa_utils.update_bn([[x, None] for x in data], model)
    # the cumulative average of each batch's mean and unbiased variance
    np.testing.assert_allclose(model[0].running_mean.numpy(),
                               np.mean([x.numpy().mean(0) for x in data], 0))  # fmt: skip
    np.testing.assert_allclose(model[0].running_var.numpy(),
                               np.mean([x.numpy().var(0, ddof=1) for x in data], 0))  # fmt: skip
    assert model[0].momentum == 0.3 and not model.training


@pytest.mark.parametrize("strategy", ["cos", "linear"])
def test_swalr_anneals_to_swa_lr_and_holds(strategy):
    p = mg.tensor(np.ones(1), requires_grad=True)
    opt = mg.optim.SGD([p], lr=1.0)
    sched = swa_utils.SWALR(opt, swa_lr=0.1, anneal_epochs=4, anneal_strategy=strategy)
    lrs = [sched.get_last_lr()[0]]
    for _ in range(6):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr()[0])
    anneal = (lambda t: t) if strategy == "linear" else (lambda t: (1 - np.cos(np.pi * t)) / 2)
    expected = [0.1 * anneal(min(1, t / 4)) + 1.0 * (1 - anneal(min(1, t / 4))) for t in range(7)]
    np.testing.assert_allclose(lrs, expected, rtol=1e-12)


# ---- nn.utils: parametrize, weight and spectral norms, fusion ---------------------------

from minigrad.nn.utils import parametrize  # noqa: E402
from minigrad.nn.utils.weight_norm import _weight_norm, norm_except_dim  # noqa: E402


def _linear(seed=0, bias=True):
    m = mg.nn.Linear(4, 3, bias=bias).double()
    rng = np.random.default_rng(seed)
    with mg.no_grad():
        for p in m.parameters():
            p.copy_(mg.tensor(rng.normal(size=p.shape)))
    return m


@pytest.mark.parametrize("dim", [0, 1, 2, -1])
def test_norm_except_dim_is_the_norm_of_each_slice(dim):
    v = np.random.default_rng(0).normal(size=(3, 4, 2))
    got = norm_except_dim(mg.tensor(v), 2, dim).numpy()
    if dim == -1:
        assert got.shape == () and np.isclose(got, np.sqrt((v**2).sum()))
        return
    expected = np.array(
        [np.sqrt((np.take(v, i, axis=dim) ** 2).sum()) for i in range(v.shape[dim])]
    )
    shape = [1, 1, 1]
    shape[dim] = v.shape[dim]
    np.testing.assert_allclose(got, expected.reshape(shape), rtol=1e-14)


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_weight_norm_reparametrisation_is_the_identity_at_start_and_gradchecks(dim):
    """w = g v / ‖v‖ with (g, v) = (‖w‖, w) gives w back; the map is differentiable."""
    m = _linear()
    w = m.weight.detach().numpy().copy()
    mg.nn.utils.parametrizations.weight_norm(m, dim=dim)
    np.testing.assert_allclose(m.weight.detach().numpy(), w, rtol=1e-14)
    g, v = m.parametrizations.weight.original0, m.parametrizations.weight.original1
    assert g.shape == ((3, 1) if dim == 0 else (1, 4) if dim == 1 else ())
    assert mg.gradcheck(
        lambda v, g: _weight_norm(v, g, dim),
        (v.detach().requires_grad_(), g.detach().requires_grad_()),
    )
    # scaling v changes nothing: only its direction counts
    with mg.no_grad():
        v.mul_(7.0)
    np.testing.assert_allclose(m.weight.detach().numpy(), w, rtol=1e-13)


def test_old_weight_norm_recomputes_the_weight_before_each_call():
    m = _linear()
    with pytest.warns(FutureWarning):
        mg.nn.utils.weight_norm(m)
    assert sorted(n for n, _ in m.named_parameters()) == ["bias", "weight_g", "weight_v"]
    with mg.no_grad():
        m.weight_g.mul_(2.0)
    x = mg.tensor(np.ones((1, 4)))
    expected = x.numpy() @ (2 * m.weight_v.detach().numpy()).T + m.bias.detach().numpy()
    np.testing.assert_allclose(m(x).detach().numpy(), expected, rtol=1e-13)
    mg.nn.utils.remove_weight_norm(m)
    assert sorted(n for n, _ in m.named_parameters()) == ["bias", "weight"]


def test_register_parametrization_moves_the_tensor_and_restores_the_class():
    m = _linear()
    w = m.weight
    cls = type(m)

    class Double(mg.nn.Module):
        def forward(self, X):
            return 2 * X

        def right_inverse(self, X):
            return X / 2

    parametrize.register_parametrization(m, "weight", Double())
    assert m.parametrizations.weight.original is w  # the same Parameter, its value halved
    assert type(m).__name__ == "ParametrizedLinear" and isinstance(m, cls)
    assert parametrize.type_before_parametrizations(m) is cls
    assert [n for n, _ in m.named_parameters()] == ["bias", "parametrizations.weight.original"]
    x = mg.tensor(np.ones((2, 4)))
    (m(x) ** 2).sum().backward()
    assert mg.gradcheck(
        lambda o: mg.nn.functional.linear(x, 2 * o, m.bias.detach()), (w.detach().requires_grad_(),)
    )
    parametrize.remove_parametrizations(m, "weight")
    assert type(m) is cls and m.weight is w and not parametrize.is_parametrized(m)


def test_spectral_norm_divides_by_the_largest_singular_value():
    m = _linear(seed=3)
    w = m.weight.detach().numpy().copy()
    mg.nn.utils.parametrizations.spectral_norm(m, n_power_iterations=20)
    sigma = np.linalg.svd(w, compute_uv=False)[0]
    for _ in range(5):  # each training-mode read runs 20 more power iterations
        got = m.weight.detach().numpy()
    np.testing.assert_allclose(got, w / sigma, rtol=1e-8)
    assert np.isclose(np.linalg.svd(got, compute_uv=False)[0], 1.0)


def test_old_spectral_norm_layout_and_value():
    m = _linear(seed=4)
    w = m.weight.detach().numpy().copy()
    mg.nn.utils.spectral_norm(m, n_power_iterations=50)
    assert sorted(m.state_dict()) == ["bias", "weight_orig", "weight_u", "weight_v"]
    m(mg.tensor(np.ones((1, 4))))  # the hook computes the weight
    np.testing.assert_allclose(
        m.weight.detach().numpy(), w / np.linalg.svd(w, compute_uv=False)[0], rtol=1e-8
    )


@pytest.mark.parametrize("bias", [True, False])
def test_fused_linear_equals_linear_then_batchnorm(bias):
    lin = _linear(bias=bias).eval()
    bn = mg.nn.BatchNorm1d(3).double().eval()
    with mg.no_grad():
        bn.running_mean.copy_(mg.tensor([0.5, -1.0, 2.0]))
        bn.running_var.copy_(mg.tensor([0.25, 4.0, 1.0]))
        bn.weight.copy_(mg.tensor([1.5, -0.5, 2.0]))
        bn.bias.copy_(mg.tensor([0.1, 0.2, 0.3]))
    x = mg.tensor(np.random.default_rng(1).normal(size=(6, 4)))
    fused = mg.nn.utils.fuse_linear_bn_eval(lin, bn)
    np.testing.assert_allclose(fused(x).detach().numpy(), bn(lin(x)).detach().numpy(), rtol=1e-12)
    assert fused is not lin and lin.weight is not fused.weight


# ---- parametrizations.orthogonal and its maps ----------------------------------------


@pytest.mark.parametrize("scale", [0.1, 1.0, 30.0])
def test_matrix_exp_of_a_symmetric_matrix_is_that_of_its_eigenvalues(scale):
    """exp(V Λ Vᵀ) = V e^Λ Vᵀ; also the scaling-and-squaring branch (large norms)."""
    rng = np.random.default_rng(0)
    m = rng.normal(size=(4, 4))
    s = (m + m.T) * scale / 8
    lam, v = np.linalg.eigh(s)
    got = mg.linalg.matrix_exp(mg.tensor(s)).numpy()
    np.testing.assert_allclose(got, (v * np.exp(lam)) @ v.T, rtol=1e-11, atol=1e-12)


def test_orthogonal_maps_gradcheck():
    rng = np.random.default_rng(1)
    a = mg.tensor(rng.normal(size=(2, 3, 3)), requires_grad=True)
    b = mg.tensor(rng.normal(size=(3, 3)) + 3 * np.eye(3), requires_grad=True)
    c = mg.tensor(rng.normal(size=(3, 2)), requires_grad=True)
    h = mg.tensor(rng.normal(size=(4, 2)), requires_grad=True)
    tau = mg.tensor(rng.normal(size=2), requires_grad=True)
    assert mg.gradcheck(mg.linalg.matrix_exp, (a,))
    assert mg.gradcheck(mg.linalg.solve, (b, c))
    assert mg.gradcheck(mg.linalg.householder_product, (h, tau))


def test_householder_product_of_qr_factors_is_q():
    a = np.random.default_rng(2).normal(size=(5, 3))
    h, tau = np.linalg.qr(a, mode="raw")
    q = mg.linalg.householder_product(mg.tensor(h.T.copy()), mg.tensor(tau)).numpy()
    np.testing.assert_allclose(q, np.linalg.qr(a)[0], atol=1e-12)


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5)])
@pytest.mark.parametrize("orthogonal_map", ["matrix_exp", "cayley", "householder"])
@pytest.mark.parametrize("use_trivialization", [True, False])
def test_orthogonal_weights_stay_orthogonal_under_training(
    shape, orthogonal_map, use_trivialization
):
    m = mg.nn.Linear(shape[1], shape[0]).double()
    mg.nn.utils.parametrizations.orthogonal(m, orthogonal_map=orthogonal_map,
                                            use_trivialization=use_trivialization)  # fmt: skip
    opt = mg.optim.SGD(m.parameters(), lr=0.1)
    x = mg.tensor(np.random.default_rng(3).normal(size=(6, shape[1])))
    for _ in range(5):
        opt.zero_grad()
        (m(x) ** 2).sum().backward()
        opt.step()
    w = m.weight.detach().numpy()
    small = min(shape)
    gram = w.T @ w if shape[0] >= shape[1] else w @ w.T
    np.testing.assert_allclose(gram, np.eye(small), atol=1e-12)
