# ruff: noqa: E501 - the programs are data, one per line
"""random_split and Subset against PyTorch, program by program: split sizes (PyTorch's
rounding of fractions), errors and warnings. The order is drawn from minigrad's own
generator, so the programs compare only what does not depend on the random numbers.
Runs only where torch is installed."""

import pytest
from test_torch_oracle_autograd import test_program_matches_pytorch as _matches_pytorch
from torch_oracle import import_torch

torch = import_torch()

_WARNINGS = "import warnings\nwith warnings.catch_warnings(record=True) as caught:\n    warnings.simplefilter('always')\n"
PROGRAMS = [
    "R = [len(s) for s in M.utils.data.random_split(range(10), [3, 7])]",
    "R = [len(s) for s in M.utils.data.random_split(range(10), [0.3, 0.3, 0.4])]",
    "R = [len(s) for s in M.utils.data.random_split(range(11), [0.3, 0.3, 0.4])]",
    "R = [len(s) for s in M.utils.data.random_split(range(7), [0.25, 0.25, 0.25, 0.25])]",
    "R = [len(s) for s in M.utils.data.random_split(range(5), [1.0])]",
    "R = [len(s) for s in M.utils.data.random_split(range(0), [0, 0])]",
    "R = [len(s) for s in M.utils.data.random_split(range(10), [0.5, 0.5, 0.0])]",
    "R = M.utils.data.random_split(range(10), [3, 3])",
    "R = M.utils.data.random_split(range(10), [0.5, 0.6])",
    "R = M.utils.data.random_split(range(10), [0.5, 0.2])",
    "R = M.utils.data.random_split(range(10), [1.5, -0.5])",
    "s = M.utils.data.random_split(range(10), [4, 6]); R = sorted(s[0].indices + s[1].indices)",
    "s = M.utils.data.random_split(M.utils.data.TensorDataset(M.arange(6.)), [0.5, 0.5]); R = (type(s[0]).__name__, len(s[0]), sorted(float(s[0][i][0]) for i in range(3)) != sorted(float(s[1][i][0]) for i in range(3)))",
    _WARNINGS
    + "    s = M.utils.data.random_split(range(3), [0.1, 0.1, 0.8])\nR = ([len(x) for x in s], [str(w.message) for w in caught])",
    "s = M.utils.data.Subset(range(10, 20), [5, 2, 7]); R = (len(s), s[0], s[-1], s[1])",
    "s = M.utils.data.Subset([10, 11, 12], [1, 2]); R = s[[0, 1]]",
    "s = M.utils.data.Subset(M.arange(5.), [4, 0]); R = s[[1, 0]]",
    "s = M.utils.data.Subset(range(3), [0]); R = s[1]",
]


@pytest.mark.parametrize("program", PROGRAMS)
def test_data_program_matches_pytorch(program):
    _matches_pytorch(program)
