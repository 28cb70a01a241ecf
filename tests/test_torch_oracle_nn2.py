# ruff: noqa: E501 - the programs are data, one per line
"""Activations, more losses, LayerNorm/BatchNorm1d, Unflatten, normalize and
cosine_similarity against PyTorch, program by program (the harness of
test_torch_oracle_autograd: both frameworks must give equal results, or raise the same
class of exception)."""

import numpy as np
import pytest
from test_torch_oracle_autograd import test_program_matches_pytorch as _matches_pytorch
from torch_oracle import import_torch

torch = import_torch()

import minigrad as mg  # noqa: E402

_EDGES = "[-1e4, -30., -6., -2.5, -1., -1e-3, -0., 0., 1e-8, 0.5, 1., 2., 3.1, 6., 20., 25., 1e4]"
_NAME = "y.grad_fn.name().rstrip('0123456789')"

ACTIVATIONS = [
    "F.leaky_relu(x)",
    "F.leaky_relu(x, 0.2)",
    "F.leaky_relu(x, negative_slope=-0.5)",
    "F.elu(x)",
    "F.elu(x, alpha=0.5)",
    "F.selu(x)",
    "F.gelu(x)",
    "F.gelu(x, approximate='tanh')",
    "F.silu(x)",
    "F.softplus(x)",
    "F.softplus(x, beta=2, threshold=5)",
    "F.softplus(x, beta=0.5, threshold=10.)",
    "F.logsigmoid(x)",
    "F.hardtanh(x)",
    "F.hardtanh(x, -2., 0.5)",
    "F.hardtanh(x, min_val=1., max_val=1.)",
    "F.relu6(x)",
    "F.mish(x)",
    "F.softsign(x)",
    "M.nn.LeakyReLU(0.1)(x)",
    "M.nn.ELU(2.)(x)",
    "M.nn.SELU()(x)",
    "M.nn.GELU('tanh')(x)",
    "M.nn.GELU()(x)",
    "M.nn.SiLU()(x)",
    "M.nn.Softplus(3., 2.)(x)",
    "M.nn.LogSigmoid()(x)",
    "M.nn.Hardtanh(-3., 3.)(x)",
    "M.nn.ReLU6()(x)",
    "M.nn.Mish()(x)",
    "M.nn.Softsign()(x)",
]

_F = "F = M.nn.functional\n"
PROGRAMS = [
    # values, node names and gradients at edge values, the kinks included (0, ±1, 6, 20)
    *(
        f"{_F}x = M.tensor({_EDGES}, dtype=M.float64, requires_grad=True); y = {a}; w = M.arange(1., 18., dtype=M.float64) / 7; (y * w).sum().backward(); R = (y, x.grad, {_NAME})"
        for a in ACTIVATIONS
    ),
    # inf and NaN
    *(
        f"{_F}x = M.tensor([-float('inf'), float('inf'), float('nan')], dtype=M.float64, requires_grad=True); y = {a}; y.sum().backward(); R = (y, x.grad)"
        for a in ACTIVATIONS
    ),
    # a 0-d input and a 2-d one
    *(
        f"{_F}x = M.tensor(-0.25, dtype=M.float64, requires_grad=True); y = {a}; y.backward(); R = (y, x.grad)"
        for a in ACTIVATIONS
    ),
    *(
        f"{_F}x = M.tensor([[-1.5, 0.25], [2., -3.]], dtype=M.float64, requires_grad=True); y = {a}; y.sum().backward(); R = (y, x.grad)"
        for a in ACTIVATIONS
    ),
    # integer and bool inputs: most have no kernel; hardtanh and relu6 keep the integer dtype
    *(f"{_F}x = M.tensor([-3, 0, 2, 9]); R = {a}" for a in ACTIVATIONS),
    *(f"{_F}x = M.tensor([True, False]); R = {a}" for a in ACTIVATIONS),
    *(f"{_F}x = [1., -1.]; R = {a}" for a in ACTIVATIONS if a.startswith("F.")),
    # arguments
    f"{_F}R = F.gelu(M.ones(2), approximate='exact')",
    f"{_F}R = F.hardtanh(M.ones(2), 2., 1.)",
    "R = M.nn.Hardtanh(2., 1.)",
    "R = M.nn.Hardtanh(1., 1.)",
    "import warnings\nwith warnings.catch_warnings(record=True) as w:\n    warnings.simplefilter('always'); m = M.nn.Hardtanh(min_value=-2., max_value=3.)\nR = (repr(m), [str(c.message) for c in w], [c.category.__name__ for c in w])",
    # in place: the input is overwritten, the graph goes through it
    *(
        f"{_F}x = M.tensor([-2., -0.5, 0., 0.5, 7.], dtype=M.float64, requires_grad=True); h = x * 1; y = {a}; (y * y).sum().backward(); R = (y is h, y, h, x.grad)"
        for a in [
            "F.leaky_relu(h, 0.1, inplace=True)",
            "F.elu(h, inplace=True)",
            "F.selu(h, True)",
            "F.silu(h, inplace=True)",
            "F.hardtanh(h, inplace=True)",
            "F.relu6(h, inplace=True)",
            "F.mish(h, inplace=True)",
            "M.nn.LeakyReLU(0.3, True)(h)",
            "M.nn.ELU(0.5, inplace=True)(h)",
            "M.nn.SELU(True)(h)",
            "M.nn.SiLU(True)(h)",
            "M.nn.Mish(True)(h)",
            "M.nn.Hardtanh(-0.2, 0.4, True)(h)",
            "M.nn.ReLU6(True)(h)",
        ]
    ),
    f"{_F}x = M.tensor([-2., 0.5]); y = F.elu(x, inplace=True); R = (y is x, x)",
    f"{_F}x = M.tensor([-2., 0.5], requires_grad=True); R = F.leaky_relu(x, inplace=True)",
    # a saved input changed in place: the backward refuses (softsign's abs saves it too)
    *(
        f"{_F}x = M.tensor([-2., 0.5], dtype=M.float64, requires_grad=True); h = x * 1; y = {a.replace('(x', '(h')}; h.mul_(2); y.sum().backward(); R = x.grad"
        for a in ACTIVATIONS
    ),
    # reprs
    "R = [repr(m) for m in (M.nn.LeakyReLU(), M.nn.LeakyReLU(0.2, True), M.nn.ELU(), M.nn.ELU(0.5, True), M.nn.GELU(), M.nn.GELU('tanh'), M.nn.SiLU(), M.nn.SiLU(True), M.nn.Softplus(), M.nn.Softplus(2, 10), M.nn.LogSigmoid(), M.nn.Hardtanh(), M.nn.Hardtanh(-2, 2, True), M.nn.ReLU6(), M.nn.ReLU6(True), M.nn.Mish(), M.nn.Mish(True), M.nn.Softsign(), M.nn.SELU(), M.nn.SELU(True))]",
    "m = M.nn.ReLU6(); R = (m.min_val, m.max_val, m.inplace, isinstance(m, M.nn.Hardtanh), M.nn.GELU().approximate, M.nn.Softplus().beta, M.nn.LeakyReLU().negative_slope)",
]


