"""Plots for the perceptron lab: the decision plane, sigma(z) against the step, output vs c."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from nnviz.core.learning.neuron import sigmoid
from nnviz.core.perceptron import Perceptron, sigmoid_output_vs_c, step
from nnviz.ui.accessibility import set_name
from nnviz.ui.perceptron.widgets import COLOR_ONE, COLOR_ZERO

_LIGHT_ONE = np.array([250, 222, 160], dtype=float)  # pale orange: region where output is 1
_LIGHT_ZERO = np.array([180, 208, 232], dtype=float)  # pale blue: region where output is 0
_LINE_PEN = pg.mkPen("#222222", width=2.5)
_GUIDE_PEN = pg.mkPen("#888888", width=1, style=Qt.PenStyle.DashLine)


def _style(plot: pg.PlotWidget, left: str, bottom: str) -> None:
    plot.setBackground("w")
    plot.setLabel("left", left)
    plot.setLabel("bottom", bottom)
    plot.showGrid(x=True, y=True, alpha=0.15)
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()


class DecisionPlane(pg.PlotWidget):
    """The unit square of a 2-input neuron: the line w.x + b = 0 and the shaded regions.

    The four corners are the binary inputs, filled with the perceptron's output there. In
    sigmoid mode the shading shows sigma(c z) smoothly and a ring marks the real input.
    When a challenge is active, each corner is labelled with the output it wants.
    """

    LO, HI = -0.35, 1.35
    GRID = 161

    def __init__(self, parent=None):
        super().__init__(parent)
        _style(self, "x2", "x1")
        self.setAspectLocked(True)
        self.setRange(xRange=(self.LO, self.HI), yRange=(self.LO, self.HI), padding=0)
        self.getPlotItem().vb.disableAutoRange()
        ticks = [[(0, "0"), (1, "1")]]
        self.getAxis("bottom").setTicks(ticks)
        self.getAxis("left").setTicks(ticks)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-10)
        self.addItem(self.image)
        square = np.array([0, 1, 1, 0, 0]), np.array([0, 0, 1, 1, 0])
        self.square = self.plot(*square, pen=pg.mkPen("#777777", width=1))
        self.line = self.plot([], [], pen=_LINE_PEN)
        self.corners = pg.ScatterPlotItem(size=26, pen=pg.mkPen("#222222", width=1.5))
        self.addItem(self.corners)
        self.current = pg.ScatterPlotItem(
            size=36, pen=pg.mkPen("#d62728", width=3), brush=pg.mkBrush(0, 0, 0, 0)
        )
        self.addItem(self.current)
        self.corner_labels: list[pg.TextItem] = []
        self.want_labels: list[pg.TextItem] = []
        for x1, x2 in ((0, 0), (0, 1), (1, 0), (1, 1)):
            label = pg.TextItem("", color="#111111", anchor=(0.5, 0.5))
            label.setPos(x1, x2)
            self.addItem(label)
            self.corner_labels.append(label)
            # "wants" text goes outside the square so it never covers the shading at a corner
            want = pg.TextItem("", color="#333333", anchor=(0.5, 1.0 if x2 == 0 else 0.0))
            want.setPos(x1, x2 - 0.19 if x2 == 0 else x2 + 0.19)
            self.addItem(want)
            self.want_labels.append(want)
        self.corner_outputs: list[int] = []
        self.line_xy: tuple[np.ndarray, np.ndarray] = (np.array([]), np.array([]))
        self.region_values = np.zeros((self.GRID, self.GRID))
        axis = np.linspace(self.LO, self.HI, self.GRID)
        self._x1, self._x2 = np.meshgrid(axis, axis)  # row index follows x2 (row-major image)

    def update_neuron(
        self,
        p: Perceptron,
        current: Sequence[float],
        sigmoid_c: float | None = None,
        wanted: Sequence[int] | None = None,
    ) -> None:
        """Redraw for a 2-input neuron ``p`` at input ``current``.

        ``sigmoid_c`` given: shade by sigma(c z); otherwise by the perceptron's 0/1 output.
        ``wanted``: target outputs for the corners 00, 01, 10, 11 (a challenge), or None.
        """
        (w1, w2), b = p.weights, p.bias
        z = w1 * self._x1 + w2 * self._x2 + b
        values = step(z) if sigmoid_c is None else sigmoid(sigmoid_c * z)
        self.region_values = values
        rgb = _LIGHT_ZERO + (_LIGHT_ONE - _LIGHT_ZERO) * values[..., None]
        self.image.setImage(rgb.astype(np.uint8), autoLevels=False, levels=(0, 255))
        # after setImage: the rect's scale is computed from the image's pixel size
        self.image.setRect(self.LO, self.LO, self.HI - self.LO, self.HI - self.LO)

        self.line_xy = self._boundary(w1, w2, b)
        self.line.setData(*self.line_xy)

        corners = [(0, 0), (0, 1), (1, 0), (1, 1)]
        self.corner_outputs = [p.output(x) for x in corners]
        self.corners.setData(
            pos=corners,
            brush=[pg.mkBrush(COLOR_ONE if o else COLOR_ZERO) for o in self.corner_outputs],
        )
        for label, out in zip(self.corner_labels, self.corner_outputs, strict=True):
            label.setText(str(out))
            label.setColor(QColor("#111111") if out else QColor("#ffffff"))
        for label, (x, want) in zip(
            self.want_labels, zip(corners, wanted or [None] * 4, strict=True), strict=True
        ):
            if want is None:
                label.setText("")
            else:
                ok = p.output(x) == want
                label.setText(f"wants {want}" + ("" if ok else " ✗"))
                label.setColor(QColor("#1b7f3b") if ok else QColor("#c0392b"))
        self.current.setData(pos=[tuple(float(v) for v in current)])

    def _boundary(self, w1: float, w2: float, b: float) -> tuple[np.ndarray, np.ndarray]:
        """Points of the line w1 x1 + w2 x2 + b = 0 across the visible square."""
        lo, hi = self.LO, self.HI
        if w2 != 0:
            x1 = np.array([lo, hi])
            return x1, -(w1 * x1 + b) / w2
        if w1 != 0:
            return np.array([-b / w1] * 2), np.array([lo, hi])
        return np.array([]), np.array([])  # no weights: the output is the same everywhere


class _SmallPlot(pg.PlotWidget):
    """A plot that asks for modest room (pyqtgraph asks for 640x480): the page's columns
    share out the space, and a tall wish would make it scroll on a projector."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt name
        return QSize(300, 180)


