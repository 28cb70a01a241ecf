"""``jacobian``, ``vjp`` and ``jvp`` of a function of tensors, as
``torch.autograd.functional``.

All run the function on detached copies of the inputs that require grad, then reverse
mode: ``vjp`` one backward pass (vᵀ J), ``jacobian`` one per output element (row j of
J is e_jᵀ J), and ``jvp`` the Jacobian's product with v (J v). None touches the inputs'
``.grad``; the results require no grad. ``hessian``, ``hvp`` and ``vhp`` differentiate a
gradient, which minigrad cannot (its VJPs record no graph): they raise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..grad_mode import enable_grad
from ..tensor import Tensor
from . import _no_graph_of_backward, grad

__all__ = ["jacobian", "vjp", "jvp", "hessian", "hvp", "vhp"]


def _as_tuple(x: Any, what: str, fn_name: str) -> tuple[bool, tuple]:
    """(whether x was a tuple, x as a tuple of Tensors)."""
    if isinstance(x, Tensor):
        return False, (x,)
    if isinstance(x, tuple) and all(isinstance(t, Tensor) for t in x):
        return True, x
    raise TypeError(
        f"The {what} given to {fn_name} must be either a Tensor or a tuple of Tensors but "
        f"the given {what} has type {type(x)}."
    )


def _run(func: Callable, inputs: Any, fn_name: str) -> tuple:
    """func on inputs that require grad: (inputs were a tuple, inputs, outputs were a
    tuple, outputs)."""
    in_tuple, xs = _as_tuple(inputs, "inputs", fn_name)
    xs = tuple(x.detach().requires_grad_() for x in xs)
    with enable_grad():
        outs = func(*xs)
    out_tuple, ys = _as_tuple(outs, "outputs of the user-provided function", fn_name)
    return in_tuple, xs, out_tuple, ys


def _independent(i: int | None, k: int) -> RuntimeError:
    which = "The output" if i is None else f"Output {i}"
    return RuntimeError(
        f"{which} of the user-provided function is independent of input {k}. This is not "
        "allowed in strict mode."
    )


def _vectors(v: Any, like: tuple, name: str, one: str) -> tuple:
    """``v`` as a tuple of Tensors shaped as ``like`` (the outputs for vjp, the inputs for
    jvp); None only when ``like`` is a single one-element Tensor, and then ones."""
    if v is None:
        if len(like) != 1 or like[0].data.size != 1:
            raise RuntimeError(
                f"The vector v can only be None if {one} a single Tensor with a single element."
            )
        return (Tensor._new(np.ones_like(like[0].data)),)
    vs = _as_tuple(v, "v", name)[1]
    if len(vs) != len(like):
        raise RuntimeError(
            f"v is a tuple of invalid length: should be {len(like)} but got {len(vs)}."
        )
    for t, w in zip(like, vs):
        if w.data.shape != t.data.shape:
            raise RuntimeError(f"v has invalid size: should be {t.shape} but got {w.shape}.")
    return vs


def vjp(
    func: Callable, inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False
) -> tuple:
    """(func(inputs), vᵀ J): the gradient of Σ v · func(inputs) with respect to each input
    (zeros for an input the outputs do not depend on; with ``strict``, an error). ``v``
    has the outputs' shapes; it may be omitted for a single one-element output."""
    _no_graph_of_backward("vjp", create_graph)
    in_tuple, xs, out_tuple, ys = _run(func, inputs, "vjp")
    vs = _vectors(v, ys, "vjp", "the user-provided function returns")
    pairs = [(y, w) for y, w in zip(ys, vs) if y._requires_grad]
    if strict and len(pairs) < len(ys):
        raise _independent(None, 0)
    grads = [None] * len(xs)
    if pairs:
        grads = list(grad([y for y, _ in pairs], xs, [w for _, w in pairs], allow_unused=True))
    for k, (x, g) in enumerate(zip(xs, grads)):
        if g is None:
            if strict:
                raise _independent(None, k)
            grads[k] = Tensor._new(np.zeros_like(x.data))
    outputs = tuple(y.detach() for y in ys)
    return (outputs if out_tuple else outputs[0]), (tuple(grads) if in_tuple else grads[0])


def _jacobian_rows(y: Tensor, xs: list, vjp: Callable) -> list:
    """∂y/∂x for each x of ``xs``, of shape y.shape + x.shape, by one VJP per element of y:
    row j is ``vjp(e_j)`` for the one-hot cotangent e_j (a None or missing entry: zeros)."""
    rows = [np.zeros((y.data.size,) + x.data.shape, x.data.dtype) for x in xs]
    seed = np.zeros(y.data.size, y.data.dtype)
    for j in range(y.data.size):
        seed[j] = 1
        e_j = Tensor._new(seed.reshape(y.data.shape).copy())
        seed[j] = 0
        for row, g in zip(rows, vjp(e_j)):
            if g is not None:
                row[j] = g.data
    return [Tensor._new(r.reshape(y.data.shape + x.data.shape)) for r, x in zip(rows, xs)]


