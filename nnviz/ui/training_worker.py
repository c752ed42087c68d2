"""The training worker: a QThread that drives the core's training generator.

The GUI thread never runs SGD. The worker owns its ``Network`` while it lives; the GUI sees the
network only through immutable ``Snapshot`` values and changes it only by queued commands that
the worker applies between mini-batches (eta, a hand-edited weight, stepping).

Throttling happens here, where data is produced: the worker collects every ``Progress`` record
but tells the GUI at most ``max_rate`` times a second, and only when the GUI has taken the
previous batch (``take()``), so the GUI's event queue never holds more than one of our signals.
Epoch ends, pauses and the final record are always delivered.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import QThread, Signal

from nnviz.core.dataset import Dataset
from nnviz.core.network import Network
from nnviz.core.snapshot import CHUNK, DIVERGED, DONE, EPOCH, Progress, Snapshot
from nnviz.core.training import TrainConfig, TrainControl, check_eta, evaluate_split, train

# Modes
PAUSED, PLAYING, STEP, STEP_EPOCH = "paused", "playing", "step", "step_epoch"
EDIT = "edit"  # Progress.kind for a record made after a hand edit (accuracy re-measured)


@dataclass(frozen=True)
class Update:
    """What the GUI takes from the worker: all records since the last take, newest snapshot."""

    records: tuple[Progress, ...]
    snapshot: Snapshot | None
    mode: str


class TrainingWorker(QThread):
    """Runs one training run. Create a new worker for a new run (Reset, new settings).

    Signals are emitted from the worker thread; connect them to slots of GUI-thread objects.
    """

    update_ready = Signal()  # call take() to collect; at most one is pending at a time
    mode_changed = Signal(str)
    failed = Signal(str)

    def __init__(
        self,
        network: Network,
        dataset: Dataset,
        config: TrainConfig,
        run_id: int = 0,
        start_epoch: int = 0,
        max_rate: float = 30.0,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self._net = network
        self._dataset = dataset
        self._config = config
        self._run_id = run_id
        self._start_epoch = start_epoch
        self._min_interval = 1.0 / max_rate
        self._control = TrainControl(config.eta, chunk=50)
        self._cond = threading.Condition()
        self._mode = PAUSED
        self._batches_per_second = 0.0  # 0 = full speed
        self._commands: queue.Queue[Callable[[], Progress | None]] = queue.Queue()
        self._lock = threading.Lock()
        self._records: list[Progress] = []
        self._latest: Snapshot | None = None
        self._signal_pending = False
        self._unsent = False
        self._last_emit = 0.0
        self._finished_run = False
        self._idle = False
        self.setObjectName(f"nnviz-training-{run_id}")

    # -- called from the GUI thread ------------------------------------------------------
    @property
    def mode(self) -> str:
        return self._mode

    @property
    def run_id(self) -> int:
        return self._run_id

    @property
    def idle(self) -> bool:
        """True while the thread is paused and waiting (its last state is published)."""
        return self._idle

    @property
    def last_progress(self) -> Progress | None:
        """The newest record the trainer produced (the GUI may not have it yet)."""
        return self._last_record

    @property
    def finished_run(self) -> bool:
        return self._finished_run

    def play(self) -> None:
        self._set_mode(PLAYING)

    def pause(self) -> None:
        self._set_mode(PAUSED)

    def step(self) -> None:
        """Run exactly one mini-batch, then pause."""
        self._set_mode(STEP)

    def step_epoch(self) -> None:
        """Run to the end of the current epoch, then pause."""
        self._set_mode(STEP_EPOCH)

    def set_eta(self, eta: float) -> None:
        """Takes effect from the next mini-batch."""
        self._control.eta = check_eta(eta)

    def set_speed(self, batches_per_second: float) -> None:
        """0 for full speed, else a slowed rate of mini-batches per second for watching."""
        self._batches_per_second = max(0.0, float(batches_per_second))
        with self._cond:
            self._cond.notify_all()

    def edit_parameter(self, layer: int, j: int, k: int | None, value: float) -> None:
        """Set ``weights[layer][j, k]`` (or ``biases[layer][j]`` when k is None) when paused.

        Applied in the worker thread, which then re-measures test accuracy and publishes a
        snapshot with an EDIT record.
        """

        def apply() -> Progress:
            if k is None:
                self._net.biases[layer][j, 0] = value
            else:
                self._net.weights[layer][j, k] = value
            correct = evaluate_split(self._net, self._dataset, self._dataset.test)
            base = self._last_record or Progress(CHUNK, 0, 0, 0, 0, float("nan"), 0.0, 0.0)
            return replace(
                base, kind=EDIT, test_correct=correct, test_total=len(self._dataset.test),
                validation_correct=None, validation_total=None,
                message=f"set {'bias' if k is None else 'weight'} to {value:g}",
            )

        self._commands.put(apply)
        with self._cond:
            self._cond.notify_all()

    def stop(self, timeout_ms: int = 2000) -> bool:
        """Ask the thread to end and wait for it. True when it has ended."""
        self.requestInterruption()
        with self._cond:
            self._cond.notify_all()
        return self.wait(timeout_ms)

    def take(self) -> Update:
        """Collect the records and newest snapshot produced since the last take."""
        with self._lock:
            records, self._records = tuple(self._records), []
            snap = self._latest
            self._signal_pending = False
        return Update(records, snap, self._mode)

    # -- worker thread ---------------------------------------------------------------------
    _last_record: Progress | None = None

    def _set_mode(self, mode: str) -> None:
        with self._cond:
            self._mode = mode
            self._cond.notify_all()
        self.mode_changed.emit(mode)

    def _pause_here(self) -> None:
        """Pause from inside the worker thread, delivering the state the run stopped at."""
        self._set_mode(PAUSED)
        self._flush()

    def _publish(self, record: Progress, urgent: bool) -> None:
        """Queue ``record`` for the GUI; signal at most every ``_min_interval`` unless urgent."""
        self._last_record = record
        now = time.perf_counter()
        with self._lock:
            self._records.append(record)
            if not (urgent or now - self._last_emit >= self._min_interval):
                self._unsent = True
                return
        self._flush(now)

    def _flush(self, now: float | None = None) -> None:
        """Capture the current network and signal the GUI unless a signal is still pending."""
        if self._last_record is None:
            return
        snap = Snapshot.capture(self._net, self._last_record, self._run_id)
        with self._lock:
            self._latest = snap
            self._unsent = False
            self._last_emit = time.perf_counter() if now is None else now
            emit = not self._signal_pending
            self._signal_pending = True
        if emit:
            self.update_ready.emit()

    def _run_commands(self) -> None:
        while True:
            try:
                cmd = self._commands.get_nowait()
            except queue.Empty:
                return
            record = cmd()
            if record is not None:
                self._publish(record, urgent=True)

    def _wait_while_paused(self) -> bool:
        """Block until there is work. False when the thread should end."""
        with self._cond:
            self._idle = True
            while self._mode == PAUSED and not self.isInterruptionRequested():
                if not self._commands.empty():
                    break
                self._cond.wait(0.25)
            self._idle = False
        return not self.isInterruptionRequested()

    def run(self) -> None:  # noqa: C901 - one loop, kept in one place on purpose
        try:
            gen = train(self._net, self._dataset, self._config, self._control, self._start_epoch)
        except ValueError as exc:
            self.failed.emit(str(exc))
            return
        # Publish the untrained state so views show the starting network at once.
        base = Progress(CHUNK, self._start_epoch, 0, 0, 0, float("nan"), self._control.eta, 0.0)
        self._publish(base, urgent=True)
        try:
            while not self.isInterruptionRequested():
                self._run_commands()
                if self._mode == PAUSED:
                    if self._unsent:
                        self._flush()  # the user paused: show exactly where it stopped
                    if not self._wait_while_paused():
                        break
                    continue
                mode, rate = self._mode, self._batches_per_second
                slow = rate > 0 and mode == PLAYING
                self._control.chunk = 1 if mode == STEP or slow else self._fast_chunk()
                t0 = time.perf_counter()
                record = next(gen, None)
                if record is None:
                    break
                ends = record.kind in (DONE, DIVERGED)
                self._publish(record, urgent=ends or mode == STEP)
                if ends:
                    self._finished_run = True
                    self._set_mode(PAUSED)
                    break
                if mode == STEP_EPOCH and record.kind == EPOCH:
                    self._pause_here()
                elif mode == STEP:
                    self._set_mode(PAUSED)
                elif slow:
                    delay = 1.0 / rate - (time.perf_counter() - t0)
                    if delay > 0:
                        with self._cond:  # wakes early on pause, speed change or stop
                            self._cond.wait(delay)
        except Exception as exc:  # a failing run must not take the app down
            self.failed.emit(f"training stopped: {exc}")
        finally:
            if self._unsent:
                self._flush()  # the GUI gets the final state

    def _fast_chunk(self) -> int:
        """Mini-batches per record at full speed: about 1/60 s of work, at least 1."""
        last = self._last_record
        if last is None or last.seconds <= 0 or last.examples_seen <= 0:
            return 20
        batches_per_s = last.examples_seen / max(1, self._config.batch_size) / last.seconds
        return max(1, min(500, int(batches_per_s / 60)))
