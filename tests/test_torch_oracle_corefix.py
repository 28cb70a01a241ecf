"""Regression tests against PyTorch for review findings in linalg, special and surface ops.

Each test names the finding it pins down; values and gradients are compared in float64
to 1e-10 unless the case says otherwise.
"""

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()


def both(a, grad=True):
    """The same float64 array as a minigrad and a torch leaf."""
    a = np.asarray(a, dtype=np.float64)
    return mg.tensor(a, requires_grad=grad), torch.tensor(a, requires_grad=grad)


def close(m, t, tol=1e-10):
    m, t = m.detach().numpy(), t.detach().numpy()
    assert m.shape == t.shape and m.dtype == t.dtype
    np.testing.assert_allclose(m, t, rtol=tol, atol=tol)


# 1. eigh / svd: only the values used -> no E term, finite at repeated values

REPEATED = [np.eye(3), np.diag([1.0, 1.0, 2.0]), np.diag([2.0, 2.0, 2.0, 5.0]), np.ones((3, 3))]


@pytest.mark.parametrize("a", REPEATED)
@pytest.mark.parametrize("fn", ["eigvalsh", "eigh", "eigh_U"])
def test_eigh_values_gradient_at_repeated_eigenvalues(a, fn):
    """Σ w λ with distinct weights on a diagonal A (canonical eigenvectors), else the
    spectral function Σ (λ² + λ), whose gradient does not depend on the eigenbasis."""
    diagonal = not np.any(a - np.diag(np.diag(a)))
    w = np.arange(1.0, a.shape[-1] + 1)
    (m, t) = both(a)
    outs = []
    for mod, x in ((mg, m), (torch, t)):
        if fn == "eigvalsh":
            lam = mod.linalg.eigvalsh(x)
        else:
            lam = mod.linalg.eigh(x, UPLO="U" if fn == "eigh_U" else "L")[0]
        ((lam * mod.tensor(w)) if diagonal else (lam * lam + lam)).sum().backward()
        outs.append(lam)
    close(*outs)
    assert np.isfinite(m.grad.numpy()).all()
    close(m.grad, t.grad)


@pytest.mark.parametrize("shape", [(2, 2), (3, 3), (2, 3, 3)])
@pytest.mark.parametrize("full", [True, False])
def test_svd_values_gradient_at_repeated_singular_values(shape, full):
    a = np.broadcast_to(np.eye(shape[-1]), shape) * 2
    m, t = both(a)
    sm = mg.linalg.svd(m, full_matrices=full)[1]
    st = torch.linalg.svd(t, full_matrices=full)[1]
    w = np.arange(1.0, shape[-1] + 1)
    (sm * mg.tensor(w)).sum().backward()
    (st * torch.tensor(w)).sum().backward()
    close(sm, st)
    close(m.grad, t.grad)


@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (2, 5, 3)])
def test_svd_values_gradient_generic_matrices(shape):
    a = np.random.default_rng(1).standard_normal(shape)
    m, t = both(a)
    mg.linalg.svd(m, full_matrices=True)[1].sum().backward()
    torch.linalg.svd(t, full_matrices=True)[1].sum().backward()
    close(m.grad, t.grad)


# 2. zeta: derivative in q, none in x


@pytest.mark.parametrize(
    "x, q",
    [
        ([2.0, 3.0], [1.0, 2.0]),
        ([1.5, 4.0, 2.5], [0.3, 7.0, 1.5]),
        ([[2.0], [3.0]], [0.5, 1.5, 4.0]),
    ],
)
def test_zeta_gradient_in_q(x, q):
    xm, xt = both(x, grad=False)
    qm, qt = both(q)
    zm, zt = mg.special.zeta(xm, qm), torch.special.zeta(xt, qt)
    zm.sum().backward()
    zt.sum().backward()
    close(zm, zt)
    close(qm.grad, qt.grad)


def test_zeta_gradient_in_q_float32_and_number_x():
    q = np.array([0.5, 1.0, 3.0], np.float32)
    qm, qt = mg.tensor(q, requires_grad=True), torch.tensor(q, requires_grad=True)
    mg.special.zeta(2.5, qm).sum().backward()
    torch.special.zeta(2.5, qt).sum().backward()
    assert qm.grad.dtype == mg.float32
    np.testing.assert_allclose(qm.grad.numpy(), qt.grad.numpy(), rtol=1e-5)


