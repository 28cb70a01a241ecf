"""Every op in the table: forward against NumPy, gradient against finite differences."""

import numpy as np
import pytest
from op_table import CASES

import minigrad as mg

PARAMS = [
    pytest.param(case, shapes, id=f"{case.name}-{'-'.join(map(str, shapes))}")
    for case in CASES
    for shapes in case.shapes
]


@pytest.mark.parametrize("case,shapes", PARAMS)
def test_forward_matches_numpy(case, shapes):
    arrays = case.inputs(shapes)
    got = case.fn(*[mg.tensor(a) for a in arrays])
    np.testing.assert_allclose(got.data, case.ref(*arrays), rtol=1e-12, atol=1e-12)
    assert got.dtype == np.float64


@pytest.mark.parametrize("case,shapes", PARAMS)
def test_gradient_matches_finite_differences(case, shapes):
    inputs = [mg.tensor(a, requires_grad=True) for a in case.inputs(shapes)]
    assert mg.gradcheck(case.fn, inputs, eps=1e-6, atol=1e-6, rtol=1e-4)


@pytest.mark.parametrize("case,shapes", PARAMS)
def test_float32_stays_float32(case, shapes):
    inputs = [mg.tensor(a.astype(np.float32), requires_grad=True) for a in case.inputs(shapes)]
    out = case.fn(*inputs)
    assert out.dtype == np.float32
    out.sum().backward()
    for t in inputs:
        assert t.grad is not None and t.grad.dtype == np.float32 and t.grad.shape == t.shape


@pytest.mark.parametrize("case,shapes", PARAMS)
def test_grad_shapes_match_inputs(case, shapes):
    inputs = [mg.tensor(a, requires_grad=True) for a in case.inputs(shapes)]
    out = case.fn(*inputs)
    out.backward(mg.ones_like(out))
    for t in inputs:
        assert t.grad.shape == t.shape


def test_batched_matmul_broadcast_gradients():
    a = mg.tensor(np.random.default_rng(1).normal(size=(6, 6, 5, 4)), requires_grad=True)
    b = mg.tensor(np.random.default_rng(2).normal(size=(4, 3)), requires_grad=True)
    (a @ b).sum().backward()
    # d/db of sum(a @ b) = sum over batch and rows of a, for every column of b
    expected_b = np.repeat(a.data.sum(axis=(0, 1, 2))[:, None], 3, axis=1)
    np.testing.assert_allclose(b.grad.data, expected_b, rtol=1e-12)
    np.testing.assert_allclose(a.grad.data, np.broadcast_to(b.data.sum(1), a.shape), rtol=1e-12)
    assert mg.gradcheck(
        lambda x, y: (x @ y).sum(), [mg.tensor(a.data[:2, :2], requires_grad=True), b]
    )


def test_batched_matmul_left_broadcast():
    rng = np.random.default_rng(3)
    a = mg.tensor(rng.normal(size=(5, 4)), requires_grad=True)
    b = mg.tensor(rng.normal(size=(6, 6, 4, 3)), requires_grad=True)
    out = a @ b
    assert out.shape == (6, 6, 5, 3)
    out.sum().backward()
    np.testing.assert_allclose(a.grad.data, np.broadcast_to(b.data.sum(axis=(0, 1, 3)), (5, 4)))
    small_b = mg.tensor(b.data[:2, :1], requires_grad=True)
    assert mg.gradcheck(lambda x, y: x @ y, [a, small_b])


def test_max_dim_returns_values_and_indices():
    x = mg.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 7.0]], requires_grad=True)
    values, indices = x.max(dim=1)
    assert values.tolist() == [5.0, 7.0]
    assert indices.tolist() == [1, 0] and indices.dtype == np.int64
    values.sum().backward()
    # the gradient goes to the returned index only, even at a tie
    assert x.grad.tolist() == [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]


def test_amax_and_whole_max_split_ties_evenly():
    x = mg.tensor([1.0, 3.0, 3.0, 2.0], requires_grad=True)
    x.amax().backward()
    assert x.grad.tolist() == [0.0, 0.5, 0.5, 0.0]
    y = mg.tensor([[4.0, 4.0], [1.0, 4.0]], requires_grad=True)
    y.max().backward()
    np.testing.assert_allclose(y.grad.data, [[1 / 3, 1 / 3], [0.0, 1 / 3]])
    z = mg.tensor([[2.0, 2.0, 1.0]], requires_grad=True)
    z.amin(1).backward(mg.tensor([6.0]))
    assert z.grad.tolist() == [[0.0, 0.0, 6.0]]


