"""The ``torch.*`` forms of nn.functional's ops (``torch.conv2d``, ``torch.dropout``,
``torch.layer_norm``, ...), with the arguments PyTorch's own ``torch.*`` functions take.

Where PyTorch's ``torch.x`` is the very function ``F.x``, it is here too. The others are
ATen's forms: every argument positional as its schema lists them, no ``inplace`` flag (an
``x_`` function instead), ``train`` for ``training``, ``torch.embedding(weight, indices)``
with its arguments swapped and ``padding_idx=-1`` for none, ``torch.batch_norm`` taking the
affine parameters before the running statistics, losses taking ATen's integer ``reduction``
(0 none, 1 mean, 2 sum; any other int leaves the loss unreduced, as ATen). Left out, it is 0:
PyTorch's schemas say 1, but its ``torch.*`` bindings leave these losses unreduced. Each calls the
functional op, so its graph is that op's.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from . import dtypes, linalg, ops
from .engine import record
from .nn import functional as F
from .nn.conv import _pad
from .nn.module import Module
from .nn.more_layers import _dropout
from .nn.rnn import _CELL_STEPS, _GATES, RNNBase
from .random import generator
from .random_kernels import keep_mask
from .tensor import Tensor, check_tensor

# the same functions as nn.functional's, as in PyTorch
adaptive_avg_pool1d = F.adaptive_avg_pool1d
avg_pool1d = F.avg_pool1d
bilinear = F.bilinear
celu_ = F.celu_
channel_shuffle, native_channel_shuffle = F.channel_shuffle, F.native_channel_shuffle
conv1d, conv2d, conv3d, conv_tbc = F.conv1d, F.conv2d, F.conv3d, F.conv_tbc
conv_transpose1d = F.conv_transpose1d
conv_transpose2d = F.conv_transpose2d
conv_transpose3d = F.conv_transpose3d
cosine_similarity = F.cosine_similarity
hardshrink = F.hardshrink
pairwise_distance = F.pairwise_distance
pdist = F.pdist
pixel_shuffle, pixel_unshuffle = F.pixel_shuffle, F.pixel_unshuffle
prelu = F.prelu
rms_norm = F.rms_norm
rrelu_ = F.rrelu_
selu_ = F.selu_


def _probability(op: str, p: Any) -> Any:
    """ATen's check of a dropout probability: a RuntimeError (F's Python check is a
    ValueError)."""
    if isinstance(p, (int, float)) and not 0 <= p <= 1:
        raise RuntimeError(f"{op}: dropout probability has to be between 0 and 1, but got {p}")
    return p


def dropout(input: Tensor, p: float, train: bool) -> Tensor:
    return F.dropout(input, _probability("dropout", p), train)


def dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    return F.dropout(input, _probability("dropout_", p), train, inplace=True)


def alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    return F.alpha_dropout(input, _probability("alpha_dropout", p), train)


def alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    return F.alpha_dropout(input, _probability("alpha_dropout_", p), train, inplace=True)


def feature_alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    return F.feature_alpha_dropout(input, _probability("feature_alpha_dropout", p), train)


def feature_alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    p = _probability("feature_alpha_dropout_", p)
    return F.feature_alpha_dropout(input, p, train, inplace=True)


def feature_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """Dropout of whole channels: one keep mask per index of the first two dims."""
    return _dropout("feature_dropout", input, _probability("feature_dropout", p), train, False,
                    2, False)  # fmt: skip


def feature_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    return _dropout("feature_dropout_", input, _probability("feature_dropout_", p), train, True,
                    2, False)  # fmt: skip


def native_dropout(input: Tensor, p: float, train: bool | None) -> tuple:
    """(x m / (1 - p), m), m a bool keep mask drawn per element (all True unless training;
    None trains), the scale 0 for p = 1.   dx = g m / (1 - p)."""
    check_tensor("native_dropout", "input", input)
    X = input.data
    if train is False:
        return ops.clone(input), Tensor._new(np.ones(X.shape, bool))
    if not 0 <= p <= 1:
        raise RuntimeError(f"native_dropout: dropout probability has to be between 0 and 1, "
                           f"but got {p}")  # fmt: skip
    if X.dtype.kind != "f":
        raise RuntimeError(f"native_dropout: result type Float can't be cast to the desired "
                           f"output type {X.dtype}")  # fmt: skip
    keep = keep_mask(generator(), X.shape, p, np.dtype(bool))
    scale = (keep * (0.0 if p == 1 else 1 / (1 - p))).astype(X.dtype)
    out = record(X * scale, "NativeDropout", (input,), (lambda g: g * scale,))
    return out, Tensor._new(keep)


def selu(input: Tensor) -> Tensor:
    return F.selu(input)


def celu(input: Tensor, alpha: float = 1.0) -> Tensor:
    return F.celu(input, alpha)


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
          training: bool = False, generator: Any = None) -> Tensor:  # fmt: skip
    if generator is not None:
        raise NotImplementedError("rrelu: generator= is not supported; seed with manual_seed")
    return F.rrelu(input, lower, upper, training)


def layer_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5,
               cudnn_enable: bool = True) -> Tensor:  # fmt: skip
    return F.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5,
               cudnn_enabled: bool = True) -> Tensor:  # fmt: skip
    return F.group_norm(input, num_groups, weight, bias, eps)


def batch_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None,
               running_mean: Tensor | None, running_var: Tensor | None, training: bool,
               momentum: float, eps: float, cudnn_enabled: bool) -> Tensor:  # fmt: skip
    return F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def instance_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None,
                  running_mean: Tensor | None, running_var: Tensor | None, use_input_stats: bool,
                  momentum: float, eps: float, cudnn_enabled: bool) -> Tensor:  # fmt: skip
    return F.instance_norm(input, running_mean, running_var, weight, bias, use_input_stats,
                           momentum, eps)  # fmt: skip


def embedding(weight: Tensor, indices: Tensor, padding_idx: int = -1,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:  # fmt: skip
    """The rows of ``weight`` at ``indices``; the row ``padding_idx`` gets no gradient, and
    one outside the table (negative, as the default -1) is none (ATen's convention:
    F.embedding turns a negative one into a row before it calls this)."""
    padding = padding_idx if 0 <= padding_idx < weight.shape[0] else None
    return F.embedding(indices, weight, padding, None, 2.0, scale_grad_by_freq, sparse)


def max_pool1d(input: Tensor, kernel_size: Any, stride: Any = (), padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False) -> Tensor:  # fmt: skip
    return F.max_pool1d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = (), padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False) -> Tensor:  # fmt: skip
    return F.max_pool2d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def max_pool3d(input: Tensor, kernel_size: Any, stride: Any = (), padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False) -> Tensor:  # fmt: skip
    return F.max_pool3d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def max_pool1d_with_indices(input: Tensor, kernel_size: Any, stride: Any = (),
                            padding: Any = 0, dilation: Any = 1,
                            ceil_mode: bool = False) -> tuple:  # fmt: skip
    """(values, indices), a plain tuple as PyTorch's."""
    return tuple(F.max_pool1d(input, kernel_size, stride or None, padding, dilation, ceil_mode,
                              return_indices=True))  # fmt: skip


