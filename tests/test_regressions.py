"""Named regressions: the graphs where autograd engines usually go wrong."""

import warnings

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F


def test_b_is_a_plus_a_c_is_b_plus_b():
    a = mg.tensor(3.0, requires_grad=True)
    b = a + a
    c = b + b
    c.backward()
    assert a.grad.item() == 4.0


def test_x_is_a_plus_b_y_is_x_times_a():
    a = mg.tensor(2.0, requires_grad=True)
    b = mg.tensor(5.0, requires_grad=True)
    x = a + b
    y = x * a  # dy/da = x + a = 2a + b, dy/db = a
    y.backward()
    assert a.grad.item() == 9.0
    assert b.grad.item() == 2.0


def test_x_times_x():
    x = mg.tensor([1.0, -2.0, 3.0], requires_grad=True)
    (x * x).sum().backward()
    assert x.grad.tolist() == [2.0, -4.0, 6.0]


def test_fan_out_100_ops():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    total = sum((x * float(k)).sum() for k in range(100))
    total.backward()
    assert x.grad.tolist() == [4950.0, 4950.0]


def test_diamond_with_broadcast():
    a = mg.tensor(np.ones((2, 3)), requires_grad=True)
    b = mg.tensor(np.ones(3) * 2, requires_grad=True)
    left = a * b
    right = a + b
    (left * right).sum().backward()
    # d/da = b*(a+b) + a*b ; d/db = sum_rows(a*(a+b) + a*b)
    np.testing.assert_allclose(a.grad.data, np.full((2, 3), 2 * 3 + 2))
    np.testing.assert_allclose(b.grad.data, np.full(3, 2 * (3 + 2)))


def test_relu_gradient_at_zero_is_zero():
    x = mg.tensor([-1.0, 0.0, 1.0], requires_grad=True)
    x.relu().sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 1.0]


def test_abs_gradient_at_zero_is_zero():
    x = mg.tensor([0.0], requires_grad=True)
    x.abs().backward(mg.tensor([1.0]))
    assert x.grad.tolist() == [0.0]


def test_repeated_integer_indices_accumulate():
    x = mg.tensor([10.0, 20.0, 30.0], requires_grad=True)
    x[[0, 0, 2, 0]].sum().backward()
    assert x.grad.tolist() == [3.0, 0.0, 1.0]
    y = mg.tensor(np.zeros((2, 2)), requires_grad=True)
    y[mg.tensor([1, 1]), mg.tensor([0, 0])].sum().backward()
    assert y.grad.tolist() == [[0.0, 0.0], [2.0, 0.0]]


def test_broadcast_scalar_with_row_then_reuse():
    s = mg.tensor(2.0, requires_grad=True)
    row = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    z = (s * row + s).sum()
    z.backward()
    assert s.grad.item() == 6.0 + 3.0
    assert row.grad.tolist() == [2.0, 2.0, 2.0]


def test_shared_leaf_gradients_are_not_aliased():
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    b = mg.tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward()
    a.grad.data += 100
    assert b.grad.tolist() == [1.0, 1.0]


def test_gradient_of_a_passed_through_seed_is_a_copy():
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    seed = mg.tensor([5.0, 6.0])
    (a + 0).backward(seed)
    a.grad.data[0] = 0
    assert seed.tolist() == [5.0, 6.0]


def test_noncontiguous_views():
    base = np.arange(24, dtype=np.float64).reshape(4, 6)
    x = mg.tensor(base, requires_grad=True)
    v = x.T[::2]  # a strided, non-contiguous view
    w = mg.tensor(np.asfortranarray(np.ones((2, 3)) * 3.0), requires_grad=True)
    (v.T @ w.T * 0 + v.T @ w.T).sum().backward()
    assert mg.gradcheck(lambda a, b: a.T[::2].T @ b.T, [x, w])
    assert x.grad.shape == (4, 6) and np.all(x.grad.data[:, 1::2] == 0)


def test_transpose_of_transpose_and_permute_roundtrip():
    x = mg.tensor(np.random.default_rng(0).normal(size=(2, 3, 4)), requires_grad=True)
    y = x.permute(2, 0, 1).transpose(0, 2).reshape(-1)
    g = np.arange(24.0)
    y.backward(mg.tensor(g))
    expected = np.transpose(np.swapaxes(g.reshape(3, 2, 4), 0, 2), (1, 2, 0))
    np.testing.assert_array_equal(x.grad.data, expected)


def test_int_float_promotion_like_pytorch():
    i = mg.tensor([1, 2, 3])
    f = mg.tensor([0.5, 0.5, 0.5])
    assert i.dtype == np.int64 and f.dtype == np.float32
    assert (i + f).dtype == np.float32
    assert (i / i).dtype == np.float32
    assert (i * 2.5).dtype == np.float32
    assert (i + 1).dtype == np.int64
    assert (f + mg.tensor(1.0, dtype=mg.float64)).dtype == np.float32  # 0-d does not promote
    assert (f + mg.tensor([1.0], dtype=mg.float64)).dtype == np.float64
    assert (f * 2.0).dtype == np.float32
    assert i.exp().dtype == np.float32


