# ruff: noqa: E501 - the programs are data, one per line
"""nn's surface against PyTorch, program by program, where a probe found minigrad
diverging: container keywords, F.linear with a bias broadcast to the output, the
class losses when the weights of the counted targets sum to zero. Each program binds
its result to ``R``; both frameworks must give the same result or raise the same class
of exception."""

import pytest
from test_torch_oracle_autograd import test_program_matches_pytorch as _matches_pytorch
from torch_oracle import import_torch

torch = import_torch()

PROGRAMS = [
    # keyword names and arguments of the containers' methods, as PyTorch's
    "l = M.nn.Linear(1, 1); s = M.nn.Sequential(l, M.nn.ReLU(), l); R = ([type(m).__name__ for m in s.modules(remove_duplicate=False)], [type(m).__name__ for m in s.modules()], [type(m).__name__ for m in s.modules(remove_duplicate=True)])",
    "s = M.nn.Sequential(M.nn.ReLU(), M.nn.Tanh()); m = s.pop(key=0); R = (repr(m), repr(s))",
    "s = M.nn.Sequential(M.nn.ReLU()); s.extend(sequential=[M.nn.Tanh()]); R = repr(s)",
    "l = M.nn.ModuleList([M.nn.ReLU(), M.nn.Tanh()]); m = l.pop(key=-1); R = (repr(m), repr(l))",
    "l = M.nn.ModuleList([M.nn.ReLU()]); l.__iadd__(modules=[M.nn.Tanh()]); R = repr(l)",
]

# F.linear with a bias that broadcasts to the output other than along its last dim
_LINEAR = "x = M.tensor([[1., 2., 3.], [-1., 0., 2.]], requires_grad=True); w = M.tensor([[1., 0., -1.], [2., 1., 0.], [0., 1., 1.], [1., 1., 1.]], requires_grad=True); b = M.tensor({b}, requires_grad=True); y = M.nn.functional.linear({x}, w, b); y.backward(M.arange(float(y.numel())).reshape(y.shape)); R = (y, x.grad, w.grad, b.grad)"
LINEAR_BIASES = [
    ("x", "[[1., 2., 3., 4.], [5., 6., 7., 8.]]"),  # the output's shape
    ("x", "[[1.], [2.]]"),  # (N, 1)
    ("x", "[[1., 2., 3., 4.]]"),  # (1, out)
    ("x", "[[[1., 2., 3., 4.]], [[0., 1., 0., 1.]], [[2., 2., 2., 2.]]]"),  # (3, 1, out)
    ("x * M.ones(5, 1, 1)", "[[1., 2., 3., 4.], [5., 6., 7., 8.]]"),  # N-d input
    ("x * M.ones(5, 1, 1)", "[[[1.]]]"),
    ("x", "2."),  # 0-d
    ("x", "[[[1., 2., 3., 4.], [5., 6., 7., 8.]]] * 3"),  # would grow the output: refused
]
PROGRAMS += [_LINEAR.format(x=x, b=b) for x, b in LINEAR_BIASES]


@pytest.mark.parametrize("program", PROGRAMS)
def test_pnn_program_matches_pytorch(program):
    _matches_pytorch("from collections import OrderedDict\n" + program)
