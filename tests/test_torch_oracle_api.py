# ruff: noqa: E501 - the expressions and programs are data, one per line
"""ravel, split_with_sizes, tensor_split, hsplit/vsplit/dsplit, the in-place functional
activations (F.relu_, F.elu_, F.leaky_relu_, F.hardtanh_) and Tensor.type against PyTorch:
values, dtypes, shapes, errors (minigrad's an instance of PyTorch's class), gradients,
grad_fn names, which outputs share a node, and which share memory with their input.
Runs only where torch is installed.
"""

import pytest
from test_torch_oracle_autograd import test_program_matches_pytorch as _matches_pytorch
from test_torch_oracle_ops2 import grad_fn_names
from test_torch_oracle_surface import test_expression_matches_pytorch as _expression_matches
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

A = "M.arange(12.).reshape(3, 4)"
B = "M.arange(24.).reshape(2, 3, 4)"
EXPRESSIONS = [
    # ravel
    f"{A}.ravel()", f"M.ravel({A})", f"{A}.t().ravel()", "M.tensor(3.).ravel()",
    "M.zeros(2, 0).ravel()", "M.tensor([[1, 2], [3, 4]]).ravel()", f"{A}[:, ::2].ravel()",
    "M.ravel([1., 2.])",
    # split_with_sizes
    f"{A}.split_with_sizes([1, 2])", f"{A}.split_with_sizes((1, 3), 1)",
    f"M.split_with_sizes({A}, [4], dim=-1)", f"{A}.split_with_sizes([0, 3, 0])",
    f"{A}.split_with_sizes([1, 1])", f"{A}.split_with_sizes([1, -1, 3])", f"{A}.split_with_sizes(3)",
    f"{A}.split_with_sizes([])", "M.zeros(0).split_with_sizes([])", "M.tensor(1.).split_with_sizes([1])",
    f"{A}.split_with_sizes([1, 2], 2)", f"{A}.split_with_sizes([1., 2.])",
    "M.split_with_sizes([1., 2.], [1, 1])",
    # tensor_split: sections
    "M.arange(5.).tensor_split(2)", "M.arange(5.).tensor_split(7)", "M.arange(6).tensor_split(3)",
    f"{A}.tensor_split(3, 1)", f"{A}.tensor_split(1)", f"M.tensor_split({B}, 2, dim=-1)",
    "M.zeros(3, 0).tensor_split(2, 1)", f"{A}.tensor_split(0)", f"{A}.tensor_split(-1)",
    "M.tensor(1.).tensor_split(1)", f"{A}.tensor_split(2, dim=2)", f"{A}.tensor_split(2.0)",
    f"{A}.tensor_split(True)",
    # tensor_split: indices
    "M.arange(5.).tensor_split([-2])", "M.arange(5.).tensor_split([3, 1])",
    "M.arange(5.).tensor_split([-7, 9])", "M.arange(5.).tensor_split([])", "M.arange(5.).tensor_split(())",
    f"{A}.tensor_split([1, 2], dim=1)", f"M.tensor_split({B}, (1,), 1)", f"{A}.tensor_split((1, 2.0))",
    f"{A}.tensor_split([True])",
    # tensor_split: a tensor of sections or indices
    "M.arange(5.).tensor_split(M.tensor(2))", "M.arange(5.).tensor_split(M.tensor([1, 3]))",
    f"{A}.tensor_split(M.tensor([1, 2]), 1)", "M.arange(5.).tensor_split(M.tensor([], dtype=M.int64))",
    "M.arange(5.).tensor_split(M.tensor(0))", f"{A}.tensor_split(M.tensor([[1]]))",
    f"{A}.tensor_split(M.tensor([1.]))", "M.arange(5.).tensor_split(M.tensor([1, 3], dtype=M.int32))",
    "M.arange(5.).tensor_split(M.tensor(2, dtype=M.int32))", "M.arange(5.).tensor_split(M.tensor([True]))",
    "M.tensor_split([1., 2.], 1)",
    # hsplit, vsplit, dsplit
    f"{A}.hsplit(2)", f"M.hsplit({A}, [1, 3])", f"{A}.hsplit((1,))", f"{A}.hsplit(M.tensor([1]))",
    "M.arange(4.).hsplit(2)", "M.zeros(0).hsplit(2)", f"{A}.hsplit(3)", f"{A}.hsplit(0)",
    "M.tensor(1.).hsplit(1)", f"M.hsplit({A}, [1.])", f"{A}.hsplit(2.0)",
    f"{A}.vsplit(3)", f"M.vsplit({A}, [1])", f"{A}.vsplit([])", f"{A}.vsplit(2)",
    "M.zeros(3).vsplit(1)", "M.arange(5.).vsplit([])",
    f"{B}.dsplit(2)", f"M.dsplit({B}, [1, 3])", f"{B}.dsplit(M.tensor([1]))", f"{A}.dsplit(2)", f"{B}.dsplit(3)",
    # Tensor.type
    "M.zeros(2).type()", "M.zeros(2, dtype=M.float64).type()", "M.zeros(2, dtype=M.float16).type()",
    "M.zeros(2, dtype=M.int64).type()", "M.zeros(2, dtype=M.int32).type()", "M.zeros(2, dtype=M.int16).type()",
    "M.zeros(2, dtype=M.int8).type()", "M.zeros(2, dtype=M.uint8).type()", "M.zeros(2, dtype=M.bool).type()",
    "M.tensor([1.5, -2.5]).type(M.int64)", "M.tensor([1.5, 0.]).type(M.bool)",
    "M.tensor([1, 2]).type('torch.DoubleTensor')", "M.tensor([1, 2]).type(dtype='torch.FloatTensor')",
    "M.zeros(2).type(None)", "M.zeros(2).type(M.int64).type()", "M.zeros(2).type('torch.LongTensor', True)",
    "M.zeros(2).type(M.float64, non_blocking=True)", "M.zeros(2).type('torch.float64')",
    "M.zeros(2).type('LongTensor')", "M.zeros(2).type('float')", "M.zeros(2).type(float)",
    "M.zeros(2).type(M.float64, copy=True)", "M.zeros(2).type('torch.cuda.FloatTensor')",
    "M.tensor([1.], requires_grad=True).type(M.float64)", "M.tensor([1.], requires_grad=True).type(M.int32)",
]  # fmt: skip


