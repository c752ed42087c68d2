"""Named looks for a few kinds of label (banner, hint, lesson, error, log).

Each such widget carries the rules itself instead of the application holding one style sheet:
an application-wide style sheet makes Qt style every widget through its style-sheet engine,
which made building the window a third slower. Themes update these widgets through
``apply_theme`` (and set an application style sheet only when they need one).
"""

from __future__ import annotations

import functools
import weakref

from PySide6.QtWidgets import QWidget

from nnviz.paths import RESOURCES

_widgets: weakref.WeakSet[QWidget] = weakref.WeakSet()
_extra = ""


@functools.cache
def base_qss() -> str:
    return (RESOURCES / "styles" / "light.qss").read_text()


def set_role(widget: QWidget, role: str) -> QWidget:
    """Give ``widget`` the look named ``role`` (its object name) in the current theme."""
    widget.setObjectName(role)
    widget.setStyleSheet(base_qss() + _extra)
    _widgets.add(widget)
    return widget


def apply_theme(extra_qss: str) -> None:
    """Rules of a theme that refine the named looks (e.g. dark banners)."""
    global _extra
    _extra = extra_qss
    import shiboken6

    for widget in list(_widgets):
        if not shiboken6.isValid(widget):  # its window was closed and deleted
            _widgets.discard(widget)
            continue
        widget.setStyleSheet(base_qss() + extra_qss)


# The colours of pyqtgraph views (plots, bars, images' surroundings), as (background, ink):
# white in the light themes, the dark theme's base otherwise.
PLOT_LIGHT = ("#ffffff", "#222222")
PLOT_DARK = ("#1e2127", "#e6e9ef")


def plot_colours(dark: bool) -> tuple[str, str]:
    return PLOT_DARK if dark else PLOT_LIGHT


# The look the app is in now, for views built after the theme was chosen (lazy tabs).
_look = {"theme": "light", "scale": 1.0}


def set_look(theme: str, scale: float) -> None:
    _look["theme"], _look["scale"] = theme, float(scale)
    import pyqtgraph as pg

    # Text and axes pyqtgraph makes from now on (new legend rows, labels) take the theme.
    pg.setConfigOption(
        "foreground", "#000000" if theme == "contrast" else plot_colours(theme == "dark")[1]
    )


def current_look() -> tuple[str, float]:
    return _look["theme"], _look["scale"]


def theme_plots(
    root: QWidget, theme: str | None = None, scale: float | None = None, force: bool = False
) -> int:
    """Give every pyqtgraph plot under ``root`` the theme's background, axes, grid, text and
    legend (and the scale's type size); returns how many plots it styled.

    Views with their own ``set_presentation`` refine this (curve widths, legend rows); this
    pass makes sure no plot anywhere stays white in the dark theme. High contrast keeps the
    light background with black, wider axes.
    """
    import pyqtgraph as pg
    from PySide6.QtGui import QColor, QFont

    theme = _look["theme"] if theme is None else theme
    scale = _look["scale"] if scale is None else float(scale)
    background, ink = plot_colours(theme == "dark")
    width = 1.0
    if theme == "contrast":
        ink, width = "#000000", 2.0
    font = QFont()
    font.setPointSizeF(9.0 * scale)
    styled = 0
    for widget in root.findChildren(pg.PlotWidget) + (
        [root] if isinstance(root, pg.PlotWidget) else []
    ):
        if widget.property("nnviz_look") == (theme, scale) and not force:
            continue
        widget.setProperty("nnviz_look", (theme, scale))
        widget.setBackground(background)
        item = widget.getPlotItem()
        for name in ("left", "bottom", "right", "top"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(ink, width=width))
            axis.setTextPen(pg.mkPen(ink))
            axis.setStyle(tickFont=font)
            axis.labelStyle = {**axis.labelStyle, "color": ink}
            axis.labelStyle["font-size"] = f"{11 * scale:.0f}pt"
            axis._updateLabel()
        title = item.titleLabel
        if title.text:
            title.setText(title.text, color=ink, size=f"{11 * scale:.0f}pt")
        legend = item.legend
        if legend is not None:
            legend.setLabelTextColor(ink)
            for _sample, label in legend.items:
                label.setText(label.text, color=ink, size=f"{9 * scale:.0f}pt")
        for child in item.vb.addedItems:
            if isinstance(child, pg.TextItem):
                child.setColor(QColor(ink))
        styled += 1
    return styled


CELL_INK = "#111827"  # text on a tinted (always light) table cell, in every theme


def set_cell_colour(item, colour) -> None:
    """Tint a table cell (a QColor, or None to clear it). A tinted cell gets dark text, so it
    stays readable in the dark theme, where plain cells have light text."""
    from PySide6.QtGui import QBrush, QColor

    if colour is None:
        item.setBackground(QBrush())
        item.setForeground(QBrush())
    else:
        item.setBackground(QBrush(QColor(colour)))
        item.setForeground(QBrush(QColor(CELL_INK)))
