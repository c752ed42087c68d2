"""Where nnviz finds its shipped files and keeps the user's.

The shipped folders sit at the top of the repository (`data/`, `resources/`) and are installed
as the packages `nnviz.shipped` and `nnviz.resources` (see setup.py). importlib.resources
finds them the same way in a wheel, a pipx install and an editable install from a clone.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path


def _folder(package: str) -> Path:
    # pip and pipx always unpack wheels, so the shipped folders are real folders on disk.
    return Path(str(files(package)))


RESOURCES = _folder("nnviz.resources")
SHIPPED_DATA = _folder("nnviz.shipped")
SHIPPED_CIRCUITS = SHIPPED_DATA / "circuits"


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


def shipped_examples() -> dict[str, Path]:
    """The files nnviz ships that can be opened by name (``half_adder``, ...), by name."""
    found: dict[str, Path] = {}
    for pattern in ("circuits/*.json", "decks/*.nnvizdeck", "decks/*.nnviz"):
        for path in sorted(SHIPPED_DATA.glob(pattern)):
            found.setdefault(path.stem, path)
    return found


def resolve_file(text: str | os.PathLike[str]) -> Path:
    """A path as given, or the shipped example of that name when no such file exists.

    ``half_adder`` and ``half_adder.json`` both name the shipped half adder, unless a file of
    that name is in the current folder.
    """
    path = Path(text).expanduser()
    if path.parent != Path("."):
        return path
    try:
        if path.exists():
            return path
    except (OSError, ValueError):  # a name too long or with a NUL byte: the loader says so
        return path
    name = path.stem if path.suffix in (".json", ".nnviz", ".nnvizdeck") else path.name
    return shipped_examples().get(name, path)