LOSSES = [
    "F.l1_loss(x, y{r})",
    "F.smooth_l1_loss(x, y{r})",
    "F.smooth_l1_loss(x, y{r}, beta=0.5)",
    "F.smooth_l1_loss(x, y{r}, beta=0.)",
    "F.huber_loss(x, y{r})",
    "F.huber_loss(x, y{r}, delta=0.5)",
    "M.nn.L1Loss({m})(x, y)",
    "M.nn.SmoothL1Loss({m}, beta=2.)(x, y)",
    "M.nn.HuberLoss({m}, delta=2.)(x, y)",
]
_KL = [
    "F.kl_div(x, p{r})",
    "F.kl_div(x, q{r}, log_target=True)",
    "M.nn.KLDivLoss({m})(x, p)",
    "M.nn.KLDivLoss({m}, log_target=True)(x, q)",
]
# differences 0, ±0.5, ±1, ±2 and more: each kink (0, β, δ) with both sides
_XY = "x = M.tensor([[-2., 0., 1., 3.5], [0.5, 2., -1., 0.25]], dtype=M.float64, requires_grad=True); y = M.tensor([[-1., 0., 0., 1.5], [1., 0., 0., -0.25]], dtype=M.float64, requires_grad=True)"
# log-probabilities x; target probabilities with zeros, and log-probabilities
_XPQ = "x = M.tensor([[-2., -0.5, -1.2], [-0.1, -3., -0.7]], dtype=M.float64, requires_grad=True); p = M.tensor([[0.2, 0., 0.8], [0.5, 0.25, 0.25]], dtype=M.float64, requires_grad=True); q = M.tensor([[-1.6, -0.3, -2.], [-0.2, -5., -1.]], dtype=M.float64, requires_grad=True)"
_REDUCTIONS = ["mean", "sum", "none"]
_ALL = ["F.l1_loss", "F.smooth_l1_loss", "F.huber_loss", "F.kl_div"]
_DTYPES = ["float32", "float64", "int64", "bool"]

PROGRAMS += [
    *(
        f"{_F}{_XY}; L = {loss.format(r=f', reduction={red!r}', m=f'reduction={red!r}')}; L.sum().backward(); R = (L, x.grad, y.grad, L.grad_fn.name().rstrip('0123456789'))"
        for loss in LOSSES
        for red in _REDUCTIONS
    ),
    *(
        f"{_F}{_XPQ}; L = {loss.format(r=f', reduction={red!r}', m=f'reduction={red!r}')}; L.sum().backward(); R = (L, x.grad, p.grad, q.grad, L.grad_fn.name().rstrip('0123456789'))"
        for loss in _KL
        for red in [*_REDUCTIONS, "batchmean"]
    ),
    # the legacy flags, where PyTorch takes them
    *(
        f"{_F}{_XY}; L = {f}(x, y, size_average={sa}, reduce={rd}); L.sum().backward(); R = (L, x.grad)"
        for f in ("F.l1_loss", "F.smooth_l1_loss", "F.kl_div")
        for sa, rd in [(False, None), (None, False), (True, True)]
    ),
    f"{_F}{_XY}; R = F.huber_loss(x, y, size_average=False)",
    "R = M.nn.HuberLoss(size_average=False)",
    "R = (M.nn.SmoothL1Loss(False).reduction, M.nn.L1Loss(reduce=False).reduction, M.nn.KLDivLoss(None, False).reduction, M.nn.SmoothL1Loss().beta, M.nn.HuberLoss().delta, M.nn.KLDivLoss().log_target)",
    "R = [repr(m) for m in (M.nn.L1Loss(), M.nn.SmoothL1Loss(beta=0.5), M.nn.HuberLoss(delta=2.), M.nn.KLDivLoss(reduction='batchmean', log_target=True))]",
    # result dtypes (and PyTorch's refusals) for every pair of input and target dtypes
    *(
        f"{_F}R = {f}(M.ones(2, dtype=M.{a}), M.zeros(2, dtype=M.{b}), reduction='sum')"
        for f in _ALL
        for a in _DTYPES
        for b in _DTYPES
    ),
    *(f"{_F}R = {f}(M.ones(2, dtype=M.int64), M.zeros(2, dtype=M.int64))" for f in _ALL),
    # 0-d, 1-d, empty, broadcast and mismatched shapes
    *(
        f"{_F}x = M.tensor({v}, dtype=M.float64, requires_grad=True); L = {f}(x, M.zeros({shape}, dtype=M.float64), reduction={red!r}); L.sum().backward(); R = (L, x.grad)"
        for f in _ALL
        for v, shape in [("-0.5", "()"), ("[-0.5, 3.]", "2"), ("[[-0.5], [3.]]", "3"), ("[]", "0")]
        for red in ["mean", "sum"]
    ),
    *(f"{_F}R = {f}(M.ones(2), M.ones(3))" for f in _ALL),
    *(f"{_F}R = {f}(M.ones(2, 3), M.ones(3), reduction='batchmean')" for f in ["F.kl_div"]),
    f"{_F}R = (F.kl_div(M.zeros(2, 3), M.ones(2, 3), reduction='batchmean'), F.kl_div(M.zeros(3), M.ones(3), reduction='batchmean'), F.kl_div(M.zeros(()), M.ones(()), reduction='batchmean'), F.kl_div(M.zeros(0, 2), M.ones(0, 2), reduction='batchmean'))",
    f"{_F}R = F.kl_div(M.tensor([-1., -2.]), M.tensor([-0.5, 0.5]), reduction='none')",
    # arguments
    *(f"{_F}R = {f}(M.ones(2), M.ones(2), reduction='avg')" for f in _ALL),
    *(f"{_F}R = {f}([1.], M.ones(1))" for f in _ALL),
    *(f"{_F}R = {f}(M.ones(1), 1.)" for f in _ALL),
    # per-element weights (l1_loss's 'mean' divides by their sum, huber_loss's by the count)
    *(
        f"{_F}{_XY}; v = M.tensor([[0.5, 2., 1., 0.], [3., 1., 0.25, 1.]], dtype=M.float64, requires_grad=True); L = {f}(x, y, reduction={red!r}, weight=v); L.sum().backward(); R = (L, x.grad, y.grad, v.grad)"
        for f in ("F.l1_loss", "F.huber_loss")
        for red in _REDUCTIONS
    ),
    *(
        f"{_F}R = {f}(M.ones(2, 2), M.ones(2, 2), weight=M.ones(2))"
        for f in ("F.l1_loss", "F.huber_loss")
    ),
    *(
        f"{_F}R = {f}(M.ones(2, 2), M.ones(2, 2), reduction='avg', weight=M.ones(2, 2))"
        for f in ("F.l1_loss", "F.huber_loss")
    ),
    f"{_F}R = F.smooth_l1_loss(M.ones(2), M.ones(2), beta=-1.)",
    f"{_F}R = F.huber_loss(M.ones(2), M.ones(2), delta=0.)",
    f"{_F}R = F.huber_loss(M.ones(2), M.ones(2), delta=-1.)",
    # a target changed in place after the loss saved it
    *(f"{_F}{_XY}; t = y * 1; L = {f}(x, t); t.mul_(2); L.backward(); R = x.grad" for f in _ALL),
]


