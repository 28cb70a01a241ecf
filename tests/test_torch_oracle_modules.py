# ruff: noqa: E501 - the programs are data, one per line
"""nn.Module's API against PyTorch, program by program: containers, hooks, lookups by
path, loading state dicts and dtype casts; then optimizers, schedulers, init and
gradcheck at their edges. Each program binds its result to ``R``; both frameworks must
give the same result or raise the same class of exception."""

import pytest
from test_torch_oracle_autograd import test_program_matches_pytorch as _matches_pytorch
from torch_oracle import import_torch

torch = import_torch()

PROGRAMS = [
    # containers
    "s = M.nn.Sequential(M.nn.ReLU(), M.nn.Tanh(), M.nn.Sigmoid()); m = s.pop(1); R = (repr(m), repr(s))",
    "s = M.nn.Sequential(M.nn.ReLU(), M.nn.Tanh(), M.nn.Sigmoid()); m = s.pop(slice(0, 2)); R = (repr(m), repr(s))",
    "a, b = M.nn.ReLU(), M.nn.Tanh(); s = M.nn.Sequential(a) + M.nn.Sequential(b, a); R = (repr(s), s[2] is a)",
    "R = M.nn.Sequential(M.nn.ReLU()) + [M.nn.Tanh()]",
    "s = M.nn.Sequential(M.nn.ReLU()); t = s; s += M.nn.Sequential(M.nn.Tanh()); R = (repr(s), s is t)",
    "a = M.nn.Linear(1, 1); s = M.nn.Sequential(a, M.nn.ReLU()) * 2; R = (repr(s), s[2] is a, len(list(s.parameters())))",
    "R = repr(3 * M.nn.Sequential(M.nn.ReLU()))",
    "R = M.nn.Sequential(M.nn.ReLU()) * 0",
    "R = M.nn.Sequential(M.nn.ReLU()) * 1.5",
    "s = M.nn.Sequential(M.nn.ReLU(), M.nn.Tanh()); s *= 2; R = repr(s)",
    "R = ('0' in dir(M.nn.Sequential(M.nn.ReLU())), '0' in dir(M.nn.ModuleList([M.nn.ReLU()])))",
    "l = M.nn.ModuleList([M.nn.ReLU(), M.nn.Tanh(), M.nn.Sigmoid()]); m = l.pop(-1); R = (repr(m), repr(l))",
    "l = M.nn.ModuleList([M.nn.ReLU()]) + [M.nn.Tanh()]; R = (type(l).__name__, repr(l))",
    "l = M.nn.ModuleList([M.nn.ReLU()]); t = l; l += [M.nn.Tanh()]; R = (repr(l), l is t)",
    "class Blocks(M.nn.ModuleList): pass\nR = (repr(Blocks([M.nn.ReLU(), M.nn.ReLU()])), repr(Blocks()))",
    "d = M.nn.ModuleDict({'fc': M.nn.Linear(2, 1), 'act': M.nn.ReLU()}); R = (repr(d), list(d), list(d.keys()), [n for n, _ in d.named_parameters()], 'fc' in d, len(d))",
    "d = M.nn.ModuleDict([('b', M.nn.ReLU()), ('a', M.nn.Tanh())]); d['c'] = M.nn.Sigmoid(); m = d.pop('a'); R = (repr(m), list(d), [k for k, _ in d.items()], [repr(v) for v in d.values()])",
    "d = M.nn.ModuleDict({'a': M.nn.ReLU()}); d.update(M.nn.ModuleDict({'b': M.nn.Tanh()})); del d['a']; R = list(d)",
    "d = M.nn.ModuleDict({'a': M.nn.ReLU()}); d.clear(); R = (len(d), repr(d))",
    "R = M.nn.ModuleDict([('a', M.nn.ReLU(), 1)])",
    "R = M.nn.ModuleDict(5)",
    "R = M.nn.ModuleDict({'a': 3})",
    "R = M.nn.ModuleDict({'a': M.nn.ReLU()})(M.ones(1))",
    "R = list(M.nn.ModuleDict({'p': M.nn.Linear(1, 1)}).state_dict())",
    # forward hooks
    "m = M.nn.Linear(2, 2)\nwith M.no_grad(): m.weight.copy_(M.tensor([[1., 2.], [3., 4.]])); m.bias.zero_()\nlog = []; m.register_forward_pre_hook(lambda mod, a: log.append(len(a))); m.register_forward_hook(lambda mod, a, o: o * 2); m.register_forward_hook(lambda mod, a, o: log.append(o.tolist()), prepend=True); R = (m(M.ones(1, 2)), log)",
    "m = M.nn.Linear(1, 1)\nwith M.no_grad(): m.weight.fill_(2.); m.bias.fill_(1.)\ns = M.nn.Sequential(m, M.nn.ReLU()); h = m.register_forward_hook(lambda mod, a, o: -o); y1 = s(M.ones(1, 1)); h.remove(); R = (y1, s(M.ones(1, 1)), len(m._forward_hooks))",
    "m = M.nn.Linear(1, 1)\nwith M.no_grad(): m.weight.fill_(2.); m.bias.fill_(0.)\nm.register_forward_pre_hook(lambda mod, a: a[0] * 5); R = m(M.ones(1, 1))",
    "m = M.nn.Linear(1, 1)\nwith M.no_grad(): m.weight.fill_(2.); m.bias.fill_(0.)\nm.register_forward_pre_hook(lambda mod, a, k: ((a[0] * 3,), k), with_kwargs=True); R = m(M.ones(1, 1))",
    "m = M.nn.Linear(1, 1); m.register_forward_pre_hook(lambda mod, a, k: 5, with_kwargs=True); R = m(M.ones(1, 1))",
    "m = M.nn.Linear(1, 1)\nwith M.no_grad(): m.weight.fill_(2.); m.bias.fill_(0.)\nm.register_forward_hook(lambda mod, a, k, o: o + len(k), with_kwargs=True); R = m(input=M.ones(1, 1))",
    "m = M.nn.Linear(1, 1)\nwith M.no_grad(): m.weight.fill_(2.); m.bias.fill_(0.)\nwith m.register_forward_hook(lambda mod, a, o: o * 0): y = m(M.ones(1, 1))\nR = (y, m(M.ones(1, 1)))",
    "m = M.nn.Linear(1, 1, dtype=M.float64)\nwith M.no_grad(): m.weight.fill_(2.); m.bias.fill_(0.)\nm.register_forward_hook(lambda mod, a, o: o * o); x = M.tensor([[3.]], dtype=M.float64, requires_grad=True); m(x).sum().backward(); R = (x.grad, m.weight.grad)",
    "m = M.nn.Linear(1, 1); L = []; m.register_forward_hook(lambda mod, a, o: L.append(o if o is None else tuple(o.shape)), always_call=True); m.register_forward_hook(lambda mod, a, o: L.append(1))\ntry: m(M.ones(2, 2))\nexcept RuntimeError: pass\nR = (L, m(M.ones(1, 1)).shape == (1, 1), len(L))",
    # lookups by path
    "s = M.nn.Sequential(OrderedDict(a=M.nn.Sequential(OrderedDict(b=M.nn.Linear(1, 1))))); R = (type(s.get_submodule('a.b')).__name__, s.get_submodule('') is s, tuple(s.get_parameter('a.b.weight').shape))",
    "R = M.nn.Sequential(OrderedDict(a=M.nn.Linear(1, 1))).get_submodule('a.c')",
    "R = M.nn.Sequential(OrderedDict(a=M.nn.Linear(1, 1))).get_submodule('a.weight')",
    "R = M.nn.Sequential(OrderedDict(a=M.nn.Linear(1, 1))).get_parameter('a')",
    "R = M.nn.Sequential(OrderedDict(a=M.nn.Linear(1, 1))).get_parameter('a.x')",
    "m = M.nn.Linear(1, 1); m.register_buffer('rb', M.zeros(1)); R = (m.get_buffer('rb'), m._get_name(), m.share_memory() is m)",
    "R = M.nn.Linear(1, 1).get_buffer('weight')",
    "m = M.nn.Module(); m.register_module('q', M.nn.ReLU()); R = repr(m)",
    # dtype casts replace buffers, keep parameters
    "m = M.nn.Linear(1, 1); m.register_buffer('f', M.tensor([1.])); b, w = m.f, m.weight; m.double(); R = (m.f is b, m.weight is w, [str(t.dtype).replace('torch.', '') for t in (b, m.f, w)])",
    # state dicts
    "s = M.nn.Sequential(OrderedDict(a=M.nn.Linear(1, 1), b=M.nn.Linear(1, 1))); R = tuple(s.load_state_dict({'b.x': M.ones(1), 'a.y': M.ones(1), 'z': M.ones(1), 'a.weight': M.ones(1, 1), 'a.bias': M.ones(1), 'b.weight': M.ones(1, 1), 'b.bias': M.ones(1), 'a': M.ones(1), 'a.weight.q': M.ones(1)}, strict=False))",
    "s = M.nn.Sequential(OrderedDict(a=M.nn.Linear(1, 1), b=M.nn.Linear(1, 1))); R = s.load_state_dict({'b.x': M.ones(1), 'a.weight': M.ones(1, 1)})",
    "m = M.nn.Module(); m.a = M.nn.Linear(1, 1); m.a = None; R = tuple(m.load_state_dict({'a.weight': M.ones(1, 1)}, strict=False))",
    "m = M.nn.Module(); m.register_buffer('s', M.tensor(1.)); m.p = M.nn.Parameter(M.tensor(1.)); m.load_state_dict({'s': M.tensor([2.]), 'p': M.tensor([3.])}); R = (m.s, m.p)",
    "m = M.nn.Module(); m.register_buffer('s', M.tensor(1.)); R = m.load_state_dict({'s': M.tensor([2., 3.])})",
    "m = M.nn.Linear(1, 1); w = M.full((1, 1), 7.); b = M.nn.Parameter(M.full((1,), 2.), requires_grad=False); m.load_state_dict({'weight': w, 'bias': b}, assign=True)\nwith M.no_grad(): w.fill_(9.)\nR = (type(m.weight).__name__, m.weight, m.bias is b, b.requires_grad, [n for n, _ in m.named_parameters()])",
    "m = M.nn.Linear(1, 1); m.register_buffer('f', M.zeros(2)); f = M.ones(2); m.load_state_dict({'weight': M.ones(1, 1), 'bias': M.ones(1), 'f': f}, assign=True); R = m.f is f",
    "R = list(M.nn.Linear(1, 1).state_dict(None, 'x.'))",
    "d = OrderedDict(); m = M.nn.Linear(1, 1); R = (m.state_dict(destination=d, prefix='p.') is d, list(d))",
    "R = [v.requires_grad for v in M.nn.Linear(1, 1).state_dict(None, '', True).values()]",
    # deep copies and Dropout's argument check
    "import copy\nclass MyP(M.nn.Parameter): pass\nR = type(copy.deepcopy(MyP(M.ones(1)))).__name__",
    "R = repr(M.nn.Dropout(float('nan')))",
    "R = M.nn.functional.dropout(M.ones(2), float('nan'))",
    "R = M.nn.Dropout(1.5)",
    # Embedding: padding_idx, repr, errors, gradients of repeated indices
    "R = (repr(M.nn.Embedding(10, 3)), repr(M.nn.Embedding(10, 3, padding_idx=0)), repr(M.nn.Embedding(10, 3, padding_idx=-1)), M.nn.Embedding(10, 3, padding_idx=-1).padding_idx)",
    "R = M.nn.Embedding(10, 3, padding_idx=10)",
    "R = M.nn.Embedding(10, 3, padding_idx=-11)",
    "e = M.nn.Embedding(10, 3, padding_idx=1); y = e(M.tensor([[1, 2], [2, 1]])); y.sum().backward(); R = (tuple(y.shape), e.weight.grad)",
    "e = M.nn.Embedding(10, 3); R = e(M.tensor([[1., 2.]]))",
    "e = M.nn.Embedding(10, 3); R = e(M.tensor([10]))",
    "e = M.nn.Embedding(5, 2); M.nn.init.ones_(e.weight); y = e(M.tensor([[0, 4, 4]])); (y * 2).sum().backward(); R = (y, e.weight.grad)",
    "e = M.nn.Embedding(10, 3, padding_idx=2); R = (e.weight[2], str(e.weight.dtype).split('.')[-1], tuple(e.weight.shape), e.weight.requires_grad, list(e.state_dict()), e.embedding_dim, e.num_embeddings, e.padding_idx)",
    "R = str(M.nn.Embedding(10, 3, dtype=M.float64).weight.dtype).split('.')[-1]",
    "R = repr(M.nn.Sequential(M.nn.Embedding(4, 2, padding_idx=-2), M.nn.Flatten()))",
]


