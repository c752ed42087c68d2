"""Live training plots: cost per chunk and per epoch, accuracy per epoch (one run or several).

Each plot keeps its points in preallocated numpy buffers that double when full and hands the
curves ``buf[:n]`` views, so a long run costs one ``setData`` per record, never a Python list
rebuilt per point. The x axis is training time in epochs as a float
(``epoch + batch / batches_per_epoch``), so per-chunk and per-epoch points line up; an epoch's
accuracy sits at x = epoch + 1, the moment that epoch ended.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QSplitter, QVBoxLayout, QWidget

from nnviz.core.learning.snapshot import CHUNK, DIVERGED, EPOCH
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


def legend_row(item: pg.PlotItem, columns: int = 3) -> pg.LegendItem:
    """A legend in its own row above the plot area (where a title would go), so it never
    covers data; ``item.plot(name=...)`` adds to it as to pyqtgraph's own legend."""
    legend = pg.LegendItem(colCount=columns, labelTextColor="#222")
    legend.layout.setContentsMargins(0, 0, 0, 0)
    legend.layout.setVerticalSpacing(0)
    item.layout.removeItem(item.titleLabel)
    item.titleLabel.setVisible(False)
    item.layout.addItem(legend, 0, 1)
    item.legend = legend
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

    def fit(self, xs: np.ndarray, ys: np.ndarray | None, x_min_width: float = 1.0) -> None:
        if self.user_moved:
            return
        xmax = float(np.max(xs)) if xs.size else 0.0
        self.vb.setXRange(0.0, max(xmax, x_min_width), padding=0.03)
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
        axis.setStyle(tickFont=_tick_font(scale))
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


def _plot_widget(y_label: str) -> pg.PlotWidget:
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
        axis.setStyle(tickFont=_tick_font(1.0))  # as scale_plot(.., 1.0) leaves it
    item.setMenuEnabled(False)
    return w


def _tick_font(scale: float):
    from PySide6.QtGui import QFont

    font = QFont()
    font.setPointSizeF(9.0 * scale)
    return font


def _symbol_for_legend(curve: pg.PlotDataItem) -> None:
    """The legend draws a curve's marker from its scatter's own pen and brush, which
    pyqtgraph leaves at the defaults (a grey-blue dot) until data arrives: set them."""
    opts = curve.opts
    curve.scatter.setBrush(pg.mkBrush(opts["symbolBrush"]) if opts["symbolBrush"] else None)
    curve.scatter.setPen(pg.mkPen(opts["symbolPen"]) if opts["symbolPen"] else pg.mkPen(None))


def _curve_data(curve: pg.PlotDataItem) -> tuple[np.ndarray, np.ndarray]:
    """``curve.getData()``, with empty arrays instead of None for an empty curve."""
    x, y = curve.getData()
    if x is None:
        return np.empty(0), np.empty(0)
    return x, y


def _epoch_x(p) -> float:
    if p.kind == EPOCH:
        return float(p.epoch + 1)
    return p.epoch + p.batch / max(p.batches_per_epoch, 1)


