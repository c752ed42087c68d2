"""Names and live descriptions for assistive technology (screen readers).

Qt names most controls from their text or their label's buddy; canvases and plots have
neither, and a plot's keyboard focus lands on an inner widget. ``set_name`` gives a widget and
its focusable inner widgets a name; ``describe`` sets a text saying what a canvas or plot
shows now and tells assistive technology it changed.
"""

from __future__ import annotations

from PySide6.QtGui import QAccessible, QAccessibleEvent
from PySide6.QtWidgets import QWidget


def set_name(widget: QWidget, text: str, description: str = "") -> None:
    """Name ``widget`` and every focusable widget inside it that has no name of its own."""
    for w in [widget, *widget.findChildren(QWidget)]:
        if w is widget or (w.focusPolicy() != w.focusPolicy().NoFocus and not w.accessibleName()):
            w.setAccessibleName(text)
            if description:
                w.setAccessibleDescription(description)


def describe(widget: QWidget, text: str) -> None:
    """Say what ``widget`` shows now (its accessible description, and that of its focusable
    inner widgets); assistive technology is told only when the text changed."""
    for w in [widget, *widget.findChildren(QWidget)]:
        if w is not widget and w.focusPolicy() == w.focusPolicy().NoFocus:
            continue
        if w.accessibleDescription() == text:
            continue
        w.setAccessibleDescription(text)
        if QAccessible.isActive():
            event = QAccessibleEvent(w, QAccessible.Event.DescriptionChanged)
            QAccessible.updateAccessibility(event)