def test_zeta_has_no_gradient_in_x_in_either():
    for mod in (mg, torch):
        x = mod.tensor([2.0, 3.0], dtype=mod.float64, requires_grad=True)
        with pytest.raises(NotImplementedError):
            mod.special.zeta(x, mod.tensor([1.0, 2.0], dtype=mod.float64)).sum().backward()


# 3. renorm with p = inf


@pytest.mark.parametrize("p", [float("inf"), 1, 2, 3.5])
@pytest.mark.parametrize("shape, dim", [((3, 4), 0), ((3, 4), 1), ((2, 3, 4), 1), ((2, 3, 4), -1)])
def test_renorm_values_and_gradient(p, shape, dim):
    x = np.random.default_rng(len(shape) + dim).standard_normal(shape)
    m, t = both(x)
    rm, rt = mg.renorm(m, p, dim, 0.7), torch.renorm(t, p, dim, 0.7)
    (rm * rm).sum().backward()
    (rt * rt).sum().backward()
    close(rm, rt)
    close(m.grad, t.grad)


def test_renorm_inf_float32():
    x = np.random.default_rng(3).standard_normal((4, 5)).astype(np.float32) * 3
    out_m = mg.renorm(mg.tensor(x), float("inf"), 0, 1.0).numpy()
    out_t = torch.renorm(torch.tensor(x), float("inf"), 0, 1.0).numpy()
    assert out_m.dtype == np.float32
    np.testing.assert_allclose(out_m, out_t, rtol=1e-5)


# 4. linalg.norm: an ord without dim needs a 1-D or 2-D input, string ords too


@pytest.mark.parametrize("shape", [(2, 2, 2), (), (3,), (2, 3), (1, 2, 3, 2)])
@pytest.mark.parametrize("ord", ["fro", "nuc", 2, 1, float("inf")])
def test_norm_with_ord_and_no_dim(shape, ord):
    x = np.random.default_rng(0).standard_normal(shape)
    try:
        expect = torch.linalg.norm(torch.tensor(x), ord)
    except RuntimeError:
        with pytest.raises(RuntimeError):
            mg.linalg.norm(mg.tensor(x), ord)
        return
    close(mg.linalg.norm(mg.tensor(x), ord), expect)


# 5. logdet: NaN where det < 0 with a zero gradient there


LOGDET = [
    np.array([[0.1, 1.2], [1.3, 0.4]]),  # det < 0
    np.array([[[2.0, 0.5], [0.3, 1.0]], [[0.0, 1.0], [1.0, 0.0]]]),  # det > 0, det < 0
    np.array([[3.0, 1.0, 0.0], [1.0, 2.0, 0.5], [0.0, 0.5, 1.0]]),
]


@pytest.mark.parametrize("a", LOGDET)
@pytest.mark.parametrize("form", ["torch", "method"])
def test_logdet_negative_determinant(a, form):
    m, t = both(a)
    ym = mg.logdet(m) if form == "torch" else m.logdet()
    yt = torch.logdet(t) if form == "torch" else t.logdet()
    ym.sum().backward()
    yt.sum().backward()
    np.testing.assert_array_equal(np.isnan(ym.detach().numpy()), np.isnan(yt.detach().numpy()))
    np.testing.assert_allclose(ym.detach().numpy(), yt.detach().numpy(), rtol=1e-10)
    close(m.grad, t.grad)


# 6. triangular_solve: the copy of A is broadcast to the batch of the solution


@pytest.mark.parametrize(
    "bshape, ashape", [((2, 4, 3), (4, 4)), ((3, 1, 4, 2), (2, 4, 4)), ((4, 2), (3, 4, 4))]
)
@pytest.mark.parametrize("upper, transpose", [(True, False), (False, True)])
def test_triangular_solve_coefficient_batch(bshape, ashape, upper, transpose):
    rng = np.random.default_rng(len(bshape) + len(ashape))
    b = rng.standard_normal(bshape)
    a = rng.standard_normal(ashape) + 4 * np.eye(ashape[-1])
    (bm, bt), (am, at) = both(b), both(a)
    xm, cm = mg.triangular_solve(bm, am, upper=upper, transpose=transpose)
    xt, ct = torch.triangular_solve(bt, at, upper=upper, transpose=transpose)
    close(xm, xt)
    close(cm, ct)
    (xm.sum() + (cm * cm).sum()).backward()
    (xt.sum() + (ct * ct).sum()).backward()
    close(am.grad, at.grad)
    close(bm.grad, bt.grad)


