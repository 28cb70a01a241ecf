# ruff: noqa: E501 - the programs are data, one per line
"""Multinomial, NegativeBinomial, MixtureSameFamily, LowRankMultivariateNormal, Wishart
and LKJCholesky, and the KL pairs PyTorch registers among them, against torch.distributions:
values and gradients (float64 to 1e-10, float32 normwise 1e-5, the helpers of
test_torch_oracle_distributions), shapes, reprs, supports, expand, sample shapes and
dtypes, exception types."""

import numpy as np
import pytest
import test_torch_oracle_distributions as base
from test_torch_oracle_distributions import _close, _compare, _leaves
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

RNG = np.random.default_rng(2024)


def _randn(*shape):
    return RNG.standard_normal(shape)


def _pos(*shape):
    return np.exp(0.5 * RNG.standard_normal(shape))


def _unit(*shape):
    return RNG.uniform(0.05, 0.95, shape)


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


def _counts(n, k, *shape):
    p = RNG.dirichlet(np.ones(k), size=shape)
    return RNG.multinomial(n, p).astype(np.float64)


def _corr_chol(dim, *shape):
    """Cholesky factors of random correlation matrices (rows of unit norm, positive diagonal)."""
    a = np.tril(RNG.standard_normal(shape + (dim, dim)))
    idx = np.arange(dim)
    a[..., idx, idx] = np.abs(a[..., idx, idx]) + 0.3
    return a / np.linalg.norm(a, axis=-1, keepdims=True)


STATS = base.STATS
_q = base._q

