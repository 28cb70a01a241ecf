"""Regression tests for engine bugs found while building nn, optim and data."""

import numpy as np

import minigrad as mg


class _SubTensor(mg.Tensor):
    __slots__ = ()


def test_subclass_of_tensor_is_recorded_in_the_graph():
    # record() once tested `type(x) is Tensor`, so an nn.Parameter (a subclass) got no gradient
    p = _SubTensor([1.0, 2.0], requires_grad=True)
    y = (p * 3.0).sum()
    assert y.requires_grad
    assert y.grad_fn.name() == "SumBackward"
    y.backward()
    np.testing.assert_array_equal(p.grad.data, [3.0, 3.0])


def test_python_floats_with_an_explicit_float64_dtype_keep_full_precision():
    # as_array once rounded Python floats to the default float32 before applying dtype=
    assert mg.tensor([0.1], dtype=mg.float64).item() == 0.1
    assert mg.tensor(0.1, dtype=mg.float64).item() == 0.1
    assert mg.tensor([[1.0, 0.1]], dtype=mg.float64).data[0, 1] == 0.1
    assert mg.tensor([0.1]).dtype == mg.float32  # without dtype=, the default dtype


def test_registered_attributes_stay_in_step_with_the_registries():
    from minigrad import nn

    layer = nn.Linear(2, 3)
    new_weight = nn.Parameter(mg.zeros(3, 2))
    layer.weight = new_weight
    assert layer.weight is new_weight and dict(layer.named_parameters())["weight"] is new_weight
    layer.bias = None
    assert layer.bias is None and "bias" not in dict(layer.named_parameters())
    block = nn.Sequential(nn.Linear(2, 2))
    block.extra = nn.ReLU()
    del block.extra
    assert not hasattr(block, "extra") and "extra" not in dict(block.named_children())
    layer.register_buffer("running", mg.ones(3))
    assert layer.running is layer._buffers["running"]
    layer.running = mg.zeros(3)
    assert layer.state_dict()["running"].tolist() == [0.0, 0.0, 0.0]
