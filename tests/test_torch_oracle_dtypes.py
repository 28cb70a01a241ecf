"""Result dtypes against PyTorch: every pairing of bool, int64, float32 and float64 operands,
as n-d tensors, 0-d tensors and Python numbers, through the arithmetic operators.

PyTorch's promotion differs from NumPy's (int64 + float32 is float32; a 0-d tensor or a
Python number only lifts the category; int / int is the default float), so each case
is asked of torch itself. Runs only where torch is installed.
"""

import itertools

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

DTYPES = ["bool", "int64", "float32", "float64"]
KINDS = ["nd", "0d", "py"]
OPS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
}


def _value(dtype, kind, module):
    """A 2-element (nd) or 0-d tensor of ``dtype`` in ``module``, or a Python number."""
    data = np.array([1, 0] if dtype == "bool" else [3, 2]).astype(dtype)
    if kind == "py":
        return {"bool": True, "int64": 3, "float32": 2.5, "float64": 2.5}[dtype]
    if kind == "0d":
        data = data[0]
    return mg.tensor(data) if module == "mg" else torch.tensor(data)


def _cases():
    for (da, ka), (db, kb) in itertools.product(
        itertools.product(DTYPES, KINDS), itertools.product(DTYPES, KINDS)
    ):
        if ka == "py":  # the left operand is a tensor (the reflected forms swap it)
            continue
        for op in ("add", "sub", "mul", "div"):
            yield pytest.param(op, da, ka, db, kb, id=f"{op}-{da}{ka}-{db}{kb}")


@pytest.mark.filterwarnings("ignore:.*encountered in divide:RuntimeWarning")  # False is 0
@pytest.mark.parametrize("op,da,ka,db,kb", list(_cases()))
def test_result_dtype_matches_pytorch(op, da, ka, db, kb):
    fn = OPS[op]
    try:
        expected = fn(_value(da, ka, "torch"), _value(db, kb, "torch"))
    except RuntimeError:  # e.g. torch refuses subtraction with a bool tensor
        with pytest.raises(RuntimeError):
            fn(_value(da, ka, "mg"), _value(db, kb, "mg"))
        return
    got = fn(_value(da, ka, "mg"), _value(db, kb, "mg"))
    assert str(got.dtype) == str(expected.dtype).replace("torch.", ""), (
        f"{op}({da} {ka}, {db} {kb}): minigrad {got.dtype}, torch {expected.dtype}"
    )
    np.testing.assert_allclose(got.data.astype(np.float64), expected.double().numpy())


@pytest.mark.parametrize("da,db", list(itertools.product(DTYPES[1:], DTYPES[1:])))
def test_reflected_python_numbers_match_pytorch(da, db):
    for number in (2, 2.5):
        for fn in (lambda t, n: n - t, lambda t, n: n / t, lambda t, n: n * t):
            expected = fn(_value(da, "nd", "torch"), number)
            got = fn(_value(da, "nd", "mg"), number)
            assert str(got.dtype) == str(expected.dtype).replace("torch.", "")
            np.testing.assert_allclose(got.data.astype(np.float64), expected.double().numpy())
