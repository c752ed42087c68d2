"""Live training plots: cost per chunk and per epoch, accuracy per epoch (one run or several).

Each plot keeps its points in preallocated numpy buffers that double when full and hands the
curves ``buf[:n]`` views, so a long run costs one ``setData`` per record, never a Python list
rebuilt per point. The x axis is training time in epochs as a float
(``epoch + batch / batches_per_epoch``), so per-chunk and per-epoch points line up; an epoch's
accuracy sits at x = epoch + 1, the moment that epoch ended.
"""

from __future__ import annotations

import csv
import html
import math
from collections.abc import Iterable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.learning.snapshot import CHUNK, DIVERGED, EPOCH
from nnviz.ui.training.plot_parts import (
    RUN_COLOURS,
    VALIDATION_COLOUR,
    AutoRange,
    ExampleSmoother,
    GrowingBuffer,
    PlotHover,
    curve_data,
    epoch_x,
    legend_row,
    plot_widget,
    scale_plot,
    symbol_for_legend,
    tint,
)
from nnviz.ui.training.readout import BigReadout

MARKED_EPOCHS = 100  # accuracy curves show a marker per epoch up to this many epochs
CHANCE_COLOUR = "#777777"
# How each dash style is shown in the text that names the reference lines.
DASH_SAMPLES = {  # box-drawing strokes: unlike en dashes, no line may break after them
    Qt.PenStyle.DashLine: "\u2500\u00a0\u2500",
    Qt.PenStyle.DashDotLine: "\u2500\u00b7\u2500",
    Qt.PenStyle.DotLine: "\u00b7\u00a0\u00b7\u00a0\u00b7",
    Qt.PenStyle.DashDotDotLine: "\u2500\u00b7\u00b7",
}
# Baselines in Okabe-Ito colours, each with its own dash pattern.
BASELINE_STYLES = (
    ("#009E73", Qt.PenStyle.DashLine),
    ("#CC79A7", Qt.PenStyle.DashDotLine),
    ("#E69F00", Qt.PenStyle.DotLine),
    ("#56B4E9", Qt.PenStyle.DashDotDotLine),
)


class CostPlot(QWidget):
    """Quadratic cost while training: each chunk's mean (faint), its smoothed trend (line) and
    each epoch's mean (markers). ``set_x_mode("examples")`` plots against examples seen."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.plot = plot_widget("cost C")
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
        symbol_for_legend(self.epoch_curve)
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
            self._mark(epoch_x(progress), "diverged")
            return False
        if progress.kind not in (CHUNK, EPOCH):
            return False
        x = epoch_x(progress)
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
        # At most about MARKED_EPOCHS epoch markers: past that (XOR's 3,000 epochs) every
        # k-th epoch, so the markers stay apart and a redraw stays cheap.
        step = -(-e.n // MARKED_EPOCHS) or 1
        self.epoch_curve.setData(e.column(xi)[::-1][::step][::-1], e.column(2)[::-1][::step][::-1])
        xs = c.column(xi)
        ys = np.concatenate([c.column(2), e.column(2)])
        if self.log_box.isChecked():
            positive = ys[ys > 0]
            ys = np.log10(positive) if positive.size else positive
            self.axes.y_from_zero = False
        else:
            self.axes.y_from_zero = True
        # A slowed-down run covers a sliver of an epoch: the curve fills the width instead
        # of hugging the y axis (at least 1% of an epoch, or 100 examples, wide).
        least = (0.01 if self._x_mode == "epochs" else 100) if xs.size else 1.0
        self.axes.fit(xs, ys, x_min_width=least)

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
        """What the per-chunk curve holds."""
        return curve_data(self.raw_curve)

    def smoothed_data(self) -> tuple[np.ndarray, np.ndarray]:
        return curve_data(self.smooth_curve)

    def epoch_data(self) -> tuple[np.ndarray, np.ndarray]:
        """Every epoch's mean cost (the plot marks at most MARKED_EPOCHS of them)."""
        xi = 0 if self._x_mode == "epochs" else 1
        return self._epochs.column(xi), self._epochs.column(2)

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
        # Test and validation differ in colour, line style and marker. One run: blue and
        # orange; several runs keep their own colour, the validation curve a lighter tint.
        self.validation_colour = VALIDATION_COLOUR if not name else tint(colour)
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
        symbol_for_legend(self.test_curve)
        symbol_for_legend(self.validation_curve)
        # In the legend once the run reports validation accuracy (many runs never do).
        self.validation_name = f"{prefix}validation"
        self.validation_in_legend = True
        self._legend = plot.legend
        self.marked = True

    def redraw(self) -> bool:
        """Show the data; True when the validation curve has just joined the legend."""
        # Markers tell test from validation for a few epochs; past MARKED_EPOCHS (the XOR
        # preset's 3,000) they would only blur the lines, and a scatter of thousands of
        # symbols costs milliseconds per redraw. The line styles still tell them apart.
        marked = self.test.n <= MARKED_EPOCHS
        if marked != self.marked:
            self.marked = marked
            self.test_curve.setSymbol("o" if marked else None)
            self.validation_curve.setSymbol("t" if marked else None)
        self.test_curve.setData(self.test.column(0), self.test.column(1))
        self.validation_curve.setData(self.validation.column(0), self.validation.column(1))
        legend = self._legend
        if self.validation.n and self.validation_in_legend and legend is not None:
            if legend.getLabel(self.validation_curve) is None:
                legend.addItem(self.validation_curve, self.validation_name)
                return True
        return False


