"""The table of differentiable ops the gradient tests walk.

Each case is an op, the shapes of its Tensor inputs and how to draw them. The
tests check every case with central finite differences in float64 and compare the
forward value with NumPy; the property tests draw more shapes for the binary ops.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

import minigrad as mg


@dataclass
class Case:
    name: str
    fn: Callable  # on minigrad tensors
    ref: Callable  # the same on NumPy arrays (forward value)
    shapes: list  # list of tuples of input shapes
    low: float = -2.0
    high: float = 2.0
    # draws inputs away from kinks (relu/abs at 0, ties in max) where differences lie
    away_from: list = field(default_factory=list)

    def inputs(self, shapes: tuple, seed: int = 0) -> list:
        rng = np.random.default_rng(seed)
        out = []
        for s in shapes:
            x = rng.uniform(self.low, self.high, size=s)
            for k in self.away_from:
                x = np.where(np.abs(x - k) < 0.1, x + 0.25, x)
            out.append(x)
        return out


BROADCAST_PAIRS = [
    ((2, 3), (2, 3)),
    ((), (2, 3)),
    ((2, 3), ()),
    ((3,), (2, 3)),
    ((2, 3), (3,)),
    ((3, 1), (1, 4)),
    ((2, 3, 4), (4,)),
    ((2, 1, 4), (3, 1)),
]

UNARY_SHAPES = [((),), ((5,),), ((2, 3),), ((2, 3, 4),)]


def _softmax(x: np.ndarray, d: int) -> np.ndarray:
    e = np.exp(x - x.max(axis=d, keepdims=True))
    return e / e.sum(axis=d, keepdims=True)


CASES = [
    # arithmetic
    Case("add", lambda a, b: a + b, np.add, BROADCAST_PAIRS),
    Case("sub", lambda a, b: a - b, np.subtract, BROADCAST_PAIRS),
    Case("mul", lambda a, b: a * b, np.multiply, BROADCAST_PAIRS),
    Case("div", lambda a, b: a / b, np.divide, BROADCAST_PAIRS, low=0.5, high=2.0),
    Case("pow_tensor", lambda a, b: a**b, np.power, BROADCAST_PAIRS, low=0.5, high=2.0),
    Case("remainder", lambda a, b: a % b, np.remainder, BROADCAST_PAIRS[:4], low=0.5),
    Case("maximum", lambda a, b: mg.maximum(a, b), np.maximum, BROADCAST_PAIRS),
    Case("minimum", lambda a, b: mg.minimum(a, b), np.minimum, BROADCAST_PAIRS),
    Case(
        "add_alpha",
        lambda a, b: mg.add(a, b, alpha=-2.5),
        lambda a, b: a - 2.5 * b,
        BROADCAST_PAIRS[:3],
    ),  # fmt: skip
    Case(
        "where",
        lambda a, b: mg.where(a > 0, a, b),
        lambda a, b: np.where(a > 0, a, b),
        BROADCAST_PAIRS,
        away_from=[0.0],
    ),  # fmt: skip
    Case(
        "masked_fill",
        lambda a, v: a.masked_fill(a > 0, v.sum()),
        lambda a, v: np.where(a > 0, v.sum(), a),
        [((3, 4), (1,)), ((2, 3, 4), (2,))],
        away_from=[0.0],
    ),  # fmt: skip
    Case(
        "masked_fill_broadcasts_x",
        lambda a: a.masked_fill(mg.tensor([[True, False, True]] * 4), 0.5),
        lambda a: np.where(np.array([[True, False, True]] * 4), 0.5, a),
        [((1, 3),), ((4, 1),)],
    ),  # fmt: skip
    Case("neg", lambda a: -a, np.negative, UNARY_SHAPES),
    Case("radd", lambda a: 2.5 + a, lambda a: 2.5 + a, UNARY_SHAPES),
    Case("rsub", lambda a: 1 - a, lambda a: 1 - a, UNARY_SHAPES),
    Case("rmul", lambda a: 3 * a, lambda a: 3 * a, UNARY_SHAPES),
    Case("rdiv", lambda a: 1 / a, lambda a: 1 / a, UNARY_SHAPES, low=0.5),
    Case("pow_number", lambda a: a**3, lambda a: a**3, UNARY_SHAPES),
    Case("pow_half", lambda a: a**0.5, np.sqrt, UNARY_SHAPES, low=0.5),
    # the exponents PyTorch's pow kernel special-cases (ops._power), each a branch
    Case("pow_minus_half", lambda a: a**-0.5, lambda a: a**-0.5, UNARY_SHAPES, low=0.5),
    Case("pow_one", lambda a: a**1, lambda a: a, UNARY_SHAPES),
    Case("pow_two", lambda a: a**2, np.square, UNARY_SHAPES),
    Case("pow_minus_one", lambda a: a**-1, lambda a: 1 / a, UNARY_SHAPES, low=0.5),
    Case("pow_minus_two", lambda a: a**-2, lambda a: a**-2.0, UNARY_SHAPES, low=0.5),
    Case("pow_one_and_a_half", lambda a: a**1.5, lambda a: a**1.5, UNARY_SHAPES, low=0.5),
    Case("rpow", lambda a: 2**a, lambda a: 2**a, UNARY_SHAPES),
    # elementwise
    Case("exp", lambda a: mg.exp(a), np.exp, UNARY_SHAPES),
    Case("log", lambda a: mg.log(a), np.log, UNARY_SHAPES, low=0.1),
    Case("sqrt", lambda a: mg.sqrt(a), np.sqrt, UNARY_SHAPES, low=0.1),
    Case("abs", lambda a: mg.abs(a), np.abs, UNARY_SHAPES, away_from=[0.0]),
    Case("sin", lambda a: mg.sin(a), np.sin, UNARY_SHAPES),
    Case("cos", lambda a: mg.cos(a), np.cos, UNARY_SHAPES),
    Case("relu", lambda a: mg.relu(a), lambda a: np.maximum(a, 0), UNARY_SHAPES, away_from=[0.0]),
    Case("sigmoid", lambda a: mg.sigmoid(a), lambda a: 1 / (1 + np.exp(-a)), UNARY_SHAPES),
    Case("tanh", lambda a: mg.tanh(a), np.tanh, UNARY_SHAPES),
    Case(
        "clamp",
        lambda a: a.clamp(-0.5, 1.0),
        lambda a: np.clip(a, -0.5, 1.0),
        UNARY_SHAPES,
        away_from=[-0.5, 1.0],
    ),  # fmt: skip
    Case(
        "clamp_min",
        lambda a: a.clamp(min=0.3),
        lambda a: np.maximum(a, 0.3),
        UNARY_SHAPES,
        away_from=[0.3],
    ),  # fmt: skip
    Case(
        "round",
        lambda a: a.round(),
        np.round,
        UNARY_SHAPES,
        away_from=[-1.5, -0.5, 0.5, 1.5],
    ),  # fmt: skip
    Case(
        "round_decimals", lambda a: mg.round(a, decimals=1), lambda a: np.round(a, 1), [((2, 3),)]
    ),
    # reductions
    Case("sum", lambda a: a.sum(), np.sum, UNARY_SHAPES),
    Case("sum_dim", lambda a: a.sum(1), lambda a: a.sum(1), [((2, 3),), ((2, 3, 4),)]),
    Case(
        "sum_dims_keep",
        lambda a: a.sum((0, 2), keepdim=True),
        lambda a: a.sum((0, 2), keepdims=True),
        [((2, 3, 4),)],
    ),  # fmt: skip
    Case("mean", lambda a: a.mean(), np.mean, UNARY_SHAPES),
    Case(
        "mean_dim",
        lambda a: a.mean(-1, keepdim=True),
        lambda a: a.mean(-1, keepdims=True),
        [((2, 3),), ((2, 3, 4),)],
    ),  # fmt: skip
    Case("var", lambda a: a.var(), lambda a: a.var(ddof=1), UNARY_SHAPES[1:]),
    Case(
        "var_dim_biased",
        lambda a: a.var(0, unbiased=False),
        lambda a: a.var(0),
        [((4, 3),), ((3, 2, 2),)],
    ),  # fmt: skip
    Case("std", lambda a: a.std(), lambda a: a.std(ddof=1), UNARY_SHAPES[1:]),
    Case(
        "std_dim",
        lambda a: a.std(1, keepdim=True),
        lambda a: a.std(1, ddof=1, keepdims=True),
        [((2, 3),), ((2, 3, 4),)],
    ),  # fmt: skip
    Case("amax", lambda a: a.amax(), np.max, UNARY_SHAPES),
    Case("amax_dim", lambda a: a.amax((0, 1)), lambda a: a.max((0, 1)), [((2, 3, 4),)]),
    Case(
        "amin_dim",
        lambda a: a.amin(1, keepdim=True),
        lambda a: a.min(1, keepdims=True),
        [((2, 3),)],
    ),  # fmt: skip
    Case("max", lambda a: a.max(), np.max, UNARY_SHAPES),
    Case("min", lambda a: a.min(), np.min, UNARY_SHAPES),
    Case("max_dim", lambda a: a.max(dim=1).values, lambda a: a.max(1), [((2, 3),), ((2, 3, 4),)]),
    Case(
        "min_dim_keep",
        lambda a: a.min(dim=0, keepdim=True)[0],
        lambda a: a.min(0, keepdims=True),
        [((4, 3),)],
    ),  # fmt: skip
    Case(
        "topk",
        lambda a: a.topk(2).values,
        lambda a: -np.sort(-a, -1)[..., :2],
        [((5,),), ((2, 5),), ((2, 3, 4),)],
    ),  # fmt: skip
    Case(
        "topk_smallest_dim0",
        lambda a: mg.topk(a, 2, dim=0, largest=False)[0],
        lambda a: np.sort(a, 0)[:2],
        [((3, 4),)],
    ),  # fmt: skip
    Case("norm", lambda a: a.norm(), lambda a: np.sqrt((a * a).sum()), UNARY_SHAPES[1:]),
    Case(
        "norm_fro_dims",
        lambda a: a.norm(p="fro", dim=(0, 2), keepdim=True),
        lambda a: np.sqrt((a * a).sum((0, 2), keepdims=True)),
        [((2, 3, 4),)],
    ),  # fmt: skip
    Case(
        "norm_1",
        lambda a: mg.norm(a, 1, dim=1),
        lambda a: np.abs(a).sum(1),
        [((2, 3),), ((2, 3, 4),)],
        away_from=[0.0],
    ),  # fmt: skip
    Case(
        "norm_inf",
        lambda a: a.norm(p=float("inf"), dim=-1),
        lambda a: np.abs(a).max(-1),
        [((2, 3),), ((2, 3, 4),)],
        away_from=[0.0],
    ),  # fmt: skip
    Case(
        "norm_3",
        lambda a: a.norm(p=3, dim=(0, 1)),
        lambda a: (np.abs(a) ** 3).sum((0, 1)) ** (1 / 3),
        [((2, 3),), ((2, 3, 4),)],
        away_from=[0.0],
    ),  # fmt: skip
    Case(
        "norm_1_5",
        lambda a: a.norm(p=1.5, dim=0),
        lambda a: (np.abs(a) ** 1.5).sum(0) ** (1 / 1.5),
        [((4, 3),)],
        away_from=[0.0],
    ),  # fmt: skip
    Case(
        "norm_half",
        lambda a: a.norm(p=0.5),
        lambda a: (np.abs(a) ** 0.5).sum() ** 2,
        [((5,),), ((2, 3),)],
        away_from=[0.0],
    ),  # fmt: skip
    Case("softmax", lambda a: a.softmax(-1), lambda a: _softmax(a, -1), [((5,),), ((2, 3),)]),
    Case(
        "log_softmax",
        lambda a: a.log_softmax(1),
        lambda a: np.log(_softmax(a, 1)),
        [((2, 3),), ((2, 3, 4),)],
    ),  # fmt: skip
    Case(
        "logsumexp",
        lambda a: a.logsumexp(-1),
        lambda a: np.log(np.exp(a).sum(-1)),
        [((5,),), ((2, 3),), ((2, 3, 4),)],
    ),  # fmt: skip
    Case(
        "logsumexp_dims_keep",
        lambda a: mg.logsumexp(a, (0, 2), keepdim=True),
        lambda a: np.log(np.exp(a).sum((0, 2), keepdims=True)),
        [((2, 3, 4),)],
    ),  # fmt: skip
    # matmul and linear
    Case(
        "matmul",
        lambda a, b: a @ b,
        np.matmul,
        [
            ((3, 4), (4, 2)),
            ((4,), (4,)),
            ((4,), (4, 3)),
            ((3, 4), (4,)),
            ((2, 3, 4), (4, 5)),
            ((2, 3, 4), (2, 4, 5)),
            ((4,), (2, 4, 3)),
            ((2, 3, 4), (4,)),
            ((2, 1, 3, 4), (5, 4, 2)),
            ((2, 2, 3, 4), (4, 5)),
            ((2, 0, 4), (4, 3)),
        ],
    ),  # fmt: skip
    Case("mm", lambda a, b: mg.mm(a, b), np.matmul, [((3, 4), (4, 2)), ((1, 3), (3, 1))]),
    Case("bmm", lambda a, b: a.bmm(b), np.matmul, [((2, 3, 4), (2, 4, 5)), ((1, 2, 2), (1, 2, 3))]),
    Case(
        "linear",
        lambda x, w, b: mg.ops.linear(x, w, b),
        lambda x, w, b: x @ w.T + b,
        [
            ((5, 3), (4, 3), (4,)),
            ((3,), (4, 3), (4,)),
            ((2, 5, 3), (4, 3), (4,)),
            ((2, 2, 5, 3), (4, 3), (4,)),
        ],
    ),  # fmt: skip
    Case(
        "linear_nobias", lambda x, w: mg.ops.linear(x, w), lambda x, w: x @ w.T, [((5, 3), (4, 3))]
    ),  # fmt: skip
    # shape
    Case("reshape", lambda a: a.reshape(3, -1), lambda a: a.reshape(3, -1), [((2, 3),), ((3, 4),)]),
    Case("view", lambda a: a.view(-1), lambda a: a.reshape(-1), [((2, 3),)]),
    Case(
        "transpose",
        lambda a: a.transpose(0, -1),
        lambda a: np.swapaxes(a, 0, -1),
        [((2, 3),), ((2, 3, 4),)],
    ),  # fmt: skip
    Case("T", lambda a: a.T, lambda a: a.T, [((2, 3),)]),
    Case("permute", lambda a: a.permute(2, 0, 1), lambda a: a.transpose(2, 0, 1), [((2, 3, 4),)]),
    Case("flatten", lambda a: a.flatten(1), lambda a: a.reshape(a.shape[0], -1), [((2, 3, 4),)]),
    Case("squeeze", lambda a: a.squeeze(), np.squeeze, [((1, 3, 1),)]),
    Case("squeeze_dim", lambda a: a.squeeze(0), lambda a: a[0], [((1, 3, 1),)]),
    Case("unsqueeze", lambda a: a.unsqueeze(1), lambda a: a[:, None], [((2, 3),)]),
    Case(
        "expand",
        lambda a: a.expand(2, 3, 4),
        lambda a: np.broadcast_to(a, (2, 3, 4)),
        [((3, 1),), ((1, 4),)],
    ),  # fmt: skip
    Case("tril", lambda a: a.tril(), np.tril, [((3, 3),), ((2, 4),), ((2, 3, 4),)]),
    Case("tril_diagonal", lambda a: mg.tril(a, -1), lambda a: np.tril(a, -1), [((4, 3),)]),
    Case("triu", lambda a: a.triu(1), lambda a: np.triu(a, 1), [((3, 3),), ((2, 3, 4),)]),
    Case("triu_below", lambda a: mg.triu(a, diagonal=-1), lambda a: np.triu(a, -1), [((3, 2),)]),
    Case(
        "gather",
        lambda a: a.gather(1, mg.tensor([[0, 0, 2], [1, 1, 1]])),
        lambda a: np.take_along_axis(a[:2], np.array([[0, 0, 2], [1, 1, 1]]), 1),
        [((2, 3),), ((3, 4),)],
    ),  # fmt: skip
    Case(
        "gather_smaller_index",
        lambda a: mg.gather(a, 0, mg.tensor([[[1, 0]], [[1, 1]]])),
        lambda a: np.take_along_axis(a[:, :1, :2], np.array([[[1, 0]], [[1, 1]]]), 0),
        [((2, 3, 4),)],
    ),  # fmt: skip
    Case(
        "embedding",
        lambda w: mg.nn.functional.embedding(mg.tensor([[0, 2], [3, 3]]), w),
        lambda w: w[np.array([[0, 2], [3, 3]])],
        [((4, 3),), ((5, 1),)],
    ),  # fmt: skip
    Case("index_basic", lambda a: a[1:, None, ::2], lambda a: a[1:, None, ::2], [((3, 5),)]),
    Case("index_int", lambda a: a[1, ..., 2], lambda a: a[1, ..., 2], [((3, 4, 5),)]),
    Case(
        "index_array_repeats",
        lambda a: a[np.array([0, 2, 0, 0])],
        lambda a: a[np.array([0, 2, 0, 0])],
        [((3, 2),)],
    ),  # fmt: skip
    Case(
        "index_tensor_2d",
        lambda a: a[mg.tensor([1, 1]), mg.tensor([0, 2])],
        lambda a: a[[1, 1], [0, 2]],
        [((3, 4),)],
    ),  # fmt: skip
    Case("index_mask", lambda a: a[a > 0], lambda a: a[a > 0], [((3, 4),)], away_from=[0.0]),
    Case(
        "cat",
        lambda a, b: mg.cat([a, b], dim=1),
        lambda a, b: np.concatenate([a, b], 1),
        [((2, 3), (2, 2))],
    ),  # fmt: skip
    Case(
        "stack",
        lambda a, b: mg.stack([a, b], dim=1),
        lambda a, b: np.stack([a, b], 1),
        [((2, 3), (2, 3))],
    ),  # fmt: skip
    Case("clone", lambda a: a.clone(), np.copy, [((2, 3),)]),
    # more_ops.py: elementwise
    Case("square", lambda a: a.square(), np.square, UNARY_SHAPES),
    Case("reciprocal", lambda a: a.reciprocal(), lambda a: 1 / a, UNARY_SHAPES, low=0.5),
    Case("rsqrt", lambda a: a.rsqrt(), lambda a: 1 / np.sqrt(a), UNARY_SHAPES, low=0.5),
    Case("log1p", lambda a: a.log1p(), np.log1p, UNARY_SHAPES, low=-0.5),
    Case("expm1", lambda a: a.expm1(), np.expm1, UNARY_SHAPES),
    Case("log2", lambda a: a.log2(), np.log2, UNARY_SHAPES, low=0.1),
    Case("log10", lambda a: a.log10(), np.log10, UNARY_SHAPES, low=0.1),
    Case("exp2", lambda a: a.exp2(), np.exp2, UNARY_SHAPES),
    Case("sign", lambda a: a.sign(), np.sign, UNARY_SHAPES, away_from=[0.0]),
    Case("floor", lambda a: a.floor(), np.floor, UNARY_SHAPES, away_from=[-1.0, 0.0, 1.0]),
    Case("ceil", lambda a: a.ceil(), np.ceil, UNARY_SHAPES, away_from=[-1.0, 0.0, 1.0]),
    Case("trunc", lambda a: a.trunc(), np.trunc, UNARY_SHAPES, away_from=[-1.0, 0.0, 1.0]),
    Case(
        "frac",
        lambda a: a.frac(),
        lambda a: a - np.trunc(a),
        UNARY_SHAPES,
        away_from=[-1.0, 0.0, 1.0],
    ),  # fmt: skip
    Case("sinh", lambda a: a.sinh(), np.sinh, UNARY_SHAPES),
    Case("cosh", lambda a: a.cosh(), np.cosh, UNARY_SHAPES),
    Case("tan", lambda a: a.tan(), np.tan, UNARY_SHAPES, low=-1.2, high=1.2),
    Case("asin", lambda a: a.asin(), np.arcsin, UNARY_SHAPES, low=-0.9, high=0.9),
    Case("acos", lambda a: a.acos(), np.arccos, UNARY_SHAPES, low=-0.9, high=0.9),
    Case("atan", lambda a: a.atan(), np.arctan, UNARY_SHAPES),
    Case("atan2", lambda a, b: a.atan2(b), np.arctan2, BROADCAST_PAIRS, away_from=[0.0]),
    Case(
        "logit", lambda a: a.logit(), lambda a: np.log(a / (1 - a)), UNARY_SHAPES, low=0.1, high=0.9
    ),  # fmt: skip
    Case(
        "logit_eps",
        lambda a: a.logit(eps=0.2),
        lambda a: np.log(np.clip(a, 0.2, 0.8) / (1 - np.clip(a, 0.2, 0.8))),
        [((5,),), ((2, 3),)],
        low=0.0,
        high=1.0,
        away_from=[0.2, 0.8],
    ),  # fmt: skip
    Case(
        "clamp_min_method",
        lambda a: a.clamp_min(0.3),
        lambda a: np.maximum(a, 0.3),
        UNARY_SHAPES,
        away_from=[0.3],
    ),  # fmt: skip
    Case(
        "clamp_max_method",
        lambda a: a.clamp_max(-0.2),
        lambda a: np.minimum(a, -0.2),
        UNARY_SHAPES,
        away_from=[-0.2],
    ),  # fmt: skip
    Case("nan_to_num", lambda a: a.nan_to_num(), lambda a: a, UNARY_SHAPES),
    # more_ops.py: products, scans and sorting
    Case("prod", lambda a: a.prod(), np.prod, UNARY_SHAPES),
    Case("prod_dim", lambda a: a.prod(1), lambda a: a.prod(1), [((2, 3),), ((2, 3, 4),)]),
    Case(
        "prod_dim_keep",
        lambda a: a.prod(-1, keepdim=True),
        lambda a: a.prod(-1, keepdims=True),
        [((5,),), ((2, 3),)],
    ),  # fmt: skip
    Case("cumsum", lambda a: a.cumsum(0), lambda a: np.cumsum(a, 0), [((5,),), ((2, 3),)]),
    Case("cumsum_last", lambda a: a.cumsum(-1), lambda a: np.cumsum(a, -1), [((2, 3, 4),)]),
    Case("cumprod", lambda a: a.cumprod(1), lambda a: np.cumprod(a, 1), [((2, 3),), ((2, 4, 3),)]),
    Case("cumprod_first", lambda a: a.cumprod(0), lambda a: np.cumprod(a, 0), [((5,),)]),
    Case(
        "sort",
        lambda a: a.sort().values,
        lambda a: np.sort(a, -1),
        [((5,),), ((2, 3),), ((2, 3, 4),)],
    ),  # fmt: skip
    Case(
        "sort_descending_dim0",
        lambda a: a.sort(0, descending=True)[0],
        lambda a: -np.sort(-a, 0),
        [((4, 3),)],
    ),  # fmt: skip
    # more_ops.py: shape and selection
    Case("flip", lambda a: a.flip(0), lambda a: a[::-1], [((5,),), ((2, 3),)]),
    Case("flip_dims", lambda a: a.flip(0, 2), lambda a: a[::-1, :, ::-1], [((2, 3, 4),)]),
    Case("roll", lambda a: a.roll(2), lambda a: np.roll(a, 2), [((5,),), ((2, 3),)]),
    Case(
        "roll_dims",
        lambda a: a.roll((1, -1), (0, 2)),
        lambda a: np.roll(a, (1, -1), (0, 2)),
        [((2, 3, 4),)],
    ),  # fmt: skip
    Case("repeat", lambda a: a.repeat(2, 1, 3), lambda a: np.tile(a, (2, 1, 3)), [((2, 3),)]),
    Case("tile", lambda a: a.tile(2), lambda a: np.tile(a, 2), [((3,),), ((2, 3),)]),
    Case(
        "split",
        lambda a: a.split(2, dim=1)[1] * a.split(2, dim=1)[0][:, :1],
        lambda a: a[:, 2:4] * a[:, :1],
        [((2, 5),)],
    ),  # fmt: skip
    Case(
        "split_sizes",
        lambda a: a.split([1, 3])[1],
        lambda a: a[1:],
        [((4,),), ((4, 2),)],
    ),  # fmt: skip
    Case("chunk", lambda a: a.chunk(3, -1)[-1], lambda a: a[..., 4:], [((2, 5),)]),
    Case(
        "unbind",
        lambda a: a.unbind(1)[2] * a.unbind(1)[0],
        lambda a: a[:, 2] * a[:, 0],
        [((4, 3),)],
    ),
    Case("narrow", lambda a: a.narrow(1, -3, 2), lambda a: a[:, -3:-1], [((2, 4),), ((3, 5, 2),)]),
    Case(
        "index_select",
        lambda a: a.index_select(1, mg.tensor([2, 0, 2])),
        lambda a: a[:, [2, 0, 2]],
        [((2, 3),), ((3, 4, 2),)],
    ),  # fmt: skip
    Case(
        "movedim",
        lambda a: a.movedim((0, 1), (2, 0)),
        lambda a: np.moveaxis(a, (0, 1), (2, 0)),
        [((2, 3, 4),)],
    ),  # fmt: skip
    Case("swapaxes", lambda a: a.swapaxes(0, 2), lambda a: np.swapaxes(a, 0, 2), [((2, 3, 4),)]),
    Case("diagonal", lambda a: a.diagonal(), np.diagonal, [((3, 3),), ((2, 4),)]),
    Case(
        "diagonal_offset_dims",
        lambda a: a.diagonal(-1, 2, 0),
        lambda a: np.diagonal(a, -1, 2, 0),
        [((3, 2, 4),)],
    ),  # fmt: skip
    Case("diag_vector", lambda a: a.diag(1), lambda a: np.diag(a, 1), [((3,),)]),
    Case("diag_matrix", lambda a: a.diag(-1), lambda a: np.diag(a, -1), [((3, 3),), ((4, 2),)]),
    Case("trace", lambda a: a.trace(), np.trace, [((3, 3),), ((2, 4),)]),
    # more_ops.py: products of vectors and matrices
    Case("outer", lambda a, b: a.outer(b), np.outer, [((3,), (4,)), ((1,), (2,))]),
    Case("dot", lambda a, b: a.dot(b), np.dot, [((3,), (3,))]),
    Case("mv", lambda a, b: a.mv(b), np.matmul, [((2, 3), (3,)), ((1, 4), (4,))]),
    Case(
        "addmm",
        lambda c, a, b: c.addmm(a, b, beta=0.5, alpha=-2),
        lambda c, a, b: 0.5 * c + -2 * (a @ b),
        [((2, 4), (2, 3), (3, 4)), ((4,), (2, 3), (3, 4)), ((1, 1), (3, 2), (2, 2))],
    ),  # fmt: skip
]
