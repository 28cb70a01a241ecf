"""``nn.utils.parametrizations``: ``weight_norm`` and ``spectral_norm`` as
parametrizations (``parametrize.register_parametrization``), as PyTorch's."""

from __future__ import annotations

from enum import Enum, auto

import numpy as np

from ... import linalg
from ... import more_ops as _f
from ...factories import eye, randn, zeros_like
from ...grad_mode import no_grad
from ...ops import cat
from ...tensor import Tensor
from .. import functional as F
from ..module import Module
from . import parametrize
from .spectral_norm import _default_dim, _power_iterate, _random_unit, _to_matrix
from .weight_norm import _weight_norm, norm_except_dim

__all__ = ["orthogonal", "spectral_norm", "weight_norm"]


def _is_orthogonal(q: Tensor) -> bool:
    """QᵀQ = I to 10 n ε."""
    n, k = q.shape[-2], q.shape[-1]
    eps = 10.0 * n * np.finfo(q.dtype).eps
    return bool(np.allclose(q.data.swapaxes(-1, -2) @ q.data, np.eye(k), atol=eps))


def _make_orthogonal(a: Tensor) -> Tensor:
    """The Q of A's QR factorisation (Householder's, as LAPACK's), its columns' signs
    made those of R's diagonal: the orthogonal matrix closest in that sense to A."""
    q, r = np.linalg.qr(a.data)
    return Tensor._new(q * np.sign(np.diagonal(r, axis1=-2, axis2=-1))[..., None, :])


def _geqrf(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """LAPACK's geqrf of one matrix: R on and above the diagonal, the Householder vectors
    below, and their τ."""
    h, tau = np.linalg.qr(a, mode="raw")
    return h.T.copy(), tau


class _OrthMaps(Enum):
    matrix_exp = auto()
    cayley = auto()
    householder = auto()


class _Orthogonal(Module):
    """X ↦ an orthogonal matrix (or one with orthonormal columns, or rows if wider than
    tall) of X's shape: exp(A) or the Cayley map (I - A/2)⁻¹(I + A/2) of the
    skew-symmetric A = tril(X) - tril(X)ᵀ (first k columns), or the product of the
    Householder reflections stored below X's diagonal. With ``use_trivialization``
    the result is multiplied by the buffer ``base``, which assigning sets."""

    def __init__(self, weight: Tensor, orthogonal_map: _OrthMaps, *,
                 use_trivialization: bool = True) -> None:  # fmt: skip
        super().__init__()
        if weight.is_complex() and orthogonal_map == _OrthMaps.householder:
            raise ValueError("The householder parametrization does not support complex tensors.")
        self.shape = weight.shape
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def forward(self, X: Tensor) -> Tensor:
        n, k = X.shape[-2], X.shape[-1]
        transposed = n < k
        if transposed:
            X = X.mT
            n, k = k, n
        if self.orthogonal_map in (_OrthMaps.matrix_exp, _OrthMaps.cayley):
            X = X.tril()
            if n != k:
                zeros = X.new_zeros(n, n - k).expand(*X.shape[:-2], -1, -1)
                X = cat([X, zeros], dim=-1)
            A = X - X.mT
            if self.orthogonal_map == _OrthMaps.matrix_exp:
                Q = linalg.matrix_exp(A)
            else:
                Id = eye(n, dtype=A.dtype)
                Q = linalg.solve(Id - 0.5 * A, Id + 0.5 * A)
            if n != k:
                Q = Q[..., :k]
        else:
            A = X.tril(diagonal=-1)
            tau = 2.0 / (1.0 + (A * A).sum(dim=-2))
            Q = linalg.householder_product(A, tau)
            Q = Q * X.diagonal(dim1=-2, dim2=-1).int().unsqueeze(-2)
        if hasattr(self, "base"):
            Q = self.base @ Q
        return Q.mT if transposed else Q

    @no_grad()
    def right_inverse(self, Q: Tensor) -> Tensor:
        """With ``use_trivialization``: ``base`` becomes Q (made orthogonal, completed to a
        square with random columns if needed), and X the matrix mapped to I. Without it
        (Householder's map only): Q's Householder vectors."""
        if Q.shape != self.shape:
            raise ValueError(
                f"Expected a matrix or batch of matrices of shape {self.shape}. Got a tensor of "
                f"shape {Q.shape}."
            )
        q_init = Q
        n, k = Q.shape[-2], Q.shape[-1]
        transpose = n < k
        if transpose:
            Q = Q.mT
            n, k = k, n
        if not hasattr(self, "base"):
            if self.orthogonal_map in (_OrthMaps.cayley, _OrthMaps.matrix_exp):
                raise NotImplementedError(
                    "It is not possible to assign to the matrix exponential or the Cayley "
                    "parametrizations when use_trivialization=False."
                )
            a = Q.data.reshape(-1, n, k)
            out = np.empty_like(a)
            diag = np.arange(k)
            for i, matrix in enumerate(a):
                h, tau = _geqrf(matrix)
                h[diag, diag] = np.sign(h[diag, diag]) * np.where(tau == 0.0, -1, 1)
                out[i] = h
            A = Tensor._new(out.reshape(Q.shape))
            return A.mT if transpose else A
        if n == k:
            Q = Q.clone() if _is_orthogonal(Q) else _make_orthogonal(Q)
        else:
            N = randn(*(tuple(Q.shape[:-2]) + (n, n - k)), dtype=Q.dtype)
            Q = _make_orthogonal(cat([Q, N], dim=-1))
        self.base = Q
        neg_id = zeros_like(q_init)
        diag = np.arange(k)
        neg_id.data[..., diag, diag] = -1.0
        return neg_id


class _WeightNorm(Module):
    """(g, v) ↦ v g / ‖v‖ (norms over all dimensions but ``dim``; -1 or None: one norm);
    its right inverse splits w into (‖w‖, w)."""

    def __init__(self, dim: int | None = 0) -> None:
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g: Tensor, weight_v: Tensor) -> Tensor:
        return _weight_norm(weight_v, weight_g, self.dim)

    def right_inverse(self, weight: Tensor) -> tuple[Tensor, Tensor]:
        return norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module: Module, name: str = "weight", dim: int = 0) -> Module:
    """Parametrize ``module.<name>`` as g v / ‖v‖: ``parametrizations.<name>.original0``
    is g, ``original1`` is v. A state_dict of the older ``weight_norm`` (``<name>_g``,
    ``<name>_v``) loads into it."""
    register = parametrize.register_parametrization
    register(module, name, _WeightNorm(dim), unsafe=True)

    def _weight_norm_compat_hook(module: Module, state_dict: dict, prefix: str, *_: object
                                 ) -> None:  # fmt: skip
        g_key, v_key = f"{prefix}{name}_g", f"{prefix}{name}_v"
        if g_key in state_dict and v_key in state_dict:
            state_dict[f"{prefix}parametrizations.{name}.original0"] = state_dict.pop(g_key)
            state_dict[f"{prefix}parametrizations.{name}.original1"] = state_dict.pop(v_key)

    module.register_load_state_dict_pre_hook(_weight_norm_compat_hook)
    return module


