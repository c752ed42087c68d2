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

    def __init__(
        self, label: QLabel, buttons: list[QPushButton], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.label, self.buttons = label, buttons
        self.kind = ""  # "", "info", "warning" or "error"
        # What the banner is about: "diagnosis" (of the run: goes with the run), "mnist" (an
        # offer that stays until MNIST is there), or "" (anything else).
        self.topic = ""
        for b in buttons:
            b.clicked.connect(lambda _c=False, b=b: self.action.emit(str(b.property("action"))))

    def show(
        self,
        text: str,
        kind: str = "info",
        actions: list[tuple[str, str]] | None = None,
        topic: str = "",
    ) -> None:
        """Show ``text``; each of ``actions`` = (button label, key) adds a button that emits
        ``action(key)``."""
        self.kind, self.topic = kind, topic
        self.label.setText(text)
        self.label.setProperty("kind", kind)  # for the style sheet's colours
        self.label.style().unpolish(self.label)
        self.label.style().polish(self.label)
        self.label.show()
        actions = list(actions or [])[: len(self.buttons)]
        for i, button in enumerate(self.buttons):
            if i < len(actions):
                button.setText(actions[i][0])
                button.setProperty("action", actions[i][1])
                button.show()
            else:
                button.hide()

    def hide(self, topic: str | None = None) -> None:
        """Hide the banner (only if it is about ``topic``, when given)."""
        if topic is not None and self.topic != topic:
            return
        self.label.hide()
        for b in self.buttons:
            b.hide()
        self.kind = self.topic = ""
        self.label.setProperty("kind", "")
