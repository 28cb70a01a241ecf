import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_once_warnings():
    """Each test sees PyTorch's once-a-process warnings as a new process would."""
    from minigrad import errors

    errors._warned.clear()
