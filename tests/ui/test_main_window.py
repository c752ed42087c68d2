"""The whole window: every tab and menu action opens without error; closing stops threads."""

import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from nnviz.ui.main_window import MainWindow


@pytest.fixture
def no_dialogs(monkeypatch):
    """Modal dialogs answer at once, as if the user cancelled."""
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    monkeypatch.setattr(QInputDialog, "getDouble", lambda *a, **k: (0.0, False))
    for name in ("information", "warning", "critical", "question", "about"):
        monkeypatch.setattr(QMessageBox, name,
                            lambda *a, **k: QMessageBox.StandardButton.Cancel)
    from nnviz.ui import download_dialog

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


def test_every_tab_opens(window, qtbot):
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        qtbot.wait(50)
        assert window.tabs.currentWidget().isVisible()
    explore = window.explore
    for i in range(explore.tabs.count()):
        explore.tabs.setCurrentIndex(i)
        qtbot.wait(50)


def test_every_menu_action_runs(window, qtbot):
    skip = {"&Quit"}
    triggered = []
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        stack = [menu]
        while stack:
            m = stack.pop()
            for act in m.actions():
                if act.menu() is not None:
                    stack.append(act.menu())
                elif not act.isSeparator() and act.text() not in skip:
                    window.tabs.setCurrentWidget(window.studio)
                    act.trigger()
                    qtbot.wait(20)
                    triggered.append(act.text())
                    if window.presenter:
                        window.set_presenter(False)
    assert len(triggered) > 20
    assert any("Presenter" in t for t in triggered)


def test_space_and_arrows_drive_training(window, qtbot):
    window.tabs.setCurrentWidget(window.studio)
    window.act_step.trigger()
    qtbot.waitUntil(lambda: window.studio.snapshot.progress.examples_seen == 10, timeout=5000)
    window.act_play.trigger()
    qtbot.waitUntil(lambda: window.studio.playing, timeout=5000)
    assert window.act_play.text() == "&Pause" and not window.act_step.isEnabled()
    window.act_play.trigger()
    qtbot.waitUntil(lambda: not window.studio.playing, timeout=5000)
    assert window.act_play.shortcut().toString() == "Space"
    assert window.act_step.shortcut().toString() == "Right"
    assert window.act_reset.shortcut().toString() == "R"


def test_presenter_mode_scales_type_and_hides_secondary_controls(window, qtbot):
    from PySide6.QtWidgets import QApplication

    base = QApplication.font().pointSizeF()
    window.set_presenter_scale(2.0)
    window.set_presenter(True)
    assert QApplication.font().pointSizeF() == pytest.approx(base * 2.0)
    assert not window.studio.splitter.widget(0).isVisible()
    window.set_presenter(False)
    assert QApplication.font().pointSizeF() == pytest.approx(base)
    assert window.studio.splitter.widget(0).isVisible()


def test_close_mid_run_stops_threads_and_keeps_layout(qtbot, monkeypatch, no_dialogs):
    import time

    monkeypatch.setenv("NNVIZ_MNIST_DIR", "/nonexistent")
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.studio.snapshot is not None, timeout=15000)
    w.studio.controls.epochs_spin.setValue(1000)
    qtbot.waitUntil(lambda: w.studio.settings.epochs == 1000 and w.studio.snapshot
                    is not None and w.studio.snapshot.run_id == w.studio.worker.run_id,
                    timeout=10000)
    w.tabs.setCurrentIndex(2)
    w.studio.play()
    qtbot.waitUntil(lambda: w.studio.playing, timeout=5000)
    worker = w.studio.worker
    t = time.perf_counter()
    w.close()
    assert time.perf_counter() - t < 2.0
    assert not worker.isRunning()
    w2 = MainWindow()
    qtbot.addWidget(w2)
    assert w2.tabs.currentIndex() == 2  # the layout and tab came back
    w2.close()
