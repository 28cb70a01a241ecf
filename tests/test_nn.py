"""nn.Module, nn.Parameter, the layers, nn.init and nn.utils.clip_grad_norm_."""

import math
from collections import OrderedDict

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn


@pytest.fixture
def float64():
    old = mg.get_default_dtype()
    mg.set_default_dtype(mg.float64)
    yield
    mg.set_default_dtype(old)


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 4)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class AutoEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(mg.ones(1))
        self.encoder = Encoder()
        self.decoder = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 3))
        self.register_buffer("steps", mg.zeros(1))
        self.note = "a plain attribute"
        self.cache = mg.zeros(2)  # a plain Tensor attribute is not registered

    def forward(self, x):
        return self.decoder(self.encoder(x)) * self.scale


AUTOENCODER_PARAMS = [
    "scale",
    "encoder.fc1.weight",
    "encoder.fc1.bias",
    "encoder.fc2.weight",
    "encoder.fc2.bias",
    "decoder.0.weight",
    "decoder.0.bias",
    "decoder.2.weight",
    "decoder.2.bias",
]


def _set(t, values):
    with mg.no_grad():
        t.copy_(mg.from_numpy(np.asarray(values, dtype=t.dtype)))


# ---- Parameter -------------------------------------------------------------------------


def test_parameter_is_a_leaf_tensor_that_requires_grad_and_shares_memory():
    t = mg.tensor([1.0, 2.0])
    p = nn.Parameter(t)
    assert isinstance(p, mg.Tensor)
    assert p.requires_grad and p.is_leaf and p.grad_fn is None
    assert np.shares_memory(p.data, t.data)
    (p * p).sum().backward()
    np.testing.assert_array_equal(p.grad.data, [2.0, 4.0])


def test_parameter_repr_is_pytorchs():
    p = nn.Parameter(mg.tensor([1.0, 2.0]))
    assert repr(p) == "Parameter containing:\ntensor([1., 2.], requires_grad=True)"


def test_parameter_options_and_integer_data():
    assert not nn.Parameter(mg.tensor([1.0]), requires_grad=False).requires_grad
    assert nn.Parameter().shape == (0,)
    with pytest.raises(RuntimeError, match="int64"):
        nn.Parameter(mg.tensor([1, 2]))


def test_results_of_ops_on_parameters_are_plain_tensors():
    p = nn.Parameter(mg.ones(2))
    assert type(p * 2) is mg.Tensor
    assert type(p.detach()) is mg.Tensor


# ---- registration and the module tree --------------------------------------------------


def test_named_parameters_follow_assignment_order_with_pytorch_names():
    assert [n for n, _ in AutoEncoder().named_parameters()] == AUTOENCODER_PARAMS


def test_parameters_children_and_modules():
    m = AutoEncoder()
    assert [id(p) for p in m.parameters()] == [id(p) for _, p in m.named_parameters()]
    assert [type(c).__name__ for c in m.children()] == ["Encoder", "Sequential"]
    assert [n for n, _ in m.named_children()] == ["encoder", "decoder"]
    assert [n for n, _ in m.named_modules()] == [
        "", "encoder", "encoder.fc1", "encoder.act", "encoder.fc2",
        "decoder", "decoder.0", "decoder.1", "decoder.2",
    ]  # fmt: skip
    assert next(m.modules()) is m
    assert sum(p.numel() for p in m.parameters()) == 1 + 16 + 10 + 12 + 15
    assert [n for n, _ in m.named_parameters(recurse=False)] == ["scale"]
    assert [n for n, _ in m.named_buffers()] == ["steps"]


def test_plain_attributes_are_not_registered():
    m = AutoEncoder()
    assert m.note == "a plain attribute"
    assert all(p is not m.cache for p in m.parameters())
    assert "cache" not in m.state_dict()


