"""A dtype matrix against PyTorch: ops called with every dtype both have (bool, uint8, int8,
int16, int32, int64, float16, float32, float64), as 0-d, 1-d, 2-d and empty tensors, with
Python numbers and 0-d tensors of other dtypes, every dtype pair for binary ops. Compares
the output dtype, shape and values (integers exactly, wraparound included), whether both
raise and the exception type.
"""

import inspect
import itertools
import operator

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
NUMBERS = {"True": True, "2": 2, "-2": -2, "1.5": 1.5}


def _data(dtype, shape):
    """Test values of ``dtype``: negatives (wrapped in uint8), zero, large ones."""
    if dtype == "bool":
        base = np.array([True, False, True, True, False, True])
    elif dtype == "uint8":
        base = np.array([3, 0, 1, 200, 7, 2])
    elif dtype.startswith("int"):
        base = np.array([-3, 0, 1, 5, -7, 2])
    else:
        base = np.array([-2.5, 0.0, 0.5, 3.0, -1.25, 1.5])
    base = base.astype(dtype)
    return {"0d": base[3], "1d": base[:5], "2d": base.reshape(2, 3), "empty": base[:0]}[shape]


def _pair(dtype, shape):
    """The same tensor in minigrad and in torch (a number stays a number)."""
    if shape in NUMBERS:
        return NUMBERS[shape], NUMBERS[shape]
    a = np.array(_data(dtype, shape))
    return mg.tensor(a.copy()), torch.tensor(a.copy())


def _run(fn):
    try:
        return fn(), None
    except Exception as e:  # the oracle decides whether raising is right
        return None, e


def _same(got, expected, where):
    if isinstance(expected, torch.Tensor):
        assert isinstance(got, mg.Tensor), f"{where}: {type(got).__name__}, torch a Tensor"
        assert str(got.dtype) == str(expected.dtype).replace("torch.", ""), (
            f"{where}: dtype {got.dtype}, torch {expected.dtype}"
        )
        assert got.shape == tuple(expected.shape), f"{where}: shape {got.shape}"
        want = expected.detach().numpy()
        have = np.asarray(got.detach().data)
        if want.dtype.kind in "biu":
            np.testing.assert_array_equal(have, want, err_msg=where)
        else:
            tol = {"float16": 1e-3, "float32": 1e-6}.get(str(want.dtype), 1e-12)
            np.testing.assert_allclose(have, want, rtol=tol, atol=tol, err_msg=where)
    elif isinstance(expected, (tuple, list)):
        assert len(got) == len(expected), where
        for i, (g, e) in enumerate(zip(got, expected)):
            _same(g, e, f"{where}[{i}]")
    else:
        assert got == expected, f"{where}: {got!r}, torch {expected!r}"


def check(fn, mg_args, torch_args, where):
    """fn(mg, *mg_args) and fn(torch, *torch_args) both raise, the same type, or agree."""
    expected, terr = _run(lambda: fn(torch, *torch_args))
    got, merr = _run(lambda: fn(mg, *mg_args))
    if terr is not None:
        assert merr is not None, f"{where}: torch raised {terr!r}, minigrad gave {got!r}"
        assert isinstance(merr, type(terr)), f"{where}: {merr!r}, torch {terr!r}"
        return
    assert merr is None, f"{where}: minigrad raised {merr!r}, torch gave {expected!r}"
    _same(got, expected, where)


# ---- binary ops: every dtype pair, tensors of 1 and 0 dims, Python numbers ----------------

