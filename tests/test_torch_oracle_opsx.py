# ruff: noqa: E501 - the expressions and programs are data, one per line
"""The ops added for PyTorch programs (special functions, indexing and scattering,
aliases) against PyTorch: values, dtypes, errors, gradients, grad_fn names and graph
inputs. Uses the harnesses of test_torch_oracle_ops2 (expressions, programs, names).
Runs only where torch is installed.
"""

import pytest
from test_torch_oracle_ops2 import _expression_matches, _run_program, grad_fn_names
from test_torch_oracle_surface import _assert_same, _plain
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

# ---- group 1: special functions and more elementwise math ------------------------------

UNARY = ["erf", "erfc", "erfinv", "sinc", "asinh", "acosh", "atanh", "deg2rad", "rad2deg", "sgn"]
DATA = [
    "M.tensor([0, 1, 2, -3])",
    "M.tensor([True, False])",
    "M.tensor([0.5, -0.5, 0.25, 0.999, -1., 1., 3.], dtype=M.float64)",
    "M.tensor([0.5, -1.5, 2.75, 1e-4, 7.])",
    "M.tensor([float('nan'), float('inf'), -float('inf'), 0., -0., 1., -1., 1e-8, 100.])",
    "M.tensor(0.75)",
    "M.zeros(0, 2)",
]
UNARY_EXPRESSIONS = (
    [f"{d}.{n}()" for n in UNARY for d in DATA]
    + [f"M.{n}(M.tensor([0.25, 0.5]))" for n in UNARY]
    + [f"M.{n}([0.5])" for n in UNARY]
)

BINARY = ["logaddexp", "logaddexp2", "hypot", "xlogy", "float_power", "fmod", "fmax", "fmin"]
PAIRS = [
    ("M.tensor([0.5, -1., 0., 3.])", "M.tensor([[2.], [-0.5]])"),
    ("M.tensor([0.5, -1., 0., 3.], dtype=M.float64)", "M.tensor([2., 0., 0., -1.])"),
    ("M.tensor([1, 2, 0, -3])", "M.tensor([2, -1, 3, 1])"),
    ("M.tensor([1, 2, 0, -3])", "M.tensor([2., 0.5, 3., 1.])"),
    ("M.tensor([True, False])", "M.tensor([True, True])"),
    (
        "M.tensor([float('nan'), 1., float('inf'), -float('inf'), 0.])",
        "M.tensor([1., float('nan'), float('inf'), -float('inf'), 0.])",
    ),
    ("M.tensor(2.)", "M.tensor([1., 3.])"),
    ("M.zeros(0, 2)", "M.ones(2)"),
    ("M.tensor([0.5, 2.])", "1.5"),
    ("M.tensor([0.5, 2.])", "2"),
    ("M.tensor([1, 2])", "0"),
    ("M.tensor([1, 2])", "M.tensor([0, 1])"),
    ("M.tensor([1., 2.])", "M.ones(3)"),
]
BINARY_EXPRESSIONS = (
    [f"{a}.{n}({b})" for n in BINARY for a, b in PAIRS]
    + [f"M.{n}({a}, {b})" for n in BINARY for a, b in PAIRS[:1] + PAIRS[8:10]]
    + [f"M.{n}(2., M.tensor([0.5, 0., 1.]))" for n in BINARY]
    + [f"M.{n}([1.], M.tensor([1.]))" for n in BINARY]
)

EXPRESSIONS_1 = [
    "M.tensor([0.5, 1., 2.], dtype=M.float16).erf()",
    "M.tensor([-5.5, -3., 0.1, 4., 6., 27.], dtype=M.float64).erfc()",
    "M.tensor([-0.9999, -0.5, 1e-10, 0.3, 0.99, 0.999999], dtype=M.float64).erfinv()",
    "M.tensor([-0.9999, -0.5, 1e-10, 0.3, 0.99, 0.999999]).erfinv()",
    "M.tensor([1e300, -1e300, 3., 1e-300], dtype=M.float64).hypot(M.tensor([1e300, 4., 4., 1e-300], dtype=M.float64))",
    "M.tensor([800., -800., 1.], dtype=M.float64).logaddexp(M.tensor([800., -800., 1000.], dtype=M.float64))",
    "M.tensor([5.5, -5.5, 5.5, -5.5]).fmod(M.tensor([2., 2., -2., -2.]))",
    "M.tensor([5, -5, 5, -5]).fmod(M.tensor([2, 2, -2, -2]))",
    "M.tensor([5, -5]).fmod(M.tensor([2, 0]))",
    "M.tensor([5, -5], dtype=M.int32).fmod(3)",
    "M.tensor([0., 1., 2.]).xlogy(M.tensor([0., float('nan'), -1.]))",
    "M.xlogy(0., M.tensor([float('nan'), 0., 2.]))",
    "M.xlogy(M.tensor([1, 2]), 2.5)",
    "M.xlogy(2, M.tensor([1, 2]))",
    "M.xlogy(2., 3.)",
    "M.tensor([1., 2.]).float_power(M.tensor([2, 3]))",
    "M.float_power(2, M.tensor([1, 2]))",
    "M.float_power(M.tensor([4, 9]), 0.5)",
    "M.float_power(2., 3.)",
    "M.tensor([1., float('nan'), 3.]).fmax(M.tensor([float('nan'), float('nan'), 2.]))",
    "M.tensor([1, 5]).fmin(M.tensor([3, 2], dtype=M.int32))",
]


