"""The linear-algebra primitives behind ``minigrad.linalg``: each forward (NumPy's LAPACK
routines, or a few lines of NumPy where it has none) beside its vector-Jacobian products.

All act on the last two dims, batched over the leading ones. ``g`` is the output's
gradient, ``ᵀ`` swaps the last two dims, ``A⁻ᵀ`` is ``(A⁻¹)ᵀ``. The formulas are PyTorch's
(``FunctionsManual.cpp``), so gradients agree with PyTorch's where the math leaves a choice
(the symmetric gradient of ``eigh``, the narrowing of ``svd``'s full matrices).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .dtypes import opmath
from .engine import PASS, Node, no_derivative, record, set_outputs, take
from .errors import OpError
from .grad_mode import _mode
from .ops import sgn
from .tensor import Tensor, check_tensor

__all__ = ["LinAlgError"]


class LinAlgError(RuntimeError):
    """A matrix is singular or not positive-definite (PyTorch's torch.linalg.LinAlgError)."""


def T(x: np.ndarray) -> np.ndarray:
    """xᵀ over the last two dims."""
    return np.swapaxes(x, -1, -2)


def complex_error(op: str, dtype: np.dtype) -> NotImplementedError:
    return NotImplementedError(
        f"{op}: minigrad's linear algebra takes real tensors only (got {dtype}; PyTorch's "
        "also takes complex ones)"
    )


# PyTorch's RuntimeError for float16 where its own check comes before its kernels' (the
# others raise NotImplementedError, "not implemented for 'Half'")
_LOW = "Low precision dtypes not supported. Got Half"
_ONLY = "This function doesn't handle types other than float and double"
_HALF_REFUSED = {"linalg.inv": _LOW, "linalg.slogdet": _LOW, "linalg.pinv": _LOW,
                 "torch.linalg.lstsq": _ONLY, "linalg.matrix_rank": _ONLY}  # fmt: skip


def nan_where_not_finite(fn: Any, X: np.ndarray) -> np.ndarray:
    """fn(X) for an fn that maps each matrix to an array of its shape; NaN for a matrix
    holding an inf or NaN (as PyTorch's results), computed on zeros in its place so that
    LAPACK and the scaling see finite numbers."""
    bad = ~np.isfinite(X).all((-2, -1))
    if not bad.any():
        return fn(X)
    out = fn(np.where(bad[..., None, None], 0, X))
    out[bad] = np.nan
    return out


def matrix(
    op: str, A: Tensor, square: bool = True, name: str = "A", half: bool = False
) -> np.ndarray:
    """A's array, checked as PyTorch checks a (batch of) float matrices (float16 too if
    ``half``)."""
    check_tensor(op, name, A)
    X = A.data
    if X.dtype.kind == "c":
        raise complex_error(op, X.dtype)
    if X.dtype.kind != "f":
        kind = "Long" if X.dtype.kind in "iu" else str(X.dtype)
        raise OpError(f"{op}: Expected a floating point or complex tensor as input. Got {kind}")
    if X.dtype.itemsize < 4 and not half:
        if op in _HALF_REFUSED:
            raise RuntimeError(f"{op}: {_HALF_REFUSED[op]}")
        raise NotImplementedError(f"{op}: not implemented for '{X.dtype}'")
    if X.ndim < 2:
        raise OpError(f"{op}: The input tensor {name} must have at least 2 dimensions.")
    if square and X.shape[-1] != X.shape[-2]:
        raise OpError(
            f"{op}: {name} must be batches of square matrices, but they are "
            f"{X.shape[-2]} by {X.shape[-1]} matrices"
        )
    return X


def several(name: str, A: Tensor, arrays: tuple, vjp, reads: tuple | None = None) -> tuple:
    """``arrays`` as the outputs of one node with input A; ``vjp`` maps the list of their
    gradients (None for an output that got none) to A's. ``reads`` names what the VJP
    reads, as PyTorch's backward saves it ("A" and the outputs' numbers; all by default):
    an in-place change of any of those before backward makes it raise."""
    outs = tuple(Tensor._new(np.asarray(a)) for a in arrays)  # NumPy gives scalars for 0-d
    if not (_mode.enabled and A._requires_grad):
        return outs
    slots: list = [None] * len(outs)

    def node_vjp(_: np.ndarray) -> np.ndarray:
        return vjp(take(slots))

    saved = (A, *outs) if reads is None else tuple(A if r == "A" else outs[r] for r in reads)
    node = Node(name, [A._node or A], (node_vjp,), saved, None, PASS.shape, PASS.dtype)
    set_outputs(node, outs, slots)
    return outs


def zeros_for(gs: list, arrays: tuple) -> list:
    """The gradients ``gs`` with zeros for the outputs that got none."""
    return [np.zeros_like(a) if g is None else g for a, g in zip(arrays, gs)]


def identity_like(A: Tensor) -> Tensor:
    """I of A's shape, (..., m, n) (ones on the diagonal), a Copy of A^0: dA = 0."""
    eye = np.broadcast_to(np.eye(*A.shape[-2:], dtype=A.dtype), A.shape).copy()
    return record(eye, "Copy", (A,), (lambda g: np.zeros_like(g),))


def trisolve(A: np.ndarray, B: np.ndarray, upper: bool, unit: bool = False) -> np.ndarray:
    """X with A X = B for triangular A (..., n, n) and B (..., n, k), batch dims broadcast,
    by substitution (inf / nan for a zero on the diagonal, as LAPACK's trtrs)."""
    A = np.triu(A, int(unit)) if upper else np.tril(A, -int(unit))
    batch = np.broadcast_shapes(A.shape[:-2], B.shape[:-2])
    A = np.broadcast_to(A, batch + A.shape[-2:])
    B = np.broadcast_to(B, batch + B.shape[-2:])
    X = np.zeros(B.shape, np.result_type(A, B))
    n = A.shape[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in range(n - 1, -1, -1) if upper else range(n):
            done = slice(i + 1, n) if upper else slice(0, i)
            s = B[..., i, :] - np.einsum("...j,...jk->...k", A[..., i, done], X[..., done, :])
            X[..., i, :] = s if unit else s / A[..., i, i, None]
    return X


def getrf(X: np.ndarray) -> tuple:
    """LU with partial pivoting (LAPACK's getrf): packed LU (..., m, n), 1-based pivots
    (..., min(m, n)) int32 and info (...,) int32 (1 + the first zero pivot's index, or 0).
    Blocked as LAPACK: a panel of BLOCK columns column by column, then the rest of its rows
    U₁₂ = L₁₁⁻¹ A₁₂ and the trailing A₂₂ -= L₂₁ U₁₂ by matrix products (one panel, the
    textbook loop, up to BLOCK columns)."""
    m, n = X.shape[-2:]
    k = min(m, n)
    batch = X.shape[:-2]
    LU = X.reshape((math.prod(batch), m, n)).copy()
    piv = np.zeros((LU.shape[0], k), np.int32)
    info = np.zeros(LU.shape[0], np.int32)
    rows = np.arange(LU.shape[0])
    for j0 in range(0, k, BLOCK):
        j1 = min(j0 + BLOCK, k)
        last = n if j1 == k else j1  # the last panel updates every column on its way
        for j in range(j0, j1):
            p = j + np.argmax(np.abs(LU[:, j:, j]), axis=1)
            piv[:, j] = p + 1
            LU[rows, j], LU[rows, p] = LU[rows, p], LU[rows, j].copy()
            pivot = LU[:, j, j]
            info[(pivot == 0) & (info == 0)] = j + 1
            LU[:, j + 1 :, j] /= np.where(pivot == 0, 1, pivot)[:, None]
            LU[:, j + 1 :, j + 1 : last] -= LU[:, j + 1 :, j, None] * LU[:, j, None, j + 1 : last]
        if last < n:
            LU[:, j0:j1, j1:] = trisolve(
                LU[:, j0:j1, j0:j1], LU[:, j0:j1, j1:], upper=False, unit=True
            )
            LU[:, j1:, j1:] -= LU[:, j1:, j0:j1] @ LU[:, j0:j1, j1:]
    return LU.reshape(X.shape), piv.reshape(batch + (k,)), info.reshape(batch)


BLOCK = 32


def row_order(piv: np.ndarray, m: int) -> np.ndarray:
    """perm (..., m): row perm[i] of A is row i of L U, from getrf's 1-based row swaps."""
    perm = np.broadcast_to(np.arange(m), piv.shape[:-1] + (m,)).copy()
    nb = math.prod(piv.shape[:-1])
    flat, p = perm.reshape(nb, m), piv.reshape(nb, piv.shape[-1]) - 1
    rows = np.arange(flat.shape[0])
    for i in range(p.shape[1]):
        flat[rows, i], flat[rows, p[:, i]] = flat[rows, p[:, i]], flat[rows, i].copy()
    return perm


def permutation(piv: np.ndarray, m: int, dtype) -> np.ndarray:
    """P (..., m, m) with A = P L U, from getrf's 1-based row swaps."""
    perm = row_order(piv, m)
    P = np.zeros(perm.shape + (m,), dtype)
    np.put_along_axis(P, perm[..., None], 1, axis=-1)
    return T(P)


def getrs(LU: np.ndarray, piv: np.ndarray, B: np.ndarray, adjoint: bool) -> np.ndarray:
    """X with A X = B (Aᵀ X = B if ``adjoint``) from getrf's A = P L U, as LAPACK's getrs
    (inf / nan where U has a zero on its diagonal). P is applied by reordering rows, not by
    a product, which would turn inf into nan (0 · inf)."""
    perm = row_order(piv, LU.shape[-2])[..., None]

    def rows(M: np.ndarray, order: np.ndarray) -> np.ndarray:  # M[..., order, :], batch broadcast
        nd = max(M.ndim, order.ndim)
        M, order = (x.reshape((1,) * (nd - x.ndim) + x.shape) for x in (M, order))
        return np.take_along_axis(M, order, -2)

    if adjoint:  # Aᵀ = Uᵀ Lᵀ Pᵀ
        Y = trisolve(T(LU), trisolve(T(LU), B, upper=False), upper=True, unit=True)
        return rows(Y, np.argsort(perm, -2))
    return trisolve(LU, trisolve(LU, rows(B, perm), upper=False, unit=True), upper=True)


SMALL = 16  # up to n = 16, getrf (cheap there) decides, with PyTorch's exact zeros


def lapack(f: Any, *arrays: np.ndarray) -> Any:
    """f(*arrays) by NumPy's LAPACK for matrices larger than SMALL; None for small ones and
    where some matrix is singular (LinAlgError), for which callers use getrf."""
    if arrays[0].shape[-1] <= SMALL:
        return None
    try:
        return f(*arrays)
    except np.linalg.LinAlgError:
        return None


def solve_array(X: np.ndarray, B: np.ndarray, adjoint: bool) -> np.ndarray:
    """X⁻¹ B (X⁻ᵀ B if ``adjoint``), batch dims broadcast: by NumPy's LAPACK, else by getrs
    on getrf's LU (inf / nan for a singular X, as PyTorch)."""
    Y = lapack(np.linalg.solve, T(X) if adjoint else X, B)
    if Y is None:
        LU, piv, _ = getrf(X)
        with np.errstate(divide="ignore", invalid="ignore"):
            Y = getrs(LU, piv, B, adjoint)
    return Y


def raise_info(op: str, info: np.ndarray, what: str) -> None:
    """LinAlgError naming the first batch element whose ``info`` is non-zero."""
    bad = np.argwhere(info.reshape(-1) > 0)
    if bad.size:
        i = int(bad[0, 0])
        where = f"(Batch element {i}): " if info.ndim else ""
        raise LinAlgError(f"{op}: {where}{what.format(int(info.reshape(-1)[i]))}")


# ---- determinants and inverses ---------------------------------------------------------


def det(A: Tensor) -> Tensor:
    """det A, (..., n, n) -> (...), from A's LU.   dA = g · adj(A)ᵀ = g det(A) A⁻ᵀ, the
    cofactor matrix, computed from A = U S Vᵀ as det(U) det(V) U diag(Π_{j≠i} s_j) Vᵀ (so
    singular A works)."""
    X = matrix("linalg.det", A)

    def cofactors(g: np.ndarray, Y: np.ndarray) -> np.ndarray:
        U, s, Vh = np.linalg.svd(Y)
        n = s.shape[-1]
        left = np.cumprod(np.concatenate([np.ones_like(s[..., :1]), s[..., :-1]], -1), -1)
        right = np.cumprod(np.concatenate([np.ones_like(s[..., :1]), s[..., :0:-1]], -1), -1)
        others = left * right[..., ::-1] if n else s
        scale = g * np.linalg.det(U) * np.linalg.det(Vh)
        return scale[..., None, None] * ((U * others[..., None, :]) @ Vh)

    def vjp(g: np.ndarray) -> np.ndarray:
        return nan_where_not_finite(lambda Y: cofactors(g, Y), X)

    with np.errstate(over="ignore"):  # inf, as PyTorch
        out = lapack(np.linalg.det, X)
        if out is None:
            LU, piv, _ = getrf(X)
            out = swap_sign(piv, X.dtype) * np.prod(np.diagonal(LU, 0, -2, -1), -1)
    return record(np.asarray(out), "LinalgDet", (A,), (vjp,), (A,))


def swap_sign(piv: np.ndarray, dtype) -> np.ndarray:
    """det P of getrf's A = P L U: -1 for an odd number of row swaps. So det A = det P
    Π diag(U), from the same LU as PyTorch's (a singular A gives exactly 0, as there)."""
    swaps = (piv != np.arange(1, piv.shape[-1] + 1)).sum(-1)
    return np.where(swaps % 2, -1, 1).astype(dtype)


def lu_slogdet(LU: np.ndarray, piv: np.ndarray) -> tuple:
    """(sign, log|det A|) from getrf's A = P L U."""
    d = np.diagonal(LU, 0, -2, -1)
    with np.errstate(divide="ignore"):
        return swap_sign(piv, LU.dtype) * np.prod(np.sign(d), -1), np.log(np.abs(d)).sum(-1)


def slogdet(A: Tensor) -> tuple:
    """(sign, log|det A|).   dA = g A⁻ᵀ for the log, by LU as PyTorch (so ±inf for a
    singular A); sign has no gradient."""
    X = matrix("linalg.slogdet", A)
    sign, logabs = lapack(np.linalg.slogdet, X) or lu_slogdet(*getrf(X)[:2])

    def vjp(gs: list) -> np.ndarray:
        g = zeros_for(gs, (sign, logabs))[1]
        eye = np.eye(X.shape[-1], dtype=X.dtype)
        return solve_array(X, g[..., None, None] * eye, adjoint=True)

    return several("LinalgSlogdet", A, (sign, logabs), vjp, reads=("A", 0))


def inv(A: Tensor, check_errors: bool = True) -> tuple:
    """(A⁻¹, info), by NumPy's LAPACK, or by getrs on minigrad's LU (as PyTorch) where A is
    singular.   dA = -A⁻ᵀ g A⁻ᵀ."""
    X = matrix("linalg.inv", A)
    Y, info = lapack(np.linalg.inv, X), np.zeros(X.shape[:-2], np.int32)
    if Y is None:
        LU, piv, info = getrf(X)
        if check_errors:
            raise_info("linalg.inv", info, "The diagonal element {} is zero, the inversion "
                       "could not be completed because the input matrix is singular.")  # fmt: skip
        if info.any() or X.shape[-1] > SMALL:
            with np.errstate(divide="ignore", invalid="ignore"):
                Y = getrs(LU, piv, np.eye(X.shape[-1], dtype=X.dtype), adjoint=False)
        else:
            Y = np.linalg.inv(X)
    out = record(Y, "LinalgInvEx", (A,), (lambda g: -T(Y) @ g @ T(Y),), saves_out=True)
    return out, Tensor._new(info)


def solve(A: Tensor, B: Tensor, check_errors: bool = True) -> tuple:
    """(X, info) with A X = B, A (..., n, n), B (..., n, k), batch dims broadcast.
    dB = A⁻ᵀ g (by A's LU, as PyTorch: inf / nan for a singular A),   dA = -dB Xᵀ."""
    X_A = A.data
    batch = np.broadcast_shapes(X_A.shape[:-2], B.data.shape[:-2])
    Ab = np.broadcast_to(X_A, batch + X_A.shape[-2:])
    Bb = np.broadcast_to(B.data, batch + B.data.shape[-2:])
    X, info = lapack(np.linalg.solve, Ab, Bb), np.zeros(X_A.shape[:-2], np.int32)
    if X is None:
        LU, piv, info = getrf(X_A)
        if check_errors:
            raise_info("linalg.solve", info, "The solver failed because the input matrix is "
                       "singular.")  # fmt: skip
        if info.any() or X_A.shape[-1] > SMALL:
            with np.errstate(divide="ignore", invalid="ignore"):
                X = getrs(LU, piv, Bb, adjoint=False)
        else:
            X = np.linalg.solve(Ab, Bb)

    def vjp_B(g: np.ndarray) -> np.ndarray:
        return solve_array(X_A, g, adjoint=True)

    def vjp_A(g: np.ndarray) -> np.ndarray:
        return -vjp_B(g) @ T(X)

    out = record(X, "LinalgSolveEx", (A, B), (vjp_A, vjp_B), (A,), saves_out=True)
    return out, Tensor._new(info)


def cholesky(A: Tensor, check_errors: bool = True) -> tuple:
    """(L, info), L lower triangular with A = L Lᵀ, read from A's lower triangle.
    dA = L⁻ᵀ Φ L⁻¹ with Φ = ½ (S + tril(S, -1)ᵀ), S = tril(Lᵀ g)  (PyTorch's formula)."""
    X = matrix("linalg.cholesky", A)
    info = np.zeros(X.shape[:-2], np.int32)
    try:
        L = np.linalg.cholesky(np.tril(X) + T(np.tril(X, -1)))
        failed = np.isnan(np.diagonal(L, axis1=-2, axis2=-1)).any()  # NumPy carries NaN on
    except np.linalg.LinAlgError:
        failed = True
    if failed:
        L, info = _cholesky_each(X)
    if check_errors:
        raise_info("linalg.cholesky", info, "The factorization could not be completed because "
                   "the input is not positive-definite (the leading minor of order {} is not "
                   "positive-definite).")  # fmt: skip

    def vjp(g: np.ndarray) -> np.ndarray:
        S = np.tril(T(L) @ g)
        phi = 0.5 * (S + T(np.tril(S, -1)))
        return trisolve(T(L), T(trisolve(T(L), T(phi), upper=True)), upper=True)

    return record(L, "LinalgCholeskyEx", (A,), (vjp,), saves_out=True), Tensor._new(info)


def _cholesky_each(X: np.ndarray) -> tuple:
    """Cholesky per matrix where a batch failed: where a pivot is not positive (or is NaN),
    LAPACK's partial factor (columns left to right, stopping there with the pivot's value,
    the columns after it as in A's lower triangle) and the pivot's order (else 0)."""
    flat = np.tril(X.reshape((-1,) + X.shape[-2:]))
    L = flat.copy()
    info = np.zeros(len(flat), np.int32)
    for b, A in enumerate(flat):
        for j in range(len(A)):
            pivot = A[j, j] - L[b, j, :j] @ L[b, j, :j]
            if not pivot > 0:  # also NaN
                L[b, j, j] = pivot
                info[b] = j + 1
                break
            L[b, j, j] = np.sqrt(pivot)
            L[b, j + 1 :, j] = (A[j + 1 :, j] - L[b, j + 1 :, :j] @ L[b, j, :j]) / L[b, j, j]
    return L.reshape(X.shape), info.reshape(X.shape[:-2])


def solve_triangular(A: Tensor, B: Tensor, upper: bool, unitriangular: bool) -> Tensor:
    """X with A X = B for A's upper or lower triangle (unit diagonal if ``unitriangular``).
    dB = A⁻ᵀ g,   dA = -dB Xᵀ on A's triangle."""
    X_A = A.data
    X = trisolve(X_A, B.data, upper, unitriangular)

    def vjp_B(g: np.ndarray) -> np.ndarray:
        return trisolve(T(X_A), g, not upper, unitriangular)

    def vjp_A(g: np.ndarray) -> np.ndarray:
        gA = -vjp_B(g) @ T(X)
        return np.triu(gA, int(unitriangular)) if upper else np.tril(gA, -int(unitriangular))

    return record(X, "LinalgSolveTriangular", (A, B), (vjp_A, vjp_B), (A,), saves_out=True)


def cholesky_solve(B: Tensor, L: Tensor, upper: bool) -> Tensor:
    """X with (L Lᵀ) X = B (or Uᵀ U X = B).   dB = (L Lᵀ)⁻¹ g and, with C = dB Xᵀ + X dBᵀ,
    dL = -C L (or -U C), PyTorch's formula, which treats L as a full matrix."""
    F = L.data
    A = T(F) if upper else F

    def sol(R: np.ndarray) -> np.ndarray:
        return trisolve(T(A), trisolve(A, R, upper=False), upper=True)

    X = sol(B.data)

    def vjp_L(g: np.ndarray) -> np.ndarray:
        gB = sol(g)
        C = gB @ T(X) + X @ T(gB)
        return -F @ C if upper else -C @ F

    return record(X, "CholeskySolve", (B, L), (sol, vjp_L), (L,), saves_out=True)


# ---- factorizations ----------------------------------------------------------------------


def qr(A: Tensor, mode: str) -> tuple:
    """A = Q R (Householder, as LAPACK's geqrf).   For m >= n, with M = R gRᵀ - gQᵀ Q,
    dA = (gQ + Q copyltu(M)) R⁻ᵀ; a wide A = [X | Y] differentiates X's QR and Y = Q V."""
    X = matrix("linalg.qr", A, square=False)
    m, n = X.shape[-2:]
    if mode == "r":
        R = np.linalg.qr(X, mode="r")
        Q = np.empty((0,), X.dtype)
    else:
        Q, R = np.linalg.qr(X, mode=mode)

    def vjp(gs: list) -> np.ndarray:
        if mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed "
                               "when mode='r'. Please use linalg.qr(A, mode='reduced') if you are "
                               "going to differentiate through linalg.qr.")  # fmt: skip
        if mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' "
                               f"and nrows > ncols (got {m} by {n}).")  # fmt: skip
        gQ, gR = zeros_for(gs, (Q, R))
        if m >= n:
            return _qr_vjp(Q, R, gQ, gR)
        gV = gR[..., m:]  # A's last columns Y = Q V, V = R's last columns
        gX = _qr_vjp(Q, R[..., :m], gQ + (Q @ R[..., m:]) @ T(gV), gR[..., :m])
        return np.concatenate([gX, Q @ gV], -1)

    return several("LinalgQr", A, (Q, R), vjp, reads=(0, 1))


