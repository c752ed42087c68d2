"""The gradient-descent valley: a ball rolling down a toy cost by Delta v = -eta nabla C.

A heatmap with contour lines (or a curve, for one variable) shows C; clicking puts the ball
down; Step / Play move it; a table puts each step's predicted change nabla C . Delta v next to
the true change, so a too-large eta shows up as a zig-zag, an uphill step, or a blow-up.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.valley import (
    DIVERGE_LIMIT,
    LANDSCAPES,
    Descent,
    Landscape,
    Step,
    gradient_step,
)
from nnviz.ui.accessibility import set_name
from nnviz.ui.columns import share_names
from nnviz.ui.explore.cost_colours import (
    cost_colour_bar,
    cost_image,
    label_cost_bar,
    shown_cost,
)

ETA_MIN, ETA_MAX = 0.001, 2.0
_SLIDER_STEPS = 1000
PLAY_INTERVAL_MS = 150
MAX_PLAY_STEPS = 400  # a slow crawl stops by itself instead of playing forever
N_CONTOURS = 12


def eta_from_slider(pos: int) -> float:
    """Slider position 0..1000 -> eta on a log scale from 0.001 to 2."""
    lo, hi = math.log10(ETA_MIN), math.log10(ETA_MAX)
    return 10 ** (lo + (hi - lo) * pos / _SLIDER_STEPS)


def slider_from_eta(eta: float) -> int:
    lo, hi = math.log10(ETA_MIN), math.log10(ETA_MAX)
    eta = min(max(eta, ETA_MIN), ETA_MAX)
    return round((math.log10(eta) - lo) / (hi - lo) * _SLIDER_STEPS)


def fmt(x: float) -> str:
    """Compact number for the table; never prints 'nan'."""
    if not math.isfinite(x):
        return "blew up"
    return f"{x:+.4g}"


def fmt_vec(v: np.ndarray) -> str:
    return "(" + ", ".join(fmt(float(c)) for c in v) + ")"


class ValleyView(QWidget):
    """Gradient descent on a toy landscape chosen from :data:`nnviz.core.valley.LANDSCAPES`."""

    stepped = Signal()  # after every step (tests and the lead may listen)

    COLUMNS = ("step", "v before", "C(v)", "Δv =\n−η∇C", "predicted ΔC\n= ∇C·Δv", "actual\nΔC")

    def __init__(self, parent: QWidget | None = None, landscape: str = "bowl") -> None:
        super().__init__(parent)
        self.descent = Descent(LANDSCAPES[landscape])
        self._timer = QTimer(self)
        self._timer.setInterval(PLAY_INTERVAL_MS)
        self._timer.timeout.connect(self._on_tick)
        self._played = 0

        # -- controls --
        self.landscape_box = QComboBox()
        for key, ls in LANDSCAPES.items():
            self.landscape_box.addItem(ls.name, key)
        self.formula_label = QLabel()
        self.formula_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.eta_slider = QSlider(Qt.Horizontal)
        self.eta_slider.setRange(0, _SLIDER_STEPS)
        self.eta_slider.setToolTip("learning rate η, log scale from 0.001 to 2")
        self.eta_slider.setAccessibleName("Learning rate η")
        self.eta_label = QLabel()
        self.eta_label.setMinimumWidth(90)
        self.step_button = QPushButton("Step")
        self.play_button = QPushButton("Play")
        self.play_button.setCheckable(True)
        self.reset_button = QPushButton("Reset")
        self.message = QLabel()
        self.message.setWordWrap(True)

        # -- plot --
        self.plot = pg.PlotWidget()
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        set_name(self.plot, "Cost landscape C(v1, v2) with the ball's path")
        self.plot.hideButtons()
        self.plot.setMinimumSize(360, 300)
        # Low cost dark, high cost bright: the valley floor reads as a dark trough.
        self.image = cost_image()
        self.plot.addItem(self.image)
        self.colour_bar = cost_colour_bar(self.plot, self.image)
        self.contours: list[pg.IsocurveItem] = []
        self.curve = pg.PlotDataItem(pen=pg.mkPen((40, 90, 200), width=2))
        self.plot.addItem(self.curve)
        self.path_item = pg.PlotDataItem(
            pen=pg.mkPen((255, 120, 0), width=2),
            symbol="o",
            symbolSize=6,
            symbolBrush=(255, 160, 60),
            symbolPen=None,
        )
        self.plot.addItem(self.path_item)
        self.ball = pg.ScatterPlotItem(
            size=16, brush=pg.mkBrush(230, 30, 30), pen=pg.mkPen("w", width=2)
        )
        self.plot.addItem(self.ball)
        # Where the next step would land at the current eta (dashed), and in 1-D the tangent
        # line of equation 9 with its predicted landing point (hollow) beside the true one.
        self.preview_item = pg.PlotDataItem(
            pen=pg.mkPen((255, 255, 255), width=2, style=Qt.DashLine)
        )
        self.plot.addItem(self.preview_item)
        self.tangent_item = pg.PlotDataItem(pen=pg.mkPen((120, 200, 120), width=1.5))
        self.plot.addItem(self.tangent_item)
        self.predicted_item = pg.ScatterPlotItem(
            size=11, brush=pg.mkBrush(0, 0, 0, 0), pen=pg.mkPen((120, 220, 120), width=2)
        )
        self.plot.addItem(self.predicted_item)
        self.plot.scene().sigMouseClicked.connect(self._on_plot_clicked)

        # -- step table --
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setAccessibleName("Steps of gradient descent: position, cost and change")
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        share_names(self.table, cells=True)  # no name cut ("predicted ΔC" in presenter mode)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setToolTip(
            "Equation 9 predicts the change in cost from the gradient alone; it is only "
            "trustworthy while Δv is small. Red rows went uphill."
        )

        top = QHBoxLayout()
        top.addWidget(QLabel("Landscape:"))
        top.addWidget(self.landscape_box)
        top.addWidget(self.formula_label, 1)
        controls = QHBoxLayout()
        controls.addWidget(QLabel("η"))
        controls.addWidget(self.eta_slider, 1)
        controls.addWidget(self.eta_label)
        controls.addWidget(self.step_button)
        controls.addWidget(self.play_button)
        controls.addWidget(self.reset_button)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        # The landscape is square (its axes are locked 1:1): beside the steps, not above
        # them, it gets the page's full height instead of a strip of its width.
        side = QVBoxLayout()
        side.addLayout(controls)
        side.addWidget(self.legend)
        side.addWidget(self.message)
        side.addWidget(self.table, 1)
        body = QHBoxLayout()
        body.addWidget(self.plot, 1)
        body.addLayout(side, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(body, 1)

        self.landscape_box.currentIndexChanged.connect(self._on_landscape_chosen)
        self.eta_slider.valueChanged.connect(self._on_eta_slider)
        self.step_button.clicked.connect(self.step)
        self.play_button.toggled.connect(self._on_play_toggled)
        self.reset_button.clicked.connect(self.reset)

        self.set_eta(0.05)
        self.set_landscape(landscape)

    # -- public API ---------------------------------------------------------------------------
    @property
    def landscape(self) -> Landscape:
        return self.descent.landscape

    @property
    def eta(self) -> float:
        return eta_from_slider(self.eta_slider.value())

    def set_eta(self, eta: float) -> None:
        """Move the slider to the nearest position to ``eta`` (clamped to 0.001..2)."""
        self.eta_slider.setValue(slider_from_eta(eta))
        self._on_eta_slider(self.eta_slider.value())

    def set_landscape(self, key: str) -> None:
        """Switch to another landscape; the ball goes to its start."""
        idx = self.landscape_box.findData(key)
        if idx < 0:
            raise KeyError(f"no landscape {key!r}; choose one of {sorted(LANDSCAPES)}")
        if idx != self.landscape_box.currentIndex():
            self.landscape_box.setCurrentIndex(idx)  # calls back into _on_landscape_chosen
        else:
            self._on_landscape_chosen(idx)

    def place_ball(self, v) -> None:
        """Put the ball at ``v`` (length dim) and clear the path."""
        self.pause()
        self.descent.reset(np.asarray(v, dtype=np.float64))
        self.message.setText(self.landscape.note)
        self._rebuild_table()
        self._redraw_path()

    def reset(self) -> None:
        """Ball back to where the current path started."""
        self.place_ball(self.descent.path[0])

    def step(self) -> Step | None:
        """One gradient-descent step at the current eta."""
        s = self.descent.step(self.eta)
        if s is None:
            self.pause()
            return None
        self._append_row(len(self.descent.steps), s)
        self._redraw_path()
        if s.diverged:
            self.pause()
            self.message.setText(
                f"<b style='color:#c00'>The ball blew up:</b> after {len(self.descent.steps)} "
                f"steps |v| passed {DIVERGE_LIMIT:.0e}. η = {self.eta:.3g} is too large for this "
                "landscape: every step overshoots by more than it corrects. Lower η and press "
                "Reset."
            )
        elif self.descent.settled:
            self.pause()
            self.message.setText(
                "The ball has stopped: the gradient is (numerically) zero, so Δv = −η∇C is too."
            )
        self.stepped.emit()
        return s

    def play(self) -> None:
        self.play_button.setChecked(True)

    def pause(self) -> None:
        self.play_button.setChecked(False)

    def is_playing(self) -> bool:
        return self._timer.isActive()

    # -- events -------------------------------------------------------------------------------
    def _on_landscape_chosen(self, idx: int) -> None:
        self.pause()
        ls = LANDSCAPES[self.landscape_box.itemData(idx)]
        self.descent = Descent(ls)
        self.formula_label.setText(ls.formula)
        common = "Click the plot to put the ball down. Each step moves it by Δv = −η∇C; "
        if ls.dim == 2:
            self.legend.setText(common + "the dashed line shows where the next step would land.")
        else:
            self.legend.setText(
                common + "dashed: the next step; green: the tangent line, i.e. equation 9's "
                "straight-line guess, with its predicted landing point as a hollow circle."
            )
        self._draw_landscape()
        self.place_ball(ls.start)

    def _on_eta_slider(self, pos: int) -> None:
        self.eta_label.setText(f"η = {eta_from_slider(pos):.3g}")
        self._redraw_preview()

    def _on_play_toggled(self, on: bool) -> None:
        if on and self.descent.diverged:
            self.play_button.setChecked(False)
            return
        self.play_button.setText("Pause" if on else "Play")
        if on:
            self._played = 0
            self._timer.start()
        else:
            self._timer.stop()

    def _on_tick(self) -> None:
        self._played += 1
        self.step()
        if self._played >= MAX_PLAY_STEPS:
            self.pause()

    def _on_plot_clicked(self, event) -> None:
        if event.button() != Qt.LeftButton:
            return
        vb = self.plot.getPlotItem().getViewBox()
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        p = vb.mapSceneToView(event.scenePos())
        self.place_ball(self._clamp_to_extent(p.x(), p.y()))

    # -- drawing ------------------------------------------------------------------------------
    def _clamp_to_extent(self, x: float, y: float) -> np.ndarray:
        e = self.landscape.extent
        if self.landscape.dim == 1:
            return np.array([min(max(x, e[0]), e[1])])
        return np.array([min(max(x, e[0]), e[1]), min(max(y, e[2]), e[3])])

    def _draw_landscape(self) -> None:
        ls = self.landscape
        for c in self.contours:
            self.plot.removeItem(c)
            c.setParentItem(None)
        self.contours = []
        vb = self.plot.getPlotItem().getViewBox()
        pi = self.plot.getPlotItem()
        if ls.dim == 2:
            v1, v2, c = ls.grid(201)
            shown, low, top = shown_cost(c)
            self.image.setImage(shown, levels=(0.0, top))
            label_cost_bar(self.colour_bar, low, top)
            self.colour_bar.setVisible(True)
            e = ls.extent
            self.image.setRect(QRectF(e[0], e[2], e[1] - e[0], e[3] - e[2]))
            self.image.setVisible(True)
            for level in np.linspace(0, shown.max(), N_CONTOURS + 1)[1:-1]:
                iso = pg.IsocurveItem(
                    data=shown,
                    level=float(level),
                    pen=pg.mkPen(255, 255, 255, 110),
                    axisOrder="col-major",
                )
                iso.setParentItem(self.image)  # inherits the image's data -> plot transform
                self.contours.append(iso)
            self.curve.setData([], [])
            vb.setAspectLocked(True)
            vb.setRange(xRange=e[:2], yRange=e[2:], padding=0.02)
            pi.setLabel("bottom", "v1")
            pi.setLabel("left", "v2")
        else:
            v, c = ls.grid(401)
            self.image.setVisible(False)
            self.colour_bar.setVisible(False)
            self.curve.setData(v, c)
            vb.setAspectLocked(False)
            pad = 0.08 * (c.max() - c.min())
            vb.setRange(xRange=ls.extent, yRange=(c.min() - pad, c.max() + pad), padding=0.02)
            pi.setLabel("bottom", "v")
            pi.setLabel("left", "C(v)")
        vb.disableAutoRange()

    def _points(self, path: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Plot coordinates of positions: (v1, v2) in 2-D, (v, C(v)) in 1-D."""
        if self.landscape.dim == 2:
            return path[:, 0], path[:, 1]
        with np.errstate(over="ignore"):
            c = np.array([self.landscape.cost(p) for p in path])
        return path[:, 0], c

    def _redraw_path(self) -> None:
        x, y = self._points(self.descent.path)
        self.path_item.setData(x, y)
        self.ball.setData([x[-1]], [y[-1]])
        self._redraw_preview()

    def _redraw_preview(self) -> None:
        """Dashed line to where the next step would put the ball; 1-D adds equation 9's line."""
        if not hasattr(self, "preview_item"):
            return  # the slider moved during construction
        empty = ([], [])
        if self.descent.diverged:
            for item in (self.preview_item, self.tangent_item, self.predicted_item):
                item.setData(*empty)
            return
        ls = self.landscape
        s = gradient_step(ls, self.descent.position, self.eta)
        if s.diverged:
            self.preview_item.setData(*empty)
        elif ls.dim == 2:
            self.preview_item.setData([s.v[0], s.v_new[0]], [s.v[1], s.v_new[1]])
        else:
            self.preview_item.setData([s.v[0], s.v_new[0]], [s.cost, s.cost_new])
        if ls.dim == 1 and not s.diverged:
            # Tangent at the ball: C(v) + C'(v) (u - v); the prediction lies on it.
            u = np.array([min(s.v[0], s.v_new[0]), max(s.v[0], s.v_new[0])])
            pad = 0.15 * max(u[1] - u[0], 0.2)
            u = np.array([u[0] - pad, u[1] + pad])
            self.tangent_item.setData(u, s.cost + s.gradient[0] * (u - s.v[0]))
            self.predicted_item.setData([s.v_new[0]], [s.cost + s.predicted_change])
        else:
            self.tangent_item.setData(*empty)
            self.predicted_item.setData(*empty)

    def _rebuild_table(self) -> None:
        self.table.setRowCount(0)
        for i, s in enumerate(self.descent.steps, 1):
            self._append_row(i, s)

    def _append_row(self, number: int, s: Step) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        actual = "blew up" if s.diverged else fmt(s.actual_change)
        cells = (
            str(number),
            fmt_vec(s.v),
            fmt(s.cost),
            fmt_vec(s.delta_v),
            fmt(s.predicted_change),
            actual,
        )
        uphill = s.diverged or s.actual_change > 0
        for col, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            if uphill:
                item.setForeground(QBrush(QColor(200, 0, 0)))
            self.table.setItem(row, col, item)
        self.table.scrollToBottom()
