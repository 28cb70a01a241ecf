# ruff: noqa: E501 - the programs are data, one per line
"""Transposed convolution (F.conv_transpose1d/2d/3d, nn.ConvTranspose1d/2d/3d), 3-d
convolution (F.conv3d, nn.Conv3d) and 3-d pooling (F.max_pool3d, avg_pool3d,
adaptive_avg_pool3d and their modules) against PyTorch.

Values and the gradients of input, weight and bias over a grid of stride, padding,
output_padding, dilation, groups, batched or not and with or without bias, in float64 (to
1e-10) and float32 (to rtol 1e-5); then programs (see test_torch_oracle_conv) for the
edges, the modules (repr, attributes, state_dict, output_size) and the errors.
"""

import itertools

import numpy as np
import pytest
from test_torch_oracle_autograd import _run
from test_torch_oracle_autograd import test_program_matches_pytorch as _matches_pytorch
from test_torch_oracle_conv import _ints
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()


def _grid():
    """(nd, stride, padding, output_padding, dilation, groups, batched, bias) that PyTorch
    takes: output_padding below stride or dilation."""
    for nd, s, p, op, d, g, batched, bias in itertools.product(
        (1, 2), (1, 2, 3), (0, 1, 2), (0, 1, 2), (1, 2), (1, 2), (True, False), (True, False)
    ):
        if op < max(s, d):
            yield nd, s, p, op, d, g, batched, bias
    # a different value per dim
    for batched, bias in ((True, True), (False, False)):
        yield 2, (2, 1), (0, 2), (1, 0), (1, 3), 1, batched, bias
        yield 2, (1, 3), (1, 0), (0, 2), (2, 1), 2, batched, bias
        yield 2, (3, 2), (2, 1), (2, 1), (1, 1), 4, batched, bias
    # 3-d: fewer, the same mechanism
    for s, p, op, d, g, batched in itertools.product(
        (1, 2), (0, 1), (0, 1), (1, 2), (1, 2), (True, False)
    ):
        if op < max(s, d):
            yield 3, s, p, op, d, g, batched, batched
    yield 3, (2, 1, 3), (1, 0, 2), (1, 0, 2), (1, 2, 1), 2, True, True


GRID = list(_grid())


