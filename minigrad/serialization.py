"""``minigrad.save`` and ``minigrad.load``: state dicts in NumPy's ``.npz`` format.

A file is a zip archive with one ``NAME.npy`` member per tensor, exactly what
``np.savez`` writes, so ``np.load`` reads it too, and, for a ``state_dict()``, a
``_metadata.json`` member with its modules' versions (``state_dict._metadata``, which
``load_state_dict`` reads, as PyTorch's checkpoints keep it). Anything else PyTorch's
``weights_only`` loading takes (a checkpoint such as ``{"model": model.state_dict(),
"optimizer": opt.state_dict(), "epoch": 3}``: dicts, lists and tuples of tensors, numbers,
strings, bools and None) is written as its tensors, members ``0.npy``, ``1.npy``, ...,
and an ``_object.json`` member that says where each goes. Nothing is pickled: loading uses
``allow_pickle=False`` and accepts only numeric arrays and that JSON, so a file cannot run
code.
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


def save(obj: Any, f: FileLike) -> None:
    """Write ``obj`` to the path or file ``f``: a dict of name -> Tensor (e.g.
    ``model.state_dict()``), or dicts, lists and tuples of such tensors, numbers, strings,
    bools and None (e.g. ``opt.state_dict()``, or a checkpoint holding both).

    The path is used exactly as given (no ``.npz`` suffix is added). Everything is
    checked before the file is opened, so a bad ``obj`` leaves no file behind.
    """
    if isinstance(obj, Mapping) and all(
        isinstance(k, str) and isinstance(v, Tensor) for k, v in obj.items()
    ):
        arrays = {name: value.data for name, value in obj.items()}
        metadata = getattr(obj, "_metadata", None)
        extra = {} if metadata is None else {_METADATA: json.dumps(list(metadata.items()))}
    else:
        tensors: dict = {}  # id -> (its member's number, the tensor)
        extra = {_OBJECT: json.dumps(_encode(obj, tensors, "obj"))}
        arrays = {str(i): t.data for i, t in tensors.values()}
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as file:
            _write_npz(arrays, extra, file)
    elif hasattr(f, "write"):
        _write_npz(arrays, extra, f)
    else:
        raise TypeError(
            f"minigrad.save: f must be a path or a file opened for writing, got {type(f).__name__}"
        )


_METADATA = "_metadata.json"
_OBJECT = "_object.json"
_SCALARS = (str, int, float, bool, type(None))


def _encode(obj: Any, tensors: dict, where: str) -> Any:
    """obj as JSON: {"t": i} for the i-th tensor (and "rg" if it requires grad), {"d": [[key,
    value], ...]} for a dict (keys are numbers or strings; "m" its state_dict metadata),
    {"l": [...]} and {"tu": [...]} for lists and tuples, {"v": x} for a number, string,
    bool or None."""
    if isinstance(obj, Tensor):  # a tensor met twice is saved once, and loads as one
        i = tensors.setdefault(id(obj), (len(tensors), obj))[0]
        return {"t": i, "rg": obj.requires_grad}
    if isinstance(obj, Mapping):
        for k in obj:
            if not isinstance(k, _SCALARS):
                raise TypeError(f"minigrad.save: a key of {where} is a {type(k).__name__}")
        out = {"d": [[k, _encode(v, tensors, f"{where}[{k!r}]")] for k, v in obj.items()]}
        metadata = getattr(obj, "_metadata", None)
        if metadata is not None:
            out["m"] = list(metadata.items())
        return out
    if isinstance(obj, (list, tuple)):
        items = [_encode(v, tensors, f"{where}[{i}]") for i, v in enumerate(obj)]
        return {"tu" if isinstance(obj, tuple) else "l": items}
    if isinstance(obj, _SCALARS):
        return {"v": obj}
    raise TypeError(
        f"minigrad.save writes tensors, and dicts, lists and tuples of them, numbers, strings, "
        f"bools and None (no pickle); {where} is a {type(obj).__name__}"
    )


def _decode(obj: dict, tensors: dict) -> Any:
    """What ``_encode`` wrote, rebuilt around the loaded tensors."""
    if "t" in obj:
        t = tensors[str(obj["t"])]
        return t.requires_grad_() if obj.get("rg") else t
    if "d" in obj:
        out = OrderedDict((k, _decode(v, tensors)) for k, v in obj["d"])
        if "m" in obj:
            out._metadata = OrderedDict(obj["m"])
        return out if "m" in obj else dict(out)
    if "l" in obj:
        return [_decode(v, tensors) for v in obj["l"]]
    if "tu" in obj:
        return tuple(_decode(v, tensors) for v in obj["tu"])
    return obj["v"]


def _write_npz(arrays: dict[str, np.ndarray], extra: dict[str, str], file: IO[bytes]) -> None:
    with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, arr in arrays.items():
            with archive.open(name + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(arr), allow_pickle=False)
        for name, text in extra.items():
            archive.writestr(name, text)


def load(f: FileLike, map_location: Any = None, *, weights_only: Any = None) -> Any:
    """Read a file written by :func:`save` (or ``np.savez``): a dict of name -> Tensor, or
    the object that was saved.

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


def _read_npz(file: IO[bytes], name: str) -> Any:
    try:
        archive = np.load(file, allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise ValueError("it holds a single array, not an .npz archive of named arrays")
        with archive:
            out, structure = {}, None
            for member in archive.zip.namelist():  # by member: a key "x.npy" is "x.npy.npy"
                if member == _METADATA:
                    out = OrderedDict(out)
                    out._metadata = OrderedDict(json.loads(archive.zip.read(_METADATA)))
                    continue
                if member == _OBJECT:
                    structure = json.loads(archive.zip.read(_OBJECT))
                    continue
                key = member.removesuffix(".npy")
                arr = archive[member]
                if not isinstance(arr, np.ndarray) or arr.dtype.kind not in "biufc":
                    raise ValueError(f"entry {key!r} is not a numeric array")
                out[key] = Tensor._new(arr)
            return out if structure is None else _decode(structure, out)
    except Exception as e:  # any failure to parse the bytes is a bad file, whatever NumPy raised
        raise RuntimeError(
            f"minigrad.load: {name} is not a minigrad state dict (an .npz archive of numeric "
            f"arrays) or is damaged: {type(e).__name__}: {e}"
        ) from e
