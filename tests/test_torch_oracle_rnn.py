# ruff: noqa: E501 - the programs are data, one per line
"""The recurrent layers against PyTorch: RNNCell, LSTMCell, GRUCell, RNN, LSTM and GRU.

Each minigrad layer gets the torch layer's weights through ``load_state_dict``; then the
outputs, the final states and the gradients of the input, of h0 / c0 and of every
parameter must match, in float64 (tight) and float32 (rtol 1e-5). The loss weights every
output element differently, so a wrong gate order or a swapped direction cannot cancel.
"""

import re

import numpy as np
import pytest
from test_torch_oracle_autograd import test_program_matches_pytorch as _matches_pytorch
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

TOL = {
    np.float64: {"rtol": 1e-10, "atol": 1e-12},
    np.float32: {"rtol": 1e-5, "atol": 1e-6},
}
TORCH_DTYPE = {np.float64: torch.float64, np.float32: torch.float32}

# kind -> (torch class, minigrad class, extra constructor arguments, has a cell state)
SEQUENCE = {
    "rnn_tanh": ("RNN", {}, False),
    "rnn_relu": ("RNN", {"nonlinearity": "relu"}, False),
    "lstm": ("LSTM", {}, True),
    "gru": ("GRU", {}, False),
}
CELLS = {
    "rnn_tanh": ("RNNCell", {}, False),
    "rnn_relu": ("RNNCell", {"nonlinearity": "relu"}, False),
    "lstm": ("LSTMCell", {}, True),
    "gru": ("GRUCell", {}, False),
}


def _pair(name, *args, dtype=np.float64, seed=0, **kwargs):
    """The torch layer (seeded) and a minigrad layer holding copies of its weights."""
    torch.manual_seed(seed)
    t_layer = getattr(torch.nn, name)(*args, dtype=TORCH_DTYPE[dtype], **kwargs)
    m_layer = getattr(mg.nn, name)(*args, dtype=dtype, **kwargs)
    t_state = t_layer.state_dict()
    m_state = m_layer.state_dict()
    assert list(m_state) == list(t_state)
    assert [tuple(v.shape) for v in m_state.values()] == [tuple(v.shape) for v in t_state.values()]
    result = m_layer.load_state_dict({k: mg.tensor(v.numpy().copy()) for k, v in t_state.items()})
    assert not result.missing_keys and not result.unexpected_keys
    return t_layer, m_layer


def _leaf(array):
    return torch.tensor(array, requires_grad=True), mg.tensor(array, requires_grad=True)


def _close(got, expected, dtype, what):
    got = got.detach().numpy() if isinstance(got, mg.Tensor) else got
    expected = expected.detach().numpy()
    assert got.dtype == expected.dtype, what
    assert got.shape == expected.shape, what
    np.testing.assert_allclose(got, expected, err_msg=what, **TOL[dtype])


def _flat(value):
    """The tensors of an output: a tensor, or nested tuples of them, in order."""
    if isinstance(value, tuple):
        return [t for v in value for t in _flat(v)]
    return [value]


def _run_both(t_layer, m_layer, x, states, dtype, seed=1):
    """Forward both layers on x (and the given states, or none), backward a loss that
    weights each output element by its own random coefficient, and compare everything."""
    rng = np.random.default_rng(seed)
    tx, mx = _leaf(x.astype(dtype))
    t_states = m_states = None
    t_leaves, m_leaves = [tx], [mx]
    if states is not None:
        pairs = [_leaf(s.astype(dtype)) for s in states]
        t_leaves += [p[0] for p in pairs]
        m_leaves += [p[1] for p in pairs]
        if len(pairs) == 1:
            t_states, m_states = pairs[0]
        else:
            t_states, m_states = tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)
    t_out = t_layer(tx) if states is None else t_layer(tx, t_states)
    m_out = m_layer(mx) if states is None else m_layer(mx, m_states)
    t_flat, m_flat = _flat(t_out), _flat(m_out)
    assert len(m_flat) == len(t_flat)
    t_loss, m_loss = 0, 0
    for i, (t, m) in enumerate(zip(t_flat, m_flat)):
        _close(m, t, dtype, f"output {i}")
        w = rng.standard_normal(tuple(t.shape)).astype(dtype)
        t_loss = t_loss + (t * torch.tensor(w)).sum()
        m_loss = m_loss + (m * mg.tensor(w)).sum()
    t_loss.backward()
    m_loss.backward()
    for i, (t, m) in enumerate(zip(t_leaves, m_leaves)):
        _close(m.grad, t.grad, dtype, f"gradient of input {i}")
    m_params = dict(m_layer.named_parameters())
    assert list(m_params) == [n for n, _ in t_layer.named_parameters()]
    for name, p in t_layer.named_parameters():
        _close(m_params[name].grad, p.grad, dtype, f"gradient of {name}")


