"""The studio's controllers on their own: recording a run, replaying it, network files."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.core.datasets.builtin import load_digits
from nnviz.core.files.network import NetworkFileError, save_network
from nnviz.core.files.recording import read_recording
from nnviz.core.learning.network import Network
from nnviz.core.learning.run import RunSpec
from nnviz.core.learning.snapshot import CHUNK, Progress, Snapshot
from nnviz.core.learning.training import TrainConfig, TrainControl, train
from nnviz.ui.canvas.view import NetworkCanvas
from nnviz.ui.training.network_files import network_from, open_run_network, save_run_network
from nnviz.ui.training.plots import TrainingPlots
from nnviz.ui.training.recorder import RunRecorder
from nnviz.ui.training.replay import ReplayBar
from nnviz.ui.training.replay_mode import ReplayMode, read_replayable

SETTINGS = RunSpec("digits", (64, 10, 10), 3.0, 10, 2, 4, "float32")


def run_updates(epochs: int = 2):
    """(records, snapshot) pairs as the worker hands them over, from a real digits run."""
    net = Network(SETTINGS.sizes, seed=SETTINGS.seed, dtype="float32")
    cfg = TrainConfig(epochs=epochs, batch_size=10, eta=3.0, seed=SETTINGS.seed)
    for p in train(net, load_digits(), cfg, TrainControl(3.0, chunk=300)):
        yield [p], Snapshot.capture(net, p)


@pytest.fixture
def recorded(tmp_path, qapp):
    rec = RunRecorder()
    lines: list[str] = []
    rec.logged.connect(lines.append)
    path = tmp_path / "run.nnrec"
    start = Snapshot.capture(
        Network(SETTINGS.sizes, seed=SETTINGS.seed, dtype="float32"),
        Progress(CHUNK, 0, 0, 120, 0, float("nan"), 3.0, 0.0),
    )
    rec.start(path, SETTINGS, on_screen=start)
    assert rec.active
    for records, snap in run_updates():
        rec.add(records, snap)
    assert rec.stop() == path and not rec.active
    return path, lines


def test_recorder_writes_a_recording_of_the_run(recorded):
    path, lines = recorded
    recording = read_recording(path)
    assert recording.header["dataset"] == "digits" and recording.header["seed"] == 4
    assert recording.frames[0].progress.examples_seen == 0  # the snapshot on screen first
    assert recording.frames[-1].progress.examples_seen > 0
    assert lines == [f"Recording to {path}", f"Recording saved: {path}"]


def test_recorder_refuses_without_a_run_and_reports_write_errors(tmp_path, qapp):
    rec = RunRecorder()
    with pytest.raises(ValueError, match="no run"):
        rec.start(tmp_path / "x.nnrec", None)
    assert rec.stop() is None
    failures: list[str] = []
    rec.failed.connect(failures.append)
    rec.start(tmp_path / "y.nnrec", SETTINGS)

    class Full:
        def add_update(self, records, snapshot):
            raise OSError(28, "No space left on device")

        def abort(self):
            self.aborted = True

    full = Full()
    rec._recorder = full
    rec.add([], None)
    assert not rec.active and full.aborted
    assert len(failures) == 1 and "No space left" in failures[0]


def plotted(plots: TrainingPlots) -> int:
    xs, _ = plots.cost_plot.raw_curve.getData()
    return 0 if xs is None else len(xs)


def test_replay_mode_drives_canvas_and_plots_and_hands_them_back(recorded, qtbot):
    path, _ = recorded
    canvas, plots, bar = NetworkCanvas(), TrainingPlots(), ReplayBar()
    for w in (canvas, plots, bar):
        qtbot.addWidget(w)
    mode = ReplayMode(canvas, plots, bar)
    frames: list[Snapshot] = []
    mode.frame_shown.connect(frames.append)
    recording = read_replayable(path)
    mode.enter(recording)
    assert mode.active and not bar.isHidden()
    assert frames and frames[0].progress.examples_seen == 0
    last = mode.controller.frame_count - 1
    mode.controller.seek(last)
    assert frames[-1].progress.examples_seen == recording.frames[-1].progress.examples_seen
    plotted_at_end = plotted(plots)
    assert plotted_at_end > 0
    mode.controller.seek(0)  # backwards: the plots are rebuilt, not appended to
    assert plotted(plots) < plotted_at_end
    assert mode.leave() and not mode.active and bar.isHidden()
    assert not mode.leave()  # nothing left to leave


def test_read_replayable_refuses_a_recording_without_frames(tmp_path):
    bad = tmp_path / "notes.nnrec"
    bad.write_text("not a recording")
    with pytest.raises(Exception, match="recording"):
        read_replayable(bad)


def test_network_files_round_trip_the_run(tmp_path):
    net = Network(SETTINGS.sizes, seed=3, dtype="float32")
    p = Progress(CHUNK, 1, 0, 120, 2400, 0.2, 2.5, 1.0)
    snap = Snapshot.capture(net, p)
    path = save_run_network(tmp_path / "net.npz", SETTINGS, snap)
    loaded, s, start_epoch = open_run_network(path, None)
    assert s == RunSpec("digits", (64, 10, 10), 2.5, 10, 2, 4, "float32")
    assert start_epoch == 2  # saved during epoch 1: go on with the next
    for a, b in zip(loaded.weights, network_from(snap).weights):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="no network"):
        save_run_network(tmp_path / "none.npz", SETTINGS, None)


def test_network_files_refuse_what_no_data_set_fits(tmp_path):
    path = save_network(tmp_path / "odd.npz", Network([5, 3, 2], seed=0), {})
    with pytest.raises(ValueError, match="5 inputs"):
        open_run_network(path, None)
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"PK not really")
    with pytest.raises(NetworkFileError):
        open_run_network(junk, None)
