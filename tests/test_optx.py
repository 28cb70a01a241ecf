"""nn.utils' clipping and flattening, the schedulers OneCycleLR and after, and the
optimizers Adadelta, Rprop and ASGD: behaviour worked out by hand (no PyTorch here;
tests/test_torch_oracle_optx.py holds them against it)."""

import copy
import math

import numpy as np
import pytest

import minigrad as mg
from minigrad.nn import utils

# ---- nn.utils ---------------------------------------------------------------------


def _with_grad(values, grad, dtype=mg.float64):
    p = mg.tensor(values, dtype=dtype, requires_grad=True)
    p.grad = mg.tensor(grad, dtype=dtype)
    return p


def test_clip_grad_value_clamps_each_gradient_in_place_and_skips_missing_ones():
    p = _with_grad([0.0, 0.0, 0.0], [-3.0, 0.5, float("nan")])
    q = mg.zeros(2, requires_grad=True)  # no gradient
    grad = p.grad
    assert utils.clip_grad_value_([p, q], 1) is None
    assert p.grad is grad
    np.testing.assert_array_equal(p.grad.data, [-1.0, 0.5, np.nan])
    assert q.grad is None
    utils.clip_grad_value_(p, 0.25)  # one tensor
    np.testing.assert_array_equal(p.grad.data, [-0.25, 0.25, np.nan])


def test_clip_grad_value_with_a_negative_bound_sets_every_element_to_it():
    p = _with_grad([0.0, 0.0], [-3.0, 3.0])
    utils.clip_grad_value_([p], -1.0)
    np.testing.assert_array_equal(p.grad.data, [-1.0, -1.0])
    with pytest.raises(RuntimeError, match="at least one parameter with a gradient"):
        utils.clip_grad_value_([mg.zeros(1, requires_grad=True)], 1.0)  # as PyTorch
    with pytest.raises(ValueError, match="could not convert"):
        utils.clip_grad_value_([p], "x")


def test_get_total_norm_is_the_norm_of_the_norms():
    a, b = mg.tensor([3.0, 4.0]), mg.tensor([12.0], dtype=mg.float64)
    total = utils.get_total_norm([a, b])
    assert total.item() == 13.0 and total.dtype == mg.float64 and not total.requires_grad
    assert utils.get_total_norm([a, b], 1).item() == 19.0
    assert utils.get_total_norm([a, b], math.inf).item() == 12.0
    assert utils.get_total_norm(a).item() == 5.0
    assert utils.get_total_norm([]).item() == 0.0
    with pytest.raises(RuntimeError, match="non-finite"):
        utils.get_total_norm([mg.tensor([math.inf])], error_if_nonfinite=True)
    with pytest.raises(RuntimeError, match="infinity norm on an empty tensor"):
        utils.get_total_norm([mg.zeros(0)], math.inf)


def test_clip_grads_with_norm_scales_by_the_given_norm():
    p = _with_grad([0.0, 0.0], [3.0, 4.0])
    assert utils.clip_grads_with_norm_([p], 1.0, mg.tensor(10.0, dtype=mg.float64)) is None
    np.testing.assert_allclose(p.grad.data, [3.0 / (10 + 1e-6), 4.0 / (10 + 1e-6)], rtol=1e-15)
    utils.clip_grads_with_norm_(p, 1.0, mg.tensor(0.5))  # a norm below max_norm: factor 1
    np.testing.assert_allclose(p.grad.data, [3.0 / (10 + 1e-6), 4.0 / (10 + 1e-6)], rtol=1e-15)


def test_clip_grad_norm_is_get_total_norm_then_clip_grads_with_norm():
    p, q = _with_grad([0.0, 0.0], [3.0, 4.0]), _with_grad([0.0], [12.0])
    p2, q2 = _with_grad([0.0, 0.0], [3.0, 4.0]), _with_grad([0.0], [12.0])
    total = utils.clip_grad_norm_([p, q], 2.0)
    total2 = utils.get_total_norm([p2.grad, q2.grad])
    utils.clip_grads_with_norm_([p2, q2], 2.0, total2)
    assert total.item() == total2.item() == 13.0
    np.testing.assert_array_equal(p.grad.data, p2.grad.data)
    np.testing.assert_array_equal(q.grad.data, q2.grad.data)


def test_parameters_to_vector_joins_copies_and_is_differentiable():
    a = mg.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=mg.float64, requires_grad=True)
    b = mg.tensor([5.0], dtype=mg.float64, requires_grad=True)
    vec = utils.parameters_to_vector(p for p in (a, b))
    np.testing.assert_array_equal(vec.data, [1.0, 2.0, 3.0, 4.0, 5.0])
    (vec * mg.arange(5.0, dtype=mg.float64)).sum().backward()
    np.testing.assert_array_equal(a.grad.data, [[0.0, 1.0], [2.0, 3.0]])
    np.testing.assert_array_equal(b.grad.data, [4.0])
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        utils.parameters_to_vector([a.t()])
    with pytest.raises(RuntimeError, match="non-empty"):
        utils.parameters_to_vector([])


