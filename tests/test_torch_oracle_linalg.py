# ruff: noqa: E501 - the cases are data, one per line
"""minigrad.linalg (and the torch.* / Tensor forms) against PyTorch, case by case.

Each case is an expression over the module ``M`` (``L`` is ``M.linalg``) and named random
inputs of a kind: ``G`` normal, ``W`` well conditioned (G + 3 I), ``S`` symmetric positive
definite (G Gᵀ + n I), ``T`` with a large diagonal (for triangular solves). Both frameworks
get the same arrays (``D`` and ``E`` have well separated singular values and
eigenvalues, 1, 2, 3, ..., so that their vectors' gradients are well conditioned); their results must agree in dtype and value (float64 to 1e-10, float32
to rtol 1e-5), and so must the gradients of Σ w · out for fixed random weights w. Where a
factorization's vectors are defined only up to sign (eigh, svd: PyTorch's MKL and NumPy's
OpenBLAS may choose differently), the expression takes ``abs`` of them, which is
sign-invariant and has a sign-covariant gradient.
"""

import math
import zlib

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()


def _array(kind, shape, rng):
    a = rng.standard_normal(shape)
    n = shape[-1]
    if kind == "W":
        a = a + 3 * np.eye(n)
    elif kind == "S":
        a = a @ np.swapaxes(a, -1, -2) + n * np.eye(n)
    elif kind == "T":
        a = a + 4 * np.sign(np.diagonal(a, 0, -2, -1))[..., None] * np.eye(n)
    elif kind == "P":  # positive entries away from zero (norms with fractional orders)
        a = np.abs(a) + 0.5
    elif kind in "DE":  # singular values (D) or eigenvalues (E, symmetric) 1, 2, 3, ...
        m = shape[-2]
        k = min(m, n)
        U = np.linalg.qr(rng.standard_normal(shape[:-2] + (m, m)))[0][..., :k]
        V = U if kind == "E" else np.linalg.qr(rng.standard_normal(shape[:-2] + (n, n)))[0][..., :k]
        a = (U * np.arange(1.0, k + 1)) @ np.swapaxes(V, -1, -2)
    return a


