"""DataLoader workers against PyTorch's (real processes there, played in one process here):
the batches, the order they come in, the numbers each worker draws, and what the main
generator draws afterwards. Runs only where torch is installed."""

import random

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()


def _program(L, D, kw, iterable, epochs):  # noqa: N803 - L and D name the library
    """Batches of `epochs` passes over a small dataset whose items carry a random draw and
    the worker's id, then one draw of the main generator."""

    class Stream(D.IterableDataset):
        def __init__(self):
            self.start, self.end = 0, 7

        def __iter__(self):
            info = D.get_worker_info()
            for i in range(self.start, self.end):
                yield [i, float(L.rand(1)), random.random(), -1 if info is None else info.id]

    class Items(D.Dataset):
        def __len__(self):
            return 6

        def __getitem__(self, i):
            info = D.get_worker_info()
            return [i, float(L.rand(1)), -1 if info is None else info.id]

    def split(worker_id):
        data = D.get_worker_info().dataset
        data.start, data.end = 4 * worker_id, min(4 * worker_id + 4, 7)

    if kw.pop("split", False):
        kw["worker_init_fn"] = split
    L.manual_seed(0)
    random.seed(1)
    loader = D.DataLoader(Stream() if iterable else Items(), **kw)
    out = [[[_floats(f) for f in b] for b in loader] for _ in range(epochs)]
    return out, float(L.rand(1)), random.random()


def _floats(field):
    return np.asarray(field.tolist() if hasattr(field, "tolist") else field, float)


CASES = [
    (dict(num_workers=2), True, 1),
    (dict(num_workers=2, split=True), True, 1),
    (dict(num_workers=2, batch_size=3), True, 1),
    (dict(num_workers=2, batch_size=3, drop_last=True, split=True), True, 1),
    (dict(num_workers=2, batch_size=None), True, 1),
    (dict(num_workers=2, batch_size=2), False, 2),
    (dict(num_workers=3, batch_size=None), False, 1),
    (dict(num_workers=2, batch_size=2, shuffle=True, persistent_workers=True), False, 3),
    (dict(num_workers=2, batch_size=2, persistent_workers=True, split=True), True, 2),
]


@pytest.mark.filterwarnings("ignore:This DataLoader will create")  # PyTorch on 2 cores
@pytest.mark.parametrize(("kw", "iterable", "epochs"), CASES)
def test_workers_match_pytorch(kw, iterable, epochs):
    ours = _program(mg, mg.utils.data, dict(kw), iterable, epochs)
    theirs = _program(torch, torch.utils.data, dict(kw), iterable, epochs)
    assert len(ours[0]) == len(theirs[0])
    for mine, torch_epoch in zip(ours[0], theirs[0]):
        assert len(mine) == len(torch_epoch)
        for a, b in zip(mine, torch_epoch):
            for x, y in zip(a, b, strict=True):
                np.testing.assert_allclose(x, y, rtol=1e-6)
    assert ours[1:] == pytest.approx(theirs[1:], rel=1e-6)