def test_a_shared_module_is_listed_once():
    lin = nn.Linear(2, 2)
    seq = nn.Sequential(lin, nn.ReLU(), lin)
    assert [n for n, _ in seq.named_parameters()] == ["0.weight", "0.bias"]
    assert [n for n, _ in seq.named_modules()] == ["", "0", "1"]
    # as in PyTorch, the state dict lists a shared tensor under every name
    assert list(seq.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    seq.load_state_dict({k: mg.zeros(v.shape) for k, v in seq.state_dict().items()})
    assert not lin.weight.data.any()


def test_reassignment_keeps_the_place_and_none_or_del_remove():
    m = Encoder()
    new_fc1 = nn.Linear(3, 4)
    m.fc1 = new_fc1
    assert [n for n, _ in m.named_children()] == ["fc1", "act", "fc2"]
    assert m.fc1 is new_fc1
    m.act = None
    assert [n for n, _ in m.named_children()] == ["fc1", "fc2"]
    del m.fc2
    assert [n for n, _ in m.named_parameters()] == ["fc1.weight", "fc1.bias"]
    assert not hasattr(m, "fc2")


def test_registration_errors():
    class NoInit(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(mg.ones(1))

    with pytest.raises(AttributeError, match="before Module.__init__"):
        NoInit()
    lin = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="nn.Parameter or None expected"):
        lin.weight = mg.ones(2, 2)
    with pytest.raises(TypeError, match="Tensor or None required"):
        lin.register_buffer("mean", [1.0, 2.0])
    with pytest.raises(KeyError, match="must not contain"):
        lin.register_buffer("a.b", mg.zeros(1))
    with pytest.raises(KeyError, match="already exists"):
        lin.register_buffer("in_features", mg.zeros(1))
    with pytest.raises(NotImplementedError, match="forward"):
        nn.Module()(mg.ones(1))


def test_apply_visits_children_before_their_parent():
    inner = nn.Sequential(nn.ReLU())
    outer = nn.Sequential(nn.Linear(1, 1), inner)
    seen = []
    assert outer.apply(lambda m: seen.append(m)) is outer
    assert [type(m).__name__ for m in seen] == ["Linear", "ReLU", "Sequential", "Sequential"]
    assert seen[2] is inner and seen[3] is outer


def test_apply_with_init_sets_every_linear_layer():
    m = AutoEncoder()

    def zero_linear(module):
        if isinstance(module, nn.Linear):
            nn.init.zeros_(module.weight)

    m.apply(zero_linear)
    weights = [p for n, p in m.named_parameters() if n.endswith("weight")]
    assert len(weights) == 4
    assert all(not p.data.any() for p in weights)


def test_train_and_eval_reach_every_child():
    m = AutoEncoder()
    assert all(mod.training for mod in m.modules())
    assert m.eval() is m
    assert not any(mod.training for mod in m.modules())
    m.train()
    assert all(mod.training for mod in m.modules())
    m.train(False)
    assert not m.decoder[1].training
    with pytest.raises(ValueError, match="boolean"):
        m.train("yes")


def test_zero_grad_sets_none_by_default_or_zeros():
    m = Encoder()
    m(mg.randn(5, 3)).sum().backward()
    grad = m.fc1.weight.grad
    assert grad is not None and grad.data.any()
    m.zero_grad(set_to_none=False)
    assert m.fc1.weight.grad is grad and not grad.data.any()
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())


def test_requires_grad_false_freezes_the_module():
    m = Encoder().requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())
    assert not m(mg.randn(2, 3)).requires_grad


def test_to_double_and_float_cast_parameters_gradients_and_buffers():
    m = AutoEncoder()
    m(mg.randn(2, 3)).sum().backward()
    weight = m.encoder.fc1.weight
    assert m.double() is m
    assert all(t.dtype == mg.float64 for t in m.state_dict().values())
    assert weight.grad.dtype == mg.float64
    assert m.encoder.fc1.weight is weight  # the same Parameter, new array
    assert m(mg.randn(2, 3, dtype=mg.float64)).dtype == mg.float64
    m.float()
    assert all(t.dtype == mg.float32 for t in m.state_dict().values())
    with pytest.raises(TypeError, match="floating point"):
        m.to(mg.int64)


def test_to_leaves_integer_buffers_alone():
    m = nn.Linear(2, 2)
    m.register_buffer("count", mg.tensor([3]))
    m.to(mg.float64)
    assert m.count.dtype == mg.int64 and m.weight.dtype == mg.float64


# ---- state_dict ------------------------------------------------------------------------


def test_state_dict_keys_values_and_sharing():
    m = AutoEncoder()
    sd = m.state_dict()
    assert list(sd) == ["scale", "steps"] + AUTOENCODER_PARAMS[1:]
    w = sd["encoder.fc1.weight"]
    assert type(w) is mg.Tensor and not w.requires_grad
    assert np.shares_memory(w.data, m.encoder.fc1.weight.data)
    kept = m.state_dict(keep_vars=True)
    assert kept["encoder.fc1.weight"] is m.encoder.fc1.weight


