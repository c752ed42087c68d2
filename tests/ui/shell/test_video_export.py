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
    import nnviz.ui.shell.main_window as mw

    assert window.open_recording(str(recording_path))
    target = tmp_path / "slides.mp4"
    monkeypatch.setattr(mw, "save_file", lambda *a, **k: str(target))
    window.export_video_dialog()
    job = window.video_export
    assert job.running and job.dialog is not None  # progress shown, the window free
    with qtbot.waitSignal(job.finished, timeout=120_000) as done:
        pass
    assert done.args[0] is True and "Video saved" in done.args[1]
    assert len(decode(target)[1]) == 30 * 30  # 30 s at 30 fps, the defaults
    # Cancel: the child stops and leaves neither the video nor a partial file.
    target2 = tmp_path / "cancelled.mp4"
    monkeypatch.setattr(mw, "save_file", lambda *a, **k: str(target2))
    window.export_video_dialog()
    job = window.video_export
    qtbot.waitUntil(lambda: job.dialog is not None and job.dialog.value() > 0, timeout=60_000)
    with qtbot.waitSignal(job.finished, timeout=30_000) as done:
        from PySide6.QtWidgets import QPushButton

        job.dialog.findChild(QPushButton).click()  # the dialog's Cancel button
    assert done.args == [False, "Video export cancelled: no file was written."]
    qtbot.settle()
    assert not target2.exists() and not list(tmp_path.glob(".cancelled*"))
