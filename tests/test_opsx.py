"""The ops added for PyTorch programs: special functions, indexing and scattering,
aliases. Gradients against finite differences in float64 (mg.gradcheck), values
against their definitions, and errors naming the op. No torch here."""

import math

import numpy as np
import pytest

import minigrad as mg


def leaf(values, **kw):
    return mg.tensor(np.asarray(values, np.float64), dtype=mg.float64, requires_grad=True, **kw)


# ---- group 1: special functions and more elementwise math ------------------------------

UNARY_DOMAIN = {
    "erf": [-2.0, -0.5, 0.1, 0.7, 2.5],
    "erfc": [-2.0, -0.5, 0.1, 0.7, 2.5],
    "erfinv": [-0.9, -0.4, 0.05, 0.5, 0.95],
    "sinc": [-2.3, -0.5, 0.2, 0.7, 1.5],
    "asinh": [-2.3, -0.5, 0.2, 0.7, 1.5],
    "acosh": [1.2, 1.5, 2.0, 3.0, 10.0],
    "atanh": [-0.9, -0.4, 0.05, 0.5, 0.95],
    "deg2rad": [-90.0, 1.0, 45.0, 200.0, 720.0],
    "rad2deg": [-3.0, 0.1, 0.5, 2.0, 7.0],
}


@pytest.mark.parametrize("name", sorted(UNARY_DOMAIN))
def test_unary_gradients_match_finite_differences(name):
    x = leaf(UNARY_DOMAIN[name])
    assert mg.gradcheck(lambda t: getattr(t, name)(), (x,))
    assert mg.gradcheck(lambda t: getattr(mg, name)(t), (x,))


def test_unary_values_match_their_definitions():
    v = np.array([-2.0, -0.5, 0.1, 0.7, 2.5])
    x = mg.tensor(v, dtype=mg.float64)
    np.testing.assert_allclose(x.erf().numpy(), [math.erf(a) for a in v], rtol=1e-15)
    np.testing.assert_allclose(x.erfc().numpy(), [math.erfc(a) for a in v], rtol=1e-15)
    np.testing.assert_allclose(x.erf().erfinv().numpy(), v, rtol=1e-12)
    np.testing.assert_allclose(x.sinc().numpy(), np.sin(np.pi * v) / (np.pi * v), rtol=1e-14)
    np.testing.assert_allclose(x.asinh().sinh().numpy(), v, rtol=1e-14)
    np.testing.assert_allclose(x.rad2deg().deg2rad().numpy(), v, rtol=1e-15)
    assert mg.tensor(0.0).sinc().item() == 1.0
    assert mg.tensor([1.0, -1.0]).erfinv().tolist() == [math.inf, -math.inf]
    assert math.isnan(mg.tensor([1.5]).erfinv().item())


def test_erfc_keeps_precision_where_erf_is_one():
    x = mg.tensor([10.0, 26.0], dtype=mg.float64)
    np.testing.assert_allclose(x.erfc().numpy(), [math.erfc(10.0), math.erfc(26.0)], rtol=1e-15)
    assert (mg.tensor([10.0], dtype=mg.float64).erf().numpy() == 1).all()


def test_sgn_of_reals_is_sign_with_no_gradient():
    x = leaf([-2.0, 0.0, 3.0])
    y = x.sgn()
    assert y.tolist() == [-1.0, 0.0, 1.0] and y.grad_fn.name() == "SgnBackward"
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]


BINARY = ["logaddexp", "logaddexp2", "hypot", "xlogy", "fmod", "fmax", "fmin", "float_power"]


@pytest.mark.parametrize("name", BINARY)
def test_binary_gradients_broadcast(name):
    a = leaf([[0.5, 1.3, 2.2, 3.1]])
    b = leaf([[2.7], [0.4], [1.9]])
    assert mg.gradcheck(lambda s, t: getattr(s, name)(t), (a, b))
    assert mg.gradcheck(lambda s, t: getattr(mg, name)(s, t), (b, a))
    assert mg.gradcheck(lambda s: getattr(s, name)(s), (a,))


