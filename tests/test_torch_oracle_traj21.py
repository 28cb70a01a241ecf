"""Training step by step against PyTorch: LSTMs with projections (``proj_size``), with an
optimizer, a scheduler, gradients clipped by value, micro-batches and a checkpoint round
trip.

The same model, weights and batches in both; after every step the loss, every gradient
and parameter, the optimizer's state and the learning rates agree (float64 to 1e-10;
float32 to 1e-4: the frameworks round differently). Runs only where torch is installed.
"""

import copy

import numpy as np
import pytest
from test_torch_oracle_optim2 import _as_numpy
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()


class _LSTMHead:
    """An LSTM with projections (``proj_size``) read at its last step by a Linear, built
    in either library."""

    def __new__(cls, lib, **lstm):
        class Net(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.lstm = lib.nn.LSTM(3, 5, proj_size=2, batch_first=True, **lstm)
                self.head = lib.nn.Linear(4 if lstm.get("bidirectional") else 2, 3)

            def forward(self, x):
                out, (h, c) = self.lstm(x)
                return self.head(out[:, -1]) + c.sum(0)[:, :3]

        return Net()


# model, input shape, loss, optimizer, scheduler, clip_grad_value_ (None: no clipping),
# state_dict round trip after step k (None: none), micro-batches, zero_grad's set_to_none
PROGRAMS = {
    "lstm_proj_adam_steplr": (
        lambda L: _LSTMHead(L, num_layers=2, bidirectional=True), (6, 3, 3),
        lambda L: L.nn.CrossEntropyLoss(label_smoothing=0.1),
        lambda L, ps: L.optim.Adam(ps, lr=0.02, amsgrad=True, weight_decay=1e-3),
        lambda L, o: L.optim.lr_scheduler.StepLR(o, 3, 0.5), None, 4, 1, True,
    ),
    "lstm_proj_sgd_cosine_accumulated": (
        lambda L: _LSTMHead(L, bias=False), (5, 3, 3), lambda L: L.nn.MSELoss(reduction="sum"),
        lambda L, ps: L.optim.SGD(
            [{"params": ps[:2]}, {"params": ps[2:], "lr": 0.02}], lr=0.05, momentum=0.9,
            nesterov=True,
        ),
        lambda L, o: L.optim.lr_scheduler.CosineAnnealingLR(o, 4), 0.3, 3, 2, False,
    ),
    "lstm_proj_rmsprop_plateau_clipped": (
        lambda L: _LSTMHead(L, num_layers=2), (8, 3, 3), lambda L: L.nn.CrossEntropyLoss(),
        lambda L, ps: L.optim.RMSprop(ps, lr=0.01, momentum=0.5, centered=True),
        lambda L, o: L.optim.lr_scheduler.ReduceLROnPlateau(o, factor=0.5, patience=1),
        0.05, 4, 1, True,
    ),
    "lstm_proj_nadam_exponential_clipped": (
        lambda L: _LSTMHead(L, bidirectional=True, bias=False), (5, 3, 3),
        lambda L: L.nn.SmoothL1Loss(beta=0.5),
        lambda L, ps: L.optim.NAdam(ps, lr=0.01, weight_decay=0.01),
        lambda L, o: L.optim.lr_scheduler.ExponentialLR(o, 0.9), 0.1, 3, 2, False,
    ),
}  # fmt: skip
TOLERANCES = {"float64": dict(rtol=1e-10, atol=1e-12), "float32": dict(rtol=1e-4, atol=1e-5)}


def _twins(make_model, dtype):
    mg.manual_seed(0)
    ours = make_model(mg).to(getattr(mg, dtype))
    theirs = make_model(torch).to(getattr(torch, dtype))
    theirs.load_state_dict(
        {k: torch.from_numpy(v.data.copy()) for k, v in ours.state_dict().items()}
    )
    return ours, theirs


def _target(lib, loss, rng, batch):
    if isinstance(loss, lib.nn.CrossEntropyLoss):
        return lib.tensor(rng.integers(0, 3, batch))
    return lib.tensor(rng.normal(size=(batch, 3)))


def _assert_same_state(ours, theirs, tol):
    """The optimizers' state_dicts: the same buffers, of the same dtypes and values."""
    assert list(ours["state"]) == list(theirs["state"])
    for i, expected in theirs["state"].items():
        assert list(ours["state"][i]) == list(expected)
        for key, value in expected.items():
            mine = ours["state"][i][key]
            assert str(mine.dtype) == str(value.dtype).replace("torch.", "")
            np.testing.assert_allclose(mine.data, value.numpy(), **tol, err_msg=f"{i} {key}")
    for mine, group in zip(ours["param_groups"], theirs["param_groups"], strict=True):
        assert mine == group


@pytest.mark.filterwarnings("ignore:LSTM with projections is not supported with oneDNN")
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_training_program_matches_pytorch_step_by_step(name, dtype):
    program = PROGRAMS[name]
    make_model, shape, make_loss, make_opt, make_sched, clip, resume_at, micro, to_none = program
    ours, theirs = _twins(make_model, dtype)
    params, their_params = list(ours.parameters()), list(theirs.parameters())
    runs = {mg: [ours, make_opt(mg, params), make_loss(mg)],
            torch: [theirs, make_opt(torch, their_params), make_loss(torch)]}  # fmt: skip
    for lib, run in runs.items():
        run.append(make_sched(lib, run[1]))
    tol = TOLERANCES[dtype]
    rng = np.random.default_rng(3)
    for step in range(6):
        if step == resume_at:  # both resume from their state_dicts, as from a checkpoint
            for lib, ps in ((mg, params), (torch, their_params)):
                saved = copy.deepcopy((runs[lib][1].state_dict(), runs[lib][3].state_dict()))
                opt = make_opt(lib, ps)
                sched = make_sched(lib, opt)
                opt.load_state_dict(saved[0])
                sched.load_state_dict(saved[1])
                runs[lib][1], runs[lib][3] = opt, sched
        xs = [rng.normal(size=shape).astype(dtype) for _ in range(micro)]
        seeds = [int(rng.integers(1 << 30)) for _ in range(micro)]  # of the targets
        losses = []
        for lib, (model, opt, loss_fn, sched) in runs.items():
            opt.zero_grad(set_to_none=to_none)
            total = 0.0
            for x, seed in zip(xs, seeds):
                y = _target(lib, loss_fn, np.random.default_rng(seed), shape[0])
                loss = loss_fn(
                    model(lib.tensor(x)), y.to(getattr(lib, dtype)) if y.is_floating_point() else y
                )
                loss.backward()
                total += loss.item()
            if clip is not None:
                lib.nn.utils.clip_grad_value_(model.parameters(), clip)
            opt.step()
            if isinstance(sched, lib.optim.lr_scheduler.ReduceLROnPlateau):
                sched.step(total)
            else:
                sched.step()
            losses.append(total)
        np.testing.assert_allclose(losses[0], losses[1], **tol, err_msg=f"step {step}")
        for p, q in zip(params, their_params, strict=True):
            np.testing.assert_allclose(
                p.grad.data, _as_numpy(q.grad), **tol, err_msg=f"step {step}"
            )
            np.testing.assert_allclose(p.data, _as_numpy(q), **tol, err_msg=f"step {step}")
        _assert_same_state(runs[mg][1].state_dict(), runs[torch][1].state_dict(), tol)
        assert runs[mg][3].get_last_lr() == pytest.approx(runs[torch][3].get_last_lr(), rel=1e-12)
