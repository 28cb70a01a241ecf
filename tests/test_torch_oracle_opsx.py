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
