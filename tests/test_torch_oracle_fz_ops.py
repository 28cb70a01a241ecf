"""Awkward inputs to tensor ops, against PyTorch: 0-d and empty tensors, dim=(), bool
dtypes, degrees of freedom <= 0, signed zeros. Each case is a small program run in both
frameworks on the same leaves; the values, dtypes, shapes and the leaves' gradients
(after a backward of a weighted sum) must agree, or both must raise (minigrad's exception
an instance of PyTorch's class). Found by a differential fuzzer; runs only where torch
is installed.
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
]


def _run(M, program, arrays):
    leaves = []
    for a in arrays:
        t = M.tensor(a)
        leaves.append(t.requires_grad_(True) if a.dtype.kind == "f" else t)
    env = {"M": M, "x": leaves[0]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            exec(program, env)
            outs = env["R"] if isinstance(env["R"], tuple) else (env["R"],)
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
