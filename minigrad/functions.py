"""The function forms ``mg.exp(t)``, ``mg.add(a, b)``, ...: the ops of ``ops.py`` with
PyTorch's check of the first argument, done here so the methods (``t.exp()``, the
operators) do not pay for it.

``add``, ``sub``, ``mul`` and ``div`` take a number first (``mg.sub(1, t)`` is ``1 - t``,
as in PyTorch); the others need a Tensor and raise PyTorch's TypeError.
``pow``, ``where``, ``maximum``/``minimum``, ``remainder``, ``floor_divide``, ``cat``
and ``stack`` check their arguments themselves. A tensor's ``.data``, which is its
``np.ndarray`` here, is taken as the tensor it holds, so ``mg.max(outputs.data, 1)`` works
as in PyTorch.
"""

from __future__ import annotations

import builtins
import functools
import warnings
from typing import Any

import numpy as np

from . import dtypes, grad_mode, inplace, more_ops, ops, select_ops
from .factories import from_numpy
from .tensor import NOT_GIVEN, Tensor


def _tensor_input(op: Any) -> Any:
    @functools.wraps(op)
    def function(input: Any, *args: Any, out: Any = None, **kwargs: Any) -> Any:
        if not isinstance(input, Tensor):
            if not isinstance(input, np.ndarray):
                raise TypeError(
                    f"{op.__name__}(): argument 'input' (position 1) must be Tensor, "
                    f"not {type(input).__name__}"
                )
            input = from_numpy(input)  # a tensor's .data: the array here (API.md)
        if out is None:
            return op(input, *args, **kwargs)
        if op.__name__ in _NO_OUT:
            raise TypeError(f"{op.__name__}() got an unexpected keyword argument 'out'")
        return _into(op.__name__, op(input, *args, **kwargs), out)

    return function


# PyTorch's function forms without ``out=``: views, splits, and a few others
_NO_OUT = {
    "allclose", "argsort", "argwhere", "broadcast_to", "chunk", "count_nonzero", "diagonal",
    "dsplit", "equal", "flatten", "fliplr", "flipud", "hsplit", "isclose", "isfinite", "isinf",
    "isnan", "movedim", "narrow", "ravel", "relu", "repeat_interleave", "roll", "rot90",
    "split_with_sizes", "squeeze", "t", "tensor_split", "trace", "transpose", "unbind",
    "unflatten", "unique", "unsqueeze", "vsplit",
}  # fmt: skip


# PyTorch's ops whose out= must have the result's dtype (the others cast into it, as the
# elementwise ops and reductions do); also every op with several results (values, indices)
_OUT_SAME_DTYPE = {
    "abs", "addmm", "amax", "amin", "argmax", "argmin", "bmm", "ceil", "clamp", "clamp_max",
    "clamp_min", "clip", "cross", "diag", "dot", "floor", "frac", "gather", "index_add",
    "index_copy", "index_select", "inner", "log_softmax", "masked_select", "matmul", "mm", "mv",
    "nan_to_num", "neg", "nonzero", "round", "scatter", "scatter_add", "sgn", "sign", "softmax",
    "take", "take_along_dim", "tril", "triu", "trunc", "vdot", "where",
}  # fmt: skip


def _out_form(op: Any) -> Any:
    """op's function form with PyTorch's ``out=`` (for ops that check their own arguments)."""

    @functools.wraps(op)
    def function(*args: Any, out: Any = None, **kwargs: Any) -> Any:
        result = op(*args, **kwargs)
        return result if out is None else _into(op.__name__, result, out)

    return function


def _into(name: str, result: Any, out: Any) -> Any:
    """PyTorch's ``out=``: the result written into ``out`` (a Tensor, or a tuple of them for a
    tuple result), resized to the result's shape, and returned. Refused where the result
    would need a gradient (an input or ``out`` requires grad, with grad mode on), as PyTorch."""
    results = result if isinstance(result, tuple) else (result,)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    if len(outs) != len(results) or not builtins.all(isinstance(o, Tensor) for o in outs):
        raise TypeError(
            f"{name}(): argument 'out' must be {'a tuple of' if len(results) > 1 else ''} "
            f"{len(results)} Tensor{'s' if len(results) > 1 else ''}, not {out!r}"
        )
    if grad_mode.is_grad_enabled() and builtins.any(t.requires_grad for t in results + tuple(outs)):
        raise RuntimeError(
            f"{name}(): functions with out=... arguments don't support automatic "
            "differentiation, but one of the arguments requires grad."
        )
    same_dtype = len(results) > 1 or name in _OUT_SAME_DTYPE
    for r, o in zip(results, outs):
        if same_dtype and r.dtype != o.dtype:
            raise RuntimeError(
                f"{name}: expected out tensor to have dtype {dtypes.torch_name(r.dtype)}, "
                f"but got {dtypes.torch_name(o.dtype)} instead"
            )
        if not inplace._can_cast(r.dtype, o.dtype):
            raise RuntimeError(
                f"{name}: result type {dtypes.torch_name(r.dtype)} can't be cast to the "
                f"desired output type {dtypes.torch_name(o.dtype)}"
            )
        if o.shape != r.shape:
            if o.numel():
                warnings.warn(
                    f"{name}: an output with one or more elements was resized since it had "
                    f"shape {list(o.shape)}, which does not match the required output shape "
                    f"{list(r.shape)}",
                    UserWarning,
                    stacklevel=3,
                )
            o.data = np.empty(r.shape, o.dtype)
        with grad_mode.no_grad():
            o.copy_(r)
    if not isinstance(result, tuple):
        return outs[0]
    return type(result)(*outs) if hasattr(result, "_fields") else tuple(outs)


