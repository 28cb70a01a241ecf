"""Awkward inputs to tensor ops (0-d, empty, dim=(), bool, correction >= n), checked by
formula and without PyTorch: the torch-free half of test_torch_oracle_fz_ops.py."""

import numpy as np
import pytest

import minigrad as mg


def test_mT_of_a_0d_tensor_is_the_identity_and_differentiable():
    x = mg.tensor(1.5, dtype=mg.float64, requires_grad=True)
    y = x.mT * 3
    y.backward()
    assert y.shape == () and y.item() == 4.5 and x.grad.item() == 3.0


def test_logit_slope_at_signed_zero_is_plus_inf():
    """d/dx log(x / (1 - x)) = 1 / (x (1 - x)) -> +inf as x -> 0 from inside [0, 1]."""
    x = mg.tensor([-0.0, 0.0, 0.25], dtype=mg.float64, requires_grad=True)
    x.logit().backward(mg.tensor([1.0, 1.0, 1.0], dtype=mg.float64))
    np.testing.assert_array_equal(x.grad.numpy(), [np.inf, np.inf, 1 / (0.25 * 0.75)])


@pytest.mark.parametrize("dim", [(), []])
def test_all_and_any_over_no_dims_are_elementwise(dim):
    a = np.array([[0.0, 2.0], [-1.0, 0.0]])
    np.testing.assert_array_equal(mg.tensor(a).any(dim).numpy(), a != 0)
    np.testing.assert_array_equal(mg.tensor(a).all(dim, keepdim=True).numpy(), a != 0)


def test_squeeze_of_no_dims_keeps_the_shape():
    assert mg.zeros(2, 1, 3).squeeze(()).shape == (2, 1, 3)


def test_median_of_an_empty_tensor_has_a_zero_gradient_of_its_shape():
    x = mg.zeros(0, 3, 1, requires_grad=True)
    m = x.median()
    m.backward()
    assert np.isnan(m.item()) and x.grad.shape == (0, 3, 1)


def test_kthvalue_and_median_refuse_bools_and_empty_dims():
    with pytest.raises(NotImplementedError, match="kthvalue"):
        mg.tensor([True, False]).kthvalue(1)
    with pytest.raises(NotImplementedError, match="median"):
        mg.tensor([True, False]).median()
    with pytest.raises(IndexError, match="kthvalue"):
        mg.zeros(2, 0).kthvalue(1)
    assert mg.zeros(2, 0).kthvalue(1, 0).values.shape == (0,)


def test_repeat_interleave_along_a_dim_of_a_0d_tensor_is_an_index_error():
    with pytest.raises(IndexError, match="repeat_interleave"):
        mg.tensor(1.5).repeat_interleave(2, dim=0)
    assert mg.tensor(1.5).repeat_interleave(2).shape == (2,)


def test_var_and_std_of_all_elements_with_no_degrees_of_freedom():
    """2 / (n - c) is inf for n <= c: the gradient is inf, NaN where x equals its mean
    (inf * 0); std's is var's times g / (2 std) = 0, so NaN."""
    x = mg.tensor([1.5, 2.0, 2.5], dtype=mg.float64, requires_grad=True)
    with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):  # PyTorch's warning
        x.var(correction=4).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [np.inf, np.nan, np.inf])
    x.grad = None
    with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
        x.std(correction=3).backward()
    assert np.isnan(x.grad.numpy()).all()
    x.grad = None  # along a dim, 2 / (n - c) is finite for n < c
    with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
        x.var(0, correction=4).backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * (x.data - x.data.mean()) / (3 - 4))


@pytest.mark.parametrize("op", ["exp_", "tanh_", "sigmoid_", "sqrt_", "relu_", "reciprocal_"])
def test_changing_the_result_of_an_in_place_op_that_saved_it_makes_backward_raise(op):
    """exp_'s backward reads its result, which is the tensor itself: a later change to it
    would give a wrong gradient, so backward refuses (without the change it is right)."""
    x = mg.tensor([0.5, 1.5, 2.0], dtype=mg.float64, requires_grad=True)
    y = x * 1
    getattr(y, op)()
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()
    y = x * 1
    getattr(y, op)()
    (y * 2).sum().backward()
    fn = {
        "exp_": np.exp,
        "tanh_": np.tanh,
        "sigmoid_": lambda a: 1 / (1 + np.exp(-a)),
        "sqrt_": np.sqrt,
        "relu_": lambda a: np.maximum(a, 0),
        "reciprocal_": lambda a: 1 / a,
    }
    a, eps = x.data, 1e-6
    expected = 2 * (fn[op](a + eps) - fn[op](a - eps)) / (2 * eps)
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-6)


@pytest.mark.parametrize(
    "make",
    [
        lambda y: y.gather(1, mg.tensor([[0], [2]])),
        lambda y: y.take(mg.tensor([0, 4])),
        lambda y: y.masked_select(y > 0),
    ],
)
def test_an_op_that_saved_its_input_raises_after_the_input_changes(make):
    x = mg.tensor([[0.5, -1.5, 2.0], [1.0, 3.0, -2.5]], dtype=mg.float64, requires_grad=True)
    y = x * 1
    out = make(y)
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.sum().backward()


