"""PyTorch tutorial programs, ported by changing the import, checked without PyTorch."""

import warnings

import numpy as np
import pytest

import minigrad as torch


def test_device_selection_of_build_the_neural_network():
    # "Build the Neural Network": the device line, as the tutorial writes it
    device = (
        torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
    )
    assert device == "cpu"
    assert torch.accelerator.device_count() == 0
    assert torch.accelerator.current_accelerator() is None
    older = (
        "cuda"
        if torch.cuda.is_available()
        else "mps"
        if torch.backends.mps.is_available()
        else "cpu"
    )
    assert older == "cpu" and not torch.backends.mps.is_built()
    x = torch.ones(2, 3, device=device)
    assert x.device.type == "cpu"


def test_tensors_tutorial_out_arguments():
    # "Tensors": y3 = torch.rand_like(y1); torch.matmul(tensor, tensor.T, out=y3), and mul
    tensor = torch.ones(4, 4)
    tensor[:, 1] = 0
    y1 = tensor @ tensor.T
    y3 = torch.rand_like(y1)
    assert torch.matmul(tensor, tensor.T, out=y3) is y3
    np.testing.assert_array_equal(y3.numpy(), y1.numpy())
    z3 = torch.rand_like(tensor)
    assert torch.mul(tensor, tensor, out=z3) is z3
    np.testing.assert_array_equal(z3.numpy(), tensor.numpy() ** 2)


def test_out_casts_resizes_and_refuses_grad():
    a = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    o = torch.empty(0, dtype=torch.float64)
    assert torch.add(a, a, alpha=2, out=o) is o and o.dtype == torch.float64
    np.testing.assert_array_equal(o.numpy(), 3 * a.numpy())
    big = torch.zeros(3)
    with pytest.warns(UserWarning, match="resized"):
        torch.sub(a, 1, out=big)
    assert big.shape == (2, 2) and big.tolist() == [[0.0, 1.0], [2.0, 3.0]]
    with pytest.raises(RuntimeError, match="can't be cast"):
        torch.mul(a, a, out=torch.empty(2, 2, dtype=torch.int64))
    with pytest.raises(RuntimeError, match="mul.*out="):
        torch.mul(a.clone().requires_grad_(), a, out=torch.empty(2, 2))
    with pytest.raises(RuntimeError, match="out="):
        torch.exp(a, out=torch.empty(2, 2, requires_grad=True))
    with torch.no_grad():
        w = a.clone().requires_grad_()
        e = torch.empty(2, 2)
        assert torch.exp(w, out=e) is e and not e.requires_grad
    np.testing.assert_allclose(e.numpy(), np.exp(a.numpy()), rtol=1e-6)
    v, i = torch.empty(0), torch.empty(0, dtype=torch.int64)
    res = torch.max(a, 1, out=(v, i))
    assert res[0] is v and res[1] is i and v.tolist() == [2.0, 4.0] and i.tolist() == [1, 1]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an empty out is resized without a warning
        torch.div(a, 2, out=torch.empty(0))


def test_out_on_the_functions_that_check_their_own_arguments():
    a = torch.tensor([[1.0, -2.0], [3.0, 4.0]])
    for f, args, expected in [
        (torch.pow, (a, 2), a.numpy() ** 2),
        (torch.cat, ([a, a],), np.concatenate([a.numpy()] * 2)),
        (torch.stack, ([a, a],), np.stack([a.numpy()] * 2)),
        (torch.maximum, (a, -a), np.abs(a.numpy())),
        (torch.remainder, (a, 3), np.mod(a.numpy(), 3)),
        (torch.where, (a > 0, a, 0.0), np.maximum(a.numpy(), 0)),
        (torch.true_divide, (a, 4), a.numpy() / 4),
    ]:
        o = torch.empty(0)
        assert f(*args, out=o) is o, f
        np.testing.assert_array_equal(o.numpy(), expected)
    with pytest.raises(TypeError, match="transpose.*out"):
        torch.transpose(a, 0, 1, out=torch.empty(0))


def test_random_fills_with_integers_in_range():
    torch.manual_seed(0)
    x = torch.empty(4000).random_(2, 5)
    assert set(x.tolist()) == {2.0, 3.0, 4.0} and x.dtype == torch.float32
    assert set(torch.empty(2000, dtype=torch.int64).random_(3).tolist()) == {0, 1, 2}
    assert set(torch.empty(500).random_(to=2).tolist()) == {0.0, 1.0}
    f = torch.empty(20000).random_()
    assert f.min().item() >= 0 and f.max().item() <= 2**24 and f.max().item() > 2**20
    b = torch.empty(200, dtype=torch.bool).random_()
    assert b.dtype == torch.bool and set(b.tolist()) == {False, True}
    u = torch.empty(5000, dtype=torch.uint8).random_()
    assert u.max().item() > 200
    with pytest.raises(RuntimeError, match="from"):
        torch.empty(3).random_(5, 2)
    with pytest.raises(RuntimeError, match="out of bounds"):
        torch.empty(3, dtype=torch.uint8).random_(0, 300)
    with pytest.raises(RuntimeError, match="leaf"):
        torch.empty(3, requires_grad=True).random_(3)
    with pytest.raises(TypeError):
        torch.empty(3).random_(1.5, 3.7)
    g1, g2 = torch.Generator().manual_seed(7), torch.Generator().manual_seed(7)
    assert torch.equal(
        torch.empty(9).random_(100, generator=g1), torch.empty(9).random_(100, generator=g2)
    )


