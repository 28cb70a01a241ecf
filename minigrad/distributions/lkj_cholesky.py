"""The LKJ distribution over Cholesky factors of correlation matrices."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..extra_ops import diag_embed
from ..factories import arange, randn, tensor
from ..functions import log
from ..special import gammaln as lgamma
from ..special import multigammaln
from ..tensor import Tensor
from . import constraints
from .beta import Beta
from .distribution import Distribution
from .utils import broadcast_all


class LKJCholesky(Distribution):
    """L with L Lᵀ a dim×dim correlation matrix M, density ∝ det(M)^(η - 1) in M,
    η = ``concentration``; sampled by the onion method."""

    arg_constraints = {"concentration": constraints.positive}
    support = constraints.corr_cholesky

    def __init__(self, dim: int, concentration: Any = 1.0,
                 validate_args: bool | None = None) -> None:  # fmt: skip
        if not isinstance(dim, int):
            raise TypeError(f"LKJCholesky: dim must be an int, got {type(dim).__name__}")
        if dim < 2:
            raise ValueError(
                f"Expected dim to be an integer greater than or equal to 2. Found dim={dim}."
            )
        self.dim = dim
        (self.concentration,) = broadcast_all(concentration)
        marginal_conc = self.concentration + 0.5 * (dim - 2)
        offset = np.concatenate([[0.0], np.arange(dim - 1)])
        offset = tensor(offset, dtype=self.concentration.dtype)
        # row k > 0 of the factor has k free entries, so y_k ~ Beta(k/2, η + (dim - 1 - k)/2)
        # (Lewandowski et al. 2009, algorithm 3.2, as NumPyro; PyTorch's k - 1/2 makes the
        # correlations of rows 2, 3, ... too spread); row 0 has none and ignores its draw
        self._beta = Beta(0.5 * offset + 0.5, marginal_conc.unsqueeze(-1) - 0.5 * offset)
        super().__init__(tuple(self.concentration.shape), (dim, dim), validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> LKJCholesky:
        new = self._get_checked_instance(LKJCholesky, _instance)
        batch_shape = tuple(batch_shape)
        new.dim = self.dim
        new.concentration = self.concentration.expand(batch_shape)
        new._beta = self._beta.expand(batch_shape + (self.dim,))
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """Row i = √y_i u_i (u_i uniform on the sphere in the first i coordinates,
        y_i ~ Beta(i/2, η + (dim - 1 - i)/2)), then the diagonal √(1 - |row|²)."""
        y = self._beta.sample(sample_shape).unsqueeze(-1)
        u_normal = randn(self._extended_shape(sample_shape), dtype=y.dtype).tril(-1)
        norm = u_normal.norm(dim=-1, keepdim=True)
        u_hypersphere = u_normal / norm.clamp(min=float(np.finfo(y.dtype).tiny))
        w = y.sqrt() * u_hypersphere
        eps = float(np.finfo(w.dtype).tiny)
        diag_elems = (1 - (w**2).sum(-1)).clamp(min=eps).sqrt()
        return w + diag_embed(diag_elems)

    def log_prob(self, value: Tensor) -> Tensor:
        """Σ_{i≥2} (2(η - 1) + dim - i) log L_ii - log of the normaliser."""
        if self._validate_args:
            self._validate_sample(value)
        diag_elems = value.diagonal(dim1=-1, dim2=-2)[..., 1:]
        order = arange(2, self.dim + 1)
        order = 2 * (self.concentration - 1).unsqueeze(-1) + self.dim - order
        unnormalized_log_pdf = (order * log(diag_elems)).sum(-1)
        dm1 = self.dim - 1
        alpha = self.concentration + 0.5 * dm1
        denominator = lgamma(alpha) * dm1
        numerator = multigammaln(alpha - 0.5, dm1)
        pi_constant = 0.5 * dm1 * math.log(math.pi)
        return unnormalized_log_pdf - (pi_constant + numerator - denominator)
