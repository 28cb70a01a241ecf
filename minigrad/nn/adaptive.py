"""``AdaptiveLogSoftmaxWithLoss``: the efficient softmax of Grave et al. (2016) for many
classes, as PyTorch's.

The classes are split by ``cutoffs`` into a shortlist and clusters; the head scores the
shortlist and one logit per cluster, and cluster i's tail (a projection to
``in_features // div_value**(i+1)``, then to its classes) scores the classes inside it:
log p(c) = log p_head(cluster of c) + log p_cluster(c | cluster).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import numpy as np

from ..grad_mode import no_grad
from ..ops import cat
from ..tensor import Tensor
from . import functional as F
from .layers import Linear, ModuleList, Sequential
from .module import Module

__all__ = ["AdaptiveLogSoftmaxWithLoss"]

_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])


class AdaptiveLogSoftmaxWithLoss(Module):
    """Input (N, in_features) or (in_features,), target (N,) or () of class indices;
    ``forward`` returns ``(output, loss)``: each target's log-probability (N,) and the mean
    negative log-likelihood. ``head``: Linear(in_features, shortlist + n_clusters);
    ``tail[i]``: Sequential(Linear(in_features, hsz_i), Linear(hsz_i, cluster size)),
    without biases."""

    def __init__(
        self, in_features: int, n_classes: int, cutoffs: Sequence[int], div_value: float = 4.0,
        head_bias: bool = False, device: Any = None, dtype: Any = None,
    ) -> None:  # fmt: skip
        super().__init__()
        cutoffs = list(cutoffs)
        if len(cutoffs) == 0:
            raise ValueError("cutoffs should be a sequence of length larger than 0")
        if (
            cutoffs != sorted(cutoffs) or min(cutoffs) <= 0 or max(cutoffs) > n_classes - 1
            or len(set(cutoffs)) != len(cutoffs) or any(int(c) != c for c in cutoffs)
        ):  # fmt: skip
            raise ValueError(
                "cutoffs should be a sequence of unique, positive integers sorted in an "
                "increasing order, where each value is between 1 and n_classes-1 (got "
                f"cutoffs={cutoffs}, n_classes={n_classes})"
            )
        self.in_features = in_features
        self.n_classes = n_classes
        self.cutoffs = cutoffs + [n_classes]
        self.div_value = div_value
        self.head_bias = head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        self.head = Linear(in_features, self.head_size, head_bias, device, dtype)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hsz = int(in_features // (div_value ** (i + 1)))
            osz = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(
                Sequential(
                    Linear(in_features, hsz, False, device, dtype),
                    Linear(hsz, osz, False, device, dtype),
                )
            )

    def reset_parameters(self) -> None:
        self.head.reset_parameters()
        for i2h, h2o in self.tail:
            i2h.reset_parameters()
            h2o.reset_parameters()

    def forward(self, input_: Tensor, target_: Tensor) -> _ASMoutput:
        if target_.ndim == 1:
            if input_.shape[0] != target_.shape[0]:
                raise RuntimeError(
                    "Input and target should have the same size in the batch dimension "
                    f"(input {input_.shape}, target {target_.shape})."
                )
            if input_.ndim != 2:
                raise RuntimeError(
                    f"1D target tensor expects 2D input tensors, but found inputs with size "
                    f"{input_.shape}"
                )
        elif target_.ndim == 0:
            if input_.ndim != 1:
                raise RuntimeError(
                    f"0D target tensor expects 1D input tensors, but found inputs with size "
                    f"{input_.shape}"
                )
        else:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        if target_.dtype.kind not in "iu":
            raise RuntimeError(
                f"gather(): Expected dtype int32/int64 for index (the target), got {target_.dtype}"
            )
        batched = target_.ndim > 0
        input = input_ if batched else input_.unsqueeze(0)
        target = np.asarray(target_.data).reshape(-1)
        head_logprob = F.log_softmax(self.head(input), dim=1)
        gather = target.copy()  # each row's head column: its class, or its cluster
        rows, pieces = [], []  # rows in order of the pieces of the tail's log-probabilities
        bounds = [0] + self.cutoffs
        for i, (low, high) in enumerate(pairwise(bounds)):
            idx = np.flatnonzero((target >= low) & (target < high))
            if idx.size == 0:
                continue
            rows.append(idx)
            if i == 0:
                pieces.append(head_logprob.new_zeros(idx.size))
                continue
            gather[idx] = self.shortlist_size + i - 1
            cluster_logprob = F.log_softmax(self.tail[i - 1](input[idx]), dim=1)
            pieces.append(cluster_logprob[np.arange(idx.size), target[idx] - low])
        order = np.concatenate(rows) if rows else np.zeros(0, np.int64)
        if order.size != target.size:
            raise RuntimeError(
                f"Target values should be in [0, {self.n_classes - 1}], but values in range "
                f"[{target.min()}, {target.max()}] were found. "
            )
        inverse = np.empty_like(order)
        inverse[order] = np.arange(order.size)
        local = cat(pieces) if pieces else head_logprob.new_zeros(0)  # an empty batch
        output = head_logprob[np.arange(target.size), gather] + local[inverse]
        loss = (-output).mean()
        return _ASMoutput(output if batched else output.squeeze(0), loss)

    def _get_full_log_prob(self, input: Tensor, head_output: Tensor) -> Tensor:
        """(N, n_classes): the shortlist's head log-probabilities, then each cluster's
        log-probabilities plus its head log-probability."""
        head_logprob = F.log_softmax(head_output, dim=1)
        parts = [head_logprob[:, : self.shortlist_size]]
        for i, _ in enumerate(pairwise(self.cutoffs)):
            cluster_logprob = F.log_softmax(self.tail[i](input), dim=1)
            k = self.shortlist_size + i
            parts.append(cluster_logprob + head_logprob[:, k : k + 1])
        return cat(parts, dim=1)

    def log_prob(self, input: Tensor) -> Tensor:
        """The log-probability of every class: (N, in_features) -> (N, n_classes)."""
        return self._get_full_log_prob(input, self.head(input))

    def predict(self, input: Tensor) -> Tensor:
        """The most probable class of each row, (N,): ``log_prob(input).argmax(dim=1)``,
        with the tails evaluated only for rows whose head argmax is a cluster."""
        with no_grad():
            head_output = self.head(input)
            output = head_output.argmax(dim=1)
            outside = output.data >= self.shortlist_size
            if not outside.any():
                return output
            if outside.all():
                return self._get_full_log_prob(input, head_output).argmax(dim=1)
            log_prob = self._get_full_log_prob(input[outside], head_output[outside])
            output.data[outside] = log_prob.argmax(dim=1).data
            return output
