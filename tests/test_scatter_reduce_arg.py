"""scatter(reduce=) by its definition: out[index[i][j]][j] (op)= src[i][j] for dim 0, by
a loop over the index; repeats accumulate; the result has no derivative."""

import numpy as np
import pytest

import minigrad as mg


@pytest.mark.parametrize("reduce", ["add", "multiply"])
@pytest.mark.parametrize("dim", [0, 1])
def test_matches_the_loop_definition(reduce, dim):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(4, 5))
    index = rng.integers(0, x.shape[dim], size=(3, 4))
    src = rng.normal(size=(4, 6))
    want = x.copy()
    for i in range(3):
        for j in range(4):
            at = (index[i, j], j) if dim == 0 else (i, index[i, j])
            want[at] = want[at] + src[i, j] if reduce == "add" else want[at] * src[i, j]
    with pytest.warns(UserWarning, match="scatter_reduce"):
        got = mg.tensor(x).scatter(dim, mg.tensor(index), mg.tensor(src), reduce=reduce)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-14)


def test_a_number_is_cast_to_the_input_dtype_and_repeats_accumulate():
    x = mg.zeros(2, 3, dtype=mg.long)
    out = x.scatter(1, mg.tensor([[2, 2, 2]]), 1.7, reduce="add")
    np.testing.assert_array_equal(out.numpy(), [[0, 0, 3], [0, 0, 0]])


def test_backward_raises():
    x = mg.ones(2, 2, dtype=mg.float64, requires_grad=True)
    y = x.scatter(0, mg.tensor([[1, 0]]), 3.0, reduce="multiply")
    assert y.grad_fn.name() == "torch::autograd::NotImplemented"
    with pytest.raises(RuntimeError, match="not implemented"):
        y.sum().backward()
