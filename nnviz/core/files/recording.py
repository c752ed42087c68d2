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
always stored as float32.

A [784, 30, 10] snapshot costs about 47 KB in float16; :class:`Recorder` keeps at most
``snapshots_per_epoch`` of them per epoch (plus every epoch's end), so a 30-epoch MNIST run
at the default 20 per epoch is about 29 MB.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import math
import os
import struct
import tempfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from nnviz.core.io.atomic import new_file_mode, remove_stale_parts
from nnviz.core.io.guard import bounded_int, check_regular_file, json_depth_ok
from nnviz.core.learning.network import check_size_limits
from nnviz.core.learning.run import RunSpec
from nnviz.core.learning.snapshot import CHUNK, DIVERGED, DONE, EPOCH, Progress, Snapshot

MAGIC = b"NNVIZREC"
FORMAT_VERSION = 1
SUFFIX = ".nnrec"
PARAM_DTYPES = ("float16", "float32")

_VERSION = struct.Struct("<H")
_U32 = struct.Struct("<I")
_FRAME_HEAD = struct.Struct("<II")  # payload length, crc32 of the payload
_MAX_HEADER = 1 << 20  # a header is a small JSON object; anything bigger is not ours
_MAX_FRAME = 1 << 30
_F16_MAX = float(np.finfo(np.float16).max)
_PROGRESS_FIELDS = {f.name for f in dataclasses.fields(Progress)}
_HINT = "choose a .nnrec file recorded by nnviz (Record in the app, or nnviz train --record)"


class RecordingError(ValueError):
    """A file that is not a readable recording at all; the message says why and what to do."""


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def make_header(run: RunSpec, **extra: Any) -> dict[str, Any]:
    """The JSON header of a recording: the run's settings (:meth:`RunSpec.to_dict`: what was
    trained, on what, in which precision) and ``extra`` keys (e.g. ``train_limit``,
    ``title``), stored as given; they must be JSON-ready."""
    header = run.to_dict()
    header.update(extra)
    return header


def _progress_dict(p: Progress) -> dict[str, Any]:
    return dataclasses.asdict(p)


def _encode_frame(
    p: Progress | None, snapshot: Snapshot | None, param_dtype: str, end: int | None = None
) -> bytes:
    if end is not None:
        meta: dict[str, Any] = {"end": end}
    else:
        assert p is not None
        meta = {"p": _progress_dict(p), "params": snapshot is not None}
    # NaN (cost before the first batch, diverged runs) is written as the JSON extension NaN,
    # which Python's json reads back unchanged.
    js = json.dumps(meta, separators=(",", ":")).encode()
    parts = [_U32.pack(len(js)), js]
    if snapshot is not None:
        for w, b in zip(snapshot.weights, snapshot.biases):
            w = np.asarray(w)
            if param_dtype == "float16":
                w = np.clip(w, -_F16_MAX, _F16_MAX)  # keep finite values finite; NaN stays NaN
            parts.append(np.ascontiguousarray(w, dtype=param_dtype).tobytes())
            parts.append(np.ascontiguousarray(b, dtype=np.float32).tobytes())
    payload = b"".join(parts)
    return _FRAME_HEAD.pack(len(payload), zlib.crc32(payload)) + payload


class RecordingWriter:
    """Appends frames to a temporary file beside ``path``; :meth:`close` renames it into place.

    The temporary file (``.<name>.*.part`` in the same folder) is a valid, readable recording
    at every moment except for the last frame being written, so even a crash leaves something
    :func:`read_recording` can show. ``header`` must hold ``sizes`` (see :func:`make_header`).
    Usable as a context manager: leaving the block normally closes, an exception aborts.
    """

    def __init__(
        self, path: str | os.PathLike[str], header: dict[str, Any], param_dtype: str = "float16"
    ) -> None:
        if param_dtype not in PARAM_DTYPES:
            raise ValueError(f"param_dtype must be one of {PARAM_DTYPES}, got {param_dtype!r}")
        if "sizes" not in header:
            raise ValueError("a recording header needs the layer sizes ('sizes')")
        self.path = Path(path)
        self.param_dtype = param_dtype
        self.sizes = tuple(int(s) for s in header["sizes"])
        self.header = {
            **header,
            "format": "nnviz-recording",
            "param_dtype": param_dtype,
            "bias_dtype": "float32",
        }
        blob = json.dumps(self.header).encode()
        if len(blob) > _MAX_HEADER:
            raise ValueError("recording header is too large (keep it to settings, not data)")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_parts(self.path.parent)
        fd, tmp = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".part", dir=self.path.parent
        )
        self.temp_path = Path(tmp)
        self._fh: BinaryIO | None = os.fdopen(fd, "wb")
        self.frames = 0
        self.snapshot_frames = 0
        try:
            self._fh.write(
                MAGIC
                + _VERSION.pack(FORMAT_VERSION)
                + _FRAME_HEAD.pack(len(blob), zlib.crc32(blob))
                + blob
            )
        except BaseException:
            self.abort()
            raise

    @property
    def closed(self) -> bool:
        return self._fh is None

    @property
    def bytes_written(self) -> int:
        """Size of the recording so far (the temporary file while open)."""
        if self._fh is not None:
            return self._fh.tell()
        return self.path.stat().st_size if self.path.exists() else 0

    def write(self, progress: Progress, snapshot: Snapshot | None = None) -> None:
        """Append one record, with the parameters of ``snapshot`` when given."""
        if self._fh is None:
            raise ValueError("the recording is already closed")
        if snapshot is not None and tuple(snapshot.sizes) != self.sizes:
            raise ValueError(
                f"snapshot sizes {list(snapshot.sizes)} differ from the recording's "
                f"{list(self.sizes)}"
            )
        self._fh.write(_encode_frame(progress, snapshot, self.param_dtype))
        self.frames += 1
        if snapshot is not None:
            self.snapshot_frames += 1
            # Parameters are the expensive part; push them to the OS so a crash loses little.
            self._fh.flush()

    def close(self) -> Path:
        """Write the end frame, then atomically rename the temporary file to ``path``."""
        if self._fh is None:
            return self.path
        fh, self._fh = self._fh, None
        try:
            fh.write(_encode_frame(None, None, self.param_dtype, end=self.frames))
            fh.flush()
            os.fsync(fh.fileno())
            fh.close()
            os.chmod(self.temp_path, new_file_mode(self.path))
            os.replace(self.temp_path, self.path)
        except BaseException:
            with contextlib.suppress(OSError):  # closing a file on a full disk fails again
                fh.close()
            self.temp_path.unlink(missing_ok=True)
            raise
        return self.path

    def abort(self) -> None:
        """Throw the recording away: close and delete the temporary file."""
        fh, self._fh = self._fh, None
        if fh is not None:
            with contextlib.suppress(OSError):
                fh.close()
        self.temp_path.unlink(missing_ok=True)

    def __enter__(self) -> RecordingWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


