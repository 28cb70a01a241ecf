"""PyTorch 2.13 names minigrad lacked: the ``*_copy`` forms of the view ops, ATen's
positional forms (constant_pad_nd, convolution, native_* norms and dropout, grid_sampler,
...), factories on strides, and Tensor methods on memory and metadata; each against
PyTorch."""

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()
RNG = np.random.default_rng(13)


def pair(array, requires_grad=False):
    a = np.asarray(array)
    return (mg.tensor(a.copy(), requires_grad=requires_grad),
            torch.tensor(a.copy(), requires_grad=requires_grad))  # fmt: skip


def close(m, t, rtol=1e-10, atol=1e-12):
    m = m.detach().numpy() if isinstance(m, mg.Tensor) else np.asarray(m)
    t = t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
    assert m.shape == t.shape, (m.shape, t.shape)
    assert str(m.dtype) == str(t.dtype), (m.dtype, t.dtype)
    np.testing.assert_allclose(m, t, rtol=rtol, atol=atol)


def grads_match(f_mg, f_torch, arrays, rtol=1e-10, atol=1e-12):
    """Values and the gradients of every input under a fixed random cotangent."""
    ms = [mg.tensor(a.copy(), requires_grad=True) for a in arrays]
    ts = [torch.tensor(a.copy(), requires_grad=True) for a in arrays]
    om, ot = f_mg(*ms), f_torch(*ts)
    om = om if isinstance(om, (tuple, list)) else (om,)
    ot = ot if isinstance(ot, (tuple, list)) else (ot,)
    assert len(om) == len(ot)
    loss_m = loss_t = 0
    for a, b in zip(om, ot):
        close(a, b, rtol, atol)
        if b.requires_grad:
            w = RNG.normal(size=tuple(b.shape))
            loss_m = loss_m + (a * mg.tensor(w, dtype=a.dtype)).sum()
            loss_t = loss_t + (b * torch.tensor(w, dtype=b.dtype)).sum()
    loss_m.backward()
    loss_t.backward()
    for a, b in zip(ms, ts):
        close(a.grad, b.grad, rtol, atol)


# ---- the *_copy forms --------------------------------------------------------------------

X34 = np.arange(12.0).reshape(3, 4) * 0.5 - 2
COPIES = [
    ("alias_copy", lambda L, x: L.alias_copy(x)),
    ("t_copy", lambda L, x: L.t_copy(x)),
    ("transpose_copy", lambda L, x: L.transpose_copy(x, -1, 0)),
    ("permute_copy", lambda L, x: L.permute_copy(x, (1, 0))),
    ("diagonal_copy", lambda L, x: L.diagonal_copy(x, 1)),
    ("diagonal_copy_neg", lambda L, x: L.diagonal_copy(x, offset=-1, dim1=1, dim2=0)),
    ("select_copy", lambda L, x: L.select_copy(x, 1, -1)),
    ("slice_copy", lambda L, x: L.slice_copy(x, 1, 1, None, 2)),
    ("slice_copy_default", lambda L, x: L.slice_copy(x)),
    ("slice_copy_end", lambda L, x: L.slice_copy(x, dim=0, start=-2, end=100)),
    ("squeeze_copy", lambda L, x: L.squeeze_copy(x[None, :, None])),
    ("squeeze_copy_dim", lambda L, x: L.squeeze_copy(x[None, :, None], 0)),
    ("squeeze_copy_dims", lambda L, x: L.squeeze_copy(x[None, :, None], (0, 2))),
    ("unsqueeze_copy", lambda L, x: L.unsqueeze_copy(x, -1)),
    ("view_copy", lambda L, x: L.view_copy(x, (2, -1))),
    ("view_copy_transposed", lambda L, x: L.view_copy(x.t(), (12,))),
    ("unfold_copy", lambda L, x: L.unfold_copy(x, 1, 2, 1)),
    ("unfold_copy_gap", lambda L, x: L.unfold_copy(x, 1, 1, 3)),
    ("as_strided_copy", lambda L, x: L.as_strided_copy(x, (2, 2), (1, 2), 1)),
    ("as_strided_copy_overlap", lambda L, x: L.as_strided_copy(x, (3, 3), (1, 1))),
    ("expand_copy", lambda L, x: L.expand_copy(x[:, :1], (2, 3, 5))),
    ("expand_copy_implicit", lambda L, x: L.expand_copy(x, (3, -1), implicit=True)),
    ("split_copy", lambda L, x: L.split_copy(x, 3, 1)),
    ("split_with_sizes_copy", lambda L, x: L.split_with_sizes_copy(x, [1, 2], dim=0)),
    ("unbind_copy", lambda L, x: L.unbind_copy(x, -1)),
]


