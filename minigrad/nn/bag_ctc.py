"""Bags of embeddings and the CTC loss, each one graph node with its VJPs beside it.

``embedding_bag`` reduces the rows of a lookup table bag by bag (sum, mean or max), as
``embedding`` followed by a segmented reduction but without the (n, D) intermediate in
the graph. ``ctc_loss`` is the connectionist temporal classification loss of Graves et
al. (2006): the forward (alpha) recursion over the blank-extended targets in log space,
and in its VJP the backward (beta) recursion, both vectorised over the batch and looping
over time only.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes
from ..device import check as check_device
from ..engine import record
from ..grad_mode import no_grad
from ..tensor import Tensor, check_tensor
from . import init
from .functional import _embedding_renorm, _reduction, padding_index
from .loss import _Loss
from .module import Module
from .parameter import Parameter

__all__ = ["ctc_loss", "embedding_bag"]

_MODES = ("sum", "mean", "max")


# ---- embedding_bag -------------------------------------------------------------------


def embedding_bag(
    input: Tensor, weight: Tensor, offsets: Tensor | None = None, max_norm: float | None = None,
    norm_type: float = 2, scale_grad_by_freq: bool = False, mode: str = "mean",
    sparse: bool = False, per_sample_weights: Tensor | None = None,
    include_last_offset: bool = False, padding_idx: int | None = None,
) -> Tensor:  # fmt: skip
    """out[b] = reduce_{i in bag b, input[i] != padding_idx} w_i · weight[input[i]], of shape
    (B, embedding_dim); reduce is Σ ('sum'), Σ / count ('mean') or the elementwise max
    ('max'); w_i = per_sample_weights[i] ('sum' only) or 1; an empty bag gives zeros.

    input (B, N) is B bags of N indices; a 1-D input is cut into bags at ``offsets``
    (B starts, or B + 1 boundaries with ``include_last_offset``). dweight[input[i]] +=
    w_i g[b] (/ count for 'mean', / the index's count in input with scale_grad_by_freq);
    for 'max' g[b, d] goes to the first row reaching the max; dw_i = g[b] · weight[input[i]].
    """
    check_tensor("embedding_bag", "input", input)
    check_tensor("embedding_bag", "weight", weight)
    if offsets is not None:
        check_tensor("embedding_bag", "offsets", offsets)
    psw = per_sample_weights
    if psw is not None:
        check_tensor("embedding_bag", "per_sample_weights", psw)
        if psw.shape != input.shape:
            raise ValueError(
                f"embedding_bag: If per_sample_weights ({list(psw.shape)}) is not None, then it "
                f"must have the same shape as the input ({list(input.shape)})"
            )
    if weight.ndim != 2:
        raise ValueError(f"embedding_bag: weight has to be a 2D Tensor, but got Tensor of "
                         f"dimension {weight.ndim}")  # fmt: skip
    I = input.data
    if I.ndim == 2:
        if offsets is not None:
            raise ValueError("embedding_bag: if input is 2D, then offsets has to be None, as "
                             "input is treated as a mini-batch of fixed length sequences, "
                             f"but got offsets of shape {list(offsets.shape)}")  # fmt: skip
        if I.shape[1] == 0:  # PyTorch's arange(0, numel, step=0) fails
            raise RuntimeError(f"embedding_bag: input of shape {list(I.shape)} has bags of "
                               "length 0: step must be nonzero")  # fmt: skip
        O = np.arange(0, I.size, I.shape[1])
        include_last_offset = False
    elif I.ndim == 1:
        if offsets is None:
            raise ValueError("embedding_bag: offsets has to be a 1D Tensor but got None")
        if offsets.ndim != 1:
            raise ValueError(f"embedding_bag: offsets has to be a 1D Tensor, but got shape "
                             f"{list(offsets.shape)}")  # fmt: skip
        O = offsets.data
    else:
        raise ValueError(f"embedding_bag: input has to be 1D or 2D Tensor, but got Tensor of "
                         f"dimension {I.ndim}")  # fmt: skip
    if mode not in _MODES:
        raise ValueError(f"embedding_bag: mode has to be one of sum, mean or max, got {mode!r}")
    if mode == "max" and scale_grad_by_freq:
        raise ValueError("embedding_bag: max mode does not support scaling the gradient by "
                         "the frequency")  # fmt: skip
    if sparse:
        raise NotImplementedError(
            "embedding_bag: sparse=True (a sparse gradient for the weight) is not supported: "
            "minigrad has dense tensors only; use sparse=False"
        )
    I = I.reshape(-1)
    if max_norm is not None:
        _embedding_renorm(weight, I, max_norm, norm_type)
    if psw is not None and mode != "sum":
        raise NotImplementedError(
            "embedding_bag: per_sample_weights was not None. per_sample_weights is only "
            f"supported for mode='sum' (got mode='{mode}')"
        )
    W = weight.data
    for name, arr in (("input", I), ("offsets", O)):
        if arr.dtype not in (np.int64, np.int32):
            raise RuntimeError(f"embedding_bag: expected {name} to have one of the scalar "
                               f"types Long, Int; but got {arr.dtype}")  # fmt: skip
    if W.dtype.kind != "f":
        raise RuntimeError(f"embedding_bag: expected weight to have a floating point type, "
                           f"but got {W.dtype}")  # fmt: skip
    if psw is not None and psw.dtype != W.dtype:
        raise RuntimeError(f"embedding_bag: expected per_sample_weights ({psw.dtype}) to have "
                           f"the same type as weight ({W.dtype})")  # fmt: skip
    n, (rows, D) = I.size, W.shape
    bag, B = _bags(O, n, include_last_offset)
    pad = None
    if padding_idx is not None:
        if not -rows <= padding_idx < rows:
            raise RuntimeError(
                f"embedding_bag: padding_idx must be within the number of embeddings, "
                f"{-rows} through {rows - 1}, but got {padding_idx}"
            )
        pad = padding_idx % rows
    if n and (I.min() < 0 or I.max() >= rows):
        bad = I[(I < 0) | (I >= rows)][0]
        raise RuntimeError(f"embedding_bag: Expected idx >= 0 && idx < num_embeddings "
                           f"({rows}) but found idx to be {bad}")  # fmt: skip
    keep = bag < B  # with include_last_offset, indices past the last offset are in no bag
    if pad is not None:
        keep &= I != pad
    bag, idx, pos = bag[keep], I[keep], np.flatnonzero(keep)
    rows_of_bags = W[idx]  # (n kept, D)
    if mode == "max":
        return _bag_max(weight, rows_of_bags, bag, idx, B)
    out = np.zeros((B, D), W.dtype)
    scale = np.ones(idx.size, W.dtype)  # the factor of each kept row in its bag's output
    if psw is not None:
        scale = psw.data.reshape(-1)[keep]
    at, sums = _run_sums(rows_of_bags if psw is None else rows_of_bags * scale[:, None], bag)
    out[at] = sums  # a bag is a run of indices; an empty bag stays 0
    if mode == "mean":  # the sums over the bags' sizes, as PyTorch
        counts = np.maximum(np.bincount(bag, minlength=B), 1).astype(W.dtype)
        out /= counts[:, None]
        scale = scale / counts[bag]

    def vjp_weight(g: np.ndarray) -> np.ndarray:
        s = scale
        if scale_grad_by_freq:
            s = s / np.bincount(I, minlength=rows)[idx].astype(g.dtype)
        order = np.argsort(idx, kind="stable")
        at, sums = _run_sums(g[bag[order]] * s[order, None], idx[order])
        dw = np.zeros(W.shape, g.dtype)
        dw[at] = sums
        return dw

    def vjp_psw(g: np.ndarray) -> np.ndarray:
        dpsw = np.zeros(n, g.dtype)
        dpsw[pos] = np.einsum("id,id->i", g[bag], rows_of_bags)
        return dpsw.reshape(input.shape)

    psw_grad = psw is not None and psw.requires_grad  # its VJP reads the weight
    return record(out, "EmbeddingBag", (weight, psw), (vjp_weight, vjp_psw),
                  saved=(input, weight) if psw_grad else (input,))  # fmt: skip


def _run_sums(values: np.ndarray, keys: np.ndarray) -> tuple:
    """The sums of the rows of ``values`` over each run of equal ``keys`` (n,), and the
    key of each run."""
    first = np.flatnonzero(np.diff(keys, prepend=keys[:1] - 1))
    return keys[first], np.add.reduceat(values, first, 0)


def _bags(offsets: np.ndarray, n: int, include_last_offset: bool) -> tuple:
    """The bag of each of the n indices (B for none) and the number of bags B, checking the
    offsets as PyTorch does."""
    if include_last_offset and offsets.size < 1:
        raise RuntimeError("embedding_bag: include_last_offset: number of offsets should be "
                           "at least 1")  # fmt: skip
    if offsets.size and offsets[0] != 0:
        raise RuntimeError(f"embedding_bag: offsets[0] has to be 0, i.e., the first sequence "
                           f"in the mini-batch has to start from position 0. However, got "
                           f"{offsets[0]}")  # fmt: skip
    if offsets.size and offsets[-1] > n:
        raise RuntimeError(f"embedding_bag: offsets[-1] can not be greater than input's length "
                           f"{n} but got offsets[-1] of {offsets[-1]}")  # fmt: skip
    B = offsets.size - 1 if include_last_offset else offsets.size
    end = offsets[B] if include_last_offset else n
    bag = np.searchsorted(offsets[:B], np.arange(n), side="right") - 1
    bag[(np.arange(n) >= end) | (bag < 0)] = B  # bag < 0: there are no offsets
    return bag, B


def _bag_max(
    weight: Tensor, rows_of_bags: np.ndarray, bag: np.ndarray, idx: np.ndarray, B: int
) -> Tensor:
    """'max' mode: out[b, d] = max of the bag's rows (the rows ``idx`` of ``weight`` in the
    bags ``bag``); g[b, d] goes to the first row reaching it. As PyTorch's scan, which keeps
    a bag's first row until a greater one comes: a NaN first row stays, later NaNs never win."""
    D = weight.shape[1]
    out = np.full((B, D), -np.inf, weight.dtype)
    np.fmax.at(out, bag, rows_of_bags)
    first = np.full((B, D), bag.size)  # position (among the kept) of the first maximum
    at_max = rows_of_bags == out[bag]
    positions = np.broadcast_to(np.arange(bag.size)[:, None], at_max.shape)
    np.minimum.at(first, bag, np.where(at_max, positions, bag.size))
    lead = np.full(B, bag.size)  # position of each bag's first row
    np.minimum.at(lead, bag, np.arange(bag.size))
    filled = np.broadcast_to((lead < bag.size)[:, None], (B, D))  # False for an empty bag
    if bag.size:
        lead_nan = np.isnan(rows_of_bags[np.minimum(lead, bag.size - 1)]) & filled
        out[lead_nan] = np.nan
        first = np.where(lead_nan, lead[:, None], first)
    out[~filled] = 0
    argmax_row = idx[np.minimum(first, bag.size - 1)] if bag.size else first

    def vjp(g: np.ndarray) -> np.ndarray:
        dw = np.zeros(weight.shape, g.dtype)
        b, d = np.nonzero(filled)
        np.add.at(dw, (argmax_row[b, d], d), g[b, d])
        return dw

    return record(out, "EmbeddingBag", (weight,), (vjp,))


