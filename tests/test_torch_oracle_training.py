"""Training step by step against PyTorch: same weights, batches, loss and optimizer.

Runs only where torch is installed (CI installs it when the machine has its wheel).
"""

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

OPTIMIZERS = {
    "sgd": lambda lib, ps: lib.optim.SGD(
        ps, lr=0.005, momentum=0.9, nesterov=True, weight_decay=1e-3
    ),  # fmt: skip
    "adam": lambda lib, ps: lib.optim.Adam(ps, lr=0.01, weight_decay=1e-3),
    "adamw": lambda lib, ps: lib.optim.AdamW(ps, lr=0.01),
    "adam_maximize": lambda lib, ps: lib.optim.Adam(ps, lr=0.01, maximize=True),
}
LOSSES = {
    "cross_entropy": (
        lambda lib: lib.nn.CrossEntropyLoss(label_smoothing=0.1),
        lambda rng: rng.integers(0, 3, 12),
    ),  # fmt: skip
    "bce_with_logits": (
        lambda lib: lib.nn.BCEWithLogitsLoss(),
        lambda rng: (rng.random((12, 3)) > 0.5) * 1.0,
    ),  # fmt: skip
    "mse_sum": (lambda lib: lib.nn.MSELoss(reduction="sum"), lambda rng: rng.normal(size=(12, 3))),
}


def _model(lib):
    n = lib.nn
    return n.Sequential(n.Linear(5, 16), n.Tanh(), n.Linear(16, 8), n.ReLU(), n.Linear(8, 3))


@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_twenty_steps_match_pytorch(optimizer, loss):
    mg.manual_seed(0)
    ours, theirs = _model(mg).double(), _model(torch).double()
    with torch.no_grad():
        for p, q in zip(ours.parameters(), theirs.parameters()):
            q.copy_(torch.from_numpy(p.data.copy()))
    opt_ours, opt_theirs = (OPTIMIZERS[optimizer](mg, ours.parameters()),
                            OPTIMIZERS[optimizer](torch, theirs.parameters()))  # fmt: skip
    sched_ours = mg.optim.lr_scheduler.StepLR(opt_ours, 5, 0.5)
    sched_theirs = torch.optim.lr_scheduler.StepLR(opt_theirs, 5, 0.5)
    make_loss, make_target = LOSSES[loss]
    loss_ours, loss_theirs = make_loss(mg), make_loss(torch)
    rng = np.random.default_rng(1)
    for _ in range(20):
        x, y = rng.normal(size=(12, 5)), make_target(rng)
        a = loss_ours(ours(mg.tensor(x)), mg.tensor(y))
        b = loss_theirs(theirs(torch.from_numpy(x)), torch.from_numpy(y))
        for opt, value, sched in ((opt_ours, a, sched_ours), (opt_theirs, b, sched_theirs)):
            opt.zero_grad()
            value.backward()
            opt.step()
            sched.step()
        np.testing.assert_allclose(a.item(), b.item(), rtol=1e-12)
        for p, q in zip(ours.parameters(), theirs.parameters()):
            np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=1e-10, atol=1e-12)
