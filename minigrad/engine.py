"""The autograd engine: graph nodes, recording an op, and the iterative backward pass.

An op's forward result becomes a Tensor whose ``grad_fn`` is a :class:`Node`. The node
keeps, per input, the vector-Jacobian product (VJP) ``g -> g @ J`` and where the input
came from: the input's own node, or the leaf Tensor itself. Nothing else of the
forward pass is kept, so after backward only the structure of the graph remains.
"""

from __future__ import annotations

import functools
import itertools
import math
import warnings
import weakref
from collections.abc import Callable, Sequence
from heapq import heappop, heappush
from typing import TYPE_CHECKING, Any

import numpy as np

from .grad_mode import _mode, no_grad

if TYPE_CHECKING:
    from .tensor import Tensor

_seq = itertools.count(1)  # 0 is a new tensor's version: the first stamp must differ
_ndarray = np.ndarray  # a module global: looked up once per edge in the backward loop


class _NodeAPI:
    """What PyTorch's nodes offer their users besides ``name()`` and ``next_functions``:
    hooks around the node's backward, and a dict for notes."""

    __slots__ = ()

    def register_prehook(self, hook: Callable) -> Any:
        """Call ``hook(grad_outputs)`` before the node runs, with a tuple of the gradients
        of its outputs (None for an output that got none); a tuple it returns replaces
        them. Returns a handle whose ``remove()`` unregisters the hook."""
        return self._add_hook(0, hook)

    def register_hook(self, hook: Callable) -> Any:
        """Call ``hook(grad_inputs, grad_outputs)`` after the node has run, with the
        gradients it computed for its inputs (None for an input that needs none) and the
        ones it got; a tuple it returns replaces ``grad_inputs``. Returns a handle."""
        return self._add_hook(1, hook)

    def _add_hook(self, kind: int, hook: Callable) -> Any:
        from .utils.hooks import RemovableHandle  # minigrad.utils imports the data package

        if self._node_hooks is None:
            self._node_hooks = ({}, {})  # (prehooks, hooks)
        hooks = self._node_hooks[kind]
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        return handle

    def __repr__(self) -> str:
        return f"<{short_name(self)} object>"

    @property
    def metadata(self) -> dict:
        """A dict for the user's own notes on this node, empty at first (as PyTorch's)."""
        try:
            return self._metadata
        except AttributeError:  # made when first asked for
            self._metadata = {}
            return self._metadata


class Node(_NodeAPI):
    """The backward function of one op (PyTorch's ``grad_fn``).

    ``next[i]`` is where input ``i`` came from: its Node, a leaf Tensor, or None for a
    Python number. ``vjps[i]`` maps the output's gradient to input ``i``'s (None when
    that input needs no gradient). Nodes are numbered in creation order, which is a
    topological order: an op's inputs always exist before it.

    In-place changes stamp a tensor's version with a fresh number from the same
    counter, so a saved tensor was changed after this node was recorded exactly when
    its version is larger than ``seq``.
    """

    # _node_hooks: (prehooks, hooks) from register_prehook and register_hook, or None;
    # _slots: where the gradients of a node with several outputs wait (set by set_outputs)
    __slots__ = ("_name", "next", "vjps", "saved", "out_version", "shape", "dtype", "seq", "g",
                 "retained", "_hooks", "_node_hooks", "_slots", "_metadata",
                 "__weakref__")  # fmt: skip
    frees = True  # whether backward frees the VJPs (and what they read); see KEEPS_VJPS

    def __init__(self, name, next, vjps, saved, out_version, shape, dtype):
        self._name = name
        self.next = next
        self.vjps = vjps
        self.saved = saved
        self.out_version = out_version
        self.shape = shape
        self.dtype = dtype
        self.seq = next_seq()
        self.g = None
        self.retained = None  # a weakref to the output, set by Tensor.retain_grad()
        # the output's gradient hooks (Tensor.register_hook), or None if neither they nor
        # retain_grad need to see the gradient
        self._hooks = None
        self._node_hooks = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _node_subclasses.add(cls)

    def name(self) -> str:
        n = self._name
        return n if n in _WHOLE_NAMES else n + "Backward"

    @property
    def next_functions(self) -> tuple:
        """Where each input's gradient goes, as in PyTorch: pairs ``(node, output_nr)``, the
        node an input's op, or a leaf's :class:`AccumulateGrad`, or None for an input that
        needs no gradient."""
        return tuple(_edge(n) for n in self.next)

    def _grad_outputs(self, g: np.ndarray) -> list:
        """The gradients of the node's outputs, as its hooks see them: g, or those waiting
        in the slots of a node with several outputs (None for one that got none)."""
        slots = getattr(self, "_slots", None)
        return [g] if slots is None else list(slots)

    def _set_grad_outputs(self, outs: list, g: np.ndarray) -> np.ndarray:
        """Put the outputs' gradients a hook gave back in place; what the VJPs take then."""
        slots = getattr(self, "_slots", None)
        if slots is None:
            return outs[0]
        slots[:] = outs
        return g

    def _modified(self) -> None:
        raise RuntimeError(
            f"{self.name()}: one of the variables needed for gradient computation has been "
            "modified by an inplace operation after it was saved for backward"
        )


