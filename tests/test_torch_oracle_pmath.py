"""Oracle checks for linalg norms and cond on empty matrices and empty reduced dims."""

import math

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

SHAPES = [(2, 0, 0), (2, 0, 3), (2, 3, 0), (0, 3, 3)]


def _outcome(lib, fn):
    try:
        out = fn(lib)
    except (RuntimeError, IndexError) as e:
        return type(e).__name__ if isinstance(e, IndexError) else "RuntimeError"
    return tuple(out.shape), np.asarray(out.detach().numpy()).tolist()


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("ord", [2, -2, 1, -1, math.inf, -math.inf, "fro", "nuc"])
def test_matrix_norm_empty(shape, ord):
    fn = lambda lib: lib.linalg.matrix_norm(lib.zeros(*shape, dtype=lib.float64), ord)
    assert _outcome(mg, fn) == _outcome(torch, fn)


@pytest.mark.parametrize("shape", SHAPES + [(0, 0)])
@pytest.mark.parametrize("p", [None, 2, -2, 1, -1, math.inf, -math.inf, "fro", "nuc"])
def test_cond_empty(shape, p):
    fn = lambda lib: lib.linalg.cond(lib.zeros(*shape, dtype=lib.float64), p)
    assert _outcome(mg, fn) == _outcome(torch, fn)


@pytest.mark.parametrize("shape,dim", [((0, 3, 3), 1), ((0, 3, 3), 0), ((0, 3, 3), None),
                                       ((0, 3, 3), (1, 2)), ((3, 0), 0), ((3, 0), 1)])  # fmt: skip
@pytest.mark.parametrize("ord", [math.inf, -math.inf, -1, -0.5])
def test_vector_norm_empty_input_nonempty_reduction(shape, dim, ord):
    fn = lambda lib: lib.linalg.vector_norm(lib.zeros(*shape, dtype=lib.float64), ord, dim)
    assert _outcome(mg, fn) == _outcome(torch, fn)


@pytest.mark.parametrize("x", [0.0, 1e-300, 1e-200, -1e-170, 0.3, -2.5])
def test_sinc_grad_tiny_inputs(x):
    t = torch.tensor([x], dtype=torch.float64, requires_grad=True)
    torch.special.sinc(t).sum().backward()
    m = mg.tensor([x], dtype=mg.float64, requires_grad=True)
    mg.special.sinc(m).sum().backward()
    np.testing.assert_allclose(m.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-300)
