# ruff: noqa: E501 - the programs are data, one per line
"""Corners found by the differential fuzzer, against PyTorch: the norm over one element,
signed zeros (cumsum, elu, addmm), grad_fn names of views, and the in-place ELU/LeakyReLU
with a negative slope whose backward PyTorch refuses.

Programs leave ``R`` and run with ``M`` bound to torch and to minigrad (the autograd
harness: same values, dtypes and signs of zeros, or both raise). Runs only where torch is
installed.
"""

import re
import warnings

import pytest
from test_torch_oracle_autograd import test_program_matches_pytorch as _program_matches
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

_X = "x = M.tensor({v}, dtype=M.{dt}, requires_grad=True)"

# the norm over one element is |x|: no x^p to overflow or underflow. R holds y / |x| too:
# the harness rounds to 12 decimals, where 1e-300 is 0 (and 1e300 overflows to inf)
NORM = [
    f"{_X.format(v=v, dt=dt)}; y = x{shape}.norm({', '.join(filter(None, [p, dim]))}); "
    "y.sum().backward(); R = (y, y / x.detach().abs().amax(), x.grad)"
    for v, dt in [
        ("[1e200]", "float64"), ("[-1e-300]", "float64"), ("[5e-324]", "float64"),
        ("[1e20]", "float32"), ("[-1e-25]", "float32"),
    ]
    for p in ["", "2", "'fro'", "3"]
    for shape, dim in [("", ""), (".reshape(())", ""), (".reshape(1, 1)", "dim=1"),
                       (".reshape(1, 1)", "dim=(0, 1), keepdim=True")]
]  # fmt: skip
NORM += [
    "x = M.tensor([[1e200], [-1e-300], [0.]], dtype=M.float64, requires_grad=True); y = x.norm(dim=1); y.sum().backward(); R = (y, y / x.detach().abs().amax(1), x.grad)",
    # controls: over more elements PyTorch does not rescale, nor does minigrad
    "x = M.tensor([[1e200, 2.], [-1e-300, 0.]], dtype=M.float64, requires_grad=True); y = x.norm(p=2, dim=0); R = y",
    "R = M.tensor([1e200, 1e200], dtype=M.float64).norm()",
    "x = M.tensor([1e-300, 1e-300], dtype=M.float64); R = x.norm() / x.amax()",
]

