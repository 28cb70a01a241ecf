"""minigrad.testing.assert_close against torch.testing.assert_close: which pairs pass, and
the exact message of those that fail. Runs only where torch is installed."""

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

CASES = [
    lambda L: L.testing.assert_close(L.tensor([1.0, 2.0, 3.0]), L.tensor([1.0, 2.5, 3.0])),
    lambda L: L.testing.assert_close(L.tensor([1.0, 2.0]), L.tensor([1.0, 2.0, 3.0])),
    lambda L: L.testing.assert_close(L.tensor([1.0, 2.0]), L.tensor([1.0, 2.0], dtype=L.float64)),
    lambda L: L.testing.assert_close(L.tensor([1, 2]), L.tensor([1, 3])),
    lambda L: L.testing.assert_close(1.0, 1.0 + 1e-9),
    lambda L: L.testing.assert_close(1.0, 1.1),
    lambda L: L.testing.assert_close([L.ones(2)], [L.zeros(2)]),
    lambda L: L.testing.assert_close({"a": L.ones(2)}, {"a": L.ones(2) * 1.5}),
    lambda L: L.testing.assert_close(L.tensor([float("nan")]), L.tensor([float("nan")])),
    lambda L: L.testing.assert_close(
        L.tensor([float("nan")]), L.tensor([float("nan")]), equal_nan=True
    ),
    lambda L: L.testing.assert_close(L.tensor([1.0, 2.0]), L.tensor([1.0, 2.1]), rtol=0.1, atol=0),
    lambda L: L.testing.assert_close(L.tensor([1.0, 2.0]), L.tensor([1.0, 2.1]), rtol=0.1),
    lambda L: L.testing.assert_close(L.ones(2, 2), L.ones(2, 2) * 1.01, msg="custom"),
    lambda L: L.testing.assert_close(L.tensor([True]), L.tensor([False])),
    lambda L: L.testing.assert_close(L.ones(2, 3), L.ones(2, 3) * 1.01),
    lambda L: L.testing.assert_close([L.ones(2)], [L.ones(2), L.ones(2)]),
    lambda L: L.testing.assert_close({"a": L.ones(2)}, {"b": L.ones(2)}),
    lambda L: L.testing.assert_close(
        L.tensor([1.0, 2.0]), L.tensor([1.0, 2.5], dtype=L.float64), check_dtype=False
    ),
    lambda L: L.testing.assert_close(1, 2),
    lambda L: L.testing.assert_close(1, 1.0),
    lambda L: L.testing.assert_close(L.tensor([1.0, float("inf")]), L.tensor([1.0, float("-inf")])),
    lambda L: L.testing.assert_close(
        L.tensor([0.0, 1.0]), L.tensor([0.0, 1.0]) + 1, msg=lambda m: "X" + m[:10]
    ),
    lambda L: L.testing.assert_close(L.tensor(2.0), L.tensor(3.0)),
    lambda L: L.testing.assert_close(
        L.tensor([1.0, 2.0], dtype=L.float16), L.tensor([1.0, 2.001], dtype=L.float16)
    ),
    lambda L: L.testing.assert_close(np.ones(2), np.ones(2) * 2),
    lambda L: L.testing.assert_close(L.tensor([1 + 1j]), L.tensor([1 + 2j])),
    lambda L: L.testing.assert_close(
        L.tensor([1, 2], dtype=L.uint8), L.tensor([3, 0], dtype=L.uint8)
    ),
    lambda L: L.testing.assert_close(
        (L.ones(1), [1.0, {"k": L.zeros(1)}]), (L.ones(1), [1.0, {"k": L.ones(1)}])
    ),
    lambda L: L.testing.assert_close(L.ones(2, requires_grad=True) * 2, L.full((2,), 2.0)),
]


def _outcome(L, case):  # noqa: N803 - L names the library
    try:
        case(L)
    except (AssertionError, TypeError, ValueError) as e:
        return f"{type(e).__name__}: {e}".replace("torch.", "minigrad.")
    return "passed"


@pytest.mark.parametrize("case", CASES)
def test_assert_close_as_pytorch(case):
    assert _outcome(mg, case) == _outcome(torch, case)
