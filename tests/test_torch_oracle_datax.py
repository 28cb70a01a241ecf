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


T = "ds = M.utils.data.TensorDataset(M.arange(10.).reshape(5, 2), M.arange(5)); "
IT = "class It(M.utils.data.IterableDataset):\n    def __iter__(self):\n        return iter([M.tensor([i, i + 1]) for i in range(5)])\n"
SIT = IT.replace("It(", "SIt(") + "    def __len__(self):\n        return 5\n"
LOADER_PROGRAMS = [
    T
    + f"R = [(tuple(x.shape), y.tolist()) for x, y in {D}DataLoader(ds, 2, False, [4, 3, 0, 1, 2])]",
    T
    + f"R = [(tuple(x.shape), y.tolist()) for x, y in {D}DataLoader(ds, 2, False, None, None, 0, None, False, True)]",
    T
    + f"R = [len({D}DataLoader(ds, b, sampler=s, drop_last=d)) for s in (None, range(3)) for b in (1, 2, 5, 6) for d in (False, True)] + [len({D}DataLoader(ds, None, sampler=range(2)))]",
    T
    + f"L = {D}DataLoader(ds, 2, True); R = (len(L), [len(y) for _, y in L], sorted(i for _, y in L for i in y.tolist()), type(L.sampler).__name__, len(L.sampler))",
    T
    + f"L = {D}DataLoader(ds, 2, shuffle=True, generator=M.Generator().manual_seed(0)); R = (len(L), type(L.sampler).__name__, L.sampler.generator is L.generator, type(L.batch_sampler).__name__)",
    T
    + f"L = {D}DataLoader(ds); R = (L.batch_size, L.drop_last, type(L.sampler).__name__, type(L.batch_sampler).__name__, L.batch_sampler.batch_size, L.dataset is ds, L.num_workers, L.pin_memory, L.timeout, L.worker_init_fn, L.multiprocessing_context, L.generator, L.prefetch_factor, L.persistent_workers, L.pin_memory_device, L.in_order, L.collate_fn.__name__)",
    T
    + f"L = {D}DataLoader(ds, batch_size=None); R = (L.batch_size, L.batch_sampler, L.collate_fn.__name__, len(L), [y.tolist() for _, y in L])",
    T
    + f"L = {D}DataLoader(ds, sampler=[4, 0, 2], batch_size=2); R = ([y.tolist() for _, y in L], len(L), L.sampler)",
    T
    + f"L = {D}DataLoader(ds, sampler={D}SequentialSampler(range(3))); R = [y.tolist() for _, y in L]",
    T
    + f"L = {D}DataLoader(ds, batch_sampler=[[3, 1], [0]]); R = ([y.tolist() for _, y in L], len(L), L.batch_size, L.drop_last, type(L.sampler).__name__)",
    T
    + f"B = {D}BatchSampler({D}SequentialSampler(ds), 2, True); L = {D}DataLoader(ds, batch_sampler=B); R = ([y.tolist() for _, y in L], len(L))",
    T
    + f"L = {D}DataLoader(ds, batch_sampler=[[3, 1]], batch_size=1, shuffle=False, drop_last=False); R = [y.tolist() for _, y in L]",
    T + f"L = {D}DataLoader(ds, 2, False, None, None, 0, lambda b: len(b)); R = list(L)",
    T + f"L = {D}DataLoader(ds, shuffle=False, sampler=[1]); R = len(L)",
    T
    + f"L = {D}DataLoader(ds, num_workers=2, prefetch_factor=3, persistent_workers=True); R = (L.prefetch_factor, L.persistent_workers, len(L))",
    T + f"R = {D}DataLoader(ds, num_workers=1).prefetch_factor",
    T
    + f"L = {D}DataLoader(ds); L.num_workers = 0; L.collate_fn = None; R = (L.num_workers, L.collate_fn, L.generator)",
    T
    + f"L = {D}DataLoader(ds, batch_sampler=[[0]], drop_last=False, batch_size=1, sampler=None, shuffle=None); R = len(L)",
    IT + f"R = [b.tolist() for b in {D}DataLoader(It(), batch_size=2)]",
    IT + f"R = [b.tolist() for b in {D}DataLoader(It(), batch_size=2, drop_last=True)]",
    IT + f"R = [b.tolist() for b in {D}DataLoader(It(), batch_size=None)]",
    IT + f"R = [b.tolist() for b in {D}DataLoader(It(), shuffle=False)]",
    IT
    + f"L = {D}DataLoader(It(), 3); R = (L.batch_size, type(L.batch_sampler).__name__, L.drop_last)",
    IT + f"R = len({D}DataLoader(It()))",
    T
    + f"i = iter({D}DataLoader(ds, 2)); R = (len(i), next(i)[1].tolist(), iter(i) is i, len(list(i)))",
    IT + "R = len(It())",
    SIT
    + f"R = [len({D}DataLoader(SIt(), b, drop_last=d)) for b in (1, 2, 5, 6) for d in (False, True)] + [len({D}DataLoader(SIt(), None))]",
    SIT + f"R = [b.tolist() for b in {D}DataLoader(SIt() + SIt(), batch_size=4)]",
    IT + SIT + "c = SIt() + It(); R = (type(c).__name__, len(list(c)))",
    SIT + f"R = len({D}ChainDataset([SIt(), SIt()]))",
    IT + f"R = len({D}ChainDataset([It(), [1]]))",
    IT + f"R = list({D}ChainDataset([It(), [1]]))",
    f"R = {D}IterableDataset()",
    f"R = ({D}get_worker_info(), issubclass({D}IterableDataset, {D}Dataset), issubclass({D}ChainDataset, {D}IterableDataset))",
    T
    + "c = ds + ds; R = (type(c).__name__, len(c), c.cumulative_sizes, [c[i][1].tolist() for i in (0, 4, 5, 9, -1, -10)])",
    f"c = {D}ConcatDataset([range(3), [7], range(0), range(10, 12)]); R = ([c[i] for i in range(len(c))], c.cumulative_sizes, c[-1], c[-6])",
    f"c = {D}ConcatDataset([range(3)]); R = c[3]",
    f"c = {D}ConcatDataset([range(3), range(2)]); R = c[-6]",
    f"R = {D}ConcatDataset([])",
    IT + f"R = {D}ConcatDataset([range(2), It()])",
    f"R = {D}ConcatDataset.cumsum([range(2), range(3)])",
    T
    + f"c = {D}ConcatDataset([ds, ds]); R = [(tuple(x.shape), y.tolist()) for x, y in {D}DataLoader(c, batch_size=4)]",
    f"s = {D}StackDataset(range(3), range(10, 13)); R = (len(s), s[1], s[-1])",
    f"s = {D}StackDataset(a=range(3), b=range(10, 13)); R = (len(s), s[1])",
    f"s = {D}StackDataset(a=range(3), b=range(10, 13)); R = [(d['a'].tolist(), d['b'].tolist()) for d in {D}DataLoader(s, 2)]",
    f"R = {D}StackDataset(range(2), b=range(2))",
    f"R = {D}StackDataset()",
    f"R = {D}StackDataset(range(2), range(3))",
]
LOADER_ERRORS = [  # same exception class and message
    "M.utils.data.DataLoader(range(4), shuffle=True, sampler=[0])",
    "M.utils.data.DataLoader(range(4), batch_sampler=[[0]], batch_size=2)",
    "M.utils.data.DataLoader(range(4), batch_sampler=[[0]], shuffle=True)",
    "M.utils.data.DataLoader(range(4), batch_sampler=[[0]], sampler=[0])",
    "M.utils.data.DataLoader(range(4), batch_sampler=[[0]], drop_last=True)",
    "M.utils.data.DataLoader(range(4), sampler=[0], batch_size=-1)",
    "M.utils.data.DataLoader(range(4), timeout=-1)",
    "M.utils.data.DataLoader(range(4), prefetch_factor=2)",
    "M.utils.data.DataLoader(range(4), num_workers=1, prefetch_factor=-1)",
    "M.utils.data.DataLoader(range(4), persistent_workers=True)",
    "M.utils.data.DataLoader(range(4), multiprocessing_context='spawn')",
    "M.utils.data.DataLoader(range(4), num_workers=1, multiprocessing_context='nope')",
    "M.utils.data.DataLoader(range(4), num_workers=1, multiprocessing_context=3)",
    "setattr(M.utils.data.DataLoader(range(4)), 'batch_size', 2)",
    "setattr(M.utils.data.DataLoader(range(4)), 'sampler', None)",
    "setattr(M.utils.data.DataLoader(range(4)), 'dataset', [])",
    "M.utils.data.DataLoader(M.utils.data.ChainDataset([]), shuffle=True)",
    "M.utils.data.DataLoader(M.utils.data.ChainDataset([]), sampler=[0])",
    "M.utils.data.DataLoader(M.utils.data.ChainDataset([]), batch_sampler=[[0]])",
    "M.utils.data.ConcatDataset([])",
    "M.utils.data.ConcatDataset([range(2), M.utils.data.ChainDataset([])])",
    "M.utils.data.ConcatDataset([range(2)])[-3]",
    "list(M.utils.data.ChainDataset([[1]]))",
    "M.utils.data.StackDataset(range(2), b=range(2))",
    "M.utils.data.StackDataset()",
    "M.utils.data.StackDataset(range(2), range(3))",
    "M.utils.data.StackDataset(a=range(2), b=range(3))",
]


@pytest.mark.parametrize("program", LOADER_PROGRAMS)
def test_loader_and_dataset_program_matches_pytorch(program):
    _matches_pytorch(program)


@pytest.mark.parametrize("program", LOADER_ERRORS)
def test_loader_and_dataset_error_matches_pytorch(program):
    _raises_as_pytorch(program)
