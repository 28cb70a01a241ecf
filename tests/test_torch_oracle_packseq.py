"""``nn.utils.rnn`` and the recurrent layers on packed sequences, against PyTorch.

The utilities (pack_padded_sequence, pad_packed_sequence, pad_sequence, pack_sequence,
unpack_sequence, unpad_sequence, invert_permutation, PackedSequence) must give the same
values, integer fields and gradients, and raise the same exception types. RNN, LSTM and
GRU get torch's weights and a packed batch of random lengths: the packed output, the final
states and the gradients of the input, of h0 / c0 and of every parameter must match, in
float64 (tight) and float32 (rtol 1e-5). Losses weight every element differently.
"""

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg
from minigrad.nn.utils import rnn as R

torch = import_torch()
TR = torch.nn.utils.rnn

TOL = {
    np.float64: {"rtol": 1e-10, "atol": 1e-12},
    np.float32: {"rtol": 1e-5, "atol": 1e-6},
}
TORCH_DTYPE = {np.float64: torch.float64, np.float32: torch.float32}


def _leaf(array):
    return torch.tensor(array, requires_grad=True), mg.tensor(array, requires_grad=True)


def _close(got, expected, dtype, what=""):
    expected = expected.detach().numpy() if isinstance(expected, torch.Tensor) else expected
    got = got.detach().numpy() if isinstance(got, mg.Tensor) else got
    assert got.dtype == expected.dtype, (what, got.dtype, expected.dtype)
    assert got.shape == expected.shape, (what, got.shape, expected.shape)
    np.testing.assert_allclose(got, expected, err_msg=what, **TOL[dtype])


def _ints(got, expected, what=""):
    if expected is None:
        assert got is None, what
        return
    assert got.dtype == mg.int64, (what, got.dtype)
    assert got.tolist() == expected.tolist(), (what, got.tolist(), expected.tolist())


def _same_packed(got, expected, dtype):
    assert isinstance(got, R.PackedSequence)
    _close(got.data, expected.data, dtype, "data")
    _ints(got.batch_sizes, expected.batch_sizes, "batch_sizes")
    _ints(got.sorted_indices, expected.sorted_indices, "sorted_indices")
    _ints(got.unsorted_indices, expected.unsorted_indices, "unsorted_indices")


def _backward_both(t_out, m_out, rng):
    """Backpropagate the same random weights through both outputs (lists of tensors)."""
    t_loss, m_loss = 0, 0
    for t, m in zip(t_out, m_out):
        w = rng.standard_normal(tuple(t.shape))
        t_loss = t_loss + (t * torch.tensor(w, dtype=t.dtype)).sum()
        m_loss = m_loss + (m * mg.tensor(w.astype(np.dtype(str(m.dtype))))).sum()
    t_loss.backward()
    m_loss.backward()


def _lengths(rng, B, T, sort):
    """B random lengths in 1..T, one of them T (ties likely); decreasing if ``sort``."""
    lengths = rng.integers(1, T + 1, B)
    lengths[rng.integers(B)] = T
    return sorted(lengths.tolist(), reverse=True) if sort else lengths.tolist()


# ---- pack_padded_sequence and pad_packed_sequence ----------------------------------------

PACK = [
    (seed, batch_first, enforce_sorted, dtype, tail)
    for seed in range(6)
    for batch_first in (False, True)
    for enforce_sorted in (True, False)
    for dtype in (np.float64, np.float32)
    for tail in ((3,), (2, 2))
]


