"""The functions of extra_ops.py without PyTorch: formulas, finite-difference gradients
(float64) and error types."""

import numpy as np
import pytest

import minigrad as mg


def _leaf(shape, seed=0):
    rng = np.random.default_rng(seed)
    return mg.tensor(rng.standard_normal(shape), dtype=mg.float64, requires_grad=True)


# ---- group 1: aliases, function forms, factories -------------------------------------


def test_function_forms_call_the_methods():
    x = _leaf((2, 3))
    assert mg.clone(x).grad_fn.name() == "CloneBackward"
    np.testing.assert_array_equal(mg.clone(x).data, x.data)
    assert mg.numel(x) == 6 and mg.numel(mg.zeros(0, 4)) == 0
    assert mg.is_tensor(x) and mg.is_tensor(mg.nn.Parameter(mg.ones(1)))
    assert not mg.is_tensor(np.ones(1)) and not mg.is_tensor(1.0)
    assert mg.is_floating_point(x) and not mg.is_floating_point(mg.tensor([1]))
    mask = mg.tensor([True, False, True])
    np.testing.assert_array_equal(mg.masked_fill(x, mask, 0.0).data, np.where(mask.data, 0, x.data))


@pytest.mark.parametrize("name", ["clone", "numel", "is_floating_point", "positive"])
def test_function_forms_refuse_non_tensors(name):
    with pytest.raises(TypeError):
        getattr(mg, name)([1.0])


def test_positive_is_its_input_and_refuses_bool():
    x = _leaf(3)
    assert mg.positive(x) is x
    with pytest.raises(RuntimeError):
        mg.positive(mg.tensor([True]))


@pytest.mark.parametrize(
    "alias,name",
    [
        ("arccos", "acos"),
        ("arccosh", "acosh"),
        ("arcsin", "asin"),
        ("arcsinh", "asinh"),
        ("arctan", "atan"),
        ("arctanh", "atanh"),
    ],
)
def test_arc_aliases(alias, name):
    x = mg.tensor([0.2, 0.5, 0.9], dtype=mg.float64) + (1.5 if name == "acosh" else 0)
    np.testing.assert_array_equal(getattr(mg, alias)(x).data, getattr(mg, name)(x).data)


def test_arctan2_is_atan2():
    a, b = _leaf(3, 0), _leaf((2, 3), 1)
    np.testing.assert_array_equal(mg.arctan2(a, b).data, np.arctan2(a.data, b.data))
    assert mg.gradcheck(mg.arctan2, [a, b])


def test_concat_and_concatenate_are_cat():
    a, b = _leaf((2, 3), 0), _leaf((1, 3), 1)
    want = np.concatenate([a.data, b.data])
    for out in (
        mg.concat([a, b]),
        mg.concatenate([a, b]),
        mg.concatenate((a, b), axis=0),
        mg.concatenate([a, b], dim=0),
    ):
        np.testing.assert_array_equal(out.data, want)
        assert out.grad_fn.name() == "CatBackward"
    np.testing.assert_array_equal(mg.concatenate([a, a], axis=1).data, np.hstack([a.data, a.data]))


def test_empty_and_empty_like_take_zeros_signature():
    assert mg.empty(2, 3).shape == (2, 3) and mg.empty((2, 3)).dtype == mg.get_default_dtype()
    assert mg.empty(size=(4,)).shape == (4,)
    e = mg.empty(2, dtype=mg.float64, requires_grad=True)
    assert e.dtype == mg.float64 and e.requires_grad and e.is_leaf
    x = mg.tensor([[1, 2]])
    assert mg.empty_like(x).shape == (1, 2) and mg.empty_like(x).dtype == mg.int64
    assert mg.empty_like(x, dtype=mg.float32).dtype == mg.float32
    with pytest.raises(RuntimeError):
        mg.empty(-1)
    with pytest.raises(TypeError):
        mg.empty_like(np.ones(2))


def test_as_tensor_shares_or_copies():
    a = np.arange(3.0)
    t = mg.as_tensor(a)
    t[0] = 5.0
    assert a[0] == 5.0 and t.dtype == mg.float64  # shared, the array's dtype kept
    c = mg.as_tensor(a, dtype=mg.float32)
    c[1] = 7.0
    assert a[1] == 1.0  # another dtype: a copy
    u = mg.ones(2)
    assert mg.as_tensor(u) is u and mg.as_tensor(u, dtype=mg.float32) is u
    x = mg.ones(2, requires_grad=True)
    y = mg.as_tensor(x, dtype=mg.float64)
    assert y.dtype == mg.float64 and y.grad_fn.name() == "ToCopyBackward"
    assert mg.as_tensor([1, 2]).dtype == mg.int64 and mg.as_tensor(3.0).dtype == mg.float32
    assert mg.as_tensor(np.float64(3.0)).dtype == mg.float64


