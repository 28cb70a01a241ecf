"""embedding_bag / EmbeddingBag and ctc_loss / CTCLoss against PyTorch.

Each case builds the same NumPy data in both frameworks, runs the op, back-propagates an
upstream gradient and compares the values and every gradient: float64 to 1e-10, float32
to rtol 1e-5. Bad input must raise the same class of exception in both.
"""

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()


def _close(a, b, dtype):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape and a.dtype == b.dtype, (a.shape, b.shape, a.dtype, b.dtype)
    if dtype == "float64":
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    else:  # the gradients are differences of O(1) terms: float32's absolute error is ~1e-7
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def _run(M, fn, arrays, grad_of, upstream_seed=7):
    """fn(M, *tensors) with the float arrays listed in ``grad_of`` requiring grad; backward of
    Σ out * u for a fixed random u > 0 (an inf loss times u stays inf); returns (out, grads)."""
    ts = [
        M.tensor(a, requires_grad=(i in grad_of)) if isinstance(a, np.ndarray) else a
        for i, a in enumerate(arrays)
    ]
    out = fn(M, *ts)
    u = np.random.default_rng(upstream_seed).uniform(0.5, 1.5, tuple(out.shape))
    u = u.astype(out.detach().numpy().dtype)
    (out * M.tensor(u)).sum().backward()
    return out.detach().numpy(), [ts[i].grad.numpy() for i in grad_of]


def _check(fn, arrays, grad_of, dtype, float64_reference=False):
    """Compare fn in both frameworks; with ``float64_reference`` PyTorch runs on the float32
    inputs cast to float64 and its results are rounded to float32 (for ops whose float32
    kernel accumulates more roundoff than the tolerance: minigrad computes those in
    float64 and rounds once)."""
    out_mg, grads_mg = _run(mg, fn, arrays, grad_of)
    wide = float64_reference and dtype == "float32"
    inputs = [
        (a.astype(np.float64) if wide and i in grad_of else a.copy())
        if isinstance(a, np.ndarray)
        else a
        for i, a in enumerate(arrays)
    ]
    out_t, grads_t = _run(torch, fn, inputs, grad_of)
    if wide:
        out_t, grads_t = out_t.astype(np.float32), [g.astype(np.float32) for g in grads_t]
    _close(out_mg, out_t, dtype)
    for gm, gt in zip(grads_mg, grads_t):
        _close(gm, gt, dtype)


# ---- embedding_bag -------------------------------------------------------------------


def _bag_case(seed, dtype):
    """A random embedding_bag configuration: weight, input, offsets and keyword arguments."""
    rng = np.random.default_rng(seed)
    rows, D = int(rng.integers(1, 7)), int(rng.integers(1, 5))
    mode = ["sum", "mean", "max"][seed % 3]
    # small integers make ties in 'max' likely; they are exact in both dtypes
    W = (
        rng.integers(-3, 4, (rows, D)).astype(dtype)
        if seed % 2
        else rng.standard_normal((rows, D)).astype(dtype)
    )
    idx_dtype = ["int64", "int32"][seed % 5 == 0]
    kw = dict(mode=mode)
    if rng.random() < 0.5:
        kw["padding_idx"] = int(rng.integers(-rows, rows))
    if rng.random() < 0.5:  # 2-D: fixed bags
        inp = rng.integers(0, rows, (int(rng.integers(0, 4)), int(rng.integers(1, 5)))).astype(
            idx_dtype
        )
        offsets = None
    else:
        n = int(rng.integers(0, 9))
        inp = rng.integers(0, rows, n).astype(idx_dtype)
        cuts = np.sort(rng.integers(0, n + 1, int(rng.integers(0, 4))))
        offsets = np.concatenate([[0], cuts]).astype(idx_dtype)  # repeats make empty bags
        if rng.random() < 0.5:  # CSR: the last offset is the input's length
            kw["include_last_offset"] = True
            offsets = np.append(offsets, n).astype(idx_dtype)
    psw = None
    if mode == "sum" and rng.random() < 0.5:
        psw = rng.standard_normal(inp.shape).astype(dtype)
    return W, inp, offsets, psw, kw


def _bag_fn(kw):
    def fn(M, W, inp, offsets, psw):
        return M.nn.functional.embedding_bag(inp, W, offsets, per_sample_weights=psw, **kw)

    return fn


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("seed", range(90))
def test_embedding_bag_matches_pytorch(seed, dtype):
    W, inp, offsets, psw, kw = _bag_case(seed, dtype)
    arrays = [W, inp, offsets, psw]
    _check(_bag_fn(kw), arrays, [0] if psw is None else [0, 3], dtype)


