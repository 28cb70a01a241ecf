"""PyTorch's ``torch.special``: the gamma family, error functions and the normal
distribution, Bessel functions, and aliases of the ops minigrad has elsewhere.

Each op's forward and VJP sit together; the array kernels are in
``special_functions.py`` (computed in float64, returned in the input's float dtype;
integer input in the default dtype, as PyTorch). ``X`` is the input array, ``out``
the result, ``g`` the output's gradient.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from . import dtypes
from . import special_functions as sf
from .engine import no_derivative, record
from .more_ops import (
    _float_op,
    _float_pair,
    _operands,
    _x_log,
    erf,
    erfc,
    erfinv,
    exp2,
    expm1,
    log1p,
    logit,
    sinc,
    xlogy,
)
from .ops import _quiet, _refuse, _unary_float, logsumexp, refuse_complex, round, sigmoid
from .surface_ops import i0  # torch.i0, defined with the Tensor surface
from .tensor import Tensor, check_tensor

__all__ = [
    "airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "chebyshev_polynomial_t",
    "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w", "digamma",
    "entr", "erf", "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1", "gammainc",
    "gammaincc", "gammaln", "hermite_polynomial_h", "hermite_polynomial_he", "i0", "i0e", "i1",
    "i1e", "laguerre_polynomial_l", "legendre_polynomial_p", "log1p", "log_ndtr",
    "log_softmax", "logit", "logsumexp", "modified_bessel_i0", "modified_bessel_i1",
    "modified_bessel_k0", "modified_bessel_k1", "multigammaln", "ndtr", "ndtri", "polygamma",
    "psi", "round", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
    "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u",
    "shifted_chebyshev_polynomial_v", "shifted_chebyshev_polynomial_w", "sinc", "softmax",
    "spherical_bessel_j0", "xlog1py", "xlogy", "zeta",
]  # fmt: skip

expit = sigmoid


def _in(kernel: Any, *args: Any) -> Any:
    """``kernel`` on X in float64, its result in X's dtype: fn(X) for _float_op. The kernels
    are for real x only (a complex X would lose its imaginary part)."""

    def fn(X: np.ndarray) -> np.ndarray:
        _refuse(kernel.__name__, X, "c", NotImplementedError)
        return kernel(X, *args).astype(X.dtype)

    return fn


# ---- the gamma function and its derivatives ----------------------------------------------


def gammaln(input: Tensor) -> Tensor:
    """log |Γ(x)| (+inf at the non-positive integers).   dx = g ψ(x)."""
    return _float_op("Lgamma", _in(sf.lgamma), input,
                     lambda g, X, out: g * sf.digamma(X).astype(X.dtype))  # fmt: skip


def digamma(input: Tensor) -> Tensor:
    """ψ(x) = d/dx log Γ(x) (ψ(±0) = ∓inf, NaN at negative integers).   dx = g ψ'(x)."""
    return _float_op("Digamma", _in(sf.digamma), input,
                     lambda g, X, out: g * sf.trigamma(X).astype(X.dtype))  # fmt: skip


psi = digamma


def polygamma(n: int, input: Tensor) -> Tensor:
    """ψ⁽ⁿ⁾(x), the n-th derivative of ψ.   dx = g ψ⁽ⁿ⁺¹⁾(x)."""
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(
            f"polygamma(): argument 'n' (position 1) must be int, not {type(n).__name__}"
        )
    if n < 0:
        raise RuntimeError(f"polygamma(n, x) does not support negative n, got n = {n}")
    _refuse("polygamma", input.data, "c", NotImplementedError)
    return _float_op("Polygamma", lambda X: sf.polygamma(n, X).astype(X.dtype), input,
                     lambda g, X, out: g * sf.polygamma(n + 1, X).astype(X.dtype))  # fmt: skip


