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
        "T.matmul(a, a, out=T.empty(0, dtype=T.float64))",
        "T.mm(a, a, out=T.empty(0, dtype=T.float64))",
        "T.argmax(a, 1, out=T.empty(0))",
        "T.argmax(a, 1, out=T.empty(0, dtype=T.long))",
        "T.max(a, 1, out=(T.empty(0, dtype=T.float64), T.empty(0, dtype=T.long)))",
        "T.softmax(a, 1, out=T.empty(0, dtype=T.float64))",
        "T.clamp(a, 0, 2, out=T.empty(0, dtype=T.float64))",
        "T.neg(a, out=T.empty(0, dtype=T.float64))",
        "T.where(a > 2, a, a, out=T.empty(0, dtype=T.float64))",
        "T.gather(a, 1, T.tensor([[0], [1]]), out=T.empty(0, dtype=T.float64))",
        "T.sum(a, 1, out=T.empty(0, dtype=T.float64))",
        "T.cumsum(a, 0, out=T.empty(0, dtype=T.float64))",
        "T.exp(a, out=T.empty(0, dtype=T.float64))",
        "T.cat([a, a], out=T.empty(0, dtype=T.float64))",
        "T.gt(a, 2, out=T.empty(0))",
        "T.sigmoid(a.long(), out=T.empty(0, dtype=T.float64))",
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


def _close(ours, theirs, rtol=1e-4, atol=1e-5):
    """Nested lists/tuples of numbers and strings compared: numbers to rtol, the rest exactly."""
    if isinstance(theirs, (list, tuple)):
        assert len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            _close(o, t, rtol, atol)
    elif isinstance(theirs, float):
        np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol)
    else:
        assert ours == theirs


