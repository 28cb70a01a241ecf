"""torch.special's Bessel Y, modified Bessel I and K, Airy Ai and the classical orthogonal
polynomials against PyTorch: dense grids in float64 and float32, the special points,
dtypes, broadcasting, the degree n as tensor or number, no gradient, and the errors.
Runs only where torch is installed.

PyTorch's bessel_y0/y1 (x > 5 and, slightly, below) and airy_ai (x < -2.09) evaluate
Cephes' rational functions without the implicit leading coefficient of their
denominators (Cephes' p1evl), which costs them up to ~1e-6 absolutely; minigrad's are
held to mpmath (a dependency of torch) there and to PyTorch within its error.
PyTorch's polynomial kernels return an uninitialised value for x = NaN and n >= 2;
minigrad's return NaN.
"""

import importlib
import warnings

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg
import minigrad.special as S

torch = import_torch()
mpmath = importlib.import_module("mpmath")
TS = torch.special

SPECIAL = np.array([0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 2.09, -2.09, 5.0, 8.0, 0.5, 1e-300,
                    -1e-300, 1e-5, 1e300, -1e300, 103.892, 103.9, 700.0, 800.0, np.inf,
                    -np.inf, np.nan])  # fmt: skip
GRID = np.r_[np.linspace(-40, 40, 4001), np.logspace(-300, 300, 301), -np.logspace(-300, 3, 101)]

UNARY = ["modified_bessel_i0", "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1",
         "scaled_modified_bessel_k0", "scaled_modified_bessel_k1", "bessel_y0", "bessel_y1",
         "airy_ai"]  # fmt: skip
# where PyTorch's kernel agrees with the exact value only to ~1e-6 (see the docstring)
LESS_ACCURATE = ("bessel_y0", "bessel_y1", "airy_ai")


def run(name, x, dtype):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = getattr(S, name)(mg.tensor(x, dtype=getattr(mg, dtype))).numpy()
        want = getattr(TS, name)(torch.tensor(x, dtype=getattr(torch, dtype))).numpy()
    assert got.dtype == want.dtype
    return got, want


def assert_close(got, want, rtol, floor):
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    assert got.shape == want.shape
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    inf = np.isinf(want)
    np.testing.assert_array_equal(got[inf], want[inf])
    fin = np.isfinite(want)
    err = np.abs(got[fin] - want[fin]) / np.maximum(np.abs(want[fin]), floor)
    assert err.size == 0 or err.max() <= rtol, (err.max(), got[fin][err.argmax()])


@pytest.mark.parametrize("name", UNARY)
def test_values_float64(name):
    got, want = run(name, GRID, "float64")
    if name in LESS_ACCURATE:
        assert_close(got, want, 3e-6, 1.0)
    else:
        assert_close(got, want, 1e-13, 1e-300)


@pytest.mark.parametrize("name", UNARY)
def test_values_float32(name):
    # PyTorch computes in float32: a few of its ulps, absolutely near the zeros (floor 1);
    # x above float32's tiniest normal (PyTorch's float32 log(x/2) underflows below it).
    # Its float32 phase x - π/4 (ζ + π/4 for Ai) keeps no digits for large x: |x| <= 40
    x = GRID[(np.abs(GRID) < 1e30) & ((np.abs(GRID) > 1e-37) | (GRID == 0))]
    if name in LESS_ACCURATE:
        x = x[np.abs(x) <= 40]
    got, want = run(name, x.astype(np.float32), "float32")
    assert_close(got, want, 2e-5, 1.0 if name in LESS_ACCURATE else 1e-30)


@pytest.mark.parametrize("name", UNARY)
def test_special_points(name):
    got, want = run(name, SPECIAL, "float64")
    assert_close(got, want, 3e-6 if name in LESS_ACCURATE else 1e-13, 1e-300)


@pytest.mark.parametrize(
    "name, exact",
    [("bessel_y0", lambda v: mpmath.bessely(0, v)), ("bessel_y1", lambda v: mpmath.bessely(1, v)),
     ("airy_ai", mpmath.airyai)],
)  # fmt: skip
def test_where_pytorch_is_less_accurate_both_are_near_mpmath(name, exact):
    x = np.r_[np.linspace(0.05, 40, 400), np.logspace(-6, 2, 40)]
    if name == "airy_ai":
        x = np.r_[x, -x]
    want = np.array([float(exact(v)) for v in x])
    got = getattr(S, name)(mg.tensor(x)).numpy()
    # Y₁ and Ai reach 1e4 and 0.5: absolute to 1e-14 of the scale, relative elsewhere
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    theirs = getattr(TS, name)(torch.tensor(x)).numpy()
    np.testing.assert_allclose(theirs, want, rtol=0, atol=3e-6)
    assert np.abs(theirs - want).max() > 1e-7  # PyTorch's error, which minigrad's lacks


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("dtype", ["int64", "int32", "bool", "uint8"])
def test_integers_and_bools_in_the_default_dtype(name, dtype):
    x = np.array([0, 1, 2, 3]).astype(dtype)
    got = getattr(S, name)(mg.tensor(x))
    want = getattr(TS, name)(torch.tensor(x))
    assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1]
    assert_close(got.numpy(), want.numpy(), 2e-5, 1.0)