# inputs of 2 and 3 dims, a weighted sum as the loss so that every gradient is nonzero
_X2 = "x = M.tensor([[0.5, -1.2, 2.0, 0.1], [3.0, 0.7, -0.4, 1.5], [-2.2, 0.0, 1.1, 0.9]], dtype=M.float64, requires_grad=True); w = M.arange(12., dtype=M.float64).reshape(3, 4) ** 1.5 / 9"
_X3 = "x = (M.arange(24., dtype=M.float64).reshape(2, 3, 4) ** 1.3 % 5 - 2).requires_grad_(); w = M.arange(24., dtype=M.float64).reshape(2, 3, 4) ** 1.5 / 40"
_PARAMS = "W = (M.arange(1., {n}., dtype=M.float64) / 3).reshape({s}).requires_grad_(); B = (M.arange({n} - 1., dtype=M.float64) / 5 - 0.3).reshape({s}).requires_grad_()"
_SET_BN = "\nwith M.no_grad(): m.weight.copy_(M.tensor([0.5, -1.5, 2.], dtype=M.float64)); m.bias.copy_(M.tensor([0.1, 0.2, -0.3], dtype=M.float64))\n"

PROGRAMS += [
    # layer_norm: values and gradients of input, weight and bias
    f"{_F}{_X2}; {_PARAMS.format(n=5, s='4')}; y = F.layer_norm(x, (4,), W, B); (y * w).sum().backward(); R = (y, x.grad, W.grad, B.grad, {_NAME})",
    f"{_F}{_X2}; y = F.layer_norm(x, [4], eps=0.1); (y * w).sum().backward(); R = (y, x.grad)",
    f"{_F}{_X2}; {_PARAMS.format(n=13, s='3, 4')}; y = F.layer_norm(x, (3, 4), W, B); (y * w).sum().backward(); R = (y, x.grad, W.grad, B.grad)",
    f"{_F}{_X3}; {_PARAMS.format(n=5, s='4')}; y = F.layer_norm(x, (4,), W); (y * w).sum().backward(); R = (y, x.grad, W.grad)",
    f"{_F}{_X3}; {_PARAMS.format(n=13, s='3, 4')}; y = F.layer_norm(x, (3, 4), None, B); (y * w).sum().backward(); R = (y, x.grad, B.grad)",
    f"{_F}{_X3}; y = F.layer_norm(x, x.shape); (y * w).sum().backward(); R = (y, x.grad)",
    f"{_F}R = F.layer_norm(M.ones(2, 4), (4,))",
    f"{_F}R = F.layer_norm(M.ones(2, 4), (4,), eps=0.)",
    # nn.LayerNorm
    f"{_X3}; m = M.nn.LayerNorm(4, dtype=M.float64)\nwith M.no_grad(): m.weight.copy_(M.tensor([1., -2., 0.5, 3.])); m.bias.copy_(M.tensor([0., 1., -1., 2.]))\ny = m(x); (y * w).sum().backward(); R = (y, x.grad, m.weight.grad, m.bias.grad)",
    f"{_X3}; m = M.nn.LayerNorm([3, 4], eps=1e-3, elementwise_affine=False, dtype=M.float64); y = m(x); (y * w).sum().backward(); R = (y, x.grad, list(m.parameters()), m.weight, m.bias)",
    f"{_X3}; m = M.nn.LayerNorm((4,), bias=False, dtype=M.float64); y = m(x); (y * w).sum().backward(); R = (y, x.grad, m.weight.grad, m.bias)",
    "m = M.nn.LayerNorm(3); R = (repr(m), m.normalized_shape, m.weight, m.bias, list(m.state_dict()), M.nn.LayerNorm(3, dtype=M.float64).weight.dtype == M.float64)",
    "R = [repr(M.nn.LayerNorm(s, **k)) for s, k in [((2, 3), {}), ([4], {'elementwise_affine': False}), (5, {'bias': False}), (2, {'eps': 0.1})]]",
    f"{_F}R = F.layer_norm(M.ones(2, 4), (3,))",
    f"{_F}R = F.layer_norm(M.ones(2, 4), (2, 4, 1))",
    f"{_F}R = F.layer_norm(M.ones(2, 4), (4,), M.ones(3))",
    f"{_F}R = F.layer_norm(M.ones(2, 4), (4,), None, M.ones(2, 4))",
    f"{_F}R = F.layer_norm(M.ones(2, 4, dtype=M.int64), (4,))",
    f"{_F}R = F.layer_norm(M.ones(2, 4), (4,), M.ones(4, dtype=M.float64))",
    f"{_F}R = F.layer_norm(M.ones(2, 4), 4)",
    f"{_F}R = F.layer_norm([1.], (1,))",
    "R = M.nn.LayerNorm(3)(M.ones(2, 4))",
    # nn.BatchNorm1d in training: batch statistics; the running ones move (unbiased variance)
    f"{_X2[: -len(_X2) + _X2.index(';')]}.T.contiguous().detach().requires_grad_(); w = M.arange(12., dtype=M.float64).reshape(4, 3) ** 1.5 / 9; m = M.nn.BatchNorm1d(3, dtype=M.float64){_SET_BN}y = m(x); (y * w).sum().backward(); R = (y, x.grad, m.weight.grad, m.bias.grad, m.running_mean, m.running_var, m.num_batches_tracked, {_NAME})",
    f"{_X3}; m = M.nn.BatchNorm1d(3, dtype=M.float64){_SET_BN}y = m(x); (y * w).sum().backward(); R = (y, x.grad, m.weight.grad, m.bias.grad, m.running_mean, m.running_var)",
    f"{_X3}; m = M.nn.BatchNorm1d(3, momentum=0.3, eps=0.01, dtype=M.float64); y1 = m(x); y2 = m(x * 2 + 1); R = (y2, m.running_mean, m.running_var, m.num_batches_tracked)",
    # momentum None: the cumulative average of the batches' statistics
    f"{_X3}; m = M.nn.BatchNorm1d(3, momentum=None, dtype=M.float64)\nfor k in range(3): m(x * (k + 1) - k)\nR = (m.running_mean, m.running_var, m.num_batches_tracked)",
    # eval: the running statistics, which stay as they are
    f"{_X3}; m = M.nn.BatchNorm1d(3, dtype=M.float64){_SET_BN}m(x * 3 - 1); m.eval(); y = m(x); (y * w).sum().backward(); R = (y, x.grad, m.weight.grad, m.bias.grad, m.running_mean, m.running_var, m.num_batches_tracked, {_NAME})",
    f"{_X2}; m = M.nn.BatchNorm1d(4, dtype=M.float64).eval(); y = m(x); (y * w).sum().backward(); R = (y, x.grad)",
    # without running statistics: batch statistics in eval too; without affine parameters
    f"{_X3}; m = M.nn.BatchNorm1d(3, track_running_stats=False, dtype=M.float64); y = m(x); m.eval(); z = m(x); (z * w).sum().backward(); R = (y, z, x.grad, m.running_mean, m.num_batches_tracked, list(m.state_dict()))",
    f"{_X3}; m = M.nn.BatchNorm1d(3, affine=False, dtype=M.float64); y = m(x); (y * w).sum().backward(); R = (y, x.grad, m.weight, list(m.state_dict()))",
    f"{_X3}; m = M.nn.BatchNorm1d(3, bias=False, dtype=M.float64); y = m(x); (y * w).sum().backward(); R = (y, x.grad, m.bias, list(m.state_dict()))",
    "m = M.nn.BatchNorm1d(3); R = (repr(m), list(m.state_dict().items()), [n for n, _ in m.named_buffers()], m.num_batches_tracked.dtype == M.int64)",
    "R = [repr(M.nn.BatchNorm1d(4, **k)) for k in [{}, {'momentum': None}, {'affine': False}, {'track_running_stats': False}, {'eps': 0.1, 'bias': False}]]",
    "m = M.nn.BatchNorm1d(2); m(M.tensor([[1., 2.], [3., 5.]])); m.reset_running_stats(); R = (m.running_mean, m.running_var, m.num_batches_tracked)",
    "m = M.nn.BatchNorm1d(2); m(M.tensor([[1., 2.], [3., 5.]])); s = M.nn.BatchNorm1d(2); s.load_state_dict(m.state_dict()); R = (s.running_mean, s.running_var, s.num_batches_tracked)",
    "m = M.nn.BatchNorm1d(2, dtype=M.float64)\nwith M.no_grad(): y = m(M.tensor([[1., 2.], [3., 5.]], dtype=M.float64))\nR = (y, m.running_mean, m.num_batches_tracked)",
    "R = M.nn.BatchNorm1d(3)(M.ones(1, 3))",
    "m = M.nn.BatchNorm1d(2); y = m(M.ones(0, 2)); z = M.nn.functional.batch_norm(M.ones(0, 2, 3), M.zeros(2), M.ones(2), training=True); m.eval(); R = (y, z, m(M.ones(0, 2)), m.running_mean, m.running_var, m.num_batches_tracked)",
    "R = M.nn.BatchNorm1d(3)(M.ones(1, 3, 1))",
    "R = M.nn.BatchNorm1d(3).eval()(M.tensor([[1., 2., 3.]]))",
    "R = M.nn.BatchNorm1d(3)(M.ones(2, 3, 4, 5))",
    "R = M.nn.BatchNorm1d(3)(M.ones(3))",
    "R = M.nn.BatchNorm1d(3)(M.ones(2, 4))",
    "R = M.nn.BatchNorm1d(3)(M.ones(2, 3, dtype=M.int64))",
    "R = M.nn.BatchNorm1d(3)(M.ones(2, 3, dtype=M.float64))",
    # F.batch_norm
    f"{_F}{_X3}; rm, rv = M.tensor([0.1, -0.2, 0.3], dtype=M.float64), M.tensor([1.5, 0.5, 2.], dtype=M.float64); {_PARAMS.format(n=4, s='3')}; y = F.batch_norm(x, rm, rv, W, B, training=True, momentum=0.2, eps=1e-3); (y * w).sum().backward(); R = (y, x.grad, W.grad, B.grad, rm, rv)",
    f"{_F}{_X3}; rm, rv = M.tensor([0.1, -0.2, 0.3], dtype=M.float64), M.tensor([1.5, 0.5, 2.], dtype=M.float64); {_PARAMS.format(n=4, s='3')}; y = F.batch_norm(x, rm, rv, W, B); (y * w).sum().backward(); R = (y, x.grad, W.grad, B.grad, rm, rv)",
    f"{_F}{_X3}; y = F.batch_norm(x, None, None, training=True); (y * w).sum().backward(); R = (y, x.grad)",
    f"{_F}R = F.batch_norm(M.ones(2, 3), None, None)",
    f"{_F}R = F.batch_norm(M.ones(2, 3), M.zeros(4), M.ones(4))",
    f"{_F}R = F.batch_norm(M.ones(2, 3), M.zeros(3), M.ones(3), M.ones(2))",
]


