# ruff: noqa: E501 - the programs are data, one per line
"""minigrad.distributions against torch.distributions.

Values and gradients (w.r.t. every parameter and the value) of log_prob, cdf, icdf,
entropy, mean, mode, variance, stddev and kl_divergence, in float64 (to 1e-10) and
float32 (rtol 1e-5, normwise: float32 rounding scales with the largest operands, so an
element that cancels to near zero is held to 1e-5 of the largest); shapes, reprs,
supports, signatures and exception types; rsample's gradient for the same noise (the
draws themselves differ: minigrad has its own generator).
"""

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

RNG = np.random.default_rng(1234)


def _randn(*shape):
    return RNG.standard_normal(shape)


def _pos(*shape):
    return np.exp(0.5 * RNG.standard_normal(shape))


def _unit(*shape):
    return RNG.uniform(0.05, 0.95, shape)


def _simplex(*shape):
    p = RNG.uniform(0.1, 1.0, shape)
    return p / p.sum(-1, keepdims=True)


def _spd(*shape):
    n = shape[-1]
    a = RNG.standard_normal(shape)
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def _tril(*shape):
    n = shape[-1]
    a = np.tril(RNG.standard_normal(shape)) * 0.5
    idx = np.arange(n)
    a[..., idx, idx] = np.exp(0.3 * RNG.standard_normal(shape[:-1]))
    return a


def _bits(*shape):
    return RNG.integers(0, 2, shape).astype(np.float64)


def _onehot(k, *shape):
    return np.eye(k)[RNG.integers(0, k, shape)]


# name -> (params: name -> array; an int array or a name starting with "c_" takes no grad,
#          constructor, {quantity: expression})
STATS = {
    "mean": lambda d, P: d.mean,
    "mode": lambda d, P: d.mode,
    "variance": lambda d, P: d.variance,
    "stddev": lambda d, P: d.stddev,
    "entropy": lambda d, P: d.entropy(),
}


def _q(**extra):
    out = dict(STATS)
    out.update(extra)
    return out


CASES = {
    "normal": (
        dict(loc=_randn(3, 4), scale=_pos(4), x=_randn(2, 3, 4), p=_unit(3, 4)),
        lambda D, P: D.Normal(P["loc"], P["scale"]),
        _q(
            log_prob=lambda d, P: d.log_prob(P["x"]),
            cdf=lambda d, P: d.cdf(P["x"]),
            icdf=lambda d, P: d.icdf(P["p"]),
        ),
    ),
    "normal_scalar_scale": (
        dict(loc=_randn(5), x=_randn(5)),
        lambda D, P: D.Normal(P["loc"], 2.5),
        _q(log_prob=lambda d, P: d.log_prob(P["x"])),
    ),
    "uniform": (
        dict(low=_randn(2, 3), c_width=_pos(3), x=_unit(2, 3), p=_unit(4, 2, 3)),
        lambda D, P: D.Uniform(P["low"], P["low"] + P["c_width"]),
        _q(
            log_prob=lambda d, P: d.log_prob(d.low + P["x"] * (d.high - d.low)),
            cdf=lambda d, P: d.cdf(d.low + P["x"] * (d.high - d.low)),
            icdf=lambda d, P: d.icdf(P["p"]),
        ),
    ),
    "uniform_high_grad": (
        dict(c_low=_randn(3), high=_pos(3) + 3, c_x=_unit(3)),
        lambda D, P: D.Uniform(P["c_low"], P["high"]),
        _q(
            log_prob=lambda d, P: d.log_prob(d.low + P["c_x"] * (d.high - d.low)),
            cdf=lambda d, P: d.cdf(d.low + P["c_x"] * (d.high - d.low)),
        ),
    ),
    "exponential": (
        dict(rate=_pos(2, 3), x=_pos(4, 2, 3), p=_unit(2, 3)),
        lambda D, P: D.Exponential(P["rate"]),
        _q(
            log_prob=lambda d, P: d.log_prob(P["x"]),
            cdf=lambda d, P: d.cdf(P["x"]),
            icdf=lambda d, P: d.icdf(P["p"]),
        ),
    ),
    "laplace": (
        dict(loc=_randn(4), scale=_pos(3, 1), x=_randn(3, 4), p=_unit(3, 4)),
        lambda D, P: D.Laplace(P["loc"], P["scale"]),
        _q(
            log_prob=lambda d, P: d.log_prob(P["x"]),
            cdf=lambda d, P: d.cdf(P["x"]),
            icdf=lambda d, P: d.icdf(P["p"]),
        ),
    ),
    "bernoulli_probs": (
        dict(probs=_unit(3, 4), c_x=_bits(2, 3, 4)),
        lambda D, P: D.Bernoulli(probs=P["probs"]),
        _q(
            log_prob=lambda d, P: d.log_prob(P["c_x"]),
            logits=lambda d, P: d.logits,
            enumerate=lambda d, P: d.enumerate_support(),
        ),
    ),
    "bernoulli_logits": (
        dict(logits=3 * _randn(5), c_x=_bits(5)),
        lambda D, P: D.Bernoulli(logits=P["logits"]),
        _q(log_prob=lambda d, P: d.log_prob(P["c_x"]), probs=lambda d, P: d.probs),
    ),
    "categorical_probs": (
        dict(probs=_pos(2, 3, 5), c_k=RNG.integers(0, 5, (4, 2, 3))),
        lambda D, P: D.Categorical(probs=P["probs"]),
        _q(
            log_prob=lambda d, P: d.log_prob(P["c_k"]),
            logits=lambda d, P: d.logits,
            probs=lambda d, P: d.probs,
            enumerate=lambda d, P: d.enumerate_support(),
            enumerate_unexpanded=lambda d, P: d.enumerate_support(expand=False),
        ),
    ),
    "categorical_logits": (
        dict(logits=2 * _randn(3, 4), c_k=RNG.integers(0, 4, (3,))),
        lambda D, P: D.Categorical(logits=P["logits"]),
        _q(
            log_prob=lambda d, P: d.log_prob(P["c_k"]),
            log_prob_broadcast=lambda d, P: d.log_prob(P["c_k"][:1]),
            probs=lambda d, P: d.probs,
        ),
    ),
    "onehot_categorical": (
        dict(logits=_randn(2, 4), c_x=_onehot(4, 3, 2)),
        lambda D, P: D.OneHotCategorical(logits=P["logits"]),
        _q(
            log_prob=lambda d, P: d.log_prob(P["c_x"]),
            enumerate=lambda d, P: d.enumerate_support(),
        ),
    ),
    "onehot_categorical_probs": (
        dict(probs=_simplex(3), c_x=_onehot(3, 2)),
        lambda D, P: D.OneHotCategorical(probs=P["probs"]),
        _q(log_prob=lambda d, P: d.log_prob(P["c_x"])),
    ),
    "independent_normal": (
        dict(loc=_randn(2, 3, 4), scale=_pos(3, 4), x=_randn(2, 3, 4)),
        lambda D, P: D.Independent(D.Normal(P["loc"], P["scale"]), 2),
        _q(log_prob=lambda d, P: d.log_prob(P["x"])),
    ),
    "independent_bernoulli": (
        dict(logits=_randn(3, 4), c_x=_bits(3, 4)),
        lambda D, P: D.Independent(D.Bernoulli(logits=P["logits"]), 1),
        _q(
            log_prob=lambda d, P: d.log_prob(P["c_x"]), enumerate=lambda d, P: d.enumerate_support()
        ),
    ),
    "independent_zero_dims": (
        dict(logits=_randn(3, 4), c_k=RNG.integers(0, 4, (2, 3))),
        lambda D, P: D.Independent(D.Categorical(logits=P["logits"]), 0),
        _q(
            log_prob=lambda d, P: d.log_prob(P["c_k"]),
            enumerate=lambda d, P: d.enumerate_support(False),
        ),
    ),
    "mvn_cov": (
        dict(loc=_randn(2, 3), cov=_spd(3, 3), x=_randn(4, 2, 3)),
        lambda D, P: D.MultivariateNormal(P["loc"], covariance_matrix=P["cov"]),
        _q(
            log_prob=lambda d, P: d.log_prob(P["x"]),
            scale_tril=lambda d, P: d.scale_tril,
            precision=lambda d, P: d.precision_matrix,
        ),
    ),
    "mvn_batched_cov": (
        dict(loc=_randn(3), cov=_spd(2, 3, 3), x=_randn(2, 3)),
        lambda D, P: D.MultivariateNormal(P["loc"], covariance_matrix=P["cov"]),
        _q(log_prob=lambda d, P: d.log_prob(P["x"]), covariance=lambda d, P: d.covariance_matrix),
    ),
    "mvn_precision": (
        dict(loc=_randn(4), prec=_spd(4, 4), x=_randn(3, 4)),
        lambda D, P: D.MultivariateNormal(P["loc"], precision_matrix=P["prec"]),
        _q(
            log_prob=lambda d, P: d.log_prob(P["x"]),
            scale_tril=lambda d, P: d.scale_tril,
            covariance=lambda d, P: d.covariance_matrix,
        ),
    ),
    "mvn_scale_tril": (
        dict(loc=_randn(2, 3), tril=_tril(2, 3, 3), x=_randn(2, 3)),
        lambda D, P: D.MultivariateNormal(P["loc"], scale_tril=P["tril"]),
        _q(
            log_prob=lambda d, P: d.log_prob(P["x"]),
            covariance=lambda d, P: d.covariance_matrix,
            precision=lambda d, P: d.precision_matrix,
        ),
    ),
}