def _torch_bag_by_embedding(W, inp, offsets, psw, kw):
    """PyTorch's embedding_bag for 'sum' and 'mean' as F.embedding (whose
    scale_grad_by_freq divides by each index's count) and an index_add into the bags."""
    n = inp.size
    if offsets is None:
        bag = np.repeat(np.arange(inp.shape[0]), inp.shape[1])
        B = inp.shape[0]
    else:
        B = offsets.size - 1 if kw.get("include_last_offset") else offsets.size
        bag = np.searchsorted(offsets[:B], np.arange(n), side="right") - 1
    I = torch.tensor(inp.reshape(-1)).long()
    rows = torch.nn.functional.embedding(I, W, scale_grad_by_freq=True)
    keep = (
        np.ones(n, bool)
        if kw.get("padding_idx") is None
        else inp.reshape(-1) != kw["padding_idx"] % W.shape[0]
    )
    scale = torch.tensor(keep.astype(W.detach().numpy().dtype))
    if psw is not None:
        scale = scale * psw.reshape(-1)
    if kw["mode"] == "mean":
        counts = np.maximum(np.bincount(bag[keep], minlength=B), 1)[bag]
        scale = scale / torch.tensor(counts.astype(W.detach().numpy().dtype))
    return torch.zeros(B, W.shape[1], dtype=W.dtype).index_add(
        0, torch.tensor(bag), rows * scale[:, None]
    )


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("seed", [s for s in range(60) if s % 3 != 2])
def test_embedding_bag_scale_grad_by_freq_divides_by_each_index_count(seed, dtype):
    # PyTorch 2.13's CPU embedding_bag divides by the count of another index when counts
    # differ (pytorch/pytorch#190063, fixed by #190264); minigrad follows its documentation
    # and F.embedding: each row's gradient divided by its index's count in the input
    W, inp, offsets, psw, kw = _bag_case(seed, dtype)
    kw["scale_grad_by_freq"] = True
    out_mg, grads_mg = _run(mg, _bag_fn(kw), [W, inp, offsets, psw], [0] if psw is None else [0, 3])

    def reference(M, W, inp, offsets, psw):
        return _torch_bag_by_embedding(
            W, inp.numpy(), None if offsets is None else offsets.numpy(), psw, kw
        )

    out_t, grads_t = _run(
        torch, reference, [W.copy(), inp, offsets, psw], [0] if psw is None else [0, 3]
    )
    _close(out_mg, out_t, dtype)
    for gm, gt in zip(grads_mg, grads_t):
        _close(gm, gt, dtype)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("max_norm, norm_type", [(1.0, 2.0), (0.5, 1.0), (2.0, 3.0)])
def test_embedding_bag_max_norm_renorms_the_rows_it_uses(mode, max_norm, norm_type):
    rng = np.random.default_rng(3)
    W = rng.standard_normal((6, 4)) * 2
    inp, offsets = np.array([1, 2, 4, 1, 5]), np.array([0, 2, 2])
    results = []
    for M in (mg, torch):
        w = M.tensor(W.copy(), requires_grad=True)
        out = M.nn.functional.embedding_bag(
            M.tensor(inp), w, M.tensor(offsets), max_norm=max_norm, norm_type=norm_type, mode=mode
        )
        out.sum().backward()
        results.append((out.detach().numpy(), w.detach().numpy(), w.grad.numpy()))
    for a, b in zip(*results):
        _close(a, b, "float64")
    assert not np.allclose(results[0][1], W)  # some row was scaled


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("pad", [None, 2])
@pytest.mark.parametrize("psw", [False, True])
def test_embedding_bag_indices_past_the_last_offset_are_in_no_bag(mode, pad, psw):
    # With include_last_offset the last offset ends the last bag (CSR), as PyTorch's CUDA
    # kernel: its CPU kernels disagree among the modes when it is short of the input's
    # length (pytorch/pytorch#191965), so the reference is PyTorch on the input cut there
    if psw and mode != "sum":
        return
    rng = np.random.default_rng(8)
    W, inp, off = (
        rng.standard_normal((6, 2)),
        np.array([0, 1, 2, 3, 4, 2, 5]),
        np.array([0, 2, 2, 4]),
    )
    w = rng.standard_normal(inp.size) if psw else None
    kw = dict(mode=mode, padding_idx=pad, include_last_offset=True)

    def fn(M, W, inp, off, w):
        return M.nn.functional.embedding_bag(inp, W, off, per_sample_weights=w, **kw)

    grad_of = [0, 3] if psw else [0]
    out_mg, grads_mg = _run(mg, fn, [W, inp, off, w], grad_of)
    out_t, grads_t = _run(
        torch, fn, [W.copy(), inp[:4], off, None if w is None else w[:4]], grad_of
    )
    _close(out_mg, out_t, "float64")
    _close(grads_mg[0], grads_t[0], "float64")
    if psw:
        _close(grads_mg[1], np.concatenate([grads_t[1], np.zeros(3)]), "float64")


