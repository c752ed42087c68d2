"""The app's look: one :class:`Theme` object, and named looks for a few kinds of label.

The theme (light, high-contrast light or dark) and the type scale (1 to 3, presenter mode)
live in one :class:`Theme`, owned by the QApplication (:func:`app_theme`). Changing it sets
the application's font, palette and style sheet and emits ``changed(Look)``; pages and plots
subscribe to that signal. Nothing else keeps theme state.

Labels with a role (banner, hint, lesson, error, log) carry their rules themselves instead of
the application holding one style sheet: an application-wide style sheet makes Qt style every
widget through its style-sheet engine, which made building the window a third slower. The
light theme sets no application style sheet at all.
"""

from __future__ import annotations

import functools
import weakref
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from nnviz.paths import RESOURCES

THEMES = ("light", "contrast", "dark")
THEME_TITLES = {"light": "Light", "contrast": "High-contrast light", "dark": "Dark"}
SCALE_RANGE = (1.0, 3.0)
PRESENTER_SCALES = (1.0, 1.5, 2.0, 2.5, 3.0)  # View > Presenter Scale

# The colours of pyqtgraph views (plots, bars, images' surroundings), as (background, ink):
# white in the light themes, the dark theme's base otherwise.
PLOT_LIGHT = ("#ffffff", "#222222")
PLOT_DARK = ("#1e2127", "#e6e9ef")

# Rules each theme adds to the named looks (and, but for light, to the application).
THEME_QSS = {
    "light": "",
    "contrast": """
        QWidget { color: #000000; }
        QWidget:disabled { color: #8a8a8a; }
        QGroupBox { font-weight: bold; border: 2px solid #000000; margin-top: 1.2em; }
        QGroupBox::title { subcontrol-origin: margin; left: 8px; padding: 0 4px; }
        QPushButton { border: 2px solid #000000; padding: 4px 10px; background: #ffffff; }
        QPushButton:hover { background: #ffe94d; }
        QPushButton:disabled { color: #8a8a8a; border: 2px dashed #8a8a8a; }
        QTabBar::tab:selected { background: #000000; color: #ffffff; }
        QLabel#hint { color: #000000; }
    """,
    "dark": """
        QLabel#hint { color: #aab4c4; }
        QLabel#lesson { color: #e6e9ef; }
        QLabel#banner { background: #22324f; color: #dbe6ff; }
    """,
}


def plot_colours(dark: bool) -> tuple[str, str]:
    return PLOT_DARK if dark else PLOT_LIGHT


@functools.cache
def base_qss() -> str:
    return (RESOURCES / "styles" / "light.qss").read_text()


@dataclass(frozen=True)
class Look:
    """A theme and a type scale: what every view draws with."""

    theme: str = "light"
    scale: float = 1.0

    @property
    def dark(self) -> bool:
        return self.theme == "dark"

    @property
    def ink(self) -> str:
        """Text and axes on plots."""
        return "#000000" if self.theme == "contrast" else plot_colours(self.dark)[1]

    @property
    def background(self) -> str:
        return plot_colours(self.dark)[0]

    @property
    def line_width(self) -> float:
        return 2.0 if self.theme == "contrast" else 1.0


