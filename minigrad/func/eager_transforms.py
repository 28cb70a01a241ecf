"""``grad``, ``grad_and_value``, ``vjp``, ``jacrev`` and ``jacfwd`` as ``torch.func``'s,
built on minigrad's reverse mode: each call runs ``func`` on a fresh graph (the
differentiated inputs detached and made to require grad) and asks ``autograd.grad`` for
the gradients. Inputs and outputs are pytrees (nested tuples, lists, dicts) of Tensors.

Divergences: the results carry no graph (minigrad has no double backward), so they cannot
be differentiated again, and a transform of a transform of the same inputs (``hessian``,
``jacrev(jacrev(f))``, ``grad(grad(f))``) raises NotImplementedError; so do ``jvp`` and
``linearize`` (forward mode). ``jacfwd`` computes the same Jacobian as ``jacrev``, in
reverse mode.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from .. import autograd
from ..autograd.functional import _jacobian_rows
from ..grad_mode import enable_grad
from ..tensor import Tensor
from ._pytree import flatten, tree_map, unflatten
from .vmap import check_randomness, randomness_mode

__all__ = [
    "grad", "grad_and_value", "vjp", "jacrev", "jacfwd", "hessian", "jvp", "linearize",
]  # fmt: skip

_depth = 0  # how many transforms are running their function


@contextmanager
def _running() -> Iterator[None]:
    """Run a transform's function (with grad mode on, and counted in ``_depth``)."""
    global _depth
    _depth += 1
    try:
        with enable_grad():
            yield
    finally:
        _depth -= 1


def _track(x: Any) -> Tensor:
    """A detached copy of ``x`` that requires grad: the root of a fresh graph. Inside another
    transform, ``x`` must not require grad: differentiating the result with respect to the
    outer transform's inputs would need double backward."""
    if not isinstance(x, Tensor):
        raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")
    if _depth and x.requires_grad:
        raise NotImplementedError(
            "a transform (grad, vjp, jacrev, ...) inside another one, of inputs that require "
            "grad there (higher-order derivatives), needs double backward, which minigrad lacks"
        )
    return x.detach().requires_grad_()


def _argnums(argnums: Any, n: int) -> tuple[int, ...]:
    """``argnums`` (an int or a tuple of ints) as non-negative positions among n arguments."""
    nums = argnums if isinstance(argnums, tuple) else (argnums,)
    if not nums:
        raise RuntimeError("argnums must be non-empty")
    for a in nums:
        if isinstance(a, bool) or not isinstance(a, int):
            raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(a)}")
        if not -n <= a < n:
            raise RuntimeError(f"Got argnum={a}, but only {n} positional inputs")
    if len(set(a % n for a in nums)) != len(nums):
        raise RuntimeError(f"argnums elements must be unique, got {argnums}")
    return tuple(a % n for a in nums)


def _tracked_args(args: tuple, argnums: Any) -> tuple[list, Any]:
    """(the arguments with those at ``argnums`` tracked, the tracked part: one tree for an
    int ``argnums``, a tuple of trees for a tuple)."""
    nums = _argnums(argnums, len(args))
    args = list(args)
    for i in nums:
        args[i] = tree_map(_track, args[i])
    primals = tuple(args[i] for i in nums)
    return args, primals if isinstance(argnums, tuple) else primals[0]


def _split_aux(name: str, out: Any, has_aux: bool) -> tuple[Any, Any]:
    """(output, aux detached: a pytree of Tensors)."""
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple) and len(out) == 2):
        raise RuntimeError(
            f"{name}: output of function f should be a tuple: (output, aux) if has_aux is True"
        )
    return out[0], tree_map(_detached, out[1])


def _detached(a: Any) -> Tensor:
    if not isinstance(a, Tensor):
        raise RuntimeError(f"Expected tensors, got unsupported type {type(a)}")
    return a.detach()


def _vjp_leaves(ys: list, xs: list, seeds: list, retain: bool) -> list:
    """Σ_i seeds_i · ∂ys_i/∂xs for each x (zeros where the outputs do not depend on it)."""
    pairs = [(y, s) for y, s in zip(ys, seeds) if y.requires_grad]
    grads = [None] * len(xs)
    if pairs:
        grads = autograd.grad([y for y, _ in pairs], xs, [s for _, s in pairs],
                              retain_graph=retain, allow_unused=True)  # fmt: skip
    return [Tensor._new(np.zeros_like(x.data)) if g is None else g for x, g in zip(xs, grads)]


def grad_and_value(func: Callable, argnums: Any = 0, has_aux: bool = False) -> Callable:
    """``f -> (∇f, f)`` at the arguments ``argnums`` (an int or a tuple: then a tuple of
    gradients) of a function returning a scalar Tensor; with ``has_aux``, f returns
    ``(scalar, aux)`` and the result is ``(∇f, (f, aux))``."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> tuple:
        name = "grad_and_value(f)(*args)"
        args, primals = _tracked_args(args, argnums)
        leaves, spec = flatten(primals)
        with _running():
            out, aux = _split_aux(name, func(*args, **kwargs), has_aux)
        if not isinstance(out, Tensor):
            raise RuntimeError(f"{name}: Expected f(*args) to return a Tensor, got {type(out)}")
        if out.ndim != 0:
            raise RuntimeError(
                f"{name}: Expected f(*args) to return a scalar Tensor, got tensor with "
                f"{out.ndim} dims. Maybe you wanted to use the vjp or jacrev APIs instead?"
            )
        seed = Tensor._new(np.ones_like(out.data))
        grads = unflatten(_vjp_leaves([out], leaves, [seed], retain=False), spec)
        return (grads, (out.detach(), aux)) if has_aux else (grads, out.detach())

    return wrapper


def grad(func: Callable, argnums: Any = 0, has_aux: bool = False) -> Callable:
    """``f -> ∇f``: the gradient of a scalar-valued function with respect to its arguments
    ``argnums``, a pytree like them; with ``has_aux``, ``(∇f, aux)``."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        grads, value = grad_and_value(func, argnums, has_aux)(*args, **kwargs)
        return (grads, value[1]) if has_aux else grads

    return wrapper


