"""Shared test set-up: offscreen Qt, the real-MNIST location, patient waits, and a guard
against child processes and threads that a test leaves running."""

from __future__ import annotations

import gc
import os
import signal
import weakref
from pathlib import Path

import pytest

from tests.waiting import describe_condition, leftover_children, wait_for_exit

# Before any QApplication exists: tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Keep tests away from the user's real data, settings and autosaves.
os.environ.setdefault("NNVIZ_TESTING", "1")

ROOT = Path(__file__).resolve().parent.parent


def _user_mnist_dir() -> Path:
    # Read before any test swaps NNVIZ_DATA_DIR for a temporary folder.
    from nnviz.paths import user_data_dir

    return user_data_dir() / "mnist"


USER_MNIST = _user_mnist_dir()


def mnist_dir() -> Path | None:
    """The real MNIST folder: $NNVIZ_MNIST_DIR, else ../shared/data/mnist beside the project,
    else the per-user folder that `nnviz data download` fills."""
    env = os.environ.get("NNVIZ_MNIST_DIR")
    candidates = [Path(env)] if env else []
    candidates.append(ROOT.parent / "shared" / "data" / "mnist")
    candidates.append(USER_MNIST)
    for c in candidates:
        if (c / "t10k-labels-idx1-ubyte.gz").exists() or (c / "t10k-labels-idx1-ubyte").exists():
            return c
    return None


@pytest.fixture
def mnist_path() -> Path:
    path = mnist_dir()
    if path is None:
        pytest.skip(
            "real MNIST not found: run `nnviz data download` (or set NNVIZ_MNIST_DIR to a "
            "folder with the four MNIST files)"
        )
    return path


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path, monkeypatch):
    """Every test gets its own data, state and settings folders."""
    monkeypatch.setenv("NNVIZ_DATA_DIR", str(tmp_path / "user-data"))
    monkeypatch.setenv("NNVIZ_STATE_DIR", str(tmp_path / "user-state"))
    monkeypatch.setenv("NNVIZ_SETTINGS_PATH", str(tmp_path / "settings.ini"))


@pytest.fixture
def mnist_present(tmp_path, monkeypatch) -> Path:
    """An MNIST folder that find_mnist() accepts (empty files: only presence is checked), set
    as $NNVIZ_MNIST_DIR. Loading it would fail; use it where the app only asks whether
    MNIST is there."""
    from nnviz.core.datasets.mnist import MNIST_FILES

    folder = tmp_path / "mnist-present"
    folder.mkdir()
    for base in MNIST_FILES.values():
        (folder / f"{base}.gz").write_bytes(b"")
    monkeypatch.setenv("NNVIZ_MNIST_DIR", str(folder))
    return folder


# -- waiting for the app -------------------------------------------------------------------------
# A test waits for a condition, never for a time. On a shared, loaded 2-core machine the app may
# be slow, so every wait gets a generous ceiling; when it is reached, the failure names the
# condition that never came true.
WAIT_CEILING_MS = 30_000
SETTLE_ROUNDS = 5  # a layout pass may post another (nested layouts): a few rounds reach the end


