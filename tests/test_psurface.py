"""Torch-free checks of the long-tail op fixes found by the psurface fuzzer: finite
differences in float64 (mg.gradcheck) and the documented formulas in plain NumPy."""

import numpy as np
import pytest

import minigrad as mg

X = np.array([[0.5, -1.5, 2.0], [1.0, 3.0, -2.5]])


def test_softmax_function_form_takes_dtype():
    x = mg.tensor(X.astype(np.float32), requires_grad=True)
    for f in (mg.softmax, mg.log_softmax):
        out = f(x, 1, dtype=mg.float64)
        assert out.dtype == mg.float64
        ref = X - np.log(np.exp(X).sum(1, keepdims=True))
        np.testing.assert_allclose(out.data, np.exp(ref) if f is mg.softmax else ref, rtol=1e-6)
        out.sum().backward()
        assert x.grad.dtype == mg.float32
        x.grad = None
    assert mg.gradcheck(lambda t: mg.softmax(t, 0, mg.float64), [mg.tensor(X, requires_grad=True)])


def test_nextafter_passes_the_gradient_to_input_and_promotes():
    x = mg.tensor(X, requires_grad=True)
    y = mg.tensor([3.0, -1.0, 2.0], requires_grad=True)
    out = mg.nextafter(x, y)
    np.testing.assert_array_equal(out.data, np.nextafter(X, [3.0, -1.0, 2.0]))
    out.backward(mg.ones_like(out) * 2)
    # none where input == other (X[0, 2] == 2.0), as PyTorch's where(self != other, grad, 0)
    np.testing.assert_array_equal(x.grad.data, np.where(X != [3.0, -1.0, 2.0], 2.0, 0.0))
    np.testing.assert_array_equal(y.grad.data, np.zeros(3))
    assert (
        mg.nextafter(mg.tensor([1.0, 2.0]), mg.tensor([0.0, 3.0], dtype=mg.float64)).dtype
        == mg.float64
    )
    assert mg.nextafter(mg.tensor([1, 2]), mg.tensor([0.0, 3.0])).dtype == mg.float32
    with pytest.raises(NotImplementedError, match="nextafter"):
        mg.nextafter(mg.tensor([1, 2]), mg.tensor([0, 3]))


def test_ldexp_dtype_and_gradient_with_negative_exponents():
    # dx = g 2**other also for negative integer exponents (PyTorch 2.13 gives 0 there:
    # its backward computes 2**other in the integer dtype)
    x = mg.tensor(1.5, dtype=mg.float64, requires_grad=True)
    out = mg.ldexp(x, mg.tensor([1, -1, -2]))
    assert out.dtype == mg.float64
    np.testing.assert_array_equal(out.data, [3.0, 0.75, 0.375])
    out.sum().backward()
    assert x.grad.item() == 2 + 0.5 + 0.25
    assert mg.ldexp(mg.tensor([1.0], dtype=mg.float16), mg.tensor([2])).dtype == mg.float16
    assert mg.gradcheck(
        mg.ldexp,
        [
            mg.tensor(X, requires_grad=True),
            mg.tensor([1.0, -2.0, 0.5], dtype=mg.float64, requires_grad=True),
        ],
    )


def test_linalg_norms_refuse_integers_whatever_the_dtype():
    for f in (mg.linalg.vector_norm, mg.linalg.matrix_norm, mg.linalg.norm):
        with pytest.raises(RuntimeError, match="floating point"):
            f(mg.tensor([[1, 2], [3, 4]]), dtype=mg.float64)
    out = mg.linalg.vector_norm(mg.tensor([3.0, 4.0]), dtype=mg.float64)
    assert out.dtype == mg.float64 and out.item() == 5.0


