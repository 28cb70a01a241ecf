# ruff: noqa: E501 - the programs are data, one per line
"""In-place forms of the elementwise ops (exp_, sigmoid_, pow_, clamp_min_, ...), and
zero_ / fill_ / copy_ in the graph, against PyTorch: values, gradients, the node they
leave as grad_fn, and their errors (leaves, dtypes that cannot hold the result). Also
lerp, addcmul and addcdiv, and their in-place forms."""

import pytest
from test_torch_oracle_autograd import test_program_matches_pytorch as _matches_pytorch
from torch_oracle import import_torch

torch = import_torch()

X = "x = M.tensor([[0.5, 1.5, 2.0], [0.25, 3.0, 0.75]], dtype=M.float64, requires_grad=True); "
UNARY = ["abs", "neg", "exp", "log", "sqrt", "rsqrt", "sigmoid", "tanh", "sin", "cos", "reciprocal",
         "square", "floor", "ceil", "trunc", "sign", "log1p", "expm1", "round"]  # fmt: skip

PROGRAMS = (
    [
        X
        + f"y = x * 1; y.{op}_(); (y * y).sum().backward(); R = (y, x.grad, y.grad_fn.name().rstrip('0123456789'))"
        for op in UNARY
    ]
    + [
        X + f"y = x * 1; v = y[0]; v.{op}_(); (y * x).sum().backward(); R = (y, v, x.grad)"
        for op in ("exp", "sigmoid", "sqrt")
    ]
    + [f"y = M.tensor([[0.5, -1.5], [2., 4.]], dtype=M.float64); y.{op}_(); R = y" for op in UNARY]
    + [
        f"y = M.tensor([1, -2, 3]); y.{op}_(); R = y"
        for op in ("abs", "neg", "exp", "sqrt", "sigmoid", "square", "sign")
    ]
    + [
        X + "x.exp_()",
        X + "y = x * 1\nwith M.no_grad():\n    x.sqrt_()\nR = x",
        X + "y = x.exp(); y.exp_(); y.sum().backward()",
        X
        + "y = x * 1; y.pow_(2); (y * x).sum().backward(); R = (y, x.grad, y.grad_fn.name().rstrip('0123456789'))",
        X
        + "e = M.tensor(3., dtype=M.float64, requires_grad=True); y = x * 1; y.pow_(e); y.sum().backward(); R = (y, x.grad, e.grad)",
        X
        + "y = x * 1; y.clamp_min_(1.); y.clamp_max_(2.5); y.sum().backward(); R = (y, x.grad, y.grad_fn.name().rstrip('0123456789'))",
        X
        + "b = M.tensor(1., dtype=M.float64, requires_grad=True); y = x * 1; y.clamp_min_(b); y.sum().backward(); R = (y, x.grad, b.grad)",
        "y = M.tensor([1, 2, 3]); y.pow_(2); R = y",
        "y = M.tensor([1, 2, 3]); y.pow_(0.5)",
        "y = M.tensor([1., 2., 3.]); y.clamp_min_(M.tensor([2., 0., 4.])); R = y",
        # zero_, fill_ and copy_ in the graph: their nodes and gradients
        X
        + "y = x * 2; y.zero_(); (y + x).sum().backward(); R = (y, x.grad, y.grad_fn.name().rstrip('0123456789'))",
        X
        + "v = M.tensor(2., dtype=M.float64, requires_grad=True); y = x * 2; y.fill_(v); (y * x).sum().backward(); R = (y, x.grad, v.grad, y.grad_fn.name().rstrip('0123456789'))",
        X
        + "y = x * 2; y.fill_(3.); (y * x).sum().backward(); R = (y, x.grad, y.grad_fn.name().rstrip('0123456789'))",
        X
        + "s = M.tensor([1., 2., 3.], dtype=M.float64, requires_grad=True); y = x * 2; y.copy_(s); (y * x).sum().backward(); R = (y, x.grad, s.grad, y.grad_fn.name())",
        X
        + "y = M.zeros(2, 3, dtype=M.float64); y.copy_(x); (y * y).sum().backward(); R = (y, x.grad, y.grad_fn.name())",
        X
        + "y = x * 2; y[0].fill_(5.); (y * x).sum().backward(); R = (y, x.grad, y.grad_fn.name())",
        X
        + "y = x * 2; y.fill_(3.); s = y.sum(); s.backward(retain_graph=True); s.backward(); R = x.grad",
        "x = M.tensor([0.5, 1.5], requires_grad=True); y = x * 1; R = [repr(t).replace('Backward0', 'Backward') for t in (y.copy_(x.detach()), y.zero_())]",
    ]
)


