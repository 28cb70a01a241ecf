# ruff: noqa: E501 - the programs are data, one per line
"""kl_divergence between different families against torch.distributions: values and
gradients w.r.t. every parameter (float64 to 1e-10, float32 rtol 1e-5 normwise), infinite
results where p's support is not inside q's, and the pairs torch does not register."""

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

RNG = np.random.default_rng(4321)
DTYPES = ["float64", "float32"]


def _randn(*shape):
    return RNG.standard_normal(shape)


def _pos(*shape):
    return np.exp(0.5 * RNG.standard_normal(shape))


def _unit(*shape):
    return RNG.uniform(0.05, 0.95, shape)


# name -> (parameters, (p, q) from the distributions module D and the leaves P). Leaves named
# c_* take no gradient; every pair is given twice: same batch shape and broadcasting.
FAMILIES = {
    "bernoulli": (lambda s: dict(p_pi=_unit(*s)), lambda D, P: D.Bernoulli(P["p_pi"])),
    "beta": (
        lambda s: dict(p_a=_pos(*s) + 0.3, p_b=_pos(*s) + 0.3),
        lambda D, P: D.Beta(P["p_a"], P["p_b"]),
    ),
    "exponential": (lambda s: dict(p_r=_pos(*s)), lambda D, P: D.Exponential(P["p_r"])),
    "gamma": (
        lambda s: dict(p_k=_pos(*s) + 0.3, p_r=_pos(*s)),
        lambda D, P: D.Gamma(P["p_k"], P["p_r"]),
    ),
    "gumbel": (
        lambda s: dict(p_m=_randn(*s), p_s=_pos(*s)),
        lambda D, P: D.Gumbel(P["p_m"], P["p_s"]),
    ),
    "laplace": (
        lambda s: dict(p_m=_randn(*s), p_s=_pos(*s)),
        lambda D, P: D.Laplace(P["p_m"], P["p_s"]),
    ),
    "normal": (
        lambda s: dict(p_m=_randn(*s), p_s=_pos(*s)),
        lambda D, P: D.Normal(P["p_m"], P["p_s"]),
    ),
    "poisson": (lambda s: dict(p_r=_pos(*s)), lambda D, P: D.Poisson(P["p_r"])),
    "uniform": (
        lambda s: dict(p_lo=RNG.uniform(0.05, 0.4, s), p_w=RNG.uniform(0.1, 0.5, s)),
        lambda D, P: D.Uniform(P["p_lo"], P["p_lo"] + P["p_w"]),
    ),
}
Q_FAMILIES = {
    "beta": (
        lambda s: dict(q_a=_pos(*s) + 0.3, q_b=_pos(*s) + 0.3),
        lambda D, P: D.Beta(P["q_a"], P["q_b"]),
    ),
    "binomial": (
        lambda s: dict(c_n=np.full(s, 4.0), q_pi=_unit(*s)),
        lambda D, P: D.Binomial(P["c_n"], P["q_pi"]),
    ),
    "bernoulli": (lambda s: dict(q_pi=_unit(*s)), lambda D, P: D.Bernoulli(P["q_pi"])),
    "exponential": (lambda s: dict(q_r=_pos(*s)), lambda D, P: D.Exponential(P["q_r"])),
    "gamma": (
        lambda s: dict(q_k=_pos(*s) + 0.3, q_r=_pos(*s)),
        lambda D, P: D.Gamma(P["q_k"], P["q_r"]),
    ),
    "gumbel": (
        lambda s: dict(q_m=_randn(*s), q_s=_pos(*s) + 0.5),
        lambda D, P: D.Gumbel(P["q_m"], P["q_s"]),
    ),
    "normal": (
        lambda s: dict(q_m=_randn(*s), q_s=_pos(*s)),
        lambda D, P: D.Normal(P["q_m"], P["q_s"]),
    ),
    "poisson": (lambda s: dict(q_r=_pos(*s)), lambda D, P: D.Poisson(P["q_r"])),
    "uniform": (
        lambda s: dict(q_lo=-RNG.uniform(0.01, 0.5, s), q_w=RNG.uniform(1.1, 2.0, s)),
        lambda D, P: D.Uniform(P["q_lo"], P["q_lo"] + P["q_w"]),
    ),
}
PAIRS = [
    ("bernoulli", "poisson"),
    ("beta", "exponential"),
    ("beta", "gamma"),
    ("beta", "normal"),
    ("beta", "uniform"),
    ("exponential", "beta"),
    ("exponential", "gamma"),
    ("exponential", "gumbel"),
    ("gamma", "beta"),
    ("gamma", "exponential"),
    ("gamma", "gumbel"),
    ("gamma", "normal"),
    ("gamma", "uniform"),
    ("gumbel", "beta"),
    ("gumbel", "exponential"),
    ("gumbel", "gamma"),
    ("gumbel", "normal"),
    ("gumbel", "uniform"),
    ("laplace", "beta"),
    ("laplace", "gamma"),
    ("normal", "beta"),
    ("normal", "gamma"),
    ("normal", "gumbel"),
    ("poisson", "bernoulli"),
    ("poisson", "binomial"),
    ("uniform", "beta"),
    ("uniform", "gamma"),
    ("uniform", "gumbel"),
]
MASKED = [("beta", "uniform"), ("uniform", "beta"), ("uniform", "gamma")]
SHAPES = [((4,), (4,)), ((2, 3), (3,)), ((), (2,))]


