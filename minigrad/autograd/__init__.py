"""``backward``, ``grad`` and ``gradcheck``: the user-facing side of the engine."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any, Union

import numpy as np

from ..engine import accumulate, run_backward
from ..tensor import Tensor

__all__ = [
    "backward", "grad", "gradcheck", "gradgradcheck", "GradcheckError", "Function",
    "FunctionCtx", "no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "Variable",
    "detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled", "is_anomaly_check_nan_enabled",
]  # fmt: skip

Tensors = Union[Tensor, Sequence[Tensor]]


def _seq(x: Any, what: str, error: type[Exception] = TypeError) -> list:
    """A Tensor or a sequence of Tensors, as a list. Not a sequence: TypeError; an element
    that is not a Tensor: ``error`` (PyTorch's backward raises RuntimeError for inputs)."""
    try:
        xs = [x] if isinstance(x, Tensor) else list(x)
    except TypeError:  # a number: not a sequence
        raise TypeError(f"{what} must be Tensors, but got {type(x).__name__}") from None
    for t in xs:
        if not isinstance(t, Tensor):
            raise error(f"{what} must be Tensors, but got {type(t).__name__}")
    return xs


def _seeds(outputs: list, grad_outputs: Any, op: str) -> list:
    """The starting gradient of each output: given, or 1 for one-element outputs. ``op``
    ("backward" or "grad") names the caller in errors."""
    given = [None] * len(outputs) if grad_outputs is None else _seq_or_none(grad_outputs)
    for g in given:
        if g is not None and not isinstance(g, Tensor):
            raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
    if len(given) < len(outputs):  # (PyTorch pairs them with zip: extra ones go unused)
        raise RuntimeError(f"{op}: got {len(outputs)} tensors and {len(given)} gradients")
    seeds = []
    for i, (t, g) in enumerate(zip(outputs, given)):
        if not t._requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn"
            )
        if g is None:
            if t.data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            seed = np.empty(t.data.shape, t.data.dtype)
            seed.fill(1)  # np.ones is a Python function, several times slower for one element
            seeds.append(seed)
            continue
        if g.data.dtype.kind == "c":  # PyTorch takes one only for a complex output
            raise RuntimeError(
                f"{op}: a complex gradient ({g.data.dtype}) for an output of dtype "
                f"{t.data.dtype}: both must have the same dtype"
            )
        arr = np.array(g.data, dtype=t.data.dtype)
        if arr.shape != t.data.shape:
            raise RuntimeError(
                f"{op}: gradient has shape {arr.shape} but the output has shape {t.data.shape}"
            )
        seeds.append(arr)
    return seeds


def _seq_or_none(x: Any) -> list:
    return [x] if x is None or isinstance(x, (Tensor, np.ndarray)) else list(x)


def backward(
    tensors: Tensors,
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    grad_variables: Any = None,
    inputs: Tensors | None = None,
) -> None:
    """Accumulate the gradients of ``tensors`` into the leaves' ``.grad``; with
    ``inputs``, into those tensors' ``.grad`` only (a non-leaf among them retains its
    gradient, as with ``retain_grad()``). ``grad_variables`` is PyTorch's deprecated
    name of ``grad_tensors``."""
    _no_graph_of_backward("backward", create_graph)
    if grad_variables is not None:
        warnings.warn("`grad_variables` is deprecated. Use `grad_tensors` instead.",
                      FutureWarning, stacklevel=2)  # fmt: skip
        if grad_tensors is not None:
            raise RuntimeError(
                "backward: `grad_tensors` and `grad_variables` (deprecated) arguments both "
                "passed; please only use `grad_tensors`."
            )
        grad_tensors = grad_variables
    outputs = _seq(tensors, "backward: tensors")
    seeds = _seeds(outputs, grad_tensors, "backward")
    if inputs is None:
        run_backward(outputs, seeds, bool(retain_graph))
        return
    ins = _seq(inputs, "backward: inputs", RuntimeError)
    if not ins:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    for t in ins:
        t.retain_grad()  # raises for a tensor that does not require grad, as PyTorch
    capture = {id(t): [t, None] for t in ins}
    run_backward(outputs, seeds, bool(retain_graph), capture)
    for t, g in capture.values():
        if t._node is None and g is not None:  # a non-leaf's .grad was kept in the pass
            accumulate(t, g)


