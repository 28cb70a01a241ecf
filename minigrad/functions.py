"""The function forms ``mg.exp(t)``, ``mg.add(a, b)``, ...: the ops of ``ops.py`` with
PyTorch's check of the first argument, done here so the methods (``t.exp()``, the
operators) do not pay for it.

``add``, ``sub``, ``mul`` and ``div`` take a Python number first (``mg.sub(1, t)`` is
``1 - t``, as in PyTorch); the others need a Tensor and raise PyTorch's TypeError.
``pow``, ``where``, ``maximum``/``minimum``, ``remainder``, ``floor_divide``, ``cat``
and ``stack`` check their arguments themselves.
"""

from __future__ import annotations

import functools
from typing import Any

from . import ops
from .tensor import Tensor


def _tensor_input(op: Any) -> Any:
    @functools.wraps(op)
    def function(input: Any, *args: Any, **kwargs: Any) -> Any:
        if not isinstance(input, Tensor):
            raise TypeError(
                f"{op.__name__}(): argument 'input' (position 1) must be Tensor, "
                f"not {type(input).__name__}"
            )
        return op(input, *args, **kwargs)

    return function


def _number_input(op: Any) -> Any:
    checked = _tensor_input(op)

    @functools.wraps(op)
    def function(input: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(input, (int, float)):  # a Python number: a 0-d tensor, weak as a number
            input = ops.as_tensor(input)
        return checked(input, *args, **kwargs)

    return function


add = _number_input(ops.add)
sub = _number_input(ops.sub)
mul = _number_input(ops.mul)
div = _number_input(ops.div)

abs = _tensor_input(ops.abs)
all = _tensor_input(ops.all)
allclose = _tensor_input(ops.allclose)
any = _tensor_input(ops.any)
amax = _tensor_input(ops.amax)
amin = _tensor_input(ops.amin)
argmax = _tensor_input(ops.argmax)
argmin = _tensor_input(ops.argmin)
clamp = _tensor_input(ops.clamp)
clip = _tensor_input(ops.clip)
cos = _tensor_input(ops.cos)
eq = _tensor_input(ops.eq)
exp = _tensor_input(ops.exp)
flatten = _tensor_input(ops.flatten)
isfinite = _tensor_input(ops.isfinite)
isinf = _tensor_input(ops.isinf)
isnan = _tensor_input(ops.isnan)
ge = _tensor_input(ops.ge)
gt = _tensor_input(ops.gt)
le = _tensor_input(ops.le)
log = _tensor_input(ops.log)
log_softmax = _tensor_input(ops.log_softmax)
lt = _tensor_input(ops.lt)
matmul = _tensor_input(ops.matmul)
max = _tensor_input(ops.max)
mean = _tensor_input(ops.mean)
min = _tensor_input(ops.min)
ne = _tensor_input(ops.ne)
neg = _tensor_input(ops.neg)
permute = _tensor_input(ops.permute)
relu = _tensor_input(ops.relu)
reshape = _tensor_input(ops.reshape)
sigmoid = _tensor_input(ops.sigmoid)
sin = _tensor_input(ops.sin)
softmax = _tensor_input(ops.softmax)
sqrt = _tensor_input(ops.sqrt)
squeeze = _tensor_input(ops.squeeze)
std = _tensor_input(ops.std)
sum = _tensor_input(ops.sum)
tanh = _tensor_input(ops.tanh)
transpose = _tensor_input(ops.transpose)
unsqueeze = _tensor_input(ops.unsqueeze)
var = _tensor_input(ops.var)