class Recorder:
    """Which records to keep and when to store parameters, on top of a :class:`RecordingWriter`.

    Every non-CHUNK record (EPOCH, DONE, DIVERGED, hand edits) is written, with parameters
    whenever a snapshot taken at it is given. CHUNK records are written as cost points
    (``keep_chunks``), and carry parameters only at ``snapshots_per_epoch - 1`` evenly spaced
    points of each epoch (by mini-batches done), so with the epoch's end an epoch holds at
    most ``snapshots_per_epoch`` parameter frames. The first record (the untrained network)
    always gets parameters.

    Driving it: from a training loop, ``add(p, Snapshot.capture(net, p) if
    wants_snapshot(p) else None)`` (what ``nnviz train --record`` does); from the GUI,
    ``add_update(update.records, update.snapshot)`` with what the TrainingWorker hands over.
    The worker throttles snapshots to ~30 a second, so there an evenly spaced point or an
    epoch's end gets parameters only if a snapshot was taken at it; the records are all kept.
    """

    def __init__(
        self, writer: RecordingWriter, snapshots_per_epoch: int = 20, keep_chunks: bool = True
    ) -> None:
        if snapshots_per_epoch < 1:
            raise ValueError("snapshots_per_epoch must be at least 1")
        self.writer = writer
        self.snapshots_per_epoch = int(snapshots_per_epoch)
        self.keep_chunks = keep_chunks
        self._slot: tuple[int, int] | None = None  # (epoch, last slot given parameters)
        self._held: Progress | None = None  # newest GUI record, waiting for its snapshot

    def chunk_for(self, batches_per_epoch: int) -> int:
        """A CHUNK size (mini-batches per record) that lands records on the snapshot points."""
        return max(1, batches_per_epoch // (4 * self.snapshots_per_epoch))

    def _slot_of(self, p: Progress) -> int:
        if p.batches_per_epoch <= 0:
            return 0
        return p.batch * self.snapshots_per_epoch // p.batches_per_epoch

    def wants_snapshot(self, p: Progress) -> bool:
        """True when ``p`` should be stored with parameters (pure: changes nothing)."""
        if self._slot is None or p.kind != CHUNK:
            return True
        epoch, last = self._slot
        slot = self._slot_of(p)
        if slot >= self.snapshots_per_epoch:
            return False  # the epoch's end record takes the last slot
        return p.epoch != epoch or slot > last

    def add(self, p: Progress, snapshot: Snapshot | None = None) -> bool:
        """Write ``p``; store ``snapshot``'s parameters if the policy wants them here.

        ``snapshot`` should have been captured at ``p``. Returns True when parameters were
        stored.
        """
        wanted = snapshot is not None and self.wants_snapshot(p)
        if not wanted and p.kind == CHUNK and not self.keep_chunks and self._slot is not None:
            return False
        self.writer.write(p, snapshot if wanted else None)
        if wanted:
            if p.kind == CHUNK or self._slot is None:
                self._slot = (p.epoch, self._slot_of(p))
            elif p.kind == EPOCH:
                # The epoch's end also shows the start of the next one: slot 0 there is taken.
                self._slot = (p.epoch + 1, 0)
            # Hand edits and final records leave the evenly spaced slots alone.
        return wanted

    def add_update(self, records: Sequence[Progress], snapshot: Snapshot | None) -> None:
        """Feed what a GUI took from the training worker: records plus the newest snapshot.

        The snapshot is attached to the record it was captured at (its ``progress``). The
        worker may deliver a record first and its snapshot in a later update (when it pauses
        at an epoch end, say), so the newest record is held back until the next update.
        """
        held, self._held = self._held, None
        if held is not None:
            attach = snapshot is not None and snapshot.progress is held
            self.add(held, snapshot if attach else None)
            if attach:
                snapshot = None
        records = list(records)
        for rec in records[:-1]:
            self.add(rec, snapshot if snapshot is not None and snapshot.progress is rec else None)
        if records:
            last = records[-1]
            if snapshot is not None and snapshot.progress is last:
                self.add(last, snapshot)
            else:
                self._held = last

    def close(self) -> Path:
        if self._held is not None:
            held, self._held = self._held, None
            self.add(held)
        return self.writer.close()

    def abort(self) -> None:
        self.writer.abort()


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recording:
    """A recording read back.

    ``progress_records``: every record in order. ``frames``: the records that carry
    parameters, as Snapshots (weights upcast to float32). ``frame_records[i]`` is the index in
    ``progress_records`` of ``frames[i]``'s record. ``damaged``: None, or a message saying
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
        weights, biases, off = [], [], 0
        for n_in, n_out in zip(self._sizes[:-1], self._sizes[1:]):
            w = np.frombuffer(buf, self._dtype, n_out * n_in, off).reshape(n_out, n_in)
            off += w.nbytes
            b = np.frombuffer(buf, np.float32, n_out, off).reshape(n_out, 1)
            off += b.nbytes
            weights.append(w.astype(np.float32))
            biases.append(b.copy())
        for a in (*weights, *biases):
            a.setflags(write=False)
        return Snapshot(p, self._sizes, tuple(weights), tuple(biases), self._run_id)

    def __iter__(self) -> Iterator[Snapshot]:
        for i in range(len(self)):
            yield self[i]


def _params_nbytes(sizes: tuple[int, ...], param_dtype: str) -> int:
    item = np.dtype(param_dtype).itemsize
    return sum(n_in * n_out * item + n_out * 4 for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def _read_header(data: memoryview, name: str) -> tuple[dict[str, Any], int]:
    head_len = len(MAGIC) + _VERSION.size + _FRAME_HEAD.size
    if len(data) == 0:
        raise RecordingError(f"{name} is empty, not an nnviz recording; {_HINT}")
    if bytes(data[: len(MAGIC)]) != MAGIC[: min(len(MAGIC), len(data))]:
        raise RecordingError(f"{name} is not an nnviz recording; {_HINT}")
    if len(data) < head_len:
        raise RecordingError(
            f"{name} is cut off inside its header, so nothing in it can be "
            f"shown; record the run again"
        )
    (version,) = _VERSION.unpack_from(data, len(MAGIC))
    if version != FORMAT_VERSION:
        raise RecordingError(
            f"{name} is a recording in format version {version}; this nnviz reads version "
            f"{FORMAT_VERSION}"
            + (": update nnviz to open it" if version > FORMAT_VERSION else f"; {_HINT}")
        )
    length, crc = _FRAME_HEAD.unpack_from(data, len(MAGIC) + _VERSION.size)
    if length > _MAX_HEADER:
        raise RecordingError(f"{name} has a damaged header; {_HINT}")
    if head_len + length > len(data):
        raise RecordingError(
            f"{name} is cut off inside its header, so nothing in it can be "
            f"shown; record the run again"
        )
    blob = bytes(data[head_len : head_len + length])
    if zlib.crc32(blob) != crc:
        raise RecordingError(f"{name} has a damaged header (checksum mismatch); {_HINT}")
    try:
        header = json.loads(blob, parse_int=bounded_int) if json_depth_ok(blob.decode()) else None
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise RecordingError(f"{name} has an unreadable header; {_HINT}") from None
    problem = _header_problem(header)
    if problem:
        raise RecordingError(f"{name} has a malformed header ({problem}); {_HINT}")
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
    kwargs = {k: v for k, v in d.items() if k in _PROGRESS_FIELDS}  # newer fields are ignored
    p = Progress(**kwargs)
    if not isinstance(p.kind, str) or not isinstance(p.epoch, int):
        raise ValueError("record has wrong field types")
    return p


def read_recording(path: str | os.PathLike[str], run_id: int = 0) -> Recording:
    """Read a recording; damage after the header gives the good prefix and ``damaged`` set.

    Raises RecordingError when the file is missing, is not a recording (wrong magic), comes
    from an unknown format version, or its header is cut off or corrupt.
    """
    path = check_regular_file(path, RecordingError, _HINT)
    name = path.name
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(MAGIC))
            if head and head != MAGIC[: len(head)]:
                raw = head  # not ours: don't read a big foreign file into memory
            else:
                raw = head + fh.read()
    except FileNotFoundError:
        raise RecordingError(f"{path}: no such file; {_HINT}") from None
    except IsADirectoryError:
        raise RecordingError(f"{path} is a folder; {_HINT}") from None
    except OSError as exc:
        raise RecordingError(f"{path} could not be read ({exc.strerror or exc})") from None
    data = memoryview(raw)
    header, pos = _read_header(data, name)
    sizes = tuple(header["sizes"])
    param_dtype = header.get("param_dtype", "float16")
    params_len = _params_nbytes(sizes, param_dtype)
    frames = _Frames(sizes, param_dtype, run_id)
    records: list[Progress] = []
    frame_records: list[int] = []
    damaged: str | None = None
    ended = False
    end = len(data)
    while pos < end:
        problem = None
        if end - pos < _FRAME_HEAD.size:
            problem = "cut off"
        else:
            length, crc = _FRAME_HEAD.unpack_from(data, pos)
            if length > _MAX_FRAME or pos + _FRAME_HEAD.size + length > end:
                problem = "cut off"
            else:
                payload = data[pos + _FRAME_HEAD.size : pos + _FRAME_HEAD.size + length]
                if zlib.crc32(payload) != crc:
                    problem = "corrupt"
        if problem is None:
            try:
                meta, params = _split_payload(payload)
                if "end" in meta:
                    ended = True
                    pos += _FRAME_HEAD.size + length
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
        pos += _FRAME_HEAD.size + length
    if damaged is None and not ended:
        damaged = _damage_message(name, len(records), "unfinished", records, len(frames))
    return Recording(header, frames, tuple(records), damaged, tuple(frame_records), path)


def _split_payload(payload: memoryview) -> tuple[dict[str, Any], memoryview]:
    (js_len,) = _U32.unpack_from(payload, 0)
    if _U32.size + js_len > len(payload):
        raise ValueError("record length is wrong")
    text = bytes(payload[_U32.size : _U32.size + js_len]).decode()
    if not json_depth_ok(text, 8):
        raise ValueError("record nests too deeply")
    meta = json.loads(text, parse_int=bounded_int)  # NaN costs are ours: allowed
    if not isinstance(meta, dict):
        raise ValueError("record is not an object")
    return meta, payload[_U32.size + js_len :]


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
