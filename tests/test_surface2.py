"""The in-place forms, torch.* in-place functions and the rest of the surface added in
surface_ops.py, without PyTorch: finite-difference gradient checks in float64 and the
definitions the ops must meet."""

import itertools
import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import inplace

RNG = np.random.default_rng(0)


def _t(shape, low=-2.0, high=2.0):
    return mg.tensor(RNG.uniform(low, high, shape), dtype=mg.float64, requires_grad=True)


# ---- in-place forms ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, args, low, high",
    [
        ("acos", (), -0.9, 0.9), ("asin", (), -0.9, 0.9), ("atan", (), -2, 2),
        ("arccos", (), -0.9, 0.9), ("arcsin", (), -0.9, 0.9), ("arctan", (), -2, 2),
        ("arcsinh", (), -2, 2), ("arccosh", (), 1.2, 3), ("arctanh", (), -0.9, 0.9),
        ("cosh", (), -2, 2), ("sinh", (), -2, 2), ("tan", (), -1, 1), ("exp2", (), -2, 2),
        ("log2", (), 0.2, 3), ("log10", (), 0.2, 3), ("logit", (), 0.1, 0.9),
        ("logit", (0.2,), 0.1, 0.9), ("nan_to_num", (), -2, 2), ("frac", (), 0.1, 0.9),
        ("cumsum", (1,), -2, 2), ("cumprod", (0,), 0.5, 2), ("tril", (), -2, 2),
        ("triu", (1,), -2, 2), ("clip", (-1.0, 1.0), -0.9, 0.9), ("float_power", (2,), 0.5, 2),
        ("copysign", (-1.0,), 0.5, 2), ("remainder", (3.0,), 0.2, 2.5),
    ],
)  # fmt: skip
def test_in_place_gradients_match_finite_differences(name, args, low, high):
    x = _t((3, 4), low, high)
    assert mg.gradcheck(lambda t: getattr(t * 1, name + "_")(*args), (x,))
    y = x.detach().clone()
    assert getattr(y, name + "_")(*args) is y
    np.testing.assert_allclose(y.data, getattr(x.detach(), name)(*args).data, rtol=1e-12)


@pytest.mark.parametrize("name, args", [("atan2", ()), ("arctan2", ()), ("addmm", ())])
def test_in_place_gradients_of_both_operands(name, args):
    x, o = _t((3, 3)), _t((3, 3))
    assert mg.gradcheck(
        lambda a, b: getattr(a * 1, name + "_")(b, *((b,) if name == "addmm" else ())), (x, o)
    )


@pytest.mark.parametrize("name", ["t", "transpose", "swapaxes", "swapdims", "squeeze", "unsqueeze"])
def test_shape_changing_in_place_is_a_view_of_the_same_memory(name):
    args = {"transpose": (0, 1), "swapaxes": (1, 0), "swapdims": (0, 1), "unsqueeze": (1,)}.get(
        name, ()
    )
    data = np.arange(6.0).reshape(2, 3) if name != "squeeze" else np.arange(3.0).reshape(1, 3)
    x = mg.tensor(data, dtype=mg.float64)
    expected = getattr(x, name)(*args)
    before = x._version[0]
    array = x.data
    assert getattr(x, name + "_")(*args) is x
    assert x.shape == expected.shape and np.array_equal(x.data, expected.data)
    assert np.shares_memory(x.data, array) and x._version[0] != before
    w = _t(data.shape)
    assert mg.gradcheck(lambda a: getattr(a * 1, name + "_")(*args) * 3, (w,))


def test_comparisons_in_place_write_zeros_and_ones_in_the_tensors_dtype():
    for dtype in (mg.float32, mg.float64, mg.int64, mg.bool):
        x = mg.tensor([[0, 1, 2], [3, 4, 5]], dtype=dtype)
        expected = (x.data.astype(np.float64) >= 2).astype(x.data.dtype)
        assert x.ge_(2) is x and x.dtype == dtype and np.array_equal(x.data, expected)


def test_comparison_in_place_in_a_graph_has_zero_gradient():
    x = _t((2, 3))
    y = x * 1
    y.gt_(0.0)
    (y * 5).sum().backward()
    assert y.grad_fn.name().startswith("Gt") and np.array_equal(x.grad.data, np.zeros((2, 3)))


def test_logical_in_place_keeps_the_grad_fn():
    x = _t((2, 3))
    y = x * 2
    node = y.grad_fn
    y.logical_not_()
    assert y.grad_fn is node and np.array_equal(y.data, (x.data * 2 == 0).astype(np.float64))


