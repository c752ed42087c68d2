"""The levels panel: pick a puzzle, build it, check it, unlock it as a block."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.circuits.levels import LEVELS, Level, LevelResult
from nnviz.core.circuits.model import Circuit, CircuitError

PASS_STYLE = "background:#dcfce7; color:#14532d; border-radius:4px; padding:6px;"
FAIL_STYLE = "background:#fee2e2; color:#7f1d1d; border-radius:4px; padding:6px;"
INFO_STYLE = "background:#eff6ff; color:#1e3a8a; border-radius:4px; padding:6px;"


class LevelsPanel(QWidget):
    """Lists the levels; "Start" asks for a fresh workbench, "Check" tests the circuit.

    Signals: ``start_requested(Level)`` (the sandbox replaces the circuit after asking to
    save), ``unlocked(str, Circuit)`` a passed level's block definition,
    ``failing_row(tuple)`` the input bits (circuit order) of the first wrong row.
    """

    start_requested = Signal(object)
    unlocked = Signal(str, object)
    failing_row = Signal(tuple)

    def __init__(self, circuit: Circuit, passed: set[str] | None = None, parent=None) -> None:
        super().__init__(parent)
        self.circuit = circuit
        self.passed: set[str] = set(passed or ())
        self.last_result: LevelResult | None = None
        self.list = QListWidget()
        self.list.setAccessibleName("Levels: circuits to build, each checked by its table")
        self.list.setMaximumHeight(8 * 24 + 8)
        for lv in LEVELS:
            item = QListWidgetItem(lv.title)
            item.setData(Qt.ItemDataRole.UserRole, lv.key)
            self.list.addItem(item)
        self.title = QLabel()
        f = QFont(self.title.font())
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() + 1)
        self.title.setFont(f)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.terminals = QLabel()
        self.terminals.setWordWrap(True)
        self.terminals.setStyleSheet("color:#374151;")
        self.count = QLabel()
        self.result = QLabel("Pick a level, press Start, then build it from NAND gates.")
        self.result.setWordWrap(True)
        self.result.setStyleSheet(INFO_STYLE)
        self.start_button = QPushButton("Start level")
        self.start_button.setToolTip("A new circuit with this level's inputs and outputs")
        self.check_button = QPushButton("Check")
        self.check_button.setToolTip("Compare the circuit with the level on every input row")
        self.start_button.clicked.connect(self._on_start)
        self.check_button.clicked.connect(self.check)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.check_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.list)
        # Start and Check right under the list, where they stay whatever the level says
        # (below its description they moved with every level, and clicks landed on nothing).
        layout.addLayout(buttons)
        layout.addWidget(self.result)
        layout.addWidget(self.title)
        layout.addWidget(self.description)
        layout.addWidget(self.terminals)
        layout.addWidget(self.count)
        layout.addStretch(1)
        self.list.currentRowChanged.connect(self._on_level_changed)
        self._refresh_marks()
        self.list.setCurrentRow(0)

    # -- state ----------------------------------------------------------------------------
    @property
    def level(self) -> Level:
        """The selected level."""
        return LEVELS[max(0, self.list.currentRow())]

    def select(self, key: str) -> None:
        """Select a level by key."""
        for k, lv in enumerate(LEVELS):
            if lv.key == key:
                self.list.setCurrentRow(k)
                return
        raise CircuitError(f"unknown level {key!r}")

    def _refresh_marks(self) -> None:
        for k, lv in enumerate(LEVELS):
            item = self.list.item(k)
            done = lv.key in self.passed
            item.setText(f"{'✔' if done else '○'}  {lv.title}")
            item.setForeground(QColor("#15803d") if done else QColor("#111827"))

    def _on_level_changed(self, _row: int) -> None:
        lv = self.level
        self.title.setText(lv.title)
        self.description.setText(lv.description)
        self.terminals.setText(
            f"Inputs: {', '.join(lv.inputs)}    Outputs: {', '.join(lv.outputs)}"
        )
        self.result.setText(
            "Press Start for a workbench with these terminals, or build "
            "them yourself, then press Check."
        )
        self.result.setStyleSheet(INFO_STYLE)
        self.refresh_count()

    def forget_result(self) -> None:
        """A new workbench: no verdict, and nothing to say about the last one."""
        self.last_result = None
        self.result.setText("")
        self.result.setStyleSheet(INFO_STYLE)

    def clear_result(self) -> None:
        """Forget the last Check's verdict (the circuit changed, or another one opened)."""
        if self.last_result is None:
            return
        self.last_result = None
        self.result.setText("Changed since the last check: press Check again.")
        self.result.setStyleSheet(INFO_STYLE)

    def refresh_count(self) -> None:
        """Show the circuit's NAND count beside the level's smallest known."""
        n = self.circuit.nand_count()
        self.count.setText(
            f"NAND gates: <b>{n}</b> &nbsp; (smallest known for {self.level.title}: "
            f"<b>{self.level.best}</b>)"
        )

    # -- actions --------------------------------------------------------------------------
    def _on_start(self) -> None:
        self.start_requested.emit(self.level)

    def check(self) -> LevelResult:
        """Check the circuit against the selected level; on a pass unlock its block."""
        lv = self.level
        result = lv.check(self.circuit)
        self.last_result = result
        self.refresh_count()
        if result.passed:
            try:
                definition = lv.unlock(self.circuit)
            except CircuitError as exc:  # e.g. the circuit has no outputs to export
                self.result.setText(f"{result.message}\nBut it cannot become a block: {exc}")
                self.result.setStyleSheet(FAIL_STYLE)
                return result
            self.passed.add(lv.key)
            self._refresh_marks()
            self.result.setText(
                f"{result.message}\nUnlocked the block “{lv.block_name}”: find it in the palette."
            )
            self.result.setStyleSheet(PASS_STYLE)
            self.unlocked.emit(lv.block_name, definition)
        else:
            self.result.setText(result.message)
            self.result.setStyleSheet(FAIL_STYLE)
            if result.failing_row is not None:
                ins = dict(zip(lv.inputs, result.failing_row[0], strict=True))
                self.failing_row.emit(tuple(ins[n] for n in self.circuit.input_names()))
        return result
