"""Divergences from PyTorch found by the twentieth session's probes (each test fails on
the code before its fix; the expected values are PyTorch 2.13's, or its documented rule)."""

import math
import warnings

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F

HALF = np.linspace(-12, 12, 4001).astype(np.float16)


def _once(formula, x):
    """formula(x) in float32, rounded to float16 once: PyTorch's CPU kernels for float16."""
    return formula(x.astype(np.float32)).astype(np.float16)


@pytest.mark.parametrize(
    ("op", "formula", "x"),
    [
        (mg.sigmoid, lambda w: 1 / (1 + np.exp(-w)), HALF),
        (mg.rsqrt, lambda w: 1 / np.sqrt(w), np.abs(HALF) + np.float16(0.01)),
        (mg.deg2rad, lambda w: w * np.float32(math.pi / 180), HALF),
        (mg.rad2deg, lambda w: w * np.float32(180 / math.pi), HALF),
        (F.hardsigmoid, lambda w: np.minimum(np.maximum(w + 3, 0), 6) / 6, HALF),
        (F.hardswish, lambda w: w * np.minimum(np.maximum(w + 3, 0), 6) / 6, HALF),
        (mg.i0, np.i0, HALF),
    ],
)
def test_float16_is_computed_in_float32_and_rounded_once(op, formula, x):
    """A formula of several float16 steps rounds at each (1-2 ulp off) and can overflow
    where its result fits: sigmoid(-12) needs exp(12) > 65504, I0(12) = 18949 needs 12^2k."""
    out = op(mg.tensor(x)).numpy()
    assert out.dtype == np.float16
    np.testing.assert_array_equal(out, _once(formula, x))


def test_float16_sigmoid_far_below_zero_is_subnormal_not_zero():
    out = mg.sigmoid(mg.tensor([-12.0, -11.5], dtype=mg.float16))
    np.testing.assert_array_equal(out.numpy(), np.array([6.139e-06, 1.013e-05], np.float16))


def test_float16_i0_of_twelve_is_finite():
    assert mg.i0(mg.tensor(-12.0, dtype=mg.float16)).item() == 18944.0


def test_float16_sigmoid_and_rsqrt_gradients_read_the_once_rounded_output():
    """Their VJPs read the output: before, its extra rounding reached the gradient."""
    x = mg.tensor(HALF, requires_grad=True)
    y = mg.sigmoid(x)
    y.backward(mg.ones_like(y))
    o = y.detach().numpy()
    np.testing.assert_array_equal(o, _once(lambda w: 1 / (1 + np.exp(-w)), HALF))
    np.testing.assert_array_equal(x.grad.numpy(), (1 - o) * o)  # PyTorch's float16 steps


def test_float16_tanh_gradient_is_computed_in_float32_as_pytorchs_tanh_backward():
    """PyTorch's fused tanh_backward computes g (1 - y²) in float32 for float16 (unlike
    sigmoid's backward, which rounds at each step): up to 16 ulp apart before."""
    x = mg.tensor(HALF, requires_grad=True)
    y = mg.tanh(x)
    g = np.random.default_rng(0).uniform(0.5, 2, HALF.size).astype(np.float16)
    y.backward(mg.tensor(g))
    o = y.detach().numpy().astype(np.float32)
    expected = (g.astype(np.float32) * (1 - o * o)).astype(np.float16)
    np.testing.assert_array_equal(x.grad.numpy(), expected)


def test_scaled_dot_product_attention_with_no_query_features_averages_the_values():
    """E = 0: every score is 0, so each query averages V (PyTorch); 1 / sqrt(0) raised."""
    q = mg.zeros(2, 3, 0, requires_grad=True)
    v = mg.arange(24.0).reshape(2, 3, 4).requires_grad_()
    out = F.scaled_dot_product_attention(q, q, v)
    assert out.shape == (2, 3, 4)
    mean = v.detach().numpy().mean(1, keepdims=True)
    np.testing.assert_allclose(out.detach().numpy(), np.broadcast_to(mean, (2, 3, 4)), rtol=1e-6)
    out.sum().backward()
    np.testing.assert_allclose(v.grad.numpy(), np.ones((2, 3, 4)), rtol=1e-6)
    assert q.grad.shape == (2, 3, 0)


