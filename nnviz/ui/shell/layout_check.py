"""What a window cuts off: widgets outside what their parents show, squeezed text, short plots.

Used by the layout tests (every tab and sub-tab at 1280x720 and 1440x900, normal and
presenter mode) and by ``scripts/tour.py``, which also saves a screenshot of each page.
"""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QComboBox,
    QGraphicsView,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QTabBar,
    QTableView,
    QTabWidget,
    QToolButton,
    QWidget,
)

MIN_PLOT_HEIGHT = 160  # a plot shorter than this cannot be read from the back of a room
MAX_TABLE_ROWS = 16  # tables up to this many rows must show every row


def _scrolls(widget: QWidget) -> bool:
    """True when ``widget`` is the viewport of a scroll area (its content may overflow)."""
    parent = widget.parentWidget()
    return isinstance(parent, QAbstractScrollArea) and parent.viewport() is widget


def _inside(widget: QWidget, strict: bool = False) -> str | None:
    """Why ``widget`` is not fully visible inside its ancestors, or None (a widget the user
    can scroll to counts as visible unless ``strict``)."""
    rect = QRect(widget.mapTo(widget.window(), widget.rect().topLeft()), widget.size())
    parent = widget.parentWidget()
    while parent is not None and parent is not widget.window():
        if not strict and _scrolls(parent) and isinstance(parent.parentWidget(), QScrollArea):
            return None  # the user can scroll to it
        prect = QRect(parent.mapTo(parent.window(), parent.rect().topLeft()), parent.size())
        if not prect.adjusted(-1, -1, 1, 1).contains(rect):
            return f"outside {type(parent).__name__} {prect.getRect()} at {rect.getRect()}"
        parent = parent.parentWidget()
    return None


def _name(widget: QWidget) -> str:
    text = ""
    for attr in ("text", "currentText", "title"):
        getter = getattr(widget, attr, None)
        if callable(getter):
            try:
                text = str(getter())
            except TypeError:
                continue
            break
    return f"{type(widget).__name__}({text[:30]!r})" if text else type(widget).__name__


def _scroll_range(area: QAbstractScrollArea) -> str | None:
    """Which way ``area`` scrolls ("sideways", "down" or None): a shown bar with a range."""
    for bar, way in ((area.horizontalScrollBar(), "sideways"), (area.verticalScrollBar(), "down")):
        if bar.isVisible() and bar.maximum() > bar.minimum():
            return way
    return None


def _overlaps(w: QWidget) -> list[str]:
    """Children that a layout of ``w`` has placed over each other (it does so when the space
    is below the layout's least size): text over text."""
    lay = w.layout()
    if lay is None or isinstance(w, QStackedWidget):
        return []
    kids: list[QWidget] = []
    for i in range(lay.count()):
        item = lay.itemAt(i)
        kid = item.widget() if item is not None else None
        if kid is not None and kid.isVisible():
            kids.append(kid)
    found = []
    for i, a in enumerate(kids):
        for b in kids[i + 1 :]:
            both = a.geometry().intersected(b.geometry())
            if both.width() > 2 and both.height() > 2:
                found.append(f"{_name(a)} and {_name(b)} overlap by {both.width()}x{both.height()}")
    return found


def _graphics_cut(view: QGraphicsView) -> str | None:
    """Why the items of ``view`` are not all in sight, or None."""
    scene = view.scene()
    if scene is None or not scene.items():
        return None
    shown = view.mapToScene(view.viewport().rect()).boundingRect()
    items = scene.itemsBoundingRect()
    if shown.adjusted(-2, -2, 2, 2).contains(items):
        return None
    return f"{_name(view)} shows {shown.getRect()} of its drawing {items.getRect()}"


def _labels_cut(view) -> list[str]:
    """pyqtgraph labels of ``view`` drawn past its edge (a layout of large type wider than
    the view: Matrix form's last caption was cut)."""
    import pyqtgraph as pg

    shown = view.viewport().rect().adjusted(-2, -2, 2, 2)
    found = []
    for it in view.scene().items():
        if isinstance(it, pg.LabelItem) and it.isVisible() and it.text.strip():
            rect = view.mapFromScene(it.item.sceneBoundingRect()).boundingRect()
            if not shown.contains(rect):
                found.append(f"label {it.text[:20]!r} is cut at {rect.getRect()}")
    return found


