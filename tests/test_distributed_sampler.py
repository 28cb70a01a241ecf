"""DistributedSampler without PyTorch: its documented shares, by hand."""

import pytest

import minigrad as mg


@pytest.mark.parametrize(
    "n, replicas, drop_last, shares",
    [
        (5, 2, False, [[0, 2, 4], [1, 3, 0]]),  # padded with the first index
        (5, 2, True, [[0, 2], [1, 3]]),  # the tail cut
        (2, 3, False, [[0], [1], [0]]),
        (6, 3, True, [[0, 3], [1, 4], [2, 5]]),
    ],
)
def test_unshuffled_shares(n, replicas, drop_last, shares):
    got = [
        list(mg.data.DistributedSampler(range(n), replicas, rank, False, drop_last=drop_last))
        for rank in range(replicas)
    ]
    assert got == shares
    assert [len(mg.data.DistributedSampler(range(n), replicas, 0, drop_last=drop_last))] == [
        len(shares[0])
    ]


def test_shuffle_depends_on_seed_and_epoch_only():
    a = mg.data.DistributedSampler(range(20), 2, 0, seed=1)
    b = mg.data.DistributedSampler(range(20), 2, 0, seed=1)
    mg.manual_seed(123)  # the global seed plays no part
    assert list(a) == list(b)
    b.set_epoch(1)
    assert list(a) != list(b)
    assert sorted(list(a) + list(mg.data.DistributedSampler(range(20), 2, 1, seed=1))) == list(
        range(20)
    )
