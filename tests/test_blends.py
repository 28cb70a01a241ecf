"""lerp, addcmul and addcdiv: gradients against central differences in float64, with
broadcasting, and the in-place forms' results."""

import numpy as np

import minigrad as mg


def _f64(*shape, low=-1.0, high=1.0, seed=0):
    rng = np.random.default_rng(seed + len(shape))
    return mg.tensor(rng.uniform(low, high, shape), requires_grad=True)


def test_lerp_gradients_with_a_tensor_and_a_number_weight():
    x, end, w = _f64(2, 3), _f64(3, seed=1), _f64(2, 1, low=0.0, high=1.0, seed=2)
    assert mg.gradcheck(lambda a, b, c: mg.lerp(a, b, c), (x, end, w))
    assert mg.gradcheck(lambda a, b: a.lerp(b, 0.7), (x, end))  # the other branch: |w| >= 0.5


def test_lerp_is_exact_at_the_ends():
    x, end = mg.tensor([0.1, 1e8], dtype=mg.float64), mg.tensor([3.3, -1e-8], dtype=mg.float64)
    np.testing.assert_array_equal(x.lerp(end, 1.0).data, end.data)
    np.testing.assert_array_equal(x.lerp(end, 0.0).data, x.data)


def test_addcmul_and_addcdiv_gradients_broadcast():
    x, a, b = _f64(3), _f64(2, 1, seed=1), _f64(2, 3, low=0.5, high=2.0, seed=2)
    assert mg.gradcheck(lambda p, q, r: mg.addcmul(p, q, r, value=-1.5), (x, a, b))
    assert mg.gradcheck(lambda p, q, r: p.addcdiv(q, r, value=0.25), (x, a, b))


def test_in_place_forms_write_the_out_of_place_result():
    x, a, b = (mg.tensor(v, dtype=mg.float64) for v in ([1.0, 2.0], [3.0, -1.0], [0.5, 4.0]))
    for op, args in (("lerp", (a, 0.3)), ("addcmul", (a, b)), ("addcdiv", (a, b))):
        y = x.clone()
        assert getattr(y, op + "_")(*args) is y
        np.testing.assert_array_equal(y.data, getattr(x, op)(*args).data)
