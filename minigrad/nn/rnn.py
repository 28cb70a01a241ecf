"""Recurrent layers, as PyTorch's: the cells ``RNNCell``, ``LSTMCell`` and ``GRUCell``
(one time step) and the sequence layers ``RNN``, ``LSTM`` and ``GRU``.

They are built from the engine's differentiable ops (linear, sigmoid, tanh, mul, add,
chunk, unbind, stack, cat), so autograd derives their backward. Gate order is
PyTorch's, and so are the parameter names and shapes:

    RNN   h' = tanh(W_ih x + b_ih + W_hh h + b_hh)            (or relu)
    LSTM  i, f, g, o = σ, σ, tanh, σ of (W_ih x + b_ih + W_hh h + b_hh)
          c' = f * c + i * g,   h' = o * tanh(c')
    GRU   r, z = σ(W_i{r,z} x + b_i{r,z} + W_h{r,z} h + b_h{r,z})
          n = tanh(W_in x + b_in + r * (W_hn h + b_hn)),   h' = n + z * (h - n)

A sequence layer computes x W_ihᵀ + b_ih for all time steps in one matmul per layer and
direction; only h W_hhᵀ + b_hh and the gates are left in the loop over time. On a
PackedSequence, the loop runs the cell at each step on the sequences still going.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import dtypes
from ..device import check as check_device
from ..engine import PASS, Node, set_outputs, take
from ..factories import _shape, zeros
from ..grad_mode import _mode
from ..ops import cat, expit, relu, sigmoid, stack, tanh
from ..tensor import Tensor
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter
from .utils.rnn import PackedSequence

State = tuple  # (h,) for RNN and GRU, (h, c) for LSTM


# ---- one time step ------------------------------------------------------------------------
# gi is the input's part of the gates, W_ih x + b_ih. A sequence layer computes it for all
# time steps at once and, where the hidden bias is outside every nonlinearity (RNN, LSTM),
# folds b_hh into it too (passing b_hh=None): one bias add per sequence, not per step.


def _rnn_tanh_step(gi: Tensor, state: State, w_hh: Tensor, b_hh: Tensor | None) -> State:
    return (tanh(F.linear(state[0], w_hh, b_hh) + gi),)


def _rnn_relu_step(gi: Tensor, state: State, w_hh: Tensor, b_hh: Tensor | None) -> State:
    return (relu(F.linear(state[0], w_hh, b_hh) + gi),)


def _lstm_ops(gi: Tensor, state: State, w_hh: Tensor, b_hh: Tensor | None) -> State:
    """One LSTM step op by op, as PyTorch's LSTMCell records it on a CPU."""
    h, c = state
    i, f, g, o = (F.linear(h, w_hh, b_hh) + gi).chunk(4, 1)
    c = sigmoid(f) * c + sigmoid(i) * tanh(g)
    return sigmoid(o) * tanh(c), c


_FUSED = (np.dtype(np.float32), np.dtype(np.float64))  # the dtypes of the fused LSTM cell


