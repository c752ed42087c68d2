"""Showing a recording in the studio's canvas and plots in place of the live run."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from nnviz.core.files.recording import Recording, read_recording
from nnviz.core.learning.snapshot import Snapshot
from nnviz.ui.canvas.view import NetworkCanvas
from nnviz.ui.training.plots import TrainingPlots
from nnviz.ui.training.replay import ReplayBar, ReplayController


def read_replayable(path: str | Path) -> Recording:
    """A recording that has frames to show; raises RecordingError or ValueError otherwise."""
    recording = read_recording(path)
    if not recording.frames:
        raise ValueError(f"{Path(path).name} holds no snapshots to show")
    return recording


class ReplayMode(QObject):
    """Drives the canvas, plots and replay bar from a recording, then hands them back.

    Entering builds a :class:`ReplayController` for the recording; every frame it shows
    goes out through ``frame_shown`` (the studio shows it without touching the live run),
    and the plots are rebuilt up to the frame shown, also when scrubbing backwards.
    """

    frame_shown = Signal(object)  # Snapshot

    def __init__(
        self,
        canvas: NetworkCanvas,
        plots: TrainingPlots,
        bar: ReplayBar,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.canvas, self.plots, self.bar = canvas, plots, bar
        self.controller: ReplayController | None = None
        self._plotted = -1

    @property
    def active(self) -> bool:
        return self.controller is not None

    def enter(self, recording: Recording) -> None:
        """Show ``recording`` from its first frame (leave any replay first)."""
        self.leave()
        controller = ReplayController(recording, self)
        controller.frame_shown.connect(self._on_frame)
        controller.position_changed.connect(self._on_seek)
        self.controller = controller
        self.bar.set_controller(controller)
        self.bar.show()
        first = recording.frames[0]
        self.canvas.set_network(first.sizes, first.weights, first.biases)
        self._plotted = -1
        controller.seek(0)

    def leave(self) -> bool:
        """Stop the replay; True if there was one (the caller then restores the live views)."""
        if self.controller is None:
            return False
        self.controller.stop()
        self.controller.deleteLater()
        self.controller = None
        self.bar.set_controller(None)
        self.bar.hide()
        return True

    def stop(self) -> None:
        """Stop playback (the window is closing)."""
        if self.controller is not None:
            self.controller.stop()

    @Slot(object)
    def _on_frame(self, snap: Snapshot) -> None:
        self.frame_shown.emit(snap)

    @Slot(int)
    def _on_seek(self, index: int) -> None:
        if self.controller is None:
            return
        records = self.controller.records_until(index)
        if index < self._plotted or self._plotted < 0:
            self.plots.clear()
            self.plots.extend(r for r in records if r.examples_seen)
        else:
            done = len(self.controller.records_until(self._plotted))
            self.plots.extend(r for r in records[done:] if r.examples_seen)
        self._plotted = index
