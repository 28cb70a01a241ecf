"""The twenty-third session's fixes against PyTorch. Programs leave ``R`` and run with
``M`` bound to torch and to minigrad (the autograd harness: same values and gradients, or
both raise the same class of error). Runs only where torch is installed."""

import pytest
from test_torch_oracle_autograd import test_program_matches_pytorch as _program_matches
from torch_oracle import import_torch

torch = import_torch()

_X = "x = M.tensor([[1., 2.], [3., 4.]], dtype=M.float64, requires_grad=True)"
LOGSUMEXP_NO_DIMS = [
    f"{_X}; y = x.logsumexp((), keepdim=True); y.sum().backward(); R = (y, x.grad)",
    f"{_X}; y = M.logsumexp(x, [], True); y.backward(M.ones(1, 1, dtype=M.float64)); "
    "R = (y, x.grad)",
    f"{_X}; R = x.logsumexp(())",
    "x = M.tensor(2.5, requires_grad=True); y = x.logsumexp((), keepdim=True); y.backward(); "
    "R = (y, x.grad)",
]


ANTIALIAS_KEPT_AXIS = [
    f"x = M.tensor([[[[0., 1., 4., 9., 16., 25.], [3., 1., 4., 1., 5., 9.]]]], dtype=M.float64); "
    f"R = M.nn.functional.interpolate(x, scale_factor={s}, mode='{m}', antialias=True)"
    for m in ("bilinear", "bicubic") for s in ("(1, 1.1)", "(1.5, 1.1)", "(1.1, 0.95)", "1.05")
]  # fmt: skip


_NORM = "M.nn.functional.normalize"
_ROW = "x = M.tensor([[3., 4.]], requires_grad=True)"
NORMALIZE_OUT = [
    f"x = M.tensor([[3., 4.], [0., 0.]]); o = M.empty(2, 2); r = {_NORM}(x, out=o); "
    "R = (o, r is o)",
    f"{_ROW}; {_NORM}(x, out=M.empty(1, 2))",
    f"{_ROW}\nwith M.no_grad(): o = M.empty(1, 2); {_NORM}(x, dim=0, out=o)\nR = o",
    f"x = M.tensor([[3., 4.]]); o = M.empty(3); {_NORM}(x, p=1, out=o); R = o",
]  # fmt: skip


_Z = "x = M.tensor([[1., 2., 3.], [4., 5., 6.], [0., 0., 0.]], dtype=M.float64, requires_grad=True)"
_W = "W = M.arange(9., dtype=M.float64).reshape(3, 3) / 10"
_A = "A = M.tensor([[1., 2.], [2., 4.0001]], dtype=M.float64)"
_H = "h = M.tensor([[2., 1.], [1., 3.]], dtype=M.float16)"
LINALG = [
    f"{_Z}; {_W}; U, S, Vh = M.linalg.svd(x, full_matrices=False); "
    "((U * S) @ Vh * W).sum().backward(); R = x.grad",
    f"{_Z}; {_W}; U, S, Vh = M.linalg.svd(x); ((U * S) @ Vh * W).sum().backward(); R = x.grad",
    "x = M.tensor([[float('nan'), 1.], [1., 2.]], dtype=M.float64, requires_grad=True); "
    "M.linalg.det(x).backward(); R = x.grad",
    "R = M.linalg.matrix_exp(M.tensor([[float('inf'), 1.], [0., 1.]], dtype=M.float64))",
    f"{_A}; R = M.linalg.pinv(A, rcond=1e-3)",
    f"{_A}; R = M.linalg.pinv(A, 1e-3)",
    f"{_A}; R = M.linalg.pinv(A, 1e-3, True)",
    f"{_A}; R = (M.linalg.matrix_rank(A, tol=1e-3), M.linalg.matrix_rank(A * 1000, 1e-3))",
    f"{_A}; R = M.linalg.matrix_rank(A, tol=1e-6, hermitian=True)",
    f"{_A}; M.linalg.pinv(A, rcond=1e-3, atol=0.1)",
    "A = M.tensor([[1., .2, 0.], [.3, 1., .1], [.9, .9, .05], [.5, .1, .2]], dtype=M.float64); "
    "R = M.linalg.lstsq(A, M.tensor([[1.], [2.], [3.], [4.]], dtype=M.float64), rcond=0.2, "
    "driver='gels')",
    *(f"{_H}; {call}" for call in (
        "M.linalg.inv(h)", "M.linalg.inv_ex(h)", "M.linalg.slogdet(h)", "M.linalg.pinv(h)",
        "M.linalg.matrix_rank(h)", "M.linalg.lstsq(h, h)", "M.linalg.tensorinv(h, ind=1)",
        "M.linalg.det(h)", "M.linalg.cholesky(h)",
    )),
]  # fmt: skip


SPECIAL_FLOAT16 = [
    f"x = M.tensor([0.5, 1.5], dtype=M.float16); R = {call}"
    for call in ("M.special.erfcx(x)", "M.special.log_ndtr(x)", "M.special.ndtri(x * 0.5)",
                 "M.special.zeta(x + 1, x)", "M.special.zeta(x + 1, 1.)", "M.special.zeta(2., x)",
                 "M.special.erfcx(x.double())", "M.special.zeta(x.double() + 1, 1.)")
]  # fmt: skip


PROGRAMS = {
    "logsumexp over dim=() with keepdim reduces all dims": LOGSUMEXP_NO_DIMS,
    "antialiased interpolate keeps an axis whose size a scale_factor keeps": ANTIALIAS_KEPT_AXIS,
    "F.normalize takes out=": NORMALIZE_OUT,
    "svd/det/matrix_exp at zero sigma, NaN, inf; pinv rcond, matrix_rank tol; float16": LINALG,
    "special functions without a float16 kernel refuse it": SPECIAL_FLOAT16,
}


@pytest.mark.parametrize(
    "program",
    [pytest.param(p, id=f"{k}-{i}") for k, ps in PROGRAMS.items() for i, p in enumerate(ps)],
)
def test_session23_fix_matches_pytorch(program):
    _program_matches(program)
