# ruff: noqa: E501 - the programs are data, one per line
"""``minigrad.func`` and ``nn.utils.stateless`` against ``torch.func``, program by program.

Each program runs with ``M`` bound to minigrad and to torch and binds its result to ``R``
(a pytree of tensors, numbers, strings and bools); both must give the same result (values,
dtypes, shapes, requires_grad) or, for a program marked ``X +``, raise the same class of
exception. Inputs come from one NumPy stream (``A(*shape)``), and modules get the same
weights (``P(module)``), so the two runs see the same numbers: float64 results agree to
1e-10, float32 ones to rtol 1e-5.
"""

import warnings

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()


def _namespace(M):
    """What a program sees: the framework as M, and helpers that make the same data in both."""
    rng = np.random.default_rng(0)

    def A(*shape, dtype="float64", grad=False):
        t = M.tensor(rng.standard_normal(shape).astype(dtype))
        return t.requires_grad_() if grad else t

    def P(module, seed=1):
        """The module with deterministic weights (positive ones for float buffers)."""
        r = np.random.default_rng(seed)
        with M.no_grad():
            for _, p in module.named_parameters():
                p.copy_(M.tensor(r.standard_normal(tuple(p.shape)).astype("float64")).to(p.dtype))
            for _, b in module.named_buffers():
                if b.is_floating_point():
                    b.copy_(M.tensor(r.uniform(0.5, 1.5, tuple(b.shape))).to(b.dtype))
        return module

    def NEW(module, scale=2.0, buffers=False):
        """Fresh leaves for the module's parameters (and buffers): other values than its own."""
        new = {
            k: (v.detach() * scale + 0.25).requires_grad_() for k, v in module.named_parameters()
        }
        if buffers:
            new.update({k: v.detach().clone() * (scale if v.is_floating_point() else 1)
                        for k, v in module.named_buffers()})  # fmt: skip
        return new

    def G(params):
        return {k: v.grad for k, v in params.items()}

    return {"M": M, "F": M.nn.functional, "np": np, "A": A, "P": P, "NEW": NEW, "G": G,
            "warnings": warnings}  # fmt: skip


def _run(M, program):
    ns = _namespace(M)
    try:
        exec(program, ns)
    except Exception as e:
        return e
    return ns["R"]


