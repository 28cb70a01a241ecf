"""The faster forms of scatter-adds and window sums give what the plain forms give, bit for
bit: the same sums in the same order (np.add.at's, which is PyTorch's)."""

import gc
import itertools
import math
import weakref

import numpy as np
import pytest

import minigrad as mg
from minigrad import ops
from minigrad.nn import conv
from minigrad.nn import functional as F
from minigrad.nn.rnn import _lstm_ops, _lstm_step


def _add_at(shape, rows, values):
    out = np.zeros(shape, values.dtype)
    np.add.at(out, rows, values)
    return out


@pytest.mark.parametrize(
    "rows",
    [
        [3, 1, 3, 3, 0, 1],
        list(range(10)),
        [5] * 200 + [2, 5, 2],  # past the rounds: the rest by np.add.at, in order
        [],
    ],
)
def test_add_rows_is_add_at_bit_for_bit(rows):
    rng = np.random.default_rng(0)
    rows = np.array(rows, np.int64)
    scale = 10.0 ** rng.integers(-3, 4, (rows.size, 1, 1))
    values = (rng.standard_normal((rows.size, 3, 2)) * scale).astype(np.float32)
    out = np.zeros((10, 3, 2), np.float32)
    ops._add_rows(out, rows, values, rounds=64)
    np.testing.assert_array_equal(out, _add_at((10, 3, 2), rows, values))


def test_index_and_embedding_gradients_add_repeats_in_order():
    """x[i] and embedding with repeated and negative rows: the gradient is np.add.at's."""
    rng = np.random.default_rng(1)
    i = rng.integers(-6, 6, 300)
    g = rng.standard_normal((300, 4)).astype(np.float32) * 100
    x = mg.zeros(6, 4, requires_grad=True)
    x[mg.tensor(i)].backward(mg.tensor(g))
    np.testing.assert_array_equal(x.grad.numpy(), _add_at((6, 4), i, g))
    w = mg.zeros(6, 4, requires_grad=True)
    rows = (i % 6).reshape(30, 10)
    F.embedding(mg.tensor(rows), w).backward(mg.tensor(g.reshape(30, 10, 4)))
    np.testing.assert_array_equal(w.grad.numpy(), _add_at((6, 4), rows.ravel(), g))


def _col2im_by_strided_adds(cols, padded, s, d, pads):
    """col2im as one add per kernel point through a strided view of the padded image."""
    nd = len(padded)
    G, Cg = cols.shape[:2]
    k, N, out = cols.shape[2 : 2 + nd], cols.shape[2 + nd], cols.shape[3 + nd :]
    dX = np.zeros((G, Cg, N, *padded), cols.dtype)
    for point in np.ndindex(*k):
        at = tuple(slice(i * di, i * di + si * (o - 1) + 1, si)
                   for i, di, si, o in zip(point, d, s, out))  # fmt: skip
        dX[(..., *at)] += cols[(slice(None), slice(None), *point)]
    dX = dX.reshape(G * Cg, N, *padded).swapaxes(0, 1)
    return dX[(..., *(slice(lo, n - hi) for n, (lo, hi) in zip(padded, pads)))]


