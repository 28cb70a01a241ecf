"""Every example runs with --quick, reaches its accuracy, and writes valid images;
the tutorial's code runs and prints what the tutorial says it prints.

Each script runs in its own process (the Python running the tests), from a temporary
directory and with ``--out`` pointing there. The accuracy is read from the line
``test accuracy: 0.981`` that the training examples print. SVG files need Graphviz's
``dot`` or the ``graphviz-pure`` program; with neither installed their check is skipped,
unless the environment sets MINIGRAD_REQUIRE_DOT=1.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES_DIR = ROOT / "examples"
TUTORIAL = ROOT / "docs" / "tutorial.md"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class Example(NamedTuple):
    script: str
    min_accuracy: float | None  # None: the script prints no test accuracy
    files: tuple[str, ...]  # what it must write into --out


EXAMPLES = [
    Example(
        "demo.py", 0.98, ("learning_curve.png", "decision_boundary.png", "graph.dot", "graph.svg")
    ),
    Example(
        "xor.py",
        1.0,
        ("xor_learning_curve.png", "xor_boundary.png", "xor_graph.dot", "xor_graph.svg"),
    ),
    Example("spirals.py", 0.95, ("spirals_learning_curve.png", "spirals_boundary.png")),
    Example("digits.py", 0.95, ("digits_learning_curve.png", "digits_predictions.png")),
    Example("pytorch_port.py", 0.95, ("moons_model.npz", "moons_boundary.png")),
    Example(
        "visualize_graph.py", None, ("graph.dot", "graph.svg", "graph_grad.dot", "graph_grad.svg")
    ),
    Example("compare_backprop.py", None, ("compare_backprop.txt",)),
]


def renderer_available() -> bool:
    """Whether minigrad.viz can draw: `dot` or `graphviz-pure` on PATH or beside this Python."""
    path = os.pathsep.join([os.environ.get("PATH", os.defpath), sysconfig.get_path("scripts")])
    return any(shutil.which(program, path=path) for program in ("dot", "graphviz-pure"))


def svg_required() -> bool:
    return renderer_available() or os.environ.get("MINIGRAD_REQUIRE_DOT") == "1"


def run_example(script: str, out: Path) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES_DIR / script), "--quick", "--out", str(out)],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, (
        f"{script} exited with {result.returncode}\n"
        f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
    )
    return result


def check_png(path: Path) -> None:
    assert path.read_bytes()[:8] == PNG_MAGIC, f"{path.name} is not a PNG file"


def check_svg(path: Path) -> None:
    root = ET.parse(path).getroot()  # raises if it is not well-formed XML
    assert root.tag.rsplit("}", 1)[-1] == "svg", f"{path.name}: root element is {root.tag}"


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.script for e in EXAMPLES])
def test_example(example: Example, tmp_path: Path) -> None:
    if not (EXAMPLES_DIR / example.script).exists():
        pytest.fail(f"examples/{example.script} is missing")
    result = run_example(example.script, tmp_path)

    if example.min_accuracy is not None:
        found = re.search(r"^test accuracy: ([0-9.]+)", result.stdout, flags=re.MULTILINE)
        assert found, f"{example.script} printed no 'test accuracy: ...' line:\n{result.stdout}"
        assert float(found.group(1)) >= example.min_accuracy

    written = {p.name for p in tmp_path.iterdir()}
    expected = set(example.files)
    if not svg_required():
        expected = {name for name in expected if not name.endswith(".svg")}
    assert expected <= written, f"{example.script} did not write {sorted(expected - written)}"

    for path in sorted(tmp_path.iterdir()):
        if path.suffix == ".png":
            check_png(path)
        elif path.suffix == ".svg":
            check_svg(path)


def test_svg_rendering_is_available_when_required() -> None:
    """MINIGRAD_REQUIRE_DOT=1 turns a missing renderer into a failure instead of a skip."""
    if os.environ.get("MINIGRAD_REQUIRE_DOT") != "1" and not renderer_available():
        pytest.skip("neither `dot` nor `graphviz-pure` is installed; SVG checks skipped")
    assert renderer_available(), "MINIGRAD_REQUIRE_DOT=1 but no Graphviz renderer was found"


def test_tutorial_code_prints_what_the_tutorial_shows(tmp_path: Path, monkeypatch) -> None:
    """Run the tutorial's ```python blocks in order, in one namespace; where a ```text block
    follows one, it must be exactly what the code printed (e-notation numbers, which are
    float rounding, are compared only as numbers of that form)."""
    if not renderer_available() and os.environ.get("MINIGRAD_REQUIRE_DOT") != "1":
        pytest.skip("the tutorial renders graphs; neither `dot` nor `graphviz-pure` is installed")
    monkeypatch.chdir(tmp_path)  # the tutorial writes its graph drawings to the current dir
    blocks = re.findall(r"```(python|text)\n(.*?)```", TUTORIAL.read_text(), flags=re.DOTALL)
    assert blocks, "no code blocks found in docs/tutorial.md"
    rounding = re.compile(r"-?\d\.\d+e[-+]\d+")
    namespace: dict = {}
    for i, (kind, body) in enumerate(blocks):
        if kind != "python":
            continue
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(body, f"docs/tutorial.md, code block {i}", "exec"), namespace)
        if i + 1 < len(blocks) and blocks[i + 1][0] == "text":
            shown = blocks[i + 1][1]
            assert rounding.sub("<float>", printed.getvalue()) == rounding.sub("<float>", shown), (
                f"code block {i} printed\n{printed.getvalue()}\nbut the tutorial shows\n{shown}"
            )
    for image in ("scalar_graph.svg", "mlp_graph.svg"):
        check_svg(tmp_path / image)
