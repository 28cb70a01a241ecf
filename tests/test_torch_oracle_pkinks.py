"""Oracle checks of values and gradients at special points: ties, NaN, domain ends and
Python numbers as operands, on small tensors (as a user writes them)."""

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg
import minigrad.nn.functional as MF

torch = import_torch()
TF = torch.nn.functional

NAN, INF = float("nan"), float("inf")
DTYPES = ["float32", "float64"]


def _run(lib, F, fn, arrays, seed=0):
    """fn's value, its dtype and the gradients of the float inputs for a random upstream
    gradient (zeros for an input that got none)."""
    xs = [lib.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    out = fn(lib, F, *xs)
    g = np.random.default_rng(seed).standard_normal(out.shape).astype(out.detach().numpy().dtype)
    out.backward(lib.tensor(g))
    grads = [np.zeros(x.shape) if x.grad is None else x.grad.numpy() for x in xs if x.requires_grad]
    return out.detach().numpy(), str(out.dtype).split(".")[-1], grads


def check(fn, *arrays, rtol=1e-6):
    m_out, m_dtype, m_grads = _run(mg, MF, fn, arrays)
    t_out, t_dtype, t_grads = _run(torch, TF, fn, arrays)
    assert m_dtype == t_dtype
    np.testing.assert_allclose(m_out, t_out, rtol=rtol, atol=1e-7, equal_nan=True)
    for m, t in zip(m_grads, t_grads):
        np.testing.assert_allclose(m, t, rtol=rtol, atol=1e-7, equal_nan=True)


@pytest.mark.parametrize("dtype", DTYPES)
def test_nextafter_gradient_is_zero_where_input_equals_other(dtype):
    x = np.array([0.0, -0.0, 1.0, 3.0, NAN, INF], dtype)
    y = np.array([0.0, 0.0, 2.0, 3.0, 1.0, INF], dtype)
    check(lambda L, F, a, b: L.nextafter(a, b), x, y)
    check(lambda L, F, a, b: L.nextafter(a, b), x[:, None], y)  # broadcast


XLOG_NUMBERS = [True, False, 1e-50, 1e40, -1e-50, 2, 0.5]


@pytest.mark.parametrize("number", XLOG_NUMBERS)
@pytest.mark.parametrize("op", ["xlogy", "special.xlogy", "special.xlog1py"])
def test_xlogy_with_a_python_number_computes_in_the_tensor_dtype(op, number):
    def fn(L, F, a):
        f = getattr(L.special, op.split(".")[1]) if "." in op else getattr(L, op)
        return f(a, number)

    # (not x = 0 with a number below float32's range: PyTorch's backward compares the
    # uncast number with 0 there, so its gradient is -inf where its value says log 0 = 0)
    x = [1.0, -2.0, 3.5, 1e30] + ([0.0] if number == 0 or abs(number) > 1e-40 else [])
    check(fn, np.array(x, np.float32))
    check(fn, np.array([0.5, -2.0, 3.5], np.float64))


@pytest.mark.parametrize("number", XLOG_NUMBERS)
def test_xlogy_with_a_python_number_first(number):
    for f in (lambda L, F, b: L.xlogy(number, b), lambda L, F, b: L.special.xlog1py(number, b)):
        check(f, np.array([0.0, 1.0, 2.5, 1e-30], np.float32))


CLAMP_MIXED_BOUNDS = [
    "L.clamp(x, t, 2.0)",
    "L.clamp(x, 0.0, t)",
    "x.clamp(min=t, max=2)",
    "x.clip(t, 2.0)",
    "L.clip(x, max=t, min=0)",
    "x.clone().clamp_(t, 2.0)",
    "x.clone().clip_(0.0, t)",
    "L.clamp(x, s, 2.0)",  # a 0-d Tensor that requires no grad passes for a number
    "L.clamp(x, 0.0, s)",
    "L.clamp(x, g, 2.0)",  # ... but not one that requires grad
    "L.clamp(x, t, None)",
    "L.clamp(x, None, t)",
    "L.clamp(x, t, s)",
]


@pytest.mark.parametrize("expr", CLAMP_MIXED_BOUNDS)
def test_clamp_with_a_tensor_and_a_number_bound(expr):
    def outcome(L):
        x = L.tensor([1.0, 2.0, -1.0])
        t, s = L.tensor([0.0, 3.0, 0.5]), L.tensor(0.5, dtype=L.float64)
        g = L.tensor(0.5, requires_grad=True)
        try:
            out = eval(expr, {"L": L, "x": x, "t": t, "s": s, "g": g})
        except TypeError:
            return "TypeError"
        return out.detach().numpy().tolist(), str(out.dtype).split(".")[-1]

    assert outcome(mg) == outcome(torch)


NORMS_WITH_NAN = {
    "vector_norm_1": lambda L, F, x: L.linalg.vector_norm(x, 1, dim=1),
    "vector_norm_inf": lambda L, F, x: L.linalg.vector_norm(x, INF, dim=1),
    "vector_norm_-inf": lambda L, F, x: L.linalg.vector_norm(x, -INF, dim=1),
    "vector_norm_1_all": lambda L, F, x: L.linalg.vector_norm(x, 1),
    "norm_p1": lambda L, F, x: x.norm(p=1, dim=1),
    "norm_inf": lambda L, F, x: L.norm(x, INF),
    "linalg_norm_1": lambda L, F, x: L.linalg.norm(x, 1, dim=1),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", NORMS_WITH_NAN)
def test_norm_gradient_at_a_nan_element_is_zero_as_sgn(name, dtype):
    x = np.array([[1.0, NAN, -3.0, 2.0], [0.0, -1.0, -1.0, 0.0], [-4.0, 4.0, 2.0, NAN]], dtype)
    check(NORMS_WITH_NAN[name], x)


PROD_INPUTS = {
    "nan_and_zero_rows": [[1.0, NAN, 3.0, 2.0], [5.0, 5.0, NAN, 5.0], [0.0, -1.0, -1.0, 0.0]],
    "inf_and_one_zero": [[1.0, INF, 3.0, 2.0], [2.0, 0.5, 1.0, 0.0], [1.0, 2.0, 3.0, 4.0]],
    "inf_two_zeros": [[0.0, INF, 3.0, 2.0], [2.0, 0.5, 1.0, 0.0], [1.0, 2.0, 3.0, 4.0]],
    "nan_no_zero": [[1.0, NAN, 3.0, 2.0], [2.0, 0.5, 1.0, -1.0], [1.0, 2.0, 3.0, 4.0]],
    "one_zero": [[1.0, 7.0, 3.0, 2.0], [2.0, 0.5, 0.0, -1.0], [1.0, 2.0, 3.0, 4.0]],
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("dim", [None, 0, 1])
@pytest.mark.parametrize("name", PROD_INPUTS)
def test_prod_gradient_with_zeros_nan_and_inf(name, dim, dtype):
    x = np.array(PROD_INPUTS[name], dtype)
    check(lambda L, F, a: a.prod() if dim is None else a.prod(dim), x)


@pytest.mark.parametrize("value", [INF, -INF, NAN, 0.0, 2.0])
def test_prod_gradient_of_a_0d_tensor_is_the_upstream_gradient(value):
    check(lambda L, F, a: a.prod(), np.array(value))
    check(lambda L, F, a: L.prod(a, 0), np.array(value))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", ["i1", "i1e", "i0e", "i0"])
def test_bessel_gradients_at_nan_zero_and_inf(op, dtype):
    x = np.array([NAN, 0.0, -0.0, 1e-30, INF, -INF, -2.5, 3.0], dtype)
    check(lambda L, F, a: getattr(L.special, op)(a), x)


@pytest.mark.parametrize("decimals", [-5, -1, 0, 1, 3, 8])
def test_round_decimals_of_float16_computes_in_float32(decimals):
    x = np.array([1.2345, -2.5, 0.125, 1005.0, -0.0, 12345.678, 65000.0], np.float16)
    m = mg.round(mg.tensor(x), decimals=decimals)
    t = torch.round(torch.tensor(x), decimals=decimals)
    assert m.dtype == mg.float16
    np.testing.assert_array_equal(m.numpy(), t.numpy())


ADAPTIVE_AVG = {
    "1d": lambda L, F, x: F.adaptive_avg_pool1d(x.reshape(1, 2, 10), 3),
    "2d": lambda L, F, x: F.adaptive_avg_pool2d(x.reshape(1, 4, 5), (3, 2)),
    "2d_none": lambda L, F, x: F.adaptive_avg_pool2d(x.reshape(1, 1, 4, 5), (3, None)),
    "3d": lambda L, F, x: F.adaptive_avg_pool3d(x.reshape(1, 2, 2, 5), (1, 2, 3)),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("bad", [NAN, INF, -INF])
@pytest.mark.parametrize("name", ADAPTIVE_AVG)
def test_adaptive_avg_pool_keeps_a_nonfinite_value_in_its_own_windows(name, bad, dtype):
    x = np.arange(20, dtype=dtype) / 4 - 2
    x[13] = bad
    check(ADAPTIVE_AVG[name], x)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "idx", [[1, 0, 3], [0, 1, 3], [2, 3], [3, 2], [4, 1], [4], [3, 3, 1], [5, 0], [0, 5, 5]]
)
def test_embedding_bag_max_with_nan_and_inf_rows(idx, dtype):
    w = np.array([[1, 2], [NAN, 0], [3, NAN], [5, 1], [NAN, NAN], [-INF, INF]], dtype)
    offsets = np.array([0, 1] if len(idx) > 1 else [0])

    def fn(L, F, w, offsets):
        return F.embedding_bag(L.tensor(idx), w, offsets, mode="max")

    check(fn, w, offsets)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("reduce", ["amax", "amin"])
def test_scatter_reduce_amax_amin_gradient_where_the_result_is_nan(reduce, include_self, dtype):
    x = np.array([[1.0, NAN, 3.0, 2.0], [0.0, 5.0, -INF, INF]], dtype)
    src = np.array([[NAN, 2.0, 7.0, 1.0, 1.0], [1.0, 1.0, -1.0, INF, NAN]], dtype)
    index = np.array([[0, 0, 1, 2, 2], [3, 3, 2, 1, 0]])

    def fn(L, F, x, src, index):
        return x.scatter_reduce(1, index, src, reduce, include_self=include_self)

    check(fn, x, src, index)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "a,b",
    [(0.0, 0.0), (-0.0, 0.0), (0.0, 1e-30), (1e-30, 0.0), (1e-30, -1e-30), (1e-20, 1e-20),
     (3e-39, 0.0), (1e-200, 0.0), (0.0, -1e-200), (1e-160, 1e-160), (2.0, -3.0)],
)  # fmt: skip
def test_atan2_gradient_where_a2_plus_b2_underflows(a, b, dtype):
    check(lambda L, F, x, y: L.atan2(x, y), np.array([a], dtype), np.array([b], dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_cdist_and_pdist_p0_with_nan_and_inf(dtype):
    a = np.array([[1.0, NAN, 0.0], [1.0, 2.0, 3.0], [0.0, 0.0, -0.0]], dtype)
    b = np.array([[1.0, 2.0, 0.0], [0.0, 2.0, INF], [-INF, 0.0, 0.0]], dtype)
    check(lambda L, F, x, y: L.cdist(x, y, p=0), a, b)
    check(lambda L, F, x: F.pdist(x, 0), a)
    check(lambda L, F, x: F.pdist(x, 0), b)
