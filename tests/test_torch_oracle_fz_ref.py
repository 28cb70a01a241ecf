"""minigrad.reference against PyTorch: ManualMLP's forward, loss and hand-derived gradients
beside the same network built in torch, the module twin, and compare()'s report.

Tolerances. float64: rtol 1e-10 of the largest entry of each gradient tensor. float32: the
float32 epsilon times a problem factor K = 64 (L + 1) max(n_l) m, the number of roundings a
gradient entry goes through (L layers, sums over at most max(n_l) terms and m samples) with
a margin of 64; the inputs here are well-conditioned (no saturated tanh/sigmoid).
"""

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg
from minigrad import nn
from minigrad.reference import ManualMLP, compare

torch = import_torch()

HIDDEN = ["relu", "sigmoid", "tanh", "linear"]
TORCH_ACT = {"relu": "ReLU", "sigmoid": "Sigmoid", "tanh": "Tanh"}
TORCH_DTYPE = {np.float64: torch.float64, np.float32: torch.float32}


def random_config(rng):
    L = int(rng.integers(1, 7))
    sizes = [int(rng.integers(1, 6))] + [int(rng.integers(1, 10)) for _ in range(L)]
    loss = str(rng.choice(["bce", "mse", "cross_entropy"]))
    last = {"bce": "sigmoid", "cross_entropy": "softmax"}.get(loss) or str(rng.choice(HIDDEN))
    activations = [str(rng.choice(HIDDEN)) for _ in range(L - 1)] + [last]
    return sizes, activations, loss


def make_targets(rng, loss, n_L, m, dtype):
    """Y (n_L, m) for ManualMLP and the target torch's loss takes (class indices for CE)."""
    if loss == "cross_entropy":
        classes = rng.integers(0, n_L, m)
        return np.eye(n_L, dtype=dtype)[classes].T, torch.from_numpy(classes)
    if loss == "bce":
        Y = rng.random((n_L, m)).astype(dtype)
    else:
        Y = rng.standard_normal((n_L, m)).astype(dtype)
    return Y, torch.from_numpy(Y.T.copy())


def torch_twin(net):
    """The same network in torch: Linear + activation modules, W[l] and b[l] copied."""
    layers = []
    for l in range(1, net.L + 1):
        W, b = net.params[f"W{l}"], net.params[f"b{l}"]
        linear = torch.nn.Linear(W.shape[1], W.shape[0], dtype=TORCH_DTYPE[net.dtype.type])
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W.copy()))
            linear.bias.copy_(torch.from_numpy(b[:, 0].copy()))
        layers.append(linear)
        if net.activations[l - 1] in TORCH_ACT:
            layers.append(getattr(torch.nn, TORCH_ACT[net.activations[l - 1]])())
    return torch.nn.Sequential(*layers)


def torch_run(net, X, target):
    """(output as A[L]ᵀ after softmax for CE, loss, [(dW1, db1), ...]) from torch autograd."""
    seq = torch_twin(net)
    out = seq(torch.from_numpy(X.T.copy()))
    loss_module = {"bce": torch.nn.BCELoss, "mse": torch.nn.MSELoss,
                   "cross_entropy": torch.nn.CrossEntropyLoss}[net.loss_name]  # fmt: skip
    J = loss_module(reduction="mean")(out, target)
    J.backward()
    if net.loss_name == "cross_entropy":
        out = torch.softmax(out, dim=1)
    grads = [(layer.weight.grad.numpy(), layer.bias.grad.numpy().reshape(-1, 1))
             for layer in seq if isinstance(layer, torch.nn.Linear)]  # fmt: skip
    return out.detach().numpy(), J.item(), grads


def tolerance(net, m):
    if net.dtype == np.float64:
        return 1e-10
    return float(np.finfo(np.float32).eps) * 64 * (net.L + 1) * max(net.layer_sizes) * m


def assert_close(got, expected, rtol, what):
    assert got.shape == expected.shape, what
    scale = max(np.abs(expected).max(initial=0), np.finfo(expected.dtype).tiny)
    assert np.abs(got.astype(np.float64) - expected).max(initial=0) <= rtol * scale, what


def check_against_torch(net, X, Y, target):
    m = X.shape[1]
    rtol = tolerance(net, m)
    out, loss, torch_grads = torch_run(net, X, target)
    A = net.forward(X)
    assert A.dtype == net.dtype
    assert_close(A.T, out, rtol, "forward")
    assert abs(net.loss(Y) - loss) <= rtol * max(1.0, abs(loss))
    grads = net.backward(Y)
    for l, (dW, db) in enumerate(torch_grads, start=1):
        assert grads[f"dW{l}"].dtype == net.dtype and grads[f"db{l}"].shape == db.shape
        assert_close(grads[f"dW{l}"], dW, rtol, f"dW{l}")
        assert_close(grads[f"db{l}"], db, rtol, f"db{l}")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("seed", range(40))
