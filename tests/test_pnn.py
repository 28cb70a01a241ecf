"""Regression tests (torch-free) for divergences from PyTorch found in nn by a probe:
the containers' keyword arguments, F.linear's bias broadcast to the output, the class
losses when the counted targets' weights sum to zero."""

import inspect

import pytest

import minigrad.nn as nn


def test_modules_keeps_duplicates_on_request():
    lin = nn.Linear(1, 1)
    seq = nn.Sequential(lin, nn.ReLU(), lin)
    assert [type(m).__name__ for m in seq.modules()] == ["Sequential", "Linear", "ReLU"]
    every = list(seq.modules(remove_duplicate=False))
    assert [type(m).__name__ for m in every] == ["Sequential", "Linear", "ReLU", "Linear"]
    assert every[1] is every[3] is lin


@pytest.mark.parametrize(
    "method, params",
    [
        (nn.Sequential.pop, ["self", "key"]),
        (nn.Sequential.extend, ["self", "sequential"]),
        (nn.ModuleList.pop, ["self", "key"]),
        (nn.ModuleList.__iadd__, ["self", "modules"]),
        (nn.Module.modules, ["self", "remove_duplicate"]),
    ],
)
def test_container_methods_take_pytorchs_keywords(method, params):
    assert list(inspect.signature(method).parameters) == params


def test_container_keywords_work():
    seq = nn.Sequential(nn.ReLU(), nn.Tanh())
    assert isinstance(seq.pop(key=0), nn.ReLU)
    seq.extend(sequential=[nn.Sigmoid()])
    assert [type(m) for m in seq] == [nn.Tanh, nn.Sigmoid]
    ml = nn.ModuleList([nn.ReLU(), nn.Tanh()])
    assert isinstance(ml.pop(key=-1), nn.Tanh) and len(ml) == 1
