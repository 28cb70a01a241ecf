"""``nn.MultiheadAttention``: attention of several heads over projections of its inputs.

For query (L, N, E), key (S, N, kdim) and value (S, N, vdim) (batch first with
``batch_first``; no N for an unbatched input), each of the H heads takes its E / H columns
of the projections Q = q W_qᵀ + b_q, K = k W_kᵀ + b_k, V = v W_vᵀ + b_v:
head_h = softmax(Q_h K_hᵀ / √(E/H) + M) V_h, and the output is concat(head_1..head_H) W_oᵀ + b_o.
M is the mask: -inf where a bool mask is True (a position that may not be attended to, the
opposite of ``F.scaled_dot_product_attention``'s), or a float mask as it is. With
``add_bias_kv`` the learned rows ``bias_k`` and ``bias_v`` (1, 1, E) are appended to K and V
(one more key, S + 1), and with ``add_zero_attn`` a row of zeros to each head's K_h and V_h
(one more again); the mask lets every query attend to these keys. All of it is composed of
existing ops, so the gradient flows through their nodes.
"""

from __future__ import annotations

import copy
import math
import warnings
from typing import Any

import numpy as np

from .. import dtypes, ops
from ..device import check as check_device
from ..grad_mode import is_grad_enabled
from ..tensor import Tensor
from . import functional as F
from . import init
from .activation import GELU
from .layers import Dropout, Linear, ModuleList, ReLU
from .module import Module
from .normalization import LayerNorm
from .parameter import Parameter


class NonDynamicallyQuantizableLinear(Linear):
    """A Linear under the name PyTorch gives MultiheadAttention's output projection."""