class CostPlot(QWidget):
    """Quadratic cost while training: each chunk's mean (faint), its smoothed trend (line) and
    each epoch's mean (markers). ``set_x_mode("examples")`` plots against examples seen."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.plot = _plot_widget("cost C")
        item = self.plot.getPlotItem()
        self.legend = legend_row(item, 4)
        self.raw_curve = item.plot(pen=pg.mkPen(110, 150, 200, 110, width=1), name="per chunk")
        self.smooth_curve = item.plot(pen=pg.mkPen("#0072B2", width=2.5), name="smoothed")
        self.epoch_curve = item.plot(
            pen=None,
            symbol="o",
            symbolSize=8,
            symbolBrush="#D55E00",
            symbolPen=pg.mkPen("w", width=1),
            name="epoch mean",
        )
        _symbol_for_legend(self.epoch_curve)
        # columns: epochs (float), examples seen, cost, smoothed cost
        self._chunks = GrowingBuffer(4)
        self._epochs = GrowingBuffer(3)  # epochs, examples seen, cost
        self.smoother = ExampleSmoother()
        self._x_mode = "epochs"
        self._eta: float | None = None
        self._last_x = 0.0
        self._marks: list[pg.InfiniteLine] = []
        self.axes = AutoRange(self.plot, refit=self._redraw)
        self.hover = PlotHover(self.plot, self._hover_at)
        self.log_box = QCheckBox("log scale")
        self.log_box.toggled.connect(self._on_log_toggled)
        self.top_row = QHBoxLayout()
        self.top_row.addStretch(1)
        self.top_row.addWidget(self.log_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.top_row)
        layout.addWidget(self.plot)

    # -- data in --------------------------------------------------------------------------
    def add_progress(self, progress, run: str = "") -> None:
        """Add a CHUNK or EPOCH record (the last chunk of an epoch comes with EPOCH); a
        DIVERGED record marks the spot; other kinds are ignored."""
        if self._append(progress):
            self._redraw()

    def _append(self, progress) -> bool:
        """Store one record; True when the curves need redrawing."""
        if progress.kind == DIVERGED:
            self._mark(_epoch_x(progress), "diverged")
            return False
        if progress.kind not in (CHUNK, EPOCH):
            return False
        x = _epoch_x(progress)
        if self._eta is not None and progress.eta != self._eta:
            # The change took effect right after the previous record.
            self._mark(self._last_x, f"\u03b7 = {progress.eta:g}", "#CC79A7")
        self._eta, self._last_x = progress.eta, x
        y = progress.batch_cost if math.isfinite(progress.batch_cost) else progress.cost
        if progress.kind == CHUNK and not math.isfinite(y):
            y = progress.cost
        if math.isfinite(y):
            smoothed = self.smoother.add(y, progress.examples_seen)
            self._chunks.append(x, progress.examples_seen, y, smoothed)
        if progress.kind == EPOCH and math.isfinite(progress.cost):
            self._epochs.append(x, progress.examples_seen, progress.cost)
        return True

    def extend(self, records: Iterable) -> None:
        """Add many records and redraw once (what a live view should call per update)."""
        changed = False
        for p in records:
            changed = self._append(p) or changed
        if changed:
            self._redraw()

    def clear(self) -> None:
        """Forget every point."""
        self._chunks.clear()
        self._epochs.clear()
        self.smoother.clear()
        self._eta = None
        for line in self._marks:
            self.plot.removeItem(line)
        self._marks = []
        self.hover.hide()
        self.axes.reset()
        self._redraw()

    def set_smoothing_window(self, examples: float) -> None:
        """Smooth over about ``examples`` examples (from the next point on)."""
        self.smoother.window = max(1.0, float(examples))

    def eta_marks(self) -> list[tuple[float, str]]:
        """(x, text) of each vertical mark: eta changes and divergence."""
        return [(m.value(), m.label.format) for m in self._marks]

    def set_x_mode(self, mode: str) -> None:
        """``"epochs"`` (default) or ``"examples"`` (examples seen) on the x axis."""
        if mode not in ("epochs", "examples"):
            raise ValueError(f"x mode must be 'epochs' or 'examples', got {mode!r}")
        self._x_mode = mode
        label = "epochs trained" if mode == "epochs" else "examples seen"
        self.plot.getPlotItem().setLabel("bottom", label)
        self._redraw()

    def set_log_y(self, on: bool) -> None:
        """Logarithmic cost axis (useful once the cost has fallen by orders of magnitude)."""
        self.log_box.setChecked(bool(on))

    def _on_log_toggled(self, on: bool) -> None:
        self.plot.getPlotItem().setLogMode(y=on)
        self._redraw()

    def _mark(self, x: float, text: str, colour: str = "#D55E00") -> None:
        pen = pg.mkPen(colour, width=1.5, style=Qt.PenStyle.DashLine)
        line = pg.InfiniteLine(pos=x, angle=90, pen=pen)
        line.label = pg.InfLineLabel(line, text, position=0.9, color=colour)
        self.plot.addItem(line, ignoreBounds=True)
        self._marks.append(line)

    def _redraw(self) -> None:
        xi = 0 if self._x_mode == "epochs" else 1
        c, e = self._chunks, self._epochs
        self.raw_curve.setData(c.column(xi), c.column(2))
        self.smooth_curve.setData(c.column(xi), c.column(3))
        self.epoch_curve.setData(e.column(xi), e.column(2))
        xs = c.column(xi)
        ys = np.concatenate([c.column(2), e.column(2)])
        if self.log_box.isChecked():
            positive = ys[ys > 0]
            ys = np.log10(positive) if positive.size else positive
            self.axes.y_from_zero = False
        else:
            self.axes.y_from_zero = True
        self.axes.fit(xs, ys)

    def _hover_at(self, x: float) -> tuple[float, str] | None:
        xi = 0 if self._x_mode == "epochs" else 1
        c, e = self._chunks, self._epochs
        if c.n == 0 and e.n == 0:
            return None
        # Prefer an epoch mean when it is the nearest point.
        best = None
        if c.n:
            i = int(np.argmin(np.abs(c.column(xi) - x)))
            best = ("chunk", i, abs(c.column(xi)[i] - x))
        if e.n:
            i = int(np.argmin(np.abs(e.column(xi) - x)))
            d = abs(e.column(xi)[i] - x)
            if best is None or d <= best[2]:
                best = ("epoch", i, d)
        kind, i, _d = best
        if kind == "epoch":
            row = e.view()[i]
            lines = [f"end of epoch {int(row[0]) - 1}  ({int(row[1]):,} examples seen)"]
            lines.append(f"epoch mean cost C = {row[2]:.4f}")
        else:
            row = c.view()[i]
            lines = [f"epoch {row[0]:.2f}  ({int(row[1]):,} examples seen)"]
            lines.append(f"cost C = {row[2]:.4f}")
            lines.append(f"smoothed = {row[3]:.4f}")
        return float(row[xi]), "\n".join(lines)

    def hover_text(self, x: float) -> str | None:
        """The readout for the point nearest x (in the current x units), or None."""
        found = self._hover_at(x)
        return None if found is None else found[1]

    # -- for tests and export ---------------------------------------------------------------
    def curve_data(self) -> tuple[np.ndarray, np.ndarray]:
        """What the per-chunk curve holds (``getData()``)."""
        return _curve_data(self.raw_curve)

    def smoothed_data(self) -> tuple[np.ndarray, np.ndarray]:
        return _curve_data(self.smooth_curve)

    def epoch_data(self) -> tuple[np.ndarray, np.ndarray]:
        return _curve_data(self.epoch_curve)

    def export_csv(self, path: str) -> None:
        """Every point as ``kind, epochs, examples_seen, cost, smoothed`` rows."""
        with open(path, "w", newline="") as f:
            out = csv.writer(f)
            out.writerow(["kind", "epochs", "examples_seen", "cost", "smoothed"])
            for x, seen, y, s in self._chunks.view().tolist():
                out.writerow(["chunk", repr(x), int(seen), repr(y), repr(s)])
            for x, seen, y in self._epochs.view().tolist():
                out.writerow(["epoch", repr(x), int(seen), repr(y), ""])

    def export_png(self, path: str) -> bool:
        return self.plot.grab().save(str(path))


def _tint(colour: str, amount: float = 0.45) -> str:
    """``colour`` mixed with white by ``amount``."""
    c = pg.mkColor(colour)
    mix = [round(v + (255 - v) * amount) for v in (c.red(), c.green(), c.blue())]
    return "#{:02X}{:02X}{:02X}".format(*mix)


class _Run:
    """One training run's accuracy series: x = epochs trained, y = percent."""

    def __init__(self, plot: pg.PlotItem, name: str, colour: str) -> None:
        self.name = name
        self.colour = colour
        # Test and validation differ in colour, line style and marker. One run: blue and
        # orange; several runs keep their own colour, the validation curve a lighter tint.
        self.validation_colour = VALIDATION_COLOUR if not name else _tint(colour)
        self.test = GrowingBuffer(2, 64)
        self.validation = GrowingBuffer(2, 64)
        prefix = f"{name}: " if name else ""
        self.test_curve = plot.plot(
            pen=pg.mkPen(colour, width=2.2),
            symbol="o",
            symbolSize=6,
            symbolBrush=colour,
            symbolPen=None,
            name=f"{prefix}test",
        )
        vc = self.validation_colour
        self.validation_curve = plot.plot(
            pen=pg.mkPen(vc, width=1.8, style=Qt.PenStyle.DashLine),
            symbol="t",
            symbolSize=7,
            symbolBrush=None,
            symbolPen=pg.mkPen(vc, width=1.2),
        )
        _symbol_for_legend(self.test_curve)
        _symbol_for_legend(self.validation_curve)
        # In the legend once the run reports validation accuracy (many runs never do).
        self.validation_name = f"{prefix}validation"
        self.validation_in_legend = True
        self._legend = plot.legend

    def redraw(self) -> None:
        self.test_curve.setData(self.test.column(0), self.test.column(1))
        self.validation_curve.setData(self.validation.column(0), self.validation.column(1))
        legend = self._legend
        if self.validation.n and self.validation_in_legend and legend is not None:
            if legend.getLabel(self.validation_curve) is None:
                legend.addItem(self.validation_curve, self.validation_name)


