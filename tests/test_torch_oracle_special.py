"""Special values against PyTorch: ±0, ±inf, NaN, 1e±30 and ties, through every op.

Each case draws two 3x3 inputs, in float64 and again in float32, where about 40% of
the entries are special, applies one op (or loss) and backpropagates a random
gradient. minigrad and PyTorch must give the same values and gradients (NaN for NaN,
inf for inf, of the same sign; the sign of a zero may differ), or both raise. This
holds the corners of the VJPs to PyTorch's formulas: which inputs get the gradient at
ties and next to a NaN, where a 0 * inf appears, which order of operations
underflows, and what is accumulated in double. Runs only where torch is installed.
"""

import random
import warnings

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

SPECIAL = [0.0, -0.0, 1.0, -1.0, 2.0, float("nan"), float("inf"), -float("inf"), 1e-30, 1e30]
UNARY = {
    "amax": lambda M, x: x.amax(-1),
    "amin0": lambda M, x: x.amin(0),
    "amax_all": lambda M, x: x.amax(),
    "max_dim": lambda M, x: x.max(dim=-1).values,
    "max_all": lambda M, x: x.max(),
    "min_all": lambda M, x: x.min(),
    "min_dim": lambda M, x: x.min(dim=0).values,
    "sum": lambda M, x: x.sum(-1),
    "mean": lambda M, x: x.mean(0),
    "var": lambda M, x: x.var(-1),
    "std": lambda M, x: x.std(),
    "abs": lambda M, x: x.abs(),
    "sqrt": lambda M, x: x.sqrt(),
    "log": lambda M, x: x.log(),
    "exp": lambda M, x: x.exp(),
    "sigmoid": lambda M, x: x.sigmoid(),
    "tanh": lambda M, x: x.tanh(),
    "sin": lambda M, x: x.sin(),
    "clamp": lambda M, x: x.clamp(-1, 1),
    "softmax": lambda M, x: x.softmax(-1),
    "log_softmax": lambda M, x: x.log_softmax(-1),
    "pow_half": lambda M, x: x**0.5,
    "pow_minus_half": lambda M, x: x**-0.5,
    "pow_2": lambda M, x: x**2,
    "pow_3": lambda M, x: x**3,
    "pow_minus_1": lambda M, x: x**-1,
    "pow_minus_2": lambda M, x: x**-2,
    "pow_1.5": lambda M, x: x**1.5,
    "pow_0": lambda M, x: x**0,
    "rpow": lambda M, x: 2.0**x,
    "rdiv": lambda M, x: 1 / x,
    "square": lambda M, x: x * x,
    "std0": lambda M, x: x.std(0, keepdim=True),
    "var_all": lambda M, x: x.var(),
    "cos": lambda M, x: x.cos(),
    "clamp_min": lambda M, x: x.clamp(min=0.5),
    "log_softmax0": lambda M, x: x.log_softmax(0),
    "softmax0": lambda M, x: x.softmax(0),
    "amax_dims": lambda M, x: x.amax((0, 1)),
    "nll_loss": lambda M, x: M.nn.functional.nll_loss(x, M.tensor([0, 2, 1])),
    "cross_entropy_smoothing": lambda M, x: M.nn.functional.cross_entropy(
        x, M.tensor([0, 2, 1]), label_smoothing=0.2
    ),
    "cross_entropy_none": lambda M, x: M.nn.functional.cross_entropy(
        x, M.tensor([0, 2, 1]), reduction="none"
    ),
    "linear": lambda M, x: M.nn.functional.linear(x, x, x[0]),
}  # relu is left out on purpose: README, a NaN gradient where the input is <= 0
BINARY = {
    "add": lambda M, x, y: x + y,
    "sub": lambda M, x, y: x - y,
    "mul": lambda M, x, y: x * y,
    "div": lambda M, x, y: x / y,
    "pow": lambda M, x, y: x**y,
    "maximum": lambda M, x, y: M.maximum(x, y),
    "minimum": lambda M, x, y: M.minimum(x, y),
    "where": lambda M, x, y: M.where(x > y, x, y),
    "matmul": lambda M, x, y: x @ y.T,
    "cross_entropy": lambda M, x, y: M.nn.functional.cross_entropy(x, M.tensor([0, 2, 1])),
    "bce_with_logits": lambda M, x, y: M.nn.functional.binary_cross_entropy_with_logits(
        x, y.sigmoid()
    ),
    "bce_with_logits_pos_weight": lambda M, x, y: M.nn.functional.binary_cross_entropy_with_logits(
        x, y.sigmoid(), pos_weight=M.tensor([0.5, 1.0, 3.0], dtype=M.float64)
    ),
    "bce": lambda M, x, y: M.nn.functional.binary_cross_entropy(x.sigmoid(), y.sigmoid()),
    "mse": lambda M, x, y: M.nn.functional.mse_loss(x, y),
    "cross_entropy_probabilities": lambda M, x, y: M.nn.functional.cross_entropy(
        x, y.softmax(-1), label_smoothing=0.1
    ),
    "clamp_tensor": lambda M, x, y: M.clamp(x, y, y + 1),
}