def test_number_operands_are_not_graph_inputs():
    x = leaf([0.5, 2.0, 3.0])
    for y in (x.xlogy(2.5), mg.xlogy(2.5, x), x.fmod(0.7), x.float_power(3)):
        assert len(y.grad_fn.next_functions) == 1
    assert mg.gradcheck(lambda t: mg.xlogy(2.5, t) + t.xlogy(1.5) + t.fmod(0.7), (x,))


def test_xlogy_is_zero_at_zero_and_nan_at_nan():
    y = mg.xlogy(mg.tensor([0.0, 0.0, 2.0]), mg.tensor([0.0, float("nan"), math.e]))
    assert y.tolist()[0] == 0.0 and math.isnan(y.tolist()[1])
    assert y.tolist()[2] == pytest.approx(2.0)
    assert mg.xlogy(mg.tensor([1, 2]), mg.tensor([1, 2])).dtype == mg.float32


def test_fmod_takes_the_dividends_sign_and_fmax_ignores_nan():
    assert mg.fmod(mg.tensor([5.5, -5.5]), 2.0).tolist() == [1.5, -1.5]
    assert mg.remainder(mg.tensor([5.5, -5.5]), 2.0).tolist() == [1.5, 0.5]
    nan = float("nan")
    assert mg.fmax(mg.tensor([1.0, nan]), mg.tensor([nan, 2.0])).tolist() == [1.0, 2.0]
    assert mg.fmin(mg.tensor([1.0, nan]), mg.tensor([nan, 2.0])).tolist() == [1.0, 2.0]


def test_fmax_sends_the_gradient_of_a_tie_to_the_first_input():
    a, b = leaf([1.0, 2.0]), leaf([1.0, 3.0])
    mg.fmax(a, b).sum().backward()
    assert a.grad.tolist() == [1.0, 0.0] and b.grad.tolist() == [0.0, 1.0]


def test_float_power_computes_in_float64():
    x = mg.tensor([2.0, 3.0], requires_grad=True)
    y = x.float_power(2)
    assert y.dtype == mg.float64 and y.grad_fn.next_functions[0][0].name() == "ToCopyBackward"
    y.sum().backward()
    assert x.grad.dtype == mg.float32 and x.grad.tolist() == [4.0, 6.0]


