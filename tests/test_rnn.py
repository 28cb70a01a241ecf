"""The recurrent layers (minigrad/nn/rnn.py) on their own: finite-difference gradients,
the layers against their own cells and against each other, the initial distribution,
and the places where minigrad is stricter than PyTorch."""

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn


def _with_parameters(module, names, values):
    """``module`` with its parameters replaced by ``values`` (gradcheck's float64 copies)."""
    for name, value in zip(names, values):
        module._parameters[name] = value
    return module


def _gradcheck(module, x, states):
    names = list(dict(module.named_parameters()))
    params = [p.detach().requires_grad_() for p in module.parameters()]
    n = len(states)

    def fn(x, *rest):
        layer = _with_parameters(module, names, rest[n:])
        # the layer computes with the perturbed copies (else their check would be vacuous)
        assert all(a is b for a, b in zip(layer.parameters(), rest[n:]))
        assert len(list(layer.parameters())) == len(rest[n:]) == len(names)
        hx = rest[:n]
        hx = None if not hx else hx[0] if n == 1 else tuple(hx)
        out = layer(x, hx)
        return tuple(t for t in _flat(out))

    return mg.gradcheck(fn, (x, *states, *params))


def _flat(value):
    if isinstance(value, tuple):
        return [t for v in value for t in _flat(v)]
    return [value]


def _randn(*shape, seed=0, grad=True):
    data = np.random.default_rng(seed).standard_normal(shape)
    return mg.tensor(data, requires_grad=grad)


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("name", ["LSTM", "GRU", "RNN"])
def test_sequence_layer_passes_gradcheck(name, bidirectional):
    """Finite differences in float64 for the input, h0 (and c0) and every parameter."""
    mg.manual_seed(0)
    layer = getattr(nn, name)(2, 3, num_layers=2, bidirectional=bidirectional, dtype=mg.float64)
    D = 2 if bidirectional else 1
    states = [_randn(2 * D, 2, 3, seed=s) for s in range(2 if name == "LSTM" else 1)]
    assert _gradcheck(layer, _randn(4, 2, 2, seed=9), states)


@pytest.mark.parametrize("name", ["LSTMCell", "GRUCell", "RNNCell"])
def test_cell_passes_gradcheck(name):
    mg.manual_seed(0)
    cell = getattr(nn, name)(2, 3, dtype=mg.float64)
    states = [_randn(2, 3, seed=s) for s in range(2 if name == "LSTMCell" else 1)]
    assert _gradcheck(cell, _randn(2, 2, seed=9), states)


def test_gradcheck_sees_a_wrong_gate_gradient():
    """The check above can fail: a GRU whose h' forgets z's gradient is caught."""
    mg.manual_seed(0)
    cell = nn.GRUCell(2, 3, dtype=mg.float64)

    def wrong(x, h):
        gi = nn.functional.linear(x, cell.weight_ih, cell.bias_ih)
        gh = nn.functional.linear(h, cell.weight_hh, cell.bias_hh)
        i_r, i_z, i_n = gi.chunk(3, 1)
        h_r, h_z, h_n = gh.chunk(3, 1)
        z = mg.sigmoid(h_z + i_z).detach()
        n = mg.tanh(i_n + mg.sigmoid(h_r + i_r) * h_n)
        return (h - n) * z + n

    assert not mg.gradcheck(wrong, (_randn(2, 2), _randn(2, 3, seed=1)), raise_exception=False)


@pytest.mark.parametrize(
    "name, cell_name", [("LSTM", "LSTMCell"), ("GRU", "GRUCell"), ("RNN", "RNNCell")]
)
def test_layer_is_its_cell_stepped_over_time(name, cell_name):
    mg.manual_seed(0)
    layer = getattr(nn, name)(3, 4, dtype=mg.float64)
    cell = getattr(nn, cell_name)(3, 4, dtype=mg.float64)
    cell.load_state_dict({k[: -len("_l0")]: v for k, v in layer.state_dict().items()})
    x = _randn(6, 2, 3, grad=False)
    out, state = layer(x)
    h = None
    for t in range(6):
        h = cell(x[t], h)
        step = h[0] if name == "LSTM" else h
        np.testing.assert_allclose(out[t].detach().numpy(), step.detach().numpy(), rtol=1e-12)
    final = state if name == "LSTM" else (state,)
    for got, want in zip(final, h if name == "LSTM" else (h,)):
        np.testing.assert_allclose(got[0].detach().numpy(), want.detach().numpy(), rtol=1e-12)