# ---- group 2: einsum ---------------------------------------------------------------------

EINSUM_CASES = [
    ("i,i->i", [(3,), (1,)]),
    ("i,i", [(3,), (3,)]),
    ("ii", [(3, 3)]),
    ("ii->i", [(3, 3)]),
    ("ij->", [(2, 3)]),
    ("ij->ji", [(2, 3)]),
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("...,...", [(2, 3), (3,)]),
    ("...i,...i", [(2, 3), (5, 1, 3)]),
    ("i...", [(2, 3, 4)]),
    ("bA,Ab", [(2, 3), (3, 2)]),
    ("i,j->ij", [(3,), (4,)]),
    ("ijk->k", [(2, 3, 4)]),
    ("iij->j", [(3, 3, 2)]),
    ("iij->ij", [(3, 3, 2)]),
    ("ij,ij->i", [(3, 1), (1, 4)]),
    ("i,i,i", [(3,), (3,), (3,)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]),
    ("ik,k->", [(2, 3), (3,)]),
    ("ij,k->ij", [(2, 3), (4,)]),
    (",i->i", [(), (3,)]),
    ("->", [()]),
    ("...ij,...jk->...ik", [(2, 1, 3, 4), (5, 4, 2)]),
    ("ii,i->i", [(3, 3), (3,)]),
    ("iji->j", [(3, 2, 3)]),
    ("a...b,b...->a...", [(2, 3, 4), (4, 3)]),
    ("ij,ij,ij->", [(2, 3), (2, 1), (1, 3)]),
    ("iii->i", [(2, 2, 2)]),
    (" i j -> j i ", [(2, 3)]),
]


def _einsum_reference(eq, arrays):
    """np.einsum after broadcasting the size-1 dims that einsum broadcasts (NumPy does not)."""
    eq = eq.replace(" ", "")
    lhs = eq.split("->")[0].split(",")
    sizes = {}
    for term, a in zip(lhs, arrays):
        for c, n in zip(term.replace("...", ""), a.shape[: len(term.split("...")[0])]):
            sizes[c] = max(sizes.get(c, 1), n)
        rest = term.split("...")[-1] if "..." in term else ""
        for c, n in zip(rest, a.shape[a.ndim - len(rest) :]):
            sizes[c] = max(sizes.get(c, 1), n)
    full = []
    for term, a in zip(lhs, arrays):
        head, _, tail = term.partition("...") if "..." in term else (term, "", "")
        shape = list(a.shape)
        for k, c in enumerate(head):
            shape[k] = sizes[c]
        for k, c in enumerate(tail):
            shape[a.ndim - len(tail) + k] = sizes[c]
        full.append(np.broadcast_to(a, shape))
    return np.einsum(eq, *full)


@pytest.mark.parametrize("eq,shapes", EINSUM_CASES)
def test_einsum_value_and_gradient(eq, shapes):
    xs = [_leaf(s, k) for k, s in enumerate(shapes)]
    out = mg.einsum(eq, *xs)
    np.testing.assert_allclose(out.data, _einsum_reference(eq, [x.data for x in xs]), rtol=1e-12)
    assert out.grad_fn.name() == "EinsumBackward"
    assert mg.gradcheck(lambda *a: mg.einsum(eq, *a), xs)
    assert mg.gradcheck(lambda *a: mg.einsum(eq, list(a)), xs)  # operands as one list


def test_einsum_matmul_and_trace_formulas():
    a, b = _leaf((2, 3), 0), _leaf((3, 4), 1)
    np.testing.assert_allclose(mg.einsum("ij,jk->ik", a, b).data, a.data @ b.data, rtol=1e-12)
    m = _leaf((4, 4))
    assert mg.einsum("ii", m).item() == pytest.approx(np.trace(m.data))
    mg.einsum("ii", m).backward()
    np.testing.assert_array_equal(m.grad.data, np.eye(4))  # d trace = I


def test_einsum_promotes_dtypes():
    x = mg.ones(3)
    assert mg.einsum("i,i->i", x, x.double()).dtype == mg.float64
    assert mg.einsum("i,i->i", x.long(), x).dtype == mg.float32
    assert mg.einsum("i,i->i", x.long(), x.long()).dtype == mg.int64


def test_einsum_dtypes_follow_how_pytorch_contracts():
    i32 = mg.tensor([1, 2, 3], dtype=mg.int32)
    assert mg.einsum("i->", i32).dtype == mg.int64  # a sum: integers sum in int64
    assert mg.einsum("i,i", i32, i32).dtype == mg.int32  # a contraction of two operands
    assert mg.einsum("i->", mg.tensor([True, True])).item() == 2
    with pytest.raises(RuntimeError):
        mg.einsum("ij,jk", mg.ones(2, 3), mg.ones(3, 2, dtype=mg.float64))
    with pytest.raises(NotImplementedError):
        mg.einsum("i,i", mg.tensor([True, False]), mg.tensor([True, True]))