@pytest.mark.parametrize("expr", EXPRESSIONS)
def test_expression_matches_pytorch(expr):
    _expression_matches(expr)


X = "x = M.arange(12., dtype=M.float64).reshape(3, 4).requires_grad_(); w = M.arange(1., 13., dtype=M.float64).reshape(3, 4); "
Z = "x = M.arange(24., dtype=M.float64).reshape(2, 3, 4).requires_grad_(); "
V = "x = M.tensor([-2., -0.5, 0., 0.5, 2.], dtype=M.float64, requires_grad=True); y = x * 1; "
PROGRAMS = [
    # gradients through the pieces, some pieces unused
    X + "p = x.ravel(); (p * w.ravel()).sum().backward(); R = (p, x.grad)",
    X + "p = x.t().ravel(); (p * p).sum().backward(); R = (p, x.grad)",
    X + "a, b = x.split_with_sizes([1, 2]); (a * 2 + 0).sum().backward(); R = (a, b, x.grad)",
    X + "a, b, c = M.split_with_sizes(x, [1, 0, 3], 1); (c * c).sum().backward(); R = (a, b, c, x.grad)",
    X + "ps = x.tensor_split(3, dim=1); (ps[0] * 3).sum().backward(); R = (ps, x.grad)",
    X + "ps = x.tensor_split([1, 3], dim=1); (ps[1] ** 2).sum().backward(); R = (ps, x.grad)",
    X + "ps = M.tensor_split(x, M.tensor([2])); (ps[0].sum() + 2 * ps[1].sum()).backward(); R = (ps, x.grad)",
    X + "ps = x.hsplit(2); (ps[1] * w[:, :2]).sum().backward(); R = (ps, x.grad)",
    X + "ps = M.vsplit(x, [1]); (ps[1] * ps[1]).sum().backward(); R = (ps, x.grad)",
    Z + "ps = x.dsplit([1, 3]); (ps[2] * ps[0]).sum().backward(); R = (ps, x.grad)",
    # each piece backward on its own (a tensor_split piece has its own node)
    X + "a, b = x.tensor_split(2); a.sum().backward(); g = x.grad.clone(); b.sum().backward(); R = (g, x.grad)",
    X + "a, b = x.split_with_sizes([2, 1]); a.sum().backward(); g = x.grad.clone(); b.sum().backward(); R = (g, x.grad)",
    # writes through a piece reach the base, and a write to the base reaches the piece
    "x = M.arange(12.).reshape(3, 4); a, b = x.tensor_split(2, 1); b[0, 0] = 100.; a.mul_(-1); R = (x, a, b)",
    "x = M.arange(12.).reshape(3, 4); a, b = x.split_with_sizes([1, 2]); b.add_(1); R = (x, a, b)",
    "x = M.arange(12.).reshape(3, 4); r = x.ravel(); r[5] = -1.; R = (x, r)",
    "x = M.arange(12.).reshape(3, 4); r = x.t().ravel(); r[0] = -1.; R = (x, r)",
    "x = M.arange(12.).reshape(3, 4); ps = x.hsplit([1]); x.zero_(); R = ps",
    "x = M.arange(24.).reshape(2, 3, 4); ps = x.dsplit(2); ps[1].fill_(7.); R = x",
    "x = M.arange(12.).reshape(3, 4); ps = x.vsplit(3); ps[2][0, 1] = 0.5; R = x",
    # in-place through a tensor_split piece inside the graph (a Slice view, as narrow)
    X + "y = x * 1; a, b = y.tensor_split(2, 1); b.mul_(w[:, 2:]); (y * y).sum().backward(); R = (y, x.grad)",
    X + "y = x * 1; r = y.ravel(); r.mul_(2.); (y * w).sum().backward(); R = (y, x.grad)",
    # type: conversions in the graph, and the same type is the tensor itself
    X + "y = x.type(M.float32); (y * y).sum().backward(); R = (y, x.grad)",
    X + "y = x.type('torch.FloatTensor'); y.sum().backward(); R = (y, x.grad)",
    X + "R = (x.type(M.float64) is x, x.type('torch.DoubleTensor') is x, x.type(M.float32) is x)",
    # in-place functional activations: the result is the input, gradients as PyTorch's
    V + "r = M.nn.functional.relu_(y); (r * r).sum().backward(); R = (r is y, y, x.grad)",
    V + "r = M.nn.functional.elu_(y); (r * r).sum().backward(); R = (r is y, y, x.grad)",
    V + "r = M.nn.functional.elu_(y, 0.5); (r * r).sum().backward(); R = (y, x.grad)",
    V + "r = M.nn.functional.elu_(y, alpha=-0.5); r.sum().backward(); R = (y, x.grad)",
    V + "r = M.nn.functional.leaky_relu_(y); (r * r).sum().backward(); R = (r is y, y, x.grad)",
    V + "r = M.nn.functional.leaky_relu_(y, 0.2); (r * 3).sum().backward(); R = (y, x.grad)",
    V + "r = M.nn.functional.leaky_relu_(y, negative_slope=-0.2); r.sum().backward(); R = (y, x.grad)",
    V + "r = M.nn.functional.hardtanh_(y); (r * r).sum().backward(); R = (r is y, y, x.grad)",
    V + "r = M.nn.functional.hardtanh_(y, 0., 1.); (r * r).sum().backward(); R = (y, x.grad)",
    V + "r = M.nn.functional.hardtanh_(y, min_val=-0.5, max_val=0.5); r.sum().backward(); R = (y, x.grad)",
    V + "r = M.nn.functional.hardtanh_(y, 1., 0.); r.sum().backward(); R = (y, x.grad)",
    V + "r = M.nn.functional.relu_(input=y); R = y",
    V + "y = y[1:4]; r = M.nn.functional.relu_(y); r.sum().backward(); R = (y, x.grad)",
    # in-place on a leaf that requires grad, non-Tensors and integer inputs
    V + "M.nn.functional.relu_(x)",
    V + "M.nn.functional.hardtanh_(x)",
    "R = M.nn.functional.relu_(1.0)",
    "R = M.nn.functional.elu_([1.0])",
    "t = M.tensor([1, -2]); R = (M.nn.functional.relu_(t), t)",
    "t = M.tensor([1, -2]); R = (M.nn.functional.hardtanh_(t), t)",
    "R = M.nn.functional.elu_(M.tensor([1, -2]))",
    "R = M.nn.functional.leaky_relu_(M.tensor([1, -2]))",
    "t = M.tensor([1., -2.]); R = (M.nn.functional.leaky_relu_(t, 0.5), t)",
    "t = M.tensor([1., -2.], dtype=M.float64); R = (M.nn.functional.elu_(t), t)",
]  # fmt: skip