def multigammaln(input: Tensor, p: int) -> Tensor:
    """The multivariate log-gamma log Γ_p(x) = p(p-1)/4 log π + Σ_{j<p} log Γ(x - j/2),
    composed of lgamma and sum (its gradient Σ_j ψ(x - j/2) follows)."""
    if p < 1:
        raise RuntimeError(f"mvlgamma: p has to be greater than or equal to 1, got p = {p}")
    X = input.data
    dt = X.dtype if X.dtype.kind == "f" else dtypes.get_default_dtype()
    offsets = Tensor._new(np.arange(-(p - 1) / 2, 0.5, 0.5, dtype=dt))
    return gammaln(input.unsqueeze(-1) + offsets).sum(-1) + p * (p - 1) / 4 * math.log(math.pi)


# ---- incomplete gamma and zeta -----------------------------------------------------------


def _igamma(name: str, input: Tensor, other: Tensor, upper: bool) -> Tensor:
    check_tensor(name, "input", input)
    refuse_complex(name, input.data, getattr(other, "data", other))
    A, Xs, out = _float_pair(
        name, lambda A, X: sf.gammainc(A, X, upper).astype(np.result_type(A, X)), input, other
    )
    sign = -1 if upper else 1

    @_quiet
    def vjp_other(g: np.ndarray) -> np.ndarray:
        # d/dx P(a, x) = x^(a-1) e^-x / Γ(a)
        return g * sign * np.exp((A - 1) * np.log(Xs) - Xs - sf.lgamma(A)).astype(out.dtype)

    vjps = (no_derivative("igamma: input" if not upper else "igammac: input"), vjp_other)
    return record(out, name.capitalize(), (input, other), vjps, saved=(input, other))


def gammainc(input: Tensor, other: Tensor) -> Tensor:
    """The regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a).
    dx = g x^(a-1) e^-x / Γ(a); no derivative in a (backward raises, as PyTorch)."""
    return _igamma("igamma", input, other, upper=False)


def gammaincc(input: Tensor, other: Tensor) -> Tensor:
    """The regularized upper incomplete gamma Q(a, x) = 1 - P(a, x).
    dx = -g x^(a-1) e^-x / Γ(a); no derivative in a."""
    return _igamma("igammac", input, other, upper=True)


def zeta(input: Any, other: Any) -> Tensor:
    """Hurwitz ζ(x, q) = Σ_{k≥0} (k + q)^-x; either may be a number.
    dq = -g x ζ(x + 1, q); no derivative in x (backward raises, as PyTorch)."""
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError(
            f"zeta(): expected a Tensor, got {type(input).__name__} and {type(other).__name__}"
        )
    (A, B), dt = _operands("zeta", input, other, floating=True)
    refuse_complex("zeta", A, B)
    _refuse_dtype("zeta", dt)
    out = np.asarray(_quiet(sf.zeta)(A, B), dt)

    @_quiet
    def vjp_other(g: np.ndarray) -> np.ndarray:
        return g * (-A * sf.zeta(A + 1, B)).astype(dt)

    return record(out, "Zeta", (input, other), (no_derivative("zeta"), vjp_other))


def xlog1py(input: Any, other: Any) -> Tensor:
    """a log(1 + b), 0 where a = 0 (NaN where b is NaN). Either may be a number.
    da = g log1p(b), 0 where a = 0 and b <= -1 (as PyTorch),   db = g a / (1 + b)."""
    return _x_log("xlog1py", "Xlog1Py", np.log1p, -1, input, other)


# ---- error function and the normal distribution ------------------------------------------

_SQRT_2PI = math.sqrt(2 * math.pi)


def erfcx(input: Tensor) -> Tensor:
    """exp(x²) erfc(x), without overflow for large x.   dx = g (2x out - 2/√π)."""
    _refuse_dtype("erfcx", input.data.dtype)
    return _float_op("SpecialErfcx", _in(sf.erfcx), input,
                     lambda g, X, out: g * (2 * X * out - 2 / math.sqrt(math.pi)),
                     reads="both")  # fmt: skip


def entr(input: Tensor) -> Tensor:
    """-x log x (0 at x = 0, -inf below).   dx = -g (1 + log x)."""
    _refuse("entr", input.data, "c", NotImplementedError)

    def entr_array(X: np.ndarray) -> np.ndarray:
        rest = np.where(X == 0, 0, np.where(X < 0, -np.inf, X))  # NaN stays NaN
        return np.where(X > 0, -X * np.log(np.where(X > 0, X, 1)), rest).astype(X.dtype)

    return _float_op("SpecialEntr", entr_array, input, lambda g, X, out: -g * (1 + np.log(X)))


