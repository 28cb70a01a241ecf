"""Pytrees: nested tuples (named ones too), lists and dicts (OrderedDicts stay ordered) whose
leaves are anything else (Tensors, numbers, None). ``flatten`` lists the leaves in order;
``unflatten`` rebuilds the same nesting."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

Spec = Any  # None for a leaf, else (type, keys or None, child specs)


def flatten(tree: Any) -> tuple[list, Spec]:
    """(leaves, spec): ``unflatten(leaves, spec)`` is a tree equal to ``tree``."""
    if isinstance(tree, dict):
        keys = list(tree)
        pairs = [flatten(tree[k]) for k in keys]
        kind = OrderedDict if isinstance(tree, OrderedDict) else dict
        return [x for leaves, _ in pairs for x in leaves], (kind, keys, [s for _, s in pairs])
    if isinstance(tree, (tuple, list)):
        pairs = [flatten(x) for x in tree]
        return [x for leaves, _ in pairs for x in leaves], (type(tree), None, [s for _, s in pairs])
    return [tree], None


def unflatten(leaves: list, spec: Spec) -> Any:
    """The tree of nesting ``spec`` with ``leaves`` (consumed in order) at its leaves."""
    it = iter(leaves)

    def build(s: Spec) -> Any:
        if s is None:
            return next(it)
        kind, keys, children = s
        values = [build(c) for c in children]
        if keys is not None:
            return kind(zip(keys, values))
        return kind(values) if kind in (tuple, list) else kind(*values)  # a namedtuple

    return build(spec)


def tree_map(fn: Callable[[Any], Any], tree: Any) -> Any:
    """The tree with ``fn`` applied to each leaf."""
    leaves, spec = flatten(tree)
    return unflatten([fn(x) for x in leaves], spec)


def broadcast_prefix(prefix: Any, tree: Any) -> list | None:
    """One entry of ``prefix`` per leaf of ``tree``: a leaf of ``prefix`` (an int, None)
    covers a whole subtree; a tuple, list or dict must match ``tree``'s nesting there.
    None if it does not."""
    if not isinstance(prefix, (tuple, list, dict)):
        return [prefix] * len(flatten(tree)[0])
    if isinstance(prefix, dict):
        if not isinstance(tree, dict) or set(prefix) != set(tree):
            return None
        parts = [broadcast_prefix(prefix[k], tree[k]) for k in tree]
    else:
        if not isinstance(tree, (tuple, list)) or len(prefix) != len(tree):
            return None
        parts = [broadcast_prefix(p, t) for p, t in zip(prefix, tree)]
    if any(p is None for p in parts):
        return None
    return [x for p in parts for x in p]
