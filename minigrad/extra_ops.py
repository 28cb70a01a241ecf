"""More of PyTorch's ``torch.*`` functions: aliases, small factories, einsum, stacking and
grids, distances, NaN-aware and paired reductions, sampling, searching and dtype info.

Most are compositions of existing differentiable ops (``hstack`` is ``cat`` of
``atleast_1d``), so their graphs are made of the nodes those ops record. ``einsum`` and
``cdist`` are nodes of their own: each forward sits beside its vector-Jacobian products,
``g`` the output's gradient, as in ``ops.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes, factories, functions, ops
from .device import check as check_device
from .engine import record
from .tensor import Tensor, check_tensor

# ---- aliases and function forms of Tensor methods ------------------------------------


def clone(input: Tensor, *, memory_format: Any = None) -> Tensor:
    """A copy of input (a Clone node: dx = g)."""
    check_tensor("clone", "input", input)
    return input.clone()


def numel(input: Tensor) -> int:
    """The number of elements of input, the product of its shape."""
    check_tensor("numel", "input", input)
    return input.numel()


def is_tensor(obj: Any) -> bool:
    """Whether obj is a Tensor (an nn.Parameter is one)."""
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> bool:
    """Whether input's dtype is a floating point one."""
    check_tensor("is_floating_point", "input", input)
    return input.is_floating_point()


def masked_fill(input: Tensor, mask: Tensor, value: Any) -> Tensor:
    """input with ``value`` where ``mask`` is True (mask broadcast to input's shape)."""
    check_tensor("masked_fill", "input", input)
    return input.masked_fill(mask, value)


def positive(input: Tensor) -> Tensor:
    """+input: input itself, as PyTorch (which refuses bool tensors)."""
    check_tensor("positive", "input", input)
    if input.dtype == np.bool_:
        raise RuntimeError("positive: the `+` operator, on a bool tensor is not supported.")
    return input


concat = ops.cat


def concatenate(tensors: Any, axis: int = 0, *, dim: Any = None) -> Tensor:
    """cat(tensors, axis) (NumPy's name and argument; PyTorch takes ``dim=`` too)."""
    return ops.cat(tensors, axis if dim is None else dim)


arccos, arccosh, arcsin = functions.acos, functions.acosh, functions.asin
arcsinh, arctan, arctanh = functions.asinh, functions.atan, functions.atanh
arctan2 = functions.atan2


# ---- factories -------------------------------------------------------------------------


def empty(*sizes: Any, size: Any = None, dtype: Any = None, requires_grad: bool = False,
          device: Any = None) -> Tensor:  # fmt: skip
    """A tensor of shape ``size``. PyTorch leaves its values unspecified; here they are 0."""
    shape = factories._shape(sizes, size, "empty")
    return factories._wrap(
        np.zeros(shape, dtypes.or_default(dtype)), requires_grad, device, "empty"
    )


def empty_like(input: Tensor, *, dtype: Any = None, requires_grad: bool = False,
               device: Any = None) -> Tensor:  # fmt: skip
    """A tensor of input's shape and dtype (or ``dtype``); here zeros."""
    check_tensor("empty_like", "input", input)
    return factories.zeros_like(input, dtype, requires_grad, device)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """data as a Tensor, without a copy where none is needed: a Tensor of that dtype is
    returned itself (of another dtype, cast, a differentiable ToCopy), an ndarray of that
    dtype is shared (as ``from_numpy``); anything else is copied as ``tensor`` copies it."""
    check_device(device)
    dt = None if dtype is None else dtypes.as_dtype(dtype)
    if isinstance(data, Tensor):
        return data if dt is None else ops.to(data, dt)
    if isinstance(data, np.ndarray) and data.dtype.kind in "biufc":
        shared = factories.from_numpy(data)
        return shared if dt is None or dt == data.dtype else factories._wrap(
            data.astype(dt), False, None, "as_tensor")  # fmt: skip
    return factories.tensor(data, dtype=dt)


