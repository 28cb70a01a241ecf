"""minigrad.special against torch.special: values over wide ranges and at the special
points (0, -0, ±inf, NaN, the poles), in float64 and float32, gradients, dtypes,
signatures and the errors. Runs only where torch is installed.

Where torch's own kernel is less accurate than minigrad's (its Bessel J₀ and J₁ between
2 and 25, its incomplete gamma for a > 20), both are held to mpmath (which ships with
torch) and to each other within torch's error.
"""

import importlib
import inspect
import re
import warnings

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg
import minigrad.special as S

torch = import_torch()
mpmath = importlib.import_module("mpmath")  # a dependency of torch (through sympy)
TS = torch.special

RNG = np.random.default_rng(0)


def grid(lo, hi, n=2001):
    return np.linspace(lo, hi, n)


def logs(lo, hi, n=301):
    return np.logspace(lo, hi, n)


SPECIAL_POINTS = np.array([0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 1e-300, -1e-300,
                           1e300, -1e300, np.inf, -np.inf, np.nan])  # fmt: skip

# name: (domain sample, floor of the relative error's denominator)
UNARY = {
    "gammaln": (np.r_[grid(-30, 30), logs(-300, 300), -logs(-300, 1.4), grid(0.5, 2.5)], 1e-2),
    "digamma": (np.r_[grid(-30, 30), logs(-300, 300), -logs(-300, 1.4)], 1e-300),
    "psi": (np.r_[grid(-30, 30), logs(-5, 300)], 1e-300),
    "erfcx": (np.r_[grid(-26, 30), logs(-300, 300), -logs(-300, 1.4)], 1e-300),
    # ndtr = (1 + erf(x/√2)) / 2 as PyTorch composes it: one ulp of erf near -1 is all
    # that is left of the lower tail, so it is accurate absolutely there, not relatively
    "ndtr": (np.r_[grid(-10, 10), logs(-300, 300), -logs(-300, 1.4)], 1e-3),
    "ndtri": (np.r_[grid(0, 1), logs(-320, -1), 1 - logs(-16, -1)], 1e-300),
    "log_ndtr": (np.r_[grid(-30, 30), logs(-300, 300), -logs(-300, 2)], 1e-300),
    "i0": (np.r_[grid(-50, 50), logs(-300, 3), -logs(-300, 3)], 1e-300),
    "i0e": (np.r_[grid(-50, 50), logs(-300, 3), -logs(-300, 3)], 1e-300),
    "i1": (np.r_[grid(-50, 50), logs(-300, 3), -logs(-300, 3)], 1e-300),
    "i1e": (np.r_[grid(-50, 50), logs(-300, 3), -logs(-300, 3)], 1e-300),
    "entr": (np.r_[grid(-2, 5), logs(-300, 300)], 1e-300),
    "erfinv": (np.r_[grid(-1, 1), 1 - logs(-16, -1), logs(-300, -1), -logs(-300, -1)], 1e-300),
    "spherical_bessel_j0": (np.r_[grid(-50, 50), logs(-300, 300)], 1e-300),
    "expit": (grid(-50, 50), 1e-300),
    "exp2": (grid(-50, 50), 1e-300),
    "expm1": (np.r_[grid(-50, 50), logs(-300, 1)], 1e-300),
    "log1p": (np.r_[grid(-0.99, 50), logs(-300, 1)], 1e-300),
    "erf": (np.r_[grid(-6, 6), logs(-300, 1)], 1e-300),
    "erfc": (grid(-6, 26), 1e-300),
    "sinc": (grid(-5, 5), 1e-300),
    "logit": (grid(0, 1), 1e-300),
    "round": (grid(-5, 5), 1e-300),
}
# Bessel J: torch's kernels are off by up to ~5e-7 near x = 5 (see the mpmath test)
UNARY["bessel_j0"] = (np.r_[grid(-1.5, 1.5), grid(26, 200), -grid(26, 200)], 1.0)
UNARY["bessel_j1"] = UNARY["bessel_j0"]

