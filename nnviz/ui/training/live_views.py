"""How the Training page keeps its views up to date with a run: the canvas gets every
snapshot (it throttles itself), while at full speed the plots, the example and the heatmap
catch up on a timer, taking turns so no tick is long. Also the status line (with the speed
measured by the wall clock), the log lines of a run's records and the diagnosis banner."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Slot

from nnviz.core.learning.diagnosis import diagnose_run
from nnviz.core.learning.snapshot import DIVERGED, DONE, EPOCH, Progress, Snapshot
from nnviz.ui.accessibility import describe
from nnviz.ui.training.worker import EDIT

SLOW_VIEWS_MS = 200  # while training at full speed, cost plot, accuracy plot and example +
# heatmap refresh in turn on this timer (each at most every 0.6 s), not per snapshot
LOGGED_EPOCHS = 10  # an update with more epochs than this logs them as one line
SPEED_WINDOW_S = 1.0  # examples/s is measured over about this much wall-clock time


class WallClockRate:
    """Examples a second by the wall clock, measured over windows of about ``window_s``.

    ``update(examples_seen)`` returns the latest full window's rate, or None before the first
    window has passed. A count that goes backwards (a new run) starts afresh.
    """

    def __init__(self, window_s: float, clock=time.perf_counter) -> None:
        self.window_s = window_s
        self._clock = clock
        self.reset()

    def reset(self) -> None:
        self._mark: tuple[float, int] | None = None
        self._rate: float | None = None

    def update(self, examples_seen: int) -> float | None:
        now = self._clock()
        mark = self._mark
        if mark is None or examples_seen < mark[1]:
            self._mark, self._rate = (now, examples_seen), None
        elif now - mark[0] >= self.window_s:
            self._rate = (examples_seen - mark[1]) / (now - mark[0])
            self._mark = (now, examples_seen)
        return self._rate


def _finished(epochs: int) -> str:
    return f"finished: {epochs} epoch{'' if epochs == 1 else 's'} trained, Reset (R) starts anew"


class LiveViews(QObject):
    """The studio's views fed from its run (``studio.views``)."""

    def __init__(self, studio) -> None:  # a TrainingStudio
        super().__init__(studio)
        self.studio = studio
        self._pending_cost: list[Progress] = []
        self._pending_epochs: list[Progress] = []
        self._views_snapshot: Snapshot | None = None
        self._records_seen = 0
        self._speed = WallClockRate(SPEED_WINDOW_S)
        self._slow_turn = 0
        self._slow_views = QTimer(self)
        self._slow_views.setInterval(SLOW_VIEWS_MS)
        self._slow_views.timeout.connect(self.on_slow_tick)
        self._slow_views.start()

    def show_snapshot(self, snap: Snapshot, live: bool = True) -> None:
        st = self.studio
        if live:
            st.snapshot = snap
        st.canvas.set_snapshot(snap)
        self._views_snapshot = snap
        full_speed = st.playing and float(st.controls.speed_combo.currentData()) == 0
        ended = live and st.worker is not None and st.worker.finished_run
        if ended or not (full_speed or (st.replay is not None and st.replay.playing)):
            self.flush()  # stepping, slowed down, paused or at the end: show every state
        p = snap.progress
        if p.kind == EPOCH and live:
            self.explain_epoch(snap)
        self._update_status(p)
        if live:
            st.snapshot_shown.emit(snap)

    def take_records(self, records: list[Progress]) -> None:
        """Queue a run's new records for the plots (drawn at the views' pace) and log them."""
        self._pending_cost.extend(r for r in records if r.examples_seen)
        self._pending_epochs.extend(r for r in records if r.kind == EPOCH)
        lines: list[str] = []
        for rec in records:
            self._on_record(rec, lines)
        epochs = [r for r in records if r.kind == EPOCH]
        if len(epochs) > LOGGED_EPOCHS:
            # A tiny network (XOR) sends hundreds of epochs per update: one line for them.
            lines = [_epochs_line(epochs)] + [x for x in lines if not x.startswith("Epoch ")]
        if lines:
            self.studio.add_log_line("\n".join(lines))

    def reset(self) -> None:
        """A new run: nothing queued, the speed measured anew."""
        self._pending_cost, self._pending_epochs = [], []
        self._views_snapshot = None
        self._records_seen = 0
        self._speed.reset()

    @Slot()
    def flush(self) -> None:
        """Bring the plots, example and heatmap up to date."""
        self.flush_plots()
        self._flush_example()

    def flush_plots(self, which: str = "both") -> None:
        """Hand queued records to the cost plot, the accuracy plot, or both."""
        if which in ("both", "cost") and self._pending_cost:
            records, self._pending_cost = self._pending_cost, []
            self.studio.plots.extend_cost(records)
        if which in ("both", "accuracy") and self._pending_epochs:
            records, self._pending_epochs = self._pending_epochs, []
            self.studio.plots.extend_accuracy(records)

    def _flush_example(self) -> None:
        snap, self._views_snapshot = self._views_snapshot, None
        if snap is not None:
            self.studio.heatmap.set_snapshot(snap)
            self.studio.examples.update(snap)

    @Slot()
    def on_slow_tick(self) -> None:
        """At full speed the pyqtgraph views refresh on this timer, not per snapshot: they
        repaint their axes on every change, and at 30 updates a second they would keep the GUI
        thread busy. Cost plot, accuracy plot and example take turns so no tick is long."""
        self._slow_turn = (self._slow_turn + 1) % 3
        if self._slow_turn == 0:
            self.flush_plots("cost")
        elif self._slow_turn == 1:
            self.flush_plots("accuracy")
        else:
            self._flush_example()

    def explain_epoch(self, snap: Snapshot) -> None:
        """Say in words what holds a run back (from its own numbers), instead of a flat plot."""
        st = self.studio
        found = diagnose_run(snap.weights, snap.biases, st.dataset, st.run.records)
        if found is None:
            st.hide_banner("diagnosis")
            return
        action = None
        if found.kind == "dead_outputs" and st.settings is not None:
            action = (f"Try seed {(st.settings.seed or 0) + 1}", "reseed")
        st.show_banner(found.message, "warning", action, topic="diagnosis")

    def _update_status(self, p: Progress) -> None:
        st = self.studio
        speed = self._measure_speed(p)
        if st.worker is not None and st.worker.finished_run and p.kind in (EPOCH, DONE):
            # The book counts epochs from 0: after "Epoch 29" a 30-epoch run is over.
            speed = _finished(p.epoch + 1)
        batches = f"{p.batch}/{p.batches_per_epoch}" if p.batches_per_epoch else "0"
        text = (
            f"Epoch {p.epoch}  \u00b7  mini-batch {batches}  \u00b7  "
            f"{p.examples_seen:,} examples seen  \u00b7  {speed}  \u00b7  "
            f"\u03b7 = {p.eta:g}"
        )
        if p.test_accuracy is not None:
            text += f"  \u00b7  test accuracy {100 * p.test_accuracy:.2f}%"
        st.status_changed.emit(text)
        self._describe_views(p)

    def _describe_views(self, p: Progress) -> None:
        """What the canvas and the plots show, in words, for a screen reader."""
        st = self.studio
        sizes = "-".join(str(n) for n in st.canvas.sizes) if st.canvas.sizes else "none"
        accuracy = (
            f", test accuracy {100 * p.test_accuracy:.1f}%" if p.test_accuracy is not None else ""
        )
        describe(
            st.canvas,
            f"network {sizes}, epoch {p.epoch}, {p.examples_seen:,} examples seen{accuracy}",
        )
        cost = f"cost C {p.cost:.4f}" if p.cost == p.cost else "no cost yet"
        describe(st.plots.cost_plot, f"{cost} in epoch {p.epoch}")
        if p.test_accuracy is not None:
            describe(
                st.plots.accuracy_plot,
                f"test accuracy {100 * p.test_accuracy:.1f}% after epoch {p.epoch}",
            )

    def _measure_speed(self, p: Progress) -> str:
        """Examples a second by the wall clock over the last second or so of playing, so a
        slowed-down run reports its real pace (the trainer's own clock leaves out the waits
        between mini-batches)."""
        if not self.studio.playing:
            self._speed.reset()
            return "paused" if p.examples_seen else "not started"
        rate = self._speed.update(p.examples_seen)
        return "measuring speed\u2026" if rate is None else f"{rate:,.0f} examples/s"

    def _on_record(self, rec: Progress, lines: list[str]) -> None:
        """Act on one record; its log line goes into ``lines`` (appended to the log once per
        update: a tiny network sends hundreds of epochs at a time)."""
        st = self.studio
        self._records_seen += 1
        if rec.kind == EPOCH:
            line = rec.transcript_line()
            if rec.validation_correct is not None:
                line += f"   (validation {rec.validation_correct} / {rec.validation_total})"
            lines.append(line)
        elif rec.kind == DIVERGED:
            lines.append(rec.message)
            st.show_banner(rec.message, "error")
        elif rec.kind == DONE:
            lines.append(f"Finished {rec.epoch + 1} epochs in {rec.seconds:.1f} s of training.")
            st.status_changed.emit(f"Epoch {rec.epoch}  \u00b7  {_finished(rec.epoch + 1)}")
        elif rec.kind == EDIT and rec.test_total:
            pct = 100.0 * (rec.test_correct or 0) / rec.test_total
            lines.append(
                f"Edited by hand: {rec.message}; test accuracy now "
                f"{rec.test_correct} / {rec.test_total} ({pct:.2f}%)"
            )
            st.status_changed.emit(f"Test accuracy after your edit: {pct:.2f}%")


def _epochs_line(epochs: list[Progress]) -> str:
    """One log line for many epochs: "Epochs 120-419: 3 / 4 ... 4 / 4"."""
    first, last = epochs[0], epochs[-1]

    def score(r: Progress) -> str:
        return "" if r.test_correct is None else f"{r.test_correct} / {r.test_total}"

    scores = f": {score(first)} \u2026 {score(last)}" if last.test_correct is not None else ""
    return f"Epochs {first.epoch}\u2013{last.epoch}{scores}"
