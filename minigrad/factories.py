"""Tensor factories: ``tensor``, ``zeros``, ``randn``, ... (PyTorch's names and defaults)."""

from __future__ import annotations

import math
import numbers
import operator
import warnings
from typing import Any

import numpy as np

from . import dtypes, runtime
from . import random_kernels as _rk
from .device import check as check_device
from .device import laid_out_like, preserve_format
from .dtypes import check_fits
from .errors import OpError
from .random import generator as _generator
from .tensor import (
    Tensor,
    _default_like,
    as_array,
    check_bool,
    check_numpy_dtype,
    check_tensor,
    refuse_negative_strides,
)


def _int(value: Any, name: str, op: str = "") -> int:
    """An int argument (int, NumPy integer, 0-d int tensor); PyTorch refuses floats and bools."""
    if isinstance(value, (bool, np.bool_)) or not hasattr(type(value), "__index__"):
        raise TypeError(
            f"{op}{': ' if op else ''}argument '{name}' must be int, not {type(value).__name__}"
        )
    return operator.index(value)


def _shape(sizes: tuple, size: Any = None, op: str = "") -> tuple:
    """The shape of ``f(2, 3)``, ``f((2, 3))`` or ``f(size=(2, 3))`` (errors name ``op``)."""
    if size is not None:
        if sizes:
            raise TypeError("got multiple values for argument 'size'")
        sizes = (size,)
    if not sizes:
        raise TypeError("missing 1 required positional argument: 'size'")
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = sizes[0]
    shape = tuple(_int(n, "size", op) for n in sizes)
    if any(n < 0 for n in shape):
        raise OpError(f"{op}{': ' if op else ''}negative dimension in size {shape}")
    return shape


COMPLEX_KERNELS = ("normal_kernel_cpu", "check_uniform_bounds")  # PyTorch's, for complex too


def _no_kernel(kernel: str, dtype: np.dtype) -> NotImplementedError:
    return NotImplementedError(f"\"{kernel}\" not implemented for '{dtype}'")


def random_dtype(dtype: Any, kernel: str) -> np.dtype:
    """The dtype random samples fill: a float one, as PyTorch has no random kernel for the rest
    (but for normal and uniform samples, which also fill a complex one's parts)."""
    dt = dtypes.or_default(dtype)
    if dt.kind != "f" and not (dt.kind == "c" and kernel in COMPLEX_KERNELS):
        raise _no_kernel(kernel, dt)
    return dt


def _wrap(arr: np.ndarray, requires_grad: bool, device: Any, name: str) -> Tensor:
    check_device(device)  # the CPU, the only device (device.py)
    if requires_grad is None:  # the factories read None as False, as PyTorch's (not tensor())
        requires_grad = False
    check_bool(name, "requires_grad", requires_grad)
    t = Tensor._new(arr)
    if requires_grad:
        t.requires_grad = True
    return t


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """A new tensor holding a copy of ``data`` (Python floats become the default dtype)."""
    check_device(device)
    refuse_negative_strides(data)
    check_bool("tensor", "requires_grad", requires_grad)
    if isinstance(data, Tensor):
        warn_copy_construct("torch.tensor")
    t = _wrap(as_array(data, dtype), requires_grad, None, "tensor")
    if dtype is not None and t.dtype.kind in "iu" and not isinstance(data, (Tensor, np.ndarray)):
        check_fits(as_array(data, copy=False), t.dtype)  # PyTorch checks Python numbers, not arrays
    return t


def warn_copy_construct(call: str) -> None:
    """PyTorch's UserWarning for a tensor made by ``call`` from a tensor (at the caller's
    caller: the user's line)."""
    warnings.warn(
        "To copy construct from a tensor, it is recommended to use "
        "sourceTensor.detach().clone() or sourceTensor.detach().clone().requires_grad_(True), "
        f"rather than {call}(sourceTensor).",
        UserWarning,
        stacklevel=3,
    )


def from_numpy(arr: np.ndarray) -> Tensor:
    """A tensor sharing ``arr``'s memory (changes to one show in the other)."""
    if not isinstance(arr, np.ndarray):
        raise TypeError(f"from_numpy: expected np.ndarray (got {type(arr).__name__})")
    check_numpy_dtype("from_numpy", arr)
    refuse_negative_strides(arr)
    if not arr.flags.writeable:
        warnings.warn("from_numpy: The given NumPy array is not writable; the tensor is "
                      "read-only (PyTorch makes it writable all the same)", UserWarning,
                      stacklevel=2)  # fmt: skip
    return Tensor._new(as_array(arr, copy=False))  # refuses a non-native byte order


