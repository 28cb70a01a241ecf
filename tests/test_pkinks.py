"""Values and gradients at special points, against PyTorch's documented formulas written
in NumPy (no PyTorch needed)."""

import numpy as np
import pytest

import minigrad as mg

NAN, INF = float("nan"), float("inf")


def test_nextafter_gradient_passes_only_where_input_differs_from_other():
    # PyTorch's derivative: self: at::where(self != other, grad, 0), other: 0
    X = np.array([0.0, 1.0, 3.0, NAN, -2.0], np.float64)
    Y = np.array([0.0, 2.0, 3.0, 1.0, -2.0], np.float64)
    x, y = mg.tensor(X, requires_grad=True), mg.tensor(Y, requires_grad=True)
    g = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    mg.nextafter(x, y).backward(mg.tensor(g))
    np.testing.assert_array_equal(x.grad.numpy(), np.where(X != Y, g, 0))
    np.testing.assert_array_equal(y.grad.numpy(), np.zeros(5))


def test_xlog1py_of_a_python_bool_is_computed_in_the_tensor_dtype():
    # PyTorch converts the number to the result dtype (float32) first: log1p(1) = log 2;
    # NumPy's log1p(True) would be float16 (0.6934)
    X = np.array([1.0, -2.0, 3.0], np.float32)
    x = mg.tensor(X, requires_grad=True)
    out = mg.special.xlog1py(x, True)
    assert out.dtype == mg.float32
    np.testing.assert_allclose(out.detach().numpy(), X * np.log1p(np.float32(1)), rtol=1e-7)
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full(3, np.log(2.0)), rtol=1e-7)


def test_xlogy_casts_a_python_number_to_float32_before_the_log():
    # 1e-50 is 0 in float32, so log gives -inf (and 1e40 is inf), as PyTorch's wrapped scalar
    x = mg.tensor([1.0, 2.0, 0.0])
    np.testing.assert_array_equal(mg.xlogy(x, 1e-50).numpy(), [-np.inf, -np.inf, 0.0])
    np.testing.assert_array_equal(mg.xlogy(x, 1e40).numpy(), [np.inf, np.inf, 0.0])
    np.testing.assert_array_equal(mg.xlogy(1e-50, x).numpy(), [0.0, 0.0, 0.0])
    # float64 keeps the number
    x64 = mg.tensor([1.0, 2.0], dtype=mg.float64)
    np.testing.assert_allclose(mg.xlogy(x64, 1e-50).numpy(), [np.log(1e-50), 2 * np.log(1e-50)])


@pytest.mark.parametrize(
    "call",
    [
        lambda x, t: mg.clamp(x, t, 2.0),
        lambda x, t: mg.clamp(x, min=0.0, max=t),
        lambda x, t: x.clip(t, 2.0),
        lambda x, t: x.clamp_(t, 2.0),
        lambda x, t: x.clip_(min=0, max=t),
        lambda x, t: mg.clamp(x, mg.tensor(0.0, requires_grad=True), 2.0),
    ],
)
def test_clamp_refuses_a_tensor_bound_beside_a_number_bound(call):
    # PyTorch's overloads are clamp(Tensor, Tensor min, Tensor max) and
    # clamp(Tensor, Number min, Number max): a mix is a TypeError
    x, t = mg.tensor([1.0, 2.0]), mg.tensor([0.0, 3.0])
    with pytest.raises(TypeError, match="clamp"):
        call(x, t)
    np.testing.assert_array_equal(x.numpy(), [1.0, 2.0])  # untouched


def test_clamp_takes_a_0d_tensor_that_requires_no_grad_for_a_number():
    x = mg.tensor([1.0, 2.0, -1.0])
    np.testing.assert_array_equal(mg.clamp(x, mg.tensor(0.0), 1.5).numpy(), [1.0, 1.5, 0.0])
    np.testing.assert_array_equal(mg.clamp(x, mg.tensor([0.0]), None).numpy(), [1.0, 2.0, 0.0])


