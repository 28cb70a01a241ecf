"""Tensor.view(dtype) against PyTorch: the same bytes read as another dtype (values,
shapes), memory and version counter shared with the input, no gradient, and the
errors where element sizes differ."""

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

DTYPES = ["float32", "float64", "int64", "int32", "int16", "uint8", "bool"]


def _make(M, dtype, shape, take):
    x = M.tensor(np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape) + 0.5)
    x = x.to(getattr(M, dtype)) if dtype != "bool" else x > 3
    return eval("x" + take, {"x": x})  # noqa: S307 - a slice or transpose from the table


def _outcome(M, src, dst, shape, take, keyword):
    try:
        x = _make(M, src, shape, take)
        y = x.view(dtype=getattr(M, dst)) if keyword else x.view(getattr(M, dst))
    except RuntimeError as e:
        return ("raise", str(e).split(" to view ")[0].split(": ")[-1])
    return y.numpy().copy(), y.requires_grad


@pytest.mark.parametrize("src", ["float32", "float64", "int16"])
@pytest.mark.parametrize("dst", DTYPES)
@pytest.mark.parametrize(
    "shape, take",
    [((2, 4), ""), ((2, 3), ""), ((4, 4), ".t()"), ((2, 4), "[:, 1:3]"), ((), "")],
)
@pytest.mark.parametrize("keyword", [False, True])
def test_values_and_errors_as_pytorch(src, dst, shape, take, keyword):
    got = _outcome(mg, src, dst, shape, take, keyword)
    want = _outcome(torch, src, dst, shape, take, keyword)
    if isinstance(want[0], str):
        assert got == want
        return
    assert got[0].dtype == want[0].dtype
    assert got[0].shape == want[0].shape
    np.testing.assert_array_equal(
        np.atleast_1d(got[0]).view(np.uint8), np.atleast_1d(want[0]).view(np.uint8)
    )
    assert got[1] is want[1] is False


def test_shares_memory_and_version_as_pytorch():
    seen = []
    for M in (mg, torch):
        x = M.arange(6.0).reshape(2, 3).requires_grad_()
        y = x.view(M.int32)
        before = x._version if M is torch else x._version[0]
        with M.no_grad():
            y.add_(1)  # changes x's bytes, so x's version
        after = x._version if M is torch else x._version[0]
        seen.append((y.requires_grad, y.grad_fn, after != before, x.detach().numpy()[0, 1]))
    assert seen[0] == seen[1]
    assert seen[0][2] is True


def test_a_saved_input_changed_through_a_dtype_view_fails_backward():
    x = mg.arange(4.0, requires_grad=True)
    y = (x * 1).exp()
    y.view(mg.int32).zero_()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()