def _compare(got, want, path="R"):
    if isinstance(want, torch.Size):
        want = tuple(want)
    if isinstance(want, torch.Tensor):
        assert isinstance(got, mg.Tensor), f"{path}: {type(got)} is not a Tensor"
        assert got.shape == tuple(want.shape), f"{path}: shape {got.shape} != {tuple(want.shape)}"
        assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1], f"{path}: dtype"
        assert got.requires_grad == want.requires_grad, f"{path}: requires_grad"
        w = want.detach().numpy()
        tol = dict(rtol=1e-5, atol=1e-6) if w.dtype == np.float32 else dict(rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(got.detach().numpy(), w, **tol, err_msg=path)
    elif isinstance(want, dict):
        assert type(got).__name__ == type(want).__name__ and list(got) == list(want), (
            f"{path}: keys {got} != {list(want)}"
        )
        for k in want:
            _compare(got[k], want[k], f"{path}[{k!r}]")
    elif isinstance(want, (tuple, list)):
        assert type(got).__name__ == type(want).__name__ and len(got) == len(want), (
            f"{path}: {type(got)} vs {type(want)}"
        )
        for i, (g, w) in enumerate(zip(got, want)):
            _compare(g, w, f"{path}[{i}]")
    elif want is None:
        assert got is None, f"{path}: {got} is not None"
    else:
        assert got == want, f"{path}: {got} != {want}"


X = "# raises\n"  # the mark of a program that must raise (in torch, then in minigrad too)


def check(program):
    want = _run(torch, program)
    got = _run(mg, program)
    assert isinstance(want, Exception) == program.startswith(X), f"torch gave {want!r}"
    if isinstance(want, Exception):
        assert isinstance(got, Exception), f"torch raised {want!r}, minigrad returned {got!r}"
        assert isinstance(got, type(want)), f"torch raised {want!r}, minigrad raised {got!r}"
        return
    if isinstance(got, Exception):
        raise got
    _compare(got, want)


MLP = "m = P(M.nn.Sequential(M.nn.Linear(3, 4), M.nn.Tanh(), M.nn.Linear(4, 2)).to(M.{dt})); "
NET = """
class Net(M.nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = M.nn.Sequential(M.nn.Linear(3, 4), M.nn.ReLU())
        self.head = M.nn.Linear(4, 2)
        self.register_buffer("shift", M.zeros(2, dtype=M.float64))
    def forward(self, x, scale=1.0):
        return self.head(self.enc(x)) * scale + self.shift
m = P(Net().double())
"""
TIED = """
class Tied(M.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = M.nn.Linear(2, 2)
        self.b = self.a
    def forward(self, x):
        return self.a(x) + 2 * self.b(x)
m = P(Tied().double()); x = A(3, 2); W = A(2, 2, grad=True); W2 = A(2, 2, grad=True)
"""

FUNCTIONAL_CALL = [
    # values and gradients to the given tensors; the module is left as it was
    *[
        MLP.format(dt=dt)
        + f"p = NEW(m); x = A(5, 3, dtype='{dt}'); w0 = m[0].weight; y = M.func.functional_call(m, p, (x,)); (y * y).sum().backward(); R = (y, G(p), dict(m.named_parameters()), m(x), m[0].weight is w0, m[0].weight.grad)"
        for dt in ("float64", "float32")
    ],
    MLP.format(dt="float64")
    + "p = NEW(m); x = A(3); y = M.func.functional_call(m, p, x); y.sum().backward(); R = (y, G(p))",
    X + MLP.format(dt="float64") + "p = NEW(m); x = A(3); y = M.func.functional_call(m, p); R = y",
    MLP.format(dt="float64")
    + "p = {'0.weight': A(4, 3, grad=True)}; x = A(2, 3); y = M.func.functional_call(m, p, (x,)); y.sum().backward(); R = (y, p['0.weight'].grad, m[2].bias.grad)",
    MLP.format(dt="float64")
    + "p = NEW(m); x = A(2, 3); y = M.func.functional_call(m, (dict(list(p.items())[:2]), dict(list(p.items())[2:])), (x,)); y.sum().backward(); R = (y, G(p))",
    MLP.format(dt="float64")
    + "p = NEW(m); x = A(2, 3); y = M.func.functional_call(m, [p], (x,), strict=True); R = y",
    X
    + MLP.format(dt="float64")
    + "p = NEW(m); del p['2.bias']; R = M.func.functional_call(m, p, (A(2, 3),), strict=True)",
    X
    + MLP.format(dt="float64")
    + "p = NEW(m); p['3.weight'] = A(2); R = M.func.functional_call(m, p, (A(2, 3),), strict=True)",
    X
    + MLP.format(dt="float64")
    + "p = NEW(m); p['3.weight'] = A(2); R = M.func.functional_call(m, p, (A(2, 3),))",
    X + MLP.format(dt="float64") + "R = M.func.functional_call(m, {'0.weight': 3}, (A(2, 3),))",
    X + MLP.format(dt="float64") + "R = M.func.functional_call(m, {'9.weight': A(2)}, (A(2, 3),))",
    X
    + MLP.format(dt="float64")
    + "R = M.func.functional_call(m, {'0.weight.x': A(2)}, (A(2, 3),))",
    X
    + MLP.format(dt="float64")
    + "R = M.func.functional_call(m, [{'0.weight': A(4, 3)}, 3], (A(2, 3),))",
    X
    + MLP.format(dt="float64")
    + "R = M.func.functional_call(m, [{'0.weight': A(4, 3)}, {'0.weight': A(4, 3)}], (A(2, 3),))",
    X + MLP.format(dt="float64") + "R = M.func.functional_call(m, 3, (A(2, 3),))",
    # an exception in forward still restores the module
    MLP.format(dt="float64")
    + "w0 = m[0].weight\ntry:\n    M.func.functional_call(m, NEW(m), (A(2, 5),))\nexcept Exception:\n    pass\nR = (m[0].weight is w0, dict(m.named_parameters()))",
    # nested modules, a buffer, keyword arguments
    NET
    + "p = NEW(m, buffers=True); x = A(4, 3); y = M.func.functional_call(m, p, (x,), {'scale': 3.0}); (y ** 2).sum().backward(); R = (y, {k: v.grad for k, v in p.items() if k != 'shift'}, m(x), m.shift)",
    NET
    + "p = NEW(m); x = A(4, 3); R = M.func.functional_call(m, {'shift': A(2), **p}, (x,), strict=True)",
    # convolution
    *[
        f"m = P(M.nn.Conv2d(2, 3, 3, padding=1, stride={s}).double()); p = NEW(m); x = A(2, 2, 5, 5); y = M.func.functional_call(m, p, (x,)); (y * y).sum().backward(); R = (y, G(p), m(x))"
        for s in (1, 2)
    ],
    # BatchNorm: running statistics update the given buffers, not the module's
    *[
        f"m = P(M.nn.BatchNorm1d(3).double()){'.eval()' if ev else ''}; p = NEW(m, buffers=True); x = A(6, 3); y = M.func.functional_call(m, p, (x,)); (y * A(6, 3)).sum().backward(); R = (y, p['weight'].grad, p['bias'].grad, p['running_mean'], p['running_var'], p['num_batches_tracked'], dict(m.named_buffers()))"
        for ev in (False, True)
    ],
    "m = P(M.nn.BatchNorm2d(2).double()); p = {k: v.clone() for k, v in m.named_buffers()}; x = A(3, 2, 2, 2, grad=True); y = M.func.functional_call(m, p, (x,)); y.sum().backward(); R = (y, x.grad, p, dict(m.named_buffers()))",
    # tied weights
    TIED + "R = M.func.functional_call(m, {'a.weight': W}, (x,))",
    TIED + "R = M.func.functional_call(m, {'a.weight': W}, (x,), tie_weights=False)",
    TIED + "R = M.func.functional_call(m, {'b.weight': W}, (x,))",
    TIED + "R = M.func.functional_call(m, {'a.weight': W, 'b.weight': W}, (x,))",
    X + TIED + "R = M.func.functional_call(m, {'a.weight': W, 'b.weight': W2}, (x,))",
    TIED
    + "y = M.func.functional_call(m, {'a.weight': W, 'b.weight': W2}, (x,), tie_weights=False); y.sum().backward(); R = (y, W.grad, W2.grad)",
    TIED + "R = M.func.functional_call(m, {'a.weight': W, 'a.bias': A(2)}, (x,), strict=True)",
    X
    + TIED
    + "R = M.func.functional_call(m, {'a.weight': W, 'a.bias': A(2)}, (x,), strict=True, tie_weights=False)",
    # a forward that reassigns a buffer: the dict gets the new value
    """
class Counter(M.nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("foo", M.zeros(()))
    def forward(self, x):
        self.foo = self.foo + 1
        return x + self.foo
m = Counter(); a = {'foo': M.ones(())}; y = M.func.functional_call(m, a, (M.zeros(()),)); R = (y, a['foo'], m.foo)
""",
    # a parametrized module: its parametrized name needs right_inverse; its original takes a value
    """
class Sym(M.nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)
m = P(M.nn.Linear(2, 2).double()); M.nn.utils.parametrize.register_parametrization(m, "weight", Sym())
W, x = A(2, 2, grad=True), A(3, 2)
y = M.func.functional_call(m, {"parametrizations.weight.original": W}, (x,)); y.sum().backward()
R = (y, W.grad, m.weight, m(x))
try:
    M.func.functional_call(m, {"weight": W}, (x,))
except RuntimeError as e:
    R = R + (type(e).__name__,)
""",
    # a parameter declared None (bias=False) takes a value for the call
    "m = P(M.nn.Linear(3, 2, bias=False).double()); b = A(2, grad=True); x = A(4, 3); y = M.func.functional_call(m, {'bias': b}, (x,)); y.sum().backward(); R = (y, b.grad, m.bias, m(x))",
    # the older nn.utils.stateless.functional_call, deprecated
    MLP.format(dt="float64")
    + "p = NEW(m); x = A(2, 3)\nwith warnings.catch_warnings(record=True) as w:\n    warnings.simplefilter('always')\n    y = M.nn.utils.stateless.functional_call(m, p, (x,))\ny.sum().backward(); R = (y, G(p), [c.category.__name__ for c in w])",
    X
    + MLP.format(dt="float64")
    + "R = M.nn.utils.stateless.functional_call(m, [NEW(m)], (A(2, 3),))",
]


@pytest.mark.parametrize("program", FUNCTIONAL_CALL)
def test_functional_call_matches_pytorch(program):
    check(program)


F1 = "def f(x, y):\n    return (x.sin() * y).sum() + (x ** 2).sum()\n"
F2 = "def f(x):\n    return M.stack([x[0] * x[1].exp(), x[1:].sum() * x[0], x[2].tanh()])\n"
FT = "def f(x, y):\n    return (x * y, (x.cos() + y).sum())\n"
FD = "def f(d):\n    return (d['w'] @ d['x']).tanh().sum() + d['b'].sum() * 2\n"

TRANSFORMS = [
    *[
        F1 + f"x, y = A(3, dtype='{dt}'), A(3, dtype='{dt}'); R = M.func.grad(f, argnums={a})(x, y)"
        for dt in ("float64", "float32")
        for a in (0, 1, -1, (0, 1), (1, 0))
    ],
    F1 + "x, y = A(3), A(3); R = M.func.grad_and_value(f, argnums=(0, 1))(x, y)",
    # minigrad's results carry no graph (no double backward): compare values only
    F1 + "x, y = A(3, grad=True), A(3); R = M.func.grad(f)(x, y).detach()",
    F1
    + "x, y = A(3), A(3); R = M.func.grad(lambda x, y: (f(x, y), {'s': x.sum(), 'n': [x[0]]}), has_aux=True)(x, y)",
    X
    + F1
    + "x, y = A(3), A(3); R = M.func.grad(lambda x, y: (f(x, y), {'s': x.sum(), 'n': 3}), has_aux=True)(x, y)",
    X + F1 + "x, y = A(3), A(3); R = M.func.vjp(lambda x: (x * 2, None), x, has_aux=True)",
    X + F1 + "x, y = A(3), A(3); R = M.func.jacrev(lambda x: (x * 2, 'a'), has_aux=True)(x)",
    F1
    + "x, y = A(3), A(3); R = M.func.grad_and_value(lambda x, y: (f(x, y), (x * 2,)), has_aux=True)(x, y)",
    "x, y = A(3), A(3); R = M.func.grad(lambda x, y: (y ** 2).sum(), argnums=(0, 1))(x, y)",
    "x = A(3); R = M.func.grad(lambda x: M.tensor(2.0, dtype=M.float64))(x)",
    "x = A(3); R = M.func.grad(lambda x, k: (x * k).sum())(x, k=3.0)",
    FD + "d = {'w': A(2, 3), 'x': A(3), 'b': A(2)}; R = M.func.grad(f)(d)",
    FD
    + "d = {'w': A(2, 3), 'x': A(3), 'b': A(2)}; R = M.func.grad_and_value(lambda d, s: f(d) * s, argnums=(0, 1))(d, A())",
    "x = (A(2), [A(3), A(1)]); R = M.func.grad(lambda t: t[0].sum() * t[1][0].prod() + t[1][1].sum())(x)",
    "import collections\nPt = collections.namedtuple('Pt', 'a b')\nR = M.func.grad(lambda d, p: (d['u'] * p.a).sum() + p.b.exp().sum(), argnums=(0, 1))(collections.OrderedDict(u=A(2)), Pt(A(2), A(3)))",
    "c, x = A(3), A(3); inner = M.func.grad(lambda c: (c ** 3).sum()); R = M.func.grad(lambda x: (x * inner(c)).sum() + M.func.vmap(inner)(c[:, None]).sum() * x.sum())(x)",
    # errors
    *[
        X + F1 + f"x, y = A(3), A(3); R = M.func.grad(f, argnums={a})(x, y)"
        for a in (2, -3, (), 0.5, (0, 0), (0, -2))
    ],
    X + "R = M.func.grad(lambda x: x)(A(3))",
    X + "R = M.func.grad(lambda x: x.sum().reshape(1))(A(3))",
    X + "R = M.func.grad(lambda x: 3.0)(A(3))",
    X + "R = M.func.grad(lambda x: x.sum(), has_aux=True)(A(3))",
    X + "R = M.func.grad(lambda x: (x.sum(), 1, 2), has_aux=True)(A(3))",
    X + "R = M.func.grad(lambda x: x)(3.0)",
    X + "R = M.func.grad(lambda x: x.sum())(M.arange(3))",
    X + "R = M.func.grad(lambda: A())()",
    # vjp
    *[
        F2
        + f"x = A(3, dtype='{dt}'); out, fn = M.func.vjp(f, x); R = (out, fn(A(3, dtype='{dt}')), fn(M.ones(3, dtype=M.{dt})))"
        for dt in ("float64", "float32")
    ],
    FT + "x, y = A(2, 3), A(3); out, fn = M.func.vjp(f, x, y); R = (out, fn((A(2, 3), A())))",
    FT
    + "x, y = A(2, 3), A(3); out, fn, aux = M.func.vjp(lambda x, y: (f(x, y), x.sum()), x, y, has_aux=True); R = (out, fn((A(2, 3), A())), aux)",
    FD + "d = {'w': A(2, 3), 'x': A(3), 'b': A(2)}; out, fn = M.func.vjp(f, d); R = (out, fn(A()))",
    "x, y = A(3), A(3); out, fn = M.func.vjp(lambda x, y: {'a': x * 2, 'b': [x + 1, x * x]}, x, y); R = (out, fn({'a': A(3), 'b': [A(3), A(3)]}))",
    X + F2 + "out, fn = M.func.vjp(f, A(3)); R = fn(A(4))",
    X + F2 + "out, fn = M.func.vjp(f, A(3)); R = fn((A(3),))",
    F2 + "out, fn = M.func.vjp(f, A(3)); R = fn(A(3, dtype='float32'))",
    X + "R = M.func.vjp(lambda x: x, 3.0)",
    X + "R = M.func.vjp(lambda x: 2.0, A(3))",
    # jacrev and jacfwd
    *[
        F2 + f"x = A(3, dtype='{dt}'); R = M.func.{j}(f)(x)"
        for j in ("jacrev", "jacfwd")
        for dt in ("float64", "float32")
    ],
    *[
        FT + f"x, y = A(2, 3), A(3); R = M.func.{j}(f, argnums={a})(x, y)"
        for j in ("jacrev", "jacfwd")
        for a in (0, 1, (0, 1))
    ],
    *[
        FD + f"d = {{'w': A(2, 3), 'x': A(3), 'b': A(2)}}; R = M.func.{j}(f)(d)"
        for j in ("jacrev", "jacfwd")
    ],
    F2 + "x = A(3); R = M.func.jacrev(lambda x: (f(x), x.sum()), has_aux=True)(x)",
    F2 + "x = A(3); R = M.func.jacfwd(lambda x: (f(x), x.sum()), has_aux=True)(x)",
    F2 + "x = A(3); R = M.func.jacrev(f, chunk_size=1)(x)",
    "x = A(2, 2); R = M.func.jacrev(lambda x, y: x @ y, argnums=1)(x, A(2, 2))",
    X + "R = M.func.jacrev(lambda x: 1.0)(A(3))",
    X + "R = M.func.jacrev(lambda x: x, chunk_size=0)(A(3))",
    X + "R = M.func.jacfwd(lambda x: x, randomness='foo')(A(3))",
    X + "R = M.func.jacfwd(lambda x: x + M.randn(3))(A(3))",
    "R = M.func.jacfwd(lambda x: x * M.randn(3).abs().sign(), randomness='same')(A(3))",
    "R = M.func.jacrev(lambda x: x * M.randn(3).abs().sign())(A(3))",
    X + "R = M.func.jacrev(lambda x: x, argnums=1)(A(3))",
]


@pytest.mark.parametrize("program", TRANSFORMS)
def test_transforms_match_pytorch(program):
    check(program)


LOSS = MLP.format(dt="float64") + (
    "p = {k: v.detach() for k, v in NEW(m).items()}\n"
    "def loss(p, x, t):\n"
    "    return F.mse_loss(M.func.functional_call(m, p, (x.unsqueeze(0),)), t.unsqueeze(0))\n"
    "xs, ts = A(5, 3), A(5, 2)\n"
)

VMAP = [
    *[
        f"x = A(4, 3, dtype='{dt}'); R = M.func.vmap(lambda v: (v.sin() * v).sum())(x)"
        for dt in ("float64", "float32")
    ],
    "x, y = A(4, 3), A(3); R = M.func.vmap(lambda a, b: a @ b, in_dims=(0, None))(x, y)",
    "x, y = A(3, 4), A(4, 3); R = M.func.vmap(M.dot, in_dims=(1, 0))(x, y)",
    "x = A(2, 3, 4); R = M.func.vmap(lambda v: v.sum(0), in_dims=-1)(x)",
    "x = A(4, 3); R = M.func.vmap(lambda v: v * 2, out_dims=1)(x)",
    "x = A(4, 3); R = M.func.vmap(lambda v: v * 2, out_dims=-1)(x)",
    "x = A(4, 3); R = M.func.vmap(lambda v: (v * 2, v.sum()), out_dims=(1, 0))(x)",
    "x = A(4, 3); y = A(2); R = M.func.vmap(lambda v: (v * 2, y), out_dims=(0, None))(x)",
    "x = A(4, 3); R = M.func.vmap(lambda v: {'a': v.exp(), 'b': [v.sum(), v[0]]})(x)",
    "d = {'w': A(5, 2, 3), 'x': A(3)}; R = M.func.vmap(lambda d: d['w'] @ d['x'], in_dims=({'w': 0, 'x': None},))(d)",
    "x = A(2, 3, 4); R = M.func.vmap(M.func.vmap(lambda v: v.max()))(x)",
    "x = A(2, 3, 4); R = M.func.vmap(M.func.vmap(lambda v, w: v * w, in_dims=(1, None)), in_dims=(0, 0))(x, A(2, 3))",
    "x = A(4, 3); R = M.func.vmap(lambda v, s=1.0: v * s)(x, s=3.0)",
    "x = A(4, 3); R = M.func.vmap(lambda v, k: v * k, in_dims=(0, None))(x, 2.0)",
    "x = A(4, 3); R = M.func.vmap(lambda v: v * 2, chunk_size=2)(x)",
    "x = A(4, 3, grad=True); y = M.func.vmap(lambda v: (v.sin() * v).sum())(x); (y * A(4)).sum().backward(); R = (y, x.grad)",
    "x = A(4, 3, grad=True); w = A(3, grad=True); y = M.func.vmap(lambda v: v @ w)(x); y.sum().backward(); R = (y, x.grad, w.grad)",
    # randomness: the draws themselves differ between the frameworks, their sameness does not
    "x = M.zeros(3, 2); y = M.func.vmap(lambda v: v + M.randn(2), randomness='same')(x); R = (bool((y[0] == y[1]).all()), bool((y[0] == y[2]).all()))",
    "x = M.zeros(3, 2); y = M.func.vmap(lambda v: v + M.randn(2), randomness='different')(x); R = (bool((y[0] == y[1]).all()), y.shape)",
    X + "R = M.func.vmap(lambda v: v + M.randn(2))(M.zeros(3, 2))",
    X + "R = M.func.vmap(lambda v: v, randomness='foo')(M.zeros(3, 2))",
    "R = M.func.vmap(lambda v: v * 2)(M.zeros(3, 2)), M.randn(1).shape",
    # errors
    X + "R = M.func.vmap(lambda a, b: a + b)(A(3), A(4))",
    X + "R = M.func.vmap(lambda a, b: a + b, in_dims=(0,))(A(3), A(3))",
    X + "R = M.func.vmap(lambda a, b: a + b, in_dims=(0, 1, 0))(A(3), A(3))",
    X + "R = M.func.vmap(lambda a: a, in_dims=2)(A(3, 2))",
    X + "R = M.func.vmap(lambda a: a, in_dims=-3)(A(3, 2))",
    X + "R = M.func.vmap(lambda a: a, in_dims=None)(A(3, 2))",
    X + "R = M.func.vmap(lambda a: a, in_dims=0.5)(A(3, 2))",
    X + "R = M.func.vmap(lambda a: a, in_dims=[0])(A(3, 2))",
    X + "R = M.func.vmap(lambda: 1)()",
    X + "R = M.func.vmap(lambda a: a)(A())",
    X + "R = M.func.vmap(lambda a, b: a * b)(A(3), 2.0)",
    X + "R = M.func.vmap(lambda a: 1.0)(A(3))",
    X + "R = M.func.vmap(lambda a: None)(A(3))",
    X + "R = M.func.vmap(lambda a: a, out_dims=3)(A(3, 2))",
    X + "R = M.func.vmap(lambda a: (a, a), out_dims=(0, 1, 2))(A(3, 2))",
    X + "R = M.func.vmap(lambda a: a, chunk_size=0)(A(3, 2))",
    # per-sample gradients: vmap of grad of a functional_call (the main use case)
    LOSS + "R = M.func.vmap(M.func.grad(loss), in_dims=(None, 0, 0))(p, xs, ts)",
    LOSS + "R = M.func.vmap(M.func.grad_and_value(loss), in_dims=(None, 0, 0))(p, xs, ts)",
    LOSS + "R = M.func.vmap(M.func.grad(loss, argnums=(0, 1)), in_dims=(None, 0, 0))(p, xs, ts)",
    LOSS
    + "R = M.func.vmap(M.func.jacrev(lambda p, x: M.func.functional_call(m, p, (x,))), in_dims=(None, 0))(p, xs)",
    LOSS + "R = M.func.grad(lambda p: M.func.vmap(loss, in_dims=(None, 0, 0))(p, xs, ts).sum())(p)",
    "m = P(M.nn.Conv2d(1, 2, 3).double()); p = {k: v.detach() for k, v in NEW(m).items()}\ndef loss(p, x):\n    return M.func.functional_call(m, p, (x.unsqueeze(0),)).pow(2).mean()\nR = M.func.vmap(M.func.grad(loss), in_dims=(None, 0))(p, A(3, 1, 4, 4))",
    # ensembles: stack_module_state and vmap over the models
    "ms = [P(M.nn.Linear(3, 2).double(), seed=s) for s in range(4)]; params, buffers = M.func.stack_module_state(ms); x = A(5, 3)\n"
    "y = M.func.vmap(lambda p, b, x: M.func.functional_call(ms[0], (p, b), (x,)), in_dims=(0, 0, None))(params, buffers, x); y.sum().backward()\n"
    "R = (y, params, G(params), buffers, [mm(x) for mm in ms], params['weight'].is_leaf)",
    "ms = [P(M.nn.BatchNorm1d(3).double().eval(), seed=s) for s in range(3)]; params, buffers = M.func.stack_module_state(ms); x = A(4, 3)\n"
    "R = (M.func.vmap(lambda p, b: M.func.functional_call(ms[0], (p, b), (x,)))(params, buffers), buffers)",
    # training-mode BatchNorm under vmap updates each model's slice of the stacked buffers
    "ms = [P(M.nn.BatchNorm1d(2).double(), seed=s) for s in range(3)]; params, buffers = M.func.stack_module_state(ms); x = A(3, 4, 2)\n"
    "y = M.func.vmap(lambda p, b, x: M.func.functional_call(ms[0], (p, b), (x,)))(params, buffers, x); (y * A(3, 4, 2)).sum().backward()\n"
    "R = (y, buffers, G(params))",
    X + "R = M.func.stack_module_state([])",
    X + "R = M.func.stack_module_state([M.nn.Linear(2, 2), M.nn.Linear(2, 2).eval()])",
    X + "R = M.func.stack_module_state([M.nn.Linear(2, 2), M.nn.Sequential(M.nn.Linear(2, 2))])",
    X
    + "a, b = M.nn.Linear(2, 2), M.nn.Linear(2, 2); b.weight.requires_grad_(False); R = M.func.stack_module_state([a, b])",
    "a, b = M.nn.Linear(2, 2), M.nn.Linear(2, 2); a.requires_grad_(False); b.requires_grad_(False); p, _ = M.func.stack_module_state([a, b]); R = (p['weight'].requires_grad, p['weight'].shape)",
]


@pytest.mark.parametrize("program", VMAP)
def test_vmap_matches_pytorch(program):
    check(program)
