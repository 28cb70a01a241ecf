"""The base class of exponential families, as ``torch.distributions.ExponentialFamily``."""

from __future__ import annotations

from typing import Any

from ..autograd import grad
from ..tensor import Tensor
from .distribution import Distribution


class ExponentialFamily(Distribution):
    """Densities p(x; θ) = exp(<t(x), θ> - F(θ) + k(x)): θ the natural parameters
    (``_natural_params``), F the log normaliser (``_log_normalizer``), E[k(x)] the
    ``_mean_carrier_measure``."""

    @property
    def _natural_params(self) -> tuple:
        raise NotImplementedError

    def _log_normalizer(self, *natural_params: Tensor) -> Tensor:
        raise NotImplementedError

    @property
    def _mean_carrier_measure(self) -> Any:
        raise NotImplementedError

    def entropy(self) -> Tensor:
        """The Bregman form H = F(θ) - <θ, ∇F(θ)> - E[k(x)], ∇F by autograd at detached θ
        (so, as PyTorch's, no gradient reaches the parameters); shape batch_shape."""
        result: Any = -self._mean_carrier_measure
        nparams = [p.detach().requires_grad_() for p in self._natural_params]
        lg_normal = self._log_normalizer(*nparams)
        gradients = grad(lg_normal.sum(), nparams, retain_graph=True)
        result = result + lg_normal
        for p, g in zip(nparams, gradients):
            result = result - (p * g).reshape(self._batch_shape + (-1,)).sum(-1)
        return result
