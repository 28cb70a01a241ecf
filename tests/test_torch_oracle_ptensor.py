"""Oracle checks of the Tensor's surface against PyTorch: layouts (is_contiguous, stride and
whether view works) of results, operators, keyword arguments, indexing forms."""

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

NONCONTIGUOUS = [
    "T.arange(6.).reshape(2, 3).t()",
    "T.arange(24.).reshape(2, 3, 4).permute(2, 1, 0)",
    "T.arange(24.).reshape(2, 3, 4).transpose(0, 1)",
    "T.arange(24.).reshape(4, 6)[:, ::2]",
]
C_ORDER_OPS = [
    "x.cumsum(0)", "x.cumsum(-1)", "x.cumprod(1)", "x.roll(1, 0)", "x.roll(2)",
    "x.repeat(*[1] * x.dim())", "x.tile((1, 1))", "x.tril()", "x.triu(1)", "x.cummax(0)[0]",
    "x.cummin(-1)[1]", "x.logcumsumexp(1)", "T.rot90(x, 1, (0, 1))", "T.rot90(x, -1, (1, 0))",
    "T.rot90(x, 2, (0, 1))", "T.rot90(x, 0, (0, 1))",
    "T.nn.functional.layer_norm(x, x.shape[-1:])", "T.nn.functional.one_hot(x.long(), 30)",
    "T.nn.functional.group_norm(x.unsqueeze(0), 1) if x.dim() == 2 else x.contiguous()",
    "T.cross(x[:3], x[:3], dim=0)",
]  # fmt: skip


@pytest.mark.parametrize("make", NONCONTIGUOUS)
@pytest.mark.parametrize("op", C_ORDER_OPS)
def test_layout_of_results_on_noncontiguous_input(make, op):
    """Where PyTorch's result is contiguous (so .view works on it), minigrad's is too."""
    out = {}
    for T in (torch, mg):
        x = eval(make, {"T": T})
        r = eval(op, {"x": x, "T": T})
        out[T] = (tuple(r.shape), r.is_contiguous(), r.stride() if r.is_contiguous() else None)
        if r.is_contiguous():
            r.view(-1)  # raises if the layout is not C order
    assert out[mg] == out[torch]


def _both(code):
    """``code`` (its last line an expression) run with T = torch and T = minigrad: the two
    results, or the two exception types."""
    out = []
    for T in (torch, mg):
        env = {"T": T, "np": np}
        *body, last = code.split(" ; ")
        try:
            exec("\n".join(body), env)
            out.append(eval(last, env))
        except Exception as e:  # noqa: BLE001 - the type is compared
            out.append(e)
    return out


def _same(code):
    t, m = _both(code)
    if isinstance(t, Exception):
        assert isinstance(m, type(t)), (code, t, m)
        return
    assert not isinstance(m, Exception), (code, t, m)
    if isinstance(t, torch.dtype):
        assert str(m) == str(t).replace("torch.", ""), (code, t, m)
        return
    if not isinstance(t, torch.Tensor):
        assert m == t, (code, t, m)
        return
    assert isinstance(m, mg.Tensor) and tuple(m.shape) == tuple(t.shape), (code, t, m)
    assert str(m.dtype) == str(t.dtype).replace("torch.", ""), (code, t, m)
    assert m.requires_grad == t.requires_grad, (code, t, m)
    np.testing.assert_array_equal(m.detach().numpy(), t.detach().numpy())


SHIFTS = [
    "T.tensor([1, 2]) << 2", "T.tensor([8, -8]) >> 1", "2 << T.tensor([1, 2])",
    "16 >> T.tensor([1, 2])", "T.tensor([1, 2]) << T.tensor([1, 3])",
    "t = T.tensor([1, 2]) ; t <<= 2 ; t", "t = T.tensor([8, 2]) ; t >>= T.tensor(1) ; t",
    "T.tensor([1], dtype=T.int32) << 2", "T.tensor([1], dtype=T.uint8) << T.tensor(3)",
    "T.tensor([True, False]) << 1", "T.tensor([True, False]) >> T.tensor(1)",
    "T.tensor([3]) >> T.tensor([True])", "T.tensor([True, False]) << True",
    "T.tensor([1.5]) << 1", "T.tensor([1]) >> 1.5", "2.5 << T.tensor([1])",
    "t = T.tensor([1.5]) ; t <<= 1 ; t",
]  # fmt: skip


