"""nn.Module's registries and containers, torch-free: names the class defines, registries
written directly, container errors (the behaviour PyTorch has; see
test_torch_oracle_fz_mod.py for the comparison)."""

from collections import OrderedDict

import pytest

import minigrad as mg
from minigrad import nn


def test_a_child_named_like_a_method_does_not_hide_the_method():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.eval = nn.Linear(1, 1)

    net = Net()
    assert net.eval() is net  # still the method
    assert isinstance(net._modules["eval"], nn.Linear)
    assert [k for k, _ in net.named_parameters()] == ["eval.weight", "eval.bias"]


def test_a_child_named_like_a_property_registers_and_the_property_reads():
    class Net(nn.Module):
        head = property(lambda self: "prop")

        def __init__(self):
            super().__init__()
            self.head = nn.Linear(1, 1)

    net = Net()
    assert net.head == "prop"
    assert [k for k, _ in net.named_modules()] == ["", "head"]


def test_replacing_modules_dict_replaces_the_attributes():
    m = nn.Module()
    m.fc = nn.Linear(1, 1)
    m.old = nn.ReLU()
    new = nn.Linear(1, 2)
    m._modules = OrderedDict(fc=new)
    assert m.fc is new
    assert not hasattr(m, "old")
    m._modules["g"] = nn.Tanh()  # still written through to the attribute
    assert isinstance(m.g, nn.Tanh)


def test_clear_and_popitem_of_a_registry_drop_the_attributes():
    lin = nn.Linear(1, 1)
    name, p = lin._parameters.popitem()
    assert name == "bias" and not hasattr(lin, "bias") and hasattr(lin, "weight")
    lin._parameters.clear()
    assert not hasattr(lin, "weight")
    assert list(lin.state_dict()) == []
    with pytest.raises(KeyError):
        lin._parameters.popitem()


def test_module_dict_delete_of_a_missing_key_is_a_key_error():
    d = nn.ModuleDict({"a": nn.ReLU()})
    with pytest.raises(KeyError):
        del d["training"]
    assert d.training is True and list(d) == ["a"]
    with pytest.raises(KeyError):
        del d[1]


def test_sequential_insert_refuses_a_non_module_and_indices_must_be_ints():
    s = nn.Sequential(nn.ReLU())
    with pytest.raises(AssertionError):
        s.insert(0, None)
    with pytest.raises(TypeError):
        s[1.0]
    with pytest.raises(TypeError):
        nn.ModuleList([nn.ReLU()]).pop(0.0)
    assert isinstance(s[mg.tensor(0).item()], nn.ReLU)
