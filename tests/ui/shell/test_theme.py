"""One Theme object (issue 27): presenter mode and themes are independent, type size never
depends on the order themes were chosen, View > Theme shows the one in use, and every plot of
every page follows each switch."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtWidgets import QApplication

from nnviz.ui.style import THEMES, Look


def checked_theme(window) -> list[str]:
    return [a.data() for a in window.theme_actions.actions() if a.isChecked()]


def test_f5_keeps_the_theme_and_only_scales_the_type(window, qtbot):
    base = QApplication.font().pointSizeF()
    window.set_theme("dark")
    window.set_presenter(True)
    assert window.theme.look == Look("dark", window.presenter_scale)
    assert QApplication.font().pointSizeF() == pytest.approx(base * window.presenter_scale)
    window.set_presenter(False)
    assert window.theme.look == Look("dark", 1.0) and checked_theme(window) == ["dark"]
    assert QApplication.font().pointSizeF() == pytest.approx(base)
    window.set_theme("light")


@pytest.mark.parametrize(
    "order",
    [("dark", "contrast", "light"), ("contrast", "dark", "light"), ("light", "dark", "light")],
)
def test_type_size_never_depends_on_the_themes_chosen_before(window, order):
    base = QApplication.font().pointSizeF()
    window.set_presenter(True)
    big = QApplication.font().pointSizeF()
    for theme in order:
        window.set_theme(theme)
        assert QApplication.font().pointSizeF() == pytest.approx(big)
        assert checked_theme(window) == [theme]
    window.set_presenter(False)
    assert QApplication.font().pointSizeF() == pytest.approx(base)


def test_every_plot_of_every_page_follows_each_switch(window, qtbot):
    window.build_all_pages()
    plots = [
        p for page_id in window.page_ids for p in window.page(page_id).findChildren(pg.PlotWidget)
    ]
    assert len(plots) > 10
    for theme in ("light", "dark", "contrast", "light"):
        window.set_theme(theme)
        look = window.theme.look
        wrong = [
            p.objectName() or type(p.parent()).__name__
            for p in plots
            if p.backgroundBrush().color().name() != look.background
            or p.getPlotItem().getAxis("left").pen().color().name() != look.ink
        ]
        assert wrong == [], (theme, wrong)
    assert set(THEMES) == {"light", "dark", "contrast"}
