"""The input layer drawn as an image grid (28x28 for MNIST, 8x8 for the small digits).

Instead of 784 circles the inputs are pixels. The first weight layer cannot be drawn edge by
edge from a grid, so each first-layer neuron gets one aggregated line whose colour and width
show its total weighted input from the image, sum_k w_jk x_k (neutral grey with no input). The
hovered or selected first-layer neuron's own weights are painted into the grid instead.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen, QStaticText
from PySide6.QtWidgets import QGraphicsItem

from nnviz.ui.canvas.layout import LayerLayout
from nnviz.ui.canvas.style import (
    HIGHLIGHT,
    NEGATIVE,
    OUTLINE,
    POSITIVE,
    activation_color,
    dashed_for_negative,
    mix_with_white,
    robust_max,
)

GRID_SIDE = 300.0  # the grid's larger side, scene units


def _ink_image(values: np.ndarray, dark: bool = False) -> QImage:
    """(rows, cols) ink values 0..1 -> RGB32 image, paper to ink (on the dark canvas, dark
    to bright, as the neurons)."""
    paper, ink = activation_color(0.0, dark), activation_color(1.0, dark)
    v = np.clip(np.nan_to_num(values), 0.0, 1.0)[..., None]
    p = np.array([paper.red(), paper.green(), paper.blue()], dtype=float)
    i = np.array([ink.red(), ink.green(), ink.blue()], dtype=float)
    return _rgb_image(p + (i - p) * v)


def _diverging_image(values: np.ndarray, scale: float) -> QImage:
    """(rows, cols) signed values -> vermilion / white / blue image, symmetric about zero."""
    t = np.clip(np.nan_to_num(values) / scale, -1.0, 1.0)[..., None]
    white = np.array([255.0, 255.0, 255.0])
    pos = np.array([POSITIVE.red(), POSITIVE.green(), POSITIVE.blue()], dtype=float)
    neg = np.array([NEGATIVE.red(), NEGATIVE.green(), NEGATIVE.blue()], dtype=float)
    rgb = np.where(t >= 0, white + (pos - white) * t, white + (neg - white) * (-t))
    return _rgb_image(rgb)


def _rgb_image(rgb: np.ndarray) -> QImage:
    h, w = rgb.shape[:2]
    argb = np.empty((h, w), dtype=np.uint32)
    r, g, b = (np.round(rgb[..., c]).astype(np.uint32) for c in range(3))
    argb[:] = 0xFF000000 | (r << 16) | (g << 8) | b
    return QImage(argb.tobytes(), w, h, 4 * w, QImage.Format.Format_RGB32).copy()


def grid_layout(shape: tuple[int, int], side: float = GRID_SIDE) -> LayerLayout:
    """A LayerLayout for the grid (``side`` its larger side): every unit shown, ``ys`` the
    pixel rows' centres."""
    rows, cols = shape
    cell = side / max(rows, cols)
    idx = np.arange(rows * cols)
    ys = (idx // cols + 0.5) * cell - rows * cell / 2
    return LayerLayout(rows * cols, 0.0, cell / 2, idx, ys, None)


class InputGridItem(QGraphicsItem):
    """The input layer as a grid of pixels, right edge at x = 0, centred on y = 0.

    Offers the interface of NeuronLayerItem that the canvas uses (``layout``, ``center``,
    ``unit_at``, ``set_activations``, ``highlighted``, ...).
    """

    text_colour: QColor = QColor(40, 40, 40)  # the caption (the canvas sets its theme's)

    def __init__(
        self,
        shape: tuple[int, int],
        title: str,
        side: float = GRID_SIDE,
        text_px: tuple[float, float] | None = None,
    ) -> None:
        """``side``: the grid's larger side in scene units (the canvas passes what its
        columns' height leaves, so the grid never shrinks the whole drawing); ``text_px``:
        the caption's and title's pixel heights (the canvas's, so presenter mode enlarges
        them), or the default point sizes."""
        super().__init__()
        self.layer = 0
        # Not "shape": that would hide QGraphicsItem.shape(), which Qt calls for hit-testing.
        self.grid_shape = (int(shape[0]), int(shape[1]))
        rows, cols = self.grid_shape
        self.cell = side / max(rows, cols)
        self.layout = grid_layout(self.grid_shape, side)
        w, h = cols * self.cell, rows * self.cell
        self.rect = QRectF(-w, -h / 2, w, h)
        self.title = title
        self.labels = None
        self.highlighted: int | None = None
        self.selected: int | None = None
        self._activations: np.ndarray | None = None
        self.dark = False  # the dark canvas's ramp (set_dark)
        self._image = _ink_image(np.zeros(self.grid_shape))
        self._overlay: QImage | None = None
        self._caption = "input pixels"
        self._font = QFont()
        self._title_font = QFont()
        if text_px is None:
            self._font.setPointSizeF(10.0)
            self._title_font.setPointSizeF(11.0)
        else:
            self._font.setPixelSize(max(6, round(text_px[0])))
            self._title_font.setPixelSize(max(7, round(text_px[1])))
        self._text_rect = self._measure_text()

    # -- NeuronLayerItem interface --------------------------------------------------------
    def set_activations(self, a: np.ndarray | None) -> None:
        self._activations = None if a is None else np.asarray(a, dtype=float).ravel()
        shape = self.grid_shape
        values = np.zeros(shape) if a is None else self._activations.reshape(shape)
        self._image = _ink_image(values, self.dark)
        self.update()

    def set_dark(self, dark: bool) -> None:
        """Draw the pixels by the dark canvas's ramp (ink bright) or the light one's."""
        if dark != self.dark:
            self.dark = dark
            self.set_activations(self._activations)

    def set_biases(self, b) -> None:
        """Inputs have no bias."""

    def set_overlay(self, weights: np.ndarray | None, caption: str = "") -> None:
        """Paint a neuron's incoming weights (n_inputs,) into the grid, or go back (None)."""
        if weights is None:
            self._overlay = None
            self._caption = "input pixels"
        else:
            w = np.asarray(weights, dtype=float).reshape(self.grid_shape)
            self._overlay = _diverging_image(w, robust_max(w))
            self._caption = caption
        self.prepareGeometryChange()
        self._text_rect = self._measure_text()
        self.update()

    def has_overlay(self) -> bool:
        return self._overlay is not None

    def fill_of(self, index: int) -> QColor | None:
        if self._activations is None:
            return activation_color(None)
        return activation_color(float(self._activations[index]))

    def center(self, index: int) -> QPointF | None:
        if not 0 <= index < self.layout.size:
            return None
        r, c = divmod(int(index), self.grid_shape[1])
        left, top = self.rect.left(), self.rect.top()
        return QPointF(left + (c + 0.5) * self.cell, top + (r + 0.5) * self.cell)

    def unit_at(self, x: float, y: float, slack: float) -> int | None:
        if not self.rect.contains(QPointF(x, y)):
            return None
        c = min(int((x - self.rect.left()) / self.cell), self.grid_shape[1] - 1)
        r = min(int((y - self.rect.top()) / self.cell), self.grid_shape[0] - 1)
        return r * self.grid_shape[1] + c

    # -- QGraphicsItem --------------------------------------------------------------------
    def _title_pos(self, width: float) -> QPointF:
        return QPointF(self.rect.center().x() - width / 2, self.rect.top() - 26)

    def _measure_text(self) -> QRectF:
        """Where the title and caption are drawn. The title is centred over the grid and
        may be wider than it (\"input layer (64 neurons)\" over an 8x8 grid at 1.5x text):
        the bounding rect, and so the canvas's fit, must hold it, or its start was cut off."""
        tm, cm = QFontMetricsF(self._title_font), QFontMetricsF(self._font)
        title_w = tm.horizontalAdvance(self.title.replace("\n", " "))
        title = QRectF(self._title_pos(title_w), QSizeF(title_w, tm.height()))
        caption = QRectF(
            self.rect.left(),
            self.rect.bottom() + 6,
            cm.horizontalAdvance(self._caption),
            cm.height(),
        )
        return title.united(caption).adjusted(-2, -2, 2, 2)

    def boundingRect(self) -> QRectF:
        return self.rect.adjusted(-4, -50, 4, 40).united(self._text_rect)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.drawImage(self.rect, self._overlay if self._overlay is not None else self._image)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(OUTLINE, 1.0))
        painter.drawRect(self.rect)
        for unit, width in ((self.selected, 2.0), (self.highlighted, 1.5)):
            if unit is not None:
                p = self.center(unit)
                painter.setPen(QPen(HIGHLIGHT, width))
                h = self.cell / 2 + 1
                painter.drawRect(QRectF(p.x() - h, p.y() - h, 2 * h, 2 * h))
        painter.setPen(self.text_colour)  # the theme's (a fixed colour vanished on dark)
        painter.setFont(self._font)
        painter.drawStaticText(
            QPointF(self.rect.left(), self.rect.bottom() + 6), QStaticText(self._caption)
        )
        title = QStaticText(self.title.replace("\n", " "))
        title.prepare(font=self._title_font)
        painter.setFont(self._title_font)
        painter.drawStaticText(self._title_pos(title.size().width()), title)


