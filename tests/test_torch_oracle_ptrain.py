"""Training step by step against PyTorch (probe round ``ptrain``).

The same model, weights and batches in both frameworks; after every step the loss, every
gradient, every parameter and buffer, the optimizer's state and the learning rates agree.
"""

import itertools

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()


def _twin_mlps():
    mg.manual_seed(0)
    ours = mg.nn.Sequential(mg.nn.Linear(3, 4), mg.nn.Tanh(), mg.nn.Linear(4, 2)).double()
    theirs = torch.nn.Sequential(
        torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2)
    ).double()
    theirs.load_state_dict({k: torch.tensor(v.data) for k, v in ours.state_dict().items()})
    return ours, theirs


ONE_SHOT = {
    "filter": lambda m: filter(lambda p: p.requires_grad, m.parameters()),
    "chain": lambda m: itertools.chain(m[0].parameters(), m[2].parameters()),
    "iter": lambda m: iter(list(m.parameters())),
}


@pytest.mark.parametrize("clip", ["norm2", "norm_inf", "value"])
@pytest.mark.parametrize("kind", sorted(ONE_SHOT))
def test_clipping_a_one_shot_iterable_of_parameters_trains_as_pytorch(kind, clip):
    ours, theirs = _twin_mlps()
    runs = [
        (lib, model, lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.9))
        for lib, model in ((mg, ours), (torch, theirs))
    ]
    rng = np.random.default_rng(1)
    for _ in range(5):
        x = rng.normal(size=(6, 3))
        norms = []
        for lib, model, opt in runs:
            opt.zero_grad()
            (model(lib.tensor(x)) ** 2).sum().mul(20).backward()
            params = ONE_SHOT[kind](model)
            if clip == "value":
                lib.nn.utils.clip_grad_value_(params, 0.1)
            else:
                norm_type = 2.0 if clip == "norm2" else float("inf")
                norms.append(lib.nn.utils.clip_grad_norm_(params, 0.5, norm_type).item())
            opt.step()
        np.testing.assert_allclose(norms[:1], norms[1:], rtol=1e-12)
        for p, q in zip(ours.parameters(), theirs.parameters(), strict=True):
            np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-10, atol=1e-12)
            np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=1e-10, atol=1e-12)
