"""The circuit as a network of perceptrons (section 1.1): drawing, tables, sigmoid and layers.

Every NAND becomes a perceptron with weights -2, -2 and bias 3; the circuit's inputs become
input units. The view shows that network drawn where the gates sit, the truth table it
computes beside the circuit's own, the outputs when every perceptron is replaced by a
sigmoid neuron with all weights and biases multiplied by c, and the strictly layered form
drawn by the shared network canvas.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import (
    QCheckBox,
    QGraphicsEllipseItem,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSlider,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.circuits.model import (
    Circuit,
    CircuitError,
    all_input_rows,
    perceptron_problem,
)
from nnviz.core.circuits.perceptrons import (
    LayeredNetwork,
    PerceptronNet,
    merged,
    to_layered_network,
    to_perceptron_network,
)
from nnviz.ui.accessibility import set_name
from nnviz.ui.circuit.items import ON, OUTLINE, circuit_look
from nnviz.ui.fit_scroll import size_to_current_tab
from nnviz.ui.style import app_theme, set_cell_colour

MAX_TABLE_INPUTS = 10
C_MIN_EXP, C_MAX_EXP = -1.0, 2.0  # the slider spans c = 0.1 .. 100 on a log scale
UNIT_R = 18.0
CURRENT_ROW = QColor("#fef3c7")


LAYERED_TEXT_SCALE = 1.4  # the layered drawing's names, readable beside the Gates canvas


def slider_to_c(value: int) -> float:
    """Slider position 0..300 -> c = 10**(value/100 - 1)."""
    return float(10 ** (C_MIN_EXP + value / 100.0))


def c_to_slider(c: float) -> int:
    return int(round((math.log10(c) - C_MIN_EXP) * 100))


def unit_activations(net: PerceptronNet, bits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Step outputs and weighted inputs z of every unit for one input row.

    ``bits``: (n_inputs,). Returns ``(a, z)``, each of shape (n_units,); z is nan for input
    units.
    """
    into = net.incoming()
    a = np.zeros(len(net.units))
    z = np.full(len(net.units), np.nan)
    k = 0
    for u in net.units:
        if u.kind == "input":
            a[u.index] = bits[k]
            k += 1
            continue
        zu = u.bias + sum(c.weight * a[c.src] for c in into[u.index])
        z[u.index] = zu
        a[u.index] = 1.0 if zu > 0 else 0.0
    return a, z


def layered_activations(layered: LayeredNetwork, bits: np.ndarray) -> list[np.ndarray]:
    """Step activations of every layer for one input row (1-D arrays, layer 0 = inputs)."""
    a = np.asarray(bits, dtype=float).reshape(-1, 1)
    acts = [a.ravel()]
    for w, b in zip(layered.weights, layered.biases, strict=True):
        a = (w @ a + b > 0).astype(float)
        acts.append(a.ravel())
    return acts


