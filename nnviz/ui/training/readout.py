"""The run's numbers in type a room can read: epochs trained, test accuracy and cost.

TensorFlow Playground shows its losses in large type above the plots; nnviz had them only in
the status bar and the log. :class:`BigReadout` sits beside the cost and accuracy plots and
is shown or hidden from View > Big Readout.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QWidget

from nnviz.core.learning.snapshot import DONE, EPOCH, Progress
from nnviz.ui.style import set_role

BIG = 1.8  # the numbers' size, times the page's type


def readout_values(
    p: Progress | None, accuracy: float | None, cost_known: float = math.nan
) -> tuple[str, str, str]:
    """The three numbers as shown: epochs trained (to a tenth while an epoch runs), the
    latest test accuracy and the cost over the epoch so far ("–" for what is not known).
    ``cost_known``: the latest finite cost, for a record without one (a run's last record,
    DONE, carries none: the readout said "cost C –" at the end of every MNIST run)."""
    dash = "\u2013"
    if p is None:
        return dash, dash, dash
    done = p.epoch + (p.batch / p.batches_per_epoch if p.batches_per_epoch else 0.0)
    if p.kind in (EPOCH, DONE) or (p.batches_per_epoch and p.batch >= p.batches_per_epoch):
        done = float(p.epoch + 1)
    epochs = f"{done:.0f}" if done == int(done) else f"{done:.1f}"
    acc = dash if accuracy is None else f"{100 * accuracy:.2f}%"
    value = p.cost if math.isfinite(p.cost) else cost_known
    cost = dash if not math.isfinite(value) else f"{value:.4f}"
    return epochs, acc, cost


class BigReadout(QWidget):
    """Three numbers, each under a small caption, stacked in a narrow column."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Run readout: epochs trained, test accuracy and cost")
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        # Caption beside number, one row each: three rows of large type fit beside plots
        # that a 1280x720 projector leaves about 200 pixels high.
        layout = QGridLayout(self)
        layout.setContentsMargins(10, 2, 10, 2)
        layout.setHorizontalSpacing(8)
        layout.setVerticalSpacing(0)
        self.values: dict[str, QLabel] = {}
        for row, (key, caption) in enumerate(
            (("epochs", "epochs"), ("accuracy", "test"), ("cost", "cost C"))
        ):
            name = QLabel(caption)
            set_role(name, "hint")
            name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value = QLabel("\u2013")
            value.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            value.setAccessibleName({"accuracy": "test accuracy"}.get(key, caption))
            layout.addWidget(name, row, 0)
            layout.addWidget(value, row, 1)
            self.values[key] = value
        layout.setRowStretch(3, 1)
        self._accuracy: float | None = None
        self._cost = math.nan  # the latest finite cost shown
        self._shown: Progress | None = None  # the newest record shown
        self._fit_type()

    def show_progress(self, p: Progress | None) -> None:
        """Show ``p`` (a test accuracy it carries is kept until a newer one comes). A record
        older than the one shown (the plots are fed in turns) adds only its accuracy."""
        if p is None:
            self._accuracy, self._shown, self._cost = None, None, math.nan
        else:
            if p.test_accuracy is not None:
                self._accuracy = p.test_accuracy
            if self._shown is not None and p.examples_seen < self._shown.examples_seen:
                p = self._shown
            self._shown = p
            if math.isfinite(p.cost):
                self._cost = p.cost
        epochs, acc, cost = readout_values(p, self._accuracy, self._cost)
        self.values["epochs"].setText(epochs)
        self.values["accuracy"].setText(acc)
        self.values["cost"].setText(cost)

    def text(self) -> str:
        """What the readout says, in one line (tests and screen readers)."""
        return "  ".join(f"{k} {v.text()}" for k, v in self.values.items())

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt name
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_type()  # presenter mode's type: the numbers grow with it

    def _fit_type(self) -> None:
        big = QFont(self.font())
        big.setPointSizeF(self.font().pointSizeF() * BIG)
        big.setBold(True)
        for value in self.values.values():
            value.setFont(big)
            # As wide as its widest number, so the column never jumps while it counts.
            value.setMinimumWidth(value.fontMetrics().horizontalAdvance("100.00%") + 4)
