"""A scroll area that shows its page at the viewport's size and scrolls only below the page's
least size: the pages that may not fit a 1280x720 projector sit in one."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QFrame, QScrollArea, QSizePolicy, QTabWidget, QWidget


class FitScrollArea(QScrollArea):
    """Shows its widget at the viewport's size, scrolling only below its minimum size.

    QScrollArea's own resizable mode sizes a widget whose layout wraps text by its height
    for width, which adds up the plots' generous size hints and scrolls a view that would
    fit.
    """

    def __init__(self, widget: QWidget) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidget(widget)
        self.setWidgetResizable(False)
        widget.installEventFilter(self)  # its size hints change with the presenter's type

    def _fit(self) -> None:
        w = self.widget()
        if w is None:
            return
        least = w.minimumSizeHint().expandedTo(w.minimumSize())
        vp = self.viewport().size()
        width = max(vp.width(), least.width())
        height = least.height()
        lay = w.layout()
        if lay is not None and lay.hasHeightForWidth():
            # Wrapped text needs more height when narrow: never squeeze it over what follows.
            height = max(height, lay.totalMinimumHeightForWidth(width))
        w.resize(width, max(vp.height(), height))

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt name
        if obj is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            QTimer.singleShot(0, self, self._fit)  # dropped if the area is deleted first
        return False

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt name
        super().resizeEvent(event)
        self._fit()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt name
        super().showEvent(event)
        self._fit()


def size_to_current_tab(tabs: QTabWidget) -> QTabWidget:
    """Let ``tabs`` ask only for the room its shown tab needs.

    A tab widget's least size is otherwise the largest over all its tabs, so one dense
    hidden view forces a page to scroll (or a window past the screen) while the view shown
    would fit. Hidden tabs get the Ignored size policy, which the stack leaves out.
    """

    def follow(current: int) -> None:
        for i in range(tabs.count()):
            page = tabs.widget(i)
            if page is None:
                continue
            kept = page.property("own_size_policy")
            if kept is None:
                kept = page.sizePolicy()
                page.setProperty("own_size_policy", kept)
            if i == current:
                page.setSizePolicy(kept)
            else:
                page.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        tabs.updateGeometry()

    tabs.currentChanged.connect(follow)
    follow(tabs.currentIndex())
    return tabs


class _WidthFollower(QObject):
    def __init__(self, area: QScrollArea, on_width: Callable[[int], None]) -> None:
        super().__init__(area)
        self.viewport = area.viewport()
        self.on_width = on_width
        self.viewport.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.Resize and obj is self.viewport:
            self.on_width(self.viewport.width())
        return False


def follow_width(area: QScrollArea, on_width: Callable[[int], None]) -> None:
    """Call ``on_width(width)`` whenever the viewport of ``area`` changes width, so the page
    inside can stack what does not fit side by side instead of scrolling sideways (its own
    width never drops below its least size, so it cannot tell)."""
    _WidthFollower(area, on_width)