def _lstm_step(gi: Tensor, state: State, w_hh: Tensor, b_hh: Tensor | None) -> State:
    """One step of an LSTM layer as one node with two outputs, h' and c' (PyTorch's LSTM
    layer is one node; its fused cell's name is taken):
    i, f, g, o = σ, σ, tanh, σ of the four blocks of  a = h W_hhᵀ (+ b_hh) + gi;
    c' = f c + i g,   h' = o tanh c'.
    Backward, from dh' and dc' (either may be absent), each step as the VJP of the op
    it undoes, in the order those ops' VJPs take:
    dc = dc' + dh' o (1 - tanh² c'),  do = dh' tanh c',  di = dc g,  df = dc c,  dg = dc i;
    da = [di i (1 - i), df f (1 - f), dg (1 - g²), do o (1 - o)];
    d gi = da,  dh = da W_hh,  dc_prev = dc f,  dW_hh = daᵀ h,  db_hh = Σ_rows da."""
    h, c = state
    H, W = h.data, w_hh.data
    arrays = (c.data, gi.data, W) + (() if b_hh is None else (b_hh.data,))
    if H.ndim != 2 or H.dtype not in _FUSED or any(x.dtype != H.dtype for x in arrays):
        # PyTorch's errors, and its float16 roundings (it adds the bias in float32): the ops
        return _lstm_ops(gi, state, w_hh, b_hh)
    a = H @ W.T
    if b_hh is not None:
        a += b_hh.data
    a = a + gi.data
    n = a.shape[1] // 4
    s = expit(a)  # (one call over all four blocks; g's is not used)
    i, f, o = s[:, :n], s[:, n : 2 * n], s[:, 3 * n :]
    g = np.tanh(a[:, 2 * n : 3 * n])
    C = c.data
    c_new = f * C + i * g
    tc = np.tanh(c_new)
    outs = (Tensor._new(o * tc), Tensor._new(c_new))
    inputs = (gi, h, c, w_hh, b_hh)
    needs = [isinstance(x, Tensor) and x._requires_grad for x in inputs]
    if not (_mode.enabled and any(needs)):
        return outs
    slots: list = [None, None]
    da: list = [None, None]  # (da, dc) of the pass under way

    def grads() -> tuple:
        if slots[0] is not None or slots[1] is not None:  # a new pass: the outputs' g
            dh_new, dc = take(slots)
            do = np.zeros_like(o)
            if dh_new is not None:
                do = dh_new * tc
                via_h = (dh_new * o) * (1 - tc * tc)
                dc = via_h if dc is None else dc + via_h
            blocks = (dc * g * (1 - i) * i, dc * C * (1 - f) * f, dc * i * (1 - g * g),
                      do * (1 - o) * o)  # fmt: skip
            da[:] = np.concatenate(blocks, 1), dc
        return da

    vjps = (
        lambda _: grads()[0],
        lambda _: grads()[0] @ W,
        lambda _: grads()[1] * f,
        lambda _: grads()[0].T @ H,
        lambda _: np.add.reduce(grads()[0], 0),
    )
    vjps = tuple(v if need else None for v, need in zip(vjps, needs))
    sources = [x._node or x if isinstance(x, Tensor) else None for x in inputs]
    saved = tuple(x for x in (h, c, w_hh) if isinstance(x, Tensor))
    node = Node("ThnnFusedLstmCell", sources, vjps, saved, None, PASS.shape, PASS.dtype)
    set_outputs(node, outs, slots)
    return outs


def _gru_step(gi: Tensor, state: State, w_hh: Tensor, b_hh: Tensor | None) -> State:
    h = state[0]
    i_r, i_z, i_n = gi.chunk(3, 1)
    h_r, h_z, h_n = F.linear(h, w_hh, b_hh).chunk(3, 1)
    r = sigmoid(h_r + i_r)
    z = sigmoid(h_z + i_z)
    n = tanh(i_n + r * h_n)
    return ((h - n) * z + n,)  # (1 - z) * n + z * h, in PyTorch's order


_STEPS: dict[str, Callable] = {  # a sequence layer's steps
    "RNN_TANH": _rnn_tanh_step,
    "RNN_RELU": _rnn_relu_step,
    "LSTM": _lstm_step,
    "GRU": _gru_step,
}
_CELL_STEPS = {**_STEPS, "LSTM": _lstm_ops}  # a cell's: PyTorch's LSTMCell records the ops


def _input_gates(mode: str, x: Tensor, w_ih: Tensor, b_ih: Tensor | None,
                 b_hh: Tensor | None) -> tuple:  # fmt: skip
    """W_ih x + b_ih for all time steps of x (T, B, input_size), with b_hh folded in where
    the step allows (one bias b_ih + b_hh, as PyTorch's oneDNN LSTM layer takes it); and
    the hidden bias the step still has to add."""
    if mode == "GRU" or b_hh is None:
        return F.linear(x, w_ih, b_ih), b_hh
    return F.linear(x, w_ih, b_hh if b_ih is None else b_ih + b_hh), None


_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


# ---- cells -------------------------------------------------------------------------------


