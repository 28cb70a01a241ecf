"""nn.Module's mechanics without PyTorch (round "pmodule"): repr names, pickling,
state_dict's per-module methods and metadata, nn.Buffer."""

import copy
import pickle
import warnings

import numpy as np

import minigrad as mg
from minigrad import nn
from minigrad.nn import module as module_py


def test_repr_uses_get_name():
    class Foo(nn.Module):
        def _get_name(self):
            return "Bar"

    class Blocks(nn.ModuleList):
        def _get_name(self):
            return "Stack"

    assert repr(Foo()) == "Bar()"
    assert repr(nn.Sequential(Foo())) == "Sequential(\n  (0): Bar()\n)"
    assert repr(Blocks()) == "Stack()"
    assert repr(Blocks([nn.ReLU()])) == "Stack(\n  (0): ReLU()\n)"


def _times_ten(module, args, output):
    return output * 10


def test_a_copied_or_unpickled_module_runs_its_hooks_in_a_fresh_process():
    lin = nn.Linear(2, 1)
    lin.register_forward_hook(_times_ten)
    x = mg.ones(1, 2)
    expected = (lin.weight.sum() + lin.bias).item() * 10
    for clone in (copy.deepcopy, lambda m: pickle.loads(pickle.dumps(m))):
        # a new process has registered no hook: __call__ does not look for them yet
        module_py.hooks_in_use[0] = False
        try:
            assert abs(clone(lin)(x).item() - expected) < 1e-5
        finally:
            module_py.hooks_in_use[0] = True


def test_state_dict_metadata_records_each_modules_version():
    model = nn.Sequential(nn.Linear(1, 1), nn.Sequential(nn.BatchNorm1d(1)))
    meta = model.state_dict(prefix="net.")._metadata
    assert list(meta.items()) == [
        ("net", {"version": 1}),
        ("net.0", {"version": 1}),
        ("net.1", {"version": 1}),
        ("net.1.0", {"version": 2}),
    ]
    assert not hasattr(model.state_dict(destination={}), "_metadata")


def test_batchnorm_fills_num_batches_tracked_only_for_an_old_or_unversioned_dict():
    bn = nn.BatchNorm1d(2)
    bn.num_batches_tracked.fill_(7)
    sd = bn.state_dict()
    del sd["num_batches_tracked"]
    assert bn.load_state_dict(sd, strict=False).missing_keys == ["num_batches_tracked"]
    try:
        bn.load_state_dict(sd)
        raise AssertionError("a version-2 state_dict without num_batches_tracked must raise")
    except RuntimeError as e:
        assert "num_batches_tracked" in str(e)
    assert bn.load_state_dict(dict(sd)).missing_keys == []  # no metadata: filled in
    sd._metadata[""]["version"] = 1
    assert bn.load_state_dict(sd).missing_keys == []
    assert bn.num_batches_tracked.item() == 7


def test_instance_norm_refuses_running_stats_from_an_unversioned_dict():
    stats = nn.InstanceNorm1d(2, track_running_stats=True).state_dict()
    plain = nn.InstanceNorm1d(2)
    assert plain.load_state_dict(stats, strict=False).unexpected_keys == [
        "running_mean",
        "running_var",
        "num_batches_tracked",
    ]
    try:
        plain.load_state_dict(dict(stats), strict=False)
        raise AssertionError("unversioned running stats must raise")
    except RuntimeError as e:
        assert "running_mean" in str(e) and "track_running_stats=False" in str(e)


class _Renamed(nn.Linear):
    """Loads an old checkpoint that called the weight "w"; saves a constant "scale"."""

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, *rest):
        if prefix + "w" in state_dict:
            state_dict[prefix + "weight"] = state_dict.pop(prefix + "w")
        super()._load_from_state_dict(state_dict, prefix, local_metadata, *rest)

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        super()._save_to_state_dict(destination, prefix, keep_vars)
        destination[prefix + "scale"] = mg.tensor(2.0)


def test_subclasses_override_save_to_and_load_from_state_dict():
    model = nn.Sequential(_Renamed(2, 1))
    keys = model.load_state_dict({"0.w": mg.ones(1, 2), "0.bias": mg.zeros(1)})
    assert keys.missing_keys == [] and keys.unexpected_keys == []
    assert model[0].weight.tolist() == [[1.0, 1.0]]
    assert list(model.state_dict()) == ["0.weight", "0.bias", "0.scale"]


def test_an_uninitialized_lazy_state_dict_loads_into_an_uninitialized_lazy_module():
    fresh = nn.LazyLinear(2)
    keys = fresh.load_state_dict(nn.LazyLinear(2).state_dict())
    assert keys.missing_keys == [] and keys.unexpected_keys == []
    assert fresh(mg.ones(4, 3)).shape == (4, 2) and type(fresh) is nn.Linear