def test_embedding_bag_2d_input_with_per_sample_weights():
    rng = np.random.default_rng(5)
    W, inp, psw = (
        rng.standard_normal((5, 3)),
        rng.integers(0, 5, (4, 3)),
        rng.standard_normal((4, 3)),
    )

    def fn(M, W, inp, psw):
        return M.nn.functional.embedding_bag(
            inp, W, mode="sum", per_sample_weights=psw, padding_idx=2
        )

    _check(fn, [W, inp, psw], [0, 2], "float64")


def _bad_bag_calls():
    W = np.random.default_rng(0).standard_normal((5, 3))
    i = np.array([0, 1, 2])
    o = np.array([0, 2])
    F = "M.nn.functional.embedding_bag"
    return (
        [
            f"{F}(T(i), T(W), T(np.array([1, 2])))",  # offsets[0] != 0
            f"{F}(T(i), T(W), T(np.array([0, 4])))",  # offsets past the input
            f"{F}(T(np.array([0, 7])), T(W), T(o))",  # index out of range
            f"{F}(T(np.array([0, -1])), T(W), T(o))",  # negative index
            f"{F}(T(i.astype(float)), T(W), T(o))",  # float indices
            f"{F}(T(i), T(W), T(o.astype(float)))",  # float offsets
            f"{F}(T(i), T(W), T(o), padding_idx=5)",
            f"{F}(T(i), T(W), T(o), padding_idx=-6)",
            f"{F}(T(i), T(W), T(o), mode='sum', per_sample_weights=T(np.ones(3, np.float32)))",
            f"{F}(T(i), T(W), T(o), mode='sum', per_sample_weights=T(np.ones(4)))",
            f"{F}(T(i), T(W), T(o), mode='mean', per_sample_weights=T(np.ones(3)))",
            f"{F}(T(i), T(W), T(o), mode='max', per_sample_weights=T(np.ones(3)))",
            f"{F}(T(i), T(W), T(o), mode='max', scale_grad_by_freq=True)",
            f"{F}(T(i), T(W), T(o), mode='min')",
            f"{F}(T(i.reshape(1, 1, 3)), T(W))",
            f"{F}(T(i.reshape(1, 3)), T(W), T(o))",
            f"{F}(T(i), T(W))",
            f"{F}(T(i), T(W), T(o.reshape(1, 2)))",
            f"{F}(T(i), T(W[0]), T(o))",
            f"{F}(T(i), T(np.ones((2, 2), np.int64)), T(o))",
            f"{F}(T(i), T(W), T(np.zeros(0, np.int64)), include_last_offset=True)",
            f"{F}(T(np.zeros((2, 0), np.int64)), T(W))",
        ],
        W,
        i,
        o,
    )


BAD_BAG, _W, _I, _O = _bad_bag_calls()


@pytest.mark.parametrize("call", BAD_BAG)
def test_embedding_bag_bad_input_raises_as_pytorch(call):
    def raised(M):
        env = dict(M=M, T=M.tensor, np=np, W=_W, i=_I, o=_O)
        try:
            eval(call, env)
        except Exception as e:  # noqa: BLE001 - the class is what is compared
            return type(e)
        return None

    expected = raised(torch)
    assert expected is not None
    got = raised(mg)
    assert got is not None and issubclass(got, expected), (got, expected)


def test_embedding_bag_sparse_is_not_supported():
    W, i, o = mg.randn(4, 2), mg.tensor([0, 1]), mg.tensor([0])
    with pytest.raises(NotImplementedError, match="sparse"):
        mg.nn.functional.embedding_bag(i, W, o, sparse=True)


# ---- EmbeddingBag --------------------------------------------------------------------

