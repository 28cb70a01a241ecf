"""``vmap``, as ``torch.func.vmap``: ``func`` mapped over a dimension of its inputs.

minigrad runs ``func`` once per slice, in a Python loop, and stacks the results: the
semantics of PyTorch's vmap (which batches the operations instead), not its speed. The
slices and the stacking are differentiable ops, so ``vmap(grad(f))`` gives per-sample
gradients and ``grad`` of a function that uses ``vmap`` works. The slices are views, so an
in-place update of a mapped input (stacked BatchNorm buffers) updates its slice, as in
PyTorch. Divergences of the loop: a mapped size of 0 raises (PyTorch returns empty
results; a loop has no slice to learn their shapes from), and an in-place update of an
unmapped tensor (a module's own running statistics) runs once per slice where PyTorch
raises.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from .. import random
from ..ops import stack
from ..tensor import Tensor
from ._pytree import broadcast_prefix, flatten, unflatten

__all__ = ["vmap"]


def check_randomness(randomness: str) -> None:
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(
            "Only allowed values for randomness are 'error', 'different', or 'same'. "
            f"Got {randomness}"
        )


class _NoRandomness:
    """Stands in for the default generator's twister under ``randomness='error'``."""

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(
            "vmap: called random operation while in randomness error mode. Please either use "
            "the 'same' or 'different' randomness flags on vmap or perform the randomness "
            "operation out of vmap"
        )


@contextmanager
def randomness_mode(randomness: str) -> Iterator[Callable[[], None]]:
    """Yields what to call before each slice: 'same' restarts the default generator from
    one state (every slice draws the same numbers), 'different' lets it run on, 'error'
    makes any draw from it raise."""
    gen = random.default_generator
    saved = gen._mt
    if randomness == "error":
        gen._mt = _NoRandomness()
    state = gen.get_state() if randomness == "same" else None

    def before_slice() -> None:
        if randomness == "same":
            gen.set_state(state)

    try:
        yield before_slice
    finally:
        if randomness == "error":
            gen._mt = saved


def _describe(func: Callable, in_dims: Any) -> str:
    return f"vmap({getattr(func, '__name__', repr(func))}, in_dims={in_dims}, ...)(<inputs>)"


def _in_dims(func: Callable, in_dims: Any, args: tuple) -> list:
    """One in_dim (an int, or None: not mapped) per leaf of ``args``."""
    where = _describe(func, in_dims)
    if not isinstance(in_dims, (int, tuple)) or isinstance(in_dims, bool):
        if in_dims is not None:
            raise ValueError(
                f"{where}: expected `in_dims` to be int or a (potentially nested) tuple "
                f"matching the structure of inputs, got: {type(in_dims)}."
            )
    dims = broadcast_prefix(in_dims, args)
    if dims is None:
        raise ValueError(
            f"{where}: in_dims is not compatible with the structure of `inputs`. in_dims is "
            f"{in_dims}, inputs have {len(args)} arguments."
        )
    for d in dims:
        if d is not None and (isinstance(d, bool) or not isinstance(d, int)):
            raise ValueError(f"{where}: in_dim must be an int or None, got {type(d)}.")
    return dims


def _batch_size(func: Callable, in_dims: Any, leaves: list, dims: list) -> int:
    """The common size of the mapped dimensions; checks each mapped leaf."""
    where = _describe(func, in_dims)
    sizes = []
    for x, d in zip(leaves, dims):
        if d is None:
            continue
        if not isinstance(x, Tensor):
            raise ValueError(
                f"{where}: Got in_dim={d} for an input but the input is of type {type(x)}. "
                "We cannot vmap over non-Tensor arguments, please use None as the respective "
                "in_dim"
            )
        if not -x.ndim <= d < x.ndim:
            raise ValueError(
                f"{where}: Got in_dim={d} for some input, but that input is a Tensor of "
                f"dimensionality {x.ndim} so expected in_dim to satisfy "
                f"-{x.ndim} <= in_dim < {x.ndim}."
            )
        sizes.append(x.shape[d])
    if not sizes:
        raise ValueError(
            f"{where}: at least one input must be a Tensor mapped over a dimension (an int "
            "in_dim), but in_dims maps none."
        )
    if len(set(sizes)) > 1:
        raise ValueError(
            "vmap: Expected all tensors to have the same size in the mapped dimension, got "
            f"sizes {sizes} for the mapped dimension"
        )
    if sizes[0] == 0:  # PyTorch returns empty outputs; a loop has no slice to learn their shape
        raise ValueError(
            f"{where}: minigrad's vmap maps over slices and needs at least one, got size 0"
        )
    return sizes[0]


