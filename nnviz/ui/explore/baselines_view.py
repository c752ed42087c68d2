"""How good is the network, compared with simple methods? (Book, chapter 1.)

A table of the test accuracy of random guessing, the "average darkness" rule and a support
vector machine beside the trained network's. Baselines run in a worker thread; random and
darkness take a moment and start by themselves, the SVM (seconds to minutes) on request. The
SVM fit runs in a child Python process because scikit-learn cannot be interrupted:
cancelling terminates the process, so cancel and closing the window are immediate.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import numpy as np
from PySide6.QtCore import QCoreApplication, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.datasets.dataset import Dataset
from nnviz.core.io.atomic import remove_stale_parts
from nnviz.core.learning.network import Network

ROWS = (
    ("network", "This network"),
    ("random", "Random guess"),
    ("darkness", "Average darkness"),
    ("svm", "SVM as in the book (gamma 'auto')"),
    ("svm_scale", "SVM, today's default (gamma 'scale')"),
)
SVMS = {"svm": "auto", "svm_scale": "scale"}  # row -> the SVC gamma it uses
BOOK_SVM_TRAINING = 50000  # the book's SVM: MNIST, gamma 'auto', every training image


def plot_label(name: str, dataset_name: str, n_train: int) -> str:
    """How a baseline is named on the accuracy plot: with the training images it learnt
    from, and "book" only for the book's own setting (the book's 94.35%)."""
    if name == "random":
        return "random guess"
    images = f"{n_train:,} training image{'s' if n_train != 1 else ''}"
    if name == "darkness":
        return f"average darkness ({images})"
    gamma = SVMS[name]
    book = name == "svm" and dataset_name == "mnist" and n_train == BOOK_SVM_TRAINING
    setting = "the book's setting: " if book else ""
    return f"SVM, {setting}\u03b3 {gamma}, {images}"


QUICK = ("random", "darkness")
SVM_LIMITS = ((1000, "1,000"), (10000, "10,000"), (None, "all"))


# The SVM runs in a fresh Python process (not multiprocessing: its "spawn" start method
# re-imports the main module, and `python -m nnviz` would then start a second app). The
# child reads the data from a temporary .npz and answers with tab-separated lines on stdout.
_CHILD_CODE = """
import sys
import numpy as np
from nnviz.core.baselines import svm_baseline
from nnviz.core.datasets.dataset import Dataset, Split, one_hot

def say(kind, text):
    print(kind + "\\t" + str(text).replace("\\n", " "), flush=True)

try:
    with np.load(sys.argv[1], allow_pickle=False) as f:
        parts = {k: f[k] for k in f.files}
    def split(prefix):
        labels = parts[prefix + "_labels"]
        return Split(parts[prefix + "_x"], one_hot(labels, 10), labels)
    ds = Dataset(str(parts["name"]), split("train"), split("test"), scale=float(parts["scale"]))
    limit = int(sys.argv[2]) or None
    say("done", svm_baseline(ds, progress=lambda stage, msg: say("progress", msg),
                             train_limit=limit, gamma=sys.argv[3]))
except Exception as exc:
    say("error", str(exc) or type(exc).__name__)
