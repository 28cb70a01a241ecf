"""The hand-derived MLP (minigrad.reference) on its own, and held against autograd."""

import numpy as np
import pytest

from minigrad import reference
from minigrad.reference import ManualMLP

# (layer_sizes, activations, loss): every activation, every loss, both shortcuts, the
# general dA * g'(Z) rule at the output, and n_L > 1 for the elementwise-mean losses.
CASES = [
    ([2, 8, 4, 1], ["relu", "relu", "sigmoid"], "bce"),
    ([3, 5, 2], ["tanh", "linear"], "mse"),
    ([4, 6, 3], ["relu", "softmax"], "cross_entropy"),
    ([2, 3, 3, 2], ["sigmoid", "tanh", "sigmoid"], "bce"),
    ([5, 4], ["linear"], "mse"),
    ([3, 7, 7, 4], ["relu", "tanh", "softmax"], "cross_entropy"),
    ([3, 4, 2], ["tanh", "sigmoid"], "mse"),
]
CASE_IDS = ["-".join(map(str, sizes)) + f"-{loss}" for sizes, _, loss in CASES]


def make_batch(layer_sizes, loss, m, seed=0):
    """A batch in the textbook layout: X (n_0, m) and Y (n_L, m), one-hot for cross_entropy."""
    rng = np.random.default_rng(seed)
    n_0, n_L = layer_sizes[0], layer_sizes[-1]
    X = rng.standard_normal((n_0, m))
    if loss == "bce":
        Y = rng.integers(0, 2, size=(n_L, m)).astype(np.float64)
    elif loss == "mse":
        Y = rng.standard_normal((n_L, m))
    else:
        Y = np.eye(n_L)[rng.integers(0, n_L, size=m)].T
    return X, Y


def seed_toy_data(m, seed=0):
    """The lesson's toy problem: y = 1 when x lies on the positive side of v1 or of v2."""
    rng = np.random.default_rng(seed)
    v1, v2 = rng.standard_normal((2, 1)), rng.standard_normal((2, 1))
    X = rng.standard_normal((2, m))
    Y = np.minimum((v1.T @ X > 0).astype(float) + (v2.T @ X > 0).astype(float), 1)
    return X, Y


# ---- ManualMLP on its own ---------------------------------------------------------------


def test_forward_shapes_and_cache():
    net = ManualMLP([2, 8, 4, 1], ["relu", "relu", "sigmoid"], "bce", seed=0)
    assert {k: v.shape for k, v in net.params.items()} == {
        "W1": (8, 2), "b1": (8, 1), "W2": (4, 8), "b2": (4, 1), "W3": (1, 4), "b3": (1, 1),
    }  # fmt: skip
    X, Y = make_batch([2, 8, 4, 1], "bce", m=5)
    A_L = net.forward(X)
    assert A_L.shape == (1, 5)
    Z, A = net.cache["Z"], net.cache["A"]
    assert [a.shape for a in A] == [(2, 5), (8, 5), (4, 5), (1, 5)]
    np.testing.assert_array_equal(Z[1], net.params["W1"] @ X + net.params["b1"])
    np.testing.assert_array_equal(A[1], np.maximum(Z[1], 0))
    grads = net.backward(Y)
    assert list(grads) == ["dW1", "db1", "dW2", "db2", "dW3", "db3"]
    assert all(grads["d" + name].shape == p.shape for name, p in net.params.items())


@pytest.mark.parametrize("sizes, activations, loss", CASES, ids=CASE_IDS)
def test_backward_matches_central_differences(sizes, activations, loss):
    net = ManualMLP(sizes, activations, loss, seed=1)
    X, Y = make_batch(sizes, loss, m=6, seed=2)
    net.forward(X)
    grads = net.backward(Y)
    eps = 1e-6
    for name, theta in net.params.items():
        numeric = np.zeros_like(theta)
        for index in np.ndindex(theta.shape):
            saved = theta[index]
            theta[index] = saved + eps
            net.forward(X)
            J_plus = net.loss(Y)
            theta[index] = saved - eps
            net.forward(X)
            J_minus = net.loss(Y)
            theta[index] = saved
            numeric[index] = (J_plus - J_minus) / (2 * eps)
        np.testing.assert_allclose(grads["d" + name], numeric, rtol=1e-5, atol=1e-8, err_msg=name)


