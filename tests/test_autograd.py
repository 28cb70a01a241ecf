"""Autograd semantics: accumulation, retain_graph, grad mode, detach, memory, deep chains."""

import functools
import gc
import threading
import weakref

import numpy as np
import pytest

import minigrad as mg
from minigrad.engine import record


def test_gradients_accumulate_over_two_backward_calls():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    grad_tensor = x.grad
    (x * x).sum().backward()
    assert x.grad.tolist() == [5.0, 7.0]
    assert x.grad is grad_tensor  # accumulated in place, as PyTorch


def test_second_backward_without_retain_graph_raises():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * 2).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.tolist() == [4.0, 8.0]


def test_non_scalar_backward_needs_gradient():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(
        RuntimeError, match="grad can be implicitly created only for scalar outputs"
    ):
        (x * 2).backward()
    (x * 2).backward(mg.tensor([1.0, 10.0]))
    assert x.grad.tolist() == [2.0, 20.0]


def test_backward_gradient_shape_must_match():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"shape \(3,\)"):
        (x * 2).backward(mg.tensor([1.0, 1.0, 1.0]))


def test_backward_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        mg.tensor([1.0]).sum().backward()


def test_no_grad_context_manager_records_nothing():
    x = mg.tensor([1.0], requires_grad=True)
    with mg.no_grad():
        assert not mg.is_grad_enabled()
        y = x * 2
        with mg.enable_grad():
            z = x * 2
    assert mg.is_grad_enabled()
    assert y.grad_fn is None and not y.requires_grad
    assert z.grad_fn is not None and z.requires_grad


def test_no_grad_decorator():
    @mg.no_grad()
    def f(t):
        return t * 2, mg.is_grad_enabled()

    y, enabled = f(mg.tensor([1.0], requires_grad=True))
    assert not enabled and y.grad_fn is None
    assert mg.is_grad_enabled()


def test_no_grad_restores_mode_after_exception():
    with pytest.raises(ValueError):
        with mg.no_grad():
            raise ValueError
    assert mg.is_grad_enabled()


def test_set_grad_enabled_as_function_and_context():
    with mg.set_grad_enabled(False):
        assert not mg.is_grad_enabled()
    assert mg.is_grad_enabled()
    mg.set_grad_enabled(False)
    try:
        assert not mg.is_grad_enabled()
    finally:
        mg.set_grad_enabled(True)


def test_grad_mode_is_thread_local():
    seen = []
    with mg.no_grad():
        t = threading.Thread(target=lambda: seen.append(mg.is_grad_enabled()))
        t.start()
        t.join()
    assert seen == [True]


def test_detach_cuts_the_graph_and_shares_memory():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    d = (x * 2).detach()
    assert d.grad_fn is None and not d.requires_grad and d.is_leaf
    y = x * d
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 4.0]
    e = x.detach()
    with mg.no_grad():
        e += 1
    assert x.tolist() == [2.0, 3.0]


def test_requires_grad_propagation():
    a = mg.tensor([1.0], requires_grad=True)
    b = mg.tensor([2.0])
    assert (a + b).requires_grad and not (b * 2).requires_grad
    assert (b * 2).is_leaf and not (a + b).is_leaf
    assert not (a > 0).requires_grad
    b.requires_grad_()
    assert (b * 2).requires_grad


def test_only_leaves_get_grad():
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    h = a * 2
    h.sum().backward()
    with pytest.warns(UserWarning, match="not a leaf Tensor"):
        assert h.grad is None
    assert a.grad is not None


def test_long_chain_has_no_recursion_error():
    x = mg.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0 + 0.0
    y.backward()
    assert x.grad.item() == 1.0


def test_saved_arrays_are_released_after_backward():
    x = mg.tensor(np.ones(1000), requires_grad=True)
    hidden = x * 2
    probe = weakref.ref(hidden.data)
    loss = hidden.exp().sum()  # exp saves its output; mul by 2 saves nothing
    saved_out = weakref.ref(loss.grad_fn.next[0].vjps[0].__closure__[0].cell_contents)
    del hidden
    gc.collect()
    assert probe() is None  # the graph does not keep a non-saved intermediate alive
    assert saved_out() is not None  # the exp result is kept until backward
    loss.backward()
    gc.collect()
    assert saved_out() is None
    assert loss.grad_fn.next[0].vjps is None  # exp's, freed
    assert loss.grad_fn.vjps is not None  # sum's VJP reads no array: kept, as PyTorch's


def _arrays_in(f, seen=None) -> list:
    """The non-empty ndarrays a VJP can reach through closures, partials and bound methods."""
    seen = set() if seen is None else seen
    if id(f) in seen:
        return []
    seen.add(id(f))
    if isinstance(f, np.ndarray):
        return [f] if f.size else []
    if isinstance(f, (list, tuple)):
        return [a for x in f for a in _arrays_in(x, seen)]
    if isinstance(f, functools.partial):
        return _arrays_in((f.func, f.args, tuple(f.keywords.values())), seen)
    cells = getattr(f, "__closure__", None) or ()
    return [a for c in cells for a in _arrays_in(c.cell_contents, seen)]


