"""The card that answers a hover on the canvas: a neuron's or an edge's numbers, near the mouse.

A child of the canvas's viewport rather than a tooltip: it shows at once, stays while the
mouse rests, follows the numbers as training changes them, grows with presenter mode, and
needs no separate tooltip window (which some window systems never show for an inactive
window).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QWidget

OFFSET = 16  # pixels between the mouse and the card


class HoverCard(QLabel):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("hoverCard")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setMargin(6)
        self._base_points = QFont().pointSizeF() or 9.0
        self.set_dark(False)
        self.hide()

    def set_dark(self, dark: bool) -> None:
        if dark:
            look = "background:#1f2328; color:#f0f0f0; border:1px solid #6b7280;"
        else:
            look = "background:#fffef5; color:#111; border:1px solid #9ca3af;"
        self.setStyleSheet(f"QLabel#hoverCard {{ {look} border-radius:4px; }}")

    def set_scale(self, scale: float) -> None:
        font = QFont(self.font())
        font.setPointSizeF(self._base_points * max(1.0, scale))
        self.setFont(font)
        if self.isVisible():
            self.adjustSize()

    def show_text(self, text: str, at: QPoint) -> None:
        """Show ``text`` beside the point ``at`` (parent coordinates), kept inside the parent:
        to the right of and below the mouse, or flipped where there is no room."""
        self.setText(text)
        self.adjustSize()
        parent = self.parentWidget()
        x, y = at.x() + OFFSET, at.y() + OFFSET
        if x + self.width() > parent.width():
            x = at.x() - OFFSET - self.width()
        if y + self.height() > parent.height():
            y = at.y() - OFFSET - self.height()
        self.move(max(0, x), max(0, y))
        self.show()
        self.raise_()

    def refresh(self, text: str) -> None:
        """New numbers for the same spot (training moved on)."""
        if self.isVisible() and text != self.text():
            self.setText(text)
            self.adjustSize()
