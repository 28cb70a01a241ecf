"""The multivariate normal N(loc, W Wᵀ + diag(D)) with a low-rank-plus-diagonal covariance."""

from __future__ import annotations

import math
from typing import Any

from ..extra_ops import broadcast_tensors, diag_embed
from ..factories import eye, randn
from ..functions import log
from ..linalg import cholesky, solve_triangular
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .multivariate_normal import _batch_mahalanobis
from .utils import lazy_property


def _batch_mv(M: Tensor, v: Tensor) -> Tensor:
    """M v, batched: M (..., n, m), v (..., m)."""
    return (M @ v.unsqueeze(-1)).squeeze(-1)


def _batch_capacitance_tril(W: Tensor, D: Tensor) -> Tensor:
    """The Cholesky factor of the capacitance C = I + Wᵀ D⁻¹ W: W (..., n, m), D (..., n)."""
    Wt_Dinv = W.transpose(-2, -1) / D.unsqueeze(-2)
    return cholesky(Wt_Dinv @ W + eye(W.shape[-1], dtype=W.dtype))


def _batch_lowrank_logdet(W: Tensor, D: Tensor, capacitance_tril: Tensor) -> Tensor:
    """log|W Wᵀ + D| = log|C| + log|D| (the matrix determinant lemma)."""
    return 2 * log(capacitance_tril.diagonal(dim1=-2, dim2=-1)).sum(-1) + log(D).sum(-1)


def _batch_lowrank_mahalanobis(W: Tensor, D: Tensor, x: Tensor, capacitance_tril: Tensor) -> Tensor:
    """xᵀ (W Wᵀ + D)⁻¹ x = xᵀ D⁻¹ x - |L_C⁻¹ Wᵀ D⁻¹ x|² (the Woodbury identity)."""
    Wt_Dinv = W.transpose(-2, -1) / D.unsqueeze(-2)
    Wt_Dinv_x = _batch_mv(Wt_Dinv, x)
    return (x.pow(2) / D).sum(-1) - _batch_mahalanobis(capacitance_tril, Wt_Dinv_x)


