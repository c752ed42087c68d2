"""Replaying a recording: a controller that shows its snapshots over time, and a bar to drive it.

``ReplayController`` owns a loaded :class:`~nnviz.core.files.recording.Recording` and emits
``frame_shown(Snapshot)`` whenever the shown frame changes: on ``seek``, and while playing,
driven by a QTimer in the GUI thread (nothing is recomputed, so no worker thread is needed).
The views that show a live run (canvas, plots) show a replay the same way; when the user
scrubs backwards, ``records_until(i)`` gives every record up to frame ``i`` so the plots can be
rebuilt to that moment.

Playback time is a clock, not a frame counter: each frame has a replay time stamp for the
chosen speed and every tick shows the newest frame whose stamp has passed, skipping frames if
painting falls behind. So "30 s for the whole run" takes 30 s however slow the machine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QElapsedTimer, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.files.recording import Recording, read_recording
from nnviz.core.learning.snapshot import DONE, EPOCH, Progress, Snapshot

TICK_MS = 15  # timer period; frames are chosen by the clock, so this only bounds latency


@dataclass(frozen=True)
class ReplaySpeed:
    """How fast to replay: exactly one of the three is set.

    ``whole_run_seconds``: the whole recording takes this long, evenly per frame.
    ``real_time``: a multiple of the speed the run trained at (its ``Progress.seconds``).
    ``fps``: a fixed number of frames per second.
    """

    label: str
    whole_run_seconds: float | None = None
    real_time: float | None = None
    fps: float | None = None

    def timestamps(self, records: list[Progress]) -> np.ndarray:
        """Replay time (seconds from the first frame) of each frame's record."""
        n = len(records)
        if n == 0:
            return np.empty(0)
        if self.whole_run_seconds is not None:
            return np.linspace(0.0, float(self.whole_run_seconds), n) if n > 1 else np.zeros(1)
        if self.fps is not None:
            return np.arange(n) / float(self.fps)
        t = np.array([p.seconds for p in records], dtype=float)
        t = np.nan_to_num(t, nan=0.0)
        t = np.maximum.accumulate(t - t[0])  # edits and resumed runs must not step back
        return t / float(self.real_time or 1.0)


SPEEDS: tuple[ReplaySpeed, ...] = (
    ReplaySpeed("30 s for the whole run", whole_run_seconds=30),
    ReplaySpeed("10 s for the whole run", whole_run_seconds=10),
    ReplaySpeed("60 s for the whole run", whole_run_seconds=60),
    ReplaySpeed("1x (as it trained)", real_time=1),
    ReplaySpeed("2x", real_time=2),
    ReplaySpeed("5x", real_time=5),
    ReplaySpeed("0.5x", real_time=0.5),
    ReplaySpeed("2 frames per second", fps=2),
    ReplaySpeed("10 frames per second", fps=10),
)


def epoch_text(p: Progress, total_epochs: int, last_epoch: Progress | None = None) -> str:
    """``"epoch 12 / 30"`` (1-based: the epoch being trained, or just finished), followed by the
    test accuracy of ``last_epoch`` (the latest finished epoch) when it is known."""
    total = max(total_epochs, p.epoch + 1)
    if p.examples_seen == 0:
        return f"start: epoch 0 / {total}"
    text = (
        f"done: epoch {p.epoch + 1} / {total}"
        if p.kind == DONE
        else (f"epoch {p.epoch + 1} / {total}")
    )
    if p.kind == EPOCH:
        last_epoch = p
    if last_epoch is not None and last_epoch.test_accuracy is not None:
        text += f"  ·  {100 * last_epoch.test_accuracy:.2f}% test"
        if last_epoch is not p and p.kind != DONE:
            text += f" after epoch {last_epoch.epoch + 1}"
    return text