@pytest.mark.parametrize(
    "k, s, d, p",
    [((3, 3), (1, 1), (1, 1), 1), ((2, 2), (2, 2), (1, 1), 0), ((3, 2), (2, 1), (2, 1), 2),
     ((5,), (3,), (1,), 1), ((2, 2, 2), (1, 2, 1), (1, 1, 2), 1)],
)  # fmt: skip
def test_col2im_is_strided_adds_bit_for_bit(k, s, d, p):
    rng = np.random.default_rng(2)
    nd = len(k)
    padded = tuple(7 + 2 * p + i for i in range(nd))
    out = tuple((n - di * (ki - 1) - 1) // si + 1 for n, ki, si, di in zip(padded, k, s, d))
    cols = rng.standard_normal((2, 3, *k, 4, *out)).astype(np.float32)
    pads = ((p, p),) * nd
    got = conv._col2im(cols, padded, s, d, pads)
    np.testing.assert_array_equal(got, _col2im_by_strided_adds(cols, padded, s, d, pads))


@pytest.mark.parametrize(
    "k, s, p, d, ceil", list(itertools.product([2, 3], [1, 2], [0, 1], [1, 2], [False, True]))
)
def test_max_pool_gradient_is_add_at_of_the_indices(k, s, p, d, ceil):
    """Each window's gradient lands on its returned index, summed as np.add.at sums (in the
    windows' order, as PyTorch: an element that is the maximum of three windows or more
    gets the same float32 sum)."""
    if p > (d * (k - 1) + 1) // 2:
        return
    rng = np.random.default_rng(3)
    x = mg.tensor(rng.integers(-2, 3, (2, 3, 9, 8)).astype(np.float32), requires_grad=True)
    y, idx = F.max_pool2d(x, k, s, p, d, ceil_mode=ceil, return_indices=True)
    g = rng.standard_normal(y.shape).astype(np.float32)
    y.backward(mg.tensor(g))
    flat = idx.numpy().reshape(6, -1)
    want = np.stack([_add_at(72, f, gi) for f, gi in zip(flat, g.reshape(6, -1))])
    np.testing.assert_array_equal(x.grad.numpy(), want.reshape(x.shape))


def test_embedding_of_no_indices_has_a_zero_gradient():
    w = mg.randn(5, 3, requires_grad=True)
    F.embedding(mg.zeros((0, 10), dtype=mg.int64), w).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), np.zeros((5, 3), np.float32))


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_gelu_of_float32_and_float16_is_within_pytorchs_approximation(dtype):
    """Below float64, GELU's erf is PyTorch's approximation, in float32 (within 1.5e-7,
    plus the rounding of its steps: 5e-7 in all): values and gradients stay that close to
    float64's, up to their own rounding."""
    x = np.concatenate([np.linspace(-7, 4, 20001), [-30, -1e-3, 0, 1e-3, 30]]).astype(dtype)
    got, want = (mg.tensor(x, dtype=dt, requires_grad=True) for dt in (dtype, np.float64))
    outs = [F.gelu(t) for t in (got, want)]
    for y in outs:
        y.sum().backward()
    y32, y64 = outs[0].detach().numpy().astype(np.float64), outs[1].detach().numpy()
    x64, ulp = x.astype(np.float64), np.finfo(dtype).eps
    # |Δ out| <= |x|/2 |Δ erf| + rounding;  |Δ dx| <= |Δ erf| / 2 + rounding (x φ(x) < 0.25)
    assert np.all(np.abs(y32 - y64) <= np.abs(x64) * 2.5e-7 + 2 * ulp * np.abs(y64))
    d32, d64 = got.grad.numpy().astype(np.float64), want.grad.numpy()
    assert np.all(np.abs(d32 - d64) <= 2.5e-7 + 4 * ulp * np.maximum(np.abs(d64), 0.25))
    # the approximation is odd in x and reaches ±1: GELU of large |x| is x or 0, which is
    # +0 from PyTorch's float32 kernel (x/2 + x/2 erf, fused) and -0 from its float16 one
    assert y32[-1] == 30 and y32[-5] == 0 and np.signbit(y32[-5]) == (dtype == np.float16)


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_index_select_gradient_adds_repeats_as_add_at(dim):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((5, 6, 7)).astype(np.float32)
    i = rng.integers(0, x.shape[dim], 300)
    g = (rng.standard_normal(np.take(x, i, axis=dim).shape) * 100).astype(np.float32)
    t = mg.tensor(x, requires_grad=True)
    mg.index_select(t, dim, mg.tensor(i)).backward(mg.tensor(g))
    want = np.zeros(x.shape, np.float32)
    np.add.at(want, (slice(None),) * (dim % 3) + (i,), g)
    np.testing.assert_array_equal(t.grad.numpy(), want)


def _running(c, dtype):
    return mg.tensor(np.linspace(-1, 1, c).astype(dtype)), mg.tensor(
        np.linspace(0.5, 2, c).astype(dtype)
    )


# name: (input shape, norm(x, w, b), w's shape)
_NORMS = {
    "layer_norm": ((6, 5, 8), lambda x, w, b: F.layer_norm(x, (8,), w, b), (8,)),
    "layer_norm of 2 dims": ((6, 5, 8), lambda x, w, b: F.layer_norm(x, (5, 8), w, b), (5, 8)),
    "batch_norm": ((6, 5, 4, 3), lambda x, w, b: F.batch_norm(x, None, None, w, b, True), (5,)),
    "batch_norm, eval": (
        (6, 5, 4, 3),
        lambda x, w, b: F.batch_norm(x, *_running(5, x.dtype), w, b),
        (5,),
    ),
    "group_norm": ((4, 6, 3, 5), lambda x, w, b: F.group_norm(x, 3, w, b), (6,)),
    "instance_norm": ((4, 6, 7), lambda x, w, b: F.instance_norm(x, weight=w, bias=b), (6,)),
}