@pytest.mark.parametrize("name", UNARY + ["bessel_j0", "bessel_j1", "spherical_bessel_j0"])
def test_no_gradient_and_the_errors(name):
    x = mg.tensor([[0.5, 1.5]], requires_grad=True)
    assert not getattr(S, name)(x).requires_grad
    assert not getattr(TS, name)(torch.tensor([[0.5, 1.5]], requires_grad=True)).requires_grad
    for bad in ("torch.tensor([1.0], dtype=torch.float16)", "torch.tensor([1 + 1j])", "2.0"):
        with pytest.raises(Exception) as want:
            getattr(TS, name)(eval(bad, {"torch": torch}))
        with pytest.raises(want.type):
            getattr(S, name)(eval(bad, {"torch": mg}))


@pytest.mark.parametrize("name", UNARY)
def test_shapes_transposed_empty_and_0d(name):
    a = np.linspace(0.1, 9, 12).reshape(3, 4)
    got = getattr(S, name)(mg.tensor(a).t()).numpy()
    want = getattr(TS, name)(torch.tensor(a).t()).numpy()
    assert got.shape == (4, 3)
    assert_close(got, want, 3e-6 if name in LESS_ACCURATE else 1e-13, 1.0)
    assert getattr(S, name)(mg.zeros(0, 3)).shape == (0, 3)
    assert getattr(S, name)(mg.tensor(1.5)).shape == ()


def test_keyword_names_are_pytorchs():
    x = np.array([0.5, 3.0])
    np.testing.assert_array_equal(
        S.airy_ai(x=mg.tensor(x)).numpy(), S.airy_ai(mg.tensor(x)).numpy()
    )
    TS.airy_ai(x=torch.tensor(x))
    S.bessel_y0(input=mg.tensor(x))
    TS.bessel_y0(input=torch.tensor(x))
    S.legendre_polynomial_p(x=mg.tensor(x), n=2)
    TS.legendre_polynomial_p(x=torch.tensor(x), n=2)
    # documented as ``input``, which PyTorch's parser refuses for these
    for M, f in ((torch, TS), (mg, S)):
        for name in ("airy_ai", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
                     "spherical_bessel_j0"):  # fmt: skip
            with pytest.raises(TypeError):
                getattr(f, name)(input=M.tensor(x))
            getattr(f, name)(x=M.tensor(x))
        with pytest.raises(TypeError):
            f.chebyshev_polynomial_t(input=M.tensor(x), n=2)


# ---- orthogonal polynomials --------------------------------------------------------------

POLYNOMIALS = ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v",
               "chebyshev_polynomial_w", "shifted_chebyshev_polynomial_t",
               "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
               "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he",
               "laguerre_polynomial_l", "legendre_polynomial_p"]  # fmt: skip
XS = np.r_[np.linspace(-1.5, 1.5, 301), np.linspace(-12, 12, 97),
           [0.0, -0.0, 1.0, -1.0, 0.5, np.inf, -np.inf, 1e-300, 1e10, -1e10, 0.9999999,
            -0.9999999, 1 - 1e-12, 1e-8]]  # fmt: skip
NS = np.r_[np.arange(-3, 45), [50, 100, 127, 128, 129, 200, 511, 512, 513, 600, 2.5, 2.9999, -0.5,
           7.5, 8.99, np.nan, np.inf, -np.inf, 1e30, -1e30]]  # fmt: skip


def run2(name, x, n, dtype):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        M = getattr(mg, dtype)
        got = getattr(S, name)(mg.tensor(x, dtype=M), mg.tensor(n, dtype=M)).numpy()
        tdt = getattr(torch, dtype)
        want = getattr(TS, name)(torch.tensor(x, dtype=tdt), torch.tensor(n, dtype=tdt)).numpy()
    assert got.dtype == want.dtype
    return got, want


