"""minigrad's random number generators: ``Generator`` objects built on NumPy's, and the
default one that every draw without ``generator=`` uses (``mg.manual_seed`` reseeds it)."""

from __future__ import annotations

import secrets
from typing import Any

import numpy as np

from .device import check as check_device
from .device import device as _device

_DEFAULT_SEED = 67280421310721  # PyTorch's default seed: unseeded runs repeat too
_STATE_BYTES = 48  # seed (8), PCG64 state (16) and increment (16), cached 32-bit draw (8)


class Generator:
    """A random number generator, as ``torch.Generator``: ``g = mg.Generator().manual_seed(42)``
    and ``generator=g`` to the random factories, samplers, ``random_split`` and ``DataLoader``.

    Its numbers come from a NumPy ``Generator`` (PCG64) seeded with the seed, so they differ
    from PyTorch's for the same seed (a documented divergence); the same seed gives the same
    numbers. Only the CPU is a device.
    """

    def __init__(self, device: Any = "cpu") -> None:
        check_device(device)
        self.device = _device("cpu")
        self._set_seed(_DEFAULT_SEED)

    def _set_seed(self, seed: int) -> None:
        self._seed = seed
        self._rng = np.random.default_rng(seed)

    def manual_seed(self, seed: int) -> Generator:
        """Seed the generator (an int in [-2**63, 2**64); a negative one wraps around) and
        return it."""
        if isinstance(seed, (bool, np.bool_)) or not hasattr(type(seed), "__index__"):
            raise RuntimeError(f"manual_seed expected a long, but got {type(seed).__name__}")
        self._set_seed(_wrapped_seed(int(seed)))
        return self

    def seed(self) -> int:
        """Seed the generator from the operating system's entropy and return that seed."""
        seed = secrets.randbits(64)
        self._set_seed(seed)
        return seed

    def initial_seed(self) -> int:
        """The seed the generator was last seeded with."""
        return self._seed

    def get_state(self) -> Any:
        """The generator's state as a 1-D uint8 Tensor, to give back to :meth:`set_state`.

        minigrad's own layout (48 bytes: the seed, then NumPy's PCG64 state), not PyTorch's
        5056-byte one: ``g.set_state(g.get_state())`` continues the same stream of numbers,
        but a state from PyTorch cannot be loaded, nor one from minigrad into PyTorch.
        """
        from .tensor import Tensor

        st = self._rng.bit_generator.state
        words = [
            self._seed,
            st["state"]["state"] & (2**64 - 1),
            st["state"]["state"] >> 64,
            st["state"]["inc"] & (2**64 - 1),
            st["state"]["inc"] >> 64,
            st["has_uint32"] | st["uinteger"] << 32,
        ]
        return Tensor._new(np.array(words, dtype="<u8").view(np.uint8))

    def set_state(self, new_state: Any) -> Generator:
        """Restore a state that :meth:`get_state` returned (seed included); returns self."""
        from .tensor import Tensor

        if not isinstance(new_state, Tensor):
            raise TypeError(
                f"expected a ByteTensor (uint8 Tensor), but got {type(new_state).__name__}"
            )
        if new_state.dtype != np.uint8:
            raise TypeError("RNG state must be a ByteTensor (uint8 Tensor)")
        if new_state.numel() != _STATE_BYTES:
            raise RuntimeError(
                f"Expected a minigrad Generator state of size {_STATE_BYTES} but found the "
                f"input RNG state size to be {new_state.numel()}"
            )
        seed, s_lo, s_hi, i_lo, i_hi, cached = (
            int(w) for w in np.ascontiguousarray(new_state.data).reshape(-1).view("<u8")
        )
        self._set_seed(seed)
        self._rng.bit_generator.state = {
            "bit_generator": "PCG64",
            "state": {"state": s_lo | s_hi << 64, "inc": i_lo | i_hi << 64},
            "has_uint32": cached & 1,
            "uinteger": cached >> 32,
        }
        return self

    def __repr__(self) -> str:
        return f"<minigrad.Generator object at {id(self):#x}>"


def _wrapped_seed(seed: int) -> int:
    if not -(2**63) <= seed < 2**64:  # PyTorch's range; a negative seed wraps around
        raise ValueError(f"manual_seed: seed {seed} is outside [-2**63, 2**64)")
    return seed % 2**64


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed every random draw minigrad makes without a ``generator=`` (factories, init,
    dropout, shuffling); returns the default generator, as PyTorch."""
    default_generator._set_seed(_wrapped_seed(int(seed)))
    return default_generator


def seed() -> int:
    """Seed the default generator nondeterministically; returns the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The default generator's seed."""
    return default_generator.initial_seed()


def get_rng_state() -> Any:
    """The default generator's state (a uint8 Tensor, see :meth:`Generator.get_state`)."""
    return default_generator.get_state()


def set_rng_state(new_state: Any) -> None:
    """Restore the default generator's state from :func:`get_rng_state`."""
    default_generator.set_state(new_state)


def generator(given: Any = None, op: str = "") -> np.random.Generator:
    """The NumPy generator to draw from: ``given``'s (a :class:`Generator`), or the default
    one's (reseeded by :func:`manual_seed`) when ``given`` is None."""
    if given is None:
        return default_generator._rng
    if not isinstance(given, Generator):
        where = f"{op}(): " if op else ""
        raise TypeError(
            f"{where}argument 'generator' must be Generator, not {type(given).__name__}"
        )
    return given._rng
