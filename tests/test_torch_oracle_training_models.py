"""Whole models built of this session's layers, trained for a few steps from the same
weights in both frameworks: losses and parameters must agree step by step."""

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()


def _autoencoder(M):
    nn = M.nn
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(4, 8, 3, stride=2, padding=1), nn.ReLU(),
        nn.ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
        nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False),
        nn.Conv2d(4, 1, 3, padding=1), nn.Sigmoid(),
    )  # fmt: skip


class _Tagger:
    """An embedding, a packed bidirectional LSTM and a linear head (a class per framework)."""

    def __init__(self, M):
        nn = M.nn
        self.M = M
        self.emb = nn.Embedding(12, 5, padding_idx=0)
        self.lstm = nn.LSTM(5, 6, num_layers=2, bidirectional=True, batch_first=True)
        self.head = nn.Linear(12, 3)
        self.modules = nn.ModuleList([self.emb, self.lstm, self.head])

    def __call__(self, tokens, lengths):
        rnn = self.M.nn.utils.rnn
        packed = rnn.pack_padded_sequence(self.emb(tokens), lengths, batch_first=True,
                                          enforce_sorted=False)  # fmt: skip
        out, _ = self.lstm(packed)
        padded, _ = rnn.pad_packed_sequence(out, batch_first=True)
        return self.head(padded)


def _copy(src, dst):
    dst.load_state_dict({k: mg.tensor(v.detach().numpy()) for k, v in src.state_dict().items()})


def _train(models, make_loss, optimizers, steps=4):
    losses = [[], []]
    for _ in range(steps):
        for k, (opt, loss_fn) in enumerate(zip(optimizers, make_loss)):
            loss = loss_fn()
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses[k].append(loss.item())
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-12)
    for p, q in zip(models[0].parameters(), models[1].parameters()):
        np.testing.assert_allclose(q.detach().numpy(), p.detach().numpy(), rtol=1e-9, atol=1e-12)


def test_conv_autoencoder_with_transposed_conv_and_upsampling_trains_as_pytorch():
    torch.manual_seed(0)
    tm, mm = _autoencoder(torch).double(), _autoencoder(mg).double()
    _copy(tm, mm)
    X = np.random.default_rng(0).uniform(size=(8, 1, 16, 16))
    bce = (
        lambda: torch.nn.functional.binary_cross_entropy(tm(torch.tensor(X)), torch.tensor(X)),
        lambda: mg.nn.functional.binary_cross_entropy(mm(mg.tensor(X)), mg.tensor(X)),
    )
    opts = (torch.optim.Adam(tm.parameters(), lr=1e-2), mg.optim.Adam(mm.parameters(), lr=1e-2))
    _train((tm, mm), bce, opts)


@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
def test_packed_lstm_tagger_trains_as_pytorch(optimizer):
    torch.manual_seed(1)
    tt, mt = _Tagger(torch), _Tagger(mg)
    tt.modules.double()
    mt.modules.double()
    _copy(tt.modules, mt.modules)
    rng = np.random.default_rng(1)
    lengths = [5, 2, 4, 1]
    tokens = np.zeros((4, 5), np.int64)
    for i, n in enumerate(lengths):
        tokens[i, :n] = rng.integers(1, 12, n)
    labels = rng.integers(0, 3, (4, max(lengths)))
    mask = np.arange(5)[None] < np.array(lengths)[:, None]

    def loss(M, model):
        logits = model(M.tensor(tokens), M.tensor(lengths))
        lab = np.where(mask, labels, -100)
        return M.nn.functional.cross_entropy(logits.reshape(-1, 3), M.tensor(lab.reshape(-1)))

    kw = {"lr": 0.1, "momentum": 0.9} if optimizer == "SGD" else {"lr": 1e-2}
    opts = (getattr(torch.optim, optimizer)(tt.modules.parameters(), **kw),
            getattr(mg.optim, optimizer)(mt.modules.parameters(), **kw))  # fmt: skip
    _train((tt.modules, mt.modules), (lambda: loss(torch, tt), lambda: loss(mg, mt)), opts)