CASES = {
    "multinomial_probs": (
        dict(probs=_pos(2, 4), c_x=_counts(10, 4, 3, 2)),
        lambda D, P: D.Multinomial(10, probs=P["probs"]),
        _q(
            log_prob=lambda d, P: d.log_prob(P["c_x"]),
            logits=lambda d, P: d.logits,
            probs=lambda d, P: d.probs,
        ),
    ),
    "multinomial_logits": (
        dict(logits=2 * _randn(3, 5), c_x=_counts(7, 5, 3)),
        lambda D, P: D.Multinomial(7, logits=P["logits"]),
        _q(log_prob=lambda d, P: d.log_prob(P["c_x"]), probs=lambda d, P: d.probs),
    ),
    "multinomial_zero_probs": (
        dict(
            c_probs=np.array([[0.0, 0.3, 0.7], [0.5, 0.5, 0.0]]),
            c_x=np.array([[0.0, 2.0, 2.0], [1.0, 3.0, 0.0]]),
        ),
        lambda D, P: D.Multinomial(4, probs=P["c_probs"]),
        _q(log_prob=lambda d, P: d.log_prob(P["c_x"]), logits=lambda d, P: d.logits),
    ),
    "multinomial_neg_inf_logits": (
        dict(
            c_logits=np.array([-np.inf, 0.5, -1.0]),
            c_x=np.array([[0.0, 2.0, 1.0], [0.0, 0.0, 3.0]]),
        ),
        lambda D, P: D.Multinomial(3, logits=P["c_logits"]),
        {
            "log_prob": lambda d, P: d.log_prob(P["c_x"]),
            "mean": STATS["mean"],
            "variance": STATS["variance"],
        },
    ),
    "multinomial_default_count_log_prob": (
        dict(probs=_pos(4), c_x=np.array([3.0, 0.0, 5.0, 1.0])),
        lambda D, P: D.Multinomial(probs=P["probs"], validate_args=False),
        {"log_prob": lambda d, P: d.log_prob(P["c_x"])},
    ),
    "multinomial_zero_count": (
        dict(probs=_pos(3)),
        lambda D, P: D.Multinomial(0, probs=P["probs"]),
        {"entropy": STATS["entropy"], "mean": STATS["mean"]},
    ),
    "negative_binomial_probs": (
        dict(n=3 * _pos(2, 3), probs=_unit(3), c_k=RNG.integers(0, 9, (4, 2, 3)).astype(float)),
        lambda D, P: D.NegativeBinomial(P["n"], probs=P["probs"]),
        _q(log_prob=lambda d, P: d.log_prob(P["c_k"]), logits=lambda d, P: d.logits),
    ),
    "negative_binomial_logits": (
        dict(n=2 * _pos(4), logits=_randn(4), c_k=RNG.integers(0, 9, (4,)).astype(float)),
        lambda D, P: D.NegativeBinomial(P["n"], logits=P["logits"]),
        _q(log_prob=lambda d, P: d.log_prob(P["c_k"]), probs=lambda d, P: d.probs),
    ),
    "negative_binomial_number_count": (
        dict(logits=_randn(3), c_k=np.array([0.0, 1.0, 6.0])),
        lambda D, P: D.NegativeBinomial(5, logits=P["logits"]),
        _q(log_prob=lambda d, P: d.log_prob(P["c_k"])),
    ),
    "negative_binomial_zero_count": (
        dict(c_n=np.array([0.0, 0.0, 2.0]), probs=_unit(3), c_k=np.array([0.0, 2.0, 0.0])),
        lambda D, P: D.NegativeBinomial(P["c_n"], probs=P["probs"]),
        {
            "log_prob": lambda d, P: d.log_prob(P["c_k"]),
            "mean": STATS["mean"],
            "mode": STATS["mode"],
        },
    ),
    "mixture_normal": (
        dict(logits=_randn(3, 4), loc=_randn(3, 4), scale=_pos(4), x=_randn(2, 3)),
        lambda D, P: D.MixtureSameFamily(
            D.Categorical(logits=P["logits"]), D.Normal(P["loc"], P["scale"])
        ),
        _q(log_prob=lambda d, P: d.log_prob(P["x"]), cdf=lambda d, P: d.cdf(P["x"])),
    ),
    "mixture_scalar_mixing_batched_components": (
        dict(probs=_pos(4), loc=_randn(2, 3, 4), scale=_pos(2, 3, 4), x=_randn(2, 3)),
        lambda D, P: D.MixtureSameFamily(
            D.Categorical(probs=P["probs"]), D.Normal(P["loc"], P["scale"])
        ),
        _q(log_prob=lambda d, P: d.log_prob(P["x"]), cdf=lambda d, P: d.cdf(P["x"])),
    ),
    "mixture_broadcast_mixing": (
        dict(probs=_pos(1, 3), loc=_randn(2, 3), scale=_pos(2, 3), x=_randn(4, 2)),
        lambda D, P: D.MixtureSameFamily(
            D.Categorical(probs=P["probs"]), D.Normal(P["loc"], P["scale"])
        ),
        _q(log_prob=lambda d, P: d.log_prob(P["x"])),
    ),
    "mixture_independent_normal": (
        dict(logits=_randn(2, 5), loc=_randn(2, 5, 3), scale=_pos(2, 5, 3), x=_randn(4, 2, 3)),
        lambda D, P: D.MixtureSameFamily(
            D.Categorical(logits=P["logits"]), D.Independent(D.Normal(P["loc"], P["scale"]), 1)
        ),
        _q(log_prob=lambda d, P: d.log_prob(P["x"])),
    ),
    "mixture_mvn": (
        dict(probs=_pos(3), loc=_randn(3, 2), tril=_tril(3, 2, 2), x=_randn(5, 2)),
        lambda D, P: D.MixtureSameFamily(
            D.Categorical(probs=P["probs"]), D.MultivariateNormal(P["loc"], scale_tril=P["tril"])
        ),
        _q(log_prob=lambda d, P: d.log_prob(P["x"])),
    ),
    "mixture_binomial": (
        dict(
            logits=_randn(3),
            c_n=np.array([5.0, 5.0, 5.0]),
            p=_unit(3),
            c_k=np.array([0.0, 2.0, 5.0, 3.0]),
        ),
        lambda D, P: D.MixtureSameFamily(
            D.Categorical(logits=P["logits"]), D.Binomial(P["c_n"], probs=P["p"])
        ),
        _q(log_prob=lambda d, P: d.log_prob(P["c_k"])),
    ),
    "lowrank_mvn": (
        dict(loc=_randn(2, 3), W=_randn(3, 2), D=_pos(2, 3), x=_randn(4, 2, 3)),
        lambda D, P: D.LowRankMultivariateNormal(P["loc"], P["W"], P["D"]),
        _q(
            log_prob=lambda d, P: d.log_prob(P["x"]),
            covariance=lambda d, P: d.covariance_matrix,
            precision=lambda d, P: d.precision_matrix,
            scale_tril=lambda d, P: d.scale_tril,
        ),
    ),
    "lowrank_mvn_batched_factor": (
        dict(loc=_randn(4), W=_randn(3, 4, 1), D=_pos(4), x=_randn(3, 4)),
        lambda D, P: D.LowRankMultivariateNormal(P["loc"], P["W"], P["D"]),
        _q(
            log_prob=lambda d, P: d.log_prob(P["x"]),
            covariance=lambda d, P: d.covariance_matrix,
            precision=lambda d, P: d.precision_matrix,
            scale_tril=lambda d, P: d.scale_tril,
        ),
    ),
    "lowrank_mvn_full_rank": (
        dict(loc=_randn(3), W=_randn(3, 5), D=_pos(3), x=_randn(2, 3)),
        lambda D, P: D.LowRankMultivariateNormal(P["loc"], P["W"], P["D"]),
        _q(log_prob=lambda d, P: d.log_prob(P["x"])),
    ),
    "wishart_cov": (
        dict(df=np.array([3.5, 6.0]), cov=_spd(3, 3), x=_spd(4, 2, 3, 3)),
        lambda D, P: D.Wishart(P["df"], covariance_matrix=P["cov"]),
        _q(
            log_prob=lambda d, P: d.log_prob(P["x"]),
            scale_tril=lambda d, P: d.scale_tril,
            precision=lambda d, P: d.precision_matrix,
        ),
    ),
    "wishart_scale_tril_number_df": (
        dict(tril=_tril(2, 3, 3), x=_spd(2, 3, 3)),
        lambda D, P: D.Wishart(7.0, scale_tril=P["tril"]),
        {
            "log_prob": lambda d, P: d.log_prob(P["x"]),
            "entropy": STATS["entropy"],
            "covariance": lambda d, P: d.covariance_matrix,
        },
    ),
    "wishart_precision": (
        dict(df=np.array(4.5), prec=_spd(2, 2), x=_spd(3, 2, 2)),
        lambda D, P: D.Wishart(P["df"], precision_matrix=P["prec"]),
        _q(log_prob=lambda d, P: d.log_prob(P["x"]), covariance=lambda d, P: d.covariance_matrix),
    ),
    "lkj": (
        dict(conc=_pos(2) + 0.3, x=_corr_chol(3, 4, 2)),
        lambda D, P: D.LKJCholesky(3, P["conc"]),
        {"log_prob": lambda d, P: d.log_prob(P["x"])},
    ),
    "lkj_number": (
        dict(x=_corr_chol(4, 3)),
        lambda D, P: D.LKJCholesky(4, 0.5),
        {"log_prob": lambda d, P: d.log_prob(P["x"])},
    ),
    "lkj_dim2": (
        dict(conc=np.array([1.0, 2.5, 0.2]), x=_corr_chol(2, 3)),
        lambda D, P: D.LKJCholesky(2, P["conc"]),
        {"log_prob": lambda d, P: d.log_prob(P["x"])},
    ),
}