FUNCTIONS = """add sub mul div true_divide floor_divide remainder fmod pow maximum minimum fmax fmin
atan2 hypot copysign logaddexp logaddexp2 xlogy float_power heaviside eq ne lt le gt ge logical_and
logical_or logical_xor bitwise_and bitwise_or bitwise_xor bitwise_left_shift bitwise_right_shift
gcd lcm nextafter isclose rsub multiply subtract divide clamp_min clamp_max dist""".split()
OPERATORS = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "//": operator.floordiv, "%": operator.mod, "**": operator.pow, "&": operator.and_,
    "|": operator.or_, "^": operator.xor, "<<": operator.lshift, ">>": operator.rshift,
    "<": operator.lt, "==": operator.eq,
}  # fmt: skip
AUGMENTED = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow, "&=": operator.iand,
    "|=": operator.ior, "^=": operator.ixor, "<<=": operator.ilshift, ">>=": operator.irshift,
}  # fmt: skip
BINARY = {
    **{f: lambda lib, a, b, f=f: getattr(lib, f)(a, b) for f in FUNCTIONS},
    **{o: lambda lib, a, b, fn=fn: fn(a, b) for o, fn in OPERATORS.items()},
    **{f"R{o}": lambda lib, a, b, fn=fn: fn(b, a) for o, fn in OPERATORS.items()},  # number op a
    **{o: lambda lib, a, b, fn=fn: _in_place(fn, a.clone(), b) for o, fn in AUGMENTED.items()},
}


def _in_place(fn, a, b):
    """a op= b: the result (a itself, or PyTorch's error if a's dtype cannot hold it) and a."""
    return fn(a, b), a


@pytest.mark.parametrize("op", list(BINARY))
@pytest.mark.parametrize("da", DTYPES)
def test_binary_matrix(op, da):
    fn = BINARY[op]
    for ka, (db, kb) in itertools.product(
        ["1d", "0d", "empty"],
        [*itertools.product(DTYPES, ["1d", "0d"]), *(("", n) for n in NUMBERS)],
    ):
        if (ka == "empty" and kb == "1d") or (op.startswith("R") and kb not in NUMBERS):
            continue
        (am, at), (bm, bt) = _pair(da, ka), _pair(db, kb)
        check(fn, (am, bm), (at, bt), f"{op}({da} {ka}, {db} {kb})")


# ---- clamp with number bounds of every kind, out of place and in place ---------------------

CLAMP_BOUNDS = [
    (-2, 100),
    (-2, None),
    (None, -2),
    (300, None),
    (1e39, None),
    (-1e39, 5),
    (2.5, None),
    (True, None),
    (None, False),
    (-200, 200),
    (0.5, 1.5),
    (1, 1e6),
]
CLAMPS = {
    "clamp": lambda lib, x, lo, hi: lib.clamp(x, lo, hi),
    "clamp_": lambda lib, x, lo, hi: x.clone().clamp_(lo, hi),
    "clamp_min": lambda lib, x, lo, hi: lib.clamp_min(x, lo if lo is not None else hi),
    "clamp_max_": lambda lib, x, lo, hi: x.clone().clamp_max_(hi if hi is not None else lo),
}


@pytest.mark.parametrize("op", list(CLAMPS))
@pytest.mark.parametrize("dtype", DTYPES)
def test_clamp_number_bounds_matrix(op, dtype):
    for shape, (lo, hi) in itertools.product(["1d", "0d"], CLAMP_BOUNDS):
        (xm, xt) = _pair(dtype, shape)
        check(CLAMPS[op], (xm, lo, hi), (xt, lo, hi), f"{op}({dtype} {shape}, {lo}, {hi})")


# ---- a number written into a tensor of each dtype: PyTorch's range check -------------------

FILL_VALUES = [-2.5, -0.5, -0.0, -1e-30, -3, 255.5, 255.0, 127.5, -128.9, 300, -300, True, 1e39]
FILLS = {
    "full": lambda lib, dt, v: lib.full((2,), v, dtype=dt),
    "fill_": lambda lib, dt, v: lib.zeros(2, dtype=dt).fill_(v),
    "masked_fill": lambda lib, dt, v: lib.zeros(2, dtype=dt).masked_fill(
        lib.tensor([True, False]), v
    ),
    "tensor": lambda lib, dt, v: lib.tensor([v, 1], dtype=dt),
}


@pytest.mark.parametrize("op", list(FILLS))
@pytest.mark.parametrize("dtype", DTYPES)
def test_number_into_dtype_matrix(op, dtype):
    for v in FILL_VALUES:
        dm, dt = getattr(mg, dtype), getattr(torch, dtype)
        check(FILLS[op], (dm, v), (dt, v), f"{op}({v}, {dtype})")


