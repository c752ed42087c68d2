"""Draw a digit with the mouse and watch the trained network classify it as you draw.

Left: a drawing pad (round thick pen; undo last stroke; clear). Middle: the 28x28 (or 8x8)
input the network actually receives, made by
:func:`nnviz.core.datasets.preprocess.to_network_format` the way MNIST's images were made.
Right: the 10 output activations as bars, the most active one highlighted, and the predicted digit.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QMouseEvent, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.datasets.dataset import Dataset
from nnviz.core.datasets.preprocess import INPUT_FORMATS, network_input, to_network_format
from nnviz.core.learning.network import Network

PAD_SIZE = 280
DEFAULT_PEN = 20  # px on a 280 px pad: about 2 px once the digit is scaled into 20x20
BAR_COLOR = QColor(120, 144, 180)
WINNER_COLOR = QColor(214, 96, 48)


def gray_to_pixmap(image: np.ndarray, top: float, zoom: int) -> QPixmap:
    """A pixmap of a small (h, w) image shown as MNIST is usually drawn: ink black on white,
    each pixel a ``zoom`` x ``zoom`` square (no smoothing, so pixels stay visible)."""
    img = np.asarray(image, dtype=np.float64)
    grey = np.round(255.0 * (1.0 - np.clip(img / top, 0.0, 1.0))).astype(np.uint8)
    grey = np.ascontiguousarray(np.kron(grey, np.ones((zoom, zoom), dtype=np.uint8)))
    h, w = grey.shape
    qimg = QImage(grey.data, w, h, w, QImage.Format.Format_Grayscale8)
    return QPixmap.fromImage(qimg.copy())  # copy: the numpy buffer goes away


class DrawPad(QWidget):
    """A square pad for drawing with the mouse. Strokes are kept, so the last can be undone.

    ``changed`` fires whenever the drawing changes (while drawing too, for live feedback).
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, size: int = PAD_SIZE) -> None:
        super().__init__(parent)
        self.setFixedSize(size, size)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip("Draw a digit with the mouse (left button)")
        self.pen_width = DEFAULT_PEN
        self.strokes: list[list[QPointF]] = []
        self.picture: QImage | None = None  # a loaded image, drawn under the strokes
        self._drawing = False
        self._image = QImage(size, size, QImage.Format.Format_Grayscale8)
        self._render()

    # -- model ------------------------------------------------------------------------------
    def add_stroke(self, points: list[tuple[float, float]] | list[QPointF]) -> None:
        """Add a whole stroke (pad coordinates), as if drawn with the mouse."""
        pts = [p if isinstance(p, QPointF) else QPointF(float(p[0]), float(p[1])) for p in points]
        if pts:
            self.strokes.append(pts)
            self._render()
            self.changed.emit()

    def undo(self) -> None:
        """Remove the last stroke (or, when no strokes are left, a loaded picture)."""
        if self.strokes:
            self.strokes.pop()
        elif self.picture is not None:
            self.picture = None
        else:
            return
        self._render()
        self.changed.emit()

    def clear(self) -> None:
        if self.strokes or self.picture is not None:
            self.strokes.clear()
            self.picture = None
            self._render()
            self.changed.emit()

    def set_picture(self, ink: np.ndarray) -> None:
        """Put a picture under the strokes: ``ink`` (H, W) in 0..1 (see
        :func:`nnviz.core.datasets.preprocess.image_to_ink`), scaled smoothly to fit the pad."""
        grey = np.ascontiguousarray(np.round(255 * (1 - np.clip(ink, 0, 1))).astype(np.uint8))
        h, w = grey.shape
        img = QImage(grey.data, w, h, w, QImage.Format.Format_Grayscale8).copy()
        self.picture = img.scaled(
            self.width(),
            self.height(),
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        self._render()
        self.changed.emit()

    def set_pen_width(self, width: int) -> None:
        self.pen_width = int(width)
        self._render()
        self.changed.emit()

    def ink(self) -> np.ndarray:
        """(H, W) floats in 0..1: how much ink covers each pad pixel (1 = full)."""
        img = self._image
        h, w, stride = img.height(), img.width(), img.bytesPerLine()
        buf = np.frombuffer(img.constBits(), dtype=np.uint8, count=h * stride)
        grey = buf.reshape(h, stride)[:, :w]
        return 1.0 - grey.astype(np.float64) / 255.0

    # -- drawing ----------------------------------------------------------------------------
    def _pen(self) -> QPen:
        pen = QPen(QColor(0, 0, 0), self.pen_width)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        return pen

    def _draw_stroke(self, painter: QPainter, pts: list[QPointF]) -> None:
        if len(pts) == 1:
            painter.drawPoint(pts[0])
        else:
            painter.drawPolyline(pts)

    def _render(self) -> None:
        # Redrawing every stroke is cheap at 280x280 and keeps undo exact.
        self._image.fill(QColor(255, 255, 255))
        painter = QPainter(self._image)
        if self.picture is not None:
            pic = self.picture
            painter.drawImage(
                (self.width() - pic.width()) // 2, (self.height() - pic.height()) // 2, pic
            )
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(self._pen())
        for pts in self.strokes:
            self._draw_stroke(painter, pts)
        painter.end()
        self.update()

    def _extend(self, pos: QPointF) -> None:
        stroke = self.strokes[-1]
        painter = QPainter(self._image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(self._pen())
        painter.drawLine(stroke[-1], pos)  # only the new segment: no full redraw per move
        painter.end()
        stroke.append(pos)
        self.update()
        self.changed.emit()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.drawImage(0, 0, self._image)
        painter.setPen(QPen(QColor(170, 170, 170), 1))
        painter.drawRect(0, 0, self.width() - 1, self.height() - 1)
        if not self.strokes and self.picture is None:
            painter.setPen(QColor(150, 150, 150))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "draw a digit here")
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._drawing = True
            self.strokes.append([event.position()])
            painter = QPainter(self._image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(self._pen())
            painter.drawPoint(event.position())
            painter.end()
            self.update()
            self.changed.emit()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._drawing and event.buttons() & Qt.MouseButton.LeftButton:
            self._extend(event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self._drawing:
            self._drawing = False
            # Re-render from the strokes: anti-aliased segments drawn one by one overlap
            # slightly differently from one polyline, and undo must give back the same ink.
            self._render()
            self.changed.emit()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(self.width(), self.height())


class DrawDigitView(QWidget):
    """The drawing pad, the network's input made from it, and the network's answer, live."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.network: Network | None = None
        self.dataset: Dataset | None = None
        self.input_image: np.ndarray = np.zeros((28, 28), dtype=np.uint8)
        self.outputs: np.ndarray | None = None
        self.predicted: int | None = None

        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #8a4b00;")

        self.pad = DrawPad()
        self.undo_button = QPushButton("Undo stroke")
        self.clear_button = QPushButton("Clear")
        self.load_button = QPushButton("Open image\u2026")
        self.load_button.setToolTip(
            "Classify a picture of a digit (PNG, JPEG; dark ink on light paper). "
            "You can draw on top of it."
        )
        self.load_status = QLabel()
        self.load_status.setWordWrap(True)
        self.load_status.setStyleSheet("color: #8a4b00;")
        self.load_status.setMaximumWidth(PAD_SIZE + 20)
        self.pen_spin = QSpinBox()
        self.pen_spin.setRange(4, 48)
        self.pen_spin.setValue(DEFAULT_PEN)
        self.pen_spin.setAccessibleName("Pen width")
        self.pen_spin.setSuffix(" px pen")
        self.pen_spin.setToolTip("Pen width. MNIST strokes are about 2 of 28 pixels wide.")
        buttons = QHBoxLayout()
        buttons.addWidget(self.undo_button)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.pen_spin)
        pad_box = QGroupBox("Draw")
        pad_layout = QVBoxLayout(pad_box)
        pad_layout.addWidget(self.pad, alignment=Qt.AlignmentFlag.AlignCenter)
        pad_layout.addLayout(buttons)
        pad_layout.addWidget(self.load_button)
        pad_layout.addWidget(self.load_status)
        pad_layout.addStretch(1)  # let the box grow with the window; the pad stays square

        self.input_label = QLabel()
        self.input_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.input_label.setFixedSize(28 * 6 + 2, 28 * 6 + 2)
        self.input_label.setStyleSheet("border: 1px solid #aaa; background: white;")
        self.input_caption = QLabel()
        self.input_caption.setWordWrap(True)
        self.input_caption.setMaximumWidth(200)
        input_box = QGroupBox("What the network sees")
        input_layout = QVBoxLayout(input_box)
        input_layout.addWidget(self.input_label, alignment=Qt.AlignmentFlag.AlignCenter)
        input_layout.addWidget(self.input_caption)
        input_layout.addStretch(1)

        self.answer = QLabel("?")
        font = QFont()
        font.setPointSize(40)
        font.setBold(True)
        self.answer.setFont(font)
        self.answer.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.answer_caption = QLabel()
        self.answer_caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.plot = pg.PlotWidget(background="w")
        self.plot.setMouseEnabled(False, False)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.setYRange(0, 1, padding=0.02)
        self.plot.setXRange(-0.6, 9.6, padding=0)
        self.plot.getAxis("bottom").setTicks([[(d, str(d)) for d in range(10)]])
        self.plot.setLabel("left", "output activation")
        self.plot.setLabel("bottom", "output neuron (digit)")
        self.plot.setMinimumSize(320, 220)
        self.plot.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.bars = pg.BarGraphItem(
            x=np.arange(10), height=np.zeros(10), width=0.7, brush=BAR_COLOR
        )
        self.plot.addItem(self.bars)
        out_box = QGroupBox("The network's answer")
        out_layout = QVBoxLayout(out_box)
        top = QHBoxLayout()
        top.addWidget(self.answer)
        top.addWidget(self.answer_caption, 1)
        out_layout.addLayout(top)
        out_layout.addWidget(self.plot, 1)

        grid = QGridLayout(self)
        grid.addWidget(self.hint, 0, 0, 1, 3)
        grid.addWidget(pad_box, 1, 0)
        grid.addWidget(input_box, 1, 1)
        grid.addWidget(out_box, 1, 2)
        grid.setColumnStretch(2, 1)
        grid.setRowStretch(1, 1)

        self.pad.changed.connect(self._on_drawing_changed)
        self.undo_button.clicked.connect(self.pad.undo)
        self.clear_button.clicked.connect(self.pad.clear)
        self.load_button.clicked.connect(self._on_open_image)
        self.pen_spin.valueChanged.connect(self.pad.set_pen_width)
        self.set_network(None, None)

    # -- public -----------------------------------------------------------------------------
    def set_network(self, network: Network | None, dataset: Dataset | None) -> None:
        """Classify with ``network`` from now on (None: only show the preprocessed input)."""
        self.network = network
        self.dataset = dataset
        problem = self._problem()
        if problem:
            self.hint.setText(problem)
            self.hint.show()
        else:
            self.hint.hide()
        self._on_drawing_changed()

    def load_image(self, path: str) -> str:
        """Show the image file at ``path`` on the pad; returns "" or why it could not."""
        from nnviz.core.datasets.preprocess import image_to_ink
        from nnviz.core.errors import UsageError
        from nnviz.ui.image_file import read_image

        try:
            ink = image_to_ink(read_image(path))
        except (UsageError, ValueError) as exc:
            message = str(exc)
        else:
            if not ink.any():
                message = f"found no dark ink on light paper in {path}"
            else:
                self.pad.strokes.clear()
                self.pad.set_picture(ink)
                message = ""
        self.load_status.setText(message)
        return message

    @property
    def n_inputs(self) -> int:
        """The input size drawings are prepared for: the network's if it reads images, else
        the data set's, else MNIST's 784."""
        for n in (
            None if self.network is None else self.network.sizes[0],
            None if self.dataset is None else self.dataset.n_inputs,
        ):
            if n in INPUT_FORMATS:
                return n
        return 784

    # -- internals --------------------------------------------------------------------------
    def _problem(self) -> str:
        net = self.network
        if net is None:
            return (
                "No trained network yet: train one (or load a saved one) to see it classify "
                "your drawing. Meanwhile the middle panel shows the input it would receive."
            )
        if net.sizes[0] not in INPUT_FORMATS:
            return (
                f"This network takes {net.sizes[0]} inputs; drawings can feed only networks "
                "with 784 inputs (28x28 MNIST) or 64 (8x8 digits). Train one on MNIST or digits."
            )
        if net.sizes[-1] != 10:
            return (
                f"This network has {net.sizes[-1]} outputs, not one per digit: train it on "
                "MNIST or the 8x8 digits to classify drawings."
            )
        return ""

    def _on_open_image(self) -> None:
        from nnviz.ui.file_dialogs import open_file

        path = open_file(
            self,
            "digit image",
            "Open a picture of a digit",
            "Images (*.png *.jpg *.jpeg *.bmp *.gif)",
        )
        if path:
            self.load_image(path)

    def _on_drawing_changed(self) -> None:
        n_in = self.n_inputs
        self.input_image = to_network_format(self.pad.ink(), n_in)
        side = self.input_image.shape[0]
        top = 255.0 if side == 28 else 16.0
        zoom = 6 if side == 28 else 21
        self.input_label.setPixmap(gray_to_pixmap(self.input_image, top, zoom))
        if side == 28:
            self.input_caption.setText(
                "28x28, like MNIST: the ink is cropped, scaled to fit 20x20 and moved so its "
                "centre of mass is at the centre."
            )
        else:
            self.input_caption.setText(
                "8x8, like the small digits data set (values 0..16): the ink fills the height "
                "and each pixel is the ink in a 4x4 block of a 32x32 bitmap (approximate)."
            )
        usable = not self._problem()
        if not usable or not self.input_image.any():
            self.outputs = None
            self.predicted = None
            self.bars.setOpts(height=np.zeros(10), brushes=[BAR_COLOR] * 10)
            self.answer.setText("?")
            self.answer_caption.setText("" if usable else "no network to ask")
            return
        x = network_input(self.input_image, self.network.dtype)
        self.outputs = np.asarray(self.network.feedforward(x)[:, 0], dtype=np.float64)
        self.predicted = int(np.argmax(self.outputs))
        brushes = [WINNER_COLOR if d == self.predicted else BAR_COLOR for d in range(10)]
        self.bars.setOpts(height=self.outputs, brushes=brushes)
        self.answer.setText(str(self.predicted))
        self.answer_caption.setText(
            f"output {self.predicted} is the most active\n(activation "
            f"{self.outputs[self.predicted]:.2f})"
        )