def _run_both(nd, s, p, op, d, g, batched, bias, dtype, x_shape=None):
    """Output and gradients (of sum(y * t), t fixed and non-uniform) from both frameworks."""
    rng = np.random.default_rng(abs(hash((nd, s, p, op, d, g, batched, bias))) % 2**32)
    cin, cout = 4, 8
    spatial, k = {1: ((6,), (3,)), 2: ((5, 4), (3, 2)), 3: ((3, 4, 3), (2, 3, 2))}[nd]
    xs = x_shape or ((2,) if batched else ()) + (cin, *spatial)
    arrays = [rng.standard_normal(s_).astype(dtype) for s_ in (xs, (cin, cout // g, *k), (cout,))]
    if not bias:
        arrays.pop()
    results, t = [], None
    for M in (torch, mg):
        ins = [M.tensor(a, requires_grad=True) for a in arrays]
        f = getattr(M.nn.functional, f"conv_transpose{nd}d")
        y = f(*ins[:2], ins[2] if bias else None, stride=s, padding=p, output_padding=op,
              groups=g, dilation=d)  # fmt: skip
        if t is None:
            t = rng.standard_normal(tuple(y.shape)).astype(dtype)
        (y * M.tensor(t)).sum().backward()
        results.append([v.detach().numpy() if M is torch else v.data
                        for v in (y, *(i.grad for i in ins))])  # fmt: skip
    return results


@pytest.mark.parametrize("nd, s, p, op, d, g, batched, bias", GRID)
def test_float64_values_and_gradients_match_pytorch(nd, s, p, op, d, g, batched, bias):
    want, got = _run_both(nd, s, p, op, d, g, batched, bias, np.float64)
    for w, v in zip(want, got):
        assert v.dtype == np.float64 and v.shape == w.shape
        np.testing.assert_allclose(v, w, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("nd, s, p, op, d, g, batched, bias", GRID[::7])
def test_float32_values_and_gradients_match_pytorch(nd, s, p, op, d, g, batched, bias):
    want, got = _run_both(nd, s, p, op, d, g, batched, bias, np.float32)
    for w, v in zip(want, got):
        assert v.dtype == np.float32 and v.shape == w.shape
        # atol as torch.testing's for float32: sums of ~20 products that cancel
        np.testing.assert_allclose(v, w, rtol=1e-5, atol=1e-5)


def _conv3d_grid():
    for s, p, d, g, batched in itertools.product((1, 2), (0, 1, "same"), (1, 2), (1, 2),
                                                 (True, False)):  # fmt: skip
        if not (p == "same" and s > 1):
            yield s, p, d, g, batched, batched
    yield (2, 1, 3), (1, 0, 2), (1, 2, 1), 2, True, True


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths")
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("s, p, d, g, batched, bias", list(_conv3d_grid()))
def test_conv3d_values_and_gradients_match_pytorch(s, p, d, g, batched, bias, dtype):
    rng = np.random.default_rng(5)
    xs = ((2,) if batched else ()) + (4, 5, 6, 5)
    arrays = [rng.standard_normal(s_).astype(dtype) for s_ in (xs, (6, 4 // g, 3, 2, 2), (6,))]
    if not bias:
        arrays.pop()
    results, t = [], None
    for M in (torch, mg):
        ins = [M.tensor(a, requires_grad=True) for a in arrays]
        y = M.nn.functional.conv3d(*ins[:2], ins[2] if bias else None, s, p, d, g)
        if t is None:
            t = rng.standard_normal(tuple(y.shape)).astype(dtype)
        (y * M.tensor(t)).sum().backward()
        results.append([v.detach().numpy() if M is torch else v.data
                        for v in (y, *(i.grad for i in ins))])  # fmt: skip
    tol = dict(rtol=1e-10, atol=1e-12) if dtype == np.float64 else dict(rtol=1e-5, atol=1e-5)
    for w, v in zip(*results):
        assert v.dtype == dtype and v.shape == w.shape
        np.testing.assert_allclose(v, w, **tol)


def _pool3d_cases():
    for k, s, p, d, ceil, batched in itertools.product(
        (2, 3, (3, 2, 1)), (None, 1, 2, (2, 1, 3)), (0, 1), (1, 2), (False, True), (True, False)
    ):
        if p and k == (3, 2, 1):  # padding above half the kernel: an error (tested below)
            continue
        yield "max_pool3d", batched, dict(kernel_size=k, stride=s, padding=p, dilation=d,
                                          ceil_mode=ceil, return_indices=True)  # fmt: skip
    for k, s, p, ceil, cip, div in itertools.product(
        (2, (3, 2, 1)), (None, 1, (2, 1, 3)), (0, 1), (False, True), (False, True), (None, 5)
    ):
        if p and k == (3, 2, 1):
            continue
        yield "avg_pool3d", div is None, dict(kernel_size=k, stride=s, padding=p, ceil_mode=ceil,
                                              count_include_pad=cip, divisor_override=div)  # fmt: skip
    for o in (1, 2, 3, (2, None, 4), (5, 6, 7), (3, 1, 2), (1, 1, 1), (7, 8, 9)):
        for batched in (True, False):
            yield "adaptive_avg_pool3d", batched, dict(output_size=o)


POOL3D = list(_pool3d_cases())


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("name, batched, kwargs", POOL3D)
def test_pool3d_values_indices_and_gradients_match_pytorch(name, batched, kwargs, ties):
    """float64, and float32 for every third case; with ties (few distinct values) the
    gradient of max goes to the first maximum in (d, h, w) order, as PyTorch's scan."""
    rng = np.random.default_rng(8)
    x = rng.standard_normal(((2,) if batched else ()) + (3, 5, 6, 7))
    if ties:
        x = np.round(x)
    dtypes = [np.float64] + [np.float32] * (POOL3D.index((name, batched, kwargs)) % 3 == 0)
    for dtype in dtypes:
        results, t = [], None
        for M in (torch, mg):
            xt = M.tensor(x.astype(dtype), requires_grad=True)
            y = getattr(M.nn.functional, name)(xt, **kwargs)
            y, extra = (y[0], [y[1]]) if isinstance(y, tuple) else (y, [])
            if t is None:
                t = rng.standard_normal(tuple(y.shape)).astype(dtype)
            (y * M.tensor(t)).sum().backward()
            results.append([np.asarray(v.detach().numpy() if M is torch else v.data)
                            for v in (y, xt.grad, *extra)])  # fmt: skip
        tol = dict(rtol=1e-10, atol=1e-12) if dtype == np.float64 else dict(rtol=1e-5, atol=1e-6)
        for w, v in zip(*results):
            assert v.dtype == w.dtype and v.shape == w.shape
            np.testing.assert_allclose(v, w, **tol)


def _convt(xs, ws, call, bias=True, x_expr="x", groups=1):
    """A program: forward, backward of sum(y * y), R = (y, dx, dw[, db], the node's name
    for a batched input)."""
    b = _ints("b", (ws[1] * groups,), 3, 5) if bias else ""
    bias_arg = ", b" if bias else ""
    grads = "x.grad, w.grad, b.grad" if bias else "x.grad, w.grad"
    return (
        _ints("x", xs) + _ints("w", ws, 5, 7) + b
        + f"y = M.nn.functional.{call.format(x=x_expr, b=bias_arg)}; (y * y).sum().backward(); "
        + f"R = (y, {grads}, y.grad_fn.name().rstrip('0123456789') if {len(xs) == len(ws)} else 0)"
    )  # fmt: skip


PROGRAMS = [
    # small integers in float64: exact in both, compared to the last digit
    _convt((2, 3, 4, 5), (3, 2, 3, 3), "conv_transpose2d({x}, w{b})"),
    _convt((2, 3, 4, 5), (3, 2, 3, 3), "conv_transpose2d({x}, w{b})", bias=False),
    _convt(
        (2, 3, 4, 5),
        (3, 2, 3, 2),
        "conv_transpose2d({x}, w{b}, stride=2, padding=1, output_padding=1)",
    ),
    _convt(
        (2, 4, 4, 3),
        (4, 2, 2, 3),
        "conv_transpose2d({x}, w{b}, stride=(2, 3), padding=(1, 0), output_padding=(0, 2), groups=2, dilation=(1, 2))",
        groups=2,
    ),
    _convt((3, 4, 5), (3, 2, 3, 3), "conv_transpose2d({x}, w{b}, stride=2)"),
    _convt(
        (2, 3, 5, 4),
        (3, 2, 3, 3),
        "conv_transpose2d({x}, w{b}, stride=2, padding=1)",
        x_expr="x.transpose(2, 3)",
    ),
    _convt((2, 3, 7), (3, 2, 3), "conv_transpose1d({x}, w{b})"),
    _convt(
        (2, 4, 7),
        (4, 3, 2),
        "conv_transpose1d({x}, w{b}, stride=3, padding=1, output_padding=2, groups=2)",
        groups=2,
    ),
    _convt((3, 7), (3, 2, 3), "conv_transpose1d({x}, w{b}, dilation=3, output_padding=2)"),
    _convt(
        (2, 7, 3), (3, 2, 3), "conv_transpose1d({x}, w{b}, stride=2)", x_expr="x.transpose(1, 2)"
    ),
    _convt(
        (2, 2, 3, 2, 3),
        (2, 3, 2, 2, 3),
        "conv_transpose3d({x}, w{b}, stride=(2, 1, 2), padding=(0, 1, 1), output_padding=(1, 0, 0))",
    ),
    _convt((2, 3, 2, 3), (2, 3, 2, 2, 3), "conv_transpose3d({x}, w{b}, stride=2)"),
    _ints("x", (2, 2, 4, 3, 4))
    + _ints("w", (3, 2, 2, 2, 3), 5, 7)
    + "y = M.nn.functional.conv3d(x, w, stride=(1, 2, 1), padding=1); (y * y).sum().backward(); R = (y, x.grad, w.grad, y.grad_fn.name().rstrip('0123456789'))",
    "x = (M.arange(48) * 7 % 11 - 5).reshape(1, 2, 2, 3, 4); w = (M.arange(16) % 3 - 1).reshape(2, 1, 2, 2, 2); R = (M.nn.functional.conv3d(x, w, groups=2), M.nn.functional.conv_transpose3d(x, w, stride=2, groups=2))",
    # 3-d pooling: integers, NaN, windows of only -inf, empty batch, node names
    "x = (M.arange(120) * 7 % 11 - 5).reshape(1, 2, 3, 4, 5); R = (M.nn.functional.max_pool3d(x, 2, return_indices=True), M.nn.functional.avg_pool3d(x, 2), M.nn.functional.avg_pool3d(x, 3, 1, 1, count_include_pad=False))",
    "x = M.tensor([[[[1., float('nan')], [2., 3.]], [[float('nan'), 0.], [5., 1.]]]], dtype=M.float64, requires_grad=True); y, i = M.nn.functional.max_pool3d(x, (2, 2, 1), 1, return_indices=True); y.sum().backward(); R = (y, i, x.grad)",
    "x = M.full((1, 2, 3, 3), float('-inf'), dtype=M.float64, requires_grad=True); y, i = M.nn.functional.max_pool3d(x, 2, padding=1, return_indices=True); y.sum().backward(); R = (y, i, x.grad)",
    "R = (M.nn.functional.max_pool3d(M.ones(0, 2, 4, 4, 4), 2).shape, M.nn.functional.avg_pool3d(M.ones(0, 2, 4, 4, 4), 2).shape)",
    "x = M.ones(2, 3, 4, 4, 4, requires_grad=True); R = [f(x).grad_fn.name().rstrip('0123456789') for f in (lambda x: M.nn.functional.max_pool3d(x, 2), lambda x: M.nn.functional.avg_pool3d(x, 2), lambda x: M.nn.functional.adaptive_avg_pool3d(x, 2), lambda x: M.nn.functional.adaptive_avg_pool3d(x, 1))]",
    "R = M.nn.functional.adaptive_avg_pool3d(M.ones(4, 4, 4), 1).shape",
    # an output of size 0, integers (no gradient), no grad mode, an empty batch
    "R = M.nn.functional.conv_transpose2d(M.ones(0, 3, 1, 1), M.ones(3, 4, 2, 2), padding=1).shape",
    "x = (M.arange(30) * 7 % 11 - 5).reshape(1, 2, 3, 5); w = (M.arange(24) % 3 - 1).reshape(2, 3, 2, 2); R = (M.nn.functional.conv_transpose2d(x, w, stride=2), M.nn.functional.conv_transpose1d(x[0, :, 0], w[:, :, 0], M.arange(3), padding=1))",
    "x = M.ones(1, 1, 3, 3, requires_grad=True)\nwith M.no_grad(): y = M.nn.functional.conv_transpose2d(x, M.ones(1, 1, 2, 2))\nR = (y, y.requires_grad, M.nn.functional.conv_transpose2d(M.ones(1, 1, 3, 3), M.ones(1, 1, 2, 2)).requires_grad)",
    "R = M.nn.functional.conv_transpose2d(M.ones(0, 3, 5, 5), M.ones(3, 4, 3, 3), stride=2).shape",
    # modules: repr, attributes, parameters, state_dict
    "R = [repr(m) for m in (M.nn.ConvTranspose2d(3, 16, 3), M.nn.ConvTranspose2d(4, 6, (3, 2), stride=2, padding=1, output_padding=1, groups=2, bias=False, dilation=2), M.nn.ConvTranspose2d(3, 4, 3, stride=(2, 1), output_padding=(1, 0)), M.nn.ConvTranspose1d(4, 6, 3), M.nn.ConvTranspose1d(4, 8, 5, stride=3, padding=2, output_padding=2, groups=4, bias=False))]",
    "m = M.nn.ConvTranspose2d(4, 6, (3, 2), stride=(2, 1), padding=1, output_padding=(1, 0), groups=2); R = (m.in_channels, m.out_channels, m.kernel_size, m.stride, m.padding, m.output_padding, m.dilation, m.groups, m.padding_mode, m.transposed, tuple(m.weight.shape), tuple(m.bias.shape), [n for n, _ in m.named_parameters()], str(m.weight.dtype).replace('torch.', ''), list(m.state_dict()), [tuple(v.shape) for v in m.state_dict().values()])",
    "m = M.nn.ConvTranspose1d(4, 6, 3, bias=False, dtype=M.float64); R = (m.kernel_size, m.stride, m.padding, m.output_padding, m.dilation, tuple(m.weight.shape), m.bias, str(m.weight.dtype).replace('torch.', ''), list(m.state_dict()))",
    "R = repr(M.nn.ConvTranspose2d(3, 4, 3, padding='same'))",
    "R = [repr(m) for m in (M.nn.MaxPool3d(2), M.nn.MaxPool3d((2, 3, 1), 1, (1, 1, 0), 2, return_indices=True, ceil_mode=True), M.nn.AvgPool3d(2), M.nn.AvgPool3d((2, 1, 3), 1, (1, 0, 1), ceil_mode=True, count_include_pad=False, divisor_override=3), M.nn.AdaptiveAvgPool3d(1), M.nn.AdaptiveAvgPool3d((2, None, 3)))]",
    "m = M.nn.MaxPool3d(2); a = M.nn.AvgPool3d(3, 1); R = (m.kernel_size, m.stride, m.padding, m.dilation, m.ceil_mode, m.return_indices, a.stride, a.count_include_pad, a.divisor_override, M.nn.AdaptiveAvgPool3d((2, 3, 1)).output_size)",
    _ints("x", (2, 3, 5, 6, 4), 13, 17)
    + "y, i = M.nn.MaxPool3d(3, 2, 1, return_indices=True, ceil_mode=True)(x); z = M.nn.AvgPool3d(2, ceil_mode=True, count_include_pad=False)(y); u = M.nn.AdaptiveAvgPool3d((2, 1, 2))(x); (z * z).sum().backward(); (u * u).sum().backward(); R = (y, i, z, u, x.grad)",
    "R = [repr(m) for m in (M.nn.Conv3d(3, 4, 3), M.nn.Conv3d(3, 6, 2, padding='same', padding_mode='circular'), M.nn.Conv3d(4, 8, (3, 2, 1), stride=(2, 1, 1), padding=(1, 0, 2), dilation=2, groups=2, bias=False, padding_mode='replicate'), M.nn.ConvTranspose3d(3, 4, 3, stride=2, output_padding=1), M.nn.ConvTranspose3d(4, 6, (1, 2, 3), padding=(0, 1, 2), groups=2, bias=False, dilation=(1, 1, 3)))]",
    "m = M.nn.Conv3d(4, 6, (3, 2, 2), stride=2, groups=2); t = M.nn.ConvTranspose3d(4, 6, 2, groups=2, bias=False); R = (m.kernel_size, m.stride, m.padding, m.transposed, m.output_padding, tuple(m.weight.shape), list(m.state_dict()), t.kernel_size, t.output_padding, t.transposed, tuple(t.weight.shape), list(t.state_dict()))",
    # a module's value and gradients with the weights copied in; output_size
    _ints("x", (2, 4, 3, 4))
    + _ints("w", (4, 3, 3, 2), 5, 7)
    + "m = M.nn.ConvTranspose2d(4, 6, (3, 2), stride=(2, 3), padding=1, groups=2, dtype=M.float64)\nwith M.no_grad(): m.weight.copy_(w); m.bias.copy_(M.tensor([1., -2., 0., 3., 1., -1.]))\ny = m(x); (y * y).sum().backward(); R = (y, x.grad, m.weight.grad, m.bias.grad)",
    _ints("x", (4, 5))
    + _ints("w", (4, 2, 3), 5, 7)
    + "m = M.nn.ConvTranspose1d(4, 2, 3, stride=2, bias=False, dtype=M.float64)\nwith M.no_grad(): m.weight.copy_(w)\ny = m(x, output_size=[12]); (y * y).sum().backward(); R = (y, x.grad, m.weight.grad)",
    "m = M.nn.ConvTranspose2d(3, 4, 3, stride=2); x = M.ones(1, 3, 4, 4); R = [tuple(m(x, output_size=s).shape) for s in ((9, 9), (10, 9), [9, 10], (1, 4, 10, 10))]",
    "m = M.nn.ConvTranspose2d(3, 4, 3, stride=(3, 2), output_padding=1); R = (tuple(m(M.ones(3, 4, 4), output_size=[4, 12, 10]).shape), tuple(m(M.ones(3, 4, 4)).shape))",
    "m = M.nn.ConvTranspose2d(3, 4, 3, stride=2, dilation=3); R = tuple(m(M.ones(1, 3, 4, 4), output_size=(14, 13)).shape)",
    _ints("x", (2, 4, 2, 3, 2))
    + _ints("w", (4, 3, 2, 2, 2), 5, 7)
    + "m = M.nn.ConvTranspose3d(4, 6, 2, stride=2, groups=2, dtype=M.float64)\nwith M.no_grad(): m.weight.copy_(w); m.bias.copy_(M.tensor([1., -2., 0., 3., 1., -1.]))\ny = m(x, output_size=(5, 6, 5)); (y * y).sum().backward(); R = (y, x.grad, m.weight.grad, m.bias.grad)",
    *(
        _ints("x", (2, 2, 4, 3, 4))
        + _ints("w", (3, 2, 3, 2, 2), 5, 7)
        + f"m = M.nn.Conv3d(2, 3, (3, 2, 2), padding={padding!r}, padding_mode='{mode}', dtype=M.float64)\nwith M.no_grad(): m.weight.copy_(w); m.bias.copy_(M.tensor([1., -2., 3.]))\ny = m(x); (y * y).sum().backward(); R = (y, x.grad, m.weight.grad, m.bias.grad)"
        for mode in ("zeros", "reflect", "replicate", "circular")
        for padding in ((1, 0, 1), "same")
    ),
]

ERROR_PROGRAMS = [
    # an in-place change to a saved input or weight is caught at backward
    "x = M.ones(1, 1, 3, 3, dtype=M.float64, requires_grad=True); w = M.ones(1, 1, 2, 2, dtype=M.float64, requires_grad=True) * 1; y = M.nn.functional.conv_transpose2d(x, w); w.add_(1); y.sum().backward()",
    "w = M.ones(1, 1, 2, 2, dtype=M.float64, requires_grad=True); x = M.ones(1, 1, 3, 3, dtype=M.float64, requires_grad=True) * 1; y = M.nn.functional.conv_transpose2d(x, w); x.add_(1); y.sum().backward()",
    # module errors
    "R = M.nn.ConvTranspose2d(3, 4, 3, padding_mode='reflect')",
    "R = M.nn.ConvTranspose1d(3, 4, 3, padding_mode='circular')",
    "R = M.nn.ConvTranspose2d(3, 4, 3, groups=2)",
    "R = M.nn.ConvTranspose2d(4, 6, 3, groups=4)",
    "R = M.nn.ConvTranspose2d(4, 8, 3, groups=0)",
    "R = M.nn.ConvTranspose2d(3, 4, 3, padding='valid')(M.ones(1, 3, 4, 4))",
    "R = M.nn.ConvTranspose2d(3, 4, 3, output_padding=1)(M.ones(1, 3, 4, 4))",
    "R = M.nn.ConvTranspose2d(3, 4, 3, stride=2)(M.ones(1, 3, 4, 4), output_size=(11, 10))",
    "R = M.nn.ConvTranspose2d(3, 4, 3, stride=2)(M.ones(1, 3, 4, 4), output_size=(8, 10))",
    "R = M.nn.ConvTranspose2d(3, 4, 3, stride=2)(M.ones(1, 3, 4, 4), output_size=(11,))",
    "R = M.nn.ConvTranspose2d(3, 4, 3, stride=2)(M.ones(3, 4, 4), output_size=(1, 4, 9, 9))",
    "R = M.nn.ConvTranspose2d(3, 4, 3)(M.ones(2, 2, 5, 5))",
    "R = M.nn.ConvTranspose2d(3, 4, 3)(M.ones(3, 5))",
    "R = M.nn.ConvTranspose2d(3, 4, 3)(M.ones(2, 3, 5, 5, dtype=M.float64))",
    "R = M.nn.ConvTranspose3d(3, 4, 3, padding_mode='replicate')",
    "R = M.nn.ConvTranspose3d(3, 4, 3)(M.ones(3, 4, 4))",
    "R = M.nn.ConvTranspose3d(3, 4, 3, stride=2)(M.ones(3, 4, 4, 4), output_size=(9, 9, 11))",
    "R = M.nn.Conv3d(3, 4, 3)(M.ones(2, 3, 5, 5))",
    "R = M.nn.Conv3d(3, 4, 3, groups=2)",
    "R = M.nn.Conv3d(3, 4, 3, padding='same', stride=2)",
    # functional errors
    "R = M.nn.functional.conv_transpose2d(M.ones(5, 5), M.ones(3, 4, 3, 3))",
    "R = M.nn.functional.conv_transpose2d(M.ones(1, 2, 3, 5, 5), M.ones(3, 4, 3, 3))",
    "R = M.nn.functional.conv_transpose2d(M.ones(2, 2, 5, 5), M.ones(3, 4, 3, 3))",
    "R = M.nn.functional.conv_transpose2d(M.ones(2, 3, 5, 5), M.ones(3, 4, 3, 3), groups=2)",
    "R = M.nn.functional.conv_transpose2d(M.ones(2, 4, 5, 5), M.ones(4, 4, 3, 3), groups=3)",
    "R = M.nn.functional.conv_transpose2d(M.ones(2, 3, 5, 5), M.ones(3, 4, 3, 3), groups=0)",
    "R = M.nn.functional.conv_transpose2d(M.ones(2, 3, 5, 5), M.ones(3, 4, 3, 3), groups=1.0)",
    "R = M.nn.functional.conv_transpose2d(M.ones(2, 3, 5, 5), M.ones(3, 4, 3, 3), output_padding=1)",
    "R = M.nn.functional.conv_transpose2d(M.ones(2, 3, 5, 5), M.ones(3, 4, 3, 3), output_padding=2, stride=2)",
    "R = M.nn.functional.conv_transpose2d(M.ones(2, 3, 5, 5), M.ones(3, 4, 3, 3), output_padding=(0, 2), stride=2, dilation=(3, 2))",
    "R = M.nn.functional.conv_transpose1d(M.ones(2, 3, 5), M.ones(3, 4, 3), output_padding=(1,))",
    "R = M.nn.functional.conv_transpose2d(M.ones(2, 3, 5, 5), M.ones(3, 4, 3, 3), output_padding=-1)",
    "R = M.nn.functional.conv_transpose2d(M.ones(2, 3, 5, 5), M.ones(3, 4, 3, 3), padding=-1)",
    "R = M.nn.functional.conv_transpose2d(M.ones(2, 3, 5, 5), M.ones(3, 4, 3, 3), padding=8)",
    "R = M.nn.functional.conv_transpose2d(M.ones(2, 3, 1, 1), M.ones(3, 4, 1, 1), padding=1)",
    "R = M.nn.functional.conv_transpose2d(M.ones(2, 3, 5, 5), M.ones(3, 4, 3, 3), stride=0)",
    "R = M.nn.functional.conv_transpose2d(M.ones(2, 3, 5, 5), M.ones(3, 4, 3, 3), dilation=0)",
    "R = M.nn.functional.conv_transpose2d(M.ones(2, 3, 5, 5), M.ones(3, 4, 3, 3), padding='same')",
    "R = M.nn.functional.conv_transpose2d(M.ones(2, 3, 5, 5), M.ones(3, 4, 3, 3), stride=1.5)",
    "R = M.nn.functional.conv_transpose2d(M.ones(2, 3, 5, 5), M.ones(3, 4, 3, 3), stride=(1, 2, 3))",
    "R = M.nn.functional.conv_transpose2d(M.ones(2, 3, 5, 5), M.ones(3, 4, 3, 3), output_padding=(1, 1, 1))",
    "R = M.nn.functional.conv_transpose2d(M.ones(2, 3, 5, 5), M.ones(3, 4, 3, 3), M.ones(3))",
    "R = M.nn.functional.conv_transpose2d(M.ones(2, 3, 5, 5), M.ones(3, 4, 3, 3), M.ones(4, dtype=M.float64))",
    "R = M.nn.functional.conv_transpose2d(M.ones(2, 3, 5, 5), M.ones(3, 4, 3, 3, dtype=M.float64))",
    "R = M.nn.functional.conv_transpose2d(M.ones(2, 3, 5, 5), M.ones(3, 4, 3))",
    "R = M.nn.functional.conv_transpose2d(M.ones(2, 3, 0, 5), M.ones(3, 4, 3, 3))",
    "R = M.nn.functional.conv_transpose2d(M.ones(2, 3, 5, 5, dtype=M.bool), M.ones(3, 4, 3, 3, dtype=M.bool))",
    "R = M.nn.functional.conv_transpose2d([1.], M.ones(3, 4, 3, 3))",
    "R = M.nn.functional.conv_transpose2d(M.ones(2, 3, 5, 5), M.ones(3, 4, 3, 3), True)",
    "R = M.nn.functional.conv_transpose1d(M.ones(2, 3, 5, 5), M.ones(3, 4, 3))",
    "R = M.nn.functional.conv_transpose1d(M.ones(3, 5), M.ones(2, 4, 3))",
    "R = M.nn.functional.conv_transpose2d(M.ones(2, 0, 5, 5), M.ones(0, 4, 3, 3))",
    "R = M.nn.functional.conv_transpose3d(M.ones(2, 3, 4, 4, 4), M.ones(3, 2, 2, 2, 2), output_padding=(0, 1, 0))",
    "R = M.nn.functional.conv_transpose3d(M.ones(2, 3, 4, 4, 4), M.ones(3, 2, 2, 2))",
    "R = M.nn.functional.conv_transpose3d(M.ones(2, 3, 4, 4, 4, dtype=M.bool), M.ones(3, 2, 2, 2, 2, dtype=M.bool))",
    "R = M.nn.functional.conv3d(M.ones(4, 4, 4), M.ones(2, 3, 2, 2, 2))",
    "R = M.nn.functional.conv3d(M.ones(2, 3, 4, 4, 4), M.ones(2, 2, 2, 2, 2))",
    "R = M.nn.functional.conv3d(M.ones(2, 3, 4, 4, 4), M.ones(2, 3, 5, 2, 2))",
    "R = M.nn.functional.conv3d(M.ones(2, 3, 4, 4, 4), M.ones(2, 3, 2, 2, 2), stride=(1, 2))",
    "R = M.nn.functional.conv3d(M.ones(2, 3, 4, 4, 4), M.ones(2, 3, 2, 2, 2), padding='same', stride=2)",
    "R = M.nn.functional.conv3d(M.ones(2, 3, 4, 4, 4, dtype=M.bool), M.ones(2, 3, 2, 2, 2, dtype=M.bool))",
    "R = M.nn.functional.conv3d(M.ones(2, 3, 4, 4, 4), M.ones(2, 3, 2, 2, 2), M.ones(3))",
    "R = M.nn.functional.max_pool3d(M.ones(4, 4, 4), 2)",
    "R = M.nn.functional.max_pool3d(M.ones(2, 3, 4, 4, 4), (2, 2))",
    "R = M.nn.functional.max_pool3d(M.ones(2, 3, 4, 4, 4), 2, padding=2)",
    "R = M.nn.functional.max_pool3d(M.ones(2, 3, 4, 4, 4), (3, 3, 2), padding=(1, 1, 2))",
    "R = M.nn.functional.max_pool3d(M.ones(2, 0, 4, 4, 4), 2)",
    "R = M.nn.functional.max_pool3d(M.ones(2, 3, 4, 4, 4), 5)",
    "R = M.nn.functional.max_pool3d(M.ones(2, 3, 4, 4, 4), 2, stride=0)",
    "R = M.nn.functional.max_pool3d(M.ones(2, 3, 4, 4, 4), 2, dilation=0)",
    "R = M.nn.functional.max_pool3d(M.ones(2, 3, 4, 4, 4), 2.0)",
    "R = M.nn.functional.max_pool3d(M.ones(2, 3, 4, 4, 4, dtype=M.bool), 2)",
    "R = M.nn.functional.avg_pool3d(M.ones(2, 3, 4, 4, 4), 2, divisor_override=0)",
    "R = M.nn.functional.avg_pool3d(M.ones(2, 3, 4, 4, 4), 2, padding=2)",
    "R = M.nn.functional.avg_pool3d(M.ones(3, 4, 4), 2, 1)",
    "R = M.nn.functional.avg_pool3d(M.ones(2, 3, 4, 4, 4), (2, 2, 2, 2))",
    "R = M.nn.functional.adaptive_avg_pool3d(M.ones(4, 4, 4), 2)",
    "R = M.nn.functional.adaptive_avg_pool3d(M.ones(2, 4, 4, 4), (2, 3))",
    "R = M.nn.functional.adaptive_avg_pool3d(M.ones(2, 4, 4, 4), -1)",
    "R = M.nn.functional.adaptive_avg_pool3d(M.ones(2, 4, 4, 4), (1, 2, 3.0))",
    "R = M.nn.functional.adaptive_avg_pool3d(M.ones(4, 4), (1, 1, 1))",
    "R = M.nn.functional.adaptive_avg_pool3d(M.ones(2, 4, 4, 4, dtype=M.int64), 2)",
    "R = M.nn.MaxPool3d(2)(M.ones(5, 5))",
]


@pytest.mark.parametrize("program", PROGRAMS)
def test_edges_and_modules_match_pytorch(program):
    _matches_pytorch(program)


@pytest.mark.parametrize("program", ERROR_PROGRAMS)
def test_bad_arguments_raise_as_pytorch(program):
    _matches_pytorch(program)


def test_programs_are_what_they_claim_in_pytorch():
    """PROGRAMS run in PyTorch and ERROR_PROGRAMS raise there, so that the comparisons
    above compare values, and classes of exceptions, as meant."""
    for program in PROGRAMS:
        assert _run(program, torch)[1] is None, program
    for program in ERROR_PROGRAMS:
        assert _run(program, torch)[1] is not None, program


@pytest.mark.parametrize(
    "cls, args",
    [
        ("ConvTranspose2d", (16, 32, 3)),
        ("ConvTranspose2d", (8, 64, (3, 2), 1, 0, 0, 4)),
        ("ConvTranspose1d", (16, 48, 5)),
        ("ConvTranspose3d", (8, 24, (3, 2, 2), 1, 0, 0, 2)),
        ("Conv3d", (8, 24, (3, 2, 2), 1, 0, 1, 2)),
    ],
)
def test_init_distribution_matches_pytorch(cls, args):
    """kaiming_uniform_(a=sqrt(5)) for W and U(±1/sqrt(fan_in)) for b, fan_in from W's dim 1
    (out_channels / groups) times the kernel: the same bounds and spread as PyTorch's."""
    torch.manual_seed(0)
    mg.manual_seed(0)
    t, m = getattr(torch.nn, cls)(*args), getattr(mg.nn, cls)(*args)
    for name in ("weight", "bias"):
        want = getattr(t, name).detach().numpy()
        got = getattr(m, name).data
        assert got.shape == want.shape and got.dtype == want.dtype
        fan_in = t.weight.shape[1] * int(np.prod(t.weight.shape[2:]))
        bound = 1 / np.sqrt(fan_in)
        assert np.abs(got).max() <= bound
        # both fill the interval: max near the bound, std near bound / sqrt(3)
        for arr in (want, got):
            assert np.abs(arr).max() > bound * (1 - 8 / arr.size)
        tol = 4 / np.sqrt(got.size)
        np.testing.assert_allclose(got.std(), want.std(), rtol=tol + 0.02)
        np.testing.assert_allclose(got.std(), bound / np.sqrt(3), rtol=tol + 0.02)
