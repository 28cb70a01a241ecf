# ruff: noqa: E501 - the programs are data, one per line
"""Convolution, pooling and padding against PyTorch, program by program.

Each program binds its result to ``R``; both frameworks must give the same result (tensors
by dtype, values and requires_grad) or raise the same class of exception. Inputs are
small integers in float64, so that values and gradients are exact in both and compare
to the last digit. Float32 is compared separately, on random values, to rtol 1e-5.
"""

import numpy as np
import pytest
from test_torch_oracle_autograd import test_program_matches_pytorch as _matches_pytorch
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()


def _ints(name, shape, k=7, m=11, dtype="float64"):
    """A program line binding ``name`` to a tensor of small integers of ``shape``."""
    n = int(np.prod(shape))
    return f"{name} = ((M.arange({n}, dtype=M.{dtype}) * {k} % {m}) - {m // 2}).reshape{shape}.requires_grad_(); "


def _conv(xs, ws, call, bias=True, x_expr="x"):
    """A conv program: forward, backward of sum(y * y), and R = (y, dx, dw[, db]) and, for a
    batched input, the node's name (PyTorch's unbatched conv ends in a SqueezeBackward)."""
    b = _ints("b", (ws[0],), 3, 5) if bias else ""
    bias_arg = ", b" if bias else ""
    grads = "x.grad, w.grad, b.grad" if bias else "x.grad, w.grad"
    return (
        _ints("x", xs) + _ints("w", ws, 5, 7) + b
        + f"y = M.nn.functional.{call.format(x=x_expr, b=bias_arg)}; (y * y).sum().backward(); "
        + f"R = (y, {grads}, y.grad_fn.name().rstrip('0123456789') if {len(xs) == len(ws)} else 0)"
    )  # fmt: skip


def _pool(xs, call, x_expr="x", values=(13, 17)):
    """A pooling program: forward, backward of sum(y * t) for a non-uniform t, R = (y, dx)."""
    return (
        _ints("x", xs, *values)
        + f"y = M.nn.functional.{call.format(x=x_expr)}; y = y[0] if isinstance(y, tuple) else y; "
        + "t = M.arange(y.numel(), dtype=y.dtype).reshape(y.shape) % 5 + 1; (y * t).sum().backward(); "
        + f"R = (M.nn.functional.{call.format(x=x_expr)}, x.grad)"
    )


CONV_PROGRAMS = [
    _conv((2, 3, 6, 5), (4, 3, 3, 3), "conv2d({x}, w{b})"),
    _conv((2, 3, 6, 5), (4, 3, 3, 3), "conv2d({x}, w{b})", bias=False),
    _conv((1, 3, 6, 5), (4, 3, 2, 3), "conv2d({x}, w{b}, stride=2)"),
    _conv((2, 3, 7, 6), (4, 3, 3, 2), "conv2d({x}, w{b}, stride=(2, 1), padding=(1, 2))"),
    _conv((2, 3, 7, 6), (4, 3, 3, 2), "conv2d({x}, w{b}, padding=1, dilation=(2, 1))"),
    _conv((2, 4, 7, 6), (6, 2, 3, 3), "conv2d({x}, w{b}, groups=2, stride=(1, 2))"),
    _conv((2, 4, 5, 5), (8, 1, 3, 3), "conv2d({x}, w{b}, groups=4, padding=1)"),
    _conv((2, 3, 7, 6), (4, 3, 3, 3), "conv2d({x}, w{b}, padding='same')"),
    _conv((2, 3, 7, 6), (4, 3, 2, 4), "conv2d({x}, w{b}, padding='same')"),
    _conv((2, 3, 7, 6), (4, 3, 3, 2), "conv2d({x}, w{b}, padding='same', dilation=(2, 3))"),
    _conv((2, 3, 7, 6), (4, 3, 3, 3), "conv2d({x}, w{b}, padding='valid')"),
    _conv((2, 3, 7, 6), (4, 3, 7, 6), "conv2d({x}, w{b})"),
    _conv((2, 3, 5, 6), (4, 3, 3, 3), "conv2d({x}, w{b}, padding=(1,))"),
    _conv((3, 6, 5), (4, 3, 3, 3), "conv2d({x}, w{b}, padding=1)"),
    _conv((2, 3, 5, 6), (4, 3, 3, 3), "conv2d({x}, w{b}, stride=2)", x_expr="x.transpose(2, 3)"),
    _conv(
        (6, 2, 5, 3), (4, 3, 3, 2), "conv2d({x}, w{b}, padding=1)", x_expr="x.permute(1, 3, 2, 0)"
    ),
    _conv((2, 3, 9), (4, 3, 3), "conv1d({x}, w{b})"),
    _conv((2, 4, 9), (6, 2, 2), "conv1d({x}, w{b}, stride=2, padding=1, dilation=2, groups=2)"),
    _conv((3, 9), (4, 3, 4), "conv1d({x}, w{b}, padding='same')"),
    _conv((2, 9, 3), (4, 3, 3), "conv1d({x}, w{b}, stride=3)", x_expr="x.transpose(1, 2)"),
]

