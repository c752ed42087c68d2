"""The app's stored settings (QSettings), shared by every view."""

from __future__ import annotations

import os


def settings():
    """The app's QSettings: an INI file at $NNVIZ_SETTINGS_PATH (tests), else the user's."""
    from PySide6.QtCore import QSettings

    path = os.environ.get("NNVIZ_SETTINGS_PATH")
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings("nnviz", "nnviz")
