"""embedding_bag and ctc_loss without PyTorch: finite-difference gradients in float64 and
the definitions written out in plain NumPy loops (for CTC, a sum over every alignment)."""

import itertools

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F

# ---- embedding_bag -------------------------------------------------------------------


def _bags_by_loops(W, inp, offsets, mode, psw, include_last_offset, padding_idx):
    """The definition: cut the input into bags, drop the padding index, reduce each bag."""
    inp = np.asarray(inp)
    if inp.ndim == 2:
        bags = [list(range(r * inp.shape[1], (r + 1) * inp.shape[1])) for r in range(inp.shape[0])]
        inp = inp.reshape(-1)
        psw = None if psw is None else np.asarray(psw).reshape(-1)
    else:
        ends = list(offsets[1:]) + ([] if include_last_offset else [len(inp)])
        starts = offsets[: len(ends)]
        bags = [list(range(s, e)) for s, e in zip(starts, ends)]
    out = np.zeros((len(bags), W.shape[1]))
    for b, positions in enumerate(bags):
        rows = [
            W[inp[i]] * (1.0 if psw is None else psw[i])
            for i in positions
            if padding_idx is None or inp[i] != padding_idx % W.shape[0]
        ]
        if not rows:
            continue
        if mode == "sum":
            out[b] = np.sum(rows, axis=0)
        elif mode == "mean":
            out[b] = np.mean(rows, axis=0)
        else:
            out[b] = np.max(rows, axis=0)
    return out


def _random_bag(seed):
    rng = np.random.default_rng(seed)
    rows, D = int(rng.integers(1, 6)), int(rng.integers(1, 4))
    W = rng.standard_normal((rows, D))
    mode = ["sum", "mean", "max"][seed % 3]
    pad = int(rng.integers(-rows, rows)) if seed % 2 else None
    if seed % 4 < 2:
        inp, offsets, last = (
            rng.integers(0, rows, (int(rng.integers(0, 4)), int(rng.integers(1, 4)))),
            None,
            False,
        )
    else:
        n = int(rng.integers(0, 8))
        inp = rng.integers(0, rows, n)
        offsets = np.concatenate(
            [[0], np.sort(rng.integers(0, n + 1, int(rng.integers(0, 4))))]
        ).astype(np.int64)
        last = bool(seed % 8 >= 4)
        if last:
            offsets = np.append(offsets, n)
    psw = rng.standard_normal(np.shape(inp)) if mode == "sum" and seed % 5 < 3 else None
    return W, inp, offsets, mode, psw, last, pad


@pytest.mark.parametrize("seed", range(60))
def test_embedding_bag_is_its_definition(seed):
    W, inp, offsets, mode, psw, last, pad = _random_bag(seed)
    out = F.embedding_bag(
        mg.tensor(inp), mg.tensor(W), None if offsets is None else mg.tensor(offsets), mode=mode,
        per_sample_weights=None if psw is None else mg.tensor(psw), include_last_offset=last,
        padding_idx=pad,
    )  # fmt: skip
    assert out.dtype == mg.float64
    np.testing.assert_allclose(
        out.numpy(), _bags_by_loops(W, inp, offsets, mode, psw, last, pad), rtol=1e-13, atol=1e-14
    )


@pytest.mark.parametrize("seed", range(60))
def test_embedding_bag_gradcheck(seed):
    W, inp, offsets, mode, psw, last, pad = _random_bag(seed)
    if mode == "max":  # distinct values, so that the max is differentiable
        W = W + np.arange(W.size).reshape(W.shape) * 0.37
    tensors = [mg.tensor(W, requires_grad=True)]
    if psw is not None:
        tensors.append(mg.tensor(psw, requires_grad=True))

    def fn(w, *weights):
        return F.embedding_bag(
            mg.tensor(inp), w, None if offsets is None else mg.tensor(offsets), mode=mode,
            per_sample_weights=weights[0] if weights else None, include_last_offset=last,
            padding_idx=pad,
        )  # fmt: skip

    assert mg.gradcheck(fn, tensors)


def test_embedding_bag_max_sends_a_tie_to_the_first_row():
    W = mg.tensor([[1.0, 5.0], [1.0, 2.0], [0.0, 5.0]], requires_grad=True)
    F.embedding_bag(mg.tensor([[1, 0, 2]]), W, mode="max").sum().backward()
    assert W.grad.tolist() == [[0.0, 1.0], [1.0, 0.0], [0.0, 0.0]]