class SigmoidPlot(_SmallPlot):
    """sigma(z) with the step function overlaid and the current z marked."""

    def __init__(self, parent=None):
        super().__init__(parent)
        _style(self, "output", "z = c·(w·x + b)")
        set_name(self, "Plot of σ(z) and the step function, the current z marked")
        self.addLegend(offset=(-8, -30))  # bottom right: the curves are near 1 there, not under it
        self.step_curve = self.plot(
            [],
            [],
            pen=pg.mkPen("#0072B2", width=2, style=Qt.PenStyle.DashLine),
            name="step (perceptron)",
        )
        self.sigma_curve = self.plot([], [], pen=pg.mkPen("#E69F00", width=3), name="σ(z)")
        self.marker = pg.ScatterPlotItem(size=12, brush=pg.mkBrush("#d62728"), pen=None)
        self.addItem(self.marker)
        self.vline = pg.InfiniteLine(angle=90, pen=_GUIDE_PEN)
        self.addItem(self.vline)
        self.setYRange(-0.05, 1.05, padding=0)
        self.z = 0.0

    def update_z(self, z: float) -> None:
        """Show sigma around ``z`` (wide enough that z is always in view)."""
        self.z = float(z)
        half = max(6.0, 1.15 * abs(self.z))
        zs = np.linspace(-half, half, 401)
        self.sigma_curve.setData(zs, sigmoid(zs))
        self.step_curve.setData(zs, step(zs))
        self.marker.setData([self.z], [float(sigmoid(self.z))])
        self.vline.setValue(self.z)
        self.setXRange(-half, half, padding=0.02)


class ScalePlot(_SmallPlot):
    """Output sigma(c z) as the scale c grows (log axis), with the perceptron's output as a guide.

    As c grows the curve approaches the perceptron's 0 or 1, unless z = 0: then it stays 0.5.
    """

    C_MIN, C_MAX = 0.1, 100.0

    def __init__(self, parent=None):
        super().__init__(parent)
        _style(self, "output σ(c·z)", "scale c (log)")
        # x is log10(c), drawn by hand: pyqtgraph's log mode drops custom end ticks
        self.cs = np.logspace(np.log10(self.C_MIN), np.log10(self.C_MAX), 200)
        self.limit_line = pg.InfiniteLine(
            angle=0, pen=pg.mkPen("#0072B2", width=2, style=Qt.PenStyle.DashLine)
        )
        self.addItem(self.limit_line)
        self.curve = self.plot([], [], pen=pg.mkPen("#E69F00", width=3))
        self.marker = pg.ScatterPlotItem(size=12, brush=pg.mkBrush("#d62728"), pen=None)
        self.addItem(self.marker)
        self.setYRange(-0.05, 1.05, padding=0)
        # room either side: pyqtgraph drops a tick label that sticks out past the axis
        self.setXRange(np.log10(self.C_MIN) - 0.2, np.log10(self.C_MAX) + 0.2, padding=0)
        self.getAxis("bottom").setTicks(
            [
                [(-1, "0.1"), (0, "1"), (1, "10"), (2, "100")],
                [(np.log10(v), "") for v in (0.2, 0.5, 2, 5, 20, 50)],
            ]
        )

    def update_neuron(self, p: Perceptron, x: Sequence[float], c: float) -> None:
        outputs = sigmoid_output_vs_c(p, x, self.cs)
        self.curve.setData(np.log10(self.cs), outputs)
        z = p.z(x)
        self.limit_line.setValue(0.5 if z == 0 else float(p.output(x)))
        self.marker.setData([np.log10(c)], [float(sigmoid(c * z))])


class SquareHolder(QWidget):
    """Keeps a plot square at the top, with a caption right under it.

    A stretched unit square would distort the slope of the line w.x + b = 0.
    """

    def __init__(self, child: QWidget, caption: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.child = child
        self.caption = caption
        child.setParent(self)
        caption.setParent(self)

    def resizeEvent(self, event) -> None:
        self.relayout()
        super().resizeEvent(event)

    def relayout(self) -> None:
        """Place the plot and caption (call after the caption's text changes)."""
        w = self.width()
        cap_h = max(self.caption.heightForWidth(min(w, 520)), self.caption.sizeHint().height())
        side = max(50, min(w, self.height() - cap_h - 6))
        left = (w - side) // 2
        self.child.setGeometry(left, 0, side, side)
        cap_w = max(side, min(w, 520))
        self.caption.setGeometry((w - cap_w) // 2, side + 4, cap_w, cap_h)
