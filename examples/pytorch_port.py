"""A PyTorch training loop, moved to minigrad by changing its imports.

Everything below the imports is written as a PyTorch tutorial writes it: an nn.Module
subclass, a DataLoader, an optimizer with a learning-rate schedule, train() and eval()
modes, no_grad() for evaluation, and a state_dict saved and loaded again. To port a
PyTorch script, change these lines and nothing else:

    PyTorch                                     minigrad
    import torch                                import minigrad as mg   (torch.x -> mg.x)
    from torch import nn, optim                 from minigrad import nn, optim
    import torch.nn.functional as F             from minigrad.nn import functional as F
    from torch.utils.data import DataLoader     from minigrad.data import DataLoader
    torch.save(model.state_dict(), "m.pt")      mg.save(model.state_dict(), "m.npz")

mg.save writes NumPy's .npz format, and mg.load reads it without unpickling anything.
mg.manual_seed gives PyTorch's random numbers for the same seed, so the initial weights,
the shuffled batches and the dropout masks are the ones the PyTorch original draws.

The data are two interleaved half-moons with Gaussian noise, two classes.

    python examples/pytorch_port.py [--quick] [--out DIR]
"""

from __future__ import annotations

import numpy as np
from _common import list_files, parse_args, plot_decision_boundary

import minigrad as mg
from minigrad import nn, optim
from minigrad.data import DataLoader, TensorDataset
from minigrad.nn import functional as F


def two_moons(n: int, noise: float, rng: np.random.Generator) -> tuple[mg.Tensor, mg.Tensor]:
    """n points per moon: the upper half of the unit circle (class 0) and the lower half of
    a unit circle centred at (1, 0.5) (class 1), each point moved by N(0, noise²)."""
    t = rng.uniform(0, np.pi, size=(2, n))
    upper = np.column_stack([np.cos(t[0]), np.sin(t[0])])
    lower = np.column_stack([1 - np.cos(t[1]), 0.5 - np.sin(t[1])])
    x = np.concatenate([upper, lower]) + noise * rng.standard_normal((2 * n, 2))
    y = np.repeat([0, 1], n)
    return mg.tensor(x.astype(np.float32)), mg.tensor(y)


class Classifier(nn.Module):
    """Two hidden ReLU layers and one logit per class."""

    def __init__(self, n_in: int, n_hidden: int, n_classes: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(n_in, n_hidden)
        self.fc2 = nn.Linear(n_hidden, n_hidden)
        self.dropout = nn.Dropout(p=0.1)
        self.fc3 = nn.Linear(n_hidden, n_classes)

    def forward(self, x: mg.Tensor) -> mg.Tensor:
        x = F.relu(self.fc1(x))
        x = self.dropout(F.relu(self.fc2(x)))
        return self.fc3(x)


def train_one_epoch(
    model: nn.Module, loader: DataLoader, loss_fn: nn.Module, optimizer: optim.Optimizer
) -> float:
    """One pass over the training data; returns the mean loss."""
    model.train()  # dropout on
    total, count = 0.0, 0
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(y)
        count += len(y)
    return total / count


@mg.no_grad()
def evaluate(model: nn.Module, loader: DataLoader) -> float:
    """The fraction of a data set's points whose largest logit is the label's."""
    model.eval()  # dropout off
    correct = sum((model(x).argmax(dim=1) == y).sum().item() for x, y in loader)
    return correct / len(loader.dataset)


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], quick="train 10 epochs instead of 30")
    epochs = 10 if args.quick else 30

    rng = np.random.default_rng(0)
    train_set = TensorDataset(*two_moons(500, noise=0.15, rng=rng))
    test_set = TensorDataset(*two_moons(500, noise=0.15, rng=rng))
    train_loader = DataLoader(train_set, batch_size=32, shuffle=True)
    test_loader = DataLoader(test_set, batch_size=256)

    mg.manual_seed(0)
    model = Classifier(2, 32, 2)
    print(model)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=10, gamma=0.3)

    for epoch in range(1, epochs + 1):
        loss = train_one_epoch(model, train_loader, loss_fn, optimizer)
        lr = scheduler.get_last_lr()[0]
        scheduler.step()  # once per epoch, after the optimizer's steps
        accuracy = evaluate(model, test_loader)
        if epoch % 5 == 0:
            print(f"epoch {epoch:2d}  lr {lr:.3f}  loss {loss:.4f}  test accuracy {accuracy:.3f}")

    print(f"test accuracy: {accuracy:.3f}")

    # Save the weights, load them into a fresh model, and check it computes the same logits.
    path = args.out / "moons_model.npz"
    mg.save(model.state_dict(), path)
    restored = Classifier(2, 32, 2)
    restored.load_state_dict(mg.load(path))
    restored.eval()  # a new module starts in training mode, with dropout on
    x_test, y_test = test_set.tensors
    with mg.no_grad():
        same = np.array_equal(model(x_test).numpy(), restored(x_test).numpy())
    print(f"reloaded from {path}: {'identical' if same else 'DIFFERENT'} logits")
    if not same:
        raise SystemExit("the reloaded model disagrees with the saved one")

    def probability_of_class_1(points: np.ndarray) -> np.ndarray:
        with mg.no_grad():
            return F.softmax(restored(mg.tensor(points)), dim=1).numpy()[:, 1]

    files = [
        path,
        plot_decision_boundary(
            args.out / "moons_boundary.png", probability_of_class_1, x_test.numpy(),
            y_test.numpy(), title="Two moons: P(class 1) and the test points",
        ),
    ]  # fmt: skip
    list_files(files)


if __name__ == "__main__":
    main()
