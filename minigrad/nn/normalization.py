"""Normalization layers, as PyTorch's: ``LayerNorm``, ``GroupNorm``, ``BatchNorm1d/2d/3d``
``SyncBatchNorm`` and ``InstanceNorm1d/2d/3d``."""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import numpy as np

from .. import dtypes
from ..device import check as check_device
from ..errors import OpError
from ..tensor import Tensor
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter


class LayerNorm(Module):
    """Normalize over the last dims, of ``normalized_shape``, to mean 0 and variance 1,
    then scale by ``weight`` (ones at first) and shift by ``bias`` (zeros), both of that shape."""

    def __init__(
        self, normalized_shape: Any, eps: float = 1e-5, elementwise_affine: bool = True,
        bias: bool = True, device: Any = None, dtype: Any = None,
    ) -> None:  # fmt: skip
        super().__init__()
        check_device(device)
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        _affine_parameters(
            self, self.normalized_shape, elementwise_affine, bias, dtypes.or_default(dtype)
        )

    def reset_parameters(self) -> None:
        _reset_affine(self)

    def forward(self, input: Tensor) -> Tensor:
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, "
            f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}"
        )


class GroupNorm(Module):
    """Normalize each sample's ``num_groups`` groups of channels of (N, C, *) input, then
    scale by ``weight`` (ones at first) and shift by ``bias`` (zeros), both (C,), when
    ``affine``."""

    def __init__(
        self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True,
        device: Any = None, dtype: Any = None, *, bias: bool = True,
    ) -> None:  # fmt: skip
        super().__init__()
        check_device(device)
        if num_channels % num_groups != 0:
            raise ValueError(
                f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})"
            )
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        _affine_parameters(self, num_channels, affine, bias, dtypes.or_default(dtype))

    def reset_parameters(self) -> None:
        _reset_affine(self)

    def forward(self, input: Tensor) -> Tensor:
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
            f"bias={self.bias is not None}"
        )


def _filled(module: Module, fn: Any, shape: Any, dtype: np.dtype) -> np.ndarray:
    """``fn(shape, dtype)`` (np.ones or np.zeros), its errors naming the layer."""
    try:
        return fn(shape, dtype)
    except ValueError:
        raise OpError(
            f"{type(module).__name__}: Trying to create tensor with negative dimension: {shape}"
        ) from None
    except TypeError:
        raise TypeError(f"{type(module).__name__}: the sizes must be ints, got {shape!r}") from None


def _affine_parameters(
    module: Module, shape: Any, affine: bool, bias: bool, dtype: np.dtype
) -> None:  # fmt: skip
    """``weight`` (ones) and ``bias`` (zeros) of ``shape`` when ``affine``, else None."""
    if affine:
        module.weight = Parameter(_filled(module, np.ones, shape, dtype))
        if bias:
            module.bias = Parameter(_filled(module, np.zeros, shape, dtype))
        else:
            module.register_parameter("bias", None)
    else:
        module.register_parameter("weight", None)
        module.register_parameter("bias", None)


def _reset_affine(module: Module) -> None:
    """``weight`` back to ones and ``bias`` to zeros, those that are not None."""
    if module.weight is not None:
        init.ones_(module.weight)
    if module.bias is not None:
        init.zeros_(module.bias)


