"""Construction, dtypes, factories, conversion and errors of the Tensor itself."""

import numpy as np
import pytest

import minigrad as mg


def test_python_floats_become_default_dtype():
    assert mg.tensor([1.0, 2.0]).dtype == np.float32
    assert mg.tensor(3.0).dtype == mg.float32
    assert mg.tensor([1, 2]).dtype == mg.int64
    assert mg.tensor([True, False]).dtype == mg.bool
    mg.set_default_dtype(mg.float64)
    try:
        assert mg.get_default_dtype() == np.float64
        assert mg.tensor([1.0]).dtype == np.float64
        assert mg.zeros(2).dtype == np.float64
        assert (mg.tensor([1, 2]) / 2).dtype == np.float64
    finally:
        mg.set_default_dtype(mg.float32)
    with pytest.raises(TypeError, match="int64"):
        mg.set_default_dtype(mg.int64)


def test_numpy_arrays_keep_their_dtype_and_tensor_copies():
    arr = np.array([1.0, 2.0])
    t = mg.tensor(arr)
    assert t.dtype == np.float64
    arr[0] = 100
    assert t.tolist() == [1.0, 2.0]


def test_from_numpy_shares_memory():
    arr = np.array([1.0, 2.0], dtype=np.float32)
    t = mg.from_numpy(arr)
    arr[0] = 7
    assert t.tolist() == [7.0, 2.0]
    assert np.shares_memory(t.numpy(), arr)
    assert np.asarray(t) is arr


def test_requires_grad_on_integer_data_raises_naming_dtype():
    with pytest.raises(RuntimeError, match="int64"):
        mg.tensor([1, 2], requires_grad=True)
    t = mg.tensor([1, 2])
    with pytest.raises(RuntimeError, match="int64"):
        t.requires_grad = True
    with pytest.raises(RuntimeError, match="bool"):
        mg.tensor([True], requires_grad=True)


def test_ragged_list_raises_value_error():
    with pytest.raises(ValueError, match="ragged"):
        mg.tensor([[1.0, 2.0], [3.0]])


def test_attributes():
    t = mg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    assert t.shape == (2, 3) and t.ndim == 2 and t.dim() == 2
    assert t.numel() == 6 and t.size() == (2, 3) and t.size(1) == 3 and len(t) == 2
    assert t.is_leaf and t.grad is None and t.grad_fn is None
    assert t.T.shape == (3, 2)
    assert t.sum().item() == 21.0
    assert isinstance(t.tolist(), list)
    with pytest.raises(RuntimeError, match="requires grad"):
        t.numpy()
    assert t.detach().numpy().shape == (2, 3)


def test_repr_like_pytorch():
    assert repr(mg.tensor([[1.0, 2.0]], requires_grad=True)) == (
        "tensor([[1., 2.]], requires_grad=True)"
    )
    assert repr(mg.tensor([1, 2])) == "tensor([1, 2])"
    t = mg.tensor([1.0], requires_grad=True) * 2
    assert repr(t) == "tensor([2.], grad_fn=<MulBackward>)"
    assert "dtype=minigrad.float64" in repr(mg.tensor(np.array([1.5])))


@pytest.mark.parametrize(
    "make, text",
    [  # the texts are what PyTorch 2.13 prints for the same tensors
        (lambda: mg.tensor([1.5, -2.25, 3.0]), "tensor([ 1.5000, -2.2500,  3.0000])"),
        (lambda: mg.tensor([1e10, 1.0]), "tensor([1.0000e+10, 1.0000e+00])"),
        (lambda: mg.tensor([0.1, 1e-5]), "tensor([1.0000e-01, 1.0000e-05])"),
        (lambda: mg.tensor([1.0, float("nan"), float("inf")]), "tensor([1., nan, inf])"),
        (lambda: mg.zeros(0, 3), "tensor([], size=(0, 3))"),
        (lambda: mg.tensor(2.5, requires_grad=True), "tensor(2.5000, requires_grad=True)"),
        (
            lambda: mg.arange(12).reshape(3, 4),
            "tensor([[ 0,  1,  2,  3],\n        [ 4,  5,  6,  7],\n        [ 8,  9, 10, 11]])",
        ),
        (
            lambda: mg.arange(2000.0),
            "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n"
            "        1.9990e+03])",
        ),
    ],
)
def test_repr_formats_as_pytorch(make, text):
    assert repr(make()) == text
    assert str(make()) == text


def test_conversions():
    t = mg.tensor([1.5, -2.0], requires_grad=True)
    d = t.double()
    assert d.dtype == np.float64 and d.grad_fn is not None
    d.sum().backward()
    assert t.grad.dtype == np.float32 and t.grad.tolist() == [1.0, 1.0]
    assert t.long().tolist() == [1, -2] and t.long().dtype == np.int64
    assert t.bool().dtype == np.bool_
    assert t.to(mg.float32) is t
    assert t.float() is t
    c = t.clone()
    assert c.grad_fn is not None and c.tolist() == t.tolist()
    assert float(mg.tensor(2.5)) == 2.5 and int(mg.tensor(3)) == 3


def test_item_requires_one_element():
    with pytest.raises(RuntimeError, match="2 elements"):
        mg.tensor([1.0, 2.0]).item()


