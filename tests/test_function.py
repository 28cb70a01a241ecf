"""autograd.Function: hand-written backward passes, held against finite differences,
and what the engine keeps and frees around them."""

import gc
import weakref

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import Function
from minigrad.autograd.function import once_differentiable


class Legendre3(Function):
    """P3(x) = (5x³ - 3x) / 2.   dx = g * (15x² - 3) / 2  (PyTorch's tutorial example)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return 0.5 * (5 * x**3 - 3 * x)

    @staticmethod
    @once_differentiable
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 1.5 * (5 * x**2 - 1)


class Affine(Function):
    """x @ Wᵀ + b.   dx = g W,  dW = gᵀ x,  db = Σ_rows g;  None where not needed."""

    @staticmethod
    def forward(ctx, x, w, b):
        ctx.save_for_backward(x, w)
        return x @ w.T + b

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        dx = g @ w if ctx.needs_input_grad[0] else None
        dw = g.T @ x if ctx.needs_input_grad[1] else None
        return dx, dw, g  # db in g's shape: the engine sums it down to b's


def _f64(*shape, seed=0):
    return mg.tensor(np.random.default_rng(seed).uniform(-1, 1, shape), requires_grad=True)


def test_hand_written_backward_passes_gradcheck():
    assert mg.gradcheck(Legendre3.apply, (_f64(3, 4),))
    assert mg.gradcheck(Affine.apply, (_f64(5, 3), _f64(2, 3, seed=1), _f64(2, seed=2)))


def test_a_wrong_hand_written_backward_fails_gradcheck():
    class Wrong(Legendre3):
        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 1.5 * (5 * x**2 - 2)  # -2 instead of -1

    with pytest.raises(mg.GradcheckError, match="input 0"):
        mg.gradcheck(Wrong.apply, (_f64(3),))


def test_gradients_match_the_same_ops_recorded_by_the_engine():
    x, w, b = _f64(4, 3), _f64(2, 3, seed=1), _f64(2, seed=2)
    (Legendre3.apply(Affine.apply(x, w, b)) ** 2).sum().backward()
    got = [t.grad.data.copy() for t in (x, w, b)]
    for t in (x, w, b):
        t.grad = None
    z = x @ w.T + b
    ((0.5 * (5 * z**3 - 3 * z)) ** 2).sum().backward()
    for g, t in zip(got, (x, w, b)):
        np.testing.assert_allclose(g, t.grad.data, rtol=1e-12)


def test_backward_runs_once_per_pass_and_only_for_inputs_that_need_it():
    calls = []

    class Logged(Affine):
        @staticmethod
        def backward(ctx, g):
            calls.append(ctx.needs_input_grad)
            return Affine.backward(ctx, g)

    x, w, b = mg.ones(2, 3), _f64(1, 3), _f64(1)
    y = Logged.apply(x.double(), w, b)
    y.sum().backward()
    assert calls == [(False, True, True)]
    assert x.grad is None and w.grad is not None


def test_the_node_is_the_ctx_and_frees_what_it_saved():
    x = _f64(3)
    y = Legendre3.apply(x)
    node = y.grad_fn
    assert node.name() == "Legendre3Backward" and type(node).__name__ == "Legendre3Backward"
    assert node.saved_tensors[0] is x
    ((acc, k),) = node.next_functions
    assert acc.variable is x and k == 0
    y.sum().backward()
    assert node.saved == () and node._grads is None
    with pytest.raises(RuntimeError, match="Legendre3Backward: trying to backward"):
        _ = node.saved_tensors


def test_the_graph_is_freed_with_its_output():
    x = _f64(3)
    y = Legendre3.apply(x)
    node = weakref.ref(y.grad_fn)
    del y
    gc.collect()
    assert node() is None


def test_a_long_chain_of_functions_runs_backward_without_recursion():
    x = mg.tensor([0.5], dtype=mg.float64, requires_grad=True)
    y = x
    for _ in range(5000):
        y = Affine.apply(
            y.reshape(1, 1), mg.ones(1, 1, dtype=mg.float64), mg.zeros(1, dtype=mg.float64)
        )
    y.sum().backward()
    assert x.grad.item() == 1.0


def test_several_outputs_with_gradients_share_the_ctx_as_grad_fn():
    class Two(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * 2, x**2

        @staticmethod
        def backward(ctx, g1, g2):
            (x,) = ctx.saved_tensors
            ctx.calls = getattr(ctx, "calls", 0) + 1
            return g1 * 2 + g2 * 2 * x

    x = _f64(3)
    a, b = Two.apply(x)
    ctx = a.grad_fn
    assert b.grad_fn is ctx and ctx.name() == "TwoBackward"
    ((acc, k),) = ctx.next_functions
    assert acc.variable is x and k == 0
    assert (a + b).grad_fn.next_functions == ((ctx, 0), (ctx, 1))
    (a.sum() + (b * 3).sum()).backward()
    np.testing.assert_allclose(x.grad.data, 2 + 6 * x.data, rtol=1e-12)
    assert ctx.calls == 1  # one backward for both outputs
    assert mg.gradcheck(lambda t: Two.apply(t)[0] * Two.apply(t)[1], (_f64(3, seed=4),))
    with mg.no_grad():  # nothing is recorded: both outputs come back
        assert len(Two.apply(_f64(2))) == 2


class _Double_(Function):
    """x *= 2 in place, marked dirty: dx = 2 g."""

    @staticmethod
    def forward(ctx, x):
        ctx.mark_dirty(x)
        return x.mul_(2)

    @staticmethod
    def backward(ctx, g):
        return 2 * g


def test_mark_dirty_returns_the_input_itself_with_the_function_as_its_history():
    a = _f64(3, seed=5).requires_grad_()
    b = a * 1
    before = b._version[0]
    c = _Double_.apply(b)
    assert c is b and b._version[0] > before
    assert b.grad_fn.name() == "_Double_Backward"
    np.testing.assert_array_equal(b.detach().numpy(), 2 * a.detach().numpy())
    (c * c).sum().backward()  # d/da (2a)^2 = 8a
    np.testing.assert_allclose(a.grad.numpy(), 8 * a.detach().numpy())
    assert mg.gradcheck(lambda t: _Double_.apply(t * 1) ** 2, (_f64(3, seed=6),))


def test_mark_dirty_checks():
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        _Double_.apply(_f64(2).requires_grad_())

    class NotReturned(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.mark_dirty(x)
            x.mul_(2)
            return x.clone()

    with pytest.raises(RuntimeError, match="marked as dirty .* not returned"):
        NotReturned.apply(_f64(2).requires_grad_() * 1)
    a = _f64(4).requires_grad_()
    with pytest.raises(NotImplementedError, match="view"):
        _Double_.apply((a * 1)[:2])


def test_a_value_saved_before_the_dirty_change_fails_backward():
    a = _f64(2).requires_grad_()
    b = a * 1
    y = b * a  # saves b
    _Double_.apply(b)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_viz_draws_the_function_as_one_op():
    from minigrad.viz import make_dot  # needs only the graphviz package, not dot

    x = _f64(2)
    dot = make_dot(Legendre3.apply(x).sum(), params={"x": x})
    assert "Legendre3Backward" in dot.source
