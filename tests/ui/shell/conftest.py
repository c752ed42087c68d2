"""Fixtures for tests of the whole window: dialogs that answer at once, a started window."""

import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from nnviz.ui.shell.main_window import MainWindow


@pytest.fixture
def no_dialogs(monkeypatch):
    """Modal dialogs answer at once, as if the user cancelled."""
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: "")
    monkeypatch.setattr(QInputDialog, "getDouble", lambda *a, **k: (0.0, False))
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("", False))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", False))
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: ("", False))
    for name in ("information", "warning", "critical", "question", "about"):
        monkeypatch.setattr(QMessageBox, name, lambda *a, **k: QMessageBox.StandardButton.Cancel)
    from nnviz.ui.shell import download_dialog

    monkeypatch.setattr(download_dialog.DownloadDialog, "run", lambda self: False)


@pytest.fixture
def window(qtbot, monkeypatch, no_dialogs):
    monkeypatch.setenv("NNVIZ_MNIST_DIR", "/nonexistent")
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.studio.snapshot is not None, timeout=15000)
    yield w
    w.close()