def test_an_assigned_buffer_registers_with_its_persistence():
    model = nn.Module()
    source = mg.ones(2)
    model.kept = kept = nn.Buffer(source)
    model.scratch = nn.Buffer(mg.zeros(1), persistent=False)
    assert list(model.state_dict()) == ["kept"]
    assert [name for name, _ in model.named_buffers()] == ["kept", "scratch"]
    assert model.kept is kept and isinstance(kept, mg.Tensor)
    source.add_(1)  # detached from the source, but the same memory
    assert model.kept.tolist() == [2.0, 2.0]
    model.kept = nn.Buffer(mg.zeros(2), persistent=False)  # the new Buffer decides
    model.scratch = mg.ones(1)  # a plain Tensor keeps the buffer's persistence
    assert list(model.state_dict()) == []
    copied = copy.deepcopy(model)
    assert copied.kept.persistent is False and list(copied.state_dict()) == []
    restored = pickle.loads(pickle.dumps(nn.Buffer(mg.ones(1), persistent=False)))
    assert restored.persistent is False and restored.tolist() == [1.0]


class _Scale(nn.Module):
    def forward(self, x, factor=1.0):
        return x * factor


def test_a_call_runs_the_forward_hooks_registered_when_it_started():
    model, log = _Scale(), []
    handles = [model.register_forward_hook(lambda *a: (log.append(1), handles[1].remove()))]
    handles.append(model.register_forward_hook(lambda *a: log.append(2)))
    model(mg.ones(1))
    model(mg.ones(1))
    assert log == [1, 2, 1]


def test_always_call_hooks_run_once_on_any_error_with_the_output_so_far():
    model, log = _Scale(), []
    model.register_forward_hook(lambda mod, args, out: out * 2)
    model.register_forward_hook(lambda mod, args, out: log.append("ran"), always_call=True)
    model.register_forward_hook(lambda mod, args, out: 1 / 0)
    model.register_forward_hook(lambda mod, args, out: log.append(out.tolist()), always_call=True)
    try:
        model(mg.ones(1), factor=3.0)
        raise AssertionError("the hook's ZeroDivisionError must propagate")
    except ZeroDivisionError:
        pass
    assert log == ["ran", [6.0]]
    failing, log = _Scale(), []
    failing.register_forward_pre_hook(lambda *a: 1 / 0)
    failing.register_forward_hook(lambda mod, args, out: [][1], always_call=True)
    failing.register_forward_hook(lambda mod, args, out: log.append(out), always_call=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            failing(mg.ones(1))
            raise AssertionError("the pre-hook's ZeroDivisionError must propagate")
        except ZeroDivisionError:
            pass
    assert log == [None]
    assert any("always_call=True" in str(w.message) for w in caught)


def test_module_to_refuses_copy():
    model = nn.Linear(1, 1)
    for copy_flag in (True, False):
        try:
            model.to(mg.float64, copy=copy_flag)
            raise AssertionError("Module.to(copy=...) must raise")
        except RuntimeError as e:
            assert "copy" in str(e)
    assert model.weight.dtype == mg.float32


def test_a_conv_subclass_convolves_with_its_own_weight_through_conv_forward():
    class Halved(nn.Conv2d):
        def forward(self, x):
            return self._conv_forward(x, self.weight * 0.5, self.bias)

    mg.manual_seed(0)
    layer = Halved(2, 3, 3, padding=1, padding_mode="reflect")
    x = mg.randn(1, 2, 4, 4)
    expected = mg.nn.functional.conv2d(
        mg.nn.functional.pad(x, (1, 1, 1, 1), mode="reflect"), layer.weight * 0.5, layer.bias
    )
    assert layer._reversed_padding_repeated_twice == (1, 1, 1, 1)
    assert np.allclose(layer(x).data, expected.data, atol=1e-6)


def test_module_cuda_raises_for_the_default_device_too():
    for device in (None, 0, "cuda"):
        try:
            nn.Linear(1, 1).cuda(device)
            raise AssertionError(f"Module.cuda({device!r}) must raise: there is no CUDA device")
        except RuntimeError as e:
            assert "cuda" in str(e)


class _NoBias(nn.Linear):
    def state_dict(self, *args, destination=None, prefix="", keep_vars=False):
        out = super().state_dict(*args, destination=destination, prefix=prefix, keep_vars=keep_vars)
        out.pop(prefix + "bias", None)
        return out


def test_a_parent_state_dict_calls_a_childs_overridden_state_dict():
    model = nn.Sequential(nn.Linear(1, 1), _NoBias(1, 1), nn.Sequential(_NoBias(1, 1)))
    assert list(model.state_dict()) == ["0.weight", "0.bias", "1.weight", "2.0.weight"]


def test_nn_modules_has_pytorchs_paths_to_the_layer_classes():
    from minigrad.nn.modules.batchnorm import _BatchNorm
    from minigrad.nn.modules.loss import _Loss

    assert isinstance(nn.BatchNorm1d(2), _BatchNorm)
    assert not isinstance(nn.LayerNorm(2), _BatchNorm)
    assert issubclass(nn.MSELoss, _Loss)
    assert nn.modules.module.Module is nn.Module
    assert nn.modules.conv.Conv2d is nn.Conv2d
    assert isinstance(nn.ConvTranspose2d(1, 1, 2), nn.modules.conv._ConvNd)


def test_every_dropout_module_is_a_dropout_nd():
    base = nn.modules.dropout._DropoutNd
    for cls in (nn.Dropout, nn.Dropout1d, nn.Dropout2d, nn.Dropout3d, nn.AlphaDropout):
        assert issubclass(cls, base)
    layer = nn.Dropout2d(0.5).eval()
    x = mg.ones(1, 2, 3, 3)
    assert layer(x) is x or np.array_equal(layer(x).data, x.data)