@pytest.mark.parametrize("seed, batch_first, enforce_sorted, dtype, tail", PACK)
def test_pack_then_pad_values_and_gradients(seed, batch_first, enforce_sorted, dtype, tail):
    rng = np.random.default_rng(seed)
    B, T = int(rng.integers(1, 6)), int(rng.integers(1, 6))
    lengths = _lengths(rng, B, T, enforce_sorted)
    x = rng.standard_normal(((B, T) if batch_first else (T, B)) + tail).astype(dtype)
    tx, mx = _leaf(x)
    as_tensor = seed % 2  # lengths as a list or as an int64 tensor
    t_len = torch.tensor(lengths) if as_tensor else lengths
    m_len = mg.tensor(lengths) if as_tensor else lengths
    tp = TR.pack_padded_sequence(tx, t_len, batch_first, enforce_sorted)
    mp = R.pack_padded_sequence(mx, m_len, batch_first, enforce_sorted)
    _same_packed(mp, tp, dtype)
    out_first = bool(seed % 3 == 0) != batch_first  # unpack in either layout
    total = None if seed % 2 else T + seed % 3
    t_pad, t_lengths = TR.pad_packed_sequence(tp, out_first, -1.5 * seed, total)
    m_pad, m_lengths = R.pad_packed_sequence(mp, out_first, -1.5 * seed, total)
    _close(m_pad, t_pad, dtype, "padded")
    _ints(m_lengths, t_lengths, "lengths")
    _backward_both([t_pad, tp.data], [m_pad, mp.data], rng)
    _close(mx.grad, tx.grad, dtype, "grad of input")


@pytest.mark.parametrize("seed", range(8))
def test_ties_sort_as_pytorch(seed):
    rng = np.random.default_rng(100 + seed)
    lengths = rng.integers(1, 4, 7).tolist()
    x = rng.standard_normal((3, 7, 2))
    tp = TR.pack_padded_sequence(torch.tensor(x), lengths, enforce_sorted=False)
    mp = R.pack_padded_sequence(mg.tensor(x), lengths, enforce_sorted=False)
    _same_packed(mp, tp, np.float64)


# ---- pad_sequence, pack_sequence, unpack_sequence, unpad_sequence ------------------------

PAD = [
    (seed, batch_first, side, dtype)
    for seed in range(6)
    for batch_first in (False, True)
    for side in ("right", "left")
    for dtype in (np.float64, np.float32)
]


@pytest.mark.parametrize("seed, batch_first, side, dtype", PAD)
def test_pad_sequence(seed, batch_first, side, dtype):
    rng = np.random.default_rng(seed)
    tail = ((), (3,), (2, 1))[seed % 3]
    arrays = [rng.standard_normal((int(n),) + tail).astype(dtype) for n in rng.integers(0, 5, 4)]
    arrays[0] = rng.standard_normal((5,) + tail).astype(dtype)
    pairs = [_leaf(a) for a in arrays]
    t = TR.pad_sequence([p[0] for p in pairs], batch_first, 0.25 * seed, side)
    m = R.pad_sequence([p[1] for p in pairs], batch_first, 0.25 * seed, side)
    _close(m, t, dtype, "padded")
    _backward_both([t], [m], rng)
    for i, (tp, mp) in enumerate(pairs):
        _close(mp.grad, tp.grad, dtype, f"grad of sequence {i}")


def test_pad_sequence_of_a_tensor_and_of_integers():
    x = np.arange(12.0).reshape(3, 4)
    _close(R.pad_sequence(mg.tensor(x)), TR.pad_sequence(torch.tensor(x)), np.float64)
    seqs = [[1, 2, 3], [4], [5, 6]]
    m = R.pad_sequence([mg.tensor(s) for s in seqs], padding_value=7)
    t = TR.pad_sequence([torch.tensor(s) for s in seqs], padding_value=7)
    assert m.dtype == mg.int64 and m.tolist() == t.tolist()


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_pack_sequence_unpack_sequence_unpad_sequence(seed, enforce_sorted):
    rng = np.random.default_rng(seed)
    lengths = _lengths(rng, int(rng.integers(1, 6)), 4, enforce_sorted)
    pairs = [_leaf(rng.standard_normal((n, 2))) for n in lengths]
    tp = TR.pack_sequence([p[0] for p in pairs], enforce_sorted)
    mp = R.pack_sequence([p[1] for p in pairs], enforce_sorted)
    _same_packed(mp, tp, np.float64)
    t_seqs, m_seqs = TR.unpack_sequence(tp), R.unpack_sequence(mp)
    assert len(m_seqs) == len(t_seqs)
    for m, t in zip(m_seqs, t_seqs):
        _close(m, t, np.float64, "unpacked")
    _backward_both(t_seqs, m_seqs, rng)
    for tl, ml in pairs:
        _close(ml.grad, tl.grad, np.float64, "grad")
    for batch_first in (False, True):
        padded = rng.standard_normal((len(lengths), 4, 3) if batch_first else (4, len(lengths), 3))
        t_un = TR.unpad_sequence(torch.tensor(padded), torch.tensor(lengths), batch_first)
        m_un = R.unpad_sequence(mg.tensor(padded), mg.tensor(lengths), batch_first)
        assert len(m_un) == len(t_un)
        for m, t in zip(m_un, t_un):
            _close(m, t, np.float64, "unpadded")