def _counts(high, *shape):
    return RNG.integers(0, high, shape).astype(np.float64)


TD_Q = {
    "log_prob": lambda d, P: d.log_prob(P["x"]),
    "cdf": lambda d, P: d.cdf(P["x"]),
    "icdf": lambda d, P: d.icdf(P["p"]),
}

CASES.update(
    {
        "gamma": (
            dict(conc=_pos(2, 3) + 0.5, rate=_pos(3), x=_pos(4, 2, 3)),
            lambda D, P: D.Gamma(P["conc"], P["rate"]),
            _q(log_prob=lambda d, P: d.log_prob(P["x"])),
        ),
        "gamma_cdf": (
            dict(c_conc=np.array([0.3, 0.9, 1.0, 2.5, 7.0, 15.0]), rate=_pos(6), x=3 * _pos(2, 6)),
            lambda D, P: D.Gamma(P["c_conc"], P["rate"]),
            {"cdf": lambda d, P: d.cdf(P["x"]), "cdf_at_zero": lambda d, P: d.cdf(0 * P["x"])},
        ),
        "gamma_small_concentration": (
            dict(conc=np.array([0.3, 0.9, 1.0, 2.5]), x=_pos(4)),
            lambda D, P: D.Gamma(P["conc"], 2.0),
            _q(log_prob=lambda d, P: d.log_prob(P["x"])),
        ),
        "beta": (
            dict(c1=_pos(3) + 0.5, c0=_pos(2, 3) + 0.2, x=_unit(2, 3)),
            lambda D, P: D.Beta(P["c1"], P["c0"]),
            _q(log_prob=lambda d, P: d.log_prob(P["x"])),
        ),
        "beta_numbers": (
            dict(x=_unit(4)),
            lambda D, P: D.Beta(2.5, 0.7),
            _q(log_prob=lambda d, P: d.log_prob(P["x"])),
        ),
        "dirichlet": (
            dict(conc=_pos(2, 4) + 0.3, x=_simplex(3, 2, 4)),
            lambda D, P: D.Dirichlet(P["conc"]),
            _q(log_prob=lambda d, P: d.log_prob(P["x"])),
        ),
        "dirichlet_mode_rows": (
            dict(conc=np.array([[0.5, 0.7, 0.2], [1.5, 0.5, 3.0]]), x=_simplex(2, 3)),
            lambda D, P: D.Dirichlet(P["conc"]),
            _q(log_prob=lambda d, P: d.log_prob(P["x"])),
        ),
        "poisson": (
            dict(rate=3 * _pos(2, 3), c_x=_counts(7, 4, 2, 3)),
            lambda D, P: D.Poisson(P["rate"]),
            _q(log_prob=lambda d, P: d.log_prob(P["c_x"])),
        ),
        "binomial_probs": (
            dict(c_n=np.full(3, 6.0), probs=_unit(2, 3), c_k=_counts(7, 2, 3)),
            lambda D, P: D.Binomial(P["c_n"], probs=P["probs"]),
            _q(
                log_prob=lambda d, P: d.log_prob(P["c_k"]),
                logits=lambda d, P: d.logits,
                enumerate=lambda d, P: d.enumerate_support(),
            ),
        ),
        "binomial_logits_counts": (
            dict(
                c_n=np.array([3.0, 10.0, 0.0]), logits=2 * _randn(3), c_k=np.array([2.0, 7.0, 0.0])
            ),
            lambda D, P: D.Binomial(P["c_n"], logits=P["logits"]),
            {
                "log_prob": lambda d, P: d.log_prob(P["c_k"]),
                "mean": STATS["mean"],
                "mode": STATS["mode"],
                "variance": STATS["variance"],
            },
        ),
        "binomial_number_count": (
            dict(logits=_randn(4), c_k=_counts(11, 4)),
            lambda D, P: D.Binomial(10, logits=P["logits"]),
            _q(log_prob=lambda d, P: d.log_prob(P["c_k"])),
        ),
        "geometric_probs": (
            dict(probs=_unit(2, 3), c_k=_counts(6, 2, 3)),
            lambda D, P: D.Geometric(probs=P["probs"]),
            _q(log_prob=lambda d, P: d.log_prob(P["c_k"]), logits=lambda d, P: d.logits),
        ),
        "geometric_logits": (
            dict(logits=_randn(4), c_k=_counts(6, 4)),
            lambda D, P: D.Geometric(logits=P["logits"]),
            _q(log_prob=lambda d, P: d.log_prob(P["c_k"]), probs=lambda d, P: d.probs),
        ),
        "lognormal": (
            dict(loc=_randn(3), scale=_pos(2, 3), x=_pos(2, 3), p=_unit(2, 3)),
            lambda D, P: D.LogNormal(P["loc"], P["scale"]),
            _q(**TD_Q),
        ),
        "gumbel": (
            dict(loc=_randn(3), scale=_pos(2, 3), x=_randn(2, 3), p=_unit(2, 3)),
            lambda D, P: D.Gumbel(P["loc"], P["scale"]),
            _q(**TD_Q),
        ),
        "gumbel_numbers": (
            dict(x=_randn(3), p=_unit(3)),
            lambda D, P: D.Gumbel(0.5, 2.0),
            _q(**TD_Q),
        ),
        "cauchy": (
            dict(loc=_randn(3), scale=_pos(2, 3), x=3 * _randn(2, 3), p=_unit(2, 3)),
            lambda D, P: D.Cauchy(P["loc"], P["scale"]),
            _q(**TD_Q),
        ),
        "student_t": (
            dict(
                df=np.array([0.8, 1.5, 3.0, 7.5]), loc=_randn(4), scale=_pos(4), x=3 * _randn(2, 4)
            ),
            lambda D, P: D.StudentT(P["df"], P["loc"], P["scale"]),
            _q(log_prob=lambda d, P: d.log_prob(P["x"])),
        ),
        "transformed_sigmoid": (
            dict(loc=_randn(3), scale=_pos(3), x=_unit(2, 3), p=_unit(3)),
            lambda D, P: D.TransformedDistribution(
                D.Normal(P["loc"], P["scale"]), [D.SigmoidTransform()]
            ),
            dict(TD_Q),
        ),
        "transformed_affine_exp": (
            dict(
                loc=_randn(3),
                scale=_pos(3),
                a=_randn(3),
                b=np.array([1.5, -0.5, -2.0]),
                x=_pos(2, 3),
                p=_unit(3),
            ),
            lambda D, P: D.TransformedDistribution(
                D.Normal(P["loc"], P["scale"]),
                [D.AffineTransform(P["a"], P["b"]), D.ExpTransform()],
            ),
            dict(TD_Q),
        ),
        "transformed_affine_number_scale": (
            dict(loc=_randn(3), x=_randn(2, 3), p=_unit(3)),
            lambda D, P: D.TransformedDistribution(
                D.Laplace(P["loc"], 1.0), D.AffineTransform(1.0, -3.0)
            ),
            dict(TD_Q),
        ),
        "transformed_affine_event_dim": (
            dict(loc=_randn(2, 3), b=_pos(3), x=_randn(4, 2, 3)),
            lambda D, P: D.TransformedDistribution(
                D.Normal(P["loc"], 1.0), D.AffineTransform(0.5, P["b"], event_dim=1)
            ),
            {"log_prob": lambda d, P: d.log_prob(P["x"])},
        ),
        "transformed_inverse": (
            dict(loc=_randn(3), scale=_pos(3), x=_randn(2, 3), p=_unit(3)),
            lambda D, P: D.TransformedDistribution(
                D.LogNormal(P["loc"], P["scale"]), D.ExpTransform().inv
            ),
            dict(TD_Q),
        ),
    }
)

