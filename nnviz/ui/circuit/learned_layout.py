"""The widgets of the "Learned vs hand-built" view and how they are laid out; what they do
is wired in :class:`nnviz.ui.circuit.learned_view.LearnedView`."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QBoxLayout,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QVBoxLayout,
)

from nnviz.ui.canvas.view import NetworkCanvas


def build_layout(view) -> None:
    """Make the Learned page's widgets as attributes of ``view`` (a LearnedView) and lay them
    out: the training settings and the comparison at the top, the two network drawings and
    the tables below."""
    view.hidden_edit = QLineEdit("4")
    view.hidden_edit.setToolTip("Hidden layer sizes, e.g. 4 or 4,3 (empty: none)")
    view.epochs_spin = QSpinBox()
    view.epochs_spin.setRange(1, 100000)
    view.epochs_spin.setValue(2000)
    view.eta_spin = QDoubleSpinBox()
    view.eta_spin.setRange(0.01, 100.0)
    view.eta_spin.setValue(4.0)
    view.eta_spin.setDecimals(2)
    view.seed_spin = QSpinBox()
    view.seed_spin.setRange(0, 10**6)
    view.seed_spin.setValue(1)
    view.train_button = QPushButton("Train")
    view.cancel_button = QPushButton("Cancel")
    view.cancel_button.setEnabled(False)
    view.progress_bar = QProgressBar()
    view.progress_bar.setFormat("%p%")
    view.status = QLabel("Press Train to fit a sigmoid network to this circuit's table.")
    view.status.setWordWrap(True)

    view.hidden_edit.setToolTip(
        "Sizes of the hidden layers, input side first: 4 is one hidden layer of 4 "
        "neurons, 4,3 is two layers (4 then 3); empty for none"
    )
    form = QFormLayout()
    form.addRow("Hidden layer sizes", view.hidden_edit)
    hidden_hint = QLabel("4 = one layer of 4 neurons; 4,3 = two layers")
    hidden_hint.setStyleSheet("color:#6b7280;")
    form.addRow("", hidden_hint)
    form.addRow("Epochs", view.epochs_spin)
    form.addRow("Learning rate η", view.eta_spin)
    form.addRow("Seed", view.seed_spin)
    buttons = QHBoxLayout()
    buttons.addWidget(view.train_button)
    buttons.addWidget(view.cancel_button)
    settings = QGroupBox("Learned network (SGD on the truth table)")
    sl = QVBoxLayout(settings)
    sl.addLayout(form)
    sl.addLayout(buttons)
    sl.addWidget(view.progress_bar)
    sl.addWidget(view.status)

    view.compare = QGridLayout()
    view.compare_labels = {}  # (row, column) -> QLabel
    heads = ["", "Hand-built (NAND perceptrons)", "Learned (sigmoid)"]
    for col, h in enumerate(heads):
        lab = QLabel(f"<b>{h}</b>")
        view.compare.addWidget(lab, 0, col)
    for row, key in enumerate(("sizes", "weights", "biases", "accuracy"), start=1):
        view.compare.addWidget(QLabel(key.capitalize()), row, 0)
        for col, who in enumerate(("hand", "learned"), start=1):
            lab = QLabel("–")
            lab.setWordWrap(True)  # long figures wrap instead of widening the page
            view.compare_labels[(who, key)] = lab
            view.compare.addWidget(lab, row, col)
    compare_box = QGroupBox("Side by side")
    compare_box.setLayout(view.compare)

    view.rows = QTableWidget()
    view.rows.verticalHeader().setVisible(False)
    view.rows.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    view.rows.verticalHeader().setDefaultSectionSize(22)
    # What each hidden neuron computes, row by row: the hand-built units (gates and
    # relays) beside the learned sigmoid neurons.
    view.hidden_rows = QTableWidget()
    view.hidden_rows.verticalHeader().setVisible(False)
    view.hidden_rows.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    view.hidden_rows.verticalHeader().setDefaultSectionSize(22)
    view.hidden_rows.setToolTip(
        "Each hidden neuron's output on every input row: the hand-built units give 0 or "
        "1; the learned ones a sigmoid value (shown with the bit it rounds to)"
    )

    # The two networks drawn alike: weights as coloured edges, biases as rings.
    view.hand_canvas = NetworkCanvas()
    view.learned_canvas = NetworkCanvas()
    drawings = QSplitter(Qt.Orientation.Horizontal)
    for title, canvas in (
        ("Hand-built: the circuit as layered perceptrons", view.hand_canvas),
        ("Learned by SGD on the truth table", view.learned_canvas),
    ):
        canvas.set_legend_visible(False)
        canvas.setMinimumSize(200, 200)
        box = QGroupBox(title)
        QVBoxLayout(box).addWidget(canvas)
        drawings.addWidget(box)

    tables = QSplitter(Qt.Orientation.Horizontal)
    for title, table in (
        ("Outputs on every row", view.rows),
        ("What each hidden neuron computes", view.hidden_rows),
    ):
        box = QGroupBox(title)
        QVBoxLayout(box).addWidget(table)
        tables.addWidget(box)

    # Side by side where there is room, stacked where there is not (LearnedView.fit_width).
    view.top = top = QBoxLayout(QBoxLayout.Direction.LeftToRight)
    top.addWidget(settings, 1)
    top.addWidget(compare_box, 2)
    view.settings_box, view.compare_box = settings, compare_box
    view.drawings, view.tables = drawings, tables
    body = QSplitter(Qt.Orientation.Vertical)
    body.addWidget(drawings)
    body.addWidget(tables)
    body.setSizes([300, 300])
    layout = QVBoxLayout(view)
    layout.setContentsMargins(6, 6, 6, 6)
    layout.addLayout(top)
    layout.addWidget(body, 1)
