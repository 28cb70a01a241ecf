"""PyTorch's tutorial programs run twice, once with ``import torch`` and once with
``import minigrad as torch``: each program takes the module (and its ``nn``,
``nn.functional``, ``optim``, ``utils.data``) and returns what it prints, and both
runs must agree. Random draws differ between the two (minigrad's generator is NumPy's),
so the programs take their data and initial weights from NumPy."""

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()


def test_device_selection():
    def program(T):
        device = T.accelerator.current_accelerator().type if T.accelerator.is_available() else "cpu"
        older = (
            "cuda" if T.cuda.is_available() else "mps" if T.backends.mps.is_available() else "cpu"
        )
        x = T.ones(2, 3, device=device)
        return device, older, str(x.device), T.accelerator.device_count()

    assert program(mg) == program(torch)


def _tensors_tutorial(T):
    """The "Tensors" tutorial's operations on a tensor of ones with a zero column."""
    out = []
    tensor = T.ones(4, 4)
    tensor[:, 1] = 0
    y1 = tensor @ tensor.T
    y2 = tensor.matmul(tensor.T)
    y3 = T.rand_like(y1)
    r = T.matmul(tensor, tensor.T, out=y3)
    out += [y1.tolist(), y2.tolist(), y3.tolist(), r is y3]
    z1 = tensor * tensor
    z2 = tensor.mul(tensor)
    z3 = T.rand_like(tensor)
    r = T.mul(tensor, tensor, out=z3)
    out += [z1.tolist(), z2.tolist(), z3.tolist(), r is z3]
    agg = tensor.sum()
    agg_item = agg.item()
    out += [agg_item, type(agg_item).__name__]
    tensor.add_(5)
    out.append(tensor.tolist())
    t = T.ones(5)
    n = t.numpy()
    t.add_(1)
    out.append(n.tolist())
    n = np.ones(5)
    t = T.from_numpy(n)
    np.add(n, 1, out=n)
    out += [t.tolist(), str(t.dtype).split(".")[-1]]
    out.append(T.cat([tensor, tensor, tensor], dim=1).tolist())
    return out


def test_tensors_tutorial():
    assert _tensors_tutorial(mg) == _tensors_tutorial(torch)


@pytest.mark.parametrize(
    "code",
    [
        "T.mul(a, a, out=T.empty(2, 2, dtype=T.float64))",
        "T.mul(a, a, out=T.empty(2, 2, dtype=T.int64))",
        "T.mul(a.long(), a.long(), out=T.empty(2, 2))",
        "T.mul(a, 3, out=T.empty(0))",
        "T.mul(2, a, out=T.empty(0))",
        "T.add(a, a, alpha=2, out=T.empty(0))",
        "T.sub(a, 2, alpha=3, out=T.empty(0))",
        "T.div(a, 3, out=T.empty(0))",
        "T.div(a.long(), 3, rounding_mode='floor', out=T.empty(0, dtype=T.long))",
        "T.mul(a.clone().requires_grad_(), a, out=T.empty(2, 2))",
        "T.mul(a, a, out=T.empty(2, 2, requires_grad=True))",
        "T.exp(a, out=T.empty(2, 2))",
        "T.sum(a, 0, out=T.empty(2))",
        "T.max(a, 0, out=(T.empty(2), T.empty(2, dtype=T.long)))",
        "T.matmul(a, a + 1, out=T.empty(2, 2))",
        "T.pow(a, 2, out=T.empty(0))",
        "T.pow(a, a, out=T.empty(0, dtype=T.float64))",
        "T.cat([a, a], out=T.empty(0))",
        "T.stack([a, a], 1, out=T.empty(0))",
        "T.where(a > 2, a, -a, out=T.empty(0))",
        "T.maximum(a, 2 * a - 3, out=T.empty(0))",
        "T.minimum(a, 2 * a - 3, out=T.empty(0))",
        "T.remainder(a, 3, out=T.empty(0))",
        "T.floor_divide(a, 3, out=T.empty(0))",
        "T.true_divide(a, 3, out=T.empty(0))",
        "T.pow(a.clone().requires_grad_(), 2, out=T.empty(0))",
        "T.transpose(a, 0, 1, out=T.empty(0))",
        "T.unsqueeze(a, 0, out=T.empty(0))",
        "T.flatten(a, out=T.empty(0))",
        "T.relu(a, out=T.empty(0))",
    ],
)
def test_out_argument(code):
    def outcome(T):
        a = T.tensor([[1.0, 2.0], [3.0, 4.0]])
        try:
            r = eval(code, {"T": T, "a": a})
        except (RuntimeError, TypeError) as e:
            return type(e).__name__
        rs = r if isinstance(r, tuple) else (r,)
        return [(x.tolist(), str(x.dtype).split(".")[-1]) for x in rs]

    ours, theirs = outcome(mg), outcome(torch)
    if isinstance(theirs, str):
        assert ours == theirs
    else:
        assert len(ours) == len(theirs)
        for (v, d), (tv, td) in zip(ours, theirs):
            assert d == td
            np.testing.assert_allclose(v, tv, rtol=1e-6)


