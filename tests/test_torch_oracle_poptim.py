"""Optimizer arguments and data collation PyTorch users meet, against PyTorch itself:
the checks of a Tensor ``lr``, ... Runs only where torch is installed."""

import collections
import inspect
import types

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

OPTIMIZERS = ["SGD", "Adam", "AdamW", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam",
              "RMSprop", "ASGD", "Rprop", "LBFGS"]  # fmt: skip


def _outcome(build):
    """What ``build()`` gives: ("ok", value) or ("raises", the exception's type name)."""
    try:
        return "ok", build()
    except Exception as e:  # noqa: BLE001 - the type is what is compared
        return "raises", type(e).__name__


def _both(build):
    """``build(lib)`` in minigrad and in torch: the same outcome, values as lists."""
    ours, theirs = _outcome(lambda: build(mg)), _outcome(lambda: build(torch))
    assert ours == theirs
    return ours


@pytest.mark.parametrize("name", OPTIMIZERS)
@pytest.mark.parametrize("lr", [[0.1, 0.2], [[0.1], [0.2]], []])
def test_tensor_lr_must_have_one_element_as_pytorch(name, lr):
    def build(lib):
        getattr(lib.optim, name)([lib.zeros(2, requires_grad=True)], lr=lib.tensor(lr))

    assert _both(build) == ("raises", "ValueError")


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_one_element_tensor_lr_steps_as_pytorch(name):
    def build(lib):
        p = lib.tensor([1.0, -2.0], requires_grad=True)
        opt = getattr(lib.optim, name)([p], lr=lib.tensor([0.1]))

        def closure():
            opt.zero_grad()
            loss = (p * p).sum()
            loss.backward()
            return loss

        for _ in range(3):
            opt.step(closure)
        return np.round(p.tolist(), 5).tolist()

    assert _both(build)[0] == "ok"


@pytest.mark.parametrize("name", ["Adam", "AdamW"])
@pytest.mark.parametrize("capturable", [False, True])
def test_adam_tensor_lr_with_foreach_raises_as_pytorch(name, capturable):
    def build(lib):
        p = lib.zeros(2, requires_grad=True)
        opt = getattr(lib.optim, name)([p], lr=lib.tensor(0.1), foreach=True, capturable=capturable)
        return type(opt).__name__

    _both(build)


@pytest.mark.parametrize("name", ["Adam", "AdamW"])
@pytest.mark.parametrize(
    "betas, options",
    [((0, 0.999), {}), ((0.9, 0), {}), ((0.9, 1), {}), ([0.8, 0.99], {}), ((0.5, 0.9), {}),
     ("tensors", {}), ("tensors", {"foreach": True}), ("tensors", {"amsgrad": True}),
     ("tensor and float", {}), ("two-element tensor", {})],
)  # fmt: skip
def test_adam_betas_are_checked_kept_and_used_as_pytorch(name, betas, options):
    def build(lib):
        given = {
            "tensors": (lib.tensor([0.5]), lib.tensor(0.75)),
            "tensor and float": (lib.tensor(0.5), 0.75),
            "two-element tensor": (lib.tensor([0.5, 0.6]), lib.tensor(0.75)),
        }.get(betas, betas)
        p = lib.tensor([1.0, -2.0], dtype=lib.float64, requires_grad=True)
        opt = getattr(lib.optim, name)([p], lr=0.1, betas=given, **options)
        for k in range(4):
            p.grad = lib.tensor([0.5 * k - 1.0, 2.0], dtype=lib.float64)
            opt.step()
        kept = opt.param_groups[0]["betas"]
        # torch's float32 Tensor betas round 1 - β once more than minigrad's numbers
        return (
            type(kept).__name__,
            [b.shape if hasattr(b, "shape") else b for b in kept],
            (np.round(p.tolist(), 6).tolist()),
        )

    _both(build)