def ndtr(input: Tensor) -> Tensor:
    """Φ(x) = (1 + erf(x/√2)) / 2, the standard normal CDF, composed as PyTorch's."""
    return (1 + erf(input * math.sqrt(0.5))) * 0.5


def ndtri(input: Tensor) -> Tensor:
    """Φ⁻¹(p), the standard normal quantile (∓inf at 0, 1).   dp = g √(2π) exp(out²/2)."""
    _refuse_dtype("ndtri", input.data.dtype)
    vjp = lambda g, X, out: g * _SQRT_2PI * np.exp(out * out / 2)  # noqa: E731
    return _float_op("SpecialNdtri", _in(sf.ndtri), input, vjp, reads="out")


def log_ndtr(input: Tensor) -> Tensor:
    """log Φ(x), accurate far into the lower tail.
    dx = g φ(x) / Φ(x), as √(2/π) / erfcx(-x/√2) below -1 (no underflow)."""

    def vjp(g: np.ndarray, X: np.ndarray, out: np.ndarray) -> np.ndarray:
        low = X < -1
        tail = math.sqrt(2 / math.pi) / sf.erfcx(-np.where(low, X, -1) * math.sqrt(0.5))
        return g * np.where(low, tail, np.exp(-X * X / 2 - out) / _SQRT_2PI).astype(X.dtype)

    _refuse_dtype("log_ndtr", input.data.dtype)
    return _float_op("SpecialLogNdtr", _in(sf.log_ndtr), input, vjp, reads="both")


# ---- Bessel functions --------------------------------------------------------------------


def i0e(input: Tensor) -> Tensor:
    """e^-|x| I₀(x).   dx = g (i1e(x) - sgn(x) out)."""
    return _float_op(
        "SpecialI0E", _in(sf.bessel_ie, 0), input,
        lambda g, X, out: g * (sf.bessel_ie(X, 1).astype(X.dtype) - np.sign(X) * out),
        reads="both",
    )  # fmt: skip


def _near_zero(X: np.ndarray, slope: Any) -> np.ndarray:
    """slope(x), and its limit 1/2 where |x| <= eps (it is 0/0 there) or x is NaN, as
    PyTorch's (which tests |x| > eps)."""
    tiny = ~(np.abs(X) > np.finfo(X.dtype).eps)
    return np.where(tiny, 0.5, slope(np.where(tiny, 1, X)))


def i1(input: Tensor) -> Tensor:
    """I₁(x).   dx = g (I₀(x) - out / x), 1/2 at x = 0."""

    def vjp(g: np.ndarray, X: np.ndarray, out: np.ndarray) -> np.ndarray:
        return g * _near_zero(X, lambda x: sf.bessel_i(x, 0).astype(X.dtype) - out / x)

    return _float_op("SpecialI1", _in(sf.bessel_i, 1), input, vjp, reads="both")


def i1e(input: Tensor) -> Tensor:
    """e^-|x| I₁(x).   dx = g (i0e(x) - out (sgn x + 1/x)), 1/2 at x = 0."""

    def vjp(g: np.ndarray, X: np.ndarray, out: np.ndarray) -> np.ndarray:
        return g * _near_zero(
            X, lambda x: sf.bessel_ie(x, 0).astype(X.dtype) - out * (np.sign(x) + 1 / x)
        )

    return _float_op("SpecialI1E", _in(sf.bessel_ie, 1), input, vjp, reads="both")


def _no_grad_op(fn: Any, input: Tensor, name: str = "input") -> Tensor:
    """fn(x), outside the graph: PyTorch gives these no derivative (its result does not
    require grad). float16 and complex refused, as PyTorch's CPU kernels."""
    check_tensor(fn.__name__, name, input)
    _refuse_dtype(fn.__name__, input.data.dtype)
    return Tensor._new(_unary_float(_quiet(fn), input.data))


def _refuse_dtype(name: str, dt: np.dtype) -> None:
    """PyTorch's error for a float16 or complex tensor, which its CPU kernel has no case for."""
    if dt == np.float16 or dt.kind == "c":
        raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{dtypes.torch_name(dt)}'")