def _headers_cut(table: QTableView) -> list[str]:
    """Column names a table's header has no room for ("cout" shown as ":out")."""
    header, model = table.horizontalHeader(), table.model()
    if header.isHidden():
        return []
    metrics = header.fontMetrics()
    found = []
    for i in range(model.columnCount()):
        name = model.headerData(i, Qt.Orientation.Horizontal)
        if not isinstance(name, str) or not name or header.isSectionHidden(i):
            continue
        need = max(metrics.horizontalAdvance(line) for line in name.split("\n")) + 4
        if header.sectionSize(i) < need:
            found.append(
                f"column {name!r} of {_name(table)} is {header.sectionSize(i)} px, needs {need}"
            )
    return found


def strict_problems(root: QWidget) -> list[str]:
    """:func:`problems`, plus what a slide may not have: a page, panel or table that scrolls,
    a drawing cut at the view's edge, widgets laid over each other, and anything hidden
    inside a scroll area (there is no scrolling on a slide)."""

    found = problems(root, strict=True)
    for w in root.findChildren(QWidget):
        if not w.isVisibleTo(root) or not w.isVisible() or w.width() <= 0:
            continue
        found += _overlaps(w)
        if isinstance(w, QScrollArea | QTableView):
            rows = w.model().rowCount() if isinstance(w, QTableView) and w.model() else 0
            way = _scroll_range(w)
            if way and rows <= MAX_TABLE_ROWS:
                found.append(f"{_name(w)} scrolls {way}")
        if isinstance(w, QTabBar) and w.currentIndex() >= 0:
            tab = w.tabRect(w.currentIndex())
            if not w.rect().adjusted(-1, -1, 1, 1).contains(tab):
                found.append(f"the shown tab {w.tabText(w.currentIndex())!r} is cut by its bar")
            elif w.count() > 1 and (
                w.tabRect(0).left() < 0 or w.tabRect(w.count() - 1).right() > w.width()
            ):
                found.append(f"the tab bar of {w.tabText(w.currentIndex())!r} scrolls")
        if isinstance(w, QGraphicsView) and w.property("shows_all"):
            why = _graphics_cut(w)
            if why:
                found.append(why)
    return found


def problems(root: QWidget, strict: bool = False) -> list[str]:
    """Everything cut off or too small among the visible widgets under ``root`` (with
    ``strict``, also what the user would have to scroll to)."""
    import pyqtgraph as pg

    found = []
    for w in root.findChildren(QWidget):
        if not w.isVisibleTo(root) or not w.isVisible() or w.width() <= 0:
            continue
        if isinstance(w, QAbstractButton | QLabel | QComboBox | pg.PlotWidget | QTableView):
            why = _inside(w, strict)
            if why:
                found.append(f"{_name(w)} is cut off: {why}")
        icon_only = isinstance(w, QToolButton) and (
            w.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly
        )
        if isinstance(w, QAbstractButton) and w.text() and not icon_only:
            need = w.fontMetrics().horizontalAdvance(w.text().replace("&", "")) + 6
            if not w.icon().isNull():
                need += w.iconSize().width()
            if w.width() + 1 < need:
                found.append(f"{_name(w)} is squeezed: {w.width()} px wide, needs {need}")
        elif isinstance(w, QComboBox) or (
            isinstance(w, QLabel) and not w.wordWrap() and w.text() and w.pixmap().isNull()
        ):
            need = w.minimumSizeHint().width()
            if w.width() + 1 < need and not w.property("elide_ok"):
                found.append(f"{_name(w)} is squeezed: {w.width()} px wide, needs {need}")
        if isinstance(w, pg.PlotWidget) and w.height() < MIN_PLOT_HEIGHT:
            found.append(f"plot {_name(w)} is {w.height()} px tall (< {MIN_PLOT_HEIGHT})")
        if isinstance(w, pg.GraphicsView) and w.scene() is not None:
            found += _labels_cut(w)  # a legend entry past the plot's edge
        if isinstance(w, QTableView) and w.model() is not None:
            found += _headers_cut(w)
        if isinstance(w, QScrollArea) and w.horizontalScrollBar().maximum() > 0:
            # Pages stack or wrap; they scroll down, never sideways.
            found.append(f"{_name(w)} scrolls sideways by {w.horizontalScrollBar().maximum()} px")
        if isinstance(w, QTableView) and w.model() is not None:
            rows = w.model().rowCount()
            header = w.verticalHeader()
            if 0 < rows <= MAX_TABLE_ROWS and header.length() > w.viewport().height() + 1:
                scroll = w.parentWidget()
                in_scroll = False
                while scroll is not None:
                    if isinstance(scroll, QScrollArea):
                        in_scroll = True
                        break
                    scroll = scroll.parentWidget()
                if not in_scroll or w.viewport().height() < header.defaultSectionSize():
                    found.append(
                        f"table of {rows} rows shows {w.viewport().height()} of "
                        f"{header.length()} px"
                    )
    return found