EXPAND = {
    "normal_expand": ("normal", (2, 3, 4)),
    "laplace_expand": ("laplace", (2, 3, 4)),
    "exponential_expand": ("exponential", (5, 2, 3)),
    "uniform_expand": ("uniform", (4, 2, 3)),
    "bernoulli_expand": ("bernoulli_probs", (2, 3, 4)),
    "categorical_expand": ("categorical_logits", (2, 3)),
    "onehot_expand": ("onehot_categorical", (3, 2)),
    "independent_expand": ("independent_normal", (5, 2)),
    "mvn_expand": ("mvn_cov", (5, 2)),
    "gamma_expand": ("gamma", (3, 2, 3)),
    "beta_expand": ("beta", (4, 2, 3)),
    "dirichlet_expand": ("dirichlet", (3, 2)),
    "poisson_expand": ("poisson", (2, 2, 3)),
    "binomial_expand": ("binomial_probs", (4, 2, 3)),
    "geometric_expand": ("geometric_logits", (2, 4)),
    "lognormal_expand": ("lognormal", (3, 2, 3)),
    "gumbel_expand": ("gumbel", (3, 2, 3)),
    "cauchy_expand": ("cauchy", (3, 2, 3)),
    "student_t_expand": ("student_t", (2, 4)),
}

DTYPES = ["float64", "float32"]


def _leaves(M, params, dtype):
    out = {}
    for k, v in params.items():
        if v.dtype.kind == "i":
            out[k] = M.tensor(v)
        else:
            out[k] = M.tensor(v, dtype=getattr(M, dtype), requires_grad=not k.startswith("c_"))
    return out


