"""One example at a time: the input image, the ten output activations as bars, the verdict."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from nnviz.ui.style import plot_colours

PREDICTED = "#0072B2"  # Okabe-Ito blue
WRONG = "#D55E00"  # vermilion: predicted bar when the prediction is wrong
OTHER = "#B8B8B8"
TRUE_OUTLINE = "#009E73"  # bluish green outline on the true label's bar


def ink_lookup_table() -> np.ndarray:
    """256-entry RGB table from paper white (0) to ink (1)."""
    t = np.linspace(0.0, 1.0, 256)[:, None]
    paper, ink = np.array([250, 250, 250]), np.array([28, 28, 28])
    return np.round(paper + (ink - paper) * t).astype(np.uint8)


class InputImageView(pg.GraphicsLayoutWidget):
    """A small grey picture of an input (values 0..1, ink dark on light paper)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setBackground("w")
        self.view = self.addViewBox(
            lockAspect=True, invertY=True, enableMouse=False, enableMenu=False
        )
        self.image_item = pg.ImageItem(axisOrder="row-major")
        self.image_item.setLookupTable(ink_lookup_table())
        self.view.addItem(self.image_item)
        frame = pg.QtWidgets.QGraphicsRectItem(0, 0, 1, 1)
        frame.setPen(pg.mkPen("#999", width=0))
        self._frame = frame
        self.view.addItem(frame)
        self.setMinimumSize(90, 90)

    def set_image(self, image: np.ndarray | None) -> None:
        """Show a 2-D image (None clears it)."""
        if image is None:
            self.image_item.clear()
            return
        img = np.asarray(image, dtype=float)
        self.image_item.setImage(img, levels=(0.0, 1.0))
        self._frame.setRect(0, 0, img.shape[1], img.shape[0])
        self.view.autoRange(padding=0.02)

    def image(self) -> np.ndarray | None:
        return self.image_item.image


class OutputBars(pg.PlotWidget):
    """Output activations as bars; the most active one (the prediction) is coloured."""

    def __init__(self, parent=None, n: int = 10) -> None:
        super().__init__(parent, background="w", viewBox=pg.ViewBox(enableMenu=False))
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.setMouseEnabled(x=False, y=False)
        item.hideButtons()
        item.setYRange(0, 1.02, padding=0)
        item.setLabel("left", "activation", color="#222")
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen("#444"))
            axis.setTextPen(pg.mkPen("#222"))
        self.bars = pg.BarGraphItem(x=np.arange(n), height=np.zeros(n), width=0.7, brush=OTHER)
        item.addItem(self.bars)
        self.outputs = np.zeros(n)
        self.predicted: int | None = None
        self.label: int | None = None
        self.set_names([str(i) for i in range(n)])

    def set_names(self, names: Sequence[str]) -> None:
        """Tick labels under the bars (digits by default)."""
        self.names = list(names)
        ticks = [(i, s) for i, s in enumerate(self.names)]
        self.getPlotItem().getAxis("bottom").setTicks([ticks])
        self.getPlotItem().setXRange(-0.6, len(self.names) - 0.4, padding=0)

    def set_outputs(self, outputs: np.ndarray | None, label: int | None = None) -> None:
        """Bar heights from ``outputs`` (n,); ``label``: the true class, outlined."""
        if outputs is None:
            outputs = np.zeros(len(self.names))
        out = np.asarray(outputs, dtype=float).ravel()
        if out.size != len(self.names):
            self.set_names([str(i) for i in range(out.size)])
        self.outputs = out
        self.predicted = int(np.argmax(out)) if out.size and np.any(out) else None
        self.label = label
        brushes, pens = [], []
        for i in range(out.size):
            if i == self.predicted:
                right = label is None or label == i
                brushes.append(pg.mkBrush(PREDICTED if right else WRONG))
            else:
                brushes.append(pg.mkBrush(OTHER))
            pens.append(pg.mkPen(TRUE_OUTLINE, width=3) if i == label else pg.mkPen(None))
        self.bars.setOpts(x=np.arange(out.size), height=out, brushes=brushes, pens=pens)

    def heights(self) -> np.ndarray:
        """Bar heights as drawn."""
        return np.asarray(self.bars.opts["height"], dtype=float)

    def set_dark(self, dark: bool) -> None:
        background, ink = plot_colours(dark)
        self.setBackground(background)
        item = self.getPlotItem()
        item.setLabel("left", "activation", color=ink)
        for name in ("left", "bottom"):
            item.getAxis(name).setPen(pg.mkPen(ink))
            item.getAxis(name).setTextPen(pg.mkPen(ink))


class ExampleView(QWidget):
    """Image, output bars and a line saying the label and the network's guess."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.image_view = InputImageView()
        self.bars = OutputBars()
        self.verdict = QLabel("")
        self.verdict.setAlignment(Qt.AlignmentFlag.AlignCenter)
        row = QHBoxLayout()
        row.addWidget(self.image_view, 2)
        row.addWidget(self.bars, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(row, 1)
        layout.addWidget(self.verdict)

    def set_presentation(self, scale: float, dark: bool = False) -> None:
        """The dark theme darkens the bars' plot and the picture's surroundings (the picture
        itself stays ink on paper, as the digit was written)."""
        self.bars.set_dark(dark)
        self.image_view.setBackground(plot_colours(dark)[0])

    def set_example(
        self, image: np.ndarray | None, label: int | None, outputs: np.ndarray | None
    ) -> None:
        """Show one example: 2-D ``image``, true ``label`` and output activations (n,)."""
        self.image_view.set_image(image)
        self.bars.set_outputs(outputs, label)
        pred = self.bars.predicted
        parts = []
        if label is not None:
            name = self.bars.names[label] if label < len(self.bars.names) else str(label)
            parts.append(f"label {name}")
        if outputs is not None and len(outputs) == 1:  # one output: its bit, not an argmax
            name = self.bars.names[0] if self.bars.names else "output"
            parts.append(f"network says {name} = {int(float(outputs[0]) > 0.5)}")
        elif pred is not None:
            parts.append(f"network says {self.bars.names[pred]}")
            if label is not None:
                parts.append("right" if pred == label else "wrong")
        self.verdict.setText("  ·  ".join(parts))