def test_factories():
    assert mg.zeros(2, 3).shape == (2, 3) and mg.zeros((2, 3)).tolist() == [[0.0] * 3] * 2
    assert mg.ones([4]).dtype == np.float32
    assert mg.full((2,), 7).dtype == np.int64 and mg.full((2,), 7.0).dtype == np.float32
    assert mg.full((2,), True).dtype == np.bool_
    assert mg.arange(5).tolist() == [0, 1, 2, 3, 4] and mg.arange(5).dtype == np.int64
    assert mg.arange(0, 1, 0.25).dtype == np.float32 and mg.arange(0, 1, 0.25).shape == (4,)
    assert mg.linspace(0, 1, 5).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert mg.eye(3).tolist() == np.eye(3).tolist()
    z = mg.zeros_like(mg.tensor([1, 2]))
    assert z.dtype == np.int64
    assert mg.ones_like(mg.tensor([1.0]), requires_grad=True).requires_grad
    assert mg.randn(3, 4, requires_grad=True).requires_grad
    r = mg.rand(1000)
    assert r.dtype == np.float32 and 0 <= r.data.min() and r.data.max() < 1
    ri = mg.randint(0, 5, (100,))
    assert ri.dtype == np.int64 and set(ri.tolist()) <= set(range(5))
    assert sorted(mg.randperm(10).tolist()) == list(range(10))
    assert mg.randn(2, dtype=mg.float64).dtype == np.float64


def test_manual_seed_repeats_draws():
    mg.manual_seed(123)
    a = (mg.randn(5), mg.rand(3), mg.randint(0, 10, (4,)), mg.randperm(6))
    mg.manual_seed(123)
    b = (mg.randn(5), mg.rand(3), mg.randint(0, 10, (4,)), mg.randperm(6))
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x.data, y.data)
    mg.manual_seed(124)
    assert not np.array_equal(mg.randn(5).data, a[0].data)


def test_tensor_from_tensor_list_and_scalar_tensors():
    t = mg.tensor([mg.tensor(1.0), mg.tensor(2.0)])
    assert t.tolist() == [1.0, 2.0] and t.dtype == np.float32


def test_reflected_ops_with_arrays_and_numbers():
    t = mg.tensor([1.0, 2.0], requires_grad=True)
    for r in (2 * t, 1 - t, 1 / t, 2**t, np.array([1.0, 1.0], dtype=np.float32) + t):
        assert isinstance(r, mg.Tensor) and r.requires_grad
    assert (np.ones((3, 2), dtype=np.float32) @ t).shape == (3,)


# ---- errors: the op and the shapes are named -------------------------------------------


def test_matmul_shape_mismatch_names_op_and_shapes():
    with pytest.raises(ValueError, match=r"matmul.*\(2, 3\).*\(4, 5\)"):
        mg.ones(2, 3) @ mg.ones(4, 5)


def test_broadcast_mismatch_names_op_and_shapes():
    with pytest.raises(ValueError, match=r"add.*\(2, 3\).*\(4,\)"):
        mg.ones(2, 3) + mg.ones(4)
    with pytest.raises(ValueError, match=r"mul.*\(3,\).*\(2,\)"):
        mg.ones(3) * np.ones(2)


def test_reshape_error_names_shapes():
    with pytest.raises(ValueError, match=r"reshape.*\(4, 2\).*\(2, 3\)"):
        mg.ones(2, 3).reshape(4, 2)


def test_bad_dims_and_indices_raise_clearly():
    with pytest.raises(IndexError, match="Dimension out of range"):
        mg.ones(2, 3).sum(2)
    with pytest.raises(IndexError, match=r"shape \(2, 3\)"):
        mg.ones(2, 3)[5]
    with pytest.raises(ValueError, match="step"):
        mg.ones(4)[::-1]
    with pytest.raises(ValueError, match="cat"):
        mg.cat([mg.ones(2, 3), mg.ones(3, 3)], dim=1)


def test_inplace_dtype_mismatch_raises():
    t = mg.tensor([1, 2])
    with pytest.raises(RuntimeError, match="int64"):
        t.add_(1.5)


def test_repr_formats_floats_like_pytorch():
    assert repr(mg.tensor([[1.5, 2.0]])) == "tensor([[1.5000, 2.0000]])"
    assert repr(mg.tensor(3.25)) == "tensor(3.2500)"
    assert repr(mg.tensor([1.0, 2.0])) == "tensor([1., 2.])"


def test_cat_and_stack_promote_like_pytorch():
    assert mg.cat([mg.tensor([1]), mg.tensor([2.0])]).dtype == np.float32
    assert mg.stack([mg.tensor([1]), mg.tensor([2])]).dtype == np.int64


def test_empty_dim_tuple_reduces_everything():
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert x.sum(()).item() == 10.0 and x.amax(()).item() == 4.0


def test_floor_divide_and_remainder():
    assert (mg.tensor([5, -5]) // 2).tolist() == [2, -3]
    assert (mg.tensor([5, -5]) % 3).tolist() == [2, 1]
    assert (7 % mg.tensor([4])).tolist() == [3]
    x = mg.tensor([5.5], requires_grad=True)
    y = x // 2  # as PyTorch: recorded, with no derivative
    assert y.requires_grad and y.grad_fn.name() == "FloorDivideBackward"
    with pytest.raises(RuntimeError, match="derivative for floor_divide is not implemented"):
        y.sum().backward()


def test_linear_shape_mismatch_names_op_and_shapes():
    with pytest.raises(ValueError, match=r"linear.*\(2, 3\).*\(4, 5\)"):
        mg.ops.linear(mg.ones(2, 3), mg.ones(4, 5), mg.ones(4))


def test_subtraction_with_a_bool_operand_raises_as_in_pytorch_in_place_too():
    t = mg.tensor([1.0, 2.0])
    for op in (lambda: t - True, lambda: True - t, lambda: t.sub_(True)):
        with pytest.raises(RuntimeError, match="with a bool tensor is not supported"):
            op()
    mask = mg.tensor([True, False])
    with pytest.raises(RuntimeError, match="two bool tensors"):
        mask.sub_(mask)
    np.testing.assert_array_equal(t.data, [1.0, 2.0])  # nothing was written
