"""More of PyTorch's ``torch.*`` functions: aliases, small factories, einsum, stacking and
grids, distances, diagonal matrices, NaN-aware and paired reductions, sampling, searching
and counting, and dtype information.

Where PyTorch's function is a composition of ops minigrad has, it is one here too
(``hstack`` is ``cat`` of ``atleast_1d``, ``tensordot`` a permute, reshape and ``mm``), so
its graph is made of the nodes those ops record. The others record a node of their own
(``Einsum``, ``Cdist``, ``BlockDiag``, ``DiagEmbed``, ``Nansum``, ``Copysign``, and the
samplers' ``Normal``/``Bernoulli`` with PyTorch's zero gradient): each forward sits beside
its vector-Jacobian products, ``g`` the output's gradient, as in ``ops.py``.
"""

from __future__ import annotations

import builtins
import math
import operator
import warnings
from typing import Any

import numpy as np

from . import dtypes, factories, functions, ops
from . import random as _random
from . import random_kernels as _rk
from .device import check as check_device
from .device import (
    check_memory_format,
    contiguous_format,
    in_memory_order,
    memory_order,
    preserve_format,
)
from .engine import no_derivative, record
from .errors import OpError
from .tensor import Tensor, check_tensor

# ---- aliases and function forms of Tensor methods ------------------------------------


def clone(input: Tensor, *, memory_format: Any = None) -> Tensor:
    """A copy of input (a Clone node: dx = g)."""
    check_tensor("clone", "input", input)
    return input.clone(memory_format=memory_format)


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


def is_complex(input: Tensor) -> bool:
    """Whether input's dtype is a complex one (never, here)."""
    check_tensor("is_complex", "input", input)
    return input.is_complex()


def is_signed(input: Tensor) -> bool:
    """Whether input's dtype holds negative numbers."""
    check_tensor("is_signed", "input", input)
    return input.is_signed()


def detach(input: Tensor) -> Tensor:
    """input.detach(): the same values, out of the graph."""
    check_tensor("detach", "input", input)
    return input.detach()


def typename(obj: Any) -> str:
    """PyTorch's name of obj's type: ``'torch.FloatTensor'`` for a float32 Tensor, else the
    qualified name of obj (a class or function) or of its class."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        name = obj.__qualname__
    elif hasattr(obj, "__name__"):
        name = obj.__name__
    else:
        module, name = type(obj).__module__ or "", type(obj).__qualname__
    return name if module in ("", "builtins") else f"{module}.{name}"


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
          device: Any = None, memory_format: Any = contiguous_format) -> Tensor:  # fmt: skip
    """A tensor of shape ``size`` laid out in ``memory_format``. PyTorch leaves its values
    unspecified; here they are 0."""
    shape = factories._shape(sizes, size, "empty")
    arr = np.zeros(shape, dtypes.or_default(dtype))
    check_memory_format("empty", memory_format)
    if memory_format is preserve_format:
        raise RuntimeError("empty: unsupported memory format Preserve")
    order = memory_order(memory_format, arr.ndim) if memory_format is not None else None
    arr = arr if order is None else in_memory_order(arr, order)
    return factories._wrap(arr, requires_grad, device, "empty")


def empty_like(input: Tensor, *, dtype: Any = None, requires_grad: bool = False,
               device: Any = None, memory_format: Any = preserve_format) -> Tensor:  # fmt: skip
    """A tensor of input's shape and dtype (or ``dtype``); here zeros."""
    check_tensor("empty_like", "input", input)
    return factories.zeros_like(input, dtype, requires_grad, device, memory_format=memory_format)


def empty_strided(size: Any, stride: Any, *, dtype: Any = None, layout: Any = None,
                  device: Any = None, requires_grad: bool = False,
                  pin_memory: bool = False) -> Tensor:  # fmt: skip
    """A tensor of shape ``size`` whose element i is at memory position Σ_k i_k stride_k of
    new memory just large enough (zeros here; PyTorch leaves them unspecified)."""
    size, stride = tuple(size), tuple(stride)
    if len(size) != len(stride):
        raise RuntimeError(f"empty_strided: dimensionality of sizes ({len(size)}) must match "
                           f"dimensionality of strides ({len(stride)})")  # fmt: skip
    if any(n < 0 for n in size) or any(s < 0 for s in stride):
        raise RuntimeError(f"empty_strided: sizes and strides must be non-negative, got sizes "
                           f"{list(size)} and strides {list(stride)}")  # fmt: skip
    memory = np.zeros(1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0,
                      dtypes.or_default(dtype))  # fmt: skip
    out = np.lib.stride_tricks.as_strided(memory, size, [s * memory.itemsize for s in stride])
    return factories._wrap(out, requires_grad, device, "empty_strided")


def empty_permuted(size: Any, physical_layout: Any, *, dtype: Any = None, layout: Any = None,
                   device: Any = None, requires_grad: bool = False,
                   pin_memory: bool = False) -> Tensor:  # fmt: skip
    """A tensor of shape ``size`` whose dims lie in memory in the order ``physical_layout``
    (outermost first): the C-contiguous array of shape size[physical_layout], permuted back.
    Zeros here; PyTorch leaves them unspecified."""
    size, order = tuple(size), tuple(physical_layout)
    if len(size) != len(order):
        raise RuntimeError(f"empty_permuted: len(size) = {len(size)} is not equal to "
                           f"len(physical_layout) = {len(order)}")  # fmt: skip
    if sorted(order) != list(builtins.range(len(size))):
        raise RuntimeError(f"empty_permuted: physical_layout {list(order)} is not a permutation "
                           f"of the dims (Duplicate dim not allowed)")  # fmt: skip
    memory = np.zeros([size[d] for d in order], dtypes.or_default(dtype))
    return factories._wrap(memory.transpose(np.argsort(order)), requires_grad, device,
                           "empty_permuted")  # fmt: skip


def frombuffer(buffer: Any, *, dtype: Any, count: int = -1, offset: int = 0,
               requires_grad: bool = False) -> Tensor:  # fmt: skip
    """A 1-D tensor sharing the memory of an object with the buffer protocol (bytearray,
    array.array, mmap, ...): ``count`` elements of ``dtype`` (-1: all) from byte ``offset``."""
    dt = dtypes.as_dtype(dtype, "frombuffer")
    total = memoryview(buffer).nbytes
    if total == 0 and count == -1 or count == 0:
        raise ValueError(f"frombuffer: both buffer length ({total}) and count ({count}) must "
                         f"not be 0")  # fmt: skip
    if not 0 <= offset < total:
        raise ValueError(f"frombuffer: offset ({offset} bytes) must be non-negative and no "
                         f"greater than buffer length ({total} bytes) minus 1")  # fmt: skip
    if count < 0 and (total - offset) % dt.itemsize:
        raise ValueError(f"frombuffer: buffer length ({total - offset} bytes) after offset "
                         f"({offset} bytes) must be a multiple of element size "
                         f"({dt.itemsize})")  # fmt: skip
    if count > 0 and count * dt.itemsize > total - offset:
        raise ValueError(f"frombuffer: requested buffer length ({count} * {dt.itemsize} bytes) "
                         f"after offset ({offset} bytes) must not be greater than actual buffer "
                         f"length ({total} bytes)")  # fmt: skip
    out = np.frombuffer(buffer, dt, count, offset)
    if not out.flags.writeable:
        warnings.warn("frombuffer: The given buffer is not writable; the tensor is read-only "
                      "(PyTorch makes it writable all the same)", UserWarning,
                      stacklevel=2)  # fmt: skip
    return factories._wrap(out, requires_grad, None, "frombuffer")


