"""Parameter initialization with PyTorch's formulas (``torch.nn.init``).

Every function fills its tensor in place, records nothing in the graph, draws from
``generator`` (a ``mg.Generator``) or else minigrad's seeded default generator, and
returns the tensor. For a weight of shape
``(out, in, *kernel)``: fan_in = in * prod(kernel), fan_out = out * prod(kernel).
"""

from __future__ import annotations

import functools
import math
import warnings
from typing import Any

import numpy as np

from .. import random_kernels as _rk
from ..factories import full_like, random_dtype
from ..grad_mode import no_grad
from ..random import generator as generator_of
from ..tensor import Tensor


def calculate_gain(nonlinearity: str, param: Any = None) -> float:
    """The recommended gain for a nonlinearity: the factor that keeps activations' variance.

    linear, conv and sigmoid: 1;  tanh: 5/3;  relu: sqrt(2);
    leaky_relu: sqrt(2 / (1 + negative_slope²)) (slope ``param``, default 0.01);  selu: 3/4.
    """
    linear_fns = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                  "conv_transpose2d", "conv_transpose3d"]  # fmt: skip
    if nonlinearity in linear_fns or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _fills_arrays(init: Any) -> Any:
    """Let ``init`` also fill a tensor's ``.data``, which is the ``np.ndarray`` itself here
    (API.md's divergence), as in ``nn.init.normal_(m.weight.data, 0.0, 0.02)``: the array is
    filled in place and returned."""

    @functools.wraps(init)
    def fill(tensor: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(tensor, np.ndarray):
            result = init(Tensor._new(tensor), *args, **kwargs)  # the Tensor shares the array
            return tensor if isinstance(result, Tensor) else result  # (fans: a tuple)
        return init(tensor, *args, **kwargs)

    return fill


def _fill(tensor: Tensor, values: Any) -> Tensor:
    """Write ``values`` into ``tensor`` in place, outside the graph."""
    with no_grad():
        return tensor.copy_(Tensor._new(np.asarray(values)))


@_fills_arrays
def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: Any = None) -> Tensor:
    """Fill with samples of U(a, b)."""
    dt = random_dtype(tensor.dtype, "check_uniform_bounds")
    for name, bound in (("from", a), ("to", b)):
        if not abs(bound) <= np.finfo(dt).max:  # inf and NaN too
            raise RuntimeError(f"{name} is out of bounds for {dt}")
    if a > b:
        raise RuntimeError(
            f"uniform_ expects to return a [from, to) range, but found from={a} > to={b}"
        )
    with no_grad():
        return tensor.uniform_(a, b, generator=generator)


@_fills_arrays
def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator: Any = None) -> Tensor:
    """Fill with samples of N(mean, std²)."""
    if not std >= 0.0:  # NaN too
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    random_dtype(tensor.dtype, "normal_kernel_cpu")
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


