"""Run one long function off the GUI thread, with progress and cancel.

``Job(fn)`` calls ``fn(progress, cancelled)`` in a QThread: ``progress(done, total, text)``
reports, ``cancelled()`` tells the function to stop. The result or the error message comes
back as a signal. Used for loading data, downloading MNIST and similar one-shot work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QThread, Signal


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