def is_storage(obj: Any) -> bool:
    """Whether obj is a storage object: minigrad has none, so False."""
    return False


def is_distributed(input: Tensor) -> bool:
    """Whether input is spread over processes: never, in minigrad."""
    check_tensor("is_distributed", "input", input)
    return False


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
    einsum decomposes into). Also PyTorch's sublist form, ``einsum(a, [0, 1], b, [1, 2],
    [0, 2])`` for "AB,BC->AC": dims numbered 0-51 (A-Z, a-z), ``...`` as Ellipsis.
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)) and isinstance(equation, str):
        operands = tuple(operands[0])
    if not operands:
        raise ValueError("einsum(): must specify the equation string and at least one operand, "
                         "or at least one operand and its subscripts list")  # fmt: skip
    if isinstance(equation, Tensor):
        equation, operands = _from_sublists((equation, *operands))
    for i, t in enumerate(operands):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"einsum(): expected Tensor as element {i} in argument 1, "
                f"but got {type(t).__name__}"
            )
    shapes = [t.data.shape for t in operands]
    terms, out, sizes = _einsum_parse(equation, shapes)
    dt = _einsum_dtype(terms, out, shapes, [t.data.dtype for t in operands])
    # every operand broadcast to the full size of each of its letters
    arrays = [
        np.broadcast_to(t.data.astype(dt, copy=False), [sizes[c] for c in s])
        for t, s in zip(operands, terms)
    ]
    spec = ",".join(terms) + "->" + out
    result = np.einsum(spec, *arrays, optimize=len(arrays) > 2)
    # np.einsum may return a view of the operand ("ij->ji"); the result owns its memory
    result = np.array(result, copy=True)
    vjps = tuple(_einsum_vjp(i, terms, out, arrays, sizes) for i in range(len(terms)))
    return record(result, "Einsum", operands, vjps, saved=operands)


def _from_sublists(args: tuple) -> tuple:
    """(equation, operands) of einsum's sublist form: operand, dims, operand, dims, ...,
    and the output's dims last if given."""

    def letters(dims: Any) -> str:
        out = ""
        for n in dims:
            if n is Ellipsis:
                out += "..."
            elif isinstance(n, int) and 0 <= n < len(_LETTERS):
                out += _LETTERS[n]
            else:
                raise ValueError("einsum(): subscript in subscript list is not within the "
                                 "valid range [0, 52)")  # fmt: skip
        return out

    equation = ",".join(letters(dims) for dims in args[1::2])
    if len(args) % 2:
        return equation + "->" + letters(args[-1]), args[:-1:2]
    return equation, args[::2]


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


def _einsum_dtype(terms: list, out: str, shapes: list, dts: list) -> np.dtype:
    """The result's dtype as PyTorch's einsum finds it: it contracts the operands left to
    right; a dim summed within one operand goes through sum (integers and bools become
    int64), a pair summed over a dim both have goes through bmm (which takes one dtype, no
    bools: RuntimeError, NotImplementedError), a pair without one is a promoting product.
    Size-1 dims are squeezed, not summed, except when there is one operand."""
    last = {c: i for i, t in enumerate(terms) for c in t}
    last.update((c, len(terms)) for c in out)
    big = [{c for c, n in zip(t, shape) if n > 1} for t, shape in zip(terms, shapes)]

    def summed(dt: np.dtype, letters: Any) -> np.dtype:
        return dtypes.int64 if dt.kind in "biu" and letters else dt

    if len(terms) == 1:
        return summed(dts[0], [c for c in terms[0] if last[c] == 0])
    dt = summed(dts[0], [c for c in big[0] if last[c] == 0])
    have = {c for c in big[0] if last[c] != 0}
    for i in range(1, len(terms)):
        b = dts[i]
        done = {c for c in set(terms[i]) | have if last[c] == i}
        both = {c for c in done if c in have and c in big[i]}
        dt = summed(dt, [c for c in done - both if c in have])
        b = summed(b, [c for c in done - both if c in big[i]])
        if both and dt.kind == "b":
            raise NotImplementedError("einsum(): \"bmm\" not implemented for 'Bool'")
        if both and dt != b:
            raise RuntimeError(f"einsum(): expected scalar type {dt} but found {b} (PyTorch "
                               "contracts operands of one dtype only)")  # fmt: skip
        dt = dtypes.promote([dt, b])
        have = (have | big[i]) - done
    return dt


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


# ---- stacking, grids and broadcasting ----------------------------------------------------


def _tensor_args(name: str, tensors: tuple, one_list: bool = True) -> tuple:
    """``f(a, b)`` or (if ``one_list``) ``f([a, b])``: the Tensors, as one tuple."""
    if one_list and len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"{name}(): expected Tensor as element {i} in argument 0, "
                f"but got {type(t).__name__}"
            )
    return tensors


def _at_least(name: str, tensors: tuple, n: int) -> Any:
    """Each tensor with at least ``n`` dims: 0-d as (1,)*n, 1-d (k,) as (1, k) and, for
    n = 3, (1, k, 1); 2-d (m, k) as (m, k, 1). One tensor in, one out; else a tuple."""
    single = len(tensors) == 1 and isinstance(tensors[0], Tensor)
    out = tuple(_lift(t, n) for t in _tensor_args(name, tensors))
    return out[0] if single else out


def _lift(t: Tensor, n: int) -> Tensor:
    if t.ndim >= n:
        return t
    if t.ndim == 0:
        return t.reshape((1,) * n)
    if t.ndim == 1:
        t = t.unsqueeze(0)
    return t.unsqueeze(-1) if n == 3 else t


def atleast_1d(*tensors: Any) -> Any:
    """Each input with at least one dim (a 0-d tensor becomes shape (1,))."""
    return _at_least("atleast_1d", tensors, 1)


def atleast_2d(*tensors: Any) -> Any:
    """Each input with at least two dims: () -> (1, 1), (k,) -> (1, k)."""
    return _at_least("atleast_2d", tensors, 2)