@pytest.mark.parametrize("expr", UNARY_EXPRESSIONS + BINARY_EXPRESSIONS + EXPRESSIONS_1)
def test_group1_expression_matches_pytorch(expr):
    _expression_matches(expr)


def _check_program(program):
    expected, t_err = _run_program(program, torch)
    got, m_err = _run_program(program, mg)
    if t_err is not None:
        assert m_err is not None, f"PyTorch raises {t_err!r}, minigrad gives {got!r}"
        assert isinstance(m_err, type(t_err)), f"{m_err!r} is not a {type(t_err)}"
        return
    assert m_err is None, f"minigrad raises {m_err!r}, PyTorch gives {expected!r}"
    _assert_same(_plain(expected), _plain(got), program)


X = "x = M.tensor({}, dtype=M.{}, requires_grad=True); "
W = "w = M.tensor({}, dtype=M.{}, requires_grad=True); "
UNARY_POINTS = {
    "erf": "[-2., -0.5, 0., 0.3, 3., float('inf')]",
    "erfc": "[-2., -0.5, 0., 0.3, 3., float('inf')]",
    "erfinv": "[-0.9, -0.5, 0., 0.3, 0.99, 1., 2.]",
    "sinc": "[-2.5, -0.5, 0., 0.3, 1., 3.]",
    "asinh": "[-2.5, -0.5, 0., 0.3, 1., 3.]",
    "acosh": "[0.5, 1., 1.5, 3., float('inf')]",
    "atanh": "[-0.9, -0.5, 0., 0.3, 1., 2.]",
    "deg2rad": "[-90., 0., 45., 720.]",
    "rad2deg": "[-3., 0., 0.5, 7.]",
    "sgn": "[-3., -0., 0., 0.5, float('nan')]",
}
PROGRAMS_1 = (
    [
        X.format(p, dt) + f"y = x.{n}(); (y * y + 10 * x).sum().backward(); R = (y, x.grad)"
        for n, p in UNARY_POINTS.items()
        for dt in ("float32", "float64")
    ]
    + [
        X.format("[[0.5, -1., 0., 3.]]", dt)
        + W.format("[[2.], [-0.5], [0.]]", dt)
        + f"y = x.{n}(w); (y * M.arange(12.).reshape(3, 4)).sum().backward(); R = (y, x.grad, w.grad)"
        for n in BINARY
        for dt in ("float32", "float64")
    ]
    + [
        X.format("[0.5, -1., 0., 3., float('nan'), 2.]", "float64")
        + W.format("[0.5, 2., 0., float('nan'), 1., float('inf')]", "float64")
        + f"y = M.{n}(x, w); y.sum().backward(); R = (y, x.grad, w.grad)"
        for n in BINARY
    ]
    + [
        X.format("[0.5, 2., 3.]", "float32")
        + f"y = M.{n}(x, x); (y * y).sum().backward(); R = (y, x.grad)"
        for n in BINARY
    ]
    + [
        X.format("[0.5, 2., 0.]", "float32")
        + "y = x.fmod(1.5) + x.xlogy(2) + M.xlogy(3, x) + x.float_power(2) + M.float_power(2, x); y.sum().backward(); R = (y, x.grad)",
        X.format("[0.5, -2., 0.]", "float64")
        + "y = x.fmod(M.tensor([0.3, 0.7, 2.], dtype=M.float64)); y.sum().backward(); R = (y, x.grad)",
        X.format("[0.5, 2., 0.]", "float32")
        + "y = x * 1; y.erf_(); y.sum().backward(); R = (y, x.grad)",
        X.format("[0.5, 2., 0.]", "float32")
        + "y = x * 1; y.fmod_(0.7); y.xlogy_(2.); y.hypot_(M.tensor([1., 2., 3.])); y.sum().backward(); R = (y, x.grad)",
        X.format("[0.5, 2., 0.]", "float32") + "x.erfinv_()",
        X.format("[0.5, 0.2, 0.]", "float32")
        + "y = x.erfinv(); y.mul_(2); y.sum().backward(); R = x.grad",
        X.format("[0.5, 0.2, 0.]", "float32")
        + "y = x.deg2rad(); z = y * 1; y.mul_(2); z.rad2deg().sum().backward(); R = x.grad",
        X.format("[0.5, 0.2, 0.]", "float32")
        + "y = x * 1; z = y.deg2rad(); y.mul_(2); z.sum().backward(); R = x.grad",
        X.format("[0.5, 0.2, 0.]", "float32")
        + "y = x * 1; z = y.xlogy(2.); y.mul_(2); z.sum().backward(); R = x.grad",
        X.format("[0.5, 0.2, 0.]", "float32")
        + "y = x * 1; z = y.hypot(x); y.mul_(2); z.sum().backward(); R = x.grad",
        X.format("[0.5, 0.2, 0.]", "float32")
        + "y = x * 1; z = x.hypot(x); z.mul_(2); z.sum().backward(); R = x.grad",
        X.format("[0.5, 0.2, 0.]", "float32")
        + "y = x * 1; z = y.asinh(); y.mul_(2); z.sum().backward()",
        "x = M.tensor([1, 2]); y = x.clone(); y.sgn_(); y.fmod_(2); R = y",
        "x = M.tensor([1, 2]); x.erf_()",
    ]
)


