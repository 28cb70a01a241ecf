# ruff: noqa: E501 - the programs are data, one per line
"""The univariate families, ExponentialFamily, transforms, constraint registries and KL
pairs added to minigrad.distributions, against torch.distributions: values and gradients
(float64 to 1e-10, float32 rtol 1e-5 normwise), shapes, reprs, supports, expand, sample
shapes and dtypes, rsample gradients for the same noise, and exception types."""

import contextlib
import inspect

import numpy as np
import pytest
from test_torch_oracle_distributions import STATS, _close, _compare, _dtype_name, _leaves
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

RNG = np.random.default_rng(2613)


def _randn(*shape):
    return RNG.standard_normal(shape)


def _pos(*shape):
    return np.exp(0.5 * RNG.standard_normal(shape))


def _unit(*shape):
    return RNG.uniform(0.05, 0.95, shape)


def _simplex(*shape):
    p = RNG.uniform(0.1, 1.0, shape)
    return p / p.sum(-1, keepdims=True)


def _q(*names, **extra):
    out = {k: STATS[k] for k in names}
    out.update(extra)
    return out


ALL = ("mean", "mode", "variance", "stddev", "entropy")


def _lp(d, P):
    return d.log_prob(P["x"])


def _cdf(d, P):
    return d.cdf(P["x"])


def _icdf(d, P):
    return d.icdf(P["p"])


CASES = {
    "half_normal": (
        dict(scale=_pos(2, 3), x=_pos(4, 2, 3), p=_unit(2, 3)),
        lambda D, P: D.HalfNormal(P["scale"]),
        _q(*ALL, log_prob=_lp, cdf=_cdf, icdf=_icdf),
    ),
    "half_normal_scalar": (
        dict(x=_pos(3)),
        lambda D, P: D.HalfNormal(1.5),
        _q(*ALL),
    ),
    "half_cauchy": (
        dict(scale=_pos(3), x=_pos(2, 3), p=_unit(3)),
        lambda D, P: D.HalfCauchy(P["scale"]),
        _q(*ALL, log_prob=_lp, cdf=_cdf, icdf=_icdf),
    ),
    "chi2": (
        dict(df=2 * _pos(2, 3), x=_pos(2, 3)),
        lambda D, P: D.Chi2(P["df"]),
        _q(*ALL, log_prob=_lp, df=lambda d, P: d.df),
    ),
    "weibull": (
        dict(scale=_pos(3), conc=_pos(2, 3) + 0.5, x=_pos(2, 3), p=_unit(2, 3)),
        lambda D, P: D.Weibull(P["scale"], P["conc"]),
        _q(*ALL, log_prob=_lp, cdf=_cdf, icdf=_icdf),
    ),
    "pareto": (
        dict(scale=_pos(3), alpha=np.array([0.5, 1.5, 3.0]), c_x=_pos(2, 3), p=_unit(3)),
        lambda D, P: D.Pareto(P["scale"], P["alpha"]),
        _q(
            *ALL,
            log_prob=lambda d, P: d.log_prob(d.scale.detach() * (1 + P["c_x"])),
            cdf=lambda d, P: d.cdf(d.scale.detach() * (1 + P["c_x"])),
            icdf=_icdf,
        ),
    ),
    "inverse_gamma": (
        dict(conc=np.array([0.7, 1.5, 2.5, 4.0]), rate=_pos(4), x=_pos(3, 4)),
        lambda D, P: D.InverseGamma(P["conc"], P["rate"]),
        _q(*ALL, log_prob=_lp),
    ),
    "kumaraswamy": (
        dict(a=_pos(2, 3) + 0.2, b=_pos(3) + 0.2, x=_unit(2, 3), p=_unit(2, 3)),
        lambda D, P: D.Kumaraswamy(P["a"], P["b"]),
        _q("mean", "variance", "stddev", "entropy", log_prob=_lp, cdf=_cdf, icdf=_icdf),
    ),
    "fisher_snedecor": (
        dict(df1=np.array([1.0, 3.0, 5.0, 9.0]), df2=np.array([1.5, 3.0, 4.5, 12.0]), x=_pos(2, 4)),
        lambda D, P: D.FisherSnedecor(P["df1"], P["df2"]),
        _q("mean", "mode", "variance", "stddev", log_prob=_lp),
    ),
    "generalized_pareto": (
        dict(
            loc=_randn(4),
            scale=_pos(4),
            c_conc=np.array([0.3, 0.0, -0.2, 0.7]),
            c_x=_unit(2, 4),
            p=_unit(4),
        ),
        lambda D, P: D.GeneralizedPareto(P["loc"], P["scale"], P["c_conc"]),
        _q(
            *ALL,
            log_prob=lambda d, P: d.log_prob(d.loc.detach() + P["c_x"]),
            cdf=lambda d, P: d.cdf(d.loc.detach() + P["c_x"]),
            icdf=_icdf,
        ),
    ),
    "generalized_pareto_conc_grad": (
        dict(loc=_randn(3), scale=_pos(3), conc=np.array([0.3, 0.6, 1.2]), c_x=_unit(3)),
        lambda D, P: D.GeneralizedPareto(P["loc"], P["scale"], P["conc"]),
        _q(*ALL, icdf=lambda d, P: d.icdf(P["c_x"])),
    ),
    "continuous_bernoulli_probs": (
        dict(probs=np.array([0.05, 0.3, 0.4995, 0.5, 0.5008, 0.9]), x=_unit(2, 6), p=_unit(6)),
        lambda D, P: D.ContinuousBernoulli(probs=P["probs"]),
        _q(
            *("mean", "variance", "stddev", "entropy"),
            log_prob=_lp,
            cdf=_cdf,
            icdf=_icdf,
            logits=lambda d, P: d.logits,
        ),
    ),
    "continuous_bernoulli_logits": (
        dict(logits=np.array([-3.0, -0.5, 0.001, 0.0, 2.0]), x=_unit(5), p=_unit(5)),
        lambda D, P: D.ContinuousBernoulli(logits=P["logits"]),
        _q(
            *("mean", "variance", "stddev", "entropy"),
            log_prob=_lp,
            cdf=_cdf,
            icdf=_icdf,
            probs=lambda d, P: d.probs,
        ),
    ),
    "logistic_normal": (
        dict(loc=_randn(2, 3), scale=_pos(3), x=_simplex(4, 2, 4)),
        lambda D, P: D.LogisticNormal(P["loc"], P["scale"]),
        dict(log_prob=_lp),
    ),
    "von_mises": (
        dict(loc=_randn(5), conc=np.array([0.01, 0.8, 3.7, 3.8, 25.0]), x=_randn(2, 5)),
        lambda D, P: D.VonMises(P["loc"], P["conc"]),
        _q("mean", "mode", "variance", log_prob=_lp),
    ),
    "relaxed_bernoulli": (
        dict(c_t=np.array(0.6), probs=_unit(3), x=_unit(2, 3)),
        lambda D, P: D.RelaxedBernoulli(P["c_t"], probs=P["probs"]),
        dict(log_prob=_lp, logits=lambda d, P: d.logits),
    ),
    "relaxed_bernoulli_logits": (
        dict(t=np.array(0.4), logits=_randn(3), x=_unit(3)),
        lambda D, P: D.RelaxedBernoulli(P["t"], logits=P["logits"]),
        dict(log_prob=_lp, probs=lambda d, P: d.probs),
    ),
    "relaxed_one_hot": (
        dict(t=np.array(0.7), probs=_simplex(2, 4), x=_simplex(3, 2, 4)),
        lambda D, P: D.RelaxedOneHotCategorical(P["t"], probs=P["probs"]),
        dict(log_prob=_lp, logits=lambda d, P: d.logits),
    ),
    "relaxed_one_hot_logits": (
        dict(t=np.array(1.3), logits=_randn(3), x=_simplex(2, 3)),
        lambda D, P: D.RelaxedOneHotCategorical(P["t"], logits=P["logits"]),
        dict(log_prob=_lp),
    ),
    "onehot_straight_through": (
        dict(logits=_randn(2, 4), c_x=np.eye(4)[[1, 3]]),
        lambda D, P: D.OneHotCategoricalStraightThrough(logits=P["logits"]),
        _q(*ALL, log_prob=lambda d, P: d.log_prob(P["c_x"])),
    ),
}

