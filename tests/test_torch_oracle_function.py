# ruff: noqa: E501 - the programs are data, one per line
"""Custom ``autograd.Function``s against PyTorch, program by program: gradients, saved
tensors, inputs that are not tensors, keyword arguments, what ``backward`` may return
(and the errors when it returns something else), non-differentiable outputs, hooks,
``autograd.grad`` and in-place changes. Each program runs after ``FUNCTIONS`` (a few
Functions written against ``M``) and binds its result to ``R``; both frameworks must
give the same result or raise the same class of exception."""

import pytest
from test_torch_oracle_autograd import test_program_matches_pytorch as _matches_pytorch
from torch_oracle import import_torch

torch = import_torch()

FUNCTIONS = """
Function = M.autograd.Function

class Exp(Function):  # saves its output
    @staticmethod
    def forward(ctx, x):
        r = x.exp()
        ctx.save_for_backward(r)
        return r

    @staticmethod
    def backward(ctx, g):
        (r,) = ctx.saved_tensors
        return g * r

class Mul(Function):  # two tensor inputs, saved
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return g * b, g * a

class Scale(Function):  # a number among the inputs, kept on ctx
    @staticmethod
    def forward(ctx, x, k=2.0):
        ctx.k = k
        return x * k

    @staticmethod
    def backward(ctx, g):
        return g * ctx.k, None

class Ret(Function):  # backward returns whatever ret(g) gives
    @staticmethod
    def forward(ctx, x, ret):
        ctx.ret = ret
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return ctx.ret(g)

class Id(Function):  # returns its input as it is
    @staticmethod
    def forward(ctx, x):
        return x

    @staticmethod
    def backward(ctx, g):
        return g

class Square(Function):  # forward without ctx, and setup_context
    @staticmethod
    def forward(x):
        return x * x

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0])

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 2 * g * x

class Top(Function):  # a second, integer output (no gradient)
    @staticmethod
    def forward(ctx, x):
        return x * 2, x.argmax()

    @staticmethod
    def backward(ctx, g, g_index):
        ctx.g_index = g_index
        return g * 2

class Marked(Function):  # a float output marked non-differentiable
    @staticmethod
    def forward(ctx, x):
        y, z = x * 2, x * 3
        ctx.mark_non_differentiable(z)
        ctx.set_materialize_grads(ctx.materialize)
        return y, z

    @staticmethod
    def backward(ctx, g, gz):
        ctx.gz = gz
        return g * 2

class MyReLU(Function):  # PyTorch's tutorial example
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        g = g.clone()
        g[x < 0] = 0
        return g

x = M.tensor([1., 2.], dtype=M.float64, requires_grad=True)
"""