@pytest.mark.parametrize("n", [1, 2, 5, 9])
def test_invert_permutation(n):
    p = np.random.default_rng(n).permutation(n)
    _ints(R.invert_permutation(mg.tensor(p)), TR.invert_permutation(torch.tensor(p)))
    assert R.invert_permutation(None) is None


def test_packed_sequence_is_a_named_tuple_with_pytorchs_conversions():
    seqs = [np.arange(6.0).reshape(3, 2), np.ones((1, 2))]
    tp = TR.pack_sequence([torch.tensor(s, dtype=torch.float32) for s in seqs])
    mp = R.pack_sequence([mg.tensor(s, dtype=mg.float32) for s in seqs])
    assert mp._fields == tp._fields
    assert mp.is_cuda is tp.is_cuda is False
    assert mp.to(mg.float32) is mp and tp.to(torch.float32) is tp
    for conv in ("double", "float", "long", "int"):
        _close(getattr(mp, conv)().data, getattr(tp, conv)().data, np.float64, conv)
    data, batch_sizes, sorted_indices, unsorted_indices = mp
    again = R.PackedSequence((data, batch_sizes))  # PyTorch's two-tuple form
    _same_packed(again, TR.PackedSequence((tp.data, tp.batch_sizes)), np.float32)
    order = mg.tensor([1, 0])
    _ints(R.PackedSequence(data, batch_sizes, order).unsorted_indices, torch.tensor([1, 0]))


# ---- errors -------------------------------------------------------------------------------

ERRORS = [
    "R.pack_padded_sequence(M.zeros(4, 3, 2), [3, 4, 1])",  # unsorted
    "R.pack_padded_sequence(M.zeros(4, 3, 2), [3, 2, 0])",  # zero length
    "R.pack_padded_sequence(M.zeros(4, 3, 2), [3, 2, 0], enforce_sorted=False)",
    "R.pack_padded_sequence(M.zeros(4, 3, 2), [3, 2, -1])",
    "R.pack_padded_sequence(M.zeros(4, 3, 2), [3, 2])",  # not one length per sequence
    "R.pack_padded_sequence(M.zeros(4, 3, 2), [3, 2, 1, 1])",
    "R.pack_padded_sequence(M.zeros(4, 3, 2), [])",
    "R.pack_padded_sequence(M.zeros(4, 3, 2), M.tensor([[3, 2, 1]]))",  # not 1-D
    "R.pack_padded_sequence(M.zeros(4), [3])",
    "R.pack_padded_sequence(M.zeros(4), [3], batch_first=True)",
    "R.pack_sequence([M.zeros(0, 2), M.zeros(3, 2)], enforce_sorted=False)",
    "R.pack_sequence([])",
    "R.pad_packed_sequence(R.pack_sequence([M.zeros(3, 2), M.zeros(1, 2)]), total_length=2)",
    "R.pad_sequence([])",
    "R.pad_sequence(5)",
    "R.pad_sequence([M.zeros(2, 3), M.zeros(3, 4)])",
    "R.pad_sequence([M.zeros(2, 3), M.zeros(3, 3)], padding_side='middle')",
    "R.unpad_sequence(M.zeros(4, 3, 2), M.tensor([3, 2]))",
    "R.invert_permutation(M.tensor([2, 0, 5]))",
    "R.invert_permutation([2, 0, 1])",
    "R.PackedSequence(M.zeros(3))",
]


