"""The hand-derived MLP (minigrad.reference) on its own, and held against autograd."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim, reference
from minigrad.reference import ManualMLP, compare

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


# ---- against autograd: the module twin and compare -------------------------------------


def twin_sequential(sizes, activations, loss, dtype=np.float64, seed=0):
    """The twin nn.Sequential, built here from nn directly (not by to_module)."""
    mg.manual_seed(seed)
    modules = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh}
    layers = []
    for n_prev, n_l, g in zip(sizes[:-1], sizes[1:], activations):
        layers.append(nn.Linear(n_prev, n_l))
        if g in modules:
            layers.append(modules[g]())
    return nn.Sequential(*layers).to(dtype)


def row_batch(sizes, loss, m, seed=0):
    """The make_batch data in the modules' layout: x (m, n_0), y as the nn loss takes it."""
    X, Y = make_batch(sizes, loss, m, seed)
    y = Y.argmax(axis=0) if loss == "cross_entropy" else Y.T
    return X.T, y


@pytest.mark.parametrize("sizes, activations, loss", CASES, ids=CASE_IDS)
def test_gradients_agree_with_autograd_float64(sizes, activations, loss):
    model = twin_sequential(sizes, activations, loss)
    x, y = row_batch(sizes, loss, m=16)
    report = compare(model, x, y, loss)
    assert report.ok, str(report)
    assert [row.name for row in report.rows] == [name for name, _ in model.named_parameters()]
    for row in report.rows:
        assert row.max_abs <= 1e-12, str(report)
        assert row.shape == dict(model.named_parameters())[row.name].shape
    assert abs(report.loss_autograd - report.loss_manual) <= 1e-12


@pytest.mark.parametrize("sizes, activations, loss", CASES, ids=CASE_IDS)
def test_gradients_agree_with_autograd_float32(sizes, activations, loss):
    model = twin_sequential(sizes, activations, loss, dtype=np.float32)
    x, y = row_batch(sizes, loss, m=16)
    report = compare(model, mg.tensor(x.astype(np.float32)), y, loss)
    assert report.ok, str(report)
    assert report.dtype == np.float32
    assert ("float32" in str(report)) and "1e-05" in str(report)
    for row in report.rows:
        assert row.max_rel <= 1e-6, str(report)  # a few float32 roundings, ~6e-8 each


def test_report_table_names_every_row_and_both_losses():
    model = twin_sequential([2, 8, 4, 1], ["relu", "relu", "sigmoid"], "bce")
    report = compare(model, *row_batch([2, 8, 4, 1], "bce", m=8), "bce")
    text = str(report)
    for name in ("0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"):
        assert name in text
    assert "parameter" in text and "max_abs" in text and "max_rel" in text
    assert text.count("PASS") == 6 + 2  # six rows, the loss line, overall
    assert f"{report.loss_autograd:.12g}" in text and "1e-10" in text


def test_compare_leaves_the_models_grads_as_they_were():
    model = twin_sequential([3, 5, 2], ["tanh", "linear"], "mse")
    params = list(model.parameters())
    params[0].grad = mg.ones(params[0].shape, dtype=mg.float64)
    before = params[0].grad
    compare(model, *row_batch([3, 5, 2], "mse", m=4), "mse")
    assert params[0].grad is before
    np.testing.assert_array_equal(before.numpy(), 1.0)
    assert all(p.grad is None for p in params[1:])


@pytest.mark.parametrize("sizes, activations, loss", CASES[:4], ids=CASE_IDS[:4])
def test_100_sgd_steps_side_by_side_stay_together(sizes, activations, loss):
    model = twin_sequential(sizes, activations, loss)
    manual = ManualMLP.from_module(model, loss)
    names = reference.twin_parameter_names(model, loss)
    lr, l2 = 0.1, 0.01
    opt = optim.SGD(model.parameters(), lr=lr, weight_decay=l2)
    loss_module = reference.LOSS_MODULES[loss]()
    for step in range(100):
        X, Y = make_batch(sizes, loss, m=8, seed=step)
        x, y = row_batch(sizes, loss, m=8, seed=step)
        opt.zero_grad()
        target = mg.tensor(y) if loss != "cross_entropy" else mg.tensor(y.astype(np.int64))
        loss_module(model(mg.tensor(x)), target).backward()
        opt.step()
        manual.forward(X)
        manual.step(manual.backward(Y), lr, l2)
    for name, p in model.named_parameters():
        theta = manual.params[names[name]].reshape(p.shape)
        assert np.max(np.abs(p.detach().numpy() - theta)) <= 1e-9, name


