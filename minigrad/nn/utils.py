"""``nn.utils.clip_grad_norm_``: rescale gradients whose joint norm is too large."""

from __future__ import annotations

import math
import types
import warnings
from collections.abc import Iterable

import numpy as np

from ..factories import tensor
from ..tensor import Tensor


def clip_grad_norm_(
    parameters: Tensor | Iterable[Tensor],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> Tensor:
    """Scale all gradients in place by min(1, max_norm / (total_norm + 1e-6)).

    total_norm is the ``norm_type``-norm of all gradients taken together, as if they
    were one vector (``inf`` for the largest absolute value), in the gradients' common
    dtype, in which the scale is computed too (as PyTorch). Returns it as a Tensor.
    ``foreach`` picks among PyTorch's implementations; minigrad has one.
    """
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    elif isinstance(parameters, types.GeneratorType):
        parameters = list(parameters)
        if not parameters:
            warnings.warn(
                "`parameters` is an empty generator, no gradient clipping will occur.",
                stacklevel=2,
            )
    max_norm, norm_type = float(max_norm), float(norm_type)  # first, as PyTorch: 'x' raises
    grads = [p.grad.data for p in parameters if p.grad is not None]
    if not grads:
        return tensor(0.0)
    dtype = np.result_type(*grads)
    if norm_type == math.inf:
        if any(g.size == 0 for g in grads):
            raise RuntimeError(
                "clip_grad_norm_: cannot compute the infinity norm of an empty gradient"
            )
        total = np.asarray(max(np.abs(g).max() for g in grads), dtype)
    else:
        norms = np.array([np.linalg.norm(g.ravel(), norm_type) for g in grads], dtype)
        total = np.asarray(np.linalg.norm(norms, norm_type), dtype)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is "
            "non-finite, so it cannot be clipped. To disable this error and scale the "
            "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`"
        )
    scale = np.minimum(max_norm / (total + 1e-6), 1.0)  # in the norm's dtype
    for g in grads:
        g *= scale.astype(g.dtype)
    return Tensor._new(total)