def test_load_state_dict_copies_values():
    mg.manual_seed(1)
    a = AutoEncoder()
    mg.manual_seed(2)
    b = AutoEncoder()
    _set(a.steps, [7.0])
    result = b.load_state_dict(a.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert repr(result) == "<All keys matched successfully>"
    for (name, pa), (_, pb) in zip(a.state_dict().items(), b.state_dict().items()):
        np.testing.assert_array_equal(pa.data, pb.data, err_msg=name)
        assert not np.shares_memory(pa.data, pb.data)
    x = mg.randn(4, 3)
    np.testing.assert_array_equal(a(x).data, b(x).data)


def test_load_state_dict_casts_to_the_parameters_dtype():
    m = nn.Linear(2, 1)
    m.load_state_dict({"weight": mg.tensor([[0.5, 0.25]], dtype=mg.float64), "bias": mg.zeros(1)})
    assert m.weight.dtype == mg.float32
    np.testing.assert_array_equal(m.weight.data, [[0.5, 0.25]])


def test_load_state_dict_strict_lists_missing_and_unexpected_keys():
    m = nn.Linear(2, 3)
    bias = m.bias.data.copy()
    with pytest.raises(RuntimeError) as info:
        m.load_state_dict(
            {"weight": mg.full((3, 2), 7.0), "extra": mg.zeros(1), "more": mg.zeros(1)}
        )
    assert str(info.value) == (
        "Error(s) in loading state_dict for Linear:\n"
        '\tMissing key(s) in state_dict: "bias". \n'
        '\tUnexpected key(s) in state_dict: "extra", "more". '
    )
    # as in PyTorch, what fits was copied before the error
    np.testing.assert_array_equal(m.weight.data, np.full((3, 2), 7.0))
    np.testing.assert_array_equal(m.bias.data, bias)


def test_load_state_dict_shape_mismatch_names_the_key_and_both_shapes():
    m = nn.Linear(2, 3)
    with pytest.raises(RuntimeError) as info:
        m.load_state_dict({"weight": mg.zeros(3, 3), "bias": mg.zeros(3)}, strict=False)
    assert (
        "size mismatch for weight: copying a param with shape (3, 3) from checkpoint, the "
        "shape in current model is (3, 2)."
    ) in str(info.value)


def test_load_state_dict_not_strict_returns_the_keys_and_loads_the_rest():
    m = nn.Linear(2, 3)
    missing, unexpected = m.load_state_dict(
        {"weight": mg.ones(3, 2), "other": mg.zeros(1)}, strict=False
    )
    assert missing == ["bias"] and unexpected == ["other"]
    np.testing.assert_array_equal(m.weight.data, np.ones((3, 2)))


# ---- repr ------------------------------------------------------------------------------


def test_nested_repr_is_pytorchs():
    expected = (
        "AutoEncoder(\n"
        "  (encoder): Encoder(\n"
        "    (fc1): Linear(in_features=3, out_features=4, bias=True)\n"
        "    (act): ReLU()\n"
        "    (fc2): Linear(in_features=4, out_features=2, bias=True)\n"
        "  )\n"
        "  (decoder): Sequential(\n"
        "    (0): Linear(in_features=2, out_features=4, bias=True)\n"
        "    (1): Tanh()\n"
        "    (2): Linear(in_features=4, out_features=3, bias=True)\n"
        "  )\n"
        ")"
    )
    assert repr(AutoEncoder()) == expected


def test_layer_reprs_are_pytorchs():
    assert repr(nn.Linear(3, 1, bias=False)) == "Linear(in_features=3, out_features=1, bias=False)"
    assert repr(nn.Dropout(0.25)) == "Dropout(p=0.25, inplace=False)"
    assert repr(nn.Softmax(dim=1)) == "Softmax(dim=1)"
    assert repr(nn.LogSoftmax(dim=-1)) == "LogSoftmax(dim=-1)"
    assert repr(nn.Flatten()) == "Flatten(start_dim=1, end_dim=-1)"
    assert repr(nn.Identity()) == "Identity()"
    assert repr(nn.Sigmoid()) == "Sigmoid()"
    assert repr(nn.Sequential()) == "Sequential()"
    assert repr(nn.CrossEntropyLoss()) == "CrossEntropyLoss()"


def test_modulelist_repr_groups_repeated_modules_as_pytorch():
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)] + [nn.ReLU(), nn.Linear(2, 1)])
    assert repr(layers) == (
        "ModuleList(\n"
        "  (0-2): 3 x Linear(in_features=2, out_features=2, bias=True)\n"
        "  (3): ReLU()\n"
        "  (4): Linear(in_features=2, out_features=1, bias=True)\n"
        ")"
    )
    assert repr(nn.ModuleList()) == "ModuleList()"