def short_name(node: _NodeAPI) -> str:
    """The node's name as PyTorch's repr shows it: its class's, without the C++ namespace
    that ``name()`` has for some (``torch::autograd::CopySlices`` is ``CopySlices``)."""
    return node.name().rpartition("::")[2]


def _edge(n: Any) -> tuple:
    """``next_functions``' pair for ``n``, an entry of a node's ``next``."""
    if type(n) is Output:
        return n.node, n.output_nr
    if isinstance(n, Node):
        return n, 0
    if n is None or not n._requires_grad:  # a number, or a tensor that needs no gradient
        return None, 0
    return grad_accumulator(n), 0


class AccumulateGrad(_NodeAPI):
    """The node that adds a leaf's gradient into its ``.grad``, as PyTorch's: what
    ``next_functions`` names for a leaf that requires grad. A leaf has one, made when
    first asked for; its hooks run only when a gradient is added to ``.grad`` (not in
    ``autograd.grad``): the prehooks, then the post-accumulate-grad hooks, then the hooks."""

    __slots__ = ("_leaf", "_node_hooks", "_post_accumulate", "_metadata")
    next_functions = ()

    def __init__(self, leaf: Tensor) -> None:
        self._leaf = weakref.ref(leaf)  # the leaf keeps its AccumulateGrad, not the reverse
        self._node_hooks = None
        self._post_accumulate: dict = {}  # Tensor.register_post_accumulate_grad_hook's

    @property
    def variable(self) -> Tensor | None:
        """The leaf."""
        return self._leaf()

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    def _add_hook(self, kind: int, hook: Callable) -> Any:
        _watch(self._leaf())
        return super()._add_hook(kind, hook)


def grad_accumulator(leaf: Tensor) -> AccumulateGrad:
    """The leaf's AccumulateGrad (in the Tensor slot ``_grad_acc``, unset until asked for)."""
    try:
        return leaf._grad_acc
    except AttributeError:
        leaf._grad_acc = AccumulateGrad(leaf)
        return leaf._grad_acc


def _watch(leaf: Tensor | None) -> None:
    """Make backward hand ``leaf``'s gradient to :func:`_to_leaf` (which runs its hooks)
    rather than add it to ``.grad`` on the spot."""
    if leaf is not None and leaf._hooks is None:
        leaf._hooks = {}


next_seq = _seq.__next__
# PyTorch's names that are not an op's name followed by "Backward": the nodes of an in-place
# change through a view and of copy_, diag's of a matrix, and that of an op recorded without
# a derivative (scatter with reduce=)
COPY_SLICES = "torch::autograd::CopySlices"  # PyTorch's; repr and viz show "CopySlices"
NOT_IMPLEMENTED = "torch::autograd::NotImplemented"  # an op recorded without a derivative
_WHOLE_NAMES = frozenset((COPY_SLICES, NOT_IMPLEMENTED, "DiagonalBackward_copy",
                          "torch::autograd::CopyBackwards"))  # fmt: skip