def atleast_3d(*tensors: Any) -> Any:
    """Each input with at least three dims: () -> (1, 1, 1), (k,) -> (1, k, 1),
    (m, k) -> (m, k, 1)."""
    return _at_least("atleast_3d", tensors, 3)


def _stack_args(name: str, tensors: Any) -> list:
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, "
                        f"not {type(tensors).__name__}")  # fmt: skip
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return list(_tensor_args(name, tuple(tensors)))


def hstack(tensors: Any) -> Tensor:
    """Join column-wise: cat of atleast_1d along dim 0 for 1-d inputs, else dim 1."""
    ts = atleast_1d(_stack_args("hstack", tensors))
    return ops.cat(ts, 0 if ts[0].ndim == 1 else 1)


def vstack(tensors: Any) -> Tensor:
    """Join row-wise: cat of atleast_2d along dim 0."""
    return ops.cat(atleast_2d(_stack_args("vstack", tensors)), 0)


def dstack(tensors: Any) -> Tensor:
    """Join depth-wise: cat of atleast_3d along dim 2."""
    return ops.cat(atleast_3d(_stack_args("dstack", tensors)), 2)


def column_stack(tensors: Any) -> Tensor:
    """Join as columns: 0-d and 1-d inputs become (n, 1) columns, then cat along dim 1."""
    ts = _stack_args("column_stack", tensors)
    return ops.cat([t.reshape(t.numel(), 1) if t.ndim <= 1 else t for t in ts], 1)


def meshgrid(*tensors: Any, indexing: str | None = None) -> tuple:
    """Coordinate grids of the 1-d (or 0-d) inputs x_1..x_n: output k has shape
    (len x_1, ..., len x_n) and holds x_k along its dim k (with indexing='xy' the first
    two dims swap: NumPy's Cartesian order). Each output is an expand of its input."""
    tensors = _tensor_args("meshgrid", tensors)
    if indexing is None:
        warnings.warn(
            "torch.meshgrid: in an upcoming release, it will be required to pass the indexing "
            "argument.",
            UserWarning,
            stacklevel=2,
        )
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(
            f'meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}'
        )
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for t in tensors:
        if t.ndim > 1:
            raise RuntimeError(f"meshgrid: expected 0D or 1D tensors, but got shape {t.shape}")
        if t.dtype != tensors[0].dtype:
            raise RuntimeError(f"meshgrid expects all tensors to have the same dtype, got "
                               f"{tensors[0].dtype} and {t.dtype}")  # fmt: skip
    axes = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) > 1:
        axes[0], axes[1] = 1, 0
    shape = [0] * len(tensors)
    for t, a in zip(tensors, axes):
        shape[a] = t.numel()
    grids = []
    for t, a in zip(tensors, axes):
        view = [1] * len(tensors)
        view[a] = t.numel()
        grids.append(t.reshape(view).expand(shape))
    return tuple(grids)


def broadcast_shapes(*shapes: Any) -> tuple:
    """The shape that all ``shapes`` (tuples of ints, or ints) broadcast to."""
    sizes = []
    for s in shapes:
        if isinstance(s, int):  # a bool too, as PyTorch
            s = (s,)
        elif not isinstance(s, (tuple, list)):
            raise RuntimeError(f"broadcast_shapes: input shapes should be ints, tuples of ints "
                               f"or lists of ints, got {s!r}")  # fmt: skip
        for n in s:
            if not isinstance(n, int):
                raise TypeError(f"broadcast_shapes: expected a shape of ints, got {s!r}")
            if n < 0:
                raise ValueError(f"broadcast_shapes: negative dimension in shape {tuple(s)}")
        sizes.append(tuple(int(n) for n in s))
    try:
        return np.broadcast_shapes(*sizes)
    except ValueError:
        raise RuntimeError(
            f"broadcast_shapes: shapes {sizes} cannot be broadcast together"
        ) from None


def broadcast_tensors(*tensors: Any) -> tuple:
    """The inputs expanded to their common broadcast shape (an input of that shape is
    returned itself, as PyTorch)."""
    tensors = _tensor_args("broadcast_tensors", tensors, one_list=False)
    try:
        shape = np.broadcast_shapes(*(t.shape for t in tensors))
    except ValueError:
        raise OpError(f"broadcast_tensors: shapes {[t.shape for t in tensors]} cannot be "
                      "broadcast together") from None  # fmt: skip
    return tuple(t if t.shape == shape else t.expand(shape) for t in tensors)


# ---- contractions and distances ---------------------------------------------------------


def tensordot(a: Tensor, b: Tensor, dims: Any = 2) -> Tensor:
    """Σ over the contracted dims: with dims=k, a's last k dims against b's first k; with
    dims=(dims_a, dims_b), those lists pairwise (a dim of size 1 broadcasts against the
    other). The free dims of a, then of b, remain.
    Computed as a permute and reshape of each into a matrix and one mm, so the gradient
    flows through those nodes."""
    check_tensor("tensordot", "a", a)
    check_tensor("tensordot", "b", b)
    if isinstance(dims, Tensor):
        dims = dims.item() if dims.ndim == 0 else dims.tolist()
    if isinstance(dims, int) and not isinstance(dims, bool):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(a.ndim, b.ndim):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        da, db = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    elif isinstance(dims, (list, tuple)) and len(dims) == 2:
        da, db = dims
        for name, d in (("dims_self", da), ("dims_other", db)):
            if not isinstance(d, (list, tuple)):
                raise TypeError(f"tensordot(): argument '{name}' must be tuple of ints, "
                                f"not {type(d).__name__}")  # fmt: skip
        if len(da) != len(db):
            raise RuntimeError(f"tensordot: both dimension lists should have same length, got "
                               f"{list(da)} and {list(db)}")  # fmt: skip
    else:
        raise RuntimeError(
            "tensordot expects dims to be int or tuple[list[int], list[int]] or "
            f"list[list[int]] containing two lists, but got dims={dims}"
        )
    if a.dtype != b.dtype:
        raise RuntimeError(f"tensordot: both inputs should have same dtype, got {a.dtype} and "
                           f"{b.dtype}")  # fmt: skip
    da = [ops._one_axis("tensordot", "dims", d, a.ndim) for d in da]
    db = [ops._one_axis("tensordot", "dims", d, b.ndim) for d in db]
    for i, j in zip(da, db):
        if a.shape[i] == b.shape[j]:
            continue
        if b.shape[j] == 1:  # a dim of size 1 broadcasts: the other side's is summed first
            a = a.sum(i, keepdim=True, dtype=a.dtype)
        elif a.shape[i] == 1:
            b = b.sum(j, keepdim=True, dtype=b.dtype)
        else:
            raise RuntimeError(
                f"tensordot: contracted dimensions need to match, but first has size "
                f"{a.shape[i]} in dim {i} and second has size {b.shape[j]} in dim {j}"
            )
    free_a = [i for i in range(a.ndim) if i not in da]
    free_b = [j for j in range(b.ndim) if j not in db]
    k = int(np.prod([a.shape[i] for i in da]))
    A = (a.permute(*free_a, *da) if a.ndim else a).reshape(
        -1 if k else int(np.prod([a.shape[i] for i in free_a])), k
    )
    B = (b.permute(*db, *free_b) if b.ndim else b).reshape(
        k, -1 if k else int(np.prod([b.shape[j] for j in free_b]))
    )
    return ops.mm(A, B).reshape([a.shape[i] for i in free_a] + [b.shape[j] for j in free_b])