def test_random_networks_match_torch(seed, dtype):
    rng = np.random.default_rng(seed)
    sizes, activations, loss = random_config(rng)
    m = int(rng.integers(1, 18))
    net = ManualMLP(sizes, activations, loss, dtype=dtype, seed=seed)
    for l in range(1, net.L + 1):
        net.params[f"b{l}"] = (0.5 * rng.standard_normal((sizes[l], 1))).astype(dtype)
    X = rng.standard_normal((sizes[0], m)).astype(dtype)
    Y, target = make_targets(rng, loss, sizes[-1], m, dtype)
    check_against_torch(net, X, Y, target)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
def test_relu_ties_at_the_kink_match_torch(loss, dtype):
    """Weights and inputs in {-1, 0, 1}: many Z entries exactly 0, where relu'(0) = 0."""
    rng = np.random.default_rng(5)
    sizes = [4, 7, 6, 3]
    last = "softmax" if loss == "cross_entropy" else "linear"
    net = ManualMLP(sizes, ["relu", "relu", last], loss, dtype=dtype)
    for l in range(1, net.L + 1):
        net.params[f"W{l}"] = rng.integers(-1, 2, (sizes[l], sizes[l - 1])).astype(dtype)
        net.params[f"b{l}"] = rng.integers(-1, 2, (sizes[l], 1)).astype(dtype)
    X = rng.integers(-1, 2, (sizes[0], 13)).astype(dtype)
    net.forward(X)
    assert (net.cache["Z"][1] == 0).sum() > 5  # the kink is really hit
    Y, target = make_targets(rng, loss, sizes[-1], 13, dtype)
    check_against_torch(net, X, Y, target)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_large_logits_match_torch(dtype):
    rng = np.random.default_rng(3)
    net = ManualMLP([3, 5], ["softmax"], "cross_entropy", dtype=dtype, seed=3)
    X = (1e4 * rng.standard_normal((3, 9))).astype(dtype)
    Y, target = make_targets(rng, "cross_entropy", 5, 9, dtype)
    check_against_torch(net, X, Y, target)
    assert np.isfinite(net.loss(Y))


@pytest.mark.parametrize(
    "dtype, logits",
    [(np.float64, [30.0, 36.0, 37.0, 40.0, -40.0]), (np.float32, [15.0, 16.0, 17.0, -20.0])],
)
def test_saturated_sigmoid_bce_matches_torch(dtype, logits):
    """A sigmoid output rounded to 1 as torch rounds it (1 / (1 + exp(-z))): bce's log(1 - A)
    is then clamped at -100 in both, and its gradient is 0 in both. (Before the fix
    ManualMLP computed exp(-log(1 + exp(-z))), which rounds to 1 - 2^-53 at z = 37.)"""
    n = len(logits)
    net = ManualMLP([1, n], ["sigmoid"], "bce", dtype=dtype)
    net.params["W1"] = np.zeros((n, 1), dtype)
    net.params["b1"] = np.array(logits, dtype).reshape(n, 1)
    X = np.ones((1, 2), dtype)
    Y = np.zeros((n, 2), dtype)
    out, loss, [(dW, db)] = torch_run(net, X, torch.from_numpy(Y.T.copy()))
    A = net.forward(X).T
    np.testing.assert_allclose(A, out, rtol=np.finfo(dtype).eps, atol=0)  # exp's last bit
    np.testing.assert_array_equal(A == 1, out == 1)
    assert net.loss(Y) == pytest.approx(loss, rel=tolerance(net, 2))
    np.testing.assert_allclose(net.backward(Y)["db1"], db, rtol=tolerance(net, 2), atol=0)


@pytest.mark.parametrize("seed", range(12))
def test_twin_round_trip_and_compare_report_match_torch(seed):
    rng = np.random.default_rng(100 + seed)
    sizes, activations, loss = random_config(rng)
    dtype = [np.float64, np.float32][seed % 2]
    m = int(rng.integers(1, 18))
    net = ManualMLP(sizes, activations, loss, dtype=dtype, seed=seed)
    seq = net.to_module()
    expected_kinds = []
    for name in activations:
        expected_kinds += ["Linear"] + ([TORCH_ACT[name]] if name in TORCH_ACT else [])
    assert [type(module).__name__ for module in seq] == expected_kinds
    back = ManualMLP.from_module(seq, loss)
    assert back.layer_sizes == sizes and back.activations == activations
    for key, value in net.params.items():
        assert back.params[key].dtype == value.dtype
        np.testing.assert_array_equal(back.params[key], value)

    X = rng.standard_normal((sizes[0], m)).astype(dtype)
    Y, target = make_targets(rng, loss, sizes[-1], m, dtype)
    _, torch_loss, _ = torch_run(net, X, target)
    report = compare(seq, X.T, target.numpy(), loss)
    assert report.ok, str(report)
    assert [row.name for row in report.rows] == [n for n, _ in seq.named_parameters()]
    assert [row.shape for row in report.rows] == [tuple(p.shape) for p in seq.parameters()]
    rtol = tolerance(net, m)
    assert report.loss_autograd == pytest.approx(torch_loss, rel=rtol, abs=rtol)
    assert report.loss_manual == pytest.approx(torch_loss, rel=rtol, abs=rtol)


