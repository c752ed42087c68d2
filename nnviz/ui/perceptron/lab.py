"""The perceptron lab (book sections 1.1 and 1.2): one neuron to poke at.

Left: the neuron's settings (mode, rule form, presets), its weights and bias, its inputs and
the output lamp with the weighted sum written out. Middle: the truth table and the gate
challenges (or, for a sigmoid neuron, the small-change panel). Right: the decision plane of a
2-input neuron and, for a sigmoid neuron, sigma(z) against the step and the output versus c.

The lab keeps all five weights even while fewer inputs are shown, so reducing the number of
inputs and raising it again loses nothing; loading a preset can be undone.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.perceptron import (
    CHALLENGES,
    MAX_INPUTS,
    PRESETS,
    Challenge,
    CheckResult,
    Perceptron,
    describe_sum,
    fmt_number,
    input_rows,
    output_partials,
    sigmoid_output,
    slice_2d,
    small_change,
)
from nnviz.ui.perceptron.plots import DecisionPlane, ScalePlot, SigmoidPlot, SquareHolder
from nnviz.ui.perceptron.widgets import COLOR_ONE, Lamp, ParamRow
from nnviz.ui.style import CELL_INK, set_role

WEIGHT_RANGE = (-10.0, 10.0)
C_RANGE = (0.1, 100.0)
_ROW_HIGHLIGHT = QColor("#fff1c2")
_WRONG = QColor("#f6c6c0")
_PASS = "#1b7f3b"
_FAIL = "#c0392b"


@dataclass(frozen=True)
class _Saved:
    """Everything a preset load replaces, so it can be undone."""

    weights: tuple[float, ...]
    bias: float
    n: int
    form: str
    names: tuple[str, ...]


class PerceptronLab(QWidget):
    """A perceptron or sigmoid neuron with 1 to 5 inputs, its truth table and its plots."""

    page_id = "perceptrons"
    view_tabs: list = []  # one view: no sub-tabs

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        # The model: all MAX_INPUTS weights are kept; only the first n are in use.
        self._weights = [1.0] * MAX_INPUTS
        self._bias = -1.5
        self._n = 2
        self._bits = [0] * MAX_INPUTS
        self._reals = [0.5] * MAX_INPUTS
        self._mode = "perceptron"
        self._form = "bias"
        self._c = 1.0
        self._names = tuple(f"x{j + 1}" for j in range(MAX_INPUTS))
        self._undo: _Saved | None = None
        self._challenge: Challenge | None = None
        self._checked_once = False  # show a challenge's verdict only after the first Check
        self.last_check: CheckResult | None = None
        self._table_headers: list[str] = []

        left = QVBoxLayout()
        left.addWidget(self._build_neuron_box())
        left.addWidget(self._build_params_box())
        left.addWidget(self._build_inputs_box())
        left.addWidget(self._build_output_box())
        left.addStretch(1)
        left_widget = QWidget()
        left_widget.setLayout(left)
        scroll = QScrollArea()
        scroll.setWidget(left_widget)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(400)
        self._settings_scroll = scroll

        middle = QVBoxLayout()
        middle.addWidget(self._build_table_box(), 1)
        middle.addWidget(self._build_challenge_box(), 0)
        middle.addWidget(self._build_small_change_box(), 0)
        middle.addWidget(self._build_scale_box(), 1)

        right = QVBoxLayout()
        right.addWidget(self._build_plane_box(), 1)
        right.addWidget(self._build_sigma_box(), 1)

        outer = QHBoxLayout(self)
        outer.addWidget(scroll, 0)
        outer.addLayout(middle, 3)
        outer.addLayout(right, 4)

        self._apply_mode()
        self._apply_n()
        self._refresh()

    # --- building -----------------------------------------------------------------------

    def _build_neuron_box(self) -> QGroupBox:
        box = QGroupBox("Neuron")
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.perceptron_radio = QRadioButton("Perceptron")
        self.sigmoid_radio = QRadioButton("Sigmoid neuron")
        self.perceptron_radio.setChecked(True)
        self._mode_group = QButtonGroup(self)
        for r in (self.perceptron_radio, self.sigmoid_radio):
            self._mode_group.addButton(r)
        mode_row = QHBoxLayout()
        mode_row.addWidget(self.perceptron_radio)
        mode_row.addWidget(self.sigmoid_radio)
        mode_row.addStretch(1)
        form.addRow("Kind:", mode_row)
        self.sigmoid_radio.toggled.connect(self._on_mode_toggled)

        self.bias_radio = QRadioButton("w·x + b > 0")
        self.threshold_radio = QRadioButton("w·x > threshold")
        self.bias_radio.setToolTip("Bias form: b = -threshold")
        self.threshold_radio.setToolTip("Threshold form, as the perceptron was first defined")
        self.bias_radio.setChecked(True)
        self._form_group = QButtonGroup(self)
        for r in (self.bias_radio, self.threshold_radio):
            self._form_group.addButton(r)
        form_row = QHBoxLayout()
        form_row.addWidget(self.bias_radio)
        form_row.addWidget(self.threshold_radio)
        form_row.addStretch(1)
        form.addRow("Fires when:", form_row)
        self.threshold_radio.toggled.connect(self._on_form_toggled)

        self.n_spin = QSpinBox()
        self.n_spin.setRange(1, MAX_INPUTS)
        self.n_spin.setValue(self._n)
        self.n_spin.setToolTip("Weights of hidden inputs are kept for when you add them back")
        self.n_spin.valueChanged.connect(self._on_n_changed)
        form.addRow("Inputs:", self.n_spin)

        self.preset_combo = QComboBox()
        self.preset_combo.addItem("Choose a preset…", None)
        for p in PRESETS:
            self.preset_combo.addItem(p.name, p.key)
        self.preset_combo.activated.connect(self._on_preset_activated)
        self.preset_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.preset_combo.setMinimumContentsLength(16)
        self.undo_button = QPushButton("Undo")
        self.undo_button.setToolTip("Restore the weights and bias from before the preset")
        self.undo_button.setEnabled(False)
        self.undo_button.clicked.connect(self._on_undo)
        preset_row = QHBoxLayout()
        preset_row.addWidget(self.preset_combo, 1)
        preset_row.addWidget(self.undo_button)
        form.addRow("Preset:", preset_row)

        self.preset_label = QLabel("")
        self.preset_label.setWordWrap(True)
        set_role(self.preset_label, "hint")  # themed (dark grey, or light grey when dark)
        form.addRow(self.preset_label)
        return box

    def _build_params_box(self) -> QGroupBox:
        box = QGroupBox("Weights and bias")
        layout = QVBoxLayout(box)
        layout.setSpacing(4)
        self.weight_rows: list[ParamRow] = []
        for j in range(MAX_INPUTS):
            row = ParamRow(f"w{j + 1}", *WEIGHT_RANGE, value=self._weights[j])
            row.valueChanged.connect(lambda v, j=j: self._on_weight(j, v))
            layout.addWidget(row)
            self.weight_rows.append(row)
        self.bias_row = ParamRow("b", *WEIGHT_RANGE, value=self._bias)
        self.bias_row.valueChanged.connect(self._on_bias_row)
        layout.addWidget(self.bias_row)
        self.c_row = ParamRow("scale c", *C_RANGE, value=self._c, step=0.5, log=True)
        self.c_row.setToolTip("Every weight and the bias are multiplied by c")
        self.c_row.valueChanged.connect(self._on_c)
        layout.addWidget(self.c_row)
        return box

    def _build_inputs_box(self) -> QGroupBox:
        box = QGroupBox("Inputs")
        layout = QVBoxLayout(box)
        self.input_stack = QStackedWidget()
        toggles = QWidget()
        grid = self.toggle_grid = QGridLayout(toggles)
        grid.setContentsMargins(0, 0, 0, 0)
        self.input_buttons: list[QPushButton] = []
        for j in range(MAX_INPUTS):
            b = QPushButton()
            b.setCheckable(True)
            b.setMinimumHeight(30)
            # a lit toggle reads as "1" at a glance, in the lamp's colour
            b.setStyleSheet(
                "QPushButton { padding: 4px 8px; }"
                "QPushButton:checked { background: #f3c35a; border: 1px solid #a87400;"
                " border-radius: 3px; font-weight: bold; }"
            )
            b.toggled.connect(lambda on, j=j: self._on_bit(j, on))
            grid.addWidget(b, j // 2, j % 2)
            self.input_buttons.append(b)
        self.input_stack.addWidget(toggles)
        sliders = QWidget()
        slider_layout = QVBoxLayout(sliders)
        slider_layout.setContentsMargins(0, 0, 0, 0)
        slider_layout.setSpacing(4)
        self.input_sliders: list[ParamRow] = []
        for j in range(MAX_INPUTS):
            row = ParamRow(
                f"x{j + 1}", 0.0, 1.0, value=self._reals[j], step=0.05, slider_resolution=0.01
            )
            row.valueChanged.connect(lambda v, j=j: self._on_real(j, v))
            slider_layout.addWidget(row)
            self.input_sliders.append(row)
        self.input_stack.addWidget(sliders)
        layout.addWidget(self.input_stack)
        return box

    def _build_output_box(self) -> QGroupBox:
        box = QGroupBox("Output")
        layout = QHBoxLayout(box)
        self.lamp = Lamp()
        self.lamp.setFixedSize(76, 76)
        layout.addWidget(self.lamp)
        self.sum_label = QLabel()
        self.sum_label.setWordWrap(True)
        self.sum_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        mono = QFont("DejaVu Sans Mono")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.sum_label.setFont(mono)
        self.sum_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout.addWidget(self.sum_label, 1)
        return box

    def _build_table_box(self) -> QGroupBox:
        box = self.table_box = QGroupBox("Truth table")
        layout = QVBoxLayout(box)
        self.table = QTableWidget()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setToolTip("Click a row to set the inputs to it")
        self.table.cellClicked.connect(self._on_table_clicked)
        layout.addWidget(self.table)
        return box

    def _build_challenge_box(self) -> QGroupBox:
        self.challenge_box = QGroupBox("Challenge")
        layout = QVBoxLayout(self.challenge_box)
        row = QHBoxLayout()
        self.challenge_combo = QComboBox()
        self.challenge_combo.addItem("No challenge", None)
        for c in CHALLENGES:
            self.challenge_combo.addItem(c.name, c.key)
        self.challenge_combo.currentIndexChanged.connect(self._on_challenge_changed)
        # size by a short text, not by the longest entry, so the column can stay narrow
        self.challenge_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.challenge_combo.setMinimumContentsLength(10)
        self.check_button = QPushButton("Check")
        self.check_button.setEnabled(False)
        self.check_button.clicked.connect(self._on_check)
        self.hint_button = QPushButton("Hint")
        self.hint_button.setEnabled(False)
        self.hint_button.clicked.connect(self._on_hint)
        row.addWidget(self.challenge_combo, 1)
        row.addWidget(self.hint_button)
        row.addWidget(self.check_button)
        layout.addLayout(row)
        self.task_label = QLabel("Pick a gate, set the weights and bias, then press Check.")
        self.task_label.setWordWrap(True)
        layout.addWidget(self.task_label)
        self.hint_label = QLabel("")
        self.hint_label.setWordWrap(True)
        set_role(self.hint_label, "hint")  # themed (dark grey, or light grey when dark)
        self.hint_label.setVisible(False)
        layout.addWidget(self.hint_label)
        self.result_label = QLabel("")
        self.result_label.setWordWrap(True)
        self.result_label.setTextFormat(Qt.TextFormat.RichText)
        self.result_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.result_label, 1)
        return self.challenge_box

    def _build_small_change_box(self) -> QGroupBox:
        self.small_box = QGroupBox("Small changes (equation 5)")
        layout = QVBoxLayout(self.small_box)
        row = QHBoxLayout()
        row.addWidget(QLabel("Nudge"))
        self.nudge_combo = QComboBox()
        self.nudge_combo.currentIndexChanged.connect(lambda _i: self._refresh())
        row.addWidget(self.nudge_combo)
        row.addWidget(QLabel("by Δ ="))
        self.delta_spin = QDoubleSpinBox()
        self.delta_spin.setRange(-5.0, 5.0)
        self.delta_spin.setDecimals(3)
        self.delta_spin.setSingleStep(0.05)
        self.delta_spin.setValue(0.1)
        self.delta_spin.setKeyboardTracking(False)
        self.delta_spin.valueChanged.connect(lambda _v: self._refresh())
        row.addWidget(self.delta_spin)
        row.addStretch(1)
        layout.addLayout(row)
        self.change_label = QLabel()
        self.change_label.setWordWrap(True)
        self.change_label.setTextFormat(Qt.TextFormat.RichText)
        self.change_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.change_label, 1)
        return self.small_box

    def _build_plane_box(self) -> QGroupBox:
        box = QGroupBox("Decision plane")
        layout = QVBoxLayout(box)
        self.plane_stack = QStackedWidget()
        self.plane = DecisionPlane()
        self.plane_caption = QLabel()
        self.plane_caption.setWordWrap(True)
        set_role(self.plane_caption, "hint")  # themed (dark grey, or light grey when dark)
        self.plane_holder = SquareHolder(self.plane, self.plane_caption)
        self.plane_holder.setMinimumSize(240, 280)
        self.plane_stack.addWidget(self.plane_holder)
        self.plane_hint = QLabel(
            "With one input there is no plane: the neuron fires when w1·x1 + b > 0,\n"
            "i.e. on one side of the single point x1 = -b / w1.\n"
            "Set Inputs to 2 or more to see the decision plane."
        )
        self.plane_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.plane_hint.setStyleSheet("color: #555;")
        self.plane_stack.addWidget(self.plane_hint)
        layout.addWidget(self.plane_stack, 1)
        return box

    def _build_sigma_box(self) -> QGroupBox:
        self.sigma_box = QGroupBox("σ(z) and the step function")
        layout = QVBoxLayout(self.sigma_box)
        self.sigma_plot = SigmoidPlot()
        self.sigma_plot.setMinimumSize(220, 170)
        layout.addWidget(self.sigma_plot, 1)
        self.sigma_caption = QLabel()
        layout.addWidget(self.sigma_caption)
        return self.sigma_box

    def _build_scale_box(self) -> QGroupBox:
        self.scale_box = QGroupBox("Scaling every weight and the bias by c")
        layout = QVBoxLayout(self.scale_box)
        self.scale_plot = ScalePlot()
        self.scale_plot.setMinimumSize(220, 160)
        layout.addWidget(self.scale_plot, 1)
        self.scale_caption = QLabel()
        self.scale_caption.setWordWrap(True)
        layout.addWidget(self.scale_caption)
        return self.scale_box

    def resizeEvent(self, event) -> None:
        # The settings column grows a little on wide windows so the written-out sum fits.
        self._settings_scroll.setFixedWidth(max(400, min(480, round(self.width() * 0.33))))
        super().resizeEvent(event)

    # --- model access (also used by tests and other tabs) -------------------------------

    def perceptron(self) -> Perceptron:
        """The neuron as set (before scaling by c)."""
        return Perceptron(tuple(self._weights[: self._n]), self._bias)

    def inputs(self) -> tuple[float, ...]:
        """The current input: bits for a perceptron, reals in [0, 1] for a sigmoid neuron."""
        if self._mode == "sigmoid":
            return tuple(self._reals[: self._n])
        return tuple(self._bits[: self._n])

    def output(self) -> float:
        p, x = self.perceptron(), self.inputs()
        if self._mode == "sigmoid":
            return sigmoid_output(p, x, self._c)
        return float(p.output(x))

    def table_outputs(self) -> list[int]:
        """The perceptron's "out" column as shown in the truth table."""
        col = self._column("out")
        return [int(self.table.item(r, col).text()) for r in range(self.table.rowCount())]

    def highlighted_row(self) -> int | None:
        """The truth-table row drawn as the current input, if any."""
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).font().bold():
                return r
        return None

    def load_preset(self, key: str) -> None:
        """Load a preset by key, as choosing it in the combo box does."""
        index = self.preset_combo.findData(key)
        if index < 0:
            raise KeyError(f"no preset {key!r}")
        self.preset_combo.setCurrentIndex(index)
        self._on_preset_activated(index)

    def set_challenge(self, key: str | None) -> None:
        self.challenge_combo.setCurrentIndex(max(0, self.challenge_combo.findData(key)))

    def set_weights(self, weights, bias: float) -> None:
        """Set the first len(weights) weights and the bias (bias form) through the controls."""
        for j, w in enumerate(weights):
            self.weight_rows[j].spin.setValue(w)
        self._bias = float(bias)
        self._sync_bias_row()
        self._refresh()

    # --- event handlers -----------------------------------------------------------------

    def _on_mode_toggled(self, sigmoid_on: bool) -> None:
        self._mode = "sigmoid" if sigmoid_on else "perceptron"
        self._apply_mode()
        self._refresh()

    def _on_form_toggled(self, threshold_on: bool) -> None:
        # Only the description changes: b = -threshold, so the neuron behaves the same.
        self._form = "threshold" if threshold_on else "bias"
        self._sync_bias_row()
        self._refresh()

    def _on_n_changed(self, n: int) -> None:
        self._n = n
        self._apply_n()
        self._refresh()

    def _on_weight(self, j: int, value: float) -> None:
        self._weights[j] = value
        self._refresh()

    def _on_bias_row(self, value: float) -> None:
        self._bias = -value if self._form == "threshold" else value
        self._refresh()

    def _on_c(self, value: float) -> None:
        self._c = value
        self._refresh()

    def _on_bit(self, j: int, on: bool) -> None:
        self._bits[j] = int(on)
        self._refresh()

    def _on_real(self, j: int, value: float) -> None:
        self._reals[j] = value
        self._refresh()

    def _on_table_clicked(self, row: int, _col: int) -> None:
        x = input_rows(self._n)[row]
        if self._mode == "sigmoid":
            for j, v in enumerate(x):
                self._reals[j] = float(v)
                self.input_sliders[j].setValue(float(v))
            self._refresh()
        else:
            for j, v in enumerate(x):
                self.input_buttons[j].setChecked(bool(v))

    def _on_preset_activated(self, index: int) -> None:
        key = self.preset_combo.itemData(index)
        if key is None:
            return
        preset = next(p for p in PRESETS if p.key == key)
        self._undo = self._saved()
        self.undo_button.setEnabled(True)
        p = preset.perceptron
        self._restore(
            _Saved(
                weights=p.weights + tuple(self._weights[p.n_inputs :]),
                bias=p.bias,
                n=p.n_inputs,
                form=preset.form,
                names=tuple(preset.name_of_input(j) for j in range(MAX_INPUTS)),
            )
        )
        self.preset_label.setText(preset.explanation)

    # -- the page's state (sessions and deck steps; nnviz.ui.pages) ------------------------------
    def state(self) -> dict:
        state = {"neuron": "sigmoid" if self.sigmoid_radio.isChecked() else "perceptron"}
        key = self.preset_combo.currentData()
        if key:
            state["perceptron"] = str(key)
        state["c"] = float(self._c)
        return state

    def restore(self, state: dict) -> None:
        """The kind of neuron (``neuron``), a preset (``perceptron``) and the scale ``c``."""
        if "neuron" in state:
            sigmoid = state["neuron"] == "sigmoid"
            (self.sigmoid_radio if sigmoid else self.perceptron_radio).setChecked(True)
        key = state.get("perceptron")
        index = self.preset_combo.findData(key) if key else -1
        if index >= 0:
            self.preset_combo.setCurrentIndex(index)
            self._on_preset_activated(index)
        if "c" in state:
            self.c_row.setValue(float(state["c"]))
            self._on_c(float(state["c"]))  # setValue is silent: apply it here

    def shutdown(self) -> None:
        """Nothing runs in the background here."""

    def _on_undo(self) -> None:
        if self._undo is None:
            return
        self._restore(self._undo)
        self._undo = None
        self.undo_button.setEnabled(False)
        self.preset_combo.setCurrentIndex(0)
        self.preset_label.setText("Restored your previous weights and bias.")

    def _on_challenge_changed(self, index: int) -> None:
        key = self.challenge_combo.itemData(index)
        self._challenge = next((c for c in CHALLENGES if c.key == key), None)
        self._checked_once = False
        self.last_check = None
        self.check_button.setEnabled(self._challenge is not None)
        self.hint_button.setEnabled(self._challenge is not None)
        self.hint_label.setVisible(False)
        self.result_label.setText("")
        if self._challenge is None:
            self.task_label.setText("Pick a gate, set the weights and bias, then press Check.")
        else:
            self.task_label.setText(
                f"<b>{self._challenge.name}</b> ({self._challenge.n_inputs} "
                f"input{'s' * (self._challenge.n_inputs != 1)}): {self._challenge.task}"
            )
            if self._n != self._challenge.n_inputs:
                self.n_spin.setValue(self._challenge.n_inputs)  # weights beyond n are kept
        self._refresh()

    def _on_hint(self) -> None:
        if self._challenge is not None:
            self.hint_label.setText("Hint: " + self._challenge.hint)
            self.hint_label.setVisible(True)

    def _on_check(self) -> None:
        self._checked_once = True
        self._refresh()

    # --- applying state to the view -----------------------------------------------------

    def _saved(self) -> _Saved:
        return _Saved(tuple(self._weights), self._bias, self._n, self._form, self._names)

    def _restore(self, s: _Saved) -> None:
        self._weights = list(s.weights)
        self._bias = s.bias
        self._names = s.names
        for j, row in enumerate(self.weight_rows):
            row.setValue(self._weights[j])
        self.threshold_radio.blockSignals(True)
        self.threshold_radio.setChecked(s.form == "threshold")
        self.bias_radio.setChecked(s.form == "bias")
        self.threshold_radio.blockSignals(False)
        self._form = s.form
        self._sync_bias_row()
        self.n_spin.blockSignals(True)
        self.n_spin.setValue(s.n)
        self.n_spin.blockSignals(False)
        self._n = s.n
        self._apply_n()
        self._refresh()

    def _sync_bias_row(self) -> None:
        if self._form == "threshold":
            self.bias_row.setLabel("threshold")
            self.bias_row.setValue(-self._bias)
        else:
            self.bias_row.setLabel("b")
            self.bias_row.setValue(self._bias)

    def _apply_mode(self) -> None:
        sigmoid_on = self._mode == "sigmoid"
        self.input_stack.setCurrentIndex(1 if sigmoid_on else 0)
        # A stack is as tall as its tallest page; let the hidden page take no room.
        for i in range(self.input_stack.count()):
            policy = (
                QSizePolicy.Policy.Preferred
                if i == self.input_stack.currentIndex()
                else QSizePolicy.Policy.Ignored
            )
            self.input_stack.widget(i).setSizePolicy(policy, policy)
        self.c_row.setVisible(sigmoid_on)
        self.sigma_box.setVisible(sigmoid_on)
        self.scale_box.setVisible(sigmoid_on)
        self.small_box.setVisible(sigmoid_on)
        self.challenge_box.setVisible(not sigmoid_on)
        self.threshold_radio.setEnabled(not sigmoid_on)
        if sigmoid_on and self._form == "threshold":
            self.bias_radio.setChecked(True)  # sigma(w.x + b) is written with the bias

    def _apply_n(self) -> None:
        for j in range(MAX_INPUTS):
            shown = j < self._n
            self.weight_rows[j].setVisible(shown)
            self.input_buttons[j].setVisible(shown)
            self.input_sliders[j].setVisible(shown)
            self.weight_rows[j].setLabel(f"w{j + 1}")
            self.weight_rows[j].setToolTip(f"weight of input {self._names[j]}")
            self.input_sliders[j].setLabel(self._short_name(j))
        # Named inputs (the cheese festival) need room: two a row; plain x1..x5 fit in one.
        named = any(self._names[j] != f"x{j + 1}" for j in range(self._n))
        columns = 2 if named else (3 if self._n >= 4 else self._n)
        for j, button in enumerate(self.input_buttons):
            self.toggle_grid.removeWidget(button)
            self.toggle_grid.addWidget(button, j // columns, j % columns)
        current = self.nudge_combo.currentText()
        self.nudge_combo.blockSignals(True)
        self.nudge_combo.clear()
        self.nudge_combo.addItems([f"w{j + 1}" for j in range(self._n)] + ["b"])
        self.nudge_combo.setCurrentIndex(max(0, self.nudge_combo.findText(current)))
        self.nudge_combo.blockSignals(False)

    def _short_name(self, j: int) -> str:
        name = self._names[j]
        return f"x{j + 1}" if name == f"x{j + 1}" else f"x{j + 1} {name.split()[0]}"

    def _column(self, name: str) -> int:
        for c in range(self.table.columnCount()):
            if self.table.horizontalHeaderItem(c).text() == name:
                return c
        raise KeyError(name)

    def _refresh(self) -> None:
        """Redraw every view from the model (cheap: at most 32 rows and three small plots)."""
        p = self.perceptron()
        x = self.inputs()
        sigmoid_on = self._mode == "sigmoid"
        out = self.output()

        for j, b in enumerate(self.input_buttons[: self._n]):
            name = self._names[j]
            label = f"x{j + 1} = {self._bits[j]}"
            b.setText(label if name == f"x{j + 1}" else f"{label}  ({name})")

        if sigmoid_on:
            self.lamp.setValue(out, f"{out:.3f}")
            z = p.z(x)
            terms = " + ".join(
                f"({fmt_number(w)})({x_j:.2f})" for w, x_j in zip(p.weights, x, strict=True)
            )
            sign = "+" if p.bias >= 0 else "-"
            self.sum_label.setText(
                f"z = {terms} {sign} {fmt_number(abs(p.bias))} = {z:.3f}\n"
                f"σ(c·z) = σ({fmt_number(self._c)} × {z:.3f}) = {out:.4f}"
            )
        else:
            self.lamp.setValue(out, str(int(out)))
            # keep "= 1 > 0 → 1" on one line when the sum wraps
            head, _, tail = describe_sum(p, x, self._form).rpartition(" = ")
            self.sum_label.setText(head + "\u00a0=\u00a0" + tail.replace(" ", "\u00a0"))

        self._refresh_table(p)
        self._refresh_challenge(p)
        self._refresh_plane(p, x)
        if sigmoid_on:
            self._refresh_sigmoid(p, x)

    def _refresh_table(self, p: Perceptron) -> None:
        sigmoid_on = self._mode == "sigmoid"
        z_name = "w·x" if self._form == "threshold" else "w·x + b"
        headers = [f"x{j + 1}" for j in range(self._n)] + [z_name, "out"]
        if sigmoid_on:
            headers.append("σ(c·z)")
        wanted = self._challenge.target_table() if self._challenge_active() else None
        if wanted is not None:
            headers.append("wanted")
        rows = input_rows(self._n)
        if headers != self._table_headers:
            self._rebuild_table(headers, len(rows))
        current = tuple(float(v) for v in self.inputs())
        plain, bold = QFont(self.table.font()), QFont(self.table.font())
        bold.setBold(True)
        no_brush, one_brush = QBrush(), QBrush(COLOR_ONE.darker(170))
        out_col = headers.index("out")
        current_row = None
        # Update texts and colours in place: building new items (or sizing columns to their
        # contents) on every slider step made dragging a 5-input weight sluggish.
        self.table.setUpdatesEnabled(False)
        for r, xr in enumerate(rows):
            o = p.output(xr)
            left = sum(w * v for w, v in zip(p.weights, xr, strict=True))
            z_shown = left if self._form == "threshold" else left + p.bias
            cells = [str(v) for v in xr] + [fmt_number(z_shown), str(o)]
            if sigmoid_on:
                cells.append(f"{sigmoid_output(p, xr, self._c):.4f}")
            if wanted is not None:
                cells.append(str(wanted[r][1]))
            is_current = tuple(float(v) for v in xr) == current
            wrong = wanted is not None and o != wanted[r][1]
            for c, text in enumerate(cells):
                item = self.table.item(r, c)
                if item.text() != text:
                    item.setText(text)
                item.setFont(bold if is_current else plain)
                if wrong and c in (out_col, len(cells) - 1):
                    item.setBackground(QBrush(_WRONG))
                else:
                    item.setBackground(QBrush(_ROW_HIGHLIGHT) if is_current else no_brush)
                tinted = is_current or (wrong and c in (out_col, len(cells) - 1))
                ink = QBrush(QColor(CELL_INK)) if tinted else no_brush  # readable when dark
                item.setForeground(one_brush if c == out_col and o else ink)
            if is_current:
                current_row = r
        self.table.setUpdatesEnabled(True)
        if current_row is not None:
            self.table.scrollToItem(self.table.item(current_row, 0))

    def _rebuild_table(self, headers: list[str], n_rows: int) -> None:
        """New columns or rows: make the items once and size the columns."""
        self._table_headers = headers
        self._fit_table_height(n_rows)
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setRowCount(n_rows)
        self.table.setHorizontalHeaderLabels(headers)
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        for c, name in enumerate(headers):
            if c < self._n:
                header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch)
            else:  # wide enough for the header and for values like "-12.25" or "0.9975"
                header.setSectionResizeMode(c, QHeaderView.ResizeMode.Fixed)
                width = max(metrics.horizontalAdvance(name), metrics.horizontalAdvance("-00.00"))
                header.resizeSection(c, width + 18)
        for r in range(n_rows):
            for c in range(len(headers)):
                item = QTableWidgetItem("")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(r, c, item)

    def _fit_table_height(self, n_rows: int) -> None:
        # As tall as its rows (no empty white box); with 16 or 32 rows it may shrink and scroll.
        row_h = self.table.verticalHeader().defaultSectionSize()
        header_h = self.table.horizontalHeader().sizeHint().height()
        full = header_h + n_rows * row_h + 2 * self.table.frameWidth() + 2
        self.table.setMaximumHeight(full)
        self.table.setMinimumHeight(min(full, header_h + 6 * row_h + 4))
        # the box no taller than the table plus its title and margins, so no empty band
        lm, bm = self.table_box.layout().contentsMargins(), self.table_box.contentsMargins()
        chrome = lm.top() + lm.bottom() + bm.top() + bm.bottom()
        self.table_box.setMaximumHeight(full + chrome)

    def _challenge_active(self) -> bool:
        return (
            self._challenge is not None
            and self._mode == "perceptron"
            and self._n == self._challenge.n_inputs
        )

    def _refresh_challenge(self, p: Perceptron) -> None:
        if self._challenge is None or not self._checked_once:
            return
        result = self._challenge.check(p)
        self.last_check = result
        colour = _PASS if result.passed else _FAIL
        message = result.message
        why = self._challenge.why_impossible
        if why and message.endswith(why):
            message = message[: -len(why)].rstrip()
        html = f"<p style='color:{colour}'>{'✔' if result.passed else '✘'} {escape(message)}</p>"
        if why and not result.passed:
            html += f"<p><b>Why it cannot pass:</b> {escape(why)}</p>"
        self.result_label.setText(html)

    def _refresh_plane(self, p: Perceptron, x) -> None:
        if self._n < 2:
            self.plane_stack.setCurrentWidget(self.plane_hint)
            return
        self.plane_stack.setCurrentWidget(self.plane_holder)
        # With more than 2 inputs, show the (x1, x2) slice through the current input.
        flat = slice_2d(p, x)
        held = tuple(x[2:])
        wanted = None
        if self._challenge_active():
            wanted = [int(self._challenge.target((a, b, *held))) for a, b in input_rows(2)]
        c = self._c if self._mode == "sigmoid" else None
        self.plane.update_neuron(flat, x[:2], sigmoid_c=c, wanted=wanted)
        threshold_form = self._form == "threshold" and self._mode == "perceptron"
        prefix = ""
        if held:
            values = ", ".join(
                f"x{j + 3} = {fmt_number(v) if self._mode == 'perceptron' else f'{v:.2f}'}"
                for j, v in enumerate(held)
            )
            folded = (
                f"threshold′ = {fmt_number(round(flat.threshold, 3))}"
                if threshold_form
                else f"b′ = {fmt_number(round(flat.bias, 3))}"
            )
            prefix = (
                f"Slice through (x1, x2) with {values} held; their terms join the "
                f"{'threshold' if threshold_form else 'bias'} ({folded}). "
            )
        if self._mode == "sigmoid":
            text = (
                "Shading: σ(c·z) from blue (0) to orange (1). Black line: z = 0, where the "
                "output is exactly 0.5 for every c. Red ring: the current input."
            )
        else:
            line = "w·x = threshold" if threshold_form else "w·x + b = 0"
            text = (
                f"Black line: {line}. Orange side: output 1, blue side: output 0. "
                "Red ring: the current input."
            )
        self.plane_caption.setText(prefix + text)
        self.plane_holder.relayout()

    def _refresh_sigmoid(self, p: Perceptron, x) -> None:
        z = p.z(x)
        self.sigma_plot.update_z(self._c * z)
        self.sigma_caption.setText(f"Red dot: c·z = {self._c * z:.3f}, σ = {self.output():.4f}")
        self.scale_plot.update_neuron(p, x, self._c)
        if z == 0:
            self.scale_caption.setText("z = 0 here (on the line): σ(c·z) stays 0.5 for every c.")
        else:
            self.scale_caption.setText(
                f"As c grows, σ(c·z) → {p.output(x)}, the perceptron's output (dashed)."
            )
        q = p.scaled(self._c)
        param = self.nudge_combo.currentText() or "b"
        delta = self.delta_spin.value()
        sc = small_change(q, x, param, delta)
        if param == "b":
            partial_text = f"∂output/∂b = σ′(z) = {sc.partial:.5f}"
        else:
            j = int(param[1:]) - 1
            partial_text = (
                f"∂output/∂{param} = σ′(z)·x{j + 1} = {output_partials(q, x)[1]:.5f}"
                f" × {x[j]:.2f} = {sc.partial:.5f}"
            )
        self.change_label.setText(
            f"On the neuron as run (weights and bias × c = {fmt_number(self._c)}):<br>"
            f"{partial_text}<br>"
            f"<b>Predicted</b> Δoutput ≈ {sc.partial:.5f} × {delta:g} = "
            f"<b>{sc.predicted:+.5f}</b><br>"
            f"<b>True</b> Δoutput = {sc.after:.5f} − {sc.before:.5f} = "
            f"<b>{sc.actual:+.5f}</b><br>"
            f"<span style='color:#555'>Difference {sc.error:+.2e}: it shrinks like Δ² as "
            f"Δ gets smaller.</span>"
        )