POOL_PROGRAMS = [
    _pool((2, 3, 6, 5), "max_pool2d({x}, 2)"),
    _pool((2, 3, 6, 5), "max_pool2d({x}, 2, return_indices=True)"),
    _pool((2, 3, 7, 6), "max_pool2d({x}, (3, 2), stride=(2, 1), padding=1, return_indices=True)"),
    _pool(
        (2, 3, 7, 6), "max_pool2d({x}, 3, stride=2, padding=1, ceil_mode=True, return_indices=True)"
    ),
    _pool((2, 3, 7, 6), "max_pool2d({x}, 2, stride=2, padding=1, dilation=2, return_indices=True)"),
    _pool(
        (2, 3, 8, 8),
        "max_pool2d({x}, 3, stride=1, dilation=(1, 2), ceil_mode=True, return_indices=True)",
    ),
    _pool((3, 6, 5), "max_pool2d({x}, 2, 1, return_indices=True)"),
    _pool(
        (2, 3, 6, 5), "max_pool2d({x}, 3, 2, 1, return_indices=True)", x_expr="x.transpose(2, 3)"
    ),
    # ties: few distinct values, overlapping windows; the gradient goes to the first maximum
    _pool((2, 2, 6, 6), "max_pool2d({x}, 3, 1, 1, return_indices=True)", values=(1, 3)),
    _pool((2, 2, 6, 6), "max_pool2d({x}, 2, return_indices=True)", values=(2, 2)),
    _pool((2, 3, 6, 5), "avg_pool2d({x}, 2)"),
    _pool((2, 3, 7, 6), "avg_pool2d({x}, (3, 2), stride=(2, 1), padding=1)"),
    _pool(
        (2, 3, 7, 6), "avg_pool2d({x}, (3, 2), stride=(2, 1), padding=1, count_include_pad=False)"
    ),
    _pool((2, 3, 7, 6), "avg_pool2d({x}, 3, stride=2, padding=1, ceil_mode=True)"),
    _pool(
        (2, 3, 7, 6),
        "avg_pool2d({x}, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)",
    ),
    _pool((2, 3, 7, 6), "avg_pool2d({x}, 2, ceil_mode=True, divisor_override=3)"),
    _pool((3, 6, 5), "avg_pool2d({x}, 2, 1)"),
    _pool((2, 3, 6, 5), "avg_pool2d({x}, 3, 2, 1)", x_expr="x.permute(0, 1, 3, 2)"),
    _pool((2, 3, 6, 4), "adaptive_avg_pool2d({x}, 1)"),
    _pool((2, 3, 6, 4), "adaptive_avg_pool2d({x}, (1, 1))"),
    _pool((2, 3, 6, 4), "adaptive_avg_pool2d({x}, (3, 2))"),
    _pool((2, 3, 7, 5), "adaptive_avg_pool2d({x}, (3, 4))"),
    _pool((3, 7, 5), "adaptive_avg_pool2d({x}, (None, 2))"),
    _pool((2, 3, 6, 4), "adaptive_avg_pool2d({x}, 2)", x_expr="x.transpose(2, 3)"),
    _pool((2, 3, 4), "pad({x}, (1, 2))"),
    _pool((2, 3, 4), "pad({x}, [1, -2, -1, 3, 0, 1], value=2.5)"),
    _pool((2, 3, 4), "pad({x}, (-1, -1), value=-1.)"),
    _pool((2, 3, 4), "pad({x}, ())"),
    _pool((2, 3, 4), "pad({x}, (2, 0, 1, 1))", x_expr="x.transpose(0, 2)"),
    _pool((2, 3, 4), "pad({x}, (1, 2), mode='reflect')"),
    _pool((2, 3, 4), "pad({x}, (1, 2), mode='replicate')"),
    _pool((2, 3, 4), "pad({x}, (1, 2), mode='circular')"),
    _pool((2, 3, 4), "pad({x}, (3, 3), mode='reflect')"),
    _pool((2, 3, 4), "pad({x}, (3, 3), mode='replicate')"),
    _pool((2, 3, 4), "pad({x}, (3, 3), mode='circular')"),
    _pool((2, 3, 4), "pad({x}, (-1, 2), mode='reflect')"),
    _pool((2, 3, 4), "pad({x}, (-1, 2), mode='replicate')"),
    _pool((2, 3, 4), "pad({x}, (-1, 2), mode='circular')"),
    _pool((2, 3, 4), "pad({x}, (2, -1), mode='reflect')"),
    _pool((2, 3, 4), "pad({x}, (2, -1), mode='replicate')"),
    _pool((2, 3, 4), "pad({x}, (2, -1), mode='circular')"),
    _pool((2, 3, 4), "pad({x}, (-2, 3), mode='reflect')"),
    _pool((2, 3, 4), "pad({x}, (-2, 3), mode='replicate')"),
    _pool((2, 3, 4), "pad({x}, (0, 0), mode='reflect')"),
    _pool((2, 3, 4), "pad({x}, (0, 0), mode='replicate')"),
    _pool((2, 3, 4), "pad({x}, (0, 0), mode='circular')"),
    _pool((2, 3, 4), "pad({x}, (1, 2, 2, 1), mode='reflect')"),
    _pool((2, 3, 4), "pad({x}, (1, 2, 2, 1), mode='replicate')"),
    _pool((2, 3, 4), "pad({x}, (1, 2, 2, 1), mode='circular')"),
    _pool((2, 3, 4), "pad({x}, (-1, 3, 2, -1), mode='reflect')"),
    _pool((2, 3, 4), "pad({x}, (-1, 3, 2, -1), mode='replicate')"),
    _pool((2, 3, 4), "pad({x}, (-1, 3, 2, -1), mode='circular')"),
    _pool((3, 4), "pad({x}, (1, 3), mode='reflect')"),
    _pool((3, 4), "pad({x}, (1, 3), mode='replicate')"),
    _pool((3, 4), "pad({x}, (1, 3), mode='circular')"),
    _pool((1, 2, 2, 3, 3), "pad({x}, (1, 2, 1, 0, 1, 1), mode='reflect')"),
    _pool((1, 2, 2, 3, 3), "pad({x}, (1, 2, 1, 0, 1, 1), mode='replicate')"),
    _pool((1, 2, 2, 3, 3), "pad({x}, (1, 2, 1, 0, 1, 1), mode='circular')"),
    _pool((2, 4, 3), "pad({x}, (1, 2, 0, 1), mode='reflect')", x_expr="x.transpose(1, 2)"),
    _pool((2, 3, 4), "pad({x}, (1, 2), mode='replicate', value=0.)"),
]

