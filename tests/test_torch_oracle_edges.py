"""Ops at their awkward points against PyTorch: zeros, ties, bounds, infinities, NaN.

The op table draws random inputs, which almost never land where conventions decide
the answer (the gradient of relu at 0, of a tie in max, of sqrt at 0, of clamp at its
bound). Here every input sits on such a point; values and gradients must be what
PyTorch gives, NaN and inf included. Runs only where torch is installed.
"""

import math

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg
import minigrad.nn.functional as F

torch = import_torch()
TF = torch.nn.functional

nan, inf = math.nan, math.inf
SPECIAL = [-inf, -2.0, -1.0, -0.0, 0.0, 0.5, 1.0, 2.0, inf, nan]
TIES = [[1.0, 3.0, 3.0, -2.0], [0.0, 0.0, 0.0, 0.0], [-1.0, 5.0, 2.0, 5.0]]

# name, inputs, function of the module (mg or torch) and the inputs
CASES = [
    ("relu", [SPECIAL], lambda m, x: m.relu(x)),
    ("sigmoid", [[-1e4, -100.0, -20.0, 0.0, 20.0, 100.0, 1e4]], lambda m, x: m.sigmoid(x)),
    ("tanh", [[-1e4, -20.0, 0.0, 20.0, 1e4]], lambda m, x: m.tanh(x)),
    ("abs", [SPECIAL], lambda m, x: m.abs(x)),
    ("sqrt", [[0.0, 0.25, 4.0, inf]], lambda m, x: m.sqrt(x)),
    ("log", [[0.0, 1e-300, 1.0, inf]], lambda m, x: m.log(x)),
    ("exp", [[-inf, -800.0, 0.0, 700.0]], lambda m, x: m.exp(x)),
    ("clamp_bounds", [[-1.0, -0.5, 0.0, 0.5, 1.0, 2.0]], lambda m, x: x.clamp(-0.5, 0.5)),
    ("clamp_min", [[-1.0, 0.0, 1.0]], lambda m, x: x.clamp(min=0.0)),
    ("clamp_max", [[-1.0, 0.0, 1.0]], lambda m, x: x.clamp(max=0.0)),
    ("maximum_ties", [[1.0, 2.0, 3.0], [1.0, 5.0, 3.0]], lambda m, a, b: m.maximum(a, b)),
    ("minimum_ties", [[1.0, 2.0, 3.0], [1.0, 5.0, 3.0]], lambda m, a, b: m.minimum(a, b)),
    ("max_all_ties", [TIES], lambda m, x: x.max()),
    ("min_all_ties", [TIES], lambda m, x: x.min()),
    ("amax_ties", [TIES], lambda m, x: x.amax(dim=1)),
    ("amin_ties", [TIES], lambda m, x: x.amin(dim=0)),
    ("max_dim_ties", [TIES], lambda m, x: x.max(dim=1)[0]),
    ("min_dim_ties", [TIES], lambda m, x: x.min(dim=0)[0]),
    ("pow_zero_base", [[0.0, 0.0, 1.0]], lambda m, x: x**2),
    ("pow_zero_base_half", [[0.0, 1.0, 4.0]], lambda m, x: x**0.5),
    ("pow_zero_exponent", [[0.0, -1.0, 2.0]], lambda m, x: x**0),
    ("pow_negative_base_int", [[-2.0, -1.0, 3.0]], lambda m, x: x**3),
    ("pow_tensor_zero_base", [[0.0, 2.0, 0.0], [2.0, 0.5, 0.0]], lambda m, a, b: a**b),
    ("div_by_zero", [[1.0, -1.0, 0.0], [0.0, 0.0, 0.0]], lambda m, a, b: a / b),
    (
        "where_nan_branch",
        [[1.0, 0.0, -1.0]],
        lambda m, x: m.where(x > 0, m.sqrt(x.clamp(min=0.0)), x * 2),
    ),  # fmt: skip
    ("var_one_element", [[[3.0], [4.0]]], lambda m, x: x.var(dim=1)),
    ("std_constant", [[2.0, 2.0, 2.0]], lambda m, x: x.std()),
    ("softmax_inf", [[[0.0, -inf, 1.0], [2.0, 2.0, 2.0]]], lambda m, x: m.softmax(x, dim=1)),
    (
        "log_softmax_large",
        [[[1e4, 0.0, -1e4], [5.0, 5.0, 5.0]]],
        lambda m, x: m.log_softmax(x, dim=1),
    ),  # fmt: skip
    ("sum_empty_dim", [[[1.0, 2.0], [3.0, 4.0]]], lambda m, x: x[:0].sum(dim=0)),
    ("mean_keepdim", [[[1.0, 2.0], [3.0, 4.0]]], lambda m, x: x.mean(dim=-1, keepdim=True)),
    (
        "remainder_negative",
        [[-3.0, 3.0, -0.5, 5.5], [2.0, -2.0, 2.0, 2.0]],
        lambda m, a, b: a % b,
    ),  # fmt: skip
    (
        "floordiv_values",
        [[-3.0, 3.0, -0.5, 5.5], [2.0, -2.0, 2.0, 2.0]],
        lambda m, a, b: (a // b).detach() + a * 0,
    ),  # fmt: skip
]


def _functions(m):
    """The names CASES use, from minigrad or from torch."""
    if m == "mg":
        return mg
    ns = type("T", (), {})()
    for name in ("relu", "sigmoid", "tanh", "abs", "sqrt", "log", "exp", "maximum", "minimum",
                 "where"):  # fmt: skip
        setattr(ns, name, getattr(torch, name))
    ns.softmax = lambda x, dim: torch.softmax(x, dim=dim)
    ns.log_softmax = lambda x, dim: torch.log_softmax(x, dim=dim)
    return ns


def _same(mine, ref, what):
    np.testing.assert_allclose(mine, ref, rtol=1e-12, atol=1e-300, equal_nan=True, err_msg=what)


@pytest.mark.filterwarnings("ignore:.*(degrees of freedom|Degrees of freedom).*")
@pytest.mark.parametrize("name,arrays,fn", CASES, ids=[c[0] for c in CASES])
def test_edge_points_match_pytorch(name, arrays, fn):
    arrays = [np.array(a, dtype=np.float64) for a in arrays]
    ours = [mg.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    with np.errstate(all="ignore"):
        out = fn(_functions("mg"), *ours)
    tout = fn(_functions("torch"), *theirs)
    _same(out.data, tout.detach().numpy(), f"{name}: value")
    g = np.random.default_rng(3).uniform(0.5, 1.5, size=out.shape)
    with np.errstate(all="ignore"):
        out.backward(mg.tensor(g))
    tout.backward(torch.tensor(g))
    for i, (a, b) in enumerate(zip(ours, theirs)):
        ref = np.zeros_like(arrays[i]) if b.grad is None else b.grad.numpy()
        mine = np.zeros_like(arrays[i]) if a.grad is None else a.grad.data
        _same(mine, ref, f"{name}: gradient of input {i}")


LOSS_CASES = [
    (
        "bce_at_0_and_1",
        lambda m, x, y: m.binary_cross_entropy(x, y),
        [0.0, 1.0, 0.0, 1.0, 0.5],
        [0.0, 1.0, 1.0, 0.0, 0.5],
    ),  # fmt: skip
    (
        "bce_logits_extreme",
        lambda m, x, y: m.binary_cross_entropy_with_logits(x, y),
        [-1e4, 1e4, 0.0, 30.0],
        [1.0, 0.0, 0.5, 1.0],
    ),  # fmt: skip
    (
        "mse_sum",
        lambda m, x, y: m.mse_loss(x, y, reduction="sum"),
        [0.0, 1.0, -2.0],
        [0.0, 3.0, 2.0],
    ),  # fmt: skip
]


@pytest.mark.parametrize("name,fn,x,y", LOSS_CASES, ids=[c[0] for c in LOSS_CASES])
def test_loss_edge_points_match_pytorch(name, fn, x, y):
    xm = mg.tensor(np.array(x), requires_grad=True)
    xt = torch.tensor(np.array(x), requires_grad=True)
    lm = fn(F, xm, mg.tensor(np.array(y)))
    lt = fn(TF, xt, torch.tensor(np.array(y)))
    _same(lm.data, lt.detach().numpy(), f"{name}: value")
    lm.backward()
    lt.backward()
    _same(xm.grad.data, xt.grad.numpy(), f"{name}: gradient")


def test_cross_entropy_extreme_logits_match_pytorch():
    logits = np.array([[1e4, -1e4, 0.0], [0.0, 0.0, 0.0], [-1e4, -1e4, -1e4]])
    target = np.array([1, 2, 0])
    xm = mg.tensor(logits, requires_grad=True)
    xt = torch.tensor(logits, requires_grad=True)
    lm = F.cross_entropy(xm, mg.tensor(target), label_smoothing=0.1)
    lt = TF.cross_entropy(xt, torch.tensor(target), label_smoothing=0.1)
    _same(lm.data, lt.detach().numpy(), "value")
    lm.backward()
    lt.backward()
    _same(xm.grad.data, xt.grad.numpy(), "gradient")
