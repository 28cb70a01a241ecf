"""Helpers shared by the distributions, as ``torch.distributions.utils``."""

from __future__ import annotations

from numbers import Number
from typing import Any

import numpy as np

from .. import dtypes
from ..extra_ops import broadcast_tensors
from ..factories import tensor
from ..functions import clamp, log, log1p, sigmoid, softmax
from ..nn.functional import pad
from ..tensor import Tensor


def broadcast_all(*values: Any) -> tuple:
    """Broadcast Tensors and numbers to one shape; numbers take the first Tensor's dtype
    (the default dtype if there is none)."""
    if not all(isinstance(v, (Tensor, Number)) for v in values):
        raise ValueError("Input arguments must all be instances of numbers.Number or Tensor.")
    like = next((v for v in values if isinstance(v, Tensor)), None)
    dt = like.dtype if like is not None else dtypes.get_default_dtype()
    tensors = [v if isinstance(v, Tensor) else tensor(v, dtype=dt) for v in values]
    return tuple(broadcast_tensors(*tensors))


def clamp_probs(probs: Tensor) -> Tensor:
    """Probabilities clamped into [eps, 1 - eps] (eps the dtype's machine epsilon)."""
    eps = float(np.finfo(probs.dtype).eps)
    return clamp(probs, min=eps, max=1 - eps)


def probs_to_logits(probs: Tensor, is_binary: bool = False) -> Tensor:
    """log p (multiclass) or log p - log(1 - p) (binary), on clamped probabilities."""
    p = clamp_probs(probs)
    return log(p) - log1p(-p) if is_binary else log(p)


def logits_to_probs(logits: Tensor, is_binary: bool = False) -> Tensor:
    """sigmoid (binary) or softmax over the last dim (multiclass)."""
    return sigmoid(logits) if is_binary else softmax(logits, dim=-1)


class lazy_property:
    """A property computed on first access and then stored on the instance."""

    def __init__(self, wrapped: Any):
        self.wrapped = wrapped
        self.__doc__ = wrapped.__doc__

    def __get__(self, instance: Any, obj_type: Any = None) -> Any:
        if instance is None:
            return self
        value = self.wrapped(instance)
        instance.__dict__[self.wrapped.__name__] = value
        return value


@lazy_property
def logits(self: Any) -> Tensor:
    """A binary distribution's log-odds log(p / (1 - p)), from its ``probs``, on first use (a
    class body shares it: ``logits = utils.logits``)."""
    return probs_to_logits(self.probs, is_binary=True)


@lazy_property
def probs(self: Any) -> Tensor:
    """A binary distribution's probability sigmoid(logits), from its ``logits``."""
    return logits_to_probs(self.logits, is_binary=True)


def counts_and_param(dist: Any, total_count: Any, probs: Any, logits: Any) -> tuple:
    """Binomial's and NegativeBinomial's parameters: ``total_count`` broadcast with the one of
    ``probs`` / ``logits`` given (set on ``dist``) and cast to its dtype; returns
    (total_count, that parameter)."""
    if (probs is None) == (logits is None):
        raise ValueError("Either `probs` or `logits` must be specified, but not both.")
    name, value = ("probs", probs) if probs is not None else ("logits", logits)
    total_count, param = broadcast_all(total_count, value)
    setattr(dist, name, param)
    return total_count.to(param.dtype), param


def size_repr(shape: tuple) -> str:
    """A shape as PyTorch prints it: ``torch.Size([2, 3])``."""
    return f"torch.Size({list(shape)})"


def scalar_batch(param: Tensor, *args: Any) -> tuple:
    """The batch shape: () if every argument was a Python number, else the parameter's."""
    return () if all(isinstance(a, Number) for a in args) else tuple(param.shape)


def _tril_mask(n: int, diag: int) -> np.ndarray:
    """The (n, n) mask of the entries on or below diagonal ``diag``."""
    idx = np.arange(n)
    return idx < idx.reshape(-1, 1) + (diag + 1)


def tril_matrix_to_vec(mat: Tensor, diag: int = 0) -> Tensor:
    """The entries of ``mat`` (..., n, n) on or below diagonal ``diag``, row by row: (..., N)."""
    n = mat.shape[-1]
    if diag < -n or diag >= n:
        raise ValueError(f"tril_matrix_to_vec: diag ({diag}) provided is outside [{-n}, {n - 1}].")
    flat = np.flatnonzero(_tril_mask(n, diag))
    return mat.reshape(tuple(mat.shape[:-2]) + (n * n,))[..., tensor(flat)]


def vec_to_tril_matrix(vec: Tensor, diag: int = 0) -> Tensor:
    """The inverse of tril_matrix_to_vec: (..., N) into the entries on or below diagonal
    ``diag`` of (..., n, n) zeros, n the positive root of n² + (1 + 2 diag) n
    - |diag| (diag + 1) - 2N = 0."""
    N = vec.shape[-1]
    b = 1 + 2 * diag
    n = (-b + (b**2 + 8 * N + 4 * abs(diag) * (diag + 1)) ** 0.5) / 2
    if abs(round(n) - n) > np.finfo(vec.dtype).eps:
        raise ValueError(
            f"vec_to_tril_matrix: the size of last dimension is {N} which cannot be expressed "
            "as the lower triangular part of a square D x D matrix."
        )
    n = round(n)
    source = np.zeros(n * n, dtype=np.int64)  # where each entry comes from: 0 a zero, k + 1 vec[k]
    source[np.flatnonzero(_tril_mask(n, diag))] = np.arange(1, N + 1)
    padded = pad(vec, [1, 0])
    return padded[..., tensor(source)].reshape(tuple(vec.shape[:-1]) + (n, n))