@pytest.mark.parametrize("name", ["Adamax", "NAdam", "RAdam"])
def test_tensor_betas_step_as_pytorch(name):
    def build(lib):
        p = lib.tensor([1.0, -2.0], dtype=lib.float64, requires_grad=True)
        opt = getattr(lib.optim, name)([p], lr=0.1, betas=(lib.tensor(0.5), lib.tensor(0.75)))
        for k in range(4):
            p.grad = lib.tensor([0.5 * k - 1.0, 2.0], dtype=lib.float64)
            opt.step()
        return np.round(p.tolist(), 6).tolist()

    assert _both(build)[0] == "ok"


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "Adagrad"])
@pytest.mark.parametrize(
    "fused, foreach", [(True, True), (True, False), (None, True), (True, None)]
)
def test_fused_and_foreach_together_raise_as_pytorch(name, fused, foreach):
    def build(lib):
        opt = getattr(lib.optim, name)([lib.zeros(2, requires_grad=True)], lr=0.1, fused=fused,
                                       foreach=foreach)  # fmt: skip
        return opt.defaults["fused"], opt.defaults["foreach"]

    _both(build)


def _parameters(f):
    return [(p.name, p.kind, p.default) for p in inspect.signature(f).parameters.values()]


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_optimizer_signatures_are_pytorchs_in_order(name):
    assert _parameters(getattr(mg.optim, name)) == _parameters(getattr(torch.optim, name))


def _described(batch):
    """A collated batch as plain data: Tensors as (dtype, shape, values), containers by type."""
    if hasattr(batch, "dtype") and hasattr(batch, "shape") and not isinstance(batch, np.ndarray):
        return str(batch.dtype).removeprefix("torch."), tuple(batch.shape), batch.tolist()
    if isinstance(batch, dict):
        return {k: _described(v) for k, v in batch.items()}
    if isinstance(batch, (list, tuple)):
        return type(batch).__name__, [_described(x) for x in batch]
    return type(batch).__name__, batch


COLLATED = {
    "numpy str scalars": [np.str_("a"), np.str_("bc")],
    "numpy bytes scalars": [np.bytes_(b"a"), np.bytes_(b"b")],
    "numpy str arrays": [np.array(["a"]), np.array(["b"])],
    "numpy object arrays": [np.array([1, None], dtype=object)] * 2,
    "numpy bytes arrays": [np.array([b"a"]), np.array([b"b"])],
    "tuples with numpy str": [(np.str_("a"), 1.0), (np.str_("b"), 2.0)],
    "numpy int scalars": [np.int16(1), np.int16(2)],
}


@pytest.mark.parametrize("name", sorted(COLLATED))
def test_default_collate_of_numpy_strings_and_objects_as_pytorch(name):
    from torch.utils.data import default_collate

    def build(lib):
        collate = default_collate if lib is torch else mg.data.default_collate
        return _described(collate(COLLATED[name]))

    _both(build)


@pytest.mark.parametrize("name", ["default_collate", "default_convert"])
def test_collate_functions_take_pytorchs_keyword(name):
    import torch.utils.data as torch_data

    assert _parameters(getattr(mg.data, name)) == _parameters(getattr(torch_data, name))


def _custom_optimizer(lib):
    """A user's optimizer written the PyTorch way: a step count kept as an int."""

    class MomentumSGD(lib.optim.Optimizer):
        def __init__(self, params, lr=0.01, momentum=0.9):
            super().__init__(params, dict(lr=lr, momentum=momentum))

        @lib.no_grad()
        def step(self, closure=None):
            loss = None
            if closure is not None:
                with lib.enable_grad():
                    loss = closure()
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    state = self.state[p]
                    if len(state) == 0:
                        state["step"] = 0
                        state["buf"] = lib.zeros_like(p)
                    state["step"] += 1
                    state["buf"].mul_(group["momentum"]).add_(p.grad)
                    p.add_(state["buf"], alpha=-group["lr"] / (1 - 0.5 ** state["step"]))
            return loss

    return MomentumSGD


def test_custom_optimizer_resumes_from_its_state_dict_as_pytorch():
    def build(lib):
        optimizer = _custom_optimizer(lib)
        p = lib.tensor([1.0, -2.0], dtype=lib.float64, requires_grad=True)
        opt = optimizer([p], lr=0.1)
        for k in range(3):
            p.grad = lib.tensor([0.5 * k - 1.0, 2.0], dtype=lib.float64)
            opt.step()
        resumed = optimizer([p], lr=0.1)
        resumed.load_state_dict(opt.state_dict())
        for k in range(3):
            p.grad = lib.tensor([1.0, 0.5 * k], dtype=lib.float64)
            resumed.step()
        step = resumed.state_dict()["state"][0]["step"]
        return type(step).__name__, step, np.round(p.tolist(), 10).tolist()

    assert _both(build)[1][:2] == ("int", 6)


