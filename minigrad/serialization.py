"""``minigrad.save`` and ``minigrad.load``: state dicts in NumPy's ``.npz`` format.

A file is a zip archive with one ``NAME.npy`` member per tensor, exactly what
``np.savez`` writes, so ``np.load`` reads it too, and, for a ``state_dict()``, a
``_metadata.json`` member with its modules' versions (``state_dict._metadata``, which
``load_state_dict`` reads, as PyTorch's checkpoints keep it). Nothing is pickled: loading
uses ``allow_pickle=False`` and accepts only numeric arrays and that JSON, so a file cannot
run code.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections import OrderedDict
from collections.abc import Mapping
from typing import IO, Any, Union

import numpy as np

from .device import check as check_device
from .device import device
from .tensor import Tensor

FileLike = Union[str, os.PathLike, IO[bytes]]


def save(obj: Mapping[str, Tensor], f: FileLike) -> None:
    """Write ``obj``, a dict of name -> Tensor (e.g. ``model.state_dict()``), to the path or
    file ``f``.

    The path is used exactly as given (no ``.npz`` suffix is added). Everything is
    checked before the file is opened, so a bad ``obj`` leaves no file behind.
    """
    if not isinstance(obj, Mapping):
        raise TypeError(
            f"minigrad.save writes a dict of name -> Tensor (such as model.state_dict()), "
            f"got {type(obj).__name__}"
        )
    arrays = {}
    for name, value in obj.items():
        if not isinstance(name, str) or not isinstance(value, Tensor):
            raise TypeError(
                f"minigrad.save writes a dict of name -> Tensor; entry {name!r} is a "
                f"{type(value).__name__}"
            )
        arrays[name] = value.data
    metadata = getattr(obj, "_metadata", None)
    metadata = None if metadata is None else json.dumps(list(metadata.items()))
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as file:
            _write_npz(arrays, metadata, file)
    elif hasattr(f, "write"):
        _write_npz(arrays, metadata, f)
    else:
        raise TypeError(
            f"minigrad.save: f must be a path or a file opened for writing, got {type(f).__name__}"
        )


_METADATA = "_metadata.json"


def _write_npz(arrays: dict[str, np.ndarray], metadata: str | None, file: IO[bytes]) -> None:
    with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, arr in arrays.items():
            with archive.open(name + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(arr), allow_pickle=False)
        if metadata is not None:
            archive.writestr(_METADATA, metadata)


def load(f: FileLike, map_location: Any = None, *, weights_only: Any = None) -> dict[str, Tensor]:
    """Read a file written by :func:`save` (or ``np.savez``): a dict of name -> Tensor.

    A file that is not such an archive, is truncated or corrupted, or holds pickled
    objects or non-numeric arrays raises ``RuntimeError`` naming the file, and
    nothing is returned in part. (A path that cannot be opened raises ``OSError``.)
    ``map_location`` may name the CPU, the only device; ``weights_only`` is accepted as
    PyTorch's, and minigrad only ever reads arrays.
    """
    if isinstance(map_location, (str, device)):  # callables and dicts move nothing here
        check_device(map_location)
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as file:
            return _read_npz(file, os.fspath(f))
    return _read_npz(f, getattr(f, "name", repr(f)))


def _read_npz(file: IO[bytes], name: str) -> dict[str, Tensor]:
    try:
        archive = np.load(file, allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise ValueError("it holds a single array, not an .npz archive of named arrays")
        with archive:
            out = {}
            for member in archive.zip.namelist():  # by member: a key "x.npy" is "x.npy.npy"
                if member == _METADATA:
                    out = OrderedDict(out)
                    out._metadata = OrderedDict(json.loads(archive.zip.read(_METADATA)))
                    continue
                key = member.removesuffix(".npy")
                arr = archive[member]
                if not isinstance(arr, np.ndarray) or arr.dtype.kind not in "biufc":
                    raise ValueError(f"entry {key!r} is not a numeric array")
                out[key] = Tensor._new(arr)
            return out
    except Exception as e:  # any failure to parse the bytes is a bad file, whatever NumPy raised
        raise RuntimeError(
            f"minigrad.load: {name} is not a minigrad state dict (an .npz archive of numeric "
            f"arrays) or is damaged: {type(e).__name__}: {e}"
        ) from e
