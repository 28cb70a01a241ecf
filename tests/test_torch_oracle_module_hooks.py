# ruff: noqa: E501 - the programs are data, one per line
"""Module backward hooks against PyTorch, program by program.

Each program runs after ``PRELUDE`` with ``M`` bound to torch and to minigrad, through
test_torch_oracle_autograd's harness: both must raise (minigrad's exception an instance
of PyTorch's class) or leave the same ``R``. ``log`` holds what the hooks saw (their
order, the gradients' values and where they are None); R holds it and the ``.grad``s.
The weights are small integers, so float32 gives the same values in both.
"""

import pytest
from test_torch_oracle_autograd import test_program_matches_pytorch as _matches_pytorch

PRELUDE = """
log = []
def _copy(grads):
    return [None if g is None else g.clone() for g in grads]
def full(name):
    def hook(m, gi, go):
        log.append((name, "full", _copy(gi), _copy(go)))
    return hook
def pre(name):
    def hook(m, go):
        log.append((name, "pre", _copy(go)))
    return hook
def lin(w, b):
    m = M.nn.Linear(len(w[0]), len(w))
    with M.no_grad():
        m.weight.copy_(M.tensor(w)); m.bias.copy_(M.tensor(b))
    return m
class Pair(M.nn.Module):
    def forward(self, a, b, scale=1.):
        return a * b * scale, 3 * b, 7
class Id(M.autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.mark_non_differentiable(b)
        return a, b
    @staticmethod
    def backward(ctx, ga, gb):
        return ga, None
W = [[1., -2., 3.], [2., 1., -1.]]
X = [[1., 2., 3.], [-1., 0., 2.]]
G = M.tensor([[1., 2.], [3., 4.]])
"""

