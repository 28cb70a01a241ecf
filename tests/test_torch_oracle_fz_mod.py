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
_TREE = "s = M.nn.Sequential(OrderedDict(a=M.nn.Sequential(OrderedDict(b=M.nn.Linear(1, 1))), c=M.nn.ReLU())); s.a.x = 3; "
_EXTRA = """class X(M.nn.Module):
    def __init__(self):
        super().__init__(); self.lin = M.nn.Linear(1, 1); self.v = 0
    def get_extra_state(self): return {'v': self.v}
    def set_extra_state(self, s): self.v = s['v'] + 1
class G(M.nn.Module):
    def get_extra_state(self): return 5
class S(M.nn.Module):
    def set_extra_state(self, s): self.got = s
s = M.nn.Sequential(X(), M.nn.Sequential(X(), G()), S())
"""
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
    # a child named "" (attribute assignment does not check names): its keys start with "."
    "n = M.nn.Module(); setattr(n, '', M.nn.Linear(1, 1)); sd = n.state_dict(); R = (list(sd), [k for k, _ in n.named_parameters()], n.load_state_dict(sd, strict=True))",
    "n = M.nn.Module(); setattr(n, '', M.nn.Linear(1, 1)); R = n.load_state_dict({'weight': M.ones(1, 1), 'bias': M.ones(1)}, strict=False)",
    # set_submodule: replace or add a sub-module by its dotted path
    _TREE
    + "s.set_submodule('a.b', M.nn.Tanh()); s.set_submodule('a.z', M.nn.ReLU()); R = (repr(s), [k for k, _ in s.named_parameters()])",
    _TREE + "R = s.set_submodule('a.z', M.nn.Tanh(), strict=True)",
    _TREE + "s.set_submodule('a.b', M.nn.Tanh(), strict=True); R = repr(s)",
    _TREE + "R = s.set_submodule('', M.nn.Tanh())",
    _TREE + "R = s.set_submodule('a.b', 3)",
    _TREE + "R = s.set_submodule('q.b', M.nn.Tanh())",
    _TREE + "R = s.set_submodule('a.x', M.nn.Tanh())",
    _TREE + "R = s.set_submodule('a.b.weight', M.nn.Tanh())",
    # extra state: get_extra_state's value is saved as "_extra_state", set_extra_state loads it
    _EXTRA
    + "R = [(k, v if not hasattr(v, 'shape') else 'T') for k, v in s.state_dict(prefix='p.').items()]",
    _EXTRA
    + "r = s.load_state_dict(s.state_dict(), strict=False); R = (r.missing_keys, r.unexpected_keys, s[0].v, s[1][0].v)",
    _EXTRA + "R = s.load_state_dict(s.state_dict())",
    _EXTRA + "sd = s.state_dict(); sd['2._extra_state'] = 7; s.load_state_dict(sd); R = s[2].got",
    _EXTRA
    + "sd = s.state_dict(); sd['2._extra_state'] = 7; sd['0.lin._extra_state'] = 1; del sd['0._extra_state']; r = s.load_state_dict(sd, strict=False); R = (r.missing_keys, r.unexpected_keys)",
    "R = M.nn.Module().get_extra_state()",
    "R = M.nn.Module().set_extra_state(1)",
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

