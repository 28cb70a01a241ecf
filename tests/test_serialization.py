"""minigrad.save / minigrad.load: exact .npz round trips and refusal of bad files."""

import io
import pickle
import struct
import zipfile

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn


def _model(seed):
    mg.manual_seed(seed)
    model = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2))
    model.register_buffer("count", mg.tensor([7]))
    return model


def _assert_bit_exact(a, b):
    assert list(a) == list(b)
    for name in a:
        assert a[name].dtype == b[name].dtype, name
        assert a[name].shape == b[name].shape, name
        assert a[name].data.tobytes() == b[name].data.tobytes(), name


def test_round_trip_is_bit_exact_and_the_reloaded_model_computes_the_same(tmp_path):
    path = tmp_path / "model.pt"
    source = _model(0)
    mg.save(source.state_dict(), path)
    loaded = mg.load(path)
    _assert_bit_exact(source.state_dict(), loaded)
    target = _model(1)
    x = mg.randn(4, 3)
    assert not np.array_equal(source(x).data, target(x).data)
    target.load_state_dict(loaded)
    np.testing.assert_array_equal(source(x).data, target(x).data)
    assert target.count.tolist() == [7]


def test_special_values_and_dtypes_survive_exactly(tmp_path):
    values = {
        "f32": mg.tensor(np.array([np.nan, np.inf, -0.0, 1e-45, 3.4e38], np.float32)),
        "f64": mg.tensor(np.array([[np.pi, -np.inf], [5e-324, 1 / 3]])),
        "i64": mg.tensor(np.array([-(2**63), 2**63 - 1])),
        "flag": mg.tensor([True, False]),
        "scalar": mg.tensor(2.5),
        "column": mg.tensor(np.ones((3, 2), np.float32)).T,  # not C-contiguous
    }
    mg.save(values, str(tmp_path / "values"))
    _assert_bit_exact(values, mg.load(str(tmp_path / "values")))


def test_the_path_is_used_exactly_as_given(tmp_path):
    mg.save(_model(0).state_dict(), tmp_path / "weights.bin")
    assert [p.name for p in tmp_path.iterdir()] == ["weights.bin"]
    with zipfile.ZipFile(tmp_path / "weights.bin") as archive:  # a plain .npz archive
        assert "0.weight.npy" in archive.namelist()
    with np.load(tmp_path / "weights.bin") as archive:
        assert archive["0.weight"].shape == (5, 3)


def test_file_objects_work_both_ways():
    buffer = io.BytesIO()
    sd = _model(0).state_dict()
    mg.save(sd, buffer)
    buffer.seek(0)
    _assert_bit_exact(sd, mg.load(buffer))


def test_load_takes_pytorchs_map_location_and_weights_only(tmp_path):
    sd = _model(0).state_dict()
    path = tmp_path / "m.pt"
    mg.save(sd, path)
    for kwargs in ({"map_location": "cpu"}, {"map_location": mg.device("cpu")},
                   {"weights_only": True}, {"map_location": lambda s, loc: s}):  # fmt: skip
        _assert_bit_exact(sd, mg.load(path, **kwargs))
    with pytest.raises(RuntimeError, match="CPU only"):
        mg.load(path, map_location="cuda:0")


def test_save_refuses_what_it_cannot_write_without_pickle_and_writes_nothing(tmp_path):
    path = tmp_path / "bad"
    with pytest.raises(TypeError, match=r"obj\['opt'\]\['ids'\] is a set"):
        mg.save({"w": mg.ones(1), "opt": {"lr": 0.1, "ids": {1, 2}}}, path)
    with pytest.raises(TypeError, match=r"obj\[0\] is a ndarray"):
        mg.save([np.ones(2)], path)
    with pytest.raises(TypeError, match="a key of obj is a tuple"):
        mg.save({(1, 2): mg.ones(1)}, path)
    assert not path.exists()


