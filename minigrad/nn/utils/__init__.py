"""``nn.utils``: clip gradients (``clip_grad``), flatten parameters into a vector and back
(``convert_parameters``), reparametrise a module's tensors (``parametrize``,
``parametrizations``, and the older hook-based ``weight_norm`` and ``spectral_norm``),
fold BatchNorm into the layer before it (``fusion``), ``skip_init``, lay out conv weights
(``memory_format``), and batches of
sequences of different lengths (``rnn``: ``PackedSequence``, packing and padding)."""

from . import (
    clip_grad,
    convert_parameters,
    fusion,
    init,
    parametrizations,
    parametrize,
    rnn,
    stateless,
)
from . import (
    spectral_norm as _spectral_norm_module,
)
from . import (
    weight_norm as _weight_norm_module,
)
from .clip_grad import (
    clip_grad_norm,
    clip_grad_norm_,
    clip_grad_value_,
    clip_grads_with_norm_,
    get_total_norm,
)
from .convert_parameters import parameters_to_vector, vector_to_parameters
from .fusion import (
    fuse_conv_bn_eval,
    fuse_conv_bn_weights,
    fuse_linear_bn_eval,
    fuse_linear_bn_weights,
)
from .init import skip_init
from .memory_format import convert_conv2d_weight_memory_format, convert_conv3d_weight_memory_format
from .spectral_norm import remove_spectral_norm, spectral_norm
from .weight_norm import remove_weight_norm, weight_norm

__all__ = [
    "clip_grad", "convert_parameters", "fusion", "init", "parametrizations", "parametrize", "rnn",
    "stateless",
    "clip_grad_norm", "clip_grad_norm_", "clip_grad_value_", "clip_grads_with_norm_",
    "get_total_norm", "parameters_to_vector", "vector_to_parameters", "fuse_conv_bn_eval",
    "fuse_conv_bn_weights", "fuse_linear_bn_eval", "fuse_linear_bn_weights", "skip_init",
    "spectral_norm", "remove_spectral_norm", "weight_norm", "remove_weight_norm",
    "convert_conv2d_weight_memory_format", "convert_conv3d_weight_memory_format",
]  # fmt: skip
