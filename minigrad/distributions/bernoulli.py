"""The Bernoulli distribution on {0, 1}, from ``probs`` or ``logits``."""

from __future__ import annotations

import math
from numbers import Number
from typing import Any

from ..extra_ops import bernoulli
from ..factories import arange
from ..functions import exp, log1p, where
from ..grad_mode import no_grad
from ..more_ops import logit
from ..nn.functional import binary_cross_entropy_with_logits
from ..tensor import Tensor
from . import constraints, utils
from .exp_family import ExponentialFamily
from .utils import broadcast_all


class Bernoulli(ExponentialFamily):
    """P(x = 1) = probs = sigmoid(logits); exactly one of ``probs``, ``logits`` is given."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.boolean
    has_enumerate_support = True

    def __init__(self, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:  # fmt: skip
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            (self.probs,) = broadcast_all(probs)
            param, given = self.probs, probs
        else:
            (self.logits,) = broadcast_all(logits)
            param, given = self.logits, logits
        self._param = param
        batch_shape = () if isinstance(given, Number) else tuple(param.shape)
        super().__init__(batch_shape, validate_args=validate_args)

    logits = utils.logits  # derived from probs on first use, and the reverse
    probs = utils.probs

    def expand(self, batch_shape: Any, _instance: Any = None) -> Bernoulli:
        return self._expand_params(Bernoulli, batch_shape, _instance)

    @property
    def param_shape(self) -> tuple:
        return tuple(self._param.shape)

    @property
    def mean(self) -> Tensor:
        return self.probs

    @property
    def mode(self) -> Tensor:
        mode = (self.probs >= 0.5).to(self.probs.dtype)
        return where(self.probs == 0.5, math.nan, mode)

    @property
    def variance(self) -> Tensor:
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """0/1 draws in the parameter's dtype, without gradient."""
        shape = self._extended_shape(sample_shape)
        with no_grad():
            return bernoulli(self.probs.expand(shape))

    def log_prob(self, value: Tensor) -> Tensor:
        """x log p + (1 - x) log(1 - p), as -BCE(logits, x)."""
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        return -binary_cross_entropy_with_logits(logits, value, reduction="none")

    def entropy(self) -> Tensor:
        """-p log p - (1 - p) log(1 - p)."""
        return binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none")

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """The values 0 and 1 along a new leftmost dim (expanded over the batch if ``expand``)."""
        values = arange(2, dtype=self._param.dtype)
        values = values.reshape((-1,) + (1,) * len(self._batch_shape))
        return values.expand((-1,) + self._batch_shape) if expand else values

    _mean_carrier_measure = 0

    @property
    def _natural_params(self) -> tuple:
        """(logit p,)."""
        return (logit(self.probs),)

    def _log_normalizer(self, x: Tensor) -> Tensor:
        """log(1 + e^x)."""
        return log1p(exp(x))
