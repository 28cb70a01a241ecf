"""The generalised Pareto distribution GPD(loc μ, scale σ, concentration ξ)."""

from __future__ import annotations

import math
from typing import Any

from ..factories import ones_like, rand, zeros_like
from ..functions import exp, expm1, log, log1p, where
from ..select_ops import broadcast_to, isclose
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all, scalar_batch


class GeneralizedPareto(Distribution):
    """GPD(μ, σ, ξ), elementwise: survival (1 + ξ z)^(-1/ξ), z = (x - μ)/σ (e^(-z) at ξ = 0),
    on x ≥ μ (and x ≤ μ - σ/ξ when ξ < 0)."""

    arg_constraints = {
        "loc": constraints.real,
        "scale": constraints.positive,
        "concentration": constraints.real,
    }
    has_rsample = True

    def __init__(self, loc: Any, scale: Any, concentration: Any,
                 validate_args: bool | None = None) -> None:  # fmt: skip
        self.loc, self.scale, self.concentration = broadcast_all(loc, scale, concentration)
        batch_shape = scalar_batch(self.loc, loc, scale, concentration)
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> GeneralizedPareto:
        return self._expand_params(GeneralizedPareto, batch_shape, _instance)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        """icdf(u), u ~ Uniform(0, 1)."""
        u = rand(self._extended_shape(sample_shape), dtype=self.loc.dtype)
        return self.icdf(u)

    def _safe_concentration(self) -> tuple:
        """(ξ ≈ 0 mask, ξ with 1 where it is ≈ 0)."""
        eq_zero = isclose(self.concentration, zeros_like(self.concentration))
        return eq_zero, where(eq_zero, ones_like(self.concentration), self.concentration)

    def log_prob(self, value: Tensor) -> Tensor:
        """-log σ - (1/ξ + 1) log(1 + ξ z) (-log σ - z at ξ = 0)."""
        if self._validate_args:
            self._validate_sample(value)
        z = self._z(value)
        eq_zero, safe_conc = self._safe_concentration()
        y = 1 / safe_conc + ones_like(z)
        where_nonzero = where(y == 0, y, y * log1p(safe_conc * z))
        return -self.scale.log() - where(eq_zero, z, where_nonzero)

    def log_survival_function(self, value: Tensor) -> Tensor:
        """log P(X > x) = -log(1 + ξ z)/ξ (-z at ξ = 0)."""
        if self._validate_args:
            self._validate_sample(value)
        z = self._z(value)
        eq_zero, safe_conc = self._safe_concentration()
        where_nonzero = -log1p(safe_conc * z) / safe_conc
        return where(eq_zero, -z, where_nonzero)

    def log_cdf(self, value: Tensor) -> Tensor:
        return log1p(-exp(self.log_survival_function(value)))

    def cdf(self, value: Tensor) -> Tensor:
        return exp(self.log_cdf(value))

    def icdf(self, value: Tensor) -> Tensor:
        """μ + σ ((1 - p)^(-ξ) - 1)/ξ (μ - σ log(1 - p) at ξ = 0)."""
        eq_zero, safe_conc = self._safe_concentration()
        logu = log1p(-value)
        where_nonzero = self.loc + self.scale / safe_conc * expm1(-safe_conc * logu)
        where_zero = self.loc - self.scale * logu
        return where(eq_zero, where_zero, where_nonzero)

    def _z(self, x: Tensor) -> Tensor:
        return (x - self.loc) / self.scale

    @property
    def mean(self) -> Tensor:
        """μ + σ/(1 - ξ) for ξ < 1, else NaN."""
        valid = self.concentration < 1
        safe_conc = where(valid, self.concentration, 0.5)
        return where(valid, self.loc + self.scale / (1 - safe_conc), math.nan)

    @property
    def variance(self) -> Tensor:
        """σ² / ((1 - ξ)² (1 - 2ξ)) for ξ < 1/2, else NaN."""
        valid = self.concentration < 0.5
        safe_conc = where(valid, self.concentration, 0.25)
        result = self.scale**2 / ((1 - safe_conc) ** 2 * (1 - 2 * safe_conc))
        return where(valid, result, math.nan)

    def entropy(self) -> Tensor:
        """log σ + ξ + 1."""
        return broadcast_to(log(self.scale) + self.concentration + 1, self._batch_shape)

    @property
    def mode(self) -> Tensor:
        return self.loc

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self) -> constraints.Constraint:
        lower = self.loc
        upper = where(self.concentration < 0, lower - self.scale / self.concentration, math.inf)
        return constraints.interval(lower, upper)
