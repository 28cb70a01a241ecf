"""dtypes (aliases of NumPy dtypes), the default float dtype and PyTorch's type promotion."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

float16 = np.dtype("float16")
float32 = np.dtype("float32")
float64 = np.dtype("float64")
uint8 = np.dtype("uint8")
# PyTorch's "barebones" unsigned dtypes: they hold values, are cast and compared for
# equality, but promote with no other integer dtype
uint16 = np.dtype("uint16")
uint32 = np.dtype("uint32")
uint64 = np.dtype("uint64")
_BAREBONES = (uint16, uint32, uint64)
int8 = np.dtype("int8")
int16 = np.dtype("int16")
int32 = np.dtype("int32")
int64 = np.dtype("int64")
bool_ = np.dtype("bool")
complex64 = np.dtype("complex64")  # data only: complex tensors do not require grad
complex128 = np.dtype("complex128")

_default = [float32]

# PyTorch's names of the dtypes, as its messages ("Long", "Float") and type names
# ("torch.FloatTensor") have them
TORCH_NAMES = {"bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short",
               "int32": "Int", "int64": "Long", "float16": "Half", "float32": "Float",
               "float64": "Double", "complex64": "ComplexFloat",
               "complex128": "ComplexDouble"}  # fmt: skip


def torch_name(dtype: Any) -> str:
    """PyTorch's name of a dtype in its error messages ("Long", "Float", "UInt16", ...)."""
    name = np.dtype(dtype).name
    return TORCH_NAMES.get(name, name.replace("uint", "UInt"))


def discard_imag(values: Any, dtype: np.dtype) -> Any:
    """``values`` ready to cast to ``dtype``: a complex array bound for a real dtype (not bool,
    which takes each number's truth) is its real part, with PyTorch's warning (NumPy's would be
    a ComplexWarning)."""
    if isinstance(values, np.ndarray) and values.dtype.kind == "c" and dtype.kind not in "bc":
        warnings.warn("Casting complex values to real discards the imaginary part", UserWarning,
                      stacklevel=4)  # fmt: skip
        return values.real
    return values


def complex_dtype(dtype: Any) -> np.dtype:
    """The complex dtype of a float dtype's precision (float32: complex64; float16's
    complex32, which NumPy lacks, is complex64)."""
    return np.result_type(dtype, np.complex64)


def real_dtype(dtype: np.dtype) -> np.dtype:
    """The dtype of a complex dtype's parts (complex64: float32); others as they are."""
    return np.dtype(dtype.char.lower()) if dtype.kind == "c" else dtype


def set_default_dtype(dtype: object) -> None:
    """Set the dtype that Python floats and float factories produce (float32 or float64)."""
    # np.dtype(dtype) alone would read "float32" and None (as float64): PyTorch refuses them
    if not isinstance(dtype, (np.dtype, type)) or np.dtype(dtype) not in (float32, float64):
        raise TypeError(f"set_default_dtype: only float32 and float64 are supported, got {dtype!r}")
    _default[0] = np.dtype(dtype)


# the integer dtypes PyTorch's index arguments take (gather, index_select, scatter, ...);
# an advanced index also takes uint8 and bool tensors, as masks
INDEX_INTS = (np.int64, np.int32)
MASK_OR_INDEX = (*INDEX_INTS, np.uint8, np.bool_)


def check_c_int(v: int, op: str = "") -> int:
    """PyTorch's OverflowError for a Python int it cannot read as a C integer: it takes
    int64, and a positive number up to uint64's largest."""
    if not -(2**63) <= v < 2**64:
        why = "can't convert negative int to unsigned" if v < 0 else "int too big to convert"
        raise OverflowError(f"{op}{': ' if op else ''}{why} ({v})")
    return v


# what a Python number must stay within to be held exactly as it is: checked first, so
# that the common case needs no arrays
_FITS = {
    **{np.dtype(t): (-float(np.finfo(t).max), float(np.finfo(t).max)) for t in "efd"},
    **{
        np.dtype(t): (int(np.iinfo(t).min), int(np.iinfo(t).max))
        for t in np.typecodes["AllInteger"]
    },
}


def check_fits(values: Any, dtype: np.dtype) -> Any:
    """PyTorch's RuntimeError for numbers ``dtype`` cannot hold: NaN, inf or out of range for an
    integer dtype, a finite number beyond the largest of a float dtype. An unsigned dtype also
    takes negative integers (not floats) down to minus its largest value, which wrap (-1 is
    255 in uint8): returns the values as ``dtype`` can hold them."""
    if type(values) is int:
        check_c_int(values)
    if type(values) is float or type(values) is int:
        low, top = _FITS.get(dtype, (0, -1))
        if low <= values <= top or (dtype.kind == "f" and values != values):  # NaN fits floats
            return values
    v = np.asarray(values)
    if v.dtype.kind == "c" and dtype.kind != "c":  # a complex number fits if it is real
        if np.any(v.imag != 0):
            raise RuntimeError(f"value cannot be converted to type {dtype} without overflow")
        v = values = v.real
    if dtype.kind in "iu":
        top = np.iinfo(dtype).max
        low = -top if dtype.kind == "u" and v.dtype.kind != "f" else np.iinfo(dtype).min
        fits = (v >= low) & (v <= top)  # False for NaN
    elif dtype.kind == "f":
        fits = ~(np.isfinite(v) & (np.abs(v) > np.finfo(dtype).max))
    else:
        return values
    if not np.all(fits):
        raise RuntimeError(f"value cannot be converted to type {dtype} without overflow")
    if dtype == uint64 and np.any(v < 0):  # PyTorch reads the number as an unsigned C integer
        raise OverflowError(f"can't convert negative int to unsigned ({dtype})")
    if dtype.kind == "u" and np.any(v < 0):
        return v.astype(np.int64).astype(dtype)[()]  # wraps, as PyTorch's cast
    return values


