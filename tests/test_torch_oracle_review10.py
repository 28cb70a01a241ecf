"""Regressions from the review of this session's layers, each against PyTorch."""

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()


def _both(fn):
    """fn(M) in both frameworks: ('raise', exception class name) or the result."""
    out = []
    for M in (mg, torch):
        try:
            out.append(fn(M))
        except Exception as e:  # noqa: BLE001 - the class is what is compared
            out.append(
                ("raise", "RuntimeError" if isinstance(e, RuntimeError) else type(e).__name__)
            )
    return out


@pytest.mark.parametrize("shape", [(1, 3, 4, 4), (2, 3, 4, 4), (0, 3, 4, 4), (3, 4, 4)])
@pytest.mark.parametrize("padding", [1, 3, 5])
def test_conv_transpose_output_of_size_zero(shape, padding):
    """An output of size 0 is refused unless the batch is empty, as by PyTorch's reference
    kernel (float64 here: its oneDNN kernel for float32 batches of 2 or more skips the check)."""

    def run(M):
        x = M.ones(*shape, dtype=M.float64)
        return tuple(M.nn.functional.conv_transpose2d(x, M.ones(3, 2, 3, 3, dtype=M.float64),
                                                      padding=padding).shape)  # fmt: skip

    got, want = _both(run)
    assert got == want


def test_adaptive_log_softmax_of_an_empty_batch():
    out = []
    for M in (mg, torch):
        M.manual_seed(0)
        m = M.nn.AdaptiveLogSoftmaxWithLoss(6, 10, [3, 6]).double()
        r = m(M.zeros(0, 6, dtype=M.float64), M.tensor([], dtype=M.int64))
        out.append((tuple(r.output.shape), np.isnan(r.loss.item())))
    assert out[0] == out[1] == ((0,), True)


def test_fractional_max_pool_refuses_samples_that_require_grad():
    def run(M):
        x = M.rand(1, 3, 8, 8)
        s = M.rand(1, 3, 2, requires_grad=True)
        return tuple(M.nn.functional.fractional_max_pool2d(x, 2, output_size=(4, 3),
                                                           _random_samples=s).shape)  # fmt: skip

    got, want = _both(run)
    assert got == want == ("raise", "RuntimeError")
    with mg.no_grad():  # outside the graph the samples are just numbers, as in PyTorch
        s = mg.rand(1, 3, 2, requires_grad=True)
        y = mg.nn.functional.fractional_max_pool2d(mg.rand(1, 3, 8, 8), 2, output_size=(4, 3),
                                                   _random_samples=s)  # fmt: skip
    assert y.shape == (1, 3, 4, 3)


@pytest.mark.parametrize("targets", [0, 1, 5, 40])
def test_multilabel_margin_loss_with_many_classes(targets):
    """Few targets among many classes (the pairs are (N, targets, C), no longer (N, C, C))."""
    rng = np.random.default_rng(targets)
    X = rng.normal(size=(16, 300))
    Y = np.full((16, 300), -1)
    if targets:
        Y[:, :targets] = rng.integers(0, 300, (16, targets))
    Y[3, 2:] = -1  # a row with fewer targets
    res = []
    for M in (mg, torch):
        x = M.tensor(X, requires_grad=True)
        loss = M.nn.functional.multilabel_margin_loss(x, M.tensor(Y), reduction="sum")
        loss.backward()
        res.append((loss.detach().numpy(), x.grad.numpy()))
    np.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-12)
    np.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-12, atol=1e-15)


def test_layer_classes_are_related_as_pytorchs():
    """isinstance between layers of one family holds exactly where it holds in PyTorch
    (a MaxPool1d is not a MaxPool2d; their common bases are private)."""
    names = [n for n in dir(torch.nn) if n[0].isupper() and hasattr(mg.nn, n)
             and isinstance(getattr(torch.nn, n), type)
             and issubclass(getattr(torch.nn, n), torch.nn.Module)]  # fmt: skip
    assert len(names) > 150
    differ = [
        (a, b) for a in names for b in names if a != b
        and issubclass(getattr(torch.nn, a), getattr(torch.nn, b))
        != issubclass(getattr(mg.nn, a), getattr(mg.nn, b))
    ]  # fmt: skip
    assert not differ