def _leaves(M, params, dtype, grad=True):
    return {
        k: M.tensor(v, dtype=getattr(M, dtype), requires_grad=grad and not k.startswith("c_"))
        for k, v in params.items()
    }


def _close(a, b, dtype):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape, (a.shape, b.shape)
    if dtype == "float64":
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10, equal_nan=True)
    else:  # float32 rounding is relative to the operands' size: normwise, 1e-5 of the largest
        finite = np.abs(b[np.isfinite(b)])
        scale = finite.max() if finite.size else 0.0
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=max(1e-6, 1e-5 * scale), equal_nan=True)


def _compare(params, ctor, dtype, grad=True, expand_torch=False):
    """Same KL in both (value, dtype, shape, requires_grad) and the same gradients of a
    weighted sum of it w.r.t. every leaf. ``expand_torch``: torch's parameters are expanded
    to the batch shape first (its masked pairs index a broadcast result with an unbroadcast
    mask, an IndexError; minigrad broadcasts)."""
    out = {}
    shape = np.broadcast_shapes(*(v.shape for v in params.values()))
    for M in (torch, mg):
        P = _leaves(M, params, dtype, grad)
        args = {k: v.expand(shape) for k, v in P.items()} if expand_torch and M is torch else P
        out[M] = M.distributions.kl_divergence(*ctor(M.distributions, args)), P
    (rt, lt), (rm, lm) = out[torch], out[mg]
    assert str(rm.dtype).split(".")[-1] == str(rt.dtype).split(".")[-1]
    _close(rm.detach().numpy(), rt.detach().numpy(), dtype)
    assert rm.requires_grad == rt.requires_grad
    if not rt.requires_grad:
        return rt
    w = 1.0 + np.arange(rt.numel()).reshape(tuple(rt.shape)) % 3
    (rt * torch.tensor(w, dtype=rt.dtype)).sum().backward()
    (rm * mg.tensor(w, dtype=rm.dtype)).sum().backward()
    for k in lt:
        gt, gm = lt[k].grad, lm[k].grad
        if gt is None:
            assert gm is None or not np.any(gm.numpy()), k
            continue
        assert gm is not None, k
        _close(gm.numpy(), gt.numpy(), dtype)
    return rt


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shapes", SHAPES, ids=str)
@pytest.mark.parametrize("pair", PAIRS, ids="_".join)
def test_kl_pair_matches_torch(pair, shapes, dtype):
    (pp, pc), (qp, qc) = FAMILIES[pair[0]], Q_FAMILIES[pair[1]]
    params = {**pp(shapes[0]), **qp(shapes[1])}
    _compare(params, lambda D, P: (pc(D, P), qc(D, P)), dtype, expand_torch=pair in MASKED)


