"""The gamma distribution with density rate^a x^(a-1) e^(-rate x) / Γ(a) on x > 0."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..factories import tensor
from ..functions import log, xlogy
from ..grad_mode import no_grad
from ..random import generator
from ..tensor import Tensor
from . import constraints
from ._special import digamma, gammainc, lgamma
from .distribution import Distribution
from .utils import broadcast_all, scalar_batch


def standard_gamma(concentration: Tensor, shape: tuple) -> np.ndarray:
    """Gamma(concentration, 1) draws of ``shape`` (no gradient), at least the dtype's tiny."""
    a = np.broadcast_to(concentration.data, shape)
    draws = generator(None, "standard_gamma").standard_gamma(a)
    return np.maximum(draws, np.finfo(concentration.dtype).tiny).astype(concentration.dtype)


def no_rsample(name: str) -> NotImplementedError:
    return NotImplementedError(
        f"{name}.rsample: minigrad has no reparametrised gamma sampler (its gradient w.r.t. "
        "the concentration); use sample(), which has no gradient"
    )


class Gamma(Distribution):
    """Gamma(concentration, rate), elementwise."""

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative

    def __init__(self, concentration: Any, rate: Any, validate_args: bool | None = None) -> None:
        self.concentration, self.rate = broadcast_all(concentration, rate)
        batch_shape = scalar_batch(self.concentration, concentration, rate)
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Gamma:
        new = self._get_checked_instance(Gamma, _instance)
        batch_shape = tuple(batch_shape)
        new.concentration = self.concentration.expand(batch_shape)
        new.rate = self.rate.expand(batch_shape)
        Distribution.__init__(new, batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self) -> Tensor:
        return self.concentration / self.rate

    @property
    def mode(self) -> Tensor:
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self) -> Tensor:
        return self.concentration / self.rate.pow(2)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        with no_grad():
            draws = standard_gamma(self.concentration, shape) / np.broadcast_to(
                self.rate.data, shape
            )
            return tensor(np.maximum(draws, np.finfo(draws.dtype).tiny), dtype=self.rate.dtype)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        raise no_rsample("Gamma")

    def log_prob(self, value: Any) -> Tensor:
        """a log rate + (a - 1) log x - rate x - log Γ(a)."""
        if not isinstance(value, Tensor):
            value = tensor(value, dtype=self.rate.dtype)
        if self._validate_args:
            self._validate_sample(value)
        a, rate = self.concentration, self.rate
        return xlogy(a, rate) + xlogy(a - 1, value) - rate * value - lgamma(a)

    def entropy(self) -> Tensor:
        """a - log rate + log Γ(a) + (1 - a) ψ(a)."""
        a = self.concentration
        return a - log(self.rate) + lgamma(a) + (1.0 - a) * digamma(a)

    def cdf(self, value: Tensor) -> Tensor:
        """P(a, rate·x), the regularised lower incomplete gamma function."""
        if self._validate_args:
            self._validate_sample(value)
        return gammainc(self.concentration, self.rate * value)
