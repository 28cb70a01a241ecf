# ruff: noqa: E501 - the expressions are data, one per line
"""Factories, ``nn.init`` and ``default_collate`` against PyTorch.

Each expression is evaluated with ``M`` bound to torch and to minigrad (``init`` to
``M.nn.init``, ``D`` to ``torch.utils.data`` or ``minigrad.data``). Both must raise
(minigrad's exception an instance of PyTorch's class), or both must give the same
result. Random draws are compared by dtype and shape only; ``linspace`` value by value,
bit for bit. Runs only where torch is installed.
"""

import collections
import warnings

import numpy as np
import pytest
from test_torch_oracle_surface import _assert_same, _plain
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

Pair = collections.namedtuple("Pair", "x y")

EXPRESSIONS = [
    # tensor(): Python numbers an integer dtype cannot hold
    "M.tensor(float('nan'), dtype=M.int64)",
    "M.tensor(float('inf'), dtype=M.int64)",
    "M.tensor(-float('inf'), dtype=M.int32)",
    "M.tensor([1., float('nan')], dtype=M.int64)",
    "M.tensor(1e30, dtype=M.int64)",
    "M.tensor(3e9, dtype=M.int32)",
    "M.tensor(2 ** 40, dtype=M.int32)",
    "M.tensor(2.7, dtype=M.int64)",
    "M.tensor(-2.7, dtype=M.int32)",
    "M.tensor(float('nan'), dtype=M.bool)",
    "M.tensor(1e300, dtype=M.float32)",
    "M.tensor([1, 2], dtype=M.int32)",
    # arange
    "M.arange(0, 5, 0.5, dtype=M.int64)",
    "M.arange(0, 5, 1.0, dtype=M.int64)",
    "M.arange(0.5, 5, dtype=M.int64)",
    "M.arange(0.9, 5.9, 1.5, dtype=M.int64)",
    "M.arange(-0.5, 3, dtype=M.int64)",
    "M.arange(0, 5, -0.5, dtype=M.int64)",
    "M.arange(M.tensor(3))",
    "M.arange(M.tensor(3.))",
    "M.arange(M.tensor(3, dtype=M.int32))",
    "M.arange(M.tensor(1), M.tensor(4), M.tensor(2))",
    "M.arange(M.tensor([3]))",
    "M.arange(np.int64(3))",
    "M.arange(np.float64(3))",
    "M.arange(True)",
    "M.arange(5, 0)",
    "M.arange(-5)",
    "M.arange(-5, dtype=M.float32)",
    "M.arange(0, 10, -1)",
    "M.arange(0, 5, 0)",
    "M.arange(0, 5, 0, dtype=M.int64)",
    "M.arange(0, 5, float('nan'))",
    "M.arange(float('nan'))",
    "M.arange(float('inf'))",
    "M.arange(3, 3)",
    "M.arange(0, 0, -1)",
    "M.arange(5, 0, -1)",
    "M.arange(end=4)",
    "M.arange(start=1, end=4)",
    "M.arange(1, 4, step=0.5)",
    "M.arange()",
    "M.arange(3, dtype=M.bool)",
    "M.arange(3, dtype=M.float16)",
    # linspace
    "M.linspace(0, 1, -1)",
    "M.linspace(0, 1, 2.0)",
    "M.linspace(0, 1, True)",
    "M.linspace(0, 1, 0)",
    "M.linspace(0, 1, 1)",
    "M.linspace(2.7, 1, 1, dtype=M.int64)",
    "M.linspace(0, 1)",
    "M.linspace(0, 1, steps=3)",
    "M.linspace(0, 1, np.int64(3))",
    "M.linspace(0, 1, M.tensor(3))",
    "M.linspace(M.tensor(0.), M.tensor(1.), 3)",
    "M.linspace(M.tensor(0), M.tensor(10), 3)",
    "M.linspace(M.tensor([0.]), 1, 3)",
    "M.linspace(-10, 10, 7)",
    "M.linspace(0, 10, 4, dtype=M.int64)",
    "M.linspace(-1.5, 1.5, 4, dtype=M.int64)",
    "M.linspace(10, 2, 5, dtype=M.int64)",
    "M.linspace(0, 1, 3, dtype=M.int32)",
    "M.linspace(0, 1, 3, dtype=M.bool)",
    "M.linspace(0, 1e10, 3, dtype=M.int32)",
    "M.linspace(float('nan'), 1, 3, dtype=M.int64)",
    "M.linspace(0, 1e300, 3)",
    "M.linspace(0, 1e300, 3, dtype=M.float64)",
    "M.linspace(0, float('inf'), 3)",
    "M.linspace(-1e308, 1e308, 3, dtype=M.float64)",
    "M.linspace(0, 1e308, 2, dtype=M.float64)",
    "M.linspace(0, 1, 5, dtype=M.float16)",
    # eye
    "M.eye(-1)",
    "M.eye(2, -1)",
    "M.eye(0)",
    "M.eye(2.0)",
    "M.eye(True)",
    "M.eye(2, 3.0)",
    "M.eye(np.int64(2))",
    "M.eye(M.tensor(2))",
    "M.eye(n=2, m=3)",
    "M.eye(3, 2, dtype=M.int64)",
    "M.eye(2, dtype=M.bool)",
    # sizes
    "M.zeros(size=(2, 3))",
    "M.zeros(size=[2, 3])",
    "M.ones(size=(2, 3))",
    "M.zeros()",
    "M.ones()",
    "M.zeros(())",
    "M.zeros([])",
    "M.zeros(2, 3.0)",
    "M.zeros((2, 3.0))",
    "M.zeros(2.0)",
    "M.zeros(True)",
    "M.zeros((True,))",
    "M.zeros(2, size=(3,))",
    "M.zeros(M.tensor(2))",
    "M.zeros(M.tensor(2.))",
    "M.zeros(2, np.int64(3))",
    "M.zeros(-1)",
    "M.zeros((2,), dtype=M.int64)",
    # full
    "M.full(2, 1.)",
    "M.full((2,), 1.)",
    "M.full([2], 1.)",
    "M.full((), 1.)",
    "M.full((2.0,), 1.)",
    "M.full(size=(2,), fill_value=1.)",
    "M.full((2,), float('nan'), dtype=M.int64)",
    "M.full((2,), 2.5, dtype=M.int64)",
    "M.full((2,), 1e300, dtype=M.float32)",
    "M.full((2,), 1, dtype=M.bool)",
    "M.full_like(M.tensor([1, 2]), 2.5)",
    "M.full_like(M.tensor([1, 2]), float('nan'))",
    "M.full_like(M.tensor([1., 2.]), float('nan'))",
    # nn.init: arguments and dtypes
    "init.normal_(M.zeros(3, dtype=M.int64))",
    "init.uniform_(M.zeros(3, dtype=M.int64))",
    "init.uniform_(M.zeros(3, dtype=M.bool))",
    "init.kaiming_uniform_(M.zeros(3, 3, dtype=M.int64))",
    "init.kaiming_normal_(M.zeros(3, 3, dtype=M.int64))",
    "init.xavier_uniform_(M.zeros(3, 3, dtype=M.int64))",
    "init.xavier_normal_(M.zeros(3, 3, dtype=M.int64))",
    "init.kaiming_uniform_(M.zeros(0, 3, dtype=M.int64))",
    "init.constant_(M.zeros(3, dtype=M.int64), 2.5)",
    "init.constant_(M.zeros(3, dtype=M.int64), float('nan'))",
    "init.constant_(M.zeros(3), M.tensor(2.))",
    "init.ones_(M.zeros(3, dtype=M.int64))",
    "init.uniform_(M.zeros(3), 2., 1.)",
    "init.uniform_(M.zeros(3), 1., 1.)",
    "init.uniform_(M.zeros(3), float('nan'), 1.)",
    "init.uniform_(M.zeros(3), 0., float('inf'))",
    "init.uniform_(M.zeros(3, dtype=M.int64), 2., 1.)",
    "init.normal_(M.zeros(3), 0., -1.)",
    "init.normal_(M.zeros(3), 0., 0.)",
    "init.normal_(M.zeros(3), 0., float('nan'))",
    "init.normal_(M.zeros(3), float('nan'), 1.)",
    "init.normal_(M.zeros(3, dtype=M.int64), 0., -1.)",
    "init.kaiming_uniform_(M.zeros(3))",
    "init.kaiming_uniform_(M.zeros(0))",
    "init.kaiming_normal_(M.zeros(2, 2), mode='fan_avg', nonlinearity='nope')",
    "init.calculate_gain('leaky_relu', True)",
    "init.calculate_gain('gelu')",
    # datasets and default_collate
    "D.TensorDataset(M.ones(5, 2), M.ones(4))",
    "D.TensorDataset(M.tensor(1.))",
    "D.TensorDataset(M.ones(3), M.tensor(1.))",
    "len(D.TensorDataset(M.ones(3, 2), M.ones(3)))",
    "D.default_collate([Pair(M.ones(2), 1), Pair(M.zeros(2), 2)])",
    "D.default_collate(['a', 'b'])",
    "D.default_collate([('a', 1), ('b', 2)])",
    "D.default_collate([b'a', b'b'])",
    "D.default_collate([None, None])",
    "D.default_collate([object(), object()])",
    "D.default_collate([1, 2])",
    "D.default_collate([1.5, 2])",
    "D.default_collate([1, 2.5])",
    "D.default_collate([True, False])",
    "D.default_collate([np.float32(1), np.float32(2)])",
    "D.default_collate([np.int32(1), np.int32(2)])",
    "D.default_collate([np.array(1.5), np.array(2.)])",
    "D.default_collate([np.array(['a']), np.array(['b'])])",
    "D.default_collate([[1, 2], [3]])",
    "D.default_collate([[1, 2], [3, 4]])",
    "D.default_collate([{'a': 1}, {'a': 2}])",
    "len(D.Dataset())",
    "D.Dataset()[0]",
]

