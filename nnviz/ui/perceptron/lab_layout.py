"""The Perceptrons page's widgets and how they are laid out: the neuron's settings at the
left, the truth table, challenge and the scaling plot in the middle, the decision plane and
σ(z) at the right. What the widgets do is wired in :class:`PerceptronLab`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.perceptron import CHALLENGES, MAX_INPUTS, PRESETS
from nnviz.ui.accessibility import set_name
from nnviz.ui.fit_scroll import size_to_current_tab
from nnviz.ui.perceptron.lab_table import TruthTableBox
from nnviz.ui.perceptron.plots import DecisionPlane, ScalePlot, SigmoidPlot, SquareHolder
from nnviz.ui.perceptron.widgets import Lamp, ParamRow
from nnviz.ui.style import set_role

WEIGHT_RANGE = (-10.0, 10.0)
C_RANGE = (0.1, 100.0)
# The neuron the page opens with: two inputs, each weight 1 and bias -1.5 (an AND gate).
START_WEIGHT = 1.0
START_BIAS = -1.5
START_INPUTS = 2
START_REAL = 0.5
START_C = 1.0


def build_layout(lab) -> None:
    """Make the page's widgets as attributes of ``lab`` and lay them out.

    The σ(z) plot shares the right column with the decision plane, and the two sigmoid
    experiments share a place in the middle, as tabs: on a 1280x720 projector with large
    type the page has room for one of each (a lecture deck picks which, by view id).
    """
    left = QVBoxLayout()
    left.addWidget(build_neuron_box(lab))
    left.addWidget(build_params_box(lab))
    left.addWidget(build_inputs_box(lab))
    left.addStretch(1)
    left_widget = QWidget()
    left_widget.setLayout(left)
    scroll = lab.settings_scroll = QScrollArea()
    scroll.setWidget(left_widget)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setMinimumWidth(400)

    lab.extras_tabs = size_to_current_tab(
        _tabs(
            (build_small_change_box(lab), "Small changes"), (build_scale_box(lab), "Scaling by c")
        )
    )
    middle = QVBoxLayout()
    middle.addWidget(build_table_box(lab), 0)
    middle.addWidget(build_output_box(lab), 0)
    middle.addWidget(build_challenge_box(lab), 0)
    middle.addWidget(lab.extras_tabs, 1)

    lab.plots_tabs = size_to_current_tab(
        _tabs((build_plane_box(lab), "Decision plane"), (build_sigma_box(lab), "σ(z) and the step"))
    )

    outer = QHBoxLayout(lab)
    outer.addWidget(scroll, 0)
    outer.addLayout(middle, 4)
    outer.addWidget(lab.plots_tabs, 3)


def _tabs(*boxes: tuple[QGroupBox, str]) -> QTabWidget:
    """``boxes`` as tabs with short names (the boxes' longer titles become tooltips)."""
    tabs = QTabWidget()
    for i, (box, name) in enumerate(boxes):
        tabs.addTab(box, name)
        tabs.setTabToolTip(i, box.title())
        box.setTitle("")
        box.setFlat(True)
    return tabs


def _choice(form: QFormLayout, title: str, first: QRadioButton, second: QRadioButton):
    """Two exclusive options side by side in a form row, the first one chosen."""
    first.setChecked(True)
    group = QButtonGroup(form.parentWidget())
    row = QHBoxLayout()
    for button in (first, second):
        group.addButton(button)
        row.addWidget(button)
    row.addStretch(1)
    form.addRow(title, row)
    return group


def build_neuron_box(lab) -> QGroupBox:
    box = QGroupBox("Neuron")
    form = QFormLayout(box)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

    lab.perceptron_radio = QRadioButton("Perceptron")
    lab.sigmoid_radio = QRadioButton("Sigmoid neuron")
    lab.mode_group = _choice(form, "Kind:", lab.perceptron_radio, lab.sigmoid_radio)

    lab.bias_radio = QRadioButton("w·x + b > 0")
    lab.threshold_radio = QRadioButton("w·x > threshold")
    lab.bias_radio.setToolTip("Bias form: b = -threshold")
    lab.threshold_radio.setToolTip("Threshold form, as the perceptron was first defined")
    lab.form_group = _choice(form, "Fires when:", lab.bias_radio, lab.threshold_radio)

    lab.n_spin = QSpinBox()
    lab.n_spin.setRange(1, MAX_INPUTS)
    lab.n_spin.setValue(START_INPUTS)
    lab.n_spin.setToolTip("Weights of hidden inputs are kept for when you add them back")
    form.addRow("Inputs:", lab.n_spin)

    lab.preset_combo = QComboBox()
    lab.preset_combo.addItem("Choose a preset…", None)
    for p in PRESETS:
        lab.preset_combo.addItem(p.name, p.key)
    lab.preset_combo.setSizeAdjustPolicy(
        QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
    )
    lab.preset_combo.setMinimumContentsLength(16)
    lab.undo_button = QPushButton("Undo")
    lab.undo_button.setToolTip("Restore the weights and bias from before the preset")
    lab.undo_button.setEnabled(False)
    preset_row = QHBoxLayout()
    preset_row.addWidget(lab.preset_combo, 1)
    preset_row.addWidget(lab.undo_button)
    form.addRow("Preset:", preset_row)

    lab.preset_label = QLabel("")
    lab.preset_label.setWordWrap(True)
    set_role(lab.preset_label, "hint")  # themed (dark grey, or light grey when dark)
    form.addRow(lab.preset_label)
    return box


def build_params_box(lab) -> QGroupBox:
    box = QGroupBox("Weights and bias")
    layout = QVBoxLayout(box)
    layout.setSpacing(4)
    lab.weight_rows = []
    for j in range(MAX_INPUTS):
        row = ParamRow(f"w{j + 1}", *WEIGHT_RANGE, value=START_WEIGHT)
        layout.addWidget(row)
        lab.weight_rows.append(row)
    lab.bias_row = ParamRow("b", *WEIGHT_RANGE, value=START_BIAS)
    layout.addWidget(lab.bias_row)
    lab.c_row = ParamRow("scale c", *C_RANGE, value=START_C, step=0.5, log=True)
    lab.c_row.setToolTip("Every weight and the bias are multiplied by c")
    layout.addWidget(lab.c_row)
    return box


def build_inputs_box(lab) -> QGroupBox:
    box = QGroupBox("Inputs")
    layout = QVBoxLayout(box)
    lab.input_stack = QStackedWidget()
    toggles = QWidget()
    grid = lab.toggle_grid = QGridLayout(toggles)
    grid.setContentsMargins(0, 0, 0, 0)
    lab.input_buttons = []
    for j in range(MAX_INPUTS):
        b = QPushButton()
        b.setCheckable(True)
        b.setMinimumHeight(30)
        # a lit toggle reads as "1" at a glance, in the lamp's colour
        # (No font rule here: a style sheet's font is fixed when it is applied, and the
        # buttons then kept 12 px type in presenter mode.)
        b.setStyleSheet(
            "QPushButton { padding: 4px 8px; }"
            "QPushButton:checked { background: #f3c35a; border: 1px solid #a87400;"
            " border-radius: 3px; color: #111827; }"
        )
        grid.addWidget(b, j // 2, j % 2)
        lab.input_buttons.append(b)
    lab.input_stack.addWidget(toggles)
    sliders = QWidget()
    slider_layout = QVBoxLayout(sliders)
    slider_layout.setContentsMargins(0, 0, 0, 0)
    slider_layout.setSpacing(4)
    lab.input_sliders = []
    for j in range(MAX_INPUTS):
        row = ParamRow(f"x{j + 1}", 0.0, 1.0, value=START_REAL, step=0.05, slider_resolution=0.01)
        slider_layout.addWidget(row)
        lab.input_sliders.append(row)
    lab.input_stack.addWidget(sliders)
    layout.addWidget(lab.input_stack)
    return box


def build_output_box(lab) -> QGroupBox:
    box = lab.output_box = QGroupBox("Output")
    layout = QHBoxLayout(box)
    lab.lamp = Lamp()
    lab.lamp.setFixedSize(76, 76)
    layout.addWidget(lab.lamp)
    lab.sum_label = QLabel()
    lab.sum_label.setWordWrap(True)
    lab.sum_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    mono = QFont("DejaVu Sans Mono")
    mono.setStyleHint(QFont.StyleHint.Monospace)
    lab.sum_label.setFont(mono)
    lab.sum_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    layout.addWidget(lab.sum_label, 1)
    return box


def build_table_box(lab) -> QGroupBox:
    box = lab.table_box = TruthTableBox()
    lab.table = box.table
    return box


def build_challenge_box(lab) -> QGroupBox:
    lab.challenge_box = QGroupBox("Challenge")
    layout = QVBoxLayout(lab.challenge_box)
    row = QHBoxLayout()
    lab.challenge_combo = QComboBox()
    lab.challenge_combo.addItem("No challenge", None)
    for c in CHALLENGES:
        lab.challenge_combo.addItem(c.name, c.key)
    # size by a short text, not by the longest entry, so the column can stay narrow
    lab.challenge_combo.setSizeAdjustPolicy(
        QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
    )
    lab.challenge_combo.setMinimumContentsLength(10)
    lab.check_button = QPushButton("Check")
    lab.check_button.setEnabled(False)
    lab.hint_button = QPushButton("Hint")
    lab.hint_button.setEnabled(False)
    row.addWidget(lab.challenge_combo, 1)
    row.addWidget(lab.hint_button)
    row.addWidget(lab.check_button)
    layout.addLayout(row)
    lab.task_label = QLabel("Pick a gate, set the weights and bias, then press Check.")
    lab.task_label.setWordWrap(True)
    layout.addWidget(lab.task_label)
    lab.hint_label = QLabel("")
    lab.hint_label.setWordWrap(True)
    set_role(lab.hint_label, "hint")  # themed (dark grey, or light grey when dark)
    lab.hint_label.setVisible(False)
    layout.addWidget(lab.hint_label)
    lab.result_label = QLabel("")
    lab.result_label.setWordWrap(True)
    lab.result_label.setTextFormat(Qt.TextFormat.RichText)
    lab.result_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    lab.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    layout.addWidget(lab.result_label, 1)
    return lab.challenge_box


def build_small_change_box(lab) -> QGroupBox:
    lab.small_box = QGroupBox("Small changes (equation 5)")
    layout = QVBoxLayout(lab.small_box)
    row = QHBoxLayout()
    row.addWidget(QLabel("Nudge"))
    lab.nudge_combo = QComboBox()
    row.addWidget(lab.nudge_combo)
    row.addWidget(QLabel("by Δ ="))
    lab.delta_spin = QDoubleSpinBox()
    lab.delta_spin.setRange(-5.0, 5.0)
    lab.delta_spin.setDecimals(3)
    lab.delta_spin.setSingleStep(0.05)
    lab.delta_spin.setValue(0.1)
    lab.delta_spin.setKeyboardTracking(False)
    row.addWidget(lab.delta_spin)
    row.addStretch(1)
    layout.addLayout(row)
    lab.change_label = QLabel()
    lab.change_label.setWordWrap(True)
    lab.change_label.setTextFormat(Qt.TextFormat.RichText)
    lab.change_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    layout.addWidget(lab.change_label, 1)
    return lab.small_box


def build_plane_box(lab) -> QGroupBox:
    box = lab.plane_box = QGroupBox("Decision plane")
    layout = QVBoxLayout(box)
    lab.plane_stack = QStackedWidget()
    lab.plane = DecisionPlane()
    set_name(lab.plane, "Decision plane: the inputs the perceptron sends to 1 and to 0")
    lab.plane_caption = QLabel()
    lab.plane_caption.setWordWrap(True)
    set_role(lab.plane_caption, "hint")  # themed (dark grey, or light grey when dark)
    lab.plane_holder = SquareHolder(lab.plane, lab.plane_caption)
    lab.plane_holder.setMinimumSize(240, 280)
    lab.plane_stack.addWidget(lab.plane_holder)
    lab.plane_hint = QLabel(
        "With one input there is no plane: the neuron fires when w1·x1 + b > 0, "
        "i.e. on one side of the single point x1 = -b / w1. "
        "Set Inputs to 2 or more to see the decision plane."
    )
    lab.plane_hint.setWordWrap(True)  # unwrapped, its lines made the page too wide
    lab.plane_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
    lab.plane_hint.setStyleSheet("color: #555;")
    lab.plane_stack.addWidget(lab.plane_hint)
    layout.addWidget(lab.plane_stack, 1)
    return box


def build_sigma_box(lab) -> QGroupBox:
    lab.sigma_box = QGroupBox("σ(z) and the step function")
    layout = QVBoxLayout(lab.sigma_box)
    lab.sigma_plot = SigmoidPlot()
    lab.sigma_plot.setMinimumSize(220, 170)
    layout.addWidget(lab.sigma_plot, 1)
    lab.sigma_caption = QLabel()
    layout.addWidget(lab.sigma_caption)
    return lab.sigma_box


def build_scale_box(lab) -> QGroupBox:
    lab.scale_box = QGroupBox("Scaling every weight and the bias by c")
    layout = QVBoxLayout(lab.scale_box)
    lab.scale_plot = ScalePlot()
    lab.scale_plot.setMinimumSize(220, 160)
    layout.addWidget(lab.scale_plot, 1)
    lab.scale_caption = QLabel()
    lab.scale_caption.setWordWrap(True)
    layout.addWidget(lab.scale_caption)
    return lab.scale_box