@pytest.mark.parametrize("dtype", DTYPES)
def test_masked_fill_value_tensor_matrix(dtype):
    """A 0-d value tensor of every dtype and value into a tensor of ``dtype``."""
    fill = {
        "out": lambda lib, x, m, v: lib.masked_fill(x, m, v),
        "in place": lambda lib, x, m, v: x.clone().masked_fill_(m, v),
    }
    for (name, fn), dv, shape in itertools.product(fill.items(), DTYPES, ["1d", "0d"]):
        xm, xt = _pair(dtype, shape)
        mm, mt = _pair("bool", shape)
        for value in _data(dv, "1d"):
            vm, vt = mg.tensor(np.array(value)), torch.tensor(np.array(value))
            check(fn, (xm, mm, vm), (xt, mt, vt), f"masked_fill {name}({dtype}, {dv} {value})")


# ---- every unary function and method both have, on every dtype and shape -------------------

NOT_UNARY = set(
    """tensor as_tensor from_numpy empty empty_like zeros ones full eye arange linspace logspace
    rand randn randint rand_like randn_like randint_like randperm manual_seed seed initial_seed
    get_rng_state set_rng_state save load set_default_dtype get_default_dtype set_num_threads
    get_num_threads set_printoptions is_anomaly_enabled set_anomaly_enabled bernoulli multinomial
    is_anomaly_check_nan_enabled is_grad_enabled is_inference_mode_enabled normal hann_window
    hamming_window bartlett_window blackman_window kaiser_window tril_indices triu_indices
    broadcast_shapes promote_types can_cast scalar_tensor result_type detach_ unique backward
    register_hook register_post_accumulate_grad_hook numpy tolist item retain_grad requires_grad_
    share_memory_ pin_memory cuda cpu to type storage untyped_storage data_ptr storage_offset
    new_empty random_ uniform_ normal_ exponential_ geometric_ cauchy_ log_normal_ bernoulli_
    element_size nbytes itemsize set_ stride poisson compile vmap to_dlpack set_default_device
    set_default_tensor_type set_flush_denormal set_warn_always is_autocast_enabled
    const_data_ptr svd_lowrank pca_lowrank""".split()
)  # draws, factories and settings
LINALG = {"cholesky", "geqrf", "lu", "svd"}  # error types of integer inputs differ; not dtypes
# shapes left out: PyTorch's median of an empty integer tensor is its NaN cast to the dtype
# (garbage), and of a bool trapezoid it checks the dims first and the dtype only if non-empty
SKIP_SHAPES = {
    "median": {"empty"},
    "nanmedian": {"empty"},
    "trapezoid": {"empty", "0d"},
    "trapz": {"empty", "0d"},
}
FUNCTION_NAMES = sorted(
    n
    for n in dir(mg)
    if not n.startswith("_")
    and hasattr(torch, n)
    and callable(getattr(mg, n))
    and not isinstance(getattr(mg, n), type)
    and not inspect.ismodule(getattr(mg, n))
    and n not in NOT_UNARY | LINALG
)
METHOD_NAMES = sorted(
    n
    for n in dir(mg.Tensor)
    if not n.startswith("_")
    and hasattr(torch.Tensor, n)
    and callable(getattr(mg.Tensor, n, None))
    # torch checks the missing dim (repeats) first
    and n not in NOT_UNARY | LINALG | {"cumsum_", "cumprod_", "repeat_interleave"}
)


@pytest.mark.parametrize("name", FUNCTION_NAMES)
def test_unary_function_matrix(name):
    for dtype, shape in itertools.product(DTYPES, ["1d", "0d", "2d", "empty"]):
        if shape in SKIP_SHAPES.get(name, ()):
            continue
        xm, xt = _pair(dtype, shape)
        check(
            lambda lib, x: getattr(lib, name)(x.clone()), (xm,), (xt,), f"{name}({dtype} {shape})"
        )


