# ruff: noqa: E501 - the expressions are data, one per line
"""The functions of extra_ops.py against PyTorch: values, dtypes, shapes, gradients and
exception types, over fixed expressions and random cases (broadcasting, non-contiguous
inputs). Runs only where torch is installed."""

import warnings

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()


def _run(expr, M, **names):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return eval(expr, {"M": M, "np": np, **names}), None
        except Exception as e:  # noqa: BLE001 - the exception is what is compared
            return None, e


def _array(t):
    return t.detach().numpy() if isinstance(t, torch.Tensor) else t.data


def _same(expected, got, where, tol=1e-6):
    """Tensors equal in dtype, shape, requires_grad and values; sequences elementwise."""
    if isinstance(expected, torch.Tensor):
        assert isinstance(got, mg.Tensor), f"{where}: {got!r}"
        assert str(expected.dtype).replace("torch.", "") == str(got.dtype), where
        assert tuple(expected.shape) == got.shape, where
        assert expected.requires_grad == got.requires_grad, where
        a, b = _array(expected), _array(got)
        if a.dtype.kind in "biu":
            np.testing.assert_array_equal(b, a, err_msg=where)
        else:
            np.testing.assert_allclose(b, a, rtol=tol, atol=tol, err_msg=where)
    elif isinstance(expected, (tuple, list)):
        assert isinstance(got, (tuple, list)) and len(got) == len(expected), where
        for e, g in zip(expected, got):
            _same(e, g, where, tol)
    elif isinstance(expected, torch.dtype):
        assert str(expected).replace("torch.", "") == str(got), where
    else:
        assert expected == got, f"{where}: torch {expected!r}, minigrad {got!r}"


def _check(expr, tol=1e-6):
    expected, t_err = _run(expr, torch)
    got, m_err = _run(expr, mg)
    if t_err is not None:
        assert m_err is not None, f"{expr}: PyTorch raises {t_err!r}, minigrad gives {got!r}"
        assert isinstance(m_err, type(t_err)), f"{expr}: {m_err!r} is not a {type(t_err)}"
        return
    assert m_err is None, f"{expr}: minigrad raises {m_err!r}, PyTorch gives {expected!r}"
    _same(expected, got, expr, tol)


# ---- group 1 ----------------------------------------------------------------------------

GROUP1 = [
    "M.clone(M.tensor([[1., 2.], [3., 4.]]).T)", "M.clone([1.])", "M.numel(M.ones(2, 3))", "M.numel(M.ones(0))",
    "M.numel([1, 2])", "M.is_tensor(M.ones(1))", "M.is_tensor([1.])", "M.is_tensor(np.ones(1))",
    "M.is_floating_point(M.ones(1))", "M.is_floating_point(M.tensor([1]))", "M.is_floating_point(1.0)",
    "M.masked_fill(M.arange(4.), M.tensor([True, False, True, False]), -1.)",
    "M.masked_fill(M.arange(4), M.tensor([True, False, True, False]), 7)",
    "M.masked_fill(M.arange(4.), M.tensor([1, 0, 1, 0]), -1.)", "M.masked_fill([1.], M.tensor([True]), 0.)",
    "M.empty(2, 3).shape", "M.empty((2, 3)).dtype", "M.empty(size=(4,)).shape", "M.empty(2, dtype=M.float64).dtype",
    "M.empty(2, requires_grad=True).requires_grad", "M.empty(-1)", "M.empty(2.5)",
    "M.empty_like(M.tensor([[1, 2]])).dtype", "M.empty_like(M.tensor([[1, 2]])).shape",
    "M.empty_like(M.ones(3), dtype=M.float64).dtype", "M.empty_like(M.ones(3), requires_grad=True).requires_grad",
    "M.empty_like([1.])", "M.as_tensor([1, 2])", "M.as_tensor([1., 2.])", "M.as_tensor(3.0)", "M.as_tensor(True)",
    "M.as_tensor(np.arange(3.))", "M.as_tensor(np.arange(3), dtype=M.float32)", "M.as_tensor(np.float64(2.5))",
    "M.as_tensor(M.arange(3), dtype=M.float64)", "M.as_tensor([[1, 2], [3]])",
    "M.concat([M.ones(2), M.zeros(3)])", "M.concat((M.ones(2, 1), M.zeros(2, 2)), dim=1)",
    "M.concatenate([M.ones(2), M.zeros(3)])", "M.concatenate([M.ones(2, 1), M.zeros(2, 2)], axis=-1)",
    "M.concatenate([M.ones(2, 1), M.zeros(2, 2)], dim=1)", "M.concat([M.ones(2, 1), M.zeros(3, 2)])",
    "M.concat(M.ones(2))", "M.positive(M.tensor([1., -2.]))", "M.positive(M.tensor([1, -2]))",
    "M.positive(M.tensor([True]))", "M.positive([1.])",
    "M.arccos(M.tensor([0.5, -0.25]))", "M.arccosh(M.tensor([1.5, 3.]))", "M.arcsin(M.tensor([0.5, -0.25]))",
    "M.arcsinh(M.tensor([0.5, -3.]))", "M.arctan(M.tensor([0.5, -3.]))", "M.arctanh(M.tensor([0.5, -0.25]))",
    "M.arctan2(M.tensor([0.5, -3.]), M.tensor([[1.], [-2.]]))", "M.arctan2(M.tensor([1, 2]), M.tensor([2, 1]))",
    "M.arccos(M.tensor([1, 0]))", "M.arccos([0.5])", "M.arctan2(M.ones(2), 1.)",
]  # fmt: skip


