"""The named tuples that ops with several outputs return (``values, indices = x.max(0)``),
as PyTorch's ``torch.return_types``: a tuple whose fields are also attributes, printed one
field per line (``minigrad.return_types.max(\\nvalues=tensor(...),\\nindices=...)``)."""

from __future__ import annotations

from collections import namedtuple


def _repr(self: tuple) -> str:
    fields = ",\n".join(f"{name}={value!r}" for name, value in zip(self._fields, self))
    return f"{__name__}.{type(self).__name__}(\n{fields})"


def return_type(name: str, fields: list) -> type:
    """The named tuple ``name`` with ``fields``, PyTorch's name and repr; kept in this
    module under its name (so it pickles, as PyTorch's do)."""
    cls = type(name, (namedtuple(name, fields),), {"__slots__": (), "__repr__": _repr})
    cls.__module__ = __name__
    globals()[name] = cls
    return cls