@pytest.mark.parametrize("program", PROGRAMS_1)
def test_group1_program_matches_pytorch(program):
    _check_program(program)


def graph_inputs(expr: str) -> tuple:
    """The grad_fn name (without its version digit) of ``expr`` and which of its
    next_functions are None, in PyTorch and in minigrad; x a 2x2 leaf, i an int tensor,
    c a float tensor that needs no gradient."""
    out = []
    for M in (torch, mg):
        env = {"M": M, "x": M.tensor([[0.5, 0.25], [0.75, 0.125]], requires_grad=True),
               "i": M.tensor([[1, 0], [0, 1]]), "c": M.tensor([[2., 3.], [4., 5.]])}  # fmt: skip
        fn = eval(expr, env).grad_fn
        out.append((fn.name().rstrip("0123456789"), [f is None for f, _ in fn.next_functions]))
    return out


GRAPH_1 = [f"x.{n}()" for n in UNARY] + [
    f"x.{n}({o})" for n in BINARY for o in ("x", "c", "i")
] + [
    "x.xlogy(2.)", "M.xlogy(2., x)", "x.fmod(2)", "x.float_power(2)", "M.float_power(2, x)",
    "x.double().float_power(x)",
]  # fmt: skip


@pytest.mark.parametrize("expr", GRAPH_1)
def test_group1_graph_matches_pytorch(expr):
    pytorch, minigrad = graph_inputs(expr)
    assert minigrad == pytorch


def test_grad_fn_names_helper_still_works():
    assert grad_fn_names("x.erf()") == ("ErfBackward", "ErfBackward")


# ---- group 2: selecting, indexing and scattering ---------------------------------------