# The ops whose VJPs read no array, only shapes, axes or dtypes: PyTorch's nodes that save
# no tensor. Backward does not free them (as it frees the others, with what their VJPs read),
# so another backward may pass through them again, as in PyTorch: `y = x + 1` twice, or
# each of split's pieces on its own. tests/test_autograd.py checks that each holds no array.
KEEPS_VJPS = frozenset((
    "Add", "Sub", "Rsub", "Neg", "Sum", "Mean", "Clone", "ToCopy", "View", "ReshapeAlias",
    "UnsafeView", "Squeeze", "Unsqueeze", "Permute", "Transpose", "T", "Expand", "Alias",
    "Slice", "Select", "Cat", "Stack", "Split", "SplitWithSizes", "Unbind", "Flip", "Zero",
    "Fill", "torch::autograd::CopyBackwards",
))  # fmt: skip
_node_subclasses: set = set()
# anomaly mode, as torch.set_anomaly_enabled sets it: [enabled, check_nan]; the backward
# pass reads it once per call, and only then wraps each node's VJPs (anomaly_checked)
anomaly = [False, True]
_subclass_nodes = False  # whether a node of a subclass (Output, a Function's) may be in a graph


def uses_node_subclasses() -> None:
    """Make the backward pass look for nodes of Node's subclasses, not only for Nodes. (It
    tells nodes from leaves by exact type, which is cheap, until there may be such nodes.)"""
    global _subclass_nodes
    _subclass_nodes = True


PASS = np.empty(0)  # what an Output passes on to its node: the gradient waits in a slot


class Output(Node):
    """Output ``output_nr`` of ``node``, an op with several outputs (split's pieces, an
    autograd.Function's outputs).

    PyTorch's nodes may have several outputs; minigrad's have one. So each output gets an
    Output, which leaves the output's gradient in ``slots[output_nr]`` and passes an
    empty array on to ``node``. The node is older than all of its Outputs, so it runs
    after them and reads every slot at once (with :func:`take`). Users do not see
    Outputs: the tensor's ``grad_fn`` is ``node``, and its consumers' ``next_functions``
    say ``(node, output_nr)``.
    """

    __slots__ = ("node", "output_nr")
    frees = False  # an Output reads no array: a later backward may pass through it again

    def __init__(self, node: Node, output_nr: int, slots: list, shape: tuple, dtype: Any):
        keep = functools.partial(_keep, node, slots, output_nr)
        Node.__init__(self, node._name, [node], (keep,), (), None, shape, dtype)
        self.node = node
        self.output_nr = output_nr
        uses_node_subclasses()


def set_outputs(node: Node, tensors: Sequence, slots: list) -> None:
    """Make ``tensors[k]`` output k of ``node`` (skipping entries that are None); their
    gradients wait in ``slots`` (a list as long as ``tensors``) until ``node`` runs.
    ``node`` itself must be recorded with the shape and dtype of :data:`PASS`.

    The newest node runs first, so the Outputs are made last to first: output 0's runs
    first, and hooks on the outputs run in their order (PyTorch runs them in the order
    they were registered, which is that order when they were registered one per output)."""
    node._slots = slots
    for k in range(len(tensors) - 1, -1, -1):
        t = tensors[k]
        if t is not None:
            t._node = Output(node, k, slots, t.data.shape, t.data.dtype)
            t._requires_grad = True


def take(slots: list) -> list:
    """The gradients the Outputs left in ``slots`` (None for an output that got none),
    emptying the slots for the next backward pass."""
    got = slots[:]
    slots[:] = [None] * len(slots)
    return got


def _keep(node: Node, slots: list, k: int, g: np.ndarray) -> np.ndarray:
    """Output k's VJP: keep its gradient in the slot for ``node``, pass nothing on."""
    if node.g is None:  # the first output this pass: drop what an interrupted pass left
        slots[:] = [None] * len(slots)
    slots[k] = g if slots[k] is None else slots[k] + g
    return PASS


_FLOAT32 = np.dtype(np.float32)


def complex_autograd_error(op: str, dtype: np.dtype) -> NotImplementedError:
    """minigrad holds complex data but does not differentiate it (PyTorch does)."""
    return NotImplementedError(
        f"{op}: minigrad does not support gradients of complex tensors (got dtype {dtype}); "
        "complex values may be computed without gradients"
    )