SUBMODULE = {
    "logit_relaxed_bernoulli": (
        dict(t=np.array(0.6), probs=_unit(3), x=_randn(2, 3)),
        lambda D, P: D.relaxed_bernoulli.LogitRelaxedBernoulli(P["t"], probs=P["probs"]),
        dict(log_prob=_lp),
    ),
    "exp_relaxed_categorical": (
        dict(t=np.array(0.7), logits=_randn(2, 4), x=np.log(_simplex(3, 2, 4))),
        lambda D, P: D.relaxed_categorical.ExpRelaxedCategorical(P["t"], logits=P["logits"]),
        dict(log_prob=_lp),
    ),
}
CASES.update(SUBMODULE)

DTYPES = ["float64", "float32"]
QUANTITIES = [(c, q) for c, (_, _, qs) in CASES.items() for q in qs]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case, quantity", QUANTITIES, ids=[f"{c}-{q}" for c, q in QUANTITIES])
def test_quantity_and_gradients_match_torch(case, quantity, dtype):
    params, ctor, qs = CASES[case]

    def build(M):
        P = _leaves(M, params, dtype)
        with _torch_gpd_float64(M, case, dtype):
            return qs[quantity](ctor(M.distributions, P), P), P

    _compare(build, dtype)


@contextlib.contextmanager
def _torch_gpd_float64(M, case, dtype):
    """PyTorch 2.13's GeneralizedPareto.log_prob and log_survival_function compare a float64
    concentration with torch.tensor(0.0) (float32) in isclose, a RuntimeError; with float64 the
    default dtype that constant is float64 and torch computes the values minigrad's are held to."""
    if M is not torch or dtype != "float64" or not case.startswith("generalized_pareto"):
        yield
        return
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        yield
    finally:
        torch.set_default_dtype(old)


def test_kumaraswamy_mode_is_the_true_mode_not_torchs_nan():
    """PyTorch 2.13's Kumaraswamy.mode takes log(1 - b) for log(a - 1) and is NaN for
    every a, b ≥ 1; minigrad's is ((a - 1)/(ab - 1))^(1/a), NaN only where a < 1 or b < 1."""
    a, b = np.array([2.0, 3.0, 0.5, 2.0, 1.0]), np.array([3.0, 1.5, 2.0, 0.5, 2.0])
    dt = torch.distributions.Kumaraswamy(torch.tensor(a), torch.tensor(b))
    assert torch.isnan(dt.mode).all()
    dm = mg.distributions.Kumaraswamy(mg.tensor(a), mg.tensor(b))
    with np.errstate(divide="ignore"):
        expected = np.where((a < 1) | (b < 1), np.nan, ((a - 1) / (a * b - 1)) ** (1 / a))
    np.testing.assert_allclose(dm.mode.numpy(), expected, rtol=1e-12, equal_nan=True)
    # the density is largest there
    x = mg.tensor(np.linspace(0.001, 0.999, 999)[:, None].repeat(2, 1))
    lp = mg.distributions.Kumaraswamy(mg.tensor(a[:2]), mg.tensor(b[:2])).log_prob(x).numpy()
    np.testing.assert_allclose(x.numpy()[lp.argmax(0), [0, 1]], expected[:2], atol=1e-3)