def adaptive_max_pool1d(input: Tensor, output_size: Any) -> tuple:
    """(values, indices), a plain tuple as PyTorch's."""
    return tuple(F.adaptive_max_pool1d(input, output_size, return_indices=True))


def _reduction(op: str, code: Any) -> str:
    """ATen's integer reduction as F's name: 1 'mean', 2 'sum', any other int 'none'."""
    try:  # an int, or anything with __index__ (a NumPy int, a 0-d integer Tensor) but a bool
        if isinstance(code, bool) or isinstance(code, Tensor) and code.ndim:
            raise TypeError
        code = operator.index(code)
    except TypeError:
        raise TypeError(
            f"{op}(): argument 'reduction' must be int, not {type(code).__name__}"
        ) from None
    return {1: "mean", 2: "sum"}.get(code, "none")


def kl_div(input: Tensor, target: Tensor, reduction: int = 0, *,
           log_target: bool = False) -> Tensor:  # fmt: skip
    """F.kl_div's pointwise loss; 1 averages it over all elements (without F's warning
    about 'mean')."""
    loss = F.kl_div(input, target, reduction="none", log_target=log_target)
    mode = _reduction("kl_div", reduction)
    return loss if mode == "none" else getattr(loss, mode)()


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     pos_weight: Tensor | None = None,
                                     reduction: int = 0) -> Tensor:  # fmt: skip
    mode = _reduction("binary_cross_entropy_with_logits", reduction)
    return F.binary_cross_entropy_with_logits(input, target, weight, reduction=mode,
                                              pos_weight=pos_weight)  # fmt: skip


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                          reduction: int = 0) -> Tensor:  # fmt: skip
    mode = _reduction("cosine_embedding_loss", reduction)
    return F.cosine_embedding_loss(input1, input2, target, margin, reduction=mode)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,
                         reduction: int = 0) -> Tensor:  # fmt: skip
    mode = _reduction("hinge_embedding_loss", reduction)
    return F.hinge_embedding_loss(input, target, margin, reduction=mode)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                        reduction: int = 0) -> Tensor:  # fmt: skip
    mode = _reduction("margin_ranking_loss", reduction)
    return F.margin_ranking_loss(input1, input2, target, margin, reduction=mode)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0,
                        p: float = 2.0, eps: float = 1e-6, swap: bool = False,
                        reduction: int = 0) -> Tensor:  # fmt: skip
    mode = _reduction("triplet_margin_loss", reduction)
    return F.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap, reduction=mode)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool, full: bool, eps: float,
                     reduction: int) -> Tensor:  # fmt: skip
    mode = _reduction("poisson_nll_loss", reduction)
    return F.poisson_nll_loss(input, target, log_input, full, eps=eps, reduction=mode)


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths: Any, target_lengths: Any,
             blank: int = 0, reduction: int = 0,
             zero_infinity: bool = False) -> Tensor:  # fmt: skip
    mode = _reduction("ctc_loss", reduction)
    return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, mode, zero_infinity)


