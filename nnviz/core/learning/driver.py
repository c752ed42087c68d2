"""Drive ``train()`` under commands, in a process of its own.

The GUI's training worker starts :func:`serve` in a child process and talks to it through two
pipes. Training there never competes with the window for Python's GIL: at a mini-batch of 10
SGD is thousands of tiny numpy calls a second, each holding the GIL, and in the GUI's process
that starved the window (measured: half the training speed and 170 ms stalls). Only pure
numpy and the standard library are used here.

Commands (tuples sent by the parent): ``("mode", PLAYING|PAUSED|STEP|STEP_EPOCH, seq)``,
``("eta", float)``, ``("speed", batches_per_second)``, ``("edit", layer, j, k_or_None,
value[, note])`` (note "undo" or "redo" for the log), ``("stop",)``. Messages (sent to the
parent): ``("update", records, snapshot)`` at most ``max_rate`` times a second plus at
pauses and ends, ``("mode", PAUSED, seq)`` when the driver pauses itself (``seq`` of the
last mode command it had, so the parent can ignore a pause that a newer command has
overtaken), ``("idle",)`` when it waits with its state published, ``("finished",)`` after
DONE or DIVERGED, and ``("failed", message)``.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from dataclasses import replace

from nnviz.core.learning.snapshot import CHUNK, DIVERGED, DONE, EPOCH, Progress, Snapshot
from nnviz.core.learning.training import (
    TrainConfig,
    TrainControl,
    check_eta,
    evaluate_split,
    prepare_kernels,
    single_threaded,
    train,
    training_split,
)
from nnviz.core.notation import symbol

PAUSED, PLAYING, STEP, STEP_EPOCH = "paused", "playing", "step", "step_epoch"
EDIT = "edit"  # Progress.kind for the record made after a hand edit (accuracy re-measured)


class Driver:
    """The command loop around one training run; ``send`` delivers messages to the parent."""

    def __init__(
        self,
        network,
        dataset,
        config: TrainConfig,
        send,
        run_id: int = 0,
        start_epoch: int = 0,
        max_rate: float = 30.0,
        pin: bool = False,
    ) -> None:
        self.net, self.dataset, self.config = network, dataset, config
        # Keep to one CPU once training starts, when the run uses one thread.
        self.pin = pin and single_threaded(config)
        self.send = send
        self.run_id = run_id
        self.start_epoch = start_epoch
        self.min_interval = 1.0 / max_rate
        self.control = TrainControl(config.eta, chunk=50)
        self.mode = PAUSED
        self.mode_seq = 0  # number of the parent's last mode command, echoed when pausing
        self.rate = 0.0
        self.pending: list[Progress] = []
        self.last: Progress | None = None
        self.last_emit = 0.0
        self.last_publish = 0.0
        self.next_due = 0.0  # when the next snapshot is due (perf_counter seconds)
        self.finished = False

    # -- publishing ----------------------------------------------------------------------
    def publish(self, record: Progress, urgent: bool) -> None:
        self.pending.append(record)
        self.last = record
        now = time.perf_counter()
        between = now - self.last_publish  # how long a record takes at the moment
        self.last_publish = now
        if urgent:
            self.flush()
            return
        # Snapshots keep a schedule of max_rate a second: each goes out with the record
        # nearest its due time. (Waiting for the first record past 1/24 s since the last one
        # sends 20 a second when records come every 1/60 s.)
        if now + between / 2 >= self.next_due:
            self.flush()
            self.next_due += self.min_interval
            if self.next_due < now:  # after a pause or a slow stretch: start the schedule anew
                self.next_due = now + self.min_interval

    def flush(self) -> None:
        """Send the records since the last message and a snapshot of the network now.

        Nothing is sent when no record is new: the parent pairs each snapshot with the record
        it was taken at, and an empty update would separate the two."""
        if not self.pending:
            return
        self.send(("update", self.pending, Snapshot.capture(self.net, self.last, self.run_id)))
        self.pending = []
        self.last_emit = time.perf_counter()

    # -- commands ------------------------------------------------------------------------------
    def handle(self, msg: tuple) -> bool:
        """Apply one command; False means stop."""
        kind = msg[0]
        if kind == "stop":
            return False
        if kind == "mode":
            self.mode, self.mode_seq = msg[1], msg[2]
        elif kind == "eta":
            self.control.eta = check_eta(msg[1])
        elif kind == "speed":
            self.rate = max(0.0, float(msg[1]))
        elif kind == "edit":
            self.edit(*msg[1:])
        return True

    def edit(self, layer: int, j: int, k: int | None, value: float, note: str = "") -> None:
        if k is None:
            self.net.biases[layer][j, 0] = value
        else:
            self.net.weights[layer][j, k] = value
        correct = evaluate_split(self.net, self.dataset, self.dataset.test)
        base = self.last or Progress(CHUNK, 0, 0, 0, 0, float("nan"), self.control.eta, 0.0)
        # Named in the book's numbering (input layer 1, neurons from 1).
        if k is None:
            what = f"bias {symbol('b', layer + 2, j + 1)}"
        else:
            what = f"weight {symbol('w', layer + 2, j + 1, k + 1)}"
        self.publish(
            replace(
                base,
                kind=EDIT,
                test_correct=correct,
                test_total=len(self.dataset.test),
                validation_correct=None,
                validation_total=None,
                message={
                    "undo": f"undo: {what} back to {value:g}",
                    "redo": f"redo: {what} to {value:g}",
                }.get(note, f"set {what} to {value:g}"),
            ),
            urgent=True,
        )

    def pause_self(self) -> None:
        self.mode = PAUSED
        self.send(("mode", PAUSED, self.mode_seq))
        self.flush()

    # -- the loop ------------------------------------------------------------------------------
    def run(self, poll, recv) -> None:
        """``poll(timeout)`` and ``recv()`` read commands (a pipe's methods)."""
        try:
            gen = train(self.net, self.dataset, self.config, self.control, self.start_epoch)
        except ValueError as exc:
            self.send(("failed", str(exc)))
            return
        eta = self.control.eta
        self.publish(Progress(CHUNK, self.start_epoch, 0, 0, 0, float("nan"), eta, 0.0), True)
        # While the run waits for Play: import what the step uses (half a second of scipy),
        # so that pressing Play a moment later trains at once. (The first snapshot goes out
        # before: the window shows the untrained network, and a recording starts with it.)
        prepare_kernels(
            self.net.dtype, self.net, training_split(self.dataset, self.config), self.config.engine
        )
        idle_sent = False
        while True:
            while poll(0):
                if not self.handle(recv()):
                    return
            if self.mode == PAUSED:
                if self.pending:
                    self.flush()
                if not idle_sent:
                    self.send(("idle",))
                    idle_sent = True
                if poll(0.25) and not self.handle(recv()):
                    return
                continue
            idle_sent = False
            if self.pin:
                keep_to_current_cpu()
                self.pin = False
            mode, rate = self.mode, self.rate
            slow = rate > 0 and mode == PLAYING
            self.control.chunk = 1 if mode == STEP or slow else self.fast_chunk()
            t0 = time.perf_counter()
            record = next(gen, None)
            if record is None:
                return
            ends = record.kind in (DONE, DIVERGED)
            self.publish(record, urgent=ends or mode == STEP)
            if ends:
                self.finished = True
                self.send(("finished",))
                self.pause_self()
                return  # the run is over; the parent's thread ends when the pipe closes
            elif mode == STEP or (mode == STEP_EPOCH and record.kind == EPOCH):
                self.pause_self()
            elif slow:
                delay = 1.0 / rate - (time.perf_counter() - t0)
                if delay > 0 and poll(delay) and not self.handle(recv()):
                    return

    def fast_chunk(self) -> int:
        """Mini-batches per record at full speed: about 1/60 s of work, at least 1."""
        last = self.last
        if last is None or last.seconds <= 0 or last.examples_seen <= 0:
            return 20
        batches_per_s = last.examples_seen / max(1, self.config.batch_size) / last.seconds
        return max(1, min(500, int(batches_per_s / 60)))


def keep_to_current_cpu() -> int | None:
    """Bind every thread of this process to the CPU it runs on now; the CPU, or None where
    the system cannot (not Linux, a single CPU, or not allowed).

    Why: the window's threads are woken by this process's messages, and Linux tends to wake
    them on the writer's CPU, where they took turns with SGD while the other CPU idled
    (measured on 2 cores under Xvfb: training ran at 72-84% of its speed without the
    window; bound, at 97%, median of 6). The window's threads are free to move, so they
    go to the other CPU.
    """
    if not hasattr(os, "sched_setaffinity"):
        return None
    try:
        allowed = os.sched_getaffinity(0)
        with open("/proc/self/stat") as f:
            cpu = int(f.read().rsplit(")", 1)[1].split()[36])  # field 39, "processor"
        if len(allowed) < 2 or cpu not in allowed:
            return None
        for tid in os.listdir("/proc/self/task"):
            try:
                os.sched_setaffinity(int(tid), {cpu})
            except ProcessLookupError:
                pass  # that thread has just ended
    except (OSError, ValueError, IndexError):
        return None
    return cpu


class Sender:
    """Sends messages from a thread of its own, so that training never waits on the pipe.

    A snapshot of [784, 30, 10] is about 100 kB, more than a pipe holds (64 kB on Linux), so
    a plain ``send`` blocks until the parent's reader thread has drained it, and that thread
    shares its process's GIL with the window's painting (measured: 2-3% of a run's time).
    Here ``__call__`` only queues. While the parent is slow, updates waiting in the queue are
    merged into one (every record kept, the newest snapshot), so the queue stays short.
    After the pipe breaks, the next call raises the error.
    """

    def __init__(self, send) -> None:
        self._send = send
        self._queue: deque[tuple] = deque()
        self._ready = threading.Condition()
        self._closed = False
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._loop, name="nnviz-sender", daemon=True)
        self._thread.start()

    def __call__(self, msg: tuple) -> None:
        with self._ready:
            if self._error is not None:
                raise self._error
            last = self._queue[-1] if self._queue else None
            if msg[0] == "update" and last is not None and last[0] == "update":
                self._queue[-1] = ("update", [*last[1], *msg[1]], msg[2])
            else:
                self._queue.append(msg)
            self._ready.notify()

    def close(self, timeout: float = 5.0) -> None:
        """Send what is queued, then end the thread."""
        with self._ready:
            self._closed = True
            self._ready.notify()
        self._thread.join(timeout)

    def _loop(self) -> None:
        while True:
            with self._ready:
                while not self._queue and not self._closed:
                    self._ready.wait()
                if not self._queue:
                    return
                msg = self._queue.popleft()
            try:
                self._send(msg)
            except BaseException as exc:  # noqa: BLE001 - handed to the training thread
                with self._ready:
                    self._error = exc
                    self._queue.clear()
                return


def serve(
    commands,
    messages,
    network,
    dataset,
    config: TrainConfig,
    run_id: int = 0,
    start_epoch: int = 0,
    max_rate: float = 30.0,
    pin: bool = False,
) -> None:
    """Entry point of the training process: run until told to stop or the parent goes.

    ``pin``: keep to one CPU while training (see :func:`keep_to_current_cpu`); for a run
    that has the machine to itself, not for several side by side."""
    sender = Sender(messages.send)
    driver = Driver(network, dataset, config, sender, run_id, start_epoch, max_rate, pin)
    try:
        driver.run(commands.poll, commands.recv)
    except (EOFError, BrokenPipeError, KeyboardInterrupt):
        pass  # the parent closed the pipes or the user pressed Ctrl-C: just end
    except Exception as exc:  # reported to the parent, which shows it
        try:
            sender(("failed", f"training stopped: {exc}"))
        except Exception:  # noqa: BLE001 - the pipe (or the sender) has failed: no one to tell
            pass
    finally:
        sender.close()
        messages.close()