def record(
    out: np.ndarray,
    name: str,
    inputs: tuple,
    vjps: tuple,
    saved: tuple = (),
    saves_out: bool = False,
) -> Tensor:
    """Wrap ``out`` in a Tensor and, if grad mode is on and an input requires grad, a Node.

    ``inputs`` are the op's operands (Tensors, or anything else for constants),
    ``vjps[i]`` the VJP for ``inputs[i]``, ``saved`` the input Tensors whose arrays
    the VJPs read (checked against in-place changes), and ``saves_out`` whether they
    read the output array.
    """
    if type(out) is not np.ndarray:  # NumPy returns scalars for 0-d results
        out = np.asarray(out)
    t = _new(out)
    if not _mode.enabled:
        return t
    sources = []
    need = False
    constant = False
    for x in inputs:
        if isinstance(x, _Tensor):  # subclasses too (nn.Parameter)
            sources.append(x._node or x)
            if x._requires_grad:
                need = True
            else:
                constant = True
        else:
            sources.append(None)
            constant = True
    if not need:
        return t
    dtype = out.dtype
    if dtype is not _FLOAT32 and dtype.kind == "c":  # (`is` first: the usual dtype, cheaply)
        raise complex_autograd_error(name, dtype)
    if constant:  # drop the VJPs of constants: their closures may hold large arrays
        vjps = tuple(f if isinstance(x, _Tensor) and x._requires_grad else None
                     for x, f in zip(inputs, vjps))  # fmt: skip
    t._node = Node(name, sources, vjps, saved, t._version if saves_out else None,
                     out.shape, dtype)  # fmt: skip
    t._requires_grad = True
    return t


def no_derivative(what: str) -> Callable:
    """The VJP of an input PyTorch records but has no derivative for: backward raises
    PyTorch's NotImplementedError, naming ``what``."""

    def vjp(g: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"the derivative for '{what}' is not implemented.")

    return vjp


def shares_places(a: np.ndarray) -> bool:
    """Whether an element of ``a`` is at the place of another (a dim of stride 0, from
    expand; NumPy gives an empty array strides of 0)."""
    return a.size > 0 and any(s == 0 and n > 1 for s, n in zip(a.strides, a.shape))


def shared_places_error(name: str) -> RuntimeError:
    """PyTorch's refusal to write into memory that several elements share."""
    return RuntimeError(
        f"{name}: unsupported operation: more than one element of the written-to tensor "
        "refers to a single memory location. Please clone() the tensor before performing "
        "the operation."
    )


PAIRWISE_FROM = 1024  # summands below which NumPy's slice-by-slice sum is as good


def sum_over(X: np.ndarray, axes: Any = None, keepdims: bool = False, dtype: Any = None) -> Any:
    """np.sum of X over ``axes`` (an int, a tuple, or None for all), pairwise in every layout.

    NumPy sums pairwise only along the axis it runs innermost, the one contiguous in
    memory; over the others it adds one slice at a time, an error that grows with their
    length (1% for the mean of 10^6 float32 rows of 0.1). PyTorch's cascade sum stays
    within a few ulp. So a long float reduction is laid out with the summed axes last and
    contiguous (a copy, unless they already are) and summed along them.
    """
    if X.size < PAIRWISE_FROM or X.dtype.kind not in "fc":
        return np.sum(X, axis=axes, keepdims=keepdims, dtype=dtype)
    nd = X.ndim
    axes = range(nd) if axes is None else (axes,) if isinstance(axes, int) else axes
    summed = sorted({a % nd for a in axes})
    n = math.prod(X.shape[a] for a in summed)
    if n < PAIRWISE_FROM:
        return np.sum(X, axis=tuple(summed), keepdims=keepdims, dtype=dtype)
    kept = [a for a in range(nd) if a not in summed]
    rows = np.ascontiguousarray(X.transpose(kept + summed))
    out = np.add.reduce(rows.reshape(rows.shape[: len(kept)] + (n,)), -1, dtype=dtype)
    if keepdims:
        out = out.reshape([1 if a in summed else m for a, m in enumerate(X.shape)])
    return out


