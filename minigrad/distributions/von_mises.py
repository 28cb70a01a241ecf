"""The von Mises distribution on the circle, density e^(κ cos(x - loc)) / (2π I₀(κ))."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..functions import cos, where
from ..grad_mode import no_grad
from ..random import generator
from ..random_kernels import uniform
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all, lazy_property


def _eval_poly(y: Tensor, coef: list) -> Tensor:
    """Σ_i coef[i] y^i by Horner's rule."""
    result = coef[-1]
    for c in reversed(coef[:-1]):
        result = c + y * result
    return result


# Abramowitz & Stegun 9.8.1-9.8.4: I_n(x) for x < 3.75 as polynomials in (x/3.75)²,
# and √x e^-x I_n(x) for x ≥ 3.75 in 3.75/x (relative error ~1e-7), as PyTorch's.
_I0_COEF_SMALL = [1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.360768e-1, 0.45813e-2]
_I0_COEF_LARGE = [0.39894228, 0.1328592e-1, 0.225319e-2, -0.157565e-2, 0.916281e-2,
                  -0.2057706e-1, 0.2635537e-1, -0.1647633e-1, 0.392377e-2]  # fmt: skip
_I1_COEF_SMALL = [0.5, 0.87890594, 0.51498869, 0.15084934, 0.2658733e-1, 0.301532e-2, 0.32411e-3]
_I1_COEF_LARGE = [0.39894228, -0.3988024e-1, -0.362018e-2, 0.163801e-2, -0.1031555e-1,
                  0.2282967e-1, -0.2895312e-1, 0.1787654e-1, -0.420059e-2]  # fmt: skip
_COEF_SMALL = [_I0_COEF_SMALL, _I1_COEF_SMALL]
_COEF_LARGE = [_I0_COEF_LARGE, _I1_COEF_LARGE]


def _log_modified_bessel_fn(x: Tensor, order: int = 0) -> Tensor:
    """log I_order(x) for x > 0, order 0 or 1. Each branch sees x clamped to its own side of
    3.75, so the one not taken cannot overflow (PyTorch's does, for x ≳ 1e4 or ≲ 1e-5 in
    float32, and its gradient there is NaN)."""
    if order not in (0, 1):
        raise ValueError(f"_log_modified_bessel_fn: order must be 0 or 1, got {order}")
    xs, xl = x.clamp(max=3.75), x.clamp(min=3.75)
    y = xs / 3.75
    small = _eval_poly(y * y, _COEF_SMALL[order])
    if order == 1:
        small = xs.abs() * small
    small = small.log()
    large = xl - 0.5 * xl.log() + _eval_poly(3.75 / xl, _COEF_LARGE[order]).log()
    return where(x < 3.75, small, large)


def _rejection_sample(loc: np.ndarray, kappa: np.ndarray, r: np.ndarray,
                      shape: tuple) -> np.ndarray:  # fmt: skip
    """Best & Fisher's (1979) wrapped-Cauchy envelope: propose f = cos of a uniform angle
    mapped through (1 + r z)/(r + z), accept by the c tests, redraw the rest."""
    gen = generator(None, "von_mises")
    x = np.zeros(shape)
    done = np.zeros(shape, dtype=bool)
    while not done.all():
        u1, u2, u3 = uniform(gen, 3 * math.prod(shape), np.dtype(np.float64)).reshape((3,) + shape)
        z = np.cos(math.pi * u1)
        f = (1 + r * z) / (r + z)
        c = kappa * (r - f)
        with np.errstate(divide="ignore", invalid="ignore"):
            accept = ((c * (2 - c) - u2) > 0) | (np.log(c / u2) + 1 - c >= 0)
        # as PyTorch: a place accepted again later takes the later draw (also a valid one)
        x = np.where(accept, np.sign(u3 - 0.5) * np.arccos(np.clip(f, -1, 1)), x)
        done |= accept
    return np.mod(x + math.pi + loc, 2 * math.pi) - math.pi


class VonMises(Distribution):
    """VonMises(loc, concentration κ), elementwise, on angles (no rsample)."""

    arg_constraints = {"loc": constraints.real, "concentration": constraints.positive}
    support = constraints.real
    has_rsample = False

    def __init__(self, loc: Any, concentration: Any, validate_args: bool | None = None) -> None:
        self.loc, self.concentration = broadcast_all(loc, concentration)
        super().__init__(tuple(self.loc.shape), (), validate_args)

    def log_prob(self, value: Tensor) -> Tensor:
        """κ cos(x - loc) - log 2π - log I₀(κ)."""
        if self._validate_args:
            self._validate_sample(value)
        log_prob = self.concentration * cos(value - self.loc)
        return log_prob - math.log(2 * math.pi) - _log_modified_bessel_fn(self.concentration, 0)

    @lazy_property
    def _proposal_r(self) -> np.ndarray:
        """The envelope's r = (1 + ρ²)/(2ρ), ρ = (τ - √(2τ))/(2κ), τ = 1 + √(1 + 4κ²)
        (1/κ + κ for κ < 1e-5), in float64."""
        kappa = self.concentration.data.astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            tau = 1 + np.sqrt(1 + 4 * kappa**2)
            rho = (tau - np.sqrt(2 * tau)) / (2 * kappa)
            r = (1 + rho**2) / (2 * rho)
            return np.where(kappa < 1e-5, 1 / kappa + kappa, r)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """Rejection draws in float64 (in [-π, π)), cast to loc's dtype."""
        shape = self._extended_shape(sample_shape)
        with no_grad():
            x = _rejection_sample(
                self.loc.data.astype(np.float64),
                self.concentration.data.astype(np.float64),
                self._proposal_r,
                shape,
            )
            return Tensor._new(x.astype(self.loc.dtype))

    def expand(self, batch_shape: Any, _instance: Any = None) -> VonMises:
        validate_args = self.__dict__.get("_validate_args")
        loc = self.loc.expand(tuple(batch_shape))
        concentration = self.concentration.expand(tuple(batch_shape))
        return type(self)(loc, concentration, validate_args=validate_args)

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @lazy_property
    def variance(self) -> Tensor:
        """The circular variance 1 - I₁(κ)/I₀(κ)."""
        kappa = self.concentration
        return 1 - (_log_modified_bessel_fn(kappa, 1) - _log_modified_bessel_fn(kappa, 0)).exp()