def _states(kind, table, shape, seed=2):
    rng = np.random.default_rng(seed)
    n = 2 if table[kind][2] else 1
    return [rng.standard_normal(shape) for _ in range(n)]


# ---- cells ------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("given", [True, False], ids=["hx", "no_hx"])
@pytest.mark.parametrize("batched", [True, False], ids=["batched", "unbatched"])
@pytest.mark.parametrize("kind", list(CELLS))
def test_cell_matches_pytorch(kind, batched, given, bias, dtype):
    name, extra, _ = CELLS[kind]
    t_cell, m_cell = _pair(name, 3, 5, bias=bias, dtype=dtype, **extra)
    batch = (4,) if batched else ()
    x = np.random.default_rng(0).standard_normal(batch + (3,))
    states = _states(kind, CELLS, batch + (5,)) if given else None
    _run_both(t_cell, m_cell, x, states, dtype)


@pytest.mark.parametrize("kind", list(CELLS))
def test_cell_stepped_over_a_sequence_matches_pytorch(kind):
    """The cell applied 6 times, feeding its state back: gradients through time."""
    name, extra, lstm = CELLS[kind]
    t_cell, m_cell = _pair(name, 3, 4, **extra)
    rng = np.random.default_rng(3)
    tx, mx = _leaf(rng.standard_normal((6, 2, 3)))
    th, mh = None, None
    t_outs, m_outs = [], []
    for t in range(6):
        th, mh = t_cell(tx[t], th), m_cell(mx[t], mh)
        t_outs.append(th[0] if lstm else th)
        m_outs.append(mh[0] if lstm else mh)
    w = rng.standard_normal((6, 2, 4))
    (torch.stack(t_outs) * torch.tensor(w)).sum().backward()
    (mg.stack(m_outs) * mg.tensor(w)).sum().backward()
    _close(mg.stack(m_outs), torch.stack(t_outs), np.float64, "outputs")
    _close(mx.grad, tx.grad, np.float64, "input gradient")
    for n, p in t_cell.named_parameters():
        _close(getattr(m_cell, n).grad, p.grad, np.float64, n)


