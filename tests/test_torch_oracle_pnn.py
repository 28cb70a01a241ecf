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


@pytest.mark.parametrize("program", PROGRAMS)
def test_pnn_program_matches_pytorch(program):
    _matches_pytorch("from collections import OrderedDict\n" + program)
