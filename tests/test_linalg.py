# ruff: noqa: E501 - the gradient checks are data, one per line
"""minigrad.linalg without PyTorch: every differentiable function's gradient against finite
differences (mg.gradcheck, float64), and the identities and definitions that each
function must satisfy (A A⁻¹ = I, det(AB) = det A det B, Q R = A, P L U = A, the
Moore-Penrose conditions, norms from their definitions as plain loops, ...)."""

import itertools
import math
import warnings

import numpy as np
import pytest

import minigrad as mg

L = mg.linalg


def _g(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def _w(*shape, seed=0):
    """Well conditioned: normal plus 3 I."""
    return _g(*shape, seed=seed) + 3 * np.eye(shape[-1])


def _spd(*shape, seed=0):
    a = _g(*shape, seed=seed)
    return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])


def _tri(*shape, seed=0):
    """A large diagonal, for triangular solves."""
    return _g(*shape, seed=seed) + 4 * np.eye(shape[-1])


def _t(a, grad=True):
    return mg.tensor(a, dtype=mg.float64, requires_grad=grad)


def _sym(X):
    """X + Xᵀ: so that a function reading one triangle sees every perturbed entry."""
    return X + X.mT


# (id, function of the inputs, input arrays)
GRADCHECKS = [
    *[
        (f"vector_norm-{o}", lambda x, o=o: L.vector_norm(x, o, dim=-1), [_g(3, 4)])
        for o in (2, 1, 3, 0.5, -1.5, math.inf, -math.inf)
    ],
    ("vector_norm-dims", lambda x: L.vector_norm(x, 2.5, dim=(0, 2), keepdim=True), [_g(2, 3, 4)]),
    *[
        (f"matrix_norm-{o}", lambda A, o=o: L.matrix_norm(A, o), [_g(2, 4, 3)])
        for o in ("fro", "nuc", 2, -2, 1, -1, math.inf, -math.inf)
    ],
    ("norm-vector", lambda x: L.norm(x, 3), [_g(5)]),
    ("norm-matrix", lambda A: L.norm(A, "nuc"), [_g(3, 4)]),
    ("det", L.det, [_g(2, 3, 3)]),
    ("det-1x1", L.det, [_g(1, 1)]),
    ("slogdet", lambda A: L.slogdet(A).logabsdet, [_g(2, 3, 3)]),
    ("logdet", mg.logdet, [_spd(3, 3)]),
    ("inv", L.inv, [_w(2, 3, 3)]),
    ("solve", L.solve, [_w(2, 3, 3), _g(2, 3, 2)]),
    ("solve-broadcast", L.solve, [_w(2, 1, 3, 3), _g(4, 3, 2)]),
    ("solve-vector", L.solve, [_w(2, 3, 3), _g(2, 3)]),
    ("solve-left-False", lambda A, B: L.solve(A, B, left=False), [_w(3, 3), _g(2, 3)]),
    ("cholesky", lambda X: L.cholesky(_sym(X) + 6 * mg.eye(3, dtype=mg.float64)), [_g(2, 3, 3)]),
    (
        "cholesky-upper",
        lambda X: L.cholesky(_sym(X) + 6 * mg.eye(3, dtype=mg.float64), upper=True),
        [_g(3, 3)],
    ),
    (
        "solve_triangular-upper",
        lambda A, B: L.solve_triangular(A, B, upper=True),
        [_tri(3, 3), _g(3, 2)],
    ),
    (
        "solve_triangular-lower-unit",
        lambda A, B: L.solve_triangular(A, B, upper=False, unitriangular=True),
        [_g(2, 3, 3), _g(2, 3, 2)],
    ),
    (
        "solve_triangular-right",
        lambda A, B: L.solve_triangular(A, B, upper=False, left=False),
        [_tri(3, 3), _g(4, 3)],
    ),
    (
        "triangular_solve",
        lambda A, B: mg.triangular_solve(B, A, transpose=True).solution,
        [_tri(3, 3), _g(3, 2)],
    ),
    ("cholesky_solve", lambda F, B: mg.cholesky_solve(B, F.tril()), [_tri(3, 3), _g(3, 2)]),
    (
        "cholesky_solve-upper",
        lambda F, B: mg.cholesky_solve(B, F.triu(), upper=True),
        [_tri(2, 3, 3), _g(2, 3, 2)],
    ),
    ("cholesky_inverse", lambda F: mg.cholesky_inverse(F.tril()), [_tri(3, 3)]),
    ("qr-tall", lambda A: L.qr(A), [_g(5, 3)]),
    ("qr-square", lambda A: L.qr(A), [_g(2, 3, 3)]),
    ("qr-wide", lambda A: L.qr(A), [_g(3, 5)]),
    ("qr-complete-wide", lambda A: L.qr(A, mode="complete"), [_g(3, 5)]),
    (
        "eigh",
        lambda X: (lambda r: (r.eigenvalues, r.eigenvectors.abs()))(L.eigh(_sym(X))),
        [_g(2, 3, 3)],
    ),
    ("eigvalsh", lambda X: L.eigvalsh(_sym(X), UPLO="U"), [_g(4, 4)]),
    (
        "svd",
        lambda A: (lambda r: (r.U.abs(), r.S, r.Vh.abs()))(L.svd(A, full_matrices=False)),
        [_g(2, 4, 3)],
    ),
    (
        "svd-wide",
        lambda A: (lambda r: (r.U.abs(), r.S, r.Vh.abs()))(L.svd(A, full_matrices=False)),
        [_g(3, 5)],
    ),
    ("svd-full", lambda A: (lambda r: (r.U[:, :3].abs(), r.S))(L.svd(A)), [_g(5, 3)]),
    ("svdvals", L.svdvals, [_g(2, 3, 4)]),
    ("pinv-tall", L.pinv, [_g(5, 3)]),
    ("pinv-wide", L.pinv, [_g(2, 3, 4)]),
    ("pinv-hermitian", lambda X: L.pinv(_sym(X), hermitian=True), [_g(3, 3)]),
    ("lstsq", lambda A, B: L.lstsq(A, B).solution, [_g(5, 3), _g(5, 2)]),
    ("lu_factor", lambda A: L.lu_factor(A).LU, [_g(2, 4, 4)]),
    ("lu", lambda A: L.lu(A)[1:], [_g(3, 3)]),
    ("lu-wide", lambda A: L.lu(A)[1:], [_g(2, 3, 5)]),
    ("lu-tall", lambda A: L.lu(A)[1:], [_g(5, 3)]),
    ("lu_factor-tall", lambda A: L.lu_factor(A).LU, [_g(4, 2)]),
    (
        "lu_solve",
        lambda LU, B: L.lu_solve(LU, mg.tensor([2, 3, 3], dtype=mg.int32), B),
        [_w(3, 3), _g(3, 2)],
    ),
    (
        "lu_solve-adjoint",
        lambda LU, B: L.lu_solve(LU, mg.tensor([3, 2, 3], dtype=mg.int32), B, adjoint=True),
        [_w(3, 3), _g(3, 2)],
    ),
    ("householder_product", L.householder_product, [_g(2, 5, 3), _g(2, 3)]),
    ("ormqr", lambda A, t, C: mg.ormqr(A, t, C, transpose=True), [_g(4, 3), _g(3), _g(4, 2)]),
    ("ormqr-right", lambda A, t, C: mg.ormqr(A, t, C, left=False), [_g(4, 3), _g(3), _g(2, 4)]),
    ("matrix_exp", L.matrix_exp, [_g(2, 3, 3)]),
    ("matrix_exp-large", lambda A: L.matrix_exp(3 * A), [_g(3, 3)]),
    ("matrix_power-5", lambda A: L.matrix_power(A, 5), [_g(3, 3)]),
    ("matrix_power--2", lambda A: L.matrix_power(A, -2), [_w(2, 3, 3)]),
    ("cond", L.cond, [_w(3, 3)]),
    ("cond-fro", lambda A: L.cond(A, "fro"), [_w(3, 3)]),
    ("vander", lambda x: L.vander(x, N=4), [_g(2, 3)]),
    ("tensorinv", lambda A: L.tensorinv(A.reshape(2, 3, 6)), [_w(6, 6)]),
    ("tensorsolve", lambda A, B: L.tensorsolve(A.reshape(2, 3, 6), B), [_w(6, 6), _g(2, 3)]),
    ("multi_dot", lambda a, B, C: L.multi_dot([a, B, C]), [_g(3), _g(3, 4), _g(4, 2)]),
    ("vecdot", lambda x, y: L.vecdot(x, y, dim=0), [_g(3, 2), _g(3, 1)]),
]


