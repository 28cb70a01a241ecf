"""Regression tests of minigrad.optim and minigrad.data against PyTorch's documented
behaviour, without torch: argument checks, and updates against the plain formulas."""

import numpy as np
import pytest

import minigrad as mg

OPTIMIZERS = ["SGD", "Adam", "AdamW", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam",
              "RMSprop", "ASGD", "Rprop", "LBFGS"]  # fmt: skip


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_tensor_lr_of_two_elements_is_a_value_error(name):
    with pytest.raises(ValueError, match="1-element"):
        getattr(mg.optim, name)([mg.zeros(2, requires_grad=True)], lr=mg.tensor([0.1, 0.2]))


def test_rprop_with_a_one_element_tensor_lr_starts_its_step_sizes_at_lr():
    p = mg.tensor([1.0, -2.0], requires_grad=True)
    opt = mg.optim.Rprop([p], lr=mg.tensor([0.25]))
    p.grad = mg.tensor([3.0, -1.0])
    opt.step()
    # first step: θ ← θ - sign(g) · lr
    np.testing.assert_array_equal(p.data, np.float32([0.75, -1.75]))


@pytest.mark.parametrize("name", ["Adam", "AdamW"])
def test_adam_tensor_lr_with_foreach_is_refused_unless_capturable(name):
    p = mg.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="foreach=True"):
        getattr(mg.optim, name)([p], lr=mg.tensor(0.1), foreach=True)
    getattr(mg.optim, name)([p], lr=mg.tensor(0.1), foreach=True, capturable=True)


@pytest.mark.parametrize("name", ["Adam", "AdamW"])
def test_adam_betas_must_be_both_floats_or_both_tensors(name):
    p = mg.zeros(2, requires_grad=True)
    for betas in [(0, 0.999), (0.9, 0), (mg.tensor(0.9), 0.999)]:
        with pytest.raises(ValueError, match="both floats or both Tensors"):
            getattr(mg.optim, name)([p], betas=betas)
    assert getattr(mg.optim, name)([p], betas=[0.8, 0.9]).param_groups[0]["betas"] == (0.8, 0.9)


@pytest.mark.parametrize("name", ["Adam", "AdamW", "Adamax", "NAdam", "RAdam"])
def test_tensor_betas_step_as_the_same_numbers(name):
    def run(betas):
        p = mg.tensor([1.0, -2.0], dtype=mg.float64, requires_grad=True)
        opt = getattr(mg.optim, name)([p], lr=0.1, betas=betas)
        for k in range(4):
            p.grad = mg.tensor([0.5 * k - 1.0, 2.0], dtype=mg.float64)
            opt.step()
        return p.data

    as_tensors = (mg.tensor([0.5], dtype=mg.float64), mg.tensor(0.75, dtype=mg.float64))
    np.testing.assert_array_equal(run(as_tensors), run((0.5, 0.75)))


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "Adagrad"])
def test_fused_and_foreach_together_are_a_runtime_error(name):
    with pytest.raises(RuntimeError, match="`fused` and `foreach`"):
        getattr(mg.optim, name)([mg.zeros(2, requires_grad=True)], lr=0.1, fused=True, foreach=True)
    with pytest.raises(ValueError, match="empty parameter list"):  # the groups are made first
        getattr(mg.optim, name)([], lr=0.1, fused=True, foreach=True)


def test_default_collate_keeps_numpy_strings_as_a_list():
    batch = [np.str_("a"), np.str_("bc")]
    assert mg.data.default_collate(batch) == batch
    assert mg.data.default_collate(batch=[(np.str_("x"), 1)])[0] == ("x",)  # as zip gives it


@pytest.mark.parametrize(
    "arrays",
    [[np.array(["a"]), np.array(["b"])], [np.array([1, None], dtype=object)] * 2,
     [np.array([b"a"])]],
)  # fmt: skip
def test_default_collate_refuses_numpy_arrays_of_strings_or_objects(arrays):
    with pytest.raises(TypeError, match="default_collate.*found"):
        mg.data.default_collate(arrays)


def test_default_convert_takes_data_by_keyword():
    out = mg.data.default_convert(data=(np.ones(2), 1))
    assert isinstance(out, list) and out[1] == 1 and out[0].tolist() == [1.0, 1.0]


class _CountingSGD(mg.optim.Optimizer):
    """A user's optimizer that keeps its step count as an int, as PyTorch's tutorials do."""

    def __init__(self, params, lr=0.1):
        super().__init__(params, dict(lr=lr))

    @mg.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                state["step"] = state.get("step", 0) + 1
                p.sub_(group["lr"] / state["step"] * p.grad)


