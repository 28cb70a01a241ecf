"""LSTM projections (``proj_size``), without PyTorch."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn


@pytest.mark.parametrize("bidirectional", [False, True])
def test_lstm_with_projections_has_pytorchs_parameters_and_shapes(bidirectional):
    lstm = nn.LSTM(3, 5, num_layers=2, proj_size=2, bidirectional=bidirectional)
    d = 2 if bidirectional else 1
    shapes = {name: tuple(p.shape) for name, p in lstm.named_parameters()}
    assert shapes["weight_hh_l0"] == (20, 2)
    assert shapes["weight_ih_l1"] == (20, 2 * d)
    assert shapes["weight_hr_l1"] == (2, 5)
    assert list(shapes)[:5] == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                                "weight_hr_l0"]  # fmt: skip
    out, (h, c) = lstm(mg.randn(4, 6, 3))
    assert out.shape == (4, 6, 2 * d)
    assert h.shape == (2 * d, 6, 2)
    assert c.shape == (2 * d, 6, 5)
    np.testing.assert_array_equal(out.data[-1, :, :2], h.data[-d])
    assert repr(lstm).startswith("LSTM(3, 5, proj_size=2, num_layers=2")


def test_lstm_projection_is_the_step_s_h_times_weight_hr():
    mg.manual_seed(0)
    lstm = nn.LSTM(2, 3, proj_size=1, bias=False).double()
    cell = nn.LSTMCell(2, 3, bias=False).double()
    cell.weight_ih.data[...] = lstm.weight_ih_l0.data
    x = mg.randn(3, 2, dtype=mg.float64)
    h, c = mg.zeros(1, 1, dtype=mg.float64), mg.zeros(1, 3, dtype=mg.float64)
    w_hh, w_hr = lstm.weight_hh_l0.data, lstm.weight_hr_l0.data
    for t in range(3):  # the cell's h W_hhᵀ term, with h of size 1, by hand
        gates = x.data[t : t + 1] @ lstm.weight_ih_l0.data.T + h.data @ w_hh.T
        i, f, g, o = np.split(gates, 4, axis=1)
        sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
        c = mg.tensor(sig(f) * c.data + sig(i) * np.tanh(g))
        h = mg.tensor((sig(o) * np.tanh(c.data)) @ w_hr.T)
    out, (h_n, c_n) = lstm(x.reshape(3, 1, 2))
    np.testing.assert_allclose(h_n.data[0], h.data, rtol=1e-12)
    np.testing.assert_allclose(c_n.data[0], c.data, rtol=1e-12)


def test_lstm_with_projections_checks_h_and_c_sizes():
    lstm = nn.LSTM(3, 5, proj_size=2)
    with pytest.raises(
        RuntimeError, match=r"Expected hidden\[0\] size \(1, 4, 2\), got \[1, 4, 5\]"
    ):
        lstm(mg.zeros(6, 4, 3), (mg.zeros(1, 4, 5), mg.zeros(1, 4, 5)))
    with pytest.raises(
        RuntimeError, match=r"Expected hidden\[1\] size \(1, 4, 5\), got \[1, 4, 2\]"
    ):
        lstm(mg.zeros(6, 4, 3), (mg.zeros(1, 4, 2), mg.zeros(1, 4, 2)))


def test_lstm_with_projections_trains():
    mg.manual_seed(0)
    lstm = nn.LSTM(2, 4, proj_size=1, batch_first=True)
    opt = mg.optim.Adam(lstm.parameters(), lr=0.05)
    x, y = mg.randn(8, 5, 2), mg.randn(8, 1)
    losses = []
    for _ in range(30):
        opt.zero_grad()
        out, _ = lstm(x)
        loss = nn.functional.mse_loss(out[:, -1], y)
        loss.backward()
        assert lstm.weight_hr_l0.grad is not None
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.8 * losses[0]


@pytest.mark.parametrize("cls", ["RNN", "GRU"])
def test_proj_size_is_only_for_lstm(cls):
    with pytest.raises(ValueError, match="proj_size argument is only supported for LSTM"):
        getattr(mg.nn, cls)(3, 5, proj_size=2)