def zeros(*sizes: Any, size: Any = None, dtype: Any = None, requires_grad: bool = False,
          device: Any = None) -> Tensor:  # fmt: skip
    return _wrap(
        np.zeros(_shape(sizes, size, "zeros"), dtypes.or_default(dtype)),
        requires_grad,
        device,
        "zeros",
    )


def ones(*sizes: Any, size: Any = None, dtype: Any = None, requires_grad: bool = False,
         device: Any = None) -> Tensor:  # fmt: skip
    return _wrap(
        np.ones(_shape(sizes, size, "ones"), dtypes.or_default(dtype)),
        requires_grad,
        device,
        "ones",
    )


def full(
    size: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """A tensor of ``fill_value``; its dtype follows the value (bool, int64, default float)."""
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full(): argument 'size' must be tuple of ints, not {type(size).__name__}")
    fill_value = _fill_value("full", fill_value)
    if dtype is None:
        dtype = (
            dtypes.bool_ if isinstance(fill_value, bool)
            else dtypes.int64 if isinstance(fill_value, (int, np.integer))
            else _default_like(np.dtype(complex)) if isinstance(fill_value, complex)
            else dtypes.get_default_dtype()
        )  # fmt: skip
    dtype = dtypes.as_dtype(dtype)
    fill_value = dtypes.via_float32(check_fits(fill_value, dtype), dtype)
    return _wrap(
        np.full(_shape((size,), op="full"), fill_value, dtype),
        requires_grad,
        device,
        "full",
    )


def _fill_value(op: str, value: Any) -> Any:
    """A fill value is a number (a NumPy bool counts as one) or a 0-d Tensor's number."""
    if isinstance(value, Tensor) and value.ndim == 0:
        return value.item()
    if not isinstance(value, (numbers.Number, np.bool_)):
        raise TypeError(f"{op}(): argument 'fill_value' must be Number, not {type(value).__name__}")
    return value


def _like(arr: np.ndarray, input: Tensor, requires_grad: bool, device: Any, memory_format: Any,
          name: str) -> Tensor:  # fmt: skip
    """A ``*_like`` factory's result: ``arr`` laid out by ``memory_format`` (as input's, by
    default)."""
    arr = laid_out_like(arr, input.data, memory_format, name)
    return _wrap(arr, requires_grad, device, name)


def zeros_like(input: Tensor, dtype: Any = None, requires_grad: bool = False, device: Any = None,
               *, memory_format: Any = preserve_format) -> Tensor:  # fmt: skip
    check_tensor("zeros_like", "input", input)
    arr = np.zeros(input.shape, dtype or input.dtype)
    return _like(arr, input, requires_grad, device, memory_format, "zeros_like")


def ones_like(input: Tensor, dtype: Any = None, requires_grad: bool = False, device: Any = None,
              *, memory_format: Any = preserve_format) -> Tensor:  # fmt: skip
    check_tensor("ones_like", "input", input)
    arr = np.ones(input.shape, dtype or input.dtype)
    return _like(arr, input, requires_grad, device, memory_format, "ones_like")


def full_like(
    input: Tensor,
    fill_value: Any,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
    *,
    memory_format: Any = preserve_format,
) -> Tensor:
    check_tensor("full_like", "input", input)
    fill_value = _fill_value("full_like", fill_value)
    dt = np.dtype(dtype or input.dtype)
    fill_value = check_fits(fill_value, dt)
    arr = np.full(input.shape, fill_value, dt)
    return _like(arr, input, requires_grad, device, memory_format, "full_like")


def randn(*sizes: Any, size: Any = None, generator: Any = None, dtype: Any = None,
          requires_grad: bool = False, device: Any = None) -> Tensor:  # fmt: skip
    """Standard normal samples (from ``generator``, a :class:`Generator`, if given)."""
    dt = random_dtype(dtype, "normal_kernel_cpu")
    shape = _shape(sizes, size, "randn")
    arr = _rk.normal(_generator(generator, "randn"), math.prod(shape), dt).reshape(shape)
    return _wrap(arr, requires_grad, device, "randn")


def rand(*sizes: Any, size: Any = None, generator: Any = None, dtype: Any = None,
         requires_grad: bool = False, device: Any = None) -> Tensor:  # fmt: skip
    """Uniform samples in [0, 1) (from ``generator``, a :class:`Generator`, if given)."""
    dt = random_dtype(dtype, "check_uniform_bounds")
    shape = _shape(sizes, size, "rand")
    arr = _rk.uniform(_generator(generator, "rand"), math.prod(shape), dt).reshape(shape)
    return _wrap(arr, requires_grad, device, "rand")


def randn_like(
    input: Tensor,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
    *,
    generator: Any = None,
    memory_format: Any = preserve_format,
) -> Tensor:
    check_tensor("randn_like", "input", input)
    dt = random_dtype(dtype or input.dtype, "normal_kernel_cpu")
    gen = _generator(generator, "randn_like")
    arr = _drawn_like(input, dt, memory_format, "randn_like",
                      lambda n, c: _rk.normal(gen, n, dt, contiguous=c))  # fmt: skip
    return _wrap(arr, requires_grad, device, "randn_like")


def _drawn_like(input: Tensor, dt: np.dtype, memory_format: Any, name: str,
                draw: Any) -> np.ndarray:  # fmt: skip
    """A ``rand*_like`` array: laid out as ``input`` (by ``memory_format``), then filled in
    the order of its memory with ``draw(n, contiguous)``, as PyTorch's ``empty_like`` and
    fill."""
    arr = laid_out_like(np.empty(input.shape, dt), input.data, memory_format, name)
    arr[...] = _rk.place(draw(arr.size, arr.flags.c_contiguous).astype(dt, copy=False), arr)
    return arr


def rand_like(
    input: Tensor,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
    *,
    generator: Any = None,
    memory_format: Any = preserve_format,
) -> Tensor:
    check_tensor("rand_like", "input", input)
    dt = random_dtype(dtype or input.dtype, "check_uniform_bounds")
    gen = _generator(generator, "rand_like")
    arr = _drawn_like(input, dt, memory_format, "rand_like", lambda n, c: _rk.uniform(gen, n, dt))
    return _wrap(arr, requires_grad, device, "rand_like")


def randint(low: Any = None, high: Any = None, size: Any = None, dtype: Any = None,
            requires_grad: bool = False, device: Any = None, *,
            generator: Any = None) -> Tensor:  # fmt: skip
    """Integers in [low, high) (low 0 if not given); ``randint(high, size)`` draws from
    [0, high)."""
    if size is None and isinstance(high, (tuple, list)):  # randint(high, size)
        low, high, size = None, low, high
    elif high is None:  # randint(high, size=size)
        low, high = None, low
    low = 0 if low is None else low
    if high is None or not isinstance(size, (tuple, list)):
        raise TypeError("randint: expected randint(low=0, high, size), size a tuple of ints")
    low, high = _int(low, "low"), _int(high, "high")
    if low >= high:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
        )
    dt = dtypes.int64 if dtype is None else dtypes.as_dtype(dtype)
    if dt.kind == "c":
        raise RuntimeError(f"randint: no random integers in {dt} (only integral, floating-point "
                           "and boolean dtypes)")  # fmt: skip
    if dt.kind == "b" and high > 2:
        raise RuntimeError("randint: to - 1 is out of bounds for bool")
    if dt.kind in "iu":  # the bounds themselves must fit (no wrapping here)
        info = np.iinfo(dt)
        if not info.min <= low <= info.max:
            raise RuntimeError(f"randint: from is out of bounds for {dt}")
        if high - 1 > info.max:
            raise RuntimeError(f"randint: to - 1 is out of bounds for {dt}")
    else:
        check_fits((low, high - 1), dt)
    shape = _shape((size,), op="randint")
    arr = _rk.integers(_generator(generator, "randint"), math.prod(shape), low, high).reshape(shape)
    return _wrap(arr.astype(dt, copy=False), requires_grad, device, "randint")