def test_einsum_result_does_not_alias_its_input():
    x = mg.tensor([1.0, 2.0])
    y = mg.einsum("i->i", x)
    y.data[0] = 9.0
    assert x.data[0] == 1.0


@pytest.mark.parametrize(
    "eq,shapes",
    [
        ("i", [(3, 3)]),
        ("i,j", [(3,)]),
        ("i", [(3,), (3,)]),
        ("i->j", [(3,)]),
        ("i->ii", [(3,)]),
        ("i 1->", [(3,)]),
        ("ii->i", [(2, 3)]),
        ("i..", [(3,)]),
        ("i->i->i", [(3,)]),
        ("i,i->i", [(3,), (2,)]),
        ("...i...", [(3,)]),
        ("ij...", [(3,)]),
        ("i,->i", [(3,)]),
        ("i,i", [(3,), (0,)]),
    ],
)
def test_einsum_errors(eq, shapes):
    with pytest.raises(RuntimeError, match="einsum"):
        mg.einsum(eq, *[mg.ones(s) for s in shapes])


def test_einsum_argument_types():
    with pytest.raises(ValueError):
        mg.einsum("i")
    with pytest.raises(TypeError):
        mg.einsum("i", [1.0])
    with pytest.raises(TypeError):
        mg.einsum("i", 3)


def test_einsum_sums_letters_of_one_operand_and_broadcasts_back():
    # d/dx Σ_ij x_i y_j = Σ_j y_j for every i
    x, y = _leaf(3, 0), _leaf(4, 1)
    mg.einsum("i,j->", x, y).backward()
    np.testing.assert_allclose(x.grad.data, np.full(3, y.data.sum()), rtol=1e-12)
    np.testing.assert_allclose(y.grad.data, np.full(4, x.data.sum()), rtol=1e-12)


def test_einsum_gradcheck_over_random_contractions():
    rng = np.random.default_rng(7)
    letters = "ijkl"
    for _ in range(25):
        n_ops = int(rng.integers(1, 4))
        terms = ["".join(rng.choice(list(letters), int(rng.integers(0, 4)))) for _ in range(n_ops)]
        used = sorted(set("".join(terms)))
        out = "".join(c for c in used if rng.random() < 0.5)
        sizes = {c: int(rng.integers(1, 4)) for c in letters}
        shapes = [tuple(sizes[c] for c in t) for t in terms]
        eq = ",".join(terms) + "->" + out
        xs = [_leaf(s, k) for k, s in enumerate(shapes)]
        np.testing.assert_allclose(
            mg.einsum(eq, *xs).data, np.einsum(eq, *[x.data for x in xs]), rtol=1e-10, atol=1e-12
        )
        assert mg.gradcheck(lambda *a, eq=eq: mg.einsum(eq, *a), xs), eq


# ---- group 3: stacking, grids, broadcasting, contractions, diagonals ------------------------


def test_atleast_shapes():
    s, v, m = mg.tensor(2.0), mg.ones(3), mg.ones(2, 3)
    assert [t.shape for t in mg.atleast_1d(s, v, m)] == [(1,), (3,), (2, 3)]
    assert [t.shape for t in mg.atleast_2d([s, v, m])] == [(1, 1), (1, 3), (2, 3)]
    assert [t.shape for t in mg.atleast_3d(s, v, m)] == [(1, 1, 1), (1, 3, 1), (2, 3, 1)]
    assert mg.atleast_1d(v) is v and mg.atleast_1d() == ()
    with pytest.raises(TypeError):
        mg.atleast_1d(1.0)


@pytest.mark.parametrize(
    "fn,np_fn,shapes",
    [
        (mg.hstack, np.hstack, [(), (3,), (2,)]),
        (mg.hstack, np.hstack, [(2, 3), (2, 1)]),
        (mg.vstack, np.vstack, [(3,), (2, 3)]),
        (mg.dstack, np.dstack, [(3,), (1, 3), (1, 3, 2)]),
        (mg.column_stack, np.column_stack, [(2,), (2, 3), (2, 1)]),
    ],
)
def test_stacks_match_numpy_and_gradcheck(fn, np_fn, shapes):
    xs = [_leaf(s, k) for k, s in enumerate(shapes)]
    np.testing.assert_array_equal(fn(xs).data, np_fn([x.data for x in xs]))
    assert fn(xs).grad_fn.name() == "CatBackward"
    assert mg.gradcheck(lambda *a: fn(list(a)), xs)


@pytest.mark.parametrize("fn", [mg.hstack, mg.vstack, mg.dstack, mg.column_stack])
def test_stacks_refuse_empty_and_non_sequences(fn):
    with pytest.raises(RuntimeError):
        fn([])
    with pytest.raises(TypeError):
        fn(mg.ones(3))