def failing_rows(report):
    return {row.name for row in report.rows if not row.ok}


def test_wrong_sigmoid_derivative_fails_only_the_layers_below_it(monkeypatch):
    # 2-3-3-2 sigmoid/tanh/sigmoid, bce: the output sigmoid uses the shortcut dZ = (A - Y)/n_L,
    # so only layer 1 applies sigmoid' and only W1, b1 ("0.weight", "0.bias") can go wrong.
    sizes, activations, loss = CASES[3]
    model = twin_sequential(sizes, activations, loss)
    x, y = row_batch(sizes, loss, m=16)
    wrong = reference.Activation(reference.ACTIVATIONS["sigmoid"].g, lambda Z, A: A)  # not A(1-A)
    monkeypatch.setitem(reference.ACTIVATIONS, "sigmoid", wrong)
    report = compare(model, x, y, loss)
    assert not report.ok
    assert failing_rows(report) == {"0.weight", "0.bias"}, str(report)
    assert report.loss_ok  # the forward pass is untouched
    assert "FAIL" in str(report)


def test_missing_1_over_m_in_db_fails_every_bias_and_no_weight(monkeypatch):
    def linear_backward_without_m_in_db(dZ, A_prev, W, m):
        return dZ @ A_prev.T / m, dZ.sum(axis=1, keepdims=True), W.T @ dZ

    monkeypatch.setattr(reference, "linear_backward", linear_backward_without_m_in_db)
    sizes, activations, loss = CASES[0]
    model = twin_sequential(sizes, activations, loss)
    report = compare(model, *row_batch(sizes, loss, m=16), loss)
    assert failing_rows(report) == {"0.bias", "2.bias", "4.bias"}, str(report)


def test_missing_1_over_n_L_in_the_mse_rule_fails_every_parameter(monkeypatch):
    sizes, activations, loss = CASES[1]  # 3-5-2, n_L = 2
    monkeypatch.setitem(reference.LOSSES, "mse", reference.Loss(
        reference.LOSSES["mse"].per_sample, lambda A, Y: 2 * (A - Y)
    ))  # fmt: skip
    model = twin_sequential(sizes, activations, loss)
    report = compare(model, *row_batch(sizes, loss, m=16), loss)
    assert failing_rows(report) == {"0.weight", "0.bias", "2.weight", "2.bias"}, str(report)


def test_wrong_tanh_derivative_fails_only_the_layers_below_it(monkeypatch):
    sizes, activations, loss = CASES[5]  # 3-7-7-4 relu/tanh/softmax: tanh is layer 2
    wrong = reference.Activation(np.tanh, lambda Z, A: 1 - A)  # not 1 - A²
    monkeypatch.setitem(reference.ACTIVATIONS, "tanh", wrong)
    model = twin_sequential(sizes, activations, loss)
    report = compare(model, *row_batch(sizes, loss, m=16), loss)
    assert failing_rows(report) == {"0.weight", "0.bias", "2.weight", "2.bias"}, str(report)