_NUMBERS = (int, float, np.number, np.bool_)
_add, _sub, _mul, _div = (_tensor_input(op) for op in (ops.add, ops.sub, ops.mul, ops.div))


# A number first stays a number, weak in type promotion as in PyTorch: the reflected op
def add(input: Any, other: Any, *, alpha: Any = 1, out: Tensor | None = None) -> Tensor:
    """input + alpha * other."""
    if isinstance(input, _NUMBERS) and isinstance(other, Tensor):
        result = ops.add(other if alpha == 1 else ops.mul(other, alpha), input)
        return result if out is None else _into("add", result, out)
    input = ops.as_tensor(input) if isinstance(input, _NUMBERS) else input
    return _add(input, other, alpha, out=out)


def sub(input: Any, other: Any, *, alpha: Any = 1, out: Tensor | None = None) -> Tensor:
    """input - alpha * other."""
    if isinstance(input, _NUMBERS) and isinstance(other, Tensor):
        result = ops.rsub(other if alpha == 1 else ops.mul(other, alpha), input)
        return result if out is None else _into("sub", result, out)
    input = ops.as_tensor(input) if isinstance(input, _NUMBERS) else input
    return _sub(input, other, alpha, out=out)


def mul(input: Any, other: Any, *, out: Tensor | None = None) -> Tensor:
    """input * other."""
    if isinstance(input, _NUMBERS) and isinstance(other, Tensor):
        return ops.mul(other, input) if out is None else _into("mul", ops.mul(other, input), out)
    return _mul(ops.as_tensor(input) if isinstance(input, _NUMBERS) else input, other, out=out)


def div(
    input: Any, other: Any, *, rounding_mode: str | None = None, out: Tensor | None = None
) -> Tensor:
    """input / other, rounded toward zero ('trunc') or down ('floor') if asked."""
    if isinstance(input, _NUMBERS) and isinstance(other, Tensor) and rounding_mode is None:
        return ops.rdiv(other, input) if out is None else _into("div", ops.rdiv(other, input), out)
    if isinstance(input, _NUMBERS):
        input = ops.as_tensor(input)
    return _div(input, other, rounding_mode=rounding_mode, out=out)


def reshape(input: Any, shape: Any) -> Tensor:
    """input with a new ``shape`` (-1 inferred), given as one tuple or list, as in PyTorch."""
    return _reshape(input, _int_sequence("reshape", "shape", shape))


def permute(input: Any, dims: Any) -> Tensor:
    """input with its dims in the order ``dims``, given as one tuple or list, as in PyTorch."""
    return _permute(input, _int_sequence("permute", "dims", dims))


def _int_sequence(name: str, arg: str, value: Any) -> tuple:
    """The function forms take a shape or dims as one sequence (``t.reshape(2, 3)``, the
    method, also takes the ints one by one; ``mg.reshape(t, 2, 3)`` is PyTorch's TypeError)."""
    if not isinstance(value, (tuple, list)):
        raise TypeError(
            f"{name}(): argument '{arg}' (position 2) must be tuple of ints, "
            f"not {type(value).__name__}"
        )
    return tuple(value)


_reshape, _permute = _tensor_input(ops.reshape), _tensor_input(ops.permute)


