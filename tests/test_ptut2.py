"""Torch-free checks from porting PyTorch's tutorial programs (the CIFAR-10 classifier,
DCGAN, char-RNN, seq2seq, Transformer LM, VAE, ResNet) by changing only the import."""

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn

# ---- nn.init on a tensor's .data (DCGAN's weights_init) --------------------------------


def _dcgan_weights_init(m):
    classname = m.__class__.__name__
    if classname.find("Conv") != -1:
        nn.init.normal_(m.weight.data, 0.0, 0.02)
    elif classname.find("BatchNorm") != -1:
        nn.init.normal_(m.weight.data, 1.0, 0.02)
        nn.init.constant_(m.bias.data, 0)


def test_dcgan_weights_init_fills_the_data_arrays_in_place():
    mg.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(3, 64, 4, 2, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU())
    conv_array, bn_array = net[0].weight.data, net[1].weight.data
    net[1].bias.data[:] = 5.0
    assert net.apply(_dcgan_weights_init) is net
    w = net[0].weight
    assert w.data is conv_array and w.dtype == mg.float32 and w.requires_grad
    assert abs(float(w.data.mean())) < 0.002 and abs(float(w.data.std()) - 0.02) < 0.001
    g = net[1].weight.data
    assert g is bn_array and abs(float(g.mean()) - 1.0) < 0.01 and 0.01 < float(g.std()) < 0.03
    np.testing.assert_array_equal(net[1].bias.data, np.zeros(64, np.float32))


@pytest.mark.parametrize(
    "init, args",
    [
        (nn.init.uniform_, (-0.1, 0.1)),
        (nn.init.normal_, (0.0, 0.02)),
        (nn.init.constant_, (0.5,)),
        (nn.init.ones_, ()),
        (nn.init.zeros_, ()),
        (nn.init.xavier_uniform_, ()),
        (nn.init.xavier_normal_, ()),
        (nn.init.kaiming_uniform_, ()),
        (nn.init.kaiming_normal_, ()),
        (nn.init.trunc_normal_, ()),
        (nn.init.orthogonal_, ()),
        (nn.init.eye_, ()),
        (nn.init.sparse_, (0.5,)),
    ],
)
def test_every_init_fills_a_data_array_and_returns_it(init, args):
    layer = nn.Linear(6, 4)
    array = layer.weight.data
    array[:] = np.nan
    assert init(array, *args) is array
    assert layer.weight.data is array and np.isfinite(array).all() and array.dtype == np.float32


def test_dirac_fills_a_conv_weights_data():
    conv = nn.Conv2d(2, 2, 3, bias=False)
    nn.init.dirac_(conv.weight.data)
    x = mg.randn(1, 2, 5, 5)
    np.testing.assert_allclose(conv(x).data, x.data[:, :, 1:-1, 1:-1], rtol=1e-6)


def test_kaiming_normal_fan_out_on_data_has_he_std():
    mg.manual_seed(1)
    w = nn.Conv2d(64, 256, 3).weight
    nn.init.kaiming_normal_(w.data, mode="fan_out", nonlinearity="relu")
    assert abs(float(w.data.std()) / math.sqrt(2.0 / (256 * 9)) - 1) < 0.02


def test_init_on_data_leaves_the_graph_and_versions_alone():
    w = nn.Linear(3, 2).weight
    y = (w * 2).sum()
    nn.init.constant_(w.data, 1.0)
    y.backward()  # .data is outside autograd, as in PyTorch
    np.testing.assert_array_equal(w.grad.data, np.full((2, 3), 2.0, np.float32))


# ---- the torch.* function forms on a tensor's .data (the CIFAR-10 tutorial's accuracy) ---


def test_max_of_outputs_data_gives_values_and_indices():
    outputs = mg.tensor([[0.1, 2.0, -1.0], [3.0, 0.5, 0.2]], requires_grad=True) * 1
    _, predicted = mg.max(outputs.data, 1)
    assert predicted.tolist() == [1, 0] and predicted.dtype == mg.int64
    values, indices = mg.max(outputs.data, dim=1, keepdim=True)
    assert values.shape == (2, 1) and values.dtype == mg.float32 and not values.requires_grad
    np.testing.assert_array_equal(values.data, np.array([[2.0], [3.0]], np.float32))
    labels = mg.tensor([1, 2])
    assert (predicted == labels).sum().item() == 1


@pytest.mark.parametrize(
    "call, expected",
    [
        (lambda a: mg.argmax(a, 1), [1, 0]),
        (lambda a: mg.topk(a, 1)[1].squeeze(1), [1, 0]),
        (lambda a: mg.sort(a, 1, descending=True)[1][:, 0], [1, 0]),
        (lambda a: mg.softmax(a, 1).argmax(1), [1, 0]),
        (lambda a: mg.sum(a, 0), [3.1, 2.5, -0.8]),
        (lambda a: mg.add(a, 1)[0], [1.1, 3.0, 0.0]),
    ],
)
def test_function_forms_take_data(call, expected):
    t = mg.tensor([[0.1, 2.0, -1.0], [3.0, 0.5, 0.2]], dtype=mg.float64)
    np.testing.assert_allclose(call(t.data).tolist(), expected)


