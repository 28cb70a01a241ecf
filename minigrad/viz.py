"""Draw the computation graph behind a tensor with Graphviz: ``make_dot(loss)``.

Data flows left to right: leaves (parameters in blue, inputs that need no gradient in
grey) feed the op nodes (``MatmulBackward``, ...), which end in the root, highlighted.
Building the graph needs only the ``graphviz`` Python package; rendering it needs
Graphviz's ``dot`` program or, when that is missing, the ``graphviz-pure`` program.
"""

from __future__ import annotations

import html
import os
import shutil
import sysconfig
import threading
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

try:
    import graphviz
    from graphviz.backend import dot_command
except ImportError as e:  # pragma: no cover - depends on the environment
    raise ImportError("minigrad.viz needs the graphviz Python package: pip install graphviz") from e

from .engine import Node, Output, short_name
from .tensor import Tensor

INSTALL_HINT = (
    "Rendering a graph needs Graphviz's `dot` program or the `graphviz-pure` program, and "
    "neither is on PATH nor beside this Python. Install one of them:\n"
    "  apt-get install graphviz    (Debian/Ubuntu; brew install graphviz on macOS, "
    "conda install graphviz in conda)\n"
    "  pip install graphviz-pure   (a self-contained port of dot; no system packages)\n"
    "The graph's DOT source needs neither: graph.source, graph.save('graph.dot')."
)

SMALL = 8  # tensors with at most this many elements show their values, larger ones a summary
LARGE = 100  # in graphs with more nodes, a leaf used by several ops is drawn beside each

_PARAM = {"fillcolor": "#cfe3f7", "color": "#3b78b5"}  # a leaf that requires grad
_INPUT = {"fillcolor": "#ececec", "color": "#9a9a9a", "fontcolor": "#404040"}  # needs no grad
_OP = {"fillcolor": "#ffffff", "color": "#606060"}
_ROOT = {"fillcolor": "#fbe3a4", "color": "#b07d00", "penwidth": "2"}


class RendererNotFound(graphviz.ExecutableNotFound):
    """Neither ``dot`` nor ``graphviz-pure`` is installed (a ``graphviz.ExecutableNotFound``)."""

    def __init__(self) -> None:
        RuntimeError.__init__(self, INSTALL_HINT)


def find_renderer() -> str | None:
    """The path of Graphviz's ``dot``, else of ``graphviz-pure``, else None.

    Both are looked for on PATH and then in this Python's scripts directory, where pip
    puts ``graphviz-pure`` even when its virtual environment is not activated.
    """
    path = os.pathsep.join([os.environ.get("PATH", os.defpath), sysconfig.get_path("scripts")])
    for program in ("dot", "graphviz-pure"):
        found = shutil.which(program, path=path)
        if found:
            return found
    return None


_binary_lock = threading.Lock()


def _with_renderer(run: Callable) -> Callable:
    """Wrap a graphviz backend function to run :func:`find_renderer`'s program, not ``dot``."""

    def run_with_renderer(*args: Any, **kwargs: Any) -> Any:
        program = find_renderer()
        if program is None:
            raise RendererNotFound()
        # graphviz reads the program's name from this module global on every call
        with _binary_lock:
            default = dot_command.DOT_BINARY
            dot_command.DOT_BINARY = program
            try:
                return run(*args, **kwargs)
            finally:
                dot_command.DOT_BINARY = default

    return run_with_renderer


class Digraph(graphviz.Digraph):
    """A ``graphviz.Digraph`` that renders with ``dot``, or with ``graphviz-pure`` without it.

    ``render()``, ``pipe()`` and Jupyter's display all run Graphviz through these three
    hooks of the graphviz package, so overriding them changes the program for all three.
    """

    @property
    def _render(self) -> Callable:
        return _with_renderer(super()._render)

    @property
    def _pipe_lines(self) -> Callable:
        return _with_renderer(super()._pipe_lines)

    @property
    def _pipe_lines_string(self) -> Callable:
        return _with_renderer(super()._pipe_lines_string)


