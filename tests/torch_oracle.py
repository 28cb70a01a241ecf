"""PyTorch for the oracle tests: skipped where it is not installed, required in CI.

`.ci/run` installs the CPU wheel when the machine has one and then sets
MINIGRAD_REQUIRE_TORCH=1, so a broken install fails these tests instead of skipping them.
"""

import os

import pytest


def import_torch():
    if os.environ.get("MINIGRAD_REQUIRE_TORCH") == "1":
        import torch

        return torch
    return pytest.importorskip("torch")
