"""Random autograd programs run in minigrad and in PyTorch (float64), compared step by step.

The fixed cases are divergences the differential fuzzer found (each a short program);
the seeded mini-fuzz replays ~200 random programs over the core surface: values, output
flags (requires_grad, is_leaf, grad_fn), leaves' gradients, retained gradients and the
exception type wherever PyTorch raises.
"""

import warnings

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()


def _run(src, T, x):
    """Run `src` with x a float64 leaf that requires grad; return (namespace, x)."""
    x = T.tensor(x, dtype=T.float64, requires_grad=True)
    ns = {"T": T, "x": x}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(src, ns)
    return ns, x


def _same(m, t, what):
    assert tuple(m.shape) == tuple(t.shape), what
    np.testing.assert_allclose(np.asarray(m.detach().numpy()), t.detach().numpy(), rtol=1e-10,
                               atol=1e-12, equal_nan=True, err_msg=what)  # fmt: skip
    assert (m.requires_grad, m.is_leaf, m.grad_fn is None) == (
        t.requires_grad,
        t.is_leaf,
        t.grad_fn is None,
    ), what


CASES = [
    # mT / mH / H / adjoint() of a 0-d tensor return the tensor itself, as PyTorch (minigrad
    # recorded a PermuteBackward, so a 0-d leaf's mT was no longer a leaf)
    ("R = x.mT; S = R is x", 2.0),
    ("R = x.mH; S = R is x", 2.0),
    ("R = x.H; S = R is x", 2.0),
    ("R = x.adjoint(); S = R is x", 2.0),
    ("y = x * 3; R = y.mT; S = R is y", 2.0),
    # relu's gradient is a select, not a multiply: an inf or NaN gradient where x <= 0 gives
    # 0, as PyTorch (minigrad gave NaN: sqrt(relu(x)) had NaN gradients at every x < 0)
    ("R = x.relu().sqrt()", [-1.0, 0.0, 2.0, -3.0]),
    ("R = (x.relu() ** 0.5).sum()", [[-1.0, 4.0], [0.0, -0.5]]),
    ("R = T.nn.functional.relu(x * 2).log()", [-1.0, 0.0, 2.0]),
    ("y = x.relu(); y.register_hook(lambda g: g * float('nan')); R = y + 1", [-1.0, 0.0, 2.0]),
    ("y = x * 1; y.relu_(); R = y.sqrt()", [-1.0, 0.0, 2.0]),
    # std's gradient is 0 over a slice whose std is 0, even for an inf or NaN g (PyTorch's
    # masked_fill); minigrad multiplied g by 0 there: NaN (1 / x.std(1) of tied rows)
    ("R = 1 / x.std(1)", [[1.0, 1.0, 1.0], [2.0, 0.5, -3.0]]),
    ("R = (x.std(-1, keepdim=True) + 0).log()", [[[2.0, 2.0], [1.0, 0.0]]]),
    ("R = x.std((0, 2)).sqrt()", [[[2.0, 2.0]], [[2.0, 2.0]]]),
]


@pytest.mark.parametrize("src, x", CASES)
def test_fixed_programs(src, x):
    (nm, xm), (nt, xt) = _run(src, mg, x), _run(src, torch, x)
    _same(nm["R"], nt["R"], src)
    assert nm.get("S") == nt.get("S"), src
    if nt["R"].requires_grad:
        nm["R"].sum().backward()
        nt["R"].sum().backward()
        _same(xm.grad, xt.grad, src + " (grad)")
