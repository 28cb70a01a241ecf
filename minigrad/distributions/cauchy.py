"""The Cauchy distribution with density 1 / (π scale (1 + ((x - loc)/scale)²))."""

from __future__ import annotations

import math
from typing import Any

from ..factories import full, tensor
from ..functions import atan, log, log1p, tan
from ..random import generator
from ..random_kernels import cauchy
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all, scalar_batch


class Cauchy(Distribution):
    """Cauchy(loc, scale), elementwise over ``loc`` and ``scale`` broadcast together."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc: Any, scale: Any, validate_args: bool | None = None) -> None:
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(scalar_batch(self.loc, loc, scale), validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Cauchy:
        return self._expand_params(Cauchy, batch_shape, _instance)

    @property
    def mean(self) -> Tensor:
        return full(self._extended_shape(), math.nan, dtype=self.loc.dtype)

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def variance(self) -> Tensor:
        return full(self._extended_shape(), math.inf, dtype=self.loc.dtype)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        """loc + scale·eps, eps standard Cauchy."""
        shape = self._extended_shape(sample_shape)
        eps = cauchy(generator(None, "cauchy"), math.prod(shape), 0.0, 1.0).reshape(shape)
        eps = tensor(eps, dtype=self.loc.dtype)
        return self.loc + eps * self.scale

    def log_prob(self, value: Tensor) -> Tensor:
        """-log π - log scale - log(1 + ((x - loc)/scale)²)."""
        if self._validate_args:
            self._validate_sample(value)
        return -math.log(math.pi) - log(self.scale) - log1p(((value - self.loc) / self.scale) ** 2)

    def cdf(self, value: Tensor) -> Tensor:
        """atan((x - loc)/scale)/π + 1/2."""
        if self._validate_args:
            self._validate_sample(value)
        return atan((value - self.loc) / self.scale) / math.pi + 0.5

    def icdf(self, value: Tensor) -> Tensor:
        """loc + scale·tan(π (p - 1/2))."""
        return tan(math.pi * (value - 0.5)) * self.scale + self.loc

    def entropy(self) -> Tensor:
        """log(4π) + log scale."""
        return math.log(4 * math.pi) + log(self.scale)
