"""Section 2.2: the cost of one example, term by term, and the cost as an average of such costs.

For the example shown: the output activations a^L beside their targets y, each output's term
1/2 (y_j - a_j)^2 of C_x, and the gradient a^L - y that backpropagation starts from. Below, the
mean cost over the split computed two ways (the mean of the per-example C_x, and the one-line
vectorised formula), with one line on why backpropagation needs each of the two assumptions.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from nnviz.core.datasets.dataset import Dataset
from nnviz.core.gradient_estimate import cost_terms, output_gradient, per_example_costs
from nnviz.core.learning.network import Network
from nnviz.ui.accessibility import set_name

ASSUMPTION_AVERAGE = (
    "<b>Assumption 1: C is the mean of the C<sub>x</sub>.</b> Backpropagation works on one "
    "example at a time, giving \u2202C<sub>x</sub>/\u2202w; only because C = (1/n) "
    "\u03a3<sub>x</sub> C<sub>x</sub> does averaging those give \u2202C/\u2202w."
)
ASSUMPTION_OUTPUTS = (
    "<b>Assumption 2: C<sub>x</sub> depends on the network only through a<sup>L</sup>.</b> "
    "So the error of the output layer starts from \u2207<sub>a</sub>C<sub>x</sub> = "
    "a<sup>L</sup> \u2212 y alone, and every earlier layer's error follows from it backwards."
)


def _bar_plot(title: str, left: str) -> pg.PlotWidget:
    plot = pg.PlotWidget()
    plot.setMenuEnabled(False)
    set_name(plot, f"Bar plot: {title}")
    plot.setMouseEnabled(x=False, y=False)
    plot.setMinimumSize(200, 170)
    plot.setTitle(title)
    plot.setLabel("left", left)
    plot.showGrid(y=True, alpha=0.2)
    return plot


TERM_FLOOR = 0.05  # the terms' axis spans at least 0..0.05 (a term is at most 0.5)
GRADIENT_FLOOR = 0.2  # the gradient's axis spans at least -0.2..0.2 (|a - y| is at most 1)


class CostTermsView(QWidget):
    """One example's C_x as bars, its gradient a - y, and the mean cost computed both ways."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.network: Network | None = None
        self.dataset: Dataset | None = None
        self.index = 0
        self.terms: np.ndarray | None = None
        self.gradient: np.ndarray | None = None
        self.mean_of_costs: float | None = None
        self.vectorised_cost: float | None = None

        self.example_spin = QSpinBox()
        self.example_spin.setPrefix("test example ")
        self.example_spin.setToolTip("follows the example shown in the Training tab")
        self.example_spin.setAccessibleName("Test example number")
        self.cost_label = QLabel()
        self.cost_label.setTextFormat(Qt.TextFormat.RichText)
        self.mean_label = QLabel()
        self.mean_label.setTextFormat(Qt.TextFormat.RichText)
        self.mean_label.setWordWrap(True)
        self.hint = QLabel("Train or load a network to see its cost per example.")
        self.hint.setWordWrap(True)

        self.output_plot = _bar_plot("outputs a\u2c7c and targets y\u2c7c", "activation")
        self.output_plot.setYRange(0, 1.05)
        self.term_plot = _bar_plot("terms \u00bd(y\u2c7c \u2212 a\u2c7c)\u00b2 of C\u2093", "")
        self.grad_plot = _bar_plot("\u2202C\u2093/\u2202a\u2c7c = a\u2c7c \u2212 y\u2c7c", "")
        self.grad_plot.addItem(pg.InfiniteLine(angle=0, pen=pg.mkPen("#888")))

        notes = QVBoxLayout()
        for text in (ASSUMPTION_AVERAGE, ASSUMPTION_OUTPUTS):
            label = QLabel(text)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            notes.addWidget(label)
        top = QHBoxLayout()
        top.addWidget(self.example_spin)
        top.addWidget(self.cost_label, 1)
        plots = QGridLayout()
        for col, plot in enumerate((self.output_plot, self.term_plot, self.grad_plot)):
            plots.addWidget(plot, 0, col)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(self.mean_label)
        layout.addLayout(notes)
        layout.addLayout(plots, 1)
        self.example_spin.valueChanged.connect(self.set_example)

    # -- public API -----------------------------------------------------------------------------
    def set_network(self, network: Network | None, dataset: Dataset | None) -> None:
        self.network, self.dataset = network, dataset
        if network is None or dataset is None:
            self.hint.show()
            return
        self.hint.hide()
        self.example_spin.blockSignals(True)
        self.example_spin.setRange(0, len(dataset.test) - 1)
        self.example_spin.setValue(min(self.index, len(dataset.test) - 1))
        self.example_spin.blockSignals(False)
        x = dataset.inputs(dataset.test, np.float64)
        y = dataset.test.y.T.astype(np.float64)
        net = network.astype("float64")
        self.mean_of_costs = float(per_example_costs(net, x, y).mean())
        self.vectorised_cost = net.cost(x, y)
        n = len(dataset.test)
        self.mean_label.setText(
            f"Mean over the {n:,} test examples: (1/n) \u03a3<sub>x</sub> C<sub>x</sub> = "
            f"<b>{self.mean_of_costs:.10f}</b>; the same cost in one formula, "
            f"(1/2n) \u03a3<sub>x</sub> |y(x) \u2212 a<sup>L</sup>(x)|\u00b2 = "
            f"<b>{self.vectorised_cost:.10f}</b>. The cost plot in the Training tab shows "
            "this mean over each epoch's training examples, each taken at the weights its "
            "mini-batch met."
        )
        self._show()

    def set_example(self, index: int) -> None:
        self.index = max(0, int(index))
        if self.example_spin.value() != self.index:
            self.example_spin.blockSignals(True)
            self.example_spin.setValue(self.index)
            self.example_spin.blockSignals(False)
        if self.network is not None and self.dataset is not None:
            self._show()

    # -- drawing ---------------------------------------------------------------------------------
    def _show(self) -> None:
        ds = self.dataset
        i = min(self.index, len(ds.test) - 1)
        x = ds.inputs(ds.test.head(i + 1), np.float64)[:, i]
        y = ds.test.y[i].astype(np.float64)
        a = self.network.astype("float64").feedforward(x)
        self.terms, self.gradient = cost_terms(a, y), output_gradient(a, y)
        names = list(ds.output_names) or [str(j) for j in range(len(a))]
        js = np.arange(len(a))
        ticks = [[(j, n) for j, n in enumerate(names)]]
        for plot in (self.output_plot, self.term_plot, self.grad_plot):
            for item in list(plot.listDataItems()) + [
                it for it in plot.items() if isinstance(it, pg.BarGraphItem)
            ]:
                plot.removeItem(item)
            plot.getAxis("bottom").setTicks(ticks)
        self.output_plot.addItem(pg.BarGraphItem(x=js, height=a, width=0.6, brush="#9aa7b8"))
        self.output_plot.plot(
            js, y, pen=None, symbol="_", symbolSize=22, symbolPen=pg.mkPen("#D55E00", width=3)
        )
        self.term_plot.addItem(pg.BarGraphItem(x=js, height=self.terms, width=0.6, brush="#E69F00"))
        colours = ["#0072B2" if g >= 0 else "#D55E00" for g in self.gradient]
        self.grad_plot.addItem(
            pg.BarGraphItem(x=js, height=self.gradient, width=0.6, brushes=colours)
        )
        # Never scaled below TERM_FLOOR and GRADIENT_FLOOR: on a well-learnt example every
        # term is tiny, and a 1e-10 term drawn full height would look like most of the cost.
        self.term_plot.setYRange(0, max(TERM_FLOOR, float(self.terms.max())), padding=0.05)
        g = max(GRADIENT_FLOOR, float(np.abs(self.gradient).max()))
        self.grad_plot.setYRange(-g, g, padding=0.05)
        label = "" if ds.test.labels is None else f" (digit {int(ds.test.labels[i])})"
        self.cost_label.setText(
            f"C<sub>x</sub> = \u03a3<sub>j</sub> \u00bd(y<sub>j</sub> \u2212 a<sub>j</sub>)\u00b2"
            f" = <b>{self.terms.sum():.6f}</b> for test example {i}{label}"
        )