def test_zero_dim_results_are_arrays_not_numpy_scalars():
    x = mg.tensor(2.0, requires_grad=True)
    for y in (x * 3, x.exp(), -x, x + x, mg.tensor([1.0, 2.0])[0], mg.tensor([1.0, 2.0]).sum()):
        assert type(y.data) is np.ndarray and y.shape == ()
    z = mg.tensor(2.0) * 3
    z += 1  # in place on a 0-d result
    assert z.item() == 7.0


def test_a_constant_operand_does_not_keep_the_other_operands_array_alive():
    # mask * h: only h needs a gradient (g * mask); the VJP that would give the mask's
    # gradient reads h's array, and must not be kept, or every activation multiplied
    # by a constant stays in memory until backward
    import gc
    import weakref

    w = mg.tensor(np.ones(3), requires_grad=True)
    h = w * 3.0
    mask = mg.tensor(np.array([1.0, 0.0, 1.0]))
    y = (mask * h) * 2.0
    h_array = weakref.ref(h.data)
    del h
    gc.collect()
    assert h_array() is None
    y.sum().backward()
    np.testing.assert_array_equal(w.grad.data, [6.0, 0.0, 6.0])


def test_float_functions_of_bool_and_int_tensors_compute_in_the_default_dtype():
    # NumPy computes exp of a bool in float16 (2.71875); PyTorch in float32
    out = mg.tensor([True, False]).exp()
    assert out.dtype == mg.float32
    assert abs(float(out.data[0]) - np.e) < 1e-6  # float16 would be off by 5e-4
    assert mg.tensor([1, 4]).sqrt().data.tolist() == [1.0, 2.0]


def test_shape_errors_are_runtime_errors_as_in_pytorch_and_value_errors():
    for bad in (
        lambda: mg.ones(2) + mg.ones(3),
        lambda: mg.ones(2) @ mg.ones(3),
        lambda: mg.ones(3).reshape(2, 2),
        lambda: mg.cat([mg.ones(1, 2), mg.ones(1, 3)]),
        lambda: mg.ones(2, 2).amax(dim=(0, 0)),
    ):
        with pytest.raises(RuntimeError) as info:
            bad()
        assert isinstance(info.value, ValueError)


def test_matrix_products_refuse_mixed_dtypes_as_pytorch():
    with pytest.raises(RuntimeError, match="matmul: .*float32 and float64"):
        mg.ones(2, 2) @ mg.ones(2, 2, dtype=mg.float64)
    with pytest.raises(RuntimeError, match="linear: .*float64 and float32"):
        mg.nn.functional.linear(mg.ones(1, 2, dtype=mg.float64), mg.ones(3, 2))


def test_dims_are_checked_and_max_takes_one_dim():
    with pytest.raises(IndexError, match="Dimension out of range"):
        mg.ones(2).flatten(1)
    with pytest.raises(TypeError, match="dim must be an int"):
        mg.ones(2, 2).max(dim=(0, 1))
    with pytest.raises(RuntimeError, match="bool tensor"):
        -mg.tensor([True])


def test_div_rounding_modes_and_their_zero_gradient():
    a = mg.tensor([-3.5, 3.5], requires_grad=True)
    assert a.div(2, rounding_mode="trunc").data.tolist() == [-1.0, 1.0]
    floor = mg.div(a, 2, rounding_mode="floor")
    assert floor.data.tolist() == [-2.0, 1.0]
    floor.sum().backward()
    assert a.grad.data.tolist() == [0.0, 0.0]
    q = mg.div(mg.tensor([7, -7]), 2, rounding_mode="trunc")
    assert q.dtype == mg.int64 and q.data.tolist() == [3, -3]
    with pytest.raises(ValueError, match="rounding_mode"):
        mg.div(a, 2, rounding_mode="round")