def test_embedding_bag_padding_is_left_out_of_the_mean_and_gets_no_gradient():
    W = mg.tensor([[1.0], [2.0], [4.0]], requires_grad=True)
    out = F.embedding_bag(mg.tensor([0, 2, 2, 1, 2]), W, mg.tensor([0, 3, 3]), padding_idx=2)
    assert out.tolist() == [[1.0], [0.0], [2.0]]  # (1) / 1, an empty bag, (2) / 1
    out.sum().backward()
    assert W.grad.tolist() == [[1.0], [1.0], [0.0]]


def test_embedding_bag_scale_grad_by_freq_divides_by_each_index_count():
    W = mg.ones(4, 1, dtype=mg.float64, requires_grad=True)
    F.embedding_bag(
        mg.tensor([1, 1, 3, 0, 1]), W, mg.tensor([0, 2]), mode="sum", scale_grad_by_freq=True
    ).sum().backward()
    assert W.grad.numpy()[:, 0].tolist() == [1.0, 1.0, 0.0, 1.0]


def test_embedding_bag_max_norm_scales_rows_in_place():
    W = mg.tensor([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]])
    F.embedding_bag(mg.tensor([0, 1]), W, mg.tensor([0]), max_norm=1.0)
    np.testing.assert_allclose(np.linalg.norm(W.numpy(), axis=1), [1.0, 0.5, 10.0], rtol=1e-6)


def test_embedding_bag_module_matches_the_function():
    mg.manual_seed(0)
    m = mg.nn.EmbeddingBag(6, 3, mode="sum", padding_idx=-1, dtype=mg.float64)
    w = m.weight.detach().numpy()
    assert m.padding_idx == 5 and not w[5].any() and w[:5].std() > 0
    x, off = mg.tensor([0, 5, 2, 3]), mg.tensor([0, 1])
    psw = mg.tensor([1.0, 2.0, -1.0, 0.5], dtype=mg.float64)
    expected = F.embedding_bag(x, m.weight, off, mode="sum", per_sample_weights=psw, padding_idx=5)
    np.testing.assert_array_equal(m(x, off, psw).detach().numpy(), expected.detach().numpy())
    assert repr(m) == "EmbeddingBag(6, 3, mode='sum', padding_idx=5)"
    W = mg.tensor(np.arange(6.0).reshape(3, 2))
    frozen = mg.nn.EmbeddingBag.from_pretrained(W, mode="max")
    assert frozen.weight.data is W.data and not frozen.weight.requires_grad
    assert frozen(mg.tensor([[0, 2]])).tolist() == [[4.0, 5.0]]


@pytest.mark.parametrize(
    "call, error",
    [
        (
            lambda W: F.embedding_bag(
                mg.tensor([0, 1]), W, mg.tensor([0]), mode="mean", per_sample_weights=mg.ones(2)
            ),
            NotImplementedError,
        ),
        (
            lambda W: F.embedding_bag(mg.tensor([0, 1]), W, mg.tensor([0]), sparse=True),
            NotImplementedError,
        ),
        (lambda W: F.embedding_bag(mg.tensor([0, 3]), W, mg.tensor([0])), RuntimeError),
        (lambda W: F.embedding_bag(mg.tensor([0, 1]), W, mg.tensor([1])), RuntimeError),
        (lambda W: F.embedding_bag(mg.tensor([0, 1]), W), ValueError),
        (
            lambda W: F.embedding_bag(mg.tensor([0, 1]), W, mg.tensor([0]), mode="median"),
            ValueError,
        ),
    ],
)
def test_embedding_bag_bad_input_raises(call, error):
    with pytest.raises(error, match="embedding_bag"):
        call(mg.ones(3, 2))


# ---- ctc_loss ------------------------------------------------------------------------


def _collapse(path, blank):
    """B(π): merge repeated labels, then drop the blanks."""
    merged = [c for i, c in enumerate(path) if i == 0 or c != path[i - 1]]
    return [c for c in merged if c != blank]


def _ctc_by_enumeration(lp, target, blank):
    """-log Σ_{π in C^T, B(π) = target} Π_t exp(lp[t, π_t]), every path written out."""
    T, C = lp.shape
    total = 0.0
    for path in itertools.product(range(C), repeat=T):
        if _collapse(list(path), blank) == list(target):
            total += np.exp(sum(lp[t, c] for t, c in enumerate(path)))
    return -np.log(total) if total > 0 else np.inf


def _log_softmax(x):
    return x - np.log(np.exp(x).sum(-1, keepdims=True))


