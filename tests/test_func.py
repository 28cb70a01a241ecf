"""``minigrad.func`` and ``nn.utils.stateless`` without torch: gradients and Jacobians
against central finite differences, ``vmap`` against a Python loop, and
``functional_call`` leaving the module as it was."""

import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.func import (
    functional_call,
    grad,
    grad_and_value,
    hessian,
    jacfwd,
    jacrev,
    jvp,
    linearize,
    stack_module_state,
    vjp,
    vmap,
)

RNG = np.random.default_rng(0)


def T(*shape):
    return mg.tensor(RNG.standard_normal(shape))


def numeric_jacobian(f, xs, k, eps=1e-6):
    """∂f/∂xs[k] by central differences in NumPy: shape f.shape + xs[k].shape."""
    x = xs[k].numpy()
    y0 = np.asarray(f(*xs).numpy())
    J = np.zeros(y0.shape + x.shape)
    for idx in np.ndindex(*x.shape):
        out = []
        for step in (eps, -eps):
            moved = x.copy()
            moved[idx] += step
            args = list(xs)
            args[k] = mg.tensor(moved)
            out.append(f(*args).numpy())
        J[(...,) + idx] = (out[0] - out[1]) / (2 * eps)
    return J


FUNCS = [  # (f of two tensors, shapes)
    (lambda x, y: (x.sin() * y).sum() + (x**2).sum(), ((3,), (3,))),
    (lambda x, y: (x @ y).tanh().sum(), ((2, 3), (3, 4))),
    (lambda x, y: (x.exp() / (1 + y**2)).mean(), ((2, 2), (2, 2))),
    (lambda x, y: mg.logsumexp(x * y, dim=0).sum(), ((4,), (1,))),
]


@pytest.mark.parametrize("f, shapes", FUNCS)
@pytest.mark.parametrize("argnums", [0, 1, (0, 1), (1, 0)])
def test_grad_is_the_finite_difference_gradient(f, shapes, argnums):
    xs = [T(*s) for s in shapes]
    got = grad(f, argnums=argnums)(*xs)
    nums = argnums if isinstance(argnums, tuple) else (argnums,)
    got = got if isinstance(argnums, tuple) else (got,)
    assert len(got) == len(nums)
    for g, k in zip(got, nums):
        assert g.shape == xs[k].shape and not g.requires_grad
        np.testing.assert_allclose(g.numpy(), numeric_jacobian(f, xs, k), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("f, shapes", FUNCS)
def test_grad_and_value_and_aux(f, shapes):
    xs = [T(*s) for s in shapes]
    g, (value, aux) = grad_and_value(lambda *a: (f(*a), {"twice": 2 * f(*a)}), has_aux=True)(*xs)
    np.testing.assert_allclose(g.numpy(), numeric_jacobian(f, xs, 0), rtol=1e-6, atol=1e-8)
    assert value.item() == f(*xs).item() and aux["twice"].item() == 2 * value.item()
    g2, aux2 = grad(lambda *a: (f(*a), a[0]), has_aux=True)(*xs)
    np.testing.assert_array_equal(g2.numpy(), g.numpy())
    np.testing.assert_array_equal(aux2.numpy(), xs[0].numpy())


def test_grad_leaves_inputs_and_their_grad_alone():
    x = T(3).requires_grad_()
    g = grad(lambda x: (x**3).sum())(x)
    np.testing.assert_allclose(g.numpy(), 3 * x.detach().numpy() ** 2)
    assert x.grad is None and x.is_leaf


def test_grad_of_unused_argument_is_zeros():
    x, y = T(3), T(2)
    gx, gy = grad(lambda x, y: (y**2).sum(), argnums=(0, 1))(x, y)
    np.testing.assert_array_equal(gx.numpy(), np.zeros(3))
    np.testing.assert_allclose(gy.numpy(), 2 * y.numpy())


def test_grad_of_pytree_argument():
    d = {"w": T(2, 3), "x": [T(3), T(2)]}

    def f(d):
        return (d["w"] @ d["x"][0] * d["x"][1]).sum()

    g = grad(f)(d)
    assert set(g) == {"w", "x"} and isinstance(g["x"], list)
    np.testing.assert_allclose(g["w"].numpy(), np.outer(d["x"][1].numpy(), d["x"][0].numpy()))
    np.testing.assert_allclose(g["x"][1].numpy(), d["w"].numpy() @ d["x"][0].numpy())


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda: grad(lambda x: x)(T(3)), RuntimeError),  # not a scalar
        (lambda: grad(lambda x: 1.0)(T(3)), RuntimeError),
        (lambda: grad(lambda x: x.sum(), argnums=1)(T(3)), RuntimeError),
        (lambda: grad(lambda x: x.sum(), argnums=())(T(3)), RuntimeError),
        (lambda: grad(lambda x: x.sum(), has_aux=True)(T(3)), RuntimeError),
        (lambda: grad(lambda x: (x.sum(), 1), has_aux=True)(T(3)), RuntimeError),
        (lambda: grad(lambda x: x)(2.0), ValueError),
        (lambda: vjp(lambda x: None, T(3)), RuntimeError),
    ],
)
def test_transform_errors(call, error):
    with pytest.raises(error):
        call()


