"""Recordings: a training run written to disk as it happens, replayable without recomputation.

File layout (all integers little-endian)::

    b"NNVIZREC"                     8 bytes of magic
    version                         uint16 (FORMAT_VERSION)
    header length, header crc32     uint32, uint32
    header                          UTF-8 JSON: sizes, dtypes, data set, hyper-parameters, seed
    frame*                          [payload length uint32][crc32 of payload uint32][payload]

A frame's payload is ``[json length uint32][JSON][parameters]``. The JSON holds one ``Progress``
record (``{"p": {...}, "params": bool}``) or, for the last frame of a properly closed file,
``{"end": n}`` with the number of frames before it. When ``params`` is true the JSON is followed
by, layer by layer, ``weights[l]`` (row-major, ``header["param_dtype"]``) and ``biases[l]``
(float32).

Why this shape: frames are appended as training runs, so a recording that was cut short (a
crash, a full disk, a copy that stopped) still holds every frame before the damage; the CRC
of each frame finds a corrupt one, and the end frame tells a complete file from one that was
cut exactly at a frame boundary. :func:`read_recording` therefore never raises on damage after
the header: it returns the good prefix and a message saying what happened.

Weights are stored as float16 by default. That keeps 3 significant digits (relative error
below 0.05%), far finer than the colour scale or line widths the network canvas can show, and
halves the file. Pass ``param_dtype="float32"`` to :class:`RecordingWriter` for exact weights.
Finite weights beyond float16's range (|w| > 65504, only in runs that are blowing up) are
clipped to its largest value rather than turned into infinities. Biases are few, so they are
stored as float32 (as float64 beside float64 weights, ``param_dtype="float64"``: an exact
copy, which ``nnviz.watch`` uses for a float64 network).

A [784, 30, 10] snapshot costs about 47 KB in float16; :class:`Recorder` keeps at most
``snapshots_per_epoch`` of them per epoch (plus every epoch's end), so a 30-epoch MNIST run
at the default 20 per epoch is about 29 MB.
"""

from __future__ import annotations

import json
import math
import mmap
import os
import struct
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from nnviz.core.files.recording_format import (
    FORMAT_VERSION,
    FRAME_HEAD,
    HINT,
    MAGIC,
    MAX_FRAME,
    MAX_HEADER,
    PARAM_DTYPES,
    PROGRESS_FIELDS,
    SUFFIX,
    U32,
    VERSION_FIELD,
    RecordingError,
    bias_dtype,
)
from nnviz.core.files.recording_writer import (
    Recorder,
    RecordingWriter,
    StreamWriter,
    make_header,
)
from nnviz.core.io.guard import bounded_int, check_regular_file, json_depth_ok
from nnviz.core.learning.network import check_size_limits
from nnviz.core.learning.snapshot import DIVERGED, DONE, EPOCH, Progress, Snapshot

# The recording API in one place: writing lives in recording_writer, constants in
# recording_format.
__all__ = [
    "FORMAT_VERSION",
    "MAGIC",
    "PARAM_DTYPES",
    "SUFFIX",
    "Recorder",
    "Recording",
    "RecordingError",
    "RecordingWriter",
    "StreamWriter",
    "describe",
    "make_header",
    "read_recording",
    "read_stream",
]

# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recording:
    """A recording read back.

    ``progress_records``: every record in order. ``frames``: the records that carry
    parameters, as Snapshots (float16 weights upcast to float32). ``frame_records[i]`` is the
    index in ``progress_records`` of ``frames[i]``'s record. ``damaged``: None, or a message saying
    where the file is damaged and what is shown.
    """

    header: dict[str, Any]
    frames: Sequence[Snapshot]
    progress_records: tuple[Progress, ...]
    damaged: str | None = None
    frame_records: tuple[int, ...] = ()
    path: Path | None = None

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(self.header["sizes"])

    @property
    def snapshots(self) -> Sequence[Snapshot]:
        """The snapshots in order (``frames``): ``snapshots[-1].weights`` is the last state."""
        return self.frames

    @property
    def epochs(self) -> int:
        """Planned epochs from the header, else the number of epochs the records reach."""
        planned = self.header.get("epochs")
        if isinstance(planned, int) and planned > 0:
            return planned
        return max((p.epoch + 1 for p in self.progress_records), default=0)

    def records_until(self, frame: int) -> list[Progress]:
        """Every record up to and including the one of ``frames[frame]``."""
        if not self.frames:
            return []
        frame = min(max(0, frame), len(self.frames) - 1)
        return list(self.progress_records[: self.frame_records[frame] + 1])

    def epoch_records(self) -> list[Progress]:
        return [p for p in self.progress_records if p.kind == EPOCH]


