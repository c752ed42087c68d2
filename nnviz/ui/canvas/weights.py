"""A neuron's incoming weights drawn as an image in the input's shape (28x28 or 8x8).

Clicking a first-layer hidden neuron on the canvas shows what it "looks for" in a digit: blue
pixels push it on, vermilion ones push it off. The colour scale is symmetric about zero so
white always means "no effect".
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from nnviz.core.notation import symbol
from nnviz.ui.accessibility import set_name
from nnviz.ui.canvas.style import NEGATIVE, POSITIVE, robust_max
from nnviz.ui.style import plot_colours


def diverging_colormap() -> pg.ColorMap:
    """Vermilion (negative) - white (zero) - blue (positive), matching the canvas edges."""
    colours = [NEGATIVE.getRgb()[:3], (255, 255, 255), POSITIVE.getRgb()[:3]]
    return pg.ColorMap(pos=[0.0, 0.5, 1.0], color=colours)


def guess_image_shape(n: int) -> tuple[int, int]:
    """(rows, cols) for n inputs: a square when n is one (784 -> 28x28), else one row."""
    side = math.isqrt(n)
    return (side, side) if side * side == n else (1, n)


class WeightHeatmap(QWidget):
    """Incoming weights ``weights[layer][index]`` of one neuron, reshaped to the input image."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.layer = 0
        self.index = 0
        self.image_shape: tuple[int, int] | None = None
        self.weights: tuple[np.ndarray, ...] = ()
        self.title = QLabel("incoming weights")
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
        set_name(self.graphics, "Incoming weights of the chosen neuron, drawn as an image")
        self.view = self.graphics.addViewBox(
            lockAspect=True, invertY=True, enableMouse=False, enableMenu=False
        )
        self.image_item = pg.ImageItem(axisOrder="row-major")
        self.view.addItem(self.image_item)
        self.colorbar = pg.ColorBarItem(
            values=(-1, 1),
            colorMap=diverging_colormap(),
            interactive=False,
            width=14,
        )
        self.colorbar.setImageItem(self.image_item)
        self.graphics.addItem(self.colorbar)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.title)
        layout.addWidget(self.graphics, 1)

    def set_presentation(self, scale: float, dark: bool = False) -> None:
        """The dark theme darkens the picture's surroundings and the colour bar's numbers."""
        background, ink = plot_colours(dark)
        self.graphics.setBackground(background)
        axis = getattr(self.colorbar, "axis", None)
        if axis is not None:
            axis.setTextPen(pg.mkPen(ink))
            axis.setPen(pg.mkPen(ink))

    def set_image_shape(self, shape: tuple[int, int] | None) -> None:
        """Shape to fold the weights into; None: guess from the layer width."""
        self.image_shape = tuple(shape) if shape is not None else None
        self._redraw()

    def set_neuron(self, layer: int, index: int) -> None:
        """Show ``weights[layer][index]`` (layer 0: a first hidden layer neuron)."""
        self.layer, self.index = int(layer), int(index)
        self._redraw()

    def set_weights(self, weights) -> None:
        self.weights = tuple(np.asarray(w) for w in weights)
        self._redraw()

    def set_snapshot(self, snapshot) -> None:
        """Live update from a training snapshot."""
        self.set_weights(snapshot.weights)

    def image(self) -> np.ndarray | None:
        """The 2-D array currently shown."""
        return self.image_item.image

    def _redraw(self) -> None:
        if not self.weights or self.layer >= len(self.weights):
            return
        w = self.weights[self.layer]
        if self.index >= w.shape[0]:
            return
        row = np.asarray(w[self.index], dtype=float)
        shape = self.image_shape if self.image_shape else guess_image_shape(row.size)
        if shape[0] * shape[1] != row.size:
            shape = guess_image_shape(row.size)
        img = row.reshape(shape)
        m = robust_max(img)
        self.image_item.setImage(img, autoLevels=False)
        self.colorbar.setLevels((-m, m))
        self.title.setText(
            f"weights {symbol('w', self.layer + 2, self.index + 1, 'k')} into neuron "
            f"{self.index + 1} of layer {self.layer + 2} (|w| up to {np.abs(row).max():.2f})"
        )
