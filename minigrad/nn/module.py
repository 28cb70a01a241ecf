"""``nn.Module``: the base class of layers and models, as in PyTorch.

A Module keeps three ordered dicts: its own parameters, buffers and sub-modules.
Assigning a Parameter or a Module as an attribute registers it (``__setattr__``), so a
model is a tree of modules whose parameters are named by their path in the tree
(``encoder.fc1.weight``). Each registered entry is mirrored in the instance
``__dict__`` so that ``self.weight`` in a ``forward`` is a plain attribute read (PyTorch
finds it through ``__getattr__``, which costs 5% of a small model's training step); the
dicts keep the mirror in step when written directly (``model._modules["fc"] = new``).
"""

from __future__ import annotations

import functools
import warnings
import weakref
from collections import OrderedDict, namedtuple
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from .. import dtypes
from ..device import check as check_device
from ..device import dtype_of_to
from ..grad_mode import no_grad
from ..tensor import Tensor, zero_grads
from ..utils.hooks import BackwardHook, RemovableHandle
from .parameter import Buffer, Parameter, is_lazy

_EXTRA_STATE = "_extra_state"  # the state_dict key of what get_extra_state returns


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns: the keys it did not find and did not expect."""

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


class _Registry(OrderedDict):
    """A Module's parameters, buffers or children by name. Writing to it directly, as model
    surgery does (``model._modules["fc"] = new``, ``del model._modules["fc"]``), updates
    the owner's attribute mirror too."""

    def __init__(self, owner: Module) -> None:
        super().__init__()
        self.owner = weakref.ref(owner)

    def __setitem__(self, name: str, value: Any) -> None:
        super().__setitem__(name, value)
        owner = self.owner()
        if owner is not None:
            owner._mirror(name, value)

    def __delitem__(self, name: str) -> None:
        super().__delitem__(name)
        owner = self.owner()
        if owner is not None:
            owner.__dict__.pop(name, None)

    def pop(self, name: str, *default: Any) -> Any:
        if name not in self:
            return super().pop(name, *default)
        value = self[name]
        del self[name]
        return value

    def popitem(self) -> tuple[str, Any]:
        if not self:
            raise KeyError("popitem(): dictionary is empty")
        name = next(reversed(self))
        return name, self.pop(name)

    def clear(self) -> None:
        for name in list(self):
            del self[name]

    def __reduce__(self) -> tuple:  # pickle and deepcopy: the owner is the copied module
        return _registry, (self.owner(), list(self.items()))


def _registry(owner: Module, items: list) -> _Registry:
    registry = _Registry(owner)
    for name, value in items:
        OrderedDict.__setitem__(registry, name, value)  # the owner's mirror comes with it
    return registry


