# ruff: noqa: E501 - the expressions and their messages are data, one per line
"""Bad input gets an exception that names the op and the shapes or values involved.

Each case is an expression over a few small tensors, the exception class it must raise
and a pattern its message must match: the op's name first, then the dim, shape or value
that is wrong. Never a bare message that could come from anywhere, nor NumPy's own
error from deep inside the engine. (Probe 21a; PyTorch's classes are checked in
test_torch_oracle_errors21.py.)
"""

import traceback
import warnings

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.errors import OpError


def _env():
    return {
        "mg": mg, "nn": nn, "F": F, "np": np,
        "a": mg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True),
        "v": mg.tensor([1.0, 2.0, 3.0]),
        "s": mg.tensor(2.0),
        "e": mg.zeros(0, 3),
        "i": mg.tensor([[1, 2, 3], [4, 5, 6]]),
        "bo": mg.tensor([[True, False, True], [False, True, False]]),
        "lab": mg.tensor([0, 2]),
        "p": mg.tensor([[0.2, 0.5, 0.9], [0.1, 0.4, 0.7]]),
    }  # fmt: skip


OUT_OF_RANGE = r"Dimension out of range \(expected to be in range of \[-2, 1\], but got {}\)"

# dims out of range, positive and negative: every op that takes a dim names itself
DIM_CASES = [
    (f"a.{op}({d})", IndexError, f"^{name}: " + OUT_OF_RANGE.format(d))
    for op, name in [
        ("sum", "sum"), ("mean", "mean"), ("var", "var"), ("std", "std"), ("amax", "amax"),
        ("amin", "amin"), ("argmax", "argmax"), ("argmin", "argmin"), ("logsumexp", "logsumexp"),
        ("softmax", "softmax"), ("log_softmax", "log_softmax"), ("all", "all"), ("any", "any"),
        ("max", "max"), ("min", "min"), ("flatten", "flatten"),
        ("squeeze", "squeeze"), ("cumsum", "cumsum"), ("prod", "prod"), ("unbind", "unbind"),
        ("flip", "flip"), ("size", "size"),
    ]
    for d in (2, -3)
] + [
    ("a.norm(dim=2)", IndexError, "^norm: " + OUT_OF_RANGE.format(2)),
    ("a.transpose(0, 2)", IndexError, "^transpose: " + OUT_OF_RANGE.format(2)),
    ("a.unsqueeze(3)", IndexError, r"^unsqueeze: Dimension out of range \(expected to be in range of \[-3, 2\], but got 3\)"),
    ("mg.cat([a, a], dim=2)", IndexError, "^cat: " + OUT_OF_RANGE.format(2)),
    ("mg.stack([a, a], dim=-4)", IndexError, r"^stack: Dimension out of range \(expected to be in range of \[-3, 2\], but got -4\)"),
    ("a.split(1, dim=2)", IndexError, "^split: " + OUT_OF_RANGE.format(2)),
    ("a.chunk(2, dim=2)", IndexError, "^chunk: " + OUT_OF_RANGE.format(2)),
    ("a.narrow(2, 0, 1)", IndexError, "^narrow: " + OUT_OF_RANGE.format(2)),
    ("a.index_select(2, mg.tensor([0]))", IndexError, "^index_select: " + OUT_OF_RANGE.format(2)),
    ("a.gather(2, mg.tensor([[0]]))", IndexError, "^gather: " + OUT_OF_RANGE.format(2)),
    ("a.movedim(0, 2)", IndexError, "^movedim: " + OUT_OF_RANGE.format(2)),
    ("a.roll(1, 2)", IndexError, "^roll: " + OUT_OF_RANGE.format(2)),
    ("a.diagonal(0, 0, 2)", IndexError, "^diagonal: " + OUT_OF_RANGE.format(2)),
    ("a.unflatten(2, (1, 3))", IndexError, "^unflatten: " + OUT_OF_RANGE.format(2)),
    ("a.tensor_split(2, dim=2)", IndexError, "^tensor_split: " + OUT_OF_RANGE.format(2)),
    ("a.topk(2, dim=2)", IndexError, "^topk: " + OUT_OF_RANGE.format(2)),
    ("a.sort(dim=-3)", IndexError, "^sort: " + OUT_OF_RANGE.format(-3)),
    ("F.softmax(a, dim=2)", IndexError, "^softmax: " + OUT_OF_RANGE.format(2)),
    ("nn.LogSoftmax(dim=-3)(a)", IndexError, "^log_softmax: " + OUT_OF_RANGE.format(-3)),
    ("nn.Flatten(start_dim=3)(a)", IndexError, "^flatten: " + OUT_OF_RANGE.format(3)),
    ("s.softmax(1)", IndexError, r"^softmax: Dimension out of range \(expected to be in range of \[-1, 0\], but got 1\)"),
    # repeated dims and dims that are not ints
    ("a.sum(dim=(0, -2))", OpError, r"^sum: dim 0 appears multiple times in the list of dims \(0, -2\)"),
    ("a.flip((0, 0))", OpError, r"^flip: dim 0 appears multiple times"),
    ("a.mean(dim=1.5)", TypeError, r"^mean: dim must be an int or a tuple of ints, got 1\.5"),
    ("a.max(dim=(0, 1))", TypeError, r"^max: dim must be an int, got \(0, 1\)"),
    ("a.transpose(0.0, 1)", TypeError, r"^transpose: dim must be an int, got 0\.0"),
]  # fmt: skip

