"""The Training tab: pick a network, press Play, watch it learn.

The studio owns the current run: the data set, the worker thread driving SGD, and the newest
snapshot. Views (canvas, plots, example view, log) only ever receive snapshots and progress
records; the network itself lives in the worker.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QWidget,
)

from nnviz.core.datasets.dataset import Dataset
from nnviz.core.datasets.mnist import find_mnist
from nnviz.core.learning.network import Network
from nnviz.core.learning.presets import Preset, load_presets
from nnviz.core.learning.run import RunSpec
from nnviz.core.learning.snapshot import Progress, Snapshot
from nnviz.ui.pages import restore_tabs, tab_states
from nnviz.ui.training.banner import RunBanner
from nnviz.ui.training.edit_history import EditHistory
from nnviz.ui.training.example_panel import ExamplePanel
from nnviz.ui.training.live_views import LiveViews
from nnviz.ui.training.network_files import network_from, open_run_network, save_run_network
from nnviz.ui.training.recorder import RunRecorder
from nnviz.ui.training.replay import ReplayController
from nnviz.ui.training.replay_mode import ReplayMode, read_replayable
from nnviz.ui.training.run_controller import (
    MNIST_ACTIONS,
    RunController,
    remember_run,
    saved_run,
    unit_names_for,
)
from nnviz.ui.training.studio_layout import build_layout, show_secondary, split_centre
from nnviz.ui.training.worker import PLAYING, TrainingWorker

SHUTDOWN_WAIT_MS = 30_000  # the longest a close waits for a run's thread or a data load


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
        self.settings: RunSpec | None = None
        self.worker: TrainingWorker | None = None
        self.snapshot: Snapshot | None = None
        self.start_epoch = 0
        self.shut_down = False  # closing: start no new work (a deferred start may come later)
        self._preset_key: str | None = None  # the preset the current run came from
        self._split_done = False
        self.recorder = RunRecorder(self)
        self.recorder.logged.connect(self.add_log_line)
        self.recorder.failed.connect(self._on_recording_failed)
        self.replay_path: Path | None = None  # the recording being replayed
        self._build()
        self.replay_mode = ReplayMode(self.canvas, self.plots, self.replay_bar, self)
        self.replay_mode.frame_shown.connect(self._on_replay_frame)
        self.grid_box.setChecked(True)  # (no network yet: nothing to redraw)
        # Pick the first experiment (and load its data) once the window is on screen, so it
        # shows at once.
        QTimer.singleShot(0, self, self._start_when_shown)

    # -- layout --------------------------------------------------------------------------
    def _build(self) -> None:
        build_layout(self)  # the widgets (nnviz.ui.training.studio_layout)
        self.edits = EditHistory(self, self._send_edit)  # hand edits of weights and biases
        self.run = RunController(self)
        self.views = LiveViews(self)
        self.examples = ExamplePanel(self)
        # What the widgets do:
        c = self.controls
        self.messages = RunBanner(self.banner, [self.banner_button, self.banner_button2], self)
        self.messages.action.connect(self._on_banner_button)
        # An image's inputs are drawn as the image, by default: its first-layer lines move as
        # the network learns, while a column shows x1..x10 and x775..x784, border pixels
        # that are 0 in every MNIST digit, whose weights never change.
        self.grid_wanted = True
        self.grid_box.toggled.connect(self.examples.on_grid_toggled)
        self.dataset_changed.connect(self.examples.on_dataset_changed)
        self.replay_bar.back_to_live.connect(self.leave_replay)
        c.play_toggled.connect(self.toggle_play)
        c.step_clicked.connect(self.step)
        c.step_epoch_clicked.connect(self.step_epoch)
        c.reset_clicked.connect(self.reset)
        c.preset_chosen.connect(self.apply_preset)
        c.settings_edited.connect(self.run.on_settings_edited)
        c.eta_edited.connect(self.run.on_eta_edited)
        c.speed_changed.connect(self.run.on_speed_changed)
        self.prev_button.clicked.connect(lambda: self.examples.show(self.examples.index - 1))
        self.next_button.clicked.connect(lambda: self.examples.show(self.examples.index + 1))
        self.example_spin.valueChanged.connect(self.examples.show)
        self.canvas.neuron_clicked.connect(self.examples.on_neuron_clicked)
        self.canvas.weight_edited.connect(self._on_weight_edit)
        self.canvas.bias_edited.connect(self._on_bias_edit)

    # -- experiments -------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._split_done:
            # Plots get 40% of the height from the start (the splitter would otherwise give
            # them what is left over, about 55 pixels on a 1280x720 projector).
            self._split_done = True
            QTimer.singleShot(0, self, lambda: split_centre(self))

    def _start_when_shown(self, waited_ms: int = 0) -> None:
        """Choose the first experiment after the window's first frame (at once if the studio
        is not shown at all, e.g. in a test; after at most 2 s in any case)."""
        if self.shut_down:
            return
        handle = self.window().windowHandle() if self.isVisible() else None
        if handle is not None and not handle.isExposed() and waited_ms < 2000:
            QTimer.singleShot(10, self, lambda: self._start_when_shown(waited_ms + 10))
            return
        self.run.choose_first_run()

    @Slot(object)
    def apply_preset(self, preset: Preset) -> None:
        if preset.dataset == "mnist" and find_mnist() is None:
            trained = self.snapshot is not None and self.snapshot.progress.examples_seen > 0
            self.show_banner(
                f"\u201c{preset.title}\u201d needs MNIST, which is not downloaded yet (about "
                "11 MB). Download it or choose a folder that holds it, then pick the preset again. "
                + (
                    "Your current run is kept."
                    if trained
                    else "Meanwhile the built-in 8x8 digits are loaded."
                ),
                "warning",
                actions=MNIST_ACTIONS,
                topic="mnist",
            )
            if trained:  # never throw away a network the user has trained
                combo = self.controls.preset_combo
                combo.blockSignals(True)
                combo.setCurrentIndex(max(0, combo.findData(self._preset_key)))
                combo.blockSignals(False)
                return
            preset = next(p for p in self.presets if p.key == "digits")
        elif self.messages.topic != "mnist" or find_mnist() is not None:
            self.hide_banner()  # (an offer of MNIST stays until MNIST is there)
        seed = self.settings.seed if self.settings else 0
        dtype = self.settings.dtype if self.settings else "float32"
        s = preset.spec(seed, dtype)
        self.controls.show_settings(s)
        self.controls.set_lesson(preset.lesson)
        self.controls.preset_combo.setCurrentIndex(self.controls.preset_combo.findData(preset.key))
        self._preset_key = preset.key
        # A preset chosen while training trains on: the new run starts playing when ready.
        self.run.start(s, keep_playing=self.playing)

    def set_baseline(self, key: str, label: str, percent: float) -> None:
        self.plots.accuracy_plot.set_baseline(key, percent, label)

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
            self.run.pending_play = True
            return
        if self.worker.finished_run:
            self.status_changed.emit("This run is finished: press Reset (R) to start again")
            return
        self.edits.clear()  # training moves every parameter: the old values mean nothing
        self.worker.play()

    def pause(self) -> None:
        if self.worker is not None:
            self.worker.pause()

    def step(self) -> None:
        if self.worker is not None and not self.worker.finished_run and not self.playing:
            self.edits.clear()
            self.worker.step()

    def step_epoch(self) -> None:
        if self.worker is not None and not self.worker.finished_run and not self.playing:
            self.edits.clear()
            self.worker.step_epoch()

    def reset(self) -> None:
        """New weights from the seed with the settings shown."""
        try:
            s = self.controls.settings()
        except ValueError:
            return
        self.hide_banner("diagnosis")  # a diagnosis of the old run says nothing of the new
        self.run.start(s)

    # -- snapshots in ----------------------------------------------------------------------------

    # -- the page's state (sessions and deck steps; nnviz.ui.pages) ------------------------------
    def show_example(self, index: int) -> None:
        """Show test example ``index`` (wrapping around) beside the network."""
        self.examples.show(index)

    @property
    def example_index(self) -> int:
        return self.examples.index

    @property
    def live_records(self) -> list[Progress]:
        """The live run's records so far (what a session keeps as its history)."""
        return list(self.run.records)

    @property
    def preset_key(self) -> str | None:
        """The preset the current run was set up from, if any."""
        key = self.controls.preset_combo.currentData()
        return str(key) if key else None

    def state(self) -> dict:
        return {"tabs": tab_states(self), "example": self.examples.index}

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
                self.examples.index = max(0, int(state["example"]))
            else:
                self.examples.show(int(state["example"]))
        sizes = self.settings.sizes if self.settings is not None else ()
        if "weights_of" in state and len(sizes) > 2 and 1 <= int(state["weights_of"]) <= sizes[1]:
            self.examples.on_neuron_clicked(1, int(state["weights_of"]) - 1)
        restore_tabs(self, state.get("tabs"))

    # -- example browsing -------------------------------------------------------------------------

    # -- clicks on the canvas -------------------------------------------------------------------

    @Slot(int, int, int, float)
    def _on_weight_edit(self, layer: int, j: int, k: int, value: float) -> None:
        if self.snapshot is None or self.worker is None or self.playing:
            return
        old = float(self.snapshot.weights[layer][j, k])
        if old != value:
            self.edits.edit(layer, j, k, old, value)

    @Slot(int, int, float)
    def _on_bias_edit(self, layer: int, j: int, value: float) -> None:
        if self.snapshot is None or self.worker is None or self.playing:
            return
        old = float(self.snapshot.biases[layer][j, 0])
        if old != value:
            self.edits.edit(layer, j, None, old, value)

    def _send_edit(self, layer: int, j: int, k: int | None, value: float, note: str) -> None:
        if self.worker is not None:
            self.worker.edit_parameter(layer, j, k, value, note)

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
        self.recorder.start(path, self.settings, self.run.latest_snapshot)

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
        self.examples.image_shown = None
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
            topic="replay",
        )
        return recording.damaged

    @Slot(object)
    def _on_replay_frame(self, snap: Snapshot) -> None:
        self.views.show_snapshot(snap, live=False)

    def leave_replay(self) -> None:
        """Back to the live run: its network, plots and example."""
        if not self.replay_mode.leave():
            return
        self.replay_path = None
        self.hide_banner("replay")
        snap = self.run.latest_snapshot
        if snap is not None:
            self.canvas.set_network(
                snap.sizes,
                snap.weights,
                snap.biases,
                unit_names=unit_names_for(self.dataset, snap.sizes),
            )
            self.examples.image_shown = None
        self.plots.clear()
        self.plots.extend(r for r in self.run.records if r.examples_seen)
        if snap is not None:
            self.views.show_snapshot(snap)
        if self.settings is None:  # a recording opened at start: the first live run now
            self.run.choose_first_run()

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
        self.run.start(s, network=net, start_epoch=start_epoch)
        self.add_log_line(f"Opened {path}")

    def remember_settings(self) -> None:
        """Keep the current run settings for the next start."""
        remember_run(self.settings)

    @staticmethod
    def saved_settings() -> RunSpec | None:
        """The settings remembered from last time, or None (also for a damaged entry)."""
        return saved_run()

    def set_compact(self, on: bool) -> None:
        """Presenter mode (the page hook every page may have): the settings panel, the log
        and the weight heatmap give their room to the canvas and the plots."""
        show_secondary(self, not on)

    def apply_session(self, session) -> None:
        """Restore a session's settings, network and chosen example."""
        s = session.run
        self.controls.show_settings(s)
        epoch = (session.network_meta or {}).get("epoch")
        start = 0 if epoch is None else int(epoch) + 1
        self.examples.index = max(0, int(session.example_index))
        # The run's curves and log come back once the data set is loaded and the run built.
        self.run.restore_history = (list(session.history), session.log)
        self.run.start(s, network=session.network, start_epoch=start)

    # -- messages -------------------------------------------------------------------------------
    def show_banner(
        self,
        text: str,
        kind: str = "info",
        action: tuple[str, str] | None = None,
        *,
        actions: list[tuple[str, str]] | None = None,
        topic: str = "",
    ) -> None:
        """Show ``text``; ``action`` = (button label, key), or up to two ``actions``, add
        buttons that emit ``banner_action(key)`` (or, for "reseed", start over with the next
        seed). ``topic`` "diagnosis" goes with the run; "mnist" stays until MNIST is there."""
        self.messages.show(text, kind, actions or ([action] if action else []), topic)

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

    def hide_banner(self, topic: str | None = None) -> None:
        """Hide the banner (only if it is about ``topic``, when given)."""
        self.messages.hide(topic)

    def add_log_line(self, text: str) -> None:
        """Append a line to the run's log."""
        self.log.appendPlainText(text)

    # -- shutdown ------------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Stop every thread this view started (the window is closing); finish a recording.
        Nothing new starts afterwards."""
        self.shut_down = True
        if self.recorder.active:
            try:
                self.stop_recording()
            except OSError:
                pass
        self.replay_mode.stop()
        # Closing: wait long enough for a loaded machine. A worker's thread ends within about
        # two seconds of a stop (it ends its process by force after one); loading data cannot
        # be interrupted midway. A QThread destroyed while running would abort the app.
        self.run.shutdown(SHUTDOWN_WAIT_MS)