@pytest.mark.parametrize("name", METHOD_NAMES)
def test_unary_method_matrix(name):
    for dtype, shape in itertools.product(DTYPES, ["1d", "0d", "2d", "empty"]):
        if shape in SKIP_SHAPES.get(name, ()):
            continue
        xm, xt = _pair(dtype, shape)
        check(
            lambda lib, x: getattr(x.clone(), name)(),
            (xm,),
            (xt,),
            f"Tensor.{name}({dtype} {shape})",
        )


# ---- reductions and scans: dims, keepdim and dtype= ----------------------------------------

REDUCTIONS = """sum prod mean nansum nanmean std var cumsum cumprod argmax argmin amax amin max min
median nanmedian logsumexp norm count_nonzero all any softmax log_softmax logcumsumexp cummax
cummin aminmax std_mean var_mean mode msort sort argsort kthvalue diff trace""".split()
WITH_DTYPE = "sum prod mean nansum nanmean cumsum cumprod softmax log_softmax norm logcumsumexp"
DIMS = [((), {}), ((0,), {}), ((-1,), {}), ((), {"dim": 0}), ((), {"dim": -1, "keepdim": True})]


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_reduction_matrix(name, dtype):
    for shape, (args, kwargs) in itertools.product(["1d", "0d", "2d"], DIMS):
        xm, xt = _pair(dtype, shape)

        def fn(lib, x, args=args, kwargs=kwargs):
            return getattr(lib, name)(x, *args, **kwargs), getattr(x, name)(*args, **kwargs)

        check(fn, (xm,), (xt,), f"{name}({dtype} {shape}, {args}, {kwargs})")
    if name not in WITH_DTYPE.split():
        return
    for shape, out in itertools.product(["1d", "0d", "2d"], DTYPES):
        if shape == "0d" and out == "bool" and name.startswith("cum"):
            continue  # PyTorch copies a 0-d input without its scan kernel, which bool lacks
        xm, xt = _pair(dtype, shape)

        def fn(lib, x, out=out):
            return getattr(lib, name)(x, 0, dtype=getattr(lib, out))

        check(fn, (xm,), (xt,), f"{name}({dtype} {shape}, 0, dtype={out})")


# ---- in-place methods: the result cast back into the tensor's dtype, or PyTorch's error ----

IN_PLACE = """add_ sub_ mul_ div_ pow_ remainder_ fmod_ floor_divide_ true_divide_ atan2_ hypot_
copysign_ xlogy_ float_power_ bitwise_and_ bitwise_or_ bitwise_xor_ bitwise_left_shift_
bitwise_right_shift_ logical_and_ logical_or_ logical_xor_ clamp_min_ clamp_max_ eq_ ne_ lt_ le_
gt_ ge_ gcd_ lcm_ nextafter_ heaviside_ copy_ fill_ lerp_ masked_fill_""".split()
SPECIAL_ARGS = {
    "lerp_": lambda lib, b: (b, 0.5),
    "masked_fill_": lambda lib, b: (lib.tensor(True), b),
}


@pytest.mark.parametrize("name", IN_PLACE)
@pytest.mark.parametrize("da", DTYPES)
def test_in_place_matrix(name, da):
    args = SPECIAL_ARGS.get(name, lambda lib, b: (b,))
    for ka, (db, kb) in itertools.product(
        ["1d", "0d"], [*itertools.product(DTYPES, ["1d", "0d"]), *(("", n) for n in NUMBERS)]
    ):
        if name == "fill_" and kb == "1d":
            continue
        (am, at), (bm, bt) = _pair(da, ka), _pair(db, kb)

        def fn(lib, a, b):
            a = a.clone()
            return getattr(a, name)(*args(lib, b)), a

        check(fn, (am, bm), (at, bt), f"{name}({da} {ka}, {db} {kb})")


# ---- ops of several tensors: every dtype pair ---------------------------------------------