@pytest.mark.parametrize("fn, inputs", [c[1:] for c in GRADCHECKS], ids=[c[0] for c in GRADCHECKS])
def test_gradients_match_finite_differences(fn, inputs):
    assert mg.gradcheck(fn, [_t(a) for a in inputs])


def test_gradcheck_catches_a_gradient_the_function_does_not_have():
    """The check above can fail: eigvalsh reads only A's lower triangle, but its gradient is
    PyTorch's symmetric one, so without ``_sym`` the upper entries disagree."""
    with pytest.raises(mg.GradcheckError):
        mg.gradcheck(L.eigvalsh, [_t(_g(3, 3))])
    assert mg.gradcheck(lambda X: L.eigvalsh(_sym(X)), [_t(_g(3, 3))])


# ---- identities and definitions -----------------------------------------------------------


def _close(a, b, tol=1e-10):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


def _leibniz(M):
    """det M = Σ_σ sgn(σ) Π_i M[i, σ(i)], by plain loops."""
    n = len(M)
    total = 0.0
    for perm in itertools.permutations(range(n)):
        inversions = sum(perm[i] > perm[j] for i in range(n) for j in range(i + 1, n))
        term = (-1.0) ** inversions
        for i in range(n):
            term *= M[i][perm[i]]
        total += term
    return total


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_det_is_the_leibniz_formula(n):
    A = _g(2, n, n, seed=n)
    _close(L.det(_t(A, False)).numpy(), [_leibniz(M.tolist()) for M in A])