def test_integer_division_by_zero_raises_as_pytorch():
    for bad in (
        lambda: mg.tensor([1, 2]) // 0,
        lambda: mg.tensor([1, 2]) % mg.tensor([1, 0]),
        lambda: mg.div(mg.tensor([1, 2]), 0, rounding_mode="trunc"),
    ):
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            bad()
    with np.errstate(divide="ignore"):  # floats divide by zero to ±inf
        assert (mg.tensor([1.0, -1.0]) // 0).data.tolist() == [float("inf"), float("-inf")]


def test_extremes_of_empty_tensors():
    x = mg.ones(0, 3)
    assert x.amax(1).shape == (0,)
    assert x.max(dim=1).indices.shape == (0,)
    assert x.argmax(dim=1).shape == (0,)
    with pytest.raises(IndexError, match="reduction dim 0 to have non-zero size"):
        x.amax(0)
    with pytest.raises(IndexError, match="reduction dim 0"):
        x.argmax(0)
    with pytest.raises(RuntimeError, match="Specify the reduction dim"):
        x.max()


def test_cat_refuses_zero_dimensional_tensors():
    with pytest.raises(RuntimeError, match=r"zero-dimensional tensor \(at position 1\)"):
        mg.cat([mg.ones(1), mg.tensor(2.0)])


def test_in_place_change_through_a_view_rebases_the_base():
    # y = x * 1; y[0:1] *= 3 makes y = [3 x0, x1]: dy.sum()/dx = [3, 1], as PyTorch
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    y[0:1].mul_(3)
    assert y.grad_fn.name() == "torch::autograd::CopySlices"  # PyTorch's name for it
    y.sum().backward()
    assert y.tolist() == [3.0, 2.0] and x.grad.tolist() == [3.0, 1.0]


def test_live_views_follow_an_in_place_change_of_their_base():
    # v = y.reshape(2, 1) taken before y += x: v holds 2x and its gradient says so
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    v = y.reshape(2, 1)
    y.add_(x)
    (v * v).sum().backward()
    assert v.data.ravel().tolist() == [2.0, 4.0]
    assert x.grad.tolist() == [8.0, 16.0]  # d/dx (2x)² = 8x


def test_in_place_change_of_a_view_of_a_leaf_raises_and_leaves_it_alone():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        x[0:1].mul_(3)
    assert x.data.tolist() == [1.0, 2.0]


def test_assignment_into_a_tensor_of_the_graph():
    # z[:, 1] = 3s; z[0] += s  ->  z = [[s, 4s], [0, 3s]], Σ z² = 26 s², d/ds = 52 s
    s = mg.tensor(2.0, requires_grad=True)
    z = mg.zeros(2, 2)
    z[:, 1] = s * 3
    z[0] += s
    (z * z).sum().backward()
    assert z.tolist() == [[2.0, 8.0], [0.0, 6.0]]
    assert s.grad.item() == 104.0


@pytest.mark.parametrize(
    "change",
    [
        lambda y, w: y[0:1].mul_(w[0]),
        lambda y, w: y.T[1].add_(w[1:]),
        lambda y, w: y.reshape(-1)[::2].clamp_(max=w[0]),
        lambda y, w: y.__setitem__((slice(None), 0), w[:2] * 2),
        lambda y, w: y.__setitem__(y > 0.5, w[2]),
        lambda y, w: y.__setitem__(([1, 0],), w[:2].exp()),
        lambda y, w: y[1].__setitem__(0, w.sum()),
    ],
)
def test_in_place_changes_through_views_pass_gradcheck(change):
    def f(x, w):
        y = x * x  # a non-leaf to change
        view = y[1:]  # a live view, re-derived after the change
        change(y, w)
        return (y * y).sum() + (view * x[1:]).sum()

    rng = np.random.default_rng(0)
    x = mg.tensor(rng.normal(size=(2, 2)), dtype=mg.float64, requires_grad=True)
    w = mg.tensor(rng.normal(size=3), dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(f, (x, w))


def test_clamp_gives_tensor_bounds_their_gradient():
    # PyTorch's rule: dmin where x < min < max, dmax where x > max or max < min
    x = mg.tensor([1.0, 5.0, 3.0, -2.0], requires_grad=True)
    lo = mg.tensor([2.0, 0.0, 4.0, 1.0], requires_grad=True)
    hi = mg.tensor([3.0, 4.0, 3.5, 0.0], requires_grad=True)
    y = mg.clamp(x, lo, hi)
    (y * mg.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    assert y.tolist() == [2.0, 4.0, 3.5, 0.0]
    assert x.grad.tolist() == [0.0, 0.0, 0.0, 0.0]
    assert lo.grad.tolist() == [1.0, 0.0, 0.0, 0.0]
    assert hi.grad.tolist() == [0.0, 2.0, 3.0, 4.0]
    top = mg.tensor(2.5, dtype=mg.float64, requires_grad=True)
    xs = mg.tensor([1.0, 5.0, 3.0], dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(lambda a, m: a.clamp(max=m) * a, (xs, top))


def test_division_gradient_does_not_underflow_in_float32():
    # db = -g (a / b) / b, PyTorch's order: b * b = 1e-40 would underflow to 0 in float32
    a = mg.tensor([1e-20], requires_grad=True)
    b = mg.tensor([1e-20], requires_grad=True)
    (a / b).sum().backward()
    assert np.isfinite(b.grad.item()) and b.grad.item() == pytest.approx(-1e20, rel=1e-6)


def test_losses_at_saturated_probabilities_follow_pytorchs_formulas():
    inf = float("inf")
    # BCE's target gradient is -logit(x), unclamped: -inf at x = 1
    x = mg.tensor([0.25, 1.0], dtype=mg.float64)
    y = mg.tensor([0.5, 0.5], dtype=mg.float64, requires_grad=True)
    F.binary_cross_entropy(x, y, reduction="sum").backward()
    assert y.grad.tolist() == [pytest.approx(np.log(0.75) - np.log(0.25)), -inf]
    # with logits: (1 - y) x - log sigmoid(x): inf at x = inf, inf - inf = NaN at -inf
    z = mg.tensor([inf, -inf, 0.0], dtype=mg.float64)
    loss = F.binary_cross_entropy_with_logits(z, mg.full((3,), 0.5, dtype=mg.float64),
                                              reduction="none")  # fmt: skip
    assert loss[0].item() == inf and np.isnan(loss[1].item())
    assert loss[2].item() == pytest.approx(np.log(2))


def test_pow_and_max_at_special_values_follow_pytorchs_kernels():
    inf = float("inf")
    x = mg.tensor([-0.0, 4.0], dtype=mg.float64, requires_grad=True)
    (x**0.5).sum().backward()  # 0.5 / sqrt(x): sqrt(-0.0) = -0.0, so -inf
    assert x.grad.tolist() == [-inf, 0.25]
    e = mg.tensor([-1.0, 2.0], dtype=mg.float64, requires_grad=True)
    (mg.zeros(2, dtype=mg.float64) ** e).sum().backward()  # out log(base): inf * -inf; 0
    assert e.grad.tolist() == [-inf, 0.0]
    m = mg.tensor([1.0, float("nan"), 3.0, float("nan")], requires_grad=True)
    m.max().backward()  # a NaN maximum: the NaNs share the gradient
    assert m.grad.tolist() == [0.0, 0.5, 0.0, 0.5]


def test_float32_var_and_std_accumulate_in_float64_as_pytorch():
    # (1e30)² overflows float32; PyTorch accumulates in double and so does minigrad
    x = mg.tensor([[1e30, 1.0, 1.0], [0.5, 2.0, 3.0]], requires_grad=True)
    s = x.std(1)
    assert s.dtype == mg.float32 and s[0].item() == pytest.approx(1e30 / np.sqrt(3), rel=1e-6)
    s.sum().backward()
    assert np.isfinite(x.grad.data).all()
    assert x.var(0).tolist()[1:] == [0.5, 2.0]


def test_an_int_index_gives_a_zero_dim_view():
    y = mg.zeros(2, 3)
    y[1][2].fill_(5)  # y[1][2] shares y's memory, as in PyTorch
    assert y[1, 2].item() == 5.0


def test_view_refuses_to_copy_where_reshape_copies():
    x = mg.arange(6.0).reshape(2, 3).T
    assert x.reshape(6).tolist() == [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        x.view(6)


def test_in_place_on_an_expanded_tensor():
    y = mg.ones(3)
    y.expand(1, 3).add_(1)  # no element repeats: a view, and y changes
    assert y.tolist() == [2.0, 2.0, 2.0]
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        y.expand(2, 3).add_(1)
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        y.expand(2, 3)[:, 0] = 5.0


def test_fill_and_zero_write_an_expanded_tensor_outside_the_graph():
    """As PyTorch: every element gets the same value, so the shared places are no
    ambiguity; in the graph they raise all the same."""
    y = mg.ones(3)
    y.expand(2, 3).fill_(7.0)
    assert y.tolist() == [7.0, 7.0, 7.0]
    y.expand(4, 3).zero_()
    assert y.tolist() == [0.0, 0.0, 0.0]
    w = mg.ones(3, requires_grad=True)
    with mg.no_grad():
        w.expand(2, 3).fill_(2.0)
    assert w.tolist() == [2.0, 2.0, 2.0]
    h = w * 1
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        h.expand(2, 3).fill_(1.0)
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        y.expand(2, 3).fill_(mg.tensor(1.0))  # a 0-d Tensor value: PyTorch refuses
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        y.expand(2, 3).add_(1)


def test_assignment_errors_name_the_shapes():
    y = mg.zeros(2, 3)
    with pytest.raises(RuntimeError, match=r"value of shape \(4,\) cannot be broadcast"):
        y[0] = mg.ones(4)
    with pytest.raises(IndexError, match=r"tensor of shape \(2, 3\)"):
        y[2] = 1.0


def test_in_place_change_through_a_view_outside_the_graph_still_works():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    with mg.no_grad():
        x[0:1].mul_(3)
    assert x.data.tolist() == [3.0, 2.0]
    y = mg.tensor([1.0, 2.0])
    y.reshape(2, 1).add_(1)
    assert y.data.tolist() == [2.0, 3.0]


def test_in_place_op_that_saves_its_input_keeps_the_old_values():
    # y *= x: x's gradient is the old y, which the in-place write must not destroy
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    y *= x
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 4.0]
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    z = mg.zeros(2)
    z.mul_(x)
    z.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]


def test_in_place_change_of_a_saved_tensor_still_raises():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    z = y * y  # saves y
    y += 1
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


def test_an_int_and_a_tensor_index_keep_pytorchs_dim_order():
    # NumPy puts the advanced dims first for x[1, :, idx]; PyTorch selects with the int first
    x = mg.arange(24.0).reshape(2, 3, 4)
    assert x[1, :, mg.tensor([3, 0])].shape == (3, 2)
    assert x[1, :, mg.tensor([3, 0])].tolist() == [[15.0, 12.0], [19.0, 16.0], [23.0, 20.0]]


def test_setitem_with_an_int_and_a_tensor_index_uses_pytorchs_dim_order():
    x = mg.zeros(2, 3, 4)
    x[1, :, mg.tensor([3, 0])] = mg.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])  # (3, 2)
    assert x[1].tolist() == [[2.0, 0.0, 0.0, 1.0], [4.0, 0.0, 0.0, 3.0], [6.0, 0.0, 0.0, 5.0]]
    assert x[0].sum().item() == 0.0


def test_assigned_grad_must_fit_the_tensor():
    x = mg.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="shape"):
        x.grad = mg.ones(3)  # an optimizer would broadcast it silently
    with pytest.raises(RuntimeError, match="dtype"):
        x.grad = mg.ones(2, dtype=mg.float64)
    with pytest.raises(TypeError, match="Tensor or None"):
        x.grad = np.ones(2)
    x.grad = mg.full((2,), 5.0)
    (x * 2).sum().backward()
    assert x.grad.tolist() == [7.0, 7.0]
    x.grad = None
    assert x.grad is None


