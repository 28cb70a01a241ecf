"""The README's example runs as printed and its model learns."""

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_example_runs_and_learns():
    code = re.search(r"## Example\n\n```python\n(.*?)```", README.read_text(), re.DOTALL).group(1)
    assert len(code.strip().splitlines()) <= 15
    out = io.StringIO()
    namespace: dict = {}
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), namespace)
    assert namespace["loss"].item() < 0.05
    assert out.getvalue().split()[1:] == ["(16,", "2)"]


def _row(area: str) -> str:
    return re.search(rf"^\| {area} \| (.*) \|$", README.read_text(), re.MULTILINE).group(1)


def test_readme_names_of_the_newer_namespaces_exist():
    """Each name the supported table lists for linalg, special, distributions and func is
    there (the first backticked list of each row, in its namespace)."""
    import minigrad as mg

    for area, space in (("linalg", mg.linalg), ("special", mg.special),
                        ("distributions", mg.distributions), ("func", mg.func)):  # fmt: skip
        names = [n for chunk in re.findall(r"`([^`]*)`", _row(area)) for n in chunk.split()]
        names = [n.split(".")[-1] for n in names if re.fullmatch(r"[A-Za-z]\w*(\.[A-Za-z]\w*)*", n)]
        classes = [c for c in vars(space).values() if isinstance(c, type)]
        missing = [n for n in names if not hasattr(space, n) and not hasattr(mg, n)
                   and not any(hasattr(c, n) for c in classes)]  # a method, as rsample  # fmt: skip
        assert len(names) > 5 and not missing, (area, missing)
