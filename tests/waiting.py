"""Helpers for tests that wait: describing a condition, and the processes a test leaves."""

from __future__ import annotations

import inspect
import os
import time
from pathlib import Path

EXIT_CEILING_S = 30.0


def describe_condition(callback) -> str:
    """The source of a waited-for condition (a lambda's line, or a function's name)."""
    try:
        src = inspect.getsource(callback).strip()
    except (OSError, TypeError):
        return repr(callback)
    src = " ".join(src.split())
    return src if len(src) <= 400 else src[:400] + "…"


def _resource_tracker_pid() -> int | None:
    """multiprocessing's resource tracker is a long-lived helper, not a test's leftover."""
    try:
        from multiprocessing import resource_tracker

        return resource_tracker._resource_tracker._pid  # noqa: SLF001 - no public accessor
    except Exception:  # noqa: BLE001
        return None


def leftover_children() -> list[int]:
    """This process's running (not zombie) child processes, on Linux; [] elsewhere."""
    tasks = Path(f"/proc/{os.getpid()}/task")
    if not tasks.is_dir():
        return []
    pids: set[int] = set()
    for task in tasks.iterdir():
        try:
            pids.update(int(p) for p in (task / "children").read_text().split())
        except OSError:
            continue
    tracker = _resource_tracker_pid()
    running = []
    for pid in sorted(pids - {tracker}):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue  # gone already
        state = stat.rsplit(")", 1)[1].split()[0]
        if state not in ("Z", "X"):
            running.append(pid)
    return running


def wait_for_exit(ignore: set[int], ceiling: float = EXIT_CEILING_S) -> list[int]:
    """Wait (bounded) for children not in ``ignore`` to end; return those still running."""
    deadline = time.monotonic() + ceiling
    while True:
        left = [pid for pid in leftover_children() if pid not in ignore]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)
