"""autograd.Function with ctx.mark_dirty against PyTorch: the input changed in place is
returned as itself, takes the Function as its history, and gradients flow through it;
the errors for a leaf and for a dirty input not returned."""

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()


def _scale_(M):
    class Scale_(M.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.mark_dirty(x)
            ctx.k = k
            return x.mul_(k)

        @staticmethod
        def backward(ctx, g):
            return g * ctx.k, None

    return Scale_


@pytest.mark.parametrize("k", [2.0, -0.5])
@pytest.mark.parametrize("grad_mode", [True, False])
def test_values_identity_and_gradients_as_pytorch(k, grad_mode):
    seen = []
    for M in (mg, torch):
        a = M.tensor(np.linspace(-1, 2, 6).reshape(2, 3), dtype=M.float64, requires_grad=True)
        with M.set_grad_enabled(grad_mode):
            b = a * 1
            c = _scale_(M).apply(b, k)
        out = (c * c + a).sum() if grad_mode else None
        if out is not None:
            out.backward()
        seen.append((c is b, c.requires_grad, c.detach().numpy().copy(),
                     None if a.grad is None else a.grad.numpy().copy()))  # fmt: skip
    assert seen[0][:2] == seen[1][:2]
    np.testing.assert_allclose(seen[0][2], seen[1][2], rtol=1e-15)
    if grad_mode:
        np.testing.assert_allclose(seen[0][3], seen[1][3], rtol=1e-15)


def test_errors_as_pytorch():
    for M in (mg, torch):
        Scale_ = _scale_(M)
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            Scale_.apply(M.ones(2, requires_grad=True), 2.0)

        class NotReturned(M.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.mark_dirty(x)
                x.mul_(2)
                return x.clone()

            @staticmethod
            def backward(ctx, g):
                return g

        with pytest.raises(RuntimeError, match="marked as dirty"):
            NotReturned.apply(M.ones(2, requires_grad=True) * 1)
