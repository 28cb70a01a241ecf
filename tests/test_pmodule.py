"""nn.Module's mechanics without PyTorch (round "pmodule"): repr names, pickling,
state_dict's per-module methods and metadata, nn.Buffer."""

import copy
import pickle

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