def test_seed_everything_boilerplate():
    # what training scripts run first for reproducible results, on a machine without a GPU
    def set_seed(seed):
        torch.manual_seed(seed)
        torch.cuda.manual_seed(seed)
        torch.cuda.manual_seed_all(seed)
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False
        torch.use_deterministic_algorithms(True)
        torch.set_float32_matmul_precision("high")

    try:
        set_seed(3)
        a = torch.randn(4)
        set_seed(3)
        assert torch.equal(a, torch.randn(4))
        assert torch.are_deterministic_algorithms_enabled()
        assert not torch.is_deterministic_algorithms_warn_only_enabled()
        assert torch.get_float32_matmul_precision() == "high"
        assert not torch.backends.cudnn.is_available() and torch.backends.cudnn.version() is None
        assert torch.cuda.empty_cache() is None and not torch.cuda.is_initialized()
        with pytest.raises(TypeError, match="mode"):
            torch.use_deterministic_algorithms(1)
        with pytest.warns(UserWarning, match="highest"):
            torch.set_float32_matmul_precision("fast")
        assert torch.get_float32_matmul_precision() == "high"
    finally:
        torch.use_deterministic_algorithms(False)
        torch.set_float32_matmul_precision("highest")
        torch.backends.cudnn.deterministic = False


def test_constants():
    import math

    assert torch.pi == math.pi and torch.e == math.e and torch.inf == math.inf
    assert math.isnan(torch.nan) and torch.newaxis is None
    x = torch.linspace(-torch.pi, torch.pi, 5)
    np.testing.assert_allclose(x.numpy(), np.linspace(-np.pi, np.pi, 5).astype(np.float32))
    assert torch.ones(2, 3)[:, torch.newaxis].shape == (2, 1, 3)
    assert torch.tensor([1.0, -torch.inf]).softmax(0).tolist() == [1.0, 0.0]


def test_grad_scaler_scales_unscales_and_skips_overflowing_steps():
    p = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    opt = torch.optim.SGD([p], lr=0.1)
    s = torch.amp.GradScaler("cpu", init_scale=8.0, growth_interval=2)
    loss = (p * p).sum()  # 5; grad 2p
    scaled = s.scale(loss)
    assert scaled.item() == 40.0
    scaled.backward()
    assert p.grad.tolist() == [16.0, 32.0]
    s.step(opt)  # unscales first: the step uses 2p
    assert p.grad.tolist() == [2.0, 4.0]
    np.testing.assert_allclose(p.detach().numpy(), [0.8, 1.6], rtol=1e-6)
    s.update()
    assert s.get_scale() == 8.0 and s.state_dict()["_growth_tracker"] == 1
    opt.zero_grad()
    s.scale((p * float("inf")).sum()).backward()
    assert s.step(opt) is None  # skipped: p unchanged
    np.testing.assert_allclose(p.detach().numpy(), [0.8, 1.6], rtol=1e-6)
    s.update()
    assert s.get_scale() == 4.0 and s.state_dict()["_growth_tracker"] == 0
    for _ in range(2):
        opt.zero_grad()
        s.scale(p.sum()).backward()
        s.step(opt)
        s.update()
    assert s.get_scale() == 8.0  # grown after growth_interval clean steps
    with pytest.raises(RuntimeError, match="already"):
        s.scale(p.sum()).backward()
        s.unscale_(opt)
        s.unscale_(opt)


def test_amp_without_a_gpu_passes_through():
    with pytest.warns(UserWarning, match="Disabling"):
        scaler = torch.cuda.amp.GradScaler()
    assert not scaler.is_enabled() and scaler.state_dict() == {} and scaler.get_scale() == 1.0
    x = torch.ones(2, requires_grad=True)
    loss = (3 * x).sum()
    assert scaler.scale(loss) is loss
    with pytest.warns(UserWarning, match="Disabling autocast"):
        with torch.autocast(device_type="cuda", dtype=torch.float16):
            y = x @ x
    assert y.dtype == torch.float32
    with torch.autocast(device_type="cpu", enabled=False):
        assert (x * 2).dtype == torch.float32
    with pytest.raises(NotImplementedError, match="bfloat16"):
        torch.autocast(device_type="cpu")


