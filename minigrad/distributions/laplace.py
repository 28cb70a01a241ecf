"""The Laplace distribution with density exp(-|x - loc| / scale) / (2 scale)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..factories import rand
from ..functions import abs, expm1, log, log1p, sign
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all, scalar_batch


class Laplace(Distribution):
    """Laplace(loc, scale), elementwise over ``loc`` and ``scale`` broadcast together."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc: Any, scale: Any, validate_args: bool | None = None) -> None:
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(scalar_batch(self.loc, loc, scale), validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Laplace:
        return self._expand_params(Laplace, batch_shape, _instance)

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def variance(self) -> Tensor:
        return 2 * self.scale.pow(2)

    @property
    def stddev(self) -> Tensor:
        return (2**0.5) * self.scale

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        """loc - scale·sign(u)·log(1 - |u|), u ~ U(eps - 1, 1)."""
        eps = float(np.finfo(self.loc.dtype).eps)
        u = (eps - 1) + (2 - eps) * rand(self._extended_shape(sample_shape), dtype=self.loc.dtype)
        return self.loc - self.scale * sign(u) * log1p(-abs(u))

    def log_prob(self, value: Tensor) -> Tensor:
        """-log(2 scale) - |x - loc| / scale."""
        if self._validate_args:
            self._validate_sample(value)
        return -log(2 * self.scale) - abs(value - self.loc) / self.scale

    def cdf(self, value: Tensor) -> Tensor:
        """1/2 - sign(x - loc)·expm1(-|x - loc| / scale) / 2."""
        if self._validate_args:
            self._validate_sample(value)
        d = value - self.loc
        return 0.5 - 0.5 * sign(d) * expm1(-abs(d) / self.scale)

    def icdf(self, value: Tensor) -> Tensor:
        """loc - scale·sign(p - 1/2)·log(1 - 2|p - 1/2|)."""
        term = value - 0.5
        return self.loc - self.scale * sign(term) * log1p(-2 * abs(term))

    def entropy(self) -> Tensor:
        """1 + log(2 scale)."""
        return 1 + log(2 * self.scale)