OTHER_PROGRAMS = [
    # integer inputs: no gradient, PyTorch's integer results (avg_pool2d truncates)
    "x = (M.arange(50) * 7 % 11 - 5).reshape(2, 1, 5, 5); w = (M.arange(18) % 3 - 1).reshape(2, 1, 3, 3); R = M.nn.functional.conv2d(x, w)",
    "x = (M.arange(50) * 7 % 11 - 5).reshape(2, 1, 5, 5); R = (M.nn.functional.max_pool2d(x, 2, return_indices=True), M.nn.functional.avg_pool2d(x, 2), M.nn.functional.avg_pool2d(x, 3, 1, 1))",
    "x = (M.arange(6) - 2).reshape(2, 3); R = (M.nn.functional.pad(x, (1, 1), value=1.5), M.nn.functional.pad(x, (1, 1), value=-1.5))",
    "R = M.nn.functional.pad(M.ones(2, 3, dtype=M.bool), (1, 1))",
    "R = M.nn.functional.pad(M.ones(()), ())",
    # windows of only -inf, and NaN: PyTorch's scan keeps the first point inside, the last NaN
    "x = M.full((1, 3, 3), float('-inf'), dtype=M.float64, requires_grad=True); y, i = M.nn.functional.max_pool2d(x, 2, padding=1, return_indices=True); y.sum().backward(); R = (y, i, x.grad)",
    "x = M.tensor([[[1., float('nan'), 2., float('nan')], [3., 1., float('nan'), 0.]]], dtype=M.float64, requires_grad=True); y, i = M.nn.functional.max_pool2d(x, 2, 1, return_indices=True); y.sum().backward(); R = (y, i, x.grad)",
    # an in-place change to a saved weight or input is caught at backward
    "x = M.ones(1, 1, 3, 3, dtype=M.float64, requires_grad=True); w = M.ones(1, 1, 2, 2, dtype=M.float64, requires_grad=True) * 1; y = M.nn.functional.conv2d(x, w); w.add_(1); y.sum().backward()",
    "w = M.ones(1, 1, 2, 2, dtype=M.float64, requires_grad=True); x = M.ones(1, 1, 3, 3, dtype=M.float64, requires_grad=True) * 1; y = M.nn.functional.conv2d(x, w); x.add_(1); y.sum().backward()",
    "w = M.ones(1, 1, 2, 2, dtype=M.float64); x = M.ones(1, 1, 3, 3, dtype=M.float64, requires_grad=True) * 1; y = M.nn.functional.conv2d(x, w); x.add_(1); y.sum().backward(); R = x.grad",
    # max pooling saves its input, as PyTorch: changing it in place is caught at backward
    "x = M.ones(1, 1, 4, 4, dtype=M.float64, requires_grad=True) * 1; y = M.nn.functional.max_pool2d(x, 2); x.add_(1); y.sum().backward()",
    "x = M.ones(1, 1, 4, 4, dtype=M.float64, requires_grad=True) * 1; y = M.nn.functional.max_pool2d(x, 2); y.add_(1); y.sum().backward(); R = x.grad",
    # many ties (small integers as floats) in overlapping, padded, dilated and ceil-mode windows
    *(
        "x = ((M.arange(2 * 3 * 9 * 8) * 7 % 5) - 2.).reshape(2, 3, 9, 8).requires_grad_(); "
        f"y, i = M.nn.functional.max_pool2d(x, {args}, return_indices=True); "
        "(y * M.arange(y.numel()).reshape(y.shape)).sum().backward(); R = (y, i, x.grad)"
        for args in (
            "2",
            "3, 1, 1",
            "3, 2, 1, 2",
            "(2, 3), (1, 2), (1, 0), ceil_mode=True",
            "3, 2, 1, ceil_mode=True",
        )
    ),
    # no grad mode, and requires_grad of the result
    "x = M.ones(1, 1, 3, 3, requires_grad=True)\nwith M.no_grad(): y = M.nn.functional.conv2d(x, M.ones(1, 1, 2, 2))\nR = (y, y.requires_grad, M.nn.functional.conv2d(M.ones(1, 1, 3, 3), M.ones(1, 1, 2, 2)).requires_grad)",
    "R = M.nn.functional.conv2d(M.ones(0, 3, 5, 5), M.ones(4, 3, 3, 3)).shape",
    "R = M.nn.functional.max_pool2d(M.ones(0, 2, 4, 4), 2).shape",
    # modules: repr, attributes, shapes, and the value and gradients with the weights copied in
    "R = [repr(m) for m in (M.nn.Conv2d(3, 16, 3), M.nn.Conv2d(3, 16, (3, 2), stride=2, padding=1, dilation=2, groups=1, bias=False, padding_mode='circular'), M.nn.Conv2d(4, 16, 3, padding='same', dilation=(2, 1), groups=2), M.nn.Conv2d(3, 16, 3, padding='valid'), M.nn.Conv1d(4, 16, 3), M.nn.Conv1d(4, 8, 5, stride=2, padding=2, bias=False, groups=4))]",
    "R = [repr(m) for m in (M.nn.MaxPool2d(2), M.nn.MaxPool2d((2, 3), return_indices=True), M.nn.MaxPool2d(3, 1, 1, 2, ceil_mode=True), M.nn.AvgPool2d(2), M.nn.AvgPool2d((2, 1), 1, (1, 0), ceil_mode=True, count_include_pad=False, divisor_override=3), M.nn.AdaptiveAvgPool2d(1), M.nn.AdaptiveAvgPool2d((None, 2)))]",
    "m = M.nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=1, groups=2); R = (m.in_channels, m.out_channels, m.kernel_size, m.stride, m.padding, m.dilation, m.groups, m.padding_mode, m.transposed, m.output_padding, tuple(m.weight.shape), tuple(m.bias.shape), [n for n, _ in m.named_parameters()], str(m.weight.dtype).replace('torch.', ''), list(m.state_dict()))",
    "m = M.nn.Conv1d(4, 6, 3, padding='same', bias=False, dtype=M.float64); R = (m.kernel_size, m.stride, m.padding, m.dilation, tuple(m.weight.shape), m.bias, str(m.weight.dtype).replace('torch.', ''))",
    "m = M.nn.MaxPool2d(2); a = M.nn.AvgPool2d(3, 1); R = (m.kernel_size, m.stride, m.padding, m.dilation, m.ceil_mode, m.return_indices, a.stride, a.count_include_pad, a.divisor_override, M.nn.AdaptiveAvgPool2d((2, 3)).output_size)",
    _ints("x", (2, 4, 6, 5))
    + _ints("w", (6, 2, 3, 2), 5, 7)
    + "m = M.nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=1, groups=2, dtype=M.float64)\nwith M.no_grad(): m.weight.copy_(w); m.bias.copy_(M.tensor([1., -2., 0., 3., 1., -1.]))\ny = m(x); (y * y).sum().backward(); R = (y, x.grad, m.weight.grad, m.bias.grad)",
    _ints("x", (4, 9))
    + _ints("w", (6, 4, 3), 5, 7)
    + "m = M.nn.Conv1d(4, 6, 3, padding='same', bias=False, dtype=M.float64)\nwith M.no_grad(): m.weight.copy_(w)\ny = m(x); (y * y).sum().backward(); R = (y, x.grad, m.weight.grad)",
    _ints("x", (2, 3, 7, 6), 13, 17)
    + "y, i = M.nn.MaxPool2d(3, 2, 1, return_indices=True, ceil_mode=True)(x); z = M.nn.AvgPool2d(2, ceil_mode=True, count_include_pad=False)(y); u = M.nn.AdaptiveAvgPool2d(1)(z); (u * u).sum().backward(); R = (y, i, z, u, x.grad)",
    "m = M.nn.Conv2d(4, 16, 3, padding='same', padding_mode='zeros'); R = tuple(m(M.ones(2, 4, 5, 5)).shape)",
    "m = M.nn.Conv2d(4, 16, 3, padding='same', padding_mode='zeros'); R = tuple(m(M.ones(2, 4, 5, 5)).shape)",
    _ints("x", (2, 2, 5, 4))
    + _ints("w", (3, 2, 3, 2), 5, 7)
    + "m = M.nn.Conv2d(2, 3, (3, 2), padding=(2, 1), padding_mode='reflect', bias=False, dtype=M.float64)\nwith M.no_grad(): m.weight.copy_(w)\ny = m(x); (y * y).sum().backward(); R = (y, x.grad, m.weight.grad)",
    _ints("x", (2, 2, 5, 4))
    + _ints("w", (3, 2, 3, 2), 5, 7)
    + "m = M.nn.Conv2d(2, 3, (3, 2), padding='same', dilation=(2, 1), padding_mode='reflect', bias=False, dtype=M.float64)\nwith M.no_grad(): m.weight.copy_(w)\ny = m(x); (y * y).sum().backward(); R = (y, x.grad, m.weight.grad)",
    _ints("x", (2, 2, 5, 4))
    + _ints("w", (3, 2, 3, 2), 5, 7)
    + "m = M.nn.Conv2d(2, 3, (3, 2), padding=(2, 1), padding_mode='replicate', bias=False, dtype=M.float64)\nwith M.no_grad(): m.weight.copy_(w)\ny = m(x); (y * y).sum().backward(); R = (y, x.grad, m.weight.grad)",
    _ints("x", (2, 2, 5, 4))
    + _ints("w", (3, 2, 3, 2), 5, 7)
    + "m = M.nn.Conv2d(2, 3, (3, 2), padding='same', dilation=(2, 1), padding_mode='replicate', bias=False, dtype=M.float64)\nwith M.no_grad(): m.weight.copy_(w)\ny = m(x); (y * y).sum().backward(); R = (y, x.grad, m.weight.grad)",
    _ints("x", (2, 2, 5, 4))
    + _ints("w", (3, 2, 3, 2), 5, 7)
    + "m = M.nn.Conv2d(2, 3, (3, 2), padding=(2, 1), padding_mode='circular', bias=False, dtype=M.float64)\nwith M.no_grad(): m.weight.copy_(w)\ny = m(x); (y * y).sum().backward(); R = (y, x.grad, m.weight.grad)",
    _ints("x", (2, 2, 5, 4))
    + _ints("w", (3, 2, 3, 2), 5, 7)
    + "m = M.nn.Conv2d(2, 3, (3, 2), padding='same', dilation=(2, 1), padding_mode='circular', bias=False, dtype=M.float64)\nwith M.no_grad(): m.weight.copy_(w)\ny = m(x); (y * y).sum().backward(); R = (y, x.grad, m.weight.grad)",
    _ints("x", (2, 7))
    + _ints("w", (3, 2, 4), 5, 7)
    + "m = M.nn.Conv1d(2, 3, 4, padding='same', padding_mode='circular', bias=False, dtype=M.float64)\nwith M.no_grad(): m.weight.copy_(w)\ny = m(x); (y * y).sum().backward(); R = (y, x.grad, m.weight.grad)",
    # Dropout2d: the deterministic cases (p = 0 and 1, eval mode), repr, errors
    "x = M.ones(2, 3, 4, 4, requires_grad=True); y = M.nn.functional.dropout2d(x, 1.0); y.sum().backward(); R = (y, x.grad, y.grad_fn.name().rstrip('0123456789'))",
    "x = M.ones(2, 3, 4, 4, requires_grad=True); R = (M.nn.functional.dropout2d(x, 0.0) is x, M.nn.functional.dropout2d(x, 0.5, training=False) is x, M.nn.Dropout2d().eval()(x) is x, M.nn.functional.dropout2d(M.ones(3), 0.0))",
    "R = (M.nn.functional.dropout2d(M.ones(2, 3, 4, dtype=M.int64), 1.0), repr(M.nn.Dropout2d()), repr(M.nn.Dropout2d(0.2, True)))",
    "R = M.nn.functional.dropout2d(M.ones(3), 0.5)",
    "R = M.nn.functional.dropout2d(M.ones(2, 3, 4, 4, dtype=M.int64), 0.5)",
    "R = M.nn.functional.dropout2d(M.ones(2, 3, 4, 4), 0.5, training=1)",
    "R = M.nn.functional.dropout2d(M.ones(2, 3, 4, 4), float('nan'))",
    "R = M.nn.functional.dropout2d(M.ones(2, 3, 4, 4), 1.5)",
    "R = M.nn.Dropout2d(-0.1)",
    "R = M.nn.functional.dropout2d(M.ones(2, 3, 4, 4, requires_grad=True), 0.5, inplace=True)",
    # module argument errors
    "R = M.nn.Conv2d(3, 16, 3, groups=2)",
    "R = M.nn.Conv2d(4, 15, 3, groups=2)",
    "R = M.nn.Conv2d(4, 16, 3, groups=0)",
    "R = M.nn.Conv2d(4, 16, 3, padding='same', stride=2)",
    "R = M.nn.Conv2d(4, 16, 3, padding='x')",
    "R = M.nn.Conv2d(4, 16, 3, padding_mode='x')",
    "R = M.nn.Conv2d(3, 4, 3)(M.ones(2, 2, 5, 5))",
    "R = M.nn.Conv2d(3, 4, 3)(M.ones(3, 5))",
    "R = M.nn.Conv2d(3, 4, 3)(M.ones(2, 3, 5, 5, dtype=M.float64))",
    "R = M.nn.MaxPool2d(2)(M.ones(5, 5))",
]

