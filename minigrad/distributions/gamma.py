"""The gamma distribution with density rate^a x^(a-1) e^(-rate x) / Γ(a) on x > 0."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import random_kernels as rk
from ..engine import record
from ..extra_ops import as_tensor
from ..functions import log, xlogy
from ..random import generator
from ..special import digamma, gammainc
from ..special import gammaln as lgamma
from ..tensor import Tensor
from . import constraints
from ._special import standard_gamma_grad
from .exp_family import ExponentialFamily
from .utils import broadcast_all, scalar_batch


def sample_standard_gamma(a: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Gamma(a, 1) draws of ``a``'s shape in ``dtype``, at least tiny (NaN too, as PyTorch's
    max(tiny, x)). PyTorch's CPU kernel has no float16."""
    if dtype == np.float16:
        raise NotImplementedError("\"gamma_cpu\" not implemented for 'Half'")
    x = rk.gamma(generator(None, "standard_gamma"), a, rk.calc_type(dtype))
    return np.fmax(x.reshape(a.shape).astype(dtype), np.finfo(dtype).tiny)


def standard_gamma(concentration: Tensor, shape: tuple) -> Tensor:
    """Gamma(concentration, 1) draws of ``shape``, reparametrised implicitly: holding the cdf
    P(a, x) fixed, dx/da = -(∂P/∂a)(a, x) / p(x; a), by PyTorch's approximation of it."""
    a = np.broadcast_to(concentration.data, shape)
    dtype = concentration.dtype
    x = sample_standard_gamma(a, dtype)

    def vjp(g: np.ndarray) -> np.ndarray:
        return g * standard_gamma_grad(a, x).astype(dtype)

    return record(x, "StandardGamma", (concentration,), (vjp,), saved=(concentration,))


class Gamma(ExponentialFamily):
    """Gamma(concentration, rate), elementwise."""

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, concentration: Any, rate: Any, validate_args: bool | None = None) -> None:
        self.concentration, self.rate = broadcast_all(concentration, rate)
        batch_shape = scalar_batch(self.concentration, concentration, rate)
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Gamma:
        return self._expand_params(Gamma, batch_shape, _instance)

    @property
    def mean(self) -> Tensor:
        return self.concentration / self.rate

    @property
    def mode(self) -> Tensor:
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self) -> Tensor:
        return self.concentration / self.rate.pow(2)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        """g / rate, g ~ Gamma(concentration, 1) reparametrised implicitly; at least tiny."""
        value = standard_gamma(self.concentration, self._extended_shape(sample_shape)) / self.rate
        np.maximum(value.data, np.finfo(value.dtype).tiny, out=value.data)  # not recorded
        return value

    def log_prob(self, value: Any) -> Tensor:
        """a log rate + (a - 1) log x - rate x - log Γ(a)."""
        value = as_tensor(value, dtype=self.rate.dtype)  # a tensor of another dtype too
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

    _mean_carrier_measure = 0

    @property
    def _natural_params(self) -> tuple:
        """(a - 1, -rate)."""
        return (self.concentration - 1, -self.rate)

    def _log_normalizer(self, x: Tensor, y: Tensor) -> Tensor:
        """log Γ(x + 1) + (x + 1) log(-1/y)."""
        return lgamma(x + 1) + (x + 1) * log(-y.reciprocal())
