"""``minigrad.linalg``: PyTorch's torch.linalg, and the matching torch.* functions.

The factorizations, solvers, determinants and norms are graph nodes of their own
(``linalg_ops.py``, forward beside VJP); the rest is composed from them and from
minigrad's ops, as PyTorch composes them (``matrix_norm`` of ``vector_norm`` and ``amax``,
``pinv``-based ``lstsq``, ``lu_solve`` of two triangular solves), so that their gradients
are what those compositions give.
"""

from __future__ import annotations

import inspect
import math
import operator
from typing import Any

import numpy as np

from . import dtypes, functions, ops, select_ops
from . import linalg_ops as _la
from .engine import record
from .errors import OpError
from .linalg_ops import LinAlgError
from .ops import _no_vjp
from .return_types import return_type
from .tensor import Tensor, check_tensor

__all__ = [
    "LinAlgError", "cholesky", "cholesky_ex", "cond", "cross", "det", "diagonal", "eig",
    "eigh", "eigvals", "eigvalsh", "householder_product", "inv", "inv_ex", "ldl_factor",
    "ldl_factor_ex", "ldl_solve", "lstsq", "lu",
    "lu_factor", "lu_factor_ex", "lu_solve", "matmul", "matrix_exp", "matrix_norm", "matrix_power",
    "matrix_rank", "multi_dot", "norm", "pinv", "qr", "slogdet", "solve", "solve_ex",
    "solve_triangular", "svd", "svdvals", "tensorinv", "tensorsolve", "vander", "vecdot",
    "vector_norm",
]  # fmt: skip