class Module:
    """Base class for all neural network modules; subclasses define ``forward``.

    Parameters and sub-modules assigned as attributes in ``__init__`` are registered
    in assignment order; ``model(x)`` calls ``model.forward(x)``.
    """

    training: bool
    # None until a backward hook is registered: then True (full hooks) or False (the
    # deprecated register_backward_hook), which cannot be mixed on one module
    _is_full_backward_hook: bool | None = None

    def __init__(self) -> None:
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", _Registry(self))
        object.__setattr__(self, "_buffers", _Registry(self))
        object.__setattr__(self, "_non_persistent_buffers_set", set())
        object.__setattr__(self, "_modules", _Registry(self))
        object.__setattr__(self, "_forward_pre_hooks", OrderedDict())
        object.__setattr__(self, "_forward_pre_hooks_with_kwargs", {})
        object.__setattr__(self, "_forward_hooks", OrderedDict())
        object.__setattr__(self, "_forward_hooks_with_kwargs", {})
        object.__setattr__(self, "_forward_hooks_always_called", {})
        object.__setattr__(self, "_backward_pre_hooks", OrderedDict())
        object.__setattr__(self, "_backward_hooks", OrderedDict())
        object.__setattr__(self, "_state_dict_pre_hooks", OrderedDict())
        object.__setattr__(self, "_state_dict_hooks", OrderedDict())
        object.__setattr__(self, "_load_state_dict_pre_hooks", OrderedDict())
        object.__setattr__(self, "_load_state_dict_post_hooks", OrderedDict())

    def __setstate__(self, state: dict) -> None:
        """Unpickling and ``copy.deepcopy``: a module that comes with hooks turns on their
        lookups in ``__call__`` (in a new process, none may have been registered yet)."""
        self.__dict__.update(state)
        if any(state.get(name) for name in _CALL_HOOKS):
            hooks_in_use[0] = True

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if hooks_in_use[0] and (
            self._forward_pre_hooks or self._forward_hooks or self._backward_hooks
            or self._backward_pre_hooks or _global_forward_pre_hooks or _global_forward_hooks
            or _global_backward_hooks or _global_backward_pre_hooks
        ):  # fmt: skip
            return self._call_with_hooks(args, kwargs)
        return self.forward(*args, **kwargs)

    def _call_with_hooks(self, args: tuple, kwargs: dict) -> Any:
        """``forward`` between the hooks: a pre-hook may replace the arguments, a forward
        hook the output (by returning something other than None), as in PyTorch. With
        backward hooks, the tensors in the arguments (after the pre-hooks) and in the
        output (after the forward hooks) pass through the nodes that run them; the hooks
        of this call are those registered now. If anything raises (a pre-hook, ``forward``,
        a forward hook), the ``always_call`` forward hooks that have not run yet run with the
        output so far (None if ``forward`` did not return), their own errors only warned."""
        output = None
        called: set = set()  # the always_call hooks that ran
        try:
            for key, hook in [*_global_forward_pre_hooks.items(), *self._forward_pre_hooks.items()]:
                if key in self._forward_pre_hooks_with_kwargs:
                    result = hook(self, args, kwargs)
                    if result is not None:
                        if not (isinstance(result, tuple) and len(result) == 2):
                            raise RuntimeError(
                                "forward pre-hook must return None or a tuple of (new_args, "
                                f"new_kwargs), but got {result}."
                            )
                        args, kwargs = result
                else:
                    result = hook(self, args)
                    if result is not None:
                        args = result if isinstance(result, tuple) else (result,)
            backward_hook = None
            full = self._backward_hooks_of_kind(True)
            pre = [*_global_backward_pre_hooks.values(), *self._backward_pre_hooks.values()]
            if full or pre:
                backward_hook = BackwardHook(self, full, pre)
                args = backward_hook.setup_input_hook(args)
            output = self.forward(*args, **kwargs)
            for key, hook in [*_global_forward_hooks.items(), *self._forward_hooks.items()]:
                if key in self._forward_hooks_always_called or key in _global_always_called:
                    called.add(key)
                result = self._run_forward_hook(key, hook, args, kwargs, output)
                if result is not None:
                    output = result
            if backward_hook is not None:
                if not isinstance(output, (Tensor, tuple)):
                    warnings.warn(
                        "For backward hooks to be called, module output should be a Tensor or "
                        f"a tuple of Tensors but received {type(output)}",
                        stacklevel=2,
                    )
                output = backward_hook.setup_output_hook(output)
            partial = self._backward_hooks_of_kind(False)
            if partial:
                _hook_output_node(self, partial, args, output)
            return output
        except Exception:
            for key, hook in [*_global_forward_hooks.items(), *self._forward_hooks.items()]:
                always = key in self._forward_hooks_always_called or key in _global_always_called
                if not always or key in called:
                    continue
                try:
                    result = self._run_forward_hook(key, hook, args, kwargs, output)
                except Exception as e:  # noqa: BLE001 - the first error is the one raised
                    warnings.warn(
                        "module forward hook with ``always_call=True`` raised an exception that "
                        f"was silenced as another error was raised in forward: {e}",
                        stacklevel=2,
                    )
                    continue
                if result is not None:
                    output = result
            raise

    def _run_forward_hook(
        self, key: int, hook: Callable, args: tuple, kwargs: dict, output: Any
    ) -> Any:
        if key in self._forward_hooks_with_kwargs or key in _global_with_kwargs:
            return hook(self, args, kwargs, output)
        return hook(self, args, output)

    def _backward_hooks_of_kind(self, full: bool) -> list:
        """The full (or the deprecated) backward hooks that a call of this module runs: the
        global ones (``register_module_*``) first, as PyTorch."""
        hooks = list(_global_backward_hooks.values()) if _global_full[0] is full else []
        if self._is_full_backward_hook is full:
            hooks += self._backward_hooks.values()
        return hooks

    def register_forward_pre_hook(
        self, hook: Callable, *, prepend: bool = False, with_kwargs: bool = False
    ) -> RemovableHandle:
        """Call ``hook(module, args)`` before each ``forward`` (``hook(module, args, kwargs)``
        with ``with_kwargs``); ``prepend`` puts it before the hooks already there."""
        flags = ((self._forward_pre_hooks_with_kwargs, with_kwargs),)
        return _add_hook(self._forward_pre_hooks, hook, prepend, flags)

    def register_forward_hook(
        self, hook: Callable, *, prepend: bool = False, with_kwargs: bool = False,
        always_call: bool = False,
    ) -> RemovableHandle:  # fmt: skip
        """Call ``hook(module, args, output)`` after each ``forward`` (``hook(module, args,
        kwargs, output)`` with ``with_kwargs``); ``prepend`` puts it first; with
        ``always_call`` it runs (with output None) when ``forward`` raises, too."""
        flags = (
            (self._forward_hooks_with_kwargs, with_kwargs),
            (self._forward_hooks_always_called, always_call),
        )
        return _add_hook(self._forward_hooks, hook, prepend, flags)

    def register_full_backward_pre_hook(
        self, hook: Callable, prepend: bool = False
    ) -> RemovableHandle:
        """Call ``hook(module, grad_output)`` each time the gradients of a call's outputs
        are there, before those of its inputs are computed; a tuple it returns replaces
        ``grad_output``. ``prepend`` puts it before the hooks already there."""
        return _add_hook(self._backward_pre_hooks, hook, prepend, ())

    def register_full_backward_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """Call ``hook(module, grad_input, grad_output)`` each time the gradients of a
        call's positional Tensor inputs are computed (with ``grad_input`` all None when
        no input requires grad: then when those of its outputs are); a tuple it returns
        replaces ``grad_input``. Entries are None for arguments that are not Tensors.
        As in PyTorch, the forward sees each input through an identity node, which it
        must not change in place."""
        _backward_hook_kind(self, full=True)
        return _add_hook(self._backward_hooks, hook, prepend, ())

    def register_backward_hook(self, hook: Callable) -> RemovableHandle:
        """Deprecated (use ``register_full_backward_hook``): call ``hook(module, grad_input,
        grad_output)`` when the node of the module's (first) output runs, with that node's
        gradients, as PyTorch's; a FutureWarning at the call says when that node is not the
        whole forward. ``grad_input`` follows minigrad's node, whose inputs may differ from
        PyTorch's for the same layer (Linear: (dx, dW, db) here, (db, dx, dWᵀ) there)."""
        _backward_hook_kind(self, full=False)
        return _add_hook(self._backward_hooks, hook, False, ())

    def register_state_dict_pre_hook(self, hook: Callable) -> RemovableHandle:
        """Call ``hook(module, prefix, keep_vars)`` when ``state_dict`` reaches this module,
        before its tensors are saved."""
        return _add_state_hook(self._state_dict_pre_hooks, hook)

    def register_state_dict_post_hook(self, hook: Callable) -> RemovableHandle:
        """Call ``hook(module, state_dict, prefix, local_metadata)`` once ``state_dict`` has
        saved this module and its children; it may change the dict in place, and must
        return None."""
        return _add_state_hook(self._state_dict_hooks, hook)

    def register_load_state_dict_pre_hook(self, hook: Callable) -> RemovableHandle:
        """Call ``hook(module, state_dict, prefix, local_metadata, strict, missing_keys,
        unexpected_keys, error_msgs)`` when ``load_state_dict`` reaches this module, before
        it loads; ``state_dict`` is the loader's copy, which it may change in place."""
        return _add_state_hook(self._load_state_dict_pre_hooks, hook)

    def register_load_state_dict_post_hook(self, hook: Callable) -> RemovableHandle:
        """Call ``hook(module, incompatible_keys)`` once ``load_state_dict`` has loaded this
        module and its children; it may change the keys' lists in place (which the strict
        check then sees), and must return None."""
        return _add_state_hook(self._load_state_dict_post_hooks, hook)

    # ---- registration ------------------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        params = self.__dict__.get("_parameters")
        modules = self.__dict__.get("_modules")
        buffers = self.__dict__.get("_buffers")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._unregister(name, keep=params)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as parameter '{name}' "
                    "(nn.Parameter or None expected)"
                )
            params[name] = None
            self._mirror(name, None)
        elif isinstance(value, Module):
            if modules is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._unregister(name, keep=modules)
            value = _registered(_global_module_registration_hooks, self, name, value)
            modules[name] = value
            self._mirror(name, value)
        elif modules is not None and name in modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as child module '{name}' "
                    "(nn.Module or None expected)"
                )
            value = modules[name] = _registered(_global_module_registration_hooks, self, name, None)
            self._mirror(name, value)
        elif isinstance(value, Buffer) or (buffers is not None and name in buffers):
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as buffer '{name}' "
                    "(nn.Buffer, Tensor or None expected)"
                )
            if isinstance(value, Buffer):  # a Buffer says whether it persists
                self.register_buffer(name, value, value.persistent)
            else:  # a Tensor keeps the buffer's persistence
                value = buffers[name] = _registered(
                    _global_buffer_registration_hooks, self, name, value
                )
                self._mirror(name, value)
        elif name in ("_parameters", "_buffers", "_modules") and isinstance(value, Mapping):
            self._replace_registry(name, value)
        else:
            object.__setattr__(self, name, value)

    def _replace_registry(self, registry: str, entries: Mapping[str, Any]) -> None:
        """``self._modules = OrderedDict(...)`` (as PyTorch's own containers do): the old
        entries stop being attributes, the new ones become attributes."""
        for name in self.__dict__.get(registry, ()):
            self.__dict__.pop(name, None)
        object.__setattr__(self, registry, _Registry(self))
        for name, value in entries.items():
            self.__dict__[registry][name] = value

    def _mirror(self, name: str, value: Any) -> None:
        """Keep a registered entry readable as a plain attribute (fast ``self.weight``),
        unless the class defines the name (a method, a property): then, as in PyTorch,
        reading it finds the class's attribute, and the entry is only in its registry."""
        if not hasattr(type(self), name):
            object.__setattr__(self, name, value)

    def _unregister(self, name: str, keep: dict) -> None:
        """Drop ``name`` from the other registries before it is (re)registered in ``keep``.

        An existing entry in ``keep`` stays where it is, so reassigning ``self.fc1``
        keeps its place in ``named_parameters()``, as in PyTorch.
        """
        self.__dict__.pop(name, None)
        for registry in (self._parameters, self._buffers, self._modules):
            if registry is not keep:
                registry.pop(name, None)
        if keep is not self._buffers:
            self._non_persistent_buffers_set.discard(name)

    def _check_name(self, name: str, registry: dict, kind: str) -> None:
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string. Got {type(name).__name__}")
        if "." in name or not name:
            raise KeyError(f'{kind} name must not contain "." or be empty, got "{name}"')
        if hasattr(self, name) and name not in registry:
            raise KeyError(f"attribute '{name}' already exists")

    def __getattr__(self, name: str) -> Any:
        # only called when normal lookup fails: the registered names live in the dicts
        for registry in ("_parameters", "_buffers", "_modules"):
            found = self.__dict__.get(registry)
            if found is not None and name in found:
                return found[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for registry in (self._parameters, self._buffers, self._modules):
            if name in registry:
                del registry[name]
                self.__dict__.pop(name, None)
                self._non_persistent_buffers_set.discard(name)
                return
        object.__delattr__(self, name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add a parameter (or None, a declared but absent one, like ``bias=False``)."""
        self._register("_parameters", "parameter", Parameter, "nn.Parameter", name, param,
                       hooked=param is not None)  # fmt: skip

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Add a Tensor that is not a parameter; it is in ``state_dict`` if ``persistent``."""
        self._register("_buffers", "buffer", Tensor, "Tensor", name, tensor)
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def _register(self, registry: str, kind: str, cls: type, required: str, name: str,
                  value: Any, hooked: bool = True) -> None:  # fmt: skip
        if registry not in self.__dict__:
            raise AttributeError(f"cannot assign {kind} before Module.__init__() call")
        self._check_name(name, self.__dict__[registry], kind)
        if value is not None and not isinstance(value, cls):
            raise TypeError(
                f"cannot assign '{type(value).__name__}' object to {kind} '{name}' "
                f"({required} or None required)"
            )
        if hooked:
            value = _registered(_REGISTRATION_HOOKS[kind], self, name, value)
        self.__dict__[registry][name] = value
        self._mirror(name, value)

    def register_module(self, name: str, module: Module | None) -> None:
        """The same as ``add_module``."""
        self.add_module(name, module)

    def add_module(self, name: str, module: Module | None) -> None:
        """Add a child module under ``name`` (what attribute assignment does)."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._check_name(name, self._modules, "module")
        module = self._modules[name] = _registered(
            _global_module_registration_hooks, self, name, module
        )
        self._mirror(name, module)

    # ---- walking the tree ----------------------------------------------------------
    def get_submodule(self, target: str) -> Module:
        """The sub-module at the dotted path ``target`` ("" is this module)."""
        module = self
        for name in target.split(".") if target else []:
            if not hasattr(module, name):
                raise AttributeError(f"{module._get_name()} has no attribute `{name}`")
            module = getattr(module, name)
            if not isinstance(module, Module):
                raise AttributeError(f"`{name}` is not an nn.Module")
        return module

    def set_submodule(self, target: str, module: Module, strict: bool = False) -> None:
        """Put ``module`` at the dotted path ``target`` (``"encoder.fc1"``), replacing the
        sub-module there or, unless ``strict``, adding it to the parent there."""
        if target == "":
            raise ValueError("set_submodule: cannot set the submodule without a target name")
        if not isinstance(module, Module):
            raise ValueError(f"set_submodule: `module` is not an nn.Module, found {type(module)}")
        path, _, name = target.rpartition(".")
        parent = self.get_submodule(path)
        if strict and not hasattr(parent, name):
            raise AttributeError(f"{parent._get_name()} has no attribute `{name}`")
        if hasattr(parent, name) and not isinstance(getattr(parent, name), Module):
            raise AttributeError(f"`{name}` is not an nn.Module")
        setattr(parent, name, module)

    def get_parameter(self, target: str) -> Parameter:
        """The parameter at the dotted path ``target`` (``"fc1.weight"``)."""
        module, name = self._owner_of(target)
        param = getattr(module, name)
        if not isinstance(param, Parameter):
            raise AttributeError(f"`{name}` is not an nn.Parameter")
        return param

    def get_buffer(self, target: str) -> Tensor:
        """The buffer at the dotted path ``target``."""
        module, name = self._owner_of(target)
        if name not in module._buffers:
            raise AttributeError(f"`{name}` is not a buffer")
        return getattr(module, name)

    def _owner_of(self, target: str) -> tuple[Module, str]:
        path, _, name = target.rpartition(".")
        module = self.get_submodule(path)
        if not hasattr(module, name):
            raise AttributeError(f"{module._get_name()} has no attribute `{name}`")
        return module, name

    def named_modules(
        self, memo: set | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """This module and every descendant, depth first, with its dotted name.

        A module reachable by several paths comes once, unless ``remove_duplicate``
        is False (as ``state_dict`` needs: it lists shared tensors under every name).
        Modules in ``memo`` (a set, which the walk adds to) are skipped, as in PyTorch.
        """
        seen: set = set() if memo is None else memo
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if remove_duplicate:
                if module in seen:
                    continue
                seen.add(module)
            yield name, module
            children = [
                (f"{name}.{key}" if name else key, child)
                for key, child in module._modules.items()
                if child is not None
            ]
            stack.extend(reversed(children))

    def modules(self, remove_duplicate: bool = True) -> Iterator[Module]:
        """This module and every descendant, depth first (see ``named_modules``)."""
        for _, module in self.named_modules(remove_duplicate=remove_duplicate):
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The direct sub-modules, in registration order."""
        seen: set[int] = set()
        for name, child in self._modules.items():
            if child is not None and id(child) not in seen:
                seen.add(id(child))
                yield name, child

    def children(self) -> Iterator[Module]:
        for _, child in self.named_children():
            yield child

    def _named_members(
        self, registry: str, prefix: str, recurse: bool, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Any]]:
        """Tensors of one registry of every module (or only this one), each once unless
        ``remove_duplicate`` is False (then under every name it has)."""
        seen: set[int] = set()
        walk = (
            self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse
            else [(prefix, self)]
        )  # fmt: skip
        for module_name, module in walk:
            for name, t in getattr(module, registry).items():
                if t is None or (remove_duplicate and id(t) in seen):
                    continue
                seen.add(id(t))
                yield (f"{module_name}.{name}" if module_name else name), t

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """``(name, parameter)`` pairs: a module's own parameters, then its children's."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call ``fn`` on every child (recursively), then on this module; return self."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # ---- modes and gradients -------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Set training mode (``mode=True``) or evaluation mode here and in every child."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for child in self.children():
            child.train(mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode: ``train(False)`` (Dropout becomes the identity)."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Set ``requires_grad`` of every parameter (``False`` freezes the module)."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the parameters' gradients: to None (the default), or to zeros."""
        zero_grads(self.parameters(), set_to_none)

    def compile(self, *args: Any, **kwargs: Any) -> None:
        """PyTorch's in-place ``torch.compile`` of this module's calls, taking its
        arguments. There is no compiler here: the module computes as it did, and keeps its
        state_dict keys (unlike ``minigrad.compile(module)``, which wraps it)."""
        from ..compiler import compile

        compile(self.__call__, *args, **kwargs)

    # ---- dtype and device ----------------------------------------------------------
    def to(self, *args: Any, **kwargs: Any) -> Module:
        """Cast floating point parameters (in place), their gradients and buffers to a dtype:
        ``to(dtype)``, ``to(device)`` (the CPU: nothing to do) or ``to(device, dtype)``;
        ``memory_format=`` lays out the 4-D and 5-D ones so; not ``copy=`` (a Tensor's),
        which PyTorch refuses here."""
        if "copy" in kwargs:
            raise RuntimeError(".to() does not accept copy argument")
        dtype = dtype_of_to(args, kwargs)
        layout = kwargs.get("memory_format")
        if dtype is None and layout is None:
            return self
        if dtype is not None and np.dtype(dtype).kind != "f":
            raise TypeError(
                f"nn.Module.to only accepts floating point dtypes, but got desired dtype={dtype}"
            )

        def convert(t: Tensor) -> Tensor:  # t itself if nothing changes
            if dtype is not None and t.dtype.kind == "f":
                t = t.to(dtype)
            return t.to(memory_format=layout) if layout is not None and t.ndim in (4, 5) else t

        for p in self.parameters():  # the same Parameter objects, with new arrays
            if is_lazy(p):  # an uninitialized one takes the dtype only
                if dtype is not None and p.dtype.kind == "f":
                    p.data = np.empty(0, dtype)
                continue
            p.data = convert(p.detach()).data
            if p._grad is not None:
                p._grad.data = convert(p._grad.detach()).data
        for module in self.modules():  # buffers are replaced, as PyTorch's
            for name, b in list(module._buffers.items()):
                if b is not None:
                    module._buffers[name] = convert(b)
        return self

    def share_memory(self) -> Module:
        """``share_memory_()`` on every parameter, its gradient and every buffer."""
        for t in (*self.parameters(), *self.buffers()):
            t.share_memory_()
            if t.grad is not None:
                t.grad.share_memory_()
        return self

    def float(self) -> Module:
        return self.to(dtypes.float32)

    def cpu(self) -> Module:
        return self

    def cuda(self, device: Any = None) -> Module:
        """Raises, as there is no CUDA device (``device``: None for the current one, or an
        index or a name)."""
        if device is None or (isinstance(device, int) and not isinstance(device, bool)):
            device = "cuda" if device is None else f"cuda:{device}"
        check_device(device)
        return self

    def double(self) -> Module:
        return self.to(dtypes.float64)

    def half(self) -> Module:
        return self.to(dtypes.float16)

    def type(self, dst_type: Any) -> Module:
        """Cast every parameter and buffer (integer ones too) to ``dst_type``."""
        return self._apply(lambda t: t.type(dst_type))

    def to_empty(self, *, device: Any, recurse: bool = True) -> Module:
        """Give every parameter and buffer a new uninitialized array of its shape and dtype
        (on ``device``: the CPU); with ``recurse=False``, this module's own only."""
        check_device(device)
        return self._apply(lambda t: Tensor._new(np.empty_like(t.data)), recurse)

    def _apply(self, fn: Callable[[Tensor], Tensor], recurse: bool = True) -> Module:
        """Replace each parameter's array (and its gradient's) by ``fn``'s, keeping the
        Parameter objects, and each buffer by ``fn`` of it."""
        with no_grad():
            for module in self.modules() if recurse else (self,):
                for p in module._parameters.values():
                    if p is None:
                        continue
                    new = fn(p).data
                    if p._requires_grad and new.dtype.kind not in "fc":
                        raise RuntimeError(
                            "data set to a tensor that requires gradients must be floating "
                            f"point or complex dtype (got {new.dtype} for a parameter of "
                            f"{type(module).__name__})"
                        )
                    p.data = new
                    if p._grad is not None:
                        p._grad.data = fn(p._grad).data
                for name, b in list(module._buffers.items()):
                    if b is not None:
                        module._buffers[name] = fn(b)
        return self

    # ---- state dict ----------------------------------------------------------------
    # the version of a module's state_dict format, which state_dict records in its
    # _metadata and _load_from_state_dict reads (a subclass that changes it, as BatchNorm's,
    # upgrades an older state_dict there)
    _version: int = 1

    def state_dict(
        self, *args: Any, destination: Any = None, prefix: str = "", keep_vars: bool = False
    ) -> OrderedDict[str, Tensor]:
        """Every parameter and buffer by dotted name (a module's own first, then its children's),
        each key starting with ``prefix`` (as PyTorch, which gives it with its dot: "model.").

        The values share memory with the module's tensors; without ``keep_vars`` they
        are detached (plain Tensors that do not require grad). They are written into
        ``destination`` (a new OrderedDict by default), which is returned; a new one has
        PyTorch's ``_metadata``: ``{"version": module._version}`` by module path.
        """
        if args:  # PyTorch's deprecated positional form: (destination, prefix, keep_vars)
            warnings.warn(
                "Positional args are being deprecated, use kwargs instead.",
                FutureWarning,
                stacklevel=2,
            )
            destination = args[0] if destination is None else destination
            prefix = args[1] if len(args) > 1 and prefix == "" else prefix
            keep_vars = args[2] if len(args) > 2 and keep_vars is False else keep_vars
        out = destination
        if out is None:
            out = OrderedDict()
            out._metadata = OrderedDict()
        metadata = getattr(out, "_metadata", None)

        def saves_here(module: Module) -> bool:  # not a child that overrides state_dict
            return module is self or type(module).state_dict is Module.state_dict

        for dot, module, entering in self._prefixed_modules(prefix, saves_here):
            if not saves_here(module):  # PyTorch calls each child's own state_dict
                module.state_dict(destination=out, prefix=dot, keep_vars=keep_vars)
                continue
            if not entering:
                meta = {"version": module._version} if metadata is None else metadata[dot[:-1]]
                for hook in module._state_dict_hooks.values():
                    if hook(module, out, dot, meta) is not None:
                        raise RuntimeError("state_dict post-hook must return None")
                continue
            if metadata is not None:
                metadata[dot[:-1]] = {"version": module._version}
            for hook in module._state_dict_pre_hooks.values():
                hook(module, dot, keep_vars)
            module._save_to_state_dict(out, dot, keep_vars)
        return out

    def _save_to_state_dict(self, destination: dict, prefix: str, keep_vars: bool) -> None:
        """Write this module's own parameters and persistent buffers (detached unless
        ``keep_vars``), and its extra state, into ``destination`` under ``prefix``;
        ``state_dict`` calls it on each module, as PyTorch's (a subclass may override it)."""
        for name, t in self._local_state().items():
            destination[prefix + name] = t if keep_vars else t.detach()
        if type(self).get_extra_state is not Module.get_extra_state:
            destination[prefix + _EXTRA_STATE] = self.get_extra_state()

    def get_extra_state(self) -> Any:
        """What a module saves besides its tensors (as ``"_extra_state"`` in ``state_dict``):
        override it, and ``set_extra_state`` to load it back."""
        raise RuntimeError(
            "Reached a code path in Module.get_extra_state() that should never be called."
        )

    def set_extra_state(self, state: Any) -> None:
        """Load what ``get_extra_state`` returned (override both)."""
        raise RuntimeError(
            "Reached a code path in Module.set_extra_state() that should never be called."
        )

    def _prefixed_modules(
        self, prefix: str, descend: Callable[[Module], bool] | None = None
    ) -> Iterator[tuple[str, Module, bool]]:
        """Every module under every path, depth first, with its keys' prefix: ``prefix``,
        then each child's name and a dot (so a child named "" gives "." as PyTorch's);
        ``(dot, module, True)`` on entering it, ``(dot, module, False)`` after its subtree
        (where the post hooks of ``state_dict`` and ``load_state_dict`` run). A module for
        which ``descend`` is False is only entered: not its subtree, not leaving it."""
        stack: list[tuple[str, Module, bool]] = [(prefix, self, True)]
        while stack:
            dot, module, entering = stack.pop()
            yield dot, module, entering
            if entering and (descend is None or descend(module)):
                stack.append((dot, module, False))
                children = [
                    (f"{dot}{k}.", c, True) for k, c in module._modules.items() if c is not None
                ]
                stack.extend(reversed(children))

    def _local_state(self) -> dict:
        """This module's own parameters and persistent buffers that are not None, by name."""
        skip = self._non_persistent_buffers_set  # buffer names only
        state = {name: p for name, p in self._parameters.items() if p is not None}
        state.update(
            (name, b) for name, b in self._buffers.items() if b is not None and name not in skip
        )
        return state

    def load_state_dict(
        self, state_dict: Mapping[str, Any], strict: bool = True, assign: bool = False
    ) -> _IncompatibleKeys:
        """Copy ``state_dict``'s values into this module's parameters and buffers (with
        ``assign``, make them the parameters and buffers instead, as PyTorch).

        With ``strict`` every key must match; mismatched shapes always raise. As in
        PyTorch, the values that fit are copied before the ``RuntimeError`` that lists
        the others, a key under a child that is None is ignored, and a value of shape
        (1,) fills a 0-d tensor. Each module loads its own keys in ``_load_from_state_dict``,
        given its entry of ``state_dict._metadata`` (``{}`` without one).
        Returns the named tuple ``(missing_keys, unexpected_keys)``.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        missing, unexpected, errors = [], [], []
        metadata = getattr(state_dict, "_metadata", None)
        # each module sees the keys under its prefix, a copy of its parent's (as PyTorch's,
        # so that a pre hook changes what its module and the module's children load)
        views = [OrderedDict(state_dict)]
        for dot, module, entering in self._prefixed_modules(""):
            if not entering:
                views.pop()
                for hook in module._load_state_dict_post_hooks.values():
                    if hook(module, _IncompatibleKeys(missing, unexpected)) is not None:
                        raise AssertionError(
                            "Hooks registered with ``register_load_state_dict_post_hook`` are "
                            "not expected to return new values, if incompatible_keys need to be "
                            "modified, it should be done inplace."
                        )
                continue
            parent = views[-1]
            state_dict = {k: v for k, v in parent.items() if k.startswith(dot)} if dot else parent
            views.append(state_dict)
            local_metadata = {} if metadata is None else dict(metadata.get(dot[:-1], {}))
            if assign:
                local_metadata["assign_to_params_buffers"] = True
            module._load_from_state_dict(
                state_dict, dot, local_metadata, True, missing, unexpected, errors
            )
        if strict and unexpected:
            errors.insert(0, f"Unexpected key(s) in state_dict: {_quoted(unexpected)}. ")
        if strict and missing:
            errors.insert(0, f"Missing key(s) in state_dict: {_quoted(missing)}. ")
        if errors:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                + "\n\t".join(errors)
            )
        return _IncompatibleKeys(missing, unexpected)

    def _load_from_state_dict(
        self, state_dict: dict, prefix: str, local_metadata: dict, strict: bool,
        missing_keys: list, unexpected_keys: list, error_msgs: list,
    ) -> None:  # fmt: skip
        """Load this module's own tensors and extra state from ``state_dict``'s keys under
        ``prefix``, after its load_state_dict pre hooks, as PyTorch's: a key it lacks goes
        to ``missing_keys`` and (its children aside) one it does not know to
        ``unexpected_keys`` when ``strict``, a value that does not fit to ``error_msgs``.
        ``load_state_dict`` calls it on each module; a subclass may override it (to
        upgrade an older format, by ``local_metadata["version"]``)."""
        for hook in self._load_state_dict_pre_hooks.values():
            hook(self, state_dict, prefix, local_metadata, strict, missing_keys,
                 unexpected_keys, error_msgs)  # fmt: skip
        assign = local_metadata.get("assign_to_params_buffers", False)
        local = self._local_state()
        for name, t in local.items():
            key = prefix + name
            if key not in state_dict:
                if strict:
                    missing_keys.append(key)
                continue
            value = state_dict[key]
            if not isinstance(value, Tensor):
                error_msgs.append(
                    f'While copying the parameter named "{key}", expected Tensor from '
                    f"checkpoint but received {type(value)}"
                )
                continue
            if is_lazy(t):  # still uninitialized: so is the value (a lazy module's hook
                continue  # materialized it otherwise), and there is nothing to copy
            if t.ndim == 0 and value.shape == (1,):  # PyTorch's rule for old checkpoints
                value = value[0]
            if value.shape != t.shape:
                error_msgs.append(
                    f"size mismatch for {key}: copying a param with shape {value.shape} "
                    f"from checkpoint, the shape in current model is {t.shape}."
                )
            elif assign:
                _assign(self, name, t, value)
            else:
                with no_grad():
                    t.copy_(value)
        extra = prefix + _EXTRA_STATE
        if type(self).set_extra_state is not Module.set_extra_state:
            if extra in state_dict:
                self.set_extra_state(state_dict[extra])
            elif strict:
                missing_keys.append(extra)
        elif strict and extra in state_dict:
            unexpected_keys.append(extra)
        if strict:
            for key in state_dict:  # a key names a local tensor, or a path through a child
                if key.startswith(prefix) and key != extra:
                    head, *rest = key[len(prefix) :].split(".", 1)
                    if head not in (self._modules if rest else local):
                        unexpected_keys.append(key)

    # ---- repr ----------------------------------------------------------------------
    def _get_name(self) -> str:
        return type(self).__name__

    def extra_repr(self) -> str:
        """The module's own settings, shown inside its parentheses in ``repr``."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [
            f"({name}): " + _indent(repr(module), 2) for name, module in self._modules.items()
        ]
        lines = extra_lines + child_lines
        body = ""
        if len(extra_lines) == 1 and not child_lines:
            body = extra_lines[0]
        elif lines:
            body = "\n  " + "\n  ".join(lines) + "\n"
        return f"{self._get_name()}({body})"


