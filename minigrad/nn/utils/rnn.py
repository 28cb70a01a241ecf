"""``nn.utils.rnn``: sequences of different lengths in one batch, as PyTorch's.

A batch of B sequences, sorted longest first, is *packed* time step by time step: the
rows of step t are the first ``batch_sizes[t]`` sequences' elements at t, so
``data`` (sum of lengths, *) holds no padding. Packing, padding and their inverses
are each one gather (an index by an integer array), so gradients flow through them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

import numpy as np

from ... import dtypes
from ...factories import full
from ...ops import cat
from ...tensor import Tensor

__all__ = [
    "PackedSequence",
    "invert_permutation",
    "pack_padded_sequence",
    "pad_packed_sequence",
    "pad_sequence",
    "unpad_sequence",
    "pack_sequence",
    "unpack_sequence",
]


class PackedSequence_(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None
    unsorted_indices: Tensor | None


class PackedSequence(PackedSequence_):
    """A packed batch: ``data`` (sum of lengths, *), ``batch_sizes`` (max length,) int64,
    and the permutation ``sorted_indices`` that sorted the batch by length (None if it
    was sorted) with its inverse ``unsorted_indices``."""

    def __new__(
        cls, data: Any, batch_sizes: Tensor | None = None,
        sorted_indices: Tensor | None = None, unsorted_indices: Tensor | None = None,
    ) -> PackedSequence:  # fmt: skip
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:  # PackedSequence((data, batch_sizes)), as PyTorch allows
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise AssertionError("Expected data to be a list or tuple of length 2")
            data, batch_sizes = data
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args: Any, **kwargs: Any) -> PackedSequence:
        """``data.to(...)``; self if that changes nothing."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        return type(self)(data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    def cpu(self) -> PackedSequence:
        return self.to("cpu")

    def cuda(self, *args: Any, **kwargs: Any) -> PackedSequence:
        return self.to("cuda")

    def double(self) -> PackedSequence:
        return self.to(dtype=dtypes.float64)

    def float(self) -> PackedSequence:
        return self.to(dtype=dtypes.float32)

    def half(self) -> PackedSequence:
        return self.to(dtype=np.dtype(np.float16))

    def long(self) -> PackedSequence:
        return self.to(dtype=dtypes.int64)

    def int(self) -> PackedSequence:
        return self.to(dtype=np.dtype(np.int32))

    def short(self) -> PackedSequence:
        return self.to(dtype=np.dtype(np.int16))

    def char(self) -> PackedSequence:
        return self.to(dtype=np.dtype(np.int8))

    def byte(self) -> PackedSequence:
        return self.to(dtype=np.dtype(np.uint8))

    @property
    def is_cuda(self) -> bool:
        """False: minigrad computes on the CPU."""
        return False

    def is_pinned(self) -> bool:
        return False


def invert_permutation(permutation: Tensor | None) -> Tensor | None:
    """The inverse p⁻¹ of a 1-D permutation p: p⁻¹[p[i]] = i (None for None)."""
    if permutation is None:
        return None
    if not isinstance(permutation, Tensor):
        raise TypeError(f"invert_permutation: expected a Tensor, got {type(permutation).__name__}")
    p = permutation.data
    if p.size and (p.min() < -p.size or p.max() >= p.size):
        raise RuntimeError(
            f"invert_permutation: index {p.max() if p.max() >= p.size else p.min()} is out "
            f"of bounds for dimension 0 with size {p.size}"
        )
    out = np.empty_like(p)
    out[p] = np.arange(p.size)
    return Tensor._new(out)


def _lengths(lengths: Any) -> np.ndarray:
    """``lengths`` as an int64 array, checked as PyTorch: 1-D."""
    data = lengths.data if isinstance(lengths, Tensor) else np.asarray(lengths)
    if data.ndim != 1:
        raise RuntimeError(
            f"'lengths' argument should be a 1D CPU int64 tensor, but got {data.ndim}D "
            f"{data.dtype} tensor"
        )
    return data.astype(np.int64)


def pack_padded_sequence(
    input: Tensor, lengths: Tensor | list, batch_first: bool = False,
    enforce_sorted: bool = True,
) -> PackedSequence:  # fmt: skip
    """Pack input (T, B, *) (or (B, T, *) with ``batch_first``) whose b-th sequence has
    ``lengths[b]`` steps. With ``enforce_sorted`` the lengths must decrease; otherwise
    the batch is sorted first (stably), and the permutation kept in the result."""
    lengths = _lengths(lengths)
    batch_dim = 0 if batch_first else 1
    if input.dim() <= batch_dim:
        raise IndexError(
            f"pack_padded_sequence: input of shape {tuple(input.shape)} has no batch "
            f"dimension {batch_dim}: Dimension out of range"
        )
    sorted_indices = None
    order = np.arange(len(lengths))
    if not enforce_sorted:
        order = np.argsort(-lengths, kind="stable")
        lengths = lengths[order]
        sorted_indices = Tensor._new(order)
    T, B = input.shape[1 - batch_dim], input.shape[batch_dim]
    if input.numel() == 0:
        raise RuntimeError(
            f"pack_padded_sequence: Cannot pack empty tensors (input of shape {tuple(input.shape)})"
        )
    if len(lengths) != B:
        raise RuntimeError(
            f"Expected `len(lengths)` to be equal to batch_size, but got {len(lengths)} "
            f"(batch_size={B})"
        )
    if lengths[-1] <= 0:
        raise RuntimeError(
            "Length of all samples has to be greater than 0, but found an element in "
            f"'lengths' that is <= 0 (lengths {lengths.tolist()})"
        )
    if np.any(lengths[:-1] < lengths[1:]):
        raise RuntimeError(
            "`lengths` array must be sorted in decreasing order when `enforce_sorted` is "
            "True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or "
            "pack_sequence to sidestep this requirement if you do not need ONNX "
            f"exportability. (lengths {lengths.tolist()})"
        )
    if lengths[0] > T:
        raise RuntimeError(
            f"pack_padded_sequence: a length {lengths[0]} exceeds the input's {T} time steps"
        )
    steps = np.arange(lengths[0])[:, None] < lengths  # (max length, B): step t of sequence b
    t, b = np.nonzero(steps)  # step by step, longest sequence first in each
    data = input[order[b], t] if batch_first else input[t, order[b]]
    return PackedSequence(data, Tensor._new(steps.sum(1).astype(np.int64)), sorted_indices, None)