# Supports that only partly nest: infinite where p's support leaves q's, finite elsewhere
# (values only: the gradient there is 0 · ∞ or 0 · NaN, which neither library defines).
PARTIAL = {
    "beta_uniform": (
        dict(
            a=_pos(4) + 0.3,
            b=_pos(4) + 0.3,
            lo=np.array([-0.5, 0.2, -0.1, 0.0]),
            hi=np.array([1.5, 2.0, 0.9, 1.0]),
        ),
        lambda D, P: (D.Beta(P["a"], P["b"]), D.Uniform(P["lo"], P["hi"])),
    ),
    "uniform_beta": (
        dict(
            lo=np.array([-0.5, 0.2, 0.1, 0.0]),
            hi=np.array([0.5, 1.2, 0.9, 1.0]),
            a=_pos(4) + 0.3,
            b=_pos(4) + 0.3,
        ),
        lambda D, P: (D.Uniform(P["lo"], P["hi"]), D.Beta(P["a"], P["b"])),
    ),
    "uniform_gamma": (
        dict(
            lo=np.array([-0.5, 0.2, 0.0]), hi=np.array([0.5, 1.2, 3.0]), k=_pos(3) + 0.3, r=_pos(3)
        ),
        lambda D, P: (D.Uniform(P["lo"], P["hi"]), D.Gamma(P["k"], P["r"])),
    ),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", PARTIAL)
def test_partly_infinite_kl_matches_torch(case, dtype):
    params, ctor = PARTIAL[case]
    r = _compare(params, ctor, dtype, grad=False)
    assert np.isinf(r.numpy()).any() and np.isfinite(r.numpy()).any()


# Pairs torch leaves unregistered among these families raise NotImplementedError in both.
UNREGISTERED = [
    ("beta", "bernoulli"),
    ("gamma", "poisson"),
    ("poisson", "normal"),
    ("bernoulli", "gumbel"),
    ("uniform", "poisson"),
    ("exponential", "poisson"),
]


@pytest.mark.parametrize("pair", UNREGISTERED, ids="_".join)
def test_unregistered_pair_raises_like_torch(pair):
    (pp, pc), (qp, qc) = FAMILIES[pair[0]], Q_FAMILIES[pair[1]]
    params = {**pp((2,)), **qp((2,))}
    for M in (torch, mg):
        P = _leaves(M, params, "float64")
        with pytest.raises(NotImplementedError):
            M.distributions.kl_divergence(pc(M.distributions, P), qc(M.distributions, P))


# Transforms: each with an input x in its domain (an expression in T = the transforms
# module, M = the library, x = the input leaf, e = an extra parameter leaf).
TRANSFORMS = {
    "tanh": ("T.TanhTransform()", _randn(2, 3)),
    "exp": ("T.ExpTransform()", _randn(4)),
    "power": ("T.PowerTransform(e)", _pos(2, 3)),
    "power_number": ("T.PowerTransform(2.5)", _pos(3)),
    "power_negative": ("T.PowerTransform(-0.7)", _pos(3)),
    "softmax": ("T.SoftmaxTransform()", _randn(2, 4)),
    "stick_breaking": ("T.StickBreakingTransform()", _randn(2, 3)),
    "stick_breaking_1": ("T.StickBreakingTransform()", _randn(1)),
    "abs": ("T.AbsTransform()", _randn(5)),
    "compose": ("T.ComposeTransform([T.AffineTransform(0.5, e), T.TanhTransform()])", _randn(2, 3)),
    "compose_vector": (
        "T.ComposeTransform([T.AffineTransform(e, 2.0), T.StickBreakingTransform(), T.PowerTransform(1.5)])",
        _randn(2, 3),
    ),
    "compose_empty": ("T.ComposeTransform([])", _randn(3)),
    "compose_inv": (
        "T.ComposeTransform([T.ExpTransform(), T.PowerTransform(e)]).inv",
        _randn(2, 3),
    ),
    "tanh_inv": ("T.TanhTransform().inv", RNG.uniform(-0.9, 0.9, (4,))),
    "stick_breaking_inv": (
        "T.StickBreakingTransform().inv",
        np.array([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]]),
    ),
    "compose_cached": (
        "T.ComposeTransform([T.ExpTransform(), T.TanhTransform()], cache_size=1)",
        _randn(3),
    ),
}
EXTRA = _pos(3) + 0.2
LOC = 0.5 * _randn(3)