def _norm_run(name, dtype, with_params=True):
    shape, norm, wshape = _NORMS[name]
    rng = np.random.default_rng(3)
    x = mg.tensor((rng.standard_normal(shape) * 3 + 1).astype(dtype), requires_grad=True)
    w, b = (mg.tensor(rng.standard_normal(wshape).astype(dtype), requires_grad=True)
            if with_params else None for _ in range(2))  # fmt: skip
    y = norm(x, w, b)
    y.backward(mg.tensor(rng.standard_normal(shape).astype(dtype)))
    grads = (w.grad.numpy(), b.grad.numpy()) if with_params else ()
    return y.detach().numpy(), x.grad.numpy(), grads


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("with_params", [True, False])
@pytest.mark.parametrize("name", list(_NORMS))
def test_norms_in_slabs_give_the_whole_arrays_results(monkeypatch, name, dtype, with_params):
    # the norms work on slabs of rows (or channels) at a time; one row per slab must give
    # what one slab of everything gives: bit for bit where each value comes from one slab
    whole = _norm_run(name, dtype, with_params)
    monkeypatch.setattr(F, "_SLAB", 1)
    sliced = _norm_run(name, dtype, with_params)
    np.testing.assert_array_equal(sliced[0], whole[0])
    np.testing.assert_array_equal(sliced[1], whole[1])
    # w's and b's gradients add the slabs' sums (in float64) in another order
    for got, want in zip(sliced[2], whole[2]):
        np.testing.assert_allclose(got, want, rtol=1e-6 if dtype == np.float32 else 1e-13)


@pytest.mark.parametrize("name", list(_NORMS))
def test_norms_in_slabs_match_finite_differences(monkeypatch, name):
    monkeypatch.setattr(F, "_SLAB", 7)  # slabs of one or two rows or channels
    shape, norm, wshape = _NORMS[name]
    rng = np.random.default_rng(4)
    x, w, b = (mg.tensor(rng.standard_normal(s), requires_grad=True)
               for s in (shape, wshape, wshape))  # fmt: skip
    assert mg.autograd.gradcheck(norm, (x, w, b))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_in_place_is_the_formula_in_pytorchs_order(dtype, amsgrad):
    """Adam's step works in one scratch array per parameter; its values are those of the
    formula written out, operation by operation, in PyTorch's order."""
    rng = np.random.default_rng(5)
    shapes = [(4, 3), (3,), ()]
    params = [mg.tensor(rng.standard_normal(s).astype(dtype), requires_grad=True) for s in shapes]
    lr, (b1, b2), eps, wd = 1e-2, (0.8, 0.95), 1e-6, 0.1
    opt = mg.optim.Adam(params, lr=lr, betas=(b1, b2), eps=eps, weight_decay=wd, amsgrad=amsgrad)
    theta = [p.detach().numpy().copy() for p in params]
    m, v, v_max = ([np.zeros_like(a) for a in theta] for _ in range(3))
    for t in range(1, 4):
        grads = [rng.standard_normal(s).astype(dtype) for s in shapes]
        for p, g in zip(params, grads):
            p.grad = mg.tensor(g)
        opt.step()
        for i, g in enumerate(grads):
            g = g + wd * theta[i]
            m[i] += (1 - b1) * (g - m[i])
            v[i] *= b2
            v[i] += (1 - b2) * g * g
            if amsgrad:
                v_max[i] = np.maximum(v_max[i], v[i])
            denom = np.sqrt(v_max[i] if amsgrad else v[i]) / math.sqrt(1 - b2**t) + eps
            theta[i] = theta[i] - lr / (1 - b1**t) * (m[i] / denom)
    for p, want in zip(params, theta):
        np.testing.assert_array_equal(p.detach().numpy(), want)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.bool_])
def test_padded_is_np_pad(dtype):
    rng = np.random.default_rng(6)
    cases = [
        ((2, 3, 5), [(1, 2)]),
        ((1, 2, 4, 3), [(0, 3), (2, 0)]),
        ((2, 1, 2, 3, 4), [(1, 1), (0, 0), (2, 1)]),
        ((0, 2, 3), [(1, 1)]),
    ]
    for shape, pads in cases:
        X = (rng.standard_normal(shape) * 5).astype(dtype)
        for value in (0, -np.inf) if dtype in (np.float32, np.float64) else (0, 1):
            want = np.pad(X, ((0, 0), (0, 0), *pads), constant_values=value)
            got = conv._padded(X, pads, value)
            assert got.dtype == want.dtype
            np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("use", ["h", "c", "both"])
