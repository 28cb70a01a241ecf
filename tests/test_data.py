"""TensorDataset, DataLoader and default_collate."""

from collections import namedtuple

import numpy as np
import pytest

import minigrad as mg
from minigrad.data import DataLoader, Dataset, TensorDataset, default_collate


def _dataset(n=10):
    x = mg.tensor(np.arange(n * 2, dtype=np.float32).reshape(n, 2))
    y = mg.tensor(np.arange(n))
    return TensorDataset(x, y)


def test_tensor_dataset_indexes_rows_of_every_tensor():
    ds = _dataset()
    assert len(ds) == 10
    x, y = ds[3]
    np.testing.assert_array_equal(x.data, [6.0, 7.0])
    assert y.item() == 3
    with pytest.raises(AssertionError, match="Size mismatch"):  # PyTorch's class
        TensorDataset(mg.zeros(3, 2), mg.zeros(4))
    with pytest.raises(IndexError):  # a 0-d tensor has no rows
        TensorDataset(mg.tensor(1.0))


def test_loader_yields_lists_of_stacked_tensors_in_order():
    batches = list(DataLoader(_dataset(), batch_size=4))
    assert len(batches) == 3
    x, y = batches[0]
    assert isinstance(batches[0], list)
    np.testing.assert_array_equal(x.data, np.arange(8).reshape(4, 2))
    np.testing.assert_array_equal(y.data, [0, 1, 2, 3])
    assert y.dtype == mg.int64
    np.testing.assert_array_equal(batches[2][1].data, [8, 9])  # the short last batch


def test_len_and_drop_last():
    ds = _dataset(10)
    assert len(DataLoader(ds)) == 10
    assert len(DataLoader(ds, batch_size=4)) == 3
    loader = DataLoader(ds, batch_size=4, drop_last=True)
    assert len(loader) == 2
    assert [b[1].tolist() for b in loader] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert len(DataLoader(ds, batch_size=5, drop_last=True)) == 2


def test_shuffle_visits_every_sample_once_in_a_new_order_each_epoch():
    loader = DataLoader(_dataset(50), batch_size=8, shuffle=True)
    mg.manual_seed(0)
    first = np.concatenate([y.data for _, y in loader])
    second = np.concatenate([y.data for _, y in loader])
    assert sorted(first.tolist()) == list(range(50)) == sorted(second.tolist())
    assert first.tolist() != list(range(50))
    assert first.tolist() != second.tolist()
    for x, y in loader:  # features stay with their labels
        np.testing.assert_array_equal(x.data[:, 0], 2 * y.data)


def test_shuffle_repeats_with_the_seed():
    loader = DataLoader(_dataset(30), batch_size=7, shuffle=True)
    mg.manual_seed(42)
    a = [y.tolist() for _, y in loader]
    mg.manual_seed(42)
    b = [y.tolist() for _, y in loader]
    mg.manual_seed(43)
    c = [y.tolist() for _, y in loader]
    assert a == b and a != c


def test_batch_size_must_be_positive():
    with pytest.raises(ValueError, match="positive integer"):
        DataLoader(_dataset(), batch_size=0)


class Squares(Dataset):
    """A map-style dataset built by hand: sample i is (array [i, i²], float i / 2, int i)."""

    def __len__(self):
        return 5

    def __getitem__(self, i):
        return np.array([i, i * i], dtype=np.float32), i / 2, i


def test_a_custom_dataset_is_collated_field_by_field():
    x, half, idx = next(iter(DataLoader(Squares(), batch_size=3)))
    np.testing.assert_array_equal(x.data, [[0, 0], [1, 1], [2, 4]])
    assert x.dtype == mg.float32
    np.testing.assert_array_equal(half.data, [0.0, 0.5, 1.0])
    assert half.dtype == mg.float64  # Python floats collate to float64, as in PyTorch
    assert idx.dtype == mg.int64 and idx.tolist() == [0, 1, 2]


def test_default_collate_stacks_tensors_and_dicts():
    batch = default_collate([{"a": mg.tensor([1.0, 2.0])}, {"a": mg.tensor([3.0, 4.0])}])
    np.testing.assert_array_equal(batch["a"].data, [[1, 2], [3, 4]])
    stacked = default_collate([(mg.ones(2), 1), (mg.zeros(2), 0)])
    np.testing.assert_array_equal(stacked[0].data, [[1, 1], [0, 0]])
    assert stacked[1].tolist() == [1, 0]


Pair = namedtuple("Pair", "x y")


