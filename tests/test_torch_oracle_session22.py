"""The twenty-second session's fixes against PyTorch: the reparametrised gradients of
Gamma, Beta and Dirichlet draws (and the distributions built on them) are PyTorch's, value
for value; ops that read their output or input in backward catch in-place changes to them.
Programs leave ``R`` and run with ``M`` bound to torch and to minigrad (the autograd harness:
same values, or both raise the same class of error). Runs only where torch is installed."""

import numpy as np
import pytest
from test_torch_oracle_autograd import test_program_matches_pytorch as _program_matches
from torch_oracle import import_torch

import minigrad as mg
from minigrad.distributions._special import dirichlet_grad, standard_gamma_grad

torch = import_torch()


def _gamma_points(dtype):
    rng = np.random.default_rng(0)
    a = np.exp(rng.uniform(-5, 7, 50000)).astype(dtype)
    x = (np.exp(rng.uniform(-12, 8, 50000)) * a).astype(dtype)
    return a, x


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_standard_gamma_grad_is_torchs_kernel(dtype):
    """Every region (x < 0.8, α > 8 near and away from x = α, the rational fit) over α in
    [e⁻⁵, e⁷] and x/α in [e⁻¹², e⁸]: bit for bit (both evaluate in float64)."""
    a, x = _gamma_points(dtype)
    ref = torch._standard_gamma_grad(torch.tensor(a), torch.tensor(x)).numpy()
    np.testing.assert_array_equal(standard_gamma_grad(a, x).astype(dtype), ref)


def _beta_points(dtype):
    rng = np.random.default_rng(1)
    alpha = np.exp(rng.uniform(-4, 5, 50000)).astype(dtype)
    beta = np.exp(rng.uniform(-4, 5, 50000)).astype(dtype)
    total = (alpha + beta).astype(dtype)
    x = rng.beta(alpha.astype(np.float64), beta.astype(np.float64)).astype(dtype)
    x = np.clip(x, np.finfo(dtype).tiny, np.nextafter(dtype(1), dtype(0)))
    return x, alpha, total


def test_dirichlet_grad_is_torchs_kernel_in_float64():
    x, alpha, total = _beta_points(np.float64)
    ref = torch._dirichlet_grad(torch.tensor(x), torch.tensor(alpha), torch.tensor(total))
    np.testing.assert_array_equal(dirichlet_grad(x, alpha, total), ref.numpy())


def test_dirichlet_grad_is_torchs_kernel_in_float32():
    """PyTorch runs the series near 0 and 1 in float32 and the digamma steps of x in float32:
    so does minigrad (C's logf is float64's log rounded; NumPy's own float32 log is not, in
    about one case in twenty). The cases where an ulp of a logarithm still differs are
    cancellations (ψ(total) - ψ(α) for close arguments), whose float32 result has few
    correct digits in either library."""
    x, alpha, total = _beta_points(np.float32)
    ref = torch._dirichlet_grad(torch.tensor(x), torch.tensor(alpha), torch.tensor(total))
    ref = ref.numpy()
    got = dirichlet_grad(x, alpha, total)
    assert got.dtype == np.float32
    assert np.mean(got == ref) > 0.998
    np.testing.assert_allclose(got, ref, rtol=5e-3)


# Each program takes a (300, 4) parameter tensor, a row per draw (so each draw's gradient is
# compared, not float32 sums of 300 of them), and returns its draws.
RSAMPLE = {
    "gamma": lambda M, a: M.distributions.Gamma(a, M.ones_like(a) * 1.5).rsample(),
    "dirichlet": lambda M, a: M.distributions.Dirichlet(a).rsample(),
    "dirichlet_pairs": lambda M, a: M.distributions.Dirichlet(a.reshape(300, 2, 2)).rsample(),
    "beta": lambda M, a: M.distributions.Beta(a[:, :2], a[:, 2:]).rsample(),
    "chi2": lambda M, a: M.distributions.Chi2(a).rsample(),
    "student_t": lambda M, a: M.distributions.StudentT(a, a * 0.5, a).rsample(),
    "fisher": lambda M, a: M.distributions.FisherSnedecor(a, a.flip(1)).rsample(),
    "inverse_gamma": lambda M, a: M.distributions.InverseGamma(a, 2.0).rsample(),
}
PARAMS = np.tile([0.4, 2.5, 7.5, 30.0], (300, 1))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(RSAMPLE))
def test_rsample_gradients_are_torchs(name, dtype):
    """Same seed, same draws, and the same gradient of a weighted sum of them."""
    out = {}
    for M in (torch, mg):
        M.manual_seed(5)
        a = M.tensor(PARAMS, dtype=getattr(M, dtype), requires_grad=True)
        x = RSAMPLE[name](M, a)
        w = np.random.default_rng(6).standard_normal(tuple(x.shape))
        (x * M.tensor(w, dtype=x.dtype)).sum().backward()
        out[M] = (x.detach().numpy(), a.grad.numpy())
    rtol = 1e-12 if dtype == "float64" else 2e-6
    np.testing.assert_allclose(out[mg][0], out[torch][0], rtol=rtol)
    np.testing.assert_allclose(out[mg][1], out[torch][1], rtol=rtol, atol=rtol)