def test_det_is_multiplicative_and_slogdet_agrees():
    A, B = _t(_g(2, 4, 4, seed=1), False), _t(_g(2, 4, 4, seed=2), False)
    _close(L.det(A @ B).numpy(), (L.det(A) * L.det(B)).numpy())
    sign, logabs = L.slogdet(A)
    _close((sign * logabs.exp()).numpy(), L.det(A).numpy())
    assert L.slogdet(mg.zeros(3, 3)).logabsdet.item() == -math.inf


def test_det_gradient_is_det_times_inverse_transpose():
    A = _t(_w(3, 3))
    L.det(A).backward()
    _close(A.grad.numpy(), (L.det(A) * L.inv(A).mT).detach().numpy())


def test_det_gradient_of_a_singular_matrix_is_its_cofactor_matrix():
    A = _t(np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]]))
    L.det(A).backward()
    M = A.detach().numpy()
    cof = [[(-1) ** (i + j) * _leibniz(np.delete(np.delete(M, i, 0), j, 1).tolist()) for j in range(3)] for i in range(3)]  # fmt: skip
    _close(A.grad.numpy(), cof)


def test_inverse_and_solve():
    A, B = _t(_w(2, 3, 3), False), _t(_g(2, 3, 4), False)
    eye = np.broadcast_to(np.eye(3), (2, 3, 3))
    _close((A @ L.inv(A)).numpy(), eye)
    _close((A @ L.solve(A, B)).numpy(), B.numpy())
    _close((L.solve(A, B.mT, left=False) @ A).numpy(), B.mT.numpy())
    _close(L.tensorinv(A[0].reshape(3, 1, 3), ind=2).reshape(3, 3).numpy(), L.inv(A[0]).numpy())
    x = L.solve(A, B[..., 0])
    assert x.shape == (2, 3)
    _close((A @ x.unsqueeze(-1)).squeeze(-1).numpy(), B[..., 0].numpy())


