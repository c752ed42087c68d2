"""Quitting is safe at any moment: the app started and closed at 20 moments from 0 to 3 s,
with every CPU kept busy, exits 0 each time (a QThread destroyed while it runs aborts)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

# More apps start at once than there are CPUs, so the starting apps themselves keep every
# CPU busy (a spinner did that before and cost a whole CPU for the test's length).
AT_ONCE = (os.cpu_count() or 2) + 1
MOMENTS_MS = list(range(0, 3001, 3000 // 19))


def _launch(ms: int, tmp_path) -> subprocess.Popen:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        NNVIZ_SMOKE_QUIT_MS=str(ms),
        NNVIZ_SETTINGS_PATH=str(tmp_path / f"settings-{ms}.ini"),
        NNVIZ_STATE_DIR=str(tmp_path / f"state-{ms}"),
    )
    return subprocess.Popen(
        [sys.executable, "-m", "nnviz"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_the_app_quits_cleanly_at_any_moment_on_a_busy_machine(tmp_path):
    waiting = list(MOMENTS_MS)
    running: dict[int, subprocess.Popen] = {}
    results: dict[int, tuple[int, str]] = {}
    deadline = time.monotonic() + 600  # a hung app fails the test instead of blocking it
    try:
        while waiting or running:
            while waiting and len(running) < AT_ONCE:
                ms = waiting.pop(0)
                running[ms] = _launch(ms, tmp_path)
            ms, proc = next(iter(running.items()))
            proc.wait(timeout=max(1.0, deadline - time.monotonic()))
            del running[ms]
            results[ms] = (proc.returncode, proc.stderr.read()[-400:])
            proc.stderr.close()
    finally:
        for proc in running.values():
            proc.kill()
            proc.wait()
            proc.stderr.close()
    failed = {ms: r for ms, r in results.items() if r[0] != 0}
    assert len(results) == 20 and failed == {}


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
def test_ctrl_c_or_sigterm_closes_the_window_without_questions(window, qtbot, sig):
    """Qt's event loop never let Python run its handlers, so both were ignored. Now the window
    closes as if asked, no dialog waits for an answer, and an unsaved circuit is autosaved."""
    import signal

    from nnviz.core.circuits.model import nand_chain
    from nnviz.ui.circuit.commands import AddNodeCommand
    from nnviz.ui.shell.app import _close_on_signals

    sandbox = window.circuit_sandbox
    sandbox.files.replace(nand_chain(2), None)
    sandbox.undo_stack.push(AddNodeCommand(sandbox.circuit, "nand", (400, 0)))
    autosave = sandbox.autosave.path()
    assert not autosave.exists()
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        _close_on_signals(window)
        os.kill(os.getpid(), getattr(signal, sig))
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)
    assert autosave.exists() and "nand" in autosave.read_text()
