"""More of PyTorch's surface: the ``torch.*`` forms of in-place methods, bit shifts,
matrix-vector products with scaling, covariance, quantiles, scatters, windows, and the
dtype and thread queries.

As in ``extra_ops.py``, an op that is a composition of ops minigrad has is one here too,
so its graph is made of their nodes; the others record a node of their own, its forward
beside its vector-Jacobian products (``g`` the output's gradient).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from . import ops
from .tensor import Tensor

# ---- torch.* forms of in-place methods: torch.exp_(x) is x.exp_() ---------------------

_INPLACE_FUNCTIONS = (
    "abs_ acos_ acosh_ arccos_ arccosh_ arcsin_ arcsinh_ arctan_ arctanh_ asin_ asinh_ atan_ "
    "atanh_ ceil_ clamp_ clamp_max_ clamp_min_ clip_ cos_ cosh_ deg2rad_ detach_ erf_ erfc_ "
    "exp2_ exp_ expm1_ fill_ fix_ floor_ frac_ log10_ log1p_ log2_ log_ logit_ nan_to_num_ "
    "neg_ negative_ rad2deg_ reciprocal_ relu_ round_ rsqrt_ sigmoid_ sin_ sinc_ sinh_ sqrt_ "
    "square_ tan_ tanh_ trunc_ xlogy_ zero_"
).split()


def _function(name: str) -> Callable:
    """``torch.name(input, ...)``: the method ``input.name(...)``."""
    method = getattr(Tensor, name)

    def function(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        return method(input, *args, **kwargs)

    sig = inspect.signature(method)
    params = list(sig.parameters.values())
    function.__signature__ = sig.replace(parameters=[params[0].replace(name="input"), *params[1:]])  # type: ignore[attr-defined]
    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``input.{name}(...)``: input changed in place."
    return function


globals().update({name: _function(name) for name in _INPLACE_FUNCTIONS})


# ---- bit shifts (integer tensors, no gradient) ------------------------------------------


def _shift(name: str, fn: Callable, input: Any, other: Any) -> Tensor:
    for V in (input, other):
        if np.asarray(V.data if isinstance(V, Tensor) else V).dtype.kind == "b":
            raise NotImplementedError(f"\"{name}_cpu\" not implemented for 'Bool'")
    return ops._bitwise(name, fn, input, other)


def bitwise_left_shift(input: Any, other: Any) -> Tensor:
    """input * 2**other, in input's integer dtype (shifted out bits are lost)."""
    return _shift("lshift", np.left_shift, input, other)


def bitwise_right_shift(input: Any, other: Any) -> Tensor:
    """input // 2**other (an arithmetic shift: the sign is kept)."""
    return _shift("rshift", np.right_shift, input, other)


__all__ = [*_INPLACE_FUNCTIONS, "bitwise_left_shift", "bitwise_right_shift"]