def geqrf(A: Tensor) -> tuple:
    """LAPACK's geqrf: (a, tau), Householder vectors below a's diagonal; no derivative."""
    X = matrix("geqrf", A, square=False, name="input")
    h, tau = np.linalg.qr(X, mode="raw")
    return several("Geqrf", A, (np.ascontiguousarray(T(h)), tau), no_derivative("geqrf"))


def _qr_vjp(Q: np.ndarray, R: np.ndarray, gQ: np.ndarray, gR: np.ndarray) -> np.ndarray:
    M = R @ T(gR) - T(gQ) @ Q
    low = np.tril(M, -1)
    sym = low + T(low) + np.eye(M.shape[-1], dtype=M.dtype) * M
    return T(trisolve(R, T(gQ + Q @ sym), upper=True))


def eigh(A: Tensor, UPLO: str) -> tuple:
    """A = V diag(λ) Vᵀ from A's lower (UPLO='L') or upper triangle, λ ascending.
    dA = V (diag(gλ) + skew(Vᵀ gV) / E) Vᵀ,  skew(X) = (X - Xᵀ)/2,  E_ij = λ_j - λ_i
    (without the E term when V got no gradient, finite at repeated λ, as PyTorch)."""
    X = matrix("linalg.eigh", A)
    lam, V = np.linalg.eigh(X, UPLO=UPLO)

    def vjp(gs: list) -> np.ndarray:
        gl, gV = zeros_for(gs, (lam, V))
        if gs[1] is None:
            return (V * gl[..., None, :]) @ T(V)
        VtgV = T(V) @ gV
        E = lam[..., None, :] - lam[..., :, None]
        n = lam.shape[-1]
        E[..., range(n), range(n)] = 1
        with np.errstate(divide="ignore", invalid="ignore"):  # repeated λ: inf / nan, as PyTorch
            F = 0.5 * (VtgV - T(VtgV)) / E
        F[..., range(n), range(n)] = gl
        return V @ F @ T(V)

    return several("LinalgEigh", A, (lam, V), vjp, reads=(0, 1))


