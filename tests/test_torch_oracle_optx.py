# ruff: noqa: E501 - the programs are data, one per line
"""nn.utils' clipping and flattening, the schedulers OneCycleLR and after, and the
optimizers Adadelta, Rprop and ASGD against PyTorch.

Optimizers run beside PyTorch's with the helpers of test_torch_oracle_optim2 (the same
starting values and gradient rule, several groups, a parameter whose gradient is None on
some steps and one that never has one), compared after every step. Schedulers compute
on Python floats in PyTorch's order and must agree exactly. Runs only where torch is
installed.
"""

import math

import numpy as np
import pytest
from test_torch_oracle_autograd import test_program_matches_pytorch as _matches_pytorch
from test_torch_oracle_optim2 import _as_numpy
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

# ---- nn.utils ---------------------------------------------------------------------

_U = "M.nn.utils."
_A = "a = M.tensor([[1., -2.], [3., 4.]], dtype=M.float64, requires_grad=True); b = M.tensor([5.], requires_grad=True); "
_GA = "a.grad = M.tensor([[-3., .5], [2., float('nan')]], dtype=M.float64); b.grad = M.tensor([.25]); "
UTILS_PROGRAMS = [
    _A + _GA + f"R = ({_U}clip_grad_value_([a, b], 1.), a.grad, b.grad)",
    _A + _GA + f"R = ({_U}clip_grad_value_(a, -.5), a.grad)",
    _A + _GA + f"R = ({_U}clip_grad_value_((p for p in (a, b)), 0), a.grad, b.grad)",
    _A + _GA + f"R = {_U}clip_grad_value_([a], 'x')",
    _A + f"R = ({_U}clip_grad_value_([a, b], 1.), a.grad)",
    f"R = {_U}clip_grad_value_([], 1.)",
    f"R = {_U}get_total_norm([])",
    _A
    + f"R = [{_U}get_total_norm([a, a * 2], n) for n in (2, 1, 3.5, 0, .5, float('inf'), -float('inf'))]",
    _A + f"R = [{_U}get_total_norm([a, b], n) for n in (2, 1, 0, float('inf'))]",
    _A + f"R = {_U}get_total_norm(a)",
    _A + f"R = {_U}get_total_norm([b])",
    f"R = {_U}get_total_norm([M.tensor([1., float('inf')])])",
    f"R = {_U}get_total_norm([M.tensor([1., float('inf')])], error_if_nonfinite=True)",
    f"R = {_U}get_total_norm([M.tensor([1., float('nan')])], 1, True)",
    f"R = {_U}get_total_norm([M.zeros(0)], float('inf'))",
    f"R = {_U}get_total_norm([M.zeros(0), M.ones(2)])",
    _A
    + _GA
    + f"R = ({_U}clip_grads_with_norm_([a, b], 2., M.tensor(10., dtype=M.float64)), a.grad, b.grad)",
    _A + _GA + f"R = ({_U}clip_grads_with_norm_(b, 2., M.tensor(.1)), b.grad)",
    _A
    + f"b.grad = M.tensor([4.]); n = {_U}get_total_norm([b.grad]); {_U}clip_grads_with_norm_([b], 1, n); R = (n, b.grad)",
    _A + f"R = {_U}clip_grads_with_norm_([a], 1., M.tensor(3.))",
    _A + f"v = {_U}parameters_to_vector([a, b]); R = (v, v.requires_grad, v.grad_fn is not None)",
    _A
    + f"v = {_U}parameters_to_vector(p for p in [b, a]); v.sum().backward(); R = (v, a.grad, b.grad)",
    _A + f"R = {_U}parameters_to_vector([a.t()])",
    f"R = {_U}parameters_to_vector([])",
    _A
    + f"v = M.arange(6., dtype=M.float64); R = ({_U}vector_to_parameters(v, [b, a]), a, b, a.is_leaf)",
    _A + f"v = M.arange(5.); {_U}vector_to_parameters(v, [a, b]); v.mul_(2); R = (a, b)",
    _A + f"R = {_U}vector_to_parameters(M.arange(3.), [a])",
    _A + f"R = {_U}vector_to_parameters([1., 2.], [b])",
    _A + f"R = {_U}vector_to_parameters(np.ones(4), [a])",
]


@pytest.mark.parametrize("program", UTILS_PROGRAMS)
def test_utils_program_matches_pytorch(program):
    _matches_pytorch(program)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_clipping_random_gradients_matches_pytorch(dtype):
    rng = np.random.default_rng(7)
    for trial in range(20):
        shapes = [tuple(rng.integers(1, 5, size=rng.integers(1, 3))) for _ in range(3)]
        grads = [rng.normal(scale=3.0, size=s) for s in shapes]
        norm_type = [2.0, 1.0, 3.0, math.inf, 0.5][trial % 5]
        max_norm, clip = rng.uniform(0.5, 8.0), rng.uniform(0.1, 2.0)
        results = []
        for lib in (mg, torch):
            ps = [lib.zeros(*s, dtype=getattr(lib, dtype), requires_grad=True) for s in shapes]
            for p, g in zip(ps, grads, strict=True):
                p.grad = lib.tensor(g, dtype=getattr(lib, dtype))
            total = lib.nn.utils.get_total_norm([p.grad for p in ps], norm_type)
            lib.nn.utils.clip_grads_with_norm_(ps, max_norm, total)
            clipped = [_as_numpy(p.grad).copy() for p in ps]
            lib.nn.utils.clip_grad_value_(ps, clip)
            results.append((float(total), clipped, [_as_numpy(p.grad).copy() for p in ps]))
        rtol = 1e-12 if dtype == "float64" else 1e-6
        np.testing.assert_allclose(results[0][0], results[1][0], rtol=rtol)
        for ours, theirs in zip(
            results[0][1] + results[0][2], results[1][1] + results[1][2], strict=True
        ):
            assert ours.dtype == theirs.dtype
            np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=1e-14)