@pytest.mark.parametrize("indexing", ["ij", "xy"])
def test_meshgrid_matches_numpy_and_gradcheck(indexing):
    xs = [_leaf(3, 0), _leaf(2, 1), _leaf(4, 2)]
    grids = mg.meshgrid(*xs, indexing=indexing)
    for g, want in zip(grids, np.meshgrid(*[x.data for x in xs], indexing=indexing)):
        np.testing.assert_array_equal(g.data, want)
    assert isinstance(grids, tuple)
    assert mg.gradcheck(
        lambda *a: sum(g.sum() * (k + 1) for k, g in enumerate(mg.meshgrid(*a, indexing=indexing))),
        xs,
    )


def test_meshgrid_warning_and_errors():
    with pytest.warns(UserWarning, match="indexing"):
        mg.meshgrid(mg.ones(2), mg.ones(3))
    for call in (
        lambda: mg.meshgrid(mg.ones(2), indexing="ji"),
        lambda: mg.meshgrid(indexing="ij"),
        lambda: mg.meshgrid(mg.ones(2, 2), indexing="ij"),
        lambda: mg.meshgrid(mg.ones(2), mg.ones(2, dtype=mg.float64), indexing="ij"),
    ):
        with pytest.raises(RuntimeError):
            call()


def test_broadcast_tensors_and_shapes():
    a, b = _leaf(3, 0), _leaf((2, 1), 1)
    outs = mg.broadcast_tensors(a, b)
    for o, want in zip(outs, np.broadcast_arrays(a.data, b.data)):
        np.testing.assert_array_equal(o.data, want)
    assert mg.gradcheck(
        lambda x, y: sum(o.sum() * (k + 2) for k, o in enumerate(mg.broadcast_tensors(x, y))),
        [a, b],
    )
    assert mg.broadcast_shapes((2, 1), (3,)) == (2, 3) and mg.broadcast_shapes(2, (3, 1)) == (3, 2)
    assert mg.broadcast_shapes() == ()
    with pytest.raises(RuntimeError):
        mg.broadcast_shapes((2,), (3,))
    with pytest.raises(RuntimeError):
        mg.broadcast_tensors(mg.ones(2), mg.ones(3))
    with pytest.raises(ValueError):
        mg.broadcast_shapes((-1,))
    with pytest.raises(TypeError):
        mg.broadcast_shapes((2.0,))


@pytest.mark.parametrize(
    "sa,sb,dims",
    [
        ((2, 3, 4), (3, 4, 5), 2),
        ((2, 3, 4), (4, 5, 2), ([2, 0], [0, 2])),
        ((2, 3), (4,), 0),
        ((3,), (3,), 1),
        ((), (3,), 0),
        ((2, 3), (3, 2), [[-1], [0]]),
    ],
)
def test_tensordot_matches_numpy_and_gradcheck(sa, sb, dims):
    a, b = _leaf(sa, 0), _leaf(sb, 1)
    np.testing.assert_allclose(
        mg.tensordot(a, b, dims).data, np.tensordot(a.data, b.data, dims), rtol=1e-12
    )
    assert mg.gradcheck(lambda x, y: mg.tensordot(x, y, dims), [a, b])


@pytest.mark.parametrize("dims", [-1, 4, ([1], [1]), ([1, 2], [0]), 2.0])
def test_tensordot_errors(dims):
    with pytest.raises(RuntimeError):
        mg.tensordot(mg.ones(2, 3, 4), mg.ones(3, 4, 5), dims)


def test_tensordot_refuses_int_pairs_and_mixed_dtypes():
    with pytest.raises(TypeError):
        mg.tensordot(mg.ones(2, 3), mg.ones(3, 2), (1, 0))
    with pytest.raises(RuntimeError):
        mg.tensordot(mg.ones(2, 3), mg.ones(3, 2, dtype=mg.float64), 1)


def _cdist_reference(x1, x2, p):
    d = np.abs(x1[..., :, None, :] - x2[..., None, :, :])
    if p == 0:
        return (d != 0).sum(-1).astype(d.dtype)
    if p == np.inf:
        return d.max(-1)
    return (d**p).sum(-1) ** (1 / p)


@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, 0.5, 1.5, float("inf"), 0.0])
@pytest.mark.parametrize(
    "s1,s2", [((4, 3), (5, 3)), ((2, 4, 3), (1, 5, 3)), ((3, 1, 2, 2), (2, 3, 2))]
)
def test_cdist_formula_and_gradcheck(p, s1, s2):
    x1, x2 = _leaf(s1, 0), _leaf(s2, 1)  # random normals: no ties, no zero distances
    np.testing.assert_allclose(
        mg.cdist(x1, x2, p).data, _cdist_reference(x1.data, x2.data, p), rtol=1e-12
    )
    assert mg.gradcheck(lambda a, b: mg.cdist(a, b, p), [x1, x2])