@pytest.mark.parametrize("name", POLYNOMIALS)
def test_polynomials_float64_exactly(name):
    # PyTorch's recurrences and closed forms, rounded as its fused multiply-adds round
    X, N = np.meshgrid(XS, NS)
    got, want = run2(name, X, N, "float64")
    same = (got == want) | (np.isnan(got) & np.isnan(want))
    assert same.mean() > 0.999, same.mean()
    assert_close(got, want, 1e-13, 1e-300)


@pytest.mark.parametrize("name", POLYNOMIALS)
def test_polynomials_float32(name):
    X, N = np.meshgrid(XS, NS)
    got, want = run2(name, X, N, "float32")
    same = (got == want) | (np.isnan(got) & np.isnan(want))
    assert same.mean() > 0.98, same.mean()  # the rest: float32 cos of n acos x, by an ulp
    assert_close(got, want, 2e-5, 1.0)


@pytest.mark.parametrize("name", POLYNOMIALS)
def test_polynomials_degree_as_number_broadcast_and_dtypes(name):
    f, g = getattr(S, name), getattr(TS, name)
    x = np.linspace(-1.2, 1.2, 7)
    cases = [
        (lambda M: M.tensor(x), lambda M: 3),
        (lambda M: M.tensor(x), lambda M: 3.7),  # truncated to 3
        (lambda M: M.tensor(x), lambda M: -2),
        (lambda M: M.tensor(x).reshape(7, 1), lambda M: M.tensor([0, 1, 2, 9])),
        (lambda M: 0.3, lambda M: M.tensor([0, 1, 5, 12])),
        (lambda M: 2, lambda M: M.tensor([3])),
        (lambda M: M.tensor([1, 2, 0, -1]), lambda M: M.tensor(4)),
        (lambda M: M.tensor(x, dtype=M.float32), lambda M: M.tensor(3.0, dtype=M.float64)),
        (lambda M: M.tensor(x, dtype=M.float32), lambda M: M.tensor([3.0], dtype=M.float64)),
        (lambda M: M.tensor(x, dtype=M.float32), lambda M: M.tensor([3.0], dtype=M.float16)),
        (lambda M: M.tensor(0.5, dtype=M.float64), lambda M: M.tensor([3], dtype=M.int32)),
        (lambda M: M.tensor([True, False]), lambda M: True),
        (lambda M: M.tensor(x).reshape(7, 1).t(), lambda M: M.tensor([[2], [10]])),
        (lambda M: M.zeros(0, 2), lambda M: 4),
        (lambda M: M.tensor(x), lambda M: np.int64(5)),
        (lambda M: np.float64(0.5), lambda M: M.tensor([3, 11])),
    ]
    for xf, nf in cases:
        got, want = f(xf(mg), nf(mg)), g(xf(torch), nf(torch))
        assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1]
        assert tuple(got.shape) == tuple(want.shape)
        assert not got.requires_grad
        assert_close(got.numpy(), want.numpy(), 1e-6, 1.0)


@pytest.mark.parametrize("name", POLYNOMIALS)
def test_polynomials_have_no_gradient(name):
    x = mg.tensor([0.3, 0.7], requires_grad=True)
    assert not getattr(S, name)(x, 3).requires_grad
    assert not getattr(S, name)(mg.tensor(0.3), mg.tensor(3.0, requires_grad=True)).requires_grad
    assert not getattr(TS, name)(torch.tensor([0.3], requires_grad=True), 3).requires_grad


POLY_ERRORS = [
    "f(2.0, 3)",
    "f(M.tensor([1.0, 2.0]), None)",
    "f(M.tensor([1.0, 2.0]), M.tensor([1.0, 2.0, 3.0]))",
    "f(M.tensor([1.0], dtype=M.float16), 3)",
    "f(M.tensor([0.5], dtype=M.float16), M.tensor(2.0))",
    "f(M.tensor([1 + 1j]), 3)",
    "f(M.tensor([1.0]), '3')",
    "f(M.tensor([1.0]), 2 + 1j)",
]


@pytest.mark.parametrize("code", POLY_ERRORS)
@pytest.mark.parametrize("name", ["chebyshev_polynomial_t", "hermite_polynomial_h"])
def test_polynomial_errors_are_pytorchs(name, code):
    with pytest.raises(Exception) as want:
        eval(code, {"M": torch, "f": getattr(TS, name)})
    with pytest.raises(want.type) as got:
        eval(code, {"M": mg, "f": getattr(S, name)})
    assert name in str(got.value) or "Tensor" in str(got.value)