def _indent(text: str, spaces: int) -> str:
    """Indent every line of ``text`` but the first (a child's repr inside its parent's)."""
    first, *rest = text.split("\n")
    return "\n".join([first] + [" " * spaces + line for line in rest])


# True once any module has had a hook: until then no call looks for hooks (the lookups
# cost about 1% of a small model's training step)
hooks_in_use = [False]
_CALL_HOOKS = ("_forward_pre_hooks", "_forward_hooks", "_backward_hooks", "_backward_pre_hooks")

# The global hooks (PyTorch's nn.modules.module.register_module_*): every module's call runs
# them, before its own; the registration hooks see every parameter, buffer and child added
_global_forward_pre_hooks: OrderedDict = OrderedDict()
_global_forward_hooks: OrderedDict = OrderedDict()
_global_with_kwargs: OrderedDict = OrderedDict()  # of the forward hooks
_global_always_called: OrderedDict = OrderedDict()
_global_backward_pre_hooks: OrderedDict = OrderedDict()
_global_backward_hooks: OrderedDict = OrderedDict()
_global_full = [None]  # whether the global backward hooks are full ones (None: none yet)
_global_parameter_registration_hooks: OrderedDict = OrderedDict()
_global_buffer_registration_hooks: OrderedDict = OrderedDict()
_global_module_registration_hooks: OrderedDict = OrderedDict()