class LowRankMultivariateNormal(Distribution):
    """N(loc, Σ) over vectors of size n with Σ = W Wᵀ + diag(D): W = ``cov_factor``
    (..., n, rank), D = ``cov_diag`` (..., n); log_prob and entropy via the capacitance."""

    arg_constraints = {
        "loc": constraints.real_vector,
        "cov_factor": constraints.independent(constraints.real, 2),
        "cov_diag": constraints.independent(constraints.positive, 1),
    }
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc: Tensor, cov_factor: Tensor, cov_diag: Tensor,
                 validate_args: bool | None = None) -> None:  # fmt: skip
        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        event_shape = tuple(loc.shape[-1:])
        if cov_factor.dim() < 2:
            raise ValueError(
                "cov_factor must be at least two-dimensional, with optional leading batch "
                "dimensions"
            )
        if tuple(cov_factor.shape[-2:-1]) != event_shape:
            raise ValueError(
                f"cov_factor must be a batch of matrices with shape {event_shape[0]} x m, got "
                f"{tuple(cov_factor.shape)}"
            )
        if tuple(cov_diag.shape[-1:]) != event_shape:
            raise ValueError(
                f"cov_diag must be a batch of vectors with shape {event_shape}, got "
                f"{tuple(cov_diag.shape)}"
            )
        try:
            loc_, self.cov_factor, cov_diag_ = broadcast_tensors(
                loc.unsqueeze(-1), cov_factor, cov_diag.unsqueeze(-1)
            )
        except (RuntimeError, ValueError) as e:
            raise ValueError(
                f"Incompatible batch shapes: loc {tuple(loc.shape)}, cov_factor "
                f"{tuple(cov_factor.shape)}, cov_diag {tuple(cov_diag.shape)}"
            ) from e
        self.loc = loc_[..., 0]
        self.cov_diag = cov_diag_[..., 0]
        self._unbroadcasted_cov_factor = cov_factor
        self._unbroadcasted_cov_diag = cov_diag
        self._capacitance_tril = _batch_capacitance_tril(cov_factor, cov_diag)
        super().__init__(tuple(self.loc.shape[:-1]), event_shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> LowRankMultivariateNormal:
        new = self._get_checked_instance(LowRankMultivariateNormal, _instance)
        loc_shape = tuple(batch_shape) + self.event_shape
        new.loc = self.loc.expand(loc_shape)
        new.cov_diag = self.cov_diag.expand(loc_shape)
        new.cov_factor = self.cov_factor.expand(loc_shape + tuple(self.cov_factor.shape[-1:]))
        new._unbroadcasted_cov_factor = self._unbroadcasted_cov_factor
        new._unbroadcasted_cov_diag = self._unbroadcasted_cov_diag
        new._capacitance_tril = self._capacitance_tril
        Distribution.__init__(new, tuple(batch_shape), self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _matrix_shape(self) -> tuple:
        return self._batch_shape + self._event_shape + self._event_shape

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @lazy_property
    def variance(self) -> Tensor:
        """diag(Σ) = Σ_j W_ij² + D_i."""
        W, D = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        return (W.pow(2).sum(-1) + D).expand(self._batch_shape + self._event_shape)

    @lazy_property
    def scale_tril(self) -> Tensor:
        """√D · cholesky(I + D^-½ W Wᵀ D^-½), the Cholesky factor of Σ."""
        n = self._event_shape[0]
        sqrt_D = self._unbroadcasted_cov_diag.sqrt().unsqueeze(-1)
        Dinvsqrt_W = self._unbroadcasted_cov_factor / sqrt_D
        K = Dinvsqrt_W @ Dinvsqrt_W.transpose(-2, -1) + eye(n, dtype=sqrt_D.dtype)
        return (sqrt_D * cholesky(K)).expand(self._matrix_shape())

    @lazy_property
    def covariance_matrix(self) -> Tensor:
        W = self._unbroadcasted_cov_factor
        cov = W @ W.transpose(-2, -1) + diag_embed(self._unbroadcasted_cov_diag)
        return cov.expand(self._matrix_shape())

    @lazy_property
    def precision_matrix(self) -> Tensor:
        """D⁻¹ - Aᵀ A (the Woodbury identity, A as ``_inv_cov_factor``)."""
        A = self._inv_cov_factor()
        precision = diag_embed(self._unbroadcasted_cov_diag.reciprocal()) - A.transpose(-2, -1) @ A
        return precision.expand(self._matrix_shape())

    def _inv_cov_factor(self) -> Tensor:
        """A = L_C⁻¹ Wᵀ D⁻¹, so that Σ⁻¹ = D⁻¹ - Aᵀ A."""
        W, D = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        return solve_triangular(self._capacitance_tril, W.transpose(-2, -1) / D.unsqueeze(-2),
                                upper=False)  # fmt: skip

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        """loc + W ε_W + √D ε_D, ε_W ~ N(0, I_rank), ε_D ~ N(0, I_n)."""
        shape = self._extended_shape(sample_shape)
        eps_W = randn(shape[:-1] + tuple(self.cov_factor.shape[-1:]), dtype=self.loc.dtype)
        eps_D = randn(shape, dtype=self.loc.dtype)
        W, D = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        return self.loc + _batch_mv(W, eps_W) + D.sqrt() * eps_D

    def log_prob(self, value: Tensor) -> Tensor:
        """-(n log 2π + log|Σ| + (x - loc)ᵀ Σ⁻¹ (x - loc)) / 2."""
        if self._validate_args:
            self._validate_sample(value)
        W, D, C = (
            self._unbroadcasted_cov_factor,
            self._unbroadcasted_cov_diag,
            self._capacitance_tril,
        )
        M = _batch_lowrank_mahalanobis(W, D, value - self.loc, C)
        log_det = _batch_lowrank_logdet(W, D, C)
        return -0.5 * (self._event_shape[0] * math.log(2 * math.pi) + log_det + M)

    def entropy(self) -> Tensor:
        """(n (1 + log 2π) + log|Σ|) / 2."""
        W, D, C = (
            self._unbroadcasted_cov_factor,
            self._unbroadcasted_cov_diag,
            self._capacitance_tril,
        )
        H = 0.5 * (
            self._event_shape[0] * (1.0 + math.log(2 * math.pi)) + _batch_lowrank_logdet(W, D, C)
        )
        return H if len(self._batch_shape) == 0 else H.expand(self._batch_shape)
