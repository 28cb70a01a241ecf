"""``minigrad.testing.assert_close``: PyTorch's check that two results agree, for tests.

Two tensors are close where |actual - expected| <= atol + rtol |expected| everywhere (equal
infinities too; NaNs only with ``equal_nan``), after their shapes and dtypes are found equal.
The default tolerances are PyTorch's, by dtype: float16 1e-3 / 1e-5, float32 and complex64
1.3e-6 / 1e-5, float64 and complex128 1e-7 / 1e-7, exact for integers and bools. Python
numbers are compared as scalars, sequences and mappings item by item.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from . import dtypes
from .tensor import Tensor

__all__ = ["assert_close"]

_TOLERANCES = {  # (rtol, atol)
    np.dtype(np.float16): (1e-3, 1e-5),
    np.dtype(np.float32): (1.3e-6, 1e-5),
    np.dtype(np.float64): (1e-7, 1e-7),
    np.dtype(np.complex64): (1.3e-6, 1e-5),
    np.dtype(np.complex128): (1e-7, 1e-7),
}


def assert_close(
    actual: Any, expected: Any, *, allow_subclasses: bool = True, rtol: float | None = None,
    atol: float | None = None, equal_nan: bool = False, check_device: bool = True,
    check_dtype: bool = True, check_layout: bool = True, check_stride: bool = False,
    msg: str | Callable | None = None,
) -> None:  # fmt: skip
    """Raise AssertionError (PyTorch's message, or ``msg``: a string, or a function of the
    message) unless ``actual`` and ``expected`` are close: Tensors (or arrays) of one shape
    and dtype (unless not ``check_dtype``: then compared in their common dtype), Python
    numbers of one type, or sequences and mappings of them."""
    if (rtol is None) != (atol is None):
        missing = "atol" if atol is None else "rtol"
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got "
                         f"no {missing}.")  # fmt: skip
    options = dict(rtol=rtol, atol=atol, equal_nan=equal_nan, check_dtype=check_dtype,
                   check_stride=check_stride)  # fmt: skip
    try:
        _compare(actual, expected, (), options)
    except AssertionError as e:
        text = str(e)
        if msg is not None:
            text = msg(text) if callable(msg) else msg
        raise AssertionError(text) from None


def _compare(actual: Any, expected: Any, path: tuple, options: dict) -> None:
    """Compare two items at ``path`` (the keys and indices that lead to them)."""
    if (isinstance(actual, Tensor) and isinstance(expected, Tensor)) or (
        isinstance(actual, np.ndarray) and type(actual) is type(expected)
    ):
        return _fail_at(path, _tensors(actual, expected, **options))
    numbers = (bool, int, float, complex)
    if isinstance(actual, numbers) and isinstance(expected, numbers):
        return _fail_at(path, _scalars(actual, expected, options["rtol"], options["atol"],
                                       options["equal_nan"]))  # fmt: skip
    if isinstance(actual, Mapping) and isinstance(expected, Mapping):
        if set(actual) != set(expected):
            missing, extra = (
                sorted(set(expected) - set(actual)),
                sorted(set(actual) - set(expected)),
            )
            return _fail_at(path, "The keys of the mappings do not match:\nMissing keys in the "
                                  f"actual mapping: {missing}\nAdditional keys in the actual "
                                  f"mapping: {extra}")  # fmt: skip
        for key in expected:
            _compare(actual[key], expected[key], (*path, key), options)
        return None
    sequence = (Sequence, Tensor)
    if (isinstance(actual, Sequence) and isinstance(expected, sequence)
            and not isinstance(actual, str) and not isinstance(expected, str)):  # fmt: skip
        if len(actual) != len(expected):
            return _fail_at(path, f"The length of the sequences mismatch: {len(actual)} != "
                                  f"{len(expected)}")  # fmt: skip
        for i, (a, e) in enumerate(zip(actual, expected)):
            _compare(a, e, (*path, i), options)
        return None
    raise TypeError(f"No comparison pair was able to handle inputs of type {type(actual)} and "
                    f"{type(expected)}.")  # fmt: skip


def _fail_at(path: tuple, message: str | None) -> None:
    if message is not None:
        where = "".join(f"[{key!r}]" for key in path)
        raise AssertionError(
            message + (f"\n\nThe failure occurred for item {where}" if path else "")
        )


def _tensors(actual: Any, expected: Any, rtol: float | None, atol: float | None,
             equal_nan: bool, check_dtype: bool, check_stride: bool) -> str | None:  # fmt: skip
    """The mismatch message of two tensors (or arrays), or None if they are close."""
    A = actual.data if isinstance(actual, Tensor) else actual
    E = expected.data if isinstance(expected, Tensor) else expected
    if A.shape != E.shape:
        return (f"The values for attribute 'shape' do not match: {_size(A.shape)} != "
                f"{_size(E.shape)}.")  # fmt: skip
    if check_dtype and A.dtype != E.dtype:
        return (f"The values for attribute 'dtype' do not match: minigrad.{A.dtype} != "
                f"minigrad.{E.dtype}.")  # fmt: skip
    if check_stride and actual.stride() != expected.stride():
        return (f"The values for attribute 'stride()' do not match: {actual.stride()} != "
                f"{expected.stride()}.")  # fmt: skip
    if rtol is None:  # each dtype's defaults; the looser of the two
        pairs = [_TOLERANCES.get(d, (0.0, 0.0)) for d in (A.dtype, E.dtype)]
        rtol, atol = (max(t) for t in zip(*pairs))
    common = np.result_type(A, E)
    A, E = A.astype(common), E.astype(common)
    if common.kind not in "fc":  # integers and bools: their differences in int64
        A, E = A.astype(np.int64), E.astype(np.int64)
    with np.errstate(invalid="ignore", over="ignore"):
        matches = np.isclose(A, E, rtol, atol, equal_nan) if common.kind in "fc" else A == E
    if matches.all():
        return None
    if not A.ndim:  # PyTorch words a 0-d mismatch as one of numbers
        return _scalar_message(A.item(), E.item(), rtol, atol)
    mismatched = matches.size - int(matches.sum())
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        abs_diff = np.abs(A - E).reshape(-1)
        abs_diff[matches.reshape(-1)] = 0
        divisor = np.abs(E).reshape(-1)
        if common.kind in "fc":
            rel_diff = abs_diff / divisor
        else:  # PyTorch divides integers in the default float dtype
            wide = dtypes.get_default_dtype()
            rel_diff = abs_diff.astype(wide) / divisor.astype(wide)
        rel_diff[matches.reshape(-1)] = 0
    lines = [f"Mismatched elements: {mismatched} / {matches.size} "
             f"({mismatched / matches.size:.1%})"]  # fmt: skip
    equality = rtol == 0 and atol == 0
    for kind, diff, tol in (("absolute", abs_diff, atol), ("relative", rel_diff, rtol)):
        k = _greatest(diff)
        line = f"Greatest {kind} difference: {diff[k].item()} at index {_index(k, A.shape)}"
        lines.append(line + ("" if equality else f" (up to {tol} allowed)"))
    return f"Tensor-likes are not {'equal' if equality else 'close'}!\n\n" + "\n".join(lines)


def _greatest(diff: np.ndarray) -> int:
    """The flat index of the largest difference (a NaN first, as torch.max finds it)."""
    nan = np.flatnonzero(np.isnan(diff)) if diff.dtype.kind == "f" else ()
    return int(nan[0]) if len(nan) else int(np.argmax(diff))


def _index(k: int, shape: tuple) -> tuple:
    return tuple(int(i) for i in np.unravel_index(k, shape)) if shape else ()


def _size(shape: tuple) -> str:
    return f"minigrad.Size({list(shape)})"


def _scalars(actual: Any, expected: Any, rtol: float | None, atol: float | None,
             equal_nan: bool) -> str | None:  # fmt: skip
    """The mismatch message of two Python numbers, or None if they are close."""
    if type(actual) is not type(expected):
        return f"The (d)types do not match: {type(actual)} != {type(expected)}."
    if rtol is None:
        kind = {float: np.float64, complex: np.complex128}.get(type(actual))
        rtol, atol = _TOLERANCES[np.dtype(kind)] if kind else (0.0, 0.0)
    if actual == expected or (equal_nan and actual != actual and expected != expected):
        return None
    if abs(actual - expected) <= atol + rtol * abs(expected):
        return None
    return _scalar_message(actual, expected, rtol, atol)


def _scalar_message(actual: Any, expected: Any, rtol: float, atol: float) -> str:
    diff = abs(actual - expected)
    relative = diff / abs(expected) if expected else float("inf") if diff else float("nan")
    equality = rtol == 0 and atol == 0
    allowed = ("", "") if equality else (f" (up to {atol} allowed)", f" (up to {rtol} allowed)")
    return (f"Scalars are not {'equal' if equality else 'close'}!\n\nExpected {expected} but got "
            f"{actual}.\nAbsolute difference: {diff}{allowed[0]}\nRelative difference: "
            f"{relative}{allowed[1]}")  # fmt: skip