@pytest.mark.parametrize("expr", GROUP1)
def test_group1_matches_pytorch(expr):
    _check(expr)


def test_as_tensor_memory_and_identity_match_pytorch():
    for M in (torch, mg):
        a = np.arange(3.0)
        M.as_tensor(a)[0] = 5.0
        M.as_tensor(a, dtype=M.float32)[1] = 7.0
        assert a.tolist() == [5.0, 1.0, 2.0]
        u = M.ones(2)
        assert M.as_tensor(u) is u and M.as_tensor(u, dtype=M.float32) is u
        assert M.as_tensor(u, dtype=M.float64) is not u
        x = M.tensor([1.0, 2.0])
        assert M.positive(x) is x


@pytest.mark.parametrize(
    "name", ["clone", "arccos", "arcsin", "arctan", "arcsinh", "arctanh", "positive"]
)
def test_group1_gradients_match_pytorch(name):
    data = np.array([[0.1, -0.4, 0.7], [0.3, 0.2, -0.6]])
    grads, fns = [], []
    for M in (torch, mg):
        x = M.tensor(data, requires_grad=True)
        y = getattr(M, name)(x.T)  # a non-contiguous input
        (y * M.tensor(data.T * 3 + 1)).sum().backward()
        grads.append(_array(x.grad))
        fns.append(None if y.grad_fn is None else y.grad_fn.name().rstrip("0123456789"))
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-12)
    if name != "positive":  # positive returns x.T itself, a view: torch's grad_fn names it
        assert fns[0] == fns[1]


# ---- group 2: einsum --------------------------------------------------------------------

EINSUM = [
    ("i,i->i", [(3,), (1,)]), ("i,i", [(3,), (3,)]), ("ii", [(3, 3)]), ("ii->i", [(3, 3)]), ("ij->", [(2, 3)]),
    ("ij->ji", [(2, 3)]), ("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,jk", [(2, 3), (3, 4)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]), ("...,...", [(2, 3), (3,)]), ("...i,...i", [(2, 3), (5, 1, 3)]),
    ("i...", [(2, 3, 4)]), ("bA,Ab", [(2, 3), (3, 2)]), ("i,j->ij", [(3,), (4,)]), ("i,j", [(3,), (4,)]),
    ("ijk->k", [(2, 3, 4)]), ("iij->j", [(3, 3, 2)]), ("iij->ij", [(3, 3, 2)]), ("ij,ij->i", [(3, 1), (1, 4)]),
    ("i,i,i", [(3,), (3,), (3,)]), ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]), ("ik,k->", [(2, 3), (3,)]),
    ("ij,k->ij", [(2, 3), (4,)]), (",i->i", [(), (3,)]), ("->", [()]), ("...->...", [(2, 3)]),
    ("...ij,...jk->...ik", [(2, 1, 3, 4), (5, 4, 2)]), ("ii,i->i", [(3, 3), (3,)]), ("iji->j", [(3, 2, 3)]),
    ("a...b,b...->a...", [(2, 3, 4), (4, 3)]), ("ij,ij,ij->", [(2, 3), (2, 1), (1, 3)]),
    ("ijk,ikj->i", [(2, 3, 4), (2, 4, 3)]), ("ij->i", [(0, 3)]), ("ij,jk", [(2, 0), (0, 3)]), ("iii->i", [(2, 2, 2)]),
    ("i,i->", [(1,), (1,)]), ("Zz,zZ", [(2, 3), (3, 2)]), ("i->i", [(3,)]), ("kij,jl->kil", [(2, 3, 4), (4, 2)]),
    (" i j -> j i ", [(2, 3)]),
]  # fmt: skip


def _einsum_both(eq, shapes, dtype, transpose, seed=0):
    """einsum's output and its operands' gradients in PyTorch and minigrad, for random
    operands (each the transpose of a contiguous array if ``transpose``)."""
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(s[::-1] if transpose else s) for s in shapes]
    g = None
    results = []
    for M in (torch, mg):
        leaves = [M.tensor(a, dtype=getattr(M, dtype), requires_grad=True) for a in arrays]
        ops = [x.permute(*reversed(range(x.ndim))) if transpose and x.ndim else x for x in leaves]
        y = M.einsum(eq, *ops)
        if g is None:
            g = rng.standard_normal(tuple(y.shape))
        y.backward(M.tensor(g, dtype=getattr(M, dtype)))
        results.append((y, [x.grad for x in leaves]))
    return results