def register_module_forward_pre_hook(hook: Callable) -> RemovableHandle:
    """Call ``hook(module, args)`` before the ``forward`` of every module (before the module's
    own pre-hooks); a result that is not None replaces ``args``. Returns a handle."""
    return _add_hook(_global_forward_pre_hooks, hook, False, ())


def register_module_forward_hook(
    hook: Callable, *, with_kwargs: bool = False, always_call: bool = False
) -> RemovableHandle:
    """Call ``hook(module, args, output)`` (``hook(module, args, kwargs, output)`` with
    ``with_kwargs``) after the ``forward`` of every module, before the module's own hooks;
    with ``always_call`` also when ``forward`` raises. Returns a handle."""
    flags = ((_global_with_kwargs, with_kwargs), (_global_always_called, always_call))
    return _add_hook(_global_forward_hooks, hook, False, flags)


def register_module_full_backward_pre_hook(hook: Callable) -> RemovableHandle:
    """``Module.register_full_backward_pre_hook`` for every module (run before its own)."""
    return _add_hook(_global_backward_pre_hooks, hook, False, ())


def register_module_full_backward_hook(hook: Callable) -> RemovableHandle:
    """``Module.register_full_backward_hook`` for every module (run before its own)."""
    _global_backward_hook_kind(full=True)
    return _add_hook(_global_backward_hooks, hook, False, ())