RANDOM_EXPRESSIONS = [
    "M.randn(3, dtype=M.int64)",
    "M.rand(3, dtype=M.int64)",
    "M.rand(3, dtype=M.bool)",
    "M.randn(3, dtype=M.float64)",
    "M.rand(2, dtype=M.float16)",
    "M.rand_like(M.tensor([1, 2]))",
    "M.randn_like(M.tensor([1, 2]))",
    "M.randn_like(M.tensor([True]))",
    "M.randn_like(M.tensor(1.))",
    "M.rand_like(M.tensor(1.))",
    "M.rand_like(M.tensor([1, 2]), dtype=M.float32)",
    "M.rand_like(M.tensor([1.]), dtype=M.int64)",
    "M.randn(size=(2, 3))",
    "M.rand(size=(2, 3))",
    "M.randn()",
    "M.rand()",
    "M.randn(2, 3.0)",
    "M.randn(3, size=(2,))",
    "M.randint(3, 3, (2,))",
    "M.randint(3, 2, (2,))",
    "M.randint(high=5, size=(3,))",
    "M.randint(low=1, high=5, size=(3,))",
    "M.randint(size=(3,), high=5)",
    "M.randint(size=(3,))",
    "M.randint(5, (3,))",
    "M.randint(5, [3])",
    "M.randint(5)",
    "M.randint(5, 3)",
    "M.randint(0, 5, 3)",
    "M.randint(0, 5, (3.0,))",
    "M.randint(0, 5, (-1,))",
    "M.randint(0, 5, (3,), dtype=M.bool)",
    "M.randint(0, 2, (3,), dtype=M.bool)",
    "M.randint(0, 2.5, (3,))",
    "M.randint(0.5, 2, (3,))",
    "M.randint(True, (3,))",
    "M.randint(M.tensor(5), (3,))",
    "M.randint(0, 5, (3,), dtype=M.float32)",
    "M.randint(5, (3,), dtype=M.int32)",
    "M.randint(0, 2 ** 40, (3,), dtype=M.int32)",
    "M.randint(-2 ** 40, 1, (3,), dtype=M.int32)",
    "M.randint(0, 2 ** 40, (3,), dtype=M.float16)",
    "M.randperm(-1)",
    "M.randperm(0)",
    "M.randperm(3.0)",
    "M.randperm(True)",
    "M.randperm(M.tensor(3))",
    "M.randperm(3, dtype=M.float32)",
    "M.randperm(3, dtype=M.int32)",
    "M.randperm(3, dtype=M.bool)",
    "init.kaiming_uniform_(M.zeros(3, 3, dtype=M.float64))",
    "init.xavier_normal_(M.zeros(3, 3))",
]