SEVERAL = {
    "where": lambda lib, a, b: lib.where(a > 0, a, b),
    "cat": lambda lib, a, b: lib.cat([a.reshape(-1), b.reshape(-1)]),
    "stack": lambda lib, a, b: lib.stack([a, b]),
    "clamp min tensor": lambda lib, a, b: lib.clamp(a, b),
    "clamp max tensor": lambda lib, a, b: lib.clamp(a, None, b),
    "lerp": lambda lib, a, b: lib.lerp(a, b, 0.5),
    "addcmul": lambda lib, a, b: lib.addcmul(a, b, b),
    "addcdiv": lambda lib, a, b: lib.addcdiv(a, b, b),
    "isin": lambda lib, a, b: lib.isin(a, b),
    "copy_": lambda lib, a, b: a.clone().copy_(b),
    "matmul": lambda lib, a, b: lib.matmul(a, b.T),
    "mm": lambda lib, a, b: lib.mm(a, b.T),
    "kron": lambda lib, a, b: lib.kron(a, b),
    "cross": lambda lib, a, b: lib.cross(a, b, dim=1),
    "tensordot": lambda lib, a, b: lib.tensordot(a, b, dims=2),
    "einsum": lambda lib, a, b: lib.einsum("ij,ij->i", a, b),
    "dot": lambda lib, a, b: lib.dot(a.reshape(-1), b.reshape(-1)),
    "outer": lambda lib, a, b: lib.outer(a.reshape(-1), b.reshape(-1)),
    "inner": lambda lib, a, b: lib.inner(a, b),
    "dist": lambda lib, a, b: lib.dist(a, b),
    "index_add": lambda lib, a, b: lib.index_add(a, 0, lib.tensor([1, 0]), b),
    "scatter_add": lambda lib, a, b: lib.scatter_add(a, 0, lib.tensor([[1, 0, 1]]), b),
    "setitem": lambda lib, a, b: _setitem(a.clone(), b),
}


def _setitem(a, b):
    a[:] = b
    return a


@pytest.mark.parametrize("op", list(SEVERAL))
@pytest.mark.parametrize("da", DTYPES)
def test_several_tensors_matrix(op, da):
    for db in DTYPES:
        (am, at), (bm, bt) = _pair(da, "2d"), _pair(db, "2d")
        check(SEVERAL[op], (am, bm), (at, bt), f"{op}({da}, {db})")
        if op in ("where", "clamp min tensor", "clamp max tensor", "copy_", "setitem"):
            (bm, bt) = _pair(db, "0d")
            check(SEVERAL[op], (am, bm), (at, bt), f"{op}({da}, {db} 0-d)")


# ---- index tensors of every dtype ----------------------------------------------------------

INDEXED = {
    "getitem": lambda lib, x, i, i2: x[0][i],
    "getitem rows": lambda lib, x, i, i2: x[i2[0]],
    "setitem": lambda lib, x, i, i2: _setitem_at(x.clone(), i2[0]),
    "index_put": lambda lib, x, i, i2: x.index_put((i2[0],), x[0, 0]),
    "index_select": lambda lib, x, i, i2: lib.index_select(x, 1, i),
    "gather": lambda lib, x, i, i2: lib.gather(x, 1, i2),
    "take": lambda lib, x, i, i2: lib.take(x, i),
    "take_along_dim": lambda lib, x, i, i2: lib.take_along_dim(x, i2, 1),
    "scatter": lambda lib, x, i, i2: lib.scatter(x, 1, i2, x[:1]),
    "scatter_add": lambda lib, x, i, i2: lib.scatter_add(x, 1, i2, x[:1]),
    "scatter_reduce": lambda lib, x, i, i2: lib.scatter_reduce(x, 1, i2, x[:1], "sum"),
    "index_add": lambda lib, x, i, i2: lib.index_add(x, 1, i, x),
    "index_copy": lambda lib, x, i, i2: lib.index_copy(x, 1, i, x),
    "index_fill": lambda lib, x, i, i2: lib.index_fill(x, 1, i, 1),
    "bincount": lambda lib, x, i, i2: lib.bincount(i),
    "one_hot": lambda lib, x, i, i2: lib.nn.functional.one_hot(i, 3),
    "embedding": lambda lib, x, i, i2: lib.nn.functional.embedding(i, x.T),
    "repeat_interleave": lambda lib, x, i, i2: lib.repeat_interleave(x[0], i),
    "repeat_interleave counts": lambda lib, x, i, i2: lib.repeat_interleave(i),
    "cross_entropy": lambda lib, x, i, i2: lib.nn.functional.cross_entropy(x.T, i),
}


