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
    for widget in list(_widgets):
        widget.setStyleSheet(base_qss() + extra_qss)


# The colours of pyqtgraph views (plots, bars, images' surroundings), as (background, ink):
# white in the light themes, the dark theme's base otherwise.
PLOT_LIGHT = ("#ffffff", "#222222")
PLOT_DARK = ("#1e2127", "#e6e9ef")


def plot_colours(dark: bool) -> tuple[str, str]:
    return PLOT_DARK if dark else PLOT_LIGHT
