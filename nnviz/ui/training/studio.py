"""The Training tab: pick a network, press Play, watch it learn.

The studio owns the current run: the data set, the worker thread driving SGD, and the newest
snapshot. Views (canvas, plots, example view, log) only ever receive snapshots and progress
records; the network itself lives in the worker.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QMessageBox,
    QWidget,
)

from nnviz.core.datasets.catalog import load_dataset
from nnviz.core.datasets.dataset import Dataset
from nnviz.core.datasets.mnist import find_mnist
from nnviz.core.learning.network import Network
from nnviz.core.learning.neuron import sigmoid
from nnviz.core.learning.presets import Preset, load_presets
from nnviz.core.learning.run import RunSpec
from nnviz.core.learning.snapshot import DIVERGED, DONE, EPOCH, Progress, Snapshot
from nnviz.core.learning.training import check_compatible
from nnviz.ui.jobs import Job
from nnviz.ui.pages import restore_tabs, tab_states
from nnviz.ui.settings import settings as settings_store
from nnviz.ui.training.banner import RunBanner, diagnose_run
from nnviz.ui.training.network_files import network_from, open_run_network, save_run_network
from nnviz.ui.training.recorder import RunRecorder
from nnviz.ui.training.replay import ReplayController
from nnviz.ui.training.replay_mode import ReplayMode, read_replayable
from nnviz.ui.training.studio_layout import LIVE_RATE, build_layout
from nnviz.ui.training.worker import EDIT, PAUSED, PLAYING, TrainingWorker

DOWNLOAD_ACTION = ("Download MNIST (11 MB)", "download")
SLOW_VIEWS_MS = 200  # while training at full speed, cost plot, accuracy plot and example +
# heatmap take turns refreshing on this timer (each about 1.7 times a second)
SHUTDOWN_WAIT_MS = 30_000  # the longest a close waits for a run's thread or a data load
SPEED_WINDOW_S = 1.0  # examples/s is measured over about this much wall-clock time


class WallClockRate:
    """Examples a second by the wall clock, measured over windows of about ``window_s``.

    ``update(examples_seen)`` returns the latest full window's rate, or None before the first
    window has passed. A count that goes backwards (a new run) starts afresh.
    """

    def __init__(self, window_s: float, clock=time.perf_counter) -> None:
        self.window_s = window_s
        self._clock = clock
        self.reset()

    def reset(self) -> None:
        self._mark: tuple[float, int] | None = None
        self._rate: float | None = None

    def update(self, examples_seen: int) -> float | None:
        now = self._clock()
        mark = self._mark
        if mark is None or examples_seen < mark[1]:
            self._mark, self._rate = (now, examples_seen), None
        elif now - mark[0] >= self.window_s:
            self._rate = (examples_seen - mark[1]) / (now - mark[0])
            self._mark = (now, examples_seen)
        return self._rate


class TrainingStudio(QWidget):
    """The live training view. Public methods are what menus, shortcuts and tests drive."""

    status_changed = Signal(str)
    run_state_changed = Signal(bool)  # playing?
    snapshot_shown = Signal(object)  # Snapshot, for other views (explore tabs)
    banner_action = Signal(str)  # the banner's button: "download" (MNIST)
    dataset_changed = Signal(object)  # Dataset
    run_settings_changed = Signal(object)  # RunSpec of the run just set up
    example_changed = Signal(int)  # index of the test example shown

    page_id = "training"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.presets = load_presets()
        self.dataset: Dataset | None = None
        self._dataset_key: str | None = None
        self.settings: RunSpec | None = None
        self.worker: TrainingWorker | None = None
        self.snapshot: Snapshot | None = None
        self.start_epoch = 0
        self._run_counter = 0
        self._loaded_network: tuple[Network, int] | None = None
        self._data_job: Job | None = None
        self._shut_down = False  # closing: start no new work (a deferred start may come later)
        self._pending_play = False
        self._preset_key: str | None = None  # the preset the current run came from
        self._example_index = 0
        self._image_shown: tuple | None = None
        self._records_seen = 0
        self._speed = WallClockRate(SPEED_WINDOW_S)
        # Records for the plots, handed over at the slow views' pace.
        self._pending_cost: list[Progress] = []
        self._pending_epochs: list[Progress] = []
        self._views_snapshot: Snapshot | None = None
        self.recorder = RunRecorder(self)
        self.recorder.logged.connect(self._log)
        self.recorder.failed.connect(self._on_recording_failed)
        self._live_records: list[Progress] = []  # this run's records, to restore after replay
        self._restore_history: tuple[list[Progress], str] | None = None  # from a session
        self.replay_path: Path | None = None  # the recording being replayed
        self._live_snapshot: Snapshot | None = None
        self._build()
        self.replay_mode = ReplayMode(self.canvas, self.plots, self.replay_bar, self)
        self.replay_mode.frame_shown.connect(self._on_replay_frame)
        self._slow_views = QTimer(self)
        self._slow_views.setInterval(SLOW_VIEWS_MS)
        self._slow_turn = 0
        self._slow_views.timeout.connect(self._on_slow_tick)
        self._slow_views.start()
        # Pick the first experiment (and load its data) once the window is on screen, so it
        # shows at once.
        QTimer.singleShot(0, self, self._start_when_shown)

    # -- layout --------------------------------------------------------------------------
    def _build(self) -> None:
        build_layout(self)  # the widgets (nnviz.ui.training.studio_layout)
        # What the widgets do:
        c = self.controls
        self.messages = RunBanner(self.banner, self.banner_button, self)
        self.messages.action.connect(self._on_banner_button)
        self.grid_box.toggled.connect(self._on_grid_toggled)
        self.replay_bar.back_to_live.connect(self.leave_replay)
        c.play_toggled.connect(self.toggle_play)
        c.step_clicked.connect(self.step)
        c.step_epoch_clicked.connect(self.step_epoch)
        c.reset_clicked.connect(self.reset)
        c.preset_chosen.connect(self.apply_preset)
        c.settings_edited.connect(self._on_settings_edited)
        c.eta_edited.connect(self._on_eta_edited)
        c.speed_changed.connect(self._on_speed_changed)
        self.prev_button.clicked.connect(lambda: self.show_example(self._example_index - 1))
        self.next_button.clicked.connect(lambda: self.show_example(self._example_index + 1))
        self.example_spin.valueChanged.connect(self.show_example)
        self.canvas.neuron_clicked.connect(self._on_neuron_clicked)
        self.canvas.weight_edited.connect(self._on_weight_edit)
        self.canvas.bias_edited.connect(self._on_bias_edit)

    # -- experiments -------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not getattr(self, "_split_done", False):
            # Plots get 40% of the height from the start (the splitter would otherwise give
            # them what is left over, about 55 pixels on a 1280x720 projector).
            self._split_done = True
            QTimer.singleShot(0, self, self._split_centre)

    def _split_centre(self) -> None:
        middle, centre = self.inner_splitters
        total = max(1, centre.height())
        presenting = not self.splitter.widget(0).isVisible()
        share = 0.58 if presenting else 0.6
        centre.setSizes([int(total * share), total - int(total * share)])
        if presenting:  # the network is the heart of a lecture: it gets most of the width
            width = max(1, middle.width())
            middle.setSizes([int(width * 0.62), width - int(width * 0.62)])

    def _start_when_shown(self, waited_ms: int = 0) -> None:
        """Choose the first experiment after the window's first frame (at once if the studio
        is not shown at all, e.g. in a test; after at most 2 s in any case)."""
        if self._shut_down:
            return
        handle = self.window().windowHandle() if self.isVisible() else None
        if handle is not None and not handle.isExposed() and waited_ms < 2000:
            QTimer.singleShot(10, self, lambda: self._start_when_shown(waited_ms + 10))
            return
        self._choose_default_experiment()

    def _choose_default_experiment(self) -> None:
        if self.settings is not None:
            return
        if self.replay is not None:
            # `nnviz open run.nnrec`: the recording was opened before the first run; the
            # live run is set up when the user goes back to live (leave_replay).
            return
        last = self.saved_settings()
        if last is not None and (last.dataset != "mnist" or find_mnist() is not None):
            self.controls.show_settings(last)
            self.controls.set_lesson(
                "Your last settings. Pick a preset for one of the book's experiments."
            )
            self.start_run(last)
            return
        key = "book" if find_mnist() is not None else "digits"
        self.apply_preset(next(p for p in self.presets if p.key == key))
        if key == "digits":  # a first start without MNIST: offer it, without stopping anyone
            self.show_banner(
                "Training on the built-in 8x8 digits. The book's experiments use MNIST "
                "(70,000 images, about 11 MB to download).",
                "info",
                action=DOWNLOAD_ACTION,
            )

    @Slot(object)
    def apply_preset(self, preset: Preset) -> None:
        if preset.dataset == "mnist" and find_mnist() is None:
            trained = self.snapshot is not None and self.snapshot.progress.examples_seen > 0
            self.show_banner(
                f"\u201c{preset.title}\u201d needs MNIST, which is not downloaded yet (about "
                "11 MB). Download it, then pick the preset again. "
                + (
                    "Your current run is kept."
                    if trained
                    else "Meanwhile the built-in 8x8 digits are loaded."
                ),
                "warning",
                action=DOWNLOAD_ACTION,
            )
            if trained:  # never throw away a network the user has trained
                combo = self.controls.preset_combo
                combo.blockSignals(True)
                combo.setCurrentIndex(max(0, combo.findData(self._preset_key)))
                combo.blockSignals(False)
                return
            preset = next(p for p in self.presets if p.key == "digits")
        else:
            self.hide_banner()
        seed = self.settings.seed if self.settings else 0
        dtype = self.settings.dtype if self.settings else "float32"
        s = preset.spec(seed, dtype)
        self.controls.show_settings(s)
        self.controls.set_lesson(preset.lesson)
        self.controls.preset_combo.setCurrentIndex(self.controls.preset_combo.findData(preset.key))
        self._preset_key = preset.key
        # A preset chosen while training trains on: the new run starts playing when ready.
        self.start_run(s, keep_playing=self.playing)

    def start_run(
        self,
        settings: RunSpec,
        network: Network | None = None,
        start_epoch: int = 0,
        keep_playing: bool = False,
    ) -> None:
        """Stop any run, load the data if needed, build the network and a paused worker
        (playing as soon as it is ready, with ``keep_playing``)."""
        self.leave_replay()
        if self.recorder.active:
            self.stop_recording()  # a recording holds one run
        self._stop_worker()
        # The stopped worker's last word is ignored (it is no longer self.worker): say here
        # that nothing plays, or the buttons would offer Pause over a paused run.
        self.controls.set_playing(False)
        self.run_state_changed.emit(False)
        self._pending_play = keep_playing
        self.settings = settings
        self.run_settings_changed.emit(settings)
        self.start_epoch = start_epoch
        self._loaded_network = (network, start_epoch) if network is not None else None
        self.controls.set_pending(False)
        if self.dataset is not None and self._dataset_key == settings.dataset:
            self._on_dataset_ready(self.dataset)
            return
        self._load_dataset(settings.dataset)

    def _load_dataset(self, name: str) -> None:
        if self._shut_down:
            return
        if self._data_job is not None:
            self._data_job.cancel()
            self._data_job.wait(5000)
        self.status_changed.emit(f"Loading {name}\u2026")
        self.setCursor(Qt.CursorShape.BusyCursor)
        job = Job(
            lambda progress, cancelled: (name, load_dataset(name)), name="load-data", parent=self
        )
        job.succeeded.connect(self._on_dataset_loaded)
        job.failed.connect(self._on_dataset_failed)
        job.finished.connect(job.deleteLater)
        self._data_job = job
        job.start()

    @Slot(object)
    def _on_dataset_loaded(self, result: tuple[str, Dataset]) -> None:
        self.unsetCursor()
        self._data_job = None
        if self._shut_down:
            return
        self._dataset_key = result[0]
        self._on_dataset_ready(result[1])

    def _on_dataset_ready(self, dataset: Dataset) -> None:
        s = self.settings
        if s is None:
            return
        changed = self.dataset is not dataset
        self.dataset = dataset
        if self._loaded_network is not None:
            net = self._loaded_network[0].astype(s.dtype)
        else:
            net = Network(s.sizes, seed=s.seed, dtype=s.dtype)
        try:
            check_compatible(net, dataset)
        except ValueError as exc:
            self.show_banner(str(exc), "error")
            self.status_changed.emit("The layer sizes do not fit the data set")
            return
        config = s.train_config()
        self._run_counter += 1
        # LIVE_RATE snapshots a second: what the canvas draws, so none is wasted. The run
        # has the machine to itself, so its process keeps to one CPU (``pin``).
        self.worker = TrainingWorker(
            net,
            dataset,
            config,
            run_id=self._run_counter,
            start_epoch=self.start_epoch,
            max_rate=LIVE_RATE,
            pin=True,
            parent=self,
        )
        self.worker.update_ready.connect(self._on_update_ready)
        self.worker.mode_changed.connect(self._on_mode_changed)
        self.worker.failed.connect(self._on_worker_failed)
        self.worker.set_speed(float(self.controls.speed_combo.currentData()))
        self.plots.clear()
        self.plots.accuracy_plot.add_run("")  # its legend now, so both plots line up
        if self.messages.kind == "warning":
            self.hide_banner()  # a diagnosis of the old run says nothing about this one
        # Smooth the cost over about 2% of an epoch (1,000 MNIST examples), at least one
        # mini-batch.
        self.plots.cost_plot.set_smoothing_window(
            max(s.batch_size, min(1000, len(dataset.train) // 50))
        )
        self._pending_cost, self._pending_epochs = [], []
        self._views_snapshot = None
        self._add_reference_lines(dataset)
        self.canvas.set_network(
            net.sizes,
            net.weights,
            net.biases,
            unit_names=_unit_names(dataset, net.sizes),
        )
        self._image_shown = None
        self.canvas.set_editable(True)
        self.snapshot = None
        self._live_records = []
        self._live_snapshot = None
        self._records_seen = 0
        self._speed.reset()
        self.example_spin.setRange(0, len(dataset.test) - 1)
        self._example_index = min(self._example_index, len(dataset.test) - 1)
        self.example_spin.blockSignals(True)
        self.example_spin.setValue(self._example_index)
        self.example_spin.blockSignals(False)
        names = list(dataset.output_names) or [str(i) for i in range(dataset.n_outputs)]
        self.example.bars.set_names(names)
        self.heatmap.set_image_shape(dataset.image_shape)
        self._log(
            f"New run: {dataset.name}, sizes {list(net.sizes)}, eta {s.eta:g}, "
            f"mini-batch {s.batch_size}, {s.epochs} epochs, seed {s.seed}, {s.dtype}"
        )
        restore, self._restore_history = self._restore_history, None
        if restore is not None and (restore[0] or restore[1]):
            records, log = restore
            self._live_records = list(records)
            self.plots.extend(r for r in records if r.examples_seen)
            if log:
                self.log.setPlainText(log)
            self._log("Session restored: the run goes on from the network it saved.")
        if changed:
            self.dataset_changed.emit(dataset)
        self.worker.start()
        self.status_changed.emit("Ready: press Play (Space) to train")
        if self._pending_play:
            self._pending_play = False
            self.worker.play()

    @Slot(str)
    def _on_dataset_failed(self, message: str) -> None:
        self.unsetCursor()
        self._data_job = None
        if message == "cancelled":
            return
        self.show_banner(f"Could not load the data: {message}", "error")
        if self.settings and self.settings.dataset != "digits":
            QMessageBox.warning(
                self,
                "Data not available",
                f"{message}\n\nThe built-in 8x8 digits are loaded instead.",
            )
            self.apply_preset(next(p for p in self.presets if p.key == "digits"))

    def _add_reference_lines(self, dataset: Dataset) -> None:
        acc = self.plots.accuracy_plot
        acc.clear_baselines()
        acc.set_chance(100.0 / dataset.n_outputs if dataset.is_classification else None)

    def set_baseline(self, name: str, percent: float) -> None:
        self.plots.accuracy_plot.set_baseline(name, percent)

    # -- transport -----------------------------------------------------------------------------
    @property
    def playing(self) -> bool:
        return self.worker is not None and self.worker.mode == PLAYING

    @Slot()
    def toggle_play(self) -> None:
        if self.playing:
            self.pause()
        else:
            self.play()

    def play(self) -> None:
        if self.worker is None:
            self._pending_play = True
            return
        if self.worker.finished_run:
            self.status_changed.emit("This run is finished: press Reset (R) to start again")
            return
        self.worker.play()

    def pause(self) -> None:
        if self.worker is not None:
            self.worker.pause()

    def step(self) -> None:
        if self.worker is not None and not self.worker.finished_run and not self.playing:
            self.worker.step()

    def step_epoch(self) -> None:
        if self.worker is not None and not self.worker.finished_run and not self.playing:
            self.worker.step_epoch()

    def reset(self) -> None:
        """New weights from the seed with the settings shown."""
        try:
            s = self.controls.settings()
        except ValueError:
            return
        if self.messages.kind == "warning":
            self.hide_banner()  # a diagnosis of the old run says nothing about the new one
        self.start_run(s)

    @Slot(str)
    def _on_mode_changed(self, mode: str) -> None:
        if self.sender() is not self.worker:
            return
        playing = mode == PLAYING
        self.controls.set_playing(playing)
        self.canvas.set_editable(mode == PAUSED)
        if not playing:
            self._flush_views()
        self.run_state_changed.emit(playing)

    @Slot(str)
    def _on_worker_failed(self, message: str) -> None:
        if self.sender() is not self.worker:
            return
        self.show_banner(message, "error")
        self._log(message)

    def _on_eta_edited(self, eta: float) -> None:
        if self.worker is not None:
            self.worker.set_eta(eta)
            old = self.settings.eta if self.settings is not None else None
            if old is not None and old != eta:
                p = self.snapshot.progress if self.snapshot is not None else None
                where = ""
                if p is not None:
                    where = f" at epoch {p.epoch}, mini-batch {p.batch}"
                    where += f" ({p.examples_seen:,} examples seen)"
                self._log(f"\u03b7 changed from {old:g} to {eta:g}{where}")
        if self.settings is not None:
            self.settings = self.settings.replace(eta=eta)

    def _on_speed_changed(self, rate: float) -> None:
        if self.worker is not None:
            self.worker.set_speed(rate)

    def _on_settings_edited(self) -> None:
        try:
            s = self.controls.settings()
        except ValueError:
            return
        if self.settings is not None and s.without_eta() == self.settings.without_eta():
            self.controls.set_pending(False)
            return
        untouched = self.snapshot is None or self.snapshot.progress.examples_seen == 0
        if untouched and not self.playing:
            self.start_run(s)  # nothing trained yet: apply at once
        else:
            self.controls.set_pending(True)

    # -- snapshots in ----------------------------------------------------------------------------
    @Slot()
    def _on_update_ready(self) -> None:
        worker = self.sender()
        if not isinstance(worker, TrainingWorker):
            worker = self.worker
        update = worker.take()
        if worker is not self.worker:
            return  # a stale signal from a run that was replaced
        self.recorder.add(update.records, update.snapshot)
        self._live_records.extend(update.records)
        if update.snapshot is not None:
            self._live_snapshot = update.snapshot
        if self.replay_mode.active:
            return  # replaying: the live run goes on (or waits) out of sight
        self._pending_cost.extend(r for r in update.records if r.examples_seen)
        self._pending_epochs.extend(r for r in update.records if r.kind == EPOCH)
        for rec in update.records:
            self._on_record(rec)
        if update.snapshot is not None:
            self.show_snapshot(update.snapshot)

    def _on_record(self, rec: Progress) -> None:
        self._records_seen += 1
        if rec.kind == EPOCH:
            line = rec.transcript_line()
            if rec.validation_correct is not None:
                line += f"   (validation {rec.validation_correct} / {rec.validation_total})"
            self._log(line)
        elif rec.kind == DIVERGED:
            self._log(rec.message)
            self.show_banner(rec.message, "error")
        elif rec.kind == DONE:
            self._log(f"Finished {rec.epoch + 1} epochs in {rec.seconds:.1f} s of training.")
            self.status_changed.emit(f"Epoch {rec.epoch}  \u00b7  {_finished(rec.epoch + 1)}")
        elif rec.kind == EDIT:
            pct = 100.0 * rec.test_correct / rec.test_total
            self._log(
                f"Edited by hand: {rec.message}; test accuracy now "
                f"{rec.test_correct} / {rec.test_total} ({pct:.2f}%)"
            )
            self.status_changed.emit(f"Test accuracy after your edit: {pct:.2f}%")

    def show_snapshot(self, snap: Snapshot, live: bool = True) -> None:
        if live:
            self.snapshot = snap
        self.canvas.set_snapshot(snap)
        self._views_snapshot = snap
        full_speed = self.playing and float(self.controls.speed_combo.currentData()) == 0
        if not (full_speed or (self.replay is not None and self.replay.playing)):
            self._flush_views()  # stepping, slowed down or paused: show every state
        p = snap.progress
        if p.kind == EPOCH and live:
            self._explain_epoch(snap)
        self._update_status(p)
        if live:
            self.snapshot_shown.emit(snap)

    @Slot()
    def _flush_views(self) -> None:
        """Bring the plots, example and heatmap up to date."""
        self._flush_plots()
        self._flush_example()

    def _flush_plots(self, which: str = "both") -> None:
        """Hand queued records to the cost plot, the accuracy plot, or both."""
        if which in ("both", "cost") and self._pending_cost:
            records, self._pending_cost = self._pending_cost, []
            self.plots.cost_plot.extend(records)
        if which in ("both", "accuracy") and self._pending_epochs:
            records, self._pending_epochs = self._pending_epochs, []
            for r in records:
                self.plots.accuracy_plot.add_progress(r)

    def _flush_example(self) -> None:
        snap, self._views_snapshot = self._views_snapshot, None
        if snap is not None:
            self.heatmap.set_snapshot(snap)
            self._update_example(snap)

    @Slot()
    def _on_slow_tick(self) -> None:
        """At full speed the pyqtgraph views refresh on this timer, not per snapshot: they
        repaint their axes on every change, and at 30 updates a second they would keep the GUI
        thread busy. Cost plot, accuracy plot and example take turns so no tick is long."""
        self._slow_turn = (self._slow_turn + 1) % 3
        if self._slow_turn == 0:
            self._flush_plots("cost")
        elif self._slow_turn == 1:
            self._flush_plots("accuracy")
        else:
            self._flush_example()

    def _explain_epoch(self, snap: Snapshot) -> None:
        """Say in words what holds a run back (from its own numbers), instead of a flat plot."""
        found = diagnose_run(snap, self.dataset, self._live_records)
        if found is None:
            if self.messages.kind == "warning":
                self.hide_banner()
            return
        action = None
        if found.kind == "dead_outputs" and self.settings is not None:
            action = (f"Try seed {(self.settings.seed or 0) + 1}", "reseed")
        self.show_banner(found.message, "warning", action)

    def _update_status(self, p: Progress) -> None:
        speed = self._measure_speed(p)
        if self.worker is not None and self.worker.finished_run and p.kind in (EPOCH, DONE):
            # The book counts epochs from 0: after "Epoch 29" a 30-epoch run is over.
            speed = _finished(p.epoch + 1)
        batches = f"{p.batch}/{p.batches_per_epoch}" if p.batches_per_epoch else "0"
        text = (
            f"Epoch {p.epoch}  \u00b7  mini-batch {batches}  \u00b7  "
            f"{p.examples_seen:,} examples seen  \u00b7  {speed}  \u00b7  "
            f"\u03b7 = {p.eta:g}"
        )
        if p.test_accuracy is not None:
            text += f"  \u00b7  test accuracy {100 * p.test_accuracy:.2f}%"
        self.status_changed.emit(text)

    def _measure_speed(self, p: Progress) -> str:
        """Examples a second by the wall clock over the last second or so of playing, so a
        slowed-down run reports its real pace (the trainer's own clock leaves out the waits
        between mini-batches)."""
        if not self.playing:
            self._speed.reset()
            return "paused" if p.examples_seen else "not started"
        rate = self._speed.update(p.examples_seen)
        return "measuring speed\u2026" if rate is None else f"{rate:,.0f} examples/s"

    # -- the page's state (sessions and deck steps; nnviz.ui.pages) ------------------------------
    @property
    def example_index(self) -> int:
        return self._example_index

    @property
    def live_records(self) -> list[Progress]:
        """The live run's records so far (what a session keeps as its history)."""
        return list(self._live_records)

    @property
    def preset_key(self) -> str | None:
        """The preset the current run was set up from, if any."""
        key = self.controls.preset_combo.currentData()
        return str(key) if key else None

    def state(self) -> dict:
        return {"tabs": tab_states(self), "example": self._example_index}

    def restore(self, state: dict) -> None:
        """Set up what ``state`` names: a preset (``experiment``), playing, a hidden neuron's
        weights (``weights_of``, from 1), the test example and the sub-views shown."""
        if "experiment" in state:
            try:
                self.controls.choose_preset(str(state["experiment"]))
            except KeyError:
                self.status_changed.emit(
                    f"No experiment called {state['experiment']!r} in this nnviz: "
                    "the training page is as it was."
                )
        if state.get("play"):
            self.play()
        if "example" in state:
            if self.dataset is None:  # shown once the data set is loaded
                self._example_index = max(0, int(state["example"]))
            else:
                self.show_example(int(state["example"]))
        sizes = self.settings.sizes if self.settings is not None else ()
        if "weights_of" in state and len(sizes) > 2 and 1 <= int(state["weights_of"]) <= sizes[1]:
            self._on_neuron_clicked(1, int(state["weights_of"]) - 1)
        restore_tabs(self, state.get("tabs"))

    # -- example browsing -------------------------------------------------------------------------
    @Slot(int)
    def show_example(self, index: int) -> None:
        if self.dataset is None:
            return
        n = len(self.dataset.test)
        index %= n
        changed = index != self._example_index
        self._example_index = index
        if changed:
            self.example_changed.emit(index)
        if self.example_spin.value() != index:
            self.example_spin.blockSignals(True)
            self.example_spin.setValue(index)
            self.example_spin.blockSignals(False)
        self._update_example()

    def shown_snapshot(self) -> Snapshot | None:
        """What the canvas shows: the replay's frame while replaying, else the live run."""
        if self.replay is not None and self.replay.frame_count:
            return self.replay.frame(self.replay.position)
        return self.snapshot

    def example_input(self) -> np.ndarray | None:
        """The chosen test example as a network input column (n_0,)."""
        ds = self.dataset
        if ds is None:
            return None
        return ds.test.x[self._example_index].astype(np.float64) * ds.scale

    def _update_example(self, snap: Snapshot | None = None) -> None:
        ds, snap = self.dataset, snap or self.shown_snapshot()
        if ds is None or snap is None or snap.sizes[0] != ds.n_inputs:
            return
        x = self.example_input()
        acts = [x]
        a = x[:, None]
        for w, b in zip(snap.weights, snap.biases):
            a = sigmoid(w @ a + b)
            acts.append(a[:, 0])
        self.canvas.set_activations(acts)
        image = None
        if ds.image_shape is not None:
            image = ds.test.x[self._example_index].reshape(ds.image_shape) * ds.scale
            key = (id(ds), self._example_index)
            if self._image_shown != key:  # the image only changes with the example
                self._image_shown = key
                self.canvas.set_input_image(image)
        label = None if ds.test.labels is None else int(ds.test.labels[self._example_index])
        self.example.set_example(image, label, acts[-1])

    @Slot(bool)
    def _on_grid_toggled(self, on: bool) -> None:
        if self.dataset is not None and self.dataset.image_shape is None and on:
            self.grid_box.setChecked(False)  # truth tables have no image to draw
            return
        self.canvas.set_input_mode("grid" if on else "column")
        self._image_shown = None
        self._update_example()

    # -- clicks on the canvas -------------------------------------------------------------------
    @Slot(int, int)
    def _on_neuron_clicked(self, layer: int, index: int) -> None:
        ds = self.dataset
        if layer == 1 and ds is not None and ds.image_shape is not None:
            if self.side_tabs.tabBar().isVisible():
                self.side_tabs.setCurrentIndex(1)
            self.heatmap.set_image_shape(ds.image_shape)
            self.heatmap.set_neuron(0, index)
            self.heatmap_label.setText(
                f"Incoming weights of hidden neuron {index + 1}, drawn "
                f"as a {ds.image_shape[0]}x{ds.image_shape[1]} image "
                "(blue positive, orange negative)."
            )

    @Slot(int, int, int, float)
    def _on_weight_edit(self, layer: int, j: int, k: int, value: float) -> None:
        if self.snapshot is None or self.worker is None or self.playing:
            return
        self.worker.edit_parameter(layer, j, k, value)

    @Slot(int, int, float)
    def _on_bias_edit(self, layer: int, j: int, value: float) -> None:
        if self.snapshot is None or self.worker is None or self.playing:
            return
        self.worker.edit_parameter(layer, j, None, value)

    # -- recording (RunRecorder) ---------------------------------------------------------------
    @property
    def recording(self) -> bool:
        return self.recorder.active

    def start_recording(self, path: str | Path) -> None:
        """Record this run from now on (snapshots and metrics) to ``path``.

        Raises OSError if the file cannot be created; nothing changes then.
        """
        if self.dataset is None:
            raise ValueError("there is no run to record yet")
        self.recorder.start(path, self.settings, self._live_snapshot)

    def stop_recording(self) -> Path | None:
        """Finish the file (atomically) and return its path."""
        return self.recorder.stop()

    @Slot(str)
    def _on_recording_failed(self, message: str) -> None:
        self.show_banner(message, "error")

    # -- replay (ReplayMode) -----------------------------------------------------------------
    @property
    def replay(self) -> ReplayController | None:
        return self.replay_mode.controller

    def open_recording(self, path: str | Path) -> str | None:
        """Replay a recording through the canvas and plots. Returns a damage note, if any.

        Raises RecordingError for a file that is not a recording (nothing changes then).
        """
        recording = read_replayable(path)
        self.pause()
        self.leave_replay()
        self.replay_mode.enter(recording)
        self.replay_path = Path(path).resolve()
        self._image_shown = None
        first = recording.frames[0]
        if self.settings is None:  # no live run yet: the controls show the recorded run's
            try:
                self.controls.show_settings(RunSpec.from_dict(recording.header, base=RunSpec()))
            except ValueError:
                pass  # a hand-made header: the controls keep what they show
        self.show_banner(
            f"Replaying {Path(path).name}: {recording.header.get('dataset', '')} "
            f"{list(first.sizes)}. Nothing is recomputed; 'Back to live training' "
            "returns to your run.",
            "info",
        )
        return recording.damaged

    @Slot(object)
    def _on_replay_frame(self, snap: Snapshot) -> None:
        self.show_snapshot(snap, live=False)

    def leave_replay(self) -> None:
        """Back to the live run: its network, plots and example."""
        if not self.replay_mode.leave():
            return
        self.replay_path = None
        self.hide_banner()
        snap = self._live_snapshot
        if snap is not None:
            self.canvas.set_network(
                snap.sizes,
                snap.weights,
                snap.biases,
                unit_names=_unit_names(self.dataset, snap.sizes),
            )
            self._image_shown = None
        self.plots.clear()
        self.plots.extend(r for r in self._live_records if r.examples_seen)
        if snap is not None:
            self.show_snapshot(snap)
        if self.settings is None:  # a recording opened at start: the first live run now
            self._choose_default_experiment()

    # -- files (network_files) -----------------------------------------------------------------
    def current_network(self) -> Network | None:
        """A copy of the network as last shown (pause first for the very latest)."""
        return network_from(self.snapshot)

    def save_network(self, path: str | Path) -> Path:
        return save_run_network(path, self.settings, self.snapshot)

    def open_network(self, path: str | Path) -> None:
        """Load a saved network and make it the current one (raises NetworkFileError)."""
        net, s, start_epoch = open_run_network(path, self.settings)  # raises before changes
        self.controls.show_settings(s)
        self.controls.set_lesson(f"Loaded from {Path(path).name}.")
        self.start_run(s, network=net, start_epoch=start_epoch)
        self._log(f"Opened {path}")

    def remember_settings(self) -> None:
        """Keep the current run settings for the next start (QSettings)."""
        if self.settings is not None:
            settings_store().setValue("studio/run", json.dumps(self.settings.to_dict()))

    @staticmethod
    def saved_settings() -> RunSpec | None:
        """The settings remembered from last time, or None (also for a damaged entry)."""
        raw = settings_store().value("studio/run")
        if not raw:
            return None
        try:
            return RunSpec.from_dict(json.loads(str(raw)))
        except (ValueError, TypeError, RecursionError):
            return None  # a damaged or hand-edited entry is dropped, never fatal

    def set_secondary_visible(self, visible: bool) -> None:
        """Presenter mode hides what a lecturer does not need on screen (the settings panel,
        the log, the weight heatmap) and gives the canvas, example and plots the room."""
        self.splitter.widget(0).setVisible(visible)
        self.bottom_tabs.tabBar().setVisible(visible)
        if not visible:
            self.bottom_tabs.setCurrentWidget(self.plots)
        self.side_tabs.tabBar().setVisible(visible)
        if not visible:
            self.side_tabs.setCurrentIndex(0)  # presenting: the example, not the weights
        self._split_centre()

    def apply_session(self, session) -> None:
        """Restore a session's settings, network and chosen example."""
        s = session.run
        self.controls.show_settings(s)
        epoch = (session.network_meta or {}).get("epoch")
        start = 0 if epoch is None else int(epoch) + 1
        self._example_index = max(0, int(session.example_index))
        # The run's curves and log come back once the data set is loaded and the run built.
        self._restore_history = (list(session.history), session.log)
        self.start_run(s, network=session.network, start_epoch=start)

    # -- messages -------------------------------------------------------------------------------
    def show_banner(
        self, text: str, kind: str = "info", action: tuple[str, str] | None = None
    ) -> None:
        """Show ``text``; ``action`` = (button label, key) adds a button that emits
        ``banner_action(key)`` (or, for "reseed", starts over with the next seed)."""
        self.messages.show(text, kind, action)

    def _on_banner_button(self, key: str) -> None:
        if key == "reseed":
            self.try_next_seed()
        else:
            self.banner_action.emit(key)

    def try_next_seed(self) -> None:
        """Start over with the next seed (what the stalled-run banner offers), playing on if
        the run was playing."""
        playing = self.playing
        spin = self.controls.seed_spin
        spin.setValue(spin.value() + 1 if spin.value() < spin.maximum() else 0)
        self.reset()
        if playing:
            self.play()

    def hide_banner(self) -> None:
        self.messages.hide()

    def _log(self, text: str) -> None:
        self.log.appendPlainText(text)

    # -- shutdown ------------------------------------------------------------------------------
    def _stop_worker(self, wait_ms: int = 3000) -> None:
        worker, self.worker = self.worker, None
        if worker is not None:
            worker.update_ready.disconnect(self._on_update_ready)
            if worker.stop(wait_ms):
                worker.deleteLater()
            else:  # never delete a running QThread: keep it until it ends
                worker.finished.connect(worker.deleteLater)

    def shutdown(self) -> None:
        """Stop every thread this view started (the window is closing); finish a recording.
        Nothing new starts afterwards."""
        self._shut_down = True
        if self.recorder.active:
            try:
                self.stop_recording()
            except OSError:
                pass
        self.replay_mode.stop()
        # Closing: wait long enough for a loaded machine. A worker's thread ends within about
        # two seconds of a stop (it ends its process by force after one); loading data cannot
        # be interrupted midway. A QThread destroyed while running would abort the app.
        self._stop_worker(wait_ms=SHUTDOWN_WAIT_MS)
        if self._data_job is not None:
            self._data_job.cancel()
            self._data_job.wait(SHUTDOWN_WAIT_MS)
            self._data_job = None


def _finished(epochs: int) -> str:
    return f"finished: {epochs} epoch{'' if epochs == 1 else 's'} trained, Reset (R) starts anew"


def _unit_names(dataset: Dataset, sizes) -> list | None:
    names: list = [None] * len(sizes)
    if dataset.input_names and len(dataset.input_names) == sizes[0]:
        names[0] = list(dataset.input_names)
    if dataset.output_names and len(dataset.output_names) == sizes[-1]:
        names[-1] = list(dataset.output_names)
    return names