def register_module_backward_hook(hook: Callable) -> RemovableHandle:
    """Deprecated: ``Module.register_backward_hook`` for every module."""
    _global_backward_hook_kind(full=False)
    return _add_hook(_global_backward_hooks, hook, False, ())


def _global_backward_hook_kind(full: bool) -> None:
    if _global_full[0] is (not full):
        raise RuntimeError(
            "Cannot use both regular backward hooks and full backward hooks as a global Module "
            "hook. Please use only one of them."
        )
    _global_full[0] = full


def register_module_parameter_registration_hook(hook: Callable) -> RemovableHandle:
    """Call ``hook(module, name, param)`` when any module registers a parameter; a result
    that is not None is registered instead. Returns a handle."""
    return _add_state_hook(_global_parameter_registration_hooks, hook)


def register_module_buffer_registration_hook(hook: Callable) -> RemovableHandle:
    """Call ``hook(module, name, buffer)`` when any module registers a buffer; a result that
    is not None is registered instead. Returns a handle."""
    return _add_state_hook(_global_buffer_registration_hooks, hook)


def register_module_module_registration_hook(hook: Callable) -> RemovableHandle:
    """Call ``hook(module, name, submodule)`` when any module registers a child; a result
    that is not None is registered instead. Returns a handle."""
    return _add_state_hook(_global_module_registration_hooks, hook)