def _same(a: Tensor, b: Tensor) -> bool:
    return (
        a.shape == b.shape
        and a.dtype == b.dtype
        and np.array_equal(a.data, b.data, equal_nan=a.dtype.kind in "fc")
    )


def _stack_outputs(func: Callable, out_dims: Any, results: list) -> Any:
    """Stack each output leaf over the slices along its out_dim (None: the first slice's,
    unmapped, which every slice must have returned alike)."""
    name = getattr(func, "__name__", repr(func))
    flat = [flatten(r) for r in results]
    leaves, spec = flat[0]
    dims = broadcast_prefix(out_dims, unflatten(leaves, spec))
    if dims is None or any(s != spec for _, s in flat):
        raise ValueError(
            f"vmap({name}, ..., out_dims={out_dims})(<inputs>): out_dims is not compatible "
            "with the structure of `outputs`."
        )
    stacked = []
    for k, d in enumerate(dims):
        if d is None:
            # PyTorch refuses a mapped (batched) output here; the loop can tell one that
            # differs between slices, so that one is refused rather than cut to its first
            if isinstance(leaves[k], Tensor) and any(
                not isinstance(ls[k], Tensor) or not _same(ls[k], leaves[k]) for ls, _ in flat
            ):
                raise ValueError(
                    f"vmap({name}, ...): `{name}` can not return a BatchedTensor when out_dim "
                    "is None"
                )
            stacked.append(leaves[k])
            continue
        column = [ls[k] for ls, _ in flat]
        for y in column:
            if not isinstance(y, Tensor):
                raise ValueError(
                    f"vmap({name}, ...): `{name}` must only return Tensors, got type "
                    f"{type(y)}. Did you mean to set out_dims= to None for output?"
                )
        stacked.append(stack(column, dim=d))
    return unflatten(stacked, spec)


def vmap(
    func: Callable, in_dims: Any = 0, out_dims: Any = 0, randomness: str = "error", *,
    chunk_size: int | None = None,
) -> Callable:  # fmt: skip
    """``func`` mapped over dimension ``in_dims`` of its positional arguments (an int for
    all, or a tuple with one entry per argument, nested like it; None: not mapped, passed
    whole) with the results stacked along ``out_dims``. Keyword arguments are not mapped.
    ``randomness``: 'error' (a random draw raises), 'different' or 'same' (every slice
    draws the same numbers). ``chunk_size`` changes nothing: the slices run one by one."""
    check_randomness(randomness)
    if chunk_size is not None and chunk_size <= 0:
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")

    @functools.wraps(func)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not args:
            raise ValueError(
                f"vmap({getattr(func, '__name__', repr(func))})(<inputs>): got no inputs. "
                "Maybe you forgot to add inputs, or you are trying to vmap over a function "
                "with no inputs. The latter is unsupported."
            )
        dims = _in_dims(func, in_dims, args)
        leaves, spec = flatten(args)
        size = _batch_size(func, in_dims, leaves, dims)
        results = []
        with randomness_mode(randomness) as before_slice:
            for i in range(size):
                before_slice()
                sliced = [x if d is None else x.select(d, i) for x, d in zip(leaves, dims)]
                results.append(func(*unflatten(sliced, spec), **kwargs))
        return _stack_outputs(func, out_dims, results)

    return wrapped
