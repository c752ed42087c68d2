"""The pieces the training plots are made of: colours, growing buffers, the smoothed cost,
automatic ranges, hover read-outs, legends and presenter scaling of a pyqtgraph plot."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt

from nnviz.core.learning.snapshot import EPOCH
from nnviz.ui.style import plot_colours

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
RUN_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
SMOOTH_EXAMPLES = 1000  # the smoothed cost averages over about this many recent examples
VALIDATION_COLOUR = "#E69F00"  # a single run's validation curve (its test curve is blue)


class ExampleSmoother:
    """An exponential moving average whose memory is counted in examples, not in records.

    A record of n examples gets weight 1 - exp(-n / window): however the trainer happens to
    cut its work into records (a few mini-batches in slow mode, hundreds at full speed), the
    smoothed value lags by about ``window`` examples. Normalised by the weight so far, so the
    first records are not pulled towards zero.
    """

    def __init__(self, window: float = SMOOTH_EXAMPLES) -> None:
        self.window = max(1.0, float(window))
        self.clear()

    def clear(self) -> None:
        self._num = self._den = 0.0
        self._seen: int | None = None

    def add(self, value: float, examples_seen: int) -> float:
        n = 1 if self._seen is None else max(1, examples_seen - self._seen)
        self._seen = examples_seen
        keep = math.exp(-n / self.window)
        self._num = keep * self._num + (1 - keep) * value
        self._den = keep * self._den + (1 - keep)
        return self._num / self._den


class WrappingLegend(pg.LegendItem):
    """A legend of at most ``most_columns`` entries a row that takes fewer when the plot is
    too narrow for them, so no entry is cut off: at 1.5x text the cost plot's third entry
    ("epoch mean") ran past the plot's edge."""

    def __init__(self, most_columns: int, **kwargs) -> None:
        super().__init__(colCount=most_columns, **kwargs)
        self.most_columns = self.columns = most_columns
        self.room = math.inf  # the width it may take (set by the plot as it resizes)

    def addItem(self, item, name) -> None:  # noqa: N802 - pyqtgraph's name
        super().addItem(item, name)
        self.fit(force=True)

    def removeItem(self, item) -> None:  # noqa: N802 - pyqtgraph's name
        super().removeItem(item)
        self.fit(force=True)

    def columns_for(self, room: float) -> int:
        """The most entries a row (up to ``most_columns``) whose widest row fits ``room``."""
        widths = [
            s.boundingRect().width() + label.itemRect().width() + 8 for s, label in self.items
        ]
        for n in range(min(self.most_columns, max(1, len(widths))), 1, -1):
            rows = [sum(widths[i : i + n]) for i in range(0, len(widths), n)]
            if max(rows) <= room:
                return n
        return 1

    def fit(self, room: float | None = None, force: bool = False) -> None:
        """Lay the entries out again, ``n`` a row, if ``n`` changed (or ``force``)."""
        if room is not None:
            self.room = room
        n = self.columns_for(self.room)
        if n == self.columns and not force:
            return
        # pyqtgraph's own setColumnCount appends after the grid's old columns when it
        # shrinks; place each entry at its row and column instead.
        self.columns = self.columnCount = n
        self.rowCount = max(1, math.ceil(len(self.items) / n))
        for i in range(self.layout.count() - 1, -1, -1):
            self.layout.removeAt(i)
        for i, (sample, label) in enumerate(self.items):
            row, col = divmod(i, n)
            self.layout.addItem(sample, row, 2 * col, alignment=Qt.AlignmentFlag.AlignVCenter)
            self.layout.addItem(label, row, 2 * col + 1)
        self.updateSize()


def legend_row(item: pg.PlotItem, columns: int = 3) -> WrappingLegend:
    """A legend in its own row above the plot area (where a title would go), so it never
    covers data; ``item.plot(name=...)`` adds to it as to pyqtgraph's own legend. Its rows
    wrap to the plot's width."""
    legend = WrappingLegend(columns, labelTextColor="#222")
    legend.layout.setContentsMargins(0, 0, 0, 0)
    legend.layout.setVerticalSpacing(0)
    item.layout.removeItem(item.titleLabel)
    item.titleLabel.setVisible(False)
    item.layout.addItem(legend, 0, 1)
    item.legend = legend

    def refit() -> None:
        legend.fit(max(40.0, item.width() - item.getAxis("left").width() - 10))

    item.geometryChanged.connect(refit)
    return legend