class GridEdgeItem(QGraphicsItem):
    """One aggregated line per first-layer neuron, from the grid's right edge.

    Colour: sign of the neuron's weighted input from the image; width: its size relative to
    the largest in the layer. Grey and thin when no input is set. Same interface as
    EdgeLayerItem, with no individually drawn edges (``j``, ``k`` empty).
    """

    def __init__(self, grid: InputGridItem, dst: LayerLayout) -> None:
        super().__init__()
        self.layer = 0
        self.j = np.empty(0, dtype=np.int64)
        self.k = np.empty(0, dtype=np.int64)
        self.bucket_counts = np.zeros(0, dtype=np.int64)
        self.antialias = True
        self.dashes = False  # negative net inputs dashed (NetworkDrawing.set_sign_dashes)
        self._dst = dst
        n = dst.shown.size
        top, h = grid.rect.top(), grid.rect.height()
        x1, x2 = grid.rect.right() + 2, dst.x - dst.radius
        starts = top + (np.arange(n) + 0.5) * h / n
        self._lines = [QLineF(x1, float(y1), x2, float(y2)) for y1, y2 in zip(starts, dst.ys)]
        ys = np.concatenate([starts, dst.ys])
        self._rect = QRectF(x1, ys.min() - 4, x2 - x1, ys.max() - ys.min() + 8)
        self._weights: np.ndarray | None = None
        self._inputs: np.ndarray | None = None
        self._pens = [QPen(QColor(190, 190, 190), 0.8)] * n
        self._focus: int | None = None
        self.faded = False
        self.net_inputs: np.ndarray | None = None  # sum_k w_jk x_k of the shown neurons

    def set_weights(self, w: np.ndarray) -> None:
        self._weights = np.asarray(w)
        self.recolour()

    def set_inputs(self, x: np.ndarray | None) -> None:
        self._inputs = None if x is None else np.asarray(x, dtype=float).ravel()
        self.recolour()

    def recolour(self) -> None:
        n = self._dst.shown.size
        if self._weights is None or self._inputs is None:
            self.net_inputs = None
            self._pens = [QPen(QColor(190, 190, 190), 0.8)] * n
        else:
            s = self._weights[self._dst.shown] @ self._inputs
            self.net_inputs = s
            scale = max(float(np.abs(s).max()), 1e-12)
            pens = []
            for v in s.tolist():
                f = min(abs(v) / scale, 1.0)
                pen = QPen(
                    mix_with_white(POSITIVE if v >= 0 else NEGATIVE, 0.2 + 0.8 * f), 0.6 + 3.0 * f
                )
                pen.setCapStyle(Qt.PenCapStyle.FlatCap)
                pens.append(dashed_for_negative(pen, v >= 0) if self.dashes else pen)
            self._pens = pens
        self.update()

    def nearest(self, x: float, y: float, tolerance: float):
        return None  # aggregated lines stand for many weights: nothing single to edit

    def midpoint(self, j: int, k: int):
        return None

    def set_focus(self, j: int | None = None, k: int | None = None) -> None:
        if j != self._focus:
            self._focus = j
            self.update()

    def focus_count(self) -> int:
        return 0 if self._focus is None else 1

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option, widget=None) -> None:
        aa = painter.testRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, self.antialias and aa)
        shown = self._dst.shown.tolist()
        for unit, pen, line in zip(shown, self._pens, self._lines):
            if unit == self._focus:
                pen = QPen(HIGHLIGHT, pen.widthF() + 1.5)
            painter.setPen(pen)
            painter.drawLine(line)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, aa)