@pytest.mark.parametrize("shape", [(2, 0), (0,)])
def test_cross_entropy_with_no_classes_is_nan(shape):
    x = mg.zeros(*shape, requires_grad=True)
    loss = F.cross_entropy(x, mg.zeros(*shape))
    assert math.isnan(loss.item())
    loss.backward()
    assert x.grad.shape == shape


def test_median_of_an_empty_integer_tensor_is_the_least_integer():
    """PyTorch casts its NaN to the integer type: INT64_MIN (NumPy's cast raised)."""
    assert mg.median(mg.zeros(0, dtype=mg.long)).item() == np.iinfo(np.int64).min
    assert mg.median(mg.zeros(0, dtype=mg.int32)).item() == np.iinfo(np.int32).min
    assert math.isnan(mg.median(mg.zeros(0)).item())


def test_igamma_of_0d_tensors():
    """P(1/2, x) = erf(sqrt(x)), Q = 1 - P; 0-d inputs raised (a NumPy scalar written into)."""
    p = math.erf(math.sqrt(0.7))
    assert mg.igamma(mg.tensor(0.5), mg.tensor(0.7)).item() == pytest.approx(p, rel=1e-6)
    assert mg.igammac(mg.tensor(0.5), mg.tensor(0.7)).item() == pytest.approx(1 - p, rel=1e-6)
    assert mg.igamma(mg.tensor(0.5), mg.tensor(0.7)).shape == ()


