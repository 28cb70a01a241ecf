"""``minigrad.func``, as ``torch.func``: composable function transforms (``grad``, ``vjp``,
``jacrev``, ``vmap``, ...) and ``functional_call`` to use them on modules. Built on
minigrad's reverse mode and, for ``vmap``, a Python loop over the slices: PyTorch's
semantics, not its speed; no forward mode and no double backward (``jvp``, ``linearize``
and ``hessian`` raise NotImplementedError)."""

from .batch_norm_replacement import replace_all_batch_norm_modules_
from .eager_transforms import (
    grad,
    grad_and_value,
    hessian,
    jacfwd,
    jacrev,
    jvp,
    linearize,
    vjp,
)
from .functional_call import functional_call, stack_module_state
from .vmap import vmap

__all__ = [
    "grad", "grad_and_value", "vjp", "jacrev", "jacfwd", "hessian", "jvp", "linearize",
    "vmap", "functional_call", "stack_module_state", "replace_all_batch_norm_modules_",
]  # fmt: skip
