"""Review fixes checked against PyTorch (strides, in-place errors, nansum dtype, ...)."""

import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()


@pytest.mark.parametrize(
    "make",
    [
        lambda L: L.zeros(4, 6)[:, ::2][:0],
        lambda L: L.zeros(3, 1).expand(3, 0),
        lambda L: L.zeros(1, 3).expand(0, 3),
        lambda L: L.zeros(4, 6)[:, :0],
        lambda L: L.zeros(0, 6),
        lambda L: L.zeros(2, 0, 3),
    ],
)
def test_empty_view_strides_follow_the_layout(make):
    assert make(mg).stride() == make(torch).stride()