def _names(module):
    data = torch.utils.data if module is torch else mg.data
    return {"M": module, "np": np, "init": module.nn.init, "D": data, "Pair": Pair}


def _run(expr, module):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return eval(expr, _names(module)), None
        except Exception as e:  # noqa: BLE001 - the exception is what is compared
            return None, e


def _compare(expr, same):
    expected, t_err = _run(expr, torch)
    got, m_err = _run(expr, mg)
    if t_err is not None:
        assert m_err is not None, f"{expr}: PyTorch raises {t_err!r}, minigrad gives {got!r}"
        assert isinstance(m_err, type(t_err)), f"{expr}: {m_err!r} is not a {type(t_err)}"
        return
    assert m_err is None, f"{expr}: minigrad raises {m_err!r}, PyTorch gives {expected!r}"
    same(expected, got, expr)


def _describe(value):
    """``_plain`` of the surface tests, dicts as their keys and values in turn."""
    if isinstance(value, dict):
        return ("list", [_describe(x) for item in value.items() for x in item])
    return _plain(value)


@pytest.mark.parametrize("expr", EXPRESSIONS)
def test_expression_matches_pytorch(expr):
    _compare(expr, lambda a, b, expr: _assert_same(_describe(a), _describe(b), expr))


def _kind(value):
    """Dtype, shape and requires_grad: what random draws share with PyTorch's."""
    return (str(value.dtype).replace("torch.", ""), tuple(value.shape), value.requires_grad)