def test_fused_lstm_cell_is_the_ops_bit_for_bit(dtype, bias, use):
    """The LSTM step is one node; over three steps its outputs and the gradients of every
    input (and of the first state) are those of the same step op by op, bit for bit."""
    rng = np.random.default_rng(7)
    B, H = 3, 5
    arrays = [rng.standard_normal(s).astype(dtype) for s in
              [(3, B, 4 * H), (B, H), (B, H), (4 * H, H), (4 * H,)]]  # fmt: skip
    results = []
    for step in (_lstm_step, _lstm_ops):
        gi, h, c, w, b = (mg.tensor(a, requires_grad=True) for a in arrays)
        state = (h, c)
        for t in range(3):
            state = step(gi[t], state, w, b if bias else None)
        h_t, c_t = state
        if use == "h":
            loss = (h_t**2).sum()
        elif use == "c":
            loss = (c_t * 3).sum()
        else:
            loss = (h_t * c_t).sum() + c_t.sum()
        loss.backward()
        grads = [t.grad.numpy() for t in (gi, h, c, w) + ((b,) if bias else ())]
        results.append([h_t.detach().numpy(), c_t.detach().numpy(), *grads])
    for got, want in zip(*results):
        np.testing.assert_array_equal(got, want)


def test_fused_lstm_cell_grad_of_some_inputs_and_in_place_change():
    rng = np.random.default_rng(8)
    gi, h, c, w = (mg.tensor(rng.standard_normal(s), requires_grad=True)
                   for s in [(2, 8), (2, 2), (2, 2), (8, 2)])  # fmt: skip
    h1, c1 = _lstm_step(gi, (h, c), w, None)
    # autograd.grad through one output, of one input: the same as the ops give
    (dw,) = mg.autograd.grad((h1 * c1).sum(), [w], retain_graph=True)
    (dw_ops,) = mg.autograd.grad(
        (lambda s: (s[0] * s[1]).sum())(_lstm_ops(gi, (h, c), w, None)), [w]
    )
    np.testing.assert_array_equal(dw.numpy(), dw_ops.numpy())
    with mg.no_grad():
        h.mul_(2)  # the cell reads h at backward
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        h1.sum().backward()


def test_lstm_cell_records_the_ops_and_the_layer_the_fused_step():
    """As PyTorch on a CPU: LSTMCell's graph is its ops (Mul, Add); a sequence layer's step
    is one node."""
    h, c = mg.nn.LSTMCell(3, 4)(mg.randn(2, 3))
    assert (h.grad_fn.name(), c.grad_fn.name()) == ("MulBackward", "AddBackward")
    out, (h, c) = mg.nn.LSTM(3, 4)(mg.randn(5, 2, 3))
    assert c.grad_fn.next_functions[0][0].name() == "ThnnFusedLstmCellBackward"


def test_linear_and_matmul_fold_batch_dims_into_one_product():
    """x (..., n) @ Wᵀ and a (..., m) @ b (2-D or 1-D) are one GEMM over the rows, as
    PyTorch folds them: the same values and gradients as the batched products to within
    rounding, float64 gradcheck, and no hold on an input dx does not need."""
    rng = np.random.default_rng(10)
    for shape in [(3, 4, 5), (2, 3, 4, 5), (0, 4, 5), (3, 0, 5)]:
        X, W = rng.standard_normal(shape), rng.standard_normal((6, 5))
        x, w = mg.tensor(X, requires_grad=True), mg.tensor(W, requires_grad=True)
        out = mg.nn.functional.linear(x, w)
        G = rng.standard_normal(out.shape)
        out.backward(mg.tensor(G))
        np.testing.assert_allclose(out.detach().numpy(), np.matmul(X, W.T), rtol=1e-12)
        np.testing.assert_allclose(x.grad.numpy(), np.matmul(G, W), rtol=1e-12)
        dw = G.reshape(-1, 6).T @ X.reshape(-1, 5)
        np.testing.assert_allclose(w.grad.numpy(), dw, atol=1e-12)
        for b_shape in [(5, 2), (5,)]:
            assert mg.gradcheck(lambda a, b: a @ b, (mg.tensor(X, requires_grad=True),
                                                     mg.tensor(rng.standard_normal(b_shape),
                                                               requires_grad=True)))  # fmt: skip
    w = mg.randn(8, 32)  # frozen: dx needs W alone, and the input may be freed
    h = mg.randn(4, 16, 32, requires_grad=True) * 2
    ref = weakref.ref(h.data)
    y = mg.nn.functional.linear(h, w)
    del h
    gc.collect()
    assert ref() is None
    assert y.shape == (4, 16, 8)