SIZE_CASES = [
    ("a.reshape('a')", TypeError, r"^reshape: expected a sequence of ints, but got \('str',\)"),
    ("a.reshape(2.0, 3)", TypeError, r"^reshape: expected a sequence of ints, but got \('float', 'int'\)"),
    ("a.view(2.5)", TypeError, r"^view: expected a sequence of ints"),
    ("a.view(4, 2)", OpError, r"^view: shape \(4, 2\) is invalid for input of shape \(2, 3\) \(6 elements\)"),
    ("a.view(-2, 3)", OpError, r"^view: invalid shape dimension in \(-2, 3\)"),
    ("a.expand(2, 3.0)", TypeError, r"^expand: expected a sequence of ints"),
    ("a.permute(1.0, 0)", TypeError, r"^permute: expected a sequence of ints"),
    ("a.repeat(2, 1.5)", TypeError, r"^repeat: expected a sequence of ints"),
    ("a.tile(1.5)", TypeError, r"^tile: expected a sequence of ints"),
    ("a.roll(1.5, 0)", TypeError, r"^roll: expected a sequence of ints"),
    ("a.split(1.5)", TypeError, r"^split: expected a sequence of ints"),
    ("a.chunk(1.5)", TypeError, r"^chunk\(\): argument 'chunks' must be int, not float"),
    ("a.tensor_split(0)", RuntimeError, r"^tensor_split: number of sections must be larger than 0, got 0"),
    ("a.item()", RuntimeError, r"^item: a Tensor with 6 elements cannot be converted to Scalar \(shape \(2, 3\)\)"),
    ("e.item()", RuntimeError, r"^item: a Tensor with 0 elements .*\(shape \(0, 3\)\)"),
]  # fmt: skip

OPERAND_CASES = [
    ("mg.eq(a, [1.0, 2.0])", TypeError, r"^eq: expected a Tensor, a number or an array as operand, but got list"),
    ("mg.lt(a, None)", TypeError, r"^lt: expected a Tensor, a number or an array as operand, but got NoneType"),
    ("mg.where(bo, [1.0], a)", TypeError, r"^where: expected a Tensor, a number or an array as operand, but got list"),
    ("a.clamp(min='a')", TypeError, r"^clamp: expected a Tensor, a number or an array as operand, but got str"),
    ("a.masked_fill(bo, 'x')", TypeError, r"^masked_fill: expected a Tensor, a number or an array as operand, but got str"),
    ("mg.bitwise_and(i, None)", TypeError, r"^bitwise_and: expected a Tensor"),
]  # fmt: skip

