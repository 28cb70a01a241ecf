"""``nn.utils.stateless.functional_call``: call a module with other tensors in place of its
parameters and buffers, as PyTorch's (deprecated there in favour of
``minigrad.func.functional_call``, which takes several dicts too).

For the call, each ``"path.to.name"`` of the dict is swapped into its submodule's registry
(an attribute if it is neither a parameter nor a buffer); afterwards, even on an exception,
the originals are swapped back. Gradients flow to the given tensors, and a module that
updates a buffer in place (BatchNorm's running statistics) updates the given tensor.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ...tensor import Tensor
from ..module import Module

__all__ = ["functional_call"]

_MISSING: Any = object()  # a name the module did not have before the call


def _submodule(module: Module, path: str) -> Module:
    """The submodule at ``path`` (``""`` is the module itself)."""
    for attr in path.split(".") if path else ():
        try:
            child = getattr(module, attr)
        except AttributeError:
            raise AttributeError(f"{module._get_name()} has no attribute `{attr}`") from None
        if not isinstance(child, Module):
            raise TypeError(f"submodule `{path}`: {child} is not an instance of minigrad.nn.Module")
        module = child
    return module


def _swap(module: Module, name: str, tensor: Any) -> Any:
    """Put ``tensor`` at ``name`` (a dotted path); return what was there (or _MISSING)."""
    if tensor is not _MISSING and tensor is not None and not isinstance(tensor, Tensor):
        raise TypeError(f"{tensor} is not an instance of minigrad.Tensor")
    prefix, _, attr = name.rpartition(".")
    owner = _submodule(module, prefix)
    for registry in (owner._parameters, owner._buffers):
        if attr in registry:
            old = registry[attr]
            if tensor is _MISSING:
                del registry[attr]
            else:
                registry[attr] = tensor  # the registry, not setattr: any Tensor may stand in
            return old
    old = getattr(owner, attr, _MISSING)
    if old is not _MISSING and old is not None and not isinstance(old, Tensor):
        raise TypeError(f"attribute `{attr}`: {old} is not an instance of minigrad.Tensor")
    if tensor is not _MISSING:
        setattr(owner, attr, tensor)
    elif old is not _MISSING:
        delattr(owner, attr)
    return old


def _swap_all(module: Module, tensors: dict[str, Any]) -> dict[str, Any]:
    """Swap every entry in; on an error, swap back those already in, and raise."""
    old: dict[str, Any] = {}
    try:
        for name, tensor in tensors.items():
            old[name] = _swap(module, name, tensor)
    except Exception:
        for name, tensor in old.items():
            _swap(module, name, tensor)
        raise
    return old


def _untie(module: Module, given: dict[str, Tensor]) -> dict[str, Tensor]:
    """``given`` plus, for each given name of a tensor the module holds under several names
    (tied weights), the same value under the other names."""
    names: dict[int, list[str]] = {}
    for kind in ("named_parameters", "named_buffers"):
        for name, t in getattr(module, kind)(remove_duplicate=False):
            names.setdefault(id(t), []).append(name)
    keys = set(given.keys())
    untied = given.copy()
    for tied in names.values():
        passed = [n for n in tied if n in keys]
        if len(tied) < 2 or not passed:
            continue
        if len({id(given[n]) for n in passed}) > 1:
            raise ValueError(
                f"functional_call got multiple values for keys {sorted(tied)}, which are tied. "
                "Consider using tie_weights=False"
            )
        untied.update(dict.fromkeys(tied, given[passed[0]]))
    return untied


def _check_keys(module: Module, keys: Any) -> None:
    """``strict``: the keys must be exactly the module's parameter and buffer names."""
    valid = {n for kind in ("named_parameters", "named_buffers")
             for n, _ in getattr(module, kind)(remove_duplicate=False)}  # fmt: skip
    missing, unexpected = sorted(valid - set(keys)), sorted(set(keys) - valid)
    errors = []
    if unexpected:
        errors.append(f"Unexpected key(s): {', '.join(map(repr, unexpected))}.")
    if missing:
        errors.append(f"Missing key(s): {', '.join(map(repr, missing))}.")
    if errors:
        raise RuntimeError(
            f"Error(s) in reparametrizing for {module._get_name()}:\n\t" + "\n\t".join(errors)
        )


@contextmanager
def _reparametrize_module(
    module: Module, parameters_and_buffers: dict[str, Tensor], tie_weights: bool = False,
    strict: bool = False,
) -> Iterator[None]:  # fmt: skip
    """Inside it, the module holds the given tensors; the dict then gets the module's final
    values (a buffer the call reassigned)."""
    tensors = _untie(module, parameters_and_buffers) if tie_weights else parameters_and_buffers
    if strict:
        _check_keys(module, tensors)
    old = _swap_all(module, tensors)
    try:
        yield
    finally:
        final = _swap_all(module, old)
        parameters_and_buffers.update(
            {k: final[k] for k in parameters_and_buffers if final.get(k, _MISSING) is not _MISSING}
        )


def _functional_call(
    module: Module, parameters_and_buffers: dict[str, Tensor], args: Any = None,
    kwargs: dict[str, Any] | None = None, *, tie_weights: bool = True, strict: bool = False,
) -> Any:  # fmt: skip
    args = () if args is None else args if isinstance(args, tuple) else (args,)
    with _reparametrize_module(module, parameters_and_buffers, tie_weights, strict):
        return module(*args, **(kwargs or {}))


def functional_call(
    module: Module, parameters_and_buffers: dict[str, Tensor], args: Any = None,
    kwargs: dict[str, Any] | None = None, *, tie_weights: bool = True, strict: bool = False,
) -> Any:  # fmt: skip
    """``module(*args, **kwargs)`` with the tensors of ``parameters_and_buffers`` (dotted
    names, as in ``state_dict``) in place of the module's. ``args`` not a tuple is one
    argument. With ``tie_weights``, a value given for one of tied tensors replaces all of
    them; with ``strict``, the names must be exactly the module's (else RuntimeError).
    Deprecated, as in PyTorch: use ``minigrad.func.functional_call``."""
    warnings.warn(
        "`minigrad.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 and "
        "will be removed in a future version. Please use `minigrad.func.functional_call` "
        "instead which is a drop-in replacement.",
        FutureWarning,
        stacklevel=2,
    )
    return _functional_call(
        module, parameters_and_buffers, args, kwargs, tie_weights=tie_weights, strict=strict
    )