def test_a_users_optimizer_loads_back_the_int_step_it_saved():
    p = mg.tensor([1.0, -2.0], dtype=mg.float64, requires_grad=True)
    p.grad = mg.tensor([1.0, 1.0], dtype=mg.float64)
    opt = _CountingSGD([p])
    opt.step()
    resumed = _CountingSGD([p])
    resumed.load_state_dict(opt.state_dict())
    assert resumed.state[p]["step"] == 1 and isinstance(resumed.state[p]["step"], int)
    resumed.step()
    # θ ← θ - γ/t g at t = 2, after t = 1
    np.testing.assert_allclose(p.data, [1.0 - 0.1 - 0.05, -2.0 - 0.1 - 0.05], rtol=1e-15)


def test_adam_still_loads_a_saved_number_step_as_a_tensor():
    p = mg.zeros(2, requires_grad=True)
    opt = mg.optim.Adam([p])
    sd = {"state": {0: {"step": 3, "exp_avg": mg.zeros(2), "exp_avg_sq": mg.zeros(2)}},
          "param_groups": opt.state_dict()["param_groups"]}  # fmt: skip
    opt.load_state_dict(sd)
    step = opt.state[p]["step"]
    assert isinstance(step, mg.Tensor) and step.dtype == mg.float32 and step.item() == 3


def test_a_group_must_give_a_required_option():
    from minigrad.optim.optimizer import Optimizer, required

    class Plain(Optimizer):
        def __init__(self, params, lr=required):
            super().__init__(params, dict(lr=lr))

    a, b = mg.zeros(2, requires_grad=True), mg.zeros(1, requires_grad=True)
    assert Plain([{"params": [a], "lr": 0.5}]).param_groups[0]["lr"] == 0.5
    with pytest.raises(ValueError, match="required optimization parameter lr"):
        Plain([{"params": [a], "lr": 0.5}, {"params": [b]}])


def test_step_with_an_epoch_uses_a_users_get_closed_form_lr():
    class Halving(mg.optim.lr_scheduler.LRScheduler):
        def get_lr(self):
            return [g["lr"] * 0.5 for g in self.optimizer.param_groups]

        def _get_closed_form_lr(self):
            return [base * 0.5**self.last_epoch for base in self.base_lrs]

    opt = mg.optim.SGD([mg.zeros(2, requires_grad=True)], lr=0.1)
    scheduler = Halving(opt)
    opt.step()
    with pytest.warns(UserWarning, match="epoch parameter"):
        scheduler.step(3)
    assert scheduler.get_last_lr() == [0.1 * 0.5**3]
    assert opt.param_groups[0]["lr"] == 0.1 * 0.5**3


def test_lrscheduler_keeps_its_pre_2_0_name():
    from minigrad.optim.lr_scheduler import LRScheduler, _LRScheduler

    class Constant(_LRScheduler):
        def get_lr(self):
            return list(self.base_lrs)

    opt = mg.optim.SGD([mg.zeros(2, requires_grad=True)], lr=0.3)
    scheduler = Constant(opt)
    assert isinstance(scheduler, LRScheduler) and scheduler.get_last_lr() == [0.3]


def _lbfgs_run(steps_before, steps_after, dtype=mg.float64):
    """LBFGS on a small nonconvex function; after ``steps_before`` steps the optimizer is
    rebuilt from its state_dict (when ``steps_after``). Returns x and the last state."""
    x = mg.tensor([1.5, -0.5], dtype=dtype, requires_grad=True)
    holder = {}

    def closure():
        holder["opt"].zero_grad()
        loss = ((x - 1) ** 2).sum() + (x[0] * x[1]) ** 2
        loss.backward()
        return loss

    holder["opt"] = mg.optim.LBFGS([x], max_iter=3, history_size=2)
    for _ in range(steps_before):
        holder["opt"].step(closure)
    if steps_after:
        saved = holder["opt"].state_dict()
        holder["opt"] = mg.optim.LBFGS([x], max_iter=3, history_size=2)
        holder["opt"].load_state_dict(saved)
        for _ in range(steps_after):
            holder["opt"].step(closure)
    return x.data.copy(), holder["opt"].state[x]


@pytest.mark.parametrize("dtype", [mg.float32, mg.float64])
def test_lbfgs_keeps_its_scalars_as_tensors_and_t_as_the_int_lr(dtype):
    _, state = _lbfgs_run(2, 0, dtype)
    assert isinstance(state["H_diag"], mg.Tensor) and state["H_diag"].dtype == dtype
    for key in ("ro", "al"):
        assert state[key] and all(isinstance(v, mg.Tensor) and v.dtype == dtype and v.ndim == 0
                                  for v in state[key])  # fmt: skip
    assert state["t"] == 1 and isinstance(state["t"], int)