class MultiheadAttention(Module):
    """Multi-head attention, as PyTorch's (see the module's docstring for the math)."""

    def __init__(
        self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
        add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: int | None = None,
        vdim: int | None = None, batch_first: bool = False, device: Any = None,
        dtype: Any = None,
    ) -> None:  # fmt: skip
        super().__init__()
        check_device(device)
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(
                f"embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} "
                f"and num_heads={num_heads} instead"
            )
        if embed_dim % num_heads:
            raise AssertionError("embed_dim must be divisible by num_heads")
        dt = dtypes.or_default(dtype)
        self.embed_dim, self.num_heads, self.dropout = embed_dim, num_heads, dropout
        self.kdim = embed_dim if kdim is None else kdim
        self.vdim = embed_dim if vdim is None else vdim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(np.empty((3 * embed_dim, embed_dim), dt))
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = Parameter(np.empty((embed_dim, embed_dim), dt))
            self.k_proj_weight = Parameter(np.empty((embed_dim, self.kdim), dt))
            self.v_proj_weight = Parameter(np.empty((embed_dim, self.vdim), dt))
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(np.empty(3 * embed_dim, dt))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, dtype=dt)
        if add_bias_kv:
            self.bias_k = Parameter(np.empty((1, 1, embed_dim), dt))
            self.bias_v = Parameter(np.empty((1, 1, embed_dim), dt))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        """The projections from xavier_uniform_, the biases 0, bias_k and bias_v from
        xavier_normal_ (PyTorch's)."""
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            for w in (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
                init.xavier_uniform_(w)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
            init.xavier_normal_(self.bias_v)

    def forward(
        self, query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Tensor | None = None,
        need_weights: bool = True, attn_mask: Tensor | None = None,
        average_attn_weights: bool = True, is_causal: bool = False,
    ) -> tuple:  # fmt: skip
        """(attention output, the attention weights or None). The weights are averaged
        over the heads (N, L, S), or per head (N, H, L, S) without ``average_attn_weights``.
        ``is_causal`` is only a hint, as in PyTorch: the causal ``attn_mask`` is required."""
        transpose = self.batch_first and query.ndim == 3
        if transpose:
            query, key, value = (x.transpose(0, 1) for x in (query, key, value))
        out, weights = multi_head_attention_forward(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight,
            self.in_proj_bias, self.bias_k, self.bias_v, self.add_zero_attn, self.dropout,
            self.out_proj.weight, self.out_proj.bias, training=self.training,
            key_padding_mask=key_padding_mask, need_weights=need_weights, attn_mask=attn_mask,
            use_separate_proj_weight=not self._qkv_same_embed_dim,
            q_proj_weight=self.q_proj_weight, k_proj_weight=self.k_proj_weight,
            v_proj_weight=self.v_proj_weight, average_attn_weights=average_attn_weights,
            is_causal=is_causal,
        )  # fmt: skip
        return (out.transpose(0, 1) if transpose else out), weights


def multi_head_attention_forward(
    query: Tensor, key: Tensor, value: Tensor, embed_dim_to_check: int, num_heads: int,
    in_proj_weight: Tensor | None, in_proj_bias: Tensor | None, bias_k: Tensor | None,
    bias_v: Tensor | None, add_zero_attn: bool, dropout_p: float, out_proj_weight: Tensor,
    out_proj_bias: Tensor | None, training: bool = True,
    key_padding_mask: Tensor | None = None, need_weights: bool = True,
    attn_mask: Tensor | None = None, use_separate_proj_weight: bool = False,
    q_proj_weight: Tensor | None = None, k_proj_weight: Tensor | None = None,
    v_proj_weight: Tensor | None = None, static_k: Tensor | None = None,
    static_v: Tensor | None = None, average_attn_weights: bool = True, is_causal: bool = False,
) -> tuple:  # fmt: skip
    """``F.multi_head_attention_forward``: the math of the module's docstring for query
    (L, N, E), key (S, N, kdim), value (S, N, vdim) (no N unbatched), with the weights given:
    the packed ``in_proj_weight`` (3E, E), or the three ``*_proj_weight`` with
    ``use_separate_proj_weight``; ``static_k`` / ``static_v`` (N H, S, E / H) replace the
    projected keys / values. Dropout on the weights only when ``training``."""
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use "
                           "the Transformer module method `generate_square_subsequent_mask` "
                           "to create this mask.")  # fmt: skip
    batched = query.ndim == 3
    if query.ndim not in (2, 3) or key.ndim != query.ndim or value.ndim != query.ndim:
        raise AssertionError(
            f"MultiheadAttention: query, key and value should be all 2-D (unbatched) or all "
            f"3-D (batched), got {query.shape}, {key.shape} and {value.shape}"
        )
    if not batched:
        query, key, value = (x.unsqueeze(1) for x in (query, key, value))
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    L, N, E = query.shape
    S = key.shape[0]
    H = num_heads
    hd = E // H
    if E != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, "
                             f"but got {E}")  # fmt: skip
    if hd * H != E:
        raise AssertionError(f"embed_dim {E} not divisible by num_heads {H}")
    if key.shape[:2] != value.shape[:2]:
        raise AssertionError(f"key shape {key.shape} does not match value shape "
                             f"{value.shape}")  # fmt: skip
    b = in_proj_bias
    biases = (None, None, None) if b is None else (b[:E], b[E : 2 * E], b[2 * E :])
    if use_separate_proj_weight:
        weights = (q_proj_weight, k_proj_weight, v_proj_weight)
        for name, x, w in zip(("query", "key", "value"), (query, key, value), weights):
            if w.shape != (E, x.shape[-1]):  # PyTorch's _in_projection asserts it
                raise AssertionError(f"expecting {name} weights shape of {(E, x.shape[-1])}, "
                                     f"but got {w.shape}")  # fmt: skip
    else:
        W = in_proj_weight
        weights = (W[:E], W[E : 2 * E], W[2 * E :])
    q, k, v = (F.linear(x, w, c) for x, w, c in zip((query, key, value), weights, biases))
    # the key padding mask covers the keys attended to: static_k's when given
    keys = S if static_k is None else static_k.shape[1]
    mask = _mask(attn_mask, key_padding_mask, query.dtype, L, S, N, H, keys)
    if bias_k is not None and bias_v is not None:
        k = ops.cat([k, bias_k.expand(1, N, E)])
        v = ops.cat([v, bias_v.expand(1, N, E)])
        mask = _attend_extra_key(mask)
    # (L, N, E) -> (N * H, L, hd): each head of each sample its own batch entry
    q, k, v = (x.reshape(x.shape[0], N * H, hd).transpose(0, 1) for x in (q, k, v))
    k = k if static_k is None else static_k
    v = v if static_v is None else static_v
    if add_zero_attn:
        zeros = Tensor._new(np.zeros((N * H, 1, hd), k.dtype))
        k, v = ops.cat([k, zeros], 1), ops.cat([v, zeros], 1)
        mask = _attend_extra_key(mask)
    scores = ops.bmm(q * math.sqrt(1.0 / hd), k.transpose(-2, -1))
    if mask is not None:
        scores = scores + mask
    # PyTorch computes the weights it returns by softmax (NaN on a fully masked row), and
    # without them calls scaled_dot_product_attention, whose safe softmax gives 0 there
    weights = ops.softmax(scores, -1) if need_weights else F._safe_softmax(scores)
    if training and dropout_p > 0:
        weights = F.dropout(weights, dropout_p)
    out = ops.bmm(weights, v).transpose(0, 1).reshape(L * N, E)
    out = F.linear(out, out_proj_weight, out_proj_bias).reshape(L, N, E)
    if not batched:
        out = out.squeeze(1)
    if not need_weights:
        return out, None
    weights = weights.reshape(N, H, L, weights.shape[-1])
    if average_attn_weights:
        weights = weights.mean(1)
    return out, (weights if batched else weights.squeeze(0))