BLEND = "x = M.tensor([1., 2., 3.], dtype=M.float64, requires_grad=True); a = M.tensor([[3.], [5.]], dtype=M.float64, requires_grad=True); b = M.tensor([0.5, 2., 4.], dtype=M.float64, requires_grad=True); "
BLENDS = [
    BLEND
    + "y = x.lerp(a, 0.75); y.sum().backward(); R = (y, x.grad, a.grad, y.grad_fn.name().rstrip('0123456789'))",
    BLEND + "y = x.lerp(a, 0.25); (y * y).sum().backward(); R = (y, x.grad, a.grad)",
    BLEND
    + "y = M.lerp(x, a, b / 4); (y * y).sum().backward(); R = (y, x.grad, a.grad, b.grad, len(y.grad_fn.next_functions))",
    BLEND + "y = x.lerp(b, M.tensor(1.)); R = (y == b, len(y.grad_fn.next_functions))",
    BLEND
    + "y = x.addcmul(a, b, value=-2); (y * y).sum().backward(); R = (y, x.grad, a.grad, b.grad, y.grad_fn.name().rstrip('0123456789'))",
    BLEND
    + "y = M.addcdiv(x, a, b, value=0.5); (y * y).sum().backward(); R = (y, x.grad, a.grad, b.grad, y.grad_fn.name().rstrip('0123456789'))",
    BLEND
    + "y = M.addcmul(x, a.detach(), b); y.sum().backward(); R = (y, x.grad, b.grad, [n is None for n, _ in y.grad_fn.next_functions])",
    BLEND
    + "y = x * 1; y.addcmul_(x, x, value=3); y.addcdiv_(x, x + 1); y.lerp_(x.exp(), 0.3); y.sum().backward(); R = (y, x.grad)",
    BLEND + "x.lerp_(b, 0.5)",
    BLEND + "y = x * 1; y.addcmul_(a, b)",
    "x = M.tensor([1., 2.]); y = x.lerp(M.tensor([3., 4.]), M.tensor(0.5, dtype=M.float64)); R = y",
    "x = M.tensor([1., 2.]); y = x.lerp(M.tensor(3., dtype=M.float64), 0.5)",
    "x = M.tensor([1., 2.]); y = x.lerp(M.tensor([3., 4.]), M.tensor([0.5, 0.2], dtype=M.float64))",
    "x = M.tensor([1, 2]); y = x.lerp(M.tensor([3, 4]), 0.5)",
    "x = M.tensor([1., 2.]); y = x.lerp(3., 0.5)",
    "y = M.tensor([1, 2]).addcmul(M.tensor([1, 2]), M.tensor([3, 4]), value=0.5); R = y",
    "y = M.tensor([1, 2]).addcmul(M.tensor([1, 2]), M.tensor([3, 4]), value=2); R = y",
    "y = M.tensor([1, 2]).addcdiv(M.tensor([1, 2]), M.tensor([3, 4]))",
    "y = M.tensor([1., 2.]).addcmul(M.tensor([1., 2.], dtype=M.float64), M.tensor([3, 4])); R = y",
    "y = M.tensor([1., 2.]).addcdiv(M.tensor([1, 2]), M.tensor([3., 0.])); R = y",
    "p = M.tensor([1., 2.]); q = M.tensor([3., 5.]); p.lerp_(q, 0.1); R = p",
    "p = M.tensor([1, 2]); p.addcdiv_(M.tensor([1., 2.]), M.tensor([2., 2.]))",
    "x = M.tensor([1., 2., 3.]); y = x.addcmul(M.ones(2), M.ones(3))",
    "x = M.tensor([1., 2., 3.]); y = x.addcmul(M.ones(3), 2.)",
]


@pytest.mark.parametrize("program", PROGRAMS + BLENDS)
def test_in_place_program_matches_pytorch(program):
    _matches_pytorch(program)