class _SpectralNorm(Module):
    """W ↦ W / σ(W), σ the largest singular value of W as a matrix of its slices along
    ``dim``, estimated by power iteration on the buffers ``_u`` and ``_v`` (15 steps
    when created, ``n_power_iterations`` more at each training-mode call). A 1-D W is
    normalised to unit norm."""

    def __init__(self, weight: Tensor, n_power_iterations: int = 1, dim: int = 0,
                 eps: float = 1e-12) -> None:  # fmt: skip
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError(
                f"Dimension out of range (expected to be in range of [-{ndim}, {ndim - 1}] but "
                f"got {dim})"
            )
        if n_power_iterations <= 0:
            raise ValueError(
                "Expected n_power_iterations to be positive, but got "
                f"n_power_iterations={n_power_iterations}"
            )
        self.dim = dim if dim >= 0 else dim + ndim
        self.eps = eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            mat = _to_matrix(weight, self.dim)
            h, w = mat.shape
            self.register_buffer("_u", _random_unit(h, weight, eps))
            self.register_buffer("_v", _random_unit(w, weight, eps))
            _power_iterate(mat, self._u, self._v, 15, eps, v_first=False)

    def forward(self, weight: Tensor) -> Tensor:
        if weight.ndim == 1:
            return F.normalize(weight, dim=0, eps=self.eps)
        mat = _to_matrix(weight, self.dim)
        if self.training:
            _power_iterate(mat, self._u, self._v, self.n_power_iterations, self.eps, False)
        u, v = self._u.clone(), self._v.clone()
        return weight / _f.vdot(u, _f.mv(mat, v))

    def right_inverse(self, value: Tensor) -> Tensor:
        return value


def orthogonal(
    module: Module, name: str = "weight", orthogonal_map: str | None = None, *,
    use_trivialization: bool = True,
) -> Module:  # fmt: skip
    """Parametrize the matrix (or batch) ``module.<name>`` as an orthogonal one, keeping
    its value: ``orthogonal_map`` ``"matrix_exp"`` (the default for square matrices),
    ``"cayley"`` or ``"householder"`` (the default otherwise); see ``_Orthogonal``."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if weight.ndim < 2:
        raise ValueError(
            f"Expected a matrix or batch of matrices. Got a tensor of {weight.ndim} dimensions."
        )
    if orthogonal_map is None:
        square = weight.shape[-2] == weight.shape[-1]
        orthogonal_map = "matrix_exp" if square or weight.is_complex() else "householder"
    orth_enum = getattr(_OrthMaps, orthogonal_map, None)
    if orth_enum is None:
        raise ValueError(
            'orthogonal_map has to be one of "matrix_exp", "cayley", "householder". Got: '
            f"{orthogonal_map}"
        )
    orth = _Orthogonal(weight, orth_enum, use_trivialization=use_trivialization)
    parametrize.register_parametrization(module, name, orth, unsafe=True)
    return module


def spectral_norm(
    module: Module, name: str = "weight", n_power_iterations: int = 1, eps: float = 1e-12,
    dim: int | None = None,
) -> Module:  # fmt: skip
    """Parametrize ``module.<name>`` as W / σ(W) (see ``_SpectralNorm``); ``dim`` defaults
    to the output channels (1 for transposed convolutions, else 0)."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    parametrize.register_parametrization(
        module, name, _SpectralNorm(weight, n_power_iterations, _default_dim(module, dim), eps)
    )
    return module