def _same_kind(a, b, expr):
    assert _kind(a) == _kind(b), f"{expr}: torch {_kind(a)}, minigrad {_kind(b)}"


@pytest.mark.parametrize("expr", RANDOM_EXPRESSIONS)
def test_random_expression_matches_pytorch_in_dtype_shape_and_errors(expr):
    _compare(expr, _same_kind)


def test_namedtuples_collate_to_the_same_namedtuple():
    samples = [Pair(mg.ones(2), 1), Pair(mg.zeros(2), 2)]
    assert type(mg.data.default_collate(samples)) is Pair
    assert type(torch.utils.data.default_collate([Pair(torch.ones(2), 1)])) is Pair


def _linspace_cases(n):
    yield -10, 10, 7  # NumPy's start + i * step is 1 ulp off PyTorch's at -10 / 3
    rng = np.random.default_rng(0)
    for _ in range(n):
        steps = int(rng.choice([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 33, 50, 101, 257, 1000]))
        start, end = (float(rng.normal() * 10.0 ** rng.integers(-6, 7)) for _ in range(2))
        kind = rng.integers(3)
        if kind == 1:
            start, end = int(start), int(end)
        elif kind == 2:
            end = start
        yield start, end, steps


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32", "float16"])
def test_linspace_matches_pytorch_bit_for_bit(dtype):
    # PyTorch's first half is start + i * step, the second end - (steps - 1 - i) * step, each
    # one fused multiply-add: minigrad must give the same bits, not just close values
    for start, end, steps in _linspace_cases(300):
        expected, t_err = _run(f"M.linspace({start!r}, {end!r}, {steps}, dtype=M.{dtype})", torch)
        got, m_err = _run(f"M.linspace({start!r}, {end!r}, {steps}, dtype=M.{dtype})", mg)
        case = f"linspace({start!r}, {end!r}, {steps}, dtype={dtype})"
        if t_err is not None:
            assert isinstance(m_err, type(t_err)), (
                f"{case}: PyTorch raises {t_err!r}, minigrad {m_err!r}"
            )
            continue
        assert m_err is None, f"{case}: minigrad raises {m_err!r}"
        np.testing.assert_array_equal(got.numpy(), expected.numpy(), err_msg=case, strict=True)


@pytest.mark.parametrize("nonlinearity", ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                                          "conv_transpose2d", "conv_transpose3d", "sigmoid", "tanh",
                                          "relu", "leaky_relu", "selu"])  # fmt: skip
@pytest.mark.parametrize("param", [None, 0.2, 1])
def test_calculate_gain_returns_pytorch_values_and_types(nonlinearity, param):
    expected = torch.nn.init.calculate_gain(nonlinearity, param)
    got = mg.nn.init.calculate_gain(nonlinearity, param)
    assert type(got) is type(expected) and got == expected, (got, expected)


INITS = ["uniform_", "normal_", "constant_", "ones_", "zeros_", "xavier_uniform_",
         "xavier_normal_", "kaiming_uniform_", "kaiming_normal_"]  # fmt: skip


@pytest.mark.parametrize("name", INITS)
@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (0,)])
def test_zero_element_init_warns_as_pytorch(name, shape):
    def messages(module):
        args = (0.5,) if name == "constant_" else ()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                getattr(module.nn.init, name)(module.zeros(shape), *args)
            except (ValueError, ZeroDivisionError):  # fans of a 1-D or an all-empty tensor
                pass
        return [str(w.message) for w in caught if "zero-element" in str(w.message)]

    assert messages(mg) == messages(torch)
    if name.startswith("kaiming"):
        assert messages(mg), "the warning must be there to compare"


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize(
    "args",
    [(0, 0.95, 0.05), (1, 0, -0.1), (-3.3, 7.7, 0.37), (0, 1000, 0.7), (0.1, 50.3, 0.013),
     (5, -5, -0.03), (0, 1e4, 0.3), (0, 40000, 0.9), (1e-3, 1.0, 1.7e-4)],
)  # fmt: skip
def test_arange_with_a_fractional_step_is_pytorchs_to_the_bit(args, dtype, threads):
    # PyTorch's kernel rounds a vector's base, then adds to it (np.arange rounds each
    # start + i step once); a range longer than one grain is cut into one piece per thread
    before = torch.get_num_threads(), mg.get_num_threads()
    torch.set_num_threads(threads)
    mg.set_num_threads(threads)
    try:
        expected = torch.arange(*args, dtype=getattr(torch, dtype)).numpy()
        got = mg.arange(*args, dtype=getattr(mg, dtype)).numpy()
    finally:
        torch.set_num_threads(before[0])
        mg.set_num_threads(before[1])
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)