def test_norm_nuclear_and_dtype():
    x = mg.tensor(X, requires_grad=True)
    out = mg.norm(x, "nuc")
    np.testing.assert_allclose(out.item(), np.linalg.svd(X, compute_uv=False).sum(), rtol=1e-12)
    assert mg.gradcheck(lambda t: t.norm("nuc"), [x])
    assert mg.gradcheck(
        lambda t: mg.norm(t, "nuc", dim=(0, 2)),
        [mg.tensor(np.stack([X, -X]).transpose(1, 0, 2), requires_grad=True)],
    )
    y = mg.norm(mg.tensor(X.astype(np.float32), requires_grad=True), 3, dim=1, dtype=mg.float64)
    assert y.dtype == mg.float64
    np.testing.assert_allclose(y.data, (np.abs(X) ** 3).sum(1) ** (1 / 3), rtol=1e-6)


def test_repeat_interleave_checks_output_size():
    x = mg.tensor(X, requires_grad=True)
    out = x.repeat_interleave(2, dim=1, output_size=6)
    np.testing.assert_array_equal(out.data, np.repeat(X, 2, axis=1))
    for call in (
        lambda: x.repeat_interleave(2, dim=1, output_size=5),
        lambda: x.repeat_interleave(mg.tensor([1, 2]), dim=0, output_size=2),
        lambda: mg.repeat_interleave(mg.tensor([2, 1]), output_size=4),
    ):
        with pytest.raises(RuntimeError, match="output_size"):
            call()


def test_unflatten_refuses_0d_tensors_and_empty_sizes():
    with pytest.raises(RuntimeError, match="unflatten"):
        mg.tensor(1.5).unflatten(0, (1,))
    with pytest.raises(RuntimeError, match="unflatten"):
        mg.tensor(X)[:, :1].unflatten(1, ())
    assert mg.tensor(X).unflatten(1, (1, -1)).shape == (2, 1, 3)


def test_gather_takes_sparse_grad_and_refuses_true():
    x = mg.tensor(X, requires_grad=True)
    out = mg.gather(x, 1, mg.tensor([[2], [0]]), sparse_grad=False)
    np.testing.assert_array_equal(out.data, [[2.0], [1.0]])
    with pytest.raises(NotImplementedError, match="sparse_grad"):
        x.gather(1, mg.tensor([[2], [0]]), sparse_grad=True)


def test_quantile_gradient_reaches_q():
    x = mg.tensor([[1.0, 4.0, 2.0, 8.0], [0.0, -1.0, 3.0, 5.0]], dtype=mg.float64)
    q = mg.tensor([0.25, 0.5], dtype=mg.float64, requires_grad=True)
    mg.quantile(x, q, dim=1).sum().backward()
    # rank q (n - 1) = 0.75 and 1.5: slopes (2 - 1) * 3 + (0 - -1) * 3 and (4 - 2) * 3 + (3 - 0) * 3
    np.testing.assert_allclose(q.grad.data, [6.0, 15.0])
    assert mg.gradcheck(
        lambda t: mg.quantile(x, t, dim=1),
        [mg.tensor([0.3, 0.6], dtype=mg.float64, requires_grad=True)],
    )
    assert mg.gradcheck(
        lambda a, t: mg.nanquantile(a, t),
        [mg.tensor(X, requires_grad=True), mg.tensor(0.45, dtype=mg.float64, requires_grad=True)],
    )


def test_fill_diagonal_keeps_the_gradient_off_the_diagonal():
    x = mg.tensor(np.ones((4, 2)), requires_grad=True)
    y = x * 1
    y.fill_diagonal_(5.0, wrap=True)
    w = np.arange(8.0).reshape(4, 2)
    (y * mg.tensor(w)).sum().backward()
    keep = np.ones((4, 2), bool)
    np.fill_diagonal(keep, False, wrap=True)
    np.testing.assert_array_equal(x.grad.data, np.where(keep, w, 0))
    np.testing.assert_array_equal(y.data, np.where(keep, 1.0, 5.0))


def test_return_types_are_named_tuples_printed_one_field_a_line():
    import pickle

    x = mg.tensor([[3.0, 1.0], [0.0, 5.0]])
    r = x.max(1)
    values, indices = r
    assert isinstance(r, tuple) and r.values is values and r.indices is indices
    assert type(r).__name__ == "max" and type(x.min(1)).__name__ == "min"
    assert repr(r) == (
        "minigrad.return_types.max(\nvalues=tensor([3., 5.]),\nindices=tensor([0, 1]))"
    )
    again = pickle.loads(pickle.dumps(r))
    assert type(again) is type(r) and again.values.tolist() == [3.0, 5.0]


