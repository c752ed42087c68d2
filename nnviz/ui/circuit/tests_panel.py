"""The Tests tab: a Digital file's own test cases, run on the circuit as it is now, through its
NAND gates and through its perceptron network side by side, a tick or a cross per row. The
book's claim that perceptrons compute what NAND gates do, checked on somebody else's circuit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.circuits.digital import DigitalTest
from nnviz.core.circuits.digital_tests import DONT_CARE, TestError, TestRun, run_test
from nnviz.core.circuits.model import Circuit, CircuitError
from nnviz.core.circuits.perceptrons import to_layered_network
from nnviz.ui.style import CELL_INK, set_role

MAX_SHOWN_ROWS = 2000  # rows listed in the table (every row is run and counted)
PASS, FAIL = "✓", "✗"
_FAIL_BRUSH = QColor("#f6c6c0")


class TestsPanel(QWidget):
    """``set_tests`` gives the file's tests; ``refresh`` runs them on the circuit now."""

    __test__ = False  # not a pytest test class

    def __init__(self, circuit: Circuit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.circuit = circuit
        self.tests: tuple[DigitalTest, ...] = ()
        self.names: Mapping[str, str] = {}
        self.defaults: Mapping[str, int] = {}
        self.runs: list[tuple[TestRun | None, TestRun | None, str]] = []  # gates, perceptrons
        self.summary = QLabel("Open a Digital .dig file with test cases to run them here.")
        self.summary.setWordWrap(True)
        set_role(self.summary, "hint")
        self.choice = QComboBox()
        self.choice.setAccessibleName("Test case")
        self.choice.currentIndexChanged.connect(self._show_run)
        self.table = QTableWidget()
        self.table.setAccessibleName("Test rows: inputs, expected outputs, gates, perceptrons")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.choice)
        layout.addWidget(self.table, 1)
        self.choice.setVisible(False)
        self.table.setVisible(False)

    def set_tests(
        self,
        tests: Sequence[DigitalTest],
        names: Mapping[str, str] | None = None,
        defaults: Mapping[str, int] | None = None,
    ) -> None:
        """The test cases of the file just opened (none: the tab says how to get some)."""
        self.tests = tuple(tests)
        self.names, self.defaults = dict(names or {}), dict(defaults or {})
        self.choice.blockSignals(True)
        self.choice.clear()
        for t in self.tests:
            self.choice.addItem(t.name)
        self.choice.blockSignals(False)
        self.choice.setVisible(len(self.tests) > 1)
        self.table.setVisible(bool(self.tests))
        self.refresh()

    def refresh(self) -> None:
        """Run every test on the circuit as it is now, through the gates and the perceptrons."""
        if not self.tests:
            self.runs = []
            self.summary.setText("Open a Digital .dig file with test cases to run them here.")
            return
        c = self.circuit
        try:
            net = to_layered_network(c) if c.input_ids() and c.output_ids() else None
        except CircuitError:
            net = None
        self.runs = []
        for t in self.tests:
            args = (t.name, t.program, c.input_names(), c.output_names())
            try:
                gates = run_test(*args, c.evaluate_batch, self.names, self.defaults)
                percs = (
                    run_test(*args, net.evaluate_batch, self.names, self.defaults)
                    if net is not None
                    else None
                )
                self.runs.append((gates, percs, ""))
            except (TestError, CircuitError) as exc:
                self.runs.append((None, None, str(exc)))
        self.summary.setText(self._summary())
        self._show_run(max(0, self.choice.currentIndex()))

    def _summary(self) -> str:
        lines = []
        for (gates, percs, problem), t in zip(self.runs, self.tests, strict=True):
            if gates is None:
                lines.append(f"“{t.name}” cannot run: {problem}")
                continue
            n = len(gates.inputs)
            parts = [f"gates {_count(gates, n)}"]
            if percs is not None:
                parts.append(f"perceptrons {_count(percs, n)}")
            lines.append(f"“{t.name}”: {n} rows · " + " · ".join(parts))
        return "\n".join(lines)

    def _show_run(self, index: int) -> None:
        if not (0 <= index < len(self.runs)):
            return
        gates, percs, _problem = self.runs[index]
        if gates is None:
            self.table.clear()
            self.table.setRowCount(0)
            return
        outs = gates.output_names
        headers = [*gates.input_names, *(f"{o} wanted" for o in outs), "gates", "perceptrons"]
        shown = min(len(gates.inputs), MAX_SHOWN_ROWS)
        failed_g = set(gates.failed_rows.tolist())
        failed_p = set(percs.failed_rows.tolist()) if percs is not None else set()
        # Failing rows first: they are what a reader looks for.
        order = sorted(range(len(gates.inputs)), key=lambda r: (r not in failed_g | failed_p, r))
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setRowCount(shown)
        self.table.setHorizontalHeaderLabels(headers)
        ink = QBrush(QColor(CELL_INK))
        for row, r in enumerate(order[:shown]):
            cells = [str(v) for v in gates.inputs[r]]
            cells += ["X" if v == DONT_CARE else str(v) for v in gates.expected[r]]
            cells.append(FAIL if r in failed_g else PASS)
            cells.append("" if percs is None else (FAIL if r in failed_p else PASS))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if text == FAIL:
                    item.setBackground(_FAIL_BRUSH)
                    item.setForeground(ink)
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()

    def results(self, index: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """Per row of test ``index``: passed through the gates, passed through perceptrons."""
        gates, percs, _ = self.runs[index]
        assert gates is not None
        ok_g = np.ones(len(gates.inputs), bool)
        ok_g[gates.failed_rows] = False
        ok_p = np.ones(len(gates.inputs), bool)
        if percs is not None:
            ok_p[percs.failed_rows] = False
        return ok_g, ok_p


def _count(run: TestRun, n: int) -> str:
    bad = run.failed_rows.size
    return f"all pass {PASS}" if not bad else f"{bad} of {n} fail {FAIL}"
