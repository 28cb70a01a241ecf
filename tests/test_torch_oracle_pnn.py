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


# a loss's weight that is not a Tensor: PyTorch's TypeError (or AttributeError, reading
# weight.size()), never a silent conversion
_X = "x = M.tensor([[0.2, 0.7, 0.1], [0.5, 0.5, 0.5]]); "
PROGRAMS += [
    _X + "R = M.nn.functional.cross_entropy(x, M.tensor([0, 1]), weight=[1., 2., 3.])",
    _X + "R = M.nn.functional.cross_entropy(x.double(), M.tensor([0, 1]), weight=[1., 2., 3.])",
    _X + "R = M.nn.functional.cross_entropy(x, M.tensor([0, 1]), weight=np.ones(3, np.float32))",
    _X + "R = M.nn.functional.cross_entropy(x, x, weight=[1., 2., 3.])",
    _X + "R = M.nn.functional.nll_loss(x.double(), M.tensor([0, 1]), weight=[1., 2., 3.])",
    _X + "R = M.nn.functional.binary_cross_entropy(x, x, weight=[1., 2., 3.])",
    _X + "R = M.nn.functional.binary_cross_entropy(x, x, weight=2.)",
    _X + "R = M.nn.functional.binary_cross_entropy_with_logits(x, x, weight=[1., 2., 3.])",
    _X + "R = M.nn.functional.binary_cross_entropy_with_logits(x, x, pos_weight=[1., 2., 3.])",
    _X + "R = M.nn.functional.binary_cross_entropy_with_logits(x, x, pos_weight=2.)",
    _X + "R = M.nn.functional.mse_loss(x, x, weight=[[1., 2., 3.], [1., 1., 1.]])",
    _X + "R = M.nn.functional.l1_loss(x, x, weight=[[1., 2., 3.], [1., 1., 1.]])",
    _X + "R = M.nn.functional.huber_loss(x, x, weight=[[1., 2., 3.], [1., 1., 1.]])",
]


# 'mean' of the class losses when the weights of the counted targets sum to 0: the loss is
# 0 / 0 (NaN), each counted sample's gradient too; an ignored sample's stays 0
_ZW = "x = M.tensor([[1., 2., .5], [.1, -1., 2.]], requires_grad=True); loss = M.nn.functional.{f}; loss.backward(); R = (loss, x.grad)"
PROGRAMS += [
    _ZW.format(f=f)
    for f in [
        "cross_entropy(x, M.tensor([0, 1]), weight=M.tensor([0., 0., 1.]))",
        "cross_entropy(x, M.tensor([0, 2]), weight=M.tensor([0., 1., 1.]), ignore_index=2)",
        "cross_entropy(x, M.tensor([0, 1]), weight=M.tensor([0., 0., 1.]), label_smoothing=0.2)",
        "cross_entropy(x, M.tensor([0, 2]), weight=M.tensor([0., 1., 1.]), ignore_index=2, label_smoothing=0.2)",
        "cross_entropy(x, M.tensor([2, 2]), ignore_index=2)",  # all ignored: NaN, no gradient
        "cross_entropy(x, M.tensor([2, 2]), ignore_index=2, label_smoothing=0.3)",
        "nll_loss(x, M.tensor([0, 1]), weight=M.tensor([0., 0., 1.]))",
        "nll_loss(x, M.tensor([0, 2]), weight=M.tensor([0., 1., 1.]), ignore_index=2)",
        "nll_loss(x, M.tensor([2, 2]), ignore_index=2)",
        "cross_entropy(x.reshape(1, 3, 2), M.tensor([[0, 1]]), weight=M.tensor([0., 0., 1.]))",
        "nll_loss(x.reshape(1, 3, 2), M.tensor([[0, 2]]), weight=M.tensor([0., 1., 1.]), ignore_index=2)",
    ]
]


# a label_smoothing that is not > 0 (negative, NaN) smooths nothing, as PyTorch's
PROGRAMS += [
    "x = M.tensor([[1., 2., .5], [.1, -1., 2.]], dtype=M.float64, requires_grad=True); loss = M.nn.functional.cross_entropy(x, M.tensor([0, 2]), label_smoothing=float('nan')); loss.backward(); R = (loss, x.grad)",
    "x = M.tensor([[1., 2., .5], [.1, -1., 2.]], dtype=M.float64, requires_grad=True); loss = M.nn.CrossEntropyLoss(label_smoothing=float('nan'), weight=M.tensor([1., 2., 3.], dtype=M.float64))(x, M.tensor([0, 2])); loss.backward(); R = (loss, x.grad)",
]


@pytest.mark.parametrize("program", PROGRAMS)
def test_pnn_program_matches_pytorch(program):
    _matches_pytorch("from collections import OrderedDict\n" + program)