def embedding_bag(weight: Tensor, indices: Tensor, offsets: Tensor,
                  scale_grad_by_freq: bool = False, mode: int = 0, sparse: bool = False,
                  per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> tuple:  # fmt: skip
    """ATen's embedding_bag: F.embedding_bag's bags of 1-D ``indices`` cut at ``offsets``,
    ``mode`` 0 sum, 1 mean, 2 max, a negative ``padding_idx`` counted from the end; and
    ATen's bookkeeping, as its CPU kernel gives it: (output, offset2bag (each index's bag;
    empty for a float32 sum without padding_idx, the kernel's fast path), bag_size (the
    non-padding indices per bag; zeros for a sum), max_indices (for max, the row of each
    maximum, (B, D); for mean bag_size; zeros for sum)). ATen ignores scale_grad_by_freq
    for max, which F refuses."""
    if mode not in (0, 1, 2):
        raise RuntimeError(f"embedding_bag: `mode` must be sum, mean, or max, got {mode}.")
    if indices.ndim != 1:
        raise ValueError(f"embedding_bag: expected 1-D indices with offsets, got shape "
                         f"{tuple(indices.shape)}")  # fmt: skip
    rows = weight.shape[0]
    if padding_idx is not None and padding_idx < 0:
        padding_idx += rows
    padding = padding_idx if padding_idx is not None and 0 <= padding_idx < rows else None
    scale = scale_grad_by_freq and mode != 2
    output = F.embedding_bag(indices, weight, offsets, None, 2, scale,
                             ("sum", "mean", "max")[mode], sparse, per_sample_weights,
                             include_last_offset, padding)  # fmt: skip
    idx, starts = indices.data.astype(np.int64), offsets.data.astype(np.int64)
    bags = output.shape[0]
    starts = starts[:bags]
    offset2bag = np.searchsorted(starts, np.arange(idx.size), side="right") - 1
    kept = idx != padding if padding is not None else np.ones(idx.size, bool)
    counts = np.bincount(offset2bag[kept], minlength=bags)[:bags] if idx.size else np.zeros(bags)
    long = np.int64
    if mode == 0:
        fast = padding is None and weight.dtype == np.float32
        o2b = np.zeros(0, long) if fast else offset2bag
        return output, Tensor._new(o2b.astype(long)), *(Tensor._new(np.zeros(bags, long)),) * 2
    bag_size = Tensor._new(counts.astype(long))
    if mode == 1:
        return (
            output,
            Tensor._new(offset2bag.astype(long)),
            bag_size,
            Tensor._new(counts.astype(long)),
        )
    W = weight.data
    max_indices = np.zeros((bags, W.shape[1]), long)
    for b in range(bags):
        members = idx[(offset2bag == b) & kept]
        if members.size:  # the first row reaching each column's maximum
            max_indices[b] = members[np.argmax(W[members], axis=0)]
    return output, Tensor._new(offset2bag.astype(long)), bag_size, Tensor._new(max_indices)


def rnn_tanh_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor,
                  b_ih: Tensor | None = None, b_hh: Tensor | None = None) -> Tensor:  # fmt: skip
    """h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh); x (B, input_size), hx (B, hidden_size)."""
    return _cell("rnn_tanh_cell", "RNN_TANH", input, (hx,), w_ih, w_hh, b_ih, b_hh)[0]