def test_mean_over_an_empty_dim_backward_is_quiet():
    x = mg.zeros(0, 3, dtype=mg.float64, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x.mean(0).sum().backward()
    assert x.grad.shape == (0, 3)


def test_rms_norm_over_empty_dims_is_quiet():
    x = mg.zeros(3, 0, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = F.rms_norm(x, (0,))
        out.sum().backward()
    assert out.shape == (3, 0) and x.grad.shape == (3, 0)


def test_from_numpy_of_a_read_only_array_warns_and_in_place_says_why_it_fails():
    """PyTorch warns that the array is not writable (and then writes into it); minigrad
    warns and refuses the write with the reason, not "more than one element ... refers to
    a single memory location", which was wrong here."""
    a = np.arange(3.0)
    a.flags.writeable = False
    with pytest.warns(UserWarning, match="not writable"):
        x = mg.from_numpy(a)
    with pytest.raises(RuntimeError, match=r"div_: the tensor's memory is read-only"):
        x.div_(2)
    np.testing.assert_array_equal(a, [0.0, 1.0, 2.0])
    y = mg.ones(3)
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        y.expand(2, 3).mul_(2)  # an expanded tensor keeps its own message


# ---- found by the probe that ran PyTorch's own docstring examples ----------------------


def test_asarray_requires_grad_false_takes_the_result_out_of_the_graph():
    """PyTorch 2.13: None (the default) keeps obj's graph, False detaches (a leaf returned
    as it is stops requiring grad), True keeps it. minigrad's False returned b itself, and
    the gradient through c reached a: [7, 9, 11] instead of [1, 1, 1]."""
    a = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = a + 2
    c = mg.asarray(b, requires_grad=False)
    assert c is not b and not c.requires_grad and np.shares_memory(c.data, b.data)
    ((c * c).sum() + a.sum()).backward()
    assert a.grad.tolist() == [1.0, 1.0, 1.0]
    assert mg.asarray(b) is b and mg.asarray(b, requires_grad=True) is b
    d = mg.asarray(b, dtype=mg.float64, requires_grad=False)
    assert not d.requires_grad and d.grad_fn is None
    assert mg.asarray(a, requires_grad=False) is a and not a.requires_grad  # as PyTorch's


def _batches(loader):
    return [[f.tolist() for f in b] if isinstance(b, list) else b.tolist() for b in loader]


class _Stream(mg.data.IterableDataset):
    def __init__(self, start, end):
        self.start, self.end = start, end

    def __iter__(self):
        info = mg.data.get_worker_info()
        for i in range(self.start, self.end):
            yield [i, -1 if info is None else info.id]


def test_an_iterable_dataset_is_replicated_in_each_worker_and_read_in_turn():
    """PyTorch's workers each iterate over their own copy of an IterableDataset; the
    loader takes one batch from each worker in turn. minigrad gave [3, 4, 5, 6]."""
    got = _batches(mg.data.DataLoader(_Stream(3, 7), num_workers=2))
    assert got == [[[i], [w]] for i in range(3, 7) for w in (0, 1)]

    def split(worker_id):  # the PyTorch docstring's recipe: each worker takes its share
        data = mg.data.get_worker_info().dataset
        data.start, data.end = 3 + 2 * worker_id, min(5 + 2 * worker_id, 7)

    dataset = _Stream(3, 7)
    got = _batches(mg.data.DataLoader(dataset, num_workers=2, worker_init_fn=split))
    assert got == [[[3], [0]], [[5], [1]], [[4], [0]], [[6], [1]]]
    assert (dataset.start, dataset.end) == (3, 7)  # the workers changed their own copies
    assert mg.data.get_worker_info() is None  # back in the main process


def test_a_worker_that_runs_out_drops_out_of_the_turns():
    def uneven(worker_id):
        data = mg.data.get_worker_info().dataset
        data.end = data.start + (3 if worker_id == 0 else 1)

    loader = mg.data.DataLoader(_Stream(0, 9), batch_size=2, num_workers=2, worker_init_fn=uneven)
    assert _batches(loader) == [[[0, 1], [0, 0]], [[0], [1]], [[2], [0]]]


class _Draws(mg.data.Dataset):
    def __len__(self):
        return 6

    def __getitem__(self, i):
        return [i, mg.rand(1).item()]


def test_workers_draw_from_their_own_seed_and_leave_the_main_generator_alone():
    """Worker k's generator starts at the base seed (one draw of the main generator per
    iterator, as before) plus k; batch j comes from worker j mod n."""
    mg.manual_seed(0)
    loader = mg.data.DataLoader(_Draws(), batch_size=2, num_workers=2)
    got = _batches(loader)
    after = mg.rand(1).item()
    mg.manual_seed(0)
    base = int(mg.empty((), dtype=mg.int64).random_().item())
    assert mg.rand(1).item() == after  # the workers' draws did not touch it
    for k, (indices, draws) in enumerate(got):
        assert indices == [2 * k, 2 * k + 1]
        g = mg.Generator().manual_seed(base + k % 2)
        expected = [mg.rand(1, generator=g).item() for _ in range(2 * (k // 2 + 1))]
        assert draws == expected[-2:]


def test_persistent_workers_draw_the_base_seed_once():
    """PyTorch keeps one iterator for all epochs: the main generator moves once, not each
    epoch, so a shuffle's later epochs differ from those of a loader without workers."""

    def epochs(**kw):
        mg.manual_seed(0)
        loader = mg.data.DataLoader(range(6), batch_size=2, shuffle=True, **kw)
        return [_batches(loader) for _ in range(3)], mg.rand(1).item()

    plain, persistent = epochs(), epochs(num_workers=1, persistent_workers=True)
    assert epochs(num_workers=1) == plain  # a worker draws nothing from the main generator
    assert persistent[0][0] == plain[0][0] and persistent[0][1] != plain[0][1]
    assert persistent[1] != plain[1]  # two draws fewer from the main generator
    mg.manual_seed(0)
    loader = mg.data.DataLoader(range(6), batch_size=2, shuffle=True)
    mg.empty((), dtype=mg.int64).random_()  # the base seed, drawn ahead of the loader
    assert persistent[0][1] == _batches(loader)  # its base seed, then the order's seed


def test_einsum_sublist_form():
    a, b = mg.randn(3, 2, 5), mg.randn(3, 5, 4)
    expected = mg.einsum("...ij,...jk->...ik", a, b).numpy()
    np.testing.assert_array_equal(
        mg.einsum(a, [..., 0, 1], b, [..., 1, 2], [..., 0, 2]).numpy(), expected
    )
    np.testing.assert_array_equal(
        mg.einsum(a, [2, 0, 1], b, [2, 1, 3], [2, 0, 3]).numpy(), expected
    )
    np.testing.assert_array_equal(mg.einsum(a, [0, 1, 2]).numpy(), a.numpy())  # no output list
    with pytest.raises(ValueError, match=r"not within the valid range \[0, 52\)"):
        mg.einsum(a, [0, 1, 52])
    with pytest.raises(ValueError, match="or at least one operand and its subscripts list"):
        mg.einsum(a)


def test_a_post_accumulate_grad_hook_may_return_its_tensor():
    """PyTorch's docstring hook returns p.add_(...), the tensor itself: allowed. Another
    tensor is "should return None", a non-tensor a TypeError."""
    v = mg.tensor([0.0, 0.0, 0.0], requires_grad=True)
    v.register_post_accumulate_grad_hook(lambda p: p.add_(p.grad, alpha=-0.01))
    v.backward(mg.tensor([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(v.detach().numpy(), [-0.01, -0.02, -0.03], rtol=1e-6)
    cases = [
        (lambda p: p * 2, RuntimeError, "should return None"),
        (lambda p: 5, TypeError, "expected Variable, but hook returned 'int'"),
    ]
    for hook, error, message in cases:
        w = mg.zeros(2, requires_grad=True)
        w.register_post_accumulate_grad_hook(hook)
        with pytest.raises(error, match=message):
            w.sum().backward()


def test_gradient_with_integer_coordinates_is_in_the_default_float_dtype():
    t = mg.tensor([[1, 2, 4, 8], [10, 20, 40, 80]])
    out = mg.gradient(t, spacing=(mg.tensor([0, 2]), mg.tensor([0, 3, 6, 9])))
    assert [g.dtype for g in out] == [mg.float32, mg.float32]
    x = mg.tensor([4.0, 1.0, 1.0, 16.0])
    (g,) = mg.gradient(x, spacing=(mg.tensor([0, 1, 3, 4]),))
    assert g.dtype == mg.float32
    expected = np.gradient(np.array([4.0, 1.0, 1.0, 16.0]), np.array([0.0, 1.0, 3.0, 4.0]))
    np.testing.assert_allclose(g.numpy(), expected, rtol=1e-6)


@pytest.mark.parametrize("check", ["ILLEGAL", 1, None, [1], (mg.contiguous_format,)])
def test_dim_order_refuses_an_ambiguity_check_of_another_type(check):
    with pytest.raises(TypeError, match="must be a bool or a list of memory formats"):
        mg.empty(1, 2, 3, 4).dim_order(ambiguity_check=check)
    assert mg.empty(2, 3).dim_order(ambiguity_check=[mg.contiguous_format]) == (0, 1)


# ---- found by the probes that ran PyTorch's OpInfo database -----------------------------


def test_index_fill_value_gradient_counts_each_filled_place_once():
    """A repeated index fills a place once; the value's gradient summed it twice (19, not
    PyTorch's 14 = 1 + 3 + 4 + 6)."""
    v = mg.tensor(1.5, requires_grad=True)
    g = mg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    mg.index_fill(mg.zeros(2, 3), 1, mg.tensor([0, 0, 2]), v).backward(g)
    assert v.grad.item() == 14.0


def test_diff_of_order_zero_is_the_input_without_prepend_or_append():
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    out = mg.diff(x, n=0, dim=0, prepend=mg.zeros(1, 2), append=mg.ones(2, 2))
    assert out.tolist() == x.tolist() and out is not x


def test_integer_avg_pool_truncates_toward_zero_with_a_negative_divisor():
    x = mg.tensor([[[[-8, 6], [0, 5]]]])  # the window's sum is 3
    assert F.avg_pool2d(x, 2, divisor_override=-2).item() == int(3 / -2) == -1
    assert F.avg_pool2d(-x, 2, divisor_override=-2).item() == 1
    assert F.avg_pool3d(x, (1, 2, 2), divisor_override=-2).item() == -1


def test_float64_to_float16_rounds_through_float32_as_pytorch():
    """PyTorch builds a Half from a float, so a double is rounded twice."""
    x = np.array([2.68652343, -8.9023437, 2.39355464])
    twice = x.astype(np.float32).astype(np.float16)
    assert not np.array_equal(twice, x.astype(np.float16))  # these are such cases
    t = mg.tensor(x)
    for out in (t.half(), t.to(mg.float16), t.type(mg.float16), mg.tensor(x, dtype=mg.float16),
                mg.tensor(x.tolist(), dtype=mg.float16)):  # fmt: skip
        np.testing.assert_array_equal(out.numpy(), twice)
    assert mg.full((1,), 2.68652343, dtype=mg.float16).item() == 2.6875


def test_gradient_with_spacing_none_takes_unit_steps():
    x = mg.tensor([1.0, 4.0, 9.0, 16.0])
    assert mg.gradient(x, spacing=None)[0].tolist() == mg.gradient(x)[0].tolist() == [3, 4, 6, 7]


@pytest.mark.parametrize(("reduce", "expected"), [("prod", 10.0), ("mean", 3.5), ("amax", 5.0),
                                                   ("amin", 2.0)])  # fmt: skip
def test_index_reduce_and_scatter_reduce_of_0d_tensors(reduce, expected):
    x = mg.tensor(2.0)
    assert x.index_reduce(0, mg.tensor([0]), mg.tensor(5.0), reduce).item() == expected
    assert mg.scatter_reduce(x, 0, mg.tensor(0), mg.tensor(5.0), reduce).item() == expected


def test_put_into_a_0d_tensor():
    assert mg.put(mg.tensor(1.0), mg.tensor(0), mg.tensor(5.0), accumulate=True).item() == 6.0
    x = mg.tensor(1.0, requires_grad=True)
    y = x * 2
    y.put_(mg.tensor([-1]), mg.tensor([5.0]), accumulate=True)
    y.backward()
    assert y.item() == 7.0 and x.grad.item() == 2.0


def test_native_group_norm_of_an_empty_batch():
    out = mg.native_group_norm(mg.randn(0, 2), None, None, 0, 2, 1, 1, 1e-5)
    assert [t.shape for t in out] == [(0, 2), (0, 1), (0, 1)]


def test_to_takes_non_blocking_and_copy_positionally():
    x = mg.ones(2)
    assert x.to(mg.float64, False, True).dtype == mg.float64
    assert x.to("cpu", mg.float64, False, True).dtype == mg.float64
    assert x.to(mg.float32, False, True) is not x  # copy=True
    assert x.to(mg.float32, False) is x


def test_tile_function_with_no_dims_is_the_input():
    x = mg.tensor([1.0, 2.0])
    assert mg.tile(x, ()).tolist() == [1.0, 2.0]
    assert mg.tile(x, (2,)).tolist() == [1.0, 2.0, 1.0, 2.0]


def test_take_along_dim_wraps_indices_around_the_dim():
    """PyTorch takes them modulo the dim's size (-1 the last; without a dim it raises)."""
    x = mg.arange(6.0).reshape(2, 3)
    idx = np.array([[-1], [-4]])
    got = mg.take_along_dim(x, mg.tensor(idx), 1)
    np.testing.assert_array_equal(got.numpy(), np.take_along_axis(x.numpy(), idx % 3, 1))
    assert mg.take_along_dim(mg.arange(5.0), mg.tensor([-1, 0]), 0).tolist() == [4.0, 0.0]
    with pytest.raises(RuntimeError, match="out of bounds"):
        mg.take_along_dim(x, mg.tensor([-1]))


def test_tensorsolve_needs_equal_products_not_equal_shapes():
    mg.manual_seed(0)
    A, B = mg.randn(2, 3, 6, dtype=mg.float64), mg.randn(2, 3, dtype=mg.float64)
    X = mg.linalg.tensorsolve(A, B, dims=(0, 2))
    assert X.shape == (6,)
    moved = A.permute(1, 0, 2).reshape(6, 6)  # A's dims (0, 2) moved to the end: (3, 2, 6)
    np.testing.assert_allclose((moved @ X).numpy(), B.reshape(-1).numpy(), atol=1e-12)


def test_roll_errors_as_pytorch():
    with pytest.raises(IndexError, match="Dimension specified as 0 but tensor has no dimensions"):
        mg.roll(mg.tensor(1.0), 0, 0)
    with pytest.raises(RuntimeError, match="`shifts` required"):
        mg.roll(mg.ones(2), ())
    assert mg.roll(mg.tensor(1.0), 1).item() == 1.0


def test_logspace_refuses_1d_endpoints_as_pytorch():
    with pytest.raises(RuntimeError, match="logspace only supports 0-dimensional start and end"):
        mg.logspace(mg.tensor([1, 2]), mg.tensor([3, 4]), 1)
    assert mg.logspace(mg.tensor(1.0), mg.tensor(2.0), 3).tolist() == pytest.approx(
        [10.0, 10**1.5, 100.0], rel=1e-6
    )


def test_resuming_a_scheduler_without_initial_lr_says_why():
    opt = mg.optim.SGD([mg.nn.Parameter(mg.ones(1))], lr=0.1)
    with pytest.raises(KeyError, match="when resuming scheduler with last_epoch >= 0"):
        mg.optim.lr_scheduler.StepLR(opt, 2, last_epoch=3)


def test_huber_loss_refuses_a_delta_that_is_not_a_number_when_built():
    for delta in (1j, "a", None):
        with pytest.raises(TypeError, match="delta must be a float or int, got: <class"):
            mg.nn.HuberLoss(delta=delta)
    assert mg.nn.HuberLoss(delta=2).delta == 2
