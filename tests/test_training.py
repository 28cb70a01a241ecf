"""End-to-end training: small PyTorch-style scripts reach the accuracy the lessons report.

Every run has fixed seeds (minigrad's for the weights and shuffling, NumPy's for the
data) and takes a second or two.
"""

import numpy as np

import minigrad as mg
from minigrad import nn, optim
from minigrad.data import DataLoader, TensorDataset


def _standardize(train, *others):
    mean, std = train.mean(0), train.std(0)
    return [(a - mean) / std for a in (train, *others)]


def test_xor_with_a_2_4_1_network_reaches_100_percent():
    mg.manual_seed(0)
    x = mg.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = mg.tensor([[0.0], [1.0], [1.0], [0.0]])
    model = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))
    loss_fn = nn.BCEWithLogitsLoss()
    opt = optim.Adam(model.parameters(), lr=0.1)
    for _ in range(500):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
    predictions = (model(x) > 0).float()
    assert (predictions == y).float().mean().item() == 1.0
    assert loss.item() < 0.01


def _toy_data(rng, v1, v2, m):
    """The blog's toy set: Y = min([v1·x > 0] + [v2·x > 0], 1), x ~ N(0, I), rows are samples."""
    X = rng.standard_normal((m, 2))
    Y = np.minimum((X @ v1 > 0).astype(float) + (X @ v2 > 0).astype(float), 1)
    return X, Y


def test_toy_data_with_a_2_8_4_1_network_reaches_97_5_percent_test_accuracy():
    rng = np.random.default_rng(1)
    v1, v2 = rng.standard_normal((2, 1)), rng.standard_normal((2, 1))
    X_train, Y_train = _toy_data(rng, v1, v2, 10_000)
    X_test, Y_test = _toy_data(rng, v1, v2, 10_000)
    X_train, X_test = _standardize(X_train, X_test)

    mg.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 4), nn.ReLU(), nn.Linear(4, 1), nn.Sigmoid()
    )
    loss_fn = nn.BCELoss()
    opt = optim.Adam(model.parameters(), lr=0.01)
    dataset = TensorDataset(
        mg.tensor(X_train, dtype=mg.float32), mg.tensor(Y_train, dtype=mg.float32)
    )
    loader = DataLoader(dataset, batch_size=64, shuffle=True)
    for _epoch in range(5):
        for xb, yb in loader:
            opt.zero_grad()
            loss_fn(model(xb), yb).backward()
            opt.step()

    model.eval()
    with mg.no_grad():
        probabilities = model(mg.tensor(X_test, dtype=mg.float32))
    accuracy = ((probabilities.numpy() > 0.5) == (Y_test > 0.5)).mean()
    assert accuracy >= 0.975


def _spirals(rng, n=100, k=3):
    """The lesson's three-class spirals: k arms of n points, radius 0..1, noisy angle."""
    X = np.zeros((n * k, 2))
    y = np.zeros(n * k, dtype=np.int64)
    for j in range(k):
        rows = slice(n * j, n * (j + 1))
        r = np.linspace(0.0, 1, n)
        t = np.linspace(j * 4, (j + 1) * 4, n) + rng.randn(n) * 0.2
        X[rows] = np.c_[r * np.sin(t), r * np.cos(t)]
        y[rows] = j
    return X, y


def test_three_class_spirals_reach_95_percent_training_accuracy():
    X, y = _spirals(np.random.RandomState(42))
    (X,) = _standardize(X)
    x, target = mg.tensor(X, dtype=mg.float32), mg.tensor(y)

    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 100), nn.ReLU(), nn.Linear(100, 3))
    loss_fn = nn.CrossEntropyLoss()
    opt = optim.Adam(model.parameters(), lr=0.01)
    for _ in range(1000):
        opt.zero_grad()
        loss = loss_fn(model(x), target)
        loss.backward()
        opt.step()

    accuracy = (model(x).argmax(dim=1) == target).float().mean().item()
    assert accuracy >= 0.95
