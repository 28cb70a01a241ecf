"""The ``torch.*`` (and Tensor method) forms of the linear-algebra functions: PyTorch's
older names and argument orders, each a call of the ``minigrad.linalg`` function it means."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import dtypes, factories, linalg, ops
from . import linalg_ops as _la
from .errors import OpError, warn_once
from .return_types import return_type
from .tensor import Tensor, check_tensor

__all__ = [
    "chain_matmul", "cholesky", "cholesky_inverse", "cholesky_solve", "det", "geqrf",
    "inverse", "logdet", "lu", "lu_solve", "lu_unpack", "matrix_exp", "matrix_power", "norm",
    "orgqr", "ormqr", "pca_lowrank", "pinverse", "qr", "svd_lowrank",
    "slogdet", "svd", "triangular_solve",
]  # fmt: skip

Slogdet = return_type("slogdet", ["sign", "logabsdet"])
QR = return_type("qr", ["Q", "R"])
SVD = return_type("svd", ["U", "S", "V"])
TriangularSolve = return_type("triangular_solve", ["solution", "cloned_coefficient"])
LUUnpack = return_type("lu_unpack", ["P", "L", "U"])
Geqrf = return_type("geqrf", ["a", "tau"])


def _deprecated(name: str, instead: str) -> None:
    warn_once(f"{name} is deprecated in favor of {instead} and will be removed in a future "
              "PyTorch release.", stacklevel=3)  # fmt: skip


def norm(input: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False, *,
         dtype: Any = None) -> Tensor:  # fmt: skip
    """torch.norm: the vector p-norm of ops.norm ('fro' is p = 2 over at most two dims), of
    x cast to ``dtype`` first if given; any other string p (and 'fro' over more dims) is
    linalg.matrix_norm over ``dim``, all dims by default, as PyTorch dispatches it."""
    check_tensor("norm", "input", input)
    if isinstance(p, str) and not (
        p == "fro" and (dim is None or isinstance(dim, int) or len(dim) <= 2)
    ):
        dims = tuple(range(input.ndim)) if dim is None else dim
        return linalg.matrix_norm(input, p, dims, keepdim, dtype=dtype)
    dtype = None if dtype is None else dtypes.as_dtype(dtype)
    return ops.norm(
        linalg._float("linalg.vector_norm", input, dtype, modulus=True), p, dim, keepdim
    )


def det(input: Tensor) -> Tensor:
    """det A (torch.det)."""
    check_tensor("det", "input", input)
    return linalg.det(input)


def inverse(input: Tensor) -> Tensor:
    """A⁻¹ (torch.inverse)."""
    check_tensor("inverse", "input", input)
    return linalg.inv(input)


def slogdet(input: Tensor) -> tuple:
    """(sign, logabsdet) of det A (torch.slogdet)."""
    check_tensor("slogdet", "input", input)
    return Slogdet(*linalg.slogdet(input))


def logdet(input: Tensor) -> Tensor:
    """log det A: NaN where det A < 0 (gradient 0 there, as PyTorch), -inf where it is 0."""
    check_tensor("logdet", "input", input)
    sign, logabs = _la.slogdet(input)
    return ops.where(sign < 0, math.nan, logabs)


def cholesky(input: Tensor, upper: bool = False) -> Tensor:
    """L with A = L Lᵀ (U with A = Uᵀ U if ``upper``) (torch.cholesky)."""
    check_tensor("cholesky", "input", input)
    _deprecated("torch.cholesky", "torch.linalg.cholesky")
    return linalg.cholesky(input, upper=upper)


def qr(input: Tensor, some: bool = True) -> tuple:
    """(Q, R), reduced if ``some`` else complete (torch.qr)."""
    check_tensor("qr", "input", input)
    _deprecated("torch.qr", "torch.linalg.qr")
    return QR(*linalg.qr(input, "reduced" if some else "complete"))


def svd(input: Tensor, some: bool = True, compute_uv: bool = True) -> tuple:
    """(U, S, V) with A = U diag(S) Vᵀ, V not Vh (torch.svd); U and V are zero matrices of
    full size if not ``compute_uv``."""
    check_tensor("svd", "input", input)
    if not compute_uv:
        S = linalg.svdvals(input)
        m, n = input.shape[-2:]
        zeros = [Tensor._new(np.zeros(input.shape[:-2] + (k, k), input.dtype)) for k in (m, n)]
        return SVD(zeros[0], S, zeros[1])
    U, S, Vh = linalg.svd(input, full_matrices=not some)
    return SVD(U, S, Vh.mT)


def pinverse(input: Tensor, rcond: float = 1e-15) -> Tensor:
    """A⁺ over singular values above rcond · σ_max (torch.pinverse)."""
    check_tensor("pinverse", "input", input)
    return linalg.pinv(input, atol=0.0, rtol=rcond)


def matrix_power(input: Tensor, n: int) -> Tensor:
    """A^n (torch.matrix_power)."""
    return linalg.matrix_power(input, n)


def matrix_exp(input: Tensor) -> Tensor:
    """exp(A) (torch.matrix_exp)."""
    check_tensor("matrix_exp", "input", input)
    return linalg.matrix_exp(input)


def chain_matmul(*matrices: Tensor) -> Tensor:
    """matrices[0] @ matrices[1] @ ..., all 2-D (torch.chain_matmul)."""
    if not matrices:
        raise OpError("chain_matmul(): Expected one or more matrices")
    for i, t in enumerate(matrices):
        check_tensor("chain_matmul", f"matrices[{i}]", t)
        if t.ndim != 2:
            raise OpError(f"chain_matmul(): Tensor dimension is {t.ndim}, expected 2 instead.")
    _deprecated("torch.chain_matmul", "torch.linalg.multi_dot")
    if len(matrices) == 1:
        return matrices[0].clone()
    return linalg.multi_dot(matrices)


def _same_dtype(op: str, a: Tensor, b: Tensor) -> None:
    if a.dtype != b.dtype:
        raise OpError(f"{op}: Expected b and A to have the same dtype, but found b of type "
                      f"{a.dtype} and A of type {b.dtype} instead.")  # fmt: skip


def cholesky_solve(input: Tensor, input2: Tensor, upper: bool = False) -> Tensor:
    """X with L Lᵀ X = B (Uᵀ U X = B if ``upper``), B = input, L = input2."""
    _la.matrix("cholesky_solve", input, square=False, name="input")
    _la.matrix("cholesky_solve", input2, name="input2")
    _same_dtype("cholesky_solve", input, input2)
    if input.shape[-2] != input2.shape[-1]:
        raise OpError(
            f"cholesky_solve: incompatible shapes {input.shape} (B) and {input2.shape} (L)"
        )
    return _la.cholesky_solve(input, input2, upper)


def cholesky_inverse(input: Tensor, upper: bool = False) -> Tensor:
    """(L Lᵀ)⁻¹ from its Cholesky factor L (Uᵀ U if ``upper``)."""
    _la.matrix("cholesky_inverse", input)
    eye = np.broadcast_to(np.eye(input.shape[-1], dtype=input.dtype), input.shape)
    return _la.cholesky_solve(Tensor._new(eye.copy()), input, upper)


def triangular_solve(
    input: Tensor, A: Tensor, upper: bool = True, transpose: bool = False,
    unitriangular: bool = False,
) -> tuple:  # fmt: skip
    """(X, a copy of A broadcast to X's batch) with A X = b (Aᵀ X = b if ``transpose``) for
    A's triangle, b = input."""
    _la.matrix("triangular_solve", input, square=False, name="input")
    _la.matrix("triangular_solve", A)
    _same_dtype("triangular_solve", input, A)
    _deprecated("torch.triangular_solve", "torch.linalg.solve_triangular")
    M = A.mT if transpose else A
    X = linalg.solve_triangular(M, input, upper=upper != transpose, unitriangular=unitriangular)
    return TriangularSolve(X, A.expand(*X.shape[:-2], *A.shape[-2:]).clone())


def lu_solve(input: Tensor, LU_data: Tensor, LU_pivots: Tensor) -> Tensor:
    """X with A X = b from A's lu factorization (torch.lu_solve, b = input)."""
    _deprecated("torch.lu_solve", "torch.linalg.lu_solve")
    return linalg.lu_solve(LU_data, LU_pivots, input)


def lu_unpack(
    LU_data: Tensor, LU_pivots: Tensor, unpack_data: bool = True, unpack_pivots: bool = True
) -> tuple:
    """(P, L, U) with A = P L U from lu_factor's packed LU and pivots (empty where not
    unpacked)."""
    P, L, U = linalg._unpack(LU_data, LU_pivots)
    empty = Tensor._new(np.empty(0, LU_data.dtype))
    return LUUnpack(P if unpack_pivots else empty, *((L, U) if unpack_data else (empty, empty)))


def lu(A: Tensor, pivot: bool = True, get_infos: bool = False) -> tuple:
    """(LU, pivots) of linalg.lu_factor, and the infos if ``get_infos`` (torch.lu)."""
    _deprecated("torch.lu", "torch.linalg.lu_factor / torch.linalg.lu_factor_ex")
    LU, piv, info = linalg.lu_factor_ex(A, pivot=pivot, check_errors=not get_infos)
    return (LU, piv, info) if get_infos else (LU, piv)


def geqrf(input: Tensor) -> tuple:
    """(a, tau) of LAPACK's geqrf: R on and above a's diagonal, the Householder vectors
    below it, their scales in tau (no derivative, as PyTorch)."""
    return Geqrf(*_la.geqrf(input))


def orgqr(input: Tensor, input2: Tensor) -> Tensor:
    """Q from geqrf's (a, tau) (torch.orgqr, linalg.householder_product)."""
    return linalg.householder_product(input, input2)


def ormqr(
    input: Tensor, input2: Tensor, input3: Tensor, left: bool = True, transpose: bool = False
) -> Tensor:
    """Q C (Qᵀ C if ``transpose``; C Q, C Qᵀ if not ``left``) for the m×m Q of geqrf's
    (a, tau) = (input, input2), C = input3."""
    op = "torch.ormqr"
    _la.matrix(op, input, square=False, name="input")
    _la.matrix(op, input3, square=False, name="input3")
    check_tensor(op, "input2", input2)
    m, n = input.shape[-2:]
    side = -2 if left else -1
    if input3.shape[side] != m:
        raise OpError(f"{op}: other.shape[{side}] must be equal to input.shape[-2], got "
                      f"{input3.shape} and {input.shape}")  # fmt: skip
    if input2.ndim == 0 or input2.shape[-1] != min(m, n):
        raise OpError(f"{op}: tau.shape[-1] must be equal to min(other.shape[-2], "
                      f"input.shape[-1]), got {input2.shape}")  # fmt: skip
    if not input.dtype == input2.dtype == input3.dtype:
        raise OpError(f"{op}: input, tau and other must have the same dtype, got "
                      f"{input.dtype}, {input2.dtype} and {input3.dtype}")  # fmt: skip
    return linalg._apply_householder(input, input2, input3, left, transpose)


# ---- randomized low-rank SVD and PCA (Halko, Martinsson and Tropp 2009, Algorithm 5.1) -----


def _approximate_basis(A: Tensor, q: int, niter: int) -> Tensor:
    """Q (..., m, q) with orthonormal columns whose span nearly holds A's range: QR of A R,
    R (n, q) Gaussian, then ``niter`` power iterations (QR of Aᴴ Q, then of A Q)."""
    dt = A.dtype if A.dtype.kind == "f" else dtypes.get_default_dtype()
    Q = linalg.qr(A @ factories.randn(A.shape[-1], q, dtype=dt)).Q
    for _ in range(niter):
        Q = linalg.qr(A.mT @ Q).Q
        Q = linalg.qr(A @ Q).Q
    return Q


def svd_lowrank(A: Tensor, q: int | None = 6, niter: int | None = 2,
                M: Tensor | None = None) -> tuple:  # fmt: skip
    """(U, S, V), a rank-q approximate SVD of A - M (A (..., m, n), M broadcast to it):
    A - M ≈ U diag(S) Vᵀ, U (..., m, q), S (..., q), V (..., n, q), from random projections
    (the values vary with the draws). Differentiable through its QRs and SVD."""
    check_tensor("svd_lowrank", "A", A)
    q = 6 if q is None else q
    niter = 2 if niter is None else niter
    if M is not None:
        A = A - M.broadcast_to(A.shape)
    m, n = A.shape[-2:]
    if m < n:  # work on the tall one
        A = A.mT
    Q = _approximate_basis(A, q, niter)
    U, S, Vh = linalg.svd(Q.mT @ A, full_matrices=False)
    U, V = Q @ U, Vh.mT
    return (V, S, U) if m < n else (U, S, V)


def pca_lowrank(A: Tensor, q: int | None = None, center: bool = True, niter: int = 2) -> tuple:
    """(U, S, V), svd_lowrank of A with its column means subtracted (if ``center``): the
    principal directions of the rows of A are V's columns, S² / (m - 1) their variances;
    q = min(6, m, n) if None."""
    check_tensor("pca_lowrank", "A", A)
    m, n = A.shape[-2:]
    if q is None:
        q = min(6, m, n)
    elif not 0 <= q <= min(m, n):
        raise ValueError(f"q(={q}) must be non-negative integer and not greater than "
                         f"min(m, n)={min(m, n)}")  # fmt: skip
    if not niter >= 0:
        raise ValueError(f"niter(={niter}) must be non-negative integer")
    if center:
        A = A - A.mean(-2, keepdim=True)
    return svd_lowrank(A, q, niter)
