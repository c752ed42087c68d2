"""Section 1.5: the gradient of a random mini-batch as an estimate of the full gradient.

For the current network the view computes, in a background job with progress and Cancel, the
gradient of the cost over the whole training set and the gradients of many random mini-batches
of each size m. It draws the estimates as a cloud around the full gradient's arrow (seen
through two parameters), and their relative error and cosine against m on log axes, with the
studio's own mini-batch size marked.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.datasets.dataset import Dataset
from nnviz.core.gradient_estimate import (
    ESTIMATE_SIZES,
    EstimateCancelled,
    estimate_gradients,
    expected_error,
    full_gradient,
    gradient_spread,
    largest_components,
    parameter_name,
)
from nnviz.core.learning.network import Network
from nnviz.ui.accessibility import set_name
from nnviz.ui.jobs import JobRunner
from nnviz.ui.style import set_role

# Okabe-Ito colours that stay apart under protan, deutan and tritan vision, and a marker
# shape of their own (m = 1 and m = 10 were vermillion and orange, hard to tell apart).
M_COLOURS = {1: "#E69F00", 10: "#56B4E9", 100: "#009E73", 1000: "#CC79A7"}
M_SYMBOLS = {1: "o", 10: "t", 100: "s", 1000: "d"}
DEFAULT_COUNT = 100
CAPTION = (
    "Each dot is the gradient of one random mini-batch of m training examples, seen through "
    "the two parameters on the axes; the black arrow is the gradient over the whole training "
    "set. The curve on the right is exact, not sampled: drawing m of n examples without "
    "replacement, the mean squared error of the estimate is (1/m)\u00b7(n\u2212m)/(n\u22121)"
    "\u00b7\u03c3\u00b2, with \u03c3\u00b2 the spread of the single-example gradients, so "
    "the error falls like 1/\u221am and reaches 0 at m = n; the markers are the sampled "
    "estimates around it. On a fresh network the examples mostly pull the same way, and "
    "ten examples already point roughly along the full gradient. On a trained one the full "
    "gradient is small (most examples are already right) while the few wrong ones pull "
    "hard, so even a thousand examples give an error near the gradient's own size: each "
    "step is mostly noise, and SGD progresses by averaging many cheap steps."
)

# Strong references to running jobs: a QThread collected while it runs aborts the process.


class GradientNoiseView(QWidget):
    """Cloud of mini-batch gradient estimates, and their error and cosine against m."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.network: Network | None = None
        self.dataset: Dataset | None = None
        self.batch_size: int | None = None
        self.result: dict | None = None
        self.jobs = JobRunner("gradient-noise", self)
        self.jobs.progress.connect(self._on_progress)
        self.jobs.succeeded.connect(self._on_succeeded)
        self.jobs.failed.connect(self._on_failed)
        self.jobs.cancelled.connect(self._on_cancelled)
        self.jobs.ended.connect(self._hide_progress)
        self._stale = False

        self.count_spin = QSpinBox()
        self.count_spin.setRange(10, 1000)
        self.count_spin.setValue(DEFAULT_COUNT)
        self.count_spin.setToolTip("mini-batches drawn for each size m")
        self.count_spin.setAccessibleName("Mini-batches drawn for each size m")
        self.compute_button = QPushButton("Compute gradients")
        self.compute_button.setToolTip(
            "the full training-set gradient, then the estimates of random mini-batches"
        )
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setVisible(False)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.message = QLabel("Train or load a network, then compute its gradients.")
        self.message.setWordWrap(True)

        self.cloud = pg.PlotWidget()
        self.cloud.setMenuEnabled(False)
        self.cloud.setMinimumSize(300, 240)
        self.cloud.showGrid(x=True, y=True, alpha=0.2)
        self.cloud.setTitle("estimates around the full gradient")
        set_name(self.cloud, "Gradient estimates of mini-batches around the full gradient")
        self.cloud_legend = self.cloud.getPlotItem().addLegend(offset=(-10, 10))
        self.error_plot = pg.PlotWidget()
        self.error_plot.setMenuEnabled(False)
        self.error_plot.setMinimumSize(260, 160)
        self.error_plot.setLogMode(x=True, y=True)
        set_name(self.error_plot, "Relative error of the estimates against mini-batch size")
        self.error_plot.setLabel("bottom", "mini-batch size m")
        self.error_plot.setLabel("left", "|\u2207C_X \u2212 \u2207C| / |\u2207C|")
        self.error_plot.showGrid(x=True, y=True, alpha=0.2)
        self.error_plot.getPlotItem().addLegend(offset=(-10, 10))
        self.cosine_plot = pg.PlotWidget()
        self.cosine_plot.setMenuEnabled(False)
        self.cosine_plot.setMinimumSize(260, 160)
        self.cosine_plot.setLogMode(x=True, y=False)
        set_name(self.cosine_plot, "Cosine of estimate and full gradient against batch size")
        self.cosine_plot.setLabel("bottom", "mini-batch size m")
        self.cosine_plot.setLabel("left", "cos(\u2207C_X, \u2207C)")
        self.cosine_plot.setYRange(-0.1, 1.05)
        self.cosine_plot.showGrid(x=True, y=True, alpha=0.2)
        self.studio_lines = [
            pg.InfiniteLine(
                angle=90,
                pen=pg.mkPen("#555", width=1.5, style=Qt.PenStyle.DashLine),
                label="studio m",
                labelOpts={"position": 0.9, "color": "#333"},
            )
            for _ in range(2)
        ]
        for plot, line in zip((self.error_plot, self.cosine_plot), self.studio_lines):
            plot.addItem(line)
            line.setVisible(False)

        caption = QLabel(CAPTION)
        caption.setWordWrap(True)
        set_role(caption, "hint")
        controls = QHBoxLayout()
        controls.addWidget(QLabel("estimates per m"))
        controls.addWidget(self.count_spin)
        controls.addStretch(1)
        controls.addWidget(self.progress)
        controls.addWidget(self.cancel_button)
        controls.addWidget(self.compute_button)
        right = QVBoxLayout()
        right.addWidget(self.error_plot, 1)
        right.addWidget(self.cosine_plot, 1)
        plots = QHBoxLayout()
        plots.addWidget(self.cloud, 3)
        plots.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.message)
        layout.addLayout(plots, 1)
        layout.addWidget(caption)

        self.compute_button.clicked.connect(self.compute)
        self.cancel_button.clicked.connect(self.cancel)
        self.compute_button.setEnabled(False)
        app = QCoreApplication.instance()
        if app is not None:  # child widgets get no closeEvent when the window quits
            app.aboutToQuit.connect(self.shutdown)

    # -- public API -----------------------------------------------------------------------------
    def set_network(self, network: Network | None, dataset: Dataset | None) -> None:
        """Use this network on ``dataset.train``; an earlier result is kept but marked old."""
        self.network = network.copy() if network is not None else None
        self.dataset = dataset
        ok = network is not None and dataset is not None
        self.compute_button.setEnabled(ok and not self.is_busy())
        if not ok:
            self.message.setText("Train or load a network, then compute its gradients.")
        elif self.result is not None:
            self._stale = True
            self.message.setText(
                "The network has changed since these gradients were computed: compute again "
                "to see the current one."
            )
        else:
            self.message.setText(
                f"Compute the gradient over all {len(dataset.train):,} training examples and "
                f"{self.count_spin.value()} random mini-batches of each size "
                f"m = {', '.join(str(m) for m in self._sizes())}."
            )

    def set_batch_size(self, m: int | None) -> None:
        """Mark the studio's mini-batch size on the error and cosine plots."""
        self.batch_size = m
        for line in self.studio_lines:
            line.setVisible(m is not None)
            if m is not None:
                line.setValue(np.log10(m))
                line.label.setFormat(f"studio m = {m}")

    def is_busy(self) -> bool:
        return self.jobs.running

    def compute(self) -> None:
        """Start the job (cancels one that is running)."""
        if self.network is None or self.dataset is None:
            return
        self.cancel()
        net, split, count = (
            self.network.astype("float64"),
            self.dataset.train,
            self.count_spin.value(),
        )
        dataset, sizes = self.dataset, self._sizes()

        def work(progress, cancelled):
            x = dataset.inputs(split, np.float64)
            y = split.y.T.astype(np.float64)
            n = x.shape[1]
            total = 2 * n + count * len(sizes)

            def full_progress(done, _n):
                progress(done, total, "full gradient")

            truth = full_gradient(net, x, y, full_progress, cancelled)
            pair = largest_components(truth, sizes=net.sizes)

            def spread_progress(done, _n):
                progress(n + done, total, "spread of the single-example gradients")

            spread = gradient_spread(net, x, y, truth, spread_progress, cancelled)

            def est_progress(done, _t):
                progress(2 * n + done, total, "mini-batch estimates")

            estimates = estimate_gradients(
                net, x, y, truth, sizes, count, pair, 0, est_progress, cancelled
            )
            return {
                "truth": truth,
                "spread": spread,
                "pair": pair,
                "estimates": estimates,
                "sizes": net.sizes,
                "n": n,
            }

        self.jobs.start(work)
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        self.compute_button.setEnabled(False)
        self.message.setText("Computing the full gradient\u2026")

    def cancel(self) -> None:
        self.jobs.cancel()
        self._hide_progress()

    def shutdown(self, timeout_ms: int = 5000) -> None:
        self.jobs.shutdown(timeout_ms)

    # -- job signals -----------------------------------------------------------------------------
    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, text: str) -> None:
        self.progress.setValue(int(100 * done / max(total, 1)))
        self.message.setText(f"Computing the {text}\u2026")

    @Slot(object)
    def _on_succeeded(self, result: dict) -> None:
        self.result = result
        self._stale = False
        self._draw()

    @Slot(str)
    def _on_failed(self, text: str) -> None:
        if text == EstimateCancelled.__name__:
            self._on_cancelled()
        else:
            self.message.setText(f"Could not compute the gradients: {text}")

    @Slot()
    def _on_cancelled(self) -> None:
        self.message.setText("Cancelled. Press Compute to start again.")

    # -- drawing ---------------------------------------------------------------------------------
    def _sizes(self) -> tuple[int, ...]:
        n = len(self.dataset.train) if self.dataset is not None else max(ESTIMATE_SIZES)
        return tuple(m for m in ESTIMATE_SIZES if m <= n)

    def _hide_progress(self) -> None:
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self.compute_button.setEnabled(self.network is not None and self.dataset is not None)

    def _draw(self) -> None:
        r = self.result
        truth, pair, sizes = r["truth"], r["pair"], r["sizes"]
        self.cloud.clear()
        self.cloud_legend.clear()
        for est in r["estimates"]:  # small m (the widest cloud) first, at the back
            colour = M_COLOURS.get(est.m, "#777")
            dots = pg.ScatterPlotItem(
                est.projected[:, 0],
                est.projected[:, 1],
                size=7,
                symbol=M_SYMBOLS.get(est.m, "o"),
                pen=None,
                brush=pg.mkBrush(colour),
                name=f"m = {est.m}" + (" (online)" if est.m == 1 else ""),
            )
            self.cloud.addItem(dots)
        tx, ty = truth[pair[0]], truth[pair[1]]
        arrow_line = pg.PlotDataItem(
            [0, tx], [0, ty], pen=pg.mkPen("k", width=3), name="full gradient \u2207C"
        )
        self.cloud.addItem(arrow_line)
        angle = 180 - np.degrees(np.arctan2(ty, tx))
        head = pg.ArrowItem(pos=(tx, ty), angle=angle, headLen=16, brush="k", pen=None)
        self.cloud.addItem(head)
        self.cloud.setLabel(
            "bottom", f"\u2202C/\u2202{parameter_name(sizes, pair[0], ascii=False)}"
        )
        self.cloud.setLabel("left", f"\u2202C/\u2202{parameter_name(sizes, pair[1], ascii=False)}")
        self._fit_cloud(r["estimates"], tx, ty)

        ms = np.array([e.m for e in r["estimates"]], dtype=float)
        errors = np.array([e.rms_error for e in r["estimates"]])
        cosines = np.array([e.mean_cosine for e in r["estimates"]])
        n, norm = r["n"], float(np.linalg.norm(truth))
        for plot in (self.error_plot, self.cosine_plot):
            for item in list(plot.listDataItems()):
                plot.removeItem(item)
        legend = self.error_plot.getPlotItem().legend
        if legend is not None:
            legend.clear()
        # The exact curve from m = 1 to just short of n (where it drops to 0, off a log axis).
        m_line = np.unique(np.concatenate([np.geomspace(1, max(1, n - 1), 200).round(), ms]))
        m_line = m_line[m_line < n]
        self.exact_curve = self.error_plot.plot(
            m_line,
            expected_error(m_line, n, r["spread"], norm),
            pen=pg.mkPen("#222", width=2),
            name="exact (root mean square)",
        )
        for est in r["estimates"]:  # each draw faintly, and their root mean square
            colour = M_COLOURS.get(est.m, "#777")
            self.error_plot.plot(
                np.full(len(est.relative_error), float(est.m)),
                np.maximum(est.relative_error, 1e-12),
                pen=None,
                symbol=M_SYMBOLS.get(est.m, "o"),
                symbolSize=4,
                symbolPen=None,
                symbolBrush=pg.mkBrush(colour + "40"),
            )
        self.sampled_curve = self.error_plot.plot(
            ms,
            errors,
            pen=None,
            symbol="+",
            symbolSize=16,
            symbolPen=pg.mkPen("#222", width=2),
            name="sampled (root mean square)",
        )
        self.cosine_plot.plot(
            ms, cosines, pen=pg.mkPen("#009E73", width=2), symbol="o", symbolBrush="#009E73"
        )
        self.set_batch_size(self.batch_size)
        exact = expected_error(ms, n, r["spread"], norm)
        rows = ", ".join(
            f"m = {e.m}: {e.rms_error:.3g} sampled, {x:.3g} exact"
            for e, x in zip(r["estimates"], exact, strict=True)
        )
        self.message.setText(
            f"Full gradient over {n:,} training examples, |\u2207C| = {norm:.3g}; single "
            f"examples spread by \u03c3 = {np.sqrt(r['spread']):.3g}. Relative error (root "
            f"mean square): {rows}."
        )

    def _fit_cloud(self, estimates, tx: float, ty: float) -> None:
        """Frame the arrow and the bulk of the m >= 10 clouds; m = 1 may run off the edges
        (a single example's gradient can be a hundred times the full one)."""
        wide = [e.projected for e in estimates if e.m >= 10] or [estimates[0].projected]
        pts = np.vstack([*wide, [[0.0, 0.0], [tx, ty]]])
        lo = np.percentile(pts, 3, axis=0)
        hi = np.percentile(pts, 97, axis=0)
        lo = np.minimum(lo, [min(0.0, tx), min(0.0, ty)])
        hi = np.maximum(hi, [max(0.0, tx), max(0.0, ty)])
        pad = 0.1 * np.maximum(hi - lo, 1e-12)
        self.cloud.setXRange(lo[0] - pad[0], hi[0] + pad[0], padding=0)
        self.cloud.setYRange(lo[1] - pad[1], hi[1] + pad[1], padding=0)
