"""Complex tensors (data without gradients) against PyTorch: promotion, Python complex
numbers, the complex-number functions, reductions, repr. Runs only where torch is installed."""

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

C = np.array([[1 + 2j, -3.5 + 0.5j, 0], [2 - 1j, 1j, 4]], np.complex64)


def _lib(L):  # noqa: N802 - L names the library
    return (torch.from_numpy(C.copy()) if L is torch else mg.tensor(C)), L.tensor([1.0, 2.0])


CASES = {
    # a 0-d complex tensor or a Python complex lifts a real tensor (PyTorch's categories)
    "real * 0-d complex": lambda L, c, x: x * L.tensor(1j),
    "real + 0-d complex128": lambda L, c, x: x + L.tensor(1j, dtype=L.complex128),
    "float64 * 0-d complex64": lambda L, c, x: x.double() * L.tensor(1j),
    "int * 0-d complex128": lambda L, c, x: x.long() * L.tensor(1j, dtype=L.complex128),
    "complex64 + float64": lambda L, c, x: c + x.double()[:, None].expand(2, 3),
    "0-d complex64 + 0-d float64": lambda L, c, x: L.tensor(1j) + L.tensor(1.0, dtype=L.float64),
    "real / 1j": lambda L, c, x: x / 1j,
    "1j - real": lambda L, c, x: 1j - x,
    "complex * 1j": lambda L, c, x: c * 1j,
    "(1+2j) - complex": lambda L, c, x: (1 + 2j) - c,
    "where(real, 1j)": lambda L, c, x: L.where(x > 1, x, 1j),
    "complex == 1+2j": lambda L, c, x: c == (1 + 2j),
    "complex != 1j": lambda L, c, x: c.ne(1j),
    "masked_fill 1j": lambda L, c, x: c.masked_fill(c.real > 1, 1j),
    # the complex-number functions
    "real": lambda L, c, x: c.real,
    "imag": lambda L, c, x: c.imag,
    "conj": lambda L, c, x: c.conj().resolve_conj(),
    "conj_physical": lambda L, c, x: L.conj_physical(c),
    "H": lambda L, c, x: c.H.resolve_conj(),
    "mH": lambda L, c, x: c.mH.resolve_conj(),
    "adjoint": lambda L, c, x: c.adjoint().resolve_conj(),
    "angle": lambda L, c, x: L.angle(c),
    "isreal": lambda L, c, x: L.isreal(c),
    "sgn": lambda L, c, x: L.sgn(c),
    "abs": lambda L, c, x: c.abs(),
    "view_as_real": lambda L, c, x: L.view_as_real(c),
    "view_as_complex": lambda L, c, x: L.view_as_complex(L.view_as_real(c).contiguous()),
    "complex()": lambda L, c, x: L.complex(x, x.flip(0)),
    "polar": lambda L, c, x: L.polar(x, x.flip(0)),
    "cfloat": lambda L, c, x: x.cfloat(),
    "cdouble": lambda L, c, x: x.cdouble(),
    # reductions and products whose complex form conjugates or takes |z|
    "var": lambda L, c, x: c.var(),
    "std dim": lambda L, c, x: c.std(1),
    "var_mean": lambda L, c, x: L.var_mean(c, 0, correction=0)[0],
    "vdot": lambda L, c, x: L.vdot(c[0], c[1]),
    "dot": lambda L, c, x: L.dot(c[0], c[1]),
    "float_power": lambda L, c, x: L.float_power(c, 2),
    "float_power 1j": lambda L, c, x: L.float_power(x, 1j),
    "cov": lambda L, c, x: L.cov(c),
    "corrcoef": lambda L, c, x: L.corrcoef(c),
    # the norms that see only each element's size: of |z|, real
    "vector_norm": lambda L, c, x: L.linalg.vector_norm(c, 3, 1),
    "vector_norm inf": lambda L, c, x: L.linalg.vector_norm(c, float("inf")),
    "vector_norm dtype": lambda L, c, x: L.linalg.vector_norm(c, dtype=L.complex128),
    "matrix_norm 1": lambda L, c, x: L.linalg.matrix_norm(c, 1),
    "matrix_norm fro": lambda L, c, x: L.linalg.matrix_norm(c),
    "Tensor.norm": lambda L, c, x: c.norm(1),
    "norm dim": lambda L, c, x: L.norm(c, dim=0),
    "normalize": lambda L, c, x: L.nn.functional.normalize(c),
    "dist": lambda L, c, x: L.dist(c, c * 2),
    "pairwise_distance": lambda L, c, x: L.nn.functional.pairwise_distance(c, c * 2),
    "logsumexp": lambda L, c, x: L.logsumexp(c * 3, 1),  # its log's imaginary part in (-π, π]
    "sum": lambda L, c, x: c.sum(0),
    "mean": lambda L, c, x: c.mean(),
}