@pytest.mark.parametrize("loss, n_L", [("bce", 3), ("mse", 3), ("cross_entropy", 3)])
def test_loss_is_averaged_as_the_nn_loss(loss, n_L):
    activation = {"bce": "sigmoid", "mse": "tanh", "cross_entropy": "softmax"}[loss]
    net = ManualMLP([2, n_L], [activation], loss, seed=0)
    X, Y = make_batch([2, n_L], loss, m=7)
    A = net.forward(X)
    if loss == "bce":
        elementwise = -(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    elif loss == "mse":
        elementwise = (A - Y) ** 2
    else:
        elementwise = -Y * np.log(A)
    # bce and mse average over all n_L * m elements, cross-entropy over the m samples
    expected = elementwise.sum() / (7 if loss == "cross_entropy" else n_L * 7)
    assert net.loss(Y) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("sizes, activations, loss", [CASES[0], CASES[3]], ids=["n_L=1", "n_L=2"])
def test_sigmoid_bce_shortcut_equals_the_general_rule(sizes, activations, loss, monkeypatch):
    net = ManualMLP(sizes, activations, loss, seed=3)
    X, Y = make_batch(sizes, loss, m=9)
    net.forward(X)
    with_shortcut = net.backward(Y)
    monkeypatch.setattr(reference, "SHORTCUTS", {})  # dZ[L] = dA[L] * g'(Z[L]) instead
    general = net.backward(Y)
    for name in with_shortcut:
        np.testing.assert_allclose(with_shortcut[name], general[name], rtol=1e-12, atol=1e-15)


def test_step_is_gradient_descent_with_l2():
    net = ManualMLP([3, 5, 2], ["tanh", "linear"], "mse", seed=0)
    X, Y = make_batch([3, 5, 2], "mse", m=4)
    before = {name: theta.copy() for name, theta in net.params.items()}
    net.forward(X)
    grads = net.backward(Y)
    net.step(grads, lr=0.5, l2=0.1)
    for name, theta in net.params.items():
        expected = before[name] - 0.5 * (grads["d" + name] + 0.1 * before[name])
        np.testing.assert_array_equal(theta, expected)


def test_train_learns_the_seed_toy_problem():
    X, Y = seed_toy_data(2000)
    net = ManualMLP([2, 8, 4, 1], ["relu", "relu", "sigmoid"], "bce", seed=0)
    losses = net.train(X, Y, lr=0.5, epochs=20, batch_size=64, l2=1e-4, seed=0)
    assert np.mean(losses[-30:]) < 0.5 * np.mean(losses[:30])
    accuracy = np.mean((net.forward(X) > 0.5) == Y)
    assert accuracy > 0.9


def test_float32_network_computes_in_float32():
    net = ManualMLP([4, 6, 3], ["relu", "softmax"], "cross_entropy", dtype=np.float32, seed=0)
    X, Y = make_batch([4, 6, 3], "cross_entropy", m=5)
    assert net.forward(X).dtype == np.float32
    assert all(g.dtype == np.float32 for g in net.backward(Y).values())


@pytest.mark.parametrize(
    "sizes, activations, loss, message",
    [
        ([3], [], "mse", "at least two"),
        ([3, 2], ["relu", "relu"], "mse", "activations"),
        ([3, 2], ["gelu"], "mse", "unknown activation"),
        ([3, 2], ["linear"], "hinge", "unknown loss"),
        ([3, 4, 2], ["softmax", "softmax"], "cross_entropy", "last activation"),
        ([3, 2], ["linear"], "cross_entropy", "softmax"),
        ([3, 2], ["softmax"], "mse", "softmax"),
    ],
)
def test_bad_architectures_are_refused(sizes, activations, loss, message):
    with pytest.raises(ValueError, match=message):
        ManualMLP(sizes, activations, loss)


def test_backward_checks_labels():
    net = ManualMLP([3, 2], ["linear"], "mse")
    with pytest.raises(RuntimeError, match="forward"):
        net.backward(np.zeros((2, 4)))
    net.forward(np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"\(2, 4\)"):
        net.backward(np.zeros((4, 2)))