@pytest.mark.parametrize("name", ["LSTM", "GRU", "RNN"])
def test_reverse_direction_reads_the_sequence_backwards(name):
    mg.manual_seed(0)
    bi = getattr(nn, name)(3, 4, bidirectional=True, dtype=mg.float64)
    back = getattr(nn, name)(3, 4, dtype=mg.float64)
    back.load_state_dict(
        {k.replace("_reverse", ""): v for k, v in bi.state_dict().items() if "_reverse" in k}
    )
    x = _randn(5, 2, 3, grad=False)
    out, _ = bi(x)
    rev, _ = back(x.flip(0))
    np.testing.assert_allclose(out[:, :, 4:].detach().numpy(), rev.flip(0).detach().numpy())


@pytest.mark.parametrize("name", ["LSTM", "GRU", "RNN"])
def test_batch_first_and_unbatched_agree_with_the_default_layout(name):
    mg.manual_seed(0)
    layer = getattr(nn, name)(3, 4, num_layers=2, bidirectional=True, dtype=mg.float64)
    x = _randn(5, 2, 3, grad=False)
    layer.requires_grad_(False)
    out, state = layer(x)
    layer.batch_first = True
    out_bf, state_bf = layer(x.transpose(0, 1))
    np.testing.assert_array_equal(out_bf.transpose(0, 1).numpy(), out.numpy())
    for a, b in zip(_flat(state_bf), _flat(state)):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    layer.batch_first = False
    one, one_state = layer(x[:, 1])
    np.testing.assert_allclose(one.numpy(), out[:, 1].numpy(), rtol=1e-13)
    for a, b in zip(_flat(one_state), _flat(state)):
        np.testing.assert_allclose(a.numpy(), b[:, 1].numpy(), rtol=1e-13)


@pytest.mark.parametrize("name", ["LSTM", "GRU", "RNN"])
def test_omitted_h0_is_zeros(name):
    mg.manual_seed(0)
    layer = getattr(nn, name)(3, 4, num_layers=2)
    x = _randn(5, 2, 3, grad=False).float()
    zeros = mg.zeros(2, 2, 4)
    hx = (zeros, zeros) if name == "LSTM" else zeros
    np.testing.assert_array_equal(layer(x)[0].detach().numpy(), layer(x, hx)[0].detach().numpy())


@pytest.mark.parametrize("name", ["LSTM", "GRU", "RNN", "LSTMCell", "GRUCell", "RNNCell"])
def test_initial_parameters_are_uniform_in_one_over_sqrt_hidden(name):
    hidden = 64
    kwargs = {"num_layers": 2, "bidirectional": True} if not name.endswith("Cell") else {}
    layer = getattr(nn, name)(40, hidden, **kwargs)
    values = np.concatenate([p.detach().numpy().ravel() for p in layer.parameters()])
    bound = 1 / math.sqrt(hidden)
    n = values.size
    assert values.dtype == np.float32
    assert np.abs(values).max() <= bound
    assert values.min() < -0.99 * bound and values.max() > 0.99 * bound
    assert abs(values.mean()) < 5 * bound / math.sqrt(3 * n)
    assert abs(values.var() - bound**2 / 3) < 5 * bound**2 * math.sqrt(4 / (45 * n))
    # each quarter of the range holds a quarter of the values
    counts = np.histogram(values, bins=4, range=(-bound, bound))[0] / n
    assert np.all(np.abs(counts - 0.25) < 5 * math.sqrt(0.25 * 0.75 / n))


def test_reset_parameters_draws_again_from_the_global_generator():
    mg.manual_seed(3)
    a = nn.GRU(3, 4)
    mg.manual_seed(3)
    b = nn.GRU(3, 4)
    np.testing.assert_array_equal(a.weight_hh_l0.detach().numpy(), b.weight_hh_l0.detach().numpy())
    before = a.weight_hh_l0.detach().numpy().copy()
    a.reset_parameters()
    assert not np.array_equal(a.weight_hh_l0.detach().numpy(), before)


def test_dropout_between_layers_is_random_in_training_and_off_in_eval():
    mg.manual_seed(0)
    layer = nn.LSTM(3, 4, num_layers=2, dropout=0.5, dtype=mg.float64)
    x = _randn(5, 2, 3)
    mg.manual_seed(1)
    first = layer(x)[0]
    mg.manual_seed(1)
    again = layer(x)[0]
    mg.manual_seed(2)
    other = layer(x)[0]
    np.testing.assert_array_equal(first.detach().numpy(), again.detach().numpy())
    assert not np.allclose(first.detach().numpy(), other.detach().numpy())
    layer.eval()
    evaluated = layer(x)[0]
    np.testing.assert_array_equal(evaluated.detach().numpy(), layer(x)[0].detach().numpy())
    first.sum().backward()
    assert x.grad is not None and np.abs(x.grad.numpy()).sum() > 0


def test_no_grad_builds_no_graph():
    layer = nn.GRU(3, 4)
    with mg.no_grad():
        out, h = layer(mg.zeros(5, 2, 3))
    assert not out.requires_grad and not h.requires_grad
    assert out.grad_fn is None


