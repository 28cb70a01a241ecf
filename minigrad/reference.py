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

so the 1/m lives in dW and db, and the 1/n_L of an elementwise mean lives in dA[L]
(bce takes probabilities, so it goes with a sigmoid output, and cross_entropy with softmax):

    bce:                      dA[L] = (A - Y) / (A (1 - A)) / n_L
    mse:                      dA[L] = 2 (A - Y) / n_L
    sigmoid + bce:            dZ[L] = (A - Y) / n_L        (the two combined)
    softmax + cross_entropy:  dZ[L] = A - Y                (A Σ_k Y[k] - Y for targets whose
                                                            columns need not sum to 1)

Measured against the batch loss, ∂J/∂Z[L] = dZ[L] / m, e.g. (A - Y) / (n_L m) for
sigmoid + bce with n_L outputs. Like nn.BCELoss, bce clamps A (1 - A) at 1e-12 in its
gradient, so an output saturated to exactly 0 or 1 passes back no gradient.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

import minigrad as mg
from minigrad import nn

Array = np.ndarray

# ---- activations g and their derivatives g' ---------------------------------------------


def _sigmoid(Z: Array) -> Array:
    """1 / (1 + exp(-Z)), rounded as PyTorch computes it (so a saturated output is the same
    1 or 0 in both, and bce's log clamps agree); exp(-Z) overflowing to inf gives 0."""
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-Z))


def _softmax(Z: Array) -> Array:
    """exp(Z) / Σ_k exp(Z) down each column (the max is subtracted first, for range)."""
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def _log_softmax(Z: Array) -> Array:
    """log softmax(Z) down each column, without forming softmax(Z) (no log 0)."""
    shifted = Z - Z.max(axis=0, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))


class Activation(NamedTuple):
    """An activation g, and g'(Z) given both Z and A = g(Z) (sigmoid and tanh use A; None
    for softmax, whose Jacobian is not elementwise: it only ends a cross_entropy network)."""

    g: Callable[[Array], Array]
    g_prime: Callable[[Array, Array], Array] | None


ACTIVATIONS: dict[str, Activation] = {
    # relu'(0) = 0, as autograd has it
    "relu": Activation(lambda Z: np.maximum(Z, 0), lambda Z, A: (Z > 0).astype(Z.dtype)),
    "sigmoid": Activation(_sigmoid, lambda Z, A: A * (1 - A)),
    "tanh": Activation(np.tanh, lambda Z, A: 1 - A * A),
    "linear": Activation(lambda Z: Z, lambda Z, A: np.ones_like(Z)),
    "softmax": Activation(_softmax, None),
}

# ---- losses: the per-sample loss ℓ_i and dA[L] = ∂ℓ_i/∂A[L], one column per sample --------


def _log(P: Array) -> Array:
    """log P, clamped below at -100 as nn.BCELoss does, so log 0 stays finite."""
    with np.errstate(divide="ignore"):
        return np.maximum(np.log(P), -100)


def _bce_per_sample(Z: Array, A: Array, Y: Array) -> Array:
    """(1/n_L) Σ_k -(Y log A + (1 - Y) log(1 - A)), each log clamped at -100."""
    return -(Y * _log(A) + (1 - Y) * _log(1 - A)).mean(axis=0)


def _mse_per_sample(Z: Array, A: Array, Y: Array) -> Array:
    """(1/n_L) Σ_k (A - Y)²."""
    return ((A - Y) ** 2).mean(axis=0)


def _cross_entropy_per_sample(Z: Array, A: Array, Y: Array) -> Array:
    """-Σ_k Y log softmax(Z), log A taken from Z: exact even where A underflows."""
    return -(Y * _log_softmax(Z)).sum(axis=0)


class Loss(NamedTuple):
    """ℓ_i for each sample (from Z[L], A[L], Y), and dA[L] (None: only a shortcut exists)."""

    per_sample: Callable[[Array, Array, Array], Array]
    dA: Callable[[Array, Array], Array] | None


BCE_EPS = nn.functional._BCE_EPS  # nn.BCELoss's clamp of A (1 - A) in its gradient

