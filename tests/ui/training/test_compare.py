"""Side-by-side runs: the eta lesson on the digits, stopping, recordings as runs, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.core.datasets.builtin import load_digits
from nnviz.core.files.recording import Recorder, RecordingWriter, make_header
from nnviz.core.learning.network import Network
from nnviz.core.learning.run import RunSpec
from nnviz.core.learning.snapshot import CHUNK, Progress, Snapshot
from nnviz.core.learning.training import TrainConfig, TrainControl, train
from nnviz.ui.training.compare import CompareView


@pytest.fixture
def view(qtbot, monkeypatch):
    monkeypatch.setenv("NNVIZ_MNIST_DIR", "/nonexistent")  # the digits, wherever this runs
    v = CompareView()
    qtbot.addWidget(v)
    yield v
    v.shutdown()


def live_threads(v: CompareView) -> list:
    threads = [r.worker for r in v.runs.values() if r.worker is not None]
    threads.extend(v.data_jobs.alive())
    return [t for t in threads if t.isRunning()]


def test_digits_comparison_shows_the_eta_lesson(view, qtbot):
    assert view.dataset_box.currentText() == "digits"
    assert view.etas() == [3.0, 0.001, 100.0]
    view.epochs_spin.setValue(4)
    with qtbot.waitSignal(view.finished, timeout=120_000):
        assert view.start()
    assert not live_threads(view)
    assert not view.stop_button.isEnabled() and view.start_button.isEnabled()
    names = list(view.runs)
    assert names == ["η = 3", "η = 0.001", "η = 100"]
    for name in names:
        run = view.runs[name]
        assert run.state == "done", (name, run.state, run.message)
        x, y = view.accuracy.accuracy_data(name)
        np.testing.assert_array_equal(x, [1, 2, 3, 4])
        assert y[-1] == pytest.approx(100 * run.final_accuracy)
        cx, cy = view.cost.cost_data(name)
        assert len(cx) > 4 and np.all(np.isfinite(cy))
    acc = view.final_accuracies()
    assert acc["η = 3"] > 0.8
    assert acc["η = 3"] > acc["η = 0.001"] + 0.4
    assert acc["η = 3"] > acc["η = 100"] + 0.4
    assert "η = 3" in view.runs_label.text() and "done" in view.runs_label.text()
    # the curves' colours match between the two plots
    for name in names:
        cost_pen = view.cost._curves[name].opts["pen"]
        acc_pen = view.accuracy.runs[name].test_curve.opts["pen"]
        assert cost_pen.color().name() == acc_pen.color().name()
        assert cost_pen.color().name() == view.runs[name].colour.lower()
    assert len({view.runs[n].colour for n in names}) == 3


def test_same_seed_same_start(view, qtbot):
    """Runs differ only in eta: two runs with the same eta give identical curves."""
    view.set_etas([0.5, 0.5])
    view.epochs_spin.setValue(2)
    with qtbot.waitSignal(view.finished, timeout=60_000):
        view.start()
    a, b = view.runs.values()
    assert (a.name, b.name) == ("η = 0.5", "η = 0.5 (2)")
    np.testing.assert_array_equal(
        view.accuracy.accuracy_data(a.name)[1], view.accuracy.accuracy_data(b.name)[1]
    )


def test_stopping_mid_run_leaves_no_thread(view, qtbot):
    view.epochs_spin.setValue(100)
    view.start()
    qtbot.waitUntil(
        lambda: any(r.last_epoch is not None for r in view.runs.values()), timeout=60_000
    )
    assert view.is_running and view.stop_button.isEnabled()
    with qtbot.waitSignal(view.finished, timeout=10_000):
        view.stop()
    # Every run says "stopped" at once; their threads end within moments (on a loaded
    # machine a thread may still be ending its process when stop() returns).
    assert all(r.state == "stopped" for r in view.runs.values()), {
        n: (r.state, r.message) for n, r in view.runs.items()
    }
    qtbot.waitUntil(lambda: not live_threads(view))
    assert all(r.last_epoch is None or r.last_epoch.epoch < 99 for r in view.runs.values())
    assert view.start_button.isEnabled() and not view.stop_button.isEnabled()
    # curves stay after stopping
    assert any(len(view.accuracy.accuracy_data(n)[0]) for n in view.runs)


@pytest.mark.slow
def test_shutdown_while_loading_and_on_close(qtbot):
    v = CompareView()
    qtbot.addWidget(v)
    v.start()
    v.shutdown()  # possibly still loading the data set
    assert not live_threads(v)
    v2 = CompareView()
    qtbot.addWidget(v2)
    v2.epochs_spin.setValue(100)
    v2.start()
    qtbot.waitUntil(
        lambda: any(r.worker is not None and r.worker.isRunning() for r in v2.runs.values()),
        timeout=30_000,
    )
    v2.close()
    assert not live_threads(v2)


def test_restart_replaces_live_runs(view, qtbot):
    view.set_etas([3.0])
    view.epochs_spin.setValue(1)
    with qtbot.waitSignal(view.finished, timeout=60_000):
        view.start()
    view.set_etas([1.0, 2.0])
    with qtbot.waitSignal(view.finished, timeout=60_000):
        view.start()
    assert list(view.runs) == ["η = 1", "η = 2"]
    assert set(view.accuracy.runs) == {"η = 1", "η = 2"}


def record_run(path, eta: float, epochs: int = 2):
    ds = load_digits()
    net = Network([64, 30, 10], seed=0, dtype="float32")
    header = make_header(
        RunSpec(
            sizes=net.sizes,
            dataset="digits",
            eta=eta,
            batch_size=10,
            epochs=epochs,
            seed=0,
            dtype="float32",
        )
    )
    recorder = Recorder(RecordingWriter(path, header), snapshots_per_epoch=4)
    start = Progress(CHUNK, 0, 0, 120, 0, float("nan"), eta, 0.0)
    recorder.add(start, Snapshot.capture(net, start))
    epochs_seen = []
    for p in train(net, ds, TrainConfig(epochs=epochs, eta=eta, seed=0), TrainControl(eta)):
        recorder.add(p, Snapshot.capture(net, p) if recorder.wants_snapshot(p) else None)
        if p.test_correct is not None:
            epochs_seen.append(100 * p.test_correct / p.test_total)
    recorder.close()
    return epochs_seen


def test_recordings_as_runs(view, tmp_path):
    expected = record_run(tmp_path / "fast.nnrec", 3.0)
    assert view.add_recording(tmp_path / "fast.nnrec")
    name = "η = 3 (fast)"
    assert list(view.runs) == [name] and view.runs[name].state == "recorded"
    x, y = view.accuracy.accuracy_data(name)
    np.testing.assert_array_equal(x, [1, 2])
    np.testing.assert_allclose(y, expected)
    assert len(view.cost.cost_data(name)[0]) > 2
    assert not view.is_running  # nothing to stop: no thread for a recording
    # the same file again gets its own name
    assert view.add_recording(tmp_path / "fast.nnrec")
    assert "η = 3 (fast) (2)" in view.runs

    # a damaged recording still adds what it holds, and says so
    raw = (tmp_path / "fast.nnrec").read_bytes()
    (tmp_path / "cut.nnrec").write_bytes(raw[: len(raw) // 2])
    assert view.add_recording(tmp_path / "cut.nnrec")
    assert "cut off after frame" in view.message_label.text()

    # not a recording: refused with a message, nothing added
    (tmp_path / "notes.nnrec").write_text("hello")
    n = len(view.runs)
    assert not view.add_recording(tmp_path / "notes.nnrec")
    assert len(view.runs) == n and "not an nnviz recording" in view.message_label.text()

    view.clear()
    assert view.runs == {} and view.accuracy.runs == {}


def test_bad_eta_is_refused(view):
    view.set_etas([3.0])
    view.eta_edits[1].setText("fast")
    assert not view.start()
    assert "η of run 2 must be a number" in view.message_label.text()
    view.eta_edits[1].setText("-1")
    assert not view.start()
    assert "positive" in view.message_label.text()
    for e in view.eta_edits:
        e.setText("")
    assert not view.start()
    assert view.runs == {} and not live_threads(view)


def test_mnist_offered_when_present(qtbot, monkeypatch, mnist_path, tmp_path):
    monkeypatch.setenv("NNVIZ_MNIST_DIR", str(tmp_path / "none"))
    v = CompareView()
    qtbot.addWidget(v)
    assert [v.dataset_box.itemText(i) for i in range(v.dataset_box.count())] == ["digits"]
    monkeypatch.setenv("NNVIZ_MNIST_DIR", str(mnist_path))
    v.refresh_datasets()
    assert [v.dataset_box.itemText(i) for i in range(v.dataset_box.count())] == ["digits", "mnist"]
    assert v.dataset_box.currentText() == "digits"


@pytest.mark.mnist
@pytest.mark.slow
def test_mnist_comparison_one_epoch(qtbot, monkeypatch, mnist_path):
    monkeypatch.setenv("NNVIZ_MNIST_DIR", str(mnist_path))
    v = CompareView()
    qtbot.addWidget(v)
    v.dataset_box.setCurrentText("mnist")
    v.epochs_spin.setValue(1)
    with qtbot.waitSignal(v.finished, timeout=180_000):
        v.start()
    v.shutdown()
    assert v.dataset.name == "mnist"
    acc = v.final_accuracies()
    assert acc["η = 3"] > 0.85
    assert acc["η = 0.001"] < 0.5 and acc["η = 100"] < 0.5


def test_compare_defaults_to_mnist_when_it_is_there(qtbot, mnist_present):
    v = CompareView()
    qtbot.addWidget(v)
    assert v.dataset_box.currentText() == "mnist"
    assert [v.dataset_box.itemText(i) for i in range(v.dataset_box.count())] == ["digits", "mnist"]
    v.shutdown()