def test_state_dict_round_trip_gives_the_same_outputs():
    mg.manual_seed(0)
    a = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    mg.manual_seed(1)
    b = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    x = _randn(5, 2, 3, grad=False).float()
    assert not np.array_equal(a(x)[0].detach().numpy(), b(x)[0].detach().numpy())
    b.load_state_dict(a.state_dict())
    np.testing.assert_array_equal(a(x)[0].detach().numpy(), b(x)[0].detach().numpy())


def test_float32_layer_keeps_float32():
    out, (h, c) = nn.LSTM(3, 4)(mg.zeros(5, 2, 3))
    assert out.dtype == h.dtype == c.dtype == mg.float32


def test_cell_refuses_a_2d_hidden_beside_a_1d_input():
    """PyTorch returns a (4, 4) result here (hx broadcast over a batch that is not
    there); minigrad raises."""
    with pytest.raises(RuntimeError, match=r"RNNCell: hidden0 of shape \(4, 4\)"):
        nn.RNNCell(3, 4)(mg.zeros(3), mg.zeros(4, 4))


def test_sequence_layer_is_used_inside_a_model_and_trains():
    """An LSTM then a Linear learn to output the sum of a sequence (a smoke test of the
    whole path: parameters registered, gradients reach every one, the loss falls)."""
    mg.manual_seed(0)

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(1, 8, batch_first=True)
            self.head = nn.Linear(8, 1)

        def forward(self, x):
            out, _ = self.lstm(x)
            return self.head(out[:, -1])

    model = Model()
    assert len(list(model.parameters())) == 6
    opt = mg.optim.Adam(model.parameters(), lr=0.02)
    rng = np.random.default_rng(0)
    x = mg.tensor(rng.uniform(-1, 1, (32, 5, 1)).astype(np.float32))
    y = x.sum(1)
    losses = []
    for _ in range(60):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        losses.append(loss.item())
        opt.step()
    assert all(p.grad is not None for p in model.parameters())
    assert losses[-1] < 0.1 * losses[0]


def _graph_nodes(root):
    seen, todo, names = set(), [root.grad_fn], []
    while todo:
        node = todo.pop()
        if node is None or id(node) in seen:
            continue  # an input that needs no gradient, or seen
        seen.add(id(node))
        names.append(node.name())
        todo.extend(n for n, _ in node.next_functions)
    return names


@pytest.mark.parametrize("bidirectional", [False, True])
def test_input_projection_is_one_matmul_per_layer_and_direction(bidirectional):
    """The loop over time holds only the cell (h W_hhᵀ inside it, one node per step):
    x W_ihᵀ + b_ih is one Linear node per layer and direction over the whole sequence, and
    one unbind (one node, with T outputs) cuts it into time steps."""
    T, L = 7, 2
    D = 2 if bidirectional else 1
    out, (h, c) = nn.LSTM(3, 4, num_layers=L, bidirectional=bidirectional)(mg.zeros(T, 2, 3))
    names = _graph_nodes(out.sum() + h.sum() + c.sum())
    assert names.count("LinearBackward") == D * L
    assert names.count("ThnnFusedLstmCellBackward") == D * L * T
    assert names.count("UnbindBackward") == D * L


@pytest.mark.parametrize("T", [1, 2, 3, 4, 5, 9, 10, 17, 50])
def test_time_steps_cut_any_length_in_order_with_their_gradient(T):
    gi = _randn(T, 2, 3)
    steps = gi.unbind(0)  # as the sequence layers cut their input gates
    assert len(steps) == T
    for t, step in enumerate(steps):
        np.testing.assert_array_equal(step.detach().numpy(), gi[t].detach().numpy())
    weights = np.arange(T * 6.0).reshape(T, 2, 3)
    sum(s * mg.tensor(w) for s, w in zip(steps, weights)).sum().backward()
    np.testing.assert_array_equal(gi.grad.numpy(), weights)


@pytest.mark.parametrize(
    "make, shape, error",
    [
        (lambda: nn.LSTM(3, 4, batch_first=True), (2, 5, 6), RuntimeError),
        (lambda: nn.GRU(3, 4), (1, 2, 3, 4), ValueError),
        (lambda: nn.RNN(3, 4), (5, 7), RuntimeError),
        (lambda: nn.LSTMCell(3, 4), (2, 5), RuntimeError),
        (lambda: nn.GRUCell(3, 4), (2, 2, 3), ValueError),
    ],
)
def test_bad_input_message_names_the_layer_and_the_input_shape(make, shape, error):
    layer = make()
    with pytest.raises(error) as raised:
        layer(mg.zeros(*shape))
    message = str(raised.value)
    assert message.startswith(type(layer).__name__ + ": ")
    assert f"(input of shape {shape})" in message