# (expression, {name: (kind, shape)})
CASES = [
    # vector and matrix norms
    *[
        (f"L.vector_norm(x, {o})", {"x": ("G", (3, 4))})
        for o in (2, 1, 3, 0.5, 0, "float('inf')", "-float('inf')", -1.5)
    ],
    *[
        (f"L.vector_norm(x, {o}, dim=1, keepdim=True)", {"x": ("G", (2, 3, 4))})
        for o in (2, 1, 3.5, "float('inf')")
    ],
    ("L.vector_norm(x, 2, dim=(0, 2))", {"x": ("G", (2, 3, 4))}),
    ("L.vector_norm(x, -2, dim=-1)", {"x": ("P", (3, 4))}),
    ("L.vector_norm(x, 0.5, dim=(-1, 0))", {"x": ("P", (3, 4))}),
    ("L.vector_norm(x, dtype=M.float64)", {"x": ("G", (5,))}),
    ("L.vector_norm(x, dim=())", {"x": ("G", (2, 3))}),
    ("L.vector_norm(x[0, 0], dim=0)", {"x": ("G", (2, 3))}),
    ("L.vector_norm(x[0, 0], 3, dim=(-1,), keepdim=True)", {"x": ("G", (2, 3))}),
    ("L.vector_norm(x, ord=True)", {"x": ("G", (2, 3))}),
    *[
        (f"L.matrix_norm(A, {o!r})", {"A": ("G", (2, 5, 3))})
        for o in ("fro", "nuc", 2, -2, 1, -1, float("inf"), -float("inf"))
    ],
    *[
        (f"L.matrix_norm(A, {o!r}, dim=(0, 2), keepdim=True)", {"A": ("G", (4, 2, 3))})
        for o in ("fro", "nuc", 2, 1, -float("inf"))
    ],
    *[(f"L.norm(x, {o!r})", {"x": ("G", (4,))}) for o in (None, 1, 3, float("inf"))],
    *[
        (f"L.norm(A, {o!r})", {"A": ("G", (3, 4))})
        for o in (None, "fro", "nuc", 2, -1, float("inf"))
    ],
    ("L.norm(A, dim=1)", {"A": ("G", (2, 3, 4))}),
    ("L.norm(A, 3, dim=(2,), keepdim=True)", {"A": ("G", (2, 3, 4))}),
    ("L.norm(A, 'nuc', dim=(0, 1))", {"A": ("G", (3, 4, 2))}),
    ("L.norm(A)", {"A": ("G", (2, 3, 4))}),
    # determinants, inverses, solvers
    ("L.det(A)", {"A": ("G", (4, 4))}),
    ("L.det(A)", {"A": ("G", (2, 3, 3, 3))}),
    ("M.det(A)", {"A": ("G", (1, 1))}),
    ("L.det(A * M.tensor([1.0, 1.0, 0.0], dtype=A.dtype))", {"A": ("G", (2, 3, 3))}),
    ("L.det(M.stack([A[0], A[0], A[1]]))", {"A": ("G", (2, 3))}),
    ("A.det()", {"A": ("G", (2, 2, 2))}),
    ("L.slogdet(A)", {"A": ("G", (3, 4, 4))}),
    ("M.slogdet(A)", {"A": ("W", (3, 3))}),
    ("M.logdet(A)", {"A": ("S", (2, 3, 3))}),
    ("L.slogdet(A * M.tensor([1.0, 1.0, 0.0], dtype=A.dtype))", {"A": ("G", (3, 3))}),
    ("L.slogdet(A[..., :1].expand(2, 2))", {"A": ("G", (2, 2))}),
    ("L.slogdet(A[..., :1].expand(2, 3, 3))", {"A": ("G", (2, 3, 3))}),
    ("A.logdet()", {"A": ("S", (3, 3))}),
    ("L.inv(A)", {"A": ("W", (4, 4))}),
    ("L.inv(A)", {"A": ("W", (2, 3, 3))}),
    ("L.inv_ex(A)", {"A": ("W", (2, 3, 3))}),
    ("M.inverse(A)", {"A": ("W", (3, 3))}),
    ("A.inverse()", {"A": ("W", (2, 3, 3))}),
    ("L.solve(A, B)", {"A": ("W", (3, 3)), "B": ("G", (3, 2))}),
    ("L.solve(A, B)", {"A": ("W", (2, 3, 3)), "B": ("G", (2, 3, 4))}),
    ("L.solve(A, B)", {"A": ("W", (2, 1, 3, 3)), "B": ("G", (4, 3, 2))}),
    ("L.solve(A, B)", {"A": ("W", (3, 3)), "B": ("G", (2, 3, 2))}),
    ("L.solve(A, B)", {"A": ("W", (3, 3)), "B": ("G", (3,))}),
    ("L.solve(A, B)", {"A": ("W", (2, 3, 3)), "B": ("G", (2, 3))}),
    ("L.solve(A, B)", {"A": ("W", (2, 3, 3)), "B": ("G", (3,))}),
    ("L.solve(A, B)", {"A": ("W", (2, 3, 3)), "B": ("G", (3, 3))}),
    ("L.solve(A, B, left=False)", {"A": ("W", (3, 3)), "B": ("G", (2, 3))}),
    ("L.solve(A, B, left=False)", {"A": ("W", (2, 3, 3)), "B": ("G", (2, 4, 3))}),
    ("L.solve_ex(A, B)", {"A": ("W", (2, 3, 3)), "B": ("G", (2, 3, 1))}),
    ("L.solve_ex(A, B)", {"A": ("W", (2, 1, 3, 3)), "B": ("G", (4, 3, 1))}),
    # singular: PyTorch's values are LAPACK getrs' inf / nan, and so are ours
    ("tuple(t.detach() for t in L.inv_ex(A * 0))", {"A": ("G", (2, 3, 3))}),
    (
        "tuple(t.detach() for t in L.solve_ex(A * 0, B))",
        {"A": ("G", (3, 3)), "B": ("G", (2, 3, 2))},
    ),
    ("tuple(t.detach() for t in L.inv_ex(M.stack([A[0], 2 * A[0], A[1]])))", {"A": ("G", (2, 3))}),
    (
        "L.solve_ex(M.stack([A[0], 2 * A[0], A[1]]), B).result.detach()",
        {"A": ("G", (2, 3)), "B": ("G", (3, 1))},
    ),
    ("L.cholesky(A)", {"A": ("S", (4, 4))}),
    ("L.cholesky(A)", {"A": ("S", (2, 3, 3))}),
    ("L.cholesky(A + A.triu(1))", {"A": ("S", (3, 3))}),
    ("L.cholesky(A, upper=True)", {"A": ("S", (2, 3, 3))}),
    ("L.cholesky(A + A.tril(-1), upper=True)", {"A": ("S", (3, 3))}),
    ("L.cholesky_ex(A)", {"A": ("S", (3, 3))}),
    ("M.cholesky(A)", {"A": ("S", (3, 3))}),
    ("A.cholesky(upper=True)", {"A": ("S", (3, 3))}),
    ("L.solve_triangular(A, B, upper=True)", {"A": ("T", (4, 4)), "B": ("G", (4, 2))}),
    ("L.solve_triangular(A, B, upper=False)", {"A": ("T", (2, 3, 3)), "B": ("G", (2, 3, 2))}),
    (
        "L.solve_triangular(A, B, upper=False, unitriangular=True)",
        {"A": ("T", (3, 3)), "B": ("G", (2, 3, 4))},
    ),
    ("L.solve_triangular(A, B, upper=True, left=False)", {"A": ("T", (3, 3)), "B": ("G", (2, 3))}),
    (
        "L.solve_triangular(A, B, upper=False, left=False, unitriangular=True)",
        {"A": ("T", (2, 3, 3)), "B": ("G", (2, 4, 3))},
    ),
    ("M.triangular_solve(B, A)", {"A": ("T", (3, 3)), "B": ("G", (3, 2))}),
    (
        "M.triangular_solve(B, A, upper=False, transpose=True)",
        {"A": ("T", (2, 3, 3)), "B": ("G", (2, 3, 2))},
    ),
    ("B.triangular_solve(A, unitriangular=True)", {"A": ("T", (3, 3)), "B": ("G", (3, 2))}),
    ("M.cholesky_solve(B, L.cholesky(A))", {"A": ("S", (3, 3)), "B": ("G", (3, 2))}),
    ("M.cholesky_solve(B, F)", {"F": ("T", (3, 3)), "B": ("G", (3, 2))}),
    ("M.cholesky_solve(B, F.tril())", {"F": ("T", (2, 3, 3)), "B": ("G", (2, 3, 2))}),
    ("M.cholesky_solve(B, F.triu(), upper=True)", {"F": ("T", (3, 3)), "B": ("G", (3, 4))}),
    ("B.cholesky_solve(F.tril())", {"F": ("T", (3, 3)), "B": ("G", (3, 1))}),
    ("M.cholesky_inverse(F.tril())", {"F": ("T", (3, 3))}),
    ("M.cholesky_inverse(F)", {"F": ("T", (2, 3, 3))}),
    ("F.triu().cholesky_inverse(upper=True)", {"F": ("T", (3, 3))}),
    ("L.matrix_power(A, 0)", {"A": ("G", (3, 3))}),
    ("L.matrix_power(A, 1)", {"A": ("G", (3, 3))}),
    ("L.matrix_power(A, 5)", {"A": ("G", (2, 3, 3))}),
    ("L.matrix_power(A, -3)", {"A": ("W", (3, 3))}),
    ("M.matrix_power(A, 2)", {"A": ("G", (3, 3))}),
    ("A.matrix_power(-1)", {"A": ("W", (3, 3))}),
    ("L.matrix_exp(A)", {"A": ("G", (3, 3))}),
    ("L.matrix_exp(A * 2)", {"A": ("G", (2, 4, 4))}),
    ("M.matrix_exp(A)", {"A": ("G", (1, 1))}),
    ("A.matrix_exp()", {"A": ("G", (3, 3))}),
    ("L.cond(A)", {"A": ("W", (3, 3))}),
    ("L.cond(A * 0, 1).detach()", {"A": ("W", (3, 3))}),
    ("L.cond(A[..., :1].expand(2, 3, 3), 'fro').detach()", {"A": ("G", (2, 3, 3))}),
    ("L.cond(A, -2)", {"A": ("G", (2, 4, 3))}),
    # cond's other norms: PyTorch's own backward fails there (it modifies inv's output in place)
    *[
        (f"L.cond(A, {p!r}).detach()", {"A": ("W", (2, 3, 3))})
        for p in ("fro", "nuc", 1, -1, float("inf"), -float("inf"))
    ],
    ("L.matrix_rank(A)", {"A": ("G", (2, 4, 3))}),
    ("L.matrix_rank(A @ A.mT)", {"A": ("G", (4, 2))}),
    ("L.matrix_rank(A @ A.mT, hermitian=True)", {"A": ("G", (2, 4, 2))}),
    ("L.matrix_rank(A, atol=1.0, rtol=0.1)", {"A": ("G", (4, 4))}),
    ("L.matrix_rank(A, atol=1.5)", {"A": ("G", (4, 4))}),
    ("L.matrix_rank(A, rtol=0.5)", {"A": ("G", (4, 4))}),
    # products, shapes
    ("L.matmul(A, B)", {"A": ("G", (2, 3, 4)), "B": ("G", (4, 2))}),
    ("L.vecdot(x, y)", {"x": ("G", (2, 3, 4)), "y": ("G", (4,))}),
    ("L.vecdot(x, y, dim=1)", {"x": ("G", (2, 3, 4)), "y": ("G", (2, 3, 1))}),
    ("L.multi_dot([A, B])", {"A": ("G", (2, 3)), "B": ("G", (3, 4))}),
    (
        "L.multi_dot([x, A, B, y])",
        {"x": ("G", (2,)), "A": ("G", (2, 3)), "B": ("G", (3, 4)), "y": ("G", (4,))},
    ),
    ("L.multi_dot((A, B, A.mT))", {"A": ("G", (2, 3)), "B": ("G", (3, 3))}),
    ("M.chain_matmul(A, B, B)", {"A": ("G", (2, 3)), "B": ("G", (3, 3))}),
    ("M.chain_matmul(A)", {"A": ("G", (2, 3))}),
    ("L.diagonal(A)", {"A": ("G", (2, 3, 4))}),
    ("L.diagonal(A, offset=1, dim1=0, dim2=2)", {"A": ("G", (3, 2, 4))}),
    ("L.vander(x)", {"x": ("G", (4,))}),
    ("L.vander(x, N=5)", {"x": ("G", (2, 3))}),
    ("L.vander((x * 3).long())", {"x": ("G", (4,))}),
    ("L.vander(x * 0, N=3)", {"x": ("G", (3,))}),
    ("L.tensorinv(A.reshape(4, 2, 8))", {"A": ("W", (8, 8))}),
    ("L.tensorinv(A.reshape(6, 2, 3), ind=1)", {"A": ("W", (6, 6))}),
    ("L.tensorsolve(A.reshape(2, 3, 6), B)", {"A": ("W", (6, 6)), "B": ("G", (2, 3))}),
    ("L.tensorsolve(A.reshape(6, 2, 3), B, dims=(0,))", {"A": ("W", (6, 6)), "B": ("G", (2, 3))}),
    # empty matrices and empty batches
    *[
        (c, {"A": ("G", shape)})
        for shape in [(0, 0), (2, 0, 0), (0, 3, 3)]
        for c in (
            "L.det(A)",
            "L.inv(A)",
            "L.slogdet(A)",
            "L.cholesky(A)",
            "L.qr(A)",
            "L.svdvals(A)",
            "L.lu_factor(A)",
            "L.lu(A)",
            "L.matrix_exp(A)",
            "L.pinv(A)",
            "L.matrix_rank(A)",
            "L.vector_norm(A)",
            "L.matrix_norm(A)",
            "L.solve(A, A)",
            "L.matrix_power(A, 3)",
        )
    ],
    # decompositions
    ("L.qr(A)", {"A": ("G", (5, 3))}),
    ("L.qr(A)", {"A": ("G", (2, 4, 4))}),
    ("L.qr(A)", {"A": ("G", (2, 3, 5))}),
    ("L.qr(A, mode='complete')", {"A": ("G", (3, 5))}),
    ("L.qr(A, mode='complete')", {"A": ("G", (4, 4))}),
    ("L.qr(A, mode='complete').R.detach()", {"A": ("G", (5, 3))}),
    ("L.qr(A, mode='r').R.detach()", {"A": ("G", (5, 3))}),
    ("tuple(L.qr(A, mode='r').Q.shape)", {"A": ("G", (5, 3))}),
    ("M.qr(A)", {"A": ("G", (4, 3))}),
    ("A.qr(some=False)[1].detach()", {"A": ("G", (4, 3))}),
    ("(lambda r: (r.eigenvalues, r.eigenvectors.abs()))(L.eigh(A))", {"A": ("E", (4, 4))}),
    (
        "(lambda r: (r.eigenvalues, r.eigenvectors.abs()))(L.eigh(A, UPLO='U'))",
        {"A": ("E", (2, 3, 3))},
    ),
    ("(lambda r: (r[0], r[1].abs()))(L.eigh(A + A.triu(1) - A.tril(-1)))", {"A": ("E", (3, 3))}),
    ("L.eigvalsh(A)", {"A": ("E", (2, 4, 4))}),
    ("L.eigvalsh(A, 'U')", {"A": ("E", (4, 4))}),
    ("L.eigvalsh(A + A.triu(1), 'u')", {"A": ("E", (3, 3))}),
    ("L.eigvalsh(A + A.triu(1), 'l')", {"A": ("E", (3, 3))}),
    (
        "(lambda r: (r.U.abs(), r.S, r.Vh.abs()))(L.svd(A, full_matrices=False))",
        {"A": ("D", (5, 3))},
    ),
    (
        "(lambda r: (r.U.abs(), r.S, r.Vh.abs()))(L.svd(A, full_matrices=False))",
        {"A": ("D", (2, 3, 5))},
    ),
    (
        "(lambda r: (r.U.abs(), r.S, r.Vh.abs()))(L.svd(A, full_matrices=False))",
        {"A": ("D", (4, 4))},
    ),
    ("(lambda r: (r.U[..., :3].abs(), r.S, r.Vh.abs()))(L.svd(A))", {"A": ("D", (5, 3))}),
    ("(lambda r: (r.U.abs(), r.S, r.Vh[..., :3, :].abs()))(L.svd(A))", {"A": ("D", (2, 3, 5))}),
    (
        "(lambda r: r.U @ M.diag_embed(r.S) @ r.Vh)(L.svd(A, full_matrices=False))",
        {"A": ("D", (2, 4, 3))},
    ),
    ("L.svd(A).S", {"A": ("D", (4, 3))}),
    ("(lambda r: (r.U.abs(), r.S, r.V.abs()))(M.svd(A))", {"A": ("D", (5, 3))}),
    (
        "(lambda r: (r.U[..., :3].abs(), r.S, r.V.abs()))(M.svd(A, some=False))",
        {"A": ("D", (5, 3))},
    ),
    ("M.svd(A, compute_uv=False)", {"A": ("D", (2, 4, 3))}),
    (
        "(lambda r: (r.U.abs(), r.S, r.V.abs()))(M.svd(input=A, some=True, compute_uv=True))",
        {"A": ("D", (2, 2))},
    ),
    ("(lambda r: (r[0].abs(), r[1], r[2].abs()))(A.svd())", {"A": ("D", (3, 4))}),
    ("L.svdvals(A)", {"A": ("D", (2, 5, 3))}),
    ("L.svdvals(A)", {"A": ("D", (3, 5))}),
    ("L.pinv(A)", {"A": ("D", (5, 3))}),
    ("L.pinv(A)", {"A": ("D", (2, 3, 5))}),
    ("L.pinv(A, hermitian=True)", {"A": ("E", (2, 3, 3))}),
    ("L.pinv(A, atol=1.5)", {"A": ("D", (4, 4))}),
    ("L.pinv(A, rtol=0.3).detach()", {"A": ("D", (4, 4))}),
    ("L.pinv(A, atol=M.tensor([0.5, 2.5], dtype=A.dtype)[:, None])", {"A": ("D", (3, 3))}),
    (
        "L.pinv(A, atol=M.tensor([0.5, 2.5], dtype=A.dtype), rtol=M.tensor(0.1, dtype=A.dtype))",
        {"A": ("D", (2, 3, 3))},
    ),
    (
        "L.pinv(A, rtol=M.tensor([0.1, 0.5], dtype=A.dtype), hermitian=True)",
        {"A": ("E", (2, 3, 3))},
    ),
    ("L.matrix_rank(A, atol=M.tensor([0.5, 2.5, 3.5], dtype=A.dtype))", {"A": ("D", (3, 3))}),
    ("L.matrix_rank(A, rtol=M.tensor([[0.1], [0.6]], dtype=A.dtype))", {"A": ("D", (3, 4, 4))}),
    ("M.pinverse(A)", {"A": ("D", (3, 4))}),
    ("A.pinverse(rcond=0.2).detach()", {"A": ("G", (3, 4))}),
    ("L.lstsq(A, B)", {"A": ("D", (5, 3)), "B": ("G", (5, 2))}),
    ("L.lstsq(A, B)", {"A": ("D", (2, 5, 3)), "B": ("G", (2, 5, 1))}),
    ("L.lstsq(A, B)", {"A": ("D", (5, 3)), "B": ("G", (5,))}),
    ("L.lstsq(A, B)", {"A": ("W", (3, 3)), "B": ("G", (3, 2))}),
    ("L.lstsq(A, B, driver='gelsd').solution", {"A": ("D", (5, 3)), "B": ("G", (5, 2))}),
    ("L.lu_factor(A)", {"A": ("G", (4, 4))}),
    ("L.lu_factor(A)", {"A": ("G", (2, 3, 3))}),
    ("L.lu_factor_ex(A)", {"A": ("G", (2, 3, 3))}),
    ("L.lu_factor(A).LU", {"A": ("G", (3, 5))}),
    ("L.lu_factor(A).LU", {"A": ("G", (2, 5, 3))}),
    ("L.lu_factor(A).pivots", {"A": ("G", (2, 5, 3))}),
    ("L.lu(A)", {"A": ("G", (4, 4))}),
    ("L.lu(A)", {"A": ("G", (2, 3, 3))}),
    ("L.lu(A)", {"A": ("G", (2, 3, 5))}),
    ("L.lu(A)", {"A": ("G", (5, 3))}),
    ("M.geqrf(A)[0].detach(), M.geqrf(A)[1].detach()", {"A": ("G", (2, 5, 3))}),
    ("A.geqrf()[1].detach()", {"A": ("G", (3, 4))}),
    ("L.householder_product(*M.geqrf(A.detach()))", {"A": ("G", (5, 3))}),
    ("L.householder_product(A, t)", {"A": ("G", (2, 5, 3)), "t": ("G", (2, 2))}),
    ("L.householder_product(A, t)", {"A": ("G", (4, 4)), "t": ("G", (4,))}),
    ("M.orgqr(A, t)", {"A": ("G", (4, 3)), "t": ("G", (3,))}),
    ("A.orgqr(t)", {"A": ("G", (4, 3)), "t": ("G", (1,))}),
    *[
        (
            f"M.ormqr(A, t, C, left={lf}, transpose={tr})",
            {"A": ("G", (4, 3)), "t": ("G", (3,)), "C": ("G", (4, 2) if lf else (2, 4))},
        )
        for lf in (True, False)
        for tr in (False, True)
    ],
    ("M.ormqr(A, t, C)", {"A": ("G", (2, 3, 4)), "t": ("G", (2, 3)), "C": ("G", (2, 3, 2))}),
    ("A.ormqr(t, C, transpose=True)", {"A": ("G", (3, 3)), "t": ("G", (3,)), "C": ("G", (3, 3))}),
    ("M.ormqr(*M.geqrf(A.detach()), C)", {"A": ("G", (5, 3)), "C": ("G", (5, 2))}),
    ("M.lu(A)", {"A": ("G", (3, 3))}),
    ("M.lu_unpack(*L.lu_factor(A))", {"A": ("G", (2, 3, 3))}),
    (
        "(lambda f: L.lu_solve(f.LU, f.pivots, B))(L.lu_factor(A))",
        {"A": ("W", (3, 3)), "B": ("G", (3, 2))},
    ),
    (
        "(lambda f: L.lu_solve(f.LU, f.pivots, B, adjoint=True))(L.lu_factor(A))",
        {"A": ("G", (2, 3, 3)), "B": ("G", (2, 3, 2))},
    ),
    (
        "(lambda f: L.lu_solve(f.LU, f.pivots, B, left=False))(L.lu_factor(A))",
        {"A": ("G", (3, 3)), "B": ("G", (4, 3))},
    ),
    (
        "(lambda f: L.lu_solve(f.LU, f.pivots, B, left=False, adjoint=True))(L.lu_factor(A))",
        {"A": ("G", (2, 3, 3)), "B": ("G", (2, 4, 3))},
    ),
    (
        "(lambda f: M.lu_solve(B, f[0], f[1]))(L.lu_factor(A))",
        {"A": ("W", (3, 3)), "B": ("G", (3, 2))},
    ),
    ("(lambda f: B.lu_solve(f[0], f[1]))(A.lu())", {"A": ("W", (3, 3)), "B": ("G", (3, 2))}),
]