def test_lbfgs_resumed_from_its_state_dict_continues_the_same_run():
    uninterrupted, _ = _lbfgs_run(3, 0)
    resumed, _ = _lbfgs_run(1, 2)
    np.testing.assert_array_equal(resumed, uninterrupted)


def test_torch_utils_data_submodule_paths_import():
    from minigrad.utils.data.dataloader import DataLoader, default_collate
    from minigrad.utils.data.dataset import Subset
    from minigrad.utils.data.sampler import SequentialSampler

    assert DataLoader is mg.data.DataLoader and default_collate is mg.data.default_collate
    assert Subset is mg.data.Subset and SequentialSampler is mg.data.SequentialSampler
    assert mg.utils.data.sampler is mg.data.sampler


def test_step_lr_fills_a_tensor_lr_in_place_and_keeps_copies():
    lr = mg.tensor(0.8)
    opt = mg.optim.SGD([mg.zeros(2, requires_grad=True)], lr=lr)
    scheduler = mg.optim.lr_scheduler.StepLR(opt, 1, gamma=0.5)
    for _ in range(2):
        opt.step()
        scheduler.step()
    assert opt.param_groups[0]["lr"] is lr and lr.item() == np.float32(0.2)
    last, base, initial = (
        scheduler.get_last_lr()[0],
        scheduler.base_lrs[0],
        opt.param_groups[0]["initial_lr"],
    )
    assert last is not lr and last.item() == np.float32(0.2)
    assert base is not lr and initial is not lr and base.item() == initial.item() == np.float32(0.8)


def test_a_tensor_dataset_subclass_with_getitems_is_fetched_through_it():
    class Doubled(mg.data.TensorDataset):
        def __getitems__(self, indices):
            return [tuple(2 * t[i] for t in self.tensors) for i in indices]

    batches = list(mg.data.DataLoader(Doubled(mg.arange(5.0)), batch_size=2))
    assert [b[0].tolist() for b in batches] == [[0.0, 2.0], [4.0, 6.0], [8.0]]


def test_lbfgs_with_max_iter_0_only_evaluates():
    p = mg.tensor([0.5, -1.0], dtype=mg.float64, requires_grad=True)
    opt = mg.optim.LBFGS([p], max_iter=0)

    def closure():
        opt.zero_grad()
        loss = ((p - 1) ** 2).sum()
        loss.backward()
        return loss

    for _ in range(2):
        assert opt.step(closure).item() == 0.25 + 4.0
    assert p.tolist() == [0.5, -1.0] and opt.state[p]["func_evals"] == 2


class _Batched(mg.data.Dataset):
    """A dataset whose __getitems__ (a batch at once) differs from its __getitem__."""

    def __len__(self):
        return 6

    def __getitem__(self, i):
        return i

    def __getitems__(self, indices):
        return [100 + i for i in indices]


def test_subset_and_stack_dataset_fetch_through_the_datasets_getitems():
    subset = mg.data.Subset(_Batched(), [5, 1, 3])
    assert subset.__getitems__([0, 2]) == [105, 103] and subset[0] == 5
    batches = [b.tolist() for b in mg.data.DataLoader(subset, batch_size=2)]
    assert batches == [[105, 101], [103]]
    stacked = mg.data.StackDataset(x=_Batched(), y=range(6))
    assert stacked.__getitems__([2, 4]) == [{"x": 102, "y": 2}, {"x": 104, "y": 4}]
    assert mg.data.StackDataset(_Batched(), range(6)).__getitems__([1]) == [(101, 1)]


def test_stack_dataset_refuses_a_batch_of_the_wrong_size():
    class Short(_Batched):
        def __getitems__(self, indices):
            return [0]

    with pytest.raises(ValueError, match="Expected 2, got 1"):
        mg.data.StackDataset(Short(), range(6)).__getitems__([0, 1])


def test_default_collate_keeps_a_defaultdicts_type_and_factory():
    import collections

    batch = [collections.defaultdict(list, a=1.0), collections.defaultdict(list, a=2.0)]
    out = mg.data.default_collate(batch)
    assert isinstance(out, collections.defaultdict) and out.default_factory is list
    assert out["a"].tolist() == [1.0, 2.0] and batch[0]["a"] == 1.0  # the sample is untouched


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_sgd_tensor_weight_decay_steps_as_the_same_number(momentum):
    def run(weight_decay):
        p = mg.tensor([1.0, -2.0], dtype=mg.float64, requires_grad=True)
        opt = mg.optim.SGD([p], lr=0.1, momentum=momentum, weight_decay=weight_decay)
        for k in range(4):
            p.grad = mg.tensor([1.0, 0.5 * k], dtype=mg.float64)
            opt.step()
        return p.data

    as_tensor = mg.tensor(0.01, dtype=mg.float64)
    np.testing.assert_array_equal(run(as_tensor), run(0.01))