_REGISTRATION_HOOKS = {
    "parameter": _global_parameter_registration_hooks,
    "buffer": _global_buffer_registration_hooks,
}


def _registered(hooks: OrderedDict, module: Module, name: str, value: Any) -> Any:
    """``value`` as the global registration ``hooks`` of its kind leave it."""
    for hook in hooks.values():
        result = hook(module, name, value)
        if result is not None:
            value = result
    return value


def _add_hook(hooks: OrderedDict, hook: Callable, prepend: bool, flags: tuple) -> RemovableHandle:
    """Register ``hook``; ``flags`` are (dict, wanted) pairs, a dict marking the hooks
    registered with an option (``with_kwargs``, ``always_call``) when it is wanted."""
    hooks_in_use[0] = True
    handle = RemovableHandle(hooks, *(marked for marked, _ in flags))
    hooks[handle.id] = hook
    for marked, wanted in flags:
        if wanted:
            marked[handle.id] = True
    if prepend:
        hooks.move_to_end(handle.id, last=False)
    return handle


def _backward_hook_kind(module: Module, full: bool) -> None:
    """Record which kind of backward hook ``module`` has; PyTorch refuses a mix."""
    if module._is_full_backward_hook is (not full):
        raise RuntimeError(
            "Cannot use both regular backward hooks and full backward hooks on a single "
            "Module. Please use only one of them."
        )
    module._is_full_backward_hook = full


