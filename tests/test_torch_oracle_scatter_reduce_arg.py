"""scatter / scatter_ with reduce= ("add", "multiply") against PyTorch: values, the
recorded node (PyTorch's NotImplemented: backward raises), and bad arguments."""

import warnings

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

CASES = [  # (input shape, dim, index, src shape or None for a number)
    ((3, 2), 0, [[0], [0], [1]], (3, 1)),
    ((3, 2), 0, [[0], [0], [1]], None),
    ((3, 4), 1, [[0, 1, 0], [3, 3, 3], [2, 1, 2]], (3, 5)),
    ((2, 3, 4), -1, np.zeros((2, 3, 2), np.int64).tolist(), (2, 3, 2)),
    ((5,), 0, [4, 4, 0, 2, 4], (6,)),
]


def _run(M, shape, dim, index, src_shape, reduce, dtype, inplace):
    rng = np.random.default_rng(len(shape) + dim)
    x = M.tensor(rng.integers(-3, 4, shape).astype(dtype))
    i = M.tensor(np.array(index, np.int64))
    src = 2.5 if src_shape is None else M.tensor(rng.integers(-3, 4, src_shape).astype(dtype))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch deprecates reduce= with a Tensor src
        if inplace:
            return x.scatter_(dim, i, src, reduce=reduce).numpy()
        return M.scatter(x, dim, i, src, reduce=reduce).numpy()


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("reduce", ["add", "multiply"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
@pytest.mark.parametrize("inplace", [False, True])
def test_values_as_pytorch(case, reduce, dtype, inplace):
    got = _run(mg, *case, reduce, dtype, inplace)
    want = _run(torch, *case, reduce, dtype, inplace)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("reduce", ["add", "multiply"])
def test_backward_raises_as_pytorch(reduce):
    names, errors = [], []
    for M in (mg, torch):
        x = M.ones(3, 2, requires_grad=True)
        y = x.scatter(0, M.tensor([[0], [1]]), 2.0, reduce=reduce)
        names.append(y.grad_fn.name())
        with pytest.raises(RuntimeError, match="derivative for aten::scatter is not implemented"):
            y.sum().backward()
        errors.append(x.grad)
    assert names[0] == names[1]
    assert errors == [None, None]


@pytest.mark.parametrize(
    "kwargs", [{"reduce": "mean"}, {"reduce": "sum"}, {"reduce": "add", "dtype": "float64"}]
)
def test_bad_arguments_raise_as_pytorch(kwargs):
    kinds = []
    for M in (mg, torch):
        x = M.ones(3, 2)
        src = M.ones(3, 2, dtype=M.float64 if kwargs.get("dtype") else M.float32)
        try:
            x.scatter(0, M.tensor([[0, 1]]), src, reduce=kwargs["reduce"])
            kinds.append(None)
        except Exception as e:  # noqa: BLE001 - the class is what is compared
            kinds.append(type(e))
    assert kinds[0] is RuntimeError
    assert kinds[1] is RuntimeError
