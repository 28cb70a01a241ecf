"""Layer behaviours checked without PyTorch: the documented formulas in plain NumPy and
finite differences (mg.gradcheck, float64)."""

import numpy as np

import minigrad as mg
import minigrad.nn.functional as F


def _softmax_rows(s):
    e = np.exp(s - s.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_sdpa_query_with_no_allowed_key_gets_zero():
    rng = np.random.default_rng(0)
    q, k, v = (rng.standard_normal((3, n, 4)) for n in (4, 5, 5))
    mask = rng.random((4, 5)) > 0.4
    mask[:, 1], mask[2] = True, False
    out = F.scaled_dot_product_attention(mg.tensor(q), mg.tensor(k), mg.tensor(v),
                                         attn_mask=mg.tensor(mask)).numpy()  # fmt: skip
    scores = np.where(mask, q @ k.transpose(0, 2, 1) / 2.0, -np.inf)
    live = mask.any(-1)
    expected = np.zeros((3, 4, 4))
    expected[:, live] = _softmax_rows(scores[:, live]) @ v
    np.testing.assert_allclose(out, expected, atol=1e-12)


def test_sdpa_gradient_with_a_fully_masked_query():
    rng = np.random.default_rng(1)
    q, k, v = (mg.tensor(rng.standard_normal((2, n, 3)), requires_grad=True) for n in (3, 4, 4))
    mask = mg.tensor(np.array([[1, 1, 0, 1], [0, 0, 0, 0], [0, 1, 1, 0]], bool))
    assert mg.gradcheck(lambda a, b, c: F.scaled_dot_product_attention(a, b, c, mask), (q, k, v))
    out = F.scaled_dot_product_attention(q, k, v, mask)
    out.sum().backward()
    assert not np.isnan(q.grad.numpy()).any()
    np.testing.assert_array_equal(q.grad.numpy()[:, 1], 0.0)


def test_mha_need_weights_false_fully_padded_sample_is_finite():
    mg.manual_seed(0)
    mha = mg.nn.MultiheadAttention(4, 2, batch_first=True, dtype=mg.float64)
    x = mg.tensor(np.random.default_rng(2).standard_normal((2, 3, 4)), requires_grad=True)
    pad = mg.tensor(np.array([[True, True, True], [False, True, False]]))
    out, _ = mha(x, x, x, key_padding_mask=pad, need_weights=False)
    # the padded sample attends to nothing: its attention is 0, leaving out_proj's bias
    np.testing.assert_allclose(out.detach().numpy()[0], np.broadcast_to(
        mha.out_proj.bias.detach().numpy(), (3, 4)))  # fmt: skip
    out.sum().backward()
    assert all(np.isfinite(p.grad.numpy()).all() for p in mha.parameters())


def test_mha_add_zero_attn_lets_a_fully_padded_query_attend_to_zeros():
    """Every real key padded: all weight goes to the appended zero key, whose value is 0,
    so the attention output is out_proj's bias alone."""
    mg.manual_seed(0)
    mha = mg.nn.MultiheadAttention(4, 2, add_zero_attn=True, dtype=mg.float64)
    x = mg.tensor(np.random.default_rng(3).standard_normal((3, 2, 4)))
    with mg.no_grad():
        mha.out_proj.bias.copy_(mg.tensor([0.5, -1.0, 2.0, 0.25]))
    pad = mg.tensor(np.array([[True, True, True], [False, True, False]]))
    out, weights = mha(x, x, x, key_padding_mask=pad)
    assert weights.shape == (2, 3, 4)  # S + 1 keys
    np.testing.assert_allclose(weights.detach().numpy()[0], np.eye(4)[[3, 3, 3]], atol=1e-12)
    np.testing.assert_allclose(out.detach().numpy()[:, 0], [[0.5, -1.0, 2.0, 0.25]] * 3, atol=1e-12)


def test_mha_add_bias_kv_gradcheck():
    mg.manual_seed(1)
    mha = mg.nn.MultiheadAttention(4, 2, add_bias_kv=True, add_zero_attn=True, dtype=mg.float64)
    rng = np.random.default_rng(4)
    q = mg.tensor(rng.standard_normal((2, 3, 4)), requires_grad=True)
    kv = mg.tensor(rng.standard_normal((3, 3, 4)), requires_grad=True)
    mask = mg.tensor(rng.random((2, 3)) < 0.4)

    def f(q, kv, bias_k, bias_v):
        params = {"bias_k": bias_k, "bias_v": bias_v}
        return mg.func.functional_call(mha, params, (q, kv, kv), {"attn_mask": mask})[0]

    bias_k, bias_v = (p.detach().clone().requires_grad_() for p in (mha.bias_k, mha.bias_v))
    assert mg.gradcheck(f, (q, kv, bias_k, bias_v))


def _windows(n, out):
    return [(i * n // out, -(-(i + 1) * n // out)) for i in range(out)]


def test_adaptive_max_pool3d_is_the_max_of_each_window():
    """Brute force: out[i, j, k] = max over [floor(i D / OD), ceil((i+1) D / OD)) x ..., the
    index the first maximum's d H W + h W + w (row-major order)."""
    x = np.round(np.random.default_rng(5).standard_normal((2, 5, 4, 7)) * 2)
    out, idx = F.adaptive_max_pool3d(mg.tensor(x), (3, 2, 4), return_indices=True)
    for c in range(2):
        for i, (d0, d1) in enumerate(_windows(5, 3)):
            for j, (h0, h1) in enumerate(_windows(4, 2)):
                for k, (w0, w1) in enumerate(_windows(7, 4)):
                    win = x[c, d0:d1, h0:h1, w0:w1]
                    d, h, w = np.unravel_index(np.argmax(win), win.shape)
                    assert out.numpy()[c, i, j, k] == win.max()
                    assert idx.numpy()[c, i, j, k] == ((d0 + d) * 4 + h0 + h) * 7 + w0 + w


def test_3d_pooling_gradcheck():
    rng = np.random.default_rng(6)
    x = mg.tensor(rng.standard_normal((1, 2, 4, 5, 6)), requires_grad=True)
    assert mg.gradcheck(lambda a: F.adaptive_max_pool3d(a, (3, 2, 4)), (x,))
    assert mg.gradcheck(lambda a: F.lp_pool3d(a, 3, (2, 1, 3), stride=1), (x.abs() + 0.5,))

    def unpool(a):
        return F.max_unpool3d(*F.max_pool3d(a, 2, return_indices=True), 2, output_size=(4, 5, 6))

    assert mg.gradcheck(unpool, (x,))


def test_batchnorm_state_dict_without_num_batches_tracked_keeps_the_count():
    bn = mg.nn.BatchNorm1d(2)
    bn.num_batches_tracked.fill_(7)
    sd = {k: v for k, v in bn.state_dict().items() if k != "num_batches_tracked"}
    sd["running_mean"] = mg.tensor([1.0, -1.0])
    assert bn.load_state_dict(sd) is not None  # no missing key
    assert bn.num_batches_tracked.item() == 7
    np.testing.assert_array_equal(bn.running_mean.numpy(), [1.0, -1.0])
    model = mg.nn.Sequential(mg.nn.Linear(2, 2), mg.nn.BatchNorm1d(2, track_running_stats=False))
    missing, unexpected = model.load_state_dict(
        {k: v for k, v in model.state_dict().items()}, strict=False
    )
    assert missing == [] and unexpected == []


def test_transformer_encoder_zeroes_padding_only_in_inference():
    mg.manual_seed(0)
    layer = mg.nn.TransformerEncoderLayer(4, 2, 8, 0.0, batch_first=True)
    enc = mg.nn.TransformerEncoder(layer, 2).eval()
    x = mg.tensor(np.random.default_rng(7).standard_normal((2, 3, 4)).astype(np.float32))
    pad = mg.tensor(np.array([[False, False, True], [False, False, False]]))
    with mg.no_grad():
        inference = enc(x, src_key_padding_mask=pad).numpy()
    recorded = enc(x, src_key_padding_mask=pad).detach().numpy()
    np.testing.assert_array_equal(inference[0, 2], 0.0)  # the padded position
    assert np.abs(recorded[0, 2]).sum() > 0.1  # computed when a gradient may be needed
    np.testing.assert_allclose(inference[:, :2], recorded[:, :2], atol=1e-6)
    np.testing.assert_allclose(inference[1], recorded[1], atol=1e-6)
    not_left_aligned = mg.tensor(np.array([[False, True, False], [False, False, False]]))
    with mg.no_grad():
        out = enc(x, src_key_padding_mask=not_left_aligned).numpy()
    assert np.abs(out[0, 1]).sum() > 0.1