def _raised(M, R, code):
    try:
        eval(code, {"M": M, "R": R})
    except Exception as e:  # noqa: BLE001 - the type is what is compared
        return type(e), str(e)
    return None, ""


@pytest.mark.parametrize("code", ERRORS)
def test_errors_as_pytorch(code):
    t_type, _ = _raised(torch, TR, code)
    m_type, message = _raised(mg, R, code)
    assert t_type is not None and m_type is t_type, (code, m_type, t_type, message)


def test_unsorted_lengths_error_gives_pytorchs_hint():
    with pytest.raises(RuntimeError, match="enforce_sorted=False") as info:
        R.pack_padded_sequence(mg.zeros(4, 3, 2), [3, 4, 1])
    assert "[3, 4, 1]" in str(info.value)


# ---- RNN, LSTM and GRU on packed sequences -----------------------------------------------

KINDS = {
    "rnn_tanh": ("RNN", {}),
    "rnn_relu": ("RNN", {"nonlinearity": "relu"}),
    "lstm": ("LSTM", {}),
    "gru": ("GRU", {}),
}


def _pair(name, *args, dtype=np.float64, seed=0, **kwargs):
    """The torch layer (seeded) and a minigrad layer holding copies of its weights."""
    torch.manual_seed(seed)
    t_layer = getattr(torch.nn, name)(*args, dtype=TORCH_DTYPE[dtype], **kwargs)
    m_layer = getattr(mg.nn, name)(*args, dtype=dtype, **kwargs)
    m_layer.load_state_dict(
        {k: mg.tensor(v.numpy().copy()) for k, v in t_layer.state_dict().items()}
    )
    return t_layer, m_layer


def _run_packed(kind, num_layers, bidirectional, batch_first, enforce_sorted, with_hx, dtype,
                seed, proj_size=0):  # fmt: skip
    name, extra = KINDS[kind]
    if proj_size:
        extra = {**extra, "proj_size": proj_size}
    I, H = 3, 4
    t_layer, m_layer = _pair(
        name, I, H, num_layers, dtype=dtype, seed=seed, batch_first=batch_first,
        bidirectional=bidirectional, **extra,
    )  # fmt: skip
    rng = np.random.default_rng(seed)
    B, T = int(rng.integers(1, 6)), int(rng.integers(1, 6))
    lengths = _lengths(rng, B, T, enforce_sorted)
    x = rng.standard_normal((B, T, I) if batch_first else (T, B, I)).astype(dtype)
    tx, mx = _leaf(x)
    tp = TR.pack_padded_sequence(tx, lengths, batch_first, enforce_sorted)
    mp = R.pack_padded_sequence(mx, lengths, batch_first, enforce_sorted)
    D = 2 if bidirectional else 1
    widths = [proj_size or H] + ([H] if kind == "lstm" else [])
    starts = [_leaf(rng.standard_normal((num_layers * D, B, w)).astype(dtype)) for w in widths]
    if not with_hx:
        t_hx = m_hx = None
    elif kind == "lstm":
        t_hx, m_hx = tuple(s[0] for s in starts), tuple(s[1] for s in starts)
    else:
        t_hx, m_hx = starts[0]
    t_out, t_state = t_layer(tp, t_hx)
    m_out, m_state = m_layer(mp, m_hx)
    _same_packed(m_out, t_out, dtype)
    t_states = list(t_state) if kind == "lstm" else [t_state]
    m_states = list(m_state) if kind == "lstm" else [m_state]
    for i, (m, t) in enumerate(zip(m_states, t_states)):
        _close(m, t, dtype, f"final state {i}")
    _backward_both([t_out.data, *t_states], [m_out.data, *m_states], rng)
    _close(mx.grad, tx.grad, dtype, "grad of input")
    if with_hx:
        for i, (t, m) in enumerate(starts):
            _close(m.grad, t.grad, dtype, f"grad of initial state {i}")
    for pname, p in t_layer.named_parameters():
        _close(getattr(m_layer, pname).grad, p.grad, dtype, f"grad of {pname}")


