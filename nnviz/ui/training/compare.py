"""Side by side: two or three runs that differ only in eta, trained together on one plot.

The hyper-parameter lesson at a glance: from the same seed (so the same starting weights and
the same shuffles), eta 3.0 learns, eta 0.001 barely moves and eta 100 thrashes. Each live
run is its own :class:`~nnviz.ui.training.worker.TrainingWorker` thread, used as it is; the
view only takes their updates and draws them. Runs can also come from recordings, so a
lecturer can show the comparison without waiting for it to train.
"""

from __future__ import annotations

import html
import math
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from PySide6.QtCore import QDeadlineTimer, QObject, QThread, Signal, Slot
from PySide6.QtWidgets import (
    QWidget,
)

from nnviz.core.datasets.catalog import load_dataset
from nnviz.core.datasets.dataset import Dataset
from nnviz.core.datasets.mnist import find_mnist
from nnviz.core.files.recording import Recording, RecordingError, read_recording
from nnviz.core.learning.network import Network
from nnviz.core.learning.snapshot import DIVERGED, DONE, EPOCH, Progress
from nnviz.core.learning.training import TrainConfig
from nnviz.ui.accessibility import describe
from nnviz.ui.file_dialogs import open_files
from nnviz.ui.jobs import JobRunner
from nnviz.ui.training.compare_parts import MAX_RUNS, build_layout
from nnviz.ui.training.plot_parts import (
    RUN_COLOURS,
)
from nnviz.ui.training.worker import TrainingWorker

DEFAULT_ETAS = (3.0, 0.001, 100.0)
# How long Stop waits, in all, for the runs' threads (each ends its process within about two
# seconds of the request; under heavy load it may take longer, and shutdown() waits then).
STOP_WAIT_MS = 5000


@dataclass
class CompareRun:
    """One curve on the comparison: a live run (``worker``) or a loaded ``recording``."""

    name: str
    eta: float | None
    worker: TrainingWorker | None = None
    recording: Recording | None = None
    records: list[Progress] = field(default_factory=list)
    last_epoch: Progress | None = None
    state: str = "waiting"  # waiting, training, done, diverged, stopped, failed, recorded
    message: str = ""
    colour: str = ""  # the colour of its curves, set when it is added to the view

    @property
    def final_accuracy(self) -> float | None:
        """Test accuracy (0..1) after the last finished epoch, or None."""
        return None if self.last_epoch is None else self.last_epoch.test_accuracy


class _RunFeed(QObject):
    """Lives in the GUI thread; turns one worker's signals into calls on the view."""

    def __init__(self, view: CompareView, run: CompareRun, generation: int) -> None:
        super().__init__(view)
        self._view = view
        self._run = run
        self._generation = generation

    @Slot()
    def on_update(self) -> None:
        self._view._on_worker_update(self._run, self._generation)

    @Slot()
    def on_finished(self) -> None:
        self._view._on_worker_finished(self._run, self._generation)

    @Slot(str)
    def on_failed(self, message: str) -> None:
        self._view._on_worker_failed(self._run, self._generation, message)