def test_in_place_change_of_a_base_whose_views_are_gone_works():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.reshape(2, 1)  # a view, dropped at once
    y.add_(1)
    y.sum().backward()
    assert y.data.tolist() == [3.0, 5.0] and x.grad.tolist() == [2.0, 2.0]


def test_contiguous_makes_a_transpose_viewable_and_stays_differentiable():
    x = mg.arange(6.0).reshape(2, 3).requires_grad_()
    t = x.T
    assert not t.is_contiguous() and t.contiguous().is_contiguous()
    assert x.contiguous() is x
    y = t.contiguous().view(6)
    (y * mg.arange(6.0)).sum().backward()
    assert y.tolist() == [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]
    assert x.grad.tolist() == [[0.0, 2.0, 4.0], [1.0, 3.0, 5.0]]


def test_assignment_through_tensor_indices_needs_the_same_dtype_as_pytorch():
    z = mg.zeros(3)
    z[0:2] = mg.tensor([1, 2])  # a basic index casts, as PyTorch's copy_
    assert z.tolist() == [1.0, 2.0, 0.0]
    with pytest.raises(RuntimeError, match="Index put requires the source and destination"):
        z[mg.tensor([0, 2])] = mg.tensor([1, 2])
    z[mg.tensor([0, 2])] = 5  # a Python number is fine
    assert z.tolist() == [5.0, 2.0, 5.0]