@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, 0.5, float("inf"), 0.0])
def test_cdist_gradient_is_zero_at_zero_distance(p):
    x1 = mg.zeros(2, 3, dtype=mg.float64, requires_grad=True)
    mg.cdist(x1, mg.zeros(4, 3, dtype=mg.float64), p).sum().backward()
    np.testing.assert_array_equal(x1.grad.data, np.zeros((2, 3)))
    # and 0 along a component where the points agree (PyTorch's rule for every p)
    y = mg.tensor([[1.0, 2.0, 3.0]], dtype=mg.float64, requires_grad=True)
    mg.cdist(y, mg.tensor([[1.0, 0.0, 5.0]], dtype=mg.float64), p).sum().backward()
    assert y.grad.data[0, 0] == 0 and np.isfinite(y.grad.data).all()


def test_cdist_errors():
    for call in (
        lambda: mg.cdist(mg.ones(3), mg.ones(3)),
        lambda: mg.cdist(mg.ones(2, 3), mg.ones(2, 2)),
        lambda: mg.cdist(mg.ones(2, 3), mg.ones(2, 3), p=-1),
        lambda: mg.cdist(mg.ones(2, 3, dtype=mg.int64), mg.ones(2, 3, dtype=mg.int64)),
        lambda: mg.cdist(mg.ones(2, 3), mg.ones(2, 3, dtype=mg.float64)),
        lambda: mg.cdist(mg.ones(2, 4, 3), mg.ones(3, 5, 3)),
    ):
        with pytest.raises(RuntimeError):
            call()


def test_block_diag_formula_and_gradcheck():
    a, b, c = _leaf((2, 3), 0), _leaf(3, 1), _leaf((), 2)
    out = mg.block_diag(a, b, c)
    want = np.zeros((4, 7))
    want[:2, :3], want[2, 3:6], want[3, 6] = a.data, b.data, c.data
    np.testing.assert_array_equal(out.data, want)
    assert out.grad_fn.name() == "BlockDiagBackward"
    assert mg.gradcheck(mg.block_diag, [a, b, c])
    # a (0,) input is a row of width 0: the gradient follows the forward's placement
    empty, b2 = mg.zeros(0, dtype=mg.float64, requires_grad=True), _leaf(2, 3)
    assert mg.block_diag(empty, b2).shape == (2, 2)
    assert mg.gradcheck(mg.block_diag, [empty, b2, c])
    assert mg.block_diag().shape == (1, 0)
    assert mg.block_diag(mg.ones(1, 1, dtype=mg.int64), mg.ones(1)).dtype == mg.float32
    with pytest.raises(RuntimeError):
        mg.block_diag(mg.ones(2, 2, 2))


@pytest.mark.parametrize(
    "shape,args", [((3,), ()), ((2, 3), (1,)), ((2, 3), (-2, 0, 2)), ((2, 3, 4), (1, 3, 1))]
)
def test_diag_embed_formula_and_gradcheck(shape, args):
    x = _leaf(shape)
    out = mg.diag_embed(x, *args)
    offset, d1, d2 = (list(args) + [0, -2, -1][len(args) :])[:3]
    np.testing.assert_array_equal(np.diagonal(out.data, offset, d1, d2), x.data)
    assert np.count_nonzero(out.data) == np.count_nonzero(x.data)
    assert mg.gradcheck(lambda t: mg.diag_embed(t, *args), [x])


def test_diagflat_and_diag_embed_errors():
    x = _leaf((2, 3))
    np.testing.assert_array_equal(mg.diagflat(x, -1).data, np.diagflat(x.data, -1))
    assert mg.gradcheck(lambda t: mg.diagflat(t, 1), [x])
    with pytest.raises(RuntimeError):
        mg.diag_embed(x, 0, 0, 0)
    with pytest.raises(IndexError):
        mg.diag_embed(x, 0, 3, 0)


@pytest.mark.parametrize(
    "row,col,offset", [(3, 4, 0), (3, 4, 1), (3, 4, -5), (0, 4, 0), (5, 2, 1), (4, 4, 10)]
)
def test_triangle_indices_match_numpy(row, col, offset):
    np.testing.assert_array_equal(
        mg.tril_indices(row, col, offset).data, np.tril_indices(row, offset, col)
    )
    np.testing.assert_array_equal(
        mg.triu_indices(row, col, offset).data, np.triu_indices(row, offset, col)
    )
    assert mg.tril_indices(row, col, offset).dtype == mg.int64
    assert mg.triu_indices(row, col, offset, dtype=mg.int32).dtype == mg.int32


def test_triangle_indices_errors():
    with pytest.raises(RuntimeError):
        mg.tril_indices(-1, 3)
    with pytest.raises(NotImplementedError):
        mg.triu_indices(3, 3, dtype=mg.float32)
    with pytest.raises(TypeError):
        mg.tril_indices(3.0, 3)