MODULE_ARGS = [
    "(5, 3)",
    "(5, 3, mode='sum')",
    "(5, 3, max_norm=0.7, norm_type=1.0, scale_grad_by_freq=True)",
    "(5, 3, mode='max', padding_idx=-2)",
    "(5, 3, padding_idx=0, include_last_offset=True)",
    "(4, 2, mode='sum', dtype=M.float64)",
]


@pytest.mark.parametrize("args", MODULE_ARGS)
def test_embedding_bag_module_repr_state_and_init(args):
    m, t = (eval(f"M.nn.EmbeddingBag{args}", dict(M=M)) for M in (mg, torch))
    assert repr(m) == repr(t)
    assert list(m.state_dict()) == list(t.state_dict()) == ["weight"]
    assert (
        m.weight.shape == tuple(t.weight.shape)
        and str(m.weight.dtype) == str(t.weight.dtype).split(".")[1]
    )
    for name in (
        "mode",
        "padding_idx",
        "include_last_offset",
        "max_norm",
        "norm_type",
        "scale_grad_by_freq",
        "sparse",
    ):
        assert getattr(m, name) == getattr(t, name), name
    if m.padding_idx is not None:
        assert not m.weight.data[m.padding_idx].any()
    assert m.weight.requires_grad


@pytest.mark.parametrize("args", MODULE_ARGS)
def test_embedding_bag_module_forward_matches_pytorch(args):
    m, t = (eval(f"M.nn.EmbeddingBag{args}", dict(M=M)) for M in (mg, torch))
    m.load_state_dict({"weight": mg.tensor(t.weight.detach().numpy().copy())})
    inp, off = np.array([1, 0, 3, 3, 2, 1]), np.array([0, 2, 2, 5])
    if m.include_last_offset:  # CSR: the last offset is the input's length
        off = np.append(off, inp.size)
    if m.scale_grad_by_freq:  # each index once: PyTorch's CPU counts are wrong otherwise (#190063)
        inp = np.array([1, 0, 3, 4, 2])
    ym = m(mg.tensor(inp), mg.tensor(off))
    yt = t(torch.tensor(inp), torch.tensor(off))
    ym.sum().backward()
    yt.sum().backward()
    dtype = str(ym.dtype)
    _close(ym.detach().numpy(), yt.detach().numpy(), dtype)
    _close(m.weight.grad.numpy(), t.weight.grad.numpy(), dtype)
    _close(m.weight.detach().numpy(), t.weight.detach().numpy(), dtype)  # after max_norm


@pytest.mark.parametrize("freeze", [True, False])
def test_embedding_bag_from_pretrained(freeze):
    W = np.arange(12.0).reshape(4, 3)
    m = mg.nn.EmbeddingBag.from_pretrained(mg.tensor(W), freeze=freeze, mode="sum", padding_idx=1)
    t = torch.nn.EmbeddingBag.from_pretrained(
        torch.tensor(W), freeze=freeze, mode="sum", padding_idx=1
    )
    assert repr(m) == repr(t) and m.weight.requires_grad == t.weight.requires_grad == (not freeze)
    x = np.array([[1, 2], [3, 3]])
    _close(m(mg.tensor(x)).detach().numpy(), t(torch.tensor(x)).detach().numpy(), "float64")
    for M in (mg, torch):
        with pytest.raises(AssertionError):
            M.nn.EmbeddingBag.from_pretrained(M.zeros(3))
        with pytest.raises(AssertionError):
            M.nn.EmbeddingBag(3, 2, _weight=M.zeros(2, 2))
        with pytest.raises(AssertionError):
            M.nn.EmbeddingBag(3, 2, padding_idx=3)


def test_embedding_bag_module_per_sample_weights():
    t = torch.nn.EmbeddingBag(6, 2, mode="sum", dtype=torch.float64)
    m = mg.nn.EmbeddingBag(6, 2, mode="sum", dtype=mg.float64)
    m.load_state_dict({"weight": mg.tensor(t.weight.detach().numpy().copy())})
    inp, off, w = np.array([5, 0, 2]), np.array([0, 1]), np.array([0.5, -2.0, 3.0])
    _close(
        m(mg.tensor(inp), mg.tensor(off), mg.tensor(w)).detach().numpy(),
        t(torch.tensor(inp), torch.tensor(off), torch.tensor(w)).detach().numpy(),
        "float64",
    )


# ---- ctc_loss ------------------------------------------------------------------------