_V = "x = M.tensor([[3., -4., 0.], [0., 0., 0.], [1e-13, 0., -2e-13]], dtype=M.float64, requires_grad=True); w = M.tensor([[1., 2., -1.], [0.5, 3., 1.], [2., -1., 4.]], dtype=M.float64)"
_V2 = "y = M.tensor([[1., 2., 2.], [0., 1., 0.], [-1., 0.5, 3.]], dtype=M.float64, requires_grad=True)"

PROGRAMS += [
    # nn.Unflatten
    "x = M.arange(24., dtype=M.float64).reshape(2, 12).requires_grad_(); y = M.nn.Unflatten(1, (3, 4))(x); (y * y).sum().backward(); R = (y, x.grad)",
    "x = M.arange(24.).reshape(2, 3, 4); R = [M.nn.Unflatten(d, s)(x) for d, s in [(-1, [2, 2]), (0, (1, 2)), (1, (3, 1)), (2, (-1, 2)), (-3, [2, -1, 1]), (1, [3])]]",
    "R = [repr(M.nn.Unflatten(*a)) for a in [(1, (2, 3)), (-1, [2, -1]), (0, (5,))]]",
    "R = M.nn.Unflatten(1, (2, 2))(M.ones(2, 6))",
    # no elements: the -1 is inferred from the unflattened dim's size
    *(
        f"x = M.zeros({shape}, requires_grad=True); y = M.nn.Unflatten({d}, {s})(x); y.sum().backward(); R = (y, x.grad)"
        for shape, d, s in [
            ("0, 4", 1, (2, -1)),
            ("0, 4", 1, (-1, 4)),
            ("2, 0", 1, (0, -1)),
            ("2, 0", 1, (-1, 0)),
            ("2, 0", 1, (3, -1)),
            ("0, 0", 1, (2, -1)),
            ("0, 4", 1, (3, -1)),
            ("0, 4", 0, (2, -1)),
            ("0, 4", 0, (0, -1)),
            ("0, 4", 0, (-1,)),
            ("3, 0", 0, (3, -1)),
            ("0, 6", 1, (-1, -1)),
            ("0, 6", -1, [3, -1, 1]),
        ]
    ),
    "R = M.nn.Unflatten(1, (-1, -1))(M.ones(2, 6))",
    "R = M.nn.Unflatten(1, (-1, 4))(M.ones(2, 6))",
    "R = M.nn.Unflatten(3, (2, 3))(M.ones(2, 6))",
    "R = M.nn.Unflatten(1, (2., 3))",
    "R = M.nn.Unflatten(1, 6)",
    # F.normalize: p, dim, the eps floor (a zero row), broadcasting not needed
    *(
        f"{_F}{_V}; y = F.normalize(x{a}); (y * w).sum().backward(); R = (y, x.grad, {_NAME})"
        for a in [
            "",
            ", dim=0",
            ", p=1",
            ", p=3., dim=-1",
            ", p=float('inf')",
            ", eps=1e-3",
            ", 2, 1, 0.5",
        ]
    ),
    f"{_F}x = M.tensor([3., -4.], requires_grad=True); y = F.normalize(x, dim=0); y[0].backward(); R = (y, x.grad)",
    f"{_F}R = F.normalize(M.tensor([[1, 2]]))",
    f"{_F}R = F.normalize(M.ones(2, 3), dim=2)",
    f"{_F}R = F.normalize([1., 2.])",
    # F.cosine_similarity: broadcasting, zero vectors (the eps floor), integer inputs
    *(
        f"{_F}{_V}; {_V2}; c = F.cosine_similarity(x, y{a}); (c * M.tensor([1., -2., 3.], dtype=M.float64)).sum().backward(); R = (c, x.grad, y.grad, c.grad_fn.name().rstrip('0123456789'))"
        for a in ["", ", dim=0", ", eps=1e-2", ", 1, 0.5", ", dim=-1"]
    ),
    f"{_F}{_V}; {_V2}; c = F.cosine_similarity(x[:1], y); c.sum().backward(); R = (c, x.grad, y.grad)",
    f"{_F}{_V}; {_V2}; c = F.cosine_similarity(x[:1], y, dim=0); c.sum().backward(); R = (c, x.grad, y.grad)",
    f"{_F}{_V}; c = F.cosine_similarity(x, M.tensor([1., 2., 3.], dtype=M.float64), dim=-1); c.sum().backward(); R = (c, x.grad)",
    f"{_F}R = (F.cosine_similarity(M.tensor([[1, 2]]), M.tensor([[2., 1.]])), F.cosine_similarity(M.tensor([[1, 2]]), M.tensor([[2., 1.]], dtype=M.float64)), F.cosine_similarity(M.tensor([[1., 0.]]), M.tensor([[True, True]])))",
    f"{_F}R = F.cosine_similarity(M.tensor([[1, 2]]), M.tensor([[2, 1]]))",
    f"{_F}R = F.cosine_similarity(M.ones(2, 3), M.ones(3, 3))",
    f"{_F}R = F.cosine_similarity(M.ones(2, 3), M.ones(2, 3), dim=2)",
    f"{_F}R = F.cosine_similarity(M.ones(2, 3), [1., 2., 3.])",
    f"{_F}R = F.cosine_similarity(M.ones(3), M.ones(3), dim=0)",
]


