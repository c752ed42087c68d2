"""Save and load trained networks as .npz files.

Layout (all plain arrays, no pickles): ``format`` ("nnviz-network"), ``version`` (1),
``sizes`` (int64), ``w0..w{L-1}``, ``b0..b{L-1}`` in the network's dtype, and ``meta``, a JSON
string with the hyper-parameters, data set, seed and epoch the network was trained with.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from nnviz.core.files.atomic import atomic_write
from nnviz.core.learning.network import Network

FORMAT = "nnviz-network"
VERSION = 1


class NetworkFileError(ValueError):
    """A network file that cannot be read; the message says why and what to do."""


def save_network(
    path: str | os.PathLike, network: Network, meta: dict[str, Any] | None = None
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


def load_network(path: str | os.PathLike) -> tuple[Network, dict[str, Any]]:
    """Read a network saved by :func:`save_network`; raise NetworkFileError if it is not one."""
    path = Path(path)
    hint = "choose a .npz file saved by nnviz (File > Save Network, or nnviz train --save)"
    if not path.is_file():
        raise NetworkFileError(f"{path}: no such file; {hint}")
    try:
        with np.load(path, allow_pickle=False) as data:
            files = set(data.files)
            if "format" not in files or str(data["format"]) != FORMAT:
                raise NetworkFileError(f"{path.name} is not an nnviz network file; {hint}")
            version = int(data["version"])
            if version > VERSION:
                raise NetworkFileError(
                    f"{path.name} was written by a newer nnviz (format version {version}); "
                    "update nnviz to open it"
                )
            sizes = [int(s) for s in data["sizes"]]
            L = len(sizes) - 1
            missing = [k for l in range(L) for k in (f"w{l}", f"b{l}") if k not in files]
            if L < 1 or missing:
                raise NetworkFileError(
                    f"{path.name} is incomplete (missing {', '.join(missing) or 'layers'}); {hint}"
                )
            weights = [np.array(data[f"w{l}"]) for l in range(L)]
            biases = [np.array(data[f"b{l}"]) for l in range(L)]
            dtype = str(data["dtype"]) if "dtype" in files else weights[0].dtype.name
            meta = json.loads(str(data["meta"])) if "meta" in files else {}
    except NetworkFileError:
        raise
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, json.JSONDecodeError) as exc:
        raise NetworkFileError(f"{path.name} could not be read ({exc}); {hint}") from None
    if dtype not in ("float32", "float64"):
        raise NetworkFileError(f"{path.name} stores {dtype} numbers; nnviz uses float32 or float64")
    try:
        net = Network.from_params(weights, biases, dtype)
    except ValueError as exc:
        raise NetworkFileError(f"{path.name} has mismatched layers: {exc}") from None
    if list(net.sizes) != sizes:
        raise NetworkFileError(f"{path.name}: layer sizes {sizes} do not match its weight shapes")
    if not net.params_finite():
        raise NetworkFileError(f"{path.name} holds non-finite weights (a diverged run?)")
    net.seed = meta.get("seed")
    return net, meta