# In dA[L] and the shortcuts, A.shape[0] is n_L: the 1/n_L of an elementwise mean.
LOSSES: dict[str, Loss] = {
    "bce": Loss(
        _bce_per_sample, lambda A, Y: (A - Y) / np.maximum(A * (1 - A), BCE_EPS) / A.shape[0]
    ),
    "mse": Loss(_mse_per_sample, lambda A, Y: 2 * (A - Y) / A.shape[0]),
    "cross_entropy": Loss(_cross_entropy_per_sample, None),
}


def _sigmoid_bce(A: Array, Y: Array) -> Array:
    """(A - Y) / n_L, scaled down where the clamp max(A (1 - A), ε) of bce's dA[L] holds
    (A within ε of 0 or 1), and 0 where A is exactly 0 or 1."""
    saturation = np.minimum(A * (1 - A) / BCE_EPS, 1)  # 1 unless A is within ε of 0 or 1
    return (A - Y) * saturation / A.shape[0]


# Output activation and loss whose dZ[L] = dA[L] * g'(Z[L]) simplifies to a short formula.
SHORTCUTS: dict[tuple[str, str], Callable[[Array, Array], Array]] = {
    ("sigmoid", "bce"): _sigmoid_bce,
    ("softmax", "cross_entropy"): lambda A, Y: A * Y.sum(axis=0, keepdims=True) - Y,
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
        if isinstance(activations, str):
            raise TypeError(f"activations must be a list of names, got the string {activations!r}")
        if any(not isinstance(n, (int, np.integer)) for n in layer_sizes):
            raise TypeError(f"layer sizes must be integers, got {layer_sizes}")
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
            raise ValueError(
                "softmax is supported only as the last activation, got activations "
                f"{self.activations} (softmax in hidden layer "
                f"{self.activations.index('softmax') + 1})"
            )
        if (self.activations[-1] == "softmax") != (self.loss_name == "cross_entropy"):
            raise ValueError(
                "cross_entropy needs a softmax output layer and softmax needs cross_entropy, "
                f"got activations {self.activations} with loss {self.loss_name!r}"
            )
        if self.loss_name == "bce" and self.activations[-1] != "sigmoid":
            raise ValueError(
                "bce takes probabilities: it needs a sigmoid output layer, got "
                f"{self.activations[-1]!r}"
            )

    # ---- forward and backward -------------------------------------------------------------

    def forward(self, X: Array) -> Array:
        """A[L] for a batch X of shape (n_0, m), keeping every Z[l] and A[l] in the cache."""
        X = np.asarray(X, dtype=self.dtype)
        if X.ndim != 2 or X.shape[0] != self.layer_sizes[0]:
            raise ValueError(f"X must have shape ({self.layer_sizes[0]}, m), got {X.shape}")
        self._check_params()
        Z: list[Array | None] = [None]
        A: list[Array] = [X]
        for l in range(1, self.L + 1):
            W, b = self.params[f"W{l}"], self.params[f"b{l}"]
            g = ACTIVATIONS[self.activations[l - 1]].g
            Z.append(W @ A[l - 1] + b)
            A.append(g(Z[l]))
        self.cache = {"Z": Z, "A": A}
        return A[self.L]

    def _check_params(self) -> None:
        """Every W[l] (n_l, n_{l-1}) and b[l] (n_l, 1), as the layer sizes say."""
        for l in range(1, self.L + 1):
            n_l, n_prev = self.layer_sizes[l], self.layer_sizes[l - 1]
            for name, shape in ((f"W{l}", (n_l, n_prev)), (f"b{l}", (n_l, 1))):
                got = np.shape(self.params.get(name))
                if got != shape:
                    raise ValueError(f"params[{name!r}] must have shape {shape}, got {got}")

    def _labels(self, Y: Array) -> Array:
        Y = np.asarray(Y, dtype=self.dtype)
        if not self.cache:
            raise RuntimeError("call forward(X) before loss(Y) or backward(Y)")
        expected = self.cache["A"][self.L].shape
        if Y.shape != expected:
            raise ValueError(f"Y must have the shape of A[L], {expected}, got {Y.shape}")
        if self.loss_name == "bce" and not np.all((Y >= 0) & (Y <= 1)):
            # RuntimeError, as nn.BCELoss raises for such targets
            low, high = np.nanmin(Y, initial=np.inf), np.nanmax(Y, initial=-np.inf)
            raise RuntimeError(
                f"bce: all elements of Y should be between 0 and 1, got Y of shape {Y.shape} "
                f"with values from {low} to {high}" + (" and NaN" if np.isnan(Y).any() else "")
            )
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

    # ---- the module twin --------------------------------------------------------------------

    @classmethod
    def from_module(cls, seq: nn.Sequential, loss: str) -> ManualMLP:
        """The ManualMLP with the architecture and a copy of the weights of ``seq``.

        ``seq`` is the twin ``to_module`` builds: Linear layers, each followed by a ReLU,
        Sigmoid or Tanh module or by nothing ("linear"); with "cross_entropy" it ends in a
        Linear (logits) and the ManualMLP's last activation is "softmax".
        """
        layer_sizes, activations, linears = _read_sequential(seq, loss)
        net = cls(layer_sizes, activations, loss, dtype=linears[0][1].weight.dtype)
        for l, (_, linear) in enumerate(linears, start=1):
            net.params[f"W{l}"] = np.array(linear.weight.data, dtype=net.dtype)
            net.params[f"b{l}"] = np.array(linear.bias.data, dtype=net.dtype).reshape(-1, 1)
        return net

    def to_module(self) -> nn.Sequential:
        """The twin nn.Sequential (samples as rows), holding a copy of these weights."""
        self._check_params()
        layers = []
        for l in range(1, self.L + 1):
            n_l, n_prev = self.layer_sizes[l], self.layer_sizes[l - 1]
            linear = nn.Linear(n_prev, n_l)
            # Linear's weight (out, in) is W[l] itself; its bias (out,) is b[l] flattened
            linear.weight = nn.Parameter(mg.tensor(self.params[f"W{l}"]))
            linear.bias = nn.Parameter(mg.tensor(self.params[f"b{l}"][:, 0]))
            layers.append(linear)
            module = ACTIVATION_MODULES.get(self.activations[l - 1])
            if module is not None:
                layers.append(module())
        return nn.Sequential(*layers)


# Activation name -> module ("linear" has none, and the softmax before cross_entropy lives
# inside nn.CrossEntropyLoss).
ACTIVATION_MODULES: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU,
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
}

