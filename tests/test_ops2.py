"""The ops of more_ops.py without torch: gradients where the inputs have zeros,
repeated inputs, views that share memory, dtypes and errors that name the op."""

import numpy as np
import pytest

import minigrad as mg

UNARY = [
    "square", "reciprocal", "rsqrt", "log1p", "expm1", "log2", "log10", "exp2", "sign",
    "floor", "ceil", "trunc", "frac", "sinh", "cosh", "tan", "asin", "acos", "atan", "logit",
    "nan_to_num",
]  # fmt: skip


def _leaf(values) -> mg.Tensor:
    return mg.tensor(np.asarray(values, np.float64), requires_grad=True)


@pytest.mark.parametrize(
    "values",
    [
        [2.0, 0.0, 3.0],
        [0.0, 0.0, 3.0],
        [[0.0, 1.5, 2.0], [0.5, 0.0, 0.0]],
        [[1.0, 2.0], [3.0, 0.5]],
    ],
)
def test_prod_gradient_with_zeros_matches_finite_differences(values):
    x = _leaf(values)
    assert mg.gradcheck(lambda a: a.prod(), [x])
    assert mg.gradcheck(lambda a: a.prod(-1), [x])
    assert mg.gradcheck(lambda a: mg.prod(a, 0, keepdim=True), [x])


def test_prod_gradient_at_one_zero_is_the_product_of_the_rest():
    x = _leaf([2.0, 0.0, 3.0, 4.0])
    x.prod().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 24.0, 0.0, 0.0])


@pytest.mark.parametrize(
    "values",
    [
        [2.0, 3.0, 4.0],
        [0.0, 3.0, 4.0],
        [2.0, 0.0, 4.0, 0.0, 5.0],
        [[1.0, 0.0, 2.0], [0.0, 0.0, 3.0]],
    ],
)
def test_cumprod_gradient_with_zeros_matches_finite_differences(values):
    x = _leaf(values)
    assert mg.gradcheck(lambda a: a.cumprod(-1), [x])
    assert mg.gradcheck(lambda a: mg.cumprod(a, 0), [x])


def test_cumprod_gradient_is_the_sum_of_products_without_each_element():
    x = _leaf([2.0, 0.0, 4.0])
    g = np.array([1.0, 10.0, 100.0])
    x.cumprod(0).backward(mg.tensor(g))
    # out = (x0, x0 x1, x0 x1 x2): d/dx0 = 1 + 10 x1 + 100 x1 x2, d/dx1 = 10 x0 + 100 x0 x2
    np.testing.assert_array_equal(x.grad.data, [1.0, 10 * 2 + 100 * 2 * 4, 0.0])


@pytest.mark.parametrize(
    "fn",
    [
        lambda a: a.atan2(a),
        lambda a: a.dot(a),
        lambda a: a.outer(a),
        lambda a: mg.addmm(a.reshape(2, 2), a.reshape(2, 2), a.reshape(2, 2), beta=2, alpha=-1),
        lambda a: a.reshape(2, 2).mv(a[:2]),
        lambda a: a.cumsum(0) * a.cumprod(0),
        lambda a: a.sort().values * a,
        lambda a: a.split(2)[0] * a.flip(0)[2:],
    ],
    ids=["atan2", "dot", "outer", "addmm", "mv", "cumsum_cumprod", "sort", "split_flip"],
)
def test_repeated_inputs_match_finite_differences(fn):
    assert mg.gradcheck(fn, [_leaf([0.5, -1.25, 2.0, 0.75])])


def test_cumsum_gradient_is_the_reversed_running_sum():
    x = _leaf([[1.0, 2.0, 3.0]])
    x.cumsum(1).backward(mg.tensor([[1.0, 10.0, 100.0]]))
    np.testing.assert_array_equal(x.grad.data, [[111.0, 110.0, 100.0]])


@pytest.mark.parametrize("name", UNARY)
def test_unary_dtypes(name):
    x32 = mg.tensor([0.25, 0.5], requires_grad=True)
    y = getattr(x32, name)()
    assert y.dtype == mg.float32 and getattr(mg, name)(x32).dtype == mg.float32
    y.sum().backward()
    assert x32.grad.dtype == mg.float32
    assert getattr(mg.tensor([0.25, 0.5], dtype=mg.float64), name)().dtype == mg.float64
    ints = mg.tensor([1, 2])
    exact = name in ("square", "sign", "floor", "ceil", "trunc", "nan_to_num")
    if name == "frac":  # floats only, as PyTorch
        return
    assert getattr(ints, name)().dtype == (mg.int64 if exact else mg.float32)
    if not exact:
        mg.set_default_dtype(mg.float64)
        try:
            assert getattr(ints, name)().dtype == mg.float64
        finally:
            mg.set_default_dtype(mg.float32)


def test_unary_values_against_numpy_at_the_edges():
    x = np.array([np.nan, np.inf, -np.inf, 0.0, -1.0, 1.0, 0.5, 2.0])
    t = mg.tensor(x, dtype=mg.float64)
    with np.errstate(all="ignore"):
        expected = {
            "reciprocal": 1 / x, "rsqrt": 1 / np.sqrt(x), "log1p": np.log1p(x),
            "expm1": np.expm1(x), "log2": np.log2(x), "log10": np.log10(x), "exp2": np.exp2(x),
            "sinh": np.sinh(x), "cosh": np.cosh(x), "tan": np.tan(x), "asin": np.arcsin(x),
            "acos": np.arccos(x), "atan": np.arctan(x), "logit": np.log(x / (1 - x)),
            "floor": np.floor(x), "ceil": np.ceil(x), "trunc": np.trunc(x),
            "frac": x - np.trunc(x), "sign": np.nan_to_num(np.sign(x)),
            "nan_to_num": np.nan_to_num(x),
        }  # fmt: skip
    for name, want in expected.items():
        np.testing.assert_array_equal(getattr(t, name)().data, want, err_msg=name)


def test_sign_floor_and_frac_have_the_gradient_pytorch_gives():
    x = _leaf([-1.5, 0.25, 2.75])
    (x.sign() + x.floor() + x.ceil() + x.trunc()).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0, 0.0])
    x.grad = None
    x.frac().backward(mg.tensor([1.0, 2.0, 3.0], dtype=mg.float64))
    np.testing.assert_array_equal(x.grad.data, [1.0, 2.0, 3.0])


def test_logit_gradient_outside_eps_is_zero():
    x = _leaf([0.05, 0.5, 0.95])
    x.logit(eps=0.1).sum().backward()
    np.testing.assert_allclose(x.grad.data, [0.0, 4.0, 0.0])


def test_sort_is_stable_and_puts_nan_last_or_first():
    x = mg.tensor([2.0, np.nan, 1.0, 2.0, 1.0])
    r = x.sort()
    assert type(r).__name__ == "sort" and r.values is r[0]
    np.testing.assert_array_equal(r.indices.data, [2, 4, 0, 3, 1])
    np.testing.assert_array_equal(x.sort(descending=True).indices.data, [1, 0, 3, 2, 4])
    np.testing.assert_array_equal(mg.argsort(x, descending=True).data, [1, 0, 3, 2, 4])
    assert x.argsort().dtype == mg.int64 and not x.sort().indices.requires_grad


def test_sort_gradient_returns_to_the_original_places():
    x = _leaf([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]])
    v, i = x.sort(1, descending=True)
    v.backward(mg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=mg.float64))
    np.testing.assert_array_equal(x.grad.data, [[1.0, 3.0, 2.0], [6.0, 4.0, 5.0]])


def test_views_share_memory_with_their_base():
    x = mg.arange(12.0).reshape(3, 4)
    x.narrow(1, 1, 2).mul_(-1)
    x.diagonal(1).fill_(100.0)
    a, b = x.split([1, 2])
    b[0, 0] = 7.0
    x.unbind(1)[3].zero_()
    x.movedim(0, 1)[0].add_(1000.0)
    want = np.arange(12.0).reshape(3, 4)
    want[:, 1:3] *= -1
    want[[0, 1, 2], [1, 2, 3]] = 100.0
    want[1, 0] = 7.0
    want[:, 3] = 0.0
    want[:, 0] += 1000.0
    np.testing.assert_array_equal(x.data, want)
    np.testing.assert_array_equal(a.data, want[:1])


def test_in_place_change_of_a_split_output_in_the_graph_raises():
    y = _leaf([1.0, 2.0, 3.0, 4.0]) * 1
    a, b = y.split(2)
    with pytest.raises(RuntimeError, match="multiple views"):
        a.add_(1)
    with pytest.raises(RuntimeError, match="multiple views"):
        b[0:1].mul_(2)
    with mg.no_grad():
        y.unbind()[0].add_(1)
    assert y.tolist() == [2.0, 2.0, 3.0, 4.0]


def _gradient_elements(loss: mg.Tensor) -> int:
    """Run loss.backward(), counting the elements of every gradient array a VJP returns
    (each is allocated, and added into its input's gradient, once)."""
    count = 0

    def counted(f):
        def vjp(g):
            nonlocal count
            gi = f(g)
            count += 0 if gi is None else np.size(gi)
            return gi

        return vjp

    seen, todo = set(), [loss.grad_fn]
    while todo:
        node = todo.pop()
        if not isinstance(node, mg.engine.Node) or id(node) in seen:
            continue
        seen.add(id(node))
        node.vjps = tuple(None if f is None else counted(f) for f in node.vjps)
        todo.extend(node.next)
    loss.backward()
    return count


CUTS = {
    "unbind": lambda y: y.unbind(0),
    "unbind_dim1": lambda y: y.T.unbind(1),
    "split": lambda y: y.split(1),
    "split_sizes": lambda y: y.split([1] * y.shape[0]),
    "chunk": lambda y: y.chunk(y.shape[0]),
    "split_then_unbind": lambda y: [s for p in y.split(4) for s in p.unbind()],
}


@pytest.mark.parametrize("cut", CUTS.values(), ids=CUTS.keys())
def test_backward_of_t_pieces_is_linear_in_t(cut):
    """One node puts all pieces' gradients in dx: the gradients passed back grow as T
    (3.9x from T=16 to T=64), where a full-size dx per piece made them grow as T² (12x)."""

    def elements(T: int) -> int:
        x = mg.tensor(np.arange(T * 5.0).reshape(T, 5), requires_grad=True)
        pieces = cut(x * 1)
        n = _gradient_elements(sum((p * p).sum() for p in pieces[::2]) + pieces[1].sum())
        expected = np.arange(T * 5.0).reshape(T, 5) * (np.arange(T) % 2 == 0)[:, None] * 2
        expected[1] += 1
        np.testing.assert_array_equal(x.grad.numpy(), expected)
        return n

    assert elements(64) <= 4.2 * elements(16)


def test_lstm_backward_is_linear_in_the_sequence_length():
    """Its input gates are cut into time steps by unbind (4.0x from T=50 to T=200)."""

    def elements(T: int) -> int:
        mg.manual_seed(0)
        out, (h, c) = mg.nn.LSTM(3, 4)(mg.randn(T, 2, 3))
        return _gradient_elements(out.sum() + h.sum())

    assert elements(200) <= 4.2 * elements(50)


def test_in_place_change_through_narrow_and_diagonal_reaches_the_base_gradient():
    x = _leaf([[1.0, 2.0], [3.0, 4.0]])
    y = x * 1
    y.diagonal().mul_(3)
    y.narrow(0, 1, 1).zero_()
    (y * y).sum().backward()
    np.testing.assert_array_equal(y.data, [[3.0, 2.0], [0.0, 0.0]])
    np.testing.assert_array_equal(x.grad.data, [[18.0, 4.0], [0.0, 0.0]])


@pytest.mark.parametrize(
    "call,error,words",
    [
        (lambda: mg.dot(mg.ones(2), mg.ones(3)), RuntimeError, "dot.*2.*3"),
        (lambda: mg.dot(mg.ones(2, 2), mg.ones(2)), RuntimeError, "dot: 1D tensors expected"),
        (lambda: mg.mv(mg.ones(2, 3), mg.ones(2)), RuntimeError, r"mv: size mismatch.*2x3"),
        (lambda: mg.addmm(mg.ones(3), mg.ones(2, 3), mg.ones(2, 3)), RuntimeError, r"addmm.*2x3"),
        (lambda: mg.outer(mg.ones(2, 2), mg.ones(2)), RuntimeError, "outer: Expected 1-D"),
        (lambda: mg.ones(2, 3).narrow(1, 2, 2), RuntimeError, r"narrow.*\(2, 3\)"),
        (lambda: mg.ones(2, 3).roll((1, 2), 0), RuntimeError, "roll: shifts"),
        (lambda: mg.ones(2, 3).repeat(2), RuntimeError, r"repeat.*\(2, 3\)"),
        (lambda: mg.ones(3).split([1, 1]), RuntimeError, "split_with_sizes.*3"),
        (lambda: mg.ones(3).index_select(0, mg.tensor([3])), RuntimeError, "index_select.*3"),
        (lambda: mg.ones(2, 2).movedim((0, 0), (0, 1)), RuntimeError, "movedim: repeated"),
        (lambda: mg.ones(2, 2).diagonal(0, 1, 1), RuntimeError, "diagonal dimensions"),
        (lambda: mg.trace(mg.ones(3)), RuntimeError, "trace: expected a matrix"),
        (lambda: mg.atan2(mg.ones(2), 1.0), TypeError, "atan2.*other"),
        (lambda: mg.ones(2).prod((0,)), TypeError, "dim"),
        (lambda: mg.tensor([1, 2]).frac(), NotImplementedError, "frac"),
        (lambda: mg.tensor([True]).floor(), NotImplementedError, "floor"),
    ],
)
def test_errors_name_the_op(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_new_tensors_take_this_tensors_dtype():
    x = mg.tensor([1, 2], dtype=mg.int32)
    assert x.new_zeros(2, 3).dtype == mg.int32 and x.new_zeros((2, 3)).shape == (2, 3)
    assert x.new_ones(2, dtype=mg.float64).dtype == mg.float64
    assert x.new_full((2,), 7).tolist() == [7, 7]
    assert x.new_tensor([1.5]).tolist() == [1] and x.new_tensor([1.5]).dtype == mg.int32
    f = mg.ones(1).new_zeros(2, requires_grad=True)
    assert f.is_leaf and f.requires_grad
    assert x.type_as(mg.ones(1)).dtype == mg.float32
    assert x.type_as(x) is x
    with pytest.warns(UserWarning, match="detach"):
        mg.ones(1).new_tensor(mg.ones(2))


def test_function_and_method_forms_agree():
    x = mg.tensor([[0.5, 0.25], [0.75, 0.125]])
    for name in UNARY + ["prod", "argsort", "trace", "diag", "unbind", "tile"]:
        args = {"tile": ((2,),)}.get(name, ())
        fn, method = getattr(mg, name)(x, *args), getattr(x, name)(*args)
        for a, b in zip(*(r if isinstance(r, tuple) else (r,) for r in (fn, method))):
            np.testing.assert_array_equal(a.data, b.data, err_msg=name)
    np.testing.assert_array_equal(mg.flip(x, (0,)).data, x.flip(0).data)
    np.testing.assert_array_equal(mg.swapaxes(x, 0, 1).data, x.moveaxis(0, 1).data)


def test_grad_fn_names():
    x = mg.ones(2, 2, requires_grad=True)
    assert x.log1p().grad_fn.name() == "Log1PBackward"
    assert x.clamp_min(0.5).grad_fn.name() == "ClampMinBackward"
    assert x.split(1)[0].grad_fn.name() == "SplitBackward"
    assert x.narrow(0, 0, 1).grad_fn.name() == "SliceBackward"
    assert mg.diag(x[0]).grad_fn.name() == "DiagEmbedBackward"
