"""Three interleaved spirals: a three-class problem with softmax cross-entropy.

Each class is an arm of points that winds out from the centre: for class j, point i of n
has radius r = i / (n - 1) and angle t = 4j + 4r plus Gaussian noise of standard
deviation 0.2, so (x1, x2) = (r sin t, r cos t). The arms start together at the centre,
where they overlap, and separate further out; the boundary between them is a spiral too.

The network ends in three logits, one per class; nn.CrossEntropyLoss applies the softmax
itself (log-softmax, then the negative log-likelihood of the right class), and the
predicted class is the largest logit.

    python examples/spirals.py [--quick] [--out DIR]
"""

from __future__ import annotations

import numpy as np
from _common import list_files, parse_args, plot_decision_boundary, plot_learning_curve

import minigrad as mg
from minigrad import nn, optim
from minigrad.data import DataLoader, TensorDataset

CLASSES = 3


def spirals(n: int, rng: np.random.Generator) -> tuple[mg.Tensor, mg.Tensor]:
    """n points per arm: x of shape (3n, 2) and integer labels y of shape (3n,)."""
    r = np.linspace(0.0, 1.0, n)
    xs, ys = [], []
    for j in range(CLASSES):
        t = np.linspace(4 * j, 4 * (j + 1), n) + 0.2 * rng.standard_normal(n)
        xs.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
        ys.append(np.full(n, j))
    return mg.tensor(np.concatenate(xs).astype(np.float32)), mg.tensor(np.concatenate(ys))


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], quick="train 40 epochs instead of 150")
    epochs = 40 if args.quick else 150

    rng = np.random.default_rng(0)
    x_train, y_train = spirals(100, rng)
    x_test, y_test = spirals(100, rng)  # a fresh draw of the noise

    mg.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(2, 64), nn.ReLU(),
        nn.Linear(64, 64), nn.ReLU(),
        nn.Linear(64, CLASSES),
    )  # fmt: skip
    loss_fn = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    loader = DataLoader(TensorDataset(x_train, y_train), batch_size=32, shuffle=True)

    losses, test_losses = [], []
    for epoch in range(1, epochs + 1):
        total = 0.0
        for x, y in loader:
            loss = loss_fn(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(y)
        losses.append(total / len(x_train))
        with mg.no_grad():
            test_loss = loss_fn(model(x_test), y_test).item()
        test_losses.append((epoch, test_loss))
        if epoch % (epochs // 5) == 0:
            print(f"epoch {epoch:3d}  training loss {losses[-1]:.4f}  test loss {test_loss:.4f}")

    with mg.no_grad():
        predicted = model(x_test).argmax(dim=1)
    print(f"test accuracy: {(predicted == y_test).float().mean().item():.3f}")

    def class_probabilities(points: np.ndarray) -> np.ndarray:
        with mg.no_grad():
            return nn.functional.softmax(model(mg.tensor(points)), dim=1).numpy()

    files = [
        plot_learning_curve(
            args.out / "spirals_learning_curve.png", losses, xlabel="epoch", test=test_losses,
            title="Three spirals: cross-entropy (training: mean over the epoch)",
        ),
        plot_decision_boundary(
            args.out / "spirals_boundary.png", class_probabilities,
            x_test.numpy(), y_test.numpy(),
            title="Three spirals: predicted class, with the test points",
        ),
    ]  # fmt: skip
    list_files(files)


if __name__ == "__main__":
    main()