def svd(A: Tensor, full_matrices: bool) -> tuple:
    """A = U diag(S) Vh, S descending.   With k = min(m, n) (full matrices narrowed to k
    columns, as PyTorch), E_jk = S_k² - S_j² and skew(X) = X - Xᵀ:
    dA = U [(skew(Uᵀ gU) S + S skew(Vᵀ gV)) / E + diag(gS)] Vh
         + (I - U Uᵀ) gU S⁻¹ Vh + U S⁻¹ gVᵀ (I - V Vᵀ),
    each of the last two terms only where U (V) has more rows than k and got a gradient,
    as PyTorch (else it is 0, or 0 / 0 at a zero σ);
    dA = U diag(gS) Vh when neither U nor Vh got a gradient (finite at repeated S)."""
    X = matrix("linalg.svd", A, square=False)
    U, S, Vh = np.linalg.svd(X, full_matrices=full_matrices)

    def vjp(gs: list) -> np.ndarray:
        k = S.shape[-1]
        gU, gS, gVh = zeros_for(gs, (U, S, Vh))
        gU, gVh = gU[..., :k], gVh[..., :k, :]
        u, vh = U[..., :k], Vh[..., :k, :]
        if gs[0] is None and gs[2] is None:
            return (u * gS[..., None, :]) @ vh
        return _svd_vjp(u, S, vh, gU, gS, gVh, gs[0] is not None, gs[2] is not None)

    return several("LinalgSvd", A, (U, S, Vh), vjp, reads=(0, 1, 2))