_P = "p = M.tensor([1., 2.], dtype=M.float64, requires_grad=True); "
_WARNINGS = "import warnings\nwith warnings.catch_warnings(record=True) as caught:\n    warnings.simplefilter('always')\n"
OPTIM_PROGRAMS = [
    # a parameter listed twice: buffers read before any is written; the last index in state_dict
    _P
    + "opt = M.optim.SGD([p, p], lr=.1, momentum=.9); p.grad = M.tensor([1., -1.], dtype=M.float64); opt.step(); opt.step(); sd = opt.state_dict(); R = (p, sd['param_groups'][0]['params'], list(sd['state']))",
    _P
    + "opt = M.optim.SGD([p, p], lr=.1, momentum=.9, nesterov=True); p.grad = M.tensor([1., -1.], dtype=M.float64); opt.step(); opt.step(); R = p",
    _P
    + "q = M.tensor([3.], dtype=M.float64, requires_grad=True); opt = M.optim.Adam([{'params': [p, q, p]}, {'params': [M.zeros(1, requires_grad=True)]}]); p.grad = M.ones(2, dtype=M.float64); q.grad = M.ones(1, dtype=M.float64); opt.step(); sd = opt.state_dict(); R = ([g['params'] for g in sd['param_groups']], sorted(sd['state']), sd['state'][2]['step'], p)",
    # loading: options a saved group lacks get fixed defaults; AdamW stays decoupled; a numeric step
    _P
    + "a = M.optim.SGD([p], lr=.1, momentum=.9); sd = a.state_dict(); del sd['param_groups'][0]['nesterov']; b = M.optim.SGD([p], lr=.1, momentum=.9, nesterov=True); b.load_state_dict(sd); R = (b.param_groups[0]['nesterov'], b.param_groups[0]['fused'])",
    _P
    + "a = M.optim.Adam([p], lr=.1, weight_decay=.5); p.grad = M.ones(2, dtype=M.float64); a.step(); w = M.optim.AdamW([p], lr=.1, weight_decay=.5); w.load_state_dict(a.state_dict()); w.step(); R = (w.param_groups[0]['decoupled_weight_decay'], p)",
    _P
    + "a = M.optim.Adam([p], lr=.1); p.grad = M.ones(2, dtype=M.float64); a.step(); sd = a.state_dict(); sd['state'][0]['step'] = 1.0; b = M.optim.Adam([p], lr=.1); b.load_state_dict(sd); b.step(); R = (p, b.state[p]['step'])",
    _P
    + "a = M.optim.Adam([p]); sd = a.state_dict(); del sd['param_groups'][0]['amsgrad']; b = M.optim.Adam([p], amsgrad=True); b.load_state_dict(sd); R = b.param_groups[0]['amsgrad']",
    # hyperparameter checks that NaN fails
    _P + "R = M.optim.Adam([p], lr=float('nan'))",
    _P + "R = M.optim.Adam([p], eps=float('nan'))",
    _P + "R = M.optim.AdamW([p], weight_decay=float('nan'))",
    _P + "R = M.optim.SGD([p], lr=float('nan')).param_groups[0]['lr'] != 0",
    # schedulers
    _P
    + "opt = M.optim.SGD([p], lr=1.); s = M.optim.lr_scheduler.StepLR(opt, 2); opt.add_param_group({'params': [M.zeros(1, requires_grad=True)], 'lr': .5}); R = s.step(4)",
    _P
    + "opt = M.optim.SGD([p], lr=1.); s = M.optim.lr_scheduler.StepLR(opt, 2); opt.add_param_group({'params': [M.zeros(1, requires_grad=True)], 'lr': .5}); s.step(); R = s.step()",
    _P
    + "opt = M.optim.SGD([p], lr=1.); s = M.optim.lr_scheduler.StepLR(opt, 2)\n"
    + _WARNINGS
    + "    s.get_lr(); opt.step(); s.step()\nR = [str(w.message)[:40] for w in caught]",
    _P
    + "opt = M.optim.SGD([p], lr=1.); p.grad = M.ones(2, dtype=M.float64); opt.step(); s = M.optim.lr_scheduler.StepLR(opt, 2)\n"
    + _WARNINGS
    + "    s.step()\nR = ([str(w.message)[:40] for w in caught], s.get_last_lr())",
    _P
    + "class Plain(M.optim.Optimizer):\n    def step(self, closure=None): pass\nopt = Plain([p], {'lr': 1.}); s = M.optim.lr_scheduler.StepLR(opt, 1)\n"
    + _WARNINGS
    + "    opt.step(); s.step()\nR = ([str(w.message)[:40] for w in caught], s.get_last_lr())",
    # init and clipping: PyTorch's keyword arguments and spellings
    "R = tuple(M.nn.init.kaiming_uniform_(M.zeros(4, 3), mode='FAN_OUT', generator=None).shape)",
    "R = tuple(M.nn.init.xavier_normal_(M.zeros(4, 3), generator=None).shape)",
    "R = M.nn.init.kaiming_normal_(M.zeros(4, 3), mode='fan_middle')",
    _P
    + "p.grad = M.tensor([3., 4.], dtype=M.float64); n = M.nn.utils.clip_grad_norm_([p], 1., foreach=None); R = (n, p.grad)",
    _WARNINGS
    + "    n = M.nn.utils.clip_grad_norm_((q for q in []), 1.)\nR = [str(w.message)[:40] for w in caught]",
    # gradcheck: only outputs that require grad, unless none does; inputs that are not Tensors
    "x = M.tensor([.3, -1.2], dtype=M.float64, requires_grad=True); R = M.autograd.gradcheck(lambda a: (a * 2, a.detach() * 3), (x,))",
    "x = M.tensor([.3, -1.2], dtype=M.float64, requires_grad=True); R = M.autograd.gradcheck(lambda a: a.detach() * 3, (x,), raise_exception=False)",
    "x = M.tensor([.3, -1.2], dtype=M.float64, requires_grad=True); R = M.autograd.gradcheck(lambda a: a.detach() * 0, (x,))",
    "x = M.tensor([.3, -1.2], dtype=M.float64, requires_grad=True); R = M.autograd.gradcheck(lambda a, k: a * k, (x, 3.))",
    "x = M.tensor([.3, -1.2], dtype=M.float64, requires_grad=True); R = M.autograd.gradcheck(lambda a: (a * 2).float(), (x,), raise_exception=False)",
    "x = M.tensor([.3, -1.2], dtype=M.float64, requires_grad=True); R = M.autograd.gradcheck(lambda a: (a * 2).float(), (x,), atol=.1, rtol=.1, nondet_tol=0., fast_mode=True)",
    "x = M.tensor([.3, -1.2], dtype=M.float64, requires_grad=True); R = M.autograd.gradcheck(lambda a: a.exp(), (x,), 1e-6)",
]


@pytest.mark.parametrize("program", PROGRAMS + OPTIM_PROGRAMS)
def test_module_program_matches_pytorch(program):
    _matches_pytorch("from collections import OrderedDict\n" + program)