@_fills_arrays
def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val`` (PyTorch's RuntimeError if the dtype cannot hold it, e.g. NaN in ints)."""
    return _fill(tensor, full_like(tensor, val))


@_fills_arrays
def ones_(tensor: Tensor) -> Tensor:
    return _fill(tensor, 1)


@_fills_arrays
def zeros_(tensor: Tensor) -> Tensor:
    return _fill(tensor, 0)


def _no_elements(tensor: Tensor) -> bool:
    """True, with PyTorch's warning, for a tensor with no elements (kaiming's early return)."""
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
        return True
    return False


@_fills_arrays
def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight of shape (out, in, *kernel)."""
    if tensor.ndim < 2:
        raise ValueError(
            "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions"
        )
    receptive_field = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _calculate_correct_fan(tensor: Tensor, mode: str) -> int:
    mode = mode.lower()  # as PyTorch: "FAN_IN" works
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


@_fills_arrays
def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: Any = None) -> Tensor:
    """Glorot: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    a = math.sqrt(3.0) * (gain * math.sqrt(2.0 / (fan_in + fan_out)))  # PyTorch's order
    return uniform_(tensor, -a, a, generator)


@_fills_arrays
def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: Any = None) -> Tensor:
    """Glorot: N(0, std²) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator)


@_fills_arrays
def kaiming_uniform_(
    tensor: Tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
    generator: Any = None,
) -> Tensor:  # fmt: skip
    """He: U(-bound, bound), bound = gain * sqrt(3 / fan), gain = calculate_gain(nonlinearity, a).

    ``fan`` is fan_in (keeps the forward variance) or fan_out (the backward variance).
    """
    if _no_elements(tensor):
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    bound = math.sqrt(3.0) * std  # in PyTorch's order, to the last bit
    return uniform_(tensor, -bound, bound, generator)


@_fills_arrays
def kaiming_normal_(
    tensor: Tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
    generator: Any = None,
) -> Tensor:  # fmt: skip
    """He: N(0, std²) with std = gain / sqrt(fan), gain = calculate_gain(nonlinearity, a)."""
    if _no_elements(tensor):
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    return normal_(tensor, 0.0, calculate_gain(nonlinearity, a) / math.sqrt(fan), generator)


@_fills_arrays
def trunc_normal_(
    tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0, b: float = 2.0,
    generator: Any = None,
) -> Tensor:  # fmt: skip
    """Fill with samples of N(mean, std²) conditioned on [a, b], by rejection, as PyTorch:
    when [a, b] holds more than 30% of the mass, normal draws (of the whole tensor each round)
    replace the values outside until none is; else uniform draws on [a, b], each accepted
    when log u < -½ ((x - mean) / std)² - log peak, u a second uniform, until all are.
    """
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn(
            "mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
            "The distribution of values may be incorrect.",
            stacklevel=2,
        )

    def norm_cdf(x: float) -> float:
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0

    def draw(fill: str, *args: float) -> np.ndarray:
        return getattr(Tensor._new(np.empty_like(tensor.data)), fill)(
            *args, generator=generator
        ).data

    with no_grad():
        if norm_cdf((b - mean) / std) - norm_cdf((a - mean) / std) > 0.3:
            random_dtype(tensor.dtype, "normal_kernel_cpu")
            # the bounds as the dtype holds them
            lo, hi = tensor.dtype.type(a), tensor.dtype.type(b)
            values = draw("normal_", mean, std)
            while (outside := (values < lo) | (values > hi)).any():
                values = np.where(outside, draw("normal_", mean, std), values)
            return _fill(tensor, values)
        random_dtype(tensor.dtype, "check_uniform_bounds")
        dt = tensor.dtype.type
        log_peak = -0.5 * ((max(a, min(mean, b)) - mean) / std) ** 2

        def log_pdf(x: np.ndarray) -> np.ndarray:  # in the dtype, one rounding per step
            z = (x - dt(mean)) / dt(std)
            return z * z * dt(-0.5) - dt(log_peak)

        values = draw("uniform_", a, b)
        pending = np.log(draw("uniform_", 0.0, 1.0)) > log_pdf(values)
        while pending.any():
            candidates = draw("uniform_", a, b)
            values = np.where(pending, candidates, values)
            pending &= np.log(draw("uniform_", 0.0, 1.0)) > log_pdf(candidates)
        return _fill(tensor, values)


@_fills_arrays
def orthogonal_(tensor: Tensor, gain: float = 1, generator: Any = None) -> Tensor:
    """Fill with a (semi-)orthogonal matrix times ``gain``: Q of the QR decomposition of a
    standard normal (rows, cols) matrix, cols = the product of the other dimensions, its
    columns' signs set so that R's diagonal is positive (then Q is uniform, Haar)."""
    if tensor.ndim < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    random_dtype(tensor.dtype, "normal_kernel_cpu")
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    flattened = _rk.normal(generator_of(generator, "init"), rows * cols, tensor.dtype)
    flattened = flattened.reshape(rows, cols)
    if rows < cols:
        flattened = flattened.T
    q, r = np.linalg.qr(flattened)
    q *= np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return _fill(tensor, gain * q.reshape(tensor.shape))


@_fills_arrays
def eye_(tensor: Tensor) -> Tensor:
    """Fill a 2-D tensor with the identity: ones on the diagonal, zeros elsewhere."""
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    return _fill(tensor, np.eye(*tensor.shape))


@_fills_arrays
def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """Fill a 3-, 4- or 5-D conv weight (out, in, *kernel) with the Dirac delta: w[g o + d,
    d, centre] = 1 for each group g and d < min(out / groups, in), zeros elsewhere, so that
    the conv passes as many input channels through as it can."""
    if tensor.ndim not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    if tensor.shape[0] % groups != 0:
        raise ValueError(f"dim 0 must be divisible by groups (got {tensor.shape[0]}, {groups})")
    per_group = tensor.shape[0] // groups
    d = np.arange(min(per_group, tensor.shape[1]))
    values = np.zeros(tensor.shape)
    centre = tuple(k // 2 for k in tensor.shape[2:])
    for g in range(groups):
        values[(g * per_group + d, d) + centre] = 1
    return _fill(tensor, values)


@_fills_arrays
def sparse_(tensor: Tensor, sparsity: float, std: float = 0.01, generator: Any = None) -> Tensor:
    """Fill a 2-D tensor with N(0, std²) samples, then zero ceil(sparsity * rows) random
    rows of each column (the rows drawn from the default generator, as PyTorch's)."""
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, cols = tensor.shape
    num_zeros = math.ceil(sparsity * rows)
    normal_(tensor, 0, std, generator)
    values = tensor.data.copy()
    for col in range(cols):
        values[_rk.permutation(generator_of(None), rows)[:num_zeros], col] = 0
    return _fill(tensor, values)


def _make_deprecate(meth: Any) -> Any:
    """The old name (without the trailing underscore) of ``meth``: it warns, then calls it."""
    new_name = meth.__name__
    old_name = new_name[:-1]

    def deprecated_init(*args: Any, **kwargs: Any) -> Any:
        warnings.warn(
            f"`nn.init.{old_name}` is now deprecated in favor of `nn.init.{new_name}`.",
            FutureWarning,
            stacklevel=2,
        )
        return meth(*args, **kwargs)

    deprecated_init.__doc__ = f"{old_name}(...): deprecated, use ``nn.init.{new_name}``."
    deprecated_init.__name__ = deprecated_init.__qualname__ = old_name
    return deprecated_init


uniform = _make_deprecate(uniform_)
normal = _make_deprecate(normal_)
constant = _make_deprecate(constant_)
eye = _make_deprecate(eye_)
dirac = _make_deprecate(dirac_)
xavier_uniform = _make_deprecate(xavier_uniform_)
xavier_normal = _make_deprecate(xavier_normal_)
kaiming_uniform = _make_deprecate(kaiming_uniform_)
kaiming_normal = _make_deprecate(kaiming_normal_)
orthogonal = _make_deprecate(orthogonal_)
sparse = _make_deprecate(sparse_)