def _mask(attn_mask: Any, key_padding_mask: Any, dtype: Any, L: int, S: int, N: int,
          H: int, keys: int) -> Tensor | None:  # fmt: skip
    """The additive mask of the scores, (1 or N * H, L, S): -inf where a bool mask is
    True, a float mask as it is, the key padding mask (N, keys) spread over the H heads."""
    mask = None
    if attn_mask is not None:
        mask = _additive(attn_mask, dtype, "attn_mask")
        if mask.ndim == 2:
            if mask.shape != (L, S):
                raise RuntimeError(f"The shape of the 2D attn_mask is {mask.shape}, but "
                                   f"should be {(L, S)}.")  # fmt: skip
            mask = mask.unsqueeze(0)
        elif mask.shape != (N * H, L, S):
            raise RuntimeError(f"The shape of the 3D attn_mask is {mask.shape}, but should "
                               f"be {(N * H, L, S)}.")  # fmt: skip
    if key_padding_mask is not None:
        if attn_mask is not None and (attn_mask.dtype == np.bool_) != (
            key_padding_mask.dtype == np.bool_
        ):
            warnings.warn("Support for mismatched key_padding_mask and attn_mask is "
                          "deprecated. Use same type for both instead.", UserWarning,
                          stacklevel=5)  # fmt: skip
        if tuple(key_padding_mask.shape) != (N, keys):
            raise AssertionError(f"expecting key_padding_mask shape of {(N, keys)}, but got "
                                 f"{key_padding_mask.shape}")  # fmt: skip
        pad = _additive(key_padding_mask, dtype, "key_padding_mask")
        pad = pad.reshape(N, 1, 1, keys).expand(N, H, 1, keys)
        pad = pad.reshape(N * H, 1, keys)
        mask = pad if mask is None else mask + pad
    return mask


def _attend_extra_key(mask: Tensor | None) -> Tensor | None:
    """The additive mask (..., L, S) grown to (..., L, S + 1) by a key every query may attend."""
    return None if mask is None else F.pad(mask, (0, 1))


def _additive(mask: Tensor, dtype: Any, name: str) -> Tensor:
    """A bool mask as 0 and -inf (True: not attended to), a float one as it is."""
    if not isinstance(mask, Tensor):
        raise TypeError(f"MultiheadAttention: {name} must be a Tensor, got {type(mask).__name__}")
    if mask.dtype == np.bool_:
        return Tensor._new(np.where(mask.data, -np.inf, 0.0).astype(dtype))
    if mask.dtype.kind != "f":
        raise AssertionError(f"only bool and floating types of {name} are supported")
    return mask


