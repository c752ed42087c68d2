"""A ring around the widget the keyboard moved to, in every theme.

Fusion marks the focus of buttons and fields faintly and of canvases and plots (graphics views)
not at all, so a keyboard user lost track of where Tab had gone. The ring is a transparent
overlay in the focused widget's window that follows it; it shows only when the focus came
from the keyboard (Tab, Shift+Tab, a shortcut), as browsers show :focus-visible.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QColor, QFocusEvent, QPainter, QPen
from PySide6.QtWidgets import QApplication, QWidget

KEYBOARD = {
    Qt.FocusReason.TabFocusReason,
    Qt.FocusReason.BacktabFocusReason,
    Qt.FocusReason.ShortcutFocusReason,
}
RING_COLOURS = {"light": "#1565c0", "contrast": "#000000", "dark": "#7fb2ff"}


class FocusRing(QWidget):
    """The ring itself: drawn in the window over the focused widget, passing mouse events."""

    WIDTH = 3

    def __init__(self) -> None:
        super().__init__()
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.target: QWidget | None = None
        self.colour = QColor(RING_COLOURS["light"])

    def follow(self, target: QWidget | None) -> None:
        if self.target is not None and shiboken6.isValid(self.target):
            self.target.removeEventFilter(self)
        self.target = target
        if target is None or target.window() is target:
            self.hide()
            return
        target.installEventFilter(self)
        self.setParent(target.window())
        self._place()
        self.show()
        self.raise_()

    def _place(self) -> None:
        t = self.target
        if t is None:
            return
        top_left = t.mapTo(t.window(), t.rect().topLeft())
        w = self.WIDTH
        self.setGeometry(QRect(top_left, t.size()).adjusted(-w, -w, w, w))
        self.setVisible(t.isVisible())

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt name
        if obj is self.target and event.type() in (
            QEvent.Type.Move,
            QEvent.Type.Resize,
            QEvent.Type.Show,
            QEvent.Type.Hide,
        ):
            self._place()
        return False

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt name
        painter = QPainter(self)
        pen = QPen(self.colour, self.WIDTH)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        painter.setPen(pen)
        half = self.WIDTH / 2
        painter.drawRect(self.rect().toRectF().adjusted(half, half, -half, -half))


class FocusRingFilter(QObject):
    """Install on the application: moves the ring to each widget the keyboard focuses.
    ``theme()`` names the theme in use, for the ring's colour."""

    def __init__(self, parent: QObject | None = None, theme=lambda: "light") -> None:
        super().__init__(parent)
        self.ring = FocusRing()
        self.theme = theme

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.FocusIn and isinstance(obj, QWidget):
            if not shiboken6.isValid(self.ring):  # it lived in a window that is gone
                self.ring = FocusRing()
            if self.ring.target is not None and not shiboken6.isValid(self.ring.target):
                self.ring.target = None
            if not isinstance(event, QFocusEvent) or obj is self.ring:
                return False
            if event.reason() in KEYBOARD:
                self.ring.colour = QColor(RING_COLOURS.get(self.theme(), RING_COLOURS["light"]))
                self.ring.follow(obj)
            elif event.reason() == Qt.FocusReason.MouseFocusReason:
                self.ring.follow(None)  # the mouse moved the focus: no ring
            elif self.ring.target is not None and obj is not self.ring.target:
                self.ring.follow(obj)  # a program moved it on: the ring goes along
        return False


def install_focus_ring(theme=lambda: "light") -> FocusRingFilter | None:
    """Once per application; ``theme()`` names the theme in use."""
    app = QApplication.instance()
    if app is None:
        return None
    found = app.findChild(FocusRingFilter)
    if found is None:
        found = FocusRingFilter(app, theme)
        app.installEventFilter(found)
    found.theme = theme
    return found
