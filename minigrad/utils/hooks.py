"""Hooks' machinery, as PyTorch's ``torch.utils.hooks``: ``RemovableHandle``, what
registering a hook returns, and ``BackwardHook``, a module's backward hooks at work."""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable
from typing import Any

from ..autograd.function import Function
from ..grad_mode import is_grad_enabled
from ..tensor import Tensor

_ids = itertools.count()


class RemovableHandle:
    """``handle.remove()`` unregisters the hook (``handle.id`` is its key in the hook dicts).

    Also a context manager: ``with m.register_forward_hook(f): ...`` removes it on exit.
    """

    def __init__(self, *hook_dicts: dict) -> None:
        self.id = next(_ids)
        self._dicts = hook_dicts  # the first holds the hook, the others flags by the same id

    def remove(self) -> None:
        for hooks in self._dicts:
            hooks.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.remove()


class BackwardHookFunction(Function):
    """The identity on a module's tensor inputs (or outputs), recorded as one node whose
    backward hands the gradients to ``on_grads`` (a :class:`BackwardHook`'s), which may
    replace them. Inputs that do not require grad come out non-differentiable."""

    @staticmethod
    def forward(ctx: Any, on_grads: Callable, materialize: bool, *args: Tensor) -> tuple:
        ctx.mark_non_differentiable(*[a for a in args if not a.requires_grad])
        ctx.set_materialize_grads(materialize)
        ctx.on_grads = on_grads
        return args

    @staticmethod
    def backward(ctx: Any, *grads: Tensor | None) -> tuple:
        return (None, None, *ctx.on_grads(grads))


class BackwardHook:
    """One call of a module with backward hooks, as PyTorch's ``BackwardHook``: its tensor
    inputs and outputs pass through :class:`BackwardHookFunction`. When the outputs' node
    runs, the pre-hooks see (and may replace) ``grad_output``; when the inputs' node
    runs, the full hooks see ``grad_input`` and ``grad_output`` (and may replace
    ``grad_input``). Tuples have an entry per positional argument (per output), None
    for those that are not Tensors."""

    def __init__(self, module: Any, hooks: list, pre_hooks: list) -> None:
        self.module = module
        self.hooks = hooks
        self.pre_hooks = pre_hooks
        self.grad_outputs: tuple | None = None
        self.n_inputs = self.n_outputs = -1
        self.input_index: list | None = None  # positions of the Tensors, None if no hook node
        self.output_index: list | None = None

    def setup_input_hook(self, args: tuple) -> tuple:
        res, self.input_index = _through(self._on_grad_input, True, args)
        self.n_inputs = len(args)
        return res

    def setup_output_hook(self, output: Any) -> Any:
        single = not isinstance(output, tuple)
        outputs = (output,) if single else output
        res, self.output_index = _through(self._on_grad_output, False, outputs)
        self.n_outputs = len(outputs)
        return res[0] if single else res

    def _on_grad_output(self, grads: tuple) -> tuple:
        """The outputs' gradients (None where one got none): run the pre-hooks, and the
        full hooks too if no input needs a gradient (their node is then not there)."""
        self.grad_outputs = _packed(self.output_index, grads, self.n_outputs)
        expected = len(self.grad_outputs)
        for hook in self.pre_hooks:
            result = hook(self.module, self.grad_outputs)
            if result is None:
                continue
            if len(result) != expected:
                raise RuntimeError(
                    "Backward pre hook returned an invalid number of grad_output, "
                    f"got {len(result)}, but expected {expected}"
                )
            self.grad_outputs = result
        grad_outputs = self.grad_outputs
        if self.input_index is None:
            warnings.warn(
                "Full backward hook is firing when gradients are computed with respect to "
                "module outputs since no inputs require gradients. See "
                "https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html#torch.nn."
                "Module.register_full_backward_hook for more details.",
                stacklevel=2,
            )
            grad_inputs = (None,) * self.n_inputs
            for hook in self.hooks:
                result = hook(self.module, grad_inputs, grad_outputs)
                if result is not None and not (
                    isinstance(result, tuple) and all(r is None for r in result)
                ):
                    raise RuntimeError(
                        "Backward hook for Modules where no input requires gradient should "
                        "always return None or None for all gradients."
                    )
            self.grad_outputs = None
        return tuple(grad_outputs[i] for i in self.output_index)

    def _on_grad_input(self, grads: tuple) -> tuple:
        """The inputs' gradients: run the full hooks (if the gradient came through the
        outputs, as it does unless a tensor of the forward is used outside it)."""
        if self.grad_outputs is None:
            return grads
        res = _packed(self.input_index, grads, self.n_inputs)
        for hook in self.hooks:
            out = hook(self.module, res, self.grad_outputs)
            if out is None:
                continue
            if len(out) != len(res):
                raise RuntimeError(
                    "Backward hook returned an invalid number of grad_input, "
                    f"got {len(out)}, but expected {len(res)}"
                )
            res = out
        self.grad_outputs = None
        return tuple(res[i] for i in self.input_index)


def _through(on_grads: Callable, materialize: bool, args: tuple) -> tuple:
    """``args`` with their Tensors passed through a BackwardHookFunction node, and the
    Tensors' positions; ``args`` itself and None if none requires grad (or grad mode is off)."""
    index = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
    if not (is_grad_enabled() and any(args[i].requires_grad for i in index)):
        return args, None
    new = BackwardHookFunction.apply(on_grads, materialize, *(args[i] for i in index))
    out = list(args)
    for i, t in zip(index, new):
        out[i] = t
    return (tuple(out) if type(args) is tuple else type(args)(*out)), index


def _packed(index: list, values: tuple, size: int) -> tuple:
    res = [None] * size
    for i, v in zip(index, values):
        res[i] = v
    return tuple(res)
