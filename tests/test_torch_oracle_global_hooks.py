"""The global module hooks (``nn.modules.module.register_module_*``) against PyTorch: the
order in which they and a module's own hooks run, forward and backward, what they may
replace, the registration hooks, removal, and the refusal of mixed backward hook kinds."""

import importlib

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()


def run(lib):
    """A log of every hook call of a small program (the same program for both libraries)."""
    nn = lib.nn
    mm = importlib.import_module(nn.__name__ + ".modules.module")
    log = []
    lib.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    with lib.no_grad():
        for p in model.parameters():
            p.copy_(
                lib.tensor(np.linspace(-1, 1, p.numel()).reshape(tuple(p.shape)), dtype=lib.float32)
            )
    h1 = mm.register_module_forward_pre_hook(
        lambda m, a: log.append(("pre", type(m).__name__, tuple(a[0].shape)))
    )
    h2 = mm.register_module_forward_hook(
        lambda m, a, o: log.append(("fwd", type(m).__name__, tuple(o.shape)))
    )
    h3 = model[0].register_forward_hook(lambda m, a, o: log.append(("local", type(m).__name__)))
    h4 = mm.register_module_forward_hook(
        lambda m, a, k, o: log.append(("kw", type(m).__name__, sorted(k))), with_kwargs=True
    )
    h5 = mm.register_module_full_backward_hook(
        lambda m, gi, go: log.append(
            (
                "bwd",
                type(m).__name__,
                [None if g is None else abs(round(float(g.sum()), 4)) for g in gi],
                [abs(round(float(g.sum()), 4)) for g in go],
            )
        )
    )
    h6 = mm.register_module_full_backward_pre_hook(
        lambda m, go: log.append(("bpre", type(m).__name__))
    )
    x = lib.tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]], requires_grad=True)
    y = model(x)
    y.sum().backward()
    log.append(("xgrad", [round(v, 4) for v in x.grad.flatten().tolist()]))
    for h in (h1, h2, h3, h4, h5, h6):
        h.remove()
    model(x)
    log.append("after remove")
    # modifying hooks
    h = mm.register_module_forward_hook(lambda m, a, o: o * 2 if isinstance(m, nn.ReLU) else None)
    log.append(("doubled", [round(v, 4) for v in model(x).flatten().tolist()]))
    h.remove()
    h = mm.register_module_forward_pre_hook(
        lambda m, a: (a[0] + 1,) if isinstance(m, nn.Linear) else None
    )
    log.append(("pre+1", [round(v, 4) for v in model(x).flatten().tolist()]))
    h.remove()
    # registration hooks
    reg = []
    hp = mm.register_module_parameter_registration_hook(
        lambda m, n, p: reg.append(("param", type(m).__name__, n, tuple(p.shape)))
    )
    hb = mm.register_module_buffer_registration_hook(
        lambda m, n, b: reg.append(
            ("buf", type(m).__name__, n, None if b is None else tuple(b.shape))
        )
    )
    hm = mm.register_module_module_registration_hook(
        lambda m, n, c: reg.append(("mod", type(m).__name__, n, type(c).__name__))
    )
    nn.Sequential(nn.Linear(2, 3, bias=False), nn.BatchNorm1d(3))

    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("b", None)
            self.register_buffer("c", lib.zeros(2))
            self.c = lib.ones(3)
            self.lin = nn.Linear(1, 1)
            self.lin = None
            self.add_module("x", nn.ReLU())

    M()
    for h in (hp, hb, hm):
        h.remove()
    log += reg
    hr = mm.register_module_parameter_registration_hook(
        lambda m, n, p: nn.Parameter(p.detach() * 0 + 7)
    )
    bare = nn.Module()
    bare.register_parameter("w", nn.Parameter(lib.ones(2)))
    log.append(("replaced", bare.w.tolist(), [n for n, _ in bare.named_parameters()]))
    hr.remove()
    # always_call
    ha = mm.register_module_forward_hook(
        lambda m, a, o: log.append(("always", type(m).__name__, o)), always_call=True
    )

    class Bad(nn.Module):
        def forward(self, x):
            raise ValueError("boom")

    try:
        Bad()(x)
    except ValueError:
        log.append("raised")
    ha.remove()
    # mixing kinds
    hf = mm.register_module_full_backward_hook(lambda *a: None)
    try:
        mm.register_module_backward_hook(lambda *a: None)
        log.append("no error")
    except Exception as e:
        log.append(type(e).__name__)
    hf.remove()
    return log


@pytest.fixture(autouse=True)
def _no_global_hooks_left():
    """Whatever happens in a test, no global hook outlives it (they would run in every
    later test's modules)."""
    yield
    for mm in (importlib.import_module("minigrad.nn.module"), torch.nn.modules.module):
        for name in dir(mm):
            value = getattr(mm, name)
            if name.startswith("_global_") and isinstance(value, dict):
                value.clear()
    importlib.import_module("minigrad.nn.module")._global_full[0] = None
    torch.nn.modules.module._global_is_full_backward_hook = None


def test_global_module_hooks_as_torch():
    assert run(mg) == run(torch)