class AccuracyPlot(QWidget):
    """Test and validation accuracy per epoch, in percent, for one run or several named runs.

    A dashed line marks chance (10 % for ten classes) and ``set_baseline`` adds others (e.g.
    "SVM 94.35"). Hovering shows the exact values of the nearest epoch. The legend sits in a
    row above the plot; the axes follow the data until the user pans or zooms.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.plot = _plot_widget("accuracy (%)")
        item = self.plot.getPlotItem()
        item.setYRange(0, 100, padding=0.02)
        item.setLimits(yMin=-2, yMax=102)
        item.getViewBox().setMouseEnabled(x=True, y=True)
        self.legend = legend_row(item, 4)
        self.runs: dict[str, _Run] = {}
        self.baselines: dict[str, pg.InfiniteLine] = {}
        self.chance_line = self._reference_line(10.0, "chance 10%", "#777777")
        self.axes = AutoRange(self.plot, refit=self._fit_axes)
        self.hover = PlotHover(self.plot, self._hover_at)
        # 0..100 shows the whole story; near the end of training the interesting part is the
        # last few percent, so the user can zoom the y axis to the data.
        self.zoom_box = QCheckBox("zoom to data")
        self.zoom_box.toggled.connect(self._on_zoom_toggled)
        self.top_row = QHBoxLayout()
        self.top_row.addStretch(1)
        self.top_row.addWidget(self.zoom_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.top_row)
        layout.addWidget(self.plot)

    def _on_zoom_toggled(self, on: bool) -> None:
        self.axes.reset()
        self._fit_axes()

    def _fit_axes(self) -> None:
        """x from 0 to the last epoch (at least 1); y 0..100, or the data's span when zoomed."""
        xs = [r.test.column(0) for r in self.runs.values()]
        xs += [r.validation.column(0) for r in self.runs.values()]
        xs = np.concatenate(xs) if xs else np.empty(0)
        self.axes.fit(xs, None)
        if self.axes.user_moved:
            return
        vb = self.plot.getPlotItem().getViewBox()
        ys = [r.test.column(1) for r in self.runs.values()]
        ys += [r.validation.column(1) for r in self.runs.values()]
        ys = np.concatenate(ys) if ys else np.empty(0)
        if self.zoom_box.isChecked() and ys.size:
            low, high = float(ys.min()), float(ys.max())
            pad = max(0.5, 0.1 * (high - low))
            vb.setYRange(max(0.0, low - pad), min(100.0, high + pad), padding=0)
        else:
            vb.setYRange(0, 100, padding=0.02)

    # -- data in --------------------------------------------------------------------------
    def add_progress(self, progress, run: str = "") -> None:
        """Add an EPOCH record's accuracies to ``run`` ("" = the single, unnamed run)."""
        if progress.kind != EPOCH:
            return
        r = self._run(run)
        x = float(progress.epoch + 1)
        if progress.test_accuracy is not None:
            r.test.append(x, 100.0 * progress.test_accuracy)
        if progress.validation_accuracy is not None:
            r.validation.append(x, 100.0 * progress.validation_accuracy)
        r.redraw()
        self._fit_axes()

    def add_run(
        self, name: str, colour: str | None = None, validation_in_legend: bool = True
    ) -> str:
        """Create an empty run now (so its colour follows the order runs were added) and
        return its colour. Adding an existing name returns that run's colour."""
        r = self.runs.get(name)
        if r is None:
            if colour is None:
                used = {run.colour for run in self.runs.values()}
                free = [c for c in RUN_COLOURS if c not in used]
                colour = free[0] if free else RUN_COLOURS[len(self.runs) % len(RUN_COLOURS)]
            r = _Run(self.plot.getPlotItem(), name, colour)
            r.validation_in_legend = validation_in_legend
            self.runs[name] = r
        return r.colour

    def _run(self, name: str) -> _Run:
        if name not in self.runs:
            self.add_run(name)
        return self.runs[name]

    def clear(self) -> None:
        """Remove every run (reference lines stay)."""
        for r in self.runs.values():
            for curve in (r.test_curve, r.validation_curve):
                self.plot.removeItem(curve)
                self.legend.removeItem(curve)
        self.runs = {}
        self.hover.hide()
        self.axes.reset()
        self._fit_axes()

    def remove_run(self, name: str) -> None:
        r = self.runs.pop(name, None)
        if r is not None:
            for curve in (r.test_curve, r.validation_curve):
                self.plot.removeItem(curve)
                self.legend.removeItem(curve)

    # -- reference lines ------------------------------------------------------------------
    def _reference_line(self, percent: float, text: str, colour: str) -> pg.InfiniteLine:
        line = pg.InfiniteLine(
            pos=percent, angle=0, pen=pg.mkPen(colour, width=1.3, style=Qt.PenStyle.DashLine)
        )
        line.label = pg.InfLineLabel(
            line, text, position=0.02, anchors=[(0, 1), (0, 1)], color=colour
        )
        self.plot.addItem(line, ignoreBounds=True)
        return line

    def set_chance(self, percent: float | None) -> None:
        """Move the chance line (e.g. 50 for a two-class truth table) or hide it with None."""
        self.chance_line.setVisible(percent is not None)
        if percent is not None:
            self.chance_line.setValue(percent)
            self.chance_line.label.setFormat(f"chance {percent:g}%")

    def set_baseline(self, name: str, percent: float) -> None:
        """Draw (or move) a horizontal reference line called ``name`` at ``percent``."""
        text = f"{name} {percent:.2f}%"
        line = self.baselines.get(name)
        if line is None:
            colour = "#009E73" if len(self.baselines) % 2 == 0 else "#CC79A7"
            self.baselines[name] = self._reference_line(percent, text, colour)
        else:
            line.setValue(percent)
            line.label.setFormat(text)

    def clear_baselines(self) -> None:
        for line in self.baselines.values():
            self.plot.removeItem(line)
        self.baselines = {}

    # -- hover ----------------------------------------------------------------------------
    def _nearest_epoch(self, x: float) -> float | None:
        xs = [r.test.column(0) for r in self.runs.values()]
        xs += [r.validation.column(0) for r in self.runs.values()]
        xs = np.concatenate(xs) if xs else np.empty(0)
        return float(xs[np.argmin(np.abs(xs - x))]) if xs.size else None

    def hover_text(self, x: float) -> str | None:
        """Exact values at the epoch nearest to x (epochs trained), or None if no data."""
        nearest = self._nearest_epoch(x)
        if nearest is None:
            return None
        lines = [f"epoch {int(nearest) - 1} ({int(nearest)} trained)"]
        for r in self.runs.values():
            for label, buf in (("test", r.test), ("validation", r.validation)):
                hit = np.flatnonzero(buf.column(0) == nearest)
                if hit.size:
                    prefix = f"{r.name} " if r.name else ""
                    lines.append(f"{prefix}{label}: {buf.column(1)[hit[0]]:.2f}%")
        return "\n".join(lines)

    def _hover_at(self, x: float) -> tuple[float, str] | None:
        nearest = self._nearest_epoch(x)
        return None if nearest is None else (nearest, self.hover_text(nearest))

    # -- for tests and export -------------------------------------------------------------
    def accuracy_data(self, run: str = "", which: str = "test") -> tuple[np.ndarray, np.ndarray]:
        """What a run's test or validation curve holds (``getData()``), y in percent."""
        r = self.runs[run]
        curve = r.test_curve if which == "test" else r.validation_curve
        return _curve_data(curve)

    def export_csv(self, path: str) -> None:
        """Rows ``run, epoch, test_percent, validation_percent`` (empty where missing)."""
        with open(path, "w", newline="") as f:
            out = csv.writer(f)
            out.writerow(["run", "epoch", "test_percent", "validation_percent"])
            for r in self.runs.values():
                test = dict(zip(r.test.column(0).tolist(), r.test.column(1).tolist()))
                val = dict(zip(r.validation.column(0).tolist(), r.validation.column(1).tolist()))
                for x in sorted(set(test) | set(val)):
                    out.writerow(
                        [
                            r.name,
                            int(x) - 1,
                            repr(test[x]) if x in test else "",
                            repr(val[x]) if x in val else "",
                        ]
                    )

    def export_png(self, path: str) -> bool:
        return self.plot.grab().save(str(path))


