"""minigrad asks glibc to keep freed memory mapped, so large arrays made and freed on every
training step do not fault their pages in again (minigrad/_malloc.py)."""

import os
import subprocess
import sys

CHURN = """
import resource, numpy as np
import minigrad
from minigrad import _malloc

def churn():  # what a training step does: large arrays made, written, freed
    arrays = [np.ones(1 << 20) for _ in range(4)]  # 4 x 8 MB
    del arrays

churn()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(5):
    churn()
print(_malloc.KEEPS_FREED_MEMORY, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _run(env_value: str | None) -> tuple:
    env = dict(os.environ)
    env.pop("MINIGRAD_KEEP_FREED_MEMORY", None)
    if env_value is not None:
        env["MINIGRAD_KEEP_FREED_MEMORY"] = env_value
    out = subprocess.run([sys.executable, "-c", CHURN], env=env, capture_output=True,
                         text=True, check=True).stdout.split()  # fmt: skip
    return out[0] == "True", int(out[1])


def _glibc() -> bool:
    try:
        return bool(os.confstr("CS_GNU_LIBC_VERSION"))
    except (ValueError, OSError):
        return False


def test_large_arrays_made_again_fault_no_pages_in():
    kept, faults = _run(None)
    assert kept == _glibc()
    if kept:  # 5 x 32 MB written: 40,960 pages of 4 KB if each were faulted in again
        assert faults < 200


def test_the_environment_variable_leaves_malloc_alone():
    kept, _ = _run("0")
    assert not kept