@pytest.mark.parametrize("sizes, activations, loss", CASES, ids=CASE_IDS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_module_round_trips_are_exact(sizes, activations, loss, dtype):
    net = ManualMLP(sizes, activations, loss, dtype=dtype, seed=4)
    net.params["b1"] += 0.25  # nonzero biases, so b <-> bias is really exercised
    seq = net.to_module()
    back = ManualMLP.from_module(seq, loss)
    assert back.layer_sizes == net.layer_sizes and back.activations == net.activations
    assert back.dtype == np.dtype(dtype)
    for name, theta in net.params.items():
        np.testing.assert_array_equal(back.params[name], theta)
        assert back.params[name].dtype == np.dtype(dtype)
        assert back.params[name] is not theta  # copied, not shared

    model = twin_sequential(sizes, activations, loss, dtype=dtype)
    again = ManualMLP.from_module(model, loss).to_module()
    assert [type(module) for module in again] == [type(module) for module in model]
    state, state_again = model.state_dict(), again.state_dict()
    assert list(state) == list(state_again)
    for name in state:
        np.testing.assert_array_equal(state_again[name].numpy(), state[name].numpy())
        assert state_again[name].dtype == state[name].dtype


def test_twin_computes_the_same_function():
    sizes, activations, loss = CASES[5]
    net = ManualMLP(sizes, activations, loss, seed=5)
    x, _ = row_batch(sizes, loss, m=6)
    logits = net.to_module()(mg.tensor(x)).detach().numpy()
    net.forward(x.T)
    np.testing.assert_allclose(logits, net.cache["Z"][net.L].T, rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize(
    "make, loss, message",
    [
        (lambda: nn.Sequential(), "mse", "no Linear"),
        (lambda: nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.ReLU()), "mse", "directly follow"),
        (lambda: nn.Sequential(nn.ReLU(), nn.Linear(2, 3)), "mse", "directly follow"),
        (lambda: nn.Sequential(nn.Linear(2, 3), nn.Dropout()), "mse", r"module 1 \(Dropout\)"),
        (lambda: nn.Sequential(nn.Linear(2, 3), nn.Linear(4, 1)), "mse", "takes 4 inputs"),
        (lambda: nn.Sequential(nn.Linear(2, 3, bias=False)), "mse", "bias"),
        (lambda: nn.Sequential(nn.Linear(2, 3), nn.Softmax(dim=1)), "cross_entropy", "logits"),
        (lambda: nn.Sequential(nn.Linear(2, 3), nn.Sigmoid()), "cross_entropy", "end in a Linear"),
        (lambda: nn.Sequential(nn.Linear(2, 3)), "hinge", "unknown loss"),
        (
            lambda: nn.Sequential(nn.Sequential(nn.Linear(2, 3))),
            "mse",
            r"module 0 \(Sequential\)",
        ),
    ],
)
def test_sequentials_that_are_not_the_twin_are_refused(make, loss, message):
    with pytest.raises(ValueError, match=message):
        ManualMLP.from_module(make(), loss)


def test_from_module_wants_a_sequential():
    with pytest.raises(TypeError, match="Sequential"):
        ManualMLP.from_module(nn.Linear(2, 3), "mse")


def test_compare_checks_the_targets_shape():
    model = twin_sequential([3, 5, 2], ["tanh", "linear"], "mse")
    x, y = row_batch([3, 5, 2], "mse", m=4)
    with pytest.raises(ValueError, match=r"\(4, 2\)"):
        compare(model, x, y.T, "mse")


def test_example_runs_quick():
    script = Path(__file__).parents[1] / "examples" / "compare_backprop.py"
    result = subprocess.run(
        [sys.executable, str(script), "--quick"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "overall: PASS" in result.stdout and "final drift" in result.stdout


class _HalfGradTanh(nn.Tanh):
    """tanh forward, half of its gradient backward: a deliberately wrong derivative."""

    def forward(self, z):
        t = z.tanh()
        return 0.5 * t + 0.5 * t.detach()


def test_compare_catches_a_wrong_gradient_even_when_the_gradients_are_tiny():
    # nearly converged (gradients ~1e-11): an absolute tolerance of 1e-10 let 50% errors pass
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 5), _HalfGradTanh(), nn.Linear(5, 1)).double()
    x = mg.randn(64, 4, dtype=mg.float64)
    with mg.no_grad():
        y = model(x).numpy() + 1e-8 * np.random.default_rng(0).standard_normal((64, 1))
    report = compare(model, x, y, "mse")
    assert not report.ok
    assert [row.ok for row in report.rows] == [False, False, True, True], str(report)


def test_saturated_sigmoid_output_passes_no_gradient_as_bce_loss():
    # a float32 sigmoid rounds to exactly 1 at logit 17: nn.BCELoss's clamp of x(1 - x)
    # then sends back 0, and the hand-derived dZ[L] does the same
    model = twin_sequential([2, 3, 1], ["tanh", "sigmoid"], "bce", dtype=np.float32)
    with mg.no_grad():
        model[2].bias.fill_(40.0)
    x = np.random.default_rng(1).standard_normal((8, 2)).astype(np.float32)
    y = np.zeros((8, 1), np.float32)
    report = compare(model, x, y, "bce")
    assert report.ok, str(report)


def test_cross_entropy_targets_whose_rows_do_not_sum_to_one():
    model = twin_sequential([4, 6, 3], ["relu", "softmax"], "cross_entropy")
    x = np.random.default_rng(2).standard_normal((5, 4))
    y = np.random.default_rng(3).random((5, 3)) * 2  # rows sum to anything in (0, 6)
    report = compare(model, x, y, "cross_entropy")
    assert report.ok, str(report)


def test_compare_skips_frozen_parameters():
    model = twin_sequential([3, 5, 2], ["tanh", "linear"], "mse")
    model[0].bias.requires_grad_(False)
    report = compare(model, *row_batch([3, 5, 2], "mse", m=4), "mse")
    assert report.ok and [row.name for row in report.rows] == ["0.weight", "2.weight", "2.bias"]


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: ManualMLP([2, 3], ["relu"], "bce"), "sigmoid output"),
        (lambda: ManualMLP([2, 3], "relu", "mse"), "list of names"),
        (lambda: ManualMLP([2.7, 3], ["relu"], "mse"), "integers"),
    ],
)
def test_manual_mlp_refuses_what_it_cannot_derive(build, message):
    with pytest.raises((ValueError, TypeError), match=message):
        build()


