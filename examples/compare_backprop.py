"""Hold autograd against backpropagation derived by hand, on the lesson's 2-8-4-1 network.

The network (relu, relu, sigmoid; binary cross-entropy) and its toy data come from the
textbook derivation that minigrad.reference follows. This script

1. prints the gradient report of ``reference.compare`` in float64 and in float32;
2. trains the autograd model (optim.SGD) and its hand-derived twin (ManualMLP.step) side
   by side on the same batches and prints how far their weights drift apart.

It exits with status 1 if a report fails or the float64 twins drift apart by more than 1e-9.

    python examples/compare_backprop.py [--quick] [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

import minigrad as mg
from minigrad import nn, optim
from minigrad.reference import ManualMLP, compare, twin_parameter_names

LR = 0.1
L2 = 0.01  # the lesson's L2 strength: SGD's weight_decay, ManualMLP.step's l2
BATCH_SIZE = 64
FLOAT64_DRIFT_LIMIT = 1e-9


def toy_data(m: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The lesson's toy problem: y = 1 when x lies on the positive side of v1 or of v2.

    Returns x (m, 2) and y (m, 1), samples as rows as the modules take them.
    """
    v1, v2 = rng.standard_normal((2, 1)), rng.standard_normal((2, 1))
    X = rng.standard_normal((2, m))
    Y = np.minimum((v1.T @ X > 0).astype(float) + (v2.T @ X > 0).astype(float), 1)
    return X.T, Y.T


def lesson_network(dtype: np.dtype) -> nn.Sequential:
    """2-8-4-1 with relu, relu, sigmoid, always initialized from the same seed."""
    mg.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(2, 8), nn.ReLU(),
        nn.Linear(8, 4), nn.ReLU(),
        nn.Linear(4, 1), nn.Sigmoid(),
    )  # fmt: skip
    return model.to(dtype)


def weight_gap(model: nn.Sequential, manual: ManualMLP) -> float:
    """max |θ_autograd - θ_manual| over every entry of every parameter."""
    names = twin_parameter_names(model, "bce")
    return max(
        float(np.max(np.abs(p.detach().numpy() - manual.params[names[name]].reshape(p.shape))))
        for name, p in model.named_parameters()
    )


def train_side_by_side(
    x: np.ndarray, y: np.ndarray, dtype: np.dtype, steps: int, checkpoints: list[int]
) -> float:
    """SGD on both twins over the same random batches; prints and returns the final gap."""
    model = lesson_network(dtype)
    manual = ManualMLP.from_module(model, "bce")
    opt = optim.SGD(model.parameters(), lr=LR, weight_decay=L2)
    bce = nn.BCELoss()
    rng = np.random.default_rng(1)
    print(f"\n{np.dtype(dtype).name}: lr={LR}, l2={L2}, batches of {BATCH_SIZE}")
    print(f"{'step':>6}  {'loss autograd':>14}  {'loss manual':>14}  {'max |ΔW|, |Δb|':>15}")
    for step in range(1, steps + 1):
        batch = rng.choice(len(x), size=BATCH_SIZE, replace=False)
        x_batch, y_batch = x[batch].astype(dtype), y[batch].astype(dtype)

        opt.zero_grad()
        J = bce(model(mg.tensor(x_batch)), mg.tensor(y_batch))
        J.backward()
        opt.step()

        manual.forward(x_batch.T)
        J_manual = manual.loss(y_batch.T)
        manual.step(manual.backward(y_batch.T), LR, L2)

        if step in checkpoints:
            gap = weight_gap(model, manual)
            print(f"{step:>6}  {J.item():>14.8f}  {J_manual:>14.8f}  {gap:>15.2e}")
    return weight_gap(model, manual)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="train 50 steps instead of 500")
    parser.add_argument("--out", type=Path, default=Path("out"), help="where the reports go")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    rng = np.random.default_rng(0)
    x, y = toy_data(2000, rng)
    x_batch, y_batch = x[:BATCH_SIZE], y[:BATCH_SIZE]

    reports = []
    for dtype in (np.float64, np.float32):
        report = compare(lesson_network(dtype), x_batch, y_batch, "bce")
        reports.append(report)
        print(report, end="\n\n")
    report_file = args.out / "compare_backprop.txt"
    report_file.write_text("\n\n".join(str(r) for r in reports) + "\n")

    steps = 50 if args.quick else 500
    checkpoints = [c for c in (1, 10, 50, 100, 200, 300, 400, 500) if c <= steps]
    print(f"Training side by side for {steps} steps: the weights' largest difference")
    drift_64 = train_side_by_side(x, y, np.float64, steps, checkpoints)
    drift_32 = train_side_by_side(x, y, np.float32, steps, checkpoints)
    print(f"\nfinal drift: float64 {drift_64:.2e}, float32 {drift_32:.2e}")
    print(f"wrote {report_file}")

    if not all(report.ok for report in reports):
        print("FAIL: a gradient report failed", file=sys.stderr)
        return 1
    if drift_64 > FLOAT64_DRIFT_LIMIT:
        print(f"FAIL: float64 drift {drift_64:.2e} > {FLOAT64_DRIFT_LIMIT:g}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
