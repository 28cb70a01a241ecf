# ruff: noqa: E501 - the programs are data, one per line
"""Generators, samplers, the full DataLoader and the other datasets against PyTorch, program
by program: what does not depend on the random numbers (minigrad's generator is NumPy's, so
its numbers differ): seeds, state round trips, lengths, shapes, sequential and batch
indices, which calls raise and with which exception class (and, where marked, message).
Runs only where torch is installed."""

import pytest
from test_torch_oracle_autograd import _run
from test_torch_oracle_autograd import test_program_matches_pytorch as _matches_pytorch
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

GENERATOR_PROGRAMS = [
    "g = M.Generator(); R = (g.initial_seed(), g.manual_seed(5) is g, g.initial_seed())",
    "R = M.Generator(device='cpu').manual_seed(-1).initial_seed()",
    "R = (str(M.Generator('cpu').device), M.Generator(device=None).initial_seed())",
    "R = M.Generator().manual_seed(2**64)",
    "R = M.Generator().manual_seed(-2**63 - 1)",
    "R = M.Generator().manual_seed(1.5)",
    "R = M.Generator().manual_seed('a')",
    "s = M.Generator().get_state(); R = (s.dtype == M.uint8, s.ndim)",
    "g = M.Generator().manual_seed(3); s = g.get_state(); g.manual_seed(4); R = (g.set_state(s) is g, g.initial_seed())",
    "g = M.Generator().manual_seed(3); s = g.get_state(); a = M.rand(4, generator=g).tolist(); g.set_state(s); R = M.rand(4, generator=g).tolist() == a",
    "g = M.Generator(); R = g.set_state(M.zeros(3, dtype=M.uint8))",
    "R = M.Generator().set_state(M.zeros(3))",
    "R = M.Generator().set_state([1])",
    "R = M.Generator().seed() == M.Generator().seed()",
    "g = M.Generator(); R = g.seed() == g.initial_seed()",
    "g = M.Generator().manual_seed(0); R = (tuple(M.randn(2, 3, generator=g).shape), tuple(M.rand(size=(4,), generator=g).shape), M.randint(5, (4,), generator=g).dtype == M.int64, sorted(M.randperm(6, generator=g).tolist()))",
    "g = M.Generator().manual_seed(0); R = [0 <= v < 3 for v in M.randint(0, 3, (6,), generator=g).tolist()]",
    "g = M.Generator().manual_seed(1); R = (tuple(M.rand_like(M.zeros(2, 1), generator=g).shape), tuple(M.randn_like(M.zeros(3), generator=g).shape))",
    "a = [M.randn(5, generator=M.Generator().manual_seed(9)).tolist() for _ in range(2)]; R = a[0] == a[1]",
    "g = M.Generator(); R = M.randn(2, generator=object())",
    "g = M.Generator(); R = M.rand(2, generator=1)",
    "g = M.Generator(); R = M.randint(0, 3, (2,), generator=object())",
    "g = M.Generator(); R = M.randperm(3, generator=object())",
    "g = M.Generator(); R = M.randperm(3, g)",
    "R = type(M.manual_seed(1)) is M.Generator",
    "R = (M.manual_seed(3).initial_seed(), M.initial_seed(), M.manual_seed(4) is M.default_generator)",
    "M.manual_seed(2); s = M.get_rng_state(); a = M.rand(3).tolist(); M.set_rng_state(s); R = (M.rand(3).tolist() == a, s.dtype == M.uint8)",
    "g = M.Generator(); M.manual_seed(2); a = M.rand(3).tolist(); M.manual_seed(2); M.rand(3, generator=g); R = M.rand(3).tolist() == a",
    "s = M.utils.data.random_split(range(10), [3, 7], generator=M.Generator().manual_seed(1)); R = [len(x) for x in s]",
    "s = M.utils.data.random_split(range(10), [0.5, 0.5], generator=M.Generator().manual_seed(1)); R = sorted(s[0].indices + s[1].indices)",
    "s = [M.utils.data.random_split(range(10), [4, 6], generator=M.Generator().manual_seed(2))[0].indices for _ in range(2)]; R = s[0] == s[1]",
    "g = M.Generator(); R = M.utils.data.random_split(range(4), [2, 2], generator=object())",
    "g = M.Generator(); R = M.utils.data.random_split(range(4), [3, 3], generator=object())",
    "R = tuple(M.nn.init.normal_(M.zeros(2, 3), generator=M.Generator()).shape)",
    "g = M.Generator(); R = M.nn.init.uniform_(M.zeros(2), generator=object())",
]


