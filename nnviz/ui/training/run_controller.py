"""A run of the Training page: loading its data set (in the background), building the
network and the training worker, the worker's updates in, and what the run's settings do
while it trains (eta at once, anything else on Reset)."""

from __future__ import annotations

import json

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QMessageBox

from nnviz.core.datasets.catalog import load_dataset
from nnviz.core.datasets.dataset import Dataset
from nnviz.core.datasets.mnist import find_mnist
from nnviz.core.learning.network import Network
from nnviz.core.learning.run import RunSpec
from nnviz.core.learning.snapshot import Progress, Snapshot
from nnviz.core.learning.training import check_compatible
from nnviz.ui.jobs import JobRunner
from nnviz.ui.settings import settings as settings_store
from nnviz.ui.training.studio_layout import LIVE_RATE
from nnviz.ui.training.worker import PAUSED, PLAYING, TrainingWorker

# What a banner offers while MNIST is missing: the window carries these out.
MNIST_ACTIONS = [
    ("Download MNIST (11 MB)", "download"),
    ("Choose MNIST Folder\u2026", "choose_mnist"),
]


class RunController(QObject):
    """The studio's current run (``studio.run``): its data set, worker and records. The
    studio keeps what the views show (``studio.settings``, ``studio.worker``,
    ``studio.snapshot``, ``studio.dataset``)."""

    def __init__(self, studio) -> None:  # a TrainingStudio
        super().__init__(studio)
        self.studio = studio
        self.records: list[Progress] = []  # this run's records, to restore after replay
        self.latest_snapshot: Snapshot | None = None  # the live run's newest
        self.pending_play = False  # play as soon as the run is ready
        self.restore_history: tuple[list[Progress], str] | None = None  # from a session
        # Loading a data set (seconds for MNIST) in the background; a newer load wins.
        self.data_jobs = JobRunner("load-data", self)
        self.data_jobs.succeeded.connect(self._on_dataset_loaded)
        self.data_jobs.failed.connect(self._on_dataset_failed)
        self.data_jobs.ended.connect(self.studio.unsetCursor)
        self._dataset_key: str | None = None
        self._loaded_network: tuple[Network, int] | None = None
        self._run_counter = 0

    def choose_first_run(self) -> None:
        """The run the page opens with: the last settings, else the book's network (or the
        8x8 digits, offering MNIST, when it is not downloaded)."""
        st = self.studio
        if st.settings is not None:
            return
        if st.replay is not None:
            # `nnviz open run.nnrec`: the recording was opened before the first run; the
            # live run is set up when the user goes back to live (leave_replay).
            return
        last = saved_run()
        if last is not None and (last.dataset != "mnist" or find_mnist() is not None):
            st.controls.show_settings(last)
            st.controls.set_lesson(
                "Your last settings. Pick a preset for one of the book's experiments."
            )
            self.start(last)
            return
        key = "book" if find_mnist() is not None else "digits"
        st.apply_preset(next(p for p in st.presets if p.key == key))
        if key == "digits":  # a first start without MNIST: offer it, without stopping anyone
            st.show_banner(
                "Training on the built-in 8x8 digits. The book's experiments use MNIST "
                "(70,000 images, about 11 MB to download).",
                "info",
                actions=MNIST_ACTIONS,
                topic="mnist",
            )

    def shutdown(self, wait_ms: int) -> None:
        """Stop the worker and a data load, waiting up to ``wait_ms`` for each."""
        self.stop_worker(wait_ms=wait_ms)
        self.data_jobs.shutdown(wait_ms)

    def start(
        self,
        settings: RunSpec,
        network: Network | None = None,
        start_epoch: int = 0,
        keep_playing: bool = False,
    ) -> None:
        """Stop any run, load the data if needed, build the network and a paused worker
        (playing as soon as it is ready, with ``keep_playing``)."""
        st = self.studio
        st.leave_replay()
        st.edits.clear()  # the edits were of the old run's network
        if st.recorder.active:
            st.stop_recording()  # a recording holds one run
        self.stop_worker()
        # The stopped worker's last word is ignored (it is no longer st.worker): say here
        # that nothing plays, or the buttons would offer Pause over a paused run.
        st.controls.set_playing(False)
        st.run_state_changed.emit(False)
        self.pending_play = keep_playing
        st.settings = settings
        st.run_settings_changed.emit(settings)
        st.start_epoch = start_epoch
        self._loaded_network = (network, start_epoch) if network is not None else None
        st.controls.set_pending(False)
        if st.dataset is not None and self._dataset_key == settings.dataset:
            self._on_dataset_ready(st.dataset)
            return
        self._load_dataset(settings.dataset)

    def _load_dataset(self, name: str) -> None:
        st = self.studio
        if st.shut_down:
            return
        st.status_changed.emit(f"Loading {name}\u2026")
        st.setCursor(Qt.CursorShape.BusyCursor)
        self.data_jobs.start(lambda progress, cancelled: (name, load_dataset(name)))

    @Slot(object)
    def _on_dataset_loaded(self, result: tuple[str, Dataset]) -> None:
        if self.studio.shut_down:
            return
        self._dataset_key = result[0]
        self._on_dataset_ready(result[1])

    def _on_dataset_ready(self, dataset: Dataset) -> None:
        st = self.studio
        s = st.settings
        if s is None:
            return
        changed = st.dataset is not dataset
        st.dataset = dataset
        if self._loaded_network is not None:
            net = self._loaded_network[0].astype(s.dtype)
        else:
            net = Network(s.sizes, seed=s.seed, dtype=s.dtype)
        try:
            check_compatible(net, dataset)
        except ValueError as exc:
            st.show_banner(str(exc), "error")
            st.status_changed.emit("The layer sizes do not fit the data set")
            return
        config = s.train_config()
        self._run_counter += 1
        # LIVE_RATE snapshots a second: what the canvas draws, so none is wasted. The run
        # has the machine to itself, so its process keeps to one CPU (``pin``).
        st.worker = TrainingWorker(
            net,
            dataset,
            config,
            run_id=self._run_counter,
            start_epoch=st.start_epoch,
            max_rate=LIVE_RATE,
            pin=True,
            parent=st,
        )
        st.worker.update_ready.connect(self._on_update_ready)
        st.worker.mode_changed.connect(self._on_mode_changed)
        st.worker.failed.connect(self._on_worker_failed)
        st.worker.set_speed(float(st.controls.speed_combo.currentData()))
        st.plots.clear()
        st.plots.accuracy_plot.add_run("")  # its legend now, so both plots line up
        st.hide_banner("diagnosis")  # a diagnosis of the old run says nothing about this one
        # Smooth the cost over about 2% of an epoch (1,000 MNIST examples), at least one
        # mini-batch.
        st.plots.cost_plot.set_smoothing_window(
            max(s.batch_size, min(1000, len(dataset.train) // 50))
        )
        self._add_reference_lines(dataset)
        st.canvas.set_network(
            net.sizes,
            net.weights,
            net.biases,
            unit_names=unit_names_for(dataset, net.sizes),
        )
        st.canvas.set_editable(True)
        st.snapshot = None
        self.records = []
        self.latest_snapshot = None
        st.views.reset()
        st.examples.data_changed(len(dataset.test))
        names = list(dataset.output_names) or [str(i) for i in range(dataset.n_outputs)]
        st.example.bars.set_names(names)
        st.heatmap.set_image_shape(dataset.image_shape)
        st.add_log_line(
            f"New run: {dataset.name}, sizes {list(net.sizes)}, eta {s.eta:g}, "
            f"mini-batch {s.batch_size}, {s.epochs} epochs, seed {s.seed}, {s.dtype}"
        )
        restore, self.restore_history = self.restore_history, None
        if restore is not None and (restore[0] or restore[1]):
            records, log = restore
            self.records = list(records)
            st.plots.extend(r for r in records if r.examples_seen)
            if log:
                st.log.setPlainText(log)
            st.add_log_line("Session restored: the run goes on from the network it saved.")
        if changed:
            st.dataset_changed.emit(dataset)
        st.worker.start()
        st.status_changed.emit("Ready: press Play (Space) to train")
        if self.pending_play:
            self.pending_play = False
            st.worker.play()

    @Slot(str)
    def _on_dataset_failed(self, message: str) -> None:
        st = self.studio
        if st.settings and st.settings.dataset == "mnist" and find_mnist() is None:
            # Not an error: MNIST is simply not here yet. Offer it (the offer stays while the
            # digits load and train) instead of a red banner and a dialog.
            st.show_banner(
                "MNIST is not on this computer yet. Download it (11 MB), or choose a folder "
                "that holds it. Meanwhile the built-in 8x8 digits are loaded.",
                "warning",
                actions=MNIST_ACTIONS,
                topic="mnist",
            )
            st.apply_preset(next(p for p in st.presets if p.key == "digits"))
            return
        st.show_banner(f"Could not load the data: {message}", "error")
        if st.settings and st.settings.dataset != "digits":
            QMessageBox.warning(
                st,
                "Data not available",
                f"{message}\n\nThe built-in 8x8 digits are loaded instead.",
            )
            st.apply_preset(next(p for p in st.presets if p.key == "digits"))

    def _add_reference_lines(self, dataset: Dataset) -> None:
        acc = self.studio.plots.accuracy_plot
        acc.clear_baselines()
        acc.set_chance(100.0 / dataset.n_outputs if dataset.is_classification else None)

    def stop_worker(self, wait_ms: int = 3000) -> None:
        worker, self.studio.worker = self.studio.worker, None
        if worker is not None:
            worker.update_ready.disconnect(self._on_update_ready)
            if worker.stop(wait_ms):
                worker.deleteLater()
            else:  # never delete a running QThread: keep it until it ends
                worker.finished.connect(worker.deleteLater)

    @Slot(str)
    def _on_mode_changed(self, mode: str) -> None:
        st = self.studio
        if self.sender() is not st.worker:
            return
        playing = mode == PLAYING
        st.controls.set_playing(playing)
        st.canvas.set_editable(mode == PAUSED)
        if not playing:
            st.views.flush()
        st.run_state_changed.emit(playing)

    @Slot(str)
    def _on_worker_failed(self, message: str) -> None:
        st = self.studio
        if self.sender() is not st.worker:
            return
        st.show_banner(message, "error")
        st.add_log_line(message)

    def on_eta_edited(self, eta: float) -> None:
        st = self.studio
        if st.worker is not None:
            st.worker.set_eta(eta)
            old = st.settings.eta if st.settings is not None else None
            if old is not None and old != eta:
                p = st.snapshot.progress if st.snapshot is not None else None
                where = ""
                if p is not None:
                    where = f" at epoch {p.epoch}, mini-batch {p.batch}"
                    where += f" ({p.examples_seen:,} examples seen)"
                st.add_log_line(f"\u03b7 changed from {old:g} to {eta:g}{where}")
        if st.settings is not None:
            st.settings = st.settings.replace(eta=eta)

    def on_speed_changed(self, rate: float) -> None:
        if self.studio.worker is not None:
            self.studio.worker.set_speed(rate)

    def on_settings_edited(self) -> None:
        st = self.studio
        try:
            s = st.controls.settings()
        except ValueError:
            return
        if st.settings is not None and s.without_eta() == st.settings.without_eta():
            st.controls.set_pending(False)
            return
        untouched = st.snapshot is None or st.snapshot.progress.examples_seen == 0
        if untouched and not st.playing:
            self.start(s)  # nothing trained yet: apply at once
        else:
            st.controls.set_pending(True)

    @Slot()
    def _on_update_ready(self) -> None:
        st = self.studio
        worker = self.sender()
        if not isinstance(worker, TrainingWorker):
            worker = st.worker
        update = worker.take()
        if worker is not st.worker:
            return  # a stale signal from a run that was replaced
        st.recorder.add(update.records, update.snapshot)
        self.records.extend(update.records)
        if update.snapshot is not None:
            self.latest_snapshot = update.snapshot
        if st.replay_mode.active:
            return  # replaying: the live run goes on (or waits) out of sight
        st.views.take_records(update.records)
        if update.snapshot is not None:
            st.views.show_snapshot(update.snapshot)


def unit_names_for(dataset: Dataset, sizes) -> list | None:
    names: list = [None] * len(sizes)
    if dataset.input_names and len(dataset.input_names) == sizes[0]:
        names[0] = list(dataset.input_names)
    if dataset.output_names and len(dataset.output_names) == sizes[-1]:
        names[-1] = list(dataset.output_names)
    return names


def remember_run(spec: RunSpec | None) -> None:
    """Keep the current run settings for the next start (QSettings)."""
    if spec is not None:
        settings_store().setValue("studio/run", json.dumps(spec.to_dict()))


def saved_run() -> RunSpec | None:
    """The settings remembered from last time, or None (also for a damaged entry)."""
    raw = settings_store().value("studio/run")
    if not raw:
        return None
    try:
        return RunSpec.from_dict(json.loads(str(raw)))
    except (ValueError, TypeError, RecursionError):
        return None  # a damaged or hand-edited entry is dropped, never fatal
