"""Student's t distribution with ``df`` degrees of freedom, location and scale."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..factories import randn
from ..functions import log, log1p, rsqrt, where
from ..special import digamma
from ..special import gammaln as lgamma
from ..tensor import Tensor
from . import constraints
from .chi2 import Chi2
from .distribution import Distribution
from .gamma import standard_gamma
from .utils import broadcast_all


class StudentT(Distribution):
    """t(df, loc, scale): loc + scale·X / √(Z/df), X ~ N(0, 1), Z ~ χ²(df)."""

    arg_constraints = {
        "df": constraints.positive,
        "loc": constraints.real,
        "scale": constraints.positive,
    }
    support = constraints.real
    has_rsample = True

    def __init__(self, df: Any, loc: Any = 0.0, scale: Any = 1.0,
                 validate_args: bool | None = None) -> None:  # fmt: skip
        self.df, self.loc, self.scale = broadcast_all(df, loc, scale)
        Chi2(self.df)  # PyTorch builds its χ²(df) here, which checks df whatever validate_args
        super().__init__(tuple(self.df.shape), validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> StudentT:
        return self._expand_params(StudentT, batch_shape, _instance)

    @property
    def mean(self) -> Tensor:
        return where(self.df <= 1, math.nan, self.loc)

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def variance(self) -> Tensor:
        """scale² df / (df - 2) for df > 2, inf for 1 < df ≤ 2, nan for df ≤ 1."""
        df = self.df
        safe = where(df > 2, df, 3.0)  # keeps the unused branch's gradient finite
        v = self.scale.pow(2) * safe / (safe - 2)
        return where(df <= 1, math.nan, where(df <= 2, math.inf, v))

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        """loc + scale·X / √(Z/df), X ~ N(0, 1), Z = 2 Gamma(df/2, 1) ~ χ²(df), reparametrised."""
        shape = self._extended_shape(sample_shape)
        X = randn(shape, dtype=self.df.dtype)
        Z = standard_gamma(0.5 * self.df, shape) / 0.5
        np.maximum(Z.data, np.finfo(Z.dtype).tiny, out=Z.data)  # as Chi2.rsample; not recorded
        return self.loc + self.scale * (X * rsqrt(Z / self.df))

    def log_prob(self, value: Tensor) -> Tensor:
        """-(df + 1)/2 · log(1 + y²/df) - log(scale √(df π) Γ(df/2) / Γ((df + 1)/2))."""
        if self._validate_args:
            self._validate_sample(value)
        y = (value - self.loc) / self.scale
        Z = (
            log(self.scale)
            + 0.5 * log(self.df)
            + 0.5 * math.log(math.pi)
            + lgamma(0.5 * self.df)
            - lgamma(0.5 * (self.df + 1.0))
        )
        return -0.5 * (self.df + 1.0) * log1p(y**2.0 / self.df) - Z

    def entropy(self) -> Tensor:
        lbeta = lgamma(0.5 * self.df) + math.lgamma(0.5) - lgamma(0.5 * (self.df + 1))
        return (
            log(self.scale)
            + 0.5 * (self.df + 1) * (digamma(0.5 * (self.df + 1)) - digamma(0.5 * self.df))
            + 0.5 * log(self.df)
            + lbeta
        )