@pytest.mark.parametrize("program", PROGRAMS)
def test_nn2_program_matches_pytorch(program):
    _matches_pytorch(program)


def _values_and_grads(M, activation, x, dtype):
    t = M.tensor(x, dtype=dtype, requires_grad=True)
    y = eval(activation, {"M": M, "F": M.nn.functional, "x": t})
    (y * y).sum().backward()
    return (
        [np.asarray(a) for a in (y.detach().numpy(), t.grad.numpy())]
        if M is torch
        else [y.data, t.grad.data]
    )


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_float32_activation_is_as_accurate_as_pytorch(activation):
    # NumPy's and PyTorch's float32 elementary functions differ in the last bits, so a
    # float32 result must be as close to the exact one (PyTorch in float64) as PyTorch's
    # float32 result is, give or take 2 units in the last place
    x = np.array([-90.0, -7.5, -2.0, -0.3, 0.0, 0.7, 1.5, 4.0, 30.0, 1e4], np.float32)
    got = _values_and_grads(mg, activation, x, mg.float32)
    want = _values_and_grads(torch, activation, x, torch.float32)
    exact = _values_and_grads(torch, activation, x, torch.float64)
    for g, w, e in zip(got, want, exact):
        assert g.dtype == w.dtype == np.float32
        ulp = np.spacing(np.abs(e).astype(np.float32))
        assert np.all(np.abs(g - e) <= np.abs(w - e) + 2 * ulp), (g, w, e)


