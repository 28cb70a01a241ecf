# ruff: noqa: E501 - the programs are data, one per line
"""BatchNorm2d/3d, GroupNorm, InstanceNorm1d/2d, F.group_norm and F.instance_norm against
PyTorch, program by program (the harness of test_torch_oracle_autograd: both frameworks
must give equal results, or raise the same class of exception), plus float32 accuracy
and loading a PyTorch state_dict."""

import numpy as np
import pytest
from test_torch_oracle_autograd import test_program_matches_pytorch as _matches_pytorch
from torch_oracle import import_torch

torch = import_torch()

import minigrad as mg  # noqa: E402

_F = "F = M.nn.functional\n"
_NAME = "y.grad_fn.name().rstrip('0123456789')"
_X4 = "x = (M.arange(48., dtype=M.float64).reshape(2, 3, 2, 4) ** 1.3 % 5 - 2).requires_grad_(); w = M.arange(48., dtype=M.float64).reshape(2, 3, 2, 4) ** 1.5 / 40"
_X5 = "x = (M.arange(72., dtype=M.float64).reshape(2, 3, 2, 3, 2) ** 1.3 % 7 - 3).requires_grad_(); w = M.arange(72., dtype=M.float64).reshape(2, 3, 2, 3, 2) ** 1.5 / 90"
_X3 = "x = (M.arange(48., dtype=M.float64).reshape(2, 6, 4) ** 1.3 % 5 - 2).requires_grad_(); w = M.arange(48., dtype=M.float64).reshape(2, 6, 4) ** 1.5 / 40"
_SET3 = "\nwith M.no_grad(): m.weight.copy_(M.tensor([0.5, -1.5, 2.], dtype=M.float64)); m.bias.copy_(M.tensor([0.1, 0.2, -0.3], dtype=M.float64))\n"
_SET6 = "\nwith M.no_grad(): m.weight.copy_(M.tensor([0.5, -1.5, 2., 1., 0.3, -0.7], dtype=M.float64)); m.bias.copy_(M.tensor([0.1, 0.2, -0.3, 0., 1., -1.], dtype=M.float64))\n"
_GRADS = "(y * w).sum().backward(); R = (y, x.grad, m.weight.grad, m.bias.grad"
_STEPS = "\nfor k in range(3): m(x * (k + 1) - k)\n"