def dist(input: Tensor, other: Tensor, p: Any = 2) -> Tensor:
    """‖input - other‖_p over all elements, the two broadcast: ``norm`` of the difference,
    so the gradient flows through sub and norm (PyTorch: one DistBackward node)."""
    check_tensor("dist", "input", input)
    check_tensor("dist", "other", other)
    return ops.norm(ops.sub(input, other), p)


_COMPUTE_MODES = (
    "use_mm_for_euclid_dist_if_necessary",
    "use_mm_for_euclid_dist",
    "donot_use_mm_for_euclid_dist",
)


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0,
          compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> Tensor:  # fmt: skip
    """The p-norm distance between each row of x1 (..., P, M) and each row of x2
    (..., R, M), batch dims broadcast: out[..., i, j] = ‖x1[..., i, :] - x2[..., j, :]‖_p,
    shape (..., P, R). With d = x1_i - x2_j:
    d x1_i = Σ_j g_ij ∂out_ij/∂d,   d x2_j = -Σ_i g_ij ∂out_ij/∂d,   ∂out/∂d =
    sign(d) |d|^(p-1) / out^(p-1) (p = 1: sign(d); p = inf: sign(d) where |d| = out;
    p = 0: 0), and 0 where out = 0 or d = 0, as PyTorch."""
    check_tensor("cdist", "x1", x1)
    check_tensor("cdist", "x2", x2)
    if compute_mode not in _COMPUTE_MODES:  # each computes the same distances here
        raise ValueError(f"cdist: {compute_mode} is not a valid value for compute_mode")
    X1, X2 = x1.data, x2.data
    for name, X in (("X1", X1), ("X2", X2)):
        if X.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {X.ndim}D")
        if X.dtype.kind != "f":
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: {X.dtype}")
    if X1.dtype == np.float16:  # PyTorch has no float16 kernel (x1's dtype is the kernel's)
        raise NotImplementedError("\"cdist\" not implemented for 'Half'")
    if X1.dtype != X2.dtype:
        raise RuntimeError(f"cdist: expected both inputs to have the same dtype, got {X1.dtype} "
                           f"and {X2.dtype}")  # fmt: skip
    if X1.shape[-1] != X2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: "
                           f"{X1.shape[-1]} X2: {X2.shape[-1]}")  # fmt: skip
    if p < 0:
        raise RuntimeError(f"cdist only supports non-negative p values, got {p}")
    try:
        batch = np.broadcast_shapes(X1.shape[:-2], X2.shape[:-2])
    except ValueError:
        raise OpError(f"cdist: batch dims of {X1.shape} and {X2.shape} do not broadcast") from None
    X1, X2 = np.broadcast_to(X1, batch + X1.shape[-2:]), np.broadcast_to(X2, batch + X2.shape[-2:])
    P, R, M = X1.shape[-2], X2.shape[-2], X1.shape[-1]
    # the differences d are (..., P, R, M): made a block of rows at a time, never all at once
    step = max(1, _DIFF_BLOCK // max(1, R * M * int(np.prod(batch))))
    blocks = [slice(i, i + step) for i in range(0, P, step)]
    out = np.zeros(batch + (P, R), X1.dtype)
    for rows in blocks:
        out[..., rows, :] = _p_norm(_diff(X1, X2, rows), p)

    def vjp(g: np.ndarray, first: bool) -> np.ndarray:
        dx = np.zeros((X1 if first else X2).shape, g.dtype)
        for rows in blocks:
            dd = _p_norm_step(_diff(X1, X2, rows), out[..., rows, :], g[..., rows, :], p)
            if first:
                dx[..., rows, :] = dd.sum(axis=-2)
            else:
                dx -= dd.sum(axis=-3)
        return dx

    vjps = (lambda g: vjp(g, True), lambda g: vjp(g, False))
    return record(out, "Cdist", (x1, x2), vjps, saved=(x1, x2), saves_out=True)


_DIFF_BLOCK = 1 << 22  # how many elements of cdist's differences are held at once


def _diff(X1: np.ndarray, X2: np.ndarray, rows: slice) -> np.ndarray:
    """d = x1_i - x2_j for the rows i of X1 in ``rows``: shape (..., rows, R, M)."""
    return X1[..., rows, None, :] - X2[..., None, :, :]


@np.errstate(divide="ignore", invalid="ignore", over="ignore")
def _p_norm(D: np.ndarray, p: float) -> np.ndarray:
    """‖d‖_p over the last dim (p = 0 counts the nonzero components, as PyTorch's
    Σ min(ceil|d|, 1), so a NaN component gives NaN; p = inf is the max)."""
    A = np.abs(D)
    if p == 0:
        return np.sum(np.minimum(np.ceil(A), 1), axis=-1)
    if p == np.inf:
        return np.max(A, axis=-1, initial=0)
    if p == 1:
        return np.sum(A, axis=-1)
    if p == 2:
        return np.sqrt(np.sum(D * D, axis=-1))
    return np.sum(A**p, axis=-1) ** (1 / p)


@np.errstate(divide="ignore", invalid="ignore", over="ignore")
def _p_norm_step(D: np.ndarray, out: np.ndarray, g: np.ndarray, p: float) -> np.ndarray:
    """g times ∂‖d‖_p/∂d, shape of D; 0 where the norm or the component is 0."""
    if p == 0:
        return np.zeros(D.shape, g.dtype)
    A, o = np.abs(D), out[..., None]
    if p == np.inf:
        step = np.sign(D) * (A == o)
    elif p == 1:
        step = np.sign(D)
    else:
        step = np.sign(D) * A ** (p - 1) / o ** (p - 1)
    return np.where((o == 0) | (D == 0), 0, g[..., None] * step)


# ---- diagonal matrices and triangle indices -------------------------------------------------


def block_diag(*tensors: Any) -> Tensor:
    """The inputs (each 0-d, 1-d as one row, or 2-d) as blocks along the diagonal of a
    zero matrix, in their promoted dtype.   Each input's gradient is its block of g."""
    tensors = _tensor_args("block_diag", tensors, one_list=False)
    for i, t in enumerate(tensors):
        if t.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. "
                               f"Input {i} has {t.ndim} dimensions")  # fmt: skip
    if not tensors:
        return factories.zeros(1, 0)
    blocks = [t.data.reshape(1, -1) if t.ndim < 2 else t.data for t in tensors]
    dt = dtypes.promote([b.dtype for b in blocks])
    rows, cols = (
        np.cumsum([0] + [b.shape[0] for b in blocks]),
        np.cumsum([0] + [b.shape[1] for b in blocks]),
    )
    out = np.zeros((rows[-1], cols[-1]), dt)
    for b, r, c in zip(blocks, rows, cols):
        out[r : r + b.shape[0], c : c + b.shape[1]] = b
    vjps = tuple(
        _block_vjp(slice(r, r + b.shape[0]), slice(c, c + b.shape[1]), t.shape)
        for t, b, r, c in zip(tensors, blocks, rows, cols)
    )
    return record(out, "BlockDiag", tensors, vjps)