# ---- einsum ------------------------------------------------------------------------------

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def einsum(equation: str, *operands: Any) -> Tensor:
    """Einstein summation: out[o] = Σ over the letters not in o of Π_i operand_i[s_i],
    for ``equation`` "s_1,...,s_n->o" (without "->", o is the letters that occur once,
    sorted, after the broadcast "..." dims). A letter repeated within one s_i takes
    that operand's diagonal; size-1 dims broadcast.

    d operand_i = einsum(o, s_j for j != i -> s_i) of g and the other operands, broadcast
    over the letters only s_i has, put on the diagonal where s_i repeats a letter.
    One node, EinsumBackward (PyTorch's graph is the permutes, products and sums that
    einsum decomposes into).
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands:
        raise ValueError("einsum(): must specify the equation string and at least one operand")
    for i, t in enumerate(operands):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"einsum(): expected Tensor as element {i} in argument 1, "
                f"but got {type(t).__name__}"
            )
    terms, out, sizes = _einsum_parse(equation, [t.data.shape for t in operands])
    dt = dtypes.promote([t.data.dtype for t in operands])
    # every operand broadcast to the full size of each of its letters
    arrays = [
        np.broadcast_to(t.data.astype(dt, copy=False), [sizes[c] for c in s])
        for t, s in zip(operands, terms)
    ]
    spec = ",".join(terms) + "->" + out
    result = np.einsum(spec, *arrays, optimize=len(arrays) > 2)
    result = np.array(result, copy=True)  # a view for "ij->ji": PyTorch's is a view too
    vjps = tuple(_einsum_vjp(i, terms, out, arrays, sizes) for i in range(len(terms)))
    return record(result, "Einsum", operands, vjps, saved=operands)


def _einsum_vjp(i: int, terms: list, out: str, arrays: list, sizes: dict) -> Any:
    """The VJP for operand i: the gradient of its broadcast array (shape of its letters'
    full sizes); the engine sums it back over the dims that were broadcast."""
    s = terms[i]
    unique = "".join(dict.fromkeys(s))
    others = [t for j, t in enumerate(terms) if j != i]
    seen = set(out).union(*others)
    kept = "".join(c for c in unique if c in seen)  # letters the others or g determine

    def vjp(g: np.ndarray) -> np.ndarray:
        rest = [a for j, a in enumerate(arrays) if j != i]
        spec = ",".join([out, *others]) + "->" + kept
        G = np.einsum(spec, g, *rest, optimize=len(rest) > 1)
        G = np.broadcast_to(
            G.reshape([sizes[c] if c in seen else 1 for c in unique]), [sizes[c] for c in unique]
        )
        if unique == s:
            return G
        dx = np.zeros([sizes[c] for c in s], G.dtype)
        np.einsum(f"{s}->{unique}", dx)[...] = G  # the diagonal (a writeable view)
        return dx

    return vjp


def _einsum_parse(equation: str, shapes: list) -> tuple:
    """The terms of ``equation`` for each operand and of the output, with each "..."
    spelled out as letters the equation does not use, and the size of each letter."""
    if not isinstance(equation, str):
        raise TypeError(f"einsum(): argument 'equation' must be str, not {type(equation).__name__}")
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    for k, ch in [*enumerate(lhs), *((len(lhs) + 2 + k, ch) for k, ch in enumerate(rhs))]:
        if ch not in _LETTERS and ch != "." and (ch != "," or k > len(lhs)):
            raise RuntimeError(
                f"einsum(): invalid subscript given at index {k} in the equation string, "
                "subscripts must be in [a-zA-Z]"
            )
    terms = lhs.split(",")
    if len(terms) > len(shapes):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(terms) < len(shapes):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    for k, t in enumerate(terms + [rhs]):
        if t.replace("...", "", 1).count(".") or t.count("...") > 1:
            raise RuntimeError(
                f"einsum(): found '.' for operand {k} that is not part of any ellipsis"
            )
    free = [c for c in _LETTERS if c not in eq]
    ell_dims = 0
    for k, (t, shape) in enumerate(zip(terms, shapes)):
        n = len(t.replace("...", ""))
        if "..." in t:
            if len(shape) < n:
                raise RuntimeError(
                    f"einsum(): the number of subscripts in the equation ({n}) is more than "
                    f"the number of dimensions ({len(shape)}) for operand {k}"
                )
            ell_dims = max(ell_dims, len(shape) - n)
        elif len(shape) != n:
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({n}) does not match the "
                f"number of dimensions ({len(shape)}) for operand {k} and no ellipsis was given"
            )
    ell = "".join(free[:ell_dims])
    terms = [
        t.replace("...", ell[ell_dims - (len(shape) - len(t) + 3):] if ell_dims else "")
        if "..." in t else t
        for t, shape in zip(terms, shapes)
    ]  # fmt: skip
    sizes: dict = {}
    for k, (t, shape) in enumerate(zip(terms, shapes)):
        own: dict = {}
        for c, n in zip(t, shape):
            if own.setdefault(c, n) != n:
                raise RuntimeError(
                    f"einsum(): subscript {c} is repeated for operand {k} but the sizes don't "
                    f"match, {own[c]} != {n}"
                )
            if sizes.get(c, 1) not in (1, n) and n != 1:
                raise RuntimeError(
                    f"einsum(): subscript {c} has size {n} for operand {k} which does not "
                    f"broadcast with previously seen size {sizes[c]}"
                )
            if sizes.get(c, 1) == 1:
                sizes[c] = n
    if arrow:
        out = rhs.replace("...", ell)
        for c in out:
            if c not in sizes:
                raise RuntimeError(
                    f"einsum(): output subscript {c} does not appear in the equation for any "
                    "input operand"
                )
            if out.count(c) > 1:
                raise RuntimeError(f"einsum(): output subscript {c} appears more than once in "
                                   "the output")  # fmt: skip
    else:
        letters = "".join(terms)
        out = ell + "".join(sorted(c for c in sizes if letters.count(c) == 1 and c not in ell))
    return terms, out, sizes
