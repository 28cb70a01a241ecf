"""nn.Module's mechanics without PyTorch (round "pmodule"): repr names, pickling,
state_dict's per-module methods and metadata, nn.Buffer."""

from minigrad import nn


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
