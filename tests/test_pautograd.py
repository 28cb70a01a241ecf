"""Autograd corners, torch-free: gradcheck's keyword names, a retained gradient
accumulated across backward calls."""

import warnings

import numpy as np
import pytest

import minigrad as mg


def test_gradcheck_takes_pytorchs_keyword_names():
    x = mg.tensor([0.5, -1.5], dtype=mg.float64, requires_grad=True)
    assert mg.autograd.gradcheck(func=lambda a: a.exp() * a, inputs=(x,), eps=1e-6)
    assert mg.gradcheck(func=mg.sin, inputs=x) is True


def test_retained_grad_accumulates_into_a_new_tensor():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    y.sum().backward(retain_graph=True)
    first = y.grad
    (y * y).sum().backward()
    np.testing.assert_array_equal(first.data, [1.0, 1.0])  # d(sum y)/dy, left as it was
    np.testing.assert_array_equal(y.grad.data, [1.0 + 4.0, 1.0 + 8.0])  # + d(y·y)/dy = 2y
    assert y.grad is not first


def test_non_leaf_grad_warns_only_when_none():
    y = mg.ones(3, requires_grad=True) * 2
    with pytest.warns(UserWarning, match="not a leaf Tensor"):
        assert y.grad is None
    y.grad = mg.full((3,), 2.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(y.grad.data, [2.0, 2.0, 2.0])


def test_seed_errors_name_the_function_called():
    x = mg.ones(3, requires_grad=True)
    y = x * 2
    with pytest.raises(
        RuntimeError, match=r"^grad: gradient has shape \(2,\) but the output has shape \(3,\)"
    ):
        mg.autograd.grad(y, x, mg.ones(2))
    with pytest.raises(RuntimeError, match=r"^backward: gradient has shape \(2,\)"):
        y.backward(mg.ones(2))
    with pytest.raises(RuntimeError, match=r"^backward: got 2 tensors and 1 gradients"):
        mg.autograd.backward([y, y], [mg.ones(3)])
    with pytest.raises(RuntimeError, match=r"^grad: got 2 tensors and 1 gradients"):
        mg.autograd.grad([y, y], x, [mg.ones(3)])


def test_gradgradcheck_raises_a_clear_error():
    x = mg.tensor([0.5, -1.5], dtype=mg.float64, requires_grad=True)
    with pytest.raises(NotImplementedError, match="gradgradcheck: second derivatives"):
        mg.autograd.gradgradcheck(lambda a: a.exp(), (x,))


def test_batched_grad_is_one_grad_per_row():
    x = mg.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]], dtype=mg.float64, requires_grad=True)
    y = (x.exp() * x).sum(1)  # (2,)
    v = mg.tensor([[1.0, 0.0], [0.0, 1.0], [2.0, -3.0]], dtype=mg.float64)
    (got,) = mg.autograd.grad(y, x, v, is_grads_batched=True)
    dy = (x.data + 1) * np.exp(x.data)  # d y_i / d x_ij
    np.testing.assert_allclose(got.data, v.data[:, :, None] * dy[None], rtol=1e-12)
    assert x.grad is None


def test_batched_grad_materializes_unused_inputs_as_batched_zeros():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    z = mg.ones(4, requires_grad=True)
    gx, gz = mg.autograd.grad(x * 3, [x, z], mg.eye(2), is_grads_batched=True,
                              materialize_grads=True)  # fmt: skip
    np.testing.assert_array_equal(gx.data, 3 * np.eye(2))
    np.testing.assert_array_equal(gz.data, np.zeros((2, 4)))


def test_backward_takes_the_deprecated_grad_variables():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(FutureWarning, match="grad_variables"):
        mg.autograd.backward(x * 3, grad_variables=mg.tensor([1.0, -1.0]))
    np.testing.assert_array_equal(x.grad.data, [3.0, -3.0])
    with pytest.raises(RuntimeError, match="grad_tensors` and `grad_variables"):
        with pytest.warns(FutureWarning):
            mg.autograd.backward(x * 3, mg.ones(2), grad_variables=mg.ones(2))