def test_vjp_is_v_times_the_finite_difference_jacobian():
    def f(x, y):
        return (x * y.exp(), (x @ y).sin())

    x, y = T(3, 2), T(2)
    (a, b), vjp_fn = vjp(f, x, y)
    np.testing.assert_array_equal(a.numpy(), f(x, y)[0].numpy())
    for _ in range(2):  # vjp_fn may be called again
        va, vb = T(3, 2), T(3)
        gx, gy = vjp_fn((va, vb))
        for k, g in ((0, gx), (1, gy)):
            Ja = numeric_jacobian(lambda *t: f(*t)[0], [x, y], k)
            Jb = numeric_jacobian(lambda *t: f(*t)[1], [x, y], k)
            want = np.tensordot(va.numpy(), Ja, va.ndim) + np.tensordot(vb.numpy(), Jb, vb.ndim)
            np.testing.assert_allclose(g.numpy(), want, rtol=1e-6, atol=1e-8)
    with pytest.raises(RuntimeError, match="shape"):
        vjp_fn((T(2, 3), T(3)))
    with pytest.raises(RuntimeError, match="structure"):
        vjp_fn(T(3, 2))


@pytest.mark.parametrize("jac", [jacrev, jacfwd])
@pytest.mark.parametrize("f, shapes", FUNCS)
def test_jacobian_is_the_finite_difference_jacobian(jac, f, shapes):
    def g(x, y):  # a vector-valued twin of f
        return mg.stack([f(x, y), f(y.sum() * x, y), (x**2).sum()])

    xs = [T(*s) for s in shapes]
    jx, jy = jac(g, argnums=(0, 1))(*xs)
    assert jx.shape == (3,) + xs[0].shape and jy.shape == (3,) + xs[1].shape
    np.testing.assert_allclose(jx.numpy(), numeric_jacobian(g, xs, 0), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(jy.numpy(), numeric_jacobian(g, xs, 1), rtol=1e-6, atol=1e-8)


def test_jacrev_of_tuple_output_and_rows_are_vjps():
    x = T(4)
    (j1, j2), aux = jacrev(lambda x: ((x.sin(), x.sum() * x[0]), x * 3), has_aux=True)(x)
    np.testing.assert_allclose(j1.numpy(), np.diag(np.cos(x.numpy())))
    assert j2.shape == (4,) and aux.shape == (4,)
    _, fn = vjp(lambda x: x.sin(), x)
    for i in range(4):
        e = mg.tensor(np.eye(4)[i])
        np.testing.assert_allclose(fn(e)[0].numpy(), j1.numpy()[i])


@pytest.mark.parametrize("name", ["hessian", "jvp", "linearize"])
def test_forward_mode_and_double_backward_raise(name):
    f = lambda x: (x**3).sum()  # noqa: E731
    x = T(3)
    calls = {
        "hessian": lambda: hessian(f)(x),
        "jvp": lambda: jvp(f, (x,), (x,)),
        "linearize": lambda: linearize(f, x),
    }
    with pytest.raises(NotImplementedError, match=name):
        calls[name]()


@pytest.mark.parametrize(
    "nested",
    [
        lambda f: grad(grad(f)),
        lambda f: jacrev(jacrev(f)),
        lambda f: jacfwd(jacrev(f)),
        lambda f: grad(lambda x: vjp(f, x)[1](mg.tensor(1.0, dtype=mg.float64))[0].sum()),
    ],
)
def test_transform_of_transform_raises_not_implemented(nested):
    with pytest.raises(NotImplementedError, match="double backward"):
        nested(lambda x: (x.sin() * x).sum())(T(3)[0])


def test_transform_inside_a_transform_of_a_constant_works():
    c, x = T(3), T(3)
    inner = grad(lambda c: (c**3).sum())
    got = grad(lambda x: (x * inner(c)).sum() + vmap(inner)(c[:, None]).sum() * x.sum())(x)
    want = 3 * c.numpy() ** 2 + (3 * c.numpy() ** 2).sum()
    np.testing.assert_allclose(got.numpy(), want)


# ---- vmap ---------------------------------------------------------------------------


def loop(f, xs, in_dims, out_dim=0):
    """vmap by hand: f on each slice, stacked (what vmap must equal)."""
    size = next(x.shape[d] for x, d in zip(xs, in_dims) if d is not None)
    outs = [f(*[x if d is None else mg.select(x, d, i) for x, d in zip(xs, in_dims)])
            for i in range(size)]  # fmt: skip
    return mg.stack(outs, dim=out_dim)


VMAP_CASES = [  # (f, shapes, in_dims, out_dims)
    (lambda x: x.sin() * x, [(4, 3)], (0,), 0),
    (lambda x: x.sum(), [(4, 3)], (1,), 0),
    (lambda x, y: x @ y, [(5, 3), (3, 2)], (0, None), 0),
    (lambda x, y: x @ y, [(3, 5), (3, 2)], (1, None), 1),
    (lambda x, y: (x * y).softmax(0), [(2, 4, 3), (4, 3)], (-1, 1), -1),
    (lambda x, y: x.outer(y), [(3, 2), (3, 4)], (0, 0), 2),
]


@pytest.mark.parametrize("f, shapes, in_dims, out_dims", VMAP_CASES)
def test_vmap_equals_a_loop_and_is_differentiable(f, shapes, in_dims, out_dims):
    xs = [T(*s) for s in shapes]
    got = vmap(f, in_dims=in_dims, out_dims=out_dims)(*xs)
    want = loop(f, xs, in_dims, out_dims)
    np.testing.assert_array_equal(got.numpy(), want.numpy())
    ys = [x.clone().requires_grad_() for x in xs]
    assert mg.gradcheck(lambda *a: vmap(f, in_dims=in_dims, out_dims=out_dims)(*a), ys)


def test_vmap_nested_outputs_and_dims():
    x = T(4, 3)
    a, (b, c) = vmap(lambda v: (v * 2, (v.sum(), v[:2])), out_dims=(1, (0, 0)))(x)
    np.testing.assert_array_equal(a.numpy(), 2 * x.numpy().T)
    np.testing.assert_allclose(b.numpy(), x.numpy().sum(1))
    np.testing.assert_array_equal(c.numpy(), x.numpy()[:, :2])
    d = vmap(lambda p: p["w"] @ p["x"], in_dims=({"w": 0, "x": None},))(
        {"w": T(5, 2, 3), "x": T(3)}
    )
    assert d.shape == (5, 2)
    nested = vmap(vmap(lambda v: v.max()))(x)
    np.testing.assert_array_equal(nested.numpy(), x.numpy())
    unmapped = T(2)
    _, same = vmap(lambda v: (v, unmapped), out_dims=(0, None))(x)
    assert same is unmapped


@pytest.mark.parametrize(
    "call",
    [
        lambda: vmap(lambda a, b: a + b)(T(3), T(4)),  # sizes differ
        lambda: vmap(lambda a: a * 2)(T(0, 3)),  # divergence: PyTorch gives a (0, 3) result
        lambda: vmap(lambda a, b: a + b, in_dims=(0,))(T(3), T(3)),
        lambda: vmap(lambda a: a, in_dims=2)(T(3, 2)),
        lambda: vmap(lambda a: a, in_dims=None)(T(3)),
        lambda: vmap(lambda a: a)(mg.tensor(1.0)),
        lambda: vmap(lambda a, b: a * b)(T(3), 2.0),
        lambda: vmap(lambda a: 1.0)(T(3)),
        lambda: vmap(lambda: 1)(),
        lambda: vmap(lambda a: a, chunk_size=0),
    ],
)
def test_vmap_errors(call):
    with pytest.raises(ValueError):
        call()


def test_vmap_randomness():
    x = mg.zeros(3, 2)
    with pytest.raises(RuntimeError, match="randomness"):
        vmap(lambda v: v + mg.randn(2))(x)
    with pytest.raises(RuntimeError, match="randomness"):
        vmap(lambda v: v, randomness="sometimes")
    mg.manual_seed(0)
    same = vmap(lambda v: v + mg.randn(2), randomness="same")(x)
    mg.manual_seed(0)
    first = mg.randn(2)
    for row in same:
        np.testing.assert_array_equal(row.numpy(), first.numpy())
    mg.manual_seed(0)
    different = vmap(lambda v: v + mg.randn(2), randomness="different")(x)
    mg.manual_seed(0)
    np.testing.assert_array_equal(
        different.numpy(), np.stack([mg.randn(2).numpy() for _ in range(3)])
    )
    mg.randn(1)  # the generator works again after an 'error' vmap


# ---- functional_call ----------------------------------------------------------------


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(nn.Linear(3, 4), nn.Tanh())
        self.bn = nn.BatchNorm1d(4)
        self.head = nn.Linear(4, 2)

    def forward(self, x, scale=1.0):
        return self.head(self.bn(self.enc(x))) * scale


def snapshot(m):
    return {k: (v, v.detach().numpy().copy()) for k, v in m.state_dict(keep_vars=True).items()}


def assert_unchanged(m, before):
    after = m.state_dict(keep_vars=True)
    assert list(after) == list(before)
    for k, (obj, arr) in before.items():
        assert after[k] is obj, k
        np.testing.assert_array_equal(after[k].detach().numpy(), arr)
    assert all(p.grad is None for p in m.parameters())


def test_functional_call_is_the_module_with_other_weights_and_leaves_it_unchanged():
    mg.manual_seed(0)
    m, twin = Net().double(), Net().double()
    x = T(5, 3)
    before = snapshot(m)
    state = {
        k: v.detach().clone().requires_grad_(v.requires_grad) for k, v in twin.state_dict().items()
    }
    for k, v in state.items():
        if v.is_floating_point():
            state[k] = v.detach().requires_grad_(k.endswith(("weight", "bias")))
    y = functional_call(m, state, (x,), {"scale": 2.0})
    np.testing.assert_allclose(y.detach().numpy(), twin(x, scale=2.0).detach().numpy())
    assert_unchanged(m, before)
    # the running statistics went to the given buffers, as twin's own did
    for k in ("bn.running_mean", "bn.running_var", "bn.num_batches_tracked"):
        np.testing.assert_array_equal(state[k].numpy(), twin.state_dict()[k].numpy())
    y.sum().backward()
    twin(x, scale=2.0).sum().backward()
    for k, p in twin.named_parameters():
        np.testing.assert_allclose(state[k].grad.numpy(), p.grad.numpy(), rtol=1e-12)


def test_functional_call_gradcheck():
    m = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)).double()
    x = T(5, 3)
    names = [k for k, _ in m.named_parameters()]
    params = [p.detach().clone().requires_grad_() for p in m.parameters()]
    assert mg.gradcheck(lambda *ps: functional_call(m, dict(zip(names, ps)), x), params)