def rnn_relu_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor,
                  b_ih: Tensor | None = None, b_hh: Tensor | None = None) -> Tensor:  # fmt: skip
    """h' = relu(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh); x (B, input_size), hx (B, hidden_size)."""
    return _cell("rnn_relu_cell", "RNN_RELU", input, (hx,), w_ih, w_hh, b_ih, b_hh)[0]


def gru_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor,
             b_ih: Tensor | None = None, b_hh: Tensor | None = None) -> Tensor:  # fmt: skip
    """nn.GRUCell's step with the weights given (gates r, z, n stacked in w_ih (3H, in))."""
    return _cell("gru_cell", "GRU", input, (hx,), w_ih, w_hh, b_ih, b_hh)[0]


def lstm_cell(input: Tensor, hx: Any, w_ih: Tensor, w_hh: Tensor,
              b_ih: Tensor | None = None, b_hh: Tensor | None = None) -> tuple:  # fmt: skip
    """nn.LSTMCell's step with the weights given (gates i, f, g, o stacked in w_ih (4H, in)):
    hx = (h, c), each (B, H); returns (h', c')."""
    if not isinstance(hx, (tuple, list)) or not all(isinstance(h, Tensor) for h in hx):
        raise TypeError(
            f"lstm_cell(): argument 'hx' (position 2) must be tuple of Tensors, not "
            f"{type(hx).__name__}"
        )
    if len(hx) != 2:
        raise RuntimeError(f"lstm_cell expects two hidden states, got {len(hx)}")
    return _cell("lstm_cell", "LSTM", input, tuple(hx), w_ih, w_hh, b_ih, b_hh)


def _cell(op: str, mode: str, input: Tensor, hx: tuple, w_ih: Tensor, w_hh: Tensor,
          b_ih: Tensor | None, b_hh: Tensor | None) -> tuple:  # fmt: skip
    """ATen's checks of a cell's input (B, w_ih's columns) and states (B, w_hh's columns),
    then one step of ``mode``: the new states."""
    for name, t in (("input", input), ("w_ih", w_ih), ("w_hh", w_hh), *(("hx", h) for h in hx)):
        check_tensor(op, name, t)
    if input.ndim < 2:
        raise IndexError(
            f"{op}: input of shape {tuple(input.shape)} has no feature dimension: Dimension out "
            "of range (expected to be in range of [-1, 0], but got 1)"
        )
    if input.shape[1] != w_ih.shape[1]:
        raise RuntimeError(
            f"{op}: input has inconsistent input_size: got {input.shape[1]} expected "
            f"{w_ih.shape[1]}"
        )
    for i, h in enumerate(hx):
        if h.ndim < 2 or h.shape[0] != input.shape[0]:
            raise RuntimeError(
                f"{op}: Input batch size {input.shape[0]} doesn't match hidden{i} batch size "
                f"{h.shape[0] if h.ndim else None} (hidden{i} of shape {tuple(h.shape)})"
            )
        if h.shape[1] != w_hh.shape[1]:
            raise RuntimeError(
                f"{op}: hidden{i} has inconsistent hidden_size: got {h.shape[1]}, expected "
                f"{w_hh.shape[1]}"
            )
    return _CELL_STEPS[mode](F.linear(input, w_ih, b_ih), hx, w_hh, b_hh)


def rnn_tanh(input: Tensor, hx: Any, params: Any, has_biases: bool, num_layers: int,
             dropout: float, train: bool, bidirectional: bool,
             batch_first: Any) -> tuple:  # fmt: skip
    """nn.RNN's layers (tanh) over input with the flat weights ``params`` (w_ih, w_hh and,
    with biases, b_ih, b_hh per layer and direction): (output, h_n). Given ``(data,
    batch_sizes, hx, params, ...)`` (no batch_first), the packed form: data packed."""
    return _flat("RNN_TANH", input, hx, params, has_biases, num_layers, dropout, train,
                 bidirectional, batch_first)  # fmt: skip