class RNNCellBase(Module):
    """The parameters of one cell: ``weight_ih`` (gates * hidden, input), ``weight_hh``
    (gates * hidden, hidden) and, with ``bias``, ``bias_ih`` and ``bias_hh`` (gates * hidden,),
    all drawn from U(±1/sqrt(hidden_size)) as PyTorch does."""

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool, num_chunks: int,
        device: Any = None, dtype: Any = None,
    ) -> None:  # fmt: skip
        super().__init__()
        check_device(device)
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        dtype = dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)
        gates = num_chunks * hidden_size
        self.weight_ih = Parameter(
            np.empty(_shape(((gates, input_size),), op=type(self).__name__), dtype)
        )
        self.weight_hh = Parameter(
            np.empty(_shape(((gates, hidden_size),), op=type(self).__name__), dtype)
        )
        if bias:
            self.bias_ih = Parameter(np.empty(gates, dtype))
            self.bias_hh = Parameter(np.empty(gates, dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw every parameter from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        _reset(self, self.hidden_size)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        nonlinearity = self.__dict__.get("nonlinearity", "tanh")
        if nonlinearity != "tanh":
            s += f", nonlinearity={nonlinearity}"
        return s

    def _batched(self, input: Tensor, hx: tuple, names: tuple) -> tuple:
        """PyTorch's checks, then input (B, input_size) and each of hx (B, hidden_size)
        (zeros where hx is None); and whether the input had a batch dimension."""
        name = type(self).__name__
        if input.dim() not in (1, 2):
            raise ValueError(
                f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead (input of "
                f"shape {tuple(input.shape)})"
            )
        for h, what in zip(hx, names):
            if h is not None and h.dim() not in (1, 2):
                raise ValueError(f"{name}: Expected {what} to be 1D or 2D, got {h.dim()}D instead")
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
        B, n_in = input.shape
        if n_in != self.input_size:
            raise RuntimeError(
                f"{name}: input has inconsistent input_size: got {n_in} expected "
                f"{self.input_size} (input of shape {tuple(input.shape)})"
            )
        states = []
        for i, h in enumerate(hx):
            if h is None:
                states.append(zeros(B, self.hidden_size, dtype=input.dtype))
                continue
            if not batched:
                h = h.unsqueeze(0)
            if h.shape[0] != B:
                raise RuntimeError(
                    f"{name}: Input batch size {B} doesn't match hidden{i} batch size {h.shape[0]}"
                )
            if h.dim() < 2:
                raise IndexError(
                    f"{name}: hidden{i} of shape {tuple(h.shape)} has no hidden dimension: "
                    "Dimension out of range (expected to be in range of [-1, 0], but got 1)"
                )
            if h.shape[1] != self.hidden_size:
                raise RuntimeError(
                    f"{name}: hidden{i} has inconsistent hidden_size: got {h.shape[1]}, "
                    f"expected {self.hidden_size}"
                )
            if h.dim() != 2:  # a 2-D hx beside a 1-D input
                raise RuntimeError(
                    f"{name}: hidden{i} of shape {tuple(h.shape)[1:]} does not fit the "
                    f"unbatched input: expected ({self.hidden_size},)"
                )
            states.append(h)
        return input, tuple(states), batched

    def _step(self, mode: str, input: Tensor, state: State) -> State:
        gi = F.linear(input, self.weight_ih, self.bias_ih)
        return _CELL_STEPS[mode](gi, state, self.weight_hh, self.bias_hh)


class RNNCell(RNNCellBase):
    """An Elman RNN cell: h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu).

    Input (B, input_size) or (input_size,), hx the same with hidden_size (zeros if None);
    returns h' shaped as hx.
    """

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
        device: Any = None, dtype: Any = None,
    ) -> None:  # fmt: skip
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        input, state, batched = self._batched(input, (hx,), ("hidden",))
        if self.nonlinearity not in ("tanh", "relu"):
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        mode = "RNN_TANH" if self.nonlinearity == "tanh" else "RNN_RELU"
        (h,) = self._step(mode, input, state)
        return h if batched else h.squeeze(0)


class LSTMCell(RNNCellBase):
    """A long short-term memory cell: gates i, f, g, o = σ, σ, tanh, σ of
    (W_ih x + b_ih + W_hh h + b_hh);  c' = f * c + i * g,  h' = o * tanh(c').

    Input (B, input_size) or (input_size,), hx a pair (h, c) shaped (B, hidden_size) or
    (hidden_size,) (zeros if None); returns (h', c').
    """

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
        dtype: Any = None,
    ) -> None:  # fmt: skip
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input: Tensor, hx: tuple | None = None) -> tuple:
        hx = (None, None) if hx is None else tuple(hx)
        input, state, batched = self._batched(input, hx, ("hx[0]", "hx[1]"))
        h, c = self._step("LSTM", input, state)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """A gated recurrent unit: r, z = σ(W_i{r,z} x + b_i{r,z} + W_h{r,z} h + b_h{r,z}),
    n = tanh(W_in x + b_in + r * (W_hn h + b_hn)),  h' = (1 - z) * n + z * h.

    Input (B, input_size) or (input_size,), hx the same with hidden_size (zeros if None).
    """

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
        dtype: Any = None,
    ) -> None:  # fmt: skip
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        input, state, batched = self._batched(input, (hx,), ("hidden",))
        (h,) = self._step("GRU", input, state)
        return h if batched else h.squeeze(0)


