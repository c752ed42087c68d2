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

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QSizePolicy,
    QWidget,
)

from nnviz.core.perceptron import (
    CHALLENGES,
    MAX_INPUTS,
    PRESETS,
    Challenge,
    CheckResult,
    Perceptron,
    input_rows,
    sigmoid_output,
    slice_2d,
)
from nnviz.ui.accessibility import describe
from nnviz.ui.pages import ViewTabs, restore_tabs, tab_states
from nnviz.ui.perceptron.lab_layout import (
    START_BIAS,
    START_C,
    START_INPUTS,
    START_REAL,
    START_WEIGHT,
    build_layout,
)
from nnviz.ui.perceptron.lab_text import (
    plane_caption,
    plane_description,
    small_change_html,
    sum_text,
    verdict_html,
)


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

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        # The model: all MAX_INPUTS weights are kept; only the first n are in use.
        self._weights = [START_WEIGHT] * MAX_INPUTS
        self._bias = START_BIAS
        self._n = START_INPUTS
        self._bits = [0] * MAX_INPUTS
        self._reals = [START_REAL] * MAX_INPUTS
        self._mode = "perceptron"
        self._form = "bias"
        self._c = START_C
        self._names = tuple(f"x{j + 1}" for j in range(MAX_INPUTS))
        self._undo: _Saved | None = None
        self._challenge: Challenge | None = None
        self._checked_once = False  # show a challenge's verdict only after the first Check
        self.last_check: CheckResult | None = None

        self._compact = False  # presenter mode: only what a slide needs (set_compact)
        build_layout(self)
        self.view_tabs = [
            ViewTabs(self.plots_tabs, ["plane", "sigma"]),
            ViewTabs(self.extras_tabs, ["small_changes", "scaling"]),
        ]
        self._connect()

        self._apply_mode()
        self._apply_n()
        self._refresh()

    def _connect(self) -> None:
        self.sigmoid_radio.toggled.connect(self._on_mode_toggled)
        self.threshold_radio.toggled.connect(self._on_form_toggled)
        self.n_spin.valueChanged.connect(self._on_n_changed)
        self.preset_combo.activated.connect(self._on_preset_activated)
        self.undo_button.clicked.connect(self._on_undo)
        for j, row in enumerate(self.weight_rows):
            row.valueChanged.connect(lambda v, j=j: self._on_weight(j, v))
        self.bias_row.valueChanged.connect(self._on_bias_row)
        self.c_row.valueChanged.connect(self._on_c)
        for j, button in enumerate(self.input_buttons):
            button.toggled.connect(lambda on, j=j: self._on_bit(j, on))
        for j, row in enumerate(self.input_sliders):
            row.valueChanged.connect(lambda v, j=j: self._on_real(j, v))
        self.table.cellClicked.connect(self._on_table_clicked)
        self.challenge_combo.currentIndexChanged.connect(self._on_challenge_changed)
        self.check_button.clicked.connect(self._on_check)
        self.hint_button.clicked.connect(self._on_hint)
        self.nudge_combo.currentIndexChanged.connect(lambda _i: self._refresh())
        self.delta_spin.valueChanged.connect(lambda _v: self._refresh())

    def resizeEvent(self, event) -> None:
        self._fit_settings()
        super().resizeEvent(event)

    def _fit_settings(self) -> None:
        """The settings column is as wide as its widest row needs in the current type (it
        never cuts a button), and a little wider on wide windows so the sum fits."""
        scroll = self.settings_scroll
        need = (
            scroll.widget().minimumSizeHint().width()
            + scroll.verticalScrollBar().sizeHint().width()
        )
        scroll.setFixedWidth(max(need, min(480, round(self.width() * 0.33))))

    def set_presentation(self, scale: float, dark: bool = False) -> None:
        """New type: the settings column follows its rows' new widths."""
        QTimer.singleShot(0, self, self._fit_settings)  # once the new fonts are laid out

    def set_compact(self, on: bool) -> None:
        """Presenter mode: the challenge, the preset's description (the lecture says it; the
        preset's tooltip keeps it) and a sigmoid's output box make room for the lesson's
        plots (the truth table shows the output of every input)."""
        self._compact = bool(on)
        self._apply_mode()

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
        self.preset_combo.setToolTip(preset.explanation)  # where compact mode shows it

    # -- the page's state (sessions and deck steps; nnviz.ui.pages) ------------------------------
    def state(self) -> dict:
        state = {"neuron": "sigmoid" if self.sigmoid_radio.isChecked() else "perceptron"}
        key = self.preset_combo.currentData()
        if key:
            state["perceptron"] = str(key)
        state["c"] = float(self._c)
        state["tabs"] = tab_states(self)
        return state

    def restore(self, state: dict) -> None:
        """The kind of neuron (``neuron``), a preset (``perceptron``), the scale ``c`` and the
        plots shown (``tabs``)."""
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
        restore_tabs(self, state.get("tabs"))

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
        self.plots_tabs.setTabVisible(1, sigmoid_on)  # σ(z) beside the plane
        if not sigmoid_on:
            self.plots_tabs.setCurrentIndex(0)
        self.extras_tabs.setVisible(sigmoid_on)
        self.challenge_box.setVisible(not sigmoid_on and not self._compact)
        self.preset_label.setVisible(not self._compact)
        self.output_box.setVisible(not (sigmoid_on and self._compact))
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

        self.lamp.setValue(out, f"{out:.3f}" if sigmoid_on else str(int(out)))
        self.sum_label.setText(sum_text(p, x, self._form, self._c if sigmoid_on else None))

        self.table_box.show_neuron(
            p,
            self._n,
            self._form,
            self._c if self._mode == "sigmoid" else None,
            self._challenge.target_table() if self._challenge_active() else None,
            tuple(float(v) for v in self.inputs()),
        )
        self._refresh_challenge(p)
        self._refresh_plane(p, x)
        if sigmoid_on:
            self._refresh_sigmoid(p, x)

    def _challenge_active(self) -> bool:
        return (
            self._challenge is not None
            and self._mode == "perceptron"
            and self._n == self._challenge.n_inputs
        )

    def _refresh_challenge(self, p: Perceptron) -> None:
        if self._challenge is None or not self._checked_once:
            return
        self.last_check = self._challenge.check(p)
        self.result_label.setText(verdict_html(self.last_check, self._challenge.why_impossible))

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
        self.plane_caption.setText(plane_caption(flat, held, self._mode, threshold_form))
        self.plane_holder.relayout()
        describe(self.plane, plane_description(flat, x[:2], c))

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
        param = self.nudge_combo.currentText() or "b"
        self.change_label.setText(
            small_change_html(p.scaled(self._c), x, param, self.delta_spin.value(), self._c)
        )