def test_vector_norm_1_and_inf_gradients_use_sgn_which_is_0_at_nan():
    # PyTorch's norm_backward: p = 1: g sgn(x); p = inf: sgn(x) g / count * mask, the mask
    # marking |x| == norm or NaN; sgn(NaN) = 0 (torch.sign(nan) is 0)
    X = np.array([1.0, NAN, -3.0, 2.0])
    x = mg.tensor(X, dtype=mg.float64, requires_grad=True)
    mg.linalg.vector_norm(x, 1).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 0.0, -1.0, 1.0])
    x.grad = None
    mg.linalg.vector_norm(x, INF).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 0.0, 0.0])
    y = mg.tensor([3.0, -3.0, NAN, 1.0], dtype=mg.float64, requires_grad=True)
    mg.linalg.vector_norm(y, INF).backward()
    # the NaN's mask is set (count 1: |x| == NaN is false elsewhere), but its sgn is 0
    np.testing.assert_array_equal(y.grad.numpy(), [0.0, 0.0, 0.0, 0.0])


def test_prod_gradient_follows_pytorchs_whole_tensor_zero_test():
    # PyTorch's prod_backward: with no zero anywhere, g out / x; with zeros, the products of
    # the other elements of each slice (for every slice, also those without a zero); for the
    # product of all elements with two zeros or more, 0 (even next to a NaN or inf)
    X = np.array([[1.0, NAN, 3.0, 2.0], [0.0, -1.0, -1.0, 0.0]])
    x = mg.tensor(X, requires_grad=True)
    x.prod(1).backward(mg.ones(2, dtype=mg.float64))
    np.testing.assert_array_equal(x.grad.numpy(), [[NAN, 6.0, NAN, NAN], [0.0, 0.0, 0.0, 0.0]])
    x.grad = None
    x.prod().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros((2, 4)))
    y = mg.tensor(INF, dtype=mg.float64, requires_grad=True)
    y.prod().backward()
    assert y.grad.item() == 1.0


@pytest.mark.parametrize("op", [mg.special.i1, mg.special.i1e])
def test_i1_gradient_is_one_half_where_x_is_not_above_eps_nor_a_number(op):
    # PyTorch's i1_backward / i1e_backward: where(|x| > eps, formula, 0.5), so NaN gets 0.5
    x = mg.tensor([NAN, 0.0, 1e-20], dtype=mg.float64, requires_grad=True)
    op(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.5, 0.5, 0.5])


def test_round_decimals_of_float16_does_not_overflow_in_the_scaling():
    # PyTorch computes half in float32 (its opmath type): 1005 * 10^3 does not fit float16
    x = np.array([1005.0, 1.2345, 60000.0], np.float16)
    out = mg.round(mg.tensor(x), decimals=3)
    expected = np.round(x.astype(np.float32), 3).astype(np.float16)
    assert out.dtype == mg.float16
    np.testing.assert_array_equal(out.numpy(), expected)
    assert np.isfinite(out.numpy()).all()


def test_adaptive_avg_pool_of_an_inf_changes_only_the_windows_holding_it():
    # windows of 10 into 3: [0, 4), [3, 7), [6, 10); PyTorch averages each window alone
    X = np.arange(10.0)
    X[8] = np.inf
    x = mg.tensor(X.reshape(1, 1, 10), requires_grad=True)
    out = mg.nn.functional.adaptive_avg_pool1d(x, 3)
    np.testing.assert_array_equal(out.detach().numpy().ravel(), [1.5, 4.5, np.inf])
    out.backward(mg.tensor([[[4.0, np.nan, 8.0]]], dtype=mg.float64))
    # the NaN upstream gradient reaches only the second window's elements
    expected = np.array([1, 1, 1, 1, 0, 0, 2, 2, 2, 2], float)
    expected[3:7] = np.nan
    np.testing.assert_array_equal(x.grad.numpy().ravel(), expected)


