"""``nn.utils.spectral_norm``: the older, hook-based spectral normalisation, as PyTorch's:
``weight`` becomes ``weight_orig`` (a parameter) with buffers ``weight_u`` and
``weight_v``, and a forward pre-hook sets ``weight = weight_orig / σ`` before each call,
σ estimated by power iteration (one more step per call in training)."""

from __future__ import annotations

from typing import Any, TypeVar

from ... import more_ops as _f
from ...factories import randn
from ...grad_mode import no_grad
from ...tensor import Tensor
from .. import functional as F
from ..conv_transpose_layers import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from ..module import Module
from ..parameter import Parameter

__all__ = ["SpectralNorm", "spectral_norm", "remove_spectral_norm"]


def _to_matrix(weight: Tensor, dim: int) -> Tensor:
    """``weight`` as a matrix whose rows are its slices along ``dim``."""
    if dim != 0:
        weight = weight.permute(dim, *[d for d in range(weight.ndim) if d != dim])
    return weight.reshape(weight.shape[0], -1)


def _random_unit(n: int, like: Tensor, eps: float) -> Tensor:
    """A random unit vector of size n (normal draws, normalised), in ``like``'s dtype."""
    return F.normalize(randn(n, dtype=like.dtype), dim=0, eps=eps)


def _power_iterate(mat: Tensor, u: Tensor, v: Tensor, steps: int, eps: float, v_first: bool
                   ) -> None:  # fmt: skip
    """``steps`` power iterations, in place: v ← Wᵀu / ‖Wᵀu‖, u ← Wv / ‖Wv‖ (u first
    unless ``v_first``), toward W's top singular vectors."""
    with no_grad():
        for _ in range(steps):
            if v_first:
                v.copy_(F.normalize(_f.mv(mat.T, u), dim=0, eps=eps))
            u.copy_(F.normalize(_f.mv(mat, v), dim=0, eps=eps))
            if not v_first:
                v.copy_(F.normalize(_f.mv(mat.T, u), dim=0, eps=eps))


class SpectralNorm:
    """The forward pre-hook that sets ``module.<name>`` to ``<name>_orig / σ``."""

    def __init__(
        self, name: str = "weight", n_power_iterations: int = 1, dim: int = 0, eps: float = 1e-12
    ) -> None:
        self.name = name
        self.dim = dim
        if n_power_iterations <= 0:
            raise ValueError(
                "Expected n_power_iterations to be positive, but got "
                f"n_power_iterations={n_power_iterations}"
            )
        self.n_power_iterations = n_power_iterations
        self.eps = eps

    def reshape_weight_to_matrix(self, weight: Tensor) -> Tensor:
        return _to_matrix(weight, self.dim)

    def compute_weight(self, module: Module, do_power_iteration: bool) -> Tensor:
        """W / σ with σ = uᵀ W v, after a power iteration step if ``do_power_iteration``."""
        weight = getattr(module, self.name + "_orig")
        u, v = getattr(module, self.name + "_u"), getattr(module, self.name + "_v")
        mat = self.reshape_weight_to_matrix(weight)
        if do_power_iteration:
            _power_iterate(mat, u, v, self.n_power_iterations, self.eps, v_first=True)
            u, v = u.clone(), v.clone()
        return weight / _f.dot(u, _f.mv(mat, v))

    def remove(self, module: Module) -> None:
        with no_grad():
            weight = self.compute_weight(module, do_power_iteration=False)
        for suffix in ("", "_u", "_v", "_orig"):
            delattr(module, self.name + suffix)
        module.register_parameter(self.name, Parameter(weight.detach()))

    def __call__(self, module: Module, inputs: Any) -> None:
        setattr(module, self.name, self.compute_weight(module, module.training))

    @staticmethod
    def apply(module: Module, name: str, n_power_iterations: int, dim: int, eps: float
              ) -> SpectralNorm:  # fmt: skip
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, SpectralNorm) and hook.name == name:
                raise RuntimeError(
                    f"Cannot register two spectral_norm hooks on the same parameter {name}"
                )
        fn = SpectralNorm(name, n_power_iterations, dim, eps)
        weight = module._parameters[name]
        if weight is None:
            raise ValueError(f"`SpectralNorm` cannot be applied as parameter `{name}` is None")
        h, w = fn.reshape_weight_to_matrix(weight).shape
        with no_grad():
            u, v = _random_unit(h, weight, fn.eps), _random_unit(w, weight, fn.eps)
        delattr(module, fn.name)
        module.register_parameter(fn.name + "_orig", weight)
        setattr(module, fn.name, weight.detach())
        module.register_buffer(fn.name + "_u", u)
        module.register_buffer(fn.name + "_v", v)
        module.register_forward_pre_hook(fn)
        return fn


def _default_dim(module: Module, dim: int | None) -> int:
    """The dimension of the output channels: 1 for transposed convolutions, else 0."""
    if dim is not None:
        return dim
    transposed = (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)  # (and subclasses)
    return 1 if isinstance(module, transposed) else 0


T_module = TypeVar("T_module", bound=Module)


def spectral_norm(
    module: T_module, name: str = "weight", n_power_iterations: int = 1, eps: float = 1e-12,
    dim: int | None = None,
) -> T_module:  # fmt: skip
    """Divide ``module.<name>`` by its largest singular value (as a matrix of its slices
    along ``dim``), estimated by ``n_power_iterations`` power iterations per training call."""
    SpectralNorm.apply(module, name, n_power_iterations, _default_dim(module, dim), eps)
    return module


def remove_spectral_norm(module: T_module, name: str = "weight") -> T_module:
    """Make ``module.<name>`` a plain parameter again, holding W / σ."""
    for k, hook in module._forward_pre_hooks.items():
        if isinstance(hook, SpectralNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            return module
    raise ValueError(f"spectral_norm of '{name}' not found in {module}")