def _run(M, code, arrays, dtype):
    tensors = {
        k: M.tensor(a, dtype=getattr(M, dtype), requires_grad=True) for k, a in arrays.items()
    }
    env = dict(M=M, L=M.linalg, inf=math.inf, **tensors)
    out = eval(code, env)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    return tensors, outs


def _as_array(t):
    return t.detach().numpy()


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("code, inputs", CASES, ids=[c[0] for c in CASES])
def test_values_and_gradients_match_pytorch(code, inputs, dtype):
    rng = np.random.default_rng(zlib.crc32(f"{code}{inputs}".encode()))
    arrays = {k: _array(kind, shape, rng) for k, (kind, shape) in inputs.items()}
    ours_in, ours = _run(mg, code, arrays, dtype)
    theirs_in, theirs = _run(torch, code, arrays, dtype)
    tol = dict(rtol=1e-10, atol=1e-10) if dtype == "float64" else dict(rtol=1e-5, atol=1e-5)
    assert len(ours) == len(theirs), code
    weights = []
    for o, t in zip(ours, theirs):
        if not isinstance(t, torch.Tensor):
            assert o == t, code
            continue
        a, b = _as_array(o), _as_array(t)
        assert str(a.dtype) == str(b.dtype), (code, a.dtype, b.dtype)
        assert a.shape == b.shape, (code, a.shape, b.shape)
        np.testing.assert_allclose(a, b, **tol, err_msg=code)
        assert o.requires_grad == t.requires_grad, code
        if t.requires_grad:
            weights.append((o, t, rng.standard_normal(b.shape)))
    if not weights:
        return
    sum(mg.sum(o * mg.tensor(w, dtype=o.dtype)) for o, _, w in weights).backward()
    sum(torch.sum(t * torch.tensor(w, dtype=t.dtype)) for _, t, w in weights).backward()
    for name in arrays:
        g, h = ours_in[name].grad, theirs_in[name].grad
        assert (g is None) == (h is None), (code, name)
        if h is not None:
            np.testing.assert_allclose(
                _as_array(g), _as_array(h), **tol, err_msg=f"{code}: d{name}"
            )