def _close(a, b, dtype):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape, (a.shape, b.shape)
    if dtype == "float64":
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10, equal_nan=True)
    else:  # float32 rounding is relative to the operands' size: normwise, 1e-5 of the largest
        finite = np.abs(b[np.isfinite(b)])
        scale = finite.max() if finite.size else 0.0
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=max(1e-6, 1e-5 * scale), equal_nan=True)


def _dtype_name(t):
    return str(t.dtype).split(".")[-1]


def _compare(build, dtype):
    """Run ``build(M) -> (output, leaves)`` in both; both raise the same class of exception,
    or the outputs agree (to the output dtype's tolerance) and, if the output needs grad, so
    do the gradients of a weighted sum of it w.r.t. every leaf."""
    try:
        rt, lt = build(torch)
    except (ValueError, NotImplementedError) as e:
        with pytest.raises(type(e)):
            build(mg)
        return
    rm, lm = build(mg)
    assert _dtype_name(rm) == _dtype_name(rt)
    dtype = _dtype_name(rt) if _dtype_name(rt) in DTYPES else dtype
    _close(rm.detach().numpy(), rt.detach().numpy(), dtype)
    assert rm.requires_grad == rt.requires_grad
    if not rt.requires_grad:
        return
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


QUANTITIES = [(c, q) for c, (_, _, qs) in CASES.items() for q in qs]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case, quantity", QUANTITIES, ids=[f"{c}-{q}" for c, q in QUANTITIES])
def test_quantity_and_gradients_match_torch(case, quantity, dtype):
    params, ctor, qs = CASES[case]

    def build(M):
        P = _leaves(M, params, dtype)
        return qs[quantity](ctor(M.distributions, P), P), P

    _compare(build, dtype)


@pytest.mark.parametrize("case", CASES)
def test_shapes_repr_and_support_match_torch(case):
    params, ctor, _ = CASES[case]
    dt = ctor(torch.distributions, _leaves(torch, params, "float64"))
    dm = ctor(mg.distributions, _leaves(mg, params, "float64"))
    assert dm.batch_shape == tuple(dt.batch_shape)
    assert dm.event_shape == tuple(dt.event_shape)
    assert repr(dm) == repr(dt)
    if case.startswith("uniform"):  # its constraints hold the parameter tensors themselves
        assert type(dm.support).__name__ == type(dt.support).__name__
        assert dm.support.lower_bound is dm.low and dm.support.upper_bound is dm.high
        assert dm.arg_constraints["low"].upper_bound is dm.high
        assert dm.arg_constraints["high"].lower_bound is dm.low
        return
    if case.startswith("binomial"):  # so does its support
        assert type(dm.support).__name__ == type(dt.support).__name__
        assert dm.support.upper_bound is dm.total_count
        return
    assert repr(dm.support) == repr(dt.support)
    assert dm.has_rsample == dt.has_rsample
    assert dm.has_enumerate_support == dt.has_enumerate_support
    assert dm.arg_constraints.keys() == dt.arg_constraints.keys()
    for (km, cm), (kt, ct) in zip(dm.arg_constraints.items(), dt.arg_constraints.items()):
        assert km == kt
        assert repr(cm) == repr(ct)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("sample_shape", [(), (2,), (3, 1)])
def test_sample_shape_and_dtype_match_torch(case, sample_shape):
    params, ctor, _ = CASES[case]
    dt = ctor(torch.distributions, _leaves(torch, params, "float32"))
    dm = ctor(mg.distributions, _leaves(mg, params, "float32"))
    st, sm = dt.sample(sample_shape), dm.sample(sample_shape)
    assert sm.shape == tuple(st.shape)
    assert _dtype_name(sm) == _dtype_name(st)
    assert not sm.requires_grad
    assert dm.support.check(sm).numpy().all()
    if dt.has_rsample:
        rm, rt = dm.rsample(sample_shape), dt.rsample(sample_shape)
        assert rm.shape == tuple(rt.shape)
        assert rm.requires_grad == rt.requires_grad


@pytest.mark.parametrize("name", EXPAND)
def test_expand_matches_torch(name):
    case, shape = EXPAND[name]
    params, ctor, qs = CASES[case]
    for quantity in ("mean", "variance", "entropy", "log_prob"):  # log_prob: broadcasts or raises

        def build(M, quantity=quantity):
            P = _leaves(M, params, "float64")
            return qs[quantity](ctor(M.distributions, P).expand(shape), P), P

        _compare(build, "float64")
    dt = ctor(torch.distributions, _leaves(torch, params, "float64")).expand(shape)
    dm = ctor(mg.distributions, _leaves(mg, params, "float64")).expand(shape)
    assert (dm.batch_shape, dm.event_shape) == (tuple(dt.batch_shape), tuple(dt.event_shape))
    assert repr(dm) == repr(dt)