# ---- group 4: NaN-aware and paired reductions, sampling, searching, dtype info --------------

_WITH_NAN = np.array([[1.5, np.nan, -3.0], [0.25, 5.0, np.nan]])


@pytest.mark.parametrize("dim,keepdim", [(None, False), (1, False), (0, True), ((0, 1), True)])
def test_nansum_and_nanmean_formulas_and_gradcheck(dim, keepdim):
    x = mg.tensor(_WITH_NAN, requires_grad=True)
    axis = dim if not isinstance(dim, tuple) else tuple(dim)
    np.testing.assert_allclose(
        mg.nansum(x, dim, keepdim).data, np.nansum(_WITH_NAN, axis, keepdims=keepdim)
    )
    np.testing.assert_allclose(
        mg.nanmean(x, dim, keepdim).data, np.nanmean(_WITH_NAN, axis, keepdims=keepdim)
    )
    assert mg.nansum(x, dim, keepdim).grad_fn.name() == "NansumBackward"
    assert mg.gradcheck(lambda t: mg.nansum(t, dim, keepdim), [x])
    assert mg.gradcheck(lambda t: mg.nanmean(t, dim, keepdim), [x])
    mg.nansum(x).backward()
    np.testing.assert_array_equal(x.grad.data, ~np.isnan(_WITH_NAN))  # 0 at the NaNs


def test_nansum_dtypes_and_nanmean_refuses_integers():
    assert mg.nansum(mg.tensor([1, 2], dtype=mg.int32)).dtype == mg.int64
    assert mg.nansum(mg.tensor([True, True])).item() == 2
    assert mg.nansum(mg.tensor(_WITH_NAN), dtype=mg.float32).dtype == mg.float32
    assert np.isnan(mg.nanmean(mg.tensor([np.nan])).item())
    with pytest.raises(RuntimeError):
        mg.nanmean(mg.tensor([1, 2]))


@pytest.mark.parametrize("name", ["var_mean", "std_mean"])
@pytest.mark.parametrize(
    "args,kwargs",
    [
        ((), {}),
        ((1,), {}),
        ((1,), {"correction": 0, "keepdim": True}),
        (((0, 1),), {}),
        ((True,), {}),
        ((0, False, True), {}),
    ],
)
def test_var_mean_and_std_mean_are_the_pair(name, args, kwargs):
    x = _leaf((3, 4))
    spread, mean = getattr(mg, name)(x, *args, **kwargs)
    want = getattr(mg, name.split("_")[0])(x, *args, **kwargs)
    np.testing.assert_allclose(spread.data, want.data, rtol=1e-12)
    dim = None if args and isinstance(args[0], bool) else (args[0] if args else None)
    keepdim = kwargs.get("keepdim", args[2] if len(args) > 2 else False)
    np.testing.assert_allclose(mean.data, x.mean(dim, keepdim).data, rtol=1e-12)
    fn = getattr(mg, name)
    assert mg.gradcheck(lambda t: fn(t, *args, **kwargs)[0] * 2 + fn(t, *args, **kwargs)[1], [x])
    with pytest.raises(RuntimeError):
        fn(mg.tensor([1, 2]))


def test_logspace_formula():
    for start, end, steps, base in [
        (0, 2, 3, 10.0),
        (-1, 2, 7, 10.0),
        (0.5, 3.5, 4, 3.0),
        (2, 0, 5, 0.5),
    ]:
        want = base ** np.linspace(start, end, steps)
        np.testing.assert_allclose(
            mg.logspace(start, end, steps, base, dtype=mg.float64).data, want, rtol=1e-14
        )
    assert mg.logspace(0, 3, 4, dtype=mg.int64).tolist() == [1, 10, 100, 1000]
    assert mg.logspace(2.5, 7.0, 1, dtype=mg.float64).item() == 10**2.5  # one step: start
    assert mg.logspace(2.5, 3.5, 2, 2.0, dtype=mg.int64).tolist() == [4, 8]  # ints truncate
    assert mg.logspace(0, 2, 3).dtype == mg.float32 and mg.logspace(0, 2, 0).shape == (0,)


