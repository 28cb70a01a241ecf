"""data.DistributedSampler against torch.utils.data.distributed.DistributedSampler: the
indices each replica gets without shuffling, lengths, the padding and drop_last rules,
and the errors; shuffled orders (minigrad's generator) by their properties."""

import itertools

import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()
from torch.utils.data.distributed import DistributedSampler as TorchSampler  # noqa: E402


@pytest.mark.parametrize("n", [0, 1, 2, 5, 7, 12])
@pytest.mark.parametrize("replicas", [1, 2, 3, 5, 8])
@pytest.mark.parametrize("drop_last", [False, True])
def test_unshuffled_shares_as_pytorch(n, replicas, drop_last):
    for rank in range(replicas):
        kw = dict(num_replicas=replicas, rank=rank, shuffle=False, drop_last=drop_last)
        got = mg.data.DistributedSampler(range(n), **kw)
        want = TorchSampler(range(n), **kw)
        assert list(got) == list(want)
        assert len(got) == len(want)
        assert (got.num_samples, got.total_size) == (want.num_samples, want.total_size)


@pytest.mark.parametrize("n, replicas, drop_last", [(10, 3, False), (10, 3, True), (9, 4, False)])
def test_shuffled_shares_partition_a_permutation(n, replicas, drop_last):
    def shares(epoch):
        out = []
        for rank in range(replicas):
            s = mg.data.DistributedSampler(
                range(n), num_replicas=replicas, rank=rank, seed=3, drop_last=drop_last
            )
            s.set_epoch(epoch)
            out.append(list(s))
        return out

    first = shares(0)
    assert first == shares(0)  # the same seed and epoch on every replica: the same order
    assert first != shares(1)
    every = list(itertools.chain.from_iterable(first))
    want = TorchSampler(range(n), num_replicas=replicas, rank=0, drop_last=drop_last)
    assert len(every) == want.total_size
    if drop_last:
        assert len(set(every)) == len(every)
    else:
        assert set(every) == set(range(n))


@pytest.mark.parametrize("rank", [-1, 3, 4])
def test_bad_rank_raises_as_pytorch(rank):
    for make in (mg.data.DistributedSampler, TorchSampler):
        with pytest.raises(ValueError, match="Invalid rank"):
            make(range(5), num_replicas=3, rank=rank)


def test_without_a_process_group_both_raise_value_error():
    for make in (mg.data.DistributedSampler, TorchSampler):
        with pytest.raises(ValueError):
            make(range(5))


def test_data_loader_takes_it_as_sampler():
    data = mg.data.TensorDataset(mg.arange(10))
    sampler = mg.data.DistributedSampler(data, num_replicas=2, rank=1, shuffle=False)
    batches = [b[0].tolist() for b in mg.data.DataLoader(data, batch_size=2, sampler=sampler)]
    assert batches == [[1, 3], [5, 7], [9]]