def _svd_vjp(U, S, Vh, gU, gS, gVh, got_U: bool, got_V: bool) -> np.ndarray:
    V, gV = T(Vh), T(gVh)
    UtgU, VtgV = T(U) @ gU, Vh @ gV
    E = S[..., None, :] ** 2 - S[..., :, None] ** 2
    k = S.shape[-1]
    E[..., range(k), range(k)] = 1
    with np.errstate(divide="ignore", invalid="ignore"):
        gA = ((UtgU - T(UtgU)) * S[..., None, :] + S[..., :, None] * (VtgV - T(VtgV))) / E
        gA[..., range(k), range(k)] = gS
        gA = U @ gA @ Vh
        # the parts of gU, gV outside U's and V's columns: none where those are square
        # (PyTorch leaves the terms out there, where a zero σ would make them 0 / 0)
        if got_U and U.shape[-2] > k:
            gA = gA + (gU - U @ (T(U) @ gU)) / S[..., None, :] @ Vh
        if got_V and Vh.shape[-1] > k:
            gA = gA + U @ T((gV - V @ (Vh @ gV)) / S[..., None, :])
    return gA


def svdvals(A: Tensor) -> Tensor:
    """The singular values, descending.   dA = U diag(g) Vh, U and Vh computed with them
    where A needs a gradient (as PyTorch, which keeps them, and the values, for backward)."""
    X = matrix("linalg.svdvals", A, square=False)
    if not (_mode.enabled and A._requires_grad):
        return Tensor._new(np.linalg.svd(X, compute_uv=False))
    U, S, Vh = np.linalg.svd(X, full_matrices=False)
    return record(S, "LinalgSvdvals", (A,), (lambda g: (U * g[..., None, :]) @ Vh,),
                  saves_out=True)  # fmt: skip


