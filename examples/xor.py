"""XOR with bare tensors: a 2-8-1 network written out by hand, trained by gradient descent.

XOR is the smallest problem a straight line cannot solve: (0, 0) and (1, 1) are class 0,
(0, 1) and (1, 0) are class 1. One hidden layer of ReLUs bends the boundary enough.
No nn.Module and no optimizer here: the weights are plain tensors with requires_grad,
the loss is the binary cross-entropy formula, and the update is p -= lr * p.grad.

    python examples/xor.py [--quick] [--out DIR]
"""

from __future__ import annotations

import math

from _common import list_files, parse_args, plot_decision_boundary, plot_learning_curve, write_graph

import minigrad as mg
from minigrad import viz


def forward(x: mg.Tensor, W1: mg.Tensor, b1: mg.Tensor, W2: mg.Tensor, b2: mg.Tensor) -> mg.Tensor:
    """P(class 1) for each row of x: sigmoid(relu(x W1 + b1) W2 + b2)."""
    return ((x @ W1 + b1).relu() @ W2 + b2).sigmoid()


def bce(p: mg.Tensor, y: mg.Tensor) -> mg.Tensor:
    """Binary cross-entropy, mean of -(y log p + (1 - y) log(1 - p)).

    p is kept a hair away from 0 and 1 so that a confident network never takes log(0).
    """
    p = p.clamp(1e-7, 1 - 1e-7)
    return -(y * p.log() + (1 - y) * (1 - p).log()).mean()


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], quick="train 300 epochs instead of 2,000")
    epochs, lr = (300 if args.quick else 2000), 0.5

    x = mg.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = mg.tensor([[0.0], [1.0], [1.0], [0.0]])

    # He initialization: weights ~ N(0, 2 / fan_in) keep a ReLU layer's output scale steady.
    mg.manual_seed(0)
    W1 = (mg.randn(2, 8) * math.sqrt(2 / 2)).requires_grad_()
    b1 = mg.zeros(8, requires_grad=True)
    W2 = (mg.randn(8, 1) * math.sqrt(2 / 8)).requires_grad_()
    b2 = mg.zeros(1, requires_grad=True)
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}

    losses = []
    for _ in range(epochs):
        loss = bce(forward(x, **params), y)
        loss.backward()  # fills W1.grad, b1.grad, W2.grad, b2.grad
        with mg.no_grad():  # the update itself must not become part of a graph
            for p in params.values():
                p -= lr * p.grad
                p.grad = None
        losses.append(loss.item())

    with mg.no_grad():
        p = forward(x, **params)
    for point, target, prob in zip(x.tolist(), y.tolist(), p.tolist()):
        print(f"x = {point}  target {target[0]:.0f}  P(class 1) = {prob[0]:.3f}")
    correct = ((p > 0.5).float() == y).float().mean().item()
    print(f"final loss {losses[-1]:.4f}")
    print(f"test accuracy: {correct:.3f}  (the four points are the whole problem)")

    graph = viz.make_dot(bce(forward(x, **params), y), params={**params, "x": x, "y": y})
    files = [
        plot_learning_curve(
            args.out / "xor_learning_curve.png", losses, xlabel="epoch (all four points)",
            title=f"XOR, 2-8-1 network, gradient descent with lr = {lr}",
        ),
        plot_decision_boundary(
            args.out / "xor_boundary.png",
            lambda grid: forward(mg.tensor(grid), **params).detach().numpy()[:, 0],
            x.numpy(),
            y.numpy()[:, 0].astype(int),
            title="XOR: P(class 1) learned by a 2-8-1 network",
            pad=0.5,
        ),
        *write_graph(graph, args.out / "xor_graph"),
    ]  # fmt: skip
    list_files(files)


if __name__ == "__main__":
    main()
