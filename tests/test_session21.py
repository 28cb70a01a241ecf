"""Divergences found by the twenty-first session (each test fails on the code before its
fix; expected values are PyTorch 2.13's, or its documented rule)."""

import numpy as np
import pytest

import minigrad as mg

C = np.array([1 + 2j, 3 - 1j])


# ---- complex tensors: data without gradients --------------------------------------------
# minigrad holds complex data, but its VJPs are written for real numbers: before, a complex
# tensor could require grad and got wrong gradients (|z|'s was sign(Re z), not z/|z|).


@pytest.mark.parametrize(
    "make",
    [
        lambda: mg.tensor(C, requires_grad=True),
        lambda: mg.tensor(C).requires_grad_(),
        lambda: mg.nn.Parameter(mg.tensor(C)),
        lambda: mg.zeros(2, dtype=np.complex64, requires_grad=True),
    ],
)
def test_a_complex_tensor_cannot_require_grad(make):
    with pytest.raises(
        NotImplementedError, match=r"gradients of complex tensors \(got dtype complex(64|128)\)"
    ):
        make()


@pytest.mark.parametrize(
    ("op", "name"),
    [
        (lambda x: x * mg.tensor(C), "Mul"),
        (lambda x: x + C, "Add"),
        (lambda x: x.to(np.complex64), "ToCopy"),
        (lambda x: mg.where(x > 0, x, mg.tensor(C)), "Where"),
    ],
)
def test_a_complex_result_of_a_real_input_that_requires_grad_is_refused(op, name):
    x = mg.tensor([0.5, -1.5], dtype=mg.float64, requires_grad=True)
    with pytest.raises(NotImplementedError, match=f"{name}: .*gradients of complex tensors"):
        op(x)
    with mg.no_grad():  # without a graph, complex values are computed
        np.testing.assert_allclose(op(x).data, op(mg.tensor(x.data)).data)


def test_a_complex_gradient_for_a_real_output_is_refused():
    """PyTorch: RuntimeError (both must have the same dtype); minigrad dropped the imaginary
    part with NumPy's ComplexWarning."""
    x = mg.tensor([0.5, -1.5], dtype=mg.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match="complex gradient"):
        (x * 2).backward(mg.tensor(np.array([1j, 1])))
    assert x.grad is None
