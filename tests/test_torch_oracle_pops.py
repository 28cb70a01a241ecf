"""Regressions from a probe of the differentiable ops against PyTorch."""

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()


def _grads(M, fn, arrays):
    """fn's output (as an array, dtype name) and the gradients of its float inputs
    under a fixed weighted sum of the output."""
    ts = [M.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    out = fn(M, *ts)
    w = np.random.RandomState(0).randn(*out.shape).astype(out.detach().numpy().dtype)
    (out * M.tensor(w)).sum().backward()
    grads = [None if t.grad is None else (t.grad.detach().numpy(), str(t.grad.dtype)) for t in ts]
    return out.detach().numpy(), str(out.dtype).split(".")[-1], grads


def _same(fn, *arrays):
    got, want = _grads(mg, fn, arrays), _grads(torch, fn, arrays)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-6, atol=1e-6)
    assert got[1] == want[1]
    for g, w in zip(got[2], want[2]):
        assert (g is None) == (w is None)
        if g is not None:
            assert g[0].shape == w[0].shape
            assert g[1].split(".")[-1] == w[1].split(".")[-1]
            np.testing.assert_allclose(g[0], w[0], rtol=1e-6, atol=1e-6)


A = np.arange(6.0, dtype=np.float32).reshape(2, 3)


@pytest.mark.parametrize("empty_dtype", [np.float32, np.float64])
@pytest.mark.parametrize("order", ["first", "middle", "last"])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cat_legacy_empty_takes_part_in_promotion_and_graph(empty_dtype, order, dim):
    """A (0,) tensor beside 2-D ones is skipped in the result but still promotes the
    dtype and receives an empty gradient, as in PyTorch."""
    e = np.zeros((0,), empty_dtype)

    def fn(M, a, e):
        parts = {"first": [e, a, a], "middle": [a, e, a], "last": [a, a, e]}[order]
        return M.cat(parts, dim)

    _same(fn, A, e)


@pytest.mark.parametrize(
    "expr",
    [
        "M.tensor([[1.0, 3.0], [2.0, 0.0]]).max(1)",
        "M.tensor([[1.0, 3.0], [2.0, 0.0]]).min(dim=0, keepdim=True)",
        "M.max(M.tensor([[1.0, 3.0], [2.0, 0.0]], requires_grad=True), 1)",
        "M.min(M.tensor(2.0), 0)",
        "M.tensor([3.0, 1.0, 2.0]).sort()",
        "M.tensor([3.0, 1.0, 2.0]).topk(2)",
        "M.aminmax(M.tensor([3.0, 1.0, 2.0]))",
        "M.linalg.slogdet(M.eye(2))",
    ],
)
def test_named_result_tuples_print_as_pytorch_s(expr):
    """max(dim) and min(dim) return PyTorch's named tuple: its type name, fields and
    repr (``torch.return_types.max(\\nvalues=...,\\nindices=...)``), as do the other
    ops that return one."""
    got, want = eval(expr, {"M": mg}), eval(expr, {"M": torch})
    assert type(got).__name__ == type(want).__name__
    assert repr(got).replace("minigrad.", "") == repr(want).replace("torch.", "").replace(
        "Backward0", "Backward"
    )


@pytest.mark.parametrize("base_dtype", [np.uint8, np.float16, np.int64])
@pytest.mark.parametrize("exp_dtype", [np.float32, np.float64])
def test_pow_exponent_gradient_takes_the_log_of_the_base_in_the_result_dtype(base_dtype, exp_dtype):
    """d(a ** b)/db = out * log(a) with a cast to the result's dtype first, as PyTorch
    (NumPy's log of a uint8 or float16 array is float16)."""
    base = np.array([[1, 2, 3], [5, 7, 0]], base_dtype)
    exponent = np.array([1.5, 2.0, -0.5], exp_dtype)
    _same(lambda M, a, b: a**b, base, exponent)


def _outcome(M, expr):
    """expr's shape, or the class of what it raised (RuntimeError for minigrad's OpError)."""
    try:
        return tuple(eval(expr, {"M": M, "x": M.ones(2, 3, requires_grad=True)}).shape)
    except Exception as e:  # noqa: BLE001 - the class is what is compared
        return "RuntimeError" if isinstance(e, RuntimeError) else type(e).__name__


