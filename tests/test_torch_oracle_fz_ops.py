"""Awkward inputs to tensor ops, against PyTorch: 0-d and empty tensors, dim=(), bool
dtypes, degrees of freedom <= 0, signed zeros, in-place changes after an op saved a
tensor, writes from memory that overlaps, setitem's value shapes and dtypes. Each case
is a small program run in both frameworks on the same leaves; the values, dtypes,
shapes and the leaves' gradients (after a backward of a weighted sum) must agree, or
both must raise (minigrad's exception an instance of PyTorch's class). Found by a
differential fuzzer; runs only where torch is installed.
"""

import warnings

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

F64 = np.array([[0.5, -1.5, 2.0], [1.0, 3.0, -2.5]])
CASES = [
    # mT of a 0-d tensor is the identity (a view), as .T; minigrad raised
    ("R = x.mT * 2", [np.array(1.5)]),
    ("R = x.mT", [np.array(True)]),
    # logit's slope at -0 is +inf, as at +0 (minigrad gave -inf)
    ("R = x.logit()", [np.array([-0.0, 0.0, 1.0, 0.25])]),
    ("R = x.logit(eps=0.0)", [np.array([-0.0, 0.0, 1.0, 0.25])]),
    # all/any with dim=() reduce nothing (minigrad reduced everything)
    ("R = x.any(())", [F64]),
    ("R = x.all((), keepdim=True)", [F64]),
    ("R = M.any(x, dim=[])", [F64 > 0]),
    ("R = x.all([0, 1])", [F64]),
    # squeeze(()) squeezes nothing (minigrad raised TypeError)
    ("R = x.unsqueeze(0).squeeze(()) * 1.0", [F64]),
    # median of an empty tensor: NaN, and a zero gradient of x's shape (backward raised)
    ("R = x.median()", [np.zeros((0, 3, 1))]),
    # median and kthvalue of bools are NotImplementedError, except kthvalue's 0-d shortcut
    ("R = x.median()", [np.array([True, False])]),
    ("R = x.median(0)", [np.array([True, False])]),
    ("R = x.median(0)", [np.array(True)]),
    ("R = x.kthvalue(1)", [np.array([True, False])]),
    ("R = x.kthvalue(1)", [np.array(True)]),
    # an empty reduction dim is an IndexError before k is checked (was RuntimeError)
    ("R = x.kthvalue(1)", [np.zeros((2, 0))]),
    ("R = x.kthvalue(1, 0)", [np.zeros((2, 0))]),
    ("R = x.median(0)", [np.zeros((0,), bool)]),
    # repeat_interleave along a dim of a 0-d tensor: IndexError (minigrad repeated it)
    ("R = x.repeat_interleave(2, dim=0)", [np.array(1.5)]),
    ("R = x.repeat_interleave(2, dim=-1)", [np.array(1.5)]),
    ("R = x.repeat_interleave(2)", [np.array(1.5)]),
    # var/std over all of x with n - correction <= 0: inf (NaN at the mean) and NaN
    ("R = x.var(correction=2)", [np.array([1.5, 2.0])]),
    ("R = x.var(correction=3)", [np.array([1.5, np.inf])]),
    ("R = x.var(correction=3)", [np.array([1.5, 1.5])]),
    ("R = x.var()", [np.array(1.5)]),
    ("R = x.var(0, correction=2)", [np.array(1.5)]),
    ("R = x.std(correction=3)", [np.array([1.5, 2.0])]),
    ("R = x.std(correction=2)", [F64[0, :2]]),
    ("R = x.var(dim=0, correction=3)", [F64]),
    ("R = x.std(dim=1, correction=4)", [F64]),
    # an in-place op whose backward reads its result (exp_, tanh_, ...) saved the tensor
    # itself: changing it again makes backward raise (minigrad kept a private copy)
    ("y = x * 1\ny.exp_()\ny.add_(1)\nR = y", [F64]),
    ("y = x * 1\ny.tanh_()\ny[0] = 0.5\nR = y", [F64]),
    ("y = x * 1\nv = y[0]\nv.sigmoid_()\ny.mul_(2)\nR = y", [F64]),
    ("y = x * 1\ny.relu_()\nR = y * 2", [F64]),  # no change after it: fine
    ("y = x * 1\ny.sqrt_()\nz = y * 2\ny.reciprocal_()\nR = (y, z)", [F64 * F64]),
    # gather, take, masked_select, index_add and index_copy save a tensor they read only
    # the shape of: a later change to it makes backward raise, as in PyTorch
    ("y = x * 1\nR = y.gather(1, M.tensor([[0], [2]]))\ny.add_(1)", [F64]),
    ("y = x * 1\nR = y.take(M.tensor([0, 4]))\ny.add_(1)", [F64]),
    ("y = x * 1\nR = y.masked_select(y > 0)\ny.add_(1)", [F64]),
    ("y = x * 1\ns = x[:1] * 2\nR = y.index_add(0, M.tensor([1]), s)\ns.add_(1)", [F64]),
    ("y = x * 1\ns = x[:1] * 2\nR = y.index_copy(0, M.tensor([1]), s)\ns.add_(1)", [F64]),
    ("R = M.zeros(3, dtype=M.float64).index_add(0, M.tensor([0]), x[0, 0])", [F64]),
    # writing into a tensor from an input sharing part of its memory: RuntimeError
    ("y = x * 1\ny.add_(y[0])", [F64]),
    ("y = x[:, :2] * 1\ny.add_(y.T)", [F64]),
    ("y = x * 1\ny[1:].copy_(y[:-1])", [F64]),
    ("y = x * 1\ny.clamp_(y[0], y[1])", [F64]),
    ("y = x * 1\ny.lerp_(y[1], 0.5)", [F64]),
    ("y = x * 1\ny[[0, 1]] = y", [F64]),
    ("y = x * 1\ny[M.tensor([True, False])] = y[1]", [F64]),
    ("y = x * 1\ny[1:] = y[:1]", [F64]),
    ("y = x * 1\ny.index_add_(0, M.tensor([0, 1]), y)", [F64]),
    ("y = x * 1\ny.scatter_(0, M.tensor([[1, 0, 1]]), y[:1])", [F64]),
    ("y = x * 1\ny[0:1].copy_(y[0])", [F64]),
    # setitem expands the value to the part first: a value it repeats is not compared, nor
    # one that is the part itself with another shape
    ("y = x * 1\ny[:] = y[0]\nR = y", [F64]),
    ("y = x * 1\ny[..., None, :] = y[1]\nR = y", [F64]),
    ("y = x * 1\ny[0:1] = y[0]\nR = y", [F64]),
    ("y = x * 1\ny[0] = y[0:1]\nR = y", [F64]),
    ("y = x * 1\ny[0, 0] = y[0, :1]\nR = y", [F64]),
    ("y = x * 1\ny[0:1, None] = y[0]\nR = y", [F64]),
    ("y = x * 1\ny[::3] = y[0]", [F64]),  # a part of size 1 sliced with a step
    ("y = x * 1\nv = y[:1]\nv[::2] *= 3\nR = y", [F64]),  # the part itself: copied as it is
    ("y = x * 1\ny[0::3, None] += 1\nR = y", [F64]),
    ("y = x * 1\ny[1:, [0, 1]] = y[0, :2]\nR = y", [F64]),  # the rows written: not row 0
    ("y = x * 1\ny[2:, M.tensor([], dtype=M.int64)] = y[0, :0]\nR = y", [F64]),
    # ... but not from the same memory, a layout PyTorch does not compare, or a number
    ("y = x * 1\ny.mul_(y)\nR = y", [F64]),
    ("y = x * 1\ny[0].add_(y[:, 0].sum())\nR = y", [F64]),
    ("y = x * 1\ny[:, 0] = y[0, :2]\nR = y", [F64]),
    ("y = x * 1\ny.masked_fill_(y > 0, y[0, 0])\nR = y", [F64]),
    ("y = x * 1\ny[y > 0] = y[1, 1]\nR = y", [F64]),
    ("y = x * 1\ny.index_fill_(1, M.tensor([0]), y[1, 1])\nR = y", [F64]),
    ("y = x * 1\ny[0] = y[1]\nR = y", [F64]),
    # setitem drops the value's leading dims of size 1; one value under a mask among
    # basic parts is a masked_fill (it casts); an empty NumPy float array indexes nothing
    ("y = x * 1\ny[0, 1] = x[1, :1] * 3\nR = y", [F64]),
    ("y = x * 1\ny[M.tensor([True, False]), 0] = x[1, 1].float()\nR = y", [F64]),
    ("y = x * 1\ny[np.array([False, True]), None, 2] = M.tensor(2.5)\nR = y", [F64]),
    ("y = x * 1\ny[M.tensor(True)] = x[0, 0].float()", [F64]),
    ("y = x * 1\ny[[0], 1] = x[1, 1].float()", [F64]),
    ("R = x[np.array([])]", [F64]),
    ("R = x[:, np.array([])]", [F64]),
    ("R = x[M.tensor([])]", [F64]),
    # copy_ from a shape that does not broadcast: RuntimeError
    ("y = x * 1\ny.copy_(M.ones(3, 3, dtype=M.float64))", [F64]),
    # an in-place op with t itself as an operand saved that operand before the write
    ("y = x * 1\ny.hypot_(y)\nR = y", [F64]),
    ("y = x * 1\ny.pow_(y)\nR = y", [F64 * F64]),
    ("y = x * 1\ny.lerp_(y, 0.5)\nR = y", [F64]),
    # div_ takes rounding_mode; sgn saves its input and result (PyTorch's formula)
    ("y = x * 1\ny.div_(x.detach() + 5, rounding_mode='floor')\nR = y", [F64]),
    ("y = x * 1\nv = y.sgn()\nv.exp_()\nR = v", [F64]),
    ("y = x * 1\nv = y.sgn()\ny.exp_()\nR = v", [F64]),
    # integer division by zero of no elements is no error
    ("R = (x.long()[:0] // 0, x.long()[:, :0] % M.zeros(2, 1, dtype=M.int64))", [F64]),
    # setitem from a 0-d value is PyTorch's fill_: read as a number, even from t's memory
    ("y = x * 1\ny[:] = y[0, 0]\nR = y", [F64]),
    # a part of an expanded tensor in which no element repeats may be changed in place;
    # the whole of it, or a part that repeats, may not
    ("y = x * 1\nv = y.expand(2, 2, 3)\nv.diagonal().sub_(1)\nR = y", [F64]),
    ("y = x * 1\nv = y.expand(2, 2, 3)\nv[0].exp_()\nR = (y, v)", [F64]),
    ("y = x * 1\nv = y.expand(2, 2, 3)\nv[1].copy_(x * 2)\nR = y", [F64]),
    ("y = x * 1\nv = y.expand(2, 2, 3)\nv[0][v[0] > 0] = 7.0\nR = y", [F64]),
    ("y = x * 1\nv = y.expand(2, 2, 3)\nv.add_(1)", [F64]),
    ("y = x * 1\nv = y.expand(2, 2, 3)\nv[:, 0] = 1.0", [F64]),
    ("y = x.detach() * 1\nv = y[:1].expand(3, 3)\nv[0] = 2.0\nR = y", [F64]),
    ("y = x.detach() * 1\nv = y.expand(2, 2, 3)\nv.unsqueeze(0)[0, 0] = 7.0\nR = y", [F64]),
    # the result of repeat_interleave or inner (a view of an internal result) can change
    # in place (minigrad: "base tensor is gone")
    ("y = x * 1\nv = y.repeat_interleave(2)\nv[::2] *= 3\nR = v", [F64]),
    ("y = x * 1\nv = y.repeat_interleave(2, dim=1)\nv.flatten()[1:].zero_()\nR = v", [F64]),
    ("y = x * 1\nv = M.inner(y, y)\nv[0].mul_(2)\nR = v", [F64]),
    # a view keeps its base alive, so a view of a temporary result (stack(...)[0], x.T.ravel(),
    # cat(...).view(-1)) can be changed in place through a view of it (minigrad: "base
    # tensor is gone"); a view of a leaf that requires grad still cannot
    ("y = x * 1\nv = M.stack([y, y])[0]\nv[0].mul_(2)\nR = v", [F64]),
    ("y = x * 1\nv = y.T.ravel()\nv[0].mul_(2)\nR = v", [F64]),
    ("y = x * 1\nv = M.cat([y, y]).view(-1)\nv[1:3].mul_(2)\nR = v", [F64]),
    ("y = x * 1\nv = y.sum(0, keepdim=True).expand(2, 3)[0]\nv[0].mul_(2)\nR = v", [F64]),
    ("b = M.arange(6.0)\nw = b.reshape(2, 3).requires_grad_()\nw.diagonal().zero_()", [F64]),
    ("w = M.arange(6.0).reshape(2, 3).requires_grad_()\nw[0].mul_(2)", [F64]),
    # median along a dim is NaN where the row has a NaN, at the row's first NaN
    ("R = x.median(1)", [np.array([[1.0, np.nan, 3.0, np.nan], [2.0, 0.0, 5.0, 1.0]])]),
    ("R = x.median(0, keepdim=True)", [np.array([[1.0, np.nan], [np.nan, 0.0], [2.0, 5.0]])]),
]

