"""``nn.utils.rnn`` and packed recurrent layers, without PyTorch: packing and padding by
their definitions in plain NumPy loops, round trips, finite-difference gradients, and a
packed RNN / LSTM / GRU equal to running each sequence alone."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.nn.utils import rnn as R


def _lengths(rng, B, T):
    lengths = rng.integers(1, T + 1, B)
    lengths[rng.integers(B)] = T
    return lengths.tolist()


def _packed_by_loops(x, lengths):
    """PyTorch's packing, by its definition: x (T, B, *) and lengths; sequences stably
    sorted longest first, then step by step the rows of the sequences still going."""
    order = sorted(range(len(lengths)), key=lambda b: -lengths[b])
    rows, batch_sizes = [], []
    for t in range(max(lengths)):
        going = [b for b in order if lengths[b] > t]
        batch_sizes.append(len(going))
        rows.extend(x[t, b] for b in going)
    return np.stack(rows), batch_sizes, order


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("batch_first", [False, True])
def test_pack_padded_sequence_is_its_definition(seed, batch_first):
    rng = np.random.default_rng(seed)
    B, T = int(rng.integers(1, 7)), int(rng.integers(1, 6))
    lengths = _lengths(rng, B, T)
    x = rng.standard_normal((T, B, 2))
    data, batch_sizes, order = _packed_by_loops(x, lengths)
    given = mg.tensor(x.transpose(1, 0, 2) if batch_first else x)
    packed = R.pack_padded_sequence(given, lengths, batch_first, enforce_sorted=False)
    np.testing.assert_array_equal(packed.data.numpy(), data)
    assert packed.batch_sizes.tolist() == batch_sizes
    assert packed.sorted_indices.tolist() == order
    assert [order[i] for i in packed.unsorted_indices.tolist()] == list(range(B))


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("batch_first", [False, True])
def test_pad_of_pack_is_the_input_masked(seed, batch_first):
    rng = np.random.default_rng(seed)
    B, T = int(rng.integers(1, 7)), int(rng.integers(1, 6))
    lengths = _lengths(rng, B, T)
    x = rng.standard_normal((B, T, 3) if batch_first else (T, B, 3))
    packed = R.pack_padded_sequence(mg.tensor(x), lengths, batch_first, enforce_sorted=False)
    padded, got_lengths = R.pad_packed_sequence(packed, batch_first, padding_value=9.0)
    steps = np.arange(T)[:, None] < np.array(lengths)  # (T, B)
    mask = (steps.T if batch_first else steps)[..., None]
    np.testing.assert_array_equal(padded.numpy(), np.where(mask, x, 9.0))
    assert got_lengths.tolist() == lengths and got_lengths.dtype == mg.int64
    longer, _ = R.pad_packed_sequence(packed, batch_first, total_length=T + 2)
    assert longer.shape[1 if batch_first else 0] == T + 2


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("side", ["right", "left"])
def test_pad_sequence_is_its_definition(seed, side):
    rng = np.random.default_rng(seed)
    seqs = [rng.standard_normal((int(n), 2)) for n in rng.integers(0, 5, 4)]
    T = max(len(s) for s in seqs)
    expected = np.full((T, len(seqs), 2), -3.0)
    for b, s in enumerate(seqs):
        for i in range(len(s)):
            expected[i if side == "right" else T - len(s) + i, b] = s[i]
    got = R.pad_sequence([mg.tensor(s) for s in seqs], padding_value=-3.0, padding_side=side)
    np.testing.assert_array_equal(got.numpy(), expected)
    got = R.pad_sequence([mg.tensor(s) for s in seqs], True, -3.0, side)
    np.testing.assert_array_equal(got.numpy(), expected.transpose(1, 0, 2))


@pytest.mark.parametrize("seed", range(6))
def test_unpack_of_pack_sequence_and_unpad_give_the_sequences_back(seed):
    rng = np.random.default_rng(seed)
    seqs = [rng.standard_normal((int(n), 3)) for n in rng.integers(1, 6, 5)]
    for got, s in zip(
        R.unpack_sequence(R.pack_sequence([mg.tensor(s) for s in seqs], False)), seqs
    ):
        np.testing.assert_array_equal(got.numpy(), s)
    padded = R.pad_sequence([mg.tensor(s) for s in seqs])
    lengths = mg.tensor([len(s) for s in seqs])
    for got, s in zip(R.unpad_sequence(padded, lengths), seqs):
        np.testing.assert_array_equal(got.numpy(), s)


@pytest.mark.parametrize("n", [1, 3, 8])
def test_invert_permutation_inverts(n):
    p = np.random.default_rng(n).permutation(n)
    inverse = R.invert_permutation(mg.tensor(p)).numpy()
    np.testing.assert_array_equal(p[inverse], np.arange(n))
    np.testing.assert_array_equal(inverse[p], np.arange(n))


def test_sorted_input_keeps_no_permutation():
    packed = R.pack_sequence([mg.ones(3, 1), mg.ones(2, 1)])
    assert packed.sorted_indices is None and packed.unsorted_indices is None
    assert packed.batch_sizes.tolist() == [2, 2, 1]


# ---- gradients, by finite differences -----------------------------------------------------


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_gradcheck_pack_and_pad(batch_first, enforce_sorted):
    rng = np.random.default_rng(3)
    lengths = [4, 2, 2, 1] if enforce_sorted else [2, 4, 1, 2]
    x = mg.tensor(rng.standard_normal((4, 4, 2)), requires_grad=True)
    w = mg.tensor(rng.standard_normal((5, 4, 2)))

    def pack_then_pad(x):
        packed = R.pack_padded_sequence(x, lengths, batch_first, enforce_sorted)
        padded, _ = R.pad_packed_sequence(packed, False, 0.5, total_length=5)
        return (padded * w).sum() + (packed.data**2).sum()

    assert mg.gradcheck(pack_then_pad, (x,))


@pytest.mark.parametrize("side", ["right", "left"])
def test_gradcheck_pad_sequence_and_unpack(side):
    rng = np.random.default_rng(4)
    seqs = [mg.tensor(rng.standard_normal((n, 2)), requires_grad=True) for n in (3, 1, 2)]

    def pad(*seqs):
        padded = R.pad_sequence(seqs, True, 1.5, side)
        return (padded * mg.tensor(np.arange(18.0).reshape(3, 3, 2))).sum()

    def round_trip(*seqs):
        pieces = R.unpack_sequence(R.pack_sequence(seqs, enforce_sorted=False))
        return sum((p**2 * (i + 1)).sum() for i, p in enumerate(pieces))

    assert mg.gradcheck(pad, seqs)
    assert mg.gradcheck(round_trip, seqs)


# ---- packed recurrent layers --------------------------------------------------------------

LAYERS = [
    (kind, layers, bidirectional)
    for kind in ("RNN", "LSTM", "GRU")
    for layers in (1, 2)
    for bidirectional in (False, True)
]


@pytest.mark.parametrize("kind, layers, bidirectional", LAYERS)
@pytest.mark.parametrize("with_hx", [False, True])
def test_packed_layer_equals_each_sequence_alone(kind, layers, bidirectional, with_hx):
    mg.manual_seed(0)
    layer = getattr(mg.nn, kind)(3, 4, layers, bidirectional=bidirectional, dtype=mg.float64)
    rng = np.random.default_rng(1)
    lengths = [2, 5, 1, 3]
    B, T, D = len(lengths), max(lengths), 2 if bidirectional else 1
    x = rng.standard_normal((T, B, 3))
    n_states = 2 if kind == "LSTM" else 1
    hs = [rng.standard_normal((layers * D, B, 4)) for _ in range(n_states)] if with_hx else None

    def states(h, b=slice(None)):
        if h is None:
            return None
        picked = [mg.tensor(s[:, b]) for s in h]
        return tuple(picked) if kind == "LSTM" else picked[0]

    packed = R.pack_padded_sequence(mg.tensor(x), lengths, enforce_sorted=False)
    out, final = layer(packed, states(hs))
    padded, _ = R.pad_packed_sequence(out)
    final = final if kind == "LSTM" else (final,)
    for b, n in enumerate(lengths):
        alone, alone_final = layer(mg.tensor(x[:n, b : b + 1]), states(hs, slice(b, b + 1)))
        alone_final = alone_final if kind == "LSTM" else (alone_final,)
        np.testing.assert_allclose(
            padded.detach().numpy()[:n, b], alone.detach().numpy()[:, 0], rtol=1e-12, atol=1e-14
        )
        assert not padded.detach().numpy()[n:, b].any()
        for f, a in zip(final, alone_final):
            np.testing.assert_allclose(
                f.detach().numpy()[:, b], a.detach().numpy()[:, 0], rtol=1e-12, atol=1e-14
            )


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_gradcheck_packed_layer(kind):
    mg.manual_seed(2)
    layer = getattr(mg.nn, kind)(2, 3, 2, bidirectional=True, dtype=mg.float64)
    rng = np.random.default_rng(2)
    x = mg.tensor(rng.standard_normal((3, 3, 2)), requires_grad=True)
    h = mg.tensor(rng.standard_normal((4, 3, 3)), requires_grad=True)
    weight = layer.weight_hh_l0_reverse

    def run(x, h, weight):
        packed = R.pack_padded_sequence(x, [1, 3, 2], enforce_sorted=False)
        out, final = layer(packed, (h, h * 0.5) if kind == "LSTM" else h)
        final = final[0] + 2 * final[1] if kind == "LSTM" else final
        return (out.data**2).sum() + (final * mg.arange(36.0).reshape(4, 3, 3)).sum()

    assert mg.gradcheck(run, (x, h, weight))


def test_dropout_between_layers_only_when_training():
    mg.manual_seed(3)
    layer = mg.nn.LSTM(2, 3, 2, dropout=0.5, dtype=mg.float64)
    plain = mg.nn.LSTM(2, 3, 2, dtype=mg.float64)
    plain.load_state_dict(layer.state_dict())
    packed = R.pack_sequence([mg.ones(4, 2, dtype=mg.float64), mg.ones(2, 2, dtype=mg.float64)])
    training = layer(packed)[0].data.detach().numpy()
    layer.eval()
    evaluated = layer(packed)[0].data.detach().numpy()
    np.testing.assert_array_equal(evaluated, plain(packed)[0].data.detach().numpy())
    assert not np.allclose(training, evaluated)


def test_packed_output_keeps_the_permutation():
    assert mg.nn.utils.rnn is R
    layer = mg.nn.GRU(2, 3)
    packed = R.pack_sequence([mg.ones(1, 2), mg.ones(3, 2)], enforce_sorted=False)
    out, h = layer(packed)
    assert isinstance(out, R.PackedSequence)
    assert out.batch_sizes.tolist() == packed.batch_sizes.tolist() == [2, 1, 1]
    assert out.sorted_indices.tolist() == [1, 0] and out.unsorted_indices.tolist() == [1, 0]
    assert h.shape == (1, 2, 3)


# ---- errors -------------------------------------------------------------------------------


def test_lengths_errors():
    x = mg.zeros(3, 2, 1)
    with pytest.raises(RuntimeError, match="enforce_sorted"):
        R.pack_padded_sequence(x, [1, 2])
    with pytest.raises(RuntimeError, match="greater than 0"):
        R.pack_padded_sequence(x, [2, 0], enforce_sorted=False)
    with pytest.raises(RuntimeError, match="1D CPU int64"):
        R.pack_padded_sequence(x, mg.tensor([[2, 1]]))
    with pytest.raises(RuntimeError, match="batch_size=2"):
        R.pack_padded_sequence(x, [2, 1, 1])
    with pytest.raises(RuntimeError, match="exceeds the input's 3 time steps"):
        R.pack_padded_sequence(x, [4, 1])
    with pytest.raises(ValueError, match="total_length=1"):
        R.pad_packed_sequence(R.pack_padded_sequence(x, [2, 1]), total_length=1)