@pytest.mark.parametrize("code", SHIFTS)
def test_shift_operators(code):
    _same(code)


LIST_INDICES = [
    "[[0, 1], [1, 0]]", "[[[0, 1]]]", "[[[0, 1], [1, 0]]]", "[[0, [1]]]", "[[slice(None), 1]]",
    "[[T.tensor(0), T.tensor(1)]]", "[[T.tensor([0]), T.tensor([1])]]", "[[np.array(0), 1]]",
    "[[None, 0]]", "[[Ellipsis, 0]]", "[[0, 1, None]]", "[[(0, 1), (1, 0)]]",
    "[[[0, 1]] * 33]", "[[0, 1, 1]]", "[[np.int64(0), np.int64(1)]]", "[[True, False]]",
    "[[[True, False]]]", "[[[0, 1], slice(1, 3)]]",
]  # fmt: skip


@pytest.mark.filterwarnings("ignore:Using a non-tuple sequence")
@pytest.mark.parametrize("index", LIST_INDICES)
@pytest.mark.parametrize(
    "code",
    [
        "x{}",
        "x = x.requires_grad_() ; y = x{} ; (y * y).sum().backward() ; x.grad",
        "x{} = -1 ; x",
        "v = T.tensor(5., requires_grad=True) ; x{} = v * 2 ; x.sum().backward() ; v.grad",
    ],
)
def test_list_index_read_as_pytorch_reads_it(index, code):
    """A list holding a sequence, Tensor, slice, None or '...' (and shorter than 32) is a
    tuple of indices in PyTorch (x[[rows, cols]] is x[rows, cols]); other lists are one index."""
    _same("x = T.arange(24.).reshape(2, 3, 4) ; " + code.format(index))


KEYWORD_FORMS = [
    "x.flip(dims=(0,))", "x.flip(dims=[0, 1])", "x.flip(0, dims=1)",
    "x.repeat(repeats=(1, 2))", "x.repeat(repeats=[2, 1, 1])", "x.repeat(2, repeats=1)",
    "x.tile(dims=(2,))", "x.tile(dims=[2, 1, 1])", "x.tile(2, dims=(1,))",
    "x.copy_(T.ones(3), non_blocking=True)", "x.copy_(T.ones(2, 1), False)",
    "x.requires_grad_() ; y = x.flip(dims=(1,)) * T.arange(6.).reshape(2, 3) ; "
    "y.sum().backward() ; x.grad",
    "x.requires_grad_() ; y = x.repeat(repeats=(2, 1)) * T.arange(12.).reshape(4, 3) ; "
    "y.sum().backward() ; x.grad",
]  # fmt: skip


@pytest.mark.parametrize("code", KEYWORD_FORMS)
def test_method_keywords(code):
    """flip(dims=), repeat(repeats=), tile(dims=) and copy_(src, non_blocking) as PyTorch's."""
    _same("x = T.arange(6.).reshape(2, 3) ; " + code)


MEMORY_FORMATS = [
    "x.contiguous(memory_format=T.preserve_format)",
    "x.contiguous(memory_format=T.contiguous_format)",
    "x.contiguous(T.contiguous_format)", "x.contiguous(memory_format=None)",
    "x.t().contiguous(memory_format=T.contiguous_format).view(6)", "x.clone(memory_format=None)",
    "x.clone(memory_format=T.contiguous_format)", "x.clone(memory_format='a')",
    "x.is_contiguous(memory_format=T.contiguous_format)", "x.is_contiguous(memory_format=None)",
    "x.to(memory_format=T.contiguous_format)", "x.to(T.float64, memory_format=T.preserve_format)",
    "x.to(T.float64, memory_format=3)", "x.float(memory_format=T.preserve_format)",
    "x.double(memory_format=T.contiguous_format)", "x.long(memory_format=None)",
    "x.int(memory_format=T.preserve_format)", "x.bool(memory_format=T.preserve_format)",
    "x.half(memory_format=T.preserve_format)", "x.float(T.preserve_format)",
    "x.float(memory_format='a')", "x.cpu(memory_format=T.preserve_format)",
    "T.clone(x, memory_format=T.contiguous_format)", "T.clone(x, memory_format=1)",
]  # fmt: skip