A = "M.tensor([[0.5, -1., 2.], [3., 0., 1.]])"
AI = "M.tensor([[5, -1, 2], [3, 0, 1]])"
AD = "M.tensor([[0.5, -1., 2.], [3., 0., 1.]], dtype=M.float64)"
EXPRESSIONS_2 = [
    # masked_select
    f"{A}.masked_select(M.tensor([True, False, True]))",
    f"M.masked_select({AI}, M.tensor([[True], [False]]))",
    "M.masked_select(M.tensor([1., 2.]), M.tensor([[True, False], [True, True]]))",
    f"{A}.masked_select(M.tensor([1, 0, 1]))",
    f"{A}.masked_select(M.tensor([True, False]))",
    "M.tensor(2.).masked_select(M.tensor(True))",
    "M.zeros(0, 2).masked_select(M.tensor([True, False]))",
    # take_along_dim / take
    f"{A}.take_along_dim(M.tensor([[0], [2]]), 1)",
    f"{A}.take_along_dim(M.tensor([[1, 0, 0]]), 0)",
    f"M.take_along_dim({AI}, M.tensor([5, 0, 3]))",
    f"{A}.take_along_dim(M.tensor([[0]]), -1)",
    f"{A}.take_along_dim(M.tensor([0]), 1)",
    f"{A}.take_along_dim(M.tensor([[0.]]), 1)",
    f"{A}.take(M.tensor([[5, 0], [-1, 2]]))",
    f"M.take({AI}, M.tensor(3))",
    f"{A}.take(M.tensor([6]))",
    f"{A}.take(M.tensor([1], dtype=M.int32))",
    # index_add / index_copy / index_fill
    f"{A}.index_add(1, M.tensor([0, 0]), M.ones(2, 2), alpha=2)",
    f"{AI}.index_add(0, M.tensor([1, 1, 0]), M.ones(3, 3, dtype=M.int64), alpha=0.5)",
    f"M.index_add({A}, -1, M.tensor([2]), M.ones(2, 1))",
    f"{A}.index_add(1, M.tensor([3]), M.ones(2, 1))",
    f"{A}.index_add(1, M.tensor([0]), M.ones(2, 1, dtype=M.float64))",
    f"{A}.index_add(1, M.tensor([0.]), M.ones(2, 1))",
    f"{A}.index_copy(1, M.tensor([2, 0]), M.tensor([[7., 8.], [9., 10.]]))",
    f"M.index_copy({AI}, 0, M.tensor([1]), M.tensor([[4, 4, 4]]))",
    f"{A}.index_fill(1, M.tensor([2, 0]), -3.)",
    f"{AI}.index_fill(0, M.tensor([1]), 7)",
    f"M.index_fill({A}, 0, M.tensor([0]), M.tensor(4.))",
    f"{A}.index_fill(0, M.tensor([0]), M.tensor([4.]))",
    f"{A}.index_fill(0, M.tensor([[0]]), 1.)",
    # scatter / scatter_add
    f"{A}.scatter(1, M.tensor([[0, 0], [1, 2]]), M.tensor([[1., 2.], [3., 4.]]))",
    f"{A}.scatter(0, M.tensor([[1, 0, 1]]), M.tensor([[1., 2., 3.], [4., 5., 6.]]))",
    f"{A}.scatter(1, M.tensor([[2], [0]]), 9.)",
    f"{A}.scatter(1, M.tensor([[2], [0]]), value=9.)",
    f"{AI}.scatter(1, M.tensor([[2], [0]]), 9)",
    f"{A}.scatter(1, M.tensor([[3]]), 9.)",
    f"{A}.scatter(1, M.tensor([[0, 1]]), M.ones(2, 2, dtype=M.float64))",
    f"{A}.scatter(1, M.tensor([0, 1]), 9.)",
    f"{A}.scatter_add(1, M.tensor([[0, 0], [1, 2]]), M.tensor([[1., 2.], [3., 4.]]))",
    f"M.scatter_add({AI}, 0, M.tensor([[1, 1, 1], [1, 1, 1]]), M.ones(2, 3, dtype=M.int64))",
    f"M.scatter({A}, 0, M.zeros(0, 3, dtype=M.int64), 1.)",
    # nonzero / argwhere
    f"{A}.nonzero()",
    f"{A}.nonzero(as_tuple=True)",
    "M.nonzero(M.tensor([True, False, True]))",
    "M.tensor(2.).nonzero()",
    "M.tensor(0.).nonzero(as_tuple=True)",
    f"M.argwhere({AI})",
    "M.zeros(0, 2).nonzero()",
    # repeat_interleave / broadcast_to
    f"{A}.repeat_interleave(2)",
    f"{A}.repeat_interleave(2, dim=1)",
    f"{A}.repeat_interleave(M.tensor([1, 2]), dim=0)",
    f"{A}.repeat_interleave(M.tensor([0, 2, 1]), -1)",
    f"{A}.repeat_interleave(M.tensor(3), 0)",
    f"M.repeat_interleave({AI}, 0)",
    "M.repeat_interleave(M.tensor([1, 3, 0]))",
    "M.tensor(2.).repeat_interleave(3)",
    f"{A}.repeat_interleave(M.tensor([1, 2, 3]), 0)",
    f"{A}.repeat_interleave(-1)",
    f"{A}.broadcast_to((2, 2, 3))",
    "M.broadcast_to(M.tensor([1, 2]), [3, 2])",
    f"{A}.broadcast_to((3, 3))",
    # diff
    f"{A}.diff()",
    f"{AI}.diff(dim=0)",
    f"{A}.diff(n=2)",
    f"{A}.diff(n=3)",
    f"{A}.diff(n=2, dim=0)",
    f"{A}.diff(prepend=M.zeros(2, 1), append=M.ones(2, 2))",
    f"M.diff({A}, 1, 0, {A})",
    "M.tensor(1.).diff()",
    "M.tensor([True, False]).diff()",
    # cross
    f"M.cross({A}, M.tensor([[1., 0., 0.], [0., 1., 0.]]), dim=1)",
    f"M.cross({A}, M.tensor([1., 2., 3.]), dim=-1)",
    f"{AI}.cross(M.tensor([[1, 2, 3]]), dim=1)",
    f"M.linalg.cross({A}, {A}.flip(0))",
    f"M.linalg.cross({A}, M.ones(2, 2))",
    "M.cross(M.ones(3, 2), M.ones(3, 2), dim=0)",
    # cummax / cummin
    f"tuple({A}.cummax(1))",
    f"tuple({A}.cummin(0))",
    "tuple(M.tensor([1., 3., 3., 2., 5., 5.]).cummax(0))",
    "tuple(M.tensor([1., 3., float('nan'), 2., 5.]).cummax(0))",
    "tuple(M.tensor([3, 1, 1, 2]).cummin(0))",
    "tuple(M.tensor(2.).cummax(0))",
    "tuple(M.zeros(0, 2).cummin(1))",
    f"type({A}.cummax(1)).__name__",
    # kthvalue / median
    f"tuple({A}.kthvalue(2))",
    f"tuple({A}.kthvalue(1, 0, True))",
    f"tuple(M.kthvalue({AI}, 3, dim=1))",
    f"tuple({A}.kthvalue(4))",
    f"tuple({A}.kthvalue(0))",
    f"{A}.median()",
    f"{AI}.median()",
    "M.tensor([4., 1., 3., 2.]).median()",
    "M.tensor([4., float('nan'), 3., 2.]).median()",
    f"tuple({A}.median(1))",
    f"tuple({A}.median(0, keepdim=True))",
    "tuple(M.tensor([[4., 1., 3., 2.]]).median(1))",
    "M.tensor(2.).median()",
    "tuple(M.tensor(2.).median(0))",
    f"type({A}.median(1)).__name__",
    # mode
    "tuple(M.tensor([[3., 1., 3., 1., 2.], [5., 5., 4., 4., 4.], [2., 7., 7., 2., 9.]]).mode(1))",
    "tuple(M.tensor([[3., 1., 3.], [5., 5., 4.]]).mode(0, keepdim=True))",
    "tuple(M.tensor([1., float('nan'), float('nan'), 2.]).mode())",
    "tuple(M.mode(M.tensor([2, 2, 1, 1])))",
    "tuple(M.tensor([True, False, True]).mode())",
    "tuple(M.tensor(3.).mode())",
    "tuple(M.zeros(0).mode())",
    "tuple(M.zeros(2, 0).mode(0))",
    "tuple(M.zeros(2, 0).mode(1))",
    "tuple(M.zeros(0, 2).mode(0))",
    "type(M.tensor([1.]).mode()).__name__",
    "M.tensor([1., 2.]).diff(n=0)",
    # unique
    "M.tensor([3., 1., 3., 2., 1.]).unique()",
    "M.unique(M.tensor([[3, 1], [3, 2]]), return_inverse=True, return_counts=True)",
    "M.tensor([3, 1, 3]).unique(sorted=True, return_counts=True)",
    "M.tensor([3, 1, 3]).unique(return_inverse=True)",
    "M.zeros(0).unique()",
    "M.unique(M.tensor([[1., 2.], [0., 5.], [1., 2.]]), dim=0, return_inverse=True, return_counts=True)",
    "M.tensor([[1, 2, 1], [0, 5, 0]]).unique(dim=1, return_inverse=True)",
    "M.tensor([[1, 2, 1], [0, 5, 0]]).unique(dim=-1, sorted=False)",
    "M.tensor([[1, 2, 1], [0, 5, 0]]).unique(dim=2)",
    "M.tensor([True, False, True]).unique()",
    # tests of values
    f"{A}.count_nonzero()",
    f"M.count_nonzero({AI}, dim=1)",
    f"{A}.count_nonzero((0, 1))",
    f"{A}.logical_and(M.tensor([1., 0., 0.]))",
    f"M.logical_or({AI}, M.tensor([True, False, False]))",
    f"M.logical_xor({A}, {AI})",
    f"{A}.logical_not()",
    "M.logical_not(M.tensor([0, 3]))",
    f"{A}.logical_and(1)",
    f"M.isclose({A}, {A} + 1e-6)",
    "M.tensor([1., float('nan')]).isclose(M.tensor([1.1, float('nan')]), rtol=0.2, equal_nan=True)",
    f"M.isclose({A}, M.zeros(3, dtype=M.float64))",
    f"M.equal({A}, {A})",
    f"M.equal({A}, {A}[0])",
    f"{A}.equal({A} * 2)",
    "M.tensor([float('nan')]).equal(M.tensor([float('nan')]))",
    "M.tensor([-float('inf'), 0., float('inf'), float('nan')]).isneginf()",
    "M.isposinf(M.tensor([-float('inf'), 0., float('inf'), float('nan')]))",
    "M.tensor([-0., 0., -1., float('nan')]).signbit()",
    "M.signbit(M.tensor([-1, 2]))",
    "M.isneginf(M.tensor([1, 2]))",
]