def test_init_through_data_as_the_dcgan_tutorial():
    # weights_init of the DCGAN tutorial: nn.init on m.weight.data (the array here) fills the
    # parameter in place
    def weights_init(m):
        classname = m.__class__.__name__
        if classname.find("Conv") != -1:
            torch.nn.init.normal_(m.weight.data, 0.0, 0.02)
        elif classname.find("BatchNorm") != -1:
            torch.nn.init.normal_(m.weight.data, 1.0, 0.02)
            torch.nn.init.constant_(m.bias.data, 0)

    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 64, 4), torch.nn.BatchNorm2d(64))
    before = [p for p in net.parameters()]
    net.apply(weights_init)
    assert [p for p in net.parameters()] == before  # the same Parameters, changed in place
    w = net[0].weight.detach().numpy()
    assert abs(w.std() - 0.02) < 0.002 and abs(w.mean()) < 0.002
    assert abs(net[1].weight.detach().numpy().mean() - 1.0) < 0.01
    assert net[1].bias.tolist() == [0.0] * 64
    lin = torch.nn.Linear(3, 5)
    arr = lin.weight.data
    assert torch.nn.init.eye_(arr) is arr
    np.testing.assert_array_equal(lin.weight.detach().numpy(), np.eye(5, 3))
    assert torch.nn.init._calculate_fan_in_and_fan_out(net[0].weight.data) == (48, 1024)
    bound = torch.nn.init.xavier_uniform_(lin.weight.data, gain=2.0)
    assert np.abs(bound).max() <= 2.0 * np.sqrt(6 / 8)


def test_conjugate_transposes_of_real_tensors():
    x = torch.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(x.H.numpy(), x.numpy().T)
    b = torch.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(b.mH.numpy(), b.numpy().transpose(0, 2, 1))
    np.testing.assert_array_equal(b.adjoint().numpy(), b.numpy().transpose(0, 2, 1))
    with pytest.raises(RuntimeError, match="H"):
        _ = b.H
    assert x.get_device() == -1 and not x.is_sparse


def test_autograd_graph_module():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    Node = torch.autograd.graph.Node
    assert isinstance(y.grad_fn, Node) and isinstance(y.grad_fn.next_functions[0][0], Node)
    with torch.autograd.graph.save_on_cpu(pin_memory=False):  # saved arrays are on the CPU
        z = (x * x).sum()
    z.backward()
    assert x.grad.tolist() == [2.0, 4.0]
    with pytest.raises(NotImplementedError, match="saved_tensors_hooks"):
        with torch.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
            pass


def test_out_of_another_dtype_only_where_pytorch_casts():
    a = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    wide = torch.empty(0, dtype=torch.float64)
    assert torch.sum(a, 0, out=wide).tolist() == [4.0, 6.0]  # reductions cast into out
    for call in (
        lambda: torch.matmul(a, a, out=torch.empty(0, dtype=torch.float64)),
        lambda: torch.argmax(a, 1, out=torch.empty(0)),
        lambda: torch.max(a, 1, out=(torch.empty(0, dtype=torch.float64), torch.empty(0))),
    ):
        with pytest.raises(RuntimeError, match="expected out tensor to have dtype"):
            call()


def test_small_tensor_functions():
    x = torch.tensor([1.0, -2.0], requires_grad=True)
    assert torch.typename(x) == "torch.FloatTensor" and torch.typename(3) == "int"
    d = torch.detach(x * 2)
    assert d.tolist() == [2.0, -4.0] and not d.requires_grad
    assert torch.is_signed(x) and not torch.is_signed(torch.tensor([1], dtype=torch.uint8))
    assert not torch.is_complex(x) and not x.is_pinned() and x.share_memory_() is x
    with pytest.raises(RuntimeError, match="pin"):
        x.pin_memory()
    assert not torch.is_autocast_enabled()


def test_default_device():
    torch.set_default_device("cpu")
    torch.set_default_device(None)
    assert torch.get_default_device() == torch.device("cpu")
    with pytest.raises(RuntimeError, match="cuda"):
        torch.set_default_device("cuda")


def test_compile_runs_the_model_as_written():
    m = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.ReLU())
    c = torch.compile(m)
    assert isinstance(c, torch.nn.Module) and c._orig_mod is m
    assert list(c.state_dict()) == ["_orig_mod.0.weight", "_orig_mod.0.bias"]
    assert [p for p in c.parameters()] == [p for p in m.parameters()]
    x = torch.randn(4, 3)
    assert torch.equal(c(x), m(x))
    assert torch.compile(m, disable=True) is m

    @torch.compile(fullgraph=True)
    def f(t):
        return t * 3

    assert f(torch.ones(2)).tolist() == [3.0, 3.0]
