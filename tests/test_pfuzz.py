"""Torch-free checks of the programs the differential fuzzer (test_torch_oracle_pfuzz) found."""

import warnings

import numpy as np

import minigrad as mg


def test_0d_conjugate_transposes_are_the_tensor_itself():
    x = mg.tensor(2.0, dtype=mg.float64, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for y in (x.mT, x.mH, x.H, x.adjoint()):
            assert y is x and y.is_leaf and y.grad_fn is None
        z = x * 3
        assert z.mT is z
        assert mg.gradcheck(lambda t: (t * 3).mT.exp(), [x])
    np.testing.assert_allclose(x.mT.detach().numpy(), 2.0)