@pytest.mark.parametrize(
    "code",
    [
        "T.empty(3000).random_(2, 5)",
        "T.empty(3000, dtype=T.int64).random_(3)",
        "T.empty(3000, dtype=T.int8).random_(-128, -126)",
        "T.empty(3000, dtype=T.bool).random_()",
        "T.empty(3000, dtype=T.uint8).random_(250, 256)",
        "T.empty(3000).random_(to=2)",
        "T.empty(3).random_(5, 2)",
        "T.empty(3).random_(0)",
        "T.empty(3, dtype=T.uint8).random_(0, 300)",
        "T.empty(3, dtype=T.uint8).random_(-1, 3)",
        "T.empty(3, dtype=T.bool).random_(0, 3)",
        "T.empty(3, requires_grad=True).random_(3)",
        "T.empty(3).random_(1.5, 3.7)",
    ],
)
def test_random_(code):
    def outcome(T):
        try:
            r = eval(code, {"T": T})
        except (RuntimeError, TypeError) as e:
            return type(e).__name__
        return sorted(set(r.tolist())), str(r.dtype).split(".")[-1]

    assert outcome(mg) == outcome(torch)


def test_seed_everything_boilerplate():
    def program(T):
        T.manual_seed(0)
        T.cuda.manual_seed(0)
        T.cuda.manual_seed_all(0)
        T.backends.cudnn.deterministic = True
        T.backends.cudnn.benchmark = False
        T.use_deterministic_algorithms(True)
        T.set_float32_matmul_precision("high")
        out = [
            T.are_deterministic_algorithms_enabled(),
            T.is_deterministic_algorithms_warn_only_enabled(),
            T.get_float32_matmul_precision(),
            T.backends.cudnn.is_available(),
            T.cuda.is_initialized(),
            T.cuda.empty_cache(),
            T.cuda.seed_all(),
            [T.pi, T.e, T.inf, T.newaxis],
        ]
        T.use_deterministic_algorithms(False)
        T.set_float32_matmul_precision("highest")
        T.backends.cudnn.deterministic = False
        return out + [T.are_deterministic_algorithms_enabled(), T.get_float32_matmul_precision()]

    assert program(mg) == program(torch)


def _amp_program(T, device, use_amp, **kw):
    """The "Automatic Mixed Precision" recipe's loop (scale, unscale_ for clipping, step,
    update), with an overflowing batch whose step the scaler must skip."""
    import warnings

    rng = np.random.default_rng(0)
    layers = []
    for _ in range(2):
        layers += [T.nn.Linear(8, 8), T.nn.ReLU()]
    net = T.nn.Sequential(*layers, T.nn.Linear(8, 4))
    with T.no_grad():
        for p in net.parameters():
            p.copy_(T.tensor(rng.standard_normal(tuple(p.shape)).astype(np.float32) * 0.3))
    data = [T.tensor(rng.standard_normal((16, 8)).astype(np.float32)) for _ in range(6)]
    targets = [T.tensor(rng.standard_normal((16, 4)).astype(np.float32)) for _ in range(6)]
    data[3] = data[3] * 1e30
    opt = T.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the "cuda" scaler and autocast disable themselves
        scaler = T.amp.GradScaler(device, enabled=use_amp, **kw)
        out = []
        for _ in range(2):
            for input, target in zip(data, targets):
                with T.autocast(device_type="cuda", dtype=T.float16, enabled=use_amp):
                    loss = T.nn.functional.mse_loss(net(input), target)
                scaler.scale(loss).backward()
                scaler.unscale_(opt)
                norm = T.nn.utils.clip_grad_norm_(net.parameters(), max_norm=1.0)
                r = scaler.step(opt)
                scaler.update()
                opt.zero_grad()
                out.append((loss.item(), norm.item(), r, scaler.get_scale()))
    return out, scaler.state_dict(), scaler.is_enabled(), net[0].weight.tolist()


