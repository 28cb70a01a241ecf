"""The categorical distribution over {0, ..., K-1}, from ``probs`` or ``logits``."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..extra_ops import broadcast_tensors
from ..factories import arange, full, tensor
from ..functions import clamp, gather, logsumexp
from ..random import generator
from ..random_kernels import multinomial
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .utils import lazy_property, logits_to_probs, probs_to_logits


class Categorical(Distribution):
    """P(x = k) = probs[..., k] (normalised over the last dim) = softmax(logits)[..., k]."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    has_enumerate_support = True

    def __init__(self, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:  # fmt: skip
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            if probs.dim() < 1:
                raise ValueError("`probs` parameter must be at least one-dimensional.")
            self.probs = probs / probs.sum(-1, keepdim=True)
        else:
            if logits.dim() < 1:
                raise ValueError("`logits` parameter must be at least one-dimensional.")
            self.logits = logits - logsumexp(logits, dim=-1, keepdim=True)
        self._param = self.probs if probs is not None else self.logits
        self._num_events = self._param.shape[-1]
        batch_shape = tuple(self._param.shape[:-1])
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Categorical:
        new = self._get_checked_instance(Categorical, _instance)
        batch_shape = tuple(batch_shape)
        shape = batch_shape + (self._num_events,)
        if "probs" in self.__dict__:
            new.probs = self.probs.expand(shape)
            new._param = new.probs
        if "logits" in self.__dict__:
            new.logits = self.logits.expand(shape)
            new._param = new.logits
        new._num_events = self._num_events
        Distribution.__init__(new, batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self) -> constraints.Constraint:
        return constraints.integer_interval(0, self._num_events - 1)

    @lazy_property
    def logits(self) -> Tensor:
        return probs_to_logits(self.probs)

    @lazy_property
    def probs(self) -> Tensor:
        return logits_to_probs(self.logits)

    @property
    def param_shape(self) -> tuple:
        return tuple(self._param.shape)

    @property
    def mean(self) -> Tensor:
        return full(self._extended_shape(), math.nan, dtype=self.probs.dtype)

    @property
    def mode(self) -> Tensor:
        return self.probs.argmax(dim=-1)

    @property
    def variance(self) -> Tensor:
        return full(self._extended_shape(), math.nan, dtype=self.probs.dtype)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """int64 class indices of shape ``sample_shape + batch_shape``: as PyTorch, one
        ``multinomial`` row (with replacement) per batch element."""
        shape = self._extended_shape(sample_shape)
        rows = np.ascontiguousarray(self.probs.data.reshape(-1, self._num_events))
        n = math.prod(shape[: len(shape) - len(self.batch_shape)])
        idx = multinomial(generator(None, "categorical"), rows, n, True).T
        return tensor(idx.reshape(shape), dtype=np.int64)

    def log_prob(self, value: Tensor) -> Tensor:
        """logits[..., x] (normalised), broadcasting ``value`` against the batch."""
        if self._validate_args:
            self._validate_sample(value)
        value = value.long().unsqueeze(-1)
        value, log_pmf = broadcast_tensors(value, self.logits)
        return gather(log_pmf, -1, value[..., :1]).squeeze(-1)

    def entropy(self) -> Tensor:
        """-Σ_k p_k log p_k (logits clamped to the dtype's min so that 0·log 0 = 0)."""
        logits = clamp(self.logits, min=float(np.finfo(self.logits.dtype).min))
        return -(logits * self.probs).sum(-1)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """The values 0..K-1 along a new leftmost dim (expanded over the batch if ``expand``)."""
        values = arange(self._num_events, dtype=np.int64)
        values = values.reshape((-1,) + (1,) * len(self._batch_shape))
        return values.expand((-1,) + self._batch_shape) if expand else values