def rnn_relu(input: Tensor, hx: Any, params: Any, has_biases: bool, num_layers: int,
             dropout: float, train: bool, bidirectional: bool,
             batch_first: Any) -> tuple:  # fmt: skip
    """rnn_tanh with relu: (output, h_n)."""
    return _flat("RNN_RELU", input, hx, params, has_biases, num_layers, dropout, train,
                 bidirectional, batch_first)  # fmt: skip


def gru(input: Tensor, hx: Any, params: Any, has_biases: bool, num_layers: int,
        dropout: float, train: bool, bidirectional: bool, batch_first: Any) -> tuple:  # fmt: skip
    """nn.GRU's layers with the flat weights ``params``: (output, h_n); packed form as
    rnn_tanh's."""
    return _flat("GRU", input, hx, params, has_biases, num_layers, dropout, train,
                 bidirectional, batch_first)  # fmt: skip


def lstm(input: Tensor, hx: Any, params: Any, has_biases: bool, num_layers: int,
         dropout: float, train: bool, bidirectional: bool, batch_first: Any) -> tuple:  # fmt: skip
    """nn.LSTM's layers with the flat weights ``params`` (w_hr after the biases with a
    projection, which hx = (h, c) of different widths asks for): (output, h_n, c_n);
    packed form as rnn_tanh's."""
    return _flat("LSTM", input, hx, params, has_biases, num_layers, dropout, train,
                 bidirectional, batch_first)  # fmt: skip


def _flat(mode: str, input: Tensor, *args: Any) -> tuple:
    """ATen's flat-weight RNN: the ``.input`` form (input, hx, params, has_biases,
    num_layers, dropout, train, bidirectional, batch_first), or the ``.data`` form (data,
    batch_sizes, hx, params, has_biases, num_layers, dropout, train, bidirectional)."""
    # the .data form's second argument is batch_sizes where the .input form has hx
    packed = isinstance(args[0] if mode == "LSTM" else args[1], Tensor)
    if packed:
        batch_sizes, hx, params, has_biases, layers, dropout, train, bidirectional = args
        batch_first = False
    else:
        hx, params, has_biases, layers, dropout, train, bidirectional, batch_first = args
    name = mode.lower()
    if mode == "LSTM" and not isinstance(hx, (tuple, list)):
        raise TypeError(f"{name}(): argument 'hx' must be tuple of Tensors, not "
                        f"{type(hx).__name__}")  # fmt: skip
    hx = tuple(hx) if mode == "LSTM" else (hx,)
    for t in (input, *hx, *params):
        check_tensor(name, "input, hx and params", t)
    if len(hx) != (2 if mode == "LSTM" else 1):
        raise RuntimeError(f"{name} expects two hidden states, got {len(hx)}")
    per = (4 if has_biases else 2) + (mode == "LSTM" and hx[0].shape[-1] != hx[1].shape[-1])
    directions = 2 if bidirectional else 1
    if len(params) != per * layers * directions:
        raise RuntimeError(
            f"{name}: got {len(params)} weights, expected {per} for each of {layers} layers and "
            f"{directions} directions"
        )
    rnn = _FlatRNN(mode, params, per, has_biases, layers, dropout, train, bidirectional, hx)
    if packed:
        out, states = rnn._packed_layers(input, [int(b) for b in batch_sizes.data], hx)
        return (out, *states)
    if input.ndim != 3:
        raise IndexError(
            f"{name}: input of shape {tuple(input.shape)} is not 3-D (sequence, batch, "
            "features): Dimension out of range (expected to be in range of [-2, 1], but got 2)"
        )
    x = input.transpose(0, 1) if batch_first else input
    expected = (layers * directions, x.shape[1])
    if any(tuple(h.shape[:2]) != expected for h in hx):
        raise RuntimeError(
            f"{name}: Expected hidden size {expected} (layers * directions, batch), got "
            f"{[tuple(h.shape) for h in hx]}"
        )
    out, states = rnn._layers(x, hx)
    return (out.transpose(0, 1) if batch_first else out, *states)