def _block_vjp(rows: slice, cols: slice, shape: tuple) -> Any:
    return lambda g: g[rows, cols].reshape(shape)


def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """input's last dim (length n) put on the ``offset``-th diagonal of new dims dim1, dim2
    (of size n + |offset|; zeros elsewhere).   dx = that diagonal of g."""
    check_tensor("diag_embed", "input", input)
    X = input.data
    d1 = ops._one_axis("diag_embed", "dim1", dim1, X.ndim + 1)
    d2 = ops._one_axis("diag_embed", "dim2", dim2, X.ndim + 1)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    offset = operator.index(offset)
    n = X.shape[-1] + abs(offset)
    rest = list(X.shape[:-1])
    shape = rest[:]
    for d in sorted((d1, d2)):
        shape.insert(d, n)
    out = np.zeros(shape, X.dtype)
    _diag(out, offset, d1, d2)[...] = X
    return record(out, "DiagEmbed", (input,), (lambda g: _diag(g, offset, d1, d2).copy(),))


def _diag(A: np.ndarray, offset: int, d1: int, d2: int) -> np.ndarray:
    """The ``offset``-th diagonal of dims d1, d2 of A, as its last dim (writable if A is)."""
    view = np.diagonal(A, offset, d1, d2)
    if A.flags.writeable:
        view.flags.writeable = True
    return view


def diagflat(input: Tensor, offset: int = 0) -> Tensor:
    """The flattened input on the ``offset``-th diagonal of a square matrix."""
    check_tensor("diagflat", "input", input)
    return diag_embed(input.reshape(-1), offset)


def _triangle_indices(name: str, keep: Any, row: int, col: int, offset: int, dtype: Any) -> Tensor:
    row, col = factories._int(row, "row", name), factories._int(col, "col", name)
    offset = factories._int(offset, "offset", name)
    for arg, v in (("row", row), ("col", col)):
        if v < 0:
            raise RuntimeError(f"{arg} must be non-negative, got {v}")
    dt = dtypes.int64 if dtype is None else dtypes.as_dtype(dtype)
    if dt.kind not in "iu":
        raise NotImplementedError(f"\"{name}\" not implemented for '{dt}'")
    rows, cols = np.nonzero(keep(np.ones((row, col), bool), offset))
    return factories._wrap(np.stack([rows, cols]).astype(dt), False, None, name)


def tril_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None,
                 device: Any = None) -> Tensor:  # fmt: skip
    """The (row, column) indices of the lower triangle of a row x col matrix (on and below
    the ``offset``-th diagonal), row by row, as a (2, N) tensor."""
    check_device(device)
    return _triangle_indices("tril_indices", np.tril, row, col, offset, dtype)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None,
                 device: Any = None) -> Tensor:  # fmt: skip
    """The (row, column) indices of the upper triangle (on and above the ``offset``-th
    diagonal) of a row x col matrix, row by row, as a (2, N) tensor."""
    check_device(device)
    return _triangle_indices("triu_indices", np.triu, row, col, offset, dtype)


# ---- NaN-aware and paired reductions -------------------------------------------------------


def nansum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """Σ over ``dim`` (all by default) of the elements that are not NaN; integers sum in
    int64.   dx = g broadcast back, 0 where x is NaN."""
    check_tensor("nansum", "input", input)
    X = input.data
    ops._refuse("nansum", X, "c")
    if dtype is not None:
        dt = ops._reduce_dtype("nansum", input, dtypes.as_dtype(dtype, "nansum"))
        if X.dtype.kind in "fc" and dt.kind not in "fc":  # skip the NaNs before they become ints
            X = np.where(np.isnan(X), 0, X)
        X = X.astype(dt)
    axes = ops._axes("nansum", dim, X.ndim)
    own = None if dtype is None else X.dtype  # NumPy sums small integers in int64
    if X.dtype == dtypes.float16:  # accumulated in float32, as PyTorch
        own = dtypes.float32
    out = ops._contiguous(np.asarray(np.nansum(X, axis=axes, keepdims=keepdim, dtype=own)))
    out = out.astype(dtypes.float16) if X.dtype == dtypes.float16 else out
    if dtype is None and X.dtype.kind in "biu":
        out = out.astype(dtypes.int64)
    if X.dtype.kind not in "fc":
        return Tensor._new(out)
    keep = ~np.isnan(X)
    return record(
        out.astype(X.dtype, copy=False),
        "Nansum",
        (input,),
        (lambda g: ops._expand_back(g, axes, keepdim, X.shape) * keep,),
    )


def nanmean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """The mean over ``dim`` of the elements that are not NaN (NaN if there are none):
    nansum / count, so the gradient flows through those two ops."""
    check_tensor("nanmean", "input", input)
    if input.dtype.kind not in "fc":
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype "
                           f"but got {input.dtype}")  # fmt: skip
    x = input if dtype is None else ops.to(input, dtypes.as_dtype(dtype, "nanmean"))
    if x.dtype.kind not in "fc":
        raise RuntimeError(f"nanmean(): could not infer output dtype. Optional dtype must be "
                           f"either a floating point or complex dtype. Got: {x.dtype}")  # fmt: skip
    count = functions.logical_not(functions.isnan(x)).sum(dim, keepdim)
    return nansum(x, dim, keepdim) / count


def var_mean(input: Tensor, dim: Any = ops.NOT_GIVEN, unbiased: Any = ops.NOT_GIVEN,
             keepdim: Any = ops.NOT_GIVEN, *, correction: Any = None) -> tuple:  # fmt: skip
    """(var(input, ...), mean(input, ...)) over the same dims (the arguments as ``var``'s)."""
    check_tensor("var_mean", "input", input)
    return _spread_mean("var", input, dim, unbiased, keepdim, correction)


