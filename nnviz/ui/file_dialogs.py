"""File dialogs that start in the folder last used for that kind of file.

``open_file(parent, "network", "Open network", "nnviz networks (*.npz)")`` asks for a file and
remembers its folder under ``dialogs/network`` in the settings, so the next network dialog
starts there while recordings, sessions and pictures keep their own folders. A folder that
has gone since falls back to the one used for any file, then to the home folder.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from nnviz.ui.settings import settings

ANY = "last_dir"  # the folder of the last file of any kind (older settings used this key)


def last_folder(kind: str) -> str:
    """Where a dialog for ``kind`` files starts."""
    st = settings()
    for key in (f"dialogs/{kind}", ANY):
        folder = str(st.value(key, "") or "")
        if folder and Path(folder).is_dir():
            return folder
    return str(Path.home())


def remember(kind: str, path: str | Path) -> None:
    """Note ``path``'s folder as the last one for ``kind`` (and for any file)."""
    folder = str(Path(path).expanduser().resolve().parent)
    st = settings()
    st.setValue(f"dialogs/{kind}", folder)
    st.setValue(ANY, folder)


def _start(kind: str, name: str) -> str:
    folder = last_folder(kind)
    return str(Path(folder) / name) if name else folder


def open_file(parent, kind: str, title: str, filters: str) -> str:
    """An existing file's path chosen by the user, or "" if they cancelled."""
    path, _ = QFileDialog.getOpenFileName(parent, title, _start(kind, ""), filters)
    if path:
        remember(kind, path)
    return path


def open_files(parent, kind: str, title: str, filters: str) -> list[str]:
    paths, _ = QFileDialog.getOpenFileNames(parent, title, _start(kind, ""), filters)
    if paths:
        remember(kind, paths[0])
    return list(paths)


def save_file(parent, kind: str, title: str, filters: str, name: str = "") -> str:
    """A path to write chosen by the user (starting with ``name``), or "" if cancelled."""
    path, _ = QFileDialog.getSaveFileName(parent, title, _start(kind, name), filters)
    if path:
        remember(kind, path)
    return path