# domain samples where the gradient is smooth: name -> (lo, hi)
GRAD_DOMAIN = {
    "gammaln": (-4.7, 20), "digamma": (-4.7, 20), "psi": (0.1, 20), "erfcx": (-5, 20),
    "ndtr": (-8, 8), "ndtri": (0.001, 0.999), "log_ndtr": (-30, 8), "i0": (-30, 30),
    "i0e": (-30, 30), "i1": (-30, 30), "i1e": (-30, 30), "entr": (0.01, 5),
    "erfinv": (-0.99, 0.99), "expit": (-20, 20), "exp2": (-20, 20), "expm1": (-5, 5),
    "log1p": (-0.9, 5), "erf": (-4, 4), "erfc": (-4, 4), "sinc": (-3, 3), "logit": (0.01, 0.99),
}  # fmt: skip


F32_FLOOR = {"digamma": 1.0, "psi": 1.0, "gammaln": 1.0, "ndtr": 1.0}


def assert_close(got, want, rtol, floor):
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    assert got.shape == want.shape
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    inf = np.isinf(want)
    np.testing.assert_array_equal(got[inf], want[inf])
    fin = np.isfinite(want)
    err = np.abs(got[fin] - want[fin]) / np.maximum(np.abs(want[fin]), floor)
    assert err.size == 0 or err.max() <= rtol, (
        err.max(),
        got[fin][err.argmax()],
        want[fin][err.argmax()],
    )


def run(name, x, dtype):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = getattr(S, name)(mg.tensor(x, dtype=dtype))
        want = getattr(TS, name)(torch.tensor(x, dtype=getattr(torch, np.dtype(dtype).name)))
    return got, want


@pytest.mark.parametrize("name", sorted(UNARY))
def test_values_float64_match_pytorch(name):
    x, floor = UNARY[name]
    got, want = run(name, x, mg.float64)
    assert got.dtype == mg.float64
    assert_close(got.numpy(), want.numpy(), 1e-12, floor)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_values_float32_match_pytorch(name):
    x, floor = UNARY[name]
    x = x[np.abs(x) < 1e30]
    got, want = run(name, x.astype(np.float32), mg.float32)
    assert got.dtype == mg.float32
    # to a few units of float32 rounding of the terms (PyTorch sums them in float32, so
    # near a zero of the function, as digamma's at 1.46, that is absolute, not relative)
    assert_close(got.numpy(), want.numpy(), 2e-5, max(floor, F32_FLOOR.get(name, 1e-30)))


@pytest.mark.parametrize("name", sorted(UNARY))
def test_special_points_match_pytorch(name):
    got, want = run(name, SPECIAL_POINTS, mg.float64)
    assert_close(got.numpy(), want.numpy(), 1e-12, UNARY[name][1])


@pytest.mark.parametrize("name", sorted(GRAD_DOMAIN))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_gradients_match_pytorch(name, dtype):
    lo, hi = GRAD_DOMAIN[name]
    x = RNG.uniform(lo, hi, size=(4, 25)).astype(dtype)
    g = RNG.standard_normal((4, 25)).astype(dtype)
    a = mg.tensor(x, requires_grad=True)
    getattr(S, name)(a).backward(mg.tensor(g))
    # float32 against PyTorch's float64 gradient at the same points: its float32 formulas
    # lose more (log_ndtr's exp(-(out + x²/2)) cancels); float32 rounding of the terms
    b = torch.tensor(x.astype(np.float64), requires_grad=True)
    getattr(TS, name)(b).backward(torch.tensor(g.astype(np.float64)))
    assert a.grad.dtype == a.dtype
    if dtype == "float64":
        assert_close(a.grad.numpy(), b.grad.numpy(), 1e-10, 1e-3)
    else:
        assert_close(a.grad.numpy(), b.grad.numpy(), 2e-5, 1.0)