LOSS_MODULES: dict[str, type[nn.Module]] = {
    "bce": nn.BCELoss,
    "mse": nn.MSELoss,
    "cross_entropy": nn.CrossEntropyLoss,
}


def _read_sequential(seq: nn.Sequential, loss: str) -> tuple[list[int], list[str], list]:
    """(layer_sizes, activations, [(index in seq, Linear), ...]) of a twin Sequential.

    Raises ValueError, naming the offending module, for anything that is not the twin
    (TypeError if ``seq`` is not a Sequential).
    """
    if not isinstance(seq, nn.Sequential):
        raise TypeError(f"expected an nn.Sequential, got {type(seq).__name__}")
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose from {list(LOSSES)}")
    allowed = "Linear, ReLU, Sigmoid or Tanh"
    layer_sizes: list[int] = []
    activations: list[str] = []
    linears: list[tuple[int, nn.Linear]] = []
    previous_was_linear = False
    for index, module in enumerate(seq):
        where = f"module {index} ({type(module).__name__})"
        if isinstance(module, nn.Linear):
            if any(module is seen for _, seen in linears):
                raise ValueError(f"{where}: the same Linear used twice (the textbook MLP "
                                 "has its own weights in each layer)")  # fmt: skip
            if module.bias is None:
                raise ValueError(f"{where}: the textbook layer Z = W A + b needs a bias")
            n_out, n_in = module.weight.shape
            if linears and n_in != layer_sizes[-1]:
                raise ValueError(
                    f"{where}: takes {n_in} inputs but the layer before gives {layer_sizes[-1]}"
                )
            if module.weight.dtype != module.bias.dtype or (
                linears and module.weight.dtype != linears[0][1].weight.dtype
            ):
                raise ValueError(f"{where}: all parameters must share one dtype")
            if not linears:
                layer_sizes.append(n_in)
            layer_sizes.append(n_out)
            activations.append("linear")
            linears.append((index, module))
            previous_was_linear = True
            continue
        name = next((n for n, cls in ACTIVATION_MODULES.items() if isinstance(module, cls)), None)
        if name is None:
            hint = " (for cross_entropy, end in logits)" if isinstance(module, nn.Softmax) else ""
            raise ValueError(f"{where}: the twin holds only {allowed} modules{hint}")
        if not previous_was_linear:
            raise ValueError(f"{where}: an activation must directly follow a Linear")
        activations[-1] = name
        previous_was_linear = False
    if not linears:
        raise ValueError("the Sequential holds no Linear layer")
    if loss == "cross_entropy":
        if activations[-1] != "linear":
            raise ValueError(
                "with cross_entropy the Sequential must end in a Linear (logits): "
                "nn.CrossEntropyLoss applies the softmax itself"
            )
        activations[-1] = "softmax"
    return layer_sizes, activations, linears