ERROR_PROGRAMS = [
    # conv: input rank, channels, groups, kernel larger than the padded input, bad arguments, dtypes
    "R = M.nn.functional.conv2d(M.ones(5, 5), M.ones(4, 3, 3, 3))",
    "R = M.nn.functional.conv2d(M.ones(1, 2, 3, 5, 5), M.ones(4, 3, 3, 3))",
    "R = M.nn.functional.conv2d(M.ones(2, 3, 5, 5), M.ones(4, 2, 3, 3))",
    "R = M.nn.functional.conv2d(M.ones(2, 3, 5, 5), M.ones(4, 3, 3, 3), groups=2)",
    "R = M.nn.functional.conv2d(M.ones(2, 3, 5, 5), M.ones(4, 1, 3, 3), groups=3)",
    "R = M.nn.functional.conv2d(M.ones(2, 3, 5, 5), M.ones(4, 3, 3, 3), groups=0)",
    "R = M.nn.functional.conv2d(M.ones(2, 3, 5, 5), M.ones(4, 3, 7, 3))",
    "R = M.nn.functional.conv2d(M.ones(2, 3, 5, 5), M.ones(4, 3, 7, 3), padding=1)",
    "R = M.nn.functional.conv2d(M.ones(2, 3, 5, 5), M.ones(4, 3, 3, 3), dilation=3)",
    "R = M.nn.functional.conv2d(M.ones(2, 3, 5, 5), M.ones(4, 3, 3, 3), stride=0)",
    "R = M.nn.functional.conv2d(M.ones(2, 3, 5, 5), M.ones(4, 3, 3, 3), stride=(1, -1))",
    "R = M.nn.functional.conv2d(M.ones(2, 3, 5, 5), M.ones(4, 3, 3, 3), padding=-1)",
    "R = M.nn.functional.conv2d(M.ones(2, 3, 5, 5), M.ones(4, 3, 3, 3), dilation=0)",
    "R = M.nn.functional.conv2d(M.ones(2, 3, 5, 5), M.ones(4, 3, 3, 3), stride=(1, 2, 3))",
    "R = M.nn.functional.conv2d(M.ones(2, 3, 5, 5), M.ones(4, 3, 3, 3), padding=(1, 2, 3))",
    "R = M.nn.functional.conv2d(M.ones(2, 3, 5, 5), M.ones(4, 3, 3, 3), stride=1.5)",
    "R = M.nn.functional.conv2d(M.ones(2, 3, 5, 5), M.ones(4, 3, 3, 3), padding=1.0)",
    "R = M.nn.functional.conv2d(M.ones(2, 3, 5, 5), M.ones(4, 3, 3, 3), stride=True)",
    "R = M.nn.functional.conv2d(M.ones(2, 3, 5, 5), M.ones(4, 3, 3, 3), padding='same', stride=2)",
    "R = M.nn.functional.conv2d(M.ones(2, 3, 5, 5), M.ones(4, 3, 3, 3), padding='foo')",
    "R = M.nn.functional.conv2d(M.ones(2, 3, 5, 5), M.ones(4, 3, 3, 3, dtype=M.float64))",
    "R = M.nn.functional.conv2d(M.ones(2, 3, 5, 5), M.ones(4, 3, 3, 3), M.ones(3))",
    "R = M.nn.functional.conv2d(M.ones(2, 3, 5, 5), M.ones(4, 3, 3, 3), M.ones(4, 1))",
    "R = M.nn.functional.conv2d(M.ones(2, 3, 5, 5), M.ones(4, 3, 3, 3), M.ones(4, dtype=M.float64))",
    "R = M.nn.functional.conv2d(M.ones(2, 3, 5, 5), M.ones(4, 3, 3))",
    "R = M.nn.functional.conv2d(M.ones(2, 3, 5, 5), M.ones(4, 3, 3, 3, 1))",
    "R = M.nn.functional.conv2d([1.], M.ones(4, 3, 3, 3))",
    "R = M.nn.functional.conv1d(M.ones(2, 3, 5, 5), M.ones(4, 3, 3))",
    "R = M.nn.functional.conv1d(M.ones(3, 5), M.ones(4, 2, 3))",
    "R = M.nn.functional.conv1d(M.ones(2, 3, 5), M.ones(4, 3, 6))",
    # pooling
    "R = M.nn.functional.max_pool2d(M.ones(5, 5), 2)",
    "R = M.nn.functional.max_pool2d(M.ones(2, 0, 4, 4), 2)",
    "R = M.nn.functional.max_pool2d(M.ones(2, 3, 5, 5), 2, padding=2)",
    "R = M.nn.functional.max_pool2d(M.ones(2, 3, 5, 5), 3, dilation=2, padding=2)",
    "R = M.nn.functional.max_pool2d(M.ones(2, 3, 5, 5), 6)",
    "R = M.nn.functional.max_pool2d(M.ones(2, 3, 5, 5), 2, stride=0)",
    "R = M.nn.functional.max_pool2d(M.ones(2, 3, 5, 5), 0, stride=1)",
    "R = M.nn.functional.max_pool2d(M.ones(2, 3, 5, 5), 2, stride=-1)",
    "R = M.nn.functional.max_pool2d(M.ones(2, 3, 5, 5), 2, dilation=0)",
    "R = M.nn.functional.max_pool2d(M.ones(2, 3, 5, 5), 2, padding=-1)",
    "R = M.nn.functional.max_pool2d(M.ones(2, 3, 5, 5), (2, 2, 2))",
    "R = M.nn.functional.max_pool2d(M.ones(2, 3, 5, 5), 2.0)",
    "R = M.nn.functional.max_pool2d(M.ones(2, 3, 5, 5), 2, stride=[])",
    "R = M.nn.functional.avg_pool2d(M.ones(2, 3, 5, 5), 2, padding=2)",
    "R = M.nn.functional.avg_pool2d(M.ones(2, 3, 5, 5), 6)",
    "R = M.nn.functional.avg_pool2d(M.ones(2, 3, 5, 5), 2, stride=0)",
    "R = M.nn.functional.avg_pool2d(M.ones(2, 3, 5, 5), 2, stride=-1)",
    "R = M.nn.functional.avg_pool2d(M.ones(2, 3, 5, 5), 2, padding=-1)",
    "R = M.nn.functional.avg_pool2d(M.ones(2, 3, 5, 5), 2, divisor_override=0)",
    "R = M.nn.functional.avg_pool2d(M.ones(2, 3, 5, 5), 2.0)",
    "R = M.nn.functional.adaptive_avg_pool2d(M.ones(5, 5), 2)",
    "R = M.nn.functional.adaptive_avg_pool2d(M.ones(2, 3, 5, 5), (1, 2, 3))",
    "R = M.nn.functional.adaptive_avg_pool2d(M.ones(2, 3, 5, 5), -1)",
    "R = M.nn.functional.adaptive_avg_pool2d(M.ones(2, 3, 5, 5, dtype=M.int64), 2)",
    "R = M.nn.functional.adaptive_avg_pool2d(M.ones(2, 3, 5, 5, dtype=M.int64), 1)",
    # pad
    "R = M.nn.functional.pad(M.ones(2, 3), (1,))",
    "R = M.nn.functional.pad(M.ones(2, 3), (1, 1) * 3)",
    "R = M.nn.functional.pad(M.ones(2, 3), (-2, -2))",
    "R = M.nn.functional.pad(M.ones(2, 3), (-4, 0))",
    "R = M.nn.functional.pad(M.ones(2, 3), (1.5, 0))",
    "R = M.nn.functional.pad(M.ones(2, 3), (True, 0))",
    "R = M.nn.functional.pad(M.ones(2, 3), 1)",
    "R = M.nn.functional.pad(M.ones(2, 3), (1, 0), mode='foo')",
    "R = M.nn.functional.pad(M.ones(2, 3, 4), (4, 0), mode='reflect')",
    "R = M.nn.functional.pad(M.ones(2, 3, 4), (1, 4), mode='reflect')",
    "R = M.nn.functional.pad(M.ones(2, 3, 4), (5, 2), mode='circular')",
    "R = M.nn.functional.pad(M.ones(2, 3, 4), (-3, -3), mode='replicate')",
    "R = M.nn.functional.pad(M.ones(2, 3, 4), (1, 1, 1, 1, 1, 1), mode='reflect')",
    "R = M.nn.functional.pad(M.ones(4), (1, 1), mode='replicate')",
    "R = M.nn.functional.pad(M.ones(1, 1, 1, 2, 2, 2), (1, 1), mode='circular')",
    "R = M.nn.functional.pad(M.ones(2, 2, 2, 2), (1, 1), mode='circular')",
    "R = M.nn.functional.pad(M.ones(2, 3, 4), (1, 1), mode='reflect', value=1.)",
    "R = M.nn.functional.pad(M.ones(2, 3, 4), (1,), mode='reflect')",
]


