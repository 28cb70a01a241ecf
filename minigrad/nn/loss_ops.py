"""More losses of ``nn.functional``: the margin and embedding losses, Poisson and Gaussian
negative log-likelihoods, and the multi-label / multi-class margin losses.

Where PyTorch composes a loss of other ops (all but two), so does minigrad, in PyTorch's
order, so its nodes and gradients are PyTorch's; ``soft_margin_loss`` and
``multi_margin_loss`` are kernels of their own in PyTorch, and one node each here, the
VJP beside the forward. As in ``functional``, g' is the upstream gradient per element of
the unreduced loss.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import dtypes, ops
from ..engine import record
from ..factories import full_like, ones_like, zeros_like
from ..grad_mode import no_grad
from ..tensor import Tensor, check_tensor
from .functional import (
    _legacy_reduction,
    _no_grad_weight,
    _reduce,
    _reduced,
    _reduction,
    cross_entropy,
    logsigmoid,
    pairwise_distance,
)

__all__ = [
    "cosine_embedding_loss", "gaussian_nll_loss", "hinge_embedding_loss",
    "margin_ranking_loss", "multi_margin_loss", "multilabel_soft_margin_loss",
    "poisson_nll_loss", "soft_margin_loss", "triplet_margin_loss", "multilabel_margin_loss",
    "triplet_margin_with_distance_loss", "linear_cross_entropy",
]  # fmt: skip

_REDUCTIONS = ("none", "mean", "sum")


def _check_arguments(name: str, **tensors: Any) -> None:
    """Each argument a Tensor, or check_tensor's TypeError naming it."""
    for arg, t in tensors.items():
        check_tensor(name, arg, t)


def margin_ranking_loss(
    input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
    size_average: bool | None = None, reduce: bool | None = None, reduction: str = "mean",
) -> Tensor:  # fmt: skip
    """max(0, -y (x1 - x2) + margin), y = ±1 saying which of x1, x2 should rank higher.
    Composed of ops as PyTorch's.   dx1 = -y g' where -y (x1 - x2) + margin >= 0 (the clamp
    passes the gradient at 0, as PyTorch's), else 0;   dx2 = -dx1."""
    reduction = _reduction("margin_ranking_loss", size_average, reduce, reduction)
    _check_arguments("margin_ranking_loss", input1=input1, input2=input2, target=target)
    if not input1.ndim == input2.ndim == target.ndim:
        raise RuntimeError(
            "margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {input1.shape}, input2: {input2.shape}, target: {target.shape} "
        )
    return _reduced(
        "margin_ranking_loss", (-target * (input1 - input2) + margin).clamp_min(0), reduction
    )


def hinge_embedding_loss(
    input: Tensor, target: Tensor, margin: float = 1.0, size_average: bool | None = None,
    reduce: bool | None = None, reduction: str = "mean",
) -> Tensor:  # fmt: skip
    """x where y = 1, max(0, margin - x) where y = -1 (their sum where y is neither ±1, as
    PyTorch's composition), for distances x."""
    reduction = _reduction("hinge_embedding_loss", size_average, reduce, reduction)
    _check_arguments("hinge_embedding_loss", input=input, target=target)
    kind = input.data.dtype.kind
    if kind == "b":
        raise RuntimeError(
            "hinge_embedding_loss: Subtraction, the `-` operator, with two bool tensors is not "
            "supported (margin - input, of a bool input)"
        )
    if kind in "iu":  # PyTorch fills the margin into x's dtype: an integer input stays one
        margin = full_like(input, margin)
    zeros = zeros_like(input)
    output_margin = ops.where(target != 1, (margin - input).clamp_min(0), zeros)
    output_self = ops.where(target != -1, input, zeros)
    return _reduced("hinge_embedding_loss", output_margin + output_self, reduction)


