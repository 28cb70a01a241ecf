"""Walking and hooking the graph's nodes: next_functions' AccumulateGrad and None entries,
Node.register_prehook / register_hook, an AccumulateGrad's hooks and
Tensor.register_post_accumulate_grad_hook (test_torch_oracle_node_hooks.py holds the
same against PyTorch)."""

import gc

import numpy as np
import pytest

import minigrad as mg
from minigrad.engine import AccumulateGrad


def _x():
    return mg.tensor([1.0, 2.0, 3.0], dtype=mg.float64, requires_grad=True)


def test_next_functions_name_a_leafs_accumulate_grad_and_none_for_the_rest():
    x, c = _x(), mg.tensor([4.0, 5.0, 6.0], dtype=mg.float64)
    (acc, k), (none, j) = (x * c).grad_fn.next_functions
    assert isinstance(acc, AccumulateGrad) and acc.variable is x and k == 0
    assert acc.name() == "torch::autograd::AccumulateGrad" and acc.next_functions == ()
    assert none is None and j == 0
    assert [n is None for n, _ in (x * 2).grad_fn.next_functions] == [False, True]  # a number
    assert (x + 1).grad_fn.next_functions[0][0] is acc  # one per leaf


def test_a_leaf_keeps_its_accumulate_grad_but_not_the_reverse():
    x = _x()
    acc = (x * 2).grad_fn.next_functions[0][0]
    acc.metadata["seen"] = True
    assert (x * 3).grad_fn.next_functions[0][0].metadata == {"seen": True}
    del x
    gc.collect()
    assert acc.variable is None


def test_walking_next_functions_reaches_every_node_and_leaf():
    a, b = _x(), _x()
    loss = ((a * b).exp() + a).sum()
    names, todo = [], [loss.grad_fn]
    while todo:
        fn = todo.pop()
        names.append(fn.name())
        todo.extend(n for n, _ in fn.next_functions if n is not None)
    assert names.count("torch::autograd::AccumulateGrad") == 3  # a twice, b once
    assert sorted(n for n in names if "Accumulate" not in n) == [
        "AddBackward", "ExpBackward", "MulBackward", "SumBackward"
    ]  # fmt: skip


def test_prehook_sees_and_replaces_the_output_gradient_before_the_node_runs():
    x, c = _x(), mg.tensor([4.0, 5.0, 6.0], dtype=mg.float64)
    y = x * c
    seen = []
    y.register_hook(lambda g: g * 2)  # the tensor's hooks run first, as PyTorch's
    y.grad_fn.register_prehook(lambda go: seen.append(go[0].data.copy()))
    y.grad_fn.register_prehook(lambda go: (go[0] + 1,))
    y.sum().backward()
    np.testing.assert_array_equal(seen[0], [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(x.grad.data, 3 * c.data)


def test_hook_sees_grad_inputs_summed_to_their_shapes_and_replaces_them():
    x, w = _x(), mg.tensor([2.0], dtype=mg.float64, requires_grad=True)
    y = x * w
    seen = []
    y.grad_fn.register_hook(lambda gi, go: seen.append([g.shape for g in gi + go]))
    y.grad_fn.register_hook(lambda gi, go: (gi[0] * 10, None))
    y.sum().backward()
    assert seen == [[(3,), (1,), (3,)]]
    np.testing.assert_array_equal(x.grad.data, [20.0, 20.0, 20.0])
    assert w.grad is None  # None in place of its gradient: nothing reaches it


def test_a_removed_hook_does_not_run_and_hooks_run_with_grad_mode_off():
    x = _x()
    y = x * 3
    modes = []
    y.grad_fn.register_hook(lambda gi, go: modes.append(mg.is_grad_enabled()))
    y.grad_fn.register_hook(lambda gi, go: (gi[0] * 0,)).remove()
    s = y.sum()
    s.backward(retain_graph=True)
    s.backward()
    assert modes == [False, False]
    np.testing.assert_array_equal(x.grad.data, [6.0, 6.0, 6.0])


def test_the_node_of_split_sees_every_pieces_gradient_none_for_an_unused_one():
    x = mg.tensor([1.0, 2.0, 3.0, 4.0], dtype=mg.float64, requires_grad=True)
    a, b = x.split(2)
    seen = []
    a.grad_fn.register_prehook(lambda go: seen.append([g is None for g in go]))
    a.grad_fn.register_prehook(lambda go: (go[0] * 3, go[1]))
    (a * 2).sum().backward()
    assert seen == [[False, True]]
    np.testing.assert_array_equal(x.grad.data, [6.0, 6.0, 0.0, 0.0])


@pytest.mark.parametrize(
    ("hook", "error", "message"),
    [
        (lambda gi, go: gi[0], TypeError, "expected tuple, but hook returned 'Tensor'"),
        (lambda gi, go: (gi[0],), RuntimeError, r"number of values \(got 1, but expected 2\)"),
        (lambda gi, go: (1, None), TypeError, "expected Variable, but hook returned 'int'"),
        (lambda gi, go: (mg.ones(2), None), RuntimeError, r"size of value: from \(3,\) to \(2,\)"),
        (lambda gi, go: (gi[0].float(), None), RuntimeError, "changed the type of value"),
        (lambda gi, go: (gi[0], mg.ones(3)), RuntimeError, "can't replace a None gradient"),
    ],
)  # fmt: skip
def test_a_hook_that_returns_the_wrong_thing_raises(hook, error, message):
    x, c = _x(), mg.tensor([4.0, 5.0, 6.0], dtype=mg.float64)
    y = x * c
    y.grad_fn.register_hook(hook)
    with pytest.raises(error, match=message):
        y.sum().backward()


def test_accumulate_grads_hooks_and_the_post_accumulate_hook_run_in_order():
    x = _x()
    acc = (x * 1).grad_fn.next_functions[0][0]
    order = []
    acc.register_hook(lambda gi, go: order.append(("hook", gi, go[0].data.tolist())))
    acc.register_prehook(lambda go: (go[0] * 10,))
    x.register_post_accumulate_grad_hook(lambda t: order.append(("post", t.grad.data.tolist())))
    x.register_hook(lambda g: order.append("tensor"))
    (x * 2).sum().backward()
    assert order == ["tensor", ("post", [20.0] * 3), ("hook", (), [20.0] * 3)]
    assert mg.autograd.grad((x * 2).sum(), x)[0].data.tolist() == [2.0] * 3
    assert len(order) == 4  # autograd.grad adds nothing to .grad: only the tensor's hook ran


def test_post_accumulate_grad_hook_refuses_non_leaves_and_return_values():
    x = _x()
    with pytest.raises(RuntimeError, match="non-leaf"):
        (x * 2).register_post_accumulate_grad_hook(lambda t: None)
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        mg.ones(2).register_post_accumulate_grad_hook(lambda t: None)
    x.register_post_accumulate_grad_hook(lambda t: t.grad)
    with pytest.raises(RuntimeError, match="should return None"):
        (x * 2).sum().backward()