def test_index_add_and_index_copy_raise_after_their_source_changes():
    for op in ("index_add", "index_copy"):
        s = mg.ones(1, 3, dtype=mg.float64, requires_grad=True) * 2
        out = getattr(mg.zeros(2, 3, dtype=mg.float64), op)(0, mg.tensor([1]), s)
        s.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            out.sum().backward()
    with pytest.raises(RuntimeError, match="index_add"):  # a 0-d source for a vector
        mg.zeros(3).index_add(0, mg.tensor([0]), mg.tensor(2.0))


@pytest.mark.parametrize(
    "write",
    [
        lambda y: y.add_(y[0]),
        lambda y: y[:2].add_(y[1:]),
        lambda y: y[1:].copy_(y[:-1]),
        lambda y: y.clamp_(y[0], y[1]),
        lambda y: y.lerp_(y[1], 0.5),
        lambda y: y.__setitem__([0, 1, 2], y),
        lambda y: y.__setitem__(slice(1, None), y[:-1]),
        lambda y: y.index_add_(0, mg.tensor([0, 1, 2]), y),
    ],
)
def test_writing_from_memory_that_overlaps_the_target_raises(write):
    """The result would depend on the order the elements are written in."""
    y = mg.arange(9.0).reshape(3, 3)
    before = y.numpy().copy()
    with pytest.raises(RuntimeError, match="single memory location"):
        write(y)
    np.testing.assert_array_equal(y.numpy(), before)


def test_writing_from_the_same_memory_or_a_number_read_from_it_is_allowed():
    y = mg.arange(9.0).reshape(3, 3)
    a = y.numpy().copy()
    y.mul_(y)
    y.masked_fill_(y > 10, y[0, 1])
    y[0] = y[1]
    expected = a * a
    expected[expected > 10] = expected[0, 1]
    expected[0] = expected[1]
    np.testing.assert_array_equal(y.numpy(), expected)


def test_setitem_drops_leading_unit_dims_of_the_value_and_casts_under_a_mask():
    y = mg.zeros(2, 3, dtype=mg.float64)
    y[0, 1] = mg.ones(1, 1, dtype=mg.float64) * 3  # into one element
    y[mg.tensor([False, True]), 2] = mg.tensor(2.5)  # float32 into float64: masked_fill
    np.testing.assert_array_equal(y.numpy(), [[0, 3, 0], [0, 0, 2.5]])
    with pytest.raises(RuntimeError, match="dtypes match"):  # an int index: index_put
        y[[0], 1] = mg.tensor(2.5)


def test_an_empty_numpy_float_array_indexes_nothing():
    assert mg.zeros(2, 3)[np.array([])].shape == (0, 3)
    with pytest.raises(IndexError):
        mg.zeros(2, 3)[mg.tensor([])]


def _changed_then_backward(op, grads, changed):
    """out = op(a, b); the tensor ``changed`` changed in place; backward. The error, or None."""
    a = mg.tensor([[0.5, -1.5, 2.0], [1.0, 3.0, -2.5]], requires_grad="a" in grads) * 1
    b = mg.tensor([[1.5, 2.0, -0.5], [0.25, -1.0, 4.0]], requires_grad="b" in grads) * 1
    out = op(a, b)
    {"a": a, "b": b}[changed].add_(1)
    try:
        out.sum().backward()
    except RuntimeError as e:
        return e
    return None


@pytest.mark.parametrize(
    "op,grads,changed",
    [
        (mg.hypot, "b", "a"),  # db = g b / out reads b, not a
        (lambda a, b: mg.lerp(a, b, b), "a", "a"),  # da = g (1 - w) reads w = b
        (lambda a, b: mg.addcmul(a, a, b), "a", "a"),  # dt1 = g t2 reads b only
        (lambda a, b: mg.addmm(a[:, :2], a, b.T[:, :2]), "a", "a"),  # dmat1 = g mat2ᵀ
        (lambda a, b: mg.fmod(a, b), "a", "b"),  # da = g: nothing saved
        (mg.kron, "ab", "a"),  # a product of reshapes that are not views
        (lambda a, b: a.index_add(0, mg.tensor([0]), b[:1]), "a", "b"),
    ],
)
def test_an_op_saves_only_what_the_gradients_it_computes_read(op, grads, changed):
    assert _changed_then_backward(op, grads, changed) is None


@pytest.mark.parametrize(
    "op,grads,changed",
    [
        (lambda a, b: a.cummax(1).values, "a", "a"),  # saved as PyTorch saves it
        (lambda a, b: a.div(b, rounding_mode="trunc"), "a", "b"),
        (lambda a, b: a.div(b, rounding_mode="floor"), "b", "a"),
        (mg.hypot, "ab", "a"),
        (lambda a, b: mg.lerp(a, b, a), "b", "a"),
    ],
)
def test_an_op_that_saved_a_tensor_raises_after_it_changes(op, grads, changed):
    assert "modified by an inplace operation" in str(_changed_then_backward(op, grads, changed))