# What an op saves for backward, as PyTorch: ``out = f(a, b)``, then a or b changed in
# place, then backward. It raises exactly when the op saved the changed tensor, which
# PyTorch does for the VJPs of the inputs that require grad (only a, only b, or both);
# minigrad saved too much (hypot, lerp, addcmul, addmm, ...: a needless error) or too
# little (cummax, rounded division: no error).
SAVING_OPS = [
    "M.hypot(a, b)", "M.lerp(a, b, a)", "M.lerp(a, b, b)", "M.dot(a[0], b[0])",
    "M.vdot(a[0], b[0])", "M.addcmul(a, a, b)", "M.addcmul(b, a, a)", "M.addcdiv(a, a, b)",
    "M.addcdiv(a, b, a.abs() + 1)",
    "M.fmod(a, b)", "M.fmod(b, a)", "M.kron(a, b)", "M.addmm(a[:, :2], a, b.T[:, :2])",
    "a.index_add(0, M.tensor([0]), b[:1])", "a.index_copy(0, M.tensor([0]), b[:1])",
    "a.div(b, rounding_mode='trunc')", "a.div(b, rounding_mode='floor')",
    "M.cross(a[:, :3], b[:, :3])", "a.cummax(0).values", "b.cummin(1).values",
    "a.remainder(b)", "a.floor_divide(b)", "a * b", "M.atan2(a, b)",
]  # fmt: skip