PROGRAMS = [
    # BatchNorm2d / 3d in training: batch statistics, running stats, gradients
    f"{_X4}; m = M.nn.BatchNorm2d(3, dtype=M.float64){_SET3}y = m(x); {_GRADS}, m.running_mean, m.running_var, m.num_batches_tracked, {_NAME})",
    f"{_X5}; m = M.nn.BatchNorm3d(3, eps=1e-3, dtype=M.float64){_SET3}y = m(x); {_GRADS}, m.running_mean, m.running_var, m.num_batches_tracked, {_NAME})",
    # several steps, momentum 0.1, a custom one and None (the cumulative average); then eval
    *(
        f"{x}; m = M.nn.{cls}(3, momentum={mom}, dtype=M.float64){_SET3}{_STEPS}R0 = (m.running_mean.clone(), m.running_var.clone(), m.num_batches_tracked.clone()); m.eval(); y = m(x); {_GRADS}, m.running_mean, m.running_var, m.num_batches_tracked, R0, {_NAME})"
        for x, cls in [(_X4, "BatchNorm2d"), (_X5, "BatchNorm3d")]
        for mom in ["0.1", "0.3", "None"]
    ),
    f"{_X4}; m = M.nn.BatchNorm2d(3, affine=False, dtype=M.float64); y = m(x); (y * w).sum().backward(); R = (y, x.grad, m.weight, m.bias, list(m.state_dict()))",
    f"{_X4}; m = M.nn.BatchNorm2d(3, track_running_stats=False, dtype=M.float64); y = m(x); m.eval(); z = m(x); (z * w).sum().backward(); R = (y, z, x.grad, m.running_mean, m.num_batches_tracked, list(m.state_dict()))",
    f"{_X4}; m = M.nn.BatchNorm2d(3, bias=False, dtype=M.float64); y = m(x); (y * w).sum().backward(); R = (y, x.grad, m.weight.grad, m.bias)",
    f"{_X4}; m = M.nn.BatchNorm2d(3, dtype=M.float64).eval(); y = m(x); {_GRADS})",
    f"{_X4}; m = M.nn.BatchNorm2d(3, dtype=M.float64); m(x); m.reset_running_stats(); R = (m.running_mean, m.running_var, m.num_batches_tracked)",
    # state_dict, buffers, repr
    "m = M.nn.BatchNorm2d(3); R = (repr(m), list(m.state_dict().items()), [n for n, _ in m.named_buffers()], m.num_batches_tracked.dtype == M.int64)",
    "m = M.nn.BatchNorm3d(2, dtype=M.float64); R = (list(m.state_dict().items()), [n for n, _ in m.named_parameters()])",
    *(
        f"R = [repr(M.nn.{cls}(4, **k)) for k in [{{}}, {{'momentum': None}}, {{'affine': False}}, {{'track_running_stats': False}}, {{'eps': 0.1, 'bias': False}}]]"
        for cls in [
            "BatchNorm2d",
            "BatchNorm3d",
            "InstanceNorm1d",
            "InstanceNorm2d",
            "InstanceNorm3d",
        ]
    ),
    "R = [repr(M.nn.GroupNorm(*a, **k)) for a, k in [((2, 4), {}), ((1, 3), {'eps': 0.1}), ((3, 6), {'affine': False}), ((2, 2), {'bias': False})]]",
    "m = M.nn.BatchNorm2d(2, dtype=M.float64); m(M.arange(8., dtype=M.float64).reshape(2, 2, 2, 1)); s = M.nn.BatchNorm2d(2, dtype=M.float64); s.load_state_dict(m.state_dict()); R = (s.running_mean, s.running_var, s.num_batches_tracked)",
    # wrong dims, a batch of one, dtypes
    "R = M.nn.BatchNorm2d(3)(M.ones(2, 3, 4))",
    "R = M.nn.BatchNorm2d(3)(M.ones(2, 3, 4, 4, 4))",
    "R = M.nn.BatchNorm3d(3)(M.ones(2, 3, 4, 4))",
    "R = M.nn.BatchNorm2d(3)(M.ones(2, 4, 2, 2))",
    "R = M.nn.BatchNorm2d(3)(M.ones(1, 3, 1, 1))",
    "R = M.nn.BatchNorm3d(3)(M.ones(1, 3, 1, 1, 1))",
    "m = M.nn.BatchNorm2d(3, dtype=M.float64); y = m(M.arange(6., dtype=M.float64).reshape(1, 3, 2, 1)); R = (y, m.running_mean, m.running_var)",
    "m = M.nn.BatchNorm2d(3, dtype=M.float64); y = m(M.arange(6., dtype=M.float64).reshape(1, 3, 1, 2)); R = (y, m.running_mean, m.running_var)",
    "R = M.nn.BatchNorm2d(3).eval()(M.ones(1, 3, 1, 1) * 2)",
    "R = M.nn.BatchNorm2d(3)(M.ones(2, 3, 2, 2, dtype=M.int64))",
    "R = M.nn.BatchNorm2d(3)(M.ones(2, 3, 2, 2, dtype=M.float64))",
    "m = M.nn.BatchNorm2d(2); y = m(M.ones(0, 2, 3, 3)); R = (y, m.running_mean, m.num_batches_tracked)",
    # GroupNorm and F.group_norm: values and gradients
    f"{_X3}; m = M.nn.GroupNorm(3, 6, dtype=M.float64){_SET6}y = m(x); {_GRADS}, {_NAME})",
    f"{_X3}; m = M.nn.GroupNorm(2, 6, eps=1e-3, dtype=M.float64){_SET6}m.eval(); y = m(x); {_GRADS}, {_NAME})",
    f"{_X3}; m = M.nn.GroupNorm(1, 6, dtype=M.float64){_SET6}y = m(x); {_GRADS})",
    f"{_X3}; m = M.nn.GroupNorm(6, 6, dtype=M.float64){_SET6}y = m(x); {_GRADS})",
    f"{_X3}; m = M.nn.GroupNorm(3, 6, affine=False, dtype=M.float64); y = m(x); (y * w).sum().backward(); R = (y, x.grad, m.weight, list(m.state_dict()))",
    f"{_X3}; m = M.nn.GroupNorm(3, 6, bias=False, dtype=M.float64); y = m(x); (y * w).sum().backward(); R = (y, x.grad, m.weight.grad, m.bias, list(m.state_dict().items()))",
    f"{_X4}; m = M.nn.GroupNorm(3, 3, dtype=M.float64){_SET3}y = m(x); {_GRADS})",
    f"{_X5}; m = M.nn.GroupNorm(1, 3, dtype=M.float64){_SET3}y = m(x); {_GRADS})",
    f"{_F}{_X3}; W = (M.arange(1., 7., dtype=M.float64) / 3).requires_grad_(); B = (M.arange(6., dtype=M.float64) / 5 - 0.3).requires_grad_(); y = F.group_norm(x, 2, W, B, 0.1); (y * w).sum().backward(); R = (y, x.grad, W.grad, B.grad)",
    f"{_F}{_X3}; y = F.group_norm(x.reshape(2, 6, 2, 2), 3); (y * w.reshape(2, 6, 2, 2)).sum().backward(); R = (y, x.grad)",
    f"{_F}x = M.arange(12., dtype=M.float64).reshape(2, 6).requires_grad_(); y = F.group_norm(x ** 1.5, 2); (y * x).sum().backward(); R = (y, x.grad)",
    "m = M.nn.GroupNorm(2, 4); R = (list(m.state_dict().items()), m.num_groups, m.num_channels, m.weight.dtype == M.float32, M.nn.GroupNorm(2, 4, dtype=M.float64).bias.dtype == M.float64)",
    # GroupNorm errors: bad group counts, dims, sizes, dtypes
    "R = M.nn.GroupNorm(4, 6)",
    "R = M.nn.GroupNorm(0, 6)",
    "R = M.nn.GroupNorm(4, 6)(M.ones(2, 6, 3))",
    "R = M.nn.GroupNorm(3, 6)(M.ones(2, 4, 3))",
    "R = M.nn.GroupNorm(3, 3)(M.ones(1, 3, 1))",
    "R = M.nn.GroupNorm(3, 3)(M.ones(1, 3))",
    "R = M.nn.GroupNorm(1, 3)(M.ones(1, 3))",
    "R = M.nn.GroupNorm(3, 3)(M.ones(3))",
    "R = M.nn.GroupNorm(3, 3)(M.ones(2, 3, dtype=M.int64))",
    "R = M.nn.GroupNorm(3, 3)(M.ones(2, 3, dtype=M.float64))",
    f"{_F}R = F.group_norm(M.ones(2, 6, 4), 4)",
    f"{_F}R = F.group_norm(M.ones(2, 6, 4), 0)",
    f"{_F}R = F.group_norm(M.ones(2, 6, 4), -2)",
    f"{_F}R = F.group_norm(M.ones(2, 6, 4), 3, M.ones(5))",
    f"{_F}R = F.group_norm(M.ones(2, 6, 4), 3, None, M.ones(6, 1))",
    f"{_F}R = F.group_norm(M.ones(2, 6, 4, dtype=M.float64), 3, M.ones(6))",
    f"{_F}R = (F.group_norm(M.ones(0, 6, 4), 3), F.group_norm(M.ones(2, 6, 0), 3))",
    # InstanceNorm1d / 2d and F.instance_norm
    f"{_X3}; m = M.nn.InstanceNorm1d(6, dtype=M.float64); y = m(x); (y * w).sum().backward(); R = (y, x.grad, m.weight, m.running_mean, list(m.state_dict()))",
    f"{_X4}; m = M.nn.InstanceNorm2d(3, affine=True, dtype=M.float64){_SET3}y = m(x); {_GRADS}, list(m.state_dict()))",
    *(
        f"{x}; m = M.nn.{cls}(3, affine=True, track_running_stats=True, momentum={mom}, dtype=M.float64){_SET3}{_STEPS}R0 = (m(x), m.running_mean.clone(), m.running_var.clone(), m.num_batches_tracked.clone()); m.eval(); y = m(x); {_GRADS}, m.running_mean, m.running_var, R0, list(m.state_dict()))"
        for x, cls in [
            (_X4.replace("2, 3, 2, 4", "4, 3, 4"), "InstanceNorm1d"),
            (_X4, "InstanceNorm2d"),
        ]
        for mom in ["0.1", "None"]
    ),
    f"{_X4}; m = M.nn.InstanceNorm1d(3, affine=True, dtype=M.float64){_SET3}x = x[0].detach().requires_grad_(); w = w[0]; y = m(x); {_GRADS})",
    f"{_X4}; m = M.nn.InstanceNorm2d(3, affine=True, dtype=M.float64){_SET3}x = x[0].detach().requires_grad_(); w = w[0]; y = m(x); {_GRADS})",
    f"{_X4}; m = M.nn.InstanceNorm2d(3, track_running_stats=True, dtype=M.float64); x = x[0].detach(); m(x); m.eval(); R = (m(x), m.running_mean, m.running_var)",
    "R = M.nn.InstanceNorm1d(4)(M.arange(24., dtype=M.float64).reshape(2, 3, 4) ** 1.5)",
    "R = M.nn.InstanceNorm1d(3, affine=True)(M.ones(2, 4, 5))",
    "R = M.nn.InstanceNorm1d(3)(M.ones(2, 3, 4, 5))",
    "R = M.nn.InstanceNorm1d(3)(M.ones(2, 3, 1))",
    "R = M.nn.InstanceNorm2d(3)(M.ones(2, 3, 4))",
    "R = M.nn.InstanceNorm2d(3)(M.ones(3, 4, 4, 4, 4))",
    "R = M.nn.InstanceNorm2d(3)(M.ones(2, 3, 1, 1))",
    "R = M.nn.InstanceNorm3d(3)(M.ones(2, 3, 4))",
    "R = M.nn.InstanceNorm3d(2)(M.arange(48., dtype=M.float64).reshape(2, 2, 2, 3, 2) ** 1.5)",
    "x = (M.arange(24., dtype=M.float64).reshape(2, 2, 3, 2) ** 1.5).requires_grad_(); m = M.nn.InstanceNorm3d(2, affine=True, track_running_stats=True, dtype=M.float64); y = m(x); (y * y.detach()).sum().backward(); m.eval(); R = (y, x.grad, m.weight.grad, m.running_mean, m.running_var, m(x))",
    "R = M.nn.InstanceNorm1d(3, track_running_stats=True).eval()(M.arange(6.).reshape(1, 3, 2) ** 2)",
    f"{_F}{_X3}; W = (M.arange(1., 7., dtype=M.float64) / 3).requires_grad_(); B = (M.arange(6., dtype=M.float64) / 5 - 0.3).requires_grad_(); rm = M.zeros(6, dtype=M.float64); rv = M.ones(6, dtype=M.float64); y = F.instance_norm(x, rm, rv, W, B, momentum=0.2, eps=0.1); (y * w).sum().backward(); R = (y, x.grad, W.grad, B.grad, rm, rv)",
    f"{_F}{_X3}; rm = M.arange(6., dtype=M.float64) / 4; rv = M.arange(1., 7., dtype=M.float64); y = F.instance_norm(x, rm, rv, use_input_stats=False); (y * w).sum().backward(); R = (y, x.grad, rm, rv)",
    f"{_F}R = F.instance_norm(M.ones(2, 3, 4), M.zeros(3), None)",
    f"{_F}R = F.instance_norm(M.ones(2, 3, 4), None, None, use_input_stats=False)",
    f"{_F}R = F.instance_norm(M.ones(2, 3, 4), M.zeros(4), M.ones(4))",
    f"{_F}R = F.instance_norm(M.ones(2, 3, 4), weight=M.ones(4))",
    f"{_F}R = F.instance_norm(M.ones(2, 3))",
    f"{_F}R = F.instance_norm(M.ones(2, 3, 4, dtype=M.int64))",
    f"{_F}R = F.instance_norm(M.ones(0, 3, 4))",
]


