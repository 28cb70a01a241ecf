"""``repr(tensor)``, laid out as PyTorch lays it out (its default print options).

One format for all elements, chosen from the nonzero finite values: whole numbers
print as ``1.``, others with 4 decimals (``1.5000``), and scientific notation
(``1.0000e+08``) when the largest is over 1e8, the largest over the smallest is over
1000, or (not whole) the smallest is under 1e-4. Elements are right-aligned to the
widest of those values, wrapped at 80 columns, and a tensor of more than 1000
elements shows its first and last 3 entries along each dimension.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

PRECISION = 4
THRESHOLD = 1000  # more elements than this are summarized
EDGEITEMS = 3
LINEWIDTH = 80
SCI_MODE = None  # True or False: scientific notation forced on or off, None: chosen as above


class _Formatter:
    """The format and width that every element of one tensor is printed with."""

    def __init__(self, values: np.ndarray) -> None:
        self.floating = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        flat = values.reshape(-1)
        if not self.floating:
            self.width = max([1] + [len(self._text(v)) for v in flat.tolist()])
            return
        shown = flat[np.isfinite(flat) & (flat != 0)]
        if shown.size == 0:
            return
        magnitude = np.abs(shown).astype(np.float64)
        lo, hi = float(magnitude.min()), float(magnitude.max())  # hi / lo may be inf
        self.int_mode = bool(np.all(shown == np.ceil(shown)))
        if SCI_MODE is None:
            self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8 or (not self.int_mode and lo < 1.0e-4)
        else:
            self.sci_mode = SCI_MODE
        self.width = max(len(self._text(v)) for v in shown.tolist())

    def _text(self, value: float | int | bool) -> str:
        if not self.floating:
            return str(value)
        if self.sci_mode:
            return f"{value:.{PRECISION}e}"
        if self.int_mode:
            return f"{value:.0f}" + ("" if math.isinf(value) or math.isnan(value) else ".")
        return f"{value:.{PRECISION}f}"

    def format(self, value: float | int | bool) -> str:
        return self._text(value).rjust(self.width)


class _ComplexFormatter:
    """A complex element as PyTorch prints it: its real part in the real parts' format, then
    its imaginary part in theirs with its sign and a ``j`` (``1.+2.j``, ``-3.5000-0.5000j``)."""

    def __init__(self, values: np.ndarray) -> None:
        self.real, self.imag = _Formatter(values.real), _Formatter(values.imag)
        self.width = self.real.width + self.imag.width + 1  # what a line fits, as PyTorch

    def format(self, value: complex) -> str:
        imag = (self.imag.format(value.imag) + "j").lstrip()
        return self.real.format(value.real) + ("" if imag[0] in "+-" else "+") + imag


def _formatter(values: np.ndarray) -> _Formatter | _ComplexFormatter:
    return _ComplexFormatter(values) if values.dtype.kind == "c" else _Formatter(values)


def _summarized(a: np.ndarray) -> np.ndarray:
    """The entries that a summarized print shows: EDGEITEMS at each end of every dimension."""
    for axis, n in enumerate(a.shape):
        if n > 2 * EDGEITEMS:
            keep = list(range(EDGEITEMS)) + list(range(n - EDGEITEMS, n))
            a = np.take(a, keep, axis=axis)
    return a


def _body(a: np.ndarray, indent: int, summarize: bool, fmt: Any) -> str:
    """The bracketed rows of ``a``; ``indent`` is the column its opening bracket is at."""
    if a.ndim == 0:
        return fmt.format(a.item())
    long = summarize and a.shape[0] > 2 * EDGEITEMS
    if a.ndim == 1:
        if long:
            head, tail = a[:EDGEITEMS].tolist(), a[-EDGEITEMS:].tolist()
            cells = [fmt.format(v) for v in head] + [" ..."] + [fmt.format(v) for v in tail]
        else:
            cells = [fmt.format(v) for v in a.tolist()]
        per_line = max(1, (LINEWIDTH - indent) // (fmt.width + 2))
        lines = [", ".join(cells[i : i + per_line]) for i in range(0, len(cells), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    rows = range(a.shape[0])
    if long:
        rows = list(range(EDGEITEMS)) + [None] + list(range(a.shape[0] - EDGEITEMS, a.shape[0]))
    parts = ["..." if i is None else _body(a[i], indent + 1, summarize, fmt) for i in rows]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def tensor_repr(data: np.ndarray, suffixes: list) -> str:
    """``tensor(<values>, <suffixes>)``; a suffix that would pass 80 columns starts a new line.

    A suffix is measured as PyTorch's text (``torch.`` where minigrad has ``minigrad.``,
    and a node name with PyTorch's overload number, ``MulBackward0``), so the lines
    break exactly where PyTorch's do.
    """
    prefix = "tensor("
    if data.size == 0:
        text = prefix + "[]"
    else:
        summarize = data.size > THRESHOLD
        fmt = _formatter(_summarized(data) if summarize else data)
        text = prefix + _body(data, len(prefix), summarize, fmt)
    parts = [text]
    line = len(text) - text.rfind("\n") + 1
    for s in suffixes:
        width = len(s.replace("minigrad.", "torch.").replace("Backward>", "Backward0>"))
        if line + width + 2 > LINEWIDTH:
            parts.append(",\n" + " " * len(prefix) + s)
            line = len(prefix) + width
        else:
            parts.append(", " + s)
            line += width + 2
    return "".join(parts) + ")"
