"""conv_tbc as conv1d in the (time, batch, channels) layout, checked by finite differences."""

import numpy as np

import minigrad as mg


def test_conv_tbc_is_conv1d_over_time_and_its_gradients_check():
    rng = np.random.default_rng(0)
    x = mg.tensor(rng.standard_normal((6, 2, 3)), requires_grad=True)
    w = mg.tensor(rng.standard_normal((2, 3, 4)), requires_grad=True)
    b = mg.tensor(rng.standard_normal(4), requires_grad=True)
    y = mg.conv_tbc(x, w, b, 1)
    X, W = x.detach().numpy(), w.detach().numpy()
    Xp = np.pad(X, ((1, 1), (0, 0), (0, 0)))
    want = (
        np.stack([sum(Xp[t + k] @ W[k] for k in range(2)) for t in range(7)]) + b.detach().numpy()
    )
    np.testing.assert_allclose(y.detach().numpy(), want, rtol=1e-12)
    assert mg.autograd.gradcheck(lambda *a: mg.conv_tbc(*a, 1), (x, w, b))
    assert mg.autograd.gradcheck(lambda *a: mg.conv_tbc(*a, -1), (x, w, b))