def test_singular_and_non_positive_definite_inputs_raise_linalg_error():
    with pytest.raises(L.LinAlgError, match="linalg.inv.*Batch element 1"):
        L.inv(mg.tensor(np.stack([np.eye(2), np.zeros((2, 2))])))
    with pytest.raises(L.LinAlgError, match="linalg.solve"):
        L.solve(mg.zeros(2, 2), mg.ones(2))
    with pytest.raises(L.LinAlgError, match="leading minor of order 2"):
        L.cholesky(mg.tensor([[1.0, 2.0], [2.0, 1.0]]))
    inverse, info = L.inv_ex(mg.tensor(np.stack([np.eye(2), np.zeros((2, 2))])))
    assert info.tolist() == [0, 1] and inverse[0].tolist() == [[1, 0], [0, 1]]
    assert L.cholesky_ex(mg.tensor([[1.0, 2.0], [2.0, 1.0]])).info.item() == 2
    assert issubclass(L.LinAlgError, RuntimeError)


def test_cholesky_factors():
    A = _t(_spd(2, 4, 4), False)
    Lo = L.cholesky(A)
    _close((Lo @ Lo.mT).numpy(), A.numpy())
    assert np.all(np.triu(Lo.numpy(), 1) == 0) and np.all(np.diagonal(Lo.numpy(), 0, 1, 2) > 0)
    U = L.cholesky(A, upper=True)
    _close((U.mT @ U).numpy(), A.numpy())
    B = _t(_g(2, 4, 3), False)
    _close(mg.cholesky_solve(B, Lo).numpy(), L.solve(A, B).numpy())
    _close(mg.cholesky_solve(B, U, upper=True).numpy(), L.solve(A, B).numpy())
    _close(mg.cholesky_inverse(Lo).numpy(), L.inv(A).numpy())
    # only the lower triangle is read
    _close(L.cholesky(A + A.triu(1)).numpy(), Lo.numpy())


def _back_substitute(T, b, upper, unit):
    """Solve T x = b for one triangular T and vector b, by plain loops."""
    n = len(b)
    x = [0.0] * n
    for i in reversed(range(n)) if upper else range(n):
        js = range(i + 1, n) if upper else range(i)
        s = b[i] - sum(T[i][j] * x[j] for j in js)
        x[i] = s if unit else s / T[i][i]
    return x


@pytest.mark.parametrize(
    "upper, unit", [(True, False), (False, False), (True, True), (False, True)]
)
def test_solve_triangular_is_substitution(upper, unit):
    A, B = _g(4, 4, seed=3) + 2 * np.eye(4), _g(4, 2, seed=4)
    X = L.solve_triangular(_t(A, False), _t(B, False), upper=upper, unitriangular=unit).numpy()
    for k in range(2):
        _close(X[:, k], _back_substitute(A.tolist(), B[:, k].tolist(), upper, unit))


def test_solve_triangular_gives_inf_for_a_zero_diagonal_as_lapack():
    X = L.solve_triangular(mg.zeros(2, 2), mg.ones(2, 1), upper=True)
    assert np.isinf(X.numpy()[1, 0])


def test_qr_factors():
    for shape in [(5, 3), (3, 3), (2, 3, 5)]:
        A = _t(_g(*shape, seed=5), False)
        Q, R = L.qr(A)
        k = min(shape[-2:])
        _close((Q @ R).numpy(), A.numpy())
        _close((Q.mT @ Q).numpy(), np.broadcast_to(np.eye(k), Q.shape[:-2] + (k, k)))
        assert np.all(np.tril(R.numpy(), -1) == 0)
        Qc, Rc = L.qr(A, mode="complete")
        assert Qc.shape[-1] == shape[-2]
        _close((Qc @ Rc).numpy(), A.numpy())
        _close(L.qr(A, mode="r").R.numpy(), R.numpy())
    with pytest.raises(RuntimeError, match="mode='r'"):
        L.qr(_t(_g(3, 2)), mode="r").R.sum().backward()