class AccuracyPlot(QWidget):
    """Test and validation accuracy per epoch, in percent, for one run or several named runs.

    A dashed line marks chance (10 % for ten classes) and ``set_baseline`` adds others (e.g.
    "SVM 94.35"). Hovering shows the exact values of the nearest epoch. The legend sits in a
    row above the plot; the axes follow the data until the user pans or zooms.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.plot = plot_widget("accuracy (%)")
        item = self.plot.getPlotItem()
        item.setYRange(0, 100, padding=0.02)
        item.setLimits(yMin=-2, yMax=102)
        item.getViewBox().setMouseEnabled(x=True, y=True)
        self.legend = legend_row(item, 4)
        self.runs: dict[str, _Run] = {}
        self.baselines: dict[str, pg.InfiniteLine] = {}
        # Reference lines are named in a wrapping line of text above the plot, not on the
        # plot, where their labels ran into each other ("random 9.55%" over "chance 10%")
        # and into the curves: key -> (line, colour, dash style, name).
        self.references: dict[str, tuple[pg.InfiniteLine, str, Qt.PenStyle, str]] = {}
        # Parented at once: shown before it joins the layout, a parentless label became a
        # window of its own for a moment and took the focus from the app (Compare runs).
        self.reference_label = QLabel(self)
        self.reference_label.setWordWrap(True)
        self.reference_label.setTextFormat(Qt.TextFormat.RichText)
        # it wraps to the plot's width and never widens the plot
        self.reference_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._random_note = ""  # a random guess near chance is named beside it
        self.chance_line = self._reference_line("chance", 10.0, "chance 10%", CHANCE_COLOUR)
        self._chance_label = "chance 10%"
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
        layout.addWidget(self.reference_label)
        layout.addWidget(self.plot)

    def _on_zoom_toggled(self, on: bool) -> None:
        self.axes.reset()
        self._fit_axes()

    def _fit_axes(self) -> None:
        """x from 0 to the last epoch (at least 1); y 0..100, or the data's span when zoomed."""
        xs = [r.test.column(0) for r in self.runs.values()]
        xs += [r.validation.column(0) for r in self.runs.values()]
        xs = np.concatenate(xs) if xs else np.empty(0)
        zoomed = self.zoom_box.isChecked()
        self.axes.fit(xs, None, from_data=zoomed and xs.size > 1)
        if self.axes.user_moved:
            return
        vb = self.plot.getPlotItem().getViewBox()
        ys = [r.test.column(1) for r in self.runs.values()]
        ys += [r.validation.column(1) for r in self.runs.values()]
        ys = np.concatenate(ys) if ys else np.empty(0)
        if zoomed and ys.size:
            low, high = float(ys.min()), float(ys.max())
            pad = max(0.5, 0.1 * (high - low))
            vb.setYRange(max(0.0, low - pad), min(100.0, high + pad), padding=0)
        else:
            vb.setYRange(0, 100, padding=0.02)

    # -- data in --------------------------------------------------------------------------
    def add_progress(self, progress, run: str = "") -> None:
        """Add an EPOCH record's accuracies to ``run`` ("" = the single, unnamed run)."""
        self.extend([progress], run)

    def extend(self, records: Iterable, run: str = "") -> None:
        """Add the EPOCH records among ``records`` to ``run`` and redraw once: a tiny
        network finishes hundreds of epochs between two frames."""
        r = None
        for progress in records:
            if progress.kind != EPOCH:
                continue
            r = r or self._run(run)
            x = float(progress.epoch + 1)
            if progress.test_accuracy is not None:
                r.test.append(x, 100.0 * progress.test_accuracy)
            if progress.validation_accuracy is not None:
                r.validation.append(x, 100.0 * progress.validation_accuracy)
        if r is not None:
            if r.redraw():
                self._relist_references()
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
            self._relist_references()
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
        self._relist_references()
        self.hover.hide()
        self.axes.reset()
        self._fit_axes()

    def remove_run(self, name: str) -> None:
        r = self.runs.pop(name, None)
        if r is not None:
            for curve in (r.test_curve, r.validation_curve):
                self.plot.removeItem(curve)
                self.legend.removeItem(curve)
            self._relist_references()

    # -- reference lines ------------------------------------------------------------------
    def _reference_line(
        self, key: str, percent: float, label: str, colour: str, style=Qt.PenStyle.DashLine
    ) -> pg.InfiniteLine:
        pen = pg.mkPen(colour, width=1.5, style=style)
        line = pg.InfiniteLine(pos=percent, angle=0, pen=pen)
        self.plot.addItem(line, ignoreBounds=True)
        self.references[key] = (line, colour, style, label)
        self._list_references()
        return line

    def _relabel(self, key: str, label: str) -> None:
        line, colour, style, _ = self.references[key]
        self.references[key] = (line, colour, style, label)
        self._list_references()

    def _remove_reference(self, key: str) -> None:
        line, *_ = self.references.pop(key)
        self.plot.removeItem(line)
        self._list_references()

    def _list_references(self) -> None:
        """Name the visible reference lines, each after a sample of its dash in its colour;
        the text wraps to the plot's width."""
        parts = []
        for line, colour, style, label in self.references.values():
            if line.isVisible():
                # One unbreakable entry each (no-break spaces): lines wrap between entries,
                # never between a dash and its name.
                dash = DASH_SAMPLES.get(style, "\u2500\u00a0\u2500")
                name = html.escape(label).replace(" ", "\u00a0")
                parts.append(f'<b style="color:{colour}">{dash}</b>\u00a0{name}')
        self.reference_label.setText("\u2003 ".join(parts))
        self.reference_label.setVisible(bool(parts))

    def _relist_references(self) -> None:
        """Lay the legend row out again: runs first (test, then validation once it has
        data). pyqtgraph's legend leaves holes where entries were removed, so it is rebuilt
        rather than appended to."""
        legend = self.legend
        legend.clear()
        for r in self.runs.values():
            legend.addItem(r.test_curve, r.test_curve.name())
            if r.validation.n and r.validation_in_legend:
                legend.addItem(r.validation_curve, r.validation_name)

    def reference_labels(self) -> dict[str, str]:
        """What the text above the plot calls each visible reference line."""
        return {k: label for k, (line, *_, label) in self.references.items() if line.isVisible()}

    def set_chance(self, percent: float | None) -> None:
        """Move the chance line (e.g. 50 for a two-class truth table) or hide it with None."""
        self.chance_line.setVisible(percent is not None)
        if percent is not None:
            self.chance_line.setValue(percent)
            self._chance_label = f"chance {percent:g}%"
        self._update_chance_label()

    def set_baseline(self, key: str, percent: float, label: str | None = None) -> None:
        """Draw (or move) the horizontal reference line ``key`` at ``percent``, named
        ``label`` (default: ``key``) and its percentage above the plot. A random guess within
        a point and a half of chance is named beside chance instead of drawn on top of it."""
        text = f"{label or key} {percent:.2f}%"
        chance = self.chance_line.value() if self.chance_line.isVisible() else None
        if key == "random" and chance is not None and abs(percent - chance) < 1.5:
            self._random_note = f"{label or key} {percent:.2f}%"
            if key in self.references:
                self._remove_reference(key)
            self._update_chance_label()
            return
        if key in self.references:
            line = self.references[key][0]
            line.setValue(percent)
            self._relabel(key, text)
            return
        i = len(self.baselines)
        colour, style = BASELINE_STYLES[i % len(BASELINE_STYLES)]
        self.baselines[key] = self._reference_line(key, percent, text, colour, style)

    def _update_chance_label(self) -> None:
        note = self._random_note
        self._relabel("chance", self._chance_label + (f" ({note})" if note else ""))

    def clear_baselines(self) -> None:
        for key in list(self.baselines):
            self._remove_reference(key)
        self.baselines = {}
        self._random_note = ""
        self._update_chance_label()

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
        """What a run's test or validation curve holds, y in percent."""
        r = self.runs[run]
        curve = r.test_curve if which == "test" else r.validation_curve
        return curve_data(curve)

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
    """Cost above accuracy; ``add_progress`` feeds both. With ``readout``, the run's numbers
    in large type beside them (:class:`~nnviz.ui.training.readout.BigReadout`), fed by the
    same records (live, replayed or restored)."""

    def __init__(self, parent=None, readout: bool = False) -> None:
        super().__init__(parent)
        self.cost_plot = CostPlot()
        self.accuracy_plot = AccuracyPlot()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.cost_plot)
        splitter.addWidget(self.accuracy_plot)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter, 1)
        self._side = QVBoxLayout()  # the readout, and the option boxes when docked here
        layout.addLayout(self._side)
        self.readout: BigReadout | None = None
        if readout:
            self.readout = BigReadout()
            self._side.addWidget(self.readout, 1)

    def dock_options(self, options: QWidget) -> None:
        """Put the option boxes (from :meth:`take_options`) beside the plots."""
        self._side.addWidget(options, 0, Qt.AlignmentFlag.AlignRight)

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
        if self.readout is not None:
            self.readout.show_progress(progress)

    def extend(self, records: Iterable, run: str = "") -> None:
        """Add a batch of records, redrawing each plot at most once."""
        records = list(records)
        self.extend_cost(records)
        self.extend_accuracy(records, run)

    def extend_cost(self, records: list) -> None:
        """Records for the cost plot only (the live view feeds the plots in turns)."""
        self.cost_plot.extend(records)
        self._read_out(records)

    def extend_accuracy(self, records: list, run: str = "") -> None:
        """Records for the accuracy plot only."""
        self.accuracy_plot.extend(records, run)
        self._read_out(records)

    def _read_out(self, records: list) -> None:
        if self.readout is None or not records:
            return
        for r in records:  # every test accuracy, in order; then the newest of all
            if r.test_accuracy is not None:
                self.readout.show_progress(r)
        self.readout.show_progress(records[-1])

    def clear(self) -> None:
        self.cost_plot.clear()
        self.accuracy_plot.clear()
        if self.readout is not None:
            self.readout.show_progress(None)

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