class _Frames(Sequence[Snapshot]):
    """Snapshots decoded on access: the file's float16 bytes stay compact in memory."""

    def __init__(self, sizes: tuple[int, ...], param_dtype: str, run_id: int) -> None:
        self._sizes = sizes
        self._dtype = np.dtype(param_dtype)
        self._run_id = run_id
        self._items: list[tuple[Progress, memoryview]] = []

    def _append(self, p: Progress, params: memoryview) -> None:
        self._items.append((p, params))

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        p, buf = self._items[i]
        return _snapshot(p, buf, self._sizes, self._dtype, self._run_id)

    def __iter__(self) -> Iterator[Snapshot]:
        for i in range(len(self)):
            yield self[i]


def _snapshot(
    p: Progress, buf: memoryview | bytes, sizes: tuple[int, ...], dtype: np.dtype, run_id: int
) -> Snapshot:
    """A frame's parameter bytes as a Snapshot of read-only arrays (float16 weights upcast to
    float32, the others as stored)."""
    b_dtype = np.dtype(bias_dtype(dtype.name))
    weights, biases, off = [], [], 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        w = np.frombuffer(buf, dtype, n_out * n_in, off).reshape(n_out, n_in)
        off += w.nbytes
        b = np.frombuffer(buf, b_dtype, n_out, off).reshape(n_out, 1)
        off += b.nbytes
        weights.append(w.astype(np.float32) if dtype == np.float16 else w.copy())
        biases.append(b.copy())
    for a in (*weights, *biases):
        a.setflags(write=False)
    return Snapshot(p, sizes, tuple(weights), tuple(biases), run_id)


def _read_exactly(fh: BinaryIO, n: int) -> bytes:
    """``n`` bytes from a stream (a pipe hands them over in pieces); fewer only at its end."""
    parts, left = [], n
    while left:
        chunk = fh.read(left)
        if not chunk:
            break
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def read_stream(
    fh: BinaryIO, name: str = "the stream"
) -> Iterator[dict[str, Any] | tuple[Progress, Snapshot | None]]:
    """Read a recording while it is written, from a pipe or an open file: yields the header
    first, then each record with its snapshot (or None), and ends at the end frame or the end
    of the input. A damaged stream raises RecordingError."""
    head_len = len(MAGIC) + VERSION_FIELD.size + FRAME_HEAD.size
    head = _read_exactly(fh, head_len)
    if len(head) == head_len:
        length, _ = FRAME_HEAD.unpack_from(head, len(MAGIC) + VERSION_FIELD.size)
        head += _read_exactly(fh, min(length, MAX_HEADER))
    header, _ = _read_header(memoryview(head), name)
    yield header
    sizes = tuple(header["sizes"])
    dtype = np.dtype(header.get("param_dtype", "float16"))
    params_len = _params_nbytes(sizes, dtype.name)
    while True:
        frame_head = _read_exactly(fh, FRAME_HEAD.size)
        if len(frame_head) < FRAME_HEAD.size:
            return  # the writer went away without an end frame
        length, crc = FRAME_HEAD.unpack(frame_head)
        if length > MAX_FRAME:
            raise RecordingError(f"{name} is damaged (a frame of {length:,} bytes)")
        payload = _read_exactly(fh, length)
        if len(payload) < length:
            return
        if zlib.crc32(payload) != crc:
            raise RecordingError(f"{name} is damaged (checksum mismatch)")
        try:
            meta, params = _split_payload(memoryview(payload))
            if "end" in meta:
                return
            p = _progress_from(meta.get("p"))
            snap = None
            if meta.get("params"):
                if len(params) != params_len:
                    raise ValueError("parameter block has the wrong size")
                snap = _snapshot(p, params, sizes, dtype, 0)
        except (ValueError, TypeError, KeyError, RecursionError) as exc:
            raise RecordingError(f"{name} is damaged ({exc})") from None
        yield p, snap


