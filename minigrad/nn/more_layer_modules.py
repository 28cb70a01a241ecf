"""The modules of ``more_layers``: adaptive max pooling, the padding layers of every mode,
channel and alpha dropout, RReLU, power-average pooling, max unpooling, local response
norm and Softmax2d, with PyTorch's arguments, attributes and repr.

The math is in ``more_layers.py`` and ``conv.py``; the modules hold the settings.
"""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from . import conv
from . import more_layers as ops
from .conv_layers import ConstantPad1d, _ConstantPadNd, _ntuple
from .functional import softmax
from .layers import _DropoutNd
from .module import Module

__all__ = [
    "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d", "AlphaDropout", "CircularPad1d",
    "CircularPad2d", "CircularPad3d", "ConstantPad3d", "Dropout1d", "Dropout3d",
    "FeatureAlphaDropout", "LPPool1d", "LPPool2d", "LPPool3d", "LocalResponseNorm", "MaxUnpool1d",
    "MaxUnpool2d", "MaxUnpool3d", "RReLU", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
    "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "Softmax2d", "ZeroPad1d",
    "ZeroPad3d",
]  # fmt: skip


# ---- adaptive max pooling ------------------------------------------------------------


class _AdaptiveMaxPoolNd(Module):
    """Max pooling to a fixed output size by ``_pool``, the functional form."""

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size = output_size
        self.return_indices = return_indices

    def forward(self, input: Tensor) -> Any:
        return self._pool(input, self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """Max pooling along L of (N, C, L) or (C, L) to ``output_size`` windows."""

    _pool = staticmethod(ops.adaptive_max_pool1d)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """Max pooling of (N, C, H, W) or (C, H, W) to a fixed output size (see
    ``F.adaptive_max_pool2d``)."""

    _pool = staticmethod(ops.adaptive_max_pool2d)


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    """Max pooling of (N, C, D, H, W) or (C, D, H, W) to a fixed output size (see
    ``F.adaptive_max_pool3d``)."""

    _pool = staticmethod(ops.adaptive_max_pool3d)


# ---- padding -------------------------------------------------------------------------


class _PadNd(Module):
    """Pad the last n dims by ``F.pad`` in one mode; ``padding`` an int (all sides) or
    2n ints (left, right, top, bottom, front, back)."""

    _n = 0
    _mode = ""

    def __init__(self, padding: Any) -> None:
        super().__init__()
        self.padding = _ntuple(padding, 2 * self._n)

    def forward(self, input: Tensor) -> Tensor:
        return conv.pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ReflectionPad1d(_PadNd):
    """Pad the last dim with its reflection at the ends (the end not repeated)."""

    _n, _mode = 1, "reflect"


class ReflectionPad2d(_PadNd):
    """Pad the last 2 dims with their reflection at the ends (the end not repeated)."""

    _n, _mode = 2, "reflect"


class ReflectionPad3d(_PadNd):
    """Pad the last 3 dims with their reflection at the ends (the end not repeated)."""

    _n, _mode = 3, "reflect"


class ReplicationPad1d(_PadNd):
    """Pad the last dim with copies of its end values."""

    _n, _mode = 1, "replicate"


class ReplicationPad2d(_PadNd):
    """Pad the last 2 dims with copies of their edge values."""

    _n, _mode = 2, "replicate"


class ReplicationPad3d(_PadNd):
    """Pad the last 3 dims with copies of their edge values."""

    _n, _mode = 3, "replicate"


class _CircularPadNd(_PadNd):
    """Pad the last n dims with the values wrapped around from the other end; the input
    (batched or not) has n + 1 or n + 2 dims (ValueError otherwise, as PyTorch)."""

    _mode = "circular"

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim not in (self._n + 1, self._n + 2):
            raise ValueError(f"{type(self).__name__}: expected {self._n + 1}D or {self._n + 2}D "
                             f"input (got {input.ndim}D input)")  # fmt: skip
        return super().forward(input)


class CircularPad1d(_CircularPadNd):
    """Pad the last dim of (N, C, L) or (C, L) circularly."""

    _n = 1


class CircularPad2d(_CircularPadNd):
    """Pad the last 2 dims of (N, C, H, W) or (C, H, W) circularly."""

    _n = 2


class CircularPad3d(_CircularPadNd):
    """Pad the last 3 dims of (N, C, D, H, W) or (C, D, H, W) circularly."""

    _n = 3


class ConstantPad3d(_ConstantPadNd):
    """Pad the last 3 dims with ``value``: ``padding`` an int or 6 ints."""

    _n = 3


class ZeroPad1d(ConstantPad1d):
    """Pad the last dim with zeros."""

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad3d(ConstantPad3d):
    """Pad the last 3 dims with zeros."""

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


# ---- dropout and RReLU ---------------------------------------------------------------


class Dropout1d(_DropoutNd):
    """Zero whole channels of (N, C, L) or (C, L) in training (see ``F.dropout1d``)."""

    _dropout = staticmethod(ops.dropout1d)


class Dropout3d(_DropoutNd):
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) in training."""

    _dropout = staticmethod(ops.dropout3d)


class AlphaDropout(_DropoutNd):
    """Alpha dropout of each element in training, for SELU networks (``F.alpha_dropout``)."""

    _dropout = staticmethod(ops.alpha_dropout)


class FeatureAlphaDropout(_DropoutNd):
    """Alpha dropout of whole channels in training (``F.feature_alpha_dropout``)."""

    _dropout = staticmethod(ops.feature_alpha_dropout)


class RReLU(Module):
    """x for x > 0, else a x: a ~ U(lower, upper) per element in training, (lower + upper) / 2
    in eval mode (see ``F.rrelu``)."""

    def __init__(
        self, lower: float = 1.0 / 8, upper: float = 1.0 / 3, inplace: bool = False
    ) -> None:
        super().__init__()
        self.lower = lower
        self.upper = upper
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return ops.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"lower={self.lower}, upper={self.upper}" + (
            ", inplace=True" if self.inplace else ""
        )


# ---- power-average pooling, unpooling, local response norm, Softmax2d ----------------


class _LPPoolNd(Module):
    """Power-average pooling by ``_pool``, the functional form."""

    def __init__(self, norm_type: float, kernel_size: Any, stride: Any = None,
                 ceil_mode: bool = False) -> None:  # fmt: skip
        super().__init__()
        self.norm_type = norm_type
        self.kernel_size = kernel_size
        self.stride = stride
        self.ceil_mode = ceil_mode

    def forward(self, input: Tensor) -> Tensor:
        return self._pool(input, float(self.norm_type), self.kernel_size, self.stride,
                          self.ceil_mode)  # fmt: skip

    def extra_repr(self) -> str:
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, ceil_mode={self.ceil_mode}")  # fmt: skip


class LPPool1d(_LPPoolNd):
    """(Σ_window x^p)^(1/p) over windows along L of (N, C, L) (see ``F.lp_pool1d``)."""

    _pool = staticmethod(ops.lp_pool1d)


class LPPool2d(_LPPoolNd):
    """(Σ_window x^p)^(1/p) over windows of (N, C, H, W) (see ``F.lp_pool2d``)."""

    _pool = staticmethod(ops.lp_pool2d)


class LPPool3d(_LPPoolNd):
    """(Σ_window x^p)^(1/p) over windows of (N, C, D, H, W) (see ``F.lp_pool3d``)."""

    _pool = staticmethod(ops.lp_pool3d)


class _MaxUnpoolNd(Module):
    """The partial inverse of max pooling over ``_n`` dims by ``_unpool``, the functional
    form: ``forward(input, indices, output_size=None)`` places each value at its index in a
    zero output."""

    _n = 0

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        super().__init__()
        self.kernel_size = _ntuple(kernel_size, self._n)
        self.stride = _ntuple(stride if stride is not None else kernel_size, self._n)
        self.padding = _ntuple(padding, self._n)

    def forward(self, input: Tensor, indices: Tensor, output_size: Any = None) -> Tensor:
        return self._unpool(input, indices, self.kernel_size, self.stride, self.padding,
                            output_size)  # fmt: skip

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpoolNd):
    """The partial inverse of MaxPool1d (see ``F.max_unpool1d``)."""

    _n = 1
    _unpool = staticmethod(ops.max_unpool1d)


class MaxUnpool2d(_MaxUnpoolNd):
    """The partial inverse of MaxPool2d (see ``F.max_unpool2d``)."""

    _n = 2
    _unpool = staticmethod(ops.max_unpool2d)


class MaxUnpool3d(_MaxUnpoolNd):
    """The partial inverse of MaxPool3d (see ``F.max_unpool3d``)."""

    _n = 3
    _unpool = staticmethod(ops.max_unpool3d)


class LocalResponseNorm(Module):
    """x / (k + α mean of x² over ``size`` neighbouring channels)^β (see
    ``F.local_response_norm``)."""

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> None:
        super().__init__()
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def forward(self, input: Tensor) -> Tensor:
        return ops.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


class CrossMapLRN2d(Module):
    """LocalResponseNorm of (N, C, H, W) input only: x / (k + α/size Σ x² over ``size``
    neighbouring channels)^β. PyTorch's own forward keeps channel 0's x² in the sum of
    every channel (an off-by-one in its running sum; an even size also loses a channel),
    so that its values and its backward disagree; minigrad computes the formula. Not a
    LocalResponseNorm, as in PyTorch."""

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1) -> None:
        super().__init__()
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim != 4:
            raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.ndim}D instead.")
        return ops.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


class Softmax2d(Module):
    """Softmax over the channels of (N, C, H, W) or (C, H, W), at each place."""

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.ndim}D "
                             "instead")  # fmt: skip
        return softmax(input, -3)