@pytest.mark.parametrize("case", CASES)
def test_shapes_repr_and_support_match_torch(case):
    params, ctor, _ = CASES[case]
    dt = ctor(torch.distributions, _leaves(torch, params, "float64"))
    dm = ctor(mg.distributions, _leaves(mg, params, "float64"))
    assert dm.batch_shape == tuple(dt.batch_shape)
    assert dm.event_shape == tuple(dt.event_shape)
    assert repr(dm) == repr(dt)
    if case.startswith(("pareto", "generalized_pareto")):  # bounds are the parameter tensors
        assert type(dm.support).__name__ == type(dt.support).__name__
        _close(
            np.asarray(dm.support.lower_bound.detach().numpy()),
            dt.support.lower_bound.detach().numpy(),
            "float64",
        )
    else:
        assert repr(dm.support) == repr(dt.support)
    assert dm.has_rsample == dt.has_rsample
    assert dm.has_enumerate_support == dt.has_enumerate_support
    assert list(dm.arg_constraints) == list(dt.arg_constraints)
    for cm, ct in zip(dm.arg_constraints.values(), dt.arg_constraints.values()):
        assert repr(cm) == repr(ct)
    assert [c.__name__ for c in type(dm).__mro__] == [c.__name__ for c in type(dt).__mro__]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("sample_shape", [(), (2,), (3, 1)])
def test_sample_shape_dtype_and_support_match_torch(case, sample_shape):
    params, ctor, _ = CASES[case]
    dt = ctor(torch.distributions, _leaves(torch, params, "float32"))
    dm = ctor(mg.distributions, _leaves(mg, params, "float32"))
    st, sm = dt.sample(sample_shape), dm.sample(sample_shape)
    assert sm.shape == tuple(st.shape)
    assert _dtype_name(sm) == _dtype_name(st)
    assert not sm.requires_grad
    if not case.startswith(("logit_relaxed", "exp_relaxed")):
        assert dm.support.check(sm).numpy().all()
    if dt.has_rsample:
        rm, rt = dm.rsample(sample_shape), dt.rsample(sample_shape)
        assert rm.shape == tuple(rt.shape)
        assert _dtype_name(rm) == _dtype_name(rt)
        assert rm.requires_grad == rt.requires_grad


EXPAND = {
    "half_normal": (3, 2, 3),
    "half_cauchy": (2, 3),
    "chi2": (4, 2, 3),
    "weibull": (3, 2, 3),
    "pareto": (2, 3),
    "inverse_gamma": (2, 4),
    "kumaraswamy": (3, 2, 3),
    "fisher_snedecor": (3, 4),
    "generalized_pareto": (2, 4),
    "continuous_bernoulli_probs": (2, 6),
    "logistic_normal": (3, 2),
    "von_mises": (2, 5),
    "relaxed_bernoulli": (4, 3),
    "relaxed_one_hot": (3, 2),
    "onehot_straight_through": (5, 2),
    "logit_relaxed_bernoulli": (2, 3),
    "exp_relaxed_categorical": (3, 2),
}


@pytest.mark.parametrize("case", EXPAND)
def test_expand_matches_torch(case):
    shape = EXPAND[case]
    params, ctor, qs = CASES[case]
    for quantity in qs:

        def build(M, quantity=quantity):
            P = _leaves(M, params, "float64")
            with _torch_gpd_float64(M, case, "float64"):
                return qs[quantity](ctor(M.distributions, P).expand(shape), P), P

        _compare(build, "float64")
    dt = ctor(torch.distributions, _leaves(torch, params, "float64")).expand(shape)
    dm = ctor(mg.distributions, _leaves(mg, params, "float64")).expand(shape)
    assert type(dm).__name__ == type(dt).__name__
    assert (dm.batch_shape, dm.event_shape) == (tuple(dt.batch_shape), tuple(dt.event_shape))
    assert repr(dm) == repr(dt)
    assert dm.sample((2,)).shape == tuple(dt.sample((2,)).shape)


