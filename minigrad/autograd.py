"""``backward``, ``grad`` and ``gradcheck``: the user-facing side of the engine."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Union

import numpy as np

from .engine import run_backward
from .factories import tensor
from .grad_mode import enable_grad, no_grad
from .tensor import Tensor

__all__ = ["backward", "grad", "gradcheck", "GradcheckError"]

Tensors = Union[Tensor, Sequence[Tensor]]


def _seq(x: Any, what: str) -> list:
    """A Tensor or a sequence of Tensors, as a list."""
    try:
        xs = [x] if isinstance(x, Tensor) else list(x)
    except TypeError:  # a number: not a sequence
        raise TypeError(f"{what} must be Tensors, but got {type(x).__name__}") from None
    for t in xs:
        if not isinstance(t, Tensor):
            raise TypeError(f"{what} must be Tensors, but got {type(t).__name__}")
    return xs


def _seeds(outputs: list, grad_outputs: Any) -> list:
    """The starting gradient of each output: given, or 1 for one-element outputs."""
    given = [None] * len(outputs) if grad_outputs is None else _seq_or_none(grad_outputs)
    for g in given:
        if g is not None and not isinstance(g, Tensor):
            raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
    if len(given) != len(outputs):
        raise RuntimeError(f"grad: got {len(outputs)} tensors and {len(given)} gradients")
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
        arr = np.array(g.data, dtype=t.data.dtype)
        if arr.shape != t.data.shape:
            raise RuntimeError(
                f"backward: gradient has shape {arr.shape} but the output has shape {t.data.shape}"
            )
        seeds.append(arr)
    return seeds


def _seq_or_none(x: Any) -> list:
    return [x] if x is None or isinstance(x, (Tensor, np.ndarray)) else list(x)


def backward(tensors: Tensors, grad_tensors: Any = None, retain_graph: bool = False) -> None:
    """Accumulate the gradients of ``tensors`` into the leaves' ``.grad``."""
    outputs = _seq(tensors, "backward: tensors")
    run_backward(outputs, _seeds(outputs, grad_tensors), retain_graph)


def grad(
    outputs: Tensors,
    inputs: Tensors,
    grad_outputs: Any = None,
    retain_graph: bool = False,
    allow_unused: bool = False,
) -> tuple:
    """The gradients of ``outputs`` with respect to ``inputs``, leaving every ``.grad`` alone."""
    outs, ins = _seq(outputs, "grad: outputs"), _seq(inputs, "grad: inputs")
    if not ins:
        raise RuntimeError("grad requires non-empty inputs.")
    for i, t in enumerate(ins):
        if not t._requires_grad:
            raise RuntimeError(f"grad: input {i} does not require grad")
    capture = {id(t): [t, None] for t in ins}
    run_backward(outs, _seeds(outs, grad_outputs), retain_graph, capture)
    result = []
    for i, t in enumerate(ins):
        g = capture[id(t)][1]
        if g is None and not allow_unused:
            raise RuntimeError(
                f"grad: input {i} appears to not have been used in the graph. Set "
                "allow_unused=True if this is the desired behavior."
            )
        result.append(None if g is None else Tensor._new(np.array(g, dtype=t.data.dtype)))
    return tuple(result)


class GradcheckError(RuntimeError):
    """Analytical and numerical gradients disagree."""


def gradcheck(
    fn: Callable[..., Any],
    inputs: Any,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    fast_mode: bool = False,
) -> bool:
    """Compare autograd's gradients of ``fn(*inputs)`` with central differences in float64.

    For every output element o that requires grad and every input element x: |analytic -
    numeric| must be at most ``atol + rtol * |numeric|``, numeric = (o(x + eps) - o(x -
    eps)) / (2 eps). Inputs that are not Tensors are passed as they are. Returns True or
    raises :class:`GradcheckError` naming the input, index and values (returns False
    instead with ``raise_exception=False``). ``nondet_tol`` and ``fast_mode`` are
    accepted for PyTorch's sake: minigrad's backward is deterministic and it always
    checks the whole Jacobian.
    """
    originals = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    xs = [
        tensor(t.data, dtype=np.float64, requires_grad=t._requires_grad)
        if isinstance(t, Tensor) and t.data.dtype.kind == "f"
        else t
        for t in originals
    ]
    diff = [i for i, t in enumerate(xs) if isinstance(t, Tensor) and t._requires_grad]
    if not diff:
        raise ValueError("gradcheck: no input requires grad")
    with enable_grad():
        outs = _seq(fn(*xs), "gradcheck: outputs")
    # as PyTorch: the outputs that require grad, or if none does, every float output,
    # whose numerical gradient must then be zero
    checked = [k for k, o in enumerate(outs) if o._requires_grad] or [
        k for k, o in enumerate(outs) if o.data.dtype.kind in "fc"
    ]
    outs = [outs[k] for k in checked]

    def flat_outputs() -> np.ndarray:
        with no_grad():
            values = _seq(fn(*xs), "gradcheck: outputs")
            return np.concatenate(
                [values[k].data.astype(np.float64).reshape(-1) for k in checked] or [np.zeros(0)]
            )

    # analytic Jacobian, one row per output element (one backward each)
    sizes = [o.data.size for o in outs]
    rows = {i: np.zeros((sum(sizes), xs[i].data.size)) for i in diff}
    r = 0
    for o in outs:
        for j in range(o.data.size):
            if o._requires_grad:  # else no output does, and the row stays zero
                seed = np.zeros(o.data.shape, o.data.dtype)
                seed.reshape(-1)[j] = 1.0
                got = grad(o, [xs[i] for i in diff], Tensor._new(seed), retain_graph=True,
                           allow_unused=True)  # fmt: skip
                for i, gi in zip(diff, got):
                    if gi is not None:
                        rows[i][r] = gi.data.reshape(-1)
            r += 1
    # numerical Jacobian, one column per input element (two forwards each)
    for i in diff:
        x = xs[i].data
        flat = x.reshape(-1)  # a view: x is a fresh contiguous float64 copy
        for e in range(flat.size):
            old = flat[e]
            flat[e] = old + eps
            plus = flat_outputs()
            flat[e] = old - eps
            minus = flat_outputs()
            flat[e] = old
            numeric = (plus - minus) / (2 * eps)
            analytic = rows[i][:, e]
            bad = ~(np.abs(analytic - numeric) <= atol + rtol * np.abs(numeric))
            if bad.any():
                j = int(np.argmax(bad))
                if not raise_exception:
                    return False
                raise GradcheckError(
                    f"gradcheck: d(output element {j})/d(input {i} at index "
                    f"{np.unravel_index(e, x.shape)}): analytical {analytic[j]!r}, "
                    f"numerical {numeric[j]!r}"
                )
    return True
