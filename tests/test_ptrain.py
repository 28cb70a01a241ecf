"""Training-loop pieces checked without PyTorch: the documented formulas written out in
NumPy."""

import itertools

import numpy as np
import pytest

import minigrad as mg


def _model_with_grads():
    mg.manual_seed(0)
    model = mg.nn.Sequential(mg.nn.Linear(3, 4), mg.nn.Tanh(), mg.nn.Linear(4, 2)).double()
    x = mg.tensor(np.random.default_rng(0).normal(size=(5, 3)))
    (model(x) ** 2).sum().mul(50).backward()
    return model


# one-shot iterables other than generators: each yields the parameters only once
ITERABLES = {
    "filter": lambda m: filter(lambda p: p.requires_grad, m.parameters()),
    "chain": lambda m: itertools.chain(m[0].parameters(), m[2].parameters()),
    "iter": lambda m: iter(list(m.parameters())),
    "map": lambda m: map(lambda p: p, m.parameters()),
}


@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf")])
@pytest.mark.parametrize("kind", sorted(ITERABLES))
def test_clip_grad_norm_clips_the_gradients_of_a_one_shot_iterable(kind, norm_type):
    model = _model_with_grads()
    before = [p.grad.data.copy() for p in model.parameters()]
    flat = np.concatenate([g.ravel() for g in before])
    expected_norm = np.linalg.norm(flat, norm_type)
    total = mg.nn.utils.clip_grad_norm_(ITERABLES[kind](model), 0.5, norm_type=norm_type)
    np.testing.assert_allclose(total.item(), expected_norm, rtol=1e-12)
    scale = min(1.0, 0.5 / (expected_norm + 1e-6))
    assert scale < 1.0
    for g, p in zip(before, model.parameters(), strict=True):
        np.testing.assert_allclose(p.grad.data, g * scale, rtol=1e-12)
