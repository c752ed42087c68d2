"""File > Export Replay as Video...: ``nnviz video`` in a child process, with progress.

Rendering draws the studio's views offscreen for every frame; in a child process it cannot
slow the window, and Cancel simply ends the child (which removes its partial file).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget


class VideoExport(QObject):
    """One export job. ``finished(ok, message)`` says how it ended, in one line."""

    finished = Signal(bool, str)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.process: QProcess | None = None
        self.dialog: QProgressDialog | None = None
        self.target: Path | None = None
        self._errors = ""
        self._cancelled = False

    @property
    def running(self) -> bool:
        return self.process is not None

    def start(
        self, recording: str | Path, target: str | Path, view: str = "studio", **options
    ) -> None:
        self.target = Path(target)
        self._errors, self._cancelled = "", False
        args = ["-m", "nnviz", "video", str(recording), "-o", str(target), "--view", view]
        for key, value in options.items():
            args += [f"--{key}", str(value)]
        args.append("--progress-lines")
        proc = QProcess(self)
        env = QProcessEnvironment.systemEnvironment()
        env.insert("QT_QPA_PLATFORM", "offscreen")
        proc.setProcessEnvironment(env)
        proc.readyReadStandardOutput.connect(self._on_output)
        proc.readyReadStandardError.connect(self._on_errors)
        proc.finished.connect(self._on_finished)
        self.process = proc
        dialog = QProgressDialog(
            f"Rendering {self.target.name}\u2026", "Cancel", 0, 100, self.parent()
        )
        dialog.setWindowTitle("Export replay as video")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self.cancel)
        dialog.setValue(0)
        self.dialog = dialog
        proc.start(sys.executable, args)

    def cancel(self) -> None:
        if self.process is not None:
            self._cancelled = True
            self.process.terminate()  # SIGTERM: the child removes its partial file

    def _on_output(self) -> None:
        if self.process is None:
            return
        text = bytes(self.process.readAllStandardOutput()).decode(errors="replace")
        for line in text.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[0] == "progress" and self.dialog is not None:
                done, total = int(parts[1]), max(1, int(parts[2]))
                self.dialog.setMaximum(total)
                self.dialog.setValue(done)
                self.dialog.setLabelText(f"Rendering {self.target.name}: frame {done} of {total}")

    def _on_errors(self) -> None:
        if self.process is not None:
            self._errors += bytes(self.process.readAllStandardError()).decode(errors="replace")

    def _on_finished(self, code: int, _status) -> None:
        self._on_output()
        self._on_errors()
        self.process.deleteLater()
        self.process = None
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
        if self._cancelled:
            self.finished.emit(False, "Video export cancelled: no file was written.")
        elif code == 0:
            mb = self.target.stat().st_size / 1e6 if self.target.exists() else 0.0
            self.finished.emit(True, f"Video saved: {self.target} ({mb:.1f} MB)")
        else:
            lines = (
                [ln for ln in self._errors.splitlines() if "error" in ln or "warning" in ln]
                or self._errors.strip().splitlines()[-1:]
                or ["the renderer stopped"]
            )
            self.finished.emit(False, f"Video export failed: {lines[-1].split('error: ')[-1]}")


SIZES = ("640x360", "1280x720", "1920x1080")
VIEWS = {"studio": "Network and plots", "canvas": "Network only", "plots": "Plots only"}


def ask_video_options(parent: QWidget) -> dict[str, object] | None:
    """Size, frames per second, length and view of the video, as ``nnviz video`` takes them.

    Returns the options (keys are the command's long flags) or None when the user cancels.
    """
    from PySide6.QtWidgets import (
        QComboBox,
        QDialog,
        QDialogButtonBox,
        QDoubleSpinBox,
        QFormLayout,
        QSpinBox,
    )

    dialog = QDialog(parent)
    dialog.setWindowTitle("Video options")
    form = QFormLayout(dialog)
    size = QComboBox(dialog)
    size.addItems(SIZES)
    size.setCurrentText("1280x720")
    size.setAccessibleName("Video size")
    fps = QSpinBox(dialog)
    fps.setRange(5, 60)
    fps.setValue(30)
    fps.setSuffix(" frames/s")
    fps.setAccessibleName("Frames per second")
    seconds = QDoubleSpinBox(dialog)
    seconds.setRange(1.0, 600.0)
    seconds.setDecimals(0)
    seconds.setValue(30.0)
    seconds.setSuffix(" s")
    seconds.setAccessibleName("Length of the video")
    view = QComboBox(dialog)
    for key, label in VIEWS.items():
        view.addItem(label, key)
    view.setAccessibleName("What the video shows")
    form.addRow("&Size:", size)
    form.addRow("&Frames per second:", fps)
    form.addRow("&Length:", seconds)
    form.addRow("&Shows:", view)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return {
        "size": size.currentText(),
        "fps": fps.value(),
        "seconds": seconds.value(),
        "view": view.currentData(),
    }
