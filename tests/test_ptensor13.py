"""Torch-free checks of the names added in the ptensor round: the ``*_copy`` forms, ATen's
positional forms, factories on strides and the Tensor methods on memory and metadata,
against finite differences (mg.gradcheck, float64) and their formulas in NumPy."""

import numpy as np
import pytest

import minigrad as mg

RNG = np.random.default_rng(7)


def leaf(*shape):
    return mg.tensor(RNG.normal(size=shape), dtype=mg.float64, requires_grad=True)


# ---- the *_copy forms --------------------------------------------------------------------

COPY_CASES = [
    lambda x: mg.t_copy(x),
    lambda x: mg.permute_copy(x, (1, 0)),
    lambda x: mg.diagonal_copy(x, -1),
    lambda x: mg.select_copy(x, 0, 2),
    lambda x: mg.slice_copy(x, 1, 0, 4, 3),
    lambda x: mg.view_copy(x.t(), (2, 6)),
    lambda x: mg.unfold_copy(x, 0, 2, 1),
    lambda x: mg.as_strided_copy(x, (3, 3), (1, 1), 2),
    lambda x: mg.expand_copy(x[:1], (2, 3, 4)),
    lambda x: mg.split_copy(x, 2)[1] * mg.unbind_copy(x, 1)[0][:1],
    lambda x: mg.split_with_sizes_copy(x, [3, 1], 1)[0],
    lambda x: mg.squeeze_copy(mg.unsqueeze_copy(x, 0), (0,)),
]


@pytest.mark.parametrize("i", range(len(COPY_CASES)))
def test_copy_forms_gradcheck(i):
    assert mg.gradcheck(COPY_CASES[i], (leaf(3, 4),))


def test_copy_forms_equal_the_views_but_own_their_memory():
    x = mg.tensor(np.arange(12.0).reshape(3, 4))
    pairs = [(mg.t_copy(x), x.t()), (mg.diagonal_copy(x, 1), x.diagonal(1)),
             (mg.unfold_copy(x, 1, 2, 2), x.unfold(1, 2, 2)),
             (mg.expand_copy(x[:, :1], (3, 2)), x[:, :1].expand(3, 2))]  # fmt: skip
    for c, v in pairs:
        assert np.array_equal(c.numpy(), v.numpy())
        assert c.is_contiguous() and not np.shares_memory(c.numpy(), x.numpy())
    y = mg.alias_copy(x)
    y.zero_()
    assert x.sum().item() == 66.0


# ---- ATen's forms -------------------------------------------------------------------------

F = mg.nn.functional