# 7. gammainc / gammaincc for large a near x: Temme's expansion, as PyTorch (Cephes)

LARGE_A = [1e6, 1e10, 1e16, 1e20, 30.0, 50.0, 150.0, 250.0, 1e4, 21.0, 199.0, 3e3]


@pytest.mark.parametrize("a", LARGE_A)
@pytest.mark.parametrize("ratio", [1.0, 0.9999, 1.0001, 0.95, 1.05, 0.8, 1.25])
@pytest.mark.parametrize("upper", [False, True])
def test_incomplete_gamma_large_a(a, ratio, upper):
    """PyTorch's own expansion is good to ~2e-9 relative here (against mpmath at 40 digits,
    e.g. P(50, 40) is off by 1.2e-9), so that is the tolerance of this comparison."""
    A, X = np.array([a]), np.array([a * ratio])
    fm = mg.special.gammaincc if upper else mg.special.gammainc
    ft = torch.special.gammaincc if upper else torch.special.gammainc
    out = fm(mg.tensor(A), mg.tensor(X)).numpy()
    expect = ft(torch.tensor(A), torch.tensor(X)).numpy()
    np.testing.assert_allclose(out, expect, rtol=5e-9, atol=1e-300)


def test_incomplete_gamma_many_random_large_a():
    rng = np.random.default_rng(7)
    A = np.exp(rng.uniform(np.log(15), np.log(1e12), 4000))
    X = A * np.exp(rng.normal(0, 0.1, A.size))
    for fm, ft in ((mg.special.gammainc, torch.special.gammainc),
                   (mg.special.gammaincc, torch.special.gammaincc)):  # fmt: skip
        out = fm(mg.tensor(A), mg.tensor(X)).numpy()
        expect = ft(torch.tensor(A), torch.tensor(X)).numpy()
        np.testing.assert_allclose(out, expect, rtol=5e-9, atol=1e-300)


# 8. lstsq: residuals and singular values by driver


def _rank_one(shape):
    a = np.random.default_rng(5).standard_normal(shape[:-1] + (1,))
    return np.concatenate([a, 2 * a] + [3 * a] * (shape[-1] - 2), -1)


LSTSQ = [
    ((4, 2), (4, 3)),
    ((5, 3), (5,)),
    ((2, 5, 3), (2, 5, 2)),
    ((3, 3), (3, 2)),
    ((2, 4), (2, 3)),
    ((6, 2), (6, 1)),
    ((1, 6, 2), (1, 6, 1)),
]


@pytest.mark.parametrize("driver", [None, "gelsy", "gelsd", "gelss", "gels"])
@pytest.mark.parametrize("ashape, bshape", LSTSQ)
@pytest.mark.parametrize("deficient", [False, True])
def test_lstsq_outputs_by_driver(driver, ashape, bshape, deficient):
    rng = np.random.default_rng(len(ashape) + len(bshape))
    a = _rank_one(ashape) if deficient else rng.standard_normal(ashape) + np.eye(*ashape[-2:])
    if deficient and driver in (None, "gelsy", "gels"):
        return  # the solution of a rank-deficient A depends on the driver's algorithm
    b = rng.standard_normal(bshape)
    (am, at), (bm, bt) = both(a), both(b)
    om = mg.linalg.lstsq(am, bm, driver=driver)
    ot = torch.linalg.lstsq(at, bt, driver=driver)
    for x, y in zip(om, ot):
        assert tuple(x.shape) == tuple(y.shape)
        close(x, y, 1e-9)
    w = [np.linspace(1, 2, o.numel()).reshape(o.shape) for o in ot[:2]]
    sm = sum((o * mg.tensor(v)).sum() for o, v in zip(om[:2], w) if o.numel())
    st = sum((o * torch.tensor(v)).sum() for o, v in zip(ot[:2], w) if o.numel())
    sm.backward()
    st.backward()
    close(am.grad, at.grad, 1e-9)
    close(bm.grad, bt.grad, 1e-9)
    assert not om.singular_values.requires_grad


# 9. minor: householder_product with empty tau, vander of a 0-d input, det overflow,
# slogdet's gradient at a singular A