def test_eigh_and_svd_factors():
    A = _t(_spd(2, 4, 4), False)
    lam, V = L.eigh(A)
    _close((V @ mg.diag_embed(lam) @ V.mT).numpy(), A.numpy())
    assert np.all(np.diff(lam.numpy(), axis=-1) > 0)
    _close(L.eigvalsh(A).numpy(), lam.numpy())
    G = _t(_g(2, 5, 3, seed=6), False)
    U, S, Vh = L.svd(G, full_matrices=False)
    _close((U @ mg.diag_embed(S) @ Vh).numpy(), G.numpy())
    assert np.all(np.diff(S.numpy(), axis=-1) < 0)
    _close(L.svdvals(G).numpy(), np.sqrt(L.eigvalsh(G.mT @ G).numpy()[..., ::-1]))
    Uf, _, Vhf = L.svd(G)
    _close((Uf.mT @ Uf).numpy(), np.broadcast_to(np.eye(5), (2, 5, 5)))
    U2, S2, V2 = mg.svd(G)
    _close((U2 @ mg.diag_embed(S2) @ V2.mT).numpy(), G.numpy())


def test_eigh_gradient_of_repeated_eigenvalues_is_not_finite_as_pytorch():
    A = _t(np.diag([2.0, 2.0, 1.0]))
    L.eigh(A).eigenvectors.sum().backward()
    assert not np.all(np.isfinite(A.grad.numpy()))


def test_svd_gradient_of_repeated_singular_values_is_not_finite_as_pytorch():
    A = _t(np.diag([2.0, 2.0, 1.0]))
    U, S, Vh = L.svd(A)
    (U.sum() + Vh.sum()).backward()
    assert not np.all(np.isfinite(A.grad.numpy()))


@pytest.mark.parametrize("shape, hermitian", [((5, 3), False), ((3, 5), False), ((4, 4), True)])
def test_pinv_satisfies_the_moore_penrose_conditions(shape, hermitian):
    A = _g(*shape, seed=7)
    A = A + A.T if hermitian else A
    A = _t(A, False)
    P = L.pinv(A, hermitian=hermitian)
    _close((A @ P @ A).numpy(), A.numpy())
    _close((P @ A @ P).numpy(), P.numpy())
    _close((A @ P).mT.numpy(), (A @ P).numpy())
    _close((P @ A).mT.numpy(), (P @ A).numpy())
    _close(mg.pinverse(A).numpy(), P.numpy())


def test_pinv_and_matrix_rank_drop_small_singular_values():
    A = _t(np.diag([3.0, 1.0, 1e-3]), False)
    _close(L.pinv(A, atol=0.01).numpy(), np.diag([1 / 3, 1.0, 0.0]))
    _close(L.pinv(A, rtol=0.5).numpy(), np.diag([1 / 3, 0.0, 0.0]))
    assert L.matrix_rank(A).item() == 3
    assert L.matrix_rank(A, atol=0.01).item() == 2
    assert L.matrix_rank(A, rtol=0.5).item() == 1
    rank2 = _t(_g(5, 2, seed=8) @ _g(2, 4, seed=9), False)
    assert L.matrix_rank(rank2).item() == 2 and L.matrix_rank(rank2).dtype == mg.int64


def test_lstsq_solves_the_normal_equations():
    A, B = _t(_g(2, 6, 3, seed=10), False), _t(_g(2, 6, 2, seed=11), False)
    sol, residuals, rank, sv = L.lstsq(A, B)
    _close((A.mT @ (A @ sol - B)).numpy(), np.zeros((2, 3, 2)))
    assert rank.tolist() == [3, 3] and residuals.shape == (0,) and sv.shape == (0,)


def _plain_lu(M):
    """Doolittle with partial pivoting (the first largest |pivot|), by plain loops."""
    M = [row[:] for row in M]
    n = len(M)
    piv = []
    for j in range(n):
        p = max(range(j, n), key=lambda i: (abs(M[i][j]), -i))
        piv.append(p + 1)
        M[j], M[p] = M[p], M[j]
        for i in range(j + 1, n):
            M[i][j] /= M[j][j]
            for k in range(j + 1, n):
                M[i][k] -= M[i][j] * M[j][k]
    return M, piv


