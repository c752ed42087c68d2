"""Save and load trained networks as .npz files.

Layout (all plain arrays, no pickles): ``format`` ("nnviz-network"), ``version`` (1),
``sizes`` (int64), ``w0..w{L-1}``, ``b0..b{L-1}`` in the network's dtype, and ``meta``, a JSON
string with the hyper-parameters, data set, seed and epoch the network was trained with.
"""

from __future__ import annotations

import json
import math
import os
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from nnviz.core.io.atomic import atomic_write
from nnviz.core.io.guard import check_regular_file, loads_bounded
from nnviz.core.learning.network import MAX_LAYERS, MAX_PARAMETERS, Network, parse_sizes

FORMAT = "nnviz-network"
VERSION = 1
HINT = "choose a .npz file saved by nnviz (File > Save Network, or nnviz train --save)"
MAX_META_BYTES = 1_000_000
# Weights beyond this are a damaged or diverged file: a trained sigmoid network's weights stay
# within a few dozen, and painting or summing 1e308 overflows.
MAX_ABS_WEIGHT = 1e6


class NetworkFileError(ValueError):
    """A network file that cannot be read; the message says why and what to do."""


def save_network(
    path: str | os.PathLike[str], network: Network, meta: dict[str, Any] | None = None
) -> Path:
    """Write ``network`` and ``meta`` to ``path`` atomically (temp file, then rename)."""
    path = Path(path)
    if path.suffix != ".npz":
        path = path.with_suffix(path.suffix + ".npz") if path.suffix else path.with_suffix(".npz")
    arrays: dict[str, np.ndarray] = {
        "format": np.array(FORMAT),
        "version": np.array(VERSION),
        "sizes": np.array(network.sizes, dtype=np.int64),
        "dtype": np.array(network.dtype.name),
        "meta": np.array(json.dumps(meta or {}, default=_json_default)),
    }
    for l, (w, b) in enumerate(zip(network.weights, network.biases)):
        arrays[f"w{l}"] = np.ascontiguousarray(w)
        arrays[f"b{l}"] = np.ascontiguousarray(b)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path, binary=True) as fh:
        np.savez(fh, **arrays)
    return path


def _json_default(obj):
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"cannot store {type(obj).__name__} in network metadata")


def load_network(path: str | os.PathLike[str]) -> tuple[Network, dict[str, Any]]:
    """Read a network saved by :func:`save_network`; raise NetworkFileError if it is not one.

    Everything is checked before anything large is allocated: the archive's members, each
    array's declared shape and type (from its header), the layer sizes against nnviz's limits,
    and the metadata's types. Metadata values of the wrong type or range are dropped (the
    weights are what matters); :func:`read_network` also reports which.
    """
    net, meta, _notes = read_network(path)
    return net, meta


def read_network(path: str | os.PathLike[str]) -> tuple[Network, dict[str, Any], list[str]]:
    """:func:`load_network`, plus notes naming metadata entries that were dropped."""
    path = check_regular_file(path, NetworkFileError, HINT)
    name = path.name
    try:
        with zipfile.ZipFile(path) as zf:
            members = {n[:-4]: n for n in zf.namelist() if n.endswith(".npy")}
            if "format" not in members:
                raise NetworkFileError(f"{name} is not an nnviz network file; {HINT}")
            fmt = _read_member(zf, members, "format", name, "U", (), max_items=1)
            if str(fmt) != FORMAT:
                raise NetworkFileError(f"{name} is not an nnviz network file; {HINT}")
            version = _read_member(zf, members, "version", name, "iu", (), max_items=1)
            version = int(version)
            if version < 1:
                raise NetworkFileError(f"{name} has an invalid format version {version}; {HINT}")
            if version > VERSION:
                raise NetworkFileError(
                    f"{name} was written by a newer nnviz (format version {version}); "
                    "update nnviz to open it"
                )
            sizes_arr = _read_member(zf, members, "sizes", name, "iu", None, max_items=MAX_LAYERS)
            if sizes_arr.ndim != 1:
                raise NetworkFileError(f"{name}: its layer sizes are not a list; {HINT}")
            sizes = [int(s) for s in sizes_arr]
            try:
                parse_sizes(sizes)
            except ValueError as exc:
                raise NetworkFileError(f"{name}: {exc}") from None
            L = len(sizes) - 1
            missing = [k for l in range(L) for k in (f"w{l}", f"b{l}") if k not in members]
            if missing:
                raise NetworkFileError(
                    f"{name} is incomplete (missing {', '.join(missing)}); {HINT}"
                )
            weights, biases = [], []
            for l in range(L):
                shape_w = (sizes[l + 1], sizes[l])
                weights.append(_read_member(zf, members, f"w{l}", name, "f", shape_w))
                b = _read_member(zf, members, f"b{l}", name, "f", None, max_items=sizes[l + 1])
                if b.shape not in ((sizes[l + 1], 1), (sizes[l + 1],)):
                    raise NetworkFileError(
                        f"{name}: b{l} has shape {b.shape}, expected ({sizes[l + 1]}, 1); {HINT}"
                    )
                biases.append(b.reshape(sizes[l + 1], 1))
            dtype = weights[0].dtype.name
            if "dtype" in members:
                dtype = str(_read_member(zf, members, "dtype", name, "U", (), max_items=1))
            meta_text = "{}"
            if "meta" in members:
                meta_text = str(
                    _read_member(
                        zf, members, "meta", name, "U", (), max_items=1, max_bytes=MAX_META_BYTES
                    )
                )
    except NetworkFileError:
        raise
    except (zipfile.BadZipFile, EOFError):
        raise NetworkFileError(
            f"{name} could not be read: it is not an nnviz network file (not an .npz archive); "
            f"{HINT}"
        ) from None
    except (
        OSError,
        ValueError,
        KeyError,
        zipfile.LargeZipFile,
        NotImplementedError,  # zip features nnviz never writes (patched data, ...)
        RuntimeError,  # an encrypted member
        zlib.error,
    ) as exc:
        raise NetworkFileError(f"{name} could not be read ({exc}); {HINT}") from None
    if dtype not in ("float32", "float64"):
        raise NetworkFileError(f"{name} stores {dtype} numbers; nnviz uses float32 or float64")
    try:
        net = Network.from_params(weights, biases, dtype)
    except ValueError as exc:
        raise NetworkFileError(f"{name} has mismatched layers: {exc}") from None
    if not net.params_finite() or not _paintable(net):
        raise NetworkFileError(
            f"{name} holds weights that are not finite or beyond {MAX_ABS_WEIGHT:g} "
            "(a diverged run?); train it again"
        )
    meta, notes = _read_meta(meta_text, name)
    net.seed = meta.get("seed")
    return net, meta, notes


