"""The complex refusals of test_complex_refusals against PyTorch: both libraries raise the
same exception class, and give a result where PyTorch calls no kernel. Runs only where torch
is installed."""

import pytest
from test_complex_refusals import ALLOWED, REFUSED, C
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()


def _raised(fn, L):  # noqa: N803 - L names the library
    c = torch.from_numpy(C.copy()) if L is torch else mg.tensor(C)
    try:
        fn(L, c)
    except Exception as e:  # noqa: BLE001 - the class is what is compared
        return type(e)
    return None


@pytest.mark.parametrize("name", REFUSED)
def test_same_exception_class(name):
    fn, error, _ = REFUSED[name]
    assert _raised(fn, torch) is error
    assert _raised(fn, mg) is error


@pytest.mark.parametrize("name", ALLOWED)
def test_both_allow(name):
    assert _raised(ALLOWED[name], torch) is None
    assert _raised(ALLOWED[name], mg) is None