def _reset(module: Module, hidden_size: int) -> None:
    bound = 1.0 / math.sqrt(hidden_size) if hidden_size > 0 else 0
    for weight in module.parameters():
        init.uniform_(weight, -bound, bound)


# ---- sequence layers ---------------------------------------------------------------------


class RNNBase(Module):
    """Stacked, optionally bidirectional recurrent layers over a whole sequence.

    Layer l, direction d has ``weight_ih_l{l}``, ``weight_hh_l{l}``, ``bias_ih_l{l}``,
    ``bias_hh_l{l}`` (suffix ``_reverse`` for d = 1), as PyTorch names them. Input
    (T, B, input_size), or (B, T, input_size) with ``batch_first``, or unbatched
    (T, input_size); output (T, B, D * hidden_size) in the same layout, and the final
    states (num_layers * D, B, hidden_size). Between layers, dropout when training.
    An LSTM with ``proj_size`` P > 0 projects each step's h to P by ``weight_hr_l{l}``
    (P, hidden_size), as PyTorch's: its output and h are of size P, c of hidden_size.
    The input may be a ``PackedSequence`` (``batch_first`` then does not apply): the output
    is packed as it, and each sequence's final state is the one at its own last step.
    """

    def __init__(
        self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
        bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
        bidirectional: bool = False, proj_size: int = 0, device: Any = None, dtype: Any = None,
    ) -> None:  # fmt: skip
        super().__init__()
        check_device(device)
        if (
            not isinstance(dropout, numbers.Number)
            or isinstance(dropout, bool)
            or not 0 <= dropout <= 1
        ):
            raise ValueError(
                "dropout should be a number in range [0, 1] representing the probability of "
                "an element being zeroed"
            )
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero "
                f"dropout expects num_layers greater than 1, but got dropout={dropout} and "
                f"num_layers={num_layers}",
                stacklevel=3,
            )
        for arg, value in (("bias", bias), ("batch_first", batch_first)):
            if not isinstance(value, bool):
                raise TypeError(f"{arg} should be of type bool, got: {type(value).__name__}")
        for arg, value in (("input_size", input_size), ("hidden_size", hidden_size)):
            if not isinstance(value, int):
                raise TypeError(f"{arg} should be of type int, got: {type(value).__name__}")
            if value <= 0:
                raise ValueError(f"{arg} must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError(
                "proj_size should be a positive integer or zero to disable projections"
            )
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        dtype = dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)
        gates = _GATES[mode] * hidden_size
        directions = 2 if bidirectional else 1
        out_size = proj_size or hidden_size  # of h: an LSTM with proj_size projects h
        self._flat_weights_names: list[str] = []
        self._all_weights: list[list[str]] = []
        for layer in range(num_layers):
            n_in = input_size if layer == 0 else out_size * directions
            for direction in range(directions):
                suffix = "_reverse" if direction == 1 else ""
                shapes = {"weight_ih": (gates, n_in), "weight_hh": (gates, out_size)}
                if bias:
                    shapes.update(bias_ih=(gates,), bias_hh=(gates,))
                if proj_size:
                    shapes["weight_hr"] = (proj_size, hidden_size)
                names = []
                for kind, shape in shapes.items():
                    name = f"{kind}_l{layer}{suffix}"
                    setattr(self, name, Parameter(np.empty(shape, dtype)))
                    names.append(name)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw every parameter from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        _reset(self, self.hidden_size)

    def flatten_parameters(self) -> None:
        """Nothing to do: PyTorch packs the weights for cuDNN here."""

    @property
    def _flat_weights(self) -> list[Parameter]:
        """The parameters in ATen's flat order (what ``torch.lstm`` & co. take), as PyTorch's."""
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters of each layer and direction, in PyTorch's order."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    def _forward(self, input: Tensor | PackedSequence, hx: tuple | None) -> tuple:
        """The layers over ``input`` (2-D or 3-D, or packed) from the states ``hx`` (a tuple
        of tensors, each 2-D or 3-D as the input, or None for zeros): (output, final states)."""
        name = "RNN" if self.mode.startswith("RNN") else self.mode
        if isinstance(input, PackedSequence):
            return self._packed(name, input, hx)
        if input.dim() not in (2, 3):
            got = f"{input.dim()}D tensor" if name == "RNN" else f"{input.dim()}D"
            raise ValueError(
                f"{name}: Expected input to be 2D or 3D, got {got} instead (input of shape "
                f"{tuple(input.shape)})"
            )
        batched = input.dim() == 3
        shape = tuple(input.shape)
        if hx is not None:
            want = 3 if batched else 2
            if any(h.dim() != want for h in hx):
                kind = "batched 3-D" if batched else "unbatched 2-D"
                if len(hx) == 1:
                    what, got = "hx", f"{hx[0].dim()}-D tensor"
                else:
                    what, got = "hx and cx", f"({hx[0].dim()}-D, {hx[1].dim()}-D) tensors"
                raise RuntimeError(
                    f"{name}: For {kind} input, {what} should also be {want}-D but got {got}"
                )
            if not batched:
                hx = tuple(h.unsqueeze(1) for h in hx)
        batch_dim = 0 if self.batch_first else 1
        if not batched:
            input = input.unsqueeze(batch_dim)
        x = input.transpose(0, 1) if self.batch_first else input
        self._check(name, x, hx, shape, x.shape[1])
        out, states = self._layers(x, hx)
        if self.batch_first:
            out = out.transpose(0, 1)
        if not batched:
            return out.squeeze(batch_dim), tuple(s.squeeze(1) for s in states)
        return out, states

    def _check(self, name: str, x: Tensor, hx: tuple | None, shape: tuple, B: int) -> None:
        """PyTorch's checks of the input (of the given shape, x (T, B, input_size) now, or
        packed (N, input_size)) and of the states, for a batch of B."""
        weight = self.weight_ih_l0
        if x.dtype != weight.dtype:
            raise ValueError(
                f"{name} input dtype (torch.{x.dtype}) does not match weight dtype "
                f"(torch.{weight.dtype}). Convert input: input.to(torch.{weight.dtype}), or "
                f"convert model: model.to(torch.{x.dtype})"
            )
        if x.shape[-1] != self.input_size:
            raise RuntimeError(
                f"{name}: input.size(-1) must be equal to input_size. Expected "
                f"{self.input_size}, got {x.shape[-1]} (input of shape {shape})"
            )
        if x.shape[0] == 0:
            raise RuntimeError(f"{name}: Expected sequence length to be larger than 0 in RNN")
        sizes = (self.proj_size or self.hidden_size, self.hidden_size)  # of h, of c
        for i, h in enumerate(hx or ()):
            which = f"[{i}]" if len(hx) > 1 else ""
            expected = ((2 if self.bidirectional else 1) * self.num_layers, B, sizes[i])
            if tuple(h.shape) != expected:
                raise RuntimeError(
                    f"{name}: Expected hidden{which} size {expected}, got {list(h.shape)}"
                )
            if h.dtype != x.dtype:
                raise RuntimeError(
                    f"{name}: hidden{which} dtype torch.{h.dtype} does not match input dtype "
                    f"torch.{x.dtype}"
                )

    def _direction_weights(self, k: int) -> tuple:
        """(w_ih, w_hh, w_hr, b_ih, b_hh) of layer-direction k (None for those it lacks)."""
        w_ih, w_hh, *rest = self.all_weights[k]
        w_hr = rest.pop() if self.proj_size else None
        b_ih, b_hh = rest if rest else (None, None)
        return w_ih, w_hh, w_hr, b_ih, b_hh

    def _layers(self, x: Tensor, hx: tuple | None) -> tuple:
        """x (T, B, input_size), hx a tuple of (L * D, B, H) or None: the output
        (T, B, D * H) and the final states, each (L * D, B, H) (h's H is proj_size if set:
        each step's h is projected, h ← W_hr h)."""
        step = _STEPS[self.mode]
        n_states = 2 if self.mode == "LSTM" else 1
        T, B = x.shape[:2]
        directions = 2 if self.bidirectional else 1
        starts = None if hx is None else [h.unbind(0) for h in hx]
        finals = []
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                k = layer * directions + direction
                w_ih, w_hh, w_hr, b_ih, b_hh = self._direction_weights(k)
                gi, b_hh = _input_gates(self.mode, x, w_ih, b_ih, b_hh)
                gis = gi.unbind(0)  # its T steps (one node; its backward is linear in T)
                if starts is None:
                    sizes = (self.proj_size or self.hidden_size, self.hidden_size)[:n_states]
                    state = tuple(zeros(B, size, dtype=x.dtype) for size in sizes)
                else:
                    state = tuple(s[k] for s in starts)
                hs: list = [None] * T
                for t in reversed(range(T)) if direction else range(T):
                    state = step(gis[t], state, w_hh, b_hh)
                    if w_hr is not None:
                        state = (F.linear(state[0], w_hr), state[1])
                    hs[t] = state[0]
                outputs.append(stack(hs, 0))
                finals.append(state)
            x = outputs[0] if directions == 1 else cat(outputs, 2)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, True)
        return x, tuple(stack([f[i] for f in finals], 0) for i in range(n_states))

    def _packed(self, name: str, input: PackedSequence, hx: tuple | None) -> tuple:
        """The layers over a PackedSequence: (packed output, final states). hx and the
        final states are in the caller's batch order, as PyTorch's."""
        data, batch_sizes, sorted_indices, unsorted_indices = input
        if data.dim() != 2:
            raise RuntimeError(
                f"{name}: input must have 2 dimensions, got {data.dim()} (packed data of "
                f"shape {tuple(data.shape)})"
            )
        if hx is not None and sorted_indices is not None:
            hx = tuple(h.index_select(1, sorted_indices) for h in hx)
        sizes = [int(b) for b in batch_sizes.data]
        if self.mode == "LSTM":  # PyTorch's LSTM leaves these to its kernels: other types
            if data.dtype != self.weight_ih_l0.dtype:
                raise RuntimeError(
                    f"LSTM: mat1 and mat2 must have the same dtype, but got {data.dtype} (input) "
                    f"and {self.weight_ih_l0.dtype} (weights)"
                )
            for h in hx or ():
                if h.dim() != 3:
                    raise IndexError(
                        f"LSTM: states of shape {tuple(h.shape)} for a packed input: Dimension "
                        "out of range (expected 3-D)"
                    )
        self._check(name, data, hx, tuple(data.shape), sizes[0])
        out, states = self._packed_layers(data, sizes, hx)
        if unsorted_indices is not None:
            states = tuple(s.index_select(1, unsorted_indices) for s in states)
        return PackedSequence(out, batch_sizes, sorted_indices, unsorted_indices), states

    def _packed_layers(self, x: Tensor, sizes: list, hx: tuple | None) -> tuple:
        """``_layers`` over packed x (N, input_size), the rows of step t being its first
        sizes[t] sequences: the packed output (N, D * H) and the final states, each
        (L * D, B, H). The cell runs on the batch still going: forward, it shrinks, and a
        sequence's final state is its state at its last step; backward, it grows, each
        sequence starting from its own initial state at its last step."""
        step = _STEPS[self.mode]
        n_states = 2 if self.mode == "LSTM" else 1
        B, T = sizes[0], len(sizes)
        directions = 2 if self.bidirectional else 1
        starts = None if hx is None else [h.unbind(0) for h in hx]
        finals = []
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                k = layer * directions + direction
                w_ih, w_hh, w_hr, b_ih, b_hh = self._direction_weights(k)
                gi, b_hh = _input_gates(self.mode, x, w_ih, b_ih, b_hh)
                gis = gi.split(sizes)  # the rows of each step (one node)
                if starts is None:
                    widths = (self.proj_size or self.hidden_size, self.hidden_size)[:n_states]
                    start = tuple(zeros(B, size, dtype=x.dtype) for size in widths)
                else:
                    start = tuple(s[k] for s in starts)
                state = tuple(s[: sizes[-1]] for s in start) if direction else start
                ended: list = []  # the final states of the sequences already ended
                hs: list = [None] * T
                for t in reversed(range(T)) if direction else range(T):
                    b, n = sizes[t], state[0].shape[0]
                    if b < n:
                        ended.append(tuple(s[b:] for s in state))
                        state = tuple(s[:b] for s in state)
                    elif b > n:
                        state = tuple(cat([s, s0[n:b]]) for s, s0 in zip(state, start))
                    state = step(gis[t], state, w_hh, b_hh)
                    if w_hr is not None:
                        state = (F.linear(state[0], w_hr), state[1])
                    hs[t] = state[0]
                outputs.append(cat(hs, 0))
                ended.append(state)  # the longest sequences', ended last: rows first
                finals.append(tuple(cat([e[i] for e in reversed(ended)]) for i in range(n_states)))
            x = outputs[0] if directions == 1 else cat(outputs, 1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, True)
        return x, tuple(stack([f[i] for f in finals], 0) for i in range(n_states))


