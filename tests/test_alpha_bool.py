"""A bool alpha is refused unless the result is bool; a bool linear is refused."""

import pytest

import minigrad as mg


def test_bool_alpha_only_for_bool_results():
    with pytest.raises(RuntimeError, match="Boolean alpha"):
        mg.add(mg.tensor([1.0]), mg.tensor([2.0]), alpha=True)
    with pytest.raises(RuntimeError, match="Boolean alpha"):
        mg.tensor([1.0]).sub_(mg.tensor([2.0]), alpha=False)
    assert mg.add(mg.tensor([True]), mg.tensor([False]), alpha=True).tolist() == [True]


def test_linear_of_bools_is_refused():
    with pytest.raises(NotImplementedError, match="linear"):
        mg.nn.functional.linear(mg.tensor([[True]]), mg.tensor([[True]]))
