"""The Wishart distribution over positive-definite matrices, W = Σ_i x_i x_iᵀ, x_i ~ N(0, Σ)."""

from __future__ import annotations

import math
import warnings
from numbers import Number
from typing import Any

import numpy as np

from ..extra_ops import broadcast_shapes, diag_embed
from ..factories import arange, randn, tensor
from ..functions import log, where
from ..linalg import cholesky, slogdet
from ..linalg_torch import cholesky_inverse, cholesky_solve
from ..special import digamma, multigammaln
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .exp_family import ExponentialFamily
from .gamma import Gamma
from .multivariate_normal import _precision_to_scale_tril, the_matrix
from .utils import lazy_property

_LOG_2 = math.log(2)


def _mvdigamma(x: Tensor, p: int) -> Tensor:
    """The multivariate digamma ψ_p(x) = Σ_{j<p} ψ(x - j/2), for x > (p - 1)/2."""
    if not (x.data > (p - 1) / 2).all():
        raise AssertionError("Wrong domain for multivariate digamma function.")
    return digamma(x.unsqueeze(-1) - arange(p, dtype=x.dtype) / 2).sum(-1)


class Wishart(ExponentialFamily):
    """W_p(df, Σ) over p×p matrices, Σ given as exactly one of ``covariance_matrix``,
    ``precision_matrix`` (Σ⁻¹) or ``scale_tril`` (L, Σ = L Lᵀ); ``df`` > p - 1."""

    support = constraints.positive_definite
    has_rsample = True

    @property
    def arg_constraints(self) -> dict:  # type: ignore[override]
        return {
            "covariance_matrix": constraints.positive_definite,
            "precision_matrix": constraints.positive_definite,
            "scale_tril": constraints.lower_cholesky,
            "df": constraints.greater_than(self.event_shape[-1] - 1),
        }

    def __init__(self, df: Any, covariance_matrix: Tensor | None = None,
                 precision_matrix: Tensor | None = None, scale_tril: Tensor | None = None,
                 validate_args: bool | None = None) -> None:  # fmt: skip
        name, param = the_matrix(AssertionError, covariance_matrix, precision_matrix, scale_tril)
        if isinstance(df, Number):
            batch_shape = tuple(param.shape[:-2])
            self.df = tensor(df, dtype=param.dtype)
        else:
            batch_shape = broadcast_shapes(tuple(param.shape[:-2]), tuple(df.shape))
            self.df = df.expand(batch_shape)
        event_shape = tuple(param.shape[-2:])
        p = event_shape[-1]
        if (self.df.data <= p - 1).any():
            raise ValueError(f"Value of df={df} expected to be greater than ndim - 1 = {p - 1}.")
        setattr(self, name, param.expand(batch_shape + (-1, -1)))
        if (self.df.data < p).any():
            warnings.warn(
                "Low df values detected. Singular samples are highly likely to occur for "
                "ndim - 1 < df < ndim.",
                stacklevel=2,
            )
        super().__init__(batch_shape, event_shape, validate_args=validate_args)
        if scale_tril is not None:
            self._unbroadcasted_scale_tril = scale_tril
        elif covariance_matrix is not None:
            self._unbroadcasted_scale_tril = cholesky(covariance_matrix)
        else:
            self._unbroadcasted_scale_tril = _precision_to_scale_tril(precision_matrix)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Wishart:
        new = self._get_checked_instance(Wishart, _instance)
        batch_shape = tuple(batch_shape)
        cov_shape = batch_shape + self.event_shape
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril.expand(cov_shape)
        new.df = self.df.expand(batch_shape)
        for name in ("covariance_matrix", "scale_tril", "precision_matrix"):
            if name in self.__dict__:
                setattr(new, name, self.__dict__[name].expand(cov_shape))
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _matrix_shape(self) -> tuple:
        return self._batch_shape + self._event_shape

    @lazy_property
    def scale_tril(self) -> Tensor:
        return self._unbroadcasted_scale_tril.expand(self._matrix_shape())

    @lazy_property
    def covariance_matrix(self) -> Tensor:
        L = self._unbroadcasted_scale_tril
        return (L @ L.transpose(-2, -1)).expand(self._matrix_shape())

    @lazy_property
    def precision_matrix(self) -> Tensor:
        return cholesky_inverse(self._unbroadcasted_scale_tril).expand(self._matrix_shape())

    # the exponential-family form, t(X) = (X, log|X|), for the generic (Bregman) KL
    _mean_carrier_measure = 0

    @property
    def _natural_params(self) -> tuple:
        """(-Σ⁻¹/2, (df - p - 1)/2)."""
        return -self.precision_matrix / 2, (self.df - self._event_shape[-1] - 1) / 2

    def _log_normalizer(self, x: Tensor, y: Tensor) -> Tensor:
        """F(x, y) = (y + (p+1)/2)(p log 2 - log|-2x|) + log Γ_p(y + (p+1)/2)."""
        p = self._event_shape[-1]
        a = y + (p + 1) / 2
        return a * (-slogdet(-2 * x)[1] + _LOG_2 * p) + multigammaln(a, p)

    def _df_matrix(self) -> Tensor:
        """df as (batch, 1, 1); a number df is 0-d and broadcast (PyTorch's view fails there)."""
        return self.df.expand(self._batch_shape).reshape(self._batch_shape + (1, 1))

    @property
    def mean(self) -> Tensor:
        """df Σ."""
        return self._df_matrix() * self.covariance_matrix

    @property
    def mode(self) -> Tensor:
        """(df - p - 1) Σ, NaN where df ≤ p + 1."""
        factor = self._df_matrix() - self._event_shape[-1] - 1
        return where(factor <= 0, math.nan, factor) * self.covariance_matrix

    @property
    def variance(self) -> Tensor:
        """Var W_ij = df (Σ_ij² + Σ_ii Σ_jj)."""
        V = self.covariance_matrix
        d = V.diagonal(dim1=-2, dim2=-1)
        return self._df_matrix() * (V.pow(2) + d.unsqueeze(-1) * d.unsqueeze(-2))

    def _bartlett_sampling(self, sample_shape: tuple) -> Tensor:
        """(L A)(L A)ᵀ, A lower triangular with A_ii = √χ²(df - i) and A_ij ~ N(0, 1) below."""
        p = self._event_shape[-1]
        dtype = self._unbroadcasted_scale_tril.dtype
        chi2 = Gamma(0.5 * (self.df.unsqueeze(-1) - arange(p, dtype=dtype)), 0.5)
        shape = tuple(sample_shape) + self._batch_shape
        diag = chi2.expand(self._batch_shape + (p,)).rsample(sample_shape).sqrt()
        diag = diag.clamp(min=float(np.finfo(diag.dtype).eps))
        i, j = np.tril_indices(p, -1)
        below = np.zeros(shape + (p, p), dtype=diag.dtype)
        below[..., i, j] = randn(shape + (len(i),), dtype=diag.dtype).numpy()
        chol = self._unbroadcasted_scale_tril @ (diag_embed(diag) + tensor(below))
        sample = chol @ chol.transpose(-2, -1)
        return (sample + sample.transpose(-2, -1)) / 2  # exactly symmetric, also in float32

    def _singular(self, sample: Tensor, sample_dims: int) -> np.ndarray:
        bad = ~self.support.check(sample).data
        return bad.reshape(bad.shape[:sample_dims] + (-1,)).any(-1)

    def rsample(self, sample_shape: Any = (), max_try_correction: int | None = None) -> Tensor:
        """A Bartlett draw; a draw singular in any batch member is redrawn whole, up to
        ``max_try_correction`` (10) times (warning that it happened)."""
        sample_shape = (sample_shape,) if isinstance(sample_shape, int) else tuple(sample_shape)
        tries = 10 if max_try_correction is None else max_try_correction
        sample = self._bartlett_sampling(sample_shape)
        k = len(sample_shape)
        singular = self._singular(sample, k)
        if singular.any():
            warnings.warn("Singular sample detected.", stacklevel=2)
        for _ in range(tries):
            if not singular.any():
                break
            mask = tensor(singular.reshape(singular.shape + (1,) * (sample.dim() - k)))
            sample = where(mask, self._bartlett_sampling(sample_shape), sample)
            singular = self._singular(sample, k)
        return sample

    def log_prob(self, value: Tensor) -> Tensor:
        """-df (p log 2 / 2 + log|L|) - log Γ_p(df/2) + (df - p - 1)/2 log|X| - tr(Σ⁻¹ X)/2."""
        if self._validate_args:
            self._validate_sample(value)
        nu, p, L = self.df, self._event_shape[-1], self._unbroadcasted_scale_tril
        half_log_det = log(L.diagonal(dim1=-2, dim2=-1)).sum(-1)
        trace = cholesky_solve(value, L).diagonal(dim1=-2, dim2=-1).sum(-1)
        return (
            -nu * (p * _LOG_2 / 2 + half_log_det)
            - multigammaln(nu / 2, p)
            + (nu - p - 1) / 2 * slogdet(value)[1]
            - trace / 2
        )

    def entropy(self) -> Tensor:
        """(p + 1)(p log 2 / 2 + log|L|) + log Γ_p(df/2) - (df - p - 1)/2 ψ_p(df/2) + df p/2."""
        nu, p, L = self.df, self._event_shape[-1], self._unbroadcasted_scale_tril
        half_log_det = log(L.diagonal(dim1=-2, dim2=-1)).sum(-1)
        return (
            (p + 1) * (p * _LOG_2 / 2 + half_log_det)
            + multigammaln(nu / 2, p)
            - (nu - p - 1) / 2 * _mvdigamma(nu / 2, p)
            + nu * p / 2
        )