def test_compare_fails_a_corrupted_backward(monkeypatch):
    rng = np.random.default_rng(0)
    net = ManualMLP([3, 5, 4], ["tanh", "softmax"], "cross_entropy", seed=0)
    X, (_, target) = (
        rng.standard_normal((3, 6)),
        make_targets(rng, "cross_entropy", 4, 6, np.float64),
    )
    seq = net.to_module()
    assert compare(seq, X.T, target.numpy(), "cross_entropy").ok
    original = ManualMLP.backward

    def backward(self, Y):
        grads = original(self, Y)
        grads["dW1"] = grads["dW1"] * (1 + 1e-6)
        return grads

    monkeypatch.setattr(ManualMLP, "backward", backward)
    report = compare(seq, X.T, target.numpy(), "cross_entropy")
    assert not report.ok
    assert [row.name for row in report.rows if not row.ok] == ["0.weight"]


def test_bad_targets_raise_the_types_torch_losses_raise():
    net = ManualMLP([2, 3], ["sigmoid"], "bce", seed=0)
    net.forward(np.zeros((2, 4)))
    with pytest.raises(RuntimeError):
        torch.nn.BCELoss()(torch.full((4, 3), 0.5), torch.full((4, 3), 2.0))
    with pytest.raises(RuntimeError, match=r"between 0 and 1.*\(3, 4\).*2\.0"):
        net.backward(np.full((3, 4), 2.0))

    seq = ManualMLP([2, 3], ["softmax"], "cross_entropy", seed=0).to_module()
    x = np.zeros((2, 2))
    cases = [(np.array([0, 3]), IndexError), (np.array([0.0, 1.0]), RuntimeError),
             (np.array([0, -1]), IndexError), (np.array([0, 1, 2]), ValueError)]  # fmt: skip
    for y, error in cases:
        with pytest.raises(error):
            torch.nn.CrossEntropyLoss()(torch.zeros(2, 3), torch.from_numpy(y))
        with pytest.raises(error, match=str(y.shape) if error is ValueError else "class ind"):
            compare(seq, x, y, "cross_entropy")


def test_bad_names_and_shapes_raise_value_error():
    with pytest.raises(ValueError, match="relux"):
        ManualMLP([2, 3, 1], ["relux", "sigmoid"], "bce")
    with pytest.raises(ValueError, match="'BCE'"):
        ManualMLP([2, 3, 1], ["relu", "sigmoid"], "BCE")
    with pytest.raises(ValueError, match=r"softmax.*hidden layer 1"):
        ManualMLP([2, 3, 2], ["softmax", "softmax"], "cross_entropy")
    net = ManualMLP([2, 3], ["sigmoid"], "bce", seed=0)
    with pytest.raises(ValueError, match=r"\(2, m\).*\(3, 4\)"):
        net.forward(np.ones((3, 4)))
    net.forward(np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"\(3, 4\).*\(3, 5\)"):
        net.backward(np.ones((3, 5)))
    with pytest.raises(ValueError, match="'xent'"):
        compare(net.to_module(), np.ones((4, 2)), np.ones((4, 3)), "xent")
    with pytest.raises(ValueError, match=r"\(m, 2\).*\(4, 3\)"):
        compare(net.to_module(), np.ones((4, 3)), np.ones((4, 3)), "bce")
    seq = nn.Sequential(nn.Linear(2, 3).double(), nn.Softmax(dim=1))
    with pytest.raises(ValueError, match="Softmax"):
        compare(seq, np.ones((4, 2)), np.zeros(4, np.int64), "cross_entropy")
    assert mg.float64 == seq[0].weight.dtype


@pytest.mark.parametrize("normalized", [True, False])
def test_cross_entropy_with_class_probabilities_matches_torch(normalized):
    """Y of probabilities (columns summing to 1, or not): nn.CrossEntropyLoss's
    probability targets, dZ[L] = A Σ_k Y[k] - Y."""
    rng = np.random.default_rng(11)
    net = ManualMLP([3, 6, 4], ["tanh", "softmax"], "cross_entropy", seed=11)
    X = rng.standard_normal((3, 7))
    Y = rng.random((4, 7))
    if normalized:
        Y /= Y.sum(axis=0, keepdims=True)
    check_against_torch(net, X, Y, torch.from_numpy(Y.T.copy()))
    assert compare(net.to_module(), X.T, Y.T, "cross_entropy").ok