@pytest.mark.parametrize("name", CASES)
def test_complex_values_and_dtypes_as_pytorch(name):
    out = []
    for L in (torch, mg):
        c, x = _lib(L)
        r = CASES[name](L, c, x)
        out.append(np.asarray(r.numpy() if L is torch else r.data))
    want, got = out
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_real_imag_and_view_as_real_are_views():
    for L in (torch, mg):
        c = _lib(L)[0]
        c.real[0, 0] = 7
        c.imag[0, 1] = 8
        L.view_as_real(c)[1, 0, 1] = 9
        assert c[0, 0].item() == 7 + 2j and c[0, 1].item() == -3.5 + 8j
        assert c[1, 0].item() == 2 + 9j


@pytest.mark.parametrize(
    "make",
    [
        lambda L: float(L.tensor(1j)),
        lambda L: int(L.tensor(2 + 1j)),
        lambda L: L.full((2,), 1j, dtype=L.float32),
        lambda L: L.ones(2).fill_(1j),
        lambda L: L.ones(2).masked_fill(L.tensor([True, False]), 1j),
        lambda L: L.view_as_real(L.ones(2)),
        lambda L: L.view_as_complex(L.ones(3)),
        lambda L: L.view_as_complex(L.ones(3, 2).t().contiguous().t()),
        lambda L: L.complex(L.ones(2), L.ones(2, dtype=L.float64)),
    ],
)
def test_refused_as_pytorch_refuses(make):
    with pytest.raises(RuntimeError):
        make(torch)
    with pytest.raises(RuntimeError):
        make(mg)


def test_a_real_complex_number_converts():
    for L in (torch, mg):
        assert float(L.tensor(2 + 0j)) == 2.0 and complex(L.tensor([1 - 2j])) == 1 - 2j
        assert L.full((2,), 1 + 0j, dtype=L.float32).tolist() == [1.0, 1.0]


@pytest.mark.parametrize(
    "values",
    [
        np.array([1 + 2j], np.complex64),
        np.array(1 - 2j, np.complex128),
        np.array([1 + 2j, -3.5 + 0.5j, 0], np.complex64),
        np.array([0.001 + 123.456j, -7.25 - 0.125j], np.complex64),
        np.array([np.inf + 1j, complex(1, np.nan), -0j, complex(0, -0.0)], np.complex64),
        (np.arange(2000).reshape(40, 50) * (1 + 1j)).astype(np.complex64),
        np.zeros((0, 3), np.complex64),
        np.array([1e10 + 1j, 2j], np.complex64),
        np.array([[1 + 1j, 2], [3j, 4]], np.complex128),
    ],
)
def test_repr_as_pytorch(values):
    want = repr(torch.from_numpy(values.copy()))
    assert repr(mg.tensor(values)).replace("minigrad.", "torch.") == want


@pytest.mark.parametrize(
    "draw",
    [
        lambda L: L.randn(3, dtype=L.complex64),
        lambda L: L.randn(40, dtype=L.complex64),
        lambda L: L.randn(5, 7, dtype=L.complex128),
        lambda L: L.rand(50, dtype=L.complex128),
        lambda L: L.randn_like(L.ones(9, dtype=L.complex64)),
        lambda L: L.rand_like(L.ones(9, dtype=L.complex64)),
        lambda L: L.ones(20, dtype=L.complex64).normal_(1, 2),
        lambda L: L.ones(4, 6, dtype=L.complex64).t().normal_(1, 2),
        lambda L: L.ones(20, dtype=L.complex64).uniform_(-1, 2),
    ],
)
def test_complex_random_draws_are_pytorchs(draw):
    """PyTorch fills view_as_real(x): 2n parts, normal ones with std / √2."""
    out = []
    for L in (torch, mg):
        L.manual_seed(0)
        r = draw(L)
        out.append(np.asarray(r.numpy() if L is torch else r.data))
    assert out[0].dtype == out[1].dtype and np.array_equal(out[0], out[1])