def std_mean(input: Tensor, dim: Any = ops.NOT_GIVEN, unbiased: Any = ops.NOT_GIVEN,
             keepdim: Any = ops.NOT_GIVEN, *, correction: Any = None) -> tuple:  # fmt: skip
    """(std(input, ...), mean(input, ...)) over the same dims (the arguments as ``std``'s)."""
    check_tensor("std_mean", "input", input)
    return _spread_mean("std", input, dim, unbiased, keepdim, correction)


def _spread_mean(name: str, x: Tensor, dim: Any, unbiased: Any, keepdim: Any, c: Any) -> tuple:
    if x.dtype.kind not in "fc":
        raise RuntimeError(f"{name}_mean only support floating point and complex dtypes, "
                           f"got {x.dtype}")  # fmt: skip
    dim, keepdim = ops._spread_overload(f"{name}_mean", dim, unbiased, keepdim)
    spread = getattr(ops, name)(x, dim, unbiased, keepdim, correction=c)
    if isinstance(dim, bool):  # the overload var_mean(input, unbiased)
        dim = None
    return spread, ops.mean(x, dim, keepdim)


def logspace(start: Any, end: Any, steps: int, base: float = 10.0, *, dtype: Any = None,
             requires_grad: bool = False, device: Any = None) -> Tensor:  # fmt: skip
    """``steps`` values base ** e, e evenly spaced from start to end, as PyTorch's kernel:
    step = (end - start) / (steps - 1), e = start + i step for the first half and
    end - (steps - 1 - i) step for the second, in float64 (for an integer dtype, start
    and end are first truncated to integers, unless steps is 1)."""
    dt = dtypes.or_default(dtype)
    if dt.kind == "b":
        raise factories._no_kernel("logspace_cpu", dt)
    steps = factories._int(steps, "steps", "logspace")
    if steps < 0:
        raise RuntimeError(f"logspace: number of steps must be non-negative, got {steps}")
    start, end = factories._ends("logspace", start, end)
    used = (start, end) if steps > 1 else (start,) * steps
    dtypes.check_fits(used, dt)
    if dt.kind == "u" and any(v < 0 and isinstance(v, float) for v in used):  # ints wrap
        raise RuntimeError(f"logspace: value cannot be converted to type {dt} without overflow")
    if dt.kind in "iu" and steps > 1:
        start, end = int(start), int(end)
    i = np.arange(steps)
    step = (end - start) / (steps - 1) if steps > 1 else 0.0
    exponents = np.where(i < max(steps // 2, 1), start + step * i, end - step * (steps - 1 - i))
    with np.errstate(over="ignore"):
        values = np.power(float(base), exponents.astype(np.float64))
    return factories._wrap(values.astype(dt), requires_grad, device, "logspace")


# ---- sampling ----------------------------------------------------------------------------------


def normal(mean: Any, std: Any = 1.0, size: Any = None, *, generator: Any = None,
           dtype: Any = None, requires_grad: bool = False,
           device: Any = None) -> Tensor:  # fmt: skip
    """Samples of N(mean, std²), mean and std Tensors (broadcast) or numbers: with two
    numbers, ``size`` gives the shape. The samples' gradient is 0, as PyTorch's."""
    gen = _random.generator(generator, "normal")
    tensors = [t for t in (mean, std) if isinstance(t, Tensor)]
    numbers = [x for x in (mean, std) if not isinstance(x, Tensor)]
    if not builtins.all(isinstance(x, (int, float)) for x in numbers):
        raise TypeError(f"normal(): mean and std must be Tensors or numbers, got "
                        f"{type(mean).__name__} and {type(std).__name__}")  # fmt: skip
    if tensors and (size is not None or dtype is not None or requires_grad):
        raise TypeError("normal(): size, dtype and requires_grad go only with a number mean "
                        "and std (the sample's shape and dtype are the tensors')")  # fmt: skip
    if not tensors:
        if not isinstance(size, (tuple, list)):
            raise TypeError("normal(): with a number mean and std, the argument 'size' (a "
                            "tuple of ints) is needed")  # fmt: skip
        if not std >= 0:  # NaN too
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        dt = factories.random_dtype(dtype, "normal_kernel_cpu")
        shape = factories._shape((size,), op="normal")
        arr = _rk.normal(gen, math.prod(shape), dt, mean, std).reshape(shape)
        return factories._wrap(arr, requires_grad, device, "normal")
    dt = tensors[0].dtype
    if dt.kind != "f":
        raise NotImplementedError(f"\"normal_kernel_cpu\" not implemented for '{dt}'")
    M, S = (t.data if isinstance(t, Tensor) else t for t in (mean, std))
    if not np.all(np.asarray(S) >= 0):  # NaN too
        raise RuntimeError("normal expects all elements of std >= 0.0")
    try:
        shape = np.broadcast_shapes(np.shape(M), np.shape(S))
    except ValueError:
        raise OpError(f"normal: the shapes of mean {np.shape(M)} and std {np.shape(S)} do not "
                      "broadcast") from None  # fmt: skip
    # as PyTorch: N(0, std) plus mean for a number std, else N(0, 1) times std plus mean
    if isinstance(std, Tensor):
        out = _rk.normal(gen, math.prod(shape), dt).reshape(shape) * S + M
    else:
        out = _rk.normal(gen, math.prod(shape), dt, 0.0, std).reshape(shape) + M
    out = np.asarray(out).astype(dt)
    return record(out, "Normal", (mean, std), (np.zeros_like, np.zeros_like))


def bernoulli(input: Tensor, p: Any = None, *, generator: Any = None) -> Tensor:
    """0/1 samples, 1 with probability input (or ``p`` for every element), in input's
    dtype. The samples' gradient is 0 (with ``p``, PyTorch has none: backward raises)."""
    check_tensor("bernoulli", "input", input)
    X = input.data
    if X.dtype.kind != "f":
        raise NotImplementedError(f"\"bernoulli_tensor_cpu_p_\" not implemented for '{X.dtype}'")
    if p is not None and not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    if p is None and not np.all((X >= 0) & (X <= 1)):
        raise RuntimeError("bernoulli: expected all probabilities in input to be in [0, 1]")
    gen = _random.generator(generator, "bernoulli")
    out = _rk.bernoulli(gen, X.size, X.reshape(-1) if p is None else p)
    out = out.reshape(X.shape).astype(X.dtype)
    vjp = np.zeros_like if p is None else ops._no_vjp("bernoulli with a probability p")
    return record(out, "Bernoulli", (input,), (vjp,))


def poisson(input: Tensor, generator: Any = None) -> Tensor:
    """A Poisson(rate) count per element, the rates ``input``, in input's (floating) dtype.
    The samples' gradient is 0, as PyTorch's."""
    check_tensor("poisson", "input", input)
    X = input.data
    if X.dtype.kind != "f":
        raise NotImplementedError(
            f"\"poisson_cpu\" not implemented for '{dtypes.torch_name(X.dtype)}'"
        )
    if not np.all(X >= 0):
        raise RuntimeError("poisson: invalid Poisson rate, expected rate to be non-negative")
    out = _rk.poisson(_random.generator(generator, "poisson"), X).reshape(X.shape).astype(X.dtype)
    return record(out, "Poisson", (input,), (np.zeros_like,))


def binomial(count: Tensor, prob: Tensor, generator: Any = None) -> Tensor:
    """A Binomial(count, prob) draw per element (the two broadcast): the number of successes
    in count trials (rounded down; negative: none) with success probability prob (clipped to
    [0, 1]; NaN gives NaN), in count's floating dtype. Backward raises, as PyTorch's."""
    check_tensor("binomial", "count", count)
    check_tensor("binomial", "prob", prob)
    N, P = count.data, prob.data
    if N.dtype.kind != "f":
        raise ValueError(f"binomial only supports floating-point dtypes for count, got: "
                         f"{dtypes.torch_name(N.dtype)}")  # fmt: skip
    if N.dtype == np.float16:
        raise NotImplementedError("\"binomial_cpu\" not implemented for 'Half'")
    if P.dtype != N.dtype:
        raise RuntimeError(f"binomial: Found dtype {dtypes.torch_name(P.dtype)} for prob but "
                           f"expected {dtypes.torch_name(N.dtype)}, count's")  # fmt: skip
    N, P = np.broadcast_arrays(N, P)
    gen = _random.generator(generator, "binomial")
    finite = np.where(np.isfinite(N), N, 0)  # no draws for these: they are set below
    draws = _rk.binomial(gen, finite, P, N.dtype.type).reshape(N.shape)
    # infinitely many trials: infinitely many successes, none, or NaN in between
    endless = np.where(P >= 1, np.inf, np.where(P <= 0, 0.0, np.nan))
    out = np.where(N == np.inf, endless, draws)
    out = np.where(np.isnan(P) | np.isnan(N), np.nan, out).astype(N.dtype)
    no = no_derivative("binomial")
    return record(out, "Binomial", (count, prob), (no, no))


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *,
                generator: Any = None) -> Tensor:  # fmt: skip
    """``num_samples`` category indices per row of the weights ``input`` (1-d or 2-d),
    drawn with probability weight / Σ weight, with or without replacement (int64).

    Without replacement, each row keeps the categories with the largest w / E, E ~ Exp(1)
    (the exponential race, as PyTorch): so a zero weight is drawn only once all others are.
    """
    check_tensor("multinomial", "input", input)
    W = input.data
    if W.dtype.kind != "f":
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{W.dtype}")  # fmt: skip
    if W.ndim not in (1, 2):
        raise RuntimeError(f"multinomial: prob_dist must be 1 or 2 dim, got {W.ndim}")
    n = factories._int(num_samples, "num_samples", "multinomial")
    if n <= 0:
        raise RuntimeError(f"multinomial: cannot sample n_sample <= 0 samples (got {n})")
    if not replacement and n > W.shape[-1]:
        raise RuntimeError(f"multinomial: cannot sample n_sample > prob_dist.size(-1) samples "
                           f"without replacement ({n} > {W.shape[-1]})")  # fmt: skip
    rows = W.reshape(-1, W.shape[-1])
    if not np.all(np.isfinite(rows) & (rows >= 0)):
        raise RuntimeError("multinomial: probability tensor contains either `inf`, `nan` or "
                           "element < 0")  # fmt: skip
    if np.any(rows.sum(-1) <= 0):
        raise RuntimeError("multinomial: invalid multinomial distribution (sum of probabilities "
                           "<= 0)")  # fmt: skip
    gen = _random.generator(generator, "multinomial")
    out = _rk.multinomial(gen, np.ascontiguousarray(rows), n, replacement)
    out = out.astype(dtypes.int64).reshape(W.shape[:-1] + (n,))
    return Tensor._new(np.ascontiguousarray(out))


# ---- searching and counting --------------------------------------------------------------


def searchsorted(sorted_sequence: Tensor, input: Any, *, out_int32: bool = False,
                 right: bool = False, side: str | None = None,
                 sorter: Any = None) -> Tensor:  # fmt: skip
    """For each value, the index where inserting it keeps the innermost dim of
    ``sorted_sequence`` sorted: the first such place, or (right=True, side='right') the
    last. A 1-d sequence serves every value; else its leading dims match input's."""
    ops._no_barebones("searchsorted_out_cpu", sorted_sequence)
    check_tensor("searchsorted", "sorted_sequence", sorted_sequence)
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but "
                               f"got {side}")  # fmt: skip
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, "
                               "got side of left while right was True")  # fmt: skip
        right = side == "right"
    S = sorted_sequence.data
    if S.ndim == 0:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should have positive "
                           "dimension, but got 0 dimension")  # fmt: skip
    if S.dtype.kind == "b":
        raise NotImplementedError("\"searchsorted_out_cpu\" not implemented for 'Bool'")
    if sorter is not None:
        check_tensor("searchsorted", "sorter", sorter)
        order = sorter.data
        if order.dtype != dtypes.int64:
            raise RuntimeError(f"torch.searchsorted(): sorter must be a tensor of long dtype but "
                               f"got dtype {order.dtype}")  # fmt: skip
        if order.shape != S.shape:
            raise RuntimeError(f"torch.searchsorted(): boundary and sorter must have the same "
                               f"size, but got boundary tensor {S.shape} and got sorter tensor "
                               f"{order.shape}")  # fmt: skip
        if order.size and (order.min() < 0 or order.max() >= S.shape[-1]):
            raise RuntimeError("torch.searchsorted(): sorter index out of range")
        S = np.take_along_axis(S, order, -1)
    scalar = not isinstance(input, Tensor)
    if scalar and not isinstance(input, (int, float)):
        raise TypeError(f"searchsorted(): argument 'input' must be Tensor or Number, not "
                        f"{type(input).__name__}")  # fmt: skip
    V = np.asarray(input) if scalar else input.data
    ops.refuse_complex("searchsorted", S, V)
    if S.ndim > 1 and (scalar or S.shape[:-1] != V.shape[:-1]):
        raise RuntimeError(
            f"torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
            f"dimensions of boundaries tensor and input value tensor must match, but we got "
            f"boundaries tensor {S.shape} and input value tensor {V.shape}"
        )
    how = "right" if right else "left"
    if S.ndim == 1:
        out = np.searchsorted(S, V, side=how)
    else:
        lead = int(np.prod(S.shape[:-1]))
        out = np.empty((lead, V.shape[-1]), np.int64)
        for k, (s, v) in enumerate(zip(S.reshape(lead, S.shape[-1]), V.reshape(lead, V.shape[-1]))):
            out[k] = np.searchsorted(s, v, side=how)
        out = out.reshape(V.shape)
    return Tensor._new(np.asarray(out, np.int32 if out_int32 else np.int64))