def test_function_backward_may_be_named_vjp():
    class Twice(mg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def vjp(ctx, g):
            return g * 2

    x = mg.tensor([1.0, -3.0], dtype=mg.float64, requires_grad=True)
    Twice.apply(x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [2.0, 2.0])
    assert mg.gradcheck(Twice.apply, (x,))

    class Both(Twice):
        @staticmethod
        def backward(ctx, g):
            return g * 2

    with pytest.raises(RuntimeError, match="both 'backward' and 'vjp'"):
        Both.apply(x).sum().backward()


def test_backward_inputs_that_are_not_tensors():
    x = mg.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="backward: inputs must be Tensors, but got float"):
        (x * 2).sum().backward(inputs=[x, 1.0])
    with pytest.raises(TypeError, match="got int"):
        (x * 2).sum().backward(inputs=3)
    assert x.grad is None


def test_gradcheck_takes_pytorchs_other_options():
    x = mg.tensor([0.5, -1.5], dtype=mg.float64, requires_grad=True)
    options = dict(check_undefined_grad=False, check_grad_dtypes=True, check_batched_grad=True)
    assert mg.gradcheck(mg.exp, (x,), masked=False, **options)
    assert not mg.gradcheck(lambda a: a * a.detach(), (x,), raise_exception=False, **options)
    with pytest.raises(NotImplementedError, match="forward mode"):
        mg.gradcheck(mg.exp, (x,), check_forward_ad=True)
    with pytest.raises(AssertionError, match="check_backward_ad"):
        mg.gradcheck(mg.exp, (x,), check_backward_ad=False)


def test_batched_grad_takes_inputs_from_a_generator():
    lin = mg.nn.Linear(3, 2)
    x = mg.randn(4, 3)
    y = lin(x).sum(0)  # (2,)
    gw, gb = mg.autograd.grad(y, lin.parameters(), mg.eye(2), is_grads_batched=True)
    np.testing.assert_allclose(gw.data[1], np.stack([np.zeros(3), x.data.sum(0)]), rtol=1e-6)
    np.testing.assert_array_equal(gb.data, 4 * np.eye(2))


def test_forward_mode_jacobian_is_the_reverse_mode_one():
    def f(a, b):
        return (a.exp() * b.sum(), a @ mg.ones(2, 3, dtype=mg.float64) * b)

    x = mg.tensor([0.5, -1.0], dtype=mg.float64)
    y = mg.tensor([2.0, 0.25, -3.0], dtype=mg.float64)
    J = mg.autograd.functional.jacobian
    forward = J(f, (x, y), vectorize=True, strategy="forward-mode")
    reverse = J(f, (x, y))
    for row_f, row_r in zip(forward, reverse):
        for a, b in zip(row_f, row_r):
            np.testing.assert_array_equal(a.data, b.data)
    np.testing.assert_allclose(forward[0][0].data, np.diag(np.exp(x.data)) * y.data.sum())
    with pytest.raises(NotImplementedError, match="vectorize=True"):
        J(f, (x, y), strategy="forward-mode")


def test_jvp_is_the_jacobian_times_v():
    def f(a, b):
        return (a.exp() * b.sum(), (a[:, None] * b).tanh())

    x = mg.tensor([0.5, -1.0], dtype=mg.float64)
    y = mg.tensor([2.0, 0.25, -3.0], dtype=mg.float64)
    u = mg.tensor([1.5, -0.5], dtype=mg.float64)
    w = mg.tensor([0.0, 1.0, 2.0], dtype=mg.float64)
    outs, products = mg.autograd.functional.jvp(f, (x, y), (u, w))
    (Jx0, Jy0), (Jx1, Jy1) = mg.autograd.functional.jacobian(f, (x, y))
    np.testing.assert_allclose(products[0].data, Jx0.data @ u.data + Jy0.data @ w.data)
    np.testing.assert_allclose(products[1].data, Jx1.data @ u.data + Jy1.data @ w.data)
    np.testing.assert_allclose(outs[0].data, np.exp(x.data) * y.data.sum())
    # and by central differences
    eps = 1e-6
    plus, minus = f(x + eps * u, y + eps * w), f(x - eps * u, y - eps * w)
    for p, m, jv in zip(plus, minus, products):
        np.testing.assert_allclose(jv.data, (p.data - m.data) / (2 * eps), rtol=1e-6)


@pytest.mark.parametrize("name", ["hessian", "hvp", "vhp"])
def test_second_order_functionals_raise_a_clear_error(name):
    with pytest.raises(NotImplementedError, match=f"{name}: second derivatives"):
        getattr(mg.autograd.functional, name)(lambda a: (a**3).sum(), mg.tensor([1.0, 2.0]))
