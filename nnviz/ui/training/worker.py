"""The training worker: a QThread that drives one training run in a child process.

The GUI thread never runs SGD, and neither does any thread of the GUI's process: the run
lives in a process started with :func:`nnviz.core.learning.driver.serve`, because SGD at a
mini-batch of 10 is thousands of tiny numpy calls a second that each hold Python's GIL, and
sharing the GIL with the window halved training speed and stalled the window (see benchmarks/). This
QThread talks to that process: commands go out through one pipe, and it turns what comes back
into Qt signals.

Throttling happens at the producer: the process sends at most ``max_rate`` updates a second
(plus one at every pause and at the end). This thread merges them, and signals the GUI only
when the GUI has taken the previous batch (``take()``), so the GUI's event queue never holds
more than one of our signals. Epoch ends and every record reach the GUI.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from dataclasses import dataclass

from PySide6.QtCore import QThread, Signal

from nnviz.core.datasets.dataset import Dataset
from nnviz.core.learning.driver import EDIT, PAUSED, PLAYING, STEP, STEP_EPOCH, serve
from nnviz.core.learning.network import Network
from nnviz.core.learning.snapshot import DIVERGED, DONE, Progress, Snapshot
from nnviz.core.learning.training import TrainConfig, check_eta

__all__ = ["EDIT", "PAUSED", "PLAYING", "STEP", "STEP_EPOCH", "TrainingWorker", "Update"]

_CONTEXT = multiprocessing.get_context("spawn")  # never fork a process that runs Qt


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
        pin: bool = False,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self._args = (network, dataset, config, run_id, start_epoch, max_rate, pin)
        self._run_id = run_id
        self._commands, self._child_commands = _CONTEXT.Pipe(duplex=False)[::-1]
        self._child_messages, self._messages = _CONTEXT.Pipe(duplex=False)[::-1]
        self._send_lock = threading.Lock()
        self._lock = threading.Lock()
        self._mode = PAUSED
        self._mode_seq = 0
        self._records: list[Progress] = []
        self._latest: Snapshot | None = None
        self._last_record: Progress | None = None
        self._signal_pending = False
        self._finished_run = False
        self._idle = False
        self._process = None
        self.setObjectName(f"nnviz-training-{run_id}")

    # -- state -----------------------------------------------------------------------------
    @property
    def mode(self) -> str:
        return self._mode

    @property
    def run_id(self) -> int:
        return self._run_id

    @property
    def idle(self) -> bool:
        """True while the run is paused and waiting, with its last state delivered."""
        return self._idle

    @property
    def last_progress(self) -> Progress | None:
        """The newest record this worker received from the run."""
        return self._last_record

    @property
    def finished_run(self) -> bool:
        return self._finished_run

    # -- commands (GUI thread) ---------------------------------------------------------------
    def _send(self, *msg) -> None:
        with self._send_lock:
            try:
                self._commands.send(msg)
            except (OSError, BrokenPipeError):
                pass  # the run has ended; nothing to tell it

    def _set_mode(self, mode: str) -> None:
        self._mode = mode
        self._idle = False
        self._mode_seq += 1
        self._send("mode", mode, self._mode_seq)
        self.mode_changed.emit(mode)

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
        self._send("eta", check_eta(eta))

    def set_speed(self, batches_per_second: float) -> None:
        """0 for full speed, else a slowed rate of mini-batches per second for watching."""
        self._send("speed", max(0.0, float(batches_per_second)))

    def edit_parameter(
        self, layer: int, j: int, k: int | None, value: float, note: str = ""
    ) -> None:
        """Set ``weights[layer][j, k]`` (or ``biases[layer][j]`` when k is None).

        The run applies it between mini-batches, re-measures test accuracy and publishes a
        snapshot with an EDIT record (``note`` "undo" or "redo" says so in its message).
        """
        self._idle = False
        self._send("edit", layer, j, k, float(value), note)

    def request_stop(self) -> None:
        """Ask the run and the thread to end, without waiting (several can then end side by
        side; ``wait()`` for each)."""
        self.requestInterruption()
        self._send("stop")

    def stop(self, timeout_ms: int = 3000) -> bool:
        """End the run and the thread, and wait for them. True when both have ended."""
        self.request_stop()
        return self.wait(timeout_ms)

    def take(self) -> Update:
        """Collect the records and newest snapshot received since the last take."""
        with self._lock:
            records, self._records = tuple(self._records), []
            snap = self._latest
            self._signal_pending = False
        return Update(records, snap, self._mode)

    # -- worker thread -------------------------------------------------------------------------
    def run(self) -> None:
        network, dataset, config, run_id, start_epoch, max_rate, pin = self._args
        self._args = None  # the process has its own copies
        process = _CONTEXT.Process(
            target=serve,
            name=f"nnviz-training-{run_id}",
            daemon=True,
            args=(
                self._child_commands,
                self._child_messages,
                network,
                dataset,
                config,
                run_id,
                start_epoch,
                max_rate,
                pin,
            ),
        )
        try:
            process.start()
        except Exception as exc:  # noqa: BLE001 - say why instead of failing silently
            self.failed.emit(f"could not start training: {exc}")
            return
        self._process = process
        self._child_commands.close()
        self._child_messages.close()
        try:
            # Read until the process closes its end: after a run's last message, or a stop.
            while not self.isInterruptionRequested():
                try:
                    if not self._messages.poll(0.05):
                        continue
                    msg = self._messages.recv()
                except (EOFError, OSError):
                    break
                self._on_message(msg)
        finally:
            self._send("stop")
            # Keep reading until the process closes its end: it may be blocked sending a
            # snapshot into a full pipe, and would otherwise never see the stop.
            deadline = time.monotonic() + 1.0
            while time.monotonic() < deadline:
                try:
                    if self._messages.poll(0.02):
                        self._messages.recv()
                except (EOFError, OSError):
                    break
            process.join(max(0.0, deadline - time.monotonic()) + 0.05)
            if process.is_alive():
                process.terminate()
                process.join(1.0)
            self._messages.close()

    def _on_message(self, msg: tuple) -> None:
        kind = msg[0]
        if kind == "update":
            records, snap = msg[1], msg[2]
            for a in (*snap.weights, *snap.biases):
                a.setflags(write=False)  # views must never change what they were given
            # A run's last record ends it: say so before the GUI sees that record (the
            # "finished" message that follows would come a moment after it).
            if any(r.kind in (DONE, DIVERGED) for r in records):
                self._finished_run = True
            with self._lock:
                self._records.extend(records)
                self._latest = snap
                self._last_record = records[-1] if records else snap.progress
                emit = not self._signal_pending
                self._signal_pending = True
            if emit:
                self.update_ready.emit()
        elif kind == "mode":
            if msg[2] == self._mode_seq:  # else a newer command of ours overtook it
                self._mode = msg[1]
                self.mode_changed.emit(msg[1])
        elif kind == "idle":
            self._idle = self._mode == PAUSED
        elif kind == "finished":
            self._finished_run = True
        elif kind == "failed":
            self.failed.emit(msg[1])