@pytest.mark.parametrize("program", GENERATOR_PROGRAMS)
def test_generator_program_matches_pytorch(program):
    _matches_pytorch(program)


D = "M.utils.data."
SAMPLER_PROGRAMS = [
    f"R = list({D}SequentialSampler(range(5))), len({D}SequentialSampler('abc'))",
    f"R = [list({D}BatchSampler({D}SequentialSampler(range(n)), b, d)) for n in (0, 1, 6, 7) for b in (1, 3, 7) for d in (False, True)]",
    f"R = [len({D}BatchSampler({D}SequentialSampler(range(n)), b, d)) for n in (0, 1, 6, 7) for b in (1, 3, 7) for d in (False, True)]",
    f"R = list({D}BatchSampler(iter([4, 5, 6]), 2, False))",
    f"R = list({D}BatchSampler([[1], [2], [3]], batch_size=2, drop_last=True))",
    f"R = len({D}BatchSampler(iter([4, 5, 6]), 2, False))",
    f"s = {D}RandomSampler(range(6)); R = (len(s), sorted(s), s.num_samples, s.replacement, s.generator)",
    f"s = {D}RandomSampler(range(4), num_samples=10, generator=M.Generator()); R = (len(s), len(list(s)), set(s) == {0, 1, 2, 3})",
    f"s = {D}RandomSampler(range(4), replacement=True, num_samples=7); R = (len(s), len(list(s)), all(0 <= i < 4 for i in s))",
    f"s = {D}RandomSampler(range(3), num_samples=True); R = (len(s), len(list(s)))",
    f"s = {D}SubsetRandomSampler([7, 3, 9], generator=M.Generator()); R = (len(s), sorted(s), s.indices)",
    f"s = {D}WeightedRandomSampler([1.0, 0.0, 2.0], 5); R = (len(s), len(list(s)), 1 in list(s), s.num_samples, s.replacement, s.weights.dtype == M.float64)",
    f"s = {D}WeightedRandomSampler([1, 0, 2], 3, replacement=False, generator=M.Generator()); R = (sorted(s), list(s)[-1])",
    f"R = issubclass({D}BatchSampler, {D}Sampler), issubclass({D}RandomSampler, {D}Sampler), isinstance({D}SequentialSampler([]), {D}Sampler)",
    f"class S({D}Sampler[int]):\n    def __iter__(self):\n        return iter([2, 0])\nR = list({D}BatchSampler(S(), 1, False))",
    f"R = len({D}Sampler())",
    f"R = iter({D}Sampler())",
    f"R = list({D}RandomSampler(range(3), generator=object()))",
]
SAMPLER_ERRORS = [  # same exception class and message
    f"{D}BatchSampler(range(3), 0, False)",
    f"{D}BatchSampler(range(3), True, False)",
    f"{D}BatchSampler(range(3), 2.0, False)",
    f"{D}BatchSampler(range(3), 2, 1)",
    f"{D}RandomSampler(range(3), replacement=1)",
    f"{D}RandomSampler(range(3), num_samples=0)",
    f"{D}RandomSampler(range(3), num_samples=2.0)",
    f"{D}RandomSampler([])",
    f"{D}WeightedRandomSampler([1.0], 0)",
    f"{D}WeightedRandomSampler([1.0], True)",
    f"{D}WeightedRandomSampler([1.0], 1, replacement=None)",
    f"{D}WeightedRandomSampler([[1.0, 2.0]], 1)",
    f"{D}WeightedRandomSampler(5.0, 1)",
    f"list({D}WeightedRandomSampler([1.0, 2.0], 3, replacement=False))",
    f"list({D}WeightedRandomSampler([-1.0, 2.0], 1))",
    f"list({D}WeightedRandomSampler([float('nan'), 2.0], 1))",
    f"list({D}WeightedRandomSampler([0.0, 0.0], 1))",
]


@pytest.mark.parametrize("program", SAMPLER_PROGRAMS)
def test_sampler_program_matches_pytorch(program):
    _matches_pytorch(program)


def _raises_as_pytorch(program):
    """The program raises in both, the same exception class with the same message."""
    _, t_err = _run("R = " + program, torch)
    _, m_err = _run("R = " + program, mg)
    assert t_err is not None and m_err is not None, (t_err, m_err)
    assert type(m_err) is type(t_err) and str(m_err) == str(t_err), (m_err, t_err)


@pytest.mark.parametrize("program", SAMPLER_ERRORS)
def test_sampler_error_matches_pytorch(program):
    _raises_as_pytorch(program)