def pinv(A: Tensor, atol, rtol, hermitian: bool) -> Tensor:
    """A⁺ from the SVD (or eigh), dropping singular values <= max(atol, rtol · σ_max).
    dA is PyTorch's pinv_backward (the derivative for A of constant rank)."""
    X = matrix("linalg.pinv", A, square=False)
    if hermitian:
        lam, V = np.linalg.eigh(X)
        s = np.abs(lam)
        U, Vh = V * np.sign(lam)[..., None, :], T(V)
    else:
        U, s, Vh = np.linalg.svd(X, full_matrices=False)
    smax = s.max(-1, keepdims=True) if s.shape[-1] else s[..., :1]
    tol = np.maximum(atol[..., None], rtol[..., None] * smax)
    with np.errstate(divide="ignore"):
        sinv = np.where(s > tol, 1 / s, 0).astype(X.dtype)
    P = (T(Vh) * sinv[..., None, :]) @ T(U)
    m, n = X.shape[-2:]

    def vjp(g: np.ndarray) -> np.ndarray:
        Pt, gt = T(P), T(g)
        if m <= n:
            K = gt @ P
            KPt = K @ Pt
            return -T(P @ K) + KPt - (X @ P) @ KPt + (Pt @ P) @ (gt - K @ X)
        K = P @ gt
        PtK = Pt @ K
        return -T(K @ P) + (gt - X @ K) @ P @ Pt + PtK - PtK @ P @ X

    return record(P, "LinalgPinv", (A,), (vjp,), (A,), saves_out=True)


