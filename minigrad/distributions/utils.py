"""Helpers shared by the distributions, as ``torch.distributions.utils``."""

from __future__ import annotations

from numbers import Number
from typing import Any

import numpy as np

from .. import dtypes
from ..extra_ops import broadcast_tensors
from ..factories import tensor
from ..functions import clamp, log, log1p, sigmoid, softmax
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


def size_repr(shape: tuple) -> str:
    """A shape as PyTorch prints it: ``torch.Size([2, 3])``."""
    return f"torch.Size({list(shape)})"


def scalar_batch(param: Tensor, *args: Any) -> tuple:
    """The batch shape: () if every argument was a Python number, else the parameter's."""
    return () if all(isinstance(a, Number) for a in args) else tuple(param.shape)