class _NormBase(Module):
    """Per-channel (dim 1) ``weight`` and ``bias`` when ``affine``, and the buffers
    ``running_mean``, ``running_var`` and ``num_batches_tracked`` when
    ``track_running_stats``: what the batch and instance norms share."""

    _dims: tuple = ()  # the input dims each subclass accepts
    _version = 2  # version 2 added num_batches_tracked

    def __init__(
        self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
        affine: bool = True, track_running_stats: bool = True, device: Any = None,
        dtype: Any = None, *, bias: bool = True,
    ) -> None:  # fmt: skip
        super().__init__()
        check_device(device)
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        dtype = dtypes.or_default(dtype)
        _affine_parameters(self, num_features, affine, bias, dtype)
        if track_running_stats:
            zeros = _filled(self, np.zeros, num_features, dtype)
            self.register_buffer("running_mean", Tensor._new(zeros))
            self.register_buffer("running_var", Tensor._new(np.ones(num_features, dtype)))
            self.register_buffer("num_batches_tracked", Tensor._new(np.array(0, np.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        _reset_affine(self)

    def _load_from_state_dict(
        self, state_dict: dict, prefix: str, local_metadata: dict, strict: bool,
        missing_keys: list, unexpected_keys: list, error_msgs: list,
    ) -> None:  # fmt: skip
        """A state_dict older than ``num_batches_tracked`` (version < 2, or no version: written
        by hand) loads as in PyTorch: the count keeps its value."""
        version = local_metadata.get("version")
        key = prefix + "num_batches_tracked"
        if (version is None or version < 2) and self.track_running_stats and key not in state_dict:
            state_dict[key] = self.num_batches_tracked
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)  # fmt: skip

    def _check_input_dim(self, input: Tensor) -> None:
        if input.ndim not in self._dims:
            raise ValueError(
                f"{type(self).__name__}: expected {' or '.join(f'{d}D' for d in self._dims)} "
                f"input (got {input.ndim}D input)"
            )

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, bias={self.bias is not None}, "
            f"track_running_stats={self.track_running_stats}"
        )


class _BatchNorm(_NormBase):
    """Normalize each channel (dim 1) over the batch and dims 2+.

    In training it uses the batch's mean and (biased) variance and updates the buffers
    ``running_mean`` and ``running_var`` (with the unbiased variance) by ``momentum``, or
    by their cumulative average when momentum is None; in eval it uses them. ``weight``
    (ones at first) and ``bias`` (zeros) scale and shift each channel when ``affine``.
    """

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:  # the cumulative average of all batches so far
                factor = 1.0 / float(self.num_batches_tracked)
        use_batch = self.training or self.running_mean is None
        track = not self.training or self.track_running_stats
        return F.batch_norm(
            input, self.running_mean if track else None, self.running_var if track else None,
            self.weight, self.bias, use_batch, factor, self.eps,
        )  # fmt: skip


class BatchNorm1d(_BatchNorm):
    """Batch norm of (N, C) or (N, C, L) input."""

    _dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch norm of (N, C, H, W) input."""

    _dims = (4,)


class BatchNorm3d(_BatchNorm):
    """Batch norm of (N, C, D, H, W) input."""

    _dims = (5,)


class SyncBatchNorm(_BatchNorm):
    """Batch norm of (N, C, *) input, synchronised across processes in PyTorch's
    distributed training. Without a process group (minigrad has none, as a PyTorch
    program not started distributed) its statistics are the batch's own: it is
    ``_BatchNorm`` with PyTorch's checks. ``process_group`` is kept, unused."""

    def __init__(
        self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
        affine: bool = True, track_running_stats: bool = True, process_group: Any = None,
        device: Any = None, dtype: Any = None, *, bias: bool = True,
    ) -> None:  # fmt: skip
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device,
                         dtype, bias=bias)  # fmt: skip
        self.process_group = process_group

    def _check_input_dim(self, input: Tensor) -> None:
        if input.ndim < 2:
            raise ValueError(f"SyncBatchNorm: expected at least 2D input (got {input.ndim}D input)")
        if input.shape[1] == 0:
            raise ValueError("SyncBatchNorm number of input channels should be non-zero")

    @classmethod
    def convert_sync_batchnorm(cls, module: Module, process_group: Any = None) -> Module:
        """``module`` with each BatchNorm*d in it (itself too) replaced by a SyncBatchNorm
        sharing its parameters and buffers, as PyTorch's; the module itself is returned
        unless it is a batch norm."""
        out = module
        if isinstance(module, _BatchNorm):
            out = SyncBatchNorm(module.num_features, module.eps, module.momentum, module.affine,
                                module.track_running_stats, process_group,
                                bias=module.bias is not None)  # fmt: skip
            if module.affine:
                out.weight, out.bias = module.weight, module.bias
            out.running_mean = module.running_mean
            out.running_var = module.running_var
            out.num_batches_tracked = module.num_batches_tracked
            out.training = module.training
            if hasattr(module, "qconfig"):
                out.qconfig = module.qconfig
        for name, child in module.named_children():
            out.add_module(name, cls.convert_sync_batchnorm(child, process_group))
        return out