KEPT = {
    "Add": lambda x: x + x[0], "Sub": lambda x: x - x[0], "Rsub": lambda x: 1 - x,
    "Neg": lambda x: -x,
    "Sum": lambda x: x.sum(0), "Mean": lambda x: x.mean(), "Clone": lambda x: x.clone(),
    "ToCopy": lambda x: x.float(), "View": lambda x: x.view(6),
    "ReshapeAlias": lambda x: x.T.reshape(3, 2), "UnsafeView": lambda x: x.T.reshape(6),
    "Squeeze": lambda x: x[None].squeeze(0), "Unsqueeze": lambda x: x.unsqueeze(1),
    "Permute": lambda x: x.permute(1, 0), "Transpose": lambda x: x.transpose(0, 1),
    "T": lambda x: x.t(), "Expand": lambda x: x[:1].expand(4, 3), "Alias": lambda x: x[...],
    "Slice": lambda x: x[:, 1:], "Select": lambda x: x[1], "Cat": lambda x: mg.cat([x, x]),
    "Stack": lambda x: mg.stack([x, x]), "Split": lambda x: x.split(1)[0],
    "SplitWithSizes": lambda x: x.split([1, 1])[1], "Unbind": lambda x: x.unbind(1)[0],
    "Flip": lambda x: x.flip(0), "Zero": lambda x: (x * 1).zero_(),
    "Fill": lambda x: (x * 1).fill_(mg.tensor(2.0)),
    "torch::autograd::CopyBackwards": lambda x: (x * 1).copy_(x[0]),
}  # fmt: skip


def test_the_nodes_backward_keeps_read_no_array():
    """Backward keeps the VJPs of the ops in engine.KEEPS_VJPS (as PyTorch keeps its nodes
    that save no tensor): each must hold no array, or the graph would keep it alive."""
    assert set(KEPT) == set(mg.engine.KEEPS_VJPS)
    for name, op in KEPT.items():
        y = op(mg.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True))
        node = y.grad_fn
        assert node._name == name
        reached = node.vjps + tuple(o.node.vjps for o in [y._node] if o is not node)
        assert _arrays_in(reached) == [], name
    # a node that saves its input is caught
    assert _arrays_in(mg.tensor([1.0, 2.0], requires_grad=True).exp().grad_fn.vjps)


def test_backward_again_through_nodes_that_save_no_array_works_as_in_pytorch():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = (x + 1).sum()
    y.backward()
    y.backward()
    assert x.grad.tolist() == [2.0, 2.0]
    z = (x * x).sum()
    z.backward()
    with pytest.raises(RuntimeError, match="MulBackward: trying to backward through the graph"):
        z.backward()


def test_autograd_grad_leaves_grad_untouched():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    w = mg.tensor([3.0, 4.0], requires_grad=True)
    h = x * w
    (gx, gh) = mg.autograd.grad((h * h).sum(), [x, h])
    assert gx.tolist() == [2 * 3.0 * 3.0 * 1.0, 2 * 4.0 * 4.0 * 2.0]
    assert gh.tolist() == [6.0, 16.0]
    assert x.grad is None and w.grad is None


def test_autograd_grad_unused_input():
    x = mg.tensor([1.0], requires_grad=True)
    z = mg.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="not have been used"):
        mg.autograd.grad((x * 2).sum(), [z])
    assert mg.autograd.grad((x * 2).sum(), [x, z], allow_unused=True)[1] is None


def test_inplace_on_leaf_requiring_grad_raises_but_not_under_no_grad():
    p = mg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        p += 1
    with mg.no_grad():
        p -= 0.5 * mg.tensor([2.0, 2.0])
        p.mul_(2).add_(mg.tensor([1.0, 1.0]), alpha=-1)
    assert p.tolist() == [-1.0, 1.0]
    assert p.requires_grad and p.is_leaf


def test_modifying_a_saved_tensor_makes_backward_raise():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    w = mg.tensor([3.0, 4.0], requires_grad=True)
    y = (x * w).sum()  # mul saved both
    with mg.no_grad():
        w.add_(1.0)
    with pytest.raises(RuntimeError, match="MulBackward.*modified by an inplace operation"):
        y.backward()


def test_modifying_a_saved_output_makes_backward_raise():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    y.add_(1.0)  # non-leaf: allowed, but exp saved its output
    with pytest.raises(RuntimeError, match="ExpBackward"):
        y.sum().backward()


def test_inplace_on_nonleaf_rebases_the_graph():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.add_(1.0)
    y.mul_(3.0)
    assert y.tolist() == [9.0, 15.0]
    y.sum().backward()
    assert x.grad.tolist() == [6.0, 6.0]


def test_inplace_on_a_view_bumps_the_base_version():
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    a = mg.tensor([[1.0, 1.0], [1.0, 1.0]])
    v = a[0]
    y = (x * a).sum()
    v.zero_()  # changes a's memory through a view
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()