@pytest.mark.parametrize("name", ["i1", "i1e", "i0e", "i0"])
def test_bessel_gradients_at_zero_match_pytorch(name):
    a = mg.tensor([0.0, -0.0, 1e-20], dtype=mg.float64, requires_grad=True)
    getattr(S, name)(a).sum().backward()
    b = torch.tensor([0.0, -0.0, 1e-20], dtype=torch.float64, requires_grad=True)
    getattr(TS, name)(b).sum().backward()
    assert_close(a.grad.numpy(), b.grad.numpy(), 1e-14, 1e-300)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 7])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_polygamma_values_and_gradients(n, dtype):
    x = np.r_[grid(-8.3, 30, 1001), logs(-5, 10, 101), SPECIAL_POINTS]
    if dtype == "float32":  # PyTorch's float32 sin(πx) for x < 0 has the error of πx
        x = x[~(x < 0) & ~(x > 1e30)]
    x = x.astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = S.polygamma(n, mg.tensor(x)).numpy()
        want = TS.polygamma(n, torch.tensor(x)).numpy()
    assert got.dtype == want.dtype
    if dtype == "float64":
        assert_close(got, want, 1e-12, 1e-300)
    else:
        assert_close(got, want, 2e-5, 1e-30 if n > 1 else 1.0)
    xs = RNG.uniform(0.2, 15, 40).astype(dtype)
    a, b = mg.tensor(xs, requires_grad=True), torch.tensor(xs, requires_grad=True)
    S.polygamma(n, a).sum().backward()
    TS.polygamma(n, b).sum().backward()
    assert_close(a.grad.numpy(), b.grad.numpy(), 1e-12 if dtype == "float64" else 2e-5, 1e-300)


@pytest.mark.parametrize("p", [1, 2, 3, 5])
def test_multigammaln_values_and_gradients(p):
    x = np.r_[grid((p - 1) / 2 + 0.01, 40, 301), logs(1.7, 100, 21)]
    a, b = mg.tensor(x, dtype=mg.float64, requires_grad=True), torch.tensor(x, requires_grad=True)
    got, want = S.multigammaln(a, p), TS.multigammaln(b, p)
    assert_close(got.detach().numpy(), want.detach().numpy(), 1e-12, 1e-2)
    g = RNG.standard_normal(x.shape)
    got.backward(mg.tensor(g))
    want.backward(torch.tensor(g))
    assert_close(a.grad.numpy(), b.grad.numpy(), 1e-12, 1e-2)


def incomplete_gamma_grid(a_values):
    A, X = np.meshgrid(a_values, np.r_[logs(-5, 4, 80), 0.0, np.inf, np.nan, -1.0])
    return A, X