PROGRAMS = [
    # one Linear: what the hooks see, their order, the gradients after them
    "m = lin(W, [1., -2.]); m.register_full_backward_hook(full('m')); m.register_full_backward_pre_hook(pre('m')); x = M.tensor(X, requires_grad=True); (m(x) * G).sum().backward(); R = (log, x.grad, m.weight.grad, m.bias.grad)",
    "m = lin(W, [1., -2.]); m.register_full_backward_hook(full('m')); x = M.tensor(X, requires_grad=True); y = x * 2; (m(y) * G).sum().backward(); R = (log, x.grad, m.weight.grad)",
    "m = lin(W, [1., -2.]); m.register_full_backward_hook(full('m')); x = M.tensor(X, requires_grad=True); y = m(x); R = (y.grad_fn.name(), len(y.grad_fn.next_functions), y.is_leaf, y.requires_grad)",
    # order, prepend, several hooks, each seeing what the one before returned
    "m = lin(W, [0., 0.]); m.register_full_backward_hook(full('a')); m.register_full_backward_hook(full('b'), prepend=True); m.register_full_backward_pre_hook(pre('c')); m.register_full_backward_pre_hook(pre('d'), prepend=True); (m(M.tensor(X, requires_grad=True)) * G).sum().backward(); R = [entry[:2] for entry in log]",
    "m = lin(W, [0., 0.]); m.register_full_backward_hook(lambda mod, gi, go: (gi[0] * 2,)); m.register_full_backward_hook(full('after')); x = M.tensor(X, requires_grad=True); (m(x) * G).sum().backward(); R = (log, x.grad, m.weight.grad)",
    "m = lin(W, [0., 0.]); m.register_full_backward_pre_hook(lambda mod, go: (go[0] * -1,)); m.register_full_backward_hook(full('after')); x = M.tensor(X, requires_grad=True); (m(x) * G).sum().backward(); R = (log, x.grad, m.weight.grad, m.bias.grad)",
    "m = lin(W, [0., 0.]); m.register_full_backward_pre_hook(lambda mod, go: None); m.register_full_backward_hook(lambda mod, gi, go: (None,)); x = M.tensor(X, requires_grad=True); (m(x) * G).sum().backward(); R = (x.grad, m.weight.grad)",
    # wrong lengths, and a hook that raises
    "m = lin(W, [0., 0.]); m.register_full_backward_hook(lambda mod, gi, go: (gi[0], gi[0])); m(M.tensor(X, requires_grad=True)).sum().backward()",
    "m = lin(W, [0., 0.]); m.register_full_backward_pre_hook(lambda mod, go: ()); m(M.tensor(X, requires_grad=True)).sum().backward()",
    "m = lin(W, [0., 0.]); m.register_full_backward_hook(lambda mod, gi, go: 1 / 0); m(M.tensor(X, requires_grad=True)).sum().backward()",
    # no input requires grad: the full hook runs with Nones, and may not return gradients
    "m = lin(W, [0., 0.]); m.register_full_backward_hook(full('m')); m.register_full_backward_pre_hook(pre('m')); (m(M.tensor(X)) * G).sum().backward(); R = (log, m.weight.grad)",
    "m = lin(W, [0., 0.]); m.register_full_backward_hook(lambda mod, gi, go: (None,)); m(M.tensor(X)).sum().backward(); R = m.weight.grad",
    "m = lin(W, [0., 0.]); m.register_full_backward_hook(lambda mod, gi, go: (M.ones(2, 3),)); m(M.tensor(X)).sum().backward()",
    # nothing requires grad, or grad mode is off: no hook runs
    "m = lin(W, [0., 0.]).requires_grad_(False); m.register_full_backward_hook(full('m')); y = m(M.tensor(X)); R = (y.requires_grad, y.grad_fn is None, log)",
    "m = lin(W, [0., 0.]); m.register_full_backward_hook(full('m')); x = M.tensor(X, requires_grad=True)\nwith M.no_grad(): y = m(x)\nR = (y.requires_grad, log)",
    # several inputs and outputs, keywords, numbers, unused outputs
    "m = Pair(); m.register_full_backward_hook(full('m')); m.register_full_backward_pre_hook(pre('m')); a = M.tensor([1., 2.], requires_grad=True); b = M.tensor([3., 4.], requires_grad=True); p, q, r = m(a, b, scale=2.); (p + 10 * q).sum().backward(); R = (log, a.grad, b.grad, r, p.grad_fn is q.grad_fn)",
    "m = Pair(); m.register_full_backward_hook(full('m')); m.register_full_backward_pre_hook(pre('m')); a = M.tensor([1., 2.], requires_grad=True); b = M.tensor([3., 4.], requires_grad=True); m(a, b)[1].sum().backward(); R = (log, a.grad, b.grad)",
    "m = Pair(); m.register_full_backward_hook(full('m')); m.register_full_backward_pre_hook(pre('m')); a = M.tensor([1., 2.], requires_grad=True); b = M.tensor([3., 4.], requires_grad=True); m(a, b)[0].sum().backward(); R = (log, a.grad, b.grad)",
    "m = Pair(); m.register_full_backward_hook(full('m')); a = M.tensor([1., 2.], requires_grad=True); m(a, 5.)[0].sum().backward(); R = (log, a.grad)",
    "m = Pair(); m.register_full_backward_hook(full('m')); m.register_full_backward_pre_hook(pre('m')); a = M.tensor([1., 2.], requires_grad=True); b = M.tensor([3., 4.]); p, q, r = m(a, b); p.sum().backward(); R = (log, a.grad, b.grad, q.requires_grad)",
    "m = Pair(); m.register_full_backward_hook(full('m')); a = M.tensor([1., 2.], requires_grad=True); p, q, r = m(a, a); (p + q).sum().backward(); R = (log, a.grad)",
    "m = Pair(); m.register_full_backward_hook(lambda mod, gi, go: (gi[1], None)); a = M.tensor([1., 2.], requires_grad=True); b = M.tensor([3., 4.], requires_grad=True); p, q, r = m(a, b); (p + q).sum().backward(); R = (a.grad, b.grad)",
    # leaves and non-leaves, a module called twice, nested modules
    "m = lin([[2.]], [1.]); m.register_full_backward_hook(full('m')); m.register_full_backward_pre_hook(pre('m')); x = M.tensor([[3.]], requires_grad=True); m(m(x)).sum().backward(); R = (log, x.grad, m.weight.grad, m.bias.grad)",
    "a = lin(W, [1., -2.]); r = M.nn.ReLU(); s = M.nn.Sequential(a, r, M.nn.Tanh()); s.register_full_backward_hook(full('seq')); a.register_full_backward_hook(full('lin')); r.register_full_backward_hook(full('relu')); r.register_full_backward_pre_hook(pre('relu')); x = M.tensor(X, requires_grad=True); y = s(x); (y * 0 + y.detach() * 0 + s[0](x)).sum().backward(); R = ([e[:2] for e in log], x.grad)",
    "a = lin(W, [1., -2.]); r = M.nn.ReLU(); s = M.nn.Sequential(a, r); s.register_full_backward_hook(full('seq')); a.register_full_backward_hook(full('lin')); r.register_full_backward_hook(full('relu')); r.register_full_backward_pre_hook(pre('relu')); x = M.tensor(X, requires_grad=True); (s(x) * G).sum().backward(); R = (log, x.grad, a.weight.grad)",
    "a = lin(W, [1., -2.]); s = M.nn.Sequential(a, M.nn.Sigmoid()); a.register_full_backward_pre_hook(pre('lin')); x = M.tensor(X, requires_grad=True); (s(x) * G).sum().backward(); R = ([e[:2] for e in log], len(log[0][2]))",
    # removal: before the forward it is gone; after it the call keeps the hook (as PyTorch)
    "m = lin(W, [0., 0.]); h = m.register_full_backward_hook(full('m')); h.remove(); m(M.tensor(X, requires_grad=True)).sum().backward(); R = log",
    "m = lin(W, [0., 0.]); h = m.register_full_backward_hook(full('m')); y = m(M.tensor(X, requires_grad=True)); h.remove(); m.register_full_backward_pre_hook(pre('late')); y.sum().backward(); R = [e[:2] for e in log]",
    # retain_graph and autograd.grad
    "m = lin(W, [0., 0.]); m.register_full_backward_hook(full('m')); x = M.tensor(X, requires_grad=True); y = (m(x) * G).sum(); y.backward(retain_graph=True); y.backward(); R = (log, x.grad)",
    "m = lin(W, [0., 0.]); m.register_full_backward_hook(full('m')); x = M.tensor(X, requires_grad=True); g = M.autograd.grad((m(x) * G).sum(), x); R = (log, g, x.grad, m.weight.grad)",
    # an output that is neither a Tensor nor a tuple: no hook runs
    "class L(M.nn.Module):\n    def forward(self, x): return [x * 2]\nm = L(); m.register_full_backward_hook(full('m')); x = M.tensor([1., 2.], requires_grad=True); m(x)[0].sum().backward(); R = (log, x.grad)",
    # in-place modules and Functions that return an input as it is
    "m = M.nn.ReLU(inplace=True); m.register_full_backward_hook(full('m')); x = M.tensor([-1., 2.], requires_grad=True); y = m(x)",
    "m = M.nn.ReLU(inplace=True); m.register_full_backward_hook(full('m')); x = M.tensor([-1., 2.], requires_grad=True); y = m(x * 1)",
    "m = M.nn.ReLU(inplace=True); m.register_full_backward_pre_hook(pre('m')); x = M.tensor([-1., 2.], requires_grad=True); y = m(x * 1)",
    "m = M.nn.ReLU(inplace=True); m.register_full_backward_hook(full('m')); x = M.tensor([-1., 2.]); R = (m(x), x, log)",
    "m = M.nn.Sequential(M.nn.Linear(2, 2), M.nn.ReLU(inplace=True)); m[1].register_full_backward_hook(full('m')); y = m(M.ones(1, 2))",
    "a = M.tensor([1.], requires_grad=True); b = M.tensor([2.]); p, q = Id.apply(a * 1, b); q.add_(1); R = (p.requires_grad, q.requires_grad, q, b)",
    "a = M.tensor([1.], requires_grad=True); b = M.tensor([2.]); p, q = Id.apply(a * 1, b); p.add_(1)",
    "a = M.tensor([1.], requires_grad=True); b = M.tensor([2.]); p, q = Id.apply(a * 1, b); p[0:1].mul_(2)",
    "a = M.tensor([1.], requires_grad=True); b = M.tensor([2.]); p, q = Id.apply(a * 1, b)\nwith M.no_grad(): p.add_(1)\nR = p",
]


@pytest.mark.parametrize("program", PROGRAMS)
def test_module_hooks_match_pytorch(program):
    _matches_pytorch(PRELUDE + program)
