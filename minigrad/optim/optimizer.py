"""``Optimizer``: the base class that holds parameter groups and per-parameter state.

``param_groups`` is a list of dicts, each with its ``"params"`` and its own options
(learning rate, ...); ``state`` maps a parameter to its buffers (momentum, moments).
Subclasses implement ``step``, which updates the parameters' arrays in place with
NumPy: no graph is recorded and no Tensor is created per step.
"""

from __future__ import annotations

import copy
import functools
import warnings
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from ..dtypes import get_default_dtype
from ..engine import next_seq
from ..errors import OpError
from ..factories import tensor
from ..grad_mode import enable_grad
from ..tensor import Tensor, zero_grads
from ..utils.hooks import RemovableHandle

_HOOK_DICTS = (
    "_optimizer_step_pre_hooks", "_optimizer_step_post_hooks",
    "_optimizer_state_dict_pre_hooks", "_optimizer_state_dict_post_hooks",
    "_optimizer_load_state_dict_pre_hooks", "_optimizer_load_state_dict_post_hooks",
)  # fmt: skip
_global_optimizer_pre_hooks: OrderedDict[int, Callable] = OrderedDict()
_global_optimizer_post_hooks: OrderedDict[int, Callable] = OrderedDict()
# True once any optimizer (or all of them) has had a step hook: until then ``step`` runs
# without looking for hooks (the look-up then costs one flag test per step)
step_hooks_in_use = [False]


def register_optimizer_step_pre_hook(hook: Callable) -> RemovableHandle:
    """Call ``hook(optimizer, args, kwargs)`` before every optimizer's ``step``; an
    ``(args, kwargs)`` it returns replaces them. Runs before the optimizer's own."""
    return _add_step_hook(_global_optimizer_pre_hooks, hook)


def register_optimizer_step_post_hook(hook: Callable) -> RemovableHandle:
    """Call ``hook(optimizer, args, kwargs)`` after every optimizer's ``step`` (after the
    optimizer's own post hooks)."""
    return _add_step_hook(_global_optimizer_post_hooks, hook)


def _add_step_hook(hooks: OrderedDict, hook: Callable) -> RemovableHandle:
    step_hooks_in_use[0] = True
    return _add_hook(hooks, hook)


def _add_hook(hooks: OrderedDict, hook: Callable, prepend: bool = False) -> RemovableHandle:
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    if prepend:
        hooks.move_to_end(handle.id, last=False)
    return handle


