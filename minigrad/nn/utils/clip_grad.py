"""``nn.utils.clip_grad``: clip gradients (``clip_grad_norm_``, ``clip_grad_value_``, and
the two halves of the first, ``get_total_norm`` and ``clip_grads_with_norm_``)."""

from __future__ import annotations

import math
import types
import warnings
from collections.abc import Iterable

import numpy as np

from ...dtypes import opmath
from ...factories import tensor
from ...tensor import Tensor

__all__ = [
    "clip_grad_norm", "clip_grad_norm_", "clip_grad_value_", "get_total_norm",
    "clip_grads_with_norm_",
]  # fmt: skip


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
    ``foreach`` picks among PyTorch's implementations; minigrad has one (it only changes
    the words of the error for an inf norm of an empty gradient).
    """
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    else:  # read once: a one-shot iterable (generator, filter, chain) gives its items once
        is_generator = isinstance(parameters, types.GeneratorType)
        parameters = list(parameters)
        if is_generator and not parameters:
            warnings.warn(
                "`parameters` is an empty generator, no gradient clipping will occur.",
                stacklevel=2,
            )
    max_norm = float(max_norm)  # first, as PyTorch: max_norm='x' raises without gradients too
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return tensor(0.0)
    total = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total)
    return total


def _norm(a: np.ndarray, p: float) -> np.ndarray:
    """‖a‖_p of the flattened array; over one element |a|, as PyTorch's (no |a|^p to overflow)."""
    if a.size == 1 and p != 0:
        return np.abs(a.reshape(()))
    return np.asarray(np.linalg.norm(opmath(a.ravel()), p))


def get_total_norm(
    tensors: Tensor | Iterable[Tensor],
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> Tensor:
    """The ``norm_type``-norm of ``tensors`` taken together, as if they were one vector:
    the norm of their norms (each in its tensor's dtype), in their common dtype
    (``tensor(0.)`` for none); float16 is accumulated in float32, as PyTorch's."""
    tensors = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    if not tensors:
        return tensor(0.0)
    norm_type = float(norm_type)
    arrays = [t.data for t in tensors]
    if (norm_type < 0 or math.isinf(norm_type)) and any(a.size == 0 for a in arrays):
        # no identity for a max, a min or a negative power (as PyTorch: +inf's message
        # names _foreach_norm unless foreach=False, the others linalg.vector_norm)
        if norm_type == math.inf and foreach is not False:
            raise RuntimeError(
                "_foreach_norm cannot compute the infinity norm on an empty tensor because the "
                "operation does not have an identity"
            )
        raise RuntimeError(
            f"linalg.vector_norm cannot compute the {norm_type:g} norm on an empty tensor "
            "because the operation does not have an identity"
        )
    dtype = np.result_type(*arrays)
    with np.errstate(over="ignore", invalid="ignore"):  # an inf norm, quietly, as PyTorch's
        norms = np.array([_norm(a, norm_type).astype(a.dtype) for a in arrays], dtype)
        total = np.asarray(_norm(norms, norm_type), dtype)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is "
            "non-finite, so it cannot be clipped. To disable this error and scale the "
            "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`"
        )
    return Tensor._new(total)


def clip_grads_with_norm_(
    parameters: Tensor | Iterable[Tensor],
    max_norm: float,
    total_norm: Tensor,
    foreach: bool | None = None,
) -> None:
    """Scale the gradients in place by min(1, max_norm / (total_norm + 1e-6)), the factor
    computed in ``total_norm``'s dtype (``clip_grad_norm_`` with the norm given)."""
    parameters = [parameters] if isinstance(parameters, Tensor) else parameters
    grads = [p.grad.data for p in parameters if p.grad is not None]
    max_norm = float(max_norm)
    if not grads:
        return
    if total_norm.ndim:
        raise RuntimeError(f"scalar tensor expected to be 0 dim but it has {total_norm.ndim} "
                           f"dimensions and {total_norm.numel()} elements.")  # fmt: skip
    scale = np.minimum(max_norm / (total_norm.data + 1e-6), 1.0)
    with np.errstate(invalid="ignore"):  # inf * 0 is NaN, quietly, as PyTorch's
        for g in grads:
            g *= scale.astype(g.dtype)


def clip_grad_value_(
    parameters: Tensor | Iterable[Tensor], clip_value: float, foreach: bool | None = None
) -> None:
    """Clamp every gradient in place into [-clip_value, clip_value], as ``clamp_min`` then
    ``clamp_max``: NaN stays NaN, and with a negative ``clip_value`` every element becomes
    ``clip_value``. As in PyTorch, parameters none of which has a gradient are an error."""
    parameters = [parameters] if isinstance(parameters, Tensor) else parameters
    clip_value = float(clip_value)
    grads = [p.grad.data for p in parameters if p.grad is not None]
    if not grads:
        raise RuntimeError("clip_grad_value_: expected at least one parameter with a gradient")
    for g in grads:
        np.copyto(g, -clip_value, where=g < -clip_value)
        np.copyto(g, clip_value, where=g > clip_value)


def clip_grad_norm(
    parameters: Tensor | Iterable[Tensor],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> Tensor:
    """``clip_grad_norm_``, under its deprecated name (with PyTorch's FutureWarning)."""
    warnings.warn(
        "`torch.nn.utils.clip_grad_norm` is now deprecated in favor of "
        "`torch.nn.utils.clip_grad_norm_`.",
        FutureWarning,
        stacklevel=2,
    )
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)