def randint_like(input: Tensor, low: Any = None, high: Any = None, *, dtype: Any = None,
                 requires_grad: bool = False, device: Any = None, generator: Any = None,
                 memory_format: Any = preserve_format) -> Tensor:  # fmt: skip
    """randint of input's shape and (unless ``dtype``) dtype: ``randint_like(x, high)`` or
    ``randint_like(x, low, high)``."""
    check_tensor("randint_like", "input", input)
    if high is None:
        if low is None:
            raise TypeError("randint_like() missing 1 required positional argument: 'high'")
        low, high = 0, low
    low = 0 if low is None else low
    drawn = randint(low, high, input.shape, dtype=dtype or input.dtype, device=device,
                    generator=generator).data.reshape(-1)  # fmt: skip
    arr = _drawn_like(input, drawn.dtype, memory_format, "randint_like", lambda n, c: drawn)
    return _wrap(arr, requires_grad, device, "randint_like")


def scalar_tensor(s: Any, *, dtype: Any = None, requires_grad: bool = False,
                  device: Any = None) -> Tensor:  # fmt: skip
    """A 0-d tensor holding the number s, of the default dtype unless ``dtype`` is given."""
    if isinstance(s, (list, tuple, str)) or s is None:
        raise TypeError(
            f"scalar_tensor(): argument 's' (position 1) must be Number, not {type(s).__name__}"
        )
    return full((), s, dtypes.or_default(dtype), requires_grad, device)


