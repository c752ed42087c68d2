"""The comparison page's widgets: the cost of several runs in one plot, and the settings
panel beside the plots (what they do is wired in
:class:`nnviz.ui.training.compare.CompareView`)."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.learning.snapshot import CHUNK, EPOCH, Progress
from nnviz.ui.accessibility import set_name
from nnviz.ui.style import set_role
from nnviz.ui.training.plot_parts import (
    AutoRange,
    ExampleSmoother,
    GrowingBuffer,
    legend_row,
)
from nnviz.ui.training.plots import AccuracyPlot

MAX_RUNS = 3  # learning rates compared at once


class MultiCostPlot(QWidget):
    """Smoothed per-chunk cost of several named runs, one coloured line each."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.plot = pg.PlotWidget(background="w")
        item = self.plot.getPlotItem()
        item.setLabel("bottom", "epochs trained", color="#222")
        # Short: a longer axis title is cut on a short plot (presenter mode at 1280x720).
        item.setLabel("left", "cost C", color="#222")
        self.plot.setToolTip("Each run's cost C, smoothed over its recent mini-batches")
        item.showGrid(x=True, y=True, alpha=0.25)
        item.setMenuEnabled(False)
        for name in ("left", "bottom"):
            item.getAxis(name).enableAutoSIPrefix(False)
        self.legend = legend_row(item, 3)
        self.axes = AutoRange(self.plot)
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._data: dict[str, tuple[GrowingBuffer, ExampleSmoother]] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)

    def add_run(self, name: str, colour: str) -> None:
        self.remove_run(name)
        self._curves[name] = self.plot.getPlotItem().plot(
            pen=pg.mkPen(colour, width=2.2), name=name
        )
        self._data[name] = (GrowingBuffer(2), ExampleSmoother())

    def remove_run(self, name: str) -> None:
        curve = self._curves.pop(name, None)
        self._data.pop(name, None)
        if curve is not None:
            self.plot.removeItem(curve)
            self.legend.removeItem(curve)

    def add_progress(self, p: Progress, run: str) -> None:
        if run not in self._data or p.kind not in (CHUNK, EPOCH):
            return
        y = p.batch_cost if math.isfinite(p.batch_cost) else p.cost
        if not math.isfinite(y):
            return
        buf, smoother = self._data[run]
        smoothed = smoother.add(y, p.examples_seen)
        x = (
            float(p.epoch + 1)
            if p.kind == EPOCH
            else (p.epoch + p.batch / max(p.batches_per_epoch, 1))
        )
        buf.append(x, smoothed)
        self._curves[run].setData(buf.column(0), buf.column(1))
        bufs = [b for b, _s in self._data.values()]
        self.axes.fit(
            np.concatenate([b.column(0) for b in bufs]), np.concatenate([b.column(1) for b in bufs])
        )

    def cost_data(self, run: str) -> tuple[np.ndarray, np.ndarray]:
        """What a run's curve holds (``getData()``)."""
        x, y = self._curves[run].getData()
        return (np.empty(0), np.empty(0)) if x is None else (x, y)


def build_layout(view, etas: tuple[float, ...]) -> None:
    """Make the comparison page's widgets as attributes of ``view`` and lay them out: the
    settings at the left, accuracy above cost at the right."""
    view.dataset_box = QComboBox()
    view.epochs_spin = QSpinBox()
    view.epochs_spin.setRange(1, 100)
    view.epochs_spin.setValue(10)
    view.hidden_spin = QSpinBox()
    view.hidden_spin.setRange(1, 200)
    view.hidden_spin.setValue(30)
    view.seed_spin = QSpinBox()
    view.seed_spin.setRange(0, 1_000_000)
    view.seed_spin.setValue(0)
    view.seed_spin.setToolTip(
        "Every run starts from the same weights and sees the examples "
        "in the same order: only eta differs"
    )
    view.eta_edits = [QLineEdit() for _ in range(MAX_RUNS)]
    for edit, eta in zip(view.eta_edits, list(etas) + [None] * MAX_RUNS):
        edit.setText("" if eta is None else f"{eta:g}")
        edit.setPlaceholderText("off")
        edit.setMaximumWidth(80)
        edit.setToolTip("Learning rate of this run; leave empty for no run")
    for k, edit in enumerate(view.eta_edits):
        edit.setAccessibleName(f"Learning rate of run {k + 1} (empty: no run)")
    view.start_button = QPushButton("Start")
    view.start_button.setToolTip("Train all runs together from the same starting network")
    view.stop_button = QPushButton("Stop")
    view.stop_button.setEnabled(False)
    view.add_button = QPushButton("Add recording…")
    view.add_button.setToolTip(
        "Show recorded runs (.nnrec, e.g. from nnviz train --record) "
        "as more curves, without training"
    )
    view.clear_button = QPushButton("Clear")
    view.message_label = QLabel("")
    view.message_label.setWordWrap(True)
    view.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    view.runs_label = QLabel("")
    view.runs_label.setTextFormat(Qt.TextFormat.RichText)

    view.accuracy = AccuracyPlot()
    view.cost = MultiCostPlot()
    set_name(view.accuracy, "Test accuracy of every run against epochs")
    set_name(view.cost, "Cost C of every run against epochs")

    hint = QLabel(
        "Every run starts from the same weights and sees the examples in the "
        "same order: only the learning rate η differs."
    )
    hint.setWordWrap(True)
    set_role(hint, "hint")  # themed (dark grey, or light grey when dark)
    form = QFormLayout()
    form.addRow("Data set", view.dataset_box)
    form.addRow("Epochs", view.epochs_spin)
    form.addRow("Hidden neurons", view.hidden_spin)
    form.addRow("Seed", view.seed_spin)
    etas_row = QHBoxLayout()
    for edit in view.eta_edits:
        etas_row.addWidget(edit)
    form.addRow("η of each run", etas_row)
    buttons = QHBoxLayout()
    for b in (view.start_button, view.stop_button):
        buttons.addWidget(b)
    more = QHBoxLayout()
    for b in (view.add_button, view.clear_button):
        more.addWidget(b)
    side = QVBoxLayout()
    side.addWidget(hint)
    side.addLayout(form)
    side.addLayout(buttons)
    side.addLayout(more)
    side.addWidget(view.runs_label)
    side.addWidget(view.message_label)
    side.addStretch(1)
    side_widget = QWidget()
    side_widget.setLayout(side)
    side_widget.setMaximumWidth(340)
    plots = QSplitter(Qt.Orientation.Vertical)
    plots.addWidget(view.accuracy)
    plots.addWidget(view.cost)
    plots.setStretchFactor(0, 3)
    plots.setStretchFactor(1, 2)
    layout = QHBoxLayout(view)
    layout.addWidget(side_widget)
    layout.addWidget(plots, 1)