PROGRAMS = [
    # gradients
    "y = Exp.apply(x); y.sum().backward(); R = (y, x.grad, y.grad_fn.name(), y.requires_grad, y.is_leaf)",
    "y = Exp.apply(x); y.sum().backward(retain_graph=True); y.sum().backward(); R = x.grad",
    "y = Exp.apply(x); y.sum().backward(); y.sum().backward()",
    "y = Exp.apply(x); y.sum().backward(); R = y.grad_fn.saved_tensors",
    "b = M.tensor([3., 4.]); y = Mul.apply(x, b); y.sum().backward(); R = (y, x.grad, b.grad, y.grad_fn.needs_input_grad)",
    "a = M.tensor([[1., 2.], [3., 4.]], requires_grad=True); y = Mul.apply(a, x); y.sum().backward(); R = (y, a.grad, x.grad)",
    "y = Exp.apply(x); z = Mul.apply(y, y); z.sum().backward(); R = (z, x.grad)",
    "y = Exp.apply(x * 3); z = (y * x).sum() + Square.apply(y).sum(); z.backward(); R = (z, x.grad)",
    "h = x * 1; y = MyReLU.apply(h - 1.5); (y * M.tensor([2., 3.])).sum().backward(); R = (y, x.grad)",
    "y = Square.apply(x); y.sum().backward(); R = (y, x.grad, y.grad_fn.name())",
    "R = (Exp.apply(M.tensor([1.])).grad_fn, Exp.apply(M.tensor([1.])).requires_grad)",
    "with M.no_grad(): y = Exp.apply(x)\nR = (y.requires_grad, y.grad_fn)",
    "xd = M.tensor([1., 2.], dtype=M.float64, requires_grad=True); y = Scale.apply(xd.float(), 3.0); y.sum().backward(); R = (y, xd.grad)",
    "y = Scale.apply(x.double(), 3.0); y.sum().backward(); R = (y, x.grad)",
    # inputs that are not tensors, keyword arguments
    "y = Scale.apply(x, 3.0); y.sum().backward(); R = (x.grad, y.grad_fn.k, y.grad_fn.needs_input_grad, len(y.grad_fn.next_functions))",
    "y = Scale.apply(x); y.sum().backward(); R = (x.grad, y.grad_fn.needs_input_grad)",
    "y = Scale.apply(x, k=5.0); y.sum().backward(); R = (x.grad, y.grad_fn.needs_input_grad)",
    "y = Scale.apply(x, M.tensor(3.)); y.sum().backward(); R = x.grad",
    # what backward returns
    "Ret.apply(x, lambda g: g).sum().backward()",
    "Ret.apply(x, lambda g: (g, None)).sum().backward(); R = x.grad",
    "Ret.apply(x, lambda g: (g, None, None)).sum().backward(); R = x.grad",
    "Ret.apply(x, lambda g: (g, None, M.ones(1))).sum().backward()",
    "Ret.apply(x, lambda g: (g, M.ones(1))).sum().backward()",
    "Ret.apply(x, lambda g: (g.numpy(), None)).sum().backward()",
    "Ret.apply(x, lambda g: (2.0, None)).sum().backward()",
    "Ret.apply(x, lambda g: (M.ones(3), None)).sum().backward()",
    "Ret.apply(x, lambda g: (g.sum(), None)).sum().backward()",
    "Ret.apply(x, lambda g: (M.ones(4, 2), None)).sum().backward(); R = x.grad",
    "Ret.apply(x, lambda g: (M.ones(1), None)).sum().backward(); R = x.grad",
    "Ret.apply(x, lambda g: (None, None)).sum().backward(); R = x.grad",
    "Ret.apply(x, lambda g: (g.double() * 3, None)).sum().backward(); R = x.grad",
    "Ret.apply(x, lambda g: (g.long(), None)).sum().backward(); R = x.grad",
    "b = M.tensor([3., 4.]); Mul.apply(x, b); y = Ret.apply(x, lambda g: (g, None)) + Ret.apply(x, lambda g: (g * 2, None)); y.sum().backward(); R = x.grad",
    "y = Ret.apply(x, lambda g: (g * 0, None)); y.sum().backward(); R = x.grad",
    "p = M.tensor([1., 2.], requires_grad=True); q = M.tensor([5., 6.], requires_grad=True); Mul.apply(p, q).sum().backward(); Mul.apply(p, q).sum().backward(); R = (p.grad, q.grad)",
    # outputs
    "y = Id.apply(x); y.sum().backward(); R = (y is x, y, x.grad, y.grad_fn.name())",
    "with M.no_grad(): y = Id.apply(x)\nR = (y is x, y.requires_grad)",
    "v, i = Top.apply(x); v.sum().backward(); R = (v, i, v.grad_fn.name(), i.requires_grad, i.grad_fn, x.grad, v.grad_fn.g_index)",
    "Marked.materialize = True; y, z = Marked.apply(x); y.sum().backward(); R = (y, z, z.requires_grad, z.grad_fn, x.grad, y.grad_fn.gz)",
    "Marked.materialize = False; y, z = Marked.apply(x); y.sum().backward(); R = (x.grad, y.grad_fn.gz)",
    "y, z = Marked.apply(x) if (setattr(Marked, 'materialize', True) or True) else 0; z.sum().backward()",
    # several outputs with gradients
    "class Two(Function):\n    @staticmethod\n    def forward(ctx, a, b):\n        ctx.save_for_backward(a, b)\n        return a * b, a + b, a.argmax()\n    @staticmethod\n    def backward(ctx, g1, g2, g3):\n        a, b = ctx.saved_tensors\n        ctx.g3 = g3\n        return g1 * b + g2, g1 * a + g2\ny = M.tensor([3., 5.], dtype=M.float64, requires_grad=True); p, s, i = Two.apply(x, y); ((p * p).sum() + (s * 3).sum()).backward(); R = (p, s, i, x.grad, y.grad, p.grad_fn.name(), s.grad_fn.name(), i.requires_grad)",
    "class Two(Function):\n    @staticmethod\n    def forward(ctx, a, b):\n        ctx.save_for_backward(a, b)\n        return a * b, a + b, a.argmax()\n    @staticmethod\n    def backward(ctx, g1, g2, g3):\n        a, b = ctx.saved_tensors\n        ctx.g3 = g3\n        return g1 * b + g2, g1 * a + g2\ny = M.tensor([3., 5.], dtype=M.float64, requires_grad=True); p, s, i = Two.apply(x, y); s.sum().backward(); R = (x.grad, y.grad)",
    "class Two(Function):\n    @staticmethod\n    def forward(ctx, a, b):\n        ctx.save_for_backward(a, b)\n        return a * b, a + b, a.argmax()\n    @staticmethod\n    def backward(ctx, g1, g2, g3):\n        a, b = ctx.saved_tensors\n        ctx.g3 = g3\n        return g1 * b + g2, g1 * a + g2\ny = M.tensor([3., 5.], dtype=M.float64); p, s, i = Two.apply(x, y); p.sum().backward(retain_graph=True); p.sum().backward(); R = x.grad",
    "class Two(Function):\n    @staticmethod\n    def forward(ctx, a, b):\n        ctx.save_for_backward(a, b)\n        return a * b, a + b, a.argmax()\n    @staticmethod\n    def backward(ctx, g1, g2, g3):\n        a, b = ctx.saved_tensors\n        ctx.g3 = g3\n        return g1 * b + g2, g1 * a + g2\ny = M.tensor([3., 5.], dtype=M.float64, requires_grad=True); p, s, i = Two.apply(x, y); s.register_hook(lambda g: g * 10); p.retain_grad(); (p + s).sum().backward(); R = (x.grad, y.grad, p.grad)",
    "class Two(Function):\n    @staticmethod\n    def forward(ctx, a, b):\n        ctx.save_for_backward(a, b)\n        return a * b, a + b, a.argmax()\n    @staticmethod\n    def backward(ctx, g1, g2, g3):\n        a, b = ctx.saved_tensors\n        ctx.g3 = g3\n        return g1 * b + g2, g1 * a + g2\ny = M.tensor([3., 5.], dtype=M.float64, requires_grad=True); p, s, i = Two.apply(x, y); R = M.autograd.grad((p * s).sum(), [x, y, p])",
    "class Two(Function):\n    @staticmethod\n    def forward(ctx, a, b):\n        ctx.save_for_backward(a, b)\n        return a * b, a + b, a.argmax()\n    @staticmethod\n    def backward(ctx, g1, g2, g3):\n        a, b = ctx.saved_tensors\n        ctx.g3 = g3\n        return g1 * b + g2, g1 * a + g2\ny = M.tensor([3., 5.], dtype=M.float64, requires_grad=True); p, s, i = Two.apply(x, y); R = M.autograd.grad(p.sum(), [s], allow_unused=True)",
    "class Two(Function):\n    @staticmethod\n    def forward(ctx, a, b):\n        ctx.save_for_backward(a, b)\n        return a * b, a + b, a.argmax()\n    @staticmethod\n    def backward(ctx, g1, g2, g3):\n        a, b = ctx.saved_tensors\n        ctx.g3 = g3\n        return g1 * b + g2, g1 * a + g2\ny = M.tensor([3., 5.], dtype=M.float64, requires_grad=True); p, s, i = Two.apply(x, y); y.mul_(2) if False else None; p2, s2, _ = Two.apply(p, s); (p2 * s2).sum().backward(); R = (x.grad, y.grad)",
    "class Two(Function):\n    @staticmethod\n    def forward(ctx, a, b):\n        ctx.save_for_backward(a, b)\n        return a * b, a + b, a.argmax()\n    @staticmethod\n    def backward(ctx, g1, g2, g3):\n        a, b = ctx.saved_tensors\n        ctx.g3 = g3\n        return g1 * b + g2, g1 * a + g2\ny = M.tensor([3., 5.], dtype=M.float64, requires_grad=True); p, s, i = Two.apply(x, y); R = (p.grad_fn is s.grad_fn, i.grad_fn, [k for _, k in (s * p).grad_fn.next_functions])",
    "class Two(Function):\n    @staticmethod\n    def forward(ctx, a):\n        return a * 2, a * 3\n    @staticmethod\n    def backward(ctx, g1, g2):\n        return g1 * 2 + g2 * 3\na, b = Two.apply(x); a.sum().backward(); b.sum().backward(); R = x.grad",
    "class Two(Function):\n    @staticmethod\n    def forward(ctx, a):\n        ctx.save_for_backward(a)\n        return a * 2, a * 3\n    @staticmethod\n    def backward(ctx, g1, g2):\n        (a,) = ctx.saved_tensors\n        return g1 * 2 + g2 * 3 * a\na, b = Two.apply(x); a.sum().backward(); b.sum().backward()",
    # hooks, retain_grad, autograd.grad
    "y = Exp.apply(x); y.retain_grad(); y.register_hook(lambda g: g * 10); (y * 3).sum().backward(); R = (x.grad, y.grad)",
    "R = M.autograd.grad(Exp.apply(x).sum(), x)",
    "y = Exp.apply(x); R = M.autograd.grad((y * y).sum(), [y, x])",
    "b = M.tensor([3., 4.], requires_grad=True); R = M.autograd.grad(Mul.apply(x, b).sum(), [b])",
    # in-place changes
    "y = Exp.apply(x * 1); y.add_(1); y.sum().backward()",
    "a = x * 1; y = Mul.apply(a, x); a.mul_(2); y.sum().backward()",
    "a = x * 1; y = Scale.apply(a, 2.0); a.mul_(2); y.sum().backward(); R = x.grad",
    "y = Exp.apply(x); z = y * 1; z.add_(1); z.sum().backward(); R = x.grad",
    # definitions that are incomplete or misused
    "class NoForward(Function): pass\nNoForward.apply(x)",
    "class NoBackward(Function):\n    @staticmethod\n    def forward(ctx, x): return x * 2\ny = NoBackward.apply(x); R = y",
    "class NoBackward(Function):\n    @staticmethod\n    def forward(ctx, x): return x * 2\nNoBackward.apply(x).sum().backward()",
    "class SavesInt(Function):\n    @staticmethod\n    def forward(ctx, x):\n        ctx.save_for_backward(x, 3)\n        return x * 2\nSavesInt.apply(x)",
    "class SavesNone(Function):\n    @staticmethod\n    def forward(ctx, x):\n        ctx.save_for_backward(x, None)\n        return x * 2\n    @staticmethod\n    def backward(ctx, g):\n        ctx.seen = ctx.saved_tensors\n        return g\ny = SavesNone.apply(x); y.sum().backward(); R = (x.grad, y.grad_fn.seen)",
    "class Number(Function):\n    @staticmethod\n    def forward(ctx, x): return 3\nR = Number.apply(x)",
    "Exp()(x)",
    # a Function inside a model, trained with SGD
    "lin = M.nn.Linear(2, 1)\nwith M.no_grad(): lin.weight.copy_(M.tensor([[0.5, -0.25]])); lin.bias.fill_(0.1)\nopt = M.optim.SGD(lin.parameters(), lr=0.1)\nX = M.tensor([[1., 2.], [-1., 0.5], [0.3, -2.]]); Y = M.tensor([[1.], [0.], [2.]])\nfor _ in range(3):\n    opt.zero_grad(); loss = ((MyReLU.apply(lin(X)) - Y) ** 2).mean(); loss.backward(); opt.step()\nR = (loss, lin.weight, lin.bias)",
]