def pages(window) -> Iterator[str]:
    """Show every tab and every sub-tab of ``window`` in turn; yields a name for each."""
    from PySide6.QtWidgets import QApplication

    tabs = window.tabs
    for i in range(tabs.count()):
        tabs.setCurrentIndex(i)
        QApplication.processEvents()
        top = tabs.tabText(i)
        inner = [
            t
            for t in tabs.widget(i).findChildren(QTabWidget)
            if t.isVisible() and t.tabBar().isVisible()
        ]
        if not inner:
            yield top
            continue
        for sub in inner:
            first = sub.currentIndex()
            for k in range(sub.count()):
                sub.setCurrentIndex(k)
                QApplication.processEvents()
                yield f"{top} / {sub.tabText(k)}"
            sub.setCurrentIndex(first)


def _points_to_px(size: object) -> float | None:
    """A pyqtgraph size such as ``"13.5pt"`` or ``"18px"`` in pixels (96 per inch)."""
    text = str(size or "").strip()
    try:
        if text.endswith("pt"):
            return float(text[:-2]) * 96 / 72
        if text.endswith("px"):
            return float(text[:-2])
    except ValueError:
        return None
    return None


def small_text(root: QWidget, least_px: float = 18) -> list[str]:
    """Text shown under ``root`` smaller than ``least_px`` pixels (a font's pixel size): the
    words of widgets, plot ticks, axis titles and legends, and pyqtgraph labels."""
    import pyqtgraph as pg
    from PySide6.QtGui import QFontInfo
    from PySide6.QtWidgets import QAbstractSpinBox, QGroupBox, QLineEdit

    found = []
    worded = (QLabel, QAbstractButton, QComboBox, QLineEdit, QAbstractSpinBox, QGroupBox)
    for w in root.findChildren(QWidget):
        if not w.isVisible():
            continue
        if isinstance(w, worded) and not (isinstance(w, QLabel) and not w.text()):
            px = QFontInfo(w.font()).pixelSize()
            if px < least_px:
                found.append(f"{_name(w)}: {px} px")
        if isinstance(w, pg.PlotWidget):
            item = w.getPlotItem()
            for side in ("left", "bottom"):
                axis = item.getAxis(side)
                if not axis.isVisible():
                    continue
                tick = axis.style.get("tickFont")
                px = QFontInfo(tick).pixelSize() if tick is not None else 0
                if px < least_px:
                    found.append(f"{type(w).__name__} {side} ticks: {px} px")
                title = _points_to_px(axis.labelStyle.get("font-size"))
                if axis.labelText and (title is None or title < least_px):
                    found.append(f"{type(w).__name__} {side} title {axis.labelText!r}: {title}")
        if isinstance(w, pg.GraphicsView) and w.scene() is not None:
            for it in w.scene().items():
                if isinstance(it, pg.LabelItem) and it.isVisible() and it.text.strip():
                    label_px = _points_to_px(it.opts.get("size"))
                    if label_px is not None and label_px < least_px:
                        found.append(f"label {it.text[:20]!r}: {label_px:.0f} px")
    return found