def _params_nbytes(sizes: tuple[int, ...], param_dtype: str) -> int:
    item = np.dtype(param_dtype).itemsize
    b_item = np.dtype(bias_dtype(param_dtype)).itemsize
    return sum(n_in * n_out * item + n_out * b_item for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def _read_header(data: memoryview, name: str) -> tuple[dict[str, Any], int]:
    head_len = len(MAGIC) + VERSION_FIELD.size + FRAME_HEAD.size
    if len(data) == 0:
        raise RecordingError(f"{name} is empty, not an nnviz recording; {HINT}")
    if bytes(data[: len(MAGIC)]) != MAGIC[: min(len(MAGIC), len(data))]:
        raise RecordingError(f"{name} is not an nnviz recording; {HINT}")
    if len(data) < head_len:
        raise RecordingError(
            f"{name} is cut off inside its header, so nothing in it can be "
            f"shown; record the run again"
        )
    (version,) = VERSION_FIELD.unpack_from(data, len(MAGIC))
    if version != FORMAT_VERSION:
        raise RecordingError(
            f"{name} is a recording in format version {version}; this nnviz reads version "
            f"{FORMAT_VERSION}"
            + (": update nnviz to open it" if version > FORMAT_VERSION else f"; {HINT}")
        )
    length, crc = FRAME_HEAD.unpack_from(data, len(MAGIC) + VERSION_FIELD.size)
    if length > MAX_HEADER:
        raise RecordingError(f"{name} has a damaged header; {HINT}")
    if head_len + length > len(data):
        raise RecordingError(
            f"{name} is cut off inside its header, so nothing in it can be "
            f"shown; record the run again"
        )
    blob = bytes(data[head_len : head_len + length])
    if zlib.crc32(blob) != crc:
        raise RecordingError(f"{name} has a damaged header (checksum mismatch); {HINT}")
    try:
        header = json.loads(blob, parse_int=bounded_int) if json_depth_ok(blob.decode()) else None
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise RecordingError(f"{name} has an unreadable header; {HINT}") from None
    problem = _header_problem(header)
    if problem:
        raise RecordingError(f"{name} has a malformed header ({problem}); {HINT}")
    return header, head_len + length


def _header_problem(header: object) -> str | None:
    if not isinstance(header, dict):
        return "not a JSON object"
    sizes = header.get("sizes")
    if (
        not isinstance(sizes, list)
        or len(sizes) < 2
        or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 1 for s in sizes)
    ):
        return f"layer sizes {sizes!r} are not a list of at least two positive whole numbers"[:200]
    try:
        check_size_limits(sizes)
    except ValueError as exc:
        return str(exc)
    if header.get("param_dtype", "float16") not in PARAM_DTYPES:
        return f"unknown parameter type {header.get('param_dtype')!r}"
    return None


def _progress_from(d: object) -> Progress:
    if not isinstance(d, dict):
        raise ValueError("record is not an object")
    kwargs = {k: v for k, v in d.items() if k in PROGRESS_FIELDS}  # newer fields are ignored
    p = Progress(**kwargs)
    if not isinstance(p.kind, str) or not isinstance(p.epoch, int):
        raise ValueError("record has wrong field types")
    return p