@pytest.mark.parametrize("program", PROGRAMS)
def test_program_matches_pytorch(program):
    _matches_pytorch(program)


GRAD_FN_NAMES = [
    "x.ravel()", "M.ravel(x)", "x.t().ravel()", "x[0, 0].ravel()", "x.split_with_sizes([1, 1])[0]",
    "M.split_with_sizes(x, [2], 1)[0]", "x.tensor_split(2)[1]", "x.tensor_split([1], 1)[0]",
    "M.tensor_split(x, M.tensor([1]))[1]", "x.hsplit(2)[0]", "x.vsplit([1])[1]",
    "x[None].dsplit(2)[0]", "x.type(M.float64)", "x.type('torch.HalfTensor')",
    "M.nn.functional.relu_(x * 1)", "M.nn.functional.elu_(x * 1)",
    "M.nn.functional.leaky_relu_(x * 1)", "M.nn.functional.hardtanh_(x * 1)",
    "M.nn.functional.hardtanh_(x * 1, 0., 0.5)",
]  # fmt: skip


@pytest.mark.parametrize("expr", GRAD_FN_NAMES)
def test_grad_fn_name_matches_pytorch(expr):
    pytorch_name, name = grad_fn_names(expr)
    assert name == pytorch_name


# which pieces share a node: split_with_sizes' pieces are outputs of one node, each of
# tensor_split's (and hsplit's, ...) has its own; ravel's node follows a Clone when x is
# not contiguous
NODES = [
    "x.split_with_sizes([1, 1])", "x.tensor_split(2)", "x.tensor_split([1], 1)", "x.hsplit(2)",
    "x.vsplit(2)", "M.tensor_split(x, M.tensor(2))",
]  # fmt: skip