def test_vector_to_parameters_points_the_parameters_at_the_vector():
    a = mg.zeros(2, 2, requires_grad=True)
    b = mg.zeros(1, requires_grad=True)
    vec = mg.arange(6.0, dtype=mg.float64)  # one element to spare: ignored
    utils.vector_to_parameters(vec, [a, b])
    np.testing.assert_array_equal(a.data, [[0.0, 1.0], [2.0, 3.0]])
    assert a.dtype == mg.float64 and a.requires_grad and a.is_leaf  # vec's dtype
    vec.data[0] = 10.0  # shared memory
    assert a.data[0, 0] == 10.0 and b.data[0] == 4.0
    with pytest.raises(RuntimeError, match="invalid"):
        utils.vector_to_parameters(mg.arange(3.0), [a])
    with pytest.raises(TypeError, match="expected torch.Tensor, but got: list"):
        utils.vector_to_parameters([1.0], [a])


def test_vector_round_trip():
    a, b = mg.randn(3, 2), mg.randn(4)
    vec = utils.parameters_to_vector([a, b]) * 2
    utils.vector_to_parameters(vec, [a, b])
    np.testing.assert_array_equal(utils.parameters_to_vector([a, b]).data, vec.data)


# ---- schedulers ---------------------------------------------------------------------

S = mg.optim.lr_scheduler


def _sgd(lr=1.0, **kw):
    return mg.optim.SGD([mg.zeros(1, requires_grad=True)], lr=lr, **kw)


def _rates(sched, opt, steps):
    rates = [sched.get_last_lr()[0]]
    for _ in range(steps):
        opt.step()
        sched.step()
        rates.append(sched.get_last_lr()[0])
    return rates


def test_constant_lr_holds_a_factor_then_lets_go():
    opt = _sgd(0.8)
    assert _rates(S.ConstantLR(opt, factor=0.5, total_iters=2), opt, 3) == [0.4, 0.4, 0.8, 0.8]
    with pytest.raises(ValueError, match="between 0 and 1"):
        S.ConstantLR(_sgd(), factor=2.0)


def test_multiplicative_lr_multiplies_from_the_second_epoch():
    opt = _sgd(1.0)
    assert _rates(S.MultiplicativeLR(opt, lambda e: 0.5), opt, 3) == [1.0, 0.5, 0.25, 0.125]
    with pytest.raises(TypeError, match="lr_lambda should be a function"):
        S.MultiplicativeLR(_sgd(), 0.5)


def test_polynomial_lr_reaches_zero_and_stays():
    opt = _sgd(1.0)
    rates = _rates(S.PolynomialLR(opt, total_iters=2, power=2.0), opt, 4)
    assert rates == [1.0, 0.25, 0.0, 0.0, 0.0]


def test_warm_restarts_restart_and_grow_the_period():
    opt = _sgd(1.0)
    sched = S.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2)
    rates = _rates(sched, opt, 7)
    expected = [
        1.0,
        0.5,
        1.0,
        (1 + math.cos(math.pi / 4)) / 2,
        0.5,
        (1 + math.cos(3 * math.pi / 4)) / 2,
        1.0,
        None,
    ]
    np.testing.assert_allclose(rates[:7], expected[:7], rtol=1e-15)
    sched.step(2.5)  # half an epoch into the second period (of 4 epochs)
    assert (sched.T_cur, sched.T_i, sched.last_epoch) == (0.5, 4, 2)
    np.testing.assert_allclose(sched.get_last_lr(), [(1 + math.cos(math.pi / 8)) / 2], rtol=1e-15)
    with pytest.raises(ValueError, match="Expected positive integer T_0"):
        S.CosineAnnealingWarmRestarts(_sgd(), T_0=0)
    with pytest.raises(ValueError, match="Expected non-negative epoch"):
        sched.step(-1)


