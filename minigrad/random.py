"""minigrad's random number generator: one seeded NumPy Generator for every draw."""

from __future__ import annotations

import numpy as np

_DEFAULT_SEED = 67280421310721  # PyTorch's default seed: unseeded runs repeat too

_state = {"rng": np.random.default_rng(_DEFAULT_SEED)}


def manual_seed(seed: int) -> np.random.Generator:
    """Seed every random draw minigrad makes (factories, init, dropout, shuffling)."""
    seed = int(seed)
    if not -(2**63) <= seed < 2**64:  # PyTorch's range; a negative seed wraps around
        raise ValueError(f"manual_seed: seed {seed} is outside [-2**63, 2**64)")
    _state["rng"] = np.random.default_rng(seed % 2**64)
    return _state["rng"]


def generator() -> np.random.Generator:
    """The generator minigrad draws from (reseeded by :func:`manual_seed`)."""
    return _state["rng"]