def test_ord_zero_norm_gives_no_gradient_as_pytorch():
    for M in (mg, torch):
        x = M.tensor([1.0, 0.0, 2.0], requires_grad=True)
        M.linalg.vector_norm(x, 0).backward()
        assert x.grad is None


# (expression, {name: (kind, shape)}): both must raise, ours an instance of PyTorch's class
# (mg.linalg.LinAlgError where PyTorch raises torch.linalg.LinAlgError)
ERRORS = [
    ("L.det(A)", {"A": ("G", (3,))}),
    ("L.det(A)", {"A": ("G", (3, 2))}),
    ("L.det(A.long())", {"A": ("G", (3, 3))}),
    ("L.inv(A)", {"A": ("G", (2, 3))}),
    ("L.inv(A * 0)", {"A": ("G", (3, 3))}),
    ("L.inv(A * M.tensor([[1.], [0.]], dtype=A.dtype))", {"A": ("G", (2, 2, 2))}),
    ("L.solve(A * 0, B)", {"A": ("G", (3, 3)), "B": ("G", (3, 2))}),
    ("L.solve(A, B)", {"A": ("G", (3, 3)), "B": ("G", (2, 3))}),
    ("L.solve(A, B)", {"A": ("G", (3, 3)), "B": ("G", (1, 3))}),
    ("L.solve(A, B, left=False)", {"A": ("G", (3, 3)), "B": ("G", (3, 2))}),
    ("L.solve(A, B, left=False)", {"A": ("G", (3, 3)), "B": ("G", (3,))}),
    ("L.solve(A, B.float())", {"A": ("G", (3, 3)), "B": ("G", (3, 2))}),
    ("L.solve(A, B)", {"A": ("G", (2, 3, 3)), "B": ("G", (4, 3, 1))}),
    ("L.cholesky(-A)", {"A": ("S", (3, 3))}),
    ("L.cholesky(A - 100 * M.eye(3, dtype=A.dtype))", {"A": ("S", (2, 3, 3))}),
    ("L.cholesky(A)", {"A": ("G", (3, 2))}),
    ("L.cholesky(A.long())", {"A": ("S", (3, 3))}),
    ("L.vector_norm(x, 'fro')", {"x": ("G", (3,))}),
    ("L.vector_norm(x.long())", {"x": ("G", (3,))}),
    ("L.vector_norm(x.double(), dtype=M.float32)", {"x": ("G", (3,))}),
    ("L.vector_norm(x, dim=1)", {"x": ("G", (3,))}),
    ("L.vector_norm(x, -1)", {"x": ("G", (0, 3))}),
    ("L.vector_norm(x, float('inf'))", {"x": ("G", (2, 0))}),
    ("L.vector_norm(x, dim=2)", {"x": ("G", (3, 2))}),
    ("L.vector_norm(x, dim=(0, 0))", {"x": ("G", (3, 2))}),
    ("L.matrix_norm(A, 3)", {"A": ("G", (3, 3))}),
    ("L.matrix_norm(A, 'foo')", {"A": ("G", (3, 3))}),
    ("L.matrix_norm(A)", {"A": ("G", (3,))}),
    ("L.matrix_norm(A, dim=(0, 0))", {"A": ("G", (3, 3))}),
    ("L.norm(A, 2)", {"A": ("G", (2, 3, 3))}),
    ("L.norm(A, 'fro', dim=0)", {"A": ("G", (3, 3))}),
    ("L.norm(A, dim=(0, 1, 2))", {"A": ("G", (2, 3, 3))}),
    ("L.matrix_power(A, 2)", {"A": ("G", (3, 2))}),
    ("L.matrix_power(A, 2.0)", {"A": ("G", (3, 3))}),
    ("L.matrix_power(A * 0, -1)", {"A": ("G", (3, 3))}),
    ("L.matrix_exp(A)", {"A": ("G", (3, 2))}),
    ("L.vander(x, N=1)", {"x": ("G", (3,))}),
    ("L.vecdot(x.long(), x.long())", {"x": ("G", (3,))}),
    ("L.vecdot(x, x.float())", {"x": ("G", (3,))}),
    ("L.multi_dot([x, x.float()])", {"x": ("G", (3,))}),
    ("L.multi_dot([A])", {"A": ("G", (3, 3))}),
    ("L.multi_dot([A, B, A])", {"A": ("G", (3, 3)), "B": ("G", (3,))}),
    ("M.chain_matmul(A, x)", {"A": ("G", (3, 3)), "x": ("G", (3,))}),
    ("L.tensorinv(A, ind=0)", {"A": ("G", (3, 3))}),
    ("L.tensorinv(A, ind=1)", {"A": ("G", (2, 3))}),
    ("L.qr(A, mode='x')", {"A": ("G", (3, 3))}),
    ("L.qr(A.long())", {"A": ("G", (3, 3))}),
    ("L.qr(A, mode='r').R.sum().backward()", {"A": ("G", (4, 3))}),
    ("L.qr(A, mode='complete').Q.sum().backward()", {"A": ("G", (4, 3))}),
    ("L.eigh(A, UPLO='X')", {"A": ("S", (3, 3))}),
    ("L.eigh(A)", {"A": ("G", (3, 2))}),
    ("L.eigvalsh(A, UPLO='x')", {"A": ("S", (3, 3))}),
    ("L.svd(A, driver='gesvd')", {"A": ("G", (3, 3))}),
    ("L.svdvals(A)", {"A": ("G", (3,))}),
    ("L.pinv(A, hermitian=True)", {"A": ("G", (3, 2))}),
    ("L.lstsq(A, B, driver='foo')", {"A": ("G", (3, 3)), "B": ("G", (3, 2))}),
    ("L.lstsq(A, B)", {"A": ("G", (3, 3)), "B": ("G", (4, 2))}),
    ("L.solve_triangular(A, B, upper=True)", {"A": ("T", (3, 3)), "B": ("G", (3,))}),
    ("L.solve_triangular(A, B, upper=True)", {"A": ("T", (3, 3)), "B": ("G", (2, 2))}),
    ("L.lu_factor(A, pivot=False)", {"A": ("G", (3, 3))}),
    ("L.lu_factor(A * 0)", {"A": ("G", (3, 3))}),
    ("L.lu_factor_ex(A * 0, check_errors=True)", {"A": ("G", (3, 3))}),
    ("L.cond(A, 3)", {"A": ("G", (3, 3))}),
    ("M.cholesky_solve(B, A.float())", {"A": ("T", (3, 3)), "B": ("G", (3, 2))}),
    ("M.triangular_solve(B, A.float())", {"A": ("T", (3, 3)), "B": ("G", (3, 2))}),
    ("L.householder_product(A, t)", {"A": ("G", (5, 3)), "t": ("G", (4,))}),
    ("L.householder_product(A, t)", {"A": ("G", (3, 5)), "t": ("G", (2,))}),
    ("L.householder_product(A, t)", {"A": ("G", (2, 5, 3)), "t": ("G", (3, 2))}),
    ("M.geqrf(A)[0].sum().backward()", {"A": ("G", (4, 3))}),
    ("M.ormqr(A, t, C)", {"A": ("G", (4, 3)), "t": ("G", (2,)), "C": ("G", (4, 2))}),
    ("M.ormqr(A, t, C)", {"A": ("G", (4, 3)), "t": ("G", (3,)), "C": ("G", (3, 2))}),
    ("M.ormqr(A, t, C, left=False)", {"A": ("G", (4, 3)), "t": ("G", (3,)), "C": ("G", (4, 2))}),
    ("L.eig(A)", {"A": ("G", (3, 3))}),
    ("L.eigvals(A)", {"A": ("G", (3, 3))}),
]


