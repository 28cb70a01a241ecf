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
