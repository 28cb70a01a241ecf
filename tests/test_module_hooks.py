"""Module backward hooks: ``register_full_backward_hook`` and
``register_full_backward_pre_hook``, checked against gradients derived by hand.

A Linear y = x Wᵀ + b has dL/dx = g W and dL/dW = gᵀ x for the output gradient g; a
ReLU passes g where its input is positive.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn


def linear(weight, bias):
    layer = nn.Linear(len(weight[0]), len(weight))
    with mg.no_grad():
        layer.weight.copy_(mg.tensor(weight))
        layer.bias.copy_(mg.tensor(bias))
    return layer


W = [[1.0, -2.0, 3.0], [0.5, 1.0, -1.0]]
X = [[1.0, 2.0, 3.0], [-1.0, 0.0, 2.0]]
G = [[1.0, 2.0], [3.0, 4.0]]  # the output gradient: L = (y * G).sum()


def arrays(grads):
    return [None if g is None else g.data.copy() for g in grads]


def test_full_hook_sees_grad_input_and_grad_output_of_a_linear():
    layer = linear(W, [0.1, -0.2])
    seen = []
    layer.register_full_backward_hook(lambda m, gi, go: seen.append((m, arrays(gi), arrays(go))))
    x = mg.tensor(X, requires_grad=True)
    (layer(x) * mg.tensor(G)).sum().backward()
    ((module, grad_input, grad_output),) = seen
    assert module is layer
    np.testing.assert_allclose(grad_output[0], G)
    np.testing.assert_allclose(grad_input[0], np.array(G) @ np.array(W))  # g W
    np.testing.assert_allclose(x.grad.data, np.array(G) @ np.array(W))
    np.testing.assert_allclose(layer.weight.grad.data, np.array(G).T @ np.array(X))


def test_hooks_get_tuples_and_a_pre_hook_runs_before_the_full_hook():
    layer = linear(W, [0.0, 0.0])
    calls = []
    layer.register_full_backward_hook(lambda m, gi, go: calls.append(("full", type(gi), type(go))))
    layer.register_full_backward_pre_hook(lambda m, go: calls.append(("pre", type(go))))
    layer(mg.tensor(X, requires_grad=True)).sum().backward()
    assert calls == [("pre", tuple), ("full", tuple, tuple)]


def test_pre_hook_replaces_grad_output():
    layer = linear(W, [0.0, 0.0])
    seen = []
    layer.register_full_backward_pre_hook(lambda m, go: (go[0] * 2,))
    layer.register_full_backward_hook(lambda m, gi, go: seen.append(arrays(go)))
    x = mg.tensor(X, requires_grad=True)
    (layer(x) * mg.tensor(G)).sum().backward()
    np.testing.assert_allclose(seen[0][0], 2 * np.array(G))  # the full hook sees the new one
    np.testing.assert_allclose(x.grad.data, 2 * np.array(G) @ np.array(W))
    np.testing.assert_allclose(layer.weight.grad.data, 2 * np.array(G).T @ np.array(X))


def test_full_hook_replaces_grad_input_but_not_the_parameters_gradients():
    layer = linear(W, [0.0, 0.0])
    layer.register_full_backward_hook(lambda m, gi, go: (mg.zeros(2, 3),))
    x = mg.tensor(X, requires_grad=True)
    (layer(x) * mg.tensor(G)).sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.zeros((2, 3)))
    np.testing.assert_allclose(layer.weight.grad.data, np.array(G).T @ np.array(X))


def test_hooks_run_in_order_and_prepend_puts_one_first():
    layer = nn.Linear(3, 2)
    order = []
    for name in ("a", "b"):
        layer.register_full_backward_hook(lambda m, gi, go, name=name: order.append(name))
        layer.register_full_backward_pre_hook(lambda m, go, name=name: order.append("pre " + name))
    layer.register_full_backward_hook(lambda m, gi, go: order.append("first"), prepend=True)
    layer.register_full_backward_pre_hook(lambda m, go: order.append("pre first"), prepend=True)
    layer(mg.ones(1, 3, requires_grad=True)).sum().backward()
    assert order == ["pre first", "pre a", "pre b", "first", "a", "b"]


def test_each_hook_gets_the_grad_input_the_one_before_returned():
    layer = nn.Linear(3, 2)
    seen = []
    layer.register_full_backward_hook(lambda m, gi, go: (gi[0] + 1,))
    layer.register_full_backward_hook(lambda m, gi, go: seen.append(gi[0].data.copy()))
    x = mg.ones(1, 3, requires_grad=True)
    layer(x).sum().backward()
    np.testing.assert_allclose(seen[0], x.grad.data)
    np.testing.assert_allclose(seen[0], layer.weight.data.sum(0, keepdims=True) + 1, rtol=1e-6)


def test_removed_hooks_stop_and_a_handle_is_a_context_manager():
    layer = nn.Linear(3, 2)
    calls = []
    full = layer.register_full_backward_hook(lambda m, gi, go: calls.append("full"))
    pre = layer.register_full_backward_pre_hook(lambda m, go: calls.append("pre"))
    with layer.register_full_backward_hook(lambda m, gi, go: calls.append("temporary")):
        layer(mg.ones(1, 3, requires_grad=True)).sum().backward()
    assert calls == ["pre", "full", "temporary"]
    layer(mg.ones(1, 3, requires_grad=True)).sum().backward()
    assert calls[3:] == ["pre", "full"]
    full.remove()
    pre.remove()
    layer(mg.ones(1, 3, requires_grad=True)).sum().backward()
    assert len(calls) == 5
    assert not layer._backward_hooks and not layer._backward_pre_hooks


def test_the_hooks_of_a_call_are_those_registered_when_it_ran():
    layer = nn.Linear(3, 2)
    calls = []
    handle = layer.register_full_backward_hook(lambda m, gi, go: calls.append("old"))
    y = layer(mg.ones(1, 3, requires_grad=True))
    handle.remove()  # as PyTorch: after the forward, the graph keeps the hook
    layer.register_full_backward_hook(lambda m, gi, go: calls.append("new"))
    y.sum().backward()
    assert calls == ["old"]


def test_wrong_number_of_gradients_raises_as_pytorch():
    layer = nn.Linear(3, 2)
    layer.register_full_backward_hook(lambda m, gi, go: (None, None))
    with pytest.raises(RuntimeError, match="invalid number of grad_input, got 2, but expected 1"):
        layer(mg.ones(1, 3, requires_grad=True)).sum().backward()
    layer = nn.Linear(3, 2)
    layer.register_full_backward_pre_hook(lambda m, go: (None, None))
    with pytest.raises(RuntimeError, match="invalid number of grad_output, got 2, but expected 1"):
        layer(mg.ones(1, 3, requires_grad=True)).sum().backward()


def test_when_no_input_requires_grad_the_full_hook_runs_with_nones():
    layer = linear(W, [0.0, 0.0])
    seen = []
    layer.register_full_backward_hook(lambda m, gi, go: seen.append((gi, arrays(go))))
    with pytest.warns(UserWarning, match="no inputs require gradients"):
        (layer(mg.tensor(X)) * mg.tensor(G)).sum().backward()
    ((grad_input, grad_output),) = seen
    assert grad_input == (None,)
    np.testing.assert_allclose(grad_output[0], G)
    np.testing.assert_allclose(layer.weight.grad.data, np.array(G).T @ np.array(X))
    layer.register_full_backward_hook(lambda m, gi, go: (mg.ones(2, 3),))
    with warnings.catch_warnings(), pytest.raises(RuntimeError, match="None for all gradients"):
        warnings.simplefilter("ignore")
        layer(mg.tensor(X)).sum().backward()


def test_no_hook_runs_when_the_output_needs_no_gradient():
    layer = nn.Linear(3, 2).requires_grad_(False)
    calls = []
    layer.register_full_backward_hook(lambda m, gi, go: calls.append("full"))
    y = layer(mg.ones(1, 3))
    assert not y.requires_grad and y.grad_fn is None
    with mg.no_grad():
        y = layer(mg.ones(1, 3, requires_grad=True))
    assert y.grad_fn is None and calls == []


class Pair(nn.Module):
    """(a * b, 3 * b, a number): two tensor outputs and one that is not a tensor."""

    def forward(self, a, b, scale=1.0):
        return a * b * scale, 3 * b, 7


def test_a_module_with_several_inputs_and_outputs():
    pair = Pair()
    seen = []
    pair.register_full_backward_pre_hook(lambda m, go: seen.append(("pre", arrays(go))))
    pair.register_full_backward_hook(lambda m, gi, go: seen.append(("full", arrays(gi))))
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    b = mg.tensor([3.0, 4.0], requires_grad=True)
    p, q, seven = pair(a, b, scale=2.0)
    assert seven == 7 and p.grad_fn is q.grad_fn  # one node for the outputs, as in PyTorch
    assert p.grad_fn.name() == "BackwardHookFunctionBackward"
    (p + 10 * q).sum().backward()
    (_, grad_output), (_, grad_input) = seen
    assert grad_output[2] is None  # the number
    np.testing.assert_allclose(grad_output[0], [1.0, 1.0])
    np.testing.assert_allclose(grad_output[1], [10.0, 10.0])
    np.testing.assert_allclose(grad_input[0], [6.0, 8.0])  # 2 b
    np.testing.assert_allclose(grad_input[1], [2.0 + 30.0, 4.0 + 30.0])  # 2 a + 30
    assert len(grad_input) == 2  # positional arguments only: keywords are not inputs


def test_an_unused_output_gets_none_and_its_input_zeros():
    pair = Pair()
    seen = []
    pair.register_full_backward_hook(lambda m, gi, go: seen.append((arrays(gi), arrays(go))))
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    b = mg.tensor([3.0, 4.0], requires_grad=True)
    pair(a, b)[1].sum().backward()  # only 3 b
    ((grad_input, grad_output),) = seen
    assert grad_output[0] is None and grad_output[2] is None
    np.testing.assert_allclose(grad_output[1], [1.0, 1.0])
    np.testing.assert_array_equal(grad_input[0], [0.0, 0.0])
    np.testing.assert_allclose(grad_input[1], [3.0, 3.0])


def test_an_input_that_does_not_require_grad_or_is_not_a_tensor():
    pair = Pair()
    seen = []
    pair.register_full_backward_hook(lambda m, gi, go: seen.append(arrays(gi)))
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    pair(a, 5.0)[0].sum().backward()
    pair(a, mg.tensor([3.0, 4.0]))[0].sum().backward()
    assert seen[0][1] is None  # not a tensor
    np.testing.assert_allclose(seen[0][0], [5.0, 5.0])
    # a tensor that needs no gradient: its node's zeros, as PyTorch's
    np.testing.assert_allclose(seen[1][0], [3.0, 4.0])
    np.testing.assert_array_equal(seen[1][1], [0.0, 0.0])


def test_the_same_tensor_twice_gets_a_gradient_per_position():
    pair = Pair()
    seen = []
    pair.register_full_backward_hook(lambda m, gi, go: seen.append(arrays(gi)))
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    p, q, _ = pair(a, a)
    (p + q).sum().backward()  # a² + 3a
    np.testing.assert_allclose(seen[0][0], [1.0, 2.0])  # d(a*b)/da at b = a
    np.testing.assert_allclose(seen[0][1], [4.0, 5.0])  # a + 3
    np.testing.assert_allclose(a.grad.data, [5.0, 7.0])  # 2a + 3


def test_a_non_leaf_input_and_a_leaf_input_give_the_same_hook_values():
    for make in (lambda t: t, lambda t: t * 1):
        layer = linear(W, [0.0, 0.0])
        seen = []
        layer.register_full_backward_hook(lambda m, gi, go, seen=seen: seen.append(arrays(gi)))
        x = mg.tensor(X, requires_grad=True)
        (layer(make(x)) * mg.tensor(G)).sum().backward()
        np.testing.assert_allclose(seen[0][0], np.array(G) @ np.array(W))
        np.testing.assert_allclose(x.grad.data, np.array(G) @ np.array(W))


def test_a_module_called_twice_runs_its_hooks_for_each_call():
    layer = linear([[2.0]], [0.0])
    seen = []
    layer.register_full_backward_hook(lambda m, gi, go: seen.append((gi[0].item(), go[0].item())))
    x = mg.tensor([[3.0]], requires_grad=True)
    layer(layer(x)).sum().backward()  # y = 4x: the outer call first
    assert seen == [(2.0, 1.0), (4.0, 2.0)]
    assert x.grad.item() == 4.0


def test_hooks_on_a_sequential_and_its_children():
    first, relu = linear(W, [0.0, 0.0]), nn.ReLU()
    model = nn.Sequential(first, relu)
    order = []
    for name, module in (("seq", model), ("linear", first), ("relu", relu)):
        module.register_full_backward_hook(
            lambda m, gi, go, name=name: order.append((name, arrays(gi)[0]))
        )
    x = mg.tensor(X, requires_grad=True)
    (model(x) * mg.tensor(G)).sum().backward()
    assert [name for name, _ in order] == ["relu", "linear", "seq"]
    positive = (np.array(X) @ np.array(W).T) > 0
    np.testing.assert_allclose(order[0][1], np.array(G) * positive)
    np.testing.assert_allclose(order[1][1], (np.array(G) * positive) @ np.array(W))
    np.testing.assert_allclose(order[2][1], order[1][1])


def test_a_child_with_hooks_inside_a_sequential_without_any():
    layer = nn.Linear(3, 2)
    calls = []
    layer.register_full_backward_pre_hook(lambda m, go: calls.append("pre"))
    nn.Sequential(layer, nn.Tanh())(mg.ones(1, 3, requires_grad=True)).sum().backward()
    assert calls == ["pre"]


def test_an_in_place_module_raises_as_pytorch():
    relu = nn.ReLU(inplace=True)
    relu.register_full_backward_hook(lambda m, gi, go: None)
    for x in (
        mg.tensor([-1.0, 2.0], requires_grad=True),
        mg.tensor([-1.0, 2.0]).requires_grad_() * 1,
    ):
        with pytest.raises(RuntimeError, match="Output 0 of BackwardHookFunction is a view"):
            relu(x)
    relu(mg.tensor([-1.0, 2.0]))  # nothing requires grad: no hook node, nothing to forbid


def test_an_input_returned_as_it_is_by_a_function_cannot_change_in_place():
    class Identity(mg.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.mark_non_differentiable(b)
            return a, b

        @staticmethod
        def backward(ctx, ga, gb):
            return ga, None

    a, b = mg.tensor([1.0], requires_grad=True), mg.tensor([2.0])
    out_a, out_b = Identity.apply(a * 1, b)
    assert out_a.requires_grad and not out_b.requires_grad  # as marked
    out_b.add_(1)  # needs no gradient: allowed, as in PyTorch
    with mg.no_grad():
        out_a.add_(1)
    with pytest.raises(RuntimeError, match="Output 0 of Identity is a view and is being"):
        out_a.add_(1)
    with pytest.raises(RuntimeError, match="its base or another view of its base"):
        out_a[0:1].mul_(2)


def test_forward_hooks_and_backward_hooks_together():
    layer = linear([[2.0]], [0.0])
    seen = []
    layer.register_forward_hook(lambda m, args, out: out * 3)
    layer.register_full_backward_pre_hook(lambda m, go: seen.append(go[0].item()))
    x = mg.tensor([[1.0]], requires_grad=True)
    y = layer(x)
    assert y.item() == 6.0 and y.grad_fn.name() == "BackwardHookFunctionBackward"
    (5 * y).backward()
    assert seen == [5.0] and x.grad.item() == 30.0


def test_retain_graph_runs_the_hooks_again():
    layer = nn.Linear(2, 1)
    calls = []
    layer.register_full_backward_hook(lambda m, gi, go: calls.append(gi[0].data.copy()))
    y = layer(mg.ones(1, 2, requires_grad=True)).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert len(calls) == 2
    np.testing.assert_array_equal(calls[0], calls[1])


def test_autograd_grad_runs_the_hooks_without_touching_grad():
    layer = linear([[2.0, -1.0]], [0.0])
    seen = []
    layer.register_full_backward_hook(lambda m, gi, go: seen.append(gi[0].data.copy()))
    x = mg.ones(1, 2, requires_grad=True)
    (gx,) = mg.autograd.grad(layer(x).sum(), x)
    np.testing.assert_allclose(gx.data, [[2.0, -1.0]])
    np.testing.assert_allclose(seen[0], [[2.0, -1.0]])
    assert x.grad is None and layer.weight.grad is None


def test_output_that_is_not_a_tensor_or_tuple_warns_and_runs_no_hook():
    class ListOut(nn.Module):
        def forward(self, x):
            return [x * 2]

    module = ListOut()
    calls = []
    module.register_full_backward_hook(lambda m, gi, go: calls.append("full"))
    x = mg.ones(2, requires_grad=True)
    with pytest.warns(UserWarning, match="module output should be a Tensor or a tuple"):
        out = module(x)
    out[0].sum().backward()
    assert calls == [] and x.grad.data.tolist() == [2.0, 2.0]


def test_make_dot_draws_a_model_with_backward_hooks():
    from minigrad import viz

    model = nn.Sequential(nn.Linear(3, 2), nn.ReLU())
    model.register_full_backward_hook(lambda m, gi, go: None)
    model[0].register_full_backward_pre_hook(lambda m, go: None)
    x = mg.ones(1, 3, requires_grad=True)
    y = model(x).sum()
    dot = viz.make_dot(y, dict(model.named_parameters()))
    source = dot.source
    assert source.count("BackwardHookFunctionBackward") == 4  # model's two, the child's two
    assert "0.weight" in source and "ReluBackward" in source
    y.backward()
    assert x.grad is not None