SIGNED_ZEROS = [
    # cumsum's sums start from +0
    "R = M.tensor([-0.0, 2.0]).cumsum(0)",
    "R = M.tensor([-0.0, 2.0]).cumsum(0, dtype=M.float64)",
    "R = M.tensor([[-0.0, -0.0], [-0.0, 1.0]], dtype=M.float64).cumsum(1)",
    "R = M.tensor([[-0.0, -0.0], [-0.0, 1.0]]).cumsum(0)",
    "R = M.tensor(-0.0).cumsum(0)",  # a control: a 0-d cumsum is a copy, -0 included
    "x = M.tensor([1., 2., 3.], dtype=M.float64, requires_grad=True); x.cumsum(0).backward(M.tensor([-0., -0., -0.], dtype=M.float64)); R = x.grad",
    "x = M.tensor([[1., 2.], [3., 4.]], requires_grad=True); x.cumsum(-1).backward(M.tensor([[-0., 1.], [-0., -0.]])); R = x.grad",
    # elu: ±0 stays ±0, whatever alpha's sign; the gradient at 0 is alpha
    "R = M.nn.functional.elu(M.tensor([0.0, -0.0]), alpha=-1.0)",
    "R = M.nn.functional.elu(M.tensor([0.0, -0.0, -1.0, 2.0], dtype=M.float64), alpha=-2.5)",
    "R = M.nn.functional.elu(M.tensor([0.0, -0.0]), alpha=0.0)",
    "R = M.nn.functional.elu(M.tensor([0.0, -0.0]), alpha=-0.0)",
    "R = M.nn.functional.selu(M.tensor([0.0, -0.0], dtype=M.float64))",
    "R = M.nn.ELU(-1.0)(M.tensor([[-0.0], [0.0]]))",
    "x = M.tensor([0.0, -0.0, -1.0], dtype=M.float64, requires_grad=True); y = M.nn.functional.elu(x, alpha=-1.5); y.sum().backward(); R = (y, x.grad)",
    # addmm: a product that is skipped (K = 0, or alpha = 0) adds no ±0 and no NaN;
    # with beta = 0 the sums start from +0
    "R = M.addmm(M.tensor(-0.6), M.ones(1, 0), M.ones(0, 2), beta=0, alpha=-1.5)",
    "R = M.addmm(M.tensor(-0.0), M.ones(1, 0), M.ones(0, 2), beta=1, alpha=1.5)",
    "R = M.addmm(M.tensor([[0.0, -0.0]], dtype=M.float64), M.ones(1, 0, dtype=M.float64), M.ones(0, 2, dtype=M.float64), beta=-1.0)",
    "R = M.addmm(M.tensor(-0.6), M.zeros(1, 2), M.ones(2, 2), beta=0, alpha=-1.5)",
    "R = M.addmm(M.tensor(-0.6), -M.zeros(1, 3), M.ones(3, 2), beta=0.0, alpha=2.0)",
    "R = M.addmm(M.ones(1, 2), M.full((1, 2), float('nan')), M.ones(2, 2), alpha=0)",
    "R = M.addmm(M.ones(2, 2, dtype=M.float64), M.full((2, 3), float('inf'), dtype=M.float64), M.ones(3, 2, dtype=M.float64), beta=0.5, alpha=0.0)",
    "R = M.addmm(M.tensor(-0.0), M.zeros(1, 2), M.ones(2, 2), alpha=0.0)",
    # controls: the gradients where the product is skipped
    "a = M.ones(1, 2, requires_grad=True); b = M.ones(2, 3, requires_grad=True); c = M.ones(1, 3, requires_grad=True); y = M.addmm(c, a, b, beta=0.5, alpha=0); y.sum().backward(); R = (y, a.grad, b.grad, c.grad)",
    "a = M.ones(2, 0, requires_grad=True); b = M.ones(0, 3, requires_grad=True); c = M.ones(3, requires_grad=True); y = M.addmm(c, a, b, beta=2.0); y.sum().backward(); R = (y, a.grad, b.grad, c.grad)",
]

# PyTorch computes the gradient of an in-place ELU/LeakyReLU from its result, which it
# cannot with a negative slope: its backward raises
IN_PLACE_NEGATIVE_SLOPE = [
    "x = M.tensor([0.5, -2.0], requires_grad=True); y = x * 1; M.nn.functional.elu(y, alpha=-1.0, inplace=True); y.sum().backward(); R = x.grad",
    "x = M.tensor([0.5, -2.0], requires_grad=True); y = x * 1; M.nn.functional.leaky_relu(y, -0.5, inplace=True); y.sum().backward(); R = x.grad",
    "x = M.tensor([0.5, -2.0], requires_grad=True); y = x * 1; M.nn.functional.elu(y, alpha=float('nan'), inplace=True); y.sum().backward(); R = x.grad",
    "x = M.tensor([[0.5, -2.0], [1., -1.]], requires_grad=True); y = x * 1; M.nn.functional.elu(y[0], alpha=-1.0, inplace=True); y.sum().backward(); R = x.grad",
    "x = M.tensor([[0.5, -2.0], [1., -1.]], requires_grad=True); y = x * 1; M.nn.LeakyReLU(-0.1, inplace=True)(y[:, 1]); y.sum().backward(); R = x.grad",
    "x = M.tensor([0.5, -2.0], requires_grad=True); y = x * 1; M.nn.ELU(-1.0, inplace=True)(y); R = M.autograd.grad(y.sum(), x)",
    # controls: the forward alone, a slope >= 0, and no graph: no error
    "x = M.tensor([0.5, -2.0], requires_grad=True); y = x * 1; R = M.nn.functional.elu(y, alpha=-1.0, inplace=True)",
    "x = M.tensor([0.5, -2.0]); R = M.nn.functional.leaky_relu(x, -0.5, inplace=True)",
    "x = M.tensor([0.5, -2.0], requires_grad=True); y = x * 1; M.nn.functional.leaky_relu(y, 0.0, inplace=True); y.sum().backward(); R = x.grad",
    "x = M.tensor([0.5, -2.0], dtype=M.float64, requires_grad=True); y = x * 1; M.nn.functional.elu(y, alpha=0.5, inplace=True); y.sum().backward(); R = x.grad",
]


