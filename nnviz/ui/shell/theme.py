"""Themes and presentation scale, applied app-wide.

Three themes: ``light`` (the default), ``contrast`` (high-contrast light, for projectors in lit
rooms) and ``dark``. The scale (1 to 3) enlarges type; views that draw their own lines (plots,
the network canvas) get ``set_presentation(scale, dark)`` when they define it.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from nnviz.ui.style import apply_theme, base_qss, set_look, theme_plots

THEMES = ("light", "contrast", "dark")
THEME_TITLES = {"light": "Light", "contrast": "High-contrast light", "dark": "Dark"}

_EXTRA_QSS = {
    "light": "",
    "contrast": """
        QWidget { color: #000000; }
        QGroupBox { font-weight: bold; border: 2px solid #000000; margin-top: 1.2em; }
        QGroupBox::title { subcontrol-origin: margin; left: 8px; padding: 0 4px; }
        QPushButton { border: 2px solid #000000; padding: 4px 10px; background: #ffffff; }
        QPushButton:hover { background: #ffe94d; }
        QTabBar::tab:selected { background: #000000; color: #ffffff; }
        QLabel#hint { color: #000000; }
    """,
    "dark": """
        QLabel#hint { color: #aab4c4; }
        QLabel#lesson { color: #e6e9ef; }
        QLabel#banner { background: #22324f; color: #dbe6ff; }
    """,
}


def _palette(theme: str) -> QPalette:
    p = QPalette()
    if theme == "dark":
        base, window, text = QColor("#1e2127"), QColor("#272b33"), QColor("#e6e9ef")
        p.setColor(QPalette.ColorRole.Window, window)
        p.setColor(QPalette.ColorRole.WindowText, text)
        p.setColor(QPalette.ColorRole.Base, base)
        p.setColor(QPalette.ColorRole.AlternateBase, window)
        p.setColor(QPalette.ColorRole.Text, text)
        p.setColor(QPalette.ColorRole.Button, window)
        p.setColor(QPalette.ColorRole.ButtonText, text)
        p.setColor(QPalette.ColorRole.ToolTipBase, base)
        p.setColor(QPalette.ColorRole.ToolTipText, text)
        p.setColor(QPalette.ColorRole.Highlight, QColor("#3d7be0"))
        p.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
        p.setColor(QPalette.ColorRole.PlaceholderText, QColor("#8a93a3"))
    elif theme == "contrast":
        p.setColor(QPalette.ColorRole.Window, QColor("#ffffff"))
        p.setColor(QPalette.ColorRole.WindowText, QColor("#000000"))
        p.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
        p.setColor(QPalette.ColorRole.Text, QColor("#000000"))
        p.setColor(QPalette.ColorRole.Button, QColor("#ffffff"))
        p.setColor(QPalette.ColorRole.ButtonText, QColor("#000000"))
        p.setColor(QPalette.ColorRole.Highlight, QColor("#0033cc"))
        p.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    else:
        return QApplication.style().standardPalette()
    return p


class Presentation:
    """Remembers the normal font so scaling is always relative to it."""

    def __init__(self) -> None:
        app = QApplication.instance()
        self.base_font = QFont(app.font())
        self.theme = "light"
        self.scale = 1.0

    def apply(self, theme: str, scale: float, views: list[QWidget]) -> None:
        if theme not in THEMES:
            raise ValueError(f"unknown theme {theme!r}; choose one of {', '.join(THEMES)}")
        scale = min(3.0, max(1.0, float(scale)))
        app = QApplication.instance()
        font = QFont(self.base_font)
        size = self.base_font.pointSizeF() if self.base_font.pointSizeF() > 0 else 10.0
        font.setPointSizeF(size * scale)
        app.setFont(font)
        app.setPalette(_palette(theme))
        # The light theme needs no application style sheet (see nnviz.ui.style); the others
        # restyle buttons, group boxes and tabs everywhere.
        app.setStyleSheet(base_qss() + _EXTRA_QSS[theme] if theme != "light" else "")
        apply_theme(_EXTRA_QSS[theme])
        self.theme, self.scale = theme, scale
        set_look(theme, scale)
        for view in views:
            hook = getattr(view, "set_presentation", None)
            if hook is not None:
                hook(scale, theme == "dark")
            theme_plots(view, theme, scale, force=True)  # after: contrast's black axes win