class TransformerEncoderLayer(Module):
    """Self-attention then a feed-forward block, each added to its input and normalized:
    x = norm1(x + SA(x)), x = norm2(x + FF(x)) (with ``norm_first``: x = x + SA(norm1(x)),
    x = x + FF(norm2(x))), where FF(x) = linear2(dropout(activation(linear1(x)))), as
    PyTorch's (its slow path; PyTorch's fused inference path computes the same)."""

    def __init__(
        self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.1,
        activation: Any = "relu", layer_norm_eps: float = 1e-5, batch_first: bool = False,
        norm_first: bool = False, bias: bool = True, device: Any = None, dtype: Any = None,
    ) -> None:  # fmt: skip
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                            batch_first=batch_first, **kw)  # fmt: skip
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **kw)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **kw)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.activation = _activation(activation)
        act = self.activation  # PyTorch's flag for its fused kernels: 1 relu, 2 gelu, else 0
        self.activation_relu_or_gelu = (
            1 if act is F.relu or isinstance(act, ReLU) else
            2 if act is F.gelu or isinstance(act, GELU) else 0
        )  # fmt: skip

    def forward(self, src: Tensor, src_mask: Tensor | None = None,
                src_key_padding_mask: Tensor | None = None,
                is_causal: bool = False) -> Tensor:  # fmt: skip
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            return x + self._ff_block(self.norm2(x))
        x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
        return self.norm2(x + self._ff_block(x))

    def _sa_block(self, x: Tensor, mask: Any, padding: Any, is_causal: bool) -> Tensor:
        return _attend(self.self_attn, self.dropout1, x, x, mask, padding, is_causal)

    def _ff_block(self, x: Tensor) -> Tensor:
        return self.dropout2(self.linear2(self.dropout(self.activation(self.linear1(x)))))


class TransformerEncoder(Module):
    """``num_layers`` copies of ``encoder_layer`` (deep copies, each its own weights) in a
    ModuleList ``layers``, applied in turn, then ``norm`` if given.

    Where PyTorch would run its layers on a nested tensor (``use_nested_tensor``, in eval
    with no gradient to record, a left-aligned ``src_key_padding_mask`` and no ``mask``),
    its padded positions come back as 0 before ``norm``: so they do here."""

    def __init__(self, encoder_layer: TransformerEncoderLayer, num_layers: int,
                 norm: Module | None = None, enable_nested_tensor: bool = True,
                 mask_check: bool = True) -> None:  # fmt: skip
        super().__init__()
        self.layers = ModuleList([copy.deepcopy(encoder_layer) for _ in range(num_layers)])
        self.num_layers = num_layers
        self.norm = norm
        self.enable_nested_tensor = self.use_nested_tensor = enable_nested_tensor
        self.mask_check = mask_check
        why_not = _why_not_nested(encoder_layer)
        if enable_nested_tensor and why_not:
            warnings.warn(f"enable_nested_tensor is True, but self.use_nested_tensor is False "
                          f"because {why_not}", stacklevel=2)  # fmt: skip
            self.use_nested_tensor = False

    def forward(self, src: Tensor, mask: Tensor | None = None,
                src_key_padding_mask: Tensor | None = None,
                is_causal: bool | None = None) -> Tensor:  # fmt: skip
        out = src
        for layer in self.layers:
            out = layer(out, src_mask=mask, is_causal=bool(is_causal),
                        src_key_padding_mask=src_key_padding_mask)  # fmt: skip
        if self._nested(src, mask, src_key_padding_mask):
            out = out.masked_fill((src_key_padding_mask != 0).unsqueeze(-1), 0.0)
        return out if self.norm is None else self.norm(out)

    def _nested(self, src: Tensor, mask: Any, padding: Any) -> bool:
        """Whether PyTorch would take its nested-tensor path (and zero the padding)."""
        first = self.layers[0]
        if not (self.use_nested_tensor and not first.training and src.ndim == 3
                and padding is not None and mask is None):  # fmt: skip
            return False
        if is_grad_enabled() and (src.requires_grad or any(
                p.requires_grad for p in first.parameters())):  # fmt: skip
            return False
        pad = padding.data != 0  # True: padded; PyTorch needs each row's padding at its end
        return not self.mask_check or bool((np.sort(pad, -1) == pad).all())