def test_normal_forms_statistics_and_seed():
    mg.manual_seed(0)
    a = mg.normal(2.0, 3.0, (20000,))
    assert abs(a.mean().item() - 2.0) < 0.1 and abs(a.std().item() - 3.0) < 0.1
    mg.manual_seed(0)
    np.testing.assert_array_equal(mg.normal(2.0, 3.0, (20000,)).data, a.data)
    mean, std = mg.tensor([[-5.0], [5.0]]), mg.tensor([0.5, 2.0, 4.0])
    s = mg.stack([mg.normal(mean, std) for _ in range(4000)])
    assert s.shape == (4000, 2, 3)
    np.testing.assert_allclose(s.mean(0).data, np.broadcast_to(mean.data, (2, 3)), atol=0.25)
    np.testing.assert_allclose(s.std(0).data, np.broadcast_to(std.data, (2, 3)), rtol=0.1)
    g1, g2 = mg.Generator().manual_seed(3), mg.Generator().manual_seed(3)
    np.testing.assert_array_equal(
        mg.normal(mean, 1.0, generator=g1).data, mg.normal(mean, 1.0, generator=g2).data
    )
    m = mg.zeros(3, requires_grad=True)
    mg.normal(m, 2.0).sum().backward()
    np.testing.assert_array_equal(m.grad.data, np.zeros(3))  # as PyTorch: no gradient
    with pytest.raises(RuntimeError):
        mg.normal(m, -1.0)
    with pytest.raises(TypeError):
        mg.normal(0.0, 1.0)


def test_bernoulli_frequencies_and_seed():
    p = mg.tensor([0.0, 0.2, 0.7, 1.0], dtype=mg.float64)
    mg.manual_seed(1)
    draws = mg.stack([mg.bernoulli(p) for _ in range(5000)])
    assert draws.dtype == mg.float64 and set(np.unique(draws.data)) <= {0.0, 1.0}
    np.testing.assert_allclose(draws.mean(0).data, p.data, atol=0.03)
    assert mg.bernoulli(mg.full((4000,), 0.5), 0.1).mean().item() < 0.15
    g = mg.Generator().manual_seed(5)
    first = mg.bernoulli(mg.full((50,), 0.5), generator=g)
    g.manual_seed(5)
    np.testing.assert_array_equal(mg.bernoulli(mg.full((50,), 0.5), generator=g).data, first.data)
    with pytest.raises(RuntimeError):
        mg.bernoulli(mg.tensor([1.5]))
    with pytest.raises(NotImplementedError):
        mg.bernoulli(mg.tensor([1, 0]))


def test_multinomial_frequencies_and_rules():
    w = mg.tensor([1.0, 2.0, 3.0, 0.0])
    mg.manual_seed(2)
    draws = mg.multinomial(w, 30000, replacement=True)
    assert draws.dtype == mg.int64 and draws.shape == (30000,)
    np.testing.assert_allclose(np.bincount(draws.data, minlength=4) / 30000, w.data / 6, atol=0.015)
    # without replacement: distinct categories; the zero weight only once the others are drawn
    for _ in range(50):
        d = mg.multinomial(w, 4).tolist()
        assert sorted(d) == [0, 1, 2, 3] and d[-1] == 3
    firsts = np.bincount([mg.multinomial(w, 1).item() for _ in range(6000)], minlength=4) / 6000
    np.testing.assert_allclose(firsts, w.data / 6, atol=0.03)
    rows = mg.multinomial(mg.tensor([[0.0, 1.0], [1.0, 0.0]]), 1)
    assert rows.tolist() == [[1], [0]]
    mg.manual_seed(4)
    a = mg.multinomial(w, 3)
    mg.manual_seed(4)
    assert mg.multinomial(w, 3).tolist() == a.tolist()
    for call in (
        lambda: mg.multinomial(w, 5),
        lambda: mg.multinomial(w, 0),
        lambda: mg.multinomial(-w, 1),
        lambda: mg.multinomial(mg.zeros(3), 1),
        lambda: mg.multinomial(mg.ones(2, 2, 2), 1),
        lambda: mg.multinomial(mg.tensor([1, 2]), 1),
    ):
        with pytest.raises(RuntimeError):
            call()


def test_searchsorted_and_bucketize_match_numpy():
    seq = mg.tensor([1.0, 3.0, 5.0, 7.0, 9.0])
    v = mg.tensor([[3.0, 6.0, 9.0], [0.0, 10.0, 5.0]])
    for right in (False, True):
        want = np.searchsorted(seq.data, v.data, side="right" if right else "left")
        np.testing.assert_array_equal(mg.searchsorted(seq, v, right=right).data, want)
        np.testing.assert_array_equal(mg.bucketize(v, seq, right=right).data, want)
    rows = mg.tensor([[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]])
    out = mg.searchsorted(rows, mg.tensor([[3.0], [3.0]]), side="right")
    assert out.tolist() == [[2], [1]] and out.dtype == mg.int64
    assert mg.searchsorted(seq, v, out_int32=True).dtype == mg.int32
    assert mg.searchsorted(
        mg.tensor([5.0, 1.0, 3.0]), mg.tensor([2.0]), sorter=mg.tensor([1, 2, 0])
    ).tolist() == [1]
    assert mg.searchsorted(rows, mg.zeros(2, 0)).shape == (2, 0)
    with pytest.raises(RuntimeError):
        mg.searchsorted(seq, v, right=True, side="left")
    with pytest.raises(RuntimeError):
        mg.bucketize(v, rows)


