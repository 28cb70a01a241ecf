"""Backpropagation derived by hand for the textbook MLP, and a check against autograd.

Notation (samples as columns, the textbook layout; minigrad's modules put samples in rows):

    A[0] = X                      (n_0, m)    one sample per column
    Z[l] = W[l] A[l-1] + b[l]     (n_l, m)    W[l]: (n_l, n_{l-1}),  b[l]: (n_l, 1)
    A[l] = g[l](Z[l])             (n_l, m)    for l = 1, ..., L
    J    = (1/m) Σ_i ℓ_i          the batch loss, an average of per-sample losses

Backward. dA[l] and dZ[l] hold one column per sample: column i is the gradient of that
sample's own loss ℓ_i. The batch equations are then

    dZ[l]   = dA[l] * g[l]'(Z[l])
    dA[l-1] = W[l]ᵀ dZ[l]
    dW[l]   = dZ[l] A[l-1]ᵀ / m
    db[l]   = rowsum(dZ[l]) / m

Normalization. Each loss is averaged as the matching ``nn`` loss with reduction='mean'
(bce and mse over all n_L·m elements, cross-entropy over the m samples). Written as
J = (1/m) Σ_i ℓ_i, the per-sample losses are

    bce:            ℓ_i = (1/n_L) Σ_k -(Y log A + (1 - Y) log(1 - A))[k, i]
    mse:            ℓ_i = (1/n_L) Σ_k (A - Y)²[k, i]
    cross_entropy:  ℓ_i = -Σ_k (Y log A)[k, i]           (Y one-hot, A = softmax(Z))

so the 1/m lives in dW and db, and the 1/n_L of an elementwise mean lives in dA[L]:

    bce:            dA[L] = (A - Y) / (A (1 - A)) / n_L
    mse:            dA[L] = 2 (A - Y) / n_L
    sigmoid + bce:            dZ[L] = (A - Y) / n_L       (the two combined)
    softmax + cross_entropy:  dZ[L] = A - Y

Measured against the batch loss, ∂J/∂Z[L] = dZ[L] / m, e.g. (A - Y) / (n_L m) for
sigmoid + bce with n_L outputs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

Array = np.ndarray

# ---- activations g and their derivatives g' ---------------------------------------------


def _sigmoid(Z: Array) -> Array:
    """1 / (1 + exp(-Z)), written as exp(-log(1 + exp(-Z))) so no exp overflows."""
    return np.exp(-np.logaddexp(0, -Z))


def _softmax(Z: Array) -> Array:
    """exp(Z) / Σ_k exp(Z) down each column (the max is subtracted first, for range)."""
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def _log_softmax(Z: Array) -> Array:
    """log softmax(Z) down each column, without forming softmax(Z) (no log 0)."""
    shifted = Z - Z.max(axis=0, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))


def _softmax_prime(Z: Array, A: Array) -> Array:
    raise NotImplementedError(
        "softmax's Jacobian is not elementwise; it is only used as the output layer with "
        "cross_entropy, where dZ[L] = A - Y"
    )


class Activation(NamedTuple):
    """An activation g, and g'(Z) given both Z and A = g(Z) (sigmoid and tanh use A)."""

    g: Callable[[Array], Array]
    g_prime: Callable[[Array, Array], Array]


ACTIVATIONS: dict[str, Activation] = {
    # relu'(0) = 0, as autograd has it
    "relu": Activation(lambda Z: np.maximum(Z, 0), lambda Z, A: (Z > 0).astype(Z.dtype)),
    "sigmoid": Activation(_sigmoid, lambda Z, A: A * (1 - A)),
    "tanh": Activation(np.tanh, lambda Z, A: 1 - A * A),
    "linear": Activation(lambda Z: Z, lambda Z, A: np.ones_like(Z)),
    "softmax": Activation(_softmax, _softmax_prime),
}

# ---- losses: the per-sample loss ℓ_i and dA[L] = ∂ℓ_i/∂A[L], one column per sample --------


def _log(P: Array) -> Array:
    """log P, clamped below at -100 as nn.BCELoss does, so log 0 stays finite."""
    with np.errstate(divide="ignore"):
        return np.maximum(np.log(P), -100)


def _bce_per_sample(Z: Array, A: Array, Y: Array) -> Array:
    return -(Y * _log(A) + (1 - Y) * _log(1 - A)).mean(axis=0)


def _mse_per_sample(Z: Array, A: Array, Y: Array) -> Array:
    return ((A - Y) ** 2).mean(axis=0)