def test_native_norms_gradcheck_and_statistics():
    x = leaf(2, 6, 5)
    assert mg.gradcheck(lambda x: mg.native_layer_norm(x, [6, 5], None, None, 1e-5)[0], (x,))
    assert mg.gradcheck(lambda x: mg.native_group_norm(x, None, None, 2, 6, 5, 3, 1e-5)[0], (x,))
    assert mg.gradcheck(lambda x: mg.native_batch_norm(x, None, None, None, None, True, 0.1,
                                                       1e-5)[0], (x,))  # fmt: skip
    X = x.detach().numpy()
    _, mean, rstd = mg.native_layer_norm(x, [5], None, None, 1e-3)
    np.testing.assert_allclose(mean.numpy(), X.mean(-1, keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(rstd.numpy(), 1 / np.sqrt(X.var(-1, keepdims=True) + 1e-3),
                               rtol=1e-12)  # fmt: skip
    _, mean, rstd = mg.native_group_norm(x, None, None, 2, 6, 5, 3, 1e-5)
    G = X.reshape(2, 3, 10)
    np.testing.assert_allclose(mean.numpy(), G.mean(-1), rtol=1e-12)
    np.testing.assert_allclose(rstd.numpy(), 1 / np.sqrt(G.var(-1) + 1e-5), rtol=1e-12)
    _, mean, invstd = mg.native_batch_norm(x, None, None, None, None, True, 0.1, 1e-5)
    np.testing.assert_allclose(mean.numpy(), X.mean((0, 2)), rtol=1e-12)
    np.testing.assert_allclose(invstd.numpy(), 1 / np.sqrt(X.var((0, 2)) + 1e-5), rtol=1e-12)
    assert not mean.requires_grad and not rstd.requires_grad
    with pytest.raises(RuntimeError, match="native_batch_norm"):  # PyTorch 2.13 segfaults
        mg.native_batch_norm(x, None, None, None, None, False, 0.1, 1e-5)


def test_norm_except_dim_formula():
    v = leaf(3, 4, 2)
    V = v.detach().numpy()
    np.testing.assert_allclose(mg.norm_except_dim(v, 2, 1).detach().numpy(),
                               np.sqrt((V**2).sum((0, 2), keepdims=True)), rtol=1e-12)  # fmt: skip
    np.testing.assert_allclose(mg.norm_except_dim(v, 3, -1).detach().numpy(),
                               (np.abs(V) ** 3).sum() ** (1 / 3), rtol=1e-12)  # fmt: skip
    assert mg.gradcheck(lambda v: mg.norm_except_dim(v, 2, 2), (v,))


def test_fill_and_constant_pad_nd():
    x, v = leaf(2, 3), mg.tensor(0.5, dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(lambda x, v: mg.fill(x, v) * x, (x, v))
    assert mg.fill(mg.arange(3), 2.9).tolist() == [2, 2, 2]
    assert mg.gradcheck(lambda x: mg.constant_pad_nd(x, [1, -1, 2, 0], 3.0), (x,))
    out = mg.constant_pad_nd(mg.ones(1, 2), [2, 0], 7).tolist()
    assert out == [[7.0, 7.0, 1.0, 1.0]]


def test_convolution_is_the_functional_convolution():
    x, w, b = leaf(2, 4, 6), leaf(4, 2, 3), leaf(6)
    got = mg.convolution(x, w, None, [2], [1], [1], False, [0], 2)
    assert np.allclose(got.detach().numpy(), F.conv1d(x, w, None, 2, 1, 1, 2).detach().numpy())
    got = mg.convolution(x, w, b[:4], [2], [1], [1], True, [1], 2)
    want = F.conv_transpose1d(x, w, b[:4], 2, 1, 1, 2, 1)
    assert np.allclose(got.detach().numpy(), want.detach().numpy())
    assert mg.gradcheck(lambda x, w: mg.convolution(x, w, None, [1], [0], [2], True, [0], 2),
                        (x, w))  # fmt: skip


def test_native_dropout_statistics():
    mg.manual_seed(0)
    n, p = 40_000, 0.3
    x = mg.ones(n, dtype=mg.float64, requires_grad=True)
    out, mask = mg.native_dropout(x, p, True)
    kept = mask.numpy().mean()
    assert abs(kept - (1 - p)) < 5 * np.sqrt(p * (1 - p) / n)  # CLT, 5 sigma
    assert np.array_equal(out.detach().numpy(), mask.numpy() / (1 - p))
    out.sum().backward()
    assert np.array_equal(x.grad.numpy(), mask.numpy() / (1 - p))


def test_feature_dropout_statistics():
    mg.manual_seed(1)
    n, p = 20_000, 0.5
    out = mg.feature_dropout(mg.ones(n, 2, 3, dtype=mg.float64), p, True).numpy()
    per_channel = out[..., 0]
    assert np.array_equal(out, np.repeat(per_channel[..., None], 3, -1))
    assert set(np.unique(per_channel)) <= {0.0, 2.0}
    assert abs((per_channel > 0).mean() - 0.5) < 5 * np.sqrt(0.25 / (2 * n))


def test_grid_sampler_is_grid_sample():
    x, g = leaf(1, 2, 3, 4), mg.tensor(RNG.uniform(-1, 1, (1, 2, 2, 2)))
    for i, mode in enumerate(("bilinear", "nearest", "bicubic")):
        for j, pad in enumerate(("zeros", "border", "reflection")):
            want = F.grid_sample(x, g, mode, pad, True).detach().numpy()
            assert np.array_equal(mg.grid_sampler_2d(x, g, i, j, True).detach().numpy(), want)
    assert mg.gradcheck(lambda x: mg.grid_sampler(x, g, 0, 2, False), (x,))
    with pytest.raises(RuntimeError, match="grid_sampler"):
        mg.grid_sampler(x, g, 3, 0, False)
    theta = leaf(1, 2, 3)
    assert mg.gradcheck(lambda t: mg.affine_grid_generator(t, [1, 1, 3, 2], False), (theta,))


# ---- factories, draws, histograms, segment reductions, low-rank SVD -----------------------


def test_empty_strided_and_permuted_layouts():
    t = mg.empty_strided((2, 3), (1, 2), dtype=mg.float64)
    assert t.stride() == (1, 2) and t.storage_offset() == 0
    t.copy_(mg.arange(6.0, dtype=mg.float64).reshape(2, 3))
    assert t.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert not t.is_contiguous() and t.t().is_contiguous()
    p = mg.empty_permuted((2, 3, 4), (2, 0, 1))
    assert p.stride() == (3, 1, 6) and p.permute(2, 0, 1).is_contiguous()


def test_frombuffer_views_the_buffer():
    b = bytearray(np.array([1.5, -2.0], np.float64).tobytes())
    t = mg.frombuffer(b, dtype=mg.float64)
    t.mul_(2)
    assert np.frombuffer(b, np.float64).tolist() == [3.0, -4.0]


def test_binomial_statistics():
    mg.manual_seed(3)
    n, p, k = 20.0, 0.3, 20_000
    draws = mg.binomial(mg.full((k,), n, dtype=mg.float64), mg.full((k,), p, dtype=mg.float64))
    X = draws.numpy()
    assert draws.dtype == mg.float64 and np.all(X == np.round(X)) and X.min() >= 0 and X.max() <= n
    sd = np.sqrt(n * p * (1 - p))
    assert abs(X.mean() - n * p) < 5 * sd / np.sqrt(k)  # CLT, 5 sigma
    assert abs(X.var() / sd**2 - 1) < 5 * np.sqrt(2 / k)  # rough: var of a variance estimate


def test_histogramdd_formula():
    pts = RNG.normal(size=(100, 2))
    h, (ex, ey) = mg.histogramdd(mg.tensor(pts), [4, 3])
    want, wx, wy = np.histogram2d(pts[:, 0], pts[:, 1], [ex.numpy(), ey.numpy()])
    assert np.array_equal(h.numpy(), want) and h.numpy().sum() == 100
    assert np.allclose(ex.numpy(), np.linspace(pts[:, 0].min(), pts[:, 0].max(), 5))
    d = mg.histogramdd(mg.tensor(pts), 3, density=True).hist.numpy()
    _, (ex, ey) = mg.histogramdd(mg.tensor(pts), 3)
    assert np.isclose((d * np.outer(np.diff(ex.numpy()), np.diff(ey.numpy()))).sum(), 1.0)


def test_segment_reduce_formulas_and_gradcheck():
    x = mg.tensor([1.0, 2.0, 4.0, 3.0, 3.0, 0.5], dtype=mg.float64)
    lengths = mg.tensor([2, 0, 4])
    expect = {"sum": [3.0, 0.0, 10.5], "mean": [1.5, np.nan, 2.625], "max": [2.0, -np.inf, 4.0],
              "min": [1.0, np.inf, 0.5], "prod": [2.0, 1.0, 18.0]}  # fmt: skip
    for reduce, want in expect.items():
        got = mg.segment_reduce(x, reduce, lengths=lengths).numpy()
        np.testing.assert_allclose(got, want)
    assert mg.segment_reduce(x, "mean", lengths=lengths, initial=2.0).tolist() == [2.5, 2.0, 3.125]
    assert mg.segment_reduce(x, "sum", offsets=mg.tensor([0, 2, 2, 6])).tolist() == [3.0, 0.0, 10.5]
    d = leaf(6, 2)
    for reduce in ("sum", "mean", "prod", "max"):
        f = lambda d, r=reduce: mg.segment_reduce(d, r, lengths=lengths, initial=0.3)  # noqa: E731
        assert mg.gradcheck(f, (d,))


def test_segment_reduce_tied_max_splits_any_gradient():
    x = mg.tensor([0.0, 6.0, 6.0, 1.0], dtype=mg.float64, requires_grad=True)
    mg.segment_reduce(x, "max", lengths=mg.tensor([1, 3])).backward(mg.tensor([1.0, -4.0]))
    assert x.grad.tolist() == [1.0, -2.0, -2.0, 0.0]  # PyTorch 2.13 gives -4 to each


def test_svd_lowrank_gradcheck_of_its_singular_values():
    A = leaf(6, 4)
    mg.manual_seed(0)
    assert mg.gradcheck(lambda A: (mg.manual_seed(0), mg.svd_lowrank(A, q=4)[1])[1], (A,))


# ---- Tensor methods on memory and metadata --------------------------------------------------


def test_resize_grow_keeps_memory_order_and_shrink_shares():
    x = mg.arange(6.0).reshape(3, 2).t()  # memory 0 .. 5, read as 0 2 4 1 3 5
    assert x.resize_(8) is x
    assert x[:6].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0] and x.is_contiguous()
    f = mg.from_numpy(np.asfortranarray(np.arange(6.0).reshape(2, 3)))  # memory 0 3 1 4 2 5
    f.resize_(7)
    assert f[:6].tolist() == [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]
    y = mg.arange(6)
    view = y[1:]
    view.resize_(2, 2)
    view.fill_(7)
    assert y.tolist() == [0, 7, 7, 7, 7, 5]


def test_set_shares_memory_and_bumps_version():
    a, b = mg.arange(4.0), mg.zeros(1)
    version = b._version[0]
    b.set_(a, 1, (3,), (1,))
    assert b._version[0] == version + 1
    b.mul_(10)
    assert a.tolist() == [0.0, 10.0, 20.0, 30.0]


def test_as_strided_scatter_gradcheck():
    x, s = leaf(2, 3), leaf(2)
    assert mg.gradcheck(lambda x, s: mg.as_strided_scatter(x, s, (2,), (3,), 1), (x, s))
    out = mg.as_strided_scatter(x, s, (2,), (3,), 1)
    out.backward(mg.ones(2, 3, dtype=mg.float64))
    assert x.grad.tolist() == [[1.0, 0.0, 1.0], [1.0, 0.0, 1.0]]  # PyTorch 2.13: its complement


def test_dim_order_of_permutations():
    for perm in [(0, 1, 2), (2, 0, 1), (1, 2, 0), (2, 1, 0)]:
        shape = (2, 3, 4)
        physical = mg.zeros(*[shape[d] for d in perm])
        x = physical.permute(*np.argsort(perm).tolist())  # dims lie in memory in order perm
        assert x.shape == shape and x.dim_order() == perm


def test_map2_and_to_dense():
    x = mg.tensor([1.0, 2.0])
    x.map2_(mg.tensor([3.0, 4.0]), mg.tensor(10.0), lambda a, b, c: a * b + c)
    assert x.tolist() == [13.0, 18.0]
    assert x.to_dense() is x and x.output_nr == 0


# ---- uint16, uint32, uint64 ------------------------------------------------------------------


@pytest.mark.parametrize("dt", [mg.uint16, mg.uint32, mg.uint64])
def test_barebones_unsigned_dtypes_hold_and_cast(dt):
    x = mg.tensor(np.array([0, 7, np.iinfo(dt).max], dt))
    assert mg.tensor([1, 2], dtype=dt).dtype == dt
    assert x.dtype == dt and x.tolist() == [0, 7, int(np.iinfo(dt).max)]
    assert (x == 7).tolist() == [False, True, False]
    assert x.to(mg.float64).tolist() == [0.0, 7.0, float(np.iinfo(dt).max)]
    assert (x[:2] * 3).dtype == dt and (x[:2] * 3).tolist() == [0, 21]
    assert (x[:2] + mg.tensor([0.5])).dtype == mg.float32
    with pytest.raises(RuntimeError, match="Promotion for uint16, uint32, uint64"):
        x + mg.tensor([1])
    with pytest.raises(RuntimeError, match="Promotion"):
        mg.promote_types(dt, mg.bool)
    with pytest.raises(NotImplementedError, match="arange"):
        mg.arange(3, dtype=dt)
    with pytest.raises(RuntimeError):
        mg.tensor([1], dtype=dt, requires_grad=True)
    assert mg.promote_types(dt, dt) == dt and mg.promote_types(dt, mg.float64) == mg.float64
