"""Global module hooks without PyTorch: they run for every module, before the module's
own, may replace what they see, and stop when removed."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import module as module_mod
from minigrad.nn.modules import module as mm


@pytest.fixture(autouse=True)
def _no_global_hooks_left():
    yield
    for name in dir(module_mod):
        value = getattr(module_mod, name)
        if name.startswith("_global_") and isinstance(value, dict):
            value.clear()
    module_mod._global_full[0] = None


def test_global_hooks_run_before_a_modules_own_for_every_child():
    calls = []
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh())
    model[0].register_forward_pre_hook(lambda m, a: calls.append(("own pre", type(m).__name__)))
    model[0].register_forward_hook(lambda m, a, o: calls.append(("own", type(m).__name__)))
    mm.register_module_forward_pre_hook(lambda m, a: calls.append(("pre", type(m).__name__)))
    mm.register_module_forward_hook(lambda m, a, o: calls.append(("post", type(m).__name__)))
    model(mg.ones(1, 2))
    assert calls == [
        ("pre", "Sequential"),
        ("pre", "Linear"), ("own pre", "Linear"), ("post", "Linear"), ("own", "Linear"),
        ("pre", "Tanh"), ("post", "Tanh"),
        ("post", "Sequential"),
    ]  # fmt: skip


def test_a_global_hook_replaces_outputs_until_removed():
    lin = nn.Linear(2, 2)
    x = mg.randn(3, 2)
    want = lin(x).detach().numpy()
    handle = mm.register_module_forward_hook(lambda m, a, o: o * 2)
    np.testing.assert_allclose(lin(x).detach().numpy(), 2 * want, rtol=1e-6)
    handle.remove()
    np.testing.assert_allclose(lin(x).detach().numpy(), want, rtol=1e-6)


def test_global_full_backward_hook_sees_the_gradient_of_the_input():
    lin = nn.Linear(3, 2).double()
    x = mg.randn(4, 3, dtype=mg.float64, requires_grad=True)
    seen = {}
    mm.register_module_full_backward_hook(lambda m, gi, go: seen.update(gi=gi[0], go=go[0]))
    g = mg.randn(4, 2, dtype=mg.float64)
    lin(x).backward(g)
    w = lin.weight.detach().numpy()
    np.testing.assert_allclose(seen["go"].numpy(), g.numpy())
    np.testing.assert_allclose(seen["gi"].numpy(), g.numpy() @ w)  # dL/dx = g W
    np.testing.assert_allclose(x.grad.numpy(), g.numpy() @ w)


def test_registration_hooks_may_replace_what_is_registered():
    mm.register_module_buffer_registration_hook(lambda m, n, b: None if b is None else b + 1)
    mm.register_module_module_registration_hook(
        lambda m, n, c: nn.Identity() if isinstance(c, nn.ReLU) else None
    )
    seen = []
    mm.register_module_parameter_registration_hook(lambda m, n, p: seen.append(n))
    model = nn.Sequential(nn.ReLU(), nn.BatchNorm1d(2))
    assert isinstance(model[0], nn.Identity)
    assert model[1].running_var.tolist() == [2.0, 2.0]  # ones, plus one
    assert seen == ["weight", "bias"]


def test_mixing_global_backward_hook_kinds_raises():
    mm.register_module_full_backward_hook(lambda m, gi, go: None)
    with pytest.raises(RuntimeError, match="full backward hooks"):
        mm.register_module_backward_hook(lambda m, gi, go: None)
