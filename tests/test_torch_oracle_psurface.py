"""The long tail of tensor ops against PyTorch, where a differential fuzzer over their
arguments (keyword forms, dtypes, 0-d and broadcast operands) found minigrad to differ.
Each case is a small program run in both frameworks on the same leaves (float leaves
require grad); the outputs' structure (named fields), dtypes, shapes and values, and the
leaves' gradients after a backward of a randomly weighted sum must agree, or both must
raise (minigrad's exception an instance of PyTorch's class). Runs only where torch is
installed."""

import warnings

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

_R = np.random.default_rng(7)
X23 = _R.normal(size=(2, 3))
X234 = _R.normal(size=(2, 3, 4))
V3 = _R.normal(size=3) * 3
I3 = np.array([2, -1, 0])

CASES = [
    # softmax and log_softmax take dtype= in the function form too (minigrad: TypeError)
    ("R = M.softmax(x, 1, dtype=M.float64)", [X23.astype(np.float32)]),
    ("R = M.softmax(x, -1, M.float64)", [X234.astype(np.float32)]),
    ("R = M.log_softmax(x, 0, dtype=M.float64)", [X23.astype(np.float32)]),
    ("R = M.log_softmax(x, dim=-1, dtype=M.float32)", [X234]),
    ("R = M.softmax(x, 0, dtype=M.int64)", [X23]),
    ("R = x.softmax(0, M.float64)", [X23.astype(np.float32)]),
    ("R = M.nn.functional.log_softmax(x, 1, dtype=M.float64)", [X23.astype(np.float32)]),
    # nextafter: the gradient flows to input (zero to other); the dtypes promote
    ("R = M.nextafter(x, y)", [X23, V3]),
    ("R = y.nextafter(x)", [X23, V3]),
    ("R = M.nextafter(x, y)", [X23.astype(np.float32), V3]),
    ("R = M.nextafter(x, y)", [X23.astype(np.float32), np.array(2.0)]),
    ("R = M.nextafter(x, y)", [I3, V3]),
    ("R = M.nextafter(x, y)", [X23.astype(np.float32), I3]),
    ("R = M.nextafter(x, y)", [I3 > 0, V3.astype(np.float32)]),
    ("R = M.nextafter(x, y)", [I3, I3]),
    # ldexp computes in the promoted dtype (minigrad: input * 2.0**other, whose float32 power
    # won over a 0-d float64 input and a float16 one); exponents >= 0, see test_psurface
    ("R = M.ldexp(x, y)", [np.array(1.5), np.array([1, 2, 3])]),
    ("R = x.ldexp(y)", [X23.astype(np.float16), np.array([1, 0, 3])]),
    ("R = M.ldexp(x, y)", [np.array(0.75, np.float16), np.array([1, 0, 3])]),
    ("R = M.ldexp(x, y)", [np.array(1.5), V3.astype(np.float32)]),
    ("R = M.ldexp(x, y)", [X23.astype(np.float32), np.array(2.0)]),
    ("R = M.ldexp(x, y)", [np.array([1, 2]), np.array([3, 0])]),
    ("R = M.ldexp(input=x, other=y)", [X23, V3]),
    # the linalg norms refuse an integer input also when a float dtype= is given
    ("R = M.linalg.vector_norm(x, dtype=M.float64)", [I3]),
    ("R = M.linalg.matrix_norm(x, dtype=M.float64)", [I3.reshape(3, 1)]),
    ("R = M.linalg.norm(x, 1, dtype=M.float64)", [I3]),
    ("R = M.linalg.vector_norm(x, dtype=M.float64)", [I3 > 0]),
    ("R = M.linalg.vector_norm(x, 3, dtype=M.float64)", [X23.astype(np.float32)]),
    ("R = M.linalg.matrix_norm(x, 'nuc', dtype=M.float32)", [X23]),
    # torch.norm: a string p other than 'fro' is linalg.matrix_norm over dim (all dims by
    # default; minigrad raised NotImplementedError), and dtype= is taken (TypeError)
    ("R = M.norm(x, p='nuc')", [X23]),
    ("R = x.norm('nuc')", [X23.astype(np.float32)]),
    ("R = M.norm(x, 'nuc', keepdim=True)", [X23]),
    ("R = M.norm(x, 'nuc', dim=(-1, 0), keepdim=True)", [X23]),
    ("R = M.norm(x, 'nuc', dim=(0, 2))", [X234]),
    ("R = M.norm(x, 'nuc')", [X234]),
    ("R = M.norm(x, 'nuc', dim=1)", [X23]),
    ("R = M.norm(x, 'fro', dim=(0, 1, 2))", [X234]),
    ("R = M.norm(x, 'abc')", [X23]),
    ("R = M.norm(x, 'nuc', dtype=M.float64)", [X23.astype(np.float32)]),
    ("R = M.norm(x, 2, dtype=M.float32)", [X23]),
    ("R = x.norm(dtype=M.float64)", [X234.astype(np.float32)]),
    ("R = x.norm(1, 0, True, M.float64)", [X23.astype(np.float32)]),
    ("R = M.norm(x, 'fro', dim=0, dtype=M.float64)", [X23.astype(np.float32)]),
    ("R = M.norm(x, float('inf'), dtype=M.float64)", [X23]),
    ("R = M.norm(x, dtype=M.float64)", [I3]),
    ("R = M.norm(x, p=3, dim=-1, keepdim=True, dtype=M.float64)", [X234]),
    # repeat_interleave checks output_size against the result's length (minigrad ignored it)
    *(
        (f"R = M.repeat_interleave({call}, output_size={n})", [X23])
        for call in (
            "x, 2",
            "x, 2, dim=1",
            "x, M.tensor([1, 0]), dim=0",
            "M.tensor([2, 1])",
            "x, M.tensor(2), dim=-1",
            "x[0, 0], 3",
        )  # fmt: skip
        for n in (1, 2, 3, 6, 12)
    ),
    ("R = x.repeat_interleave(M.tensor([1, 2, 0]), dim=-1, output_size=4)", [X23]),
    # unflatten of a 0-d tensor, or into no sizes: RuntimeError (minigrad: IndexError, or a
    # view when the dim's size is 1)
    ("R = M.unflatten(x, 0, (1,))", [np.array(1.5)]),
    ("R = x.unflatten(-1, (1, 1))", [np.array(1.5)]),
    ("R = x.unflatten(5, ())", [np.array(1.5)]),
    ("R = x[:, :1].unflatten(1, ())", [X23]),
    ("R = x[:, :1].unflatten(3, ())", [X23]),
    ("R = x.unflatten(1, ())", [X23]),
    # ... in PyTorch's order: the sizes, the dim's range, then the 0-d tensor
    *(
        (f"R = x.unflatten({d}, {sizes})", [a])
        for a in (np.array(1.5), X23)
        for d in ("0", "-1", "3", "-4", "None", "M.tensor(1)")
        for sizes in ("(1, -1)", "()")
    ),
    # gather takes sparse_grad= (False; minigrad: TypeError)
    ("R = M.gather(input=x, dim=-1, index=y, sparse_grad=False)", [X23, np.array([[0], [2]])]),
    ("R = x.gather(0, y, sparse_grad=False)", [X23, np.array([[1, 0, 1]])]),
    # quantile's q as a tensor gets its gradient, g (high - low) (n - 1), 0 where the rank
    # is not q's (a NaN slice); minigrad left q.grad None
    *(
        (call, [a, q.astype(a.dtype)])
        for call in (
            "R = M.quantile(x, y)",
            "R = M.quantile(x, y, dim=-1, keepdim=True)",
            "R = x.nanquantile(y, 0)",
            "R = M.nanquantile(x, y)",
            "R = M.quantile(x, y, 0, interpolation='midpoint')",
            "R = M.quantile(x, y, -1, interpolation='lower')",
            "R = M.quantile(x.detach(), y, -1)",
        )
        for a in (X234[0], X234[1].astype(np.float32), np.where(X234[1] > 1, np.nan, X234[1]), V3)
        for q in (np.array([0.25, 0.8, 0.0, 1.0]), np.array(0.3))
    ),
    # shifts: a bool with an integer promotes to int64 (minigrad refused any bool operand)
    *(
        (f"R = {e}", [a, b])
        for e in (
            "M.bitwise_left_shift(x, y)",
            "x.bitwise_right_shift(y)",
            "M.bitwise_left_shift(x, 1)",
            "M.bitwise_left_shift(True, x)",
            "M.bitwise_right_shift(x, True)",
            "M.bitwise_left_shift(x, M.tensor(2))",
        )  # fmt: skip
        for a, b in ((I3 > 0, I3 < 1), (I3 > 0, I3 + 3), (I3 + 3, I3 > 0))
    ),
    ("x = x * 1; x.bitwise_left_shift_(y); R = x", [I3 > 0, I3 < 1]),
    # the augmented assignments change the tensor in place (minigrad rebound the name to a
    # new tensor), and << >> are operators (minigrad: TypeError)
    *(
        (prog.format(op=op, rhs=rhs), [a, b])
        for op in ("&=", "|=", "^=", "//=", "%=", "**=", "<<=", ">>=")
        for rhs in ("2", "y", "1.5")
        for prog in (
            "z = x; z {op} {rhs}; R = (x, z is x)",
            "x = x * 1; z = x; z {op} {rhs}; R = (x, z is x)",
            "v = x[0]; v {op} {rhs}; R = (x, v)",
        )
        for a, b in ((I3, I3[::-1].copy() + 2), (X23, X23[::-1].copy()), (I3 > 0, I3 < 1))
    ),
    *(
        (f"R = {e}", [a, b])
        for e in ("x << 1", "1 << x", "x << y", "x >> 1", "16 >> x", "x >> y", "x << 1.5")
        for a, b in ((I3 + 3, I3 + 3), (X23, X23), (np.array([1, 2, 200], np.uint8), I3 + 1))
    ),
    ("x = x * 1; x **= 2; (x * x).sum().backward(); R = x", [X23]),
    ("z = x * 1; w = z.exp(); z **= 2; w.sum().backward(); R = w", [X23]),
    ("z = x; z **= 2; R = z", [X23]),
    # prod, cumsum, cumprod and nansum with an integer dtype= keep it (NumPy's int64 leaked)
    *(
        (f"R = {call}", [a])
        for call in (
            "M.prod(x, 1, dtype=M.int32)",
            "M.prod(x, dtype=M.int8)",
            "M.prod(x, dtype=M.bool)",
            "M.cumsum(x, 0, dtype=M.int32)",
            "x.cumprod(-1, dtype=M.int8)",
            "M.nansum(x, dtype=M.int32)",
            "M.nansum(x, 0, dtype=M.int16)",
        )  # fmt: skip
        for a in (I3.reshape(1, 3), (I3 > 0).reshape(3, 1), I3.astype(np.int8), X23)
    ),
    # all and any of a uint8 tensor are uint8 (minigrad: bool)
    *(
        (f"R = {call}", [a])
        for call in ("M.all(x)", "x.any(1)", "M.all(x, dim=0, keepdim=True)", "x.any((0, 1))")
        for a in (np.array([[0, 3, 1], [2, 0, 0]], np.uint8), np.array([[0, 3, 1]], np.int8))
    ),
    # kthvalue at ties returns the index PyTorch's quickselect leaves there (minigrad: the
    # stable sort's), and the gradient goes to it
    *(
        (f"R = x.kthvalue({k}, {d})", [a])
        for a in (
            np.array([[1.0, 2.0, 2.0, 0.0], [3.0, 3.0, 3.0, 1.0], [0.0, 0.0, 5.0, 5.0]]),
            np.array([[1.0, np.nan, 2.0, np.nan, 1.0, 1.0]]),
            np.array([[2, 0, 2, 1, 0, 2, 2, 1, 0]]),
            np.tile([[1.0, 0.0, 1.0]], (3, 3)).astype(np.float32),
        )
        for d in (-1, 0)
        for k in (1, 2, 3)
    ),
    (
        "R = M.kthvalue(x.mT, 2, dim=0, keepdim=True)",
        [np.array([[0.0, 0.0, 1.0], [0.0, 1.0, 0.0]])],
    ),
    # unique keeps NaNs apart (minigrad merged them); unique and unique_consecutive along a
    # dim need the other dims nonempty, and unique_consecutive takes an empty selected dim
    *(
        (f"with M.no_grad(): R = M.{f}(x, {kw})", [a])
        for f in ("unique", "unique_consecutive")
        for kw in (
            "",
            "return_inverse=True, return_counts=True",
            "dim=0",
            "dim=1",
            "dim=-1, return_inverse=True, return_counts=True",
        )  # fmt: skip
        for a in (np.zeros((0, 3)), np.zeros((2, 0)), np.array([[np.nan, 1.0], [np.nan, 1.0]]))
        if "dim=" not in kw
        or "0" in kw
        or not np.isnan(a).any()  # NaN slices along dim 1: order left
    ),
    (
        "with M.no_grad(): R = M.unique(x, return_inverse=True, return_counts=True)",
        [np.array([1.0, np.nan, np.nan, 2.0])],
    ),
    ("with M.no_grad(): R = M.unique(x, sorted=False)", [np.array([np.nan, 1.0, np.nan])]),
    # PyTorch's keyword names: searchsorted's input (minigrad: values), the function forms'
    # shape= and dims= (minigrad: TypeError)
    ("R = M.searchsorted(sorted_sequence=y, input=x, right=True)", [X23, np.sort(V3)]),
    ("R = M.searchsorted(y, input=x, side='right')", [X23, np.sort(V3)]),
    ("R = M.searchsorted(y, values=x)", [X23, np.sort(V3)]),
    ("R = M.tile(input=x, dims=(2,))", [X23]),
    ("R = x.tile(dims=(2, 2))", [X23]),
    ("R = M.tile(x, (2,), dims=(1,))", [X23]),
    ("R = M.permute(input=x, dims=(1, 0))", [X23]),
    ("R = M.reshape(input=x, shape=(3, 2))", [X23]),
    ("R = M.reshape(x)", [X23]),
    # ... and the methods': flip(dims=), repeat(repeats=), max/min(other=) (TypeError)
    ("R = x.flip(dims=(0,))", [X23]),
    ("R = x.flip(dims=[0, 1])", [X23]),
    ("R = x.repeat(repeats=(2, 1))", [X23]),
    ("R = x.repeat((2, 1), repeats=(1, 1))", [X23]),
    ("R = x.max(other=x * 0)", [X23]),
    ("R = M.max(x, other=x.flip(0))", [X23]),
    ("R = M.min(input=x, other=x * 0)", [X23]),
    ("R = M.max(x, 0, other=x)", [X23]),
    ("R = M.min(x, other=2.0)", [X23]),
    # quantile and nanquantile refuse float16, as PyTorch (float and double only)
    ("R = M.quantile(x, 0.5)", [X23.astype(np.float16)]),
    ("R = M.nanquantile(x, 0.3, dim=0)", [X23.astype(np.float16)]),
    ("R = x.quantile(0.3, dim=0)", [X23.astype(np.float32)]),
    # isin has no kernel for bools in PyTorch: RuntimeError (minigrad answered)
    ("R = M.isin(x, x)", [I3 > 0]),
    ("R = M.isin(x, M.tensor([True]))", [I3]),
    ("R = M.isin(x, True)", [I3]),
    ("R = M.isin(1, x)", [I3 > 0]),
    ("R = M.isin(x, M.tensor([1, 3]), invert=True)", [I3]),
    # tensor_split's keyword overloads sections= and indices= (minigrad: TypeError)
    *(
        (f"R = {call}", [np.arange(12.0).reshape(2, 6)])
        for call in (
            "M.tensor_split(x, indices=(1, 4), dim=1)",
            "x.tensor_split(sections=4, dim=1)",
            "M.tensor_split(input=x, sections=2)",
            "x.tensor_split(indices=[1])",
            "M.tensor_split(x, sections=[1])",
            "M.tensor_split(x, indices=2)",
            "M.tensor_split(x, 2, sections=2)",
            "M.tensor_split(x)",
        )  # fmt: skip
    ),
    # allclose of a non-tensor other: TypeError (minigrad: AttributeError)
    ("R = M.allclose(x, [1.0, 2.0])", [X23]),
    ("R = x.allclose(None)", [X23]),
    ("R = M.allclose(x, 1.0)", [X23]),
    ("R = M.allclose(x, x + 1e-9)", [X23]),
    # fill_diagonal_ in a graph zeroes the gradient on the diagonal only (minigrad: everywhere)
    *(
        (call, [a])
        for call in (
            "x = x * 1; r = x.fill_diagonal_(5.); R = (x, r is x)",
            "x = x * 1; r = x.fill_diagonal_(-2, wrap=True); R = (x, r is x)",
            "x = x * 1; v = x[0]; r = x.fill_diagonal_(3.); R = (v, x)",
            "x = x * 1; y = x.exp(); x.fill_diagonal_(3.); R = y",
        )
        for a in (X23, X234[0].T, X234[:, :2, :2].astype(np.float32), X234[:1, :1])
    ),
]