# rsample: recover minigrad's noise from its sample, let torch build the same sample from it.
RSAMPLE = {
    "half_normal": (lambda d, x: x / d.scale, lambda d, z: (z * d.scale).abs()),
    "half_cauchy": (lambda d, x: x / d.scale, lambda d, z: (z * d.scale).abs()),
    "weibull": (
        lambda d, x: (x / d.scale) ** d.concentration,
        lambda d, z: d.scale * z ** d.concentration.reciprocal(),
    ),
    "pareto": (
        lambda d, x: (x / d.scale).log() * d.alpha,
        lambda d, z: d.scale * (z / d.alpha).exp(),
    ),
    "kumaraswamy": (
        lambda d, x: (1 - x**d.concentration1) ** d.concentration0,
        lambda d, z: d.icdf(1 - z),
    ),
    "generalized_pareto": (lambda d, x: d.cdf(x), lambda d, z: d.icdf(z)),
    "continuous_bernoulli_probs": (lambda d, x: d.cdf(x), lambda d, z: d.icdf(z)),
    "logistic_normal": (
        lambda d, x: (d.transforms[0].inv(x) - d.loc) / d.scale,
        lambda d, z: d.transforms[0](d.loc + z * d.scale),
    ),
    "relaxed_bernoulli_logits": (
        lambda d, x: x.logit() * d.temperature - d.logits,
        lambda d, z: ((z + d.logits) / d.temperature).sigmoid(),
    ),
    "relaxed_one_hot_logits": (
        lambda d, x: x.log() * d.temperature - d.logits,
        lambda d, z: ((z + d.logits) / d.temperature).softmax(-1),
    ),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("sample_shape", [(), (3,)])
@pytest.mark.parametrize("case", RSAMPLE)
def test_rsample_gradient_matches_torch_for_the_same_noise(case, sample_shape, dtype):
    params, ctor, _ = CASES[case]
    noise, reparam = RSAMPLE[case]
    mg.manual_seed(11)
    Pm = _leaves(mg, params, dtype)
    xm = ctor(mg.distributions, Pm).rsample(sample_shape)
    w = 1.0 + np.arange(xm.numel()).reshape(xm.shape) % 4
    (xm * mg.tensor(w, dtype=xm.dtype)).sum().backward()
    # the noise behind the sample, recovered in float64, through PyTorch's reparametrization
    d64 = ctor(mg.distributions, _leaves(mg, params, "float64"))
    with mg.no_grad():
        z = noise(d64, xm.detach().double()).numpy()
    Pt = _leaves(torch, params, dtype)
    xt = reparam(ctor(torch.distributions, Pt), torch.tensor(z, dtype=getattr(torch, dtype)))
    _close(xm.detach().numpy(), xt.detach().numpy(), dtype)
    (xt * torch.tensor(w, dtype=xt.dtype)).sum().backward()
    for k in Pt:
        if Pt[k].grad is None:
            assert Pm[k].grad is None or not np.any(Pm[k].grad.numpy()), k
        else:
            _close(Pm[k].grad.numpy(), Pt[k].grad.numpy(), dtype)


def test_straight_through_rsample_passes_the_gradient_to_probs():
    for M in (torch, mg):
        M.manual_seed(0)
    logits = _randn(2, 3)
    w = _randn(5, 2, 3)
    grads = []
    for M in (torch, mg):
        lg = M.tensor(logits, requires_grad=True)
        d = M.distributions.OneHotCategoricalStraightThrough(logits=lg)
        s = d.rsample((5,))
        assert s.requires_grad
        np.testing.assert_array_equal(s.detach().numpy().sum(-1), 1.0)
        (s * M.tensor(w)).sum().backward()
        grads.append(lg.grad.numpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-10)


ERRORS = [
    "D.HalfNormal(-1.)",
    "D.HalfNormal(M.tensor([1., 0.]))",
    "D.HalfNormal(1.).log_prob(M.tensor([-0.5]))",
    "D.HalfNormal(1.).log_prob([0.5])",
    "D.HalfCauchy(0.)",
    "D.HalfCauchy(1.).log_prob(M.tensor([-0.5]))",
    "D.Chi2(-1.)",
    "D.Chi2(2.).log_prob(M.tensor([-0.5]))",
    "D.Weibull(1., -1.)",
    "D.Weibull(-1., 1.)",
    "D.Weibull(1., 1.).log_prob(M.tensor([0.]))",
    "D.Pareto(1., 0.)",
    "D.Pareto(M.tensor([1., 2.]), 1.).log_prob(M.tensor([1.5, 1.5]))",
    "D.InverseGamma(1., -1.)",
    "D.InverseGamma(1., 1.).log_prob(M.tensor([-1.]))",
    "D.Kumaraswamy(0., 1.)",
    "D.Kumaraswamy(1., 1.).log_prob(M.tensor([1.5]))",
    "D.FisherSnedecor(1., 0.)",
    "D.FisherSnedecor(1., 1.).log_prob(M.tensor([0.]))",
    "D.GeneralizedPareto(0., 0., 0.5)",
    "D.GeneralizedPareto(0., 1., float('nan'))",
    "D.GeneralizedPareto(0., 1., 0.5).log_prob(M.tensor([-1.]))",
    "D.GeneralizedPareto(0., 1., -0.5).log_prob(M.tensor([2.5]))",
    "D.ContinuousBernoulli(probs=1.5, validate_args=True)",
    "D.ContinuousBernoulli(0.5, 0.)",
    "D.ContinuousBernoulli()",
    "D.ContinuousBernoulli(0.3).log_prob(M.tensor([1.5]))",
    "D.LogisticNormal(M.zeros(2), -1.)",
    "D.LogisticNormal(M.zeros(2), 1.).log_prob(M.tensor([0.5, 0.6, 0.1]))",
    "D.LogisticNormal(M.zeros(2), 1.).log_prob(M.tensor([0.5, 0.5]))",
    "D.VonMises(0., -1.)",
    "D.VonMises(0., 1.).log_prob(M.tensor([float('nan')]))",
    "D.VonMises(0., 1.).entropy()",
    "D.VonMises(0., 1.).rsample()",
    "D.VonMises(0., 1.).cdf(M.tensor([0.]))",
    "D.RelaxedBernoulli(M.tensor(0.5), probs=1.5)",
    "D.RelaxedBernoulli(M.tensor(0.5))",
    "D.RelaxedBernoulli(M.tensor(0.5), probs=0.5).log_prob(M.tensor([1.5]))",
    "D.RelaxedBernoulli(M.tensor(0.5), probs=0.5).entropy()",
    "D.RelaxedOneHotCategorical(M.tensor(0.5), probs=M.tensor([0.5, -0.5]))",
    "D.RelaxedOneHotCategorical(M.tensor(0.5), probs=M.tensor([0.5, 0.5])).log_prob(M.tensor([0.5, 0.6]))",
    "D.RelaxedOneHotCategorical(M.tensor(0.5), probs=M.tensor([0.5, 0.5])).log_prob(M.tensor([0.5, 0.25, 0.25]))",
    "D.OneHotCategoricalStraightThrough(probs=M.tensor([0.5, -0.5]))",
    "D.OneHotCategoricalStraightThrough(probs=M.tensor([0.5, 0.5])).log_prob(M.tensor([1., 1.]))",
    "D.HalfNormal(M.ones(3)).log_prob(M.ones(2))",
    "D.Weibull(M.ones(3), 1.).log_prob(M.ones(2))",
    "D.ExponentialFamily().entropy()",
    "D.Kumaraswamy(1., 1.).cdf(M.tensor([2.]))",
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


NEW_NAMES = [
    "Chi2", "ContinuousBernoulli", "ExponentialFamily", "FisherSnedecor", "GeneralizedPareto",
    "HalfCauchy", "HalfNormal", "InverseGamma", "Kumaraswamy", "LogisticNormal",
    "OneHotCategoricalStraightThrough", "Pareto", "RelaxedBernoulli", "RelaxedOneHotCategorical",
    "VonMises", "Weibull",
]  # fmt: skip


@pytest.mark.parametrize("name", NEW_NAMES)
def test_new_names_are_exported_with_torchs_signatures(name):
    assert name in mg.distributions.__all__
    ours, theirs = getattr(mg.distributions, name), getattr(torch.distributions, name)
    for method in ("__init__", "log_prob", "cdf", "icdf", "sample", "rsample", "expand", "entropy"):
        f, g = getattr(ours, method, None), getattr(theirs, method, None)
        assert (f is None) == (g is None), method
        if f is not None:
            pf, pg = inspect.signature(f).parameters, inspect.signature(g).parameters
            assert list(pf) == list(pg), (name, method)
            assert [p.default for p in pf.values()][1:] == [
                p.default if not isinstance(p.default, torch.Size) else () for p in pg.values()
            ][1:] or method in ("sample", "rsample"), (name, method)


KL_PAIRS = {
    "halfnormal_halfnormal": (
        dict(a=_pos(3), b=_pos(2, 3)),
        lambda D, P: (D.HalfNormal(P["a"]), D.HalfNormal(P["b"])),
    ),
    "pareto_pareto": (
        dict(a=_pos(4), b=_pos(4) + 0.5, c=_pos(4), d=_pos(4) + 0.5),
        lambda D, P: (D.Pareto(P["a"], P["b"]), D.Pareto(P["c"], P["d"])),
    ),
    "cb_cb": (
        dict(a=np.array([0.1, 0.4995, 0.7, 0.5]), c=np.array([-2.0, 0.5, 0.0005, 3.0])),
        lambda D, P: (D.ContinuousBernoulli(P["a"]), D.ContinuousBernoulli(logits=P["c"])),
    ),
    "beta_cb": (
        dict(a=_pos(3), b=_pos(3), c=_unit(3)),
        lambda D, P: (D.Beta(P["a"], P["b"]), D.ContinuousBernoulli(P["c"])),
    ),
    "uniform_cb": (
        dict(c_a=np.array([0.1, -0.2, 0.3, 0.05]), c_b=np.array([0.9, 0.5, 1.2, 0.7]), c=_unit(4)),
        lambda D, P: (D.Uniform(P["c_a"], P["c_b"]), D.ContinuousBernoulli(P["c"])),
    ),
    "cb_exponential": (
        dict(a=_unit(3), c=_pos(3)),
        lambda D, P: (D.ContinuousBernoulli(P["a"]), D.Exponential(P["c"])),
    ),
    "cb_normal": (  # (its variance cancels in float32 near 1/2, in PyTorch's formula too)
        dict(a=np.array([0.1, 0.25, 0.8]), c=_randn(3), d=_pos(3)),
        lambda D, P: (D.ContinuousBernoulli(P["a"]), D.Normal(P["c"], P["d"])),
    ),
    "cb_uniform": (
        dict(a=_unit(3), c_l=np.array([-0.5, 0.1, -1.0]), c_h=np.array([1.5, 1.2, 0.9])),
        lambda D, P: (D.ContinuousBernoulli(P["a"]), D.Uniform(P["c_l"], P["c_h"])),
    ),
    "pareto_exponential": (
        dict(a=_pos(4), b=np.array([0.5, 1.0, 1.5, 3.0]), c=_pos(4)),
        lambda D, P: (D.Pareto(P["a"], P["b"]), D.Exponential(P["c"])),
    ),
    "pareto_gamma": (
        dict(a=_pos(4), b=np.array([0.5, 1.0, 1.5, 3.0]), c=_pos(4), d=_pos(4)),
        lambda D, P: (D.Pareto(P["a"], P["b"]), D.Gamma(P["c"], P["d"])),
    ),
    "pareto_normal": (
        dict(a=_pos(4), b=np.array([1.5, 2.0, 2.5, 4.0]), c=_randn(4), d=_pos(4)),
        lambda D, P: (D.Pareto(P["a"], P["b"]), D.Normal(P["c"], P["d"])),
    ),
    "uniform_pareto": (
        dict(c_l=np.array([0.5, 1.5, 2.0]), c_h=np.array([2.0, 3.0, 2.5]), a=_pos(3), b=_pos(3)),
        lambda D, P: (D.Uniform(P["c_l"], P["c_h"]), D.Pareto(P["a"], P["b"])),
    ),
    "expfamily_continuous_bernoulli_via_bregman": (
        dict(a=_unit(3), c=_unit(3)),
        lambda D, P: (
            D.ContinuousBernoulli(P["a"]),
            type("CB", (D.ContinuousBernoulli,), {})(P["c"]),
        ),
    ),
    "chi2_chi2": (
        dict(a=_pos(3), c=_pos(3)),
        lambda D, P: (D.Chi2(P["a"]), D.Chi2(P["c"])),
    ),
    "normal_pareto": (
        dict(a=_randn(3), b=_pos(3)),
        lambda D, P: (D.Normal(P["a"], P["b"]), D.Pareto(P["b"], 2.0)),
    ),
    "gumbel_cb": (
        dict(a=_randn(3), b=_pos(3)),
        lambda D, P: (D.Gumbel(P["a"], P["b"]), D.ContinuousBernoulli(0.3)),
    ),
    "laplace_pareto": (
        dict(a=_randn(3), b=_pos(3)),
        lambda D, P: (D.Laplace(P["a"], P["b"]), D.Pareto(1.0, P["b"])),
    ),
    "gamma_cb": (
        dict(a=_pos(2, 3), b=_pos(3)),
        lambda D, P: (D.Gamma(P["a"], P["b"]), D.ContinuousBernoulli(0.3)),
    ),
    "exponential_pareto": (
        dict(a=_pos(3)),
        lambda D, P: (D.Exponential(P["a"]), D.Pareto(1.0, 2.0)),
    ),
    "beta_pareto": (
        dict(a=_pos(3), b=_pos(3)),
        lambda D, P: (D.Beta(P["a"], P["b"]), D.Pareto(1.0, 2.0)),
    ),
    "cb_pareto": (
        dict(a=_unit(3)),
        lambda D, P: (D.ContinuousBernoulli(P["a"]), D.Pareto(1.0, 2.0)),
    ),
    "pareto_beta": (dict(a=_pos(3)), lambda D, P: (D.Pareto(P["a"], 2.0), D.Beta(1.0, 2.0))),
    "pareto_uniform": (
        dict(a=_pos(2, 3)),
        lambda D, P: (D.Pareto(P["a"], 2.0), D.Uniform(0.0, 2.0)),
    ),
    "pareto_cb": (
        dict(a=_pos(3)),
        lambda D, P: (D.Pareto(P["a"], 2.0), D.ContinuousBernoulli(0.3)),
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


def test_kl_continuous_bernoulli_uniform_unit_interval_is_finite_unlike_torch():
    """PyTorch 2.13 returns inf for KL(CB ‖ U(0, 1)) and KL(U(0, 1) ‖ CB) (its support tests
    use ≥ and ≤); both are finite, -H(CB) and -log C(λ) - E_U[log-density kernel]."""
    D, T = mg.distributions, torch.distributions
    lam = np.array([0.2, 0.7])
    for p, q in [("cb", "u"), ("u", "cb")]:
        make = {
            "cb": lambda L, M: L.ContinuousBernoulli(M.tensor(lam)),
            "u": lambda L, M: L.Uniform(M.zeros(2, dtype=M.float64), M.ones(2, dtype=M.float64)),
        }
        kt = T.kl_divergence(make[p](T, torch), make[q](T, torch))
        assert torch.isinf(kt).all()
        km = D.kl_divergence(make[p](D, mg), make[q](D, mg))
        cb = D.ContinuousBernoulli(mg.tensor(lam))
        grid = mg.tensor(np.linspace(0, 1, 200001)[:, None] * np.ones(2))
        log_dens = cb.log_prob(grid).numpy()
        if p == "cb":
            expected = np.trapezoid(np.exp(log_dens) * log_dens, grid.numpy(), axis=0)
        else:
            expected = -np.trapezoid(log_dens, grid.numpy(), axis=0)
        np.testing.assert_allclose(km.numpy(), expected, atol=1e-8)


KL_ERRORS = [
    "D.kl_divergence(D.ContinuousBernoulli(0.3), D.Beta(1., 2.))",
    "D.kl_divergence(D.Poisson(1.), D.Gamma(1., 1.))",
    "D.kl_divergence(D.Normal(0., 1.), D.Exponential(1.)) + D.kl_divergence(D.Gamma(1., 1.), D.Bernoulli(0.5))",
    "D.kl_divergence(D.HalfNormal(1.), D.HalfCauchy(1.))",
    "D.kl_divergence(D.Weibull(1., 1.), D.Weibull(1., 2.))",
]


@pytest.mark.parametrize("code", KL_ERRORS)
def test_unregistered_kl_pairs_raise_like_torch(code):
    test_errors_match_torch(code)


# transforms: (expression, input shape); values, inverse, log|det J| and its gradient,
# shapes, domains and codomains
TRANSFORMS = [
    ("T.SoftplusTransform()", (2, 3)),
    ("T.identity_transform", (2, 3)),
    ("T.IndependentTransform(T.ExpTransform(), 1)", (2, 3)),
    ("T.IndependentTransform(T.AffineTransform(1., 2.), 2)", (2, 3)),
    ("T.IndependentTransform(T.StickBreakingTransform(), 1)", (2, 3)),
    ("T.ReshapeTransform((2, 3), (3, 2))", (4, 2, 3)),
    ("T.ReshapeTransform((3,), (3, 1))", (2, 3)),
    ("T.ReshapeTransform((), (1, 1))", (2, 3)),
    ("T.LowerCholeskyTransform()", (2, 3, 3)),
    ("T.PositiveDefiniteTransform()", (2, 3, 3)),
    ("T.CorrCholeskyTransform()", (2, 6)),
    ("T.CorrCholeskyTransform()", (1,)),
    ("T.CorrCholeskyTransform()", (3, 10)),
    ("T.CatTransform([T.ExpTransform(), T.identity_transform, T.SoftplusTransform()], 1)", (2, 3)),
    ("T.CatTransform([T.ExpTransform(), T.AffineTransform(1., 2.)], 0, [1, 1])", (2, 3)),
    ("T.CatTransform([T.ExpTransform(), T.SigmoidTransform()], -1, [2, 1])", (4, 3)),
    (
        "T.CatTransform([T.IndependentTransform(T.ExpTransform(), 1), T.SoftplusTransform()], 0, [1, 1])",
        (2, 4),
    ),
    ("T.CatTransform([T.ExpTransform(), T.SoftplusTransform()], 0, [2, 1], cache_size=1)", (3, 2)),
    (
        "T.StackTransform([T.ExpTransform(), T.SoftplusTransform(), T.SigmoidTransform()], 1)",
        (2, 3),
    ),
    ("T.StackTransform([T.ExpTransform(), T.AffineTransform(0., 3.)], 0)", (2, 3)),
    ("T.StackTransform([T.ExpTransform(), T.AffineTransform(0., 3.)], -2)", (2, 3)),
    (
        "T.CumulativeDistributionTransform(D.Normal(M.tensor([0., 1., 2.], dtype=M.float64), 2.))",
        (2, 3),
    ),
    ("T.CumulativeDistributionTransform(D.Gumbel(M.tensor(0.5, dtype=M.float64), 2.))", (2, 3)),
    ("T.ComposeTransform([T.SoftplusTransform(), T.AffineTransform(1., -2.)])", (2, 3)),
    ("T.SoftplusTransform().inv", (2, 3)),
]
JACOBIAN_FREE = (  # as PyTorch's, these have no log_abs_det_jacobian
    "LowerCholesky", "PositiveDefinite", "lower_cholesky", "positive_", "transform_to(C.simplex)",
)  # fmt: skip
REGISTRY = [
    "C.real", "C.positive", "C.nonnegative", "C.unit_interval", "C.simplex", "C.real_vector",
    "C.interval(-1., 2.)", "C.half_open_interval(-1., 2.)", "C.greater_than(2.)",
    "C.greater_than_eq(-1.)", "C.less_than(1.)", "C.independent(C.positive, 1)",
    "C.cat([C.real, C.positive, C.unit_interval], 1, [1, 1, 1])",
    "C.stack([C.real, C.positive, C.interval(0., 3.)], 1)",
    "C.independent(C.interval(M.tensor([0., 1., -1.], dtype=M.float64), 5.), 1)",
]  # fmt: skip
for _c in REGISTRY:
    TRANSFORMS.append((f"D.biject_to({_c})", (2, 3)))
    TRANSFORMS.append((f"D.transform_to({_c})", (2, 3)))
TRANSFORMS += [
    ("D.biject_to(C.corr_cholesky)", (2, 6)),
    ("D.transform_to(C.corr_cholesky)", (3,)),
    ("D.transform_to(C.lower_cholesky)", (2, 3, 3)),
    ("D.transform_to(C.positive_definite)", (3, 3)),
    ("D.transform_to(C.positive_semidefinite)", (2, 2, 2)),
]


def _outcome(f):
    """f()'s result, or the class of the exception it raises."""
    try:
        return f()
    except Exception as e:  # noqa: BLE001 - the class is what is compared
        return type(e)


def _input(expr, shape):
    x = RNG.standard_normal(shape)
    if expr == "T.SoftplusTransform().inv":
        x = np.abs(x) + 0.1
    return x


@pytest.mark.parametrize("expr, shape", TRANSFORMS, ids=[f"{e}-{s}" for e, s in TRANSFORMS])
def test_transforms_match_torch(expr, shape):
    x = _input(expr, shape)
    out = []
    for M in (torch, mg):
        D = M.distributions
        t = eval(expr, {"T": D.transforms, "D": D, "C": D.constraints, "M": M})
        xt = M.tensor(x, requires_grad=True)
        y = t(xt)
        r = dict(
            repr=repr(t), domain=repr(t.domain), codomain=repr(t.codomain), bijective=t.bijective,
            domain_dim=t.domain.event_dim, codomain_dim=t.codomain.event_dim,
            forward_shape=tuple(t.forward_shape(shape)), inverse_shape=tuple(t.inverse_shape(tuple(y.shape))),
            y=y.detach().numpy(), x=t.inv(y).detach().numpy(), y_dtype=_dtype_name(y),
            domain_check=_outcome(lambda t=t, x=xt: t.domain.check(x.detach()).numpy()),
            codomain_check=_outcome(lambda t=t, y=y: t.codomain.check(y.detach()).numpy()),
            with_cache=t.with_cache(1) == t.with_cache(1),
        )  # fmt: skip
        loss = (y * y).sum()
        if not any(k in expr for k in JACOBIAN_FREE):
            j = t.log_abs_det_jacobian(xt, y)
            r["jacobian"] = j.detach().numpy()
            loss = loss + j.sum()
        loss.backward()
        r["grad"] = xt.grad.numpy()
        out.append(r)
    rt, rm = out
    assert rt.keys() == rm.keys()
    for k in rt:
        if isinstance(rt[k], np.ndarray):
            assert rm[k].shape == rt[k].shape, k
            _close(rm[k], rt[k], "float64")
        elif isinstance(rt[k], type):
            assert isinstance(rm[k], type) and issubclass(rm[k], rt[k]), (k, rm[k], rt[k])
        else:
            assert rm[k] == rt[k], (k, rm[k], rt[k])


def test_transform_to_simplex_has_no_jacobian_like_torch():
    for M in (torch, mg):
        t = M.distributions.transform_to(M.distributions.constraints.simplex)
        with pytest.raises(NotImplementedError):
            t.log_abs_det_jacobian(M.zeros(3), t(M.zeros(3)))


def test_new_transforms_and_registries_are_exported():
    for name in [
        "CatTransform", "CorrCholeskyTransform", "CumulativeDistributionTransform",
        "IndependentTransform", "LowerCholeskyTransform", "PositiveDefiniteTransform",
        "ReshapeTransform", "SoftplusTransform", "StackTransform", "identity_transform",
        "biject_to", "transform_to",
    ]:  # fmt: skip
        assert name in mg.distributions.__all__
        if name not in ("biject_to", "transform_to"):
            assert name in mg.distributions.transforms.__all__
            theirs = getattr(torch.distributions.transforms, name)
            ours = getattr(mg.distributions.transforms, name)
            if isinstance(theirs, type):
                pt = inspect.signature(theirs.__init__).parameters
                pm = inspect.signature(ours.__init__).parameters
                assert list(pm) == list(pt), name
                assert [p.default for p in pm.values()] == [p.default for p in pt.values()], name
    for name in ["cat", "stack", "corr_cholesky", "lower_triangular", "square", "symmetric",
                 "positive_semidefinite"]:  # fmt: skip
        assert name in mg.distributions.constraints.__all__
    assert mg.distributions.constraint_registry.__all__ == [
        "ConstraintRegistry",
        "biject_to",
        "transform_to",
    ]
    assert isinstance(
        mg.distributions.biject_to, mg.distributions.constraint_registry.ConstraintRegistry
    )


NEW_CONSTRAINTS = [
    "C.lower_triangular", "C.square", "C.symmetric", "C.positive_semidefinite", "C.corr_cholesky",
    "C.cat([C.real, C.positive], -1, [1, 2])", "C.cat([C.real, C.positive], 0, [1, 1])",
    "C.cat([C.real, C.positive], 1)", "C.stack([C.positive, C.real], -1)",
    "C.stack([C.positive, C.real], 0)", "C.stack([C.simplex, C.real_vector], 1)",
    "C.stack([C.simplex, C.real_vector], -2)", "C.cat([C.simplex, C.real_vector], -1, [2, 1])",
]  # fmt: skip
MATRICES = [
    np.array([[[1.0, 0.0, 0.0], [0.5, 1.0, 0.0], [0.2, -0.3, 2.0]], np.eye(3)]),
    np.array([[[2.0, 1.0], [1.0, 2.0]], [[1.0, 2.0], [2.0, 1.0]]]),
    np.array([[[0.6, 0.8], [0.0, 1.0]], [[1.0, 0.0], [0.6, 0.8]]]),
    np.zeros((2, 2, 3)),
    np.array([[0.2, 0.8, float("nan")], [0.5, 0.5, -1.0]]),
    np.array([[[0.5, 0.5, 2.0], [0.2, 0.8, 1.0]]]),
]


@pytest.mark.parametrize("expr", NEW_CONSTRAINTS)
def test_new_constraints_match_torch(expr):
    ct = eval(expr, {"C": torch.distributions.constraints})
    cm = eval(expr, {"C": mg.distributions.constraints})
    assert repr(cm) == repr(ct)
    assert (cm.event_dim, cm.is_discrete) == (ct.event_dim, ct.is_discrete)
    for v in MATRICES:
        try:
            expected = ct.check(torch.tensor(v)).numpy()
        except (RuntimeError, IndexError, AssertionError) as e:
            with pytest.raises(
                type(e) if not isinstance(e, IndexError) else (IndexError, RuntimeError)
            ):
                cm.check(mg.tensor(v))
            continue
        np.testing.assert_array_equal(cm.check(mg.tensor(v)).numpy(), expected)


TRANSFORM_ERRORS = [
    "T.ReshapeTransform((2, 3), (4,))",
    "T.ReshapeTransform((2, 3), (3, 2)).forward_shape((3, 2))",
    "T.ReshapeTransform((2, 3), (3, 2)).inverse_shape((2,))",
    "T.CatTransform([T.ExpTransform()], 0, [1, 2])",
    "T.CatTransform([T.ExpTransform(), 3])",
    "T.CatTransform([T.ExpTransform(), T.ExpTransform()], 0, [1, 1])(M.zeros(3))",
    "T.CatTransform([T.ExpTransform(), T.ExpTransform()], 2, [1, 1])(M.zeros(2))",
    "T.StackTransform([T.ExpTransform(), T.ExpTransform()], 0)(M.zeros(3))",
    "T.StackTransform([T.ExpTransform(), T.ExpTransform()], 0).log_abs_det_jacobian(M.zeros(3), M.ones(3))",
    "T.StackTransform([T.ExpTransform(), 1.])",
    "D.biject_to(C.lower_cholesky)",
    "D.biject_to(C.positive_definite)",
    "D.transform_to(C.boolean)",
    "D.biject_to(C.dependent)",
    "D.biject_to.register(3, lambda c: None)",
    "D.constraint_registry.ConstraintRegistry().register(int)(lambda c: None)",
    "T.CorrCholeskyTransform().forward_shape((4,))",
    "T.CorrCholeskyTransform().forward_shape(())",
    "T.CorrCholeskyTransform().inverse_shape((3, 4))",
    "T.CorrCholeskyTransform().inverse_shape((3,))",
    "T.LowerCholeskyTransform().log_abs_det_jacobian(M.eye(2), M.eye(2))",
    "T.PositiveDefiniteTransform().log_abs_det_jacobian(M.eye(2), M.eye(2))",
    "T.IndependentTransform(T.ExpTransform(), 2)(M.zeros(3))",
    "T.IndependentTransform(T.ExpTransform(), 2).inv(M.ones(3))",
    "C.cat([C.real, 1])",
    "C.cat([C.real], 0, [1, 2])",
    "C.cat([C.real, C.positive], 3).check(M.zeros(2))",
    "C.stack([C.real, 3])",
    "C.stack([C.real, C.positive], 2).check(M.zeros(2))",
    "D.utils.tril_matrix_to_vec(M.zeros(3, 3), 3)",
    "T.SoftplusTransform(cache_size=3)",
]


@pytest.mark.parametrize("code", TRANSFORM_ERRORS)
def test_transform_errors_match_torch(code):
    caught = []
    for M in (torch, mg):
        D = M.distributions
        try:
            exec(code, {"M": M, "D": D, "T": D.transforms, "C": D.constraints})
        except Exception as e:  # noqa: BLE001 - the class is what is compared
            caught.append(e)
        else:
            caught.append(None)
    et, em = caught
    assert et is not None, code
    assert isinstance(em, type(et)), (code, type(em), type(et), em)


@pytest.mark.parametrize(
    "expr",
    [
        "D.TransformedDistribution(D.Normal(M.zeros(2, 6, dtype=M.float64), 1.), T.CorrCholeskyTransform())",
        "D.TransformedDistribution(D.Normal(M.zeros(2, 6, dtype=M.float64), 1.), T.ReshapeTransform((6,), (2, 3)))",
        "D.TransformedDistribution(D.Normal(M.zeros(4, dtype=M.float64), 1.), T.CumulativeDistributionTransform(D.Normal(M.zeros(4, dtype=M.float64), 1.)))",
        "D.TransformedDistribution(D.Normal(M.zeros(2, 3, dtype=M.float64), 1.), T.CatTransform([T.ExpTransform(), T.SoftplusTransform()], -1, [2, 1]))",
        "D.TransformedDistribution(D.Normal(M.zeros(2, 3, dtype=M.float64), 1.), T.IndependentTransform(T.SoftplusTransform(), 1))",
        "D.TransformedDistribution(D.Gamma(M.ones(3, dtype=M.float64), 2.), D.biject_to(C.interval(-1., 1.)).inv)",
    ],
)
def test_transformed_distributions_with_the_new_transforms_match_torch(expr):
    res = []
    for M in (torch, mg):
        D = M.distributions
        d = eval(expr, {"M": M, "D": D, "T": D.transforms, "C": D.constraints})
        s = d.sample((5,))
        if M is torch:
            value = s.numpy()
        res.append(
            (
                (d.batch_shape, d.event_shape, s.shape),
                repr(d.support),
                d.log_prob(M.tensor(value)).numpy(),
            )
        )
    (shapes_t, sup_t, lp_t), (shapes_m, sup_m, lp_m) = res
    assert shapes_m == tuple(tuple(s) for s in shapes_t)
    assert sup_m == sup_t
    _close(lp_m, lp_t, "float64")
