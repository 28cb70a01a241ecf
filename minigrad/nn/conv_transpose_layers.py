"""Transposed convolution layers ``ConvTranspose1d/2d/3d``, with PyTorch's arguments,
attributes, initialization and repr.

The math is in ``conv_transpose.py``; the layers hold the parameters and the settings.
"""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from . import conv_transpose
from .conv_layers import _ConvNd, _ntuple

__all__ = ["ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"]


class _ConvTransposeNd(_ConvNd):
    """A conv layer with W of shape (in_channels, out_channels / groups, *kernel_size),
    initialized as Conv's (kaiming_uniform_(a=sqrt(5)), b from U(±1/sqrt(fan_in)) with
    fan_in = out_channels / groups * prod(kernel_size), W's dim 1 as PyTorch reads it)."""

    _transposed = True

    def __init__(
        self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
        padding: Any = 0, output_padding: Any = 0, groups: int = 1, bias: bool = True,
        dilation: Any = 1, padding_mode: str = "zeros", device: Any = None, dtype: Any = None,
    ) -> None:  # fmt: skip
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        n = self._nd
        super().__init__(
            in_channels, out_channels, _ntuple(kernel_size, n), _ntuple(stride, n),
            _ntuple(padding, n), _ntuple(dilation, n), groups, bias, padding_mode, device, dtype,
        )  # fmt: skip
        self.output_padding = _ntuple(output_padding, n)

    def _output_padding(self, input: Tensor, output_size: Any) -> Any:
        """``output_padding``, or the one that makes the output ``output_size`` (the
        spatial sizes, or the whole shape): the size less the smallest output,
        (L - 1) s - 2 p + d (k - 1) + 1, which must leave it below that plus the stride."""
        if output_size is None:
            return self.output_padding
        n = self._nd
        lead = 2 if input.ndim == n + 2 else 1
        if len(output_size) == lead + n:
            output_size = output_size[lead:]
        if len(output_size) != n:
            raise ValueError(
                f"ConvTranspose{n}D: for {input.ndim}D input, output_size must have {n} or "
                f"{lead + n} elements (got {len(output_size)})"
            )
        low = [
            (L - 1) * s - 2 * p + d * (k - 1) + 1
            for L, s, p, d, k in zip(
                input.shape[lead:], self.stride, self.padding, self.dilation, self.kernel_size
            )  # fmt: skip
        ]
        high = [lo + s - 1 for lo, s in zip(low, self.stride)]
        if any(not lo <= size <= hi for size, lo, hi in zip(output_size, low, high)):
            raise ValueError(
                f"requested an output size of {output_size}, but valid sizes range from {low} "
                f"to {high} (for an input of {input.shape[lead:]})"
            )
        return [size - lo for size, lo in zip(output_size, low)]

    def forward(self, input: Tensor, output_size: Any = None) -> Tensor:
        op = getattr(conv_transpose, f"conv_transpose{self._nd}d")
        return op(input, self.weight, self.bias, self.stride, self.padding,
                  self._output_padding(input, output_size), self.groups, self.dilation)  # fmt: skip


class ConvTranspose2d(_ConvTransposeNd):
    """2-D transposed convolution (see ``conv_transpose.conv_transpose2d``): input
    (N, C_in, H, W) or (C_in, H, W), output (N, C_out, OH, OW),
    OH = (H - 1) s - 2 p + d (k - 1) + output_padding + 1."""

    _nd = 2


class ConvTranspose1d(_ConvTransposeNd):
    """1-D transposed convolution (see ``conv_transpose.conv_transpose1d``): input
    (N, C_in, L) or (C_in, L), output (N, C_out, OL),
    OL = (L - 1) s - 2 p + d (k - 1) + output_padding + 1."""

    _nd = 1


class ConvTranspose3d(_ConvTransposeNd):
    """3-D transposed convolution (see ``conv_transpose.conv_transpose3d``): input
    (N, C_in, D, H, W) or (C_in, D, H, W), output (N, C_out, OD, OH, OW),
    OD = (D - 1) s - 2 p + d (k - 1) + output_padding + 1."""

    _nd = 3