Slogdet = return_type("linalg_slogdet", ["sign", "logabsdet"])
InvEx = return_type("linalg_inv_ex", ["inverse", "info"])
SolveEx = return_type("linalg_solve_ex", ["result", "info"])
CholeskyEx = return_type("linalg_cholesky_ex", ["L", "info"])
QR = return_type("linalg_qr", ["Q", "R"])
Eigh = return_type("linalg_eigh", ["eigenvalues", "eigenvectors"])
SVD = return_type("linalg_svd", ["U", "S", "Vh"])
Lstsq = return_type("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])
LUFactor = return_type("linalg_lu_factor", ["LU", "pivots"])
LUFactorEx = return_type("linalg_lu_factor_ex", ["LU", "pivots", "info"])
LU = return_type("linalg_lu", ["P", "L", "U"])
LDLFactor = return_type("linalg_ldl_factor", ["LD", "pivots"])
LDLFactorEx = return_type("linalg_ldl_factor_ex", ["LD", "pivots", "info"])


def cross(input: Tensor, other: Tensor, *, dim: int = -1) -> Tensor:
    """The cross product of 3-vectors along ``dim`` (broadcast), as torch.linalg.cross."""
    if not isinstance(input, Tensor):
        raise TypeError(
            f"linalg_cross(): argument 'input' (position 1) must be Tensor, not "
            f"{type(input).__name__}"
        )
    return select_ops.cross(input, other, dim)


# ---- norms -------------------------------------------------------------------------------


def _float(
    op: str, x: Tensor, dtype: Any = None, name: str = "input", modulus: bool = False
) -> Tensor:
    """x (cast to ``dtype``), which must be a float tensor, as PyTorch's norms require; with
    ``modulus`` (a norm that sees only each element's size) a complex x is taken as |x|."""
    check_tensor(op, name, x)
    if x.data.dtype.kind == "c":
        if not modulus:
            raise _la.complex_error(op, x.data.dtype)
        return ops.abs(x if dtype is None else ops.to(x, dtypes.as_dtype(dtype)))
    if x.data.dtype.kind != "f":  # before any cast: an integer x with a float dtype too
        kind = "Long" if x.data.dtype.kind in "iu" else str(x.data.dtype)
        raise OpError(f"{op}: Expected a floating point or complex tensor as input. Got {kind}")
    if dtype is not None:
        if np.promote_types(x.data.dtype, dtype) != dtype:
            raise OpError(f"{op}: the dtype of the input ({x.dtype}) should be convertible "
                          f"without narrowing to the specified dtype ({dtype})")  # fmt: skip
        x = ops.to(x, dtype)
    return x


def _dims(dim: Any) -> tuple | None:
    if dim is None:
        return None
    dims = dim if isinstance(dim, (tuple, list)) else (dim,)
    return tuple(operator.index(d) for d in dims)


def vector_norm(
    x: Tensor, ord: Any = 2, dim: Any = None, keepdim: bool = False, *, dtype: Any = None
) -> Tensor:
    """‖x‖_ord over ``dim`` (all elements when None): (Σ|x|^ord)^(1/ord); max |x| for inf,
    min |x| for -inf, the number of non-zeros for 0."""
    if isinstance(ord, str) or not isinstance(ord, (int, float, np.number)):
        raise TypeError(
            f"linalg_vector_norm(): argument 'ord' must be Number, not {type(ord).__name__}"
        )
    x = _float("linalg.vector_norm", x, dtype, "x", modulus=True)
    dims = _dims(dim) or None  # dim=() is every dim, as None
    if dims is not None:
        for d in dims:
            if not -max(x.ndim, 1) <= d < max(x.ndim, 1):
                raise IndexError(
                    f"linalg.vector_norm: dim {d} out of range for a {x.ndim}-D tensor"
                )
        if len({d % max(x.ndim, 1) for d in dims}) != len(dims):
            raise OpError(f"linalg.vector_norm: dim {dims} appears multiple times")
    empty = x.numel() == 0 if dims is None else any(x.shape[d] == 0 for d in dims if x.ndim)
    if (ord < 0 or ord == math.inf) and empty:
        raise OpError(f"linalg.vector_norm cannot compute the {ord} norm on an empty tensor "
                      "because the operation does not have an identity")  # fmt: skip
    return _la.vector_norm(x, float(ord), dims if x.ndim else None, keepdim)


def matrix_norm(
    A: Tensor, ord: Any = "fro", dim: Any = (-2, -1), keepdim: bool = False, *, dtype: Any = None
) -> Tensor:
    """A matrix norm over the two dims ``dim``: 'fro' (√Σa²), 'nuc' (Σσ), 2 / -2 (max / min
    σ), 1 / -1 (max / min column sum of |a|), inf / -inf (max / min row sum)."""
    A = _float("linalg.matrix_norm", A, dtype, "A", modulus=ord not in ("nuc", 2, -2))
    if A.ndim < 2:
        raise OpError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    dims = _dims(dim)
    if len(dims) != 2 or dims[0] % A.ndim == dims[1] % A.ndim:
        raise OpError(f"linalg.matrix_norm: dim must be a 2-tuple of different dims. Got {dim}")
    d0, d1 = (d % A.ndim for d in dims)
    if ord == "fro" or (ord in (2, 1, math.inf) and A.numel() == 0):  # a max over nothing is 0
        return vector_norm(A, 2, (d0, d1), keepdim)
    if ord in ("nuc", 2, -2):
        B = ops.permute(A, *[d for d in range(A.ndim) if d not in (d0, d1)], d0, d1)
        s = _la.svdvals(B)
        out = s.sum(-1) if ord == "nuc" else (s.amax(-1) if ord == 2 else s.amin(-1))
        if keepdim:
            out = out.unsqueeze(min(d0, d1)).unsqueeze(max(d0, d1))
        return out
    if ord in (1, -1, math.inf, -math.inf):
        over, keep = (d0, d1) if ord in (1, -1) else (d1, d0)
        sums = vector_norm(A, 1, over, keepdim=True)
        out = sums.amax(keep, keepdim=True) if ord > 0 else sums.amin(keep, keepdim=True)
        return out if keepdim else out.squeeze((d0, d1))
    raise OpError(f"linalg.matrix_norm: Order {ord} not supported.")


def norm(
    input: Tensor, ord: Any = None, dim: Any = None, keepdim: bool = False, *, dtype: Any = None
) -> Tensor:
    """vector_norm or matrix_norm, as torch.linalg.norm picks: matrix_norm for a string
    ord, else by len(dim), else by input.ndim when ord is given, else the 2-norm of all
    elements."""
    check_tensor("linalg.norm", "input", input)
    dims = _dims(dim)
    if dims is None and ord is not None and input.ndim not in (1, 2):
        raise OpError("linalg.norm: If dim is not specified but ord is, the input must be 1D "
                      f"or 2D. Got {input.ndim}D.")  # fmt: skip
    if isinstance(ord, str):
        return matrix_norm(input, ord, (-2, -1) if dims is None else dims, keepdim, dtype=dtype)
    if dims is not None:
        if len(dims) == 2:
            return matrix_norm(input, "fro" if ord is None else ord, dims, keepdim, dtype=dtype)
        if len(dims) != 1:
            raise OpError(
                f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got {dim}"
            )
        return vector_norm(input, 2 if ord is None else ord, dims, keepdim, dtype=dtype)
    if ord is None:
        return vector_norm(input, 2, None, keepdim, dtype=dtype)
    if input.ndim == 2:
        return matrix_norm(input, ord, (-2, -1), keepdim, dtype=dtype)
    return vector_norm(input, ord, None, keepdim, dtype=dtype)


def cond(A: Tensor, p: Any = None) -> Tensor:
    """κ(A) = ‖A‖ ‖A⁻¹‖ in the norm ``p``; for p None / 2 / -2, σ_max / σ_min (or its
    inverse), which any matrix has."""
    if p not in (None, 2, -2, "fro", "nuc", 1, -1, math.inf, -math.inf):
        raise OpError(f"linalg.cond got an invalid norm type: {p}")
    if A.ndim >= 2 and A.numel() == 0 and p not in ("fro", "nuc"):  # κ of no matrix is 0
        return vector_norm(A, 2, (-2, -1))
    if p in (None, 2, -2):
        s = svdvals(A)
        return s[..., 0] / s[..., -1] if p != -2 else s[..., -1] / s[..., 0]
    _la.matrix("linalg.cond", A)
    Ainv, info = inv_ex(A)
    out = matrix_norm(A, p) * matrix_norm(Ainv, p)
    bad = np.asarray(info.data > 0)
    if not bad.any():
        return out
    return functions.where(Tensor._new(bad), Tensor._new(np.array(np.inf, A.dtype)), out)


# ---- determinants, inverses, solvers -----------------------------------------------------


def det(A: Tensor) -> Tensor:
    """det A for A (..., n, n) -> (...)."""
    return _la.det(A)


def slogdet(A: Tensor) -> tuple:
    """(sign, logabsdet) with det A = sign · exp(logabsdet); logabsdet = -inf if singular."""
    return Slogdet(*_la.slogdet(A))


def inv(A: Tensor) -> Tensor:
    """A⁻¹ (LinAlgError if A is singular)."""
    return _la.inv(A)[0]


def inv_ex(A: Tensor, *, check_errors: bool = False) -> tuple:
    """(A⁻¹, info): info > 0 where A is singular (then the inverse is not meaningful)."""
    return InvEx(*_la.inv(A, check_errors))


def _rhs(op: str, A: Tensor, B: Tensor, left: bool) -> tuple:
    """B as a (batch of) matrices and whether it was a vector, by PyTorch's rule: B is a
    vector if it is 1-D or has A's batch shape and one dim fewer than A."""
    _la.matrix(op, A)
    check_tensor(op, "B", B)
    if B.dtype != A.dtype:
        raise OpError(f"{op}: Expected A and B to have the same dtype, but found A of type "
                      f"{A.dtype} and B of type {B.dtype} instead")  # fmt: skip
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])
    Bm = B.unsqueeze(-1) if vector else B  # a column, also for X A = B (where it fails)
    n = A.shape[-1]
    if Bm.ndim < 2 or Bm.shape[-2 if left else -1] != n:
        eq = "AX = B" if left else "XA = B"
        raise OpError(f"{op}: Incompatible shapes of A and B for the equation {eq} ({n}x{n} "
                      f"and {'x'.join(map(str, Bm.shape[-2:]))})")  # fmt: skip
    try:
        np.broadcast_shapes(A.shape[:-2], Bm.shape[:-2])
    except ValueError:
        raise OpError(
            f"{op}: the batch dims of A {A.shape} and B {B.shape} do not broadcast"
        ) from None
    return Bm, vector