class _InstanceNorm(_NormBase):
    """Normalize each sample's channels over dims 2+ (``F.instance_norm``); an input
    without the batch dim is one sample. The running stats, when tracked, move as
    BatchNorm's (``num_batches_tracked`` stays 0, as PyTorch) and are used in eval."""

    def __init__(
        self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
        affine: bool = False, track_running_stats: bool = False, device: Any = None,
        dtype: Any = None, *, bias: bool = True,
    ) -> None:  # fmt: skip
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device,
                         dtype, bias=bias)  # fmt: skip

    def _load_from_state_dict(
        self, state_dict: dict, prefix: str, local_metadata: dict, strict: bool,
        missing_keys: list, unexpected_keys: list, error_msgs: list,
    ) -> None:  # fmt: skip
        """Running stats in a state_dict without a version, for a module that does not track
        them, are an error (even when not ``strict``), as PyTorch's: they are dropped and
        the error says why (instance norms stopped tracking them by default in 0.4)."""
        stats = [prefix + name for name in ("running_mean", "running_var")]
        stats = [key for key in stats if key in state_dict]
        if local_metadata.get("version") is None and not self.track_running_stats and stats:
            name, keys = type(self).__name__, " and ".join(f'"{key}"' for key in stats)
            error_msgs.append(
                f"Unexpected running stats buffer(s) {keys} "
                f"for {name} with track_running_stats=False. If state_dict is a checkpoint "
                f"saved before 0.4.0, this may be expected because {name} does not track "
                "running stats by default since 0.4.0. Please remove these keys from "
                "state_dict. If the running stats are actually needed, instead set "
                f"track_running_stats=True in {name} to enable them. See the documentation "
                f"of {name} for details."
            )
            for key in stats:
                del state_dict[key]
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)  # fmt: skip

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        unbatched = input.ndim == self._dims[0]
        channels = input.shape[0 if unbatched else 1]
        if channels != self.num_features:
            dim = 0 if unbatched else 1
            if self.affine:
                raise ValueError(
                    f"{type(self).__name__}: expected input's size at dim={dim} to match "
                    f"num_features ({self.num_features}), but got: {channels}."
                )
            warnings.warn(
                f"input's size at dim={dim} does not match num_features. You can silence this "
                "warning by not passing in num_features, which is not used because affine=False",
                stacklevel=2,
            )
        x = input.unsqueeze(0) if unbatched else input
        y = F.instance_norm(
            x, self.running_mean, self.running_var, self.weight, self.bias,
            self.training or not self.track_running_stats,
            0.0 if self.momentum is None else self.momentum, self.eps,
        )  # fmt: skip
        return y.squeeze(0) if unbatched else y


class InstanceNorm1d(_InstanceNorm):
    """Instance norm of (N, C, L) or (C, L) input."""

    _dims = (2, 3)


class InstanceNorm2d(_InstanceNorm):
    """Instance norm of (N, C, H, W) or (C, H, W) input."""

    _dims = (3, 4)


class InstanceNorm3d(_InstanceNorm):
    """Instance norm of (N, C, D, H, W) or (C, D, H, W) input."""

    _dims = (4, 5)


class RMSNorm(Module):
    """Scale over the last dims, of ``normalized_shape``, to a root mean square of 1, then by
    ``weight`` (ones at first) of that shape: x / sqrt(mean(x²) + eps) w (see ``F.rms_norm``;
    eps None is the machine epsilon of the input's dtype)."""

    def __init__(
        self, normalized_shape: Any, eps: float | None = None, elementwise_affine: bool = True,
        device: Any = None, dtype: Any = None,
    ) -> None:  # fmt: skip
        super().__init__()
        check_device(device)
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(np.empty(self.normalized_shape, dtypes.or_default(dtype)))
        else:
            self.register_parameter("weight", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Set the weight to ones."""
        if self.elementwise_affine:
            init.ones_(self.weight)

    def forward(self, x: Tensor) -> Tensor:
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
        )