class PlotHover(QObject):
    """A vertical line and a label at the data point nearest the mouse; gone when the mouse
    leaves the plot.

    ``text_at(x)`` returns (x of the nearest point, text) or None where there is no data.
    """

    def __init__(self, widget: pg.PlotWidget, text_at) -> None:
        super().__init__(widget)
        self.widget = widget
        widget.installEventFilter(self)
        self.text_at = text_at
        item = widget.getPlotItem()
        self.line = pg.InfiniteLine(angle=90, pen=pg.mkPen("#999", width=1))
        self.label = pg.TextItem(
            "", color="#111", fill=pg.mkBrush(255, 255, 255, 230), border=pg.mkPen("#bbb")
        )
        for part in (self.line, self.label):
            part.setZValue(20)
            part.setVisible(False)
            item.addItem(part, ignoreBounds=True)
        self._proxy = pg.SignalProxy(
            widget.scene().sigMouseMoved, rateLimit=30, slot=self._on_mouse_moved
        )

    def hide(self) -> None:
        self.line.setVisible(False)
        self.label.setVisible(False)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Leave:
            self.hide()
        return False

    def show_at(self, x: float, y: float) -> str | None:
        """Show the readout for view coordinates (x, y); returns its text."""
        found = self.text_at(x)
        if found is None:
            self.hide()
            return None
        x_near, text = found
        vb = self.widget.getPlotItem().getViewBox()
        (x0, x1), (y0, y1) = vb.viewRange()
        # Keep the label inside the plot: left of the line in the right half, etc.
        self.label.setAnchor((1 if x_near > (x0 + x1) / 2 else 0, 0 if y > (y0 + y1) / 2 else 1))
        self.line.setValue(x_near)
        self.label.setText(text)
        self.label.setPos(QPointF(x_near, y))
        self.line.setVisible(True)
        self.label.setVisible(True)
        return text

    def _on_mouse_moved(self, args) -> None:
        pos = args[0]
        vb = self.widget.getPlotItem().getViewBox()
        if not vb.sceneBoundingRect().contains(pos):
            self.hide()
            return
        p = vb.mapSceneToView(pos)
        self.show_at(p.x(), p.y())


class AutoRange:
    """The plot's axes follow the data (x from 0, at least one epoch wide; y from 0 unless
    ``y_from_zero`` is False) until the user pans or zooms; a double-click on the plot or
    ``reset()`` (a new run) follows the data again. ``refit()`` redraws the axes."""

    def __init__(self, widget: pg.PlotWidget, y_from_zero: bool = True, refit=None) -> None:
        item = widget.getPlotItem()
        self.vb = item.getViewBox()
        self.vb.disableAutoRange()
        item.hideButtons()  # pyqtgraph's "A" would turn on its own auto-range, not this one
        self.y_from_zero = y_from_zero
        self.user_moved = False
        self.refit = refit
        self.vb.sigRangeChangedManually.connect(self._on_manual)
        widget.scene().sigMouseClicked.connect(self._on_click)

    def _on_manual(self, *_args) -> None:
        self.user_moved = True

    def _on_click(self, event) -> None:
        if event.double() and self.user_moved:
            self.reset()
            if self.refit is not None:
                self.refit()

    def reset(self) -> None:
        self.user_moved = False

    def fit(
        self,
        xs: np.ndarray,
        ys: np.ndarray | None,
        x_min_width: float = 1.0,
        from_data: bool = False,
    ) -> None:
        """x from 0 (or, ``from_data``, from the first x) to the last x, at least
        ``x_min_width`` wide; y from 0 (or the lowest y) to the highest."""
        if self.user_moved:
            return
        xmax = float(np.max(xs)) if xs.size else 0.0
        xmin = float(np.min(xs)) if xs.size and from_data else 0.0
        self.vb.setXRange(xmin, max(xmax, xmin + x_min_width), padding=0.03)
        if ys is None:
            return
        finite = ys[np.isfinite(ys)] if ys.size else ys
        if not finite.size:
            return
        top = float(finite.max())
        low = 0.0 if self.y_from_zero else float(finite.min())
        if top <= low:
            top = low + (abs(low) or 1.0)
        self.vb.setYRange(low, top, padding=0.05)


class GrowingBuffer:
    """A float table of ``columns`` columns that grows by doubling; ``view()`` is ``buf[:n]``."""

    def __init__(self, columns: int, capacity: int = 256) -> None:
        self._buf = np.empty((capacity, columns), dtype=float)
        self.n = 0

    def append(self, *row: float) -> None:
        if self.n == self._buf.shape[0]:
            bigger = np.empty((2 * self._buf.shape[0], self._buf.shape[1]), dtype=float)
            bigger[: self.n] = self._buf[: self.n]
            self._buf = bigger
        self._buf[self.n] = row
        self.n += 1

    def column(self, i: int) -> np.ndarray:
        return self._buf[: self.n, i]

    def view(self) -> np.ndarray:
        return self._buf[: self.n]

    @property
    def capacity(self) -> int:
        return self._buf.shape[0]

    def clear(self) -> None:
        self.n = 0