def solve_ex(A: Tensor, B: Tensor, *, left: bool = True, check_errors: bool = False) -> tuple:
    """(X, info) with A X = B (X A = B if not ``left``); B (..., n, k) or, for A X = B, a
    batch of vectors (..., n); batch dims broadcast; info > 0 where A is singular."""
    Bm, vector = _rhs("linalg.solve", A, B, left)
    if left:
        X, info = _la.solve(A, Bm, check_errors)
    else:
        X, info = _la.solve(A.mT, Bm.mT, check_errors)
        X = X.mT
    return SolveEx(X.squeeze(-1) if vector else X, info)


def solve(A: Tensor, B: Tensor, *, left: bool = True) -> Tensor:
    """X with A X = B (X A = B if not ``left``); LinAlgError if A is singular."""
    return solve_ex(A, B, left=left, check_errors=True)[0]


def cholesky_ex(A: Tensor, *, upper: bool = False, check_errors: bool = False) -> tuple:
    """(L, info): A = L Lᵀ from A's lower triangle (U with A = Uᵀ U from its upper one if
    ``upper``); info > 0 (the order of a leading minor) where A is not positive-definite."""
    if upper:
        L, info = _la.cholesky(_transposed("linalg.cholesky", A), check_errors)
        return CholeskyEx(L.mT, info)
    return CholeskyEx(*_la.cholesky(A, check_errors))


def cholesky(A: Tensor, *, upper: bool = False) -> Tensor:
    """L with A = L Lᵀ (LinAlgError if A is not positive-definite)."""
    return cholesky_ex(A, upper=upper, check_errors=True)[0]


def _transposed(op: str, A: Tensor) -> Tensor:
    _la.matrix(op, A)
    return A.mT


def solve_triangular(
    A: Tensor, B: Tensor, *, upper: bool, left: bool = True, unitriangular: bool = False
) -> Tensor:
    """X with A X = B (X A = B if not ``left``) for A's upper or lower triangle (its
    diagonal taken as ones if ``unitriangular``); batch dims broadcast; X in A's dtype."""
    op = "linalg.solve_triangular"
    _la.matrix(op, A)
    check_tensor(op, "B", B)
    if B.dtype != A.dtype:  # PyTorch solves in A's dtype (MultivariateNormal relies on it)
        B = B.to(A.dtype)
    _la.matrix(op, B, square=False, name="B")
    n = A.shape[-1]
    if B.shape[-2 if left else -1] != n:
        eq = "AX = B" if left else "XA = B"
        raise OpError(f"{op}: Incompatible shapes of A and B for the equation {eq} "
                      f"({n}x{n} and {B.shape[-2]}x{B.shape[-1]})")  # fmt: skip
    if left:
        return _la.solve_triangular(A, B, upper, unitriangular)
    return _la.solve_triangular(A.mT, B.mT, not upper, unitriangular).mT