@pytest.mark.parametrize("transpose", [False, True])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("eq,shapes", EINSUM)
def test_einsum_value_and_gradients_match_pytorch(eq, shapes, dtype, transpose):
    (ty, tg), (my, mgr) = _einsum_both(eq, shapes, dtype, transpose)
    tol = 1e-12 if dtype == "float64" else 1e-5
    _same(ty.detach(), my.detach(), eq, tol)
    for a, b in zip(tg, mgr):
        _same(a, b, eq, tol)


def _random_equation(rng):
    letters = "abcdAB"
    sizes = {c: int(rng.integers(1, 4)) for c in letters}
    n_ops = int(rng.integers(1, 4))
    ell = rng.random() < 0.3
    terms, shapes = [], []
    batch = [int(rng.integers(1, 3)) for _ in range(int(rng.integers(0, 3)))]
    for _ in range(n_ops):
        t = "".join(rng.choice(list(letters), int(rng.integers(0, 4))))
        shape = [1 if rng.random() < 0.15 else sizes[c] for c in t]
        if ell:
            k = int(rng.integers(0, len(batch) + 1))
            cut = int(rng.integers(0, len(t) + 1))
            t = t[:cut] + "..." + t[cut:]
            b = [1 if rng.random() < 0.3 else n for n in batch[len(batch) - k :]]
            shape = shape[:cut] + b + shape[cut:]
        terms.append(t)
        shapes.append(tuple(shape))
    eq = ",".join(terms)
    if rng.random() < 0.6:
        used = sorted(set(eq.replace(".", "").replace(",", "")))
        out = "".join(c for c in used if rng.random() < 0.5)
        eq += "->" + ("..." if ell and rng.random() < 0.8 else "") + out
    return eq, shapes


@pytest.mark.parametrize("seed", range(300))
def test_einsum_random_equations_match_pytorch(seed):
    rng = np.random.default_rng(seed)
    eq, shapes = _random_equation(rng)
    arrays = [rng.standard_normal(s) for s in shapes]
    g = None
    outs = []
    for M in (torch, mg):
        xs = [M.tensor(a, dtype=M.float64, requires_grad=True) for a in arrays]
        try:
            y = M.einsum(eq, *xs)
        except Exception as e:  # noqa: BLE001 - compared below
            outs.append(e)
            continue
        if g is None:
            g = rng.standard_normal(tuple(y.shape))
        y.backward(M.tensor(g, dtype=M.float64))
        outs.append((y.detach(), [x.grad for x in xs]))
    if isinstance(outs[0], Exception):
        assert isinstance(outs[1], type(outs[0])), f"{eq} {shapes}: {outs[1]!r} vs {outs[0]!r}"
        return
    assert not isinstance(outs[1], Exception), f"{eq} {shapes}: minigrad raises {outs[1]!r}"
    _same(outs[0][0], outs[1][0], f"{eq} {shapes}", 1e-10)
    for a, b in zip(outs[0][1], outs[1][1]):
        if a is None:  # PyTorch gives no gradient to an operand of an empty sum
            assert b is None or not b.data.any(), f"{eq} {shapes}"
        else:
            _same(a, b, f"{eq} {shapes}", 1e-10)


EINSUM_ERRORS = [
    ("i", [(3, 3)]), ("i,j", [(3,)]), ("i", [(3,), (3,)]), ("i->j", [(3,)]), ("i->ii", [(3,)]), ("i 1->", [(3,)]),
    ("ii->i", [(2, 3)]), ("i..", [(3,)]), ("i->i->i", [(3,)]), ("i,i->i", [(3,), (2,)]), ("i.,i", [(3,), (3,)]),
    ("...i...", [(3,)]), ("ij...", [(3,)]), ("i-j", [(3,)]), ("i>j", [(3,)]), ("i,->i", [(3,)]), ("i->i,", [(3,)]),
    ("ii", [(0, 3)]), ("i,i", [(3,), (0,)]),
]  # fmt: skip


@pytest.mark.parametrize("eq,shapes", EINSUM_ERRORS)
def test_einsum_errors_match_pytorch(eq, shapes):
    _check(f"M.einsum({eq!r}, *[M.ones(s) for s in {shapes!r}])")


@pytest.mark.parametrize(
    "expr",
    ["M.einsum('i')", "M.einsum('i', 3)", "M.einsum('i', [1.])", "M.einsum('i', [M.ones(2)])",
     "M.einsum('i,i', (M.ones(2), M.ones(2)))", "M.einsum('i,i->i', M.ones(3), M.ones(3, dtype=M.float64))",
     "M.einsum('i,i->i', M.ones(3, dtype=M.int64), M.ones(3))", "M.einsum('i,i->i', M.arange(3), M.arange(3))",
     "M.einsum('i,i', M.arange(3), M.arange(3))"],
)  # fmt: skip
def test_einsum_arguments_and_dtypes_match_pytorch(expr):
    _check(expr)