# mixed float dtypes with 0-d and broadcast operands: PyTorch broadcasts input and target
# first (so a 0-d operand is not a weak one in promotion) and computes in the result dtype
_MIXED_X = {
    "()": "-0.078348024622405",
    "2": "[1.0722119808197021, -0.3]",
    "2, 2": "[[0.1, -2.2], [0.7, 0.25]]",
}
_MIXED_Y = {
    "()": "0.8951917886734009",
    "2": "[1.0846877098083496, 0.125]",
    "2, 2": "[[0.375, 1.5], [0.25, 0.75]]",
}
_MIXED_SHAPES = [
    ("()", "2"),
    ("2", "()"),
    ("2, 2", "2"),
    ("2", "2, 2"),
    ("()", "()"),
    ("2, 2", "2, 2"),
]
_MIXED_DTYPES = [("float32", "float64"), ("float64", "float32")]


def _mixed(sx, sy, dx, dy, grad):
    g = ", requires_grad=True" if grad else ""
    return f"{_F}x = M.tensor({_MIXED_X[sx]}, dtype=M.{dx}{g}); y = M.tensor({_MIXED_Y[sy]}, dtype=M.{dy}{g})"


PROGRAMS += [
    # l1_loss and smooth_l1_loss: the result in the promoted dtype, each gradient in its own
    *(
        f"{_mixed(sx, sy, dx, dy, True)}; L = {loss.format(r=f', reduction={red!r}', m=f'reduction={red!r}')}; L.sum().backward(); R = (L, x.grad, y.grad)"
        for loss in LOSSES
        if "uber" not in loss
        for red in _REDUCTIONS
        for sx, sy in _MIXED_SHAPES
        for dx, dy in _MIXED_DTYPES
    ),
    # huber_loss: computed in the promoted dtype, stored in the input's
    *(
        f"{_mixed(sx, sy, dx, dy, False)}; R = {loss.format(r=f', reduction={red!r}', m=f'reduction={red!r}')}"
        for loss in LOSSES
        if "uber" in loss
        for red in _REDUCTIONS
        for sx, sy in _MIXED_SHAPES
        for dx, dy in _MIXED_DTYPES
    ),
    # ... whose backward refuses two dtypes (PyTorch's kernel), whichever needs the gradient
    *(
        f"{_mixed(sx, sy, dx, dy, False)}; {v}.requires_grad_(); L = F.huber_loss(x, y, reduction='sum'); L.backward(); R = {v}.grad"
        for sx, sy in _MIXED_SHAPES[:3]
        for dx, dy in [*_MIXED_DTYPES, ("float32", "int64"), ("float64", "float64")]
        for v in ("x", "y")
        if dy != "int64" or v == "x"
    ),
    # kl_div does not broadcast first: only its dtypes (float32 exp and log differ by ulps)
    *(
        f"{_mixed(sx, sy, dx, dy, True)}; p = q = y; L = {loss.format(r=f', reduction={red!r}', m=f'reduction={red!r}')}; L.sum().backward(); R = (tuple(L.shape), [str(d).split('.')[-1] for d in (L.dtype, x.grad.dtype, y.grad.dtype)])"
        for loss in _KL
        for red in [*_REDUCTIONS, "batchmean"]
        for sx, sy in _MIXED_SHAPES
        for dx, dy in _MIXED_DTYPES
    ),
]


_EMB_W = "w = M.tensor([[0.5, -1.5, 2.], [3., 4., 0.], [0.1, 0.2, -0.3], [-2., 1., 1.], [1e-3, 0., 0.]], dtype=M.float64{})"
_EMB_G = "(e * M.arange(e.numel(), dtype=M.float64).reshape(e.shape)).sum().backward()"

