"""The Dirichlet distribution on the simplex, density ∝ Π x_k^(α_k - 1)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..engine import record
from ..factories import tensor
from ..functions import where, xlogy
from ..special import digamma
from ..special import gammaln as lgamma
from ..tensor import Tensor
from . import constraints
from ._special import dirichlet_grad
from .exp_family import ExponentialFamily
from .gamma import sample_standard_gamma


class Dirichlet(ExponentialFamily):
    """Dir(concentration), the last dim of ``concentration`` the event."""

    arg_constraints = {"concentration": constraints.independent(constraints.positive, 1)}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, concentration: Tensor, validate_args: bool | None = None) -> None:
        if concentration.dim() < 1:
            raise ValueError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = concentration
        shape = tuple(concentration.shape)
        super().__init__(shape[:-1], shape[-1:], validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Dirichlet:
        return self._expand_params(Dirichlet, batch_shape, _instance)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        """g / Σ g, g_k ~ Gamma(α_k, 1), as PyTorch's drawn and normalized in float64, rounded
        to α's dtype and kept inside [tiny, 1). The gradient is PyTorch's: each x_k is
        Beta(α_k, α₀ - α_k), and with d_k its reparametrised dx_k/dα_k (scaled by 1/(1 - x_k)),
        the VJP of g is d ⊙ (g - Σ_k x_k g_k)."""
        shape = self._extended_shape(sample_shape)
        alpha = np.broadcast_to(self.concentration.data, shape)
        if alpha.dtype == np.float16:  # as PyTorch's CPU kernel
            raise NotImplementedError("\"dirichlet\" not implemented for 'Half'")
        g = sample_standard_gamma(alpha.astype(np.float64), np.dtype(np.float64))
        x = (g / g.sum(-1, keepdims=True)).astype(alpha.dtype)
        one = x.dtype.type(1)
        np.clip(x, np.finfo(x.dtype).tiny, np.nextafter(one, 0 * one), out=x)

        def vjp(g: np.ndarray) -> np.ndarray:
            d = dirichlet_grad(x, alpha, alpha.sum(-1, keepdims=True))
            return d * (g - (x * g).sum(-1, keepdims=True))

        return record(x, "_Dirichlet", (self.concentration,), (vjp,), saved=(self.concentration,))

    def log_prob(self, value: Tensor) -> Tensor:
        """Σ (α_k - 1) log x_k + log Γ(Σ α_k) - Σ log Γ(α_k)."""
        if self._validate_args:
            self._validate_sample(value)
        a = self.concentration
        return xlogy(a - 1.0, value).sum(-1) + lgamma(a.sum(-1)) - lgamma(a).sum(-1)

    @property
    def mean(self) -> Tensor:
        return self.concentration / self.concentration.sum(-1, True)

    @property
    def mode(self) -> Tensor:
        """(α - 1)⁺ normalised; where every α_k < 1, a one-hot vector (PyTorch's convention)."""
        am1 = (self.concentration - 1).clamp(min=0.0)
        mask = tensor((self.concentration.data < 1).all(-1, keepdims=True))
        mode = am1 / where(mask, 1.0, am1.sum(-1, True))  # those rows are replaced below
        hot = np.eye(mode.shape[-1], dtype=mode.dtype)[np.argmax(am1.data, -1)]
        return where(mask, tensor(hot), mode)

    @property
    def variance(self) -> Tensor:
        a0 = self.concentration.sum(-1, True)
        return self.concentration * (a0 - self.concentration) / (a0.pow(2) * (a0 + 1))

    def entropy(self) -> Tensor:
        """log B(α) + (α₀ - K) ψ(α₀) - Σ (α_k - 1) ψ(α_k)."""
        k = self.concentration.shape[-1]
        a = self.concentration
        a0 = a.sum(-1)
        return (
            lgamma(a).sum(-1)
            - lgamma(a0)
            - (k - a0) * digamma(a0)
            - ((a - 1.0) * digamma(a)).sum(-1)
        )

    @property
    def _natural_params(self) -> tuple:
        return (self.concentration,)

    def _log_normalizer(self, x: Tensor) -> Tensor:
        """Σ log Γ(x_k) - log Γ(Σ x_k)."""
        return x.lgamma().sum(-1) - lgamma(x.sum(-1))