@pytest.mark.parametrize("program", PROGRAMS)
def test_norm2_program_matches_pytorch(program):
    _matches_pytorch(program)


def _norm_module(M, which, dtype):
    m = {
        "BatchNorm2d": lambda: M.nn.BatchNorm2d(4, dtype=dtype),
        "GroupNorm": lambda: M.nn.GroupNorm(2, 4, dtype=dtype),
        "InstanceNorm2d": lambda: M.nn.InstanceNorm2d(4, affine=True, dtype=dtype),
    }[which]()
    with M.no_grad():
        m.weight.copy_(M.tensor([0.5, -1.5, 2.0, 0.75], dtype=dtype))
        m.bias.copy_(M.tensor([0.1, 0.2, -0.3, 1.0], dtype=dtype))
    return m


_XF = (np.arange(96.0).reshape(2, 4, 3, 4) ** 1.3 % 5 - 2).astype(np.float32)


@pytest.mark.parametrize("which", ["BatchNorm2d", "GroupNorm", "InstanceNorm2d"])
def test_float32_normalization_is_as_accurate_as_pytorch(which):
    results = []
    for M, dtype in ((mg, mg.float32), (torch, torch.float32), (torch, torch.float64)):
        x = M.tensor(_XF, dtype=dtype, requires_grad=True)
        m = _norm_module(M, which, dtype)
        y = m(x)
        # a linear loss: its gradient, x's upstream one, is the same in every precision
        (y * M.tensor(_XF**2, dtype=dtype)).sum().backward()
        arrays = [y, x.grad, m.weight.grad, m.bias.grad]
        results.append([np.asarray(a.detach().numpy() if M is torch else a.data) for a in arrays])
    for got, want, exact in zip(*results):
        assert got.dtype == want.dtype == np.float32
        ulp = np.spacing(np.abs(exact).astype(np.float32))
        # the parameter gradients are sums of many terms: their rounding grows with the count
        assert np.all(np.abs(got - exact) <= np.abs(want - exact) + 8 * ulp)
        np.testing.assert_allclose(got, exact, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize(
    "make",
    [
        lambda M: M.nn.BatchNorm2d(4, momentum=None),
        lambda M: M.nn.BatchNorm3d(4),
        lambda M: M.nn.GroupNorm(2, 4),
        lambda M: M.nn.InstanceNorm2d(4, affine=True, track_running_stats=True),
    ],
)
def test_loads_a_pytorch_state_dict(make):
    source = make(torch)
    x = np.arange(2 * 4 * 27.0).reshape(2, 4, 3, 3, 3) ** 1.2 % 7
    x = x[..., 0] if not isinstance(source, torch.nn.BatchNorm3d) else x
    with torch.no_grad():
        for p in source.parameters():
            p.copy_(torch.linspace(-1, 2, p.numel()))
        for k in range(2):
            source(torch.tensor(x * (k + 1), dtype=torch.float32))
    source.eval()
    target = make(mg)
    missing = target.load_state_dict(
        {k: mg.tensor(v.numpy()) for k, v in source.state_dict().items()}
    )
    assert not missing or list(missing) == [[], []]
    target.eval()
    for k, v in source.state_dict().items():
        np.testing.assert_array_equal(target.state_dict()[k].data, v.numpy())
    want = source(torch.tensor(x, dtype=torch.float32)).detach().numpy()
    np.testing.assert_allclose(
        target(mg.tensor(x, dtype=mg.float32)).data, want, rtol=1e-5, atol=1e-5
    )