# ---- Linear ----------------------------------------------------------------------------


def test_linear_shapes_dtype_and_default_init_bounds():
    mg.manual_seed(0)
    lin = nn.Linear(50, 400)
    assert lin.weight.shape == (400, 50) and lin.bias.shape == (400,)
    assert lin.weight.dtype == mg.float32 and lin.bias.dtype == mg.float32
    bound = 1 / math.sqrt(50)
    for p in (lin.weight, lin.bias):
        assert np.abs(p.data).max() <= bound
        assert np.abs(p.data).max() > 0.98 * bound
    # U(-b, b) has variance b² / 3
    assert abs(lin.weight.data.var() / (bound**2 / 3) - 1) < 0.03


def test_linear_uses_the_default_dtype(float64):
    lin = nn.Linear(2, 3)
    assert lin.weight.dtype == mg.float64 and lin.bias.dtype == mg.float64


def test_linear_init_repeats_with_the_seed():
    mg.manual_seed(5)
    a = nn.Linear(3, 2)
    mg.manual_seed(5)
    b = nn.Linear(3, 2)
    np.testing.assert_array_equal(a.weight.data, b.weight.data)
    np.testing.assert_array_equal(a.bias.data, b.bias.data)
    assert not np.array_equal(a.weight.data, nn.Linear(3, 2).weight.data)


def test_linear_forward_by_hand_and_one_fused_node():
    lin = nn.Linear(2, 3)
    _set(lin.weight, [[1, 2], [3, 4], [5, 6]])
    _set(lin.bias, [1, 0, -1])
    y = lin(mg.tensor([[1.0, 1.0], [0.0, -1.0]]))
    np.testing.assert_array_equal(y.data, [[4, 7, 10], [-1, -4, -7]])
    assert y.grad_fn.name() == "LinearBackward"
    leaves = [n.variable for n, _ in y.grad_fn.next_functions if n is not None]
    assert list(map(id, leaves)) == [id(lin.weight), id(lin.bias)]  # the input: (None, 0)


def test_linear_gradients_by_hand():
    lin = nn.Linear(2, 3)
    x = mg.tensor([[1.0, 2.0], [3.0, -1.0]], requires_grad=True)
    lin(x).sum().backward()
    np.testing.assert_allclose(lin.weight.grad.data, [[4, 1]] * 3)  # dW = gᵀ x, g = ones
    np.testing.assert_allclose(lin.bias.grad.data, [2, 2, 2])  # db = Σ_rows g
    np.testing.assert_allclose(x.grad.data, np.tile(lin.weight.data.sum(0), (2, 1)), rtol=1e-6)


def test_linear_without_bias():
    lin = nn.Linear(2, 3, bias=False)
    assert lin.bias is None
    assert [n for n, _ in lin.named_parameters()] == ["weight"]
    x = mg.randn(4, 2)
    np.testing.assert_allclose(lin(x).data, x.data @ lin.weight.data.T, rtol=1e-6)


@pytest.mark.parametrize("with_bias", [True, False])
def test_linear_gradcheck_with_batch_dimensions(with_bias):
    x = mg.randn(2, 3, 4, dtype=mg.float64, requires_grad=True)
    w = mg.randn(5, 4, dtype=mg.float64, requires_grad=True)
    b = mg.randn(5, dtype=mg.float64, requires_grad=True)
    if with_bias:
        assert mg.gradcheck(F.linear, [x, w, b])
    else:
        assert mg.gradcheck(lambda x, w: F.linear(x, w), [x, w])


# ---- containers ------------------------------------------------------------------------


def test_sequential_indexing_len_iteration_and_forward():
    a, r, b = nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)
    seq = nn.Sequential(a, r, b)
    assert len(seq) == 3 and list(seq) == [a, r, b]
    assert seq[0] is a and seq[-1] is b
    tail = seq[1:]
    assert isinstance(tail, nn.Sequential) and list(tail) == [r, b]
    assert [n for n, _ in tail.named_parameters()] == ["2.weight", "2.bias"]
    x = mg.randn(4, 2)
    np.testing.assert_array_equal(seq(x).data, b(r(a(x))).data)
    with pytest.raises(IndexError, match="out of range"):
        _ = seq[3]


def test_sequential_from_ordered_dict_and_append():
    seq = nn.Sequential(OrderedDict([("hidden", nn.Linear(2, 2)), ("act", nn.Sigmoid())]))
    seq.append(nn.Linear(2, 1))
    assert [n for n, _ in seq.named_parameters()] == [
        "hidden.weight", "hidden.bias", "2.weight", "2.bias",
    ]  # fmt: skip


