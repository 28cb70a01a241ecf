"""``nn.parallel``: ``DataParallel`` and ``data_parallel`` as PyTorch has them on a machine
without accelerators, which is minigrad's: the module runs as it is, on the CPU."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .module import Module


class DataParallel(Module):
    """Wraps ``module`` (so its state_dict keys gain the prefix ``module.``) and calls it.
    With no accelerator PyTorch ignores ``device_ids``, ``output_device`` and ``dim`` and
    keeps ``device_ids`` empty; so does minigrad."""

    def __init__(
        self, module: Module, device_ids: Sequence[Any] | None = None,
        output_device: Any = None, dim: int = 0,
    ) -> None:  # fmt: skip
        super().__init__()
        self.module = module
        self.device_ids: list = []

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        return self.module(*inputs, **kwargs)


def data_parallel(
    module: Module, inputs: Any, device_ids: Sequence[Any] | None = None,
    output_device: Any = None, dim: int = 0, module_kwargs: Any | None = None,
) -> Any:  # fmt: skip
    """PyTorch's functional DataParallel needs an accelerator: without one (minigrad's case)
    it raises ``RuntimeError``, as PyTorch's does."""
    raise RuntimeError(
        "data_parallel: device type could not be determined (no accelerator: call the "
        f"{type(module).__name__} directly)"
    )


__all__ = ["DataParallel", "data_parallel"]
