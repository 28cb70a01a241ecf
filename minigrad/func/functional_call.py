"""``functional_call`` with one or several dicts of tensors, and ``stack_module_state``,
which stacks the parameters and buffers of same-shaped models for ``vmap``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..nn.module import Module
from ..nn.utils.stateless import _functional_call
from ..ops import stack
from ..tensor import Tensor

__all__ = ["functional_call", "stack_module_state"]


def functional_call(
    module: Module, parameter_and_buffer_dicts: Any, args: Any = None,
    kwargs: dict[str, Any] | None = None, *, tie_weights: bool = True, strict: bool = False,
) -> Any:  # fmt: skip
    """``module(*args, **kwargs)`` with the given tensors (one dict of dotted names, or a
    sequence of dicts with distinct keys) in place of its parameters and buffers, restored
    afterwards; see ``nn.utils.stateless.functional_call`` for ``tie_weights`` and
    ``strict``. Gradients flow to the given tensors."""
    if isinstance(parameter_and_buffer_dicts, dict):
        tensors = parameter_and_buffer_dicts
    elif isinstance(parameter_and_buffer_dicts, Sequence):
        if not all(isinstance(d, dict) for d in parameter_and_buffer_dicts):
            raise ValueError(
                "Expected all elements of parameter_and_buffer_dicts to be dictionaries"
            )
        keys = [k for d in parameter_and_buffer_dicts for k in d]
        repeated = list(dict.fromkeys(k for k in keys if keys.count(k) > 1))
        if repeated:
            raise ValueError(
                f"{repeated} appeared in multiple dictionaries; behavior of functional call is "
                "ambiguous"
            )
        tensors = {k: v for d in parameter_and_buffer_dicts for k, v in d.items()}
    else:
        raise ValueError(
            "Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of dicts, but "
            f"got {type(parameter_and_buffer_dicts)}"
        )
    return _functional_call(module, tensors, args, kwargs, tie_weights=tie_weights, strict=strict)


def _stacked_leaf(tensors: list, name: str) -> Tensor:
    """The tensors stacked on a new dim 0: a leaf that requires grad if they all do."""
    requires = [t.requires_grad for t in tensors]
    if any(requires) and not all(requires):
        raise RuntimeError(f"Expected {name} from each model to have the same .requires_grad")
    result = stack(tensors).detach()
    return result.requires_grad_() if all(requires) else result


def stack_module_state(models: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(params, buffers)``: each parameter and buffer name of the models (of one class,
    all in training or all in eval mode) with the models' tensors stacked on a new dim 0,
    as ``functional_call`` under ``vmap`` takes them."""
    models = list(models)
    if not models:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if len({m.training for m in models}) > 1:
        raise RuntimeError(
            "stack_module_state: Expected all models to have the same training/eval mode."
        )
    if any(type(m) is not type(models[0]) for m in models):
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")
    states = []
    for kind in ("named_parameters", "named_buffers"):
        all_named = [dict(getattr(m, kind)()) for m in models]
        states.append({k: _stacked_leaf([d[k] for d in all_named], k) for k in all_named[0]})
    return states[0], states[1]