def twin_parameter_names(seq: nn.Sequential, loss: str) -> dict[str, str]:
    """{"0.weight": "W1", "0.bias": "b1", "2.weight": "W2", ...} for a twin Sequential."""
    _, _, linears = _read_sequential(seq, loss)
    names = {}
    for l, (index, _) in enumerate(linears, start=1):
        names[f"{index}.weight"] = f"W{l}"
        names[f"{index}.bias"] = f"b{l}"
    return names


# ---- holding the hand-derived gradients against autograd --------------------------------


class GradientRow(NamedTuple):
    """One parameter's comparison: the largest |difference| of an entry, and the largest
    |difference| / scale, where an entry's scale is the size of the terms summed into it."""

    name: str
    shape: tuple[int, ...]
    max_abs: float
    max_rel: float
    ok: bool


# (atol, rtol) per dtype: an entry passes if |difference| <= atol + rtol * its scale
TOLERANCES: dict[np.dtype, tuple[float, float]] = {
    np.dtype(np.float64): (0.0, 1e-10),  # about 1e6 roundings of 1.1e-16
    np.dtype(np.float32): (0.0, 1e-5),  # about 170 roundings of 6e-8
}


@dataclass
class CompareReport:
    """What ``compare`` found: ``.ok``, ``.rows``, both losses; ``str()`` is a table."""

    rows: list[GradientRow]
    loss_autograd: float
    loss_manual: float
    loss: str
    dtype: np.dtype
    m: int
    atol: float
    rtol: float

    @property
    def loss_ok(self) -> bool:
        difference = abs(self.loss_autograd - self.loss_manual)
        return difference <= self.atol + self.rtol * max(1.0, abs(self.loss_autograd))

    @property
    def ok(self) -> bool:
        return self.loss_ok and all(row.ok for row in self.rows)

    def __str__(self) -> str:
        def verdict(ok: bool) -> str:
            return "PASS" if ok else "FAIL"

        header = ("parameter", "shape", "max_abs", "max_rel", "result")
        table = [header] + [
            (r.name, str(r.shape), f"{r.max_abs:.2e}", f"{r.max_rel:.2e}", verdict(r.ok))
            for r in self.rows
        ]
        widths = [max(len(line[i]) for line in table) for i in range(len(header))]
        lines = [
            f"autograd vs hand-derived backprop: {self.loss} loss, {self.dtype.name}, "
            f"batch of m={self.m}",
            f"tolerance: a row passes if every entry's |diff| <= {self.atol:g} + {self.rtol:g} "
            "* scale",
            "  (scale: the backward pass on absolute values, the size of the terms summed "
            "into the entry;",
            "   max_rel = the largest |diff| / scale)",
            "",
        ]
        for i, line in enumerate(table):
            lines.append("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip())
            if i == 0:
                lines.append("  ".join("-" * width for width in widths))
        difference = abs(self.loss_autograd - self.loss_manual)
        lines += [
            "",
            f"loss: autograd {self.loss_autograd:.12g}  manual {self.loss_manual:.12g}  "
            f"|diff| {difference:.2e}  {verdict(self.loss_ok)}",
            f"overall: {verdict(self.ok)}",
        ]
        return "\n".join(lines)

    def __repr__(self) -> str:
        failed = [row.name for row in self.rows if not row.ok]
        return f"CompareReport(ok={self.ok}, failed={failed}, loss={self.loss!r})"


def _g_prime_size(name: str, Z: Array, A: Array, size_Z: Array) -> Array:
    """|g'(Z)| plus how far it moves when Z moves by the size of its terms, size_Z:
    |g''| size_Z, with g'' = g' (1 - 2A) for sigmoid and -2 A g' for tanh."""
    g_prime = np.abs(ACTIVATIONS[name].g_prime(Z, A))
    if name == "sigmoid":
        return g_prime * (1 + np.abs(1 - 2 * A) * size_Z)
    if name == "tanh":
        return g_prime * (1 + 2 * np.abs(A) * size_Z)
    return g_prime  # relu and linear: g'' = 0


def _term_scales(net: ManualMLP, Y: Array) -> dict[str, Array]:
    """The last backward pass again on absolute values: for each gradient entry, the size
    of the terms summed into it. Rounding errors are relative to this, not to the entry,
    which may be a small difference of large terms (A[L] - Y for a model that fits).

    The forward pass's roundings (autograd sums W A + b in another order) enter as the
    size of the terms of each Z[l] and A[l], which move A[L] and so dZ[L] (and g'(Z[L]) for
    mse). A hidden layer's g'(Z) is taken as computed: bounding how roundings move it, or
    its cancellation near saturation (1 - A² for tanh), would let real errors pass."""
    Z, A = net.cache["Z"], net.cache["A"]
    L, m, n_L = net.L, A[0].shape[1], A[net.L].shape[0]
    # Forward: the size of the terms of Z[l] = W A + b, and of A[l] = g(Z[l]) with them
    size_Z: list[Array | None] = [None]
    size_A = [np.abs(A[0])]
    for l in range(1, L + 1):
        size_Z.append(np.abs(net.params[f"W{l}"]) @ size_A[l - 1] + np.abs(net.params[f"b{l}"]))
        g_prime = ACTIVATIONS[net.activations[l - 1]].g_prime
        if g_prime is None:  # softmax: moves by at most 2 A max_k ΔZ[k] down a column
            size_A.append(np.abs(A[l]) * (1 + 2 * size_Z[l].max(axis=0, keepdims=True)))
        else:
            size_A.append(np.abs(g_prime(Z[l], A[l])) * size_Z[l] + np.abs(A[l]))
    size = size_A[L] + np.abs(Y)  # the terms of A[L] - Y, where every dZ[L] starts
    if net.loss_name == "mse":  # dZ[L] = 2 (A - Y) / n_L * g'(Z[L])
        D = 2 * size / n_L * _g_prime_size(net.activations[-1], Z[L], A[L], size_Z[L])
    elif net.loss_name == "bce":  # sigmoid + bce: dZ[L] = (A - Y) / n_L
        D = size / n_L
    else:  # softmax + cross_entropy: dZ[L] = A Σ_k Y[k] - Y
        D = size_A[L] * np.abs(Y).sum(axis=0, keepdims=True) + np.abs(Y)
    scales = {}
    for l in range(L, 0, -1):
        scales[f"dW{l}"] = D @ size_A[l - 1].T / m
        scales[f"db{l}"] = D.sum(axis=1, keepdims=True) / m
        if l > 1:
            g_prime = ACTIVATIONS[net.activations[l - 2]].g_prime(Z[l - 1], A[l - 1])
            D = (np.abs(net.params[f"W{l}"]).T @ D) * np.abs(g_prime)
    return scales


def _numpy(value: object) -> Array:
    return value.detach().numpy() if isinstance(value, mg.Tensor) else np.asarray(value)


def compare(
    model: nn.Sequential,
    x: object,
    y: object,
    loss: str,
    atol: float | None = None,
    rtol: float | None = None,
) -> CompareReport:
    """Gradients of one batch by autograd and by the hand-derived equations, side by side.

    Args:
        model: a twin Sequential (see ``ManualMLP.from_module``); its dtype is used throughout.
        x: inputs, shape (m, n_0), as the model takes them (Tensor or array).
        y: targets as the nn loss takes them: class indices of shape (m,) (or class
            probabilities (m, n_L)) for "cross_entropy", else the output's shape (m, n_L).
        loss: "bce", "mse" or "cross_entropy" (nn.BCELoss, nn.MSELoss, nn.CrossEntropyLoss).
        atol, rtol: override the dtype's ``TOLERANCES``.

    The model's ``.grad`` attributes are restored afterwards.
    """
    manual = ManualMLP.from_module(model, loss)
    dtype = manual.dtype
    if dtype not in TOLERANCES:
        raise ValueError(f"compare supports float32 and float64 models, got {dtype}")
    default_atol, default_rtol = TOLERANCES[dtype]
    atol = default_atol if atol is None else atol
    rtol = default_rtol if rtol is None else rtol

    x = _numpy(x).astype(dtype)
    y = _numpy(y)
    n_0, n_L = manual.layer_sizes[0], manual.layer_sizes[-1]
    if x.ndim != 2 or x.shape[1] != n_0:
        raise ValueError(f"x must have shape (m, {n_0}), one sample per row, got {x.shape}")
    m = x.shape[0]
    if m == 0:
        raise ValueError("compare needs a batch of at least one sample, got x of shape (0, n_0)")
    if loss == "cross_entropy" and y.ndim == 1:
        # the exception types nn.CrossEntropyLoss raises for such targets
        if y.shape != (m,):
            raise ValueError(f"y must hold m={m} class indices, got shape {y.shape}")
        if y.dtype.kind not in "iu":
            raise RuntimeError(f"y must hold integer class indices, got dtype {y.dtype}")
        if not np.all((y >= 0) & (y < n_L)):
            bad = y[(y < 0) | (y >= n_L)][0]
            raise IndexError(
                f"y: class index {bad} is out of bounds: class indices lie in [0, {n_L})"
            )
        target = mg.tensor(y.astype(np.int64))
        Y = np.eye(n_L, dtype=dtype)[y.astype(np.int64)].T  # one-hot columns
    else:
        if y.shape != (m, n_L):
            indices = " or class indices of shape (m,)" if loss == "cross_entropy" else ""
            raise ValueError(
                f"y must have the model output's shape {(m, n_L)}{indices}, got {y.shape}"
            )
        target = mg.tensor(y.astype(dtype))
        Y = y.astype(dtype).T

    # Autograd, leaving the model's .grad as it was found (frozen parameters are not compared)
    params = {name: p for name, p in model.named_parameters() if p.requires_grad}
    saved_grads = {name: p.grad for name, p in params.items()}
    try:
        for p in params.values():
            p.grad = None
        with mg.enable_grad():
            J = LOSS_MODULES[loss]()(model(mg.tensor(x)), target)
            J.backward()
        autograd_grads = {name: p.grad.numpy().copy() for name, p in params.items()}
        loss_autograd = J.item()
    finally:
        for name, p in params.items():
            p.grad = saved_grads[name]

    # By hand, in the textbook layout: X = xᵀ, one sample per column
    manual.forward(x.T)
    loss_manual = manual.loss(Y)
    manual_grads = manual.backward(Y)
    scales = _term_scales(manual, Y)

    manual_names = twin_parameter_names(model, loss)
    rows = []
    for name, expected in autograd_grads.items():
        key = "d" + manual_names[name]
        got = manual_grads[key].reshape(expected.shape)
        scale = scales[key].reshape(expected.shape)
        difference = np.abs(got - expected)
        # 0 / 0 where both are exactly 0; a subnormal scale may overflow the quotient
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            relative = np.where(difference == 0, 0.0, difference / scale)
        ok = bool(np.all(difference <= atol + rtol * scale))
        rows.append(GradientRow(name, tuple(expected.shape), float(difference.max(initial=0)),
                                float(relative.max(initial=0)), ok))  # fmt: skip
    return CompareReport(rows, loss_autograd, loss_manual, loss, dtype, m, atol, rtol)
