"""Large arrays without page faults: glibc's malloc is asked to keep the memory it frees.

By default glibc serves a large request (above 128 KB at first, up to 32 MB as it
adapts) with a fresh mapping, and gives the free memory at the top of its heap back to
the kernel once there is more than twice that much. A training step allocates and frees
arrays of the same sizes every time, so each step faulted their pages in again: about
4,000 page faults per step of ``bench_layers.py``'s transformer step on a 2-core machine,
48 ms per step with them and 27 ms without (plain NumPy code of the same pattern: 24 ms
and 8 ms).

So at import minigrad sets glibc's two thresholds to where its own adaptation ends:
arrays up to 32 MB come from the heap, and up to 64 MB of free memory at its top stays
mapped. The price: memory freed below a block still in use cannot go back to the kernel.
A program that loads hundreds of MB in arrays under 32 MB, keeps something allocated after
them and frees the rest keeps its peak resident size (507 MB against 9 MB in a review's
test); ``ctypes.CDLL(None).malloc_trim(0)`` gives such memory back.
``MINIGRAD_KEEP_FREED_MEMORY=0`` in the environment leaves malloc as it is. With another
C library than glibc there is nothing to do.
"""

from __future__ import annotations

import ctypes
import os

_M_TRIM_THRESHOLD = -1  # mallopt's parameter numbers (malloc.h)
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 << 20  # glibc's largest adaptive mmap threshold on 64-bit systems
TRIM_THRESHOLD = 2 * MMAP_THRESHOLD  # the trim threshold glibc pairs with it


def keep_freed_memory() -> bool:
    """Set glibc's thresholds (see the module's docstring); whether either was set."""
    if os.environ.get("MINIGRAD_KEEP_FREED_MEMORY", "1") == "0":
        return False
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return False
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError, ValueError):  # not glibc, or no such configuration name
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    results = [
        mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD),
        mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD),
    ]
    return any(results)  # (mallopt gives 1 where it took the value)


KEEPS_FREED_MEMORY = keep_freed_memory()
