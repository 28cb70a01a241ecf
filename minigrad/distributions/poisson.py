"""The Poisson distribution: P(k) = rate^k e^(-rate) / k!."""

from __future__ import annotations

from typing import Any

from ..factories import tensor
from ..functions import xlogy
from ..random import generator
from ..random_kernels import poisson
from ..special import gammaln as lgamma
from ..tensor import Tensor
from . import constraints
from .exp_family import ExponentialFamily
from .utils import broadcast_all, scalar_batch


class Poisson(ExponentialFamily):
    """Poisson(rate), elementwise."""

    arg_constraints = {"rate": constraints.nonnegative}
    support = constraints.nonnegative_integer

    def __init__(self, rate: Any, validate_args: bool | None = None) -> None:
        (self.rate,) = broadcast_all(rate)
        super().__init__(scalar_batch(self.rate, rate), validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Poisson:
        return self._expand_params(Poisson, batch_shape, _instance)

    @property
    def mean(self) -> Tensor:
        return self.rate

    @property
    def mode(self) -> Tensor:
        return self.rate.floor()

    @property
    def variance(self) -> Tensor:
        return self.rate

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """Counts in the rate's dtype (no gradient)."""
        shape = self._extended_shape(sample_shape)
        lam = self.rate.detach().expand(shape).numpy()
        counts = poisson(generator(None, "poisson"), lam).reshape(lam.shape)
        return tensor(counts, dtype=self.rate.dtype)

    def log_prob(self, value: Tensor) -> Tensor:
        """k log rate - rate - log k!."""
        if self._validate_args:
            self._validate_sample(value)
        rate, value = broadcast_all(self.rate, value)
        return xlogy(value, rate) - rate - lgamma(value + 1)

    @property
    def _natural_params(self) -> tuple:
        return (self.rate.log(),)

    def _log_normalizer(self, x: Tensor) -> Tensor:
        return x.exp()
