"""The training studio's control panel: presets, hyper-parameters, transport buttons, speed."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.datasets.catalog import DATASET_NAMES
from nnviz.core.learning.network import parse_sizes
from nnviz.core.learning.presets import Preset
from nnviz.core.learning.run import MAX_SEED, RunSpec
from nnviz.ui.style import set_role

# (label, mini-batches per second; 0 = full speed)
SPEEDS = [
    ("Full speed", 0.0),
    ("100 mini-batches/s", 100.0),
    ("20 mini-batches/s", 20.0),
    ("5 mini-batches/s", 5.0),
    ("1 mini-batch/s", 1.0),
]

DATASET_LABELS = {
    "mnist": "MNIST (28x28, 60,000 + 10,000)",
    "digits": "Digits (8x8, built in)",
    "and": "Truth table: AND",
    "or": "Truth table: OR",
    "nand": "Truth table: NAND",
    "xor": "Truth table: XOR",
    "half_adder": "Truth table: half adder",
    "full_adder": "Truth table: full adder",
}


class TrainingControls(QWidget):
    """Emits what the user asks for; the studio decides what it means."""

    play_toggled = Signal()
    step_clicked = Signal()
    step_epoch_clicked = Signal()
    reset_clicked = Signal()
    preset_chosen = Signal(object)  # Preset
    settings_edited = Signal()  # anything but eta
    eta_edited = Signal(float)
    speed_changed = Signal(float)

    def __init__(self, presets: list[Preset], parent=None) -> None:
        super().__init__(parent)
        self.presets = presets
        style = self.style()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)

        box = QGroupBox("Experiment")
        v = QVBoxLayout(box)
        self.preset_combo = QComboBox()
        self.preset_combo.addItem("Choose a preset...", None)
        for p in presets:
            self.preset_combo.addItem(p.title, p.key)
        self.preset_combo.setToolTip("One click sets up an experiment from the book")
        self.preset_combo.activated.connect(self._on_preset_activated)
        v.addWidget(self.preset_combo)
        self.lesson = QLabel()
        self.lesson.setWordWrap(True)
        set_role(self.lesson, "lesson")
        self.lesson.setTextFormat(Qt.TextFormat.PlainText)
        v.addWidget(self.lesson)
        outer.addWidget(box)

        box = QGroupBox("Network and data")
        form = QFormLayout(box)
        self.dataset_combo = QComboBox()
        for name in DATASET_NAMES:
            self.dataset_combo.addItem(DATASET_LABELS.get(name, name), name)
        self.sizes_edit = QLineEdit()
        self.sizes_edit.setToolTip(
            "Layer sizes from input to output, e.g. 784,30,10. Any number of hidden layers."
        )
        self.sizes_error = QLabel()
        set_role(self.sizes_error, "error")
        self.sizes_error.setWordWrap(True)
        self.sizes_error.hide()
        # A double spin box holds every seed numpy takes (0 to 2^32 - 1) exactly; an int
        # spin box stops at 2^31 - 1 and cannot show a seed a saved network may carry.
        self.seed_spin = QDoubleSpinBox()
        self.seed_spin.setDecimals(0)
        self.seed_spin.setRange(0, MAX_SEED)
        self.dtype_combo = QComboBox()
        self.dtype_combo.addItems(["float32", "float64"])
        self.dtype_combo.setToolTip(
            "float32 trains faster; float64 matches the book's numbers to more digits"
        )
        form.addRow("Data set", self.dataset_combo)
        form.addRow("Layer sizes", self.sizes_edit)
        form.addRow("", self.sizes_error)
        form.addRow("Seed", self.seed_spin)
        form.addRow("Numbers", self.dtype_combo)
        outer.addWidget(box)

        box = QGroupBox("Learning")
        form = QFormLayout(box)
        self.eta_spin = QDoubleSpinBox()
        self.eta_spin.setDecimals(4)
        self.eta_spin.setRange(0.0001, 1000.0)
        self.eta_spin.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
        self.eta_spin.setToolTip("Learning rate eta: changes apply from the next mini-batch")
        self.batch_spin = QSpinBox()
        self.batch_spin.setRange(1, 60000)
        self.epochs_spin = QSpinBox()
        self.epochs_spin.setRange(1, 100000)
        form.addRow("Learning rate \u03b7", self.eta_spin)
        form.addRow("Mini-batch size", self.batch_spin)
        form.addRow("Epochs", self.epochs_spin)
        outer.addWidget(box)

        box = QGroupBox("Run")
        v = QVBoxLayout(box)
        grid = QGridLayout()
        self.play_button = QPushButton(
            style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay), "Play"
        )
        self.play_button.setToolTip("Play / pause training (Space)")
        self.step_button = QPushButton(
            style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekForward), "Step"
        )
        self.step_button.setToolTip("Train one mini-batch (Right arrow)")
        self.epoch_button = QPushButton(
            style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipForward), "Epoch"
        )
        self.epoch_button.setToolTip("Train to the end of this epoch (Shift+Right)")
        self.reset_button = QPushButton(
            style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload), "Reset"
        )
        self.reset_button.setToolTip("New weights from the seed, with the settings above (R)")
        buttons = (self.play_button, self.step_button, self.epoch_button, self.reset_button)
        for i, b in enumerate(buttons):
            # Tab reaches them, a click does not focus them: after clicking Step, Space
            # still plays (a focused button takes Space itself, see focus_keys).
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            grid.addWidget(b, i // 2, i % 2)
        v.addLayout(grid)
        row = QHBoxLayout()
        row.addWidget(QLabel("Speed"))
        self.speed_combo = QComboBox()
        for label, rate in SPEEDS:
            self.speed_combo.addItem(label, rate)
        self.speed_combo.setToolTip(
            "Slow training down to watch single mini-batches change the network"
        )
        row.addWidget(self.speed_combo, 1)
        v.addLayout(row)
        self.pending_label = QLabel("Changed settings apply on Reset.")
        set_role(self.pending_label, "hint")
        self.pending_label.setWordWrap(True)
        self.pending_label.hide()
        v.addWidget(self.pending_label)
        outer.addWidget(box)
        outer.addStretch(1)

        self.play_button.clicked.connect(self.play_toggled)
        self.step_button.clicked.connect(self.step_clicked)
        self.epoch_button.clicked.connect(self.step_epoch_clicked)
        self.reset_button.clicked.connect(self.reset_clicked)
        self.eta_spin.valueChanged.connect(self.eta_edited)
        self.speed_combo.currentIndexChanged.connect(
            lambda _i: self.speed_changed.emit(float(self.speed_combo.currentData()))
        )
        for w in (self.dataset_combo, self.dtype_combo):
            w.currentIndexChanged.connect(self._on_settings_edited)
        for w in (self.seed_spin, self.batch_spin, self.epochs_spin):
            w.valueChanged.connect(self._on_settings_edited)
        self.sizes_edit.editingFinished.connect(self._on_settings_edited)

    # -- reading and writing -------------------------------------------------------------
    def settings(self) -> RunSpec:
        """The settings shown; raises ValueError (and shows it) for bad layer sizes."""
        try:
            sizes = tuple(parse_sizes(self.sizes_edit.text()))
        except ValueError as exc:
            self.sizes_error.setText(str(exc))
            self.sizes_error.show()
            raise
        self.sizes_error.hide()
        return RunSpec(
            dataset=self.dataset_combo.currentData(),
            sizes=sizes,
            eta=self.eta_spin.value(),
            batch_size=self.batch_spin.value(),
            epochs=self.epochs_spin.value(),
            seed=int(self.seed_spin.value()),
            dtype=self.dtype_combo.currentText(),
        )

    def show_settings(self, s: RunSpec) -> None:
        widgets = (
            self.dataset_combo,
            self.sizes_edit,
            self.seed_spin,
            self.dtype_combo,
            self.eta_spin,
            self.batch_spin,
            self.epochs_spin,
        )
        for w in widgets:
            w.blockSignals(True)
        try:
            self.dataset_combo.setCurrentIndex(max(0, self.dataset_combo.findData(s.dataset)))
            self.sizes_edit.setText(",".join(str(n) for n in s.sizes))
            self.seed_spin.setValue(s.seed or 0)
            self.dtype_combo.setCurrentText(s.dtype)
            self.eta_spin.setValue(s.eta)
            self.batch_spin.setValue(s.batch_size)
            self.epochs_spin.setValue(s.epochs)
        finally:
            for w in widgets:
                w.blockSignals(False)
        self.sizes_error.hide()

    def set_playing(self, playing: bool) -> None:
        style = self.style()
        sp = QStyle.StandardPixmap
        icon = sp.SP_MediaPause if playing else sp.SP_MediaPlay
        self.play_button.setIcon(style.standardIcon(icon))
        self.play_button.setText("Pause" if playing else "Play")
        self.step_button.setEnabled(not playing)
        self.epoch_button.setEnabled(not playing)

    def set_lesson(self, text: str) -> None:
        self.lesson.setText(text)
        self.lesson.setVisible(bool(text))

    def set_pending(self, pending: bool) -> None:
        self.pending_label.setVisible(pending)

    def choose_preset(self, key: str) -> None:
        """Select and apply the preset with ``key`` (as if the user picked it)."""
        index = self.preset_combo.findData(key)
        if index < 0:
            raise KeyError(key)
        self.preset_combo.setCurrentIndex(index)
        self._on_preset_activated(index)

    # -- events ------------------------------------------------------------------------------
    def _on_preset_activated(self, index: int) -> None:
        key = self.preset_combo.itemData(index)
        preset = next((p for p in self.presets if p.key == key), None)
        if preset is not None:
            self.preset_chosen.emit(preset)

    def _on_settings_edited(self, *_args) -> None:
        self.settings_edited.emit()
