"""Help > Keyboard Shortcuts: every key the window's actions answer, and where."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

EVERYWHERE = "Whole window"
# Keys the circuit canvas answers itself (not actions): placing and wiring without a mouse.
CANVAS = "Circuits (canvas)"
CANVAS_KEYS = [
    ("I, N, O", "Place an input switch, a NAND gate, an output lamp"),
    ("Tab, Shift+Tab", "With a part selected: select the next or previous part"),
    ("W, Shift+W", "Start a wire at the selected part's output (Shift: its first free input)"),
    ("Tab, Enter, Esc", "While wiring: the next legal end, connect, cancel"),
    ("Space", "Flip the selected input switch"),
    ("Arrows", "Move the selected parts"),
    ("Esc", "Clear the selection (then Tab leaves the canvas)"),
]


def collect_shortcuts(window) -> list[tuple[str, str, str]]:
    """``(keys, action, where)`` for every action of ``window`` that has a key, sorted by
    where and then by name. Builds every page first, so that their actions exist."""
    window.build_all_pages()
    pages = {
        page: window.tabs.tabText(i)
        for i in range(window.tabs.count())
        if (page := window.tabs.widget(i)) is not None
    }
    rows = set()
    for action in window.findChildren(QAction):
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        keys = [k for k in keys if k]
        if not keys:
            continue
        name = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        rows.add((", ".join(keys), name.rstrip("\u2026").strip(), _where(action, pages)))
    rows.update((keys, what, CANVAS) for keys, what in CANVAS_KEYS)
    return sorted(rows, key=lambda r: (r[2] != EVERYWHERE, r[2], r[1].lower()))


def _where(action: QAction, pages: dict) -> str:
    for obj in action.associatedObjects():
        if isinstance(obj, QMenu | QToolBar) and not _inside_page(obj, pages):
            return EVERYWHERE
        widget = obj if isinstance(obj, QWidget) else None
        title = _inside_page(widget, pages) if widget is not None else None
        if title:
            return title
    return EVERYWHERE


def _inside_page(widget, pages: dict) -> str | None:
    while widget is not None:
        if widget in pages:
            return pages[widget]
        widget = widget.parentWidget()
    return None


class ShortcutsDialog(QDialog):
    """A table of keys, actions and where they work; not modal, so it can stay open."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts")
        rows = collect_shortcuts(window)
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels(["Keys", "Action", "Where"])
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(620, 560)