def test_modulelist_registers_indexes_and_extends():
    class Stack(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2)])

        def forward(self, x):
            for layer in self.layers:
                x = layer(x)
            return x

    m = Stack()
    assert [n for n, _ in m.named_parameters()] == [
        "layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
    ]  # fmt: skip
    layers = m.layers
    extra = nn.Linear(2, 2)
    layers.append(extra)
    assert len(layers) == 3 and layers[-1] is extra and layers[2] is extra
    replacement = nn.Linear(2, 2)
    layers[0] = replacement
    assert layers[0] is replacement
    assert isinstance(layers[1:], nn.ModuleList) and len(layers[1:]) == 2
    layers.extend([nn.ReLU()])
    assert len(layers) == 4
    with pytest.raises(IndexError):
        _ = layers[4]
    with pytest.raises(NotImplementedError):
        layers(mg.ones(1, 2))


# ---- activations, dropout, flatten, identity --------------------------------------------


def test_activations_by_hand():
    x = mg.tensor([[-1.0, 0.0, math.log(2)], [math.log(3), 2.0, -math.log(3)]], dtype=mg.float64)
    np.testing.assert_array_equal(nn.ReLU()(x).data, [[0, 0, math.log(2)], [math.log(3), 2, 0]])
    np.testing.assert_allclose(nn.Sigmoid()(x).data[1, [0, 2]], [0.75, 0.25], rtol=1e-12)
    # tanh(log 2) = (4 - 1) / (4 + 1)
    np.testing.assert_allclose(nn.Tanh()(x).data[0, 2], 0.6, rtol=1e-12)


def test_softmax_and_log_softmax_by_hand():
    x = mg.tensor([[0.0, math.log(2), math.log(5)], [1.0, 1.0, 1.0]], dtype=mg.float64)
    expected = np.array([[1, 2, 5], [8 / 3, 8 / 3, 8 / 3]]) / 8
    np.testing.assert_allclose(nn.Softmax(dim=1)(x).data, expected, rtol=1e-12)
    np.testing.assert_allclose(nn.LogSoftmax(dim=1)(x).data, np.log(expected), rtol=1e-12)
    np.testing.assert_allclose(nn.Softmax(dim=0)(x).data.sum(0), [1, 1, 1], rtol=1e-12)
    with pytest.warns(UserWarning, match="Implicit dimension"):
        implicit = F.softmax(x)
    np.testing.assert_allclose(implicit.data, expected, rtol=1e-12)


@pytest.mark.parametrize(
    "module",
    [nn.ReLU(), nn.Sigmoid(), nn.Tanh(), nn.Softmax(dim=1), nn.LogSoftmax(dim=0), nn.Flatten()],
    ids=lambda m: repr(m),
)
def test_activation_modules_gradcheck(module):
    x = mg.tensor([[0.3, -1.2, 2.0], [0.7, 0.1, -0.4]], dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(module, [x])


def test_softmax_and_log_softmax_stay_finite_for_huge_logits():
    x = mg.tensor([[1e4, 0.0, -1e4]], requires_grad=True)
    y = nn.LogSoftmax(dim=1)(x)
    np.testing.assert_array_equal(y.data, [[0.0, -1e4, -2e4]])
    y.sum().backward()
    assert np.isfinite(x.grad.data).all()
    np.testing.assert_allclose(x.grad.data, [[-2.0, 1.0, 1.0]])  # 1 - 3 * softmax
    np.testing.assert_array_equal(nn.Softmax(dim=1)(x).data, [[1.0, 0.0, 0.0]])


def test_dropout_in_training_zeros_a_fraction_p_and_scales_the_rest():
    mg.manual_seed(0)
    p = 0.3
    x = mg.ones(200, 500, requires_grad=True)
    y = nn.Dropout(p)(x)
    kept = y.data != 0
    assert abs(1 - kept.mean() - p) < 0.01
    np.testing.assert_allclose(y.data[kept], 1 / (1 - p), rtol=1e-6)
    assert abs(y.data.mean() - 1) < 0.01  # inverted dropout keeps the expectation
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, y.data)  # dx = mask / (1 - p)