@pytest.mark.parametrize("groups", ["plain", "each with lr", "one without lr"])
def test_required_option_of_a_users_optimizer_as_pytorch(groups):
    import torch.optim.optimizer as torch_optimizer

    import minigrad.optim.optimizer as mg_optimizer

    assert repr(mg_optimizer.required) == repr(torch_optimizer.required)

    def build(lib):
        module = torch_optimizer if lib is torch else mg_optimizer

        class Plain(module.Optimizer):
            def __init__(self, params, lr=module.required, momentum=0.0):
                super().__init__(params, dict(lr=lr, momentum=momentum))

        a, b = lib.zeros(2, requires_grad=True), lib.zeros(1, requires_grad=True)
        params = {
            "plain": [a, b],
            "each with lr": [{"params": [a], "lr": 0.1}, {"params": [b], "lr": 0.2}],
            "one without lr": [{"params": [a], "lr": 0.1}, {"params": [b]}],
        }[groups]
        opt = Plain(params)
        return [repr(g["lr"]) for g in opt.param_groups]

    _both(build)


def test_step_with_an_epoch_takes_a_users_closed_form_as_pytorch():
    def build(lib):
        class Halving(lib.optim.lr_scheduler.LRScheduler):
            def get_lr(self):
                return [g["lr"] * 0.5 for g in self.optimizer.param_groups]

            def _get_closed_form_lr(self):
                return [base * 0.5**self.last_epoch for base in self.base_lrs]

        opt = lib.optim.SGD([lib.zeros(2, requires_grad=True)], lr=0.1)
        scheduler = Halving(opt)
        opt.step()
        with pytest.warns(UserWarning):
            scheduler.step(3)
        return scheduler.get_last_lr()

    assert _both(build) == ("ok", [0.1 * 0.5**3])


@pytest.mark.parametrize("base", ["LRScheduler", "_LRScheduler"])
def test_a_users_warmup_scheduler_runs_as_pytorch(base):
    def build(lib):
        class Warmup(getattr(lib.optim.lr_scheduler, base)):
            def __init__(self, optimizer, warmup, last_epoch=-1):
                self.warmup = warmup
                super().__init__(optimizer, last_epoch)

            def get_lr(self):
                return [b * min(1.0, (self.last_epoch + 1) / self.warmup) for b in self.base_lrs]

        opt = lib.optim.SGD([lib.zeros(2, requires_grad=True)], lr=0.1)
        scheduler = Warmup(opt, 4)
        rates = [scheduler.get_last_lr()]
        for _ in range(6):
            opt.step()
            scheduler.step()
            rates.append(scheduler.get_last_lr())
        resumed = Warmup(opt, 4)
        resumed.load_state_dict(scheduler.state_dict())
        return rates, sorted(scheduler.state_dict()), resumed.last_epoch

    assert _both(build)[0] == "ok"


def _kinds(value):
    """A state value's structure: type names, dtypes and shapes, lists element by element."""
    if isinstance(value, list):
        return ["list", [_kinds(v) for v in value]]
    if hasattr(value, "dtype") and hasattr(value, "shape") and not isinstance(value, np.generic):
        return ["Tensor", str(value.dtype).removeprefix("torch."), tuple(value.shape)]
    return [type(value).__name__]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
@pytest.mark.parametrize("lr", [1, 0.5])
def test_lbfgs_state_dict_has_pytorchs_structure(dtype, line_search_fn, lr):
    def build(lib):
        x = lib.tensor([1.5, -0.5], dtype=getattr(lib, dtype), requires_grad=True)
        opt = lib.optim.LBFGS([x], lr=lr, max_iter=4, history_size=3,
                              line_search_fn=line_search_fn)  # fmt: skip

        def closure():
            opt.zero_grad()
            loss = ((x - 1) ** 2).sum() + (x[0] * x[1]) ** 2
            loss.backward()
            return loss

        for _ in range(2):
            opt.step(closure)
        state = opt.state_dict()["state"][0]
        return {key: _kinds(value) for key, value in state.items()}, list(state)

    _both(build)