def matrix_power(A: Tensor, n: int) -> Tensor:
    """A^n by repeated squaring in PyTorch's order of products (A⁻¹ to the power -n for
    n < 0; for n = 0 the identity, with a zero gradient; a copy of A for n = 1)."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(
            f"linalg_matrix_power(): argument 'n' (position 2) must be int, not {type(n).__name__}"
        )
    check_tensor("linalg.matrix_power", "A", A)
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise OpError(
            f"linalg.matrix_power: A must be batches of square matrices, got shape {A.shape}"
        )
    if n == 0:
        return _la.identity_like(A)
    a = A if n > 0 else inv(A)
    n = abs(n)
    if n == 1:
        return a.clone()
    if n == 2:
        return a @ a
    if n == 3:
        return (a @ a) @ a
    z = result = None
    while n:
        bit, n = n % 2, n // 2
        z = a if z is None else z @ z
        if bit:
            result = z if result is None else result @ z
    return result


def matrix_exp(A: Tensor) -> Tensor:
    """exp(A) = Σ_k A^k / k! of square matrices."""
    return _la.matrix_exp(A)


def matrix_rank(
    A: Tensor, *older: Any, atol: Any = None, rtol: Any = None, hermitian: bool = False,
    **older_kw: Any,
) -> Tensor:  # fmt: skip
    """The number of singular values (|eigenvalues| if ``hermitian``) above
    max(atol, rtol · σ_max), rtol defaulting to eps · max(m, n) when atol is not given.
    PyTorch's older overload ``matrix_rank(A, tol, hermitian=False)`` is atol = tol, rtol = 0."""
    if older or older_kw:
        tol, hermitian = _older_overload(
            "matrix_rank", "tol", older, older_kw, atol, rtol, hermitian
        )
        atol, rtol = tol, 0.0
    X = _la.matrix("linalg.matrix_rank", A, square=hermitian)
    s = np.abs(np.linalg.eigvalsh(X)) if hermitian else np.linalg.svd(X, compute_uv=False)
    atol_, rtol_ = _tolerances(X, atol, rtol)
    smax = s.max(-1) if s.shape[-1] else np.zeros(s.shape[:-1], s.dtype)
    tol = np.maximum(atol_, rtol_ * smax)
    return Tensor._new(np.asarray((s > tol[..., None]).sum(-1), np.int64))


def _tolerances(X: np.ndarray, atol: Any, rtol: Any) -> tuple:
    """PyTorch's atol and rtol as arrays (which broadcast with the batch dims): rtol is
    eps · max(m, n) when both are None, and 0 when only atol is given and positive."""

    def arr(v: Any) -> np.ndarray:
        return np.asarray(v.data if isinstance(v, Tensor) else v, X.dtype)

    a = arr(0.0 if atol is None else atol)
    if rtol is None:
        default = np.finfo(X.dtype).eps * max(X.shape[-2:])
        rtol = np.where(a > 0, 0.0, default) if atol is not None else default
    return a, arr(rtol)


def _older_overload(
    op: str, name: str, args: tuple, kwargs: dict, atol: Any, rtol: Any, hermitian: bool
) -> tuple:
    """(``name``'s value, hermitian) of PyTorch's older overload ``op(A, name,
    hermitian=False)``, which takes neither atol nor rtol."""
    older = inspect.Signature([
        inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter("hermitian", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=hermitian),
    ])  # fmt: skip
    try:
        bound = older.bind(*args, **kwargs)
    except TypeError as e:
        raise TypeError(f"linalg_{op}(): {e}") from None
    if atol is not None or rtol is not None:
        raise TypeError(f"linalg_{op}(): '{name}' is not taken with 'atol' or 'rtol'")
    bound.apply_defaults()
    return bound.arguments[name], bound.arguments["hermitian"]


def pinv(
    A: Tensor, *older: Any, atol: Any = None, rtol: Any = None, hermitian: bool = False,
    **older_kw: Any,
) -> Tensor:  # fmt: skip
    """The pseudo-inverse A⁺ = V diag(1/σ) Uᵀ over singular values above
    max(atol, rtol · σ_max) (by eigh if ``hermitian``). PyTorch's older overload
    ``pinv(A, rcond, hermitian=False)`` is atol = 0, rtol = rcond."""
    if older or older_kw:
        rcond, hermitian = _older_overload("pinv", "rcond", older, older_kw, atol, rtol, hermitian)
        atol, rtol = 0.0, rcond
    X = _la.matrix("linalg.pinv", A, square=hermitian)
    return _la.pinv(A, *_tolerances(X, atol, rtol), hermitian)


