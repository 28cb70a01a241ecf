# ruff: noqa: E501 - the programs are data, one per line
"""nn.Module's mechanics against PyTorch, program by program (round "pmodule"): repr,
pickling, state_dict's per-module methods and metadata, nn.Buffer. Each program binds
its result to ``R``; both frameworks must give the same result or raise the same class
of exception (test_torch_oracle_autograd's harness)."""

import pytest
from test_torch_oracle_autograd import test_program_matches_pytorch as _matches_pytorch

PROGRAMS = [
    # repr names each module by _get_name(), as PyTorch's
    "class Foo(M.nn.Module):\n  def _get_name(self): return 'Bar'\nR = (repr(Foo()), repr(M.nn.Sequential(Foo(), M.nn.ReLU())))",
    "class L(M.nn.ModuleList):\n  def _get_name(self): return 'Blocks'\nR = (repr(L()), repr(L([M.nn.ReLU(), M.nn.ReLU()])))",
]


@pytest.mark.parametrize("program", PROGRAMS)
def test_module_mechanics_match_pytorch(program):
    _matches_pytorch(program)