@pytest.fixture
def qtbot(qapp, request):
    """pytest-qt's qtbot with waits of at least WAIT_CEILING_MS that say what never happened,
    and widgets that Qt deletes before Python does (see ``addWidget``)."""
    from PySide6.QtCore import QCoreApplication, QEvent
    from pytestqt.qtbot import QtBot

    kept: list = []

    class PatientQtBot(QtBot):
        def addWidget(self, widget, **kw) -> None:  # noqa: N802 - pytest-qt's name
            """pytest-qt keeps a weak reference only: a widget the test no longer holds was
            torn down by Python first (its attributes, e.g. a plot's legend labels, released)
            while Qt's destructor still laid it out and called into the half-gone labels
            ("LabelItem has no attribute _sizeHint", then a crash). Held here, it is closed
            and deleted by Qt at teardown, and only then released."""
            super().addWidget(widget, **kw)
            kept.append(widget)

        def waitUntil(self, callback, *, timeout: int = WAIT_CEILING_MS) -> None:  # noqa: N802
            ceiling = max(int(timeout), WAIT_CEILING_MS)
            try:
                super().waitUntil(callback, timeout=ceiling)
            except TimeoutError:
                raise TimeoutError(
                    f"waited {ceiling / 1000:g} s and this never came true: "
                    f"{describe_condition(callback)}"
                ) from None

        # A wait that may end without its signal (raising=False, as assertNotEmitted uses)
        # keeps its own timeout: there the timeout is the point, not a ceiling.
        def waitSignal(self, signal=None, *, timeout=WAIT_CEILING_MS, raising=None, **kw):  # noqa: N802
            if raising is not False:
                timeout = max(int(timeout), WAIT_CEILING_MS)
            return super().waitSignal(signal, timeout=timeout, raising=raising, **kw)

        def waitSignals(self, signals=None, *, timeout=WAIT_CEILING_MS, raising=None, **kw):  # noqa: N802
            if raising is not False:
                timeout = max(int(timeout), WAIT_CEILING_MS)
            return super().waitSignals(signals, timeout=timeout, raising=raising, **kw)

        def show_at(self, widget, width: int, height: int):
            """Own ``widget`` (closed after the test), show it at ``width`` x ``height``
            and wait until it is on screen; returns it."""
            self.addWidget(widget)
            widget.resize(width, height)
            widget.show()
            self.waitExposed(widget)
            return widget

        def settle(self) -> None:
            """Deliver every event already posted (layout requests, repaints, deferred
            calls), so the widgets show their current state; waits for no time."""
            from PySide6.QtCore import QCoreApplication

            for _ in range(SETTLE_ROUNDS):
                QCoreApplication.sendPostedEvents()
                QCoreApplication.processEvents()

    yield PatientQtBot(request)
    # pytest-qt has closed the widgets and asked Qt to delete them (deleteLater): let Qt do
    # so now, then let Python release what is left of them.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    kept.clear()


# -- long tests first ----------------------------------------------------------------------------
def pytest_collection_modifyitems(config, items):
    """Tests marked slow run first (the order is otherwise kept): under xdist a long test
    that starts near the end leaves the other workers idle while it finishes."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


# -- garbage collected in the main thread only --------------------------------------------------
@pytest.fixture(scope="session", autouse=True)
def _collect_garbage_in_the_main_thread():
    """As the app does (nnviz.ui.shell.app): no automatic collection, which may run in any
    thread (a worker's, or xdist's own) and destroy Qt items the main thread is using; a
    worker crashed that way in test_plots. Collection happens after each test instead."""
    enabled = gc.isenabled()
    gc.disable()
    yield
    if enabled:
        gc.enable()


@pytest.fixture(autouse=True)
def _collect_after_each_test():
    yield
    t0, t1, t2 = gc.get_threshold()
    c0, c1, c2 = gc.get_count()
    if c0 > t0:  # the collections the interpreter would have run, but here, in this thread
        gc.collect(2 if c1 > t1 and c2 > t2 else 1 if c1 > t1 else 0)


# -- nothing left running --------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _no_child_process_or_thread_left():
    """Fail a test that leaves a child process (training process, baseline worker, video
    export) or a QThread running. Stopping is given a bounded moment to finish."""
    before = set(leftover_children())
    yield
    left = [pid for pid in wait_for_exit(before) if pid not in before]
    threads = _running_qthreads()
    problems = []
    if left:
        problems.append(f"{len(left)} child process(es) still running: {left}")
        for pid in left:  # end them, so one leak does not cascade into later tests
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    if threads:
        problems.append(f"{len(threads)} QThread(s) still running: {threads}")
    if problems:
        pytest.fail("test left work running: " + "; ".join(problems), pytrace=False)


# Every QThread started from Python is noted here as it starts (weakly: the note keeps nothing
# alive), so the check after each test looks at those few instead of scanning the heap.
_STARTED_QTHREADS: weakref.WeakSet = weakref.WeakSet()


def _note_qthread_starts() -> None:
    from PySide6.QtCore import QThread

    original = QThread.start

    def start(self, *args, **kwargs):
        _STARTED_QTHREADS.add(self)
        return original(self, *args, **kwargs)

    QThread.start = start


_note_qthread_starts()


def _running_qthreads() -> list[str]:
    """QThreads started during the session that still run. Each one found is stopped, so one
    leak does not cascade into later tests."""
    import shiboken6

    running = []
    for t in list(_STARTED_QTHREADS):
        try:
            if shiboken6.isValid(t) and t.isRunning():
                running.append(t)
        except (RuntimeError, ReferenceError):
            continue
    for t in running:
        t.requestInterruption()
        t.quit()
        t.wait(WAIT_CEILING_MS)
    return [t.objectName() or type(t).__name__ for t in running]