abs = _tensor_input(ops.abs)
all = _tensor_input(ops.all)
allclose = _tensor_input(ops.allclose)
any = _tensor_input(ops.any)
amax = _tensor_input(ops.amax)
amin = _tensor_input(ops.amin)
argmax = _tensor_input(ops.argmax)
argmin = _tensor_input(ops.argmin)
bmm = _tensor_input(ops.bmm)
clamp = _tensor_input(ops.clamp)
clip = _tensor_input(ops.clip)
cos = _tensor_input(ops.cos)
eq = _tensor_input(ops.eq)
exp = _tensor_input(ops.exp)
flatten = _tensor_input(ops.flatten)
isfinite = _tensor_input(ops.isfinite)
isinf = _tensor_input(ops.isinf)
isnan = _tensor_input(ops.isnan)
gather = _tensor_input(ops.gather)
ge = _tensor_input(ops.ge)
gt = _tensor_input(ops.gt)
le = _tensor_input(ops.le)
log = _tensor_input(ops.log)
log_softmax = _tensor_input(ops.log_softmax)
logsumexp = _tensor_input(ops.logsumexp)
lt = _tensor_input(ops.lt)
matmul = _tensor_input(ops.matmul)
max = _tensor_input(ops.max)
mm = _tensor_input(ops.mm)
mean = _tensor_input(ops.mean)
min = _tensor_input(ops.min)
ne = _tensor_input(ops.ne)
neg = _tensor_input(ops.neg)
relu = _tensor_input(ops.relu)
round = _tensor_input(ops.round)
sigmoid = _tensor_input(ops.sigmoid)
sin = _tensor_input(ops.sin)
softmax = _tensor_input(ops.softmax)
sqrt = _tensor_input(ops.sqrt)
squeeze = _tensor_input(ops.squeeze)
std = _tensor_input(ops.std)
sum = _tensor_input(ops.sum)
tanh = _tensor_input(ops.tanh)
topk = _tensor_input(ops.topk)
transpose = _tensor_input(ops.transpose)
tril = _tensor_input(ops.tril)
triu = _tensor_input(ops.triu)
unsqueeze = _tensor_input(ops.unsqueeze)
var = _tensor_input(ops.var)


# more_ops.py
acos = _tensor_input(more_ops.acos)
addcdiv = _tensor_input(more_ops.addcdiv)
addcmul = _tensor_input(more_ops.addcmul)
addmm = _tensor_input(more_ops.addmm)
argsort = _tensor_input(more_ops.argsort)
asin = _tensor_input(more_ops.asin)
atan = _tensor_input(more_ops.atan)
atan2 = _tensor_input(more_ops.atan2)
ceil = _tensor_input(more_ops.ceil)
chunk = _tensor_input(more_ops.chunk)
clamp_max = _tensor_input(more_ops.clamp_max)
clamp_min = _tensor_input(more_ops.clamp_min)
cosh = _tensor_input(more_ops.cosh)
cumprod = _tensor_input(more_ops.cumprod)
cumsum = _tensor_input(more_ops.cumsum)
diag = _tensor_input(more_ops.diag)
diagonal = _tensor_input(more_ops.diagonal)
dsplit = _tensor_input(more_ops.dsplit)
dot = _tensor_input(more_ops.dot)
exp2 = _tensor_input(more_ops.exp2)
expm1 = _tensor_input(more_ops.expm1)
floor = _tensor_input(more_ops.floor)
hsplit = _tensor_input(more_ops.hsplit)
frac = _tensor_input(more_ops.frac)
index_select = _tensor_input(more_ops.index_select)
lerp = _tensor_input(more_ops.lerp)
log10 = _tensor_input(more_ops.log10)
log1p = _tensor_input(more_ops.log1p)
log2 = _tensor_input(more_ops.log2)
logit = _tensor_input(more_ops.logit)
movedim = _tensor_input(more_ops.movedim)
mv = _tensor_input(more_ops.mv)
nan_to_num = _tensor_input(more_ops.nan_to_num)
narrow = _tensor_input(more_ops.narrow)
outer = _tensor_input(more_ops.outer)
prod = _tensor_input(more_ops.prod)
ravel = _tensor_input(more_ops.ravel)
roll = _tensor_input(more_ops.roll)
rsqrt = _tensor_input(more_ops.rsqrt)
sign = _tensor_input(more_ops.sign)
sinh = _tensor_input(more_ops.sinh)
sort = _tensor_input(more_ops.sort)
split = more_ops.split  # its tensor argument is named 'tensor', as PyTorch's
split_with_sizes = _tensor_input(more_ops.split_with_sizes)
square = _tensor_input(more_ops.square)
tan = _tensor_input(more_ops.tan)
tensor_split = _tensor_input(more_ops.tensor_split)
_tile = _tensor_input(more_ops.tile)
trace = _tensor_input(more_ops.trace)
trunc = _tensor_input(more_ops.trunc)
unbind = _tensor_input(more_ops.unbind)
unflatten = _tensor_input(more_ops.unflatten)
vsplit = _tensor_input(more_ops.vsplit)
acosh = _tensor_input(more_ops.acosh)
asinh = _tensor_input(more_ops.asinh)
atanh = _tensor_input(more_ops.atanh)
deg2rad = _tensor_input(more_ops.deg2rad)
erf = _tensor_input(more_ops.erf)
erfc = _tensor_input(more_ops.erfc)
erfinv = _tensor_input(more_ops.erfinv)
fmax = _tensor_input(more_ops.fmax)
fmin = _tensor_input(more_ops.fmin)
fmod = _tensor_input(more_ops.fmod)
hypot = _tensor_input(more_ops.hypot)
logaddexp = _tensor_input(more_ops.logaddexp)
logaddexp2 = _tensor_input(more_ops.logaddexp2)
rad2deg = _tensor_input(more_ops.rad2deg)
sgn = _tensor_input(more_ops.sgn)
sinc = _tensor_input(more_ops.sinc)
xlogy = more_ops.xlogy  # either argument may be the number
float_power = more_ops.float_power
moveaxis = movedim
reciprocal = _tensor_input(ops.reciprocal)
swapdims = transpose