def test_lu_factor_is_partial_pivoting_and_lu_unpacks_it():
    A = _g(2, 4, 4, seed=12)
    LU, piv = L.lu_factor(_t(A, False))
    for b in range(2):
        M, p = _plain_lu(A[b].tolist())
        _close(LU[b].numpy(), M)
        assert piv[b].tolist() == p
    assert piv.dtype == mg.int32
    P, Lo, U = L.lu(_t(A, False))
    _close((P @ Lo @ U).numpy(), A)
    assert np.all(np.abs(Lo.numpy()) <= 1) and np.all(np.diagonal(Lo.numpy(), 0, 1, 2) == 1)
    assert sorted(P.numpy().sum(-1).ravel()) == [1.0] * 8
    for shape in [(3, 5), (5, 3)]:
        W = _g(*shape, seed=13)
        P, Lo, U = L.lu(_t(W, False))
        _close((P @ Lo @ U).numpy(), W)


def test_lu_solve_solves():
    A, B = _t(_w(2, 3, 3, seed=14), False), _t(_g(2, 3, 2, seed=15), False)
    LU, piv = L.lu_factor(A)
    _close(L.lu_solve(LU, piv, B).numpy(), L.solve(A, B).numpy())
    _close(L.lu_solve(LU, piv, B, adjoint=True).numpy(), L.solve(A.mT, B).numpy())
    _close(L.lu_solve(LU, piv, B.mT, left=False).numpy(), L.solve(A, B.mT, left=False).numpy())
    _close(mg.lu_solve(B, LU, piv).numpy(), L.solve(A, B).numpy())


def _taylor_exp(M, terms=40):
    n = len(M)
    out = [[float(i == j) for j in range(n)] for i in range(n)]
    term = [row[:] for row in out]
    for k in range(1, terms):
        term = [[sum(term[i][m] * M[m][j] for m in range(n)) / k for j in range(n)] for i in range(n)]  # fmt: skip
        out = [[out[i][j] + term[i][j] for j in range(n)] for i in range(n)]
    return out


def test_matrix_exp_is_its_series():
    A = _g(3, 3, seed=16) * 0.7
    _close(L.matrix_exp(_t(A, False)).numpy(), _taylor_exp(A.tolist()))
    big = _t(_g(3, 3, seed=17) * 3, False)
    _close((L.matrix_exp(big) @ L.matrix_exp(-big)).numpy(), np.eye(3), 1e-8)
    _close(L.matrix_exp(_t(np.diag([1.0, -2.0, 0.5]), False)).numpy(), np.diag(np.exp([1.0, -2.0, 0.5])))  # fmt: skip


def test_matrix_power_is_repeated_products():
    A = _t(_w(2, 3, 3, seed=18), False)
    prod = A
    for n in range(2, 7):
        prod = prod @ A
        _close(L.matrix_power(A, n).numpy(), prod.numpy())
    _close(L.matrix_power(A, -3).numpy(), L.inv(L.matrix_power(A, 3)).numpy())
    _close(L.matrix_power(A, 0).numpy(), np.broadcast_to(np.eye(3), (2, 3, 3)))
    _close(mg.chain_matmul(A[0], A[1], A[0]).numpy(), (A[0] @ A[1] @ A[0]).numpy())


@pytest.mark.parametrize("ord", [2, 1, 3, 0.5, 0, -1, math.inf, -math.inf])
def test_vector_norm_is_its_definition(ord):
    x = _g(3, 4, seed=19)
    x[0, 1] = 0.0
    got = L.vector_norm(_t(x, False), ord, dim=1).numpy()
    for i, row in enumerate(x.tolist()):
        a = [abs(v) for v in row]
        if ord == 0:
            want = sum(v != 0 for v in a)
        elif ord == math.inf:
            want = max(a)
        elif ord == -math.inf:
            want = min(a)
        else:
            want = sum(v**ord for v in a if v or ord > 0) ** (1 / ord) if all(a) or ord > 0 else 0.0
        _close(got[i], want)


