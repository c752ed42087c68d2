"""The window of ``nnviz.watch``: a network of the reader's own, learning in their script.

The script's process writes a recording stream (``nnviz.core.files.recording.StreamWriter``)
to this process's stdin; a reader thread parses it and hands records over, and the window
takes what has arrived on a timer (the newest snapshot only, every record), so a fast script
never floods it. When the stream ends the window says so and stays open on the final state,
ready to save as a recording (which then opens in the app: replay, video, sessions).
"""

from __future__ import annotations

import math
import queue
import sys
import threading
import time
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.files.recording import RecordingError, RecordingWriter, read_stream
from nnviz.core.learning.snapshot import DONE, EPOCH, Progress, Snapshot
from nnviz.ui.canvas.example import ExampleView
from nnviz.ui.canvas.view import NetworkCanvas
from nnviz.ui.file_dialogs import save_file
from nnviz.ui.training.plots import TrainingPlots

DRAW_MS = 33  # take what has arrived about 30 times a second
KEEP_EVERY_S = 0.5  # snapshots kept for saving: one per half second, plus each epoch's end


class StreamReader(threading.Thread):
    """Parses the stream in the background into ``items`` (header first, then records with
    their snapshots); ``ended`` is set at its end, ``error`` says why when it was damaged."""

    def __init__(self, source: BinaryIO) -> None:
        super().__init__(name="nnviz-watch-reader", daemon=True)
        self.source = source
        self.items: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.ended = threading.Event()
        self.error: str | None = None

    def run(self) -> None:
        try:
            for item in read_stream(self.source, "the watched script's stream"):
                self.items.put(item)
        except RecordingError as exc:
            self.error = str(exc)
        except (OSError, ValueError) as exc:  # the pipe broke
            self.error = f"the stream broke ({exc})"
        finally:
            self.ended.set()


