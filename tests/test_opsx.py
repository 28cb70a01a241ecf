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
