"""Table columns that share a table's width without cutting a column's name.

Qt's Stretch mode gives every column the same width, whatever its name needs: at 1.5x text
the 4-bit adder's truth table showed ":out" for "cout", and in presenter mode the Gradient
descent table cut "predicted ΔC". :func:`share_names` keeps a table's columns as equal as
they can be with none narrower than its name (and, if asked, its cells), following the
viewport's width and the font; when the names alone are wider, the table scrolls sideways.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QHeaderView, QStyle, QTableView


def share_width(needs: list[int], room: int) -> list[int]:
    """Column widths filling ``room``: as equal as they can be with column ``i`` at least
    ``needs[i]`` wide (water-filling); just ``needs`` when they alone are wider."""
    if not needs or sum(needs) >= room:
        return list(needs)
    rest, space = sorted(needs, reverse=True), room
    while rest[0] > space / len(rest):  # columns wider than an equal share keep their need
        space -= rest.pop(0)
    level = space / len(rest)
    widths = [max(n, int(level)) for n in needs]
    widths[-1] += room - sum(widths)  # rounding: the last column takes the remainder
    return widths


class _NamedColumns(QObject):
    def __init__(self, table: QTableView, cells: bool) -> None:
        super().__init__(table)
        self.table = table
        self.cells = cells
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.viewport = table.viewport()
        self.viewport.installEventFilter(self)  # its width, less a vertical scroll bar
        table.installEventFilter(self)  # its font
        model = table.model()
        if model is not None:  # new names, new rows
            model.headerDataChanged.connect(self.fit)
            model.modelReset.connect(self.fit)
            model.rowsInserted.connect(self.fit)
            model.columnsInserted.connect(self.fit)

    def needs(self) -> list[int]:
        table, header = self.table, self.table.horizontalHeader()
        metrics = header.fontMetrics()
        pad = 2 * table.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin) + 6
        model = table.model()
        out = []
        for i in range(model.columnCount() if model is not None else 0):
            name = model.headerData(i, Qt.Orientation.Horizontal)
            lines = str(name).split("\n") if name else [""]
            need = max(metrics.horizontalAdvance(line) for line in lines) + pad
            if self.cells:
                need = max(need, table.sizeHintForColumn(i))
            out.append(max(22, need))
        return out

    def fit(self) -> None:
        if not shiboken6.isValid(self.table):
            return  # the model's signals as the table is destroyed (it owns the model)
        header = self.table.horizontalHeader()
        for i, width in enumerate(share_width(self.needs(), self.table.viewport().width())):
            header.resizeSection(i, width)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt name
        # The event's type first: while the table is being destroyed its viewport still
        # sends events here, and asking the half-destroyed table anything crashes.
        kind = event.type()
        if (kind == QEvent.Type.Resize and obj is self.viewport) or (
            kind == QEvent.Type.FontChange and obj is self.table
        ):
            self.fit()
        return False


def share_names(table: QTableView, cells: bool = False) -> None:
    """Keep ``table``'s columns sharing its width, none narrower than its header name (and,
    with ``cells``, than its widest cell). Call once its model is set."""
    _NamedColumns(table, cells).fit()