@pytest.mark.parametrize("code", MEMORY_FORMATS)
def test_memory_format_keywords(code):
    _same("x = T.arange(6.).reshape(2, 3) ; " + code)


def test_memory_format_objects():
    assert repr(mg.contiguous_format) == repr(torch.contiguous_format).replace("torch", "minigrad")
    assert repr(mg.preserve_format) == repr(torch.preserve_format).replace("torch", "minigrad")
    assert isinstance(mg.preserve_format, mg.memory_format)


@pytest.mark.parametrize("shape", [(0,), (3, 0), (0, 6), (2, 0, 3), (0, 0), (1, 0)])
def test_strides_of_empty_tensors(shape):
    """PyTorch's C-order strides of sizes >= 1 (NumPy's are zeros)."""
    assert mg.zeros(*shape).stride() == torch.zeros(*shape).stride()
    assert mg.zeros(*shape).contiguous().stride() == torch.zeros(*shape).contiguous().stride()


VIEW_DTYPE = [
    "x.view(T.int32)", "x.view(T.float64)", "x.view(T.int16)", "x.view(T.uint8)",
    "x.t().view(T.int32)", "x.t().view(T.int16)", "x.view(dtype=T.int32)", "x.view(T.bool)",
    "T.tensor([1., 2.], requires_grad=True).view(T.int32)",
    "T.tensor([1., 2.], requires_grad=True).view(T.float32)",
    "T.tensor([1., 2.], requires_grad=True).view(T.float16)",
    "T.tensor(1.).view(T.int16)", "T.tensor(1.).view(T.int32)",
    "T.tensor([True, False]).view(T.uint8)", "T.tensor([1, 2]).view(T.float64)",
    "T.tensor([1, 2, 3, 4], dtype=T.int16).view(T.int32)",
    "T.tensor([[1, 2, 3]], dtype=T.int16).view(T.int32)",
    "v = x.view(T.int32) ; v[0, 0] = 1065353216 ; x", "v = x.view(T.int32) ; v.add_(1) ; x",
    "x.view(2, dtype=T.int32)", "x.view(dtype='float32')", "x[:, :2].view(T.int16)",
    "x[:, 1:].view(T.float64)", "x[:, :2].view(T.float64)", "T.zeros(4, 6)[::2].view(T.float64)",
    "T.zeros(4, 6)[1:].view(T.float64)", "T.zeros(4, 6)[:, 2:].view(T.float64)",
    "T.zeros(4, 6)[:, 1:5].view(T.float64)", "T.zeros(4, 6, dtype=T.float64).view(T.float16)",
    "T.zeros(4, 6, dtype=T.float64)[:, ::2].view(T.float16)",
    "T.zeros(4, 1, dtype=T.float64)[:, ::2].view(T.float16)", "T.zeros(4, 6).t().view(T.float64)",
    "T.zeros(0, 6).view(T.float64)", "T.zeros(3, 1, 4).expand(3, 5, 4).view(T.float64)",
]  # fmt: skip


@pytest.mark.parametrize("code", VIEW_DTYPE)
def test_view_as_dtype(code):
    """view(dtype) reinterprets the memory (a view without gradient), with PyTorch's checks."""
    _same("x = T.arange(6.).reshape(2, 3) ; " + code)


def test_view_as_dtype_shares_the_version_counter():
    """A write through the dtype view is a change of x that a saved x must notice."""
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    y = w * 1
    z = y * y
    y.detach().view(mg.int32).add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


SIZES = [
    "T.zeros(T.Size([2, 3]))", "T.ones(T.Size([2, 3]), dtype=T.int64)", "T.full(T.Size([2]), 3.)",
    "T.zeros(2, 1).expand(T.Size([2, 3]))", "T.arange(6).view(T.Size([2, 3]))",
    "T.arange(6).reshape(T.Size([3, 2]))", "T.Size([2, 3]).numel()", "T.Size().numel()",
    "T.Size([2, 3]) == (2, 3)", "T.zeros(2, 3).shape == T.Size([2, 3])", "T.Size([2.5])",
    "T.Size(3)", "T.Size([T.tensor(2)])", "T.Size((4,))[0]", "len(T.Size([1, 2, 3]))",
    "isinstance(T.Size([1]), tuple)", "T.zeros(2, 3).new_zeros(T.Size([4]))",
    "T.empty(T.Size([0, 2])).shape == (0, 2)",
    "repr(T.Size([2, 3])).replace('torch', 'minigrad')",
]  # fmt: skip


