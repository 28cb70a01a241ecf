# ruff: noqa: E501 - the programs are data, one per line
"""The graph's nodes as PyTorch users walk and hook them, against PyTorch: the graph
walked through next_functions (AccumulateGrad for a leaf, None for an input that needs
no gradient, numbers not inputs), a node's register_prehook / register_hook, an
AccumulateGrad's hooks and Tensor.register_post_accumulate_grad_hook: values, order
and errors."""

import numpy as np
import pytest
from test_torch_oracle_autograd import test_program_matches_pytorch as _matches_pytorch
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

LEAF = "x = M.tensor([1., 2., 3.], requires_grad=True); c = M.tensor([4., 5., 6.]); L = []; "
PIECES = "x = M.tensor([1., 2., 3., 4.], requires_grad=True); L = []; a, b = x.split(2); "
FUNCS = (
    "class Two(M.autograd.Function):\n    @staticmethod\n    def forward(ctx, a):\n        return a * 2, a.argmax()\n"
    "    @staticmethod\n    def backward(ctx, g, gi):\n        return g * 2\n"
    "class Both(M.autograd.Function):\n    @staticmethod\n    def forward(ctx, a):\n        return a * 2, a * 3\n"
    "    @staticmethod\n    def backward(ctx, g1, g2):\n        return g1 * 2 + g2 * 3\n"
    "x = M.tensor([1., 2., 3.], requires_grad=True); L = []\n"
)

