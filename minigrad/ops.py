"""The differentiable operations: each forward beside its vector-Jacobian products.

Every op computes its result with NumPy and hands ``record`` one VJP per input:
a function from the output's gradient ``g`` to that input's gradient. Broadcasting
is undone once, by the engine (``engine.unbroadcast``), so the VJPs below are the
plain calculus (a fused op such as ``linear`` sums its bias's gradient over the rows
itself). ``x``/``a``/``b`` name input arrays, ``out`` the result array.
"""

from __future__ import annotations

import builtins
import math
import numbers
import operator
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import dtypes
from .device import in_memory_order, is_in_memory_order, preserved
from .engine import COPY_SLICES, PAIRWISE_FROM, record, sum_over
from .errors import OpError
from .grad_mode import _mode
from .return_types import return_type
from .tensor import NOT_GIVEN, Tensor, Views, as_array, check_bool, check_tensor, size_arg

_new = Tensor._new


def as_tensor(x: Any) -> Tensor:
    """``x`` itself if it is a Tensor, else a constant Tensor made from it (a NumPy number
    counts as a Python number, as in PyTorch)."""
    if isinstance(x, Tensor):
        return x
    return _new(as_array(x.item() if isinstance(x, np.number) else x))


OPERANDS = (Tensor, builtins.int, builtins.float, builtins.complex, np.ndarray, np.generic)


def _operand(x: Any, op: str = "") -> Any:
    """The array of a Tensor; Python numbers stay numbers so NumPy treats them as weak.
    Other Python objects (lists, None, strings) are refused, as PyTorch refuses them
    (the message names ``op`` when given)."""
    if isinstance(x, Tensor):
        return x.data
    if isinstance(x, (builtins.int, builtins.float, builtins.complex)):  # bool is an int
        return dtypes.check_c_int(x, op) if type(x) is builtins.int else x
    if isinstance(x, np.number):  # PyTorch reads a NumPy number as a Python number
        return x.item()
    if not isinstance(x, OPERANDS):
        raise TypeError(
            f"{op}{': ' if op else ''}expected a Tensor, a number or an array as operand, "
            f"but got {type(x).__name__}"
        )
    return as_array(x, copy=False)


_HALF_SCALARS_KEPT = frozenset({"mul", "div", "floor_divide"})


def half_number(dtype: np.dtype, operand: Any) -> bool:
    """Whether PyTorch's float16 mul, div (and floor_divide) read ``operand``, a number or a
    0-d tensor, as a float32: a float16 result dtype and a 0-d operand."""
    return dtype == dtypes.float16 and np.ndim(operand) == 0


def _binary(name: str, fn: Any, a: Tensor, b: Any) -> tuple:
    """Apply a broadcasting NumPy ufunc, with PyTorch's dtypes and a clear shape error."""
    A, B = a.data, _operand(b, name)
    try:
        try:
            out = fn(A, B)
        except OverflowError:  # NumPy refuses a Python int the tensor's dtype cannot hold
            B = wrapped_int(B, A.dtype)
            out = fn(A, B)
    except TypeError:  # NumPy has no loop for these dtypes (floor_divide of complex numbers)
        refuse_complex(name, A, B)
        raise
    except ValueError as e:
        if "broadcast" not in str(e):
            raise OpError(f"{name}: {e}") from None
        raise OpError(
            f"{name}: shapes {A.shape} and {np.shape(B)} cannot be broadcast together"
        ) from None
    if (
        out.dtype is not A.dtype
        or (type(B) is np.ndarray and B.dtype is not A.dtype)
        or (A.dtype is dtypes.float16 and name in _HALF_SCALARS_KEPT)
    ):
        dt = dtypes.result_dtype(out.dtype, (A, B))
        # PyTorch casts the operands to its result dtype, then computes; but its float16
        # mul and div read a second operand that is a number (or 0-d tensor) as a float32
        # (x * 1e5 is not x * inf), in the backward too
        wide = name in _HALF_SCALARS_KEPT and half_number(dt, B)
        if dt != out.dtype or wide:  # (else NumPy computed it so: A, B stay as given)
            A, B = _cast(A, dt), np.float32(B) if wide else _cast(B, dt)
            with np.errstate(over="ignore", invalid="ignore"):  # 1e39 is inf in float32
                out = _cast(fn(A, B), dt)
    return A, B, out


def wrapped_int(b: Any, dtype: np.dtype) -> Any:
    """A Python int that an integer ``dtype`` cannot hold, wrapped into it as PyTorch casts
    the number to the tensor's dtype: 300 is 44 in uint8, -300 is 212."""
    if type(b) is not builtins.int or dtype.kind not in "iu":
        return b
    info = np.iinfo(dtype)
    return b if info.min <= b <= info.max else np.array(b).astype(dtype)[()]


def _cast(x: Any, dtype: np.dtype) -> np.ndarray:
    return np.asarray(x).astype(dtype, copy=False)


def _promoted(out: np.ndarray, operands: tuple) -> np.ndarray:
    """``out`` cast to PyTorch's result dtype for ``operands`` (NumPy's can differ)."""
    dt = dtypes.result_dtype(out.dtype, operands)
    return out if dt == out.dtype else out.astype(dt)


def _refuse(
    name: str, X: np.ndarray, kinds: str, error: type = RuntimeError, hint: str = ""
) -> None:
    """Raise ``error`` for a tensor of a dtype kind (NumPy's letters) that PyTorch refuses."""
    if X.dtype.kind in kinds:
        raise error(f"{name}: not supported for {X.dtype} tensors{hint}")


def refuse_complex(name: str, *xs: Any, error: type = NotImplementedError) -> None:
    """``_refuse`` for complex operands (arrays or numbers) of an op PyTorch has only for
    real numbers: NumPy would order complex numbers by their real parts first."""
    for x in xs:
        _refuse(name, np.asarray(x), "c", error)


def _no_barebones(kernel: str, X: Any) -> None:
    """PyTorch has no CPU kernel for most ops on uint16, uint32 and uint64 (X a Tensor, an
    array or a number)."""
    X = X.data if isinstance(X, Tensor) else np.asarray(X)
    if X.dtype in dtypes._BAREBONES:
        raise NotImplementedError(f"\"{kernel}\" not implemented for "
                                  f"'{dtypes.torch_name(X.dtype)}'")  # fmt: skip


def _unary_float(fn: Any, x: np.ndarray) -> np.ndarray:
    """fn(x) for a float function, in the dtype PyTorch computes it in: integer and bool
    tensors in the default dtype (NumPy would compute exp of a bool in float16), float16 in
    float32 rounded once at the end (a formula of several steps would round at each, and
    overflow where its result fits: exp(12) in sigmoid(-12))."""
    if x.dtype.kind in "biu":
        x = x.astype(dtypes.get_default_dtype())
    elif x.dtype.char == "e":
        return fn(x.astype(np.float32)).astype(np.float16)
    return fn(x)


# ---- arithmetic ----------------------------------------------------------------------


def add(a: Tensor, b: Any, alpha: Any = 1) -> Tensor:
    """a + b.   da = g,   db = g."""
    if type(alpha) is not builtins.int or alpha != 1:  # a bool is not an int here
        return _add_scaled("add", a, b, alpha)
    A, B, out = _binary("add", np.add, a, b)
    return record(out, "Add", (a, b), (identity, identity))


def sub(a: Tensor, b: Any, alpha: Any = 1) -> Tensor:
    """a - b.   da = g,   db = -g."""
    refuse_bool_sub(a, b)
    _no_barebones("sub", a.data)
    if type(alpha) is not builtins.int or alpha != 1:
        return _add_scaled("sub", a, b, alpha)
    A, B, out = _binary("sub", np.subtract, a, b)
    return record(out, "Sub", (a, b), (identity, np.negative))


def _add_scaled(name: str, a: Tensor, b: Any, alpha: Any) -> Tensor:
    """a ± alpha * b, in the dtype of a ± b (alpha does not promote), as PyTorch.
    da = g,   db = ± alpha * g."""
    check_alpha(name, alpha, a.data.dtype.kind, np.asarray(_operand(b)).dtype.kind)
    alpha = alpha.item() if isinstance(alpha, Tensor) else alpha
    k = -alpha if name == "sub" else alpha
    try:
        A, B, out = _binary(name, lambda x, y: x + k * y, a, b)
    except OverflowError:  # NumPy's, for an alpha the integer dtype cannot hold
        A, B = a.data, _operand(b)
        dt = dtypes.result_dtype(np.result_type(A, B), (A, B))
        dtypes.check_fits(alpha, dt)  # PyTorch's error, for one beyond it
        k = wrapped_int(k, dt)  # a negative one wraps, as PyTorch casts it to unsigned
        A, B, out = _binary(name, lambda x, y: x + k * y, a, b)
    dtypes.check_fits(alpha, out.dtype)  # as PyTorch's (also beyond a float dtype's range)
    return record(out, name.capitalize(), (a, b), (identity, lambda g: k * g))


def check_alpha(name: str, alpha: Any, kind: str, other_kind: str) -> None:
    """PyTorch's checks of add's and sub's ``alpha`` for operands of dtype kinds ``kind`` and
    ``other_kind`` (NumPy's letters): a number or a tensor; a bool (or bool tensor) only when
    both are bool; not a float when both are integral."""
    if not isinstance(alpha, (numbers.Number, Tensor)):
        raise TypeError(f"{name}(): argument 'alpha' must be Number, not {type(alpha).__name__}")
    if type(alpha) is builtins.int:
        dtypes.check_c_int(alpha, name)
    if (isinstance(alpha, builtins.bool) or getattr(alpha, "dtype", None) == np.bool_) and (
        kind != "b" or other_kind != "b"
    ):
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if isinstance(alpha, builtins.float) and kind in "biu" and other_kind in "biu":
        raise RuntimeError(
            "For integral input tensors, argument alpha must not be a floating point number."
        )


def rsub(a: Tensor, b: Any) -> Tensor:
    """b - a (for ``2 - t``).   da = -g."""
    if isinstance(b, Tensor):  # (a.__rsub__(b) called as such: b is an input too)
        return sub(b, a)
    refuse_bool_sub(a, b)
    A, B, out = _binary("sub", lambda x, y: np.subtract(y, x), a, b)
    return record(out, "Rsub", (a,), (np.negative,))


def refuse_bool_sub(a: Any, b: Any) -> None:
    """PyTorch has no subtraction with a bool operand (tensor or Python bool)."""
    bools = builtins.sum(
        isinstance(v, builtins.bool) or getattr(v, "dtype", None) == np.bool_ for v in (a, b)
    )
    if bools == 2:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. "
            "Use the `^` or `logical_xor()` operator instead."
        )
    if bools:
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. "
            "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead."
        )


def mul(a: Tensor, b: Any) -> Tensor:
    """a * b.   da = g * b,   db = g * a."""
    A, B, out = _binary("mul", np.multiply, a, b)
    return record(
        out, "Mul", (a, b), (lambda g: g * B, lambda g: g * A), saved=_saved_for_product(a, b)
    )


def div(a: Tensor, b: Any, *, rounding_mode: str | None = None) -> Tensor:
    """a / b.   da = g / b,   db = -g * (a / b) / b  (PyTorch's order: b² may underflow)."""
    if rounding_mode is not None:
        return _rounded_div(a, b, rounding_mode)
    A, B, out = _binary("div", _true_divide, a, b)
    b_grad = isinstance(b, Tensor) and b._requires_grad  # db reads a and b, da reads b
    return record(out, "Div", (a, b), (lambda g: _true_divide(g, B), lambda g: _div_b(g, A, B)),
                  saved=_tensors(a, b) if b_grad else _tensors(b))  # fmt: skip


# x / 0 is ±inf or NaN, quietly, as in PyTorch (NumPy warns); also in the VJPs that divide,
# and where a number is cast beyond its dtype's range (where checks it; a half takes inf).
# A decorator: an errstate can be entered once only
_quiet = np.errstate(divide="ignore", invalid="ignore", over="ignore")
_promoted_quietly = _quiet(_promoted)


@_quiet
def _where_numbers(C: np.ndarray, A: Any, B: Any) -> np.ndarray:
    """np.where with a number among A and B, in PyTorch's dtype (one beyond its range is
    cast quietly here, and refused by ``where``)."""
    return _promoted(np.where(C, A, B), (A, B))


_put_quietly = _quiet(operator.setitem)
_number_as = _quiet(lambda dtype, x: dtype.type(x))  # 1e39 is inf in float32
_true_divide = _quiet(np.true_divide)
_floor_divide = _quiet(np.floor_divide)
_remainder = _quiet(np.remainder)
_reciprocal = _quiet(np.reciprocal)


@_quiet  # one errstate for the two divisions
def _div_b(g: np.ndarray, A: Any, B: Any) -> np.ndarray:
    return -g * (A / B / B)  # in PyTorch's order: -g * ((a / b) / b)


def _rounded_div(a: Tensor, b: Any, mode: str) -> Tensor:
    """a / b rounded toward zero ('trunc') or down ('floor'), in the operands' dtype.

    Piecewise constant, so its gradient is 0 (PyTorch records the node all the same, and
    saves what its formula for a true division would read).
    """
    if mode == "floor":
        fn = _floor_divide
    elif mode == "trunc":
        fn = _trunc_divide
    else:
        raise OpError(
            f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{mode}'"
        )
    _check_int_divisor("div", a.data, _operand(b))  # first: trunc of x / 0 would warn
    A, B, out = _binary("div", fn, a, b)
    saved = _read_by((a, (b,)), (b, (a, b)))
    return record(out, "Div", (a, b), (np.zeros_like, np.zeros_like), saved=saved)


def _refuse_bools(name: str, A: Any, B: Any) -> None:
    """PyTorch has no //, % or ** for two bools (a bool result): NotImplementedError."""
    if np.asarray(A).dtype.kind == "b" and np.asarray(B).dtype.kind == "b":
        raise NotImplementedError(f"\"{name}\" not implemented for 'Bool'")


def _check_int_divisor(name: str, A: Any, B: Any) -> None:
    """Integer division by zero has no value: PyTorch raises (NumPy would give 0)."""
    _refuse_bools(name, A, B)
    if np.asarray(A).dtype.kind in "biu" and np.asarray(B).dtype.kind in "biu" and np.any(B == 0):
        if math.prod(np.broadcast_shapes(np.shape(A), np.shape(B))):  # empty: no division
            raise RuntimeError(f"ZeroDivisionError: {name} of integers by zero")


def _binary_either(name: str, fn: Any, a: Any, b: Any) -> tuple:
    """``_binary`` for fn(a, b) where ``a`` may be a number and ``b`` the Tensor (``7 // t``):
    the number stays a weak operand, as in PyTorch."""
    if isinstance(a, Tensor):
        return _binary(name, fn, a, b)
    if not isinstance(b, Tensor):
        return _binary(name, fn, as_tensor(a), b)
    B, A, out = _binary(name + " (reflected)", lambda y, x: fn(x, y), b, a)
    return A, B, out


def _trunc_divide(A: Any, B: Any) -> np.ndarray:
    """a / b rounded toward zero; integers stay integers."""
    q = np.trunc(_true_divide(A, B))
    dtype = np.result_type(A, B)
    return q.astype(dtype) if dtype.kind in "iu" else q


