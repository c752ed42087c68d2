"""Replay: seeking and scrubbing emit the right frames, playback honours its speed, the bar."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QObject, Slot

from nnviz.core.datasets.builtin import load_digits
from nnviz.core.files.recording import Recorder, RecordingWriter, make_header, read_recording
from nnviz.core.learning.network import Network
from nnviz.core.learning.run import RunSpec
from nnviz.core.learning.snapshot import CHUNK, DONE, EPOCH, Progress, Snapshot
from nnviz.core.learning.training import TrainConfig, TrainControl, train
from nnviz.ui.training.replay import SPEEDS, ReplayBar, ReplayController, ReplaySpeed, epoch_text
from nnviz.ui.training.worker import TrainingWorker


@pytest.fixture(scope="module")
def recording_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("rec") / "digits.nnrec"
    ds = load_digits()
    net = Network([64, 10, 10], seed=2, dtype="float32")
    cfg = TrainConfig(epochs=3, batch_size=10, eta=3.0, seed=2)
    header = make_header(
        RunSpec(
            sizes=net.sizes,
            dataset="digits",
            eta=3.0,
            batch_size=10,
            epochs=3,
            seed=2,
            dtype="float32",
        )
    )
    recorder = Recorder(RecordingWriter(path, header), snapshots_per_epoch=6)
    start = Progress(CHUNK, 0, 0, 120, 0, float("nan"), 3.0, 0.0)
    recorder.add(start, Snapshot.capture(net, start))
    for p in train(net, ds, cfg, TrainControl(3.0, chunk=recorder.chunk_for(120))):
        recorder.add(p, Snapshot.capture(net, p) if recorder.wants_snapshot(p) else None)
    recorder.close()
    return path


@pytest.fixture
def controller(recording_path, qapp):
    c = ReplayController.from_file(recording_path)
    yield c
    c.pause()


class Catcher:
    def __init__(self, controller: ReplayController) -> None:
        self.frames: list[Snapshot] = []
        controller.frame_shown.connect(self.frames.append)


def same_frame(a: Snapshot, b: Snapshot) -> bool:
    return (
        a.progress.examples_seen == b.progress.examples_seen
        and a.progress.kind == b.progress.kind
        and all(np.array_equal(x, y) for x, y in zip(a.weights, b.weights))
        and all(np.array_equal(x, y) for x, y in zip(a.biases, b.biases))
    )


def test_recording_has_the_expected_frames(controller):
    # the start, 5 inside + 1 end per epoch for 3 epochs, the final DONE record
    assert controller.frame_count == 1 + 3 * 6 + 1
    assert controller.frame(0).progress.examples_seen == 0
    assert controller.frame(controller.frame_count - 1).progress.kind == DONE


def test_seek_emits_the_right_frames_forward_and_back(controller):
    caught = Catcher(controller)
    rec = controller.recording
    order = [0, 7, 3, 19, 12, 12, 1]
    for i in order:
        controller.seek(i)
    assert len(caught.frames) == len(order)
    for i, shown in zip(order, caught.frames):
        assert same_frame(shown, rec.frames[i])
        assert controller.records_until(i)[-1] is rec.progress_records[rec.frame_records[i]]
    # scrubbing back gives fewer records: the plots are rebuilt to that moment
    assert len(controller.records_until(3)) < len(controller.records_until(12))
    epochs_by_7 = [p for p in controller.records_until(7) if p.kind == EPOCH]
    assert [p.epoch for p in epochs_by_7] == [0]
    controller.seek(-5)
    assert controller.position == 0
    controller.seek(10_000)
    assert controller.position == controller.frame_count - 1
    controller.step(-2)
    assert controller.position == controller.frame_count - 3
    assert controller.last_epoch_before(0) is None
    assert controller.last_epoch_before(5) is None  # epoch 0 ends at frame 6
    assert controller.last_epoch_before(6).epoch == 0
    assert controller.last_epoch_before(11).epoch == 0
    assert controller.last_epoch_before(10_000).epoch == 2


def test_play_whole_run_in_given_time(controller, qtbot):
    """The whole run is spread evenly over the given time (its schedule), and playing it
    shows frames in order up to the last one."""
    speed = ReplaySpeed("0.5 s", whole_run_seconds=0.5)
    records = [controller.frame(i).progress for i in range(controller.frame_count)]
    stamps = speed.timestamps(records)
    assert stamps[0] == 0 and stamps[-1] == pytest.approx(0.5)
    np.testing.assert_allclose(np.diff(stamps), 0.5 / (len(stamps) - 1))
    caught = Catcher(controller)
    controller.seek(0)
    caught.frames.clear()
    with qtbot.waitSignal(controller.finished):
        controller.play(speed)
    assert not controller.playing
    seen = [f.progress.examples_seen for f in caught.frames]
    assert seen == sorted(seen) and len(seen) >= 1
    assert same_frame(caught.frames[-1], controller.frame(controller.frame_count - 1))


def test_play_in_frames_per_second_and_pause(controller, qtbot):
    controller.seek(0)
    controller.play(2.0)  # 20 frames in ~10 s: a pause after the first step lands inside
    assert controller.playing and controller.speed.fps == 2.0
    qtbot.waitUntil(lambda: controller.position >= 1)
    controller.pause()
    stopped_at = controller.position
    assert 1 <= stopped_at < controller.frame_count - 1
    qtbot.settle()
    assert controller.position == stopped_at and not controller.playing
    # playing again continues from where it paused
    caught = Catcher(controller)
    with qtbot.waitSignal(controller.finished, timeout=5000):
        controller.play(100.0)
    assert (
        caught.frames[0].progress.examples_seen
        >= controller.frame(stopped_at).progress.examples_seen
    )


def test_play_at_the_end_restarts(controller, qtbot):
    controller.seek(controller.frame_count - 1)
    caught = Catcher(controller)
    with qtbot.waitSignal(controller.finished, timeout=5000):
        controller.play(200.0)
    assert caught.frames[0].progress.examples_seen == 0


def test_real_time_speed_follows_training_seconds(controller):
    frames = [controller.frame(i).progress for i in range(controller.frame_count)]
    one = ReplaySpeed("1x", real_time=1).timestamps(frames)
    two = ReplaySpeed("2x", real_time=2).timestamps(frames)
    assert one[0] == 0 and np.all(np.diff(one) >= 0)
    np.testing.assert_allclose(one[-1], frames[-1].seconds - frames[0].seconds)
    np.testing.assert_allclose(two, one / 2)
    with pytest.raises(ValueError):
        controller.set_speed(0)


def test_bar_scrubbing_and_labels(controller, qtbot):
    bar = ReplayBar(controller)
    qtbot.addWidget(bar)
    caught = Catcher(controller)
    assert bar.slider.maximum() == controller.frame_count - 1
    bar.slider.setValue(7)
    assert controller.position == 7 and same_frame(caught.frames[-1], controller.frame(7))
    assert bar.epoch_label.text().startswith("epoch 2 / 3  ·  ")
    assert bar.epoch_label.text().endswith("% test after epoch 1")
    assert bar.frame_label.text() == f"snapshot 8 / {controller.frame_count}"
    bar.slider.setValue(6)  # epoch 0's end: its accuracy is shown
    assert bar.epoch_label.text().startswith("epoch 1 / 3") and "% test" in bar.epoch_label.text()
    bar.slider.setValue(0)
    assert bar.epoch_label.text() == "start: epoch 0 / 3"
    # the controller moving the position moves the slider without a feedback seek
    n = len(caught.frames)
    controller.seek(12)
    assert bar.slider.value() == 12 and len(caught.frames) == n + 1
    assert not bar.damage_label.isVisible()


def test_bar_play_button_speed_and_back_to_live(controller, qtbot):
    bar = ReplayBar(controller)
    qtbot.addWidget(bar)
    bar.speed_box.setCurrentIndex(3)
    assert controller.speed == SPEEDS[3]
    bar.play_button.click()
    assert controller.playing and bar.play_button.text() == "Pause"
    with qtbot.waitSignal(bar.back_to_live, timeout=1000):
        bar.live_button.click()
    assert not controller.playing and bar.play_button.text() == "Play"


def test_bar_shows_damage_and_handles_empty(recording_path, tmp_path, qtbot):
    raw = recording_path.read_bytes()
    cut = tmp_path / "cut.nnrec"
    cut.write_bytes(raw[: len(raw) * 2 // 3])
    rec = read_recording(cut)
    assert rec.damaged
    bar = ReplayBar(ReplayController(rec))
    qtbot.addWidget(bar)
    bar.show()
    assert bar.damage_label.isVisible() and bar.damage_label.toolTip() == rec.damaged
    assert bar.slider.maximum() == len(rec.frames) - 1

    empty = tmp_path / "empty.nnrec"
    RecordingWriter(
        empty,
        make_header(RunSpec(sizes=[2, 1], dataset="and", eta=1, batch_size=1, epochs=1, seed=0)),
    ).close()
    c = ReplayController.from_file(empty)
    bar.set_controller(c)
    assert not bar.play_button.isEnabled() and not bar.slider.isEnabled()
    with qtbot.waitSignal(c.finished, timeout=1000):
        c.play()
    c.seek(3)  # nothing to show, nothing raised
    bar.set_controller(None)
    assert bar.epoch_label.text() == "no recording"


def test_epoch_text():
    p = Progress(CHUNK, 11, 40, 100, 12_345, 0.1, 3.0, 1.0)
    assert epoch_text(p, 30) == "epoch 12 / 30"
    e = Progress(EPOCH, 11, 100, 100, 12_345, 0.1, 3.0, 1.0, test_correct=9412, test_total=10000)
    assert epoch_text(e, 30) == "epoch 12 / 30  ·  94.12% test"
    later = Progress(CHUNK, 12, 10, 100, 13_000, 0.1, 3.0, 1.0)
    assert epoch_text(later, 30, e) == "epoch 13 / 30  ·  94.12% test after epoch 12"
    assert epoch_text(later, 30) == "epoch 13 / 30"
    assert epoch_text(Progress(DONE, 29, 100, 100, 9, 0.1, 3.0, 1.0), 30, e) == (
        "done: epoch 30 / 30  ·  94.12% test"
    )


class RecordingCollector(QObject):
    """Takes worker updates in the GUI thread and records them, as the studio would."""

    def __init__(self, worker: TrainingWorker, recorder: Recorder) -> None:
        super().__init__()
        self.worker, self.recorder = worker, recorder
        self.records: list[Progress] = []
        self.snapshot = None
        worker.update_ready.connect(self.on_update)

    @Slot()
    def on_update(self) -> None:
        u = self.worker.take()
        self.records.extend(u.records)
        self.snapshot = u.snapshot or self.snapshot
        self.recorder.add_update(u.records, u.snapshot)


def test_recording_a_live_worker_run_replays_it(tmp_path, qtbot):
    ds = load_digits()
    net = Network([64, 16, 10], seed=0, dtype="float32")
    config = TrainConfig(epochs=3, batch_size=10, eta=3.0, seed=0)
    header = make_header(
        RunSpec(
            sizes=net.sizes,
            dataset="digits",
            eta=3.0,
            batch_size=10,
            epochs=3,
            seed=0,
            dtype="float32",
        )
    )
    recorder = Recorder(RecordingWriter(tmp_path / "live.nnrec", header), snapshots_per_epoch=8)
    worker = TrainingWorker(net, ds, config)
    collector = RecordingCollector(worker, recorder)
    with qtbot.waitSignal(worker.finished, timeout=60_000):
        worker.start()
        worker.play()
    collector.on_update()  # whatever arrived after the last signal
    recorder.close()
    rec = read_recording(tmp_path / "live.nnrec")
    assert rec.damaged is None
    assert len(rec.progress_records) == len(collector.records)
    assert [p.epoch for p in rec.epoch_records()] == [0, 1, 2]
    assert rec.frames[0].progress.examples_seen == 0
    # The worker throttles snapshots, so an epoch's end has parameters only when a snapshot
    # was taken right there; every EPOCH record is kept anyway, and no epoch holds more than
    # 8 snapshots.
    for e in range(3):
        inside = [
            s
            for s in rec.frames
            if s.progress.epoch == e
            and s.progress.kind in (CHUNK, EPOCH)
            and s.progress.examples_seen > 0
        ]
        assert len(inside) <= 8
    # the recorded final network is the run's final network (to float16 precision); the run
    # trains in its own process, so that is the last snapshot the GUI received
    last = rec.frames[-1]
    assert last.progress.kind == DONE
    assert collector.snapshot.progress.kind == DONE
    np.testing.assert_allclose(last.weights[0], collector.snapshot.weights[0], rtol=1e-3, atol=1e-3)
    # and replaying it shows those frames in order
    c = ReplayController(rec)
    caught = Catcher(c)
    with qtbot.waitSignal(c.finished, timeout=5000):
        c.play(500.0)
    seen = [f.progress.examples_seen for f in caught.frames]
    assert seen == sorted(seen) and seen[-1] == last.progress.examples_seen
