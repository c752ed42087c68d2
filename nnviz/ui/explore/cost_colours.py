"""The colours of a cost surface, shared by the valley and the cost slice: viridis on
sqrt(C - C_min), which spreads the colours like distance from the floor so that steep walls
do not take the whole range, and a colour bar whose ticks read in C itself."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

COST_MAP = "viridis"
TICKS = 5


def cost_image() -> pg.ImageItem:
    image = pg.ImageItem(axisOrder="col-major")
    image.setColorMap(pg.colormap.get(COST_MAP))
    return image


def shown_cost(costs: np.ndarray) -> tuple[np.ndarray, float, float]:
    """What the image shows for ``costs`` (sqrt of the height above the lowest finite
    cost; non-finite costs at the floor), with that lowest cost and the top level."""
    finite = np.isfinite(costs)
    low = float(costs[finite].min()) if finite.any() else 0.0
    shown = np.sqrt(np.clip(np.where(finite, costs, low) - low, 0, None))
    return shown, low, float(shown.max()) or 1.0


def cost_colour_bar(plot: pg.PlotWidget, image: pg.ImageItem) -> pg.ColorBarItem:
    """A read-only colour bar beside ``plot``'s data for ``image``."""
    bar = pg.ColorBarItem(
        colorMap=pg.colormap.get(COST_MAP), interactive=False, label="cost C", width=16
    )
    bar.setImageItem(image, insert_in=plot.getPlotItem())
    return bar


def label_cost_bar(bar: pg.ColorBarItem, low: float, top: float) -> None:
    """Ticks in C: the bar runs over sqrt(C - low) from 0 to ``top``; the numbers take the
    type's scale (presenter mode)."""
    from PySide6.QtGui import QFont

    from nnviz.ui.style import current_look

    bar.setLevels((0.0, top))
    marks = np.linspace(0.0, top, TICKS)
    bar.axis.setTicks([[(float(s), f"{low + s * s:.3g}") for s in marks]])
    _theme, scale = current_look()
    font = QFont()
    font.setPointSizeF(9.0 * scale)
    bar.axis.setStyle(tickFont=font)
