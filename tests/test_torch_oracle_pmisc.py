"""Adversarial oracle checks (printing, nn.utils, func) against PyTorch.

``repr`` must be PyTorch's text with ``torch.`` read as ``minigrad.`` and node names
without PyTorch's overload number (``MulBackward0`` read as ``MulBackward``), line
breaks included.
"""

import inspect

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()


def _as_minigrad(text):
    return text.replace("torch.", "minigrad.").replace("Backward0>", "Backward>")


@pytest.fixture
def printoptions():
    yield
    torch.set_printoptions(profile="default")
    mg.set_printoptions(profile="default")


# Values whose suffixes sit near column 80: "minigrad." is 3 characters longer than
# "torch." and "MulBackward" one shorter than "MulBackward0", which must not move
# a line break.
SUFFIX_CASES = [
    ([-14.5703, 0.8394, 0.5864], "float16", False, False),
    ([100000.0], "float64", False, False),
    (
        [[1543062.07, 2750952.336, 197313.719], [805728.139, -625953.594, 647061.609]],
        "float64",
        True,
        False,
    ),
    (
        [
            np.inf,
            np.inf,
            -0.0,
            np.inf,
            1.0,
            np.inf,
            1.0,
            0.0,
            np.nan,
            -np.inf,
            np.inf,
            0.0,
            -0.0,
            np.inf,
            0.0,
            1e-5,
        ],
        "float16",
        False,
        False,
    ),
    ([-0.0007, -0.0056, -0.0128], "float64", True, True),
    ([50300.0, 30600.0, -57000.0], "float64", True, True),
    ([-0.5791, -4.0273, 2.8691], "float16", True, True),
    (
        [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0],
        "float64",
        True,
        False,
    ),
]


@pytest.mark.parametrize("data,dtype,requires_grad,op", SUFFIX_CASES)
def test_suffix_line_breaks_fall_where_pytorchs_do(data, dtype, requires_grad, op):
    t = torch.tensor(data, dtype=getattr(torch, dtype), requires_grad=requires_grad)
    m = mg.tensor(data, dtype=getattr(mg, dtype), requires_grad=requires_grad)
    if op:
        t, m = t * 1, m * 1
    assert repr(m) == _as_minigrad(repr(t))


@pytest.mark.parametrize("linewidth", [30, 36, 42, 47, 62])
@pytest.mark.parametrize("dtype", ["float64", "float16", "int64"])
def test_suffix_line_breaks_with_a_narrow_linewidth(printoptions, linewidth, dtype):
    torch.set_printoptions(linewidth=linewidth)
    mg.set_printoptions(linewidth=linewidth)
    for data in ([], [1.0], [1.0, 2.0, 3.0], [[1.0, 2.0], [3.0, 4.0]], 5.0):
        if dtype == "int64" and data:
            data = np.asarray(data).astype(np.int64).tolist()
        t = torch.tensor(data, dtype=getattr(torch, dtype))
        m = mg.tensor(data, dtype=getattr(mg, dtype))
        assert repr(m) == _as_minigrad(repr(t))
    t = torch.zeros(0, 1, 3, dtype=getattr(torch, dtype))
    m = mg.zeros(0, 1, 3, dtype=getattr(mg, dtype))
    assert repr(m) == _as_minigrad(repr(t))


@pytest.mark.parametrize("norm_type", [2.0, 3.0, 1.0, float("inf")])
def test_clip_grad_norm_of_float16_gradients_does_not_overflow(norm_type):
    grads = [[300.0, 400.0], [[250.0], [-120.0]]]
    out = []
    for lib in (torch, mg):
        params = [lib.nn.Parameter(lib.zeros(np.shape(g), dtype=lib.float16)) for g in grads]
        for p, g in zip(params, grads):
            p.grad = lib.tensor(g, dtype=lib.float16)
        total = lib.nn.utils.clip_grad_norm_(params, 1.0, norm_type=norm_type)
        out.append((total, [p.grad for p in params]))
    (t_total, t_grads), (m_total, m_grads) = out
    assert m_total.dtype == mg.float16
    np.testing.assert_array_equal(m_total.numpy(), t_total.numpy())
    for m, t in zip(m_grads, t_grads):
        np.testing.assert_array_equal(m.numpy(), t.numpy())