def test_dropout_is_the_identity_in_eval_and_repeats_with_the_seed():
    x = mg.randn(10, 10)
    drop = nn.Dropout(0.5)
    drop.eval()
    np.testing.assert_array_equal(drop(x).data, x.data)
    drop.train()
    mg.manual_seed(3)
    first = drop(x).data
    mg.manual_seed(3)
    np.testing.assert_array_equal(drop(x).data, first)
    assert F.dropout(x, 0.5, training=False) is x


def test_dropout_edge_probabilities():
    x = mg.randn(4, 4, requires_grad=True)
    np.testing.assert_array_equal(F.dropout(x, 0.0).data, x.data)
    y = F.dropout(x, 1.0)
    assert not y.data.any()
    y.sum().backward()
    assert not x.grad.data.any()
    for bad in (-0.1, 1.5):
        with pytest.raises(ValueError, match="between 0 and 1"):
            nn.Dropout(bad)
        with pytest.raises(ValueError, match="between 0 and 1"):
            F.dropout(x, bad)


def test_flatten_and_identity():
    x = mg.randn(2, 3, 4)
    assert nn.Flatten()(x).shape == (2, 12)
    assert nn.Flatten(0, 1)(x).shape == (6, 4)
    np.testing.assert_array_equal(nn.Flatten()(x).data, x.data.reshape(2, 12))
    assert nn.Identity(54, unused="argument")(x) is x


def test_functional_forms_match_the_modules():
    x = mg.randn(3, 4)
    for module, fn in [
        (nn.ReLU(), F.relu),
        (nn.Sigmoid(), F.sigmoid),
        (nn.Tanh(), F.tanh),
        (nn.Softmax(dim=1), lambda t: F.softmax(t, dim=1)),
        (nn.LogSoftmax(dim=1), lambda t: F.log_softmax(t, dim=1)),
    ]:
        np.testing.assert_array_equal(module(x).data, fn(x).data)


# ---- init ------------------------------------------------------------------------------


def test_calculate_gain_values():
    gain = nn.init.calculate_gain
    assert gain("linear") == 1 and gain("conv2d") == 1 and gain("sigmoid") == 1
    assert gain("tanh") == pytest.approx(5 / 3)
    assert gain("relu") == pytest.approx(math.sqrt(2))
    assert gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 0.01**2)))
    assert gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    assert gain("selu") == pytest.approx(0.75)
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        gain("swish")
    with pytest.raises(ValueError, match="negative_slope"):
        gain("leaky_relu", "steep")


def test_constant_initializers_work_in_place_on_parameters():
    p = nn.Parameter(mg.randn(2, 3))
    assert nn.init.zeros_(p) is p
    assert not p.data.any()
    nn.init.ones_(p)
    np.testing.assert_array_equal(p.data, np.ones((2, 3)))
    nn.init.constant_(p, 0.25)
    np.testing.assert_array_equal(p.data, np.full((2, 3), 0.25))
    assert p.is_leaf and p.requires_grad and p.grad_fn is None and p.dtype == mg.float32


def test_init_is_an_inplace_change_that_a_saved_graph_notices():
    p = nn.Parameter(mg.ones(3))
    y = (p * p).sum()
    nn.init.normal_(p)
    with pytest.raises(RuntimeError, match="inplace"):
        y.backward()


def test_uniform_and_normal_statistics():
    mg.manual_seed(0)
    t = mg.zeros(400, 500)
    nn.init.uniform_(t, -2.0, 4.0)
    assert t.data.min() >= -2 and t.data.max() < 4
    assert abs(t.data.mean() - 1) < 0.02
    assert abs(t.data.var() / 3.0 - 1) < 0.02  # (b - a)² / 12 = 3
    nn.init.normal_(t, mean=3.0, std=0.5)
    assert abs(t.data.mean() - 3) < 0.01
    assert abs(t.data.std() / 0.5 - 1) < 0.01


def test_xavier_initializers_use_fan_in_plus_fan_out():
    mg.manual_seed(0)
    t = mg.zeros(300, 500)  # fan_in 500, fan_out 300
    nn.init.xavier_uniform_(t, gain=2.0)
    bound = 2.0 * math.sqrt(6 / 800)
    assert np.abs(t.data).max() <= bound and np.abs(t.data).max() > 0.99 * bound
    assert abs(t.data.var() / (bound**2 / 3) - 1) < 0.02
    nn.init.xavier_normal_(t)
    assert abs(t.data.std() / math.sqrt(2 / 800) - 1) < 0.02


