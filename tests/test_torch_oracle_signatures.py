"""Keyword arguments under PyTorch's names: ``mg.pow(input=x, exponent=2)`` is
``torch.pow(input=x, exponent=2)``. Every public function with a PyTorch twin whose
parameters are all given by keyword is called in both, values, dtypes and exception
types compared. Runs only where torch is installed."""

import inspect

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg
import minigrad.nn.functional as F

torch = import_torch()


def _unary_names() -> list:
    """Public functions of one required argument, ``input``, that torch also has."""
    names = []
    for name in sorted(dir(mg)):
        f = getattr(mg, name)
        if name.startswith("_") or isinstance(f, type) or not callable(f):
            continue
        if not callable(getattr(torch, name, None)):
            continue
        try:
            params = inspect.signature(f).parameters.values()
        except (TypeError, ValueError):
            continue
        required = [p.name for p in params if p.default is p.empty and p.kind != p.VAR_KEYWORD]
        if required == ["input"]:
            names.append(name)
    return names


# random draws differ from torch's, and so may uninitialised memory (empty_like);
# repeat_interleave(input=) is torch's other overload
RANDOM = ("rand_like", "randn_like", "bernoulli", "poisson", "empty_like")
# singular vectors are defined up to sign, which differs between LAPACK builds (PyTorch's
# MKL, NumPy's OpenBLAS); test_torch_oracle_linalg.py compares svd sign-invariantly
SIGNS = ("svd",)
UNARY = [n for n in _unary_names() if n not in RANDOM + SIGNS + ("repeat_interleave",)]
# (name, keyword arguments as expressions over the module M), tensors from _operands
BINARY = [
    ("add", "input=A, other=B, alpha=2"),
    ("sub", "input=A, other=B"),
    ("mul", "input=A, other=B"),
    ("div", "input=A, other=B, rounding_mode='floor'"),
    ("true_divide", "input=A, other=B"),
    ("pow", "input=A, exponent=B"),
    ("pow", "input=A, exponent=2"),
    ("float_power", "input=A, exponent=B"),
    ("atan2", "input=A, other=B"),
    ("maximum", "input=A, other=B"),
    ("minimum", "input=A, other=B"),
    ("fmax", "input=A, other=B"),
    ("fmod", "input=A, other=B"),
    ("remainder", "input=A, other=B"),
    ("hypot", "input=A, other=B"),
    ("xlogy", "input=A, other=B"),
    ("logaddexp", "input=A, other=B"),
    ("eq", "input=A, other=B"),
    ("lt", "input=A, other=B"),
    ("isclose", "input=A, other=B, rtol=0.5"),
    ("allclose", "input=A, other=B, atol=1.0"),
    ("matmul", "input=S, other=S"),
    ("mm", "input=S, mat2=S"),
    ("bmm", "input=S[None], mat2=S[None]"),
    ("mv", "input=S, vec=V"),
    ("outer", "input=V, vec2=V"),
    ("ger", "input=V, vec2=V"),
    ("dot", "input=V, tensor=V"),
    ("vdot", "input=V, other=V"),
    ("inner", "input=V, other=V"),
    ("kron", "input=S, other=S"),
    ("cross", "input=C, other=C, dim=1"),
    ("where", "condition=A > B, input=A, other=B"),
    ("lerp", "input=A, end=B, weight=0.25"),
    ("clamp", "input=A, min=0.2, max=0.5"),
    ("sum", "input=A, dim=0, keepdim=True"),
    ("mean", "input=A, dim=1"),
    ("softmax", "input=A, dim=1"),
    ("log_softmax", "input=A, dim=0"),
    ("logsumexp", "input=A, dim=1"),
    ("transpose", "input=A, dim0=0, dim1=1"),
    ("swapaxes", "input=A, axis0=0, axis1=1"),
    ("swapdims", "input=A, dim0=0, dim1=1"),
    ("unsqueeze", "input=A, dim=1"),
    ("flatten", "input=A, start_dim=0"),
    ("gather", "input=A, dim=1, index=M.tensor([[0, 0, 1], [2, 1, 0]])"),
    ("index_select", "input=A, dim=1, index=M.tensor([2, 0])"),
    ("masked_select", "input=A, mask=A > 0.5"),
    ("split", "tensor=A, split_size_or_sections=1"),
    ("chunk", "input=A, chunks=2, dim=1"),
    ("zeros_like", "input=A"),
    ("full_like", "input=A, fill_value=3.0"),
    ("cat", "tensors=[A, B], dim=1"),
    ("stack", "tensors=[A, B], dim=0"),
    ("tril", "input=S, diagonal=-1"),
    ("topk", "input=V, k=2"),
    ("sort", "input=V, descending=True"),
    ("cumsum", "input=A, dim=1"),
    ("diff", "input=V, n=1"),
    ("roll", "input=V, shifts=1"),
]


