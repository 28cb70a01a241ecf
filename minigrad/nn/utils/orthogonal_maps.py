"""The three maps from unconstrained matrices to orthogonal ones that
``parametrizations.orthogonal`` uses, differentiable: the matrix exponential and the
Cayley map of a skew-symmetric matrix, and a product of Householder reflections (as
``torch.matrix_exp``, ``torch.linalg.solve`` and ``torch.linalg.householder_product``
compute them, for real matrices and batches of them)."""

from __future__ import annotations

import numpy as np

from ...engine import record
from ...factories import eye
from ...tensor import Tensor


def _expm(a: np.ndarray) -> np.ndarray:
    """exp(a) of a batch of square matrices: Taylor's series of a / 2^s (1-norm at most
    1/2, 20 terms: error below 1e-25 of the norm) squared s times."""
    norm = np.abs(a).sum(-2).max() if a.size else 0.0
    s = max(0, int(np.ceil(np.log2(norm / 0.5)))) if norm > 0.5 else 0
    x = a / 2.0**s
    term = result = np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)
    for k in range(1, 20):
        term = term @ x / k
        result = result + term
    for _ in range(s):
        result = result @ result
    return result


def matrix_exp(input: Tensor) -> Tensor:
    """exp(A) = Σ Aᵏ / k!.   dA = the upper right block of exp([[Aᵀ, g], [0, Aᵀ]])
    (the Fréchet derivative of exp at Aᵀ, applied to g)."""
    a = input.data
    n = a.shape[-1]

    def vjp(g: np.ndarray) -> np.ndarray:
        at = np.swapaxes(a, -1, -2)
        block = np.zeros(a.shape[:-2] + (2 * n, 2 * n), a.dtype)
        block[..., :n, :n] = block[..., n:, n:] = at
        block[..., :n, n:] = g
        return _expm(block)[..., :n, n:]

    return record(_expm(a), "MatrixExp", (input,), (vjp,), saved=(input,))


def solve(A: Tensor, B: Tensor) -> Tensor:
    """X = A⁻¹ B for square A and a matrix B.   dB = A⁻ᵀ g,   dA = -dB Xᵀ."""
    a, b = A.data, B.data
    x = np.linalg.solve(a, b)

    def vjp_b(g: np.ndarray) -> np.ndarray:
        return np.linalg.solve(np.swapaxes(a, -1, -2), g)

    def vjp_a(g: np.ndarray) -> np.ndarray:
        return -vjp_b(g) @ np.swapaxes(x, -1, -2)

    return record(x, "LinalgSolve", (A, B), (vjp_a, vjp_b), saved=(A,))


def householder_product(A: Tensor, tau: Tensor) -> Tensor:
    """The first k columns of H₁ H₂ ⋯ H_k, H_i = I - τ_i v_i v_iᵀ, v_i column i of A
    below the diagonal, 1 on it and 0 above (A of shape (..., m, k)); composed of
    differentiable ops."""
    m, k = A.shape[-2], A.shape[-1]
    v = A.tril(-1) + eye(m, k, dtype=A.dtype)
    q = eye(m, dtype=A.dtype).expand(*A.shape[:-2], m, m)
    for i in range(k):
        vi = v[..., :, i : i + 1]
        q = q - (q @ vi) @ (vi.mT * tau[..., i : i + 1].unsqueeze(-1))
    return q[..., :, :k]
