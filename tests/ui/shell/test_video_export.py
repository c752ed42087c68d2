"""File > Export Replay as Video: a background job with progress and Cancel (issue 13, 7)."""

from __future__ import annotations

import pytest

from tests.ui.training.test_compare import record_run
from tests.ui.training.test_video import decode


@pytest.fixture
def recording_path(tmp_path):
    path = tmp_path / "run.nnrec"
    record_run(path, eta=3.0, epochs=2)
    return path


@pytest.mark.slow
def test_app_exports_the_replay_in_the_background_and_can_cancel(
    qtbot, window, recording_path, tmp_path, monkeypatch
):
    import nnviz.ui.shell.exports as mw
    import nnviz.ui.shell.video_export as ve

    assert window.sessions.open_recording(str(recording_path))
    target = tmp_path / "slides.mp4"
    monkeypatch.setattr(mw, "save_file", lambda *a, **k: str(target))
    # The options dialog's choices reach the renderer: 4 s at 10 frames a second.
    chosen = {"size": "640x360", "fps": 10, "seconds": 4.0, "view": "canvas"}
    monkeypatch.setattr(ve, "ask_video_options", lambda parent: dict(chosen))
    window.exports.export_video_dialog()
    job = window.video_export
    assert job.running and job.dialog is not None  # progress shown, the window free
    with qtbot.waitSignal(job.finished, timeout=120_000) as done:
        pass
    assert done.args[0] is True and "Video saved" in done.args[1]
    frames = decode(target)[1]
    assert len(frames) == 4 * 10 and frames[0].shape[:2] == (360, 640)
    # Cancel: the child stops and leaves neither the video nor a partial file.
    target2 = tmp_path / "cancelled.mp4"
    monkeypatch.setattr(mw, "save_file", lambda *a, **k: str(target2))
    chosen.update(fps=30, seconds=30.0, size="1280x720")  # long enough to cancel midway
    window.exports.export_video_dialog()
    job = window.video_export
    qtbot.waitUntil(lambda: job.dialog is not None and job.dialog.value() > 0, timeout=60_000)
    with qtbot.waitSignal(job.finished, timeout=30_000) as done:
        from PySide6.QtWidgets import QPushButton

        job.dialog.findChild(QPushButton).click()  # the dialog's Cancel button
    assert done.args == [False, "Video export cancelled: no file was written."]
    qtbot.settle()
    assert not target2.exists() and not list(tmp_path.glob(".cancelled*"))


def test_cancelling_the_video_options_exports_nothing(
    window, recording_path, tmp_path, monkeypatch
):
    import nnviz.ui.shell.exports as mw
    import nnviz.ui.shell.video_export as ve

    assert window.sessions.open_recording(str(recording_path))
    monkeypatch.setattr(mw, "save_file", lambda *a, **k: str(tmp_path / "x.mp4"))
    monkeypatch.setattr(ve, "ask_video_options", lambda parent: None)
    window.exports.export_video_dialog()
    assert getattr(window, "video_export", None) is None and not (tmp_path / "x.mp4").exists()


def test_the_options_dialog_offers_the_commands_choices(qtbot, monkeypatch):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QSpinBox, QWidget

    import nnviz.ui.shell.video_export as ve

    parent = QWidget()
    qtbot.addWidget(parent)
    seen = {}

    def choose():
        dialog = next(
            w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()
        )
        combos = dialog.findChildren(QComboBox)
        seen["sizes"] = [combos[0].itemText(i) for i in range(combos[0].count())]
        combos[0].setCurrentText("1920x1080")
        dialog.findChild(QSpinBox).setValue(12)
        combos[1].setCurrentIndex(2)
        dialog.accept()

    QTimer.singleShot(0, choose)
    options = ve.ask_video_options(parent)
    assert "640x360" in seen["sizes"] and "1920x1080" in seen["sizes"]
    assert options == {"size": "1920x1080", "fps": 12, "seconds": 30.0, "view": "plots"}