def test_in_place_refuses_a_leaf_that_requires_grad_and_bumps_the_version():
    for name in ["exp2", "t", "ge", "cumsum", "logical_not"]:
        args = {"ge": (0.0,), "cumsum": (0,)}.get(name, ())
        if name != "logical_not":  # which has no derivative: PyTorch lets it change a leaf
            with pytest.raises(RuntimeError, match="leaf"):
                getattr(_t((2, 2)), name + "_")(*args)
        z = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
        v = z._version[0]
        getattr(z, name + "_")(*args)
        assert z._version[0] != v
    leaf = mg.tensor([0.0, 2.0], requires_grad=True)
    assert leaf.logical_not_().tolist() == [1.0, 0.0] and leaf.is_leaf


def test_float_power_in_place_needs_a_float64_tensor():
    with pytest.raises(RuntimeError, match="float_power_"):
        mg.tensor([1.0, 2.0], dtype=mg.float32).float_power_(2)


def test_cumsum_in_place_computes_in_the_tensors_dtype():
    x = mg.tensor([200, 100], dtype=mg.uint8)
    assert x.cumsum_(0).tolist() == [200, (200 + 100) % 256]
    with pytest.raises(NotImplementedError):
        mg.tensor([True]).cumsum_(0)


def test_detach_in_place():
    x = _t((2,))
    y = x * 2
    assert y.detach_() is y and y.grad_fn is None and not y.requires_grad and y.is_leaf
    with pytest.raises(RuntimeError, match="view"):
        (x * 2)[0:1].detach_()


def test_torch_in_place_functions_are_the_methods():
    for name in inplace.DERIVED:
        assert callable(getattr(mg.Tensor, name + "_"))
    x = mg.tensor([0.5, 1.0], dtype=mg.float64)
    assert mg.exp_(x) is x and np.allclose(x.data, np.exp([0.5, 1.0]))
    assert mg.clamp_(x, max=2.0) is x and np.allclose(x.data, [np.exp(0.5), 2.0])
    assert mg.zero_(x) is x and x.tolist() == [0.0, 0.0]


def test_bitwise_methods_and_shifts():
    a = mg.tensor([0, 5, 12, -8])
    b = mg.tensor([3, 6, 9, 1])
    assert a.bitwise_and(b).tolist() == [0 & 3, 5 & 6, 12 & 9, -8 & 1]
    assert a.bitwise_or(b).tolist() == [0 | 3, 5 | 6, 12 | 9, -8 | 1]
    assert a.bitwise_xor(b).tolist() == [0 ^ 3, 5 ^ 6, 12 ^ 9, -8 ^ 1]
    assert a.bitwise_not().tolist() == [~0, ~5, ~12, ~-8]
    assert a.bitwise_left_shift(b).tolist() == [0 << 3, 5 << 6, 12 << 9, -8 << 1]
    assert mg.bitwise_right_shift(a, b).tolist() == [0 >> 3, 5 >> 6, 12 >> 9, -8 >> 1]
    c = a.clone()
    assert c.bitwise_xor_(b) is c and c.tolist() == a.bitwise_xor(b).tolist()
    with pytest.raises(NotImplementedError):
        mg.tensor([1.0]).bitwise_left_shift(1)


def test_short_and_half():
    x = mg.tensor([1.5, -2.5])
    assert x.short().dtype == mg.int16 and x.short().tolist() == [1, -2]
    assert x.half().dtype == mg.float16 and x.half().tolist() == [1.5, -2.5]


# ---- products, reductions, quantiles, views ---------------------------------------------------


@pytest.mark.parametrize(
    "name, shapes, product",
    [
        ("addmv", [(3,), (3, 4), (4,)], lambda A, B: A @ B),
        ("addr", [(1, 4), (3,), (4,)], np.outer),
        ("addbmm", [(3, 5), (2, 3, 4), (2, 4, 5)], lambda A, B: (A @ B).sum(0)),
        ("baddbmm", [(2, 3, 5), (2, 3, 4), (2, 4, 5)], lambda A, B: A @ B),
    ],
)
@pytest.mark.parametrize("beta, alpha", [(1, 1), (0.5, 2), (2, -1), (0, 3)])
def test_scaled_products_gradients_and_definition(name, shapes, product, beta, alpha):
    inputs = [_t(s) for s in shapes]
    fn = getattr(mg, name)
    out = fn(*inputs, beta=beta, alpha=alpha)
    I, A, B = (t.data for t in inputs)
    assert np.allclose(out.data, beta * I + alpha * product(A, B))
    assert mg.gradcheck(lambda *ts: fn(*ts, beta=beta, alpha=alpha), inputs)
    if I.shape == out.shape:
        x = inputs[0].detach().clone()
        assert getattr(x, name + "_")(*inputs[1:], beta=beta, alpha=alpha) is x
        assert np.allclose(x.data, out.data)