def rdiv(a: Tensor, b: Any) -> Tensor:
    """b / a (for ``1 / t``) as PyTorch computes it: r = 1 / a, then r * b (a Mul node)."""
    with np.errstate(invalid="ignore"):  # inf * 0 = NaN (0 / 0), quietly
        return mul(reciprocal(a), b)


def reciprocal(input: Tensor) -> Tensor:
    """1 / x (integers and bools in the default float dtype).   dx = -g * out²  (it reads
    out, not x: x may change in place afterwards)."""
    R = _unary_float(_reciprocal, input.data)
    return record(R, "Reciprocal", (input,), (lambda g: -g * (R * R),), saves_out=True)


def pow(input: Any, exponent: Any) -> Tensor:
    """a ** b.   da = g * b * a**(b-1)  (0 where b == 0),
    db = g * out * log(a)  (0 where a == 0 and b >= 0)."""
    if isinstance(exponent, Tensor) and not isinstance(input, Tensor):
        return rpow(exponent, input)  # the number stays a weak operand
    input = as_tensor(input)
    if isinstance(exponent, np.ndarray):  # an array exponent: elementwise, as a Tensor's
        exponent = as_tensor(exponent)
    if isinstance(exponent, Tensor):  # a bool ** a Python bool is a copy or ones, as PyTorch
        _refuse_bools("pow", input.data, exponent.data)
    elif _negative_int(exponent) and input.data.dtype.kind in "biu":  # even if empty, as PyTorch
        raise OpError(f"pow: Integers to negative integer powers are not allowed (got {exponent})")
    elif isinstance(exponent, (builtins.int, builtins.float)) and (
        input.data.dtype.kind in "biu" or input.data.dtype == dtypes.float16
    ):  # PyTorch casts a number exponent to an integer or float16 result dtype, checked
        dt = dtypes.result_dtype(np.result_type(input.data, exponent), (input.data, exponent))
        if dt.kind in "iu" or dt == dtypes.float16:
            dtypes.check_fits(exponent, dt)
    A, B, out = _binary("pow", _power, input, exponent)
    if not isinstance(exponent, Tensor) and B == 0:
        return record(out, "Pow", (input,), (np.zeros_like,), saved=(input,))  # saved, as PyTorch
    if isinstance(exponent, Tensor):  # where the exponent is 0, the base's gradient is 0

        def vjp_a(g: np.ndarray) -> np.ndarray:
            with np.errstate(divide="ignore", invalid="ignore"):  # 0 ** -1, masked
                return np.where(B == 0, 0, g * B * np.power(A, B - 1))
    else:  # a number exponent is not an input of the graph, as in PyTorch
        return record(out, "Pow", (input,), (lambda g: g * B * _power(A, B - 1),), saved=(input,))
    return record(
        out, "Pow", (input, exponent), (vjp_a, lambda g: g * _out_log_base(out, A, B)),
        saved=_tensors(input, exponent), saves_out=True,
    )  # fmt: skip


def _negative_int(e: Any) -> bool:
    """Whether ``e`` is a negative Python or NumPy int (not a bool, not an array)."""
    return isinstance(e, (builtins.int, np.integer)) and not isinstance(e, builtins.bool) and e < 0


@np.errstate(divide="ignore", invalid="ignore", over="ignore")  # 0 ** -1, (-1) ** 0.5, 1e300 ** 2
def _power(A: np.ndarray, e: Any) -> np.ndarray:
    """A ** e. For a float A and a number e, computed as PyTorch's kernel does for the
    exponents it special-cases (sqrt, 1 / sqrt, products, reciprocals), so that -0.0,
    inf and NaN give PyTorch's results in the forward and in the VJP's A ** (e - 1).
    Integers to a negative integer Tensor power are PyTorch's too: 1 for 1, ±1 for -1,
    else 0 (a negative Python int exponent raises, as in PyTorch)."""
    if isinstance(e, np.ndarray) and e.dtype.kind in "iu" and np.asarray(A).dtype.kind in "biu":
        neg = e < 0
        if neg.any():
            ones = np.where(e % 2 == 0, 1, -1)  # (-1) ** e
            at_neg = np.where(A == 1, 1, np.where(A == -1, ones, 0))
            return np.where(neg, at_neg, np.power(A, np.where(neg, 0, e)))
    if not isinstance(e, (builtins.int, builtins.float)) or A.dtype.kind != "f":
        return np.power(A, e)
    if e == 0.5:
        return np.sqrt(A)
    if e == -0.5:
        return 1 / np.sqrt(A)
    if e == 1:
        return A.copy()
    if e == 2:
        return A * A
    if e == 3:
        return A * A * A
    if e == -1:
        return 1 / A
    if e == -2:
        return 1 / (A * A)
    return np.power(A, e)


def rpow(a: Tensor, b: Any) -> Tensor:
    """b ** a (for ``2 ** t``).   da = g * out * log(b)."""
    if isinstance(b, Tensor):  # (a.__rpow__(b) called as such: b is an input too)
        return pow(b, a)
    _refuse_bools("pow", a.data, _operand(b))
    A, B, out = _binary("pow", lambda x, y: _power(np.asarray(y), x), a, b)
    out = _contiguous(out)  # PyTorch's number ** tensor is in C order, whatever a's layout
    return record(out, "Pow", (a,), (lambda g: g * _out_log_base(out, B, A),), saved=(a,),
                  saves_out=True)  # fmt: skip


@np.errstate(divide="ignore", invalid="ignore")
def _out_log_base(out: np.ndarray, base: Any, exponent: Any) -> np.ndarray:
    """out * log(base): d(base ** e)/de. Taken as 0 where base == 0 and e >= 0 (out is
    0 or 1 there), as PyTorch; for e < 0 it is inf * -inf. A base tensor is cast to out's
    dtype first, as PyTorch's (NumPy takes the log of uint8 in float16)."""
    base = base.astype(out.dtype, copy=False) if type(base) is np.ndarray else np.asarray(base)
    return np.where((base == 0) & (np.asarray(exponent) >= 0), 0, out * np.log(base))


def remainder(input: Any, other: Any) -> Tensor:
    """a - floor(a / b) * b (sign of b, as Python's %).   da = g,   db = -g * floor(a / b).
    PyTorch has no db when a is a number (``2.5 % t``): backward raises there, as in PyTorch."""
    A, B, out = _binary_either("remainder", _remainder, input, other)
    _no_barebones("remainder_cpu", out)
    _check_int_divisor("remainder", A, B)
    if not isinstance(input, Tensor):
        return record(out, "Remainder", (other,), (_no_remainder_vjp,))
    if not isinstance(other, Tensor):  # a number divisor is not an input of the graph
        return record(out, "Remainder", (input,), (identity,))
    return record(
        out,
        "Remainder",
        (input, other),
        (identity, lambda g: -g * np.floor_divide(A, B)),
        saved=_tensors(input, other) if other._requires_grad else (),
    )  # only db reads a and b


def floor_divide(input: Any, other: Any) -> Tensor:
    """floor(a / b). PyTorch records it but has no derivative for it: backward raises."""
    A, B, out = _binary_either("floor_divide", _floor_divide, input, other)
    _no_barebones("div_floor_cpu", out)
    _check_int_divisor("floor_divide", A, B)
    return record(out, "FloorDivide", (input, other), (_no_floor_divide_vjp, _no_floor_divide_vjp))


def _no_vjp(name: str) -> Any:
    """The VJP of an op PyTorch records without a derivative."""

    def vjp(g: np.ndarray) -> np.ndarray:
        raise RuntimeError(f"derivative for {name} is not implemented")

    return vjp


_no_floor_divide_vjp = _no_vjp("floor_divide")
_no_remainder_vjp = _no_vjp("remainder")


def neg(input: Tensor) -> Tensor:
    """-x.   dx = -g."""
    _refuse("neg", input.data, "b", hint="; to invert a mask, use ~ or logical_not()")
    _no_barebones("neg_cpu", input.data)
    return record(np.negative(input.data), "Neg", (input,), (np.negative,))


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    """a @ b for matrices (n, m) @ (m, p) only.   da = g @ bᵀ,   db = aᵀ @ g."""
    for arg, t in (("self", input), ("mat2", mat2)):
        check_tensor("mm", arg, t)
        if t.data.ndim != 2:
            raise RuntimeError(f"mm: {arg} must be a matrix, got shape {t.data.shape}")
    return _matmul(input, mat2, "mm")


def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    """a @ b for batches of matrices (B, n, m) @ (B, m, p), equal batch sizes only.
    da = g @ bᵀ,   db = aᵀ @ g  (per batch element)."""
    check_tensor("bmm", "input", input)
    check_tensor("bmm", "mat2", mat2)
    for arg, t in (("batch1", input), ("batch2", mat2)):
        if t.data.ndim != 3:
            raise RuntimeError(f"bmm: {arg} must be a 3D tensor, got shape {t.data.shape}")
    (n, _, m), want = input.data.shape, mat2.data.shape
    if want[:2] != (n, m):
        raise RuntimeError(
            f"bmm: expected size for first two dimensions of batch2 tensor to be: [{n}, {m}] "
            f"but got: [{want[0]}, {want[1]}] (batch1 {input.data.shape}, batch2 {want})"
        )
    return _matmul(input, mat2, "bmm")


def matmul(input: Any, other: Any) -> Tensor:
    """a @ b for 1-D, 2-D and batched operands (NumPy semantics).

    Treating a 1-D ``a`` as a row (1, n) and a 1-D ``b`` as a column (n, 1):
    da = g @ bᵀ,   db = aᵀ @ g   (batch dimensions summed by the engine).
    """
    return _matmul(input, other, "matmul")


def _matmul(a: Any, b: Any, name: str) -> Tensor:
    """matmul, mm and bmm: ``name`` goes on the errors and the node (MatmulBackward, ...)."""
    for x in (a, b):  # Tensors and arrays; a number is not a matrix, as in PyTorch
        if not isinstance(x, (Tensor, np.ndarray)):
            raise TypeError(f"matmul: expected a Tensor or an array, got {type(x).__name__}")
    a, b = as_tensor(a), as_tensor(b)
    A, B = a.data, b.data
    if A.ndim == 0 or B.ndim == 0:
        raise OpError(f"{name}: both arguments must be at least 1-D, got {A.shape} and {B.shape}")
    _same_dtype(name, A, B)
    _refuse(name, A, "b", NotImplementedError)
    # a's batch dims folded into rows, as PyTorch: one GEMM (not for a strided a, which
    # folding would copy, an expanded one whole)
    fold = A.ndim > 2 and B.ndim <= 2 and A.flags.c_contiguous
    B2 = B[:, None] if B.ndim == 1 else B
    try:
        if fold:
            rows = _flat(A)
            out = (rows @ B2).reshape(*A.shape[:-1], *B.shape[1:])
        else:
            out = np.matmul(A, B)
    except ValueError:
        raise OpError(f"{name}: shapes {A.shape} and {B.shape} cannot be multiplied") from None
    if fold:  # with G = g as (rows, columns of b):  da = G bᵀ,  db = rowsᵀ G
        G_shape = (rows.shape[0], B2.shape[1])
        return record(out, name.capitalize(), (a, b), (
            lambda g: (g.reshape(G_shape) @ B2.T).reshape(A.shape),
            lambda g: (rows.T @ g.reshape(G_shape)).reshape(B.shape),
        ), saved=_saved_for_product(a, b))  # fmt: skip
    if A.ndim == 2 and B.ndim == 2:
        return record(out, name.capitalize(), (a, b), (lambda g: g @ B.T, lambda g: A.T @ g),
                      saved=_saved_for_product(a, b))  # fmt: skip
    A2 = A[None, :] if A.ndim == 1 else A

    def lift(g: np.ndarray) -> np.ndarray:  # g in the shape of A2 @ B2
        if B.ndim == 1:
            g = g[..., None]
        if A.ndim == 1:
            g = np.expand_dims(g, -2)
        return g

    def vjp_a(g: np.ndarray) -> np.ndarray:
        da = lift(g) @ np.swapaxes(B2, -1, -2)
        return da[..., 0, :] if A.ndim == 1 else da

    def vjp_b(g: np.ndarray) -> np.ndarray:
        db = np.swapaxes(A2, -1, -2) @ lift(g)
        return db[..., 0] if B.ndim == 1 else db

    return record(out, name.capitalize(), (a, b), (vjp_a, vjp_b), saved=_saved_for_product(a, b))


def _sum_rows(g: np.ndarray) -> np.ndarray:
    """Σ over the rows of a 2-D g (the bias's gradient); a long batch pairwise (sum_over)."""
    return np.add.reduce(g, 0) if len(g) < PAIRWISE_FROM else sum_over(g, 0)


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """x @ Wᵀ + b, one node (PyTorch's addmm).   dx = g @ W,  dW = gᵀ x,  db = Σ_rows g."""
    try:
        X, W = input.data, weight.data
        B = None if bias is None else bias.data
        # equal dtypes are nearly always the same object: `is not` first, `!=` for the rest
        unusual = (
            (X.dtype is not W.dtype and X.dtype != W.dtype)
            or X.dtype is _BOOL
            or W.ndim != 2
            or (B is not None and (B.ndim != 1 or B.dtype is not X.dtype and B.dtype != X.dtype))
        )
    except AttributeError:  # not Tensors (an ndarray's .data is a memoryview, with no dtype)
        for arg, t in (("input", input), ("weight", weight), ("bias", bias)):
            if t is not None or arg != "bias":
                check_tensor("linear", arg, t)
        raise
    if unusual:
        return _linear_unusual(input, weight, bias)
    # batch dimensions (or a 1-D x's one row) folded into rows, as PyTorch: one GEMM
    batched = X.ndim != 2
    rows = _flat(X) if batched and X.ndim else X
    try:
        out = rows @ W.T
    except ValueError:
        raise OpError(
            f"linear: input {X.shape} does not match weight {W.shape} (out, in)"
        ) from None
    if weight._requires_grad:  # what the VJPs read (checked for in-place changes)
        saved = (weight, input) if input._requires_grad else (input,)  # dx reads W, dW reads x
    else:
        saved = _saved_for_product(input, weight)
    if batched:  # the same, with g's batch dims folded (x's shape kept, not x: dx needs W)
        shape = X.shape
        out = out.reshape(*shape[:-1], W.shape[0])
        vjps = (
            lambda g: (_flat(g) @ W).reshape(shape),
            lambda g: _flat(g).T @ rows,
            lambda g: _sum_rows(_flat(g)),
        )
    else:
        vjps = (lambda g: g @ W, lambda g: g.T @ rows, _sum_rows)
    if B is None:
        return record(out, "Linear", (input, weight), vjps[:2], saved=saved)
    try:
        if out.dtype is _HALF:  # PyTorch adds the bias to the float32 product, then rounds
            out = (X.astype(np.float32) @ W.T.astype(np.float32) + B).astype(_HALF)
        else:
            out += B
    except ValueError:
        raise OpError(f"linear: bias {B.shape} does not match the output {out.shape}") from None
    return record(out, "Linear", (input, weight, bias), vjps, saved=saved)