def test_cyclic_lr_triangle_and_momentum_the_other_way():
    opt = _sgd(1.0, momentum=0.9)
    sched = S.CyclicLR(opt, base_lr=0.1, max_lr=0.5, step_size_up=2, step_size_down=2)
    momenta = [opt.param_groups[0]["momentum"]]
    rates = [sched.get_last_lr()[0]]
    for _ in range(5):
        opt.step()
        sched.step()
        rates.append(sched.get_last_lr()[0])
        momenta.append(opt.param_groups[0]["momentum"])
    np.testing.assert_allclose(rates, [0.1, 0.3, 0.5, 0.3, 0.1, 0.3], rtol=1e-15)
    np.testing.assert_allclose(momenta, [0.9, 0.85, 0.8, 0.85, 0.9, 0.85], rtol=1e-15)
    opt = _sgd(1.0)
    sched = S.CyclicLR(opt, 0.0, 1.0, step_size_up=1, mode="triangular2", cycle_momentum=False)
    assert _rates(sched, opt, 5) == [0.0, 1.0, 0.0, 0.5, 0.0, 0.25]
    with pytest.raises(ValueError, match="mode is invalid"):
        S.CyclicLR(_sgd(), 0.1, 1.0, mode="saw")
    with pytest.raises(ValueError, match="must support momentum or beta1"):
        S.CyclicLR(mg.optim.Adagrad([mg.zeros(1, requires_grad=True)]), 0.1, 1.0)


def test_one_cycle_warms_up_then_anneals_to_the_floor_and_cycles_adams_beta1():
    opt = mg.optim.Adam([mg.zeros(1, requires_grad=True)], betas=(0.5, 0.99))
    sched = S.OneCycleLR(opt, max_lr=1.0, total_steps=5, pct_start=0.4, anneal_strategy="linear",
                         div_factor=4.0, final_div_factor=5.0)  # fmt: skip
    # up from 1/4 to 1 over steps 0..1, down to 1/20 over steps 1..4
    np.testing.assert_allclose(
        _rates(sched, opt, 4), [0.25, 1.0, 1 - 0.95 / 3, 1 - 1.9 / 3, 0.05], rtol=1e-15
    )
    assert opt.param_groups[0]["betas"] == (0.95, 0.99)  # back to max_momentum
    opt.step()
    sched.step()  # step 5 = total_steps: extrapolated, allowed
    with pytest.raises(ValueError, match="Tried to step 6 times"):
        sched.step()
    with pytest.raises(ValueError, match="You must define either total_steps OR"):
        S.OneCycleLR(_sgd(), 1.0)
    with pytest.raises(ValueError, match="anneal_strategy must be one of"):
        S.OneCycleLR(_sgd(), 1.0, 10, anneal_strategy="cosine")


def test_sequential_lr_hands_over_at_the_milestone():
    opt = _sgd(1.0)
    sched = S.SequentialLR(opt, [S.ConstantLR(opt, 0.5, total_iters=10), S.ExponentialLR(opt, 0.5)],
                           milestones=[2])  # fmt: skip
    assert _rates(sched, opt, 4) == [0.5, 0.5, 1.0, 0.5, 0.25]
    with pytest.raises(ValueError, match="one more than the number of milestone"):
        S.SequentialLR(opt, [S.ConstantLR(opt)], milestones=[2])


def test_chained_scheduler_composes_its_schedulers():
    opt = _sgd(1.0)
    sched = S.ChainedScheduler([S.ConstantLR(opt, 0.5, total_iters=2), S.ExponentialLR(opt, 0.5)])
    assert _rates(sched, opt, 3) == [0.5, 0.25, 0.25, 0.125]
    saved = sched.state_dict()
    assert [list(s)[:2] for s in saved["_schedulers"]] == [
        ["factor", "total_iters"],
        ["gamma", "base_lrs"],
    ]
    with pytest.raises(ValueError, match="ReduceLROnPlateau"):
        S.ChainedScheduler([S.ReduceLROnPlateau(opt)])


# ---- optimizers ---------------------------------------------------------------------


def _step(opt, p, grad):
    p.grad = mg.tensor(grad, dtype=p.dtype)
    opt.step()
    return p.data.copy()


def test_adadelta_steps_by_the_ratio_of_running_rms():
    p = mg.tensor([1.0], dtype=mg.float64, requires_grad=True)
    opt = mg.optim.Adadelta([p], lr=0.5, rho=0.9, eps=1e-6, weight_decay=0.1)
    g = 2.0 + 0.1 * 1.0  # with weight decay
    v = 0.1 * g * g
    delta = math.sqrt(1e-6) / math.sqrt(v + 1e-6) * g
    np.testing.assert_allclose(_step(opt, p, [2.0]), [1.0 - 0.5 * delta], rtol=1e-15)
    np.testing.assert_allclose(opt.state[p]["acc_delta"].data, [0.1 * delta * delta], rtol=1e-15)
    assert (
        list(opt.state[p]) == ["step", "square_avg", "acc_delta"]
        and opt.state[p]["step"].item() == 1
    )
    with pytest.raises(ValueError, match="Invalid rho value"):
        mg.optim.Adadelta([p], rho=1.5)