def test_aminmax_is_amin_and_amax():
    x = _t((3, 4))
    m = mg.aminmax(x, dim=1)
    assert np.array_equal(m.min.data, x.data.min(1)) and np.array_equal(m.max.data, x.data.max(1))
    assert mg.gradcheck(lambda t: mg.aminmax(t, dim=0)[0] * 2 + mg.aminmax(t, dim=0)[1], (x,))


@pytest.mark.parametrize("correction", [0, 1, 2])
def test_cov_and_corrcoef_match_numpy(correction):
    x = _t((3, 6))
    f = mg.tensor([1, 2, 1, 3, 1, 2])
    a = mg.tensor([0.5, 1.0, 2.0, 0.25, 1.0, 1.5], dtype=mg.float64)
    X = x.data
    assert np.allclose(mg.cov(x, correction=correction).data, np.cov(X, ddof=correction))
    got = mg.cov(x, correction=correction, fweights=f, aweights=a).data
    assert np.allclose(got, np.cov(X, ddof=correction, fweights=f.data, aweights=a.data))
    assert np.allclose(mg.corrcoef(x).data, np.corrcoef(X))
    assert mg.gradcheck(lambda t: mg.cov(t, correction=correction, fweights=f, aweights=a), (x,))
    assert mg.gradcheck(mg.corrcoef, (x,))


def test_logcumsumexp_is_log_cumsum_exp_and_stable():
    x = _t((3, 5))
    assert np.allclose(mg.logcumsumexp(x, 1).data, np.log(np.cumsum(np.exp(x.data), 1)))
    assert mg.gradcheck(lambda t: mg.logcumsumexp(t, 0), (x,))
    big = mg.tensor([1000.0, 1000.0, -1000.0], dtype=mg.float64)
    assert np.allclose(
        mg.logcumsumexp(big, 0).data, [1000.0, 1000.0 + np.log(2), 1000.0 + np.log(2)]
    )


@pytest.mark.parametrize("mode", ["linear", "lower", "higher", "midpoint", "nearest"])
def test_quantile_matches_numpy(mode):
    x = _t((4, 7))
    q = mg.tensor([0.0, 0.2, 0.5, 0.85, 1.0], dtype=mg.float64)
    got = mg.quantile(x, q, dim=1, interpolation=mode).data
    assert np.allclose(got, np.quantile(x.data, q.data, axis=1, method=mode))
    X = x.data.copy()
    X[0, 2] = X[2, 5] = np.nan
    y = mg.tensor(X)
    got = mg.nanquantile(y, q, dim=1, interpolation=mode).data
    assert np.allclose(got, np.nanquantile(X, q.data, axis=1, method=mode))
    assert np.isnan(mg.quantile(y, 0.5, dim=1).data[[0, 2]]).all()
    assert mg.gradcheck(lambda t: mg.quantile(t, q, dim=0, interpolation=mode), (x,))