class ReplayController(QObject):
    """Shows a recording's snapshot frames one at a time; play, pause, seek, change speed."""

    frame_shown = Signal(object)  # Snapshot
    position_changed = Signal(int)  # frame index
    playing_changed = Signal(bool)
    finished = Signal()  # playback reached the last frame

    def __init__(self, recording: Recording, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._recording = recording
        self._position = 0
        self._speed = SPEEDS[0]
        self._frame_records = [s.progress for s in recording.frames]
        self._stamps = self._speed.timestamps(self._frame_records)
        self._epoch_index = np.array(
            [k for k, p in enumerate(recording.progress_records) if p.kind == EPOCH], dtype=int
        )
        self._clock_base = 0.0  # replay time at the moment the elapsed timer started
        self._elapsed = QElapsedTimer()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._on_tick)

    @classmethod
    def from_file(
        cls, path: str | os.PathLike[str], parent: QObject | None = None
    ) -> ReplayController:
        """Read a recording (RecordingError if it is not one; see ``recording.damaged``)."""
        return cls(read_recording(path), parent)

    # -- state ----------------------------------------------------------------------------
    @property
    def recording(self) -> Recording:
        return self._recording

    @property
    def frame_count(self) -> int:
        return len(self._recording.frames)

    @property
    def position(self) -> int:
        return self._position

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    @property
    def speed(self) -> ReplaySpeed:
        return self._speed

    def frame(self, i: int) -> Snapshot:
        return self._recording.frames[i]

    def records_until(self, i: int) -> list[Progress]:
        """Every record (cost points and epoch ends) up to and including frame ``i``'s."""
        return self._recording.records_until(i)

    def last_epoch_before(self, i: int) -> Progress | None:
        """The latest EPOCH record at or before frame ``i``, or None before the first one."""
        if not self.frame_count:
            return None
        upto = self._recording.frame_records[min(max(0, i), self.frame_count - 1)]
        k = int(np.searchsorted(self._epoch_index, upto, side="right")) - 1
        return None if k < 0 else self._recording.progress_records[self._epoch_index[k]]

    def duration(self) -> float:
        """Seconds the whole replay takes at the current speed."""
        return float(self._stamps[-1]) if len(self._stamps) else 0.0

    # -- commands -------------------------------------------------------------------------
    def seek(self, i: int) -> None:
        """Show frame ``i`` (clamped to the recording); playback continues from there."""
        if self.frame_count == 0:
            return
        i = min(max(0, int(i)), self.frame_count - 1)
        self._clock_base = float(self._stamps[i])
        self._elapsed.restart()
        self._show(i)

    def step(self, delta: int) -> None:
        """Move ``delta`` frames forward (or back when negative)."""
        self.seek(self._position + delta)

    def set_speed(self, speed: ReplaySpeed | float) -> None:
        """Change speed; a number means frames per second. Keeps the current frame."""
        if not isinstance(speed, ReplaySpeed):
            fps = float(speed)
            if not np.isfinite(fps) or fps <= 0:
                raise ValueError(
                    f"replay speed must be a positive number of frames per second, got {speed!r}"
                )
            speed = ReplaySpeed(f"{fps:g} frames per second", fps=fps)
        self._speed = speed
        self._stamps = speed.timestamps(self._frame_records)
        if self.frame_count:
            self._clock_base = float(self._stamps[self._position])
            self._elapsed.restart()

    def play(self, speed: ReplaySpeed | float | None = None) -> None:
        """Play from the current frame (from the start if at the end) at ``speed``."""
        if speed is not None:
            self.set_speed(speed)
        if self.frame_count < 2:
            if self.frame_count:
                self.seek(0)
            self.finished.emit()
            return
        if self._position >= self.frame_count - 1:
            self.seek(0)
        else:
            self._clock_base = float(self._stamps[self._position])
            self._elapsed.restart()
        if not self._timer.isActive():
            self._timer.start()
            self.playing_changed.emit(True)

    def pause(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self.playing_changed.emit(False)

    def toggle(self) -> None:
        if self.playing:
            self.pause()
        else:
            self.play()

    def stop(self) -> None:
        """Pause; for symmetry with the live worker when the replay is closed."""
        self.pause()

    # -- internals ------------------------------------------------------------------------
    def _show(self, i: int) -> None:
        self._position = i
        self.frame_shown.emit(self._recording.frames[i])
        # emitted even for the same frame: it re-syncs a slider the user is dragging
        self.position_changed.emit(i)

    @Slot()
    def _on_tick(self) -> None:
        clock = self._clock_base + self._elapsed.elapsed() / 1000.0
        target = int(np.searchsorted(self._stamps, clock, side="right")) - 1
        last = self.frame_count - 1
        target = min(max(target, 0), last)
        if target > self._position:
            self._show(target)
        if self._position >= last:
            self.pause()
            self.finished.emit()


class ReplayBar(QWidget):
    """Play/pause, a timeline to scrub, a speed menu, "epoch 12 / 30" and "Back to live"."""

    back_to_live = Signal()

    def __init__(self, controller: ReplayController | None = None, parent=None) -> None:
        super().__init__(parent)
        self.controller: ReplayController | None = None
        self._syncing = False
        self.play_button = QPushButton("Play")
        self.play_button.setToolTip("Play or pause the replay (Space)")
        self.play_button.clicked.connect(self._on_play_clicked)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setToolTip("Drag to scrub through the recorded run")
        self.slider.valueChanged.connect(self._on_slider_moved)
        self.slider.setMinimumWidth(200)
        self.speed_box = QComboBox()
        for s in SPEEDS:
            self.speed_box.addItem(s.label)
        self.speed_box.setToolTip(
            "Replay speed: a fixed total time, or relative to how fast the run trained"
        )
        self.speed_box.currentIndexChanged.connect(self._on_speed_changed)
        self.epoch_label = QLabel("no recording")
        self.epoch_label.setWordWrap(True)  # on a narrow window it wraps, never widens it
        self.frame_label = QLabel("")
        self.frame_label.setStyleSheet("color:#555;")
        self.damage_label = QLabel("")
        self.damage_label.setStyleSheet("color:#b45309;")
        self.damage_label.setVisible(False)
        self.live_button = QPushButton("Back to live training")
        self.live_button.setToolTip("Leave the replay and return to the network you are training")
        self.live_button.clicked.connect(self._on_live_clicked)

        # Two rows: the controls, then where the replay is. In one row the words pushed the
        # window past a 1280-pixel screen and ran into each other in presenter mode.
        rows = QVBoxLayout(self)
        rows.setContentsMargins(4, 2, 4, 2)
        rows.setSpacing(2)
        row = QHBoxLayout()
        row.addWidget(self.play_button)
        row.addWidget(self.slider, 1)
        row.addWidget(self.speed_box)
        row.addWidget(self.live_button)
        rows.addLayout(row)
        where = QHBoxLayout()
        where.addWidget(self.epoch_label, 1)
        where.addWidget(self.frame_label)
        where.addWidget(self.damage_label)
        rows.addLayout(where)
        self.set_controller(controller)

    def set_controller(self, controller: ReplayController | None) -> None:
        """Drive ``controller`` (None: an empty, disabled bar)."""
        if self.controller is not None:
            for sig, slot in self._connections():
                sig.disconnect(slot)
        self.controller = controller
        usable = controller is not None and controller.frame_count > 0
        for w in (self.play_button, self.slider, self.speed_box):
            w.setEnabled(usable)
        if controller is None:
            self.epoch_label.setText("no recording")
            self.frame_label.setText("")
            self.damage_label.setVisible(False)
            return
        for sig, slot in self._connections():
            sig.connect(slot)
        self._syncing = True
        try:
            self.slider.setRange(0, max(0, controller.frame_count - 1))
            self.slider.setValue(controller.position)
            labels = [s.label for s in SPEEDS]
            if controller.speed.label in labels:
                self.speed_box.setCurrentIndex(labels.index(controller.speed.label))
        finally:
            self._syncing = False
        damaged = controller.recording.damaged
        self.damage_label.setText("⚠ damaged recording" if damaged else "")
        self.damage_label.setToolTip(damaged or "")
        self.damage_label.setVisible(bool(damaged))
        self._on_playing_changed(controller.playing)
        if controller.frame_count:
            self._on_position(controller.position)
        else:
            self.epoch_label.setText("the recording holds no snapshots")

    def _connections(self):
        c = self.controller
        return (
            (c.position_changed, self._on_position),
            (c.playing_changed, self._on_playing_changed),
        )

    # -- from the controller ----------------------------------------------------------------
    @Slot(int)
    def _on_position(self, i: int) -> None:
        c = self.controller
        if c is None or not c.frame_count:
            return
        self._syncing = True
        try:
            self.slider.setValue(i)
        finally:
            self._syncing = False
        p = c.frame(i).progress
        self.epoch_label.setText(epoch_text(p, c.recording.epochs, c.last_epoch_before(i)))
        self.frame_label.setText(f"snapshot {i + 1} / {c.frame_count}")
        self.slider.setToolTip(f"{p.examples_seen:,} examples seen; drag to scrub")

    @Slot(bool)
    def _on_playing_changed(self, playing: bool) -> None:
        self.play_button.setText("Pause" if playing else "Play")

    # -- from the user ----------------------------------------------------------------------
    def _on_play_clicked(self) -> None:
        if self.controller is not None:
            self.controller.toggle()

    def _on_slider_moved(self, value: int) -> None:
        if not self._syncing and self.controller is not None:
            self.controller.seek(value)

    def _on_speed_changed(self, index: int) -> None:
        if not self._syncing and self.controller is not None and 0 <= index < len(SPEEDS):
            self.controller.set_speed(SPEEDS[index])

    def _on_live_clicked(self) -> None:
        if self.controller is not None:
            self.controller.pause()
        self.back_to_live.emit()
