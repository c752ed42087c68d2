"""``nnviz.watch(net)``: see a network of your own learn, one line before ``net.SGD(...)``.

``net`` is any object shaped like the book's ``Network``: ``sizes``, ``weights[l]`` of shape
(n_{l+1}, n_l) and ``biases[l]`` of shape (n_{l+1}, 1) as numpy arrays, and a method
``update_mini_batch(mini_batch, eta)``; ``evaluate(test_data)`` and ``SGD(...)`` are used when
they are there. Watching replaces those methods on the instance only (never its class, never
its module) by wrappers that call the originals unchanged and, around them:

- count mini-batches and examples; ``SGD``'s arguments give the epochs and the mini-batches
  an epoch has, and each ``evaluate`` after an epoch gives its accuracy;
- at most ``MAX_RATE`` times a second, copy the weights and biases and estimate the cost on
  the mini-batch about to be learned (its quadratic cost, before the step);
- hand those records to a sender thread, which writes them to a window (``python -m nnviz
  watch-window``, a process of its own that reads them from a pipe) and, with ``record=``, to
  an nnviz recording. The training never waits for either: when the sender is behind, the
  waiting snapshots are merged into the newest, and no record is lost.

A window that closes, or never opens (no display), costs the training nothing: the sender
stops writing to it and says so once on stderr. When the script ends, the window stays open
on the last state.
"""

from __future__ import annotations

import atexit
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nnviz.core.files.recording import (
    Recording,
    RecordingWriter,
    StreamWriter,
    read_recording,
)
from nnviz.core.learning.neuron import sigmoid
from nnviz.core.learning.snapshot import CHUNK, DONE, EPOCH, Progress, Snapshot

MAX_RATE = 30.0  # snapshots a second, at most, to the window
RECORD_PER_EPOCH = 20  # snapshots an epoch, about, in a recording (plus each epoch's end)
RECORD_EVERY_S = 1.0  # ... or one a second when the epochs' length is not known
EXAMPLES = 12  # test examples sent to the window for its example panel
WRAPPED = ("update_mini_batch", "evaluate", "SGD")
_MISSING = object()

_watches: dict[int, Watch] = {}  # by id(net); a Watch holds its network


class WatchError(TypeError):
    """An object nnviz cannot watch; the message says what was expected."""


def _expected(what: str) -> WatchError:
    return WatchError(
        "nnviz.watch needs a network shaped like the book's Network (sizes, weights[l] of shape "
        f"(n_l+1, n_l), biases[l] of shape (n_l+1, 1), update_mini_batch): {what}"
    )


def check_network(net: object) -> tuple[int, ...]:
    """The layer sizes of a book-shaped network; WatchError in one line if it is not one."""
    sizes = getattr(net, "sizes", None)
    if not isinstance(sizes, Sequence) or len(sizes) < 2:
        raise _expected(f"its 'sizes' is {sizes!r}")
    try:
        sizes_t = tuple(int(s) for s in sizes)
    except (TypeError, ValueError):
        raise _expected(f"its 'sizes' is {sizes!r}") from None
    if min(sizes_t) < 1 or any(int(s) != s for s in sizes):
        raise _expected(f"its 'sizes' is {sizes!r}")
    weights, biases = getattr(net, "weights", None), getattr(net, "biases", None)
    w_shapes = [(n_out, n_in) for n_in, n_out in zip(sizes_t[:-1], sizes_t[1:])]
    b_shapes = [(n_out, 1) for n_out in sizes_t[1:]]
    for name, arrays, shapes in (("weights", weights, w_shapes), ("biases", biases, b_shapes)):
        if not isinstance(arrays, Sequence) or len(arrays) != len(sizes_t) - 1:
            raise _expected(f"it has no list of {len(sizes_t) - 1} {name} arrays")
        for l, (a, shape) in enumerate(zip(arrays, shapes)):
            if not isinstance(a, np.ndarray) or a.shape != shape:
                got = getattr(a, "shape", type(a).__name__)
                raise _expected(f"{name}[{l}] is {got}, not {shape}")
    if not callable(getattr(net, "update_mini_batch", None)):
        raise _expected("it has no update_mini_batch method")
    return sizes_t