def test_maximum_splits_ties_evenly():
    a = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = mg.tensor([1.0, 5.0, 0.0], requires_grad=True)
    mg.maximum(a, b).sum().backward()
    assert a.grad.tolist() == [0.5, 0.0, 1.0]
    assert b.grad.tolist() == [0.5, 1.0, 0.0]


def test_clamp_passes_gradient_at_the_bounds():
    x = mg.tensor([-1.0, 0.0, 0.5, 1.0, 2.0], requires_grad=True)
    x.clamp(0.0, 1.0).sum().backward()
    assert x.grad.tolist() == [0.0, 1.0, 1.0, 1.0, 0.0]


def test_argmax_argmin():
    x = mg.tensor([[1.0, 9.0, 3.0], [8.0, 2.0, 8.0]])
    assert x.argmax().item() == 1
    assert x.argmax(dim=1).tolist() == [1, 0]
    assert x.argmin(dim=0, keepdim=True).tolist() == [[0, 1, 0]]


def test_comparisons_are_bool_without_grad():
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for r in (x < 2, x <= 2, x > 2, x >= 2, x == 2, x != 2):
        assert r.dtype == np.bool_ and not r.requires_grad and r.grad_fn is None
    assert (x > 1.5).tolist() == [False, True, True]


def test_function_and_method_forms_agree():
    x = mg.tensor([[0.5, -1.0], [2.0, 0.25]])
    for name in ("exp", "sigmoid", "tanh", "relu", "abs", "sin", "cos", "neg"):
        np.testing.assert_array_equal(getattr(mg, name)(x).data, getattr(x, name)().data)
    np.testing.assert_array_equal(mg.pow(x, 2).data, x.pow(2).data)
    np.testing.assert_array_equal(mg.matmul(x, x).data, x.matmul(x).data)
    np.testing.assert_array_equal(mg.sum(x, 0).data, x.sum(0).data)


def test_sigmoid_is_finite_and_accurate_far_out():
    x = mg.tensor([-1000.0, -30.0, 0.0, 30.0, 1000.0], dtype=mg.float32)
    y = x.sigmoid()
    assert np.all(np.isfinite(y.data))
    np.testing.assert_allclose(y.data[1], np.exp(-30.0), rtol=1e-5)
    assert y.data[4] == 1.0 and y.data[0] == 0.0


def test_grad_fn_names():
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    assert (a @ a).grad_fn.name() == "MatmulBackward"
    assert (a + 1).grad_fn.name() == "AddBackward"
    assert a.sigmoid().grad_fn.name() == "SigmoidBackward"
    assert a.sum().grad_fn.name() == "SumBackward"


def test_new_ops_grad_fn_names():
    a = mg.ones(2, 2, 2, requires_grad=True)
    m = a[0]
    assert mg.mm(m, m).grad_fn.name() == "MmBackward"
    assert mg.bmm(a, a).grad_fn.name() == "BmmBackward"
    assert m.tril().grad_fn.name() == "TrilBackward"
    assert m.triu().grad_fn.name() == "TriuBackward"
    assert m.round().grad_fn.name() == "RoundBackward"
    assert m.logsumexp(0).grad_fn.name() == "LogsumexpBackward"
    assert m.norm().grad_fn.name() == "LinalgVectorNormBackward"
    assert m.gather(0, mg.tensor([[0, 1]])).grad_fn.name() == "GatherBackward"
    assert m.topk(1).values.grad_fn.name() == "TopkBackward"


def test_topk_returns_values_and_indices_by_name():
    x = mg.tensor([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]], requires_grad=True)
    r = x.topk(2)
    assert r._fields == ("values", "indices") and type(r).__name__ == "topk"
    values, indices = r
    assert values is r.values and indices is r.indices
    assert indices.tolist() == [[1, 2], [2, 0]] and indices.dtype == mg.int64
    assert not indices.requires_grad
    values.backward(mg.tensor([[1.0, 2.0], [3.0, 4.0]]))
    assert x.grad.tolist() == [[0.0, 1.0, 2.0], [4.0, 0.0, 3.0]]


def test_gather_gradient_accumulates_repeated_indices():
    x = mg.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    y = x.gather(1, mg.tensor([[2, 2, 0, 2]]))
    assert y.tolist() == [[3.0, 3.0, 1.0, 3.0]]
    y.sum().backward()
    assert x.grad.tolist() == [[1.0, 0.0, 3.0]]
    with pytest.raises(RuntimeError, match=r"gather\(\): index 3 is out of bounds"):
        x.gather(1, mg.tensor([[3]]))


def test_norm_gradient_is_zero_at_the_zero_vector():
    x = mg.zeros(3, dtype=mg.float64, requires_grad=True)
    x.norm().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]
