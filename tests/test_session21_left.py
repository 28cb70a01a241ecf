"""Divergences from PyTorch fixed on the left-fixes branch of the twenty-first session (each
test fails on the code before its fix; the expected values are PyTorch 2.13's)."""

import pytest

import minigrad as mg
import minigrad.nn.functional as F

# ---- householder_product and ormqr with an empty tau ---------------------------------------


@pytest.mark.parametrize("shape", [(3, 0), (0, 0), (2, 3, 0)])
def test_householder_product_of_no_reflectors_gives_a_and_tau_no_gradient(shape):
    # PyTorch's householder_product_backward gives no gradient (None) for an empty tau
    A = mg.ones(*shape, requires_grad=True)
    tau = mg.zeros(*shape[:-2], 0, requires_grad=True)
    Q = mg.linalg.householder_product(A, tau)
    assert Q.shape == shape and Q.requires_grad and Q.grad_fn is not None
    assert mg.autograd.grad((Q * Q).sum(), (A, tau), allow_unused=True) == (None, None)
    Q = mg.linalg.householder_product(A, tau)
    Q.sum().backward()
    assert A.grad is None and tau.grad is None


def test_ormqr_with_no_reflectors_is_a_new_tensor_with_a_grad_fn():
    A = mg.ones(3, 0, requires_grad=True)
    tau = mg.zeros(0, requires_grad=True)
    C = mg.ones(3, 4, requires_grad=True)
    Q = mg.ormqr(A, tau, C)
    assert Q is not C and Q.grad_fn is not None
    Q.add_(1.0)  # an in-place change of the result leaves C alone
    assert C.tolist() == [[1.0] * 4] * 3
    (Q * Q).sum().backward()
    assert A.grad is None and tau.grad is None
    assert C.grad.tolist() == [[4.0] * 4] * 3


# ---- batch_norm of an input of fewer than 2 dims -------------------------------------------


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_of_an_empty_vector_is_a_copy(training):
    x = mg.zeros(0, requires_grad=True)
    y = F.batch_norm(x, mg.zeros(0), mg.ones(0), training=training)
    assert y.shape == (0,) and y is not x and y.grad_fn is not None
    y.sum().backward()
    assert x.grad.shape == (0,)
    assert F.batch_norm(mg.zeros(0, dtype=mg.int64), None, None, training=True).dtype == mg.int64
    assert F.batch_norm(mg.zeros(0), None, None, mg.ones(3), mg.ones(3), training=True).shape == (
        0,
    )


@pytest.mark.parametrize(
    ("x", "args", "error"),
    [
        ([1.0, 2.0, 3.0], dict(running_mean=None, running_var=None, training=True), IndexError),
        ([1.0, 2.0, 3.0], dict(running_mean=mg.zeros(0), running_var=mg.ones(0)), IndexError),
        ([1.0, 2.0, 3.0], dict(running_mean=mg.zeros(3), running_var=mg.ones(3)), RuntimeError),
        ([1.0, 2.0, 3.0], dict(running_mean=None, running_var=None), RuntimeError),
        (
            [1.0, 2.0, 3.0],
            dict(running_mean=None, running_var=None, weight=mg.ones(3), training=True),
            RuntimeError,
        ),  # fmt: skip
        (1.0, dict(running_mean=mg.zeros(1), running_var=mg.ones(1)), RuntimeError),
        (1.0, dict(running_mean=None, running_var=None, training=True), IndexError),
    ],
)
def test_batch_norm_of_a_vector_or_a_number_raises_as_pytorch(x, args, error):
    # PyTorch counts no channels in a 1-D input: a running stat or weight of 3 elements is
    # "should contain 0 elements" (RuntimeError); otherwise it finds no dim 1 (IndexError)
    with pytest.raises(error, match="batch_norm") as info:
        F.batch_norm(mg.tensor(x), **args)
    assert type(info.value) is not ValueError


def test_batch_norm_names_the_missing_running_var():
    with pytest.raises(RuntimeError, match="running_var must be defined"):
        F.batch_norm(mg.ones(2, 3), mg.zeros(3), None)


def test_native_batch_norm_of_an_empty_input_in_training_raises():
    with pytest.raises(RuntimeError, match="at least one element"):
        mg.native_batch_norm(mg.zeros(0, 3), None, None, None, None, True, 0.1, 1e-5)
    with pytest.raises(IndexError, match="native_batch_norm"):
        mg.native_batch_norm(mg.zeros(0), None, None, None, None, True, 0.1, 1e-5)


# ---- gather and scatter with an empty index ------------------------------------------------