def test_default_collate_keeps_namedtuples_and_strings():
    batch = default_collate([Pair(mg.ones(2), 1), Pair(mg.zeros(2), 2)])
    assert type(batch) is Pair
    np.testing.assert_array_equal(batch.x.data, [[1, 1], [0, 0]])
    assert batch.y.tolist() == [1, 2]
    assert default_collate(["a", "b"]) == ["a", "b"]
    names, ids = default_collate([("a", 1), ("b", 2)])
    assert names == ("a", "b") and ids.tolist() == [1, 2]
    assert default_collate([b"a", b"b"]) == [b"a", b"b"]  # bytes are not sequences of ints


def test_default_collate_numbers_take_pytorch_dtypes():
    assert default_collate([1, 2.5]).dtype == mg.float32  # an int first: torch.tensor(batch)
    assert default_collate([2.5, 1]).dtype == mg.float64  # a float first: float64
    assert default_collate([np.float32(1), np.float32(2)]).dtype == mg.float32


def test_default_collate_promotes_numpy_samples_as_pytorch():
    """Mixed NumPy dtypes promote by PyTorch's rules (NumPy's would give float64)."""
    assert default_collate([np.int32(1), np.float32(2)]).dtype == mg.float32
    batch = default_collate([np.array([1, 2]), np.array([3.0, 4.0], np.float32)])
    assert batch.dtype == mg.float32
    assert batch.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert default_collate([np.array([1], np.int32), np.array([2], np.int64)]).dtype == mg.int64


def test_default_collate_refuses_what_it_cannot_batch():
    with pytest.raises(TypeError, match="found <class 'NoneType'>"):
        default_collate([None, None])
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([[1, 2], [3]])
    with pytest.raises(RuntimeError, match="equal size"):  # PyTorch's error, not NumPy's
        default_collate([np.zeros(2), np.zeros(3)])
    for later in (np.array(["a", "b"]), np.array(["2020-01-01"] * 2, "datetime64[D]")):
        with pytest.raises(TypeError, match="found"):  # any sample, not only the first
            default_collate([np.zeros(2, np.float32), later])


def test_the_base_dataset_must_be_subclassed():
    with pytest.raises(NotImplementedError):
        Dataset()[0]
    with pytest.raises(TypeError, match="has no len"):  # PyTorch's Dataset defines no __len__
        len(Dataset())


def test_collate_fn_num_workers_and_pin_memory_as_pytorch():
    ds = mg.data.TensorDataset(mg.arange(6.0), mg.arange(6))
    loader = mg.data.DataLoader(
        ds, batch_size=4, num_workers=2, pin_memory=True,
        collate_fn=lambda samples: (len(samples), samples[0][0].item()),
    )  # fmt: skip
    assert list(loader) == [(4, 0.0), (2, 4.0)]  # loaded in this process all the same
    with pytest.raises(ValueError, match="num_workers option should be non-negative"):
        mg.data.DataLoader(ds, num_workers=-1)


def test_pytorchs_import_path_torch_utils_data_works():
    from minigrad.utils.data import DataLoader, Dataset, TensorDataset

    assert DataLoader is mg.data.DataLoader and TensorDataset is mg.data.TensorDataset
    assert Dataset is mg.data.Dataset and mg.utils.data.default_collate is mg.data.default_collate


def test_random_split_is_a_seeded_partition_of_the_dataset():
    from minigrad.data import Subset, random_split

    mg.manual_seed(3)
    parts = random_split(range(10, 30), [0.5, 0.3, 0.2])
    assert [len(p) for p in parts] == [10, 6, 4]
    assert all(isinstance(p, Subset) for p in parts)
    seen = [x for p in parts for x in (p[i] for i in range(len(p)))]
    assert sorted(seen) == list(range(10, 30))  # disjoint and covering
    assert seen != list(range(10, 30))  # shuffled
    mg.manual_seed(3)
    again = random_split(range(10, 30), [10, 6, 4])
    assert [p.indices for p in again] == [p.indices for p in parts]
    assert [p.indices for p in random_split(range(10, 30), [10, 6, 4])] != [
        p.indices for p in parts
    ]
    with pytest.raises(TypeError, match="generator"):  # minigrad has one generator
        random_split(range(4), [2, 2], generator=object())


def test_subset_reads_through_to_the_dataset():
    from minigrad.data import Subset

    sub = Subset(_dataset(), [7, 2])
    assert len(sub) == 2
    x, y = sub[0]
    assert y.item() == 7 and x.tolist() == [14.0, 15.0]
    assert [b[1].tolist() for b in DataLoader(sub, batch_size=2)] == [[7, 2]]