def _saving_run(M, op, grads, changed):
    r = np.random.default_rng(0)
    a = M.tensor(r.normal(size=(3, 4)) + 0.1, requires_grad="a" in grads) * 1
    b = M.tensor(r.normal(size=(3, 4)) + 0.2, requires_grad="b" in grads) * 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            out = eval(op, {"M": M, "a": a, "b": b})
            {"a": a, "b": b}[changed].add_(1)
            if out.requires_grad:
                out.sum().backward()
        except RuntimeError as e:
            return e
    return None


@pytest.mark.parametrize("grads", ["a", "b", "ab"])
@pytest.mark.parametrize("changed", ["a", "b"])
@pytest.mark.parametrize("op", SAVING_OPS)
def test_what_an_op_saves_matches_pytorch(op, grads, changed):
    expected = _saving_run(torch, op, grads, changed)
    got = _saving_run(mg, op, grads, changed)
    assert (got is None) == (expected is None), f"PyTorch: {expected!r}, minigrad: {got!r}"


def _run(M, program, arrays):
    leaves = []
    for a in arrays:
        t = M.tensor(a)
        leaves.append(t.requires_grad_(True) if a.dtype.kind == "f" else t)
    env = {"M": M, "np": np, "x": leaves[0]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            exec(program, env)
            R = env.get("R", ())
            outs = R if isinstance(R, tuple) else (R,)
            loss = None
            rng = np.random.default_rng(0)
            for o in outs:
                if o.requires_grad:
                    w = rng.normal(size=tuple(o.shape)).astype(o.detach().numpy().dtype)
                    w = M.tensor(w)
                    loss = (o * w).sum() if loss is None else loss + (o * w).sum()
            if loss is not None:
                loss.backward()
        except Exception as e:  # noqa: BLE001 - the exception is what is compared
            return None, e
    values = [(str(o.dtype).split(".")[-1], np.array(o.tolist())) for o in outs]
    grads = [None if t.grad is None else np.array(t.grad.tolist()) for t in leaves]
    return (values, grads), None


@pytest.mark.parametrize("program,arrays", CASES)
def test_program_matches_pytorch(program, arrays):
    expected, t_err = _run(torch, program, arrays)
    got, m_err = _run(mg, program, arrays)
    if t_err is not None:
        assert m_err is not None, f"PyTorch raises {t_err!r}, minigrad does not"
        assert isinstance(m_err, type(t_err)), f"{m_err!r} is not a {type(t_err)}"
        return
    assert m_err is None, f"minigrad raises {m_err!r}"
    for (gd, gv), (ed, ev) in zip(got[0], expected[0], strict=True):
        assert gd == ed
        assert gv.shape == ev.shape
        np.testing.assert_allclose(gv, ev, rtol=1e-12, atol=1e-12)
    for g, e in zip(got[1], expected[1], strict=True):
        assert (g is None) == (e is None)
        if e is not None:
            np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-12)