def _named(name: str, kernel: Any, *args: Any) -> Any:
    """``_in(kernel, *args)`` named after the op (for its errors)."""
    fn = _in(kernel, *args)
    fn.__name__ = name
    return fn


def bessel_j0(input: Tensor) -> Tensor:
    """J₀(x), the Bessel function of the first kind of order 0 (no gradient)."""
    return _no_grad_op(_named("bessel_j0", sf.bessel_j, 0), input)


def bessel_j1(input: Tensor) -> Tensor:
    """J₁(x) (no gradient)."""
    return _no_grad_op(_named("bessel_j1", sf.bessel_j, 1), input)


def bessel_y0(input: Tensor) -> Tensor:
    """Y₀(x), the Bessel function of the second kind of order 0: -inf at 0, NaN for
    x < 0 (no gradient)."""
    return _no_grad_op(_named("bessel_y0", sf.bessel_y, 0), input)


def bessel_y1(input: Tensor) -> Tensor:
    """Y₁(x): -inf at 0, NaN for x < 0 (no gradient)."""
    return _no_grad_op(_named("bessel_y1", sf.bessel_y, 1), input)


def modified_bessel_i0(input: Tensor) -> Tensor:
    """I₀(x), the modified Bessel function of the first kind (no gradient; ``i0`` has one)."""
    return _no_grad_op(_named("modified_bessel_i0", sf.bessel_i, 0), input)


def modified_bessel_i1(input: Tensor) -> Tensor:
    """I₁(x) (no gradient; ``i1`` has one)."""
    return _no_grad_op(_named("modified_bessel_i1", sf.bessel_i, 1), input)


def modified_bessel_k0(input: Tensor) -> Tensor:
    """K₀(x), the modified Bessel function of the second kind: inf at 0, NaN for x < 0
    (no gradient)."""
    return _no_grad_op(_named("modified_bessel_k0", sf.bessel_k, 0), input)


def modified_bessel_k1(input: Tensor) -> Tensor:
    """K₁(x): inf at 0, NaN for x < 0 (no gradient)."""
    return _no_grad_op(_named("modified_bessel_k1", sf.bessel_k, 1), input)


def scaled_modified_bessel_k0(x: Tensor) -> Tensor:
    """e^x K₀(x), finite for large x (no gradient)."""
    return _no_grad_op(_named("scaled_modified_bessel_k0", sf.bessel_k, 0, True), x, "x")


def scaled_modified_bessel_k1(x: Tensor) -> Tensor:
    """e^x K₁(x) (no gradient)."""
    return _no_grad_op(_named("scaled_modified_bessel_k1", sf.bessel_k, 1, True), x, "x")


def spherical_bessel_j0(x: Tensor) -> Tensor:
    """j₀(x) = sin(x) / x, 1 at 0 (no gradient)."""
    return _no_grad_op(_named("spherical_bessel_j0", sf.spherical_bessel_j0), x, "x")


def airy_ai(x: Tensor) -> Tensor:
    """Ai(x), the Airy function of the first kind, solving y'' = x y and decaying as
    x -> inf (no gradient)."""
    return _no_grad_op(_named("airy_ai", sf.airy_ai), x, "x")


# ---- classical orthogonal polynomials ----------------------------------------------------


def _polynomial(name: str, kind: str, x: Any, n: Any) -> Tensor:
    """The polynomial ``kind`` of degree n at x (sf.polynomial), x and n broadcast and
    either a number (not both), in their float result dtype (no gradient, as PyTorch)."""
    if not isinstance(x, Tensor) and not isinstance(n, Tensor):
        raise TypeError(
            f"{name}(): expected a Tensor x or n, got {type(x).__name__} and {type(n).__name__}"
        )
    for arg in (x, n):
        if not isinstance(arg, (Tensor, numbers.Number)):
            raise TypeError(f"{name}(): expected a Tensor or a number, got {type(arg).__name__}")
        if isinstance(arg, complex):
            _refuse_dtype(name, np.dtype(np.complex64))
    (X, N), dt = _operands(name, x, n, floating=True)
    _refuse_dtype(name, dt)
    return Tensor._new(sf.polynomial(kind, np.asarray(X, dt), np.asarray(N, dt)))