@pytest.mark.parametrize("expr", EXPRESSIONS_2)
def test_group2_expression_matches_pytorch(expr):
    _expression_matches(expr)


XS = "x = M.tensor([[0.5, -1., 2.], [3., 0., 1.]], dtype=M.{}, requires_grad=True); "
PROGRAMS_2 = [
    XS.format(dt) + p
    for dt in ("float32", "float64")
    for p in [
        "y = x.masked_select(M.tensor([True, False, True])); (y * M.arange(4.).to(y.dtype)).sum().backward(); R = (y, x.grad)",
        "y = x[0].masked_select(M.tensor([[True, False, True], [True, True, False]])); (y * y).sum().backward(); R = (y, x.grad)",
        "y = x.take_along_dim(M.tensor([[0, 0], [2, 1]]), 1); (y * y).sum().backward(); R = (y, x.grad)",
        "y = x.take_along_dim(M.tensor([[0], [1]]), 0); (y * y).sum().backward(); R = (y, x.grad)",
        "y = x.take_along_dim(M.tensor([5, 5, 0])); (y * y).sum().backward(); R = (y, x.grad)",
        "y = x.take(M.tensor([[5, 5], [-6, 1]])); (y * y).sum().backward(); R = (y, x.grad)",
        "s = M.tensor([[1., 2.], [3., 4.]], dtype=x.dtype, requires_grad=True); y = x.index_add(1, M.tensor([2, 2]), s, alpha=-2); (y * y).sum().backward(); R = (y, x.grad, s.grad)",
        "s = M.tensor([[1., 2.], [3., 4.]], dtype=x.dtype, requires_grad=True); y = x.index_copy(1, M.tensor([2, 0]), s); (y * y).sum().backward(); R = (y, x.grad, s.grad)",
        "v = M.tensor(3., dtype=x.dtype, requires_grad=True); y = x.index_fill(1, M.tensor([2, 0]), v); (y * y).sum().backward(); R = (y, x.grad, v.grad)",
        "y = x.index_fill(0, M.tensor([1]), -1.); (y * y).sum().backward(); R = (y, x.grad)",
        "s = M.tensor([[1., 2.], [4., 5.]], dtype=x.dtype, requires_grad=True); y = x.scatter(1, M.tensor([[2, 0], [1, 1]]), s); (y * y).sum().backward(); R = (y, x.grad, s.grad)",
        "y = x.scatter(0, M.tensor([[1, 0, 1]]), 5.); (y * y).sum().backward(); R = (y, x.grad)",
        "s = M.tensor([[1., 2.], [4., 5.]], dtype=x.dtype, requires_grad=True); y = x.scatter_add(1, M.tensor([[2, 2], [1, 1]]), s); (y * y).sum().backward(); R = (y, x.grad, s.grad)",
        "y = x.repeat_interleave(2, dim=1); (y * y).sum().backward(); R = (y, x.grad)",
        "y = x.repeat_interleave(3); (y * M.arange(18.).to(y.dtype)).sum().backward(); R = (y, x.grad)",
        "y = x.repeat_interleave(M.tensor([2, 0, 1]), dim=1); (y * y).sum().backward(); R = (y, x.grad)",
        "y = x.broadcast_to((2, 2, 3)); (y * M.arange(12.).reshape(2, 2, 3).to(y.dtype)).sum().backward(); R = (y, x.grad)",
        "y = x.diff(n=2, prepend=x[:, :1] * 3); (y * y).sum().backward(); R = (y, x.grad)",
        "y = x.diff(dim=0, append=x); (y * y).sum().backward(); R = (y, x.grad)",
        "w = M.tensor([[1., -2., 0.5]], dtype=x.dtype, requires_grad=True); y = M.cross(x, w, dim=1); (y * y).sum().backward(); R = (y, x.grad, w.grad)",
        "y = M.linalg.cross(x, x.flip(0)); (y * y).sum().backward(); R = (y, x.grad)",
        "v, i = x.cummax(1); (v * M.arange(6.).reshape(2, 3).to(v.dtype)).sum().backward(); R = (v, i, x.grad)",
        "v, i = x.cummin(0); (v * v).sum().backward(); R = (v, i, x.grad)",
        "v, i = x.kthvalue(2, 1); (v * v).sum().backward(); R = (v, i, x.grad)",
        "v, i = x.kthvalue(1, 0, keepdim=True); (v * v).sum().backward(); R = (v, i, x.grad)",
        "y = x.median(); (y * y).backward(); R = (y, x.grad)",
        "v, i = x.repeat(1, 2).mode(1); (v * v).sum().backward(); R = (v, i, x.grad)",
        "v, i = (x * 0 + M.tensor([[1.], [2.]], dtype=x.dtype)).mode(0, keepdim=True); (v * v).sum().backward(); R = (v, i, x.grad)",
        "v, i = x.median(1); (v * v).sum().backward(); R = (v, i, x.grad)",
        "v, i = x.median(0, True); (v * v).sum().backward(); R = (v, i, x.grad)",
    ]
] + [
    "x = M.tensor([1., 2., 2., 0.], requires_grad=True); y = x.median(); y.backward(); R = (y, x.grad)",
    "x = M.tensor([1., 2., 2., 2., 5.], requires_grad=True); y = (x * 1).median(); y.backward(); R = (y, x.grad)",
    "x = M.tensor([1., float('nan'), 2., float('nan')], requires_grad=True); y = x.median(); y.backward(); R = (y, x.grad)",
    "x = M.tensor([1., 3., 3., 2., 5., 5.], requires_grad=True); v, i = x.cummax(0); v.sum().backward(); R = (v, i, x.grad)",
    "x = M.tensor([1., 3., 3., 2., 0., 0.], requires_grad=True); v, i = x.cummin(0); v.sum().backward(); R = (v, i, x.grad)",
    "x = M.tensor([3., 1., 3., 2.], requires_grad=True); y = x.unique(); R = (y, y.requires_grad, y.grad_fn.name().rstrip('0123456789'))",
    "x = M.tensor([3., 1., 3., 2.], requires_grad=True); x.unique().sum().backward()",
    "x = M.tensor([[3., 1.], [3., 1.]], requires_grad=True); y = x.unique(dim=0); R = (y, y.grad_fn.name().rstrip('0123456789'))",
    "x = M.tensor([[3., 1.], [3., 1.]], requires_grad=True); x.unique(dim=0).sum().backward()",
    "x = M.tensor([1., 2.], requires_grad=True); i = M.tensor([1, 1]); y = x.take(i); i[0] = 0; y.sum().backward()",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * 1; y.index_add_(0, M.tensor([1]), M.tensor([5.])); (y * y).sum().backward(); R = (y, x.grad)",
    "x = M.tensor([1., 2.], requires_grad=True); s = M.tensor([5.], requires_grad=True); y = x * 1; y.index_copy_(0, M.tensor([1]), s); (y * y).sum().backward(); R = (y, x.grad, s.grad)",
    "x = M.tensor([1., 2.], requires_grad=True); y = x * 1; y.index_fill_(0, M.tensor([0]), 7.); y.scatter_(0, M.tensor([1]), 3.); (y * y).sum().backward(); R = (y, x.grad)",
    "x = M.tensor([1., 2.], requires_grad=True); s = M.tensor([5., 6.], requires_grad=True); y = x * 1; y.scatter_add_(0, M.tensor([1, 1]), s); y.scatter_(0, M.tensor([0, 0]), s * 2); (y * y).sum().backward(); R = (y, x.grad, s.grad)",
    "x = M.tensor([1., 2.], requires_grad=True); x.index_fill_(0, M.tensor([0]), 7.)",
    "x = M.tensor([1, 2]); x.index_add_(0, M.tensor([0, 0]), M.tensor([3, 4])); x.scatter_(0, M.tensor([1]), 9); R = x",
]