RNNS = [
    (kind, layers, bidirectional, batch_first, enforce_sorted, with_hx, dtype, seed)
    for kind in KINDS
    for layers in (1, 2)
    for bidirectional in (False, True)
    for batch_first in (False, True)
    for enforce_sorted in (True, False)
    for with_hx in (True, False)
    for dtype, seed in ((np.float64, 0), (np.float64, 1), (np.float32, 2))
]


@pytest.mark.parametrize(
    "kind, layers, bidirectional, batch_first, enforce_sorted, with_hx, dtype, seed", RNNS
)
def test_recurrent_layers_on_packed_sequences(
    kind, layers, bidirectional, batch_first, enforce_sorted, with_hx, dtype, seed
):
    _run_packed(kind, layers, bidirectional, batch_first, enforce_sorted, with_hx, dtype, seed)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_lstm_with_projections_on_packed_sequences(seed, bidirectional, dtype):
    _run_packed("lstm", 2, bidirectional, seed % 2 == 1, seed < 2, seed % 3 != 0, dtype, seed,
                proj_size=2)  # fmt: skip


@pytest.mark.parametrize("kind", list(KINDS))
def test_packed_output_pads_as_pytorch(kind):
    name, extra = KINDS[kind]
    t_layer, m_layer = _pair(name, 2, 3, 1, bidirectional=True, **extra)
    x = np.random.default_rng(5).standard_normal((4, 3, 2))
    tp = TR.pack_padded_sequence(torch.tensor(x), [2, 4, 1], enforce_sorted=False)
    mp = R.pack_padded_sequence(mg.tensor(x), [2, 4, 1], enforce_sorted=False)
    t_pad, t_len = TR.pad_packed_sequence(t_layer(tp)[0], batch_first=True)
    m_pad, m_len = R.pad_packed_sequence(m_layer(mp)[0], batch_first=True)
    _close(m_pad, t_pad, np.float64, "padded output")
    _ints(m_len, t_len)


RNN_ERRORS = [
    "L(P(M.zeros(3, 2, 5)), None)",  # wrong input size
    "L(P(M.zeros(3, 2, 4, dtype=M.float64)), None)",  # dtype other than the weights'
    "L(P(M.zeros(3, 2, 4)), H(M.zeros(1, 3, 6)))",  # h0 for another batch size
    "L(P(M.zeros(3, 2, 4)), H(M.zeros(2, 2, 6)))",  # h0 for two layers
    "L(P(M.zeros(3, 2, 4)), H(M.zeros(2, 6)))",  # a 2-D h0
    "L(M.nn.utils.rnn.PackedSequence(M.zeros(3, 2, 4), M.tensor([2, 1])), None)",  # 3-D data
]


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("code", RNN_ERRORS)
def test_recurrent_layer_errors_as_pytorch(kind, code):
    name, extra = KINDS[kind]
    t_layer, m_layer = _pair(name, 4, 6, dtype=np.float32, **extra)

    def run(M, layer):
        rnn = M.nn.utils.rnn

        def P(x):
            return rnn.pack_padded_sequence(x, [3, 1])

        def H(h):
            return (h, h) if kind == "lstm" else h

        try:
            eval(code, {"M": M, "L": layer, "P": P, "H": H})
        except Exception as e:  # noqa: BLE001 - the type is what is compared
            return type(e), str(e)
        return None, ""

    t_type, _ = run(torch, t_layer)
    m_type, message = run(mg, m_layer)
    assert t_type is not None and m_type is t_type, (code, m_type, t_type, message)