@pytest.mark.parametrize("code", SIZES)
def test_size_class(code):
    _same(code)


LIKE_AND_SCALAR = [
    "T.randint_like(T.zeros(2, 3), 5).dtype", "T.randint_like(T.zeros(2, dtype=T.int32), 5).dtype",
    "T.randint_like(T.zeros(2, 3), 3, 5).shape == (2, 3)",
    "T.randint_like(T.zeros(2, 3), high=5).shape == (2, 3)",
    "T.randint_like(T.zeros(200), low=2, high=5).min() >= 2",
    "T.randint_like(T.zeros(200), low=2, high=5).max() <= 4",
    "T.randint_like(T.zeros(2, 3), 5, dtype=T.int64).dtype",
    "T.randint_like(T.zeros(2, 3), 5, requires_grad=True).requires_grad",
    "T.randint_like(T.zeros(2, 3), 0)", "T.randint_like(T.zeros(2, 3), 5, 2)",
    "T.randint_like(T.zeros(2, dtype=T.bool), 2).dtype",
    "T.randint_like(T.zeros(2, dtype=T.bool), 3)", "T.randint_like(T.zeros(2, dtype=T.uint8), 300)",
    "T.randint_like([1], 3)", "T.randint_like(T.zeros(2, 3), 2.5)", "T.randint_like(T.zeros(2))",
    "T.scalar_tensor(3)", "T.scalar_tensor(3, dtype=T.int64)", "T.scalar_tensor(True)",
    "T.scalar_tensor(2.5, requires_grad=True)", "T.scalar_tensor(T.tensor(2))",
    "T.scalar_tensor([1])", "T.scalar_tensor(s=4)", "T.scalar_tensor(1e40)",
    "T.scalar_tensor(float('nan'))", "T.scalar_tensor(3, dtype=T.float64)",
    "T.scalar_tensor(np.float32(2.5))", "T.scalar_tensor(-1, dtype=T.uint8)",
    "T.scalar_tensor(None)",
]  # fmt: skip


@pytest.mark.parametrize("code", LIKE_AND_SCALAR)
def test_randint_like_and_scalar_tensor(code):
    _same(code)


def test_scalar_tensor_takes_the_default_dtype():
    try:
        mg.set_default_dtype(mg.float64)
        torch.set_default_dtype(torch.float64)
        assert str(mg.scalar_tensor(3).dtype) == "float64" == str(torch.scalar_tensor(3).dtype)[6:]
    finally:
        mg.set_default_dtype(mg.float32)
        torch.set_default_dtype(torch.float32)


ITERATION = [
    "y = w * 1 ; [r.mul_(2) for r in y] ; y", "y = T.zeros(2, 3) ; [r.add_(1) for r in y] ; y",
    "y = w * 1 ; r = list(y)[0] ; r[0] = 5 ; y", "y = w * 1 ; r = next(iter(y)) ; r.add_(1)",
    "y = w * 1 ; a, b = y ; (a * b).sum().backward() ; w.grad",
    "y = w * 1 ; a, b = y ; (a * a).sum().backward() ; w.grad",
    "with_grad = T.no_grad() ; with_grad.__enter__() ; y = w * 1 ; [r.mul_(2) for r in y] ; y",
    "len(set(id(r.grad_fn) for r in w))", "[r.tolist() for r in w]", "list(T.zeros(0, 2))",
    "list(T.tensor(1.))",
]  # fmt: skip


@pytest.mark.parametrize("code", ITERATION)
def test_iteration_is_unbind(code):
    """Iterating a tensor unbinds it (one node, views that refuse in-place changes when the
    graph records them), as PyTorch's Tensor.__iter__."""
    try:
        _same("w = T.tensor([[1., 2., 3.], [4., 5., 6.]], requires_grad=True) ; " + code)
    finally:
        mg.set_grad_enabled(True)
        torch.set_grad_enabled(True)