def test_functional_call_restores_after_an_exception_and_checks_keys():
    m = nn.Linear(3, 2).double()
    before = snapshot(m)
    with pytest.raises(RuntimeError):
        functional_call(m, {"weight": T(2, 5)}, (T(4, 3),))
    assert_unchanged(m, before)
    with pytest.raises(RuntimeError, match="Missing key.*bias"):
        functional_call(m, {"weight": T(2, 3)}, (T(4, 3),), strict=True)
    with pytest.raises(RuntimeError, match="Unexpected key.*extra"):
        functional_call(m, {"weight": T(2, 3), "bias": T(2), "extra": T(1)}, T(3), strict=True)
    with pytest.raises(ValueError, match="multiple dictionaries"):
        functional_call(m, ({"weight": T(2, 3)}, {"weight": T(2, 3)}), T(3))
    with pytest.raises(TypeError):
        functional_call(m, {"weight": np.ones((2, 3))}, T(3))
    assert_unchanged(m, before)


def test_functional_call_tied_weights():
    class Tied(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(2, 2, bias=False).double()
            self.b = self.a

        def forward(self, x):
            return self.a(x) + self.b(x)

    m, x, W = Tied(), T(3, 2), T(2, 2)
    np.testing.assert_allclose(
        functional_call(m, {"a.weight": W}, x).numpy(), 2 * x.numpy() @ W.numpy().T
    )
    untied = functional_call(m, {"a.weight": W}, x, tie_weights=False)
    np.testing.assert_allclose(
        untied.detach().numpy(), x.numpy() @ (W.numpy() + m.a.weight.detach().numpy()).T
    )
    with pytest.raises(ValueError, match="tied"):
        functional_call(m, {"a.weight": W, "b.weight": T(2, 2)}, x)


def test_stateless_functional_call_is_deprecated():
    m = nn.Linear(3, 2).double()
    x = T(3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        y = nn.utils.stateless.functional_call(m, {"bias": mg.zeros(2, dtype=mg.float64)}, x)
    assert [w.category for w in caught] == [FutureWarning]
    np.testing.assert_allclose(y.detach().numpy(), m.weight.detach().numpy() @ x.numpy())


def test_per_sample_gradients_equal_one_backward_per_sample():
    mg.manual_seed(1)
    m = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1)).double()
    params = {k: v.detach() for k, v in m.named_parameters()}
    xs, ts = T(6, 3), T(6, 1)

    def loss(p, x, t):
        return ((functional_call(m, p, (x.unsqueeze(0),)) - t.unsqueeze(0)) ** 2).mean()

    per_sample = vmap(grad(loss), in_dims=(None, 0, 0))(params, xs, ts)
    for i in range(6):
        m.zero_grad()
        ((m(xs[i : i + 1]) - ts[i : i + 1]) ** 2).mean().backward()
        for k, p in m.named_parameters():
            np.testing.assert_allclose(per_sample[k][i].numpy(), p.grad.numpy(), rtol=1e-12)


def test_stack_module_state_and_ensemble():
    models = [nn.Linear(3, 2).double() for _ in range(4)]
    params, buffers = stack_module_state(models)
    assert buffers == {} and params["weight"].shape == (4, 2, 3)
    assert params["weight"].is_leaf and params["weight"].requires_grad
    x = T(5, 3)
    out = vmap(lambda p, b: functional_call(models[0], (p, b), (x,)))(params, buffers)
    for i, model in enumerate(models):
        np.testing.assert_allclose(out[i].detach().numpy(), model(x).detach().numpy())
    with pytest.raises(RuntimeError):
        stack_module_state([nn.Linear(3, 2), nn.Linear(3, 2).eval()])
    with pytest.raises(RuntimeError):
        stack_module_state([])
