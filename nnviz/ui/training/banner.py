"""The Training page's banner: one line of advice or warning above the canvas, sometimes with
a button (Download MNIST, Try seed 2). What it says of a run that is behind comes from
:func:`nnviz.core.learning.diagnosis.diagnose_run`.

The banner's state is a plain attribute (``kind``); the label's ``kind`` property is only
for the style sheet to colour it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QPushButton


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
