"""The Perceptrons page's truth table: every input row with the neuron's sum and output."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from nnviz.core.perceptron import Perceptron, fmt_number, input_rows, sigmoid_output
from nnviz.ui.perceptron.widgets import COLOR_ONE
from nnviz.ui.style import CELL_INK

_ROW_HIGHLIGHT = QColor("#fff1c2")
_WRONG = QColor("#f6c6c0")


class TruthTableBox(QGroupBox):
    """The table (``table``) in its box, as tall as its rows. Clicking a row is the page's
    business (``table.cellClicked``)."""

    def __init__(self) -> None:
        super().__init__("Truth table")
        layout = self._layout = QVBoxLayout(self)
        self.table = QTableWidget()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setToolTip("Click a row to set the inputs to it")
        layout.addWidget(self.table)
        self._headers: list[str] = []
        self._n = 0  # input columns (they stretch; the value columns keep their width)

    def show_neuron(
        self,
        p: Perceptron,
        n: int,
        form: str,
        sigmoid_c: float | None,
        wanted: list | None,
        current: tuple[float, ...],
    ) -> None:
        """Every input row of ``p`` with its sum and output (and σ(c·z) for a sigmoid neuron,
        the wanted output in a challenge); ``current`` in bold, wrong outputs in red."""
        z_name = "w·x" if form == "threshold" else "w·x + b"
        headers = [f"x{j + 1}" for j in range(n)] + [z_name, "out"]
        if sigmoid_c is not None:
            headers.append("σ(c·z)")
        if wanted is not None:
            headers.append("wanted")
        rows = input_rows(n)
        if headers != self._headers:
            self._rebuild(headers, len(rows), n)
        plain, bold = QFont(self.table.font()), QFont(self.table.font())
        bold.setBold(True)
        no_brush, one_brush = QBrush(), QBrush(COLOR_ONE.darker(170))
        out_col = headers.index("out")
        current_row = None
        # Update texts and colours in place: building new items (or sizing columns to their
        # contents) on every slider step made dragging a 5-input weight sluggish.
        self.table.setUpdatesEnabled(False)
        for r, xr in enumerate(rows):
            o = p.output(xr)
            left = sum(w * v for w, v in zip(p.weights, xr, strict=True))
            z_shown = left if form == "threshold" else left + p.bias
            cells = [str(v) for v in xr] + [fmt_number(z_shown), str(o)]
            if sigmoid_c is not None:
                cells.append(f"{sigmoid_output(p, xr, sigmoid_c):.4f}")
            if wanted is not None:
                cells.append(str(wanted[r][1]))
            is_current = tuple(float(v) for v in xr) == current
            wrong = wanted is not None and o != wanted[r][1]
            for c, text in enumerate(cells):
                item = self.table.item(r, c)
                assert item is not None  # made by _rebuild
                if item.text() != text:
                    item.setText(text)
                item.setFont(bold if is_current else plain)
                if wrong and c in (out_col, len(cells) - 1):
                    item.setBackground(QBrush(_WRONG))
                else:
                    item.setBackground(QBrush(_ROW_HIGHLIGHT) if is_current else no_brush)
                tinted = is_current or (wrong and c in (out_col, len(cells) - 1))
                ink = QBrush(QColor(CELL_INK)) if tinted else no_brush  # readable when dark
                item.setForeground(one_brush if c == out_col and o else ink)
            if is_current:
                current_row = r
        self.table.setUpdatesEnabled(True)
        if current_row is not None:
            first = self.table.item(current_row, 0)
            if first is not None:
                self.table.scrollToItem(first)

    def _rebuild(self, headers: list[str], n_rows: int, n: int) -> None:
        """New columns or rows: make the items once and size the columns."""
        self._headers, self._n = headers, n
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setRowCount(n_rows)
        self.table.setHorizontalHeaderLabels(headers)
        self._fit_type()
        for r in range(n_rows):
            for c in range(len(headers)):
                item = QTableWidgetItem("")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(r, c, item)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt name
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and self._headers:
            self._fit_type()  # presenter mode's larger type: taller rows, wider columns

    def _fit_type(self) -> None:
        """Rows and the value columns sized for the current type."""
        metrics = self.table.fontMetrics()
        self.table.verticalHeader().setDefaultSectionSize(max(22, metrics.height() + 6))
        header = self.table.horizontalHeader()
        for c, name in enumerate(self._headers):
            if c < self._n:
                header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch)
            else:  # wide enough for the header and for values like "-12.25" or "0.9975"
                header.setSectionResizeMode(c, QHeaderView.ResizeMode.Fixed)
                width = max(metrics.horizontalAdvance(name), metrics.horizontalAdvance("-00.00"))
                header.resizeSection(c, width + 18)
        self._fit_height(self.table.rowCount())

    def _fit_height(self, n_rows: int) -> None:
        # As tall as its rows (no empty white box); up to 8 rows all show, with 16 or 32 it
        # may shrink and scroll.
        row_h = self.table.verticalHeader().defaultSectionSize()
        header_h = self.table.horizontalHeader().sizeHint().height()
        full = header_h + n_rows * row_h + 2 * self.table.frameWidth() + 2
        self.table.setMaximumHeight(full)
        self.table.setMinimumHeight(full if n_rows <= 8 else min(full, header_h + 6 * row_h + 4))
        # the box no taller than the table plus its title and margins, so no empty band
        lm, bm = self._layout.contentsMargins(), self.contentsMargins()
        chrome = lm.top() + lm.bottom() + bm.top() + bm.bottom()
        self.setMaximumHeight(full + chrome)