class EmbeddingBag(Module):
    """Sums, averages or maxes bags of rows of a table ``weight`` (num_embeddings,
    embedding_dim), drawn from N(0, 1) as PyTorch does, or ``_weight`` (shared, not
    copied); see ``F.embedding_bag``. The ``padding_idx`` row (negative counts from the
    end) starts at zero and is left out of every bag."""

    def __init__(
        self, num_embeddings: int, embedding_dim: int, max_norm: float | None = None,
        norm_type: float = 2.0, scale_grad_by_freq: bool = False, mode: str = "mean",
        sparse: bool = False, _weight: Tensor | None = None, include_last_offset: bool = False,
        padding_idx: int | None = None, device: Any = None, dtype: Any = None,
    ) -> None:  # fmt: skip
        super().__init__()
        check_device(device)
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        self.padding_idx = padding_index(padding_idx, num_embeddings)
        if _weight is None:
            shape = (num_embeddings, embedding_dim)
            self.weight = Parameter(np.empty(shape, dtypes.or_default(dtype)))
            self.reset_parameters()
        else:
            if list(_weight.shape) != [num_embeddings, embedding_dim]:
                raise AssertionError(
                    "Shape of weight does not match num_embeddings and embedding_dim"
                )
            self.weight = Parameter(_weight)
        self.mode = mode
        self.sparse = sparse
        self.include_last_offset = include_last_offset

    @classmethod
    def from_pretrained(
        cls, embeddings: Tensor, freeze: bool = True, max_norm: float | None = None,
        norm_type: float = 2.0, scale_grad_by_freq: bool = False, mode: str = "mean",
        sparse: bool = False, include_last_offset: bool = False, padding_idx: int | None = None,
    ) -> EmbeddingBag:  # fmt: skip
        """An EmbeddingBag over the 2-D ``embeddings`` (shared, not copied), frozen (no
        gradient) unless ``freeze`` is False."""
        if embeddings.dim() != 2:
            raise AssertionError("Embeddings parameter is expected to be 2-dimensional")
        rows, cols = embeddings.shape
        bag = cls(rows, cols, max_norm, norm_type, scale_grad_by_freq, mode, sparse,
                  _weight=embeddings, include_last_offset=include_last_offset,
                  padding_idx=padding_idx)  # fmt: skip
        bag.weight.requires_grad = not freeze
        return bag

    def reset_parameters(self) -> None:
        """Draw the weight from N(0, 1); zero the padding row."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            with no_grad():
                self.weight[self.padding_idx].fill_(0)

    def forward(
        self, input: Tensor, offsets: Tensor | None = None,
        per_sample_weights: Tensor | None = None,
    ) -> Tensor:  # fmt: skip
        return embedding_bag(
            input, self.weight, offsets, self.max_norm, self.norm_type,
            self.scale_grad_by_freq, self.mode, self.sparse, per_sample_weights,
            self.include_last_offset, self.padding_idx,
        )  # fmt: skip

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm!r}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type!r}"
        if self.scale_grad_by_freq is not False:
            s += f", scale_grad_by_freq={self.scale_grad_by_freq!r}"
        s += f", mode={self.mode!r}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx!r}"
        return s


# ---- ctc_loss ------------------------------------------------------------------------


def ctc_loss(
    log_probs: Tensor, targets: Tensor, input_lengths: Any, target_lengths: Any,
    blank: int = 0, reduction: str = "mean", zero_infinity: bool = False,
) -> Tensor:  # fmt: skip
    """-log p(target | x), p summed over every alignment of the target (its labels in
    order, repeats separated by a blank, blanks anywhere) to the first input_lengths[n]
    frames: log_probs (T, N, C) (or unbatched (T, C)), targets (N, S) padded or 1-D
    concatenated, lengths tuples or 1-D Tensors of N ints.

    'mean' averages loss[n] / max(target_lengths[n], 1); ``zero_infinity`` zeros an
    impossible alignment's inf loss and its gradient. The gradient is PyTorch's:
    d/dlp[t, n, c] = exp(lp) - exp(log Σ_{s: l'_s = c} α_t(s) β_t(s) + loss[n] - lp), which
    is the true gradient plus exp(lp): it assumes lp = log_softmax(x), whose VJP removes
    exactly that term, so the gradient reaching x is the true one.
    """
    check_tensor("ctc_loss", "log_probs", log_probs)
    check_tensor("ctc_loss", "targets", targets)
    reduction = _reduction("ctc_loss", None, None, reduction)
    il = _lengths("input_lengths", input_lengths)
    tl = _lengths("target_lengths", target_lengths)
    LP = log_probs.data
    if LP.dtype.kind != "f":
        raise NotImplementedError(f"ctc_loss: log_probs of type {LP.dtype} is not supported: "
                                  "expected float32 or float64")  # fmt: skip
    batched = LP.ndim == 3
    if LP.ndim == 2:
        LP = LP[:, None]
    if LP.ndim != 3:
        raise RuntimeError(f"ctc_loss: expected log_probs of shape (T, N, C) or (T, C), but "
                           f"got shape {list(log_probs.shape)}")  # fmt: skip
    T, N, C = LP.shape
    labels = _padded_targets(targets.data, il, tl, T, N, C, blank)
    nll, vjp = _ctc(LP.astype(np.float64), labels, il, tl, blank, zero_infinity, log_probs.shape)
    loss = record(nll.astype(LP.dtype), "CtcLoss", (log_probs,), (vjp,), saved=(log_probs,))
    if reduction == "mean":
        return (loss / np.maximum(tl, 1).astype(LP.dtype)).mean()
    if reduction == "sum":
        return loss.sum()
    return loss if batched else loss[0]


def _lengths(name: str, value: Any) -> np.ndarray:
    """input_lengths or target_lengths as a 1-D int64 array (a Tensor is flattened)."""
    if isinstance(value, Tensor):
        if value.dtype.kind not in "iu":
            raise RuntimeError(f"ctc_loss: {name} must be integral, got {value.dtype}")
        return value.data.reshape(-1).astype(np.int64)
    if isinstance(value, (tuple, list)) and all(
        isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value
    ):
        return np.array(value, np.int64).reshape(-1)
    raise TypeError(f"ctc_loss(): argument '{name}' must be a tuple of ints or a Tensor, not "
                    f"{type(value).__name__}")  # fmt: skip


def _padded_targets(
    Y: np.ndarray, il: np.ndarray, tl: np.ndarray, T: int, N: int, C: int, blank: int
) -> np.ndarray:
    """The targets as an (N, max target length) int array, padded with blanks, after
    PyTorch's checks of the lengths and shapes."""
    if not 0 <= blank < C:
        raise RuntimeError(f"ctc_loss: blank must be in label range [0, {C}), got {blank}")
    for name, lengths in (("input_lengths", il), ("target_lengths", tl)):
        if lengths.size != N:
            raise RuntimeError(f"ctc_loss: {name} must be of size batch_size {N}, got "
                               f"{lengths.size}")  # fmt: skip
    if Y.ndim not in (1, 2):
        raise RuntimeError(f"ctc_loss: expected targets of 1 to 2 dimensions, but got shape "
                           f"{list(Y.shape)}")  # fmt: skip
    if tl.size and tl.min() < 0:
        raise RuntimeError(f"ctc_loss: expected target_lengths to have value at least 0, but "
                           f"got value {tl.min()}")  # fmt: skip
    S = int(tl.max()) if N else 0
    if Y.ndim == 1:
        if Y.shape[0] != tl.sum():
            raise RuntimeError(f"ctc_loss: expected 1-D targets of size sum(target_lengths) = "
                               f"{tl.sum()}, but got size {Y.shape[0]}")  # fmt: skip
        starts = np.cumsum(tl) - tl
        pick = np.minimum(starts[:, None] + np.arange(S), max(Y.shape[0] - 1, 0))
        Y = Y[pick] if Y.size else np.zeros((N, S), Y.dtype)
    elif Y.shape[0] != N or Y.shape[1] < S:
        raise RuntimeError(f"ctc_loss: expected targets of shape ({N}, at least {S}), but got "
                           f"shape {list(Y.shape)}")  # fmt: skip
    if il.size and il.min() < 0:
        raise RuntimeError(f"ctc_loss: expected input_lengths to have value at least 0, but "
                           f"got value {il.min()}")  # fmt: skip
    if il.size and il.max() > T:
        raise RuntimeError(f"ctc_loss: expected input_lengths to have value at most {T}, but "
                           f"got value {il.max()}")  # fmt: skip
    labels = np.where(np.arange(S) < tl[:, None], Y[:, :S].astype(np.int64), blank)
    if labels.size and (labels.min() < 0 or labels.max() >= C):
        bad = labels[(labels < 0) | (labels >= C)][0]
        raise RuntimeError(f"ctc_loss: target label {bad} is out of range for {C} classes")
    return labels


def _ctc(
    lp: np.ndarray, labels: np.ndarray, il: np.ndarray, tl: np.ndarray, blank: int,
    zero_infinity: bool, shape: tuple,
) -> tuple:  # fmt: skip
    """The losses (N,) and their VJP for lp (T, N, C) in float64, whose gradient has the
    log_probs' ``shape``, (T, C) unbatched.

    Over the extended target l' = (blank, l1, blank, l2, ..., blank) of length 2S + 1:
    α_t(s) = lp[t, l'_s] + log(α_{t-1}(s) + α_{t-1}(s-1) + [l'_s ≠ l'_{s-2}] α_{t-1}(s-2)),
    loss = -log(α_{T-1}(2S) + α_{T-1}(2S-1)); β the same recursion from the end. A label
    equal to the blank is read as PyTorch does: skippable from a different label before it.
    Positions past 2·target_length never feed the ones before them.
    """
    T, N, C = lp.shape
    L = 2 * labels.shape[1] + 1
    ext = np.full((N, L), blank)
    ext[:, 1::2] = labels
    skip = np.zeros((N, L), bool)
    skip[:, 2:] = ext[:, 2:] != ext[:, :-2]  # never at a blank: its s - 2 is a blank too
    lpe = np.take_along_axis(lp, np.broadcast_to(ext, (T, N, L)), axis=2)  # lp[t, n, l'_s]
    n_idx, end = np.arange(N), 2 * tl

    def step(a: np.ndarray, back: bool = False) -> np.ndarray:
        """log(a(s) + a(s-1) + skip(s) a(s-2)), or back: log(a(s) + a(s+1) + skip(s+2) a(s+2))."""
        out = a.copy()
        if back:
            out[:, :-1] = np.logaddexp(out[:, :-1], a[:, 1:])
            out[:, :-2] = np.where(skip[:, 2:], np.logaddexp(out[:, :-2], a[:, 2:]), out[:, :-2])
        else:
            out[:, 1:] = np.logaddexp(out[:, 1:], a[:, :-1])
            out[:, 2:] = np.where(skip[:, 2:], np.logaddexp(out[:, 2:], a[:, :-2]), out[:, 2:])
        return out

    alpha = np.full((T, N, L), -np.inf)
    if T:
        alpha[0, :, :2] = lpe[0, :, :2]
    for t in range(1, T):
        alpha[t] = step(alpha[t - 1]) + lpe[t]
    last = alpha[np.maximum(il - 1, 0), n_idx]  # (N, L)
    ll = np.logaddexp(last[n_idx, end], np.where(tl > 0, last[n_idx, end - 1], -np.inf))
    ll = np.where(il > 0, ll, np.where(tl == 0, 0.0, -np.inf))
    nll = -ll
    infinite = np.isinf(nll)
    if zero_infinity:
        nll = np.where(infinite, 0.0, nll)

    def vjp(g: np.ndarray) -> np.ndarray:
        seed = np.full((N, L), -np.inf)  # β at t = input_length - 1, before adding lp
        seed[n_idx, end] = 0.0
        seed[n_idx[tl > 0], end[tl > 0] - 1] = 0.0
        beta = np.full((T, N, L), -np.inf)
        for t in range(T - 1, -1, -1):
            later = step(beta[t + 1], back=True) if t + 1 < T else seed
            b = np.where((t < il - 1)[:, None], later, -np.inf)
            beta[t] = np.where((t == il - 1)[:, None], seed, b) + lpe[t]
        with np.errstate(invalid="ignore"):
            lcab = np.full((T, N, C), -np.inf)
            np.logaddexp.at(lcab, (np.arange(T)[:, None, None], n_idx[None, :, None], ext[None]),
                            alpha + beta)  # fmt: skip
            grad = np.exp(lp) - np.exp(lcab + (-ll)[None, :, None] - lp)
        grad *= g.astype(np.float64)[None, :, None]
        grad[np.arange(T)[:, None] >= il] = 0.0
        if zero_infinity:
            grad[:, infinite] = 0.0
        return grad.astype(g.dtype).reshape(shape)

    return nll, vjp


class CTCLoss(_Loss):
    """The connectionist temporal classification loss (see ``F.ctc_loss``)."""

    def __init__(
        self, blank: int = 0, reduction: str = "mean", zero_infinity: bool = False
    ) -> None:
        super().__init__(reduction=reduction)
        self.blank = blank
        self.zero_infinity = zero_infinity

    def forward(
        self, log_probs: Tensor, targets: Tensor, input_lengths: Any, target_lengths: Any
    ) -> Tensor:
        return ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank,
                        self.reduction, self.zero_infinity)  # fmt: skip