def test_version_grows_with_each_inplace_change():
    t = mg.zeros(3)
    seen = [t._version[0]]
    for change in (lambda: t.add_(1), lambda: t.fill_(2), lambda: t.__setitem__(0, 5)):
        change()
        seen.append(t._version[0])
    assert seen == sorted(set(seen))
    assert t.tolist() == [5.0, 2.0, 2.0]


def test_gradcheck_detects_a_wrong_vjp():
    def wrong_square(x):
        X = x.data
        return record(X * X, "WrongSquare", (x,), (lambda g: g * X,))  # missing factor 2

    x = mg.tensor([0.5, 1.5], dtype=mg.float64, requires_grad=True)
    with pytest.raises(mg.GradcheckError, match="input 0"):
        mg.gradcheck(wrong_square, [x])
    assert mg.gradcheck(wrong_square, [x], raise_exception=False) is False
    assert mg.GradcheckError is mg.autograd.GradcheckError


def test_gradcheck_ignores_integer_outputs_as_pytorch():
    x = mg.tensor([0.5, 1.5], dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(lambda t: (t * t, t.argmax()), [x])
    assert mg.gradcheck(lambda t: t.argmax(), [x])


def test_gradcheck_works_in_float64_for_float32_inputs():
    x = mg.tensor([0.3, -0.7], requires_grad=True)
    assert x.dtype == np.float32
    assert mg.gradcheck(lambda t: (t * t).sin(), [x])


def test_retain_grad_keeps_a_non_leaf_gradient():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    h.retain_grad()
    assert h.retains_grad and not (x * 2).retains_grad
    y = (h * h).sum()
    y.backward(retain_graph=True)
    assert h.grad.tolist() == [6.0, 12.0]  # dy/dh = 2h
    y.backward()
    assert h.grad.tolist() == [12.0, 24.0]  # accumulates like a leaf's
    assert x.grad.tolist() == [36.0, 72.0]
    with pytest.raises(RuntimeError, match="requires_grad=False"):
        mg.tensor([1.0]).retain_grad()


def test_backward_with_inputs_accumulates_only_into_them():
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    b = mg.tensor([3.0, 4.0], requires_grad=True)
    h = a * 2
    y = (h * b).sum()
    y.backward(inputs=[h], retain_graph=True)
    assert a.grad is None and b.grad is None
    np.testing.assert_array_equal(h.grad.data, [3.0, 4.0])
    y.backward(inputs=[b, h])
    np.testing.assert_array_equal(b.grad.data, [2.0, 4.0])
    np.testing.assert_array_equal(h.grad.data, [6.0, 8.0])  # accumulated, as retain_grad
    assert a.grad is None


def test_create_graph_says_it_is_not_supported():
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(NotImplementedError, match="backward: create_graph=True"):
        (a * a).sum().backward(create_graph=True)
    with pytest.raises(NotImplementedError, match="grad: create_graph=True"):
        mg.autograd.grad((a * a).sum(), [a], create_graph=True)
    assert a.grad is None


def test_jacobian_of_softmax_is_the_hand_derived_one():
    from minigrad.autograd.functional import jacobian, vjp

    z = mg.tensor([0.5, -1.0, 2.0], dtype=mg.float64)
    s = np.exp(z.data) / np.exp(z.data).sum()
    J = jacobian(lambda a: a.softmax(0), z)
    np.testing.assert_allclose(J.data, np.diag(s) - np.outer(s, s), rtol=1e-12, atol=1e-15)
    assert not J.requires_grad and z.grad is None
    v = mg.tensor([1.0, 2.0, -1.0], dtype=mg.float64)
    out, g = vjp(lambda a: a.softmax(0), z, v)
    np.testing.assert_allclose(g.data, v.data @ J.data, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(out.data, s, rtol=1e-12)


def test_jacobian_matches_central_differences():
    from minigrad.autograd.functional import jacobian

    def f(a, b):
        return (a @ b).tanh() * a.sum()

    a = mg.tensor(np.random.default_rng(0).normal(size=(2, 3)))
    b = mg.tensor(np.random.default_rng(1).normal(size=(3, 2)))
    Ja, Jb = jacobian(f, (a, b))
    assert Ja.shape == (2, 2, 2, 3) and Jb.shape == (2, 2, 3, 2)
    eps = 1e-6
    for J, x in ((Ja, a), (Jb, b)):
        for idx in np.ndindex(x.shape):
            old = x.data[idx]
            x.data[idx] = old + eps
            plus = f(a, b).data
            x.data[idx] = old - eps
            minus = f(a, b).data
            x.data[idx] = old
            np.testing.assert_allclose(J.data[(...,) + idx], (plus - minus) / (2 * eps),
                                       rtol=1e-6, atol=1e-9)  # fmt: skip


def test_first_in_place_change_of_a_process_changes_the_version():
    """Version stamps come from one counter; a fresh tensor's version is 0, so the counter
    must never hand out 0 (else the process's first in-place change would look like none)."""
    import subprocess
    import sys

    code = (
        "import minigrad as mg; t = mg.zeros(3); v = t._version[0]; t.add_(1); "
        "assert t._version[0] != v, (v, t._version); print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr
