"""PyTorch names a program may call that minigrad lacked: the ``torch.*`` forms of
nn.functional's ops (ATen's signatures), ``as_strided``, ``put_``, ``index_reduce``,
``histogram``, the complex-number functions on real tensors, the runtime switches, and
the Tensor queries and random fills; each against PyTorch 2.13."""

import math
import warnings

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()


def both(array, requires_grad=False):
    """The same values as a minigrad and a torch tensor."""
    a = np.asarray(array)
    return (
        mg.tensor(a.copy(), requires_grad=requires_grad),
        torch.tensor(a.copy(), requires_grad=requires_grad),
    )


def close(m, t, atol=1e-6):
    t = t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
    m = m.detach().numpy() if isinstance(m, mg.Tensor) else np.asarray(m)
    assert m.shape == t.shape, (m.shape, t.shape)
    assert m.dtype == t.dtype, (m.dtype, t.dtype)
    np.testing.assert_allclose(m, t, atol=atol, rtol=1e-6)


def grads_match(fm, ft, arrays, atol=1e-6):
    """fm and ft on the same float64 inputs: values, and the gradients of a weighted sum."""
    ms = [mg.tensor(a, requires_grad=True) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    om, ot = fm(*ms), ft(*ts)
    close(om, ot, atol)
    w = np.random.default_rng(1).normal(size=tuple(ot.shape))
    (om * mg.tensor(w)).sum().backward()
    (ot * torch.tensor(w)).sum().backward()
    for m, t in zip(ms, ts):
        close(m.grad, t.grad, atol)


RNG = np.random.default_rng(0)


# ---- torch.* forms of nn.functional ops -------------------------------------------------


@pytest.mark.parametrize(
    "name, make",
    [
        ("selu", lambda x: ()),
        ("celu", lambda x: (2.0,)),
        ("hardshrink", lambda x: (0.3,)),
        ("rrelu", lambda x: ()),
        ("dropout", lambda x: (0.0, True)),
        ("alpha_dropout", lambda x: (0.3, False)),
        ("feature_alpha_dropout", lambda x: (0.3, False)),
        ("layer_norm", lambda x: ((4,),)),
        ("group_norm", lambda x: (1,)),
        ("pdist", lambda x: ()),
        ("cosine_similarity", lambda x: (x * 2 + 1,)),
        ("pairwise_distance", lambda x: (x - 1,)),
        ("adaptive_avg_pool1d", lambda x: (2,)),
        ("avg_pool1d", lambda x: (2,)),
        ("max_pool1d", lambda x: (2,)),
    ],
)
def test_functional_forms_values_and_grads(name, make):
    X = RNG.normal(size=(3, 4))
    if name in ("adaptive_avg_pool1d", "avg_pool1d", "max_pool1d", "group_norm"):
        X = X.reshape(1, 3, 4)

    def call(lib):
        def f(x):
            extra = tuple(
                lib.tensor(e.detach().numpy() if isinstance(e, torch.Tensor) else e.numpy())
                if isinstance(e, (torch.Tensor, mg.Tensor))
                else e
                for e in make(x.detach())
            )
            return getattr(lib, name)(x, *extra)

        return f

    grads_match(call(mg), call(torch), [X])


def test_conv_and_pool_are_the_functional_ones():
    X = RNG.normal(size=(1, 2, 6, 6))
    W = RNG.normal(size=(3, 2, 3, 3))
    grads_match(
        lambda x, w: mg.conv2d(x, w, None, 1, 1),
        lambda x, w: torch.conv2d(x, w, None, 1, 1),
        [X, W],
    )
    grads_match(lambda x: mg.max_pool2d(x, 2), lambda x: torch.max_pool2d(x, 2), [X])
    grads_match(lambda x: mg.pixel_shuffle(x[:, :1].expand(1, 4, 6, 6), 2),
                lambda x: torch.pixel_shuffle(x[:, :1].expand(1, 4, 6, 6), 2), [X])  # fmt: skip


def test_batch_norm_takes_the_affine_parameters_first():
    X = RNG.normal(size=(5, 3))
    rm, rv = np.zeros(3), np.ones(3)
    mrm, mrv = mg.tensor(rm.copy()), mg.tensor(rv.copy())
    trm, trv = torch.tensor(rm.copy()), torch.tensor(rv.copy())
    w, b = RNG.normal(size=3), RNG.normal(size=3)
    grads_match(
        lambda x: mg.batch_norm(x, mg.tensor(w), mg.tensor(b), mrm, mrv, True, 0.1, 1e-5, False),
        lambda x: torch.batch_norm(
            x, torch.tensor(w), torch.tensor(b), trm, trv, True, 0.1, 1e-5, False
        ),  # fmt: skip
        [X],
    )
    close(mrm, trm)
    close(mrv, trv)


def test_instance_norm_takes_the_affine_parameters_first():
    X = RNG.normal(size=(2, 3, 5))
    w, b = RNG.normal(size=3), RNG.normal(size=3)
    grads_match(
        lambda x: mg.instance_norm(
            x, mg.tensor(w), mg.tensor(b), None, None, True, 0.1, 1e-5, False
        ),  # fmt: skip
        lambda x: torch.instance_norm(
            x, torch.tensor(w), torch.tensor(b), None, None, True, 0.1, 1e-5, False
        ),  # fmt: skip
        [X],
    )


@pytest.mark.parametrize("padding_idx", [-1, -2, 0, 4, 5])
def test_embedding_takes_weight_first_and_negative_padding_means_none(padding_idx):
    W = RNG.normal(size=(5, 3))
    idx = [0, 4, 4, 1]
    grads_match(
        lambda w: mg.embedding(w, mg.tensor(idx), padding_idx),
        lambda w: torch.embedding(w, torch.tensor(idx), padding_idx),
        [W],
    )


def test_dropout_needs_its_train_flag():
    x = mg.ones(3)
    with pytest.raises(TypeError):
        mg.dropout(x, 0.5)
    with pytest.raises(TypeError):
        torch.dropout(torch.ones(3), 0.5)
    close(mg.dropout(x, 1.0, True), torch.dropout(torch.ones(3), 1.0, True))
    y = mg.ones(3)
    assert mg.dropout_(y, 1.0, True) is y
    close(y, torch.zeros(3))


def test_pooling_with_indices_returns_a_plain_tuple():
    X = np.arange(12.0).reshape(1, 2, 6)
    for name, args in [("max_pool1d_with_indices", (2,)), ("adaptive_max_pool1d", (2,))]:
        rm = getattr(mg, name)(mg.tensor(X), *args)
        rt = getattr(torch, name)(torch.tensor(X), *args)
        assert type(rm) is tuple and type(rt) is tuple
        for a, b in zip(rm, rt):
            close(a, b)


# ---- as_strided ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "view, size, stride, offset",
    [
        (lambda x: x, (2, 2), (1, 1), None),
        (lambda x: x, (2, 2), (2, 1), 1),
        (lambda x: x[2:], (2,), (1,), 0),  # reaches memory outside the view: no gradient there
        (lambda x: x[2:], (2,), (1,), None),
        (lambda x: x.view(2, 3).t(), (2, 2), (3, 1), 1),
        (lambda x: x[:2].expand(3, 2), (2,), (1,), None),  # an expanded input shares its grad
        (lambda x: x, (0, 3), (1, 1), 10),
        (lambda x: x, (2, 3), (0, 1), None),
    ],
)
def test_as_strided(view, size, stride, offset):
    X = RNG.normal(size=6)
    grads_match(
        lambda x: view(x).as_strided(size, stride, offset),
        lambda x: view(x).as_strided(size, stride, offset),
        [X],
    )
    m = mg.as_strided(view(mg.tensor(X)), size, stride, offset)
    t = torch.as_strided(view(torch.tensor(X)), size, stride, offset)
    assert m.stride() == t.stride()
    if t.numel():  # an empty view has no memory to begin in, in NumPy
        assert m.storage_offset() == t.storage_offset()


def test_as_strided_is_a_view():
    xm, xt = both(np.arange(6.0))
    ym, yt = xm.as_strided((2, 2), (2, 1)), xt.as_strided((2, 2), (2, 1))
    ym.mul_(10)
    yt.mul_(10)
    close(xm, xt)


@pytest.mark.parametrize(
    "size, stride, offset", [((2, 2), (3, 1), 5), ((2, 2), (3, -1), 0), ((2, 2), (3,), 0)]
)
def test_as_strided_errors(size, stride, offset):
    with pytest.raises(RuntimeError):
        torch.arange(6.0).as_strided(size, stride, offset)
    with pytest.raises(RuntimeError, match="as_strided"):
        mg.arange(6.0).as_strided(size, stride, offset)


def test_storage_offset_of_an_expanded_view():
    assert mg.arange(6.0)[2:4].expand(3, 2).storage_offset() == 2
    assert torch.arange(6.0)[2:4].expand(3, 2).storage_offset() == 2


# ---- put, index_reduce, histogram, nonzero_static ----------------------------------------


@pytest.mark.parametrize("accumulate", [False, True])
@pytest.mark.parametrize("index", [[0, 5], [0, -6], [1, 1, 4], [[0, 2], [3, 5]]])
def test_put(index, accumulate):
    if not accumulate and len(np.unique(np.asarray(index) % 6)) < np.size(index):
        return  # which repeated write wins is unspecified in PyTorch
    X = RNG.normal(size=(2, 3))
    src = RNG.normal(size=np.shape(index))
    grads_match(
        lambda x, s: x.put(mg.tensor(index), s, accumulate),
        lambda x, s: x.put(torch.tensor(index), s, accumulate),
        [X, src],
    )
    xm, xt = both(X)
    xm.t().put_(mg.tensor(index), mg.tensor(src), accumulate)
    xt.t().put_(torch.tensor(index), torch.tensor(src), accumulate)
    close(xm, xt)


@pytest.mark.parametrize(
    "index, source",
    [
        (np.array([0, 5], np.int32), [9.0, 8.0]),
        ([0, 6], [9.0, 8.0]),
        ([0, 1], [9.0, 8.0, 7.0]),
        ([0, 1], np.array([9, 8])),
    ],
)
def test_put_errors(index, source):
    def error(lib, x):
        try:
            x.put_(lib.tensor(index), lib.tensor(source))
        except Exception as e:  # noqa: BLE001 - the type is what is compared
            return type(e)
        return None

    expected = error(torch, torch.zeros(2, 3))
    assert expected is not None
    assert issubclass(error(mg, mg.zeros(2, 3)), expected)


@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("dim", [0, 1])
def test_index_reduce(reduce, include_self, dim):
    X = RNG.normal(size=(3, 4))
    index = [0, 2, 0] if dim == 0 else [3, 0, 3, 1]
    S = RNG.normal(size=(3, 4)) if dim == 1 else RNG.normal(size=(3, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # PyTorch's "index_reduce() is in beta"
        grads_match(
            lambda x, s: x.index_reduce(
                dim, mg.tensor(index), s, reduce, include_self=include_self
            ),  # fmt: skip
            lambda x, s: x.index_reduce(
                dim, torch.tensor(index), s, reduce, include_self=include_self
            ),  # fmt: skip
            [X, S],
        )


@pytest.mark.parametrize(
    "args, kwargs",
    [
        ((4,), {"range": (0.0, 3.0), "weight": [1.0, 2.0, 4.0, 1.0, 1.0]}),
        ((3,), {}),
        ((5,), {"density": True}),
        (([0.0, 1.5, 2.5, 4.0],), {}),
        (([0.0, 1.5, 2.5, 4.0],), {"density": True}),
        ((2,), {"range": (1.0, 1.0)}),
    ],
)
def test_histogram(args, kwargs):
    X = np.array([1.0, 2.0, 1.0, 3.5, 0.25], np.float32)

    def run(lib):
        a = tuple(lib.tensor(np.float32(v)) if isinstance(v, list) else v for v in args)
        kw = {k: lib.tensor(np.float32(v)) if k == "weight" else v for k, v in kwargs.items()}
        return lib.histogram(lib.tensor(X), *a, **kw)

    m, t = run(mg), run(torch)
    close(m.hist, t.hist)
    close(m.bin_edges, t.bin_edges)


def test_histogram_of_integers_raises_as_pytorch():
    with pytest.raises(NotImplementedError):
        torch.histogram(torch.tensor([1, 2]), 3)
    with pytest.raises(NotImplementedError, match="histogram"):
        mg.histogram(mg.tensor([1, 2]), 3)


@pytest.mark.parametrize("size, fill", [(3, -1), (1, 9), (0, -1), (6, 0)])
def test_nonzero_static(size, fill):
    X = np.array([[0, 1, 0], [2, 0, 3]])
    close(mg.nonzero_static(mg.tensor(X), size=size, fill_value=fill),
          torch.nonzero_static(torch.tensor(X), size=size, fill_value=fill))  # fmt: skip


# ---- complex-number functions of real tensors, and the Tensor's queries ----------------------


def test_real_conj_and_friends_return_the_tensor_itself():
    for lib in (mg, torch):
        x = lib.arange(6.0).reshape(2, 3)
        for f in (lib.real, lib.conj, lib.resolve_conj, lib.resolve_neg):
            assert f(x) is x
        assert x.real is x and x.conj() is x and x.resolve_conj() is x
        assert not lib.is_conj(x) and not x.is_neg() and not lib.is_complex(x)
        with pytest.raises(RuntimeError):
            x.imag  # noqa: B018
        with pytest.raises(RuntimeError):
            lib.imag(x)
        assert bool(lib.isreal(x).all())


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_angle(dtype):
    X = np.array([-1.5, 0.0, -0.0, 2.0, np.nan, -np.inf]).astype(dtype if dtype != "int64" else
                                                                 "float64")  # fmt: skip
    if dtype == "int64":
        X = np.array([-3, 0, 2])
    close(mg.angle(mg.tensor(X)), torch.angle(torch.tensor(X)))
    if dtype == "float64":
        grads_match(mg.angle, torch.angle, [np.array([-1.0, 2.0, 0.5])])


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int8", "int64", "float32"])
def test_is_signed(dtype):
    X = np.zeros(2, dtype)
    assert mg.is_signed(mg.tensor(X)) == torch.is_signed(torch.tensor(X))


def test_tensor_layout_and_device_queries():
    m, t = mg.zeros(2, 3), torch.zeros(2, 3)
    assert m.get_device() == t.get_device() == -1
    for name in ("is_sparse", "is_quantized", "is_meta", "is_mkldnn", "is_nested"):
        assert getattr(m, name) == getattr(t, name), name
    assert m.layout is mg.strided and t.layout is torch.strided
    assert m.is_pinned() == t.is_pinned()
    assert m.share_memory_() is m


@pytest.mark.parametrize("ndim", [0, 1, 2, 3])
def test_conjugate_transposes(ndim):
    X = RNG.normal(size=(2, 3, 4)[:ndim])
    for attr in ("H", "mH", "mT", "adjoint"):

        def get(x, attr=attr):
            return x.adjoint() if attr == "adjoint" else getattr(x, attr)

        try:
            with warnings.catch_warnings(record=True) as warned_t:
                warnings.simplefilter("always")
                expected = get(torch.tensor(X))
        except RuntimeError:
            with pytest.raises(RuntimeError):
                get(mg.tensor(X))
            continue
        with warnings.catch_warnings(record=True) as warned_m:
            warnings.simplefilter("always")
            close(get(mg.tensor(X)), expected)
        # PyTorch warns once per process (TORCH_WARN_ONCE); minigrad each time, on a 0-d tensor
        assert len(warned_m) == (ndim == 0), (attr, [str(w.message) for w in warned_m])
        assert len(warned_t) <= len(warned_m)


def test_hardshrink_and_prelu_methods():
    X = np.array([-1.0, 0.2, -0.4, 3.0])
    grads_match(lambda x: x.hardshrink(0.3), lambda x: x.hardshrink(0.3), [X])
    grads_match(lambda x, w: x.prelu(w), lambda x, w: x.prelu(w), [X, np.array([0.25])])


def test_igamma():
    a, x = np.array([0.5, 1.0, 3.0]), np.array([0.2, 2.0, 1.5])
    close(mg.igamma(mg.tensor(a), mg.tensor(x)), torch.igamma(torch.tensor(a), torch.tensor(x)))
    close(mg.tensor(a).igammac(mg.tensor(x)), torch.tensor(a).igammac(torch.tensor(x)))


def test_narrow_copy_is_not_a_view():
    for lib in (mg, torch):
        x = lib.arange(6.0)
        y = lib.narrow_copy(x, 0, 1, 3)
        y.add_(1)
        assert x.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
        assert y.tolist() == [2.0, 3.0, 4.0]


def test_row_stack_trapz_unsafe_split():
    X = RNG.normal(size=(2, 5))
    close(mg.row_stack([mg.tensor(X[0]), mg.tensor(X[1])]),
          torch.row_stack([torch.tensor(X[0]), torch.tensor(X[1])]))  # fmt: skip
    grads_match(lambda y: mg.trapz(y, dx=0.5), lambda y: torch.trapz(y, dx=0.5), [X])
    grads_match(lambda y: mg.trapz(y, mg.tensor(np.arange(5.0) ** 2)),
                lambda y: torch.trapz(y, torch.tensor(np.arange(5.0) ** 2)), [X])  # fmt: skip
    for a, b in zip(mg.tensor(X).unsafe_split(2, 1), torch.tensor(X).unsafe_split(2, 1)):
        close(a, b)


@pytest.mark.parametrize("args", [(0, 4), (0, 1, 0.3), (1, 2, 0.25), (5, 1, -1), (-2.5, 3)])
def test_range_includes_its_end(args):
    with pytest.raises(TypeError):
        mg.range(4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        close(mg.range(*args), torch.range(*args))


@pytest.mark.parametrize(
    "obj",
    [
        lambda lib: [1, 2],
        lambda lib: [1.0, 2.0],
        lambda lib: 3.0,
        lambda lib: np.array([1.0, 2.0]),
        lambda lib: np.float32(3),
        lambda lib: lib.tensor([1.0, 2.0]),
    ],
)
@pytest.mark.parametrize("kwargs", [{}, {"dtype": "float64"}, {"copy": True}, {"copy": False}])
def test_asarray(obj, kwargs):
    def run(lib):
        kw = {k: getattr(lib, v) if k == "dtype" else v for k, v in kwargs.items()}
        o = obj(lib)
        try:
            out = lib.asarray(o, **kw)
        except (ValueError, RuntimeError) as e:
            return type(e).__name__, None
        shares = isinstance(o, (np.ndarray, lib.Tensor)) and np.shares_memory(
            out.numpy(), o.numpy() if isinstance(o, lib.Tensor) else o
        )
        return out, shares

    (m, shares_m), (t, shares_t) = run(mg), run(torch)
    if isinstance(t, str):
        assert m == t
        return
    close(m, t)
    assert shares_m == shares_t


def test_asarray_of_a_tensor_is_the_tensor():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    assert mg.asarray(x) is x
    y = mg.asarray(x, dtype=mg.float64)
    assert y.grad_fn is not None and y.dtype == mg.float64
    z = mg.asarray(mg.tensor([1.0]), requires_grad=True)
    assert z.requires_grad and z.is_leaf


# ---- runtime switches ------------------------------------------------------------------------


def test_compile_runs_the_model():
    model = mg.nn.Linear(2, 2)
    x = mg.ones(3, 2)
    assert mg.compile(model)(x).tolist() == model(x).tolist()

    @mg.compile(fullgraph=True)
    def f(x):
        return x * 2

    assert f(mg.ones(1)).item() == 2.0


def test_float32_matmul_precision():
    old = torch.get_float32_matmul_precision()
    try:
        for value in ("high", "medium", "highest"):
            mg.set_float32_matmul_precision(value)
            torch.set_float32_matmul_precision(value)
            assert mg.get_float32_matmul_precision() == torch.get_float32_matmul_precision()
        with pytest.warns(UserWarning):
            mg.set_float32_matmul_precision("bogus")
        assert mg.get_float32_matmul_precision() == "highest"
        with pytest.raises(RuntimeError):
            mg.set_float32_matmul_precision(3)
    finally:
        torch.set_float32_matmul_precision(old)
        mg.set_float32_matmul_precision("highest")


def test_deterministic_algorithms():
    try:
        for mode, warn_only in [(True, False), (True, True), (False, True)]:
            mg.use_deterministic_algorithms(mode, warn_only=warn_only)
            torch.use_deterministic_algorithms(mode, warn_only=warn_only)
            assert mg.are_deterministic_algorithms_enabled() == (
                torch.are_deterministic_algorithms_enabled()
            )
            assert mg.is_deterministic_algorithms_warn_only_enabled() == (
                torch.is_deterministic_algorithms_warn_only_enabled()
            )
        with pytest.raises(TypeError):
            mg.use_deterministic_algorithms(1)
    finally:
        torch.use_deterministic_algorithms(False)
        mg.use_deterministic_algorithms(False)


def test_default_device_and_typename():
    assert str(mg.get_default_device()) == str(torch.get_default_device()) == "cpu"
    mg.set_default_device("cpu")
    mg.set_default_device(None)
    with pytest.raises(RuntimeError):
        mg.set_default_device("cuda")
    expected = torch.typename(torch.zeros(2, dtype=torch.int64))
    assert mg.typename(mg.zeros(2, dtype=mg.int64)) == expected
    assert mg.typename(3) == torch.typename(3) == "int"
    assert mg.typename(mg.nn.Linear).endswith(".Linear")


def test_vmap_is_func_vmap():
    X = RNG.normal(size=(4, 3))
    close(mg.vmap(lambda r: (r * r).sum())(mg.tensor(X)),
          torch.vmap(lambda r: (r * r).sum())(torch.tensor(X)))  # fmt: skip


# ---- random fills, apply_ and map_, new -------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32", "uint8", "bool"])
def test_random_fills_the_dtypes_range(dtype):
    mg.manual_seed(0)
    m = mg.zeros(4000, dtype=getattr(mg, dtype)).random_()
    t = torch.zeros(4000, dtype=getattr(torch, dtype)).random_()
    assert m.dtype == mg.tensor(t.numpy()).dtype
    hi = {"float32": 2**24, "float64": 2**53, "int64": 2**63 - 1, "int32": 2**31 - 1,
          "uint8": 255, "bool": 1}[dtype]  # fmt: skip
    v = m.numpy().astype(np.float64)
    assert v.min() >= 0 and v.max() <= hi
    assert v.max() > hi / 2  # spread over the range, not a corner of it
    assert np.all(v == np.floor(v))


@pytest.mark.parametrize("bounds", [(5,), (2, 4), (-3, 3)])
def test_random_between_bounds(bounds):
    mg.manual_seed(0)
    m = mg.zeros(2000).random_(*bounds)
    t = torch.zeros(2000).random_(*bounds)
    assert sorted(set(m.tolist())) == sorted(set(t.tolist()))


@pytest.mark.parametrize(
    "name, args", [("cauchy_", (1.0, 2.0)), ("log_normal_", (0.5, 0.25)), ("geometric_", (0.3,))]
)
def test_random_distributions_match_in_quantiles(name, args):
    mg.manual_seed(0)
    torch.manual_seed(0)
    m = getattr(mg.zeros(20000, dtype=mg.float64), name)(*args).numpy()
    t = getattr(torch.zeros(20000, dtype=torch.float64), name)(*args).numpy()
    q = [0.25, 0.5, 0.75]
    np.testing.assert_allclose(np.quantile(m, q), np.quantile(t, q), rtol=0.1)
    if name == "geometric_":
        assert m.min() == 1 and np.all(m == np.floor(m))


def test_apply_and_map():
    for lib in (mg, torch):
        x = lib.arange(4.0)
        assert x.apply_(lambda v: v * 2) is x
        x.map_(lib.tensor([1.0, 0.0, 1.0, 0.0]), lambda a, b: a + b)
        assert x.tolist() == [1.0, 2.0, 5.0, 6.0]
        with pytest.raises(RuntimeError):
            lib.ones(2, requires_grad=True).apply_(math.sqrt)


@pytest.mark.parametrize("args", [(2, 3), ([1, 2],), ()])
@pytest.mark.parametrize("dtype", ["float64", "int64"])
def test_new(args, dtype):
    m = mg.zeros(1, dtype=getattr(mg, dtype)).new(*args)
    t = torch.zeros(1, dtype=getattr(torch, dtype)).new(*args)
    assert m.shape == tuple(t.shape) and m.dtype == mg.tensor(t.numpy()).dtype
    if args == ([1, 2],):
        close(m, t)


def test_index_reduce_and_igamma_in_place():
    X, S = RNG.normal(size=(3, 2)), RNG.normal(size=(3, 2))
    xm, xt = both(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        assert xm.index_reduce_(0, mg.tensor([0, 2, 0]), mg.tensor(S), "amax") is xm
        xt.index_reduce_(0, torch.tensor([0, 2, 0]), torch.tensor(S), "amax")
    close(xm, xt)
    am, at = both(np.array([0.5, 2.0]))
    am.igammac_(mg.tensor([1.0, 3.0]))
    at.igammac_(torch.tensor([1.0, 3.0]))
    close(am, at)


def test_deprecated_norms():
    X = RNG.normal(size=(2, 3, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        grads_match(lambda x: mg.frobenius_norm(x, (1, 2)),
                    lambda x: torch.frobenius_norm(x, (1, 2)), [X])  # fmt: skip
        grads_match(mg.nuclear_norm, torch.nuclear_norm, [X[0]])
        grads_match(lambda x: mg.nuclear_norm(x, (0, 2), True),
                    lambda x: torch.nuclear_norm(x, (0, 2), True), [X])  # fmt: skip
    with pytest.warns(UserWarning, match="deprecated"):
        mg.nuclear_norm(mg.tensor(X[0]))


def test_dlpack_both_ways():
    m = mg.tensor([1.0, 2.0])
    t = torch.from_dlpack(m)
    t.mul_(3)  # shares m's memory
    assert m.tolist() == [3.0, 6.0]
    back = mg.from_dlpack(torch.tensor([4.0, 5.0]))
    assert back.tolist() == [4.0, 5.0] and back.dtype == mg.float32
    a = np.arange(3.0)
    shared = mg.from_dlpack(a)
    a[0] = 7.0
    assert shared.tolist() == [7.0, 1.0, 2.0]


def test_poisson_draws():
    rates = np.array([0.5, 4.0, 20.0] * 4000)
    mg.manual_seed(0)
    r = mg.tensor(rates, requires_grad=True)
    m = mg.poisson(r)
    t = torch.poisson(torch.tensor(rates))
    assert m.dtype == mg.float64 and t.dtype == torch.float64
    np.testing.assert_allclose(m.detach().numpy().reshape(-1, 3).mean(0),
                               t.numpy().reshape(-1, 3).mean(0), rtol=0.1)  # fmt: skip
    m.sum().backward()
    assert not r.grad.numpy().any()  # PyTorch's gradient of a draw: 0
    with pytest.raises(NotImplementedError):
        torch.poisson(torch.tensor([1, 2]))
    with pytest.raises(NotImplementedError, match="poisson"):
        mg.poisson(mg.tensor([1, 2]))


def test_function_forms_of_tensor_queries():
    X = RNG.normal(size=(2, 3))
    xm, xt = both(X, requires_grad=True)
    dm, dt = mg.detach(xm), torch.detach(xt)
    assert dm is not xm and not dm.requires_grad and not dt.requires_grad
    assert mg.get_device(xm) == torch.get_device(xt)
    close(mg.adjoint(xm), torch.adjoint(xt))


def test_default_tensor_type():
    try:
        for t in ("DoubleTensor", "FloatTensor"):
            with pytest.warns(UserWarning):
                mg.set_default_tensor_type(getattr(mg, t))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                torch.set_default_tensor_type(getattr(torch, t))
            assert (
                mg.get_default_dtype()
                == mg.tensor(np.zeros(1, str(torch.get_default_dtype())[6:])).dtype
            )
        with pytest.raises(TypeError):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                mg.set_default_tensor_type(mg.LongTensor)
    finally:
        mg.set_default_dtype(mg.float32)
        torch.set_default_dtype(torch.float32)


def test_other_runtime_switches():
    assert mg.get_num_interop_threads() >= 1
    mg.set_warn_always(True)
    assert mg.is_warn_always_enabled()
    mg.set_warn_always(False)
    assert mg.is_warn_always_enabled() == torch.is_warn_always_enabled() is False
    assert mg.set_flush_denormal(False) is False


@pytest.mark.parametrize(
    "shape, kwargs",
    [
        ((5,), {}),
        ((5,), {"edge_order": 2}),
        ((5,), {"spacing": 2.0}),
        ((5,), {"spacing": [np.array([0.0, 1.0, 1.5, 3.5, 4.0])]}),
        ((5,), {"spacing": [np.array([0.0, 1.0, 1.5, 3.5, 4.0])], "edge_order": 2}),
        ((3, 4, 5), {}),
        ((3, 4, 5), {"dim": 1}),
        ((3, 4, 5), {"dim": -1, "edge_order": 2, "spacing": 0.3}),
        ((3, 4, 5), {"spacing": [2.0, 3.0], "dim": (0, 2)}),
        ((3, 2), {"dim": 1}),
        ((3, 4), {"spacing": [np.array([0.0, 0.5, 2.0]), np.array([1.0, 2.0, 4.0, 8.0])]}),
    ],
)
def test_gradient(shape, kwargs):
    def convert(lib, v):
        if isinstance(v, np.ndarray):
            return lib.tensor(v)
        return type(v)(convert(lib, e) for e in v) if isinstance(v, list) else v

    X = RNG.normal(size=shape)
    km = {k: convert(mg, v) for k, v in kwargs.items()}
    kt = {k: convert(torch, v) for k, v in kwargs.items()}
    outs_t = torch.gradient(torch.tensor(X), **kt)
    outs_m = mg.gradient(mg.tensor(X), **km)
    assert len(outs_m) == len(outs_t)
    for k in range(len(outs_t)):
        grads_match(lambda x, k=k: mg.gradient(x, **km)[k],
                    lambda x, k=k: torch.gradient(x, **kt)[k], [X])  # fmt: skip
    X32 = X.astype(np.float32)
    for m, t in zip(mg.gradient(mg.tensor(X32), **km), torch.gradient(torch.tensor(X32), **kt)):
        close(m, t, atol=1e-5)


def test_gradient_of_integers_and_errors():
    close(mg.gradient(mg.tensor([1, 4, 9]))[0], torch.gradient(torch.tensor([1, 4, 9]))[0])
    for kwargs in ({"edge_order": 3}, {"edge_order": 2}):
        with pytest.raises(RuntimeError):
            torch.gradient(torch.tensor([1.0, 2.0]), **kwargs)
        with pytest.raises(RuntimeError, match="gradient"):
            mg.gradient(mg.tensor([1.0, 2.0]), **kwargs)


def test_nn_buffer_registers_itself():
    def build(lib):
        class M(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.a = lib.nn.Buffer(lib.ones(2))
                self.b = lib.nn.Buffer(lib.zeros(1), persistent=False)
                self.w = lib.nn.Parameter(lib.ones(1))

        return M()

    m, t = build(mg), build(torch)
    assert list(m.state_dict()) == list(t.state_dict()) == ["w", "a"]
    assert [n for n, _ in m.named_buffers()] == [n for n, _ in t.named_buffers()]
    assert isinstance(m.a, mg.nn.Buffer) and isinstance(t.a, torch.nn.Buffer)
    m.a, t.a = mg.zeros(2), torch.zeros(2)  # a plain tensor into a buffer's name stays a buffer
    assert list(m.state_dict()) == list(t.state_dict())
    with pytest.raises(TypeError):
        t.w = torch.nn.Buffer(torch.ones(1))  # not over a parameter
    with pytest.raises(TypeError):
        m.w = mg.nn.Buffer(mg.ones(1))
    assert mg.nn.Buffer().shape == tuple(torch.nn.Buffer().shape) == (0,)


@pytest.mark.parametrize("rate", [-1.0, float("nan")])
def test_poisson_refuses_bad_rates(rate):
    with pytest.raises(RuntimeError):
        torch.poisson(torch.tensor([rate]))
    with pytest.raises(RuntimeError, match="poisson"):
        mg.poisson(mg.tensor([rate]))


@pytest.mark.parametrize("use_reentrant", [False, True])
def test_checkpoint_gives_the_unchecked_results(use_reentrant):
    import torch.utils.checkpoint as tc

    import minigrad.utils.checkpoint as mc

    X, W = RNG.normal(size=(3, 2)), RNG.normal(size=(2, 2))
    grads_match(
        lambda x, w: mc.checkpoint(lambda a: (a @ w).relu(), x, use_reentrant=use_reentrant),
        lambda x, w: tc.checkpoint(lambda a: (a @ w).relu(), x, use_reentrant=use_reentrant),
        [X, W],
    )
    ms = mg.nn.Sequential(mg.nn.Linear(2, 3), mg.nn.Tanh(), mg.nn.Linear(3, 1)).double()
    ts = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1)).double()
    ms.load_state_dict({k: mg.tensor(v.numpy()) for k, v in ts.state_dict().items()})
    expected = tc.checkpoint_sequential(ts, 2, torch.tensor(X), use_reentrant=use_reentrant)
    close(mc.checkpoint_sequential(ms, 2, mg.tensor(X), use_reentrant=use_reentrant), expected)
    with pytest.warns(UserWarning, match="use_reentrant"):
        mc.checkpoint(mg.relu, mg.tensor(X))


def test_review_fixes():
    """float16 mul/div read a number as float32 in the backward too; a number on the left of
    floor_divide is cast to float16 first; histogram's edges are PyTorch's linspace;
    index_reduce's out-of-range index is an IndexError; clamp's bounds still checked."""
    for op in (lambda x: x * 0.3, lambda x: x / 0.3):
        g = [1.0, 3.0, 7.0]
        grads = []
        for lib in (mg, torch):
            x = lib.tensor([1.0, 3.0, 7.0], dtype=lib.float16, requires_grad=True)
            op(x).backward(lib.tensor(g, dtype=lib.float16))
            grads.append(x.grad.detach().numpy())
        np.testing.assert_array_equal(*grads)
    m = (1e5 // mg.tensor([3.0], dtype=mg.float16)).numpy()
    t = (1e5 // torch.tensor([3.0], dtype=torch.float16)).numpy()
    np.testing.assert_array_equal(m, t)
    data = [1.0, 2.0, 2.0, 5.0]
    assert (mg.histogram(mg.tensor(data), 3).bin_edges.tolist()
            == torch.histogram(torch.tensor(data), 3).bin_edges.tolist())  # fmt: skip
    for index in ([0, 5], [0, -1]):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            with pytest.raises(IndexError):
                torch.tensor([1.0, 2.0]).index_reduce(0, torch.tensor(index), torch.ones(2), "mean")
        with pytest.raises(IndexError, match="index_reduce"):
            mg.tensor([1.0, 2.0]).index_reduce(0, mg.tensor(index), mg.ones(2), "mean")
    for bound in (1e39, -1e39):
        with pytest.raises(RuntimeError):
            torch.rand(2).clamp(0, bound)
        with pytest.raises(RuntimeError):
            mg.rand(2).clamp(0, bound)
    assert mg.rand(2).clamp(max=float("inf")).shape == (2,)


def test_save_load_keeps_the_state_dicts_metadata(tmp_path):
    """A modern InstanceNorm checkpoint loads into one without running stats as PyTorch's
    (unexpected keys, strict=False), also after save and load."""
    for lib, path in ((mg, tmp_path / "m.npz"), (torch, tmp_path / "t.pt")):
        lib.save(lib.nn.InstanceNorm1d(2, track_running_stats=True).state_dict(), path)
        sd = lib.load(path) if lib is mg else lib.load(path, weights_only=True)
        assert sd._metadata[""]["version"] == 2
        result = lib.nn.InstanceNorm1d(2).load_state_dict(sd, strict=False)
        assert sorted(result.unexpected_keys) == ["num_batches_tracked", "running_mean",
                                                  "running_var"]  # fmt: skip


def test_review_fixes_nn():
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
        mg.nn.Dropout2d(1.5)
    from minigrad.nn.modules.utils import _pair

    assert _pair(3) == (3, 3) and mg.nn.modules.Linear is mg.nn.Linear
    import minigrad.utils.checkpoint as mc

    with pytest.warns(UserWarning, match="None of the inputs"):
        out = mc.checkpoint(mg.nn.Linear(2, 1), mg.ones(1, 2), use_reentrant=True)
    assert not out.requires_grad  # as PyTorch's reentrant checkpoint
    scaler = mg.amp.GradScaler("cpu")
    with pytest.raises(AssertionError):
        scaler.update()
    with pytest.warns(FutureWarning):
        mg.cuda.amp.GradScaler()


def test_compiled_module_forwards_attribute_writes():
    """What PyTorch's OptimizedModule does (checked by hand: calling torch.compile here would
    import torch._dynamo, which changes torch's state for the oracle tests that follow)."""
    import copy

    lib = mg
    cm = lib.compile(lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.ReLU()))
    cm.foo = 1
    assert cm._orig_mod.foo == 1
    del cm.foo
    assert not hasattr(cm._orig_mod, "foo")
    assert len(cm) == 2
    cm.eval()
    assert not cm.training and not cm._orig_mod.training
    assert list(cm.state_dict())[0] == "_orig_mod.0.weight"
    assert list(copy.deepcopy(cm).state_dict()) == list(cm.state_dict())
    with pytest.raises(AssertionError):
        lib.compile(3)


@pytest.mark.parametrize("use_reentrant", [True, False])
@pytest.mark.parametrize("segments", [1, 2, 3])
def test_checkpoint_sequential_gradients_by_segment(use_reentrant, segments):
    """Reentrant, the segments before the last see an input that requires no grad: their
    parameters get none, as PyTorch's."""
    from torch.utils.checkpoint import checkpoint_sequential as tcs

    from minigrad.utils.checkpoint import checkpoint_sequential as mcs

    def layers(lib):
        return lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.Tanh(), lib.nn.Linear(2, 2),
                                 lib.nn.Linear(2, 1)).double()  # fmt: skip

    ts, ms = layers(torch), layers(mg)
    ms.load_state_dict({k: mg.tensor(v.numpy()) for k, v in ts.state_dict().items()})
    tcs(
        ts, segments, torch.ones(1, 2, dtype=torch.float64), use_reentrant=use_reentrant
    ).sum().backward()
    mcs(ms, segments, mg.ones(1, 2, dtype=mg.float64), use_reentrant=use_reentrant).sum().backward()
    for m, t in zip(ms.parameters(), ts.parameters()):
        assert (m.grad is None) == (t.grad is None)
        if t.grad is not None:
            close(m.grad, t.grad)