DTYPES = base.DTYPES
QUANTITIES = [(c, q) for c, (_, _, qs) in CASES.items() for q in qs]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case, quantity", QUANTITIES, ids=[f"{c}-{q}" for c, q in QUANTITIES])
def test_quantity_and_gradients_match_torch(case, quantity, dtype):
    params, ctor, qs = CASES[case]
    if case.startswith("multinomial") and quantity == "entropy" and dtype == "float64":
        return _check_multinomial_entropy(case)

    def build(M):
        P = _leaves(M, params, dtype)
        return qs[quantity](ctor(M.distributions, P), P), P

    _compare(build, dtype)


def _torch_multinomial_entropy_in_float64(dt):
    """PyTorch's Multinomial.entropy with its one float32 step, lgamma(n + 1) of an int64 n,
    done in float64 (minigrad keeps the probabilities' dtype throughout)."""
    n = dt.total_count
    lgamma32 = torch.lgamma(torch.tensor(n) + 1).double()
    return dt.entropy() + lgamma32 - torch.lgamma(torch.tensor(float(n), dtype=torch.float64) + 1)


def _check_multinomial_entropy(case):
    params, ctor, _ = CASES[case]
    Pt, Pm = _leaves(torch, params, "float64"), _leaves(mg, params, "float64")
    rt = _torch_multinomial_entropy_in_float64(ctor(torch.distributions, Pt))
    rm = ctor(mg.distributions, Pm).entropy()
    _close(rm.detach().numpy(), rt.detach().numpy(), "float64")
    assert rm.requires_grad == rt.requires_grad
    if rt.requires_grad:
        rt.sum().backward()
        rm.sum().backward()
        for k in Pt:
            if Pt[k].requires_grad:
                _close(Pm[k].grad.numpy(), Pt[k].grad.numpy(), "float64")


def test_wishart_number_df_moments_match_torch_with_the_df_as_a_tensor():
    """PyTorch keeps a number df 0-d, and its mean/mode/variance then fail to view it as
    (batch, 1, 1) for a batched scale (RuntimeError); minigrad broadcasts it, as for a
    tensor df."""
    tril = _tril(2, 3, 3)
    dm = mg.distributions.Wishart(7.0, scale_tril=mg.tensor(tril))
    dt = torch.distributions.Wishart(
        torch.full((2,), 7.0, dtype=torch.float64), scale_tril=torch.tensor(tril)
    )
    number_df = torch.distributions.Wishart(7.0, scale_tril=torch.tensor(tril))
    assert repr(dm) == repr(number_df)
    with pytest.raises(RuntimeError):
        _ = number_df.mean
    for q in ("mean", "mode", "variance", "stddev"):
        _close(getattr(dm, q).numpy(), getattr(dt, q).numpy(), "float64")


@pytest.mark.parametrize("case", CASES)
def test_shapes_repr_and_support_match_torch(case):
    params, ctor, _ = CASES[case]
    dt = ctor(torch.distributions, _leaves(torch, params, "float64"))
    dm = ctor(mg.distributions, _leaves(mg, params, "float64"))
    assert dm.batch_shape == tuple(dt.batch_shape)
    assert dm.event_shape == tuple(dt.event_shape)
    assert repr(dm) == repr(dt)
    if "binomial" not in case:  # Binomial's support holds total_count, a tensor
        assert repr(dm.support) == repr(dt.support)
    assert (dm.support.event_dim, dm.support.is_discrete) == (
        dt.support.event_dim,
        dt.support.is_discrete,
    )
    assert dm.has_rsample == dt.has_rsample
    assert dm.has_enumerate_support == dt.has_enumerate_support
    assert dm.arg_constraints.keys() == dt.arg_constraints.keys()
    for (km, cm), (kt, ct) in zip(dm.arg_constraints.items(), dt.arg_constraints.items()):
        assert km == kt
        assert repr(cm) == repr(ct)


# PyTorch's Multinomial draws total_count categorical samples, and none is an error; its
# MixtureSameFamily.sample gathers with the mixing Categorical's draw, which has the wrong
# shape when that Categorical's batch is smaller (an error) or broadcast (a (1,) batch gives
# (1,)-shaped samples). minigrad draws zeros, and one choice per batch member.
TORCH_SAMPLE_BUGS = (
    "multinomial_zero_count",
    "mixture_scalar_mixing_batched_components",
    "mixture_broadcast_mixing",
)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("sample_shape", [(), (2,), (3, 1)])
def test_sample_shape_dtype_and_support_match_torch(case, sample_shape):
    params, ctor, _ = CASES[case]
    mg.manual_seed(0)
    torch.manual_seed(0)
    dt = ctor(torch.distributions, _leaves(torch, params, "float32"))
    dm = ctor(mg.distributions, _leaves(mg, params, "float32"))
    sm = dm.sample(sample_shape)
    if case in TORCH_SAMPLE_BUGS:
        try:
            assert tuple(dt.sample(sample_shape).shape) != dm._extended_shape(sample_shape)
        except RuntimeError:
            pass
        assert sm.shape == dm._extended_shape(sample_shape)
        assert dm.support.check(sm).numpy().all()
        return
    st = dt.sample(sample_shape)
    assert sm.shape == tuple(st.shape)
    assert base._dtype_name(sm) == base._dtype_name(st)
    assert not sm.requires_grad
    assert dm.support.check(sm).numpy().all()
    assert dt.support.check(torch.tensor(sm.numpy())).numpy().all()
    if dt.has_rsample:
        rm, rt = dm.rsample(sample_shape), dt.rsample(sample_shape)
        assert rm.shape == tuple(rt.shape)
        assert rm.requires_grad == rt.requires_grad