def test_kron_still_has_the_gradient_of_its_formula():
    a = mg.tensor([[1.0, 2.0], [3.0, -1.0]], dtype=mg.float64, requires_grad=True)
    b = mg.tensor([[0.5, -2.0, 1.5]], dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(mg.kron, [a, b])


def test_remainder_and_floor_divide_methods():
    a, b = mg.tensor([5.0, -5.0, 7.5]), mg.tensor([3.0, 3.0, -2.0])
    np.testing.assert_array_equal(a.remainder(b).numpy(), np.remainder(a.numpy(), b.numpy()))
    np.testing.assert_array_equal(a.floor_divide(b).numpy(), np.floor_divide(a.numpy(), b.numpy()))


def test_an_in_place_op_on_itself_saved_the_old_operand_and_raises():
    """t.hypot_(t): backward would read t as the operand, which the op changed."""
    x = mg.tensor([0.5, 1.5], dtype=mg.float64, requires_grad=True)
    y = x * 1
    y.hypot_(y)
    with pytest.raises(RuntimeError, match="HypotBackward"):
        y.sum().backward()


def test_div_in_place_with_a_rounding_mode():
    y = mg.tensor([7.0, -7.0, 5.5])
    y.div_(mg.tensor([2.0, 2.0, -2.0]), rounding_mode="floor")
    np.testing.assert_array_equal(y.numpy(), np.floor(np.array([7.0, -7.0, 5.5]) / [2, 2, -2]))


def test_integer_division_by_zero_of_an_empty_tensor_is_empty():
    assert (mg.zeros(0, dtype=mg.int64) // 0).shape == (0,)
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        mg.ones(2, dtype=mg.int64) // 0


def test_setitem_from_a_0d_view_of_the_same_tensor_fills():
    y = mg.arange(6.0).reshape(2, 3)
    y[:] = y[1, 2]
    np.testing.assert_array_equal(y.numpy(), np.full((2, 3), 5.0))


def test_a_part_of_an_expanded_tensor_without_repeats_can_change_in_place():
    """Writing into v[0] writes into x's memory once per element; into v, twice."""
    x = mg.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 4.0]], dtype=mg.float64, requires_grad=True)
    y = x * 1
    v = y.expand(2, 2, 3)
    v.diagonal().mul_(2)  # v[i, i, :] is y[i]: the whole of y, once
    (y * y).sum().backward()
    np.testing.assert_array_equal(y.detach().numpy(), 2 * x.data)
    np.testing.assert_array_equal(x.grad.numpy(), 8 * x.data)  # d(2x)² / dx = 8x
    with pytest.raises(RuntimeError, match="single memory location"):
        v.add_(1)
    z = mg.zeros(1, 3)
    w = z.expand(4, 3)
    w[2] = 5.0  # outside the graph, only the part written to must not repeat
    np.testing.assert_array_equal(z.numpy(), [[5.0, 5.0, 5.0]])
    with pytest.raises(RuntimeError, match="single memory location"):
        w[:, 0] = 1.0


def test_the_result_of_repeat_interleave_can_change_in_place():
    x = mg.tensor([1.0, -2.0], dtype=mg.float64, requires_grad=True)
    v = (x * 1).repeat_interleave(2)
    v[::2] *= 3  # [3x0, x0, 3x1, x1]
    (v * v).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), 2 * (9 + 1) * x.data)


def test_median_along_a_dim_is_nan_at_the_first_nan():
    x = mg.tensor([[1.0, np.nan, 3.0, np.nan], [2.0, 0.0, 5.0, 1.0]], requires_grad=True)
    m = x.median(1)
    assert np.isnan(m.values.detach().numpy()[0]) and m.values.detach().numpy()[1] == 1.0
    assert m.indices.tolist() == [1, 3]
    m.values.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 1, 0, 0], [0, 0, 0, 1]])


def test_a_view_keeps_its_base_alive_for_in_place_changes():
    """v is a view of stack's result, which nothing else holds: changing a part of v in
    place changes that result, so its gradient is that of the new values."""
    x = mg.tensor([[1.0, -2.0], [3.0, 0.5]], dtype=mg.float64, requires_grad=True)
    v = mg.stack([x * 1, x * 1])[0]
    v[0].mul_(3)  # v = [3 x0, x1]
    (v * v).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), 2 * x.data * [[9.0, 9.0], [1.0, 1.0]])
    w = mg.arange(6.0).reshape(2, 3).requires_grad_()  # a leaf that is a view of arange's
    with pytest.raises(RuntimeError, match="view of a leaf"):
        w[0].mul_(2)


def test_setitem_from_a_value_it_spreads_over_the_part_is_allowed():
    """y[:] = y[0] repeats row 0 over y (NumPy reads it first): PyTorch expands the value
    before comparing memory, and an expanded value is not compared."""
    y = mg.arange(6.0).reshape(2, 3)
    y[:] = y[0]
    np.testing.assert_array_equal(y.numpy(), [[0, 1, 2], [0, 1, 2]])
    z = mg.arange(4.0)
    with pytest.raises(RuntimeError, match="single memory location"):
        z[1:] = z[:3]  # not spread: a shifted copy of overlapping memory
