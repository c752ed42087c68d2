"""Where nnviz finds its shipped files and keeps the user's.

The shipped folders (`resources/`, `data/`) sit beside the package in the source tree; nnviz
is installed editable (see README), so they are found relative to this file.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "resources"
SHIPPED_DATA = ROOT / "data"


def user_data_dir() -> Path:
    """Per-user folder for downloads (MNIST) and caches; `NNVIZ_DATA_DIR` overrides it."""
    env = os.environ.get("NNVIZ_DATA_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("nnviz", appauthor=False))


def user_state_dir() -> Path:
    """Per-user folder for autosaves and recovery files."""
    env = os.environ.get("NNVIZ_STATE_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_state_dir("nnviz", appauthor=False))