EXPAND = {
    "multinomial_expand": ("multinomial_probs", (3, 2)),
    "negative_binomial_expand": ("negative_binomial_logits", (2, 4)),
    "mixture_expand": ("mixture_normal", (2, 3)),
    "mixture_independent_expand": ("mixture_independent_normal", (3, 2)),
    "lowrank_mvn_expand": ("lowrank_mvn", (5, 2)),
    "wishart_expand": ("wishart_cov", (3, 2)),
    "lkj_expand": ("lkj", (4, 2)),
}


@pytest.mark.parametrize("name", EXPAND)
def test_expand_matches_torch(name):
    case, shape = EXPAND[name]
    params, ctor, qs = CASES[case]
    for quantity in qs:
        if quantity == "entropy" and case.startswith("multinomial"):
            continue  # PyTorch's expand drops _binomial, so its entropy raises AttributeError
        if quantity == "entropy" and case.startswith("wishart"):
            continue  # its _mvdigamma(df / 2) misreads the expanded df: see the test below

        def build(M, quantity=quantity):
            P = _leaves(M, params, "float64")
            return qs[quantity](ctor(M.distributions, P).expand(shape), P), P

        _compare(build, "float64")
    dt = ctor(torch.distributions, _leaves(torch, params, "float64")).expand(shape)
    dm = ctor(mg.distributions, _leaves(mg, params, "float64")).expand(shape)
    assert (dm.batch_shape, dm.event_shape) == (tuple(dt.batch_shape), tuple(dt.event_shape))
    assert repr(dm) == repr(dt)
    assert tuple(dm.sample((2,)).shape) == tuple(dt.sample((2,)).shape)


def test_expanded_multinomial_entropy_equals_the_unexpanded_one():
    """PyTorch's Multinomial.expand forgets its Binomial (entropy then raises AttributeError);
    minigrad's keeps it: the expanded entropy is the original's, broadcast."""
    probs = mg.tensor(_pos(2, 4))
    d = mg.distributions.Multinomial(6, probs=probs)
    ref = _torch_multinomial_entropy_in_float64(
        torch.distributions.Multinomial(6, probs=torch.tensor(probs.numpy()))
    )
    _close(d.expand((3, 2)).entropy().numpy(), np.broadcast_to(ref.numpy(), (3, 2)), "float64")