def _documented(f: Any) -> None:
    """Show f's signature without the older overload's ``*older, **older_kw``."""
    sig = inspect.signature(f)
    kinds = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    f.__signature__ = sig.replace(
        parameters=[p for p in sig.parameters.values() if p.kind not in kinds]
    )


_documented(matrix_rank)
_documented(pinv)


def lstsq(A: Tensor, B: Tensor, rcond: Any = None, *, driver: Any = None) -> tuple:
    """(solution, residuals, rank, singular_values) of A X ≈ B, solution X = A⁺ B, as
    PyTorch's CPU drivers return them: rank except for 'gels'; singular_values σ(A) for
    'gelsd' / 'gelss'; residuals Σ_rows (A X - B)² for m > n and drivers other than
    'gelsy' (the default), and for 'gelsd' / 'gelss' only when every A has rank n;
    each empty where not computed."""
    if driver is not None and driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise OpError(
            "torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, "
            f"gelss), got {driver!r}"
        )
    X = _la.matrix("torch.linalg.lstsq", A, square=False)
    check_tensor("torch.linalg.lstsq", "B", B)
    if B.dtype != A.dtype:
        raise OpError(f"torch.linalg.lstsq: Expected input and other to have the same dtype, "
                      f"but got input's dtype {A.dtype} and other's dtype {B.dtype}")  # fmt: skip
    if not 0 <= A.ndim - B.ndim <= 1:
        raise OpError("torch.linalg.lstsq: input.dim() must be greater or equal to other.dim()"
                      f" and (input.dim() - other.dim()) <= 1, got A {A.shape} and B "
                      f"{B.shape}")  # fmt: skip
    vector = B.ndim == A.ndim - 1  # as PyTorch, whatever the shapes
    Bm = B.unsqueeze(-1) if vector else B
    if Bm.ndim < 2 or Bm.shape[-2] != A.shape[-2]:
        raise OpError(f"torch.linalg.lstsq: input.size(-2) should match other.size(-2), "
                      f"got A {A.shape} and B {B.shape}")  # fmt: skip
    rtol = None if driver == "gels" else rcond  # gels (QR, A of full rank) has no rcond
    sol = _la.pinv(A, *_tolerances(X, 0.0 if rtol is not None else None, rtol), False) @ Bm
    rank = matrix_rank(A, rtol=rtol) if driver != "gels" else Tensor._new(np.empty(0, np.int64))
    svd_driver = driver in ("gelsd", "gelss")
    m, n = X.shape[-2:]
    if (
        m > n
        and driver in ("gels", "gelsd", "gelss")
        and not (svd_driver and (rank.data < n).any())
    ):
        residuals = ((A @ sol - Bm) ** 2).sum(-2)
    else:
        residuals = sol.reshape(-1)[:0]  # an output of the solution's node in PyTorch
    values = svdvals(A).detach() if svd_driver else Tensor._new(np.empty(0, A.dtype))
    return Lstsq(sol.squeeze(-1) if vector else sol, residuals, rank, values)


# ---- decompositions ----------------------------------------------------------------------


def qr(A: Tensor, mode: str = "reduced") -> tuple:
    """A = Q R, Q with orthonormal columns, R upper triangular; mode 'reduced' (Q m×k),
    'complete' (Q m×m) or 'r' (R only, Q empty)."""
    if mode not in ("reduced", "complete", "r"):
        raise OpError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' "
                      "(default), 'r', or 'complete'")  # fmt: skip
    return QR(*_la.qr(A, mode))


def householder_product(A: Tensor, tau: Tensor) -> Tensor:
    """The first n columns of H₁ H₂ ... H_k, H_i = I - τ_i v_i v_iᵀ, v_i = (0, ..., 0, 1,
    A[i+1:, i]): the Q of geqrf's Householder vectors. A (..., m, n), tau (..., k), k <= n <= m."""
    op = "torch.linalg.householder_product"
    _la.matrix(op, A, square=False, name="input")
    check_tensor(op, "tau", tau)
    m, n = A.shape[-2:]
    k = tau.shape[-1] if tau.ndim else 0
    if m < n:
        raise OpError(f"{op}: input.shape[-2] must be greater than or equal to "
                      f"input.shape[-1], got {A.shape}")  # fmt: skip
    if n < k:
        raise OpError(f"{op}: input.shape[-1] must be greater than or equal to tau.shape[-1], "
                      f"got {A.shape} and {tau.shape}")  # fmt: skip
    if tau.shape[:-1] != A.shape[:-2]:
        raise OpError(f"{op}: Expected batch dimensions of tau to be equal to "
                      f"input.shape[:-2], but got {list(tau.shape[:-1])}")  # fmt: skip
    if tau.dtype != A.dtype:
        raise OpError(f"{op}: tau dtype {tau.dtype} does not match input dtype {A.dtype}")
    eye = np.broadcast_to(np.eye(m, n, dtype=A.dtype), A.shape).copy()
    return _apply_householder(A, tau, Tensor._new(eye), left=True, transpose=False)


