"""Memory formats against PyTorch: channels_last / channels_last_3d layouts (which strides
count as such, when ``to`` and ``contiguous`` copy), and the layout a copy keeps
(``clone``, ``*_like``, ``to(dtype)``) for dense and non-dense inputs."""

import itertools

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()


def _pair(a: np.ndarray, base: np.ndarray):
    """A torch and a minigrad tensor over the same strided view ``a`` of ``base``."""
    offset = (a.__array_interface__["data"][0] - base.__array_interface__["data"][0]) // 4
    strides = [s // 4 for s in a.strides]
    return torch.from_numpy(base).as_strided(a.shape, strides, offset), mg.from_numpy(a)


def _views(ndim: int, sizes: tuple, sliced: int | None):
    """Every permuted layout of every shape over ``sizes``, sliced with step 2 along ``sliced``."""
    for shape in itertools.product(sizes, repeat=ndim):
        for perm in itertools.permutations(range(ndim)):
            full = list(shape)
            if sliced is not None:
                full[sliced] *= 2
            base = np.arange(int(np.prod(full)), dtype=np.float32)
            a = base.reshape([full[p] for p in perm]).transpose(np.argsort(perm))
            if sliced is not None:
                index = [slice(None)] * ndim
                index[sliced] = slice(None, None, 2)
                a = a[tuple(index)]
            yield base, a


def _no_unit(shape, strides):  # the stride of a dim of size 1 is arbitrary
    return tuple(s for n, s in zip(shape, strides) if n != 1)


def _layouts(lib, t, fmt):
    same = lambda r: _no_unit(t.shape, r.stride())  # noqa: E731
    return (
        t.is_contiguous(memory_format=fmt),
        t.to(memory_format=fmt) is t,
        t.to(memory_format=lib.contiguous_format) is t,
        same(t.contiguous(memory_format=fmt)),
        same(t.to(memory_format=fmt)),
        same(t.clone()),
        same(lib.empty_like(t)),
        same(lib.zeros_like(t, dtype=lib.float64)),
        same(t.to(lib.float64)),
        same(t.clone(memory_format=fmt)),
    )


@pytest.mark.parametrize("sliced", [None, 0, 1, 2, 3])
def test_channels_last_layouts_as_torch(sliced):
    got, want = [], []
    for base, a in _views(4, (1, 2, 3), sliced):
        t, m = _pair(a, base)
        assert m.stride() == t.stride()
        want.append(_layouts(torch, t, torch.channels_last))
        got.append(_layouts(mg, m, mg.channels_last))
    assert got == want


@pytest.mark.parametrize("sliced", [None, 1, 4])
def test_channels_last_3d_layouts_as_torch(sliced):
    got, want = [], []
    for base, a in _views(5, (1, 2), sliced):
        t, m = _pair(a, base)
        want.append(_layouts(torch, t, torch.channels_last_3d))
        got.append(_layouts(mg, m, mg.channels_last_3d))
    assert got == want


def test_expanded_and_transposed_copies_as_torch():
    for make in (
        lambda lib: lib.ones(1, 4).expand(3, 4),
        lambda lib: lib.ones(3, 1).expand(3, 4),
        lambda lib: lib.ones(2, 1, 3).expand(2, 5, 3),
        lambda lib: lib.ones(4, 6).t()[::2],
        lambda lib: lib.ones(2, 3, 8).permute(2, 0, 1)[::2],
    ):
        t, m = make(torch), make(mg)
        for f in (
            lambda x: x.clone(),
            lambda lib_x: lib_x.double(),
            lambda x: (torch if isinstance(x, torch.Tensor) else mg).empty_like(x),
            lambda x: (torch if isinstance(x, torch.Tensor) else mg).ones_like(x),
        ):
            assert f(m).stride() == f(t).stride()


def _outcome(f):
    try:
        r = f()
    except Exception as e:  # noqa: BLE001 - the exception's type is what is compared
        return type(e)
    return r.stride() if hasattr(r, "stride") else r


@pytest.mark.parametrize(
    "call",
    [
        lambda lib: lib.ones(3, 4).contiguous(memory_format=lib.channels_last),
        lambda lib: lib.ones(3, 4).to(memory_format=lib.channels_last),
        lambda lib: lib.ones(3, 4).clone(memory_format=lib.channels_last),
        lambda lib: lib.ones(3, 4).is_contiguous(memory_format=lib.channels_last),
        lambda lib: lib.ones(2, 3, 4, 5).contiguous(memory_format=lib.channels_last_3d),
        lambda lib: lib.ones(2, 3, 4, 5, 6).contiguous(memory_format=lib.channels_last),
        lambda lib: lib.ones(2, 3, 4, 5).contiguous(memory_format=lib.preserve_format),
        lambda lib: (
            lib.ones(2, 3, 4, 5)
            .contiguous(memory_format=lib.channels_last)
            .contiguous(memory_format=lib.preserve_format)
        ),
        lambda lib: lib.ones(4, 3).t().is_contiguous(memory_format=lib.preserve_format),
        lambda lib: lib.ones(2, 3, 4, 5).contiguous(memory_format=None),
        lambda lib: lib.empty(2, 3, 4, 5, memory_format=lib.channels_last),
        lambda lib: lib.empty(2, 3, 4, 5, memory_format=lib.preserve_format),
        lambda lib: lib.empty(2, 3, memory_format=lib.channels_last),
        lambda lib: lib.ones(2, 3, 4, 5).float(memory_format=lib.channels_last),
        lambda lib: lib.ones(2, 3, 4, 5).double(memory_format=lib.channels_last),
        lambda lib: lib.ones(2, 3, 4, 5).to(lib.float64, memory_format=lib.channels_last),
        lambda lib: lib.zeros_like(lib.ones(2, 3, 4, 5), memory_format=lib.channels_last),
        lambda lib: lib.randn_like(lib.ones(2, 3, 4, 5), memory_format=lib.channels_last),
        lambda lib: lib.full_like(lib.ones(2, 3, 4, 5), 2.0, memory_format=lib.channels_last),
        lambda lib: lib.ones_like(lib.ones(3, 4), memory_format=lib.channels_last),
        lambda lib: lib.rand_like(lib.ones(2, 3, 4, 5).contiguous(memory_format=lib.channels_last)),
        lambda lib: lib.randint_like(
            lib.ones(2, 3, 4, 5).contiguous(memory_format=lib.channels_last), 5
        ),
    ],
)
def test_memory_format_calls_as_torch(call):
    assert _outcome(lambda: call(mg)) == _outcome(lambda: call(torch))


def test_grad_fn_of_a_relayout_as_torch():
    for lib in (torch, mg):
        x = lib.ones(2, 3, 4, 5, requires_grad=True)
        cl = lib.channels_last
        assert x.contiguous(memory_format=cl).grad_fn.name().startswith("CloneBackward")
        assert x.clone(memory_format=cl).grad_fn.name().startswith("CloneBackward")
        assert x.to(memory_format=cl).grad_fn.name().startswith("ToCopyBackward")
        y = x.contiguous(memory_format=cl)
        assert y.contiguous(memory_format=cl) is y
        assert y.to(memory_format=cl) is y
        assert x.to(memory_format=lib.contiguous_format) is x


@pytest.mark.parametrize("fmt", ["channels_last", "contiguous_format"])
def test_module_to_memory_format_as_torch(fmt):
    def run(lib):
        conv, bn, lin = lib.nn.Conv2d(3, 4, 3), lib.nn.BatchNorm2d(3), lib.nn.Linear(3, 2)
        conv1 = lib.nn.Conv2d(3, 4, 1)
        model = lib.nn.Sequential(conv, bn, lin, conv1)
        weight = conv.weight
        assert model.to(memory_format=getattr(lib, fmt)) is model
        assert conv.weight is weight
        return [p.stride() for p in model.parameters()] + [bn.running_mean.stride()]

    assert run(mg) == run(torch)
    if fmt == "channels_last":
        conv = mg.nn.Conv2d(3, 4, 1).to(mg.float64, memory_format=mg.channels_last)
        want = torch.nn.Conv2d(3, 4, 1).to(torch.float64, memory_format=torch.channels_last)
        assert (conv.weight.dtype, conv.weight.stride()) == (mg.float64, want.weight.stride())
        with pytest.raises(RuntimeError):
            torch.nn.Conv3d(3, 4, 1).to(memory_format=torch.channels_last)
        with pytest.raises(RuntimeError, match="rank 4"):
            mg.nn.Conv3d(3, 4, 1).to(memory_format=mg.channels_last)