def _error(M, code, arrays):
    try:
        _run(M, code, arrays, "float64")
    except Exception as e:  # the class is what is compared
        return e
    return None


@pytest.mark.parametrize("code, inputs", ERRORS, ids=[c[0] for c in ERRORS])
def test_errors_match_pytorch(code, inputs):
    rng = np.random.default_rng(0)
    arrays = {k: _array(kind, shape, rng) for k, (kind, shape) in inputs.items()}
    theirs = _error(torch, code, arrays)
    ours = _error(mg, code, arrays)
    if code.startswith(
        ("L.eig(", "L.eigvals(")
    ):  # PyTorch returns complex tensors, which minigrad lacks
        assert theirs is None and isinstance(ours, NotImplementedError), ours
        assert "linalg.eig" in str(ours)
        return
    assert theirs is not None, code
    if isinstance(theirs, torch.linalg.LinAlgError):
        assert isinstance(ours, mg.linalg.LinAlgError), (code, ours)
    else:
        assert isinstance(ours, type(theirs)), (code, repr(ours), repr(theirs))
        assert not isinstance(ours, mg.linalg.LinAlgError) or code.startswith("L.lu_factor_ex"), (
            code,
            ours,
        )


@pytest.mark.parametrize(
    "code",
    [
        "L.inv_ex(A)",
        "L.solve_ex(A, B)",
        "L.cholesky_ex(A)",
        "L.lu_factor_ex(A)",
        "M.lu(A, get_infos=True)",
    ],
)
def test_ex_functions_report_info_as_pytorch(code):
    """Singular / not positive-definite batch elements: info as PyTorch's; the results of
    the good elements as PyTorch's."""
    rng = np.random.default_rng(1)
    A = _array("S", (3, 3, 3), rng)
    A[1] = -A[1]  # not positive-definite; for the LU-based ones not singular, so zero a row
    A[2, 1] = 0
    B = rng.standard_normal((3, 3, 2))
    ours = eval(code, dict(M=mg, L=mg.linalg, A=mg.tensor(A), B=mg.tensor(B)))
    theirs = eval(code, dict(M=torch, L=torch.linalg, A=torch.tensor(A), B=torch.tensor(B)))
    np.testing.assert_array_equal(ours[-1].numpy(), theirs[-1].numpy())
    assert ours[-1].dtype == mg.int32
    good = theirs[-1].numpy() == 0
    for o, t in zip(ours[:-1], theirs[:-1]):
        np.testing.assert_allclose(o.numpy()[good], t.numpy()[good], rtol=1e-10, atol=1e-12)