class TransformerDecoderLayer(Module):
    """Self-attention, attention to the encoder's output ``memory``, then a feed-forward
    block, each added to its input and normalized (after, or before with ``norm_first``),
    as PyTorch's."""

    def __init__(
        self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.1,
        activation: Any = "relu", layer_norm_eps: float = 1e-5, batch_first: bool = False,
        norm_first: bool = False, bias: bool = True, device: Any = None, dtype: Any = None,
    ) -> None:  # fmt: skip
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                            batch_first=batch_first, **kw)  # fmt: skip
        self.multihead_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                                 batch_first=batch_first, **kw)  # fmt: skip
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **kw)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **kw)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.norm3 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.dropout3 = Dropout(dropout)
        self.activation = _activation(activation)

    def forward(self, tgt: Tensor, memory: Tensor, tgt_mask: Tensor | None = None,
                memory_mask: Tensor | None = None, tgt_key_padding_mask: Tensor | None = None,
                memory_key_padding_mask: Tensor | None = None, tgt_is_causal: bool = False,
                memory_is_causal: bool = False) -> Tensor:  # fmt: skip
        x = tgt
        sa = (tgt_mask, tgt_key_padding_mask, tgt_is_causal)
        mha = (memory, memory_mask, memory_key_padding_mask, memory_is_causal)
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), *sa)
            x = x + self._mha_block(self.norm2(x), *mha)
            return x + self._ff_block(self.norm3(x))
        x = self.norm1(x + self._sa_block(x, *sa))
        x = self.norm2(x + self._mha_block(x, *mha))
        return self.norm3(x + self._ff_block(x))

    def _sa_block(self, x: Tensor, mask: Any, padding: Any, is_causal: bool) -> Tensor:
        return _attend(self.self_attn, self.dropout1, x, x, mask, padding, is_causal)

    def _mha_block(self, x: Tensor, memory: Tensor, mask: Any, padding: Any,
                   is_causal: bool) -> Tensor:  # fmt: skip
        return _attend(self.multihead_attn, self.dropout2, x, memory, mask, padding, is_causal)

    def _ff_block(self, x: Tensor) -> Tensor:
        return self.dropout3(self.linear2(self.dropout(self.activation(self.linear1(x)))))


class TransformerDecoder(Module):
    """``num_layers`` copies of ``decoder_layer`` in a ModuleList ``layers``, each attending
    to the same ``memory``, then ``norm`` if given."""

    def __init__(self, decoder_layer: TransformerDecoderLayer, num_layers: int,
                 norm: Module | None = None) -> None:  # fmt: skip
        super().__init__()
        self.layers = ModuleList([copy.deepcopy(decoder_layer) for _ in range(num_layers)])
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, tgt: Tensor, memory: Tensor, tgt_mask: Tensor | None = None,
                memory_mask: Tensor | None = None, tgt_key_padding_mask: Tensor | None = None,
                memory_key_padding_mask: Tensor | None = None,
                tgt_is_causal: bool | None = None,
                memory_is_causal: bool = False) -> Tensor:  # fmt: skip
        out = tgt
        for layer in self.layers:
            out = layer(out, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                        tgt_key_padding_mask=tgt_key_padding_mask,
                        memory_key_padding_mask=memory_key_padding_mask,
                        tgt_is_causal=bool(tgt_is_causal),
                        memory_is_causal=memory_is_causal)  # fmt: skip
        return out if self.norm is None else self.norm(out)


