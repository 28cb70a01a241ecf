"""minigrad in one run: train a small network, check its gradients by hand, draw it.

The problem is the toy data set of the blog post minigrad's reference follows: a point
x in the plane is class 1 when it lies on the positive side of either of two random
lines through the origin, y = min([v1·x > 0] + [v2·x > 0], 1). The class-0 region is a
wedge, so no single line separates the classes and logistic regression fails; the
post's 2-8-4-1 network (relu, relu, sigmoid; binary cross-entropy; batches of 64)
reaches 98% test accuracy. This script

1. holds autograd's gradients for that network against the hand-derived
   backpropagation equations (minigrad.reference.compare) and prints the report;
2. trains it with minigrad (nn.Sequential, optim.Adam, data.DataLoader), showing the
   loss in a progress bar, and prints its test accuracy;
3. writes the learning curve, the decision boundary and the graph of the loss.

    python examples/demo.py [--quick] [--out DIR]
"""

from __future__ import annotations

import numpy as np
from _common import (
    list_files,
    parse_args,
    plot_decision_boundary,
    plot_learning_curve,
    write_graph,
)
from tqdm import tqdm

import minigrad as mg
from minigrad import nn, optim, reference, viz
from minigrad.data import DataLoader, TensorDataset


def toy_data(m: int, v: np.ndarray, rng: np.random.Generator) -> tuple[mg.Tensor, mg.Tensor]:
    """m standard-normal points x (m, 2) and labels y (m, 1): 1 if v1·x > 0 or v2·x > 0."""
    x = rng.standard_normal((m, 2)).astype(np.float32)
    y = (x @ v.T > 0).any(axis=1, keepdims=True).astype(np.float32)
    return mg.tensor(x), mg.tensor(y)


def accuracy(model: nn.Module, x: mg.Tensor, y: mg.Tensor) -> float:
    """The fraction of points whose predicted probability is on the right side of 0.5."""
    with mg.no_grad():
        return ((model(x) > 0.5).float() == y).float().mean().item()


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], quick="train on 4,000 points instead of 20,000")
    n_train, epochs = (4_000, 5) if args.quick else (20_000, 10)

    rng = np.random.default_rng(0)
    v = rng.standard_normal((2, 2))  # the two lines' normal vectors, v1 and v2
    x_train, y_train = toy_data(n_train, v, rng)
    x_test, y_test = toy_data(10_000, v, rng)

    mg.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(2, 8), nn.ReLU(),
        nn.Linear(8, 4), nn.ReLU(),
        nn.Linear(4, 1), nn.Sigmoid(),
    )  # fmt: skip
    loss_fn = nn.BCELoss()
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    loader = DataLoader(TensorDataset(x_train, y_train), batch_size=64, shuffle=True)

    # Before training, hold autograd's gradients against the closed-form backprop equations
    # (dZ = dA * g'(Z), dW = dZ A_prevᵀ / m, ...) on one batch of 64 points.
    print(reference.compare(model, x_train[:64], y_train[:64], "bce"), end="\n\n")

    print(f"training on {n_train:,} points: {epochs} epochs of {len(loader)} batches")
    losses, test_losses = [], []
    with tqdm(total=epochs * len(loader), unit="batch") as bar:
        for epoch in range(1, epochs + 1):
            for x, y in loader:
                loss = loss_fn(model(x), y)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
                bar.update()
                if bar.n % 20 == 0:
                    bar.set_postfix(epoch=epoch, loss=f"{np.mean(losses[-20:]):.4f}")
            with mg.no_grad():
                test_losses.append((len(losses), loss_fn(model(x_test), y_test).item()))

    print(f"test accuracy: {accuracy(model, x_test, y_test):.4f}  (the blog post reports 0.98)")

    def probability_of_class_1(points: np.ndarray) -> np.ndarray:
        with mg.no_grad():
            return model(mg.tensor(points)).numpy()[:, 0]

    out = args.out
    files = [
        plot_learning_curve(
            out / "learning_curve.png",
            losses,
            xlabel="step (one batch of 64 points)",
            title="2-8-4-1 network on the toy data: binary cross-entropy",
            smooth=50,
            test=test_losses,
        ),
        plot_decision_boundary(
            out / "decision_boundary.png",
            probability_of_class_1,
            x_test.numpy()[:1000],
            y_test.numpy()[:1000, 0].astype(int),
            title="P(class 1) over the plane, and 1,000 test points",
        ),
    ]

    # The graph that backward() walks, for the loss of a batch of four points.
    x, y = x_test[:4], y_test[:4]
    graph = viz.make_dot(
        loss_fn(model(x), y), params={**dict(model.named_parameters()), "x": x, "y": y}
    )
    files += write_graph(graph, out / "graph")

    list_files(files)


if __name__ == "__main__":
    main()
