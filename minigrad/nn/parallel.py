"""``nn.parallel``: ``DataParallel`` and ``data_parallel`` as PyTorch has them on a machine
without accelerators, which is minigrad's: the module runs as it is, on the CPU; and
``DistributedDataParallel`` as PyTorch's in a program that started no process group (the
only kind minigrad runs): importable, and its constructor raises."""

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


class DistributedDataParallel(Module):
    """PyTorch's distributed wrapper. minigrad has no ``torch.distributed``, so no process
    group is ever initialised, and constructing one raises as PyTorch's then does."""

    def __init__(
        self, module: Module, device_ids: Any = None, output_device: Any = None, dim: int = 0,
        broadcast_buffers: Any = None, init_sync: bool = True, process_group: Any = None,
        bucket_cap_mb: Any = None, find_unused_parameters: bool = False,
        check_reduction: bool = False, gradient_as_bucket_view: bool = False,
        static_graph: bool = False, delay_all_reduce_named_params: Any = None,
        param_to_hook_all_reduce: Any = None, mixed_precision: Any = None,
        device_mesh: Any = None, skip_all_reduce_unused_params: bool = False,
        bucket_cap_mb_list: list[int] | None = None, batched_grad_copy: bool = False,
        forward_sync_buffers: bool | None = None,
    ) -> None:  # fmt: skip
        super().__init__()
        if (delay_all_reduce_named_params is None) != (param_to_hook_all_reduce is None):
            raise ValueError(
                "DistributedDataParallel: delay_all_reduce_named_params and "
                "param_to_hook_all_reduce need to be set at the same time."
            )
        if process_group is None and device_mesh is None:
            raise ValueError(
                "DistributedDataParallel: Default process group has not been initialized, "
                "please make sure to call init_process_group."
            )
        raise NotImplementedError(
            "DistributedDataParallel: minigrad has no distributed backend (process groups, "
            "device meshes)"
        )


__all__ = ["DataParallel", "DistributedDataParallel", "data_parallel"]