"""


def _read_lines(stream, out: queue.Queue) -> None:
    for line in stream:
        out.put(line.rstrip("\n"))
    out.put(None)  # end of output


class BaselineThread(QThread):
    """Runs the named baselines one after another; checks for cancel between and during."""

    progress = Signal(str, str)  # name, message
    computed = Signal(str, int, int)  # name, correct, total
    failed = Signal(str, str)  # name, message

    def __init__(
        self,
        dataset: Dataset,
        names: list[str],
        svm_limit: int | None,
        parent=None,
        lookups: tuple[str, ...] = (),
    ):
        super().__init__(parent)
        self.dataset = dataset
        self.names = list(names) + [n for n in lookups if n not in names]
        self.svm_limit = svm_limit
        self.lookups = set(lookups) - set(names)  # SVMs only looked up in the cache
        self.child_pid: int | None = None  # the SVM process while it runs

    def run(self) -> None:
        from nnviz.core.baselines import run_baseline

        total = len(self.dataset.test)
        for name in self.names:
            if self.isInterruptionRequested():
                return
            if name in self.lookups:
                from nnviz.core.baselines import svm_cached_result

                hit = svm_cached_result(self.dataset, self.svm_limit, SVMS[name])
                if hit is not None:
                    self.computed.emit(name, int(hit), total)
                continue
            self.progress.emit(name, "computing...")
            try:
                if name in SVMS:
                    correct = self._run_svm(name)
                    if correct is None:
                        return  # cancelled, or failed and already reported
                else:
                    correct = run_baseline(name, self.dataset)
            except Exception as exc:
                self.failed.emit(name, str(exc) or type(exc).__name__)
                continue
            self.computed.emit(name, int(correct), total)

    def _run_svm(self, name: str) -> int | None:
        ds = self.dataset
        self.progress.emit(name, "preparing the data for a worker process...")
        remove_stale_parts(Path(tempfile.gettempdir()))  # left by a process killed mid-run
        fd, path = tempfile.mkstemp(prefix="nnviz-svm-", suffix=".npz")
        proc = None
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez(
                    f,
                    name=np.array(ds.name),
                    scale=np.array(ds.scale),
                    train_x=ds.train.x,
                    train_labels=ds.train.labels,
                    test_x=ds.test.x,
                    test_labels=ds.test.labels,
                )
            if self.isInterruptionRequested():
                return None
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    _CHILD_CODE,
                    path,
                    str(self.svm_limit or 0),
                    SVMS[name],
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
            self.child_pid = proc.pid
            lines: queue.Queue = queue.Queue()
            threading.Thread(target=_read_lines, args=(proc.stdout, lines), daemon=True).start()
            while True:
                if self.isInterruptionRequested():
                    return None
                try:
                    line = lines.get(timeout=0.05)
                except queue.Empty:
                    continue
                if line is None:
                    code = proc.wait()
                    self.failed.emit(
                        name, f"the SVM process stopped without an answer (exit code {code})"
                    )
                    return None
                kind, _, value = line.partition("\t")
                if kind == "progress":
                    self.progress.emit(name, value)
                elif kind == "done":
                    return int(value)
                elif kind == "error":
                    self.failed.emit(name, value)
                    return None
        finally:
            if proc is not None:
                if proc.poll() is None:
                    proc.terminate()
                    try:
                        proc.wait(2)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait(2)
                proc.stdout.close()
            Path(path).unlink(missing_ok=True)


class BaselinesView(QWidget):
    """The baselines table. ``baseline_computed(key, label, percent)`` fires for each result,
    with the name the accuracy plot shows (:func:`plot_label`)."""

    baseline_computed = Signal(str, str, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.network: Network | None = None
        self.dataset: Dataset | None = None
        self.results: dict[str, tuple[int, int]] = {}  # name -> (correct, total)
        self.network_result: tuple[int, int] | None = None
        self.thread: BaselineThread | None = None
        self._pending: list[str] = []
        self._svm_trained_on = ""
        self._run_failed = False

        intro = QLabel(
            "Is the network any good? Compare its test accuracy with simple methods: random "
            "guessing; the 'average darkness' rule (guess the digit whose average amount of "
            "ink is closest to the image's); and a support vector machine, a strong method "
            "that owes nothing to neurons. The SVM runs twice: with the settings the book "
            "used (its 94.35% on MNIST) and with scikit-learn's default today, which is better."
        )
        intro.setWordWrap(True)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #8a4b00;")
        self.table = QTableWidget(len(ROWS), 3)
        self.table.setHorizontalHeaderLabels(["Method", "Test accuracy", "Details"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        # The method and its accuracy as wide as their text in the current type (presenter
        # mode's too); the details take the rest.
        for column in (0, 1):
            self.table.horizontalHeader().setSectionResizeMode(
                column, QHeaderView.ResizeMode.ResizeToContents
            )
        for r, (_, title) in enumerate(ROWS):
            self.table.setItem(r, 0, QTableWidgetItem(title))
        self.table.setFixedHeight(
            self.table.horizontalHeader().sizeHint().height()
            + len(ROWS) * self.table.verticalHeader().defaultSectionSize()
            + 2 * self.table.frameWidth()
        )

        self.svm_limit = QComboBox()
        for limit, text in SVM_LIMITS:
            self.svm_limit.addItem(f"train SVM on {text} images", limit)
        self.svm_button = QPushButton("Run SVMs")
        self.svm_button.setToolTip("Fit both SVMs, the book's and today's default, in turn")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # the SVM fit reports no fraction done: an activity bar
        self.busy.setMaximumWidth(160)
        self.busy.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        controls = QHBoxLayout()
        controls.addWidget(self.svm_limit)
        controls.addWidget(self.svm_button)
        controls.addWidget(self.cancel_button)
        controls.addWidget(self.busy)
        controls.addWidget(self.status, 1)

        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.hint)
        lay.addWidget(self.table)
        lay.addLayout(controls)
        lay.addStretch(1)

        self.svm_button.clicked.connect(self._on_run_svm)
        self.cancel_button.clicked.connect(self.cancel)
        self.svm_limit.currentIndexChanged.connect(self._on_limit_changed)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        self.set_network(None, None)

    # -- public -----------------------------------------------------------------------------
    def set_network(self, network: Network | None, dataset: Dataset | None) -> None:
        """Show ``network``'s test accuracy; baselines are for ``dataset`` (kept while it
        stays the same; the quick ones start by themselves)."""
        self.network = network
        new_data = dataset is not self.dataset
        self.dataset = dataset
        if new_data:
            self.cancel()
            self.results.clear()
        self.network_result = None
        problem = ""
        if dataset is None:
            problem = "Choose a data set (and train a network) to compare with the baselines."
        elif not dataset.is_classification:
            problem = f"{dataset.name} has no class labels: baselines need a classification task."
        if not problem and network is not None:
            from nnviz.core.learning.training import check_compatible, evaluate_split

            try:
                check_compatible(network, dataset)  # a clear message, not a shape error
                correct = evaluate_split(network, dataset, dataset.test)
                self.network_result = (correct, len(dataset.test))
            except ValueError as exc:
                problem = f"{exc}."
        elif not problem:
            problem = "No trained network yet: train one to see it beside the baselines."
        self.hint.setText(problem)
        self.hint.setVisible(bool(problem))
        usable = dataset is not None and dataset.is_classification
        self.svm_button.setEnabled(usable and not self.running)
        self._update_estimate()
        self._fill()
        if usable and new_data:
            self.compute(list(QUICK), cached_svms=True)

    @property
    def running(self) -> bool:
        """True from starting a run until its end has been handled in the GUI thread."""
        return self.thread is not None

    def compute(self, names: list[str], cached_svms: bool = False) -> None:
        """Start computing the named baselines (plus any a cancelled run left undone). With
        ``cached_svms`` the SVMs are only looked up in the cache, never fitted."""
        if self.dataset is None or not self.dataset.is_classification:
            return
        todo = [n for n in dict.fromkeys(self._pending + list(names)) if n not in self.results]
        lookups = tuple(n for n in SVMS if cached_svms and n not in self.results)
        self._stop_thread()
        if not todo and not lookups:
            return
        self._pending = todo
        limit = self.svm_limit.currentData()
        thread = BaselineThread(self.dataset, todo, limit, self, lookups=lookups)
        thread.progress.connect(self._on_progress)
        thread.computed.connect(self._on_computed)
        thread.failed.connect(self._on_failed)
        thread.finished.connect(self._on_finished)
        self.thread = thread
        self.cancel_button.setEnabled(True)
        self.svm_button.setEnabled(not any(n in SVMS for n in todo))  # Run stays for lookups
        self.busy.show()
        self._run_failed = False
        self.status.setText("working...")
        thread.start()

    def cancel(self) -> None:
        """Stop the running baselines (the SVM process is terminated)."""
        was_running = self.running
        self._pending = []
        self._stop_thread()
        for name in ("random", "darkness", *SVMS):
            if name not in self.results:
                self._set_row(name, "", "")
        if was_running:
            self.status.setText("cancelled")
        self._fill()

    @Slot()
    def shutdown(self) -> None:
        """Stop and wait for the worker; call when the window closes."""
        self._pending = []
        self._stop_thread()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self.shutdown()
        super().closeEvent(event)

    # -- internals --------------------------------------------------------------------------
    def _stop_thread(self) -> None:
        thread = self.thread
        if thread is None:
            return
        for sig in (thread.progress, thread.computed, thread.failed, thread.finished):
            try:
                sig.disconnect()
            except (RuntimeError, TypeError):
                pass
        thread.requestInterruption()
        thread.wait()  # at most one poll (50 ms) plus terminating the SVM process
        self.thread = None
        thread.deleteLater()
        self._idle()

    def _idle(self) -> None:
        self.busy.hide()
        self.cancel_button.setEnabled(False)
        usable = self.dataset is not None and self.dataset.is_classification
        self.svm_button.setEnabled(usable and any(n not in self.results for n in SVMS))

    def _update_estimate(self) -> None:
        if self.dataset is None or self.dataset.train.labels is None:
            self.svm_limit.setToolTip("")
            return
        from nnviz.core.baselines import svm_seconds_estimate

        limit = self.svm_limit.currentData()
        n = len(self.dataset.train) if limit is None else min(limit, len(self.dataset.train))
        secs = svm_seconds_estimate(n, len(self.dataset.test))
        self.svm_limit.setToolTip(f"about {secs:.0f} s on this machine (a rough estimate)")

    def _set_row(self, name: str, accuracy: str, details: str) -> None:
        r = [k for k, _ in ROWS].index(name)
        self.table.setItem(r, 1, QTableWidgetItem(accuracy))
        self.table.setItem(r, 2, QTableWidgetItem(details))

    def _fill(self) -> None:
        if self.network_result is None:
            self._set_row("network", "", "no trained network")
        else:
            c, t = self.network_result
            self._set_row("network", f"{100 * c / t:.2f}%", f"{c:,} of {t:,} test images")
        for name, (c, t) in self.results.items():
            details = f"{c:,} of {t:,} test images"
            if name in SVMS:
                details += f", trained on {self._svm_trained_on}"
                if name == "svm" and self.dataset is not None and self.dataset.name == "mnist":
                    details += "; the book: 94.35%"
            self._set_row(name, f"{100 * c / t:.2f}%", details)
        for name in SVMS:
            if name not in self.results and not self.running:
                note = "not run yet: press Run SVMs"
                if name == "svm" and self.dataset is not None and self.dataset.name == "mnist":
                    note += (
                        " (the book's 94.35% is for all 50,000 training images; choose 'all',"
                        " about 10 min here; results are kept)"
                    )
                self._set_row(name, "", note)

    @Slot(str, str)
    def _on_progress(self, name: str, message: str) -> None:
        title = dict(ROWS)[name]
        self._set_row(name, "\u2026", message)
        self.status.setText(f"{title}: {message}")

    @Slot(str, int, int)
    def _on_computed(self, name: str, correct: int, total: int) -> None:
        self.results[name] = (correct, total)
        if name in self._pending:
            self._pending.remove(name)
        n = len(self.dataset.train) if self.dataset is not None else 0
        if name in SVMS and self.thread is not None:
            limit = self.thread.svm_limit
            n = n if limit is None else min(limit, n)
            self._svm_trained_on = f"{n:,} training images"
        self._fill()
        dataset_name = self.dataset.name if self.dataset is not None else ""
        label = plot_label(name, dataset_name, n)
        self.baseline_computed.emit(name, label, percent(correct, total))

    @Slot(str, str)
    def _on_failed(self, name: str, message: str) -> None:
        if name in self._pending:
            self._pending.remove(name)
        self._run_failed = True
        self._set_row(name, "failed", message)
        self.status.setText(f"{dict(ROWS)[name]} failed: {message}")

    @Slot()
    def _on_finished(self) -> None:
        thread = self.thread
        self.thread = None
        if thread is not None:
            thread.deleteLater()
        if not self._run_failed:
            self.status.setText("done")
        self._idle()

    @Slot()
    def _on_run_svm(self) -> None:
        self.compute(list(SVMS))

    def _on_limit_changed(self, _i: int) -> None:
        self._update_estimate()
        stale = [n for n in SVMS if n in self.results]  # another size: another result
        for name in stale:
            del self.results[name]
        if stale:
            self._fill()
            self._idle()
        if not self.running:
            self.compute([], cached_svms=True)  # results kept for this size show at once


def percent(correct: int, total: int) -> float:
    """Accuracy in percent (NaN for an empty test set)."""
    return 100.0 * correct / total if total else float("nan")