def pad_packed_sequence(
    sequence: PackedSequence, batch_first: bool = False, padding_value: float = 0.0,
    total_length: int | None = None,
) -> tuple:  # fmt: skip
    """Undo ``pack_padded_sequence``: (padded (T, B, *) or (B, T, *), lengths (B,) int64),
    in the original batch order, padded with ``padding_value`` to T = the longest length
    or ``total_length``."""
    data, batch_sizes, _, unsorted_indices = sequence
    sizes = batch_sizes.data.astype(np.int64)
    T = len(sizes)
    if total_length is not None:
        if total_length < T:
            raise ValueError(
                "Expected total_length to be at least the length of the longest sequence in "
                f"input, but got total_length={total_length} and max sequence length being {T}"
            )
        T = total_length
    b, N = np.arange(sizes[0]), len(data)
    starts = np.cumsum(sizes) - sizes  # the first row of each step
    rows = np.full((T, len(b)), N)  # row N: the padding, after the data's rows
    rows[: len(sizes)] = np.where(b < sizes[:, None], starts[:, None] + b, N)
    lengths = (rows < N).sum(0)
    if unsorted_indices is not None:
        rows, lengths = rows[:, unsorted_indices.data], lengths[unsorted_indices.data]
    padded = _gather_padded(data, rows.T if batch_first else rows, padding_value)
    return padded, Tensor._new(lengths.astype(np.int64))


def _gather_padded(data: Tensor, rows: np.ndarray, padding_value: float) -> Tensor:
    """data (N, *) gathered at ``rows`` (an integer array), where row N is padding."""
    padding = full((1, *data.shape[1:]), padding_value, dtype=data.dtype)
    return cat([data, padding])[rows]


def pad_sequence(
    sequences: Tensor | Iterable[Tensor], batch_first: bool = False,
    padding_value: float = 0.0, padding_side: str = "right",
) -> Tensor:  # fmt: skip
    """Stack sequences (L_i, *) into (max L, B, *) (or (B, max L, *) with ``batch_first``),
    each padded with ``padding_value`` after its end (or before its start, with
    ``padding_side='left'``)."""
    if not isinstance(sequences, Iterable):
        raise RuntimeError(
            "pad_sequence: Expected iterable for input sequences, but got arg of type: "
            f"{type(sequences)}"
        )
    sequences = sequences.unbind(0) if isinstance(sequences, Tensor) else tuple(sequences)
    if padding_side not in ("left", "right"):
        raise RuntimeError(
            f"Expected padding_side to be one of left or right, but got {padding_side}."
        )
    if not sequences:
        raise RuntimeError("pad_sequence: received an empty list of sequences")
    first = sequences[0]
    for s in sequences:
        if s.dim() == 0:
            raise RuntimeError("pad_sequence: expected sequences of 1 or more dimensions, got 0")
        if s.shape[1:] != first.shape[1:]:
            raise RuntimeError(
                f"pad_sequence: the sequences' trailing shapes differ: {tuple(first.shape)} "
                f"and {tuple(s.shape)}"
            )
    lengths = np.array([s.shape[0] for s in sequences], np.int64)
    T = int(lengths.max())
    starts = np.cumsum(lengths) - lengths  # the first row of each sequence
    step = np.arange(T)[:, None]  # (T, 1); the sequences along the other axis
    if padding_side == "left":
        step = step - (T - lengths)
    data = cat([s if s.dtype == first.dtype else s.to(first.dtype) for s in sequences])
    rows = np.where((step >= 0) & (step < lengths), starts + step, len(data))
    return _gather_padded(data, rows.T if batch_first else rows, padding_value)


def unpad_sequence(padded_sequences: Tensor, lengths: Tensor, batch_first: bool = False) -> list:
    """Split padded (T, B, *) (or (B, T, *)) into the B sequences (lengths[b], *)."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    lengths = lengths.data if isinstance(lengths, Tensor) else np.asarray(lengths)
    return [seq[: int(n)] for seq, n in zip(padded_sequences.unbind(0), lengths, strict=True)]


def pack_sequence(sequences: list, enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of sequences (L_i, *): ``pack_padded_sequence(pad_sequence(...))``."""
    lengths = [s.size(0) for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list:
    """The list of sequences (L_i, *) a PackedSequence holds, in the original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
