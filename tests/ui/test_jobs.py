"""JobRunner: one job at a time, stale results dropped, every thread waited for (issue 27)."""

from __future__ import annotations

import threading

from nnviz.ui.jobs import JobRunner


def test_a_new_job_cancels_the_old_one_whose_result_never_arrives(qtbot):
    runner = JobRunner("test")
    release = threading.Event()
    heard = []
    runner.succeeded.connect(heard.append)
    runner.failed.connect(lambda m: heard.append(("failed", m)))

    def slow(progress, cancelled):  # ignores cancel until released: a late result
        release.wait(30)
        return "old"

    old = runner.start(slow)
    runner.start(lambda progress, cancelled: "new")
    qtbot.waitUntil(lambda: heard == ["new"])
    release.set()
    assert old.wait(30_000)
    qtbot.waitUntil(lambda: not old.isRunning())
    qtbot.settle()
    assert heard == ["new"] and not runner.running
    assert runner.shutdown(30_000)


def test_progress_and_errors_come_from_the_latest_job_only(qtbot):
    runner = JobRunner("test")
    progress, errors = [], []
    runner.progress.connect(lambda d, t, s: progress.append((d, t)))
    runner.failed.connect(errors.append)

    def failing(report, cancelled):
        report(1, 2, "half")
        raise ValueError("no such file")

    with qtbot.waitSignal(runner.ended):
        runner.start(failing)
    assert progress == [(1, 2)] and errors == ["no such file"]


def test_cancel_says_so_at_once_and_shutdown_waits_for_the_thread(qtbot):
    runner = JobRunner("test")
    cancelled = []
    runner.cancelled.connect(lambda: cancelled.append(True))
    started = threading.Event()

    def until_cancelled(progress, is_cancelled):
        started.set()
        while not is_cancelled():
            threading.Event().wait(0.01)
        return "too late"

    job = runner.start(until_cancelled)
    assert started.wait(30)
    runner.cancel()
    assert cancelled == [True] and not runner.running
    assert runner.shutdown(30_000) and not job.isRunning()
