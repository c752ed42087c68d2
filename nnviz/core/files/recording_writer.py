"""Writing recordings: frames appended to a temporary file as a run trains, renamed into
place when it ends (see :mod:`nnviz.core.files.recording` for the layout)."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import tempfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

import numpy as np

from nnviz.core.files.recording_format import (
    F16_MAX,
    FORMAT_VERSION,
    FRAME_HEAD,
    MAGIC,
    MAX_HEADER,
    PARAM_DTYPES,
    U32,
    VERSION_FIELD,
    bias_dtype,
)
from nnviz.core.io.atomic import new_file_mode, output_path, remove_stale_parts
from nnviz.core.learning.run import RunSpec
from nnviz.core.learning.snapshot import CHUNK, EPOCH, Progress, Snapshot

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
    parts = [U32.pack(len(js)), js]
    if snapshot is not None:
        for w, b in zip(snapshot.weights, snapshot.biases):
            w = np.asarray(w)
            if param_dtype == "float16":
                w = np.clip(w, -F16_MAX, F16_MAX)  # keep finite values finite; NaN stays NaN
            parts.append(np.ascontiguousarray(w, dtype=param_dtype).tobytes())
            parts.append(np.ascontiguousarray(b, dtype=bias_dtype(param_dtype)).tobytes())
    payload = b"".join(parts)
    return FRAME_HEAD.pack(len(payload), zlib.crc32(payload)) + payload


def _encode_header(header: dict[str, Any], param_dtype: str) -> tuple[dict[str, Any], bytes]:
    """The header as written (with the format's own keys) and the bytes that open a file."""
    if param_dtype not in PARAM_DTYPES:
        raise ValueError(f"param_dtype must be one of {PARAM_DTYPES}, got {param_dtype!r}")
    if "sizes" not in header:
        raise ValueError("a recording header needs the layer sizes ('sizes')")
    full = {
        **header,
        "format": "nnviz-recording",
        "param_dtype": param_dtype,
        "bias_dtype": bias_dtype(param_dtype),
    }
    blob = json.dumps(full).encode()
    if len(blob) > MAX_HEADER:
        raise ValueError("recording header is too large (keep it to settings, not data)")
    head = MAGIC + VERSION_FIELD.pack(FORMAT_VERSION) + FRAME_HEAD.pack(len(blob), zlib.crc32(blob))
    return full, head + blob


class StreamWriter:
    """A recording written to an open binary stream (a pipe to a window): the same bytes as a
    file, read back as they arrive by :func:`nnviz.core.files.recording.read_stream`. Writes
    block while the reader is behind; a reader that went away raises BrokenPipeError."""

    def __init__(self, fh: BinaryIO, header: dict[str, Any], param_dtype: str = "float32") -> None:
        self.header, head = _encode_header(header, param_dtype)
        self.param_dtype = param_dtype
        self._fh = fh
        self.frames = 0
        fh.write(head)
        fh.flush()

    def write(self, progress: Progress, snapshot: Snapshot | None = None) -> None:
        self._fh.write(_encode_frame(progress, snapshot, self.param_dtype))
        self._fh.flush()
        self.frames += 1

    def close(self) -> None:
        """Write the end frame and close the stream."""
        try:
            self._fh.write(_encode_frame(None, None, self.param_dtype, end=self.frames))
            self._fh.flush()
        finally:
            self._fh.close()


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
        self.header, head = _encode_header(header, param_dtype)  # checks them first
        self.path = output_path(path)  # a link's target; never a device or a FIFO
        self.param_dtype = param_dtype
        self.sizes = tuple(int(s) for s in header["sizes"])
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
            self._fh.write(head)
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

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
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