def _ctc_case(seed, dtype):
    """A random ctc_loss configuration: log_probs, targets, lengths and keyword arguments."""
    rng = np.random.default_rng(1000 + seed)
    T, N, C = int(rng.integers(1, 9)), int(rng.integers(1, 5)), int(rng.integers(2, 7))
    x = rng.standard_normal((T, N, C)) * 2
    lp = x - np.log(np.exp(x).sum(-1, keepdims=True)) if seed % 4 else x  # also unnormalised
    blank = int(rng.integers(0, C))
    il = rng.integers(0 if seed % 7 == 0 else 1, T + 1, N)
    tl = rng.integers(0, (T + 2) if seed % 4 == 0 else T // 2 + 2, N)  # long ones: impossible
    labels = [c for c in range(C) if c != blank]
    S = int(tl.max()) + int(rng.integers(0, 2))
    targets = rng.choice(labels, (N, S))
    if seed % 3 == 0:  # concatenated
        targets = np.concatenate([targets[n, : tl[n]] for n in range(N)])
    kw = dict(
        blank=blank, reduction=["mean", "sum", "none"][seed % 3 - 1], zero_infinity=bool(seed % 2)
    )
    return lp.astype(dtype), targets.astype(["int64", "int32"][seed % 5 == 0]), il, tl, kw


def _ctc_fn(kw, tuples):
    def fn(M, lp, targets, il, tl):
        if tuples:
            il, tl = tuple(int(v) for v in il.tolist()), tuple(int(v) for v in tl.tolist())
        return M.nn.functional.ctc_loss(lp, targets, il, tl, **kw)

    return fn


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("seed", range(120))
def test_ctc_loss_matches_pytorch(seed, dtype):
    lp, targets, il, tl, kw = _ctc_case(seed, dtype)
    # PyTorch's float32 kernel sums T steps in float32 log space: its gradients are off by
    # up to ~3e-6 (minigrad's by ~4e-8) from the float64 result, which is the reference
    _check(
        _ctc_fn(kw, tuples=seed % 4 == 1), [lp, targets, il, tl], [0], dtype, float64_reference=True
    )


@pytest.mark.parametrize("seed", range(30))
def test_ctc_loss_with_the_blank_among_the_targets_matches_pytorch_losses(seed):
    # PyTorch documents that a target cannot be the blank, but computes a loss for it: a
    # blank label may be skipped from a different label before it, as minigrad does. Its
    # gradient then differs at the last frame (PyTorch overwrites, rather than adds, one
    # of the blank's two terms there), so only the losses are compared
    rng = np.random.default_rng(4000 + seed)
    T, N, C = int(rng.integers(1, 8)), 3, int(rng.integers(2, 5))
    lp = rng.standard_normal((T, N, C))
    blank, il, tl = int(rng.integers(0, C)), rng.integers(0, T + 1, N), rng.integers(0, 4, N)
    targets = rng.integers(0, C, (N, 3))
    losses = [
        M.nn.functional.ctc_loss(
            M.tensor(lp),
            M.tensor(targets),
            M.tensor(il),
            M.tensor(tl),
            blank=blank,
            reduction="none",
        ).numpy()
        for M in (mg, torch)
    ]
    _close(*losses, "float64")


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("zero_infinity", [False, True])
@pytest.mark.parametrize("target_2d", [False, True])
def test_ctc_loss_unbatched_matches_pytorch(reduction, zero_infinity, target_2d):
    rng = np.random.default_rng(11)
    T, C = 6, 4
    x = rng.standard_normal((T, C))
    lp = x - np.log(np.exp(x).sum(-1, keepdims=True))
    tgt = np.array([[1, 3, 3]]) if target_2d else np.array([1, 3, 3])

    def fn(M, lp, targets):
        return M.nn.functional.ctc_loss(
            lp, targets, M.tensor(5), M.tensor(3), reduction=reduction, zero_infinity=zero_infinity
        )

    _check(fn, [lp, tgt], [0], "float64")


def test_ctc_loss_impossible_alignment_gives_inf_and_nan_gradient_as_pytorch():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 2, 4))
    lp = x - np.log(np.exp(x).sum(-1, keepdims=True))
    fn = _ctc_fn(dict(reduction="sum"), tuples=False)
    targets, il, tl = np.array([[1, 1], [1, 2]]), np.array([2, 3]), np.array([2, 2])
    out, (g,) = _run(mg, fn, [lp, targets, il, tl], [0])
    assert np.isinf(out)
    assert np.isnan(g[:2, 0]).all() and (g[2, 0] == 0).all() and np.isfinite(g[:, 1]).all()
    _check(fn, [lp, targets, il, tl], [0], "float64")


