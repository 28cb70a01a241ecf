"""Torch-free checks of the pnn round's names: optim.Adafactor, Muon and SparseAdam by
their documented formulas in NumPy; nn.DataParallel, SyncBatchNorm, Container, NLLLoss2d,
CrossMapLRN2d; the torch.* aten forms of the losses and RNN cells by gradcheck."""

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad.optim.muon import _bfloat16, _newton_schulz


def test_adafactor_one_factored_step_by_formula():
    rng = np.random.default_rng(0)
    theta, g = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    p = mg.tensor(theta, requires_grad=True)
    opt = mg.optim.Adafactor([p], lr=0.5, weight_decay=0.1)
    p.grad = mg.tensor(g)
    opt.step()
    # step 1: β̂ = 1, ρ = min(0.5, 1) = 0.5, α = max(1e-3, RMS(θ)) ρ
    alpha = max(1e-3, np.sqrt(np.mean(theta**2))) * 0.5
    r, c = np.mean(g**2, axis=1, keepdims=True), np.mean(g**2, axis=0, keepdims=True)
    v = r @ c / max(np.mean(r), np.finfo(np.float64).eps)
    u = g / np.sqrt(v)
    expected = theta * (1 - 0.5 * 0.1) - alpha * u / max(1.0, np.sqrt(np.mean(u**2)))
    np.testing.assert_allclose(p.detach().numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(opt.state[p]["row_var"].numpy(), r, rtol=1e-12)
    assert opt.state[p]["col_var"].shape == (1, 4)
    assert "variance" not in opt.state[p]


def test_adafactor_vector_steps_by_formula():
    theta = np.array([1.0, -2.0, 0.5])
    grads = [np.array([0.3, -0.1, 2.0]), np.array([-1.0, 0.2, 0.4])]
    p = mg.tensor(theta, requires_grad=True)
    opt = mg.optim.Adafactor([p], lr=0.3, d=1.5, maximize=True)
    v = np.zeros(3)
    for t, g in enumerate(grads, 1):
        p.grad = mg.tensor(g)
        opt.step()
        g = -g
        beta = t**-0.8
        alpha = max(1e-3, np.sqrt(np.mean(theta**2))) * min(0.3, 1 / math.sqrt(t))
        v = v + beta * (g * g - v)
        u = g / np.sqrt(np.maximum(v, np.finfo(np.float64).eps ** 2))
        theta = theta - alpha * u / max(1.0, np.sqrt(np.mean(u**2)) / 1.5)
        np.testing.assert_allclose(p.detach().numpy(), theta, rtol=1e-12)
    assert opt.state[p]["step"].item() == 2.0


def test_adafactor_state_dict_round_trip_with_factored_state():
    p = mg.ones(2, 3, requires_grad=True)
    opt = mg.optim.Adafactor([p])
    p.grad = mg.ones(2, 3)
    opt.step()
    q = mg.ones(2, 3, requires_grad=True)
    other = mg.optim.Adafactor([q])
    other.load_state_dict(opt.state_dict())
    assert other.state[q]["row_var"].shape == (2, 1)


def test_bfloat16_rounding_ties_to_even():
    one_ulp = 2.0**-7  # bfloat16 keeps 8 significant bits
    x = np.array([1.0 + one_ulp / 2, 1.0 + 3 * one_ulp / 2, 1.0 + one_ulp / 4, -3.0])
    np.testing.assert_array_equal(
        _bfloat16(x), np.array([1.0, 1.0 + 2 * one_ulp, 1.0, -3.0], np.float32)
    )


@pytest.mark.parametrize("shape", [(4, 7), (9, 3), (5, 5)])
def test_newton_schulz_nearly_orthogonalises(shape):
    """Muon's iteration leaves the singular values of the result near 1 (its quintic
    lands them in roughly [0.7, 1.2]), whatever those of g are."""
    g = np.random.default_rng(1).standard_normal(shape) * np.linspace(0.1, 10, shape[1])
    s = np.linalg.svd(_newton_schulz(g, (3.4445, -4.7750, 2.0315), 5, 1e-7), compute_uv=False)
    assert s.min() > 0.6 and s.max() < 1.3


def test_muon_step_by_formula():
    rng = np.random.default_rng(2)
    theta, g = rng.standard_normal((6, 3)), rng.standard_normal((6, 3))
    p = mg.tensor(theta, requires_grad=True)
    opt = mg.optim.Muon([p], lr=0.1, weight_decay=0.2, momentum=0.9)
    p.grad = mg.tensor(g)
    opt.step()
    buf = 0.1 * g  # b ← b + (1 - μ)(g - b) from b = 0
    update = g + 0.9 * (buf - g)  # nesterov
    ortho = _newton_schulz(update, (3.4445, -4.7750, 2.0315), 5, 1e-7)
    expected = theta * (1 - 0.1 * 0.2) - 0.1 * math.sqrt(6 / 3) * ortho
    np.testing.assert_allclose(p.detach().numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(opt.state[p]["momentum_buffer"].numpy(), buf, rtol=1e-12)


def test_muon_match_rms_adamw_scales_by_largest_side():
    p = mg.zeros(2, 8, requires_grad=True)
    opt = mg.optim.Muon([p], lr=1.0, weight_decay=0.0, adjust_lr_fn="match_rms_adamw")
    p.grad = mg.ones(2, 8)
    opt.step()
    ortho = _newton_schulz(np.ones((2, 8)) * 0.05 + 0.95 * 0.05, (3.4445, -4.7750, 2.0315), 5, 1e-7)
    np.testing.assert_allclose(p.detach().numpy(), -0.2 * math.sqrt(8) * ortho, rtol=1e-6)


def test_muon_refuses_non_matrices():
    with pytest.raises(ValueError, match="2D"):
        mg.optim.Muon([mg.zeros(3, requires_grad=True)])


def test_sparse_adam_refuses_dense_gradients():
    p = mg.zeros(2, requires_grad=True)
    opt = mg.optim.SparseAdam([p])
    p.grad = mg.ones(2)
    with pytest.raises(RuntimeError, match="SparseAdam does not support dense gradients"):
        opt.step()
    np.testing.assert_array_equal(p.detach().numpy(), [0.0, 0.0])