def _cross_entropy_per_sample(Z: Array, A: Array, Y: Array) -> Array:
    return -(Y * _log_softmax(Z)).sum(axis=0)  # log A from Z: exact even where A underflows


class Loss(NamedTuple):
    """ℓ_i for each sample (from Z[L], A[L], Y), and dA[L] (None: only a shortcut exists)."""

    per_sample: Callable[[Array, Array, Array], Array]
    dA: Callable[[Array, Array], Array] | None


LOSSES: dict[str, Loss] = {
    "bce": Loss(_bce_per_sample, lambda A, Y: (A - Y) / (A * (1 - A)) / A.shape[0]),
    "mse": Loss(_mse_per_sample, lambda A, Y: 2 * (A - Y) / A.shape[0]),
    "cross_entropy": Loss(_cross_entropy_per_sample, None),
}

# Output activation and loss whose dZ[L] = dA[L] * g'(Z[L]) simplifies to a short formula.
SHORTCUTS: dict[tuple[str, str], Callable[[Array, Array], Array]] = {
    ("sigmoid", "bce"): lambda A, Y: (A - Y) / A.shape[0],
    ("softmax", "cross_entropy"): lambda A, Y: A - Y,
}


def linear_backward(dZ: Array, A_prev: Array, W: Array, m: int) -> tuple[Array, Array, Array]:
    """The batch equations of one layer Z = W A_prev + b, given dZ.

    Returns (dW, db, dA_prev) = (dZ A_prevᵀ / m,  rowsum(dZ) / m,  Wᵀ dZ).
    """
    dW = dZ @ A_prev.T / m
    db = dZ.sum(axis=1, keepdims=True) / m
    dA_prev = W.T @ dZ
    return dW, db, dA_prev


# ---- the network ------------------------------------------------------------------------