LOSS_CASES = [
    (f"F.{name}({args}, reduction='avg')", ValueError, f"^{name}: avg is not a valid value for reduction")
    for name, args in [
        ("mse_loss", "a, a"), ("l1_loss", "a, a"), ("smooth_l1_loss", "a, a"), ("huber_loss", "a, a"),
        ("kl_div", "a, a"), ("binary_cross_entropy", "p, p"), ("binary_cross_entropy_with_logits", "a, p"),
        ("cross_entropy", "a, lab"), ("nll_loss", "a, lab"), ("margin_ranking_loss", "v, v, v"),
        ("hinge_embedding_loss", "a, a"), ("soft_margin_loss", "a, a"),
        ("cosine_embedding_loss", "a, a, mg.ones(2)"), ("triplet_margin_loss", "a, a, a"),
        ("poisson_nll_loss", "a, a"), ("multi_margin_loss", "a, lab"),
    ]
] + [
    ("F.gaussian_nll_loss(a, a, mg.ones(2, 3), reduction='avg')", ValueError, "^gaussian_nll_loss: avg is not valid"),
    ("F.multilabel_soft_margin_loss(a, p, reduction='avg')", ValueError, "^multilabel_soft_margin_loss: avg is not valid"),
    ("F.gaussian_nll_loss(a, a, mg.ones(4))", ValueError, r"^gaussian_nll_loss: var is of incorrect size \(4,\) \(input of shape \(2, 3\)\)"),
    ("F.gaussian_nll_loss(a, a, -mg.ones(2, 3))", ValueError, "^gaussian_nll_loss: var has negative entry"),
    ("F.multi_margin_loss(a, mg.tensor([0, 3]))", RuntimeError, r"^multi_margin_loss: target out of range \(the input has 3 classes, target from 0 to 3\)"),
    ("F.multi_margin_loss(a, lab, p=3)", ValueError, "^multi_margin_loss: only p == 1 and p == 2 supported, got 3"),
    ("F.multi_margin_loss(a, lab, weight=mg.ones(2))", RuntimeError, r"^multi_margin_loss: inconsistent weight size, expected 3 but got \[2\]"),
    ("F.multi_margin_loss(a, mg.tensor([0.0, 1.0]))", RuntimeError, "^multi_margin_loss: expected scalar type Long but found Float"),
] + [
    ("nn.MSELoss(reduction=None)(a, a)", ValueError, "^mse_loss: None is not a valid value for reduction"),
    ("nn.CrossEntropyLoss(reduction='x')(a, lab)", ValueError, "^cross_entropy: x is not a valid value"),
    ("F.cross_entropy(a, mg.tensor([0, 3]))", IndexError, r"^cross_entropy: Target 3 is out of bounds \(the input has 3 classes\)"),
    ("F.nll_loss(a, mg.tensor([0, -1]))", IndexError, r"^nll_loss: Target -1 is out of bounds \(the input has 3 classes\)"),
    ("nn.CrossEntropyLoss()(a, mg.tensor([0, 5]))", IndexError, r"^cross_entropy: Target 5 is out of bounds"),
    ("F.cross_entropy(a, mg.tensor([0.0, 1.0]))", RuntimeError, r"^cross_entropy: expected target dtype to be Long or Byte, but got Float \(the targets are class indices\)"),
    ("F.nll_loss(a, mg.tensor([0, 1], dtype=mg.int32))", RuntimeError, r"^nll_loss: expected target dtype to be Long or Byte, but got Int"),
    ("F.cross_entropy(a, mg.tensor([0, 1, 2]))", ValueError, r"^cross_entropy: Expected input batch_size \(2\) to match target batch_size \(3\) \(input of shape \(2, 3\), target \(3,\)\)"),
    ("F.cross_entropy(a, mg.ones(2, 4))", RuntimeError, r"^cross_entropy: 0D or 1D target tensor expected, multi-target not supported \(input of shape \(2, 3\), target \(2, 4\)\)"),
    ("F.cross_entropy(mg.ones(2, 2, 2), mg.tensor([0, 1]))", RuntimeError, r"^cross_entropy: Expected target size \[2, 2\], got \[2\] \(input of shape \(2, 2, 2\)\)"),
    ("F.nll_loss(v, mg.tensor([0, 1]))", ValueError, r"^nll_loss: For 1D input, 1D target must have size 1"),
    ("F.cross_entropy(a, lab, weight=mg.ones(2))", RuntimeError, r"^cross_entropy: weight tensor should be defined either for all 3 classes .* shape: \(2,\)"),
    ("F.nll_loss(a, lab, weight=mg.ones(3, dtype=mg.float64))", RuntimeError, r"^nll_loss: expected scalar type Float but found Double"),
    ("F.cross_entropy(a, lab, label_smoothing=1.5)", RuntimeError, r"^cross_entropy: label_smoothing must be between 0\.0 and 1\.0\. Got: 1\.5"),
    ("F.cross_entropy(a, bo)", RuntimeError, r"^cross_entropy: Expected floating point type for target with class probabilities, got Bool"),
    ("F.cross_entropy(a, p, ignore_index=0)", RuntimeError, r"^cross_entropy: ignore_index is not supported for floating point target"),
    ("F.cross_entropy(a, lab, ignore_index=1.5)", TypeError, r"^cross_entropy\(\): argument 'ignore_index' must be int"),
    ("F.cross_entropy(s, mg.tensor(0))", OpError, r"^cross_entropy: the input must have at least 1 dimension \(the classes\), got a 0-d tensor"),
    ("F.nll_loss(s, mg.tensor(0))", OpError, r"^nll_loss: the input must have at least 1 dimension"),
    ("F.binary_cross_entropy(a, mg.ones(2, 3))", RuntimeError, r"^binary_cross_entropy: all elements of input should be between 0 and 1 \(of shape \(2, 3\), from 1\.0 to 6\.0\)"),
    ("F.binary_cross_entropy(p, p * 3)", RuntimeError, r"^binary_cross_entropy: all elements of target should be between 0 and 1 \(of shape \(2, 3\)"),
    ("F.binary_cross_entropy(i, i)", NotImplementedError, r"^binary_cross_entropy: \"binary_cross_entropy\" not implemented for 'Long'"),
    ("F.binary_cross_entropy(mg.tensor([0, 1]), mg.tensor([0, 1]))", NotImplementedError, r"^binary_cross_entropy: \"binary_cross_entropy\" not implemented for 'Long'"),
    ("F.binary_cross_entropy(bo, bo)", NotImplementedError, r"^binary_cross_entropy: \"binary_cross_entropy\" not implemented for 'Bool'"),
    ("F.mse_loss(i, i)", NotImplementedError, r"^mse_loss: \"mse_cpu\" not implemented for 'Long'"),
    ("F.one_hot(mg.tensor([-1, 0]))", RuntimeError, r"^one_hot: Class values must be non-negative, got -1"),
    ("F.one_hot(mg.tensor([3]), 2)", RuntimeError, r"^one_hot: Class values must be smaller than num_classes \(2\), got 3"),
]  # fmt: skip