def _hooked(step: Callable) -> Callable:
    """``step`` run between the step hooks, as PyTorch wraps each optimizer class's
    ``step``: the global pre hooks then the optimizer's (each may return new ``(args,
    kwargs)``), the step, the optimizer's post hooks then the global ones."""

    @functools.wraps(step)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not step_hooks_in_use[0]:
            return step(*args, **kwargs)
        self = args[0]  # the hooks' args start with the optimizer, as PyTorch's
        for hook in [*_global_optimizer_pre_hooks.values(),
                     *self._optimizer_step_pre_hooks.values()]:  # fmt: skip
            result = hook(self, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(
                        f"{step} must return None or a tuple of (new_args, new_kwargs), but got "
                        f"{result}."
                    )
                args, kwargs = result
        out = step(*args, **kwargs)
        for hook in [*self._optimizer_step_post_hooks.values(),
                     *_global_optimizer_post_hooks.values()]:  # fmt: skip
            hook(self, args, kwargs)
        return out

    wrapper.hooked = True
    return wrapper


class _RequiredParameter:
    """The default of an option every group must give (``lr=required``), as PyTorch's."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


class Optimizer:
    """Base class of the optimizers; ``defaults`` holds the options a group may override."""

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        for name in _HOOK_DICTS:
            setattr(self, name, OrderedDict())
        self._patch_step_function()
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or "
                f"dicts, but got {type(params).__name__}"
            )
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own options (missing ones from ``defaults``).

        As in PyTorch, the dict itself becomes the group (its ``"params"`` made a list, the
        missing options filled in), and the groups are all named or all unnamed."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list instead."
            )
        params = [params] if isinstance(params, Tensor) else list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]  # model.named_parameters()
        params = [p[1] if isinstance(p, tuple) else p for p in params]
        param_group["params"] = params
        if names:
            if len(names) != len(params):
                raise ValueError(
                    "all optimizer params should be with/without names. Some param names are "
                    "missing"
                )
            param_group["param_names"] = names
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(
                    "optimizer can only optimize Tensors, but one of the params is "
                    f"{type(p).__name__}"
                )
            if not (p.is_leaf or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(
                    "parameter group didn't specify a value of required optimization parameter "
                    f"{name}"
                )
            param_group.setdefault(name, default)
        if len({id(p) for p in params}) != len(params):
            warnings.warn(  # PyTorch keeps them (each is updated once per copy), and warns
                "optimizer contains a parameter group with duplicate parameters; in future, "
                "this will cause an error",
                UserWarning,
                stacklevel=3,
            )
        for group in self.param_groups:
            if ("param_names" in param_group) != ("param_names" in group):
                raise ValueError(
                    "all optimizer param groups should be with/without names. cannot add param "
                    f"group {'with' if names else 'without'} names to the optimizer"
                )
        known = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in known for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def __getstate__(self) -> dict[str, Any]:
        """What pickle and deepcopy keep, as PyTorch's: the options, state and groups, not
        the wrapper a scheduler puts on ``step`` (it calls the original optimizer)."""
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        for name in _HOOK_DICTS:
            self.__dict__.setdefault(name, OrderedDict())
        self._patch_step_function()

    def _patch_step_function(self) -> None:
        """Wrap this class's ``step`` (once) to run the step hooks, as PyTorch does."""
        cls = type(self)
        if not getattr(cls.step, "hooked", False):
            cls.step = _hooked(cls.step)

    def register_step_pre_hook(self, hook: Callable) -> RemovableHandle:
        """Call ``hook(optimizer, args, kwargs)`` before each ``step``; an ``(args, kwargs)``
        it returns replaces them."""
        return _add_step_hook(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook: Callable) -> RemovableHandle:
        """Call ``hook(optimizer, args, kwargs)`` after each ``step``."""
        return _add_step_hook(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(
        self, hook: Callable, prepend: bool = False
    ) -> RemovableHandle:
        """Call ``hook(optimizer)`` at the start of ``state_dict``."""
        return _add_hook(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(
        self, hook: Callable, prepend: bool = False
    ) -> RemovableHandle:
        """Call ``hook(optimizer, state_dict)`` at the end of ``state_dict``; a dict it
        returns is returned instead."""
        return _add_hook(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(
        self, hook: Callable, prepend: bool = False
    ) -> RemovableHandle:
        """Call ``hook(optimizer, state_dict)`` at the start of ``load_state_dict``, with a
        shallow copy of the dict given; a dict it returns is loaded instead."""
        return _add_hook(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(
        self, hook: Callable, prepend: bool = False
    ) -> RemovableHandle:
        """Call ``hook(optimizer)`` at the end of ``load_state_dict``."""
        return _add_hook(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all parameters: to None (the default), or to zeros."""
        for group in self.param_groups:  # each group's list as it is: no generator per step
            zero_grads(group["params"], set_to_none)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; subclasses define the rule."""
        raise NotImplementedError

    @staticmethod
    def _descend(p: Tensor, step: np.ndarray) -> None:
        """θ ← θ - step, in place: one NumPy call, and the version counter moves."""
        np.subtract(p.data, step, out=p.data)
        p._version[0] = next_seq()

    @staticmethod
    def _no_differentiable(differentiable: bool) -> bool:
        """PyTorch's ``differentiable=True`` records the step in the graph; minigrad's
        steps write arrays and record nothing."""
        if differentiable:
            raise NotImplementedError(
                "differentiable=True: minigrad's optimizer steps record nothing"
            )
        return differentiable

    @staticmethod
    def _one_implementation(fused: bool | None, foreach: bool | None) -> None:
        """PyTorch's check (after the groups are made) that at most one of its fast
        implementations is asked for."""
        if fused and foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")

    def _with_grads(self, group: dict, buffers: Callable[[Tensor], dict]) -> Iterator[tuple]:
        """``(p, g, state, t)`` for each parameter of ``group`` that has a gradient: g is
        it (negated with ``maximize``), state p's, t its step count with this step. A state
        begins at step 0 with the buffers ``buffers(p)`` returns."""
        for p in group["params"]:
            if p._grad is None:
                continue
            g = -p._grad.data if group["maximize"] else p._grad.data
            state = self.state[p]
            if not state:
                state["step"] = tensor(0.0, dtype=get_default_dtype())
                state.update(buffers(p))
            state["step"].data += 1
            yield p, g, state, state["step"].item()

    @staticmethod
    def _begin_step(closure: Callable[[], Any] | None) -> Any:
        """Start a step: return the loss that ``closure`` (recomputing the model and its
        gradients) returns, if given."""
        if closure is None:
            return None
        with enable_grad():
            return closure()

    def state_dict(self) -> dict[str, Any]:
        """``{"state": {index: buffers}, "param_groups": [{options, "params": [indices]}]}``.

        Parameters are numbered by position across the groups, as in PyTorch (a parameter
        listed twice in a group gets its last position); the state's Tensors are the
        optimizer's own (not copies).
        """
        for hook in list(self._optimizer_state_dict_pre_hooks.values()):
            hook(self)
        index: dict[int, int] = {}
        groups = []
        start = 0
        for group in self.param_groups:
            params = group["params"]
            index.update({id(p): i for i, p in enumerate(params, start) if id(p) not in index})
            start += len(params)
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = [index[id(p)] for p in params]
            groups.append(packed)
        state = {index[id(p)] if isinstance(p, Tensor) else p: s for p, s in self.state.items()}
        state_dict = {"state": state, "param_groups": groups}
        for hook in list(self._optimizer_state_dict_post_hooks.values()):
            state_dict = _returned(hook(self, state_dict), state_dict)
        return state_dict

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore options and state saved by ``state_dict``. As PyTorch, the state keeps its
        Tensors (cast only where a parameter has another dtype): a live state_dict is shared."""
        state_dict = state_dict.copy()  # shallow, for the hooks, as PyTorch's
        for hook in list(self._optimizer_load_state_dict_pre_hooks.values()):
            state_dict = _returned(hook(self, state_dict), state_dict)
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        for saved, group in zip(saved_groups, self.param_groups):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    "loaded state dict contains a parameter group that doesn't match the size "
                    "of optimizer's group"
                )
        param_of = {
            i: p for saved, group in zip(saved_groups, self.param_groups)
            for i, p in zip(saved["params"], group["params"])
        }  # fmt: skip
        param_names = [group.get("param_names") for group in self.param_groups]
        self.state = defaultdict(dict)
        for i, buffers in state_dict["state"].items():
            if i in param_of:
                p = param_of[i]
                self.state[p] = {
                    k: _cast_like(type(self).__name__, v, p, k, self._state_matches_params)
                    for k, v in buffers.items()
                }
            else:  # kept under its index, as PyTorch keeps it
                self.state[i] = buffers
        self.param_groups = [
            {**copy.deepcopy({k: v for k, v in saved.items() if k != "params"}),
             "params": group["params"]}
            for saved, group in zip(saved_groups, self.param_groups)
        ]  # fmt: skip
        for group, old in zip(self.param_groups, param_names):  # kept unless saved, as PyTorch
            if old is not None:
                group.setdefault("param_names", old)
        self._upgrade()
        for hook in list(self._optimizer_load_state_dict_post_hooks.values()):
            hook(self)

    def _upgrade(self) -> None:
        """Fill in what a state_dict saved by an older version lacks (PyTorch's
        ``__setstate__``: fixed defaults, not this optimizer's own options), and make a
        ``step`` saved as a number a Tensor (for the optimizers that count steps)."""
        for group in self.param_groups:
            for name, value in self._option_defaults.items():
                group.setdefault(name, value)
        if not self._step_is_tensor:
            return
        for state in self.state.values():
            if "step" in state and not isinstance(state["step"], Tensor):
                state["step"] = tensor(float(state["step"]), dtype=get_default_dtype())

    _option_defaults: dict[str, Any] = {}
    # PyTorch's optimizers that count steps keep the count as a Tensor (and load a saved
    # number as one); a user's subclass of Optimizer gets back the step it saved
    _step_is_tensor = False
    _state_matches_params = True  # each state Tensor has its parameter's shape (not LBFGS's)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines += [""] if i else []  # PyTorch puts a blank line between groups
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {group[k]}" for k in sorted(group) if k != "params"]
        return "\n".join(lines) + "\n)"


def check_tensor_lr(lr: Any) -> None:
    """PyTorch's first check of every optimizer's ``lr``: a Tensor must have one element."""
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")


def scalar_lr(lr: Any) -> Any:
    """A Tensor lr as the 0-d value PyTorch's ``_to_scalar`` makes of it: a NumPy scalar of
    its dtype, so that arithmetic with it rounds as PyTorch's with a 0-d Tensor does."""
    return lr.data.reshape(())[()] if isinstance(lr, Tensor) else lr


def _returned(result: Any, state_dict: dict) -> dict:
    """What a state-dict hook leaves: the dict it returned, or the one it was given."""
    return state_dict if result is None else result


def _cast_like(name: str, value: Any, param: Tensor, key: str, same_shape: bool = True) -> Any:
    """A state value as PyTorch loads it: the same object (so an optimizer loaded from
    another's live state_dict shares its buffers, as in PyTorch), except that a buffer
    other than ``step`` of another dtype is cast to the parameter's. A buffer of another
    shape is refused here (PyTorch's next step raises, from deep in its update), where
    ``same_shape`` says the optimizer's state has its parameters' shapes."""
    if same_shape and isinstance(value, Tensor) and value.ndim and value.shape != param.shape:
        raise OpError(
            f"{name}.load_state_dict: state {key!r} of shape {value.shape} does not match "
            f"its parameter's shape {param.shape}"
        )
    if not isinstance(value, Tensor) or key == "step" or value.dtype == param.dtype:
        return value
    return tensor(value.data, dtype=param.dtype)