class ManualMLP:
    """A multilayer perceptron whose gradients come from the hand-derived equations above.

    Args:
        layer_sizes: [n_0, n_1, ..., n_L], the input size first.
        activations: L names from ``ACTIVATIONS``; "softmax" only as the last one, and
            only with "cross_entropy" (which needs it).
        loss: "bce", "mse" or "cross_entropy".
        dtype: the floating dtype of the parameters and of all arithmetic.
        seed: seeds the initialization W[l] ~ N(0, 2 / n_{l-1}), b[l] = 0.

    Attributes:
        params: {"W1": (n_1, n_0), "b1": (n_1, 1), ..., "WL", "bL"}.
        cache: {"Z": [None, Z[1], ..., Z[L]], "A": [A[0], ..., A[L]]} from the last forward.
    """

    def __init__(
        self,
        layer_sizes: list[int],
        activations: list[str],
        loss: str,
        dtype: type | np.dtype = np.float64,
        seed: int | None = None,
    ) -> None:
        self.layer_sizes = [int(n) for n in layer_sizes]
        self.activations = list(activations)
        self.loss_name = loss
        self.dtype = np.dtype(dtype)
        self._check_architecture()
        rng = np.random.default_rng(seed)
        self.params: dict[str, Array] = {}
        for l in range(1, self.L + 1):
            n_l, n_prev = self.layer_sizes[l], self.layer_sizes[l - 1]
            W = np.sqrt(2 / n_prev) * rng.standard_normal((n_l, n_prev))
            self.params[f"W{l}"] = W.astype(self.dtype)
            self.params[f"b{l}"] = np.zeros((n_l, 1), dtype=self.dtype)
        self.cache: dict[str, list] = {}

    @property
    def L(self) -> int:
        """The number of layers (the input layer, numbered 0, is not counted)."""
        return len(self.layer_sizes) - 1

    def _check_architecture(self) -> None:
        if self.L < 1:
            raise ValueError(f"layer_sizes needs at least two sizes, got {self.layer_sizes}")
        if any(n < 1 for n in self.layer_sizes):
            raise ValueError(f"layer sizes must be positive, got {self.layer_sizes}")
        if len(self.activations) != self.L:
            raise ValueError(
                f"{self.L} layers need {self.L} activations, got {len(self.activations)}"
            )
        for name in self.activations:
            if name not in ACTIVATIONS:
                raise ValueError(f"unknown activation {name!r}; choose from {list(ACTIVATIONS)}")
        if self.loss_name not in LOSSES:
            raise ValueError(f"unknown loss {self.loss_name!r}; choose from {list(LOSSES)}")
        if self.dtype.kind != "f":
            raise ValueError(f"dtype must be a floating dtype, got {self.dtype}")
        if "softmax" in self.activations[:-1]:
            raise ValueError("softmax is supported only as the last activation")
        if (self.activations[-1] == "softmax") != (self.loss_name == "cross_entropy"):
            raise ValueError(
                "cross_entropy needs a softmax output layer and softmax needs cross_entropy, "
                f"got activations {self.activations} with loss {self.loss_name!r}"
            )

    # ---- forward and backward -------------------------------------------------------------

    def forward(self, X: Array) -> Array:
        """A[L] for a batch X of shape (n_0, m), keeping every Z[l] and A[l] in the cache."""
        X = np.asarray(X, dtype=self.dtype)
        if X.ndim != 2 or X.shape[0] != self.layer_sizes[0]:
            raise ValueError(f"X must have shape ({self.layer_sizes[0]}, m), got {X.shape}")
        Z: list[Array | None] = [None]
        A: list[Array] = [X]
        for l in range(1, self.L + 1):
            W, b = self.params[f"W{l}"], self.params[f"b{l}"]
            g = ACTIVATIONS[self.activations[l - 1]].g
            Z.append(W @ A[l - 1] + b)
            A.append(g(Z[l]))
        self.cache = {"Z": Z, "A": A}
        return A[self.L]

    def _labels(self, Y: Array) -> Array:
        Y = np.asarray(Y, dtype=self.dtype)
        if not self.cache:
            raise RuntimeError("call forward(X) before loss(Y) or backward(Y)")
        expected = self.cache["A"][self.L].shape
        if Y.shape != expected:
            raise ValueError(f"Y must have the shape of A[L], {expected}, got {Y.shape}")
        return Y

    def loss(self, Y: Array) -> float:
        """The batch loss J = (1/m) Σ_i ℓ_i of the last forward batch against labels Y."""
        Y = self._labels(Y)
        Z_L, A_L = self.cache["Z"][self.L], self.cache["A"][self.L]
        return float(LOSSES[self.loss_name].per_sample(Z_L, A_L, Y).mean())

    def backward(self, Y: Array) -> dict[str, Array]:
        """∂J/∂W[l] and ∂J/∂b[l] for the last forward batch, as {"dW1": ..., "db1": ..., ...}.

        Y has shape (n_L, m), one-hot columns for cross_entropy.
        """
        Y = self._labels(Y)
        Z, A = self.cache["Z"], self.cache["A"]
        L, m = self.L, Y.shape[1]
        shortcut = SHORTCUTS.get((self.activations[-1], self.loss_name))
        dA = None if shortcut is not None else LOSSES[self.loss_name].dA(A[L], Y)
        grads: dict[str, Array] = {}
        for l in range(L, 0, -1):
            if l == L and shortcut is not None:
                dZ = shortcut(A[L], Y)
            else:
                dZ = dA * ACTIVATIONS[self.activations[l - 1]].g_prime(Z[l], A[l])
            W = self.params[f"W{l}"]
            grads[f"dW{l}"], grads[f"db{l}"], dA = linear_backward(dZ, A[l - 1], W, m)
        return {d: grads[d] for l in range(1, L + 1) for d in (f"dW{l}", f"db{l}")}

    # ---- training ---------------------------------------------------------------------------

    def step(self, grads: dict[str, Array], lr: float, l2: float = 0.0) -> None:
        """One gradient-descent step on J + (l2/2) Σ ‖θ‖²:  θ ← θ - lr (dθ + l2 θ).

        Every W[l] and b[l] is a θ (the same rule as optim.SGD with weight_decay=l2).
        """
        for name, theta in self.params.items():
            theta -= lr * (grads["d" + name] + l2 * theta)

    def train(
        self,
        X: Array,
        Y: Array,
        lr: float = 0.1,
        epochs: int = 10,
        batch_size: int = 32,
        l2: float = 0.0,
        seed: int | None = None,
    ) -> list[float]:
        """Mini-batch gradient descent over shuffled batches; returns each batch's loss J."""
        X = np.asarray(X, dtype=self.dtype)
        Y = np.asarray(Y, dtype=self.dtype)
        rng = np.random.default_rng(seed)
        m_total = X.shape[1]
        losses = []
        for _ in range(epochs):
            order = rng.permutation(m_total)
            for start in range(0, m_total, batch_size):
                batch = order[start : start + batch_size]
                self.forward(X[:, batch])
                losses.append(self.loss(Y[:, batch]))
                self.step(self.backward(Y[:, batch]), lr, l2)
        return losses

    def __repr__(self) -> str:
        return (
            f"ManualMLP(layer_sizes={self.layer_sizes}, activations={self.activations}, "
            f"loss={self.loss_name!r}, dtype={self.dtype.name})"
        )