def test_ctc_loss_grad_fn_and_lengths_as_2d_tensor():
    lp = mg.randn(5, 2, 3, dtype=mg.float64).log_softmax(2).requires_grad_()
    loss = mg.nn.functional.ctc_loss(
        lp, mg.tensor([[1, 2], [2, 2]]), mg.tensor([[5, 4]]), mg.tensor([2, 1]), reduction="none"
    )
    assert loss.grad_fn.name() == "CtcLossBackward"
    t = torch.nn.functional.ctc_loss(
        torch.tensor(lp.detach().numpy()),
        torch.tensor([[1, 2], [2, 2]]),
        torch.tensor([[5, 4]]),
        torch.tensor([2, 1]),
        reduction="none",
    )
    _close(loss.detach().numpy(), t.numpy(), "float64")


def _bad_ctc_calls():
    F = "M.nn.functional.ctc_loss"
    lp = "T(LP)"
    tg = "T(np.array([[1, 2, 3], [2, 2, 1]]))"
    ok = "T(np.array([5, 4])), T(np.array([3, 2]))"
    return [
        f"{F}({lp}, {tg}, T(np.array([7, 4])), T(np.array([3, 2])))",  # input length > T
        f"{F}({lp}, {tg}, T(np.array([-1, 4])), T(np.array([3, 2])))",
        f"{F}({lp}, {tg}, T(np.array([5, 4])), T(np.array([4, 2])))",  # target length > S
        f"{F}({lp}, {tg}, T(np.array([5, 4])), T(np.array([-1, 2])))",
        f"{F}({lp}, {tg}, T(np.array([5])), T(np.array([3, 2])))",
        f"{F}({lp}, {tg}, T(np.array([5, 4])), T(np.array([3])))",
        f"{F}({lp}, {tg}, T(np.array([5.0, 4.0])), T(np.array([3, 2])))",
        f"{F}({lp}, {tg}, T(np.array([5, 4])), T(np.array([3.0, 2.0])))",
        f"{F}({lp}, T(np.array([1, 2, 3, 2])), {ok})",  # concatenated: size != Σ lengths
        f"{F}({lp}, {tg}[:1], {ok})",  # batch mismatch
        f"{F}({lp}, {tg}[None], {ok})",
        f"{F}({lp}, {tg}, {ok}, blank=4)",
        f"{F}({lp}, {tg}, {ok}, blank=-1)",
        f"{F}({lp}, {tg}, {ok}, reduction='avg')",
        f"{F}({lp}[None], {tg}, {ok})",
        f"{F}({lp}[:, 0, 0], {tg}, {ok})",
        f"{F}(T(np.ones((6, 2, 4), np.int64)), {tg}, {ok})",
        f"{F}({lp}[:, 0], {tg}, T(np.array(5)), T(np.array(3)))",  # unbatched: 2 targets
        f"{F}({lp}, {tg}, 5, 3)",
        f"{F}(LP, {tg}, {ok})",
    ]


LP = np.log(np.full((6, 2, 4), 0.25))


@pytest.mark.parametrize("call", _bad_ctc_calls())
def test_ctc_loss_bad_input_raises_as_pytorch(call):
    def raised(M):
        try:
            eval(call, dict(M=M, T=M.tensor, np=np, LP=LP))
        except Exception as e:  # noqa: BLE001 - the class is what is compared
            return type(e)
        return None

    expected = raised(torch)
    assert expected is not None
    got = raised(mg)
    assert got is not None and issubclass(got, expected), (got, expected)


@pytest.mark.parametrize(
    "kw", [{}, dict(blank=2, reduction="sum"), dict(zero_infinity=True, reduction="none")]
)
def test_ctc_loss_module_matches_pytorch(kw):
    m, t = mg.nn.CTCLoss(**kw), torch.nn.CTCLoss(**kw)
    assert repr(m) == repr(t) and m.state_dict() == {} and len(t.state_dict()) == 0
    assert (m.blank, m.reduction, m.zero_infinity) == (t.blank, t.reduction, t.zero_infinity)
    rng = np.random.default_rng(4)
    x = rng.standard_normal((7, 3, 5))
    lp = x - np.log(np.exp(x).sum(-1, keepdims=True))
    targets, il, tl = (
        np.array([[1, 3, 4], [3, 3, 1], [4, 1, 1]]),
        np.array([7, 6, 2]),
        np.array([3, 2, 3]),
    )
    a = m(mg.tensor(lp), mg.tensor(targets), mg.tensor(il), mg.tensor(tl))
    b = t(torch.tensor(lp), torch.tensor(targets), torch.tensor(il), torch.tensor(tl))
    _close(a.numpy(), b.numpy(), "float64")