class Transformer(Module):
    """An encoder of ``num_encoder_layers`` layers and a decoder of ``num_decoder_layers``,
    each ending in a LayerNorm; the matrices initialized by xavier_uniform_ (PyTorch's)."""

    def __init__(
        self, d_model: int = 512, nhead: int = 8, num_encoder_layers: int = 6,
        num_decoder_layers: int = 6, dim_feedforward: int = 2048, dropout: float = 0.1,
        activation: Any = "relu", custom_encoder: Any = None, custom_decoder: Any = None,
        layer_norm_eps: float = 1e-5, batch_first: bool = False, norm_first: bool = False,
        bias: bool = True, device: Any = None, dtype: Any = None,
    ) -> None:  # fmt: skip
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        layer = (dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first,
                 bias)  # fmt: skip
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            self.encoder = TransformerEncoder(
                TransformerEncoderLayer(d_model, nhead, *layer, **kw), num_encoder_layers,
                LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw),
            )  # fmt: skip
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            self.decoder = TransformerDecoder(
                TransformerDecoderLayer(d_model, nhead, *layer, **kw), num_decoder_layers,
                LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw),
            )  # fmt: skip
        for p in self.parameters():
            if p.ndim > 1:
                init.xavier_uniform_(p)
        self.d_model, self.nhead, self.batch_first = d_model, nhead, batch_first

    def forward(self, src: Tensor, tgt: Tensor, src_mask: Tensor | None = None,
                tgt_mask: Tensor | None = None, memory_mask: Tensor | None = None,
                src_key_padding_mask: Tensor | None = None,
                tgt_key_padding_mask: Tensor | None = None,
                memory_key_padding_mask: Tensor | None = None,
                src_is_causal: bool | None = None, tgt_is_causal: bool | None = None,
                memory_is_causal: bool = False) -> Tensor:  # fmt: skip
        batch = 0 if self.batch_first else 1
        if src.ndim == 3 and tgt.ndim == 3 and src.shape[batch] != tgt.shape[batch]:
            raise RuntimeError("the batch number of src and tgt must be equal")
        if src.shape[-1] != self.d_model or tgt.shape[-1] != self.d_model:
            raise RuntimeError("the feature number of src and tgt must be equal to d_model")
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask,
                              is_causal=src_is_causal)  # fmt: skip
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask,
                            memory_key_padding_mask=memory_key_padding_mask,
                            tgt_is_causal=tgt_is_causal,
                            memory_is_causal=memory_is_causal)  # fmt: skip

    @staticmethod
    def generate_square_subsequent_mask(sz: int, device: Any = None, dtype: Any = None) -> Tensor:
        """The causal mask of a sequence of ``sz``: -inf above the diagonal, 0 elsewhere."""
        check_device(device)
        mask = np.triu(np.full((sz, sz), -np.inf), 1).astype(dtypes.or_default(dtype))
        return Tensor._new(mask)


def _attend(attn: MultiheadAttention, dropout: Dropout, x: Tensor, kv: Tensor, mask: Any,
            padding: Any, is_causal: bool) -> Tensor:  # fmt: skip
    """A layer's attention block: x attending to kv (itself, or the memory), then dropout."""
    out = attn(x, kv, kv, attn_mask=mask, key_padding_mask=padding, need_weights=False,
               is_causal=is_causal)[0]  # fmt: skip
    return dropout(out)


_ACTIVATIONS = {"relu": F.relu, "gelu": F.gelu}


def _why_not_nested(layer: Any) -> str:
    """Why PyTorch's TransformerEncoder cannot run ``layer`` on nested tensors ("" if it can)."""
    if not isinstance(layer, TransformerEncoderLayer):
        return "encoder_layer was not TransformerEncoderLayer"
    attn = layer.self_attn
    reasons = [
        (layer.norm_first, "encoder_layer.norm_first was True"),
        (not attn.batch_first, "encoder_layer.self_attn.batch_first was not True"
                                 "(use batch_first for better inference performance)"),
        (not attn._qkv_same_embed_dim, "encoder_layer.self_attn._qkv_same_embed_dim was not True"),
        (attn.in_proj_bias is None, "encoder_layer.self_attn was passed bias=False"),
        (not layer.activation_relu_or_gelu, "encoder_layer.activation_relu_or_gelu was not True"),
        (layer.norm1.eps != layer.norm2.eps, "encoder_layer.norm1.eps was not equal to "
                                             "encoder_layer.norm2.eps"),
        (attn.num_heads % 2 == 1, "encoder_layer.self_attn.num_heads is odd"),
    ]  # fmt: skip
    return next((why for failed, why in reasons if failed), "")


def _activation(activation: Any) -> Any:
    """The feed-forward block's activation: "relu", "gelu", or any callable (a module too)."""
    if isinstance(activation, str):
        if activation not in _ACTIVATIONS:
            raise RuntimeError(f"activation should be relu/gelu, not {activation}")
        return _ACTIVATIONS[activation]
    return activation
