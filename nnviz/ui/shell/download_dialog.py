"""Download MNIST with a progress dialog that never blocks the window and can be cancelled."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from nnviz.ui.jobs import Job

DETAILS = "\x1f"  # separates a failure's plain message from its technical details


class DownloadDialog(QProgressDialog):
    """``run()`` downloads (retrying on request) and returns True when MNIST is ready."""

    def __init__(self, parent: QWidget | None = None, data_dir: str | None = None) -> None:
        super().__init__("Downloading MNIST\u2026", "Cancel", 0, 100, parent)
        self.setWindowTitle("Download MNIST")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(0)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumWidth(460)
        self.data_dir = data_dir
        self.folder: Path | None = None
        self.error: str | None = None
        self.details = ""  # every mirror's error, for the message box's details
        self.choose_folder = False  # the user asked to choose a folder instead
        self._job: Job | None = None
        self._loop: QEventLoop | None = None
        self.canceled.connect(self._on_cancel)

    def run(self) -> bool:
        while True:
            self.error = None
            self._start()
            self._loop = QEventLoop()
            self._loop.exec()
            if self.folder is not None:
                self.close()
                return True
            if self.error == "cancelled":
                self.close()
                return False
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                "Download failed",
                f"{self.error}\n\nNothing was changed; files that arrived intact are kept.",
                QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Cancel,
                self.parentWidget(),
            )
            choose = box.addButton("Choose MNIST Folder\u2026", QMessageBox.ButtonRole.ActionRole)
            if self.details:
                box.setDetailedText(self.details)
            answer = box.exec()
            if box.clickedButton() is choose:
                self.choose_folder = True
            if box.clickedButton() is choose or answer != QMessageBox.StandardButton.Retry:
                self.close()
                return False

    def _start(self) -> None:
        self.setValue(0)
        self.show()

        def work(progress, cancelled):
            # urllib, ssl: imported when used
            from nnviz.core.datasets.download import DownloadFailed, download_mnist

            try:
                return download_mnist(
                    self.data_dir,
                    progress=lambda d, t, name: progress(d, t, name),
                    cancelled=cancelled,
                )
            except DownloadFailed as exc:  # the app's words first, the URLs as details
                raise RuntimeError(f"{exc.plain}{DETAILS}{exc}") from None

        job = Job(work, name="download", parent=self)
        job.progress.connect(self._on_progress)
        job.succeeded.connect(self._on_done)
        job.failed.connect(self._on_failed)
        job.finished.connect(self._on_finished)
        self._job = job
        job.start()

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, name: str) -> None:
        if total > 0:
            self.setMaximum(1000)
            self.setValue(min(1000, int(1000 * done / total)))
            self.setLabelText(f"Downloading {name}: {done / 1e6:.1f} of {total / 1e6:.1f} MB")
        else:
            self.setMaximum(0)
            self.setLabelText(f"Downloading {name}: {done / 1e6:.1f} MB")

    @Slot(object)
    def _on_done(self, folder) -> None:
        self.folder = Path(folder)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.error, _, self.details = message.partition(DETAILS)

    @Slot()
    def _on_finished(self) -> None:
        job, self._job = self._job, None
        if job is not None:
            job.deleteLater()
        if self._loop is not None:
            self._loop.quit()

    @Slot()
    def _on_cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self.setLabelText("Cancelling\u2026")

    def shutdown(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self._job.wait(5000)