@pytest.mark.parametrize("seed", range(24))
def test_ctc_loss_sums_every_alignment(seed):
    rng = np.random.default_rng(seed)
    T, N, C = int(rng.integers(1, 6)), 3, int(rng.integers(2, 4))
    blank = int(rng.integers(0, C))
    lp = _log_softmax(rng.standard_normal((T, N, C)))
    il = rng.integers(0, T + 1, N)
    tl = rng.integers(0, 4, N)
    targets = rng.choice([c for c in range(C) if c != blank], (N, 3))
    loss = F.ctc_loss(
        mg.tensor(lp),
        mg.tensor(targets),
        mg.tensor(il),
        mg.tensor(tl),
        blank=blank,
        reduction="none",
    )
    expected = [_ctc_by_enumeration(lp[: il[n], n], targets[n, : tl[n]], blank) for n in range(N)]
    np.testing.assert_allclose(loss.numpy(), expected, rtol=1e-12)


def _ctc_batch(seed, T=6, N=3, C=4):
    rng = np.random.default_rng(100 + seed)
    blank = int(rng.integers(0, C))
    targets = rng.choice([c for c in range(C) if c != blank], (N, 3))
    il, tl = rng.integers(5, T + 1, N), rng.integers(0, 4, N)  # enough frames for any target
    return rng.standard_normal((T, N, C)), targets, il, tl, blank


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_ctc_loss_gradcheck_through_log_softmax(seed, reduction):
    # PyTorch's ctc gradient for log_probs is exp(lp) plus the true one: it assumes lp are
    # log_softmax outputs, whose VJP removes that term (Σ_c of the true gradient is -1 for
    # t < input length). So only the composition with log_softmax is checked by finite
    # differences; the next test checks the term itself.
    x, targets, il, tl, blank = _ctc_batch(seed)
    tgt, lengths = mg.tensor(targets), (mg.tensor(il), mg.tensor(tl))

    def fn(x):
        return F.ctc_loss(F.log_softmax(x, 2), tgt, *lengths, blank=blank, reduction=reduction)

    assert mg.gradcheck(fn, [mg.tensor(x, requires_grad=True)])


@pytest.mark.parametrize("seed", range(6))
def test_ctc_loss_gradient_is_the_true_one_plus_exp_log_probs(seed):
    x, targets, il, tl, blank = _ctc_batch(seed)
    lp = _log_softmax(x) + 0.3 * np.random.default_rng(seed).standard_normal(
        x.shape
    )  # unnormalised too
    args = (mg.tensor(targets), mg.tensor(il), mg.tensor(tl))
    t = mg.tensor(lp, requires_grad=True)
    F.ctc_loss(t, *args, blank=blank, reduction="sum").backward()
    eps, true = 1e-6, np.zeros_like(lp)
    for i in np.ndindex(lp.shape):
        d = np.zeros_like(lp)
        d[i] = eps
        up, down = (
            F.ctc_loss(mg.tensor(lp + s * d), *args, blank=blank, reduction="sum").item()
            for s in (1, -1)
        )
        true[i] = (up - down) / (2 * eps)
    within = np.arange(lp.shape[0])[:, None, None] < il[None, :, None]
    np.testing.assert_allclose(t.grad.numpy(), np.where(within, true + np.exp(lp), 0.0), atol=1e-7)


def test_ctc_loss_mean_divides_by_target_lengths():
    x, targets, il, tl, blank = _ctc_batch(1)
    lp = mg.tensor(_log_softmax(x))
    args = (mg.tensor(targets), mg.tensor(il), mg.tensor(tl))
    per = F.ctc_loss(lp, *args, blank=blank, reduction="none").numpy()
    assert F.ctc_loss(lp, *args, blank=blank).item() == pytest.approx(
        np.mean(per / np.maximum(tl, 1)), rel=1e-14
    )
    assert F.ctc_loss(lp, *args, blank=blank, reduction="sum").item() == pytest.approx(
        per.sum(), rel=1e-14
    )