@pytest.mark.parametrize(
    "expr",
    [
        "M.reshape(x, shape=(3, 2))",
        "M.reshape(input=x, shape=[6])",
        "M.reshape(x, (3, -1))",
        "M.reshape(x, 3, 2)",
        "M.reshape(x, -1)",
        "M.permute(x, dims=(1, 0))",
        "M.permute(input=x, dims=[-1, 0])",
        "M.permute(x, (1, 0))",
        "M.permute(x, 1, 0)",
        "M.permute(x, 0)",
    ],
)
def test_reshape_and_permute_function_forms_take_one_sequence(expr):
    """mg.reshape(input, shape) and mg.permute(input, dims) as PyTorch's: the sizes as one
    tuple or list, also by keyword; the ints one by one are a TypeError (the methods take
    both)."""
    assert _outcome(mg, expr) == _outcome(torch, expr)


@pytest.mark.parametrize(
    "fn",
    [
        lambda M, a, b: M.max(a, other=b),
        lambda M, a, b: M.min(input=a, other=b),
        lambda M, a, b: a.max(other=b),
        lambda M, a, b: a.min(other=b),
    ],
)
def test_max_and_min_take_other_by_keyword(fn):
    """max(input, other) / min(input, other), PyTorch's elementwise overloads, also with
    ``other=``: maximum / minimum, ties splitting the gradient."""
    a = np.array([[1.0, 5.0, 2.0], [0.0, -1.0, 3.0]], np.float32)
    b = np.array([3.0, 5.0, 2.0], np.float32)
    _same(fn, a, b)


@pytest.mark.parametrize("expr", ["M.max(x, 0, other=x)", "x.min(keepdim=True, other=x)"])
def test_max_and_min_refuse_other_with_a_dim(expr):
    assert _outcome(mg, expr) == _outcome(torch, expr) == "TypeError"


@pytest.mark.parametrize(
    "expr",
    [
        "M.prod(M.tensor([[1, 0, 2], [3, 4, 5]]), dtype=M.bool)",
        "M.prod(M.tensor([[1, 0, 2], [3, 4, 5]]), 1, dtype=M.int32)",
        "M.tensor([True, True]).prod(0, dtype=M.bool)",
        "M.cumsum(M.tensor([[1, 0, 2], [3, 4, 5]]), 1, dtype=M.int32)",
        "M.cumprod(M.tensor([1, 2, 3]), 0, dtype=M.int32)",
        "M.cumsum(M.tensor([1, 0, 2]), 0, dtype=M.bool)",
        "M.cumprod(M.tensor([1.0, 2.0], requires_grad=True), 0, dtype=M.bool)",
    ],
)
def test_prod_and_scans_compute_in_the_dtype_asked_for(expr):
    """prod, cumsum and cumprod with dtype= give that dtype (NumPy widened bool and int32
    to int64); the scans have no bool kernel in PyTorch: NotImplementedError."""

    def run(M):
        try:
            out = eval(expr, {"M": M})
        except Exception as e:  # noqa: BLE001 - the class is what is compared
            return type(e).__name__
        return out.tolist(), str(out.dtype).split(".")[-1]

    assert run(mg) == run(torch)


@pytest.mark.parametrize(
    "expr",
    [
        "M.ones(1, 1, 3).squeeze(0, 1)",
        "M.ones(1, 1, 3).squeeze(0, 2)",
        "M.ones(1, 1, 3).squeeze(0, 0)",
        "M.ones(1, 1, 3).squeeze(0, 1, dim=2)",
        "M.ones(1, 1, 3).squeeze(dim=(0, 1))",
        "M.ones(1, 1, 3).squeeze()",
        "M.ones(1, 1, 3).squeeze(-1)",
        "M.ones(1, 1, 3).expand()",
        "M.tensor(1.0).expand()",
        "M.tensor(1.0).expand(())",
        "M.ones(1, 1, 3).expand(size=(2, 1, 3))",
    ],
)
def test_squeeze_takes_dims_one_by_one_and_expand_needs_a_size(expr):
    """Tensor.squeeze(d0, d1, ...) as PyTorch's method; expand() with no size is its
    TypeError (it was a RuntimeError, or the identity on a 0-d tensor)."""
    assert _outcome(mg, expr) == _outcome(torch, expr)
