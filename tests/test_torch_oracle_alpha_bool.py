"""A bool ``alpha`` for add/sub and bool operands of ``linear``, against PyTorch: PyTorch
takes a bool alpha only for a bool result, and has no bool matrix product."""

import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

CALLS = [
    lambda lib, T: lib.add(T([1.0, 2.0]), T([1.0, 1.0]), alpha=True),
    lambda lib, T: lib.add(T([True, False]), T([True, True]), alpha=True),
    lambda lib, T: lib.add(T([1, 2]), T([1, 1]), alpha=True),
    lambda lib, T: lib.add(T([1, 2]), T([1, 1]), alpha=2),
    lambda lib, T: lib.add(T([True, False]), T([True, True]), alpha=2),
    lambda lib, T: lib.sub(T([1.0, 2.0]), T([1.0, 1.0]), alpha=True),
    lambda lib, T: T([1.0, 2.0]).add_(T([1.0, 1.0]), alpha=True),
    lambda lib, T: T([1.0, 2.0]).add_(T([1.0, 1.0]), alpha=False),
    lambda lib, T: T([True, False]).add_(T([True, False]), alpha=True),
    lambda lib, T: T([1.0, 2.0]).add(T([1.0, 1.0]), alpha=1.0),
    lambda lib, T: lib.nn.functional.linear(T([[True, False]]), T([[True, True]])),
    lambda lib, T: lib.nn.functional.linear(T([[True, False]]), T([[True, True]]), T([True])),
    lambda lib, T: lib.nn.functional.linear(T([[1, 0]]), T([[1, 1]])),
    lambda lib, T: lib.nn.functional.linear(T([1.0, 2.0]), T([3.0, 4.0])),
    lambda lib, T: lib.nn.functional.linear(T([[True]]), T([[1.0]])),
    lambda lib, T: lib.add(T([1, 2]), T([1, 1]), alpha=1.0),
    lambda lib, T: lib.sub(T([1, 2]), T([1, 1]), alpha=1.0),
    lambda lib, T: lib.add(T([1.0, 2.0]), T([1.0, 1.0]), alpha=1.0),
    lambda lib, T: lib.add(T([1.0, 2.0]), T([1.0, 1.0]), alpha=T(True)),
    lambda lib, T: lib.add(T([True]), T([True]), alpha=T(True)),
    lambda lib, T: lib.add(T([1.0, 2.0]), T([1.0, 1.0]), alpha=T(2.0)),
    lambda lib, T: lib.add(T([True]), True, alpha=True),
    lambda lib, T: lib.add(T([1, 2]), 3.5, alpha=2),
    lambda lib, T: T([1.0, 2.0]).add_(T([1.0, 1.0]), alpha=T(True)),
    lambda lib, T: T([1, 2]).add_(T([1, 1]), alpha=1.0),
    lambda lib, T: T([1, 2]).add_(T([1, 1]), alpha=2),
]


def _outcome(lib, call):
    try:
        return call(lib, lib.tensor).tolist()
    except Exception as e:  # noqa: BLE001 - the exception's type is what is compared
        return type(e).__name__


@pytest.mark.parametrize("call", CALLS)
def test_bool_alpha_and_bool_linear_as_torch(call):
    assert _outcome(mg, call) == _outcome(torch, call)