def test_matrix_norms_are_their_definitions():
    A = _g(4, 3, seed=20)
    M = _t(A, False)
    cols = [sum(abs(A[i][j]) for i in range(4)) for j in range(3)]
    rows = [sum(abs(A[i][j]) for j in range(3)) for i in range(4)]
    s = np.linalg.svd(A, compute_uv=False)
    want = {"fro": math.sqrt(sum(v * v for v in A.ravel())), "nuc": s.sum(), 2: s[0], -2: s[-1],
            1: max(cols), -1: min(cols), math.inf: max(rows), -math.inf: min(rows)}  # fmt: skip
    for o, w in want.items():
        _close(L.matrix_norm(M, o).numpy(), w)
        _close(L.norm(M, o).numpy(), w)
    _close(L.norm(M).numpy(), want["fro"])
    _close(L.cond(_t(A[:3], False), 1).numpy(), L.matrix_norm(_t(A[:3], False), 1).numpy() * L.matrix_norm(L.inv(_t(A[:3], False)), 1).numpy())  # fmt: skip


def test_vector_norm_gradient_at_zero_is_zero_as_pytorch():
    x = mg.zeros(3, dtype=mg.float64, requires_grad=True)
    L.vector_norm(x).backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]


def test_vander_and_products():
    x = _g(2, 3, seed=21)
    V = L.vander(_t(x, False), N=4).numpy()
    _close(V, [[[v**k for k in range(4)] for v in row] for row in x.tolist()])
    a, B, c = _t(_g(3), False), _t(_g(3, 4), False), _t(_g(4), False)
    _close(L.multi_dot([a, B, c]).numpy(), float(a.numpy() @ B.numpy() @ c.numpy()))
    _close(L.vecdot(B, B).numpy(), (B.numpy() ** 2).sum(-1))
    _close(L.diagonal(_t(_g(2, 3, 3), False), offset=1).numpy(), np.diagonal(_g(2, 3, 3), 1, -2, -1))  # fmt: skip


def test_tensorsolve_inverts_tensordot():
    A, B = _t(_w(6, 6, seed=22).reshape(2, 3, 2, 3), False), _t(_g(2, 3, seed=23), False)
    X = L.tensorsolve(A, B)
    _close(mg.tensordot(A, X, 2).numpy(), B.numpy())
    Ainv = L.tensorinv(A)
    _close(mg.tensordot(Ainv, A, 2).numpy(), np.eye(6).reshape(2, 3, 2, 3))


def test_eig_needs_complex_numbers():
    with pytest.raises(NotImplementedError, match="linalg.eig"):
        L.eig(mg.eye(2))
    with pytest.raises(NotImplementedError, match="linalg.eigvals"):
        L.eigvals(mg.eye(2))


def test_dtypes_and_tensor_methods():
    A = mg.tensor(_spd(3, 3), dtype=mg.float32)
    for out in [L.det(A), L.inv(A), L.cholesky(A), L.qr(A).Q, L.svd(A).S, L.matrix_exp(A), L.vector_norm(A)]:  # fmt: skip
        assert out.dtype == mg.float32
    assert L.vector_norm(A, dtype=mg.float64).dtype == mg.float64
    with pytest.raises(RuntimeError, match="Long"):
        L.det(mg.ones(2, 2, dtype=mg.int64))
    A64 = _t(_spd(3, 3), False)
    _close(A64.det().numpy(), L.det(A64).numpy())
    _close(A64.inverse().numpy(), L.inv(A64).numpy())
    _close(A64.logdet().numpy(), math.log(L.det(A64).item()))
    _close(A64.cholesky().numpy(), L.cholesky(A64).numpy())
    _close(A64.matrix_power(2).numpy(), (A64 @ A64).numpy())
    _close(A64.matrix_exp().numpy(), L.matrix_exp(A64).numpy())
    _close(A64.pinverse().numpy(), L.inv(A64).numpy())
    assert math.isnan(mg.logdet(-A64).item())


