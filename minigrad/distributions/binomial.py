"""The binomial distribution: successes in ``total_count`` Bernoulli trials."""

from __future__ import annotations

from typing import Any

from ..factories import arange, tensor
from ..functions import abs, exp, log1p
from ..random import generator
from ..random_kernels import binomial
from ..special import gammaln as lgamma
from ..tensor import Tensor
from . import constraints, utils
from .distribution import Distribution
from .utils import counts_and_param


def _clamp_by_zero(x: Tensor) -> Tensor:
    """max(x, 0), with gradient 1/2 at 0 (as PyTorch)."""
    return (x.clamp(min=0) + x - x.clamp(max=0)) / 2


class Binomial(Distribution):
    """P(k) = C(n, k) p^k (1 - p)^(n - k), n = ``total_count``; from ``probs`` or ``logits``."""

    arg_constraints = {
        "total_count": constraints.nonnegative_integer,
        "probs": constraints.unit_interval,
        "logits": constraints.real,
    }
    has_enumerate_support = True

    def __init__(self, total_count: Any = 1, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:  # fmt: skip
        self.total_count, self._param = counts_and_param(self, total_count, probs, logits)
        super().__init__(tuple(self._param.shape), validate_args=validate_args)

    logits = utils.logits  # derived from probs on first use, and the reverse
    probs = utils.probs

    def expand(self, batch_shape: Any, _instance: Any = None) -> Binomial:
        return self._expand_params(Binomial, batch_shape, _instance)

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self) -> constraints.Constraint:
        return constraints.integer_interval(0, self.total_count)

    @property
    def mean(self) -> Tensor:
        return self.total_count * self.probs

    @property
    def mode(self) -> Tensor:
        return ((self.total_count + 1) * self.probs).floor().clamp(max=self.total_count)

    @property
    def variance(self) -> Tensor:
        return self.total_count * self.probs * (1 - self.probs)

    @property
    def param_shape(self) -> tuple:
        return tuple(self._param.shape)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """Counts in the parameter's dtype (no gradient)."""
        shape = self._extended_shape(sample_shape)
        n = self.total_count.detach().expand(shape).numpy()
        p = self.probs.detach().expand(shape).numpy()
        draws = binomial(generator(None, "binomial"), n, p, self._param.dtype.type)
        return tensor(draws.reshape(shape), dtype=self._param.dtype)

    def log_prob(self, value: Tensor) -> Tensor:
        """log C(n, k) + k·logits - n·log(1 + e^logits), computed stably."""
        if self._validate_args:
            self._validate_sample(value)
        n, logits = self.total_count, self.logits
        normalize = n * _clamp_by_zero(logits) + n * log1p(exp(-abs(logits))) - lgamma(n + 1)
        return value * logits - lgamma(value + 1) - lgamma(n - value + 1) - normalize

    def _homogeneous_count(self, op: str) -> int:
        count = int(self.total_count.data.max())
        if not self.total_count.data.min() == count:
            raise NotImplementedError(f"Inhomogeneous total count not supported by `{op}`.")
        return count

    def entropy(self) -> Tensor:
        """-Σ_k P(k) log P(k) over the support (one total_count for the whole batch)."""
        self._homogeneous_count("entropy")
        log_prob = self.log_prob(self.enumerate_support(False))
        return -(exp(log_prob) * log_prob).sum(0)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        count = self._homogeneous_count("enumerate_support")
        values = arange(1 + count, dtype=self._param.dtype)
        values = values.reshape((-1,) + (1,) * len(self._batch_shape))
        return values.expand((-1,) + self._batch_shape) if expand else values
