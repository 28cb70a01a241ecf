"""A dtype matrix against PyTorch: ops called with every dtype both have (bool, uint8, int8,
int16, int32, int64, float16, float32, float64), as 0-d, 1-d, 2-d and empty tensors, with
Python numbers and 0-d tensors of other dtypes, every dtype pair for binary ops. Compares
the output dtype, shape and values (integers exactly, wraparound included), whether both
raise and the exception type.
"""

import itertools

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
NUMBERS = {"True": True, "2": 2, "-2": -2, "1.5": 1.5}


def _data(dtype, shape):
    """Test values of ``dtype``: negatives (wrapped in uint8), zero, large ones."""
    if dtype == "bool":
        base = np.array([True, False, True, True, False, True])
    elif dtype == "uint8":
        base = np.array([3, 0, 1, 200, 7, 2])
    elif dtype.startswith("int"):
        base = np.array([-3, 0, 1, 5, -7, 2])
    else:
        base = np.array([-2.5, 0.0, 0.5, 3.0, -1.25, 1.5])
    base = base.astype(dtype)
    return {"0d": base[3], "1d": base[:5], "2d": base.reshape(2, 3), "empty": base[:0]}[shape]


def _pair(dtype, shape):
    """The same tensor in minigrad and in torch (a number stays a number)."""
    if shape in NUMBERS:
        return NUMBERS[shape], NUMBERS[shape]
    a = np.array(_data(dtype, shape))
    return mg.tensor(a.copy()), torch.tensor(a.copy())


def _run(fn):
    try:
        return fn(), None
    except Exception as e:  # the oracle decides whether raising is right
        return None, e


def _same(got, expected, where):
    if isinstance(expected, torch.Tensor):
        assert isinstance(got, mg.Tensor), f"{where}: {type(got).__name__}, torch a Tensor"
        assert str(got.dtype) == str(expected.dtype).replace("torch.", ""), (
            f"{where}: dtype {got.dtype}, torch {expected.dtype}"
        )
        assert got.shape == tuple(expected.shape), f"{where}: shape {got.shape}"
        want = expected.detach().numpy()
        have = np.asarray(got.detach().data)
        if want.dtype.kind in "biu":
            np.testing.assert_array_equal(have, want, err_msg=where)
        else:
            tol = {"float16": 1e-3, "float32": 1e-6}.get(str(want.dtype), 1e-12)
            np.testing.assert_allclose(have, want, rtol=tol, atol=tol, err_msg=where)
    elif isinstance(expected, (tuple, list)):
        assert len(got) == len(expected), where
        for i, (g, e) in enumerate(zip(got, expected)):
            _same(g, e, f"{where}[{i}]")
    else:
        assert got == expected, f"{where}: {got!r}, torch {expected!r}"


def check(fn, mg_args, torch_args, where):
    """fn(mg, *mg_args) and fn(torch, *torch_args) both raise, the same type, or agree."""
    expected, terr = _run(lambda: fn(torch, *torch_args))
    got, merr = _run(lambda: fn(mg, *mg_args))
    if terr is not None:
        assert merr is not None, f"{where}: torch raised {terr!r}, minigrad gave {got!r}"
        assert isinstance(merr, type(terr)), f"{where}: {merr!r}, torch {terr!r}"
        return
    assert merr is None, f"{where}: minigrad raised {merr!r}, torch gave {expected!r}"
    _same(got, expected, where)


# ---- binary ops: every dtype pair, tensors of 1 and 0 dims, Python numbers ----------------

BINARY = {
    "pow": lambda lib, a, b: lib.pow(a, b),
    "**": lambda lib, a, b: a**b,
    "r**": lambda lib, a, b: b**a,
}


@pytest.mark.parametrize("op", list(BINARY))
@pytest.mark.parametrize("da", DTYPES)
def test_binary_matrix(op, da):
    fn = BINARY[op]
    for ka, (db, kb) in itertools.product(
        ["1d", "0d", "empty"],
        [*itertools.product(DTYPES, ["1d", "0d"]), *(("", n) for n in NUMBERS)],
    ):
        if ka == "empty" and kb not in NUMBERS:
            continue
        (am, at), (bm, bt) = _pair(da, ka), _pair(db, kb)
        if op.startswith("r") and kb not in NUMBERS:
            continue
        check(fn, (am, bm), (at, bt), f"{op}({da} {ka}, {db} {kb})")


# ---- clamp with number bounds of every kind, out of place and in place ---------------------

CLAMP_BOUNDS = [
    (-2, 100),
    (-2, None),
    (None, -2),
    (300, None),
    (1e39, None),
    (-1e39, 5),
    (2.5, None),
    (True, None),
    (None, False),
    (-200, 200),
    (0.5, 1.5),
    (1, 1e6),
]
CLAMPS = {
    "clamp": lambda lib, x, lo, hi: lib.clamp(x, lo, hi),
    "clamp_": lambda lib, x, lo, hi: x.clone().clamp_(lo, hi),
    "clamp_min": lambda lib, x, lo, hi: lib.clamp_min(x, lo if lo is not None else hi),
    "clamp_max_": lambda lib, x, lo, hi: x.clone().clamp_max_(hi if hi is not None else lo),
}


@pytest.mark.parametrize("op", list(CLAMPS))
@pytest.mark.parametrize("dtype", DTYPES)
def test_clamp_number_bounds_matrix(op, dtype):
    for shape, (lo, hi) in itertools.product(["1d", "0d"], CLAMP_BOUNDS):
        (xm, xt) = _pair(dtype, shape)
        check(CLAMPS[op], (xm, lo, hi), (xt, lo, hi), f"{op}({dtype} {shape}, {lo}, {hi})")


# ---- a number written into a tensor of each dtype: PyTorch's range check -------------------

FILL_VALUES = [-2.5, -0.5, -0.0, -1e-30, -3, 255.5, 255.0, 127.5, -128.9, 300, -300, True, 1e39]
FILLS = {
    "full": lambda lib, dt, v: lib.full((2,), v, dtype=dt),
    "fill_": lambda lib, dt, v: lib.zeros(2, dtype=dt).fill_(v),
    "masked_fill": lambda lib, dt, v: lib.zeros(2, dtype=dt).masked_fill(
        lib.tensor([True, False]), v
    ),
    "tensor": lambda lib, dt, v: lib.tensor([v, 1], dtype=dt),
}


@pytest.mark.parametrize("op", list(FILLS))
@pytest.mark.parametrize("dtype", DTYPES)
def test_number_into_dtype_matrix(op, dtype):
    for v in FILL_VALUES:
        dm, dt = getattr(mg, dtype), getattr(torch, dtype)
        check(FILLS[op], (dm, v), (dt, v), f"{op}({v}, {dtype})")


@pytest.mark.parametrize("dtype", DTYPES)
def test_masked_fill_value_tensor_matrix(dtype):
    """A 0-d value tensor of every dtype and value into a tensor of ``dtype``."""
    fill = {
        "out": lambda lib, x, m, v: lib.masked_fill(x, m, v),
        "in place": lambda lib, x, m, v: x.clone().masked_fill_(m, v),
    }
    for (name, fn), dv, shape in itertools.product(fill.items(), DTYPES, ["1d", "0d"]):
        xm, xt = _pair(dtype, shape)
        mm, mt = _pair("bool", shape)
        for value in _data(dv, "1d"):
            vm, vt = mg.tensor(np.array(value)), torch.tensor(np.array(value))
            check(fn, (xm, mm, vm), (xt, mt, vt), f"masked_fill {name}({dtype}, {dv} {value})")
