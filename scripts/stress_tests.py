"""Run a part of the test suite many times under CPU load and count the failures per test.

A flaky test passes on an idle machine and fails on a busy one, so this keeps every core busy
with spinning processes while pytest runs the chosen tests again and again:

    .venv/bin/python scripts/stress_tests.py --runs 20            # tests/ui, both cores busy
    .venv/bin/python scripts/stress_tests.py --runs 5 tests/ui/training/test_studio.py
    .venv/bin/python scripts/stress_tests.py --runs 10 --load 0   # no load, for comparison

It prints one line per run and, at the end, each test that failed with its count. The exit
status is 1 when any run failed. Not part of CI: it takes minutes to hours.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPIN = (
    "import signal, sys\nsignal.signal(signal.SIGTERM, lambda *a: sys.exit(0))\nwhile True: pass\n"
)


def start_load(n: int) -> list[subprocess.Popen]:
    """``n`` processes that each keep a core busy until terminated."""
    return [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(n)]


def stop_load(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def failures(junit: Path) -> list[tuple[str, str]]:
    """(node id, failure text) of the tests that failed or erred in a JUnit XML report."""
    if not junit.exists():
        return [("<no report: pytest crashed>", "")]
    out = []
    for case in ET.parse(junit).getroot().iter("testcase"):
        bad = case.find("failure")
        bad = bad if bad is not None else case.find("error")
        if bad is not None:
            text = (bad.get("message") or "") + "\n" + (bad.text or "")
            out.append((f"{case.get('classname', '')}::{case.get('name', '')}", text))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", default=["tests/ui"], help="tests to run (tests/ui)")
    ap.add_argument("--runs", type=int, default=20, help="how many times (20)")
    ap.add_argument(
        "--load", type=int, default=os.cpu_count() or 2, help="spinning processes (one a core)"
    )
    ap.add_argument("--workers", default="auto", help="pytest-xdist workers, or 0 (auto)")
    ap.add_argument("--keep", default="stress-logs", help="folder for failing runs' output")
    ap.add_argument("pytest_args", nargs=argparse.REMAINDER, help="after --: more for pytest")
    args = ap.parse_args(argv)
    extra = [a for a in args.pytest_args if a != "--"]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    counts: Counter[str] = Counter()
    failed_runs = 0
    load = start_load(args.load)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for run in range(1, args.runs + 1):
                junit = Path(tmp) / f"run{run}.xml"
                cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
                cmd += ["-n", str(args.workers), f"--junitxml={junit}", *args.paths, *extra]
                t0 = time.monotonic()
                done = subprocess.run(
                    cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
                )
                found = failures(junit) if done.returncode != 0 else []
                if done.returncode != 0 and not found:
                    found = [(f"<pytest exited {done.returncode}>", "")]
                failed = [name for name, _ in found]
                counts.update(failed)
                failed_runs += bool(failed)
                verdict = "passed" if not failed else "FAILED: " + ", ".join(failed)
                seconds = time.monotonic() - t0
                print(f"run {run}/{args.runs}: {seconds:.0f} s, {verdict}", flush=True)
                for name, text in found:  # the end of each failure, to find its cause
                    tail = "\n".join(text.strip().splitlines()[-25:])
                    print(f"--- {name}\n{tail}", flush=True)
                if found and args.keep:  # the whole output (a crashed worker's dump is there)
                    out = Path(args.keep) / f"run{run}.log"
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_bytes(done.stdout)
                    print(f"--- pytest's output: {out}", flush=True)
    finally:
        stop_load(load)
    print(f"\n{args.runs - failed_runs} of {args.runs} runs passed under a load of {args.load}")
    for test, n in counts.most_common():
        print(f"{n:4d}  {test}")
    return 1 if failed_runs else 0


if __name__ == "__main__":
    sys.exit(main())