# rsample: minigrad draws its own noise; recover it from the sample, then let torch
# compute the same reparametrised sample from that noise and compare the gradients.
RSAMPLE = {
    "normal": (
        lambda d, x: (x - d.loc) / d.scale,
        lambda d, z: d.loc + z * d.scale,
    ),
    "laplace": (
        lambda d, x: (x - d.loc) / d.scale,
        lambda d, z: d.loc + z * d.scale,
    ),
    "exponential": (lambda d, x: x * d.rate, lambda d, z: z / d.rate),
    "uniform": (
        lambda d, x: (x - d.low) / (d.high - d.low),
        lambda d, z: d.low + z * (d.high - d.low),
    ),
    "independent_normal": (
        lambda d, x: (x - d.base_dist.loc) / d.base_dist.scale,
        lambda d, z: d.base_dist.loc + z * d.base_dist.scale,
    ),
    "mvn_cov": (
        lambda d, x: np.linalg.solve(d.scale_tril.numpy(), (x - d.loc).numpy()[..., None])[..., 0],
        lambda d, z: d.loc + (d.scale_tril @ z.unsqueeze(-1)).squeeze(-1),
    ),
    "gumbel": (
        lambda d, x: (x - d.loc) / d.scale,
        lambda d, z: d.loc + z * d.scale,
    ),
    "cauchy": (
        lambda d, x: (x - d.loc) / d.scale,
        lambda d, z: d.loc + z * d.scale,
    ),
    "lognormal": (
        lambda d, x: (x.log() - d.loc) / d.scale,
        lambda d, z: (d.loc + z * d.scale).exp(),
    ),
    "transformed_affine_exp": (
        lambda d, x: (
            ((x.log() - d.transforms[0].loc) / d.transforms[0].scale - d.base_dist.loc)
            / d.base_dist.scale
        ),
        lambda d, z: (
            d.transforms[0].loc + d.transforms[0].scale * (d.base_dist.loc + z * d.base_dist.scale)
        ).exp(),
    ),
    "gamma": (lambda d, x: x * d.rate, lambda d, z: z / d.rate),
    "student_t": (
        lambda d, x: (x - d.loc) / d.scale,
        lambda d, z: d.loc + z * d.scale,
    ),
    "mvn_precision": (
        lambda d, x: np.linalg.solve(d.scale_tril.numpy(), (x - d.loc).numpy()[..., None])[..., 0],
        lambda d, z: d.loc + (d.scale_tril @ z.unsqueeze(-1)).squeeze(-1),
    ),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("sample_shape", [(), (3,)])
@pytest.mark.parametrize("case", RSAMPLE)
def test_rsample_gradient_matches_torch_for_the_same_noise(case, sample_shape, dtype):
    params, ctor, _ = CASES[case]
    noise, reparam = RSAMPLE[case]
    mg.manual_seed(7)
    Pm = _leaves(mg, params, dtype)
    dm = ctor(mg.distributions, Pm)
    xm = dm.rsample(sample_shape)
    # the noise behind the sample, recovered in float64
    d64 = ctor(mg.distributions, _leaves(mg, params, "float64"))
    with mg.no_grad():
        z = noise(d64, xm.detach().double())
    z = np.asarray(z.numpy() if isinstance(z, mg.Tensor) else z, dtype=np.float64)
    w = 1.0 + np.arange(xm.numel()).reshape(xm.shape) % 4
    (xm * mg.tensor(w, dtype=xm.dtype)).sum().backward()
    Pt = _leaves(torch, params, dtype)
    dt = ctor(torch.distributions, Pt)
    xt = reparam(dt, torch.tensor(z, dtype=getattr(torch, dtype)))
    _close(xm.detach().numpy(), xt.detach().numpy(), dtype)
    (xt * torch.tensor(w, dtype=xt.dtype)).sum().backward()
    for k in Pt:
        if k in ("conc", "df"):  # the noise's own parameter: see the next test
            assert Pm[k].grad is not None
        elif Pt[k].grad is None:
            assert Pm[k].grad is None, k
        else:
            _close(Pm[k].grad.numpy(), Pt[k].grad.numpy(), dtype)


@pytest.mark.parametrize("alpha", [0.05, 0.3, 1.0, 2.5, 10.0, 80.0])
def test_gamma_rsample_concentration_gradient_is_torchs_approximation(alpha):
    """dx/dα for the same draw x is PyTorch's _standard_gamma_grad: a piecewise series /
    saddle-point / rational approximation of -∂P/∂α / p, evaluated the same way (float64)."""
    mg.manual_seed(3)
    a = mg.tensor(np.full(200, alpha), requires_grad=True)
    x = mg.distributions.Gamma(a, 1.0).rsample()
    x.sum().backward()
    ref = torch._standard_gamma_grad(
        torch.tensor(a.detach().numpy()), torch.tensor(x.detach().numpy())
    )
    np.testing.assert_allclose(a.grad.numpy(), ref.numpy(), rtol=1e-14)


KL_PAIRS = {
    "normal_normal": (
        dict(a=_randn(3), b=_pos(3), c=_randn(2, 1), d=_pos(2, 3)),
        lambda D, P: (D.Normal(P["a"], P["b"]), D.Normal(P["c"], P["d"])),
    ),
    "bernoulli_bernoulli": (
        dict(a=_unit(4), c=_randn(4)),
        lambda D, P: (D.Bernoulli(probs=P["a"]), D.Bernoulli(logits=P["c"])),
    ),
    "bernoulli_edges": (
        dict(c_a=np.array([0.0, 1.0, 0.3, 0.0]), c_b=np.array([0.5, 0.5, 0.0, 0.0])),
        lambda D, P: (D.Bernoulli(probs=P["c_a"]), D.Bernoulli(probs=P["c_b"])),
    ),
    "categorical_categorical": (
        dict(a=_pos(2, 5), c=_randn(3, 1, 5)),
        lambda D, P: (D.Categorical(probs=P["a"]), D.Categorical(logits=P["c"])),
    ),
    "categorical_zeros": (
        dict(c_a=np.array([[0.0, 0.5, 0.5], [0.2, 0.3, 0.5]]), c_b=np.array([0.5, 0.0, 0.5])),
        lambda D, P: (D.Categorical(probs=P["c_a"]), D.Categorical(probs=P["c_b"])),
    ),
    "onehot_onehot": (
        dict(a=_randn(2, 4), c=_randn(2, 4)),
        lambda D, P: (D.OneHotCategorical(logits=P["a"]), D.OneHotCategorical(logits=P["c"])),
    ),
    "uniform_uniform": (
        dict(
            a=np.array([0.0, -1.0, 0.2]),
            b=np.array([1.0, 0.5, 0.9]),
            c=np.array([-0.5, -0.5, -1.0]),
        ),
        lambda D, P: (D.Uniform(P["a"], P["b"]), D.Uniform(P["c"], P["b"] + 1)),
    ),
    "exponential_exponential": (
        dict(a=_pos(3), c=_pos(2, 3)),
        lambda D, P: (D.Exponential(P["a"]), D.Exponential(P["c"])),
    ),
    "laplace_laplace": (
        dict(a=_randn(3), b=_pos(3), c=_randn(3), d=_pos(3)),
        lambda D, P: (D.Laplace(P["a"], P["b"]), D.Laplace(P["c"], P["d"])),
    ),
    "mvn_mvn": (
        dict(a=_randn(2, 3), b=_spd(3, 3), c=_randn(3), d=_tril(2, 3, 3)),
        lambda D, P: (
            D.MultivariateNormal(P["a"], covariance_matrix=P["b"]),
            D.MultivariateNormal(P["c"], scale_tril=P["d"]),
        ),
    ),
    "mvn_precision_mvn": (
        dict(a=_randn(3), b=_spd(3, 3), c=_randn(3), d=_spd(3, 3)),
        lambda D, P: (
            D.MultivariateNormal(P["a"], precision_matrix=P["b"]),
            D.MultivariateNormal(P["c"], covariance_matrix=P["d"]),
        ),
    ),
    "independent_independent": (
        dict(a=_randn(2, 3), b=_pos(2, 3), c=_randn(2, 3), d=_pos(3)),
        lambda D, P: (
            D.Independent(D.Normal(P["a"], P["b"]), 1),
            D.Independent(D.Normal(P["c"], P["d"]), 1),
        ),
    ),
    "exponential_normal": (
        dict(a=_pos(3), c=_randn(3), d=_pos(3)),
        lambda D, P: (D.Exponential(P["a"]), D.Normal(P["c"], P["d"])),
    ),
    "laplace_normal": (
        dict(a=_randn(3), b=_pos(3), c=_randn(3), d=_pos(3)),
        lambda D, P: (D.Laplace(P["a"], P["b"]), D.Normal(P["c"], P["d"])),
    ),
    "normal_laplace": (
        dict(a=_randn(3), b=_pos(3), c=_randn(3), d=_pos(3)),
        lambda D, P: (D.Normal(P["a"], P["b"]), D.Laplace(P["c"], P["d"])),
    ),
    "uniform_normal": (
        dict(a=_randn(3), b=_pos(3), c=_randn(3), d=_pos(3)),
        lambda D, P: (D.Uniform(P["a"], P["a"] + P["b"]), D.Normal(P["c"], P["d"])),
    ),
    "uniform_exponential": (
        dict(a=np.array([0.5, -0.5, 1.0]), b=_pos(3), d=_pos(3)),
        lambda D, P: (D.Uniform(P["a"], P["a"] + P["b"]), D.Exponential(P["d"])),
    ),
    "normal_uniform": (
        dict(a=_randn(3), b=_pos(3)),
        lambda D, P: (D.Normal(P["a"], P["b"]), D.Uniform(P["a"], P["a"] + P["b"])),
    ),
    "normal_exponential": (
        dict(a=_randn(3), b=_pos(3)),
        lambda D, P: (D.Normal(P["a"], P["b"]), D.Exponential(P["b"])),
    ),
    "laplace_uniform": (
        dict(a=_randn(3), b=_pos(3)),
        lambda D, P: (D.Laplace(P["a"], P["b"]), D.Uniform(P["a"], P["a"] + P["b"])),
    ),
    "laplace_exponential": (
        dict(a=_randn(3), b=_pos(3)),
        lambda D, P: (D.Laplace(P["a"], P["b"]), D.Exponential(P["b"])),
    ),
    "beta_beta": (
        dict(a=_pos(3) + 0.3, b=_pos(3) + 0.3, c=_pos(2, 3) + 0.3, d=_pos(3) + 0.3),
        lambda D, P: (D.Beta(P["a"], P["b"]), D.Beta(P["c"], P["d"])),
    ),
    "gamma_gamma": (
        dict(a=_pos(3) + 0.3, b=_pos(3), c=_pos(3) + 0.3, d=_pos(3)),
        lambda D, P: (D.Gamma(P["a"], P["b"]), D.Gamma(P["c"], P["d"])),
    ),
    "dirichlet_dirichlet": (
        dict(a=_pos(2, 4) + 0.3, c=_pos(4) + 0.3),
        lambda D, P: (D.Dirichlet(P["a"]), D.Dirichlet(P["c"])),
    ),
    "poisson_poisson": (
        dict(a=_pos(3), c=_pos(3)),
        lambda D, P: (D.Poisson(P["a"]), D.Poisson(P["c"])),
    ),
    "geometric_geometric": (
        dict(a=_unit(3), c=_randn(3)),
        lambda D, P: (D.Geometric(probs=P["a"]), D.Geometric(logits=P["c"])),
    ),
    "binomial_binomial": (
        dict(c_n=np.array([5.0, 4.0, 7.0]), c_m=np.array([5.0, 4.0, 3.0]), a=_unit(3), c=_randn(3)),
        lambda D, P: (D.Binomial(P["c_n"], probs=P["a"]), D.Binomial(P["c_m"], logits=P["c"])),
    ),
    "gumbel_gumbel": (
        dict(a=_randn(3), b=_pos(3), c=_randn(3), d=_pos(3)),
        lambda D, P: (D.Gumbel(P["a"], P["b"]), D.Gumbel(P["c"], P["d"])),
    ),
    "cauchy_cauchy": (
        dict(a=_randn(3), b=_pos(3), c=_randn(3), d=_pos(3)),
        lambda D, P: (D.Cauchy(P["a"], P["b"]), D.Cauchy(P["c"], P["d"])),
    ),
    "lognormal_lognormal": (
        dict(a=_randn(3), b=_pos(3), c=_randn(3), d=_pos(3)),
        lambda D, P: (D.LogNormal(P["a"], P["b"]), D.LogNormal(P["c"], P["d"])),
    ),
    "exponential_uniform": (
        dict(a=_pos(3)),
        lambda D, P: (D.Exponential(P["a"]), D.Uniform(P["a"], P["a"] + 1)),
    ),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("pair", KL_PAIRS)
def test_kl_divergence_matches_torch(pair, dtype):
    params, ctor = KL_PAIRS[pair]

    def build(M):
        P = _leaves(M, params, dtype)
        return M.distributions.kl_divergence(*ctor(M.distributions, P)), P

    _compare(build, dtype)


ERRORS = [
    "D.Normal(M.tensor([0., 1.]), M.tensor([1., -1.]))",
    "D.Normal(0., 0.)",
    "D.Normal(M.tensor([0., float('nan')]), 1.)",
    "D.Laplace(0., -2.)",
    "D.Exponential(M.tensor([1., 0.]))",
    "D.Uniform(1., 1.)",
    "D.Uniform(M.tensor([0., 2.]), M.tensor([1., 1.]))",
    "D.Bernoulli(probs=1.5)",
    "D.Bernoulli(probs=0.5, logits=0.)",
    "D.Bernoulli()",
    "D.Bernoulli(logits=M.tensor([float('nan')]))",
    "D.Categorical(probs=M.tensor([0.5, -0.5, 1.]))",
    "D.Categorical(probs=M.tensor(1.))",
    "D.Categorical(logits=M.tensor(1.))",
    "D.Categorical(probs=M.tensor([0.5, 0.5]), logits=M.tensor([0., 0.]))",
    "D.OneHotCategorical(probs=M.tensor([0.5, -0.5, 1.]))",
    "D.Independent(D.Normal(M.zeros(3), 1.), 2)",
    "D.MultivariateNormal(M.zeros(2), covariance_matrix=-M.eye(2))",
    "D.MultivariateNormal(M.zeros(2), covariance_matrix=M.tensor([[1., 2.], [0., 1.]]))",
    "D.MultivariateNormal(M.zeros(2), precision_matrix=M.tensor([[1., 2.], [2., 1.]]))",
    "D.MultivariateNormal(M.zeros(2), scale_tril=M.tensor([[1., 1.], [0., 1.]]))",
    "D.MultivariateNormal(M.zeros(2), scale_tril=M.tensor([[1., 0.], [0., -1.]]))",
    "D.MultivariateNormal(M.zeros(2))",
    "D.MultivariateNormal(M.zeros(2), M.eye(2), scale_tril=M.eye(2))",
    "D.MultivariateNormal(M.tensor(0.), M.eye(2))",
    "D.MultivariateNormal(M.zeros(2), M.ones(2))",
    "D.Normal(0., 1.).log_prob(M.tensor([[float('nan')]]))",
    "D.Normal(M.zeros(3), 1.).log_prob(M.zeros(2))",
    "D.Normal(0., 1.).log_prob([0.5])",
    "D.Exponential(1.).log_prob(M.tensor([-1., 1.]))",
    "D.Exponential(1.).cdf(M.tensor([-1.]))",
    "D.Uniform(0., 1.).log_prob(M.tensor([1.5]))",
    "D.Uniform(0., 1.).cdf(M.tensor([-0.5]))",
    "D.Bernoulli(0.3).log_prob(M.tensor([0.5]))",
    "D.Categorical(M.ones(3) / 3).log_prob(M.tensor([3]))",
    "D.Categorical(M.ones(3) / 3).log_prob(M.tensor([-1]))",
    "D.Categorical(M.ones(2, 3) / 3).log_prob(M.tensor([0, 1, 2]))",
    "D.OneHotCategorical(M.ones(3) / 3).log_prob(M.tensor([1., 1., 0.]))",
    "D.OneHotCategorical(M.ones(3) / 3).log_prob(M.tensor([1., 0.]))",
    "D.Independent(D.Normal(M.zeros(2, 3), 1.), 1).log_prob(M.zeros(2, 4))",
    "D.MultivariateNormal(M.zeros(2), M.eye(2)).log_prob(M.zeros(3))",
    "D.kl_divergence(D.Bernoulli(0.3), D.Normal(0., 1.))",
    "D.kl_divergence(D.Independent(D.Normal(M.zeros(2, 3), 1.), 1), D.Independent(D.Normal(M.zeros(2, 3), 1.), 2))",
    "D.kl_divergence(D.MultivariateNormal(M.zeros(2), M.eye(2)), D.MultivariateNormal(M.zeros(3), M.eye(3)))",
    "D.Normal(0., 1.).expand((2,)).log_prob(M.zeros(3))",
    "D.Distribution.set_default_validate_args(2)",
    "D.Gamma(0., 1.)",
    "D.Gamma(M.tensor([1., 2.]), M.tensor([1., -2.]))",
    "D.Beta(-1., 1.)",
    "D.Beta(M.tensor([1., 2.]), M.tensor([0., 1.]))",
    "D.Dirichlet(M.tensor([1., -1.]))",
    "D.Dirichlet(M.tensor(1.))",
    "D.Poisson(-1.)",
    "D.Binomial(M.tensor([2.5]), M.tensor([0.5]))",
    "D.Binomial(2, probs=M.tensor([1.5]))",
    "D.Binomial(2)",
    "D.Binomial(M.tensor([2., 3.]), M.tensor([0.5, 0.5])).entropy()",
    "D.Binomial(M.tensor([2., 3.]), M.tensor([0.5, 0.5])).enumerate_support()",
    "D.Geometric(M.tensor([0., 0.5]))",
    "D.Geometric(M.tensor([1.5]))",
    "D.Geometric()",
    "D.StudentT(-1.)",
    "D.StudentT(1., 0., 0.)",
    "D.Cauchy(0., -1.)",
    "D.Gumbel(0., -1.)",
    "D.LogNormal(0., -1.)",
    "D.Gamma(1., 1.).log_prob(M.tensor([-1.]))",
    "D.Beta(2., 2.).log_prob(M.tensor([1.5]))",
    "D.Dirichlet(M.ones(3)).log_prob(M.tensor([0.5, 0.5, 0.5]))",
    "D.Dirichlet(M.ones(3)).log_prob(M.tensor([0.5, 0.5]))",
    "D.Poisson(1.).log_prob(M.tensor([0.5]))",
    "D.Poisson(1.).log_prob(M.tensor([-1.]))",
    "D.Binomial(3, M.tensor(0.5)).log_prob(M.tensor(4.))",
    "D.Geometric(0.5).log_prob(M.tensor([1.5]))",
    "D.LogNormal(0., 1.).log_prob(M.tensor([-1.]))",
    "D.TransformedDistribution(D.Normal(0., 1.), 3)",
    "D.TransformedDistribution(D.Normal(0., 1.), [D.ExpTransform(), 3])",
    "D.TransformedDistribution(D.Normal(0., 1.), D.AffineTransform(0., 1., event_dim=1))",
    "D.TransformedDistribution(D.Normal(0., 1.), D.ExpTransform()).log_prob(M.tensor([-1.]))",
    "D.TransformedDistribution(D.Normal(0., 1.), D.ExpTransform()).mean",
    "D.kl_divergence(D.Binomial(M.tensor([2.]), M.tensor([0.5])), D.Binomial(M.tensor([3.]), M.tensor([0.5])))",
    "D.kl_divergence(D.LogNormal(0., 1.), D.Gumbel(0., 1.))",
    "D.kl_divergence(D.Gamma(1., 1.), D.Normal(0., 1.)) if False else D.kl_divergence(D.Poisson(1.), D.Gamma(1., 1.))",
    "D.ExpTransform(cache_size=2)",
    "a = M.tensor([2.], requires_grad=True); D.Gamma(a, 1.).cdf(M.tensor([1.])).sum().backward()",
    "D.Gamma(1., 1.).cdf(M.tensor([-1.]))",
]


@pytest.mark.parametrize("code", ERRORS)
def test_errors_match_torch(code):
    caught = []
    for M in (torch, mg):
        try:
            exec(code, {"M": M, "D": M.distributions})
        except Exception as e:  # noqa: BLE001 - the class is what is compared
            caught.append(e)
        else:
            caught.append(None)
    et, em = caught
    assert et is not None, code
    assert isinstance(em, type(et)), (code, type(em), type(et), em)


@pytest.mark.parametrize(
    "code",
    [
        "D.Normal(0., -1., validate_args=False).scale",
        "D.Bernoulli(probs=1.5, validate_args=False).probs",
        "D.Normal(0., 1., validate_args=False).log_prob(M.tensor([[float('nan')]]))",
        "D.Exponential(1., validate_args=False).log_prob(M.tensor([-1., 1.]))",
        "D.Uniform(2., 1., validate_args=False).entropy()",
    ],
)
def test_validate_args_false_skips_the_checks(code):
    rt = eval(code, {"M": torch, "D": torch.distributions})
    rm = eval(code, {"M": mg, "D": mg.distributions})
    _close(rm.detach().numpy(), rt.detach().numpy(), "float32")


def test_set_default_validate_args_turns_checks_off_and_on():
    D = mg.distributions
    try:
        D.Distribution.set_default_validate_args(False)
        assert D.Normal(0.0, -1.0).scale.item() == -1.0
    finally:
        D.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        D.Normal(0.0, -1.0)


CONSTRAINTS = [
    "C.real", "C.positive", "C.nonnegative", "C.boolean", "C.unit_interval", "C.simplex",
    "C.real_vector", "C.nonnegative_integer", "C.positive_integer", "C.one_hot",
    "C.lower_cholesky", "C.positive_definite", "C.interval(-1., 2.)", "C.half_open_interval(0., 1.)",
    "C.greater_than(2.)", "C.greater_than_eq(2.)", "C.less_than(0.5)", "C.integer_interval(0, 3)", "C.independent(C.positive, 2)",
]  # fmt: skip
CHECK_VALUES = [
    [[0.0, 1.0, 2.0], [-1.0, 0.5, 3.0]],
    [[0.5, 0.5, 0.0], [1.0, 0.0, 0.0]],
    [[float("nan"), 1.0, -2.0], [2.0, 2.0, 0.0]],
]


@pytest.mark.parametrize("expr", CONSTRAINTS)
def test_constraints_match_torch(expr):
    ct = eval(expr, {"C": torch.distributions.constraints})
    cm = eval(expr, {"C": mg.distributions.constraints})
    assert repr(cm) == repr(ct)
    assert (cm.event_dim, cm.is_discrete) == (ct.event_dim, ct.is_discrete)
    for v in CHECK_VALUES:
        if expr in ("C.lower_cholesky", "C.positive_definite"):
            v = [v[0][:2], v[1][:2]]
        np.testing.assert_array_equal(
            cm.check(mg.tensor(v)).numpy(), ct.check(torch.tensor(v)).numpy()
        )


TRANSFORMS = [
    "T.ExpTransform()",
    "T.ExpTransform().inv",
    "T.SigmoidTransform()",
    "T.SigmoidTransform().inv",
    "T.AffineTransform(0.5, -2.0)",
    "T.AffineTransform(M.tensor([0.5, 1.0, -1.0], dtype=M.float64), M.tensor([2.0, -1.0, 0.5], dtype=M.float64))",
    "T.AffineTransform(0.5, M.tensor([2.0, -1.0, 0.5], dtype=M.float64)).inv",
]


@pytest.mark.parametrize("expr", TRANSFORMS)
def test_transforms_match_torch(expr):
    x = RNG.standard_normal((2, 3)) if "SigmoidTransform().inv" not in expr else _unit(2, 3)
    if expr == "T.ExpTransform().inv":
        x = _pos(2, 3)
    ct = eval(expr, {"T": torch.distributions.transforms, "M": torch})
    cm = eval(expr, {"T": mg.distributions.transforms, "M": mg})
    assert repr(cm) == repr(ct)
    assert (cm.domain.event_dim, cm.codomain.event_dim, cm.bijective) == (
        ct.domain.event_dim, ct.codomain.event_dim, ct.bijective
    )  # fmt: skip
    xt = torch.tensor(x, requires_grad=True)
    xm = mg.tensor(x, requires_grad=True)
    yt, ym = ct(xt), cm(xm)
    _close(ym.detach().numpy(), yt.detach().numpy(), "float64")
    _close(cm.inv(ym).detach().numpy(), ct.inv(yt).detach().numpy(), "float64")
    jt, jm = ct.log_abs_det_jacobian(xt, yt), cm.log_abs_det_jacobian(xm, ym)
    _close(jm.detach().numpy(), jt.detach().numpy(), "float64")
    (jt.sum() + (yt * yt).sum()).backward()
    (jm.sum() + (ym * ym).sum()).backward()
    _close(xm.grad.numpy(), xt.grad.numpy(), "float64")
    st, sm = ct.sign, cm.sign
    _close(
        np.asarray(getattr(sm, "data", sm)),
        np.asarray(st.numpy() if hasattr(st, "numpy") else st),
        "float64",
    )
    assert (cm == cm.with_cache(1)) == (ct == ct.with_cache(1))


PUBLIC = [n for n in mg.distributions.__all__ if n not in ("constraints", "transforms")]


@pytest.mark.parametrize("name", PUBLIC)
def test_public_names_and_signatures_match_torch(name):
    import inspect

    ours, theirs = getattr(mg.distributions, name), getattr(torch.distributions, name)
    assert isinstance(ours, type) == isinstance(theirs, type)
    pairs = [(ours, theirs)] if not isinstance(ours, type) else [(ours.__init__, theirs.__init__)]
    if isinstance(ours, type):
        for method in (
            "log_prob",
            "cdf",
            "icdf",
            "sample",
            "rsample",
            "expand",
            "enumerate_support",
        ):
            if hasattr(theirs, method) and hasattr(ours, method):
                pairs.append((getattr(ours, method), getattr(theirs, method)))
    for f, g in pairs:
        pf, pg = inspect.signature(f).parameters, inspect.signature(g).parameters
        assert list(pf) == list(pg), (name, f, list(pf), list(pg))
        for k in pf:
            dg = pg[k].default
            dg = tuple(dg) if isinstance(dg, torch.Size) else dg
            assert pf[k].default == dg or pf[k].default is dg, (name, k)