def _apply_householder(A: Tensor, tau: Tensor, C: Tensor, left: bool, transpose: bool) -> Tensor:
    """Q C, Qᵀ C, C Q or C Qᵀ for Q = H₁ ... H_k of the Householder vectors below A's
    diagonal (geqrf's), one reflector H_i = I - τ_i v_i v_iᵀ at a time."""
    m, k = A.shape[-2], tau.shape[-1]
    # from a copy of C that is a node of A and tau too: a new tensor with a grad_fn even for
    # an empty tau, when A and tau get no gradient (None, as PyTorch's)
    C = record(C.data.copy(), "Copy", (A, tau, C), (None, None, ops.identity))
    V = A[..., :, :k].tril(-1) + Tensor._new(np.eye(m, k, dtype=A.dtype))
    for i in range(k) if left == transpose else reversed(range(k)):
        v, t = V[..., :, i : i + 1], tau[..., i : i + 1, None]
        C = C - t * (v @ (v.mT @ C)) if left else C - t * ((C @ v) @ v.mT)
    return C


def eigh(A: Tensor, UPLO: str = "L") -> tuple:
    """(eigenvalues ascending, eigenvectors as columns) of the symmetric matrix in A's
    lower (UPLO='L') or upper ('U') triangle."""
    return Eigh(*_la.eigh(A, _uplo(UPLO)))


def eigvalsh(A: Tensor, UPLO: str = "L") -> Tensor:
    """The eigenvalues (ascending) of the symmetric matrix in A's UPLO triangle."""
    return _la.eigh(A, _uplo(UPLO))[0]


def _uplo(UPLO: Any) -> str:
    """'L' or 'U' (either case, as PyTorch)."""
    if not isinstance(UPLO, str) or UPLO.upper() not in ("L", "U"):
        raise OpError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return UPLO.upper()


def eig(A: Tensor) -> tuple:
    """Not available: the eigen-decomposition of a general matrix is complex."""
    raise NotImplementedError("linalg.eig: minigrad has no complex dtype for its result")


def eigvals(A: Tensor) -> Tensor:
    """Not available: the eigenvalues of a general matrix are complex."""
    raise NotImplementedError("linalg.eigvals: minigrad has no complex dtype for its result")


def svd(A: Tensor, full_matrices: bool = True, *, driver: Any = None) -> tuple:
    """A = U diag(S) Vh, S descending; U m×m and Vh n×n if ``full_matrices``, else k = min(m, n)."""
    _driver("torch.linalg.svd", driver)
    return SVD(*_la.svd(A, full_matrices))


def svdvals(A: Tensor, *, driver: Any = None) -> Tensor:
    """The singular values of A, descending."""
    _driver("torch.linalg.svdvals", driver)
    return _la.svdvals(A)


def _driver(op: str, driver: Any) -> None:
    if driver is not None:
        raise OpError(f"{op}: keyword argument `driver=` is only supported on CUDA inputs "
                      "with cuSOLVER backend.")  # fmt: skip


def lu_factor_ex(A: Tensor, *, pivot: bool = True, check_errors: bool = False) -> tuple:
    """(LU, pivots, info): P A = L U with partial pivoting, L (unit lower) and U packed in LU,
    1-based row swaps in pivots (int32), info > 0 where U has a zero on its diagonal."""
    if not pivot:
        raise OpError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")
    LU, piv, info = _la.lu_factor(A)
    if check_errors:
        _la.raise_info("linalg.lu_factor_ex", info.data, "The factorization could not be "
                       "completed because the input is singular (U[{0},{0}] is zero).")  # fmt: skip
    return LUFactorEx(LU, piv, info)


def lu_factor(A: Tensor, *, pivot: bool = True) -> tuple:
    """(LU, pivots) of lu_factor_ex; RuntimeError if U has a zero on its diagonal."""
    LU, piv, info = lu_factor_ex(A, pivot=pivot)
    bad = np.argwhere(info.data.reshape(-1) > 0)
    if bad.size:
        k = int(info.data.reshape(-1)[bad[0, 0]])
        raise OpError(f"torch.linalg.lu_factor: U[{k},{k}] is zero and using it on lu_solve "
                      "would result in a division by zero.")  # fmt: skip
    return LUFactor(LU, piv)


def _unpack(LU: Tensor, pivots: Tensor) -> tuple:
    """(P, L, U) from a packed LU (..., m, n): L (m×k) unit lower, U (k×n) upper."""
    m, n = LU.shape[-2:]
    k = min(m, n)
    P = Tensor._new(_la.permutation(pivots.data, m, LU.dtype))
    unit = Tensor._new(np.eye(m, k, dtype=LU.dtype))
    return P, LU[..., :, :k].tril(-1) + unit, LU[..., :k, :].triu()