@pytest.mark.parametrize("p", [2, 3, 2.5, 0.5])
@pytest.mark.parametrize("how", ["norm", "vector_norm", "dim"])
def test_float16_norm_is_accumulated_in_float32(p, how):
    data = [[300.0, 400.0, -120.0], [250.0, 0.5, -600.0]]
    out = []
    for lib in (torch, mg):
        x = lib.tensor(data, dtype=lib.float16)
        if how == "norm":
            out.append(x.norm(p=p))
        elif how == "vector_norm":
            out.append(lib.linalg.vector_norm(x, p))
        else:
            out.append(lib.linalg.vector_norm(x, p, dim=1, keepdim=True))
    t, m = out
    assert m.dtype == mg.float16 and tuple(m.shape) == tuple(t.shape)
    np.testing.assert_array_equal(m.numpy(), t.numpy())


@pytest.mark.parametrize("requires_grad", [True, False])
def test_vector_to_parameters_with_an_integer_vector(requires_grad):
    out = []
    for lib in (torch, mg):
        m = lib.nn.Linear(2, 2)
        m.requires_grad_(requires_grad)
        try:
            lib.nn.utils.vector_to_parameters(lib.arange(6), m.parameters())
            out.append([p.dtype for p in m.parameters()])
        except RuntimeError:
            out.append("RuntimeError")
    t, m = out
    assert m == t if isinstance(t, str) else [str(d) for d in m] == [str(d)[6:] for d in t]


@pytest.mark.parametrize(
    "make,out_dims",
    [
        ("lambda L: lambda a: a * 2", None),
        ("lambda L: lambda a: (a * 2, L.ones(2))", (0, None)),
        ("lambda L: lambda a: (a * 2, a.sum())", (0, None)),
        ("lambda L: lambda a: {'k': a.exp()}", None),
        ("lambda L: lambda a: L.ones(2)", None),
        ("lambda L: lambda a: (a * 2, L.ones(2))", (None, None)),
    ],
)
def test_vmap_out_dims_none_refuses_a_mapped_output(make, out_dims):
    out = []
    for lib in (torch, mg):
        f = eval(make)(lib)
        try:
            r = lib.func.vmap(f, out_dims=out_dims)(lib.arange(6.0).reshape(3, 2))
            leaves = r if isinstance(r, tuple) else (r,)
            out.append([np.asarray(t.numpy()).tolist() for t in leaves])
        except ValueError:
            out.append("ValueError")
    assert out[1] == out[0]


def test_save_takes_pytorchs_keyword_names(tmp_path):
    names = [p for p in inspect.signature(torch.save).parameters][:2]
    assert [p for p in inspect.signature(mg.save).parameters] == names
    sd = {"w": mg.arange(3.0)}
    mg.save(**dict(zip(names, (sd, tmp_path / "a.pt"))))
    assert mg.load(tmp_path / "a.pt")["w"].tolist() == [0.0, 1.0, 2.0]


@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf"), 0.5, 3.0])
def test_total_norm_of_mixed_dtypes_takes_each_norm_in_its_own_dtype(norm_type):
    grads = [([30.0, -40.0], "float16"), ([1e-3, 2.0], "float32"), ([7.0], "float64")]
    t, m = (
        lib.nn.utils.get_total_norm(
            [lib.tensor(g, dtype=getattr(lib, d)) for g, d in grads], norm_type=norm_type
        )
        for lib in (torch, mg)
    )
    assert m.dtype == mg.float64
    assert m.item() == t.item()
