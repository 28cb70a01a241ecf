"""The exponential distribution with density rate·exp(-rate·x) on x ≥ 0."""

from __future__ import annotations

import math
from typing import Any

from ..factories import tensor, zeros_like
from ..functions import exp, log, log1p
from ..random import generator
from ..random_kernels import exponential
from ..tensor import Tensor
from . import constraints
from .exp_family import ExponentialFamily
from .utils import broadcast_all, scalar_batch


class Exponential(ExponentialFamily):
    """Exp(rate), elementwise over ``rate``."""

    arg_constraints = {"rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, rate: Any, validate_args: bool | None = None) -> None:
        (self.rate,) = broadcast_all(rate)
        super().__init__(scalar_batch(self.rate, rate), validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Exponential:
        return self._expand_params(Exponential, batch_shape, _instance)

    @property
    def mean(self) -> Tensor:
        return self.rate.reciprocal()

    @property
    def mode(self) -> Tensor:
        return zeros_like(self.rate)

    @property
    def stddev(self) -> Tensor:
        return self.rate.reciprocal()

    @property
    def variance(self) -> Tensor:
        return self.rate.pow(-2)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        """e / rate, e ~ Exp(1)."""
        shape = self._extended_shape(sample_shape)
        e = exponential(generator(None, "exponential"), math.prod(shape), 1.0).reshape(shape)
        e = tensor(e, dtype=self.rate.dtype)
        return e / self.rate

    def log_prob(self, value: Tensor) -> Tensor:
        """log rate - rate·x."""
        if self._validate_args:
            self._validate_sample(value)
        return log(self.rate) - self.rate * value

    def cdf(self, value: Tensor) -> Tensor:
        """1 - exp(-rate·x)."""
        if self._validate_args:
            self._validate_sample(value)
        return 1 - exp(-self.rate * value)

    def icdf(self, value: Tensor) -> Tensor:
        """-log(1 - p) / rate."""
        return -log1p(-value) / self.rate

    def entropy(self) -> Tensor:
        """1 - log rate."""
        return 1.0 - log(self.rate)

    _mean_carrier_measure = 0

    @property
    def _natural_params(self) -> tuple:
        return (-self.rate,)

    def _log_normalizer(self, x: Tensor) -> Tensor:
        """-log(-x)."""
        return -log(-x)
