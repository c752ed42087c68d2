"""A 2-D slice of the real network's cost: C as a function of two chosen weights.

Every other weight and bias stays at its current value. The slice is computed in a QThread
(it can take a second for a big grid) with progress and cancel, drawn as a heatmap with
contour lines, and overlaid with the path the two weights took during training when a
history of snapshots is given.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.datasets.dataset import Dataset
from nnviz.core.learning.network import Network
from nnviz.core.matrix_form import book_layer
from nnviz.core.notation import symbol
from nnviz.core.valley import (
    WeightIndex,
    check_weight_index,
    cost_slice,
    largest_gradient_weights,
    weight_path,
)
from nnviz.ui.accessibility import set_name
from nnviz.ui.explore.cost_colours import (
    cost_colour_bar,
    cost_image,
    label_cost_bar,
    shown_cost,
)
from nnviz.ui.jobs import JobRunner

DEFAULT_SAMPLE = 1000
DEFAULT_GRID = 41
MIN_HALF_WIDTH = 1.0  # offsets reach at least +-1 around the current weight
SHOW_PROGRESS_AFTER_MS = 250  # quick slices never flash a progress bar
N_CONTOURS = 12


def _slice_work(network: Network, x, y, w1, w2, offsets1, offsets2):
    """The computation a job runs: ``fn(progress, cancelled)`` for :class:`JobRunner`."""

    def work(progress, cancelled) -> dict:
        costs = cost_slice(
            network,
            x,
            y,
            w1,
            w2,
            offsets1,
            offsets2,
            progress=lambda d, t: progress(d, t, ""),
            should_stop=cancelled,
        )
        centre = (
            float(network.weights[w1[0]][w1[1], w1[2]]),
            float(network.weights[w2[0]][w2[1], w2[2]]),
        )
        return {
            "offsets1": offsets1,
            "offsets2": offsets2,
            "costs": costs,
            "w1": w1,
            "w2": w2,
            "centre": centre,
            "examples": int(x.shape[1]),
        }

    return work


class _WeightPicker(QWidget):
    """Three spin boxes: book layer number, j (neuron in that layer), k (neuron feeding it)."""

    changed = Signal()

    def __init__(self, title: str) -> None:
        super().__init__()
        self.layer = QSpinBox()
        self.j = QSpinBox()
        self.k = QSpinBox()
        self.layer.setToolTip("layer the weight feeds into (book numbering: input = 1)")
        self.j.setToolTip("j: neuron in that layer")
        self.k.setToolTip("k: neuron of the layer before")
        for spin, what in ((self.layer, "layer"), (self.j, "neuron j"), (self.k, "neuron k")):
            spin.setAccessibleName(f"{title}: {what}")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(title))
        row.addWidget(QLabel("w^"))
        row.addWidget(self.layer)
        row.addWidget(QLabel("j"))
        row.addWidget(self.j)
        row.addWidget(QLabel("k"))
        row.addWidget(self.k)
        self.sizes: list[int] = [1, 1]
        self.layer.valueChanged.connect(self._on_layer)
        self.j.valueChanged.connect(self.changed)
        self.k.valueChanged.connect(self.changed)

    def set_sizes(self, sizes: list[int]) -> None:
        self.sizes = list(sizes)
        self.layer.setRange(2, len(sizes))
        self._on_layer()

    def _on_layer(self, *_args) -> None:
        l = self.layer.value() - 2
        self.j.setRange(0, self.sizes[l + 1] - 1)
        self.k.setRange(0, self.sizes[l] - 1)
        self.changed.emit()

    def index(self) -> WeightIndex:
        """(l, j, k) with l the 0-based index into network.weights."""
        return self.layer.value() - 2, self.j.value(), self.k.value()

    def set_index(self, index: WeightIndex) -> None:
        for box in (self.layer, self.j, self.k):
            box.blockSignals(True)
        self.layer.setValue(index[0] + 2)
        self._on_layer()
        self.j.setValue(index[1])
        self.k.setValue(index[2])
        for box in (self.layer, self.j, self.k):
            box.blockSignals(False)


def weight_name(index: WeightIndex) -> str:
    l, j, k = index
    return symbol("w", book_layer(l), j, k)


class CostSliceView(QWidget):
    """Heatmap of the cost over two weights of the current network, with the training path."""

    slice_ready = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.network: Network | None = None
        self.dataset: Dataset | None = None
        self.history: list = []
        self.result: dict | None = None
        # One slice at a time: a new one cancels the old, whose result is dropped.
        self.jobs = JobRunner("cost-slice", self)
        self.jobs.progress.connect(self._on_progress)
        self.jobs.succeeded.connect(self._on_succeeded)
        self.jobs.failed.connect(self._on_failed)
        self.jobs.ended.connect(self._on_job_ended)
        self._x = self._y = None
        self._closed = False

        self.pick1 = _WeightPicker("weight 1 (horizontal):")
        self.pick2 = _WeightPicker("weight 2 (vertical):")
        self.largest_button = QPushButton("Two largest gradient components")
        self.largest_button.setToolTip(
            "pick the two weights whose ∂C/∂w is largest on the sample, at the current weights"
        )
        self.half_width = QDoubleSpinBox()
        self.half_width.setRange(0.0, 50.0)
        self.half_width.setSingleStep(0.5)
        self.half_width.setSpecialValueText("auto")
        self.half_width.setToolTip("how far each weight is moved either way (auto: fit the path)")
        self.grid_spin = QSpinBox()
        self.grid_spin.setRange(5, 121)
        self.grid_spin.setValue(DEFAULT_GRID)
        self.grid_spin.setAccessibleName("Grid points per side")
        self.half_width.setAccessibleName("How far each weight moves either way")
        self.sample_spin = QSpinBox()
        self.sample_spin.setRange(10, 60000)
        self.sample_spin.setSingleStep(100)
        self.sample_spin.setValue(DEFAULT_SAMPLE)
        self.sample_spin.setToolTip("training examples the cost is averaged over")
        self.sample_spin.setAccessibleName("Training examples the cost is averaged over")
        self.compute_button = QPushButton("Compute slice")
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setVisible(False)
        self.message = QLabel()
        self.message.setWordWrap(True)

        self.plot = pg.PlotWidget()
        self.plot.setMenuEnabled(False)
        self.plot.setMinimumSize(360, 300)
        set_name(self.plot, "Cost slice: the cost C over a grid of two weights' values")
        self.image = cost_image()
        self.plot.addItem(self.image)
        self.colour_bar = cost_colour_bar(self.plot, self.image)
        self.contours: list[pg.IsocurveItem] = []
        self.path_item = pg.PlotDataItem(
            pen=pg.mkPen((255, 255, 255), width=2),
            symbol="o",
            symbolSize=4,
            symbolBrush=(255, 255, 255),
            symbolPen=None,
        )
        self.plot.addItem(self.path_item)
        self.start_item = pg.ScatterPlotItem(
            size=11, symbol="s", brush=pg.mkBrush(255, 255, 255), pen=pg.mkPen("k")
        )
        self.plot.addItem(self.start_item)
        self.current_item = pg.ScatterPlotItem(
            size=16, symbol="star", brush=pg.mkBrush(230, 30, 30), pen=pg.mkPen("w")
        )
        self.plot.addItem(self.current_item)

        self.hint = QLabel()
        self.hint.setAlignment(Qt.AlignCenter)
        self.hint.setWordWrap(True)

        grid = QGridLayout()
        grid.addWidget(self.pick1, 0, 0, 1, 3)
        grid.addWidget(self.largest_button, 0, 3, 1, 3)
        grid.addWidget(self.pick2, 1, 0, 1, 3)
        grid.addWidget(QLabel("± range"), 1, 3)
        grid.addWidget(self.half_width, 1, 4)
        opts = QHBoxLayout()
        opts.addWidget(QLabel("grid"))
        opts.addWidget(self.grid_spin)
        opts.addWidget(QLabel("examples"))
        opts.addWidget(self.sample_spin)
        opts.addStretch(1)
        opts.addWidget(self.progress)
        opts.addWidget(self.cancel_button)
        opts.addWidget(self.compute_button)
        note = QLabel(
            "Every other weight and bias is held at its current value. The white line is the "
            "path the two weights really took while training (square: start, star: now); "
            "the other weights moved too, so it need not run straight down this surface."
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addLayout(opts)
        layout.addWidget(self.hint, 1)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.message)
        layout.addWidget(note)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.compute)
        self._show_progress = QTimer(self)
        self._show_progress.setSingleShot(True)
        self._show_progress.setInterval(SHOW_PROGRESS_AFTER_MS)
        self._show_progress.timeout.connect(self._on_show_progress)

        self.compute_button.clicked.connect(self.compute)
        self.cancel_button.clicked.connect(self.cancel)
        self.largest_button.clicked.connect(self.pick_largest_gradients)
        for w in (self.pick1, self.pick2):
            w.changed.connect(self._schedule)
        for w in (self.half_width, self.grid_spin, self.sample_spin):
            w.valueChanged.connect(self._schedule)
        self._set_enabled(False)
        self.hint.setText("Train or load a network to slice its cost through two weights.")
        app = QCoreApplication.instance()
        if app is not None:  # child widgets get no closeEvent when the window quits
            app.aboutToQuit.connect(self.shutdown)

    # -- public API ---------------------------------------------------------------------------
    def set_network(self, network: Network | None, dataset: Dataset | None) -> None:
        """Slice ``network``'s cost on the first examples of ``dataset.train``."""
        self.cancel()
        if network is None or dataset is None:
            self.result = None
            self._clear_plot()
            self.network = self.dataset = None
            self._set_enabled(False)
            self.hint.setText("Train or load a network to slice its cost through two weights.")
            self.hint.setVisible(True)
            return
        if network.sizes[0] != dataset.n_inputs or network.sizes[-1] != dataset.n_outputs:
            self.result = None
            self._clear_plot()
            self.network = self.dataset = None
            self._set_enabled(False)
            self.hint.setText(
                f"This network has sizes {network.sizes}, which does not fit the data set "
                f"'{dataset.name}' ({dataset.n_inputs} inputs, {dataset.n_outputs} outputs)."
            )
            self.hint.setVisible(True)
            return
        same_shape = self.network is not None and self.network.sizes == network.sizes
        self.network, self.dataset = network, dataset
        self._x = self._y = None
        self.hint.setVisible(False)
        self._set_enabled(True)
        for p in (self.pick1, self.pick2):
            p.blockSignals(True)
            p.set_sizes(network.sizes)
            p.blockSignals(False)
        if not same_shape:
            # A different architecture: the old picture and weight choice mean nothing now.
            self.result = None
            self._clear_plot()
            self.pick_largest_gradients(schedule=False)
        elif self.result is not None:
            # Keep the old picture until the new one arrives (no flicker while training).
            self.message.setText("The network changed; updating the slice…")
        self._schedule()

    def set_history(self, snapshots: list) -> None:
        """Training snapshots (oldest first) whose weights draw the path."""
        self.history = list(snapshots)
        self._draw_path()
        if self.result is not None and self.half_width.value() == 0:
            self._schedule()  # auto range may need to grow to hold the path

    def weights(self) -> tuple[WeightIndex, WeightIndex]:
        return self.pick1.index(), self.pick2.index()

    def set_weights(self, w1: WeightIndex, w2: WeightIndex) -> None:
        """Choose the two weights (0-based layer index into ``network.weights``)."""
        if self.network is not None:
            check_weight_index(self.network, w1)
            check_weight_index(self.network, w2)
        self.pick1.set_index(w1)
        self.pick2.set_index(w2)
        self._schedule()

    def pick_largest_gradients(self, schedule: bool = True) -> None:
        if self.network is None:
            return
        x, y = self._sample()
        found = largest_gradient_weights(self.network, x, y, count=2)
        self.pick1.set_index(found[0])
        self.pick2.set_index(found[1])
        if schedule:
            self._schedule()

    def is_busy(self) -> bool:
        return self.jobs.running

    def compute(self) -> None:
        """Start computing the slice for the current choices (cancels one in progress)."""
        self._debounce.stop()
        if self.network is None or self._closed:
            return
        self.cancel()
        w1, w2 = self.weights()
        net = self.network.copy()  # the trainer may keep changing the live network
        x, y = self._sample()
        c1 = float(net.weights[w1[0]][w1[1], w1[2]])
        c2 = float(net.weights[w2[0]][w2[1], w2[2]])
        h1, h2 = self._half_widths(w1, w2, c1, c2)
        n = self.grid_spin.value()
        self.progress.setValue(0)
        self.message.setText(f"Computing the cost at {n} × {n} points…")
        self.jobs.start(
            _slice_work(net, x, y, w1, w2, np.linspace(-h1, h1, n), np.linspace(-h2, h2, n))
        )
        self._show_progress.start()

    def cancel(self) -> None:
        """Stop a running computation (its result is dropped)."""
        if self.jobs.running:
            self.jobs.cancel()
            self.message.setText("Cancelled.")
        self._show_progress.stop()
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Cancel and wait for every thread this view started; no new ones start after."""
        self._debounce.stop()
        self.cancel()
        self.jobs.shutdown(timeout_ms)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt name
        self._closed = False  # a closed view that is shown again works again
        super().showEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt name
        self._closed = True
        self.shutdown()
        super().closeEvent(event)

    # -- helpers ------------------------------------------------------------------------------
    def _sample(self) -> tuple[np.ndarray, np.ndarray]:
        n = self.sample_spin.value()
        if self._x is None or self._x.shape[1] != min(n, len(self.dataset.train)):
            split = self.dataset.train.head(n)
            self._x = self.dataset.inputs(split, np.float64)
            self._y = split.y.T.astype(np.float64)
        return self._x, self._y

    def _half_widths(self, w1, w2, c1, c2) -> tuple[float, float]:
        fixed = self.half_width.value()
        if fixed > 0:
            return fixed, fixed
        path = weight_path(self.history, w1, w2)
        h1 = h2 = MIN_HALF_WIDTH
        if len(path):
            # Centre stays at the current weights; widen so the whole path fits, with a margin.
            h1 = max(h1, 1.15 * float(np.max(np.abs(path[:, 0] - c1))))
            h2 = max(h2, 1.15 * float(np.max(np.abs(path[:, 1] - c2))))
        return h1, h2

    def _schedule(self, *_args) -> None:
        if self.network is not None:
            self._debounce.start()

    def _set_enabled(self, on: bool) -> None:
        for w in (
            self.pick1,
            self.pick2,
            self.largest_button,
            self.half_width,
            self.grid_spin,
            self.sample_spin,
            self.compute_button,
            self.plot,
        ):
            w.setEnabled(on)
        self.plot.setVisible(on)

    def _clear_plot(self) -> None:
        self.image.clear()
        for c in self.contours:
            c.setParentItem(None)
            self.plot.removeItem(c)
        self.contours = []
        self.path_item.setData([], [])
        self.start_item.setData([], [])
        self.current_item.setData([], [])
        self.message.setText("")

    # -- job signals --------------------------------------------------------------------------
    @Slot()
    def _on_show_progress(self) -> None:
        if self.is_busy():
            self.progress.setVisible(True)
            self.cancel_button.setVisible(True)

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, _text: str) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    @Slot(object)
    def _on_succeeded(self, result: dict) -> None:
        self.result = result
        self._draw_result()
        self.slice_ready.emit()

    @Slot(str)
    def _on_failed(self, text: str) -> None:
        self.message.setText(f"Could not compute the slice: {text}")

    @Slot()
    def _on_job_ended(self) -> None:
        self._show_progress.stop()
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)

    # -- drawing ------------------------------------------------------------------------------
    def _draw_result(self) -> None:
        r = self.result
        o1, o2, costs = r["offsets1"], r["offsets2"], r["costs"]
        c1, c2 = r["centre"]
        for c in self.contours:
            c.setParentItem(None)
            self.plot.removeItem(c)
        self.contours = []
        finite = np.isfinite(costs)
        shown, low, top = shown_cost(costs)
        self.image.setImage(shown, levels=(0.0, top))
        label_cost_bar(self.colour_bar, low, top)
        d1 = (o1[-1] - o1[0]) / max(1, len(o1) - 1)
        d2 = (o2[-1] - o2[0]) / max(1, len(o2) - 1)
        # Grid values sit at pixel centres.
        self.image.setRect(
            QRectF(
                c1 + o1[0] - d1 / 2, c2 + o2[0] - d2 / 2, o1[-1] - o1[0] + d1, o2[-1] - o2[0] + d2
            )
        )
        for level in np.linspace(0, top, N_CONTOURS + 1)[1:-1]:
            iso = pg.IsocurveItem(
                data=shown,
                level=float(level),
                pen=pg.mkPen(255, 255, 255, 100),
                axisOrder="col-major",
            )
            iso.setParentItem(self.image)
            self.contours.append(iso)
        self.current_item.setData([c1], [c2])
        pi = self.plot.getPlotItem()
        pi.setLabel("bottom", weight_name(r["w1"]))
        pi.setLabel("left", weight_name(r["w2"]))
        self._draw_path()
        self.plot.getPlotItem().getViewBox().autoRange(padding=0.02)
        centre_cost = float(costs[len(o1) // 2, len(o2) // 2]) if len(o1) % 2 else float("nan")
        i, j = np.unravel_index(int(np.argmin(np.where(finite, costs, np.inf))), costs.shape)
        now = f"C now = {centre_cost:.4f}; " if np.isfinite(centre_cost) else ""
        name1, name2 = weight_name(r["w1"]), weight_name(r["w2"])
        self.message.setText(
            f"{now}lowest on this slice C = {float(costs[i, j]):.4f} at "
            f"{name1} = {c1 + o1[i]:+.3f}, {name2} = {c2 + o2[j]:+.3f}"
            f" (cost averaged over {r['examples']} training examples)."
        )

    def _draw_path(self) -> None:
        if self.result is None:
            self.path_item.setData([], [])
            self.start_item.setData([], [])
            return
        path = weight_path(self.history, self.result["w1"], self.result["w2"])
        if len(path):
            self.path_item.setData(path[:, 0], path[:, 1])
            self.start_item.setData([path[0, 0]], [path[0, 1]])
        else:
            self.path_item.setData([], [])
            self.start_item.setData([], [])