@pytest.mark.parametrize("program", PROGRAMS_2)
def test_group2_program_matches_pytorch(program):
    _check_program(program)


GRAPH_2 = [
    "x.masked_select(M.tensor([True, False]))", "x.take_along_dim(i, 1)", "x.take_along_dim(i)",
    "x.take(i)", "x.index_add(1, M.tensor([0]), x[:, :1])", "x.index_add(1, M.tensor([0]), c[:, :1])",
    "c.index_add(1, M.tensor([0]), x[:, :1])", "x.index_copy(0, M.tensor([1]), c[:1])",
    "x.index_fill(0, M.tensor([1]), 2.)", "x.index_fill(0, M.tensor([1]), M.tensor(2.))",
    "c.index_fill(0, M.tensor([1]), x[0, 0])", "x.scatter(1, i, c)", "x.scatter(1, i, 2.)",
    "c.scatter(1, i, x)", "x.scatter_add(1, i, x)", "c.scatter_add(1, i, x)",
    "x.repeat_interleave(2)", "x.repeat_interleave(2, 1)", "x.repeat_interleave(M.tensor([1, 2]), 0)",
    "x.broadcast_to((3, 2, 2))", "x.diff()", "x.diff(dim=0, prepend=c)",
    "M.cross(x.repeat(1, 2)[:, :3], c.repeat(1, 2)[:, :3], dim=1)", "x.cummax(0)[0]", "x.cummin(1)[0]",
    "x.kthvalue(1)[0]", "x.mode(0)[0]", "x.median()", "x.median(0)[0]", "x.unique()",
]  # fmt: skip