class _FlatRNN(RNNBase):
    """An RNNBase over the weights given (ATen's flat list), not its own parameters."""

    def __init__(self, mode: str, params: Any, per: int, has_biases: bool, layers: int,
                 dropout: float, train: bool, bidirectional: bool, hx: tuple) -> None:  # fmt: skip
        Module.__init__(self)
        self.mode, self.num_layers, self.bidirectional = mode, layers, bidirectional
        self.dropout, self.training = float(dropout), bool(train)
        self.hidden_size = params[0].shape[0] // _GATES[mode]
        self.proj_size = hx[0].shape[-1] if per in (3, 5) else 0
        groups = [list(params[i : i + per]) for i in range(0, len(params), per)]
        self._weights = groups if has_biases else [g[:2] + [None, None] + g[2:] for g in groups]

    def _direction_weights(self, k: int) -> tuple:
        w_ih, w_hh, b_ih, b_hh, *w_hr = self._weights[k]
        return w_ih, w_hh, w_hr[0] if w_hr else None, b_ih, b_hh


# ---- ATen's forms with extra outputs or integer codes ------------------------------------


def _stats(X: np.ndarray, axes: tuple, eps: float) -> tuple:
    """The mean and 1 / sqrt(var + eps) (biased) of X over axes, kept as size-1 dims."""
    mean = X.mean(axes, keepdims=True)
    rstd = 1 / np.sqrt(((X - mean) ** 2).mean(axes, keepdims=True) + eps)
    return Tensor._new(mean.astype(X.dtype)), Tensor._new(rstd.astype(X.dtype))


def native_layer_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None,
                      bias: Tensor | None, eps: float) -> tuple:  # fmt: skip
    """(layer_norm(input), mean, rstd): the statistics over the last len(normalized_shape)
    dims, of shape input.shape[:-k] + (1,) * k, without gradient."""
    out = F.layer_norm(input, normalized_shape, weight, bias, eps)
    k = len(tuple(normalized_shape))
    return (out, *_stats(input.data, tuple(range(input.ndim - k, input.ndim)), eps))


def native_group_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None, N: int,
                      C: int, HxW: int, group: int, eps: float) -> tuple:  # fmt: skip
    """(group_norm(input), mean, rstd), the statistics of each sample's groups, (N, group),
    without gradient; input has N C HxW elements."""
    check_tensor("native_group_norm", "input", input)
    if input.numel() != N * C * HxW:
        raise RuntimeError(f"native_group_norm: expected input of N * C * HxW = {N} * {C} * "
                           f"{HxW} elements, but got input of size "
                           f"{list(input.shape)}")  # fmt: skip
    out = F.group_norm(input, group, weight, bias, eps)
    mean, rstd = _stats(input.data.reshape(N, group, C // group * HxW), (2,), eps)
    return out, mean.reshape(N, group), rstd.reshape(N, group)


def native_batch_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None,
                      running_mean: Tensor | None, running_var: Tensor | None, training: bool,
                      momentum: float, eps: float) -> tuple:  # fmt: skip
    """(batch_norm(input), save_mean, save_invstd): in training the batch statistics of each
    channel (C,), without gradient (the running ones are updated in place); else two empty
    tensors."""
    check_tensor("native_batch_norm", "input", input)
    if not training and (running_mean is None or running_var is None):
        raise RuntimeError("native_batch_norm: running_mean and running_var must be given when "
                           "not training")  # fmt: skip
    X = input.data
    if training and X.size == 0:  # no batch statistics (F.batch_norm gives a copy)
        raise (IndexError if X.ndim < 2 else RuntimeError)(
            f"native_batch_norm: input tensor must have at least one element and a channel "
            f"dim 1, but got input_sizes = {list(X.shape)}"
        )
    out = F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)
    if not training:
        return out, Tensor._new(np.empty(0, X.dtype)), Tensor._new(np.empty(0, X.dtype))
    mean, invstd = _stats(X, (0, *range(2, X.ndim)), eps)
    return out, mean.reshape(-1), invstd.reshape(-1)