def test_named_tuples_as_pytorch():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    for code in ["L.slogdet(A)", "L.qr(A)", "L.eigh(A)", "L.svd(A)", "L.lstsq(A, A)", "L.lu_factor(A)",
                 "L.lu_factor_ex(A)", "L.lu(A)", "L.inv_ex(A)", "L.solve_ex(A, A)", "L.cholesky_ex(A)",
                 "M.slogdet(A)", "M.qr(A)", "M.svd(A)", "M.geqrf(A)", "M.triangular_solve(A, A)", "M.lu_unpack(*L.lu_factor(A))"]:  # fmt: skip
        ours = eval(code, dict(M=mg, L=mg.linalg, A=mg.tensor(A)))
        theirs = eval(code, dict(M=torch, L=torch.linalg, A=torch.tensor(A)))
        assert type(ours).__name__ == type(theirs).__name__, code
        assert ours._fields == tuple(
            theirs._fields if hasattr(theirs, "_fields") else type(theirs).__match_args__
        ), code


def test_linalg_error_is_a_runtime_error_as_pytorch():
    assert issubclass(torch.linalg.LinAlgError, RuntimeError)
    assert issubclass(mg.linalg.LinAlgError, RuntimeError)
    with pytest.raises(mg.linalg.LinAlgError, match="linalg.inv"):
        mg.linalg.inv(mg.zeros(2, 2))