def _transform(M, name, dtype):
    code, x = TRANSFORMS[name]
    env = {
        "T": M.distributions.transforms,
        "M": M,
        "e": M.tensor(EXTRA, dtype=getattr(M, dtype), requires_grad=True),
    }
    return eval(code, env), M.tensor(x, dtype=getattr(M, dtype), requires_grad=True), env["e"]


def _grads(M, out, leaves):
    w = 1.0 + np.arange(out.numel()).reshape(tuple(out.shape)) % 3
    return [
        g if g is None else np.asarray(g, np.float64)
        for g in (
            M.autograd.grad((out * M.tensor(w, dtype=out.dtype)).sum(), leaves, allow_unused=True)
        )
    ]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", TRANSFORMS)
@pytest.mark.parametrize("what", ["call", "inv", "log_abs_det_jacobian"])
def test_transform_matches_torch(name, what, dtype):
    """t(x), t.inv(t(x)) and log|det J|(x, t(x)): values, dtype, shape, and gradients w.r.t.
    the input and the transform's parameter (NotImplementedError in both where torch has
    no log-Jacobian)."""
    res = {}
    for M in (torch, mg):
        t, x, e = _transform(M, name, dtype)
        y = t(x)
        try:
            if what == "call":
                out = y
            elif what == "inv":
                out = t.inv(y)
            else:
                out = t.log_abs_det_jacobian(x, y)
        except NotImplementedError:
            res[M] = None
            continue
        leaves = [v for v in (x, e) if v.requires_grad]
        res[M] = out, _grads(M, out, leaves) if out.requires_grad else []
    if res[torch] is None:
        assert res[mg] is None
        return
    (ot, gt), (om, gm) = res[torch], res[mg]
    assert str(om.dtype).split(".")[-1] == str(ot.dtype).split(".")[-1]
    assert om.requires_grad == ot.requires_grad
    _close(om.detach().numpy(), ot.detach().numpy(), dtype)
    for a, b in zip(gm, gt, strict=True):
        if b is None:
            assert a is None or not np.any(a)
        else:
            _close(a, b, dtype)


@pytest.mark.parametrize("name", TRANSFORMS)
def test_transform_attributes_match_torch(name):
    """domain / codomain (class, event_dim), event_dim, bijective, sign, repr, shapes, and
    equality to a fresh copy and to its inverse's inverse."""
    attrs = {}
    for M in (torch, mg):
        t, x, _ = _transform(M, name, "float64")
        a = dict(
            domain=(type(t.domain).__name__, t.domain.event_dim),
            codomain=(type(t.codomain).__name__, t.codomain.event_dim),
            bijective=bool(t.bijective),
            repr=repr(t),
            eq=(t == _transform(M, name, "float64")[0], t.inv.inv == t, t == t.inv),
        )
        shape = (5,) + tuple(x.shape)
        for k, get in dict(
            event_dim=lambda t: t.event_dim,
            sign=lambda t: t.sign,
            fshape=lambda t: tuple(t.forward_shape(shape)),  # noqa: B023
            ishape=lambda t: tuple(t.inverse_shape(shape)),  # noqa: B023
        ).items():
            try:
                v = get(t)
                a[k] = np.asarray(v.detach() if hasattr(v, "detach") else v).tolist()
            except (NotImplementedError, ValueError, RuntimeError) as err:
                a[k] = type(err).__name__
        attrs[M] = a
    assert attrs[mg] == attrs[torch]