def _outputs(name: str, out: Any) -> tuple[list, Any]:
    leaves, spec = flatten(out)
    for y in leaves:
        if not isinstance(y, Tensor):
            raise RuntimeError(
                f"{name}: expected f(*primals) to return only tensors, got unsupported type "
                f"{type(y)}"
            )
    return leaves, spec


def vjp(func: Callable, *primals: Any, has_aux: bool = False) -> tuple:
    """``(f(*primals), vjp_fn)``: ``vjp_fn(cotangents)`` (a pytree like the output) is the
    tuple over ``primals`` of vᵀ J, the gradient of Σ v · f; it may be called many times.
    With ``has_aux``, ``(output, vjp_fn, aux)``."""
    name = "vjp(f, *primals)"
    tracked = tree_map(_track, primals)
    leaves, in_spec = flatten(tracked)
    with _running():
        out, aux = _split_aux(name, func(*tracked), has_aux)
    ys, out_spec = _outputs(name, out)

    def vjp_fn(cotangents: Any) -> tuple:
        vs, spec = flatten(cotangents)
        if spec != out_spec:
            raise RuntimeError(
                "Expected pytree structure of cotangents to be the same as pytree structure "
                f"of outputs to the function. cotangents: {spec}, primal output: {out_spec}"
            )
        for i, (y, v) in enumerate(zip(ys, vs)):
            if not isinstance(v, Tensor):
                raise RuntimeError(f"vjp_fn: cotangent {i} must be a Tensor, got {type(v)}")
            if v.shape != y.shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of {v.shape} and "
                    f"output[{i}] has a shape of {y.shape}."
                )
        return unflatten(_vjp_leaves(ys, leaves, vs, retain=True), in_spec)

    output = unflatten([y.detach() for y in ys], out_spec)
    return (output, vjp_fn, aux) if has_aux else (output, vjp_fn)


def _jacobian(
    name: str, func: Callable, argnums: Any, has_aux: bool, randomness: str = "different"
) -> Callable:
    """Jacobians by reverse mode, one backward pass per output element: for output leaf y
    and input leaf x, J of shape ``y.shape + x.shape``, J[j..., k...] = ∂y[j...]/∂x[k...].
    ``randomness`` as vmap's (jacfwd's 'error': a random draw in func raises)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        args, primals = _tracked_args(args, argnums)
        xs, in_spec = flatten(primals)
        with _running(), randomness_mode(randomness):
            out, aux = _split_aux(name, func(*args, **kwargs), has_aux)
        ys, out_spec = _outputs(name, out)
        jacs = []
        for y in ys:
            jac = _jacobian_rows(y, xs, lambda e, y=y: _vjp_leaves([y], xs, [e], retain=True))
            jacs.append(unflatten(jac, in_spec))
        result = unflatten(jacs, out_spec)
        return (result, aux) if has_aux else result

    return wrapper


def _check_chunk_size(name: str, chunk_size: int | None) -> None:
    if chunk_size is not None and chunk_size <= 0:
        raise ValueError(f"{name}: `chunk_size` should be greater than 0.")


def jacrev(
    func: Callable, argnums: Any = 0, *, has_aux: bool = False, chunk_size: int | None = None,
    _preallocate_and_copy: bool = False,
) -> Callable:  # fmt: skip
    """``f -> J_f``: the Jacobian of every output with respect to the arguments ``argnums``
    (for each output leaf, a pytree like those arguments); with ``has_aux``, ``(J, aux)``.
    ``chunk_size`` changes nothing: one backward pass per output element."""
    _check_chunk_size("jacrev", chunk_size)
    return _jacobian("jacrev(f, argnums)", func, argnums, has_aux)


def jacfwd(
    func: Callable, argnums: Any = 0, has_aux: bool = False, *, randomness: str = "error"
) -> Callable:
    """The Jacobian as ``jacrev``'s (same structure and values), computed in reverse mode:
    minigrad has no forward mode. ``randomness`` as vmap's."""
    check_randomness(randomness)
    return _jacobian("jacfwd(f, argnums)", func, argnums, has_aux, randomness)


def _forward_mode(name: str) -> NotImplementedError:
    return NotImplementedError(
        f"{name} is not supported by minigrad: it needs forward-mode AD or double backward "
        "(the gradient of a gradient), and minigrad's VJPs are NumPy code"
    )


def hessian(func: Callable, argnums: Any = 0) -> Callable:
    """Not supported: ``jacfwd(jacrev(f))`` differentiates a gradient, which needs double
    backward (or forward mode over reverse); minigrad has neither. Raises when called."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        raise _forward_mode("hessian")

    return wrapper


def jvp(
    func: Callable, primals: Any, tangents: Any, *, strict: bool = False, has_aux: bool = False
) -> tuple:
    """Not supported: the Jacobian-vector product is forward mode."""
    raise _forward_mode("jvp")


def linearize(func: Callable, *primals: Any) -> tuple:
    """Not supported: linearize returns ``jvp``'s function, forward mode."""
    raise _forward_mode("linearize")
