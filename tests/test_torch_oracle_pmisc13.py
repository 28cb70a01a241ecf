"""conv_tbc, native_channel_shuffle, nn.utils.convert_conv2d/3d_weight_memory_format and
func.replace_all_batch_norm_modules_ against PyTorch."""

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()


@pytest.mark.parametrize("pad", [0, 1, 2, -1])
@pytest.mark.parametrize("F", ["torch", "functional"])
def test_conv_tbc_as_torch(pad, F):
    rng = np.random.default_rng(pad + 5)
    x, w, b = rng.standard_normal((7, 2, 3)), rng.standard_normal((3, 3, 4)), rng.standard_normal(4)
    outs = []
    for lib in (mg, torch):
        fn = lib.conv_tbc if F == "torch" else lib.nn.functional.conv_tbc
        ts = [lib.tensor(a, requires_grad=True) for a in (x, w, b)]
        y = fn(*ts, pad)
        y.backward(lib.tensor(np.cos(np.arange(y.numel())).reshape(tuple(y.shape))))
        outs.append([y.detach().numpy()] + [t.grad.numpy() for t in ts])
    for got, want in zip(*outs):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "shapes",
    [
        ((7, 2), (3, 3, 4), (4,)),
        ((7, 2, 3), (3, 2, 4), (4,)),
        ((7, 2, 3), (3, 3, 4), (2,)),
        ((3, 2, 3), (9, 3, 4), (4,)),
    ],  # fmt: skip
)
def test_conv_tbc_errors_as_torch(shapes):
    with pytest.raises(RuntimeError):
        torch.conv_tbc(*(torch.ones(s, dtype=torch.float64) for s in shapes))
    with pytest.raises(RuntimeError):
        mg.conv_tbc(*(mg.ones(s, dtype=mg.float64) for s in shapes))


def test_native_channel_shuffle_as_torch():
    x = np.arange(2 * 6 * 2, dtype=np.float32).reshape(2, 6, 2)
    for fn in ("native_channel_shuffle",):
        got = getattr(mg.nn.functional, fn)(mg.tensor(x), 3)
        want = getattr(torch.nn.functional, fn)(torch.tensor(x), 3)
        np.testing.assert_array_equal(got.numpy(), want.numpy())
        np.testing.assert_array_equal(getattr(mg, fn)(mg.tensor(x), 2).numpy(),
                                      getattr(torch, fn)(torch.tensor(x), 2).numpy())  # fmt: skip


@pytest.mark.parametrize("dims", [2, 3])
def test_convert_conv_weight_memory_format_as_torch(dims):
    def run(lib):
        nn = lib.nn
        conv = getattr(nn, f"Conv{dims}d")
        convt = getattr(nn, f"ConvTranspose{dims}d")
        model = nn.Sequential(conv(3, 4, 1), nn.Sequential(convt(4, 2, 3)), nn.Linear(2, 2),
                              conv(2, 2, 2) if dims == 2 else nn.Conv2d(2, 2, 2))  # fmt: skip
        weights = [p for p in model.parameters()]
        fn = getattr(nn.utils, f"convert_conv{dims}d_weight_memory_format")
        fmt = lib.channels_last if dims == 2 else lib.channels_last_3d
        assert fn(model, fmt) is model
        assert list(model.parameters()) == weights  # the same Parameters
        return [p.stride() for p in model.parameters()]

    assert run(mg) == run(torch)


def test_replace_all_batch_norm_modules_as_torch():
    def run(lib):
        nn = lib.nn
        inner = nn.Sequential(nn.BatchNorm1d(2, track_running_stats=False))
        model = nn.Sequential(nn.Conv2d(3, 4, 1), nn.BatchNorm2d(4), inner)
        assert lib.func.replace_all_batch_norm_modules_(model) is model
        bn = model[1]
        with lib.no_grad():
            model[0].weight.fill_(0.5)
            model[0].bias.fill_(0.0)
        model.eval()
        x = lib.tensor(np.arange(2 * 3 * 2 * 2, dtype=np.float32).reshape(2, 3, 2, 2))
        return ([bn.running_mean, bn.running_var, bn.num_batches_tracked, bn.track_running_stats],
                sorted(model.state_dict()), model[:2](x).detach().numpy())  # fmt: skip

    got, want = run(mg), run(torch)
    assert got[0] == want[0] and got[1] == want[1]
    np.testing.assert_allclose(got[2], want[2], rtol=1e-5, atol=1e-6)