def soft_margin_loss(
    input: Tensor, target: Tensor, size_average: bool | None = None,
    reduce: bool | None = None, reduction: str = "mean",
) -> Tensor:  # fmt: skip
    """log(1 + exp(-y x)), for labels y = ±1 broadcast to x's shape, in x's dtype.
    dx = -y z / (1 + z) g',  z = exp(-y x)  (the target gets no gradient, as PyTorch's)."""
    reduction = _reduction("soft_margin_loss", size_average, reduce, reduction)
    _check_arguments("soft_margin_loss", input=input, target=target)
    _no_grad_weight("soft_margin_loss", "target", target)
    X = input.data
    if X.dtype.kind != "f":  # PyTorch's kernel negates a bool input and has no integer result
        raise RuntimeError(
            f"soft_margin_loss: result type Float can't be cast to the desired output type "
            f"{dtypes.torch_name(X.dtype)} (of the input)"
        )
    try:
        Y = np.broadcast_to(target.data, X.shape)
    except ValueError:
        raise RuntimeError(f"soft_margin_loss: the size of target {list(target.shape)} cannot be "
                           f"broadcast to the input's {list(X.shape)}") from None  # fmt: skip
    X64, Y64 = X.astype(np.float64), Y.astype(np.float64)
    with np.errstate(over="ignore"):
        z = np.exp(-Y64 * X64)
    out, per_element = _reduce("soft_margin_loss", np.log1p(z).astype(X.dtype), reduction)

    @np.errstate(invalid="ignore")  # inf / inf = NaN, as PyTorch's
    def vjp(g: np.ndarray) -> np.ndarray:
        if Y.dtype.kind == "b":  # PyTorch's backward negates it
            raise RuntimeError("soft_margin_loss_backward: Negation, the `-` operator, on a bool "
                               "tensor is not supported (the target, of ±1)")  # fmt: skip
        return -Y64 * z / (1 + z) * per_element(g)

    return record(out, "SoftMarginLoss", (input,), (vjp,), saved=(input, target))


_COSINE_EPS = float(np.float32(1e-12))  # PyTorch's float constant, added to each squared magnitude


def cosine_embedding_loss(
    input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
    size_average: bool | None = None, reduce: bool | None = None, reduction: str = "mean",
) -> Tensor:  # fmt: skip
    """1 - cos(x1, x2) where y = 1, max(0, cos(x1, x2) - margin) where y = -1, the cosine
    along the last dim of x1, x2 (N, D) or (D,), with y (N,) or (). Composed as PyTorch's:
    cos = Σ x1 x2 / sqrt((Σ x1² + 1e-12) (Σ x2² + 1e-12))."""
    reduction = _reduction("cosine_embedding_loss", size_average, reduce, reduction)
    _check_arguments("cosine_embedding_loss", input1=input1, input2=input2, target=target)
    d = target.ndim
    if d > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if input1.ndim != d + 1 or input2.ndim != d + 1:
        raise RuntimeError(
            f"{d}D target tensor expects {d + 1}D input tensors, but found inputs with sizes "
            f"{list(input1.shape)} and {list(input2.shape)}."
        )
    prod_sum = (input1 * input2).sum(d)
    mag_square1 = (input1 * input1).sum(d) + _COSINE_EPS
    mag_square2 = (input2 * input2).sum(d) + _COSINE_EPS
    cos = prod_sum / (mag_square1 * mag_square2).sqrt()
    zeros = zeros_like(cos)
    output_pos = ops.where(target == 1, 1 - cos, zeros)
    output_neg = ops.where(target == -1, (cos - margin).clamp_min(0), zeros)
    return _reduced("cosine_embedding_loss", output_pos + output_neg, reduction)


