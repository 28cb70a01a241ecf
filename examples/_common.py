"""What the examples share: their two flags, their plots, graph files and list of outputs.

Kept out of the examples so each of them reads as one story: data, model, training, result.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path

import graphviz
import matplotlib

matplotlib.use("Agg")  # write files; never open a window

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from mpl_toolkits.axes_grid1 import make_axes_locatable  # noqa: E402

# One colour per class: the first five of matplotlib's "tab10".
CLASS_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"]


def parse_args(description: str, quick: str) -> argparse.Namespace:
    """The flags every example takes: ``--quick`` (say what it shortens) and ``--out DIR``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help=quick)
    parser.add_argument(
        "--out", type=Path, default=Path("out"), help="directory for the files (default: out)"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    return args


def plot_learning_curve(
    path: Path,
    losses: Sequence[float],
    xlabel: str,
    title: str,
    smooth: int = 1,
    test: Sequence[tuple[int, float]] = (),
) -> Path:
    """The training loss against the step, on a log scale.

    With ``smooth > 1`` the raw losses are drawn faintly and their running mean over
    ``smooth`` steps on top. ``test`` adds (step, loss) points, e.g. the test loss per epoch.
    """
    losses = np.asarray(losses, dtype=np.float64)
    steps = np.arange(1, len(losses) + 1)
    fig, ax = plt.subplots(figsize=(6.4, 4))
    if smooth > 1 and len(losses) >= smooth:
        ax.plot(steps, losses, color="#c6dbef", linewidth=0.6, label="training, per batch")
        mean = np.convolve(losses, np.ones(smooth) / smooth, mode="valid")
        centre = steps[smooth // 2 :][: len(mean)]  # each mean drawn mid-window, not lagging
        ax.plot(centre, mean, color="#08519c", linewidth=2,
                label=f"training, mean of {smooth} batches")  # fmt: skip
    else:
        ax.plot(steps, losses, color="#08519c", linewidth=2, label="training")
    if len(test):
        style = "o-" if len(test) <= 30 else "-"  # dots only while they stay apart
        ax.plot(*np.transpose(test), style, color="#d94801", markersize=5, label="test")
    ax.set_yscale("log")  # the interesting part of a loss curve is its tail
    ax.set_xlabel(xlabel)
    ax.set_ylabel("loss (log scale)")
    ax.set_title(title)
    ax.grid(True, which="major", alpha=0.4)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def plot_decision_boundary(
    path: Path,
    predict: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    labels: np.ndarray,
    title: str,
    pad: float = 0.1,
    resolution: int = 300,
) -> Path:
    """The model's answer over the plane, with the points ``x`` (m, 2) on top.

    ``predict`` maps a (k, 2) array of points to either a (k,) probability of class 1
    (drawn as a shaded map with the 0.5 contour) or a (k, classes) array of class
    probabilities (each region drawn in its class's colour). The plot reaches ``pad``
    times the points' spread beyond them.
    """
    pad = pad * (x.max(axis=0) - x.min(axis=0))
    (x0, y0), (x1, y1) = x.min(axis=0) - pad, x.max(axis=0) + pad
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    grid = np.column_stack([gx.ravel(), gy.ravel()]).astype(np.float32)
    p = predict(grid)

    fig, ax = plt.subplots(figsize=(6.4, 5.6))
    ax.set_aspect("equal")  # a circle in the data looks like a circle
    classes = int(labels.max()) + 1
    if p.ndim == 1:
        p = p.reshape(gx.shape)
        shade = ax.contourf(gx, gy, p, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.5)
        ax.contour(gx, gy, p, levels=[0.5], colors="black", linewidths=1.5)
        bar_axes = make_axes_locatable(ax).append_axes("right", size="4%", pad=0.15)
        fig.colorbar(shade, cax=bar_axes, label="predicted P(class 1)")  # as tall as the plot
        colors = ["#2166ac", "#b2182b"]  # the two ends of RdBu_r
    else:
        region = p.argmax(axis=1).reshape(gx.shape)
        colors = CLASS_COLORS[:classes]
        cmap = matplotlib.colors.ListedColormap(colors)
        ax.contourf(gx, gy, region, levels=np.arange(classes + 1) - 0.5, cmap=cmap, alpha=0.3)
    size = 90 if len(x) < 50 else 16  # a handful of points may be drawn large
    for k in range(classes):
        mine = labels == k
        ax.scatter(
            *x[mine].T, s=size, color=colors[k], edgecolors="#202020", linewidths=0.5,
            label=f"class {k}",
        )  # fmt: skip
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(title)
    # below the axis label (a fixed distance, in font sizes), where it hides no point
    ax.legend(
        loc="upper center", bbox_to_anchor=(0.5, 0), borderaxespad=3, ncol=classes,
        frameon=False,
    )  # fmt: skip
    fig.savefig(path, dpi=100, bbox_inches="tight")  # crop to what was drawn
    plt.close(fig)
    return path


def write_graph(graph: graphviz.Digraph, path: Path) -> list[Path]:
    """Save a graph's DOT source as ``path.dot`` and its drawing as ``path.svg``.

    Drawing needs Graphviz's ``dot`` or the ``graphviz-pure`` program; without either,
    only the source is written and the error's install hint is printed.
    """
    dot_file, svg_file = path.with_suffix(".dot"), path.with_suffix(".svg")
    dot_file.write_text(graph.source)
    try:
        svg_file.write_bytes(graph.pipe(format="svg"))
    except graphviz.ExecutableNotFound as e:
        print(f"{svg_file} not written: {e}")
        return [dot_file]
    return [dot_file, svg_file]


def list_files(paths: Sequence[Path]) -> None:
    """End an example by naming what it wrote, so a reader knows where to look."""
    print("wrote:")
    for path in paths:
        print(f"  {path}  ({path.stat().st_size:,} bytes)")