class WatchWindow(QMainWindow):
    """The canvas, the example, cost and accuracy of the watched network. ``ended`` is
    emitted when the stream has ended (the window stays)."""

    ended = Signal()

    def __init__(self, source: BinaryIO | None = None) -> None:
        super().__init__()
        self.setWindowTitle("nnviz.watch")
        self.header: dict[str, Any] | None = None
        self.snapshot: Snapshot | None = None
        self.records: list[Progress] = []
        self.kept: list[Snapshot] = []  # what Save Recording writes with the records
        self._kept_at = -math.inf
        self.finished = False
        self.examples: list[tuple[np.ndarray, int]] = []
        self.example_index = 0

        self.canvas = NetworkCanvas()
        self.canvas.setAccessibleName("The watched network: neurons and weighted connections")
        self.example = ExampleView()
        prev_button, next_button = QPushButton("◀"), QPushButton("▶")
        prev_button.setAccessibleName("Previous example")
        next_button.setAccessibleName("Next example")
        prev_button.clicked.connect(lambda: self.show_example(self.example_index - 1))
        next_button.clicked.connect(lambda: self.show_example(self.example_index + 1))
        self.example_label = QLabel("")
        nav = QHBoxLayout()
        nav.addWidget(prev_button)
        nav.addWidget(self.example_label, 1)
        nav.addWidget(next_button)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addLayout(nav)
        side_layout.addWidget(self.example, 1)
        self.plots = TrainingPlots()
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.canvas)
        top.addWidget(side)
        top.setSizes([700, 300])  # the network gets most of the width
        body = QSplitter(Qt.Orientation.Vertical)
        body.addWidget(top)
        body.addWidget(self.plots)
        body.setSizes([550, 450])
        self.setCentralWidget(body)
        self.status = QLabel("Waiting for the script's first mini-batch…")
        self.statusBar().addWidget(self.status, 1)

        menu = self.menuBar().addMenu("&File")
        self.save_action = QAction("&Save Recording As…", self)
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_action.triggered.connect(lambda: self.save_recording())
        self.save_action.setEnabled(False)
        menu.addAction(self.save_action)
        close = QAction("&Close Window", self)
        close.setShortcut(QKeySequence.StandardKey.Close)
        close.triggered.connect(self.close)
        menu.addAction(close)

        self.reader = StreamReader(source if source is not None else sys.stdin.buffer)
        self.reader.start()
        self._timer = QTimer(self)
        self._timer.setInterval(DRAW_MS)
        self._timer.timeout.connect(self.take_arrivals)
        self._timer.start()
        screen = self.screen().availableGeometry()
        self.resize(min(1200, int(screen.width() * 0.9)), min(820, int(screen.height() * 0.9)))

    # -- the stream in --------------------------------------------------------------------------
    def take_arrivals(self) -> None:
        """Everything the reader has parsed since the last call: records to the plots, the
        newest snapshot to the canvas and the example."""
        records: list[Progress] = []
        newest: Snapshot | None = None
        while True:
            try:
                item = self.reader.items.get_nowait()
            except queue.Empty:
                break
            if isinstance(item, dict):
                self._start(item)
                continue
            progress, snap = item
            records.append(progress)
            if snap is not None:
                newest = snap
                self._keep(snap)
        if records:
            self.records.extend(records)
            self.plots.extend(r for r in records if r.examples_seen or r.kind == EPOCH)
            self._update_status(records[-1])
        if newest is not None:
            self.snapshot = newest
            self.canvas.set_snapshot(newest)
            self._update_example()
        if self.reader.ended.is_set() and self.reader.items.empty() and not self.finished:
            self._on_end()

    def _start(self, header: dict[str, Any]) -> None:
        self.header = header
        title = str(header.get("title") or "nnviz.watch")
        self.setWindowTitle(f"{title} — nnviz")
        sizes = header["sizes"]
        self.canvas.set_network(
            sizes,
            [np.zeros((b, a)) for a, b in zip(sizes[:-1], sizes[1:])],
            [np.zeros((b, 1)) for b in sizes[1:]],
        )
        ex = header.get("examples") or {}
        try:
            self.examples = [
                (np.asarray(x, dtype=np.float64), int(label))
                for x, label in zip(ex.get("x", []), ex.get("labels", []))
                if len(x) == sizes[0]
            ]
        except (TypeError, ValueError):
            self.examples = []
        self.example.bars.set_names([str(i) for i in range(sizes[-1])])
        self.plots.clear()
        self.plots.accuracy_plot.add_run("")
        self.save_action.setEnabled(True)

    def _keep(self, snap: Snapshot) -> None:
        now = time.monotonic()
        if snap.progress.kind in (EPOCH, DONE) or now - self._kept_at >= KEEP_EVERY_S:
            self.kept.append(snap)
            self._kept_at = now

    def _update_status(self, p: Progress) -> None:
        batches = f"{p.batch}/{p.batches_per_epoch}" if p.batches_per_epoch else str(p.batch)
        text = f"Epoch {p.epoch}  ·  mini-batch {batches}  ·  {p.examples_seen:,} examples seen"
        if math.isfinite(p.eta):
            text += f"  ·  η = {p.eta:g}"
        last = next((r for r in reversed(self.records) if r.test_accuracy is not None), None)
        if last is not None:
            text += f"  ·  test accuracy {100 * last.test_accuracy:.2f}%"  # type: ignore[operator]
        self.status.setText(text)

    def _on_end(self) -> None:
        self.finished = True
        self._timer.stop()
        self.canvas.flush()  # the final state, now (not after the canvas's frame-rate limit)
        self.ended.emit()
        why = self.reader.error
        if self.header is None:
            self.status.setText(why or "The script ended before its first mini-batch.")
            return
        done = "The script's run has ended" if why is None else f"Stopped: {why}"
        self.status.setText(f"{done}. {self.status.text()}  ·  File > Save Recording As… keeps it")

    # -- the example ----------------------------------------------------------------------------
    def show_example(self, index: int) -> None:
        if not self.examples:
            return
        self.example_index = index % len(self.examples)
        self._update_example()

    def _update_example(self) -> None:
        snap = self.snapshot
        if snap is None or not self.examples:
            return
        x, label = self.examples[self.example_index]
        acts = snap.activations(x)
        self.canvas.set_activations(acts)
        side = int(round(math.sqrt(x.size)))
        image = x.reshape(side, side) if side * side == x.size and side > 1 else None
        self.canvas.set_input_image(image)
        self.example.set_example(image, label, acts[-1])
        self.example_label.setText(f"test example {self.example_index + 1} of {len(self.examples)}")

    # -- saving -----------------------------------------------------------------------------------
    def save_recording(self, path: str | Path | None = None) -> Path | None:
        """Write what was watched as an nnviz recording (asks where when ``path`` is None)."""
        if self.header is None:
            return None
        if path is None:
            chosen = save_file(
                self, "recording", "Save recording", "nnviz recordings (*.nnrec)", "watched.nnrec"
            )
            if not chosen:
                return None
            path = chosen if chosen.endswith(".nnrec") else chosen + ".nnrec"
        header = {k: v for k, v in self.header.items() if k not in ("examples", "format")}
        kept = {id(s.progress): s for s in self.kept}
        try:
            with RecordingWriter(path, header, "float32") as writer:
                for p in self.records:
                    writer.write(p, kept.get(id(p)))
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, "Could not save", f"{exc}\n\nChoose another folder.")
            return None
        self.status.setText(f"Saved {path}. Open it in nnviz to replay it or make a video.")
        return Path(path)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self._timer.stop()  # the script goes on: its sender sees the pipe close and stops
        super().closeEvent(event)