KL_PAIRS = {
    "lowrank_lowrank": (
        dict(
            a=_randn(2, 3), W=_randn(3, 2), D=_pos(2, 3), c=_randn(3), V=_randn(2, 3, 1), E=_pos(3)
        ),
        lambda D, P: (
            D.LowRankMultivariateNormal(P["a"], P["W"], P["D"]),
            D.LowRankMultivariateNormal(P["c"], P["V"], P["E"]),
        ),
    ),
    "mvn_lowrank": (
        dict(a=_randn(2, 3), L=_tril(3, 3), c=_randn(3), V=_randn(2, 3, 2), E=_pos(2, 3)),
        lambda D, P: (
            D.MultivariateNormal(P["a"], scale_tril=P["L"]),
            D.LowRankMultivariateNormal(P["c"], P["V"], P["E"]),
        ),
    ),
    "lowrank_mvn": (
        dict(a=_randn(3), W=_randn(2, 3, 2), D=_pos(3), c=_randn(2, 3), S=_spd(3, 3)),
        lambda D, P: (
            D.LowRankMultivariateNormal(P["a"], P["W"], P["D"]),
            D.MultivariateNormal(P["c"], covariance_matrix=P["S"]),
        ),
    ),
    "lowrank_mvn_wider_q_batch": (
        dict(a=_randn(3), W=_randn(3, 2), D=_pos(3), c=_randn(3), S=_spd(4, 3, 3)),
        lambda D, P: (
            D.LowRankMultivariateNormal(P["a"], P["W"], P["D"]),
            D.MultivariateNormal(P["c"], covariance_matrix=P["S"]),
        ),
    ),
    "lowrank_self": (
        dict(a=_randn(4), W=_randn(4, 2), D=_pos(4)),
        lambda D, P: (
            D.LowRankMultivariateNormal(P["a"], P["W"], P["D"]),
            D.LowRankMultivariateNormal(P["a"], P["W"], P["D"]),
        ),
    ),
    "lowrank_event_mismatch": (
        dict(a=_randn(3), W=_randn(3, 1), D=_pos(3), c=_randn(2), S=_spd(2, 2)),
        lambda D, P: (
            D.LowRankMultivariateNormal(P["a"], P["W"], P["D"]),
            D.MultivariateNormal(P["c"], covariance_matrix=P["S"]),
        ),
    ),
    "mvn_lowrank_event_mismatch": (
        dict(a=_randn(3), W=_randn(3, 1), D=_pos(3), c=_randn(2), S=_spd(2, 2)),
        lambda D, P: (
            D.MultivariateNormal(P["c"], covariance_matrix=P["S"]),
            D.LowRankMultivariateNormal(P["a"], P["W"], P["D"]),
        ),
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


def test_kl_lowrank_mvn_with_the_widest_batch_in_cov_diag():
    """PyTorch's KL(LowRank p, MVN q) expands p's diagonal to the batch of q and p's factor
    only, a RuntimeError when the diagonal's batch is wider; minigrad broadcasts all three and
    agrees with torch's KL from the MVN of p's covariance."""
    loc, W, diag = _randn(2, 3), _randn(3, 2), _pos(2, 3)
    qloc, qcov = _randn(3), _spd(3, 3)
    T, D = torch.distributions, mg.distributions
    pt = T.LowRankMultivariateNormal(torch.tensor(loc), torch.tensor(W), torch.tensor(diag))
    qt = T.MultivariateNormal(torch.tensor(qloc), covariance_matrix=torch.tensor(qcov))
    with pytest.raises(RuntimeError):
        T.kl_divergence(pt, qt)
    ref = T.kl_divergence(T.MultivariateNormal(pt.loc, covariance_matrix=pt.covariance_matrix), qt)
    pm = D.LowRankMultivariateNormal(mg.tensor(loc), mg.tensor(W), mg.tensor(diag))
    qm = D.MultivariateNormal(mg.tensor(qloc), covariance_matrix=mg.tensor(qcov))
    _close(D.kl_divergence(pm, qm).numpy(), ref.numpy(), "float64")


def test_kl_lowrank_matches_the_full_covariance_mvn():
    """KL with a LowRank operand equals KL with the MVN of the same covariance (in torch too)."""
    D = mg.distributions
    loc, W, diag = mg.tensor(_randn(3)), mg.tensor(_randn(3, 2)), mg.tensor(_pos(3))
    q = D.MultivariateNormal(mg.tensor(_randn(3)), covariance_matrix=mg.tensor(_spd(3, 3)))
    p = D.LowRankMultivariateNormal(loc, W, diag)
    full = D.MultivariateNormal(loc, covariance_matrix=p.covariance_matrix)
    _close(D.kl_divergence(p, q).numpy(), D.kl_divergence(full, q).numpy(), "float64")
    _close(D.kl_divergence(q, p).numpy(), D.kl_divergence(q, full).numpy(), "float64")


ERRORS = [
    "D.Multinomial(3., probs=M.tensor([0.5, 0.5]))",
    "D.Multinomial(M.tensor(3), probs=M.tensor([0.5, 0.5]))",
    "D.Multinomial(3, probs=M.tensor([0.5, -0.5, 1.]))",
    "D.Multinomial(3)",
    "D.Multinomial(3, probs=M.tensor(1.))",
    "D.Multinomial(3, probs=M.tensor([0.5, 0.5]), logits=M.tensor([0., 0.]))",
    "D.Multinomial(3, probs=M.tensor([0.2, 0.8])).log_prob(M.tensor([2., 2.]))",
    "D.Multinomial(3, probs=M.tensor([0.2, 0.8])).log_prob(M.tensor([-1., 2.]))",
    "D.Multinomial(3, probs=M.tensor([0.2, 0.8])).log_prob(M.tensor([1., 1., 1.]))",
    "D.Multinomial(3, probs=M.tensor([0.2, 0.8])).mode",
    "D.Multinomial(3, probs=M.tensor([0.2, 0.8])).enumerate_support()",
    "D.Multinomial(3, probs=M.tensor([0.2, 0.8])).rsample()",
    "D.NegativeBinomial(-1., probs=M.tensor(0.5))",
    "D.NegativeBinomial(2., probs=M.tensor(1.))",
    "D.NegativeBinomial(2., probs=M.tensor(-0.1))",
    "D.NegativeBinomial(2.)",
    "D.NegativeBinomial(2., probs=M.tensor(0.5), logits=M.tensor(0.))",
    "D.NegativeBinomial(2., probs=M.tensor(0.5)).log_prob(M.tensor(1.5))",
    "D.NegativeBinomial(2., probs=M.tensor(0.5)).log_prob(M.tensor(-1.))",
    "D.NegativeBinomial(2., probs=M.tensor(0.5)).entropy()",
    "D.NegativeBinomial(2., probs=M.tensor(0.5)).rsample()",
    "D.MixtureSameFamily(D.Normal(M.zeros(3), 1.), D.Normal(M.zeros(3), 1.))",
    "D.MixtureSameFamily(D.Categorical(M.ones(3)), 'normal')",
    "D.MixtureSameFamily(D.Categorical(M.ones(3)), D.Normal(M.zeros(4), 1.))",
    "D.MixtureSameFamily(D.Categorical(M.ones(2, 3)), D.Normal(M.zeros(4, 3), 1.))",
    "D.MixtureSameFamily(D.Categorical(M.ones(3)), D.Normal(M.zeros(3), 1.)).rsample()",
    "D.MixtureSameFamily(D.Categorical(M.ones(3)), D.Normal(M.zeros(3), 1.)).entropy()",
    "D.MixtureSameFamily(D.Categorical(M.ones(3)), D.Normal(M.zeros(3), 1.)).log_prob(M.tensor(float('nan')))",
    "D.MixtureSameFamily(D.Categorical(M.ones(3)), D.Exponential(M.ones(3))).log_prob(M.tensor([-1.]))",
    "D.LowRankMultivariateNormal(M.tensor(0.), M.ones(1, 1), M.ones(1))",
    "D.LowRankMultivariateNormal(M.zeros(3), M.ones(3), M.ones(3))",
    "D.LowRankMultivariateNormal(M.zeros(3), M.ones(2, 1), M.ones(3))",
    "D.LowRankMultivariateNormal(M.zeros(3), M.ones(3, 1), M.ones(2))",
    "D.LowRankMultivariateNormal(M.zeros(2, 3), M.ones(4, 3, 1), M.ones(3))",
    "D.LowRankMultivariateNormal(M.zeros(3), M.ones(3, 1), M.tensor([1., 0., 1.]))",
    "D.LowRankMultivariateNormal(M.zeros(3), M.ones(3, 1), M.ones(3)).log_prob(M.zeros(2))",
    "D.LowRankMultivariateNormal(M.zeros(3), M.ones(3, 1), M.ones(3)).log_prob(M.tensor([0., float('nan'), 0.]))",
    "D.Wishart(2.)",
    "D.Wishart(3., M.eye(2), scale_tril=M.eye(2))",
    "D.Wishart(3., covariance_matrix=M.ones(2))",
    "D.Wishart(0.5, covariance_matrix=M.eye(2))",
    "D.Wishart(M.tensor([3., 1.]), covariance_matrix=M.eye(2))",
    "D.Wishart(3., covariance_matrix=-M.eye(2))",
    "D.Wishart(3., scale_tril=M.tensor([[1., 1.], [0., 1.]]))",
    "D.Wishart(3., covariance_matrix=M.eye(2)).log_prob(M.tensor([[1., 2.], [2., 1.]]))",
    "D.Wishart(3., covariance_matrix=M.eye(2)).log_prob(M.eye(3))",
    "D.LKJCholesky(1, 1.)",
    "D.LKJCholesky(3.0, 1.)",
    "D.LKJCholesky(3, 0.)",
    "D.LKJCholesky(3, M.tensor([1., -1.]))",
    "D.LKJCholesky(2, 1.).log_prob(M.tensor([[1., 0.], [0.8, 0.8]]))",
    "D.LKJCholesky(2, 1.).log_prob(M.tensor([[1., 0.5], [0., 1.]]))",
    "D.LKJCholesky(2, 1.).rsample()",
    "D.LKJCholesky(2, 1.).mean",
    "D.LKJCholesky(2, 1.).entropy()",
    "D.kl_divergence(D.LKJCholesky(2, 1.), D.LKJCholesky(2, 1.))",
    "D.kl_divergence(D.Multinomial(2, M.ones(2)), D.Multinomial(2, M.ones(2)))",
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
        "D.NegativeBinomial(M.tensor([2., 0.]), probs=M.tensor([0.3, 0.6]), validate_args=False).log_prob(M.tensor([1.5, 0.]))",
        "D.Multinomial(2, probs=M.tensor([0.2, 0.8]), validate_args=False).log_prob(M.tensor([3., 1.]))",
        "D.LowRankMultivariateNormal(M.zeros(2), M.ones(2, 1), M.ones(2), validate_args=False).log_prob(M.tensor([0., float('nan')]))",
        "D.LKJCholesky(2, 1., validate_args=False).log_prob(M.tensor([[1., 0.], [0.6, 0.9]]))",
        "D.Wishart(3., covariance_matrix=M.eye(2), validate_args=False).log_prob(M.tensor([[2., 0.5], [0.5, 1.]]))",
    ],
)
def test_validate_args_false_skips_the_checks(code):
    rt = eval(code, {"M": torch, "D": torch.distributions})
    rm = eval(code, {"M": mg, "D": mg.distributions})
    _close(rm.detach().numpy(), rt.detach().numpy(), "float32")


CONSTRAINTS = [
    "C.multinomial(3)",
    "C.corr_cholesky",
    "C.MixtureSameFamilyConstraint(C.positive)",
    "C.MixtureSameFamilyConstraint(C.real_vector)",
]
CHECK_VALUES = [
    [[0.0, 1.0, 2.0], [-1.0, 0.5, 3.0], [1.0, 1.0, 1.0]],
    [[1.0, 0.0, 0.0], [0.6, 0.8, 0.0], [0.0, 0.6, 0.8]],
    [[1.0, 0.0, 0.0], [0.6, -0.8, 0.0], [0.0, 0.6, 0.8]],
    [[1.0, 0.0, 0.0], [0.6, 0.7, 0.0], [0.0, 0.6, 0.8]],
    [[float("nan"), 1.0, -2.0], [2.0, 2.0, 0.0], [0.0, 0.0, 4.0]],
]


@pytest.mark.parametrize("expr", CONSTRAINTS)
def test_constraints_match_torch(expr):
    ct = eval(expr, {"C": torch.distributions.constraints})
    cm = eval(expr, {"C": mg.distributions.constraints})
    assert repr(cm) == repr(ct)
    assert (cm.event_dim, cm.is_discrete) == (ct.event_dim, ct.is_discrete)
    for v in CHECK_VALUES:
        for dtype in ("float64", "float32"):
            np.testing.assert_array_equal(
                cm.check(mg.tensor(v, dtype=getattr(mg, dtype))).numpy(),
                ct.check(torch.tensor(v, dtype=getattr(torch, dtype))).numpy(),
            )


def test_lowrank_rsample_gradient_matches_torch_for_the_same_noise():
    """minigrad draws ε_W then ε_D from its generator; replay those draws in torch."""
    loc, W, diag = _randn(2, 3), _randn(3, 2), _pos(3)
    mg.manual_seed(5)
    eps_W = mg.randn((4, 2, 2), dtype=mg.float64).numpy()
    eps_D = mg.randn((4, 2, 3), dtype=mg.float64).numpy()
    Pm = {k: mg.tensor(v, requires_grad=True) for k, v in dict(loc=loc, W=W, D=diag).items()}
    mg.manual_seed(5)
    xm = mg.distributions.LowRankMultivariateNormal(Pm["loc"], Pm["W"], Pm["D"]).rsample((4,))
    Pt = {k: torch.tensor(v, requires_grad=True) for k, v in dict(loc=loc, W=W, D=diag).items()}
    xt = (
        Pt["loc"]
        + (Pt["W"] @ torch.tensor(eps_W).unsqueeze(-1)).squeeze(-1)
        + Pt["D"].sqrt() * torch.tensor(eps_D)
    )
    _close(xm.detach().numpy(), xt.detach().numpy(), "float64")
    w = 1.0 + np.arange(xm.numel()).reshape(xm.shape) % 3
    (xm * mg.tensor(w)).sum().backward()
    (xt * torch.tensor(w)).sum().backward()
    for k in Pm:
        _close(Pm[k].grad.numpy(), Pt[k].grad.numpy(), "float64")


REPRS = [
    "D.Normal(M.tensor([1.]), M.tensor([[2.]]))",
    "D.Normal(M.tensor(1.), 2)",
    "D.Bernoulli(M.tensor([0.5]))",
    "D.Categorical(probs=M.tensor([1.]))",
    "D.Binomial(M.tensor([3]), M.tensor([0.5]))",
    "D.LowRankMultivariateNormal(M.zeros(1), M.ones(1, 1), M.ones(1))",
    "D.NegativeBinomial(M.tensor([2.]), logits=M.tensor(0.3))",
    "D.Wishart(M.tensor([3]), covariance_matrix=M.eye(1))",
    "D.LKJCholesky(2, M.tensor([1.5]))",
    "D.MixtureSameFamily(D.Categorical(M.ones(1)), D.Normal(M.zeros(1), 1.))",
]


@pytest.mark.parametrize("code", REPRS)
def test_one_element_parameters_print_as_torch_prints_them(code):
    """A 0-d parameter prints as its number, any other one-element one as the tensor."""
    assert repr(eval(code, {"M": mg, "D": mg.distributions})) == repr(
        eval(code, {"M": torch, "D": torch.distributions})
    )


def test_wishart_natural_parameters_and_log_normalizer_match_torch():
    df, S = np.array([4.0, 7.5]), _spd(3, 3)
    wt = torch.distributions.Wishart(torch.tensor(df), covariance_matrix=torch.tensor(S))
    wm = mg.distributions.Wishart(mg.tensor(df), covariance_matrix=mg.tensor(S))
    for a, b in zip(wm._natural_params, wt._natural_params):
        _close(a.numpy(), b.numpy(), "float64")
    _close(
        wm._log_normalizer(*wm._natural_params).numpy(),
        wt._log_normalizer(*wt._natural_params).numpy(),
        "float64",
    )
    assert wm._mean_carrier_measure == wt._mean_carrier_measure


MIXED_DTYPES = [
    "M.linalg.solve_triangular(A32, B64, upper=False)",
    "M.linalg.solve_triangular(A64, B32, upper=False)",
    "M.linalg.solve_triangular(A32, B64.mT, upper=True, left=False)",
    "D.MultivariateNormal(M.zeros(3), scale_tril=A32).log_prob(B64[..., 0])",
    "D.MultivariateNormal(M.zeros(3, dtype=M.float64), scale_tril=A32).log_prob(B64[..., 0])",
    "D.kl_divergence(D.MultivariateNormal(M.zeros(3), scale_tril=A32), D.MultivariateNormal(B64[..., 0], scale_tril=A64))",
]


@pytest.mark.parametrize("code", MIXED_DTYPES)
def test_solve_triangular_solves_in_the_dtype_of_a_as_torch(code):
    """torch.linalg.solve_triangular casts B to A's dtype (so a float32 MultivariateNormal
    takes a float64 value); values, dtypes and gradients (in B's dtype) agree."""
    a = np.tril(_randn(3, 3)) + 3 * np.eye(3)
    b = _randn(3, 2)

    def build(M):
        A32 = M.tensor(a, dtype=M.float32, requires_grad=True)
        A64 = M.tensor(a, dtype=M.float64, requires_grad=True)
        B32 = M.tensor(b, dtype=M.float32, requires_grad=True)
        B64 = M.tensor(b, dtype=M.float64, requires_grad=True)
        env = {"M": M, "D": M.distributions, "A32": A32, "A64": A64, "B32": B32, "B64": B64}
        return eval(code, env), {"A32": A32, "A64": A64, "B32": B32, "B64": B64}

    rt, lt = build(torch)
    rm, lm = build(mg)
    assert base._dtype_name(rm) == base._dtype_name(rt)
    _close(rm.detach().numpy(), rt.detach().numpy(), "float32")
    rt.sum().backward()
    rm.sum().backward()
    for k in lt:
        if lt[k].grad is None:
            assert lm[k].grad is None, k
        else:
            assert base._dtype_name(lm[k].grad) == base._dtype_name(lt[k].grad), k
            _close(lm[k].grad.numpy(), lt[k].grad.numpy(), "float32")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("given", ["scale_tril", "covariance_matrix", "precision_matrix"])
def test_wishart_rsample_gradient_matches_torch_for_the_same_bartlett_factor(given, dtype):
    """W = (L A)(L A)ᵀ: recover A = chol(L⁻¹ W L⁻ᵀ) from minigrad's draw, let torch form the
    same W from it, and compare the gradients w.r.t. the scale parameter."""
    S = _spd(2, 3, 3)
    param = {
        "scale_tril": np.linalg.cholesky(S),
        "covariance_matrix": S,
        "precision_matrix": np.linalg.inv(S),
    }[given]
    df = np.array([4.5, 7.0])
    mg.manual_seed(3)
    pm = mg.tensor(param, dtype=getattr(mg, dtype), requires_grad=True)
    wm = mg.distributions.Wishart(mg.tensor(df, dtype=getattr(mg, dtype)), **{given: pm})
    xm = wm.rsample((4,))
    L = np.linalg.cholesky(S)
    Linv = np.linalg.inv(L)
    A = np.linalg.cholesky(
        Linv @ xm.detach().numpy().astype(np.float64) @ np.swapaxes(Linv, -1, -2)
    )
    pt = torch.tensor(param, dtype=getattr(torch, dtype), requires_grad=True)
    wt = torch.distributions.Wishart(torch.tensor(df, dtype=getattr(torch, dtype)), **{given: pt})
    chol = wt._unbroadcasted_scale_tril @ torch.tensor(A, dtype=getattr(torch, dtype))
    xt = chol @ chol.mT
    _close(xm.detach().numpy(), xt.detach().numpy(), dtype)
    w = 1.0 + np.arange(xm.numel()).reshape(xm.shape) % 4
    (xm * mg.tensor(w, dtype=xm.dtype)).sum().backward()
    (xt * torch.tensor(w, dtype=xt.dtype)).sum().backward()
    _close(pm.grad.numpy(), pt.grad.numpy(), dtype)


NAN_MATRICES = [
    [[float("nan"), 0.0], [0.0, 1.0]],
    [[1.0, 0.0], [0.0, float("nan")]],
    [[2.0, float("nan")], [float("nan"), 2.0]],
    [[1.0, 0.0], [float("nan"), 1.0]],
    [[1.0, float("nan")], [0.0, 1.0]],  # above the diagonal: not read
    [[[1.0, 0.0], [0.0, float("nan")]], [[1.0, 0.0], [0.0, 1.0]], [[-1.0, 0.0], [0.0, 1.0]]],
]


@pytest.mark.parametrize("a", NAN_MATRICES)
def test_cholesky_stops_at_a_nan_pivot_as_torch(a):
    """LAPACK's factorization fails at a NaN pivot (info = its order, LinAlgError from
    linalg.cholesky); NumPy's carries the NaN on."""
    _, info_t = torch.linalg.cholesky_ex(torch.tensor(a))
    _, info_m = mg.linalg.cholesky_ex(mg.tensor(a))
    np.testing.assert_array_equal(info_m.numpy(), info_t.numpy())
    if info_t.any():
        with pytest.raises(torch.linalg.LinAlgError):
            torch.linalg.cholesky(torch.tensor(a))
        with pytest.raises(RuntimeError):
            mg.linalg.cholesky(mg.tensor(a))
    else:
        _close(
            mg.linalg.cholesky(mg.tensor(a)).numpy(),
            torch.linalg.cholesky(torch.tensor(a)).numpy(),
            "float32",
        )


def test_lowrank_mvn_with_a_nan_factor_fails_in_the_capacitance_cholesky_as_torch():
    for M in (torch, mg):
        with pytest.raises(RuntimeError):
            M.distributions.LowRankMultivariateNormal(
                M.zeros(2), M.tensor([[float("nan")], [1.0]]), M.ones(2)
            )


def test_wishart_is_an_exponential_family_and_its_kl_is_torchs():
    def run(lib, dfs):
        D = lib.distributions
        f64 = lib.float64
        p = D.Wishart(lib.tensor(5.0, dtype=f64), lib.eye(2, dtype=f64) * 2)
        q = D.Wishart(lib.tensor(6.0, dtype=f64), lib.tensor([[1.0, 0.3], [0.3, 2.0]], dtype=f64))
        df = lib.tensor(dfs, dtype=f64, requires_grad=True)
        dq = lib.tensor(5.0, dtype=f64, requires_grad=True)
        eye = lib.eye(3, dtype=f64).expand(tuple(df.shape) + (3, 3))
        k = D.kl_divergence(D.Wishart(df, eye), D.Wishart(dq, 2 * eye))
        k.sum().backward()
        return (isinstance(p, D.ExponentialFamily), D.kl_divergence(p, q).item(),
                D.kl_divergence(q, p).item(), k.detach().reshape(-1).tolist(), df.grad,
                dq.grad.item())  # fmt: skip

    got = run(mg, [4.0, 7.0])
    assert got[0] and got[4] is None
    # PyTorch sums the df term over the batch when the batch is not empty (its
    # _sum_rightmost counts the event's dims): held against its unbatched KL, element by element
    for i, df in enumerate([4.0, 7.0]):
        want = run(torch, df)
        assert want[0] and want[4] is None
        np.testing.assert_allclose(got[1:3] + (got[3][i],), want[1:3] + (want[3][0],), rtol=1e-10)
    np.testing.assert_allclose(got[5], run(torch, 4.0)[5] + run(torch, 7.0)[5], rtol=1e-10)
