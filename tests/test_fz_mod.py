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


def test_optimizer_group_is_the_dict_given_and_its_edits_count():
    p = mg.tensor([1.0, 2.0], dtype=mg.float64, requires_grad=True)
    group = {"params": (p,)}
    opt = mg.optim.SGD([group], lr=0.1)
    assert opt.param_groups[0] is group and group["params"] == [p] and group["lr"] == 0.1
    group["lr"] = 2.0
    p.grad = mg.ones(2, dtype=mg.float64)
    opt.step()
    assert p.tolist() == [1.0 - 2.0, 2.0 - 2.0]  # θ - lr g with the edited lr


def test_optimizer_groups_are_all_named_or_all_unnamed():
    p = mg.zeros(2, requires_grad=True)
    q = mg.zeros(1, requires_grad=True)
    with pytest.raises(ValueError):
        mg.optim.SGD([{"params": [("a", p)]}, {"params": [q]}], lr=0.1)
    with pytest.raises(ValueError):
        mg.optim.SGD([("a", p), q], lr=0.1)
    opt = mg.optim.SGD([{"params": [("a", p)]}, {"params": [("b", q)]}], lr=0.1)
    assert [g["param_names"] for g in opt.param_groups] == [["a"], ["b"]]


def test_optimizer_takes_a_non_leaf_that_retains_grad():
    p = mg.tensor([1.0, 2.0], dtype=mg.float64, requires_grad=True)
    y = p * 2
    with pytest.raises(ValueError):
        mg.optim.SGD([y], lr=0.1)
    y.retain_grad()
    opt = mg.optim.SGD([y], lr=0.5)
    y.sum().backward()
    opt.step()
    assert y.tolist() == [2.0 - 0.5, 4.0 - 0.5]


def test_optimizer_keeps_state_saved_under_an_unknown_index():
    p = mg.zeros(2, requires_grad=True)
    opt = mg.optim.SGD([p], lr=0.1, momentum=0.9)
    buf = mg.ones(2)
    opt.load_state_dict({"state": {5: {"momentum_buffer": buf}}, "param_groups": [{"params": [0]}]})
    assert opt.state[5]["momentum_buffer"] is buf
    assert list(opt.state_dict()["state"]) == [5]


def test_state_dict_keys_of_a_child_named_empty_start_with_a_dot():
    net = nn.Module()
    setattr(net, "", nn.Linear(1, 1))  # attribute assignment does not check names
    sd = net.state_dict(prefix="top.")
    assert list(sd) == ["top..weight", "top..bias"]
    result = net.load_state_dict({"weight": mg.ones(1, 1)}, strict=False)
    assert result.missing_keys == [".weight", ".bias"]
    assert result.unexpected_keys == ["weight"]


def test_a_copied_optimizer_steps_its_own_parameters_after_a_scheduler_wrapped_step():
    import copy
    import pickle

    p = mg.zeros(2, dtype=mg.float64, requires_grad=True)
    opt = mg.optim.SGD([p], lr=0.5)
    mg.optim.lr_scheduler.StepLR(opt, 2)  # wraps opt.step
    twin = copy.deepcopy(opt)
    q = twin.param_groups[0]["params"][0]
    q.grad = mg.ones(2, dtype=mg.float64)
    twin.step()
    assert q.tolist() == [-0.5, -0.5] and p.tolist() == [0.0, 0.0]
    restored = pickle.loads(pickle.dumps(opt))
    assert restored.param_groups[0]["lr"] == 0.5


def test_set_submodule_replaces_or_adds_by_dotted_path():
    net = nn.Sequential(OrderedDict(a=nn.Sequential(OrderedDict(b=nn.Linear(1, 1)))))
    net.a.x = 3
    net.set_submodule("a.b", nn.Tanh())
    net.set_submodule("a.z", nn.Linear(1, 2))
    assert isinstance(net.a.b, nn.Tanh)
    assert [k for k, _ in net.named_parameters()] == ["a.z.weight", "a.z.bias"]
    with pytest.raises(AttributeError):
        net.set_submodule("a.q", nn.ReLU(), strict=True)
    with pytest.raises(AttributeError):
        net.set_submodule("a.x", nn.ReLU())  # not a module there
    with pytest.raises(ValueError):
        net.set_submodule("", nn.ReLU())
    with pytest.raises(ValueError):
        net.set_submodule("a.b", 3)


def test_optimizer_load_keeps_its_param_names_when_the_saved_groups_have_none():
    p = mg.zeros(2, requires_grad=True)
    plain = mg.optim.Adam([p], lr=0.1)
    named = mg.optim.Adam([("w", p)], lr=0.2)
    named.load_state_dict(plain.state_dict())
    assert named.param_groups[0]["param_names"] == ["w"]
    assert named.param_groups[0]["lr"] == 0.1


def test_extra_state_is_saved_after_the_tensors_and_loaded_back():
    class Counter(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(1, 1)
            self.calls = 3

        def get_extra_state(self):
            return {"calls": self.calls}

        def set_extra_state(self, state):
            self.calls = state["calls"]

    net = nn.Sequential(Counter())
    sd = net.state_dict()
    assert list(sd) == ["0._extra_state", "0.fc.weight", "0.fc.bias"]
    assert sd["0._extra_state"] == {"calls": 3}
    other = nn.Sequential(Counter())
    other[0].calls = 0
    assert other.load_state_dict(sd).missing_keys == []
    assert other[0].calls == 3
    del sd["0._extra_state"]
    assert other.load_state_dict(sd, strict=False).missing_keys == ["0._extra_state"]
    with pytest.raises(RuntimeError):
        nn.Module().get_extra_state()


def test_zero_grad_without_none_detaches_a_gradient_that_requires_grad():
    p = mg.zeros(2, requires_grad=True)
    leaf = mg.ones(2, requires_grad=True)
    p.grad = leaf
    mg.optim.SGD([p], lr=0.1).zero_grad(set_to_none=False)
    assert p.grad is leaf and not leaf.requires_grad and p.grad.tolist() == [0.0, 0.0]
    lin = nn.Linear(2, 1)
    lin.weight.grad = mg.ones(1, 2, requires_grad=True) * 3  # in a graph
    lin.zero_grad(set_to_none=False)
    assert lin.weight.grad.grad_fn is None and not lin.weight.grad.requires_grad
    assert lin.weight.grad.tolist() == [[0.0, 0.0]]
