# ruff: noqa: E501 - the programs are data, one per line
"""Autograd behaviour against PyTorch, program by program.

Each program runs with ``M`` bound to torch and to minigrad and leaves its result in
``R``: both must raise (minigrad's exception an instance of PyTorch's class), or both
must give the same R (tensors compared by dtype, values and requires_grad). Gradient
accumulation, retain_graph, retain_grad, grad modes, autograd.grad, ties, kinks and
in-place ops inside the graph, through views and by assignment (``y[i] = v``).
Runs only where torch is installed.

One documented divergence is left out: a second backward through a graph that saved
nothing raises in minigrad (API.md).
"""

import warnings

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

PROGRAMS = [
    "x = M.tensor([1., 2.], requires_grad=True); y = (x * x).sum(); y.backward(); y.backward(); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); y = (x * x).sum(); y.backward(retain_graph=True); y.backward(); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * 2; y.backward(); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * 2; y.backward(M.tensor([1., 1., 1.])); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * 2; y.backward(M.tensor([1., -1.])); R = x.grad",
    "x = M.tensor([1., 2.]); y = x * 2; y.sum().backward(); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); y = x.detach() * 2; y.sum().backward(); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * 2; y.retain_grad(); (y * y).sum().backward(); R = y.grad",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * 2; (y * y).sum().backward(); R = y.grad",
    "x = M.tensor([1., 2.], requires_grad=True); R = x * 2; R.requires_grad = False",
    "x = M.tensor([1., 2.], requires_grad=True); x.add_(1); R = x",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * 1; y.add_(1); y.sum().backward(); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * 1; z = y * y; y.add_(1); z.sum().backward(); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); y = x.exp(); y.add_(1); y.sum().backward(); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); y = x.sigmoid(); y.mul_(2); y.sum().backward(); R = x.grad",
    "x = M.tensor([[1., 2.]], requires_grad=True); y = x.T; R = y.is_leaf",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * 1; y += 1; y.sum().backward(); R = (x.grad, y.grad_fn is not None)",
    "x = M.tensor([1., 2.], requires_grad=True); x.grad = M.tensor([5., 5.]); (x * 2).sum().backward(); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); (x * 2).sum().backward(); g = x.grad; (x * 3).sum().backward(); R = (g, g is x.grad)",
    "x = M.tensor([1., 2.], requires_grad=True); R = M.autograd.grad((x * x).sum(), x)",
    "x = M.tensor([1., 2.], requires_grad=True); w = M.tensor([1.], requires_grad=True); R = M.autograd.grad((x * x).sum(), [x, w])",
    "x = M.tensor([1., 2.], requires_grad=True); w = M.tensor([1.], requires_grad=True); R = M.autograd.grad((x * x).sum(), [x, w], allow_unused=True)",
    "x = M.tensor([1., 2.], requires_grad=True); R = M.autograd.grad(x * x, x, grad_outputs=M.tensor([1., 0.5]))",
    "x = M.tensor([1., 2.], requires_grad=True); R = M.autograd.grad(x * x, x)",
    "x = M.tensor([1., 2.], requires_grad=True); y = (x * x).sum(); M.autograd.grad(y, x); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); y = (x * x).sum(); M.autograd.grad(y, x); M.autograd.grad(y, x); R = 1",
    "x = M.tensor([1., 2.]); R = M.autograd.grad((x * x).sum(), x)",
    "x = M.tensor(3., requires_grad=True); y = x * x; R = M.autograd.grad(y, y)",
    "x = M.tensor([1., 2.], requires_grad=True)",
    "with M.no_grad(): y = x * 2\nR = (y.requires_grad, y.grad_fn is None)",
    "x = M.tensor([1., 2.], requires_grad=True)",
    "with M.no_grad():\n    with M.enable_grad(): y = x * 2\nR = y.requires_grad",
    "x = M.tensor([1., 2.], requires_grad=True)",
    "with M.set_grad_enabled(False): y = x * 2\nR = (y.requires_grad, M.is_grad_enabled())",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * 2; x.data = M.tensor([5., 5.]).data if False else x.data; y.sum().backward(); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); y = x.sum() + x.sum(); y.backward(); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); y = x[0] * x[1] + x.sum(); y.backward(); R = x.grad",
    "x = M.tensor([1., 2., 3.], requires_grad=True); y = x[M.tensor([0, 0, 2])].sum(); y.backward(); R = x.grad",
    "x = M.tensor([1., 2., 3.], requires_grad=True); y = (x.reshape(3, 1) * x).sum(); y.backward(); R = x.grad",
    "x = M.tensor([[1., 2.], [3., 4.]], requires_grad=True); y = x.T.reshape(4)[1:3].sum(); y.backward(); R = x.grad",
    "x = M.tensor([1., 2., 3.], requires_grad=True); y = x.expand(2, 3).sum(); y.backward(); R = x.grad",
    "x = M.tensor([1., 2., 3.], requires_grad=True); y = M.stack([x, x * 2]).amax(0).sum(); y.backward(); R = x.grad",
    "x = M.tensor([1., 1., 3.], requires_grad=True); y = x.max(); y.backward(); R = x.grad",
    "x = M.tensor([3., 1., 3.], requires_grad=True); y = x.max(); y.backward(); R = x.grad",
    "x = M.tensor([[3., 1., 3.]], requires_grad=True); y = x.max(1)[0].sum(); y.backward(); R = x.grad",
    "x = M.tensor([[3., 1., 3.]], requires_grad=True); y = x.amax(1).sum(); y.backward(); R = x.grad",
    "x = M.tensor([0., 1.], requires_grad=True); y = x.abs().sum() + x.relu().sum() + x.clamp(0, 1).sum(); y.backward(); R = x.grad",
    "x = M.tensor([0., 1.], requires_grad=True); y = x.sqrt().sum(); y.backward(); R = x.grad",
    "x = M.tensor([0., 1.], requires_grad=True); y = (x ** 0.5).sum(); y.backward(); R = x.grad",
    "x = M.tensor([0., 1.], requires_grad=True); y = M.maximum(x, M.tensor([0., 0.5])).sum(); y.backward(); R = x.grad",
    "x = M.tensor([0., 1.], requires_grad=True); y = M.where(x > 0, x.log(), x).sum(); y.backward(); R = x.grad",
    "x = M.tensor([2.], requires_grad=True); y = x.var(); R = y",
    "x = M.tensor([2., 3.], requires_grad=True); y = x.std(); y.backward(); R = x.grad",
    "x = M.tensor([2., 2.], requires_grad=True); y = x.std(); y.backward(); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); R = x.numpy()",
    "x = M.tensor([1., 2.], requires_grad=True); R = x.tolist()",
    "x = M.tensor([1., 2.], requires_grad=True); R = x.item()",
    "x = M.tensor([1., 2.], requires_grad=True); y = x.clone(); R = (y.is_leaf, y.requires_grad)",
    "x = M.tensor([1., 2.], requires_grad=True); b = M.tensor([3.], requires_grad=True); y = x * 1; y += b; y.sum().backward(); R = (x.grad, b.grad)",
    "x = M.tensor([1., 2.], requires_grad=True); b = M.tensor([[3.], [4.]], requires_grad=True); y = x * 1; y += b",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * 1; y *= y; y.sum().backward(); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * 1; y *= x; y.sum().backward(); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); y = x.exp(); z = y * 2; y += 1; z.sum().backward(); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * 2; z = y * y; y += 1; z.sum().backward(); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * 2; z = y + y; y += 1; z.sum().backward(); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); y = x.sigmoid(); z = y.sum(); y.mul_(2); z.backward(); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); y = x.relu(); y.clamp_(0, 1.5); y.sum().backward(); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * 3; y.zero_(); y.sum().backward(); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * 3; y.fill_(2); y.sum().backward(); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); w = M.tensor([5., 6.], requires_grad=True); y = x * 3; y.copy_(w); y.sum().backward(); R = (x.grad, w.grad)",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * 3; y.div_(2); y.sub_(1, alpha=2); (y * y).sum().backward(); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); y = M.zeros(2); y.add_(x); y.sum().backward(); R = (x.grad, y.is_leaf)",
    "x = M.tensor([1., 2.], requires_grad=True); y = M.zeros(2); y.mul_(x); y.sum().backward(); R = x.grad",
    "x = M.tensor([1, 2]); x.add_(1.5)",
    "x = M.tensor([1., 2.]); x.add_(M.tensor([1, 2])); R = x",
    "x = M.tensor([1., 2.]); x += 1; R = x",
    "x = M.tensor([True, False]); x.add_(True); R = x",
    "x = M.tensor([1., 2.]); x.clamp_(min=1.5); R = x",
    "with M.no_grad():\n    x = M.tensor([1., 2.], requires_grad=True); x -= 0.5\nR = (x, x.requires_grad, x.is_leaf)",
    "x = M.tensor([1., 2.], requires_grad=True); x.requires_grad_(False); x.add_(1); R = x",
    "x = M.tensor([1., 2.], requires_grad=True); y = x.detach(); y.add_(1); R = x",
    "x = M.ones(2, requires_grad=True); x.grad = M.ones(3)",
    "x = M.ones(2, requires_grad=True); x.grad = M.ones(2, dtype=M.float64)",
    "x = M.ones(2, requires_grad=True); x.grad = np.ones(2)",
    "x = M.ones(2, requires_grad=True); x.grad = M.full((2,), 5.); (x * 2).sum().backward(); R = x.grad",
    "R = (repr(M.nn.ReLU(inplace=True)), repr(M.nn.ReLU()), repr(M.nn.Dropout(0.2, inplace=True)), repr(M.nn.Dropout()))",
    "x = M.tensor([[1., -2.], [-3., 4.]], requires_grad=True); h = x * 2; y = M.nn.ReLU(inplace=True)(h); R = (y is h, y, h.grad_fn is not None)",
    "x = M.tensor([[1., -2.], [-3., 4.]], requires_grad=True); h = x * 2; y = M.nn.functional.relu(h, inplace=True); (y * y).sum().backward(); R = (y, x.grad)",
    "x = M.tensor([[1., -2.], [-3., 4.]], requires_grad=True); M.nn.ReLU(inplace=True)(x)",
    "x = M.tensor([[1., -2.], [-3., 4.]], requires_grad=True); h = x.exp(); M.nn.ReLU(inplace=True)(h); h.sum().backward(); R = x.grad",
    "x = M.tensor([[1., -2.], [-3., 4.]], requires_grad=True); h = x.sigmoid(); h.relu_(); h.sum().backward()",
    "x = M.tensor([[1., -2.], [-3., 4.]], requires_grad=True); h = x * 1; v = h[0]; v.relu_(); (h * h).sum().backward(); R = (h, x.grad)",
    "x = M.tensor([[1., -2.], [-3., 4.]]); y = x.relu_(); R = (x, y is x)",
    "x = M.tensor([[1., -2.], [-3., 4.]], requires_grad=True); h = x * 2; d = M.nn.Dropout(0.0, inplace=True); R = d(h) is h",
    "x = M.tensor([[1., -2.], [-3., 4.]], requires_grad=True); h = x * 2; d = M.nn.Dropout(0.5, inplace=True); d.eval(); R = (d(h) is h, h)",
    "x = M.tensor([[1., -2.], [-3., 4.]], requires_grad=True); h = x * 2; y = M.nn.functional.dropout(h, 1.0, True, True); y.sum().backward(); R = (y is h, y, x.grad)",
    "m = M.nn.Sequential(M.nn.Linear(2, 3), M.nn.ReLU(inplace=True), M.nn.Linear(3, 1)); R = repr(m)",
    "device = M.device('cuda' if M.cuda.is_available() else 'cpu'); m = M.nn.Linear(2, 3).to(device); x = M.ones(4, 2, device=device); R = (tuple(m(x).shape), str(x.device), repr(x.device), x.device == M.device('cpu'), M.cuda.device_count())",
    "t = M.ones(2); R = (t.to('cpu') is t, t.cpu() is t, t.to(M.float32) is t, str(t.to('cpu', M.float64).dtype).split('.')[-1], str(t.to(device='cpu', dtype=M.float64).dtype).split('.')[-1])",
    "t = M.ones(2); u = t.to('cpu', copy=True); R = (u is t, u, str(t.to(M.zeros(1, dtype=M.float64)).dtype).split('.')[-1])",
    "t = M.ones(2, requires_grad=True); (t.to('cpu', M.float64) * 3).sum().backward(); R = t.grad",
    "m = M.nn.Linear(2, 3); R = (m.to('cpu') is m, m.cpu() is m, str(m.to('cpu', M.float64).weight.dtype).split('.')[-1], str(M.nn.Linear(2, 3, device='cpu', dtype=M.float64).bias.dtype).split('.')[-1])",
    "R = (repr(M.device('cuda:1')), str(M.device('cpu')), M.device('cuda:1') == M.device('cuda'), M.device('cpu').type)",
    "R = (tuple(M.randn(2, device='cpu').shape), M.arange(3, device='cpu'), M.full((2,), 1.5, device='cpu'), M.zeros_like(M.ones(2), device='cpu'), M.tensor([1., 2.], device='cpu'))",
    "s = M.nn.Sequential(M.nn.Linear(2, 3), M.nn.ReLU()); s[0] = M.nn.Linear(2, 5); R = repr(s)",
    "s = M.nn.Sequential(M.nn.Linear(2, 3), M.nn.ReLU()); del s[0]; R = (repr(s), len(s), [n for n, _ in s.named_modules()])",
    "s = M.nn.Sequential(M.nn.Linear(2, 3), M.nn.ReLU(), M.nn.Tanh(), M.nn.Linear(3, 1)); del s[1:3]; s.insert(-1, M.nn.Sigmoid()); s.insert(0, M.nn.ReLU()); s[1] = M.nn.Identity(); R = (repr(s), [n for n, _ in s.named_parameters()])",
    "s = M.nn.Sequential(M.nn.Linear(2, 3)); s.extend([M.nn.ReLU(), M.nn.Linear(3, 1)]); R = repr(s)",
    "s = M.nn.Sequential(M.nn.Linear(2, 3)); s.insert(2, M.nn.ReLU())",
    "l = M.nn.ModuleList([M.nn.ReLU(), M.nn.Tanh(), M.nn.Sigmoid()]); del l[0]; del l[-1]; l.insert(1, M.nn.ReLU()); l.insert(0, M.nn.Linear(1, 1)); R = (repr(l), [n for n, _ in l.named_parameters()])",
    "R = (list(M.nn.Linear(1, 1).state_dict(prefix='m.').keys()), list(M.nn.Sequential(M.nn.Linear(1, 1)).state_dict(prefix='net.').keys()))",
    "p = M.nn.Parameter(M.tensor([1., 2.], dtype=M.float64)); o = M.optim.Adam([p], lr=0.1)\nfor _ in range(3):\n    o.zero_grad(); (p * p).sum().backward(); o.step()\nq = M.nn.Parameter(p.detach().clone()); o2 = M.optim.Adam([q], lr=0.1); o2.load_state_dict(o.state_dict())\nfor _ in range(2):\n    o.zero_grad(); (p * p).sum().backward(); o.step(); o2.zero_grad(); (q * q).sum().backward(); o2.step()\nR = (p, q)",
    "p = M.nn.Parameter(M.tensor([1., 2.], dtype=M.float64)); o = M.optim.SGD([p], lr=0.1, momentum=0.9)\nfor _ in range(2):\n    o.zero_grad(); (p * p).sum().backward(); o.step()\nq = M.nn.Parameter(p.detach().clone()); o2 = M.optim.SGD([q], lr=0.1, momentum=0.9); o2.load_state_dict(o.state_dict())\nfor _ in range(2):\n    o.zero_grad(); (p * p).sum().backward(); o.step(); o2.zero_grad(); (q * q).sum().backward(); o2.step()\nR = (p, q)",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); w = M.tensor([0.3, -0.7, 1.1], dtype=M.float64, requires_grad=True); y = x * 1; y[1, M.tensor([0, 2])] = w[0]; (y * y).sum().backward(); R = (y, x.grad, w.grad)",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); w = M.tensor([0.3, -0.7, 1.1], dtype=M.float64, requires_grad=True); y = x * 1; y[:, M.tensor([0, 2])] = w[:2, None] * 2; (y * y).sum().backward(); R = (y, x.grad, w.grad)",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); w = M.tensor([0.3, -0.7, 1.1], dtype=M.float64, requires_grad=True); y = x * 1; y[M.tensor([0, 1]), 1:] += w[:2, None]; (y * y).sum().backward(); R = (y, x.grad, w.grad)",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); w = M.tensor([0.3, -0.7, 1.1], dtype=M.float64, requires_grad=True); y = x * 1; y[M.tensor([1, 0]), M.tensor([2, 0])] = w[:2]; (y * y).sum().backward(); R = (y, x.grad, w.grad)",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); w = M.tensor([0.3, -0.7, 1.1], dtype=M.float64, requires_grad=True); y = x * 1; y[y > 1] = w[0] * 5; (y * y).sum().backward(); R = (y, x.grad, w.grad)",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); w = M.tensor([0.3, -0.7, 1.1], dtype=M.float64, requires_grad=True); y = x * 1; y[..., M.tensor([1])] = w[2]; (y * y).sum().backward(); R = (y, x.grad, w.grad)",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); w = M.tensor([0.3, -0.7, 1.1], dtype=M.float64, requires_grad=True); y = x * 1; y[None, 0, M.tensor([0, 1])] = w[:2]; (y * y).sum().backward(); R = (y, x.grad, w.grad)",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); w = M.tensor([0.3, -0.7, 1.1], dtype=M.float64, requires_grad=True); y = x * 1; y[1][M.tensor([0, 2])] *= w[1]; (y * y).sum().backward(); R = (y, x.grad, w.grad)",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); w = M.tensor([0.3, -0.7, 1.1], dtype=M.float64, requires_grad=True); y = x * 1; y[M.tensor([True, False])] = w; (y * y).sum().backward(); R = (y, x.grad, w.grad)",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); w = M.tensor([0.3, -0.7, 1.1], dtype=M.float64, requires_grad=True); y = x * 1; y[M.tensor([0, 0])] = w; (y * y).sum().backward(); R = (y, x.grad)",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); w = M.tensor([0.3, -0.7, 1.1], dtype=M.float64, requires_grad=True); y = x * 1; y[0, 5] = 1.",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); w = M.tensor([0.3, -0.7, 1.1], dtype=M.float64, requires_grad=True); y = x * 1; y[M.tensor([3])] = 1.",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); w = M.tensor([0.3, -0.7, 1.1], dtype=M.float64, requires_grad=True); y = x * 1; y[0] = w[:2]",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); w = M.tensor([0.3, -0.7, 1.1], dtype=M.float64, requires_grad=True); y = x * 1; y[0] = M.ones(1, 3); R = y",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); w = M.tensor([0.3, -0.7, 1.1], dtype=M.float64, requires_grad=True); y = x * 1; y[0] = M.ones(2, 3)",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); w = M.tensor([0.3, -0.7, 1.1], dtype=M.float64, requires_grad=True); z = M.zeros(2, 3, dtype=M.int64); z[0] = M.tensor([1.7, 2.2, -3.9], dtype=M.float64); R = z",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); w = M.tensor([0.3, -0.7, 1.1], dtype=M.float64, requires_grad=True); z = M.zeros(3); z[M.tensor([0, 2])] = M.tensor([1, 2]); R = z",
    "x = M.zeros(0, 3, requires_grad=True); x.log_softmax(0).sum().backward(); R = x.grad",
    "x = M.zeros(0, 3, requires_grad=True); (x.softmax(0) * 2).sum().backward(); R = x.grad",
    "x = M.tensor(2., requires_grad=True); (x.T * 3).backward(); R = (x.grad, x.T)",
    "x = M.tensor([1., 2.], requires_grad=True); y = (x * x).sum(); y.backward(M.tensor(2.)); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); y = (x * x).sum(); y.backward(2.)",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * x; y.backward([1., 1.])",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * x; y.backward(M.tensor([1., 1.], dtype=M.float64)); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * x; R = M.autograd.grad(y, x, M.ones(2))",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * x; R = M.autograd.grad([y.sum(), (x * 3).sum()], [x])",
    "x = M.tensor([1., 2.], requires_grad=True); z = M.tensor([3.], requires_grad=True); y = (x * x).sum(); R = M.autograd.grad(y, [x, z], allow_unused=True)",
    "x = M.tensor([1., 2.], requires_grad=True); z = M.tensor([3.], requires_grad=True); y = (x * x).sum(); R = M.autograd.grad(y, [x, z])",
    "x = M.tensor([1., 2.], requires_grad=True); y = (x * x).sum(); g = M.autograd.grad(y, x, retain_graph=True); y.backward(); R = (g, x.grad)",
    "x = M.tensor([1., 2.], requires_grad=True); y = (x * x).sum(); g = M.autograd.grad(y, x); y.backward()",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * 2; R = M.autograd.grad(y.sum(), y)",
    "x = M.tensor([1., 2.], requires_grad=True); R = M.autograd.grad(x.sum(), x)",
    "x = M.tensor([1., 2.]); y = x * 2; M.autograd.grad(y.sum(), x)",
    "x = M.tensor([1., 2.], requires_grad=True); y = x.detach(); M.autograd.grad(y.sum(), x)",
    "x = M.tensor([1., 2.], requires_grad=True)\nwith M.no_grad():\n    y = x * 2\nR = (y.requires_grad, y.grad_fn)",
    "x = M.tensor([1., 2.], requires_grad=True)\nwith M.set_grad_enabled(False):\n    y = x * 2\nR = y.requires_grad",
    "x = M.tensor([1., 2.], requires_grad=True)\n@M.no_grad()\ndef f(a):\n    return a * 2\nR = f(x).requires_grad",
    "x = M.tensor([1., 2.], requires_grad=True)\nwith M.no_grad():\n    with M.enable_grad():\n        y = x * 2\nR = (y.requires_grad, M.is_grad_enabled())",
    "x = M.tensor([1., 2.], requires_grad=True); y = x.sum(); y.backward(); y2 = (x * 1).sum(); y2.backward(); R = x.grad",
    "x = M.tensor(2., requires_grad=True); y = x ** 3; y.backward(); R = (x.grad, y.grad_fn.name().rstrip('0123456789'))",
    "x = M.tensor([[1., 2.], [3., 4.]], requires_grad=True); y = x @ x; y.backward(M.ones(2, 2)); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); R = (x.is_leaf, (x * 2).is_leaf, x.detach().is_leaf, x.detach().requires_grad)",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * 2; y.requires_grad_(False)",
    "x = M.tensor([1., 2.]); x.requires_grad_(); R = (x.requires_grad, x.is_leaf)",
    "x = M.tensor([1, 2]); x.requires_grad_()",
    "x = M.tensor([1., 2.], requires_grad=True); y = x.clone(); R = (y.is_leaf, y.grad_fn.name().rstrip('0123456789'))",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * 2; y.retain_grad(); y.sum().backward(); R = (y.grad, y.retains_grad, x.retains_grad)",
    "x = M.tensor([1., 2.], requires_grad=True); x.retain_grad(); x.sum().backward(); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * x; y.backward(np.ones(2))",
    "a = M.nn.Linear(2, 2); b = M.nn.Linear(2, 2); b.weight = a.weight; s = M.nn.Sequential(a, b); R = ([n for n, _ in s.named_parameters()], len(list(s.parameters())), list(s.state_dict().keys()))",
    "a = M.nn.Linear(2, 2); s = M.nn.Sequential(a, a); R = ([n for n, _ in s.named_parameters()], [n for n, _ in s.named_modules()], list(s.state_dict().keys()), len(list(s.modules())))",
    "a = M.nn.Linear(2, 2); s = M.nn.Sequential(a, a); x = M.ones(1, 2); s(x).sum().backward(); R = tuple(a.weight.grad.shape)",
    "a = M.nn.Linear(2, 2); s = M.nn.Sequential(a, a); o = M.optim.SGD(s.parameters(), lr=0.1); R = len(o.param_groups[0]['params'])",
    "a = M.nn.Linear(2, 2); s = M.nn.Sequential(a, a); R = [n for n, _ in s.named_parameters(remove_duplicate=False)]",
    "a = M.nn.Linear(2, 2); s = M.nn.Sequential(a, a); R = [n for n, _ in s.named_modules(remove_duplicate=False)]",
    "a = M.nn.Linear(2, 2); s = M.nn.Sequential(a, a); s.load_state_dict(s.state_dict()); R = True",
    "m = M.nn.Module(); m.p = M.nn.Parameter(M.ones(1)); m.q = m.p; R = ([n for n, _ in m.named_parameters()], list(m.state_dict().keys()))",
    "m = M.nn.Linear(2, 2); del m.bias; R = [n for n, _ in m.named_parameters()]",
    "m = M.nn.Linear(2, 2); m.bias = None; R = ([n for n, _ in m.named_parameters()], list(m.state_dict().keys()), m.bias)",
    "m = M.nn.Linear(2, 2, bias=False); R = (m.bias, list(m.state_dict().keys()), repr(m))",
    "m = M.nn.Linear(2, 2); m.weight.requires_grad_(False); R = [p.requires_grad for p in m.parameters()]",
    "m = M.nn.Linear(2, 2); R = (type(m.weight).__name__, m.weight.is_leaf, repr(m.weight)[:22])",
    "x = M.tensor([1., 2., 3.], requires_grad=True); y = x * 1; e = y.expand(2, 3); y.mul_(2); (e * M.tensor([[1.], [10.]])).sum().backward(); R = (e, x.grad)",
    "a = M.tensor([1., float('nan'), 2., 3., 5.], requires_grad=True); b = M.tensor([1., 1., float('nan'), 4., 2.], requires_grad=True); M.maximum(a, b).backward(M.tensor([1., 2., 3., float('inf'), float('nan')])); R = (a.grad, b.grad)",
    "a = M.tensor([1., float('nan'), 2., 3., 5.], requires_grad=True); b = M.tensor([1., 1., float('nan'), 4., 2.], requires_grad=True); M.minimum(a, b).backward(M.tensor([1., 2., 3., float('inf'), float('nan')])); R = (a.grad, b.grad)",
    # grad mode as decorators (bare, on generators, set_grad_enabled), requires_grad on non-leaves
    "x = M.ones(2, requires_grad=True)\n@M.no_grad\ndef f():\n    return (x * 2).requires_grad\nR = (f(), M.is_grad_enabled())",
    "x = M.ones(2, requires_grad=True)\n@M.enable_grad\ndef f():\n    return (x * 2).requires_grad\nwith M.no_grad():\n    R = (f(), M.is_grad_enabled())",
    "x = M.ones(2, requires_grad=True)\n@M.no_grad()\ndef gen():\n    yield (x * 2).requires_grad\n    r = yield M.is_grad_enabled()\n    yield r\ng = gen()\nR = [next(g), M.is_grad_enabled(), next(g), g.send(7), M.is_grad_enabled()]\ng.close()",
    "@M.no_grad()\ndef gen():\n    try:\n        yield 1\n    except ValueError:\n        yield M.is_grad_enabled()\ng = gen(); next(g)\nR = (g.throw(ValueError()), M.is_grad_enabled())\ng.close()",
    "@M.no_grad()\ndef gen():\n    yield 1\n    yield 2\ng = gen(); next(g); g.close()\nR = M.is_grad_enabled()",
    "@M.no_grad()\ndef gen():\n    yield M.is_grad_enabled()\n    return 5\ng = gen()\nR = [next(g), M.is_grad_enabled()]\ntry:\n    next(g)\nexcept StopIteration as e:\n    R.append(e.value)",
    "@M.set_grad_enabled(False)\ndef k():\n    return M.is_grad_enabled()\nR = (M.is_grad_enabled(), k(), M.is_grad_enabled())",
    "s = M.set_grad_enabled(False); R = [M.is_grad_enabled()]; M.set_grad_enabled(True)\nwith s:\n    R.append(M.is_grad_enabled())\nR.append(M.is_grad_enabled())",
    "with M.set_grad_enabled(False):\n    R = [M.is_grad_enabled()]\n    with M.enable_grad():\n        R.append(M.is_grad_enabled())\nR.append(M.is_grad_enabled())",
    "x = M.ones(2, requires_grad=True); y = x * 2; y.requires_grad = True; R = y",
    "x = M.ones(2, requires_grad=True); y = x * 2; y.requires_grad_(True); R = y",
    "x = M.ones(2, requires_grad=True); y = x * 2; y.requires_grad_(False); R = y",
    # a 1-D weight in F.linear, number-first function forms, cat of a legacy empty tensor
    "x = M.tensor([[1., -2., 3.], [4., 5., -6.]], requires_grad=True); w = M.tensor([1., 2., 3.], requires_grad=True)\nM.nn.functional.linear(x, w).sum().backward(); R = (x.grad, w.grad)",
    "x = M.tensor([1., -2., 3.], requires_grad=True); w = M.tensor([1., 2., 3.], requires_grad=True); b = M.tensor(.5, requires_grad=True)\nM.nn.functional.linear(x, w, b).backward(); R = (x.grad, w.grad, b.grad)",
    "x = M.tensor([1., 2.], requires_grad=True); (M.sub(1, x) * M.div(1, x)).sum().backward(); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); y = M.cat([M.tensor([]), x.reshape(1, 2), x.reshape(1, 2) * 3]); y.sum().backward(); R = (y, x.grad)",
    "a = M.tensor([]); x = M.tensor([[1., 2.]], requires_grad=True)\nfor _ in range(3):\n    a = M.cat([a, x * 2])\na.sum().backward(); R = (a, x.grad)",
    "p = M.nn.Parameter(M.ones(2)); o = M.optim.SGD([p, p], lr=.1); p.grad = M.ones(2); o.step(); R = (p, len(o.param_groups[0]['params']))",
    "m = M.nn.Linear(2, 1); m.load_state_dict({'weight': np.ones((1, 2), np.float32), 'bias': M.zeros(1)}); R = m.weight",
    "m = M.nn.Linear(2, 1); m.load_state_dict([('weight', M.ones(1, 2)), ('bias', M.zeros(1))]); R = m.weight",
    # masked_fill: gradients to x and to a 0-d value, out of place and in place
    "x = M.tensor([[1., 2.], [3., 4.]], requires_grad=True); v = M.tensor(2., requires_grad=True); m = M.tensor([[True, False], [False, True]])\ny = (x * 1).masked_fill(m, v); (y * M.tensor([[1., 2.], [3., 4.]])).sum().backward(); R = (y, x.grad, v.grad)",
    "x = M.tensor([[1., 2.]], requires_grad=True); y = x.masked_fill(M.tensor([[True], [False]]), 0.); (y * M.tensor([[1., 2.], [3., 4.]])).sum().backward(); R = (y, x.grad)",
    "x = M.tensor([[1., 2.], [3., 4.]], requires_grad=True); v = M.tensor(2., requires_grad=True)\ny = x * 1; y.masked_fill_(M.tensor([True, False]), v); (y * y).sum().backward(); R = (y, x.grad, v.grad)",
    "x = M.tensor([[1., 2.], [3., 4.]], requires_grad=True); y = x.exp(); y.masked_fill_(M.tensor([True, False]), 0.); y.sum().backward(); R = x.grad",
    "x = M.tensor([[1., 2.], [3., 4.]], requires_grad=True); x.masked_fill_(M.tensor([True, False]), 0.); R = x",
    "x = M.tensor([[1., 2.], [3., 4.]], requires_grad=True); y = x * 1; y.T.masked_fill_(M.tensor([True, False]), 0.); (y * x).sum().backward(); R = (y, x.grad)",
    # masks, conditions, index tensors and class targets changed in place before backward
    "x = M.tensor([1., 3.], requires_grad=True); m = x > 2; y = x.masked_fill(m, 0.); m.fill_(False); y.sum().backward(); R = x.grad",
    "x = M.tensor([1., 3.], requires_grad=True); m = x > 2; y = x * 1; y.masked_fill_(m, 0.); m.fill_(False); y.sum().backward(); R = x.grad",
    "x = M.tensor([1., 3.], requires_grad=True); m = x > 2; y = x.masked_fill(m, 0.); m[0] = True; y.sum().backward(); R = x.grad",
    "x = M.tensor([1., 3.], requires_grad=True); c = M.tensor([True, False]); y = M.where(c, x, 0.); c.fill_(True); y.sum().backward(); R = x.grad",
    "x = M.tensor([1., 2., 3.], requires_grad=True); i = M.tensor([0, 0]); y = x[i]; i.fill_(2); y.sum().backward(); R = x.grad",
    "x = M.tensor([1., 2., 3.], requires_grad=True); i = M.tensor([True, False, False]); y = x[i]; i.fill_(True); y.sum().backward(); R = x.grad",
    "x = M.arange(6.).reshape(2, 3).requires_grad_(); i = M.tensor([2, 0]); y = x[1, :, None][i]; i.fill_(1); y.sum().backward(); R = x.grad",
    "x = M.tensor([1., 2., 3.], requires_grad=True); i = M.tensor([0, 2]); y = x[i]; j = i * 1; j.fill_(1); y.sum().backward(); R = x.grad",
    "x = M.tensor([[.1, .9]], requires_grad=True); t = M.tensor([1]); L = M.nn.functional.cross_entropy(x, t); t.fill_(0); L.backward(); R = x.grad",
    "x = M.tensor([[.1, .9]], requires_grad=True); t = M.tensor([[0., 1.]]); L = M.nn.functional.cross_entropy(x, t); t.fill_(.5); L.backward(); R = x.grad",
    "x = M.tensor([[.1, .9]], requires_grad=True); t = M.tensor([1]); L = M.nn.functional.cross_entropy(x, t, label_smoothing=.1); t.fill_(0); L.backward(); R = x.grad",
    "x = M.tensor([[.1, .9]], requires_grad=True); t = M.tensor([1]); L = M.nn.functional.nll_loss(x, t); t.fill_(0); L.backward(); R = x.grad",
    # inference_mode as no_grad (context, decorator, mode=False)
    "x = M.ones(2, requires_grad=True)\nwith M.inference_mode():\n    y = x * 2\n    R = [(M.is_grad_enabled(), M.is_inference_mode_enabled())]\nR.append((y.requires_grad, y.grad_fn is None, M.is_grad_enabled(), M.is_inference_mode_enabled()))",
    "x = M.ones(2, requires_grad=True)\nwith M.inference_mode(False):\n    R = (M.is_grad_enabled(), M.is_inference_mode_enabled(), (x * 2).requires_grad)",
    "@M.inference_mode()\ndef f():\n    return M.is_grad_enabled(), M.is_inference_mode_enabled()\n@M.inference_mode\ndef g():\n    return M.is_grad_enabled(), M.is_inference_mode_enabled()\nR = (f(), g(), M.is_grad_enabled(), M.is_inference_mode_enabled())",
    "with M.no_grad():\n    with M.inference_mode():\n        with M.enable_grad():\n            R = (M.is_grad_enabled(), M.is_inference_mode_enabled())",
    "with M.no_grad():\n    with M.inference_mode(False):\n        R = [(M.is_grad_enabled(), M.is_inference_mode_enabled())]\nR.append(M.is_grad_enabled())",
    "with M.inference_mode():\n    with M.inference_mode(False):\n        R = [(M.is_grad_enabled(), M.is_inference_mode_enabled())]\n    R.append((M.is_grad_enabled(), M.is_inference_mode_enabled()))",
    # which operands an op saves, seen through in-place changes before backward
    "x = M.ones(2, 3, requires_grad=True); a = x * 1; h = a @ M.ones(3, 2); a.mul_(2); h.sum().backward(); R = x.grad",
    "x = M.ones(2, 3, requires_grad=True); a = x * 1; w = M.ones(2, 3); h = M.nn.functional.linear(a, w); a.mul_(2); h.sum().backward(); R = x.grad",
    "x = M.ones(2, 3, requires_grad=True); a = x * 1; w = M.ones(2, 3); h = M.nn.functional.linear(a, w); w.mul_(2); h.sum().backward(); R = x.grad",
    "w = M.ones(2, 3, requires_grad=True); a = M.ones(2, 3); h = M.nn.functional.linear(a, w * 1); a.mul_(2); h.sum().backward(); R = w.grad",
    "w = M.ones(3, 2, requires_grad=True); a = M.ones(2, 3); h = a @ (w * 1); a.mul_(2); h.sum().backward(); R = w.grad",
    "w = M.ones(3, 2, requires_grad=True); b = M.ones(2, 3); h = b @ w; b.add_(1); h.sum().backward(); R = w.grad",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * 1; t = M.zeros(2); l = M.nn.functional.mse_loss(y, t); y.add_(1); l.backward(); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); t = M.zeros(2); l = M.nn.functional.mse_loss(x * 1, t); t.add_(1); l.backward(); R = x.grad",
    "x = M.tensor([[1., 2.]], requires_grad=True); y = x * 1; l = M.nn.functional.nll_loss(y, M.tensor([1])); y.add_(1); l.backward(); R = x.grad",
    "m = M.nn.Linear(2, 1); o = M.optim.SGD(m.named_parameters(), lr=.1); m(M.ones(3, 2)).sum().backward(); o.step(); R = (o.param_groups[0]['param_names'], o.state_dict()['param_groups'][0]['param_names'], m.weight.grad)",
    "m = M.nn.Linear(2, 1); o = M.optim.Adam([{'params': m.named_parameters(), 'lr': 1.}]); m(M.ones(3, 2)).sum().backward(); o.step(); R = (o.param_groups[0]['param_names'], m.bias.grad)",
    "p = M.nn.Parameter(M.ones(1)); o = M.optim.SGD([p], lr=1.); s = M.optim.lr_scheduler.StepLR(o, 2, 0.5)\nR = []\nfor e in [5, 1, 3, None, None]:\n    s.step(e); R.append((s.get_last_lr(), s.last_epoch, o.param_groups[0]['lr']))",
    "p = M.nn.Parameter(M.ones(1)); o = M.optim.SGD([{'params': [p], 'lr': .3}], lr=1.); s = M.optim.lr_scheduler.StepLR(o, 1, 0.5)\no.param_groups[0]['lr'] = 5.; s.step(); R = [s.get_last_lr()]; s.step(2); R.append(s.get_last_lr())",
]