def _learning_pytorch_with_examples(T):
    """ "Learning PyTorch with Examples": the polynomial fit of sin(x) with tensors and a
    hand-written gradient, with autograd, with a custom autograd.Function
    (LegendrePolynomial3), with nn.Sequential(Linear, Flatten(0, 1)), with an optimizer, and
    as a custom Module (Polynomial3 with its string()). Fewer steps than the tutorial."""
    import math

    out = []
    x = T.linspace(-math.pi, math.pi, 2000, dtype=T.float)
    y = T.sin(x)
    a, b, c, d = (T.tensor(v) for v in (0.1, -0.2, 0.3, 0.05))
    learning_rate = 1e-6
    for t in range(300):
        y_pred = a + b * x + c * x**2 + d * x**3
        loss = (y_pred - y).pow(2).sum().item()
        if t % 100 == 99:
            out.append(loss)
        grad_y_pred = 2.0 * (y_pred - y)
        a -= learning_rate * grad_y_pred.sum()
        b -= learning_rate * (grad_y_pred * x).sum()
        c -= learning_rate * (grad_y_pred * x**2).sum()
        d -= learning_rate * (grad_y_pred * x**3).sum()
    out.append([a.item(), b.item(), c.item(), d.item()])

    class LegendrePolynomial3(T.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input**3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            (input,) = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input**2 - 1)

    a = T.full((), 0.0, dtype=T.float, requires_grad=True)
    b = T.full((), -1.0, dtype=T.float, requires_grad=True)
    c = T.full((), 0.0, dtype=T.float, requires_grad=True)
    d = T.full((), 0.3, dtype=T.float, requires_grad=True)
    for t in range(300):
        P3 = LegendrePolynomial3.apply
        y_pred = a + b * P3(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        if t % 100 == 99:
            out.append(loss.item())
        loss.backward()
        with T.no_grad():
            for p in (a, b, c, d):
                p -= 5e-6 * p.grad
                p.grad = None
    out.append([a.item(), b.item(), c.item(), d.item()])

    p = T.tensor([1, 2, 3])
    xx = x.unsqueeze(-1).pow(p)
    out.append((tuple(xx.shape), str(xx.dtype).split(".")[-1]))
    for use_optim in (False, True):
        model = T.nn.Sequential(T.nn.Linear(3, 1), T.nn.Flatten(0, 1))
        with T.no_grad():
            model[0].weight.copy_(T.tensor([[0.1, -0.05, 0.02]]))
            model[0].bias.fill_(0.05)
        loss_fn = T.nn.MSELoss(reduction="sum")
        optimizer = T.optim.RMSprop(model.parameters(), lr=1e-3) if use_optim else None
        for t in range(100):  # RMSprop's steps amplify rounding (sign-like updates) after ~150
            y_pred = model(xx)
            loss = loss_fn(y_pred, y)
            if t % 25 == 24:
                out.append(loss.item())
            if use_optim:
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            else:
                model.zero_grad()
                loss.backward()
                with T.no_grad():
                    for param in model.parameters():
                        param -= 1e-6 * param.grad
        out.append([model[0].bias.item()] + [model[0].weight[:, i].item() for i in range(3)])
    out.append(repr(model).replace("torch.", "").replace("minigrad.", ""))

    class Polynomial3(T.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = T.nn.Parameter(T.tensor(0.1))
            self.b = T.nn.Parameter(T.tensor(0.2))
            self.c = T.nn.Parameter(T.tensor(-0.1))
            self.d = T.nn.Parameter(T.tensor(0.05))

        def forward(self, x):
            return self.a + self.b * x + self.c * x**2 + self.d * x**3

        def string(self):
            return f"y = {self.a.item():.3f} + {self.b.item():.3f} x + {self.c.item():.3f} x^2"

    model = Polynomial3()
    criterion = T.nn.MSELoss(reduction="sum")
    optimizer = T.optim.SGD(model.parameters(), lr=1e-6)
    for _ in range(300):
        loss = criterion(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    out += [loss.item(), model.string(), [n for n, _ in model.named_parameters()]]
    return out


def test_learning_pytorch_with_examples():
    _close(_learning_pytorch_with_examples(mg), _learning_pytorch_with_examples(torch))


def _dynamic_net(T):
    """DynamicNet: random.randint picks how many times the shared middle weight is reused."""
    import math
    import random

    class DynamicNet(T.nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = T.nn.Parameter(T.tensor(0.1)), T.nn.Parameter(T.tensor(0.2))
            self.c, self.d = T.nn.Parameter(T.tensor(-0.1)), T.nn.Parameter(T.tensor(0.05))
            self.e = T.nn.Parameter(T.tensor(0.01))

        def forward(self, x):
            y = self.a + self.b * x + self.c * x**2 + self.d * x**3
            for exp in range(4, random.randint(4, 6)):
                y = y + self.e * x**exp
            return y

    random.seed(0)
    x = T.linspace(-math.pi, math.pi, 500)
    y = T.sin(x)
    model = DynamicNet()
    optimizer = T.optim.SGD(model.parameters(), lr=1e-8, momentum=0.9)
    losses = []
    for _ in range(100):
        loss = T.nn.MSELoss(reduction="sum")(model(x), y)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return losses, [p.item() for p in model.parameters()]


def test_dynamic_net():
    _close(_dynamic_net(mg), _dynamic_net(torch))


def _autograd_tutorials(T):
    """ "Automatic Differentiation with torch.autograd" and "A Gentle Introduction"."""
    rng = np.random.default_rng(1)
    out = []
    x = T.ones(5)
    y = T.zeros(3)
    w = T.tensor(rng.standard_normal((5, 3)).astype(np.float32), requires_grad=True)
    b = T.tensor(rng.standard_normal(3).astype(np.float32), requires_grad=True)
    z = T.matmul(x, w) + b
    loss = T.nn.functional.binary_cross_entropy_with_logits(z, y)
    loss.backward()
    out += [loss.item(), w.grad.tolist(), b.grad.tolist(), z.requires_grad]
    with T.no_grad():
        z = T.matmul(x, w) + b
    out += [z.requires_grad, (T.matmul(x, w) + b).detach().requires_grad]
    inp = T.eye(4, 5, requires_grad=True)
    o = (inp + 1).pow(2).t()
    o.backward(T.ones_like(o), retain_graph=True)
    out.append(inp.grad.tolist())
    o.backward(T.ones_like(o), retain_graph=True)
    out.append(inp.grad.tolist())
    inp.grad.zero_()
    o.backward(T.ones_like(o), retain_graph=True)
    out.append(inp.grad.tolist())
    try:
        o.backward()
    except RuntimeError:
        out.append("RuntimeError")
    a = T.tensor([2.0, 3.0], requires_grad=True)
    b = T.tensor([6.0, 4.0], requires_grad=True)
    Q = 3 * a**3 - b**2
    Q.backward(gradient=T.tensor([1.0, 1.0]))
    out += [(9 * a**2 == a.grad).tolist(), (-2 * b == b.grad).tolist()]
    model = T.nn.Sequential(T.nn.Linear(10, 10), T.nn.Linear(10, 3))
    for param in model.parameters():
        param.requires_grad = False
    model[1] = T.nn.Linear(10, 10)
    out.append([p.requires_grad for p in model.parameters()])
    return out


def test_autograd_tutorials():
    _close(_autograd_tutorials(mg), _autograd_tutorials(torch))


def _quickstart(T, path):
    """ "Build the Neural Network", "Optimizing Model Parameters" and "Save and Load the
    Model" on a synthetic FashionMNIST of the same shapes."""
    rng = np.random.default_rng(2)
    Dataset, DataLoader = T.utils.data.Dataset, T.utils.data.DataLoader

    class FakeMNIST(Dataset):
        def __init__(self, n):
            self.x = rng.random((n, 1, 28, 28)).astype(np.float32)
            self.y = rng.integers(0, 10, n)

        def __len__(self):
            return len(self.y)

        def __getitem__(self, idx):
            return T.tensor(self.x[idx]), int(self.y[idx])

    class NeuralNetwork(T.nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = T.nn.Flatten()
            self.linear_relu_stack = T.nn.Sequential(
                T.nn.Linear(28 * 28, 16), T.nn.ReLU(), T.nn.Linear(16, 10)
            )

        def forward(self, x):
            return self.linear_relu_stack(self.flatten(x))

    device = T.accelerator.current_accelerator().type if T.accelerator.is_available() else "cpu"
    model = NeuralNetwork().to(device)
    model.load_state_dict(
        {
            k: T.tensor(rng.standard_normal(tuple(v.shape)).astype(np.float32) * 0.05)
            for k, v in model.state_dict().items()
        }
    )
    out = [repr(model), [(n, tuple(p.size())) for n, p in model.named_parameters()]]
    X = T.tensor(rng.random((1, 28, 28)).astype(np.float32), device=device)
    pred_probab = T.nn.Softmax(dim=1)(model(X))
    out += [pred_probab.tolist(), pred_probab.argmax(1).tolist()]
    train_dataloader = DataLoader(FakeMNIST(150), batch_size=64)
    test_dataloader = DataLoader(FakeMNIST(70), batch_size=64)
    loss_fn = T.nn.CrossEntropyLoss()
    optimizer = T.optim.SGD(model.parameters(), lr=1e-1)
    for _ in range(2):
        size = len(train_dataloader.dataset)
        model.train()
        for batch, (X, y) in enumerate(train_dataloader):
            loss = loss_fn(model(X), y)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            out.append((loss.item(), batch * 64 + len(X), size))
        model.eval()
        test_loss, correct = 0, 0
        with T.no_grad():
            for X, y in test_dataloader:
                pred = model(X)
                test_loss += loss_fn(pred, y).item()
                correct += (pred.argmax(1) == y).type(T.float).sum().item()
        out.append((test_loss / len(test_dataloader), correct / len(test_dataloader.dataset)))
    T.save(model.state_dict(), path)
    model2 = NeuralNetwork()
    model2.load_state_dict(T.load(path, weights_only=True))
    model2.eval()
    with T.no_grad():
        out.append(T.equal(model2(X), model(X)))
    return out


def test_quickstart(tmp_path):
    _close(_quickstart(mg, tmp_path / "m.pth"), _quickstart(torch, tmp_path / "t.pth"))


def _nn_really(T):
    """ "What is torch.nn really?": MNIST from scratch (manual log_softmax, nll with fancy
    indexing, requires_grad_()), then F.cross_entropy, nn.Module, nn.Linear, optim,
    TensorDataset, DataLoader with validation, and the CNN with F.avg_pool2d / Lambda /
    WrappedDataLoader / AdaptiveAvgPool2d."""
    import math

    F = T.nn.functional
    rng = np.random.default_rng(3)
    x_train, y_train, x_valid, y_valid = map(
        T.tensor,
        (
            rng.random((200, 784)).astype(np.float32),
            rng.integers(0, 10, 200),
            rng.random((80, 784)).astype(np.float32),
            rng.integers(0, 10, 80),
        ),
    )
    n, bs, lr, out = x_train.shape[0], 64, 0.5, []
    W0 = (rng.standard_normal((784, 10)) / math.sqrt(784)).astype(np.float32)
    weights = T.tensor(W0)
    weights.requires_grad_()
    bias = T.zeros(10, requires_grad=True)

    def log_softmax(x):
        return x - x.exp().sum(-1).log().unsqueeze(-1)

    def model(xb):
        return log_softmax(xb @ weights + bias)

    def nll(input, target):
        return -input[range(target.shape[0]), target].mean()

    def accuracy(out, yb):
        return (T.argmax(out, dim=1) == yb).float().mean()

    for i in range((n - 1) // bs + 1):
        xb, yb = x_train[i * bs : i * bs + bs], y_train[i * bs : i * bs + bs]
        loss = nll(model(xb), yb)
        loss.backward()
        with T.no_grad():
            weights -= weights.grad * lr
            bias -= bias.grad * lr
            weights.grad.zero_()
            bias.grad.zero_()
    out += [nll(model(xb), yb).item(), accuracy(model(xb), yb).item()]
    out.append(F.cross_entropy(xb @ weights + bias, yb).item())

    class Mnist_Logistic(T.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = T.nn.Linear(784, 10)

        def forward(self, xb):
            return self.lin(xb)

    def get_model():
        model = Mnist_Logistic()
        with T.no_grad():
            model.lin.weight.copy_(T.tensor(W0.T))
            model.lin.bias.zero_()
        return model, T.optim.SGD(model.parameters(), lr=lr)

    TensorDataset, DataLoader = T.utils.data.TensorDataset, T.utils.data.DataLoader
    train_ds, valid_ds = TensorDataset(x_train, y_train), TensorDataset(x_valid, y_valid)

    def loss_batch(model, loss_func, xb, yb, opt=None):
        loss = loss_func(model(xb), yb)
        if opt is not None:
            loss.backward()
            opt.step()
            opt.zero_grad()
        return loss.item(), len(xb)

    def fit(epochs, model, loss_func, opt, train_dl, valid_dl):
        for _ in range(epochs):
            model.train()
            for xb, yb in train_dl:
                loss_batch(model, loss_func, xb, yb, opt)
            model.eval()
            with T.no_grad():
                losses, nums = zip(*[loss_batch(model, loss_func, xb, yb) for xb, yb in valid_dl])
            out.append(float(np.sum(np.multiply(losses, nums)) / np.sum(nums)))

    train_dl = DataLoader(train_ds, batch_size=bs)
    valid_dl = DataLoader(valid_ds, batch_size=bs * 2)
    model, opt = get_model()
    fit(2, model, F.cross_entropy, opt, train_dl, valid_dl)

    class Lambda(T.nn.Module):
        def __init__(self, func):
            super().__init__()
            self.func = func

        def forward(self, x):
            return self.func(x)

    class WrappedDataLoader:
        def __init__(self, dl, func):
            self.dl, self.func = dl, func

        def __len__(self):
            return len(self.dl)

        def __iter__(self):
            for b in self.dl:
                yield self.func(*b)

    for pool in (T.nn.AvgPool2d(4), T.nn.AdaptiveAvgPool2d(1)):
        model = T.nn.Sequential(
            Lambda(lambda x: x.view(-1, 1, 28, 28)),
            T.nn.Conv2d(1, 8, kernel_size=3, stride=2, padding=1),
            T.nn.ReLU(),
            T.nn.Conv2d(8, 10, kernel_size=3, stride=2, padding=1),
            T.nn.ReLU(),
            T.nn.Conv2d(10, 10, kernel_size=3, stride=2, padding=1),
            T.nn.ReLU(),
            pool,
            Lambda(lambda x: x.view(x.size(0), -1)),
        )
        with T.no_grad():
            for p in model.parameters():
                p.copy_(T.tensor((rng.standard_normal(tuple(p.shape)) * 0.3).astype(np.float32)))
        opt = T.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        wrap = WrappedDataLoader
        fit(
            2,
            model,
            F.cross_entropy,
            opt,
            wrap(train_dl, lambda x, y: (x, y)),
            wrap(valid_dl, lambda x, y: (x, y)),
        )
    return out


def test_nn_really():
    _close(_nn_really(mg), _nn_really(torch))


def test_autograd_graph_node_and_save_on_cpu():
    def program(T):
        x = T.tensor([1.0, -2.0, 3.0], requires_grad=True)
        with T.autograd.graph.save_on_cpu():
            y = (x.exp() * x).sum()
        y.backward()
        Node = T.autograd.graph.Node
        return (
            isinstance(y.grad_fn, Node),
            isinstance(y.grad_fn.next_functions[0][0], Node),
            isinstance(x, Node),
            x.grad.tolist(),
        )

    _close(program(mg), program(torch))


@pytest.mark.parametrize(
    "code",
    [
        "x.is_pinned()",
        "x.pin_memory()",
        "x.share_memory_() is x",
        "T.is_autocast_enabled()",
        "T.typename(x)",
        "T.typename(x.long())",
        "T.typename(3)",
        "T.typename(None)",
        "T.typename(T.nn.Parameter(x))",
        "T.is_complex(x)",
        "T.is_signed(x)",
        "T.is_signed(x.to(T.uint8))",
        "T.detach(x * 2).tolist()",
        "T.detach(x * 2).requires_grad",
        "T.is_signed(3)",
    ],
)
def test_small_tensor_functions(code):
    def outcome(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        try:
            return eval(code, {"T": T, "x": x})
        except (RuntimeError, TypeError) as e:
            return type(e).__name__

    assert outcome(mg) == outcome(torch)


def test_default_device():
    def program(T):
        T.set_default_device("cpu")
        T.set_default_device(T.device("cpu"))
        T.set_default_device(None)
        return repr(T.get_default_device()), str(T.zeros(1).device)

    assert program(mg) == program(torch)


def _compiled_training(T):
    rng = np.random.default_rng(4)

    class Net(T.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1, self.fc2, self.scale = T.nn.Linear(4, 8), T.nn.Linear(8, 2), 0.5

        def forward(self, x):
            return self.fc2(T.relu(self.fc1(x))) * self.scale

    m = Net()
    with T.no_grad():
        for p in m.parameters():
            p.copy_(T.tensor(rng.standard_normal(tuple(p.shape)).astype(np.float32)))
    x = T.tensor(rng.standard_normal((5, 4)).astype(np.float32))
    c = T.compile(m, backend="eager")
    out = [
        type(c).__name__,
        c._orig_mod is m,
        c.fc1 is m.fc1,
        c.scale,
        list(c.state_dict().keys()),
        [n for n, _ in c.named_parameters()],
        repr(c),
        T.compile(m, disable=True) is m,
    ]
    opt = T.optim.SGD(c.parameters(), lr=0.1)
    for _ in range(3):
        opt.zero_grad()
        loss = (c(x) ** 2).mean()
        loss.backward()
        opt.step()
        out.append(loss.item())
    c.eval()
    out += [m.training, T.compile(lambda t: t * 2, backend="eager")(x).tolist()]
    return out


def test_compile():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _close(_compiled_training(mg), _compiled_training(torch))