def test_nanmedian_is_the_lower_median_of_the_rest():
    X = np.array([[3.0, np.nan, 1.0, 2.0], [4.0, 1.0, 2.0, 3.0], [np.nan, 5.0, np.nan, np.nan]])
    x = mg.tensor(X, requires_grad=True)
    values, indices = mg.nanmedian(x, 1)
    for row, v, i in zip(X, values.data, indices.data):
        kept = np.sort(row[~np.isnan(row)])
        assert v == kept[(len(kept) - 1) // 2] == row[i]
    assert mg.gradcheck(lambda t: mg.nanmedian(t, 1).values, (x,))
    assert mg.nanmedian(x).item() == np.sort(X[~np.isnan(X)])[(np.sum(~np.isnan(X)) - 1) // 2]


def test_msort_and_sum_to_size():
    x = _t((4, 3))
    assert np.array_equal(mg.msort(x).data, np.sort(x.data, 0))
    assert mg.gradcheck(mg.msort, (x,))
    y = _t((2, 3, 4))
    assert np.allclose(y.sum_to_size(3, 1).data, y.data.sum(0).sum(1, keepdims=True))
    assert mg.gradcheck(lambda t: t.sum_to_size(1, 4), (y,))
    with pytest.raises(RuntimeError):
        y.sum_to_size(3, 5)


@pytest.mark.parametrize(
    "shape, dim, size, step", [((9,), 0, 3, 2), ((3, 8), 1, 2, 3), ((5, 2, 3), 0, 5, 1)]
)
def test_unfold_is_the_windows(shape, dim, size, step):
    x = _t(shape)
    u = x.unfold(dim, size, step)
    X = np.moveaxis(x.data, dim, 0)
    for k in range(u.shape[dim]):
        window = np.moveaxis(X[k * step : k * step + size], 0, -1)
        assert np.array_equal(np.take(u.data, k, axis=dim), window)
    assert np.shares_memory(u.data, x.data)
    assert mg.gradcheck(lambda t: t.unfold(dim, size, step) * 2, (x,))


def test_select_is_indexing():
    x = _t((3, 4, 5))
    assert np.array_equal(mg.select(x, 1, -1).data, x.data[:, -1])
    assert mg.gradcheck(lambda t: t.select(2, 3), (x,))


# ---- scatters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fn, src_shape, part",
    [
        (lambda x, s: mg.select_scatter(x, s, 1, 2), (3, 5), lambda X: X[:, 2]),
        (lambda x, s: mg.slice_scatter(x, s, 2, 1, 5, 2), (3, 4, 2), lambda X: X[:, :, 1:5:2]),
        (
            lambda x, s: mg.diagonal_scatter(x, s, 1, 0, 2),
            (4, 3),
            lambda X: np.diagonal(X, 1, 0, 2),
        ),
    ],
)
def test_part_scatters_replace_the_part(fn, src_shape, part):
    x, s = _t((3, 4, 5)), _t(src_shape)
    out = fn(x, s).data
    assert np.array_equal(part(out), s.data)
    marker = np.arange(x.numel()).reshape(x.shape)
    kept = ~np.isin(marker, part(marker))
    assert np.array_equal(out[kept], x.data[kept])
    assert mg.gradcheck(fn, (x, s))


def test_masked_scatter_fills_in_order():
    x, s = _t((2, 4)), _t((3, 3))
    mask = mg.tensor([[True, False, True, False], [False, True, True, False]])
    out = x.masked_scatter(mask, s).data
    assert np.array_equal(out[mask.data], s.data.reshape(-1)[:4])
    assert np.array_equal(out[~mask.data], x.data[~mask.data])
    assert mg.gradcheck(lambda a, b: a.masked_scatter(mask, b), (x, s))


@pytest.mark.parametrize("accumulate", [False, True])
def test_index_put(accumulate):
    x, v = _t((4, 3)), _t((3,))
    rows, cols = mg.tensor([0, 2, 0]), mg.tensor([1, 1, 1])
    out = mg.index_put(x, (rows, cols), v, accumulate=accumulate).data
    expected = x.data.copy()
    for r, c, value in zip(rows.data, cols.data, v.data):
        expected[r, c] = expected[r, c] + value if accumulate else value
    assert np.allclose(out, expected)
    if accumulate:
        assert mg.gradcheck(lambda a, b: mg.index_put(a, (rows, cols), b, accumulate=True), (x, v))
    y = x.detach().clone()
    assert y.index_put_((rows, cols), v.detach(), accumulate) is y and np.allclose(y.data, out)


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_matches_a_loop(reduce, include_self):
    x, s = _t((3, 4), 0.5, 2), _t((3, 4), 0.5, 2)
    index = mg.tensor([[0, 1, 0, 1], [2, 2, 0, 0], [1, 1, 1, 1]])
    out = x.scatter_reduce(0, index, s, reduce, include_self=include_self).data
    groups = {}
    for (i, j), k in np.ndenumerate(index.data):
        groups.setdefault((k, j), []).append(s.data[i, j])
    fold = {"sum": np.sum, "prod": np.prod, "mean": np.mean, "amax": np.max, "amin": np.min}[reduce]
    expected = x.data.copy()
    for (k, j), values in groups.items():
        expected[k, j] = fold(values + ([x.data[k, j]] if include_self else []))
    assert np.allclose(out, expected)
    assert mg.gradcheck(
        lambda a, b: a.scatter_reduce(0, index, b, reduce, include_self=include_self), (x, s)
    )


def test_renorm_caps_each_slice_norm():
    x = _t((4, 3))
    out = mg.renorm(x, 2, 0, 1.0).data
    norms = np.linalg.norm(x.data, axis=1)
    assert np.allclose(np.linalg.norm(out, axis=1), np.minimum(norms, 1.0), atol=1e-6)
    assert mg.gradcheck(lambda t: mg.renorm(t, 3, 1, 0.8), (x,))


def test_histc_isin_unique_consecutive():
    X = RNG.standard_normal(200)
    counts = mg.histc(mg.tensor(X, dtype=mg.float64), bins=6, min=-1, max=1).data
    assert np.array_equal(counts, np.histogram(X, bins=6, range=(-1, 1))[0])
    assert mg.isin(mg.tensor([1, 2, 3]), mg.tensor([3, 1])).tolist() == [True, False, True]
    out, inverse, counts = mg.unique_consecutive(mg.tensor([1, 1, 2, 2, 3, 1]), True, True)
    assert out.tolist() == [1, 2, 3, 1] and inverse.tolist() == [0, 0, 1, 1, 2, 3]
    assert counts.tolist() == [2, 2, 1, 1]


# ---- the rest ----------------------------------------------------------------------------------


def test_integer_functions_and_tests():
    a, b = mg.tensor([12, -18, 0, 7]), mg.tensor([8, 4, 0, 5])
    assert mg.gcd(a, b).tolist() == [4, 2, 0, 1]
    assert mg.lcm(a, b).tolist() == [24, 36, 0, 35]
    with pytest.raises(NotImplementedError):
        mg.gcd(mg.tensor([1.0]), mg.tensor([2.0]))
    assert mg.is_same_size(a, b) and not a.is_same_size(mg.ones(3))
    assert mg.is_nonzero(mg.tensor([2])) and not mg.is_nonzero(mg.tensor(0.0))
    with pytest.raises(RuntimeError):
        mg.is_nonzero(mg.tensor([1, 2]))


def test_ldexp_frexp_nextafter():
    x, e = _t((2, 3)), _t((3,))
    assert np.allclose(mg.ldexp(x, e).data, x.data * 2.0**e.data)
    assert mg.gradcheck(mg.ldexp, (x, e))
    m, k = mg.frexp(x * 10)
    assert np.allclose(m.data * 2.0**k.data, x.data * 10) and k.dtype == mg.int32
    assert np.all((np.abs(m.data) >= 0.5) & (np.abs(m.data) < 1))
    assert mg.gradcheck(lambda t: mg.frexp(t)[0], (x,))
    one = mg.tensor([1.0], dtype=mg.float64)
    assert (
        mg.nextafter(one, mg.tensor([2.0], dtype=mg.float64)).item()
        == 1.0 + np.finfo(np.float64).eps
    )


def test_i0_is_its_series_and_its_gradient_is_i1():
    x = mg.tensor([0.0, 0.3, -1.7, 4.0, 12.5], dtype=mg.float64, requires_grad=True)
    series = sum((x.data / 2) ** (2 * k) / math.factorial(k) ** 2 for k in range(80))
    assert np.allclose(mg.i0(x).data, series, rtol=1e-12)
    assert mg.gradcheck(mg.i0, (x,))


@pytest.mark.parametrize("n", [-3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 11])
def test_matrix_power_is_repeated_products(n):
    x = mg.tensor(
        RNG.uniform(-1, 1, (2, 3, 3)) + 2 * np.eye(3), dtype=mg.float64, requires_grad=True
    )
    expected = np.stack([np.linalg.matrix_power(m, n) for m in x.data])
    assert np.allclose(mg.matrix_power(x, n).data, expected)
    assert mg.gradcheck(lambda t: mg.matrix_power(t, n), (x,))


def test_cartesian_prod_and_combinations():
    a, b = _t((2,)), _t((3,))
    out = mg.cartesian_prod(a, b).data
    assert out.tolist() == [[p, q] for p in a.data.tolist() for q in b.data.tolist()]
    assert mg.gradcheck(lambda s, t: mg.cartesian_prod(s, t), (a, b))
    c = _t((4,))
    for r, rep in [(2, False), (3, False), (2, True)]:
        pick = itertools.combinations_with_replacement if rep else itertools.combinations
        expected = [list(p) for p in pick(c.data.tolist(), r)]
        assert mg.combinations(c, r, rep).data.tolist() == expected
        assert mg.gradcheck(lambda t, r=r, rep=rep: mg.combinations(t, r, rep), (c,))


def test_trapezoid_rules_match_numpy():
    y, x = _t((3, 5)), mg.tensor(np.cumsum(RNG.uniform(0.1, 1, 5)), dtype=mg.float64)
    assert np.allclose(
        mg.trapezoid(y, x).data,
        np.trapezoid(y.data, x.data) if hasattr(np, "trapezoid") else np.trapz(y.data, x.data),
    )
    assert np.allclose(
        mg.trapezoid(y, dx=0.5, dim=0).data, 0.5 * (y.data[1:] + y.data[:-1]).sum(0) / 2
    )
    running = np.cumsum((x.data[1:] - x.data[:-1]) * (y.data[:, 1:] + y.data[:, :-1]) / 2, axis=1)
    assert np.allclose(mg.cumulative_trapezoid(y, x).data, running)
    assert mg.gradcheck(lambda t: mg.trapezoid(t, x), (y,))
    assert mg.gradcheck(lambda t: mg.cumulative_trapezoid(t, dx=2.0, dim=0), (y,))


def test_vander_and_unravel_index():
    x = _t((4,))
    assert np.allclose(mg.vander(x).data, np.vander(x.data))
    assert np.allclose(mg.vander(x, 3, increasing=True).data, np.vander(x.data, 3, increasing=True))
    assert mg.gradcheck(lambda t: mg.vander(t, 5), (x,))
    rows, cols = mg.unravel_index(mg.tensor([5, 7, 0]), (2, 4))
    assert (rows.tolist(), cols.tolist()) == tuple(
        a.tolist() for a in np.unravel_index([5, 7, 0], (2, 4))
    )


def test_rsub_threshold_and_dtypes():
    x = _t((3,))
    assert np.allclose(mg.rsub(x, 3.0, alpha=2).data, 3.0 - 2 * x.data)
    assert mg.gradcheck(lambda t: mg.rsub(t, 1.0, alpha=-0.5), (x,))
    assert np.array_equal(mg.threshold(x, 0.0, -5.0).data, np.where(x.data <= 0, -5.0, x.data))
    assert mg.gradcheck(lambda t: mg.threshold(t, 0.1, 2.0), (x,))
    assert mg.result_type(mg.tensor([1]), 1.0) == mg.float32
    assert mg.promote_types(mg.uint8, mg.int8) == mg.int16
    assert mg.promote_types(mg.int64, mg.float16) == mg.float16
    assert mg.can_cast(mg.int64, mg.float16) and not mg.can_cast(mg.float32, mg.int64)
    assert not mg.can_cast(mg.int8, mg.bool)


@pytest.mark.parametrize("n", [2, 7, 10])
@pytest.mark.parametrize("periodic", [False, True])
def test_windows_are_their_formulas(n, periodic):
    N = n + periodic
    k = np.arange(n)
    w = 2 * np.pi * k / (N - 1)
    expected = {
        "hann_window": 0.5 - 0.5 * np.cos(w),
        "hamming_window": 0.54 - 0.46 * np.cos(w),
        "blackman_window": 0.42 - 0.5 * np.cos(w) + 0.08 * np.cos(2 * w),
        "bartlett_window": 1 - np.abs(2 * k / (N - 1) - 1),
        "kaiser_window": np.i0(12 * np.sqrt(1 - ((k - (N - 1) / 2) / ((N - 1) / 2)) ** 2))
        / np.i0(12),
    }
    for name, values in expected.items():
        got = getattr(mg, name)(n, periodic, dtype=mg.float64)
        assert got.dtype == mg.float64 and np.allclose(got.data, values), name


def test_threads_and_print_options():
    n = mg.get_num_threads()
    assert n >= 1
    mg.set_num_threads(3)
    assert mg.get_num_threads() == 3
    mg.set_num_threads(n)
    with pytest.raises(RuntimeError):
        mg.set_num_threads(0)
    try:
        mg.set_printoptions(precision=2)
        assert repr(mg.tensor([1.23456])) == "tensor([1.23])"
        mg.set_printoptions(threshold=3, edgeitems=1)
        assert repr(mg.arange(10)) == "tensor([0,  ..., 9])"  # PyTorch's spacing
    finally:
        mg.set_printoptions(profile="default")
    assert repr(mg.tensor([1.23456])) == "tensor([1.2346])"