def lu_factor(A: Tensor) -> tuple:
    """(LU, pivots, info): A = P L U packed, L unit lower (m×k), U upper (k×n), k = min(m, n).
    With gL = tril(g, -1), gU = triu(g), L₁ and U₁ their k×k blocks, L₂ and U₂ the rest:
    Φ = tril(Lᵀ gL, -1) + triu(gU Uᵀ) - L₂ᵀ gL₂ - gU₂ U₂ᵀ,  dA = P [L₁⁻ᵀ Φ U₁⁻ᵀ | L₁⁻ᵀ gU₂]
    (a wide A; a tall one stacks gL₂ U₁⁻ᵀ below instead)."""
    X = matrix("linalg.lu_factor", A, square=False)
    LU, piv, info = getrf(X)
    m, n = X.shape[-2:]
    k = min(m, n)

    def vjp(g: np.ndarray) -> np.ndarray:
        L = np.tril(LU, -1)[..., :k] + np.eye(m, k, dtype=LU.dtype)
        U = np.triu(LU)[..., :k, :]
        gL, gU = np.tril(g, -1)[..., :k], np.triu(g)[..., :k, :]
        L1, L2, gL2 = L[..., :k, :], L[..., k:, :], gL[..., k:, :]
        U1, U2, gU2 = U[..., :k], U[..., k:], gU[..., k:]
        phi = np.tril(T(L) @ gL, -1) + np.triu(gU @ T(U)) - T(L2) @ gL2 - gU2 @ T(U2)
        phi = trisolve(T(L1), phi, upper=True, unit=True)
        gA = T(trisolve(U1, T(phi), upper=True))
        if n > m:
            gA = np.concatenate([gA, trisolve(T(L1), gU2, upper=True, unit=True)], -1)
        elif m > n:
            gA = np.concatenate([gA, T(trisolve(U1, T(gL2), upper=True))], -2)
        return permutation(piv, m, X.dtype) @ gA

    out = record(LU, "LinalgLuFactorEx", (A,), (vjp,), saves_out=True)
    return out, Tensor._new(piv), Tensor._new(info)


