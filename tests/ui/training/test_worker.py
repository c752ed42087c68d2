"""The worker thread on its own: modes, throttling, eta changes, edits, clean stops."""

import numpy as np
import pytest
from PySide6.QtCore import QObject, Slot

from nnviz.core.datasets.builtin import load_digits
from nnviz.core.learning.network import Network
from nnviz.core.learning.snapshot import DONE, EPOCH
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
    assert w.finished_run and w.mode == PAUSED
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
    qtbot.wait(200)
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


def test_throttled_to_about_30_signals_a_second(make_worker, qtbot):
    w, c = make_worker(epochs=200, max_rate=30.0)
    w.set_speed(0)
    w.play()
    qtbot.wait(1500)
    w.pause()
    qtbot.waitUntil(lambda: w.mode == PAUSED, timeout=3000)
    seen = c.records[-1].examples_seen if c.records else 0
    assert seen > 0
    # Many more records than signals: records are batched, signals are rate-limited.
    assert c.signals <= 1.5 * 30 * 1.5 + 5
    assert len(c.records) >= c.signals


def test_slow_mode_limits_minibatches_per_second(make_worker, qtbot):
    w, c = make_worker(epochs=5)
    w.set_speed(10)
    w.play()
    qtbot.wait(1000)
    w.pause()
    qtbot.waitUntil(lambda: w.mode == PAUSED, timeout=3000)
    qtbot.wait(100)
    seen = max(r.examples_seen for r in c.records)
    assert 10 <= seen <= 10 * 10 * 2 + 10  # about 10 mini-batches of 10 in one second


def test_hand_edit_changes_the_network_and_reports_accuracy(make_worker, qtbot):
    w, c = make_worker()
    w.edit_parameter(1, 3, 5, 42.0)
    qtbot.waitUntil(lambda: any(r.kind == EDIT for r in c.records), timeout=5000)
    edit = next(r for r in c.records if r.kind == EDIT)
    assert edit.test_total == 300 and 0 <= edit.test_correct <= 300
    assert c.snapshots[-1].weights[1][3, 5] == 42.0
    w.edit_parameter(0, 2, None, -7.0)
    qtbot.waitUntil(lambda: c.snapshots[-1].biases[0][2, 0] == -7.0, timeout=5000)


def test_stop_mid_run_is_fast(make_worker, qtbot):
    import time

    w, c = make_worker(epochs=1000)
    w.play()
    qtbot.wait(300)
    t = time.perf_counter()
    assert w.stop(1000)
    assert time.perf_counter() - t < 1.0