def test_lbfgs_resumes_from_its_state_dict_as_pytorch():
    def build(lib):
        x = lib.tensor([1.5, -0.5], dtype=lib.float64, requires_grad=True)

        def closure_of(opt):
            def closure():
                opt.zero_grad()
                loss = ((x - 1) ** 2).sum() + (x[0] * x[1]) ** 2
                loss.backward()
                return loss

            return closure

        opt = lib.optim.LBFGS([x], max_iter=3, history_size=2)
        opt.step(closure_of(opt))
        resumed = lib.optim.LBFGS([x], max_iter=3, history_size=2)
        resumed.load_state_dict(opt.state_dict())
        resumed.step(closure_of(resumed))
        return np.round(x.tolist(), 12).tolist()

    assert _both(build)[0] == "ok"


@pytest.mark.parametrize(
    "module, name",
    [("dataloader", "default_collate"), ("dataloader", "DataLoader"), ("dataset", "Dataset"),
     ("dataset", "TensorDataset"), ("dataset", "random_split"), ("sampler", "RandomSampler"),
     ("sampler", "BatchSampler")],
)  # fmt: skip
def test_torch_utils_data_submodules_have_minigrad_twins(module, name):
    import importlib

    theirs = importlib.import_module(f"torch.utils.data.{module}")
    ours = importlib.import_module(f"minigrad.utils.data.{module}")
    assert hasattr(theirs, name)
    assert getattr(ours, name) is getattr(mg.data, name)


TENSOR_LR_SCHEDULERS = {
    "StepLR": lambda S, o: S.StepLR(o, 1, gamma=0.5),
    "CosineAnnealingLR": lambda S, o: S.CosineAnnealingLR(o, 5),
    "LinearLR": lambda S, o: S.LinearLR(o, 0.5, total_iters=3),
    "LambdaLR": lambda S, o: S.LambdaLR(o, lambda e: 0.9**e),
    "SequentialLR": lambda S, o: S.SequentialLR(
        o, [S.ConstantLR(o, 0.5, total_iters=2), S.StepLR(o, 1, gamma=0.5)], [2]
    ),
    "ReduceLROnPlateau": lambda S, o: S.ReduceLROnPlateau(o, patience=0),
    "CosineAnnealingWarmRestarts": lambda S, o: S.CosineAnnealingWarmRestarts(o, 2),
    "CyclicLR": lambda S, o: S.CyclicLR(o, 0.01, 0.1, step_size_up=2),
    "OneCycleLR": lambda S, o: S.OneCycleLR(o, 0.1, total_steps=10),
}


@pytest.mark.parametrize("name", sorted(TENSOR_LR_SCHEDULERS))
def test_scheduler_fills_a_tensor_lr_in_place_as_pytorch(name):
    def build(lib):
        p = lib.zeros(2, requires_grad=True)
        lr = lib.tensor(0.1)
        opt = lib.optim.SGD([p], lr=lr, momentum=0.9)
        scheduler = TENSOR_LR_SCHEDULERS[name](lib.optim.lr_scheduler, opt)
        seen = []
        for _ in range(5):
            p.grad = lib.ones(2)
            opt.step()
            scheduler.step(1.0) if name == "ReduceLROnPlateau" else scheduler.step()
            group = opt.param_groups[0]
            last = scheduler.get_last_lr()[0]
            seen.append((group["lr"] is lr, type(last).__name__, last is lr,
                         round(float(group["lr"]), 6)))  # fmt: skip
        kept = [type(b).__name__ for b in getattr(scheduler, "base_lrs", [])]
        return seen, kept, opt.param_groups[0]["initial_lr"] is lr, np.round(p.tolist(), 5).tolist()

    _both(build)


def test_a_tensor_dataset_subclass_with_getitems_is_fetched_through_it_as_pytorch():
    def build(lib):
        data = torch.utils.data if lib is torch else mg.data

        class Doubled(data.TensorDataset):
            def __getitems__(self, indices):
                return [tuple(2 * t[i] for t in self.tensors) for i in indices]

        loader = data.DataLoader(Doubled(lib.arange(5.0), lib.arange(5)), batch_size=2)
        return [
            [(str(t.dtype).removeprefix("torch."), t.tolist()) for t in batch] for batch in loader
        ]

    _both(build)