@pytest.mark.parametrize("expr", GRAPH_2)
def test_group2_graph_matches_pytorch(expr):
    pytorch, minigrad = graph_inputs(expr)
    assert minigrad == pytorch


# ---- group 3: PyTorch's other names, flips, rotations and products ----------------------

EXPRESSIONS_3 = [
    f"{A}.absolute()", f"M.absolute({AI})", "M.absolute(M.tensor([True]))", f"{A}.negative()",
    f"M.negative({AI})", "M.negative(M.tensor([True]))", f"M.multiply({A}, 2)", f"{A}.multiply({AI})",
    f"M.subtract({A}, {A}, alpha=2)", f"{AI}.subtract(1)", f"M.divide({A}, 2, rounding_mode='floor')",
    f"{AI}.divide(2)", f"{AI}.divide(2, rounding_mode='trunc')", f"M.true_divide({AI}, 2)",
    f"{A}.true_divide({A})", f"M.greater({A}, 1)", f"{A}.greater_equal(0.5)", f"M.less({AI}, 1)",
    f"{A}.less_equal({AI})", f"M.not_equal({A}, 0)", f"{A}.not_equal({A})", f"{A}.fix()",
    f"M.fix({AI})", "M.tensor([-1.5, 2.7]).fix()", f"{A}.ndimension()", "M.tensor(1.).ndimension()",
    f"{A}.fliplr()", f"M.flipud({A})", "M.tensor([1, 2, 3]).flipud()", "M.tensor([1, 2, 3]).fliplr()",
    "M.tensor(1.).flipud()", f"{A}.rot90()", f"{A}.rot90(2)", f"M.rot90({A}, 3)", f"{A}.rot90(0)",
    f"{A}.rot90(-1, [1, 0])", f"{A}.rot90(5, (0, -1))", f"{A}.rot90(1, [0, 0])", f"{A}.rot90(1, [0])",
    "M.tensor([1., 2.]).rot90()", "M.arange(24.).reshape(2, 3, 4).rot90(1, (2, 0))",
    f"{A}.rot90().is_contiguous()", f"{A}.rot90(2).is_contiguous()",
    "M.inner(M.tensor([1., 2., 3.]), M.tensor([4., 5., 6.]))", f"M.inner({A}, M.tensor([1., 2., 3.]))",
    f"{A}.inner({A})", f"M.inner({A}, M.arange(12.).reshape(2, 2, 3))", f"M.inner({A}, M.tensor(2.))",
    f"M.inner({AI}, {AI})", f"M.inner({A}, M.ones(2))", f"M.inner({A}, {AD})",
    "M.ger(M.tensor([1., 2.]), M.tensor([3., 4., 5.]))", "M.tensor([1, 2]).ger(M.tensor([3, 4]))",
    "M.vdot(M.tensor([1., 2.]), M.tensor([3., 4.]))", "M.tensor([1, 2]).vdot(M.tensor([3, 4]))",
    f"M.vdot({A}, {A})", "M.vdot(M.ones(2), M.ones(2, dtype=M.float64))",
    f"M.kron({A}, {A})", f"M.kron(M.tensor([1., 2.]), {A})", "M.kron(M.tensor([1., 2.]), M.tensor(2.))",
    f"{AI}.kron(M.tensor([[1], [2]]))", "M.kron(M.tensor([1, 2]), M.tensor([[1.]]))",
    "M.kron(M.zeros(0, 2), M.ones(2))",
]  # fmt: skip


