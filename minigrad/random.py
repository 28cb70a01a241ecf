"""minigrad's random number generators, as PyTorch's CPU ones: ``Generator`` objects and the
default one that every draw without ``generator=`` uses (``mg.manual_seed`` reseeds it).

A generator is PyTorch's: a 32-bit Mersenne Twister (MT19937) seeded with the low 32 bits
of the seed, plus the second Box-Muller sample it keeps for the next normal draw. The
draws turn its words into numbers with PyTorch's formulas (``random_kernels``), so the same
seed gives PyTorch's numbers; the state is PyTorch's 5056 bytes, so states can be passed
between the two.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from typing import Any

import numpy as np

from .device import check as check_device
from .device import device as _device

_DEFAULT_SEED = 67280421310721  # PyTorch's default seed: unseeded runs repeat too
_N = 624  # words in the Mersenne Twister's state
# PyTorch's state layout (CPUGeneratorImplState): the seed, the twister's `left`, `seeded`
# and `next`, its 624 words (as uint64), the cached normal sample (x, y, rho, valid) and
# the float one (value, valid), with C's padding
_STATE = np.dtype([
    ("seed", "<u8"), ("left", "<i4"), ("seeded", "<i4"), ("next", "<u8"), ("words", "<u8", (_N,)),
    ("normal_x", "<f8"), ("normal_y", "<f8"), ("normal_rho", "<f8"), ("normal_valid", "<i4"),
    ("pad", "<i4"), ("float_normal", "<f4"), ("float_valid", "u1"), ("pad2", "u1", (3,)),
])  # fmt: skip


def _twister(seed: int) -> np.random.MT19937:
    """A Mersenne Twister seeded as C++'s ``std::mt19937(seed)`` (``init_genrand``), which is
    what NumPy's legacy ``RandomState(seed)`` does too."""
    key = np.random.RandomState(seed & 0xFFFFFFFF).get_state()[1]
    mt = np.random.MT19937(0)
    mt.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": _N}}
    return mt


class Generator:
    """A random number generator, as ``torch.Generator``: ``g = mg.Generator().manual_seed(42)``
    and ``generator=g`` to the random factories, samplers, ``random_split`` and ``DataLoader``.
    Only the CPU is a device.

    ``_mt`` is the Mersenne Twister (NumPy's, whose raw words are C++'s ``std::mt19937``'s)
    and ``_normal`` the cached second sample of the last Box-Muller pair (or None).
    """

    def __init__(self, device: Any = "cpu") -> None:
        check_device(device)
        self.device = _device("cpu")
        self._set_seed(_DEFAULT_SEED)

    def _set_seed(self, seed: int) -> None:
        self._seed = seed
        self._mt = _twister(seed)
        self._normal = None

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
        """The generator's state as a 1-D uint8 Tensor of PyTorch's 5056 bytes, to give back to
        :meth:`set_state` (of this or of a PyTorch generator)."""
        from .tensor import Tensor

        mt = self._mt.state["state"]
        pos = int(mt["pos"])
        st = np.zeros((), _STATE)
        st["seed"], st["seeded"], st["words"] = self._seed, 1, mt["key"]
        # the twister's next word is words[next] after `left - 1` more draws; one freshly
        # seeded has left 1 and next 0 (it twists before its first word)
        fresh = pos == _N and np.array_equal(mt["key"], _twister(self._seed).state["state"]["key"])
        st["left"], st["next"] = (1, 0) if fresh else (_N + 1 - pos, pos)
        if self._normal is not None:
            st["normal_y"], st["normal_valid"] = self._normal, 1
        return Tensor._new(st.reshape(1).view(np.uint8).copy())

    def set_state(self, new_state: Any) -> Generator:
        """Restore a state that :meth:`get_state` (or PyTorch's ``get_state``) returned,
        seed included; returns self."""
        from .tensor import Tensor

        if not isinstance(new_state, Tensor):
            raise TypeError(
                f"expected a ByteTensor (uint8 Tensor), but got {type(new_state).__name__}"
            )
        if new_state.dtype != np.uint8:
            raise TypeError("RNG state must be a ByteTensor (uint8 Tensor)")
        if new_state.numel() != _STATE.itemsize:
            raise RuntimeError(
                f"Expected either a CPUGeneratorImplStateLegacy of size 5048 or a "
                f"CPUGeneratorImplState of size {_STATE.itemsize} but found the input RNG "
                f"state size to be {new_state.numel()}"
            )
        st = np.ascontiguousarray(new_state.data).reshape(-1).view(_STATE)[0]
        left = int(st["left"])
        if not 1 <= left <= _N:
            raise RuntimeError("Invalid mt19937 state: left must be in [1, 624]")
        self._seed = int(st["seed"])
        self._mt = np.random.MT19937(0)
        pos = _N if left == 1 else _N + 1 - left  # left 1: the next draw twists first
        words = st["words"].astype(np.uint32)
        self._mt.state = {"bit_generator": "MT19937", "state": {"key": words, "pos": pos}}
        self._normal = float(st["normal_y"]) if st["normal_valid"] else None
        return self

    def clone_state(self) -> Generator:
        """A new generator in this one's state (the two then draw independently)."""
        return Generator().set_state(self.get_state())

    def graphsafe_get_state(self) -> Any:
        raise NotImplementedError("graphsafe_get_state is not supported in this Generator")

    def graphsafe_set_state(self, state: Any) -> Any:
        raise NotImplementedError("graphsafe_set_state is not supported in this Generator")

    def get_offset(self) -> int:
        raise RuntimeError("CPU Generator does not use offset")

    def set_offset(self, offset: int) -> Generator:
        raise RuntimeError("CPU Generator does not use offset")

    def __repr__(self) -> str:
        return f"<minigrad.Generator object at {id(self):#x}>"


def _wrapped_seed(seed: int) -> int:
    if not -(2**63) <= seed < 2**64:  # PyTorch's range; a negative one wraps around
        raise ValueError(f"manual_seed: seed {seed} is outside [-2**63, 2**64)")
    return seed % 2**64


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed every random draw minigrad makes without a ``generator=`` (factories, init,
    dropout, shuffling); returns the default generator, as PyTorch."""
    default_generator._set_seed(_wrapped_seed(int(seed)))  # int(seed), as PyTorch's
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


@contextlib.contextmanager
def fork_rng(devices: Any = None, enabled: bool = True, _caller: str = "fork_rng",
             _devices_kw: str = "devices", device_type: Any = None) -> Iterator[None]:  # fmt: skip
    """Run the block, then put the default generator back in its state from before it (there
    are no other devices' generators to fork)."""
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)


def thread_safe_generator() -> Generator | None:
    """The generator of the DataLoader worker thread calling it: None here, where batches load
    in the main process (the default generator then draws, as in PyTorch's main process)."""
    return None


def generator(given: Any = None, op: str = "") -> Generator:
    """The generator to draw from: ``given`` (a :class:`Generator`), or the default one
    (reseeded by :func:`manual_seed`) when ``given`` is None."""
    if given is None:
        return default_generator
    if not isinstance(given, Generator):
        where = f"{op}(): " if op else ""
        raise TypeError(
            f"{where}argument 'generator' must be Generator, not {type(given).__name__}"
        )
    return given