def randperm(n: int, dtype: Any = None, requires_grad: bool = False, device: Any = None, *,
             generator: Any = None) -> Tensor:  # fmt: skip
    """A random permutation of 0..n-1 (int64)."""
    dt = dtypes.int64 if dtype is None else dtypes.as_dtype(dtype)
    if dt.kind == "b":
        raise _no_kernel("randperm", dt)
    (n,) = _shape((n,), op="randperm")
    check_fits(n - 1, dt)
    arr = _rk.permutation(_generator(generator, "randperm"), n).astype(dt)
    return _wrap(arr, requires_grad, device, "randperm")


def _number(value: Any, name: str) -> Any:
    """A range bound: a number, or a 0-d tensor read as its Python number."""
    if isinstance(value, Tensor) and value.ndim == 0:
        value = value.item()
    if not isinstance(value, numbers.Real):
        raise TypeError(f"argument '{name}' must be Number, not {type(value).__name__}")
    return value


def arange(start: Any = None, end: Any = None, step: Any = 1, dtype: Any = None,
           requires_grad: bool = False, device: Any = None) -> Tensor:  # fmt: skip
    """Values from start (default 0) to end (excluded); int64 for ints, else the default float.

    int64 truncates start, end and step to ints first, as PyTorch does; the smaller integer
    dtypes take the length from the numbers as given and truncate for the values, as PyTorch.
    """
    if end is None:  # arange(end)
        start, end = 0, start
    elif start is None:  # arange(end=...)
        start = 0
    if end is None:
        raise TypeError("arange() missing 1 required positional argument: 'end'")
    start, end, step = _number(start, "start"), _number(end, "end"), _number(step, "step")
    if dtype is None:
        ints = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = dtypes.int64 if ints else dtypes.get_default_dtype()
    dt = dtypes.as_dtype(dtype)
    if dt.kind in "bc" or dt in dtypes._BAREBONES:
        raise _no_kernel("arange_cpu", dt)
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if dt == dtypes.int64 and math.isfinite(step):
        start, end, step = int(start), int(end), int(step)
    if not step != 0:  # 0 or NaN; PyTorch raises ValueError when int64 truncates the step
        raise OpError("step must be nonzero")
    if not (step > 0 and end >= start or step < 0 and end <= start):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dt.kind in "iu" and dt != dtypes.int64 and math.isfinite(step):
        # PyTorch takes the length from the numbers as given, the values from them truncated
        n = math.ceil((end - start) / step)
        values = int(start) + np.arange(n, dtype=np.int64) * int(step)
        return _wrap(values.astype(dt), requires_grad, device, "arange")
    length = (end - start) / step
    if dt in _LANES and length < 2**26:  # a float dtype (and indices _mul_add takes)
        n = math.ceil(length)
        return _wrap(_float_range(start, step, n, dt), requires_grad, device, "arange")
    return _wrap(np.arange(start, end, step).astype(dt), requires_grad, device, "arange")


_LANES = {dtypes.float16: 16, dtypes.float32: 8, dtypes.float64: 4}  # AVX2's vectors
_GRAIN = 32768  # ATen's grain: a range this long or shorter is one thread's