@pytest.mark.parametrize("mode, fan", [("fan_in", 600), ("fan_out", 200)])
def test_kaiming_initializers_use_the_chosen_fan_and_gain(mode, fan):
    mg.manual_seed(0)
    t = mg.zeros(200, 600)
    nn.init.kaiming_uniform_(t, mode=mode, nonlinearity="relu")
    bound = math.sqrt(2) * math.sqrt(3 / fan)
    assert np.abs(t.data).max() <= bound and np.abs(t.data).max() > 0.99 * bound
    nn.init.kaiming_normal_(t, mode=mode, nonlinearity="relu")
    assert abs(t.data.std() / (math.sqrt(2) / math.sqrt(fan)) - 1) < 0.02
    # PyTorch's Linear default: leaky_relu gain with a = sqrt(5) gives bound 1 / sqrt(fan)
    nn.init.kaiming_uniform_(t, a=math.sqrt(5), mode=mode)
    assert np.abs(t.data).max() <= 1 / math.sqrt(fan)
    assert np.abs(t.data).max() > 0.99 / math.sqrt(fan)


def test_fans_of_a_convolution_shaped_weight():
    t = mg.zeros(8, 4, 3, 3)  # fan_in = 4 * 9 = 36, fan_out = 8 * 9 = 72
    nn.init.xavier_uniform_(t)
    assert np.abs(t.data).max() <= math.sqrt(6 / 108)
    assert np.abs(t.data).max() > 0.95 * math.sqrt(6 / 108)


def test_init_errors_and_repeatability():
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        nn.init.xavier_uniform_(mg.zeros(5))
    with pytest.raises(ValueError, match="fan_avg"):
        nn.init.kaiming_normal_(mg.zeros(2, 2), mode="fan_avg")
    mg.manual_seed(9)
    a = nn.init.kaiming_normal_(mg.zeros(3, 3))
    mg.manual_seed(9)
    b = nn.init.kaiming_normal_(mg.zeros(3, 3))
    np.testing.assert_array_equal(a.data, b.data)


# ---- clip_grad_norm_ --------------------------------------------------------------------


def _with_grads(*grads):
    params = []
    for g in grads:
        p = nn.Parameter(mg.zeros(len(g), dtype=mg.float64))
        p.grad = mg.tensor(g, dtype=mg.float64)
        params.append(p)
    return params


def test_clip_grad_norm_scales_to_max_norm_and_returns_the_total_norm():
    params = _with_grads([3.0, 4.0], [12.0])  # total norm sqrt(9 + 16 + 144) = 13
    total = nn.utils.clip_grad_norm_(params, max_norm=6.5)
    assert isinstance(total, mg.Tensor) and total.item() == pytest.approx(13)
    scale = 6.5 / (13 + 1e-6)
    np.testing.assert_allclose(params[0].grad.data, [3 * scale, 4 * scale], rtol=1e-12)
    np.testing.assert_allclose(params[1].grad.data, [12 * scale], rtol=1e-12)


def test_clip_grad_norm_leaves_small_gradients_alone():
    params = _with_grads([3.0, 4.0])
    assert nn.utils.clip_grad_norm_(params[0], max_norm=10).item() == pytest.approx(5)
    np.testing.assert_array_equal(params[0].grad.data, [3.0, 4.0])


def test_clip_grad_norm_inf_norm_missing_grads_and_nonfinite():
    params = _with_grads([3.0, -4.0], [1.0]) + [nn.Parameter(mg.zeros(2))]
    assert nn.utils.clip_grad_norm_(params, 2.0, norm_type=math.inf).item() == pytest.approx(4)
    np.testing.assert_allclose(params[0].grad.data, [1.5, -2.0], rtol=1e-6)
    assert nn.utils.clip_grad_norm_([nn.Parameter(mg.zeros(2))], 1.0).item() == 0
    with pytest.raises(RuntimeError, match="non-finite"):
        nn.utils.clip_grad_norm_(_with_grads([math.nan]), 1.0, error_if_nonfinite=True)


def test_non_persistent_buffers_stay_out_of_the_state_dict():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(2, 2)
            self.register_buffer("table", mg.ones(3), persistent=False)
            self.register_buffer("count", mg.zeros(1))

    net = Net()
    assert list(net.state_dict()) == ["count", "lin.weight", "lin.bias"]
    assert [name for name, _ in net.named_buffers()] == ["table", "count"]
    assert net.load_state_dict(net.state_dict()) == ([], [])  # no missing "table"
    net.register_buffer("table", mg.ones(3))  # registered again, persistent
    assert "table" in net.state_dict()
    assert net.double().table.dtype == mg.float64  # still cast with the module


