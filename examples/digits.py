"""Handwritten digits: a 64-64-10 network with softmax cross-entropy on real data.

The data are the 1,797 8x8 grey-scale digits that scikit-learn ships inside its package
(sklearn.datasets.load_digits; nothing is downloaded). Each image becomes a row of 64
pixel values, scaled from 0..16 to 0..1. A fifth of the images, chosen at random, are
held out as the test set.

    python examples/digits.py [--quick] [--out DIR]
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from _common import list_files, parse_args, plot_learning_curve
from sklearn.datasets import load_digits

import minigrad as mg
from minigrad import nn, optim
from minigrad.data import DataLoader, TensorDataset


def plot_predictions(
    path: Path, images: np.ndarray, labels: np.ndarray, predicted: np.ndarray
) -> Path:
    """A grid of test images titled with the prediction; mistakes first, titled in red."""
    order = np.argsort(predicted == labels, kind="stable")[:40]  # False sorts before True
    fig, axes = plt.subplots(4, 10, figsize=(8, 4.6))
    for ax, i in zip(axes.flat, order):
        wrong = predicted[i] != labels[i]
        ax.imshow(images[i], cmap="gray_r", interpolation="nearest")
        title = f"{predicted[i]} (is {labels[i]})" if wrong else str(predicted[i])
        ax.set_title(title, fontsize=9, color="#c00000" if wrong else "black")
        ax.set_axis_off()
    fig.suptitle("Test digits and the network's answers (red: wrong, with the true digit)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], quick="train 8 epochs instead of 25")
    epochs = 8 if args.quick else 25

    digits = load_digits()
    x_all = (digits.data / 16.0).astype(np.float32)  # (1797, 64), pixels in [0, 1]
    y_all = digits.target  # (1797,), the digit 0..9
    order = np.random.default_rng(0).permutation(len(x_all))
    test, train = order[: len(order) // 5], order[len(order) // 5 :]
    x_train, y_train = mg.tensor(x_all[train]), mg.tensor(y_all[train])
    x_test, y_test = mg.tensor(x_all[test]), mg.tensor(y_all[test])
    print(f"{len(train)} training and {len(test)} test images of 8x8 = 64 pixels")

    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))  # logits
    loss_fn = nn.CrossEntropyLoss()  # log-softmax + negative log-likelihood of the label
    optimizer = optim.Adam(model.parameters(), lr=0.003)
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
        losses.append(total / len(train))
        with mg.no_grad():
            logits = model(x_test)
        test_losses.append((epoch, loss_fn(logits, y_test).item()))
        accuracy = (logits.argmax(dim=1) == y_test).float().mean().item()
        if epoch % 5 == 0 or epoch == epochs:
            print(f"epoch {epoch:2d}  training loss {losses[-1]:.4f}  test accuracy {accuracy:.3f}")

    predicted = logits.argmax(dim=1).numpy()
    print(
        f"test accuracy: {accuracy:.3f}  ({(predicted != y_all[test]).sum()} of {len(test)} wrong)"
    )

    files = [
        plot_learning_curve(
            args.out / "digits_learning_curve.png", losses, xlabel="epoch", test=test_losses,
            title="Digits, 64-64-10 network: cross-entropy",
        ),
        plot_predictions(
            args.out / "digits_predictions.png", digits.images[test], y_all[test], predicted
        ),
    ]  # fmt: skip
    list_files(files)


if __name__ == "__main__":
    main()