_P = "p = M.tensor([1., 2.], dtype=M.float64, requires_grad=True); q = M.tensor([3.], dtype=M.float64, requires_grad=True); "
OPTIM_PROGRAMS = [
    # the group dict given is the group itself, filled in, as in PyTorch
    _P
    + "g = {'params': (p,), 'lr': .5}; o = M.optim.SGD([g], lr=.1); R = (o.param_groups[0] is g, type(g['params']).__name__, sorted(g))",
    _P
    + "g = {'params': [p]}; o = M.optim.SGD([g], lr=.1); g['lr'] = 2.; p.grad = M.ones(2, dtype=M.float64); o.step(); R = p",
    _P
    + "o = M.optim.SGD([p], lr=.1); g = {'params': q}; o.add_param_group(g); R = (o.param_groups[1] is g, g['lr'])",
    _P + "R = M.optim.SGD([p], lr=.1).add_param_group([q])",
    # named and unnamed groups do not mix; a group is all named or all unnamed
    _P + "R = M.optim.SGD([{'params': [('a', p)]}, {'params': [q]}], lr=.1)",
    _P + "R = M.optim.SGD([{'params': [p]}, {'params': [('b', q)]}], lr=.1)",
    _P + "R = M.optim.SGD([('a', p), q], lr=.1)",
    _P
    + "o = M.optim.SGD([{'params': [('a', p)]}, {'params': [('b', q)]}], lr=.1); R = [g['param_names'] for g in o.state_dict()['param_groups']]",
    # loading a state saved without names keeps this optimizer's names
    _P
    + "a = M.optim.Adam([p, q], lr=.1); p.grad = M.ones(2, dtype=M.float64); a.step(); b = M.optim.Adam([('a', p), ('b', q)], lr=.2); b.load_state_dict(a.state_dict()); R = (list(b.param_groups[0]), b.state_dict()['param_groups'][0]['param_names'], b.param_groups[0]['lr'])",
    _P
    + "a = M.optim.Adam([('x', p), ('y', q)], lr=.1); b = M.optim.Adam([('a', p), ('b', q)], lr=.2); b.load_state_dict(a.state_dict()); R = b.param_groups[0]['param_names']",
    # a non-leaf that retains its gradient can be optimized
    _P
    + "y = p * 2; y.retain_grad(); o = M.optim.SGD([y], lr=.1); y.sum().backward(); o.step(); R = y",
    _P + "R = M.optim.SGD([p * 2], lr=.1)",
    # a copy of an optimizer that a scheduler watches steps its own parameters; pickling works
    _P
    + "import copy\no = M.optim.SGD([p], lr=.1); s = M.optim.lr_scheduler.StepLR(o, 2); o2 = copy.deepcopy(o); p2 = o2.param_groups[0]['params'][0]; p2.grad = M.ones(2, dtype=M.float64); o2.step(); R = (p2, p, hasattr(o2.step, '_wrapped_by_lr_sched'))",
    _P
    + "import pickle\no = M.optim.Adam([p], lr=.1); s = M.optim.lr_scheduler.StepLR(o, 2); p.grad = M.ones(2, dtype=M.float64); o.step(); o3 = pickle.loads(pickle.dumps(o)); R = (o3.param_groups[0]['lr'], sorted(o3.state_dict()['state'][0]), o3.state_dict()['state'][0]['exp_avg'])",
    # zero_grad(set_to_none=False) takes a gradient that requires grad out of its graph
    _P
    + "g = M.ones(2, dtype=M.float64, requires_grad=True); p.grad = g; o = M.optim.SGD([p], lr=.1); o.zero_grad(set_to_none=False); R = (p.grad, p.grad is g, g.requires_grad)",
    _P
    + "g = M.ones(2, dtype=M.float64, requires_grad=True); p.grad = g * 2; o = M.optim.SGD([p], lr=.1); o.zero_grad(set_to_none=False); R = (p.grad, p.grad.grad_fn is None)",
    "l = M.nn.Linear(2, 1); g = M.ones(1, 2, requires_grad=True); l.weight.grad = g; l.bias.grad = M.ones(1, requires_grad=True) * 3; l.zero_grad(set_to_none=False); R = (l.weight.grad, l.weight.grad is g, l.bias.grad)",
    # state saved under an index that names no parameter is kept under that index
    _P
    + "o = M.optim.SGD([p], lr=.1, momentum=.9); o.load_state_dict({'state': {5: {'momentum_buffer': M.ones(2)}}, 'param_groups': [{'lr': .3, 'params': [0]}]}); R = (sorted(o.state_dict()['state']), o.state_dict()['state'][5]['momentum_buffer'], o.param_groups[0]['lr'])",
]


@pytest.mark.parametrize("program", OPTIM_PROGRAMS)
def test_optimizer_program_matches_pytorch(program):
    _matches_pytorch(program)


@pytest.mark.parametrize("program", MODULE_PROGRAMS)
def test_module_program_matches_pytorch(program):
    _matches_pytorch("from collections import OrderedDict\n" + program)