def jacobian(
    func: Callable,
    inputs: Any,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    strategy: str = "reverse-mode",
) -> Any:
    """The Jacobian of func at inputs: for output y and input x, a tensor of shape
    ``y.shape + x.shape`` with J[j..., k...] = ∂y[j...] / ∂x[k...]; a tuple over the inputs
    and/or the outputs where those are tuples (``J[i][k]`` for output i, input k). An
    output that does not depend on an input gives zeros (with ``strict``, an error).
    ``vectorize`` is accepted and changes nothing: one backward pass per output element.
    ``strategy="forward-mode"`` gives the same Jacobian, computed in reverse mode too (as
    ``func.jacfwd``), under PyTorch's conditions: with ``vectorize`` and not ``strict``."""
    _no_graph_of_backward("jacobian", create_graph)
    if strategy not in ("forward-mode", "reverse-mode"):  # PyTorch's exception type
        raise AssertionError(
            f'jacobian: expected strategy to be either "forward-mode" or "reverse-mode", got '
            f"{strategy!r}"
        )
    if strategy == "forward-mode" and not vectorize:
        raise NotImplementedError(
            'jacobian: strategy="forward-mode" is only implemented for vectorize=True'
        )
    if strategy == "forward-mode" and strict:
        raise RuntimeError(
            'jacobian: strict=True and strategy="forward-mode" are not supported together'
        )
    in_tuple, xs, out_tuple, ys = _run(func, inputs, "jacobian")
    jac = []
    for i, y in enumerate(ys):
        if not y._requires_grad and strict:
            raise RuntimeError(
                f"Output {i} of the user-provided function does not require gradients. The "
                "outputs must be computed in a differentiable manner from the input when "
                "running in strict mode."
            )

        def vjp(e: Tensor, i: int = i, y: Tensor = y) -> tuple:
            if not y._requires_grad:
                return ()
            gs = grad(y, xs, e, retain_graph=True, allow_unused=True)
            for k, g in enumerate(gs):
                if g is None and strict:
                    raise _independent(i, k)
            return gs

        jac.append(tuple(_jacobian_rows(y, xs, vjp)))
    if out_tuple:
        return tuple(j if in_tuple else j[0] for j in jac)
    return jac[0] if in_tuple else jac[0][0]


def jvp(
    func: Callable, inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False
) -> tuple:
    """(func(inputs), J v): the derivative of func at inputs in the direction v (v has the
    inputs' shapes; it may be omitted for a single one-element input), of the outputs'
    shapes. Computed from the Jacobian, one backward pass per output element. An output
    that does not depend on the inputs gets zeros (with ``strict``, an error)."""
    _no_graph_of_backward("jvp", create_graph)
    in_tuple, xs, out_tuple, ys = _run(func, inputs, "jvp")
    vs = _vectors(v, xs, "jvp", "the input to the user-provided function is")
    used = [False] * len(xs)

    def vjp(e: Tensor, y: Tensor) -> tuple:
        gs = grad(y, xs, e, retain_graph=True, allow_unused=True)
        for k, g in enumerate(gs):
            used[k] = used[k] or g is not None
        return gs

    products = []
    for i, y in enumerate(ys):
        Jv = np.zeros(y.data.shape, y.data.dtype)
        if y._requires_grad:
            rows = _jacobian_rows(y, xs, lambda e, y=y: vjp(e, y))
            for J, w in zip(rows, vs):
                Jv += (J.data.reshape(y.data.size, -1) @ w.data.reshape(-1)).reshape(Jv.shape)
        elif strict:
            raise RuntimeError(
                f"Output {i} of the user-provided function does not require gradients. The "
                "outputs must be computed in a differentiable manner from the input when "
                "running in strict mode."
            )
        products.append(Tensor._new(Jv))
    if strict and not all(used):
        raise _independent(None, used.index(False))
    outputs = tuple(y.detach() for y in ys)
    if out_tuple:
        return outputs, tuple(products)
    return outputs[0], products[0]


def _second_order(name: str) -> NotImplementedError:
    return NotImplementedError(
        f"{name}: second derivatives (the gradient of a gradient) are not supported by "
        "minigrad: its VJPs are NumPy code and record no graph"
    )


def hessian(
    func: Callable,
    inputs: Any,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    outer_jacobian_strategy: str = "reverse-mode",
) -> Any:
    """Not supported: the Hessian is the Jacobian of a gradient. Raises."""
    raise _second_order("hessian")


def hvp(
    func: Callable, inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False
) -> tuple:
    """Not supported: the Hessian-vector product differentiates a gradient. Raises."""
    raise _second_order("hvp")


def vhp(
    func: Callable, inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False
) -> tuple:
    """Not supported: the vector-Hessian product differentiates a gradient. Raises."""
    raise _second_order("vhp")