@pytest.mark.parametrize(
    "code",
    [
        "x[x > 2] = T.tensor([[1.], [2.]])",
        "x[T.tensor([[True, False, True], [False, True, True]])] = T.ones(2, 2)",
        "x[x > 2] = T.tensor([1., 2.])",
        "x[0] = {}",
    ],
)
def test_setitem_value_that_does_not_fit_a_mask(code):
    """PyTorch's RuntimeError (not NumPy's TypeError) for a value of 2+ dims under a mask."""
    _same("x = T.arange(6.).reshape(2, 3) ; " + code + " ; x")


PRINT_DATA = [
    [1.123456789, 2.5, 1e-5], [[1e8, 1.0], [3.0, 4.0]], list(range(12)),
    [0.1 * i for i in range(30)], [1.5, float("nan")], [123456.789, 0.001], [0.0, 0.0],
    [1.0, 2.0], [float("inf"), 1.0], [-0.0, 1e-9],
]  # fmt: skip


SCI_OPTIONS = [dict(sci_mode=False), dict(sci_mode=True), dict(sci_mode=False, precision=2),
               dict(precision=2)]  # fmt: skip


@pytest.mark.parametrize("options", SCI_OPTIONS)
@pytest.mark.parametrize("data", PRINT_DATA)
def test_print_options_sci_mode(options, data):
    """set_printoptions(sci_mode=True/False) forces scientific notation on or off, as
    PyTorch's (NotImplementedError before); a later call without it sets it back to None."""
    out = []
    for T in (torch, mg):
        try:
            T.set_printoptions(**options)
            text = repr(T.tensor(data))
            T.set_printoptions(precision=4)  # sci_mode back to None
            text += repr(T.tensor(data))
        finally:
            T.set_printoptions(profile="default")
        out.append(text.replace("torch.", "").replace("minigrad.", ""))
    assert out[1] == out[0]


LEGACY_TYPES = [
    "T.FloatTensor([1, 2])", "T.LongTensor([1.5, -1.5])", "T.DoubleTensor(2).shape == (2,)",
    "T.BoolTensor([1, 0])", "T.IntTensor([1, 2])", "T.ByteTensor([1, 2])", "T.CharTensor([1, -2])",
    "T.ShortTensor([1, 2])", "T.HalfTensor([1.5])", "T.FloatTensor(2, 3).shape == (2, 3)",
    "T.FloatTensor().shape == (0,)", "T.FloatTensor(np.array([1, 2]))",
    "T.LongTensor(np.array([1, 2]))", "isinstance(T.tensor([1.]), T.FloatTensor)",
    "isinstance(T.tensor([1.]), T.DoubleTensor)", "isinstance(T.tensor([1]), T.LongTensor)",
    "isinstance([1], T.LongTensor)", "T.tensor([1.5, 2]).type(T.LongTensor)",
    "T.tensor([1, 2]).type(T.FloatTensor)", "T.tensor([1., 2]).type(T.FloatTensor)",
    "T.LongTensor([1, 2]).type()", "repr(T.FloatTensor).replace('torch', 'minigrad')",
    "T.FloatTensor(3.5)", "T.FloatTensor([1.], requires_grad=True)",
]  # fmt: skip


@pytest.mark.parametrize("code", LEGACY_TYPES)
def test_legacy_tensor_types(code):
    _same(code)


@pytest.mark.parametrize(
    "code",
    ["x.byte()", "x.char()", "(-x).char()", "x.byte(memory_format=T.preserve_format)",
     "T.tensor([True, False]).byte()", "T.tensor([1.7, 300.]).byte()", "x.requires_grad_().char()"],
)  # fmt: skip
def test_byte_and_char(code):
    _same("x = T.arange(6.).reshape(2, 3) ; " + code)


