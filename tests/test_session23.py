"""Divergences found by the twenty-third session (each test fails on the code before its
fix; expected values are PyTorch 2.13's, or its documented rule)."""

import numpy as np
import pytest

import minigrad as mg

# ---- RMSprop(centered=True) where ḡ² overflows -----------------------------------------------
# PyTorch computes v - ḡ ḡ with one fused addcmul, whose product does not overflow on its own:
# with v = inf the difference is inf and the step g / inf is 0. minigrad formed ḡ² = inf first
# and took inf - inf = NaN, and the parameter stayed NaN.


@pytest.mark.parametrize(("dtype", "big"), [(np.float32, 1e21), (np.float64, 1e160)])
def test_centered_rmsprop_keeps_a_parameter_whose_squared_average_overflows(dtype, big):
    p = mg.nn.Parameter(mg.tensor(np.array([0.5, 0.5], dtype)))
    opt = mg.optim.RMSprop([p], lr=0.01, centered=True)
    v = ga = 0.0
    for _ in range(3):
        p.grad = mg.tensor(np.array([big, 1.0], dtype))
        opt.step()
        v, ga = 0.99 * v + 0.01, 0.99 * ga + 0.01  # the unit gradient's averages
    assert p.data[0] == dtype(0.5)  # each step big / inf = 0
    expected = 0.5 - 0.01 * sum(
        1 / (np.sqrt(a - b * b) + 1e-8)
        for a, b in [(0.01, 0.01), (0.0199, 0.0199), (0.029701, 0.029701)]
    )
    np.testing.assert_allclose(p.data[1], expected, rtol=1e-6)


def test_centered_rmsprop_still_gives_nan_for_a_nan_gradient():
    p = mg.nn.Parameter(mg.tensor([0.5]))
    opt = mg.optim.RMSprop([p], centered=True)
    p.grad = mg.tensor([float("nan")])
    opt.step()
    assert np.isnan(p.data[0])


# ---- zero_grad(set_to_none=False) of a gradient in a graph -------------------------------------
# PyTorch detaches the gradient in place and zeroes it: p.grad stays the tensor the user
# holds. minigrad put a detached copy in its place and left the user's tensor in the graph.


@pytest.mark.parametrize("where", ["optimizer", "module"])
def test_zero_grad_to_zeros_detaches_a_gradient_in_a_graph_in_place(where):
    lin = mg.nn.Linear(3, 1)
    p = lin.weight
    g = mg.ones(1, 3, requires_grad=True) * 2
    p.grad = g
    if where == "optimizer":
        mg.optim.SGD(lin.parameters(), lr=0.1).zero_grad(set_to_none=False)
    else:
        lin.zero_grad(set_to_none=False)
    assert p.grad is g
    assert not g.requires_grad and g.grad_fn is None
    assert g.tolist() == [[0.0, 0.0, 0.0]]


# ---- Module.compile ------------------------------------------------------------------------------


def test_module_compile_is_in_place_and_keeps_the_module():
    lin = mg.nn.Linear(2, 1)
    x = mg.randn(4, 2)
    before = lin(x)
    assert lin.compile() is None
    assert type(lin) is mg.nn.Linear and list(lin.state_dict()) == ["weight", "bias"]
    assert mg.equal(lin(x), before)


def test_module_compile_checks_its_arguments_as_torch_compile():
    lin = mg.nn.Linear(2, 1)
    with pytest.raises(RuntimeError, match="Either mode or options"):
        lin.compile(mode="max-autotune", options={})
    with pytest.raises(TypeError):
        lin.compile("inductor")  # torch.compile's options are keywords


