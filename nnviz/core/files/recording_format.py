"""The recording file format's constants and its error (see :mod:`nnviz.core.files.recording`
for the layout); shared by the writer and the reader."""

from __future__ import annotations

import dataclasses
import struct

import numpy as np

from nnviz.core.learning.snapshot import Progress

MAGIC = b"NNVIZREC"
FORMAT_VERSION = 1
SUFFIX = ".nnrec"
PARAM_DTYPES = ("float16", "float32", "float64")


def bias_dtype(param_dtype: str) -> str:
    """Biases are few, so they are stored as float32, or as float64 with float64 weights
    (an exact copy of a float64 network, as ``nnviz.watch`` records the book's)."""
    return "float64" if param_dtype == "float64" else "float32"


VERSION_FIELD = struct.Struct("<H")
U32 = struct.Struct("<I")
FRAME_HEAD = struct.Struct("<II")  # payload length, crc32 of the payload
MAX_HEADER = 1 << 20  # a header is a small JSON object; anything bigger is not ours
MAX_FRAME = 1 << 30
F16_MAX = float(np.finfo(np.float16).max)
PROGRESS_FIELDS = {f.name for f in dataclasses.fields(Progress)}
HINT = "choose a .nnrec file recorded by nnviz (Record in the app, or nnviz train --record)"


class RecordingError(ValueError):
    """A file that is not a readable recording at all; the message says why and what to do."""