def test_in_place_forms_change_the_tensor():
    x = leaf([0.5, 2.0])
    y = x * 1
    y.erf_().hypot_(mg.tensor([1.0, 1.0], dtype=mg.float64))
    assert y.grad_fn.name() == "HypotBackward"
    assert mg.gradcheck(lambda t: (t * 1).asinh_(), (x,))


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: mg.logaddexp(mg.tensor([1]), mg.tensor([2])), NotImplementedError, "logaddexp"),
        (lambda: mg.hypot(mg.tensor([1.0]), 2.0), TypeError, "hypot"),
        (lambda: mg.fmax(mg.tensor([1.0]), 2.0), TypeError, "fmax"),
        (lambda: mg.fmod(mg.tensor([1]), 0), RuntimeError, "ZeroDivisionError"),
        (lambda: mg.fmod(mg.tensor([True]), mg.tensor([True])), NotImplementedError, "fmod"),
        (lambda: mg.erf([1.0]), TypeError, "erf"),
        (lambda: mg.xlogy(1.0, 2.0), TypeError, "xlogy"),
        (lambda: mg.tensor([1, 2]).erf_(), RuntimeError, "erf_"),
    ],
)
def test_group1_errors_name_the_op(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---- group 2: selecting, indexing and scattering ---------------------------------------

X6 = [[0.5, -1.25, 2.0], [3.0, 0.75, 1.5]]
IDX = mg.tensor([[0, 0], [2, 0]])  # repeated indices
SELECTIONS = {
    "masked_select (broadcast)": lambda x: x[0].masked_select(mg.tensor([[True, False, True]] * 2)),
    "take_along_dim": lambda x: x.take_along_dim(IDX, 1),
    "take_along_dim (flat)": lambda x: x.take_along_dim(mg.tensor([5, 5, 0])),
    "take": lambda x: mg.take(x, mg.tensor([[5, -1], [0, 0]])),
    "index_fill": lambda x: x.index_fill(1, mg.tensor([2, 2]), -1.0),
    "scatter (value)": lambda x: x.scatter(1, IDX, 2.0),
    "repeat_interleave": lambda x: x.repeat_interleave(2, dim=0),
    "repeat_interleave (flat)": lambda x: mg.repeat_interleave(x, 3),
    "repeat_interleave (tensor)": lambda x: x.repeat_interleave(mg.tensor([0, 3, 1]), dim=1),
    "broadcast_to": lambda x: x.broadcast_to((4, 2, 3)),
    "diff": lambda x: x.diff(n=2, dim=1, prepend=x[:, :1] * 2, append=x),
    "cummax": lambda x: x.cummax(1).values,
    "cummin": lambda x: mg.cummin(x, 0).values,
    "kthvalue": lambda x: x.kthvalue(2, 1).values,
    "mode (distinct values: the smallest)": lambda x: x.mode(1).values,
    "median": lambda x: x.median(),
    "median (dim)": lambda x: x.median(0, keepdim=True).values,
}


@pytest.mark.parametrize("name", sorted(SELECTIONS))
def test_selection_gradients_match_finite_differences(name):
    assert mg.gradcheck(lambda x: SELECTIONS[name](x) ** 2, (leaf(X6),))


SOURCED = {
    "index_add": lambda x, s: x.index_add(1, mg.tensor([2, 2]), s, alpha=-1.5),
    "index_copy": lambda x, s: mg.index_copy(x, 1, mg.tensor([2, 0]), s),
    "scatter": lambda x, s: x.scatter(1, mg.tensor([[0, 1], [2, 0]]), s),  # repeats: either wins
    "scatter_add": lambda x, s: mg.scatter_add(x, 1, IDX, s),
    "cross": lambda x, s: mg.cross(x, s.repeat(1, 2)[:, :3], dim=1),
}


@pytest.mark.parametrize("name", sorted(SOURCED))
def test_sourced_gradients_match_finite_differences(name):
    s = leaf([[1.5, -2.0], [0.25, 4.0]])
    assert mg.gradcheck(lambda x, t: SOURCED[name](x, t) ** 2, (leaf(X6), s))


def test_index_fill_value_tensor_gets_the_sum_of_its_slices():
    v = leaf(3.0)
    assert mg.gradcheck(lambda x, w: leaf(X6).index_fill(0, mg.tensor([1]), w) * x, (leaf(X6), v))


def test_scattered_values_and_in_place_forms():
    x = mg.zeros(2, 3)
    assert x.scatter_add(1, IDX, mg.ones(2, 2)).tolist() == [[2.0, 0.0, 0.0], [1.0, 0.0, 1.0]]
    assert x.index_add(0, mg.tensor([1, 1]), mg.ones(2, 3)).tolist()[1] == [2.0, 2.0, 2.0]
    y = mg.zeros(2, 3)
    assert y.index_fill_(1, mg.tensor([0]), 5.0) is y and y.tolist()[0] == [5.0, 0.0, 0.0]
    y.scatter_(1, mg.tensor([[2]]), 7.0)
    assert y.tolist()[0] == [5.0, 0.0, 7.0]


def test_nonzero_argwhere_unique_and_counts():
    x = mg.tensor([[0, 2], [3, 0]])
    assert x.nonzero().tolist() == [[0, 1], [1, 0]] and mg.argwhere(x).tolist() == [[0, 1], [1, 0]]
    rows, cols = x.nonzero(as_tuple=True)
    assert rows.tolist() == [0, 1] and cols.tolist() == [1, 0]
    values, inverse, counts = mg.unique(x, return_inverse=True, return_counts=True)
    assert values.tolist() == [0, 2, 3] and inverse.tolist() == [[0, 1], [2, 0]]
    assert counts.tolist() == [2, 1, 1] and x.count_nonzero().item() == 2
    assert mg.repeat_interleave(mg.tensor([2, 0, 1])).tolist() == [0, 0, 2]


def test_median_is_the_lower_median():
    assert mg.tensor([4.0, 1.0, 3.0, 2.0]).median().item() == 2.0
    v, i = mg.tensor([[4.0, 1.0, 3.0, 2.0]]).median(1)
    assert v.tolist() == [2.0] and i.tolist() == [3]


def test_mode_is_the_smallest_most_frequent_value_at_its_last_index():
    v, i = mg.mode(mg.tensor([[3.0, 1.0, 3.0, 1.0, 2.0]]), 1)
    assert v.tolist() == [1.0] and i.tolist() == [3]
    x = leaf([[3.0, 1.0, 3.0, 1.0, 2.0]])
    x.mode(1).values.sum().backward()
    assert x.grad.tolist() == [[0.0, 0.0, 0.0, 1.0, 0.0]]


def test_cummax_reports_the_last_index_of_a_tie():
    v, i = mg.tensor([1.0, 3.0, 3.0, 2.0]).cummax(0)
    assert v.tolist() == [1.0, 3.0, 3.0, 3.0] and i.tolist() == [0, 1, 2, 2]


def test_logical_ops_and_value_tests():
    a, b = mg.tensor([0.0, 1.0, 2.0]), mg.tensor([1, 0, 3])
    assert a.logical_and(b).tolist() == [False, False, True]
    assert mg.logical_or(a, b).tolist() == [True, True, True]
    assert mg.logical_xor(a, b).tolist() == [True, True, False]
    assert a.logical_not().tolist() == [True, False, False]
    assert mg.isclose(a, a * (1 + 1e-7)).all().item() and not mg.equal(a, a[:2])
    inf = float("inf")
    assert mg.tensor([-inf, inf]).isneginf().tolist() == [True, False]
    assert mg.isposinf(mg.tensor([-inf, inf])).tolist() == [False, True]
    assert mg.tensor([-0.0, 0.0]).signbit().tolist() == [True, False]


def test_unique_has_no_derivative():
    x = leaf([3.0, 1.0, 3.0])
    y = x.unique()
    assert y.grad_fn.name() == "Unique2Backward"
    with pytest.raises(NotImplementedError, match="_unique2"):
        y.sum().backward()
    rows, inverse = mg.unique(
        leaf([[1.0, 2.0], [0.0, 5.0], [1.0, 2.0]]), dim=0, return_inverse=True
    )
    assert rows.tolist() == [[0.0, 5.0], [1.0, 2.0]] and inverse.tolist() == [1, 0, 1]
    with pytest.raises(NotImplementedError, match="unique_dim"):
        rows.sum().backward()


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: mg.zeros(2).masked_select(mg.tensor([1, 0])), RuntimeError, "masked_select"),
        (lambda: mg.zeros(2).take(mg.tensor([2])), IndexError, "take"),
        (
            lambda: mg.zeros(2, 2).index_add(0, mg.tensor([2]), mg.ones(1, 2)),
            IndexError,
            "index_add",
        ),
        (
            lambda: mg.zeros(2).index_copy(0, mg.tensor([0]), mg.ones(1, dtype=mg.float64)),
            RuntimeError,
            "index_copy",
        ),
        (lambda: mg.zeros(2, 2).scatter(1, mg.tensor([[2]]), 1.0), RuntimeError, "scatter"),
        (
            lambda: mg.zeros(2, 2).scatter_add(1, mg.tensor([0]), mg.ones(1)),
            RuntimeError,
            "dimensions",
        ),
        (lambda: mg.zeros(2).kthvalue(3), RuntimeError, "kthvalue"),
        (lambda: mg.cross(mg.zeros(2, 3), mg.zeros(3)), RuntimeError, "linalg.cross"),
        (lambda: mg.zeros(2).repeat_interleave(-1), RuntimeError, "repeat_interleave"),
        (lambda: mg.tensor(1.0).diff(), RuntimeError, "diff"),
        (lambda: mg.logical_and(mg.zeros(2), 1), TypeError, "logical_and"),
        (lambda: mg.isclose(mg.zeros(2), mg.zeros(2, dtype=mg.float64)), RuntimeError, "Float"),
    ],
)
def test_group2_errors_name_the_op(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---- group 3: PyTorch's other names, flips, rotations and products ----------------------


def test_aliases_are_the_same_ops():
    x, y = mg.tensor([[1.5, -2.0]]), mg.tensor([[2.0], [4.0]])
    pairs = [
        (mg.absolute(x), x.abs()), (x.negative(), -x), (mg.multiply(x, y), x * y),
        (x.subtract(y, alpha=2), x - 2 * y),
        (mg.divide(x, y, rounding_mode="floor"), x.div(y, rounding_mode="floor")),
        (mg.true_divide(x, y), x / y), (x.fix(), x.trunc()), (mg.greater(x, y), x > y),
        (x.greater_equal(y), x >= y), (mg.less(x, y), x < y), (x.less_equal(y), x <= y),
        (mg.not_equal(x, 1.5), x != 1.5), (mg.ger(x[0], y[:, 0]), mg.outer(x[0], y[:, 0])),
    ]  # fmt: skip
    for got, want in pairs:
        assert got.dtype == want.dtype and got.tolist() == want.tolist()
    assert x.absolute().grad_fn is None and mg.tensor(1.0).ndimension() == 0 and x.ndimension() == 2
    assert mg.tensor([1.0], requires_grad=True).negative().grad_fn.name() == "NegBackward"


PRODUCTS = {
    "fliplr": lambda a, b: a.fliplr() * b,
    "flipud": lambda a, b: mg.flipud(a) * b,
    "rot90": lambda a, b: a.rot90() @ b,
    "rot90 (k=3, dims reversed)": lambda a, b: mg.rot90(a, 3, (1, 0)) @ b,
    "rot90 (k=2)": lambda a, b: a.rot90(2) * b,
    "inner": lambda a, b: mg.inner(a, b),
    "inner (vectors)": lambda a, b: a[0].inner(b[1]),
    "vdot": lambda a, b: mg.vdot(a[1], b[0]),
    "kron": lambda a, b: mg.kron(a, b),
    "kron (broadcast dims)": lambda a, b: b[0].kron(a),
}


@pytest.mark.parametrize("name", sorted(PRODUCTS))
def test_product_gradients_match_finite_differences(name):
    a, b = leaf([[0.5, -1.5], [2.0, 0.25]]), leaf([[1.0, 3.0], [-0.5, 2.0]])
    assert mg.gradcheck(lambda s, t: PRODUCTS[name](s, t) ** 2, (a, b))
    assert mg.gradcheck(lambda s: PRODUCTS[name](s, s), (a,))


def test_rot90_and_kron_values():
    x = mg.tensor([[1, 2], [3, 4]])
    assert x.rot90().tolist() == [[2, 4], [1, 3]] and x.rot90(-1).tolist() == [[3, 1], [4, 2]]
    assert x.rot90(4).tolist() == x.tolist()
    assert mg.kron(mg.tensor([1, 10]), x).tolist() == [[1, 2, 10, 20], [3, 4, 30, 40]]


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: mg.tensor([1.0]).fliplr(), RuntimeError, "fliplr"),
        (lambda: mg.tensor(1.0).flipud(), RuntimeError, "flipud"),
        (lambda: mg.ones(2, 2).rot90(1, (0, 0)), RuntimeError, "rotation dims"),
        (lambda: mg.ones(2).rot90(), RuntimeError, "total dims"),
        (lambda: mg.inner(mg.ones(2), mg.ones(3)), RuntimeError, "inner"),
        (lambda: mg.vdot(mg.ones(2, 2), mg.ones(2, 2)), RuntimeError, "1D"),
        (lambda: mg.kron([1.0], mg.ones(2)), TypeError, "kron"),
    ],
)
def test_group3_errors_name_the_op(call, error, match):
    with pytest.raises(error, match=match):
        call()
