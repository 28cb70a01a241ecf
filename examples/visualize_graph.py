"""Draw the graph that backward() walks: a 4-16-16-3 MLP and its cross-entropy loss.

viz.make_dot(loss, params) draws one box per operation (LinearBackward, ReluBackward, ...)
and one per tensor the graph starts from: the parameters in blue, named as in
model.named_parameters(), the batch and its labels in grey. Data flows left to right
into the loss, highlighted. The second drawing adds each leaf's values and, after
backward(), its gradient: what the optimizer's next step will use.

    python examples/visualize_graph.py [--quick] [--out DIR]

It writes graph.dot and graph.svg, graph_grad.dot and graph_grad.svg into DIR (default
out/). The SVGs need Graphviz's `dot` or `pip install graphviz-pure`.
"""

from __future__ import annotations

from _common import list_files, parse_args, write_graph

import minigrad as mg
from minigrad import nn, viz


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], quick="no effect: the example is quick already")

    mg.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 3)
    )
    x = mg.randn(8, 4)  # a batch of 8 samples, 4 features each
    y = mg.randint(0, 3, (8,))  # their classes
    loss = nn.CrossEntropyLoss()(model(x), y)
    loss.backward()  # fills each parameter's .grad; the graph keeps only its structure
    print(f"loss {loss.item():.4f}")

    names = {**dict(model.named_parameters()), "x": x, "y": y}
    files = [
        *write_graph(viz.make_dot(loss, names), args.out / "graph"),
        *write_graph(
            viz.make_dot(loss, names, show_data=True, show_grad=True), args.out / "graph_grad"
        ),
    ]
    list_files(files)


if __name__ == "__main__":
    main()