def _inplace_operator_cases():
    cases = []
    for op in ["//=", "%=", "**="]:
        for pre in ["a = T.tensor([5., -3., 2.]) ; ", "a = T.tensor([5, -3, 2]) ; "]:
            for b in ["2", "2.5", "T.tensor([2, 3, 1])", "T.tensor(2.)"]:
                cases.append(pre + f"c = a ; a {op} {b} ; (c is a) * a")
                cases.append(pre + f"v = a[1:] ; v {op} {b} ; a")
        cases.append(f"w = T.tensor([1., 2.], requires_grad=True) ; w {op} 2")
        cases.append(f"w = T.tensor([1., 2.], requires_grad=True) ; y = w * 3 ; z = y.exp() ; "
                     f"y {op} 2 ; z.sum().backward()")  # fmt: skip
        cases.append(f"w = T.tensor([1., 3.], requires_grad=True) ; y = w * 1 ; y {op} 2 ; "
                     "y.sum().backward() ; w.grad")  # fmt: skip
    for op in ["&=", "|=", "^="]:
        for pre in ["a = T.tensor([True, False, True]) ; ", "a = T.tensor([5, 3, 2]) ; "]:
            for b in ["True", "1", "T.tensor([True, True, False])", "T.tensor([1, 2, 3])"]:
                cases.append(pre + f"c = a ; a {op} {b} ; (c is a) * a")
        cases.append(f"a = T.tensor([1.5]) ; a {op} 1")
    return cases


@pytest.mark.parametrize("code", _inplace_operator_cases())
def test_inplace_operators_change_the_tensor(code):
    """//=, %=, **=, &=, |= and ^= change the tensor in place (its views see it, a leaf that
    requires grad refuses, a saved input makes backward raise), as PyTorch's; Python's
    fallback t = t op n made a new tensor."""
    _same(code)


@pytest.mark.parametrize("dst", ["T.uint8", "T.int8", "T.int16"])
@pytest.mark.parametrize("src", ["T.int32", "T.int64", "T.int16"])
@pytest.mark.parametrize(
    "op", ["a += b", "a -= b", "a *= b", "a.add_(b)", "a.sub_(b, alpha=2)", "a.mul_(b)",
           "a.div_(b)", "a //= b", "a.add_(b * 100)"],
)  # fmt: skip
def test_inplace_integer_result_into_another_integer_dtype(dst, src, op):
    """PyTorch writes an integer result into any integer dtype (wrapping); NumPy's same_kind
    rule refused signed into unsigned (RuntimeError before)."""
    _same(f"a = T.tensor([3, 1, 0, 2], dtype={dst}) ; b = T.tensor([3, 1, 1, 2], dtype={src}) ; "
          f"{op} ; a")  # fmt: skip


@pytest.mark.parametrize("src", ["T.bool", "T.uint8", "T.int32", "T.int64", "T.float32"])
@pytest.mark.parametrize(
    "op", ["prod(dtype=T.int32)", "prod(0, dtype=T.int8)", "cumsum(0, dtype=T.int32)",
           "cumprod(0, dtype=T.int16)", "cumsum(1, dtype=T.uint8)", "prod(1, dtype=T.int16)"],
)  # fmt: skip
def test_reduction_into_a_small_integer_dtype(src, op):
    """prod/cumsum/cumprod(dtype=int32 or smaller) give that dtype (NumPy widened to int64)."""
    _same(f"x = T.tensor([[3, 1], [0, 2]], dtype={src}) ; x.{op}")


@pytest.mark.parametrize("src", ["T.uint8", "T.bool", "T.int32", "T.float32"])
@pytest.mark.parametrize(
    "op", ["x.any()", "x.all()", "x.all(0)", "x.any(1, keepdim=True)", "T.any(x)",
           "x.all(dim=(0, 1))", "T.zeros(0, dtype=x.dtype).all()"],
)  # fmt: skip
def test_any_all_of_uint8_are_uint8(src, op):
    _same(f"x = T.tensor([[3, 0], [0, 2]], dtype={src}) ; {op}")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize(
    "code",
    ["np.exp(t)", "np.sqrt(t)", "np.add(t, 1)", "np.maximum(t, a)", "np.add.reduce(t)",
     "np.exp(T.tensor(1.))", "np.negative(t)", "np.add(t, t)", "np.exp(T.tensor([1, 2]))",
     "np.abs(t)", "np.exp(t[None])", "np.float64(2) * t"],
)  # fmt: skip
def test_numpy_ufuncs_of_tensors(code):
    _same("t = T.tensor([1., 2.]) ; a = np.array([3., 4.], np.float32) ; " + code)
