"""PyTorch's named result tuples (``torch.return_types``): ``max(dim)``'s
``(values, indices)`` and the like, with PyTorch's repr."""

from collections import namedtuple


def return_type(name: str, fields: list) -> type:
    """A namedtuple class ``name`` of ``fields``, kept here as ``return_types.<name>``
    (so it pickles) and printed as PyTorch prints it, one field a line:
    ``minigrad.return_types.max(\\nvalues=tensor(...),\\nindices=tensor(...))``."""

    def __repr__(self: tuple) -> str:
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(self._fields, self))
        return f"{__name__}.{name}(\n{body})"

    cls = type(name, (namedtuple(name, fields),), {"__slots__": (), "__repr__": __repr__})
    cls.__module__ = __name__
    globals()[name] = cls
    return cls
