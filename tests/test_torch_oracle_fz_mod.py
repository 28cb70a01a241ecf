# ruff: noqa: E501 - the programs are data, one per line
"""nn.Module, containers and optimizers' API against PyTorch, program by program: names
the class defines, registries written directly, container errors, optimizer state.

Each program runs with ``M`` bound to torch and to minigrad; ``R`` (or the type of the
exception raised) must agree. Runs only where torch is installed.
"""

import pytest
from test_torch_oracle_autograd import test_program_matches_pytorch as _matches_pytorch
from torch_oracle import import_torch

torch = import_torch()

_CLASS_ATTR = "class N(M.nn.Module):\n    head = property(lambda self: 'prop')\n    def __init__(self):\n        super().__init__()\n"
MODULE_PROGRAMS = [
    # a registered name that the class defines: reading it finds the class's attribute
    _CLASS_ATTR
    + "        self.eval = M.nn.Linear(1, 1)\nn = N(); R = (type(n.eval).__name__, [k for k, _ in n.named_parameters()], n(M.ones(1)) if False else n.training)",
    _CLASS_ATTR
    + "        self.head = M.nn.Linear(1, 1)\nn = N(); R = (n.head, [k for k, _ in n.named_modules()])",
    _CLASS_ATTR
    + "        self.register_buffer('head', M.ones(1))\nn = N(); R = (n.head, list(n.state_dict()))",
    _CLASS_ATTR
    + "        self.register_parameter('float', M.nn.Parameter(M.ones(1)))\nn = N(); R = (type(n.float).__name__, n.float() is n, [k for k, _ in n.named_parameters()])",
    # a registry replaced or cleared: the attributes follow it
    "m = M.nn.Module(); m.fc = M.nn.Linear(1, 1); new = M.nn.Linear(1, 2); m._modules = OrderedDict(fc=new); m._modules['g'] = M.nn.ReLU(); R = (m.fc is new, type(m.g).__name__, repr(m))",
    "s = M.nn.Sequential(M.nn.Linear(1, 1), M.nn.ReLU()); s._modules = OrderedDict([('0', M.nn.Tanh())]); R = (hasattr(s, '1'), repr(getattr(s, '0')), len(s))",
    "l = M.nn.Linear(1, 1); l._parameters = OrderedDict(bias=l.bias); R = (hasattr(l, 'weight'), list(l.state_dict()))",
    "l = M.nn.Linear(1, 1); l._parameters.clear(); R = (hasattr(l, 'weight'), hasattr(l, 'bias'), list(l.state_dict()))",
    "l = M.nn.Linear(1, 1); k, p = l._parameters.popitem(); R = (k, hasattr(l, 'bias'), hasattr(l, 'weight'))",
    "R = M.nn.Module()._buffers.popitem()",
    # container errors: PyTorch's exception types
    "d = M.nn.ModuleDict({'a': M.nn.ReLU()}); del d['b']",
    "d = M.nn.ModuleDict({'a': M.nn.ReLU()}); del d[1]",
    "d = M.nn.ModuleDict({'a': M.nn.ReLU()}); del d['training']",
    "d = M.nn.ModuleDict({'a': M.nn.ReLU()})\ntry:\n    del d['training']\nexcept KeyError:\n    pass\nR = (d.training, list(d))",
    "R = M.nn.Sequential(M.nn.ReLU()).insert(0, None)",
    "R = M.nn.Sequential(M.nn.ReLU()).insert(5, 3)",
    "R = repr(M.nn.Sequential(M.nn.ReLU()).insert(-1, M.nn.Tanh()))",
    "R = M.nn.Sequential(M.nn.ReLU())[1.0]",
    "R = M.nn.ModuleList([M.nn.ReLU(), M.nn.Tanh()]).pop(1.0)",
    "R = M.nn.ModuleList([M.nn.ReLU(), M.nn.Tanh()])['0']",
    "s = M.nn.Sequential(M.nn.ReLU()); s[1.0] = M.nn.Tanh()",
    "R = repr(M.nn.Sequential(M.nn.ReLU(), M.nn.Tanh())[np.int64(-1)])",
]


@pytest.mark.parametrize("program", MODULE_PROGRAMS)
def test_module_program_matches_pytorch(program):
    _matches_pytorch("from collections import OrderedDict\n" + program)
