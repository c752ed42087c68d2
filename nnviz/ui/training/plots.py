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
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QSplitter, QVBoxLayout, QWidget

from nnviz.core.learning.snapshot import CHUNK, DIVERGED, EPOCH

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
RUN_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
SMOOTHING = 0.8  # weight of the past in the cost's exponential moving average


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


def scale_plot(widget: pg.PlotWidget, legend, scale: float) -> None:
    """Presenter mode: axis labels, tick numbers, legend text and line widths by ``scale``."""
    from PySide6.QtGui import QFont

    item = widget.getPlotItem()
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        font = QFont()
        font.setPointSizeF(9.0 * scale)
        axis.setStyle(tickFont=font)
        item.setLabel(name, axis.labelText, color="#222", **{"font-size": f"{11 * scale:.0f}pt"})
    if legend is not None:
        legend.setLabelTextSize(f"{9 * scale:.0f}pt")
        for _sample, label in legend.items:
            label.setText(label.text, size=f"{9 * scale:.0f}pt")
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
    item.setMenuEnabled(False)
    return w


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
        self.legend = item.addLegend(offset=(-10, 10), labelTextColor="#222")
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
        # columns: epochs (float), examples seen, cost, smoothed cost
        self._chunks = GrowingBuffer(4)
        self._epochs = GrowingBuffer(3)  # epochs, examples seen, cost
        self._ema = 0.0
        self._x_mode = "epochs"
        self._marks: list[pg.InfiniteLine] = []
        self.log_box = QCheckBox("log scale")
        self.log_box.toggled.connect(self._on_log_toggled)
        top = QHBoxLayout()
        top.addStretch(1)
        top.addWidget(self.log_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
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
        y = progress.batch_cost if math.isfinite(progress.batch_cost) else progress.cost
        if progress.kind == CHUNK and not math.isfinite(y):
            y = progress.cost
        if math.isfinite(y):
            self._ema = SMOOTHING * self._ema + (1 - SMOOTHING) * y
            n = self._chunks.n + 1
            smoothed = self._ema / (1 - SMOOTHING**n)  # bias-corrected: no dip at the start
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
        self._ema = 0.0
        for line in self._marks:
            self.plot.removeItem(line)
        self._marks = []
        self._redraw()

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

    def _mark(self, x: float, text: str) -> None:
        pen = pg.mkPen("#D55E00", width=1.5, style=Qt.PenStyle.DashLine)
        line = pg.InfiniteLine(pos=x, angle=90, pen=pen)
        pg.InfLineLabel(line, text, position=0.9, color="#D55E00")
        self.plot.addItem(line)
        self._marks.append(line)

    def _redraw(self) -> None:
        xi = 0 if self._x_mode == "epochs" else 1
        c, e = self._chunks, self._epochs
        self.raw_curve.setData(c.column(xi), c.column(2))
        self.smooth_curve.setData(c.column(xi), c.column(3))
        self.epoch_curve.setData(e.column(xi), e.column(2))

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


class _Run:
    """One training run's accuracy series: x = epochs trained, y = percent."""

    def __init__(self, plot: pg.PlotItem, name: str, colour: str) -> None:
        self.name = name
        self.colour = colour
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
        self.validation_curve = plot.plot(
            pen=pg.mkPen(colour, width=1.6, style=Qt.PenStyle.DashLine),
            symbol="t",
            symbolSize=6,
            symbolBrush=None,
            symbolPen=pg.mkPen(colour),
            name=f"{prefix}validation",
        )
        self.validation_curve.setVisible(False)  # until a run reports validation accuracy

    def redraw(self) -> None:
        self.test_curve.setData(self.test.column(0), self.test.column(1))
        self.validation_curve.setData(self.validation.column(0), self.validation.column(1))
        self.validation_curve.setVisible(self.validation.n > 0)


class AccuracyPlot(QWidget):
    """Test and validation accuracy per epoch, in percent, for one run or several named runs.

    A dashed line marks chance (10 % for ten classes) and ``set_baseline`` adds others (e.g.
    "SVM 94.35"). Hovering shows the exact values of the nearest epoch.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.plot = _plot_widget("accuracy (%)")
        item = self.plot.getPlotItem()
        item.setYRange(0, 100, padding=0.02)
        item.setLimits(yMin=-2, yMax=102)
        item.getViewBox().setMouseEnabled(x=True, y=True)
        self.legend = item.addLegend(offset=(-10, -10), labelTextColor="#222")
        self.runs: dict[str, _Run] = {}
        self.baselines: dict[str, pg.InfiniteLine] = {}
        self.chance_line = self._reference_line(10.0, "chance 10%", "#777777")
        self._crosshair = pg.InfiniteLine(angle=90, pen=pg.mkPen("#999", width=1))
        self._crosshair.setVisible(False)
        self._hover_label = pg.TextItem(
            "",
            color="#111",
            fill=pg.mkBrush(255, 255, 255, 230),
            border=pg.mkPen("#bbb"),
            anchor=(0, 1),
        )
        self._hover_label.setZValue(20)
        self._hover_label.setVisible(False)
        item.addItem(self._crosshair, ignoreBounds=True)
        item.addItem(self._hover_label, ignoreBounds=True)
        self._mouse_proxy = pg.SignalProxy(
            self.plot.scene().sigMouseMoved, rateLimit=30, slot=self._on_mouse_moved
        )
        # 0..100 shows the whole story; near the end of training the interesting part is the
        # last few percent, so the user can zoom the y axis to the data.
        self.zoom_box = QCheckBox("zoom to data")
        self.zoom_box.toggled.connect(self._on_zoom_toggled)
        top = QHBoxLayout()
        top.addStretch(1)
        top.addWidget(self.zoom_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.plot)

    def _on_zoom_toggled(self, on: bool) -> None:
        vb = self.plot.getPlotItem().getViewBox()
        if on:
            vb.enableAutoRange(axis=pg.ViewBox.YAxis, enable=True)
        else:
            vb.enableAutoRange(axis=pg.ViewBox.YAxis, enable=False)
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
            if not validation_in_legend:
                self.legend.removeItem(r.validation_curve)
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
        self._hover_label.setVisible(False)
        self._crosshair.setVisible(False)

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

    def _on_mouse_moved(self, args) -> None:
        pos = args[0]
        if not self.plot.sceneBoundingRect().contains(pos):
            return
        p = self.plot.getPlotItem().vb.mapSceneToView(pos)
        nearest = self._nearest_epoch(p.x())
        self._crosshair.setVisible(nearest is not None)
        self._hover_label.setVisible(nearest is not None)
        if nearest is None:
            return
        self._crosshair.setValue(nearest)
        self._hover_label.setText(self.hover_text(nearest))
        self._hover_label.setPos(QPointF(nearest, p.y()))

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
        """Larger type and lines for a projector."""
        scale_plot(self.cost_plot.plot, self.cost_plot.legend, scale)
        scale_plot(self.accuracy_plot.plot, self.accuracy_plot.legend, scale)
