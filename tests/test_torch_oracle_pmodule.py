# ruff: noqa: E501 - the programs are data, one per line
"""nn.Module's mechanics against PyTorch, program by program (round "pmodule"): repr,
pickling, state_dict's per-module methods and metadata, nn.Buffer. Each program binds
its result to ``R``; both frameworks must give the same result or raise the same class
of exception (test_torch_oracle_autograd's harness)."""

import pytest
from test_torch_oracle_autograd import test_program_matches_pytorch as _matches_pytorch

PROGRAMS = [
    # repr names each module by _get_name(), as PyTorch's
    "class Foo(M.nn.Module):\n  def _get_name(self): return 'Bar'\nR = (repr(Foo()), repr(M.nn.Sequential(Foo(), M.nn.ReLU())))",
    "class L(M.nn.ModuleList):\n  def _get_name(self): return 'Blocks'\nR = (repr(L()), repr(L([M.nn.ReLU(), M.nn.ReLU()])))",
    # state_dict's _metadata: each module's _version by path
    "m = M.nn.Sequential(M.nn.Linear(1, 1), M.nn.Sequential(M.nn.BatchNorm1d(1), M.nn.ReLU())); sd = m.state_dict(prefix='model.'); R = (list(sd._metadata.items()), type(sd._metadata).__name__)",
    "m = M.nn.Sequential(M.nn.BatchNorm1d(1)); R = hasattr(m.state_dict(destination={}), '_metadata')",
    "from collections import OrderedDict\nd = OrderedDict(); d._metadata = OrderedDict(); M.nn.Sequential(M.nn.BatchNorm1d(1)).state_dict(destination=d, prefix='a.'); R = list(d._metadata.items())",
    "m = M.nn.BatchNorm1d(1); log = []\nm.register_state_dict_post_hook(lambda mod, sd, prefix, meta: log.append(meta)); m.state_dict(); m.state_dict(destination={}); R = log",
    "m = M.nn.Sequential(M.nn.BatchNorm1d(1)); log = []\nm[0].register_load_state_dict_pre_hook(lambda mod, sd, prefix, meta, *rest: log.append(dict(meta)))\nm.load_state_dict(m.state_dict()); m.load_state_dict(dict(m.state_dict())); m.load_state_dict(m.state_dict(), assign=True); R = log",
    # BatchNorm (version 2) fills in num_batches_tracked only for an older or unversioned dict
    "m = M.nn.Sequential(M.nn.Linear(1, 1), M.nn.BatchNorm1d(1)); sd = m.state_dict(); del sd['1.num_batches_tracked']; m.load_state_dict(sd)",
    "m = M.nn.Sequential(M.nn.Linear(1, 1), M.nn.BatchNorm1d(1)); sd = m.state_dict(); del sd['1.num_batches_tracked']; R = repr(m.load_state_dict(sd, strict=False))",
    "import copy\nm = M.nn.BatchNorm1d(1); sd = copy.deepcopy(m.state_dict()); del sd['num_batches_tracked']; R = repr(m.load_state_dict(sd, strict=False))",
    "m = M.nn.Sequential(M.nn.Linear(1, 1), M.nn.BatchNorm1d(1)); sd = dict(m.state_dict()); del sd['1.num_batches_tracked']; R = (repr(m.load_state_dict(sd)), m[1].num_batches_tracked)",
    "m = M.nn.BatchNorm1d(1); sd = m.state_dict(); del sd['num_batches_tracked']; sd._metadata['']['version'] = 1; R = repr(m.load_state_dict(sd))",
    # an instance norm that does not track running stats refuses them from an unversioned dict
    "m = M.nn.InstanceNorm1d(2); m.load_state_dict({'running_mean': M.zeros(2), 'running_var': M.ones(2)}, strict=False)",
    "m = M.nn.Sequential(M.nn.InstanceNorm1d(2)); sd = {'0.' + k: v for k, v in M.nn.InstanceNorm1d(2, track_running_stats=True).state_dict().items()}; m.load_state_dict(sd, strict=False)",
    "m = M.nn.InstanceNorm1d(2); sd = M.nn.InstanceNorm1d(2, track_running_stats=True).state_dict(); R = repr(m.load_state_dict(sd, strict=False))",
    # subclasses override _save_to_state_dict / _load_from_state_dict
    "class Legacy(M.nn.Linear):\n  def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs):\n    old = prefix + 'w'\n    if old in state_dict: state_dict[prefix + 'weight'] = state_dict.pop(old)\n    super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)\nm = M.nn.Sequential(Legacy(2, 1)); r = m.load_state_dict({'0.w': M.ones(1, 2), '0.bias': M.zeros(1)}); R = (repr(r), m[0].weight)",
    "log = []\nclass V(M.nn.Linear):\n  _version = 3\n  def _load_from_state_dict(self, state_dict, prefix, local_metadata, *rest):\n    log.append((prefix, local_metadata.get('version')))\n    super()._load_from_state_dict(state_dict, prefix, local_metadata, *rest)\nm = M.nn.Sequential(V(2, 1), M.nn.Sequential(V(1, 1))); sd = m.state_dict(); m.load_state_dict(sd); m.load_state_dict(dict(sd)); R = (list(sd._metadata.items()), log)",
    "class Scaled(M.nn.Linear):\n  def _save_to_state_dict(self, destination, prefix, keep_vars):\n    super()._save_to_state_dict(destination, prefix, keep_vars)\n    destination[prefix + 'scale'] = M.tensor(2.0)\nm = M.nn.Sequential(Scaled(2, 1), M.nn.ReLU()); R = (list(m.state_dict()), repr(m.load_state_dict(m.state_dict(), strict=False)))",
    "log = []\nclass Q(M.nn.Linear):\n  def _load_from_state_dict(self, *args): log.append('own')\nm = Q(1, 1); m.register_load_state_dict_pre_hook(lambda *a: log.append('hook')); R = (repr(m.load_state_dict({'x': M.ones(1)})), log)",
    "m = M.nn.Linear(1, 1); R = repr(m.load_state_dict({'weight': M.ones(1, 1), 'bias': M.ones(1), '_extra_state': 3, 'zz': M.ones(1)}, strict=False))",
    # an uninitialized lazy module's state_dict loads into another (nothing to copy yet)
    "a = M.nn.LazyLinear(2); b = M.nn.LazyLinear(2); r = b.load_state_dict(a.state_dict()); R = (repr(r), [type(p).__name__ for p in b.parameters()], type(b).__name__, b(M.ones(4, 3)).shape, type(b).__name__)",
    "a = M.nn.LazyBatchNorm1d(); b = M.nn.Sequential(M.nn.LazyBatchNorm1d()); r = b.load_state_dict({'0.' + k: v for k, v in a.state_dict().items()}); R = (repr(r), [type(x).__name__ for x in b.buffers()])",
    "a = M.nn.LazyLinear(2); b = M.nn.Linear(3, 2); b.load_state_dict(a.state_dict())",
    # nn.Buffer: assigned as an attribute, it registers a buffer that persists if it says so
    "m = M.nn.Module(); m.b = M.nn.Buffer(M.ones(2)); m.c = M.nn.Buffer(M.ones(1), persistent=False); R = (list(m.state_dict()), [n for n, _ in m.named_buffers()], isinstance(m.b, M.Tensor), isinstance(m.b, M.nn.Buffer), m.b.persistent, m.c.persistent, repr(m.b), repr(m))",
    "t = M.ones(2); b = M.nn.Buffer(t); m = M.nn.Module(); m.b = b; t.add_(1); R = (m.b is b, b is t, m.b, b.requires_grad, b.is_leaf)",
    "t = M.ones(2, requires_grad=True); b = M.nn.Buffer(t * 2); c = M.nn.Buffer(t); R = (b.requires_grad, b.is_leaf, b.grad_fn, c.requires_grad, c.is_leaf, c is t)",
    "R = (repr(M.nn.Buffer()), tuple(M.nn.Buffer().shape), repr(M.nn.Buffer(M.arange(3))))",
    "M.nn.Buffer([1.])",
    "m = M.nn.Module(); m.register_buffer('b', M.ones(1), persistent=False); m.b = M.nn.Buffer(M.zeros(1)); R = (list(m.state_dict()), m.b)",
    "m = M.nn.Module(); m.register_buffer('b', M.ones(1)); m.b = M.nn.Buffer(M.zeros(1), persistent=False); R = list(m.state_dict())",
    "m = M.nn.Module(); m.register_buffer('b', M.ones(1), persistent=False); m.b = M.zeros(1); R = list(m.state_dict())",
    "m = M.nn.Linear(1, 1); m.weight = M.nn.Buffer(M.ones(1, 1))",
    "m = M.nn.Sequential(M.nn.ReLU()); setattr(m, '0', M.nn.Buffer(M.ones(1)))",
    "m = M.nn.Linear(1, 1); m.foo = 3; m.foo = M.nn.Buffer(M.ones(1, 1))",
    "class Q(M.nn.Module):\n  def __init__(self): self.b = M.nn.Buffer(M.ones(1))\nQ()",
    "import copy\nm = M.nn.Module(); m.c = M.nn.Buffer(M.ones(1), persistent=False); m.d = M.nn.Buffer(M.ones(2)); m2 = copy.deepcopy(m); R = (list(m2.state_dict()), [n for n, _ in m2.named_buffers()], m2.c.persistent, isinstance(m2.c, M.nn.Buffer), m2.c is m.c)",
    "import pickle\nb = M.nn.Buffer(M.ones(2), persistent=False); c = pickle.loads(pickle.dumps(b)); R = (c.persistent, isinstance(c, M.nn.Buffer), c)",
    "b = M.nn.Buffer(M.ones(2)); R = (isinstance(b * 2, M.nn.Buffer), isinstance(b.clone(), M.nn.Buffer), isinstance(b.detach(), M.nn.Buffer), b * 2)",
    "m = M.nn.Module(); m.b = M.nn.Buffer(M.ones(2), persistent=False); m.double(); R = (list(m.state_dict()), m.b, [n for n, _ in m.named_buffers()])",
    "m = M.nn.BatchNorm1d(2); m.running_mean = M.nn.Buffer(M.ones(2), persistent=False); R = list(m.state_dict())",
    "m = M.nn.Module(); m.b = M.nn.Buffer(M.ones(1)); m.b = None; R = (list(m.state_dict()), [n for n, _ in m.named_buffers()], m.b)",
    # forward hooks: a call runs the hooks registered when it started; always_call hooks
    # run on any error (a pre-hook's, forward's, another hook's), once, with the output so far
    "class Mul(M.nn.Module):\n  def forward(self, x, y=1.0): return x * y\nm = Mul(); log = []; x = M.ones(2)\nhs = [m.register_forward_hook(lambda *a: (log.append(1), hs[1].remove())[0])]\nhs.append(m.register_forward_hook(lambda *a: log.append(2)))\nm(x); m(x); R = log",
    "class Mul(M.nn.Module):\n  def forward(self, x, y=1.0): return x * y\nm = Mul(); log = []; x = M.ones(2)\nhs = [m.register_forward_pre_hook(lambda *a: (log.append(1), hs[1].remove())[0])]\nhs.append(m.register_forward_pre_hook(lambda *a: log.append(2)))\nm(x); m(x); R = log",
    "class Mul(M.nn.Module):\n  def forward(self, x, y=1.0): return x * y\nm = Mul(); log = []; x = M.ones(2)\nm.register_forward_pre_hook(lambda *a: 1 / 0)\nm.register_forward_hook(lambda mod, a, o: log.append(o), always_call=True)\ntry: m(x)\nexcept ZeroDivisionError: log.append('raised')\nR = log",
    "class Mul(M.nn.Module):\n  def forward(self, x, y=1.0): return x * y\nm = Mul(); log = []; x = M.ones(2)\nm.register_forward_hook(lambda mod, a, o: o * 2)\nm.register_forward_hook(lambda mod, a, o: 1 / 0)\nm.register_forward_hook(lambda mod, a, o: log.append(o), always_call=True)\ntry: m(x)\nexcept ZeroDivisionError: log.append('raised')\nR = log",
    "class Mul(M.nn.Module):\n  def forward(self, x, y=1.0): return x * y\nm = Mul(); log = []; x = M.ones(2)\nm.register_forward_hook(lambda mod, a, o: log.append('ran'), always_call=True)\nm.register_forward_hook(lambda mod, a, o: 1 / 0)\ntry: m(x)\nexcept ZeroDivisionError: log.append('raised')\nR = log",
    "class Mul(M.nn.Module):\n  def forward(self, x, y=1.0): return x * y\nm = Mul(); log = []; x = M.ones(2)\nm.register_forward_hook(lambda mod, a, o: [][1], always_call=True)\nm.register_forward_hook(lambda mod, a, o: log.append('second'), always_call=True)\ntry: m(x, y='s')\nexcept TypeError: log.append('raised')\nR = log",
    "class Mul(M.nn.Module):\n  def forward(self, x, y=1.0): return x * y\nm = Mul(); log = []; x = M.ones(2)\nm.register_forward_pre_hook(lambda mod, a: (a[0] * 5,))\nm.register_forward_hook(lambda mod, a, o: 7, always_call=True)\nm.register_forward_hook(lambda mod, a, o: log.append((a[0], o)), always_call=True)\ntry: m(x, y='s')\nexcept TypeError: log.append('raised')\nR = log",
    # Module.to refuses a Tensor's copy= argument
    "M.nn.Linear(1, 1).to(M.float64, copy=True)",
    "M.nn.Linear(1, 1).to(dtype=M.float64, copy=False)",
    "m = M.nn.Linear(1, 1); R = (m.to(M.float64, non_blocking=True) is m, m.weight.dtype == M.float64)",
    # a conv subclass calls _conv_forward with its own weight (weight standardization)
    "class WS(M.nn.Conv1d):\n  def forward(self, x):\n    w = self.weight\n    w = (w - w.mean(dim=(1, 2), keepdim=True)) / (w.std(dim=(1, 2), keepdim=True) + 1e-5)\n    return self._conv_forward(x, w, self.bias)\nm = WS(2, 3, 3)\nwith M.no_grad():\n  for p in m.parameters(): p.copy_(M.linspace(-1, 1, p.numel()).reshape(p.shape))\nm.double(); x = M.linspace(-2, 2, 2 * 2 * 5 ** 1).reshape(2, 2, *([5] * 1)).double(); y = m(x); y.square().sum().backward(); R = ([round(v, 3) for v in y.flatten().tolist()], [round(v, 2) for v in m.weight.grad.flatten().tolist()], list(m._reversed_padding_repeated_twice))",
    "class WS(M.nn.Conv2d):\n  def forward(self, x):\n    w = self.weight\n    w = (w - w.mean(dim=(1, 2), keepdim=True)) / (w.std(dim=(1, 2), keepdim=True) + 1e-5)\n    return self._conv_forward(x, w, self.bias)\nm = WS(2, 3, (3, 2), padding=(1, 2))\nwith M.no_grad():\n  for p in m.parameters(): p.copy_(M.linspace(-1, 1, p.numel()).reshape(p.shape))\nm.double(); x = M.linspace(-2, 2, 2 * 2 * 5 ** 2).reshape(2, 2, *([5] * 2)).double(); y = m(x); y.square().sum().backward(); R = ([round(v, 3) for v in y.flatten().tolist()], [round(v, 2) for v in m.weight.grad.flatten().tolist()], list(m._reversed_padding_repeated_twice))",
    "class WS(M.nn.Conv2d):\n  def forward(self, x):\n    w = self.weight\n    w = (w - w.mean(dim=(1, 2), keepdim=True)) / (w.std(dim=(1, 2), keepdim=True) + 1e-5)\n    return self._conv_forward(x, w, self.bias)\nm = WS(2, 3, 4, padding='same', dilation=2, padding_mode='reflect')\nwith M.no_grad():\n  for p in m.parameters(): p.copy_(M.linspace(-1, 1, p.numel()).reshape(p.shape))\nm.double(); x = M.linspace(-2, 2, 2 * 2 * 5 ** 2).reshape(2, 2, *([5] * 2)).double(); y = m(x); y.square().sum().backward(); R = ([round(v, 3) for v in y.flatten().tolist()], [round(v, 2) for v in m.weight.grad.flatten().tolist()], list(m._reversed_padding_repeated_twice))",
    "class WS(M.nn.Conv2d):\n  def forward(self, x):\n    w = self.weight\n    w = (w - w.mean(dim=(1, 2), keepdim=True)) / (w.std(dim=(1, 2), keepdim=True) + 1e-5)\n    return self._conv_forward(x, w, self.bias)\nm = WS(2, 4, 3, padding=1, padding_mode='circular', groups=2)\nwith M.no_grad():\n  for p in m.parameters(): p.copy_(M.linspace(-1, 1, p.numel()).reshape(p.shape))\nm.double(); x = M.linspace(-2, 2, 2 * 2 * 5 ** 2).reshape(2, 2, *([5] * 2)).double(); y = m(x); y.square().sum().backward(); R = ([round(v, 3) for v in y.flatten().tolist()], [round(v, 2) for v in m.weight.grad.flatten().tolist()], list(m._reversed_padding_repeated_twice))",
    "class WS(M.nn.Conv3d):\n  def forward(self, x):\n    w = self.weight\n    w = (w - w.mean(dim=(1, 2), keepdim=True)) / (w.std(dim=(1, 2), keepdim=True) + 1e-5)\n    return self._conv_forward(x, w, self.bias)\nm = WS(2, 3, 3, padding='valid', padding_mode='replicate')\nwith M.no_grad():\n  for p in m.parameters(): p.copy_(M.linspace(-1, 1, p.numel()).reshape(p.shape))\nm.double(); x = M.linspace(-2, 2, 2 * 2 * 5 ** 3).reshape(2, 2, *([5] * 3)).double(); y = m(x); y.square().sum().backward(); R = ([round(v, 3) for v in y.flatten().tolist()], [round(v, 2) for v in m.weight.grad.flatten().tolist()], list(m._reversed_padding_repeated_twice))",
    "m = M.nn.Linear(1, 1); R = (m.cpu() is m, m.to('cpu') is m)",
    # a parent's state_dict calls each child's own (overridden) state_dict
    "class Frozen(M.nn.Linear):\n  def state_dict(self, *args, destination=None, prefix='', keep_vars=False):\n    sd = super().state_dict(*args, destination=destination, prefix=prefix, keep_vars=keep_vars)\n    sd.pop(prefix + 'bias', None)\n    sd[prefix + 'tag'] = M.tensor(1.0)\n    return sd\nm = M.nn.Sequential(M.nn.Linear(1, 1), Frozen(1, 1), M.nn.Sequential(Frozen(1, 1))); sd = m.state_dict(prefix='p.'); R = (list(sd), list(sd._metadata.items()))",
    "class Frozen(M.nn.Linear):\n  def state_dict(self, *args, destination=None, prefix='', keep_vars=False):\n    sd = super().state_dict(*args, destination=destination, prefix=prefix, keep_vars=keep_vars)\n    sd.pop(prefix + 'bias', None)\n    sd[prefix + 'tag'] = M.tensor(1.0)\n    return sd\nlog = []\nf = Frozen(1, 1); f.register_state_dict_post_hook(lambda mod, sd, p, meta: log.append(('f', p)))\nm = M.nn.Sequential(f); m.register_state_dict_post_hook(lambda mod, sd, p, meta: log.append(('m', p))); m.state_dict(); R = log",
    "class Frozen(M.nn.Linear):\n  def state_dict(self, *args, destination=None, prefix='', keep_vars=False):\n    sd = super().state_dict(*args, destination=destination, prefix=prefix, keep_vars=keep_vars)\n    sd.pop(prefix + 'bias', None)\n    sd[prefix + 'tag'] = M.tensor(1.0)\n    return sd\nm = M.nn.Sequential(Frozen(1, 1)); d = {}; m.state_dict(destination=d, keep_vars=True); R = (list(d), d['0.weight'] is m[0].weight, repr(m.load_state_dict(m.state_dict(), strict=False)))",
    "class N(M.nn.Linear):\n  def state_dict(self, *a, **k): return {'x': M.ones(1)}\nR = list(M.nn.Sequential(N(1, 1), M.nn.Linear(1, 1)).state_dict())",
    # nn.modules: PyTorch's paths to the layer classes and their bases
    "m = M.nn.Sequential(M.nn.Conv2d(1, 2, 3), M.nn.BatchNorm2d(2), M.nn.InstanceNorm2d(2), M.nn.Linear(2, 2), M.nn.LayerNorm(2)); R = [(type(x).__name__, isinstance(x, M.nn.modules.batchnorm._BatchNorm), isinstance(x, M.nn.modules.batchnorm._NormBase), isinstance(x, M.nn.modules.conv._ConvNd), isinstance(x, M.nn.modules.module.Module)) for x in m.modules()]",
    "loss = __import__(M.__name__ + '.nn.modules.loss', fromlist=['_Loss']); _Loss, _WeightedLoss = loss._Loss, loss._WeightedLoss\nclass L1(_Loss):\n  def forward(self, a, b): return (a - b).abs().mean() if self.reduction == 'mean' else (a - b).abs().sum()\nR = (repr(L1()), L1(reduction='sum')(M.ones(2), M.zeros(2)), issubclass(M.nn.CrossEntropyLoss, _WeightedLoss), issubclass(M.nn.MSELoss, _Loss))",
    "pairs = [('activation', 'ReLU'), ('container', 'Sequential'), ('linear', 'Linear'), ('pooling', 'MaxPool2d'), ('rnn', 'LSTM'), ('sparse', 'Embedding'), ('transformer', 'Transformer'), ('padding', 'ZeroPad2d'), ('dropout', 'Dropout'), ('normalization', 'LayerNorm'), ('instancenorm', 'InstanceNorm1d'), ('flatten', 'Flatten'), ('upsampling', 'Upsample'), ('distance', 'PairwiseDistance'), ('pixelshuffle', 'PixelShuffle'), ('fold', 'Fold'), ('channelshuffle', 'ChannelShuffle'), ('adaptive', 'AdaptiveLogSoftmaxWithLoss'), ('conv', 'ConvTranspose2d'), ('loss', 'CTCLoss')]\nR = [getattr(getattr(M.nn.modules, path), name) is getattr(M.nn, name) for path, name in pairs]",
    "R = [(c.__name__, issubclass(c, M.nn.modules.dropout._DropoutNd)) for c in (M.nn.Dropout, M.nn.Dropout1d, M.nn.Dropout2d, M.nn.Dropout3d, M.nn.AlphaDropout, M.nn.FeatureAlphaDropout)]",
    "M.nn.Dropout2d(1.5)",
    "M.nn.Dropout1d('a')",
    "m = M.nn.Sequential(M.nn.Dropout(0.3), M.nn.Dropout2d(0.2, True)); R = (repr(m), list(m.state_dict()), [x.training for x in m.eval().modules()])",
]


@pytest.mark.parametrize("program", PROGRAMS)
def test_module_mechanics_match_pytorch(program):
    _matches_pytorch(program)