class Theme(QObject):
    """The app's one look. ``set`` changes it and emits ``changed(Look)`` once."""

    changed = Signal(object)  # Look

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("nnviz-theme")
        self._look = Look()
        self._base_font = None  # the application's font at scale 1, taken on first change
        self._roles: weakref.WeakSet[QWidget] = weakref.WeakSet()

    @property
    def look(self) -> Look:
        return self._look

    def set(self, theme: str | None = None, scale: float | None = None) -> None:
        """Use ``theme`` and/or ``scale`` (the other stays); ValueError for an unknown theme."""
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QFont
        from PySide6.QtWidgets import QApplication

        theme = self._look.theme if theme is None else theme
        if theme not in THEMES:
            raise ValueError(f"unknown theme {theme!r}; choose one of {', '.join(THEMES)}")
        scale = self._look.scale if scale is None else float(scale)
        scale = min(SCALE_RANGE[1], max(SCALE_RANGE[0], scale))
        look = Look(theme, scale)
        if look == self._look:
            return
        old_scale = self._look.scale
        app = QApplication.instance()
        if self._base_font is None:
            self._base_font = QFont(app.font())
        font = QFont(self._base_font)  # always from the scale-1 font: no drift with history
        size = self._base_font.pointSizeF() if self._base_font.pointSizeF() > 0 else 10.0
        font.setPointSizeF(size * scale)
        app.setFont(font)
        app.setPalette(_palette(theme))
        app.setStyleSheet(base_qss() + THEME_QSS[theme] if theme != "light" else "")
        self._look = look
        for widget in list(self._roles):
            self._style_role(widget)
        if scale != old_scale:
            # A widget with a style sheet of its own keeps the font it had when the sheet
            # was applied (the perceptron's input toggles stayed 12 px in presenter mode):
            # apply each such sheet again, with the new application font.
            for widget in app.allWidgets():
                own = widget.styleSheet()
                if own and not widget.testAttribute(Qt.WidgetAttribute.WA_SetFont):
                    widget.setStyleSheet("")
                    widget.setStyleSheet(own)
        import pyqtgraph as pg

        # Text and axes pyqtgraph makes from now on (new legend rows, labels) take the theme.
        pg.setConfigOption("foreground", look.ink)
        self.changed.emit(look)

    def style_role(self, widget: QWidget, role: str) -> QWidget:
        widget.setObjectName(role)
        self._roles.add(widget)
        self._style_role(widget)
        return widget

    def _style_role(self, widget: QWidget) -> None:
        import shiboken6

        if not shiboken6.isValid(widget):  # its window was closed and deleted
            self._roles.discard(widget)
            return
        widget.setStyleSheet(base_qss() + THEME_QSS[self._look.theme])


def app_theme() -> Theme:
    """The application's theme (made on first use, owned by the QApplication)."""
    from PySide6.QtCore import QCoreApplication

    app = QCoreApplication.instance()
    found = app.findChild(Theme, "nnviz-theme") if app is not None else None
    return found if found is not None else Theme(app)


def _palette(theme: str):
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    p = QPalette()
    group, role = QPalette.ColorGroup, QPalette.ColorRole
    if theme == "dark":
        base, window, text = QColor("#1e2127"), QColor("#272b33"), QColor("#e6e9ef")
        for r, c in (
            (role.Window, window),
            (role.WindowText, text),
            (role.Base, base),
            (role.AlternateBase, window),
            (role.Text, text),
            (role.Button, window),
            (role.ButtonText, text),
            (role.ToolTipBase, base),
            (role.ToolTipText, text),
            (role.Highlight, QColor("#3d7be0")),
            (role.HighlightedText, QColor("#ffffff")),
            (role.PlaceholderText, QColor("#8a93a3")),
        ):
            p.setColor(r, c)
        dim = QColor("#7d8594")  # disabled controls look disabled on the dark background
        for r in (role.WindowText, role.Text, role.ButtonText):
            p.setColor(group.Disabled, r, dim)
    elif theme == "contrast":
        for r, c in (
            (role.Window, "#ffffff"),
            (role.WindowText, "#000000"),
            (role.Base, "#ffffff"),
            (role.Text, "#000000"),
            (role.Button, "#ffffff"),
            (role.ButtonText, "#000000"),
            (role.Highlight, "#0033cc"),
            (role.HighlightedText, "#ffffff"),
        ):
            p.setColor(r, QColor(c))
        for r in (role.WindowText, role.Text, role.ButtonText):
            p.setColor(group.Disabled, r, QColor("#8a8a8a"))
    else:
        return QApplication.style().standardPalette()
    return p


def set_role(widget: QWidget, role: str) -> QWidget:
    """Give ``widget`` the look named ``role`` (its object name) in the current theme."""
    return app_theme().style_role(widget, role)


def current_look() -> tuple[str, float]:
    look = app_theme().look
    return look.theme, look.scale


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

    now = app_theme().look
    look = Look(now.theme if theme is None else theme, now.scale if scale is None else scale)
    theme, scale = look.theme, look.scale
    background, ink, width = look.background, look.ink, look.line_width
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
            style = {**axis.labelStyle, "color": ink, "font-size": f"{11 * scale:.0f}pt"}
            if axis.labelText or axis.labelUnits:
                axis.setLabel(axis.labelText, axis.labelUnits, axis.labelUnitPrefix, **style)
            else:
                axis.labelStyle = style  # for a label set later
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