def test_shifts_of_bools_with_integers_promote():
    t = mg.tensor([True, False, True])
    out = mg.bitwise_left_shift(t, 1)
    assert out.dtype == mg.int64 and out.tolist() == [2, 0, 2]
    assert mg.bitwise_right_shift(mg.tensor([4, 8]), mg.tensor([True, False])).tolist() == [2, 8]
    with pytest.raises(NotImplementedError, match="Bool"):
        mg.bitwise_left_shift(t, t)


def test_augmented_assignments_are_in_place():
    for op, expected in (("&=", [0, 2, 2]), ("|=", [3, 2, 3]), ("^=", [3, 0, 1]),
                         ("//=", [0, 1, 1]), ("%=", [1, 0, 1]), ("**=", [1, 4, 9]),
                         ("<<=", [4, 8, 12]), (">>=", [0, 0, 0])):  # fmt: skip
        x = mg.tensor([1, 2, 3])
        env = {"z": x}
        exec(f"z {op} 2", env)
        assert env["z"] is x and x.tolist() == expected, op
    x = mg.tensor([1, 2, 3])
    assert (x << 1).tolist() == [2, 4, 6] and (1 << x).tolist() == [2, 4, 8]
    assert (x >> 1).tolist() == [0, 1, 1] and (16 >> x).tolist() == [8, 4, 2]


def test_integer_dtype_of_products_and_scans_is_kept():
    x = mg.tensor([[3, -1, 2], [2, 2, -2]])
    for out, dtype, expected in (
        (mg.prod(x, 1, dtype=mg.int32), mg.int32, [-6, -8]),
        (mg.prod(x, dtype=mg.int8), mg.int8, 48),
        (mg.cumsum(x, 0, dtype=mg.int32), mg.int32, [[3, -1, 2], [5, 1, 0]]),
        (mg.cumprod(x, 1, dtype=mg.int16), mg.int16, [[3, -3, -6], [2, 4, -8]]),
        (mg.nansum(x, dtype=mg.int32), mg.int32, 6),
    ):
        assert out.dtype == dtype and out.tolist() == expected


def test_all_and_any_of_uint8_are_uint8():
    x = mg.tensor([[0, 3, 1], [2, 0, 0]], dtype=mg.uint8)
    assert x.all().dtype == mg.uint8 and x.all().item() == 0
    assert x.any(1).dtype == mg.uint8 and x.any(1).tolist() == [1, 1]
    assert mg.tensor([1, 2]).all().dtype == mg.bool


def test_kthvalue_at_ties_follows_pytorchs_quickselect():
    # [0, 0, 5, 5]: median of three puts the pivot 0 (index 1) first, and the partition
    # leaves index 1 at position 0 (a stable sort would give index 0)
    x = mg.tensor([[0.0, 0.0, 5.0, 5.0]], requires_grad=True)
    values, indices = x.kthvalue(1)
    assert values.tolist() == [0.0] and indices.tolist() == [1]
    values.sum().backward()
    assert x.grad.tolist() == [[0.0, 1.0, 0.0, 0.0]]
    # without ties the index is the element's own
    assert mg.tensor([[3.0, 1.0, 2.0]]).kthvalue(2).indices.tolist() == [2]


def test_unique_keeps_nans_apart_and_checks_empty_dims():
    values, inverse, counts = mg.unique(
        mg.tensor([1.0, np.nan, np.nan, 2.0]), return_inverse=True, return_counts=True
    )
    assert values.shape == (4,) and np.isnan(values.data[2:]).all()
    assert counts.tolist() == [1, 1, 1, 1] and inverse.tolist() == [0, 2, 3, 1]
    for f in (mg.unique, mg.unique_consecutive):
        with pytest.raises(RuntimeError, match="0 sized"):
            f(mg.zeros(0, 3), dim=1)
    assert mg.unique_consecutive(mg.zeros(0, 3), dim=0).shape == (0, 3)