@pytest.mark.parametrize("name, f", COPIES, ids=[c[0] for c in COPIES])
def test_copy_forms_values_gradients_and_fresh_memory(name, f):
    grads_match(lambda x: f(mg, x), lambda x: f(torch, x), [X34])
    for L in (mg, torch):
        x = L.tensor(X34.copy())
        out = f(L, x)
        outs = out if isinstance(out, tuple) else (out,)
        assert isinstance(out, tuple) == (name in ("split_copy", "split_with_sizes_copy",
                                                   "unbind_copy"))  # fmt: skip
        for o in outs:
            assert o.is_contiguous()
            o.add_(100)
        assert x.tolist() == X34.tolist()  # never a view


@pytest.mark.parametrize("dtype", ["float32", "int64", "bool"])
def test_copy_forms_keep_dtype_and_strides(dtype):
    a = (np.arange(24).reshape(2, 3, 4) % 3).astype(dtype)
    for f in (lambda L, x: L.permute_copy(x, (2, 0, 1)), lambda L, x: L.t_copy(x[0]),
              lambda L, x: L.select_copy(x, -1, 0), lambda L, x: L.diagonal_copy(x, 0, -1, 0),
              lambda L, x: L.expand_copy(x[:, :1], (2, 3, 4))):  # fmt: skip
        m, t = f(mg, mg.tensor(a)), f(torch, torch.tensor(a))
        close(m, t)
        assert m.stride() == t.stride()


def test_view_copy_to_a_dtype():
    m, t = pair(X34.astype(np.float32))
    close(mg.view_copy(m, mg.int32), torch.view_copy(t, torch.int32))


def test_copy_forms_errors():
    m, t = pair(X34)
    for f, err in [
        (lambda L, x: L.slice_copy(x, 0, 0, 3, 0), RuntimeError),
        (lambda L, x: L.select_copy(x, 0, 3), IndexError),
        (lambda L, x: L.view_copy(x, (5, 2)), RuntimeError),
        (lambda L, x: L.split_copy(x, [1, 2]), TypeError),
        (lambda L, x: L.transpose_copy(x, 0, 2), IndexError),
        (lambda L, x: L.unfold_copy(x, 1, 5, 1), RuntimeError),
        (lambda L, x: L.expand_copy(x, (2, 4)), RuntimeError),
    ]:
        for L, x in ((mg, m), (torch, t)):
            with pytest.raises(err):
                f(L, x)


def test_copy_forms_keyword_names():
    m, t = pair(X34)
    for L, x in ((mg, m), (torch, t)):
        assert L.select_copy(input=x, dim=0, index=1).shape == (4,)
        assert L.unfold_copy(input=x, dimension=0, size=2, step=1).shape == (2, 4, 2)
        assert L.permute_copy(input=x, dims=[1, 0]).shape == (4, 3)
        assert L.as_strided_copy(input=x, size=(2,), stride=(3,), storage_offset=0).shape == (2,)


def test_detach_copy_values_and_fresh_memory():
    m, t = pair(X34, requires_grad=True)
    close(mg.detach_copy(m), torch.detach_copy(t))
    assert not mg.detach_copy(m).requires_grad  # torch 2.13 says True, with no backward
    y = mg.detach_copy(m)
    y.add_(1)
    assert m.tolist() == X34.tolist()