@pytest.mark.parametrize(
    "name",
    ["vector_norm", "matrix_norm", "norm", "det", "slogdet", "inv", "inv_ex", "solve", "solve_ex",
     "cholesky", "cholesky_ex", "matmul", "vecdot", "multi_dot", "matrix_power", "diagonal", "vander",
     "cond", "matrix_rank", "tensorinv", "tensorsolve", "qr", "eigh", "eigvalsh", "svd", "svdvals",
     "pinv", "lstsq", "solve_triangular", "lu_factor", "lu_factor_ex", "lu", "lu_solve",
     "matrix_exp", "cross", "householder_product"],
)  # fmt: skip
def test_signatures_match_pytorch_docs(name):
    """Argument names, defaults and keyword-only markers as PyTorch's documented signature."""
    import inspect
    import re

    doc = getattr(torch.linalg, name).__doc__
    sig = re.search(r"\((.*?)\)\s*->|\((.*?)\)\n", doc)
    theirs = [p.strip() for p in re.split(r",(?![^()]*\))", sig.group(1) or sig.group(2))]
    theirs = [p.replace("bool ", "") for p in theirs if p and not p.startswith("out")]
    ours = []
    for p in inspect.signature(getattr(mg.linalg, name)).parameters.values():
        if p.kind == p.KEYWORD_ONLY and "*" not in ours:
            ours.append("*")
        ours.append(p.name if p.default is p.empty else f"{p.name}={p.default!r}")
    theirs = [t.replace('"', "'") for t in theirs]
    if theirs and theirs[-1] == "*":
        theirs.pop()
    assert ours == theirs, (name, ours, theirs)