def native_norm(input: Tensor, p: Any = 2, dim: Any = None, keepdim: bool = False,
                dtype: Any = None) -> Tensor:  # fmt: skip
    """PyTorch has it for sparse tensors only, which minigrad has not: it refuses dense ones,
    as PyTorch's CPU backend does."""
    raise NotImplementedError("native_norm: only sparse tensors are supported (this is a dense "
                              f"tensor of size {list(input.shape)}); use torch.norm")  # fmt: skip


def norm_except_dim(v: Tensor, pow: int = 2, dim: int = 0) -> Tensor:
    """The pow-norm of v over all dims but ``dim``, kept as size-1 dims (weight_norm's g);
    dim = -1 is the norm of all of v, 0-d."""
    check_tensor("norm_except_dim", "v", v)
    if not isinstance(pow, int):
        raise TypeError(f"norm_except_dim(): argument 'pow' must be int, not {type(pow).__name__}")
    if dim == -1:
        return linalg.vector_norm(v, pow)
    if not v.ndim:
        raise IndexError(f"norm_except_dim: Dimension specified as {dim} but tensor has no "
                         f"dimensions")  # fmt: skip
    d = ops._one_axis("norm_except_dim", "dim", dim, v.ndim)
    if v.dtype.kind != "f":
        raise RuntimeError(f"norm_except_dim: input dtype should be either floating point or "
                           f"complex. Got {v.dtype} instead.")  # fmt: skip
    if not v.numel():  # PyTorch's view(size(dim), -1) cannot take it
        raise RuntimeError(f"norm_except_dim: cannot reshape tensor of 0 elements of size "
                           f"{list(v.shape)} into [size(dim), -1]")  # fmt: skip
    others = tuple(i for i in range(v.ndim) if i != d)
    return linalg.vector_norm(v, pow, others, keepdim=True) if others else v.abs()


def constant_pad_nd(input: Tensor, pad: Any, value: Any = 0) -> Tensor:
    """F.pad(input, pad, 'constant', value)."""
    return _pad(input, pad, "constant", value)


def fill(input: Tensor, value: Any) -> Tensor:
    """A tensor of input's shape and dtype, all ``value`` (a number or a 0-d tensor).
    dinput = 0,   dvalue = Σ g."""
    check_tensor("fill", "input", input)
    if isinstance(value, Tensor) and value.ndim:
        raise RuntimeError(f"fill only supports 0-dimension value tensor but got tensor with "
                           f"{value.ndim} dimensions.")  # fmt: skip
    X = input.data
    v = value.data[()] if isinstance(value, Tensor) else value
    out = np.full(X.shape, dtypes.check_fits(v, X.dtype), X.dtype)
    return record(out, "Fill", (input, value),
                  (np.zeros_like, lambda g: g.sum().astype(value.data.dtype)))  # fmt: skip


_CONVOLUTIONS = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_TRANSPOSED = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


def convolution(input: Tensor, weight: Tensor, bias: Tensor | None, stride: Any, padding: Any,
                dilation: Any, transposed: bool, output_padding: Any,
                groups: int) -> Tensor:  # fmt: skip
    """conv{k}d, or conv_transpose{k}d if ``transposed`` (output_padding is read then only),
    k = weight.ndim - 2 spatial dims; each list has 1 or k values."""
    check_tensor("convolution", "weight", weight)
    k = weight.ndim - 2
    if k not in _CONVOLUTIONS:
        raise RuntimeError(f"convolution: expected a weight of 3, 4 or 5 dims, got "
                           f"{list(weight.shape)}")  # fmt: skip
    lists = dict(stride=stride, padding=padding, dilation=dilation, output_padding=output_padding)
    for name, v in lists.items():
        if not isinstance(v, (list, tuple)):
            raise TypeError(f"convolution(): argument '{name}' must be tuple of ints, not "
                            f"{type(v).__name__}")  # fmt: skip
        if len(v) not in (1, k):
            raise RuntimeError(f"convolution: expected {name} to be a single integer value or a "
                               f"list of {k} values to match the convolution dimensions, but "
                               f"got {name}={list(v)}")  # fmt: skip
    check_tensor("convolution", "input", input)
    if input.ndim != k + 2:
        raise RuntimeError(f"convolution: Expected {k + 2}-dimensional input for {k + 2}-"
                           f"dimensional weight {list(weight.shape)}, but got {input.ndim}-"
                           f"dimensional input of size {list(input.shape)} instead")  # fmt: skip
    s, p, d, o = (tuple(v) * k if len(v) == 1 else tuple(v) for v in lists.values())
    if transposed:
        return _TRANSPOSED[k](input, weight, bias, s, p, o, groups, d)
    return _CONVOLUTIONS[k](input, weight, bias, s, p, d, groups)