@pytest.mark.parametrize("expr", EXPRESSIONS_3)
def test_group3_expression_matches_pytorch(expr):
    _expression_matches(expr)


PROGRAMS_3 = [
    XS.format(dt) + p
    for dt in ("float32", "float64")
    for p in [
        "y = x.absolute() + x.negative() * 2 + x.multiply(x) + x.subtract(x * x, alpha=3) + x.divide(2.5) + x.true_divide(x + 5) + x.fix(); (y * y).sum().backward(); R = (y, x.grad)",
        "y = x.fliplr() * M.arange(6.).reshape(2, 3).to(x.dtype) + x.flipud(); (y * y).sum().backward(); R = (y, x.grad)",
        "y = x.rot90(); (y * M.arange(6.).reshape(3, 2).to(x.dtype)).sum().backward(); R = (y, x.grad)",
        "y = x.rot90(3, [1, 0]); (y * M.arange(6.).reshape(3, 2).to(x.dtype)).sum().backward(); R = (y, x.grad)",
        "y = x.rot90(2) * x; y.sum().backward(); R = (y, x.grad)",
        "y = x.inner(x); (y * y).sum().backward(); R = (y, x.grad)",
        "y = x[0].inner(x[1]); y.backward(); R = (y, x.grad)",
        "y = M.inner(x, x[1]); (y * y).sum().backward(); R = (y, x.grad)",
        "y = x[0].ger(x[1]) + M.ger(x[1], x[0]); (y * y).sum().backward(); R = (y, x.grad)",
        "y = M.vdot(x[0], x[1] * 2); y.backward(); R = (y, x.grad)",
        "y = M.kron(x, x[:, :2]); (y * y).sum().backward(); R = (y, x.grad)",
        "y = x.kron(x[0]); (y * M.arange(18.).reshape(2, 9).to(x.dtype)).sum().backward(); R = (y, x.grad)",
    ]
] + [
    "x = M.tensor([1.5, -2.], requires_grad=True); y = x * 1; y.absolute_(); y.negative_(); y.multiply_(3); y.subtract_(x, alpha=2); y.divide_(2); y.true_divide_(3); y.fix_(); (y * x).sum().backward(); R = (y, x.grad)",
    "x = M.tensor([7., -7.], requires_grad=True); y = x * 1; y.divide_(2, rounding_mode='floor'); (y * x).sum().backward(); R = (y, x.grad)",
    "x = M.tensor([1., 2.], requires_grad=True); x.absolute_()",
]


@pytest.mark.parametrize("program", PROGRAMS_3)
def test_group3_program_matches_pytorch(program):
    _check_program(program)


GRAPH_3 = [
    "x.absolute()", "x.negative()", "M.multiply(x, c)", "x.subtract(c)", "x.divide(c)", "M.true_divide(x, 2)",
    "x.divide(2, rounding_mode='floor')", "x.fix()", "x.fliplr()", "x.flipud()", "x.rot90()", "x.rot90(2)",
    "x.rot90(0)", "x.inner(c)", "x[0].inner(c[0])", "M.inner(x, c[0])", "x[0].ger(c[0])", "M.vdot(x[0], c[0])",
    "M.kron(x, c)", "M.kron(c, x[0])",
]  # fmt: skip


@pytest.mark.parametrize("expr", GRAPH_3)
def test_group3_graph_matches_pytorch(expr):
    pytorch, minigrad = graph_inputs(expr)
    assert minigrad == pytorch