def scale_plot(widget: pg.PlotWidget, legend, scale: float, dark: bool = False) -> None:
    """Presenter mode and themes: axis labels, tick numbers, legend text and line widths by
    ``scale``; background, axes and text dark or light."""
    background, ink = plot_colours(dark)
    widget.setBackground(background)
    item = widget.getPlotItem()
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setStyle(tickFont=tick_font(scale))
        axis.setPen(pg.mkPen(ink))
        axis.setTextPen(pg.mkPen(ink))
        item.setLabel(name, axis.labelText, color=ink, **{"font-size": f"{11 * scale:.0f}pt"})
    if legend is not None:
        legend.setLabelTextColor(ink)
        legend.setLabelTextSize(f"{9 * scale:.0f}pt")
        for _sample, label in legend.items:
            label.setText(label.text, size=f"{9 * scale:.0f}pt", color=ink)
            label.updateGeometry()
        # The legend row takes the height its labels need now (smaller again after
        # presenter mode, not the size it grew to).
        legend.layout.invalidate()
        legend.updateSize()
        if isinstance(legend, WrappingLegend):
            legend.fit(force=True)  # the entries are wider or narrower now
    for curve in item.listDataItems():
        pen = curve.opts.get("pen")
        if pen is not None:
            base = getattr(curve, "_nnviz_width", None)
            if base is None:
                base = pg.mkPen(pen).widthF() or 1.0
                curve._nnviz_width = base
            p = pg.mkPen(pen)
            p.setWidthF(base * scale)
            curve.setPen(p)


def plot_widget(y_label: str) -> pg.PlotWidget:
    # No context menus (and none built: a ViewBox's menu costs milliseconds at start-up).
    w = pg.PlotWidget(background="w", viewBox=pg.ViewBox(enableMenu=False))
    item = w.getPlotItem()
    style = {"color": "#222", "font-size": "11pt"}
    item.setLabel("bottom", "epochs trained", **style)
    item.setLabel("left", y_label, **style)
    item.showGrid(x=True, y=True, alpha=0.25)
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setPen(pg.mkPen("#444"))
        axis.setTextPen(pg.mkPen("#222"))
        axis.enableAutoSIPrefix(False)  # "cost (x0.001)" reads worse than plain decimals
        axis.setStyle(tickFont=tick_font(1.0))  # as scale_plot(.., 1.0) leaves it
    item.setMenuEnabled(False)
    # Long runs (XOR's 3,000 epochs, or more) would stroke tens of thousands of segments on
    # every frame: draw only what is in view, at most a couple of points per pixel column.
    item.setDownsampling(auto=True, mode="peak")
    item.setClipToView(True)
    return w


def tick_font(scale: float):
    from PySide6.QtGui import QFont

    font = QFont()
    font.setPointSizeF(9.0 * scale)
    return font


def symbol_for_legend(curve: pg.PlotDataItem) -> None:
    """The legend draws a curve's marker from its scatter's own pen and brush, which
    pyqtgraph leaves at the defaults (a grey-blue dot) until data arrives: set them."""
    opts = curve.opts
    curve.scatter.setBrush(pg.mkBrush(opts["symbolBrush"]) if opts["symbolBrush"] else None)
    curve.scatter.setPen(pg.mkPen(opts["symbolPen"]) if opts["symbolPen"] else pg.mkPen(None))


def curve_data(curve: pg.PlotDataItem) -> tuple[np.ndarray, np.ndarray]:
    """A curve's data as the plot's axes show it (log10 on a log axis) but not thinned for
    drawing, with empty arrays instead of None for an empty curve."""
    x, y = curve.getOriginalDataset()
    if x is None or y is None:
        return np.empty(0), np.empty(0)
    log_x, log_y = curve.opts["logMode"]
    with np.errstate(divide="ignore", invalid="ignore"):
        return (np.log10(x) if log_x else x), (np.log10(y) if log_y else y)


def epoch_x(p) -> float:
    if p.kind == EPOCH:
        return float(p.epoch + 1)
    return p.epoch + p.batch / max(p.batches_per_epoch, 1)


def tint(colour: str, amount: float = 0.45) -> str:
    """``colour`` mixed with white by ``amount``."""
    c = pg.mkColor(colour)
    mix = [round(v + (255 - v) * amount) for v in (c.red(), c.green(), c.blue())]
    return "#{:02X}{:02X}{:02X}".format(*mix)