@dataclass
class _Item:
    """One record for the sender; ``snapshot`` None when none was taken; ``keep``: a snapshot
    the recording keeps (and the window too, even when newer ones wait)."""

    progress: Progress
    snapshot: Snapshot | None
    keep: bool


class _Mailbox:
    """What the training hands to one sender. Posting never blocks on I/O, and what waits is
    bounded: with ``merge`` only the newest snapshot waits (those marked ``keep`` too),
    otherwise only the kept ones. A closed mailbox drops what is posted."""

    def __init__(self, merge: bool) -> None:
        self._cond = threading.Condition()
        self._items: list[_Item] = []
        self._closed = False
        self._merge = merge

    def post(self, item: _Item) -> None:
        snapshot = item.snapshot if (item.keep or self._merge) else None
        with self._cond:
            if self._closed:
                return
            if self._merge and snapshot is not None:
                for old in self._items:
                    if not old.keep:
                        old.snapshot = None
            self._items.append(_Item(item.progress, snapshot, item.keep))
            self._cond.notify()

    def take(self) -> tuple[list[_Item], bool]:
        with self._cond:
            while not self._items and not self._closed:
                self._cond.wait()
            items, self._items = self._items, []
            return items, self._closed

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()


def _quadratic_cost(
    weights: Sequence[np.ndarray], biases: Sequence[np.ndarray], mini_batch: Any, n_out: int
) -> float:
    """The mean of ||y - a(x)||^2 / 2 over a mini-batch of (x, y), y one-hot or a label."""
    try:
        xs, ys = [], []
        for x, y in mini_batch:
            xs.append(np.asarray(x, dtype=np.float64).reshape(-1))
            y = np.asarray(y, dtype=np.float64)
            if y.size == 1 and n_out > 1:  # a label, as the book's test data has it
                hot = np.zeros(n_out)
                hot[int(y.reshape(-1)[0])] = 1.0
                y = hot
            ys.append(y.reshape(-1))
        a = np.stack(xs, axis=1)
        for w, b in zip(weights, biases):
            a = sigmoid(w @ a + b)
        return float(0.5 * np.mean(np.sum((a - np.stack(ys, axis=1)) ** 2, axis=0)))
    except (TypeError, ValueError, IndexError):
        return float("nan")  # a mini-batch of another shape: no estimate, training unaffected


def _examples(data: Any, n_out: int) -> dict[str, list[Any]] | None:
    """A few (x, label) pairs for the window's example panel, from the test data."""
    xs: list[list[float]] = []
    labels: list[int] = []
    try:
        for x, y in list(data[:EXAMPLES]):
            xs.append([round(float(v), 4) for v in np.asarray(x, dtype=float).reshape(-1)])
            y = np.asarray(y)
            labels.append(int(y.reshape(-1)[0]) if y.size == 1 else int(np.argmax(y)))
    except (TypeError, ValueError, IndexError):
        return None  # not a list of (x, y) pairs: no examples, and nothing else changes
    return {"x": xs, "labels": labels} if xs else None