@pytest.mark.parametrize(
    "y, error",
    [([0, 1, 3, 2], IndexError), ([0, 1, 0.5, 2], RuntimeError), ([0, 1, -1, 2], IndexError)],
)
def test_compare_refuses_class_indices_out_of_range_or_fractional(y, error):
    # nn.CrossEntropyLoss's types: IndexError out of bounds, RuntimeError for float indices
    model = twin_sequential([4, 6, 3], ["relu", "softmax"], "cross_entropy")
    x = np.random.default_rng(2).standard_normal((4, 4))
    with pytest.raises(error, match="class ind"):
        compare(model, x, np.array(y), "cross_entropy")


def test_compare_refuses_a_linear_used_twice():
    shared = nn.Linear(3, 3).double()
    model = nn.Sequential(shared, nn.Tanh(), shared)
    with pytest.raises(ValueError, match="used twice"):
        compare(model, np.zeros((2, 3)), np.zeros((2, 3)), "mse")


def test_manual_mlp_checks_its_parameters_and_bce_targets():
    net = ManualMLP([2, 3, 1], ["tanh", "sigmoid"], "bce", seed=0)
    net.forward(np.zeros((2, 4)))
    with pytest.raises(RuntimeError, match="between 0 and 1"):  # as nn.BCELoss
        net.backward(np.full((1, 4), 3.0))
    net.params["W1"] = np.ones((3, 3))
    with pytest.raises(ValueError, match=r"params\['W1'\] must have shape \(3, 2\)"):
        net.to_module()
    with pytest.raises(ValueError, match="W1"):
        net.forward(np.zeros((2, 4)))


def test_compare_refuses_float_class_targets_and_an_empty_batch():
    model = twin_sequential([4, 6, 3], ["relu", "softmax"], "cross_entropy")
    with pytest.raises(RuntimeError, match="integer class indices"):  # as nn.CrossEntropyLoss
        compare(model, np.zeros((4, 4)), np.ones(4), "cross_entropy")
    with pytest.raises(ValueError, match="at least one sample"):
        compare(model, np.zeros((0, 4)), np.zeros(0, np.int64), "cross_entropy")
