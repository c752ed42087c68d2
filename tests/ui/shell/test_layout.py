"""Nothing is cut off on a 1280x720 projector or a 1440x900 laptop, in normal and presenter
mode, and the themes reach every view (issue 13, items 1 to 3)."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from nnviz.ui.shell.guide import GuideCard
from nnviz.ui.shell.layout_check import MIN_PLOT_HEIGHT, pages, problems
from nnviz.ui.style import PLOT_DARK, PLOT_LIGHT


def _present(window, monkeypatch, width: int, height: int) -> None:
    """Presenter mode on a projector of width x height (the test screen is smaller, so the
    window is sized by hand instead of by full screen)."""
    monkeypatch.setattr(window, "showFullScreen", lambda: None)
    window.set_presenter_scale(1.5)
    window.set_presenter(True)
    window.setGeometry(0, 0, width, height)


def _settle(qtbot, window) -> None:
    for card in window.findChildren(GuideCard):
        card.hide()
    qtbot.settle()


@pytest.mark.slow
@pytest.mark.parametrize(
    "size, presenter",
    [
        ((1280, 720), False),
        ((1440, 900), False),
        # QT_SCALE_FACTOR=1.5 on a 1600x1000 screen leaves 1067x667 logical pixels
        ((1067, 667), False),
        ((1280, 720), True),
        ((1440, 900), True),
    ],
    ids=["1280x720", "1440x900", "1600x1000-at-1.5x", "1280x720-presenter", "1440x900-presenter"],
)
def test_every_tab_and_sub_tab_fits(qtbot, window, monkeypatch, size, presenter):
    width, height = size
    window.resize(width, height)
    if presenter:
        _present(window, monkeypatch, width, height)
    qtbot.settle()
    assert (window.width(), window.height()) == size
    visited, found = [], {}
    for name in pages(window):
        _settle(qtbot, window)
        visited.append(name)
        bad = problems(window)
        if bad:
            found[name] = bad
    assert found == {}
    # Every top-level tab and the sub-tabs of the nested ones were visited.
    assert len(visited) >= window.tabs.count() + 10
    # ("Matrices" in presenter mode, whose sub-tab titles are short)
    assert any(v.startswith("Inside the network / Matri") for v in visited)
    assert any(v.startswith("Circuits / As perceptrons") for v in visited)
    plots = [p for p in window.findChildren(pg.PlotWidget) if p.isVisible()]
    assert all(p.height() >= MIN_PLOT_HEIGHT for p in plots)


def test_presenter_canvas_labels_are_readable_at_1280x720(qtbot, window, monkeypatch):
    window.resize(1280, 720)
    _present(window, monkeypatch, 1280, 720)
    window.show_view(window.studio)
    qtbot.settle()
    assert (window.width(), window.height()) == (1280, 720)
    canvas = window.studio.canvas
    labels, titles = canvas.text_pixel_sizes()
    assert labels >= 18 and titles >= 18, (window.size(), canvas.size(), canvas._shrink)
    # The drawing fills the view: its width or its height uses nearly all of the viewport.
    rect = canvas.mapFromScene(canvas.content_rect()).boundingRect()
    vp = canvas.viewport().rect()
    assert rect.width() >= 0.9 * vp.width() or rect.height() >= 0.85 * vp.height()
    # Leaving presenter mode gives normal-sized text back.
    window.set_presenter(False)
    qtbot.settle()
    assert canvas.text_pixel_sizes()[0] < 16


def _background(plot: pg.PlotWidget) -> str:
    return plot.backgroundBrush().color().name()


def test_dark_theme_reaches_every_plot_the_circuit_scene_and_tables(qtbot, window):
    window.build_all_pages()
    window.set_theme("dark")
    qtbot.settle()
    plots = window.findChildren(pg.PlotWidget)
    assert len(plots) >= 8
    assert {_background(p) for p in plots} == {PLOT_DARK[0]}
    for p in plots:
        axis = p.getPlotItem().getAxis("bottom")
        assert axis.textPen().color().lightness() > 180  # light ink on the dark background
    scene = window.circuit_sandbox.scene
    assert scene.look.background.lightness() < 60
    assert window.palette().color(window.palette().ColorRole.Base).lightness() < 60
    window.set_theme("light")
    assert {_background(p) for p in window.findChildren(pg.PlotWidget)} == {PLOT_LIGHT[0]}
    assert scene.look.background.lightness() > 200


def test_contrast_theme_draws_plot_axes_black_and_wide(qtbot, window):
    window.build_all_pages()
    window.set_theme("contrast")
    for p in window.findChildren(pg.PlotWidget):
        pen = p.getPlotItem().getAxis("left").pen()
        assert pen.color() == QColor("#000000") and pen.widthF() >= 2
    window.set_theme("light")


def test_theme_and_scale_menus_are_not_elided(qtbot, window):
    from PySide6.QtWidgets import QMenu

    for menu in window.findChildren(QMenu):
        for act in menu.actions():
            assert "\u2026st" not in act.text() and act.text() != "\u2026"
    titles = [a.text() for m in window.findChildren(QMenu) for a in m.actions()]
    assert "High-contrast light" in titles and "1.5\u00d7" in titles


def test_presenter_mode_arranges_pages_for_a_slide_and_gives_everything_back(
    qtbot, window, monkeypatch
):
    """Presenter mode hides what a slide does not need (the parts palette, the challenge, the
    preset's description, the BP1 table) and moves the toolbar into the tab row; leaving it
    brings each back where it was."""
    window.build_all_pages()
    lab, sandbox = window.perceptron_lab, window.circuit_sandbox
    matrix = window.explore.views["matrix"]
    window.show_page("circuits")
    qtbot.settle()

    def shown():
        window.show_page("perceptrons")
        qtbot.settle()
        lab_parts = (lab.challenge_box.isVisible(), lab.preset_label.isVisible())
        window.show_page("circuits")
        qtbot.settle()
        return (
            lab_parts,
            sandbox.parts_palette.isVisible(),
            sandbox.perceptron_view.split.orientation(),
            not matrix.delta_table.isHidden(),
            window.toolbar.isVisible(),
            window.corner_toolbar.isVisible(),
        )

    before = shown()
    assert before == (
        (True, True),
        True,
        Qt.Orientation.Vertical,
        True,
        True,
        False,
    )
    _present(window, monkeypatch, 1280, 720)
    assert shown() == (
        (False, False),
        False,
        Qt.Orientation.Horizontal,
        False,
        False,
        True,
    )
    window.set_presenter(False)
    assert shown() == before


@pytest.mark.parametrize("presenter", [False, True], ids=["normal", "presenter"])
def test_a_replay_keeps_the_window_on_the_screen_and_the_canvas_tall(
    qtbot, window, monkeypatch, tmp_path, presenter
):
    """Opening a recording at 1280x720 never widens the window (the replay bar's words did,
    to 1377 px), and the replay canvas keeps at least 60% of the live canvas's height."""
    from tests.ui.training.test_compare import record_run

    path = tmp_path / "run.nnrec"
    record_run(path, eta=3.0, epochs=2)
    window.resize(1280, 720)
    if presenter:
        _present(window, monkeypatch, 1280, 720)
    window.show_view(window.studio)
    _settle(qtbot, window)
    live = window.studio.canvas.height()
    assert window.sessions.open_recording(str(path))
    _settle(qtbot, window)
    assert window.studio.replay_bar.isVisible()
    assert (window.width(), window.height()) == (1280, 720)
    assert window.studio.canvas.height() >= 0.6 * live
    assert problems(window) == []
    window.set_presenter(False)


def test_presenter_mode_keeps_the_colour_key_and_the_zoom_box(qtbot, window, monkeypatch):
    """Both used to vanish on the projector: the key under the network, the plots' option
    boxes with the tab row they sat in."""
    window.resize(1280, 720)
    _present(window, monkeypatch, 1280, 720)
    window.show_view(window.studio)
    _settle(qtbot, window)
    studio = window.studio
    assert studio.plots.accuracy_plot.zoom_box.isVisible()
    assert studio.plots.cost_plot.log_box.isVisible()
    canvas = studio.canvas
    assert canvas.legend_visible() and canvas._legend_room(canvas.viewport().height()) > 0
    from nnviz.ui.canvas.style import LEGEND_POINTS

    assert LEGEND_POINTS * canvas._legend_scale() * 96 / 72 >= 18  # its words, in pixels
    window.set_presenter(False)
    _settle(qtbot, window)
    assert studio.bottom_tabs.cornerWidget(Qt.Corner.TopRightCorner) is studio.plot_options
    assert studio.plots.accuracy_plot.zoom_box.isVisible()
