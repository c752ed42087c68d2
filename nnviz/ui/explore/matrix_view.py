"""One layer of the forward pass as a picture of the matrix equation z = w a + b, a = sigma(z).

For a chosen test input and layer, five heatmaps are laid out as
``[w] [a^(l-1)] + [b] = [z] -> sigma -> [a^l]`` with their shapes underneath. Hovering an
entry names it and its value; hovering a weight emits :attr:`MatrixView.weight_hovered` so the
network canvas can light up that connection. Below, the Hadamard product on the book's small
example and delta^L = sigma'(z^L) ⊙ (a^L - y) for the chosen input tie the picture to BP1.

Labels number layers and neurons as the book does, from 1 (the input is layer 1; row j of w
is neuron j + 1), as the network canvas does; the view says so under the matrices. Signals
carry 0-based indices into ``network.weights``.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QGraphicsRectItem,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.datasets.dataset import Dataset
from nnviz.core.learning.network import Network
from nnviz.core.matrix_form import book_layer, hadamard, layer_equation, output_error, weight_text
from nnviz.core.notation import sub, symbol
from nnviz.ui.accessibility import describe, set_name
from nnviz.ui.canvas.weights import diverging_colormap
from nnviz.ui.style import set_cell_colour

# name -> (diverging?, stretch of its column in the equation row)
PANELS = {"w": (True, 8), "a_prev": (False, 1), "b": (True, 1), "z": (True, 1), "a": (False, 1)}
# Same colours as the network canvas and the weight heatmap: blue positive, vermilion negative.
DIVERGING = diverging_colormap()
SEQUENTIAL = "viridis"  # activations 0 (dark) .. 1 (yellow)


def _symmetric_levels(a: np.ndarray) -> tuple[float, float]:
    m = float(np.max(np.abs(a))) if a.size else 1.0
    m = m if m > 0 and np.isfinite(m) else 1.0
    return -m, m


class MatrixView(QWidget):
    """The matrix form of one layer for one test input of the current network."""

    weight_hovered = Signal(int, int, int)  # (layer_index into network.weights, j, k)
    hover_cleared = Signal()  # the pointer left the weight matrix

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.network: Network | None = None
        self.dataset: Dataset | None = None
        self.equation: dict[str, np.ndarray] = {}
        self._x_test: np.ndarray | None = None
        self._hovering_weight: tuple[int, int, int] | None = None

        # -- hint page --
        self.hint = QLabel()
        self.hint.setAlignment(Qt.AlignCenter)
        self.hint.setWordWrap(True)

        # -- controls --
        self.prev_button = QPushButton("◀")
        self.next_button = QPushButton("▶")
        for b in (self.prev_button, self.next_button):
            b.setFixedWidth(34)
        self.index_spin = QSpinBox()
        self.index_spin.setToolTip("which test image is fed in")
        self.index_spin.setAccessibleName("Test input number")
        self.input_label = QLabel()
        self.layer_box = QComboBox()
        self.layer_box.setToolTip("which layer's equation to show (book numbering: input = 1)")
        controls = QHBoxLayout()
        controls.addWidget(QLabel("Test input"))
        controls.addWidget(self.prev_button)
        controls.addWidget(self.index_spin)
        controls.addWidget(self.next_button)
        controls.addWidget(self.input_label, 1)
        controls.addWidget(QLabel("Layer"))
        controls.addWidget(self.layer_box)

        # -- equation row --
        self._scale = 1.0  # presenter mode's type scale (set_presentation)
        self._compact = False  # presenter mode's arrangement (set_compact)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
        self.graphics.setMinimumHeight(320)
        set_name(self.graphics, "Matrix form: the layer's equation as coloured matrices")
        self.views: dict[str, pg.ViewBox] = {}
        self.images: dict[str, pg.ImageItem] = {}
        self.captions: dict[str, pg.LabelItem] = {}
        self.titles: dict[str, pg.LabelItem] = {}
        self.marks: dict[str, QGraphicsRectItem] = {}
        self._build_equation_row()
        self.graphics.scene().sigMouseMoved.connect(self._on_mouse_moved)

        self.status = QLabel(" ")
        self.status.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.status.setStyleSheet("font-family: monospace;")
        legend = QLabel(
            "Weights, biases and z: <span style='color:#0072b2'>blue positive</span>, white 0, "
            "<span style='color:#d55e00'>vermilion negative</span> (each scaled to its own largest "
            "size). Activations: dark 0 → yellow 1. Hover an entry to read it. Layers and "
            "neurons are numbered from 1, as in the book: the input is layer 1, and row j of "
            f"{symbol('w', 'l')} holds the weights into neuron j."
        )
        legend.setWordWrap(True)
        self.legend = legend

        # -- Hadamard and delta^L --
        s, t = np.array([1, 2]), np.array([3, 4])
        st = hadamard(s, t)
        self.hadamard_label = QLabel(
            "<b>Hadamard product</b> s ⊙ t multiplies entry by entry: "
            f"[{s[0]}, {s[1]}] ⊙ [{t[0]}, {t[1]}] = [{s[0]}·{t[0]}, {s[1]}·{t[1]}] = "
            f"[{st[0]}, {st[1]}]. Backpropagation starts with one: the output error "
            f"<b>{symbol('δ', 'L')} = σ′({symbol('z', 'L')}) ⊙ ({symbol('a', 'L')} − y)</b> (BP1), "
            "shown for this input:"
        )
        self.hadamard_label.setWordWrap(True)
        self.delta_table = QTableWidget(0, 6)
        self.delta_table.setAccessibleName("Output error of each output neuron, step by step")
        zLj, aLj, dLj = (symbol(c, "L", "j") for c in "zaδ")  # noqa: N806 - the book's names
        yj = "y" + sub("j")
        self.delta_table.setHorizontalHeaderLabels(
            [zLj, f"σ′({zLj})", aLj, yj, f"{aLj} − {yj}", f"{dLj} = σ′ · (a − y)"]
        )
        self.delta_table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.delta_table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.delta_table.verticalHeader().setDefaultSectionSize(20)

        content = QWidget()
        cl = QVBoxLayout(content)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addLayout(controls)
        cl.addWidget(self.graphics, 3)
        cl.addWidget(self.status)
        cl.addWidget(legend)
        cl.addWidget(self.hadamard_label)
        cl.addWidget(self.delta_table, 2)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.hint)
        self.stack.addWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.stack)

        self.prev_button.clicked.connect(lambda: self.index_spin.stepBy(-1))
        self.next_button.clicked.connect(lambda: self.index_spin.stepBy(1))
        self.index_spin.valueChanged.connect(self._on_choice_changed)
        self.layer_box.currentIndexChanged.connect(self._on_choice_changed)
        self._show_hint("Train or load a network to see its layers as matrices.")

    # -- public API ---------------------------------------------------------------------------
    def _gap(self) -> str:
        """Between a caption's name and its shape: a space, or in presenter mode a line
        break (in one line the captions of large type ran past the last matrix)."""
        return "<br>" if self._compact else " "

    def _pt(self, points: float) -> str:
        """A label size in the presenter's scale (points at scale 1)."""
        return f"{points * self._scale:.1f}pt"

    def set_presentation(self, scale: float, dark: bool = False) -> None:
        """Presenter mode: the matrices' names, shapes and operators grow with the type (a
        caption of 9 points stayed 12 px high on a projector)."""
        self._scale = scale
        for label, points, colour in self._static_labels:
            label.setText(label.text, size=self._pt(points), color=colour)
        for label in (*self.titles.values(), *self.captions.values(), self.input_caption):
            if label.text:
                label.setText(label.text, size=self._pt(13 if label in self.titles.values() else 9))

    def set_compact(self, on: bool) -> None:
        """Presenter mode: the slide is the forward pass, a' = σ(wa + b), drawn as large as
        the page allows. The colour legend becomes the drawing's tooltip, and the Hadamard
        product with the BP1 table (the start of chapter 2, ten rows) waits for normal mode:
        on a 1280x720 projector they would cover the matrices' labels."""
        self.legend.setVisible(not on)
        self.graphics.setToolTip(self.legend.text() if on else "")
        self.hadamard_label.setVisible(not on)
        self.delta_table.setVisible(not on)
        self._compact = bool(on)
        if self.network is not None:
            self._refresh()

    def set_network(self, network: Network | None, dataset: Dataset | None) -> None:
        """Show ``network`` on ``dataset``'s test inputs; None for either shows a hint."""
        if network is None or dataset is None:
            self.network, self.dataset, self._x_test = None, None, None
            self._show_hint("Train or load a network to see its layers as matrices.")
            return
        if network.sizes[0] != dataset.n_inputs or network.sizes[-1] != dataset.n_outputs:
            self.network, self.dataset, self._x_test = None, None, None
            self._show_hint(
                f"This network has sizes {network.sizes}, which does not fit the data set "
                f"'{dataset.name}' ({dataset.n_inputs} inputs, {dataset.n_outputs} outputs)."
            )
            return
        self.network = network
        if dataset is not self.dataset:
            self.dataset = dataset
            self._x_test = dataset.inputs(dataset.test, np.float64)
        keep_layer = self.layer_box.currentIndex()
        self.layer_box.blockSignals(True)
        self.layer_box.clear()
        for l in range(len(network.weights)):
            lb = book_layer(l)
            rows, cols = network.weights[l].shape
            self.layer_box.addItem(f"{lb}: {symbol('w', lb)} is {rows} × {cols}", l)
        # Default to the first hidden layer: the one whose weights look like image features.
        self.layer_box.setCurrentIndex(keep_layer if 0 <= keep_layer < len(network.weights) else 0)
        self.layer_box.blockSignals(False)
        self.index_spin.blockSignals(True)
        self.index_spin.setRange(0, len(dataset.test) - 1)
        self.index_spin.blockSignals(False)
        self.stack.setCurrentIndex(1)
        self._refresh()

    @property
    def input_index(self) -> int:
        return self.index_spin.value()

    @property
    def layer_index(self) -> int:
        """0-based index into ``network.weights`` of the layer shown."""
        return max(0, self.layer_box.currentIndex())

    def set_input_index(self, i: int) -> None:
        self.index_spin.setValue(i)

    def set_layer(self, l: int) -> None:
        """Show ``network.weights[l]`` (0-based; the book's layer l + 2)."""
        self.layer_box.setCurrentIndex(l)

    def hover_entry(self, name: str, row: int, col: int) -> str:
        """Describe entry (row, col) of panel ``name``, mark it, and emit signals for weights.

        Returns the text shown in the status line ('' when outside the array).
        """
        eq = self.equation
        if name not in eq or self.network is None:
            return ""
        arr = eq[name]
        if not (0 <= row < arr.shape[0] and 0 <= col < arr.shape[1]):
            return ""
        l = self.layer_index
        lb = book_layer(l)
        v = float(arr[row, col])
        if name == "w":
            text = weight_text(l, row, col, v)
            self._mark({"w": (row, col, 1, 1), "a_prev": (col, 0, 1, 1), "z": (row, 0, 1, 1)})
            if self._hovering_weight != (l, row, col):  # once per entry, not per pixel moved
                self._hovering_weight = (l, row, col)
                self.weight_hovered.emit(l, row, col)
        else:
            self._leave_weight()
            j = row + 1  # the book's neuron number
            if name == "a_prev":
                what = "input pixel" if l == 0 else f"activation of neuron {j}"
                text = f"{symbol('a', lb - 1, j)} = {v:.4f}: {what} of layer {lb - 1}"
                self._mark({"a_prev": (row, 0, 1, 1), "w": (0, row, eq["w"].shape[0], 1)})
            elif name == "b":
                text = f"{symbol('b', lb, j)} = {v:+.4f}: bias of neuron {j} of layer {lb}"
                self._mark({"b": (row, 0, 1, 1), "z": (row, 0, 1, 1)})
            elif name == "z":
                dot = float(eq["w"][row] @ eq["a_prev"][:, 0])
                text = (
                    f"{symbol('z', lb, j)} = Σ{sub('k')} {symbol('w', lb, j, 'k')} "
                    f"{symbol('a', lb - 1, 'k')} + {symbol('b', lb, j)} = {dot:+.4f} "
                    f"{float(eq['b'][row, 0]):+.4f} = {v:+.4f}"
                )
                self._mark_neuron(row)
            else:
                z = float(eq["z"][row, 0])
                text = f"{symbol('a', lb, j)} = σ({symbol('z', lb, j)}) = σ({z:+.4f}) = {v:.4f}"
                self._mark_neuron(row)
        self.status.setText(text)
        return text

    # -- building -----------------------------------------------------------------------------
    def _build_equation_row(self) -> None:
        g = self.graphics
        gl = g.ci.layout
        titles = {
            "w": "w",
            "a_prev": "a",
            "b": "b",
            "z": "z",
            "a": "a",
        }
        # The input picture first: context for which image a^1 came from (not part of the sum).
        self._static_labels = [
            (g.addLabel("input image", row=0, col=0, size="10pt", color="#555"), 10, "#555")
        ]
        self.input_view = g.addViewBox(row=1, col=0, lockAspect=True, enableMouse=False)
        self.input_view.invertY(True)
        self.input_view.setMenuEnabled(False)
        self.input_image = pg.ImageItem(axisOrder="row-major")
        self.input_image.setColorMap(pg.ColorMap([0.0, 1.0], [(255, 255, 255), (0, 0, 0)]))
        self.input_view.addItem(self.input_image)
        self.input_caption = g.addLabel("", row=2, col=0, size="9pt")
        gl.setColumnStretchFactor(0, 2)
        self._static_labels.append(
            (g.addLabel("⋯", row=1, col=1, size="14pt", color="#999"), 14, "#999")
        )
        col = 2
        between = {"a_prev": "+", "b": "=", "z": "→ σ →"}
        for name, (_diverging, stretch) in PANELS.items():
            self.titles[name] = g.addLabel(titles[name], row=0, col=col, size="12pt")
            vb = g.addViewBox(row=1, col=col, lockAspect=False, enableMouse=False)
            vb.invertY(True)
            vb.setMenuEnabled(False)
            img = pg.ImageItem(axisOrder="row-major")
            vb.addItem(img)
            mark = QGraphicsRectItem()
            pen = QPen(QColor(255, 140, 0))
            pen.setWidth(2)
            pen.setCosmetic(True)
            mark.setPen(pen)
            mark.setZValue(10)
            mark.setVisible(False)
            vb.addItem(mark)
            self.views[name], self.images[name], self.marks[name] = vb, img, mark
            self.captions[name] = g.addLabel("", row=2, col=col, size="9pt")
            gl.setColumnStretchFactor(col, stretch)
            col += 1
            if name in between:
                self._static_labels.append(
                    (g.addLabel(between[name], row=1, col=col, size="14pt"), 14, "#000")
                )
                gl.setColumnStretchFactor(col, 0)
                col += 1

    # -- refresh ------------------------------------------------------------------------------
    def _show_hint(self, text: str) -> None:
        self.equation = {}
        self.hint.setText(text)
        self.stack.setCurrentIndex(0)

    def _on_choice_changed(self, *_args) -> None:
        if self.network is not None:
            self._refresh()

    def _refresh(self) -> None:
        net, ds = self.network, self.dataset
        i, l = self.input_index, self.layer_index
        x = self._x_test[:, i]
        eq = layer_equation(net, x, l)
        self.equation = eq
        lb = book_layer(l)
        sup = {
            "w": symbol("w", lb),
            "a_prev": symbol("a", lb - 1),
            "b": symbol("b", lb),
            "z": symbol("z", lb),
            "a": symbol("a", lb),
        }
        plain = {
            "w": symbol("w", lb),
            "a_prev": symbol("a", lb - 1),
            "b": symbol("b", lb),
            "z": symbol("z", lb),
            "a": symbol("a", lb),
        }
        for name, (diverging, _stretch) in PANELS.items():
            arr = eq[name]
            img = self.images[name]
            if diverging:
                img.setColorMap(DIVERGING)
                levels = _symmetric_levels(arr)
            else:
                img.setColorMap(pg.colormap.get(SEQUENTIAL))
                levels = (0.0, 1.0)
            img.setImage(arr, levels=levels)
            self.views[name].setRange(
                QRectF(0, 0, arr.shape[1], arr.shape[0]), padding=0.0, disableAutoRange=True
            )
            self.titles[name].setText(sup[name], size=self._pt(13), color="k")
            self.captions[name].setText(
                f"{plain[name]}{self._gap()}({arr.shape[0]} × {arr.shape[1]})",
                size=self._pt(9),
                color="#333",
            )
            self.marks[name].setVisible(False)
        shape = ds.image_shape
        self.input_view.setVisible(shape is not None)
        if shape is not None:
            # Ink is 1.0: a white-to-black map shows the digit as it was written.
            self.input_image.setImage(x.reshape(shape), levels=(0.0, 1.0))
            self.input_view.setRange(QRectF(0, 0, shape[1], shape[0]), padding=0.02)
            self.input_caption.setText(
                f"x as {shape[0]} × {shape[1]}{self._gap()}pixels", size=self._pt(9), color="#333"
            )
        truth = int(ds.test.labels[i]) if ds.test.labels is not None else None
        guess = int(np.argmax(net.feedforward(x[:, None])[:, 0]))
        label = f"label {truth}, " if truth is not None else ""
        self.input_label.setText(f"#{i} of {len(ds.test)}: {label}network says {guess}")
        self._fill_delta(x, ds.test.y[i].astype(np.float64))
        self.status.setText(" ")
        z, a = eq["z"][:, 0], eq["a"][:, 0]
        top = int(np.argmax(a))
        describe(
            self.graphics,
            f"Layer {lb}: {plain['w']} is {eq['w'].shape[0]} × {eq['w'].shape[1]}, times "
            f"{plain['a_prev']} plus {plain['b']} gives {plain['z']} "
            f"(from {z.min():.2f} to {z.max():.2f}); σ gives {plain['a']}, largest "
            f"{a[top]:.2f} at neuron {top + 1}. Test input #{i}: {label}network says {guess}.",
        )

    def _fill_delta(self, x: np.ndarray, y: np.ndarray) -> None:
        err = output_error(self.network, x, y)
        cols = ("z", "sigma_prime", "a", "y", "a_minus_y", "delta")
        n = err["z"].shape[0]
        self.delta_table.setRowCount(n)
        ds = self.dataset
        names = list(ds.output_names) if ds is not None else []
        if not names and ds is not None and ds.is_classification:
            word = "digit" if ds.image_shape is not None else "class"
            names = [f"{word} {j}" for j in range(n)]
        self.delta_table.setVerticalHeaderLabels(
            [f"j={j + 1}" + (f": {names[j]}" if j < len(names) else "") for j in range(n)]
        )
        biggest = int(np.argmax(np.abs(err["delta"][:, 0])))
        for j in range(n):
            for c, key in enumerate(cols):
                item = QTableWidgetItem(f"{float(err[key][j, 0]):+.4f}")
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                if key == "delta" and j == biggest:
                    set_cell_colour(item, QColor(255, 225, 180))
                self.delta_table.setItem(j, c, item)

    # -- hover --------------------------------------------------------------------------------
    def _on_mouse_moved(self, pos) -> None:
        if self.network is None:
            return
        for name, vb in self.views.items():
            if vb.sceneBoundingRect().contains(pos):
                p = vb.mapSceneToView(pos)
                if self.hover_entry(name, int(np.floor(p.y())), int(np.floor(p.x()))):
                    return
        self._leave_weight()
        for m in self.marks.values():
            m.setVisible(False)

    def _leave_weight(self) -> None:
        if self._hovering_weight is not None:
            self._hovering_weight = None
            self.hover_cleared.emit()

    def _mark(self, boxes: dict[str, tuple[int, int, int, int]]) -> None:
        """Outline (row, col, n_rows, n_cols) boxes in the named panels; hide the rest."""
        for name, m in self.marks.items():
            if name in boxes:
                r, c, nr, nc = boxes[name]
                m.setRect(QRectF(c, r, nc, nr))
                m.setVisible(True)
            else:
                m.setVisible(False)

    def _mark_neuron(self, j: int) -> None:
        n_in = self.equation["w"].shape[1]
        self._mark(
            {
                "w": (j, 0, 1, n_in),
                "a_prev": (0, 0, n_in, 1),
                "b": (j, 0, 1, 1),
                "z": (j, 0, 1, 1),
                "a": (j, 0, 1, 1),
            }
        )
