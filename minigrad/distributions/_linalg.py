"""The matrix ops MultivariateNormal needs, with their VJPs (batched over leading dims).

cholesky:          A = L Lᵀ,  Ā = sym(L⁻ᵀ Φ(Lᵀ L̄) L⁻¹),  Φ = lower triangle with the diagonal halved
solve_tril:        X = L⁻¹ B,  B̄ = L⁻ᵀ X̄,  L̄ = -tril(B̄ Xᵀ)
cholesky_inverse:  P = (L Lᵀ)⁻¹,  L̄ = -P (P̄ + P̄ᵀ) P L  (L taken as a full matrix, as PyTorch)
"""

from __future__ import annotations

import numpy as np

from ..engine import record
from ..tensor import Tensor


def _mT(a: np.ndarray) -> np.ndarray:
    return np.swapaxes(a, -1, -2)


def cholesky(A: Tensor) -> Tensor:
    """The lower Cholesky factor of symmetric positive-definite ``A`` (..., n, n)."""
    try:
        L = np.linalg.cholesky(A.data)
    except np.linalg.LinAlgError as e:
        raise RuntimeError(
            f"linalg.cholesky: the input of shape {tuple(A.shape)} is not positive-definite"
        ) from e

    def vjp(g: np.ndarray) -> np.ndarray:
        P = np.tril(_mT(L) @ g)
        P -= 0.5 * np.eye(L.shape[-1]) * P
        Lt = _mT(L)
        Y = _mT(np.linalg.solve(Lt, _mT(np.linalg.solve(Lt, P))))
        return 0.5 * (Y + _mT(Y))

    return record(L, "LinalgCholesky", (A,), (vjp,), saved=(A,))


def solve_tril(L: Tensor, B: Tensor) -> Tensor:
    """X = L⁻¹ B for lower-triangular ``L`` (..., n, n) and ``B`` (..., n, k), broadcast."""
    Ld = np.tril(L.data)
    X = np.linalg.solve(Ld, B.data)

    def vjp_B(g: np.ndarray) -> np.ndarray:
        return np.linalg.solve(_mT(Ld), g)

    def vjp_L(g: np.ndarray) -> np.ndarray:
        return -np.tril(np.linalg.solve(_mT(Ld), g) @ _mT(X))

    return record(X, "LinalgSolveTriangular", (L, B), (vjp_L, vjp_B), saved=(L, B))


def cholesky_inverse(L: Tensor) -> Tensor:
    """P = (L Lᵀ)⁻¹ from a lower Cholesky factor ``L`` (..., n, n);  L̄ = -P (P̄ + P̄ᵀ) P L."""
    Ld = np.tril(L.data)
    L_inv = np.linalg.solve(Ld, np.broadcast_to(np.eye(Ld.shape[-1], dtype=Ld.dtype), Ld.shape))
    P = _mT(L_inv) @ L_inv

    def vjp(g: np.ndarray) -> np.ndarray:
        return -P @ (g + _mT(g)) @ P @ Ld

    return record(P, "CholeskyInverse", (L,), (vjp,), saved=(L,))