PROGRAMS = [
    # next_functions: a leaf's AccumulateGrad (one per leaf), None for what needs no gradient
    LEAF + "R = [(n is None, k) for n, k in (x * 2).grad_fn.next_functions]",
    LEAF + "R = [(n is None, k) for n, k in (c + x).grad_fn.next_functions]",
    LEAF + "n = (x * c).grad_fn.next_functions[0][0]; R = (n.name(), n.variable is x, n.next_functions, n.metadata)",
    LEAF + "R = (x * 2).grad_fn.next_functions[0][0] is (x + c).grad_fn.next_functions[0][0]",
    LEAF + "y = (x * c).exp().sum(); R = [n.name().rstrip('0123456789') for n, _ in y.grad_fn.next_functions[0][0].next_functions]",
    LEAF + "y = x * c; y.grad_fn.metadata['k'] = 1; R = (y.grad_fn.metadata, (x + 1).grad_fn.metadata)",
    # a node's prehooks and hooks: what they see, in which order, and what they replace
    LEAF + "y = x * c; y.grad_fn.register_prehook(lambda go: L.append(('pre', go))); y.grad_fn.register_hook(lambda gi, go: L.append(('hook', gi, go))); y.sum().backward(); R = (L, x.grad)",
    LEAF + "y = x * c; y.grad_fn.register_hook(lambda gi, go: L.append('hook')); y.grad_fn.register_prehook(lambda go: L.append('pre')); y.register_hook(lambda g: L.append('tensor')); y.retain_grad(); y.sum().backward(); R = (L, y.grad)",
    LEAF + "y = x * c; y.grad_fn.register_prehook(lambda go: (go[0] * 2,)); y.grad_fn.register_prehook(lambda go: L.append(go)); y.sum().backward(); R = (L, x.grad)",
    LEAF + "y = x * c; y.grad_fn.register_hook(lambda gi, go: (gi[0] + 1, None)); y.grad_fn.register_hook(lambda gi, go: L.append(gi)); y.sum().backward(); R = (L, x.grad)",
    LEAF + "y = x * c; y.register_hook(lambda g: g * 3); y.grad_fn.register_prehook(lambda go: L.append(go)); y.sum().backward(); R = (L, x.grad)",
    LEAF + "y = x * c; y.grad_fn.register_prehook(lambda go: (None,)); (y.sum() + x.sum()).backward(); R = x.grad",
    LEAF + "y = x * c; y.grad_fn.register_hook(lambda gi, go: (None, None)); (y.sum() + x.sum()).backward(); R = x.grad",
    LEAF + "y = x * c; h = y.grad_fn.register_hook(lambda gi, go: (gi[0] * 0, None)); h.remove(); y.sum().backward(); R = x.grad",
    LEAF + "y = x * c; y.grad_fn.register_prehook(lambda go: L.append(M.is_grad_enabled())); y.sum().backward(); R = L",
    LEAF + "y = x * c; y.grad_fn.register_hook(lambda gi, go: L.append(1)); s = y.sum(); s.backward(retain_graph=True); s.backward(); R = (L, x.grad)",
    LEAF + "y = x * c; z = y * y; y.grad_fn.register_hook(lambda gi, go: L.append(gi)); R = (M.autograd.grad(z.sum(), x), L, x.grad)",
    LEAF + "w = M.tensor([2.], requires_grad=True); y = x * w; y.grad_fn.register_hook(lambda gi, go: L.append([tuple(g.shape) for g in gi])); y.sum().backward(); R = (L, w.grad)",
    LEAF + "y = x.double() * 2; y.grad_fn.register_hook(lambda gi, go: L.append((gi[0].dtype == M.float32, go[0].dtype == M.float64))); y.sum().backward(); R = (L, x.grad)",
    LEAF + "y = (x * c).sum(); y.grad_fn.register_prehook(lambda go: (go[0] * 10,)); y.backward(); R = x.grad",
    LEAF + "w = M.ones(3, requires_grad=True); y = x + w; y.grad_fn.register_prehook(lambda go: (go[0] * 2,)); y.sum().backward(); (x * 3).sum().backward(); R = (x.grad, w.grad)",
    LEAF + "w = M.ones(3, requires_grad=True); t = M.ones(3); y = x + w; y.grad_fn.register_hook(lambda gi, go: (t, t)); y.sum().backward(); (x * 3).sum().backward(); R = (x.grad, w.grad, t)",
    LEAF + "y = x * c; z = y + y; y.grad_fn.register_prehook(lambda go: L.append(go)); z.sum().backward(); R = (L, x.grad)",
    # what a hook may return
    LEAF + "y = x * c; y.grad_fn.register_hook(lambda gi, go: (gi[0],)); y.sum().backward()",
    LEAF + "y = x * c; y.grad_fn.register_hook(lambda gi, go: gi[0]); y.sum().backward()",
    LEAF + "y = x * c; y.grad_fn.register_hook(lambda gi, go: [gi[0], None]); y.sum().backward()",
    LEAF + "y = x * c; y.grad_fn.register_hook(lambda gi, go: (1, None)); y.sum().backward()",
    LEAF + "y = x * c; y.grad_fn.register_hook(lambda gi, go: (M.ones(2), None)); y.sum().backward()",
    LEAF + "y = x * c; y.grad_fn.register_hook(lambda gi, go: (gi[0].double(), None)); y.sum().backward()",
    LEAF + "y = x * c; y.grad_fn.register_hook(lambda gi, go: (gi[0], M.ones(3))); y.sum().backward()",
    LEAF + "y = x * c; y.grad_fn.register_prehook(lambda go: (go[0], go[0])); y.sum().backward()",
    LEAF + "y = x * c; y.grad_fn.register_prehook(lambda go: go[0]); y.sum().backward()",
    LEAF + "y = x * c; y.grad_fn.register_prehook(lambda go: (M.ones(2),)); y.sum().backward()",
    # an op with several outputs: one node, its prehooks see every output's gradient
    PIECES + "n = a.grad_fn; n.register_prehook(lambda go: L.append(go)); n.register_hook(lambda gi, go: L.append(gi)); (a * 2).sum().backward(); R = (L, x.grad)",
    PIECES + "n = a.grad_fn; n.register_prehook(lambda go: (go[0] * 3, go[1])); (a * 2 + b).sum().backward(); R = x.grad",
    PIECES + "n = b.grad_fn; n.register_prehook(lambda go: (None, go[1])); (a * 2 + b).sum().backward(); R = x.grad",
    PIECES + "a.grad_fn.register_prehook(lambda go: (go[0], M.ones(2))); (a * 2).sum().backward()",
    PIECES + "a.grad_fn.register_hook(lambda gi, go: (gi[0] * 0,)); (a * 2 + b).sum().backward(); R = x.grad",
    # a Function's node: one gradient per output in its hooks, None for the others
    FUNCS + "p, i = Two.apply(x); n = p.grad_fn; n.register_prehook(lambda go: L.append(go)); n.register_hook(lambda gi, go: L.append((gi, go))); p.sum().backward(); R = (L, x.grad)",
    FUNCS + "p, i = Two.apply(x); p.grad_fn.register_prehook(lambda go: (go[0] * 3, None)); p.sum().backward(); R = x.grad",
    FUNCS + "p, i = Two.apply(x); p.grad_fn.register_prehook(lambda go: (go[0], M.ones(1))); p.sum().backward()",
    FUNCS + "p, q = Both.apply(x); p.grad_fn.register_prehook(lambda go: L.append(go)); (p * 2).sum().backward(); R = (L, x.grad)",
    FUNCS + "p, q = Both.apply(x); p.grad_fn.register_prehook(lambda go: (go[0], go[0] * 0 if go[1] is None else go[1] * 5)); (p + q).sum().backward(); R = x.grad",
    # a leaf's AccumulateGrad: its hooks, in order with the leaf's own
    LEAF + "acc = (x * c).grad_fn.next_functions[0][0]; acc.register_prehook(lambda go: L.append(('pre', go))); acc.register_hook(lambda gi, go: L.append(('hook', gi, go))); x.register_hook(lambda g: L.append(('tensor', g))); x.register_post_accumulate_grad_hook(lambda t: L.append(('post', t.grad))); (x * c).sum().backward(); R = (L, x.grad)",
    LEAF + "acc = (x * c).grad_fn.next_functions[0][0]; acc.register_prehook(lambda go: (go[0] * 10,)); (x * c).sum().backward(); (x * 2).sum().backward(); R = x.grad",
    LEAF + "acc = (x * c).grad_fn.next_functions[0][0]; acc.register_prehook(lambda go: (None,)); (x * c).sum().backward(); R = x.grad",
    LEAF + "acc = (x * c).grad_fn.next_functions[0][0]; acc.register_hook(lambda gi, go: ()); (x * c).sum().backward(); R = x.grad",
    LEAF + "acc = (x * c).grad_fn.next_functions[0][0]; acc.register_hook(lambda gi, go: (go[0],)); (x * c).sum().backward()",
    LEAF + "acc = (x * c).grad_fn.next_functions[0][0]; acc.register_prehook(lambda go: L.append(go)); x.register_post_accumulate_grad_hook(lambda t: L.append(t.grad)); R = (M.autograd.grad((x * c).sum(), x), L, x.grad)",
    LEAF + "x.register_post_accumulate_grad_hook(lambda t: L.append(t.grad.clone())); (x * c).sum().backward(); (x * x).sum().backward(); R = (L, x.grad)",
    LEAF + "h = x.register_post_accumulate_grad_hook(lambda t: L.append(1)); h.remove(); (x * c).sum().backward(); R = (L, x.grad)",
    LEAF + "x.register_post_accumulate_grad_hook(lambda t: L.append(t.grad.clone())); (x * c).sum().backward(inputs=[x]); R = L",
    LEAF + "x.register_post_accumulate_grad_hook(lambda t: t.grad.mul_(0.5)); (x * c).sum().backward(); R = x.grad",
    LEAF + "(x * 2).register_post_accumulate_grad_hook(lambda t: None)",
    LEAF + "c.register_post_accumulate_grad_hook(lambda t: None)",
]  # fmt: skip