@pytest.mark.parametrize("name", ["gammainc", "gammaincc"])
def test_incomplete_gamma_matches_pytorch(name):
    A, X = incomplete_gamma_grid([0.0, 0.1, 0.5, 1, 2, 3.5, 7, 12.5, 20, np.inf, -1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = getattr(S, name)(mg.tensor(A), mg.tensor(X)).numpy()
        want = getattr(TS, name)(torch.tensor(A), torch.tensor(X)).numpy()
    assert_close(got, want, 1e-12, 1e-300)


@pytest.mark.parametrize("name", ["gammainc", "gammaincc"])
def test_incomplete_gamma_for_large_a_against_mpmath_and_pytorch(name):
    # torch's asymptotic expansion for large a is good to ~1e-9; minigrad's sums to 1e-12
    A, X = np.meshgrid([30.0, 100.0, 1000.0], np.r_[logs(0, 3.5, 40)])
    got = getattr(S, name)(mg.tensor(A), mg.tensor(X)).numpy()
    want = getattr(TS, name)(torch.tensor(A), torch.tensor(X)).numpy()
    exact = np.vectorize(
        lambda a, x: (
            float(mpmath.gammainc(a, 0, x, regularized=True))
            if name == "gammainc"
            else float(mpmath.gammainc(a, x, mpmath.inf, regularized=True))
        )
    )(A, X)
    assert_close(got, exact, 1e-10, 1e-300)
    assert_close(got, want, 1e-8, 1e-300)


@pytest.mark.parametrize("name", ["gammainc", "gammaincc"])
def test_incomplete_gamma_gradient_in_x_matches_pytorch(name):
    a = RNG.uniform(0.1, 10, 30)
    x = RNG.uniform(0.05, 20, 30)
    ma, mx = mg.tensor(a), mg.tensor(x, requires_grad=True)
    ta, tx = torch.tensor(a), torch.tensor(x, requires_grad=True)
    getattr(S, name)(ma, mx).sum().backward()
    getattr(TS, name)(ta, tx).sum().backward()
    assert_close(mx.grad.numpy(), tx.grad.numpy(), 1e-11, 1e-300)


def test_bessel_j_against_mpmath_where_pytorch_is_less_accurate():
    x = np.r_[grid(-25, 25, 501)]
    for nu, name in ((0, "bessel_j0"), (1, "bessel_j1")):
        exact = np.array([float(mpmath.besselj(nu, v)) for v in x])
        got = getattr(S, name)(mg.tensor(x)).numpy()
        np.testing.assert_allclose(got, exact, rtol=0, atol=5e-16)
        want = getattr(TS, name)(torch.tensor(x)).numpy()
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)


def test_zeta_matches_pytorch():
    Z, Q = np.meshgrid(
        [1.0, 1.5, 2, 3, 7.5, 20, 0.5, np.nan], np.r_[grid(-5, 50, 221), 1e-8, np.inf, np.nan]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = S.zeta(mg.tensor(Z), mg.tensor(Q)).numpy()
        want = TS.zeta(torch.tensor(Z), torch.tensor(Q)).numpy()
    assert_close(got, want, 1e-13, 1e-300)
    assert_close(
        S.zeta(2.0, mg.tensor([1.5, 3.0])).numpy(),
        TS.zeta(2.0, torch.tensor([1.5, 3.0])).numpy(),
        1e-13,
        0,
    )
    assert_close(
        S.zeta(mg.tensor([2, 3]), 2).numpy(), TS.zeta(torch.tensor([2, 3]), 2).numpy(), 1e-6, 0
    )


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_xlog1py_values_and_gradients(dtype):
    vals = np.array([0.0, -0.0, 1.0, -1.0, -2.0, 2.5, 1e-20, np.inf, np.nan, -0.5])
    A, B = np.meshgrid(vals, vals)
    A, B = A.astype(dtype), B.astype(dtype)
    a, b = mg.tensor(A, requires_grad=True), mg.tensor(B, requires_grad=True)
    ta, tb = torch.tensor(A, requires_grad=True), torch.tensor(B, requires_grad=True)
    g = RNG.standard_normal(A.shape).astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out, tout = S.xlog1py(a, b), TS.xlog1py(ta, tb)
        out.backward(mg.tensor(g))
        tout.backward(torch.tensor(g))
    rtol = 1e-14 if dtype == "float64" else 1e-6
    assert_close(out.detach().numpy(), tout.detach().numpy(), rtol, 1e-300)
    assert_close(a.grad.numpy(), ta.grad.numpy(), rtol, 1e-300)
    assert_close(b.grad.numpy(), tb.grad.numpy(), rtol, 1e-300)
    assert_close(
        S.xlog1py(2.0, mg.tensor([1.5])).numpy(),
        TS.xlog1py(2.0, torch.tensor([1.5])).numpy(),
        1e-6,
        0,
    )


UNARY_NAMES = ["gammaln", "digamma", "i0", "i0e", "i1", "i1e", "erfcx", "ndtr", "ndtri",
               "log_ndtr", "entr", "bessel_j0", "bessel_j1", "spherical_bessel_j0", "expit",
               "sinc"]  # fmt: skip


@pytest.mark.parametrize("name", UNARY_NAMES)
@pytest.mark.parametrize("dtype", ["int64", "bool", "int32"])
def test_integers_compute_in_the_default_dtype(name, dtype):
    x = np.array([0, 1, 2, 3]).astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = getattr(S, name)(mg.tensor(x))
        want = getattr(TS, name)(torch.tensor(x))
    assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1]
    assert_close(got.numpy(), want.numpy(), 1e-6, 1e-30)


@pytest.mark.parametrize("name", ["bessel_j0", "bessel_j1", "spherical_bessel_j0"])
def test_bessel_j_has_no_gradient(name):
    assert not getattr(S, name)(mg.tensor([0.5], requires_grad=True)).requires_grad
    assert not getattr(TS, name)(torch.tensor([0.5], requires_grad=True)).requires_grad


ERRORS = [
    "M.special.polygamma(-1, M.tensor([1.0]))",
    "M.special.polygamma(1.5, M.tensor([1.0]))",
    "M.special.multigammaln(M.tensor([1.0]), 0)",
    "M.special.gammainc(M.tensor([2]), M.tensor([1]))",
    "M.special.gammainc(M.tensor([2.0]), 1.0)",
    "M.special.gammaincc(2.0, M.tensor([1.0]))",
    "M.special.gammainc(M.tensor([2.0, 1.0]), M.tensor([1.0, 2.0, 3.0]))",
    "M.special.zeta(M.tensor([2.0, 1.0]), M.tensor([1.0, 2.0, 3.0]))",
    "M.special.xlog1py(M.tensor([2.0, 1.0]), M.tensor([1.0, 2.0, 3.0]))",
    "M.special.zeta(M.tensor([2.0], requires_grad=True), M.tensor([1.5])).sum().backward()",
    "M.special.gammainc(M.tensor([2.0], requires_grad=True), M.tensor([1.5])).sum().backward()",
    "M.special.gammaincc(M.tensor([2.0], requires_grad=True), M.tensor([1.5])).sum().backward()",
    "M.special.softmax(M.tensor([1, 2]), 0)",
    "M.special.log_softmax(M.tensor([1.0, 2.0]), 1)",
    "M.special.logsumexp(M.tensor([1.0, 2.0]), 3)",
]


@pytest.mark.parametrize("code", ERRORS)
def test_errors_are_pytorchs(code):
    with pytest.raises(Exception) as want:
        eval(code, {"M": torch})
    with pytest.raises(want.type) as got:
        eval(code, {"M": mg})
    assert got.type is want.type or isinstance(got.value, want.type)


SAME = [
    "M.lgamma(M.tensor([0.5, -1.5, 3.0, 0.0], dtype=M.float64))",
    "M.digamma(M.tensor([0.5, -1.5, 3.0, 0.0, -0.0], dtype=M.float64))",
    "M.polygamma(2, M.tensor([0.5, -1.5, 3.0], dtype=M.float64))",
    "M.mvlgamma(M.tensor([2.5, 3.0], dtype=M.float64), p=3)",
    "M.i0(M.tensor([0.5, -1.5, 3.0], dtype=M.float64))",
    "M.erfinv(M.tensor([0.5, -0.999999], dtype=M.float64))",
    "M.tensor([0.5, 3.0], dtype=M.float64).lgamma()",
    "M.tensor([0.5, 3.0], dtype=M.float64).digamma()",
    "M.tensor([0.5, 3.0], dtype=M.float64).polygamma(3)",
    "M.tensor([2.5, 3.0], dtype=M.float64).mvlgamma(2)",
    "M.tensor([0.5, 3.0], dtype=M.float64).i0()",
    "M.tensor([0.5, 3.0], dtype=M.float64).lgamma_()",
    "M.tensor([0.5, 3.0], dtype=M.float64).digamma_()",
    "M.tensor([0.5, 3.0], dtype=M.float64).polygamma_(2)",
    "M.tensor([2.5, 3.0], dtype=M.float64).mvlgamma_(2)",
    "M.tensor([0.5, 3.0], dtype=M.float64).i0_()",
    "M.tensor([0.5, -0.3], dtype=M.float64).erfinv_()",
    "M.special.psi(M.tensor([0.5, 3.0], dtype=M.float64))",
    "M.special.logit(M.tensor([0.2, 0.9, 0.5]), eps=0.3)",
    "M.special.round(M.tensor([1.26, -2.5]), decimals=1)",
    "M.special.softmax(M.tensor([[1.0, 2.0], [0.5, 3.0]]), 1, dtype=M.float64)",
    "M.special.log_softmax(M.tensor([[1.0, 2.0], [0.5, 3.0]]), dim=0)",
    "M.special.logsumexp(M.tensor([[1.0, 2.0], [0.5, 3.0]]), 1, keepdim=True)",
    "M.special.xlogy(M.tensor([0.0, 2.0]), M.tensor([0.0, 3.0]))",
    "M.special.multigammaln(M.tensor([2, 3]), 2)",
    "M.special.gammainc(M.tensor([2.0]), M.tensor([[1.0], [2.0]]))",
]


@pytest.mark.parametrize("code", SAME)
def test_namespace_and_methods_as_pytorch(code):
    got, want = eval(code, {"M": mg}), eval(code, {"M": torch})
    assert got.shape == tuple(want.shape)
    assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1]
    assert_close(got.numpy(), want.numpy(), 1e-6 if got.dtype == mg.float32 else 1e-12, 1e-300)


