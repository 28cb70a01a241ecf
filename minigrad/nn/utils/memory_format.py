"""Lay out a model's convolution weights in a memory format (``channels_last``), as
PyTorch's ``nn.utils.convert_conv2d_weight_memory_format``: the values stay, the strides change."""

from __future__ import annotations

from typing import Any

from ..conv_layers import Conv2d, Conv3d
from ..conv_transpose_layers import ConvTranspose2d, ConvTranspose3d
from ..module import Module


def convert_conv2d_weight_memory_format(module: Module, memory_format: Any) -> Module:
    """The weights of every ``Conv2d`` and ``ConvTranspose2d`` in ``module`` (itself
    included) laid out in ``memory_format``, in place. Returns ``module``."""
    return _convert(module, memory_format, (Conv2d, ConvTranspose2d))


def convert_conv3d_weight_memory_format(module: Module, memory_format: Any) -> Module:
    """The same for ``Conv3d`` and ``ConvTranspose3d`` (``channels_last_3d``)."""
    return _convert(module, memory_format, (Conv3d, ConvTranspose3d))


def _convert(module: Module, memory_format: Any, kinds: tuple) -> Module:
    for m in module.modules():
        if isinstance(m, kinds):
            m.weight.data = m.weight.detach().clone(memory_format=memory_format).data
    return module
