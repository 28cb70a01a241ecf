"""The PyTorch names added in pnames, without PyTorch: gradients by finite differences in
float64, values by their definitions in NumPy."""

import warnings

import numpy as np
import pytest

import minigrad as mg

RNG = np.random.default_rng(3)


def leaf(*shape):
    return mg.tensor(RNG.normal(size=shape), requires_grad=True)


@pytest.mark.parametrize(
    "view, size, stride, offset",
    [
        (lambda x: x, (2, 2), (1, 1), None),  # overlapping windows: gradients add up
        (lambda x: x.view(2, 3).t(), (2, 2), (3, 1), 1),
        (lambda x: x[1:], (3,), (2,), None),
    ],
)
def test_as_strided_gradcheck(view, size, stride, offset):
    assert mg.gradcheck(lambda x: view(x).as_strided(size, stride, offset), (leaf(6),))


def test_as_strided_reads_memory_positions():
    x = mg.arange(6.0)
    windows = x.as_strided((4, 3), (1, 1))
    np.testing.assert_array_equal(windows.numpy(), [[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5]])
    assert x[2:].as_strided((2,), (1,), 0).tolist() == [0.0, 1.0]  # offsets count from memory


def test_put_gradcheck_and_values():
    src = leaf(3)
    assert mg.gradcheck(lambda x, s: x.put(mg.tensor([4, 0, -1]), s), (leaf(2, 3), src))
    assert mg.gradcheck(
        lambda x, s: x.put(mg.tensor([1, 1, 2]), s, accumulate=True), (leaf(2, 3), src)
    )
    x = mg.zeros(2, 3)
    x.put_(mg.tensor([1, 1, 5]), mg.tensor([1.0, 2.0, 3.0]), accumulate=True)
    assert x.tolist() == [[0.0, 3.0, 0.0], [0.0, 0.0, 3.0]]
    with pytest.raises(IndexError, match="put_"):
        x.put_(mg.tensor([6]), mg.tensor([1.0]))


@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin"])
def test_index_reduce_gradcheck_and_values(reduce):
    index = mg.tensor([0, 2, 0])
    assert mg.gradcheck(lambda x, s: x.index_reduce(0, index, s, reduce), (leaf(3, 2), leaf(3, 2)))
    x, s = np.ones((3, 2)), np.arange(6.0).reshape(3, 2)
    out = mg.tensor(x).index_reduce(0, index, mg.tensor(s), reduce, include_self=False).numpy()
    pick = {"prod": np.prod, "mean": np.mean, "amax": np.max, "amin": np.min}[reduce]
    np.testing.assert_allclose(out[0], pick(s[[0, 2]], axis=0))
    np.testing.assert_allclose(out[1], x[1])  # no index: input stays
    with pytest.raises(RuntimeError, match="index_reduce"):
        mg.ones(3).index_reduce(0, mg.tensor([0]), mg.ones(1), "sum")


def test_histogram_is_numpys_with_the_tensors_dtype():
    X = np.random.default_rng(0).normal(size=50).astype(np.float32)  # not the shared RNG
    hist, edges = mg.histogram(mg.tensor(X), 7)
    expected, expected_edges = np.histogram(X, 7)
    np.testing.assert_array_equal(hist.numpy(), expected)
    # float32 edges against NumPy's float64 ones: one float32 step of the range, as an edge
    # near 0 has no relative precision to hold
    ulp = np.finfo(np.float32).eps * np.abs(expected_edges).max()
    np.testing.assert_allclose(edges.numpy(), expected_edges, rtol=0, atol=ulp)
    assert hist.dtype == edges.dtype == mg.float32
    density = mg.histogram(mg.tensor(X), 7, density=True).hist.numpy()
    np.testing.assert_allclose((density * np.diff(edges.numpy())).sum(), 1.0, rtol=1e-5)


def test_angle_is_pi_on_negatives_and_has_a_zero_gradient():
    x = mg.tensor([-2.0, 0.0, 3.0], requires_grad=True)
    out = mg.angle(x)
    np.testing.assert_allclose(out.detach().numpy(), [np.pi, 0.0, 0.0])
    out.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]


def test_embedding_weight_first():
    w = leaf(4, 2)
    out = mg.embedding(w, mg.tensor([3, 0, 3]), 3)
    out.sum().backward()
    np.testing.assert_array_equal(out.detach().numpy(), w.detach().numpy()[[3, 0, 3]])
    assert w.grad.tolist() == [[1.0, 1.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]


def test_batch_norm_updates_the_running_statistics():
    x = mg.tensor(RNG.normal(size=(8, 2)))
    mean, var = mg.zeros(2, dtype=mg.float64), mg.ones(2, dtype=mg.float64)
    mg.batch_norm(x, None, None, mean, var, True, 0.5, 1e-5, False)
    np.testing.assert_allclose(mean.numpy(), 0.5 * x.numpy().mean(0))
    np.testing.assert_allclose(var.numpy(), 0.5 + 0.5 * x.numpy().var(0, ddof=1))


def test_range_includes_its_end_and_warns():
    with pytest.warns(UserWarning, match="deprecated"):
        r = mg.range(1, 2, 0.25)
    np.testing.assert_allclose(r.numpy(), [1.0, 1.25, 1.5, 1.75, 2.0])
    assert r.dtype == mg.get_default_dtype()


def test_trapz_is_trapezoid_on_2d_with_points():
    y, x = RNG.normal(size=(2, 5)), np.arange(5.0) ** 2
    expected = ((y[:, 1:] + y[:, :-1]) * np.diff(x)).sum(1) / 2
    np.testing.assert_allclose(mg.trapz(mg.tensor(y), mg.tensor(x)).numpy(), expected)
    np.testing.assert_allclose(mg.trapezoid(mg.tensor(y), mg.tensor(x)).numpy(), expected)


def test_runtime_switches_read_back():
    threads = mg.get_num_threads()
    mg.set_num_threads(3)
    assert mg.get_num_threads() == 3
    with pytest.raises(RuntimeError):
        mg.set_num_threads(0)
    mg.set_num_threads(threads)
    mg.use_deterministic_algorithms(True, warn_only=True)
    assert mg.are_deterministic_algorithms_enabled()
    assert mg.is_deterministic_algorithms_warn_only_enabled()
    mg.use_deterministic_algorithms(False)
    assert not mg.are_deterministic_algorithms_enabled()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mg.set_float32_matmul_precision("medium")
    assert mg.get_float32_matmul_precision() == "medium"
    mg.set_float32_matmul_precision("highest")


def test_random_fills_are_seeded():
    mg.manual_seed(5)
    a = mg.zeros(10).random_(0, 100).tolist()
    mg.manual_seed(5)
    assert mg.zeros(10).random_(0, 100).tolist() == a
    assert all(0 <= v < 100 for v in a)


@pytest.mark.parametrize("edge_order", [1, 2])
def test_gradient_is_numpys_and_differentiable(edge_order):
    X = RNG.normal(size=(4, 6))
    x1 = np.array([0.0, 0.5, 2.0, 2.5])
    ours = mg.gradient(mg.tensor(X), spacing=[mg.tensor(x1), 0.5], edge_order=edge_order)
    theirs = np.gradient(X, x1, 0.5, edge_order=edge_order)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.numpy(), b, rtol=1e-12, atol=1e-12)
    assert mg.gradcheck(
        lambda x: mg.gradient(x, spacing=[mg.tensor(x1), 0.5], edge_order=edge_order)[0],
        (leaf(4, 6),),
    )
