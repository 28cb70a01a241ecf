"""``RemovableHandle``: what registering a hook returns, as PyTorch's ``torch.utils.hooks``."""

from __future__ import annotations

import itertools
from typing import Any

_ids = itertools.count()


class RemovableHandle:
    """``handle.remove()`` unregisters the hook (``handle.id`` is its key in the hook dicts).

    Also a context manager: ``with m.register_forward_hook(f): ...`` removes it on exit.
    """

    def __init__(self, *hook_dicts: dict) -> None:
        self.id = next(_ids)
        self._dicts = hook_dicts  # the first holds the hook, the others flags by the same id

    def remove(self) -> None:
        for hooks in self._dicts:
            hooks.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.remove()