def make_dot(
    root: Tensor, params: Any = None, show_data: bool = False, show_grad: bool = False
) -> Digraph:
    """The graph of ops and leaves that produced ``root``, as a ``graphviz.Digraph``.

    Args:
        root: the output tensor, e.g. the loss; its op node is highlighted.
        params: names for leaves, a dict name -> Tensor or an ``nn.Module`` (its
            ``named_parameters()``). Leaves that require grad are blue, the others grey.
        show_data: add each leaf's values (at most ``SMALL`` elements; else min, mean,
            max) and the root's. Op nodes keep no values after the forward pass, so
            only the root, whose tensor we hold, shows its output.
        show_grad: add each leaf's ``.grad`` (after ``backward()``), summarised likewise.

    One node per distinct op (a shared subgraph is drawn once) and one edge per
    operand, so ``a + a`` has two edges from ``a``. Python numbers are not drawn. In
    graphs of more than ``LARGE`` nodes, a leaf used by several ops (an RNN's weights)
    is drawn beside each of them, dashed, and ``dot`` places nodes with bounded effort:
    edges across the whole graph would make it take minutes. The walk is iterative,
    so graphs of any depth build.
    """
    if not isinstance(root, Tensor):
        raise TypeError(f"make_dot: root must be a Tensor, got {type(root).__name__}")
    if hasattr(params, "named_parameters"):
        params = dict(params.named_parameters())
    if params is not None and not isinstance(params, Mapping):
        raise TypeError(
            "make_dot: params must be a dict name -> Tensor or a Module, got "
            f"{type(params).__name__}"
        )
    names = {id(t): str(name) for name, t in (params or {}).items()}
    items, edges, outs = _walk(root)
    ids = {id(x): f"n{i}" for i, x in enumerate(items)}
    users: dict[int, set] = {}  # leaf -> the ops that read it
    for x, op in edges:
        if not isinstance(x, Node):
            users.setdefault(id(x), set()).add(id(op))
    split = {k for k, ops in users.items() if len(ops) > 1} if len(items) > LARGE else set()

    # ordering=in stacks an op's inputs in operand order: x, weight, bias of a Linear
    graph_attr = {"rankdir": "LR", "ordering": "in", "nodesep": "0.12", "ranksep": "0.3"}
    if len(items) > LARGE:
        graph_attr["nslimit"] = "1"  # bounds dot's placement work: seconds, not minutes
    dot = Digraph(
        graph_attr=graph_attr,
        node_attr={
            "shape": "box",
            "style": "rounded,filled",
            "fontname": "Helvetica",
            "fontsize": "11",
            "height": "0.3",
            "margin": "0.1,0.04",
        },
        edge_attr={"color": "#707070", "arrowsize": "0.6"},
    )
    lines = {id(x): _lines(x, root, names, outs, show_data, show_grad) for x in items}
    for x in items:
        if id(x) not in split:
            dot.node(ids[id(x)], _html(lines[id(x)]), **_style(x, root))
    copies = set()
    for x, op in edges:
        tail = ids[id(x)]
        if id(x) in split:
            tail += "_" + ids[id(op)]  # this op's copy of the leaf
            if tail not in copies:  # an op may read the leaf twice: x * x
                copies.add(tail)
                copy = lines[id(x)] + [_small(f"used by {len(users[id(x)])} ops")]
                dot.node(tail, _html(copy), **_style(x, root), style="rounded,filled,dashed")
        if isinstance(x, Node):  # heavier op-to-op edges keep the chain of ops straight
            dot.edge(tail, ids[id(op)], weight="4")
        else:
            dot.edge(tail, ids[id(op)])
    return dot


def _walk(root: Tensor) -> tuple[list, list, dict]:
    """Each op node and leaf behind ``root`` once, and an (input, op) edge per operand;
    for ops with several outputs (split), the shapes of those reached, by output number."""
    outs: dict = {}
    start = _op(root._node, outs) or root
    seen = {id(start)}
    items, edges = [], []
    stack = [start]
    while stack:
        item = stack.pop()
        items.append(item)
        for x in item.next if isinstance(item, Node) else ():
            if x is None:
                continue
            x = _op(x, outs)
            edges.append((x, item))
            if id(x) not in seen:
                seen.add(id(x))
                stack.append(x)
    return items, edges, outs


def _op(x: Any, outs: dict) -> Any:
    """The op behind an edge: for one output of several (an engine.Output), the op itself,
    noting that output's shape in ``outs``."""
    if type(x) is not Output:
        return x
    outs.setdefault(id(x.node), {})[x.output_nr] = x.shape
    return x.node


def _lines(
    item: Any, root: Tensor, names: dict, outs: dict, show_data: bool, show_grad: bool
) -> list[str]:
    """The lines of a node's label: op or leaf name, shape (and dtype), values if asked.
    An op with several outputs shows the shapes of those in the graph."""
    if isinstance(item, Node):
        shapes = outs.get(id(item))
        shape = " ".join(dict.fromkeys(str(shapes[k]) for k in sorted(shapes))) if shapes \
            else str(item.shape)  # fmt: skip
        lines = [f"<b>{short_name(item)}</b>", _small(shape)]
        tensor = root if item is root.grad_fn else None
    else:
        name = names.get(id(item))
        lines = [f"<b>{html.escape(name)}</b>"] if name else []
        lines.append(_small(f"{item.shape} {item.dtype}"))
        tensor = item
    if tensor is not None:
        if show_data:
            lines += _summary("data", tensor.data)
        if show_grad and (tensor._grad is not None or tensor.is_leaf and tensor.requires_grad):
            lines += _summary("grad", None if tensor._grad is None else tensor._grad.data)
    return lines


def _html(lines: list[str]) -> str:
    """A Graphviz HTML-like label of one centred line per entry."""
    return "<" + "<br/>".join(lines) + ">"


def _style(item: Any, root: Tensor) -> dict:
    if item is root or item is root.grad_fn:
        return _ROOT
    if isinstance(item, Node):
        return _OP
    return _PARAM if item.requires_grad else _INPUT


def _small(text: str) -> str:
    return f'<font point-size="9" color="#505050">{html.escape(text)}</font>'


def _summary(what: str, a: np.ndarray | None) -> list[str]:
    """Label lines for an array: its values if small, else its min, mean and max."""
    if a is None:
        return [_mono(what, f"{what} None")]
    if a.size <= SMALL:
        text = np.array2string(
            a, precision=4, floatmode="maxprec_equal", suppress_small=True, separator=", "
        )
        rows = text.splitlines()
        indent = " " * (len(what) + 1)  # rows stay aligned under the first
        return [_mono(what, f"{what} {rows[0]}")] + [_mono(what, indent + r) for r in rows[1:]]
    f = a.astype(np.float64)
    return [_mono(what, f"{what} min {f.min():.3g} mean {f.mean():.3g} max {f.max():.3g}")]


def _mono(what: str, text: str) -> str:
    color = "#a03000" if what == "grad" else "#000000"  # gradients stand out from values
    return f'<font face="Courier" point-size="9" color="{color}">{html.escape(text)}</font>'
