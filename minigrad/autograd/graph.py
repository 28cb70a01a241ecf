"""``torch.autograd.graph``: the graph's node type, and PyTorch's saved-tensor hooks, which
minigrad does not have (its backward functions keep the arrays they read in closures, so
there is nothing for a pack hook to replace)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..engine import _NodeAPI as Node

__all__ = ["Node", "saved_tensors_hooks", "save_on_cpu", "disable_saved_tensors_hooks"]


class saved_tensors_hooks:
    """PyTorch's pack / unpack hooks for the tensors a graph saves: refused, with an error
    that says so (on entering the context)."""

    def __init__(self, pack_hook: Callable, unpack_hook: Callable) -> None:
        self.pack_hook, self.unpack_hook = pack_hook, unpack_hook

    def __enter__(self) -> saved_tensors_hooks:
        raise NotImplementedError(
            "saved_tensors_hooks: minigrad's backward functions keep the arrays they need "
            "themselves; packing and unpacking saved tensors is not supported"
        )

    def __exit__(self, *exc: Any) -> None:
        return None


class save_on_cpu:
    """Keep the tensors the graph saves on the CPU: where minigrad's always are, so this
    changes nothing."""

    def __init__(self, pin_memory: bool = False, device_type: str = "cuda") -> None:
        self.pin_memory, self.device_type = pin_memory, device_type

    def __enter__(self) -> save_on_cpu:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None


class disable_saved_tensors_hooks:
    """Disable saved-tensor hooks inside the context: there are none in minigrad."""

    def __init__(self, error_message: str) -> None:
        self.error_message = error_message

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None