def chebyshev_polynomial_t(x: Any, n: Any) -> Tensor:
    """T_n(x), the Chebyshev polynomial of the first kind: T_n(cos θ) = cos nθ,
    T_(k+1) = 2x T_k - T_(k-1). n is truncated to an integer; 0 for n < 0."""
    return _polynomial("chebyshev_polynomial_t", "t", x, n)


def chebyshev_polynomial_u(x: Any, n: Any) -> Tensor:
    """U_n(x), of the second kind: U_n(cos θ) = sin (n+1)θ / sin θ, U₁ = 2x."""
    return _polynomial("chebyshev_polynomial_u", "u", x, n)


def chebyshev_polynomial_v(x: Any, n: Any) -> Tensor:
    """V_n(x), of the third kind: V_n(cos θ) = cos (n+½)θ / cos(θ/2), V₁ = 2x - 1."""
    return _polynomial("chebyshev_polynomial_v", "v", x, n)


def chebyshev_polynomial_w(x: Any, n: Any) -> Tensor:
    """W_n(x), of the fourth kind: W_n(cos θ) = sin (n+½)θ / sin(θ/2), W₁ = 2x + 1."""
    return _polynomial("chebyshev_polynomial_w", "w", x, n)


def shifted_chebyshev_polynomial_t(x: Any, n: Any) -> Tensor:
    """T*_n(x) = T_n(2x - 1), orthogonal on [0, 1]."""
    return _polynomial("shifted_chebyshev_polynomial_t", "st", x, n)


def shifted_chebyshev_polynomial_u(x: Any, n: Any) -> Tensor:
    """U*_n(x) = U_n(2x - 1)."""
    return _polynomial("shifted_chebyshev_polynomial_u", "su", x, n)


def shifted_chebyshev_polynomial_v(x: Any, n: Any) -> Tensor:
    """V*_n(x) = V_n(2x - 1)."""
    return _polynomial("shifted_chebyshev_polynomial_v", "sv", x, n)


def shifted_chebyshev_polynomial_w(x: Any, n: Any) -> Tensor:
    """W*_n(x) = W_n(2x - 1)."""
    return _polynomial("shifted_chebyshev_polynomial_w", "sw", x, n)


def hermite_polynomial_h(x: Any, n: Any) -> Tensor:
    """H_n(x), the physicists' Hermite polynomial: H_(k+1) = 2x H_k - 2k H_(k-1), H₁ = 2x.
    NaN above degree 128 (float32) or 512 (float64), as PyTorch."""
    return _polynomial("hermite_polynomial_h", "h", x, n)


def hermite_polynomial_he(x: Any, n: Any) -> Tensor:
    """He_n(x), the probabilists' Hermite polynomial: He_(k+1) = x He_k - k He_(k-1)."""
    return _polynomial("hermite_polynomial_he", "he", x, n)


def laguerre_polynomial_l(x: Any, n: Any) -> Tensor:
    """L_n(x), the Laguerre polynomial: (k+1) L_(k+1) = (2k + 1 - x) L_k - k L_(k-1),
    L₁ = 1 - x."""
    return _polynomial("laguerre_polynomial_l", "l", x, n)


def legendre_polynomial_p(x: Any, n: Any) -> Tensor:
    """P_n(x), the Legendre polynomial: (k+1) P_(k+1) = (2k+1) x P_k - k P_(k-1)."""
    return _polynomial("legendre_polynomial_p", "p", x, n)


# ---- aliases of ops defined elsewhere, with torch.special's signatures -------------------


def softmax(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """exp(x) / Σ exp(x) along ``dim`` (of x cast to ``dtype`` first if given)."""
    from .nn.functional import softmax as softmax_

    return softmax_(input, dim, dtype=dtype)


def log_softmax(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """x - log Σ exp(x) along ``dim`` (of x cast to ``dtype`` first if given)."""
    from .nn.functional import log_softmax as log_softmax_

    return log_softmax_(input, dim, dtype=dtype)