def test_dirichlet_and_beta_nodes_are_named_as_pytorchs():
    for M in (torch, mg):
        a = M.tensor([0.5, 1.5, 3.0], requires_grad=True)
        names = (M.distributions.Dirichlet(a).rsample().grad_fn.name(),
                 M.distributions.Beta(a[0], a[1]).rsample().grad_fn.name())  # fmt: skip
        if M is torch:
            expected = names
        else:
            assert names == (expected[0], expected[1].rstrip("0"))


@pytest.mark.parametrize(
    "draw",
    [
        lambda M, a: M.distributions.Gamma(a, 1.0).rsample((3,)),
        lambda M, a: M.distributions.Gamma(a, 1.0).sample((3,)),
        lambda M, a: M.distributions.Chi2(a).sample(),
        lambda M, a: M.distributions.Dirichlet(a).rsample(),
        lambda M, a: M.distributions.Beta(a[0], a[1]).sample(),
    ],
)
def test_float16_gamma_and_dirichlet_draws_are_refused_as_pytorchs(draw):
    """PyTorch's CPU gamma and Dirichlet kernels have no float16: both raise the same."""
    messages = []
    for M in (torch, mg):
        with pytest.raises(NotImplementedError) as e:
            draw(M, M.tensor([2.0, 1.0], dtype=M.float16))
        messages.append(str(e.value))
    assert messages[1] == messages[0]


# Before, these ops' backward read an array changed in place without noticing: a gradient of
# NaNs (scatter_reduce amax), of 0 (nanmedian), or of the doubled output (i0e, erfcx, ...).
_X = "x = M.tensor([[1., 5., 2.]], dtype=M.float64, requires_grad=True)"
_V = "x = M.tensor([0.5, 1.], dtype=M.float64, requires_grad=True)"
_N = "x = M.tensor([1., float('nan'), 3., 2.], dtype=M.float64, requires_grad=True)"
_SRC = "M.tensor([[3., -4.]], dtype=M.float64)"
SAVED_CHANGED = [
    *(f"{_X}; z = x.scatter_reduce(1, M.tensor([[0, 0]]), {_SRC}, '{r}'); z.mul_(2); "
      "z.sum().backward(); R = x.grad" for r in ("amax", "amin", "sum", "prod", "mean")),
    *(f"{_X}; y = x * 1; y.scatter_reduce_(1, M.tensor([[0, 0]]), {_SRC}, '{r}'); "
      "y.sum().backward(); R = x.grad" for r in ("amax", "prod")),
    *(f"{_X}; z = x.index_reduce(1, M.tensor([0, 0]), {_SRC}, '{r}'); z.mul_(2); "
      "z.sum().backward(); R = x.grad" for r in ("amax", "amin")),
    f"{_X}; y = x * 1; y.index_reduce_(1, M.tensor([0, 0]), {_SRC}, 'amin'); "
    "y.sum().backward(); R = x.grad",
    f"{_N}; z = x.nanmedian(); z.mul_(2); z.backward(); R = x.grad",
    f"{_N}; y = x * 1; z = y.nanmedian(); y.mul_(2); z.backward(); R = x.grad",
    *(f"{_V}; z = M.special.{f}(x); z.mul_(2); z.sum().backward(); R = x.grad"
      for f in ("i0e", "i1", "i1e", "erfcx", "log_ndtr")),
    *(f"{_V}; y = x * 1; z = M.special.{f}(y); y.mul_(2); z.sum().backward(); R = x.grad"
      for f in ("i0e", "i1", "i1e", "erfcx", "log_ndtr")),
    f"{_V}; y = x * 1; z = M.tan(y); y.mul_(2); z.sum().backward(); R = x.grad",
]  # fmt: skip