# ---- multilabel_margin_loss, triplet_margin_with_distance_loss, gumbel_softmax -------


def _multilabel_case(seed, dtype):
    rng = np.random.default_rng(2000 + seed)
    C = int(rng.integers(1, 6))
    shape = (
        [(int(rng.integers(0, 5)), C), (C,), ()][seed % 3]
        if C == 1
        else [(int(rng.integers(1, 5)), C), (C,)][seed % 2]
    )
    x = rng.standard_normal(shape).astype(dtype)
    if seed % 4 == 0:  # ties at the hinge's kink: 1 - x[j] + x[i] = 0
        x = rng.integers(-2, 3, shape).astype(dtype)
    y = rng.integers(-1, C, shape).astype(
        np.int64
    )  # -1 anywhere ends the list; repeats count twice
    return x, y, ["mean", "sum", "none"][seed % 3]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("seed", range(60))
def test_multilabel_margin_loss_matches_pytorch(seed, dtype):
    x, y, reduction = _multilabel_case(seed, dtype)
    if x.size == 0 and reduction == "mean":  # PyTorch returns uninitialised memory
        reduction = "sum"

    def fn(M, x, y):
        return M.nn.functional.multilabel_margin_loss(x, y, reduction=reduction)

    _check(fn, [x, y], [0], dtype)


@pytest.mark.parametrize(
    "call",
    [
        "F.multilabel_margin_loss(T(X), T(Y[:, :3]))",
        "F.multilabel_margin_loss(T(X), T(Y.astype(np.int32)))",
        "F.multilabel_margin_loss(T(X), T(Y.astype(np.float64)))",
        "F.multilabel_margin_loss(T(X), T(Y + 3))",
        "F.multilabel_margin_loss(T(X), T(Y - 3))",
        "F.multilabel_margin_loss(T(X[None]), T(Y[None]))",
        "F.multilabel_margin_loss(T(Y), T(Y))",
        "F.multilabel_margin_loss(T(X[:, :0]), T(Y[:, :0]))",
        "F.multilabel_margin_loss(T(X), T(Y), reduction='avg')",
        "F.triplet_margin_with_distance_loss(T(X), T(X[0]), T(X))",
        "F.triplet_margin_with_distance_loss(T(X), T(X), T(X), margin=0)",
        "F.triplet_margin_with_distance_loss(T(X), T(X), T(X), reduction='avg')",
        "F.triplet_margin_with_distance_loss(T(X), T(X), T(X), None)",
        "M.nn.TripletMarginWithDistanceLoss(margin=-1.0)",
        "F.gumbel_softmax(T(Y))",
        "F.gumbel_softmax(T(X), dim=2)",
    ],
)
def test_extras_bad_input_raises_as_pytorch(call):
    X, Y = (
        np.random.default_rng(0).standard_normal((2, 4)),
        np.array([[1, 0, -1, 2], [3, -1, 0, 0]]),
    )

    def raised(M):
        try:
            eval(call, dict(M=M, F=M.nn.functional, T=M.tensor, np=np, X=X, Y=Y))
        except Exception as e:  # noqa: BLE001 - the class is what is compared
            return type(e)
        return None

    expected = raised(torch)
    assert expected is not None
    got = raised(mg)
    assert got is not None and issubclass(got, expected), (got, expected)


def test_multilabel_margin_loss_module():
    for M in (mg, torch):
        assert repr(M.nn.MultiLabelMarginLoss()) == "MultiLabelMarginLoss()"
    m, t = (
        mg.nn.MultiLabelMarginLoss(reduction="sum"),
        torch.nn.MultiLabelMarginLoss(reduction="sum"),
    )
    assert m.reduction == t.reduction and m.state_dict() == {} and len(t.state_dict()) == 0
    x, y = (
        np.random.default_rng(1).standard_normal((3, 4)),
        np.array([[0, 2, -1, 3], [1, 1, 1, 1], [-1, 0, 0, 0]]),
    )
    _close(
        m(mg.tensor(x), mg.tensor(y)).numpy(),
        t(torch.tensor(x), torch.tensor(y)).numpy(),
        "float64",
    )
    with pytest.warns(UserWarning, match="size_average"):
        legacy = (M.nn.MultiLabelMarginLoss(size_average=False) for M in (mg, torch))
        assert [m.reduction for m in legacy] == ["sum", "sum"]