@pytest.mark.parametrize(
    "method, args", [("lgamma_", ()), ("digamma_", ()), ("polygamma_", (1,)), ("i0_", ())]
)
def test_in_place_forms_record_the_op_as_pytorch(method, args):
    x = np.array([0.7, 2.5, 4.0])
    a = mg.tensor(x, dtype=mg.float64, requires_grad=True)
    b = torch.tensor(x, requires_grad=True)
    ya, yb = a * 1, b * 1
    getattr(ya, method)(*args)
    getattr(yb, method)(*args)
    ya.sum().backward()
    yb.sum().backward()
    assert_close(ya.detach().numpy(), yb.detach().numpy(), 1e-12, 1e-300)
    assert_close(a.grad.numpy(), b.grad.numpy(), 1e-12, 1e-300)


def torch_params(name):
    """The parameter names of torch.special.name, read from its docstring (minus out)."""
    first = TS.__dict__[name].__doc__.strip().splitlines()[0]
    params = re.match(r"\w+\((.*)\)", first).group(1)
    return [
        p.split("=")[0].strip()
        for p in params.split(",")
        if p.strip() not in ("*",) and "out" not in p
    ]


# documented as ``input``, but PyTorch's argument parser takes (and its errors name) ``x``:
# airy_ai(x=t) works and airy_ai(input=t) is a TypeError (test_torch_oracle_pspecial.py)
TAKES_X = ("airy_ai", "scaled_modified_bessel_k", "spherical_bessel_j0", "chebyshev_polynomial_",
           "shifted_chebyshev_polynomial_", "hermite_polynomial_", "laguerre_polynomial_l",
           "legendre_polynomial_p")  # fmt: skip


@pytest.mark.parametrize("name", S.__all__)
def test_signatures_are_pytorchs(name):
    got = list(inspect.signature(getattr(S, name)).parameters)
    want = torch_params(name)
    if name.startswith(TAKES_X):
        want = ["x"] + want[1:]
    assert got[: len(want)] == want
    assert name == "round" or got == want  # round also takes decimals, as torch.round


def test_every_name_is_in_torch_special():
    assert set(S.__all__) <= set(dir(TS))
    assert len(S.__all__) >= 35
