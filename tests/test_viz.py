"""minigrad.viz: the graph make_dot draws, its labels, and rendering it with a Graphviz program.

Rendering needs Graphviz's ``dot`` (or ``graphviz-pure`` for the fallback tests); a test
that needs one skips without it, unless the environment sets MINIGRAD_REQUIRE_DOT=1, as
CI does: then it fails.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import stat
import sys
import sysconfig
import traceback
import xml.etree.ElementTree as ET
from pathlib import Path

import graphviz
import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, viz

REQUIRED = os.environ.get("MINIGRAD_REQUIRE_DOT") == "1"


def need(program: str) -> None:
    """Skip (or fail, under MINIGRAD_REQUIRE_DOT=1) unless ``program`` can be found."""
    path = os.pathsep.join([os.environ.get("PATH", os.defpath), sysconfig.get_path("scripts")])
    if shutil.which(program, path=path) is None:
        message = f"`{program}` is not installed"
        if REQUIRED:
            pytest.fail(f"MINIGRAD_REQUIRE_DOT=1 but {message}")
        pytest.skip(message)


# --- reading a Digraph back: its nodes, their label lines and style, its edges -------------

NODE = re.compile(r"^\t(\w+) \[label=<(.*)>(.*)\]$")
EDGE = re.compile(r"^\t(\w+) -> (\w+)")


def nodes(dot: graphviz.Digraph) -> dict[str, tuple[list[str], str]]:
    """DOT name -> (the label's lines as plain text, the node's other attributes)."""
    found = {}
    for line in dot.body:
        m = NODE.match(line)
        if m:
            lines = [html.unescape(re.sub(r"<[^>]*>", "", s)) for s in m.group(2).split("<br/>")]
            found[m.group(1)] = (lines, m.group(3))
    return found


def edges(dot: graphviz.Digraph) -> list[tuple[str, str]]:
    return [m.groups() for m in map(EDGE.match, dot.body) if m]


def titles(dot: graphviz.Digraph) -> list[str]:
    """The first line of every label: an op's name, or a leaf's name or shape."""
    return sorted(lines[0] for lines, _ in nodes(dot).values())


def node_named(dot: graphviz.Digraph, title: str) -> tuple[list[str], str]:
    """The one node whose label starts with ``title``."""
    (found,) = [n for n in nodes(dot).values() if n[0][0] == title]
    return found


def fill(attributes: str) -> str:
    return re.search(r'fillcolor="([^"]+)"', attributes).group(1)


def mlp():
    """A hand-made 3-2-2-1 MLP from tensors, its MSE loss after backward, and its leaves."""
    mg.manual_seed(0)
    p = {}
    sizes = [3, 2, 2, 1]
    for i in (1, 2, 3):
        p[f"W{i}"] = mg.randn(sizes[i - 1], sizes[i], requires_grad=True)
        p[f"b{i}"] = mg.zeros(sizes[i], requires_grad=True)
    x, y = mg.randn(5, 3), mg.randn(5, 1)
    h = (x @ p["W1"] + p["b1"]).relu()
    h = (h @ p["W2"] + p["b2"]).relu()
    loss = ((h @ p["W3"] + p["b3"] - y) ** 2).mean()
    loss.backward()
    return loss, {**p, "x": x, "y": y}


def module_mlp():
    """nn.Sequential 4-8-8-3 with cross-entropy, after backward."""
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 3))
    x, y = mg.randn(6, 4), mg.randint(0, 3, (6,))
    loss = nn.CrossEntropyLoss()(model(x), y)
    loss.backward()
    return model, loss


# --- what is drawn --------------------------------------------------------------------------


def test_a_single_matmul_is_three_nodes_and_two_edges():
    a = mg.randn(2, 3, requires_grad=True)
    b = mg.randn(3, 4)
    dot = viz.make_dot(a @ b, {"a": a})
    assert titles(dot) == ["(3, 4) float32", "MatmulBackward", "a"]
    assert len(edges(dot)) == 2
    assert node_named(dot, "MatmulBackward")[0] == ["MatmulBackward", "(2, 4)"]
    assert node_named(dot, "a")[0] == ["a", "(2, 3) float32"]


def test_edges_run_from_inputs_to_the_root():
    a = mg.randn(2, 3, requires_grad=True)
    dot = viz.make_dot(a.exp().sum(), {"a": a})
    name = {lines[0]: key for key, (lines, _) in nodes(dot).items()}
    assert sorted(edges(dot)) == sorted(
        [(name["a"], name["ExpBackward"]), (name["ExpBackward"], name["SumBackward"])]
    )
    assert dot.graph_attr["rankdir"] == "LR"


def test_diamond_draws_the_shared_node_once_and_an_edge_per_operand():
    # b = a + a; c = b + b: three nodes; `a` and `b` are each read twice, so two edges each
    a = mg.randn(3, requires_grad=True)
    b = a + a
    c = b + b
    dot = viz.make_dot(c, {"a": a})
    assert titles(dot) == ["AddBackward", "AddBackward", "a"]
    (a_node,) = [key for key, (lines, _) in nodes(dot).items() if lines[0] == "a"]
    pairs = edges(dot)
    assert len(pairs) == 4
    assert len(set(pairs)) == 2  # each twice
    assert sum(tail == a_node for tail, _ in pairs) == 2


def test_an_op_with_several_outputs_is_one_node_labelled_with_their_shapes():
    # split's pieces are outputs of one node, as in PyTorch: one SplitWithSizesBackward,
    # an edge from it to each op that reads a piece, and the pieces' shapes on its label
    x = mg.randn(4, 3, requires_grad=True)
    a, b = x.split([1, 3])
    dot = viz.make_dot(a.sum() + b.sum(), {"x": x})
    assert titles(dot) == ["AddBackward", "SplitWithSizesBackward", "SumBackward",
                           "SumBackward", "x"]  # fmt: skip
    lines, _ = node_named(dot, "SplitWithSizesBackward")
    assert lines[1] == "(1, 3) (3, 3)"
    (split,) = [k for k, (lines, _) in nodes(dot).items() if lines[0] == "SplitWithSizesBackward"]
    assert sum(tail == split for tail, _ in edges(dot)) == 2
    # a piece as the root: its op is the root's node
    lines, attributes = node_named(viz.make_dot(x.unbind(1)[2]), "UnbindBackward")
    assert lines[1] == "(4,)" and fill(attributes) == "#fbe3a4"


def test_python_numbers_are_not_nodes():
    x = mg.randn(3, requires_grad=True)
    dot = viz.make_dot(2 * x + 1)
    assert titles(dot) == ["(3,) float32", "AddBackward", "MulBackward"]
    assert len(edges(dot)) == 2


def test_mlp_with_loss_has_a_node_per_op_and_leaf():
    loss, leaves = mlp()
    dot = viz.make_dot(loss, leaves)
    # 3 x (Matmul, Add), 2 Relu, Sub, Pow, Mean = 11 ops; 6 parameters, x and y = 8 leaves
    assert len(nodes(dot)) == 19
    # Matmul, Add, Sub: 2 operands each; Relu, Mean, Pow (its exponent is a number): 1
    assert len(edges(dot)) == 6 * 2 + 2 + 2 + 1 + 1
    assert titles(dot).count("MatmulBackward") == 3
    assert set(leaves) <= set(titles(dot))


def test_module_parameters_are_named_as_in_named_parameters():
    model, loss = module_mlp()
    dot = viz.make_dot(loss, model)
    assert dot.source == viz.make_dot(loss, dict(model.named_parameters())).source
    names = [name for name, _ in model.named_parameters()]
    assert names == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]
    for name, p in model.named_parameters():
        assert node_named(dot, name)[0] == [name, f"{p.shape} float32"]
    assert titles(dot).count("LinearBackward") == 3
    assert titles(dot).count("ReluBackward") == 2
    leaves = [lines for lines, _ in nodes(dot).values() if not lines[0].endswith("Backward")]
    assert len(leaves) == 6 + 1  # the parameters and the batch
    # the classes are not an input of the loss's node (as in PyTorch): no gradient goes there
    assert not any("int64" in " ".join(lines) for lines, _ in nodes(dot).values())


def test_parameters_inputs_ops_and_the_root_look_different():
    model, loss = module_mlp()
    dot = viz.make_dot(loss, model)
    param = fill(node_named(dot, "0.weight")[1])
    batch = fill(node_named(dot, "(6, 4) float32")[1])
    op = fill(next(attrs for lines, attrs in nodes(dot).values() if lines[0] == "ReluBackward"))
    root = fill(node_named(dot, loss.grad_fn.name())[1])
    assert len({param, batch, op, root}) == 4
    assert "penwidth" in node_named(dot, loss.grad_fn.name())[1]


def test_a_leaf_as_root_is_one_node():
    a = mg.randn(2, requires_grad=True)
    dot = viz.make_dot(a, {"a": a})
    assert titles(dot) == ["a"]
    assert edges(dot) == []


def test_root_must_be_a_tensor():
    with pytest.raises(TypeError, match="root must be a Tensor"):
        viz.make_dot(np.ones(3))


def test_a_10000_op_chain_builds_without_recursion():
    x = mg.randn(2, requires_grad=True)
    y = x
    for _ in range(10_000):
        y = y * 1.0
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(traceback.extract_stack()) + 50)  # any recursion would fail
    try:
        dot = viz.make_dot(y)
    finally:
        sys.setrecursionlimit(limit)
    assert len(nodes(dot)) == 10_001
    assert len(edges(dot)) == 10_000


def rnn(steps: int):
    """A tanh RNN unrolled over ``steps``: its weights are read by every step."""
    mg.manual_seed(0)
    Wx = mg.randn(3, 4, requires_grad=True)
    Wh = mg.randn(4, 4, requires_grad=True)
    b = mg.zeros(4, requires_grad=True)
    h = mg.zeros(2, 4)
    for _ in range(steps):
        h = (mg.randn(2, 3) @ Wx + h @ Wh + b * b).tanh()  # b * b: read twice by one op
    return h.sum(), {"Wx": Wx, "Wh": Wh, "b": b}


def test_a_small_graph_draws_a_shared_weight_once():
    loss, weights = rnn(3)
    assert titles(viz.make_dot(loss, weights)).count("Wh") == 1


def test_a_large_graph_draws_a_shared_weight_beside_each_op_that_reads_it():
    loss, weights = rnn(40)
    dot = viz.make_dot(loss, weights)
    copies = [(lines, attrs) for lines, attrs in nodes(dot).values() if lines[0] == "Wh"]
    assert len(copies) == 40
    assert all(lines[-1] == "used by 40 ops" and "dashed" in attrs for lines, attrs in copies)
    drawn = [line.split()[0] for line in dot.body if "label=" in line]
    assert len(drawn) == len(set(drawn))  # each copy of b once, with two edges to its op
    assert sum(lines[0] == "b" for lines, _ in nodes(dot).values()) == 40
    assert dot.graph_attr["nslimit"] == "1"


# --- values and gradients -------------------------------------------------------------------


def numbers(line: str) -> list[float]:
    return [float(s) for s in re.findall(r"-?\d+\.?\d*(?:e[-+]?\d+)?", line)]


def test_show_grad_shows_the_values_grad_holds():
    w = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    big = mg.randn(4, 5, requires_grad=True)
    x = mg.tensor([2.0, 4.0, -0.5])
    loss = (w * x).sum() + (big * big).sum()

    before = viz.make_dot(loss, {"w": w}, show_grad=True)
    assert node_named(before, "w")[0][-1] == "grad None"

    loss.backward()
    dot = viz.make_dot(loss, {"w": w, "big": big, "x": x}, show_grad=True)
    w_lines = node_named(dot, "w")[0]
    assert w_lines[-1].startswith("grad [")
    np.testing.assert_allclose(numbers(w_lines[-1]), w.grad.data)  # [2, 4, -0.5]

    g = big.grad.data.astype(np.float64)
    big_line = node_named(dot, "big")[0][-1]
    assert big_line.startswith("grad min")
    np.testing.assert_allclose(numbers(big_line), [g.min(), g.mean(), g.max()], rtol=5e-3)

    assert not any(s.startswith("grad") for s in node_named(dot, "x")[0])  # needs no gradient


def test_show_grad_lays_out_a_small_matrix_row_by_row():
    W = mg.tensor([[1.0, -2.0], [3.0, 0.5]], requires_grad=True)
    (W * mg.tensor([[1.0, 2.0], [-3.0, 4.0]])).sum().backward()
    dot = viz.make_dot(W.sum(), {"W": W}, show_grad=True)
    rows = node_named(dot, "W")[0][-2:]
    assert rows[0].startswith("grad [[") and rows[1].startswith("      [")
    np.testing.assert_allclose([numbers(r) for r in rows], W.grad.data)


def test_show_data_shows_leaf_values_and_the_roots_value():
    w = mg.tensor([0.5, -1.25], requires_grad=True)
    loss = (w * 2).sum()
    dot = viz.make_dot(loss, {"w": w}, show_data=True)
    np.testing.assert_allclose(numbers(node_named(dot, "w")[0][-1]), [0.5, -1.25])
    root = node_named(dot, "SumBackward")[0]
    assert root[-1] == "data -1.5"
    assert node_named(dot, "MulBackward")[0] == ["MulBackward", "(2,)"]  # no value kept


# --- rendering ------------------------------------------------------------------------------


def svg_texts(svg: str) -> set[str]:
    """The text of every <text> element, with runs of spaces (and &#160;) made one space."""
    root = ET.fromstring(svg)
    return {" ".join((t.text or "").split()) for t in root.iter("{http://www.w3.org/2000/svg}text")}


def assert_every_label_drawn(dot: graphviz.Digraph, svg: str) -> None:
    texts = svg_texts(svg)
    for lines, _ in nodes(dot).values():
        for line in lines:
            assert " ".join(line.split()) in texts


def without_programs(monkeypatch, tmp_path: Path) -> Path:
    """Hide every program: PATH and this Python's scripts dir both become empty folders."""
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setattr(viz.sysconfig, "get_path", lambda name: str(empty))
    return empty


def fake_program(folder: Path, name: str) -> Path:
    """A stand-in renderer: logs its arguments, writes ``<svg>NAME</svg>`` to -o FILE or stdout."""
    log = folder / f"{name}.log"
    script = folder / name
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> "{log}"\n'
        'out=""; prev=""\n'
        'for a in "$@"; do [ "$prev" = "-o" ] && out="$a"; prev="$a"; done\n'
        f'if [ -n "$out" ]; then echo "<svg>{name}</svg>" > "$out"; exit 0; fi\n'
        "while read -r line; do :; done\n"  # read the DOT source from stdin
        f'echo "<svg>{name}</svg>"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return log


def test_rendering_with_dot_draws_every_label(tmp_path):
    need("dot")
    assert Path(viz.find_renderer()).name == "dot"
    model, loss = module_mlp()
    dot = viz.make_dot(loss, model, show_data=True, show_grad=True)
    out = dot.render(outfile=tmp_path / "graph.svg")
    svg = Path(out).read_text()
    assert "graphviz-pure" not in svg
    assert_every_label_drawn(dot, svg)
    assert_every_label_drawn(dot, dot.pipe(format="svg", encoding="utf-8"))
    assert dot._repr_mimebundle_()["image/svg+xml"].startswith("<?xml")  # Jupyter's view


def test_rendering_falls_back_to_graphviz_pure(tmp_path, monkeypatch):
    need("graphviz-pure")
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot`; graphviz-pure is beside Python
    assert Path(viz.find_renderer()).name == "graphviz-pure"
    loss, leaves = mlp()
    dot = viz.make_dot(loss, leaves, show_data=True, show_grad=True)
    svg = dot.pipe(format="svg", encoding="utf-8")
    assert "graphviz-pure" in svg  # its version comment
    assert_every_label_drawn(dot, svg)
    assert Path(dot.render(outfile=tmp_path / "graph.svg")).read_text() == svg


def test_without_dot_every_way_of_rendering_runs_graphviz_pure(tmp_path, monkeypatch):
    bin_dir = without_programs(monkeypatch, tmp_path)
    log = fake_program(bin_dir, "graphviz-pure")
    dot = viz.make_dot(mg.randn(2, requires_grad=True).exp())
    assert dot.pipe(format="svg") == b"<svg>graphviz-pure</svg>\n"
    assert dot._repr_mimebundle_() == {"image/svg+xml": "<svg>graphviz-pure</svg>\n"}
    out = dot.render(outfile=tmp_path / "g.svg")
    assert Path(out).read_text() == "<svg>graphviz-pure</svg>\n"
    assert log.read_text().count("-Kdot -Tsvg") == 3
    assert graphviz.backend.dot_command.DOT_BINARY == Path("dot")  # restored after each run


def test_dot_is_preferred_when_both_are_installed(tmp_path, monkeypatch):
    bin_dir = without_programs(monkeypatch, tmp_path)
    fake_program(bin_dir, "graphviz-pure")
    fake_program(bin_dir, "dot")
    assert viz.find_renderer() == str(bin_dir / "dot")
    assert viz.make_dot(mg.randn(2, requires_grad=True)).pipe(format="svg") == b"<svg>dot</svg>\n"


def test_without_a_renderer_the_error_says_how_to_install_one(tmp_path, monkeypatch):
    without_programs(monkeypatch, tmp_path)
    assert viz.find_renderer() is None
    dot = viz.make_dot(mg.randn(2, requires_grad=True).exp())
    for render in (
        lambda: dot.pipe(format="svg"),
        lambda: dot.render(outfile=tmp_path / "g.svg"),
        dot._repr_mimebundle_,
    ):
        with pytest.raises(graphviz.ExecutableNotFound) as caught:
            render()
        assert isinstance(caught.value, viz.RendererNotFound)
        message = str(caught.value)
        assert "apt-get install graphviz" in message
        assert "pip install graphviz-pure" in message
    assert "ExpBackward" in dot.source  # building the graph needs no program


def test_an_rnn_of_hundreds_of_nodes_renders():
    if viz.find_renderer() is None:
        need("dot")
    loss, weights = rnn(100)
    dot = viz.make_dot(loss, weights)
    assert len(nodes(dot)) > 500
    svg = dot.pipe(format="svg", encoding="utf-8")
    assert svg.count('class="node"') == len(nodes(dot))
