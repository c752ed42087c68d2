"""Quitting is safe at any moment: the app started and closed at 20 moments from 0 to 3 s,
with every CPU kept busy, exits 0 each time (a QThread destroyed while it runs aborts)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

SPIN = "while True: pass"
# The app being started keeps one CPU busy; spinners keep the others busy.
SPINNERS = max(1, (os.cpu_count() or 2) - 1)


@pytest.mark.slow
def test_the_app_quits_cleanly_at_any_moment_on_a_busy_machine(tmp_path):
    load = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(SPINNERS)]
    results = {}
    try:
        for i, ms in enumerate(range(0, 3001, 3000 // 19)):
            env = dict(
                os.environ,
                QT_QPA_PLATFORM="offscreen",
                NNVIZ_SMOKE_QUIT_MS=str(ms),
                NNVIZ_SETTINGS_PATH=str(tmp_path / f"settings-{i}.ini"),
            )
            done = subprocess.run(
                [sys.executable, "-m", "nnviz"],
                env=env,
                capture_output=True,
                text=True,
                timeout=180,
            )
            results[ms] = (done.returncode, done.stderr[-400:])
    finally:
        for p in load:
            p.kill()
            p.wait()
    failed = {ms: r for ms, r in results.items() if r[0] != 0}
    assert len(results) == 20 and failed == {}
