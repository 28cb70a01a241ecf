"""The Tensor's smaller surface against PyTorch: memory attributes in elements, dtype tests,
new_empty, dist, shapes by keyword, softmax's dtype, and the in-place fills that init code
uses (uniform_, normal_, exponential_, bernoulli_, fill_diagonal_). Runs only where torch
is installed."""

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

EXPRESSIONS = [
    "M.ones(2, 3).nelement()",
    "M.ones(2, 3, dtype=M.float64).element_size()",
    "M.ones(2, 3).nbytes",
    "M.ones(2, 3, dtype=M.int64).itemsize",
    "M.ones(2, 3).stride()",
    "M.ones(2, 3).stride(-1)",
    "M.ones(2, 3).t().stride()",
    "M.ones(4, 3)[::2, 1:].stride()",
    "M.ones(2, 1, 3).expand(2, 4, 3).stride()",
    "M.ones(2, 3)[:, 1:].storage_offset()",
    "M.ones(4, 3)[2:, ::2].storage_offset()",
    "M.ones(4, 3).t()[1].storage_offset()",
    "M.ones(2, 3).storage_offset()",
    "M.ones(2, 3).stride(2)",
    "M.ones(2).is_complex()",
    "[M.ones(1, dtype=d).is_signed() for d in (M.float32, M.float64, M.int64, M.bool)]",
    "M.ones(2).is_cuda",
    "M.ones(2).is_cpu",
    "M.ones(2, dtype=M.float64).new_empty(3, 2).shape",
    "M.ones(2, dtype=M.float64).new_empty((1,), dtype=M.int64).dtype",
    "M.ones(2, 2).view(size=(4,)).shape",
    "M.ones(2, 2).reshape(shape=(1, 4)).shape",
    "M.ones(2, 2).expand(size=(3, 2, 2)).shape",
    "M.ones(2, 3).permute(dims=(1, 0)).shape",
    "M.ones(2, 2).view(4, size=(4,))",
    "M.ones(2, 2).fill_diagonal_(5).tolist()",
    "M.ones(5, 2).fill_diagonal_(5, wrap=True).tolist()",
    "M.ones(5, 2).fill_diagonal_(5).tolist()",
    "M.ones(2, 5).fill_diagonal_(0, wrap=True).tolist()",
    "M.ones(2, 2, 2).fill_diagonal_(0).tolist()",
    "M.ones(2, 2, dtype=M.int64).fill_diagonal_(3).tolist()",
    "M.ones(2, 3, 3).fill_diagonal_(0)",
    "M.ones(2).fill_diagonal_(0)",
    "M.ones(2).uniform_(3.0, 3.0).tolist()",
    "M.ones(2).normal_(1.5, 0.0).tolist()",
    "M.ones(3).bernoulli_(M.tensor([0.0, 1.0, 1.0])).tolist()",
    "M.ones(3, dtype=M.int64).bernoulli_(0.0).tolist()",
    "M.ones(2).uniform_(2, 1)",
    "M.ones(2).normal_(0, -1)",
    "M.ones(2).exponential_(-1)",
    "M.ones(2).bernoulli_(1.5)",
    "M.ones(2, dtype=M.int64).uniform_()",
    "M.ones(2, dtype=M.int64).normal_()",
    "M.ones(2, dtype=M.int64).exponential_()",
    "M.ones(2, requires_grad=True).uniform_()",
    "M.ones(2, requires_grad=True).fill_diagonal_(0)",
    # NumPy's names for dim and keepdim, which PyTorch's argument parser takes
    "M.arange(6.0).reshape(2, 3).sum(axis=1).tolist()",
    "M.arange(6.0).reshape(2, 3).mean(axis=0, keepdims=True).tolist()",
    "M.sum(M.arange(6.0).reshape(2, 3), axis=0).tolist()",
    "M.arange(6.0).reshape(2, 3).max(axis=1).values.tolist()",
    "M.arange(6.0).reshape(2, 3).argmax(axis=0).tolist()",
    "M.arange(6.0).reshape(2, 3).std(axis=1).tolist()",
    "M.arange(6.0).reshape(2, 3).cumsum(axis=1).tolist()",
    "M.arange(6.0).reshape(2, 3).softmax(axis=0).tolist()",
    "M.cat([M.ones(2), M.zeros(1)], axis=0).tolist()",
    "M.arange(6.0).reshape(2, 3).unsqueeze(axis=1).shape",
    "M.arange(6.0).reshape(2, 3).amin(axis=(0, 1), keepdims=True).tolist()",
]


def _outcome(M, code):
    try:
        out = eval(code, {"M": M})
    except Exception as e:  # the exception's type is compared
        return type(e)
    if isinstance(out, (torch.Tensor, mg.Tensor)):
        return out.tolist()
    if isinstance(out, (torch.Size, tuple)):
        return tuple(out)
    if isinstance(out, torch.dtype):
        return str(out).replace("torch.", "")
    if isinstance(out, np.dtype):
        return str(out)
    return out


@pytest.mark.parametrize("code", EXPRESSIONS)
def test_as_pytorch(code):
    ours, theirs = _outcome(mg, code), _outcome(torch, code)
    if isinstance(theirs, type):
        assert isinstance(ours, type) and issubclass(ours, theirs), (code, ours, theirs)
    else:
        assert ours == theirs, (code, ours, theirs)


def test_dist_values_and_gradients_as_pytorch():
    for M in (mg, torch):  # p = 0 counts the nonzero differences (PyTorch's backward of it
        # fails inside its engine, so only the value is compared)
        d = M.dist(M.tensor([1.0, 2.0, 3.0]), M.tensor([1.0, 0.0, 0.5]), 0)
        assert d.item() == 2.0
    for p in (2, 1, float("inf"), 3.5):
        grads = []
        for M in (mg, torch):
            a = M.tensor([[0.5, -1.5, 2.0]], dtype=M.float64, requires_grad=True)
            b = M.tensor([[1.0], [0.25]], dtype=M.float64, requires_grad=True)
            d = M.dist(a, b, p)
            d.backward()
            grads.append((d.item(), a.grad.numpy().copy(), b.grad.numpy().copy()))
        (d1, ga1, gb1), (d2, ga2, gb2) = grads
        assert d1 == pytest.approx(d2, rel=1e-12)
        np.testing.assert_allclose(ga1, ga2, rtol=1e-12)
        np.testing.assert_allclose(gb1, gb2, rtol=1e-12)


@pytest.mark.parametrize("fill", ["uniform_()", "normal_()", "exponential_()", "bernoulli_()"])
def test_fills_in_the_graph_give_the_old_values_no_gradient(fill):
    for M in (mg, torch):
        x = M.ones(3, requires_grad=True)
        y = x * 2
        eval(f"y.{fill}", {"y": y})
        (y * 3).sum().backward()
        assert x.grad.tolist() == [0.0, 0.0, 0.0]
        w = M.ones(3, requires_grad=True)
        with M.no_grad():
            eval(f"w.{fill}", {"w": w})
        assert w.is_leaf and w.requires_grad


def test_softmax_method_takes_a_dtype_as_pytorch():
    for method in ("softmax", "log_softmax"):
        ours = getattr(mg.tensor([0.5, 1.5]), method)(0, dtype=mg.float64)
        theirs = getattr(torch.tensor([0.5, 1.5]), method)(0, dtype=torch.float64)
        assert str(ours.dtype) == "float64" and theirs.dtype == torch.float64
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-15)
