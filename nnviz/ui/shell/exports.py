"""Everything the main window writes for use elsewhere: pictures of a view (PNG, SVG), the
network (.npz), the history (CSV) and the replay as a video."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QPoint, QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QInputDialog, QMessageBox

from nnviz.ui.file_dialogs import open_file, remember, save_file


class Exporter(QObject):
    """File > Export and Save Network: each asks for a file and writes it, saying how it went."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window

    def export_video_dialog(self) -> None:
        """Render the replayed recording (or one chosen now) to a video, in the background."""
        w = self.window
        from nnviz.ui.shell.video_export import VideoExport, ask_video_options

        if getattr(w, "video_export", None) is not None and w.video_export.running:
            w.status_label.setText("A video export is already running.")
            return
        recording = w.studio.replay_path
        if recording is None:
            chosen = open_file(
                self.window, "recording", "Recording to export", "nnviz recordings (*.nnrec)"
            )
            if not chosen:
                return
            recording = Path(chosen)
        target = save_file(
            self.window,
            "video",
            "Export replay as video",
            "H.264 video (*.mp4);;Animated GIF (*.gif)",
        )
        if not target:
            return
        if Path(target).suffix.lower() not in (".mp4", ".gif"):
            target += ".mp4"
        options = ask_video_options(self.window)
        if options is None:
            return
        remember("video", target)
        view = str(options.pop("view"))
        w.video_export = VideoExport(self.window)
        w.video_export.finished.connect(self._on_video_finished)
        w.video_export.start(recording, target, view, **options)

    def _on_video_finished(self, ok: bool, message: str) -> None:
        w = self.window
        w.status_label.setText(message)
        w.statusBar().showMessage(message, 15000)
        if not ok and "cancelled" not in message:
            QMessageBox.warning(self.window, "Video not exported", message)

    def _export_target(self):
        """The widget the user is looking at (the inner tab of nested tab widgets)."""
        w = self.window
        widget = w.current_view()
        if widget is w.explore:
            widget = w.explore.current_page()
        return widget

    def export_view(self, path: str, kind: str, scale: float = 2.0) -> bool:
        """Write the current view to PNG (at ``scale``) or SVG."""
        widget = self._export_target()
        if kind == "png":
            pixmap = QPixmap(QSize(int(widget.width() * scale), int(widget.height() * scale)))
            pixmap.setDevicePixelRatio(scale)
            pixmap.fill(Qt.GlobalColor.white)
            widget.render(pixmap)
            return pixmap.save(path)
        from PySide6.QtSvg import QSvgGenerator

        gen = QSvgGenerator()
        gen.setFileName(path)
        gen.setSize(widget.size())
        gen.setViewBox(QRectF(0, 0, widget.width(), widget.height()))
        gen.setTitle("nnviz")
        painter = QPainter(gen)
        widget.render(painter, QPoint(0, 0))
        return painter.end()

    def export_view_dialog(self, kind: str) -> None:
        scale = 1.0
        if kind == "png":
            choice, ok = QInputDialog.getItem(
                self.window, "Export PNG", "Scale:", ["1x", "2x", "3x", "4x"], 1, False
            )
            if not ok:
                return
            scale = float(choice.rstrip("x"))
        path = save_file(
            self.window, "picture", f"Export view as {kind.upper()}", f"{kind.upper()} (*.{kind})"
        )
        if not path:
            return
        if not path.lower().endswith(f".{kind}"):
            path += f".{kind}"
        if not self.export_view(path, kind, scale):
            QMessageBox.warning(self.window, "Export failed", f"Could not write {path}.")

    def save_network_dialog(self) -> None:
        w = self.window
        if w.studio.snapshot is None:
            QMessageBox.information(self.window, "Nothing to save", "There is no network yet.")
            return
        w.studio.pause()
        path = save_file(self.window, "network", "Save network", "nnviz networks (*.npz)")
        if not path:
            return
        try:
            saved = w.studio.save_network(path)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self.window, "Could not save", f"{exc}\n\nChoose another folder.")
            return
        remember("network", saved)
        w.status_label.setText(f"Saved {saved}")

    def export_canvas(self, kind: str) -> None:
        w = self.window
        path = save_file(
            self.window,
            "picture",
            f"Export network as {kind.upper()}",
            f"{kind.upper()} (*.{kind})",
        )
        if not path:
            return
        if not path.lower().endswith(f".{kind}"):
            path += f".{kind}"
        ok = w.studio.canvas.export_png(path) if kind == "png" else w.studio.canvas.export_svg(path)
        if not ok:
            QMessageBox.warning(self.window, "Export failed", f"Could not write {path}.")

    def export_csv(self) -> None:
        path = save_file(self.window, "csv", "Export plot data", "CSV (*.csv)")
        if path:
            try:
                self.window.studio.plots.export_csv(path)
            except OSError as exc:
                QMessageBox.warning(self.window, "Export failed", str(exc))