class CompareAccuracyPlot(AccuracyPlot):
    """An AccuracyPlot meant for several named runs side by side (``add_progress(p, run=...)``);
    the same class, named for where it is used."""


class TrainingPlots(QWidget):
    """Cost above accuracy; ``add_progress`` feeds both."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.cost_plot = CostPlot()
        self.accuracy_plot = AccuracyPlot()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.cost_plot)
        splitter.addWidget(self.accuracy_plot)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def take_options(self) -> QWidget:
        """Move the plots' option boxes (log scale, zoom to data) out of their own rows into
        one small widget for the caller to place (the studio puts it beside its tabs), so the
        plots keep that height for data."""
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 6, 0)
        for plot, box in (
            (self.cost_plot, self.cost_plot.log_box),
            (self.accuracy_plot, self.accuracy_plot.zoom_box),
        ):
            plot.top_row.removeWidget(box)
            plot.layout().removeItem(plot.top_row)
            row.addWidget(box)
        return holder

    def add_progress(self, progress, run: str = "") -> None:
        self.cost_plot.add_progress(progress)
        self.accuracy_plot.add_progress(progress, run)

    def extend(self, records: Iterable, run: str = "") -> None:
        """Add a batch of records, redrawing each plot at most once."""
        records = list(records)
        self.cost_plot.extend(records)
        for p in records:
            if p.kind == EPOCH:
                self.accuracy_plot.add_progress(p, run)

    def clear(self) -> None:
        self.cost_plot.clear()
        self.accuracy_plot.clear()

    def export_csv(self, path: str) -> None:
        """Two files: ``<path>`` for the cost, ``<stem>-accuracy.csv`` beside it."""
        self.cost_plot.export_csv(path)
        stem = str(path)[:-4] if str(path).endswith(".csv") else str(path)
        self.accuracy_plot.export_csv(f"{stem}-accuracy.csv")

    def export_png(self, path: str) -> bool:
        return self.grab().save(str(path))

    def set_presentation(self, scale: float, dark: bool = False) -> None:
        """Larger type and lines for a projector; dark plots in the dark theme."""
        scale_plot(self.cost_plot.plot, self.cost_plot.legend, scale, dark)
        scale_plot(self.accuracy_plot.plot, self.accuracy_plot.legend, scale, dark)