def test_bincount_matches_numpy():
    x = mg.tensor([0, 1, 1, 3])
    np.testing.assert_array_equal(
        mg.bincount(x, minlength=6).data, np.bincount(x.data, minlength=6)
    )
    w = mg.tensor([0.5, 1.0, 2.0, 3.0])
    out = mg.bincount(x, w)
    np.testing.assert_allclose(out.data, np.bincount(x.data, w.data))
    assert out.dtype == mg.float32 and mg.bincount(x, mg.tensor([1, 2, 3, 4])).dtype == mg.float64
    with pytest.raises(RuntimeError):
        mg.bincount(mg.tensor([-1, 1]))
    with pytest.raises(NotImplementedError):
        mg.bincount(mg.tensor([1.0]))


def test_heaviside_and_copysign():
    x = mg.tensor([-1.5, 0.0, 2.0, -0.0])
    np.testing.assert_array_equal(mg.heaviside(x, mg.tensor([0.5])).data, np.heaviside(x.data, 0.5))
    assert mg.heaviside(mg.tensor([np.nan]), mg.tensor([0.5])).item() == 0.0  # as PyTorch
    with pytest.raises(RuntimeError):
        mg.heaviside(x, mg.tensor([0.5], dtype=mg.float64))
    with pytest.raises(TypeError):
        mg.heaviside(x, 0.5)
    a, b = _leaf((2, 3), 0), _leaf(3, 1)
    np.testing.assert_array_equal(mg.copysign(a, b).data, np.copysign(a.data, b.data))
    assert mg.gradcheck(mg.copysign, [a, b])
    assert mg.gradcheck(lambda t: mg.copysign(t, -2.0), [a])
    assert mg.copysign(mg.tensor([1, -2]), 1).dtype == mg.float32
    z = mg.tensor([0.0, -0.0], requires_grad=True)
    mg.copysign(z, -1.0).sum().backward()
    np.testing.assert_array_equal(z.grad.data, [0.0, 0.0])


def test_finfo_and_iinfo_match_numpy():
    for dt in (mg.float16, mg.float32, mg.float64):
        info, ref = mg.finfo(dt), np.finfo(dt)
        assert (info.bits, info.eps, info.max, info.min) == (ref.bits, ref.eps, ref.max, ref.min)
        assert info.tiny == info.smallest_normal == ref.smallest_normal
        assert info.resolution == 10.0**-ref.precision and info.dtype == str(dt)
    assert mg.finfo().dtype == str(mg.get_default_dtype())
    for dt in (mg.uint8, mg.int8, mg.int16, mg.int32, mg.int64):
        info, ref = mg.iinfo(dt), np.iinfo(dt)
        assert (info.bits, info.min, info.max, info.dtype) == (ref.bits, ref.min, ref.max, str(dt))
    for call in (
        lambda: mg.finfo(mg.int64),
        lambda: mg.iinfo(mg.float32),
        lambda: mg.iinfo(mg.bool),
    ):
        with pytest.raises(TypeError):
            call()


@pytest.mark.parametrize("p", [2.0, 1.0, 0.5, float("inf")])
def test_cdist_in_blocks_of_rows_is_the_same(p, monkeypatch):
    from minigrad import extra_ops

    x1, x2 = _leaf((2, 5, 3), 0), _leaf((1, 4, 3), 1)
    whole = mg.cdist(x1, x2, p)
    whole.sum().backward()
    g1, g2 = x1.grad.data.copy(), x2.grad.data.copy()
    x1.grad = x2.grad = None
    monkeypatch.setattr(extra_ops, "_DIFF_BLOCK", 7)  # one row of 4 x 3 differences per block
    blocked = mg.cdist(x1, x2, p)
    np.testing.assert_array_equal(blocked.data, whole.data)
    blocked.sum().backward()
    np.testing.assert_allclose(x1.grad.data, g1, rtol=1e-12)
    np.testing.assert_allclose(x2.grad.data, g2, rtol=1e-12)
    assert mg.gradcheck(lambda a, b: mg.cdist(a, b, p), [x1, x2])


def test_einsum_of_one_tensor_twice_sums_both_gradients():
    x = _leaf(4)
    mg.einsum("i,i->", x, x).backward()  # d Σ x_i² = 2x
    np.testing.assert_allclose(x.grad.data, 2 * x.data, rtol=1e-12)
    m = _leaf((3, 3), 1)
    assert mg.gradcheck(lambda a: mg.einsum("ij,jk,ki->", a, a, a), [m])  # d tr(A³) = 3 (A²)ᵀ


def test_einsum_backward_refuses_an_operand_changed_in_place():
    a, b = _leaf((2, 3), 0), mg.tensor(np.ones((3, 2)))
    y = mg.einsum("ij,jk->ik", a, b)
    with mg.no_grad():
        b.mul_(2.0)
    with pytest.raises(RuntimeError, match="Einsum"):
        y.sum().backward()
