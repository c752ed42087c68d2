"""Getting MNIST from the app: download it, or choose a folder that already holds it.

A chosen folder is checked as ``nnviz data verify`` checks one (each file's md5), off the GUI
thread, then remembered in the settings and used from then on (as $NNVIZ_MNIST_DIR, which the
training process inherits). An environment variable set by the user still wins.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from nnviz.core.datasets.mnist import MNIST_FILES, MNIST_PICKLE, find_mnist, mnist_file
from nnviz.ui.jobs import Job
from nnviz.ui.settings import settings

SETTING = "data/mnist_dir"


def use_remembered_mnist_dir() -> None:
    """At start-up: read MNIST from the folder the user chose, unless $NNVIZ_MNIST_DIR says
    otherwise or the folder no longer holds MNIST."""
    if os.environ.get("NNVIZ_MNIST_DIR"):
        return
    folder = settings().value(SETTING, "", type=str)
    if folder and find_mnist(folder) is not None:
        os.environ["NNVIZ_MNIST_DIR"] = folder


def folder_problem(folder: Path, report=None, cancelled=None) -> str | None:
    """Why ``folder`` cannot be used as the MNIST folder, in one line, or None if it can.

    The four IDX files (gz or raw) are checked against their published md5, as ``nnviz
    data verify`` does; a folder with the book's ``mnist.pkl.gz`` is taken as it is (its
    contents are checked when it is loaded)."""
    from nnviz.core.datasets.download import verify_mnist

    if find_mnist(folder) is None:
        return (
            f"{folder} does not hold MNIST: it needs the four files train-images-idx3-ubyte, "
            "train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte "
            f"(each may end in .gz), or {MNIST_PICKLE}"
        )
    if not all(mnist_file(folder, key) is not None for key in MNIST_FILES):
        return None  # the book's pickle alone
    for i, (name, ok, message) in enumerate(verify_mnist(folder)):
        if cancelled is not None and cancelled():
            return "cancelled"
        if report is not None:
            report(i + 1, 4, name)
        if not ok:
            return f"{name} in {folder} is {message}: copy that file again or download MNIST"
    return None


class MnistOffer(QObject):
    """The window's MNIST actions. ``ready(folder)`` once MNIST can be used."""

    ready = Signal(Path)

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window

    def download(self) -> None:
        from nnviz.ui.shell.download_dialog import DownloadDialog

        dlg = DownloadDialog(self.window)
        if dlg.run() and dlg.folder is not None:
            self.ready.emit(dlg.folder)
        elif dlg.choose_folder:
            self.choose_folder()

    def choose_folder(self) -> None:
        """Ask for a folder, check it (with progress and Cancel), and use it if it holds
        MNIST; else say in one line what is wrong."""
        folder = QFileDialog.getExistingDirectory(
            self.window, "Choose the folder that holds MNIST", str(Path.home())
        )
        if not folder:
            return
        path = Path(folder)
        problem = self._check(path)
        if problem == "cancelled":
            return
        if problem is not None:
            QMessageBox.warning(self.window, "No MNIST in this folder", problem)
            return
        settings().setValue(SETTING, str(path))
        os.environ["NNVIZ_MNIST_DIR"] = str(path)
        self.ready.emit(path)

    def _check(self, path: Path) -> str | None:
        dialog = QProgressDialog("Checking the MNIST files\u2026", "Cancel", 0, 4, self.window)
        dialog.setWindowTitle("Choose MNIST Folder")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        result: list[str | None] = ["cancelled"]
        loop = QEventLoop()
        job = Job(lambda report, cancelled: folder_problem(path, report, cancelled), "verify")
        job.progress.connect(lambda done, total, name: dialog.setValue(done))
        job.succeeded.connect(lambda problem: result.__setitem__(0, problem))
        job.failed.connect(lambda message: result.__setitem__(0, message))
        job.finished.connect(loop.quit)
        dialog.canceled.connect(job.cancel)
        job.start()
        loop.exec()
        dialog.close()
        job.wait()
        return result[0]