class Watch:
    """What watching one network keeps: counters, the sender thread, its window and file."""

    def __init__(
        self, net: object, record: str | os.PathLike[str] | None, show: bool, title: str | None
    ) -> None:
        self.sizes = check_network(net)
        self.net: Any = net  # duck-typed: a book-shaped network
        self.record_path = Path(record) if record is not None else None
        self.show = show
        self.title = title or f"nnviz.watch: {list(self.sizes)}"
        self.batches = 0  # mini-batches since watching began
        self.examples_seen = 0
        self.epoch = 0  # the epoch in progress
        self.batch_in_epoch = 0
        self.batches_per_epoch = 0  # 0: not known (no SGD call seen)
        self.epochs: int | None = None
        self.batch_size: int | None = None
        self.eta = float("nan")
        self._epoch_costs: list[float] = []
        self._epoch_ended: int | None = None  # epoch whose last mini-batch is done, unreported
        self._last_sent = -math.inf
        self._last_recorded = -math.inf
        self._started = time.perf_counter()
        self._examples: dict[str, list[Any]] | None = None
        self._senders: list[tuple[_Mailbox, threading.Thread]] = []  # window, recording
        self._started_sending = False
        self._finished = False
        self.window: subprocess.Popen[bytes] | None = None
        self.note: Callable[[str], object] = lambda text: sys.stderr.write(f"nnviz.watch: {text}\n")
        self._originals: dict[str, object] = {}
        for name in WRAPPED:
            if name == "update_mini_batch" or callable(getattr(net, name, None)):
                self._originals[name] = vars(net).get(name, _MISSING)
                setattr(net, name, getattr(self, f"_wrapped_{name}")(getattr(net, name)))

    # -- the wrappers ------------------------------------------------------------------------
    def _wrapped_SGD(self, original: Callable[..., Any]) -> Callable[..., Any]:  # noqa: N802
        def SGD(  # noqa: N802 - the book's name
            training_data: Any,
            epochs: int,
            mini_batch_size: int,
            eta: float,
            *args: Any,
            **kwargs: Any,
        ) -> Any:
            test_data = kwargs.get("test_data", args[0] if args else None)
            try:
                n = len(training_data)
            except TypeError:
                n = 0  # a zip or generator: the epochs' length shows from evaluate instead
            if self._finished:  # SGD again: a new run, with a window (and file) of its own
                self._finished, self._started_sending, self._senders = False, False, []
            self.epochs, self.batch_size, self.eta = int(epochs), int(mini_batch_size), eta
            self.batches_per_epoch = math.ceil(n / self.batch_size) if n else 0
            self.epoch, self.batch_in_epoch = self.epoch + (self.batch_in_epoch > 0), 0
            if test_data is not None:
                self._examples = _examples(test_data, self.sizes[-1])
            try:
                return original(training_data, epochs, mini_batch_size, eta, *args, **kwargs)
            finally:
                self.finish()

        return SGD

    def _wrapped_update_mini_batch(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def update_mini_batch(mini_batch: Any, *args: Any, **kwargs: Any) -> Any:
            eta = kwargs.get("eta", args[0] if args else self.eta)
            if self._epoch_ended is not None:  # no evaluate came: the epoch ends untested
                self._post_epoch(None, None)
            now = time.perf_counter()
            due = now - self._last_sent >= 1.0 / MAX_RATE
            keep = self._record_due(now)
            cost = float("nan")
            if due or keep:
                cost = _quadratic_cost(
                    self.net.weights, self.net.biases, mini_batch, self.sizes[-1]
                )
            result = original(mini_batch, *args, **kwargs)
            try:
                n = len(mini_batch)
            except TypeError:
                n = self.batch_size or 0
            self.eta = float(eta) if isinstance(eta, int | float) else self.eta
            self.batches += 1
            self.batch_in_epoch += 1
            self.examples_seen += n
            if not math.isnan(cost):
                self._epoch_costs.append(cost)
            if due or keep:
                self._post(CHUNK, cost, keep=keep, now=now)
            if self.batches_per_epoch and self.batch_in_epoch >= self.batches_per_epoch:
                self._epoch_ended = self.epoch
            return result

        return update_mini_batch

    def _wrapped_evaluate(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def evaluate(test_data: Any, *args: Any, **kwargs: Any) -> Any:
            result = original(test_data, *args, **kwargs)
            try:
                total = len(test_data)
            except TypeError:
                total = None
            if self._examples is None:
                self._examples = _examples(test_data, self.sizes[-1])
            if self.batch_in_epoch > 0 or self._epoch_ended is not None:
                correct = int(result) if isinstance(result, int | np.integer) else None
                self._post_epoch(correct, total)
            return result

        return evaluate

    # -- records -------------------------------------------------------------------------------
    def _record_due(self, now: float) -> bool:
        if self.record_path is None:
            return False
        if self.batches_per_epoch:
            step = max(1, self.batches_per_epoch // RECORD_PER_EPOCH)
            return (self.batch_in_epoch + 1) % step == 0
        return now - self._last_recorded >= RECORD_EVERY_S

    def _progress(self, kind: str, batch_cost: float, **fields: Any) -> Progress:
        costs = self._epoch_costs
        return Progress(
            kind=kind,
            epoch=self.epoch,
            batch=self.batch_in_epoch,
            batches_per_epoch=self.batches_per_epoch,
            examples_seen=self.examples_seen,
            cost=float(np.mean(costs)) if costs else float("nan"),
            eta=self.eta if isinstance(self.eta, float) else float("nan"),
            seconds=time.perf_counter() - self._started,
            batch_cost=batch_cost,
            **fields,
        )

    def snapshot(self, progress: Progress) -> Snapshot:
        """Read-only copies of the network's parameters now."""

        def frozen(a: object) -> np.ndarray:
            c = np.array(a, copy=True)
            c.setflags(write=False)
            return c

        weights = tuple(frozen(w) for w in self.net.weights)
        biases = tuple(frozen(b) for b in self.net.biases)
        return Snapshot(progress, self.sizes, weights, biases)

    def _post(self, kind: str, batch_cost: float, keep: bool, now: float, **fields: Any) -> None:
        if not self._started_sending:
            self._start()
        p = self._progress(kind, batch_cost, **fields)
        self._last_sent = now
        if keep:
            self._last_recorded = now
        item = _Item(p, self.snapshot(p), keep)
        for mailbox, _ in self._senders:
            mailbox.post(item)

    def _post_epoch(self, correct: int | None, total: int | None) -> None:
        if self._epoch_ended is not None:
            self.epoch = self._epoch_ended
        self._epoch_ended = None
        self._post(
            EPOCH,
            float("nan"),
            keep=True,
            now=time.perf_counter(),
            test_correct=correct,
            test_total=total if correct is not None else None,
        )
        self.epoch += 1
        self.batch_in_epoch = 0
        self._epoch_costs = []

    def finish(self) -> None:
        """The run has ended (SGD returned, unwatch, or the script's end): the last state goes
        out, the recording is completed and the window told; the window stays open."""
        if self._finished or not self._started_sending:
            self._finished = True
            return
        if self._epoch_ended is not None:
            self._post_epoch(None, None)
        if self.batch_in_epoch == 0 and self.epoch > 0:  # ended on an epoch's end, as SGD does
            self.epoch -= 1
            self.batch_in_epoch = self.batches_per_epoch
        self._post(DONE, float("nan"), keep=True, now=time.perf_counter())
        self._finished = True
        for mailbox, _ in self._senders:
            mailbox.close()
        # The recording is complete when SGD returns; the window gets its last frames on its
        # own (the script's end waits a little for them, in _finish_all).
        for _, thread in self._senders:
            if thread.name == "nnviz-watch-record":
                thread.join(timeout=60)

    def wait_for_window(self, timeout: float = 10.0) -> None:
        """Give the window up to ``timeout`` seconds to take its last frames."""
        for _, thread in self._senders:
            thread.join(timeout=timeout)

    # -- the sender thread ------------------------------------------------------------------------
    def header(self) -> dict[str, Any]:
        header: dict[str, Any] = {
            "sizes": list(self.sizes),
            "title": self.title,
            "source": "nnviz.watch",
            "batch_size": self.batch_size,
            "epochs": self.epochs,
        }
        if isinstance(self.eta, float) and math.isfinite(self.eta):
            header["eta"] = self.eta
        if self._examples is not None:
            header["examples"] = self._examples
        return header

    def _start(self) -> None:
        """One sender thread per destination, so a slow window never holds up the file."""
        self._started_sending = True
        for name, target, wanted in (
            ("nnviz-watch-window", self._send_to_window, self.show),
            ("nnviz-watch-record", self._send_to_recording, self.record_path is not None),
        ):
            if wanted:
                mailbox = _Mailbox(merge=name == "nnviz-watch-window")
                thread = threading.Thread(target=target, args=(mailbox,), name=name, daemon=True)
                self._senders.append((mailbox, thread))
                thread.start()

    def _open_window(self, header: dict[str, Any]) -> StreamWriter | None:
        log = tempfile.TemporaryFile()
        try:
            self.window = subprocess.Popen(
                [sys.executable, "-m", "nnviz", "watch-window"],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,  # Ctrl+C in the script's terminal leaves it open
            )
            assert self.window.stdin is not None
            self._window_log = log
            return StreamWriter(self.window.stdin, header, "float32")  # type: ignore[arg-type]
        except (OSError, ValueError) as exc:
            self.note(f"no window ({exc}); training goes on")
            return None

    def _window_gone(self) -> None:
        why = "the window was closed"
        proc = self.window
        if proc is not None and proc.wait(timeout=5) > 0:  # an error exit, not a close
            self._window_log.seek(0)
            lines = self._window_log.read().decode(errors="replace").strip().splitlines()
            why = f"the window could not open ({lines[-1] if lines else proc.returncode})"
        self.note(f"{why}; training goes on")

    def _send_to_window(self, mailbox: _Mailbox) -> None:
        items, closing = mailbox.take()
        stream = self._open_window(self.header())
        if stream is None:
            mailbox.close()
        while stream is not None:
            newest = max((i for i, item in enumerate(items) if item.snapshot), default=-1)
            try:
                for i, item in enumerate(items):  # merged: only the newest snapshot goes
                    stream.write(
                        item.progress, item.snapshot if (item.keep or i == newest) else None
                    )
            except (OSError, ValueError):
                mailbox.close()  # what the training posts from now on is dropped
                self._window_gone()
                return
            if closing:
                break
            items, closing = mailbox.take()
        if stream is not None:
            try:
                stream.close()
            except (OSError, ValueError):
                pass

    def _send_to_recording(self, mailbox: _Mailbox) -> None:
        items, closing = mailbox.take()
        header = {k: v for k, v in self.header().items() if k != "examples"}
        dtype = "float64" if self.net.weights[0].dtype == np.float64 else "float32"
        assert self.record_path is not None
        try:
            with RecordingWriter(self.record_path, header, dtype) as recording:  # aborts on error
                while True:
                    for item in items:
                        recording.write(item.progress, item.snapshot)
                    if closing:
                        break
                    items, closing = mailbox.take()
        except (OSError, ValueError) as exc:
            mailbox.close()
            self.note(f"recording to {self.record_path} stopped ({exc}); training goes on")

    # -- undoing ---------------------------------------------------------------------------------
    def restore_methods(self) -> None:
        for name, original in self._originals.items():
            if original is _MISSING:
                try:
                    delattr(self.net, name)
                except AttributeError:
                    pass
            else:
                setattr(self.net, name, original)
        self._originals = {}


def watch(
    net: object,
    *,
    record: str | os.PathLike[str] | None = None,
    show: bool = True,
    title: str | None = None,
) -> Watch:
    """Watch ``net`` learn (see this module's documentation); returns the :class:`Watch`.
    Watching a network twice returns the first watch."""
    existing = _watches.get(id(net))
    if existing is not None and existing.net is net:
        return existing
    w = Watch(net, record, show, title)
    _watches[id(net)] = w
    return w


def unwatch(net: object) -> None:
    """Stop watching ``net``: its own methods are back, the recording is completed and the
    window shows the final state (it stays open)."""
    w = _watches.pop(id(net), None)
    if w is None or w.net is not net:
        return
    w.restore_methods()
    w.finish()


def open_recording(path: str | os.PathLike[str]) -> Recording:
    """Read an nnviz recording: ``.snapshots[-1].weights`` and ``.biases`` are the last state
    recorded, as numpy arrays; ``.progress_records`` every record."""
    return read_recording(path)


@atexit.register
def _finish_all() -> None:
    for w in list(_watches.values()):
        w.finish()
        w.wait_for_window()
