"""Memory formats without PyTorch: channels-last strides by their formula, values and
gradients unchanged by a relayout, and the order PyTorch gives a copy of a strided tensor."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.device import dense_order


def test_channels_last_strides_follow_the_nhwc_formula():
    n, c, h, w = 2, 3, 4, 5
    x = mg.randn(n, c, h, w).contiguous(memory_format=mg.channels_last)
    assert x.stride() == (h * w * c, 1, w * c, c)
    assert x.is_contiguous(memory_format=mg.channels_last) and not x.is_contiguous()
    y = mg.randn(2, 3, 4, 5, 6).contiguous(memory_format=mg.channels_last_3d)
    assert y.stride() == (4 * 5 * 6 * 3, 1, 5 * 6 * 3, 6 * 3, 3)


@pytest.mark.parametrize(
    "relayout",
    [
        lambda x: x.contiguous(memory_format=mg.channels_last),
        lambda x: x.to(memory_format=mg.channels_last),
        lambda x: x.clone(memory_format=mg.channels_last),
        lambda x: x.contiguous(memory_format=mg.channels_last).contiguous(),
    ],
)
def test_relayout_keeps_values_and_passes_gradients(relayout):
    x = mg.randn(2, 3, 4, 5, dtype=mg.float64, requires_grad=True)
    np.testing.assert_array_equal(relayout(x).detach().numpy(), x.detach().numpy())
    w = mg.randn(2, 3, 4, 5, dtype=mg.float64)
    assert mg.autograd.gradcheck(lambda t: (relayout(t) * w).sin(), (x,))


def test_copies_of_strided_tensors_follow_pytorchs_documented_order():
    # infer_dense_strides' own example: size/stride (6, 5, 4, 3, 2)/(6, 0, 120, 0, 1) sorts
    # to (4, 3, 0, 1, 2), innermost first
    a = np.lib.stride_tricks.as_strided(
        np.zeros(1000, np.float32), (6, 5, 4, 3, 2), (24, 0, 480, 0, 4)
    )
    assert dense_order(a) == (2, 1, 0, 3, 4)
    assert mg.from_numpy(a).clone().stride() == (6, 36, 180, 2, 1)
    # an expanded dim (stride 0) stays where C order has it
    assert mg.ones(1, 4).expand(3, 4).clone().stride() == (4, 1)
    # a transposed, sliced (not dense) tensor keeps its dims' order
    t = mg.arange(24.0).reshape(4, 6).t()[::2]
    c = t.clone()
    assert c.stride() == (1, 3) and c.tolist() == t.tolist()


def test_module_to_memory_format_relays_4d_parameters_in_place():
    model = mg.nn.Sequential(mg.nn.Conv2d(3, 4, 3), mg.nn.Linear(3, 2))
    before = [p.detach().clone() for p in model.parameters()]
    params = list(model.parameters())
    assert model.to(memory_format=mg.channels_last) is model
    assert list(model.parameters()) == params
    for p, b in zip(model.parameters(), before):
        assert np.array_equal(p.detach().numpy(), b.numpy())
    assert model[0].weight.is_contiguous(memory_format=mg.channels_last)
    assert not model[0].weight.is_contiguous()
    assert model[1].weight.is_contiguous()


def test_bad_memory_formats_raise():
    with pytest.raises(RuntimeError, match="rank 4"):
        mg.ones(3, 4).contiguous(memory_format=mg.channels_last)
    with pytest.raises(RuntimeError, match="rank 5"):
        mg.ones(2, 3, 4, 5).to(memory_format=mg.channels_last_3d)
    with pytest.raises(RuntimeError, match="preserve"):
        mg.ones(4, 3).t().contiguous(memory_format=mg.preserve_format)
    with pytest.raises(TypeError, match="memory_format"):
        mg.ones(2, 3).contiguous(memory_format="channels_last")
    assert not mg.ones(3, 4).is_contiguous(memory_format=mg.channels_last)
