"""``Function``: an op whose forward and backward the user writes, as PyTorch's
``torch.autograd.Function``.

``forward(ctx, *args)`` runs with grad mode off and returns the output;
``backward(ctx, grad_output)`` returns one gradient per input of ``forward`` (None
where there is none): the vector-Jacobian product ``g -> g @ J``, written by hand.
``MyFn.apply(*args)`` runs it and records one node, whose VJPs call ``backward``
once per backward pass. As in PyTorch, the ``ctx`` is that node: ``y.grad_fn``.
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from ..engine import PASS, Node, next_seq, set_outputs, take, uses_node_subclasses
from ..grad_mode import _mode, no_grad
from ..tensor import FunctionOutputViews, Tensor

__all__ = ["BackwardCFunction", "Function", "FunctionCtx", "once_differentiable"]


class FunctionCtx:
    """What ``forward`` (or ``setup_context``) tells ``backward``: tensors saved with
    :meth:`save_for_backward`, any other attribute set on ``ctx``, and
    ``ctx.needs_input_grad`` (per input, whether it requires grad)."""

    def save_for_backward(self, *tensors: Tensor | None) -> None:
        """Keep ``tensors`` for ``backward`` (``ctx.saved_tensors``). Changing one of
        them in place before the backward makes the backward raise."""
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(
                    "save_for_backward can only save variables, but argument "
                    f"{i} is of type {type(t).__name__}"
                )
        self.to_save = tensors

    def mark_non_differentiable(self, *outputs: Tensor) -> None:
        """These outputs get no gradient (``requires_grad=False``)."""
        self.non_differentiable = outputs

    def mark_dirty(self, *tensors: Tensor) -> None:
        """These inputs were changed in place by ``forward``, which must return them: they
        come back as themselves, their history now this Function (not a view, nor a view's
        base: minigrad does not re-derive those here)."""
        self.dirty_tensors = tensors

    def set_materialize_grads(self, value: bool) -> None:
        """Whether ``backward`` gets zeros (default) or None for the gradient of an
        output that received none."""
        self.materialize_grads = value


class BackwardCFunction(FunctionCtx, Node):
    """The graph node of one ``Function.apply`` call; also its ``ctx``. Each Function
    gets its own subclass, named like PyTorch's: ``ExpBackward`` for ``Exp``."""

    _forward_cls: Any = None

    def __init__(self) -> None:  # the Node's fields are filled in once forward has run
        self.to_save: tuple = ()
        self.non_differentiable: tuple = ()
        self.dirty_tensors: tuple = ()
        self.materialize_grads = True
        self.vjps = ()

    @property
    def saved_tensors(self) -> tuple:
        """The tensors given to :meth:`save_for_backward`, checked for in-place changes."""
        if self.vjps is None:
            raise RuntimeError(
                f"{self.name()}: trying to backward through the graph a second time (or "
                "directly access saved tensors after they have already been freed). Specify "
                "retain_graph=True if you need to backward through the graph a second time."
            )
        if not hasattr(self, "seq"):  # asked in forward: the node is not recorded yet
            return self.to_save
        for t in self.saved:
            if t._version[0] > self.seq:
                self._modified()
        kept = iter(self.saved)  # the engine drops them after the backward
        return tuple(None if t is None else next(kept) for t in self.to_save)

    def _grad_outputs(self, g: np.ndarray) -> list:
        """One gradient per output, as PyTorch's hooks see them (None for the others)."""
        if self._slots is not None:
            return super()._grad_outputs(g)
        return [g if k == self._diff[0] else None for k in range(len(self._output_meta))]

    def _set_grad_outputs(self, outs: list, g: np.ndarray) -> np.ndarray:
        if self._slots is not None:
            return super()._set_grad_outputs(outs, g)
        return outs[self._diff[0]]

    def _run_backward(self, g: np.ndarray) -> list:
        """Call the user's backward with the output's gradient; one array (or None) per
        input, checked as PyTorch checks them."""
        if self._slots is None:  # one differentiable output: g is its gradient
            slots = [g if k == self._diff[0] else None for k in range(len(self._output_meta))]
        else:  # several: their Outputs left their gradients in the slots (none if unused)
            slots = take(self._slots)
        grad_outputs = [
            None if meta is None
            else Tensor._new(gk) if gk is not None
            else Tensor._new(np.zeros(*meta)) if self.materialize_grads
            else None
            for gk, meta in zip(slots, self._output_meta)
        ]  # fmt: skip
        with no_grad():
            grads = _user_backward(self._forward_cls)(self, *grad_outputs)
        grads = grads if isinstance(grads, tuple) else (grads,)
        inputs = self._inputs
        name = self.name()
        if len(grads) < len(inputs) or any(gi is not None for gi in grads[len(inputs) :]):
            raise RuntimeError(
                f"function {name} returned an incorrect number of gradients (expected "
                f"{len(inputs)}, got {len(grads)})"
            )
        result = []
        for i, (x, gi) in enumerate(zip(inputs, grads)):
            if gi is None:
                result.append(None)
                continue
            if not isinstance(x, Tensor):
                raise RuntimeError(
                    f"function {name} returned a gradient different than None at position "
                    f"{i + 1}, but the corresponding forward input was not a Variable"
                )
            if not isinstance(gi, Tensor):
                raise RuntimeError(
                    f"function {name}: expected Variable or None (got {type(gi).__name__})"
                )
            if not x._requires_grad:  # ignored, as in PyTorch
                result.append(None)
                continue
            shape = x.data.shape
            if _broadcast_to_shape(shape, gi.data.shape) != gi.data.shape:
                raise RuntimeError(
                    f"Function {name} returned an invalid gradient at index {i} - got "
                    f"{list(gi.data.shape)} but expected shape compatible with {list(shape)}"
                )
            # a copy: the array may be the user's (a saved tensor), and a leaf's .grad
            # is accumulated in place
            result.append(np.array(gi.data))
        return result


