"""``repr`` against PyTorch's: the same text, with ``torch.`` read as ``minigrad.``.

Covers the choice of format (whole numbers, 4 decimals, scientific), alignment, NaN and
inf, empty and 0-d tensors, line wrapping at 80 columns, summarization above 1000
elements, dtype and grad suffixes. Runs only where torch is installed.
"""

import re

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

_rng = np.random.default_rng(0)
NAN, INF = float("nan"), float("inf")
DATA = {
    "whole": [[1.0, 2.0], [3.0, 4.0]],
    "decimals": [1.5, -2.25, 3.0],
    "long decimals": [1.23456789, 2.0],
    "small ratio": [1e-3, 1.0],
    "tiny value": [0.1, 0.2, 1e-5],
    "wide ratio": [1e-4, 1e4],
    "huge whole": [1e10, 1.0],
    "big whole": [12345678.0],
    "over 1e8": [1e9, -2.5],
    "nan inf": [1.0, NAN, INF],
    "only nan": [NAN],
    "minus inf": [-INF, 2.5],
    "zeros": [0.0, 0.0],
    "negative zero": [-0.0, 1.0],
    "scalar": 3.0,
    "negative scalar": -1.5,
    "zero scalar": 0.0,
    "ints": [-1, 10, 1000],
    "int scalar": 7,
    "bools": [True, False],
    "bool matrix": _rng.integers(-5, 5, (4, 5)) > 0,
    "3-d": np.arange(24.0).reshape(2, 3, 4),
    "wrapped row": _rng.standard_normal((3, 40)),
    "wrapped ints": np.arange(30),
    "summarized vector": np.arange(2000.0),
    "summarized matrix": _rng.standard_normal((50, 50)),
    "summarized tall": _rng.standard_normal((2000, 2)),
    "summarized 3-d": _rng.standard_normal((7, 8, 20)),
    "summarized ints": np.arange(2000).reshape(40, 50),
    "scaled": _rng.standard_normal(100) * 1e5,
    "empty": [],
    "empty 2-d": np.zeros((0, 3)),
    "empty 3-d": np.zeros((2, 0, 3)),
    "empty ints": np.arange(0),
}


def _same(m, t) -> bool:
    """minigrad's repr is PyTorch's with ``torch.`` read as ``minigrad.``.

    A suffix moves to its own line when it would pass column 80, and "minigrad." is
    longer than "torch.", so the test joins suffix lines back before comparing.
    """
    suffix_line = re.compile(r",\n {7}(?=(dtype|requires_grad|grad_fn|size)=)")
    return suffix_line.sub(", ", repr(m)) == suffix_line.sub(", ", repr(t)).replace(
        "torch.", "minigrad."
    )


def _pair(data, dtype, requires_grad):
    kw = {"requires_grad": True} if requires_grad else {}
    t = torch.tensor(data, dtype=None if dtype is None else getattr(torch, dtype), **kw)
    m = mg.tensor(data, dtype=None if dtype is None else getattr(mg, dtype), **kw)
    return t, m


def _cases():
    for name, data in DATA.items():
        kind = np.asarray(data).dtype.kind
        for dtype in (None, "float64", "float32", "int64"):
            if dtype is not None and kind != "f":
                continue
            if dtype == "int64" and not np.all(np.isfinite(data)):
                continue
            for requires_grad in (False, True):
                if requires_grad and (kind != "f" or dtype == "int64"):
                    continue
                yield pytest.param(data, dtype, requires_grad, id=f"{name}-{dtype}-{requires_grad}")


@pytest.mark.parametrize("data, dtype, requires_grad", list(_cases()))
def test_repr_matches_pytorch(data, dtype, requires_grad):
    t, m = _pair(data, dtype, requires_grad)
    assert _same(m, t), f"minigrad:\n{m!r}\ntorch:\n{t!r}"


def test_repr_of_op_results_and_under_float64_default():
    t, m = _pair([1.0, 2.5], None, True)
    # PyTorch numbers its backward classes (MulBackward0); minigrad's names have no number
    assert repr(m * 2) == repr(t * 2).replace("MulBackward0", "MulBackward")
    assert repr(m.sum()) == repr(t.sum()).replace("SumBackward0", "SumBackward")
    ym, yt = m * 1, t * 1
    ym[0:1] *= 3
    yt[0:1] *= 3
    assert repr(ym) == repr(yt)  # an in-place change through a view: grad_fn=<CopySlices>
    old_t, old_m = torch.get_default_dtype(), mg.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    mg.set_default_dtype(mg.float64)
    try:
        for data in ([1.5, 2.0], np.array([1.5], np.float32), []):
            assert _same(mg.tensor(data), torch.tensor(data))
    finally:
        torch.set_default_dtype(old_t)
        mg.set_default_dtype(old_m)