class CompareView(QWidget):
    """Two or three runs from one seed with different eta, trained side by side.

    ``start()`` trains them (each in its own TrainingWorker); ``stop()`` ends them;
    ``add_recording(path)`` adds a recorded run as another curve. Call ``shutdown()`` (also
    done on close) before throwing the view away: it stops every thread.
    """

    finished = Signal()  # every live run has ended (completed, diverged or stopped)
    runs_changed = Signal()

    def __init__(self, parent=None, etas: tuple[float, ...] = DEFAULT_ETAS) -> None:
        super().__init__(parent)
        self.runs: dict[str, CompareRun] = {}
        self.dataset: Dataset | None = None
        self._generation = 0
        self.data_jobs = JobRunner("compare-data", self)  # loading the data set; the newest wins
        self.data_jobs.succeeded.connect(self._on_data_loaded)
        self.data_jobs.failed.connect(self._on_data_failed)
        self._old_threads: list[QThread] = []  # stopped but not yet ended

        build_layout(self, etas)  # the widgets (nnviz.ui.training.compare_parts)
        self.start_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        self.add_button.clicked.connect(self._on_add_clicked)
        self.clear_button.clicked.connect(self.clear)
        self.refresh_datasets()

    # -- settings ---------------------------------------------------------------------------
    def refresh_datasets(self) -> None:
        """Offer MNIST when it is on disk (call again after a download)."""
        # The book's data when it is there (the user's own choice is kept on a refresh).
        current = self.dataset_box.currentText() or ("mnist" if find_mnist() else "digits")
        self.dataset_box.clear()
        self.dataset_box.addItem("digits")
        if find_mnist() is not None:
            self.dataset_box.addItem("mnist")
        i = self.dataset_box.findText(current)
        self.dataset_box.setCurrentIndex(max(0, i))

    # -- the page's state (sessions and deck steps; nnviz.ui.pages) ------------------------------
    page_id = "compare"
    view_tabs: list = []  # one view: no sub-tabs

    def state(self) -> dict:
        try:
            return {"compare": self.etas()}
        except ValueError:  # nothing (valid) entered: nothing to keep
            return {}

    def restore(self, state: dict) -> None:
        """The learning rates of the runs (``compare``, one to three)."""
        if "compare" in state:
            etas = [float(e) for e in state["compare"]][:MAX_RUNS]
            self.set_etas(etas + [None] * (MAX_RUNS - len(etas)))

    def set_etas(self, etas: list[float | None]) -> None:
        """Learning rates of the (up to three) runs; None leaves a slot empty."""
        for edit, eta in zip(self.eta_edits, list(etas) + [None] * MAX_RUNS):
            edit.setText("" if eta is None else f"{eta:g}")

    def etas(self) -> list[float]:
        """The learning rates entered; raise ValueError saying which one is wrong."""
        out = []
        for i, edit in enumerate(self.eta_edits, 1):
            text = edit.text().strip()
            if not text:
                continue
            try:
                eta = float(text)
            except ValueError:
                raise ValueError(f"η of run {i} must be a number, like 3.0, not {text!r}") from None
            if not math.isfinite(eta) or eta <= 0:
                raise ValueError(f"η of run {i} must be a positive number, got {text}")
            out.append(eta)
        if not out:
            raise ValueError("enter a learning rate η for at least one run")
        return out

    @property
    def is_running(self) -> bool:
        return self.data_jobs.running or any(
            r.worker is not None and r.state in ("waiting", "training") for r in self.runs.values()
        )

    def final_accuracies(self) -> dict[str, float | None]:
        """Each run's test accuracy (0..1) after its last finished epoch."""
        return {name: r.final_accuracy for name, r in self.runs.items()}

    # -- live runs --------------------------------------------------------------------------
    @Slot()
    def start(self) -> bool:
        """Start training every run (stopping any live runs first). False if a setting is bad."""
        self.stop()
        try:
            etas = self.etas()
        except ValueError as exc:
            self._say(str(exc), error=True)
            return False
        for name in [n for n, r in self.runs.items() if r.recording is None]:
            self._remove_run(name)
        self._generation += 1
        generation = self._generation
        names: list[str] = []
        for eta in etas:
            name = self._unique_name(f"η = {eta:g}")
            names.append(name)
            self._add_run(CompareRun(name, eta))
        key = self.dataset_box.currentText() or "digits"
        self._say(f"loading {key}…")
        self._pending = (generation, names)
        self.data_jobs.start(lambda progress, cancelled: load_dataset(key))
        self._set_buttons()
        return True

    @Slot(object)
    def _on_data_loaded(self, dataset: Dataset) -> None:
        generation, names = self._pending
        if generation != self._generation:
            return
        self.dataset = dataset
        sizes = [dataset.n_inputs, self.hidden_spin.value(), dataset.n_outputs]
        seed = self.seed_spin.value()
        for run_id, name in enumerate(names):
            run = self.runs.get(name)
            if run is None:
                continue
            # Same seed: every run starts from identical weights and shuffles identically.
            net = Network(sizes, seed=seed, dtype="float32")
            config = TrainConfig(
                epochs=self.epochs_spin.value(), batch_size=10, eta=run.eta, seed=seed
            )
            worker = TrainingWorker(net, dataset, config, run_id=run_id, max_rate=20.0)
            feed = _RunFeed(self, run, generation)
            worker.update_ready.connect(feed.on_update)
            worker.finished.connect(feed.on_finished)
            worker.failed.connect(feed.on_failed)
            run.worker, run.state = worker, "training"
        for run in self.runs.values():
            if run.worker is not None and run.state == "training":
                run.worker.start()
                run.worker.play()
        self._say(f"training {len(names)} runs on {dataset.name}, sizes {sizes}, seed {seed}")
        self._set_buttons()
        self._refresh_runs_label()

    @Slot(str)
    def _on_data_failed(self, message: str) -> None:
        for name in [n for n, r in self.runs.items() if r.recording is None]:
            self.runs[name].state = "failed"
        self._say(f"could not load the data set: {message}", error=True)
        self._set_buttons()
        self._refresh_runs_label()
        self.finished.emit()

    def _on_worker_update(self, run: CompareRun, generation: int) -> None:
        if generation != self._generation or run.worker is None or run.name not in self.runs:
            return
        update = run.worker.take()
        for p in update.records:
            self._add_progress(run, p)
        self._refresh_runs_label()

    def _on_worker_finished(self, run: CompareRun, generation: int) -> None:
        if generation != self._generation or run.worker is None:
            return
        update = run.worker.take()  # anything published after the last signal
        for p in update.records:
            self._add_progress(run, p)
        if run.state == "training":
            run.state = "done" if run.worker.finished_run else "stopped"
        self._refresh_runs_label()
        self._maybe_finished()

    def _on_worker_failed(self, run: CompareRun, generation: int, message: str) -> None:
        # A run that was stopped (or replaced) keeps that state: its process may still report
        # the broken pipe that stopping it caused.
        if generation != self._generation or run.state != "training":
            return
        run.state, run.message = "failed", message

    def _add_progress(self, run: CompareRun, p: Progress) -> None:
        run.records.append(p)
        if p.kind == EPOCH:
            run.last_epoch = p
        elif p.kind == DIVERGED:
            run.state, run.message = "diverged", p.message
        elif p.kind == DONE and run.state == "training":
            run.state = "done"
        if p.validation_correct is not None:
            # Only test accuracy here: with three runs, validation curves double the legend and
            # hide the lesson; the Training tab shows both for a single run.
            p = replace(p, validation_correct=None, validation_total=None)
        self.accuracy.add_progress(p, run=run.name)
        self.cost.add_progress(p, run.name)

    def _maybe_finished(self) -> None:
        live = [r for r in self.runs.values() if r.worker is not None]
        if live and all(
            not r.worker.isRunning() and r.state not in ("waiting", "training") for r in live
        ):
            self._set_buttons()
            self.finished.emit()

    @Slot()
    def stop(self) -> None:
        """Stop every live run and its thread (waits for them); the curves stay."""
        loading = self.data_jobs.running
        self.data_jobs.cancel()  # a data set still loading: its runs never start
        live = [r for r in self.runs.values() if r.worker is not None and r.worker.isRunning()]
        for run in live:  # all at once: the runs end side by side, not one after another
            run.worker.request_stop()
        deadline = QDeadlineTimer(STOP_WAIT_MS)
        for run in live:
            if not run.worker.wait(deadline):
                self._old_threads.append(run.worker)  # still ending: shutdown() waits for it
            for p in run.worker.take().records:
                self._add_progress(run, p)
        stopped = bool(live)
        for run in self.runs.values():
            if run.state in ("waiting", "training") and (run.worker is not None or loading):
                run.state = "stopped"
        self._generation += 1  # late signals from these workers are ignored
        self._set_buttons()
        self._refresh_runs_label()
        if stopped or loading:
            self.finished.emit()

    def shutdown(self) -> None:
        """Stop every thread this view started, waiting until each has ended."""
        self.stop()
        self.data_jobs.shutdown(30_000)
        for t in self._old_threads:
            t.requestInterruption()
            t.wait(30_000)
        self._old_threads = [t for t in self._old_threads if t.isRunning()]

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.shutdown()
        super().closeEvent(event)

    # -- recordings -------------------------------------------------------------------------
    def add_recording(self, path: str | os.PathLike[str]) -> bool:
        """Add a recorded run as a curve. False (and a message) if it cannot be read."""
        live = [r for r in self.runs.values() if r.recording is None]
        if len(self.runs) >= len(RUN_COLOURS):
            self._say("there are already as many runs as colours; press Clear first", error=True)
            return False
        try:
            rec = read_recording(path)
        except RecordingError as exc:
            self._say(str(exc), error=True)
            return False
        eta = rec.header.get("eta")
        eta_text = f"η = {eta:g}" if isinstance(eta, int | float) else "η = ?"
        name = self._unique_name(f"{eta_text} ({Path(path).stem})")
        run = CompareRun(
            name,
            float(eta) if isinstance(eta, int | float) else None,
            recording=rec,
            state="recorded",
        )
        self._add_run(run)
        for p in rec.progress_records:
            self._add_progress(run, p)
        run.state = "recorded"
        note = f"added {Path(path).name}: {rec.header.get('dataset', '?')} {list(rec.sizes)}"
        if rec.damaged:
            run.message = rec.damaged
            note += f". Note: {rec.damaged}"
        if live and self.dataset is not None and rec.header.get("dataset") != self.dataset.name:
            note += f" (the live runs use {self.dataset.name})"
        self._say(note, error=bool(rec.damaged))
        self._refresh_runs_label()
        return True

    def _on_add_clicked(self) -> None:
        paths = open_files(
            self, "recording", "Add recorded runs", "nnviz recordings (*.nnrec);;All files (*)"
        )
        for path in paths:  # stops at the first that fails, leaving its message shown
            if not self.add_recording(path):
                break

    @Slot()
    def clear(self) -> None:
        """Stop live runs and remove every curve."""
        self.stop()
        for name in list(self.runs):
            self._remove_run(name)
        self.cost.axes.reset()
        self._say("")
        self._refresh_runs_label()

    # -- helpers ----------------------------------------------------------------------------
    def _unique_name(self, base: str) -> str:
        name, k = base, 2
        while name in self.runs:
            name, k = f"{base} ({k})", k + 1
        return name

    def _add_run(self, run: CompareRun) -> None:
        self.runs[run.name] = run
        # Create the accuracy curve now, so its colour follows the run's order rather than
        # which run finishes its first epoch first, and matches the cost curve.
        # Only test accuracy is shown here (see _add_progress): no validation legend entry.
        run.colour = self.accuracy.add_run(run.name, validation_in_legend=False)
        self.cost.add_run(run.name, run.colour)
        self.runs_changed.emit()

    def _remove_run(self, name: str) -> None:
        run = self.runs.pop(name, None)
        if run is None:
            return
        if run.worker is not None and not run.worker.isRunning():
            run.worker.deleteLater()
        self.accuracy.remove_run(name)
        self.cost.remove_run(name)
        self.runs_changed.emit()

    def _set_buttons(self) -> None:
        running = self.is_running
        self.start_button.setEnabled(not running)
        self.stop_button.setEnabled(running)

    def _say(self, text: str, error: bool = False) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet("color:#b91c1c;" if error else "color:#333;")

    def _refresh_runs_label(self) -> None:
        rows = []
        for r in self.runs.values():
            acc = r.final_accuracy
            epochs = "" if r.last_epoch is None else f"epoch {r.last_epoch.epoch + 1}: "
            acc_text = "–" if acc is None else f"{100 * acc:.1f}%"
            rows.append(
                f'<span style="color:{r.colour}">■</span> {html.escape(r.name)}: '
                f"{epochs}{acc_text} <i>({r.state})</i>"
            )
        self.runs_label.setText("<br>".join(rows))
        # The plots in words, for a screen reader: each run's last test accuracy and cost.
        said = []
        for r in self.runs.values():
            if r.last_epoch is None:
                said.append(f"{r.name}: no epoch yet ({r.state})")
            else:
                e = r.last_epoch
                said.append(
                    f"{r.name}: {100 * (r.final_accuracy or 0):.1f}% and cost {e.cost:.4f} "
                    f"after epoch {e.epoch + 1} ({r.state})"
                )
        text = "; ".join(said) if said else "no runs"
        describe(self.accuracy, text)
        describe(self.cost, text)