@pytest.mark.parametrize("dtype", [mg.uint8, mg.int16, mg.bool, mg.float32])
def test_gather_checks_neither_dtype_nor_shape_of_an_empty_index(dtype):
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = mg.gather(x, 1, mg.zeros(2, 0, dtype=dtype))
    assert y.shape == (2, 0) and y.dtype == mg.float32
    y.sum().backward()
    assert x.grad.tolist() == [[0.0, 0.0], [0.0, 0.0]]
    assert mg.gather(x, 1, mg.zeros(0, dtype=dtype)).shape == (0,)  # 1-D: no ndim check
    with pytest.raises(RuntimeError, match="int32/int64"):
        mg.gather(x, 1, mg.zeros(2, 1, dtype=mg.uint8))  # a non-empty one is checked


def test_scatter_and_scatter_add_take_an_empty_index_of_any_dtype():
    x = mg.ones(2, 3)
    index = mg.zeros(2, 0, dtype=mg.uint8)
    assert x.scatter(1, index, 2.0).tolist() == [[1.0] * 3] * 2
    assert x.scatter_add(1, index, mg.ones(2, 0)).tolist() == [[1.0] * 3] * 2
    assert x.scatter(1, mg.zeros(0), mg.ones(5, 5, 5)).tolist() == [[1.0] * 3] * 2
    with pytest.raises(RuntimeError, match="int64 or int32"):
        x.scatter(1, mg.zeros(2, 1, dtype=mg.uint8), 2.0)


# ---- tensordot of a size-1 dim against a size-n dim ----------------------------------------


def test_tensordot_broadcasts_a_contracted_dim_of_size_1():
    a = mg.ones(2, 1, requires_grad=True)
    b = mg.ones(3, 4, requires_grad=True)
    y = mg.tensordot(a, b, dims=([1], [0]))
    assert y.tolist() == [[3.0] * 4] * 2
    y.sum().backward()
    assert a.grad.tolist() == [[12.0], [12.0]]
    assert b.grad.tolist() == [[2.0] * 4] * 3
    assert mg.tensordot(mg.ones(2, 3), mg.ones(1, 4), dims=1).tolist() == [[3.0] * 4] * 2
    assert mg.tensordot(mg.ones(2, 0), mg.ones(1, 4), dims=1).tolist() == [[0.0] * 4] * 2
    assert mg.tensordot(mg.ones(2, 1, dtype=mg.int32), mg.ones(3, 4, dtype=mg.int32),
                        dims=1).dtype == mg.int32  # fmt: skip
    with pytest.raises(RuntimeError, match="contracted dimensions need to match"):
        mg.tensordot(mg.ones(2, 2), mg.ones(3, 4), dims=1)


# ---- convolution of no input channels ------------------------------------------------------


@pytest.mark.parametrize(
    ("conv", "x", "w", "kw", "out"),
    [
        (F.conv1d, (2, 0, 5), (3, 0, 2), {}, (2, 0, 4)),
        (F.conv1d, (0, 5), (3, 0, 2), {}, (0, 4)),
        (F.conv1d, (1, 0, 5), (2, 0, 2), dict(padding=1, stride=2), (1, 0, 3)),
        (F.conv1d, (1, 0, 5), (2, 0, 2), dict(groups=2), (1, 0, 4)),
        (F.conv2d, (1, 0, 3, 3), (2, 0, 2, 2), {}, (1, 0, 2, 2)),
        (F.conv3d, (1, 0, 2, 2, 2), (2, 0, 1, 1, 1), {}, (1, 0, 2, 2, 2)),
    ],
)
def test_convolution_of_no_input_channels_has_no_output_channels(conv, x, w, kw, out):
    # PyTorch's empty backend: the result has 0 channels, not weight.shape[0]
    x = mg.ones(*x, requires_grad=True)
    w = mg.ones(*w, requires_grad=True)
    b = mg.arange(1.0, w.shape[0] + 1).requires_grad_()
    y = conv(x, w, b, **kw)
    assert y.shape == out and y.requires_grad
    (y * y).sum().backward()
    assert x.grad.shape == x.shape and w.grad.shape == w.shape
    assert b.grad.tolist() == [0.0] * w.shape[0]


def test_convolution_refuses_a_weight_with_fewer_out_channels_than_groups():
    for w, groups in [((0, 0, 2), 1), ((0, 2, 2), 1), ((2, 1, 2), 3)]:
        with pytest.raises(RuntimeError, match="expected weight to be at least"):
            F.conv1d(mg.ones(1, w[1] * groups, 5), mg.ones(*w), groups=groups)