def test_householder_product_of_geqrf_is_qr_q():
    A = _t(_g(2, 5, 3, seed=24), False)
    a, tau = mg.geqrf(A)
    Q = L.householder_product(a, tau)
    _close(Q.numpy(), L.qr(A).Q.numpy())
    _close(np.triu(a.numpy())[..., :3, :], L.qr(A).R.numpy())
    Qc = L.qr(A, mode="complete").Q
    C = _t(_g(2, 5, 4, seed=25), False)
    for left, tr, want in [(True, False, Qc @ C), (True, True, Qc.mT @ C)]:
        _close(mg.ormqr(a, tau, C, left=left, transpose=tr).numpy(), want.numpy())
    _close(mg.ormqr(a, tau, C.mT, left=False).numpy(), (C.mT @ Qc).numpy())
    v = np.array([1.0, 2.0, -1.0])
    H = L.householder_product(
        _t(np.array([[9.0], [2.0], [-1.0]]), False), _t(np.array([0.5]), False)
    )
    _close(H.numpy()[:, 0], (np.eye(3) - 0.5 * np.outer(v, v))[:, 0])


@pytest.mark.parametrize(
    "fn",
    [
        lambda A, B: L.solve(A, B),
        lambda A, B: L.solve_triangular(A, B, upper=True),
        lambda A, B: mg.cholesky_solve(B, A),
        lambda A, B: L.inv(A),
        lambda A, B: L.cholesky(A @ A.mT),
        lambda A, B: L.qr(A).R,
        lambda A, B: L.eigh(A @ A.mT).eigenvectors,
        lambda A, B: L.svd(A).S,
        lambda A, B: L.svdvals(A),
        lambda A, B: L.slogdet(A).sign,
    ],
)
def test_changing_an_output_in_place_before_backward_raises(fn):
    """The VJPs read the output: an in-place change of it must not give a wrong gradient."""
    A, B = _t(_tri(3, 3)), _t(_g(3, 2))
    out = fn(A, B)
    with mg.no_grad():
        out.mul_(2)
    with pytest.raises(RuntimeError):
        out.sum().backward()


def test_slogdets_logabsdet_is_not_read_by_backward():
    """Its gradient is g A⁻ᵀ, from A alone (PyTorch keeps A, the sign and A's LU): changing
    the output in place changes nothing in backward, as in PyTorch."""
    A = _t(_tri(3, 3))
    out = L.slogdet(A).logabsdet
    with mg.no_grad():
        out.mul_(2)
    out.backward()
    _close(A.grad.numpy(), np.linalg.inv(A.detach().numpy()).T)


def test_results_of_single_matrices_are_0d_arrays():
    """NumPy reduces a single matrix to a scalar; a Tensor holds a 0-d array."""
    A = mg.tensor(_spd(3, 3))
    outs = [L.matrix_rank(A), L.det(A), *L.slogdet(A), mg.logdet(A), L.cond(A, 1), L.inv_ex(A).info,
            L.cholesky_ex(A).info, L.lu_factor_ex(A).info, L.lstsq(A, A).rank, L.vector_norm(A)]  # fmt: skip
    for out in outs:
        assert type(out.data) is np.ndarray and out.shape == ()


@pytest.mark.parametrize(
    "call",
    ["mg.cholesky(S)", "S.qr()", "mg.chain_matmul(S, S)", "mg.triangular_solve(S, S)",
     "mg.lu_solve(S, *L.lu_factor(S))", "S.lu()"],
)  # fmt: skip
def test_deprecated_torch_functions_warn_once_as_pytorch(call):
    env = dict(mg=mg, L=L, S=mg.tensor(_spd(3, 3)))
    with pytest.warns(UserWarning, match="deprecated in favor of"):
        eval(call, env)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        eval(call, env)
    for quiet in ["mg.det(S)", "mg.svd(S)", "mg.lu_unpack(*L.lu_factor(S))"]:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            eval(quiet, env)
