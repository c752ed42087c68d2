"""The truth-table panel: every input combination of the circuit, the current one highlighted."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.circuits.model import TruthTable, table_to_csv, table_to_markdown
from nnviz.ui.columns import share_names
from nnviz.ui.file_dialogs import save_file

MAX_SHOWN_INPUTS = 10  # 1,024 rows still scroll smoothly; more would not be read anyway

CURRENT_ROW = QColor("#fef3c7")
ONE_TEXT = QColor("#15803d")
ZERO_TEXT = QColor("#6b7280")
OUTPUT_BG = QColor("#f1f5f9")


class TruthTableModel(QAbstractTableModel):
    """Rows of a :class:`TruthTable`: input columns, then output columns."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.table = TruthTable((), (), [])
        self.current_row: int | None = None

    def set_table(self, table: TruthTable) -> None:
        """Show a new table (resets the view)."""
        self.beginResetModel()
        self.table = table
        if self.current_row is not None and self.current_row >= len(table.rows):
            self.current_row = None
        self.endResetModel()

    def set_current_row(self, row: int | None) -> None:
        """Highlight ``row`` (the switches' current combination)."""
        if row == self.current_row:
            return
        old = self.current_row
        self.current_row = row
        if self.columnCount() == 0:
            return
        for r in (old, row):
            if r is not None and 0 <= r < len(self.table.rows):
                self.dataChanged.emit(self.index(r, 0), self.index(r, self.columnCount() - 1))

    @property
    def n_inputs(self) -> int:
        return len(self.table.input_names)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008 (Qt signature)
        return 0 if parent.isValid() else len(self.table.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else self.n_inputs + len(self.table.output_names)

    def value(self, row: int, col: int) -> int:
        """The bit shown at (row, col)."""
        ins, outs = self.table.rows[row]
        return ins[col] if col < self.n_inputs else outs[col - self.n_inputs]

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return str(self.value(r, c))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if r == self.current_row:
                return QBrush(CURRENT_ROW)
            if c >= self.n_inputs:
                return QBrush(OUTPUT_BG)
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(ONE_TEXT if self.value(r, c) else ZERO_TEXT)
        if role == Qt.ItemDataRole.FontRole and (c >= self.n_inputs or r == self.current_row):
            f = QFont()
            f.setBold(True)
            return f
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            names = (*self.table.input_names, *self.table.output_names)
            return names[section] if section < len(names) else None
        return str(section)


class TruthTablePanel(QWidget):
    """The table, a line saying what it shows, and CSV / Markdown export.

    ``row_clicked(tuple)`` carries the input bits of a clicked row (the sandbox sets the
    switches to them).
    """

    row_clicked = Signal(tuple)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.model = TruthTableModel(self)
        self.view = QTableView()
        self.view.setAccessibleName("Truth table: every input row and the circuit's outputs")
        self.view.setModel(self.model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.verticalHeader().setVisible(False)
        share_names(self.view)  # equal columns, none narrower than its name
        self.view.setAlternatingRowColors(False)
        self.view.clicked.connect(self._on_clicked)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.csv_button = QPushButton("Export CSV…")
        self.md_button = QPushButton("Export Markdown…")
        self.copy_button = QPushButton("Copy Markdown")
        self.csv_button.clicked.connect(lambda: self.export_dialog("csv"))
        self.md_button.clicked.connect(lambda: self.export_dialog("md"))
        self.copy_button.clicked.connect(self.copy_markdown)
        buttons = QHBoxLayout()
        for b in (self.csv_button, self.md_button, self.copy_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self._too_big = False

    def set_table(self, table: TruthTable | None, n_inputs: int | None = None) -> None:
        """Show ``table``; None with ``n_inputs`` says the table is too big to list."""
        if table is None:
            self._too_big = True
            self.model.set_table(TruthTable((), (), []))
            self.summary.setText(
                f"{n_inputs} inputs make {2 ** (n_inputs or 0):,} rows; the table lists "
                f"circuits with up to {MAX_SHOWN_INPUTS} inputs."
            )
        else:
            self._too_big = False
            self.model.set_table(table)
            n_in, n_out = len(table.input_names), len(table.output_names)
            if n_in == 0 and n_out == 0:
                self.summary.setText("Add input switches and output lamps to see the table.")
            else:
                self.summary.setText(
                    f"{len(table.rows)} row{'s' if len(table.rows) != 1 else ''}: "
                    f"{n_in} input{'s' if n_in != 1 else ''}, {n_out} output"
                    f"{'s' if n_out != 1 else ''}. Click a row to set the switches."
                )
        for b in (self.csv_button, self.md_button, self.copy_button):
            b.setEnabled(table is not None and bool(table.rows))

    def set_current_row(self, row: int | None) -> None:
        """Highlight the switches' row and scroll it into view."""
        self.model.set_current_row(row)
        if row is not None and 0 <= row < self.model.rowCount():
            self.view.scrollTo(self.model.index(row, 0))

    def _on_clicked(self, index: QModelIndex) -> None:
        ins, _ = self.model.table.rows[index.row()]
        self.row_clicked.emit(tuple(ins))

    def csv_text(self) -> str:
        return table_to_csv(self.model.table)

    def markdown_text(self) -> str:
        return table_to_markdown(self.model.table)

    def copy_markdown(self) -> None:
        QApplication.clipboard().setText(self.markdown_text())

    def export(self, path: str | Path, fmt: str) -> None:
        """Write the table as ``csv`` or ``md`` to ``path``."""
        text = self.csv_text() if fmt == "csv" else self.markdown_text()
        Path(path).write_text(text, encoding="utf-8")

    def export_dialog(self, fmt: str) -> None:
        filt = "CSV files (*.csv)" if fmt == "csv" else "Markdown files (*.md)"
        path = save_file(self, "table", "Export truth table", filt, f"truth-table.{fmt}")
        if not path:
            return
        try:
            self.export(path, fmt)
        except OSError as exc:
            QMessageBox.warning(
                self, "Export failed", f"Could not write {path}: {exc}\nChoose another folder."
            )
