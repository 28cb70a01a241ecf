"""Convolution and pooling layers: ``Conv1d``, ``Conv2d``, ``MaxPool2d``, ``AvgPool2d``,
``AdaptiveAvgPool2d`` and ``Dropout2d``, with PyTorch's arguments, attributes,
initialization and repr.

The math is in ``conv.py``; the layers hold the parameters and the settings.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import dtypes
from ..device import check as check_device
from ..factories import _shape
from ..tensor import Tensor
from . import conv, init, layer_ops
from .layers import _DropoutNd
from .module import Module
from .parameter import Parameter

_PADDING_MODES = {"zeros", "reflect", "replicate", "circular"}


def _ntuple(value: Any, n: int) -> tuple:
    """PyTorch's _pair / _single: an iterable as a tuple, anything else repeated n times."""
    try:
        return tuple(value)
    except TypeError:
        return (value,) * n


class _ConvNd(Module):
    """What Conv1d, Conv2d and Conv3d share: the checks of the arguments, the parameters W of shape
    (out_channels, in_channels / groups, *kernel_size) and b (out_channels,), their
    initialization and the repr. Transposed convolutions (``conv_transpose_layers``) share
    it too, with W of shape (in_channels, out_channels / groups, *kernel_size)."""

    _nd = 0
    _transposed = False

    def __init__(
        self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
        padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
        padding_mode: str = "zeros", device: Any = None, dtype: Any = None,
    ) -> None:  # fmt: skip
        super().__init__()
        check_device(device)
        n = self._nd
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        kernel_size, stride, dilation = (_ntuple(v, n) for v in (kernel_size, stride, dilation))
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(
                    f"Invalid padding string {padding!r}, should be one of {{'same', 'valid'}}"
                )
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        else:
            padding = _ntuple(padding, n)
        if padding_mode not in _PADDING_MODES:
            raise ValueError(
                f"padding_mode must be one of {_PADDING_MODES}, but got padding_mode="
                f"'{padding_mode}'"
            )
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.transposed = self._transposed
        self.output_padding = (0,) * n
        self.groups = groups
        self.padding_mode = padding_mode
        # the padding as F.pad takes it (the last dim first, each as before, after), which a
        # padding_mode other than 'zeros' applies to the input: PyTorch's name and value
        if isinstance(padding, str):
            totals = [
                d * (k - 1) if padding == "same" else 0 for d, k in zip(dilation, kernel_size)
            ]
            pads = [v for t in reversed(totals) for v in (t // 2, t - t // 2)]
        else:
            pads = tuple(v for p in reversed(padding) for v in (p, p))
        self._reversed_padding_repeated_twice = pads
        dtype = dtypes.or_default(dtype)
        channels = (in_channels, out_channels // groups) if self.transposed else (
            out_channels, in_channels // groups)  # fmt: skip
        shape = _shape(((*channels, *kernel_size),), op=type(self).__name__)
        self.weight = Parameter(np.empty(shape, dtype))
        if bias:
            self.bias = Parameter(np.empty(out_channels, dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """W from kaiming_uniform_(a=sqrt(5)); b from U(±1/sqrt(fan_in)), fan_in =
        in_channels / groups * prod(kernel_size)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def _padded(self, input: Tensor) -> tuple:
        """The input and the padding for the conv: a padding_mode other than 'zeros' pads
        the input itself (F.pad, with _reversed_padding_repeated_twice)."""
        if self.padding_mode == "zeros":
            return input, self.padding
        return conv.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode), 0

    def _conv_forward(self, input: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
        """This layer's convolution of ``input`` with ``weight`` and ``bias`` (PyTorch's, for a
        subclass whose forward transforms the weight first, e.g. weight standardization)."""
        x, padding = self._padded(input)
        return self._conv(x, weight, bias, self.stride, padding, self.dilation, self.groups)

    def forward(self, input: Tensor) -> Tensor:
        return self._conv_forward(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        n = self._nd
        s = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding != (0,) * n:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * n:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * n:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class Conv2d(_ConvNd):
    """2-D convolution (see ``conv.conv2d``): input (N, C_in, H, W) or (C_in, H, W),
    output (N, C_out, OH, OW), OH = (H + 2p - d (k - 1) - 1) // s + 1."""

    _nd = 2
    _conv = staticmethod(conv.conv2d)


class Conv1d(_ConvNd):
    """1-D convolution (see ``conv.conv1d``): input (N, C_in, L) or (C_in, L),
    output (N, C_out, OL), OL = (L + 2p - d (k - 1) - 1) // s + 1."""

    _nd = 1
    _conv = staticmethod(conv.conv1d)


class Conv3d(_ConvNd):
    """3-D convolution (see ``conv.conv3d``): input (N, C_in, D, H, W) or
    (C_in, D, H, W), output (N, C_out, OD, OH, OW), OD = (D + 2p - d (k - 1) - 1) // s + 1."""

    _nd = 3
    _conv = staticmethod(conv.conv3d)


class _MaxPoolNd(Module):
    """The maximum of each window by ``_pool``, the functional form; stride defaults to the
    kernel."""

    def __init__(
        self, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
        return_indices: bool = False, ceil_mode: bool = False,
    ) -> None:  # fmt: skip
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, input: Tensor) -> Any:
        return self._pool(
            input, self.kernel_size, self.stride, self.padding, self.dilation,
            ceil_mode=self.ceil_mode, return_indices=self.return_indices,
        )  # fmt: skip

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class MaxPool2d(_MaxPoolNd):
    """The maximum of each window (see ``conv.max_pool2d``); stride defaults to the kernel."""

    _pool = staticmethod(conv.max_pool2d)


class _AvgPoolNd(Module):
    """The mean of each window by ``_pool``, the functional form; stride defaults to the
    kernel."""

    def __init__(
        self, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
        count_include_pad: bool = True, divisor_override: int | None = None,
    ) -> None:  # fmt: skip
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input: Tensor) -> Tensor:
        return self._pool(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad, self.divisor_override)  # fmt: skip

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(_AvgPoolNd):
    """The mean of each window (see ``conv.avg_pool2d``); stride defaults to the kernel."""

    _pool = staticmethod(conv.avg_pool2d)


class _AdaptiveAvgPoolNd(Module):
    """Average pooling to a fixed output size by ``_pool``, the functional form."""

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return self._pool(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool2d(_AdaptiveAvgPoolNd):
    """Average pooling to a fixed output size (see ``conv.adaptive_avg_pool2d``)."""

    _pool = staticmethod(conv.adaptive_avg_pool2d)


class Dropout2d(_DropoutNd):
    """In training, zero each channel of (N, C, H, W) with probability p and scale the rest
    by 1 / (1 - p) (see ``conv.dropout2d``); in evaluation mode the identity."""

    _dropout = staticmethod(conv.dropout2d)


class MaxPool1d(_MaxPoolNd):
    """The maximum of each window along L of (N, C, L) (see ``F.max_pool1d``); stride
    defaults to the kernel."""

    _pool = staticmethod(layer_ops.max_pool1d)


class AvgPool1d(Module):
    """The mean of each window along L of (N, C, L) (see ``F.avg_pool1d``); its sizes are
    kept as 1-tuples, as PyTorch's."""

    def __init__(
        self, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
        count_include_pad: bool = True,
    ) -> None:  # fmt: skip
        super().__init__()
        self.kernel_size = _ntuple(kernel_size, 1)
        self.stride = _ntuple(stride if stride is not None else kernel_size, 1)
        self.padding = _ntuple(padding, 1)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, input: Tensor) -> Tensor:
        return layer_ops.avg_pool1d(
            input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
            self.count_include_pad,
        )  # fmt: skip

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool1d(_AdaptiveAvgPoolNd):
    """Average pooling along L of (N, C, L) to ``output_size`` (see ``F.adaptive_avg_pool1d``)."""

    _pool = staticmethod(layer_ops.adaptive_avg_pool1d)


class _ConstantPadNd(Module):
    """Pad the last dims with ``value`` (``F.pad``, mode 'constant'); ``padding`` as
    (left, right, top, bottom...), from an int or a sequence."""

    _n = 0

    def __init__(self, padding: Any, value: float) -> None:
        super().__init__()
        self.value = value
        self.padding = _ntuple(padding, 2 * self._n)

    def forward(self, input: Tensor) -> Tensor:
        return conv.pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dim: ``padding`` an int or (left, right)."""

    _n = 1


class ConstantPad2d(_ConstantPadNd):
    """Pad the last 2 dims: ``padding`` an int or (left, right, top, bottom)."""

    _n = 2


class ZeroPad2d(ConstantPad2d):
    """Pad the last 2 dims with zeros."""

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class MaxPool3d(_MaxPoolNd):
    """The maximum of each (D, H, W) window (see ``conv.max_pool3d``); stride
    defaults to the kernel."""

    _pool = staticmethod(conv.max_pool3d)


class AvgPool3d(_AvgPoolNd):
    """The mean of each (D, H, W) window (see ``conv.avg_pool3d``); stride
    defaults to the kernel."""

    _pool = staticmethod(conv.avg_pool3d)


class AdaptiveAvgPool3d(_AdaptiveAvgPoolNd):
    """Average pooling over (D, H, W) to a fixed output size (see
    ``conv.adaptive_avg_pool3d``)."""

    _pool = staticmethod(conv.adaptive_avg_pool3d)