@pytest.mark.parametrize("max_iter", [0, 1])
def test_lbfgs_with_few_iterations_steps_again_as_pytorch(max_iter):
    def build(lib):
        p = lib.tensor([0.5, -1.0], dtype=lib.float64, requires_grad=True)
        opt = lib.optim.LBFGS([p], max_iter=max_iter)

        def closure():
            opt.zero_grad()
            loss = ((p - 1) ** 2).sum()
            loss.backward()
            return loss

        losses = [round(float(opt.step(closure)), 12) for _ in range(3)]
        state = opt.state_dict()["state"][0]
        return losses, np.round(p.tolist(), 12).tolist(), {k: _kinds(v) for k, v in state.items()}

    _both(build)


def _batched_dataset(data):
    """A dataset whose __getitems__ (a batch at once) differs from its __getitem__."""

    class Batched(data.Dataset):
        def __len__(self):
            return 6

        def __getitem__(self, i):
            return i

        def __getitems__(self, indices):
            return [100 + i for i in indices]

    return Batched()


def _short_dataset(data):
    class Short(data.Dataset):
        def __len__(self):
            return 6

        def __getitem__(self, i):
            return i

        def __getitems__(self, indices):
            return [0]

    return Short()


WRAPPED = {  # (torch.utils.data or mg.data, torch or mg) -> a dataset
    "Subset": lambda d, m: d.Subset(_batched_dataset(d), [5, 1, 3]),
    "StackDataset": lambda d, m: d.StackDataset(_batched_dataset(d), list(range(6))),
    "StackDataset by name": lambda d, m: d.StackDataset(a=_batched_dataset(d), b=range(6)),
    "StackDataset short": lambda d, m: d.StackDataset(_short_dataset(d), range(6)),
    "Subset of a TensorDataset": lambda d, m: d.Subset(d.TensorDataset(m.arange(6)), [5, 1, 3]),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(WRAPPED))
def test_wrapping_datasets_fetch_batches_through_getitems_as_pytorch(name):
    def build(lib):
        data = torch.utils.data if lib is torch else mg.data
        loader = data.DataLoader(WRAPPED[name](data, lib), batch_size=2)
        return [_described(batch) for batch in loader]

    _both(build)


class _Tagged(dict):
    """A dict subclass with an attribute, which PyTorch's collate keeps by copying."""

    def __init__(self, *args, tag="none", **kwargs):
        super().__init__(*args, **kwargs)
        self.tag = tag


MAPPINGS = {
    "defaultdict": lambda: collections.defaultdict(list, a=1.5, b=2),
    "OrderedDict": lambda: collections.OrderedDict(b=1, a=2.0),
    "tagged dict": lambda: _Tagged(a=1, tag="kept"),
    "read-only mapping": lambda: types.MappingProxyType({"a": 1}),
}


@pytest.mark.parametrize("name", sorted(MAPPINGS))
@pytest.mark.parametrize("function", ["default_collate", "default_convert"])
def test_collated_mappings_keep_their_type_as_pytorch(name, function):
    import torch.utils.data as torch_data

    def build(lib):
        module = torch_data if lib is torch else mg.data
        sample = MAPPINGS[name]()
        argument = [sample, MAPPINGS[name]()] if function == "default_collate" else sample
        out = getattr(module, function)(argument)
        extra = (out.default_factory,) if isinstance(out, collections.defaultdict) else ()
        return type(out).__name__, getattr(out, "tag", None), extra, _described(dict(out))

    _both(build)


@pytest.mark.parametrize(
    "options",
    [dict(momentum=0.9), dict(momentum=0.9, nesterov=True), dict(momentum=0.5, dampening=0.5),
     dict(momentum=0.9, maximize=True), dict()],
)  # fmt: skip
def test_sgd_with_a_tensor_weight_decay_steps_as_pytorch(options):
    def build(lib):
        p = lib.tensor([1.0, -2.0], dtype=lib.float64, requires_grad=True)
        opt = lib.optim.SGD(
            [p], lr=0.1, weight_decay=lib.tensor(0.01, dtype=lib.float64), **options
        )
        for k in range(4):
            p.grad = lib.tensor([1.0, 0.5 * k], dtype=lib.float64)
            opt.step()
        return np.round(p.tolist(), 12).tolist()

    assert _both(build)[0] == "ok"
