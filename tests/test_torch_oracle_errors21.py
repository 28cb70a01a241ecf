# ruff: noqa: E501 - the expressions are data, one per line
"""Bad or borderline input against PyTorch (probe 21a).

Each expression is evaluated with ``M`` bound to torch and to minigrad, with the
harness of test_torch_oracle_surface: both raise (minigrad's exception an instance of
PyTorch's class), or both give the same dtype, shape, values and ``requires_grad``.
These are the calls where minigrad returned a value PyTorch refuses (a dim given as
None, a dtype given by name, a list as a Parameter's data), gave another value, or
raised an exception of another class. Runs only where torch is installed.
"""

import pytest
from test_torch_oracle_surface import _assert_same, _plain, _run
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

A = "M.tensor([[1., 5., 3.], [4., 2., 6.]])"

EXPRESSIONS = [
    # an explicit dim=None: PyTorch has no overload for it (minigrad reduced everything)
    f"{A}.max(dim=None)",
    f"{A}.min(dim=None)",
    f"M.max({A}, dim=None)",
    f"{A}.prod(dim=None)",
    f"M.prod({A}, None)",
    f"{A}.softmax(dim=None)",
    f"{A}.log_softmax(None)",
    # a one-element integer Tensor with keepdim is a dim (minigrad took it as maximum's other)
    f"tuple({A}.max(M.tensor(1), keepdim=True))",
    f"tuple({A}.min(M.tensor(0), keepdim=False))",
    f"tuple({A}.max(M.tensor(1), True))",
    # var and std take unbiased or correction: PyTorch has no overload with both
    f"{A}.std(dim=1, unbiased=False, correction=1)",
    f"{A}.var(True, correction=0)",
    f"{A}.var(1, True, correction=0)",
    f"M.var({A}, unbiased=True, correction=0)",
    # an int in to() is a device index, not a dtype
    f"{A}.to(5)",
    # a negative p-norm of nothing has no value (minigrad gave inf)
    "M.zeros(0, 3).norm(-1)",
    "M.zeros(0, 3).norm(-2, dim=0)",
    "M.zeros(3, 0).norm(-0.5, dim=1, keepdim=True)",
    # a dtype by name: PyTorch refuses it (NumPy reads 'float' as float64)
    "M.tensor([1., 2.], dtype='float')",
    "M.tensor([1, 2], dtype='int64')",
    "M.zeros(2, dtype='float')",
    "M.ones(2, 3, dtype='float32')",
    "M.full((2,), 1., dtype='float64')",
    "M.arange(3, dtype='int64')",
    "M.eye(2, dtype='float')",
    # nn.Parameter of a list; requires_grad that is not a bool
    "M.nn.Parameter([1., 2.])",
    "M.nn.Parameter(M.ones(2), requires_grad='x')",
    # a negative size in a layer: PyTorch's RuntimeError (minigrad leaked NumPy's ValueError)
    "M.nn.BatchNorm1d(-1)",
    "M.nn.BatchNorm2d(-3)",
    "M.nn.LayerNorm(-1)",
    "M.nn.LayerNorm((2, -1))",
    "M.nn.GroupNorm(1, -2)",
    # a 0-d input of a class loss: PyTorch's RuntimeError (minigrad raised ValueError)
    "M.nn.functional.cross_entropy(M.tensor(2.), M.tensor(0))",
    # BCE of integer tensors: PyTorch has no kernel (minigrad checked the range first)
    "M.nn.functional.binary_cross_entropy(M.tensor([[1, 2]]), M.tensor([[1, 2]]))",
    "M.nn.BCELoss()(M.tensor([3, 0]), M.tensor([3, 0]))",
    "M.nn.functional.binary_cross_entropy(M.tensor([0, 1]), M.tensor([0, 1]))",
    "M.nn.functional.binary_cross_entropy(M.tensor([True, False]), M.tensor([True, False]))",
    "M.nn.BCELoss(reduction='none')(M.tensor([[1], [0]], dtype=M.int32), M.tensor([[1], [0]], dtype=M.int32))",
    # bmm checks that both are tensors before their shapes
    "M.bmm(M.ones(2, 3), [[1.], [2.], [3.]])",
    # clip_grad_norm_ reads max_norm as a float first, with or without gradients
    "M.nn.utils.clip_grad_norm_([M.nn.Parameter(M.ones(2))], max_norm='x')",
    # softmax and log_softmax take a dtype to compute in
    "M.nn.functional.softmax(M.tensor([[1., 2., 4.]]), 1, dtype=M.float64)",
    "M.nn.functional.log_softmax(M.tensor([[1., 2.], [0., -3.]]), dim=0, dtype=M.float64)",
    "M.nn.functional.softmax(M.ones(2, 3), 1, dtype=M.int64)",
    # flags and bounds of composite functions
    "M.nn.functional.kl_div(M.ones(2), M.ones(2), log_target='x')",
    "M.nn.functional.cosine_similarity(M.ones(3), M.ones(3), dim=0, eps=-1.)",
    "tuple(M.nn.functional.dropout(M.ones(2, 3), p=M.tensor(0.5)).shape)",
    "(M.nn.functional.dropout(M.ones(2, 3), p=M.tensor(0.25)) * 0).sum()",
    # mse_loss of an integer input and a float target: float32, as PyTorch promotes (was float64)
    "M.nn.functional.mse_loss(M.tensor([0, 1, 3]), M.tensor([0., 1., 1.]))",
    "M.nn.functional.mse_loss(M.tensor([[0], [1]]), M.tensor([0., 2.]), reduction='none')",
    "M.nn.MSELoss(reduction='sum')(M.tensor([1, 2], dtype=M.int32), M.tensor([0., 1.]))",
]  # fmt: skip


@pytest.mark.parametrize("expr", EXPRESSIONS)
def test_bad_input_matches_pytorch(expr):
    expected, t_err = _run(expr, torch)
    got, m_err = _run(expr, mg)
    if t_err is not None:
        assert m_err is not None, f"{expr}: PyTorch raises {t_err!r}, minigrad gives {got!r}"
        assert isinstance(m_err, type(t_err)), f"{expr}: {m_err!r} is not a {type(t_err)}"
        return
    assert m_err is None, f"{expr}: minigrad raises {m_err!r}, PyTorch gives {expected!r}"
    _assert_same(_plain(expected), _plain(got), expr)
