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
        if w is widget or (w.focusPolicy() != w.focusPolicy().NoFocus and not _named(w)):
            w.setAccessibleName(text)
            if description:
                w.setAccessibleDescription(description)


def _named(widget: QWidget) -> bool:
    """Whether a screen reader has a name for ``widget`` already (set, or derived by Qt from
    its text): a plot's "log scale" box must not be renamed after the plot."""
    iface = QAccessible.queryAccessibleInterface(widget)
    return bool(
        widget.accessibleName() or (iface is not None and iface.text(QAccessible.Text.Name))
    )


def describe(widget: QWidget, text: str) -> None:
    """Say what ``widget`` shows now (its accessible description, and that of the inner
    widgets named after it); assistive technology is told only when the text changed."""
    for w in [widget, *widget.findChildren(QWidget)]:
        # Inner widgets that speak for it (named after it by set_name), not its own controls.
        if w is not widget and (
            w.focusPolicy() == w.focusPolicy().NoFocus
            or w.accessibleName() != widget.accessibleName()
        ):
            continue
        if w.accessibleDescription() == text:
            continue
        w.setAccessibleDescription(text)
        if QAccessible.isActive():
            event = QAccessibleEvent(w, QAccessible.Event.DescriptionChanged)
            QAccessible.updateAccessibility(event)