def test_an_expanded_view_of_a_changed_base_sums_its_gradient():
    # e repeats y's places; after y *= 2 its gradient to y must add both rows (1 + 10)
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1
    e = y.expand(2, 3)
    y.mul_(2)
    (e * mg.tensor([[1.0], [10.0]])).sum().backward()
    assert x.grad.tolist() == [22.0, 22.0, 22.0]


def test_division_by_zero_and_empty_means_give_inf_and_nan_quietly():
    x = mg.tensor([1.0, -2.0, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # NumPy's RuntimeWarnings would raise here
        assert (x / 0).tolist()[:2] == [np.inf, -np.inf] and np.isnan((x / 0).tolist()[2])
        assert (1 / x).tolist()[2] == np.inf
        assert (x // 0).tolist()[:2] == [np.inf, -np.inf]
        assert np.isnan((x % 0).data).all()
        assert x.clone().div_(0).tolist()[:2] == [np.inf, -np.inf]
        assert np.isnan(mg.zeros(0, 3).mean(0).data).all() and mg.zeros(0, 3).mean(0).shape == (3,)


def test_no_grad_decorates_generators_step_by_step_and_without_parentheses():
    x = mg.ones(2, requires_grad=True)

    @mg.no_grad
    def f():
        return (x * 2).requires_grad

    @mg.no_grad()
    def gen():
        yield (x * 2).requires_grad
        yield mg.is_grad_enabled()

    assert f() is False
    g = gen()
    assert next(g) is False and mg.is_grad_enabled()  # the caller's mode between steps
    assert next(g) is False and (x * 2).requires_grad


def test_set_grad_enabled_as_a_decorator_leaves_the_mode_alone():
    @mg.set_grad_enabled(False)
    def k():
        return mg.is_grad_enabled()

    assert mg.is_grad_enabled() and k() is False and mg.is_grad_enabled()


def test_an_array_exponent_is_elementwise_with_its_gradient():
    # x ** ndarray raised NumPy's "truth value of an array is ambiguous"
    x = mg.tensor([1.5, 2.0], dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(lambda t: t ** np.array([2.0, 3.0]), [x])
    assert (x ** np.array([2.0, 3.0])).tolist() == [2.25, 8.0]


@pytest.mark.parametrize(
    "call",
    [
        lambda: F.mse_loss(mg.ones(2, 3), 1.0),
        lambda: F.mse_loss(np.ones((2, 3)), mg.ones(2, 3)),
        lambda: F.binary_cross_entropy(mg.rand(2), [1.0, 0.0]),
        lambda: F.binary_cross_entropy_with_logits(mg.rand(2), 1.0),
        lambda: mg.autograd.grad("a", [mg.ones(2, requires_grad=True)]),
        lambda: mg.autograd.grad(mg.ones(2, requires_grad=True).sum(), ["a"]),
        lambda: mg.autograd.backward([mg.ones(2, requires_grad=True).sum(), 1.0]),
    ],
)
def test_non_tensor_arguments_are_type_errors_naming_the_op(call):
    # PyTorch's losses fail here with AttributeError ('float' object has no attribute
    # 'size'); a TypeError that names the op and the argument says more
    with pytest.raises(TypeError, match=r"(loss|entropy|logits|grad|backward).*(Tensor|got)"):
        call()


def test_requires_grad_takes_only_a_bool_as_in_pytorch():
    t = mg.zeros(2)
    with pytest.raises(RuntimeError, match="requires_grad must be a bool"):
        t.requires_grad = "yes"
    with pytest.raises(TypeError, match="requires_grad_"):
        t.requires_grad_(1)
    assert t.requires_grad is False
    t.requires_grad = True
    assert t.requires_grad is True


def test_a_python_bool_index_is_a_copy_with_one_new_dim():
    x = mg.arange(6.0).reshape(2, 3)
    y = x[True]
    y.fill_(5.0)  # a copy, as PyTorch's advanced index: x is unchanged
    assert x.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert x[True, True].shape == (1, 2, 3) and x[True, False].shape == (0, 2, 3)
    assert x[1, :, True].shape == (3, 1)  # the int goes first, as in PyTorch


def test_a_number_left_of_floordiv_mod_pow_stays_weak():
    t = mg.tensor(2, dtype=mg.int32)  # a 0-d tensor outranks a number, as in PyTorch
    for r in (7 // t, np.int32(7) % t, mg.pow(3, t), mg.floor_divide(7, t)):
        assert r.dtype == mg.int32
    assert (2.5 // mg.tensor(1.5, dtype=mg.float64)).dtype == mg.float64
    assert (2.5 // mg.tensor(1.5)).dtype == mg.float32


def test_mixed_dtypes_compute_in_the_result_dtype():
    # int64 * 0.14415... is float32: both operands become float32 first, then multiply (one
    # rounding), as in PyTorch; computing in float64 and rounding gives another float32 here
    c = 0.14415961271963373
    assert (mg.tensor([442]) * c).item() == (mg.tensor([442.0]) * c).item()
    assert (mg.tensor(c, dtype=mg.float64) * mg.tensor([442.0])).item() == np.float32(
        np.float32(442) * np.float32(c)
    )
    assert np.isnan((mg.tensor([1, 0]) * 1e39).data[1])  # 1e39 is inf in float32; 0 * inf
    assert mg.tensor(1.5, dtype=mg.float64).clamp(min=mg.tensor([1.5, 2.25])).dtype == mg.float32


def test_autograd_grad_skips_nodes_off_the_way_to_its_inputs():
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    b = mg.tensor([3.0], requires_grad=True)
    y = a * 1
    c = y.cos()
    y.add_(1)  # c's saved input changed; c does not lead to b, so it does not run
    (gb,) = mg.autograd.grad([c, b * 2], [b], grad_outputs=[mg.ones(2), mg.ones(1)])
    assert gb.tolist() == [2.0]
    z = y.max()
    y.mul_(2)
    assert mg.autograd.grad(z, z)[0].item() == 1.0  # z's own node need not run either
    w = a * 2
    w.retain_grad()
    mg.autograd.grad([w, b * 3], [b], grad_outputs=[mg.ones(2), mg.ones(1)])
    assert w.grad is None  # off the way: not retained


def test_label_smoothing_reads_a_copy_of_probability_targets():
    x = mg.tensor([[0.2, -1.0, 0.5]], dtype=mg.float64, requires_grad=True)
    p = mg.tensor([[0.2, 0.3, 0.5]], dtype=mg.float64)
    loss = F.cross_entropy(x, p, label_smoothing=0.1)
    expected = (np.exp(x.data) / np.exp(x.data).sum()) - (0.9 * p.data + 0.1 / 3)
    p.mul_(2)
    loss.backward()
    np.testing.assert_allclose(x.grad.data, expected, rtol=1e-12)
    plain = F.cross_entropy(x, p)  # without smoothing the target itself is saved
    p.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        plain.backward()


def test_clone_keeps_a_dense_layout_and_contiguous_does_not():
    x = mg.arange(6.0).reshape(2, 3)
    c = x.T.clone()
    assert not c.is_contiguous() and x[:, ::2].clone().is_contiguous()
    r = c.reshape(6)  # a copy, so the change below does not reach it
    c.mul_(0)
    assert r.tolist() == [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]
    assert x.T.contiguous().view(6).tolist() == [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]


def test_arange_with_a_small_integer_dtype_takes_its_length_from_the_numbers():
    assert mg.arange(2.5, dtype=mg.int32).tolist() == [0, 1, 2]  # ceil(2.5) values
    assert mg.arange(2.5, dtype=mg.int64).tolist() == [0, 1]  # int64 truncates first
    assert mg.arange(0, 2, 0.5, dtype=mg.int32).tolist() == [0, 0, 0, 0]  # step 0.5 -> 0
    with pytest.raises(ValueError, match="step must be nonzero"):
        mg.arange(0, 2, 0.5, dtype=mg.int64)


def test_floor_divide_records_without_a_derivative_as_pytorch():
    a = mg.tensor([1.5, 2.25], requires_grad=True)
    for y in (a // 2, 7.5 % a):
        assert y.requires_grad
        with pytest.raises(RuntimeError, match="derivative for .* is not implemented"):
            y.sum().backward()


def test_pickle_and_deepcopy_keep_values_and_requires_grad_but_no_graph():
    import copy
    import pickle

    x = mg.ones(2, requires_grad=True)
    (x * 2).sum().backward()
    x[0]  # a view once taken used to make the tensor unpicklable (a weakref)
    z = pickle.loads(pickle.dumps(x))
    assert z.tolist() == [1.0, 1.0] and z.requires_grad and z.grad is None
    y = pickle.loads(pickle.dumps(x * 3))  # a non-leaf comes back as a leaf, as PyTorch
    assert y.is_leaf and y.requires_grad and y.tolist() == [3.0, 3.0]
    d = copy.deepcopy(x)
    assert d.grad.tolist() == [2.0, 2.0] and d.grad is not x.grad
    with pytest.raises(RuntimeError, match="graph leaves"):
        copy.deepcopy(x * 2)
    m = mg.nn.Linear(2, 1)
    m(mg.ones(1, 2)).sum().backward()
    m2 = copy.deepcopy(m)
    assert isinstance(m2.weight, mg.nn.Parameter) and m2.weight.grad is None  # as PyTorch
    m2.weight.data[...] = 0
    assert m.weight.data.any()  # a copy, not a share


def test_numpy_of_a_tensor_that_requires_grad_only_under_no_grad():
    x = mg.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="requires grad"):
        np.asarray(x)
    with mg.no_grad():
        assert x.numpy().tolist() == [1.0, 1.0]


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: mg.ones(2) + "a", TypeError, "add: expected a Tensor"),
        (lambda: mg.save({"a": mg.ones(1)}, None), TypeError, "path or a file"),
        (lambda: mg.gradcheck(lambda a: 3.0, (mg.ones(2, requires_grad=True),)), TypeError,
         "outputs must be Tensors, but got float"),
        (lambda: F.mse_loss(mg.ones(2), [1.0, 2.0]), AttributeError, "mse_loss.*target"),
        (lambda: F.softmax([1.0], 0), AttributeError, "softmax.*input"),
    ],
)  # fmt: skip
def test_bad_arguments_name_the_op(call, error, message):
    # found by a probe of bad input: these were NumPy's or Python's own errors
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize(
    "call",
    [
        lambda x: x.sum(keepdim=True),
        lambda x: mg.mean(x, keepdim=False),
        lambda x: x.sum(dtype=mg.float64, keepdim=True),
        lambda x: x.median(keepdim=True),
        lambda x: x.median(dim=None),
        lambda x: mg.nanmedian(x, None),
        lambda x: x.var(unbiased=True, keepdim=True),
        lambda x: mg.std(x, unbiased=False, keepdim=False),
        lambda x: mg.var_mean(x, unbiased=True, keepdim=True),
    ],
)
def test_keepdim_without_dim_fits_no_overload(call):
    # PyTorch's sum/mean/median are op() of all or op(dim, keepdim): these fit neither
    with pytest.raises(TypeError, match="dim"):
        call(mg.ones(2, 3))


def test_an_explicit_dim_none_reduces_everything():
    x = mg.arange(6.0).reshape(2, 3)
    assert x.sum(None, True).shape == (1, 1) and x.sum(None, True).item() == 15.0
    assert mg.mean(x, dim=None, keepdim=True).shape == (1, 1)
    assert x.sum(dim=()).shape == () and x.median().item() == 2.0
    assert x.var(keepdim=True).shape == x.var(None, True, True).shape == (1, 1)
    assert x.std(True).item() == pytest.approx(np.std(np.arange(6.0), ddof=1))


def _t(dtype):
    return mg.tensor([0, 1, 2], dtype=dtype)


@pytest.mark.parametrize(
    "call",
    [
        lambda: _t(mg.int8).scatter(0, mg.tensor([0]), 300),
        lambda: _t(mg.int64).scatter(0, mg.tensor([0]), float("nan")),
        lambda: _t(mg.int8).index_fill(0, mg.tensor([0]), 300),
        lambda: mg.addcmul(_t(mg.int64), _t(mg.int64), _t(mg.int64), value=float("inf")),
        lambda: mg.where(_t(mg.int8) > 0, _t(mg.int8), 300),
        lambda: mg.where(_t(mg.float32) > 0, _t(mg.float32), 1e39),
        lambda: mg.lerp(_t(mg.float32), _t(mg.float32), 1e39),
        lambda: F.threshold(_t(mg.float32), 0.0, 1e39),
        lambda: F.hardtanh(_t(mg.int8), -1, 300),
        lambda: _t(mg.int8).sub(_t(mg.int8), alpha=300),
        lambda: mg.isclose(_t(mg.float32), _t(mg.float32), rtol=-1),
        lambda: mg.isclose(_t(mg.float32), _t(mg.float32), atol=float("nan")),
    ],
)
def test_numbers_a_dtype_cannot_hold_raise_pytorchs_error(call):
    # found by a sweep of scalar arguments against PyTorch: NumPy's errors, or silent wraps
    with pytest.raises(RuntimeError, match="overflow|greater than or equal to zero"):
        call()


def test_numbers_pytorch_casts_without_a_check():
    assert _t(mg.uint8).scatter(0, mg.tensor([0]), -1).tolist() == [255, 1, 2]  # wraps
    assert F.threshold(_t(mg.uint8), 0, -1).tolist() == [255, 1, 2]
    assert mg.where(_t(mg.float16) > 0, _t(mg.float16), 1e39).tolist() == [np.inf, 1, 2]
    assert mg.lerp(_t(mg.float16), _t(mg.float16), 70000.0).dtype == mg.float16  # in float32
    t = _t(mg.float16)
    t[0] = 1e39  # a half takes any float, inf beyond its range
    assert t.tolist() == [np.inf, 1, 2]


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t + 2**64,
        lambda t: t * (-(2**63) - 1),
        lambda t: t.clamp(max=2**64),
        lambda t: mg.where(t > 0, t, 2**64),
        lambda t: t.clone().fill_(2**64),
        lambda t: t.add(t, alpha=2**64),
    ],
)
def test_a_python_int_beyond_64_bits_is_an_overflow_error(call):
    # PyTorch reads a Python int as a C int64 (or uint64 if positive), for every dtype
    with pytest.raises(OverflowError):
        call(_t(mg.float32))


def test_setitem_reads_a_python_int_as_int64():
    t = _t(mg.float32)
    with pytest.raises(ValueError, match="Overflow when unpacking long long"):
        t[0] = 2**63
    t[0] = 2**63 - 1
    assert t[0].item() == 2.0**63


def test_views_of_a_leaf_transposed_in_place_under_no_grad_follow_its_new_shape():
    # as PyTorch: the view's gradient reaches the elements it holds, not a reshape of them
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    v = x.reshape(-1)
    with mg.no_grad():
        x.t_()
    (v * mg.tensor([1.0, 10.0, 100.0, 1000.0])).sum().backward()
    assert x.grad.tolist() == [[1.0, 100.0], [10.0, 1000.0]]


def test_a_gradient_of_another_shape_than_its_input_raises_not_reshapes():
    # t_ under no_grad changed y's shape after (y * W) was recorded: PyTorch's engine
    # refuses the (3, 2) gradient for the (2, 3) input; it was silently reshaped
    x = mg.ones(2, 3, requires_grad=True)
    y = x * 1
    with mg.no_grad():
        y.t_()
    z = (y * mg.ones(3, 2)).sum()
    with pytest.raises(RuntimeError, match=r"MulBackward returned an invalid gradient.*\[3, 2\]"):
        z.backward()


# (long double is float64 on some platforms, a dtype tensors have)
@pytest.mark.parametrize(
    "dtype", [object] + [np.longdouble] * (np.dtype(np.longdouble).itemsize > 8)
)
def test_an_array_of_a_dtype_no_tensor_has_is_refused(dtype):
    # PyTorch's TypeError; objects were silently converted, long double kept as float128
    arr = np.array([1.0, 2.0], dtype=dtype)
    for make in (mg.tensor, mg.as_tensor, mg.from_numpy):
        with pytest.raises(TypeError, match="can't convert np.ndarray of type numpy"):
            make(arr)
