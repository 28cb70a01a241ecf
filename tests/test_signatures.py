"""Public functions take their tensors under PyTorch's names (``input``, ``other``,
``exponent``, ``mat2``, ...), so keyword calls written for PyTorch work; no parameter
keeps a one-letter name of the engine's own."""

import inspect

import pytest

import minigrad as mg
import minigrad.nn.functional as F


def _public_functions():
    for module in (mg, F):
        for name in sorted(dir(module)):
            f = getattr(module, name)
            if name.startswith("_") or isinstance(f, type) or not callable(f):
                continue
            try:
                params = list(inspect.signature(f).parameters)
            except (TypeError, ValueError):
                continue
            yield f"{module.__name__}.{name}", params


# PyTorch's own one-letter names: torch.tensordot(a, b, dims=2), torch.trapezoid(y, x) (and
# its older name trapz), torch.vander(x, N), torch.set_default_tensor_type(t),
# torch.set_warn_always(b), torch.norm_except_dim(v, pow, dim)
PYTORCH_ONE_LETTER = ("tensordot", "trapezoid", "trapz", "cumulative_trapezoid", "vander",
                      "set_default_tensor_type", "set_warn_always", "norm_except_dim")  # fmt: skip
FUNCTIONS = [
    (n, p) for n, p in _public_functions() if n.removeprefix("minigrad.") not in PYTORCH_ONE_LETTER
]


def test_there_are_many_public_functions():
    assert len(FUNCTIONS) > 300


@pytest.mark.parametrize("name, params", FUNCTIONS, ids=[n for n, _ in FUNCTIONS])
def test_no_one_letter_tensor_names(name, params):
    assert not {"x", "a", "b", "t", "v", "y"} & set(params), (name, params)


@pytest.mark.parametrize(
    "call",
    [
        lambda: mg.pow(input=mg.tensor([2.0]), exponent=3),
        lambda: mg.where(mg.tensor([True]), input=mg.tensor([8.0]), other=mg.tensor([0.0])),
        lambda: mg.mm(input=mg.tensor([[2.0]]), mat2=mg.tensor([[4.0]])),
        lambda: mg.sum(input=mg.tensor([3.0, 5.0])),
        lambda: F.linear(input=mg.tensor([[2.0]]), weight=mg.tensor([[4.0]])),
        lambda: mg.split(tensor=mg.tensor([8.0]), split_size_or_sections=1)[0],
    ],
)
def test_keyword_calls(call):
    assert call().item() == 8.0


def test_numpy_names_for_dim_and_keepdim():
    x = mg.arange(6.0).reshape(2, 3)
    assert x.sum(axis=1, keepdims=True).tolist() == [[3.0], [12.0]]
    assert mg.mean(x, axis=0).tolist() == [1.5, 2.5, 3.5]
    with pytest.raises(TypeError, match="alias"):
        x.sum(dim=0, axis=1)