# TransformedDistribution over the new transforms: log_prob of given values, with gradients
# w.r.t. the base parameters and the value.
TD_CASES = {
    "tanh_normal": (
        "D.TransformedDistribution(D.Normal(a, b), [T.TanhTransform()])",
        RNG.uniform(-0.95, 0.95, (2, 3)),
    ),
    "tanh_affine_normal": (
        "D.TransformedDistribution(D.Normal(a, b), [T.TanhTransform(), T.AffineTransform(1.0, 3.0)])",
        RNG.uniform(-1.8, 3.8, (3,)),
    ),
    "compose_normal": (
        "D.TransformedDistribution(D.Normal(a, b), T.ComposeTransform([T.TanhTransform(), T.AffineTransform(1.0, 3.0)]))",
        RNG.uniform(-1.8, 3.8, (2, 3)),
    ),
    "stick_breaking_normal": (
        "D.TransformedDistribution(D.Normal(a, b), T.StickBreakingTransform())",
        np.array([[0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.4, 0.1]]),
    ),
    "power_exponential": (
        "D.TransformedDistribution(D.Exponential(b), T.PowerTransform(0.5))",
        _pos(2, 3),
    ),
    "power_gamma_inv": (
        "D.TransformedDistribution(D.Gamma(b, 1.5), T.PowerTransform(2.0).inv)",
        _pos(3),
    ),
    "exp_inv_lognormal": (
        "D.TransformedDistribution(D.LogNormal(a, b), T.ExpTransform().inv)",
        _randn(3),
    ),
    "independent_tanh": (
        "D.TransformedDistribution(D.Independent(D.Normal(a, b), 1), T.TanhTransform())",
        RNG.uniform(-0.9, 0.9, (3,)),
    ),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", TD_CASES)
def test_transformed_distribution_log_prob_matches_torch(name, dtype):
    code, value = TD_CASES[name]
    res = {}
    for M in (torch, mg):
        dt = getattr(M, dtype)
        a = M.tensor(LOC, dtype=dt, requires_grad=True)
        b = M.tensor(EXTRA, dtype=dt, requires_grad=True)
        v = M.tensor(value, dtype=dt, requires_grad=True)
        d = eval(code, {"D": M.distributions, "T": M.distributions.transforms, "a": a, "b": b})
        lp = d.log_prob(v)
        res[M] = (
            (d.batch_shape, d.event_shape, type(d.support).__name__),
            lp,
            _grads(M, lp, [a, b, v]),
        )
    (st, lt, gt), (sm, lm, gm) = res[torch], res[mg]
    assert (tuple(sm[0]), tuple(sm[1]), sm[2]) == (tuple(st[0]), tuple(st[1]), st[2])
    _close(lm.detach().numpy(), lt.detach().numpy(), dtype)
    for x, y in zip(gm, gt):
        if y is None:
            assert x is None or not np.any(x)
        else:
            _close(x, y, dtype)


TRANSFORM_ERRORS = [
    "T.SoftmaxTransform().forward_shape(())",
    "T.StickBreakingTransform().inverse_shape(())",
    "T.SoftmaxTransform().log_abs_det_jacobian(M.zeros(3), M.ones(3) / 3)",
    "T.AbsTransform().log_abs_det_jacobian(M.zeros(3), M.zeros(3))",
    "T.AbsTransform().sign",
    "T.TanhTransform(cache_size=2)",
    "T.ComposeTransform([T.ExpTransform()], cache_size=3)",
    "D.TransformedDistribution(D.Normal(0.0, 1.0), T.StickBreakingTransform())",
    "D.TransformedDistribution(D.Normal(0.0, 1.0), T.TanhTransform()).log_prob(M.tensor([1.5]))",
    "D.TransformedDistribution(D.Normal(M.zeros(3), 1.0), T.StickBreakingTransform()).log_prob(M.tensor([0.5, 0.5, 0.5, 0.5]))",
    "D.TransformedDistribution(D.Exponential(1.0), T.PowerTransform(2.0)).log_prob(M.tensor([-1.0]))",
]


@pytest.mark.parametrize("code", TRANSFORM_ERRORS)
def test_transform_errors_match_torch(code):
    caught = []
    for M in (torch, mg):
        try:
            eval(code, {"D": M.distributions, "T": M.distributions.transforms, "M": M})
            caught.append(None)
        except Exception as err:  # noqa: BLE001 - the class is what is compared
            caught.append(type(err))
    assert caught[0] is not None and caught[1] is caught[0], caught
