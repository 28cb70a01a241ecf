"""``nn.modules``: PyTorch's paths to the layer classes, by the file that defines each in
``torch/nn/modules/`` (``nn.modules.batchnorm._BatchNorm``, ``from torch.nn.modules.loss
import _Loss``), for code that checks or subclasses a layer by its base class. Each is a
namespace of minigrad's classes (``dotted`` names are private classes, by the file here
that defines them), importable as a module."""

from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import Any

from . import conv_layers

_PATHS = {
    "activation": (
        "Threshold ReLU RReLU Hardtanh ReLU6 Sigmoid Hardsigmoid Tanh SiLU Mish Hardswish ELU "
        "CELU SELU GLU GELU Hardshrink LeakyReLU LogSigmoid Softplus Softshrink "
        "MultiheadAttention PReLU Softsign Tanhshrink Softmin Softmax Softmax2d LogSoftmax"
    ),
    "adaptive": "adaptive._ASMoutput AdaptiveLogSoftmaxWithLoss",
    "batchnorm": (
        "normalization._NormBase normalization._BatchNorm lazy._LazyNormBase BatchNorm1d "
        "LazyBatchNorm1d BatchNorm2d LazyBatchNorm2d BatchNorm3d LazyBatchNorm3d SyncBatchNorm"
    ),
    "channelshuffle": "ChannelShuffle",
    "container": "Container Sequential ModuleList ModuleDict ParameterList ParameterDict",
    "conv": (
        "conv_layers._ConvNd Conv1d Conv2d Conv3d conv_transpose_layers._ConvTransposeNd "
        "ConvTranspose1d ConvTranspose2d ConvTranspose3d lazy._LazyConvXdMixin LazyConv1d "
        "LazyConv2d LazyConv3d LazyConvTranspose1d LazyConvTranspose2d LazyConvTranspose3d"
    ),
    "distance": "PairwiseDistance CosineSimilarity",
    "dropout": (
        "layers._DropoutNd Dropout Dropout1d Dropout2d Dropout3d AlphaDropout FeatureAlphaDropout"
    ),
    "flatten": "Flatten Unflatten",
    "fold": "Fold Unfold",
    "instancenorm": (
        "normalization._InstanceNorm InstanceNorm1d LazyInstanceNorm1d InstanceNorm2d "
        "LazyInstanceNorm2d InstanceNorm3d LazyInstanceNorm3d"
    ),
    "lazy": "lazy.LazyModuleMixin",
    "linear": "Identity Linear attention.NonDynamicallyQuantizableLinear Bilinear LazyLinear",
    "loss": (
        "loss._Loss loss._WeightedLoss L1Loss NLLLoss PoissonNLLLoss GaussianNLLLoss "
        "KLDivLoss MSELoss BCELoss BCEWithLogitsLoss HingeEmbeddingLoss MultiLabelMarginLoss "
        "SmoothL1Loss HuberLoss SoftMarginLoss CrossEntropyLoss MultiLabelSoftMarginLoss "
        "CosineEmbeddingLoss MarginRankingLoss MultiMarginLoss TripletMarginLoss "
        "TripletMarginWithDistanceLoss CTCLoss NLLLoss2d LinearCrossEntropyLoss"
    ),
    "module": (
        "module._IncompatibleKeys Module module.register_module_forward_pre_hook "
        "module.register_module_forward_hook module.register_module_full_backward_pre_hook "
        "module.register_module_full_backward_hook module.register_module_backward_hook "
        "module.register_module_parameter_registration_hook "
        "module.register_module_buffer_registration_hook "
        "module.register_module_module_registration_hook"
    ),
    "normalization": "LocalResponseNorm CrossMapLRN2d LayerNorm GroupNorm RMSNorm",
    "padding": (
        "more_layer_modules._CircularPadNd CircularPad1d CircularPad2d CircularPad3d "
        "conv_layers._ConstantPadNd ConstantPad1d ConstantPad2d ConstantPad3d ReflectionPad1d "
        "ReflectionPad2d ReflectionPad3d ReplicationPad1d ReplicationPad2d ReplicationPad3d "
        "ZeroPad1d ZeroPad2d ZeroPad3d"
    ),
    "pixelshuffle": "PixelShuffle PixelUnshuffle",
    "pooling": (
        "conv_layers._MaxPoolNd MaxPool1d MaxPool2d MaxPool3d more_layer_modules._MaxUnpoolNd "
        "MaxUnpool1d MaxUnpool2d MaxUnpool3d conv_layers._AvgPoolNd AvgPool1d AvgPool2d "
        "AvgPool3d FractionalMaxPool2d FractionalMaxPool3d more_layer_modules._LPPoolNd "
        "LPPool1d LPPool2d LPPool3d more_layer_modules._AdaptiveMaxPoolNd AdaptiveMaxPool1d "
        "AdaptiveMaxPool2d AdaptiveMaxPool3d conv_layers._AdaptiveAvgPoolNd AdaptiveAvgPool1d "
        "AdaptiveAvgPool2d AdaptiveAvgPool3d"
    ),
    "rnn": "RNNBase RNN LSTM GRU RNNCellBase RNNCell LSTMCell GRUCell",
    "sparse": "Embedding EmbeddingBag",
    "transformer": (
        "Transformer TransformerEncoder TransformerDecoder TransformerEncoderLayer "
        "TransformerDecoderLayer"
    ),
    "upsampling": "Upsample UpsamplingNearest2d UpsamplingBilinear2d",
}


def _namespace(path: str, names: str) -> ModuleType:
    namespace = ModuleType(f"{__name__}.{path}")
    nn = sys.modules[__package__]  # imported before this module, at the end of its __init__
    for name in names.split():
        home, _, cls = name.rpartition(".")
        source = importlib.import_module(f"{__package__}.{home}") if home else nn
        setattr(namespace, cls, getattr(source, cls))
    sys.modules[namespace.__name__] = namespace  # so that ``from ... import`` finds it
    return namespace


def _ntuple(n: int, name: str = "parse") -> Any:
    """PyTorch's ``nn.modules.utils._ntuple``: a function making an n-tuple of its argument
    (an iterable as a tuple, anything else repeated n times)."""

    def parse(x: Any) -> tuple:
        return conv_layers._ntuple(x, n)

    parse.__name__ = name
    return parse


def _utils() -> ModuleType:
    """``nn.modules.utils``: _single, _pair, _triple, _quadruple (custom layers import them)."""
    namespace = ModuleType(f"{__name__}.utils")
    namespace._ntuple = _ntuple
    for n, name in enumerate(("_single", "_pair", "_triple", "_quadruple"), 1):
        setattr(namespace, name, _ntuple(n, name))
    sys.modules[namespace.__name__] = namespace
    return namespace


globals().update((path, _namespace(path, names)) for path, names in _PATHS.items())
utils = _utils()
# and every layer class under ``nn.modules`` itself, as PyTorch's ``nn.modules.Linear``
globals().update((name, getattr(sys.modules[__package__], name))
                 for name in sys.modules[__package__].__all__
                 if isinstance(getattr(sys.modules[__package__], name), type))  # fmt: skip