def _read_member(zf, members, key, name, kinds, shape, max_items=None, max_bytes=None):
    """One array of the archive, its header checked before its data is read."""
    if key not in members:
        raise NetworkFileError(f"{name} is incomplete (missing {key}); {HINT}")
    info = zf.getinfo(members[key])
    with zf.open(info) as fh:
        try:
            major, _minor = np.lib.format.read_magic(fh)
            if major == 1:
                got_shape, fortran, dt = np.lib.format.read_array_header_1_0(fh)
            elif major in (2, 3):
                got_shape, fortran, dt = np.lib.format.read_array_header_2_0(fh)
            else:
                raise ValueError(f"unknown .npy version {major}")
        except ValueError as exc:
            raise NetworkFileError(f"{name}: its entry {key} is damaged ({exc}); {HINT}") from None
        if dt.kind not in kinds or dt.hasobject:
            raise NetworkFileError(
                f"{name}: its entry {key} holds {dt} values, which nnviz does not read; {HINT}"
            )
        if shape is not None and tuple(got_shape) != tuple(shape):
            raise NetworkFileError(
                f"{name} has mismatched layers: {key} has shape {tuple(got_shape)}, "
                f"expected {tuple(shape)}; {HINT}"
            )
        if any(not isinstance(d, int) or d < 0 for d in got_shape):
            # A negative size would make the read below take the whole member, however big.
            raise NetworkFileError(
                f"{name}: its entry {key} declares the shape {tuple(got_shape)}, which no "
                f"array has; {HINT}"
            )
        items = int(np.prod(got_shape, dtype=object)) if got_shape else 1
        limit = max_items if max_items is not None else MAX_PARAMETERS
        if items > limit or items * dt.itemsize > (max_bytes or 8 * MAX_PARAMETERS):
            raise NetworkFileError(
                f"{name}: {key} declares {items:,} values, more than nnviz reads; {HINT}"
            )
        data = fh.read(items * dt.itemsize + 1)
    if len(data) != items * dt.itemsize:
        raise NetworkFileError(f"{name}: its entry {key} is cut short or padded; {HINT}")
    array = np.frombuffer(data, dtype=dt)
    order = "F" if fortran else "C"
    return array.reshape(got_shape, order=order).copy() if got_shape else array.reshape(())[()]


def _paintable(net: Network) -> bool:
    return all(
        float(np.max(np.abs(a), initial=0.0)) <= MAX_ABS_WEIGHT for a in (*net.weights, *net.biases)
    )


# meta key -> (check, what it must be)
_META_RULES = {
    "eta": (lambda v: _is_number(v) and 0 < v <= 1e6, "a positive number up to 10^6"),
    "batch_size": (lambda v: _is_whole(v) and 1 <= v <= 10**7, "a whole number from 1 to 10^7"),
    "epochs": (lambda v: _is_whole(v) and 1 <= v <= 10**6, "a whole number from 1 to 10^6"),
    "seed": (lambda v: v is None or (_is_whole(v) and 0 <= v < 2**63), "a whole number >= 0"),
    "epoch": (lambda v: v is None or (_is_whole(v) and 0 <= v <= 10**9), "a whole number >= 0"),
    "examples_seen": (lambda v: _is_whole(v) and 0 <= v <= 10**15, "a whole number >= 0"),
    "test_correct": (lambda v: v is None or (_is_whole(v) and 0 <= v <= 10**9), "a count"),
    "dataset": (lambda v: v is None or (isinstance(v, str) and len(v) <= 64), "a data set name"),
    "sizes": (lambda v: isinstance(v, list), "a list"),
}


def _is_whole(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _read_meta(text: str, name: str) -> tuple[dict[str, Any], list[str]]:
    try:
        raw = loads_bounded(text, NetworkFileError, f"{name}'s metadata")
    except NetworkFileError as exc:
        return {}, [str(exc)]
    if not isinstance(raw, dict):
        return {}, [f"{name}'s metadata is not a table of values; it was ignored"]
    meta, notes = {}, []
    for key, value in raw.items():
        rule = _META_RULES.get(key)
        if rule is None or rule[0](value):
            meta[key] = value
        else:
            notes.append(f'ignored "{key}": {str(value)[:40]} (it must be {rule[1]})')
    return meta, notes