ARGUMENT_CASES = [
    ("F.leaky_relu(a, 'x')", TypeError, r"^leaky_relu\(\): argument 'negative_slope' must be a number, not str"),
    ("F.dropout(a, p='a')", TypeError, r"^dropout\(\): argument 'p' must be a number, not str"),
    ("F.dropout(a, p=1.5)", ValueError, r"^dropout: probability has to be between 0 and 1, but got 1\.5"),
    ("nn.Dropout(p='a')", TypeError, r"^Dropout: p must be a number, not str"),
    ("nn.Dropout(p=-1)", ValueError, r"^dropout probability has to be between 0 and 1, but got -1"),
    ("nn.BatchNorm1d(-1)", OpError, r"^BatchNorm1d: Trying to create tensor with negative dimension: -1"),
    ("nn.BatchNorm2d(2.5)", TypeError, r"^BatchNorm2d: the sizes must be ints, got 2\.5"),
    ("nn.LayerNorm(-1)", OpError, r"^LayerNorm: Trying to create tensor with negative dimension: \(-1,\)"),
    ("nn.GroupNorm(1, -2)", OpError, r"^GroupNorm: Trying to create tensor with negative dimension"),
    ("nn.Linear(3, -1)", OpError, r"^Linear: negative dimension in size \(-1, 3\)"),
    ("nn.Linear(3.5, 2)", TypeError, r"^Linear: argument 'size' must be int, not float"),
    ("nn.Embedding(-1, 2)", OpError, r"^Embedding: negative dimension in size \(-1, 2\)"),
    ("nn.Conv2d(3, 4, -1)", OpError, r"^Conv2d: negative dimension in size \(4, 3, -1, -1\)"),
    ("nn.Conv1d(3, 4, 2.5)", TypeError, r"^Conv1d: argument 'size' must be int, not float"),
    ("mg.zeros(2, -3)", OpError, r"^zeros: negative dimension in size \(2, -3\)"),
    ("mg.ones((-1,))", OpError, r"^ones: negative dimension in size \(-1,\)"),
    ("mg.full((2, -1), 1.0)", OpError, r"^full: negative dimension in size \(2, -1\)"),
    ("mg.randn(2.5)", TypeError, r"^randn: argument 'size' must be int, not float"),
    ("mg.rand(-2)", OpError, r"^rand: negative dimension in size \(-2,\)"),
    ("mg.randint(0, 5, (-1,))", OpError, r"^randint: negative dimension in size \(-1,\)"),
    ("mg.bmm(a, [[1.0], [2.0], [3.0]])", TypeError, r"^bmm\(\): argument 'mat2' must be Tensor, not list"),
    ("nn.Parameter([1.0, 2.0])", TypeError, r"^Parameter: data must be a Tensor, not list"),
    ("nn.Parameter(mg.ones(2), requires_grad='x')", TypeError, r"^Parameter\(\): argument 'requires_grad' must be bool, not str"),
    ("mg.tensor([1.0, 2.0], dtype='float')", TypeError, r"^tensor\(\): argument 'dtype' must be a dtype \(mg\.float32, \.\.\.\), not the name 'float'"),
    ("mg.zeros(2, dtype='float32')", TypeError, r"argument 'dtype' must be a dtype .*not the name 'float32'"),
    ("mg.full((2,), 1.0, dtype='float64')", TypeError, r"argument 'dtype' must be a dtype"),
    ("mg.arange(3, dtype='int64')", TypeError, r"argument 'dtype' must be a dtype"),
    ("a.max(dim=None)", TypeError, r"^max\(\): argument 'dim' must be int, not NoneType"),
    ("a.min(None, keepdim=True)", TypeError, r"^min\(\): argument 'dim' must be int, not NoneType"),
    ("mg.max(a, dim=None)", TypeError, r"^max\(\): argument 'dim' must be int"),
    ("a.prod(dim=None)", TypeError, r"^prod\(\): argument 'dim' must be int, not NoneType"),
    ("a.softmax(dim=None)", TypeError, r"^softmax\(\): argument 'dim' must be int, not NoneType"),
    ("a.log_softmax(None)", TypeError, r"^log_softmax\(\): argument 'dim' must be int, not NoneType"),
    ("a.std(dim=1, unbiased=False, correction=1)", TypeError, r"^std\(\): takes unbiased or correction, not both \(got unbiased=False, correction=1\)"),
    ("a.var(True, correction=0)", TypeError, r"^var\(\): takes unbiased or correction, not both"),
    ("a.tile(-1)", RuntimeError, r"^tile: negative repeat count in \(1, -1\)"),
    ("a.to(5)", RuntimeError, r"device 'cuda:5' is not available"),
    ("F.kl_div(v, v, log_target='x')", TypeError, r"^kl_div\(\): argument 'log_target' must be bool, not str"),
    ("F.cosine_similarity(v, v, dim=0, eps=-1.0)", RuntimeError, r"^cosine_similarity: eps must be non-negative, got: -1\.0"),
    ("F.softplus(a, beta='x')", TypeError, r"^softplus\(\): beta and threshold must be numbers, got 'x' and 20\.0"),
    ("e.norm(-1)", RuntimeError, r"cannot compute the -1 norm over an empty dim of \(0, 3\)"),
    ("e.norm(-0.5, dim=0)", RuntimeError, r"cannot compute the -0\.5 norm over an empty dim of \(0, 3\)"),
]  # fmt: skip