class RNN(RNNBase):
    """An Elman RNN over a sequence: h_t = tanh(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh)
    (or relu), for each layer and direction. ``rnn(input, h_0)`` returns (output, h_n)."""

    def __init__(
        self, input_size: int, hidden_size: int, num_layers: int = 1,
        nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
        dropout: float = 0.0, bidirectional: bool = False, device: Any = None,
        dtype: Any = None, *, proj_size: int = 0,
    ) -> None:  # fmt: skip
        modes = {"tanh": "RNN_TANH", "relu": "RNN_RELU"}
        if nonlinearity not in modes:
            raise ValueError(
                f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'."
            )
        self.nonlinearity = nonlinearity
        super().__init__(
            modes[nonlinearity], input_size, hidden_size, num_layers, bias, batch_first,
            dropout, bidirectional, proj_size, device=device, dtype=dtype,
        )  # fmt: skip

    def forward(self, input: Tensor, hx: Tensor | None = None) -> tuple:
        out, (h,) = self._forward(input, None if hx is None else (hx,))
        return out, h


class LSTM(RNNBase):
    """A multi-layer LSTM over a sequence (the gates of ``LSTMCell`` at each step).
    ``lstm(input, (h_0, c_0))`` returns (output, (h_n, c_n))."""

    def __init__(
        self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
        batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
        proj_size: int = 0, device: Any = None, dtype: Any = None,
    ) -> None:  # fmt: skip
        super().__init__(
            "LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout,
            bidirectional, proj_size, device, dtype,
        )  # fmt: skip

    def forward(self, input: Tensor, hx: tuple | None = None) -> tuple:
        out, (h, c) = self._forward(input, None if hx is None else tuple(hx))
        return out, (h, c)


class GRU(RNNBase):
    """A multi-layer GRU over a sequence (the gates of ``GRUCell`` at each step).
    ``gru(input, h_0)`` returns (output, h_n)."""

    def __init__(
        self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
        batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
        device: Any = None, dtype: Any = None, *, proj_size: int = 0,
    ) -> None:  # fmt: skip
        super().__init__(
            "GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout,
            bidirectional, proj_size, device=device, dtype=dtype,
        )  # fmt: skip

    def forward(self, input: Tensor, hx: Tensor | None = None) -> tuple:
        out, (h,) = self._forward(input, None if hx is None else (hx,))
        return out, h
