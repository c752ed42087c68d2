"""The worker thread on its own: modes, throttling, eta changes, edits, clean stops."""

import numpy as np
import pytest
from PySide6.QtCore import QObject, Slot

from nnviz.core.datasets.builtin import load_digits
from nnviz.core.learning.network import Network
from nnviz.core.learning.snapshot import CHUNK, DONE, EPOCH
from nnviz.core.learning.training import TrainConfig
from nnviz.ui.training.worker import EDIT, PAUSED, TrainingWorker


class Collector(QObject):
    """Lives in the GUI thread and takes updates the way the studio does."""

    def __init__(self, worker):
        super().__init__()
        self.worker = worker
        self.records = []
        self.snapshots = []
        self.signals = 0
        worker.update_ready.connect(self.on_update)

    @Slot()
    def on_update(self):
        self.signals += 1
        u = self.worker.take()
        self.records.extend(u.records)
        if u.snapshot is not None:
            self.snapshots.append(u.snapshot)


@pytest.fixture
def make_worker(qtbot):
    made = []

    def make(epochs=2, eta=3.0, **kw):
        ds = load_digits()
        net = Network([64, 16, 10], seed=0, dtype=np.float32)
        w = TrainingWorker(
            net, ds, TrainConfig(epochs=epochs, batch_size=10, eta=eta, seed=0), **kw
        )
        c = Collector(w)
        made.append(w)
        w.start()
        qtbot.waitUntil(lambda: len(c.snapshots) >= 1, timeout=5000)
        return w, c

    yield make
    for w in made:
        assert w.stop(3000)


def test_starts_paused_and_publishes_the_untrained_network(make_worker):
    w, c = make_worker()
    assert w.mode == PAUSED
    assert c.snapshots[0].progress.examples_seen == 0
    assert c.snapshots[0].sizes == (64, 16, 10)


def test_play_runs_to_the_end_with_every_epoch_delivered(make_worker, qtbot):
    w, c = make_worker(epochs=3)
    w.play()
    qtbot.waitUntil(lambda: any(r.kind == DONE for r in c.records), timeout=20000)
    epochs = [r for r in c.records if r.kind == EPOCH]
    assert [r.epoch for r in epochs] == [0, 1, 2]
    assert epochs[-1].test_correct > 200  # 300 test digits: it learned
    assert w.finished_run  # as soon as the run's last record has arrived
    qtbot.waitUntil(lambda: w.mode == PAUSED)  # the run's own pause follows its last record
    # The last snapshot shows the final network.
    assert c.snapshots[-1].progress.examples_seen == epochs[-1].examples_seen


def test_step_runs_exactly_one_minibatch(make_worker, qtbot):
    w, c = make_worker()
    before = c.snapshots[-1]
    w.step()
    qtbot.waitUntil(lambda: len(c.snapshots) >= 2 and w.mode == PAUSED, timeout=5000)
    after = c.snapshots[-1]
    assert after.progress.examples_seen == 10 and after.progress.batch == 1
    assert not np.array_equal(after.weights[0], before.weights[0])


def test_step_epoch_stops_at_the_epoch_end(make_worker, qtbot):
    w, c = make_worker(epochs=3)
    w.step_epoch()
    qtbot.waitUntil(
        lambda: any(r.kind == EPOCH for r in c.records) and w.mode == PAUSED, timeout=10000
    )
    # Idle: the run has paused and everything it sent has reached the collector.
    qtbot.waitUntil(lambda: w.idle and c.records[-1] is w.last_progress)
    assert [r.kind for r in c.records if r.kind == EPOCH] == [EPOCH]
    assert c.snapshots[-1].progress.kind == EPOCH


def test_eta_change_applies_to_later_minibatches(make_worker, qtbot):
    w, c = make_worker()
    w.step()
    qtbot.waitUntil(lambda: any(r.examples_seen == 10 for r in c.records), timeout=5000)
    w.set_eta(0.5)
    w.step()
    qtbot.waitUntil(lambda: any(r.examples_seen == 20 for r in c.records), timeout=5000)
    by_seen = {r.examples_seen: r.eta for r in c.records}
    assert by_seen[10] == 3.0 and by_seen[20] == 0.5
    with pytest.raises(ValueError):
        w.set_eta(-1)


class LazyTaker(QObject):
    """Counts signals and takes nothing until told to."""

    def __init__(self, worker):
        super().__init__()
        self.signals = 0
        worker.update_ready.connect(self.on_update)

    @Slot()
    def on_update(self):
        self.signals += 1


def test_one_signal_waits_until_the_gui_takes_the_batch(qtbot):
    """The GUI's event queue never holds more than one of the worker's signals: records pile
    up in the worker until the GUI takes them, then the next signal comes. (The rate of
    snapshots is the training process's, tested with a fake clock in test_driver.py.)"""
    ds = load_digits()
    net = Network([64, 16, 10], seed=0, dtype=np.float32)
    w = TrainingWorker(net, ds, TrainConfig(epochs=200, batch_size=10, eta=3.0, seed=0))
    lazy = LazyTaker(w)
    w.start()
    try:
        qtbot.waitUntil(lambda: lazy.signals == 1)
        w.play()
        qtbot.waitUntil(
            lambda: w.last_progress is not None and w.last_progress.examples_seen > 3000
        )
        assert lazy.signals == 1  # many updates arrived; no second signal before a take
        first = w.take()
        assert len(first.records) > 2 and first.snapshot is not None
        qtbot.waitUntil(lambda: lazy.signals == 2)  # the next batch is announced
        w.pause()
    finally:
        assert w.stop(30_000)


def test_slow_mode_runs_one_minibatch_per_record(make_worker, qtbot):
    """Slowed down, every mini-batch is its own record (and snapshot), so a student sees each
    one; the pace itself is the process's (test_driver.py checks its waits)."""
    w, c = make_worker(epochs=5)
    w.set_speed(10)
    w.play()
    qtbot.waitUntil(lambda: sum(r.examples_seen > 0 for r in c.records) >= 3)
    w.pause()
    qtbot.waitUntil(lambda: w.mode == PAUSED and w.idle)
    seen = [r.examples_seen for r in c.records if r.kind == CHUNK and 0 < r.examples_seen < 1190]
    assert len(seen) >= 3 and seen == list(range(10, 10 * len(seen) + 1, 10))


def test_hand_edit_changes_the_network_and_reports_accuracy(make_worker, qtbot):
    w, c = make_worker()
    w.edit_parameter(1, 3, 5, 42.0)
    qtbot.waitUntil(lambda: any(r.kind == EDIT for r in c.records), timeout=5000)
    edit = next(r for r in c.records if r.kind == EDIT)
    assert edit.test_total == 300 and 0 <= edit.test_correct <= 300
    assert c.snapshots[-1].weights[1][3, 5] == 42.0
    w.edit_parameter(0, 2, None, -7.0)
    qtbot.waitUntil(lambda: c.snapshots[-1].biases[0][2, 0] == -7.0, timeout=5000)


def test_stop_mid_run_ends_the_run_and_its_process(make_worker, qtbot):
    """Stopping interrupts a long run: the thread ends well before the run would have."""
    w, c = make_worker(epochs=1000)
    w.play()
    qtbot.waitUntil(lambda: any(r.examples_seen > 0 for r in c.records))
    assert w.stop(30_000)
    assert not w.isRunning() and not w.finished_run
    assert all(r.kind != DONE for r in c.records)
