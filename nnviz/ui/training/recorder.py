"""Recording the live run to a file, for the studio (Record Run, Ctrl+Shift+R)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from nnviz.core.files.recording import Recorder, RecordingWriter, make_header
from nnviz.core.learning.run import RunSpec
from nnviz.core.learning.snapshot import Snapshot


class RunRecorder(QObject):
    """Writes one run's records and snapshots to a recording file while it trains.

    The studio hands it every worker update; a write error ends the recording (the part
    written so far is removed) and is reported through ``failed``, never raised.
    """

    logged = Signal(str)  # a line for the studio's log
    failed = Signal(str)  # the recording stopped on an error; the message says what to do
    started = Signal(str)  # the file being written
    ended = Signal(object)  # the finished file (Path), or None when it failed

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._recorder: Recorder | None = None

    @property
    def active(self) -> bool:
        return self._recorder is not None

    def start(
        self, path: str | Path, settings: RunSpec | None, on_screen: Snapshot | None = None
    ) -> None:
        """Record from now on to ``path``, starting with the snapshot on screen, if any.

        Raises ValueError without a run and OSError if the file cannot be created; nothing
        changes then.
        """
        if settings is None:
            raise ValueError("there is no run to record yet")
        self.stop()
        header = make_header(settings)
        self._recorder = Recorder(RecordingWriter(path, header))
        if on_screen is not None:
            self._recorder.add(on_screen.progress, on_screen)
        self.logged.emit(f"Recording to {path}")
        self.started.emit(str(path))

    def add(self, records, snapshot: Snapshot | None) -> None:
        """Add one worker update (its records and its snapshot, if it has one)."""
        if self._recorder is None:
            return
        try:
            self._recorder.add_update(records, snapshot)
        except OSError as exc:
            self._recorder.abort()
            self._recorder = None
            self.ended.emit(None)
            self.failed.emit(
                f"Recording stopped: {exc}. Choose a folder with free space "
                "and start recording again."
            )

    def stop(self) -> Path | None:
        """Finish the file (atomically) and return its path; None if nothing was recording.

        Raises OSError if the file cannot be finished.
        """
        rec, self._recorder = self._recorder, None
        if rec is None:
            return None
        try:
            path = rec.close()
        except OSError:
            self.ended.emit(None)
            raise
        self.logged.emit(f"Recording saved: {path}")
        self.ended.emit(path)
        return path