@pytest.mark.parametrize("program", SAVED_CHANGED)
def test_a_saved_array_changed_in_place_is_caught_as_pytorch_catches_it(program):
    _program_matches(program)


# Before, masked_scatter's backward read source's shape at backward time: after an in-place
# change of shape (t_, unsqueeze_, transpose_) it returned a gradient of the wrong shape.
_MS = (
    "x = M.tensor(np.arange(1., 7.).reshape(1, 6), requires_grad=True); y = x * 1; "
    "z = M.zeros(1, 6, dtype=M.float64).masked_scatter("
    "M.tensor([[True, False, True, False, False, True]]), y); "
)
SHAPE_CHANGED = [
    _MS + f"y.{op}; z.sum().backward(); R = x.grad"
    for op in ("t_()", "unsqueeze_(0)", "transpose_(0, 1)", "squeeze_(0)")
] + [
    "x = M.tensor(np.arange(16.).reshape(1, 1, 4, 4), requires_grad=True); y = x * 1; "
    "z = M.nn.functional.max_pool2d(y, 2); y.squeeze_(0); z.sum().backward(); R = x.grad",
]


@pytest.mark.parametrize("program", SHAPE_CHANGED)
def test_an_input_changed_in_shape_in_place_before_backward_as_pytorch(program):
    _program_matches(program)


# Before, copysign kept its input for backward even where only other needed a gradient (0):
# changing the input in place then made backward raise, where PyTorch keeps nothing of it.
COPYSIGN = [
    "c = M.tensor([-1., 2., 0.], dtype=M.float64); y = M.tensor([1., -1., 1.], dtype=M.float64, "
    f"requires_grad=True); z = M.copysign(c, y); {change}; z.sum().backward(); R = (y.grad, z)"
    for change in ("c.relu_()", "z.mul_(2)", "c.add_(1)")
] + [
    "c = M.tensor([-1., 2., 3.], dtype=M.float64, requires_grad=True); y = M.tensor([1., -1., 1.]"
    f", dtype=M.float64); z = M.copysign(c * 1, y); {change}; z.sum().backward(); R = c.grad"
    for change in ("z.mul_(2)", "y.neg_()")
]


@pytest.mark.parametrize("program", COPYSIGN)
def test_copysign_keeps_for_backward_what_pytorch_keeps(program):
    _program_matches(program)


# Before, the decompositions kept their input for backward, where PyTorch keeps only their
# outputs (svd, svdvals, qr, eigh; slogdet keeps A and the sign but not log|det|): changing
# the input in place made backward raise, and changing svdvals' output did not.
_A = ("A = M.tensor([[2., 1., 0.], [1., 3., 1.], [0., 1., 4.]], dtype=M.float64, "
      "requires_grad=True); B = A * 1; ")  # fmt: skip
DECOMPOSITIONS = [
    _A + "s = M.linalg.svdvals(B); B.mul_(2); s.sum().backward(); R = A.grad",
    _A + "s = M.linalg.svdvals(B); s.mul_(2); s.sum().backward(); R = A.grad",
    _A + "U, S, V = M.linalg.svd(B); B.mul_(2); S.sum().backward(); R = A.grad",
    _A + "Q, Rr = M.linalg.qr(B); B.mul_(2); (Q.sum() + Rr.sum()).backward(); R = A.grad",
    _A + "Q, Rr = M.linalg.qr(B); Rr.mul_(2); Q.sum().backward(); R = A.grad",
    _A + "Q, Rr = M.linalg.qr(B[:2]); B.mul_(2); (Q.sin().sum() + Rr.cos().sum()).backward(); "
    "R = A.grad",
    _A + "sg, ld = M.linalg.slogdet(B); ld.mul_(2); ld.backward(); R = A.grad",
    _A + "sg, ld = M.linalg.slogdet(B); B.mul_(2); ld.backward(); R = A.grad",
    _A + "w, v = M.linalg.eigh(B); B.mul_(2); w.sum().backward(); R = A.grad",
    _A + "w, v = M.linalg.eigh(B); w.mul_(2); w.sum().backward(); R = A.grad",
    _A + "n = M.linalg.matrix_norm(B, 'nuc'); B.mul_(2); n.backward(); R = A.grad",
]


@pytest.mark.parametrize("program", DECOMPOSITIONS)
def test_decompositions_keep_for_backward_what_pytorch_keeps(program):
    _program_matches(program)