def unbroadcast(g: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``g`` down to ``shape``: the VJP of broadcasting ``shape`` up to ``g.shape``
    (which may also drop leading dims of size 1, as an assignment ``x[i] = v`` does)."""
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    if lead < 0:
        g, lead = g.reshape((1,) * -lead + g.shape), 0
    if any(n != 1 and n != m for n, m in zip(shape, g.shape[lead:])):  # as PyTorch's engine
        raise RuntimeError(f"returned an invalid gradient - got {list(g.shape)} but expected "
                           f"shape compatible with {list(shape)}")  # fmt: skip
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1
    )
    return sum_over(g, axes).reshape(shape)


def run_backward(
    roots: Sequence[Tensor],
    grads: Sequence[np.ndarray],
    retain_graph: bool,
    capture: dict | None = None,
) -> None:
    """Propagate ``grads`` from ``roots`` to every leaf that requires grad.

    Nodes wait in a heap keyed by creation number and the newest runs first: every
    consumer of a node is newer than it, so by the time a node runs, all gradient
    contributions to it have arrived. Only nodes that receive a gradient are visited.

    Without ``capture``, gradients accumulate into the leaves' ``.grad``. With it
    (a dict ``id(tensor) -> [tensor, None]``, as ``autograd.grad`` uses), the
    gradients of those tensors are summed into the dict and no ``.grad`` changes, and
    only the nodes through which a gradient reaches them run, as in PyTorch.
    """
    captured: dict = {}
    needed = None
    if capture:
        captured = {id(s[0]._node): s for s in capture.values() if s[0]._node is not None}
        needed = _leading_to([t._node for t in roots if t._node is not None], capture, captured)
    heap: list = []
    for t, g in zip(roots, grads):
        n = t._node
        if n is None:
            _to_leaf(t, g, capture)
        elif needed is not None and len(roots) > 1 and not needed[id(n)] and id(n) not in captured:
            # autograd.grad: no gradient flows from this root to the inputs. (A single root
            # is queued all the same, as in PyTorch: its retained grad is kept, it does not run)
            continue
        elif n.g is None:
            n.g = g
            heappush(heap, (-n.seq, n))
        else:
            n.g = n.g + g
    fresh: list = []  # the leaves whose .grad this pass made
    try:
        _drain(heap, retain_graph, capture, captured, needed, fresh)
    except BaseException:
        for _, n in heap:  # leave no half-propagated gradient behind for the next call
            n.g = None
        for leaf in fresh:  # nor part of a leaf's gradient in its .grad
            leaf._grad = None
        raise


def _leading_to(roots: list, capture: dict, captured: dict) -> dict:
    """For each node reachable from ``roots``: whether it must run, that is whether a
    captured tensor (a leaf in ``capture`` or a node in ``captured``) is reachable from
    one of its inputs. Depth first, iterative."""
    needed: dict = {}
    stack = [(n, False) for n in roots]
    while stack:
        node, children_done = stack.pop()
        if id(node) in needed:
            continue
        if not children_done:
            stack.append((node, True))
            stack.extend(
                (p, False) for p in node.next if isinstance(p, Node) and id(p) not in needed
            )
            continue
        needed[id(node)] = any(
            (needed[id(p)] or id(p) in captured) if isinstance(p, Node) else id(p) in capture
            for p in node.next
            if p is not None
        )
    return needed


def _drain(
    heap: list, retain_graph: bool, capture: dict | None, captured: dict, needed: dict | None,
    fresh: list,
) -> None:  # fmt: skip
    """Run the queued nodes, newest first, until every gradient has reached a leaf (or,
    with ``needed``, every node that leads to a captured tensor has run).

    A leaf without a ``.grad`` gets the first gradient that reaches it as its ``.grad``
    (listed in ``fresh``, so that a pass that fails can take it back) and the others
    added in. Leaves with hooks or a ``.grad`` from before get theirs last, once, summed
    over all paths (as PyTorch's AccumulateGrad): a pass that fails adds nothing to them."""
    later: dict = {}
    made = None  # the ids of the leaves in ``fresh``, when first needed
    check_anomaly = anomaly[0]
    while heap:
        node = heappop(heap)[1]
        g = node.g
        node.g = None
        if type(g) is not _ndarray:  # a sum of two 0-d gradients is a NumPy scalar
            g = np.asarray(g)
        # autograd.grad takes the gradient of a tensor it asks for: as PyTorch, before the
        # tensor's hooks if the pass goes on beyond it, after them if it ends there
        slot = captured.get(id(node)) if captured else None
        if slot is not None and needed[id(node)]:
            _add_to(slot, g)
        if node._hooks is not None:  # register_hook's hooks, then retain_grad's
            g = _run_hooks(node._hooks, g)
            if node.retained is not None:
                _retain(node, g)
        if needed is not None and not needed[id(node)]:  # the pass ends here: at a captured
            if slot is not None:  # tensor, or at a root that leads to no input (it does not run)
                _add_to(slot, g)
            continue
        vjps = node.vjps
        if vjps is None:
            raise RuntimeError(
                f"{node.name()}: trying to backward through the graph a second time (or "
                "directly access saved tensors after they have already been freed). Saved "
                "intermediate values of the graph are freed when you call .backward() or "
                "autograd.grad(). Specify retain_graph=True if you need to backward through "
                "the graph a second time."
            )
        seq = node.seq
        for t in node.saved:
            if t._version[0] > seq:
                node._modified()
        if node.out_version is not None and node.out_version[0] > seq:
            node._modified()
        if check_anomaly:
            vjps = _anomaly_checked(node, vjps)
        if node._node_hooks is not None:
            vjps = _hooked(node, g, vjps)
        for p, f in zip(node.next, vjps):
            if f is None:  # record() kept VJPs only for inputs that require grad
                continue
            # by exact type: isinstance is slow for the leaves, and so is looking in the set
            # of Node's subclasses, done only once there may be such a node
            is_node = type(p) is Node or (_subclass_nodes and type(p) in _node_subclasses)
            if needed is not None and (
                not (needed[id(p)] or id(p) in captured) if is_node else id(p) not in capture
            ):
                continue
            if is_node:
                shape, dtype = p.shape, p.dtype
            elif p._requires_grad:  # a leaf: read its array, not the Tensor's properties
                shape, dtype = p.data.shape, p.data.dtype
            else:  # requires_grad_(False) since the forward: as PyTorch, no gradient
                continue
            gi = f(g)
            if gi is None:  # a Function's backward may give no gradient to an input
                continue
            if gi.shape != shape:
                try:
                    gi = unbroadcast(gi, shape)
                except RuntimeError as e:  # (t_ under no_grad changed an input's shape)
                    raise RuntimeError(f"Function {node.name()} {e}") from None
            if gi.dtype is not dtype:
                gi = gi.astype(dtype)
            if type(gi) is not _ndarray:  # NumPy gives scalars for 0-d results
                gi = np.asarray(gi)
            if is_node:
                if p.g is None:
                    p.g = gi
                    heappush(heap, (-p.seq, p))
                else:
                    p.g = p.g + gi
                continue
            if p._hooks is not None:  # hooks see the sum over all paths: add it up first
                _add_to(later.setdefault(id(p), [p, None]), gi)
            elif capture is not None:
                _to_capture(capture, p, gi)
            elif p._grad is None:
                # a fresh array becomes .grad as it is; one that may be shared (g passed
                # through, or a view) is copied, so later in-place accumulation is safe
                p._grad = _new(gi.copy() if gi is g or gi.base is not None else gi)
                fresh.append(p)
            else:
                if made is None or len(made) != len(fresh):
                    made = {id(q) for q in fresh}
                if id(p) in made:  # a later path to a leaf this pass gave its .grad
                    _add_into(p._grad.data, gi)
                else:
                    _add_to(later.setdefault(id(p), [p, None]), gi)
        if not retain_graph and node._name not in KEEPS_VJPS and (type(node) is Node or node.frees):
            node.vjps = None
            node.saved = ()
            node.out_version = None
    for leaf, g in later.values():
        _to_leaf(leaf, g, capture)


def _retain(node: Node, g: np.ndarray) -> None:
    """Store a non-leaf's gradient in its ``.grad`` (it asked with ``retain_grad()``). Unlike
    a leaf's, it accumulates out of place, as in PyTorch: a new Tensor each time."""
    t = node.retained()
    if t is None or t._node is not node:
        return
    if t._grad is None:
        t._grad = _new(np.array(g, dtype=node.dtype))
    else:
        t._grad = _new(np.asarray(t._grad.data + g))  # a sum of 0-d arrays is a NumPy scalar


def _run_hooks(hooks: dict, g: np.ndarray) -> np.ndarray:
    """Pass a gradient through ``register_hook``'s hooks in order, with grad mode off (as
    PyTorch's backward). Each gets its own copy (which it may change in place); a Tensor
    it returns replaces the gradient."""
    for hook in list(hooks.values()):
        arg = _new(g.copy())
        with no_grad():
            out = hook(arg)
        if out is None:
            g = arg.data
            continue
        if not isinstance(out, _Tensor):
            raise TypeError(f"hook '{_hook_name(hook)}' must return a Tensor or None, but "
                            f"returned '{type(out).__name__}'")  # fmt: skip
        g = _same_kind(hook, out.data, g)
    return g


def _hook_name(hook: Callable) -> str:
    return getattr(hook, "__name__", type(hook).__name__)


def _same_kind(hook: Callable, new: np.ndarray, g: np.ndarray) -> np.ndarray:
    """``new``, a hook's replacement for the gradient ``g``, if it has g's shape and dtype."""
    if new.shape != g.shape:
        raise RuntimeError(f"hook '{_hook_name(hook)}' has changed the size of value: from "
                           f"{g.shape} to {new.shape}")  # fmt: skip
    if new.dtype != g.dtype:
        raise RuntimeError(f"hook '{_hook_name(hook)}' has changed the type of value (was "
                           f"{g.dtype} got {new.dtype})")  # fmt: skip
    return new


def _anomaly_checked(node: Node, vjps: tuple) -> tuple:
    """``node``'s VJPs in anomaly mode: an error in one is preceded by a warning naming the
    node, and with check_nan a gradient with a NaN raises, as PyTorch's engine does."""

    def checked(k: int, f: Callable) -> Callable:
        def vjp(g: np.ndarray) -> Any:
            try:
                gi = f(g)
                if anomaly[1] and gi is not None and np.isnan(gi).any():
                    raise RuntimeError(
                        f"Function '{node.name()}' returned nan values in its {k}th output."
                    )
            except Exception:
                warnings.warn(
                    f"Error detected in {node.name()}. (minigrad records no traceback of the "
                    "forward call that caused the error.)",
                    stacklevel=2,
                )
                raise
            return gi

        return vjp

    return tuple(None if f is None else checked(k, f) for k, f in enumerate(vjps))


def _hooked(node: Node, g: np.ndarray, vjps: tuple) -> tuple:
    """Run ``node``'s VJPs between its hooks, as PyTorch: the prehooks see the gradients of
    its outputs, the hooks those and the gradients of its inputs; either may replace what
    it sees. Returns VJPs that give the inputs' gradients so found."""
    prehooks, hooks = node._node_hooks
    outs = _through(prehooks, node._grad_outputs(g))
    g = node._set_grad_outputs(outs, g)
    ins = [None] * len(vjps)
    if any(o is not None for o in outs):
        for i, (p, f) in enumerate(zip(node.next, vjps)):
            if f is not None:  # as the backward loop hands it on: summed, in the input's dtype
                shape, dtype = (
                    (p.shape, p.dtype) if isinstance(p, Node) else (p.data.shape, p.data.dtype)
                )
                ins[i] = np.asarray(unbroadcast(f(g), shape), dtype)
    ins = _through(hooks, ins, outs)
    # copies: the gradients may be one array (add's) or a hook's tensor, and a leaf's .grad
    # takes its gradient as it is the first time, then adds into it in place
    return tuple(None if gi is None else functools.partial(_given, gi.copy()) for gi in ins)


def _through(hooks: dict, grads: list, *seen: list) -> list:
    """``grads`` (arrays or None) through node hooks in order, with grad mode off: each is
    called with them and the gradients ``seen``, as tuples of Tensors of their own copies,
    and may return a tuple that replaces ``grads``."""
    with no_grad():
        for hook in list(hooks.values()):
            out = hook(_tensors(grads), *map(_tensors, seen))
            grads = _replaced(hook, out, grads)
    return grads


def _given(gi: np.ndarray, _: np.ndarray) -> np.ndarray:
    return gi


def _tensors(grads: list) -> tuple:
    """Gradients (arrays or None) as a node hook sees them: Tensors of their own copies."""
    return tuple(None if g is None else _new(g.copy()) for g in grads)


def _replaced(hook: Callable, out: Any, grads: list) -> list:
    """The gradients a node hook returned (a tuple of Tensors or None) to replace ``grads``,
    checked as PyTorch checks them; ``grads`` if it returned None."""
    if out is None:
        return grads
    if not isinstance(out, tuple):
        raise TypeError(f"expected tuple, but hook returned '{type(out).__name__}'")
    if len(out) != len(grads):
        raise RuntimeError(f"hook '{_hook_name(hook)}' has returned an incorrect number of "
                           f"values (got {len(out)}, but expected {len(grads)})")  # fmt: skip
    new = []
    for o, g in zip(out, grads):
        if o is not None and not isinstance(o, _Tensor):
            raise TypeError(f"expected Variable, but hook returned '{type(o).__name__}'")
        if o is not None and g is None:
            raise RuntimeError("can't replace a None gradient with a non-None value")
        new.append(None if o is None else _same_kind(hook, o.data, g))
    return new


def _to_leaf(leaf: Tensor, g: np.ndarray, capture: dict | None) -> None:
    """A gradient for a leaf as a whole: the seed of a root that is a leaf, or the sum
    over all paths of a leaf with hooks."""
    if leaf._hooks is not None:
        g = _run_hooks(leaf._hooks, g)
    if capture is not None:
        _to_capture(capture, leaf, g)
    else:
        accumulate(leaf, g)


def accumulate(leaf: Tensor, g: np.ndarray) -> None:
    """Add ``g`` into ``leaf.grad`` (a copy of it, the first time), between the hooks of
    the leaf's AccumulateGrad if it has one."""
    acc = getattr(leaf, "_grad_acc", None)
    if acc is not None and acc._node_hooks is not None:
        (g,) = _through(acc._node_hooks[0], [g])
        if g is None:
            return
    if leaf._grad is None:
        leaf._grad = _new(g.copy())
    else:
        _add_into(leaf._grad.data, g)
    if acc is None:
        return
    with no_grad():
        for hook in list(acc._post_accumulate.values()):
            out = hook(leaf)  # None, or the leaf itself (as `p.add_(...)` returns it)
            if out is None or out is leaf:
                continue
            if not isinstance(out, _Tensor):
                raise TypeError(f"expected Variable, but hook returned '{type(out).__name__}'")
            raise RuntimeError("Tensor post accumulate grad hooks should return None.")
    if acc._node_hooks is not None:
        _through(acc._node_hooks[1], [], [g])


def _add_into(grad: np.ndarray, g: np.ndarray) -> None:
    """grad += g, in place, unless grad's elements share memory (a .grad the user assigned,
    expanded): PyTorch's AccumulateGrad refuses that too."""
    if 0 in grad.strides and shares_places(grad):
        raise shared_places_error("AccumulateGrad")
    grad += g


def _to_capture(capture: dict, leaf: Tensor, gi: np.ndarray) -> None:
    """Sum a leaf's gradient into ``autograd.grad``'s result slot (if it asked for it)."""
    slot = capture.get(id(leaf))
    if slot is not None:
        _add_to(slot, gi)


def _add_to(slot: list, g: np.ndarray) -> None:
    """Sum ``g`` into ``slot[1]`` (a gradient being collected, None before the first)."""
    slot[1] = g if slot[1] is None else np.asarray(slot[1] + g)  # a sum of 0-d arrays is a scalar


def _late_imports() -> None:
    global _Tensor, _new
    from .tensor import Tensor

    _Tensor = Tensor
    _new = Tensor._new


_Tensor: Any = None
_new: Any = None