PROGRAMS += [
    # max_norm: the rows the input picks are scaled in place (unrecorded) before the lookup
    *(
        f"{_F}{_EMB_W.format('')}; e = F.embedding(M.tensor({i}), w, max_norm={mx}, norm_type={p}); R = (e, w)"
        for i in ("[1, 3, 1]", "[[0, 4], [2, 2]]", "[-1, 4]")
        for mx in (1.0, 2.5, 0.0, -1.0)
        for p in (2.0, 1.0, 3.0, "float('inf')", 0.5, 0.0, -1.0)
    ),
    f"{_F}w = M.tensor([[3., 4.], [1., 1.], [0., 5.]]); e = F.embedding(M.tensor([0, 2]), w, max_norm=1.); R = (e, w)",
    f"{_F}w = M.tensor([[3., 4.], [1., 1.], [0., 5.]]); e = F.embedding(M.tensor([], dtype=M.int64), w, max_norm=1.); R = (e, w)",
    f"{_F}w = M.tensor([[3., 4.], [1., 1.], [0., 5.]]); e = F.embedding(M.tensor([[2, 0]], dtype=M.int32), w, None, 1., 1.); R = (e, w)",
    # out of range: the rows before it (in sorted order) are scaled, then it raises
    *(
        f"{_F}{_EMB_W.format('')}\ntry:\n    F.embedding(M.tensor({i}), w, max_norm=1.)\nexcept IndexError:\n    R = w"
        for i in ("[0, 1, 5]", "[-6, 1]", "[-1, 1, 5]", "[3, 9]")
    ),
    f"{_F}R = F.embedding(M.tensor([1, 5]), M.ones(5, 2), max_norm=1.)",
    f"{_F}R = F.embedding(M.tensor([1.]), M.ones(5, 2), max_norm=1.)",
    f"{_F}R = F.embedding(M.tensor([1]), M.tensor([[1, 2], [3, 4]]), max_norm=1.)",
    # the in-place scaling moves the weight's version: a graph that saved it refuses
    f"{_F}w = M.tensor([[0.1, 0.2], [3., 4.]], requires_grad=True); h = w * 1; y = (h * h).sum(); e = F.embedding(M.tensor([1]), h, max_norm=1.); y.backward(); R = w.grad",
    f"{_F}w = M.tensor([[0.1, 0.2], [3., 4.]], requires_grad=True); h = w * 1; y = h.sum() * 2; e = F.embedding(M.tensor([1]), h, max_norm=1.); y.backward(); R = (e, h, w.grad)",
    f"{_F}w = M.nn.Parameter(M.tensor([[0.1, 0.2], [3., 4.]], dtype=M.float64)); e = F.embedding(M.tensor([1, 1]), w, max_norm=1.); e.sum().backward(); R = (e, w, w.grad)",
    # scale_grad_by_freq: each row's gradient divided by its index's count; with padding_idx and max_norm
    *(
        f"{_F}{_EMB_W.format(', requires_grad=True')}; e = F.embedding(M.tensor({i}), w, {pad}, {mx}, 2., {sg}); {_EMB_G}; R = (e, w.grad, e.grad_fn.name().rstrip('0123456789'))"
        for i in (
            "[1, 3, 1]",
            "[[0, 1], [1, 1]]",
            "[[2, 2, 2, 2], [0, 1, 2, 4]]",
            "[4, 4, 4, 4, 0]",
        )
        for sg in (False, True)
        for pad in (None, 1, -1)
        for mx in (None, 1.0)
    ),
    # nn.Embedding: PyTorch's arguments in its order, _weight, _freeze, from_pretrained, repr
    "m = M.nn.Embedding(3, 2, None, 1.0); R = (repr(m), m.max_norm, m.norm_type, m.scale_grad_by_freq, m.sparse, m.padding_idx, m.weight.requires_grad, m.weight.shape)",
    "m = M.nn.Embedding(3, 2, -1, 2, 1., True, True); R = (repr(m), m.max_norm, m.norm_type, m.scale_grad_by_freq, m.sparse, m.padding_idx, m.weight[2])",
    "R = [repr(M.nn.Embedding(3, 2, **k)) for k in [{}, {'norm_type': 2}, {'norm_type': 1}, {'max_norm': 0.5}, {'scale_grad_by_freq': True}, {'padding_idx': 0, 'max_norm': 1., 'norm_type': 3., 'scale_grad_by_freq': True}]]",
    "m = M.nn.Embedding(3, 2, _freeze=True); R = (m.weight.requires_grad, list(m.parameters())[0].requires_grad)",
    "w = M.arange(6., dtype=M.float64).reshape(3, 2); m = M.nn.Embedding(3, 2, _weight=w); w.add_(1); R = (m.weight, m(M.tensor([2, 0])))",
    "R = M.nn.Embedding(3, 2, _weight=M.ones(2, 3))",
    "R = M.nn.Embedding(3, 2, _weight=M.ones(3, 2, dtype=M.float64), dtype=M.float32).weight.dtype == M.float64",
    "e = M.arange(6., dtype=M.float64).reshape(3, 2); m = M.nn.Embedding.from_pretrained(e); R = (repr(m), m.weight, m.padding_idx, m.max_norm, m(M.tensor([1])))",
    "e = M.tensor([[3., 4.], [1., 1.], [0., 5.]], dtype=M.float64); m = M.nn.Embedding.from_pretrained(e, False, -1, 1.5, 3., True); y = m(M.tensor([0, 2, 2])); y.sum().backward(); R = (repr(m), y, e, m.weight.grad)",
    "e = M.tensor([[3., 4.], [1., 1.], [0., 5.]], dtype=M.float64); m = M.nn.Embedding.from_pretrained(e, freeze=False, max_norm=1.); y = m(M.tensor([[0], [2]])); R = (y, e, m.weight)",
    "R = M.nn.Embedding.from_pretrained(M.ones(3))",
    # an index out of range: IndexError, but PyTorch's empty-row kernel raises a RuntimeError
    f"{_F}R = F.embedding(M.tensor([3]), M.zeros(3, 2))",
    f"{_F}R = F.embedding(M.tensor([-1]), M.zeros(3, 2))",
    f"{_F}R = F.embedding(M.tensor([3]), M.zeros(3, 0))",
    f"{_F}R = F.embedding(M.tensor([-1]), M.zeros(3, 0))",
    f"{_F}R = F.embedding(M.tensor([[2, 0]]), M.zeros(3, 0))",
]