def _user_backward(cls: type) -> Callable:
    """The Function's backward: its ``backward`` or, under PyTorch's other name, ``vjp``."""
    backward, vjp = cls.backward, cls.vjp
    if backward is not Function.backward and vjp is not Function.vjp:
        raise RuntimeError(
            f"{cls.__name__}: implementing both 'backward' and 'vjp' for a custom Function is "
            "not allowed. You should only implement one of them."
        )
    return backward if vjp is Function.vjp else vjp


def _broadcast_to_shape(a: tuple, b: tuple) -> tuple | None:
    try:
        return np.broadcast_shapes(a, b)
    except ValueError:
        return None


def _input_grad(ctx: BackwardCFunction, i: int, g: np.ndarray) -> np.ndarray | None:
    """Input i's VJP: the user's backward runs once per gradient g, for all inputs."""
    if ctx._grads_for is not g:
        ctx._grads_for, ctx._grads = g, ctx._run_backward(g)
    gi = ctx._grads[i]
    if i == ctx._last_input:  # free them (the engine asks in input order)
        ctx._grads_for = ctx._grads = None
    return gi


class Function:
    """Subclass it with static ``forward(ctx, *args)`` and ``backward(ctx,
    *grad_outputs)`` methods, and call ``MyFn.apply(*args)``. A ``forward(*args)``
    without ctx and a ``setup_context(ctx, inputs, output)`` work too.

    With several outputs that have gradients, they all have the ctx as ``grad_fn``, and
    ``backward`` gets one gradient per output.
    """

    _backward_cls: type = BackwardCFunction

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._backward_cls = type(cls.__name__ + "Backward", (BackwardCFunction,),
                                 {"_forward_cls": cls, "__module__": cls.__module__})  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        warnings.warn(
            f"{type(self)} should not be instantiated. Methods on autograd functions are all "
            "static, so you should invoke them on the class itself. Instantiating an autograd "
            "function will raise an error in a future version of PyTorch.",
            DeprecationWarning,
            stacklevel=2,
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. Please "
            "use new-style autograd function with static forward method: call "
            f"{type(self).__name__}.apply(...)"
        )

    @staticmethod
    def forward(*args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function."
        )

    @staticmethod
    def setup_context(ctx: Any, inputs: tuple, output: Any) -> Any:
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom "
            "autograd.Function to use it with backward mode AD."
        )

    vjp = backward  # PyTorch's other name: a Function defines one of the two

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run ``forward`` on ``args`` and record its backward in the graph."""
        ctx = cls._backward_cls()
        separate = cls.setup_context is not Function.setup_context
        if separate:  # forward(*args), then setup_context(ctx, inputs, output)
            bound = inspect.signature(cls.forward).bind(*args, **kwargs)
            bound.apply_defaults()
            inputs = bound.args
        else:  # keyword arguments count as inputs, as in PyTorch (defaults do not)
            inputs = args if not kwargs else inspect.signature(cls.forward).bind(
                ctx, *args, **kwargs).args[1:]  # fmt: skip
        ctx.needs_input_grad = tuple(isinstance(x, Tensor) and x._requires_grad for x in inputs)
        with no_grad():
            if separate:
                output = cls.forward(*inputs)
                cls.setup_context(ctx, inputs, output)
            else:
                output = cls.forward(ctx, *inputs)
        returned = output if isinstance(output, tuple) else (output,)
        dirty = ctx.dirty_tensors
        if dirty:
            _changed_in_place(cls.__name__, dirty, returned)
        # an input (or any tensor already in a graph) returned as it is comes back as a
        # new tensor sharing its array, which the node can own; one marked dirty as itself
        outputs = tuple(
            Tensor._new(o.data, o._version)
            if isinstance(o, Tensor)
            and (o._requires_grad or any(o is x for x in inputs))
            and not any(o is d for d in dirty)
            else o
            for o in returned
        )
        output = outputs if isinstance(output, tuple) else outputs[0]
        if not (_mode.enabled and any(ctx.needs_input_grad)):
            return output
        diff = [
            k for k, o in enumerate(returned)
            if isinstance(o, Tensor) and o.data.dtype.kind in "fc"
            and not any(o is n for n in ctx.non_differentiable)
        ]  # fmt: skip
        if not diff:
            return output
        ctx._inputs = inputs
        ctx._diff = diff
        ctx._slots = None if len(diff) == 1 else [None] * len(outputs)
        ctx._output_meta = [
            (o.data.shape, o.data.dtype) if isinstance(o, Tensor) else None for o in outputs
        ]
        need = ctx.needs_input_grad
        ctx._last_input = max(i for i, n in enumerate(need) if n)
        for k in diff:  # PyTorch forbids changing an input returned as it is in place
            if any(returned[k] is x for x in inputs) and not any(returned[k] is d for d in dirty):
                outputs[k]._views = FunctionOutputViews(outputs[k], f"Output {k} of {cls.__name__}")
        ctx._grads_for = ctx._grads = None
        # one edge per tensor input, as PyTorch's next_functions (numbers have none)
        tensors = [i for i, x in enumerate(inputs) if isinstance(x, Tensor)]
        sources = [inputs[i]._node or inputs[i] for i in tensors]
        vjps = tuple(functools.partial(_input_grad, ctx, i) if need[i] else None for i in tensors)
        saved = tuple(t for t in ctx.to_save if t is not None)
        ctx.frees = bool(saved)  # as PyTorch, backward frees only the saved tensors
        # only now, not when the class is defined: a Function that is defined (as the
        # module hooks' is) but never applied costs the backward pass nothing
        uses_node_subclasses()
        if len(diff) == 1:
            out = outputs[diff[0]]
            Node.__init__(ctx, cls.__name__, sources, vjps, saved, None, out.data.shape,
                          out.data.dtype)  # fmt: skip
            out._node = ctx
            out._requires_grad = True
            return output
        # several outputs with gradients: each is an engine.Output of ctx, whose backward
        # gets all their gradients at once
        Node.__init__(ctx, cls.__name__, sources, vjps, saved, None, PASS.shape, PASS.dtype)
        set_outputs(ctx, [o if k in diff else None for k, o in enumerate(outputs)], ctx._slots)
        return output


def _changed_in_place(name: str, dirty: tuple, returned: tuple) -> None:
    """The checks of ``ctx.mark_dirty``, then the in-place change counted on each tensor's
    version (so a backward that saved it before the change raises)."""
    if not all(any(d is o for o in returned) for d in dirty):
        raise RuntimeError(
            f"{name}: Some elements marked as dirty during the forward method were not returned "
            "as output. The inputs that are modified inplace must all be outputs of the Function."
        )
    for d in dirty:
        if _mode.enabled and d._requires_grad and d._node is None:
            raise RuntimeError(
                f"{name}: a leaf Variable that requires grad has been used in an in-place "
                "operation."
            )
        if d._views is not None or getattr(d, "_base", None) is not None:
            raise NotImplementedError(
                f"{name}: ctx.mark_dirty on a view or a tensor with views is not supported by "
                "minigrad; clone it before the Function"
            )
        d._version[0] = next_seq()


def once_differentiable(fn: Callable) -> Callable:
    """PyTorch's marker for a backward that cannot itself be differentiated. minigrad's
    backward never records a graph, so every backward is; the function is unchanged."""
    return fn
