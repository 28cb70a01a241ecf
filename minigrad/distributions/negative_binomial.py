"""The negative binomial distribution: successes before ``total_count`` failures."""

from __future__ import annotations

from typing import Any

from ..extra_ops import poisson
from ..functions import exp, sigmoid
from ..grad_mode import no_grad
from ..nn.functional import logsigmoid
from ..special import gammaln as lgamma
from ..tensor import Tensor
from . import constraints, utils
from .distribution import Distribution
from .gamma import Gamma
from .utils import counts_and_param, lazy_property


class NegativeBinomial(Distribution):
    """P(k) = Γ(k + r) / (k! Γ(r)) p^k (1 - p)^r, r = ``total_count`` (real, ≥ 0), p the
    success probability; from ``probs`` or ``logits``."""

    arg_constraints = {
        "total_count": constraints.greater_than_eq(0),
        "probs": constraints.half_open_interval(0.0, 1.0),
        "logits": constraints.real,
    }
    support = constraints.nonnegative_integer

    def __init__(self, total_count: Any, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:  # fmt: skip
        self.total_count, self._param = counts_and_param(self, total_count, probs, logits)
        super().__init__(tuple(self._param.shape), validate_args=validate_args)

    logits = utils.logits  # derived from probs on first use, and the reverse
    probs = utils.probs

    def expand(self, batch_shape: Any, _instance: Any = None) -> NegativeBinomial:
        return self._expand_params(NegativeBinomial, batch_shape, _instance)

    @property
    def mean(self) -> Tensor:
        return self.total_count * exp(self.logits)

    @property
    def mode(self) -> Tensor:
        return ((self.total_count - 1) * exp(self.logits)).floor().clamp(min=0.0)

    @property
    def variance(self) -> Tensor:
        return self.mean / sigmoid(-self.logits)

    @property
    def param_shape(self) -> tuple:
        return tuple(self._param.shape)

    @lazy_property
    def _gamma(self) -> Gamma:
        return Gamma(self.total_count, exp(-self.logits), validate_args=False)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """Poisson(λ) counts, λ ~ Gamma(r, (1 - p) / p) (the gamma-Poisson mixture)."""
        with no_grad():
            return poisson(self._gamma.sample(sample_shape))

    def log_prob(self, value: Tensor) -> Tensor:
        """r log(1 - p) + k log p + log Γ(r + k) - log Γ(k + 1) - log Γ(r) (0 where r + k = 0)."""
        if self._validate_args:
            self._validate_sample(value)
        r, logits = self.total_count, self.logits
        log_unnormalized_prob = r * logsigmoid(-logits) + value * logsigmoid(logits)
        log_normalization = -lgamma(r + value) + lgamma(1.0 + value) + lgamma(r)
        log_normalization = log_normalization.masked_fill(r + value == 0.0, 0.0)
        return log_unnormalized_prob - log_normalization