def _operands(M):
    A = M.tensor([[0.25, 0.5, 0.75], [0.125, 0.625, 0.875]], dtype=M.float64)
    B = M.tensor([[0.5, 0.25, 0.75], [0.375, 0.125, 0.5]], dtype=M.float64)
    S = M.tensor([[0.5, 0.25], [0.125, 0.75]], dtype=M.float64)
    V = M.tensor([0.5, 0.25], dtype=M.float64)
    C = M.tensor([[0.5, 0.25, 0.125], [0.75, 0.375, 0.625]], dtype=M.float64)
    return dict(M=M, A=A, B=B, S=S, V=V, C=C)


def _outcome(M, code: str):
    try:
        out = eval(code, _operands(M))
    except Exception as e:  # the exception's type is what is compared
        return type(e)
    return out


def _plain(out):
    """A result as nested plain values: arrays (values and dtype name) for tensors."""
    if isinstance(out, (tuple, list)):
        return [_plain(o) for o in out]
    if isinstance(out, (torch.Tensor, mg.Tensor)):
        a = out.detach().numpy() if isinstance(out, torch.Tensor) else out.numpy()
        return ("tensor", str(a.dtype), a)
    return out


def _assert_same(code: str):
    ours, theirs = _plain(_outcome(mg, code)), _plain(_outcome(torch, code))
    if isinstance(theirs, type):
        assert isinstance(ours, type) and issubclass(ours, theirs), (code, ours, theirs)
        return
    _compare(ours, theirs, code)


def _compare(ours, theirs, code):
    if isinstance(theirs, list):
        assert isinstance(ours, list) and len(ours) == len(theirs), (code, ours, theirs)
        for o, t in zip(ours, theirs):
            _compare(o, t, code)
    elif isinstance(theirs, tuple) and theirs[:1] == ("tensor",):
        assert isinstance(ours, tuple) and ours[1] == theirs[1], (code, ours, theirs)
        np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-12, atol=0, err_msg=code)
    else:
        assert ours == theirs, (code, ours, theirs)


def test_the_functions_of_one_argument_include_the_common_ones():
    assert {"exp", "log", "sigmoid", "tanh", "relu", "neg", "sqrt", "abs"} <= set(UNARY)


@pytest.mark.parametrize("name", RANDOM)
def test_random_like_by_keyword(name):
    for M in (mg, torch):
        A = _operands(M)["A"] / 2
        out = getattr(M, name)(input=A)
        assert tuple(out.shape) == (2, 3) and str(out.dtype).endswith("float64")


def test_bitwise_not_of_floats_is_not_implemented_but_the_operator_a_type_error():
    for M in (mg, torch):
        A = _operands(M)["A"]
        with pytest.raises(NotImplementedError):
            M.bitwise_not(A)
        with pytest.raises(TypeError):
            _ = ~A


@pytest.mark.parametrize("name", UNARY)
def test_one_argument_by_keyword(name):
    _assert_same(f"M.{name}(input=A)")


@pytest.mark.parametrize("name, kwargs", BINARY, ids=[f"{n}({k})" for n, k in BINARY])
def test_keywords_as_pytorch(name, kwargs):
    _assert_same(f"M.{name}({kwargs})")


@pytest.mark.parametrize(
    "code",
    [
        "F.linear(input=A, weight=C, bias=V)",
        "F.sigmoid(input=A)",
        "F.tanh(input=A)",
        "F.relu(input=A)",
        "F.softmax(input=A, dim=1)",
        "F.one_hot(input=M.tensor([0, 2]), num_classes=3)",
        "A[None].bmm(mat2=A[None].transpose(1, 2))",
        "A.pow(exponent=2)",
        "A.add(other=B, alpha=3)",
        "A.swapaxes(axis0=0, axis1=1)",
    ],
)
def test_functional_and_method_keywords(code):
    ours = _plain(_outcome_f(mg, F, code))
    theirs = _plain(_outcome_f(torch, torch.nn.functional, code))
    if isinstance(theirs, type):
        assert isinstance(ours, type) and issubclass(ours, theirs), (code, ours, theirs)
    else:
        _compare(ours, theirs, code)


def _outcome_f(M, functional, code):
    try:
        return eval(code, {**_operands(M), "F": functional})
    except Exception as e:
        return type(e)


@pytest.mark.parametrize(
    "code",
    [
        "M.where(M.tensor([[True, False], [False, True]]))",
        "M.where(M.tensor([1, 0, 2]))",
        "M.where(M.tensor(True))",
        "M.where(condition=M.tensor([0.0, 1.5]))",
        "M.where(M.tensor([True, False]), M.tensor([1.0, 2.0]))",
    ],
)
def test_where_of_the_condition_alone_gives_its_indices(code):
    _assert_same(code)
