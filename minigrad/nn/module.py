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

import weakref
from collections import OrderedDict, namedtuple
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from .. import dtypes
from ..device import check as check_device
from ..device import dtype_of_to
from ..grad_mode import no_grad
from ..tensor import Tensor
from .parameter import Parameter


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
            object.__setattr__(owner, name, value)

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

    def __init__(self) -> None:
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", _Registry(self))
        object.__setattr__(self, "_buffers", _Registry(self))
        object.__setattr__(self, "_non_persistent_buffers_set", set())
        object.__setattr__(self, "_modules", _Registry(self))

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

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
            modules[name] = value
            self._mirror(name, value)
        elif modules is not None and name in modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as child module '{name}' "
                    "(nn.Module or None expected)"
                )
            modules[name] = None
            self._mirror(name, None)
        elif buffers is not None and name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as buffer '{name}' "
                    "(Tensor or None expected)"
                )
            buffers[name] = value
            self._mirror(name, value)
        else:
            object.__setattr__(self, name, value)

    def _mirror(self, name: str, value: Any) -> None:
        """Keep a registered entry readable as a plain attribute (fast ``self.weight``)."""
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
        self._register("_parameters", "parameter", Parameter, "nn.Parameter", name, param)

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Add a Tensor that is not a parameter; it is in ``state_dict`` if ``persistent``."""
        self._register("_buffers", "buffer", Tensor, "Tensor", name, tensor)
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def _register(self, registry: str, kind: str, cls: type, required: str, name: str,
                  value: Any) -> None:  # fmt: skip
        if registry not in self.__dict__:
            raise AttributeError(f"cannot assign {kind} before Module.__init__() call")
        self._check_name(name, self.__dict__[registry], kind)
        if value is not None and not isinstance(value, cls):
            raise TypeError(
                f"cannot assign '{type(value).__name__}' object to {kind} '{name}' "
                f"({required} or None required)"
            )
        self.__dict__[registry][name] = value
        self._mirror(name, value)

    def add_module(self, name: str, module: Module | None) -> None:
        """Add a child module under ``name`` (what attribute assignment does)."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._check_name(name, self._modules, "module")
        self._modules[name] = module
        self._mirror(name, module)

    # ---- walking the tree ----------------------------------------------------------
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

    def modules(self) -> Iterator[Module]:
        for _, module in self.named_modules():
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
        for p in self.parameters():
            if p._grad is None:
                continue
            if set_to_none:
                p._grad = None
            else:
                p._grad.zero_()

    # ---- dtype and device ----------------------------------------------------------
    def to(self, *args: Any, **kwargs: Any) -> Module:
        """Cast floating point parameters, their gradients and buffers to a dtype in place:
        ``to(dtype)``, ``to(device)`` (the CPU: nothing to do) or ``to(device, dtype)``."""
        dtype = dtype_of_to(args, kwargs)
        if dtype is None:
            return self
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(
                f"nn.Module.to only accepts floating point dtypes, but got desired dtype={dtype}"
            )
        for t in (*self.parameters(), *self.buffers()):
            if t.data.dtype.kind == "f":
                t.data = t.data.astype(dtype)
                if t._grad is not None:
                    t._grad.data = t._grad.data.astype(dtype)
        return self

    def float(self) -> Module:
        return self.to(dtypes.float32)

    def cpu(self) -> Module:
        return self

    def cuda(self, device: Any = "cuda") -> Module:
        check_device(device)
        return self

    def double(self) -> Module:
        return self.to(dtypes.float64)

    # ---- state dict ----------------------------------------------------------------
    def state_dict(self, prefix: str = "", keep_vars: bool = False) -> OrderedDict[str, Tensor]:
        """Every parameter and buffer by dotted name (a module's own first, then its children's),
        each key starting with ``prefix`` (as PyTorch, which gives it with its dot: "model.").

        The values share memory with the module's tensors; without ``keep_vars`` they
        are detached (plain Tensors that do not require grad).
        """
        out: OrderedDict[str, Tensor] = OrderedDict()
        for module_name, module in self.named_modules(remove_duplicate=False):
            dot = prefix + (f"{module_name}." if module_name else "")
            skip = module._non_persistent_buffers_set  # buffer names only
            for registry in (module._parameters, module._buffers):
                for name, t in registry.items():
                    if t is not None and name not in skip:
                        out[dot + name] = t if keep_vars else t.detach()
        return out

    def load_state_dict(
        self, state_dict: Mapping[str, Any], strict: bool = True
    ) -> _IncompatibleKeys:
        """Copy ``state_dict``'s values into this module's parameters and buffers.

        With ``strict`` every key must match; mismatched shapes always raise. As in
        PyTorch, the values that fit are copied before the ``RuntimeError`` that lists
        the others. Returns the named tuple ``(missing_keys, unexpected_keys)``.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        own = self.state_dict(keep_vars=True)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        errors = []
        if strict and missing:
            errors.append(f"Missing key(s) in state_dict: {_quoted(missing)}. ")
        if strict and unexpected:
            errors.append(f"Unexpected key(s) in state_dict: {_quoted(unexpected)}. ")
        for key, t in own.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            if not isinstance(value, Tensor):
                errors.append(
                    f'While copying the parameter named "{key}", expected Tensor from '
                    f"checkpoint but received {type(value)}"
                )
            elif value.shape != t.shape:
                errors.append(
                    f"size mismatch for {key}: copying a param with shape {value.shape} from "
                    f"checkpoint, the shape in current model is {t.shape}."
                )
            else:
                with no_grad():
                    t.copy_(value)
        if errors:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                + "\n\t".join(errors)
            )
        return _IncompatibleKeys(missing, unexpected)

    # ---- repr ----------------------------------------------------------------------
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
        return f"{type(self).__name__}({body})"


def _indent(text: str, spaces: int) -> str:
    """Indent every line of ``text`` but the first (a child's repr inside its parent's)."""
    first, *rest = text.split("\n")
    return "\n".join([first] + [" " * spaces + line for line in rest])


def _quoted(keys: list) -> str:
    return ", ".join(f'"{k}"' for k in keys)