PROGRAMS += [
    # an operand broadcast to a shape with no elements (a dim of 1 taken to 0)
    f"{_F}x = M.zeros(0, 2, requires_grad=True); y = M.tensor([[-2.5, 1.]], requires_grad=True); c = F.cosine_similarity(x, y, dim=0); c.sum().backward(); R = (c, x.grad, y.grad)",
    f"{_F}x = M.zeros(0, 2, requires_grad=True); y = M.tensor([[-2.5, 1.]], requires_grad=True); c = F.cosine_similarity(x, y, dim=1); c.sum().backward(); R = (c, x.grad, y.grad)",
    f"{_F}x = M.zeros(0, 2, requires_grad=True); y = M.tensor([-2.5, 1.], requires_grad=True); c = F.cosine_similarity(y, x, dim=-1); c.sum().backward(); R = (c, x.grad, y.grad)",
    f"{_F}x = M.zeros(2, 0, 3, requires_grad=True); y = M.ones(2, 1, 3, requires_grad=True); c = F.cosine_similarity(x, y, dim=1); c.sum().backward(); R = (c, x.grad, y.grad)",
    f"{_F}x = M.zeros(0, 2, requires_grad=True); y = M.tensor([[-2.5, 1.]], requires_grad=True); L = F.l1_loss(x, y); L.backward(); R = (L, x.grad, y.grad)",
    f"{_F}x = M.zeros(0, 2, requires_grad=True); y = M.tensor([-2.5, 1.], requires_grad=True); L = F.smooth_l1_loss(x, y, reduction='sum'); L.backward(); R = (L, x.grad, y.grad)",
    f"{_F}x = M.tensor([[-2.5, 1.]], requires_grad=True); y = M.zeros(0, 1); L = F.huber_loss(x, y, reduction='none'); L.sum().backward(); R = (L, x.grad)",
    f"{_F}x = M.tensor(1.5, requires_grad=True); y = M.zeros(0, 3); L = F.l1_loss(x, y, reduction='none'); L.sum().backward(); R = (L, x.grad)",
]


def test_gelu_in_float32_is_pytorchs_kernel():
    """PyTorch's float32 GELU does not use torch.erf but an approximation, vectorized with
    fused multiply-adds; minigrad computes the same formula. Most values are PyTorch's bits
    (an exact erf gives 30% of them), and so are the signed zeros, infinities and NaN."""
    rng = np.random.default_rng(0)
    special = [0.0, -0.0, 1e-30, -1e-30, 60000, -60000, 3e38, -3e38, np.inf, -np.inf, np.nan]
    x = np.concatenate([rng.standard_normal(100_000) * 3, special]).astype(np.float32)
    g = rng.standard_normal(x.shape).astype(np.float32)
    t = torch.tensor(x, requires_grad=True)
    torch.nn.functional.gelu(t).backward(torch.tensor(g))
    m = mg.tensor(x, requires_grad=True)
    y = mg.nn.functional.gelu(m)
    y.backward(mg.tensor(g))
    want, got = torch.nn.functional.gelu(torch.tensor(x)).numpy(), y.detach().numpy()
    same = want.view(np.int32) == got.view(np.int32)
    assert same[-len(special) :].all()
    assert same.mean() > 0.8
    np.testing.assert_allclose(got, want, rtol=1e-3, atol=3e-7)  # the tails lose digits
    grads = t.grad.numpy(), m.grad.numpy()
    assert (grads[0] == grads[1]).mean() > 0.4  # an exact erf: 29%
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-3, atol=1e-6, equal_nan=True)


def test_gelu_of_one_element_is_pytorchs_scalar_path():
    """For a single element PyTorch's kernel takes its scalar path (erf within an ulp, no
    fused multiply-add), so GELU of -10 is -0.0 there, and +0.0 in a longer tensor."""
    values = np.random.default_rng(1).standard_normal(300).astype(np.float32) * 3
    same = 0
    for v in [*values, -0.0, -10.0, -1e30]:
        want = torch.nn.functional.gelu(torch.tensor(v)).numpy()
        got = mg.nn.functional.gelu(mg.tensor(np.float32(v))).numpy()
        same += want.tobytes() == got.tobytes()
    assert same / (len(values) + 3) > 0.95  # PyTorch's erff is not always correctly rounded
    for v in (-0.0, -10.0):
        assert np.signbit(mg.nn.functional.gelu(mg.tensor(np.float32(v))).numpy())
        assert not np.signbit(mg.nn.functional.gelu(mg.tensor(np.float32([v, v]))).numpy()).any()


def test_batch_norm_in_eval_reads_the_running_stats_at_backward():
    """Eval batch_norm saves its running stats: changed in place before backward, backward
    raises; updated by a training forward (which, as PyTorch's kernel, leaves their
    version alone), backward uses the new values, as PyTorch's does."""
    x = np.random.default_rng(2).standard_normal((6, 3)).astype(np.float32)
    grads = []
    for lib in (torch, mg):
        rm, rv = lib.zeros(3), lib.ones(3)
        w = lib.tensor(np.array([1.0, 2.0, -1.0], np.float32), requires_grad=True)
        y = lib.nn.functional.batch_norm(lib.tensor(x), rm, rv, w, None, False)
        lib.nn.functional.batch_norm(lib.tensor(x) * 2, rm, rv, training=True)
        y.sum().backward()
        grads.append(w.grad.numpy())
        y = lib.nn.functional.batch_norm(lib.tensor(x), rm, rv, w, None, False)
        with lib.no_grad():
            rm.add_(1.0)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-6)