def lu(A: Tensor, *, pivot: bool = True) -> tuple:
    """(P, L, U) with A = P L U: P a permutation, L unit lower (m×k), U upper (k×n)."""
    return LU(*_unpack(*lu_factor_ex(A, pivot=pivot)[:2]))


def lu_solve(
    LU: Tensor, pivots: Tensor, B: Tensor, *, left: bool = True, adjoint: bool = False
) -> Tensor:
    """X with A X = B given lu_factor(A) (Aᵀ X = B if ``adjoint``; X A = B if not ``left``)."""
    _la.matrix("linalg.lu_solve", LU)
    _la.matrix("linalg.lu_solve", B, square=False, name="B")
    if not left:
        return lu_solve(LU, pivots, B.mT, adjoint=not adjoint).mT
    P, L, U = _unpack(LU, pivots)
    if adjoint:  # Aᵀ = Uᵀ Lᵀ Pᵀ
        Y = solve_triangular(U.mT, B, upper=False)
        return P @ solve_triangular(L.mT, Y, upper=True, unitriangular=True)
    Y = solve_triangular(L, P.mT @ B, upper=False, unitriangular=True)
    return solve_triangular(U, Y, upper=True)


def ldl_factor_ex(
    A: Tensor, *, hermitian: bool = False, check_errors: bool = False, out: Any = None
) -> tuple:
    """(LD, pivots, info): P A Pᵀ = L D Lᵀ from A's lower triangle, LAPACK's sytrf layout
    (Bunch-Kaufman pivoting, D of 1x1 and 2x2 blocks; see linalg_ops.sytrf); info > 0 (the
    first zero pivot) where D is singular. ``hermitian`` changes nothing for real A. As in
    PyTorch, backward through LD raises (it has no derivative)."""
    X = _la.matrix("linalg.ldl_factor_ex", A)
    LD, piv, info = _la.sytrf(X)
    if check_errors:
        _la.raise_info("linalg.ldl_factor_ex", info, "The factorization could not be "
                       "completed because D[{0},{0}] is zero.")  # fmt: skip
    LD = record(LD, "LinalgLdlFactorEx", (A,), (_no_vjp("aten::linalg_ldl_factor_ex"),))
    result = LDLFactorEx(LD, Tensor._new(piv), Tensor._new(info))
    return (
        result
        if out is None
        else LDLFactorEx(*functions._into("linalg.ldl_factor_ex", result, out))
    )


def ldl_factor(A: Tensor, *, hermitian: bool = False, out: Any = None) -> tuple:
    """(LD, pivots) of ldl_factor_ex; LinAlgError (a RuntimeError) if D is singular."""
    LD, piv, info = ldl_factor_ex(A, hermitian=hermitian)
    _la.raise_info("linalg.ldl_factor", info.data, "The factorization could not be completed "
                   "because D[{0},{0}] is zero.")  # fmt: skip
    result = LDLFactor(LD, piv)
    return result if out is None else LDLFactor(*functions._into("linalg.ldl_factor", result, out))


def ldl_solve(
    LD: Tensor, pivots: Tensor, B: Tensor, *, hermitian: bool = False, out: Any = None
) -> Tensor:
    """X with A X = B from ldl_factor(A)'s (LD, pivots); B (..., n, k), batch dims
    broadcast. No derivative, as in PyTorch (backward raises)."""
    op = "linalg.ldl_solve"
    L = _la.matrix(op, LD, name="LD")
    check_tensor(op, "B", B)
    if B.ndim < 2:
        raise IndexError(f"{op}: B of shape {tuple(B.shape)} is not a (batch of) matrices: "
                         "Dimension out of range (expected to be in range of [-1, 0], but got "
                         "-2)")  # fmt: skip
    Bm = _la.matrix(op, B, square=False, name="B")
    check_tensor(op, "pivots", pivots)
    if pivots.data.dtype.kind not in "iu":
        raise OpError(f"{op}: Expected pivots to be integers. Got {pivots.dtype}")
    if tuple(pivots.shape) != L.shape[:-1]:
        raise OpError(f"{op}: Expected LD.shape[:-1] and pivots.shape to be the same, but got "
                      f"pivots with shape {list(pivots.shape)} instead")  # fmt: skip
    if Bm.dtype != L.dtype:
        raise OpError(f"{op}: Expected b and A to have the same dtype, but found b of type "
                      f"{Bm.dtype} and A of type {L.dtype} instead.")  # fmt: skip
    n = L.shape[-1]
    if Bm.shape[-2] != n:
        raise OpError(f"Incompatible matrix sizes for torch.{op}: each A matrix is {n} by {n} "
                      f"but each b matrix is {Bm.shape[-2]} by {Bm.shape[-1]}")  # fmt: skip
    try:
        batch = np.broadcast_shapes(L.shape[:-2], Bm.shape[:-2])
    except ValueError:
        raise OpError(f"{op}: the batch dims of LD {LD.shape} and B {B.shape} do not "
                      "broadcast") from None  # fmt: skip
    size = math.prod(batch)
    Ls = np.broadcast_to(L, batch + L.shape[-2:]).reshape((size, n, n))
    Ps = np.broadcast_to(pivots.data, batch + (n,)).reshape((size, n))
    Bs = np.broadcast_to(Bm, batch + Bm.shape[-2:]).reshape((size, *Bm.shape[-2:]))
    X = np.stack([_la.sytrs(*args) for args in zip(Ls, Ps, Bs)]) if Bs.shape[0] else Bs.copy()
    no_vjp = _no_vjp("aten::linalg_ldl_solve")
    X = record(X.reshape(batch + Bm.shape[-2:]), "LinalgLdlSolve", (LD, B), (no_vjp, no_vjp))
    return X if out is None else functions._into(op, X, out)


