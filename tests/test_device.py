"""The CPU as PyTorch names it: ``device=``, ``.to(device)``, ``.cpu()``, ``cuda.is_available()``.

minigrad computes on the CPU only; these let a PyTorch program that names its device
run unchanged, and make any other device a clear error.
"""

import pytest

import minigrad as mg
from minigrad import nn


def test_a_pytorch_style_device_choice_runs_on_the_cpu():
    device = mg.device("cuda" if mg.cuda.is_available() else "cpu")
    assert device == mg.device("cpu") and str(device) == "cpu"
    model = nn.Linear(2, 3).to(device)
    x = mg.ones(4, 2, device=device)
    assert model(x).shape == (4, 3)
    assert x.device == device and repr(x.device) == "device(type='cpu')"
    assert mg.cuda.device_count() == 0


def test_to_accepts_pytorchs_forms():
    t = mg.ones(2)
    assert t.to("cpu") is t and t.cpu() is t and t.to(mg.float32) is t
    assert t.to("cpu", mg.float64).dtype == mg.float64
    assert t.to(device="cpu", dtype=mg.float64).dtype == mg.float64
    assert t.to(mg.zeros(1, dtype=mg.float64)).dtype == mg.float64  # another tensor's dtype
    copy = t.to("cpu", copy=True)
    assert copy is not t and copy.tolist() == t.tolist()
    with pytest.raises(TypeError, match="unexpected keyword argument 'memory'"):
        t.to("cpu", memory=None)


def test_to_a_dtype_is_differentiable():
    t = mg.ones(2, requires_grad=True)
    (t.to("cpu", mg.float64) * 3).sum().backward()
    assert t.grad.dtype == mg.float32 and t.grad.tolist() == [3.0, 3.0]


def test_modules_move_to_the_cpu_and_cast():
    m = nn.Linear(2, 3)
    assert m.to("cpu") is m and m.cpu() is m
    assert m.to("cpu", mg.float64).weight.dtype == mg.float64
    assert nn.Linear(2, 3, device="cpu", dtype=mg.float64).bias.dtype == mg.float64


@pytest.mark.parametrize(
    "use",
    [
        lambda: mg.ones(2).to("cuda"),
        lambda: mg.ones(2).cuda(),
        lambda: mg.zeros(2, device="cuda:0"),
        lambda: mg.tensor([1.0], device=mg.device("mps")),
        lambda: nn.Linear(2, 3).to("cuda"),
        lambda: nn.Linear(2, 3, device="cuda"),
    ],
)
def test_any_other_device_is_a_clear_error(use):
    with pytest.raises(RuntimeError, match="minigrad computes on the CPU only"):
        use()


def test_device_objects_name_any_device_as_pytorch():
    d = mg.device("cuda:1")
    assert (d.type, d.index, str(d), repr(d)) == (
        "cuda",
        1,
        "cuda:1",
        "device(type='cuda', index=1)",
    )
    assert mg.device(d) == d and d != mg.device("cuda")