@pytest.mark.parametrize("expr", NODES)
def test_pieces_share_a_node_as_in_pytorch(expr):
    shared = []
    for M in (torch, mg):
        x = M.tensor([[0.5, 0.25], [0.75, 0.125]], requires_grad=True)
        a, b = eval(expr, {"M": M, "x": x})
        shared.append(a.grad_fn is b.grad_fn)
    assert shared[1] == shared[0]


@pytest.mark.parametrize("expr", ["x.ravel()", "x.t().ravel()", "x[:, :1].ravel()", "x[0].ravel()"])
def test_ravel_graph_and_memory_match_pytorch(expr):
    found = []
    for M in (torch, mg):
        x = M.tensor([[0.5, 0.25], [0.75, 0.125]], requires_grad=True)
        y = x * 1
        r = eval(expr, {"M": M, "x": y})
        before = [n.name().rstrip("0123456789") for n, _ in r.grad_fn.next_functions]
        with M.no_grad():
            r[0] = 9.0  # a view writes through to y, a copy does not
        found.append((before, y[0, 0].item(), r[0].item()))
    assert found[1] == found[0]


@pytest.mark.parametrize(
    "expr",
    [
        "x.tensor_split(3)", "x.tensor_split([1, 2], 1)", "x.split_with_sizes([2, 1])",
        "x.hsplit(2)", "x.vsplit([1])", "M.tensor_split(x, M.tensor([0, 2]))",
    ],
)  # fmt: skip
def test_pieces_share_memory_with_the_base(expr):
    """Writing through each piece changes the base where PyTorch's does, and a write to the
    base shows in each piece."""
    found = []
    for M in (torch, mg):
        x = M.arange(12.0).reshape(3, 4)
        pieces = eval(expr, {"M": M, "x": x})
        for k, p in enumerate(pieces):
            if p.numel():
                p[(0,) * p.dim()] = -(k + 1.0)
        written = x.tolist()
        x.add_(100.0)
        found.append((written, [p.tolist() for p in pieces]))
    assert found[1] == found[0]
    assert sum(v < 0 for row in found[1][0] for v in row) >= 2


def test_functional_in_place_activations_exist_exactly_where_pytorch_has_them():
    for name in ["relu_", "elu_", "leaky_relu_", "hardtanh_"]:
        assert hasattr(torch.nn.functional, name)
        assert callable(getattr(mg.nn.functional, name))


def test_type_strings_equal_pytorchs_for_every_dtype():
    for name in [
        "float16",
        "float32",
        "float64",
        "uint8",
        "int8",
        "int16",
        "int32",
        "int64",
        "bool",
    ]:
        t, m = torch.zeros(1, dtype=getattr(torch, name)), mg.zeros(1, dtype=getattr(mg, name))
        assert m.type() == t.type()
        assert m.type(t.type()).dtype == m.dtype  # the string back to the same dtype
        assert mg.zeros(1).type(t.type()).type() == torch.zeros(1).type(t.type()).type()