def test_function_forms_still_refuse_a_list():
    with pytest.raises(TypeError, match=r"max\(\): argument 'input' .*must be Tensor, not list"):
        mg.max([1.0, 2.0])


# ---- the reproducibility recipe: seeds, deterministic algorithms, cuDNN's switches ----


def _seed_everything(torch, seed):
    torch.manual_seed(seed)
    torch.cuda.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False
    torch.use_deterministic_algorithms(True)


def test_seed_everything_recipe_runs_and_reproduces():
    try:
        _seed_everything(mg, 3)
        a = mg.randn(4)
        _seed_everything(mg, 3)
        np.testing.assert_array_equal(mg.randn(4).data, a.data)
        assert mg.are_deterministic_algorithms_enabled()
        assert not mg.is_deterministic_algorithms_warn_only_enabled()
        assert mg.backends.cudnn.deterministic and not mg.backends.cudnn.benchmark
    finally:
        mg.use_deterministic_algorithms(False)
        mg.backends.cudnn.deterministic = False
    assert not mg.are_deterministic_algorithms_enabled()


def test_cudnn_module_import_and_gpu_backends_unavailable():
    import minigrad.backends.cudnn as cudnn

    assert cudnn.enabled and not cudnn.benchmark and cudnn.allow_tf32
    assert not cudnn.is_available() and cudnn.version() is None
    assert not mg.backends.mps.is_available() and not mg.backends.mps.is_built()
    device = (
        "cuda" if mg.cuda.is_available() else "mps" if mg.backends.mps.is_available() else "cpu"
    )
    assert device == "cpu"
    mg.cuda.empty_cache()


def test_use_deterministic_algorithms_takes_bools_only():
    with pytest.raises(
        TypeError, match="use_deterministic_algorithms.*'mode' must be bool, not str"
    ):
        mg.use_deterministic_algorithms("yes")
    with pytest.raises(TypeError, match="'warn_only' must be bool, not int"):
        mg.use_deterministic_algorithms(True, warn_only=1)
    assert not mg.are_deterministic_algorithms_enabled()
    mg.use_deterministic_algorithms(True, warn_only=True)
    assert mg.is_deterministic_algorithms_warn_only_enabled()
    mg.use_deterministic_algorithms(False)
    assert not mg.is_deterministic_algorithms_warn_only_enabled()


# ---- torch.set_default_device (the 2024 "NLP From Scratch" tutorials' first lines) ------


def test_set_default_device_takes_the_cpu_and_refuses_others():
    device = mg.device("cpu")
    if mg.cuda.is_available():
        device = mg.device("cuda")
    mg.set_default_device(device)
    assert mg.get_default_device() == mg.device("cpu") and f"{mg.get_default_device()}" == "cpu"
    mg.set_default_device(None)
    mg.set_default_device("cpu")
    assert mg.zeros(2).device == mg.get_default_device()
    with pytest.raises(RuntimeError, match="device 'cuda:1' is not available"):
        mg.set_default_device("cuda:1")
    assert mg.get_default_device() == mg.device("cpu")


# ---- type_as of a tensor's .data (the nn.Transformer translation tutorial's decoding) ---


def test_type_as_of_data_casts_to_its_dtype():
    src = mg.tensor([[2], [5], [3]])
    ys = mg.ones(1, 1).fill_(2).type(mg.long)
    ys = mg.cat([ys, mg.ones(1, 1).type_as(src.data).fill_(7)], dim=0)
    assert ys.dtype == mg.int64 and ys.tolist() == [[2], [7]]
    x = mg.ones(2, requires_grad=True)
    y = x.type_as(mg.zeros(1, dtype=mg.float64).data)
    assert y.dtype == mg.float64 and y.requires_grad
    y.sum().backward()
    assert x.grad.dtype == mg.float32 and x.grad.tolist() == [1.0, 1.0]


@pytest.mark.parametrize("other", [3, 2.5, [1.0], None])
def test_type_as_of_a_non_tensor_is_a_type_error(other):
    with pytest.raises(TypeError, match=r"type_as\(\): argument 'other' must be Tensor, not"):
        mg.ones(2).type_as(other)


def test_function_forms_refuse_an_array_of_strings_as_from_numpy_does():
    with pytest.raises(TypeError, match="from_numpy: can't convert np.ndarray of type numpy.str_"):
        mg.exp(np.array(["a"]))