def matrix_exp(A: Tensor) -> Tensor:
    """exp(A) = Σ A^k / k!, by scaling and squaring.   dA = the upper-right block of
    exp([[Aᵀ, g], [0, Aᵀ]]) (the Fréchet derivative at Aᵀ applied to g)."""
    X = matrix("linalg.matrix_exp", A, half=True)

    def vjp(g: np.ndarray) -> np.ndarray:
        n = X.shape[-1]
        Z = np.zeros(np.broadcast_shapes(X.shape, g.shape)[:-2] + (2 * n, 2 * n), g.dtype)
        Z[..., :n, :n] = Z[..., n:, n:] = T(X)
        Z[..., :n, n:] = g
        return _expm(Z)[..., :n, n:]

    return record(_expm(X), "LinalgMatrixExp", (A,), (vjp,), (A,))


def _expm(X: np.ndarray) -> np.ndarray:
    """exp of each matrix (float16 computed in float32); NaN for one with an inf or NaN."""
    if X.dtype == np.float16:
        return _expm(X.astype(np.float32)).astype(np.float16)
    return nan_where_not_finite(_expm_finite, X)


def _expm_finite(X: np.ndarray) -> np.ndarray:
    norm = np.abs(X).sum(-2).max() if X.size else 0.0
    s = int(max(0, np.ceil(np.log2(norm / 0.5)))) if norm > 0.5 else 0
    Y = X / 2**s
    term = out = np.broadcast_to(np.eye(X.shape[-1], dtype=X.dtype), X.shape).copy()
    for k in range(1, 21):
        term = term @ Y / k
        out = out + term
    for _ in range(s):
        out = out @ out
    return out


def vector_norm(x: Tensor, ord: float, dim, keepdim: bool) -> Tensor:
    """‖x‖_p over ``dim`` (all dims when None): (Σ|x|^p)^(1/p), max |x| (p = inf), min |x|
    (-inf), the count of non-zeros (0, no gradient).   dx = g sgn(x) |x|^(p-1) / ‖x‖^(p-1) (0 where
    ‖x‖ = 0); p = inf splits g evenly among the maxima, as PyTorch."""
    X = x.data
    axes = tuple(range(X.ndim)) if dim is None else dim
    a = np.abs(X)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if ord == 0:
            n = (a != 0).sum(axes, keepdims=True).astype(X.dtype)
        elif ord == np.inf:
            n = a.max(axes, keepdims=True, initial=0)
        elif ord == -np.inf:
            n = a.min(axes, keepdims=True)
        elif ord == 1 or math.prod(np.shape(a)[d] for d in np.atleast_1d(axes)) == 1:
            # over one element the norm is |x|, as PyTorch's (no |x|^p to overflow)
            n = a.sum(axes, keepdims=True)
        elif ord == 2:
            n = np.sqrt((opmath(a) ** 2).sum(axes, keepdims=True)).astype(a.dtype)
        else:
            n = ((opmath(a) ** ord).sum(axes, keepdims=True) ** (1 / ord)).astype(a.dtype)
    out = n if keepdim else np.squeeze(n, axes)

    def vjp(g: np.ndarray) -> np.ndarray:
        g = g.reshape(n.shape)
        sg = sgn(X, X.dtype)  # 0 at NaN, as PyTorch's sgn
        with np.errstate(divide="ignore", invalid="ignore"):
            if ord == 0:  # PyTorch gives no gradient
                return None
            if np.isinf(ord):
                mask = (a == n) | np.isnan(a)
                return sg * (g / mask.sum(axes, keepdims=True)) * mask
            if ord == 1:
                return sg * g
            if ord < 1:
                scaled = np.where(X == 0, 0, sg * a ** (ord - 1))
                return scaled * g * n ** (1 - ord)
            scale = np.where(n == 0, 0, g / n ** (ord - 1))
            return (X if ord == 2 else sg * a ** (ord - 1)) * scale

    return record(out, "LinalgVectorNorm", (x,), (vjp,), (x,), saves_out=True)


# ---- LDLᵀ (Bunch-Kaufman) ----------------------------------------------------------------

_BUNCH_KAUFMAN = (1 + math.sqrt(17)) / 8  # the pivot threshold α of LAPACK's sytf2