# ---- sequence layers ---------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("given", [True, False], ids=["h0", "no_h0"])
@pytest.mark.parametrize("batch_first", [False, True], ids=["seq_first", "batch_first"])
@pytest.mark.parametrize("bidirectional", [False, True], ids=["uni", "bi"])
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("kind", list(SEQUENCE))
def test_sequence_layer_matches_pytorch(kind, num_layers, bidirectional, batch_first, given, dtype):
    name, extra, _ = SEQUENCE[kind]
    t_layer, m_layer = _pair(
        name, 3, 4, num_layers=num_layers, bidirectional=bidirectional,
        batch_first=batch_first, dtype=dtype, **extra,
    )  # fmt: skip
    T, B = 5, 2
    x = np.random.default_rng(0).standard_normal((B, T, 3) if batch_first else (T, B, 3))
    D = 2 if bidirectional else 1
    states = _states(kind, SEQUENCE, (num_layers * D, B, 4)) if given else None
    _run_both(t_layer, m_layer, x, states, dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("given", [True, False], ids=["h0", "no_h0"])
@pytest.mark.parametrize("kind", list(SEQUENCE))
def test_sequence_layer_without_bias_matches_pytorch(kind, given, dtype):
    name, extra, _ = SEQUENCE[kind]
    t_layer, m_layer = _pair(
        name, 3, 4, num_layers=2, bidirectional=True, bias=False, dtype=dtype, **extra
    )
    assert not [n for n in m_layer.state_dict() if n.startswith("bias")]
    x = np.random.default_rng(0).standard_normal((5, 2, 3))
    states = _states(kind, SEQUENCE, (4, 2, 4)) if given else None
    _run_both(t_layer, m_layer, x, states, dtype)


@pytest.mark.parametrize("given", [True, False], ids=["h0", "no_h0"])
@pytest.mark.parametrize("batch_first", [False, True], ids=["seq_first", "batch_first"])
@pytest.mark.parametrize("bidirectional", [False, True], ids=["uni", "bi"])
@pytest.mark.parametrize("kind", list(SEQUENCE))
def test_unbatched_sequence_matches_pytorch(kind, bidirectional, batch_first, given):
    """Input (L, H_in) and states (num_layers * D, H): PyTorch's unbatched form."""
    name, extra, _ = SEQUENCE[kind]
    t_layer, m_layer = _pair(
        name, 3, 4, num_layers=2, bidirectional=bidirectional, batch_first=batch_first,
        **extra,
    )  # fmt: skip
    x = np.random.default_rng(0).standard_normal((5, 3))
    D = 2 if bidirectional else 1
    states = _states(kind, SEQUENCE, (2 * D, 4)) if given else None
    _run_both(t_layer, m_layer, x, states, np.float64)


@pytest.mark.parametrize("kind", list(SEQUENCE))
def test_long_sequence_and_wider_layers_match_pytorch(kind):
    name, extra, _ = SEQUENCE[kind]
    t_layer, m_layer = _pair(name, 7, 9, num_layers=3, bidirectional=True, **extra)
    x = np.random.default_rng(5).standard_normal((30, 3, 7))
    _run_both(t_layer, m_layer, x, None, np.float64)


@pytest.mark.parametrize("kind", list(SEQUENCE))
def test_inter_layer_dropout_matches_pytorch_when_it_is_deterministic(kind):
    """dropout=1 zeroes the input of layer 2 in training (deterministic); in eval mode
    dropout is off. Both must match PyTorch, and differ from each other."""
    name, extra, _ = SEQUENCE[kind]
    t_layer, m_layer = _pair(name, 3, 4, num_layers=2, dropout=1.0, **extra)
    x = np.random.default_rng(0).standard_normal((5, 2, 3))
    _run_both(t_layer, m_layer, x, None, np.float64)
    trained = m_layer(mg.tensor(x))[0].detach().numpy()
    t_layer.eval()
    m_layer.eval()
    _run_both(t_layer, m_layer, x, None, np.float64)
    assert not np.allclose(m_layer(mg.tensor(x))[0].detach().numpy(), trained)


def test_lstm_of_batch_zero_matches_pytorch():
    t_layer, m_layer = _pair("LSTM", 3, 4, num_layers=2)
    x = np.zeros((5, 0, 3))
    t_out, (t_h, t_c) = t_layer(torch.tensor(x))
    m_out, (m_h, m_c) = m_layer(mg.tensor(x))
    for m, t in ((m_out, t_out), (m_h, t_h), (m_c, t_c)):
        _close(m, t, np.float64, "shape")


@pytest.mark.parametrize("kind", list(SEQUENCE))
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("bias", [True, False])
def test_parameter_names_and_shapes_match_pytorch(kind, num_layers, bidirectional, bias):
    name, extra, _ = SEQUENCE[kind]
    t_layer = getattr(torch.nn, name)(
        5, 6, num_layers, bias=bias, bidirectional=bidirectional, **extra
    )
    m_layer = getattr(mg.nn, name)(
        5, 6, num_layers, bias=bias, bidirectional=bidirectional, **extra
    )
    t_shapes = [(n, tuple(p.shape)) for n, p in t_layer.named_parameters()]
    assert [(n, tuple(p.shape)) for n, p in m_layer.named_parameters()] == t_shapes
    assert m_layer._flat_weights_names == t_layer._flat_weights_names
    assert m_layer._all_weights == t_layer._all_weights
    assert [[tuple(p.shape) for p in ps] for ps in m_layer.all_weights] == [
        [tuple(p.shape) for p in ps] for ps in t_layer.all_weights
    ]


@pytest.mark.parametrize("kind", list(CELLS))
@pytest.mark.parametrize("bias", [True, False])
def test_cell_parameter_names_and_shapes_match_pytorch(kind, bias):
    name, extra, _ = CELLS[kind]
    t_cell = getattr(torch.nn, name)(5, 6, bias=bias, **extra)
    m_cell = getattr(mg.nn, name)(5, 6, bias=bias, **extra)
    t_shapes = [(n, tuple(p.shape)) for n, p in t_cell.named_parameters()]
    assert [(n, tuple(p.shape)) for n, p in m_cell.named_parameters()] == t_shapes
    assert (m_cell.bias_ih is None) == (t_cell.bias_ih is None)


# ---- repr, attributes, errors: the same program in both frameworks -------------------------

PROGRAMS = [
    "R = repr(M.nn.LSTM(10, 20, num_layers=2, batch_first=True))",
    "R = repr(M.nn.LSTM(10, 20))",
    "R = repr(M.nn.RNN(3, 4, 2, 'relu', False, True, 0.5, True))",
    "R = repr(M.nn.RNN(3, 4, nonlinearity='relu'))",
    "R = repr(M.nn.GRU(3, 4, bias=False, num_layers=3, dropout=0.25))",
    "R = repr(M.nn.GRU(3, 4, 1, True, False, 0, True))",
    "R = repr(M.nn.RNNCell(3, 4, False, 'relu'))",
    "R = repr(M.nn.RNNCell(3, 4))",
    "R = repr(M.nn.LSTMCell(3, 4, bias=False))",
    "R = repr(M.nn.GRUCell(3, 4))",
    "R = repr(M.nn.Sequential(M.nn.LSTM(3, 4), M.nn.GRUCell(4, 2)))",
    "m = M.nn.LSTM(3, 4, 2, dropout=1); R = (m.mode, m.input_size, m.hidden_size, m.num_layers, m.bias, m.batch_first, m.dropout, type(m.dropout).__name__, m.bidirectional, m.proj_size)",
    "m = M.nn.RNN(3, 4, nonlinearity='relu'); R = (m.mode, m.nonlinearity)",
    "m = M.nn.RNNCell(3, 4, nonlinearity='relu'); R = (m.input_size, m.hidden_size, m.bias, m.nonlinearity)",
    "m = M.nn.LSTM(3, 4); m.flatten_parameters(); R = len(list(m.parameters()))",
    "m = M.nn.GRU(3, 4, 2, bidirectional=True); R = [len(w) for w in m.all_weights]",
    "R = [(n, tuple(p.shape)) for n, p in M.nn.Sequential(M.nn.GRU(3, 4), M.nn.LSTMCell(4, 2)).named_parameters()]",
    "m = M.nn.GRU(3, 4).double(); R = [str(t.dtype).replace('torch.', '') for t in (m.weight_ih_l0, m(M.zeros(2, 1, 3, dtype=M.float64))[0])]",
    "m = M.nn.LSTM(3, 4, dtype=M.float64); R = str(m.bias_hh_l0.dtype).replace('torch.', '')",
    # shapes of the results
    "o, (h, c) = M.nn.LSTM(3, 4, 2, bidirectional=True)(M.zeros(5, 2, 3)); R = (tuple(o.shape), tuple(h.shape), tuple(c.shape))",
    "o, (h, c) = M.nn.LSTM(3, 4, 2, batch_first=True)(M.zeros(2, 5, 3)); R = (tuple(o.shape), tuple(h.shape), tuple(c.shape))",
    "o, h = M.nn.GRU(3, 4, 3, bidirectional=True, batch_first=True)(M.zeros(5, 3)); R = (tuple(o.shape), tuple(h.shape))",
    "o, h = M.nn.RNN(3, 4)(M.zeros(5, 3), M.zeros(1, 4)); R = (tuple(o.shape), tuple(h.shape))",
    "h, c = M.nn.LSTMCell(3, 4)(M.zeros(3)); R = (tuple(h.shape), tuple(c.shape))",
    "R = tuple(M.nn.GRUCell(3, 4)(M.zeros(0, 3)).shape)",
    "o, h = M.nn.RNN(3, 4)(M.zeros(5, 0, 3)); R = (tuple(o.shape), tuple(h.shape))",
    "o, (h, c) = M.nn.LSTM(3, 4)(M.zeros(5, 2, 3), [M.zeros(1, 2, 4), M.zeros(1, 2, 4)]); R = (tuple(o.shape), tuple(c.shape))",
    "R = M.nn.LSTM(3, 4)(M.zeros(5, 2, 3))[0].requires_grad",
    "with M.no_grad(): o = M.nn.GRU(3, 4)(M.zeros(5, 2, 3))[0]\nR = o.requires_grad",
    # constructor errors
    "R = M.nn.RNN(3, 4, nonlinearity='sigmoid')",
    "R = M.nn.RNN(3, 4, dropout=1.5)",
    "R = M.nn.GRU(3, 4, dropout=-0.1)",
    "R = M.nn.GRU(3, 4, dropout=True)",
    "R = M.nn.GRU(3, 4, dropout='0.1')",
    "R = M.nn.GRU(3.0, 4)",
    "R = M.nn.GRU(3, 4.0)",
    "R = M.nn.LSTM(0, 4)",
    "R = M.nn.LSTM(3, 0)",
    "R = M.nn.LSTM(3, 4, num_layers=0)",
    "R = M.nn.LSTM(3, 4, bias=1)",
    "R = M.nn.LSTM(3, 4, batch_first=None)",
    "R = M.nn.LSTM(3, 4, proj_size=-1)",
    "R = M.nn.LSTM(3, 4, proj_size=4)",
    "R = M.nn.RNNCell(3, -1)",
    "R = M.nn.GRUCell(-3, 2)",
    # forward errors
    "R = M.nn.RNNCell(3, 4, nonlinearity='foo')(M.zeros(2, 3))",
    "R = M.nn.RNNCell(3, 4)(M.zeros(2, 5))",
    "R = M.nn.RNNCell(3, 4)(M.zeros(2, 3), M.zeros(3, 4))",
    "R = M.nn.RNNCell(3, 4)(M.zeros(2, 3), M.zeros(2, 5))",
    "R = M.nn.RNNCell(3, 4)(M.zeros(3), M.zeros(2, 4))",
    "R = M.nn.RNNCell(3, 4)(M.zeros(2, 3), M.zeros(4))",
    "R = M.nn.RNNCell(3, 2)(M.zeros(2, 3), M.zeros(2))",
    "R = M.nn.RNNCell(3, 4)(M.zeros(2, 2, 3))",
    "R = M.nn.RNNCell(3, 4)(M.zeros(2, 3), M.zeros(1, 2, 4))",
    "R = M.nn.RNNCell(3, 4)(M.zeros(2, 3, dtype=M.float64))",
    "R = M.nn.LSTMCell(3, 4)(M.zeros(2, 3), (M.zeros(2, 4), M.zeros(2, 5)))",
    "R = M.nn.LSTMCell(3, 4)(M.zeros(2, 3), (M.zeros(3, 4), M.zeros(2, 4)))",
    "R = M.nn.LSTMCell(3, 4)(M.zeros(2, 3), (M.zeros(2, 4), M.zeros(3, 4)))",
    "R = M.nn.LSTMCell(3, 4)(M.zeros(2, 3), (M.zeros(2, 4), M.zeros(1, 2, 4)))",
    "R = M.nn.LSTMCell(3, 4)(M.zeros(2, 5))",
    "R = M.nn.GRUCell(3, 4)(M.zeros(2, 5))",
    "R = M.nn.GRUCell(3, 4)(M.zeros(2, 3), M.zeros(2, 5))",
    "R = M.nn.GRUCell(3, 4)(M.zeros(2, 3, dtype=M.float64))",
    "R = M.nn.LSTM(3, 4)(M.zeros(5, 2, 6))",
    "R = M.nn.LSTM(3, 4)(M.zeros(5, 2, 3, 1))",
    "R = M.nn.LSTM(3, 4)(M.zeros(5))",
    "R = M.nn.LSTM(3, 4)(M.zeros(5, 2, 3), (M.zeros(1, 3, 4), M.zeros(1, 2, 4)))",
    "R = M.nn.LSTM(3, 4)(M.zeros(5, 2, 3), (M.zeros(1, 2, 4), M.zeros(1, 2, 5)))",
    "R = M.nn.LSTM(3, 4)(M.zeros(5, 2, 3), (M.zeros(2, 4), M.zeros(1, 2, 5)))",
    "R = M.nn.LSTM(3, 4)(M.zeros(5, 3), (M.zeros(1, 2, 4), M.zeros(1, 2, 5)))",
    "R = M.nn.LSTM(3, 4)(M.zeros(5, 2, 3, dtype=M.float64))",
    "R = M.nn.LSTM(3, 4, 2, bidirectional=True)(M.zeros(5, 2, 3), (M.zeros(2, 2, 4), M.zeros(2, 2, 4)))",
    "R = M.nn.LSTM(3, 4, batch_first=True)(M.zeros(2, 5, 3), (M.zeros(1, 5, 4), M.zeros(1, 5, 4)))",
    "R = M.nn.GRU(3, 4)(M.zeros(5, 2, 3), M.zeros(2, 2, 4))",
    "R = M.nn.GRU(3, 4)(M.zeros(5, 2, 3), M.zeros(2, 4))",
    "R = M.nn.GRU(3, 4)(M.zeros(5, 3), M.zeros(1, 1, 4))",
    "R = M.nn.GRU(3, 4)(M.zeros(5, 2, 3, 3))",
    "R = M.nn.GRU(3, 4)(M.zeros(5, 2, 3, dtype=M.int64))",
    "R = M.nn.RNN(3, 4)(M.zeros(5, 2, 3, 3))",
    "R = M.nn.RNN(3, 4)(M.zeros(5, 2, 7))",
    "R = M.nn.RNN(3, 4)(M.zeros(0, 2, 3))",
    "R = M.nn.RNN(3, 4)(M.zeros(5, 2, 3), M.zeros(1, 2, 4, dtype=M.float64))",
]


@pytest.mark.parametrize("program", PROGRAMS)
def test_rnn_program_matches_pytorch(program):
    _matches_pytorch(program)


# Bad input: minigrad's message is PyTorch's, prefixed with the layer's name.
ERRORS = [
    ("RNNCell", (3, 4), ((2, 5),)),
    ("RNNCell", (3, 4), ((2, 3), (3, 4))),
    ("GRUCell", (3, 4), ((2, 3), (2, 5))),
    ("GRUCell", (3, 4), ((2, 2, 3),)),
    ("LSTMCell", (3, 4), ((2, 3), ((2, 4), (2, 5)))),
    ("LSTMCell", (3, 4), ((2, 3), ((3, 4), (2, 4)))),
    ("LSTMCell", (3, 4), ((2, 3), ((2, 4), (1, 2, 4)))),
    ("RNN", (3, 4), ((5, 2, 7),)),
    ("RNN", (3, 4), ((5, 2, 3, 3),)),
    ("RNN", (3, 4), ((5, 2, 3), (2, 2, 4))),
    ("RNN", (3, 4), ((5, 2, 3), (2, 4))),
    ("RNN", (3, 4), ((0, 2, 3),)),
    ("GRU", (3, 4), ((5, 3), (1, 1, 4))),
    ("GRU", (3, 4), ((5, 2, 3, 1),)),
    ("LSTM", (3, 4), ((5, 2, 6),)),
    ("LSTM", (3, 4), ((5, 2, 3, 1),)),
    ("LSTM", (3, 4), ((5, 2, 3), ((1, 3, 4), (1, 2, 4)))),
    ("LSTM", (3, 4), ((5, 2, 3), ((1, 2, 4), (1, 2, 5)))),
    ("LSTM", (3, 4), ((5, 2, 3), ((2, 4), (1, 2, 4)))),
    ("LSTM", (3, 4), ((5, 3), ((1, 2, 4), (1, 2, 4)))),
]


def _zeros(framework, shape):
    if isinstance(shape[0], tuple):
        return tuple(_zeros(framework, s) for s in shape)
    return framework.zeros(*shape)


@pytest.mark.parametrize("name, args, inputs", ERRORS)
def test_bad_input_raises_pytorchs_exception_naming_the_layer(name, args, inputs):
    with pytest.raises(Exception) as expected:
        getattr(torch.nn, name)(*args)(*(_zeros(torch, s) for s in inputs))
    message = str(expected.value)
    with pytest.raises(type(expected.value), match=re.escape(message)) as got:
        getattr(mg.nn, name)(*args)(*(_zeros(mg, s) for s in inputs))
    assert type(got.value) is type(expected.value)
    assert str(got.value).startswith(name + ":")


def test_bad_dtype_names_the_dtypes_as_pytorch():
    with pytest.raises(ValueError) as expected:
        torch.nn.LSTM(3, 4)(torch.zeros(5, 2, 3, dtype=torch.float64))
    with pytest.raises(ValueError) as got:
        mg.nn.LSTM(3, 4)(mg.zeros(5, 2, 3, dtype=mg.float64))
    assert str(got.value) == "LSTM" + str(expected.value)[3:]  # "RNN input dtype ..."


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_dropout_with_one_layer_warns_as_pytorch(name):
    with pytest.warns(UserWarning) as expected:
        getattr(torch.nn, name)(3, 4, dropout=0.5)
    with pytest.warns(UserWarning) as got:
        getattr(mg.nn, name)(3, 4, dropout=0.5)
    assert [str(w.message) for w in got] == [str(w.message) for w in expected]


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell"])
def test_initial_distribution_matches_pytorchs(name):
    """Every parameter U(±1/sqrt(hidden)): the same bound and moments as torch's draw."""
    hidden = 49
    kwargs = {"num_layers": 2, "bidirectional": True} if not name.endswith("Cell") else {}
    t_values = np.concatenate(
        [
            p.detach().numpy().ravel()
            for p in getattr(torch.nn, name)(30, hidden, **kwargs).parameters()
        ]
    )
    m_values = np.concatenate(
        [
            p.detach().numpy().ravel()
            for p in getattr(mg.nn, name)(30, hidden, **kwargs).parameters()
        ]
    )
    assert m_values.size == t_values.size
    bound = 1 / 7
    for values in (t_values, m_values):
        assert np.abs(values).max() <= bound
        assert np.abs(values).max() > 0.99 * bound
    n = m_values.size
    # U(-b, b): mean 0 with sd b / sqrt(3n), variance b²/3 with sd ≈ b² sqrt(4 / 45n)
    assert abs(m_values.mean() - t_values.mean()) < 6 * bound / np.sqrt(3 * n)
    assert abs(m_values.var() - t_values.var()) < 6 * bound**2 * np.sqrt(8 / (45 * n))
    assert abs(m_values.var() - bound**2 / 3) < 5 * bound**2 * np.sqrt(4 / (45 * n))
