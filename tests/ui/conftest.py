"""UI test fixtures: fail any test that leaves a QThread running."""

from __future__ import annotations

import gc

import pytest


@pytest.fixture(autouse=True, scope="session")
def _clear_clipboard_at_exit(qapp):
    """Data a test put on the clipboard must be freed while Python still runs: Qt deletes it
    at process exit otherwise, after the interpreter is gone, and that crashes."""
    yield
    qapp.clipboard().clear()
    qapp.processEvents()


@pytest.fixture(autouse=True)
def _no_thread_left_running(qapp):
    yield
    from PySide6.QtCore import QThread

    gc.collect()
    running = [
        obj
        for obj in gc.get_objects()
        if isinstance(obj, QThread) and _alive(obj) and obj.isRunning()
    ]
    for t in running:  # stop them so one leak does not cascade into later tests
        t.requestInterruption()
        t.quit()
        t.wait(2000)
    assert not running, f"test left {len(running)} QThread(s) running: {running}"


def _alive(obj) -> bool:
    try:
        import shiboken6

        return shiboken6.isValid(obj)
    except Exception:
        return False
