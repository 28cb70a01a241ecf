"""Torch-free checks of the names added in the ptensor round: the ``*_copy`` forms, ATen's
positional forms, factories on strides and the Tensor methods on memory and metadata,
against finite differences (mg.gradcheck, float64) and their formulas in NumPy."""

import numpy as np
import pytest

import minigrad as mg

RNG = np.random.default_rng(7)


def leaf(*shape):
    return mg.tensor(RNG.normal(size=shape), dtype=mg.float64, requires_grad=True)


# ---- the *_copy forms --------------------------------------------------------------------

COPY_CASES = [
    lambda x: mg.t_copy(x),
    lambda x: mg.permute_copy(x, (1, 0)),
    lambda x: mg.diagonal_copy(x, -1),
    lambda x: mg.select_copy(x, 0, 2),
    lambda x: mg.slice_copy(x, 1, 0, 4, 3),
    lambda x: mg.view_copy(x.t(), (2, 6)),
    lambda x: mg.unfold_copy(x, 0, 2, 1),
    lambda x: mg.as_strided_copy(x, (3, 3), (1, 1), 2),
    lambda x: mg.expand_copy(x[:1], (2, 3, 4)),
    lambda x: mg.split_copy(x, 2)[1] * mg.unbind_copy(x, 1)[0][:1],
    lambda x: mg.split_with_sizes_copy(x, [3, 1], 1)[0],
    lambda x: mg.squeeze_copy(mg.unsqueeze_copy(x, 0), (0,)),
]


@pytest.mark.parametrize("i", range(len(COPY_CASES)))
def test_copy_forms_gradcheck(i):
    assert mg.gradcheck(COPY_CASES[i], (leaf(3, 4),))


def test_copy_forms_equal_the_views_but_own_their_memory():
    x = mg.tensor(np.arange(12.0).reshape(3, 4))
    pairs = [(mg.t_copy(x), x.t()), (mg.diagonal_copy(x, 1), x.diagonal(1)),
             (mg.unfold_copy(x, 1, 2, 2), x.unfold(1, 2, 2)),
             (mg.expand_copy(x[:, :1], (3, 2)), x[:, :1].expand(3, 2))]  # fmt: skip
    for c, v in pairs:
        assert np.array_equal(c.numpy(), v.numpy())
        assert c.is_contiguous() and not np.shares_memory(c.numpy(), x.numpy())
    y = mg.alias_copy(x)
    y.zero_()
    assert x.sum().item() == 66.0