# In-place changes through views and assignments into tensors of the graph: PyTorch
# rewrites the base's history (CopySlices) and re-derives its views from it.
VIEW_PROGRAMS = [
    "x = M.tensor([1., 2.], requires_grad=True); y = x * 1; v = y[0:1]; v.mul_(3); y.sum().backward(); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * 1; y[0:1].mul_(3); y.sum().backward(); R = (y, x.grad)",
    "x = M.tensor([1., 2.], requires_grad=True); x[0:1].mul_(3)",
    "x = M.tensor([1., 2.], requires_grad=True); x[0] = 5.",
    "x = M.tensor([1., 2.], requires_grad=True)\nwith M.no_grad():\n    x[0] = 5.\n    x[1:].mul_(2)\nR = x",
    "x = M.tensor([[1., 2.], [3., 4.]], requires_grad=True); y = x * 2; y[:, 0] += 1; (y * y).sum().backward(); R = (y, x.grad)",
    "x = M.tensor([[1., 2.], [3., 4.]], requires_grad=True); y = x * 2; y[0] *= 3; (y * y).sum().backward(); R = (y, x.grad)",
    "x = M.tensor([[1., 2.], [3., 4.]], requires_grad=True); y = x * 2; v = y[1:]; y.mul_(x); (v * v).sum().backward(); R = (v, x.grad)",
    "x = M.tensor([[1., 2.], [3., 4.]], requires_grad=True); y = x * 2; v = y.T; w = y[0]; v[0].zero_(); (w * w).sum().backward(); R = (y, w, x.grad)",
    "x = M.tensor([[1., 2.], [3., 4.]], requires_grad=True); y = x + 0; y.view(4)[1] = x[1, 1] * 5; (y * y).sum().backward(); R = (y, x.grad)",
    "x = M.tensor([[1., 2.], [3., 4.]], requires_grad=True); y = x + 0; y.reshape(4)[2:].clamp_(max=3.5); y.sum().backward(); R = (y, x.grad)",
    "x = M.tensor([[1., 2.], [3., 4.]], requires_grad=True); y = x + 0; y.transpose(0, 1)[1].fill_(7.); (y * x).sum().backward(); R = (y, x.grad)",
    "x = M.tensor([[1., 2.], [3., 4.]], requires_grad=True); y = x + 0; y.unsqueeze(0)[0, 1].copy_(x[0] * 3); y.sum().backward(); R = (y, x.grad)",
    "x = M.tensor([[1., 2.], [3., 4.]], requires_grad=True); y = x + 0; v = y[0]; v.div_(x[1]); (y * y).sum().backward(); R = (y, v, x.grad)",
    "x = M.tensor([[1., 2.], [3., 4.]], requires_grad=True); y = x + 0; v = y[:, 1]; u = v[0]; u.zero_(); ((y * y).sum() + (v * v).sum()).backward(); R = (y, v, u, x.grad)",
    "x = M.tensor([[1., 2.], [3., 4.]], requires_grad=True); y = x.exp(); v = y[0]; v.add_(1); y.sum().backward()",
    "x = M.tensor([[1., 2.], [3., 4.]], requires_grad=True); y = x.exp(); y[0] = 0.; y.sum().backward(); R = (y, x.grad)",
    "x = M.tensor([[1., 2.], [3., 4.]], requires_grad=True); y = x * 1; z = y[0] * y[1]; y[0, 0] = 9.; z.sum().backward()",
    "x = M.tensor([[1., 2.], [3., 4.]], requires_grad=True); y = x * 1; y[y > 2] = 0.; (y * x).sum().backward(); R = (y, x.grad, y.grad_fn is not None)",
    "x = M.tensor([[1., 2.], [3., 4.]], requires_grad=True); y = x * 1; y[[1, 0]] = x[0] * 2; (y * y).sum().backward(); R = (y, x.grad)",
    "x = M.tensor([[1., 2.], [3., 4.]], requires_grad=True); y = x * 1; y[:, M.tensor([1])] = x[:, :1] * 3; (y * y).sum().backward(); R = (y, x.grad)",
    "x = M.tensor([[1., 2.], [3., 4.]], requires_grad=True); y = x * 1; y[0, M.tensor([0, 1])] = x[1]; y.sum().backward(); R = (y, x.grad)",
    "x = M.tensor([[1., 2.], [3., 4.]], requires_grad=True); y = x * 1; y[...] = x[1] * 2; y.sum().backward(); R = (y, x.grad)",
    "x = M.tensor([[1., 2.], [3., 4.]], requires_grad=True); y = x * 1; y[0] = M.tensor([[5., 6.]]); y.sum().backward(); R = (y, x.grad)",
    "x = M.tensor([[1., 2.], [3., 4.]], requires_grad=True); y = x * 1; y[0] = M.ones(3)",
    "x = M.tensor([[1., 2.], [3., 4.]], requires_grad=True); y = x * 1; y[2] = 1.",
    "s = M.tensor(2., requires_grad=True); z = M.zeros(2, 3); z[:, 1] = s * 3; z[0] += s; (z * z).sum().backward(); R = (z, s.grad)",
    "s = M.tensor(2., requires_grad=True); z = M.zeros(3); z[0:2].mul_(s); z.sum().backward(); R = (z, s.grad)",
    "s = M.tensor([1., 2.], requires_grad=True); z = M.ones(2, 2); v = z[1]; v.mul_(s); (z * z).sum().backward(); R = (z, v, s.grad)",
    "s = M.tensor([1., 2.], requires_grad=True); z = M.zeros(2, 2, dtype=M.float64); z[0] = s; z.sum().backward(); R = (z, s.grad)",
    "x = M.ones(3, requires_grad=True); y = x * 1; y.expand(2, 3).add_(1)",
    "x = M.ones(3, requires_grad=True); y = x * 1; y.expand(1, 3).add_(1); y.sum().backward(); R = (y, x.grad)",
    "x = M.ones(3, requires_grad=True); y = x * 1; e = y.expand(2, 3); e[:, 0] = 5.",
    "x = M.ones(2, 3, requires_grad=True); y = x.t().reshape(6)",
    "x = M.ones(2, 3, requires_grad=True); y = x.t().view(6)",
    "x = M.ones(2, 3, requires_grad=True); y = x * 1; v = y.view(3, 2); v[0, 0] = 4.; (y * y).sum().backward(); R = (y, x.grad)",
    "x = M.ones(2, 3, requires_grad=True); y = (x * 1)[1]; y[0] = 5.; y.sum().backward(); R = (y, x.grad)",
    "x = M.ones(2, 3, requires_grad=True); y = x * 1; d = y.detach(); d[0] = 5.; (y * y).sum().backward(); R = (y, x.grad)",
    "x = M.ones(2, 3, requires_grad=True); y = x * 1; c = y[0].clone(); c.mul_(2); (y * c).sum().backward(); R = (y, c, x.grad)",
    "x = M.tensor([1., 5., 3., -2.], requires_grad=True); lo = M.tensor([2., 0., 4., 1.], requires_grad=True); hi = M.tensor(3., requires_grad=True); (M.clamp(x, lo, hi) * x).sum().backward(); R = (x.grad, lo.grad, hi.grad)",
    "x = M.tensor([1., 5., 3., -2.], requires_grad=True); m = M.tensor([2.], requires_grad=True); y = x * 1; y[1:].clamp_(min=m); y.sum().backward(); R = (y, x.grad, m.grad)",
    "x = M.tensor([[1., 2.], [3., 4.], [5., 6.]], dtype=M.float64, requires_grad=True); z = M.from_numpy(np.arange(12.).reshape(3, 4).T); v = z[1:, ::2]; v.mul_(x); z.T[0].add_(x[0, 0]); ((z * z).sum() + (v * v).sum()).backward(); R = (z, x.grad)",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * 2; y.retain_grad(); y.mul_(3); (y * y).sum().backward(); R = (y.grad, x.grad, y.retains_grad)",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * 2; y.retain_grad(); y[0] = 5.; (y * y).sum().backward(); R = (y.grad, x.grad)",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * 2; v = y[0:1]; v.retain_grad(); y.mul_(3); (v * v).sum().backward(); R = (v.grad, x.grad)",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * 2; y.retain_grad(); v = y[0:1]; v.mul_(3); (y * y).sum().backward(); R = (y.grad, x.grad)",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * 2; v = y[1:]; v.mul_(3); R = M.autograd.grad((y * y).sum(), [x, v])",
    "z = M.zeros(2)\nwith M.no_grad():\n    v = z[0:1]\nv.mul_(2); R = z",
    "x = M.zeros(2, requires_grad=True)\nwith M.no_grad():\n    v = x[0:1]\nv.mul_(2)",
    "x = M.zeros(2, requires_grad=True); y = x * 1\nwith M.no_grad():\n    v = y[0:1]\nv.mul_(2)",
    "x = M.zeros(2, requires_grad=True); y = x * 1\nwith M.no_grad():\n    v = y[0:1]\nw = v[0:1]\nw.mul_(2)",
    "z = M.zeros(2); s = M.ones(1, requires_grad=True)\nwith M.no_grad():\n    v = z[0:1]\nv.mul_(s)",
    "x = M.zeros(2, requires_grad=True)\nwith M.no_grad():\n    v = x[0:1]\nv[0] = 1.",
    "x = M.zeros(2, requires_grad=True)\nwith M.no_grad():\n    v = x.detach()[0:1]\nv.mul_(2); R = x",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); y = x * 1; y[0] = y[1]; (y * y).sum().backward(); R = (y, x.grad)",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); y = x * 1; y[:, 0] = y[:, 1] * 2; (y * y).sum().backward(); R = (y, x.grad)",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); y = x * 1; y[1:] += y[:-1]; (y * y).sum().backward(); R = (y, x.grad)",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); y = x * 1; y.T[0] += y[0]; (y * y).sum().backward(); R = (y, x.grad)",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); y = x * 1; v = y[0]; v += v; (y * y).sum().backward(); R = (y, x.grad)",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); y = x * 1; y[0] = y[0] * y[1]; (y * y).sum().backward(); R = (y, x.grad)",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); y = x * 1; y[[1, 0]] = y[[0, 1]]; (y * y).sum().backward(); R = (y, x.grad)",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); y = x * 1; y.mul_(y); (y * x).sum().backward(); R = (y, x.grad)",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); y = x * 1; y[0].mul_(y[1]); (y * x).sum().backward(); R = (y, x.grad)",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); y = x * 1; y[y > 1] = y[y > 1] * 0.5; (y * y).sum().backward(); R = (y, x.grad)",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); y = x * 1; z = y[0]; y[0] = 0.; (z * z).sum().backward(); R = (z, x.grad)",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); y = x.clone(); y[0, 0] = x.sum(); (y * y).sum().backward(); R = (y, x.grad)",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); y = x.clone(); y[:, :1] = x[:, 1:2].exp(); (y * y).sum().backward(); R = (y, x.grad)",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); y = M.zeros(4, 3); y[1:3] = x; y[0] = x[0] + x[1]; (y * y).sum().backward(); R = (y, x.grad)",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); y = M.zeros(2, 3); y += x; y[0] *= x[1]; y.sum().backward(); R = (y, x.grad)",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); y = x * 1; y.unsqueeze(0)[0, 0].copy_(y[1]); (y * y).sum().backward(); R = (y, x.grad)",
    "x = M.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=M.float64, requires_grad=True); y = x * 1; y.flatten()[::2] = 5.; (y * x).sum().backward(); R = (y, x.grad)",
    "x = M.arange(24.).reshape(2, 3, 4).requires_grad_(); y = x * 1; y[:, 0, :] *= 2; y.transpose(0, 2)[0] += 1; (y * y).sum().backward(); R = (y, x.grad)",
    "x = M.arange(24.).reshape(2, 3, 4).requires_grad_(); y = x * 1; y.permute(2, 0, 1)[1:3, :, ::2].mul_(-1); (y * x).sum().backward(); R = (y, x.grad)",
]