@pytest.mark.parametrize("program", PROGRAMS)
def test_function_program_matches_pytorch(program):
    _matches_pytorch(FUNCTIONS + program)


_J = "F = M.autograd.functional; x = M.tensor([1., 2.], dtype=M.float64); y = M.tensor([3., 4.], dtype=M.float64); A = M.tensor([[1., 2.], [3., 4.]], dtype=M.float64); "
FUNCTIONAL_PROGRAMS = [
    _J + "R = F.jacobian(lambda a: a * a, x)",
    _J + "R = F.jacobian(lambda a: a.exp().sum(), x)",
    _J + "R = F.jacobian(lambda a, b: a * b, (x, y))",
    _J + "R = F.jacobian(lambda a: (a * 2, a.sum()), x)",
    _J + "R = F.jacobian(lambda a, b: (a * b, a.sum()), (x, y))",
    _J + "R = F.jacobian(lambda a, b: a * 2, (x, y))",
    _J + "R = F.jacobian(lambda a, b: a * 2, (x, y), strict=True)",
    _J + "R = F.jacobian(lambda a: M.ones(2), x)",
    _J + "R = F.jacobian(lambda a: M.ones(2), x, strict=True)",
    _J + "R = F.jacobian(lambda a: a.T @ a, A)",
    _J + "R = F.jacobian(lambda a: a.softmax(0), x)",
    _J + "R = F.jacobian(lambda a: 3.0, x)",
    _J + "R = F.jacobian(lambda a, b: a * b, [x, y])",
    _J + "R = F.jacobian(lambda a: a * 2, 3.0)",
    _J + "R = F.jacobian(lambda a: a * 2, M.tensor([1, 2]))",
    _J + "R = (F.jacobian(lambda a: a * a, x, vectorize=True), x.grad, x.requires_grad)",
    _J + "R = F.jacobian(lambda a: a.float() * 2, x)",
    _J + "R = F.vjp(lambda a: a * a, x, M.ones(2, dtype=M.float64))",
    _J + "R = F.vjp(lambda a: (a * a).sum(), x)",
    _J + "R = F.vjp(lambda a: a * a, x)",
    _J + "R = F.vjp(lambda a, b: a * b, (x, y), M.ones(2, dtype=M.float64))",
    _J
    + "R = F.vjp(lambda a: (a * 2, a.sum()), x, (M.ones(2, dtype=M.float64), M.tensor(1., dtype=M.float64)))",
    _J + "R = F.vjp(lambda a: a * a, x, M.ones(3, dtype=M.float64))",
    _J + "R = F.vjp(lambda a, b: a * 2, (x, y), M.ones(2, dtype=M.float64))",
    _J + "R = F.vjp(lambda a, b: a * 2, (x, y), M.ones(2, dtype=M.float64), strict=True)",
    _J + "R = F.vjp(lambda a: M.ones(2, dtype=M.float64), x, M.ones(2, dtype=M.float64))",
]


@pytest.mark.parametrize("program", FUNCTIONAL_PROGRAMS)
def test_functional_program_matches_pytorch(program):
    _matches_pytorch(program)