@pytest.mark.parametrize(
    "device, use_amp, kw",
    [
        ("cpu", False, {}),
        ("cuda", True, {}),
        ("cpu", True, {}),
        (
            "cpu",
            True,
            dict(init_scale=4.0, growth_interval=2, growth_factor=1.5, backoff_factor=0.25),
        ),
    ],
)
def test_amp_recipe(device, use_amp, kw):
    ours, theirs = (
        _amp_program(mg, device, use_amp, **kw),
        _amp_program(torch, device, use_amp, **kw),
    )
    assert ours[1:3] == theirs[1:3]
    for (l, n, r, s), (tl, tn, tr, ts) in zip(ours[0], theirs[0]):
        np.testing.assert_allclose([l, n], [tl, tn], rtol=1e-5)
        assert (r, s) == (tr, ts)
    np.testing.assert_allclose(ours[3], theirs[3], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "code",
    [
        "s.step(opt)",
        "s.unscale_(opt)",
        "s.scale(loss); s.unscale_(opt); s.unscale_(opt)",
        "s.scale(loss); s.step(opt); s.step(opt)",
        "s.scale(loss); s.step(opt); s.unscale_(opt)",
        "s.scale(loss); s.update()",
        "s.scale(loss); s.step(opt, closure=lambda: 1)",
        "s.load_state_dict({})",
        "T.amp.GradScaler('cpu', growth_factor=0.5)",
        "T.autocast('cpu')",
    ],
)
def test_grad_scaler_errors(code):
    def outcome(T):
        p = T.nn.Parameter(T.tensor([1.0, 2.0]))
        env = {"T": T, "opt": T.optim.SGD([p], lr=0.1), "s": T.amp.GradScaler("cpu")}
        env["loss"] = (p * p).sum()
        try:
            exec(code, env)
        except (RuntimeError, AssertionError) as e:
            return type(e).__name__
        return "ok"

    ours = outcome(mg)
    if code == "T.autocast('cpu')":  # PyTorch computes in bfloat16, which minigrad lacks
        assert outcome(torch) == "ok" and ours == "NotImplementedError"
    else:
        assert ours == outcome(torch)


def test_init_through_data():
    def program(T):
        conv, lin = T.nn.Conv2d(3, 8, 3), T.nn.Linear(4, 6)
        out = [
            T.nn.init._calculate_fan_in_and_fan_out(conv.weight.data),
            np.asarray(T.nn.init.constant_(conv.bias.data, 0.25)).tolist(),
            conv.bias.tolist(),
            np.asarray(T.nn.init.eye_(lin.weight.data)).tolist(),
            lin.weight.tolist(),
            np.asarray(T.nn.init.ones_(lin.bias.data)).tolist(),
            lin.bias.tolist(),
            np.asarray(T.nn.init.zeros_(lin.bias.data)).tolist(),
            lin.bias.tolist(),
        ]
        T.nn.init.dirac_(conv.weight.data[:3])
        out.append(conv.weight[:3].tolist())
        return out

    assert program(mg) == program(torch)


@pytest.mark.parametrize(
    "code",
    [
        "x.H",
        "x.mH",
        "x.adjoint()",
        "T.ones(2, 3, 4).mH",
        "T.ones(2, 3, 4).adjoint()",
        "T.ones(2, 3, 4).H",
        "T.ones(3).H",
        "T.ones(3).mH",
        "T.tensor(2.0).mH",
        "x.get_device()",
        "(x.is_sparse, x.is_quantized, x.is_meta)",
    ],
)
def test_more_tensor_attributes(code):
    def outcome(T):
        x = T.arange(6.0).reshape(2, 3).requires_grad_()
        try:
            r = eval(code, {"T": T, "x": x})
        except RuntimeError:
            return "RuntimeError"
        if not isinstance(r, (T.Tensor)):
            return r
        if r.requires_grad:
            (r * T.arange(float(r.numel())).reshape(r.shape)).sum().backward()
        return r.detach().tolist(), tuple(r.shape), None if x.grad is None else x.grad.tolist()

    assert outcome(mg) == outcome(torch)