def triplet_margin_loss(
    anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0, p: float = 2,
    eps: float = 1e-6, swap: bool = False, size_average: bool | None = None,
    reduce: bool | None = None, reduction: str = "mean",
) -> Tensor:  # fmt: skip
    """max(0, margin + d(a, p) - d(a, n)), d the pairwise distance ‖x - y + eps‖_p along the
    last dim; with ``swap``, d(a, n) is min(d(a, n), d(p, n)). Composed as PyTorch's."""
    reduction = _reduction("triplet_margin_loss", size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    _check_arguments("triplet_margin_loss", anchor=anchor, positive=positive, negative=negative)
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise RuntimeError(
            "The anchor, positive, and negative tensors are expected to have the same number "
            f"of dimensions, but got: anchor {anchor.ndim}D, positive {positive.ndim}D, and "
            f"negative {negative.ndim}D inputs"
        )
    dist_pos = pairwise_distance(anchor, positive, p, eps)
    dist_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        dist_neg = ops.minimum(dist_neg, pairwise_distance(positive, negative, p, eps))
    return _reduced("triplet_margin_loss", (margin + dist_pos - dist_neg).clamp_min(0), reduction)


def poisson_nll_loss(
    input: Tensor, target: Tensor, log_input: bool = True, full: bool = False,
    size_average: bool | None = None, eps: float = 1e-8, reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:  # fmt: skip
    """exp(x) - y x for log-rates x (``log_input``), else x - y log(x + eps) for rates x;
    with ``full``, plus Stirling's y log y - y + log(2π y) / 2 where y > 1. Composed as
    PyTorch's."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    if reduction not in _REDUCTIONS:
        raise ValueError(f"poisson_nll_loss: {reduction} is not a valid value for reduction")
    _check_arguments("poisson_nll_loss", input=input, target=target)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        loss = loss + stirling.masked_fill(target <= 1, 0)
    return _reduced("poisson_nll_loss", loss, reduction)


def gaussian_nll_loss(
    input: Tensor, target: Tensor, var: Any, full: bool = False, eps: float = 1e-6,
    reduction: str = "mean",
) -> Tensor:  # fmt: skip
    """(log v + (x - y)² / v) / 2 (+ log(2π) / 2 with ``full``), v the variance clamped at
    ``eps`` outside the graph, as PyTorch's. ``var`` has x's shape, or lacks its last dim,
    or has 1 where x has one other size (one variance shared), or is a float."""
    if isinstance(var, float):
        if var < 0:
            raise ValueError("gaussian_nll_loss: var has negative entry/entries")
        var = var * ones_like(input)
    elif not isinstance(var, Tensor):
        raise TypeError(f"gaussian_nll_loss(): argument 'var' must be Tensor or float, not "
                        f"{type(var).__name__}")  # fmt: skip
    elif np.any(var.data < 0):
        raise ValueError("gaussian_nll_loss: var has negative entry/entries")
    if var.shape != input.shape:
        if input.shape[:-1] == var.shape:
            var = var.unsqueeze(-1)
        elif input.ndim == var.ndim and sum(
            b for a, b in zip(input.shape, var.shape) if a != b
        ) == 1:  # fmt: skip
            pass  # heteroscedastic: one variance along a dim
        else:
            raise ValueError(
                f"gaussian_nll_loss: var is of incorrect size {tuple(var.shape)} "
                f"(input of shape {tuple(input.shape)})"
            )
    if reduction not in _REDUCTIONS:
        raise ValueError(f"gaussian_nll_loss: {reduction} is not valid")
    var = var.clone()
    with no_grad():
        var.clamp_(min=eps)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduced("gaussian_nll_loss", loss, reduction)


def multilabel_soft_margin_loss(
    input: Tensor, target: Tensor, weight: Tensor | None = None,
    size_average: bool | None = None, reduce: bool | None = None, reduction: str = "mean",
) -> Tensor:  # fmt: skip
    """-(y log σ(x) + (1 - y) log σ(-x)) (times ``weight``), averaged over the classes (the
    last dim): one loss per sample. Composed as PyTorch's."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.ndim - 1
    loss = loss.sum(class_dim) / input.size(class_dim)
    if reduction not in _REDUCTIONS:
        raise ValueError(f"multilabel_soft_margin_loss: {reduction} is not valid")
    return _reduced("multilabel_soft_margin_loss", loss, reduction)


def multi_margin_loss(
    input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0, weight: Tensor | None = None,
    size_average: bool | None = None, reduce: bool | None = None, reduction: str = "mean",
) -> Tensor:  # fmt: skip
    """Σ_{i ≠ y} w[y] max(0, margin - x[y] + x[i])^p / C per sample, x (N, C) or (C,) and
    class indices y (N,) or ().
    dx[i] = w[y] p z^(p-1) / C g' for each i ≠ y with z = margin - x[y] + x[i] > 0,
    dx[y] = -Σ_i dx[i]."""
    reduction = _reduction("multi_margin_loss", size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError(f"multi_margin_loss: only p == 1 and p == 2 supported, got {p!r}")
    if weight is not None and weight.ndim != 1:
        raise ValueError("multi_margin_loss: weight must be one-dimensional")
    _check_arguments("multi_margin_loss", input=input, target=target)
    X, T = input.data, target.data
    if not ((X.ndim == 2 and X.shape[1]) or (X.ndim == 1 and X.shape[0]) or X.ndim == 0):
        raise RuntimeError("Expected non-empty vector or matrix with optional 0-dim batch "
                           f"size, but got: {list(X.shape)}")  # fmt: skip
    n, C = (X.shape[0] if X.ndim == 2 else 1), (X.shape[-1] if X.ndim else 1)
    if T.ndim > 1 or T.size != n:
        raise RuntimeError(
            "multi_margin_loss: target tensor should be 1-D with size equal to the number of "
            f"input samples (batch size). Expected target size [{n}], but got {list(T.shape)}. "
            f"Input has shape {list(X.shape)}."
        )
    if X.dtype.kind != "f":
        raise NotImplementedError(
            f"\"multi_margin_loss_cpu\" not implemented for '{dtypes.torch_name(X.dtype)}'"
        )
    if T.dtype != np.int64:
        raise RuntimeError(
            f"multi_margin_loss: expected scalar type Long but found {dtypes.torch_name(T.dtype)}"
        )
    if weight is not None and weight.data.size != C:
        raise RuntimeError(
            f"multi_margin_loss: inconsistent weight size, expected {C} but got "
            f"{list(weight.shape)}"
        )
    if weight is not None and weight.data.dtype != X.dtype:
        raise RuntimeError(
            f"multi_margin_loss: expected scalar type {dtypes.torch_name(X.dtype)} but found "
            f"{dtypes.torch_name(weight.data.dtype)}"
        )
    _no_grad_weight("multi_margin_loss", "weight", weight)
    X2, y = X.reshape(n, C), T.reshape(n)
    if np.any((y < 0) | (y >= C)):
        raise RuntimeError(
            f"multi_margin_loss: target out of range (the input has {C} classes, "
            f"target from {y.min()} to {y.max()})"
        )
    rows = np.arange(n)
    z = margin - X2[rows, y][:, None] + X2
    z[rows, y] = 0  # the target's own class does not count
    active = z > 0
    w_y = (np.ones(n, X.dtype) if weight is None else weight.data[y])[:, None]
    h = np.where(active, (z if p == 1 else z * z) * w_y, 0)  # w[y] weighs the active terms
    loss = (h.sum(1) / C).astype(X.dtype)
    out, per_element = _reduce(
        "multi_margin_loss", loss.reshape(T.shape), reduction
    )  # 'none': the target's shape

    def vjp(g: np.ndarray) -> np.ndarray:
        gs = np.reshape(per_element(g), (-1, 1))
        d = np.where(active, (1 if p == 1 else 2 * z) * w_y, 0) / C * gs
        d[rows, y] = 0 - d.sum(1)  # +0 where no class counts, as PyTorch's
        return d.reshape(X.shape)

    saved = ops._tensors(input, target, weight)
    return record(out, "MultiMarginLoss", (input,), (vjp,), saved=saved)


def multilabel_margin_loss(
    input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:  # fmt: skip
    """loss[n] = Σ_{j in y} Σ_{i not in y} max(0, 1 - (x[n, j] - x[n, i])) / C, the targets y
    the entries of target[n] (int64) before its first -1; input (N, C), (C) or a scalar
    (C = 1), target of the same shape; 'none' gives (N,), or a scalar for a 1-D input."""
    reduction = _reduction("multilabel_margin_loss", size_average, reduce, reduction)
    check_tensor("multilabel_margin_loss", "input", input)
    check_tensor("multilabel_margin_loss", "target", target)
    X, Y = input.data, target.data
    if X.dtype.kind != "f":
        raise NotImplementedError(f"multilabel_margin_loss: input of type {X.dtype} is not "
                                  "supported: expected float32 or float64")  # fmt: skip
    if X.ndim > 2 or (X.ndim and X.shape[-1] == 0):
        raise RuntimeError("multilabel_margin_loss: expected a non-empty vector or matrix with "
                           f"optional 0-dim batch size, but got: {list(X.shape)}")  # fmt: skip
    if Y.shape != X.shape:
        raise RuntimeError(f"multilabel_margin_loss: inconsistent target size: {list(Y.shape)} "
                           f"for input of size: {list(X.shape)}")  # fmt: skip
    if Y.dtype != np.int64:
        raise RuntimeError(f"multilabel_margin_loss: expected target of scalar type Long "
                           f"(int64) but found {Y.dtype}")  # fmt: skip
    C = X.shape[-1] if X.ndim else 1
    Y = Y.reshape(-1, C)
    if Y.size and (Y.min() < -1 or Y.max() >= C):
        raise RuntimeError(f"multilabel_margin_loss: target values must be in [-1, {C}), got "
                           f"{Y.min() if Y.min() < -1 else Y.max()}")  # fmt: skip
    rows = np.arange(Y.shape[0])[:, None]
    valid = np.cumprod(Y != -1, axis=1).astype(bool)  # the entries before the first -1
    is_target = np.zeros(Y.shape, bool)
    is_target[np.broadcast_to(rows, Y.shape)[valid], Y[valid]] = True
    J = int(valid.sum(1).max(initial=0))  # the most targets of a row: (N, J, C) pairs, not C²
    Y, valid = Y[:, :J], valid[:, :J]
    x = input.reshape(-1, C)
    x_target = x[rows, np.where(valid, Y, 0)]  # (N, J): x[n, y_j]
    pairs = (valid[:, :, None] & ~is_target[:, None, :]).astype(X.dtype)  # (N, j, i)
    hinge = (1 - x_target.unsqueeze(2) + x.unsqueeze(1)).relu() * pairs
    loss = hinge.sum((1, 2)) / C
    return _reduced("multilabel_margin_loss", loss if X.ndim == 2 else loss[0], reduction)


def triplet_margin_with_distance_loss(
    anchor: Tensor, positive: Tensor, negative: Tensor, *,
    distance_function: Callable[[Tensor, Tensor], Tensor] | None = None, margin: float = 1.0,
    swap: bool = False, reduction: str = "mean",
) -> Tensor:  # fmt: skip
    """max(0, margin + d(a, p) - d(a, n)), d = ``distance_function`` (pairwise_distance by
    default); with ``swap``, d(a, n) is replaced by min(d(a, n), d(p, n))."""
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"triplet_margin_with_distance_loss: {reduction} is not a valid value "
                         "for reduction")  # fmt: skip
    if margin <= 0:
        raise ValueError(f"triplet_margin_with_distance_loss: margin must be greater than 0, "
                         f"got {margin}")  # fmt: skip
    for name, t in (("anchor", anchor), ("positive", positive), ("negative", negative)):
        check_tensor("triplet_margin_with_distance_loss", name, t)
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise RuntimeError(
            "triplet_margin_with_distance_loss: The anchor, positive, and negative tensors are "
            f"expected to have the same number of dimensions, but got: anchor {anchor.ndim}D, "
            f"positive {positive.ndim}D, and negative {negative.ndim}D inputs"
        )
    distance = pairwise_distance if distance_function is None else distance_function
    dist_pos = distance(anchor, positive)
    dist_neg = distance(anchor, negative)
    if swap:
        dist_neg = ops.minimum(dist_neg, distance(positive, negative))
    loss = (margin + dist_pos - dist_neg).clamp_min(0)
    return _reduced("triplet_margin_with_distance_loss", loss, reduction)


def linear_cross_entropy(
    input: Tensor, linear_weight: Tensor, target: Tensor, *, linear_bias: Tensor | None = None,
    weight: Tensor | None = None, reduction: str = "mean", ignore_index: int | None = None,
    label_smoothing: float = 0.0, options: Any = None,
) -> Tensor:  # fmt: skip
    """cross_entropy(input W̃ᵀ + b̃, target): the logits of ``linear_weight`` (C, *K, in)
    for ``input`` (N, in) or (in,), shaped (N, C, *K) for a K-dimensional loss.
    ``ignore_index`` None means -100 (and must be None for probability targets). PyTorch's
    ``options`` choose a chunked computation of the same values; minigrad computes the
    logits whole whatever they say."""
    _check_arguments("linear_cross_entropy", input=input, linear_weight=linear_weight,
                     target=target)  # fmt: skip
    if input.ndim not in (1, 2):
        raise RuntimeError(
            f"linear_cross_entropy: expected input with dimensionality 1 or 2, got {input.ndim}"
        )
    if linear_weight.ndim < 2:
        raise RuntimeError(
            "linear_cross_entropy: expected linear_weight with dimensionality at least 2, got "
            f"{linear_weight.ndim}"
        )
    batch, n_in = input.shape[:-1], input.shape[-1]
    if n_in != linear_weight.shape[-1]:
        raise RuntimeError(
            "linear_cross_entropy: expected equal input and linear_weight last dimensions "
            f"(in_features), got {n_in} and {linear_weight.shape[-1]}, respectively"
        )
    classes, out_features = linear_weight.shape[0], linear_weight.shape[1:-1]
    if linear_bias is not None and linear_bias.shape != (classes, *out_features):
        raise RuntimeError(
            f"linear_cross_entropy: expected linear_bias shape {(classes, *out_features)}, got "
            f"{linear_bias.shape}"
        )
    if out_features and not batch:
        raise RuntimeError(
            "linear_cross_entropy: K-dimensional loss defined by linear_weight shape "
            f"{linear_weight.shape} requires batched input, (N, {n_in}), got unbatched input "
            f"with shape {input.shape}"
        )
    logits_shape = (*batch, classes, *out_features)
    if target.shape == logits_shape and ignore_index is not None:
        raise RuntimeError("ignore_index cannot be specified when target contains probabilities")
    if out_features:
        linear_weight = linear_weight.reshape(math.prod(out_features, start=classes), n_in)
        if linear_bias is not None:
            linear_bias = linear_bias.reshape(math.prod(out_features, start=classes))
    logits = ops.linear(input, linear_weight, linear_bias).reshape(logits_shape)
    return cross_entropy(
        logits, target, weight, ignore_index=-100 if ignore_index is None else ignore_index,
        reduction=reduction, label_smoothing=label_smoothing,
    )  # fmt: skip