class PerceptronDiagram(QGraphicsView):
    """A drawing of a :class:`PerceptronNet`: units as circles, weights on the arrows."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._scene = QGraphicsScene(self)
        self.setScene(self._scene)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setBackgroundBrush(QColor("#ffffff"))
        self.net: PerceptronNet | None = None
        self.positions: list[QPointF] = []
        self.unit_items: list[QGraphicsEllipseItem] = []
        self.weight_labels: list[str] = []
        self.text_scale = 1.0  # presenter mode draws the numbers larger
        self._circuit: Circuit | None = None

    def set_text_scale(self, scale: float) -> None:
        """Draw the weights, biases and names ``scale`` times their normal size."""
        self.text_scale = scale
        if self.net is not None and self._circuit is not None:
            self.set_network(self.net, self._circuit)

    def clear(self, message: str = "") -> None:
        """Draw only ``message`` (why nothing is drawn: a circuit too big for this view)."""
        self._scene.clear()
        self.net = None
        self.unit_items, self.weight_labels = [], []
        if message:
            text = self._scene.addText(message)
            text.setTextWidth(420)
            text.setDefaultTextColor(QColor("#374151"))

    def set_network(self, net: PerceptronNet, circuit: Circuit) -> None:
        """Draw ``net``; units of top-level gates sit where the gates sit in ``circuit``."""
        self._scene.clear()
        self.net, self._circuit = net, circuit
        self.positions = self._layout(net, circuit)
        self.unit_items = []
        self.weight_labels = []
        # Group parallel connections so each can bend away from the others.
        groups: dict[tuple[int, int], list] = {}
        for conn in net.connections:
            groups.setdefault((conn.src, conn.dst), []).append(conn)
        for (s, d), conns in groups.items():
            for k, conn in enumerate(conns):
                bend = (k - (len(conns) - 1) / 2) * 22.0
                self._draw_connection(self.positions[s], self.positions[d], bend, conn.weight)
        for u in net.units:
            self._draw_unit(u, self.positions[u.index])
        for name, src in zip(net.output_names, net.outputs, strict=True):
            self._draw_output(name, self.positions[src] if src is not None else None)
        self.setSceneRect(self._scene.itemsBoundingRect().adjusted(-20, -20, 20, 20))
        self.fit()

    def fit(self) -> None:
        self.fitInView(self.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
        if self.transform().m11() > 1.3:
            self.resetTransform()
            self.scale(1.3, 1.3)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if self.net is not None:
            self.fit()

    def _layout(self, net: PerceptronNet, circuit: Circuit) -> list[QPointF]:
        flat = all(len(u.origin) == 1 for u in net.units)
        if flat:
            pos = []
            for u in net.units:
                x, y = circuit.node(u.origin[0]).pos
                # Centre of the gate body / the switch: where the eye expects the unit.
                dx = 30 if u.kind == "input" else 40
                pos.append(QPointF(x + dx, y + 20))
            return pos
        # With blocks flattened, lay units out by depth instead, each column ordered by the
        # mean row of the units feeding it (fewer crossings than plain index order).
        into = net.incoming()
        depth: list[int] = []
        for u in net.units:
            depth.append(
                0
                if u.kind == "input"
                else 1 + max((depth[c.src] for c in into[u.index]), default=0)
            )
        row_of: dict[int, float] = {}
        columns: dict[int, list[int]] = {}
        for u in net.units:
            columns.setdefault(depth[u.index], []).append(u.index)
        for d in sorted(columns):
            units = columns[d]
            if d > 0:

                def centre(i: int) -> float:
                    srcs = [row_of[c.src] for c in into[i]]
                    return sum(srcs) / len(srcs) if srcs else 0.0

                units.sort(key=lambda i: (centre(i), i))
            for r, i in enumerate(units):
                row_of[i] = float(r)
        return [QPointF(depth[i] * 130.0, row_of[i] * 70.0) for i in range(len(net.units))]

    def _draw_connection(self, a: QPointF, b: QPointF, bend: float, weight: float) -> None:
        d = b - a
        length = math.hypot(d.x(), d.y()) or 1.0
        n = QPointF(-d.y() / length, d.x() / length)
        ctrl = (a + b) / 2 + n * (2 * bend)  # the curve passes about ``bend`` off the line
        path = QPainterPath(a)
        if bend:
            path.quadTo(ctrl, b)
        else:
            path.lineTo(b)
        item = QGraphicsPathItem(path)
        pen = QPen(QColor("#64748b"), 1.6 if abs(weight) < 3 else 2.6)
        item.setPen(pen)
        item.setZValue(0)
        self._scene.addItem(item)
        # Arrow head where the line meets the unit's circle.
        end_dir = b - (ctrl if bend else a)
        el = math.hypot(end_dir.x(), end_dir.y()) or 1.0
        u = QPointF(end_dir.x() / el, end_dir.y() / el)
        tip = b - u * UNIT_R
        left = tip - u * 9 + QPointF(-u.y(), u.x()) * 4.5
        right = tip - u * 9 - QPointF(-u.y(), u.x()) * 4.5
        head = QPainterPath()
        head.addPolygon(QPolygonF([tip, left, right, tip]))
        hi = QGraphicsPathItem(head)
        hi.setBrush(QBrush(QColor("#64748b")))
        hi.setPen(QPen(Qt.PenStyle.NoPen))
        self._scene.addItem(hi)
        text = f"{weight:g}"
        self.weight_labels.append(text)
        label = QGraphicsSimpleTextItem(text)
        f = QFont()
        f.setPointSizeF(8.5 * self.text_scale)
        f.setBold(True)
        label.setFont(f)
        label.setBrush(QBrush(QColor("#b91c1c") if weight < 0 else QColor("#1d4ed8")))
        # Near the arrow head, like the book's drawings, and clear of units passed midway.
        at = path.pointAtPercent(0.72) + n * 8
        br = label.boundingRect()
        label.setPos(at - QPointF(br.width() / 2, br.height() / 2))
        label.setZValue(3)
        backdrop = self._scene.addRect(
            QRectF(label.pos(), br.size()).adjusted(-1, 0, 1, 0),
            QPen(Qt.PenStyle.NoPen),
            QBrush(QColor(255, 255, 255, 220)),
        )
        backdrop.setZValue(2)
        self._scene.addItem(label)

    def _draw_unit(self, u, p: QPointF) -> None:
        r = UNIT_R if u.kind != "input" else UNIT_R * 0.8
        item = QGraphicsEllipseItem(QRectF(p.x() - r, p.y() - r, 2 * r, 2 * r))
        item.setPen(QPen(OUTLINE, 1.6))
        item.setBrush(QBrush(QColor("#ffffff")))
        item.setZValue(4)
        item.setToolTip(u.label)
        self._scene.addItem(item)
        self.unit_items.append(item)
        text = u.label if u.kind == "input" else f"{u.bias:g}"
        label = QGraphicsSimpleTextItem(text)
        f = QFont()
        f.setPointSizeF(8 * self.text_scale)
        label.setFont(f)
        br = label.boundingRect()
        if u.kind == "input":
            label.setPos(p.x() - r - br.width() - 6, p.y() - br.height() / 2)
        else:
            # The bias sits inside the perceptron, as in the book's drawings.
            label.setPos(p.x() - br.width() / 2, p.y() - br.height() / 2)
        label.setZValue(5)
        self._scene.addItem(label)

    def _draw_output(self, name: str, p: QPointF | None) -> None:
        if p is None:
            return
        a = p + QPointF(UNIT_R, 0)
        b = p + QPointF(UNIT_R + 36, 0)
        line = self._scene.addLine(a.x(), a.y(), b.x(), b.y(), QPen(OUTLINE, 1.6))
        line.setZValue(1)
        label = QGraphicsSimpleTextItem(name)
        f = QFont()
        f.setPointSizeF(9 * self.text_scale)
        f.setBold(True)
        label.setFont(f)
        label.setBrush(QBrush(circuit_look(app_theme().look.dark).label))
        br = label.boundingRect()
        label.setPos(b.x() + 4, b.y() - br.height() / 2)
        self._scene.addItem(label)

    def set_activations(self, a: np.ndarray) -> None:
        """Fill each unit green (1) or grey (0)."""
        for item, v in zip(self.unit_items, a, strict=False):
            item.setBrush(QBrush(ON if v > 0.5 else QColor("#e5e7eb")))
            item.setPen(QPen(ON.darker(130) if v > 0.5 else circuit_look(False).off, 1.6))


class PerceptronView(QWidget):
    """The circuit as perceptrons, with the merge toggle, the tables and the sigmoid slider."""

    def __init__(self, circuit: Circuit, parent=None) -> None:
        super().__init__(parent)
        self.circuit = circuit
        self.net: PerceptronNet | None = None
        self.layered: LayeredNetwork | None = None
        self.input_bits: tuple[int, ...] = ()
        self.circuit_table = None
        self.perceptron_table = None
        self._compact = False
        self._dirty = True
        self.current_row: int | None = None

        self.merge_box = QCheckBox("Merge parallel connections")
        self.merge_box.setToolTip("Two -2 connections from the same unit become one -4")
        self.merge_box.toggled.connect(self._on_merge_toggled)
        self.c_slider = QSlider(Qt.Orientation.Horizontal)
        self.c_slider.setRange(0, 300)
        self.c_slider.setValue(c_to_slider(1.0))
        self.c_slider.setToolTip("Sigmoid neurons with every weight and bias multiplied by c")
        self.c_slider.setAccessibleName("Sigmoid scale c")
        self.c_label = QLabel()
        self.c_slider.valueChanged.connect(self._on_c_changed)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.legend = QLabel(
            "Inside each perceptron: its bias. On each arrow: its weight. Green units output 1 "
            "for the switches' current inputs (flip them on the Gates page)."
        )
        self.legend.setWordWrap(True)
        self.legend.setStyleSheet("color:#6b7280;")

        top = QHBoxLayout()
        top.addWidget(self.merge_box)
        top.addSpacing(20)
        top.addWidget(QLabel("Sigmoid scale c:"))
        top.addWidget(self.c_slider, 1)
        top.addWidget(self.c_label)

        self.diagram = PerceptronDiagram()
        from nnviz.ui.canvas.view import NetworkCanvas

        self.canvas = NetworkCanvas()
        set_name(self.diagram, "The circuit as a network of perceptrons: biases and weights")
        set_name(self.canvas, "The circuit's perceptrons as a layered network")
        self.layered_note = QLabel()
        self.layered_note.setWordWrap(True)
        layered_page = QWidget()
        lp = QVBoxLayout(layered_page)
        lp.setContentsMargins(0, 0, 0, 0)
        lp.addWidget(self.layered_note)
        lp.addWidget(self.canvas, 1)
        self.drawings = QTabWidget()
        self.drawings.addTab(self.diagram, "Perceptron network")
        self.drawings.addTab(layered_page, "Layered network")
        size_to_current_tab(self.drawings)

        self.table = QTableWidget()
        self.table.setAccessibleName("Truth table of the perceptron network beside the circuit's")
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self._fit_rows()

        split = self.split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.drawings)
        split.addWidget(self.table)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.legend)
        layout.addWidget(split, 1)
        self._on_c_changed(self.c_slider.value())

    def set_compact(self, on: bool) -> None:
        """Presenter mode: the drawing's legend gives its room to the drawing (its words are
        in the tooltip), and the table stands beside the drawing rather than under it, which
        leaves the drawing the page's height (on a 1280x720 projector, three times as much)."""
        self.legend.setVisible(not on)
        self.split.setOrientation(Qt.Orientation.Horizontal if on else Qt.Orientation.Vertical)
        self.diagram.set_text_scale(1.8 if on else 1.0)
        self._compact = on
        self._fit_rows()
        self.diagram.setToolTip(self.legend.text() if on else "")

    def _fit_rows(self) -> None:
        """Rows as tall as the type needs; a table of up to 8 rows shows them all."""
        row_h = max(22, self.table.fontMetrics().height() + 6)
        self.table.verticalHeader().setDefaultSectionSize(row_h)
        rows = self.table.rowCount()
        if 0 < rows <= 8:
            header = self.table.horizontalHeader().sizeHint().height()
            bar = self.table.horizontalScrollBar().sizeHint().height()
            self.table.setMinimumHeight(header + rows * row_h + 2 * self.table.frameWidth() + bar)
        else:
            self.table.setMinimumHeight(0)
        # Beside the drawing (presenter mode), the table is as wide as its columns.
        t = self.table
        wide = t.horizontalHeader().length() + 2 * t.frameWidth() + 2
        t.setMinimumWidth(wide if self._compact and t.columnCount() else 0)

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_rows()

    # -- updates --------------------------------------------------------------------------
    @property
    def c(self) -> float:
        return slider_to_c(self.c_slider.value())

    def set_c(self, c: float) -> None:
        """Move the sigmoid slider to ``c`` (clamped to 0.1..100)."""
        self.c_slider.setValue(max(0, min(300, c_to_slider(c))))

    def mark_dirty(self) -> None:
        """The circuit changed: rebuild now if shown, else when next shown."""
        self._dirty = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    def refresh(self) -> None:
        """Rebuild the network, the drawings and the tables from the circuit."""
        self._dirty = False
        too_big = perceptron_problem(self.circuit)
        if too_big:  # a note, not minutes of drawing
            self.net = self.layered = None
            self.circuit_table = self.perceptron_table = None
            self.diagram.clear(too_big)
            self.canvas.setVisible(False)
            self.merge_box.setEnabled(False)
            self.c_slider.setEnabled(False)
            self.layered_note.setText(too_big)
            self.summary.setText(too_big)
            self._fill_table()
            return
        self.canvas.setVisible(True)
        self.merge_box.setEnabled(True)
        self.c_slider.setEnabled(True)
        base = to_perceptron_network(self.circuit)
        self.net = merged(base) if self.merge_box.isChecked() else base
        self.diagram.set_network(self.net, self.circuit)
        n_in = len(self.net.input_names)
        if n_in <= MAX_TABLE_INPUTS:
            self.circuit_table = self.circuit.truth_table()
            self.perceptron_table = self.net.truth_table()
        else:
            self.circuit_table = self.perceptron_table = None
        try:
            self.layered = to_layered_network(self.circuit)
        except CircuitError as exc:
            self.layered = None
            self.layered_note.setText(str(exc))
        if self.layered is not None:
            sizes = self.layered.sizes
            names = ["inputs"] + [f"layer {k}" for k in range(1, len(sizes) - 1)] + ["outputs"]
            self.canvas.set_network(
                sizes,
                self.layered.weights,
                self.layered.biases,
                layer_names=names,
                # Full names, as the Gates canvas and the table give them: a gate inside a
                # block is half_adder[1]/NAND 1, never just "NAND 1" twice.
                unit_names=[list(layer) for layer in self.layered.labels[:-1]]
                + [list(self.layered.output_names)],
            )
            self.canvas.set_presentation(LAYERED_TEXT_SCALE)
            relays = sum(k == "relay" for layer in self.layered.kinds for k in layer)
            self.layered_note.setText(
                f"Layer sizes {sizes}. Each layer only feeds the next, as in the book's "
                f"networks; {relays} relay unit{'s' if relays != 1 else ''} (weight 2, bias -1) "
                "carry values across layers a wire skips."
            )
        self._fill_table()
        self._update_summary()
        self.set_inputs(self.input_bits)

    def _on_merge_toggled(self, _checked: bool) -> None:
        self.refresh()

    def _on_c_changed(self, _value: int) -> None:
        self.c_label.setText(f"c = {self.c:.3g}")
        if self.net is not None:
            self._fill_table()
            self._update_summary()
            self.set_inputs(self.input_bits)

    def set_inputs(self, bits) -> None:
        """Show the activations for the switches' current input row."""
        self.input_bits = tuple(int(b) for b in bits)
        if self.net is None:
            return
        n_in = len(self.net.input_names)
        row = np.array((list(self.input_bits) + [0] * n_in)[:n_in], dtype=float)
        a, _ = unit_activations(self.net, row)
        self.diagram.set_activations(a)
        if self.layered is not None:
            self.canvas.set_activations(layered_activations(self.layered, row))
        if self.circuit_table is not None and n_in:
            current = int("".join(str(int(b)) for b in row), 2)
            n_plain = n_in + 2 * len(self.net.output_names)  # sigmoid cells keep their shade
            for r in range(self.table.rowCount()):
                for col in range(n_plain):
                    item = self.table.item(r, col)
                    if item is not None:
                        set_cell_colour(item, CURRENT_ROW if r == current else None)
            self.current_row = current
            if 0 <= current < self.table.rowCount():
                self.table.scrollToItem(self.table.item(current, 0))

    def _fill_table(self) -> None:
        t = self.table
        if self.circuit_table is None or self.net is None:
            t.clear()
            t.setRowCount(0)
            t.setColumnCount(0)
            return
        ins = list(self.circuit_table.input_names)
        outs = list(self.circuit_table.output_names)
        # Two-line headers: the nine columns of a half adder fit a projector's width.
        headers = ins + [f"circuit\n{o}" for o in outs] + [f"perceptrons\n{o}" for o in outs]
        headers += [f"σ {o}\n(c={self.c:.3g})" for o in outs] + ["σ rounds\nright"]
        t.setColumnCount(len(headers))
        t.setHorizontalHeaderLabels(headers)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        rows = self.circuit_table.rows
        t.setRowCount(len(rows))
        bits = all_input_rows(len(ins))
        sig = self.net.sigmoid_batch(bits, self.c) if outs else np.zeros((len(rows), 0))
        for r, ((i_bits, c_out), (_, p_out)) in enumerate(
            zip(rows, self.perceptron_table.rows, strict=True)
        ):
            col = 0
            for v in i_bits:
                t.setItem(r, col, _cell(str(v)))
                col += 1
            for v in c_out:
                t.setItem(r, col, _cell(str(v), bold=True))
                col += 1
            for v in p_out:
                t.setItem(r, col, _cell(str(v), bold=True))
                col += 1
            for k, v in enumerate(sig[r]):
                cell = _cell(f"{v:.3f}")
                # Shade from white towards the value's colour: near 0/1 reads as decided.
                target = c_out[k]
                closeness = 1.0 - abs(v - target)
                set_cell_colour(cell, _blend(QColor("#fee2e2"), QColor("#dcfce7"), closeness))
                t.setItem(r, col, cell)
                col += 1
            # A tick only where the perceptrons compute the circuit's bits and every sigmoid
            # output rounds to them (at small c a sigmoid network can round wrong).
            rounded = tuple(int(v >= 0.5) for v in sig[r])
            agree = tuple(c_out) == tuple(p_out) == rounded
            t.setItem(
                r,
                col,
                _cell(
                    "✔" if agree else "✘", color=QColor("#15803d") if agree else QColor("#b91c1c")
                ),
            )
        t.resizeColumnsToContents()
        self._fit_rows()

    def tables_agree(self) -> bool:
        """True when the perceptrons compute the circuit's table on every row."""
        return self.circuit_table is not None and list(self.circuit_table.rows) == list(
            self.perceptron_table.rows
        )

    def max_sigmoid_error(self) -> float:
        """Largest distance of a sigmoid output from the perceptron output at the current c."""
        if self.circuit_table is None or self.net is None or not self.net.output_names:
            return float("nan")
        bits = all_input_rows(len(self.net.input_names))
        sig = self.net.sigmoid_batch(bits, self.c)
        want = np.array([o for _, o in self.perceptron_table.rows], dtype=float)
        return float(np.max(np.abs(sig - want))) if want.size else 0.0

    def _update_summary(self) -> None:
        if self.net is None:
            return
        n_conn = len(self.net.connections)
        n_merged = len(merged(self.net).connections)
        parts = [
            f"<b>{self.net.perceptron_count}</b> perceptrons (weights -2, -2, bias 3) and "
            f"<b>{len(self.net.input_names)}</b> input units; {n_conn} connections"
            + (f" ({n_merged} after merging)" if n_merged != n_conn else "")
        ]
        if self.circuit_table is None:
            parts.append("too many inputs to list the table")
        elif self.tables_agree():
            parts.append(
                f"perceptron table = circuit table on all {len(self.circuit_table.rows)} rows ✔"
            )
        else:
            parts.append("<span style='color:#b91c1c'>tables differ</span>")
        err = self.max_sigmoid_error()
        if err == err:  # not nan
            parts.append(f"sigmoid at c = {self.c:.3g}: outputs within {err:.3f} of 0/1")
        self.summary.setText("; ".join(parts) + ".")


def _cell(text: str, bold: bool = False, color: QColor | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
    if bold:
        f = item.font()
        f.setBold(True)
        item.setFont(f)
    if color is not None:
        item.setForeground(QBrush(color))
    return item


def _blend(a: QColor, b: QColor, t: float) -> QColor:
    t = max(0.0, min(1.0, t))
    return QColor(
        int(a.red() + (b.red() - a.red()) * t),
        int(a.green() + (b.green() - a.green()) * t),
        int(a.blue() + (b.blue() - a.blue()) * t),
    )