@pytest.mark.parametrize("program", CONV_PROGRAMS)
def test_conv_matches_pytorch(program):
    _matches_pytorch(program)


@pytest.mark.parametrize("program", POOL_PROGRAMS)
def test_pooling_and_pad_match_pytorch(program):
    _matches_pytorch(program)


@pytest.mark.parametrize("program", OTHER_PROGRAMS)
def test_conv_edges_and_modules_match_pytorch(program):
    _matches_pytorch(program)


@pytest.mark.parametrize("program", ERROR_PROGRAMS)
def test_bad_arguments_raise_as_pytorch(program):
    _matches_pytorch(program)


def test_programs_mean_what_they_say():
    """The harness compares: a program with a wrong expectation must fail."""
    bad = (
        _ints("x", (1, 1, 3, 3)) + "R = M.nn.functional.max_pool2d(x, 2) + (M.__name__ == 'torch')"
    )
    with pytest.raises(AssertionError):
        _matches_pytorch(bad)


# ---- float32 on random values, to rtol 1e-5 ---------------------------------------------

FLOAT32_CASES = [
    ("conv2d", (4, 3, 9, 8), (5, 3, 3, 3), {}),
    (
        "conv2d",
        (2, 4, 9, 8),
        (6, 2, 3, 2),
        dict(stride=(2, 1), padding=(2, 1), dilation=(1, 2), groups=2),
    ),
    ("conv2d", (3, 9, 8), (4, 3, 2, 2), dict(padding="same")),
    ("conv1d", (2, 3, 11), (4, 3, 3), dict(stride=2, padding=1)),
    ("max_pool2d", (2, 3, 9, 8), None, dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    (
        "avg_pool2d",
        (2, 3, 9, 8),
        None,
        dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
    ),
    ("adaptive_avg_pool2d", (2, 3, 9, 8), None, dict(output_size=(4, 3))),
    ("pad", (2, 3, 9), None, dict(pad=(1, -2, 2, 0), value=0.5)),
]


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths")
@pytest.mark.parametrize("name, xs, ws, kwargs", FLOAT32_CASES)
def test_float32_matches_pytorch(name, xs, ws, kwargs):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(xs).astype(np.float32)]
    if ws is not None:
        arrays += [rng.standard_normal(s).astype(np.float32) for s in (ws, ws[:1])]
    results, t = [], None
    for M in (torch, mg):
        ins = [M.tensor(a, requires_grad=True) for a in arrays]
        y = getattr(M.nn.functional, name)(*ins, **kwargs)
        if t is None:  # the same upstream gradient for both
            t = rng.standard_normal(tuple(y.shape)).astype(np.float32)
        (y * M.tensor(t)).sum().backward()
        results.append([np.asarray(v.detach().numpy() if M is torch else v.data)
                        for v in (y, *(i.grad for i in ins))])  # fmt: skip
    for want, got in zip(*results):
        assert got.dtype == np.float32
        # atol as torch.testing's for float32: a sum of 27 products of size ~1 that cancels
        # to ~0.1 is only good to ~27 * 6e-8 * 3 in absolute terms, whatever its order
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("args", [(3, 1, 1), (3, 2, 1), (3, 1, 0, 2), (2, 1), (2,)])
def test_max_pool_gradient_is_pytorchs_bit_for_bit_in_float32(args):
    """An element that is the maximum of several windows gets their gradients summed in
    the windows' order, as PyTorch's kernel sums them: the same float32 bits."""
    rng = np.random.default_rng(0)
    x = rng.integers(-2, 3, (4, 3, 12, 11)).astype(np.float32)  # many ties
    tx = torch.tensor(x, requires_grad=True)
    y = torch.nn.functional.max_pool2d(tx, *args)
    g = rng.standard_normal(tuple(y.shape)).astype(np.float32) * 100
    y.backward(torch.tensor(g))
    mx = mg.tensor(x, requires_grad=True)
    mg.nn.functional.max_pool2d(mx, *args).backward(mg.tensor(g))
    np.testing.assert_array_equal(mx.grad.numpy(), tx.grad.numpy())