def _leaves(M, arrays):
    out = []
    for a in arrays:
        t = M.tensor(a)
        out.append(t.requires_grad_(True) if a.dtype.kind == "f" else t)
    return out


_FIELDS = ("values", "indices", "min", "max", "mantissa", "exponent")


def _flat(R):
    """The tensors of R (nested tuples and lists), and its named fields as a structure."""
    if isinstance(R, (tuple, list)):
        names = tuple(n for n in _FIELDS if hasattr(R, n))
        parts = [_flat(r) for r in R]
        return [t for p in parts for t in p[0]], (names, len(R), [p[1] for p in parts])
    return [R], type(R).__name__ if not hasattr(R, "dtype") else "tensor"


def _run(M, program, arrays):
    leaves = _leaves(M, arrays)
    env = {"M": M, "np": np, **dict(zip("xyz", leaves))}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            exec(program, env)
            outs, structure = _flat(env["R"])
            rng = np.random.default_rng(0)
            loss = None
            for o in outs:
                if hasattr(o, "requires_grad") and o.requires_grad:
                    w = M.tensor(rng.normal(size=tuple(o.shape)).astype(o.detach().numpy().dtype))
                    loss = (o * w).sum() if loss is None else loss + (o * w).sum()
            if loss is not None:
                loss.backward()
        except Exception as e:  # noqa: BLE001 - the exception is what is compared
            return None, e
    values = [
        (str(o.dtype).split(".")[-1], tuple(o.shape), np.array(o.tolist()), o.requires_grad)
        if hasattr(o, "dtype")
        else o
        for o in outs
    ]
    grads = [None if t.grad is None else np.array(t.grad.tolist()) for t in leaves]
    return (structure, values, grads), None