@pytest.mark.parametrize("shape", [(3, 2), (2, 4, 3)])
def test_householder_product_empty_tau_is_in_the_graph(shape):
    outs = []
    for mod in (mg, torch):
        a = mod.tensor(np.ones(shape), dtype=mod.float64, requires_grad=True)
        tau = mod.zeros(shape[:-2] + (0,), dtype=mod.float64, requires_grad=True)
        h = mod.linalg.householder_product(a, tau)
        assert h.grad_fn is not None
        (h * h).sum().backward()
        outs.append(h)
        assert a.grad is None or not a.grad.detach().numpy().any()  # PyTorch: None
    close(*outs)


@pytest.mark.parametrize("N", [2, 3, 5])
@pytest.mark.parametrize("value", [2.0, -0.5])
def test_vander_of_a_0d_input(N, value):
    m, t = both(value)
    vm, vt = mg.linalg.vander(m, N=N), torch.linalg.vander(t, N=N)
    close(vm, vt)
    vm.sum().backward()
    vt.sum().backward()
    close(m.grad, t.grad)


def test_vander_of_a_0d_input_without_n_raises_in_both():
    for mod in (mg, torch):
        with pytest.raises(RuntimeError):
            mod.linalg.vander(mod.tensor(2.0))


@pytest.mark.parametrize("scale", [100.0, -100.0, 1e-3])
def test_det_overflow_and_underflow(scale, recwarn):
    a = np.eye(200) * scale
    a[0, 1] = 0.5
    close(mg.linalg.det(mg.tensor(a)), torch.linalg.det(torch.tensor(a)))
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


@pytest.mark.parametrize("a", [[[1.0, 2.0], [2.0, 4.0]], [[[1.0, 2.0], [2.0, 4.0]]] * 2])
def test_slogdet_gradient_at_a_singular_matrix(a):
    """±inf from LAPACK's getrs on the row-swapped LU (where the infinities' signs depend
    on MKL's substitution order in other cases, which are not compared)."""
    m, t = both(a)
    mg.linalg.slogdet(m)[1].sum().backward()
    torch.linalg.slogdet(t)[1].sum().backward()
    np.testing.assert_array_equal(m.grad.numpy(), t.grad.numpy())


# 10. det / slogdet / solve / inv of matrices larger than SMALL go through NumPy's LAPACK,
# singular ones through getrf


def _big(n, batch=(), singular=False, seed=0):
    a = np.random.default_rng(seed).standard_normal(batch + (n, n)) + 2 * np.eye(n)
    if singular:
        a[..., :, 3] = 0  # a zero column stays zero: an exact zero pivot in any LU
    return a


@pytest.mark.parametrize("n, batch", [(17, ()), (40, ()), (64, (2,)), (30, (2, 3))])
@pytest.mark.parametrize("fn", ["det", "slogdet", "inv", "solve"])
def test_large_matrices_values_and_gradients(n, batch, fn):
    a = _big(n, batch)
    b = np.random.default_rng(1).standard_normal(batch[-1:] + (n, 3))  # batch broadcast
    (am, at), (bm, bt) = both(a), both(b)
    outs = []
    for mod, A, B in ((mg, am, bm), (torch, at, bt)):
        L = mod.linalg
        y = {"det": L.det(A / 2), "slogdet": L.slogdet(A)[1], "inv": L.inv(A),
             "solve": L.solve(A, B)}[fn]  # fmt: skip
        w = mod.tensor(np.linspace(-1, 1, y.numel()).reshape(tuple(y.shape)))
        (y * w).sum().backward()
        outs.append((y, A.grad, B.grad))
    close(outs[0][0], outs[1][0], 1e-9)
    close(outs[0][1], outs[1][1], 1e-9)
    if fn == "solve":
        close(outs[0][2], outs[1][2], 1e-9)


