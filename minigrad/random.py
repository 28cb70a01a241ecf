"""minigrad's random number generator: one seeded NumPy Generator for every draw."""

from __future__ import annotations

import numpy as np

_DEFAULT_SEED = 67280421310721  # PyTorch's default seed: unseeded runs repeat too

_state = {"rng": np.random.default_rng(_DEFAULT_SEED)}


def manual_seed(seed: int) -> np.random.Generator:
    """Seed every random draw minigrad makes (factories, init, dropout, shuffling)."""
    _state["rng"] = np.random.default_rng(int(seed))
    return _state["rng"]


def generator() -> np.random.Generator:
    """The generator minigrad draws from (reseeded by :func:`manual_seed`)."""
    return _state["rng"]