@pytest.mark.parametrize("program,arrays", CASES)
def test_program_matches_pytorch(program, arrays):
    expected, t_err = _run(torch, program, arrays)
    got, m_err = _run(mg, program, arrays)
    if t_err is not None:
        assert m_err is not None, f"PyTorch raises {t_err!r}, minigrad does not"
        assert isinstance(m_err, type(t_err)), f"{m_err!r} is not a {type(t_err)}"
        return
    assert m_err is None, f"minigrad raises {m_err!r}"
    single = any(a.dtype == np.float32 for a in arrays) or "float32" in program
    tol = {"rtol": 1e-5, "atol": 1e-6} if single else {"rtol": 1e-10, "atol": 1e-12}
    assert got[0] == expected[0]
    for g, e in zip(got[1], expected[1], strict=True):
        if not isinstance(e, tuple):
            assert g == e
            continue
        assert g[0] == e[0] and g[1] == e[1] and g[3] == e[3], (g, e)
        np.testing.assert_allclose(g[2], e[2], **tol)
    for g, e in zip(got[2], expected[2], strict=True):
        assert (g is None) == (e is None)
        if e is not None:
            np.testing.assert_allclose(g, e, **tol)


_TUPLE_OPS = [
    "x.sort()",
    "x.sort(descending=True)",
    "x.max(0)",
    "M.min(x, 1, True)",
    "M.aminmax(x)",
    "x.topk(2)",
    "M.frexp(x)",
    "x.cummin(1)",
    "x.cummax(0)",
    "x.kthvalue(1)",
    "x.median(0)",
    "x.nanmedian(1)",
    "x.mode(1)",
    "M.linalg.slogdet(x[:, :2])",
    "M.slogdet(x[:, :2])",
    "M.linalg.qr(x)",
    "M.linalg.eigh(x[:, :2] @ x[:, :2].T)",
    "M.linalg.inv_ex(x[:, :2])",
    "M.linalg.lu_factor(x[:, :2])",
    "M.linalg.svd(x[:, :2])",
    "M.svd(x[:, :2])",
    "M.linalg.lu(x)",
    "M.geqrf(x)",
    "M.linalg.cholesky_ex(x[:, :2] @ x[:, :2].T)",
]


@pytest.mark.parametrize("call", _TUPLE_OPS)
def test_tuple_outputs_print_as_pytorchs_return_types(call):
    # minigrad printed a named tuple on one line (and max/min's as "MaxMin(...)")
    x = np.array([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]])
    got = repr(eval(call, {"M": mg, "x": mg.tensor(x)}))
    expected = repr(eval(call, {"M": torch, "x": torch.tensor(x)}))
    assert got == expected.replace("torch.", "minigrad.")