def read_recording(path: str | os.PathLike[str], run_id: int = 0) -> Recording:
    """Read a recording; damage after the header gives the good prefix and ``damaged`` set.

    Raises RecordingError when the file is missing, is not a recording (wrong magic), comes
    from an unknown format version, or its header is cut off or corrupt.
    """
    path = check_regular_file(path, RecordingError, HINT)
    name = path.name
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(MAGIC))
            if not head or head != MAGIC[: len(head)] or len(head) < len(MAGIC):
                raw: bytes | mmap.mmap = head  # empty, short or not ours: no more is read
            else:
                # Mapped, not read: frames are paged in as they are looked at, so memory
                # never follows the file's size (a sparse 20 GiB file cost its 20 GiB).
                raw = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except FileNotFoundError:
        raise RecordingError(f"{path}: no such file; {HINT}") from None
    except IsADirectoryError:
        raise RecordingError(f"{path} is a folder; {HINT}") from None
    except OSError as exc:
        raise RecordingError(f"{path} could not be read ({exc.strerror or exc})") from None
    data = memoryview(raw)
    header, pos = _read_header(data, name)
    sizes = tuple(header["sizes"])
    param_dtype = header.get("param_dtype", "float16")
    params_len = _params_nbytes(sizes, param_dtype)
    max_frame = min(MAX_FRAME, params_len + MAX_HEADER)  # parameters and a record's JSON
    frames = _Frames(sizes, param_dtype, run_id)
    records: list[Progress] = []
    frame_records: list[int] = []
    damaged: str | None = None
    ended = False
    end = len(data)
    while pos < end:
        problem = None
        if end - pos < FRAME_HEAD.size:
            problem = "cut off"
        else:
            length, crc = FRAME_HEAD.unpack_from(data, pos)
            if length > max_frame or pos + FRAME_HEAD.size + length > end:
                problem = "cut off"
            else:
                payload = data[pos + FRAME_HEAD.size : pos + FRAME_HEAD.size + length]
                if zlib.crc32(payload) != crc:
                    problem = "corrupt"
        if problem is None:
            try:
                meta, params = _split_payload(payload)
                if "end" in meta:
                    ended = True
                    pos += FRAME_HEAD.size + length
                    break
                p = _progress_from(meta.get("p"))
                if meta.get("params"):
                    if len(params) != params_len:
                        raise ValueError("parameter block has the wrong size")
                    frames._append(p, params)
                    frame_records.append(len(records))
                elif len(params):
                    raise ValueError("unexpected bytes after the record")
            except (
                ValueError,
                TypeError,
                KeyError,
                UnicodeDecodeError,
                struct.error,
                OverflowError,
                RecursionError,
            ):
                problem = "corrupt"
        if problem is not None:
            damaged = _damage_message(name, len(records), problem, records, len(frames))
            break
        records.append(p)
        pos += FRAME_HEAD.size + length
    if damaged is None and not ended:
        damaged = _damage_message(name, len(records), "unfinished", records, len(frames))
    return Recording(header, frames, tuple(records), damaged, tuple(frame_records), path)


def _split_payload(payload: memoryview) -> tuple[dict[str, Any], memoryview]:
    (js_len,) = U32.unpack_from(payload, 0)
    if U32.size + js_len > len(payload):
        raise ValueError("record length is wrong")
    text = bytes(payload[U32.size : U32.size + js_len]).decode()
    if not json_depth_ok(text, 8):
        raise ValueError("record nests too deeply")
    meta = json.loads(text, parse_int=bounded_int)  # NaN costs are ours: allowed
    if not isinstance(meta, dict):
        raise ValueError("record is not an object")
    return meta, payload[U32.size + js_len :]


def _damage_message(
    name: str, good: int, problem: str, records: list[Progress], snapshots: int
) -> str:
    # "frames" are the file's records; the replay counts only those with parameters
    # ("snapshots"), so say both.
    epochs_done = sum(1 for p in records if p.kind == EPOCH)
    reach = (
        f" ({snapshots} snapshot{'s' if snapshots != 1 else ''}, {epochs_done} complete "
        f"epoch{'s' if epochs_done != 1 else ''})"
    )
    if problem == "unfinished":
        return (
            f"the recording {name} ends without its closing frame after frame {good}: it "
            f"was not finished properly (training or the app stopped while recording); "
            f"showing the {good} frames it holds{reach}"
        )
    what = "cut off" if problem == "cut off" else "damaged"
    return (
        f"the recording {name} is {what} after frame {good}; showing the first {good} "
        f"frames{reach}. Record the run again for the rest"
    )


def describe(rec: Recording) -> str:
    """One line about a recording, e.g. for ``nnviz open --check``."""
    h = rec.header
    last = next((p for p in reversed(rec.progress_records) if p.kind == EPOCH), None)
    acc = ""
    if last is not None and last.test_correct is not None:
        acc = f", last epoch {last.epoch}: {last.test_correct} / {last.test_total}"
    ended = next(
        (p.kind for p in reversed(rec.progress_records) if p.kind in (DONE, DIVERGED)), None
    )
    state = {"done": ", finished", "diverged": ", diverged"}.get(ended or "", "")
    eta = h.get("eta")
    eta_s = f"{eta:g}" if isinstance(eta, int | float) and math.isfinite(eta) else str(eta)
    return (
        f"recording: {h.get('dataset', '?')} {list(rec.sizes)}, eta {eta_s}, "
        f"mini-batch {h.get('batch_size', '?')}, seed {h.get('seed')}, "
        f"{len(rec.frames)} snapshots, {len(rec.epoch_records())} / {rec.epochs} epochs"
        f"{acc}{state}"
    )