def test_a_checkpoint_of_model_optimizer_and_numbers_round_trips(tmp_path):
    """PyTorch's checkpoint idiom: torch.save({"model": ..., "optimizer": ..., "epoch": ...}).
    Training on from the loaded checkpoint gives the same parameters as without the stop."""
    mg.manual_seed(0)
    model = nn.Linear(3, 2)
    opt = mg.optim.Adam(model.parameters(), lr=0.1)
    x = mg.randn(4, 3)

    def step(m, o):
        o.zero_grad()
        (m(x) ** 2).sum().backward()
        o.step()

    step(model, opt)
    path = tmp_path / "ckpt.pt"
    shared = mg.ones(2)
    checkpoint = {"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 1}
    checkpoint.update(best=float("inf"), tags=("a", None, True), twice=[shared, shared])
    mg.save(checkpoint, path)
    ck = mg.load(path)
    assert (ck["epoch"], ck["best"], ck["tags"]) == (1, float("inf"), ("a", None, True))
    assert ck["twice"][0] is ck["twice"][1]
    assert list(ck["optimizer"]["state"]) == [0, 1]  # integer keys stay integers
    again = nn.Linear(3, 2)
    again.load_state_dict(ck["model"])
    opt2 = mg.optim.Adam(again.parameters(), lr=0.1)
    opt2.load_state_dict(ck["optimizer"])
    step(model, opt)
    step(again, opt2)
    for a, b in zip(model.parameters(), again.parameters()):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    plain = tmp_path / "t.pt"
    mg.save(mg.ones(2, requires_grad=True), plain)
    assert mg.load(plain).requires_grad


def _saved_bytes():
    buffer = io.BytesIO()
    mg.save(_model(0).state_dict(), buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(_saved_bytes()[: len(_saved_bytes()) // 2], id="truncated"),
        pytest.param(_saved_bytes()[:-30], id="tail-cut"),
        pytest.param(b"", id="empty"),
        pytest.param(b"definitely not an archive", id="text"),
        pytest.param(pickle.dumps({"w": np.ones(2)}), id="pickle"),
    ],
)
def test_damaged_or_foreign_files_are_refused_naming_the_file(tmp_path, content):
    path = tmp_path / "checkpoint.npz"
    path.write_bytes(content)
    with pytest.raises(RuntimeError, match="checkpoint.npz"):
        mg.load(path)


def test_corrupted_array_bytes_are_refused(tmp_path):
    data = bytearray(_saved_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("0.weight.npy")
    name_len, extra_len = struct.unpack(
        "<HH", data[info.header_offset + 26 : info.header_offset + 30]
    )
    start = info.header_offset + 30 + name_len + extra_len + 128  # past the .npy header
    assert data[start - 1 : start] == b"\n"  # the .npy header ends there
    data[start : start + 8] = b"\xff" * 8
    path = tmp_path / "flipped.npz"
    path.write_bytes(bytes(data))
    with pytest.raises(RuntimeError, match="flipped.npz"):
        mg.load(path)


def test_pickle_bearing_archives_are_refused(tmp_path):
    path = tmp_path / "objects.npz"
    with open(path, "wb") as f:
        np.savez(f, w=np.ones(2), evil=np.array([{"a": 1}], dtype=object))
    with pytest.raises(RuntimeError, match="objects.npz"):
        mg.load(path)


def test_non_numeric_and_non_array_entries_are_refused(tmp_path):
    strings = tmp_path / "strings.npz"
    with open(strings, "wb") as f:
        np.savez(f, names=np.array(["a", "b"]))
    with pytest.raises(RuntimeError, match="not a numeric array"):
        mg.load(strings)
    raw = tmp_path / "raw.npz"
    with zipfile.ZipFile(raw, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(RuntimeError, match="raw.npz"):
        mg.load(raw)
    single = tmp_path / "single.npy"
    np.save(single, np.ones(3))
    with pytest.raises(RuntimeError, match="single array"):
        mg.load(single)


def test_a_refused_file_changes_nothing(tmp_path):
    model = _model(0)
    before = {k: v.data.copy() for k, v in model.state_dict().items()}
    path = tmp_path / "cut.npz"
    path.write_bytes(_saved_bytes()[:-100])
    with pytest.raises(RuntimeError):
        model.load_state_dict(mg.load(path))
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value.data, before[name])


def test_a_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        mg.load(tmp_path / "nothing-here.npz")
