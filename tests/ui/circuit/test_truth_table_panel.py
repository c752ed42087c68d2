"""The circuit's truth table keeps every column's name readable at any text size."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QFont

from nnviz.core.circuits.parts import TruthTable
from nnviz.ui.circuit.truth_table_panel import TruthTablePanel
from nnviz.ui.columns import share_width

NAMES = ("a0", "a1", "a2", "a3", "b0", "b1", "b2", "b3", "s0", "s1", "s2", "s3", "cout")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 300), min_size=1, max_size=20), st.integers(0, 3000))
def test_shared_widths_fill_the_room_and_respect_every_need(needs, room):
    widths = share_width(needs, room)
    assert len(widths) == len(needs)
    assert all(w >= n for w, n in zip(widths, needs, strict=True))
    if sum(needs) >= room:
        assert widths == needs  # no room to share: it scrolls
    else:
        assert sum(widths) == room
        # Equal shares: a column wider than its need is at most one pixel (rounding, and the
        # last column's remainder) off the narrowest such column.
        free = [w for w, n in zip(widths[:-1], needs[:-1], strict=True) if w > n]
        assert not free or max(free) - min(free) <= 1


@pytest.mark.parametrize("point_size", [9, 14, 20])
def test_every_header_name_fits_its_column(qtbot, point_size):
    """With equal stretched columns at 1.5x text the 4-bit adder's "cout" read ":out"."""
    panel = TruthTablePanel()
    qtbot.addWidget(panel)
    font = QFont(panel.font())
    font.setPointSize(point_size)
    panel.setFont(font)
    rows = [((0,) * 8, (0,) * 5)]
    panel.set_table(TruthTable(NAMES[:8], NAMES[8:], rows))
    panel.resize(560, 400)
    panel.show()
    header = panel.view.horizontalHeader()
    metrics = header.fontMetrics()

    def all_fit():
        return all(
            header.sectionSize(i) >= metrics.horizontalAdvance(name) + 8
            for i, name in enumerate(NAMES)
        )

    qtbot.waitUntil(all_fit)
    total = sum(header.sectionSize(i) for i in range(len(NAMES)))
    if total <= panel.view.viewport().width():  # when they fit, they fill the width
        assert total == panel.view.viewport().width()