# ---- interpolate(antialias=True) along an axis whose size a scale_factor keeps ---------------
# PyTorch's separable antialiasing kernel leaves such an axis as it is (floor(6 · 1.1) = 6);
# minigrad resampled it with the scale 1 / 1.1, blurring it.


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
def test_antialiased_interpolate_keeps_an_axis_whose_size_is_kept(mode):
    x = mg.tensor((np.arange(12.0) ** 2).reshape(1, 1, 2, 6), requires_grad=True)
    F = mg.nn.functional
    kept = F.interpolate(x, scale_factor=(1, 1.1), mode=mode, antialias=True)
    assert kept.shape == x.shape and np.array_equal(kept.data, x.data)
    rows = F.interpolate(x, scale_factor=(1.5, 1.1), mode=mode, antialias=True)
    by_size = F.interpolate(x, size=(3, 6), mode=mode, antialias=True)
    assert np.array_equal(rows.data, by_size.data)
    g = np.arange(18.0).reshape(1, 1, 3, 6)
    (rows * mg.tensor(g)).sum().backward()
    # the gradient is that of the forward: finite differences of its sum against g
    eps, fd = 1e-6, np.zeros(x.shape)
    for k in np.ndindex(x.shape):
        d = np.zeros(x.shape)
        d[k] = eps
        up = F.interpolate(
            mg.tensor(x.data + d), scale_factor=(1.5, 1.1), mode=mode, antialias=True
        )
        dn = F.interpolate(
            mg.tensor(x.data - d), scale_factor=(1.5, 1.1), mode=mode, antialias=True
        )
        fd[k] = ((up.data - dn.data) * g).sum() / (2 * eps)
    np.testing.assert_allclose(x.grad.data, fd, rtol=1e-6, atol=1e-8)


# ---- linear algebra (from probe 21) -----------------------------------------------------------


@pytest.mark.parametrize("full_matrices", [False, True])
def test_svd_gradient_of_a_square_matrix_with_a_zero_singular_value_is_finite(full_matrices):
    """U diag(S) Vh = A, so the gradient of Σ W ⊙ (U S Vh) is W. For a square A the
    (I - U Uᵀ) gU / S terms are 0 (PyTorch leaves them out); minigrad computed 0 / 0."""
    X = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [0.0, 0.0, 0.0]])
    W = np.arange(9.0).reshape(3, 3) / 10
    a = mg.tensor(X, requires_grad=True)
    U, S, Vh = mg.linalg.svd(a, full_matrices=full_matrices)
    assert S.data[-1] == 0
    ((U * S[None, :]) @ Vh * mg.tensor(W)).sum().backward()
    np.testing.assert_allclose(a.grad.data, W, atol=1e-12)


def test_svd_gradient_of_a_tall_matrix_still_has_its_projection_term():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((4, 2))
    W = rng.standard_normal((4, 2))

    def loss(M):  # sign-invariant: the projector U Uᵀ weighted
        U = np.linalg.svd(M, full_matrices=False)[0]
        return (U @ U.T @ W).sum()

    a = mg.tensor(X, requires_grad=True)
    U = mg.linalg.svd(a, full_matrices=False)[0]
    (U @ U.T @ mg.tensor(W)).sum().backward()
    eps, fd = 1e-6, np.zeros_like(X)
    for k in np.ndindex(X.shape):
        d = np.zeros_like(X)
        d[k] = eps
        fd[k] = (loss(X + d) - loss(X - d)) / (2 * eps)
    np.testing.assert_allclose(a.grad.data, fd, atol=1e-7)


def test_matrix_exp_of_a_matrix_with_inf_or_nan_is_nan_and_the_others_are_kept():
    assert np.isnan(mg.linalg.matrix_exp(mg.tensor([[np.inf, 1.0], [0.0, 1.0]])).data).all()
    X = np.array([[[np.inf, 1.0], [0.0, 1.0]], [[0.0, 1.0], [0.0, 0.0]], [[-np.inf, 0], [0, 0]]])
    out = mg.linalg.matrix_exp(mg.tensor(X)).data  # (inf raised OverflowError)
    assert np.isnan(out[0]).all() and np.isnan(out[2]).all()
    np.testing.assert_allclose(out[1], [[1.0, 1.0], [0.0, 1.0]], atol=1e-15)  # exp of a nilpotent


def test_matrix_exp_takes_float16():
    X = np.array([[0.0, 1.0], [-1.0, 0.0]], np.float16)  # a rotation by 1 radian
    a = mg.tensor(X, requires_grad=True)
    out = mg.linalg.matrix_exp(a)
    c, s = np.cos(1.0), np.sin(1.0)
    assert out.dtype == mg.float16
    np.testing.assert_allclose(out.data, [[c, s], [-s, c]], atol=1e-3)
    out.sum().backward()
    assert a.grad.dtype == mg.float16 and np.isfinite(a.grad.data).all()


