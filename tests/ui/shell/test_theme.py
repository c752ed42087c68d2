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


def _ink(widget) -> float:
    """The lightness of a widget's text as drawn: the pixel farthest from its background."""
    import numpy as np

    image = widget.grab().toImage().convertToFormat(widget.grab().toImage().Format.Format_RGB32)
    w, h = image.width(), image.height()
    rgb = np.frombuffer(image.constBits(), np.uint8).reshape(h, image.bytesPerLine() // 4, 4)
    light = rgb[:, :w, :3].mean(axis=2)
    inner = light[h // 4 : 3 * h // 4, w // 6 : 5 * w // 6]  # the label, not the frame
    back = float(np.median(inner))
    return float(inner.min() if back > 128 else inner.max())


def test_every_page_follows_each_switch_and_keeps_its_meaning(window, qtbot):
    """Light, dark, high contrast, light again: on every page the canvases' backgrounds and
    words follow the theme, an activation of 1 is the darkest neuron on light paper and the
    brightest on the dark canvas, and a disabled button's words are drawn fainter than an
    enabled one's (in high contrast they looked the same)."""
    from PySide6.QtGui import QColor

    from nnviz.ui.canvas.grid import InputGridItem
    from nnviz.ui.canvas.items import NeuronLayerItem
    from nnviz.ui.canvas.style import activation_color
    from nnviz.ui.canvas.view import NetworkCanvas

    window.build_all_pages()
    window.studio.grid_box.setChecked(False)  # the column view, with its "input" caption
    qtbot.waitUntil(lambda: window.studio.canvas._image_item is not None)
    canvases = [
        c for page_id in window.page_ids for c in window.page(page_id).findChildren(NetworkCanvas)
    ]
    assert len(canvases) >= 3  # the studio's, the matrix form's, the circuit's layered one
    compare, sandbox = window.compare, window.circuit_sandbox
    pairs = [(compare, compare.start_button, compare.stop_button)]
    bar = sandbox.toolbar
    acts = sandbox.actions_by_name
    pairs.append((sandbox, bar.widgetForAction(acts["copy"]), bar.widgetForAction(acts["undo"])))
    for page, on, off in pairs:
        window.show_view(page)
        qtbot.settle()
        assert on.isEnabled() and not off.isEnabled()
    for theme in ("light", "dark", "contrast", "light"):
        window.set_theme(theme)
        qtbot.settle()
        dark = window.theme.look.dark
        for canvas in canvases:
            paper = canvas.backgroundBrush().color().lightness()
            assert (paper < 60) if dark else (paper > 200), (theme, canvas)
            for item in canvas.neuron_items:
                if isinstance(item, NeuronLayerItem | InputGridItem):
                    assert abs(QColor(item.text_colour).lightness() - paper) > 120, (theme, item)
                    assert item.dark == dark
            picture = canvas._image_item  # the column view's input picture, if shown
            if picture is not None:
                ink = picture.caption.brush().color().lightness()
                assert abs(ink - paper) > 120, (theme, "input caption")
        zero, one = activation_color(0.0, dark), activation_color(1.0, dark)
        assert (one.lightness() > zero.lightness()) == dark
        studio = window.studio.canvas
        out = studio.neuron_items[-1]
        out.set_activations([1.0] + [0.0] * (studio.sizes[-1] - 1))
        assert out._fills[0] == activation_color(1.0, dark)
        for page, on, off in pairs:  # a push button and a tool button
            window.show_view(page)
            qtbot.settle()
            assert abs(_ink(on) - _ink(off)) > 40, (theme, off.text())