def test_state_dict_prefix_is_prepended_as_given():
    # PyTorch's prefix carries its own dot; "p." gave "p..0.weight" before
    net = nn.Sequential(nn.Linear(1, 1))
    assert list(net.state_dict(prefix="p.")) == ["p.0.weight", "p.0.bias"]


def test_sequential_and_module_list_edit_like_lists_and_renumber():
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Tanh(), nn.Linear(3, 1))
    del seq[1:3]
    seq.insert(-1, nn.Sigmoid())
    seq[0] = nn.Identity()
    assert [type(m).__name__ for m in seq] == ["Identity", "Sigmoid", "Linear"]
    assert [name for name, _ in seq.named_parameters()] == ["2.weight", "2.bias"]
    mods = nn.ModuleList([nn.ReLU(), nn.Tanh()])
    del mods[0]
    mods.insert(0, nn.Sigmoid())
    assert [name for name, _ in mods.named_children()] == ["0", "1"]
    assert [type(m).__name__ for m in mods] == ["Sigmoid", "Tanh"]
    with pytest.raises(IndexError, match="Index out of range: 5"):
        mods.insert(5, nn.ReLU())


def test_sequential_calls_a_childs_own_call_and_an_instance_forward():
    # Sequential skips Module.__call__'s frame; a child's own __call__ or a forward set
    # on the instance must still be what runs, as in PyTorch
    class PlusOne(nn.Module):
        def forward(self, x):
            return x * 2

        def __call__(self, x):
            return self.forward(x) + 1

    assert nn.Sequential(PlusOne(), nn.ReLU())(mg.tensor([1.0, -3.0])).tolist() == [3.0, 0.0]
    relu = nn.ReLU()
    relu.forward = lambda x: x * 10
    assert nn.Sequential(relu)(mg.tensor([1.0, -3.0])).tolist() == [10.0, -30.0]


def test_forward_hooks_see_and_replace_inputs_and_outputs_and_can_be_removed():
    layer = nn.Linear(1, 1)
    with mg.no_grad():
        layer.weight.fill_(2.0)
        layer.bias.fill_(0.0)
    seen = []
    pre = layer.register_forward_pre_hook(lambda m, args: args[0] * 3)
    post = layer.register_forward_hook(lambda m, args, out: seen.append(out.item()) or out + 1)
    model = nn.Sequential(layer, nn.ReLU())  # Sequential's shortcut past __call__ keeps hooks
    assert model(mg.ones(1, 1)).item() == 7.0 and seen == [6.0]
    pre.remove()
    post.remove()
    assert model(mg.ones(1, 1)).item() == 2.0 and seen == [6.0]


def test_module_dict_registers_its_modules_in_order():
    d = nn.ModuleDict({"b": nn.Linear(1, 2), "a": nn.ReLU()})
    d["c"] = nn.Linear(2, 1)
    assert list(d) == ["b", "a", "c"]
    assert [n for n, _ in d.named_parameters()] == ["b.weight", "b.bias", "c.weight", "c.bias"]
    assert isinstance(d.pop("a"), nn.ReLU) and list(d.keys()) == ["b", "c"]


def test_embedding_draws_its_weight_from_n01_and_zeros_the_padding_row():
    mg.manual_seed(5)
    e = nn.Embedding(400, 5, padding_idx=-1)
    assert e.padding_idx == 399 and repr(e) == "Embedding(400, 5, padding_idx=399)"
    assert e.weight.shape == (400, 5) and e.weight.dtype == mg.float32
    assert np.all(e.weight.data[399] == 0) and np.all(e.weight.data[:399] != 0)
    w = e.weight.data[:399]
    assert abs(w.mean()) < 0.05 and abs(w.std() - 1) < 0.05
    mg.manual_seed(5)
    np.testing.assert_array_equal(nn.Embedding(400, 5, padding_idx=-1).weight.data, e.weight.data)
    assert [n for n, _ in e.named_parameters()] == ["weight"]


def test_embedding_gradient_accumulates_repeats_and_skips_the_padding_row():
    e = nn.Embedding(4, 2, padding_idx=0)
    idx = mg.tensor([[1, 1, 0], [3, 1, 0]])
    out = e(idx)
    assert out.shape == (2, 3, 2) and out.grad_fn.name() == "EmbeddingBackward"
    out.backward(mg.ones(2, 3, 2))
    assert e.weight.grad.tolist() == [[0.0, 0.0], [3.0, 3.0], [0.0, 0.0], [1.0, 1.0]]
    with pytest.raises(IndexError, match="out of range"):
        e(mg.tensor([4]))