_DISTANCES = {
    "default": None,
    "l1": "lambda a, b: (a - b).abs().sum(-1)",
    "cosine": "lambda a, b: 1 - M.nn.functional.cosine_similarity(a, b, dim=-1)",
    "module": "M.nn.PairwiseDistance(p=1.5)",
}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("distance", list(_DISTANCES))
@pytest.mark.parametrize("seed", range(8))
def test_triplet_margin_with_distance_loss_matches_pytorch(seed, distance, dtype):
    rng = np.random.default_rng(3000 + seed)
    shape = [(5, 3), (4,), (2, 3, 4)][seed % 3]
    a, p, n = (rng.standard_normal(shape).astype(dtype) for _ in range(3))
    kw = dict(
        margin=[1.0, 0.3, 2.5][seed % 3],
        swap=bool(seed % 2),
        reduction=["mean", "sum", "none"][seed % 3 - 1],
    )

    def fn(M, a, p, n):
        d = _DISTANCES[distance]
        return M.nn.functional.triplet_margin_with_distance_loss(
            a, p, n, distance_function=d if d is None else eval(d, dict(M=M)), **kw
        )

    _check(fn, [a, p, n], [0, 1, 2], dtype)


@pytest.mark.parametrize("distance", list(_DISTANCES))
def test_triplet_margin_with_distance_loss_module(distance):
    d = _DISTANCES[distance]
    m, t = (
        M.nn.TripletMarginWithDistanceLoss(
            distance_function=d if d is None else eval(d, dict(M=M)), margin=0.5, swap=True
        )
        for M in (mg, torch)
    )
    if distance != "l1" and distance != "cosine":  # a lambda's repr is its address
        assert repr(m) == repr(t)
    assert list(m.state_dict()) == list(t.state_dict()) == []
    assert (m.margin, m.swap, m.reduction) == (t.margin, t.swap, t.reduction)
    rng = np.random.default_rng(9)
    a, p, n = (rng.standard_normal((4, 3)) for _ in range(3))
    _close(
        m(*map(mg.tensor, (a, p, n))).numpy(), t(*map(torch.tensor, (a, p, n))).numpy(), "float64"
    )


@pytest.mark.parametrize("hard", [False, True])
def test_gumbel_softmax_shape_dtype_and_deprecated_eps_as_pytorch(hard):
    x = np.random.default_rng(0).standard_normal((3, 4, 5)).astype(np.float32)
    for dim in (0, 1, -1):
        a = mg.nn.functional.gumbel_softmax(mg.tensor(x), tau=0.7, hard=hard, dim=dim)
        b = torch.nn.functional.gumbel_softmax(torch.tensor(x), tau=0.7, hard=hard, dim=dim)
        assert a.shape == tuple(b.shape) and a.dtype == mg.float32
        _close(a.numpy().sum(dim), b.numpy().sum(dim), "float32")  # both sum to 1 along dim
    for M in (mg, torch):
        with pytest.warns(UserWarning, match="eps"):
            M.nn.functional.gumbel_softmax(M.tensor(x), eps=1e-5)


_FUNCTIONS = [
    "embedding_bag",
    "ctc_loss",
    "multilabel_margin_loss",
    "triplet_margin_with_distance_loss",
    "gumbel_softmax",
]
_METHODS = [
    f"{cls}.{m}"
    for cls in ("EmbeddingBag", "CTCLoss", "MultiLabelMarginLoss", "TripletMarginWithDistanceLoss")
    for m in ("__init__", "forward")
] + ["EmbeddingBag.from_pretrained"]


@pytest.mark.parametrize("name", [f"functional.{f}" for f in _FUNCTIONS] + _METHODS)
def test_signatures_match_pytorch(name):
    import inspect
    from functools import reduce

    def params(M):
        f = reduce(getattr, name.split("."), M.nn)
        return [(p.name, p.kind, p.default) for p in inspect.signature(f).parameters.values()]

    assert params(mg) == params(torch)
