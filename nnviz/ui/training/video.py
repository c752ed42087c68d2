"""Rendering a recording's replay to video, offscreen, with the studio's own views.

A :class:`ReplayFilm` is the network canvas, the cost and accuracy plots, or both (as the
studio lays them out), under a line saying which epoch is shown. As in the studio, the canvas
shows the first test example of the run's data set going through the network: its image
beside the input layer and every neuron filled by its activation (when the data set can be
loaded here). The type is scaled to the video's size, so a small video is not cut.
:func:`render_video` steps it through the recording on a fixed clock (``seconds`` for the
whole run, ``fps`` frames a second), grabs each frame and hands it to
:class:`~nnviz.core.files.video.VideoWriter`. Both ``nnviz video`` and File > Export Replay
as Video use it (the app runs ``nnviz video`` in a child process, so rendering never blocks
the window).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QImage
from PySide6.QtWidgets import QApplication, QLabel, QSplitter, QVBoxLayout, QWidget

from nnviz.core.files.recording import Recording
from nnviz.core.files.video import VideoWriter, check_target, even_size
from nnviz.ui.canvas.view import NetworkCanvas
from nnviz.ui.style import plot_colours, theme_plots
from nnviz.ui.training.plots import TrainingPlots
from nnviz.ui.training.replay import epoch_text

VIEWS = ("canvas", "plots", "studio")
BASE_SIZE = (1280, 720)  # the size the requested type scale is meant for


def film_scale(scale: float, size: tuple[int, int]) -> float:
    """The type scale for a video of ``size``: ``scale`` at 1280x720 and above, smaller in
    proportion below it (0.75 at least), so titles and legends fit a 640x360 video."""
    shrink = min(1.0, size[0] / BASE_SIZE[0], size[1] / BASE_SIZE[1])
    return max(0.75, scale * shrink)


def first_example(recording: Recording) -> tuple[np.ndarray, np.ndarray | None] | None:
    """The network input and image of the first test example of the recording's data set,
    or None when the data set cannot be loaded here (MNIST not downloaded, say)."""
    from nnviz.core.datasets.catalog import load_dataset
    from nnviz.core.errors import DataError

    name = str(recording.header.get("dataset") or "")
    try:
        ds = load_dataset(name)
    except (DataError, OSError, ValueError):
        return None
    if ds.n_inputs != recording.frames[0].sizes[0] or len(ds.test.x) == 0:
        return None
    x = ds.test.x[0].astype(np.float64) * ds.scale
    image = None if ds.image_shape is None else x.reshape(ds.image_shape)
    return x, image


def frame_schedule(n_frames: int, fps: float, seconds: float) -> np.ndarray:
    """For each video frame, the recording frame it shows: the run spread evenly over
    ``seconds`` (the first frame at 0 s, the last at the end)."""
    count = max(1, round(fps * seconds))
    if n_frames <= 1:
        return np.zeros(count, dtype=int)
    return np.rint(np.linspace(0, n_frames - 1, count)).astype(int)


def qimage_to_rgb(image: QImage) -> np.ndarray:
    """(H, W, 3) uint8 copy of ``image``."""
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    h, w = image.height(), image.width()
    buf = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
    return buf.reshape(h, image.bytesPerLine())[:, : 3 * w].reshape(h, w, 3).copy()


class ReplayFilm(QWidget):
    """The views a video shows, fed one recording frame at a time."""

    def __init__(
        self, recording: Recording, view: str = "studio", scale: float = 1.5, dark: bool = False
    ) -> None:
        super().__init__()
        if view not in VIEWS:
            raise ValueError(f"view must be one of {', '.join(VIEWS)}, got {view!r}")
        self.recording = recording
        background, ink = plot_colours(dark)
        self.setAutoFillBackground(True)
        self.setStyleSheet(f"background:{background}; color:{ink};")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        self.header = QLabel()
        font = QFont(self.header.font())
        font.setPointSizeF(12 * scale)
        font.setBold(True)
        self.header.setFont(font)
        self.header.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.header.setWordWrap(True)  # two lines rather than cut at a small size
        lay.addWidget(self.header)
        self.example = first_example(recording) if view in ("canvas", "studio") else None
        self.canvas = self.plots = None
        if view in ("canvas", "studio"):
            self.canvas = NetworkCanvas()
            self.canvas.set_max_fps(0)  # every frame drawn at once, no live throttle
            self.canvas.set_presentation(scale, dark)
            first = recording.frames[0]
            self.canvas.set_network(first.sizes, first.weights, first.biases)
            if self.example is not None and self.example[1] is not None:
                self.canvas.set_input_image(self.example[1])
            lay.addWidget(self.canvas, 3)
        if view in ("plots", "studio"):
            self.plots = TrainingPlots()
            self._options = self.plots.take_options()  # kept alive, never shown: no check
            self._options.hide()  # boxes in a video
            split = self.plots.findChild(QSplitter)
            if split is not None and view == "studio":  # side by side, as in the studio
                split.setOrientation(Qt.Orientation.Horizontal)
            self.plots.set_presentation(scale, dark)
            theme_plots(self.plots, "dark" if dark else "light", scale, force=True)
            lay.addWidget(self.plots, 2)
        for child in self.findChildren(QWidget):
            child.setMinimumSize(0, 0)  # the video's size is the film's, however small
        self._plotted = 0  # records already on the plots
        self._records = recording.progress_records
        self._frame_record = recording.frame_records
        self._total_epochs = int(recording.header.get("epochs") or recording.epochs or 1)

    def show_frame(self, i: int) -> None:
        snap = self.recording.frames[i]
        if self.canvas is not None:
            self.canvas.set_snapshot(snap)
            self.canvas.flush()
            if self.example is not None:
                self.canvas.set_activations(snap.activations(self.example[0]))
        upto = self._frame_record[i] + 1
        if self.plots is not None and upto > self._plotted:
            self.plots.extend(r for r in self._records[self._plotted : upto] if r.examples_seen)
            self._plotted = upto
        last_epoch = next((r for r in reversed(self._records[:upto]) if r.kind == "epoch"), None)
        name = self.recording.header.get("dataset", "")
        self.header.setText(
            f"{name} {list(snap.sizes)}, \u03b7 = {snap.progress.eta:g}   "
            + epoch_text(snap.progress, self._total_epochs, last_epoch)
        )

    def grab_rgb(self) -> np.ndarray:
        return qimage_to_rgb(self.grab().toImage())


def render_video(
    recording: Recording,
    target: str | os.PathLike[str],
    size: tuple[int, int] = (1280, 720),
    fps: float = 30,
    seconds: float = 30,
    view: str = "studio",
    scale: float = 1.5,
    dark: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Path:
    """Write ``recording``'s replay to ``target`` (.mp4 or .gif); returns the file written.

    ``progress(done, total)`` is called after each frame. ``cancelled()`` is asked between
    frames and before the file is put in place: when it says so (Ctrl-C, or Cancel in the
    app), or on a KeyboardInterrupt, the partial file is removed and KeyboardInterrupt raised.
    """

    def check() -> None:
        if cancelled is not None and cancelled():
            raise KeyboardInterrupt

    check_target(target)
    app = QApplication.instance()
    scale = film_scale(scale, size)
    film = ReplayFilm(recording, view, scale, dark)
    width, height = size
    if Path(target).suffix.lower() == ".mp4":
        width, height = even_size(width, height)
    film.setFixedSize(width, height)
    film.show()
    app.processEvents()
    schedule = frame_schedule(len(recording.frames), fps, seconds)
    sample = None
    if Path(target).suffix.lower() == ".gif":
        # The last frame holds every colour of the run (all curves drawn): the palette's
        # sample. Then the plots start over from the first frame.
        film.show_frame(len(recording.frames) - 1)
        app.processEvents()
        sample = film.grab_rgb()
        film.close()
        film = ReplayFilm(recording, view, scale, dark)
        film.setFixedSize(width, height)
        film.show()
        app.processEvents()
    writer = VideoWriter(target, (width, height), fps, palette_sample=sample)
    try:
        shown = -1
        rgb = None
        for n, i in enumerate(schedule):
            if i != shown:
                film.show_frame(int(i))
                app.processEvents()
                rgb = film.grab_rgb()
                shown = int(i)
            writer.write(rgb)
            if progress is not None:
                progress(n + 1, len(schedule))
            check()
        check()  # the last moment a cancel can still keep the old file
        return writer.close()
    except BaseException:
        writer.abort()
        raise
    finally:
        film.close()
