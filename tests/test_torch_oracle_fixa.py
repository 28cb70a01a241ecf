"""Review fixes checked against PyTorch (strides, in-place errors, nansum dtype, ...)."""

import pytest
from torch_oracle import import_torch

import minigrad as mg
from minigrad.errors import OpError

torch = import_torch()


@pytest.mark.parametrize(
    "make",
    [
        lambda L: L.zeros(4, 6)[:, ::2][:0],
        lambda L: L.zeros(3, 1).expand(3, 0),
        lambda L: L.zeros(1, 3).expand(0, 3),
        lambda L: L.zeros(4, 6)[:, :0],
        lambda L: L.zeros(0, 6),
        lambda L: L.zeros(2, 0, 3),
    ],
)
def test_empty_view_strides_follow_the_layout(make):
    assert make(mg).stride() == make(torch).stride()


def _error(f):
    try:
        f()
    except Exception as e:  # noqa: BLE001 - the type is what is compared
        return e
    return None


@pytest.mark.parametrize("method", ["isub", "sub_"])
@pytest.mark.parametrize("shape", [(3, 2), (3,)])
def test_integer_retry_broadcast_error_is_an_op_error(method, shape):
    def run(L):
        t = L.zeros(2, dtype=L.uint8)
        o = L.ones(*shape, dtype=L.int64)
        if method == "isub":
            t -= o
        else:
            t.sub_(o)

    mine, theirs = _error(lambda: run(mg)), _error(lambda: run(torch))
    assert isinstance(theirs, RuntimeError)
    assert isinstance(mine, OpError) and isinstance(mine, RuntimeError)
    assert str(shape) in str(mine) and "(2,)" in str(mine)


@pytest.mark.parametrize("dtype", ["int32", "int64", "float64"])
def test_nansum_to_another_dtype_skips_nans_first(dtype):
    values = [1.5, float("nan"), 2.0, -0.5]
    got = mg.nansum(mg.tensor(values), dtype=getattr(mg, dtype))
    want = torch.nansum(torch.tensor(values), dtype=getattr(torch, dtype))
    assert got.item() == want.item() and str(got.dtype) == str(want.dtype).replace("torch.", "")


@pytest.mark.parametrize(
    ("data", "dtype"),
    [
        ([2**63, 1.5], "int64"),
        ([True, 2**64], None),
        ([2**63], "bool"),
        ([2**63, 1.5], "bool"),
        ([True, 2**64, 1.5], None),
        ([2**63, 1.5], "float32"),
        ([[2**63], [1.5]], "int32"),
    ],
)
def test_python_ints_beyond_int64(data, dtype):
    def build(L):
        return L.tensor(data, dtype=None if dtype is None else getattr(L, dtype))

    theirs = _error(lambda: build(torch))
    if theirs is not None:
        with pytest.raises(type(theirs), match="Overflow"):
            build(mg)
    else:
        assert build(mg).tolist() == build(torch).tolist()


def test_norm_of_integers_names_long():
    with pytest.raises(RuntimeError, match="Got Long"):
        torch.norm(torch.arange(4))
    with pytest.raises(RuntimeError, match="Got Long"):
        mg.norm(mg.arange(4))


def test_norm_string_orders():
    x = [[3.0, 0.0], [4.0, 1.0]]
    for p in ["fro", "nuc"]:
        assert mg.norm(mg.tensor(x), p).item() == pytest.approx(
            torch.norm(torch.tensor(x), p).item()
        )
    with pytest.raises(RuntimeError, match="'nuc'"):
        mg.ops.norm(mg.tensor(x), "nuc")  # matrix norms are linalg's, not the vector norm's


@pytest.mark.parametrize(
    ("x", "b"),
    [
        ((4,), (1, 5)),
        ((4,), (1, 1)),
        ((4,), (2, 5)),
        ((4,), (1, 1, 5)),
        ((4,), (1,)),
        ((3, 4), (1, 1)),
    ],
)
def test_linear_bias_shapes(x, b):
    def run(L, F):
        bias = L.ones(*b, requires_grad=True)
        out = F.linear(L.ones(*x), L.ones(5, 4), bias)
        out.sum().backward()
        return tuple(out.shape), tuple(bias.grad.shape), bias.grad.sum().item()

    import torch.nn.functional as tF

    import minigrad.nn.functional as mF

    theirs = _error(lambda: run(torch, tF))
    if isinstance(theirs, Exception):
        with pytest.raises(RuntimeError):
            run(mg, mF)
    else:
        assert run(mg, mF) == run(torch, tF)


@pytest.mark.parametrize(
    "kw",
    [
        lambda L: {"sections": L.tensor(2)},
        lambda L: {"sections": L.tensor([2])},
        lambda L: {"sections": 2.0},
        lambda L: {"sections": L.tensor(2.0)},
        lambda L: {"indices": L.tensor([1, 3])},
        lambda L: {"indices": [1, 3]},
    ],
)
def test_tensor_split_keyword_tensors(kw):
    def run(L):
        return [t.tolist() for t in L.tensor_split(L.arange(5), **kw(L))]

    theirs = _error(lambda: run(torch))
    if isinstance(theirs, Exception):
        with pytest.raises(type(theirs)):
            run(mg)
    else:
        assert run(mg) == run(torch)


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("DoubleTensor", [1, 2]),
        ("DoubleTensor", [1.0, 2.0]),
        ("FloatTensor", [1, 2]),
        ("LongTensor", [1, 2]),
    ],
)
def test_legacy_type_of_a_tensor_of_another_dtype(kind, data):
    def run(L):
        t = L.tensor(
            data, dtype=L.float64 if kind == "DoubleTensor" and isinstance(data[0], float) else None
        )
        return getattr(L, kind)(t).tolist()

    theirs = _error(lambda: run(torch))
    if isinstance(theirs, Exception):
        with pytest.raises(type(theirs), match="expected dtype"):
            run(mg)
    else:
        assert run(mg) == run(torch)