def _linear_unusual(x: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
    """linear with mixed dtypes or bools (errors, as in PyTorch), a 1-D weight w: x @ w (+ b),
    or a bias other than (out,) that broadcasts to the output (as (N, out)), or (1, out) for a
    1-D x: x @ Wᵀ, then + b."""
    for t in (weight, bias):
        if t is not None and t.data.dtype is not x.data.dtype:
            _same_dtype("linear", x.data, t.data)
    _refuse("linear", x.data, "b", NotImplementedError)
    if weight.data.ndim == 2:
        out = linear(x, weight)
        if x.data.ndim == 1 and bias.data.shape == (1, *out.shape):  # PyTorch takes it: (out,)
            bias = reshape(bias, out.shape)
        try:
            fits = np.broadcast_shapes(bias.data.shape, out.shape) == out.shape
        except ValueError:
            fits = False
        if not fits:
            raise OpError(f"linear: bias {bias.data.shape} does not match the output {out.shape}")
        return add(out, bias)
    if weight.data.ndim != 1:
        raise OpError(f"linear: weight must be 1-D or 2-D (out, in), got {weight.data.shape}")
    if bias is not None and x.data.ndim > 1:  # PyTorch's addmm refuses it
        raise OpError(f"linear: a 1-D weight {weight.data.shape} with a bias needs a 1-D input")
    out = matmul(x, weight)
    return out if bias is None else add(out, bias)


_BOOL = np.dtype(bool)
_HALF = dtypes.float16


def _same_dtype(name: str, A: np.ndarray, B: np.ndarray) -> None:
    """Matrix products do not promote: PyTorch refuses operands of different dtypes."""
    if A.dtype != B.dtype:
        raise RuntimeError(
            f"{name}: expected both operands to have the same dtype, but got {A.dtype} and "
            f"{B.dtype} (convert one, e.g. with .float() or .double())"
        )


def _flat(a: np.ndarray) -> np.ndarray:
    """Collapse leading (batch) dimensions: (..., n) -> (N, n)."""
    return a if a.ndim == 2 else a.reshape(math.prod(a.shape[:-1]), a.shape[-1])


def identity(g: np.ndarray) -> np.ndarray:
    """The VJP of an op whose Jacobian is the identity (add, clone, expand, ...)."""
    return g


def _tensors(*xs: Any) -> tuple:
    """The operands that are Tensors (what a VJP reading every operand saves)."""
    return tuple(x for x in xs if isinstance(x, Tensor))


def _read_by(*pairs: tuple) -> tuple:
    """What to save, as PyTorch does, for the VJPs of the inputs that require grad: ``pairs``
    of (input, the operands its VJP reads); each Tensor once."""
    saved: list = []
    for x, reads in pairs:
        if isinstance(x, Tensor) and x._requires_grad:
            saved += [
                r
                for r in reads
                if isinstance(r, Tensor) and builtins.all(r is not s for s in saved)
            ]
    return tuple(saved)


def _saved_for_product(a: Tensor, b: Any) -> tuple:
    """The operands a product's VJPs read: b for da, a for db."""
    b_grad = isinstance(b, Tensor) and b._requires_grad
    saved = (b,) if a._requires_grad and isinstance(b, Tensor) else ()
    return saved + (a,) if b_grad else saved


# ---- elementwise ---------------------------------------------------------------------


def exp(input: Tensor) -> Tensor:
    """exp(x).   dx = g * out."""
    out = _unary_float(_exp, input.data)
    return record(out, "Exp", (input,), (lambda g: g * out,), saves_out=True)


_exp = np.errstate(over="ignore")(np.exp)  # inf above ~88 (float32), quietly


def log(input: Tensor) -> Tensor:
    """log(x).   dx = g / x."""
    X = input.data
    out = _unary_float(_log, X)
    return record(out, "Log", (input,), (lambda g: _true_divide(g, X),), saved=(input,))


_log = np.errstate(divide="ignore", invalid="ignore")(np.log)  # -inf at 0, NaN below, quietly
_minus = np.errstate(invalid="ignore", over="ignore")(np.subtract)  # inf - inf: NaN, quietly
_sqrt = np.errstate(invalid="ignore")(np.sqrt)  # NaN below 0, quietly


def sqrt(input: Tensor) -> Tensor:
    """sqrt(x).   dx = g / (2 out)."""
    out = _unary_float(_sqrt, input.data)
    return record(out, "Sqrt", (input,), (lambda g: _true_divide(g, 2 * out),), saves_out=True)


def sgn(X: np.ndarray, dtype: Any) -> np.ndarray:
    """-1, 0 or 1 by the sign of x, and 0 at NaN (PyTorch's sgn; NumPy's sign gives NaN);
    z / |z| for a complex z (0 at 0)."""
    if X.dtype.kind == "c":
        size = np.abs(X)
        return np.divide(X, size, out=np.zeros(X.shape, dtype), where=size != 0)
    return np.subtract(X > 0, X < 0, dtype=dtype)


def abs(input: Tensor) -> Tensor:
    """|x|.   dx = g * sign(x)  (0 at x == 0 and at NaN, as PyTorch's sgn)."""
    X = input.data
    _refuse("abs", X, "b", NotImplementedError)
    _no_barebones("abs_cpu", X)
    return record(
        np.abs(X), "Abs", (input,), (lambda g: g * sgn(X, g.dtype),),
        saved=(input,),
    )  # fmt: skip


_sin = np.errstate(invalid="ignore")(np.sin)  # NaN at ±inf, quietly
_cos = np.errstate(invalid="ignore")(np.cos)


def sin(input: Tensor) -> Tensor:
    """sin(x).   dx = g * cos(x)."""
    X = input.data
    return record(_unary_float(_sin, X), "Sin", (input,), (lambda g: g * _cos(X),), saved=(input,))


def cos(input: Tensor) -> Tensor:
    """cos(x).   dx = -g * sin(x)."""
    X = input.data
    return record(_unary_float(_cos, X), "Cos", (input,), (lambda g: -g * _sin(X),), saved=(input,))


def relu(input: Tensor) -> Tensor:
    """max(x, 0).   dx = g where out != 0 (x > 0, or NaN), else 0, as PyTorch: a select, not
    a multiply, so an inf or NaN g at x <= 0 gives 0 (sqrt(relu(x)) has no NaN gradient)."""
    try:
        if input.data.dtype.kind in "bc":  # checked inline: relu is on every training step's path
            _refuse("relu", input.data, "b")
            _refuse("relu", input.data, "c", NotImplementedError)
    except AttributeError:  # not a Tensor (an ndarray's .data is a memoryview)
        check_tensor("relu", "input", input)
        raise
    out = np.maximum(0, input.data)  # (in this order -0.0 stays -0.0, as in PyTorch)
    return record(out, "Relu", (input,), (lambda g: _pass_where(out, g),), saves_out=True)


def _pass_where(mask: np.ndarray, g: np.ndarray) -> np.ndarray:
    """g where ``mask`` is nonzero, else 0 (+0.0, also for an inf or NaN g), as PyTorch's where.
    np.where branches per element, so on large arrays (10x a multiply at 256x512) g's bits
    are ANDed with an all-ones or all-zeros mask of the same width instead."""
    if mask.size <= 1024 or g.dtype != mask.dtype or g.dtype.kind != "f":
        return np.where(mask, g, 0)
    ints = np.dtype(f"i{g.itemsize}")
    bits = (mask != 0).astype(ints)
    np.negative(bits, out=bits)  # -1: all ones
    return np.bitwise_and(g.view(ints), bits, out=bits).view(g.dtype)


def sigmoid(input: Tensor) -> Tensor:
    """1 / (1 + exp(-x)).   dx = g * (1 - out) * out  (in PyTorch's order)."""
    try:
        out = _unary_float(expit, input.data)
    except AttributeError:  # not a Tensor
        check_tensor("sigmoid", "input", input)
        raise
    return record(out, "Sigmoid", (input,), (lambda g: g * (1 - out) * out,), saves_out=True)


@np.errstate(over="ignore")  # as a decorator it costs half of what a with-block does
def expit(X: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)) on an array, as PyTorch computes it (shared with nn's losses).

    For x below about -88 (float32) exp(-x) overflows to inf and the result is 0,
    as in PyTorch, so the overflow warning is silenced.
    """
    e = np.asarray(np.exp(np.negative(X)))  # asarray: a 0-d input gives a scalar
    e += 1
    return np.reciprocal(e, out=e)


def tanh(input: Tensor) -> Tensor:
    """tanh(x).   dx = g * (1 - out**2) (for float16 in float32, PyTorch's tanh_backward)."""
    try:
        out = _unary_float(np.tanh, input.data)
    except AttributeError:  # not a Tensor
        check_tensor("tanh", "input", input)
        raise
    vjp = _opmath_vjp(lambda g, o: g * (1 - o * o), out)
    return record(out, "Tanh", (input,), (vjp,), saves_out=True)


def round(input: Tensor, *, decimals: int = 0) -> Tensor:
    """x rounded half to even, at ``decimals`` places (rint(x * 10^d) / 10^d; float16 in
    float32, as PyTorch, where x * 10^d would overflow).
    dx = 0 (piecewise constant; PyTorch records the node all the same)."""
    X = input.data
    _refuse("round", X, "bc", NotImplementedError)
    if not isinstance(decimals, (builtins.int, np.integer)) or isinstance(decimals, builtins.bool):
        raise TypeError(f"round(): argument 'decimals' must be int, not {type(decimals).__name__}")
    if decimals and X.dtype.kind in "iu":
        raise NotImplementedError(f"round: decimals={decimals} is not supported for {X.dtype}")
    with np.errstate(over="ignore"):  # 65000 at decimals=-5 is 1e5: inf in float16
        out = np.round(dtypes.opmath(X), decimals).astype(X.dtype, copy=False)
    return record(out, "Round", (input,), (np.zeros_like,))


def clip_array(X: np.ndarray, lo: Any, hi: Any) -> np.ndarray:
    """np.clip, but x itself wherever it equals its clamped value, as PyTorch (clamping
    -0.0 at min 0 leaves -0.0; NumPy gives 0.0)."""
    out = np.asarray(np.clip(X, lo, hi))  # asarray: NumPy gives 0-d results as scalars
    if out.dtype.kind == "f":
        np.copyto(out, X, where=out == X, casting="unsafe")
    return out


def clamp(input: Tensor, min: Any = None, max: Any = None) -> Tensor:
    """x limited to [min, max] (max wins where min > max, as PyTorch).

    dx = g where min <= x <= max;   dmin = g where x < min < max;
    dmax = g where x > max or max < min  (bounds given as Tensors get gradients).
    """
    return clamp_op(input, min, max, "Clamp")


_WIDE_FLOATS = {np.dtype(t): float(np.finfo(t).max) for t in (np.float32, np.float64)}


def clamp_operands(X: np.ndarray, min: Any, max: Any) -> tuple:
    """(X, min, max) as arrays or numbers cast to clamp's result dtype, as PyTorch casts
    them: a number out of its range raises (300 for uint8, 1e39 for float32), -2 wraps to
    254 in uint8, and a 0-d uint8 200 beside int8 is -56."""
    lo = None if min is None else _operand(min, "clamp")
    hi = None if max is None else _operand(max, "clamp")
    numbers = (builtins.float, builtins.int, type(None))
    if X.dtype in _WIDE_FLOATS and type(lo) in numbers and type(hi) in numbers:
        top = _WIDE_FLOATS[X.dtype]  # the common case, without the general casts below
        for v in (lo, hi):
            if v is not None and top < builtins.abs(v) != math.inf:
                raise RuntimeError(f"value cannot be converted to type {X.dtype} without overflow")
        return X, lo, hi
    bounds = [v for v in (lo, hi) if v is not None]
    dt = dtypes.result_dtype(np.result_type(X, *bounds), (X, *bounds))
    X, lo, hi = (
        dtypes.check_fits(v, dt) if isinstance(v, (builtins.int, builtins.float))
        else v if v is None else _cast(v, dt)
        for v in (X, lo, hi)
    )  # fmt: skip
    _refuse("clamp", X, "c", NotImplementedError)  # complex numbers have no order
    return X, lo, hi


def check_bounds(name: str, min: Any, max: Any) -> None:
    """PyTorch's clamp takes both bounds as Tensors or both as numbers (a 0-d Tensor that
    requires no grad passes for a number): TypeError for a Tensor and a number."""
    tensors = [v for v in (min, max) if isinstance(v, Tensor)]
    if len(tensors) == 1 and min is not None and max is not None:
        if tensors[0].ndim or tensors[0].requires_grad:
            raise TypeError(
                f"{name}() received an invalid combination of arguments: min and max must "
                f"both be Tensors or both numbers, got {type(min).__name__} (shape "
                f"{np.shape(min)}) and {type(max).__name__} (shape {np.shape(max)})"
            )


def clamp_op(x: Tensor, min: Any, max: Any, name: str) -> Tensor:
    """clamp, clamp_min (``name`` "ClampMin") or clamp_max ("ClampMax"). As in PyTorch,
    the bounds are inputs of the graph only when one is a Tensor: clamp's both,
    clamp_min's and clamp_max's the one they take."""
    _no_barebones("clamp_scalar_cpu", x)
    if min is None and max is None:
        raise OpError("clamp: at least one of 'min' or 'max' must not be None")
    check_bounds("clamp", min, max)
    X, lo, hi = clamp_operands(x.data, min, max)
    try:
        out = clip_array(X, lo, hi)
    except ValueError:
        raise OpError(
            f"clamp: bounds of shapes {np.shape(lo)} and {np.shape(hi)} cannot be broadcast "
            f"to {X.shape}"
        ) from None
    bounds = tuple(v for v in (lo, hi) if v is not None)
    if out.dtype is not X.dtype or builtins.any(
        getattr(v, "dtype", X.dtype) != X.dtype for v in bounds
    ):
        out = _promoted(out, (X, *bounds))
    if out.dtype.kind == "b" and not builtins.all(isinstance(v, np.ndarray) for v in bounds):
        raise NotImplementedError("clamp: no kernel for a bool result with Python bool bounds")

    def vjp(g: np.ndarray) -> np.ndarray:
        keep = np.ones(g.shape, bool)  # a bound may broadcast the output beyond X
        if lo is not None:
            keep &= X >= lo
        if hi is not None:
            keep &= X <= hi
        return np.where(keep, g, 0)  # not g * keep: a masked inf or NaN gives 0, as PyTorch

    def vjp_min(g: np.ndarray) -> np.ndarray:
        below = X < lo if hi is None else (X < lo) & (lo < hi)
        return np.where(below, g, 0)

    def vjp_max(g: np.ndarray) -> np.ndarray:
        above = X > hi if lo is None else (X > hi) | (hi < lo)
        return np.where(above, g, 0)

    saved = _tensors(x, min, max)
    if len(saved) == 1:  # numbers for bounds
        return record(out, name, (x,), (vjp,), saved=saved)
    if name == "Clamp":
        return record(out, name, (x, min, max), (vjp, vjp_min, vjp_max), saved=saved)
    bound, vjp_bound = (min, vjp_min) if name == "ClampMin" else (max, vjp_max)
    return record(out, name, (x, bound), (vjp, vjp_bound), saved=saved)


clip = clamp


def maximum(input: Any, other: Any) -> Tensor:
    """max(a, b) elementwise.   Each input gets g where it is larger, g/2 at ties, 0 where
    it is smaller (exactly 0, even for an inf or NaN g); both get g next to a NaN, as PyTorch."""
    _no_barebones("maximum", input)
    _tensors_only("maximum", input, other, " (for a number, use clamp)")
    A, B, out = _binary("maximum", np.maximum, input, other)
    _refuse("maximum", out, "c")
    return record(
        out, "Maximum", (input, other),
        (lambda g: _unless(A < B, A == B, g), lambda g: _unless(B < A, A == B, g)),
        saved=_tensors(input, other),
    )  # fmt: skip


def minimum(input: Any, other: Any) -> Tensor:
    """min(a, b) elementwise.   As maximum, with the smaller input winning."""
    _no_barebones("minimum", input)
    _tensors_only("minimum", input, other, " (for a number, use clamp)")
    A, B, out = _binary("minimum", np.minimum, input, other)
    _refuse("minimum", out, "c")
    return record(
        out, "Minimum", (input, other),
        (lambda g: _unless(A > B, A == B, g), lambda g: _unless(B > A, A == B, g)),
        saved=_tensors(input, other),
    )  # fmt: skip


def _tensors_only(name: str, a: Any, b: Any, hint: str = "") -> None:
    """PyTorch's TypeError for an op of two Tensors (maximum, hypot, ...) given a number."""
    for arg, position, x in (("input", 1, a), ("other", 2, b)):
        if not isinstance(x, Tensor):
            raise TypeError(
                f"{name}(): argument '{arg}' (position {position}) must be Tensor, not "
                f"{type(x).__name__}{hint}"
            )


def _unless(loses: np.ndarray, ties: np.ndarray, g: np.ndarray) -> np.ndarray:
    """g where an input wins, g / 2 at ties, exactly 0 where it loses."""
    return np.where(loses, 0, np.where(ties, g / 2, g))


def where(condition: Any, input: Any, other: Any) -> Tensor:
    """a where condition else b.   da = g * cond,   db = g * (1 - cond)."""
    error = "where expected condition to be a boolean tensor, but got a tensor with dtype"
    if isinstance(condition, Tensor) and condition.data.dtype == np.uint8:
        C = _uint8_mask(condition.data, "where")
    else:
        C = _bool_mask(condition, error)
    A, B = _operand(input, "where"), _operand(other, "where")  # numbers stay weak in the promotion
    arrays = type(A) is np.ndarray and type(B) is np.ndarray
    try:
        out = np.where(C, A, B) if arrays else _where_numbers(C, A, B)
    except ValueError:
        raise OpError(
            f"where: shapes {np.shape(C)}, {np.shape(A)} and {np.shape(B)} cannot be broadcast "
            "together"
        ) from None
    if not arrays and out.dtype != dtypes.float16:  # PyTorch checks the numbers it casts
        for v in (A, B):  # (but not into a half)
            if type(v) is builtins.int or type(v) is builtins.float:
                dtypes.check_fits(v, out.dtype)
    elif arrays and not A.dtype is B.dtype is out.dtype:
        out = _promoted_quietly(out, (A, B))  # PyTorch's promotion (a 0-d operand counts less)
    vjps = (lambda g: np.where(C, g, 0), lambda g: np.where(C, 0, g))
    return record(out, "Where", (input, other), vjps, saved=_tensors(condition))


def _uint8_mask(M: np.ndarray, name: str) -> np.ndarray:
    """A uint8 mask, which PyTorch still reads as a bool mask (deprecated)."""
    warnings.warn(
        f"{name} with dtype uint8 is deprecated, please use a dtype bool instead.",
        UserWarning,
        stacklevel=4,
    )
    return M != 0


def _bool_mask(mask: Any, error: str) -> Any:
    """The array of a bool mask or condition; any other dtype raises ``error`` + its dtype."""
    M = _operand(mask)
    if np.asarray(M).dtype != np.bool_:
        raise RuntimeError(f"{error} {np.asarray(M).dtype}")
    return M


def masked_fill(x: Tensor, mask: Any, value: Any) -> Tensor:
    """x with ``value`` where ``mask`` (a bool tensor broadcast to x's shape), in x's dtype.
    dx = g where not mask,   dvalue = Σ g where mask  (a 0-d tensor value)."""
    _no_barebones("masked_fill", x)
    M = fill_mask("masked_fill", x, mask, value)
    X = x.data
    if (
        _mode.enabled
        and isinstance(value, Tensor)
        and value._requires_grad
        and X.dtype.kind not in "fc"
    ):
        raise RuntimeError(
            f"masked_fill: autograd does not support dtype {X.dtype} (value requires grad)"
        )
    out = _contiguous(np.where(M, _operand(value), X).astype(X.dtype, copy=False))
    vjp = lambda g: np.where(M, 0, g)  # noqa: E731
    if not isinstance(value, Tensor):  # a number is not an input of the graph, as in PyTorch
        return record(out, "MaskedFill", (x,), (vjp,), saved=_tensors(mask))
    vjps = (vjp, lambda g: np.asarray(np.add.reduce(g, None, where=M)))
    return record(out, "MaskedFill", (x, value), vjps, saved=_tensors(mask))


def fill_mask(name: str, x: Tensor, mask: Any, value: Any, inplace: bool = False) -> Any:
    """masked_fill's mask, after PyTorch's checks of mask and value. It must broadcast
    with x's shape; in place, to x's shape (out of place, x may be broadcast too)."""
    M = _bool_mask(mask, f"{name} only supports boolean masks, but got mask with dtype")
    if isinstance(value, Tensor) and value.data.ndim:
        raise RuntimeError(
            f"{name} only supports a 0-dimensional value tensor, but got tensor with "
            f"{value.data.ndim} dimension(s)"
        )
    # PyTorch reads a value Tensor as a number too (its item()), checked alike
    dtypes.check_fits(_operand(value, name), x.data.dtype)
    try:
        shape = np.broadcast_shapes(np.shape(M), x.data.shape)
    except ValueError:
        shape = None
    if shape is None or (inplace and shape != x.data.shape):
        raise OpError(
            f"{name}: mask of shape {np.shape(M)} does not broadcast to the tensor's shape "
            f"{x.data.shape}"
        )
    return M


# ---- reductions ----------------------------------------------------------------------


def _is_int(v: Any) -> bool:
    """An int, a NumPy int or a one-element integer Tensor (not a bool), as PyTorch's dims."""
    if isinstance(v, Tensor):
        return v.data.size == 1 and v.data.dtype.kind in "iu"
    return isinstance(v, (builtins.int, np.integer)) and not isinstance(v, builtins.bool)


def _axes(op: str, dim: Any, ndim: int, single: bool = False) -> tuple | None:
    """Normalize ``dim`` (None, int, or tuple; only an int if ``single``) to a tuple of
    non-negative axes; the errors name ``op``."""
    if dim is None:
        return None
    one = _is_int(dim)
    many = not single and isinstance(dim, (tuple, list)) and builtins.all(map(_is_int, dim))
    if not (one or many):
        raise TypeError(
            f"{op}: dim must be an int{'' if single else ' or a tuple of ints'}, got {dim!r}"
        )
    dims = (operator.index(dim),) if one else tuple(map(operator.index, dim))
    if not dims:  # dim=() reduces over every dimension, as in PyTorch
        return None
    n = builtins.max(ndim, 1)
    for d in dims:
        if not -n <= d < n:
            raise IndexError(
                f"{op}: Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                f"but got {d})"
            )
    axes = sorted(d % n for d in dims)
    for i in range(1, len(axes)):
        if axes[i] == axes[i - 1]:
            raise OpError(f"{op}: dim {axes[i]} appears multiple times in the list of dims {dims}")
    return tuple(axes) if ndim else ()


def _one_axis(op: str, arg: str, dim: Any, ndim: int) -> int:
    """``dim`` as one non-negative axis of ``ndim``; None is PyTorch's TypeError here."""
    if dim is None:
        raise TypeError(f"{op}(): argument '{arg}' must be int, not NoneType")
    axes = _axes(op, dim, ndim, single=True)
    return axes[0] if axes else 0  # a 0-d tensor's dim 0 or -1


def _expand_back(g: np.ndarray, axes: tuple | None, keepdim: bool, shape: tuple) -> np.ndarray:
    """Undo a reduction's shape: re-insert reduced axes and broadcast to ``shape``."""
    if axes and not keepdim:
        g = np.expand_dims(g, axes)
    return np.broadcast_to(g, shape)


def _count(X: np.ndarray, axes: Any) -> int:
    """How many elements a reduction over ``axes`` combines into each result."""
    if axes is None:
        return X.size
    return builtins.int(np.prod([X.shape[a] for a in np.atleast_1d(axes)]))


def _dim_or_all(op: str, dim: Any, keepdim: Any, none_ok: bool = True) -> tuple:
    """(dim, keepdim) of a reduction with PyTorch's two overloads: op() over every element,
    or op(dim, keepdim=False), where dim=None means every element only if ``none_ok``.
    keepdim without dim fits neither (TypeError, as PyTorch's)."""
    if dim is NOT_GIVEN:
        if keepdim is not NOT_GIVEN:
            raise TypeError(f"{op}(): keepdim needs a dim ({op}(dim, keepdim)), as in PyTorch")
        return None, False
    if dim is None and not none_ok:
        raise TypeError(f"{op}(): argument 'dim' must be int, not NoneType")
    return dim, False if keepdim is NOT_GIVEN else keepdim


def sum(
    input: Tensor, dim: Any = NOT_GIVEN, keepdim: Any = NOT_GIVEN, *, dtype: Any = None
) -> Tensor:
    """Σ over ``dim`` (all by default), in ``dtype`` if given (x cast to it first).
    dx = g broadcast back to x's shape."""
    dim, keepdim = _dim_or_all("sum", dim, keepdim)
    X = (
        input.data
        if dtype is None
        else input.data.astype(_reduce_dtype("sum", input, dtype), copy=False)
    )
    axes = _axes("sum", dim, X.ndim)
    check_bool("sum", "keepdim", keepdim)
    acc = dtypes.float32 if X.dtype is dtypes.float16 else dtype  # as PyTorch accumulates it
    out = _contiguous(sum_over(X, axes, keepdim, acc))  # C order, as PyTorch's
    if dtype is None and X.dtype.kind in "biu" and out.dtype != dtypes.int64:
        out = out.astype(dtypes.int64)  # PyTorch sums integers in int64
    elif acc is not dtype:
        out = out.astype(dtypes.float16)
    shape = X.shape
    return record(out, "Sum", (input,), (lambda g: _expand_back(g, axes, keepdim, shape),))


def _reduce_dtype(name: str, x: Tensor, dtype: Any) -> np.dtype:
    """A reduction's ``dtype=``: a minigrad dtype (``mg.float64``), and a float one if x
    is to carry a gradient through it, as PyTorch's."""
    if not isinstance(dtype, np.dtype):
        raise TypeError(f"{name}(): argument 'dtype' must be a dtype (mg.float64, ...), "
                        f"not {type(dtype).__name__}")  # fmt: skip
    if dtype.kind not in "fc" and x._requires_grad and _mode.enabled:
        raise RuntimeError(f"{name}: autograd does not support dtype {dtype} (the input "
                           "requires grad); use a floating point dtype")  # fmt: skip
    return dtype


def mean(
    input: Tensor, dim: Any = NOT_GIVEN, keepdim: Any = NOT_GIVEN, *, dtype: Any = None
) -> Tensor:
    """Mean over ``dim`` (all by default), in ``dtype`` if given (x cast to it first).
    dx = g / n broadcast back, n the number of averaged elements."""
    dim, keepdim = _dim_or_all("mean", dim, keepdim)
    X = (
        input.data
        if dtype is None
        else input.data.astype(_reduce_dtype("mean", input, dtype), copy=False)
    )
    _refuse("mean", X, "biu", hint=" (it needs a floating point dtype)")
    axes = _axes("mean", dim, X.ndim)
    check_bool("mean", "keepdim", keepdim)
    out = _contiguous(_mean(X, axes, keepdim))
    n = _count(X, axes)
    shape = X.shape
    m = n or 1  # (n = 0: x is empty, and so is its gradient)
    return record(out, "Mean", (input,), (lambda g: _expand_back(g / m, axes, keepdim, shape),))


def _spread_overload(name: str, dim: Any, unbiased: Any, keepdim: Any) -> tuple:
    """(dim, keepdim) of var or std. PyTorch's overload that takes ``unbiased`` without a
    dim takes nothing else: var(unbiased=True, keepdim=True) is its TypeError."""
    if dim is NOT_GIVEN:
        if unbiased is not NOT_GIVEN and keepdim is not NOT_GIVEN:
            raise TypeError(f"{name}(): unbiased and keepdim need a dim ({name}(dim, unbiased, "
                            "keepdim)), as in PyTorch")  # fmt: skip
        dim = None
    return dim, False if keepdim is NOT_GIVEN else keepdim


def _spread(
    x: Tensor, dim: Any, unbiased: Any, keepdim: bool, correction: int | None, name: str
) -> tuple:
    """What var and std share: the axes, the correction c, the deviations x - mean and the
    count n. The deviations are computed in float64 (PyTorch accumulates float32 in it)
    from x minus its first element along the axes, so that they are exactly 0 on a
    constant slice, as PyTorch's are: std's gradient is 0 there."""
    X = x.data
    _refuse(name, X, "biu", hint=" (it needs a floating point dtype)")
    if isinstance(dim, builtins.bool):  # PyTorch's overload var(unbiased)
        dim, unbiased = None, dim
    if unbiased is NOT_GIVEN:
        unbiased = True
    elif correction is not None:  # two overloads of PyTorch's: no call has both
        raise TypeError(
            f"{name}(): takes unbiased or correction, not both "
            f"(got unbiased={unbiased!r}, correction={correction!r})"
        )
    axes = _axes(name, dim, X.ndim)
    check_bool(name, "unbiased", unbiased)
    check_bool(name, "keepdim", keepdim)
    c = (1 if unbiased else 0) if correction is None else correction
    Xw = X.astype(np.complex128 if X.dtype.kind == "c" else np.float64, copy=False)
    first = tuple(slice(0, 1) if axes is None or i in axes else slice(None) for i in range(X.ndim))
    ref = Xw[first]
    D = Xw - np.where(np.isfinite(ref), ref, 0)  # an inf or NaN first element shifts nothing
    return X, axes, c, D - _mean(D, axes, True), _count(X, axes)


def _mean(X: np.ndarray, axes: Any, keepdim: bool) -> np.ndarray:
    """Σ x / n, the sum pairwise in every layout (engine.sum_over; float16 in float32), as
    np.mean; over no elements NaN, quietly (NumPy warns, PyTorch does not)."""
    wide = dtypes.float32 if X.dtype == dtypes.float16 else None
    total = sum_over(X, axes, keepdim, wide)
    return _true_divide(total, _count(X, axes)).astype(X.dtype, copy=False)


@np.errstate(divide="ignore", invalid="ignore", over="ignore")  # NaN, inf as PyTorch
def _variance(dev: np.ndarray, axes: Any, n: int, c: int, keepdim: bool, dtype: np.dtype,
              root: bool = False) -> np.ndarray:  # fmt: skip
    """Σ |dev|² / max(n - c, 0) over ``axes`` (``dev`` = x - mean, float64 or complex128),
    or its square root, cast to the real ``dtype`` (a float32 variance above 3.4e38 is inf,
    as PyTorch's). With no degrees of freedom left it is inf or NaN, and PyTorch's warning
    says why."""
    if n - c <= 0:
        warnings.warn(
            f"{'std' if root else 'var'}(): degrees of freedom is <= 0. Correction should be "
            "strictly less than the reduction factor (input numel divided by output numel).",
            UserWarning,
            stacklevel=3,
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        square = dev.real**2 + dev.imag**2 if dev.dtype.kind == "c" else dev * dev
        v = np.sum(square, axis=axes, keepdims=keepdim) / builtins.max(n - c, 0)
    return _contiguous((np.sqrt(v) if root else v).astype(dtypes.real_dtype(dtype)))


def var(input: Tensor, dim: Any = NOT_GIVEN, unbiased: Any = NOT_GIVEN, keepdim: Any = NOT_GIVEN, *,
        correction: int | None = None) -> Tensor:  # fmt: skip
    """Σ (x - mean)² / (n - c), c = 1 if unbiased.   dx = g * 2 (x - mean) / (n - c)."""
    dim, keepdim = _spread_overload("var", dim, unbiased, keepdim)
    X, axes, c, dev, n = _spread(input, dim, unbiased, keepdim, correction, "var")
    out = _variance(dev, axes, n, c, keepdim, X.dtype)

    def vjp(g: np.ndarray) -> np.ndarray:
        if n - c <= 0 and (axes is None or not X.ndim):  # PyTorch's 2 / (n - c) = inf
            return g * np.where(X == _mean(X, None, False), np.nan, np.inf)  # inf * 0 = NaN
        with np.errstate(divide="ignore", invalid="ignore"):  # n <= c: ±inf, as PyTorch
            return _expand_back(g, axes, keepdim, X.shape) * 2 * dev / (n - c)

    return record(out, "Var", (input,), (vjp,), saved=(input,))


def std(input: Tensor, dim: Any = NOT_GIVEN, unbiased: Any = NOT_GIVEN, keepdim: Any = NOT_GIVEN, *,
        correction: int | None = None) -> Tensor:  # fmt: skip
    """sqrt(var(x)).   dx = g * (x - mean) / ((n - c) * out)."""
    dim, keepdim = _spread_overload("std", dim, unbiased, keepdim)
    X, axes, c, dev, n = _spread(input, dim, unbiased, keepdim, correction, "std")
    out = _variance(dev, axes, n, c, keepdim, X.dtype, root=True)

    def vjp(g: np.ndarray) -> np.ndarray:  # 0 where out == 0 (a constant slice), as PyTorch
        if n - c <= 0 and (axes is None or not X.ndim):  # var's inf or NaN times g / (2 out)
            return np.full(X.shape, np.nan)
        o = _expand_back(out, axes, keepdim, X.shape)
        G = _expand_back(g, axes, keepdim, X.shape)
        q = np.divide(G, o, out=np.zeros(np.broadcast_shapes(G.shape, o.shape), o.dtype),
                      where=o != 0)  # 0 there even for an inf or NaN g  # fmt: skip
        with np.errstate(divide="ignore", invalid="ignore"):
            return q * dev / (n - c)

    return record(out, "Std", (input,), (vjp,), saved=(input,), saves_out=True)


def norm(input: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False) -> Tensor:
    """The vector p-norm over ``dim`` (all dims by default): (Σ |x|^p)^(1/p); max |x| for
    p = inf, min |x| for -inf, the count of nonzeros for 0; 'fro' (or None) is p = 2 (the
    other strings are matrix norms, which linalg_torch.norm dispatches). As PyTorch's
    linalg.vector_norm_backward, with s = sgn(x) and g, out broadcast back:
    p = 2: dx = g x / out (0 where out = 0);  p = 1: dx = g s;  p = ±inf: g s shared by the
    elements with |x| = out;  p = 0: none (x.grad stays None);
    else dx = g s |x|^(p-1) / out^(p-1)  (0 where out = 0; for p < 1, 0 where x = 0)."""
    X = input.data
    if p is None or p == "fro":
        p = 2.0
    elif isinstance(p, str):
        raise OpError(f"norm: p must be a number or 'fro', not {p!r}")
    elif not isinstance(p, numbers.Real):
        raise TypeError(f"norm(): argument 'p' must be a number or 'fro', not {type(p).__name__}")
    if X.dtype.kind not in "fc":  # torch.dist's message (torch.norm checks in linalg._float)
        raise OpError(
            "norm(): input dtype should be either floating point or complex. Got "
            f"{dtypes.torch_name(X.dtype)} instead."
        )
    axes = _axes("norm", dim, X.ndim)
    check_bool("norm", "keepdim", keepdim)
    A = np.abs(X)
    sizes = X.shape if axes is None else [X.shape[a] for a in axes]
    if math.isinf(p) or p < 0:
        if 0 in sizes:  # the max, min or Σ |x|^p of nothing has no value (no identity)
            raise RuntimeError(
                f"linalg.vector_norm cannot compute the {p} norm over an empty dim of {X.shape}"
            )
    if math.isinf(p):
        out = (np.max if p > 0 else np.min)(A, axis=axes, keepdims=keepdim)
    elif p == 0:
        out = np.sum(A != 0, axis=axes, keepdims=keepdim).astype(X.dtype)
    elif p == 1 or math.prod(sizes) == 1:
        # over one element the norm is |x|, as PyTorch's (no |x|^p to overflow or underflow:
        # [1e300].norm() is 1e300; over more elements PyTorch does not rescale, nor does this)
        out = np.sum(A, axis=axes, keepdims=keepdim)
    elif p == 2:
        out = np.sqrt(np.sum(dtypes.opmath(A) ** 2, axis=axes, keepdims=keepdim))
    else:
        with np.errstate(divide="ignore", over="ignore"):  # 0 ** -1 = inf, as PyTorch
            out = np.sum(dtypes.opmath(A) ** p, axis=axes, keepdims=keepdim) ** (1 / p)
    out = _contiguous(np.asarray(out, A.dtype))
    shape = X.shape

    @_quiet
    def vjp(g: np.ndarray) -> np.ndarray:
        g, o, s = (
            _expand_back(g, axes, keepdim, shape),
            _expand_back(out, axes, keepdim, shape),
            sgn(X, X.dtype),
        )
        if p == 1:
            return s * g
        if p == 2:
            return g * np.where(o == 0, 0, X / o)
        if math.isinf(p):
            hit = (A == o) | np.isnan(A)
            return s * (g / np.sum(hit, axis=axes, keepdims=True) * hit)
        if p < 1:
            return s * np.where(X == 0, 0, A ** (p - 1)) * g * o ** (1 - p)
        scale = np.where(o == 0, 0, g / o ** (p - 1))
        return (s * A ** (p - 1) if p < 2 else X * A ** (p - 2)) * scale

    # p = 0: PyTorch's backward gives no gradient at all (x.grad stays None)
    return record(out, "LinalgVectorNorm", (input,), (None if p == 0 else vjp,), saved=(input,),
                  saves_out=True)  # fmt: skip


def _extreme(name: str, fn: Any, x: Tensor, dim: Any, keepdim: bool) -> Tensor:
    """amax/amin: the gradient is shared evenly by the elements equal to the result."""
    X = x.data
    _no_barebones(f"{name}_all", X)
    axes = _axes(name, dim, X.ndim)
    check_bool(name, "keepdim", keepdim)
    _check_nonempty(name, X, axes)
    if X.size:  # (PyTorch's kernel is not called for an empty result)
        _refuse(name, X, "c", NotImplementedError)
    out = _contiguous(fn(X, axis=axes, keepdims=keepdim))
    shape = X.shape

    def vjp(g: np.ndarray) -> np.ndarray:
        hit = X == _expand_back(out, axes, keepdim, shape)
        count = np.sum(hit, axis=axes, keepdims=True)
        return _true_divide(_expand_back(g, axes, keepdim, shape) * hit, count)  # NaN: 0 / 0

    def vjp_whole(g: np.ndarray) -> np.ndarray:  # max()/min(): NaNs are the extreme if any
        hit = np.isnan(X) if np.isnan(out) else X == out
        return np.where(hit, g / np.count_nonzero(hit), 0)

    whole = dim is None and name in ("max", "min")
    return record(out, name.capitalize(), (x,), (vjp_whole if whole else vjp,), saved=(x,),
                  saves_out=True)  # fmt: skip


def amax(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Largest value over ``dim``; ties share the gradient evenly."""
    return _extreme("amax", np.max, input, dim, keepdim)


def amin(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Smallest value over ``dim``; ties share the gradient evenly."""
    return _extreme("amin", np.min, input, dim, keepdim)


Max = return_type("max", ["values", "indices"])
Min = return_type("min", ["values", "indices"])


def _extreme_dim(name: str, arg: Any, x: Tensor, dim: int, keepdim: bool) -> tuple:
    """max/min along ``dim``: (values, indices); the gradient goes to the returned index."""
    X = x.data
    _no_barebones(f"{name}_values_cpu", X)
    _refuse(name, X, "c")
    result = Max if name == "max" else Min
    check_bool(name, "keepdim", keepdim)
    if X.ndim == 0:  # the element itself, at index 0 (dim 0 or -1, as for one dim)
        _axes(name, dim, 1, single=True)
        value = record(X.copy(), name.capitalize(), (x,), (identity,))
        return result(value, _new(np.zeros((), np.int64)))
    d = _axes(name, dim, X.ndim, single=True)[0]
    _check_nonempty(name, X, (d,))
    idx = np.expand_dims(arg(X, axis=d), d)
    indices = _new(idx if keepdim else np.squeeze(idx, d))
    return result(_select(name, x, idx, d, keepdim, indices), indices)


def _select(
    name: str, x: Tensor, idx: np.ndarray, d: int, keepdim: bool, indices: Tensor
) -> Tensor:
    """x's values at ``idx`` along d; the VJP reads the returned ``indices``' array."""
    X = x.data
    out = _contiguous(np.take_along_axis(X, idx, d))
    if not keepdim:
        out = np.squeeze(out, d)
    shape = X.shape

    def vjp(g: np.ndarray) -> np.ndarray:
        dx = np.zeros(shape, g.dtype)
        np.put_along_axis(dx, idx, g if keepdim else np.expand_dims(g, d), d)
        return dx

    return record(out, name.capitalize(), (x,), (vjp,), saved=(indices,))


def _whole_or_dim(name: str, dim: Any) -> Any:
    """max's and min's dim: NOT_GIVEN for the whole tensor; an explicit None is PyTorch's
    TypeError (it has no overload for it), not the whole tensor."""
    if dim is None:
        raise TypeError(f"{name}(): argument 'dim' must be int, not NoneType")
    return dim


def max(
    input: Tensor, dim: Any = NOT_GIVEN, keepdim: Any = NOT_GIVEN, *, other: Any = NOT_GIVEN
) -> Any:
    """max(): the largest element (ties share the gradient); max(dim): (values, indices).

    ``max(a, b)`` with a Tensor ``b`` is ``maximum(a, b)``, as in PyTorch; with a
    ``keepdim``, a one-element integer Tensor is a dim.
    """
    if other is not NOT_GIVEN:  # PyTorch's overload max(input, other)
        if dim is not NOT_GIVEN or keepdim is not NOT_GIVEN:
            raise TypeError("max(): takes other, or dim and keepdim, not both")
        return maximum(input, other)
    if isinstance(dim, Tensor) and keepdim is NOT_GIVEN:
        return maximum(input, dim)
    dim = _whole_or_dim("max", dim)
    keepdim = False if keepdim is NOT_GIVEN else keepdim
    if dim is NOT_GIVEN:
        if keepdim is not False:
            raise TypeError("max(): keepdim needs a dim (max(dim, keepdim)), as in PyTorch")
        return _extreme("max", np.max, input, None, False)
    return _extreme_dim("max", np.argmax, input, dim, keepdim)


def min(
    input: Tensor, dim: Any = NOT_GIVEN, keepdim: Any = NOT_GIVEN, *, other: Any = NOT_GIVEN
) -> Any:
    """min(): the smallest element (ties share the gradient); min(dim): (values, indices)."""
    if other is not NOT_GIVEN:  # PyTorch's overload min(input, other)
        if dim is not NOT_GIVEN or keepdim is not NOT_GIVEN:
            raise TypeError("min(): takes other, or dim and keepdim, not both")
        return minimum(input, other)
    if isinstance(dim, Tensor) and keepdim is NOT_GIVEN:
        return minimum(input, dim)
    dim = _whole_or_dim("min", dim)
    keepdim = False if keepdim is NOT_GIVEN else keepdim
    if dim is NOT_GIVEN:
        if keepdim is not False:
            raise TypeError("min(): keepdim needs a dim (min(dim, keepdim)), as in PyTorch")
        return _extreme("min", np.min, input, None, False)
    return _extreme_dim("min", np.argmin, input, dim, keepdim)


TopK = return_type("topk", ["values", "indices"])


def sort_order(X: np.ndarray, d: int, descending: bool) -> np.ndarray:
    """The stable order along d: ascending with NaN last, or descending with NaN first and
    equal elements in their original order (as PyTorch)."""
    if not descending:
        return np.argsort(X, axis=d, kind="stable")
    return X.shape[d] - 1 - np.flip(np.argsort(np.flip(X, d), axis=d, kind="stable"), d)


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> TopK:
    """The k largest (or smallest) elements along ``dim`` and their indices, largest
    first (smallest first with ``largest=False``; NaN counts as largest); always sorted.
    dx = g at the picked indices, 0 elsewhere.
    Equal elements come in index order, as ``sort(stable=True)``. PyTorch's order of ties
    is whatever its partial sort (std::nth_element, std::partial_sort) leaves, which no
    simple rule gives, so the indices of tied values may differ from PyTorch's (a divergence)."""
    _no_barebones("topk_cpu", input)
    X = input.data
    if not _is_int(k) or isinstance(k, Tensor):
        raise TypeError(f"topk(): argument 'k' must be int, not {type(k).__name__}")
    _refuse("topk", X, "bc")
    check_bool("topk", "largest", largest)
    check_bool("topk", "sorted", sorted)
    d = _one_axis("topk", "dim", dim, X.ndim)
    n = X.shape[d] if X.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError(f"topk: selected index k out of range: k={k} for a dim of size {n}")
    if X.ndim == 0:  # the element itself, at index 0, for k 0 or 1 (as PyTorch)
        return TopK(record(X.copy(), "Topk", (input,), (identity,)), _new(np.zeros((), np.int64)))
    idx = np.take(sort_order(X, d, largest), np.arange(k), axis=d)
    indices = _new(idx)
    return TopK(_select("topk", input, idx, d, True, indices), indices)


def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """Index of the largest value (of the flattened tensor when ``dim`` is None)."""
    return _new(np.asarray(_arg(np.argmax, input.data, dim, keepdim), dtype=np.int64))


def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """Index of the smallest value (of the flattened tensor when ``dim`` is None)."""
    return _new(np.asarray(_arg(np.argmin, input.data, dim, keepdim), dtype=np.int64))


def _arg(fn: Any, X: np.ndarray, dim: int | None, keepdim: bool) -> Any:
    _refuse(fn.__name__, X, "bc")
    _no_barebones(f"{fn.__name__}_cpu", X)
    axes = _axes(fn.__name__, dim, X.ndim, single=True)
    check_bool(fn.__name__, "keepdim", keepdim)
    _check_nonempty(fn.__name__, X, axes, IndexError)
    if dim is None:
        r = fn(X)
        return np.reshape(r, (1,) * X.ndim) if keepdim else r
    return fn(X, axis=axes[0] if X.ndim else None, keepdims=keepdim)


def _check_nonempty(
    name: str, X: np.ndarray, axes: tuple | None, whole_error: type = RuntimeError
) -> None:
    """A max, min or arg-extreme needs elements along every reduced dim (PyTorch's errors:
    for the whole tensor a RuntimeError, an IndexError for argmax/argmin)."""
    if X.size:
        return
    if axes is None:
        raise whole_error(
            f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
            "Specify the reduction dim with the 'dim' argument."
        )
    for d in axes:
        if X.shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


# ---- softmax -------------------------------------------------------------------------


def softmax(input: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """exp(x) / Σ exp(x) along ``dim``, of x cast to ``dtype`` first if given.
    dx = out * (g - Σ g * out)."""
    if dtype is not None:
        input = to(input, dtypes.as_dtype(dtype, "softmax"))
    X = input.data
    _refuse("softmax", X, "biu", NotImplementedError)
    if dim is None:  # not all elements, as a None axis would make it
        raise TypeError("softmax(): argument 'dim' must be int, not NoneType")
    d = _axes("softmax", dim, X.ndim, single=True)
    if X.size:
        _refuse("softmax", X, "c", NotImplementedError)  # (an empty x is returned as it is)
        W = dtypes.opmath(X)  # float16 in float32, rounded once, as PyTorch
        e = np.asarray(_minus(W, np.max(W, axis=d, keepdims=True)))  # (0-d x: a scalar)
        np.exp(e, out=e)  # in place: one array of x's size, not three
        total = np.sum(e, axis=d, keepdims=True)
        if X.dtype == np.float16 and not _along_last(d, X.ndim) and _inner(d, X.shape) < 16:
            e = e.astype(np.float16).astype(np.float32)  # PyTorch's kernel across inner dims
            # of fewer than 16 elements holds exp(x - max) in float16 (not the sum)
        e /= total
        out = _contiguous(e.astype(X.dtype, copy=False))
    else:  # nothing to normalize (np.max of an empty axis raises)
        out = X.copy()
    vjp = _opmath_vjp(lambda g, o: o * (g - np.sum(g * o, axis=d, keepdims=True)), out)
    return record(out, "Softmax", (input,), (vjp,), saves_out=True)


def _opmath_vjp(vjp: Any, out: np.ndarray) -> Any:
    """g -> vjp(g, out); for float16 computed in float32 and rounded once, as PyTorch."""
    if out.dtype != np.float16:
        return lambda g: vjp(g, out)
    return lambda g: vjp(g.astype(np.float32), out.astype(np.float32)).astype(np.float16)


def log_softmax(input: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """x - log Σ exp(x) along ``dim`` (max subtracted first), of x cast to ``dtype`` first
    if given.   dx = g - exp(out) * Σ g."""
    if dtype is not None:
        input = to(input, dtypes.as_dtype(dtype, "log_softmax"))
    _refuse("log_softmax", input.data, "biu", NotImplementedError)
    if dim is None:
        raise TypeError("log_softmax(): argument 'dim' must be int, not NoneType")
    d = _axes("log_softmax", dim, input.data.ndim, single=True)
    out = _contiguous(log_softmax_array(input.data, d))
    return record(out, "LogSoftmax", (input,), (log_softmax_vjp(out, d),), saves_out=True)


def log_softmax_vjp(out: np.ndarray, d: Any) -> Any:
    """g -> g - exp(out) Σ g along d, log_softmax's VJP (shared with cross-entropy's float16
    gradient); float16 in float32, rounded once."""
    return _opmath_vjp(lambda g, o: g - np.exp(o) * np.sum(g, axis=d, keepdims=True), out)


def logsumexp(input: Tensor, dim: Any, keepdim: bool = False) -> Tensor:
    """log Σ exp(x) over ``dim`` (int or tuple), the max subtracted first unless it is ±inf
    (as PyTorch: an all -inf slice gives -inf, a +inf gives inf). Integers and bools are
    computed in the default float dtype.   dx = g * exp(x - out) = g * softmax(x, dim)."""
    X = input.data
    if X.dtype.kind in "biu":
        X = X.astype(dtypes.get_default_dtype())
    if dim is None:
        raise TypeError("logsumexp(): argument 'dim' must be tuple of ints, not NoneType")
    check_bool("logsumexp", "keepdim", keepdim)
    if isinstance(dim, (tuple, list)) and not dim and X.ndim:
        if not keepdim:  # PyTorch reduces all dims into an output of shape () and then fails
            raise RuntimeError(
                f"logsumexp: dim=() reduces all dims of a tensor of shape {X.shape}, "
                "which PyTorch supports only with keepdim=True"
            )
        dim = tuple(range(X.ndim))
    axes = _axes("logsumexp", dim, X.ndim)
    m = np.max(X.real, axis=axes, keepdims=True, initial=-np.inf)  # (a complex x: real parts,
    m = np.where(np.isinf(m), 0, m)  # so the log's imaginary part stays in (-π, π])
    wide = np.float32 if X.dtype == np.float16 else None  # PyTorch sums float16 in float32
    total = sum_over(np.exp(X - m), axes, True, wide).astype(X.dtype, copy=False)
    with np.errstate(divide="ignore"):  # log(0) = -inf for an all -inf or empty slice
        kept = np.log(total) + m
    out = _contiguous(kept if keepdim else np.squeeze(kept, axes))

    @_quiet  # -inf - -inf is NaN, as in PyTorch's gradient
    def vjp(g: np.ndarray) -> np.ndarray:
        return _expand_back(g, axes, keepdim, X.shape) * np.exp(X - kept)

    return record(out, "Logsumexp", (input,), (vjp,), saved=(input,), saves_out=True)


def _inner(axis: Any, shape: tuple) -> int:
    """How many elements follow each of a softmax's ``axis`` (an int, or a tuple of one)."""
    return math.prod(shape[np.ravel(axis)[0] % len(shape) + 1 :]) if shape else 1


def _along_last(axis: Any, ndim: int) -> bool:
    """Whether a softmax over ``axis`` (an int, or a tuple of one) runs along the last dim."""
    axes = np.ravel(axis)
    return ndim > 0 and axes.size == 1 and axes[0] % ndim == ndim - 1


def log_softmax_array(X: np.ndarray, axis: Any) -> np.ndarray:
    """x - log Σ exp(x) along ``axis`` on an array, the maximum subtracted first so that
    no exp overflows (shared with nn's cross-entropy); float16 in float32, rounded once."""
    if not X.size:  # nothing to normalize (np.max of an empty axis raises)
        return X.copy()
    if X.dtype.kind == "c":  # (checked inline: cross-entropy is on a training step's path)
        _refuse("log_softmax", X, "c", NotImplementedError)
    half = X.dtype == np.float16
    W = X.astype(np.float32) if half else X
    shifted = np.asarray(_minus(W, np.max(W, axis=axis, keepdims=True)))  # (0-d x: a scalar)
    total = np.sum(np.exp(shifted), axis=axis, keepdims=True)
    if not half:
        shifted -= np.log(total)
        return shifted
    if _along_last(axis, X.ndim):  # PyTorch's kernel holds the sum and its log in float16
        total = np.log(total.astype(np.float16).astype(np.float32)).astype(np.float16)
        return (shifted - total).astype(np.float16)
    return (shifted - np.log(total)).astype(np.float16)


# ---- shape ---------------------------------------------------------------------------


def _view(out: np.ndarray, x: Tensor, name: str, vjp: Any) -> Tensor:
    """Record a shape op."""
    return _as_view(record(out, name, (x,), (vjp,)), x)


def _shares(out: np.ndarray, X: np.ndarray) -> bool:
    """Whether ``out``, made from X by a shape op, is a view of it. (An empty view shares no
    bytes with X, but PyTorch counts it as a view all the same.)"""
    return np.may_share_memory(out, X) or (out.size == 0 and out.base is not None)


def _as_view(t: Tensor, x: Tensor, multi_output: bool = False) -> Tensor:
    """t, the result of a shape op on x. If it shares x's memory it shares its version
    counter and joins x's Views (a view of a view taken under no_grad counts as taken so
    too; so does one of a ``multi_output`` op's views, one of several that op returns)."""
    if _shares(t.data, x.data):
        t._version = x._version
        if x._views is None:
            x._views = Views(x)
        views = t._views = x._views
        views.live.add(t)
        # kept alive (a change to t in place is a change to it), or the nearest view
        # between that is a leaf requiring grad (which keeps the base alive)
        base = views.base()
        if x is base or (x._requires_grad and x._node is None):
            t._base = x
        else:
            t._base = getattr(x, "_base", base)
        if not _mode.enabled or views.taken_under_no_grad(x):
            views.add_no_grad(t)
        elif multi_output or views.from_multi_output(x):
            views.add_multi_output(t)
    return t


def reshape(input: Tensor, *shape: Any) -> Tensor:
    """x with a new shape (-1 inferred).   dx = g reshaped back."""
    return _reshape(input, size_arg(shape, "reshape"))


def _reshape(x: Tensor, shape: tuple, name: str | None = None) -> Tensor:
    """reshape, its node named ``name``, or as PyTorch's reshape records it: a View of a
    contiguous x, a ReshapeAlias of a strided one; where it copies, a Clone of x (in C
    order) and an UnsafeView of that, which is not a view."""
    X = x.data
    op = "view" if name == "View" else "reshape"
    if builtins.any(n < -1 for n in shape):
        raise OpError(f"{op}: invalid shape dimension in {shape}")
    try:
        out = X.reshape(shape)
    except ValueError:
        raise OpError(f"{op}: shape {shape} is invalid for input of shape {X.shape} "
                      f"({X.size} elements)") from None  # fmt: skip
    old = X.shape
    back = lambda g: g.reshape(old)  # noqa: E731
    if name is None and x._requires_grad and _mode.enabled and not _shares(out, X):
        copy = record(out.reshape(old), "Clone", (x,), (identity,))
        return record(out, "UnsafeView", (copy,), (back,))
    t = _view(out, x, name or "View", back)
    if name is None and t._node is not None:
        t._node._name = "View" if X.flags.c_contiguous else "ReshapeAlias"
    return t


def _unsafe_view(x: Tensor, shape: tuple, name: str = "UnsafeView") -> Tensor:
    """x reshaped, sharing its memory but not a view of it (PyTorch's _unsafe_view; or its
    view of an op's internal result, which only that view holds: to minigrad, whose views
    do not keep their base alive, the same). Its own version: an op that saves it does not
    see later changes to x."""
    old = x.data.shape
    return record(x.data.reshape(shape), name, (x,), (lambda g: g.reshape(old),))


def view(x: Tensor, *shape: Any) -> Tensor:
    """reshape that shares x's memory, or raises where that needs a copy (as PyTorch)."""
    out = _reshape(x, size_arg(shape, "view"), "View")
    if out.data.size and out._version is not x._version:  # a copy: not a view of x
        raise RuntimeError(
            f"view: view size is not compatible with input tensor's size and stride (at least "
            f"one dimension spans across two contiguous subspaces): shape {x.data.shape} with "
            f"strides {x.data.strides} to {out.data.shape}. Use .reshape(...) instead."
        )
    return out


def view_dtype(x: Tensor, dtype: np.dtype) -> Tensor:
    """x's memory read as ``dtype`` (its last dim scaled by the ratio of the element sizes),
    sharing x's memory and version counter; no gradient, as PyTorch's view(dtype)."""
    X = x.data
    if dtype.itemsize != X.itemsize:
        names = f"{dtypes.torch_name(X.dtype)} as {dtypes.torch_name(dtype)}"
        what = f"to view {names} (different element sizes)"
        if X.ndim == 0:
            raise RuntimeError(f"view: self.dim() cannot be 0 {what}")
        strides = x.stride()
        if strides[-1] != 1:
            raise RuntimeError(f"view: self.stride(-1) must be 1 {what}, but got {strides[-1]}")
        ratio = dtype.itemsize // X.itemsize
        if ratio > 1:  # whole wider elements: the last size, the other strides, the offset
            bad = [("size(-1)", X.shape[-1])]
            bad += [(f"stride({d})", s) for d, s in enumerate(strides[:-1])]
            bad += [("storage_offset()", x.storage_offset())]
            for name, n in bad:
                if n % ratio:
                    raise RuntimeError(
                        f"view: self.{name} must be divisible by {ratio} {what}, but got {n}"
                    )
    return Tensor._new(X.view(dtype), x._version)


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """x with two dimensions swapped.   dx = g with them swapped back."""
    X = input.data
    d0, d1 = (
        _one_axis("transpose", "dim0", dim0, X.ndim),
        _one_axis("transpose", "dim1", dim1, X.ndim),
    )
    if X.ndim == 0:
        return _view(X, input, "Transpose", identity)
    return _view(np.swapaxes(X, d0, d1), input, "Transpose", lambda g: np.swapaxes(g, d0, d1))


def permute(input: Tensor, *dims: Any) -> Tensor:
    """x with dimensions reordered.   dx = g with the inverse permutation."""
    if not dims:
        raise TypeError('permute() missing 1 required positional arguments: "dims"')
    dims = size_arg(dims, "permute")
    X = input.data
    n = builtins.max(X.ndim, 1)
    if len(dims) == X.ndim and not builtins.all(-n <= d < n for d in dims):
        raise IndexError(f"permute: dims {dims} out of range for a tensor of {X.ndim} dims")
    if sorted(d % n for d in dims) != list(range(X.ndim)):
        raise OpError(
            f"permute: dims {dims} are not a permutation of the {X.ndim} dims of {X.shape}"
        )
    inverse = tuple(np.argsort([d % X.ndim for d in dims])) if X.ndim else ()
    return _view(np.transpose(X, dims), input, "Permute", lambda g: np.transpose(g, inverse))


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dimensions start_dim..end_dim into one."""
    shape = input.data.shape
    start = _axes("flatten", start_dim, len(shape), True)
    end = _axes("flatten", end_dim, len(shape), True)
    if not shape:
        return reshape(input, 1)
    s, e = start[0], end[0]
    if s > e:
        raise OpError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    if s == e:  # nothing to merge: x itself, as PyTorch returns it
        return input
    return reshape(input, *shape[:s], math.prod(shape[s : e + 1]), *shape[e + 1 :])


def squeeze(input: Tensor, dim: Any = None) -> Tensor:
    """Remove dimensions of size 1 (all, or those in ``dim`` that have size 1)."""
    shape = input.data.shape
    # dim=() squeezes nothing (unlike a reduction's dim=(), which is every dim)
    axes = (_axes("squeeze", dim, len(shape)) or ()) if dim is not None else range(len(shape))
    keep = [n for i, n in enumerate(shape) if not (i in axes and n == 1)]
    return _reshape(input, tuple(keep), "Squeeze")


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """Insert a dimension of size 1 at ``dim``."""
    d = _one_axis("unsqueeze", "dim", dim, input.data.ndim + 1)
    shape = list(input.data.shape)
    shape.insert(d, 1)
    return _reshape(input, tuple(shape), "Unsqueeze")


def expand(x: Tensor, *shape: Any) -> Tensor:
    """x broadcast to ``shape`` (-1 keeps a size).   dx = g summed back (by the engine)."""
    X = x.data
    shape = size_arg(shape, "expand")
    lead = len(shape) - X.ndim
    target = tuple(X.shape[i - lead] if n == -1 and i >= lead else n for i, n in enumerate(shape))
    try:
        out = np.broadcast_to(X, target)
    except ValueError:
        raise OpError(f"expand: shape {X.shape} cannot be expanded to {shape}") from None
    if out.size == X.size and not builtins.any(
        s == 0 and n > 1 for s, n in zip(out.strides, target)
    ):
        out = X.reshape(target)  # no element repeats: a writable view, as in PyTorch
    elif X.flags.writeable:  # writable as in PyTorch, where no element of the part repeats
        out = np.lib.stride_tricks.as_strided(X, target, out.strides)
    return _view(out, x, "Expand", identity)


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """x with the elements above diagonal ``diagonal`` of its last two dims zeroed
    (j - i > diagonal).   dx = tril(g, diagonal)."""
    _no_barebones("tril", input)
    return _triangle("tril", np.tril, input, diagonal)


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """x with the elements below diagonal ``diagonal`` of its last two dims zeroed
    (j - i < diagonal).   dx = triu(g, diagonal)."""
    _no_barebones("triu", input)
    return _triangle("triu", np.triu, input, diagonal)


def _triangle(name: str, fn: Any, x: Tensor, k: int) -> Tensor:
    X = x.data
    if X.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions, got {X.shape}")
    if not _is_int(k):
        raise TypeError(f"{name}(): argument 'diagonal' must be int, not {type(k).__name__}")
    k = operator.index(k)
    return record(_contiguous(fn(X, k)), name.capitalize(), (x,), (lambda g: fn(g, k),))


def _contiguous(a: Any) -> Any:
    """``a`` in C order. NumPy gives results the layout of their input; PyTorch makes
    these ops' results (softmax, advanced indexing, cat, ...) contiguous, so that
    ``view`` of them works and ``reshape`` of them is a view."""
    return a if a.flags.c_contiguous else a.copy()


_SEQUENCES = (Tensor, list, tuple, range, np.ndarray, slice)


def legacy_tuple(index: list) -> Any:
    """A list index of ``t[index]`` as PyTorch reads it: as a tuple when it is shorter than 32
    and holds a sequence, a Tensor, a slice, None or '...' (NumPy's old rule, deprecated in
    PyTorch but still what it does: x[[rows, cols]] is x[rows, cols])."""
    if len(index) < 32:
        for p in index:
            if isinstance(p, _SEQUENCES) or p is None or p is Ellipsis:
                warnings.warn(
                    "Using a non-tuple sequence for multidimensional indexing is deprecated; "
                    "use x[tuple(seq)] instead of x[seq]",
                    UserWarning,
                    stacklevel=3,
                )
                return tuple(index)
    return index


def _index(index: Any, ndim: int) -> Any:
    """Turn Tensors in an index (of a tensor of ``ndim`` dims) into arrays, read it as
    PyTorch does where NumPy differs, and reject what PyTorch rejects."""
    parts = index if isinstance(index, tuple) else (index,)
    out = []
    for p in parts:
        if isinstance(p, Tensor):
            p = p.data
            if p.dtype.kind in "iu" and p.dtype not in dtypes.MASK_OR_INDEX:
                raise IndexError(f"index: tensors used as indices must be long, int, byte or "
                                 f"bool tensors, got {p.dtype}")  # fmt: skip
        elif isinstance(p, list):
            p = np.asarray(p) if p else np.zeros(0, np.int64)  # [] selects nothing
            if p.dtype.kind not in "biu":
                raise IndexError(f"index: list indices must be integers or booleans, got {p.dtype}")
        elif isinstance(p, slice) and p.step is not None and p.step <= 0:
            raise ValueError("index: step must be greater than zero")
        elif isinstance(p, bool):  # PyTorch: a new dim of size 1 (True) or 0, indexed: a copy
            p = np.array(p)
        elif isinstance(p, np.ndarray) and not p.size and p.dtype.kind == "f":
            p = p.astype(np.int64)  # PyTorch reads an array as a list, and an empty one as []
        if isinstance(p, np.ndarray) and p.dtype.kind not in "biu":
            raise IndexError(f"index: tensors used as indices must be long or bool, got {p.dtype}")
        if isinstance(p, np.ndarray) and p.dtype == np.uint8:
            p = _uint8_mask(p, "indexing")
        if isinstance(p, np.ndarray) and p.ndim == 0 and p.dtype.kind in "iu":
            p = builtins.int(p)  # a 0-d integer tensor indexes as an int: a view
        out.append(p)
    if builtins.any(isinstance(p, np.ndarray) for p in out):
        out = _expand_ellipsis(out, ndim)
    return tuple(out) if isinstance(index, tuple) else out[0]


def _expand_ellipsis(parts: list, ndim: int) -> list:
    """'...' as the slices it stands for. NumPy counts even an empty '...' as separating
    the tensor indices around it (their dims then go first); PyTorch does not."""
    at = [i for i, p in enumerate(parts) if p is Ellipsis]
    if len(at) != 1:
        return parts
    used = builtins.sum(
        (p.ndim if p.dtype.kind == "b" else 1) if isinstance(p, np.ndarray) else p is not None
        for p in parts
        if p is not Ellipsis
    )
    if used > ndim:
        return parts  # too many indices: NumPy's error
    return parts[: at[0]] + [slice(None)] * (ndim - used) + parts[at[0] + 1 :]


def _index_tensors(index: Any) -> tuple:
    """The Tensors in an index: the VJPs read their arrays (saved for the version check)."""
    return _tensors(*(index if isinstance(index, tuple) else (index,)))


def _split_index(index: Any) -> tuple | None:
    """(basic part, tensor part) to apply one after the other, as PyTorch does, or None
    when NumPy already orders the result's dims as PyTorch.

    PyTorch applies ints, slices and None first and then the tensor indices to what is
    left; NumPy counts an int as an advanced index when arrays are present, which can
    move the result's dims (x[1, :, idx] is (n, k) in PyTorch, (k, n) in NumPy).
    """
    if not isinstance(index, tuple):
        return None
    ints = [isinstance(p, (builtins.int, np.integer)) and not isinstance(p, bool) for p in index]
    arrays = [isinstance(p, np.ndarray) for p in index]
    if not builtins.any(arrays) or not builtins.any(i or p is None for i, p in zip(ints, index)):
        return None
    basic, advanced = [], []
    for p, is_int, is_array in zip(index, ints, arrays):
        if is_array:
            basic += [slice(None)] * (p.ndim if p.dtype.kind == "b" else 1)
            advanced.append(p)
            continue
        basic.append(p)
        if p is Ellipsis:
            advanced.append(p)
        elif not is_int:  # an int's dim is gone; a slice's or None's is there to pass
            advanced.append(slice(None))
    return tuple(basic), tuple(advanced)


def _is_basic(index: Any) -> bool:
    parts = index if isinstance(index, tuple) else (index,)
    return builtins.all(
        isinstance(p, (builtins.int, np.integer, slice)) or p is None or p is Ellipsis
        for p in parts
    )


def _index_steps(index: tuple, shape: tuple) -> list:
    """x[index] of ints, slices, None and '...' as PyTorch takes it: one view after another,
    left to right, a Select for an int, an Unsqueeze for None, a Slice for a slice short of
    the whole dim. Each step is ``(at, name)``: the index of the step's view of the result
    so far."""
    steps = []
    src = d = 0  # the dim of x, and of the result so far, that the next part indexes
    for p in index:
        lead = (slice(None),) * d
        if p is None:
            steps.append((lead + (None,), "Unsqueeze"))
            d += 1
        elif p is Ellipsis:  # the dims it stands for
            k = len(shape) - builtins.sum(q is not None and q is not Ellipsis for q in index)
            src, d = src + k, d + k
        elif isinstance(p, slice):
            if p.indices(shape[src]) != (0, shape[src], 1):
                steps.append((lead + (p,), "Slice"))
            src, d = src + 1, d + 1
        else:
            steps.append((lead + (p,), "Select"))
            src += 1
    return steps


def _index_step(x: Tensor, at: tuple, name: str) -> Tensor:
    """The view x[at], one step of a basic index.   dx = zeros with g at ``at``."""
    shape = x.data.shape

    def vjp(g: np.ndarray) -> np.ndarray:
        dx = np.zeros(shape, g.dtype)
        dx[at] = g
        return dx

    return _view(x.data[at + (Ellipsis,)], x, name, vjp)  # '...': a 0-d view, not a scalar


def getitem(x: Tensor, index: Any, _keys: tuple = ()) -> Tensor:
    """x[index].   dx = zeros with g added at the indexed places (repeats accumulate).
    The VJP reads index tensors (``_keys``), so changing them in place makes backward raise."""
    X = x.data
    keys = _keys or _index_tensors(index)
    index = _index(index, X.ndim)
    split = _split_index(index)
    if split is not None:
        return getitem(getitem(x, split[0]), split[1], keys)
    try:
        out = X[index]
    except IndexError as e:
        raise _index_error("index", e, index, X) from None
    shape = X.shape
    basic = _is_basic(index)
    if basic and type(out) is not np.ndarray:  # a NumPy scalar: take the 0-d view instead
        out = X[(index if isinstance(index, tuple) else (index,)) + (Ellipsis,)]
    elif not basic:
        out = _contiguous(out)
    repeats = not basic and builtins.any(
        isinstance(p, np.ndarray) and p.dtype.kind != "b"
        for p in (index if isinstance(index, tuple) else (index,))
    )

    def vjp(g: np.ndarray) -> np.ndarray:
        dx = np.zeros(shape, g.dtype)
        rows = _row_index(index, shape[0]) if repeats else None
        if rows is not None:
            _add_rows(dx, rows, g.reshape(rows.size, *shape[1:]))
        elif repeats:
            np.add.at(dx, index, g)  # integer indices may repeat: accumulate
        else:
            dx[index] = g
        return dx

    if not basic:
        return record(out, "Index", (x,), (vjp,), saved=keys)
    if not (x._requires_grad and _mode.enabled):  # no node: one view, and no name for it
        return _view(out, x, "", vjp)
    if isinstance(index, slice):  # a lone slice is a Slice, even x[:] (as PyTorch's)
        return _view(out, x, "Slice", vjp)
    steps = _index_steps(index if isinstance(index, tuple) else (index,), shape)
    if len(steps) < 2:  # one view: its step's, or an Alias for only full slices and '...'
        return _view(out, x, steps[0][1] if steps else "Alias", vjp)
    for at, name in steps:
        x = _index_step(x, at, name)
    return x


def _row_index(index: Any, n: int) -> np.ndarray | None:
    """The rows an index of one integer array picks from the first dim (of size n), flat
    and made non-negative; None for any other index."""
    if isinstance(index, tuple):
        if len(index) != 1:
            return None
        index = index[0]
    if not isinstance(index, np.ndarray) or index.dtype.kind not in "iu":
        return None
    rows = index.reshape(-1)
    return np.where(rows < 0, rows + n, rows) if rows.size and rows.min() < 0 else rows


def _add_rows(out: np.ndarray, rows: np.ndarray, values: np.ndarray, rounds: int = 64) -> None:
    """out[rows[i]] += values[i] for each i in order, as np.add.at(out, rows, values) (and
    PyTorch's index_add_) does, with the same sums in the same order, but several times
    faster: ``rows`` (non-negative) are sorted stably, and round r adds the r-th value of
    every row at once (one fancy-index add, no row twice). Past ``rounds``, np.add.at."""
    order = np.argsort(rows, kind="stable")
    keys = rows[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if keys.size else keys
    counts = np.diff(np.r_[starts, keys.size])
    most = int(counts.max()) if counts.size else 0
    for r in range(builtins.min(most, rounds)):
        live = starts[counts > r]
        out[keys[live]] += values[order[live + r]]
    if most > rounds:
        late = np.arange(keys.size) - np.repeat(starts, counts) >= rounds
        np.add.at(out, keys[late], values[order[late]])


def gather(input: Tensor, dim: int, index: Tensor, *, sparse_grad: bool = False) -> Tensor:
    """Values of x picked along ``dim`` by ``index`` (int64 or int32, as many dims as x,
    index.size(d) <= x.size(d) for d != dim): for dim = 1, out[i, j] = x[i, index[i, j]],
    of index's shape.   dx = zeros of x's shape with g added at the picked places
    (repeated indices accumulate)."""
    _no_barebones("gather", input)
    check_tensor("gather", "index", index)
    if sparse_grad:
        raise NotImplementedError(
            "gather: sparse_grad=True (a sparse gradient for input) is not supported: "
            "minigrad has dense tensors only; use sparse_grad=False"
        )
    X, I = input.data, index.data
    d = _one_axis("gather", "dim", dim, X.ndim)
    if I.size == 0:  # PyTorch checks neither the dtype nor the shape of an empty index
        zeros = lambda g: np.zeros(X.shape, g.dtype)  # noqa: E731
        return record(
            np.empty(I.shape, X.dtype), "Gather", (input,), (zeros,), saved=(input, index)
        )
    if I.dtype not in dtypes.INDEX_INTS:
        raise RuntimeError(f"gather(): Expected dtype int32/int64 for index, got {I.dtype}")
    Xv, Iv = X.reshape(X.shape or (1,)), I.reshape(I.shape or (1,))  # a 0-d tensor is 1-D here
    if Iv.ndim != Xv.ndim:
        raise RuntimeError(
            "gather(): Index tensor must have the same number of dimensions as input tensor, "
            f"got index {I.shape} and input {X.shape}"
        )
    for k, (m, n) in enumerate(zip(Iv.shape, Xv.shape)):
        if k != d and m > n:
            raise RuntimeError(
                f"gather(): Size does not match at dimension {k} expected index {list(I.shape)} "
                f"to be no larger than self {list(X.shape)} apart from dimension {d}"
            )
    bad = (Iv < 0) | (Iv >= Xv.shape[d])
    if bad.any():
        raise RuntimeError(
            f"gather(): index {Iv[bad][0]} is out of bounds for dimension {d} with size "
            f"{Xv.shape[d]} (input {X.shape})"
        )
    at = list(np.indices(Iv.shape, sparse=True))
    at[d] = Iv
    at = tuple(at)

    def vjp(g: np.ndarray) -> np.ndarray:
        dx = np.zeros(Xv.shape, g.dtype)
        np.add.at(dx, at, g.reshape(Iv.shape))
        return dx.reshape(X.shape)

    # x is saved only for the version check: PyTorch saves it (for its sizes), so a change
    # to x after gather makes the backward raise there too
    return record(Xv[at].reshape(I.shape), "Gather", (input,), (vjp,), saved=(input, index))


def index_put(x: Tensor, index: Any, value: Any) -> Tensor:
    """A copy of x with x[index] = value: what ``x[index] = value`` records in the graph.

    dx = g with the indexed places zeroed,   dvalue = g[index] (summed to value's shape).
    """
    keys = _index_tensors(index)
    index = _index(index, x.data.ndim)
    out = x.data.copy()
    _assign(out, index, value)

    def vjp_x(g: np.ndarray) -> np.ndarray:
        g = g.copy()
        target, at = _located(g, index)
        target[at] = 0
        return g

    def vjp_value(g: np.ndarray) -> np.ndarray:
        target, at = _located(g, index)
        return target[at]

    name = COPY_SLICES if _is_basic(index) else "IndexPut"
    return record(out, name, (x, value), (vjp_x, vjp_value), saved=keys)


def assign_at(X: np.ndarray, index: Any, value: Any) -> None:
    """X[index] = value in PyTorch's dim order, with PyTorch's errors.

    A Tensor value of another dtype is cast for a basic index (ints, slices, None, ...:
    PyTorch's copy_) and, if it has one element, for a single mask among basic parts
    (masked_fill_); with other tensor or mask indices (PyTorch's index_put) it must match.
    Leading dims of size 1 of the value are dropped first, as PyTorch does."""
    _assign(X, _index(index, X.ndim), value)


def _index_error(op: str, e: IndexError, index: Any, X: np.ndarray) -> Exception:
    """NumPy's IndexError, with the op and shape; a string in the index is PyTorch's
    TypeError."""
    parts = index if isinstance(index, tuple) else (index,)
    cls = TypeError if builtins.any(isinstance(i, str) for i in parts) else IndexError
    return cls(f"{op}: {e} (tensor of shape {X.shape})")


def _assign(X: np.ndarray, index: Any, value: Any) -> None:
    """assign_at for an index already normalized by ``_index``."""
    if isinstance(value, Tensor):
        # a one-element value under a single mask is PyTorch's masked_fill_: it casts too
        cast = _is_basic(index) or (value.data.size == 1 and _is_mask(index))
        if value.data.dtype != X.dtype and not cast:
            raise RuntimeError(
                "Index put requires the source and destination dtypes match, got "
                f"{X.dtype} for the destination and {value.data.dtype} for the source."
            )
        value = value.data
    if isinstance(value, np.ndarray) and value.ndim and value.shape[0] == 1:
        lead = next((i for i, n in enumerate(value.shape) if n != 1), value.ndim)
        value = value.reshape(value.shape[lead:])  # PyTorch's slicePrefix1sSize
    elif isinstance(value, numbers.Number):  # PyTorch's RuntimeError for NaN into an int...
        if type(value) is builtins.int and not -(2**63) <= value < 2**63:  # ... it reads an int
            raise ValueError(f"setitem: Overflow when unpacking long long ({value})")  # as int64
        if X.dtype != dtypes.float16:  # PyTorch's half takes any float (inf beyond its range)
            value = dtypes.check_fits(value, X.dtype)
    target, at = _located(X, index)
    try:
        if X.dtype == dtypes.float16:  # 1e39 is inf, quietly, as PyTorch's
            _put_quietly(target, at, value)
        else:
            target[at] = value
    except IndexError as e:
        raise _index_error("setitem", e, index, X) from None
    except (ValueError, TypeError):  # TypeError: NumPy's for a value of 2+ dims under a mask
        if not isinstance(value, (np.ndarray, numbers.Number)):
            raise
        raise OpError(
            f"setitem: value of shape {np.shape(value)} cannot be broadcast to the indexed "
            f"shape {np.shape(target[at])} of a tensor of shape {X.shape}"
        ) from None


def _is_mask(index: Any) -> bool:
    """Whether a normalized index's one array is a bool array of 1 or more dims (its other
    parts basic; PyTorch indexes with a 0-d bool as with a Python bool, a long index)."""
    parts = index if type(index) is tuple else (index,)
    arrays = [p for p in parts if isinstance(p, np.ndarray)]
    return len(arrays) == 1 and arrays[0].dtype == np.bool_ and arrays[0].ndim > 0


def _located(X: np.ndarray, index: Any) -> tuple:
    """(array, index) such that array[index] is X[index] in PyTorch's dim order; the
    array is X or a view of it, so that assigning to array[index] writes into X."""
    split = _split_index(index)
    return (X, index) if split is None else (X[split[0]], split[1])


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors along ``dim``.   Each input gets its slice of g."""
    tensors = _sequence("cat", tensors)
    if not tensors:
        raise OpError("cat: expected a non-empty sequence of tensors")
    arrays = _common_dtype([t.data for t in tensors])
    for i, a in enumerate(arrays):
        if a.ndim == 0:
            raise OpError(f"cat: zero-dimensional tensor (at position {i}) cannot be concatenated")
    # PyTorch skips legacy empty (0,) tensors beside higher-rank ones, but they still
    # take part in dtype promotion and in the graph (their gradient is empty).
    legacy = builtins.any(a.ndim > 1 for a in arrays)
    kept = [a for a in arrays if not (legacy and a.shape == (0,))]
    d = _one_axis("cat", "dim", dim, kept[0].ndim)
    try:
        out = _contiguous(np.concatenate(kept, axis=d))
    except ValueError:
        raise OpError(
            f"cat: shapes {[a.shape for a in kept]} do not match outside dim {dim}"
        ) from None
    vjps = []
    end = 0
    for a in arrays:
        if legacy and a.shape == (0,):
            vjps.append(_empty_vjp)
        else:
            end += a.shape[d]
            vjps.append(_slice_vjp(d, end - a.shape[d], end))
    return record(out, "Cat", tuple(tensors), tuple(vjps))


def _sequence(name: str, tensors: Any) -> list:
    """cat's and stack's operands: a list or tuple of Tensors, as PyTorch takes them."""
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(
            f"{name}(): argument 'tensors' must be tuple of Tensors, not {type(tensors).__name__}"
        )
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{name}(): expected Tensor as element {i}, but got {type(t).__name__}")
    return list(tensors)


def _common_dtype(arrays: list) -> list:
    """Cast arrays to PyTorch's common dtype for cat/stack (int64 with float32 -> float32)."""
    dt = dtypes.promote([a.dtype for a in arrays])
    return [a if a.dtype == dt else a.astype(dt) for a in arrays]


def _empty_vjp(g: np.ndarray) -> np.ndarray:
    return np.zeros((0,), g.dtype)


def _slice_vjp(d: int, start: int, stop: int) -> Any:
    return lambda g: g[(slice(None),) * d + (slice(start, stop),)]


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors along a new dimension ``dim``.   Each input gets its slice of g."""
    tensors = _sequence("stack", tensors)
    if not tensors:
        raise OpError("stack: expected a non-empty sequence of tensors")
    arrays = _common_dtype([t.data for t in tensors])
    d = _one_axis("stack", "dim", dim, arrays[0].ndim + 1)
    try:
        out = _contiguous(np.stack(arrays, axis=d))
    except ValueError:
        raise OpError(
            f"stack: expects each tensor to be equal size, got {[a.shape for a in arrays]}"
        ) from None
    vjps = tuple(_take_vjp(d, i) for i in range(len(arrays)))
    return record(out, "Stack", tuple(tensors), vjps)


def _take_vjp(d: int, i: int) -> Any:
    return lambda g: np.take(g, i, axis=d)


def clone(x: Tensor, order: tuple | None = None) -> Tensor:
    """A copy of x.   dx = g.
    It keeps x's memory layout (x.T.clone() is not contiguous), as PyTorch (device.preserved);
    ``order``: the dims in memory order instead (``device.memory_order``), or () for C order."""
    X = x.data
    if order is None:
        out = preserved(X)
    else:
        out = in_memory_order(X, order) if order else X.copy()
    return record(out, "Clone", (x,), (identity,))


def contiguous(x: Tensor, order: tuple | None = None) -> Tensor:
    """x if its array is C-contiguous (or holds its dims in ``order``, outermost first), else
    such a copy (a Clone node).   dx = g."""
    X = x.data
    if order is None:
        return x if X.flags.c_contiguous else record(X.copy(), "Clone", (x,), (identity,))
    return x if is_in_memory_order(X, order) else clone(x, order)


def to(x: Tensor, dtype: Any) -> Tensor:
    """x cast to ``dtype`` (x itself if it already has it).   dx = g cast back."""
    dtype = np.dtype(dtype)
    if dtype == x.data.dtype:
        return x
    old = x.data.dtype
    with np.errstate(over="ignore", invalid="ignore"):  # inf or NaN to an integer, 1e39 to
        X = dtypes.via_float32(dtypes.discard_imag(x.data, dtype), dtype)  # float32: quietly
        out = X.astype(dtype) if X.flags.c_contiguous else preserved(X, dtype)
    if dtype.kind not in "fc":
        return _new(out)
    return record(out, "ToCopy", (x,), (lambda g: g.astype(old),))


# ---- comparisons (no gradient) -------------------------------------------------------


def _compare(name: str, fn: Any, a: Any, b: Any) -> Tensor:
    """fn(a, b) in PyTorch's common dtype of the two: a 0-d operand is cast to it first
    (int8 < a 0-d uint8 200 compares with -56; float32 == a 0-d float64 0.1 is True), and
    an integer or bool tensor meets a Python float in the default float dtype."""
    a = as_tensor(a)
    if name[0] in "lg":  # lt le gt ge (eq and ne take every dtype)
        _no_barebones(f"{name}_cpu", a.data)
    A, B = a.data, wrapped_int(_operand(b, name), a.data.dtype)
    if type(B) is np.ndarray and B.dtype != A.dtype:
        dt = dtypes.result_dtype(np.result_type(A, B), (A, B))
        A, B = _cast(A, dt), _cast(B, dt)
    elif type(B) is builtins.float:
        if A.dtype.kind in "biu":  # PyTorch compares in the default float dtype
            dt = dtypes.get_default_dtype()
            A, B = A.astype(dt), _number_as(dt, B)
        elif not -65504.0 <= B <= 65504.0 and A.dtype.itemsize < 8:  # inf in float16/32
            B = _number_as(A.dtype, B)
    if name[0] in "lg" and (A.dtype.kind == "c" or type(B) is builtins.complex):
        refuse_complex(name, A, B)  # complex numbers have no order
    try:
        return _new(np.asarray(fn(A, B)))
    except ValueError:
        raise OpError(
            f"{name}: shapes {A.shape} and {np.shape(B)} cannot be broadcast together"
        ) from None


def lt(input: Any, other: Any) -> Tensor:
    return _compare("lt", np.less, input, other)


def le(input: Any, other: Any) -> Tensor:
    return _compare("le", np.less_equal, input, other)


def gt(input: Any, other: Any) -> Tensor:
    return _compare("gt", np.greater, input, other)


def ge(input: Any, other: Any) -> Tensor:
    return _compare("ge", np.greater_equal, input, other)


def eq(input: Any, other: Any) -> Tensor:
    return _compare("eq", np.equal, input, other)


def ne(input: Any, other: Any) -> Tensor:
    return _compare("ne", np.not_equal, input, other)


# ---- bitwise and logical (bool and integer tensors, no gradient) -----------------------


def _bitwise(name: str, fn: Any, a: Any, b: Any) -> Tensor:
    """fn(a, b) of bools or integers; a number stays a weak operand (``2 << t``)."""
    for V in (_operand(a, name), _operand(b, name)):
        if np.asarray(V).dtype.kind not in "biu":
            raise NotImplementedError(f"\"{name}_cpu\" not implemented for 'Float'")
    return _new(np.asarray(_binary_either(name, fn, a, b)[2]))


def bitwise_and(input: Any, other: Any) -> Tensor:
    """a & b: logical and for bools, bitwise for integers."""
    return _bitwise("bitwise_and", np.bitwise_and, input, other)


def bitwise_or(input: Any, other: Any) -> Tensor:
    return _bitwise("bitwise_or", np.bitwise_or, input, other)


def bitwise_xor(input: Any, other: Any) -> Tensor:
    return _bitwise("bitwise_xor", np.bitwise_xor, input, other)


def bitwise_not(input: Tensor) -> Tensor:
    """~a: logical not for bools, bitwise for integers."""
    if input.data.dtype.kind not in "biu":
        raise NotImplementedError(
            f'bitwise_not: "bitwise_not_cpu" not implemented for '
            f"'{dtypes.torch_name(input.data.dtype)}' (integer and bool tensors only)"
        )
    return _new(np.invert(input.data))


# ---- tests of values (bool results, no gradient) ---------------------------------------


def _test_axes(op: str, dim: Any, ndim: int) -> tuple | None:
    """all/any's axes: as a reduction's, but dim=() (or []) reduces nothing (PyTorch's)."""
    axes = _axes(op, dim, ndim)
    return () if axes is None and isinstance(dim, (tuple, list)) else axes


def all(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Whether every element (over ``dim``) is nonzero: bool, uint8 for uint8 (PyTorch's)."""
    check_bool("all", "keepdim", keepdim)
    axes = _test_axes("all", dim, input.data.ndim)
    return _truth(np.all(input.data, axis=axes, keepdims=keepdim), input)


def any(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Whether some element (over ``dim``) is nonzero: bool, uint8 for uint8 (PyTorch's)."""
    check_bool("any", "keepdim", keepdim)
    axes = _test_axes("any", dim, input.data.ndim)
    return _truth(np.any(input.data, axis=axes, keepdims=keepdim), input)


def _truth(answer: Any, input: Tensor) -> Tensor:
    """all's or any's answer: bool, or 0/1 in uint8 for a uint8 input (PyTorch's old masks)."""
    return _new(np.asarray(answer, np.uint8 if input.data.dtype == np.uint8 else np.bool_))


def isnan(input: Tensor) -> Tensor:
    return _new(np.isnan(input.data))


def isinf(input: Tensor) -> Tensor:
    return _new(np.isinf(input.data))


def isfinite(input: Tensor) -> Tensor:
    return _new(np.isfinite(input.data))


def allclose(
    input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> builtins.bool:
    """|a - b| <= atol + rtol |b| everywhere (broadcast); a and b of the same dtype."""
    check_tensor("allclose", "other", other)
    if input.data.dtype != other.data.dtype:
        raise RuntimeError(f"allclose: {input.data.dtype} did not match {other.data.dtype}")
    try:
        return builtins.bool(np.allclose(input.data, other.data, rtol, atol, equal_nan))
    except ValueError:
        raise OpError(
            f"allclose: shapes {input.data.shape} and {other.data.shape} cannot be broadcast "
            "together"
        ) from None
