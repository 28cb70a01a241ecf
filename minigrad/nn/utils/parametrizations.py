"""``nn.utils.parametrizations``: ``weight_norm`` and ``spectral_norm`` as
parametrizations (``parametrize.register_parametrization``), as PyTorch's."""

from __future__ import annotations

from ... import more_ops as _f
from ...tensor import Tensor
from .. import functional as F
from ..module import Module
from . import parametrize
from .spectral_norm import _default_dim, _power_iterate, _random_unit, _to_matrix
from .weight_norm import _weight_norm, norm_except_dim

__all__ = ["weight_norm", "spectral_norm"]


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