def test_ctc_loss_concatenated_targets_and_tuples_match_padded():
    x, targets, il, tl, blank = _ctc_batch(2)
    lp = mg.tensor(_log_softmax(x))
    flat = np.concatenate([targets[n, : tl[n]] for n in range(3)])
    a = F.ctc_loss(
        lp, mg.tensor(targets), mg.tensor(il), mg.tensor(tl), blank=blank, reduction="none"
    )
    b = F.ctc_loss(
        lp, mg.tensor(flat), tuple(il.tolist()), tuple(tl.tolist()), blank=blank, reduction="none"
    )
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    one = F.ctc_loss(
        lp[:, 1],
        mg.tensor(targets[1, : tl[1]]),
        mg.tensor(il[1]),
        mg.tensor(tl[1]),
        blank=blank,
        reduction="none",
    )
    assert one.shape == () and one.item() == a.numpy()[1]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_ctc_loss_zero_infinity_zeros_impossible_losses_and_their_gradients(reduction):
    lp = mg.tensor(
        _log_softmax(np.random.default_rng(0).standard_normal((3, 2, 3))), requires_grad=True
    )
    # [1, 1] needs a blank between the repeats: 3 frames, fine in 3 (1, 0, 1), not in 2
    args = (mg.tensor([[1, 1], [1, 1]]), mg.tensor([3, 2]), mg.tensor([2, 2]))
    inf = F.ctc_loss(lp, *args, reduction="none").detach().numpy()
    assert np.isfinite(inf[0]) and np.isinf(inf[1])
    loss = F.ctc_loss(lp, *args, reduction=reduction, zero_infinity=True)
    assert np.isfinite(loss.detach().numpy()).all()
    loss.sum().backward()
    assert not lp.grad.numpy()[:, 1].any() and lp.grad.numpy()[:, 0].any()


def test_ctc_loss_empty_target_is_all_blanks():
    lp = _log_softmax(np.random.default_rng(3).standard_normal((4, 1, 3)))
    loss = F.ctc_loss(
        mg.tensor(lp), mg.tensor([[1]]), mg.tensor([4]), mg.tensor([0]), blank=2, reduction="sum"
    )
    assert loss.item() == pytest.approx(-lp[:, 0, 2].sum(), rel=1e-14)


def test_ctc_loss_module_and_dtype():
    x, targets, il, tl, blank = _ctc_batch(4)
    lp = mg.tensor(_log_softmax(x).astype(np.float32))
    m = mg.nn.CTCLoss(blank=blank, reduction="sum")
    assert repr(m) == "CTCLoss()" and m.state_dict() == {}
    out = m(lp, mg.tensor(targets), mg.tensor(il), mg.tensor(tl))
    assert out.dtype == mg.float32
    expected = F.ctc_loss(
        mg.tensor(_log_softmax(x)),
        mg.tensor(targets),
        mg.tensor(il),
        mg.tensor(tl),
        blank=blank,
        reduction="sum",
    )
    assert out.item() == pytest.approx(expected.item(), rel=1e-6)


@pytest.mark.parametrize(
    "call, error",
    [
        (
            lambda lp: F.ctc_loss(lp, mg.tensor([[1]]), mg.tensor([5]), mg.tensor([1])),
            RuntimeError,
        ),  # > T
        (
            lambda lp: F.ctc_loss(lp, mg.tensor([[1]]), mg.tensor([2]), mg.tensor([2])),
            RuntimeError,
        ),  # > S
        (
            lambda lp: F.ctc_loss(lp, mg.tensor([[1]]), mg.tensor([2.0]), mg.tensor([1])),
            RuntimeError,
        ),
        (
            lambda lp: F.ctc_loss(lp, mg.tensor([[1]]), mg.tensor([2]), mg.tensor([1]), blank=3),
            RuntimeError,
        ),
        (lambda lp: F.ctc_loss(lp, mg.tensor([[1]]), 2, 1), TypeError),
        (
            lambda lp: F.ctc_loss(lp.long(), mg.tensor([[1]]), mg.tensor([2]), mg.tensor([1])),
            NotImplementedError,
        ),
        (
            lambda lp: F.ctc_loss(
                lp, mg.tensor([[1]]), mg.tensor([2]), mg.tensor([1]), reduction="avg"
            ),
            ValueError,
        ),
    ],
)
def test_ctc_loss_bad_input_raises(call, error):
    with pytest.raises(error, match="ctc_loss"):
        call(mg.zeros(4, 1, 3))


# ---- multilabel_margin_loss, triplet_margin_with_distance_loss, gumbel_softmax -------


def _multilabel_by_loops(x, y):
    N, C = x.shape
    out = np.zeros(N)
    for n in range(N):
        targets = []
        for label in y[n]:
            if label == -1:
                break
            targets.append(label)
        for j in targets:
            for i in range(C):
                if i not in targets:
                    out[n] += max(0.0, 1 - (x[n, j] - x[n, i])) / C
    return out


@pytest.mark.parametrize("seed", range(20))
def test_multilabel_margin_loss_is_its_definition_and_gradchecks(seed):
    rng = np.random.default_rng(seed)
    N, C = int(rng.integers(1, 4)), int(rng.integers(1, 6))
    x, y = rng.standard_normal((N, C)), rng.integers(-1, C, (N, C))
    loss = F.multilabel_margin_loss(mg.tensor(x), mg.tensor(y), reduction="none")
    np.testing.assert_allclose(loss.numpy(), _multilabel_by_loops(x, y), rtol=1e-13, atol=1e-15)
    assert F.multilabel_margin_loss(mg.tensor(x[0]), mg.tensor(y[0])).shape == ()
    assert mg.gradcheck(
        lambda t: F.multilabel_margin_loss(t, mg.tensor(y)), [mg.tensor(x, requires_grad=True)]
    )