_MODES = ("bilinear", "nearest", "bicubic")
_PADDINGS = ("zeros", "border", "reflection")


def grid_sampler(input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,
                 align_corners: bool) -> Tensor:  # fmt: skip
    """F.grid_sample with the modes as ATen's codes: interpolation 0 bilinear, 1 nearest,
    2 bicubic; padding 0 zeros, 1 border, 2 reflection."""
    if interpolation_mode not in range(3) or padding_mode not in range(3):
        raise RuntimeError(f"grid_sampler: interpolation_mode must be 0, 1 or 2 and padding_mode "
                           f"0, 1 or 2, got {interpolation_mode} and {padding_mode}")  # fmt: skip
    return F.grid_sample(input, grid, _MODES[interpolation_mode], _PADDINGS[padding_mode],
                         align_corners)  # fmt: skip


def _grid_sampler_nd(k: int) -> Any:
    def grid_sampler_nd(input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,
                        align_corners: bool) -> Tensor:  # fmt: skip
        check_tensor(f"grid_sampler_{k}d", "input", input)
        check_tensor(f"grid_sampler_{k}d", "grid", grid)
        if input.ndim != k + 2 or grid.ndim != k + 2:
            raise RuntimeError(f"grid_sampler(): expected {k + 2}D input and grid with same "
                               f"number of dimensions, but got input with sizes "
                               f"{list(input.shape)} and grid with sizes "
                               f"{list(grid.shape)}")  # fmt: skip
        return grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners)

    grid_sampler_nd.__name__ = grid_sampler_nd.__qualname__ = f"grid_sampler_{k}d"
    grid_sampler_nd.__doc__ = f"grid_sampler on a {k + 2}-D input."
    return grid_sampler_nd


grid_sampler_2d, grid_sampler_3d = _grid_sampler_nd(2), _grid_sampler_nd(3)


def affine_grid_generator(theta: Tensor, size: Any, align_corners: bool) -> Tensor:
    if len(size) not in (4, 5):
        raise RuntimeError(f"affine_grid_generator: AffineGridGenerator needs 4d (spatial) or 5d "
                           f"(volumetric) inputs, got size {list(size)}")  # fmt: skip
    return F.affine_grid(theta, size, align_corners)


__all__ = [
    "affine_grid_generator",
    "constant_pad_nd",
    "convolution",
    "feature_dropout",
    "feature_dropout_",
    "fill",
    "grid_sampler",
    "grid_sampler_2d",
    "grid_sampler_3d",
    "native_batch_norm",
    "native_dropout",
    "native_group_norm",
    "native_layer_norm",
    "native_norm",
    "norm_except_dim",
    "adaptive_avg_pool1d",
    "adaptive_max_pool1d",
    "alpha_dropout",
    "alpha_dropout_",
    "avg_pool1d",
    "batch_norm",
    "binary_cross_entropy_with_logits",
    "bilinear",
    "celu",
    "celu_",
    "channel_shuffle",
    "conv1d",
    "conv_tbc",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "cosine_embedding_loss",
    "cosine_similarity",
    "ctc_loss",
    "dropout",
    "dropout_",
    "embedding",
    "embedding_bag",
    "feature_alpha_dropout",
    "feature_alpha_dropout_",
    "group_norm",
    "gru",
    "gru_cell",
    "hinge_embedding_loss",
    "hardshrink",
    "instance_norm",
    "kl_div",
    "layer_norm",
    "lstm",
    "lstm_cell",
    "margin_ranking_loss",
    "max_pool1d",
    "max_pool1d_with_indices",
    "max_pool2d",
    "max_pool3d",
    "native_channel_shuffle",
    "pairwise_distance",
    "pdist",
    "pixel_shuffle",
    "pixel_unshuffle",
    "poisson_nll_loss",
    "prelu",
    "rms_norm",
    "rnn_relu",
    "rnn_relu_cell",
    "rnn_tanh",
    "rnn_tanh_cell",
    "rrelu",
    "rrelu_",
    "selu",
    "selu_",
    "triplet_margin_loss",
]