def _run(program, module):
    env = {"M": module, "np": np}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            exec(program, env)
        except Exception as e:  # noqa: BLE001 - the exception is what is compared
            return None, e
    return env.get("R"), None


def _plain(value):
    if isinstance(value, (torch.Tensor, mg.Tensor)):
        arr = value.detach().numpy() if isinstance(value, torch.Tensor) else value.data
        dtype = str(value.dtype).replace("torch.", "")
        values = np.asarray(arr, np.float64).round(12)
        text = np.where(np.isnan(values), "nan", values.astype(str)).tolist()  # NaN == NaN
        return ("tensor", dtype, text, value.requires_grad)
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


@pytest.mark.parametrize("program", PROGRAMS)
def test_program_matches_pytorch(program):
    expected, t_err = _run(program, torch)
    got, m_err = _run(program, mg)
    if t_err is not None:
        assert m_err is not None, f"PyTorch raises {t_err!r}, minigrad gives {got!r}"
        assert isinstance(m_err, type(t_err)), f"{m_err!r} is not a {type(t_err)}"
        return
    assert m_err is None, f"minigrad raises {m_err!r}, PyTorch gives {expected!r}"
    assert _plain(got) == _plain(expected)


@pytest.mark.parametrize("program", VIEW_PROGRAMS)
def test_in_place_through_views_and_assignment_match_pytorch(program):
    test_program_matches_pytorch(program)