def bucketize(input: Any, boundaries: Tensor, *, out_int32: bool = False,
              right: bool = False) -> Tensor:  # fmt: skip
    """The bucket of each element of input among the 1-d sorted ``boundaries``: i with
    boundaries[i-1] < x <= boundaries[i] (right=True: boundaries[i-1] <= x < boundaries[i])."""
    check_tensor("bucketize", "boundaries", boundaries)
    if not isinstance(input, (Tensor, int, float)):
        raise TypeError(f"bucketize(): argument 'input' must be Tensor or Number, not "
                        f"{type(input).__name__}")  # fmt: skip
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


def bincount(input: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    """out[k] = the number of times k occurs in the 1-d non-negative integer input (or the
    sum of the ``weights`` at those places: float32 weights sum in float32, others in float64)."""
    ops._no_barebones("bincount_cpu", input)
    check_tensor("bincount", "input", input)
    X = input.data
    if X.dtype.kind not in "iu":
        raise NotImplementedError(f"\"bincount_cpu\" not implemented for '{X.dtype}'")
    if X.ndim != 1 or (X.size and X.min() < 0):
        raise RuntimeError(f"bincount only supports 1-d non-negative integral inputs, got shape "
                           f"{X.shape}")  # fmt: skip
    minlength = factories._int(minlength, "minlength", "bincount")
    if minlength < 0:
        raise RuntimeError(f"bincount: minlength should be >= 0, got {minlength}")
    if weights is None:
        return Tensor._new(np.bincount(X, minlength=minlength).astype(dtypes.int64))
    check_tensor("bincount", "weights", weights)
    w = weights.data
    if w.shape != X.shape:
        raise RuntimeError(f"bincount: weights should be 1-d and have the same length as input, "
                           f"got {w.shape} and {X.shape}")  # fmt: skip
    dt = dtypes.float32 if w.dtype == dtypes.float32 else dtypes.float64
    out = np.bincount(X, w.astype(np.float64), minlength).astype(dt)
    return record(out, "Bincount", (weights,), (ops._no_vjp("bincount"),))


# ---- elementwise --------------------------------------------------------------------------------


def heaviside(input: Tensor, values: Tensor) -> Tensor:
    """The step function: 0 where input < 0, ``values`` where input == 0, 1 where
    input > 0 (NaN counts as not positive), broadcast. Not differentiable."""
    check_tensor("heaviside", "input", input)
    check_tensor("heaviside", "values", values)
    X, V = input.data, values.data
    if X.dtype != V.dtype:
        raise RuntimeError(f"heaviside is not yet implemented for tensors with different dtypes "
                           f"({X.dtype} and {V.dtype})")  # fmt: skip
    ops._refuse("heaviside", X, "c")
    try:
        out = np.where(X == 0, V, X > 0).astype(X.dtype)
    except ValueError:
        raise OpError(f"heaviside: shapes {X.shape} and {V.shape} cannot be broadcast") from None
    vjp = ops._no_vjp("heaviside")
    return record(ops._contiguous(out), "Heaviside", (input, values), (vjp, vjp))


def copysign(input: Tensor, other: Any) -> Tensor:
    """|input| with the sign of other (a Tensor or a number), broadcast; integers give the
    default float dtype.   dinput = g * out / input (0 where input is 0),   dother = 0."""
    check_tensor("copysign", "input", input)
    A, B, out = ops._binary("copysign", np.copysign, input, other)
    if out.dtype.kind not in "fc" or (
        A.dtype.kind in "biu" and (not isinstance(B, np.ndarray) or B.dtype.kind in "biu")
    ):  # integers give the default float dtype
        out = out.astype(dtypes.get_default_dtype())

    def d_input(g: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(A == 0, 0, g * (out / A))

    # input is kept only for its own gradient (as PyTorch's; the output always)
    return record(out, "Copysign", (input, other), (d_input, np.zeros_like),
                  saved=(input,) if input._requires_grad else (), saves_out=True)  # fmt: skip


# ---- dtype information ---------------------------------------------------------------------------


class finfo:
    """The numerical properties of a floating point dtype, as ``torch.finfo``: ``bits``,
    ``eps``, ``max``, ``min``, ``tiny`` (= ``smallest_normal``), ``resolution`` (Python
    numbers) and ``dtype`` (its name). Without an argument, the default dtype's."""

    def __init__(self, type: Any = None) -> None:
        dt = dtypes.get_default_dtype() if type is None else _info_dtype("finfo", type)
        dt = dtypes.real_dtype(dt)  # a complex dtype's: its parts' (complex64: float32)
        if dt.kind != "f":
            raise TypeError("finfo() requires a floating point input type. Use iinfo to handle "
                            f"'{dt}'")  # fmt: skip
        info = np.finfo(dt)
        self.bits = int(info.bits)
        self.eps, self.max, self.min = float(info.eps), float(info.max), float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        self.resolution = 10.0 ** -int(info.precision)  # a Python float, as PyTorch's
        self.dtype = str(dt)

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, finfo) and self.dtype == other.dtype

    def __hash__(self) -> int:
        return hash(("finfo", self.dtype))

    def __repr__(self) -> str:
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, "
                f"tiny={self.tiny:g}, dtype={self.dtype})")  # fmt: skip


class iinfo:
    """The range of an integer dtype, as ``torch.iinfo``: ``bits``, ``min``, ``max`` (Python
    ints) and ``dtype`` (its name)."""

    def __init__(self, type: Any) -> None:
        dt = _info_dtype("iinfo", type)
        if dt.kind == "b":
            raise TypeError(f"{dt} is not supported by iinfo")
        if dt.kind not in "iu":
            raise TypeError("iinfo() requires an integer input type. Use finfo to handle "
                            f"'{dt}'")  # fmt: skip
        info = np.iinfo(dt)
        self.bits, self.min, self.max = int(info.bits), int(info.min), int(info.max)
        self.dtype = str(dt)

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, iinfo) and self.dtype == other.dtype

    def __hash__(self) -> int:
        return hash(("iinfo", self.dtype))

    def __repr__(self) -> str:
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"


def _info_dtype(name: str, type: Any) -> np.dtype:
    """finfo's and iinfo's argument: a minigrad dtype (a NumPy dtype), not a name."""
    if not isinstance(type, np.dtype):
        raise TypeError(f"{name}(): argument 'type' (position 1) must be a dtype (mg.float32, "
                        f"...), not {builtins.type(type).__name__}")  # fmt: skip
    return type