def sytrf(X: np.ndarray) -> tuple:
    """LAPACK's sytf2 (lower) on a batch of symmetric X (..., n, n), from their lower
    triangles: P A Pᵀ = L D Lᵀ with Bunch-Kaufman pivoting, D of 1x1 and 2x2 blocks.
    Returns LD (L's multipliers below the diagonal, D's blocks on and beside it), the
    1-based pivots (int32: k for a 1x1 block after swapping rows/cols k and pivots[k];
    -p twice for a 2x2 block after swapping its second row/col with p) and info (the
    first zero pivot, 1-based, else 0)."""
    n = X.shape[-1]
    batch = X.shape[:-2]
    LD = np.tril(X).reshape((math.prod(batch), n, n))
    piv = np.zeros((LD.shape[0], n), np.int32)
    info = np.zeros(LD.shape[0], np.int32)
    for A, p, i in zip(LD, piv, range(LD.shape[0])):
        info[i] = _sytf2(A, p)
    return np.tril(LD).reshape(X.shape), piv.reshape(batch + (n,)), info.reshape(batch)


def _sytf2(A: np.ndarray, piv: np.ndarray) -> int:
    """sytf2 on one matrix A (n, n) in place, its lower triangle read; 0-based here."""
    n, info, k = A.shape[0], 0, 0
    alpha = _BUNCH_KAUFMAN
    while k < n:
        step = 1
        absakk = abs(A[k, k])
        imax = k + 1 + int(np.argmax(np.abs(A[k + 1 :, k]))) if k < n - 1 else k
        colmax = abs(A[imax, k]) if k < n - 1 else 0.0
        if np.fmax(absakk, colmax) == 0:  # Fortran's MAX, which skips a NaN, as PyTorch's
            info = info or k + 1
            kp = k
        else:
            kp = k
            if not absakk >= alpha * colmax:  # LAPACK's test: a NaN searches on
                # the largest off-diagonal of row/column imax
                rowmax = np.abs(A[imax, k:imax]).max()
                if imax < n - 1:
                    rowmax = max(rowmax, np.abs(A[imax + 1 :, imax]).max())
                if absakk >= alpha * colmax * (colmax / rowmax):
                    kp = k
                elif abs(A[imax, imax]) >= alpha * rowmax:
                    kp = imax
                else:
                    kp, step = imax, 2
            kk = k + step - 1
            if kp != kk:  # swap rows and columns kk and kp of the trailing A[k:, k:]
                A[kp + 1 :, [kk, kp]] = A[kp + 1 :, [kp, kk]]
                col, row = A[kk + 1 : kp, kk].copy(), A[kp, kk + 1 : kp].copy()
                A[kk + 1 : kp, kk], A[kp, kk + 1 : kp] = row, col
                A[kk, kk], A[kp, kp] = A[kp, kp], A[kk, kk]
                if step == 2:
                    A[k + 1, k], A[kp, k] = A[kp, k], A[k + 1, k]
            if step == 1 and k < n - 1:
                d11 = 1 / A[k, k]
                x = A[k + 1 :, k]
                A[k + 1 :, k + 1 :] += x[:, None] * (-d11 * x)[None, :]
                A[k + 1 :, k] = x * d11
            elif step == 2 and k < n - 2:
                d21 = A[k + 1, k]
                d11, d22 = A[k + 1, k + 1] / d21, A[k, k] / d21
                d21 = 1 / (d11 * d22 - 1) / d21
                a, b = A[k + 2 :, k].copy(), A[k + 2 :, k + 1].copy()
                wk, wkp1 = d21 * (d11 * a - b), d21 * (d22 * b - a)
                A[k + 2 :, k + 2 :] = A[k + 2 :, k + 2 :] - a[:, None] * wk - b[:, None] * wkp1
                A[k + 2 :, k], A[k + 2 :, k + 1] = wk, wkp1
        piv[k : k + step] = kp + 1 if step == 1 else -(kp + 1)
        k += step
    return info


def sytrs(LD: np.ndarray, piv: np.ndarray, B: np.ndarray) -> np.ndarray:
    """LAPACK's sytrs (lower): X with A X = B from sytrf's LD (n, n) and pivots (n,) of A,
    B (n, k): L D Lᵀ solved by substitution, the rows swapped as the pivots say."""
    B = B.copy()
    n, k = LD.shape[0], 0
    while k < n:  # L D Y = P B
        if piv[k] > 0:
            kp = piv[k] - 1
            B[[k, kp]] = B[[kp, k]]
            B[k + 1 :] -= LD[k + 1 :, k, None] * B[k]
            B[k] /= LD[k, k]
            k += 1
        else:
            kp = -piv[k] - 1
            B[[k + 1, kp]] = B[[kp, k + 1]]
            B[k + 2 :] -= LD[k + 2 :, k, None] * B[k]
            B[k + 2 :] -= LD[k + 2 :, k + 1, None] * B[k + 1]
            d21 = LD[k + 1, k]
            d11, d22 = LD[k, k] / d21, LD[k + 1, k + 1] / d21
            denom = d11 * d22 - 1
            b1, b2 = B[k] / d21, B[k + 1] / d21
            B[k], B[k + 1] = (d22 * b1 - b2) / denom, (d11 * b2 - b1) / denom
            k += 2
    k = n - 1
    while k >= 0:  # Lᵀ Pᵀ X = Y
        B[k] -= LD[k + 1 :, k] @ B[k + 1 :]
        if piv[k] > 0:
            kp = piv[k] - 1
            B[[k, kp]] = B[[kp, k]]
            k -= 1
        else:
            B[k - 1] -= LD[k + 1 :, k - 1] @ B[k + 1 :]
            kp = -piv[k] - 1
            B[[k, kp]] = B[[kp, k]]
            k -= 2
    return B
