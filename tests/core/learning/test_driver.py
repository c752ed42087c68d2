"""The training process's publisher: how often the window gets a snapshot."""

import pytest

from nnviz.core.datasets.builtin import truth_table_dataset
from nnviz.core.learning import driver as driver_module
from nnviz.core.learning.driver import Driver
from nnviz.core.learning.network import Network
from nnviz.core.learning.snapshot import CHUNK, Progress
from nnviz.core.learning.training import TrainConfig


@pytest.mark.parametrize("record_ms", [16.7, 10.0, 7.0, 25.0, 60.0, 100.0])
def test_snapshots_keep_the_live_rate_when_records_come_at_any_pace(monkeypatch, record_ms):
    """At 24 a second, whatever the length of a chunk of work (a fake clock, no sleeping)."""
    clock = [100.0]
    monkeypatch.setattr(driver_module.time, "perf_counter", lambda: clock[0])
    sent = []
    ds = truth_table_dataset("xor")
    d = Driver(Network([2, 2, 1], seed=0), ds, TrainConfig(), sent.append, max_rate=24.0)
    record = Progress(CHUNK, 0, 1, 4, 4, 0.1, 3.0, 0.0)
    for _ in range(int(10_000 / record_ms)):  # ten seconds of records
        clock[0] += record_ms / 1000
        d.publish(record, urgent=False)
    updates = [m for m in sent if m[0] == "update"]
    rate = len(updates) / 10.0
    # The cap when records come faster than it, else every record.
    assert 23.5 <= rate <= 24.5 if record_ms < 1000 / 24 else rate >= 1000 / record_ms - 0.5