def _case(k: int) -> tuple:
    r = random.Random(k)
    data = [
        np.array(
            [
                [r.choice(SPECIAL) if r.random() < 0.4 else r.gauss(0, 1) for _ in range(3)]
                for _ in range(3)
            ]
        )  # fmt: skip
        for _ in range(2)
    ]
    if r.random() < 0.5:
        return data, r.choice(sorted(UNARY)), (r.randrange(2),)
    return data, r.choice(sorted(BINARY)), (r.randrange(2), r.randrange(2))


CASES = [_case(k) for k in range(500)]


def _run(M, k, dtype):
    data, name, which = CASES[k]
    dtype = getattr(M, dtype)
    leaves = [M.tensor(d, dtype=dtype, requires_grad=True) for d in data]
    args = [leaves[i] for i in which]
    fn = UNARY.get(name) or BINARY[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            out = fn(M, *args)
            g = np.random.default_rng(k).normal(size=tuple(out.shape))
            out.backward(M.tensor(g, dtype=out.dtype))
        except Exception as e:  # noqa: BLE001 - the exception is what is compared
            return None, e
    grads = [None if t.grad is None else np.array(t.grad.tolist()) for t in leaves]
    return (np.array(out.tolist()), grads), None


TOLERANCES = {"float64": (1e-9, 1e-12), "float32": (2e-5, 1e-5)}  # rtol, atol per max |b|


def _same(a: np.ndarray, b: np.ndarray, dtype: str) -> bool:
    nan = np.isnan(a)
    if a.shape != b.shape or not np.array_equal(nan, np.isnan(b)):
        return False
    a, b = a[~nan], b[~nan]
    rtol, atol = TOLERANCES[dtype]
    finite = np.abs(b[np.isfinite(b)])
    atol *= finite.max() if finite.size else 1.0  # rounding next to larger entries
    return bool((np.isclose(a, b, rtol=rtol, atol=atol) | (a == b)).all())  # inf == inf


@pytest.mark.parametrize("dtype", sorted(TOLERANCES))
@pytest.mark.parametrize("k", range(len(CASES)))
def test_special_values_match_pytorch(k, dtype):
    data, name, which = CASES[k]
    expected, t_err = _run(torch, k, dtype)
    got, m_err = _run(mg, k, dtype)
    where = f"{name}{which} in {dtype} of {[d.tolist() for d in data]}"
    if t_err is not None:
        assert isinstance(m_err, type(t_err)), (
            f"{where}: PyTorch raises {t_err!r}, minigrad {m_err!r}"
        )
        return
    assert m_err is None, f"{where}: minigrad raises {m_err!r}"
    assert _same(got[0], expected[0], dtype), f"{where}: values {got[0]} != {expected[0]}"
    for g, e in zip(got[1], expected[1]):
        assert (g is None) == (e is None), where
        if e is not None:
            assert _same(g, e, dtype), f"{where}: gradient {g} != {e}"
