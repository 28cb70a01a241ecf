"""Oracle checks for review findings (fixb): minigrad against PyTorch."""

import inspect

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()


def test_gradgradcheck_takes_every_pytorch_keyword():
    ours = inspect.signature(mg.autograd.gradgradcheck).parameters
    theirs = inspect.signature(torch.autograd.gradgradcheck).parameters
    assert [(p.name, p.kind, p.default) for p in ours.values()] == [
        (p.name, p.kind, p.default) for p in theirs.values()
    ]
    x = mg.tensor([1.0, 2.0], dtype=mg.float64, requires_grad=True)
    with pytest.raises(NotImplementedError, match="gradgradcheck"):
        mg.autograd.gradgradcheck(lambda a: a.exp(), x, check_batched_grad=True)


def _mha(lib, E=8, H=2, L=3, S=4, N=2, **kw):
    """F.multi_head_attention_forward of lib on seeded inputs; arrays in kw become tensors."""
    rs = np.random.RandomState(0)

    def A(*shape):
        return lib.tensor(rs.randn(*shape).astype(np.float32))

    q, k, v = A(L, N, E), A(S, N, E), A(S, N, E)
    W, b, Wo, bo = A(3 * E, E), A(3 * E), A(E, E), A(E)
    kw = {key: lib.tensor(a) if isinstance(a, np.ndarray) else a for key, a in kw.items()}
    F = mg.nn.functional if lib is mg else torch.nn.functional
    return F.multi_head_attention_forward(q, k, v, E, H, W, b, None, None, False, 0.0, Wo, bo, **kw)


def test_mha_key_padding_mask_covers_static_k_keys():
    rs = np.random.RandomState(1)
    sk, sv = rs.randn(4, 5, 4).astype(np.float32), rs.randn(4, 5, 4).astype(np.float32)
    pad = np.zeros((2, 5), bool)
    pad[0, 3:] = True
    kw = dict(static_k=sk, static_v=sv, key_padding_mask=pad)
    (out, w), (tout, tw) = _mha(mg, **kw), _mha(torch, **kw)
    np.testing.assert_allclose(out.numpy(), tout.detach().numpy(), atol=1e-5)
    np.testing.assert_allclose(w.numpy(), tw.detach().numpy(), atol=1e-5)
    # attn_mask is still checked against the key's length S = 4, as PyTorch's
    kw = dict(static_k=sk, static_v=sv, attn_mask=np.zeros((3, 5), bool))
    with pytest.raises(RuntimeError, match=r"should be \(3, 4\)"):
        _mha(torch, **kw)
    with pytest.raises(RuntimeError, match=r"should be \(3, 4\)"):
        _mha(mg, **kw)


@pytest.mark.parametrize("case", ["inf_query", "nan_elsewhere"])
def test_sdpa_fully_minus_inf_row_is_zero(case):
    """A row all -inf gives 0 whether a mask or the inputs made it, and beside a NaN."""
    q = np.array([[[np.inf], [1.0], [2.0]]], np.float32)
    k = np.array([[[-1.0], [-2.0]]], np.float32)
    v = np.array([[[1.0], [3.0]]], np.float32)
    if case == "nan_elsewhere":
        q[0, 2, 0] = np.nan
    outs = [
        lib.nn.functional.scaled_dot_product_attention(*(lib.tensor(a) for a in (q, k, v)))
        for lib in (mg, torch)
    ]
    np.testing.assert_allclose(outs[0].numpy(), outs[1].numpy(), atol=1e-6)
    assert outs[0].numpy()[0, 0, 0] == 0


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
@pytest.mark.parametrize("lr", ["tensor32", "tensor64", "float"])
def test_lbfgs_keeps_its_step_t_as_pytorch(lr, line_search_fn):
    """t is a Tensor (in lr's dtype) with a Tensor lr, and after the first iteration."""
    kept = []
    for lib in (mg, torch):
        rate = {"tensor32": lib.tensor(0.5), "tensor64": lib.tensor(0.5, dtype=lib.float64),
                "float": 0.5}[lr]  # fmt: skip
        p = lib.tensor(np.array([3.0, -2.0, 5.0], np.float32), requires_grad=True)
        opt = lib.optim.LBFGS([p], lr=rate, max_iter=2, line_search_fn=line_search_fn)

        def closure(p=p, opt=opt):
            opt.zero_grad()
            loss = ((p - 1) ** 4).sum() + (p * p).sum()
            loss.backward()
            return loss

        kinds, values = [], []
        for _ in range(3):
            opt.step(closure)
            t = opt.state[p]["t"]
            tensor = isinstance(t, lib.Tensor)
            kinds.append(("Tensor", str(t.dtype).split(".")[-1]) if tensor else type(t).__name__)
            values.append(float(t))
        kept.append((kinds, values, p.detach().numpy()))
    assert kept[0][0] == kept[1][0]
    np.testing.assert_allclose(kept[0][1], kept[1][1], rtol=1e-4)
    np.testing.assert_allclose(kept[0][2], kept[1][2], rtol=1e-4)