@np.errstate(over="ignore", invalid="ignore")  # beyond float16's range: inf, as PyTorch's
def _float_range(start: float, step: float, n: int, dt: np.dtype) -> np.ndarray:
    """start + i step, i < n, rounded as PyTorch's CPU kernel rounds it, to the bit.

    The range is cut into one piece per thread (above ``_GRAIN`` elements). In each piece,
    pairs of vectors of ``_LANES[dt]`` elements from index b take base = start + b step,
    rounded to dt, then base + j step (j < lanes); the elements after the last pair take
    start + i step. Every a * k + c is fused (one rounding, in double).
    """
    i = np.arange(n)
    threads = 1 if n <= _GRAIN else min(runtime.get_num_threads(), -(-n // _GRAIN))
    piece = max(-(-n // threads), 1)
    first = i - i % piece  # where each element's piece starts
    at = i - first
    lanes = _LANES[dt]
    length = np.minimum(piece, n - first)
    paired = at < length - length % (2 * lanes)
    base = _mul_add(step, i - at % lanes, start, dtypes.float64).astype(dt)
    paired_value = _mul_add(step, at % lanes, base.astype(np.float64), dtypes.float64)
    return np.where(paired, paired_value, _mul_add(step, i, start, dtypes.float64)).astype(dt)


def _mul_add(a: Any, k: np.ndarray, c: Any, dtype: np.dtype) -> np.ndarray:
    """a * k + c (k: integers 0 <= k < 2**26) as PyTorch's kernel computes it for ``dtype``.

    float16 rounds after each operation; the other dtypes compile to a fused multiply-add, one
    rounding, done here in float64: a * k == p + err exactly (Dekker: a split into its high 26
    bits and the rest, each times k exact), p + c == s + e exactly (Knuth's two-sum).
    """
    if dtype == dtypes.float16:
        return c + a * k.astype(dtype)
    a, k, c = np.float64(a), k.astype(np.float64), np.float64(c)
    p = a * k
    hi = (a.view(np.int64) & -(1 << 27)).view(np.float64)
    err = (hi * k - p) + (a - hi) * k
    s = p + c
    e = (p - (s - c)) + (c - (s - (s - c)))
    return np.where(np.isfinite(s), s + (e + err), s)


def _ends(op: str, start: Any, end: Any) -> tuple:
    """start and end of linspace or logspace as numbers (0-d tensors taken, not others)."""
    for v in (start, end):
        if isinstance(v, Tensor) and v.ndim:
            raise RuntimeError(f"{op} only supports 0-dimensional start and end tensors")
    return _number(start, "start"), _number(end, "end")


def linspace(start: Any, end: Any, steps: int, dtype: Any = None,
             requires_grad: bool = False, device: Any = None) -> Tensor:  # fmt: skip
    """``steps`` values evenly spaced from start to end.

    As PyTorch's kernel, with step = (end - start) / (steps - 1) in ``dtype`` (double for
    integer dtypes): the first half is start + i * step, the second end - (steps - 1 - i) * step,
    each rounded once as the fused multiply-adds the kernel compiles to. Both ends are exact.
    """
    dt = dtypes.or_default(dtype)
    if dt.kind == "b":
        raise _no_kernel("linspace_cpu", dt)
    steps = _int(steps, "steps")
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    start, end = _ends("linspace", start, end)
    if steps < 2:  # start alone, or nothing: PyTorch checks only the values it uses
        check_fits([start] * steps, dt)
        return _wrap(np.full(steps, start, dt), requires_grad, device, "linspace")
    check_fits((start, end), dt)
    work = np.dtype(np.float64) if dt.kind in "iu" else dt
    s, e = np.array([start, end], dt).astype(work)
    i = np.arange(steps)
    with np.errstate(invalid="ignore", over="ignore"):
        step = (e - s) / work.type(steps - 1)
        values = np.where(
            i < steps // 2, _mul_add(step, i, s, dt), _mul_add(-step, steps - 1 - i, e, dt)
        )
    return _wrap(values.astype(dt), requires_grad, device, "linspace")


def eye(
    n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """The n x m identity matrix (m defaults to n)."""
    n = _int(n, "n")
    m = n if m is None else _int(m, "m")
    for name, v in (("n", n), ("m", m)):
        if v < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {v}")
    return _wrap(np.eye(n, m, dtype=dtypes.or_default(dtype)), requires_grad, device, "eye")