@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_triplet_margin_with_distance_loss_definition_and_gradcheck(swap, reduction):
    rng = np.random.default_rng(5)
    a, p, n = (rng.standard_normal((6, 3)) for _ in range(3))

    def l1(u, v):
        return (u - v).abs().sum(-1)

    loss = F.triplet_margin_with_distance_loss(
        mg.tensor(a),
        mg.tensor(p),
        mg.tensor(n),
        distance_function=l1,
        margin=2.0,
        swap=swap,
        reduction="none",
    )
    d_neg = np.abs(a - n).sum(-1)
    if swap:
        d_neg = np.minimum(d_neg, np.abs(p - n).sum(-1))
    np.testing.assert_allclose(
        loss.numpy(), np.maximum(2.0 + np.abs(a - p).sum(-1) - d_neg, 0), rtol=1e-14
    )
    default = F.triplet_margin_with_distance_loss(
        mg.tensor(a), mg.tensor(p), mg.tensor(n), reduction="none"
    )
    np.testing.assert_allclose(
        default.numpy(),
        F.triplet_margin_loss(mg.tensor(a), mg.tensor(p), mg.tensor(n), reduction="none").numpy(),
        rtol=1e-14,
    )
    tensors = [mg.tensor(v, requires_grad=True) for v in (a, p, n)]

    def fn(*ts):
        return F.triplet_margin_with_distance_loss(*ts, swap=swap, reduction=reduction)

    assert mg.gradcheck(fn, tensors)


def test_gumbel_softmax_adds_gumbel_noise_scaled_by_tau():
    # one seed, one noise g for every tau: tau·log(y_i / y_0) = x_i - x_0 + g_i - g_0
    x = np.random.default_rng(0).standard_normal((4, 5))
    noise = []
    for tau in (0.5, 1.0, 3.0):
        mg.manual_seed(7)
        y = F.gumbel_softmax(mg.tensor(x), tau=tau).numpy()
        np.testing.assert_allclose(y.sum(-1), 1, rtol=1e-14)
        noise.append(tau * np.log(y / y[:, :1]) - (x - x[:, :1]))
    np.testing.assert_allclose(noise[0], noise[1], atol=1e-9)
    np.testing.assert_allclose(noise[2], noise[1], atol=1e-9)


@pytest.mark.parametrize("dim", [0, 1])
def test_gumbel_softmax_hard_is_one_hot_with_the_soft_gradient(dim):
    x = np.random.default_rng(1).standard_normal((3, 4))
    w = mg.tensor(np.random.default_rng(2).standard_normal((3, 4)))
    grads, values = [], []
    for hard in (False, True):
        mg.manual_seed(3)
        t = mg.tensor(x, requires_grad=True)
        y = F.gumbel_softmax(t, tau=0.8, hard=hard, dim=dim)
        (y * w).sum().backward()
        grads.append(t.grad.numpy())
        values.append(y.detach().numpy())
    soft, hard = values
    np.testing.assert_array_equal(hard, soft == soft.max(dim, keepdims=True))  # one-hot
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-12)  # straight through
    assert np.abs(grads[0]).max() > 0


def test_gumbel_softmax_hard_samples_follow_the_softmax():
    # the Gumbel-max trick: argmax(x + g) is distributed as softmax(x)
    mg.manual_seed(0)
    x = np.log(np.array([0.5, 0.3, 0.15, 0.05]))
    draws = F.gumbel_softmax(mg.tensor(np.tile(x, (20000, 1))), hard=True).numpy()
    freq = draws.mean(0)
    assert (np.abs(freq - np.exp(x)) < 4 * np.sqrt(np.exp(x) * (1 - np.exp(x)) / 20000)).all(), freq


def test_embedding_bag_without_bags():
    W = mg.randn(3, 2, dtype=mg.float64, requires_grad=True)
    # no offsets at all (PyTorch 2.13 crashes here) and no rows: zero bags
    none = F.embedding_bag(mg.tensor([0, 1]), W, mg.tensor(np.zeros(0, np.int64)), mode="max")
    rows = F.embedding_bag(mg.tensor(np.zeros((0, 4), np.int64)), W, mode="sum")
    assert none.shape == rows.shape == (0, 2)
    (none.sum() + rows.sum()).backward()
    assert not W.grad.numpy().any()
