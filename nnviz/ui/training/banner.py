"""The Training page's banner: one line of advice or warning above the canvas, sometimes with
a button (Download MNIST, Try seed 2), and the diagnosis it shows for a run that is behind.

The banner's state is a plain attribute (``kind``); the label's ``kind`` property is only
for the style sheet to colour it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QPushButton

from nnviz.core.datasets.dataset import Dataset
from nnviz.core.learning.diagnosis import Diagnosis, diagnose, output_peaks, saturation
from nnviz.core.learning.snapshot import CHUNK, EPOCH, Progress, Snapshot

LOOK_INSIDE_BELOW = 0.9  # only a run this far behind pays for a forward pass over examples
SAMPLE = 1000  # test examples the diagnosis looks at


class RunBanner(QObject):
    """Shows and hides the banner; ``action(key)`` when its button is pressed."""

    action = Signal(str)

    def __init__(self, label: QLabel, button: QPushButton, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.label, self.button = label, button
        self.kind = ""  # "", "info", "warning" or "error"
        button.clicked.connect(lambda: self.action.emit(str(button.property("action"))))

    def show(self, text: str, kind: str = "info", action: tuple[str, str] | None = None) -> None:
        """Show ``text``; ``action`` = (button label, key) adds a button that emits
        ``action(key)``."""
        self.kind = kind
        self.label.setText(text)
        self.label.setProperty("kind", kind)  # for the style sheet's colours
        self.label.style().unpolish(self.label)
        self.label.style().polish(self.label)
        self.label.show()
        if action is None:
            self.button.hide()
        else:
            self.button.setText(action[0])
            self.button.setProperty("action", action[1])
            self.button.show()

    def hide(self) -> None:
        self.label.hide()
        self.button.hide()
        self.kind = ""
        self.label.setProperty("kind", "")


def diagnose_run(
    snapshot: Snapshot, dataset: Dataset | None, records: list[Progress]
) -> Diagnosis | None:
    """What holds the run back at ``snapshot`` (an epoch's), from its own numbers: the
    costs of its records and, for a run that is behind, a look at its outputs and sigmoids
    on the first test examples."""
    p = snapshot.progress
    acc = p.test_accuracy
    if dataset is None or acc is None or not dataset.is_classification:
        return None
    chance = 1.0 / dataset.n_outputs
    costs = [r.cost for r in records if r.kind == CHUNK and r.cost == r.cost][:1]
    costs += [r.cost for r in records if r.kind == EPOCH]
    saturated = peaks = recalls = None
    head = dataset.test.head(SAMPLE)
    if acc < LOOK_INSIDE_BELOW and head.labels is not None:
        sample = dataset.inputs(head, snapshot.weights[0].dtype)
        peaks, recalls = output_peaks(snapshot.weights, snapshot.biases, sample, head.labels)
        if acc < 2 * chance:
            saturated = saturation(snapshot.weights, snapshot.biases, sample[:, :300])
    return diagnose(costs, acc, chance, p.eta, saturated, peaks, recalls)