def test_det_gradient_of_a_matrix_with_nan_is_nan():
    X = np.array([[[np.nan, 1.0], [1.0, 2.0]], [[1.0, 2.0], [3.0, 4.0]]])
    a = mg.tensor(X, requires_grad=True)
    mg.linalg.det(a).sum().backward()  # raised LinAlgError (an SVD of NaN)
    assert np.isnan(a.grad.data[0]).all()
    np.testing.assert_allclose(a.grad.data[1], [[4.0, -3.0], [-2.0, 1.0]], rtol=1e-14)


def test_pinv_rcond_and_matrix_rank_tol_are_pytorchs_older_tolerances():
    A = mg.tensor([[1.0, 2.0], [2.0, 4.0001]], dtype=mg.float64)
    for rcond in (1e-3, 1e-6):
        np.testing.assert_array_equal(
            mg.linalg.pinv(A, rcond=rcond).data, mg.linalg.pinv(A, atol=0.0, rtol=rcond).data
        )
        assert mg.linalg.pinv(A, rcond).shape == (2, 2)  # positional, as PyTorch's overload
    assert mg.linalg.matrix_rank(A, tol=1e-3).item() == 1
    assert mg.linalg.matrix_rank(A * 1000, tol=1e-3).item() == 2  # an absolute tolerance
    assert mg.linalg.matrix_rank(A, 1e-6).item() == 2
    with pytest.raises(TypeError):
        mg.linalg.pinv(A, rcond=1e-3, atol=0.1)
    with pytest.raises(TypeError):
        mg.linalg.matrix_rank(A, tol=1e-3, rtol=0.1)


@pytest.mark.parametrize(
    "call",
    [
        lambda a: mg.linalg.inv(a),
        lambda a: mg.linalg.inv_ex(a),
        lambda a: mg.linalg.slogdet(a),
        lambda a: mg.linalg.pinv(a),
        lambda a: mg.linalg.matrix_rank(a),
        lambda a: mg.linalg.lstsq(a, a),
        lambda a: mg.linalg.tensorinv(a, ind=1),
    ],
)
def test_float16_linear_algebra_refused_with_pytorchs_runtime_error(call):
    a = mg.tensor([[2.0, 1.0], [1.0, 3.0]], dtype=mg.float16)
    with pytest.raises(RuntimeError) as err:
        call(a)
    assert not isinstance(err.value, NotImplementedError)


# ---- autograd (from probe 22) ----------------------------------------------------------------


def test_extra_grad_outputs_go_unused_as_pytorchs_zip_leaves_them():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2).sum()
    (gx,) = mg.autograd.grad(
        [y], x, grad_outputs=[mg.tensor(1.0), mg.tensor(5.0)], retain_graph=True
    )
    assert gx.tolist() == [2.0, 2.0]
    mg.autograd.backward([y], grad_tensors=[mg.tensor(3.0), mg.tensor(5.0)])
    assert x.grad.tolist() == [6.0, 6.0]
    with pytest.raises(RuntimeError, match="got 2 tensors and 1 gradients"):
        mg.autograd.grad([y, y], x, grad_outputs=[mg.tensor(1.0)])


def test_tensor_of_a_tensor_warns_as_pytorch_and_copies():
    t = mg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning, match=r"rather than torch.tensor\(sourceTensor\)"):
        c = mg.tensor(t)
    assert not c.requires_grad and c.is_leaf and not np.shares_memory(c.data, t.data)
    with pytest.warns(UserWarning) as record:
        t.new_tensor(t)
    assert len(record) == 1 and "new_tensor(sourceTensor)" in str(record[0].message)


def test_instantiating_an_autograd_function_warns_as_pytorch():
    class Double(mg.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    with pytest.warns(DeprecationWarning, match="should not be instantiated"):
        f = Double()
    with pytest.raises(RuntimeError, match="Legacy autograd function"):
        f(mg.ones(1))
    x = mg.ones(2, requires_grad=True)
    Double.apply(x).sum().backward()  # the static form, unchanged
    assert x.grad.tolist() == [2.0, 2.0]
