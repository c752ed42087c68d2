"""The book's exercise: one more layer of 4 sigmoid neurons that writes the digit in binary.

The extra layer reads the trained network's 10 outputs. Its neuron for bit b (8s, 4s, 2s,
1s) should fire for the digits that have that bit set. A person sets its 4x10 weights and 4
biases, or fills in a solution, and sees how often the 4 rounded bits equal the true digit's
code on the test set, and for which digits it fails.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.datasets.dataset import Dataset
from nnviz.core.learning.evaluation import (
    N_BITS,
    BinaryCheck,
    binary_codes,
    binary_layer_outputs,
    binary_layer_solution,
    check_binary_layer,
    evaluate_network,
)
from nnviz.core.learning.network import Network
from nnviz.ui.style import set_cell_colour

WEIGHT_LIMIT = 50.0
BIT_NAMES = [f"bit {1 << (N_BITS - 1 - b)}s" for b in range(N_BITS)]  # most significant first


def _tint(spin: QDoubleSpinBox, value: float) -> None:
    # Green for excitatory, red for inhibitory weights: the pattern is readable at a glance.
    f = min(abs(value) / 10.0, 1.0)
    if value > 0:
        color = QColor.fromRgbF(1 - 0.35 * f, 1 - 0.1 * f, 1 - 0.35 * f)
    elif value < 0:
        color = QColor.fromRgbF(1.0, 1 - 0.4 * f, 1 - 0.4 * f)
    else:
        color = QColor(255, 255, 255)
    spin.setStyleSheet(f"QDoubleSpinBox {{ background: {color.name()}; }}")


class BinaryOutputView(QWidget):
    """Editable 4x10 weights + 4 biases of the extra layer, checked against the test set."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.network: Network | None = None
        self.dataset: Dataset | None = None
        self.outputs: np.ndarray | None = None  # (10, m) network outputs on the test set
        self.labels: np.ndarray | None = None
        self.check: BinaryCheck | None = None
        self.failing: list[int] = []
        self.ideal_check: BinaryCheck | None = None
        self._updating = False
        self._stale = False

        intro = QLabel(
            "Exercise (chapter 1): add a fourth layer of 4 sigmoid neurons after the 10 "
            "outputs, so the network answers with the digit's binary code (5 \u2192 0101). "
            "Each bit's neuron reads all 10 outputs. Set its weights and bias below, or fill "
            "in a solution. A bit counts as 1 when its activation is above 0.5."
        )
        intro.setWordWrap(True)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #8a4b00;")

        # weight grid: one row per bit, one column per digit neuron, then the bias
        self.weight_spins: list[list[QDoubleSpinBox]] = []
        self.bias_spins: list[QDoubleSpinBox] = []
        grid = QGridLayout()
        grid.setHorizontalSpacing(4)
        grid.addWidget(QLabel("from output neuron \u2192"), 0, 0)
        for d in range(10):
            head = QLabel(str(d))
            head.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(head, 0, d + 1)
        bias_head = QLabel("bias")
        bias_head.setAlignment(Qt.AlignmentFlag.AlignCenter)
        grid.addWidget(bias_head, 0, 11)
        for b in range(N_BITS):
            grid.addWidget(QLabel(BIT_NAMES[b]), b + 1, 0)
            row = []
            for d in range(10):
                spin = self._make_spin(f"weight from output {d} to the {BIT_NAMES[b]} neuron")
                grid.addWidget(spin, b + 1, d + 1)
                row.append(spin)
            self.weight_spins.append(row)
            bias = self._make_spin(f"bias of the {BIT_NAMES[b]} neuron")
            grid.addWidget(bias, b + 1, 11)
            self.bias_spins.append(bias)
        self.solution_button = QPushButton("Fill in a solution")
        self.solution_button.setToolTip(
            "+10 from each digit whose code has this bit set, -10 from the others, bias 0"
        )
        self.solution_button.setDefault(False)
        self.zero_button = QPushButton("Set all to 0")
        buttons = QHBoxLayout()
        buttons.addWidget(self.solution_button)
        buttons.addWidget(self.zero_button)
        buttons.addStretch(1)
        weights_box = QGroupBox("The extra layer's weights and biases")
        wlay = QVBoxLayout(weights_box)
        wlay.addLayout(grid)
        wlay.addLayout(buttons)

        self.result = QLabel()
        self.result.setWordWrap(True)
        self.confident_label = QLabel()
        self.confident_label.setWordWrap(True)
        self.ideal_label = QLabel()
        self.ideal_label.setWordWrap(True)
        self.table = QTableWidget(3, 10)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setHorizontalHeaderLabels([str(d) for d in range(10)])
        self.table.setVerticalHeaderLabels(["code", "test images right", "ideal outputs"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # Exactly as tall as its three rows, also when presenter mode enlarges the type.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._fit_table()
        codes = binary_codes()
        for d in range(10):
            item = QTableWidgetItem("".join(str(int(v)) for v in codes[d]))
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.table.setItem(0, d, item)

        self.example_spin = QSpinBox()
        self.example_spin.setPrefix("test image #")
        self.example_label = QLabel()
        self.example_label.setWordWrap(True)
        example_row = QHBoxLayout()
        example_row.addWidget(QLabel("Try one:"))
        example_row.addWidget(self.example_spin)
        example_row.addWidget(self.example_label, 1)

        check_box = QGroupBox("Check")
        clay = QVBoxLayout(check_box)
        clay.addWidget(self.result)
        clay.addWidget(self.confident_label)
        clay.addWidget(self.ideal_label)
        clay.addWidget(self.table)
        clay.addLayout(example_row)

        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.hint)
        lay.addWidget(weights_box)
        lay.addWidget(check_box)
        lay.addStretch(1)

        self.solution_button.clicked.connect(self.fill_solution)
        self.zero_button.clicked.connect(self.zero)
        self.example_spin.valueChanged.connect(self._on_example_changed)
        self.set_network(None, None)
        self.refresh()

    def _make_spin(self, tip: str) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setRange(-WEIGHT_LIMIT, WEIGHT_LIMIT)
        spin.setDecimals(1)
        spin.setSingleStep(1.0)
        spin.setButtonSymbols(QDoubleSpinBox.ButtonSymbols.NoButtons)
        spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        spin.setMinimumWidth(52)
        spin.setToolTip(tip)
        spin.valueChanged.connect(self._on_value_changed)
        _tint(spin, 0.0)
        return spin

    # -- public -----------------------------------------------------------------------------
    def set_network(self, network: Network | None, dataset: Dataset | None) -> None:
        """Check the extra layer on ``network``'s outputs for ``dataset``'s test images.

        While the view is hidden the (test-set sized) work waits until it is shown.
        """
        self.network, self.dataset = network, dataset
        self._stale = True
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        """Recompute the network's test outputs now (e.g. after further training)."""
        self._stale = False
        network, dataset = self.network, self.dataset
        self.outputs = self.labels = None
        problem = ""
        if network is None or dataset is None:
            problem = (
                "No trained network yet: train one to check these weights on real test "
                "images. Meanwhile the check uses ideal outputs (1 for the right digit, "
                "0 for the others)."
            )
        elif not dataset.is_classification or dataset.n_outputs != 10 or network.sizes[-1] != 10:
            problem = (
                "The extra layer reads 10 digit outputs: train a network on MNIST or "
                "the 8x8 digits."
            )
        else:
            try:
                ev = evaluate_network(network, dataset)
                self.outputs, self.labels = ev.outputs.astype(np.float64), ev.labels
            except ValueError as exc:
                problem = f"{exc}."
        self.hint.setText(problem)
        self.hint.setVisible(bool(problem))
        n = 0 if self.labels is None else self.labels.size
        self.example_spin.setEnabled(n > 0)
        self.example_spin.setRange(0, max(n - 1, 0))
        self._recheck()

    def weights(self) -> tuple[np.ndarray, np.ndarray]:
        """The layer as set: ``(w (4, 10), b (4,))``."""
        w = np.array([[s.value() for s in row] for row in self.weight_spins])
        b = np.array([s.value() for s in self.bias_spins])
        return w, b

    def set_weights(self, w: np.ndarray, b: np.ndarray) -> None:
        """Put ``w`` (4, 10) and ``b`` (4,) into the spin boxes and check once."""
        self._updating = True  # one check at the end, not one per spin box
        try:
            for r in range(N_BITS):
                for d in range(10):
                    self.weight_spins[r][d].setValue(float(w[r, d]))
                self.bias_spins[r].setValue(float(b[r]))
        finally:
            self._updating = False
        self._recheck()

    def _fit_table(self) -> None:
        t = self.table
        rows = sum(t.verticalHeader().sectionSizeHint(r) for r in range(t.rowCount()))
        header = t.horizontalHeader().sizeHint().height()
        t.setFixedHeight(header + rows + 2 * t.frameWidth() + 2)

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_table()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self._fit_table()
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def fill_solution(self) -> None:
        self.set_weights(*binary_layer_solution())

    def zero(self) -> None:
        self.set_weights(np.zeros((N_BITS, 10)), np.zeros(N_BITS))

    # -- internals --------------------------------------------------------------------------
    def _on_value_changed(self, value: float) -> None:
        spin = self.sender()
        if isinstance(spin, QDoubleSpinBox):
            _tint(spin, value)
        if not self._updating:
            self._recheck()

    def _recheck(self) -> None:
        w, b = self.weights()
        ideal = check_binary_layer(np.eye(10), np.arange(10), w, b)
        self.ideal_check = ideal
        bad = ideal.failing_digits()
        self.ideal_label.setText(
            "With ideal outputs: every digit comes out right."
            if not bad
            else "With ideal outputs, wrong for digit(s): " + ", ".join(map(str, bad)) + "."
        )
        for d in range(10):
            ok = ideal.per_digit[d] == 1.0
            self._set_cell(2, d, "yes" if ok else "no", 1.0 if ok else 0.0)
        if self.outputs is None:
            self.check = None
            self.failing = []
            self.result.setText("")
            self.confident_label.setText("")
            for d in range(10):
                self._set_cell(1, d, "", None)
            self._on_example_changed(self.example_spin.value())
            return
        check = check_binary_layer(self.outputs, self.labels, w, b)
        self.check = check
        n = self.labels.size
        a = self.outputs
        network_right = np.argmax(a, axis=0) == self.labels
        own = np.bincount(self.labels, weights=network_right, minlength=10) / np.maximum(
            np.bincount(self.labels, minlength=10), 1
        )
        # A digit fails when the bits are right clearly less often than the network's own
        # answer: the layer cannot do better than the answers it reads.
        failing = [
            d
            for d in range(10)
            if not np.isnan(check.per_digit[d]) and check.per_digit[d] < own[d] - 0.05
        ]
        self.failing = failing
        self.result.setText(
            f"<b>{100 * check.accuracy:.1f}%</b> of {n:,} test images get all 4 bits right "
            f"(the network's own answer is right for {100 * network_right.mean():.1f}%)."
            + (
                " The bits do worse than the network's answers for digit(s) "
                + ", ".join(map(str, failing))
                + "."
                if failing
                else ""
            )
        )
        right = a[self.labels, np.arange(n)]
        others = a.copy()
        others[self.labels, np.arange(n)] = 0
        confident = (right >= 0.99) & (others.max(axis=0) <= 0.01)
        self.confident_label.setText(
            "The exercise assumes confident outputs (right digit \u2265 0.99, others "
            f"\u2264 0.01): true for {100 * confident.mean():.1f}% of these test images. "
            "No extra layer can fix the network's own mistakes."
        )
        for d in range(10):
            f = check.per_digit[d]
            self._set_cell(
                1,
                d,
                "-" if np.isnan(f) else f"{100 * f:.1f}%",
                None if np.isnan(f) else float(d not in failing),
            )
        self._on_example_changed(self.example_spin.value())

    def _set_cell(self, row: int, col: int, text: str, good: float | None) -> None:
        item = QTableWidgetItem(text)
        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        if good is not None and not np.isnan(good):
            ok = good > 0.5  # 1.0: works for this digit, 0.0: fails
            set_cell_colour(item, QColor(160, 220, 160) if ok else QColor(245, 140, 140))
        self.table.setItem(row, col, item)

    def _on_example_changed(self, k: int) -> None:
        if self.outputs is None:
            self.example_label.setText("")
            return
        w, b = self.weights()
        a = self.outputs[:, k : k + 1]
        bits = binary_layer_outputs(a, w, b)[:, 0]
        code = "".join("1" if v > 0.5 else "0" for v in bits)
        value = int(code, 2)
        label = int(self.labels[k])
        verdict = "right" if value == label else f"wrong: should be {format(label, '04b')}"
        self.example_label.setText(
            f"a {label}; network says {int(np.argmax(a))}; bit activations "
            + " ".join(f"{v:.2f}" for v in bits)
            + f" \u2192 {code} = {value} ({verdict})"
        )