def _hook_output_node(module: Module, hooks: list, args: tuple, output: Any) -> None:
    """The deprecated backward hooks: on the node of the first Tensor in ``output``, each
    called as ``hook(module, grad_input, grad_output)``; warns as PyTorch when that node
    does not see all of the forward's inputs and outputs."""
    var = output
    while not isinstance(var, Tensor):
        var = next(v for v in var.values() if isinstance(v, Tensor)) if isinstance(
            var, dict) else var[0]  # fmt: skip
    grad_fn = var.grad_fn
    if grad_fn is None:
        return
    for hook in hooks:
        grad_fn.register_hook(functools.partial(_call_module_hook, hook, module))
    problem = None
    outputs = (output,) if isinstance(output, Tensor) else output
    if not (isinstance(outputs, tuple) and all(isinstance(r, Tensor) for r in outputs)):
        problem = "on a Module that does not return a single Tensor or a tuple of Tensors"
    elif not all(isinstance(i, Tensor) for i in args):
        problem = "on a Module that does not take as input a single Tensor or a tuple of Tensors"
    else:
        out_nodes = {r.grad_fn for r in outputs if r.grad_fn is not None}
        if not out_nodes or (len(out_nodes) == 1 and grad_fn not in out_nodes):
            problem = "when outputs are nested in python data structure"
        elif len(out_nodes) > 1:
            problem = "when outputs are generated by different autograd Nodes"
        elif {i.grad_fn for i in args if i.grad_fn is not None} != {
            n for n, _ in grad_fn.next_functions
        }:
            problem = "when the forward contains multiple autograd Nodes"
    if problem is not None:
        warnings.warn(
            f"Using a non-full backward hook {problem} is deprecated and will be removed in "
            "future versions. This hook will be missing some of the gradients. Please use "
            "register_full_backward_hook to get the documented behavior.",
            FutureWarning,
            stacklevel=4,
        )


def _call_module_hook(hook: Callable, module: Module, grad_input: tuple, grad_output: tuple) -> Any:
    return hook(module, grad_input, grad_output)


def _add_state_hook(hooks: OrderedDict, hook: Callable) -> RemovableHandle:
    """Register a hook of ``state_dict`` or ``load_state_dict`` (which leave ``__call__``'s
    ``hooks_in_use`` alone)."""
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    return handle


def _assign(module: Module, name: str, old: Tensor, value: Tensor) -> None:
    """``load_state_dict(assign=True)``: ``value`` replaces ``old``, a parameter staying a
    Parameter with ``old``'s requires_grad."""
    if isinstance(old, Parameter):
        if isinstance(value, Parameter):
            value.requires_grad_(old.requires_grad)
        else:
            value = Parameter(value, requires_grad=old.requires_grad)
    setattr(module, name, value)


def _quoted(keys: list) -> str:
    return ", ".join(f'"{k}"' for k in keys)