@pytest.mark.parametrize("n", [17, 40])
def test_large_singular_matrices(n):
    a = _big(n, (2,), singular=True)
    a[0] = _big(n, seed=3)  # batch element 0 regular, 1 singular
    for fn in ("inv", "solve"):
        for mod in (mg, torch):
            A = mod.tensor(a)
            with pytest.raises(RuntimeError):
                mod.linalg.inv(A) if fn == "inv" else mod.linalg.solve(A, A)
    m_info = mg.linalg.inv_ex(mg.tensor(a)).info.numpy()
    t_info = torch.linalg.inv_ex(torch.tensor(a)).info.numpy()
    np.testing.assert_array_equal(m_info > 0, t_info > 0)
    dm, dt = mg.linalg.det(mg.tensor(a)).numpy(), torch.linalg.det(torch.tensor(a)).numpy()
    assert abs(dm[1]) < 1e-10 * abs(dm[0]) and abs(dt[1]) < 1e-10 * abs(dt[0])
    np.testing.assert_allclose(dm[0], dt[0], rtol=1e-9)
    sm, st = mg.linalg.slogdet(mg.tensor(a)), torch.linalg.slogdet(torch.tensor(a))
    np.testing.assert_allclose(sm.logabsdet.numpy()[0], st.logabsdet.numpy()[0], rtol=1e-10)
    assert sm.logabsdet.numpy()[1] < st.logabsdet.numpy()[0] - 20


# 11. unfold's gradient by strided slices; ndtri with fewer Newton steps above 1e-3


@pytest.mark.parametrize(
    "shape, dim, size, step",
    [((10,), 0, 3, 1), ((10,), 0, 3, 4), ((4, 9), 1, 4, 2), ((5, 6, 3), 1, 2, 2),
     ((7, 2), 0, 7, 1), ((3, 8, 2), -2, 1, 3), ((6,), 0, 0, 1)],
)  # fmt: skip
def test_unfold_gradient(shape, dim, size, step):
    x = np.random.default_rng(0).standard_normal(shape)
    m, t = both(x)
    um, ut = m.unfold(dim, size, step), t.unfold(dim, size, step)
    close(um, ut)
    w = np.random.default_rng(1).standard_normal(tuple(ut.shape))
    (um * mg.tensor(w)).sum().backward()
    (ut * torch.tensor(w)).sum().backward()
    close(m.grad, t.grad)


def test_ndtri_against_pytorch_across_the_tails():
    rng = np.random.default_rng(2)
    p = np.concatenate([rng.uniform(0, 1, 20000), 10 ** rng.uniform(-300, 0, 20000),
                        np.linspace(9e-4, 1.1e-3, 2001), 10.0 ** -np.arange(1, 300)])  # fmt: skip
    out = mg.special.ndtri(mg.tensor(p)).numpy()
    np.testing.assert_allclose(out, torch.special.ndtri(torch.tensor(p)).numpy(), rtol=2e-15)


# 10b. getrf blocked (panels of 32 columns): lu_factor of large matrices as PyTorch's


@pytest.mark.parametrize("shape", [(100, 100), (2, 70, 70), (90, 40), (40, 90), (33, 33)])
def test_lu_factor_of_large_matrices(shape):
    a = np.random.default_rng(sum(shape)).standard_normal(shape)
    (am, at) = both(a)
    LUm, pm = mg.linalg.lu_factor(am)
    LUt, pt = torch.linalg.lu_factor(at)
    np.testing.assert_array_equal(pm.numpy(), pt.numpy())
    close(LUm, LUt, 1e-9)
    w = np.random.default_rng(1).standard_normal(shape)
    (LUm * mg.tensor(w)).sum().backward()
    (LUt * torch.tensor(w)).sum().backward()
    close(am.grad, at.grad, 1e-8)


# 8b. lstsq: B has A's number of dims (a batch of matrices) or one fewer (of vectors)


@pytest.mark.parametrize(
    "ashape, bshape",
    [((3, 3), (2, 3, 2)), ((2, 3, 3), (3,)), ((2, 3, 3), (3, 2)), ((2, 3, 3), (2, 3)),
     ((3, 3), (3,)), ((2, 2, 3, 3), (2, 3, 2)), ((2, 3, 3), (1, 3, 2)), ((4, 2), (4,))],
)  # fmt: skip
def test_lstsq_dims_of_b(ashape, bshape):
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(ashape) + np.eye(*ashape[-2:]), rng.standard_normal(bshape)
    try:
        expect = torch.linalg.lstsq(torch.tensor(a), torch.tensor(b)).solution
    except RuntimeError:
        with pytest.raises(RuntimeError):
            mg.linalg.lstsq(mg.tensor(a), mg.tensor(b))
        return
    close(mg.linalg.lstsq(mg.tensor(a), mg.tensor(b)).solution, expect, 1e-9)
