"""Run one long function off the GUI thread, with progress and cancel.

``Job(fn)`` calls ``fn(progress, cancelled)`` in a QThread: ``progress(done, total, text)``
reports, ``cancelled()`` tells the function to stop. The result or the error message comes
back as a signal. Used for loading data, downloading MNIST and similar one-shot work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal


class Job(QThread):
    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, fn: Callable[[Callable, Callable], Any], name: str = "job", parent=None):
        super().__init__(parent)
        self._fn = fn
        self.setObjectName(f"nnviz-{name}")
        self.cancelled_by_user = False

    def cancel(self) -> None:
        self.cancelled_by_user = True
        self.requestInterruption()

    def run(self) -> None:
        def report(done: int, total: int, text: str = "") -> None:
            self.progress.emit(int(done), int(total), str(text))

        try:
            result = self._fn(report, self.isInterruptionRequested)
        except Exception as exc:  # reported to the user, never raised into Qt
            self.failed.emit("cancelled" if self.cancelled_by_user else str(exc))
            return
        if self.cancelled_by_user:
            self.failed.emit("cancelled")
        else:
            self.succeeded.emit(result)


# Jobs still running, kept referenced until their thread ends even if their runner (and its
# view) is deleted first: a QThread destroyed while it runs aborts the process.
_RUNNING: set[Job] = set()


class JobRunner(QObject):
    """One view's background work, one job at a time (as Orange3's ``ConcurrentMixin``).

    ``start(fn)`` runs ``fn(progress, cancelled)`` in a :class:`Job`; starting another, or
    ``cancel()``, asks the running one to stop, and whatever it still reports is dropped, so
    a view only ever hears from its latest job. Every thread is kept alive until it ends (a
    QThread destroyed while running aborts the process); ``shutdown()`` cancels and waits.
    """

    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    ended = Signal()  # the latest job is over, however it ended

    def __init__(self, name: str = "job", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = name
        self._current: Job | None = None
        self._threads: set[Job] = set()  # started and not yet ended, stale ones included

    @property
    def running(self) -> bool:
        return self._current is not None

    @property
    def current(self) -> Job | None:
        """The latest job, while it runs."""
        return self._current

    def alive(self) -> list[Job]:
        """Every thread started here that is still running, stale ones included."""
        return [job for job in self._threads if job.isRunning()]

    def start(self, fn: Callable[[Callable, Callable], Any]) -> Job:
        self.cancel()
        job = Job(fn, self._name)
        job.progress.connect(self._on_progress)
        job.succeeded.connect(self._on_succeeded)
        job.failed.connect(self._on_failed)
        job.finished.connect(self._on_finished)
        self._current = job
        self._threads.add(job)
        _RUNNING.add(job)
        job.finished.connect(lambda: _RUNNING.discard(job))  # no receiver: outlives the runner
        job.start()
        return job

    def cancel(self) -> None:
        """Ask the running job to stop; nothing it reports from now on arrives."""
        job, self._current = self._current, None
        if job is not None:
            job.cancel()
            self.cancelled.emit()
            self.ended.emit()

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel and wait for every thread started here; True when all have ended."""
        self.cancel()
        for job in list(self._threads):
            job.wait(timeout_ms)
        self._threads = {j for j in self._threads if j.isRunning()}
        return not self._threads

    def _on_progress(self, done: int, total: int, text: str) -> None:
        if self.sender() is self._current:
            self.progress.emit(done, total, text)

    def _on_succeeded(self, result: object) -> None:
        if self.sender() is self._current:
            self.succeeded.emit(result)

    def _on_failed(self, message: str) -> None:
        if self.sender() is self._current and message != "cancelled":
            self.failed.emit(message)

    def _on_finished(self) -> None:
        job = self.sender()
        if isinstance(job, Job):
            job.wait(2000)  # 'finished' arrives just before the thread really ends
            self._threads.discard(job)
            if job is self._current:
                self._current = None
                self.ended.emit()