def get_default_dtype() -> np.dtype:
    """The current default float dtype."""
    return _default[0]


def or_default(dtype: object, op: str = "") -> np.dtype:
    """``dtype`` as a NumPy dtype, or the default dtype when it is None (what every
    factory and layer takes as its ``dtype=``)."""
    return get_default_dtype() if dtype is None else as_dtype(dtype, op)


def as_dtype(dtype: object, op: str = "") -> np.dtype:
    """A ``dtype=`` argument as a NumPy dtype. Names are refused, as PyTorch refuses them:
    NumPy would read ``'float'`` as float64, where ``torch.float`` is float32."""
    if isinstance(dtype, str):
        raise TypeError(
            f"{op or 'tensor'}(): argument 'dtype' must be a dtype (mg.float32, ...), "
            f"not the name {dtype!r}"
        )
    return np.dtype(dtype)


def _category(d: np.dtype) -> int:
    """PyTorch's ranks: bool 0 < integer 1 < float 2 < complex 3."""
    return 0 if d.kind == "b" else 2 if d.kind == "f" else 3 if d.kind == "c" else 1


def _lifted(best: np.dtype | None, top: np.dtype) -> np.dtype:
    """``top``, of a higher category than ``best``, as it lifts it: a complex number lifts a
    float tensor to the complex dtype of its precision (float64 + 1j: complex128, as PyTorch;
    float16's complex32, which NumPy lacks, is complex64)."""
    if top.kind == "c" and best is not None and best.kind == "f":
        return complex_dtype(best)
    return top


def promote(ds: list) -> np.dtype:
    """The widest dtype of the highest category (int64 + float32 -> float32, as PyTorch).
    uint16, uint32 and uint64 promote only with floats and themselves (PyTorch's refusal)."""
    top = max(_category(d) for d in ds)
    # (a complex dtype takes the floats' precision too: complex64 + float64 is complex128)
    tops = [d for d in ds if _category(d) == top or (top == 3 and _category(d) == 2)]
    odd = [d for d in ds if d in _BAREBONES]
    if odd and top < 2 and any(d != odd[0] for d in ds):
        a, b = odd[0], next(d for d in ds if d != odd[0])
        raise RuntimeError(f"Promotion for uint16, uint32, uint64 types is not supported, "
                           f"attempted to promote {torch_name(a)} and {torch_name(b)}")  # fmt: skip
    return np.result_type(*tops)


def result_dtype(out: np.dtype, operands: tuple) -> np.dtype:
    """PyTorch's result dtype for an elementwise op whose NumPy result has dtype ``out``.

    ``operands`` holds arrays and Python scalars. PyTorch ranks bool < int < float < complex;
    dimensioned tensors decide within a category, 0-d tensors only when they rank
    higher, and Python scalars only lift the category (floats to the default dtype).
    Called only when the operands' dtypes differ or are not floats.
    """
    if out.kind == "b":
        return out
    arrays = [x for x in operands if isinstance(x, np.ndarray)]
    dims = [x.dtype for x in arrays if x.ndim]
    best = promote(dims) if dims else None
    zero = [x.dtype for x in arrays if not x.ndim]
    if zero:
        z = promote(zero)
        if best is None or _category(z) > _category(best):
            best = _lifted(best, z)
    for s in operands:
        if not isinstance(s, np.ndarray):
            sc = _category(np.asarray(s).dtype)
            if best is None or sc > _category(best):
                kind = (bool_, int64, _default[0], complex_dtype(_default[0]))
                best = _lifted(best, kind[sc])
    if best is None:
        return out
    if out.kind == "f" and best.kind != "f":  # true division or a float function of integers
        return _default[0]
    return best


def scan_math(a: np.ndarray) -> np.ndarray:
    """``a`` in the dtype PyTorch's CPU scans (cumsum, cumprod) accumulate in: float16 in
    float32, float32 in float64 (a float32 running sum of 10^6 terms drifts 1%)."""
    return a.astype(np.float64) if a.dtype == np.float32 else opmath(a)


def via_float32(a: Any, dt: np.dtype) -> Any:
    """``a`` (an array or a number) ready to cast to ``dt``: float64 bound for float16 goes
    through float32 first, as in PyTorch, whose Half is made from a float (so 2.68652343
    rounds twice, to 2.6875, where once gives 2.685546875)."""
    if dt == np.float16 and (type(a) is float or getattr(a, "dtype", None) == np.float64):
        return np.asarray(a, np.float32)
    return a


def opmath(a: np.ndarray) -> np.ndarray:
    """``a`` in the dtype PyTorch computes with: float16 in float32 (300² overflows float16)."""
    return a.astype(np.float32) if a.dtype == np.float16 else a