def _setitem_at(x, i):
    x[i] = 0
    return x


@pytest.mark.parametrize("op", list(INDEXED))
@pytest.mark.parametrize("index_dtype", DTYPES)
def test_index_dtype_matrix(op, index_dtype):
    for dtype in ("float32", "int64", "bool"):
        xm, xt = _pair(dtype, "2d")
        i = np.array([0, 2, 1]).astype(index_dtype)
        i2 = np.array([[0, 1, 1]]).astype(index_dtype)
        check(
            INDEXED[op],
            (xm, mg.tensor(i), mg.tensor(i2)),
            (xt, torch.tensor(i), torch.tensor(i2)),
            f"{op}({dtype}, index {index_dtype})",
        )


# ---- float16 with numbers and 0-d tensors beyond its range or precision --------------------

HALF_OPS = {
    "mul": lambda lib, x, s: x * s,
    "rmul": lambda lib, x, s: s * x,
    "div": lambda lib, x, s: x / s,
    "floor": lambda lib, x, s: lib.div(x, s, rounding_mode="floor"),
    "trunc": lambda lib, x, s: lib.div(x, s, rounding_mode="trunc"),
    "//": lambda lib, x, s: x // s,
    "add": lambda lib, x, s: x + s,
    "sub": lambda lib, x, s: x - s,
    "maximum": lambda lib, x, s: lib.maximum(x, s),
    "mul_": lambda lib, x, s: x.clone().mul_(s),
    "div_": lambda lib, x, s: x.clone().div_(s),
}


@pytest.mark.parametrize("op", list(HALF_OPS))
def test_float16_with_out_of_range_numbers(op):
    xm, xt = _pair("float16", "1d")
    for s in (1e5, 1e-6, 70000, 3.3333, -(2**31)):
        for wrap in ("number", "float64", "int64"):
            if wrap == "number":
                sm = st = s
            else:
                sm, st = (
                    mg.tensor(s, dtype=getattr(mg, wrap)),
                    torch.tensor(s, dtype=getattr(torch, wrap)),
                )
            if (op == "maximum" and wrap == "number") or (op.endswith("_") and wrap != "number"):
                continue  # torch.maximum takes Tensors; in place a 0-d operand is cast first here
            check(HALF_OPS[op], (xm, sm), (xt, st), f"{op}(float16, {s} {wrap})")


HALF_REDUCTIONS = {
    "sum": lambda lib, x: x.sum(),
    "sum dim 0": lambda lib, x: x.sum(0),
    "sum dim 1": lambda lib, x: x.sum(1, keepdim=True),
    "mean dim 0": lambda lib, x: x.mean(0),
    "cumsum 0": lambda lib, x: x.cumsum(0),
    "cumsum 1": lambda lib, x: x.cumsum(1),
    "cumprod 1": lambda lib, x: (x + 1).cumprod(1),
    "nansum": lambda lib, x: lib.nansum(x, 0),
}


@pytest.mark.parametrize("op", list(HALF_REDUCTIONS))
def test_float16_long_reductions_accumulate_as_pytorch(op):
    x = (np.random.default_rng(0).random((100, 100)) * 0.2).astype(np.float16)
    check(HALF_REDUCTIONS[op], (mg.tensor(x),), (torch.tensor(x),), f"{op}(float16 100x100)")


@pytest.mark.parametrize("dim", [0, 1])
def test_float16_softmax_over_long_dims(dim):
    x = (np.random.default_rng(1).random((200, 200)) * 0.2).astype(np.float16)
    check(lambda lib, t: lib.softmax(t, dim), (mg.tensor(x),), (torch.tensor(x),), "softmax")