@pytest.mark.parametrize("program", PROGRAMS)
def test_node_program_matches_pytorch(program):
    _matches_pytorch(program)


# Left out, as divergences: matmul's node is MatmulBackward (PyTorch names it Mm, Mv, Bmm
# ... after the kernel it picks), and nn.Linear's and cross_entropy's are one fused node each.
GRAPHS = [
    "x * 2", "2 * x", "x + 2", "2 - x", "2 / x", "x ** 2", "2 ** x", "x ** w", "-x", "x * c",
    "c * x", "c - x", "x / c", "x.square()", "x.pow(M.tensor(2.))", "x.sqrt().exp()",
    "x.clamp(min=0)", "x.clamp(-0.5, 0.5)", "x.clamp(min=M.tensor(0.))", "x.clamp(max=w)",
    "x.clamp_min(0.1)", "x.clamp_min(M.tensor(0.1))", "x.clamp_max(w)", "x.clamp_max(1.)",
    "x.masked_fill(c > 1, 0.)", "x.masked_fill(c > 1, M.tensor(0.))",
    "x.masked_fill(c > 1, v[0])", "M.where(c > 1, x, 0.)", "M.where(c > 1, 1., x)",
    "M.maximum(x, w)", "M.minimum(x, c)", "x.sum(0) * v", "(x * w).mean()", "x.var(1)",
    "x.amax(1)", "x.max(1)[0]", "x.reshape(3, 2).T", "x.permute(1, 0)", "x.unsqueeze(0)",
    "x[:, :1].expand(2, 3)", "x[0]", "x[:, 1]", "x[..., None]", "x[[0, 1, 0]]", "x[c > 1]",
    "M.cat([x, w])", "M.cat([x, c])", "M.stack([c, x])", "x.split(1, 1)[1] * x.split(1, 1)[2]",
    "x.unbind(1)[0]", "x.softmax(1)", "x.log_softmax(0)",
    "M.nn.functional.normalize(x)", "M.nn.functional.mse_loss(x, c)",
    "M.nn.functional.nll_loss(x.log_softmax(1), M.tensor([1, 0]))",
    "M.nn.functional.binary_cross_entropy(x.sigmoid(), c / 4)",
    "M.nn.functional.binary_cross_entropy_with_logits(x, c / 4)",
    "M.nn.functional.layer_norm(x, (3,), w[0], v)", "M.nn.functional.gelu(x)",
    "x.detach() * w", "x.double() * 2", "(x * w).sum() * (x + w).mean()", "x * x",
    "x.gather(1, M.tensor([[0], [2]]))", "x.index_select(1, M.tensor([0, 2]))",
    "x[0, 1]", "x[0, None]", "x[1:, 1:]", "x[None, :, None]", "x[0, :2]", "x[..., 1:]",
    "x[:, None, ::2]", "x[-1, ..., None]", "x[1:][0]", "x[:]", "x[...]", "x[:, :]",
    "x % 2", "x % w", "(x * 1).zero_()", "(x * 1).fill_(2.)", "(x * 1).fill_(v[0])",
    "(x * 1).copy_(w)", "M.zeros(2, 3).copy_(x)", "(x * 1).exp_()", "(x * 1).pow_(2)",
    "(x * 1).clamp_min_(0.)", "(x * 1).sigmoid_().neg_()",
    "M.nn.functional.conv2d(x[None, None], w[None, None, :, :2])",
    "M.nn.functional.conv2d(x[None, None], w[None, None, :, :2], v[:1])",
    "M.nn.functional.batch_norm(x, None, None, v, v, training=True)",
    "M.nn.functional.pad(x[None], (1, 1), mode='reflect')", "M.addmm(v[:2], x, w.T)",
    "x.T.reshape(-1)", "x.transpose(1, 0).reshape(3, 2)", "x.T.flatten()", "x[:, ::2].reshape(4)",
    "x.reshape(3, 2)", "x.T.reshape(3, 2)", "x[0].reshape(3, 1)", "(x * 1).T.reshape(-1).unsqueeze(0)",
]  # fmt: skip


def _graph(fn, seen):
    """The graph below ``fn`` as nested (name, [(child, output_nr), ...]), names without
    PyTorch's version digit, each node spelled out once (then "#k")."""
    if fn is None:
        return None
    if id(fn) in seen:
        return f"#{seen[id(fn)]}"
    seen[id(fn)] = len(seen)
    name = fn.name().rstrip("0123456789")
    return name, [(_graph(n, seen), k) for n, k in fn.next_functions]


@pytest.mark.parametrize("expr", GRAPHS)
def test_graph_walked_through_next_functions_matches_pytorch(expr):
    graphs = []
    for M in (torch, mg):
        x = M.tensor([[0.5, -0.25, 2.0], [0.75, 0.125, -1.5]], requires_grad=True)
        w = M.tensor([[1.5, 0.5, -0.5], [0.25, 1.0, 2.0]], requires_grad=True)
        c = M.tensor([[2.0, 3.0, 4.0], [1.0, 0.5, 0.25]])
        v = M.tensor([1.0, 2.0, 3.0], requires_grad=True)
        out = eval(expr, {"M": M, "x": x, "w": w, "c": c, "v": v, "np": np})
        graphs.append(_graph(out.grad_fn, {}))
    assert graphs[1] == graphs[0]