# ---- products and shapes -----------------------------------------------------------------


def matmul(input: Tensor, other: Tensor) -> Tensor:
    """input @ other (torch.matmul)."""
    check_tensor("linalg.matmul", "input", input)
    return ops.matmul(input, other)


def vecdot(x: Tensor, y: Tensor, *, dim: int = -1) -> Tensor:
    """Σ_dim x · y, broadcast (the dot product of vectors along ``dim``)."""
    _float("linalg.vecdot", x, name="x")
    _float("linalg.vecdot", y, name="y")
    if x.dtype != y.dtype:
        raise OpError(f"linalg.vecdot: Expected x and y to have the same dtype, but found x "
                      f"of type {x.dtype} and y of type {y.dtype} instead")  # fmt: skip
    return (x * y).sum(dim)


def multi_dot(tensors: Any) -> Tensor:
    """tensors[0] @ tensors[1] @ ...; the first may be a vector (a row), the last one too
    (a column), the rest are matrices."""
    tensors = list(tensors)
    if len(tensors) < 2:
        raise OpError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    for i, t in enumerate(tensors):
        check_tensor("multi_dot", f"tensors[{i}]", t)
        ok = (1, 2) if i in (0, len(tensors) - 1) else (2,)
        if t.ndim not in ok:
            want = " or ".join(f"{d}D" for d in ok)
            raise OpError(f"multi_dot(): tensor {i} must be {want} but got {t.ndim}D")
    out = tensors[0]
    for t in tensors[1:]:
        out = ops.matmul(out, t)
    return out


def diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """The ``offset`` diagonal of A over dims dim1, dim2 (a view), as torch.diagonal."""
    return functions.diagonal(A, offset, dim1, dim2)


def vander(x: Tensor, N: Any = None) -> Tensor:
    """The Vandermonde matrix [1, x, x², ..., x^(N-1)] of each vector along x's last dim."""
    check_tensor("linalg.vander", "x", x)
    x = x.reshape(1) if x.ndim == 0 else x  # one vector, as PyTorch
    n = N if N is not None else x.shape[-1]
    if n <= 1:
        raise OpError(f"N must be greater than 1. Got N={n}")
    ones = Tensor._new(np.ones(x.shape + (1,), x.dtype))
    powers = ops.cat([ones, x.unsqueeze(-1).expand(*x.shape, n - 1)], -1)
    return powers.cumprod(-1)


def tensorinv(A: Tensor, ind: int = 2) -> Tensor:
    """The inverse of A read as a map from its last dims to its first ``ind`` dims:
    tensordot(tensorinv(A), A, ind) is the identity on A.shape[ind:]."""
    check_tensor("linalg.tensorinv", "A", A)
    if ind <= 0:
        raise OpError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    rows, cols = A.shape[:ind], A.shape[ind:]
    if math.prod(rows) != math.prod(cols):
        raise OpError(
            "Expected self to satisfy the requirement prod(self.shape[ind:]) == "
            f"prod(self.shape[:ind]), but got {math.prod(cols)} != {math.prod(rows)}"
        )
    return inv(A.reshape(math.prod(rows), -1)).reshape(*cols, *rows)


def tensorsolve(A: Tensor, B: Tensor, dims: Any = None) -> Tensor:
    """X with tensordot(A, X, X.ndim) = B (``dims`` of A moved to its end first)."""
    check_tensor("linalg.tensorsolve", "A", A)
    check_tensor("linalg.tensorsolve", "B", B)
    if dims is not None:
        dims = [d % A.ndim for d in dims]
        A = ops.permute(A, *[d for d in range(A.ndim) if d not in dims], *dims)
    rest = A.shape[B.ndim :]
    if not math.prod(rest) == math.prod(A.shape[: B.ndim]) == B.numel():
        raise OpError(
            "Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
            f"prod(self.shape[:other.ndim]), but got A {A.shape} and B {B.shape}"
        )
    return solve(A.reshape(B.numel(), -1), B.reshape(-1)).reshape(*rest)
