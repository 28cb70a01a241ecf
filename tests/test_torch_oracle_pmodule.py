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
]


@pytest.mark.parametrize("program", PROGRAMS)
def test_module_mechanics_match_pytorch(program):
    _matches_pytorch(program)
