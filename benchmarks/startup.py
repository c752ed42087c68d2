"""Launch to a shown window: nnviz against a bare PySide6 + pyqtgraph window, side by side.

Run: python benchmarks/startup.py [--repeats 5]   (under Xvfb, or offscreen without DISPLAY)

Each start is a fresh Python process; the figure is the wall time from just before the
process is launched to the moment its window is exposed and has painted its first frame
(nnviz: `python -m nnviz` with NNVIZ_STARTUP_PROBE=1). The bare window is a QMainWindow
holding one pyqtgraph PlotWidget, the least a window of this kind needs. Medians and their
ratio from one run; not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

BARE = r"""
import os, sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
import pyqtgraph as pg
app = QApplication(sys.argv[:1])
w = QMainWindow()
w.setCentralWidget(pg.PlotWidget())
w.resize(1280, 720)
w.show()
def check():
    h = w.windowHandle()
    if h is None or not h.isExposed():
        QTimer.singleShot(1, check)
        return
    w.repaint()
    print(f"shown {time.time():.6f}", flush=True)
    os._exit(0)
QTimer.singleShot(0, check)
app.exec()
"""


def launch(args: list[str], env: dict) -> float:
    t = time.time()
    out = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
    line = next((x for x in out.stdout.splitlines() if x.startswith("shown ")), None)
    if line is None:
        raise SystemExit(f"no window was shown by {args}: {out.stderr[-500:]}")
    return float(line.split()[1]) - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    env = dict(os.environ, NNVIZ_STARTUP_PROBE="1")
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    print(f"platform: {env.get('QT_QPA_PLATFORM', 'xcb on ' + env.get('DISPLAY', '?'))}")
    bare, app = [], []
    for _ in range(args.repeats):  # interleaved, so drifts in machine load hit both alike
        bare.append(launch([sys.executable, "-c", BARE], env))
        app.append(launch([sys.executable, "-m", "nnviz"], env))
    b, a = statistics.median(bare), statistics.median(app)
    print(f"seconds from launch to a shown window, median of {args.repeats}")
    print(f"{'bare PySide6 + pyqtgraph':<28}{b:>7.2f}")
    print(f"{'nnviz':<28}{a:>7.2f}")
    print(f"{'ratio':<28}{a / b:>7.2f}x")


if __name__ == "__main__":
    main()