def grad(
    outputs: Tensors,
    inputs: Tensors,
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    only_inputs: bool = True,
    allow_unused: bool | None = None,
    is_grads_batched: bool = False,
    materialize_grads: bool = False,
) -> tuple:
    """The gradients of ``outputs`` with respect to ``inputs``, leaving every ``.grad``
    alone. An input the outputs do not depend on raises, or with ``allow_unused`` gets
    None (zeros with ``materialize_grads``). With ``is_grads_batched``, the first dim of
    every grad_output is a batch: one backward pass per index b, the results stacked."""
    _no_graph_of_backward("grad", create_graph)
    if is_grads_batched:
        return _batched_grad(outputs, inputs, grad_outputs, retain_graph, allow_unused,
                             materialize_grads)  # fmt: skip
    if not only_inputs:
        warnings.warn(
            "only_inputs argument is deprecated and is ignored now (defaults to True). To "
            "accumulate gradient for other parts of the graph, please use "
            "minigrad.autograd.backward.",
            FutureWarning,
            stacklevel=2,
        )
    if materialize_grads and allow_unused is False:
        raise ValueError(
            "Expected allow_unused to be True or not passed when materialize_grads=True, "
            "but got: allow_unused=False."
        )
    allow_unused = materialize_grads if allow_unused is None else allow_unused
    outs, ins = _seq(outputs, "grad: outputs"), _seq(inputs, "grad: inputs")
    if not ins:
        raise RuntimeError("grad requires non-empty inputs.")
    for i, t in enumerate(ins):
        if not t._requires_grad:
            raise RuntimeError(f"grad: input {i} does not require grad")
    capture = {id(t): [t, None] for t in ins}
    run_backward(outs, _seeds(outs, grad_outputs, "grad"), bool(retain_graph), capture)
    result = []
    for i, t in enumerate(ins):
        g = capture[id(t)][1]
        if g is None and not allow_unused:
            raise RuntimeError(
                f"grad: input {i} appears to not have been used in the graph. Set "
                "allow_unused=True if this is the desired behavior."
            )
        if g is None and materialize_grads:
            g = np.zeros_like(t.data)
        result.append(None if g is None else Tensor._new(np.array(g, dtype=t.data.dtype)))
    return tuple(result)


def _batched_grad(
    outputs: Tensors,
    inputs: Tensors,
    grad_outputs: Any,
    retain_graph: bool | None,
    allow_unused: bool | None,
    materialize_grads: bool,
) -> tuple:
    """``grad`` with grad_outputs of shape (B, *output.shape): row b of each result is
    ``grad`` with the grad_outputs' rows b, so the results have shape (B, *input.shape).
    An unused input with ``materialize_grads`` gets zeros of that shape too, where PyTorch's
    are zeros_like(input), without the batch dim its other results have."""
    outs, ins = _seq(outputs, "grad: outputs"), _seq(inputs, "grad: inputs")  # used per row
    given = [None] * len(outs) if grad_outputs is None else _seq_or_none(grad_outputs)
    for t, g in zip(outs, given):  # grad checks their count, row by row
        if not isinstance(g, Tensor) or g.data.shape[1:] != t.data.shape:
            got = type(g).__name__ if not isinstance(g, Tensor) else f"shape {g.data.shape}"
            # as PyTorch: an implicit gradient (None) of a one-element output has no batch dim
            error = ValueError if g is None and t.data.size == 1 else RuntimeError
            raise error(
                "grad: with is_grads_batched=True, each grad_output's first dim is the batch "
                f"and the rest the output's shape {t.data.shape}, but got {got}"
            )
    sizes = {g.data.shape[0] for g in given}
    if len(sizes) > 1:
        raise ValueError(f"grad: the grad_outputs' batch sizes differ: {sorted(sizes)}")
    n = sizes.pop() if sizes else 1  # no grad_outputs: one row, where grad refuses them
    if n == 0:
        raise IndexError("grad: is_grads_batched=True with a batch of size 0")
    rows = [
        grad(
            outs,
            ins,
            [Tensor._new(g.data[b]) for g in given],
            retain_graph=retain_graph or b < n - 1,
            allow_unused=allow_unused,
            materialize_grads=materialize_grads,
        )
        for b in range(n)
    ]
    return tuple(
        None if gs[0] is None else Tensor._new(np.stack([g.data for g in gs])) for gs in zip(*rows)
    )


def __getattr__(name: str) -> Any:
    if name == "forward_ad":
        raise AttributeError(
            "module 'minigrad.autograd' has no attribute 'forward_ad': minigrad has no "
            "forward-mode AD (PyTorch's torch.autograd.forward_ad); its gradients are "
            "reverse mode only"
        )
    raise AttributeError(f"module 'minigrad.autograd' has no attribute {name!r}")


def _no_graph_of_backward(name: str, create_graph: bool) -> None:
    if create_graph:
        raise NotImplementedError(
            f"{name}: create_graph=True (recording the backward pass, for higher-order "
            "gradients) is not supported by minigrad: its VJPs are NumPy code"
        )


from ..grad_mode import enable_grad, inference_mode, no_grad, set_grad_enabled  # noqa: E402
from . import functional, graph  # noqa: E402
from .anomaly_mode import (  # noqa: E402
    detect_anomaly,
    is_anomaly_check_nan_enabled,
    is_anomaly_enabled,
    set_detect_anomaly,
)
from .function import Function, FunctionCtx  # noqa: E402
from .gradcheck import GradcheckError, gradcheck, gradgradcheck  # noqa: E402
from .variable import Variable  # noqa: E402