def test_adadelta_maximize_climbs():
    p = mg.tensor([1.0], dtype=mg.float64, requires_grad=True)
    assert _step(mg.optim.Adadelta([p], maximize=True), p, [2.0])[0] > 1.0


def test_rprop_grows_steps_on_agreement_and_skips_a_sign_flip():
    p = mg.tensor([1.0, 1.0], dtype=mg.float64, requires_grad=True)
    opt = mg.optim.Rprop([p], lr=0.1, etas=(0.5, 1.2), step_sizes=(1e-6, 50))
    np.testing.assert_allclose(_step(opt, p, [1.0, -1.0]), [0.9, 1.1], rtol=1e-15)
    # the first element's gradient keeps its sign: its step grows; the second flips: its
    # step shrinks, and it does not move
    np.testing.assert_allclose(_step(opt, p, [2.0, 1.0]), [0.9 - 0.12, 1.1], rtol=1e-15)
    np.testing.assert_allclose(opt.state[p]["step_size"].data, [0.12, 0.05], rtol=1e-15)
    np.testing.assert_array_equal(opt.state[p]["prev"].data, [2.0, 0.0])
    # after a flip there is no comparison: the step size stays
    np.testing.assert_allclose(
        _step(opt, p, [1.0, 1.0]), [0.9 - 0.12 - 0.144, 1.1 - 0.05], rtol=1e-15
    )
    with pytest.raises(ValueError, match="Invalid eta values: 1.5, 2"):
        mg.optim.Rprop([p], etas=(1.5, 2))


def test_rprop_clamps_the_step_size_and_ignores_a_later_lr():
    p = mg.tensor([0.0], dtype=mg.float64, requires_grad=True)
    opt = mg.optim.Rprop([p], lr=0.1, etas=(0.5, 2.0), step_sizes=(0.01, 0.3))
    for _ in range(4):
        _step(opt, p, [1.0])
    opt.param_groups[0]["lr"] = 100.0
    _step(opt, p, [1.0])
    np.testing.assert_allclose(p.data, [-(0.1 + 0.2 + 0.3 + 0.3 + 0.3)], rtol=1e-15)


def test_asgd_decays_steps_and_averages_after_t0():
    p = mg.tensor([1.0], dtype=mg.float64, requires_grad=True)
    opt = mg.optim.ASGD([p], lr=0.1, lambd=0.01, alpha=0.75, t0=1)
    eta = float(np.float32(0.1))  # eta and mu are kept in the default dtype, float32
    theta = 1.0 * (1 - 0.01 * eta) - eta * 2.0
    np.testing.assert_allclose(_step(opt, p, [2.0]), [theta], rtol=1e-15)
    np.testing.assert_array_equal(opt.state[p]["ax"].data, [theta])  # mu = 1: a copy
    assert opt.state[p]["eta"].item() == np.float32(0.1 / (1 + 0.01 * 0.1 * 1) ** 0.75)
    assert opt.state[p]["mu"].item() == 1.0  # 1 / max(1, 1 - t0)
    eta = opt.state[p]["eta"].item()
    theta2 = theta * (1 - 0.01 * eta) - eta * 2.0
    np.testing.assert_allclose(_step(opt, p, [2.0]), [theta2], rtol=1e-15)
    assert opt.state[p]["mu"].item() == 1.0  # 1 / max(1, 2 - t0)
    theta3 = _step(opt, p, [2.0])[0]
    assert opt.state[p]["mu"].item() == 0.5
    np.testing.assert_allclose(opt.state[p]["ax"].data, [theta3], rtol=1e-15)  # mu was 1
    theta4 = _step(opt, p, [2.0])[0]
    np.testing.assert_allclose(
        opt.state[p]["ax"].data, [theta3 + (theta4 - theta3) * 0.5], rtol=1e-15
    )
    with pytest.raises(ValueError, match="Invalid weight_decay value"):
        mg.optim.ASGD([p], weight_decay=-1)


@pytest.mark.parametrize("cls", [mg.optim.Adadelta, mg.optim.Rprop, mg.optim.ASGD])
def test_new_optimizers_refuse_differentiable_and_round_trip_their_state(cls):
    with pytest.raises(NotImplementedError, match="differentiable"):
        cls([mg.zeros(1, requires_grad=True)], differentiable=True)
    p = mg.tensor([1.0, -1.0], requires_grad=True)
    opt = cls([p], capturable=False, foreach=None)
    _step(opt, p, [0.5, 2.0])
    clone = mg.tensor(p.data.copy(), requires_grad=True)
    resumed = cls([clone])
    resumed.load_state_dict(copy.deepcopy(opt.state_dict()))  # a live one shares buffers
    for grad in ([1.0, -1.0], [0.25, 0.5]):
        np.testing.assert_array_equal(_step(opt, p, grad), _step(resumed, clone, grad))
