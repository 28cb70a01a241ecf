"""``nn.utils.convert_parameters``: flatten the parameters into one vector and back."""

from __future__ import annotations

from collections.abc import Iterable

from ...grad_mode import no_grad
from ...ops import cat
from ...tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """The parameters flattened and joined into one 1-D Tensor (a copy, differentiable:
    ``cat`` of their ``view(-1)``)."""
    return cat([p.view(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Point each parameter's data at its slice of ``vec``, in order, reshaped to the
    parameter's shape: they share ``vec``'s memory and take its dtype, as in PyTorch."""
    if not isinstance(vec, Tensor):
        kind = type(vec)
        name = (
            kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
        )
        raise TypeError(f"expected torch.Tensor, but got: {name}")
    parameters = list(parameters)
    if vec.dtype.kind not in "fc" and any(p.requires_grad for p in parameters):
        raise RuntimeError(
            f"vector_to_parameters: data set to a tensor that requires gradients must be "
            f"floating point or complex dtype, not {vec.dtype}"
        )
    pointer = 0
    with no_grad():
        for p in parameters:
            n = p.numel()
            p.data = vec[pointer : pointer + n].view_as(p).data
            pointer += n
