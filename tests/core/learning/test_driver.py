"""The training process's publisher: how often the window gets a snapshot."""

import os
import subprocess
import sys
import threading

import pytest

from nnviz.core.datasets.builtin import truth_table_dataset
from nnviz.core.learning import driver as driver_module
from nnviz.core.learning.driver import Driver, Sender, serve
from nnviz.core.learning.network import Network
from nnviz.core.learning.snapshot import CHUNK, DONE, EPOCH, Progress
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


@pytest.mark.parametrize("tick_s", [0.0, 0.2])
def test_slow_mode_runs_a_minibatch_then_waits_out_the_rest_of_its_time(monkeypatch, tick_s):
    """At 10 mini-batches a second each record is one mini-batch, and the driver then waits
    (listening for commands) for what is left of its 1/10 s: all of it when the work took no
    time, none when it took longer (a fake clock that moves tick_s at every reading)."""
    clock = [50.0]

    def perf_counter():
        clock[0] += tick_s
        return clock[0]

    monkeypatch.setattr(driver_module.time, "perf_counter", perf_counter)
    ds = truth_table_dataset("xor")
    config = TrainConfig(epochs=2, batch_size=2, eta=1.0, seed=0)
    sent = []
    d = Driver(Network([2, 3, 1], seed=0), ds, config, sent.append)
    commands = [("mode", driver_module.PLAYING, 1), ("speed", 10.0)]
    waits = []

    def poll(timeout):
        if timeout > 0:
            waits.append(timeout)
        return bool(commands)

    d.run(poll, lambda: commands.pop())
    records = [r for m in sent if m[0] == "update" for r in m[1] if r.kind in (CHUNK, EPOCH)]
    trained = [r.examples_seen for r in records if r.examples_seen > 0]
    assert trained == [2, 4, 6, 8]  # 2 epochs of 2 mini-batches, one record each
    assert waits == ([pytest.approx(0.1)] * 4 if tick_s == 0 else [])


def test_sender_never_blocks_training_and_merges_updates_while_the_parent_is_slow():
    """The parent stops reading: calls return at once; once it reads, it gets every record in
    order, the newest snapshot, and the other messages where they were sent."""
    gate = threading.Event()
    entered = threading.Event()
    got = []

    def slow_send(msg):
        entered.set()
        gate.wait(60)
        got.append(msg)

    sender = Sender(slow_send)
    sender(("update", [1], "s1"))  # taken by the thread, which then waits at the gate
    assert entered.wait(30)
    sender(("update", [2], "s2"))
    sender(("update", [3, 4], "s3"))
    sender(("mode", "paused", 7))
    sender(("update", [5], "s5"))
    sender(("finished",))
    # Every call returned while the gate is still shut: none of them waited for the parent.
    assert got == [] and not gate.is_set()
    gate.set()
    sender.close()
    assert got == [
        ("update", [1], "s1"),
        ("update", [2, 3, 4], "s3"),
        ("mode", "paused", 7),
        ("update", [5], "s5"),
        ("finished",),
    ]


def test_sender_raises_the_pipe_error_on_the_next_call():
    def broken(msg):
        raise BrokenPipeError("the parent has gone")

    sender = Sender(broken)
    sender(("idle",))
    sender.close()
    with pytest.raises(BrokenPipeError):
        sender(("update", [1], "s"))


def test_a_served_run_delivers_every_record_through_the_sender():
    """The whole process entry point in this thread, over a real pipe: epoch records, the
    end, and the finished message arrive in order."""
    import multiprocessing

    commands_out, commands_in = multiprocessing.Pipe(duplex=False)
    messages_out, messages_in = multiprocessing.Pipe(duplex=False)
    ds = truth_table_dataset("xor")
    config = TrainConfig(epochs=3, batch_size=2, eta=1.0, seed=0)
    commands_in.send(("mode", driver_module.PLAYING, 1))
    serve(commands_out, messages_in, Network([2, 3, 1], seed=0), ds, config)
    received = []
    while messages_out.poll(0.5):
        try:
            received.append(messages_out.recv())
        except EOFError:
            break
    kinds = [m[0] for m in received]
    assert "finished" in kinds and kinds[-1] != "failed"
    records = [r for m in received if m[0] == "update" for r in m[1]]
    assert [r.epoch for r in records if r.kind == EPOCH] == [0, 1, 2]
    assert records[-1].kind == DONE


_PIN_CHILD = """
import os, threading
from nnviz.core.learning.driver import keep_to_current_cpu
idle = threading.Event()
t = threading.Thread(target=idle.wait, daemon=True)
t.start()  # a thread that exists before the call, as the sender's does
cpu = keep_to_current_cpu()
tids = os.listdir("/proc/self/task")
print(cpu, sorted({tuple(sorted(os.sched_getaffinity(int(tid)))) for tid in tids}))
idle.set()
"""


@pytest.mark.skipif(
    not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2,
    reason="binding to a CPU needs Linux and two CPUs",
)
def test_keep_to_current_cpu_binds_every_thread_of_the_process():
    """In a process of its own, so that pytest's stays free to move."""
    out = subprocess.run(
        [sys.executable, "-c", _PIN_CHILD], capture_output=True, text=True, check=True
    ).stdout.split(maxsplit=1)
    cpu = int(out[0])
    assert cpu in os.sched_getaffinity(0)
    assert out[1].strip() == f"[({cpu},)]"  # every thread, the same single CPU


@pytest.mark.parametrize(
    ("pin", "batch_size", "calls"), [(True, 2, 1), (False, 2, 0), (True, 64, 0)]
)
def test_the_driver_binds_itself_once_at_play_and_only_a_single_threaded_run(
    monkeypatch, pin, batch_size, calls
):
    bound = []
    monkeypatch.setattr(driver_module, "keep_to_current_cpu", lambda: bound.append(1))
    ds = truth_table_dataset("xor")
    config = TrainConfig(epochs=3, batch_size=batch_size, eta=1.0, seed=0)
    sent = []
    d = Driver(Network([2, 3, 1], seed=0), ds, config, sent.append, pin=pin)
    commands = [("mode", driver_module.PLAYING, 1)]
    d.run(lambda timeout: bool(commands), commands.pop)
    assert any(m[0] == "finished" for m in sent)
    assert len(bound) == calls