CASES = DIM_CASES + SIZE_CASES + OPERAND_CASES + LOSS_CASES + ARGUMENT_CASES


@pytest.mark.parametrize(("expr", "error", "pattern"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_raises_an_error_naming_the_op(expr, error, pattern):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(error, match=pattern) as info:
            eval(expr, _env())
    # raised by minigrad, not by NumPy below it
    last = traceback.extract_tb(info.value.__traceback__)[-1].filename
    assert "/numpy/" not in last, f"{expr}: raised in {last}"
    assert not type(info.value).__module__.startswith("numpy"), type(info.value)


# ---- what used to return a value and now refuses, or returned the wrong one -------------


def test_max_and_min_with_a_tensor_dim_and_keepdim_reduce_along_it():
    """``a.max(t, keepdim=True)`` with a one-element integer Tensor t is max along dim t
    (PyTorch's (dim, keepdim) overload); it was the elementwise maximum(a, t)."""
    a = mg.tensor([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]])
    values, indices = a.max(mg.tensor(1), keepdim=True)
    assert values.tolist() == [[5.0], [6.0]] and indices.tolist() == [[1], [2]]
    values, indices = a.min(mg.tensor(0), keepdim=False)
    assert values.tolist() == [1.0, 2.0, 3.0] and indices.tolist() == [0, 1, 0]
    assert a.max(mg.tensor(4.0)).tolist() == [[4.0, 5.0, 4.0], [4.0, 4.0, 6.0]]  # maximum
    # no dim at all is still the whole tensor; an explicit None is refused
    assert a.max().item() == 6.0 and a.min().item() == 1.0 and mg.max(a).item() == 6.0
    assert a.prod().item() == 720.0 and mg.prod(a).item() == 720.0
    with pytest.raises(TypeError, match="max"):
        a.max(None)


def test_mse_loss_of_an_integer_input_and_a_float_target_is_in_the_target_dtype():
    """PyTorch promotes int64 and float32 to float32; NumPy's int64 - float32 is float64."""
    out = F.mse_loss(mg.tensor([0, 1, 3]), mg.tensor([0.0, 1.0, 1.0]))
    assert out.dtype == mg.float32
    assert out.item() == pytest.approx(4.0 / 3.0)


def test_dtype_names_are_refused_and_dtypes_still_work():
    """NumPy reads 'float' as float64, where PyTorch's float is float32: names are refused."""
    for make in (lambda d: mg.zeros(2, dtype=d), lambda d: mg.tensor([1], dtype=d)):
        with pytest.raises(TypeError, match="'float'"):
            make("float")
    assert mg.zeros(2, dtype=mg.float64).dtype == mg.float64
    assert mg.tensor([1, 2], dtype=mg.float32).dtype == mg.float32
    assert mg.tensor([1.0], dtype=float).dtype == mg.float64  # PyTorch reads float as float64


def test_parameter_takes_tensors_and_arrays_but_not_lists():
    with pytest.raises(TypeError, match="Parameter: data must be a Tensor, not tuple"):
        nn.Parameter((1.0, 2.0))
    t = mg.ones(2)
    assert nn.Parameter(t).data is t.data
    assert nn.Parameter(np.zeros(3, np.float32)).shape == (3,)
    assert nn.Parameter().shape == (0,)


def test_an_optimizer_state_of_another_shape_is_refused_when_loaded():
    """It used to load, and the next step raised NumPy's broadcast error from deep inside."""
    w = nn.Parameter(mg.ones(2))
    w.grad = mg.ones(2)
    opt = mg.optim.Adam([w], lr=0.1)
    opt.step()
    saved = opt.state_dict()
    saved["state"][0]["exp_avg"] = mg.ones(3)
    with pytest.raises(
        OpError,
        match=r"^Adam\.load_state_dict: state 'exp_avg' of shape \(3,\) does not match its parameter's shape \(2,\)",
    ):
        opt.load_state_dict(saved)
    saved["state"][0]["exp_avg"] = mg.ones(2)  # the right shape loads, and steps
    opt.load_state_dict(saved)
    opt.step()
    assert opt.state[w]["step"].item() == 2.0


def test_dropout_takes_a_zero_dim_tensor_probability():
    out = F.dropout(mg.ones(40, 50), p=mg.tensor(0.5))
    assert set(np.unique(out.numpy())) == {0.0, 2.0}