def test_embedding_bag_max_scans_as_pytorch_a_nan_first_row_stays_later_ones_lose():
    # PyTorch's kernel keeps a bag's first row and replaces it only by a greater value
    # (weight > max), so a NaN first row is the result and a NaN later never is
    w = mg.tensor([[1.0, 2.0], [NAN, 0.0], [5.0, 1.0]], requires_grad=True)
    F = mg.nn.functional
    out = F.embedding_bag(mg.tensor([1, 0, 2, 0, 1, 2]), w, mg.tensor([0, 3]), mode="max")
    np.testing.assert_array_equal(out.detach().numpy(), [[NAN, 2.0], [5.0, 2.0]])
    out.sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [[0.0, 2.0], [1.0, 0.0], [1.0, 0.0]])


def test_scatter_reduce_amax_gradient_is_nan_where_no_element_equals_a_nan_result():
    # PyTorch: n = (x == out) + Σ (src == out), grad_x = (x == out) g / n, grad_src likewise;
    # where out is NaN nothing equals it, n = 0 and 0 * inf is NaN
    x = mg.tensor([1.0, NAN, 3.0], dtype=mg.float64, requires_grad=True)
    src = mg.tensor([NAN, 2.0, 7.0, 3.0], dtype=mg.float64, requires_grad=True)
    out = x.scatter_reduce(0, mg.tensor([0, 0, 2, 2]), src, "amax")
    np.testing.assert_array_equal(out.detach().numpy(), [NAN, NAN, 7.0])
    out.backward(mg.tensor([1.0, 2.0, 3.0], dtype=mg.float64))
    np.testing.assert_array_equal(x.grad.numpy(), [NAN, NAN, 0.0])
    np.testing.assert_array_equal(src.grad.numpy(), [NAN, NAN, 3.0, 0.0])


@pytest.mark.parametrize(
    "dtype,a,b", [(np.float32, 1e-30, 0.0), (np.float32, 0.0, -1e-25), (np.float64, 1e-200, 1e-170)]
)
def test_atan2_gradient_is_0_where_a2_plus_b2_is_0_in_the_dtype(dtype, a, b):
    # PyTorch: da = g b / (a² + b²), db = -g a / (a² + b²), 0 where a² + b² == 0, which a
    # square below the dtype's smallest number makes (not only a = b = 0)
    assert dtype(a) * dtype(a) + dtype(b) * dtype(b) == 0
    x = mg.tensor([a], dtype=dtype, requires_grad=True)
    y = mg.tensor([b], dtype=dtype, requires_grad=True)
    mg.atan2(x, y).sum().backward()
    assert x.grad.item() == 0.0 and y.grad.item() == 0.0
    # a sum of squares that is tiny but not 0 keeps the formula: g b (1 / 2e-40) is inf in float32
    x = mg.tensor([1e-20], requires_grad=True)
    mg.atan2(x, mg.tensor([1e-20])).sum().backward()
    assert x.grad.item() == np.inf


def test_cdist_and_pdist_p0_count_as_pytorch_sum_of_min_ceil_abs_1():
    # PyTorch's zero-norm distance is Σ min(ceil|d|, 1): 1 per nonzero component (also
    # inf), NaN where a component is NaN
    a = mg.tensor([[1.0, NAN, 0.0], [1.0, 2.0, 3.0]])
    b = mg.tensor([[1.0, 2.0, 0.0], [0.0, 2.0, INF]])
    np.testing.assert_array_equal(mg.cdist(a, b, p=0).numpy(), [[NAN, NAN], [1.0, 2.0]])
    np.testing.assert_array_equal(mg.nn.functional.pdist(a, 0).numpy(), [NAN])
    np.testing.assert_array_equal(mg.nn.functional.pdist(b, 0).numpy(), [2.0])
