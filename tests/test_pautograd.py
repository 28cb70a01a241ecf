"""Autograd corners, torch-free: gradcheck's keyword names."""

import minigrad as mg


def test_gradcheck_takes_pytorchs_keyword_names():
    x = mg.tensor([0.5, -1.5], dtype=mg.float64, requires_grad=True)
    assert mg.autograd.gradcheck(func=lambda a: a.exp() * a, inputs=(x,), eps=1e-6)
    assert mg.gradcheck(func=mg.sin, inputs=x) is True