def swapaxes(input: Tensor, axis0: int, axis1: int) -> Tensor:
    """transpose, under PyTorch's (NumPy's) names for the two dims."""
    return transpose(input, axis0, axis1)


t = _tensor_input(more_ops.t)


def flip(input: Any, dims: Any) -> Tensor:
    """input reversed along ``dims`` (a tuple or list of ints, as PyTorch's function)."""
    if not isinstance(dims, (tuple, list)):
        raise TypeError(
            f"flip(): argument 'dims' (position 2) must be tuple of ints, not {type(dims).__name__}"
        )
    return _tensor_input(more_ops.flip)(input, dims)


# select_ops.py
masked_select = _tensor_input(select_ops.masked_select)
take_along_dim = _tensor_input(select_ops.take_along_dim)
take = _tensor_input(select_ops.take)
index_add = _tensor_input(select_ops.index_add)
index_copy = _tensor_input(select_ops.index_copy)
index_fill = _tensor_input(select_ops.index_fill)
scatter = _tensor_input(select_ops.scatter)
scatter_add = _tensor_input(select_ops.scatter_add)
nonzero = _tensor_input(select_ops.nonzero)
argwhere = _tensor_input(select_ops.argwhere)
repeat_interleave = _tensor_input(select_ops.repeat_interleave)
broadcast_to = _tensor_input(select_ops.broadcast_to)
diff = _tensor_input(select_ops.diff)
cross = _tensor_input(select_ops.cross)
cummax = _tensor_input(select_ops.cummax)
cummin = _tensor_input(select_ops.cummin)
kthvalue = _tensor_input(select_ops.kthvalue)
median = _tensor_input(select_ops.median)
mode = _tensor_input(select_ops.mode)
unique = _tensor_input(select_ops.unique)
count_nonzero = _tensor_input(select_ops.count_nonzero)
logical_and = _tensor_input(select_ops.logical_and)
logical_or = _tensor_input(select_ops.logical_or)
logical_xor = _tensor_input(select_ops.logical_xor)
logical_not = _tensor_input(select_ops.logical_not)
isclose = _tensor_input(select_ops.isclose)
equal = _tensor_input(select_ops.equal)
isneginf = _tensor_input(select_ops.isneginf)
isposinf = _tensor_input(select_ops.isposinf)
signbit = _tensor_input(select_ops.signbit)


# PyTorch's other names for the ops above
absolute = abs
negative = neg
multiply = mul
subtract = sub
divide = div
fix = trunc
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne
ger = outer
fliplr = _tensor_input(more_ops.fliplr)
flipud = _tensor_input(more_ops.flipud)
rot90 = _tensor_input(more_ops.rot90)
inner = _tensor_input(more_ops.inner)
vdot = _tensor_input(more_ops.vdot)
kron = _tensor_input(more_ops.kron)


def true_divide(input: Any, other: Any, *, out: Tensor | None = None) -> Tensor:
    """dividend / divisor (div without a rounding mode)."""
    return div(input, other, out=out)


def where(
    condition: Any, input: Any = NOT_GIVEN, other: Any = NOT_GIVEN, *, out: Any = None
) -> Any:
    """input where condition else other (``ops.where``); with the condition alone, the
    indices of its nonzero elements, one vector per dim (``nonzero(as_tuple=True)``)."""
    if input is NOT_GIVEN and other is NOT_GIVEN:
        return select_ops.nonzero(condition, as_tuple=True)
    if input is NOT_GIVEN or other is NOT_GIVEN:
        raise TypeError("where() takes the condition alone, or with both input and other")
    result = ops.where(condition, input, other)
    return result if out is None else _into("where", result, out)


pow, cat, stack, maximum, minimum, remainder, floor_divide = (
    _out_form(op)
    for op in (ops.pow, ops.cat, ops.stack, ops.maximum, ops.minimum, ops.remainder,
               ops.floor_divide)
)  # fmt: skip


def tile(input: Any, dims: Any) -> Tensor:
    """input repeated ``dims[i]`` times along dim i, ``dims`` one tuple or list, as in PyTorch."""
    return _tile(input, tuple(_int_sequence("tile", "dims", dims)))