@pytest.mark.parametrize("program", NORM + SIGNED_ZEROS + IN_PLACE_NEGATIVE_SLOPE)
def test_program_matches_pytorch(program):
    _program_matches(program)


@pytest.mark.parametrize("program", IN_PLACE_NEGATIVE_SLOPE[:2])
def test_in_place_negative_slope_message_is_pytorchs(program):
    messages = []
    for M in (torch, mg):
        with pytest.raises(RuntimeError) as e:
            exec(program, {"M": M})
        messages.append(str(e.value))
    assert messages[1] == messages[0]


GRAD_FN_NAMES = [
    # movedim of a 0-d tensor, casts, diag of a matrix
    "x0.movedim(0, 0)", "x0.movedim(0, -1)", "x0.movedim((), ())", "x0.T",
    "x1.type_as(M.tensor([1.], dtype=M.float64))", "x1.to(M.float64)", "x1.double()",
    "x2.diag()", "x2.diag(1)", "M.diag(x2)",
    # the reshape family: a view of a contiguous tensor, an alias of a strided one, a copy
    "M.nn.Unflatten(0, (2, 2))(x2.reshape(4))", "x2.reshape(4).unflatten(0, (2, 2))",
    "x2.reshape(4)", "x2.view(4)", "x2.t().view(2, 2)", "x2.flatten()", "x0.flatten()",
    "x0.reshape(1)", "x2.reshape(2, 2)", "x2.reshape_as(x2)", "x2.view_as(x2)",
    "x2.t().reshape(2, 2)", "x2[:, :1].reshape(2)", "x2.expand(3, 2, 2).reshape(3, 4)",
    "x2.t().reshape(4)", "x2.t().flatten()", "x1.expand(2, 2).reshape(4)",
    "M.zeros(0, 3, requires_grad=True).t().reshape(3, 0)",
    "x2.squeeze()", "x2[None].squeeze(0)", "x0.squeeze()", "x2.unsqueeze(0)", "x0.unsqueeze(0)",
    # basic indexing: named by its last step
    "x1[::1]", "x1[:]", "x1[1:]", "x1[::2]", "x1[0:5]", "x2[::1]", "x2[:, ::1]", "x2[..., ::1]",
    "x2[:, :]", "x2[...]", "x0[...]", "x2[()]", "x0[()]", "x2[(slice(None),)]", "x2[None]",
    "x0[None]", "x2[:, None]", "x2[0]", "x2[-1]", "x2[(0,)]", "x2[M.tensor(1)]", "x2[0, ::1]",
    "x2[:1, 0]", "x2[..., 0]", "x2[0, ...]", "x2[None, 0]", "x2[0, None]", "x2[1, 1]",
    "x2[..., None]", "x2[:, 1:]", "x2[1:, None]", "x2[None, ...]", "x2[..., None, :]",
    "x2[0, ..., 1]", "x2[::1, ::2]", "x2[..., :2, :1]", "x1[..., :]",
    # controls: advanced indexing stays Index
    "x2[[0, 1]]", "x2[x2 > 2]", "x2[0, [1, 0]]",
]  # fmt: skip


@pytest.mark.parametrize("expr", GRAD_FN_NAMES)
def test_grad_fn_name_matches_pytorch(expr):
    names = []
    for M in (torch, mg):
        x0 = M.tensor(1.0, requires_grad=True)
        x1 = M.tensor([1.0, 2.0], requires_grad=True)
        x2 = M.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # x0.T
            names.append(eval(expr, {"M": M, "x0": x0, "x1": x1, "x2": x2}).grad_fn.name())
    # minigrad's names are PyTorch's without the version ("DiagonalBackward0_copy" too)
    assert names[1] == re.sub(r"Backward\d+", "Backward", names[0])
